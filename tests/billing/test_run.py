"""Billing runs through every adapter: memory, SQLite and PostgreSQL.

The small organisation and its hand-derived September amounts are in ``_world.py``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.billing._world import ORG, SEPTEMBER, SEPTEMBER_DOCUMENTS, decision, organisation

from szo_core.billing import (
    BillingResult,
    BillingStorage,
    DocumentKind,
    ReferenceScheme,
    RunStatus,
    close_run,
    parse_si12,
    run_billing,
)
from szo_core.calendar import Month
from szo_core.errors import BillingConflict, BillingError, RecordLockedError
from szo_core.ids import reference

SEP, OCT, NOV, DEC = Month(2026, 9), Month(2026, 10), Month(2026, 11), Month(2026, 12)
JAN = Month(2027, 1)


def bill(store: BillingStorage, month: Month, **changes: object) -> BillingResult:
    return run_billing(organisation(**changes), month, store, issued_on=month.last)


def bill_and_close(store: BillingStorage, month: Month, **changes: object) -> BillingResult:
    result = bill(store, month, **changes)
    close_run(ORG, month, store, closed_on=month.last)
    return result


def summary(result: BillingResult) -> list[tuple[str | None, int | None, str, str, Decimal]]:
    return [(d.number, d.child_code, str(d.payer), d.payer_id, d.amount) for d in result.documents]


def per_child_and_payer(result: BillingResult) -> dict[tuple[int, str, str], Decimal]:
    """What the documents bill per child and payer (the lists' entries for the municipalities)."""
    found: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    for document in result.documents:
        if document.child_code is not None:
            found[(document.child_code, str(document.payer), document.payer_id)] += document.amount
        for entry in document.entries:
            found[(entry.child_code, str(document.payer), document.payer_id)] += entry.amount
    return dict(found)


# -- documents, numbers, references, totals --------------------------------------------------


def test_september_documents_match_the_hand_derived_amounts(store: BillingStorage) -> None:
    result = bill(store, SEP)
    assert summary(result) == list(SEPTEMBER_DOCUMENTS)
    assert per_child_and_payer(result) == {(c, p, i): a for c, p, i, a in SEPTEMBER}
    assert [d.kind for d in result.documents] == [DocumentKind.INVOICE] * 6
    assert result.run.status is RunStatus.OPEN
    assert (result.run.invoice_count, result.run.credit_note_count) == (6, 0)
    assert result.run.total == sum(amount for *_, amount in SEPTEMBER)


def test_each_municipality_gets_one_invoice_with_its_list_of_children(
    store: BillingStorage,
) -> None:
    result = bill(store, SEP)
    ljubljana = next(d for d in result.documents if d.payer_id == "r-61")
    # Children 1, 2 and 4 live in Ljubljana (61); 3 in Maribor (r-70, its own invoice).
    assert [
        (e.child_code, e.month, e.days, e.days_in_month, e.price, e.coefficient, e.amount)
        for e in ljubljana.entries
    ] == [
        (1, SEP, 22, 22, Decimal("500.00"), Decimal("0.53"), Decimal("235.00")),
        (2, SEP, 22, 22, Decimal("500.00"), Decimal("0.77"), Decimal("115.00")),
        (4, SEP, 13, 22, Decimal("500.00"), Decimal("0.43"), Decimal("168.40")),
    ]
    # The applicant: the child's applicant, else its payer (g-1 pays for 1), else the first
    # linked guardian (g-1 for 2, g-2 for 4).
    assert [(e.child_name, e.applicant) for e in ljubljana.entries] == [
        ("Otrok1 Kovač", "Ana Novak"),
        ("Otrok2 Kovač", "Ana Novak"),
        ("Otrok4 Kovač", "Marko Horvat"),
    ]
    assert [(line.kind, line.amount) for line in ljubljana.lines] == [("list", Decimal("518.40"))]
    assert ljubljana.amount == sum(e.amount for e in ljubljana.entries)


def test_documents_are_stored_as_returned(store: BillingStorage) -> None:
    result = bill(store, SEP)
    with store.unit_of_work() as uow:
        assert uow.billing.invoices(ORG, result.run.id) == result.documents
        assert uow.billing.find_run(ORG, SEP) == result.run


def test_numbers_are_gap_free_per_organisation_and_year(store: BillingStorage) -> None:
    results = [bill_and_close(store, month) for month in (SEP, OCT, NOV, DEC, JAN)]
    with store.unit_of_work() as uow:
        numbered_2026 = uow.billing.invoices_of_year(ORG, 2026)
        numbered_2027 = uow.billing.invoices_of_year(ORG, 2027)
    assert [i.serial for i in numbered_2026] == list(range(1, len(numbered_2026) + 1))
    assert [i.serial for i in numbered_2027] == list(range(1, len(numbered_2027) + 1))
    # Every run continues where the previous one of the year stopped; January starts again.
    assert [r.documents[0].serial for r in results] == [1, 7, 13, 19, 1]
    assert len(numbered_2026) == 4 * 6


def test_another_organisation_has_its_own_numbers(store: BillingStorage) -> None:
    from tests.billing._world import add_world

    add_world(store, "vrtec-luna")
    bill(store, SEP)
    other = run_billing(organisation("vrtec-luna"), SEP, store, issued_on=SEP.last)
    assert [i.serial for i in other.documents] == list(range(1, 7))


@pytest.mark.parametrize("scheme", list(ReferenceScheme))
def test_references_validate_and_identify_the_invoice(
    store: BillingStorage, scheme: ReferenceScheme
) -> None:
    result = bill(store, SEP, reference_scheme=scheme)
    refs = [i.reference for i in result.invoices]
    assert len(set(refs)) == len(refs)
    for invoice in result.invoices:
        assert invoice.reference is not None
        assert invoice.serial is not None
        assert reference.validate(invoice.reference) == invoice.reference
        assert invoice.reference.startswith(str(scheme))
        code = invoice.child_code or 0
        if scheme is ReferenceScheme.SI12:
            assert parse_si12(invoice.reference) == (code, 6, invoice.serial)
        else:
            assert invoice.reference[4:] == f"2026{invoice.serial:06d}{code:05d}"


def test_totals_equal_the_statements(store: BillingStorage) -> None:
    result = bill(store, SEP)
    assert [s.child_code for s in result.statements] == [1, 2, 3, 4]
    for document in result.documents:
        assert document.amount == sum(line.amount for line in document.lines)
        if document.entries:
            assert document.amount == sum(e.amount for e in document.entries)
    billed = per_child_and_payer(result)
    for statement in result.statements:
        for (payer, payer_id), amount in statement.payer_totals().items():
            assert billed.pop((statement.child_code, str(payer), payer_id)) == amount
    assert billed == {}


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


def test_closing_locks_the_prices_in_force_through_the_month(store: BillingStorage) -> None:
    from szo_core.model import ProgramPrice

    bill(store, SEP)
    with store.unit_of_work() as uow:  # an open run locks no price yet
        assert uow.price_locks.locked_through(ORG, "I") is None
    close_run(ORG, SEP, store, closed_on=date(2026, 10, 3))
    with store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "I") == SEP.last
        program = uow.programs.get(ORG, "I")
        edited = attrs.evolve(
            program, prices=(attrs.evolve(program.prices[0], monthly=Decimal("520.00")),)
        )
        with pytest.raises(RecordLockedError) as caught:
            uow.programs.update(edited)
        assert caught.value.code == "program.price.locked"
    with store.unit_of_work() as uow:  # a new dated price after the closed month is fine
        program = uow.programs.get(ORG, "I")
        new = ProgramPrice(
            valid_from=date(2026, 10, 1), monthly=Decimal("520.00"), food_per_day=Decimal("2.50")
        )
        uow.programs.update(attrs.evolve(program, prices=(*program.prices, new)))
        uow.commit()


