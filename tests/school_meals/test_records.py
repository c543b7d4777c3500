"""The new records refuse bad input with clear errors, and round-trip through storage."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from szo_core.errors import InvalidComponent
from szo_core.model.care_home import (
    CareHomeSettings,
    CarePaymentDecision,
    CategoryPrice,
    RelativeShare,
    RoomExtra,
)
from szo_core.model.school import (
    DeadlineRule,
    IncomeClassRecord,
    MealCancellation,
    MealPrice,
    MealSignup,
    SchoolMealSettings,
)


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidComponent) as info:
        MealSignup(
            organisation_id="os",
            id="s",
            child_code=1,
            meal="lunch",
            valid_from=date(2026, 9, 2),
            valid_to=date(2026, 9, 1),
        )
    assert info.value.code == "record.period"
    assert info.value.where == "MealSignup.valid_to"
    assert isinstance(info.value, ValueError)
    assert info.value.sl
    assert info.value.en
    with pytest.raises(InvalidComponent):
        MealCancellation(
            organisation_id="os",
            id="c",
            child_code=1,
            start=date(2026, 9, 2),
            end=date(2026, 9, 1),
            made_at=datetime(2026, 9, 1, 7),
        )


def test_money_is_a_decimal_in_cents_never_a_float() -> None:
    with pytest.raises(TypeError):
        MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=3.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidComponent) as info:
        MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.005"))
    assert info.value.code == "record.price"
    with pytest.raises(InvalidComponent):
        CategoryPrice(category="II", valid_from=date(2026, 1, 1), daily=Decimal("-1.00"))
    with pytest.raises(TypeError):
        RelativeShare(payer_id="x", monthly=150.0)  # type: ignore[arg-type]


def test_income_classes_percentages_and_kinds_are_checked() -> None:
    with pytest.raises(InvalidComponent) as info:
        IncomeClassRecord(
            organisation_id="os", id="i", child_code=1, valid_from=date(2026, 1, 1), income_class=10
        )
    assert info.value.code == "record.income_class"
    with pytest.raises(InvalidComponent) as info:
        RoomExtra(room="single", valid_from=date(2026, 1, 1), percent=Decimal(101))
    assert info.value.code == "record.percent"
    with pytest.raises(ValueError, match="hospital"):
        DeadlineRule(valid_from=date(2026, 1, 1), kind="hospital", by=time(8))
    with pytest.raises(ValueError, match="V"):
        CategoryPrice(category="V", valid_from=date(2026, 1, 1), daily=Decimal("1.00"))


def test_collections_are_tuples() -> None:
    s = SchoolMealSettings(
        organisation_id="os",
        prices=[MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.00"))],
    )
    assert isinstance(s.prices, tuple)
    d = CarePaymentDecision(
        organisation_id="d",
        id="1",
        resident_code=1,
        number="1",
        valid_from=date(2026, 1, 1),
        relatives=[RelativeShare(payer_id="x", monthly=Decimal("1.00"))],
    )
    assert isinstance(d.relatives, tuple)
    assert isinstance(CareHomeSettings(organisation_id="d", caps=[]).caps, tuple)
