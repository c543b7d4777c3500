"""The school meal engine (ZŠolPre-1): one pupil's month of meals, subsidies and late cancellations.

For every school day of the month the pupil is enrolled on (a working day of
the organisation's :class:`~szo_core.calendar.WorkingCalendar` that is not one
of the school's :class:`~szo_core.model.school.FreeDay`), every meal the pupil
is signed up for is

* **not billed** when a cancellation covering it was made by the school's
  deadline (:class:`~szo_core.model.school.DeadlineRule`: the same day by a
  time, or the previous working day by a time);
* **billed at the full price, without subsidy**, when it was cancelled too late
  (ZŠolPre-1 Art. 10), except on the first day of a sudden illness, which keeps
  the subsidy when the settings say so (the default);
* otherwise **billed**, the subsidy paid by the state: a free malica for a pupil
  with the right to it, the lunch by the dated scale
  (:data:`LUNCH_SUBSIDY_ERAS`: full up to income class 4, 50 % in class 5 until
  31 Aug 2027, free for every pupil from 1 Sep 2027).

Days with the same meal, price, subsidy and lateness become one line.  A
line's value is ``price × days`` (exact: prices are in cents); a subsidised
line is split into the parents' part, rounded half-up to cents, and the state's
part, the rest, so the parts sum exactly to the value.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.fees import FeeRules
>>> from szo_core.model import Child
>>> from szo_core.model.school import (IncomeClassRecord, MealKind, MealPrice, MealSignup,
...     SchoolMealSettings)
>>> settings = SchoolMealSettings(organisation_id="os", prices=(
...     MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.00")),))
>>> pupil = Child(organisation_id="os", code=7, enrollment_date=date(2026, 9, 1))
>>> inputs = SchoolMealInputs(settings=settings, signups=(
...     MealSignup(organisation_id="os", id="s", child_code=7, meal="lunch",
...                valid_from=date(2026, 9, 1)),), income=(
...     IncomeClassRecord(organisation_id="os", id="i", child_code=7,
...                       valid_from=date(2026, 1, 1), income_class=5),))
>>> s = compute(Month(2026, 10), pupil, inputs, FeeRules(host_municipality=61))
>>> [(str(line.payer), line.formula(), line.amount) for line in s.lines]
[('parents', '0.5 × 3.00 × 22', Decimal('33.00')), ('state', '0.5 × 3.00 × 22', Decimal('33.00'))]
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs
import pendulum

from szo_core.calendar import Month, WorkingCalendar
from szo_core.errors import FeeRuleError
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.statement import FeeLine, FeeStatement, LineKind, PayerKind
from szo_core.model import Child
from szo_core.model.school import (
    DeadlineKind,
    DeadlineRule,
    FreeDay,
    IncomeClassRecord,
    MealCancellation,
    MealKind,
    MealPrice,
    MealSignup,
    SchoolMealSettings,
)

__all__ = [
    "LUNCH_SUBSIDY_ERAS",
    "MINISTRY_MALICA_PRICES",
    "LunchSubsidyEra",
    "SchoolMealInputs",
    "compute",
    "deadline",
    "school_days",
]

_ZERO = Decimal("0.00")
_ONE = Decimal(1)
_CENT = Decimal("0.01")
_TZ: Final = "Europe/Ljubljana"

MINISTRY_MALICA_PRICES: Final = (
    MealPrice(meal=MealKind.MALICA, valid_from=date(2022, 9, 1), price=Decimal("0.90")),
    MealPrice(meal=MealKind.MALICA, valid_from=date(2023, 9, 1), price=Decimal("1.10")),
)
"""The minister's malica price, dated: 0.90 € in 2022/23, 1.10 € from 1 Sep 2023."""

_MALICA_PRICE_SOURCE: Final = "ZŠolPre-1 Art. 9 (malica price set by the minister)"
_PRICE_SOURCE: Final = "school price list (ZŠolPre-1 Art. 9)"
_MALICA_SUBSIDY_SOURCE: Final = "ZŠolPre-1 Art. 7 (free malica up to 53 % of the net average wage)"
_LATE_SOURCE: Final = "ZŠolPre-1 Art. 10 (a meal not cancelled in time is paid in full)"


