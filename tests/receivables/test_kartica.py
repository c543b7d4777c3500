"""The payer's account statement (kartica): by hand, as CSV, and as a property of the ledger."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.errors import ConfigurationError
from szo_core.receivables import (
    ItemKind,
    LedgerItem,
    Posting,
    PostingKind,
    account_statement,
    balance,
    statement_rows,
    write_statement_csv,
)

P = "guardian:g1"


def item(n: int, amount: str, issued: date, payer: str = P) -> LedgerItem:
    kind = ItemKind.CREDIT_NOTE if amount.startswith("-") else ItemKind.INVOICE
    return LedgerItem(
        organisation_id="o",
        document=f"2026-{n:06d}",
        payer_id=payer,
        kind=kind,
        amount=Decimal(amount),
        issued_on=issued,
        due_on=issued + timedelta(13),
    )


def post(
    n: int,
    document: str | None,
    amount: str,
    booked: date,
    kind: PostingKind,
    reason: str | None = None,
) -> Posting:
    return Posting(
        organisation_id="o",
        id=f"E{n}:1",
        payer_id=P,
        document=document,
        kind=kind,
        amount=Decimal(amount),
        booked_on=booked,
        entry_id=f"E{n}",
        reason=reason,
    )


ITEMS = [
    item(1, "120.00", date(2026, 9, 5)),  # before the period
    item(2, "130.00", date(2026, 10, 5)),
    item(3, "-20.00", date(2026, 10, 5)),  # credit note
    item(4, "999.00", date(2026, 10, 5), payer="someone else"),
    item(5, "140.00", date(2026, 11, 5)),  # after the period
]
POSTINGS = [
    post(1, "2026-000001", "-100.00", date(2026, 9, 30), PostingKind.PAYMENT),  # before
    post(2, "2026-000002", "-130.00", date(2026, 10, 18), PostingKind.PAYMENT),
    post(3, "2026-000002", "130.00", date(2026, 10, 23), PostingKind.RETURN, "AM04"),
    post(4, "2026-000002", "0.00", date(2026, 10, 24), PostingKind.REJECT, "AC04"),
    post(5, None, "-15.00", date(2026, 10, 25), PostingKind.PAYMENT),  # credit on the payer
]


def test_kartica_by_hand() -> None:
    card = account_statement(
        ITEMS, POSTINGS, payer_id=P, first=date(2026, 10, 1), last=date(2026, 10, 31)
    )
    assert card.opening == Decimal("20.00")  # 120.00 billed, 100.00 paid in September
    assert [(x.day, x.kind, x.debit, x.credit, x.balance) for x in card.lines] == [
        (date(2026, 10, 5), "invoice", Decimal("130.00"), Decimal("0.00"), Decimal("150.00")),
        (date(2026, 10, 5), "credit_note", Decimal("0.00"), Decimal("20.00"), Decimal("130.00")),
        (date(2026, 10, 18), "payment", Decimal("0.00"), Decimal("130.00"), Decimal("0.00")),
        (date(2026, 10, 23), "return", Decimal("130.00"), Decimal("0.00"), Decimal("130.00")),
        (date(2026, 10, 24), "reject", Decimal("0.00"), Decimal("0.00"), Decimal("130.00")),
        (date(2026, 10, 25), "payment", Decimal("0.00"), Decimal("15.00"), Decimal("115.00")),
    ]
    assert card.closing == Decimal("115.00")
    assert (card.total_debit, card.total_credit) == (Decimal("260.00"), Decimal("165.00"))
    with pytest.raises(ConfigurationError):
        account_statement(
            ITEMS, POSTINGS, payer_id=P, first=date(2026, 10, 2), last=date(2026, 10, 1)
        )


def test_kartica_as_csv(tmp_path: Path) -> None:
    card = account_statement(
        ITEMS, POSTINGS, payer_id=P, first=date(2026, 10, 1), last=date(2026, 10, 31)
    )
    path = write_statement_csv(card, tmp_path / "kartica.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["datum", "vrsta", "dokument", "opis", "breme", "dobro", "saldo"]
    assert rows[1] == ["2026-10-01", "začetno stanje", "", "", "", "", "20,00"]
    assert rows[4] == ["2026-10-18", "plačilo", "2026-000002", "", "0,00", "130,00", "0,00"]
    assert rows[5][1:4] == [
        "vračilo obremenitve",
        "2026-000002",
        "AM04: Na računu ni dovolj sredstev.",
    ]
    assert rows[-1] == ["2026-10-31", "končno stanje", "", "", "260,00", "165,00", "115,00"]
    english = statement_rows(card, "en")
    assert english[6][1:4] == ["rejected debit", "2026-000002", "AC04: Account closed."]


def test_kartica_as_pdf_is_deterministic_and_flows_over_pages() -> None:
    import io

    from pypdf import PdfReader

    from szo_core.receivables import statement_pdf

    card = account_statement(
        ITEMS, POSTINGS, payer_id=P, first=date(2026, 10, 1), last=date(2026, 10, 31)
    )
    data = statement_pdf(card, organisation_name="Vrtec Čebelica", payer_name="Žiga Čuk")
    assert data == statement_pdf(card, organisation_name="Vrtec Čebelica", payer_name="Žiga Čuk")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Kartica plačnika" in text
    assert "Žiga Čuk" in text
    assert "115,00" in text
    assert "vračilo obremenitve" in text
    many = [post(n, None, "-1.00", date(2026, 10, 20), PostingKind.PAYMENT) for n in range(100)]
    long_card = account_statement(
        ITEMS, many, payer_id=P, first=date(2026, 10, 1), last=date(2026, 10, 31)
    )
    pages = PdfReader(io.BytesIO(statement_pdf(long_card, organisation_name="V"))).pages
    assert len(pages) == 3  # 104 rows, 48 a page
    assert (
        "Payer's account statement"
        in PdfReader(io.BytesIO(statement_pdf(card, organisation_name="V", language="en")))
        .pages[0]
        .extract_text()
    )
    with pytest.raises(ConfigurationError):
        statement_pdf(card, organisation_name="V", language="de")  # type: ignore[arg-type]


days = st.integers(min_value=0, max_value=90).map(lambda d: date(2026, 9, 1) + timedelta(d))
cents = st.integers(min_value=-50_000, max_value=50_000).map(lambda c: Decimal(c).scaleb(-2))


@given(
    st.lists(st.tuples(cents, days), max_size=10),
    st.lists(st.tuples(cents, days), max_size=10),
    days,
    st.integers(min_value=0, max_value=60),
)
def test_opening_plus_lines_is_closing_and_the_ledger_balance(
    docs: list[tuple[Decimal, date]], moves: list[tuple[Decimal, date]], first: date, span: int
) -> None:
    items = [item(n, str(a), d) for n, (a, d) in enumerate(docs)]
    postings = [post(n, None, str(a), d, PostingKind.PAYMENT) for n, (a, d) in enumerate(moves)]
    last = first + timedelta(span)
    card = account_statement(items, postings, payer_id=P, first=first, last=last)
    assert card.opening + card.total_debit - card.total_credit == card.closing
    assert card.closing == balance(
        [i for i in items if i.issued_on <= last], [p for p in postings if p.booked_on <= last]
    )
    assert (card.lines[-1].balance if card.lines else card.opening) == card.closing
