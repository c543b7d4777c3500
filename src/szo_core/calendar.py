"""Months, inclusive date ranges and Slovenian working days.

Three building blocks the fee engine and the records share:

* :class:`Month`: a calendar month (``2026-09``) with arithmetic and iteration.
* :class:`DateRange`: a range of days **inclusive of both ends**, as billing
  ranges are (the enrollment day and the exit day are both billed); it may be
  open-ended (``end`` unknown, "still valid"), which decisions and enrollments
  often are.
* :class:`WorkingCalendar`: Monday to Friday minus the Slovenian work-free days
  (*dela prosti dnevi*, from the ``holidays`` package), minus an organisation's
  own closure days, plus any extra working days.  Counting is O(1) within a year
  after a one-off table per year, so the fee engine can call it in its hot loop.

Examples:
    >>> from datetime import date
    >>> from szo_core.calendar import Month, DateRange, working_days_in
    >>> sept = Month.parse("2026-09")
    >>> working_days_in(sept)
    22
    >>> enrolled = DateRange.open(date(2026, 9, 14))
    >>> enrolled.clip(sept)
    DateRange(start=datetime.date(2026, 9, 14), end=datetime.date(2026, 9, 30))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Final, overload

import attrs

from szo_core.errors import ConfigurationError, InvalidComponent, InvalidFormat, InvalidType

__all__ = [
    "FIRST_SUPPORTED_YEAR",
    "LAST_SUPPORTED_YEAR",
    "OPEN_END",
    "DateRange",
    "Month",
    "WorkingCalendar",
    "default_calendar",
    "working_days",
    "working_days_in",
]

OPEN_END: Final[date] = date.max
"""The ``end`` of an open-ended :class:`DateRange` ("still valid"): ``date.max``.

