"""Benchmark: load one month's fee inputs (``load_month``) from SQLite and PostgreSQL.

For 10,000 and 100,000 children (each with a group assignment, a guardian link,
one decision, one reservation and one absence in the month), it times
``SqlUnitOfWork.load_month`` against the baseline of the *same* SELECT
statements (captured from ``load_month`` itself, with their parameters) run on a
plain DBAPI cursor of the same driver with ``fetchall()``: the rows without
building any records.  PostgreSQL is a throw-away server on 127.0.0.1 started
like the tests do (``szo_core.adapters.sql.pgtemp``).

Run:  .venv/bin/python benchmarks/bench_storage.py [--sizes 10000 100000] [--repeat 5]
      [--backends sqlite postgres]

Prints, per backend and size: min / median / max seconds of both, the ratio of
the medians (target <= 2x), the spread (max-min)/median as the run-to-run noise,
and the growth from the smaller to the larger size (linear means ~10x for 10x).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, event

from szo_core.adapters.sql import SqlStore, migrate
from szo_core.adapters.sql.pgtemp import TemporaryPostgres, find_pg_bin
from szo_core.calendar import Month
from szo_core.ids import emso
from szo_core.ids.emso import Sex
from szo_core.model import (
    Absence,
    Child,
    Decision,
    Group,
    GroupAssignment,
    Guardian,
    GuardianKind,
    GuardianLink,
    Program,
    ProgramPrice,
    Regresor,
    Reservation,
    ReservationKind,
)

ORG = "bench"
MONTH = Month(2025, 3)


def _emsos() -> list[str]:
    return [emso.make(date(2021, 1, 1 + i), Sex.FEMALE if i % 2 else Sex.MALE) for i in range(28)]


def populate(store: SqlStore, children: int) -> None:
    """Store an organisation with ``children`` enrolled children and their month records."""
    emsos = _emsos()
    with store.unit_of_work() as uow:
        uow.programs.add(
            Program(
                organisation_id=ORG,
                code="I",
                prices=(
                    ProgramPrice(
                        valid_from=date(2024, 9, 1),
                        monthly=Decimal("520.00"),
                        food_per_day=Decimal("2.60"),
                    ),
                ),
            )
        )
        uow.groups.add(Group(organisation_id=ORG, code="A1", program_code="I"))
        uow.regresors.add(
            Regresor(organisation_id=ORG, id="r-61", name="MOL", municipality_code=61)
        )
        batch = 10_000
        for lo in range(1, children + 1, batch):
            codes = range(lo, min(lo + batch, children + 1))
            uow.guardians.add_all(
                Guardian(organisation_id=ORG, id=f"g-{c}", first_name="Ana", last_name="Novak")
                for c in codes
            )
            uow.children.add_all(
                Child(
                    organisation_id=ORG,
                    code=c,
                    first_name="Otrok",
                    last_name="Kovač",
                    emso=emsos[c % 28],
                    enrollment_date=date(2024, 9, 1),
                    regresor_id="r-61",
                    groups=(
                        GroupAssignment(
                            valid_from=date(2024, 9, 1), group_code="A1", program_code="I"
                        ),
                    ),
                    guardians=(GuardianLink(guardian_id=f"g-{c}", kind=GuardianKind.MOTHER),),
                )
                for c in codes
            )
            uow.decisions.add_all(
                Decision(
                    organisation_id=ORG,
                    id=f"d-{c}",
                    child_code=c,
                    number=f"{c}/2025",
                    coefficient=Decimal("0.53"),
                    valid_from=date(2025, 1, 1),
                    valid_to=date(2025, 12, 31),
                )
                for c in codes
            )
            uow.reservations.add_all(
                Reservation(
                    organisation_id=ORG,
                    id=f"r-{c}",
                    child_code=c,
                    kind=ReservationKind.SICK,
                    start=date(2025, 3, 3),
                    end=date(2025, 3, 7),
                )
                for c in codes
            )
            uow.absences.add_all(
                Absence(
                    organisation_id=ORG,
                    id=f"a-{c}",
                    child_code=c,
                    start=date(2025, 3, 17),
                    end=date(2025, 3, 18),
                    announced_at=datetime(2025, 3, 17, 7, 15),
                )
                for c in codes
            )
        uow.commit()


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    seen: list[tuple[str, object]] = []

    def before(
        conn: object, cursor: object, statement: str, parameters: object, *a: object
    ) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def time_load(store: SqlStore, children: int) -> float:
    start = time.perf_counter()
    with store.unit_of_work() as uow:
        data = uow.load_month(ORG, MONTH)
    elapsed = time.perf_counter() - start
    assert len(data.children) == children
    return elapsed


def time_raw(engine: Engine, statements: list[tuple[str, object]], rows_expected: int) -> float:
    raw = engine.raw_connection()
    try:
        start = time.perf_counter()
        cursor = raw.cursor()
        rows = 0
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            rows += len(cursor.fetchall())
        cursor.close()
        raw.rollback()
        elapsed = time.perf_counter() - start
    finally:
        raw.close()
    assert rows == rows_expected, (rows, rows_expected)
    return elapsed


def measure(store: SqlStore, children: int, repeat: int) -> tuple[list[float], list[float]]:
    with captured(store.engine) as seen, store.unit_of_work() as uow:
        uow.load_month(ORG, MONTH)  # warm-up, and the statements to replay
    selects = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
    # children + groups + links + decisions + reservations + absences + guardians,
    # plus 1 program, 1 price, 1 group, 1 regresor and no locks
    expected_rows = 7 * children + 4
    ours, raw = [], []
    for _ in range(repeat):  # interleaved, so drift hits both alike
        ours.append(time_load(store, children))
        raw.append(time_raw(store.engine, selects, expected_rows))
    return ours, raw


def _stats(xs: list[float]) -> str:
    med = statistics.median(xs)
    noise = (max(xs) - min(xs)) / med
    return f"min {min(xs):7.3f}  med {med:7.3f}  max {max(xs):7.3f}  noise {noise:5.1%}"


def run_backend(
    name: str, open_store: Callable[[int], SqlStore], sizes: list[int], repeat: int
) -> None:
    medians: dict[int, float] = {}
    for n in sizes:
        store = open_store(n)
        try:
            t0 = time.perf_counter()
            populate(store, n)
            fill = time.perf_counter() - t0
            ours, raw = measure(store, n, repeat)
        finally:
            store.dispose()
        medians[n] = statistics.median(ours)
        ratio = statistics.median(ours) / statistics.median(raw)
        print(f"{name:9s} {n:>7,d} children  (filled in {fill:5.1f} s, {repeat} runs)")
        print(f"    load_month          {_stats(ours)}")
        print(f"    raw cursor fetchall {_stats(raw)}")
        print(
            f"    ratio (medians) {ratio:5.2f}x   best/best {min(ours) / min(raw):5.2f}x   "
            f"target <= 2x: {'met' if ratio <= 2 else 'NOT met'}"
        )
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        print(
            f"    growth {lo:,d} -> {hi:,d}: {medians[hi] / medians[lo]:5.1f}x for {hi / lo:.0f}x "
            "the children"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    print(f"load_month({MONTH}) vs the same SELECTs on a raw DBAPI cursor (seconds)")
    with tempfile.TemporaryDirectory(prefix="szo-bench-") as tmp:
        if "sqlite" in args.backends:

            def sqlite_store(n: int) -> SqlStore:
                return SqlStore.open(Path(tmp) / f"bench-{n}.sqlite")

            run_backend("sqlite", sqlite_store, args.sizes, args.repeat)
        if "postgres" in args.backends:
            found = find_pg_bin()
            if not found.available:
                print(f"postgres  skipped: {found.reason}")
                return
            with TemporaryPostgres() as pg:

                def pg_store(n: int) -> SqlStore:
                    url = pg.create_database(f"bench_{n}")
                    migrate(url)
                    return SqlStore.open(url, migrate=False)

                run_backend("postgres", pg_store, args.sizes, args.repeat)


if __name__ == "__main__":
    main()
