"""Configuration of the fee engine: global rules and each municipality's own rules.

:class:`FeeRules` holds what is the same for the whole kindergarten (proration,
rounding, exit rule, default coefficients, the sibling scale, the working
calendar with the organisation's closure days).  :class:`MunicipalRules` holds
what each regresor municipality decides for its own residents by its *sklep*:
the food-deduction notice rule, extra discounts (ZVrt Art. 28b) and
reservation schemes.  A child is billed under the rules of its regresor (the
municipality of permanent residence, ZVrt Art. 28(4)); a municipality that has
no rules configured falls back to the host municipality's rules.

Every option and its default is listed in ``docs/fees.md``.

>>> from decimal import Decimal
>>> rules = FeeRules(host_municipality=61)
>>> rules.proration_basis, rules.rounding_point, rules.exit_rule
(<ProrationBasis.WORKING_DAYS: 'working_days'>, <RoundingPoint.MONTH_TOTAL: 'month_total'>, \
<ExitRule.EXACT_DAY: 'exact_day'>)
>>> rules.default_coefficient, rules.non_taxpayer_coefficient
(Decimal('0.77'), Decimal('1.00'))
>>> rules.municipal(61).food.from_absence_day
1
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import attrs
from attrs import validators as v

from szo_core.calendar import WorkingCalendar, default_calendar
from szo_core.errors import ConfigurationError
from szo_core.fees.siblings import SiblingScale, default_sibling_scale
from szo_core.model import ReservationKind

__all__ = [
    "ZUPJS_COEFFICIENTS",
    "DiscountKind",
    "ExitRule",
    "ExtraDiscount",
    "FeeRules",
    "FoodDeductionMode",
    "FoodDeductionRule",
    "LengthUnit",
    "MunicipalRules",
    "ProrationBasis",
    "RateStep",
    "ReservationBasis",
    "ReservationScheme",
    "RoundingPoint",
]

ZUPJS_COEFFICIENTS: Final[tuple[Decimal, ...]] = tuple(
    Decimal(x) for x in ("0", "0.10", "0.20", "0.30", "0.35", "0.43", "0.53", "0.66", "0.77")
)
"""Parents' share by payment class 1 to 9 (ZUPJS Art. 24, from 1. 1. 2012)."""


class ProrationBasis(enum.StrEnum):
    """How a partial month is pro-rated."""

    WORKING_DAYS = "working_days"
    """Enrolled working days over the month's working days (default; SAOP, Vasco)."""
    CALENDAR_DAYS = "calendar_days"
    """Enrolled calendar days over the month's calendar days."""
    WHOLE_MONTH = "whole_month"
    """Any enrolled day bills the whole month."""


class RoundingPoint(enum.StrEnum):
    """Where amounts are rounded to cents."""

    MONTH_TOTAL = "month_total"
    """Each payer's month total is rounded once (default; SAOP: 485 × 22/23 = 463.91)."""
    DAILY_RATE = "daily_rate"
    """The price per billing day is rounded first, then multiplied by days (eVaka)."""


class ExitRule(enum.StrEnum):
    """When a child's exit (izpis) takes effect for billing."""

    EXACT_DAY = "exact_day"
    """Billed up to and including the exit day (default)."""
    END_OF_MONTH = "end_of_month"
    """Billed to the end of the month of the exit day (Vrtec Lavra)."""
    NOTICE_BY_DAY = "notice_by_day"
    """Notice by day N of a month: billed to the end of that month; later notice:
    to the end of the next month; never before the exit day's month ends (Trebnje, Litija)."""


class FoodDeductionMode(enum.StrEnum):
    """Who gets the unused food back."""

    PROPORTIONAL = "proportional"
    """Each payer in proportion to its share: the price itself is lowered (Art. 17; default)."""
    PARENTS_FIRST = "parents_first"
    """The parents get the whole daily food cost back, up to their share for those days."""


@attrs.frozen(kw_only=True)
class FoodDeductionRule:
    """Which absence days lower the price by the daily food cost.

    Attributes:
        requires_notice: Only announced absences count (default True).
        notice_by: A day counts as announced when the absence was announced at
            or before this time on that day (or any earlier day); default 08:00
            (Šempas, Ig, Kungota, Biba Šmarje-Sap).  A later announcement lowers
            the price from the next working day on.
        from_absence_day: Deduct from the N-th working day of each absence
            (1 = from the first day, the default; 2 = Pivka, or notice after the
            deadline takes effect the next day, Šentvid).
        mode: Proportional to each payer's share (default) or parents first.
        source: Where the rule comes from, quoted on statement lines.

    >>> FoodDeductionRule(from_absence_day=2).requires_notice
    True
    """

    requires_notice: bool = True
    notice_by: time = time(8, 0)
    from_absence_day: int = attrs.field(default=1, validator=v.ge(1))
    mode: FoodDeductionMode = FoodDeductionMode.PROPORTIONAL
    source: str = "Pravilnik o metodologiji za oblikovanje cen programov v vrtcih, Art. 17"


