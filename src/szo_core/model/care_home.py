"""Care homes (domovi starejših): stays, absences, payment decisions, prices.

A resident is a :class:`~szo_core.model.Child` of the register (the register's
person record: code, enrollment and exit days, payer).  Around it:

* :class:`CareStay`: the resident's dated history of care category (Oskrba I,
  II, III.A, III.B, IV: :class:`CareCategory`), room and regime
  (:class:`CareRegime`: the old ZSV one, or the new ZDOsk-1 one the resident
  consented to); a change during the month splits it;
* :class:`CareAbsence`: days away, with the day the absence was announced;
* :class:`CarePaymentDecision`: who pays by the social work centre's (CSD)
  decision (ZSV Art. 100): the resident up to an amount a month, liable
  relatives (:class:`RelativeShare`) up to theirs, the municipality the rest;
* :class:`CareHomeSettings`: daily prices by category (:class:`CategoryPrice`),
  room extras as a percentage of Oskrba I (:class:`RoomExtra`), the daily food
  cost, the absence rule, the new regime's prices (:class:`NewRegimePrice`) and
  cap (:class:`MonthlyCap`), and who receives the care part's claim.

>>> from datetime import date
>>> stay = CareStay(valid_from=date(2026, 9, 1), category="III.A", room="single")
>>> str(stay.category), str(stay.regime)
('III.A', 'zsv')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from szo_core.errors import InvalidComponent
from szo_core.model import _validators as v

__all__ = [
    "AbsenceDeduction",
    "CareAbsence",
    "CareCategory",
    "CareHomeSettings",
    "CarePaymentDecision",
    "CareRegime",
    "CareStay",
    "CategoryPrice",
    "FoodCost",
    "MonthlyCap",
    "NewRegimePrice",
    "RelativeShare",
    "ResidentStays",
    "RoomExtra",
]

_str = v.instance_of(str)
_int = v.instance_of(int)
_date = v.instance_of(date)
_version = v.and_(v.instance_of(int), v.ge(0))


class CareCategory(enum.StrEnum):
    """Care categories of the old regime (the Pravilnik on social-care service prices)."""

    I = "I"  # noqa: E741 - the category's own name
    """Oskrba I."""
    II = "II"
    """Oskrba II."""
    IIIA = "III.A"
    """Oskrba III.A."""
    IIIB = "III.B"
    """Oskrba III.B."""
    IV = "IV"
    """Oskrba IV (dementia)."""


class CareRegime(enum.StrEnum):
    """Which system a resident is billed under (side by side since 1 Dec 2025)."""

    ZSV = "zsv"
    """The old regime (ZSV): the daily price by care category."""
    ZDOSK = "zdosk-1"
    """The new long-term-care regime (ZDOsk-1): accommodation and food, under a cap; the
    care part is claimed separately."""


class AbsenceDeduction(enum.StrEnum):
    """What an absence day takes off the price."""

    FOOD_COST = "food_cost"
    """The daily food cost (Pravilnik, as amended in Ur. l. RS 107/2002)."""
    FLAT = "flat"
    """A flat amount per day (some homes)."""


def _money(instance: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not isinstance(value, Decimal):  # a float too: money is never a float
        raise TypeError(f"{type(instance).__name__}.{attribute.name} must be a Decimal")
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise InvalidComponent(
            "record.price",
            sl="Znesek mora biti nenegativen in v centih.",
            en="An amount must be non-negative and in cents.",
            where=f"{type(instance).__name__}.{attribute.name}",
        )


def _optional_money(
    instance: object, attribute: attrs.Attribute[Decimal | None], value: Decimal | None
) -> None:
    if value is not None:
        _money(instance, attribute, value)  # type: ignore[arg-type]


def _percent(instance: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{type(instance).__name__}.{attribute.name} must be a Decimal")
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise InvalidComponent(
            "record.percent",
            sl="Odstotek mora biti med 0 in 100.",
            en="A percentage is between 0 and 100.",
            where=f"{type(instance).__name__}.{attribute.name}",
        )


def _end_after_start(instance: object, attribute: attrs.Attribute[date], value: date) -> None:
    start = getattr(instance, "start", None) or getattr(instance, "valid_from", None)
    if value is not None and start is not None and value < start:
        raise InvalidComponent(
            "record.period",
            sl="Konec obdobja je pred začetkom.",
            en="The period ends before it starts.",
            where=f"{type(instance).__name__}.{attribute.name}",
        )


def _tuple_of(kind: type) -> v.Validator:
    return v.deep_iterable(v.instance_of(kind))


def _relatives_tuple(value: Iterable[RelativeShare]) -> tuple[RelativeShare, ...]:
    return v.to_tuple(value)


def _category_prices_tuple(value: Iterable[CategoryPrice]) -> tuple[CategoryPrice, ...]:
    return v.to_tuple(value)


def _room_extras_tuple(value: Iterable[RoomExtra]) -> tuple[RoomExtra, ...]:
    return v.to_tuple(value)


def _food_tuple(value: Iterable[FoodCost]) -> tuple[FoodCost, ...]:
    return v.to_tuple(value)


def _new_regime_prices_tuple(value: Iterable[NewRegimePrice]) -> tuple[NewRegimePrice, ...]:
    return v.to_tuple(value)


def _caps_tuple(value: Iterable[MonthlyCap]) -> tuple[MonthlyCap, ...]:
    return v.to_tuple(value)


def _stays_tuple(value: Iterable[CareStay]) -> tuple[CareStay, ...]:
    return v.to_tuple(value)


@attrs.frozen(kw_only=True)
class CareStay:
    """From ``valid_from`` on, the resident's category, room and regime."""

    valid_from: date = attrs.field(validator=_date)
    category: CareCategory = attrs.field(converter=CareCategory)
    room: str = attrs.field(default="", validator=_str)
    """The room kind (a key of the room extras and the new regime's prices); "" for the base."""
    regime: CareRegime = attrs.field(default=CareRegime.ZSV, converter=CareRegime)


