"""Three Procrastinate workers dispatch one outbox on PostgreSQL: each message is sent once.

900 e-mails are stored; nine ``szo.dispatch_outbox`` jobs are queued and three
workers (three apps, three connection pools, two jobs at a time each) run them
at once.  The shared sender slows every batch down a little so that the
workers' claims overlap.  Every message must reach the sender exactly once,
more than one worker must have sent some, and the store must say ``sent`` for
all of them.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from szo_core.adapters.clock import SystemClock
from szo_core.adapters.memory import MemoryMailSender
from szo_core.adapters.sql import SqlStore
from szo_core.delivery.message import EmailMessage, SendResult
from szo_core.jobs.outbox import (
    OUTBOX_TASK,
    OutboxSenders,
    OutboxWorkerSettings,
    defer_dispatch,
    dispatch_outbox,
    make_outbox_app,
)
from szo_core.outbox import Channel, IdempotencyKey, OutboxState, new_message

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MESSAGES = 900
JOBS = 9


class SlowSharedMail(MemoryMailSender):
    """One sender for every worker; notes which thread sent each message."""

    def __init__(self) -> None:
        super().__init__()
        self.by_thread: Counter[str] = Counter()

    def send(self, messages: Sequence[EmailMessage]) -> tuple[SendResult, ...]:
        time.sleep(0.02)
        with self._lock:
            self.by_thread[threading.current_thread().name] += len(messages)
        return super().send(messages)


def test_three_workers_send_every_message_exactly_once(pg_url: str) -> None:
    store = SqlStore.open(pg_url, migrate=False)
    now = datetime.now(UTC) - timedelta(seconds=1)
    try:
        for start in range(0, MESSAGES, 300):
            with store.unit_of_work() as uow:
                for n in range(start, start + 300):
                    address = f"starsi{n}@example.si"
                    uow.outbox.enqueue(
                        new_message(
                            f"vrtec-{n % 3}",
                            IdempotencyKey(f"invoice:{n}", address, Channel.EMAIL),
                            EmailMessage(
                                sender="racuni@vrtec.si", to=address, subject="Račun", text="T"
                            ),
                            now=now,
                        )
                    )
                uow.commit()
        mail = SlowSharedMail()
        settings = OutboxWorkerSettings(batch_size=25, max_rounds=5)
        apps = [
            make_outbox_app(
                pg_url,
                lambda: OutboxSenders(clock=SystemClock(), mail=mail),
                settings,
                periodic=False,
            )
            for _ in range(3)
        ]
        defer_dispatch(pg_url, apps[0], JOBS)

        def work(index: int) -> None:
            apps[index].run_worker(
                wait=False,
                concurrency=2,
                install_signal_handlers=False,
                listen_notify=False,
                name=f"w{index}",
            )

        threads = [threading.Thread(target=work, args=(i,), name=f"worker-{i}") for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert not any(t.is_alive() for t in threads)

        # Whatever the jobs left (a job ends after max_rounds): one more pass.
        rest = dispatch_outbox(store, OutboxSenders(clock=SystemClock(), mail=mail), settings)
        sent_ids = Counter(m.message_id for m in mail.sent)
        assert len(sent_ids) == MESSAGES
        assert max(sent_ids.values()) == 1, "a message was sent twice"
        assert rest.claimed < MESSAGES  # the workers did the work
        with store.unit_of_work() as uow:
            assert uow.outbox.counts()[OutboxState.SENT] == MESSAGES
        import psycopg

        from szo_core.jobs import conninfo

        with psycopg.connect(conninfo(pg_url)) as conn:
            statuses = conn.execute(
                "SELECT status::text, count(*) FROM procrastinate_jobs WHERE task_name = %s"
                " GROUP BY 1",
                (OUTBOX_TASK,),
            ).fetchall()
        assert dict(statuses) == {"succeeded": JOBS}
        senders = [name for name, count in mail.by_thread.items() if count]
        assert len(senders) > 1, f"only one worker thread sent: {mail.by_thread}"
    finally:
        store.dispose()