def test_billing_and_closing_in_one_transaction(store: BillingStorage) -> None:
    result = run_billing(organisation(), SEP, store, issued_on=SEP.last, closed_on=SEP.last)
    assert result.run.status is RunStatus.CLOSED
    with store.unit_of_work() as uow:
        assert uow.billing.find_run(ORG, SEP) == result.run
        assert uow.decision_locks.locked_by(ORG, "d-1") == "2026-09"
        assert uow.price_locks.locked_through(ORG, "I") == SEP.last


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


def test_months_are_billed_in_order_and_a_gap_can_be_filled(store: BillingStorage) -> None:
    bill(store, OCT)
    with pytest.raises(BillingError) as still_open:
        bill(store, NOV)
    assert still_open.value.code == "billing.open_earlier_run"
    # September has no run: it may still be billed (October corrected only months with a
    # run), and it is billed once, with the numbers after October's.
    result = bill(store, SEP)
    assert result.run.month == SEP
    with store.unit_of_work() as uow:
        assert [str(r.month) for r in uow.billing.runs(ORG)] == ["2026-09", "2026-10"]


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
    parents = next(d for d in october.documents if d.child_code == 1)
    assert [(ln.kind, ln.amount, ln.original_month) for ln in parents.lines] == [
        ("share", Decimal("175.00"), None),
        ("correction", Decimal("-90.00"), SEP),
    ]
    assert parents.amount == Decimal("85.00")
    assert "09/2026" in parents.lines[1].description
    # The correction names the invoice it corrects: child 1's September invoice.
    assert [(c.month, c.number) for c in parents.corrects] == [(SEP, "2026-000001")]
    ljubljana = next(d for d in october.documents if d.payer_id == "r-61")
    # October's list: 325.00 (child 1 at 0.35) + 115.00 + 285.00 (child 4, a whole month
    # at 0.43: 500 − 215.00) = 725.00; then September's correction: +90.00 for child 1.
    assert [(ln.kind, ln.original_month, ln.amount) for ln in ljubljana.lines] == [
        ("list", None, Decimal("725.00")),
        ("correction", SEP, Decimal("90.00")),
    ]
    corrected = [e for e in ljubljana.entries if e.correction]
    assert [(e.child_code, e.month, e.billed, e.due, e.amount) for e in corrected] == [
        (1, SEP, Decimal("235.00"), Decimal("325.00"), Decimal("90.00"))
    ]
    assert [(c.month, c.number) for c in ljubljana.corrects] == [(SEP, "2026-000005")]
    # The next run finds nothing more to correct.
    november = bill(store, NOV)
    assert november.corrections == ()
    assert all(not line.is_correction for d in november.documents for line in d.lines)


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
        assert uow.billing.last_serial(ORG, 2026) == 12
        assert len(uow.billing.invoices_of_year(ORG, 2026)) == 12


def test_a_rerun_with_fewer_documents_gives_the_numbers_back(store: BillingStorage) -> None:
    bill(store, SEP)
    with store.unit_of_work() as uow:
        uow.children.update(attrs.evolve(uow.children.get(ORG, 4), inactive=True))
        uow.commit()
    again = bill(store, SEP)
    assert [i.serial for i in again.documents] == list(range(1, 6))
    with store.unit_of_work() as uow:
        assert uow.billing.last_serial(ORG, 2026) == 5
        assert [i.serial for i in uow.billing.invoices_of_year(ORG, 2026)] == list(range(1, 6))
