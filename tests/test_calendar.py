"""Tests for szo_core.calendar: Month, DateRange and Slovenian working days."""

from __future__ import annotations

import calendar as std_calendar
from datetime import date, timedelta
from itertools import pairwise

import pytest
from dateutil.easter import easter
from hypothesis import assume, given
from hypothesis import strategies as st

from szo_core.calendar import (
    FIRST_SUPPORTED_YEAR,
    LAST_SUPPORTED_YEAR,
    OPEN_END,
    DateRange,
    Month,
    WorkingCalendar,
    default_calendar,
    working_days,
    working_days_in,
)
from szo_core.errors import ConfigurationError, InvalidComponent, InvalidFormat, ValidationError

ONE_DAY = timedelta(days=1)

supported_dates = st.dates(date(FIRST_SUPPORTED_YEAR, 1, 1), date(LAST_SUPPORTED_YEAR, 12, 31))
# Near dates keep Hypothesis' ranges short enough for the naive oracle below.
recent_dates = st.dates(date(2010, 1, 1), date(2030, 12, 31))
months = st.builds(Month, st.integers(1, 9998), st.integers(1, 12))
offsets = st.integers(-5000, 5000)


@st.composite
def ranges(draw: st.DrawFn, *, allow_open: bool = True) -> DateRange:
    start = draw(recent_dates)
    if allow_open and draw(st.booleans()):
        return DateRange.open(start)
    return DateRange(start, start + timedelta(days=draw(st.integers(0, 800))))


# -- an independent oracle: the Zakon o praznikih in dela prostih dnevih list ---------------

# Fixed work-free days (fees.md §4.2): 1. and 2. 1., 8. 2., 27. 4., 1. and 2. 5., 25. 6.,
# 15. 8., 31. 10., 1. 11., 25. and 26. 12.; moving: Easter Monday.
_FIXED_WORK_FREE = (
    (1, 1),
    (1, 2),
    (2, 8),
    (4, 27),
    (5, 1),
    (5, 2),
    (6, 25),
    (8, 15),
    (10, 31),
    (11, 1),
    (12, 25),
    (12, 26),
)


def _law_work_free(day: date) -> bool:
    if (day.month, day.day) == (1, 2) and 2013 <= day.year <= 2016:
        return False  # ZUJF made 2 January a working day from 2013 to 2016
    if day == date(2023, 8, 14):
        return True  # dan solidarnosti, one-off
    if (day.month, day.day) in _FIXED_WORK_FREE:
        return True
    return day == easter(day.year) + ONE_DAY


def _naive_working_days(start: date, end: date, closures: frozenset[date] = frozenset()) -> int:
    count = 0
    day = start
    while day <= end:
        if day.weekday() < 5 and not _law_work_free(day) and day not in closures:
            count += 1
        day += ONE_DAY
    return count


# -- Month ---------------------------------------------------------------------------------


@given(months)
def test_month_str_parse_round_trip(month: Month) -> None:
    assert Month.parse(str(month)) == month


@given(st.builds(Month, st.integers(500, 9000), st.integers(1, 12)), offsets)
def test_month_add_then_subtract_is_identity(month: Month, n: int) -> None:
    moved = month + n
    assert moved - n == month
    assert moved - month == n
    assert n + month == moved


@given(months)
def test_month_next_prev_are_inverse(month: Month) -> None:
    assume(Month(2, 1) <= month <= Month(9998, 12))
    assert month.next().prev() == month
    assert month.prev().next() == month
    assert month.next() == month + 1


@given(months, months)
def test_month_order_follows_first_day(a: Month, b: Month) -> None:
    assert (a < b) == (a.first < b.first)
    assert (a == b) == (hash(a) == hash(b) and a.first == b.first)


@given(recent_dates)
def test_month_of_contains_its_day(day: date) -> None:
    month = Month.of(day)
    assert day in month
    assert day in month.days
    assert month.first <= day <= month.last
    assert day - timedelta(days=day.day) not in month


@given(months)
def test_month_days_match_stdlib(month: Month) -> None:
    # calendar.monthrange gives (weekday of the 1st, number of days)
    assert month.days.days == std_calendar.monthrange(month.year, month.month)[1]
    assert month.last.day == month.days.days
    assert month.first.day == 1


