r"""A payer's account statement (kartica) for a period: opening balance, every item, closing.

:func:`account_statement` builds it from the ledger's records: the balance
before the period (items issued and postings booked before ``first``), then
every invoice, credit note, payment, return and reject of the period in date
order with the running balance, then the closing balance.  Debits (what the
payer owes: invoices, returned debits) and credits (credit notes, payments)
are shown apart, as an accountant reads a kartica.  :func:`statement_rows`
and :func:`write_statement_csv` give it as CSV for Slovenian Excel (UTF-8
with BOM, ``;``, decimal comma), like the billing exports; :func:`statement_pdf`
as an A4 PDF with the invoices' fonts (the ``pdf`` extra).

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.receivables.records import LedgerItem, Posting
>>> items = [LedgerItem(organisation_id="o", document="2026-000001", payer_id="p",
...     amount=Decimal("120.00"), issued_on=date(2026, 10, 5), due_on=date(2026, 10, 18))]
>>> postings = [Posting(organisation_id="o", id="E1:1", payer_id="p", document="2026-000001",
...     kind="payment", amount=Decimal("-100.00"), booked_on=date(2026, 10, 20), entry_id="E1")]
>>> card = account_statement(items, postings, payer_id="p", first=date(2026, 10, 1),
...                          last=date(2026, 10, 31))
>>> [str(line.balance) for line in card.lines], card.opening, card.closing
(['120.00', '20.00'], Decimal('0.00'), Decimal('20.00'))
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs

from szo_core._files import atomic_write
from szo_core.errors import ConfigurationError, Language
from szo_core.payments.statements import reason_text
from szo_core.receivables.records import ItemKind, LedgerItem, Posting, PostingKind

__all__ = [
    "AccountStatement",
    "StatementLine",
    "account_statement",
    "statement_pdf",
    "statement_rows",
    "write_statement_csv",
]

_ZERO = Decimal("0.00")

_WORDS: dict[str, tuple[str, str]] = {
    ItemKind.INVOICE.value: ("račun", "invoice"),
    ItemKind.CREDIT_NOTE.value: ("dobropis", "credit note"),
    PostingKind.PAYMENT.value: ("plačilo", "payment"),
    PostingKind.RETURN.value: ("vračilo obremenitve", "returned debit"),
    PostingKind.REJECT.value: ("zavrnjena obremenitev", "rejected debit"),
    PostingKind.CREDIT_APPLIED.value: ("poračun dobroimetja", "credit applied"),
}


@attrs.frozen(kw_only=True)
class StatementLine:
    """One line of a kartica.

    Attributes:
        day: The issue date (documents) or booking date (postings).
        kind: ``invoice``, ``credit_note``, ``payment``, ``return``, ``reject``, ...
        document: The document, or None for a payment left as credit.
        reason: A return's or reject's reason code, or None.
        debit: What it adds to the debt (0.00 if none).
        credit: What it takes off (0.00 if none).
        balance: The running balance after it.
    """

    day: date
    kind: str
    document: str | None
    reason: str | None = None
    debit: Decimal
    credit: Decimal
    balance: Decimal


@attrs.frozen(kw_only=True)
class AccountStatement:
    """A payer's kartica: ``opening`` + the lines = ``closing``."""

    payer_id: str
    first: date
    last: date
    opening: Decimal
    lines: tuple[StatementLine, ...]
    closing: Decimal

    @property
    def total_debit(self) -> Decimal:
        """The sum of the debit column."""
        return sum((line.debit for line in self.lines), _ZERO)

    @property
    def total_credit(self) -> Decimal:
        """The sum of the credit column."""
        return sum((line.credit for line in self.lines), _ZERO)