@attrs.frozen(kw_only=True)
class CareAbsence:
    """Days away from the home (both inclusive), with the day it was announced (or None)."""

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    resident_code: int = attrs.field(validator=_int)
    start: date = attrs.field(validator=_date)
    end: date = attrs.field(validator=[_date, _end_after_start])
    announced_on: date | None = attrs.field(default=None, validator=v.optional(_date))
    version: int = attrs.field(default=0, validator=_version)


@attrs.frozen(kw_only=True)
class RelativeShare:
    """A liable relative (zavezanec) and what the decision has them pay a month at most."""

    payer_id: str = attrs.field(validator=_str)
    monthly: Decimal = attrs.field(validator=_money)


@attrs.frozen(kw_only=True)
class CarePaymentDecision:
    """Who pays the resident's price (ZSV Art. 100), from ``valid_from`` through ``valid_to``.

    The resident pays first, up to ``resident_monthly`` (None: everything), then
    each relative up to its amount, then the municipality the rest (what the
    CSD exempts them from).  Amounts a month are pro-rated by the calendar days
    the decision is in force in the month.

    Attributes:
        organisation_id: The home.
        id: The decision's id.
        resident_code: The resident.
        number: The decision's number as printed.
        valid_from: First day (inclusive).
        valid_to: Last day (inclusive), None while open.
        resident_monthly: The most the resident pays a month, None for all.
        relatives: The liable relatives, in the order they pay.
        municipality_code: The municipality that pays the rest (None: the
            host municipality of the rules).
        version: Optimistic-concurrency version.
    """

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    resident_code: int = attrs.field(validator=_int)
    number: str = attrs.field(validator=_str)
    valid_from: date = attrs.field(validator=_date)
    valid_to: date | None = attrs.field(
        default=None, validator=[v.optional(_date), _end_after_start]
    )
    resident_monthly: Decimal | None = attrs.field(default=None, validator=_optional_money)
    relatives: tuple[RelativeShare, ...] = attrs.field(
        default=(), converter=_relatives_tuple, validator=_tuple_of(RelativeShare)
    )
    municipality_code: int | None = attrs.field(default=None, validator=v.optional(_int))
    version: int = attrs.field(default=0, validator=_version)

    def covers(self, day: date) -> bool:
        """True if the decision is in force on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@attrs.frozen(kw_only=True, cache_hash=True)
class CategoryPrice:
    """The daily price of a care category from ``valid_from`` on."""

    category: CareCategory = attrs.field(converter=CareCategory)
    valid_from: date = attrs.field(validator=_date)
    daily: Decimal = attrs.field(validator=_money)


@attrs.frozen(kw_only=True, cache_hash=True)
class RoomExtra:
    """A room's extra from ``valid_from`` on: ``percent`` of the Oskrba I daily price."""

    room: str = attrs.field(validator=_str)
    valid_from: date = attrs.field(validator=_date)
    percent: Decimal = attrs.field(validator=_percent)