@given(st.dates(date(1, 1, 1), date(9000, 12, 31)), st.integers(0, 60))
def test_month_through_yields_every_month_once(day: date, span: int) -> None:
    first = Month.of(day)
    last = first + span
    listed = list(first.through(last))
    assert len(listed) == last - first + 1
    assert listed == sorted(set(listed))
    assert all(b == a.next() for a, b in pairwise(listed))


def test_month_through_empty_when_backwards() -> None:
    assert list(Month(2026, 3).through(Month(2026, 2))) == []


def test_month_hand_examples() -> None:
    assert str(Month(2026, 9)) == "2026-09"
    assert str(Month(987, 1)) == "0987-01"
    assert Month(2026, 1) - 1 == Month(2025, 12)
    assert Month(2025, 12) + 14 == Month(2027, 2)  # 12 + 14 = 26 -> year +2, month 2
    assert Month(2024, 2).last == date(2024, 2, 29)  # leap year
    assert Month(2100, 2).last == date(2100, 2, 28)  # 2100 is not a leap year
    assert date(2026, 10, 1) not in Month(2026, 9)
    assert "2026-09-01" not in Month(2026, 9)
    assert sorted([Month(2026, 1), Month(2025, 12), Month(2025, 2)]) == [
        Month(2025, 2),
        Month(2025, 12),
        Month(2026, 1),
    ]


@pytest.mark.parametrize(
    "text", ["2026-9", "26-09", "2026/09", " 2026-09", "2026-09 ", "2026-09-01", "", "September"]
)
def test_month_parse_rejects_bad_format(text: str) -> None:
    with pytest.raises(InvalidFormat) as info:
        Month.parse(text)
    assert info.value.code == "calendar.month_format"


@pytest.mark.parametrize("text", ["2026-00", "2026-13", "0000-05"])
def test_month_parse_rejects_bad_component(text: str) -> None:
    with pytest.raises(InvalidComponent) as info:
        Month.parse(text)
    assert info.value.code in {"calendar.month", "calendar.year"}


def test_month_parse_rejects_non_string() -> None:
    with pytest.raises(ValidationError):
        Month.parse(202609)  # type: ignore[arg-type]


def test_month_arithmetic_with_wrong_type_is_type_error() -> None:
    with pytest.raises(TypeError):
        Month(2026, 1) + 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Month(2026, 1) - "1"  # type: ignore[operator]


# -- DateRange -----------------------------------------------------------------------------


@given(ranges(allow_open=False))
def test_range_days_counts_both_ends(r: DateRange) -> None:
    listed = list(r)
    assert len(listed) == r.days == (r.end - r.start).days + 1
    assert listed[0] == r.start
    assert listed[-1] == r.end


@given(ranges(), ranges())
def test_intersection_is_commutative(a: DateRange, b: DateRange) -> None:
    assert a.intersection(b) == b.intersection(a)


@given(ranges(), ranges(), recent_dates)
def test_intersection_holds_exactly_the_common_days(a: DateRange, b: DateRange, d: date) -> None:
    both = a.intersection(b)
    in_both = d in a and d in b
    assert (both is not None and d in both) == in_both


@given(ranges(), ranges(), ranges())
def test_intersection_is_associative(a: DateRange, b: DateRange, c: DateRange) -> None:
    ab = a.intersection(b)
    bc = b.intersection(c)
    left = ab.intersection(c) if ab is not None else None
    right = a.intersection(bc) if bc is not None else None
    assert left == right


@given(ranges(), ranges())
def test_overlaps_iff_intersection(a: DateRange, b: DateRange) -> None:
    assert a.overlaps(b) == (a.intersection(b) is not None)
    assert a.intersection(a) == a


@given(ranges(), ranges())
def test_intersection_is_open_only_when_both_are(a: DateRange, b: DateRange) -> None:
    both = a.intersection(b)
    if both is not None:
        assert both.is_open == (a.is_open and b.is_open)


@given(ranges(), st.builds(Month, st.integers(2009, 2033), st.integers(1, 12)))
def test_clip_is_intersection_with_the_month(r: DateRange, month: Month) -> None:
    clipped = r.clip(month)
    assert clipped == r.intersection(month.days)
    if clipped is not None:
        assert not clipped.is_open
        assert Month.of(clipped.start) == Month.of(clipped.end) == month


@given(ranges(allow_open=False))
def test_range_months_cover_the_range(r: DateRange) -> None:
    clipped = [r.clip(m) for m in r.months()]
    assert all(c is not None for c in clipped)
    assert sum(c.days for c in clipped if c is not None) == r.days


