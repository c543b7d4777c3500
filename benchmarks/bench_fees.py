"""Benchmark: one month of fees for 1,000, 10,000 and 100,000 children.

Run: ``./run bench fees [--sizes 1000,10000,100000] [--repeat 5] [--collector paused|on]
[--plain]``

The mix is realistic for a large kindergarten network in July (the month with the
most special cases): about 85 % of children have a decision, 10 % change
decision mid-month, 4 % have a superseded decision, 18 % are siblings (2nd or
3rd), 12 % have a summer or sick reservation, 40 % have absences, 6 % enroll or
leave mid-month, 12 % live in another municipality, and two municipalities have
extra discounts and reservation schemes.  The year's facts (issue 10) add, drawn
from a second seeded generator so the mix above stays the same: 2 % of children
move to another municipality mid-month, 1 % change tax status mid-month, 1 %
attend a private kindergarten and 0.5 % a developmental unit, 1 % are on a
temporary exit, and municipality 61 charges unannounced absences (ZVrt-H).
``--plain`` leaves the year's facts out (the mix of the earlier measurements).

Printed: for each size, the time to build the inputs (the named baseline: the
records' own constructors with their validators), the engine's time
(``compute_month``), min / median / spread (max - min) / min over the repeats
(``--repeat`` at 100,000 children, up to 20 for smaller sizes),
children per second, the per-child cost relative to the smallest size
(linearity, of the minima and of the medians), the ratio of the engine's time to
the baseline, and the peak resident memory of the process after each size.

Garbage collection stays on, as in an application.  ``compute_month`` pauses the
cyclic collector while it builds the statements (a documented design choice, see
its docstring); the engine's timed block therefore ends with ``gc.collect(0)``,
the first collection after the batch that walks the new objects once (done in
both modes, so they compare).  ``--collector on`` measures the engine with the
pause switched off.  A second table shows where the time goes: the collector's
own time inside the engine's block (``gc.callbacks``) and its full collections,
the cost per child of each chunk of 1,000 children (median and maximum, from the
``progress`` callback), and "settle": the time of one full ``gc.collect()`` with
the statements held less that of one just before the run, per child (the walk
that later full collections make over the statements, as over any data kept).
Last, the bytes each statement and each child's inputs keep (``tracemalloc``,
1,000 children, untimed).

Every repeat drops the previous repeat's statements and inputs first, so each
run starts from the same heap.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs

import szo_core.fees.engine as fee_engine
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
    UnannouncedAbsenceCharge,
    compute_month,
)
from szo_core.model import (
    Absence,
    Child,
    Decision,
    GroupAssignment,
    Program,
    ProgramKind,
    ProgramPrice,
    Reservation,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
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

RULES_PLAIN = FeeRules(
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


# The year's facts: a private kindergarten (reference: the public program I) and a
# developmental unit (reference: II), temporary exits and ZVrt-H charges in 61.
YEAR_PROGRAMS = (
    *PROGRAMS,
    Program(
        organisation_id=ORG,
        code="PI",
        prices=(
            ProgramPrice(
                valid_from=date(2025, 9, 1), monthly=Decimal("780.00"), food_per_day=Decimal("2.60")
            ),
        ),
        kind=ProgramKind.PRIVATE,
        reference_program="I",
    ),
    Program(
        organisation_id=ORG,
        code="RO",
        prices=(
            ProgramPrice(
                valid_from=date(2025, 9, 1),
                monthly=Decimal("1380.00"),
                food_per_day=Decimal("2.60"),
            ),
        ),
        kind=ProgramKind.DEVELOPMENTAL_UNIT,
        reference_program="II",
    ),
)
_HOST = RULES_PLAIN.municipal(61)
RULES = attrs.evolve(
    RULES_PLAIN,
    municipalities=(
        attrs.evolve(
            _HOST,
            reservations=(
                *_HOST.reservations,
                ReservationScheme(kinds=(ReservationKind.TEMPORARY_EXIT,), rate=Decimal("0.50")),
            ),
            unannounced=(
                UnannouncedAbsenceCharge(
                    valid_from=date(2026, 1, 1),
                    food=Decimal("3.00"),
                    daily=Decimal("23.50"),
                    daily_by_program={"I": Decimal("30.18")},
                ),
            ),
        ),
        RULES_PLAIN.municipal(85),
    ),
)


def rules() -> FeeRules:
    """The rules of the mix: with the year's (temporary exits, ZVrt-H) unless ``--plain``."""
    return RULES if YEAR else RULES_PLAIN


