"""School meals (šolska prehrana, ZŠolPre-1): sign-ups, cancellations, income classes, prices.

A pupil is a :class:`~szo_core.model.Child` of the register (the register serves
"ŠOLA in VRTEC" alike: code, enrollment and exit days, guardians, payer).  Around
it, school meals need:

* :class:`MealSignup` (prijava): the pupil takes a meal (:class:`MealKind`) on
  every school day from ``valid_from`` through ``valid_to`` (both inclusive;
  usually one school year);
* :class:`MealCancellation` (odjava): the pupil does not take a meal (or any
  meal) on the days ``start`` ... ``end``, cancelled at ``made_at``; whether in
  time is for the school's :class:`DeadlineRule` to say;
* :class:`IncomeClassRecord`: the family's income class and the right to a free
  malica, dated, as the central register (CEUVIZ) gives them: never typed in
  per month;
* :class:`SchoolMealSettings`: the school's prices per meal (dated
  :class:`MealPrice`), its cancellation deadline rule (dated), its own free days
  (:class:`FreeDay`: holidays, the school calendar's days without lessons), and
  whether the first day of a sudden illness keeps the subsidy.

>>> from datetime import date, datetime, time
>>> from decimal import Decimal
>>> signup = MealSignup(organisation_id="os", id="s1", child_code=7, meal=MealKind.LUNCH,
...     valid_from=date(2026, 9, 1), valid_to=date(2027, 6, 24))
>>> signup.covers(date(2026, 10, 5)), str(signup.meal)
(True, 'lunch')
>>> rule = DeadlineRule(valid_from=date(2020, 1, 1), kind=DeadlineKind.SAME_DAY, by=time(8, 30))
>>> rule.by
datetime.time(8, 30)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

import attrs

from szo_core.errors import InvalidComponent
from szo_core.model import _validators as v

__all__ = [
    "DeadlineKind",
    "DeadlineRule",
    "FreeDay",
    "IncomeClassRecord",
    "MealCancellation",
    "MealKind",
    "MealPrice",
    "MealSignup",
    "SchoolMealSettings",
]

_str = v.instance_of(str)
_int = v.instance_of(int)
_date = v.instance_of(date)
_version = v.and_(v.instance_of(int), v.ge(0))


class MealKind(enum.StrEnum):
    """The meals a school serves (ZŠolPre-1 Art. 3), in the order of the day."""

    BREAKFAST = "breakfast"
    """Zajtrk."""
    MALICA = "malica"
    """Dopoldanska malica: the morning snack, priced by the minister."""
    LUNCH = "lunch"
    """Kosilo."""
    SNACK = "snack"
    """Popoldanska malica: the afternoon snack."""


class DeadlineKind(enum.StrEnum):
    """How a school's cancellation deadline is set (ZŠolPre-1 Art. 10: the school's own rule)."""

    SAME_DAY = "same_day"
    """By a time on the day of the meal (e.g. 8:30)."""
    PREVIOUS_WORKING_DAY = "previous_working_day"
    """By a time on the working day before the meal (e.g. 12:00)."""


def _end_after_start(instance: object, attribute: attrs.Attribute[date], value: date) -> None:
    start = getattr(instance, "start", None) or getattr(instance, "valid_from", None)
    if value is not None and start is not None and value < start:
        raise InvalidComponent(
            "record.period",
            sl="Konec obdobja je pred začetkom.",
            en="The period ends before it starts.",
            where=f"{type(instance).__name__}.{attribute.name}",
        )


def _money(instance: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not isinstance(value, Decimal):  # a float too: money is never a float
        raise TypeError(f"{type(instance).__name__}.{attribute.name} must be a Decimal")
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise InvalidComponent(
            "record.price",
            sl="Cena mora biti nenegativen znesek v centih.",
            en="A price must be a non-negative amount in cents.",
            where=f"{type(instance).__name__}.{attribute.name}",
        )


def _income_class(
    instance: object, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and not 1 <= value <= 9:
        raise InvalidComponent(
            "record.income_class",
            sl="Dohodkovni razred mora biti med 1 in 9.",
            en="An income class is between 1 and 9.",
            where=f"{type(instance).__name__}.{attribute.name}",
        )


@attrs.frozen(kw_only=True)
class MealSignup:
    """A pupil's sign-up for one meal (prijava na obrok), both days inclusive.

    Attributes:
        organisation_id: The school.
        id: The sign-up's id within the school.
        child_code: The pupil.
        meal: Which meal.
        valid_from: First day (inclusive).
        valid_to: Last day (inclusive), None while open.
        version: Optimistic-concurrency version.
    """

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    child_code: int = attrs.field(validator=_int)
    meal: MealKind = attrs.field(converter=MealKind)
    valid_from: date = attrs.field(validator=_date)
    valid_to: date | None = attrs.field(
        default=None, validator=[v.optional(_date), _end_after_start]
    )
    version: int = attrs.field(default=0, validator=_version)

    def covers(self, day: date) -> bool:
        """True if the pupil is signed up on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@attrs.frozen(kw_only=True)
