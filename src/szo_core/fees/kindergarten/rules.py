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
>>> rules.private_municipality_share, rules.closures
(Decimal('0.85'), ())
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import attrs
from attrs import validators as v

from szo_core.calendar import WorkingCalendar, default_calendar
from szo_core.errors import ConfigurationError
from szo_core.fees.kindergarten.siblings import SiblingScale, default_sibling_scale
from szo_core.model import MAX_COEFFICIENT, ReservationKind

__all__ = [
    "ZUPJS_COEFFICIENTS",
    "Closure",
    "ClosureRule",
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
    "UnannouncedAbsenceCharge",
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


def _decimal_pairs(
    value: Mapping[str, Decimal] | Iterable[tuple[str, Decimal]],
) -> tuple[tuple[str, Decimal], ...]:
    pairs = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), x) for k, x in pairs)


def _non_negative_money(code: str, what_sl: str, what_en: str, value: object, where: str) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{where} must be Decimal, not {type(value).__name__}")
    if not value.is_finite() or value < 0:
        raise ConfigurationError(
            code,
            sl=f"{what_sl} ne sme biti negativen.",
            en=f"{what_en} cannot be negative.",
            where=where,
        )


@attrs.frozen(kw_only=True)
class UnannouncedAbsenceCharge:
    """What parents pay for a day of unannounced absence (ZVrt-H, 2025), from a date.

    ZVrt-H lets a municipality charge an absence that was not announced: the
    food prepared plus a daily amount for the staff, **also to parents who are
    exempt from payment** (coefficient 0, a state-financed sibling).  The first
    municipality to use it, Dobrova-Polhov Gradec (sklep of 18. 12. 2025),
    charges 3.00 € food plus 30.18 € a day in the first age group and 23.50 € in
    the second; a doctor's note excuses the absence (``reference/fees.md`` §5.3).

    A working day of an absence is **unannounced** when the absence was not
    announced by the food rule's deadline for that day
    (:attr:`FoodDeductionRule.notice_by` on that day or earlier): never
    announced, or announced later (then the next days are announced).  An
    absence with :attr:`~szo_core.model.Absence.doctor_note` is excused.
    Reserved days, days the child is out and closure days are never charged.
    The charge is **on top** of the month's fee: its own line
    (:attr:`~szo_core.fees.LineKind.UNANNOUNCED`), for the parents only, and the
    statement's total grows by it; the other payers' amounts do not change.

    Attributes:
        valid_from: The first day the charge applies.
        valid_to: The last day it applies (None: open-ended).
        food: The food amount per unannounced working day.
        daily: The daily amount per unannounced working day (programs not listed
            in ``daily_by_program``).
        daily_by_program: ``(program code, daily amount)`` pairs, e.g. the first
            and the second age group.
        source: The act, quoted on the line.

    >>> charge = UnannouncedAbsenceCharge(valid_from=date(2026, 1, 1),
    ...     food=Decimal("3.00"), daily=Decimal("23.50"),
    ...     daily_by_program={"I": Decimal("30.18")})
    >>> charge.per_day("I"), charge.per_day("II")
    (Decimal('33.18'), Decimal('26.50'))
    >>> charge.applies_on(date(2025, 12, 31))
    False
    """

    valid_from: date = attrs.field(validator=v.instance_of(date))
    valid_to: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    food: Decimal = Decimal(0)
    daily: Decimal = Decimal(0)
    daily_by_program: tuple[tuple[str, Decimal], ...] = attrs.field(
        default=(), converter=_decimal_pairs
    )
    source: str = "ZVrt-H (2025); municipal sklep"

    def __attrs_post_init__(self) -> None:
        amounts = [("food", self.food), ("daily", self.daily)]
        amounts += [(f"daily_by_program[{code}]", x) for code, x in self.daily_by_program]
        for where, value in amounts:
            _non_negative_money(
                "fees.rules.unannounced_amount",
                "Znesek za nenapovedano odsotnost",
                "An unannounced-absence amount",
                value,
                where,
            )
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ConfigurationError(
                "fees.rules.unannounced_period",
                sl="Obdobje zaračunavanja nenapovedane odsotnosti se konča pred začetkom.",
                en="The unannounced-absence charge ends before it starts.",
                where="valid_to",
            )

    def applies_on(self, day: date) -> bool:
        """True when the charge is in force on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def per_day(self, program_code: str) -> Decimal:
        """Food plus the daily amount of ``program_code``, per unannounced working day."""
        for code, amount in self.daily_by_program:
            if code == program_code:
                return self.food + amount
        return self.food + self.daily


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
        taxpayers_only: Not on days the parents are not Slovenian income-tax
            payers (default True: a resident subsidy, as reservations).
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
    taxpayers_only: bool = True
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
        taxpayers_only: Not on days the parents are not Slovenian income-tax
            payers (default True): those days are not charged as a reservation
            but count as announced absence (a temporary exit's days are then
            not billed at all).
        source: The municipal act, quoted on statement lines.

    A temporary exit (:attr:`ReservationKind.TEMPORARY_EXIT`, Pravilnik o
    metodologiji Art. 16a) is charged only by a scheme that lists its kind, for
    at most two months from its start, and never above the normal payment.

    Raises:
        szo_core.errors.ConfigurationError: ``fees.rules.reservation_rate`` for a
            percentage (or a rate step) above 1.00 (100 %) or below 0, or a
            negative flat amount.

    >>> s = ReservationScheme(kinds=(ReservationKind.SUMMER,), rate=Decimal("0.30"),
    ...                       window=((6, 1), (9, 30)))
    >>> s.rate_on(12)
    Decimal('0.30')
    >>> ReservationScheme(rate=Decimal("1.20"))
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: fees.rules.reservation_rate: ...
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
    taxpayers_only: bool = True
    source: str = ""

    def __attrs_post_init__(self) -> None:
        percent = self.basis is ReservationBasis.PERCENT
        for where, rate in [("rate", self.rate)] + [
            (f"rate_steps[{i}]", step.rate) for i, step in enumerate(self.rate_steps)
        ]:
            if not rate.is_finite() or rate < 0 or (percent and rate > 1):
                raise ConfigurationError(
                    "fees.rules.reservation_rate",
                    sl=(
                        "Delež za rezervacijo mora biti med 0 in 1 (100 %)."
                        if percent
                        else "Znesek rezervacije na dan ne sme biti negativen."
                    ),
                    en=(
                        "A reservation rate must be between 0 and 1 (100 %)."
                        if percent
                        else "A reservation's amount per day cannot be negative."
                    ),
                    where=where,
                )

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
        unannounced: Dated charges for unannounced absence days (ZVrt-H,
            :class:`UnannouncedAbsenceCharge`); the one in force on a day applies.
        name: Name for statements (``"MO Ljubljana"``); defaults to the code.

    >>> MunicipalRules(municipality=61).reservations
    ()
    """

    municipality: int
    food: FoodDeductionRule = attrs.field(factory=FoodDeductionRule)
    discounts: tuple[ExtraDiscount, ...] = ()
    reservations: tuple[ReservationScheme, ...] = ()
    unannounced: tuple[UnannouncedAbsenceCharge, ...] = ()
    name: str = ""

    def charge_on(self, day: date) -> UnannouncedAbsenceCharge | None:
        """The unannounced-absence charge in force on ``day`` (the latest start wins).

        >>> MunicipalRules(municipality=1).charge_on(date(2026, 1, 5)) is None
        True
        """
        found: UnannouncedAbsenceCharge | None = None
        for charge in self.unannounced:
            if charge.applies_on(day) and (found is None or charge.valid_from >= found.valid_from):
                found = charge
        return found

    def scheme_for(self, kind: ReservationKind) -> ReservationScheme | None:
        """The scheme that takes reservations of ``kind``, or None.

        >>> MunicipalRules(municipality=1).scheme_for(ReservationKind.SUMMER) is None
        True
        """
        for scheme in self.reservations:
            if scheme.accepts(kind):
                return scheme
        return None


