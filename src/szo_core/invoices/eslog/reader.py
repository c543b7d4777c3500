"""The e-SLOG 2.0 reader: :func:`read_eslog`, back into an :class:`InvoiceDocument`.

The reader checks the file against the XSD first, then maps the elements
:mod:`~szo_core.invoices.eslog.writer` writes.  It reads other producers'
invoices as far as the record can hold them (a free-text line without
szo_core's counting gets kind ``""``); what the record needs and the file
lacks (a number, the issue date, a service period of one calendar month, line
amounts) is a clear :class:`~szo_core.errors.InvoiceError`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from lxml import etree

from szo_core.calendar import Month
from szo_core.errors import InvoiceError
from szo_core.ids import reference as _reference
from szo_core.invoices.eslog.codes import ALLOWED
from szo_core.invoices.eslog.schema import check_tree, parse_xml
from szo_core.invoices.eslog.writer import CHILD_CODE_TEXT, CHILD_TEXT, LINE_TEXT, NAMESPACE
from szo_core.invoices.record import (
    Bilingual,
    CorrectedInvoice,
    DocumentLine,
    DocumentType,
    InvoiceDocument,
    PartyInfo,
    VatTreatment,
)
from szo_core.model import Address

__all__ = ["read_eslog"]

_Q = f"{{{NAMESPACE}}}"


def _path(path: str) -> str:
    return "/".join(_Q + part for part in path.split("/"))


def _find(element: etree._Element, path: str) -> etree._Element | None:
    return element.find(_path(path))


def _all(element: etree._Element, path: str) -> list[etree._Element]:
    return element.findall(_path(path))


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(_path(path))
    return (found.text or "") if found is not None else ""


def _joined(element: etree._Element | None, tag: str, parts: int) -> str:
    if element is None:
        return ""
    return "".join(_text(element, tag if i == 1 else f"{tag}_{i}") for i in range(1, parts + 1))


def _error(code: str, sl: str, en: str, element: etree._Element | None) -> InvoiceError:
    where = None
    if element is not None:
        where = f"line {element.sourceline}, {etree.QName(element).localname}"
    return InvoiceError(code, sl=sl, en=en, where=where)


def _date(text: str, element: etree._Element) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _error(
            "eslog.date", "Datum ni pravilen.", "The date is not valid.", element
        ) from None


def _dates(element: etree._Element) -> dict[str, date]:
    out: dict[str, date] = {}
    for dtm in _all(element, "S_DTM"):
        qualifier = _text(dtm, "C_C507/D_2005")
        text = _text(dtm, "C_C507/D_2380")
        if text and qualifier not in out:
            out[qualifier] = _date(text, dtm)
    return out


def _decimal(text: str, element: etree._Element) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise _error(
            "eslog.amount", "Znesek ni število.", "The amount is not a number.", element
        ) from None


def _amounts(element: etree._Element, path: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for moa in _all(element, path):
        qualifier = _text(moa, "C_C516/D_5025")
        text = _text(moa, "C_C516/D_5004")
        if text and qualifier not in out:
            out[qualifier] = _decimal(text, moa)
    return out


def _party(group: etree._Element) -> PartyInfo:
    nad = _find(group, "S_NAD")
    references = {
        _text(rff, "S_RFF/C_C506/D_1153"): _text(rff, "S_RFF/C_C506/D_1154")
        for rff in reversed(_all(group, "G_SG3"))
    }
    fii = _find(group, "S_FII")
    email = ""
    for com in _all(group, "G_SG5/S_COM/C_C076"):
        if _text(com, "D_3155") == "EM":
            email = _text(com, "D_3148")
            break
    return PartyInfo(
        name=_joined(_find(nad, "C_C080") if nad is not None else None, "D_3036", 5),
        address=Address(
            street=_joined(_find(nad, "C_C059") if nad is not None else None, "D_3042", 4),
            post_code=_text(nad, "D_3251"),
            city=_text(nad, "D_3164"),
            country=_text(nad, "D_3207"),
        ),
        tax_number=references.get("AHP") or references.get("VA", ""),
        registration_number=references.get("0199", ""),
        iban=_text(fii, "C_C078/D_3194"),
        bic=_text(fii, "C_C088/D_3433"),
        bank=_text(fii, "C_C088/D_3432"),
        email=email,
    )


def _texts(element: etree._Element) -> list[tuple[str, str, str, etree._Element]]:
    """Each ``S_FTX`` as (qualifier, code, text, element)."""
    return [
        (
            _text(ftx, "D_4451"),
            _text(ftx, "C_C107/D_4441"),
            _joined(_find(ftx, "C_C108"), "D_4440", 5),
            ftx,
        )
        for ftx in _all(element, "S_FTX")
    ]


def _int(text: str, element: etree._Element) -> int:
    try:
        return int(text)
    except ValueError:
        raise _error(
            "eslog.number_field",
            "Polje bi moralo biti celo število.",
            "The field should be a whole number.",
            element,
        ) from None


def _line(group: etree._Element, sign: int, index: int) -> DocumentLine:
    position_text = _text(group, "S_LIN/D_1082")
    position = _int(position_text, group) if position_text else index
    description = {"sl": "", "en": ""}
    for imd in _all(group, "S_IMD"):
        c273 = _find(imd, "C_C273")
        language = _text(c273, "D_3453") or "sl"
        if language in description and not description[language]:
            description[language] = _joined(c273, "D_7008", 2)
    detail = {"sl": "", "en": ""}
    extras: dict[str, str] = {}
    for qualifier, code, text, ftx in _texts(group):
        if qualifier == "ZZZ" and code == LINE_TEXT:
            extras = dict(parse_qsl(text, keep_blank_values=True))
        elif qualifier == "ACB":
            language = _text(ftx, "D_3453") or "sl"
            if language in detail and not detail[language]:
                detail[language] = text
    amounts = _amounts(group, "G_SG27/S_MOA")
    if "203" not in amounts:
        raise _error(
            "eslog.line_amount",
            "Vrstica nima zneska (MOA 203).",
            "The line has no amount (MOA 203).",
            group,
        )
    dates = _dates(group)
    corrects = extras.get("corrects")
    try:
        corrected = Month.parse(corrects) if corrects else None
        coefficient = Decimal(extras["coefficient"]) if "coefficient" in extras else None
        days = int(extras["days"]) if "days" in extras else None
        days_in_month = int(extras["of"]) if "of" in extras else None
        if coefficient is not None and not coefficient.is_finite():
            raise ValueError("coefficient")
    except (ValueError, InvalidOperation):
        raise _error(
            "eslog.line_text",
            "Besedilo SZO-LINE v vrstici ni pravilno.",
            "The line's SZO-LINE text is not valid.",
            group,
        ) from None
    return DocumentLine(
        position=position if position >= 1 else index,
        kind=extras.get("kind", ""),
        description=Bilingual(sl=description["sl"], en=description["en"]),
        detail=Bilingual(sl=detail["sl"], en=detail["en"]),
        amount=sign * amounts["203"],
        start=dates.get("167"),
        end=dates.get("168"),
        days=days,
        days_in_month=days_in_month,
        coefficient=coefficient,
        decision_number=extras.get("decision", ""),
        corrects=corrected,
    )


def _period(dates: dict[str, date], element: etree._Element) -> Month:
    start, end = dates.get("167"), dates.get("168")
    if start is None or end is None:
        raise _error(
            "eslog.period",
            "Račun nima obdobja storitve (DTM 167 in 168).",
            "The invoice has no service period (DTM 167 and 168).",
            element,
        )
    month = Month(start.year, start.month)
    if start != month.first or end != month.last:
        raise _error(
            "eslog.period",
            "Obdobje storitve ni en cel koledarski mesec.",
            "The service period is not one whole calendar month.",
            element,
        )
    return month


def _corrected(group: etree._Element) -> CorrectedInvoice:
    dates = _dates(group)
    start = dates.get("167") or dates.get("384")
    if start is None:
        raise _error(
            "eslog.corrects",
            "Sklic na popravljeni račun nima meseca (DTM 167) ne datuma (DTM 384).",
            "The corrected invoice's reference has no month (DTM 167) nor date (DTM 384).",
            group,
        )
    return CorrectedInvoice(
        month=Month(start.year, start.month),
        number=_text(group, "S_RFF/C_C506/D_1154") or None,
        issued_on=dates.get("384"),
    )


def _not_eslog(element: etree._Element | None) -> InvoiceError:
    return _error(
        "eslog.not_eslog",
        "Datoteka ni račun e-SLOG 2.0 (korenski element Invoice v urn:eslog:2.00).",
        "The file is not an e-SLOG 2.0 invoice (root element Invoice in urn:eslog:2.00).",
        element,
    )


def read_eslog(xml: bytes) -> InvoiceDocument:
    """Read an e-SLOG 2.0 invoice back into an :class:`InvoiceDocument`.

    ``read_eslog(to_eslog(doc)) == carried(doc)``: the fields e-SLOG does not
    carry (payment instruction, delivery, copy address, organisation and run
    ids) come back empty; see :func:`szo_core.invoices.eslog.carried`.
    A credit note's positive amounts come back negative.

    Raises:
        InvoiceError: ``eslog.not_xml`` / ``eslog.doctype`` / ``eslog.not_eslog``
            for a foreign file, ``eslog.schema`` for a file the XSD refuses, and
            ``eslog.*`` / ``invoice.*`` for an invoice the record cannot hold
            (no service month, lines not summing to the total ...).

    Example:
        >>> from szo_core.invoices.eslog import carried, example_document, to_eslog
        >>> doc = example_document()
        >>> read_eslog(to_eslog(doc)) == carried(doc)
        True
        >>> read_eslog(b"<Invoice/>")
        Traceback (most recent call last):
        ...
        szo_core.errors.InvoiceError: eslog.not_eslog: ... (line 1, Invoice)
    """
    tree = parse_xml(xml)
    root = tree.getroot()
    if root.tag != _Q + "Invoice":
        raise _not_eslog(root)
    check_tree(tree)
    message = _find(root, "M_INVOIC")
    if message is None:  # pragma: no cover - the XSD requires it
        raise _not_eslog(root)
    bgm = _find(message, "S_BGM")
    type_code = _text(bgm, "C_C002/D_1001")
    if type_code not in ALLOWED["document_type"]:
        raise _error(
            "eslog.document_type",
            "Dokument ni račun (380) ali dobropis (381).",
            "The document is not an invoice (380) or a credit note (381).",
            bgm,
        )
    kind = DocumentType(type_code)
    sign = -1 if kind is DocumentType.CREDIT_NOTE else 1
    number = _text(bgm, "C_C106/D_1004")
    if not number:
        raise _error("eslog.number", "Račun nima številke.", "The invoice has no number.", bgm)
    dates = _dates(message)
    if "137" not in dates:
        raise _error(
            "eslog.issued_on",
            "Račun nima datuma izdaje (DTM 137).",
            "The invoice has no issue date (DTM 137).",
            message,
        )
    vat_code, vat_reason, note, child_name, child_code = "", "", "", "", None
    for qualifier, code, text, ftx in _texts(message):
        if qualifier == "AGM":
            vat_code, vat_reason = code, text
        elif qualifier == "AAI" and not note:
            note = text
        elif qualifier == "ZZZ" and code == CHILD_TEXT:
            child_name = text
        elif qualifier == "ZZZ" and code == CHILD_CODE_TEXT:
            child_code = _int(text, ftx)
    payment_reference: str | None = None
    corrects: list[CorrectedInvoice] = []
    for group in _all(message, "G_SG1"):
        qualifier = _text(group, "S_RFF/C_C506/D_1153")
        value = _text(group, "S_RFF/C_C506/D_1154")
        if qualifier == "PQ" and payment_reference is None and value:
            payment_reference = _reference.format(value) if _reference.is_valid(value) else value
        elif qualifier == "OI":
            corrects.append(_corrected(group))
    parties = {_text(group, "S_NAD/D_3035"): group for group in _all(message, "G_SG2")}
    for qualifier in ("SE", "BY"):
        if qualifier not in parties:
            raise _error(
                "eslog.party",
                f"Račun nima stranke {qualifier} (prodajalec SE, kupec BY).",
                f"The invoice has no party {qualifier} (seller SE, buyer BY).",
                message,
            )
    currency = _text(message, "G_SG7/S_CUX/C_C504/D_6345") or "EUR"
    due_on = None
    terms = _find(message, "G_SG8")
    if terms is not None:
        due_on = _dates(terms).get("13")
    lines = tuple(
        _line(group, sign, index) for index, group in enumerate(_all(message, "G_SG26"), start=1)
    )
    totals: dict[str, Decimal] = {}
    for group in _all(message, "G_SG50"):
        for qualifier, amount in _amounts(group, "S_MOA").items():
            totals.setdefault(qualifier, amount)
    total_text = totals.get("388", totals.get("9"))
    if total_text is None:
        raise _error(
            "eslog.total",
            "Račun nima skupnega zneska (MOA 388 ali 9).",
            "The invoice has no total (MOA 388 or 9).",
            message,
        )
    breakdown = _find(message, "G_SG52/S_TAX")
    rate_text = _text(breakdown, "C_C243/D_5278")
    vat = VatTreatment(
        category=_text(breakdown, "D_5305") or "E",
        rate=_decimal(rate_text, breakdown) if rate_text and breakdown is not None else Decimal(0),
        reason_code=vat_code,
        reason=vat_reason,
    )
    return InvoiceDocument(
        number=number,
        type=kind,
        issued_on=dates["137"],
        period=_period(dates, message),
        due_on=due_on,
        seller=_party(parties["SE"]),
        buyer=_party(parties["BY"]),
        child_name=child_name,
        child_code=child_code,
        lines=lines,  # attrs' converter=tuple confuses mypy
        total=sign * total_text,
        reference=payment_reference,
        corrects=tuple(corrects),
        vat=vat,
        currency=currency,
        note=note,
    )