def _year_facts(rnd: random.Random, child: Child, inputs: FeeInputs) -> tuple[Child, FeeInputs]:
    """Add the year's facts to one child of the plain mix (a separate generator)."""
    first = MONTH.first
    u = rnd.random()
    if u < 0.02:  # moves mid-month
        child = attrs.evolve(
            child,
            residence_changes=(
                ResidenceChange(
                    valid_from=first + timedelta(rnd.randint(1, 29)),
                    municipality_code=85 if child.municipality_code == 61 else 61,
                ),
            ),
        )
    elif u < 0.03:  # tax status changes mid-month
        child = attrs.evolve(
            child,
            taxpayer_changes=(
                TaxpayerChange(valid_from=first + timedelta(rnd.randint(1, 29)), taxpayers=False),
            ),
        )
    v = rnd.random()
    if v < 0.015:  # a private kindergarten (1 %) or a developmental unit (0.5 %)
        code = "PI" if v < 0.01 else "RO"
        child = attrs.evolve(
            child,
            groups=(
                GroupAssignment(valid_from=date(2025, 9, 1), group_code="Z", program_code=code),
            ),
        )
    reservations = inputs.reservations
    if rnd.random() < 0.01:  # on a temporary exit since a day in May, June or July
        start = first - timedelta(rnd.randint(0, 75))
        reservations = (
            *reservations,
            Reservation(
                organisation_id=ORG,
                id=f"{child.code}-t",
                child_code=child.code,
                kind=ReservationKind.TEMPORARY_EXIT,
                start=start,
                end=start + timedelta(rnd.randint(30, 120)),
            ),
        )
    if reservations is not inputs.reservations:
        inputs = attrs.evolve(inputs, reservations=reservations)
    return child, inputs


YEAR = True
"""Whether the mix has the year's facts (``--plain`` turns them off)."""


def build_population(n: int, seed: int = 7) -> list[tuple[Child, FeeInputs]]:
    """The children of the mix (with the year's facts unless ``YEAR`` is off)."""
    if not YEAR:
        return _plain_population(n, seed, PROGRAMS)
    extra = random.Random(seed + 1)
    return [_year_facts(extra, c, i) for c, i in _plain_population(n, seed, YEAR_PROGRAMS)]


def _plain_population(
    n: int, seed: int, programs: tuple[Program, ...]
) -> list[tuple[Child, FeeInputs]]:
    rnd = random.Random(seed)
    first, last = MONTH.first, MONTH.last
    out: list[tuple[Child, FeeInputs]] = []
    for code in range(1, n + 1):
        r = rnd.random()
        enrolled = date(2025, 9, 1) if r > 0.03 else first + timedelta(rnd.randint(0, 29))
        exit_date = last - timedelta(rnd.randint(0, 25)) if rnd.random() < 0.03 else None
        if exit_date is not None and exit_date < enrolled:  # refused by the model
            exit_date = enrolled
        program = rnd.choice(PROGRAMS)  # the three public programs
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
                    programs=programs,
                    decisions=tuple(decisions),
                    reservations=tuple(reservations),
                    absences=tuple(absences),
                    siblings=siblings,
                ),
            )
        )
    return out


