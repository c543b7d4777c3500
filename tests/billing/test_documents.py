"""Documents an accountant accepts: credit notes, 0.00 invoices, the state's claim, references.

World: ``_world.py``; the siblings 8 and 9 added here share guardian g-3 and both
have a decision (0.35), so from 2021 the state pays the younger one's (9's)
parents' share in full (ZVrt Art. 29): 9's parents owe 175.00 − 175.00 = 0.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.billing._world import ORG, child, decision, organisation

from szo_core.billing import (
    MAX_SERIAL,
    BillingResult,
    BillingStorage,
    DocumentKind,
    ReferenceScheme,
    ZeroInvoices,
    close_run,
    invoice_reference,
    parse_si12,
    payable_invoices,
    run_billing,
)
from szo_core.calendar import Month
from szo_core.errors import BillingError
from szo_core.fees import PayerKind
from szo_core.ids import reference
from szo_core.model import Guardian, GuardianKind, GuardianLink

SEP, OCT, NOV = Month(2026, 9), Month(2026, 10), Month(2026, 11)


def bill(store: BillingStorage, month: Month, **changes: object) -> BillingResult:
    return run_billing(organisation(**changes), month, store, issued_on=month.last)


def bill_and_close(store: BillingStorage, month: Month, **changes: object) -> BillingResult:
    result = bill(store, month, **changes)
    close_run(ORG, month, store, closed_on=month.last)
    return result


def add_siblings(store: BillingStorage) -> None:
    mother = (GuardianLink(guardian_id="g-3", kind=GuardianKind.MOTHER),)
    with store.unit_of_work() as uow:
        uow.guardians.add(
            Guardian(organisation_id=ORG, id="g-3", first_name="Eva", last_name="Zupan")
        )
        uow.children.add(child(ORG, 8, birth_date=date(2021, 1, 1), guardians=mother))
        uow.children.add(child(ORG, 9, birth_date=date(2022, 1, 1), guardians=mother))
        uow.decisions.add(decision(ORG, "d-8", 8, "0.35"))
        uow.decisions.add(decision(ORG, "d-9", 9, "0.35"))
        uow.commit()


# -- credit notes ----------------------------------------------------------------------------


def _refund_child_1(store: BillingStorage) -> None:
    """Child 1 left on 30 September; its September decision is replaced by class 1 (0.00)."""
    with store.unit_of_work() as uow:
        kid = uow.children.get(ORG, 1)
        uow.children.update(attrs.evolve(kid, exit_date=date(2026, 9, 30)))
        uow.decisions.add(decision(ORG, "d-1b", 1, "0", supersedes="d-1"))
        uow.commit()


def test_a_negative_amount_is_a_credit_note_in_its_own_series(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    _refund_child_1(store)
    october = bill_and_close(store, OCT)
    # September billed 265.00 to the parents, now due 0.00: a credit note of −265.00, with
    # no payment reference, naming the month and the invoice it corrects.
    [credit] = october.credit_notes
    assert (credit.kind, credit.child_code, credit.payer, credit.amount) == (
        DocumentKind.CREDIT_NOTE,
        1,
        PayerKind.PARENTS,
        Decimal("-265.00"),
    )
    assert (credit.number, credit.serial, credit.reference) == ("D2026-000001", 1, None)
    assert [(c.month, c.number) for c in credit.corrects] == [(SEP, "2026-000001")]
    assert [(line.kind, line.original_month, line.amount) for line in credit.lines] == [
        ("correction", SEP, Decimal("-265.00"))
    ]
    # The invoices go on in their own series: September used 1-6, October 7-11 (children
    # 2, 3, 4, Ljubljana with +265.00 for child 1, Maribor).
    assert [d.number for d in october.invoices] == [f"2026-{n:06d}" for n in range(7, 12)]
    assert october.run.credit_note_count == 1
    with store.unit_of_work() as uow:
        assert uow.billing.last_serial(ORG, 2026, DocumentKind.CREDIT_NOTE) == 1
        assert uow.billing.last_serial(ORG, 2026) == 11
        assert uow.billing.invoices_of_year(ORG, 2026, DocumentKind.CREDIT_NOTE) == (credit,)


def test_credit_notes_are_numbered_gap_free_across_runs(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    _refund_child_1(store)
    bill_and_close(store, OCT)
    with store.unit_of_work() as uow:  # child 2's September and October: 0.77 -> 0.00
        uow.children.update(attrs.evolve(uow.children.get(ORG, 2), exit_date=date(2026, 10, 31)))
        uow.decisions.add(decision(ORG, "d-2", 2, "0"))
        uow.commit()
    november = bill(store, NOV)
    assert [d.number for d in november.credit_notes] == ["D2026-000002"]
    again = bill(store, NOV)  # an open run gives its numbers back, then takes them again
    assert [d.number for d in again.credit_notes] == ["D2026-000002"]


def test_credit_notes_get_no_slip_or_debit(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    _refund_child_1(store)
    october = bill_and_close(store, OCT)
    with store.unit_of_work() as uow:
        data = uow.load_month(ORG, Month(2026, 9))  # child 1 is enrolled in September
    payable = payable_invoices(october.documents, data)
    assert {p.child_code for p in payable} == {2, 3, 4}
    assert all(p.amount > 0 for p in payable)


# -- 0.00 invoices ---------------------------------------------------------------------------


def test_a_zero_invoice_takes_no_number(store: BillingStorage) -> None:
    add_siblings(store)
    result = bill(store, SEP)
    # Child 9's parents: share 175.00, sibling exemption −175.00: 0.00, no document.
    assert 9 not in {d.child_code for d in result.documents}
    serials = [d.serial for d in result.documents if d.serial is not None]
    assert serials == list(range(1, len(serials) + 1))


def test_a_zero_invoice_can_be_kept_for_the_record_unnumbered(store: BillingStorage) -> None:
    add_siblings(store)
    result = bill(store, SEP, zero_invoices=ZeroInvoices.UNNUMBERED)
    [zero] = [d for d in result.documents if d.child_code == 9]
    assert (zero.kind, zero.amount, zero.number, zero.serial, zero.reference) == (
        DocumentKind.INVOICE,
        Decimal("0.00"),
        None,
        None,
        None,
    )
    assert [(line.kind, line.amount) for line in zero.lines] == [
        ("share", Decimal("175.00")),
        ("sibling_exemption", Decimal("-175.00")),
    ]
    numbered = [d.serial for d in result.documents if d.serial is not None]
    assert numbered == list(range(1, len(numbered) + 1))
    with store.unit_of_work() as uow:
        assert uow.billing.invoices(ORG, "2026-09") == result.documents
    with store.unit_of_work() as uow:
        data = uow.load_month(ORG, SEP)
    assert "9" not in {p.child_code for p in payable_invoices(result.documents, data)}


def test_a_fee_cancelled_by_a_correction_takes_no_number(store: BillingStorage) -> None:
    bill_and_close(store, SEP)
    # From January child 3 is at 0.175 instead of 0.35: September 175.00 -> 87.50, a
    # correction of −87.50, and October's fee 0.175 × 500 = 87.50: the parents owe 0.00.
    with store.unit_of_work() as uow:
        uow.decisions.add(decision(ORG, "d-3b", 3, "0.175", supersedes="d-3"))
        uow.commit()
    october = bill(store, OCT)
    assert 3 not in {d.child_code for d in october.documents}
    parents = [
        (c.child_code, c.amount) for c in october.corrections if c.payer is PayerKind.PARENTS
    ]
    assert parents == [(3, Decimal("-87.50"))]
    numbered = [d.serial for d in october.documents]
    assert numbered == list(range(7, 7 + len(numbered)))


# -- the state's claim -----------------------------------------------------------------------


def test_the_state_gets_one_unnumbered_claim_with_its_list(store: BillingStorage) -> None:
    add_siblings(store)
    with store.unit_of_work() as uow:  # a second family with a sibling the state pays for
        father = (GuardianLink(guardian_id="g-4", kind=GuardianKind.FATHER),)
        uow.guardians.add(
            Guardian(organisation_id=ORG, id="g-4", first_name="Jan", last_name="Kos")
        )
        uow.children.add(child(ORG, 10, birth_date=date(2021, 3, 1), guardians=father))
        uow.children.add(child(ORG, 11, birth_date=date(2022, 3, 1), guardians=father))
        uow.decisions.add(decision(ORG, "d-10", 10, "0.20"))
        uow.decisions.add(decision(ORG, "d-11", 11, "0.20"))
        uow.commit()
    result = bill(store, SEP)
    claim = result.claim
    assert claim is not None
    assert [d for d in result.documents if d.payer is PayerKind.STATE] == [claim]
    assert claim is result.documents[-1]
    assert (claim.kind, claim.number, claim.serial, claim.reference) == (
        DocumentKind.CLAIM,
        None,
        None,
        None,
    )
    # 9: 0.35 × 500 = 175.00; 11: 0.20 × 500 = 100.00.
    assert [(e.child_code, e.month, e.days, e.coefficient, e.amount) for e in claim.entries] == [
        (9, SEP, 22, Decimal("0.35"), Decimal("175.00")),
        (11, SEP, 22, Decimal("0.20"), Decimal("100.00")),
    ]
    assert claim.amount == Decimal("275.00")
    assert [(line.kind, line.amount) for line in claim.lines] == [("list", Decimal("275.00"))]


def test_the_claim_lists_corrections_by_month(store: BillingStorage) -> None:
    add_siblings(store)
    bill_and_close(store, SEP)
    with store.unit_of_work() as uow:
        uow.decisions.add(decision(ORG, "d-9b", 9, "0.20", supersedes="d-9"))
        uow.commit()
    october = bill(store, OCT)
    claim = october.claim
    assert claim is not None
    corrected = [e for e in claim.entries if e.correction]
    # The state paid 175.00 for September, now 0.20 × 500 = 100.00.
    assert [(e.child_code, e.month, e.billed, e.due, e.amount) for e in corrected] == [
        (9, SEP, Decimal("175.00"), Decimal("100.00"), Decimal("-75.00"))
    ]
    assert [(line.kind, line.original_month, line.amount) for line in claim.lines] == [
        ("list", None, Decimal("100.00")),
        ("correction", SEP, Decimal("-75.00")),
    ]


# -- references ------------------------------------------------------------------------------


def test_a_year_of_a_large_organisation_fits_the_si12_reference() -> None:
    # 20,000 children: about 240,000 parents' invoices a year; the former CCCCC YY NNNNN
    # layout stopped at serial 99,999, in the third month.
    for serial in (99_999, 100_000, 240_000, MAX_SERIAL):
        ref = invoice_reference(ReferenceScheme.SI12, child_code=20_000, year=2026, serial=serial)
        assert reference.is_valid(ref)
        assert parse_si12(ref) == (20_000, 6, serial)


def test_what_does_not_fit_is_refused_clearly() -> None:
    with pytest.raises(BillingError) as serial:
        invoice_reference(ReferenceScheme.SI12, child_code=1, year=2026, serial=MAX_SERIAL + 1)
    assert serial.value.code == "billing.reference.too_long"
    assert "999,999" in serial.value.message("en")
    with pytest.raises(BillingError) as code:
        invoice_reference(ReferenceScheme.SI12, child_code=100_000, year=2026, serial=1)
    assert "RF" in code.value.message("en")
    ref = invoice_reference(ReferenceScheme.RF, child_code=100_000, year=2026, serial=1)
    assert reference.is_valid(ref)


@given(
    code=st.integers(1, 99_999) | st.none(),
    year=st.integers(2000, 2099),
    serial=st.integers(1, MAX_SERIAL),
)
def test_si12_reference_round_trips(code: int | None, year: int, serial: int) -> None:
    ref = invoice_reference(ReferenceScheme.SI12, child_code=code, year=year, serial=serial)
    assert len(ref) == 4 + 13
    assert reference.is_valid(ref)
    assert parse_si12(ref) == (code or 0, year % 10, serial)


def test_references_are_unique_for_ten_years() -> None:
    refs = {
        invoice_reference(ReferenceScheme.SI12, child_code=101, year=year, serial=7)
        for year in range(2026, 2036)
    }
    assert len(refs) == 10
