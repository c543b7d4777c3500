"""Benchmark: one month of fees for 1,000, 10,000 and 100,000 children.

Run: ``.venv/bin/python benchmarks/bench_fees.py [--sizes 1000,10000,100000] [--repeat 3]``

The mix is realistic for a large kindergarten network in July (the month with the
most special cases): about 85 % of children have a decision, 10 % change
decision mid-month, 4 % have a superseded decision, 18 % are siblings (2nd or
3rd), 12 % have a summer or sick reservation, 40 % have absences, 6 % enroll or
leave mid-month, 12 % live in another municipality, and two municipalities have
extra discounts and reservation schemes.

Printed: for each size, the time to build the inputs (the named baseline: the
records' own constructors with their validators), the engine's time
(``compute_month``), min / median / spread over the repeats, children per second,
the per-child cost relative to the smallest size (linearity), the ratio of the
engine's time to the baseline, and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from szo_core.calendar import Month
from szo_core.fees import (
    DiscountKind,
    ExtraDiscount,
    FeeInputs,
    FeeRules,
    FoodDeductionRule,
    MunicipalRules,
    ReservationScheme,
    SiblingInfo,
    compute_month,
)
from szo_core.model import (
    Absence,
    Child,
    Decision,
    GroupAssignment,
    Program,
    ProgramPrice,
    Reservation,
    ReservationKind,
)

MONTH = Month(2026, 7)
ORG = "bench"
COEFFICIENTS = [
    Decimal(x) for x in ("0", "0.10", "0.20", "0.30", "0.35", "0.43", "0.53", "0.66", "0.77")
]

PROGRAMS = tuple(
    Program(
        organisation_id=ORG,
        code=code,
        prices=(
            ProgramPrice(
                valid_from=date(2025, 9, 1), monthly=Decimal(a), food_per_day=Decimal("2.60")
            ),
            ProgramPrice(
                valid_from=date(2026, 9, 1), monthly=Decimal(b), food_per_day=Decimal("2.80")
            ),
        ),
    )
    for code, a, b in (
        ("I", "612.50", "640.00"),
        ("II", "455.20", "471.00"),
        ("P", "380.00", "392.00"),
    )
)

RULES = FeeRules(
    host_municipality=61,
    municipalities=(
        MunicipalRules(
            municipality=61,
            discounts=(
                ExtraDiscount(
                    kind=DiscountKind.PERCENT_BY_CLASS,
                    percent_by_coefficient={
                        "0.77": Decimal("0.255"),
                        "0.66": Decimal("0.255"),
                        "0.53": Decimal("0.255"),
                        "0.43": Decimal("0.309"),
                        "0.35": Decimal("0.309"),
                    },
                ),
            ),
            reservations=(
                ReservationScheme(
                    kinds=(ReservationKind.SUMMER,),
                    rate=Decimal("0.30"),
                    window=((6, 1), (9, 30)),
                    yearly_cap=44,
                    cap_group="mol",
                    exclude_state_financed=True,
                    after_food=False,
                ),
                ReservationScheme(
                    kinds=(ReservationKind.SICK,),
                    rate=Decimal("0.30"),
                    min_length=20,
                    yearly_cap=44,
                    cap_group="mol",
                ),
            ),
        ),
        MunicipalRules(
            municipality=85,
            food=FoodDeductionRule(from_absence_day=2),
            discounts=(ExtraDiscount(kind=DiscountKind.FIXED_AMOUNT, amount=Decimal("20.00")),),
            reservations=(ReservationScheme(rate=Decimal("0.50"), min_length=10),),
        ),
    ),
)


def build_population(n: int, seed: int = 7) -> list[tuple[Child, FeeInputs]]:
    rnd = random.Random(seed)
    first, last = MONTH.first, MONTH.last
    out: list[tuple[Child, FeeInputs]] = []
    for code in range(1, n + 1):
        r = rnd.random()
        enrolled = date(2025, 9, 1) if r > 0.03 else first + timedelta(rnd.randint(0, 29))
        exit_date = last - timedelta(rnd.randint(0, 25)) if rnd.random() < 0.03 else None
        program = rnd.choice(PROGRAMS)
        child = Child(
            organisation_id=ORG,
            code=code,
            municipality_code=61 if rnd.random() > 0.12 else 85,
            enrollment_date=enrolled,
            exit_date=exit_date,
            groups=(
                GroupAssignment(
                    valid_from=date(2025, 9, 1), group_code="G", program_code=program.code
                ),
            ),
        )
        decisions: list[Decision] = []
        if rnd.random() < 0.85:
            c = rnd.choice(COEFFICIENTS)
            decisions.append(
                Decision(
                    organisation_id=ORG,
                    id=f"{code}-1",
                    child_code=code,
                    number="1",
                    coefficient=c,
                    valid_from=date(2025, 9, 1),
                    sibling_order=2 if rnd.random() < 0.05 else None,
                )
            )
            u = rnd.random()
            if u < 0.10:  # a new decision from mid-month
                decisions[0] = Decision(
                    organisation_id=ORG,
                    id=f"{code}-1",
                    child_code=code,
                    number="1",
                    coefficient=c,
                    valid_from=date(2025, 9, 1),
                    valid_to=date(2026, 7, 14),
                )
                decisions.append(
                    Decision(
                        organisation_id=ORG,
                        id=f"{code}-2",
                        child_code=code,
                        number="2",
                        coefficient=rnd.choice(COEFFICIENTS),
                        valid_from=date(2026, 7, 15),
                    )
                )
            elif u < 0.14:  # a superseded decision
                decisions.append(
                    Decision(
                        organisation_id=ORG,
                        id=f"{code}-2",
                        child_code=code,
                        number="2",
                        coefficient=rnd.choice(COEFFICIENTS),
                        valid_from=date(2025, 9, 1),
                        supersedes=f"{code}-1",
                    )
                )
        reservations: list[Reservation] = []
        if rnd.random() < 0.12:
            start = first + timedelta(rnd.randint(0, 20))
            kind = ReservationKind.SUMMER if rnd.random() < 0.8 else ReservationKind.SICK
            reservations.append(
                Reservation(
                    organisation_id=ORG,
                    id=f"{code}-r",
                    child_code=code,
                    kind=kind,
                    start=start,
                    end=start + timedelta(rnd.randint(7, 40)),
                    announced_on=start - timedelta(10),
                )
            )
        absences: list[Absence] = []
        if rnd.random() < 0.40:
            for i in range(rnd.randint(1, 2)):
                start = first + timedelta(rnd.randint(0, 28))
                absences.append(
                    Absence(
                        organisation_id=ORG,
                        id=f"{code}-a{i}",
                        child_code=code,
                        start=start,
                        end=start + timedelta(rnd.randint(0, 4)),
                        announced_at=datetime.combine(start, datetime.min.time())
                        + timedelta(hours=rnd.choice([-12, 7, 9])),
                    )
                )
        s = rnd.random()
        siblings = SiblingInfo(enrolled_order=3 if s < 0.03 else 2 if s < 0.18 else 1)
        out.append(
            (
                child,
                FeeInputs(
                    programs=PROGRAMS,
                    decisions=tuple(decisions),
                    reservations=tuple(reservations),
                    absences=tuple(absences),
                    siblings=siblings,
                ),
            )
        )
    return out


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    """CPU seconds of this process (one core; other processes' load does not count),
    wall seconds, and the result."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(*args)
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    compute_month(MONTH, build_population(50), RULES)  # warm the calendar and scale caches
    load = os.getloadavg()[0]
    print(
        f"python {sys.version.split()[0]}, month {MONTH}, repeats {args.repeat},"
        f" load average {load:.1f} on {os.cpu_count()} cores"
    )
    print("times are CPU seconds of this process (process_time); wall time in brackets")
    print(
        f"{'children':>9} {'build min':>10} {'engine min':>11} {'engine med':>11}"
        f" {'spread':>7} {'children/s':>11} {'us/child':>9} {'vs 1st':>7} {'engine/build':>13}"
    )
    base_cost = None
    for n in sizes:
        builds, engines, walls = [], [], []
        statements = ()
        for _ in range(args.repeat):
            t_build, _, population = _timed(build_population, n)
            t_engine, t_wall, statements = _timed(compute_month, MONTH, population, RULES)
            builds.append(t_build)
            engines.append(t_engine)
            walls.append(t_wall)
            del population
        lines = sum(len(s.lines) for s in statements)
        best, median = min(engines), statistics.median(engines)
        spread = (max(engines) - best) / best
        per_child = best / n * 1e6
        base_cost = base_cost or per_child
        print(
            f"{n:>9} {min(builds):>9.3f}s {best:>10.3f}s {median:>10.3f}s {spread:>6.1%}"
            f" {n / best:>11,.0f} {per_child:>9.1f} {per_child / base_cost:>6.2f}x"
            f" {best / min(builds):>12.2f}x   [wall min {min(walls):.3f}s]"
            f" ({lines / n:.1f} lines/child)"
        )
        del statements
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
