"""Benchmark: queue 100,000 messages in the SQLite outbox and dispatch them.

Into a fresh SQLite file with szo_core's schema, for N e-mails (100,000 by
default, each with a 2 KB PDF attachment):

* **queue**: ``new_message`` and ``uow.outbox.enqueue`` for each, one unit of
  work per 1,000 messages (a use case stores its messages with its own change);
* **baseline**: the same rows (already serialised) into the same table with
  plain DBAPI ``executemany`` on the same driver (``sqlite3``), one
  transaction per 1,000 rows, no records, no checks;
* **dispatch**: a :class:`~szo_core.outbox.Dispatcher` with the memory mail
  sender (no network) drains the outbox in batches of ``--batch`` messages:
  claim (one ``UPDATE ... RETURNING``), send, record (one ``UPDATE`` per
  message, one unit of work per batch).

Each repeat uses fresh files; it prints min / median / max messages per
second of each part, the ratio of the medians of queue against the baseline,
and the spread (max-min)/median as the run-to-run noise.

Run:  .venv/bin/python benchmarks/bench_outbox.py [--n 100000] [--repeat 3] [--batch 500]
Smoke: .venv/bin/python benchmarks/bench_outbox.py --n 2000 --repeat 1
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from szo_core.adapters.memory import ManualClock, MemoryMailSender
from szo_core.adapters.sql import SqlStore, migrate
from szo_core.delivery.message import Attachment, EmailMessage
from szo_core.outbox import Channel, Dispatcher, IdempotencyKey, OutboxMessage, new_message

ORG = "bench"
PER_UNIT = 1000
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8


def _message(n: int) -> OutboxMessage:
    address = f"starsi{n}@example.si"
    return new_message(
        ORG,
        IdempotencyKey(f"invoice:2026-09:{n}", address, Channel.EMAIL),
        EmailMessage(
            sender="racuni@vrtec.si",
            to=address,
            subject=f"Račun 2026-09/{n}",
            text="Spoštovani, v prilogi je račun za september 2026.",
            attachments=(Attachment(f"racun-{n}.pdf", PDF, "application/pdf"),),
        ),
        now=NOW,
        template_key="invoice",
        template_version=1,
    )


def _fresh(folder: Path, name: str) -> Path:
    path = folder / f"{name}.sqlite"
    migrate(path)
    return path


def queue(path: Path, n: int) -> float:
    store = SqlStore.open(path, migrate=False)
    start = time.perf_counter()
    for first in range(0, n, PER_UNIT):
        with store.unit_of_work() as uow:
            for i in range(first, min(first + PER_UNIT, n)):
                uow.outbox.enqueue(_message(i))
            uow.commit()
    elapsed = time.perf_counter() - start
    store.dispose()
    return elapsed


def baseline(path: Path, n: int) -> float:
    from szo_core.adapters.sql.outbox import _row

    # Serialising is not timed: the baseline is the database's share alone.
    rows = [_row(_message(i)) for i in range(n)]
    columns = list(rows[0])
    values = [
        tuple(v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in row.values())
        for row in rows
    ]
    sql = (
        f"INSERT INTO szo_outbox ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    )
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    for first in range(0, n, PER_UNIT):
        with conn:
            conn.executemany(sql, values[first : first + PER_UNIT])
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def dispatch(path: Path, n: int, batch: int) -> float:
    store = SqlStore.open(path, migrate=False)
    mail = MemoryMailSender()
    dispatcher = Dispatcher(store, clock=ManualClock(NOW), mail=mail, batch_size=batch)
    start = time.perf_counter()
    sent = 0
    while True:
        report = dispatcher.run_once()
        sent += report.sent
        if report.claimed == 0:
            break
    elapsed = time.perf_counter() - start
    store.dispose()
    if sent != n or len(mail.sent) != n:
        raise SystemExit(f"dispatched {sent} of {n}")
    return elapsed


def _summary(name: str, n: int, times: list[float]) -> float:
    rates = sorted(n / t for t in times)
    median = statistics.median(rates)
    spread = (rates[-1] - rates[0]) / median if len(rates) > 1 else 0.0
    print(
        f"{name:<9} {rates[0]:>10,.0f} {median:>10,.0f} {rates[-1]:>10,.0f} msg/s"
        f"   noise {spread:.1%}"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="messages (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500, help="dispatcher batch size")
    args = parser.parse_args()
    results: dict[str, list[float]] = {"queue": [], "baseline": [], "dispatch": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for r in range(args.repeat):
            steps: list[tuple[str, Callable[[], float]]] = []
            base_path = _fresh(folder, f"base{r}")
            path = _fresh(folder, f"outbox{r}")
            steps.append(("baseline", lambda p=base_path: baseline(p, args.n)))
            steps.append(("queue", lambda p=path: queue(p, args.n)))
            steps.append(("dispatch", lambda p=path: dispatch(p, args.n, args.batch)))
            for name, step in steps:
                results[name].append(step())
    print(f"{args.n:,} e-mails (2 KB attachment each), SQLite, {args.repeat} repeats")
    print(f"{'':<9} {'min':>10} {'median':>10} {'max':>10}")
    base = _summary("baseline", args.n, results["baseline"])
    queued = _summary("queue", args.n, results["queue"])
    _summary("dispatch", args.n, results["dispatch"])
    print(f"queue takes {base / queued:.2f}x the time of the executemany baseline (medians)")


if __name__ == "__main__":
    main()