@attrs.frozen(kw_only=True)
class LunchSubsidyEra:
    """The lunch subsidy scale from ``valid_from`` on (until the next era).

    Attributes:
        valid_from: First day.
        name: A short name shown on the lines.
        source: The legal source.
        full_up_to_class: Income classes up to and including this one get the
            full subsidy.
        half_class: This income class gets 50 %.
        everyone: Every pupil gets the full subsidy.
    """

    valid_from: date
    name: str
    source: str
    full_up_to_class: int | None = None
    half_class: int | None = None
    everyone: bool = False

    def share(self, income_class: int | None) -> Decimal:
        """The share of the lunch price the state pays for ``income_class``.

        >>> LUNCH_SUBSIDY_ERAS[0].share(5), LUNCH_SUBSIDY_ERAS[0].share(6)
        (Decimal('0.5'), Decimal('0'))
        """
        if self.everyone:
            return _ONE
        if income_class is None:
            return Decimal(0)
        if self.full_up_to_class is not None and income_class <= self.full_up_to_class:
            return _ONE
        if income_class == self.half_class:
            return Decimal("0.5")
        return Decimal(0)


LUNCH_SUBSIDY_ERAS: Final = (
    LunchSubsidyEra(
        valid_from=date(2023, 9, 1),
        name="zsolpre-1b-2023",
        source="ZŠolPre-1B, Ur. l. RS 76/2023 (lunch: full to class 4, 50 % in class 5)",
        full_up_to_class=4,
        half_class=5,
    ),
    LunchSubsidyEra(
        valid_from=date(2027, 9, 1),
        name="free-lunch-2027",
        source="ZŠolPre-1 as amended in 2024 (free lunch for every pupil from 1 Sep 2027)",
        everyone=True,
    ),
)
"""The dated lunch subsidy scale (ZŠolPre-1B and the 2024 amendment)."""


@attrs.frozen(kw_only=True)
class SchoolMealInputs:
    """One pupil's inputs for a month.

    Attributes:
        settings: The school's settings (shared by every pupil of the run).
        signups: The pupil's sign-ups.
        cancellations: The pupil's cancellations overlapping the month.
        income: The pupil's income class records.
        malica_prices: The minister's malica prices (dated).
        lunch_eras: The lunch subsidy scale (dated).
    """

    settings: SchoolMealSettings
    signups: tuple[MealSignup, ...] = ()
    cancellations: tuple[MealCancellation, ...] = ()
    income: tuple[IncomeClassRecord, ...] = ()
    malica_prices: tuple[MealPrice, ...] = MINISTRY_MALICA_PRICES
    lunch_eras: tuple[LunchSubsidyEra, ...] = LUNCH_SUBSIDY_ERAS


def _error(code: str, sl: str, en: str, where: str) -> FeeRuleError:
    return FeeRuleError(code, sl=sl, en=en, where=where)


@functools.lru_cache(maxsize=256)
def school_days(
    month: Month, free_days: tuple[FreeDay, ...], calendar: WorkingCalendar
) -> tuple[date, ...]:
    """The school days of ``month``: working days that are not one of ``free_days``.

    >>> from szo_core.calendar import default_calendar
    >>> autumn = FreeDay(start=date(2026, 10, 26), end=date(2026, 10, 30), name="jesenske")
    >>> len(school_days(Month(2026, 10), (autumn,), default_calendar()))
    17
    """
    days = calendar.working_dates(month.first, month.last)
    if not free_days:
        return days
    return tuple(d for d in days if not any(f.covers(d) for f in free_days))


def _dated(entries: Iterable[MealPrice], meal: MealKind) -> list[MealPrice]:
    return sorted((e for e in entries if e.meal is meal), key=lambda e: e.valid_from)


def _in_force(entries: list[MealPrice], day: date) -> MealPrice | None:
    found: MealPrice | None = None
    for entry in entries:
        if entry.valid_from <= day:
            found = entry
        else:
            break
    return found


def _deadline_rule(rules: tuple[DeadlineRule, ...], day: date) -> DeadlineRule | None:
    found: DeadlineRule | None = None
    for rule in sorted(rules, key=lambda r: r.valid_from):
        if rule.valid_from <= day:
            found = rule
    return found


