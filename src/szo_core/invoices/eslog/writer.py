"""The e-SLOG 2.0 writer: :func:`to_eslog`.

The element map, the VAT choice and what the file does not carry are on the
docs page ``docs/invoices-eslog.md``.  In short:

* ``S_BGM`` type 380/381 and number; ``S_DTM`` 137 (issued), 167/168 (the
  billed month); ``S_FTX`` DOC (the EN 16931 marker), AGM (the VAT
  exemption), AAI (the note) and ZZZ (the child, szo_core's own);
* ``G_SG1`` PQ (the payment reference), OI (each corrected invoice, with its
  date 384 and month 167/168);
* ``G_SG2`` SE and BY: name, address, IBAN/BIC (RB, BB), tax number (AHP),
  registration number (0199), e-mail;
* ``G_SG7`` the currency; ``G_SG8`` the due date 13 and the payment means;
* ``G_SG26`` the lines; ``G_SG50`` the totals 79/389/176/388/9; ``G_SG52``
  the VAT breakdown.

A credit note's amounts are written positive (EN 16931); the record keeps them
negative and :func:`~szo_core.invoices.eslog.read_eslog` flips them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from lxml import etree

from szo_core.errors import InvoiceError
from szo_core.ids import reference as _reference
from szo_core.invoices.eslog.codes import (
    MAX_AMOUNT,
    check_bic,
    check_code,
    check_iban,
    check_text,
    check_vatex,
    split_text,
)
from szo_core.invoices.record import (
    DebitPayment,
    DocumentLine,
    DocumentType,
    InvoiceDocument,
    PartyInfo,
    SlipPayment,
)

__all__ = [
    "CHILD_CODE_TEXT",
    "CHILD_TEXT",
    "EN16931",
    "LINE_TEXT",
    "NAMESPACE",
    "to_eslog",
]

NAMESPACE = "urn:eslog:2.00"
"""The e-SLOG 2.0 namespace."""

EN16931 = "urn:cen.eu:en16931:2017"
"""The EN 16931 marker (``S_FTX`` DOC), required by UJP."""

CHILD_TEXT = "SZO-CHILD"
"""``S_FTX`` ZZZ ``D_4441`` of the child's name (szo_core's own, ignored by others)."""

CHILD_CODE_TEXT = "SZO-CHILD-CODE"
"""``S_FTX`` ZZZ ``D_4441`` of the child's code."""

LINE_TEXT = "SZO-LINE"
"""Line ``S_FTX`` ZZZ ``D_4441`` of the line's counting (kind, days, coefficient ...)."""

_Q = f"{{{NAMESPACE}}}"
_CENTS = Decimal("0.01")
_ZERO = Decimal("0.00")


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _Q + tag)
    if text is not None:
        element.text = text
    return element


def _parts(parent: etree._Element, tag: str, pieces: Iterable[str]) -> None:
    for i, piece in enumerate(pieces, start=1):
        _sub(parent, tag if i == 1 else f"{tag}_{i}", piece)


def _amount(value: Decimal, where: str) -> str:
    if abs(value) >= MAX_AMOUNT:
        raise InvoiceError(
            "eslog.amount_range",
            sl="Znesek je prevelik za e-SLOG 2.0 (največ 13 mest pred decimalno vejico).",
            en="The amount is too large for e-SLOG 2.0 (at most 13 digits before the point).",
            where=where,
        )
    return f"{value.quantize(_CENTS):f}"


def _dtm(parent: etree._Element, qualifier: str, day: date) -> None:
    check_code("date", qualifier, where="S_DTM/D_2005")
    dtm = _sub(parent, "S_DTM")
    c507 = _sub(dtm, "C_C507")
    _sub(c507, "D_2005", qualifier)
    _sub(c507, "D_2380", day.isoformat())


def _moa(parent: etree._Element, qualifier: str, value: Decimal, where: str) -> None:
    check_code("amount", qualifier, where="S_MOA/D_5025")
    moa = _sub(parent, "S_MOA")
    c516 = _sub(moa, "C_C516")
    _sub(c516, "D_5025", qualifier)
    _sub(c516, "D_5004", _amount(value, where))


def _ftx(
    parent: etree._Element,
    qualifier: str,
    text: str,
    *,
    code: str = "",
    language: str = "",
    where: str,
    parts: int = 5,
) -> None:
    check_code("text", qualifier, where="S_FTX/D_4451")
    pieces = split_text(text, size=512, parts=parts, where=where)
    if not pieces and not code:
        return
    ftx = _sub(parent, "S_FTX")
    _sub(ftx, "D_4451", qualifier)
    if code:
        _sub(_sub(ftx, "C_C107"), "D_4441", code)
    if pieces:
        _parts(_sub(ftx, "C_C108"), "D_4440", pieces)
    if language:
        _sub(ftx, "D_3453", check_code("language", language, where="S_FTX/D_3453"))


