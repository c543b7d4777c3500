"""Benchmark: a month's billing run with 12 closed months behind it, with and without changes.

An organisation of 20,000 children (``--children``) in two programs and five
municipalities, with decisions for 70 % of them, siblings, absences, summer
reservations, children who start and leave during the year, and a new price
in January, is billed and closed for 12 months (September 2025 to August
2026).  Then September 2026 is billed, timed three ways on the same stored
state:

* **unchanged**: nothing changed since August was closed; every earlier month's
  fingerprint matches, so no earlier month is recomputed;
* **changed**: 2 % of the children got a new decision from January 2026 that
  supersedes the one August used (not timed); their January ... August are
  recomputed and corrected;
* **compute_month**: the fee engine alone on the month's children, inputs built
  beforehand (``szo_core.fees.compute_month``): the named baseline.

Each is repeated (``--repeat``, 3 by default) on a fresh copy of the stored
state, the two runs alternating.  Printed: min / median / max seconds, the
ratios of the medians (target: changed <= 1.5 x unchanged) with the min / max
of the per-pair ratios, the spread (max - min) / median as the noise, and what
the runs billed (documents, corrections).

Backends: the in-memory store (``MemoryBillingStore``) and a SQLite file
(``SqlBillingStore``), ``--backends memory sqlite`` (both by default).  The
memory store's state is copied between repeats; the SQLite file is copied.

Run:  ./run bench billing [--children 20000] [--repeat 3] [--backends memory sqlite]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from szo_core.adapters.memory_billing import MemoryBillingStore
from szo_core.billing import (
    BillingOrganisation,
    BillingStorage,
    fee_inputs,
    run_billing,
    sibling_orders,
)
from szo_core.calendar import Month
from szo_core.fees import ZUPJS_COEFFICIENTS, FeeRules, compute_month
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
FIRST = Month(2025, 9)
CLOSED = tuple(FIRST.through(Month(2026, 8)))
MONTH = Month(2026, 9)
CHANGED_FROM = date(2026, 1, 1)
MUNICIPALITIES = ((61, "r-61"), (70, "r-70"), (62, "r-62"), (64, "r-64"), (85, "r-85"))
ORGANISATION = BillingOrganisation(id=ORG, rules=FeeRules(host_municipality=61))


def records(children: int, seed: int = 7) -> list[object]:
    """The organisation's records (deterministic for a seed)."""
    rng = random.Random(seed)
    out: list[object] = [
        Program(
            organisation_id=ORG,
            code="I",
            prices=(
                ProgramPrice(
                    valid_from=date(2025, 1, 1),
                    monthly=Decimal("520.00"),
                    food_per_day=Decimal("2.60"),
                ),
                ProgramPrice(
                    valid_from=date(2026, 1, 1),
                    monthly=Decimal("535.00"),
                    food_per_day=Decimal("2.70"),
                ),
            ),
        ),
        Program(
            organisation_id=ORG,
            code="II",
            prices=(
                ProgramPrice(
                    valid_from=date(2025, 1, 1),
                    monthly=Decimal("450.00"),
                    food_per_day=Decimal("2.40"),
                ),
            ),
        ),
        Group(organisation_id=ORG, code="A", program_code="I"),
        Group(organisation_id=ORG, code="B", program_code="II"),
    ]
    out += [
        Regresor(organisation_id=ORG, id=rid, name=f"Občina {code}", municipality_code=code)
        for code, rid in MUNICIPALITIES
    ]
    code = 0
    family = 0
    while code < children:
        family += 1
        guardian = f"g-{family}"
        out.append(
            Guardian(organisation_id=ORG, id=guardian, first_name="Starš", last_name=f"{family}")
        )
        size = 1 if rng.random() < 0.9 else rng.choice((2, 2, 3))
        municipality, regresor = MUNICIPALITIES[0 if rng.random() < 0.8 else rng.randrange(1, 5)]
        for _ in range(min(size, children - code)):
            code += 1
            program = "I" if rng.random() < 0.45 else "II"
            start = FIRST.first if rng.random() < 0.95 else date(2025, rng.randint(9, 12), 15)
            exit_day = date(2026, rng.randint(1, 8), 20) if rng.random() < 0.03 else None
            out.append(
                Child(
                    organisation_id=ORG,
                    code=code,
                    first_name="Otrok",
                    last_name=str(code),
                    birth_date=date(2021, 1, 1) + timedelta(days=rng.randrange(1000)),
                    municipality_code=municipality,
                    regresor_id=regresor,
                    enrollment_date=start,
                    exit_date=exit_day,
                    groups=(
                        GroupAssignment(
                            valid_from=start,
                            group_code="A" if program == "I" else "B",
                            program_code=program,
                        ),
                    ),
                    guardians=(GuardianLink(guardian_id=guardian, kind=GuardianKind.MOTHER),),
                )
            )
            if rng.random() < 0.7:
                out.append(
                    Decision(
                        organisation_id=ORG,
                        id=f"d-{code}",
                        child_code=code,
                        number=f"{code}/2025",
                        coefficient=rng.choice(ZUPJS_COEFFICIENTS[1:]),
                        valid_from=date(2025, 9, 1),
                    )
                )
            for month in (*CLOSED, MONTH):
                if rng.random() < 0.3:
                    day = month.first + timedelta(days=rng.randrange(20))
                    out.append(
                        Absence(
                            organisation_id=ORG,
                            id=f"a-{code}-{month}",
                            child_code=code,
                            start=day,
                            end=day + timedelta(days=1),
                            announced_at=datetime.combine(day, datetime.min.time()),
                        )
                    )
            if rng.random() < 0.1:
                out.append(
                    Reservation(
                        organisation_id=ORG,
                        id=f"r-{code}",
                        child_code=code,
                        kind=ReservationKind.SUMMER,
                        start=date(2026, 7, 6),
                        end=date(2026, 7, 17),
                    )
                )
    return out