@attrs.frozen(kw_only=True, cache_hash=True)
class FoodCost:
    """The daily food cost (deducted for absence days) from ``valid_from`` on."""

    valid_from: date = attrs.field(validator=_date)
    daily: Decimal = attrs.field(validator=_money)


@attrs.frozen(kw_only=True, cache_hash=True)
class NewRegimePrice:
    """The new regime's daily prices for a room from ``valid_from`` on (ZDOsk-1).

    Attributes:
        room: The room kind.
        valid_from: First day.
        accommodation: Accommodation and food a day, paid by the resident.
        care: The care part a day, claimed from the long-term-care recipient.
    """

    room: str = attrs.field(validator=_str)
    valid_from: date = attrs.field(validator=_date)
    accommodation: Decimal = attrs.field(validator=_money)
    care: Decimal = attrs.field(validator=_money)


@attrs.frozen(kw_only=True, cache_hash=True)
class MonthlyCap:
    """The most a new-regime resident pays a month for accommodation and food, by room."""

    room: str = attrs.field(validator=_str)
    valid_from: date = attrs.field(validator=_date)
    amount: Decimal = attrs.field(validator=_money)
    source: str = attrs.field(default="", validator=_str)


@attrs.frozen(kw_only=True, cache_hash=True)
class CareHomeSettings:
    """A care home's prices and rules (one record per home).

    Attributes:
        organisation_id: The home.
        category_prices: Daily prices by category, dated.
        room_extras: Room extras (percent of Oskrba I), dated.
        food: The daily food cost, dated.
        deduction: What an absence day takes off (food cost or flat).
        flat_per_day: The flat deduction a day (with :attr:`AbsenceDeduction.FLAT`).
        notice_days: An absence announced at least this many days ahead is
            deducted from its first day (2).
        unannounced_from_day: Otherwise from this day of the absence (4: after
            the third day).
        new_regime_prices: The new regime's prices by room, dated.
        caps: The new regime's monthly caps by room, dated (the package's
            :data:`~szo_core.fees.care_home.ZDOSK_CAPS` when empty).
        care_recipient: Who the care part is claimed from (payer id of the claim).
        version: Optimistic-concurrency version.
    """

    organisation_id: str = attrs.field(validator=_str)
    category_prices: tuple[CategoryPrice, ...] = attrs.field(
        default=(), converter=_category_prices_tuple, validator=_tuple_of(CategoryPrice)
    )
    room_extras: tuple[RoomExtra, ...] = attrs.field(
        default=(), converter=_room_extras_tuple, validator=_tuple_of(RoomExtra)
    )
    food: tuple[FoodCost, ...] = attrs.field(
        default=(), converter=_food_tuple, validator=_tuple_of(FoodCost)
    )
    deduction: AbsenceDeduction = attrs.field(
        default=AbsenceDeduction.FOOD_COST, converter=AbsenceDeduction
    )
    flat_per_day: Decimal = attrs.field(default=Decimal("0.00"), validator=_money)
    notice_days: int = attrs.field(default=2, validator=v.and_(_int, v.ge(0)))
    unannounced_from_day: int = attrs.field(default=4, validator=v.and_(_int, v.ge(1)))
    new_regime_prices: tuple[NewRegimePrice, ...] = attrs.field(
        default=(), converter=_new_regime_prices_tuple, validator=_tuple_of(NewRegimePrice)
    )
    caps: tuple[MonthlyCap, ...] = attrs.field(
        default=(), converter=_caps_tuple, validator=_tuple_of(MonthlyCap)
    )
    care_recipient: str = attrs.field(default="ZZZS", validator=_str)
    version: int = attrs.field(default=0, validator=_version)


@attrs.frozen(kw_only=True)
class ResidentStays:
    """A resident's whole stay history (:class:`CareStay` entries), stored as one record.

    Attributes:
        organisation_id: The home.
        resident_code: The resident (the register's code).
        stays: The entries, any order (the one with the latest ``valid_from`` on
            or before a day is in force that day).
        version: Optimistic-concurrency version.

    >>> ResidentStays(organisation_id="dom", resident_code=3, stays=(
    ...     CareStay(valid_from=date(2026, 1, 1), category="II"),)).id
    '3'
    """

    organisation_id: str = attrs.field(validator=_str)
    resident_code: int = attrs.field(validator=_int)
    stays: tuple[CareStay, ...] = attrs.field(
        default=(), converter=_stays_tuple, validator=_tuple_of(CareStay)
    )
    version: int = attrs.field(default=0, validator=_version)

    @property
    def id(self) -> str:
        """The record's key: the resident's code as text."""
        return str(self.resident_code)
