"""The care home engine: worked examples by hand for both regimes, and properties."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees import FeeRules, LineKind, PayerKind
from szo_core.fees.care_home import CareHomeInputs, compute
from szo_core.model import Child
from szo_core.model.care_home import (
    AbsenceDeduction,
    CareAbsence,
    CareHomeSettings,
    CarePaymentDecision,
    CareStay,
    CategoryPrice,
    FoodCost,
    NewRegimePrice,
    RelativeShare,
    RoomExtra,
)

ORG = "dom"
RULES = FeeRules(host_municipality=61)
SEP, OCT = Month(2026, 9), Month(2026, 10)
SINCE = date(2025, 1, 1)
SETTINGS = CareHomeSettings(
    organisation_id=ORG,
    category_prices=tuple(
        CategoryPrice(category=c, valid_from=SINCE, daily=Decimal(p))
        for c, p in (
            ("I", "22.27"),
            ("II", "27.98"),
            ("III.A", "33.68"),
            ("III.B", "38.63"),
            ("IV", "34.20"),
        )
    ),
    room_extras=(RoomExtra(room="single", valid_from=SINCE, percent=Decimal(10)),),
    food=(FoodCost(valid_from=SINCE, daily=Decimal("2.58")),),
    new_regime_prices=(
        NewRegimePrice(
            room="double-shared",
            valid_from=date(2025, 12, 1),
            accommodation=Decimal("27.50"),
            care=Decimal("21.00"),
        ),
    ),
)
RESIDENT = Child(organisation_id=ORG, code=3, enrollment_date=date(2024, 5, 1))


def absence(start: date, end: date, announced: date | None = None) -> CareAbsence:
    return CareAbsence(
        organisation_id=ORG,
        id=f"a{start}",
        resident_code=3,
        start=start,
        end=end,
        announced_on=announced,
    )


def decision(**kw: object) -> CarePaymentDecision:
    fields = {
        "organisation_id": ORG,
        "id": "d1",
        "resident_code": 3,
        "number": "122-7/2026",
        "valid_from": date(2026, 1, 1),
    } | kw
    return CarePaymentDecision(**fields)  # type: ignore[arg-type]


def summary(statement):  # type: ignore[no-untyped-def]
    return [(str(x.kind), x.payer_id, x.formula(), x.amount) for x in statement.lines]


def test_old_regime_category_change_room_extra_absence_and_three_payers() -> None:
    # September 2026, 30 days.  1-15: Oskrba II, 15 × 27.98 = 419.70.  From 16 September
    # Oskrba III.A in a single room: 15 × 33.68 = 505.20, the room extra 10 % of Oskrba I
    # (22.27 → 2.227 → 2.23 a day) 15 × 2.23 = 33.45.  Away 21-26 September, not announced:
    # the food cost is deducted after the third day, 3 × 2.58 = 7.74.  The charge is
    # 419.70 + 505.20 + 33.45 − 7.74 = 950.61.  By the CSD decision the resident pays
    # 600.00, the son 150.00, the municipality the rest, 200.61.
    inputs = CareHomeInputs(
        settings=SETTINGS,
        stays=(
            CareStay(valid_from=date(2024, 5, 1), category="II"),
            CareStay(valid_from=date(2026, 9, 16), category="III.A", room="single"),
        ),
        absences=(absence(date(2026, 9, 21), date(2026, 9, 26)),),
        decisions=(
            decision(
                resident_monthly=Decimal("600.00"),
                relatives=(RelativeShare(payer_id="sin", monthly=Decimal("150.00")),),
                municipality_code=61,
            ),
        ),
    )
    s = compute(SEP, RESIDENT, inputs, RULES)
    assert summary(s) == [
        ("care", "3", "27.98 × 15", Decimal("419.70")),
        ("care", "3", "33.68 × 15", Decimal("505.20")),
        ("room_extra", "3", "2.23 × 15", Decimal("33.45")),
        ("food_deduction", "3", "-1 × 2.58 × 3", Decimal("-7.74")),
        ("covered_share", "3", "−150.00 by the decision", Decimal("-150.00")),
        ("covered_share", "relative:sin", "150.00 by the decision", Decimal("150.00")),
        ("covered_share", "3", "−200.61 by the decision", Decimal("-200.61")),
        ("covered_share", "SI-061", "200.61 by the decision", Decimal("200.61")),
    ]
    assert s.total == Decimal("950.61")
    assert s.payer_totals() == {
        (PayerKind.RESIDENT, "3"): Decimal("600.00"),
        (PayerKind.RELATIVE, "relative:sin"): Decimal("150.00"),
        (PayerKind.MUNICIPALITY, "SI-061"): Decimal("200.61"),
    }
    assert s.lines[-1].decision_id == "d1"


def test_an_announced_absence_is_deducted_from_its_first_day_and_flat_deductions() -> None:
    # Announced on 2 October for 5-7 October (3 days ahead, at least 2): all three days.
    stays = (CareStay(valid_from=date(2024, 5, 1), category="I"),)
    inputs = CareHomeInputs(
        settings=SETTINGS,
        stays=stays,
        absences=(absence(date(2026, 10, 5), date(2026, 10, 7), date(2026, 10, 2)),),
    )
    s = compute(OCT, RESIDENT, inputs, RULES)
    assert s.total == Decimal("22.27") * 31 - 3 * Decimal("2.58")  # 690.37 − 7.74 = 682.63
    # Announced one day ahead only: nothing (deducted from the 4th day, the absence has 3).
    late = attrs.evolve(
        inputs, absences=(absence(date(2026, 10, 5), date(2026, 10, 7), date(2026, 10, 4)),)
    )
    assert compute(OCT, RESIDENT, late, RULES).total == Decimal("690.37")
    # A home that deducts a flat 3.37 a day.
    flat = attrs.evolve(
        inputs,
        settings=attrs.evolve(
            SETTINGS, deduction=AbsenceDeduction.FLAT, flat_per_day=Decimal("3.37")
        ),
    )
    assert compute(OCT, RESIDENT, flat, RULES).total == Decimal("690.37") - Decimal("10.11")


def test_new_regime_cap_and_the_care_part_as_its_own_claim() -> None:
    # October 2026 in a double room with a shared bathroom under ZDOsk-1: accommodation and
    # food 31 × 27.50 = 852.50, over the cap of 781.94: the resident pays 781.94.  The care
    # part, 31 × 21.00 = 651.00, is claimed from ZZZS.
    stays = (
        CareStay(
            valid_from=date(2025, 12, 1), category="II", room="double-shared", regime="zdosk-1"
        ),
    )
    inputs = CareHomeInputs(settings=SETTINGS, stays=stays)
    s = compute(OCT, RESIDENT, inputs, RULES)
    assert summary(s) == [
        ("accommodation", "3", "27.50 × 31", Decimal("852.50")),
        ("care_part", "ZZZS", "21.00 × 31", Decimal("651.00")),
        ("cap", "3", "-1 × 781.94 × 31/31", Decimal("-70.56")),
    ]
    assert s.payer_totals() == {
        (PayerKind.RESIDENT, "3"): Decimal("781.94"),
        (PayerKind.CARE_FUND, "ZZZS"): Decimal("651.00"),
    }
    # Moved in on 17 October: 15 days, 412.50 against the cap 781.94 × 15/31 = 378.358…
    # → 378.36.
    late = attrs.evolve(RESIDENT, enrollment_date=date(2026, 10, 17))
    s = compute(OCT, late, inputs, RULES)
    assert s.total_for(PayerKind.RESIDENT) == Decimal("378.36")
    assert s.total_for(PayerKind.CARE_FUND) == Decimal("315.00")
    # The recipient of the care part is configurable.
    other = attrs.evolve(inputs, settings=attrs.evolve(SETTINGS, care_recipient="ZZZS-OE-LJ"))
    assert (PayerKind.CARE_FUND, "ZZZS-OE-LJ") in compute(
        OCT, RESIDENT, other, RULES
    ).payer_totals()


def test_both_regimes_side_by_side_and_a_move_between_them_splits_the_month() -> None:
    # December 2025: Oskrba II to 14 December (14 × 27.98 = 391.72), then the new regime for
    # 15-31 December (17 × 27.50 = 467.50, over the cap 781.94 × 17/31 = 428.805… → 428.81;
    # the care part 17 × 21.00 = 357.00).
    stays = (
        CareStay(valid_from=date(2024, 5, 1), category="II"),
        CareStay(
            valid_from=date(2025, 12, 15), category="II", room="double-shared", regime="zdosk-1"
        ),
    )
    s = compute(Month(2025, 12), RESIDENT, CareHomeInputs(settings=SETTINGS, stays=stays), RULES)
    assert s.total_for(PayerKind.RESIDENT) == Decimal("391.72") + Decimal("428.81")
    assert s.total_for(PayerKind.CARE_FUND) == Decimal("357.00")


def test_no_payer_goes_negative_when_the_charge_is_small() -> None:
    # Two days in the month (moved in on 29 September): 2 × 22.27 = 44.54, less than the
    # resident's 600.00 a month pro-rated (40.00): the resident 40.00, the son 4.54, nothing
    # for the municipality.
    inputs = CareHomeInputs(
        settings=SETTINGS,
        stays=(CareStay(valid_from=date(2024, 5, 1), category="I"),),
        decisions=(
            decision(
                resident_monthly=Decimal("600.00"),
                relatives=(RelativeShare(payer_id="sin", monthly=Decimal("150.00")),),
            ),
        ),
    )
    s = compute(SEP, attrs.evolve(RESIDENT, enrollment_date=date(2026, 9, 29)), inputs, RULES)
    assert s.payer_totals() == {
        (PayerKind.RESIDENT, "3"): Decimal("40.00"),
        (PayerKind.RELATIVE, "relative:sin"): Decimal("4.54"),
    }


def test_a_day_without_a_category_or_price_is_a_clear_error() -> None:
    with pytest.raises(FeeRuleError) as info:
        compute(SEP, RESIDENT, CareHomeInputs(settings=SETTINGS), RULES)
    assert info.value.code == "fees.care.no_stay"
    stays = (CareStay(valid_from=date(2024, 5, 1), category="II", room="x", regime="zdosk-1"),)
    with pytest.raises(FeeRuleError) as info:
        compute(SEP, RESIDENT, CareHomeInputs(settings=SETTINGS, stays=stays), RULES)
    assert info.value.code == "fees.care.no_price"


# -- properties --------------------------------------------------------------------------------

_day = st.integers(1, 31).map(lambda d: date(2026, 10, d))
_money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("900.00"), places=2)


@st.composite
def _inputs(draw: st.DrawFn) -> CareHomeInputs:
    stays = [
        CareStay(
            valid_from=date(2024, 5, 1),
            category=draw(st.sampled_from(["I", "II", "IV"])),
            room=draw(st.sampled_from(["", "single"])),
        )
    ]
    if draw(st.booleans()):
        regime = draw(st.sampled_from(["zsv", "zdosk-1"]))
        stays.append(
            CareStay(
                valid_from=draw(_day),
                category=draw(st.sampled_from(["II", "III.B"])),
                room="double-shared" if regime == "zdosk-1" else "single",
                regime=regime,
            )
        )
    absences = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(_day)
        end = start + timedelta(days=draw(st.integers(0, 8)))
        announced = draw(
            st.none() | st.integers(0, 4).map(lambda n, s=start: s - timedelta(days=n))
        )
        absences.append(absence(start, end, announced))
    decisions = []
    if draw(st.booleans()):
        decisions.append(
            decision(
                resident_monthly=draw(st.none() | _money),
                relatives=tuple(
                    RelativeShare(payer_id=f"r{i}", monthly=draw(_money))
                    for i in range(draw(st.integers(0, 2)))
                ),
                municipality_code=draw(st.sampled_from([61, 122])),
            )
        )
        if draw(st.booleans()):
            decisions.append(
                decision(id="d2", valid_from=draw(_day), resident_monthly=draw(_money))
            )
    return CareHomeInputs(
        settings=SETTINGS, stays=tuple(stays), absences=tuple(absences), decisions=tuple(decisions)
    )


@settings(max_examples=200, deadline=None)
@given(inputs=_inputs())
def test_the_split_sums_to_the_cent_and_no_payer_is_negative(inputs: CareHomeInputs) -> None:
    s = compute(OCT, RESIDENT, inputs, RULES)
    assert sum(s.payer_totals().values()) == s.total
    assert all(amount >= 0 for amount in s.payer_totals().values())
    charge = sum(
        (
            x.amount
            for x in s.lines
            if x.kind is not LineKind.COVERED and x.kind is not LineKind.CARE_PART
        ),
        Decimal(0),
    )
    covered = sum(
        (x.amount for x in s.lines if x.kind is LineKind.COVERED and x.payer_id != "3"), Decimal(0)
    )
    assert 0 <= covered <= charge


@settings(max_examples=200, deadline=None)
@given(inputs=_inputs(), cut=st.integers(1, 30))
def test_a_month_split_into_two_periods_costs_the_whole_month_within_a_cent(
    inputs: CareHomeInputs, cut: int
) -> None:
    whole = compute(OCT, RESIDENT, inputs, RULES)
    first = compute(OCT, attrs.evolve(RESIDENT, exit_date=date(2026, 10, cut)), inputs, RULES)
    second = compute(
        OCT, attrs.evolve(RESIDENT, enrollment_date=date(2026, 10, cut + 1)), inputs, RULES
    )
    assert abs(first.total + second.total - whole.total) <= Decimal("0.01")