def _rff(parent: etree._Element, qualifier: str, value: str, where: str) -> etree._Element:
    check_code("reference", qualifier, where="S_RFF/D_1153")
    rff = _sub(parent, "S_RFF")
    c506 = _sub(rff, "C_C506")
    _sub(c506, "D_1153", qualifier)
    if value:
        _sub(c506, "D_1154", split_text(value, size=70, parts=1, where=where)[0])
    return rff


def _party(root: etree._Element, qualifier: str, party: PartyInfo, role: str) -> None:
    check_code("party", qualifier, where="S_NAD/D_3035")
    group = _sub(root, "G_SG2")
    nad = _sub(group, "S_NAD")
    _sub(nad, "D_3035", qualifier)
    name = split_text(party.name, size=70, parts=5, where=f"{role}.name")
    if name:
        _parts(_sub(nad, "C_C080"), "D_3036", name)
    address = party.address
    street = split_text(address.street, size=35, parts=4, where=f"{role}.address.street")
    if street:
        _parts(_sub(nad, "C_C059"), "D_3042", street)
    city = split_text(address.city, size=35, parts=1, where=f"{role}.address.city")
    if city:
        _sub(nad, "D_3164", city[0])
    post_code = split_text(address.post_code, size=17, parts=1, where=f"{role}.address.post_code")
    if post_code:
        _sub(nad, "D_3251", post_code[0])
    if address.country:
        if (
            len(address.country) != 2
            or not address.country.isascii()
            or not (address.country.isalpha() and address.country.isupper())
        ):
            raise InvoiceError(
                "eslog.country",
                sl="Država mora biti dvočrkovna koda ISO 3166 (SI).",
                en="The country must be a two-letter ISO 3166 code (SI).",
                where=f"{role}.address.country",
            )
        _sub(nad, "D_3207", address.country)
    if party.iban or party.bic or party.bank:
        account = "RB" if qualifier == "SE" else "BB"
        check_code("account", account, where="S_FII/D_3035")
        fii = _sub(group, "S_FII")
        _sub(fii, "D_3035", account)
        if party.iban:
            _sub(_sub(fii, "C_C078"), "D_3194", check_iban(party.iban, where=f"{role}.iban"))
        if party.bic or party.bank:
            c088 = _sub(fii, "C_C088")
            if party.bic:
                _sub(c088, "D_3433", check_bic(party.bic, where=f"{role}.bic"))
            if party.bank:
                bank = split_text(party.bank, size=70, parts=1, where=f"{role}.bank")
                _sub(c088, "D_3432", bank[0])
    if party.tax_number:
        # AHP, the tax registration number (EN 16931 BT-32), not VA (the VAT identifier):
        # the record does not say whether the party is a VAT payer (see the docs).
        _rff(_sub(group, "G_SG3"), "AHP", party.tax_number, f"{role}.tax_number")
    if party.registration_number:
        _rff(_sub(group, "G_SG3"), "0199", party.registration_number, f"{role}.registration_number")
    if party.email:
        email = split_text(party.email, size=512, parts=1, where=f"{role}.email")[0]
        contact = _sub(group, "G_SG5")
        _sub(contact, "S_CTA")
        com = _sub(_sub(contact, "S_COM"), "C_C076")
        _sub(com, "D_3148", email)
        _sub(com, "D_3155", "EM")


def _line_extras(line: DocumentLine) -> str:
    fields: list[tuple[str, str]] = [("kind", line.kind)]
    if line.days is not None:
        fields.append(("days", str(line.days)))
    if line.days_in_month is not None:
        fields.append(("of", str(line.days_in_month)))
    if line.coefficient is not None:
        fields.append(("coefficient", str(line.coefficient)))
    if line.decision_number:
        fields.append(("decision", line.decision_number))
    if line.corrects is not None:
        fields.append(("corrects", str(line.corrects)))
    return urlencode(fields)


