"""Real time: an event committed in one unit of work reaches the real SMTP server and the
local SMS gateway within a second, through the in-process dispatcher, once."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from tests.delivery.conftest import StartServer
from tests.delivery.test_sms_http import Gateway, _settings

from szo_core.adapters.clock import SystemClock
from szo_core.adapters.memory import MemoryMailSender, MemoryStore
from szo_core.adapters.sms_http import HttpSmsSender
from szo_core.adapters.smtp import SmtpMailSender, SmtpSettings
from szo_core.adapters.sql import SqlStore
from szo_core.errors import ConfigurationError
from szo_core.notify.catalogue import EventClass
from szo_core.notify.live import LiveDispatcher
from szo_core.notify.records import Channel
from szo_core.notify.service import Notifications
from szo_core.notify.settings import QuietHours
from szo_core.outbox import Dispatcher, OutboxState
from szo_core.ports import Storage

from ._world import CASE, ORG, event, service, setup, subscribe


def _wait(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.005)
    return bool(condition())  # type: ignore[operator]


def _daytime_service() -> Notifications:
    # the wall clock decides the quiet hours here: none, so the SMS is due now
    return service(quiet_hours=None)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_an_event_committed_is_at_the_smtp_server_and_the_gateway_within_a_second_once(
    kind: str, smtp_server: StartServer, gateway: Gateway, tmp_path: object
) -> None:
    store: Storage = MemoryStore() if kind == "memory" else SqlStore.open(tmp_path / "n.sqlite")  # type: ignore[operator]
    svc = _daytime_service()
    setup(store)
    clock = SystemClock()
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", n=5)
        uow.commit()
    server = smtp_server("plain")
    mail = SmtpMailSender(
        SmtpSettings(host=server.host, port=server.port, security="none", timeout=5), clock=clock
    )
    texts = HttpSmsSender(_settings(gateway, token="t"))
    dispatcher = Dispatcher(store, clock=clock, mail=mail, sms=texts)
    dispatcher.run_once()  # whatever is due already (the confirmation codes, once T0 is past)
    received_before, requests_before = len(server.handler.received), len(gateway.requests)
    with LiveDispatcher(dispatcher, idle=30, notifications=svc) as live:
        time.sleep(0.05)  # the thread is waiting (idle 30 s: only a wake makes it send)
        with store.unit_of_work() as uow:
            svc.notify(uow, event(1, EventClass.KEY), now=clock.now())
            started = time.monotonic()
            live.commit(uow)
        arrived = _wait(
            lambda: (
                len(server.handler.received) > received_before
                and len(gateway.requests) > requests_before
            ),
            1.0,
        )
        elapsed = time.monotonic() - started
        assert arrived, f"not delivered within a second ({elapsed:.2f} s)"
        assert live.wait_idle(timeout=5)
        # woken again: nothing more is sent (never twice)
        live.wake()
        assert live.wait_idle(timeout=5)
    new_mail = [m for m in server.handler.received if b"Subject: Zadeva" in m.content]
    new_sms = [r for r in gateway.requests if b"Obvestilo" in r.body]
    assert len(new_mail) == 1
    assert len(new_sms) == 1
    assert b"Subject: Zadeva 3500-12/2025" in new_mail[0].content
    assert json.loads(new_sms[0].body)["message"].startswith(f"Obvestilo: zadeva {CASE}")
    with store.unit_of_work() as uow:
        states = {
            m.state for m in uow.outbox.for_organisation(ORG) if m.key.event == "notify:dms-1"
        }
        audit = svc.audit(uow, ORG, event_id="dms-1")
    assert states == {OutboxState.SENT}
    assert {(a.delivery.channel, a.state) for a in audit} == {
        (Channel.EMAIL, OutboxState.SENT),
        (Channel.SMS, OutboxState.SENT),
    }
    assert all(a.sent_at is not None for a in audit)


def test_without_a_commit_nothing_is_sent_and_a_wake_before_commit_finds_nothing() -> None:
    store = MemoryStore()
    svc = _daytime_service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", channels=(Channel.EMAIL,))
        uow.commit()
    mail = MemoryMailSender()
    dispatcher = Dispatcher(store, clock=SystemClock(), mail=mail)
    dispatcher.run_once()
    sent_before = len(mail.sent)
    with LiveDispatcher(dispatcher, idle=30) as live:
        with store.unit_of_work() as uow:
            svc.notify(uow, event(1), now=datetime.now(UTC))
            live.wake()
            assert live.wait_idle(timeout=5)
            assert len(mail.sent) == sent_before  # not committed yet: not visible
            uow.rollback()
        live.wake()
        assert live.wait_idle(timeout=5)
    assert len(mail.sent) == sent_before
    assert live.report.claimed == 0


def test_sms_in_quiet_hours_stays_in_the_outbox_when_woken() -> None:
    from ._world import NIGHT

    store = MemoryStore()
    svc = service(quiet_hours=QuietHours())
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        uow.commit()
    from szo_core.adapters.memory import ManualClock, MemorySmsSender

    clock = ManualClock(NIGHT)
    mail, texts = MemoryMailSender(), MemorySmsSender()
    with LiveDispatcher(Dispatcher(store, clock=clock, mail=mail, sms=texts), idle=30) as live:
        with store.unit_of_work() as uow:
            svc.notify(uow, event(1), now=clock.now())
            live.commit(uow)
        assert live.wait_idle(timeout=5)
    assert [m.subject for m in mail.sent if m.subject.startswith("Zadeva")] == [
        "Zadeva 3500-12/2025"
    ]
    assert not [t for t in texts.sent if t.text.startswith("Obvestilo")]


def test_live_dispatcher_settings_are_checked() -> None:
    dispatcher = Dispatcher(MemoryStore(), clock=SystemClock(), mail=MemoryMailSender())
    with pytest.raises(ConfigurationError, match=r"notify.live"):
        LiveDispatcher(dispatcher, idle=0)
