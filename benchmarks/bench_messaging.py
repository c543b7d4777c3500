"""Benchmark: an operator with 100,000 messages: the first inbox page and the unread count.

One operator receives ``--messages`` messages (100,000 by default, one in ten
unread) from 20 colleagues, stored in a migrated database (bulk ``INSERT`` s,
not timed); SQLite in a temporary file and PostgreSQL in a throw-away server
on 127.0.0.1 (``szo_core.adapters.sql.pgtemp``, as the tests start it).

Timed, ``--repeat`` times each after a warm-up, on one open connection, each call of
szo_core followed by one of the baseline (so that both see the same load):

* **szo_core**: ``Messaging.inbox(uow, org, operator)`` (the first page of 25,
  newest first, records built: entries and messages) and
  ``Messaging.unread_count``;
* **baseline** (named, same process, same connection): the plain indexed
  ``SELECT`` of the same rows through the driver's cursor (the same join,
  ``WHERE``, ``ORDER BY sent_at DESC, message_id DESC LIMIT 26``) and the plain
  ``SELECT count(*)``, rows left as tuples.

Printed: the median milliseconds of each, and the ratio szo_core / baseline
(target: at most 2x).  A shared machine adds noise; run it when it is quiet.

Full run:   ./run bench messaging
Quick run:  ./run bench messaging --messages 20000 --repeat 50
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from szo_core.adapters.sql import SqlStore
from szo_core.adapters.sql.pgtemp import TemporaryPostgres, find_pg_bin
from szo_core.adapters.sql.tables import messaging_entry, messaging_message, messaging_operator
from szo_core.messaging import Messaging

ORG = "dom"
ME = "operater"
T0 = datetime(2024, 1, 1, tzinfo=UTC)
PAGE = 25

BASELINE_PAGE = """
SELECT e.organisation_id, e.operator_id, e.message_id, e.folder, e.sent_at, e.read_at,
       e.archived, e.copy_state, e.copy_outbox_id,
       m.organisation_id, m.id, m.sender_id, m.recipient_ids, m.subject, m.body_html,
       m.body_text, m.sent_at, m.thread_id, m.parent_id, m.kind, m.language, m.attachments,
       m.note_id
FROM szo_messaging_entry e
JOIN szo_messaging_message m ON m.organisation_id = e.organisation_id AND m.id = e.message_id
WHERE e.organisation_id = {p} AND e.operator_id = {p} AND e.folder = 'inbox'
  AND e.archived = {false}