class ClosureRule(enum.StrEnum):
    """How a day the kindergarten is closed (a strike, a closure, an exemption) is billed."""

    NOT_BILLED = "not_billed"
    """The day stays in the month's working days (the denominator) but is not
    counted for any child: 485 × 22/23 = 463.91 for a strike day (SAOP; default)."""
    FOOD_ONLY = "food_only"
    """The day is billed, but its food is deducted for every enrolled child as
    for an announced absence (the ministry's circulars on strike days)."""
    BILLED = "billed"
    """A normal billing day (recorded on the statement only)."""


def _closure_end(instance: Closure, _attribute: attrs.Attribute[date], value: date) -> None:
    if value < instance.start:
        raise ConfigurationError(
            "fees.rules.closure_period",
            sl="Zaprtje vrtca se ne more končati pred začetkom.",
            en="A closure cannot end before it starts.",
            where="end",
        )


@attrs.frozen(kw_only=True)
class Closure:
    """Days the kindergarten is closed, both ends included, and how they are billed.

    Strikes, closures ordered by the state and dated exemption periods are all
    closures, each with its act in ``source``: the COVID closures of 2020 (MIZŠ
    circular 6030-2/2020: parents exempt while closed) or the August 2023 floods
    (ZIUOPZP Arts. 35 and 51).  Closures affect billing days only (working days,
    or every day with ``ProrationBasis.CALENDAR_DAYS``).

    Attributes:
        start: The first closed day.
        end: The last closed day (inclusive; ``start`` for one day).
        rule: How the days are billed (:class:`ClosureRule`, not billed by default).
        source: The act or circular, quoted on the statement.
        name: What it was (``"strike"``), shown on the statement.

    >>> strike = Closure(start=date(2022, 3, 9), end=date(2022, 3, 9), name="strike")
    >>> strike.rule, strike.covers(date(2022, 3, 9))
    (<ClosureRule.NOT_BILLED: 'not_billed'>, True)
    """

    start: date = attrs.field(validator=v.instance_of(date))
    end: date = attrs.field(validator=[v.instance_of(date), _closure_end])
    rule: ClosureRule = ClosureRule.NOT_BILLED
    source: str = ""
    name: str = ""

    def covers(self, day: date) -> bool:
        """True when ``day`` is one of the closed days."""
        return self.start <= day <= self.end