class DiscountKind(enum.StrEnum):
    """The four forms of a municipality's extra discount (ZVrt Art. 28b)."""

    LOWER_PRICE_BASE = "lower_price_base"
    """The parents' coefficient applies to a lower price (Murska Sobota 2012)."""
    PERCENT_BY_CLASS = "percent_by_class"
    """A percentage off the parents' amount, by coefficient (Maribor, MOL)."""
    CLASS_LOWER = "class_lower"
    """The next lower ZUPJS class (Jesenice)."""
    FIXED_AMOUNT = "fixed_amount"
    """A fixed amount per whole month, pro-rated like the price."""


def _decimal_map(
    value: Mapping[str, Decimal] | Mapping[Decimal, Decimal] | Iterable[tuple[Decimal, Decimal]],
) -> tuple[tuple[Decimal, Decimal], ...]:
    pairs = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((Decimal(k), Decimal(x)) for k, x in pairs))


@attrs.frozen(kw_only=True)
class ExtraDiscount:
    """A municipality's extra discount for parents (ZVrt Art. 28b).

    The municipality pays what the parents no longer pay.  A discount never takes
    the parents' amount below zero and never changes the state's share.

    Attributes:
        kind: Which of the four forms.
        price_bases: For ``LOWER_PRICE_BASE``: ``(program code, lower monthly price)``.
        percent_by_coefficient: For ``PERCENT_BY_CLASS``: ``(coefficient, fraction off)``
            pairs, e.g. ``(Decimal("0.77"), Decimal("0.255"))``.
        amount: For ``FIXED_AMOUNT``: euros off a whole month.
        first_child_only: Only for a child the state does not co-finance (order 1).
        residents_only: Only for children whose regresor is the municipality whose
            rules these are (not when its rules are used as the fallback).
        source: The municipal act, quoted on statement lines.

    >>> d = ExtraDiscount(kind=DiscountKind.PERCENT_BY_CLASS,
    ...                   percent_by_coefficient={"0.77": Decimal("0.255")})
    >>> d.percent_for(Decimal("0.77"))
    Decimal('0.255')
    >>> d.percent_for(Decimal("0.10"))
    Decimal('0')
    """

    kind: DiscountKind
    price_bases: tuple[tuple[str, Decimal], ...] = ()
    percent_by_coefficient: tuple[tuple[Decimal, Decimal], ...] = attrs.field(
        default=(), converter=_decimal_map
    )
    amount: Decimal = Decimal(0)
    first_child_only: bool = True
    residents_only: bool = True
    source: str = ""

    def percent_for(self, coefficient: Decimal) -> Decimal:
        """The fraction off for ``coefficient`` (0 when it is not listed)."""
        for key, value in self.percent_by_coefficient:
            if key == coefficient:
                return value
        return Decimal(0)

    def price_base_for(self, program_code: str) -> Decimal | None:
        """The lower price base for ``program_code``, or None."""
        for code, price in self.price_bases:
            if code == program_code:
                return price
        return None


class ReservationBasis(enum.StrEnum):
    """What the parents pay for a reserved day."""

    PERCENT = "percent"
    """A percentage of their assigned payment (coefficient × price) for those days."""
    FLAT_PER_DAY = "flat_per_day"
    """A flat amount per reserved working day."""