def deadline(day: date, rule: DeadlineRule, calendar: WorkingCalendar) -> datetime:
    """The last moment (Ljubljana time, naive) a meal on ``day`` can be cancelled.

    >>> from datetime import time
    >>> from szo_core.calendar import default_calendar
    >>> from szo_core.model.school import DeadlineKind
    >>> rule = DeadlineRule(valid_from=date(2020, 1, 1), kind=DeadlineKind.PREVIOUS_WORKING_DAY,
    ...     by=time(12, 0))
    >>> deadline(date(2026, 10, 5), rule, default_calendar())  # a Monday: Friday noon
    datetime.datetime(2026, 10, 2, 12, 0)
    """
    if rule.kind is DeadlineKind.SAME_DAY:
        return datetime.combine(day, rule.by)
    before = day - timedelta(days=1)
    while not calendar.is_working_day(before):
        before -= timedelta(days=1)
    return datetime.combine(before, rule.by)


def _local(moment: datetime) -> datetime:
    """``moment`` as naive Ljubljana time (a naive moment is taken as Ljubljana time)."""
    if moment.tzinfo is None:
        return moment
    return pendulum.instance(moment).in_timezone(_TZ).naive()


@attrs.frozen
class _Month:
    """What every pupil of a month shares: days, prices, deadlines, where they change."""

    days: tuple[date, ...]
    prices: dict[MealKind, tuple[MealPrice | None, ...]]
    deadlines: tuple[datetime | None, ...]
    cuts: frozenset[int]
    """Indices of ``days`` where a price or the lunch subsidy era changes."""


@functools.lru_cache(maxsize=64)
def _month(
    month: Month,
    settings: SchoolMealSettings,
    malica_prices: tuple[MealPrice, ...],
    eras: tuple[LunchSubsidyEra, ...],
    calendar: WorkingCalendar,
) -> _Month:
    days = school_days(month, settings.free_days, calendar)
    prices: dict[MealKind, tuple[MealPrice | None, ...]] = {}
    cuts: set[int] = set()
    for meal in MealKind:
        entries = _dated(settings.prices, meal)
        if meal is MealKind.MALICA and not entries:
            entries = _dated(malica_prices, meal)
        found = tuple(_in_force(entries, d) for d in days)
        prices[meal] = found
        cuts.update(i for i in range(1, len(days)) if found[i] is not found[i - 1])
    cuts.update(bisect_left(days, era.valid_from) for era in eras)
    deadlines = []
    for d in days:
        rule = _deadline_rule(settings.deadlines, d)
        deadlines.append(None if rule is None else deadline(d, rule, calendar))
    return _Month(days, prices, tuple(deadlines), frozenset(cuts))


def _income_on(records: tuple[IncomeClassRecord, ...], day: date) -> IncomeClassRecord | None:
    found: IncomeClassRecord | None = None
    for record in records:
        if record.covers(day) and (found is None or record.valid_from >= found.valid_from):
            found = record
    return found


def _era(eras: tuple[LunchSubsidyEra, ...], day: date) -> LunchSubsidyEra | None:
    found: LunchSubsidyEra | None = None
    for era in eras:
        if era.valid_from <= day and (found is None or era.valid_from >= found.valid_from):
            found = era
    return found


_MEAL_ORDER: Final = tuple(MealKind)
_MEAL_RANK: Final = {meal: i for i, meal in enumerate(MealKind)}

# A group of days: (meal, price entry, share, late, era name)
_Key = tuple[MealKind, MealPrice, Decimal, bool, str]


def _share(
    meal: MealKind, day: date, inputs: SchoolMealInputs, income: IncomeClassRecord | None
) -> tuple[Decimal, str, str]:
    """The state's share of the meal on ``day``, the rule's name and its source."""
    if meal is MealKind.MALICA:
        if income is not None and income.free_malica:
            return _ONE, "free malica", _MALICA_SUBSIDY_SOURCE
        return Decimal(0), "", ""
    if meal is not MealKind.LUNCH:
        return Decimal(0), "", ""
    era = _era(inputs.lunch_eras, day)
    if era is None:
        if income is None or income.income_class is None:
            return Decimal(0), "", ""
        raise _error(
            "fees.school.subsidy_era",
            sl=f"Za {day:%d. %m. %Y} ni lestvice subvencij kosila.",
            en=f"No lunch subsidy scale for {day.isoformat()}.",
            where="SchoolMealInputs.lunch_eras",
        )
    share = era.share(income.income_class if income is not None else None)
    if not share:
        return share, "", ""
    label = "every pupil" if era.everyone else f"class {income.income_class if income else '-'}"
    return share, f"{era.name} {label}", era.source


