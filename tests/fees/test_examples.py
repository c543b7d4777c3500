"""Hand-derived examples, one per rule; each shows its arithmetic in a comment.

Calendar facts used (Slovenian working days, checked in test_calendar_facts):
September 2026 has 22 working days (1-4, 7-11, 14-18, 21-25, 28-30);
July 2026 has 23; October 2010 has 21; October 2007 and October 2015 have 22;
October 2022 has 20; March 2022 has 23.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from szo_core.calendar import Month, WorkingCalendar
from szo_core.fees import (
    DiscountKind,
    ExitRule,
    ExtraDiscount,
    FeeRules,
    FeeStatement,
    FoodDeductionMode,
    FoodDeductionRule,
    LengthUnit,
    LineKind,
    MunicipalRules,
    PayerKind,
    ProrationBasis,
    RateStep,
    ReservationBasis,
    ReservationScheme,
    RoundingPoint,
    SiblingInfo,
    compute,
)
from szo_core.model import GroupAssignment, Program, ProgramPrice, ReservationKind

SEP = Month(2026, 9)
JUL = Month(2026, 7)
P = PayerKind.PARENTS
S = PayerKind.STATE
M = PayerKind.MUNICIPALITY
OTHER = PayerKind.OTHER_MUNICIPALITY


def rules(*municipal: MunicipalRules, **options: object) -> FeeRules:
    return FeeRules(host_municipality=61, municipalities=municipal, **options)  # type: ignore[arg-type]


def totals(statement: FeeStatement) -> tuple[str, str, str, str]:
    t = statement.totals()
    return (str(statement.total), str(t[P]), str(t[S]), str(t[M] + t[OTHER]))


def test_calendar_facts() -> None:
    cal = WorkingCalendar()
    assert [cal.working_days_in(m) for m in (SEP, JUL, Month(2022, 3))] == [22, 23, 23]
    assert [cal.working_days_in(Month(y, 10)) for y in (2007, 2010, 2015, 2022)] == [22, 21, 22, 20]


# -- proration ------------------------------------------------------------------------


def test_full_month(build) -> None:
    # 0.53 × 500.00 = 265.00 parents; 500.00 − 265.00 = 235.00 municipality
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53")), rules())
    assert totals(s) == ("500.00", "265.00", "0.00", "235.00")
    assert (s.days_enrolled, s.days_in_month) == (22, 22)


def test_mid_month_enrollment(build) -> None:
    # enrolled 14. 9.: 13 of 22 working days; 500 × 13/22 = 295.4545… -> 295.45
    # parents 0.35 × 295.4545… = 103.4090… -> 103.41; municipality 295.45 − 103.41 = 192.04
    s = compute(SEP, build.child(date(2026, 9, 14)), build.inputs(build.decision("0.35")), rules())
    assert totals(s) == ("295.45", "103.41", "0.00", "192.04")
    assert s.days_enrolled == 13


def test_exit_exact_day(build) -> None:
    # exit 9. 9. (inclusive): 1-4, 7-9 = 7 days; 500 × 7/22 = 159.0909… -> 159.09
    # parents 0.53 × 159.0909… = 84.318… -> 84.32; municipality 159.09 − 84.32 = 74.77
    child = build.child(exit_date=date(2026, 9, 9))
    s = compute(SEP, child, build.inputs(build.decision("0.53")), rules())
    assert totals(s) == ("159.09", "84.32", "0.00", "74.77")


def test_exit_end_of_month(build) -> None:
    # the exit takes effect at the end of September: the whole month, 265.00 + 235.00
    child = build.child(exit_date=date(2026, 9, 9))
    s = compute(
        SEP, child, build.inputs(build.decision("0.53")), rules(exit_rule=ExitRule.END_OF_MONTH)
    )
    assert totals(s) == ("500.00", "265.00", "0.00", "235.00")


def test_exit_notice_by_20th(build) -> None:
    # notice 21. 9. (after the 20th) for an exit on 30. 9.: billed through October too
    r = rules(exit_rule=ExitRule.NOTICE_BY_DAY)
    child = build.child(exit_date=date(2026, 9, 30))
    late = build.inputs(build.decision("0.53"), exit_notice_on=date(2026, 9, 21))
    assert totals(compute(Month(2026, 10), child, late, r))[0] == "500.00"
    # notice on the 20th: billing ends with September, October is empty
    timely = build.inputs(build.decision("0.53"), exit_notice_on=date(2026, 9, 20))
    october = compute(Month(2026, 10), child, timely, r)
    assert october.lines == ()
    assert october.total == Decimal("0.00")


def test_daily_rate_rounding_point(build) -> None:
    # March 2022, 23 working days, enrolled from 2. 3.: 22 days (SAOP strike example)
    # month total: 485 × 22/23 = 463.913… -> 463.91; daily rate: 485/23 = 21.09 × 22 = 463.98
    program = build.program("485.00")
    child = build.child(date(2022, 3, 2))
    inputs = build.inputs(build.decision("0.00"), program=program)
    assert compute(Month(2022, 3), child, inputs, rules()).total == Decimal("463.91")
    daily = rules(rounding_point=RoundingPoint.DAILY_RATE)
    assert compute(Month(2022, 3), child, inputs, daily).total == Decimal("463.98")
    # a whole month is the whole price in both modes
    full = build.child(date(2022, 1, 1))
    assert compute(Month(2022, 3), full, inputs, daily).total == Decimal("485.00")


def test_calendar_days_and_whole_month(build) -> None:
    # calendar days: 14.-30. 9. = 17 of 30; 500 × 17/30 = 283.333… -> 283.33
    child = build.child(date(2026, 9, 14))
    inputs = build.inputs(build.decision("0.53"))
    cal = rules(proration_basis=ProrationBasis.CALENDAR_DAYS)
    assert compute(SEP, child, inputs, cal).total == Decimal("283.33")
    whole = rules(proration_basis=ProrationBasis.WHOLE_MONTH)
    assert compute(SEP, child, inputs, whole).total == Decimal("500.00")


def test_closure_days_stay_in_the_month(build) -> None:
    # closed on 7. 9. (the calendar's closure: not billed), enrolled 14. 9.: 13 of 22 days,
    # the closure before the enrollment changes nothing: 500 × 13/22 = 295.4545… -> 295.45
    # (it used to shrink the month to 21 days: 500 × 13/21 = 309.52)
    r = rules(calendar=WorkingCalendar(closures=[date(2026, 9, 7)]))
    s = compute(SEP, build.child(date(2026, 9, 14)), build.inputs(build.decision("0.53")), r)
    assert (s.total, s.days_in_month) == (Decimal("295.45"), 22)
    # a whole month: 21 of 22 days billed, 500 × 21/22 = 477.2727… -> 477.27
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53")), r)
    assert (s.total, s.days_enrolled, s.days_in_month) == (Decimal("477.27"), 21, 22)


def test_half_up_rounding(build) -> None:
    # Vrtec Ig: 499.85 × 10 % = 49.985 -> 49.99 (half-even would give 49.98)
    inputs = build.inputs(build.decision("0.10"), program=build.program("499.85"))
    assert totals(compute(SEP, build.child(), inputs, rules())) == (
        "499.85",
        "49.99",
        "0.00",
        "449.86",
    )


def test_program_and_price_change_mid_month(build) -> None:
    # group moves to program II (400.00) on 16. 9.: 11/22 × 500 + 11/22 × 400 = 250 + 200 = 450
    # parents 0.53 × 450 = 238.50; municipality 211.50
    one = build.program("500.00", code="I")
    two = build.program("400.00", code="II")
    child = build.child()
    child = type(child)(
        organisation_id=child.organisation_id,
        code=101,
        municipality_code=61,
        enrollment_date=date(2000, 1, 1),
        groups=(
            GroupAssignment(valid_from=date(2000, 1, 1), group_code="A", program_code="I"),
            GroupAssignment(valid_from=date(2026, 9, 16), group_code="B", program_code="II"),
        ),
    )
    inputs = build.inputs(build.decision("0.53"), program=one)
    inputs = type(inputs)(programs=(one, two), decisions=inputs.decisions)
    assert totals(compute(SEP, child, inputs, rules())) == ("450.00", "238.50", "0.00", "211.50")
    # a new price from 16. 9.: 250 + 550 × 11/22 = 250 + 275 = 525
    dated = Program(
        organisation_id="o",
        code="I",
        prices=(
            ProgramPrice(
                valid_from=date(2000, 1, 1), monthly=Decimal("500.00"), food_per_day=Decimal("2.50")
            ),
            ProgramPrice(
                valid_from=date(2026, 9, 16),
                monthly=Decimal("550.00"),
                food_per_day=Decimal("2.50"),
            ),
        ),
    )
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53"), program=dated), rules())
    assert s.total == Decimal("525.00")


# -- parents' share -------------------------------------------------------------------


def test_no_decision_is_top_class(build) -> None:
    # 0.77 × 500 = 385.00; municipality 115.00
    assert totals(compute(SEP, build.child(), build.inputs(), rules())) == (
        "500.00",
        "385.00",
        "0.00",
        "115.00",
    )


def test_non_taxpayer_pays_full_price(build) -> None:
    # 1.00 × 500 = 500.00, the municipality nothing, even with a decision
    s = compute(SEP, build.child(), build.inputs(build.decision("0.35"), taxpayer=False), rules())
    assert totals(s) == ("500.00", "500.00", "0.00", "0.00")


def test_decision_changes_mid_month(build) -> None:
    # 1.-15. 9. = 11 days at 0.53, 16.-30. 9. = 11 days at 0.35
    # parents 0.53 × 500 × 11/22 + 0.35 × 500 × 11/22 = 132.50 + 87.50 = 220.00
    first = build.decision("0.53", valid_to=date(2026, 9, 15), id="d-1")
    second = build.decision("0.35", valid_from=date(2026, 9, 16), id="d-2")
    s = compute(SEP, build.child(), build.inputs(first, second), rules())
    assert totals(s) == ("500.00", "220.00", "0.00", "280.00")
    shares = [(x.decision_id, x.amount) for x in s.lines if x.payer is P]
    assert shares == [("d-1", Decimal("132.50")), ("d-2", Decimal("87.50"))]


def test_superseded_decision_is_ignored(build) -> None:
    # d-2 supersedes d-1 for the same dates: 0.20 × 500 = 100.00
    old = build.decision("0.53", id="d-1")
    new = build.decision("0.20", id="d-2", supersedes="d-1")
    assert totals(compute(SEP, build.child(), build.inputs(old, new), rules()))[1] == "100.00"


# -- siblings (three eras) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "siblings", "state"),
    [
        # before 1. 9. 2008: no state co-financing -> 0
        (Month(2007, 10), SiblingInfo(enrolled_order=2), "0.00"),
        # ZVrt-C 2008: every younger enrolled child free -> 0.53 × 500 = 265.00
        (Month(2010, 10), SiblingInfo(enrolled_order=2), "265.00"),
        # last month of the 2008 rule and first of ZUJF (1. 6. 2012)
        (Month(2012, 5), SiblingInfo(enrolled_order=2), "265.00"),
        # ZUJF 2012: 2nd child pays 30 % -> state 0.7 × 265.00 = 185.50
        (Month(2012, 6), SiblingInfo(enrolled_order=2), "185.50"),
        (Month(2015, 10), SiblingInfo(enrolled_order=2), "185.50"),
        # ZUJF: 3rd enrolled child free -> 265.00
        (Month(2015, 10), SiblingInfo(enrolled_order=3), "265.00"),
        # ZUJF counts only enrolled children: the 3rd of the family alone pays -> 0
        (Month(2015, 10), SiblingInfo(enrolled_order=1, family_order=3), "0.00"),
        # ZVrt-G 2021: the younger of two enrolled is free -> 265.00
        (Month(2022, 10), SiblingInfo(enrolled_order=2), "265.00"),
        # ZVrt-G: 3rd child of the family free even alone -> 265.00
        (Month(2022, 10), SiblingInfo(enrolled_order=1, family_order=3), "265.00"),
        (Month(2022, 10), SiblingInfo(enrolled_order=1, family_order=2), "0.00"),
    ],
)
def test_sibling_scale(build, month: Month, siblings: SiblingInfo, state: str) -> None:
    s = compute(
        month, build.child(), build.inputs(build.decision("0.53"), siblings=siblings), rules()
    )
    t = s.totals()
    assert str(t[S]) == state
    # parents pay the rest of 265.00; the municipality 235.00 either way
    assert t[P] + t[S] == Decimal("265.00")
    assert t[M] == Decimal("235.00")


def test_decision_sibling_flag_takes_precedence(build) -> None:
    # the decision says 2nd child in 2015 although the siblings info says 1: 0.7 × 265 = 185.50
    d = build.decision("0.53", sibling_order=2)
    assert compute(Month(2015, 10), build.child(), build.inputs(d), rules()).totals()[S] == (
        Decimal("185.50")
    )
    # state_financed on the decision (2022, siblings info says only child): 265.00
    d = build.decision("0.53", state_financed=True)
    s = compute(Month(2022, 10), build.child(), build.inputs(d), rules())
    assert s.totals()[S] == Decimal("265.00")
    assert {x.rule for x in s.lines if x.kind is LineKind.SIBLING} == {"zvrt-g-2021"}


def test_sibling_share_needs_a_decision_by_default(build) -> None:
    # no decision, 2nd enrolled child in 2022: parents 0.77 × 500 = 385.00, state 0
    inputs = build.inputs(siblings=SiblingInfo(enrolled_order=2))
    assert compute(Month(2022, 10), build.child(), inputs, rules()).totals()[S] == Decimal("0.00")
    # configured otherwise: the state pays the whole 385.00
    r = rules(sibling_needs_decision=False)
    assert compute(Month(2022, 10), build.child(), inputs, r).totals()[S] == Decimal("385.00")


# -- regresor --------------------------------------------------------------------------


def test_child_from_another_municipality(build) -> None:
    # lives in 85 (Novo mesto), kindergarten in 61: 235.00 billed to SI-085
    s = compute(SEP, build.child(municipality=85), build.inputs(build.decision("0.53")), rules())
    assert s.payer_totals()[(OTHER, "SI-085")] == Decimal("235.00")
    assert s.totals()[M] == Decimal("0.00")


def test_other_municipality_rules_apply(build) -> None:
    fixed = ExtraDiscount(kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("20.00"))
    host_only = MunicipalRules(municipality=61, discounts=(fixed,))
    # a child of 85 without rules of its own: the host's residents-only discount does not apply
    s = compute(
        SEP, build.child(municipality=85), build.inputs(build.decision("0.53")), rules(host_only)
    )
    assert totals(s) == ("500.00", "265.00", "0.00", "235.00")
    # 85's own discount applies to its own resident: 265.00 − 20.00 = 245.00; 85 pays 255.00
    s = compute(
        SEP,
        build.child(municipality=85),
        build.inputs(build.decision("0.53")),
        rules(host_only, MunicipalRules(municipality=85, discounts=(fixed,))),
    )
    assert totals(s) == ("500.00", "245.00", "0.00", "255.00")


# -- extra municipal discounts (Art. 28b) ----------------------------------------------


@pytest.mark.parametrize(
    ("discount", "parents"),
    [
        # lower base 400.00: 0.53 × 400 = 212.00 (discount 0.53 × 100 = 53.00)
        (
            ExtraDiscount(
                kind=DiscountKind.LOWER_PRICE_BASE, price_bases=(("I", Decimal("400.00")),)
            ),
            "212.00",
        ),
        # 17 % off class 0.53: 265.00 − 0.17 × 265.00 = 265.00 − 45.05 = 219.95
        (
            ExtraDiscount(
                kind=DiscountKind.PERCENT_BY_CLASS, percent_by_coefficient={"0.53": Decimal("0.17")}
            ),
            "219.95",
        ),
        # one class lower: 0.43 × 500 = 215.00
        (ExtraDiscount(kind=DiscountKind.CLASS_LOWER), "215.00"),
        # fixed 30.00: 265.00 − 30.00 = 235.00
        (ExtraDiscount(kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("30.00")), "235.00"),
        # a fixed amount above the parents' share is capped: 265.00 − 265.00 = 0.00
        (ExtraDiscount(kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("300.00")), "0.00"),
    ],
)
def test_extra_discounts(build, discount: ExtraDiscount, parents: str) -> None:
    r = rules(MunicipalRules(municipality=61, discounts=(discount,)))
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53")), r)
    assert str(s.totals()[P]) == parents
    assert s.totals()[M] == Decimal("500.00") - Decimal(parents)


def test_fixed_discount_is_prorated(build) -> None:
    # 13/22 days: parents 0.53 × 500 × 13/22 = 156.5909…, discount 30 × 13/22 = 17.7272…
    # 156.5909… − 17.7272… = 138.8636… -> 138.86; total 295.45, municipality 156.59
    r = rules(
        MunicipalRules(
            municipality=61,
            discounts=(ExtraDiscount(kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("30.00")),),
        )
    )
    s = compute(SEP, build.child(date(2026, 9, 14)), build.inputs(build.decision("0.53")), r)
    assert totals(s) == ("295.45", "138.86", "0.00", "156.59")


def test_first_child_only_discount(build) -> None:
    # 2nd child in 2015 (state pays 0.7): no discount; parents 0.3 × 265 = 79.50
    r = rules(
        MunicipalRules(
            municipality=61,
            discounts=(ExtraDiscount(kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("30.00")),),
        )
    )
    inputs = build.inputs(build.decision("0.53"), siblings=SiblingInfo(enrolled_order=2))
    assert compute(Month(2015, 10), build.child(), inputs, r).totals()[P] == Decimal("79.50")
    # the same discount for every child: 79.50 − 30.00 = 49.50
    r = rules(
        MunicipalRules(
            municipality=61,
            discounts=(
                ExtraDiscount(
                    kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("30.00"), first_child_only=False
                ),
            ),
        )
    )
    assert compute(Month(2015, 10), build.child(), inputs, r).totals()[P] == Decimal("49.50")


# -- reservations ----------------------------------------------------------------------

SUMMER = ReservationScheme(
    kinds=(ReservationKind.SUMMER,),
    rate=Decimal("0.30"),
    window=((6, 1), (9, 30)),
    source="Sklep o cenah, čl. 5",
)


def _res_rules(scheme: ReservationScheme = SUMMER, **options: object) -> FeeRules:
    return rules(MunicipalRules(municipality=61, reservations=(scheme,)), **options)


def test_summer_reservation_whole_month(build) -> None:
    # July 2026, 23 days reserved; parents 0.30 × 0.53 × (500 − 23 × 2.50)
    # = 0.159 × 442.50 = 70.3575 -> 70.36; total 500 − 57.50 = 442.50; municipality 372.14
    res = build.reservation(date(2026, 7, 1), date(2026, 7, 31))
    s = compute(
        JUL, build.child(), build.inputs(build.decision("0.53"), reservations=(res,)), _res_rules()
    )
    assert totals(s) == ("442.50", "70.36", "0.00", "372.14")
    assert {x.reservation_id for x in s.lines if x.kind is LineKind.RESERVATION} == {"r-1"}


def test_reservation_percentage_before_food(build) -> None:
    # MOL: 30 % of the decision amount without deductions: 0.159 × 500 = 79.50
    # total still 442.50 (food of reserved days deducted); municipality 363.00
    scheme = ReservationScheme(
        kinds=(ReservationKind.SUMMER,), rate=Decimal("0.30"), after_food=False
    )
    res = build.reservation(date(2026, 7, 1), date(2026, 7, 31))
    s = compute(
        JUL,
        build.child(),
        build.inputs(build.decision("0.53"), reservations=(res,)),
        _res_rules(scheme),
    )
    assert totals(s) == ("442.50", "79.50", "0.00", "363.00")


def test_reservation_part_of_month(build) -> None:
    # reserved 13.-31. 7. = 15 days, normal 1.-10. 7. = 8 days
    # parents 0.53 × 500 × 8/23 = 92.1739… + 0.159 × (500 × 15/23 − 15 × 2.50)
    #       = 92.1739… + 0.159 × 288.5869… = 92.1739… + 45.8853… = 138.0592… -> 138.06
    # total 500 − 37.50 = 462.50; municipality 324.44
    res = build.reservation(date(2026, 7, 13), date(2026, 7, 31))
    s = compute(
        JUL, build.child(), build.inputs(build.decision("0.53"), reservations=(res,)), _res_rules()
    )
    assert totals(s) == ("462.50", "138.06", "0.00", "324.44")


def test_flat_reservation_per_day(build) -> None:
    # Velike Lašče: 2.60 € a reserved working day; 15 days = 39.00
    # parents 92.1739… + 39.00 = 131.1739… -> 131.17; total 462.50; municipality 331.33
    scheme = ReservationScheme(
        basis=ReservationBasis.FLAT_PER_DAY, rate=Decimal("2.60"), min_length=10, yearly_cap=22
    )
    res = build.reservation(date(2026, 7, 13), date(2026, 7, 31))
    s = compute(
        JUL,
        build.child(),
        build.inputs(build.decision("0.53"), reservations=(res,)),
        _res_rules(scheme),
    )
    assert totals(s) == ("462.50", "131.17", "0.00", "331.33")


def test_too_short_reservation_counts_as_absence(build) -> None:
    # 29.-31. 7. = 3 days < 10: not a reservation, but 3 days of food deducted
    # total 500 − 7.50 = 492.50; parents 0.53 × 492.50 = 261.025 -> 261.03; municipality 231.47
    scheme = ReservationScheme(rate=Decimal("0.30"), min_length=10)
    res = build.reservation(date(2026, 7, 29), date(2026, 7, 31))
    s = compute(
        JUL,
        build.child(),
        build.inputs(build.decision("0.53"), reservations=(res,)),
        _res_rules(scheme),
    )
    assert totals(s) == ("492.50", "261.03", "0.00", "231.47")
    assert not [x for x in s.lines if x.kind is LineKind.RESERVATION]


@pytest.mark.parametrize(
    ("scheme", "announced"),
    [
        # outside the window 15. 7. - 31. 8.
        (ReservationScheme(rate=Decimal("0.30"), window=((7, 15), (8, 31))), None),
        # announced 28. 6., 3 days before; 7 days' notice required
        (ReservationScheme(rate=Decimal("0.30"), notice_days=7), date(2026, 6, 28)),
    ],
)
def test_reservation_not_fitting_the_scheme(build, scheme, announced) -> None:
    # not charged; 23 days of food deducted: total 442.50;
    # parents 0.53 × 442.50 = 234.525 -> 234.53; municipality 207.97
    res = build.reservation(date(2026, 7, 1), date(2026, 7, 31), announced_on=announced)
    s = compute(
        JUL,
        build.child(),
        build.inputs(build.decision("0.53"), reservations=(res,)),
        _res_rules(scheme),
    )
    assert totals(s) == ("442.50", "234.53", "0.00", "207.97")


def test_reservation_with_enough_notice(build) -> None:
    # announced 20. 6., 11 days before 1. 7.: charged as in test_summer_reservation_whole_month
    scheme = ReservationScheme(rate=Decimal("0.30"), notice_days=7)
    res = build.reservation(date(2026, 7, 1), date(2026, 7, 31), announced_on=date(2026, 6, 20))
    s = compute(
        JUL,
        build.child(),
        build.inputs(build.decision("0.53"), reservations=(res,)),
        _res_rules(scheme),
    )
    assert totals(s)[1] == "70.36"


def test_yearly_cap_counts_earlier_reservations(build) -> None:
    # cap 10 working days; June 22.-26. used 4 (25. 6. is a holiday), July gets 6 (1.-3., 6.-8.)
    # July: normal 17 days, all absent: 0.53 × (500 × 17/23 − 17 × 2.50) = 0.53 × 327.0652…
    #   = 173.3445…; reserved 6: 0.159 × (500 × 6/23 − 6 × 2.50) = 0.159 × 115.4347… = 18.3541…
    # parents 191.6986… -> 191.70; total 500 − 57.50 = 442.50; municipality 250.80
    scheme = ReservationScheme(rate=Decimal("0.30"), yearly_cap=10)
    june = build.reservation(date(2026, 6, 22), date(2026, 6, 26), id="r-0")
    july = build.reservation(date(2026, 7, 1), date(2026, 7, 31))
    inputs = build.inputs(build.decision("0.53"), reservations=(july, june))
    s = compute(JUL, build.child(), inputs, _res_rules(scheme))
    assert totals(s) == ("442.50", "191.70", "0.00", "250.80")
    assert [x.days for x in s.lines if x.kind is LineKind.RESERVATION and x.payer is P] == [6]


def test_reservation_not_for_state_financed_sibling(build) -> None:
    # MOL/Šentjernej: no reservation for a child the state co-finances (2nd child, 2026 = free)
    # its 23 days still count as announced absence: total 442.50, state 0.53 × 442.50 = 234.53
    scheme = ReservationScheme(rate=Decimal("0.30"), exclude_state_financed=True)
    res = build.reservation(date(2026, 7, 1), date(2026, 7, 31))
    inputs = build.inputs(
        build.decision("0.53"), reservations=(res,), siblings=SiblingInfo(enrolled_order=2)
    )
    s = compute(JUL, build.child(), inputs, _res_rules(scheme))
    assert totals(s) == ("442.50", "0.00", "234.53", "207.97")


def test_reservation_for_residents_only(build) -> None:
    # a child from 85 under the host's rules: not a reservation, food deducted (as above)
    res = build.reservation(date(2026, 7, 1), date(2026, 7, 31))
    s = compute(
        JUL,
        build.child(municipality=85),
        build.inputs(build.decision("0.53"), reservations=(res,)),
        _res_rules(),
    )
    assert totals(s) == ("442.50", "234.53", "0.00", "207.97")


def test_sick_reservation_graded_by_calendar_days(build) -> None:
    # Maribor: sick ≥ 30 calendar days; 30 % the first 30 days, then free
    # 1. 7. - 15. 8.: in July days 1-30 (22 working days) at 30 %, 31. 7. (day 31) at 0
    # parents 0.159 × (500 × 22/23 − 22 × 2.50) = 0.159 × 423.2608… = 67.2984… -> 67.30
    # total 500 − 23 × 2.50 = 442.50; municipality 375.20
    scheme = ReservationScheme(
        kinds=(ReservationKind.SICK,),
        rate=Decimal("0.30"),
        unit=LengthUnit.CALENDAR_DAYS,
        min_length=30,
        rate_steps=(RateStep(31, Decimal("0")),),
    )
    res = build.reservation(date(2026, 7, 1), date(2026, 8, 15), kind=ReservationKind.SICK)
    s = compute(
        JUL,
        build.child(),
        build.inputs(build.decision("0.53"), reservations=(res,)),
        _res_rules(scheme),
    )
    assert totals(s) == ("442.50", "67.30", "0.00", "375.20")
    # a summer reservation is not taken by a sick-only scheme: absence only (see above)
    summer = build.reservation(date(2026, 7, 1), date(2026, 8, 15))
    s = compute(
        JUL,
        build.child(),
        build.inputs(build.decision("0.53"), reservations=(summer,)),
        _res_rules(scheme),
    )
    assert totals(s) == ("442.50", "234.53", "0.00", "207.97")


# -- food deduction --------------------------------------------------------------------

ABSENT_FROM, ABSENT_TO = date(2026, 9, 7), date(2026, 9, 9)  # Monday-Wednesday, 3 days


def test_food_deduction_proportional(build) -> None:
    # 3 announced days × 2.50 = 7.50; total 492.50
    # parents 0.53 × 492.50 = 261.025 -> 261.03 (food back 0.53 × 7.50 = 3.975)
    # municipality 492.50 − 261.03 = 231.47 (food back 0.47 × 7.50 = 3.525)
    a = build.absence(ABSENT_FROM, ABSENT_TO, datetime(2026, 9, 7, 7, 30))
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53"), absences=(a,)), rules())
    assert totals(s) == ("492.50", "261.03", "0.00", "231.47")
    food = [(x.payer, x.unrounded) for x in s.lines if x.kind is LineKind.FOOD]
    assert food == [(P, Decimal("-3.9750")), (M, Decimal("-3.5250"))]


def test_late_notice_counts_from_next_day(build) -> None:
    # announced 7. 9. at 9:00, after 8:00: 8. and 9. 9. only: 2 × 2.50 = 5.00
    # total 495.00; parents 0.53 × 495 = 262.35; municipality 232.65
    a = build.absence(ABSENT_FROM, ABSENT_TO, datetime(2026, 9, 7, 9, 0))
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53"), absences=(a,)), rules())
    assert totals(s) == ("495.00", "262.35", "0.00", "232.65")


def test_unannounced_absence_keeps_the_price(build) -> None:
    a = build.absence(ABSENT_FROM, ABSENT_TO, None)
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53"), absences=(a,)), rules())
    assert totals(s) == ("500.00", "265.00", "0.00", "235.00")
    # a municipality that deducts without notice: 3 days, as in the proportional example
    r = rules(MunicipalRules(municipality=61, food=FoodDeductionRule(requires_notice=False)))
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53"), absences=(a,)), r)
    assert totals(s) == ("492.50", "261.03", "0.00", "231.47")


def test_food_from_second_day(build) -> None:
    # Pivka: from the 2nd day of absence: 8. and 9. 9.: 5.00; as the late-notice example
    r = rules(MunicipalRules(municipality=61, food=FoodDeductionRule(from_absence_day=2)))
    a = build.absence(ABSENT_FROM, ABSENT_TO, datetime(2026, 9, 4, 12, 0))
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53"), absences=(a,)), r)
    assert totals(s) == ("495.00", "262.35", "0.00", "232.65")


def test_absence_days_count_across_months(build) -> None:
    # absence Fri 28. 8. - Wed 2. 9.: day 1 = 28. 8., 2 = 31. 8., 3 = 1. 9., 4 = 2. 9.
    # from the 4th day: only 2. 9. in September: 2.50; total 497.50
    # parents 0.53 × 497.50 = 263.675 -> 263.68; municipality 233.82
    r = rules(MunicipalRules(municipality=61, food=FoodDeductionRule(from_absence_day=4)))
    a = build.absence(date(2026, 8, 28), date(2026, 9, 2), datetime(2026, 8, 27, 12, 0))
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53"), absences=(a,)), r)
    assert totals(s) == ("497.50", "263.68", "0.00", "233.82")


def test_food_parents_first(build) -> None:
    # the parents get the whole 7.50 back: 265.00 − 7.50 = 257.50; municipality 235.00
    r = rules(
        MunicipalRules(
            municipality=61, food=FoodDeductionRule(mode=FoodDeductionMode.PARENTS_FIRST)
        )
    )
    a = build.absence(ABSENT_FROM, ABSENT_TO, datetime(2026, 9, 7, 7, 30))
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53"), absences=(a,)), r)
    assert totals(s) == ("492.50", "257.50", "0.00", "235.00")


def test_food_deduction_with_state_share(build) -> None:
    # 2015, 2nd child: price lowered to 492.50 for every payer (Pravilnik 2008: the state's
    # share is on the lowered price). state 0.7 × 0.53 × 492.50 = 182.7175 -> 182.72;
    # parents 0.3 × 0.53 × 492.50 = 78.3075 -> 78.31; municipality 492.50 − 261.03 = 231.47
    a = build.absence(date(2015, 10, 5), date(2015, 10, 7), datetime(2015, 10, 5, 7, 0))
    inputs = build.inputs(
        build.decision("0.53"), absences=(a,), siblings=SiblingInfo(enrolled_order=2)
    )
    s = compute(Month(2015, 10), build.child(), inputs, rules())
    assert totals(s) == ("492.50", "78.31", "182.72", "231.47")


# -- the statement explains itself -----------------------------------------------------


def test_explain_html_and_records(build) -> None:
    r = rules(
        MunicipalRules(
            municipality=61,
            discounts=(
                ExtraDiscount(
                    kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("10.00"), source="Sklep <b>&</b>"
                ),
            ),
        )
    )
    s = compute(SEP, build.child(), build.inputs(build.decision("0.53")), r)
    text = s.explain()
    assert "0.53 × 500.00 × 22/22" in text
    assert "ZUPJS Art. 24" in text
    assert "[d-1]" in text
    page = s._repr_html_()
    assert "Sklep &lt;b&gt;&amp;&lt;/b&gt;" in page
    assert "<b>&</b>" not in page
    # a kindergarten's totals: its four payers, none of a care home's
    totals = [
        row.split("</th>")[0] for row in page.split("<th colspan='7' style='text-align:right'>")[1:]
    ]
    assert totals == ["parents", "state", "municipality", "other_municipality"]
    assert text.splitlines()[-1].startswith("Totals: parents ")
    records = s.to_records()
    assert len(records) == len(s.lines)
    assert {"month", "child_code", "payer", "unrounded", "amount", "source"} <= set(records[0])
    assert sum(rec["amount"] for rec in records) == s.total  # type: ignore[misc]


def test_food_deduction_never_exceeds_the_price_of_the_days(build) -> None:
    # A (mis)configured price of 50.00 with food at 30.00 a day: 3 announced days
    # would deduct 3 × 30.00 = 90.00 > 50.00, and the parents would get money back
    # for a month their child attended.  The deduction is capped per day at the
    # daily price 50/22 = 2.2727…: 3 × 2.2727… = 6.8181…; total 43.1818… -> 43.18;
    # parents 0.53 × 43.1818… = 22.8863… -> 22.89; municipality 20.29.
    # (Found by the "parts sum exactly" property: parents once paid −0.12; capping per
    # segment instead of per day made a split month cost 0.02 more than the whole.)
    program = build.program(monthly="50.00", food="30.00")
    a = build.absence(ABSENT_FROM, ABSENT_TO, datetime(2026, 9, 7, 7, 30))
    inputs = build.inputs(build.decision("0.53"), program=program, absences=(a,))
    s = compute(SEP, build.child(), inputs, rules())
    assert totals(s) == ("43.18", "22.89", "0.00", "20.29")
    assert s.food_deduction.quantize(Decimal("0.0001")) == Decimal("6.8182")
    food = [x for x in s.lines if x.kind is LineKind.FOOD]
    assert food
    assert all("capped at the daily price" in x.note for x in food)
