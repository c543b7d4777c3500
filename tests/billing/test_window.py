"""Corrections reach every owed month: late records, children who left, fingerprints.

World: ``_world.py`` (program I at 500.00, September 2026 has 22 working days,
October 22).  Each test bills and closes months, changes records, and checks
what the next run bills for the earlier months.
"""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.billing._world import ORG, add_world, child, decision, organisation

import szo_core.billing.run as billing_run
from szo_core.adapters.memory_billing import MemoryBillingStore, MemoryBillingUnitOfWork
from szo_core.billing import BillingResult, BillingStorage, close_run, run_billing
from szo_core.calendar import Month
from szo_core.fees import PayerKind
from szo_core.model import ResidenceChange

SEP, OCT, NOV, DEC = Month(2026, 9), Month(2026, 10), Month(2026, 11), Month(2026, 12)
# the module, not the function szo_core.fees.corrections that the package exports
fee_corrections = importlib.import_module("szo_core.fees.corrections")


def bill_and_close(store: BillingStorage, month: Month, **changes: object) -> BillingResult:
    result = run_billing(organisation(**changes), month, store, issued_on=month.last)
    close_run(ORG, month, store, closed_on=month.last)
    return result


def corrections_of(result: BillingResult, code: int) -> list[tuple[str, Month, Decimal, Decimal]]:
    return [
        (str(c.payer), c.original_month, c.billed, c.due)
        for c in result.corrections
        if c.child_code == code
    ]


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[Month, int]]:
    """Count every (month, child) the fee engine computes during a run."""
    seen: Counter[tuple[Month, int]] = Counter()
    original = billing_run.compute

    def counting(month, child, inputs, rules):  # type: ignore[no-untyped-def]
        seen[(month, child.code)] += 1
        return original(month, child, inputs, rules)

    monkeypatch.setattr(billing_run, "compute", counting)
    monkeypatch.setattr(fee_corrections, "compute", counting)
    return seen


# -- late records ----------------------------------------------------------------------------


