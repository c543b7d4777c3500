"""Outbox fault tests against a real SMTP server (aiosmtpd on 127.0.0.1) and a SQLite outbox.

* the server is down, then up: nothing is lost, nothing is sent twice;
* a crash between storing and sending (a dispatcher claimed, then died): the
  message is sent after the restart, once;
* a crash after the server accepted a message and before it was marked sent:
  sent again after the lease (at least once, as documented), with the **same**
  ``Message-ID`` both times, so a server that deduplicates by it can.

The crashes are a dispatcher that stops between its steps (``claim``,
``deliver``, ``record``) and is dropped; a new dispatcher on the same database
file plays the restarted process.  A last test kills a real ``python``
process after it sent and before it recorded.
"""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from tests.outbox._messages import ORG, T0
from tests.outbox._messages import email as outbox_email

from szo_core.adapters.memory import ManualClock
from szo_core.adapters.smtp import SmtpMailSender, SmtpSettings
from szo_core.adapters.sql import SqlStore
from szo_core.outbox import Dispatcher, DispatchReport, OutboxState, RetryPolicy

MESSAGES = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps each accepted message's Message-ID."""

    message_ids: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content)
        self.message_ids.append(str(parsed["Message-ID"]))
        return "250 2.0.0 accepted"


@dataclass
class Server:
    port: int
    inbox: Inbox = field(default_factory=Inbox)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server() -> Iterator[Server]:
    made = Server(_free_port())
    try:
        yield made
    finally:
        made.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = SqlStore.open(tmp_path / "szo.sqlite")
    try:
        with opened.unit_of_work() as uow:
            for n in range(MESSAGES):
                uow.outbox.enqueue(outbox_email(n))
            uow.commit()
        yield opened
    finally:
        opened.dispose()


def _dispatcher(store: SqlStore, server: Server, clock: ManualClock) -> Dispatcher:
    mail = SmtpMailSender(
        SmtpSettings(host="127.0.0.1", port=server.port, security="none", timeout=5), clock=clock
    )
    return Dispatcher(
        store,
        clock=clock,
        mail=mail,
        policy=RetryPolicy(base=timedelta(seconds=30), jitter=0),
        lease=timedelta(minutes=2),
    )


def _counts(store: SqlStore) -> dict[OutboxState, int]:
    with store.unit_of_work() as uow:
        return dict(uow.outbox.counts())


def _expected_ids() -> set[str]:
    return {outbox_email(n).message_id for n in range(MESSAGES)}


def test_server_down_then_up_nothing_lost_nothing_twice(store: SqlStore, server: Server) -> None:
    clock = ManualClock(T0)
    dispatcher = _dispatcher(store, server, clock)
    down = dispatcher.run_once()
    assert down == DispatchReport(claimed=MESSAGES, retrying=MESSAGES)
    with store.unit_of_work() as uow:
        codes = {m.last_error_code for m in uow.outbox.for_organisation(ORG)}
    assert codes == {"smtp.connection"}
    server.start()
    assert dispatcher.run_once() == DispatchReport()  # not due before the backoff
    clock.advance(timedelta(seconds=30))
    assert dispatcher.run_once().sent == MESSAGES
    clock.advance(timedelta(days=3))
    assert dispatcher.run_once() == DispatchReport()
    assert Counter(server.inbox.message_ids) == Counter(_expected_ids())
    assert _counts(store)[OutboxState.SENT] == MESSAGES


def test_crash_between_storing_and_sending_is_sent_after_restart_once(
    store: SqlStore, server: Server
) -> None:
    server.start()
    clock = ManualClock(T0)
    crashed = _dispatcher(store, server, clock)
    assert len(crashed.claim()) == MESSAGES  # ... and the process dies before sending
    del crashed
    assert server.inbox.message_ids == []
    restarted = _dispatcher(store, server, clock)
    assert restarted.run_once() == DispatchReport()  # still under the dead one's lease
    clock.advance(timedelta(minutes=2))
    assert restarted.run_once().sent == MESSAGES
    clock.advance(timedelta(days=1))
    restarted.run_once()
    assert Counter(server.inbox.message_ids) == Counter(_expected_ids())
    with store.unit_of_work() as uow:
        assert {m.attempts for m in uow.outbox.for_organisation(ORG)} == {2}


def test_crash_after_sending_resends_once_with_the_same_message_id(
    store: SqlStore, server: Server
) -> None:
    server.start()
    clock = ManualClock(T0)
    crashed = _dispatcher(store, server, clock)
    claimed = crashed.claim()
    results = crashed.deliver(claimed)  # the server accepted them; the process dies now
    assert all(r.ok for r in results)
    del crashed
    assert _counts(store)[OutboxState.SENDING] == MESSAGES
    restarted = _dispatcher(store, server, clock)
    clock.advance(timedelta(minutes=2))
    assert restarted.run_once().sent == MESSAGES
    clock.advance(timedelta(days=1))
    restarted.run_once()
    # At least once: each twice, with the same Message-ID both times, never a third time.
    assert Counter(server.inbox.message_ids) == Counter(dict.fromkeys(_expected_ids(), 2))
    assert _counts(store)[OutboxState.SENT] == MESSAGES


_CRASHING = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime, timedelta
    from szo_core.adapters.clock import SystemClock
    from szo_core.adapters.smtp import SmtpMailSender, SmtpSettings
    from szo_core.adapters.sql import SqlStore
    from szo_core.outbox import Dispatcher

    store = SqlStore.open(sys.argv[1], migrate=False)
    mail = SmtpMailSender(SmtpSettings(host="127.0.0.1", port=int(sys.argv[2]), security="none"))
    dispatcher = Dispatcher(store, clock=SystemClock(), mail=mail, lease=timedelta(seconds=1))
    claimed = dispatcher.claim()
    results = dispatcher.deliver(claimed)
    print(sum(r.ok for r in results), flush=True)
    os._exit(9)  # killed after sending, before recording
    """
)


def test_a_process_killed_after_sending(tmp_path: Path, server: Server) -> None:
    from szo_core.adapters.clock import SystemClock

    path = tmp_path / "real.sqlite"
    store = SqlStore.open(path)
    try:
        with store.unit_of_work() as uow:
            for n in range(5):
                uow.outbox.enqueue(outbox_email(n, at=SystemClock().now() - timedelta(seconds=1)))
            uow.commit()
        server.start()
        done = subprocess.run(
            [sys.executable, "-c", _CRASHING, str(path), str(server.port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ},
            check=False,
        )
        assert done.returncode == 9, done.stderr
        assert done.stdout.strip() == "5"
        assert _counts(store)[OutboxState.SENDING] == 5
        clock = ManualClock(SystemClock().now() + timedelta(seconds=2))  # the lease is over
        restarted = _dispatcher(store, server, clock)
        assert restarted.run_once().sent == 5
        ids = {outbox_email(n).message_id for n in range(5)}
        assert Counter(server.inbox.message_ids) == Counter(dict.fromkeys(ids, 2))
    finally:
        store.dispose()
