"""Write a billing run to files: JSON for programs, CSVs for the accountant.

:func:`write_json` writes the whole result: the run, every document (invoices,
credit notes, the state's claim) with its lines, lists of children and what it
corrects, every fee statement with the formula of each line, and the
corrections.  Amounts are strings (``"265.00"``), dates ISO 8601, so nothing is
lost.

:func:`write_csv` writes one row per document line and :func:`write_lists_csv`
one row per entry of the municipalities' lists of children (seznam za občino)
and of the state's claim, in the format Slovenian Excel opens with a double
click:

* encoding UTF-8 **with BOM** (without it Excel reads č, š, ž as two characters);
* separator ``;`` (the list separator of the Slovenian locale, where ``,`` is
  the decimal sign);
* **decimal comma** in amounts (``-90,00``), no thousands separator;
* dates ISO (``2026-09-30``), which Excel reads as dates in every locale;
* lines end with CRLF; the header is in the chosen language.

Every writer goes through :func:`write_bytes` (:mod:`szo_core._files`, shared
with the payment files): the bytes go to a temporary file beside the target
(created with the mode a new file gets, under the umask), are flushed to disk,
and the file is renamed over the target.  A full disk or a kill leaves the
target as it was (or absent), never truncated; an ``OSError`` becomes
:class:`~szo_core.errors.DeliveryError` ``file.write_failed``.

>>> from decimal import Decimal
>>> _amount(Decimal("-1234.50"))
'-1234,50'
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs

from szo_core._files import atomic_write, write_bytes
from szo_core.billing.records import BillingResult, DocumentKind, Invoice, InvoiceLine, ListEntry
from szo_core.calendar import Month
from szo_core.errors import Language

__all__ = [
    "CSV_COLUMNS",
    "LIST_COLUMNS",
    "DocumentDetails",
    "json_bytes",
    "list_rows",
    "open_atomic",
    "result_document",
    "statement_rows",
    "write_bytes",
    "write_csv",
    "write_json",
    "write_lists_csv",
]

CSV_COLUMNS: dict[Language, tuple[str, ...]] = {
    "sl": (
        "Dokument",
        "Številka",
        "Sklic",
        "Datum izdaje",
        "Mesec",
        "Otrok",
        "Ime otroka",
        "Plačnik",
        "Šifra plačnika",
        "Ime plačnika",
        "Način plačila",
        "Rok plačila",
        "Vrsta",
        "Opis",
        "Od",
        "Do",
        "Poračun za mesec",
        "Znesek",
    ),
    "en": (
        "Document",
        "Number",
        "Reference",
        "Issued on",
        "Month",
        "Child",
        "Child name",
        "Payer",
        "Payer id",
        "Payer name",
        "Payment method",
        "Due date",
        "Kind",
        "Description",
        "From",
        "To",
        "Corrects month",
        "Amount",
    ),
}
"""The statements CSV header in Slovenian and English (one row per document line)."""

LIST_COLUMNS: dict[Language, tuple[str, ...]] = {
    "sl": (
        "Dokument",
        "Številka",
        "Plačnik",
        "Šifra plačnika",
        "Mesec obračuna",
        "Otrok",
        "Ime otroka",
        "Vlagatelj",
        "Za mesec",
        "Poračun",
        "Dni",
        "Dni v mesecu",
        "Cena",
        "Delež staršev",
        "Obračunano",
        "Pravilno",
        "Znesek",
    ),
    "en": (
        "Document",
        "Number",
        "Payer",
        "Payer id",
        "Billed in",
        "Child",
        "Child name",
        "Applicant",
        "For month",
        "Correction",
        "Days",
        "Days in month",
        "Price",
        "Parents' coefficient",
        "Billed",
        "Due",
        "Amount",
    ),
}
"""The lists CSV header (one row per child entry of a municipality's list or the state's claim)."""

_KIND_SL = {
    DocumentKind.INVOICE: "račun",
    DocumentKind.CREDIT_NOTE: "dobropis",
    DocumentKind.CLAIM: "zahtevek",
}
_YES_NO = {"sl": ("da", "ne"), "en": ("yes", "no")}
# The codes of InvoiceLine.kind (the fee engine's LineKind, corrections, lists) in Slovenian.
_LINE_KIND_SL = {
    "share": "delež cene",
    "food_deduction": "odbitek hrane",
    "sibling_exemption": "oprostitev za sorojence",
    "extra_discount": "dodatno znižanje",
    "reservation": "rezervacija",
    "reservation_rest": "rezervacija: razlika",
    "unannounced_absence": "nenapovedana odsotnost",
    "private_rest": "razlika do cene zasebnega vrtca",
    "rounding": "zaokrožitev",
    "correction": "poračun",
    "list": "seznam",
}
_PAYMENT = {
    "sl": {"upn": "UPN", "direct_debit": "direktna obremenitev", "held_back": "zadržano"},
    "en": {"upn": "UPN slip", "direct_debit": "direct debit", "held_back": "held back"},
}


@attrs.frozen(kw_only=True)
class DocumentDetails:
    """What the accountant's CSV shows of a document beyond the run: names, payment, due date.

    :func:`szo_core.billing.folder.bill_to_folder` builds them from the
    month's records and the payment instructions.

    Attributes:
        child_name: The child's name (parents' documents).
        payer_name: Who pays: the paying guardian, the child, another party,
            the municipality.
        payment: ``"upn"``, ``"direct_debit"``, ``"held_back"`` (an invoice to
            pay that got no instruction) or empty.
        due_on: The due date of an invoice to pay.

    >>> DocumentDetails(payment="upn").payment
    'upn'
    """

    child_name: str = ""
    payer_name: str = ""
    payment: str = ""
    due_on: date | None = None


_NO_DETAILS = DocumentDetails()


# --------------------------------------------------------------------------- writing files


open_atomic = atomic_write
"""The shared atomic writer (:func:`szo_core._files.atomic_write`), under its billing name."""


# --------------------------------------------------------------------------- CSV


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _decimal(value: Decimal | None) -> str:
    return "" if value is None else str(value).replace(".", ",")


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _month(value: Month | None) -> str:
    return "" if value is None else str(value)


def _payer(invoice: Invoice, lang: Language) -> str:
    # Slovenian: the kind's label (starši, stanovalec, zavezanec ...); English: its code.
    return invoice.payer.label("sl") if lang == "sl" else str(invoice.payer)


def _kind(invoice: Invoice, lang: Language) -> str:
    return _KIND_SL[invoice.kind] if lang == "sl" else str(invoice.kind)


def _line_kind(kind: str, lang: Language) -> str:
    return _LINE_KIND_SL.get(kind, kind) if lang == "sl" else kind


def _row(
    invoice: Invoice, line: InvoiceLine, lang: Language, details: DocumentDetails
) -> list[str]:
    return [
        _kind(invoice, lang),
        invoice.number or "",
        invoice.reference or "",
        invoice.issued_on.isoformat(),
        str(invoice.month),
        "" if invoice.child_code is None else str(invoice.child_code),
        details.child_name,
        _payer(invoice, lang),
        invoice.payer_id,
        details.payer_name,
        _PAYMENT[lang].get(details.payment, details.payment),
        _day(details.due_on),
        _line_kind(line.kind, lang),
        line.description,
        _day(line.start),
        _day(line.end),
        _month(line.original_month),
        _amount(line.amount),
    ]


def statement_rows(
    result: BillingResult,
    lang: Language = "sl",
    details: Mapping[int, DocumentDetails] | None = None,
) -> list[list[str]]:
    """The statements CSV rows (header first): one per document line.

    ``details`` gives, by document position, the names, payment method and
    due date (:class:`DocumentDetails`); without them those columns are empty.
    The line kinds are Slovenian words when ``lang`` is ``"sl"``
    (``delež cene``, ``poračun`` ...), the codes otherwise.

    Example:
        >>> from szo_core.billing.records import BillingRun
        >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
        ...                  issued_on=date(2026, 10, 1))
        >>> header, *lines = statement_rows(BillingResult(run=run, documents=(),
        ...                                                statements=()), "en")
        >>> " | ".join(header[:3]), len(lines)
        ('Document | Number | Reference', 0)
    """
    rows = [list(CSV_COLUMNS[lang])]
    found = details or {}
    for invoice in result.documents:
        extra = found.get(invoice.position, _NO_DETAILS)
        rows.extend(_row(invoice, line, lang, extra) for line in invoice.lines)
    return rows


def _entry_row(invoice: Invoice, entry: ListEntry, lang: Language) -> list[str]:
    yes, no = _YES_NO[lang]
    return [
        _kind(invoice, lang),
        invoice.number or "",
        _payer(invoice, lang),
        invoice.payer_id,
        str(invoice.month),
        str(entry.child_code),
        entry.child_name,
        entry.applicant,
        str(entry.month),
        yes if entry.correction else no,
        str(entry.days),
        str(entry.days_in_month),
        _amount(entry.price),
        _decimal(entry.coefficient),
        _amount(entry.billed),
        _amount(entry.due),
        _amount(entry.amount),
    ]


def list_rows(result: BillingResult, lang: Language = "sl") -> list[list[str]]:
    """The lists CSV rows (header first): one per child entry of each list.

    Example:
        >>> from szo_core.billing.records import BillingRun
        >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
        ...                  issued_on=date(2026, 10, 1))
        >>> list_rows(BillingResult(run=run, documents=(), statements=()), "en")[0][:2]
        ['Document', 'Number']
    """
    rows = [list(LIST_COLUMNS[lang])]
    for invoice in result.documents:
        rows.extend(_entry_row(invoice, entry, lang) for entry in invoice.entries)
    return rows


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(result: BillingResult, path: Path, lang: Language = "sl") -> Path:
    r"""Write :func:`statement_rows` to ``path`` (UTF-8 with BOM, ``;``, decimal comma).

    >>> import tempfile
    >>> from szo_core.billing.records import BillingRun
    >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
    ...                  issued_on=date(2026, 10, 1))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_csv(BillingResult(run=run, documents=(), statements=()),
    ...                     Path(tmp) / "x.csv")
    ...     out.read_bytes()[:3]
    b'\xef\xbb\xbf'
    """
    return write_bytes(path, _csv_bytes(statement_rows(result, lang)))


def write_lists_csv(result: BillingResult, path: Path, lang: Language = "sl") -> Path:
    """Write :func:`list_rows` to ``path`` (the same CSV format as :func:`write_csv`)."""
    return write_bytes(path, _csv_bytes(list_rows(result, lang)))


# --------------------------------------------------------------------------- JSON


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Month):
        return str(value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _line(line: InvoiceLine) -> dict[str, object]:
    return {
        "kind": line.kind,
        "description": line.description,
        "amount": line.amount,
        "start": line.start,
        "end": line.end,
        "original_month": line.original_month,
        "decision_ids": list(line.decision_ids),
    }


def _entry(entry: ListEntry) -> dict[str, object]:
    return {
        "child_code": entry.child_code,
        "child_name": entry.child_name,
        "applicant": entry.applicant,
        "month": entry.month,
        "correction": entry.correction,
        "days": entry.days,
        "days_in_month": entry.days_in_month,
        "price": entry.price,
        "coefficient": entry.coefficient,
        "billed": entry.billed,
        "due": entry.due,
        "amount": entry.amount,
    }


def _document(invoice: Invoice) -> dict[str, object]:
    return {
        "kind": str(invoice.kind),
        "number": invoice.number,
        "reference": invoice.reference,
        "issued_on": invoice.issued_on,
        "month": invoice.month,
        "child_code": invoice.child_code,
        "payer": str(invoice.payer),
        "payer_id": invoice.payer_id,
        "amount": invoice.amount,
        "lines": [_line(line) for line in invoice.lines],
        "entries": [_entry(entry) for entry in invoice.entries],
        "corrects": [{"month": c.month, "number": c.number} for c in invoice.corrects],
    }


def result_document(result: BillingResult) -> dict[str, object]:
    """The whole result as JSON-ready data (strings, numbers, lists, dicts).

    Example:
        >>> from szo_core.billing.records import BillingRun
        >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
        ...                  issued_on=date(2026, 10, 1))
        >>> document = result_document(BillingResult(run=run, documents=(), statements=()))
        >>> document.get("run")
        {'id': '2026-09', 'status': 'open', 'issued_on': '2026-10-01', 'closed_on': None, \
'invoice_count': 0, 'credit_note_count': 0, 'total': '0.00'}
    """
    run = result.run
    document: dict[str, object] = {
        "organisation_id": run.organisation_id,
        "month": run.month,
        "run": {
            "id": run.id,
            "status": str(run.status),
            "issued_on": run.issued_on,
            "closed_on": run.closed_on,
            "invoice_count": run.invoice_count,
            "credit_note_count": run.credit_note_count,
            "total": run.total,
        },
        "documents": [_document(d) for d in result.documents],
        "statements": [
            {
                "child_code": s.child_code,
                "days_in_month": s.days_in_month,
                "days_enrolled": s.days_enrolled,
                "total": s.total,
                "lines": s.to_records(),
            }
            for s in result.statements
        ],
        "corrections": [c.to_record() for c in result.corrections],
    }
    converted = _jsonable(document)
    assert isinstance(converted, dict)
    return converted


def json_bytes(result: BillingResult) -> bytes:
    """The bytes :func:`write_json` writes (UTF-8, indented, keys in a fixed order)."""
    return (json.dumps(result_document(result), ensure_ascii=False, indent=2) + "\n").encode()


def write_json(result: BillingResult, path: Path) -> Path:
    """Write :func:`result_document` to ``path`` (UTF-8, indented, keys in a fixed order).

    >>> import tempfile
    >>> from szo_core.billing.records import BillingRun
    >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
    ...                  issued_on=date(2026, 10, 1))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_json(BillingResult(run=run, documents=(), statements=()),
    ...                      Path(tmp) / "x.json")
    ...     json.loads(out.read_text(encoding="utf-8"))["month"]
    '2026-09'
    """
    return write_bytes(path, json_bytes(result))