_REPOSITORY = {
    Program: "programs",
    Group: "groups",
    Regresor: "regresors",
    Guardian: "guardians",
    Child: "children",
    Decision: "decisions",
    Absence: "absences",
    Reservation: "reservations",
}


def store_records(store: BillingStorage, items: Iterable[object]) -> None:
    by_kind: dict[str, list[object]] = {}
    for item in items:
        by_kind.setdefault(_REPOSITORY[type(item)], []).append(item)
    with store.unit_of_work() as uow:
        for kind in _REPOSITORY.values():
            repository: Any = getattr(uow, kind)
            batch = by_kind.get(kind, [])
            if hasattr(repository, "add_all"):
                repository.add_all(batch)
            else:
                for item in batch:
                    repository.add(item)
        uow.commit()


def bill_year(store: BillingStorage) -> None:
    for month in CLOSED:
        started = time.perf_counter()
        result = run_billing(
            ORGANISATION, month, store, issued_on=month.next().first, closed_on=month.next().first
        )
        print(
            f"    closed {month}: {len(result.documents)} documents, "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )


def supersede(store: BillingStorage, share: float) -> int:
    """New decisions from January for ``share`` of the children with one; returns how many."""
    rng = random.Random(11)
    with store.unit_of_work() as uow:
        decisions = [d for d in uow.decisions.for_organisation(ORG) if d.supersedes is None]
        chosen = rng.sample(decisions, int(len(decisions) / 0.7 * share))
        for old in chosen:
            lower = [c for c in ZUPJS_COEFFICIENTS if c < old.coefficient] or [Decimal("0")]
            uow.decisions.add(
                Decision(
                    organisation_id=ORG,
                    id=f"{old.id}-n",
                    child_code=old.child_code,
                    number=f"{old.number}-n",
                    coefficient=lower[-1],
                    valid_from=CHANGED_FROM,
                    supersedes=old.id,
                )
            )
        uow.commit()
    return len(chosen)


class Backend:
    """A stored state that can be copied for each repeat."""

    name: str

    def fresh(self) -> BillingStorage:  # a copy of the state with 12 closed months
        raise NotImplementedError

    def close(self, store: BillingStorage) -> None:
        pass


class Memory(Backend):
    name = "memory"

    def __init__(self, store: MemoryBillingStore) -> None:
        self._tables = dict(store._tables)

    def fresh(self) -> BillingStorage:
        store = MemoryBillingStore()
        store._tables = dict(self._tables)  # tables are replaced on commit, never changed
        return store


class Sqlite(Backend):
    name = "SQLite"

    def __init__(self, path: Path) -> None:
        self._path = path
        self._n = 0

    def fresh(self) -> BillingStorage:
        from szo_core.adapters.sql.billing import SqlBillingStore

        self._n += 1
        copy = self._path.with_name(f"run-{self._n}.sqlite")
        shutil.copyfile(self._path, copy)
        return SqlBillingStore.open(copy, migrate=False)

    def close(self, store: BillingStorage) -> None:
        from szo_core.adapters.sql.billing import SqlBillingStore

        assert isinstance(store, SqlBillingStore)
        store.dispose()