def _line(root: etree._Element, line: DocumentLine, sign: int, vat: tuple[str, str]) -> None:
    where = f"lines[{line.position}]"
    if line.position > 999_999:
        raise InvoiceError(
            "eslog.line_position",
            sl="Številka vrstice ima v e-SLOG 2.0 največ 6 mest.",
            en="A line number has at most 6 digits in e-SLOG 2.0.",
            where=where,
        )
    amount = sign * line.amount
    group = _sub(root, "G_SG26")
    _sub(_sub(group, "S_LIN"), "D_1082", str(line.position))
    for language, text in (("sl", line.description.sl), ("en", line.description.en)):
        pieces = split_text(text, size=256, parts=2, where=f"{where}.description.{language}")
        if pieces:
            imd = _sub(group, "S_IMD")
            _sub(imd, "D_7077", "F")
            c273 = _sub(imd, "C_C273")
            _parts(c273, "D_7008", pieces)
            _sub(c273, "D_3453", check_code("language", language, where="S_IMD/D_3453"))
    qty = _sub(_sub(group, "S_QTY"), "C_C186")
    _sub(qty, "D_6063", "47")
    # EN 16931 (BR-27): the price is never negative; a negative line has quantity -1.
    _sub(qty, "D_6060", "-1" if amount < 0 else "1")
    _sub(qty, "D_6411", "C62")
    if line.start is not None:
        _dtm(group, "167", line.start)
    if line.end is not None:
        _dtm(group, "168", line.end)
    for language, text in (("sl", line.detail.sl), ("en", line.detail.en)):
        _ftx(group, "ACB", text, language=language, where=f"{where}.detail.{language}")
    check_text(line.kind, where=f"{where}.kind")
    check_text(line.decision_number, where=f"{where}.decision_number")
    _ftx(group, "ZZZ", _line_extras(line), code=LINE_TEXT, where=f"{where}.decision_number")
    _moa(_sub(group, "G_SG27"), "203", amount, where)
    _moa(_sub(group, "G_SG27"), "38", amount, where)
    pri = _sub(_sub(_sub(group, "G_SG29"), "S_PRI"), "C_C509")
    _sub(pri, "D_5125", "AAA")
    _sub(pri, "D_5118", _amount(abs(amount), where))
    _sub(pri, "D_5284", "1")
    _sub(pri, "D_6411", "C62")
    tax = _sub(group, "G_SG34")
    _tax(tax, vat)
    _moa(tax, "125", amount, where)
    _moa(tax, "124", _ZERO, where)


def _tax(parent: etree._Element, vat: tuple[str, str]) -> None:
    category, rate = vat
    tax = _sub(parent, "S_TAX")
    _sub(tax, "D_5283", "7")
    _sub(_sub(tax, "C_C241"), "D_5153", "VAT")
    _sub(_sub(tax, "C_C243"), "D_5278", rate)
    _sub(tax, "D_5305", category)


def _vat(doc: InvoiceDocument) -> tuple[str, str]:
    vat = doc.vat
    category = check_code("vat_category", vat.category, where="vat.category")
    if vat.rate != 0:
        raise InvoiceError(
            "eslog.vat_rate",
            sl=f"Kategorija DDV {category} nima stopnje; stopnja mora biti 0.",
            en=f"The VAT category {category} has no rate; the rate must be 0.",
            where="vat.rate",
        )
    if vat.reason_code:
        check_vatex(vat.reason_code, where="vat.reason_code")
    elif category in {"E", "O"}:
        raise InvoiceError(
            "eslog.vat_reason",
            sl=f"Kategorija DDV {category} potrebuje kodo razloga VATEX.",
            en=f"The VAT category {category} needs a VATEX reason code.",
            where="vat.reason_code",
        )
    return category, "0"


def _message_number(number: str) -> str:
    # D_0062 holds 14 characters: the number itself, or its last 14 characters.
    return number[-14:]


def _payment_means(doc: InvoiceDocument) -> str | None:
    if isinstance(doc.payment, SlipPayment):
        return check_code("payment_means", "30", where="S_PAI/D_4461")
    if isinstance(doc.payment, DebitPayment):
        return check_code("payment_means", "59", where="S_PAI/D_4461")
    return None


