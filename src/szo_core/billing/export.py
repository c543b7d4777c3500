"""Write a billing run to files: JSON for programs, CSV for the accountant.

:func:`write_json` writes the whole result: the run, every invoice with its
lines, every fee statement with the formula of each line, and the corrections.
Amounts are strings (``"265.00"``), dates ISO 8601, so nothing is lost.

:func:`write_csv` writes one row per invoice line, in the format Slovenian
Excel opens with a double click:

* encoding UTF-8 **with BOM** (without it Excel reads č, š, ž as two characters);
* separator ``;`` (the list separator of the Slovenian locale, where ``,`` is
  the decimal sign);
* **decimal comma** in amounts (``-90,00``), no thousands separator;
* dates ISO (``2026-09-30``), which Excel reads as dates in every locale;
* lines end with CRLF; the header is in the chosen language.

>>> from decimal import Decimal
>>> _amount(Decimal("-1234.50"))
'-1234,50'
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from szo_core.billing.records import BillingResult, Invoice, InvoiceLine
from szo_core.calendar import Month
from szo_core.errors import Language

__all__ = ["CSV_COLUMNS", "result_document", "statement_rows", "write_csv", "write_json"]

CSV_COLUMNS: dict[Language, tuple[str, ...]] = {
    "sl": (
        "Račun",
        "Sklic",
        "Datum izdaje",
        "Mesec",
        "Otrok",
        "Plačnik",
        "Šifra plačnika",
        "Vrsta",
        "Opis",
        "Od",
        "Do",
        "Poračun za mesec",
        "Znesek",
    ),
    "en": (
        "Invoice",
        "Reference",
        "Issued on",
        "Month",
        "Child",
        "Payer",
        "Payer id",
        "Kind",
        "Description",
        "From",
        "To",
        "Corrects month",
        "Amount",
    ),
}
"""The CSV header in Slovenian and English."""

_PAYER_SL = {
    "parents": "starši",
    "state": "država",
    "municipality": "občina",
    "other_municipality": "druga občina",
}


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _month(value: Month | None) -> str:
    return "" if value is None else str(value)


def _row(invoice: Invoice, line: InvoiceLine, lang: Language) -> list[str]:
    payer = str(invoice.payer)
    return [
        invoice.number,
        invoice.reference,
        invoice.issued_on.isoformat(),
        str(invoice.month),
        str(invoice.child_code),
        _PAYER_SL.get(payer, payer) if lang == "sl" else payer,
        invoice.payer_id,
        line.kind,
        line.description,
        _day(line.start),
        _day(line.end),
        _month(line.original_month),
        _amount(line.amount),
    ]


def statement_rows(result: BillingResult, lang: Language = "sl") -> list[list[str]]:
    """The CSV rows (header first): one per invoice line.

    Example:
        >>> from datetime import date
        >>> from szo_core.billing.records import BillingRun
        >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
        ...                  issued_on=date(2026, 10, 1))
        >>> header, *lines = statement_rows(BillingResult(run=run, invoices=(),
        ...                                                statements=()), "en")
        >>> " | ".join(header[:3]), len(lines)
        ('Invoice | Reference | Issued on', 0)
    """
    rows = [list(CSV_COLUMNS[lang])]
    for invoice in result.invoices:
        rows.extend(_row(invoice, line, lang) for line in invoice.lines)
    return rows


def write_csv(result: BillingResult, path: Path, lang: Language = "sl") -> Path:
    r"""Write :func:`statement_rows` to ``path`` (UTF-8 with BOM, ``;``, decimal comma).

    >>> import tempfile
    >>> from datetime import date
    >>> from szo_core.billing.records import BillingRun
    >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
    ...                  issued_on=date(2026, 10, 1))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_csv(BillingResult(run=run, invoices=(), statements=()),
    ...                     Path(tmp) / "x.csv")
    ...     out.read_bytes()[:3]
    b'\xef\xbb\xbf'
    """
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerows(statement_rows(result, lang))
    return path


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


def _invoice(invoice: Invoice) -> dict[str, object]:
    return {
        "number": invoice.number,
        "reference": invoice.reference,
        "issued_on": invoice.issued_on,
        "month": invoice.month,
        "child_code": invoice.child_code,
        "payer": str(invoice.payer),
        "payer_id": invoice.payer_id,
        "amount": invoice.amount,
        "lines": [_line(line) for line in invoice.lines],
    }


def result_document(result: BillingResult) -> dict[str, object]:
    """The whole result as JSON-ready data (strings, numbers, lists, dicts).

    Example:
        >>> from datetime import date
        >>> from szo_core.billing.records import BillingRun
        >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
        ...                  issued_on=date(2026, 10, 1))
        >>> document = result_document(BillingResult(run=run, invoices=(), statements=()))
        >>> document.get("run")
        {'id': '2026-09', 'status': 'open', 'issued_on': '2026-10-01', 'closed_on': None, \
'invoice_count': 0, 'total': '0.00'}
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
            "total": run.total,
        },
        "invoices": [_invoice(i) for i in result.invoices],
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


def write_json(result: BillingResult, path: Path) -> Path:
    """Write :func:`result_document` to ``path`` (UTF-8, indented, keys in a fixed order).

    >>> import tempfile
    >>> from datetime import date
    >>> from szo_core.billing.records import BillingRun
    >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
    ...                  issued_on=date(2026, 10, 1))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_json(BillingResult(run=run, invoices=(), statements=()),
    ...                      Path(tmp) / "x.json")
    ...     json.loads(out.read_text(encoding="utf-8"))["month"]
    '2026-09'
    """
    text = json.dumps(result_document(result), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path
