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
    DocumentKind,
    ReferenceScheme,
    ZeroInvoices,
    close_run,
    fee_inputs,
    run_billing,
)
from szo_core.calendar import Month
from szo_core.fees import compute
from szo_core.ids import reference
from szo_core.model import Child, Decision, Group, GroupAssignment, Program, ProgramPrice

SEP, OCT = Month(2026, 9), Month(2026, 10)

coefficients = st.integers(min_value=0, max_value=77).map(lambda n: Decimal(n) / 100)


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
@given(
    store=organisations(),
    scheme=st.sampled_from(list(ReferenceScheme)),
    zero=st.sampled_from(list(ZeroInvoices)),
)
def test_documents_add_up_are_numbered_and_referenced(
    store: MemoryBillingStore, scheme: ReferenceScheme, zero: ZeroInvoices
) -> None:
    org = organisation(reference_scheme=scheme, zero_invoices=zero)
    result = run_billing(org, SEP, store, issued_on=SEP.last)
    numbered = [d for d in result.documents if d.serial is not None]
    assert [d.serial for d in numbered] == list(range(1, len(numbered) + 1))
    per_child: dict[int, Decimal] = defaultdict(Decimal)
    for document in result.documents:
        assert document.amount == sum(line.amount for line in document.lines)
        if document.kind is DocumentKind.INVOICE and document.amount > 0:
            assert document.reference is not None
            assert reference.is_valid(document.reference)
        else:
            assert document.reference is None
        if document.amount == 0 and document.kind is not DocumentKind.CLAIM:
            assert zero is ZeroInvoices.UNNUMBERED
            assert document.number is None
        if document.child_code is not None:
            per_child[document.child_code] += document.amount
        for entry in document.entries:
            per_child[entry.child_code] += entry.amount
    for statement in result.statements:
        assert per_child.get(statement.child_code, Decimal(0)) == statement.total
    assert result.run.total == sum(per_child.values())
    refs = [d.reference for d in result.documents if d.reference is not None]
    assert len(set(refs)) == len(refs)
    # Repeating the open run gives the same result.
    assert run_billing(org, SEP, store, issued_on=SEP.last) == result


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
