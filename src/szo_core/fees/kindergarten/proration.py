"""Pro-rating a monthly price by the days a child is enrolled.

The price of a program is for a whole month.  A child who arrives or leaves
during the month pays the share of the **billing days** it was enrolled, both
the enrollment and the exit day included: working days (Monday to Friday less
Slovenian work-free days and the kindergarten's closures) by default, as SAOP
and Vasco do (``reference/fees.md`` §4).  The month is rounded once (SAOP's
strike example: 485 € × 22/23 = 463.913… → 463.91); the daily-rate variant
rounds the price per day first (eVaka).

Closures (:class:`~szo_core.fees.Closure` in ``FeeRules.closures``, and the
working calendar's own ``closures``) never shrink the month: the closed days
stay in the denominator, and a day not billed is left out of the child's days
(``MonthFacts.billing``), so the strike of 9. 3. 2022 bills 22 of 23 days.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.fees.kindergarten.rules import FeeRules, RoundingPoint
>>> rules = FeeRules(host_municipality=61)
>>> facts = month_facts(Month(2022, 3), rules)
>>> facts.days_in_month
23
>>> from szo_core.fees.kindergarten.rules import Closure
>>> strike = FeeRules(host_municipality=61,
...     closures=(Closure(start=date(2022, 3, 9), end=date(2022, 3, 9), name="strike"),))
>>> closed = month_facts(Month(2022, 3), strike)
>>> closed.days_in_month, len(closed.billing), len(closed.closed)
(23, 22, 1)
>>> from szo_core.money import round_cents
>>> exact = prorate(Decimal("485"), 22, facts.days_in_month, rules)
>>> str(exact)[:12], round_cents(exact)
('463.91304347', Decimal('463.91'))
>>> daily = FeeRules(host_municipality=61, rounding_point=RoundingPoint.DAILY_RATE)
>>> prorate(Decimal("485"), 22, 23, daily)  # 485/23 = 21.09 a day
Decimal('463.98')
"""

from __future__ import annotations

import decimal
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final

import attrs

from szo_core.calendar import Month, WorkingCalendar
from szo_core.fees.kindergarten.rules import (
    CALENDAR_CLOSURE_SOURCE,
    Closure,
    ClosureRule,
    ExitRule,
    FeeRules,
    ProrationBasis,
    RoundingPoint,
)
from szo_core.money import CENT

__all__ = [
    "MonthFacts",
    "count_between",
    "daily_rate",
    "effective_exit",
    "month_facts",
    "prorate",
]

_CTX: Final = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP)


@attrs.frozen(kw_only=True)
class MonthFacts:
    """Calendar facts of one month under one set of rules (cached per rules).

    Attributes:
        month: The month.
        first: Ordinal (``date.toordinal()``) of its first day.
        last: Ordinal of its last day.
        working: Ordinals of its working days less the days not billed
            (closures), sorted: the days absences and reservations count.
        billing: Ordinals of the days a child can be billed (the working days,
            or every day with ``ProrationBasis.CALENDAR_DAYS``, less the closed
            days not billed), sorted.
        days_in_month: The denominator of the proration: the billing days
            *with* the closed days (a closure never shrinks the month).
        food_only: Ordinals of the working days of ``FOOD_ONLY`` closures.
        closed: ``(ordinal, closure)`` of every closed billing day, sorted.
    """

    month: Month
    first: int
    last: int
    working: tuple[int, ...]
    billing: tuple[int, ...]
    days_in_month: int
    food_only: tuple[int, ...] = ()
    closed: tuple[tuple[int, Closure], ...] = ()


def month_facts(month: Month, rules: FeeRules) -> MonthFacts:
    """The calendar facts of ``month`` under ``rules`` (computed once, then cached).

    >>> from szo_core.fees.kindergarten.rules import FeeRules, ProrationBasis
    >>> month_facts(Month(2026, 2), FeeRules(host_municipality=1,
    ...             proration_basis=ProrationBasis.CALENDAR_DAYS)).days_in_month
    28
    """
    cache = rules._cache
    key = ("month", month)
    found = cache.get(key)
    if isinstance(found, MonthFacts):
        return found
    first, last = month.first, month.last
    calendar = rules.calendar
    if calendar.closures:
        # the calendar's closures are closures, not holidays: the denominator keeps them
        open_calendar = cache.get("open_calendar")
        if not isinstance(open_calendar, WorkingCalendar):
            open_calendar = cache["open_calendar"] = attrs.evolve(calendar, closures=())
        calendar = open_calendar
    working = tuple(d.toordinal() for d in calendar.working_dates(first, last))
    if rules.proration_basis is ProrationBasis.CALENDAR_DAYS:
        billing = tuple(range(first.toordinal(), last.toordinal() + 1))
    else:
        billing = working
    closed = _closed_days(rules, first, last, billing)
    food_only: tuple[int, ...] = ()
    days_in_month = len(billing)
    if closed:
        not_billed = {day for day, c in closed if c.rule is ClosureRule.NOT_BILLED}
        is_working = set(working)
        food_only = tuple(
            day for day, c in closed if c.rule is ClosureRule.FOOD_ONLY and day in is_working
        )
        if not_billed:
            working = tuple(day for day in working if day not in not_billed)
            billing = tuple(day for day in billing if day not in not_billed)
    facts = MonthFacts(
        month=month,
        first=first.toordinal(),
        last=last.toordinal(),
        working=working,
        billing=billing,
        days_in_month=days_in_month,
        food_only=food_only,
        closed=closed,
    )
    cache[key] = facts
    return facts


