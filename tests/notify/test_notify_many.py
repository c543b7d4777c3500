"""notify_many: the same as notify() for each event, with the collector paused for the call."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest
from tests.notify._world import CASE, NIGHT, ORG, T0, event, service, setup, subscribe

from szo_core.adapters.memory import MemoryStore
from szo_core.errors import NotFound
from szo_core.notify.catalogue import EventClass
from szo_core.notify.records import CaseEvent, Delivery, Outcome
from szo_core.notify.service import Notifications, NotifyReport
from szo_core.notify.settings import RateLimit
from szo_core.ports import UnitOfWork


def _events() -> list[CaseEvent]:
    both = ("p-1", "p-2")
    made = [event(n, EventClass.NOTIFIABLE, parties=both) for n in range(6)]
    made.insert(2, event(100, EventClass.KEY, parties=both))
    made.insert(4, event(101, EventClass.INTERNAL, parties=both))
    made.append(made[0])  # notified again in the same call: duplicates
    made.append(event(102, parties=both, values={"zadeva": CASE, "uradnik": "<b>Ana</b>\n"}))
    return made


def _run(many: bool, svc: Notifications) -> tuple[tuple[NotifyReport, ...], object, object]:
    store = MemoryStore()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        subscribe(svc, uow, "s2", person="p-2", case_id=None, language="en", n=2)
        uow.commit()
    events = _events()
    with store.unit_of_work() as uow:
        if many:
            reports = svc.notify_many(uow, events, now=NIGHT)
        else:
            reports = tuple(svc.notify(uow, e, now=NIGHT) for e in events)
        uow.commit()
    with store.unit_of_work() as uow:
        decisions = uow.notify.deliveries(ORG)
        return reports, _outbox(uow, decisions), decisions


def _outbox(uow: UnitOfWork, decisions: tuple[Delivery, ...]) -> object:
    return [uow.outbox.find(ORG, d.outbox_id) for d in decisions if d.outbox_id is not None]


@pytest.mark.parametrize("rate_limit", [None, RateLimit(max_messages=2, window=timedelta(hours=1))])
def test_the_same_reports_messages_and_decisions_as_notify_for_each(
    rate_limit: RateLimit | None,
) -> None:
    one = _run(False, service(rate_limit=rate_limit))
    many = _run(True, service(rate_limit=rate_limit))
    assert many == one
    reports = many[0]
    assert [r.event_id for r in reports] == [e.id for e in _events()]
    assert reports[-2].duplicates == len(reports[0].deliveries) > 0
    assert any(r.internal for r in reports)
    if rate_limit is not None:
        assert any(r.count(Outcome.DIGEST_PENDING) for r in reports)
    assert any(r.count(Outcome.DEFERRED) for r in reports)  # SMS in the quiet hours
    assert len(many[1]) > 10


def test_the_collector_is_paused_for_the_call_and_back_on_after() -> None:
    store = MemoryStore()
    setup(store)
    svc = service()
    seen: list[bool] = []
    original = svc._decisions

    def spy(*args: object) -> object:
        seen.append(gc.isenabled())
        return original(*args)  # type: ignore[arg-type]

    svc._decisions = spy  # type: ignore[method-assign]
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        svc.notify_many(uow, [event(1), event(2)], now=T0)
        assert seen == [False, False]
        assert gc.isenabled()
        svc.notify_many(uow, [event(3)], now=T0, pause_collector=False)
        assert seen[-1] is True
        # an event that fails: its error, and the collector on again
        unknown = event(4, code="zadeva.neznano")
        with pytest.raises(NotFound) as raised:
            svc.notify_many(uow, [event(5), unknown], now=T0)
        assert raised.value.code == "notify.event_type_unknown"
        assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    store = MemoryStore()
    setup(store)
    gc.disable()
    try:
        with store.unit_of_work() as uow:
            service().notify_many(uow, [event(1)], now=T0)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_event_that_raises_leaves_the_decisions_of_the_events_before_it() -> None:
    """As notify() one by one: the writes of the events before the failing one are in the unit."""
    store = MemoryStore()
    setup(store)
    svc = service()
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        uow.commit()
    unknown = event(9, code="zadeva.neznano")
    with store.unit_of_work() as uow:
        with pytest.raises(NotFound):
            svc.notify_many(uow, [event(1), event(2), unknown, event(3)], now=T0)
        decided = {d.event_id for d in uow.notify.deliveries(ORG)}
        queued = {m.key.event for m in uow.outbox.for_organisation(ORG)}
    assert decided == {"dms-1", "dms-2"}
    assert {"notify:dms-1", "notify:dms-2"} <= queued
    assert "notify:dms-3" not in queued


@pytest.mark.parametrize("rate_limit", [None, RateLimit(max_messages=2, window=timedelta(hours=1))])
def test_the_writes_go_in_at_once_unless_a_rate_limit_reads_them(
    rate_limit: RateLimit | None,
) -> None:
    store = MemoryStore()
    setup(store)
    svc = service(rate_limit=rate_limit)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        uow.commit()
    calls: list[str] = []
    with store.unit_of_work() as uow:
        notify, outbox = uow.notify, uow.outbox
        add_deliveries, enqueue_many = notify.add_deliveries, outbox.enqueue_many

        def deliveries_spy(deliveries: object) -> tuple[Delivery, ...]:
            calls.append("deliveries")
            return add_deliveries(deliveries)  # type: ignore[arg-type]

        def outbox_spy(messages: object) -> object:
            calls.append("outbox")
            return enqueue_many(messages)  # type: ignore[arg-type]

        notify.add_deliveries = deliveries_spy  # type: ignore[method-assign]
        outbox.enqueue_many = outbox_spy  # type: ignore[method-assign]
        reports = svc.notify_many(uow, [event(n) for n in range(4)], now=T0)
    assert sum(r.queued for r in reports) > 0
    assert calls.count("deliveries") == (1 if rate_limit is None else 4)  # one write per event
    assert calls[:2] == ["deliveries", "outbox"]  # events past the limit queue no message
    if rate_limit is None:
        assert calls == ["deliveries", "outbox"]
