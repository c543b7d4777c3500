"""The school meal engine: the worked example by hand, the rules one by one, and properties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees import FeeRules, LineKind, PayerKind
from szo_core.fees.school_meals import SchoolMealInputs, compute, school_days
from szo_core.model import Child
from szo_core.model.school import (
    DeadlineKind,
    DeadlineRule,
    FreeDay,
    IncomeClassRecord,
    MealCancellation,
    MealKind,
    MealPrice,
    MealSignup,
    SchoolMealSettings,
)

ORG = "os-test"
RULES = FeeRules(host_municipality=61)
OCT = Month(2026, 10)  # 22 working days; 29 and 30 October free below: 20 school days
SAME_DAY = DeadlineRule(valid_from=date(2020, 1, 1), kind=DeadlineKind.SAME_DAY, by=time(8, 30))
PREVIOUS = DeadlineRule(
    valid_from=date(2020, 1, 1), kind=DeadlineKind.PREVIOUS_WORKING_DAY, by=time(12, 0)
)
SETTINGS = SchoolMealSettings(
    organisation_id=ORG,
    prices=(
        MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.00")),
        MealPrice(meal="snack", valid_from=date(2026, 9, 1), price=Decimal("1.10")),
        MealPrice(meal="breakfast", valid_from=date(2026, 9, 1), price=Decimal("0.75")),
    ),
    deadlines=(SAME_DAY,),
    free_days=(FreeDay(start=date(2026, 10, 29), end=date(2026, 10, 30), name="jesenske"),),
)
PUPIL = Child(organisation_id=ORG, code=7, enrollment_date=date(2026, 9, 1))


def signups(*meals: str, since: date = date(2026, 9, 1)) -> tuple[MealSignup, ...]:
    return tuple(
        MealSignup(organisation_id=ORG, id=f"s-{m}", child_code=7, meal=m, valid_from=since)
        for m in meals
    )


def income(cls: int | None, free_malica: bool = False) -> tuple[IncomeClassRecord, ...]:
    return (
        IncomeClassRecord(
            organisation_id=ORG,
            id="i",
            child_code=7,
            valid_from=date(2026, 1, 1),
            income_class=cls,
            free_malica=free_malica,
        ),
    )


def cancel(
    cid: str, start: date, end: date, made_at: datetime, meal: str | None = None, ill: bool = False
) -> MealCancellation:
    return MealCancellation(
        organisation_id=ORG,
        id=cid,
        child_code=7,
        start=start,
        end=end,
        made_at=made_at,
        meal=meal,
        sudden_illness=ill,
    )


def lines(statement):  # type: ignore[no-untyped-def]
    return [(str(x.payer), str(x.kind), x.rule, x.formula(), x.amount) for x in statement.lines]


def test_the_worked_example_of_the_reference_note() -> None:
    # 20 malice × 1.10 = 22.00; 18 lunches × 3.00 at 50 % = 27.00; 2 lunches not cancelled
    # in time at 3.00 = 6.00; the parents pay 55.00, the state 27.00 (the other half).
    inputs = SchoolMealInputs(
        settings=SETTINGS,
        signups=signups("malica", "lunch"),
        income=income(5),
        cancellations=(
            cancel(
                "c1", date(2026, 10, 7), date(2026, 10, 7), datetime(2026, 10, 7, 9, 15), "lunch"
            ),
            cancel(
                "c2", date(2026, 10, 14), date(2026, 10, 14), datetime(2026, 10, 14, 10), "lunch"
            ),
        ),
    )
    s = compute(OCT, PUPIL, inputs, RULES)
    assert s.days_in_month == 20
    assert lines(s) == [
        ("parents", "meal", "malica", "1.10 × 20", Decimal("22.00")),
        ("parents", "meal", "lunch", "0.5 × 3.00 × 18", Decimal("27.00")),
        ("parents", "late_cancellation", "lunch", "3.00 × 2", Decimal("6.00")),
        ("state", "subsidy", "lunch", "0.5 × 3.00 × 18", Decimal("27.00")),
    ]
    assert s.totals()[PayerKind.PARENTS] == Decimal("55.00")
    assert s.totals()[PayerKind.STATE] == Decimal("27.00")
    assert s.total == Decimal("82.00")
    assert s.lines[0].describe("sl") == "obroki: malica"
    assert s.lines[2].describe("sl") == "prepozno odjavljeni obroki: kosilo"


def test_a_timely_cancellation_bills_nothing_for_its_days() -> None:
    # Cancelled at 8:00 for 5-9 October (5 school days): 20 - 5 = 15 lunches.
    made = datetime(2026, 10, 5, 8, 0)
    inputs = SchoolMealInputs(
        settings=SETTINGS,
        signups=signups("lunch"),
        cancellations=(cancel("c", date(2026, 10, 5), date(2026, 10, 9), made),),
    )
    assert lines(compute(OCT, PUPIL, inputs, RULES)) == [
        ("parents", "meal", "lunch", "3.00 × 15", Decimal("45.00"))
    ]


def test_the_deadline_reads_an_aware_time_in_ljubljana() -> None:
    # 06:45 UTC is 08:45 in Ljubljana (summer time): after 8:30, late; 06:15 UTC is in time.
    utc = ZoneInfo("UTC")
    late = cancel(
        "c", date(2026, 10, 5), date(2026, 10, 5), datetime(2026, 10, 5, 6, 45, tzinfo=utc)
    )
    ok = cancel("c", date(2026, 10, 5), date(2026, 10, 5), datetime(2026, 10, 5, 6, 15, tzinfo=utc))
    base = SchoolMealInputs(settings=SETTINGS, signups=signups("lunch"))
    s_late = compute(OCT, PUPIL, attrs.evolve(base, cancellations=(late,)), RULES)
    s_ok = compute(OCT, PUPIL, attrs.evolve(base, cancellations=(ok,)), RULES)
    assert s_late.total == Decimal("60.00")  # 19 + 1 late, all at 3.00
    assert s_ok.total == Decimal("57.00")


def test_previous_working_day_deadline() -> None:
    # Monday 5 October: the deadline is Friday 2 October at 12:00.
    settings_ = attrs.evolve(SETTINGS, deadlines=(PREVIOUS,))
    base = SchoolMealInputs(settings=settings_, signups=signups("lunch"))
    friday_late = cancel("c", date(2026, 10, 5), date(2026, 10, 5), datetime(2026, 10, 2, 12, 1))
    friday_ok = cancel("c", date(2026, 10, 5), date(2026, 10, 5), datetime(2026, 10, 2, 11, 59))
    late = compute(OCT, PUPIL, attrs.evolve(base, cancellations=(friday_late,)), RULES)
    ok = compute(OCT, PUPIL, attrs.evolve(base, cancellations=(friday_ok,)), RULES)
    assert [x.kind for x in late.lines] == [LineKind.MEAL, LineKind.LATE_CANCELLATION]
    assert ok.total == Decimal("57.00")


def test_a_late_cancellation_loses_the_subsidy_but_the_first_day_of_illness_keeps_it() -> None:
    # Class 3: lunch fully subsidised.  Fell ill on Wednesday 7 October, cancelled at 10:00
    # for 7-9 October: the 7th is late but the first day of a sudden illness (subsidy kept),
    # the 8th and 9th are cancelled in time.
    ill = cancel("c", date(2026, 10, 7), date(2026, 10, 9), datetime(2026, 10, 7, 10), ill=True)
    inputs = SchoolMealInputs(
        settings=SETTINGS, signups=signups("lunch"), income=income(3), cancellations=(ill,)
    )
    s = compute(OCT, PUPIL, inputs, RULES)
    assert lines(s) == [("state", "subsidy", "lunch", "3.00 × 18", Decimal("54.00"))]
    # Without the illness flag the 7th is paid in full by the parents.
    not_ill = attrs.evolve(ill, sudden_illness=False)
    s = compute(OCT, PUPIL, attrs.evolve(inputs, cancellations=(not_ill,)), RULES)
    assert lines(s) == [
        ("parents", "late_cancellation", "lunch", "3.00 × 1", Decimal("3.00")),
        ("state", "subsidy", "lunch", "3.00 × 17", Decimal("51.00")),
    ]
    # A school whose rules do not keep the subsidy on the first day of illness.
    strict = attrs.evolve(inputs, settings=attrs.evolve(SETTINGS, illness_keeps_subsidy=False))
    assert compute(OCT, PUPIL, strict, RULES).totals()[PayerKind.PARENTS] == Decimal("3.00")


def test_malica_is_free_with_the_right_to_it_and_priced_by_the_minister() -> None:
    inputs = SchoolMealInputs(settings=SETTINGS, signups=signups("malica"), income=income(6, True))
    assert lines(compute(OCT, PUPIL, inputs, RULES)) == [
        ("state", "subsidy", "malica", "1.10 × 20", Decimal("22.00"))
    ]
    # 2022/23: 0.90 €.
    old = compute(
        Month(2023, 3),
        attrs.evolve(PUPIL, enrollment_date=date(2022, 9, 1)),
        attrs.evolve(inputs, signups=signups("malica", since=date(2022, 9, 1)), income=()),
        RULES,
    )
    assert {x.price for x in old.lines} == {Decimal("0.90")}


def test_lunch_is_free_for_every_pupil_from_september_2027() -> None:
    pupil = attrs.evolve(PUPIL, enrollment_date=date(2027, 8, 1))
    inputs = SchoolMealInputs(settings=SETTINGS, signups=signups("lunch", since=date(2027, 8, 1)))
    august = compute(Month(2027, 8), pupil, inputs, RULES)  # no income record: parents pay
    september = compute(Month(2027, 9), pupil, inputs, RULES)
    assert august.totals()[PayerKind.STATE] == 0
    assert august.total > 0
    assert september.totals()[PayerKind.PARENTS] == 0
    assert september.totals()[PayerKind.STATE] == september.total > 0
    assert "free-lunch-2027" in september.lines[0].note


def test_holidays_and_the_schools_free_days_bill_nothing() -> None:
    # October 2026 without free days: 22 school days; the school's two free days: 20;
    # the autumn week 26-30 October: 17.
    assert len(school_days(OCT, (), RULES.calendar)) == 22
    week = (FreeDay(start=date(2026, 10, 26), end=date(2026, 10, 30)),)
    inputs = SchoolMealInputs(
        settings=attrs.evolve(SETTINGS, free_days=week), signups=signups("lunch")
    )
    assert compute(OCT, PUPIL, inputs, RULES).total == Decimal("51.00")
    # 1 November 2027 (Monday) is a public holiday, 2 November a working day.
    nov = school_days(Month(2027, 11), (), RULES.calendar)
    assert date(2027, 11, 1) not in nov
    assert date(2027, 11, 2) in nov


def test_a_price_change_mid_month_gives_two_lines_and_enrollment_days_count() -> None:
    prices = (
        *SETTINGS.prices,
        MealPrice(meal="lunch", valid_from=date(2026, 10, 15), price=Decimal("3.30")),
    )
    inputs = SchoolMealInputs(
        settings=attrs.evolve(SETTINGS, prices=prices), signups=signups("lunch")
    )
    # 1-14 October: 10 school days at 3.00; 15-28 October: 10 at 3.30.
    assert lines(compute(OCT, PUPIL, inputs, RULES)) == [
        ("parents", "meal", "lunch", "3.00 × 10", Decimal("30.00")),
        ("parents", "meal", "lunch", "3.30 × 10", Decimal("33.00")),
    ]
    left = attrs.evolve(PUPIL, exit_date=date(2026, 10, 9))  # both days inclusive: 7 days
    assert compute(OCT, left, inputs, RULES).total == Decimal("21.00")


def test_a_meal_without_a_price_is_a_clear_error() -> None:
    inputs = SchoolMealInputs(settings=attrs.evolve(SETTINGS, prices=()), signups=signups("lunch"))
    with pytest.raises(FeeRuleError) as info:
        compute(OCT, PUPIL, inputs, RULES)
    assert info.value.code == "fees.school.no_price"
    assert info.value.where == "SchoolMealSettings.prices"


def test_the_subsidy_split_sums_exactly_when_half_a_price_has_half_a_cent() -> None:
    prices = (MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.25")),)
    inputs = SchoolMealInputs(
        settings=attrs.evolve(SETTINGS, prices=prices), signups=signups("lunch"), income=income(5)
    )
    s = compute(Month(2026, 10), PUPIL, attrs.evolve(inputs), RULES)
    # 20 × 3.25 = 65.00: exact halves.  Three days: 9.75 -> parents 4.88, state 4.87.
    left = attrs.evolve(PUPIL, exit_date=date(2026, 10, 5))  # Thu 1, Fri 2, Mon 5
    three = compute(OCT, left, inputs, RULES)
    assert [x.amount for x in three.lines] == [Decimal("4.88"), Decimal("4.87")]
    assert three.total == Decimal("9.75")
    assert s.total == Decimal("65.00")


# -- properties --------------------------------------------------------------------------------

_days = st.dates(min_value=date(2026, 9, 1), max_value=date(2026, 11, 30))
_meal = st.sampled_from([None, *MealKind])


@st.composite
def _inputs(draw: st.DrawFn) -> SchoolMealInputs:
    meals = draw(st.sets(st.sampled_from(list(MealKind)), min_size=1))
    price = st.decimals(min_value=Decimal("0.50"), max_value=Decimal("5.00"), places=2)
    prices = tuple(
        MealPrice(meal=m, valid_from=date(2026, 9, 1), price=draw(price))
        for m in MealKind
        if m is not MealKind.MALICA or draw(st.booleans())
    )
    cancellations = []
    for i in range(draw(st.integers(0, 4))):
        start = draw(_days)
        end = start + timedelta(days=draw(st.integers(0, 6)))
        made = datetime.combine(start, time(draw(st.integers(6, 11)), draw(st.integers(0, 59))))
        made -= timedelta(days=draw(st.integers(0, 2)))
        cancellations.append(cancel(f"c{i}", start, end, made, draw(_meal), draw(st.booleans())))
    return SchoolMealInputs(
        settings=attrs.evolve(
            SETTINGS, prices=prices, deadlines=(draw(st.sampled_from([SAME_DAY, PREVIOUS])),)
        ),
        signups=signups(*meals),
        cancellations=tuple(cancellations),
        income=income(draw(st.one_of(st.none(), st.integers(1, 9))), draw(st.booleans())),
    )


@settings(max_examples=150, deadline=None)
@given(inputs=_inputs())
def test_parts_sum_to_the_total_and_no_payer_is_negative(inputs: SchoolMealInputs) -> None:
    s = compute(OCT, PUPIL, inputs, RULES)
    assert sum(s.totals().values()) == s.total
    assert all(amount >= 0 for amount in s.totals().values())
    assert all(x.amount >= 0 for x in s.lines)
    assert abs(sum(x.unrounded for x in s.lines) - s.total) < Decimal("0.01") * len(s.lines)


@settings(max_examples=150, deadline=None)
@given(inputs=_inputs(), cut=st.integers(1, 30))
def test_a_month_split_into_two_periods_costs_the_whole_month(
    inputs: SchoolMealInputs, cut: int
) -> None:
    # The pupil leaves on the cut day and comes back the next day (as a second record):
    # the two periods cost the whole month within a cent (exactly, here: prices in cents).
    whole = compute(OCT, PUPIL, inputs, RULES)
    first = compute(OCT, attrs.evolve(PUPIL, exit_date=date(2026, 10, cut)), inputs, RULES)
    second = compute(
        OCT, attrs.evolve(PUPIL, enrollment_date=date(2026, 10, cut + 1)), inputs, RULES
    )
    for kind in PayerKind:
        parts = first.totals()[kind] + second.totals()[kind]
        assert abs(parts - whole.totals()[kind]) <= Decimal("0.01")
    assert abs(first.total + second.total - whole.total) <= Decimal("0.01")