def _late(
    cancellations: list[MealCancellation], day: date, meal: MealKind, limit: datetime | None
) -> MealCancellation | bool | None:
    """True: cancelled in time; a record: cancelled late by it; None: not cancelled."""
    late: MealCancellation | None = None
    for c in cancellations:
        if c.start <= day <= c.end and (c.meal is None or c.meal is meal):
            if limit is None or _local(c.made_at) <= limit:
                return True
            if late is None or c.made_at < late.made_at:
                late = c
    return late


def compute(month: Month, pupil: Child, inputs: SchoolMealInputs, rules: FeeRules) -> FeeStatement:
    """One pupil's school meals for ``month`` (see the module docs).

    Args:
        month: The month.
        pupil: The pupil (enrollment and exit days, both inclusive).
        inputs: The pupil's sign-ups, cancellations, income records and the
            school's settings.
        rules: The organisation's shared rules: the working calendar (public
            holidays) and the rounding mode.

    Returns:
        The statement: the parents' meal and late-cancellation lines, the
        state's subsidy lines.

    Raises:
        FeeRuleError: ``fees.school.no_price`` (a meal signed up on a day
            without a price), ``fees.school.subsidy_era``.

    See the module example.
    """
    shared = _month(month, inputs.settings, inputs.malica_prices, inputs.lunch_eras, rules.calendar)
    days = shared.days
    lo, hi = 0, 0
    start, end = pupil.enrollment_date, pupil.exit_date
    if start is not None:
        lo = bisect_left(days, start)
        hi = len(days) if end is None else bisect_right(days, end)
    enrolled = max(0, hi - lo)
    groups: dict[_Key, list[int]] = {}  # key -> [days, first index, last index]
    notes: dict[_Key, tuple[str, str]] = {}
    if enrolled and inputs.signups:
        cuts = set(shared.cuts)
        for record in inputs.income:
            cuts.add(bisect_left(days, record.valid_from))
            if record.valid_to is not None:
                cuts.add(bisect_right(days, record.valid_to))
        cancellations = [
            c for c in inputs.cancellations if c.end >= month.first and c.start <= month.last
        ]
        by_meal: dict[MealKind, list[MealSignup]] = {}
        for signup in inputs.signups:
            by_meal.setdefault(signup.meal, []).append(signup)
        for meal in _MEAL_ORDER:
            signed = by_meal.get(meal)
            ranges = _ranges(days, lo, hi, signed) if signed else None
            if ranges:
                _meal(meal, ranges, days, shared, cuts, cancellations, inputs, groups, notes)
    lines = _lines(pupil, days, groups, notes, rules.rounding)
    total = sum((line.amount for line in lines), _ZERO)
    value = sum((line.unrounded for line in lines), _ZERO)
    return FeeStatement(
        month=month,
        child_code=pupil.code,
        days_in_month=len(days),
        days_enrolled=enrolled,
        price=value,
        food_deduction=_ZERO,
        total=total,
        lines=lines,
    )


def _ranges(
    days: tuple[date, ...], lo: int, hi: int, signups: list[MealSignup]
) -> list[tuple[int, int]]:
    """The index ranges ``[a, b)`` of the enrolled days the pupil is signed up on, merged."""
    found = []
    for s in signups:
        a = max(lo, bisect_left(days, s.valid_from))
        b = hi if s.valid_to is None else min(hi, bisect_right(days, s.valid_to))
        if a < b:
            found.append((a, b))
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _add(groups: dict[_Key, list[int]], key: _Key, count: int, first: int, last: int) -> None:
    found = groups.get(key)
    if found is None:
        groups[key] = [count, first, last]
    else:
        found[0] += count
        found[1] = min(found[1], first)
        found[2] = max(found[2], last)


def _no_price(meal: MealKind, day: date) -> FeeRuleError:
    return _error(
        "fees.school.no_price",
        sl=f"Obrok {meal} nima cene za {day:%d. %m. %Y}.",
        en=f"The meal {meal} has no price on {day.isoformat()}.",
        where="SchoolMealSettings.prices",
    )


