"""Ledger.match_all makes what Ledger.match makes entry after entry; the ledger ends the same."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.receivables._statements import ORG, World, _world

from szo_core.payments.statements import BankEntry, BankItem, DebitReject, EntryKind, read_bank_file
from szo_core.receivables import Ledger, LedgerItem, MatchBatch, MatchPolicy, SplitOrder

DAY = date(2026, 10, 20)


def _one_by_one(ledger: Ledger, items: list[BankItem]) -> MatchBatch:
    receipts, postings, flags = [], [], []
    for item in items:
        found = ledger.match(item)
        receipts.append(found.receipt)
        postings.extend(found.postings)
        if found.flag is not None:
            flags.append(found.flag)
    return MatchBatch(receipts=tuple(receipts), postings=tuple(postings), flags=tuple(flags))


def _state(ledger: Ledger) -> tuple[object, ...]:
    payers = sorted({i.payer_id for i in ledger.items.values()})
    return (
        {d: (a, a.as_tuple()) for d, a in ledger.open.items()},  # the same value and exponent
        {p: (c, c.as_tuple()) for p, c in ledger.credit.items()},
        [ledger.balance(p) for p in payers],
    )


def _same(items: list[LedgerItem], entries: list[BankItem], policy: MatchPolicy | None) -> None:
    batch_ledger, single_ledger = (
        Ledger(ORG, items, [], policy=policy),
        Ledger(ORG, items, [], policy=policy),
    )
    batch = batch_ledger.match_all(entries)
    single = _one_by_one(single_ledger, entries)
    assert batch == single
    assert [p.amount.as_tuple() for p in batch.postings] == [
        p.amount.as_tuple() for p in single.postings
    ]
    assert _state(batch_ledger) == _state(single_ledger)


def test_match_all_makes_the_records_of_match_on_a_months_statements() -> None:
    world: World = _world()
    entries = [
        *read_bank_file(world.camt053),
        *read_bank_file(world.camt054),
        *read_bank_file(world.pain002),
    ]
    assert len(entries) > 2000
    _same(list(world.items), entries, None)
    _same(list(world.items), entries, MatchPolicy(order=SplitOrder.NEWEST_FIRST, suggest=False))


def test_match_all_in_parts_is_match_all_at_once() -> None:
    world = _world()
    entries: list[BankItem] = [*read_bank_file(world.camt053), *read_bank_file(world.camt054)]
    whole, parts = Ledger(ORG, world.items, []), Ledger(ORG, world.items, [])
    at_once = whole.match_all(entries)
    in_parts = [
        parts.match_all(entries[start : start + 333]) for start in range(0, len(entries), 333)
    ]
    assert at_once.receipts == tuple(r for b in in_parts for r in b.receipts)
    assert at_once.postings == tuple(p for b in in_parts for p in b.postings)
    assert at_once.flags == tuple(f for b in in_parts for f in b.flags)


# Small ledgers where every key collides with some chance: a document twice, an own
# reference twice, a group reference that is also an invoice's, one end-to-end id on
# several invoices; amounts with 0, 1, 2 and 3 decimals (the open amounts keep cents).
_refs = st.sampled_from(["R1", "R2", "R3", "G1", None])
_amounts = st.builds(
    lambda units, places: Decimal(units).scaleb(-places),
    st.integers(min_value=-2000, max_value=20000),
    st.integers(min_value=0, max_value=3),
)


@st.composite
def _ledger_items(draw: st.DrawFn) -> list[LedgerItem]:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        out.append(
            LedgerItem(
                organisation_id=ORG,
                document=draw(st.sampled_from(["D1", "D2", "D3", "D4", "D5", "D6"])),
                payer_id=draw(st.sampled_from(["p1", "p2", "p3"])),
                amount=draw(_amounts),
                issued_on=date(2026, 10, 5),
                due_on=date(2026, 10, draw(st.integers(min_value=10, max_value=20))),
                reference=draw(_refs),
                group_reference=draw(st.sampled_from(["G1", "G2", None])),
                end_to_end_id=draw(st.sampled_from(["E1", "E2", None])),
                payer_iban=draw(st.sampled_from(["", "SI56020100012345641"])),
                mandate_id=draw(st.sampled_from(["M1", None])),
            )
        )
    return out


@st.composite
def _bank_items(draw: st.DrawFn) -> list[BankItem]:
    out: list[BankItem] = []
    for n in range(draw(st.integers(min_value=0, max_value=10))):
        amount = draw(_amounts.filter(lambda a: a >= 0))
        e2e = draw(st.sampled_from(["E1", "E2", "E9", None]))
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            out.append(
                DebitReject(
                    entry_id=f"R{n}",
                    file_kind="pain.002.001.03",
                    report_id="P",
                    original_message_id="M",
                    end_to_end_id=e2e,
                    reason=draw(st.sampled_from(["AC04", "AM04"])),
                    amount=draw(st.sampled_from([amount, None])),
                    report_date=DAY,
                )
            )
            continue
        out.append(
            BankEntry(
                entry_id=f"E{n}",
                file_kind="camt.053.001.02",
                statement_id="S",
                account_iban="",
                kind=draw(
                    st.sampled_from([EntryKind.CREDIT] * 4 + [EntryKind.RETURN, EntryKind.DEBIT])
                ),
                amount=amount,
                booking_date=DAY,
                value_date=DAY,
                payer_iban=draw(st.sampled_from(["", "SI56020100012345641"])),
                reference=draw(st.sampled_from(["R1", "R2", "G1", "G2", "X", None])),
                end_to_end_id=e2e,
                reason=draw(st.sampled_from(["MD01", None])),
            )
        )
    return out


@settings(max_examples=300, deadline=None)
@given(
    _ledger_items(),
    _bank_items(),
    st.sampled_from([None, MatchPolicy(order=SplitOrder.NEWEST_FIRST)]),
)
def test_match_all_is_match_entry_after_entry(
    items: list[LedgerItem], entries: list[BankItem], policy: MatchPolicy | None
) -> None:
    _same(items, entries, policy)


def test_the_items_added_later_are_indexed_like_the_first() -> None:
    first = LedgerItem(
        organisation_id=ORG, document="D1", payer_id="p1", amount=Decimal("10"),
        issued_on=date(2026, 10, 5), due_on=date(2026, 10, 18), reference="R1", end_to_end_id="E1",
    )  # fmt: skip
    later = LedgerItem(
        organisation_id=ORG, document="D2", payer_id="p1", amount=Decimal("5.5"),
        issued_on=date(2026, 10, 5), due_on=date(2026, 10, 17), reference="R2", end_to_end_id="E1",
    )  # fmt: skip
    ledger = Ledger(ORG, [first], [])
    assert ledger.items == {"D1": first}
    ledger.add_item(later)
    assert ledger.open == {"D1": Decimal("10.00"), "D2": Decimal("5.50")}
    assert str(ledger.open["D2"]) == "5.50"
    entry = BankEntry(
        entry_id="X", file_kind="camt.053.001.02", statement_id="S", account_iban="",
        kind=EntryKind.CREDIT, amount=Decimal("12.00"), booking_date=DAY, value_date=DAY,
        end_to_end_id="E1",
    )  # fmt: skip
    batch = ledger.match_all([entry])
    # Both invoices by the shared end-to-end id, oldest due first.
    assert [(p.document, p.amount) for p in batch.postings] == [
        ("D2", Decimal("-5.50")),
        ("D1", Decimal("-6.50")),
    ]
    assert ledger.balance("p1") == Decimal("3.50")