def test_range_rejects_end_before_start() -> None:
    with pytest.raises(InvalidComponent) as info:
        DateRange(date(2026, 9, 2), date(2026, 9, 1))
    assert info.value.code == "calendar.range_order"
    assert info.value.where == "end"


def test_open_range() -> None:
    r = DateRange(date(2026, 9, 1), None)
    assert r == DateRange.open(date(2026, 9, 1))
    assert r.end == OPEN_END
    assert r.is_open
    assert date(2999, 1, 1) in r
    assert date(2026, 8, 31) not in r
    assert repr(r) == "DateRange(start=datetime.date(2026, 9, 1), end=None)"
    assert str(r) == "2026-09-01.."
    for operation in (lambda: r.days, lambda: list(r), r.months):
        with pytest.raises(InvalidComponent) as info:
            operation()
        assert info.value.code == "calendar.open_range"


def test_range_hand_examples() -> None:
    # A child enrolled Monday 14 September 2026 and leaving Friday 18 September:
    # 14, 15, 16, 17, 18 = five days, both ends counted.
    stay = DateRange(date(2026, 9, 14), date(2026, 9, 18))
    assert stay.days == 5
    assert str(stay) == "2026-09-14..2026-09-18"
    assert DateRange.single(date(2026, 9, 14)).days == 1
    # An open enrollment from 14 September 2026, clipped to three months:
    enrolled = DateRange.open(date(2026, 9, 14))
    assert enrolled.clip(Month(2026, 8)) is None
    assert enrolled.clip(Month(2026, 9)) == DateRange(date(2026, 9, 14), date(2026, 9, 30))
    assert enrolled.clip(Month(2026, 10)) == Month(2026, 10).days
    # Adjacent ranges share no day: 31 January and 1 February are different days.
    january = Month(2026, 1).days
    assert not january.overlaps(Month(2026, 2).days)
    assert january.overlaps(DateRange(date(2026, 1, 31), date(2026, 2, 3)))


# -- working days: properties --------------------------------------------------------------


@given(recent_dates, st.integers(0, 400), st.integers(0, 400))
def test_working_days_split_adds_up(a: date, left: int, right: int) -> None:
    b = a + timedelta(days=left)
    c = b + timedelta(days=right)
    assert working_days(a, b) + working_days(b + ONE_DAY, c) == working_days(a, c)