def to_eslog(doc: InvoiceDocument) -> bytes:
    """Write ``doc`` as an e-SLOG 2.0 invoice (UTF-8 bytes, valid against the XSD).

    The same document gives the same bytes.  Every code written is checked
    against :data:`szo_core.invoices.eslog.codes.ALLOWED`, every text against
    the XSD's length; a credit note's amounts are written positive.

    Args:
        doc: The invoice or credit note.

    Returns:
        The XML document.

    Raises:
        InvoiceError: a code not allowed (``eslog.code``, ``eslog.vatex``,
            ``eslog.iban``, ``eslog.bic``, ``eslog.country``), a text too long
            (``eslog.text_too_long``) or with control characters
            (``eslog.text_characters``), an amount too large
            (``eslog.amount_range``), a VAT rate other than 0 (``eslog.vat_rate``).

    Example:
        >>> from szo_core.invoices.eslog import example_document
        >>> xml = to_eslog(example_document())
        >>> xml.splitlines()[0]
        b"<?xml version='1.0' encoding='UTF-8'?>"
        >>> to_eslog(example_document()) == xml
        True
    """
    sign = -1 if doc.type is DocumentType.CREDIT_NOTE else 1
    check_code("document_type", doc.type.value, where="S_BGM/D_1001")
    number = split_text(doc.number, size=70, parts=1, where="number")
    if not number:
        raise InvoiceError(
            "eslog.number",
            sl="Račun nima številke.",
            en="The invoice has no number.",
            where="number",
        )
    vat = _vat(doc)
    currency = check_code("currency", doc.currency, where="currency")
    # lxml-stubs type nsmap keys as str; None is lxml's key of the default namespace.
    root = etree.Element(_Q + "Invoice", nsmap={None: NAMESPACE})  # type: ignore[dict-item]
    message = _sub(root, "M_INVOIC")
    message.set("Id", "data")
    unh = _sub(message, "S_UNH")
    _sub(unh, "D_0062", _message_number(number[0]))
    s009 = _sub(unh, "C_S009")
    for tag, value in (("D_0065", "INVOIC"), ("D_0052", "D"), ("D_0054", "01B"), ("D_0051", "UN")):
        _sub(s009, tag, value)
    bgm = _sub(message, "S_BGM")
    _sub(_sub(bgm, "C_C002"), "D_1001", doc.type.value)
    _sub(_sub(bgm, "C_C106"), "D_1004", number[0])
    _dtm(message, "137", doc.issued_on)
    _dtm(message, "167", doc.service_start)
    _dtm(message, "168", doc.service_end)
    _ftx(message, "DOC", EN16931, where="S_FTX/DOC")
    if doc.vat.reason_code or doc.vat.reason:
        _ftx(message, "AGM", doc.vat.reason, code=doc.vat.reason_code, where="vat.reason")
    _ftx(message, "AAI", doc.note, where="note")
    if doc.child_name:
        _ftx(message, "ZZZ", doc.child_name, code=CHILD_TEXT, where="child_name", parts=1)
    if doc.child_code is not None:
        _ftx(message, "ZZZ", str(doc.child_code), code=CHILD_CODE_TEXT, where="child_code")
    if doc.reference:
        check_text(doc.reference, where="reference")
        payment_reference = (
            _reference.compact(doc.reference)
            if _reference.is_valid(doc.reference)
            else doc.reference
        )
        _rff(_sub(message, "G_SG1"), "PQ", payment_reference, "reference")
    for i, corrected in enumerate(doc.corrects):
        group = _sub(message, "G_SG1")
        _rff(group, "OI", corrected.number or "", f"corrects[{i}].number")
        if corrected.issued_on is not None:
            _dtm(group, "384", corrected.issued_on)
        _dtm(group, "167", corrected.month.first)
        _dtm(group, "168", corrected.month.last)
    _party(message, "SE", doc.seller, "seller")
    _party(message, "BY", doc.buyer, "buyer")
    cux = _sub(_sub(_sub(message, "G_SG7"), "S_CUX"), "C_C504")
    _sub(cux, "D_6347", "2")
    _sub(cux, "D_6345", currency)
    means = _payment_means(doc)
    if doc.due_on is not None or means is not None:
        terms = _sub(message, "G_SG8")
        _sub(_sub(terms, "S_PAT"), "D_4279", "1")
        if doc.due_on is not None:
            _dtm(terms, "13", doc.due_on)
        if means is not None:
            _sub(_sub(_sub(terms, "S_PAI"), "C_C534"), "D_4461", means)
    for line in doc.lines:
        _line(message, line, sign, vat)
    total = sign * doc.total
    for qualifier in ("79", "389"):
        _moa(_sub(message, "G_SG50"), qualifier, total, "total")
    _moa(_sub(message, "G_SG50"), "176", _ZERO, "total")
    for qualifier in ("388", "9"):
        _moa(_sub(message, "G_SG50"), qualifier, total, "total")
    breakdown = _sub(message, "G_SG52")
    _tax(breakdown, vat)
    _moa(breakdown, "125", total, "total")
    _moa(breakdown, "124", _ZERO, "total")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