class _CollectorClock:
    """Time spent in the cyclic collector, and the full collections, via gc.callbacks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.seconds += time.process_time() - self._start
            self.full += info["generation"] == 2

    def reset(self) -> None:
        self.seconds, self.full = 0.0, 0


def _full_collection() -> float:
    """CPU seconds of one full ``gc.collect()``."""
    start = time.process_time()
    gc.collect()
    return time.process_time() - start


class _Run:
    """One repeat at one size: all figures in CPU seconds of this process."""

    def __init__(self, n: int, chunk: int, clock: _CollectorClock) -> None:
        gc.collect()
        start = time.process_time()
        population = build_population(n)
        self.build = time.process_time() - start
        self.before = _full_collection()  # the heap with the inputs, without statements
        marks: list[float] = []
        clock.reset()
        wall = time.perf_counter()
        start = time.process_time()
        statements = compute_month(
            MONTH,
            population,
            rules(),
            progress=lambda done, total: marks.append(time.process_time()),
            every=chunk,
        )
        gc.collect(0)  # the first collection after the batch (a paused collector left it)
        self.engine = time.process_time() - start
        self.wall = time.perf_counter() - wall
        self.gc, self.full = clock.seconds, clock.full
        self.after = _full_collection()  # the same heap with the statements held
        self.lines = sum(len(s.lines) for s in statements) / n
        edges = [start, *marks]
        # the last mark is the final call (done == n) when n is not a multiple of chunk
        self.chunks = [(b - a) / chunk * 1e6 for a, b in itertools.pairwise(edges)][: n // chunk]
        del statements, population


def _retained_bytes(n: int = 1000) -> tuple[float, float]:
    """Bytes kept per child by its inputs and by its statement (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    population = build_population(n)
    gc.collect()
    inputs = tracemalloc.get_traced_memory()[0]
    statements = compute_month(MONTH, population, rules())
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del statements, population
    return (inputs - base) / n, (kept - inputs) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument(
        "--collector",
        choices=("paused", "on"),
        default="paused",
        help="paused: compute_month as shipped; on: without its collector pause",
    )
    parser.add_argument(
        "--plain", action="store_true", help="the mix without the year's facts (issue 10)"
    )
    args = parser.parse_args()
    global YEAR
    YEAR = not args.plain
    sizes = [int(x) for x in args.sizes.split(",")]
    fee_engine._PAUSE_COLLECTOR = args.collector == "paused"
    compute_month(MONTH, build_population(50), rules())  # warm the calendar and scale caches
    clock = _CollectorClock()
    print(
        f"python {sys.version.split()[0]}, month {MONTH}, repeats {args.repeat} (20 below 100,000),"
        f" collector {args.collector} in compute_month, mix {'plain' if args.plain else 'year'},"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print("times are CPU seconds of this process (process_time); wall time in brackets")
    print(
        f"{'children':>9} {'build min':>10} {'engine min':>11} {'engine med':>11}"
        f" {'spread':>7} {'children/s':>11} {'us/child':>9} {'vs 1st':>7} {'med vs 1st':>11}"
        f" {'engine/build':>13} {'peak RSS':>9}"
    )
    base_min = base_med = 0.0
    detail: list[str] = []
    for n in sizes:
        repeat = max(args.repeat, min(20, args.repeat * 100_000 // n))  # small sizes: more
        runs = [_Run(n, args.chunk, clock) for _ in range(repeat)]
        engines = [r.engine for r in runs]
        best = min(runs, key=lambda r: r.engine)
        median = statistics.median(engines)
        spread = (max(engines) - best.engine) / best.engine
        per_child, per_child_med = best.engine / n * 1e6, median / n * 1e6
        base_min, base_med = base_min or per_child, base_med or per_child_med
        build = min(r.build for r in runs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{n:>9} {build:>9.3f}s {best.engine:>10.3f}s {median:>10.3f}s {spread:>6.1%}"
            f" {n / best.engine:>11,.0f} {per_child:>9.1f} {per_child / base_min:>6.2f}x"
            f" {per_child_med / base_med:>10.2f}x {best.engine / build:>12.2f}x"
            f" {peak:>5,.0f} MiB   [wall min {min(r.wall for r in runs):.3f}s]"
            f" ({best.lines:.1f} lines/child, {repeat} repeats)"
        )
        chunks = [c for r in runs for c in r.chunks]
        settle = statistics.median((r.after - r.before) / n * 1e6 for r in runs)
        detail.append(
            f"{n:>9} {best.gc:>9.3f}s {best.full:>5} {best.gc / n * 1e6:>11.1f}"
            f" {(best.engine - best.gc) / n * 1e6:>13.1f}"
            f" {statistics.median(chunks) if chunks else 0:>12.1f}"
            f" {max(chunks) if chunks else 0:>9.1f} {settle:>13.1f}"
        )
    print(f"\nwhere the time goes (the fastest repeat; chunks of {args.chunk:,} over all repeats)")
    print(
        f"{'children':>9} {'gc in run':>10} {'full':>5} {'gc us/child':>11}"
        f" {'other us/child':>13} {'chunk median':>12} {'chunk max':>9} {'settle us/child':>13}"
    )
    print("\n".join(detail))
    inputs, statement = _retained_bytes()
    print(f"\nkept per child: inputs {inputs:,.0f} bytes, statement {statement:,.0f} bytes")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