ORDER BY e.sent_at DESC, e.message_id DESC
LIMIT 26
"""
BASELINE_COUNT = """
SELECT count(*) FROM szo_messaging_entry
WHERE organisation_id = {p} AND operator_id = {p} AND folder = 'inbox' AND read_at IS NULL
"""


def fill(store: SqlStore, messages: int) -> None:
    """Store ``messages`` messages to ME (one in ten unread) with bulk inserts."""
    with store.engine.begin() as conn:
        conn.execute(
            insert(messaging_operator),
            [
                {"organisation_id": ORG, "id": f"op{i}", "name": f"Sodelavec {i}", "email": "",
                 "active": True, "departments": "[]", "version": 0}
                for i in range(20)
            ]
            + [{"organisation_id": ORG, "id": ME, "name": "Operater", "email": "",
                "active": True, "departments": "[]", "version": 0}],
        )  # fmt: skip
        batch = 5000
        for start in range(0, messages, batch):
            rows, entries = [], []
            for n in range(start, min(start + batch, messages)):
                at = (T0 + timedelta(minutes=n)).replace(tzinfo=None)
                mid = f"m{n:07d}"
                sender = f"op{n % 20}"
                body = f"<p>Sporočilo {n}: kosilo ob 12.00, soba {n % 40}.</p>"
                rows.append(
                    {"organisation_id": ORG, "id": mid, "sender_id": sender,
                     "recipient_ids": json.dumps([ME]), "subject": f"Zadeva {n}",
                     "body_html": body, "body_text": body[3:-4], "sent_at": at,
                     "thread_id": mid, "parent_id": None, "kind": "new", "language": "sl",
                     "attachments": "[]", "note_id": None}
                )  # fmt: skip
                entries.append(
                    {"organisation_id": ORG, "operator_id": ME, "message_id": mid,
                     "folder": "inbox", "sent_at": at, "read_at": None if n % 10 == 0 else at,
                     "archived": False, "copy_state": "none", "copy_outbox_id": None}
                )  # fmt: skip
                entries.append(
                    {"organisation_id": ORG, "operator_id": sender, "message_id": mid,
                     "folder": "sent", "sent_at": at, "read_at": at, "archived": False,
                     "copy_state": "none", "copy_outbox_id": None}
                )  # fmt: skip
            conn.execute(insert(messaging_message), rows)
            conn.execute(insert(messaging_entry), entries)
        conn.execute(text("ANALYZE"))


def timed(ours: Callable[[], Any], base: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median milliseconds of ``ours`` and ``base``, run alternately (both see the same load)."""
    for _ in range(max(3, repeat // 10)):
        ours()
        base()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for call, into in ((ours, samples[0]), (base, samples[1])):
            start = time.perf_counter()
            call()
            into.append(time.perf_counter() - start)
    return statistics.median(samples[0]) * 1000, statistics.median(samples[1]) * 1000


def run(name: str, store: SqlStore, messages: int, repeat: int) -> None:
    started = time.perf_counter()
    fill(store, messages)
    filled = time.perf_counter() - started
    messaging = Messaging()
    postgres = store.engine.dialect.name == "postgresql"
    with store.unit_of_work() as uow:
        first = messaging.inbox(uow, ORG, ME, size=PAGE)
        unread = messaging.unread_count(uow, ORG, ME)
        assert len(first.items) == PAGE
        assert first.items[0].message.id == f"m{messages - 1:07d}"
        assert unread == (messages + 9) // 10

        def ours_page() -> None:
            messaging.inbox(uow, ORG, ME, size=PAGE)

        def ours_count() -> None:
            messaging.unread_count(uow, ORG, ME)

        raw = uow.connection.connection.dbapi_connection
        assert raw is not None
        placeholder = "%s" if postgres else "?"
        page_sql = BASELINE_PAGE.format(p=placeholder, false="false" if postgres else "0")
        count_sql = BASELINE_COUNT.format(p=placeholder)

        def base_page() -> None:
            cursor = raw.cursor()
            cursor.execute(page_sql, (ORG, ME))
            rows = cursor.fetchall()
            cursor.close()
            assert len(rows) == PAGE + 1

        def base_count() -> None:
            cursor = raw.cursor()
            cursor.execute(count_sql, (ORG, ME))
            cursor.fetchall()
            cursor.close()

        results = {
            "page": timed(ours_page, base_page, repeat),
            "unread": timed(ours_count, base_count, repeat),
        }
        both = (
            results["page"][0] + results["unread"][0],
            results["page"][1] + results["unread"][1],
        )
    print(f"{name}: {messages:,} messages to one operator (filled in {filled:.1f} s)")
    for label, (ours, base) in (*results.items(), ("page + unread", both)):
        print(
            f"  {label:<14} szo_core {ours:7.3f} ms   baseline SELECT {base:7.3f} ms   "
            f"ratio {ours / base:4.2f}x (target <= 2x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            store = SqlStore.open(Path(tmp) / "messaging.sqlite")
            try:
                run("SQLite", store, args.messages, args.repeat)
            finally:
                store.dispose()
    if args.only != "sqlite":
        if not find_pg_bin().available:
            print("PostgreSQL: skipped (no server binaries)")
            return
        with TemporaryPostgres() as pg:
            store = SqlStore.open(pg.create_database("bench_messaging"))
            try:
                run("PostgreSQL", store, args.messages, args.repeat)
            finally:
                store.dispose()


if __name__ == "__main__":
    main()