@given(recent_dates, st.integers(0, 900))
def test_working_days_match_naive_count_from_the_law(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert working_days(start, end) == _naive_working_days(start, end)


@given(supported_dates)
def test_is_working_day_matches_the_law(day: date) -> None:
    expected = day.weekday() < 5 and not _law_work_free(day)
    assert default_calendar().is_working_day(day) == expected
    assert working_days(day, day) == int(expected)


@given(recent_dates, st.integers(0, 120))
def test_working_dates_agree_with_count(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    listed = default_calendar().working_dates(start, end)
    assert len(listed) == working_days(start, end)
    assert all(default_calendar().is_working_day(d) for d in listed)
    assert list(listed) == sorted(set(listed))


@given(st.builds(Month, st.integers(FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR), st.integers(1, 12)))
def test_working_days_in_month_is_count_over_its_days(month: Month) -> None:
    assert working_days_in(month) == working_days(month.first, month.last)
    assert working_days_in(month) == _naive_working_days(month.first, month.last)


@given(recent_dates, st.integers(1, 30))
def test_end_before_start_counts_zero(day: date, back: int) -> None:
    assert working_days(day, day - timedelta(days=back)) == 0
    assert default_calendar().working_dates(day, day - timedelta(days=back)) == ()


@given(st.lists(recent_dates, max_size=10), recent_dates, st.integers(0, 400))
def test_closures_remove_exactly_their_working_days(
    closed: list[date], start: date, span: int
) -> None:
    end = start + timedelta(days=span)
    cal = WorkingCalendar(closures=closed)
    assert cal.working_days(start, end) == _naive_working_days(start, end, frozenset(closed))


@given(st.lists(recent_dates, max_size=10, unique=True), recent_dates, st.integers(0, 400))
def test_extra_working_days_add_their_days_off(extra: list[date], start: date, span: int) -> None:
    end = start + timedelta(days=span)
    cal = WorkingCalendar(extra_working_days=extra)
    added = sum(1 for d in extra if start <= d <= end and not default_calendar().is_working_day(d))
    assert cal.working_days(start, end) == working_days(start, end) + added
    assert all(cal.is_working_day(d) for d in extra)


def test_every_supported_year_matches_the_law() -> None:
    # Exhaustive: every weekday work-free day of 1992-2100 is on the law's list and back.
    for year in range(FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR + 1):
        first = date(year, 1, 1)
        days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
        expected = tuple(d for d in days if d.weekday() < 5 and _law_work_free(d))
        assert default_calendar().work_free_days(year) == expected, year
        assert working_days(first, days[-1]) == sum(1 for d in days if d.weekday() < 5) - len(
            expected
        )


# -- working days: hand-derived examples ---------------------------------------------------


def test_september_2026() -> None:
    # 1 Sept 2026 is a Tuesday; weekends: Sat 5, 12, 19, 26 and Sun 6, 13, 20, 27 = 8 days.
    # 30 - 8 = 22.  15 September (priključitev Primorske) is a holiday but not work-free.
    assert working_days_in(Month(2026, 9)) == 22
    assert default_calendar().is_working_day(date(2026, 9, 15))


def test_august_2023_with_dan_solidarnosti() -> None:
    # 1 Aug 2023 is a Tuesday; weekends: Sat 5, 12, 19, 26 and Sun 6, 13, 20, 27 = 8 days.
    # 31 - 8 = 23 weekdays, minus Mon 14 Aug (dan solidarnosti) and Tue 15 Aug = 21.
    assert working_days_in(Month(2023, 8)) == 21
    assert not default_calendar().is_working_day(date(2023, 8, 14))
    assert not default_calendar().is_working_day(date(2023, 8, 15))
    # the one-off day was only in 2023: 14 Aug 2024 is a Wednesday and a working day
    assert default_calendar().is_working_day(date(2024, 8, 14))


def test_january_2015_second_january_working() -> None:
    # 1 Jan 2015 is a Thursday; weekends: Sat 3, 10, 17, 24, 31 and Sun 4, 11, 18, 25 = 9.
    # 31 - 9 = 22 weekdays, minus Thu 1 January = 21: Fri 2 January was a working day
    # (ZUJF, 2013 to 2016).
    assert working_days_in(Month(2015, 1)) == 21
    assert default_calendar().is_working_day(date(2015, 1, 2))


@pytest.mark.parametrize("year", [2013, 2014, 2015, 2016])
def test_second_january_worked_2013_to_2016(year: int) -> None:
    day = date(year, 1, 2)
    assert default_calendar().is_working_day(day) == (day.weekday() < 5)


@pytest.mark.parametrize("year", [2012, 2017, 2018, 2025, 2026])
def test_second_january_off_before_2013_and_from_2017(year: int) -> None:
    assert not default_calendar().is_working_day(date(year, 1, 2))


def test_january_2014_and_2018() -> None:
    # 2014: 1 Jan is a Wednesday; 8 weekend days -> 23 weekdays; only 1 Jan off -> 22.
    assert working_days_in(Month(2014, 1)) == 22
    # 2018: 1 Jan is a Monday; 8 weekend days -> 23 weekdays; 1 and 2 Jan off -> 21.
    assert working_days_in(Month(2018, 1)) == 21


def test_whole_year_2026() -> None:
    # 2026 has 365 days from Thursday 1 Jan: 52 weeks (260 weekdays) + Thursday 31 Dec = 261.
    # Work-free days on weekdays: 1 Jan (Thu), 2 Jan (Fri), 6 Apr (Easter Monday),
    # 27 Apr (Mon), 1 May (Fri), 25 Jun (Thu), 25 Dec (Fri) = 7.  261 - 7 = 254.
    assert working_days(date(2026, 1, 1), date(2026, 12, 31)) == 254
    assert [d.isoformat() for d in default_calendar().work_free_days(2026)] == [
        "2026-01-01",
        "2026-01-02",
        "2026-04-06",
        "2026-04-27",
        "2026-05-01",
        "2026-06-25",
        "2026-12-25",
    ]


def test_march_2022_matches_saop_strike_example() -> None:
    # fees.md §4.1: SAOP bills 485 € × 22/23 for March 2022, so March 2022 has 23 working
    # days (1 Mar is a Tuesday; weekends 5/6, 12/13, 19/20, 26/27 -> 31 - 8 = 23).
    assert working_days_in(Month(2022, 3)) == 23


# The table in /work/shared/reference/fees.md §4.2 (working days per month, 2022-2026).
_FEES_MD_TABLE = {
    2022: (21, 19, 23, 19, 21, 22, 21, 22, 22, 20, 21, 21),
    2023: (21, 19, 23, 18, 21, 22, 21, 21, 21, 21, 21, 19),
    2024: (21, 20, 21, 21, 21, 19, 23, 21, 21, 22, 20, 20),
    2025: (21, 20, 21, 21, 20, 20, 23, 20, 22, 22, 20, 21),
    2026: (20, 20, 22, 20, 20, 21, 23, 21, 22, 22, 21, 22),
}


@pytest.mark.parametrize("year", sorted(_FEES_MD_TABLE))
def test_reference_table(year: int) -> None:
    counts = tuple(working_days_in(Month(year, m)) for m in range(1, 13))
    assert counts == _FEES_MD_TABLE[year]


def test_holidays_that_are_not_days_off_are_working_days() -> None:
    # 8 June 2026 (dan Primoža Trubarja) is a Monday and a working day.
    assert default_calendar().is_working_day(date(2026, 6, 8))
    # 23 November 2026 (dan Rudolfa Maistra) is a Monday and a working day.
    assert default_calendar().is_working_day(date(2026, 11, 23))


def test_closure_and_worked_saturday() -> None:
    # September 2026 has 22 working days; closing Monday 7 Sept and working Saturday
    # 12 Sept gives 22 - 1 + 1 = 22, while the closure alone gives 21.
    closed = WorkingCalendar(closures=[date(2026, 9, 7)])
    both = WorkingCalendar(closures=[date(2026, 9, 7)], extra_working_days=[date(2026, 9, 12)])
    assert closed.working_days_in(Month(2026, 9)) == 21
    assert both.working_days_in(Month(2026, 9)) == 22
    assert both.working_dates(date(2026, 9, 7), date(2026, 9, 12)) == (
        date(2026, 9, 8),
        date(2026, 9, 9),
        date(2026, 9, 10),
        date(2026, 9, 11),
        date(2026, 9, 12),
    )
    # the default calendar is not changed by either
    assert working_days_in(Month(2026, 9)) == 22


def test_calendars_compare_by_their_days() -> None:
    a = WorkingCalendar(closures=[date(2026, 9, 7)])
    a.working_days_in(Month(2026, 9))  # fills a's cache; equality must ignore it
    assert a == WorkingCalendar(closures=(date(2026, 9, 7),))
    assert hash(a) == hash(WorkingCalendar(closures={date(2026, 9, 7)}))
    assert a != WorkingCalendar()


def test_closure_that_is_also_extra_working_day_is_refused() -> None:
    with pytest.raises(ConfigurationError) as info:
        WorkingCalendar(closures=[date(2026, 9, 7)], extra_working_days=[date(2026, 9, 7)])
    assert info.value.code == "calendar.closure_conflict"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(1991, 12, 31), date(1992, 1, 10)),
        (date(2100, 12, 1), date(2101, 1, 1)),
        (date(2026, 1, 1), OPEN_END),
    ],
)
def test_years_outside_the_holiday_data_are_refused(start: date, end: date) -> None:
    with pytest.raises(InvalidComponent) as info:
        working_days(start, end)
    assert info.value.code == "calendar.year_out_of_range"


def test_multi_year_count() -> None:
    # 2013 to 2016 whole years: each year's count, summed, equals the one span count.
    per_year = [working_days(date(y, 1, 1), date(y, 12, 31)) for y in range(2013, 2017)]
    assert sum(per_year) == working_days(date(2013, 1, 1), date(2016, 12, 31))
    # 2015: 365 days from Thursday 1 Jan -> 261 weekdays.  Weekday work-free days:
    # 1 Jan (Thu), 6 Apr (Easter Monday), 27 Apr (Mon), 1 May (Fri), 25 Jun (Thu),
    # 15 Aug is Sat, 31 Oct Sat, 1 Nov Sun, 25 Dec (Fri), 26 Dec Sat, 2 Jan worked,
    # 8 Feb Sun, 2 May Sat -> 6 days off.  261 - 6 = 255.
    assert per_year[2] == 255