CALENDAR_CLOSURE_SOURCE: Final = "WorkingCalendar.closures"
"""The source shown for a closure day that comes from the working calendar."""


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
        calendar: Working days: Slovenian work-free days (and extra working
            days).  Its ``closures`` count as :attr:`ClosureRule.NOT_BILLED`
            closures: they stay in the month's working days (the denominator) and
            are not billed to anyone.
        closures: The kindergarten's closures with their billing rule
            (:class:`Closure`); they may not overlap, and they win over a
            calendar closure on the same day.
        proration_basis: How partial months are pro-rated.
        rounding_point: Month total (default) or daily rate.
        rounding: The :mod:`decimal` rounding mode for cents (half-up).
        exit_rule: When an exit takes effect.
        exit_notice_day: Day N for ``ExitRule.NOTICE_BY_DAY`` (default 20).
        default_coefficient: Parents' share with no decision in force (0.77, at
            most :data:`~szo_core.model.MAX_COEFFICIENT`).
        non_taxpayer_coefficient: Parents' share for non-taxpayers (1.00).
        sibling_scale: The dated sibling scale (package data by default).
        sibling_needs_decision: The state's sibling share applies only while a
            decision is in force (default True: the CSD grants it).
        private_municipality_share: For a private kindergarten without a
            concession, the part of (public price − parents' payment) the
            municipality pays (0.85, ZVrt Art. 34).
        decision_source: Legal source quoted on the parents' share line.
        price_source: Legal source quoted on the price line.

    Raises:
        szo_core.errors.ConfigurationError: ``fees.rules.exit_notice_day``,
            ``fees.rules.coefficient``, ``fees.rules.default_coefficient`` (above
            0.77), ``fees.rules.private_share``, ``fees.rules.closure_overlap``,
            ``fees.rules.duplicate_municipality``.

    >>> FeeRules(host_municipality=61, exit_notice_day=32)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: fees.rules.exit_notice_day: ...
    >>> FeeRules(host_municipality=61, default_coefficient=Decimal("0.80"))
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: fees.rules.default_coefficient: ...
    """

    host_municipality: int
    municipalities: tuple[MunicipalRules, ...] = attrs.field(default=(), converter=_by_code)
    calendar: WorkingCalendar = attrs.field(factory=default_calendar)
    closures: tuple[Closure, ...] = attrs.field(default=(), converter=tuple)
    proration_basis: ProrationBasis = ProrationBasis.WORKING_DAYS
    rounding_point: RoundingPoint = RoundingPoint.MONTH_TOTAL
    rounding: str = ROUND_HALF_UP
    exit_rule: ExitRule = ExitRule.EXACT_DAY
    exit_notice_day: int = 20
    default_coefficient: Decimal = Decimal("0.77")
    non_taxpayer_coefficient: Decimal = Decimal("1.00")
    sibling_scale: SiblingScale = attrs.field(factory=default_sibling_scale)
    sibling_needs_decision: bool = True
    private_municipality_share: Decimal = Decimal("0.85")
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
        if self.default_coefficient > MAX_COEFFICIENT:
            raise ConfigurationError(
                "fees.rules.default_coefficient",
                sl="Delež staršev brez odločbe je lahko največ 0,77 (najvišji razred).",
                en="The parents' share without a decision can be at most 0.77 (the top class).",
                where="default_coefficient",
            )
        share = self.private_municipality_share
        if not isinstance(share, Decimal) or not 0 <= share <= 1:
            raise ConfigurationError(
                "fees.rules.private_share",
                sl="Delež občine za zasebni vrtec mora biti med 0 in 1.",
                en="The municipality's share for a private kindergarten must be between 0 and 1.",
                where="private_municipality_share",
            )
        ordered = sorted(self.closures, key=lambda c: (c.start, c.end))
        for before, after in itertools.pairwise(ordered):
            if after.start <= before.end:
                raise ConfigurationError(
                    "fees.rules.closure_overlap",
                    sl="Zaprtja vrtca se ne smejo prekrivati.",
                    en="Closures cannot overlap.",
                    where=f"closures {before.start.isoformat()} and {after.start.isoformat()}",
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