def account_statement(
    items: Iterable[LedgerItem],
    postings: Iterable[Posting],
    *,
    payer_id: str,
    first: date,
    last: date,
) -> AccountStatement:
    """The kartica of ``payer_id`` from ``first`` to ``last`` (both inclusive).

    Raises:
        szo_core.errors.ConfigurationError: ``receivables.period`` when ``last``
            is before ``first``.

    See the module example.
    """
    if last < first:
        raise ConfigurationError(
            "receivables.period",
            sl="Konec obdobja kartice je pred začetkom.",
            en="The account statement's period ends before it starts.",
            where="last",
        )
    opening = _ZERO
    moves: list[tuple[date, int, str, str, str | None, str | None, Decimal]] = []
    for item in items:
        if item.payer_id != payer_id or item.issued_on > last:
            continue
        if item.issued_on < first:
            opening += item.amount
        else:
            moves.append(
                (
                    item.issued_on,
                    0,
                    item.document,
                    item.kind.value,
                    item.document,
                    None,
                    item.amount,
                )
            )
    for posting in postings:
        if posting.payer_id != payer_id or posting.booked_on > last:
            continue
        if posting.booked_on < first:
            opening += posting.amount
        else:
            moves.append(
                (
                    posting.booked_on,
                    1,
                    posting.id,
                    posting.kind.value,
                    posting.document,
                    posting.reason,
                    posting.amount,
                )
            )
    moves.sort(key=lambda m: (m[0], m[1], m[2]))
    running = opening
    lines: list[StatementLine] = []
    for day, _order, _key, kind, document, reason, amount in moves:
        running += amount
        lines.append(
            StatementLine(
                day=day,
                kind=kind,
                document=document,
                reason=reason,
                debit=amount if amount > 0 else _ZERO,
                credit=-amount if amount < 0 else _ZERO,
                balance=running,
            )
        )
    return AccountStatement(
        payer_id=payer_id,
        first=first,
        last=last,
        opening=opening,
        lines=tuple(lines),
        closing=running,
    )


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def statement_rows(statement: AccountStatement, lang: Language = "sl") -> list[list[str]]:
    """The kartica as CSV rows: a header, the opening, one row per line, the closing.

    >>> from datetime import date
    >>> card = AccountStatement(payer_id="p", first=date(2026, 10, 1), last=date(2026, 10, 31),
    ...                         opening=Decimal("5.00"), lines=(), closing=Decimal("5.00"))
    >>> statement_rows(card)[1]
    ['2026-10-01', 'začetno stanje', '', '', '', '', '5,00']
    """
    sl = lang == "sl"
    header = (
        ["datum", "vrsta", "dokument", "opis", "breme", "dobro", "saldo"]
        if sl
        else ["date", "kind", "document", "text", "debit", "credit", "balance"]
    )
    rows = [header]
    rows.append(
        [
            statement.first.isoformat(),
            "začetno stanje" if sl else "opening balance",
            "",
            "",
            "",
            "",
            _amount(statement.opening),
        ]
    )
    for line in statement.lines:
        words = _WORDS.get(line.kind, (line.kind, line.kind))
        text = "" if line.reason is None else f"{line.reason}: {reason_text(line.reason, lang)}"
        rows.append(
            [
                line.day.isoformat(),
                words[0] if sl else words[1],
                line.document or "",
                text,
                _amount(line.debit),
                _amount(line.credit),
                _amount(line.balance),
            ]
        )
    rows.append(
        [
            statement.last.isoformat(),
            "končno stanje" if sl else "closing balance",
            "",
            "",
            _amount(statement.total_debit),
            _amount(statement.total_credit),
            _amount(statement.closing),
        ]
    )
    return rows


