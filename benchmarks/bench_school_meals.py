"""Benchmark: one month of school meals for 1,000, 10,000 and 100,000 pupils.

Run: ``./run bench school_meals [--sizes 1000,10000,100000] [--repeat 3] [--collector paused|on]``

The mix (seeded): every pupil takes malica (95 %) and lunch (70 %), some breakfast
(10 %) and the afternoon snack (15 %); 40 % have an income class record (classes
1 to 9, a free malica up to class 5), 8 % a second record from mid-month; 35 %
cancel one to three times in the month (a third of the cancellations too late,
a tenth for a sudden illness), 3 % enroll or leave mid-month; the school has two
free days and a lunch price change on the 15th.  October 2026, same-day deadline
at 8:30.

Printed, for each size: the time to build the inputs (the named baseline: the
records' own constructors with their validators), the engine's time
(:func:`szo_core.fees.school_meals.compute` for every pupil), min and median over
the repeats, pupil-months per second, the per-pupil cost relative to the
smallest size (flat means linear), and the engine's time relative to the
baseline.  CPU seconds of this process (``process_time``).  The target is
20,000 pupil-months a second on one core, as for the kindergarten engine.

The engine's loop runs with Python's cyclic garbage collector paused
(``--collector paused``, the default), as :func:`~szo_core.billing.run_billing`
runs every plug (``pause_collector=True``) and ``compute_month`` runs the
kindergarten engine: with the collector on, the growing heap of statements
makes full collections walk every object again and the per-pupil cost grows
with the size (``--collector on`` shows it); the timed block ends with
``gc.collect(0)`` in both modes.  The build (the baseline) always runs with the
collector on.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from szo_core._gc import collector_paused
from szo_core.calendar import Month
from szo_core.fees import FeeRules
from szo_core.fees.school_meals import SchoolMealInputs, compute
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

ORG = "os"
MONTH = Month(2026, 10)
RULES = FeeRules(host_municipality=61)
SETTINGS = SchoolMealSettings(
    organisation_id=ORG,
    prices=(
        MealPrice(meal="breakfast", valid_from=date(2026, 9, 1), price=Decimal("0.80")),
        MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.00")),
        MealPrice(meal="lunch", valid_from=date(2026, 10, 15), price=Decimal("3.30")),
        MealPrice(meal="snack", valid_from=date(2026, 9, 1), price=Decimal("1.10")),
    ),
    deadlines=(
        DeadlineRule(valid_from=date(2020, 1, 1), kind=DeadlineKind.SAME_DAY, by=clock(8, 30)),
    ),
    free_days=(FreeDay(start=date(2026, 10, 29), end=date(2026, 10, 30), name="jesenske"),),
)


def _plan(n: int, seed: int) -> list[tuple[object, ...]]:
    """The random draws, made before timing (so both timed parts see the same mix)."""
    rnd = random.Random(seed)
    days = [MONTH.first + timedelta(days=i) for i in range(31)]
    out = []
    for code in range(1, n + 1):
        meals = [
            m
            for m, p in (
                (MealKind.MALICA, 0.95),
                (MealKind.LUNCH, 0.7),
                (MealKind.BREAKFAST, 0.1),
                (MealKind.SNACK, 0.15),
            )
            if rnd.random() < p
        ]
        enrolled = date(2026, 9, 1)
        exit_ = None
        if rnd.random() < 0.03:
            if rnd.random() < 0.5:
                enrolled = rnd.choice(days)
            else:
                exit_ = rnd.choice(days)
        income = []
        if rnd.random() < 0.4:
            cls = rnd.randint(1, 9)
            income.append((date(2026, 1, 1), cls, cls <= 5))
            if rnd.random() < 0.2:
                cls2 = rnd.randint(1, 9)
                income.append((date(2026, 10, 16), cls2, cls2 <= 5))
        cancels = []
        if rnd.random() < 0.35:
            for _ in range(rnd.randint(1, 3)):
                start = rnd.choice(days)
                end = start + timedelta(days=rnd.randint(0, 4))
                hour = 9 if rnd.random() < 0.33 else 7
                cancels.append(
                    (
                        start,
                        end,
                        datetime.combine(start, clock(hour, 10)),
                        rnd.choice([None, MealKind.LUNCH]),
                        rnd.random() < 0.1,
                    )
                )
        out.append((code, meals, enrolled, exit_, income, cancels))
    return out


def _build(plan: list[tuple[object, ...]]) -> list[tuple[Child, SchoolMealInputs]]:
    built = []
    for code, meals, enrolled, exit_, income, cancels in plan:
        assert isinstance(code, int)
        pupil = Child(organisation_id=ORG, code=code, enrollment_date=enrolled, exit_date=exit_)  # type: ignore[arg-type]
        inputs = SchoolMealInputs(
            settings=SETTINGS,
            signups=tuple(
                MealSignup(
                    organisation_id=ORG,
                    id=f"{code}{m}",
                    child_code=code,
                    meal=m,
                    valid_from=date(2026, 9, 1),
                    valid_to=date(2027, 6, 24),
                )
                for m in meals  # type: ignore[attr-defined]
            ),
            income=tuple(
                IncomeClassRecord(
                    organisation_id=ORG,
                    id=f"{code}i{i}",
                    child_code=code,
                    valid_from=start,
                    income_class=cls,
                    free_malica=free,
                )
                for i, (start, cls, free) in enumerate(income)  # type: ignore[arg-type]
            ),
            cancellations=tuple(
                MealCancellation(
                    organisation_id=ORG,
                    id=f"{code}c{i}",
                    child_code=code,
                    start=s,
                    end=e,
                    made_at=at,
                    meal=meal,
                    sudden_illness=ill,
                )
                for i, (s, e, at, meal, ill) in enumerate(cancels)  # type: ignore[arg-type]
            ),
        )
        built.append((pupil, inputs))
    return built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--collector", choices=("paused", "on"), default="paused")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    load = os.getloadavg()[0]
    print(
        f"python {sys.version.split()[0]}, month {MONTH}, repeats {args.repeat}, "
        f"collector {args.collector} in the engine, "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )
    print(
        " pupils  build min  engine min  engine med  pupil-months/s  us/pupil  vs 1st  engine/build"
    )
    first_cost: float | None = None
    for n in sizes:
        plan = _plan(n, seed=15)
        builds, engines = [], []
        lines = 0
        for _ in range(args.repeat):
            t0 = time.process_time()
            built = _build(plan)
            t1 = time.process_time()
            with collector_paused(args.collector == "paused"):
                statements = [compute(MONTH, pupil, inputs, RULES) for pupil, inputs in built]
            gc.collect(0)
            t2 = time.process_time()
            builds.append(t1 - t0)
            engines.append(t2 - t1)
            lines = sum(len(s.lines) for s in statements)
            del built, statements
        best = min(engines)
        cost = best / n * 1e6
        first_cost = first_cost or cost
        print(
            f"{n:>7}  {min(builds):8.3f}s  {best:9.3f}s  {statistics.median(engines):9.3f}s"
            f"  {n / best:>14,.0f}  {cost:8.1f}  {cost / first_cost:5.2f}x"
            f"  {best / min(builds):11.2f}x   ({lines / n:.1f} lines/pupil)"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
