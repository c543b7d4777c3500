"""Billing runs through every adapter: memory, SQLite and PostgreSQL.

The small organisation and its hand-derived September amounts are in ``_world.py``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.billing._world import ORG, SEPTEMBER, decision, organisation

from szo_core.billing import (
    BillingResult,
    BillingStorage,
    ReferenceScheme,
    RunStatus,
    close_run,
    parse_si12,
    run_billing,
)
from szo_core.calendar import Month
from szo_core.errors import BillingConflict, BillingError, RecordLockedError
from szo_core.fees import PayerKind
from szo_core.ids import reference

SEP, OCT, NOV, DEC = Month(2026, 9), Month(2026, 10), Month(2026, 11), Month(2026, 12)
JAN = Month(2027, 1)


def bill(store: BillingStorage, month: Month, **changes: object) -> BillingResult:
    return run_billing(organisation(**changes), month, store, issued_on=month.last)


def bill_and_close(store: BillingStorage, month: Month) -> BillingResult:
    result = bill(store, month)
    close_run(ORG, month, store, closed_on=month.last)
    return result


def summary(result: BillingResult) -> list[tuple[int, str, str, Decimal]]:
    return [(i.child_code, str(i.payer), i.payer_id, i.amount) for i in result.invoices]


# -- invoices, numbers, references, totals ---------------------------------------------------


def test_september_invoices_match_the_hand_derived_amounts(store: BillingStorage) -> None:
    result = bill(store, SEP)
    assert summary(result) == list(SEPTEMBER)
    assert [i.number for i in result.invoices] == [f"2026-{n:05d}" for n in range(1, 9)]
    assert result.run.status is RunStatus.OPEN
    assert result.run.invoice_count == 8
    assert result.run.total == sum(amount for *_, amount in SEPTEMBER)


def test_invoices_are_stored_as_returned(store: BillingStorage) -> None:
    result = bill(store, SEP)
    with store.unit_of_work() as uow:
        assert uow.billing.invoices(ORG, result.run.id) == result.invoices
        assert uow.billing.find_run(ORG, SEP) == result.run


def test_numbers_are_gap_free_per_organisation_and_year(store: BillingStorage) -> None:
    results = [bill_and_close(store, month) for month in (SEP, OCT, NOV, DEC, JAN)]
    with store.unit_of_work() as uow:
        numbered_2026 = uow.billing.invoices_of_year(ORG, 2026)
        numbered_2027 = uow.billing.invoices_of_year(ORG, 2027)
    assert [i.serial for i in numbered_2026] == list(range(1, len(numbered_2026) + 1))
    assert [i.serial for i in numbered_2027] == list(range(1, len(numbered_2027) + 1))
    # Every run continues where the previous one of the year stopped; January starts again.
    assert [r.invoices[0].serial for r in results] == [1, 9, 17, 25, 1]
    assert len(numbered_2026) == 4 * 8


def test_another_organisation_has_its_own_numbers(store: BillingStorage) -> None:
    from tests.billing._world import add_world

    add_world(store, "vrtec-luna")
    bill(store, SEP)
    other = run_billing(organisation("vrtec-luna"), SEP, store, issued_on=SEP.last)
    assert [i.serial for i in other.invoices] == list(range(1, 9))


@pytest.mark.parametrize("scheme", list(ReferenceScheme))
def test_references_validate_and_identify_the_invoice(
    store: BillingStorage, scheme: ReferenceScheme
) -> None:
    result = bill(store, SEP, reference_scheme=scheme)
    refs = [i.reference for i in result.invoices]
    assert len(set(refs)) == len(refs)
    for invoice in result.invoices:
        assert reference.validate(invoice.reference) == invoice.reference
        assert invoice.reference.startswith(str(scheme))
        if scheme is ReferenceScheme.SI12:
            assert parse_si12(invoice.reference) == (invoice.child_code, 26, invoice.serial)
        else:
            assert invoice.reference[4:] == f"2026{invoice.serial:06d}{invoice.child_code:05d}"


def test_totals_equal_the_statements(store: BillingStorage) -> None:
    result = bill(store, SEP)
    assert [s.child_code for s in result.statements] == [1, 2, 3, 4]
    per_payer: dict[tuple[int, PayerKind, str], Decimal] = defaultdict(Decimal)
    for invoice in result.invoices:
        assert invoice.amount == sum(line.amount for line in invoice.lines)
        per_payer[(invoice.child_code, invoice.payer, invoice.payer_id)] += invoice.amount
    for statement in result.statements:
        invoiced = [v for (code, *_), v in per_payer.items() if code == statement.child_code]
        assert sum(invoiced) == statement.total
        for (payer, payer_id), amount in statement.payer_totals().items():
            assert per_payer.get((statement.child_code, payer, payer_id), Decimal(0)) == amount


def test_one_invoice_per_payer_per_child(store: BillingStorage) -> None:
    result = bill(store, SEP)
    keys = [(i.child_code, i.payer, i.payer_id) for i in result.invoices]
    assert len(keys) == len(set(keys))


def test_progress_is_reported_for_every_child(store: BillingStorage) -> None:
    seen: list[tuple[int, int]] = []
    bill_result = run_billing(
        organisation(), SEP, store, issued_on=SEP.last, progress=lambda d, t: seen.append((d, t))
    )
    # Children 1-4 are billed (5 is inactive, 6 left in August).
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert len(bill_result.statements) == 4


# -- closing and locks -----------------------------------------------------------------------


def test_closing_locks_the_decisions_the_run_used(store: BillingStorage) -> None:
    bill(store, SEP)
    with store.unit_of_work() as uow:  # an open run locks nothing yet
        d1 = uow.decisions.get(ORG, "d-1")
        d1 = uow.decisions.update(attrs.evolve(d1, number="d-1/2026-a"))
        uow.commit()
    bill(store, SEP)  # re-run with the edited decision, then close
    closed = close_run(ORG, SEP, store, closed_on=date(2026, 10, 3))
    assert closed.status is RunStatus.CLOSED
    assert closed.closed_on == date(2026, 10, 3)
    with store.unit_of_work() as uow:
        assert uow.decision_locks.locked(ORG) == {
            "d-1": "2026-09",
            "d-3": "2026-09",
            "d-4": "2026-09",
        }
        with pytest.raises(RecordLockedError) as caught:
            uow.decisions.update(attrs.evolve(d1, coefficient=Decimal("0.35")))
        assert caught.value.code == "decision.locked"
        with pytest.raises(RecordLockedError):
            uow.decisions.remove(uow.decisions.get(ORG, "d-4"))


def test_closing_twice_or_without_a_run_is_refused(store: BillingStorage) -> None:
    with pytest.raises(BillingError) as missing:
        close_run(ORG, SEP, store, closed_on=SEP.last)
    assert missing.value.code == "billing.no_run"
    bill_and_close(store, SEP)
    with pytest.raises(BillingConflict) as twice:
        close_run(ORG, SEP, store, closed_on=SEP.last)
    assert twice.value.code == "billing.closed"


def test_a_closed_month_cannot_be_billed_again(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    with pytest.raises(BillingConflict) as caught:
        bill(store, SEP)
    assert caught.value.code == "billing.closed"
    assert "2026-09" in caught.value.message("en")


def test_months_are_billed_in_order(store: BillingStorage) -> None:
    bill(store, OCT)
    with pytest.raises(BillingError) as earlier:
        bill(store, SEP)
    assert earlier.value.code == "billing.later_run"
    with pytest.raises(BillingError) as still_open:
        bill(store, NOV)
    assert still_open.value.code == "billing.open_earlier_run"


# -- corrections -----------------------------------------------------------------------------


def _supersede_d1(store: BillingStorage, coefficient: str = "0.35") -> None:
    with store.unit_of_work() as uow:
        uow.decisions.add(decision(ORG, "d-1b", 1, coefficient, supersedes="d-1"))
        uow.commit()


def test_a_superseded_decision_is_corrected_in_the_next_run_once(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    _supersede_d1(store)
    october = bill_and_close(store, OCT)
    # September was billed 0.53 × 500 = 265.00; now due 0.35 × 500 = 175.00: -90.00 back to
    # the parents, +90.00 to the municipality.  October itself: 175.00 and 325.00.
    assert [(str(c.payer), c.original_month, c.amount) for c in october.corrections] == [
        ("parents", SEP, Decimal("-90.00")),
        ("municipality", SEP, Decimal("90.00")),
    ]
    first = {(i.child_code, str(i.payer)): i for i in october.invoices}
    parents = first[(1, "parents")]
    assert [(ln.kind, ln.amount, ln.original_month) for ln in parents.lines] == [
        ("share", Decimal("175.00"), None),
        ("correction", Decimal("-90.00"), SEP),
    ]
    assert parents.amount == Decimal("85.00")
    assert first[(1, "municipality")].amount == Decimal("415.00")  # 325.00 + 90.00
    assert "09/2026" in parents.lines[1].description
    # The next run finds nothing more to correct.
    november = bill(store, NOV)
    assert november.corrections == ()
    assert all(not line.is_correction for i in november.invoices for line in i.lines)


def test_a_second_change_is_corrected_against_the_first_correction(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    _supersede_d1(store, "0.35")
    bill_and_close(store, OCT)
    with store.unit_of_work() as uow:
        uow.decisions.add(decision(ORG, "d-1c", 1, "0.43", supersedes="d-1b"))
        uow.commit()
    november = bill(store, NOV)
    # September: billed 265.00 − 90.00 = 175.00, now 0.43 × 500 = 215.00: +40.00.
    # October: billed 175.00, now 215.00: +40.00.
    parents = [
        (c.original_month, c.amount) for c in november.corrections if str(c.payer) == "parents"
    ]
    assert parents == [(SEP, Decimal("40.00")), (OCT, Decimal("40.00"))]


def test_corrections_can_be_turned_off(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    _supersede_d1(store)
    assert bill(store, OCT, correction_months=0).corrections == ()


# -- repeating a run -------------------------------------------------------------------------


def test_rerunning_an_open_month_gives_the_same_result(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    _supersede_d1(store)
    first = bill(store, OCT)
    second = bill(store, OCT)
    assert second == first
    with store.unit_of_work() as uow:
        assert uow.billing.last_serial(ORG, 2026) == 16
        assert len(uow.billing.invoices_of_year(ORG, 2026)) == 16


def test_a_rerun_with_fewer_invoices_gives_the_numbers_back(store: BillingStorage) -> None:
    bill(store, SEP)
    with store.unit_of_work() as uow:
        uow.children.update(attrs.evolve(uow.children.get(ORG, 4), inactive=True))
        uow.commit()
    again = bill(store, SEP)
    assert [i.serial for i in again.invoices] == list(range(1, 7))
    with store.unit_of_work() as uow:
        assert uow.billing.last_serial(ORG, 2026) == 6
        assert [i.serial for i in uow.billing.invoices_of_year(ORG, 2026)] == list(range(1, 7))
