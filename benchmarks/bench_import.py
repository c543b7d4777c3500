"""Benchmark: import children with guardians, payers and decisions from CSV into SQLite.

For N children (100,000 by default), each with one guardian (linked, and the
payer) and one decision, the CSV files are written once (the export's format:
UTF-8 with BOM, ``;``, decimal comma).  Then, each into a fresh SQLite file
with szo_core's schema, it times:

* **import**: ``szo_core.importing.import_files`` on the five files: reading,
  parsing every cell, building and validating the records (the model's
  validators and ``registry.validate_registry``: EMŠO, tax numbers, names,
  addresses, payers ...), the reference checks, comparing with the (empty)
  store, and one unit of work with the SQL adapter's bulk ``add_all``;
* **baseline**: the same rows into the same tables with plain DBAPI
  ``executemany`` on the same driver (``sqlite3``): the CSV read with
  ``csv.reader``, each row turned into the table's tuple of values (dates and
  decimals as the text SQLite stores), one transaction, no checks at all.

Each repeat runs the baseline and the import one after the other into fresh
files; it prints min / median / max of both, the ratio of the medians
(target <= 3x), the min / max of the per-repeat ratios and the spread
(max-min)/median of each side as the run-to-run noise.  Peak memory is
measured in one extra run of each under ``tracemalloc`` (Python allocations;
slower, so not timed), and the process's peak RSS is printed at the end.

Run:  .venv/bin/python benchmarks/bench_import.py [--children 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import resource
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from szo_core.adapters.sql import SqlStore, _rows, tables
from szo_core.ids import davcna, emso
from szo_core.ids.emso import Sex
from szo_core.importing import import_files
from szo_core.model import Child, Decision, Guardian
from szo_core.registry import RegistryConfig

ORG = "bench"
_N = 100_000  # the number of children (set by main)
FILES = ("skrbniki.csv", "otroci.csv", "povezave.csv", "placniki.csv", "odlocbe.csv")


def _emsos(count: int, first: date, sex: Sex) -> list[str]:
    found: list[str] = []
    day = first
    while len(found) < count:
        for serial in range(0 if sex is Sex.MALE else 500, 1000 if sex is Sex.FEMALE else 500):
            try:
                found.append(emso.make(day, sex, serial=serial))
            except ValueError:
                continue
            if len(found) == count or serial % 50 == 49:
                break
        day += timedelta(days=1)
    return found


def _tax_numbers(count: int) -> list[str]:
    found: list[str] = []
    seven = 1_000_000
    while len(found) < count:
        with contextlib.suppress(ValueError):
            found.append(davcna.make(str(seven)))
        seven += 1
    return found


def write_files(folder: Path, n: int) -> None:
    children = _emsos(n, date(2021, 1, 1), Sex.FEMALE)
    mothers = _emsos(n, date(1985, 1, 1), Sex.FEMALE)
    taxes = _tax_numbers(n)

    def write(name: str, header: list[str], rows: object) -> None:
        with (folder / name).open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            out.writerow(header)
            out.writerows(rows)  # type: ignore[arg-type]

    address = ("Trubarjeva 1", "1000", "Ljubljana")
    write(
        "skrbniki.csv",
        ["id", "ime", "priimek", "ulica", "poštna številka", "kraj", "emšo", "davčna", "e-pošta"],
        (
            (f"g-{i}", "Maja", f"Novak{i}", *address, mothers[i], taxes[i], f"m{i}@example.org")
            for i in range(n)
        ),
    )
    write(
        "otroci.csv",
        [
            "koda",
            "ime",
            "priimek",
            "spol",
            "emšo",
            "ulica",
            "poštna številka",
            "kraj",
            "občina",
            "datum vpisa",
        ],
        (
            (i + 1, "Ana", f"Novak{i}", "F", children[i], *address, 61, "2026-09-01")
            for i in range(n)
        ),
    )
    write(
        "povezave.csv",
        ["koda otroka", "skrbnik", "vrsta"],
        ((i + 1, f"g-{i}", "mati") for i in range(n)),
    )
    write(
        "placniki.csv",
        ["koda otroka", "vloga", "vrsta", "skrbnik"],
        ((i + 1, "plačnik", "skrbnik", f"g-{i}") for i in range(n)),
    )
    write(
        "odlocbe.csv",
        ["id", "koda otroka", "številka", "delež staršev", "velja od"],
        ((f"d-{i + 1}", i + 1, f"{i + 1}/2026", "0,35", "2026-09-01") for i in range(n)),
    )


def _fresh(folder: Path, name: str) -> Path:
    path = folder / name
    path.unlink(missing_ok=True)
    SqlStore.open(path).dispose()  # the schema, by the migrations
    return path


def run_import(folder: Path, db: Path) -> None:
    store = SqlStore.open(db, migrate=False)
    try:
        config = RegistryConfig(code_width=len(str(_N)))
        report = import_files(store, ORG, [folder / f for f in FILES], config=config)
    finally:
        store.dispose()
    if not report.stored:
        raise SystemExit(report.render("en")[:2000])


def _insert(table: object, template: dict[str, object]) -> tuple[str, list[str]]:
    names = list(template)
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    return sql, names


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value"):
        return value.value  # type: ignore[attr-defined]
    return value


def run_baseline(folder: Path, db: Path) -> None:
    """The same rows into the same tables with DBAPI executemany, no checks."""
    child_t = {k: _plain(v) for k, v in _rows.child_row(Child(organisation_id=ORG, code=1)).items()}
    guardian_t = {
        k: _plain(v) for k, v in _rows.guardian_row(Guardian(organisation_id=ORG, id="x")).items()
    }
    decision_t = {
        k: _plain(v)
        for k, v in _rows.decision_row(
            Decision(
                organisation_id=ORG,
                id="x",
                child_code=1,
                number="",
                coefficient=Decimal(0),
                valid_from=date(2026, 9, 1),
            )
        ).items()
    }
    link_t = {"organisation_id": ORG, "child_code": 1, "position": 0, "guardian_id": "", "kind": ""}

    def rows(name: str) -> list[list[str]]:
        with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            next(reader)
            return list(reader)

    payers = {r[0]: r[3] for r in rows("placniki.csv")}
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        sql, names = _insert(tables.guardian.name, guardian_t)
        fields = (
            "id",
            "first_name",
            "last_name",
            "address_street",
            "address_post_code",
            "address_city",
            "emso",
            "tax_number",
            "email",
        )
        data = []
        for row in rows("skrbniki.csv"):
            values = dict(guardian_t, **dict(zip(fields, row, strict=True)))
            data.append([values[n] for n in names])
        conn.executemany(sql, data)
        sql, names = _insert(tables.child.name, child_t)
        fields = (
            "code",
            "first_name",
            "last_name",
            "sex",
            "emso",
            "permanent_street",
            "permanent_post_code",
            "permanent_city",
            "municipality_code",
            "enrollment_date",
        )
        data = []
        for row in rows("otroci.csv"):
            values = dict(child_t, **dict(zip(fields, row, strict=True)))
            values["code"] = int(row[0])
            values["municipality_code"] = int(row[8])
            values["payer_kind"] = "guardian"
            values["payer_guardian_id"] = payers[row[0]]
            data.append([values[n] for n in names])
        conn.executemany(sql, data)
        sql, names = _insert(tables.child_guardian.name, link_t)
        conn.executemany(
            sql,
            [[ORG, int(r[0]), 0, r[1], "mother"] for r in rows("povezave.csv")],
        )
        sql, names = _insert(tables.decision.name, decision_t)
        data = []
        for row in rows("odlocbe.csv"):
            values = dict(
                decision_t,
                id=row[0],
                child_code=int(row[1]),
                number=row[2],
                coefficient=row[3].replace(",", "."),
                valid_from=row[4],
            )
            data.append([values[n] for n in names])
        conn.executemany(sql, data)
        conn.commit()
    finally:
        conn.close()


def _timed(action: Callable[[], None]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _peak(action: Callable[[], None]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _stats(values: list[float]) -> str:
    med = statistics.median(values)
    return (
        f"min {min(values):7.3f}  median {med:7.3f}  max {max(values):7.3f} s"
        f"  (spread {(max(values) - min(values)) / med:5.1%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args()
    n = args.children
    global _N
    _N = n
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        write_files(folder, n)
        size = sum((folder / f).stat().st_size for f in FILES)
        print(
            f"{n} children: 5 CSV files, {size / 1e6:.1f} MB, written in "
            f"{time.perf_counter() - start:.1f} s"
        )
        base: list[float] = []
        ours: list[float] = []
        for _ in range(args.repeat):
            db = _fresh(folder, "base.db")
            base.append(_timed(lambda db=db: run_baseline(folder, db)))
            db = _fresh(folder, "import.db")
            ours.append(_timed(lambda db=db: run_import(folder, db)))
        ratios = [o / b for o, b in zip(ours, base, strict=True)]
        rows = n * 5
        print(f"baseline (executemany): {_stats(base)}")
        print(f"import (szo_core):      {_stats(ours)}")
        print(
            f"ratio of medians {statistics.median(ours) / statistics.median(base):.2f}x "
            f"(target <= 3x); per-repeat ratios {min(ratios):.2f}x ... {max(ratios):.2f}x"
        )
        print(
            f"import: {statistics.median(ours) / n * 1e6:.1f} µs per child, "
            f"{rows / statistics.median(ours):,.0f} CSV rows/s"
        )
        if not args.no_memory:
            peak_base = _peak(lambda: run_baseline(folder, _fresh(folder, "base.db")))
            peak_ours = _peak(lambda: run_import(folder, _fresh(folder, "import.db")))
            print(
                f"peak Python memory (tracemalloc): baseline {peak_base / 1e6:.0f} MB, "
                f"import {peak_ours / 1e6:.0f} MB ({peak_ours / n / 1e3:.1f} kB per child)"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS of the process: {rss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
