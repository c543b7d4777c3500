"""Working-day counting at fee-engine scale: 100,000 children, four counts each.

The workload per child: the working days of the billing month, the working days of
the enrollment clipped to that month, and of two decision periods clipped to it
(the fee engine's pattern).  Baseline, in the same process: the obvious day-by-day
loop over the same ranges, asking the ``holidays`` calendar about each day.

Run: .venv/bin/python benchmarks/bench_calendar.py [--children N] [--repeat R]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

import holidays

from szo_core.calendar import DateRange, Month, WorkingCalendar

ONE_DAY = timedelta(days=1)


def make_workload(children: int, seed: int = 20260901) -> list[tuple[DateRange, ...]]:
    rng = random.Random(seed)
    months = [Month(2025, 1) + i for i in range(24)]
    work: list[tuple[DateRange, ...]] = []
    for _ in range(children):
        month = rng.choice(months)
        enrolled = DateRange.open(month.first - timedelta(days=rng.randrange(0, 700)))
        split = month.first + timedelta(days=rng.randrange(0, 28))
        first = DateRange(split - timedelta(days=300), split)
        second = DateRange.open(split + ONE_DAY)
        ranges = [month.days]
        for period in (enrolled, first, second):
            clipped = period.clip(month)
            ranges.append(clipped if clipped is not None else month.days)
        work.append(tuple(ranges))
    return work


def fast(work: list[tuple[DateRange, ...]]) -> int:
    cal = WorkingCalendar()  # a fresh calendar: its yearly tables are built inside the timing
    total = 0
    for month_days, *periods in work:
        total += cal.working_days_in(Month.of(month_days.start))
        for period in periods:
            total += cal.working_days(period.start, period.end)
    return total


def naive(work: list[tuple[DateRange, ...]]) -> int:
    si = holidays.country_holidays("SI", years=range(2024, 2028), categories=("public",))
    total = 0
    for ranges in work:
        for period in ranges:
            day = period.start
            while day <= period.end:
                if day.weekday() < 5 and day not in si:
                    total += 1
                day += ONE_DAY
    return total


def timed(
    fn: Callable[[list[tuple[DateRange, ...]]], int], work: list[tuple[DateRange, ...]], repeat: int
) -> tuple[list[float], int]:
    times = []
    result = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(work)
        times.append(time.perf_counter() - start)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    work = make_workload(args.children)
    calls = args.children * 4
    fast_times, fast_total = timed(fast, work, args.repeat)
    naive_times, naive_total = timed(naive, work, max(1, args.repeat // 2))
    assert fast_total == naive_total, (fast_total, naive_total)

    def line(name: str, times: list[float]) -> str:
        spread = (max(times) - min(times)) / min(times) * 100
        return (
            f"{name:<28} min {min(times):8.3f} s  median {statistics.median(times):8.3f} s"
            f"  spread {spread:5.1f} %  ({len(times)} runs)"
        )

    print(f"{args.children:,} children, {calls:,} working-day counts, same answers: {fast_total:,}")
    print(line("szo_core WorkingCalendar", fast_times))
    print(line("baseline day-by-day loop", naive_times))
    per_call = min(fast_times) / calls * 1e9
    print(f"szo_core per count: {per_call:,.0f} ns")
    print(
        f"ratio baseline / szo_core (min): {min(naive_times) / min(fast_times):,.1f}x, "
        f"(median): {statistics.median(naive_times) / statistics.median(fast_times):,.1f}x"
    )


if __name__ == "__main__":
    main()
