"""Properties of billing runs on random small organisations (in memory)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.billing._world import ORG, organisation

from szo_core.adapters.memory_billing import MemoryBillingStore
from szo_core.billing import (
    ReferenceScheme,
    close_run,
    fee_inputs,
    invoice_reference,
    parse_si12,
    run_billing,
)
from szo_core.calendar import Month
from szo_core.fees import compute
from szo_core.ids import reference
from szo_core.model import Child, Decision, Group, GroupAssignment, Program, ProgramPrice

SEP, OCT = Month(2026, 9), Month(2026, 10)

coefficients = st.integers(min_value=0, max_value=100).map(lambda n: Decimal(n) / 100)


@st.composite
def organisations(draw: st.DrawFn) -> MemoryBillingStore:
    """A store with 1-8 children: random start day, municipality, coefficient or none."""
    store = MemoryBillingStore()
    price = draw(st.integers(min_value=10_000, max_value=90_000).map(lambda c: Decimal(c) / 100))
    with store.unit_of_work() as uow:
        uow.programs.add(
            Program(
                organisation_id=ORG,
                code="I",
                prices=(
                    ProgramPrice(
                        valid_from=date(2026, 1, 1), monthly=price, food_per_day=Decimal("2.50")
                    ),
                ),
            )
        )
        uow.groups.add(Group(organisation_id=ORG, code="A", program_code="I"))
        codes = draw(st.lists(st.integers(1, 99_999), min_size=1, max_size=8, unique=True))
        for code in codes:
            start = date(2026, draw(st.sampled_from([8, 9])), draw(st.integers(1, 28)))
            uow.children.add(
                Child(
                    organisation_id=ORG,
                    code=code,
                    municipality_code=draw(st.sampled_from([61, 70])),
                    enrollment_date=start,
                    groups=(GroupAssignment(valid_from=start, group_code="A", program_code="I"),),
                )
            )
            coefficient = draw(st.none() | coefficients)
            if coefficient is not None:
                uow.decisions.add(
                    Decision(
                        organisation_id=ORG,
                        id=f"d-{code}",
                        child_code=code,
                        number=str(code),
                        coefficient=coefficient,
                        valid_from=date(2026, 1, 1),
                    )
                )
        uow.commit()
    return store


@settings(max_examples=40)
@given(store=organisations(), scheme=st.sampled_from(list(ReferenceScheme)))
def test_invoices_add_up_are_numbered_and_referenced(
    store: MemoryBillingStore, scheme: ReferenceScheme
) -> None:
    result = run_billing(organisation(reference_scheme=scheme), SEP, store, issued_on=SEP.last)
    assert [i.serial for i in result.invoices] == list(range(1, len(result.invoices) + 1))
    per_child: dict[int, Decimal] = defaultdict(Decimal)
    for invoice in result.invoices:
        assert reference.is_valid(invoice.reference)
        assert invoice.amount == sum(line.amount for line in invoice.lines)
        assert any(line.amount for line in invoice.lines)
        per_child[invoice.child_code] += invoice.amount
    for statement in result.statements:
        assert per_child.get(statement.child_code, Decimal(0)) == statement.total
    assert result.run.total == sum(per_child.values())
    assert len({i.reference for i in result.invoices}) == len(result.invoices)
    # Repeating the open run gives the same result.
    assert run_billing(organisation(reference_scheme=scheme), SEP, store, issued_on=SEP.last) == (
        result
    )


@settings(max_examples=25)
@given(store=organisations(), new=coefficients)
def test_after_a_correction_everything_billed_equals_what_is_due(
    store: MemoryBillingStore, new: Decimal
) -> None:
    run_billing(organisation(), SEP, store, issued_on=SEP.last)
    close_run(ORG, SEP, store, closed_on=SEP.last)
    with store.unit_of_work() as uow:
        for child in uow.children.for_organisation(ORG):
            uow.decisions.add(
                Decision(
                    organisation_id=ORG,
                    id=f"new-{child.code}",
                    child_code=child.code,
                    number="new",
                    coefficient=new,
                    valid_from=date(2026, 1, 1),
                    supersedes=f"d-{child.code}"
                    if uow.decisions.find(ORG, f"d-{child.code}")
                    else None,
                )
            )
        uow.commit()
    october = run_billing(organisation(), OCT, store, issued_on=OCT.last)
    # What September is billed now (original + correction) equals what the engine says is due.
    with store.unit_of_work() as uow:
        billed = uow.billing.billed(ORG, SEP, OCT)
        data = uow.load_month(ORG, SEP)
    sums: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    for entry in billed:
        sums[(entry.child_code, str(entry.payer), entry.payer_id)] += entry.amount
    for code, child_month in data.children.items():
        due = compute(SEP, child_month.child, fee_inputs(data, child_month), organisation().rules)
        for (payer, payer_id), amount in due.payer_totals().items():
            assert sums.pop((code, str(payer), payer_id), Decimal(0)) == amount
    assert all(value == 0 for value in sums.values())
    # A second October run corrects nothing more than the first.
    assert run_billing(organisation(), OCT, store, issued_on=OCT.last) == october


@given(code=st.integers(1, 99_999), year=st.integers(2000, 2099), serial=st.integers(1, 99_999))
def test_si12_reference_round_trips(code: int, year: int, serial: int) -> None:
    ref = invoice_reference(ReferenceScheme.SI12, child_code=code, year=year, serial=serial)
    assert len(ref) == 4 + 13
    assert parse_si12(ref) == (code, year % 100, serial)
