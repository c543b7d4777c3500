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

from collections import defaultdict
from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.billing._world import ORG, child, decision, organisation
from tests.billing.test_year import CHANGES, NEVER_BILLED, YEAR, Change, _add

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

Key = tuple[int, Month, str, str]


def _billed(store: BillingStorage) -> dict[Key, Decimal]:
    with store.unit_of_work() as uow:
        entries = uow.billing.billed(ORG, Month(2000, 1), Month(2100, 1))
    found: dict[Key, Decimal] = defaultdict(Decimal)
    for e in entries:
        found[(e.child_code, e.month, str(e.payer), e.payer_id)] += e.amount
    return {k: v for k, v in found.items() if v}


def _due(store: BillingStorage, months: tuple[Month, ...], rules: FeeRules) -> dict[Key, Decimal]:
    found: dict[Key, Decimal] = {}
    for month in months:
        with store.unit_of_work() as uow:
            data = uow.load_month(ORG, month)
        for code, entry in data.children.items():
            if code in NEVER_BILLED:
                continue
            statement = compute(month, entry.child, fee_inputs(data, entry), rules)
            for (payer, payer_id), amount in statement.payer_totals().items():
                if amount:
                    found[(code, month, str(payer), payer_id)] = amount
    return found


def _per_payer(keys: dict[Key, Decimal]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = defaultdict(Decimal)
    for (_code, _month, payer, payer_id), amount in keys.items():
        found[f"{payer}:{payer_id}"] += amount
    return {k: v for k, v in found.items() if v}


def _documents_per_payer(store: BillingStorage, months: tuple[Month, ...]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = defaultdict(Decimal)
    with store.unit_of_work() as uow:
        for month in months:
            for document in uow.billing.invoices(ORG, str(month)):
                found[f"{document.payer}:{document.payer_id}"] += document.amount
    return {k: v for k, v in found.items() if v}


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
        due = _due(store, done, org.rules)
        assert _billed(store) == due, month
        assert _documents_per_payer(store, done) == _per_payer(due), month
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
