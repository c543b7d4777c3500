"""Benchmark: many organisations billed on 1, 2 and 4 worker processes (Procrastinate).

``--orgs`` organisations (100 by default) of ``--children`` children each (300
by default; the demo's sample kindergarten, one seed per organisation) are
stored once in a throw-away PostgreSQL server on 127.0.0.1 (started like the
tests do, ``szo_core.adapters.sql.pgtemp``).  For every worker count in
``--workers`` (1 2 4), on a fresh copy of that database (``CREATE DATABASE ...
TEMPLATE``):

1. that many ``szo worker`` processes are started and the benchmark waits until
   all of them are registered (so their start-up is not timed);
2. the month is deferred for every organisation (``szo_core.jobs.defer_month``)
   and the clock runs until every job has succeeded.

The named baseline, run in the same process on its own copy: the same month
billed organisation after organisation by ``szo_core.jobs.bill_one`` with no
queue and no worker (what one process does without Procrastinate).

Printed per run: wall seconds, organisations per minute, children per
second, the speed-up against one worker and against the baseline, and the
spread of the single jobs' durations (min / median / max, from Procrastinate's
events) as the noise.  Mind the machine: **with 2 cores, more than 2 workers
cannot run faster in parallel**, and the PostgreSQL server shares the same
cores; a shared machine adds noise of its own (run the full size when it is
quiet).

Full run:   ./run bench many_orgs            (100 organisations x 300 children)
Quick run:  ./run bench many_orgs --orgs 12 --children 40 --workers 1 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import attrs
import psycopg
from psycopg import sql

from szo_core.adapters.sql import migrate
from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.adapters.sql.pgtemp import TemporaryPostgres, find_pg_bin
from szo_core.calendar import Month
from szo_core.demo.sample import generate
from szo_core.jobs import BILL_TASK, BillJob, apply_schema, bill_one, conninfo, defer_month

MONTH = Month(2026, 9)
ISSUED = date(2026, 10, 2)


def fill(url: str, orgs: int, children: int) -> tuple[str, ...]:
    """Store one sample kindergarten per organisation (relabelled ``vrtec-000`` ...)."""
    ids = tuple(f"vrtec-{i:03d}" for i in range(orgs))
    store = SqlBillingStore.open(url, migrate=False)
    try:
        for offset, org in enumerate(ids):
            sample = generate(children=children, seed=2026 + offset)
            with store.unit_of_work() as uow:
                for records, repository in (
                    (sample.regresors, uow.regresors),
                    (sample.programs, uow.programs),
                    (sample.groups, uow.groups),
                    (sample.guardians, uow.guardians),
                    (sample.children, uow.children),
                    (sample.decisions, uow.decisions),
                    (sample.reservations, uow.reservations),
                    (sample.absences, uow.absences),
                ):
                    for record in records:
                        repository.add(attrs.evolve(record, organisation_id=org))
                uow.commit()
    finally:
        store.dispose()
    return ids


def analyze(url: str) -> None:
    """``VACUUM ANALYZE`` the template, so that every copy starts with the planner's statistics.

    Without it the first copy (the baseline's) is billed before autovacuum has
    analysed the freshly filled tables, and some organisations take 40 times
    the median (seen: 15.8 s against 0.41 s), which measures the planner, not szo_core.
    """
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def copy_database(pg: TemporaryPostgres, template: str, name: str) -> str:
    with psycopg.connect(
        host="127.0.0.1", port=pg.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return pg.database_url(name)


def _count(url: str, query: str, *params: object) -> int:
    with psycopg.connect(conninfo(url)) as conn:
        row = conn.execute(query, params).fetchone()
    return int(row[0]) if row else 0


def job_durations(url: str) -> list[float]:
    """Seconds from each billing job's start to its success (Procrastinate's events)."""
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT EXTRACT(EPOCH FROM MAX(e.at) FILTER (WHERE e.type = 'succeeded')"
            " - MAX(e.at) FILTER (WHERE e.type = 'started'))"
            " FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id"
            " WHERE j.task_name = %s GROUP BY j.id",
            (BILL_TASK,),
        ).fetchall()
    return [float(r[0]) for r in rows if r[0] is not None]


def run_workers(url: str, count: int, orgs: Sequence[str], out: Path, timeout: float) -> float:
    apply_schema(url)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "szo_core", "worker", "--db", url, "--name", f"w{i}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "SZO_JOBS_TEST_PAUSE": ""},
        )
        for i in range(count)
    ]
    try:
        end = time.monotonic() + 120
        while _count(url, "SELECT count(*) FROM procrastinate_workers") < count:
            if time.monotonic() > end:
                raise SystemExit("the workers did not start")
            time.sleep(0.1)
        start = time.perf_counter()
        defer_month(url, MONTH, out, issued_on=ISSUED, organisations=orgs)
        end = time.monotonic() + timeout
        counting = "SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s AND status = "
        done_query = counting + "'succeeded'"
        while _count(url, done_query, BILL_TASK) < len(orgs):
            if time.monotonic() > end:
                raise SystemExit(f"not done after {timeout:.0f} s")
            failed = _count(url, counting + "'failed'", BILL_TASK)
            if failed:
                raise SystemExit(f"{failed} jobs failed")
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def run_baseline(url: str, orgs: Sequence[str], out: Path) -> tuple[float, list[float]]:
    store = SqlBillingStore.open(url, migrate=False)
    singles: list[float] = []
    try:
        start = time.perf_counter()
        for org in orgs:
            t0 = time.perf_counter()
            bill_one(
                store, BillJob(organisation_id=org, month=MONTH, out_dir=out, issued_on=ISSUED)
            )
            singles.append(time.perf_counter() - t0)
        return time.perf_counter() - start, singles
    finally:
        store.dispose()


def _spread(values: Sequence[float]) -> str:
    if not values:
        return "-"
    med = statistics.median(values)
    noise = (max(values) - min(values)) / med if med else 0.0
    return f"{min(values):.3f} / {med:.3f} / {max(values):.3f} s (spread {noise:.0%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    args = parser.parse_args()
    found = find_pg_bin()
    if not found.available:
        raise SystemExit(f"PostgreSQL is needed: {found.reason}")
    cores = os.cpu_count() or 1
    total_children = args.orgs * args.children
    print(
        f"{args.orgs} organisations x {args.children} children = {total_children:,} children, "
        f"month {MONTH}; this machine has {cores} cores (PostgreSQL shares them)"
    )
    with TemporaryPostgres() as pg, tempfile.TemporaryDirectory(prefix="szo-bench-") as tmp:
        template = pg.create_database("many_template")
        migrate(template)
        t0 = time.perf_counter()
        orgs = fill(template, args.orgs, args.children)
        analyze(template)
        print(f"stored and analysed in {time.perf_counter() - t0:.1f} s (not timed below)")

        url = copy_database(pg, "many_template", "many_baseline")
        base, singles = run_baseline(url, orgs, Path(tmp) / "baseline")
        print(
            f"baseline (bill_one in this process, no queue): {base:7.2f} s  "
            f"{args.orgs / base * 60:7.1f} orgs/min  {total_children / base:8.1f} children/s  "
            f"per organisation {_spread(singles)}"
        )
        shutil.rmtree(Path(tmp) / "baseline", ignore_errors=True)

        one: float | None = None
        for count in args.workers:
            url = copy_database(pg, "many_template", f"many_w{count}")
            out = Path(tmp) / f"w{count}"
            wall = run_workers(url, count, orgs, out, args.timeout)
            one = wall if count == 1 else one
            speedup = f"{one / wall:5.2f}x vs 1 worker" if one else "(no 1-worker run)"
            print(
                f"{count} worker{'s' if count > 1 else ' '}: {wall:7.2f} s  "
                f"{args.orgs / wall * 60:7.1f} orgs/min  {total_children / wall:8.1f} children/s  "
                f"{speedup}  {base / wall:5.2f}x vs baseline  "
                f"job {_spread(job_durations(url))}"
            )
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