def test_a_late_record_is_billed_for_the_month_it_missed(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    # Child 7 started on 15 September but was entered in October, after September closed.
    with store.unit_of_work() as uow:
        uow.children.add(child(ORG, 7, enrolled=date(2026, 9, 15)))
        uow.commit()
    october = bill_and_close(store, OCT)
    # September: 12 of 22 working days, 500 × 12/22 = 272.7272… -> 272.73; the parents
    # 0.77 × 272.7272… = 210.00, the municipality 272.73 − 210.00 = 62.73; billed 0.00.
    assert corrections_of(october, 7) == [
        ("parents", SEP, Decimal("0.00"), Decimal("210.00")),
        ("municipality", SEP, Decimal("0.00"), Decimal("62.73")),
    ]
    parents = next(d for d in october.documents if d.child_code == 7)
    assert [(ln.kind, ln.amount, ln.original_month) for ln in parents.lines] == [
        ("share", Decimal("385.00"), None),  # October in full: 0.77 × 500
        ("correction", Decimal("210.00"), SEP),
    ]
    assert "poračun 09/2026" in parents.lines[1].description
    # Nothing is billed twice: November owes September nothing more.
    assert corrections_of(bill_and_close(store, NOV), 7) == []


def test_a_late_record_is_owed_every_month_of_the_window_that_had_a_run(
    store: BillingStorage,
) -> None:
    for month in (SEP, OCT, NOV):
        bill_and_close(store, month)
    with store.unit_of_work() as uow:
        uow.children.add(child(ORG, 7, enrolled=date(2026, 9, 15)))
        uow.commit()
    december = bill_and_close(store, DEC)
    assert [(p, m) for p, m, *_ in corrections_of(december, 7)] == [
        ("parents", SEP),
        ("municipality", SEP),
        ("parents", OCT),
        ("municipality", OCT),
        ("parents", NOV),
        ("municipality", NOV),
    ]


def test_owed_months_stop_at_the_correction_window(store: BillingStorage) -> None:
    for month in (SEP, OCT, NOV):
        bill_and_close(store, month, correction_months=1)
    with store.unit_of_work() as uow:
        uow.children.add(child(ORG, 7, enrolled=date(2026, 9, 15)))
        uow.commit()
    december = bill_and_close(store, DEC, correction_months=1)
    assert {m for _p, m, *_ in corrections_of(december, 7)} == {NOV}


def test_months_without_a_run_are_not_owed(store: BillingStorage) -> None:
    bill_and_close(store, OCT)  # the organisation started billing in October
    with store.unit_of_work() as uow:
        uow.children.add(child(ORG, 7, enrolled=date(2026, 9, 15)))
        uow.commit()
    november = bill_and_close(store, NOV)
    assert {m for _p, m, *_ in corrections_of(november, 7)} == {OCT}


# -- children who left or are inactive -------------------------------------------------------


def test_a_child_who_left_and_is_inactive_is_refunded(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    # Child 1 left on 30 September; the office marked it inactive.  Then the centre for
    # social work lowered the decision from January: 0.53 -> 0.35.
    with store.unit_of_work() as uow:
        kid = uow.children.get(ORG, 1)
        uow.children.update(attrs.evolve(kid, exit_date=date(2026, 9, 30), inactive=True))
        uow.decisions.add(decision(ORG, "d-1b", 1, "0.35", supersedes="d-1"))
        uow.commit()
    october = bill_and_close(store, OCT)
    # September: billed 265.00, due 0.35 × 500 = 175.00: 90.00 back.  No October statement.
    assert corrections_of(october, 1) == [
        ("parents", SEP, Decimal("265.00"), Decimal("175.00")),
        ("municipality", SEP, Decimal("235.00"), Decimal("325.00")),
    ]
    assert 1 not in {s.child_code for s in october.statements}
    parents = next(d for d in october.documents if d.child_code == 1)
    assert parents.amount == Decimal("-90.00")


def test_an_inactive_child_gets_no_statement_but_its_corrections(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    with store.unit_of_work() as uow:  # still enrolled, but not to be billed from now
        uow.children.update(attrs.evolve(uow.children.get(ORG, 3), inactive=True))
        uow.decisions.add(decision(ORG, "d-3b", 3, "0.20", supersedes="d-3"))
        uow.commit()
    october = bill_and_close(store, OCT)
    assert 3 not in {s.child_code for s in october.statements}
    # September was billed at 0.35 (175.00); with the new decision 0.20: 100.00.  Child 3
    # lives in Maribor, which pays the rest: 325.00 -> 400.00.
    assert corrections_of(october, 3) == [
        ("parents", SEP, Decimal("175.00"), Decimal("100.00")),
        ("other_municipality", SEP, Decimal("325.00"), Decimal("400.00")),
    ]
    assert next(d for d in october.documents if d.child_code == 3).amount == Decimal("-75.00")


def test_a_child_inactive_when_its_month_was_billed_is_not_billed_for_it_later(
    store: BillingStorage,
) -> None:
    # Child 5 is inactive in September (not billed on purpose), active from October.
    bill_and_close(store, SEP)
    with store.unit_of_work() as uow:
        uow.children.update(attrs.evolve(uow.children.get(ORG, 5), inactive=False))
        uow.commit()
    october = bill_and_close(store, OCT)
    assert corrections_of(october, 5) == []
    assert 5 in {s.child_code for s in october.statements}


# -- fingerprints: only what changed is recomputed ------------------------------------------


def test_only_children_whose_month_changed_are_recomputed(
    store: BillingStorage, computed: Counter[tuple[Month, int]]
) -> None:
    bill_and_close(store, SEP)
    bill_and_close(store, OCT)
    with store.unit_of_work() as uow:
        uow.decisions.add(decision(ORG, "d-1b", 1, "0.35", supersedes="d-1"))
        uow.commit()
    computed.clear()
    november = bill_and_close(store, NOV)
    # The month itself for children 1-4, and September and October for child 1 only.
    assert sorted(computed) == sorted([(NOV, 1), (NOV, 2), (NOV, 3), (NOV, 4), (SEP, 1), (OCT, 1)])
    assert {c.child_code for c in november.corrections} == {1}
    computed.clear()
    bill_and_close(store, DEC)  # nothing changed: no earlier month is computed again
    assert sorted(computed) == [(DEC, 1), (DEC, 2), (DEC, 3), (DEC, 4)]


def test_a_move_recorded_for_october_leaves_september_alone(
    store: BillingStorage, computed: Counter[tuple[Month, int]]
) -> None:
    bill_and_close(store, SEP)
    with store.unit_of_work() as uow:
        kid = uow.children.get(ORG, 2)
        move = ResidenceChange(valid_from=OCT.first, municipality_code=70, regresor_id="r-70")
        uow.children.update(kid.with_residence_change(move))
        uow.commit()
    computed.clear()
    october = bill_and_close(store, OCT)
    assert (SEP, 2) not in computed  # the dated history clipped to September did not change
    assert corrections_of(october, 2) == []


def test_rerunning_an_open_month_restores_the_fingerprints_it_replaced(
    store: BillingStorage, computed: Counter[tuple[Month, int]]
) -> None:
    bill_and_close(store, SEP)
    with store.unit_of_work() as uow:
        uow.decisions.add(decision(ORG, "d-1b", 1, "0.35", supersedes="d-1"))
        uow.commit()
    first = run_billing(organisation(), OCT, store, issued_on=OCT.last)
    computed.clear()
    # The open October run wrote September's new fingerprint; re-running removes it first,
    # so September is recomputed and corrected again, exactly as the first time.
    second = run_billing(organisation(), OCT, store, issued_on=OCT.last)
    assert (SEP, 1) in computed
    assert second == first


def test_months_billed_before_fingerprints_were_kept_are_recomputed() -> None:
    # in memory (it deletes the fingerprints by hand); the SQL case is the migration test
    # (tests/billing/test_migration.py)
    store = MemoryBillingStore()
    add_world(store, ORG)
    bill_and_close(store, SEP)
    with store.unit_of_work() as uow:  # as if September had been billed by an older version
        assert isinstance(uow, MemoryBillingUnitOfWork)
        uow.table("billing_fingerprints").delete((ORG, "2026-09"))
        uow.decisions.add(decision(ORG, "d-1b", 1, "0.35", supersedes="d-1"))
        uow.commit()
    october = bill_and_close(store, OCT)
    assert {c.child_code for c in october.corrections} == {1}
    assert corrections_of(october, 1)[0] == ("parents", SEP, Decimal("265.00"), Decimal("175.00"))


# -- one read for the whole window -----------------------------------------------------------


def test_the_window_is_read_with_one_load_period(
    store: BillingStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    for month in (SEP, OCT, NOV):
        bill_and_close(store, month)
    calls: list[tuple[str, Month, Month]] = []
    uow_type = type(store.unit_of_work())
    load_month, load_period = uow_type.load_month, uow_type.load_period

    def month_spy(self, organisation_id, month, *, left_since=None):  # type: ignore[no-untyped-def]
        calls.append(("load_month", month, month))
        return load_month(self, organisation_id, month, left_since=left_since)

    def period_spy(self, organisation_id, first, last, *, left_since=None):  # type: ignore[no-untyped-def]
        calls.append(("load_period", first, last))
        return load_period(self, organisation_id, first, last, left_since=left_since)

    monkeypatch.setattr(uow_type, "load_month", month_spy)
    monkeypatch.setattr(uow_type, "load_period", period_spy)
    run_billing(organisation(), DEC, store, issued_on=DEC.last)
    assert calls == [("load_period", SEP, DEC)]


def test_the_parents_share_of_state_and_municipality_follow_the_window(
    store: BillingStorage,
) -> None:
    """A refund lands on the payer that was billed: the state's share stays the state's."""
    bill_and_close(store, SEP)
    with store.unit_of_work() as uow:
        uow.decisions.add(decision(ORG, "d-3b", 3, "0.20", supersedes="d-3"))
        uow.commit()
    october = bill_and_close(store, OCT)
    # Child 3 lives in Maribor: 0.35 -> 0.20 of 500: 75.00 back to the parents, 75.00 more
    # from Maribor (r-70, another municipality).
    assert [(c.payer, c.payer_id, c.amount) for c in october.corrections] == [
        (PayerKind.PARENTS, "3", Decimal("-75.00")),
        (PayerKind.OTHER_MUNICIPALITY, "r-70", Decimal("75.00")),
    ]