CPU: dict[str, list[float]] = {}
"""Process (CPU) seconds of each timed step, beside the wall-clock ones: on a shared
machine the CPU time is the steadier figure."""


def _timed(action: Callable[[], object], label: str = "") -> tuple[float, object]:
    cpu = time.process_time()
    started = time.perf_counter()
    outcome = action()
    seconds = time.perf_counter() - started
    CPU.setdefault(label, []).append(time.process_time() - cpu)
    return seconds, outcome


def _stats(xs: list[float]) -> str:
    med = statistics.median(xs)
    return (
        f"min {min(xs):7.3f}  median {med:7.3f}  max {max(xs):7.3f} s  "
        f"noise {(max(xs) - min(xs)) / med:5.1%}"
    )


def measure(backend: Backend, repeat: int, share: float) -> dict[str, list[float]]:
    CPU.clear()
    times: dict[str, list[float]] = {"unchanged": [], "changed": [], "compute_month": []}
    for _ in range(repeat):
        for scenario in ("unchanged", "changed"):
            store = backend.fresh()
            changed = supersede(store, share) if scenario == "changed" else 0
            seconds, result = _timed(
                lambda store=store: run_billing(ORGANISATION, MONTH, store, issued_on=MONTH.last),
                scenario,
            )
            times[scenario].append(seconds)
            if len(times[scenario]) == 1:
                billed = result.corrections  # type: ignore[attr-defined]
                print(
                    f"    {scenario}: {len(result.documents)} documents, "  # type: ignore[attr-defined]
                    f"{len(billed)} correction lines"
                    + (f" ({changed} children changed)" if changed else ""),
                    flush=True,
                )
            backend.close(store)
        store = backend.fresh()
        with store.unit_of_work() as uow:
            data = uow.load_month(ORG, MONTH)
        orders = sibling_orders(data)
        items = [
            (entry.child, fee_inputs(data, entry, orders))
            for entry in data.children.values()
            if not entry.child.inactive
        ]
        seconds, _ = _timed(
            lambda items=items: compute_month(MONTH, items, ORGANISATION.rules), "compute_month"
        )
        times["compute_month"].append(seconds)
        backend.close(store)
    return times


def report(name: str, times: dict[str, list[float]], children: int) -> None:
    unchanged, changed, engine = times["unchanged"], times["changed"], times["compute_month"]
    print(f"\n{name}, {children} children, 12 closed months, {MONTH} billed:")
    print(f"  run, unchanged      {_stats(unchanged)}")
    print(f"  run, 2 % changed    {_stats(changed)}")
    print(f"  compute_month alone {_stats(engine)}")
    pairs = [c / u for c, u in zip(changed, unchanged, strict=True)]
    ratio = statistics.median(changed) / statistics.median(unchanged)
    print(
        f"  changed / unchanged: {ratio:.2f} x (pairs {min(pairs):.2f} ... {max(pairs):.2f}); "
        f"target <= 1.5 x: {'met' if ratio <= 1.5 else 'NOT met'}"
    )
    cpu = {label: statistics.median(xs) for label, xs in CPU.items()}
    print(
        "  CPU seconds (medians): "
        + ", ".join(f"{label} {seconds:.3f}" for label, seconds in cpu.items())
        + f"; changed / unchanged {cpu['changed'] / cpu['unchanged']:.2f} x"
    )
    per_engine = statistics.median(unchanged) / statistics.median(engine)
    changed_engine = statistics.median(changed) / statistics.median(engine)
    print(
        f"  unchanged run / compute_month: {per_engine:.1f} x; "
        f"changed run / compute_month: {changed_engine:.1f} x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.02, help="share of children changed")
    parser.add_argument("--backends", nargs="+", default=["memory", "sqlite"])
    args = parser.parse_args()
    world = records(args.children)
    for name in args.backends:
        print(f"{name}: storing {args.children} children and billing 12 months ...", flush=True)
        if name == "memory":
            memory = MemoryBillingStore()
            store_records(memory, world)
            bill_year(memory)
            backend: Backend = Memory(memory)
            times = measure(backend, args.repeat, args.share)
            report("memory (MemoryBillingStore)", times, args.children)
        else:
            from szo_core.adapters.sql.billing import SqlBillingStore

            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "bench.sqlite"
                sql = SqlBillingStore.open(path)
                store_records(sql, world)
                bill_year(sql)
                sql.dispose()
                times = measure(Sqlite(path), args.repeat, args.share)
                report("SQLite file (SqlBillingStore)", times, args.children)


if __name__ == "__main__":
    main()
