"""compute_month as a batch: same statements as compute, and the collector pause."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees import FeeInputs, FeeRules, compute, compute_month
from szo_core.model import Child, Decision, Program, ProgramPrice

ORG = "batch"
MONTH = Month(2026, 9)
RULES = FeeRules(host_municipality=61)
PROGRAM = Program(
    organisation_id=ORG,
    code="I",
    prices=(
        ProgramPrice(
            valid_from=date(2025, 9, 1), monthly=Decimal("500.00"), food_per_day=Decimal("2.50")
        ),
    ),
)


def _child(code: int, enrolled: date, coefficient: str | None) -> tuple[Child, FeeInputs]:
    child = Child(organisation_id=ORG, code=code, municipality_code=61, enrollment_date=enrolled)
    decisions = (
        ()
        if coefficient is None
        else (
            Decision(
                organisation_id=ORG,
                id=f"d-{code}",
                child_code=code,
                number=f"{code}/26",
                coefficient=Decimal(coefficient),
                valid_from=date(2026, 9, 1),
            ),
        )
    )
    return child, FeeInputs(programs=(PROGRAM,), program_code="I", decisions=decisions)


CHILDREN = [_child(code, date(2026, 9, code), "0.43") for code in range(1, 6)]


@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.sampled_from([None, "0", "0.10", "0.35", "0.53", "0.77"])),
        max_size=8,
    )
)
def test_a_batch_is_the_statements_of_compute_one_by_one(
    rows: list[tuple[int, str | None]],
) -> None:
    children = [_child(i + 1, date(2026, 9, day), c) for i, (day, c) in enumerate(rows)]
    expected = tuple(compute(MONTH, child, inputs, RULES) for child, inputs in children)
    assert compute_month(MONTH, children, RULES) == expected
    assert compute_month(MONTH, iter(children), RULES) == expected


def test_the_collector_is_paused_over_a_sequence_and_on_again_after() -> None:
    assert gc.isenabled()
    seen: list[bool] = []
    compute_month(
        MONTH, CHILDREN, RULES, progress=lambda d, t: seen.append(gc.isenabled()), every=2
    )
    # progress runs inside the batch for 2 and 4 done, and after it for the last (5)
    assert seen == [False, False, True]
    assert gc.isenabled()


def test_a_lazy_iterable_is_consumed_with_the_collector_on() -> None:
    seen: list[bool] = []

    def produce() -> Iterator[tuple[Child, FeeInputs]]:
        for item in CHILDREN:
            seen.append(gc.isenabled())
            yield item

    compute_month(MONTH, produce(), RULES)
    assert seen == [True] * len(CHILDREN)


def test_the_collector_is_on_again_after_an_error() -> None:
    child = Child(
        organisation_id=ORG, code=9, municipality_code=61, enrollment_date=date(2026, 9, 1)
    )
    broken = (child, FeeInputs(programs=(), program_code="I"))  # the program is missing
    with pytest.raises(FeeRuleError):
        compute_month(MONTH, [*CHILDREN, broken], RULES)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        seen: list[bool] = []
        compute_month(MONTH, CHILDREN, RULES, progress=lambda d, t: seen.append(gc.isenabled()))
        assert seen == [False]
        assert not gc.isenabled()
    finally:
        gc.enable()
