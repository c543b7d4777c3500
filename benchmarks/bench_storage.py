"""Benchmark: load one month's fee inputs (``load_month``) from SQLite and PostgreSQL.

For 10,000 and 100,000 children (each with a group assignment, a guardian link,
one decision, one reservation and one absence in the month), it times
``SqlUnitOfWork.load_month`` against the baseline of the *same* SELECT
statements (captured from ``load_month`` itself, with their parameters) run on a
plain DBAPI cursor of the same driver with ``fetchall()``: the rows without
building any records.  PostgreSQL is a throw-away server on 127.0.0.1 started
like the tests do (``szo_core.adapters.sql.pgtemp``).

With ``--dated F``, a fraction F of the children also have a move (a residence
change) and a change of the parents' tax status in the month, so that the
history tables have rows to read (0 by default: the same data as before they
existed).

Run:  .venv/bin/python benchmarks/bench_storage.py [--sizes 10000 100000] [--repeat 5]
      [--backends sqlite postgres] [--dated 0.1]

Prints, per backend and size: min / median / max seconds of both, the ratio of
the medians (target <= 2x) and the min / max of the per-run ratios (each
``load_month`` run is paired with the plain read run right after it), the spread
(max-min)/median as the run-to-run noise, and the time per child; then the
growth between sizes (linear means the time per child stays flat) and a summary
table.

The tables are ANALYZEd after filling, so that both sides run with the plans a
maintained database would use.  Garbage collection is left on, as in an
application.  ``load_month`` pauses the cyclic collector while it builds the
records (see ``szo_core._gc``); the first collection after the pause walks the
new objects once and falls inside the timed block.  Later collections walk them
again, as they would any other data the caller keeps, so a second pair of
figures times both sides followed by a full ``gc.collect()`` while the data is
still held ("settled"; the plain read then keeps its rows instead of dropping
each result after counting it): an upper bound on the collector work each side
leaves behind.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

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
    ResidenceChange,
    TaxpayerChange,
)

ORG = "bench"
Parameters = Sequence[Any] | Mapping[str, Any]
Statement = tuple[str, Parameters]
MONTH = Month(2025, 3)


def _emsos() -> list[str]:
    return [emso.make(date(2021, 1, 1 + i), Sex.FEMALE if i % 2 else Sex.MALE) for i in range(28)]


def _is_dated(code: int, dated: float) -> bool:
    """Every round(1/dated)-th child has dated changes (none when ``dated`` is 0)."""
    return dated > 0 and code % max(1, round(1 / dated)) == 0


def _dated_count(children: int, dated: float) -> int:
    return sum(1 for code in range(1, children + 1) if _is_dated(code, dated))


def populate(store: SqlStore, children: int, dated: float = 0.0) -> None:
    """Store an organisation with ``children`` enrolled children and their month records."""
    emsos = _emsos()
    move = (
        ResidenceChange(valid_from=date(2025, 3, 16), municipality_code=62, regresor_id="r-61"),
    )
    tax = (TaxpayerChange(valid_from=date(2025, 3, 1), taxpayers=False),)
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
                    residence_changes=move if _is_dated(c, dated) else (),
                    taxpayer_changes=tax if _is_dated(c, dated) else (),
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
    # Fresh planner statistics, as autovacuum (PostgreSQL) or a maintenance job would
    # leave them: without them the plan depends on when autovacuum last ran.
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


@contextmanager
def captured(engine: Engine) -> Iterator[list[Statement]]:
    seen: list[Statement] = []

    def before(
        conn: object, cursor: object, statement: str, parameters: Parameters, *a: object
    ) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def time_load(store: SqlStore, children: int, settle: bool) -> float:
    start = time.perf_counter()
    with store.unit_of_work() as uow:
        data = uow.load_month(ORG, MONTH)
    if settle:
        gc.collect()
    elapsed = time.perf_counter() - start
    assert len(data.children) == children
    return elapsed


def time_raw(
    engine: Engine, statements: list[Statement], rows_expected: int, settle: bool
) -> float:
    raw = engine.raw_connection()
    try:
        start = time.perf_counter()
        cursor = raw.cursor()
        kept, rows = [], 0
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            result = cursor.fetchall()
            rows += len(result)
            if settle:  # hold the rows, as load_month's caller holds its records
                kept.append(result)
        cursor.close()
        raw.rollback()
        if settle:
            gc.collect()
        elapsed = time.perf_counter() - start
    finally:
        raw.close()
    assert rows == rows_expected, (rows, rows_expected)
    return elapsed


Runs = dict[str, list[float]]


def measure(store: SqlStore, children: int, repeat: int, dated: float) -> Runs:
    with captured(store.engine) as seen, store.unit_of_work() as uow:
        uow.load_month(ORG, MONTH)  # warm-up, and the statements to replay
    selects = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
    # children + groups + links + decisions + reservations + absences + guardians,
    # plus 1 program, 1 price, 1 group, 1 regresor, no reference programs and no locks;
    # a move and a tax change for each dated child
    expected_rows = 7 * children + 4 + 2 * _dated_count(children, dated)
    runs: Runs = {"ours": [], "raw": [], "ours settled": [], "raw settled": []}
    for _ in range(repeat):  # interleaved, so drift hits both alike
        for settle, suffix in ((False, ""), (True, " settled")):
            gc.collect()
            runs["ours" + suffix].append(time_load(store, children, settle))
            gc.collect()
            runs["raw" + suffix].append(time_raw(store.engine, selects, expected_rows, settle))
    return runs


def _stats(xs: list[float]) -> str:
    med = statistics.median(xs)
    noise = (max(xs) - min(xs)) / med
    return f"min {min(xs):7.3f}  med {med:7.3f}  max {max(xs):7.3f}  noise {noise:5.1%}"


def _ratio(ours: list[float], raw: list[float]) -> tuple[float, str]:
    ratio = statistics.median(ours) / statistics.median(raw)
    paired = [o / r for o, r in zip(ours, raw, strict=True)]
    return ratio, (
        f"ratio (medians) {ratio:5.2f}x   per run {min(paired):5.2f}x ... {max(paired):5.2f}x   "
        f"best/best {min(ours) / min(raw):5.2f}x   target <= 2x: "
        f"{'met' if ratio <= 2 else 'NOT met'}"
    )


Summary = list[tuple[str, int, float, float, float, float]]


def run_backend(
    name: str,
    open_store: Callable[[int], SqlStore],
    sizes: list[int],
    repeat: int,
    dated: float,
) -> Summary:
    summary: Summary = []
    for n in sizes:
        store = open_store(n)
        try:
            t0 = time.perf_counter()
            populate(store, n, dated)
            fill = time.perf_counter() - t0
            runs = measure(store, n, repeat, dated)
        finally:
            store.dispose()
        ours, raw = runs["ours"], runs["raw"]
        ratio, ratio_line = _ratio(ours, raw)
        settled, settled_line = _ratio(runs["ours settled"], runs["raw settled"])
        per_child = statistics.median(ours) / n * 1e6
        print(f"{name:9s} {n:>7,d} children  (filled in {fill:5.1f} s, {repeat} runs)")
        raw_per_child = statistics.median(raw) / n * 1e6
        print(f"    load_month          {_stats(ours)}   {per_child:5.1f} us/child")
        print(f"    raw cursor fetchall {_stats(raw)}   {raw_per_child:5.1f} us/child")
        print(f"    {ratio_line}")
        print(f"    settled: load_month {_stats(runs['ours settled'])}")
        print(f"             raw        {_stats(runs['raw settled'])}")
        print(f"             {settled_line}")
        summary.append((name, n, statistics.median(ours), statistics.median(raw), ratio, settled))
    for (_, lo, ours_lo, raw_lo, *_), (_, hi, ours_hi, raw_hi, *_) in itertools.pairwise(summary):
        print(
            f"    growth {lo:,d} -> {hi:,d} ({hi / lo:.1f}x the children): load_month "
            f"{ours_hi / ours_lo:5.2f}x, raw {raw_hi / raw_lo:5.2f}x"
        )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument(
        "--dated", type=float, default=0.0, help="fraction of children with dated changes"
    )
    args = parser.parse_args()
    print(
        f"load_month({MONTH}) vs the same SELECTs on a raw DBAPI cursor (seconds); "
        f"children with dated changes: {args.dated:.0%}"
    )
    summary: Summary = []
    with tempfile.TemporaryDirectory(prefix="szo-bench-") as tmp:
        if "sqlite" in args.backends:

            def sqlite_store(n: int) -> SqlStore:
                return SqlStore.open(Path(tmp) / f"bench-{n}.sqlite")

            summary += run_backend("sqlite", sqlite_store, args.sizes, args.repeat, args.dated)
        if "postgres" in args.backends:
            found = find_pg_bin()
            if found.available:
                with TemporaryPostgres() as pg:

                    def pg_store(n: int) -> SqlStore:
                        url = pg.create_database(f"bench_{n}")
                        migrate(url)
                        return SqlStore.open(url, migrate=False)

                    summary += run_backend(
                        "postgres", pg_store, args.sizes, args.repeat, args.dated
                    )
            else:
                print(f"postgres  skipped: {found.reason}")
    print()
    print("summary (medians):")
    print("backend    children  load_month    plain   ratio  settled  us/child")
    for name, n, ours, raw, ratio, settled in summary:
        print(
            f"{name:9s} {n:>9,d} {ours:9.3f} s {raw:7.3f} s {ratio:6.2f}x {settled:7.2f}x "
            f"{ours / n * 1e6:8.1f}"
        )


if __name__ == "__main__":
    main()
