"""A year of a kindergarten, end to end, on memory, SQLite and PostgreSQL (issue 10).

The scripted year of ``test_year.py`` (late records, late exits, superseded
decisions from mid-month, a new price, a move, siblings, a corrected enrollment
date) plus what the fee engine learnt this year:

* a child in a **private kindergarten** program (ZVrt Art. 34: the municipality
  pays 85 % of the public price less the parents' payment) from the first month;
* a **strike** on 9 March 2027, entered in the rules before the March run
  (not billed: the day stays in the month's working days, SAOP);
* a **tax-status change** for February, entered in April after February closed;
* a **price edited in place** after its months were closed is refused
  (``RecordLockedError``), and a new dated price is taken instead.

After every run the sum of what was billed to every payer (invoices, credit
notes and the state's claims, corrections included) equals a fresh
recomputation of every billed month with the records and rules as they are at
that point, to the cent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.billing._world import ORG, child, decision, organisation
from tests.billing.test_year import (
    CHANGES,
    YEAR,
    Change,
    _add,
    billed_now,
    documents_per_payer,
    due_now,
    payer_totals,
)

from szo_core.billing import (
    BillingOrganisation,
    BillingStorage,
    DocumentKind,
    fee_inputs,
    run_billing,
)
from szo_core.calendar import Month
from szo_core.errors import RecordLockedError
from szo_core.fees import Closure, ClosureRule, FeeRules, LineKind, PayerKind, compute
from szo_core.model import (
    Group,
    GroupAssignment,
    Program,
    ProgramKind,
    ProgramPrice,
    TaxpayerChange,
)

STRIKE = Closure(
    start=date(2027, 3, 9),
    end=date(2027, 3, 9),
    rule=ClosureRule.NOT_BILLED,
    name="stavka",
    source="ZVrt; SAOP: dan stavke se ne obračuna",
)


def _organisation(month: Month) -> BillingOrganisation:
    rules = FeeRules(host_municipality=61, closures=(STRIKE,) if month >= Month(2027, 3) else ())
    return attrs.evolve(organisation(), rules=rules)


def _private_kindergarten(store: BillingStorage) -> None:
    with store.unit_of_work() as uow:
        uow.programs.add(
            Program(
                organisation_id=ORG,
                code="P",
                name="Zasebni vrtec, 1. starostno obdobje",
                kind=ProgramKind.PRIVATE,
                reference_program="I",
                prices=(
                    ProgramPrice(
                        valid_from=date(2026, 1, 1),
                        monthly=Decimal("640.00"),
                        food_per_day=Decimal("2.50"),
                    ),
                ),
            )
        )
        uow.groups.add(Group(organisation_id=ORG, code="Z", name="Zasebni", program_code="P"))
        kid = child(ORG, 10, enrolled=date(2026, 9, 1))
        uow.children.add(
            attrs.evolve(
                kid,
                groups=(
                    GroupAssignment(valid_from=date(2026, 9, 1), group_code="Z", program_code="P"),
                ),
            )
        )
        uow.decisions.add(decision(ORG, "d-10", 10, "0.35"))
        uow.commit()


def _not_a_taxpayer_in_february(store: BillingStorage) -> None:
    with store.unit_of_work() as uow:
        kid = uow.children.get(ORG, 1)
        uow.children.update(
            kid.with_taxpayer_change(
                TaxpayerChange(valid_from=date(2027, 2, 1), taxpayers=False)
            ).with_taxpayer_change(TaxpayerChange(valid_from=date(2027, 3, 1), taxpayers=True))
        )
        uow.commit()


def _price_edited_in_place_is_refused(store: BillingStorage) -> None:
    with store.unit_of_work() as uow:
        program = uow.programs.get(ORG, "I")
        edited = attrs.evolve(
            program,
            prices=tuple(
                attrs.evolve(p, monthly=p.monthly + 20) if p.valid_from <= date(2027, 1, 1) else p
                for p in program.prices
            ),
        )
        with pytest.raises(RecordLockedError) as err:
            uow.programs.update(edited)
        assert err.value.code == "program.price.locked"
    with store.unit_of_work() as uow:  # the new price is a new dated entry after the closed months
        program = uow.programs.get(ORG, "I")
        price = ProgramPrice(
            valid_from=date(2027, 6, 1), monthly=Decimal("530.00"), food_per_day=Decimal("2.60")
        )
        uow.programs.update(attrs.evolve(program, prices=(*program.prices, price)))
        uow.commit()


MORE: dict[Month, tuple[Change, ...]] = {
    Month(2026, 9): (_private_kindergarten,),
    Month(2027, 4): (_not_a_taxpayer_in_february,),
    Month(2027, 5): (_price_edited_in_place_is_refused,),
    Month(2027, 6): (_add(child(ORG, 11, enrolled=date(2027, 3, 1))),),  # late, over the strike
}


def test_a_year_of_a_kindergarten(store: BillingStorage) -> None:
    kinds: set[DocumentKind] = set()
    line_kinds: set[LineKind] = set()
    closed_days = 0
    for number, month in enumerate(YEAR, start=1):
        for change in (*CHANGES.get(month, ()), *MORE.get(month, ())):
            change(store)
        org = _organisation(month)
        result = run_billing(org, month, store, issued_on=month.last, closed_on=month.last)
        kinds.update(d.kind for d in result.documents)
        for statement in result.statements:
            line_kinds.update(line.kind for line in statement.lines)
            closed_days += len(statement.closures)
        done = YEAR[:number]
        due = due_now(store, done, org.rules)
        assert billed_now(store) == due, month
        assert documents_per_payer(store, done) == payer_totals(due), month
    # the year had what it was meant to have
    assert kinds == set(DocumentKind)
    assert LineKind.PRIVATE_REST in line_kinds
    assert LineKind.ROUNDING not in line_kinds
    assert closed_days > 0
    # the private child: 0.35 × 500 (public) = 175.00 parents' share, 0.85 × 325 = 276.25
    # the municipality, and the rest of the private price 640 − 175 − 276.25 = 188.75 the
    # parents' (September 2026, a whole month; the public price is program I's 500.00)
    with store.unit_of_work() as uow:
        september = uow.load_month(ORG, Month(2026, 9))
    statement = compute(
        Month(2026, 9),
        september.children[10].child,
        fee_inputs(september, september.children[10]),
        _organisation(Month(2026, 9)).rules,
    )
    assert statement.total_for(PayerKind.PARENTS) == Decimal("363.75")  # 175.00 + 188.75
    assert statement.total_for(PayerKind.MUNICIPALITY) == Decimal("276.25")