def _closed_days(
    rules: FeeRules, first: date, last: date, billing: tuple[int, ...]
) -> tuple[tuple[int, Closure], ...]:
    """The closed billing days from ``first`` to ``last``: the rules' closures first."""
    lo, hi = first.toordinal(), last.toordinal()
    found: dict[int, Closure] = {}
    for closure in rules.closures:
        c_lo, c_hi = max(closure.start.toordinal(), lo), min(closure.end.toordinal(), hi)
        for day in billing[bisect_left(billing, c_lo) : bisect_right(billing, c_hi)]:
            found[day] = closure
    calendar_closures = rules.calendar.closures
    if calendar_closures:
        in_billing = set(billing)
        for closed_day in calendar_closures:
            day = closed_day.toordinal()
            if lo <= day <= hi and day in in_billing and day not in found:
                found[day] = Closure(
                    start=closed_day, end=closed_day, source=CALENDAR_CLOSURE_SOURCE
                )
    return tuple(sorted(found.items(), key=lambda item: item[0]))


def count_between(ordinals: Sequence[int], start: int, end: int) -> int:
    """How many of the sorted ``ordinals`` lie in ``start`` .. ``end`` (inclusive).

    >>> count_between((1, 3, 5, 7), 2, 7)
    3
    """
    return bisect_right(ordinals, end) - bisect_left(ordinals, start)


def effective_exit(exit_date: date | None, notice_on: date | None, rules: FeeRules) -> date | None:
    """The last billed day for a child leaving on ``exit_date`` (None: not leaving).

    * ``EXACT_DAY``: the exit day itself (inclusive).
    * ``END_OF_MONTH``: the last day of the exit day's month.
    * ``NOTICE_BY_DAY``: notice given by day N (``rules.exit_notice_day``) of a
      month ends billing with that month; later notice, with the next month; in
      any case not before the end of the exit day's month.  With no notice date
      the exit day stands for it.

    >>> from szo_core.fees.kindergarten.rules import FeeRules, ExitRule
    >>> rules = FeeRules(host_municipality=1, exit_rule=ExitRule.NOTICE_BY_DAY)
    >>> effective_exit(date(2026, 3, 10), date(2026, 3, 20), rules)
    datetime.date(2026, 3, 31)
    >>> effective_exit(date(2026, 3, 10), date(2026, 3, 21), rules)
    datetime.date(2026, 4, 30)
    """
    if exit_date is None or rules.exit_rule is ExitRule.EXACT_DAY:
        return exit_date
    end_of_exit_month = Month.of(exit_date).last
    if rules.exit_rule is ExitRule.END_OF_MONTH:
        return end_of_exit_month
    notice = exit_date if notice_on is None else notice_on
    notice_month = Month.of(notice)
    billed_to = notice_month if notice.day <= rules.exit_notice_day else notice_month.next()
    return max(billed_to.last, end_of_exit_month)


def daily_rate(price: Decimal, days_in_month: int, rules: FeeRules) -> Decimal:
    """The price per billing day rounded to cents (for ``RoundingPoint.DAILY_RATE``).

    >>> from szo_core.fees.kindergarten.rules import FeeRules
    >>> daily_rate(Decimal("485"), 23, FeeRules(host_municipality=1))
    Decimal('21.09')
    """
    return _CTX.divide(price, Decimal(days_in_month)).quantize(
        CENT, rounding=rules.rounding, context=_CTX
    )


def prorate(price: Decimal, days: int, days_in_month: int, rules: FeeRules) -> Decimal:
    """The unrounded share of a monthly ``price`` for ``days`` of ``days_in_month``.

    A whole month is always the whole price.  With ``RoundingPoint.DAILY_RATE``
    a partial month is the rounded daily rate times the days.

    >>> from szo_core.fees.kindergarten.rules import FeeRules
    >>> prorate(Decimal("500.00"), 22, 22, FeeRules(host_municipality=1))
    Decimal('500.00')
    """
    if days >= days_in_month:
        return price
    if days <= 0:
        return Decimal(0)
    if rules.rounding_point is RoundingPoint.DAILY_RATE:
        return daily_rate(price, days_in_month, rules) * days
    return _CTX.divide(_CTX.multiply(price, Decimal(days)), Decimal(days_in_month))