class MealCancellation:
    """A cancellation (odjava) of one meal, or of every meal, for days ``start`` ... ``end``.

    Attributes:
        organisation_id: The school.
        id: The cancellation's id within the school.
        child_code: The pupil.
        start: First cancelled day (inclusive).
        end: Last cancelled day (inclusive).
        made_at: When the parents cancelled: an aware datetime, or a naive one
            read as Ljubljana time.
        meal: The meal cancelled; None for every meal the pupil takes.
        sudden_illness: The pupil fell ill suddenly: on the first day the
            subsidy is kept even when the cancellation was late (if the school's
            settings say so).
        version: Optimistic-concurrency version.

    >>> from datetime import datetime
    >>> MealCancellation(organisation_id="os", id="c1", child_code=7, start=date(2026, 10, 5),
    ...     end=date(2026, 10, 6), made_at=datetime(2026, 10, 5, 7, 45)).meal is None
    True
    """

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    child_code: int = attrs.field(validator=_int)
    start: date = attrs.field(validator=_date)
    end: date = attrs.field(validator=[_date, _end_after_start])
    made_at: datetime = attrs.field(validator=v.instance_of(datetime))
    meal: MealKind | None = attrs.field(default=None, converter=attrs.converters.optional(MealKind))
    sudden_illness: bool = attrs.field(default=False, validator=v.instance_of(bool))
    version: int = attrs.field(default=0, validator=_version)

    def covers(self, day: date, meal: MealKind) -> bool:
        """True if ``meal`` on ``day`` is cancelled by this record."""
        return self.start <= day <= self.end and (self.meal is None or self.meal is meal)


@attrs.frozen(kw_only=True)
class IncomeClassRecord:
    """The family's income class and the right to a free malica, dated (CEUVIZ).

    The central register gives both from the child-benefit decision (the
    average monthly income per person as a share of the net average wage): a
    free malica up to 53 %, the lunch subsidy by the income class.  They usually
    agree (class 5 ends at 53 %); the SDK takes each as the register gives it.

    Attributes:
        organisation_id: The school.
        id: The record's id within the school.
        child_code: The pupil.
        valid_from: First day (inclusive).
        valid_to: Last day (inclusive), None while open.
        income_class: The income class (1 ... 9), None when the family has no
            decision (no subsidy).
        free_malica: The pupil has the right to a free malica.
        version: Optimistic-concurrency version.
    """

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    child_code: int = attrs.field(validator=_int)
    valid_from: date = attrs.field(validator=_date)
    valid_to: date | None = attrs.field(
        default=None, validator=[v.optional(_date), _end_after_start]
    )
    income_class: int | None = attrs.field(
        default=None, validator=[v.optional(_int), _income_class]
    )
    free_malica: bool = attrs.field(default=False, validator=v.instance_of(bool))
    version: int = attrs.field(default=0, validator=_version)

    def covers(self, day: date) -> bool:
        """True if the record is in force on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@attrs.frozen(kw_only=True, cache_hash=True)
class MealPrice:
    """The price of one meal from ``valid_from`` on (until the next entry of the meal)."""

    meal: MealKind = attrs.field(converter=MealKind)
    valid_from: date = attrs.field(validator=_date)
    price: Decimal = attrs.field(validator=_money)


@attrs.frozen(kw_only=True)
class DeadlineRule:
    """The school's cancellation deadline from ``valid_from`` on."""

    valid_from: date = attrs.field(validator=_date)
    kind: DeadlineKind = attrs.field(converter=DeadlineKind)
    by: time = attrs.field(validator=v.instance_of(time))


@attrs.frozen(kw_only=True)
class FreeDay:
    """Days without school (both inclusive): holidays, the school calendar's own free days."""

    start: date = attrs.field(validator=_date)
    end: date = attrs.field(validator=[_date, _end_after_start])
    name: str = attrs.field(default="", validator=_str)

    def covers(self, day: date) -> bool:
        """True if ``day`` is one of these days."""
        return self.start <= day <= self.end


def _tuple_of(kind: type) -> v.Validator:
    return v.deep_iterable(v.instance_of(kind))


def _prices_tuple(value: Iterable[MealPrice]) -> tuple[MealPrice, ...]:
    return v.to_tuple(value)


def _deadlines_tuple(value: Iterable[DeadlineRule]) -> tuple[DeadlineRule, ...]:
    return v.to_tuple(value)


def _free_days_tuple(value: Iterable[FreeDay]) -> tuple[FreeDay, ...]:
    return v.to_tuple(value)


@attrs.frozen(kw_only=True, cache_hash=True)
class SchoolMealSettings:
    """A school's meal settings: prices, deadline, free days (one record per school).

    Attributes:
        organisation_id: The school.
        prices: Dated prices per meal; the malica's price is the minister's
            (:data:`szo_core.fees.school_meals.MINISTRY_MALICA_PRICES`) unless an
            entry here sets another.
        deadlines: The cancellation deadline rule, dated.
        free_days: Days without school besides the public holidays.
        illness_keeps_subsidy: On the first day of a sudden illness a late
            cancellation keeps the subsidy (ZŠolPre-1 practice; default True).
        version: Optimistic-concurrency version.

    >>> from decimal import Decimal
    >>> s = SchoolMealSettings(organisation_id="os", prices=(MealPrice(meal="lunch",
    ...     valid_from=date(2026, 9, 1), price=Decimal("3.00")),))
    >>> s.prices[0].price, s.illness_keeps_subsidy
    (Decimal('3.00'), True)
    """

    organisation_id: str = attrs.field(validator=_str)
    prices: tuple[MealPrice, ...] = attrs.field(
        default=(), converter=_prices_tuple, validator=_tuple_of(MealPrice)
    )
    deadlines: tuple[DeadlineRule, ...] = attrs.field(
        default=(), converter=_deadlines_tuple, validator=_tuple_of(DeadlineRule)
    )
    free_days: tuple[FreeDay, ...] = attrs.field(
        default=(), converter=_free_days_tuple, validator=_tuple_of(FreeDay)
    )
    illness_keeps_subsidy: bool = attrs.field(default=True, validator=v.instance_of(bool))
    version: int = attrs.field(default=0, validator=_version)