class LengthUnit(enum.StrEnum):
    """The unit of a scheme's length limits, caps and rate steps."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


@attrs.frozen
class RateStep:
    """From the ``from_day``-th day of a reservation on, parents pay ``rate``.

    Lets one scheme grade its rate by day (Grosuplje: 100 %, 80 %, 60 % ...) or
    by month (Maribor: 30 % the first 30 days, then 0).

    >>> RateStep(31, Decimal("0")).from_day
    31
    """

    from_day: int = attrs.field(validator=v.ge(1))
    rate: Decimal = attrs.field(validator=v.instance_of(Decimal))


def _steps(value: tuple[RateStep, ...] | list[RateStep]) -> tuple[RateStep, ...]:
    return tuple(sorted(value, key=lambda s: s.from_day))


@attrs.frozen(kw_only=True)
class ReservationScheme:
    """One municipality's reservation scheme (summer or sick).

    A reservation is *charged as a reservation* only if it fits every condition
    here; otherwise its days are treated as announced absence (food deducted,
    price otherwise normal).  Days beyond the yearly cap are also announced
    absence.

    Attributes:
        kinds: Which kinds of reservation the scheme takes (both by default).
        basis: Percentage of the assigned payment, or flat per day.
        rate: The percentage (as a fraction, 0.30) or the flat euros per day.
        rate_steps: Optional graded rates by day of the reservation; the first
            step's ``from_day`` should be 1 (``rate`` is used before it).
        after_food: With ``PERCENT``, the percentage applies to the assigned
            payment already lowered by the food cost of the reserved days
            (default True; Domžale, Koper); False: to the full price (MOL).
        window: ``((month, day), (month, day))``: the reservation must lie within
            it in its year (e.g. ``((6, 1), (9, 30))``); None for any time.
        min_length: Minimum length of the reservation, in ``unit``.
        max_length: Maximum length, in ``unit``.
        unit: Unit of the lengths, cap and rate steps.
        yearly_cap: At most this many days a calendar year, in ``unit``,
            counting every reservation of the schemes with the same ``cap_group``.
        cap_group: Name of a cap shared between schemes (MOL: summer + sick).
        notice_days: The reservation must be announced at least this many days
            before it starts (needs the reservation's announcement date).
        exclude_state_financed: Not for a child whose payment the state co-finances
            (MOL, Šentjernej).
        first_child_only: Only for the oldest enrolled child.
        residents_only: Only for children whose regresor is this municipality.
        source: The municipal act, quoted on statement lines.

    >>> s = ReservationScheme(kinds=(ReservationKind.SUMMER,), rate=Decimal("0.30"),
    ...                       window=((6, 1), (9, 30)))
    >>> s.rate_on(12)
    Decimal('0.30')
    """

    kinds: tuple[ReservationKind, ...] = (ReservationKind.SUMMER, ReservationKind.SICK)
    basis: ReservationBasis = ReservationBasis.PERCENT
    rate: Decimal = attrs.field(validator=v.instance_of(Decimal))
    rate_steps: tuple[RateStep, ...] = attrs.field(default=(), converter=_steps)
    after_food: bool = True
    window: tuple[tuple[int, int], tuple[int, int]] | None = None
    min_length: int = 0
    max_length: int | None = None
    unit: LengthUnit = LengthUnit.WORKING_DAYS
    yearly_cap: int | None = None
    cap_group: str = ""
    notice_days: int | None = None
    exclude_state_financed: bool = False
    first_child_only: bool = False
    residents_only: bool = True
    source: str = ""

    def rate_on(self, day_number: int) -> Decimal:
        """The rate for the ``day_number``-th day of a reservation (1-based).

        >>> s = ReservationScheme(kinds=(ReservationKind.SICK,), rate=Decimal("0.30"),
        ...     unit=LengthUnit.CALENDAR_DAYS, rate_steps=(RateStep(31, Decimal("0")),))
        >>> s.rate_on(30), s.rate_on(31)
        (Decimal('0.30'), Decimal('0'))
        """
        rate = self.rate
        for step in self.rate_steps:
            if step.from_day <= day_number:
                rate = step.rate
            else:
                break
        return rate

    def accepts(self, kind: ReservationKind) -> bool:
        """True when the scheme takes a reservation of ``kind``.

        >>> ReservationScheme(rate=Decimal("0.5")).accepts(ReservationKind.SICK)
        True
        """
        return kind in self.kinds


@attrs.frozen(kw_only=True)
class MunicipalRules:
    """What one regresor municipality decides for its residents' fees.

    Attributes:
        municipality: The municipality's official code.
        food: The food-deduction (notice) rule.
        discounts: Extra discounts (ZVrt Art. 28b).
        reservations: Reservation schemes; a reservation uses the first scheme
            that accepts its kind.
        name: Name for statements (``"MO Ljubljana"``); defaults to the code.

    >>> MunicipalRules(municipality=61).reservations
    ()
    """

    municipality: int
    food: FoodDeductionRule = attrs.field(factory=FoodDeductionRule)
    discounts: tuple[ExtraDiscount, ...] = ()
    reservations: tuple[ReservationScheme, ...] = ()
    name: str = ""

    def scheme_for(self, kind: ReservationKind) -> ReservationScheme | None:
        """The scheme that takes reservations of ``kind``, or None.

        >>> MunicipalRules(municipality=1).scheme_for(ReservationKind.SUMMER) is None
        True
        """
        for scheme in self.reservations:
            if scheme.accepts(kind):
                return scheme
        return None


def _by_code(value: object) -> tuple[MunicipalRules, ...]:
    if isinstance(value, Mapping):
        return tuple(value.values())
    if isinstance(value, tuple | list):
        return tuple(value)
    raise TypeError("municipalities must be a tuple of MunicipalRules")


@attrs.frozen(kw_only=True)
class FeeRules:
    """The configuration of the fee engine for one kindergarten.

    Attributes:
        host_municipality: Code of the municipality that founded the kindergarten;
            its children are billed to ``PayerKind.MUNICIPALITY``, other
            municipalities' children to ``PayerKind.OTHER_MUNICIPALITY``.
        municipalities: Each regresor's own rules.  A regresor without an entry
            uses the host's entry (or the defaults), with ``residents_only``
            benefits switched off.
        calendar: Working days: Slovenian work-free days and the kindergarten's
            own closure days.
        proration_basis: How partial months are pro-rated.
        rounding_point: Month total (default) or daily rate.
        rounding: The :mod:`decimal` rounding mode for cents (half-up).
        exit_rule: When an exit takes effect.
        exit_notice_day: Day N for ``ExitRule.NOTICE_BY_DAY`` (default 20).
        default_coefficient: Parents' share with no decision in force (0.77).
        non_taxpayer_coefficient: Parents' share for non-taxpayers (1.00).
        sibling_scale: The dated sibling scale (package data by default).
        sibling_needs_decision: The state's sibling share applies only while a
            decision is in force (default True: the CSD grants it).
        decision_source: Legal source quoted on the parents' share line.
        price_source: Legal source quoted on the price line.

    >>> FeeRules(host_municipality=61, exit_notice_day=32)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: fees.rules.exit_notice_day: ...
    """

    host_municipality: int
    municipalities: tuple[MunicipalRules, ...] = attrs.field(default=(), converter=_by_code)
    calendar: WorkingCalendar = attrs.field(factory=default_calendar)
    proration_basis: ProrationBasis = ProrationBasis.WORKING_DAYS
    rounding_point: RoundingPoint = RoundingPoint.MONTH_TOTAL
    rounding: str = ROUND_HALF_UP
    exit_rule: ExitRule = ExitRule.EXACT_DAY
    exit_notice_day: int = 20
    default_coefficient: Decimal = Decimal("0.77")
    non_taxpayer_coefficient: Decimal = Decimal("1.00")
    sibling_scale: SiblingScale = attrs.field(factory=default_sibling_scale)
    sibling_needs_decision: bool = True
    decision_source: str = "ZVrt Art. 32; ZUPJS Art. 24"
    price_source: str = "ZVrt Art. 31; Pravilnik o metodologiji, Art. 3"
    _index: dict[int, MunicipalRules] = attrs.field(
        init=False, eq=False, repr=False, hash=False, factory=dict
    )
    _cache: dict[object, object] = attrs.field(
        init=False, eq=False, repr=False, hash=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.exit_notice_day <= 31:
            raise ConfigurationError(
                "fees.rules.exit_notice_day",
                sl="Rok za odjavo mora biti dan v mesecu (1 do 31).",
                en="The exit notice day must be a day of the month (1 to 31).",
                where="exit_notice_day",
            )
        for coefficient in (self.default_coefficient, self.non_taxpayer_coefficient):
            if not isinstance(coefficient, Decimal) or not 0 <= coefficient <= 1:
                raise ConfigurationError(
                    "fees.rules.coefficient",
                    sl="Delež staršev mora biti med 0 in 1.",
                    en="A parents' share must be between 0 and 1.",
                    where="coefficient",
                )
        for entry in self.municipalities:
            if entry.municipality in self._index:
                raise ConfigurationError(
                    "fees.rules.duplicate_municipality",
                    sl="Pravila za isto občino so navedena dvakrat.",
                    en="Rules for the same municipality are given twice.",
                    where=f"municipality {entry.municipality}",
                )
            self._index[entry.municipality] = entry

    def municipal(self, code: int) -> MunicipalRules:
        """The rules that apply to children whose regresor is municipality ``code``.

        A municipality with no entry gets the host's entry (or default rules);
        use :meth:`is_own` to know whether its residents-only benefits apply.

        >>> FeeRules(host_municipality=61).municipal(85).municipality
        61
        """
        found = self._index.get(code)
        if found is not None:
            return found
        host = self._index.get(self.host_municipality)
        if host is not None:
            return host
        return self._defaults()

    def is_own(self, code: int) -> bool:
        """True when municipality ``code`` has its own entry in ``municipalities``.

        >>> FeeRules(host_municipality=61, municipalities=(MunicipalRules(municipality=61),)
        ...          ).is_own(61)
        True
        """
        return code in self._index

    def _defaults(self) -> MunicipalRules:
        cached = self._cache.get("defaults")
        if not isinstance(cached, MunicipalRules):
            cached = MunicipalRules(municipality=self.host_municipality)
            self._cache["defaults"] = cached
        return cached
