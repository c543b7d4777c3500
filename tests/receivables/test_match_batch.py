"""MatchBatch from match_all: compact rows, the records built on first access, the same records.

The records themselves are pinned by ``test_match_all.py`` (match_all == match
one by one) and the regression digest; these tests pin what the rows add: the
records built once and kept, the values and counts read without building them,
the SQL rows written from them, and reversals of payments only held as rows.
"""

from __future__ import annotations

import copy
import pickle
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.receivables.test_match_all import _bank_items, _ledger_items, _one_by_one

from szo_core.errors import InvalidType
from szo_core.payments.statements import BankEntry, BankItem, DebitReject, EntryKind
from szo_core.receivables import (
    Ledger,
    LedgerItem,
    MatchBatch,
    MatchPolicy,
    PostingKind,
    ReceiptStatus,
    SplitOrder,
)

ORG = "vrtec"
DAY = date(2026, 10, 20)
IBAN = "SI56020100012345641"


def _item(document: str, amount: str, **kw: object) -> LedgerItem:
    return LedgerItem(
        organisation_id=ORG, document=document, payer_id=f"guardian:{document}",
        amount=Decimal(amount), issued_on=date(2026, 10, 5), due_on=date(2026, 10, 18),
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def _credit(entry_id: str, amount: str, **kw: object) -> BankEntry:
    return BankEntry(
        entry_id=entry_id, file_kind="camt.053.001.02", statement_id="S", account_iban="",
        kind=EntryKind.CREDIT, amount=Decimal(amount), booking_date=DAY, value_date=DAY,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_records_are_built_on_first_access_and_kept() -> None:
    ledger = Ledger(ORG, [_item("D1", "50.00", reference="R1")], [])
    batch = ledger.match_all([_credit("E1", "60.00", reference="R1")])
    assert batch._receipts is None  # only the rows so far
    assert batch._postings is None
    receipts = batch.receipts
    assert batch._postings is not None  # both built at once
    assert batch.receipts is receipts
    assert batch.postings is batch.postings
    assert [(p.id, p.document, p.amount) for p in batch.postings] == [
        ("E1:1", "D1", Decimal("-50.00")),
        ("E1:2", None, Decimal("-10.00")),
    ]
    assert receipts[0].documents == ("D1",)
    assert len(batch) == 1


@settings(max_examples=200, deadline=None)
@given(
    _ledger_items(),
    _bank_items(),
    st.sampled_from([None, MatchPolicy(order=SplitOrder.NEWEST_FIRST)]),
)
def test_values_and_counts_without_the_records_are_those_of_the_records(
    items: list[LedgerItem], entries: list[BankItem], policy: MatchPolicy | None
) -> None:
    batch = Ledger(ORG, items, [], policy=policy).match_all(entries)
    receipt_values, posting_values = list(batch.receipt_values()), list(batch.posting_values())
    counts = batch.counts()
    suggested = batch.receipts_with(ReceiptStatus.SUGGESTED)
    unmatched = batch.receipts_with(ReceiptStatus.UNMATCHED)
    assert batch._receipts is None  # nothing above built the records of the rows
    single = _one_by_one(Ledger(ORG, items, [], policy=policy), entries)
    assert receipt_values == [attrs.astuple(r, recurse=False) for r in single.receipts]
    assert posting_values == [attrs.astuple(p, recurse=False) for p in single.postings]
    assert counts == {
        s: n for s in ReceiptStatus if (n := [r.status for r in single.receipts].count(s))
    }
    assert suggested == tuple(r for r in single.receipts if r.status is ReceiptStatus.SUGGESTED)
    assert unmatched == tuple(r for r in single.receipts if r.status is ReceiptStatus.UNMATCHED)
    # Once built, the same answers from the records.
    assert batch == single
    assert list(batch.receipt_values()) == receipt_values
    assert list(batch.posting_values()) == posting_values
    assert batch.counts() == counts
    assert batch.receipts_with(ReceiptStatus.MATCHED) == tuple(
        r for r in single.receipts if r.status is ReceiptStatus.MATCHED
    )


def test_the_sql_rows_of_a_batch_are_the_rows_of_its_records() -> None:
    from szo_core.adapters.sql.receivables import (
        _posting_row,
        _posting_rows,
        _receipt_row,
        _receipt_rows,
    )

    items = [
        _item("D1", "50.00", reference="R1"),
        _item("D2", "20.00", end_to_end_id="X2", payer_iban=IBAN),
        _item("D3", "0.00", reference="R3"),
    ]
    entries = [
        _credit("E1", "60.00", reference="R1", payer_name="Žan Čeh", payer_iban=IBAN),
        _credit("E2", "5.00", end_to_end_id="X2"),
        _credit("E3", "1.5", reference="R3"),
        _credit("E4", "15.00", payer_iban=IBAN),  # a suggestion (through match())
    ]
    batch = Ledger(ORG, items, []).match_all(entries)
    receipt_rows = _receipt_rows(batch.receipt_values())
    posting_rows = _posting_rows(batch.posting_values())
    assert batch._receipts is None
    assert receipt_rows == [_receipt_row(r) for r in batch.receipts]
    assert posting_rows == [_posting_row(p) for p in batch.postings]
    assert [r["status"] for r in receipt_rows] == ["matched"] * 3 + ["suggested"]
    assert [(r["id"], r["amount"]) for r in posting_rows] == [
        ("E1:1", Decimal("-50.00")),
        ("E1:2", Decimal("-10.00")),
        ("E2:1", Decimal("-5.00")),
        ("E3:1", Decimal("-1.5")),  # nothing open on D3: all a credit, as it came
    ]


@pytest.mark.parametrize("kind", ["return", "reject"])
def test_a_return_after_a_payment_held_as_a_row_reverses_it(kind: str) -> None:
    items = [_item("D1", "50.00", end_to_end_id="X1", mandate_id="M1")]
    ledger, single = Ledger(ORG, items, []), Ledger(ORG, items, [])
    paid = _credit("E1", "80.00", end_to_end_id="X1")  # 50.00 on D1, 30.00 as credit
    reversal: BankItem
    if kind == "return":
        reversal = BankEntry(
            entry_id="R1", file_kind="camt.054.001.02", statement_id="S", account_iban="",
            kind=EntryKind.RETURN, amount=Decimal("60.00"), booking_date=DAY, value_date=DAY,
            end_to_end_id="X1", reason="AC04",
        )  # fmt: skip
    else:
        reversal = DebitReject(
            entry_id="R1", file_kind="pain.002.001.03", report_id="P", original_message_id="M",
            end_to_end_id="X1", reason="AC04", amount=None, report_date=DAY,
        )  # fmt: skip
    first = ledger.match_all([paid])
    assert first._postings is None  # the payment is only a row
    second = ledger.match_all([reversal])
    expected = _one_by_one(single, [paid, reversal])
    assert first.receipts + second.receipts == expected.receipts
    assert first.postings + second.postings == expected.postings
    assert second.flags == expected.flags
    amounts = [(p.kind, p.document, p.amount) for p in second.postings]
    if kind == "return":  # 60.00 of the 80.00 back, the credit first
        assert amounts == [
            (PostingKind.RETURN, None, Decimal("30.00")),
            (PostingKind.RETURN, "D1", Decimal("30.00")),
        ]
        assert ledger.open["D1"] == Decimal("30.00")
    else:  # all of it
        assert amounts == [
            (PostingKind.REJECT, None, Decimal("30.00")),
            (PostingKind.REJECT, "D1", Decimal("50.00")),
        ]
        assert ledger.open["D1"] == Decimal("50.00")
    assert ledger.credit["guardian:D1"] == Decimal("0.00")
    # A second one reverses what the first left, as one by one does.
    again = attrs.evolve(reversal, entry_id="R2")
    assert ledger.match_all([again]) == _one_by_one(single, [again])


def test_a_zero_reject_of_a_booked_debit_records_its_reason() -> None:
    items = [_item("D1", "0", reference="R1", end_to_end_id="X1", mandate_id="M1")]
    reject = DebitReject(
        entry_id="R1", file_kind="pain.002.001.03", report_id="P", original_message_id="M",
        end_to_end_id="X1", reason="AC04", amount=Decimal("0"), report_date=DAY,
    )  # fmt: skip
    ledger = Ledger(ORG, items, [])
    ledger.match_all([_credit("E1", "1", reference="R1", end_to_end_id="X1")])
    found = ledger.match(reject)  # raised IndexError before
    assert found.receipt.status is ReceiptStatus.REJECTED
    assert [(p.document, p.amount) for p in found.postings] == [("D1", Decimal("0"))]
    assert found.flag is not None


def test_the_payers_ibans_are_indexed_when_a_suggestion_needs_them() -> None:
    items = [_item("D1", "20.00", payer_iban=IBAN), _item("D2", "30.00", reference="R2")]
    ledger = Ledger(ORG, items, [])
    assert not ledger._ibans_indexed  # not for statements paid by reference
    other = "SI56192001234567892"
    batch = ledger.match_all(
        [
            _credit("E1", "30.00", reference="R2", payer_iban=other),  # learned: other -> D2's
            _credit("E2", "20.00", payer_iban=IBAN),  # D1's payer by the item's IBAN
        ]
    )
    assert ledger._ibans_indexed
    assert [(r.status, r.documents) for r in batch.receipts] == [
        (ReceiptStatus.MATCHED, ("D2",)),
        (ReceiptStatus.SUGGESTED, ("D1",)),
    ]
    assert ledger._by_iban == {IBAN: {"guardian:D1"}, other: {"guardian:D2"}}


def test_a_batch_made_of_records_is_equal_hashed_and_printed_by_them() -> None:
    ledger = Ledger(ORG, [_item("D1", "50.00", reference="R1")], [])
    batch = ledger.match_all([_credit("E1", "50.00", reference="R1")])
    assert batch._rows is not None  # rows, not records
    same = MatchBatch(receipts=batch.receipts, postings=batch.postings)
    assert batch == same
    assert hash(batch) == hash(same)
    assert repr(batch) == repr(same)
    assert repr(batch).startswith("MatchBatch(receipts=(Receipt(")
    assert batch != MatchBatch()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        batch.flags = ()  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(batch)) == batch
    assert copy.copy(batch) == batch


def test_the_commonest_credits_are_held_without_a_row_tuple() -> None:
    # Paid in full by its reference: the item itself; nothing matched and nothing to
    # suggest: None; anything else a row or a Match (the records are the same, above).
    ledger = Ledger(ORG, [_item("D1", "50.00", reference="R1"), _item("D2", "9.00")], [])
    entries = [
        _credit("E1", "50.00", reference="R1"),
        _credit("E2", "12.34"),
        _credit("E3", "9.00", payer_iban=IBAN),  # an IBAN: a suggestion is looked for
        _credit("E4", "1.00", reference="R1"),  # nothing open: a credit, a row
    ]
    given = list(entries)
    batch = ledger.match_all(given)
    given.clear()  # the batch keeps its own sequence of the entries
    rows = batch._rows
    assert rows is not None
    assert rows[0] is ledger.items["D1"]
    assert rows[1] is None
    assert type(rows[2]).__name__ == "Match"
    assert isinstance(rows[3], tuple)
    assert batch.counts() == {ReceiptStatus.MATCHED: 2, ReceiptStatus.UNMATCHED: 2}
    assert [r.entry_id for r in batch.receipts_with(ReceiptStatus.UNMATCHED)] == ["E2", "E3"]
    assert [r.status for r in batch.receipts] == [
        ReceiptStatus.MATCHED,
        ReceiptStatus.UNMATCHED,
        ReceiptStatus.UNMATCHED,
        ReceiptStatus.MATCHED,
    ]


def test_an_items_amount_keeps_its_cents_and_so_does_the_open_amount() -> None:
    item = _item("D1", "50")
    assert str(item.amount) == "50.00"
    assert str(_item("D2", "1.005").amount) == "1.005"  # more places are kept as given
    ledger = Ledger(ORG, [item], [])
    assert str(ledger.open["D1"]) == "50.00"
    with pytest.raises(InvalidType) as caught:
        attrs.evolve(item, amount=50.0)
    assert caught.value.code == "receivables.money"


def test_an_item_stored_without_its_cents_is_read_with_them(tmp_path: Path) -> None:
    import sqlite3

    from szo_core.adapters.sql import SqlStore

    store = SqlStore.open(tmp_path / "ledger.sqlite")
    try:
        with store.unit_of_work() as uow:
            uow.receivables.add_items([_item("D1", "50.00")])
            uow.commit()
        with sqlite3.connect(tmp_path / "ledger.sqlite") as db:  # a row from before the converter
            db.execute("UPDATE szo_receivable_item SET amount = '50'")
        with store.unit_of_work() as uow:
            (item,) = uow.receivables.items(ORG)
        assert str(item.amount) == "50.00"
    finally:
        store.dispose()