def _meal(
    meal: MealKind,
    ranges: list[tuple[int, int]],
    days: tuple[date, ...],
    shared: _Month,
    cuts: set[int],
    cancellations: list[MealCancellation],
    inputs: SchoolMealInputs,
    groups: dict[_Key, list[int]],
    notes: dict[_Key, tuple[str, str]],
) -> None:
    """Add one meal's days to ``groups``.

    Segments of equal price and subsidy, less the cancelled days (in time: not
    billed; too late: billed in full, on their own).
    """
    prices = shared.prices[meal]
    special: dict[int, bool] = {}  # index -> True: late, False: not billed
    mine = [c for c in cancellations if c.meal is None or c.meal is meal]
    if mine:
        candidates: set[int] = set()
        for c in mine:
            a, b = bisect_left(days, c.start), bisect_right(days, c.end)
            candidates.update(i for i in range(a, b) if any(x <= i < y for x, y in ranges))
        for i in candidates:
            day = days[i]
            state = _late(mine, day, meal, shared.deadlines[i])
            if state is True:
                special[i] = False
            elif isinstance(state, MealCancellation):
                first_ill = state.sudden_illness and day == _first_school_day(days, state)
                if not (first_ill and inputs.settings.illness_keeps_subsidy):
                    special[i] = True
    for a, b in ranges:
        bounds = [a, *sorted(p for p in cuts if a < p < b), b]
        for x, y in itertools.pairwise(bounds):
            count = y - x
            if special:
                count -= sum(1 for i in special if x <= i < y)
            if not count:
                continue
            first, last = x, y - 1
            while first in special:
                first += 1
            while last in special:
                last -= 1
            price = prices[x]
            if price is None:
                raise _no_price(meal, days[x])
            income = _income_on(inputs.income, days[x])
            share, name, source = _share(meal, days[x], inputs, income)
            key: _Key = (meal, price, share, False, name)
            notes.setdefault(key, (name, source))
            _add(groups, key, count, first, last)
    for i, late in special.items():
        if late:
            price = prices[i]
            if price is None:
                raise _no_price(meal, days[i])
            key = (meal, price, Decimal(0), True, "")
            notes.setdefault(key, ("late", _LATE_SOURCE))
            _add(groups, key, 1, i, i)


def _first_school_day(days: tuple[date, ...], c: MealCancellation) -> date | None:
    i = bisect_left(days, c.start)
    return days[i] if i < len(days) and days[i] <= c.end else None


def _line(
    payer: PayerKind,
    payer_id: str,
    kind: LineKind,
    dates: tuple[int, date, date],
    entry: MealPrice,
    **rest: object,
) -> FeeLine:
    return FeeLine(
        payer=payer,
        payer_id=payer_id,
        kind=kind,
        start=dates[1],
        end=dates[2],
        price=entry.price,
        days=dates[0],
        per_day=True,
        **rest,  # type: ignore[arg-type]
    )


def _lines(
    pupil: Child,
    days: tuple[date, ...],
    groups: dict[_Key, list[int]],
    notes: dict[_Key, tuple[str, str]],
    rounding: str,
) -> tuple[FeeLine, ...]:
    parents: list[FeeLine] = []
    state: list[FeeLine] = []
    parents_id = str(pupil.code)
    order = _MEAL_RANK
    for key in sorted(groups, key=lambda k: (order[k[0]], k[3], k[1].valid_from, k[2])):
        meal, entry, share, late, _name = key
        count, first, last = groups[key]
        dates = (count, days[first], days[last])
        value = entry.price * count
        name, source = notes[key]
        if late:
            parents.append(
                _line(
                    PayerKind.PARENTS,
                    parents_id,
                    LineKind.LATE_CANCELLATION,
                    dates,
                    entry,
                    rule=str(meal),
                    source=source,
                    unrounded=value,
                    amount=value,
                    note="cancelled after the deadline: full price",
                )
            )
            continue
        own = value * (_ONE - share)
        own_cents = own.quantize(_CENT, rounding=rounding)
        if share != 1:
            price_source = _MALICA_PRICE_SOURCE if meal is MealKind.MALICA else _PRICE_SOURCE
            parents.append(
                _line(
                    PayerKind.PARENTS,
                    parents_id,
                    LineKind.MEAL,
                    dates,
                    entry,
                    coefficient=_ONE - share,
                    rule=str(meal),
                    source=price_source,
                    unrounded=own,
                    amount=own_cents,
                )
            )
        if share:
            exact = value * share
            rest = value - own_cents
            state.append(
                _line(
                    PayerKind.STATE,
                    "state",
                    LineKind.SUBSIDY,
                    dates,
                    entry,
                    coefficient=share,
                    rule=str(meal),
                    source=source,
                    unrounded=exact,
                    amount=rest,
                    note=name if rest == exact else f"{name}; the rest after the parents' cents",
                )
            )
    return tuple(parents + state)
