"""The dormitory engine: a worked example by hand, the absence rules, a run, a property."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from szo_core.adapters.memory_billing import MemoryBillingStore
from szo_core.billing import BillingOrganisation, run_billing
from szo_core.calendar import Month
from szo_core.fees import FeeRules
from szo_core.fees.dormitory import DormitoryInputs, DormitoryRules, compute
from szo_core.fees.dormitory.plug import DormitoryPlug
from szo_core.fees.plug import bind
from szo_core.fees.school_meals import SchoolMealInputs
from szo_core.model import (
    Absence,
    Child,
    Group,
    GroupAssignment,
    OrganisationKind,
    Program,
    ProgramPrice,
)
from szo_core.model.school import IncomeClassRecord, MealPrice, MealSignup, SchoolMealSettings

ORG = "dd"
RULES = FeeRules(host_municipality=61)
SEP = Month(2026, 9)


def program(code: str, monthly: str) -> Program:
    return Program(
        organisation_id=ORG,
        code=code,
        prices=(
            ProgramPrice(
                valid_from=date(2026, 1, 1), monthly=Decimal(monthly), food_per_day=Decimal("6.00")
            ),
        ),
    )


PROGRAMS = (program("V1", "350.00"), program("V2", "380.00"))
STUDENT = Child(
    organisation_id=ORG,
    code=5,
    enrollment_date=date(2026, 9, 1),
    groups=(
        GroupAssignment(valid_from=date(2026, 9, 1), group_code="1a", program_code="V1"),
        GroupAssignment(valid_from=date(2026, 9, 16), group_code="2b", program_code="V2"),
    ),
)
AWAY = Absence(
    organisation_id=ORG,
    id="a",
    child_code=5,
    start=date(2026, 9, 21),
    end=date(2026, 9, 25),
    announced_at=datetime(2026, 9, 18, 10, 0),
)
MEALS = SchoolMealInputs(
    settings=SchoolMealSettings(
        organisation_id=ORG,
        prices=(MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.50")),),
    ),
    signups=(
        MealSignup(
            organisation_id=ORG, id="s", child_code=5, meal="lunch", valid_from=date(2026, 9, 1)
        ),
    ),
    income=(),
    lunch_eras=(),
)


def test_the_worked_example() -> None:
    # September 2026, 30 days: group 1a (350.00) to 15 September, 350.00 × 15/30 = 175.00;
    # group 2b (380.00) from the 16th, 380.00 × 15/30 = 190.00.  Away 21-25 September,
    # announced on Friday 18 September at 10:00 (by 12:00 the working day before): 5 × 6.00
    # = 30.00 off.  Lunch in the dormitory on its 22 working days: 22 × 3.50 = 77.00.
    # 175.00 + 190.00 − 30.00 + 77.00 = 412.00.
    inputs = DormitoryInputs(programs=PROGRAMS, absences=(AWAY,), meals=MEALS)
    s = compute(SEP, STUDENT, inputs, RULES)
    assert [(str(x.kind), x.formula(), x.amount) for x in s.lines] == [
        ("dormitory_fee", "350.00 × 15/30", Decimal("175.00")),
        ("dormitory_fee", "380.00 × 15/30", Decimal("190.00")),
        ("food_deduction", "−5 × 6.00", Decimal("-30.00")),
        ("meal", "3.50 × 22", Decimal("77.00")),
    ]
    assert s.total == Decimal("412.00")


def test_the_absence_rules_are_configurable() -> None:
    base = DormitoryInputs(programs=PROGRAMS, absences=(AWAY,))
    assert compute(SEP, STUDENT, base, RULES).total == Decimal("335.00")
    none = attrs.evolve(base, rules=DormitoryRules(deduct_absences=False))
    assert compute(SEP, STUDENT, none, RULES).total == Decimal("365.00")
    second_day = attrs.evolve(base, rules=DormitoryRules(from_day=2))
    assert compute(SEP, STUDENT, second_day, RULES).total == Decimal("341.00")
    late = attrs.evolve(
        base, absences=(attrs.evolve(AWAY, announced_at=datetime(2026, 9, 18, 13)),)
    )
    assert compute(SEP, STUDENT, late, RULES).total == Decimal("365.00")
    any_notice = attrs.evolve(late, rules=DormitoryRules(notice_by=None))
    assert compute(SEP, STUDENT, any_notice, RULES).total == Decimal("335.00")


def test_a_dormitory_is_billed_through_run_billing_with_its_own_rules() -> None:
    store = MemoryBillingStore()
    with store.unit_of_work() as uow:
        for p in PROGRAMS:
            uow.programs.add(p)
        uow.groups.add(Group(organisation_id=ORG, code="1a", program_code="V1"))
        uow.groups.add(Group(organisation_id=ORG, code="2b", program_code="V2"))
        uow.children.add(STUDENT)
        uow.absences.add(AWAY)
        uow.school_meals.put_settings(MEALS.settings)
        uow.school_meals.add(MEALS.signups[0])
        # an income class record is ignored: no school subsidies in a dormitory
        uow.school_meals.add(
            IncomeClassRecord(
                organisation_id=ORG,
                id="i",
                child_code=5,
                valid_from=date(2026, 1, 1),
                income_class=1,
            )
        )
        uow.commit()
    dorm = BillingOrganisation(id=ORG, rules=RULES, kind=OrganisationKind.DORMITORY)
    result = run_billing(dorm, SEP, store, issued_on=date(2026, 10, 1))
    assert [d.amount for d in result.documents] == [Decimal("412.00")]
    other = bind(DormitoryPlug(DormitoryRules(deduct_absences=False)))
    again = run_billing(dorm, SEP, store, issued_on=date(2026, 10, 1), plug=other)
    assert [d.amount for d in again.documents] == [Decimal("442.00")]


@settings(max_examples=150, deadline=None)
@given(
    cut=st.integers(1, 29),
    start=st.integers(1, 30),
    length=st.integers(0, 9),
    hour=st.integers(6, 14),
)
def test_a_month_split_into_two_periods_costs_the_whole_month_within_a_cent(
    cut: int, start: int, length: int, hour: int
) -> None:
    first = date(2026, 9, start)
    away = attrs.evolve(
        AWAY,
        start=first,
        end=date(2026, 9, min(30, start + length)),
        announced_at=datetime.combine(date(2026, 9, 1), time(hour)),
    )
    inputs = DormitoryInputs(programs=PROGRAMS, absences=(away,), meals=MEALS)
    whole = compute(SEP, STUDENT, inputs, RULES)
    one = compute(SEP, attrs.evolve(STUDENT, exit_date=date(2026, 9, cut)), inputs, RULES)
    two = compute(SEP, attrs.evolve(STUDENT, enrollment_date=date(2026, 9, cut + 1)), inputs, RULES)
    # The group split by the cut rounds in both parts: three roundings of at most half a
    # cent, so the parts are within a cent of the whole.
    assert abs(one.total + two.total - whole.total) <= Decimal("0.01")
    assert sum(one.totals().values()) == one.total
