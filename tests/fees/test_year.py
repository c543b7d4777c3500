"""A billing year that survives change (issue 10): hand-derived examples, one per rule.

Each test states its arithmetic.  Calendar facts used (Slovenian working days):
September 2026 has 22 working days (1-4, 7-11, 14-18, 21-25, 28-30);
October 2026 has 22 (1-2, 5-9, 12-16, 19-23, 26-30; 31. 10. is a Saturday);
July 2026 has 23 (1-3, 6-10, 13-17, 20-24, 27-31); March 2022 has 23.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs
import pytest

from szo_core.calendar import Month, WorkingCalendar
from szo_core.errors import ConfigurationError, FeeRuleError
from szo_core.fees import (
    ClosedDay,
    Closure,
    ClosureRule,
    DiscountKind,
    ExtraDiscount,
    FeeInputs,
    FeeRules,
    FeeStatement,
    FoodDeductionMode,
    FoodDeductionRule,
    LineKind,
    MunicipalRules,
    PayerKind,
    RateStep,
    ReservationBasis,
    ReservationScheme,
    SiblingInfo,
    UnannouncedAbsenceCharge,
    compute,
)
from szo_core.model import (
    Program,
    ProgramKind,
    ProgramPrice,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
)

SEP, OCT, JUL, MAR22 = Month(2026, 9), Month(2026, 10), Month(2026, 7), Month(2022, 3)
P = PayerKind.PARENTS
S = PayerKind.STATE
M = PayerKind.MUNICIPALITY
OTHER = PayerKind.OTHER_MUNICIPALITY


def rules(*municipal: MunicipalRules, **options: object) -> FeeRules:
    return FeeRules(host_municipality=61, municipalities=municipal, **options)  # type: ignore[arg-type]


def totals(statement: FeeStatement) -> tuple[str, str, str, str]:
    t = statement.totals()
    return (str(statement.total), str(t[P]), str(t[S]), str(t[M] + t[OTHER]))


def program(code: str, monthly: str, food: str = "2.50", **fields: object) -> Program:
    return Program(
        organisation_id="vrtec-test",
        code=code,
        prices=(
            ProgramPrice(
                valid_from=date(2000, 1, 1), monthly=Decimal(monthly), food_per_day=Decimal(food)
            ),
        ),
        **fields,  # type: ignore[arg-type]
    )


# -- 1. dated facts ----------------------------------------------------------------------


def test_a_move_splits_the_month_between_municipalities(build) -> None:
    # Moves from 61 to 62 on Friday 16. 10. 2026: 1.-15. 10. = 11 of 22 days with SI-061,
    # 16.-31. 10. = 11 days with SI-062 (another municipality).  Price 485, coefficient 0.35:
    # parents 0.35 × 485 = 169.75; SI-061 0.65 × 485 × 11/22 = 157.625 -> 157.63;
    # SI-062 0.65 × 485 × 11/22 = 157.625, but the rounded total 485.00 − 169.75 − 157.63
    # leaves 157.62: its share line absorbs the cent, with a note.
    child = attrs.evolve(
        build.child(),
        residence_changes=(ResidenceChange(valid_from=date(2026, 10, 16), municipality_code=62),),
    )
    inputs = build.inputs(build.decision("0.35"), program=build.program("485.00"))
    s = compute(OCT, child, inputs, rules())
    assert s.payer_totals() == {
        (P, "101"): Decimal("169.75"),
        (M, "SI-061"): Decimal("157.63"),
        (OTHER, "SI-062"): Decimal("157.62"),
    }
    shares = [(x.payer_id, x.start.day, x.end.day, x.days) for x in s.lines if x.payer is not P]
    assert shares == [("SI-061", 1, 15, 11), ("SI-062", 16, 31, 11)]
    assert "absorbs the rounding difference -0.01" in s.lines[-1].note
    # September is billed as before the move was recorded: all to SI-061
    # (0.65 × 485 = 315.25)
    september = compute(SEP, child, inputs, rules())
    assert september.payer_totals() == compute(SEP, build.child(), inputs, rules()).payer_totals()
    assert september.payer_totals()[(M, "SI-061")] == Decimal("315.25")


def test_each_part_of_the_month_follows_its_municipality(build) -> None:
    # 61 has a 30 % summer reservation scheme; the child moves to 85 (no rules of its own:
    # the host's rules without residents-only benefits) on 16. 7. 2026 and is reserved all July.
    # 1.-15. 7. (11 days), under 61: fee 0.30 × 0.53 × (500 × 11/23 − 11 × 2.50)
    #   = 0.159 × 211.630434… = 33.649239…; SI-061 211.630434… − 33.649239… = 177.981195… -> 177.98
    # 16.-31. 7. (12 days), under 85: not a reservation, announced absence:
    #   500 × 12/23 − 12 × 2.50 = 230.869565…; parents 0.53 × that = 122.360869…
    # parents 33.649239… + 122.360869… = 156.010108… -> 156.01; total 500 − 23 × 2.50 = 442.50;
    # SI-085 442.50 − 156.01 − 177.98 = 108.51
    scheme = ReservationScheme(kinds=(ReservationKind.SUMMER,), rate=Decimal("0.30"))
    child = attrs.evolve(
        build.child(),
        residence_changes=(ResidenceChange(valid_from=date(2026, 7, 16), municipality_code=85),),
    )
    res = build.reservation(date(2026, 7, 1), date(2026, 7, 31))
    inputs = build.inputs(build.decision("0.53"), reservations=(res,))
    s = compute(JUL, child, inputs, rules(MunicipalRules(municipality=61, reservations=(scheme,))))
    assert s.payer_totals() == {
        (P, "101"): Decimal("156.01"),
        (M, "SI-061"): Decimal("177.98"),
        (OTHER, "SI-085"): Decimal("108.51"),
    }
    assert s.total == Decimal("442.50")


def test_absences_follow_the_food_rule_of_their_municipality(build) -> None:
    # moves 61 -> 85 on 16. 9. 2026; 85 deducts food without notice, 61 only with notice.
    # An unannounced absence 14.-18. 9.: 14. and 15. (61) keep the price, 16.-18. (85) deduct
    # 3 × 2.50 = 7.50.  61: parents 0.53 × 250 = 132.50, SI-061 0.47 × 250 = 117.50;
    # 85: 250 − 7.50 = 242.50, parents 0.53 × 242.50 = 128.525.  Parents 261.025 -> 261.03;
    # total 492.50; SI-085 492.50 − 261.03 − 117.50 = 113.97
    child = attrs.evolve(
        build.child(),
        residence_changes=(ResidenceChange(valid_from=date(2026, 9, 16), municipality_code=85),),
    )
    absent = build.absence(date(2026, 9, 14), date(2026, 9, 18), None)
    r = rules(MunicipalRules(municipality=85, food=FoodDeductionRule(requires_notice=False)))
    s = compute(SEP, child, build.inputs(build.decision("0.53"), absences=(absent,)), r)
    assert s.payer_totals() == {
        (P, "101"): Decimal("261.03"),
        (M, "SI-061"): Decimal("117.50"),
        (OTHER, "SI-085"): Decimal("113.97"),
    }


def test_a_decision_regresor_still_wins_after_a_move(build) -> None:
    # the decision names regresor "R-9": both parts go to it, 0.47 × 250 each (as the host
    # municipality's payer kind, then as another municipality's)
    child = attrs.evolve(
        build.child(),
        residence_changes=(ResidenceChange(valid_from=date(2026, 10, 16), municipality_code=62),),
    )
    decision = attrs.evolve(build.decision("0.53"), regresor_id="R-9")
    s = compute(OCT, child, build.inputs(decision), rules())
    paid = [(kind, who, amount) for (kind, who), amount in s.payer_totals().items()]
    assert sorted((who, amount) for kind, who, amount in paid if kind is not P) == [
        ("R-9", Decimal("117.50")),
        ("R-9", Decimal("117.50")),
    ]


def test_the_tax_status_is_dated(build) -> None:
    # not a taxpayer from 16. 9. 2026: 1.-15. 9. (11 days) at 0.53, 16.-30. 9. (11) at 1.00
    # parents 0.53 × 250 + 1.00 × 250 = 132.50 + 250.00 = 382.50; municipality 0.47 × 250 = 117.50
    child = attrs.evolve(
        build.child(),
        taxpayer_changes=(TaxpayerChange(valid_from=date(2026, 9, 16), taxpayers=False),),
    )
    s = compute(SEP, child, build.inputs(build.decision("0.53")), rules())
    assert totals(s) == ("500.00", "382.50", "0.00", "117.50")
    # FeeInputs.taxpayer=False still makes every day a non-taxpayer day: 500.00
    s = compute(SEP, child, build.inputs(build.decision("0.53"), taxpayer=False), rules())
    assert totals(s) == ("500.00", "500.00", "0.00", "0.00")
    # and so does the child's own status: 1.00 × 500
    s = compute(
        SEP,
        attrs.evolve(build.child(), parents_taxpayers=False),
        build.inputs(build.decision("0.53")),
        rules(),
    )
    assert totals(s) == ("500.00", "500.00", "0.00", "0.00")


# -- 2. closures ----------------------------------------------------------------------------

STRIKE = Closure(
    start=date(2022, 3, 9), end=date(2022, 3, 9), name="strike", source="SAOP, stavka 9. 3. 2022"
)


def test_a_strike_day_is_not_billed_but_stays_in_the_month(build) -> None:
    # SAOP: 485 × 22/23 = 463.913… -> 463.91 (the strike day is not counted for the child)
    inputs = build.inputs(build.decision("0.00"), program=build.program("485.00"))
    s = compute(MAR22, build.child(), inputs, rules(closures=(STRIKE,)))
    assert (s.total, s.days_enrolled, s.days_in_month) == (Decimal("463.91"), 22, 23)
    assert s.closures == (
        ClosedDay(date(2022, 3, 9), ClosureRule.NOT_BILLED, "strike", "SAOP, stavka 9. 3. 2022"),
    )
    assert "Closed: 09.03. strike: not_billed (SAOP, stavka 9. 3. 2022)" in s.explain()
    # the same day closed in the working calendar is a NOT_BILLED closure too: 463.91
    calendar = rules(calendar=WorkingCalendar(closures=[date(2022, 3, 9)]))
    s = compute(MAR22, build.child(), inputs, calendar)
    assert (s.total, s.days_in_month) == (Decimal("463.91"), 23)
    assert s.closures[0].source == "WorkingCalendar.closures"


@pytest.mark.parametrize("closed", ["rules", "calendar"])
def test_a_strike_before_enrollment_changes_nothing(build, closed: str) -> None:
    # enrolled on 10. 3.: 10.-31. 3. = 16 of 23 days: 485 × 16/23 = 337.391… -> 337.39,
    # with or without the strike on 9. 3. (it used to give 485 × 16/22 = 352.73)
    r = (
        rules(closures=(STRIKE,))
        if closed == "rules"
        else rules(calendar=WorkingCalendar(closures=[date(2022, 3, 9)]))
    )
    inputs = build.inputs(build.decision("0.00"), program=build.program("485.00"))
    child = build.child(date(2022, 3, 10))
    assert compute(MAR22, child, inputs, r).total == Decimal("337.39")
    assert compute(MAR22, child, inputs, rules()).total == Decimal("337.39")
    assert compute(MAR22, child, inputs, r).closures == ()


def test_a_food_only_closure_deducts_the_food_for_every_child(build) -> None:
    # the day is billed, its food (2.50) deducted as for an announced absence:
    # total 485 − 2.50 = 482.50; parents 0.53 × 482.50 = 255.725 -> 255.73; municipality 226.77
    food_only = attrs.evolve(STRIKE, rule=ClosureRule.FOOD_ONLY)
    r = rules(closures=(food_only,))
    inputs = build.inputs(build.decision("0.53"), program=build.program("485.00"))
    s = compute(MAR22, build.child(), inputs, r)
    assert totals(s) == ("482.50", "255.73", "0.00", "226.77")
    assert all("food only" in x.note for x in s.lines if x.kind is LineKind.FOOD)
    # an announced absence on 9. and 10. 3. deducts the 9th once: 485 − 2 × 2.50 = 480.00
    absent = build.absence(date(2022, 3, 9), date(2022, 3, 10), datetime(2022, 3, 8, 12, 0))
    inputs = build.inputs(
        build.decision("0.53"), program=build.program("485.00"), absences=(absent,)
    )
    assert compute(MAR22, build.child(), inputs, r).total == Decimal("480.00")


def test_a_billed_closure_changes_nothing(build) -> None:
    # a normal day: 485.00, parents 0.53 × 485 = 257.05; the day is listed on the statement
    billed = attrs.evolve(STRIKE, rule=ClosureRule.BILLED)
    inputs = build.inputs(build.decision("0.53"), program=build.program("485.00"))
    s = compute(MAR22, build.child(), inputs, rules(closures=(billed,)))
    assert totals(s) == ("485.00", "257.05", "0.00", "227.95")
    assert [c.rule for c in s.closures] == [ClosureRule.BILLED]


def test_an_exemption_period_is_a_closure_with_its_act(build) -> None:
    # COVID 2020: closed 16. 3. - 31. 5. 2020 (MIZŠ 6030-2/2020), not billed.
    # March 2020 has 22 working days, 2.-13. 3. = 10 billed: 500 × 10/22 = 227.27;
    # April and May are not billed at all.
    covid = Closure(
        start=date(2020, 3, 16),
        end=date(2020, 5, 31),
        name="COVID-19",
        source="MIZŠ, okrožnica 6030-2/2020",
    )
    r = rules(closures=(covid,))
    inputs = build.inputs(build.decision("0.53"))
    assert compute(Month(2020, 3), build.child(), inputs, r).total == Decimal("227.27")
    april = compute(Month(2020, 4), build.child(), inputs, r)
    assert (april.total, april.lines, april.days_enrolled) == (Decimal("0.00"), (), 0)
    assert {c.source for c in april.closures} == {"MIZŠ, okrožnica 6030-2/2020"}


# -- 3. no rounding-difference line ------------------------------------------------------------


def test_the_regresor_share_line_absorbs_the_rounding_cent(build) -> None:
    # README example: 520 × 13/22 = 307.2727… -> 307.27; parents 0.35 × that = 107.5454… ->
    # 107.55; the municipality's share 0.65 × 307.2727… = 199.7272… -> 199.73 on its own,
    # but the remainder is 307.27 − 107.55 = 199.72: the share line shows 199.72, with a note
    inputs = build.inputs(build.decision("0.35"), program=build.program("520.00", food="2.40"))
    s = compute(SEP, build.child(date(2026, 9, 14)), inputs, rules())
    assert [x.kind for x in s.lines] == [LineKind.SHARE, LineKind.SHARE]
    share = s.lines[-1]
    assert (share.payer, share.amount) == (M, Decimal("199.72"))
    assert share.unrounded.quantize(Decimal("0.01")) == Decimal("199.73")
    assert "absorbs the rounding difference -0.01" in share.note
    assert sum(x.amount for x in s.lines) == s.total == Decimal("307.27")


# -- 4. unannounced absence charges (ZVrt-H) --------------------------------------------------

ZVRT_H = UnannouncedAbsenceCharge(
    valid_from=date(2026, 1, 1),
    food=Decimal("3.00"),
    daily=Decimal("23.50"),
    daily_by_program={"I": Decimal("30.18")},
    source="Sklep Dobrova-Polhov Gradec, 18. 12. 2025 (ZVrt-H)",
)


def _zvrt_h() -> FeeRules:
    return rules(MunicipalRules(municipality=61, unannounced=(ZVRT_H,)))


def test_unannounced_days_are_charged_even_to_exempt_parents(build) -> None:
    # coefficient 0 (exempt); absent 7.-9. 9., never announced: 3 × (3.00 + 30.18) = 99.54
    # on top: parents 99.54; the municipality still pays the whole 500.00; total 599.54
    a = build.absence(date(2026, 9, 7), date(2026, 9, 9), None)
    s = compute(SEP, build.child(), build.inputs(build.decision("0"), absences=(a,)), _zvrt_h())
    assert totals(s) == ("599.54", "99.54", "0.00", "500.00")
    (line,) = [x for x in s.lines if x.kind is LineKind.UNANNOUNCED]
    assert (line.payer, line.days, line.price, line.formula()) == (
        P,
        3,
        Decimal("33.18"),
        "33.18 × 3",
    )
    assert s.charges == Decimal("99.54")


def test_late_notice_makes_only_the_first_day_unannounced(build) -> None:
    # announced 7. 9. at 9:00, after the 8:00 deadline: the 7th is unannounced (33.18),
    # the 8th and 9th are announced (food 2 × 2.50 = 5.00 deducted):
    # total 500 − 5.00 + 33.18 = 528.18; municipality (c = 0) 495.00
    a = build.absence(date(2026, 9, 7), date(2026, 9, 9), datetime(2026, 9, 7, 9, 0))
    s = compute(SEP, build.child(), build.inputs(build.decision("0"), absences=(a,)), _zvrt_h())
    assert totals(s) == ("528.18", "33.18", "0.00", "495.00")


def test_a_doctors_note_excuses_and_the_charge_is_dated(build) -> None:
    a = build.absence(date(2026, 9, 7), date(2026, 9, 9), None)
    excused = attrs.evolve(a, doctor_note=True)
    s = compute(
        SEP, build.child(), build.inputs(build.decision("0"), absences=(excused,)), _zvrt_h()
    )
    assert totals(s) == ("500.00", "0.00", "0.00", "500.00")
    # September 2025 is before the charge: nothing on top
    old = attrs.evolve(a, start=date(2025, 9, 8), end=date(2025, 9, 10))
    s = compute(
        Month(2025, 9), build.child(), build.inputs(build.decision("0"), absences=(old,)), _zvrt_h()
    )
    assert totals(s) == ("500.00", "0.00", "0.00", "500.00")


def test_a_state_financed_sibling_pays_the_charge_by_program(build) -> None:
    # 2nd child in 2026 (the state pays the parents' 0.53 × 500 = 265.00), program II:
    # one unannounced day at 3.00 + 23.50 = 26.50, paid by the parents; the state and the
    # municipality (235.00) are unchanged
    a = build.absence(date(2026, 9, 7), date(2026, 9, 7), None)
    inputs = build.inputs(
        build.decision("0.53"),
        program=build.program(code="II"),
        absences=(a,),
        siblings=SiblingInfo(enrolled_order=2),
    )
    s = compute(SEP, build.child(), inputs, _zvrt_h())
    assert totals(s) == ("526.50", "26.50", "265.00", "235.00")


# -- 5. private kindergartens and developmental units ---------------------------------------

PUBLIC = program("I", "500.00")
PRIVATE = program("PI", "700.00", kind=ProgramKind.PRIVATE, reference_program="I")


def _private_inputs(build, *decisions, **options) -> FeeInputs:  # type: ignore[no-untyped-def]
    base = build.inputs(*decisions, **options)
    return attrs.evolve(base, programs=(PRIVATE, PUBLIC), program_code="PI")


def test_private_kindergarten_without_concession(build) -> None:
    # public price 500, private 700, coefficient 0.53 (ZVrt Art. 34):
    # parents' payment 0.53 × 500 = 265.00; the municipality 0.85 × (500 − 265) = 199.75;
    # the parents also pay the rest of the private price: 700 − 265 − 199.75 = 235.25
    # (= 700 − 500 above the public price + 0.15 × 235); parents 500.25
    s = compute(SEP, build.child(), _private_inputs(build, build.decision("0.53")), rules())
    assert totals(s) == ("700.00", "500.25", "0.00", "199.75")
    rest = [x for x in s.lines if x.kind is LineKind.PRIVATE_REST]
    assert sum(x.amount for x in rest) == Decimal("235.25")
    assert {x.source for x in rest} == {"ZVrt Art. 34"}
    assert all(x.amount >= 0 for x in rest)


def test_private_kindergarten_with_food_and_siblings(build) -> None:
    # two announced absence days: food 5.00 off the public base too: 495.00
    # parents' payment 0.53 × 495 = 262.35; municipality 0.85 × 0.47 × 495 = 197.7525;
    # rest 200 + 0.15 × 232.65 = 234.8975; parents 497.2475 -> 497.25; total 695.00;
    # municipality 695.00 − 497.25 = 197.75
    a = build.absence(date(2026, 9, 7), date(2026, 9, 8), datetime(2026, 9, 7, 7, 0))
    s = compute(
        SEP, build.child(), _private_inputs(build, build.decision("0.53"), absences=(a,)), rules()
    )
    assert totals(s) == ("695.00", "497.25", "0.00", "197.75")
    # 2nd child (2026): the state pays the parents' payment 265.00; parents the rest 235.25
    s = compute(
        SEP,
        build.child(),
        _private_inputs(build, build.decision("0.53"), siblings=SiblingInfo(enrolled_order=2)),
        rules(),
    )
    assert totals(s) == ("700.00", "235.25", "265.00", "199.75")


def test_private_segments_split_at_the_public_price_change(build) -> None:
    # the public price goes to 550 on 16. 9.: 500 × 11/22 + 550 × 11/22 = 525 public
    # parents' payment 0.53 × 525 = 278.25; municipality 0.85 × 0.47 × 525 = 209.7375;
    # rest 700 − 525 + 0.15 × 246.75 = 212.0125; parents 490.2625 -> 490.26; municipality 209.74
    public = Program(
        organisation_id="vrtec-test",
        code="I",
        prices=(
            ProgramPrice(
                valid_from=date(2000, 1, 1), monthly=Decimal("500"), food_per_day=Decimal("2.50")
            ),
            ProgramPrice(
                valid_from=date(2026, 9, 16), monthly=Decimal("550"), food_per_day=Decimal("2.50")
            ),
        ),
    )
    inputs = attrs.evolve(
        build.inputs(build.decision("0.53")), programs=(PRIVATE, public), program_code="PI"
    )
    s = compute(SEP, build.child(), inputs, rules())
    assert totals(s) == ("700.00", "490.26", "0.00", "209.74")


def test_a_private_price_below_the_public_one_is_refused(build) -> None:
    cheap = program("PI", "450.00", kind=ProgramKind.PRIVATE, reference_program="I")
    inputs = attrs.evolve(
        build.inputs(build.decision("0.53")), programs=(cheap, PUBLIC), program_code="PI"
    )
    with pytest.raises(FeeRuleError) as info:
        compute(SEP, build.child(), inputs, rules())
    assert info.value.code == "fees.inputs.price_below_reference"
    assert "450.00" in info.value.message("en")
    assert "450.00" in info.value.message("sl")


def test_developmental_unit(build) -> None:
    # unit 1200, regular program 500: parents 0.53 × 500 = 265.00;
    # the regresor 0.47 × 500 + (1200 − 500) = 235 + 700 = 935.00
    unit = program("RO", "1200.00", kind=ProgramKind.DEVELOPMENTAL_UNIT, reference_program="I")
    inputs = attrs.evolve(
        build.inputs(build.decision("0.53")), programs=(unit, PUBLIC), program_code="RO"
    )
    s = compute(SEP, build.child(), inputs, rules())
    assert totals(s) == ("1200.00", "265.00", "0.00", "935.00")


# -- 6. temporary exit ------------------------------------------------------------------------

TEMPORARY = ReservationScheme(
    kinds=(ReservationKind.TEMPORARY_EXIT,), rate=Decimal("0.50"), source="Sklep, čl. 9"
)


def test_temporary_exit_is_charged_for_two_months_then_the_child_is_out(build) -> None:
    # out 15. 7. - 31. 10. 2026; charged 15. 7. - 14. 9. at 50 % of the assigned payment
    res = build.reservation(date(2026, 7, 15), date(2026, 10, 31), ReservationKind.TEMPORARY_EXIT)
    inputs = build.inputs(build.decision("0.53"), reservations=(res,))
    r = rules(MunicipalRules(municipality=61, reservations=(TEMPORARY,)))
    # July: 1.-14. 7. (10 days) 0.53 × 500 × 10/23 = 115.217391…; 15.-31. 7. (13 days)
    # 0.50 × 0.53 × (500 × 13/23 − 13 × 2.50) = 0.265 × 250.108695… = 66.278804…
    # parents 181.496195… -> 181.50; total 500 − 32.50 = 467.50; municipality 286.00
    assert totals(compute(JUL, build.child(), inputs, r)) == ("467.50", "181.50", "0.00", "286.00")
    # September: 1.-14. 9. (10 days) charged: 500 × 10/22 − 10 × 2.50 = 202.272727… -> 202.27;
    # parents 0.265 × 202.2727… = 53.602272… -> 53.60; municipality 148.67; 15.-30. 9. out
    september = compute(SEP, build.child(), inputs, r)
    assert totals(september) == ("202.27", "53.60", "0.00", "148.67")
    assert september.days_enrolled == 10
    # October: out the whole month, nothing billed
    october = compute(OCT, build.child(), inputs, r)
    assert (october.total, october.lines, october.days_enrolled) == (Decimal("0.00"), (), 0)


def test_temporary_exit_without_a_scheme_is_not_billed(build) -> None:
    # no scheme takes temporary exits: 15.-31. 7. not billed at all;
    # 500 × 10/23 = 217.391… -> 217.39; parents 0.53 × that = 115.217… -> 115.22
    res = build.reservation(date(2026, 7, 15), date(2026, 10, 31), ReservationKind.TEMPORARY_EXIT)
    inputs = build.inputs(build.decision("0.53"), reservations=(res,))
    assert totals(compute(JUL, build.child(), inputs, rules())) == (
        "217.39",
        "115.22",
        "0.00",
        "102.17",
    )


def test_temporary_exit_never_costs_more_than_the_normal_payment(build) -> None:
    # a flat 30.00 a day for 13 days = 390.00 is capped at the normal payment for those days,
    # 0.53 × 500 × 13/23 = 149.782608…; parents 115.217391… + 149.782608… = 265.00;
    # total 467.50; municipality 202.50
    flat = attrs.evolve(TEMPORARY, basis=ReservationBasis.FLAT_PER_DAY, rate=Decimal("30.00"))
    res = build.reservation(date(2026, 7, 15), date(2026, 10, 31), ReservationKind.TEMPORARY_EXIT)
    inputs = build.inputs(build.decision("0.53"), reservations=(res,))
    s = compute(
        JUL, build.child(), inputs, rules(MunicipalRules(municipality=61, reservations=(flat,)))
    )
    assert totals(s) == ("467.50", "265.00", "0.00", "202.50")
    assert any("capped" in x.note for x in s.lines if x.kind is LineKind.RESERVATION)
    # September: 1.-14. 9. (10 days) at most 0.53 × 500 × 10/22 = 120.4545… -> 120.45
    # (10 × 30.00 = 300.00 capped); the price less food 500 × 10/22 − 25.00 = 202.27;
    # municipality 81.82; 15.-30. 9. are beyond two months: not billed
    s = compute(
        SEP, build.child(), inputs, rules(MunicipalRules(municipality=61, reservations=(flat,)))
    )
    assert totals(s) == ("202.27", "120.45", "0.00", "81.82")


# -- 7. non-taxpayers get no resident subsidies ------------------------------------------------


def test_non_taxpayers_get_no_reservation_and_no_discount(build) -> None:
    summer = ReservationScheme(kinds=(ReservationKind.SUMMER,), rate=Decimal("0.30"))
    fixed = ExtraDiscount(kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("30.00"))
    r = rules(MunicipalRules(municipality=61, reservations=(summer,), discounts=(fixed,)))
    res = build.reservation(date(2026, 7, 1), date(2026, 7, 31))
    # July, reserved, not a taxpayer: the days are announced absence, no discount:
    # 1.00 × (500 − 23 × 2.50) = 442.50, all the parents' (was 0.30 × 442.50 = 132.75)
    inputs = build.inputs(build.decision("0.53"), reservations=(res,), taxpayer=False)
    assert totals(compute(JUL, build.child(), inputs, r)) == ("442.50", "442.50", "0.00", "0.00")
    # September without a reservation: 500.00 (was 500 − 30 = 470.00)
    inputs = build.inputs(build.decision("0.53"), taxpayer=False)
    assert totals(compute(SEP, build.child(), inputs, r)) == ("500.00", "500.00", "0.00", "0.00")
    # a scheme that is for everyone (taxpayers_only=False): 0.30 × 442.50 = 132.75
    everyone = rules(
        MunicipalRules(municipality=61, reservations=(attrs.evolve(summer, taxpayers_only=False),))
    )
    inputs = build.inputs(build.decision("0.53"), reservations=(res,), taxpayer=False)
    assert totals(compute(JUL, build.child(), inputs, everyone))[1] == "132.75"


# -- 8. what the law does not allow -----------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: ReservationScheme(rate=Decimal("1.20")), "fees.rules.reservation_rate"),
        (lambda: ReservationScheme(rate=Decimal("-0.10")), "fees.rules.reservation_rate"),
        (
            lambda: ReservationScheme(
                rate=Decimal("0.30"), rate_steps=(RateStep(6, Decimal("1.01")),)
            ),
            "fees.rules.reservation_rate",
        ),
        (
            lambda: ReservationScheme(basis=ReservationBasis.FLAT_PER_DAY, rate=Decimal("-1")),
            "fees.rules.reservation_rate",
        ),
        (
            lambda: FeeRules(host_municipality=61, default_coefficient=Decimal("0.80")),
            "fees.rules.default_coefficient",
        ),
        (
            lambda: FeeRules(host_municipality=61, private_municipality_share=Decimal("1.5")),
            "fees.rules.private_share",
        ),
        (
            lambda: FeeRules(
                host_municipality=61,
                closures=(STRIKE, attrs.evolve(STRIKE, end=date(2022, 3, 10))),
            ),
            "fees.rules.closure_overlap",
        ),
        (
            lambda: Closure(start=date(2022, 3, 9), end=date(2022, 3, 8)),
            "fees.rules.closure_period",
        ),
        (
            lambda: UnannouncedAbsenceCharge(valid_from=date(2026, 1, 1), food=Decimal("-3")),
            "fees.rules.unannounced_amount",
        ),
    ],
)
def test_values_the_law_does_not_allow_are_refused(make, code: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        make()
    assert info.value.code == code
    assert info.value.message("sl") != info.value.message("en")
    assert isinstance(info.value, ValueError)


def test_a_full_flat_rate_and_100_percent_are_allowed() -> None:
    assert ReservationScheme(rate=Decimal("1.00")).rate == 1
    assert ReservationScheme(basis=ReservationBasis.FLAT_PER_DAY, rate=Decimal("30")).rate == 30


# -- 9b. no payer's total is ever negative (examples) ----------------------------------------


def test_parents_first_food_above_the_daily_price_keeps_the_regresor_positive(build) -> None:
    # price 50.00, food 30.00 a day (above the daily price 50/22 = 2.2727…), 3 announced days.
    # The deduction is capped per day at 2.2727…: 3 × 50/22 = 6.8181…; total 43.1818… -> 43.18.
    # Parents first: they get min(6.8181…, 0.53 × 6.8181… = 3.6136…) back;
    # parents 26.50 − 3.6136… = 22.8863… -> 22.89; another municipality 43.18 − 22.89 = 20.29
    # (it was −22.89: the whole 50.00 of food was taken off its 23.50)
    r = rules(
        MunicipalRules(
            municipality=85, food=FoodDeductionRule(mode=FoodDeductionMode.PARENTS_FIRST)
        )
    )
    a = build.absence(date(2026, 9, 7), date(2026, 9, 9), datetime(2026, 9, 7, 7, 0))
    inputs = build.inputs(
        build.decision("0.53"), program=build.program("50.00", food="30.00"), absences=(a,)
    )
    s = compute(SEP, build.child(municipality=85), inputs, r)
    assert totals(s) == ("43.18", "22.89", "0.00", "20.29")
    assert all(v >= 0 for v in s.payer_totals().values())


def test_a_reservation_before_food_never_makes_the_regresor_negative(build) -> None:
    # price 50.00, food 30.00; July reserved 2.-31. 7. (22 days) at 30 % "before food".
    # Food is capped per day at 50/23: the reserved days cost 50 × 22/23 − 22 × 50/23 = 0,
    # so the fee (0.159 × 47.826… = 7.60) is capped at 0.  Left: 1. 7., 50/23 = 2.1739… -> 2.17;
    # parents 0.53 × 2.1739… = 1.1521… -> 1.15; municipality 1.02 (it was −6.58)
    scheme = ReservationScheme(
        kinds=(ReservationKind.SUMMER,), rate=Decimal("0.30"), after_food=False
    )
    res = build.reservation(date(2026, 7, 2), date(2026, 7, 31))
    inputs = build.inputs(
        build.decision("0.53"), program=build.program("50.00", food="30.00"), reservations=(res,)
    )
    s = compute(
        JUL, build.child(), inputs, rules(MunicipalRules(municipality=61, reservations=(scheme,)))
    )
    assert totals(s) == ("2.17", "1.15", "0.00", "1.02")
