"""Corrections (poračun), examples derived by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees import BilledAmount, FeeRules, PayerKind, corrections

RULES = FeeRules(host_municipality=61)
AUG, SEP, OCT = Month(2026, 8), Month(2026, 9), Month(2026, 10)
P, S, M = PayerKind.PARENTS, PayerKind.STATE, PayerKind.MUNICIPALITY


def billed(month: Month, parents: str, municipality: str, state: str | None = None):
    rows = [
        BilledAmount(month=month, payer=P, payer_id="101", amount=Decimal(parents)),
        BilledAmount(month=month, payer=M, payer_id="SI-061", amount=Decimal(municipality)),
    ]
    if state is not None:
        rows.append(BilledAmount(month=month, payer=S, payer_id="state", amount=Decimal(state)))
    return rows


def test_superseded_from_mid_month(build) -> None:
    # August and September were billed at 0.53: 265.00 parents, 235.00 municipality.
    # A new decision (0.35 from 16. 9.) supersedes it; August is unchanged.
    # September now: 0.53 × 500 × 11/22 + 0.35 × 500 × 11/22 = 132.50 + 87.50 = 220.00
    # -> parents −45.00, municipality +45.00, both billed in October for September.
    old = build.decision("0.53", id="d-1")
    keep = build.decision("0.53", id="d-2", supersedes="d-1", valid_to=date(2026, 9, 15))
    new = build.decision("0.35", id="d-3", valid_from=date(2026, 9, 16))
    now = build.inputs(old, keep, new)
    lines = corrections(
        OCT,
        build.child(),
        billed(AUG, "265.00", "235.00") + billed(SEP, "265.00", "235.00"),
        lambda month: now,
        RULES,
    )
    assert [(x.original_month, x.payer, x.amount) for x in lines] == [
        (SEP, P, Decimal("-45.00")),
        (SEP, M, Decimal("45.00")),
    ]
    assert all(x.month == OCT for x in lines)
    assert lines[0].decision_ids == ("d-2", "d-3")
    assert (lines[0].billed, lines[0].due) == (Decimal("265.00"), Decimal("220.00"))


def test_state_share_is_corrected_too(build) -> None:
    # October 2015 billed without a sibling: parents 265.00. The new decision says 2nd child:
    # state 0.7 × 265.00 = 185.50, parents 79.50 -> parents −185.50, state +185.50
    month = Month(2015, 10)
    old = build.decision("0.53", id="d-1")
    new = build.decision("0.53", id="d-2", supersedes="d-1", sibling_order=2)
    lines = corrections(
        Month(2015, 11),
        build.child(),
        billed(month, "265.00", "235.00"),
        {month: build.inputs(old, new)},
        RULES,
    )
    assert [(x.payer, x.amount) for x in lines] == [(P, Decimal("-185.50")), (S, Decimal("185.50"))]


def test_earlier_corrections_count_as_billed(build) -> None:
    # September was corrected by −90.00 / +90.00 in October (0.35 × 500 = 175.00);
    # the November run finds nothing more to correct
    old = build.decision("0.53", id="d-1")
    new = build.decision("0.35", id="d-2", supersedes="d-1")
    rows = [
        *billed(SEP, "265.00", "235.00"),
        BilledAmount(month=SEP, payer=P, payer_id="101", amount=Decimal("-90.00"), billed_in=OCT),
        BilledAmount(month=SEP, payer=M, payer_id="SI-061", amount=Decimal("90.00"), billed_in=OCT),
    ]
    inputs = {SEP: build.inputs(old, new)}
    assert corrections(Month(2026, 11), build.child(), rows, inputs, RULES) == ()


def test_current_and_later_months_are_not_corrected(build) -> None:
    # only months before the current one are recomputed; October itself is billed normally
    new = build.decision("0.35")
    lines = corrections(
        OCT, build.child(), billed(OCT, "265.00", "235.00"), {OCT: build.inputs(new)}, RULES
    )
    assert lines == ()


def test_missing_inputs_for_a_billed_month(build) -> None:
    with pytest.raises(FeeRuleError) as info:
        corrections(OCT, build.child(), billed(SEP, "1.00", "2.00"), {}, RULES)
    assert info.value.code == "fees.corrections.no_inputs"


def test_correction_line_explains_itself(build) -> None:
    new = build.decision("0.35", id="d-2", supersedes="d-1")
    (line, _) = corrections(
        OCT,
        build.child(),
        billed(SEP, "265.00", "235.00"),
        {SEP: build.inputs(build.decision("0.53"), new)},
        RULES,
    )
    assert line.describe() == (
        "poračun 2026-09 (parents 101): due 175.00, billed 265.00, difference -90.00; decisions d-2"
    )
    assert line.to_record()["amount"] == Decimal("-90.00")


def test_a_month_never_billed_is_billed_in_full_when_named(build) -> None:
    # A late record: nothing was billed for September; naming it bills it in full
    # (0.35 × 500 = 175.00 for the parents, the rest 325.00 for the municipality).
    inputs = {SEP: build.inputs(build.decision("0.35"))}
    assert corrections(OCT, build.child(), (), inputs, RULES) == ()
    lines = corrections(OCT, build.child(), (), inputs, RULES, months=[SEP])
    assert [(x.payer, x.billed, x.due, x.amount) for x in lines] == [
        (P, Decimal("0.00"), Decimal("175.00"), Decimal("175.00")),
        (M, Decimal("0.00"), Decimal("325.00"), Decimal("325.00")),
    ]


def test_only_the_months_named_are_recomputed(build) -> None:
    # August and September were billed at 0.53; the inputs now say 0.35 for both, but only
    # September is named (August's inputs did not change): August is left alone.
    now = build.inputs(build.decision("0.35"))
    seen: list[Month] = []

    def recompute(month: Month):  # type: ignore[no-untyped-def]
        seen.append(month)
        return now

    rows = billed(AUG, "265.00", "235.00") + billed(SEP, "265.00", "235.00")
    lines = corrections(OCT, build.child(), rows, recompute, RULES, months=[SEP])
    assert seen == [SEP]
    assert {x.original_month for x in lines} == {SEP}


def test_differences_compare_statements_computed_elsewhere(build) -> None:
    from szo_core.fees import compute
    from szo_core.fees.corrections import differences

    statement = compute(SEP, build.child(), build.inputs(build.decision("0.35")), RULES)
    lines = differences(OCT, 101, billed(SEP, "265.00", "235.00"), {SEP: statement})
    assert [(x.payer, x.amount) for x in lines] == [
        (P, Decimal("-90.00")),
        (M, Decimal("90.00")),
    ]
    # The same from amounts already summed per month and payer.
    summed = {SEP: {(P, "101"): Decimal("265.00"), (M, "SI-061"): Decimal("235.00")}}
    assert differences(OCT, 101, summed, {SEP: statement}) == lines
