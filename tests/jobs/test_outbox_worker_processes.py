"""Three ``szo outbox worker`` processes on one PostgreSQL outbox: every message sent once.

600 e-mails are stored; three worker processes (``szo outbox worker``,
Procrastinate, a tick every second deferring three dispatching jobs) write
them as ``.eml`` files into one folder.  When the outbox says every message is
sent, the workers are stopped with SIGTERM; each message's ``Message-ID`` is in
exactly one file, and more than one worker sent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from szo_core.adapters.sql import SqlStore
from szo_core.delivery.message import EmailMessage
from szo_core.outbox import Channel, IdempotencyKey, OutboxState, new_message

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MESSAGES = 600
DEADLINE = 120.0


def _message_id(path: Path) -> str:
    for line in path.read_text(errors="replace").splitlines():
        if line.lower().startswith("message-id:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no Message-ID in {path.name}")


def test_three_worker_processes_send_each_message_once(pg_url: str, tmp_path: Path) -> None:
    store = SqlStore.open(pg_url, migrate=False)
    out, logs = tmp_path / "out", tmp_path / "logs"
    logs.mkdir()
    now = datetime.now(UTC) - timedelta(seconds=1)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with store.unit_of_work() as uow:
            for n in range(MESSAGES):
                address = f"starsi{n}@example.si"
                uow.outbox.enqueue(
                    new_message(
                        "vrtec",
                        IdempotencyKey(f"invoice:{n}", address, Channel.EMAIL),
                        EmailMessage(sender="racuni@vrtec.si", to=address, subject="R", text="T"),
                        now=now,
                    )
                )
            uow.commit()
        for i in range(3):
            log = (logs / f"w{i}.log").open("wb")
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "szo_core",
                        "outbox",
                        "worker",
                        "--db",
                        pg_url,
                        "--out",
                        str(out),
                        "--tick",
                        "1",
                        "--jobs-per-tick",
                        "3",
                        "--batch",
                        "20",
                        "--concurrency",
                        "2",
                        "--name",
                        f"w{i}",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ},
                )
            )
        end = time.monotonic() + DEADLINE
        sent = 0
        while time.monotonic() < end:
            with store.unit_of_work() as uow:
                sent = uow.outbox.counts()[OutboxState.SENT]
            if sent == MESSAGES or any(w.poll() is not None for w in workers):
                break
            time.sleep(0.5)
        tails = "\n".join(p.read_text(errors="replace")[-2000:] for p in sorted(logs.glob("*")))
        assert sent == MESSAGES, tails
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        store.dispose()
    ids = Counter(_message_id(p) for p in out.glob("*.eml"))
    assert len(ids) == MESSAGES
    assert max(ids.values()) == 1, "a message was sent twice"
    logs_text = [p.read_text(errors="replace") for p in sorted(logs.glob("*"))]
    busy = [text for text in logs_text if "outbox: DispatchReport(claimed=" in text]
    assert len(busy) > 1, "only one worker dispatched"