Using the largest date rather than ``None`` keeps every range comparison and
intersection a plain date comparison, so clipping an open range to a month
needs no special case.
"""

FIRST_SUPPORTED_YEAR: Final = 1992
"""The first year with Slovenian work-free days (the ``holidays`` data starts in 1992)."""

LAST_SUPPORTED_YEAR: Final = 2100
"""The last year the ``holidays`` package computes Slovenian work-free days for."""

_MONTH_RE: Final = re.compile(r"(\d{4})-(\d{2})")
_ONE_DAY: Final = timedelta(days=1)


def _whole_number(attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidType(
            "calendar.type",
            sl=f"{attribute.name} mora biti celo število.",
            en=f"{attribute.name} must be a whole number.",
            where=attribute.name,
        )


def _check_month_number(instance: Month, attribute: attrs.Attribute[int], value: int) -> None:
    _whole_number(attribute, value)
    if not 1 <= value <= 12:
        raise InvalidComponent(
            "calendar.month",
            sl="Mesec mora biti med 1 in 12.",
            en="The month must be between 1 and 12.",
            where=attribute.name,
        )


def _check_year(instance: Month, attribute: attrs.Attribute[int], value: int) -> None:
    _whole_number(attribute, value)
    if not 1 <= value <= 9999:
        raise InvalidComponent(
            "calendar.year",
            sl="Leto mora biti med 1 in 9999.",
            en="The year must be between 1 and 9999.",
            where=attribute.name,
        )


@attrs.frozen(order=True)
class Month:
    """A calendar month: ordered, hashable, printed as ``YYYY-MM``.

    ``Month + n`` and ``Month - n`` move by ``n`` months, ``Month - Month`` is
    the number of months between them, and ``date in month`` tests membership.

    Attributes:
        year: The year, 1 to 9999.
        month: The month, 1 to 12.

    Raises:
        InvalidComponent: ``calendar.month`` / ``calendar.year`` for an
            out-of-range month or year.

    Examples:
        >>> from datetime import date
        >>> m = Month(2026, 9)
        >>> str(m), str(m + 4), str(m - 9)
        ('2026-09', '2027-01', '2025-12')
        >>> m.first, m.last
        (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
        >>> date(2026, 9, 17) in m
        True
        >>> Month(2027, 1) - m
        4
    """

    year: int = attrs.field(validator=_check_year)
    month: int = attrs.field(validator=_check_month_number)

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM`` (for example ``"2026-09"``).

        Raises:
            InvalidFormat: ``calendar.month_format`` when the text is not ``YYYY-MM``.
            InvalidComponent: ``calendar.month`` when the month is not 01 to 12.

        Examples:
            >>> Month.parse("2026-09")
            Month(year=2026, month=9)
            >>> Month.parse("2026-9")
            Traceback (most recent call last):
            ...
            szo_core.errors.InvalidFormat: calendar.month_format: ...
        """
        match = _MONTH_RE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidFormat(
                "calendar.month_format",
                sl="Mesec mora biti zapisan kot LLLL-MM, na primer 2026-09.",
                en="A month must be written as YYYY-MM, for example 2026-09.",
                where="month",
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Month:
        """Return the month that contains ``day``.

        Examples:
            >>> from datetime import date
            >>> Month.of(date(2024, 2, 29))
            Month(year=2024, month=2)
        """
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        """The first day of the month.

        Examples:
            >>> Month(2024, 2).first
            datetime.date(2024, 2, 1)
        """
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        """The last day of the month.

        Examples:
            >>> Month(2024, 2).last
            datetime.date(2024, 2, 29)
        """
        if self.month == 12:
            return date(self.year, 12, 31)
        return date(self.year, self.month + 1, 1) - _ONE_DAY

    @property
    def days(self) -> DateRange:
        """All days of the month as an inclusive :class:`DateRange`.

        Examples:
            >>> Month(2026, 2).days.days
            28
        """
        return DateRange(self.first, self.last)

    def next(self) -> Month:
        """The following month.

        Examples:
            >>> Month(2026, 12).next()
            Month(year=2027, month=1)
        """
        return self + 1

    def prev(self) -> Month:
        """The previous month.

        Examples:
            >>> Month(2026, 1).prev()
            Month(year=2025, month=12)
        """
        return self - 1

    def through(self, last: Month) -> Iterator[Month]:
        """Iterate from this month up to and **including** ``last``.

        Nothing is yielded when ``last`` is before this month.

        Examples:
            >>> [str(m) for m in Month(2025, 11).through(Month(2026, 2))]
            ['2025-11', '2025-12', '2026-01', '2026-02']
        """
        index, stop = self._index, last._index
        while index <= stop:
            yield Month._from_index(index)
            index += 1

    def __add__(self, months: int) -> Month:
        if not isinstance(months, int) or isinstance(months, bool):
            return NotImplemented
        return Month._from_index(self._index + months)

    def __radd__(self, months: int) -> Month:
        return self.__add__(months)

    @overload
    def __sub__(self, other: int) -> Month: ...

    @overload
    def __sub__(self, other: Month) -> int: ...

    def __sub__(self, other: int | Month) -> Month | int:
        if isinstance(other, Month):
            return self._index - other._index
        if not isinstance(other, int) or isinstance(other, bool):
            return NotImplemented
        return Month._from_index(self._index - other)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day.year == self.year and day.month == self.month

    @property
    def _index(self) -> int:
        return self.year * 12 + self.month - 1

    @staticmethod
    def _from_index(index: int) -> Month:
        year, month0 = divmod(index, 12)
        return Month(year, month0 + 1)


def _open_if_none(value: date | None) -> date:
    return OPEN_END if value is None else value


def _check_day(instance: DateRange, attribute: attrs.Attribute[date], value: date) -> None:
    if not isinstance(value, date):
        raise InvalidType(
            "calendar.range_type",
            sl="Začetek in konec obdobja morata biti datuma.",
            en="The start and the end of a range must be dates.",
            where=attribute.name,
        )


def _check_end(instance: DateRange, attribute: attrs.Attribute[date], value: date) -> None:
    _check_day(instance, attribute, value)
    start: object = instance.start
    if not isinstance(start, date):
        return  # the start's own validator reports it
    if value < start:
        raise InvalidComponent(
            "calendar.range_order",
            sl="Konec obdobja je pred njegovim začetkom.",
            en="The end of the range is before its start.",
            where="end",
        )


@attrs.frozen(order=True)
class DateRange:
    """A range of days, **inclusive of both** ``start`` **and** ``end``.

    Billing ranges count the first and the last day: a child enrolled on
    14 September and leaving on 18 September is billed for five days.  An
    open-ended range ("still valid", no end known yet) has ``end`` set to
    :data:`OPEN_END`; build it with :meth:`DateRange.open` or by passing
    ``end=None``.

    Attributes:
        start: The first day in the range.
        end: The last day in the range (inclusive); :data:`OPEN_END` for an open
            range (the constructor also takes ``None`` for it).

    Raises:
        InvalidComponent: ``calendar.range_order`` when ``end`` is before ``start``.

    Examples:
        >>> from datetime import date
        >>> stay = DateRange(date(2026, 9, 14), date(2026, 9, 18))
        >>> stay.days  # 14, 15, 16, 17 and 18 September
        5
        >>> date(2026, 9, 18) in stay
        True
        >>> DateRange(date(2026, 9, 1), None).is_open
        True
    """

    start: date = attrs.field(validator=_check_day)
    end: date = attrs.field(converter=_open_if_none, validator=_check_end)

    @classmethod
    def open(cls, start: date) -> DateRange:
        """An open-ended range from ``start`` ("valid until further notice").

        Examples:
            >>> from datetime import date
            >>> r = DateRange.open(date(2026, 9, 1))
            >>> r.is_open, r
            (True, DateRange(start=datetime.date(2026, 9, 1), end=None))
        """
        return cls(start, OPEN_END)

    @classmethod
    def single(cls, day: date) -> DateRange:
        """A one-day range.

        Examples:
            >>> from datetime import date
            >>> DateRange.single(date(2026, 9, 1)).days
            1
        """
        return cls(day, day)

    def __repr__(self) -> str:
        end = "None" if self.is_open else repr(self.end)
        return f"DateRange(start={self.start!r}, end={end})"

    def __str__(self) -> str:
        end = "" if self.is_open else self.end.isoformat()
        return f"{self.start.isoformat()}..{end}"

    @property
    def is_open(self) -> bool:
        """True when the range has no known end (``end`` is :data:`OPEN_END`)."""
        return self.end == OPEN_END

    @property
    def days(self) -> int:
        """The number of days in the range, both ends included.

        Raises:
            InvalidComponent: ``calendar.open_range`` for an open range.

        Examples:
            >>> from datetime import date
            >>> DateRange(date(2024, 2, 1), date(2024, 2, 29)).days
            29
        """
        self._require_closed()
        return (self.end - self.start).days + 1

    def __iter__(self) -> Iterator[date]:
        """Iterate over every day, ``start`` to ``end`` (closed ranges only)."""
        self._require_closed()
        day = self.start
        for _ in range((self.end - self.start).days + 1):
            yield day
            day += _ONE_DAY

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def overlaps(self, other: DateRange) -> bool:
        """True when the two ranges share at least one day.

        Examples:
            >>> from datetime import date
            >>> a = DateRange(date(2026, 1, 1), date(2026, 1, 31))
            >>> a.overlaps(DateRange(date(2026, 1, 31), None))
            True
            >>> a.overlaps(DateRange(date(2026, 2, 1), None))
            False
        """
        return self.start <= other.end and other.start <= self.end

    def intersection(self, other: DateRange) -> DateRange | None:
        """The days in both ranges, or ``None`` when they share no day.

        The result is open only when both ranges are open.

        Examples:
            >>> from datetime import date
            >>> a = DateRange(date(2026, 1, 10), date(2026, 3, 5))
            >>> a.intersection(DateRange.open(date(2026, 3, 1)))
            DateRange(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 5))
        """
        start = max(self.start, other.start)
        end = min(self.end, other.end)
        if end < start:
            return None
        return DateRange(start, end)

    def clip(self, month: Month) -> DateRange | None:
        """The part of this range that falls in ``month`` (always closed), or ``None``.

        Examples:
            >>> from datetime import date
            >>> DateRange.open(date(2026, 9, 14)).clip(Month(2026, 10))
            DateRange(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31))
            >>> DateRange.open(date(2026, 9, 14)).clip(Month(2026, 8)) is None
            True
        """
        first, last = month.first, month.last
        start = self.start if self.start > first else first
        end = self.end if self.end < last else last
        if end < start:
            return None
        return DateRange(start, end)

    def months(self) -> tuple[Month, ...]:
        """The months this (closed) range touches, in order.

        Examples:
            >>> from datetime import date
            >>> [str(m) for m in DateRange(date(2025, 12, 20), date(2026, 2, 1)).months()]
            ['2025-12', '2026-01', '2026-02']
        """
        self._require_closed()
        return tuple(Month.of(self.start).through(Month.of(self.end)))

    def _require_closed(self) -> None:
        if self.is_open:
            raise InvalidComponent(
                "calendar.open_range",
                sl="Obdobje nima konca; te operacije ni mogoče izvesti.",
                en="The range has no end; this operation needs one.",
                where="end",
            )


def _date_set(days: Iterable[date]) -> frozenset[date]:
    return frozenset(days)


def _check_disjoint(
    instance: WorkingCalendar, attribute: attrs.Attribute[frozenset[date]], value: frozenset[date]
) -> None:
    if instance.closures & value:
        raise ConfigurationError(
            "calendar.closure_conflict",
            sl="Isti dan je hkrati zaprt in delovni dan.",
            en="The same day is both a closure and an extra working day.",
            where="extra_working_days",
        )


def _slovenian_work_free_days(year: int) -> frozenset[date]:
    # Only the "public" category: dela prosti dnevi (work-free days).  The package's
    # "workday" category holds holidays that are working days (8 June, 17 August, ...).
    import holidays  # loaded on first use: keeps `import szo_core.calendar` light

    calendar = holidays.country_holidays("SI", years=year, categories=("public",))
    return frozenset(calendar.keys())


@attrs.frozen
class WorkingCalendar:
    """Working days: Monday to Friday minus Slovenian work-free days and closures.

    Slovenian work-free days (*dela prosti dnevi*) come from the ``holidays``
    package (``holidays.SI``, category ``public`` only), which includes the rule
    that 2 January was a working day from 2013 to 2016 and the one-off day off on
    14 August 2023 (*dan solidarnosti*).  ``closures`` are the organisation's own
    extra days off (they never count as working days); ``extra_working_days`` are
    days that count although they fall on a weekend or holiday (a worked Saturday).

    Counting builds a cumulative table per year once and then answers
    :meth:`working_days` with two lookups (plus one per whole year in between).

    Attributes:
        closures: Days the organisation is closed (any iterable of dates).
        extra_working_days: Days worked although off by default (any iterable of dates).

    Raises:
        ConfigurationError: ``calendar.closure_conflict`` when a day is in both sets.

    Examples:
        >>> from datetime import date
        >>> cal = WorkingCalendar(closures=[date(2026, 9, 7)])
        >>> cal.working_days_in(Month(2026, 9))  # 22 working days minus the closure
        21
        >>> cal.is_working_day(date(2026, 9, 7))
        False
    """

    closures: frozenset[date] = attrs.field(factory=frozenset, converter=_date_set)
    extra_working_days: frozenset[date] = attrs.field(
        factory=frozenset, converter=_date_set, validator=_check_disjoint
    )
    _years: dict[int, tuple[int, tuple[int, ...]]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False, hash=False
    )
    _months: dict[Month, int] = attrs.field(
        init=False, factory=dict, eq=False, repr=False, hash=False
    )

    def is_working_day(self, day: date) -> bool:
        """True when ``day`` is a working day in this calendar.

        Examples:
            >>> from datetime import date
            >>> cal = WorkingCalendar()
            >>> cal.is_working_day(date(2023, 8, 14))  # dan solidarnosti, one-off day off
            False
            >>> cal.is_working_day(date(2015, 1, 2))  # 2 January worked 2013-2016
            True
        """
        first, cum = self._table(day.year)
        index = day.toordinal() - first
        return cum[index + 1] > cum[index]

    def working_days(self, start: date, end: date) -> int:
        """Count the working days from ``start`` to ``end``, **both included**.

        Returns 0 when ``end`` is before ``start``, so counts of adjacent ranges
        add up: ``working_days(a, b) + working_days(b + 1 day, c) == working_days(a, c)``.

        Raises:
            InvalidComponent: ``calendar.year_out_of_range`` for a year outside
                :data:`FIRST_SUPPORTED_YEAR` .. :data:`LAST_SUPPORTED_YEAR`.

        Examples:
            >>> from datetime import date
            >>> WorkingCalendar().working_days(date(2026, 9, 14), date(2026, 9, 20))
            5
        """
        if end < start:
            return 0
        start_ord = start.toordinal()
        end_ord = end.toordinal()
        first, cum = self._table(start.year)
        if start.year == end.year:
            return cum[end_ord - first + 1] - cum[start_ord - first]
        total = cum[-1] - cum[start_ord - first]
        for year in range(start.year + 1, end.year):
            total += self._table(year)[1][-1]
        first, cum = self._table(end.year)
        return total + cum[end_ord - first + 1]

    def working_days_in(self, month: Month) -> int:
        """Count the working days in ``month``.

        Examples:
            >>> WorkingCalendar().working_days_in(Month(2026, 9))
            22
        """
        count = self._months.get(month)
        if count is None:
            first, cum = self._table(month.year)
            count = cum[month.last.toordinal() - first + 1] - cum[month.first.toordinal() - first]
            self._months[month] = count
        return count

    def working_dates(self, start: date, end: date) -> tuple[date, ...]:
        """The working days from ``start`` to ``end`` (both included), in order.

        Examples:
            >>> from datetime import date
            >>> [d.day for d in WorkingCalendar().working_dates(date(2026, 4, 3), date(2026, 4, 8))]
            [3, 7, 8]
        """
        if end < start:
            return ()
        return tuple(day for day in DateRange(start, end) if self.is_working_day(day))

    def work_free_days(self, year: int) -> tuple[date, ...]:
        """The Slovenian work-free days of ``year`` that fall on Monday to Friday.

        Closures and extra working days of this calendar are not applied.

        Examples:
            >>> [d.isoformat() for d in WorkingCalendar().work_free_days(2023)][-4:]
            ['2023-10-31', '2023-11-01', '2023-12-25', '2023-12-26']
        """
        _check_supported_year(year)
        return tuple(sorted(d for d in _slovenian_work_free_days(year) if d.weekday() < 5))

    def _table(self, year: int) -> tuple[int, tuple[int, ...]]:
        table = self._years.get(year)
        if table is None:
            table = self._build_year(year)
            self._years[year] = table
        return table

    def _build_year(self, year: int) -> tuple[int, tuple[int, ...]]:
        _check_supported_year(year)
        off = _slovenian_work_free_days(year)
        first = date(year, 1, 1)
        n_days = (date(year + 1, 1, 1) - first).days
        cum = [0] * (n_days + 1)
        day = first
        running = 0
        for index in range(n_days):
            if day in self.extra_working_days or (
                day.weekday() < 5 and day not in off and day not in self.closures
            ):
                running += 1
            cum[index + 1] = running
            day += _ONE_DAY
        return first.toordinal(), tuple(cum)


def _check_supported_year(year: int) -> None:
    if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise InvalidComponent(
            "calendar.year_out_of_range",
            sl=(
                f"Delovni dnevi so znani le za leta od {FIRST_SUPPORTED_YEAR}"
                f" do {LAST_SUPPORTED_YEAR}."
            ),
            en=(
                f"Working days are known only for the years {FIRST_SUPPORTED_YEAR}"
                f" to {LAST_SUPPORTED_YEAR}."
            ),
            where="date",
        )


_DEFAULT_CALENDAR: Final = WorkingCalendar()


def default_calendar() -> WorkingCalendar:
    """The shared Slovenian calendar with no closures (its tables are cached).

    Examples:
        >>> default_calendar() is default_calendar()
        True
    """
    return _DEFAULT_CALENDAR


def working_days(start: date, end: date) -> int:
    """Count Slovenian working days from ``start`` to ``end``, both included.

    Uses :func:`default_calendar`; see :meth:`WorkingCalendar.working_days`.

    Examples:
        >>> from datetime import date
        >>> working_days(date(2023, 8, 1), date(2023, 8, 31))  # 14 and 15 August off
        21
    """
    return _DEFAULT_CALENDAR.working_days(start, end)


def working_days_in(month: Month) -> int:
    """Count Slovenian working days in ``month`` (default calendar).

    Examples:
        >>> working_days_in(Month(2015, 1))  # 2 January 2015 was a working day
        21
    """
    return _DEFAULT_CALENDAR.working_days_in(month)