def write_statement_csv(statement: AccountStatement, path: Path, lang: Language = "sl") -> Path:
    """Write :func:`statement_rows` to ``path`` (UTF-8 with BOM, ``;``, CRLF), atomically."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
        statement_rows(statement, lang)
    )
    with atomic_write(path) as out:
        out.write(buffer.getvalue().encode("utf-8-sig"))
    return path


# --------------------------------------------------------------------------- PDF

_PDF_WORDS: dict[str, tuple[str, str]] = {
    "title": ("Kartica plačnika", "Payer's account statement"),
    "payer": ("Plačnik", "Payer"),
    "period": ("Obdobje", "Period"),
    "continued": ("nadaljevanje", "continued"),
    "page": ("stran", "page"),
}


def statement_pdf(
    statement: AccountStatement,
    *,
    organisation_name: str,
    payer_name: str = "",
    language: Language = "sl",
) -> bytes:
    """The kartica as an A4 PDF (the ``pdf`` extra): the table of :func:`statement_rows`.

    Drawn with the invoices' canvas (:func:`szo_core.invoices.pdf.new_canvas`:
    the shipped fonts embedded, reportlab's invariant mode), so the same
    statement gives the same bytes; rows flow onto further pages with the
    header repeated.

    >>> from datetime import date
    >>> card = AccountStatement(payer_id="p", first=date(2026, 10, 1), last=date(2026, 10, 31),
    ...                         opening=Decimal("5.00"), lines=(), closing=Decimal("5.00"))
    >>> statement_pdf(card, organisation_name="Vrtec Čebelica")[:5]
    b'%PDF-'
    """
    from reportlab.lib.units import mm

    from szo_core.invoices import fonts
    from szo_core.invoices.pdf import new_canvas

    if language not in ("sl", "en"):
        raise ConfigurationError(
            "receivables.language",
            sl="Jezik kartice je lahko sl ali en.",
            en="The statement's language is sl or en.",
            where="language",
        )
    names = fonts.FontNames()
    words = {key: pair[0] if language == "sl" else pair[1] for key, pair in _PDF_WORDS.items()}
    rows = statement_rows(statement, language)
    header, body = rows[0], rows[1:]
    # column left edges (mm) and which columns are right-aligned numbers
    columns = (15.0, 38.0, 78.0, 104.0, 150.0, 168.0, 186.0)
    numeric = (False, False, False, False, True, True, True)
    out = io.BytesIO()
    canvas = new_canvas(out)
    canvas.setTitle(f"{words['title']} {statement.payer_id}")
    canvas.setAuthor(organisation_name)
    canvas.setCreator("szo_core")
    per_page = 48
    pages = max(1, -(-len(body) // per_page))

    def cell(text: str, index: int, y: float, font: str) -> None:
        canvas.setFont(font, 7.5)
        width = (columns[index + 1] if index + 1 < len(columns) else 200.0) - columns[index] - 1
        while text and canvas.stringWidth(text, font, 7.5) > width * mm:
            text = text[:-1]
        if numeric[index]:
            canvas.drawRightString((columns[index] + width) * mm, y * mm, text)
        else:
            canvas.drawString(columns[index] * mm, y * mm, text)

    for page in range(pages):
        canvas.setFont(names.sans_bold, 13)
        canvas.drawString(15 * mm, 280 * mm, words["title"])
        canvas.setFont(names.sans, 9)
        canvas.drawString(15 * mm, 273 * mm, organisation_name)
        who = payer_name or statement.payer_id
        canvas.drawString(15 * mm, 268 * mm, f"{words['payer']}: {who}")
        canvas.drawString(
            15 * mm,
            263 * mm,
            f"{words['period']}: {statement.first:%d. %m. %Y} – {statement.last:%d. %m. %Y}",
        )
        canvas.drawRightString(195 * mm, 263 * mm, f"{words['page']} {page + 1}/{pages}")
        y = 254.0
        for index, text in enumerate(header):
            cell(text, index, y, names.sans_bold)
        canvas.line(15 * mm, (y - 1.5) * mm, 195 * mm, (y - 1.5) * mm)
        y -= 5.5
        for row in body[page * per_page : (page + 1) * per_page]:
            for index, text in enumerate(row):
                cell(text, index, y, names.sans)
            y -= 4.5
        canvas.showPage()
    canvas.save()
    return out.getvalue()
