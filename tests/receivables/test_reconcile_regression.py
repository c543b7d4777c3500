"""A sizeable reconciliation, end to end, checked against what the generation rule says.

A ledger of 2,400 invoices (2,100 payers with one invoice, 100 merged groups
of three) and three bank files: a camt.053 with every kind of credit the
engine knows (by reference with and without SCOR, with spaces, only in
``Ustrd``; by end-to-end id; short, over, twice; by amount and IBAN only; an
unknown payment), a camt.054 returning some collected debits, and a pain.002
rejecting debits never collected.  They are imported into the memory store and
into SQLite, then the first file again.

The expected state is derived from the rule each slot of the generator
follows, not from the engine: every invoice's open amount, every payer's
credit, the counts, the unmatched and suggested lists.  On top, a digest of
every stored receipt and posting (as the engine made them when this test was
written) pins the records themselves, so a faster engine must make the same
records, not only the same balances.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from tests.receivables._statements import ORG, World, _world

from szo_core.adapters.memory import MemoryStore
from szo_core.ports import Storage
from szo_core.receivables import (
    PostingKind,
    ReceiptStatus,
    import_bank_file,
    open_amounts,
)

# The digest of every receipt and posting stored after the four imports, as the
# engine before the speed-up (commit 5acfe69) made them: the same on both stores.
RECORDS_DIGEST = "f0c6cc58a4f285cc8f4210e11c94e58d8c57aae4e0a55d703851ad49857f60ad"


@pytest.fixture(scope="module")
def world() -> World:
    return _world()


def _sqlite(tmp: Path) -> Iterator[Storage]:
    from szo_core.adapters.sql import SqlStore

    store = SqlStore.open(tmp / "ledger.sqlite")
    try:
        yield store
    finally:
        store.dispose()


def _memory(_tmp: Path) -> Iterator[Storage]:
    yield MemoryStore()


@pytest.fixture(params=[_memory, _sqlite], ids=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    make: Callable[[Path], Iterator[Storage]] = request.param
    yield from make(tmp_path)


def _digest(records: tuple[object, ...]) -> str:
    text = "\n".join(repr(attrs.astuple(r, recurse=False)) for r in records)
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_months_statements_reconcile_as_the_rule_says(world: World, store: Storage) -> None:
    with store.unit_of_work() as uow:
        uow.receivables.add_items(world.items)
        uow.commit()
    first = import_bank_file(store, ORG, world.camt053, name="izpisek.xml")
    returned = import_bank_file(store, ORG, world.camt054, name="obvestilo.xml")
    rejected = import_bank_file(store, ORG, world.pain002, name="pain002.xml")
    again = import_bank_file(store, ORG, world.camt053, name="izpisek.xml")

    got = {
        "matched": first.matched,
        "suggested": first.suggested,
        "unmatched": first.unmatched + returned.unmatched + rejected.unmatched,
        "returned": returned.returned,
        "rejected": rejected.rejected,
    }
    assert got == world.counts
    assert (again.entries, again.duplicates, again.matched) == (first.entries, first.entries, 0)
    assert (
        returned.flagged + rejected.flagged == world.counts["returned"] + world.counts["rejected"]
    )
    assert sorted((r.amount, r.payer_name) for r in first.to_check) == world.unmatched
    assert sorted(r.documents for r in first.to_confirm) == world.suggested

    with store.unit_of_work() as uow:
        repo = uow.receivables
        items, postings, receipts = repo.items(ORG), repo.postings(ORG), repo.receipts(ORG)
        flags = repo.mandate_flags(ORG)
    opens = open_amounts(items, postings)
    assert dict(opens.documents) == world.open
    assert {p: c for p, c in opens.credits.items() if c} == world.credit
    assert len(flags) == world.counts["returned"] + world.counts["rejected"]
    # A split payment's parts sum to the cent to what came in.
    paid_by_entry: dict[str, Decimal] = {}
    for p in postings:
        if p.kind is PostingKind.PAYMENT:
            paid_by_entry[p.entry_id] = paid_by_entry.get(p.entry_id, Decimal(0)) - p.amount
    for r in receipts:
        if r.status is ReceiptStatus.MATCHED:
            assert paid_by_entry[r.entry_id] == r.amount
    assert _digest(receipts + postings) == RECORDS_DIGEST
    # Read back as written (SQL reads skip the validators): the same items, and every
    # field of every record of the type its constructor gives (an enum, not its text).
    assert sorted(items, key=lambda i: i.document) == sorted(world.items, key=lambda i: i.document)
    for record in (*items, *postings, *receipts, *flags):
        rebuilt = attrs.evolve(record)  # through __init__: converters and validators
        assert [type(v) for v in attrs.astuple(record, recurse=False)] == [
            type(v) for v in attrs.astuple(rebuilt, recurse=False)
        ]
