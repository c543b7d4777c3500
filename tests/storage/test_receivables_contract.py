"""The receivables part of the storage contract: memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.storage._backend import Backend
from tests.storage.test_contract import backend_settings

from szo_core.errors import NotFound, StorageError
from szo_core.payments.statements import BankEntry, EntryKind
from szo_core.receivables import (
    ItemKind,
    Ledger,
    LedgerItem,
    MandateFlag,
    MatchBatch,
    Posting,
    PostingKind,
    Receipt,
    ReceiptStatus,
    Reminder,
    balance,
    import_bank_file,
)
from szo_core.testing.bank import Credit, Reject, camt053, pain002

ORG = "vrtec"
IBAN = "SI56020100012345641"


def item(n: int, *, payer: str = "guardian:g1", amount: str = "100.00", **kw: object) -> LedgerItem:
    return LedgerItem(
        organisation_id=kw.pop("org", ORG),  # type: ignore[arg-type]
        document=f"2026-{n:06d}",
        payer_id=payer,
        amount=Decimal(amount),
        issued_on=date(2026, 10, 5),
        due_on=date(2026, 10, 18 - n % 5),
        **kw,  # type: ignore[arg-type]
    )


def posting(n: int, document: str | None, amount: str, **kw: object) -> Posting:
    return Posting(
        organisation_id=ORG,
        id=f"E{n}:1",
        payer_id="guardian:g1",
        document=document,
        kind=kw.pop("kind", PostingKind.PAYMENT),  # type: ignore[arg-type]
        amount=Decimal(amount),
        booked_on=date(2026, 10, 20 + n % 3),
        entry_id=f"E{n}",
        **kw,  # type: ignore[arg-type]
    )


def receipt(entry: str, status: ReceiptStatus = ReceiptStatus.UNMATCHED, **kw: object) -> Receipt:
    return Receipt(
        organisation_id=ORG,
        entry_id=entry,
        source="camt.053.001.02",
        status=status,
        amount=Decimal("12.30"),
        booked_on=date(2026, 10, 20),
        **kw,  # type: ignore[arg-type]
    )


def test_items_round_trip_in_order_and_by_payer(backend: Backend) -> None:
    stored = [
        item(1, reference="SI120000055526098", child_code=555, mandate_id="M-1", payer_iban=IBAN),
        item(2, payer="party:Občina Škofja Loka", amount="-20.10", kind=ItemKind.CREDIT_NOTE),
        item(3, group_reference="RF77F7202609", end_to_end_id="F7-202609"),
        item(4, org="other"),
    ]
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_items(stored)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        got = uow.receivables.items(ORG)
        assert got == tuple(sorted(stored[:3], key=lambda i: (i.due_on, i.document)))
        assert uow.receivables.items(ORG, payer_id="party:Občina Škofja Loka") == (stored[1],)
        assert uow.receivables.find_item(ORG, "2026-000001") == stored[0]
        assert uow.receivables.find_item(ORG, "2026-000004") is None
        assert uow.receivables.items("other") == (stored[3],)


def test_duplicate_item_or_posting_stores_nothing(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_items([item(1)])
        uow.commit()
    with backend.store.unit_of_work() as uow:
        with pytest.raises(StorageError) as caught:
            uow.receivables.add_items([item(2), item(1)])
        assert caught.value.code == "storage.duplicate"
    with backend.store.unit_of_work() as uow:
        assert [i.document for i in uow.receivables.items(ORG)] == ["2026-000001"]
        uow.receivables.add_postings([posting(1, "2026-000001", "-1.00")])
        uow.commit()
    with backend.store.unit_of_work() as uow:
        with pytest.raises(StorageError) as caught:
            uow.receivables.add_postings([posting(1, None, "-2.00")])
        assert caught.value.code == "storage.duplicate"
    with backend.store.unit_of_work() as uow:
        assert [p.amount for p in uow.receivables.postings(ORG)] == [Decimal("-1.00")]


def test_postings_round_trip_exactly(backend: Backend) -> None:
    stored = [
        posting(1, "2026-000001", "-0.10", end_to_end_id="F7-202609"),
        posting(2, None, "-70.00"),
        posting(3, "2026-000001", "0.10", kind=PostingKind.RETURN, reason="AM04"),
        attrs.evolve(posting(4, "2026-000002", "0.00", kind=PostingKind.REJECT), payer_id="x"),
    ]
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_postings(stored)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        got = uow.receivables.postings(ORG)
        assert got == tuple(sorted(stored, key=lambda p: (p.booked_on, p.id)))
        assert [p.amount for p in uow.receivables.postings(ORG, payer_id="x")] == [Decimal("0.00")]


def test_receipts_are_added_once_and_can_be_updated(backend: Backend) -> None:
    first = receipt("E1", payer_name="Žiga Čuk", payer_iban=IBAN, reference="SI120000055526098")
    with backend.store.unit_of_work() as uow:
        assert uow.receivables.add_receipt(first) is True
        assert uow.receivables.add_receipt(attrs.evolve(first, amount=Decimal("1.00"))) is False
        assert uow.receivables.add_receipt(receipt("E2", ReceiptStatus.SUGGESTED)) is True
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.receivables.find_receipt(ORG, "E1") == first
        assert uow.receivables.find_receipt(ORG, "E9") is None
        assert [r.entry_id for r in uow.receivables.receipts(ORG)] == ["E1", "E2"]
        suggested = uow.receivables.receipts(ORG, status=ReceiptStatus.SUGGESTED)
        assert [r.entry_id for r in suggested] == ["E2"]
        done = attrs.evolve(
            suggested[0],
            status=ReceiptStatus.MATCHED,
            documents=("2026-000001", "2026-000002"),
            payer_id="guardian:g1",
            how="confirmed",
        )
        uow.receivables.update_receipt(done)
        with pytest.raises(NotFound):
            uow.receivables.update_receipt(receipt("E9"))
    # the failed update rolled the unit of work back: nothing changed
    with backend.store.unit_of_work() as uow:
        assert uow.receivables.find_receipt(ORG, "E2") == receipt("E2", ReceiptStatus.SUGGESTED)
        uow.receivables.update_receipt(done)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.receivables.find_receipt(ORG, "E2") == done


def test_many_receipts_at_once_skip_the_known_ones(backend: Backend) -> None:
    known = receipt("E1", payer_name="Ana")
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_receipt(known)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_receipts(
            [attrs.evolve(known, payer_name="Other"), receipt("E2"), receipt("E3")]
        )
        uow.receivables.add_receipts([])
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert [r.entry_id for r in uow.receivables.receipts(ORG)] == ["E1", "E2", "E3"]
        assert uow.receivables.find_receipt(ORG, "E1") == known


def test_flags_and_reminders_are_idempotent(backend: Backend) -> None:
    flag = MandateFlag(
        organisation_id=ORG,
        entry_id="R1",
        payer_id="guardian:g1",
        mandate_id=None,
        reason="AC04",
        flagged_on=date(2026, 10, 16),
    )
    first = Reminder(
        organisation_id=ORG,
        document="2026-000001",
        level=1,
        payer_id="guardian:g1",
        sent_on=date(2026, 11, 2),
        open_amount=Decimal("100.00"),
        interest=Decimal("0.34"),
    )
    second = attrs.evolve(first, level=2, sent_on=date(2026, 11, 20))
    with backend.store.unit_of_work() as uow:
        assert uow.receivables.add_mandate_flag(flag)
        assert not uow.receivables.add_mandate_flag(attrs.evolve(flag, reason="MD01"))
        assert uow.receivables.add_reminder(second)
        assert uow.receivables.add_reminder(first)
        assert not uow.receivables.add_reminder(attrs.evolve(first, interest=Decimal("9.99")))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.receivables.mandate_flags(ORG) == (flag,)
        assert uow.receivables.reminders(ORG) == (first, second)
        assert uow.receivables.mandate_flags("other") == ()


def test_rollback_stores_nothing(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_items([item(1)])
        uow.receivables.add_postings([posting(1, "2026-000001", "-5.00")])
        uow.receivables.add_receipt(receipt("E1"))
        uow.rollback()
    with backend.store.unit_of_work() as uow:
        assert uow.receivables.items(ORG) == ()
        assert uow.receivables.postings(ORG) == ()
        assert uow.receivables.receipts(ORG) == ()


money = st.decimals(min_value=Decimal("-9999.99"), max_value=Decimal("9999.99"), places=2)


@pytest.mark.slow
def test_amounts_round_trip_exactly(backend: Backend) -> None:
    @backend_settings(backend)
    @given(amounts=st.lists(money, min_size=1, max_size=6))
    def check(amounts: list[Decimal]) -> None:
        backend.reset()
        items = [item(n, amount=str(a)) for n, a in enumerate(amounts, start=1)]
        with backend.store.unit_of_work() as uow:
            uow.receivables.add_items(items)
            uow.commit()
        with backend.store.unit_of_work() as uow:
            got = uow.receivables.items(ORG)
        assert sorted(i.amount for i in got) == sorted(amounts)
        assert balance(got, ()) == sum(amounts, Decimal("0.00"))

    check()


def test_import_through_the_port_is_idempotent(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_items(
            [
                item(1, reference="SI120000055526098"),
                item(2, end_to_end_id="2026-000002", mandate_id="M-2"),
            ]
        )
        uow.commit()
    statement = camt053(
        "SI56011006000000120",
        date(2026, 10, 20),
        [
            Credit(amount=Decimal("130.00"), reference="SI12 0000055526098", iban=IBAN),
            Credit(amount=Decimal("100.00"), end_to_end_id="2026-000002", mandate_id="M-2"),
            Credit(amount=Decimal("7.00"), name="Neznani Plačnik"),
        ],
    )
    rejects = pain002(
        "SZO-1", date(2026, 10, 21), [Reject(end_to_end_id="2026-000002", reason="AC04")]
    )
    first = import_bank_file(backend.store, ORG, statement, name="izpisek.xml")
    assert (first.matched, first.unmatched, first.duplicates) == (2, 1, 0)
    reject = import_bank_file(backend.store, ORG, rejects)
    assert (reject.rejected, reject.flagged) == (1, 1)
    with backend.store.unit_of_work() as uow:
        before = (uow.receivables.postings(ORG), uow.receivables.receipts(ORG))
    again = import_bank_file(backend.store, ORG, statement)
    again_reject = import_bank_file(backend.store, ORG, rejects)
    assert (again.duplicates, again.matched, again_reject.duplicates) == (3, 0, 1)
    with backend.store.unit_of_work() as uow:
        assert (uow.receivables.postings(ORG), uow.receivables.receipts(ORG)) == before
        items = uow.receivables.items(ORG)
        postings = uow.receivables.postings(ORG)
        # 200.00 billed, 130.00 kept (100.00 on 1, 30.00 credit), the 100.00 debit undone
        assert balance(items, postings) == Decimal("70.00")
        assert [f.reason for f in uow.receivables.mandate_flags(ORG)] == ["AC04"]


def _matched_batch() -> tuple[list[LedgerItem], MatchBatch]:
    """A batch of every kind of row: by reference (paid, overpaid), by end-to-end id, not found."""
    items = [
        item(1, reference="SI120000055526098"),
        item(2, reference="SI120000055526099", payer="guardian:g2"),
        item(3, end_to_end_id="2026-000003", payer="guardian:g3", payer_iban=IBAN),
    ]
    day = date(2026, 10, 20)

    def entry(n: int, amount: str, **kw: object) -> BankEntry:
        return BankEntry(
            entry_id=f"E{n}", file_kind="camt.053.001.02", statement_id="S", account_iban="",
            kind=EntryKind.CREDIT, amount=Decimal(amount), booking_date=day, value_date=day,
            payer_name="Žan Čeh", **kw,  # type: ignore[arg-type]
        )  # fmt: skip

    entries = [
        entry(1, "100.00", reference="SI120000055526098"),
        entry(2, "130.00", reference="SI120000055526099", payer_iban=IBAN),
        entry(3, "40.00", end_to_end_id="2026-000003"),
        entry(4, "7.00"),
    ]
    return items, Ledger(ORG, items, []).match_all(entries)


def test_a_match_batch_is_stored_as_its_records(backend: Backend) -> None:
    items, batch = _matched_batch()
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_items(items)
        uow.receivables.add_match_batch(batch)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        receipts, postings = uow.receivables.receipts(ORG), uow.receivables.postings(ORG)
    assert sorted(receipts, key=lambda r: r.entry_id) == sorted(
        batch.receipts, key=lambda r: r.entry_id
    )
    assert sorted(postings, key=lambda p: p.id) == sorted(batch.postings, key=lambda p: p.id)
    assert len(postings) == 4  # 1 paid; 2 paid and 30.00 left as credit; 3 partly paid
    assert [r.status for r in receipts].count(ReceiptStatus.UNMATCHED) == 1


def test_a_match_batch_with_a_taken_posting_id_stores_nothing(backend: Backend) -> None:
    items, batch = _matched_batch()
    with backend.store.unit_of_work() as uow:
        uow.receivables.add_items(items)
        uow.receivables.add_postings([posting(1, None, "-1.00")])  # the id E1:1 taken
        uow.commit()
    with backend.store.unit_of_work() as uow:
        with pytest.raises(StorageError) as caught:
            uow.receivables.add_match_batch(batch)
        assert caught.value.code == "storage.duplicate"
    with backend.store.unit_of_work() as uow:
        assert uow.receivables.receipts(ORG) == ()
        assert len(uow.receivables.postings(ORG)) == 1


def test_the_sql_store_writes_a_batch_without_building_its_records(sql_backend: Backend) -> None:
    items, batch = _matched_batch()
    with sql_backend.store.unit_of_work() as uow:
        uow.receivables.add_items(items)
        uow.receivables.add_match_batch(batch)
        uow.commit()
    assert batch._receipts is None  # still only its rows
    assert batch._postings is None
    with sql_backend.store.unit_of_work() as uow:
        assert len(uow.receivables.receipts(ORG)) == len(batch.receipts) == 4
