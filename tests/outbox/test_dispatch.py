"""The dispatcher over the memory store and the memory senders."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import timedelta

import pytest
from tests.outbox._messages import ORG, T0, email, sms

from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemorySmsSender, MemoryStore
from szo_core.delivery.message import DeliveryStatus, EmailMessage, SendResult
from szo_core.errors import ConfigurationError, DeliveryError
from szo_core.outbox import Dispatcher, DispatchReport, OutboxMessage, OutboxState, RetryPolicy

TEMP = SendResult(DeliveryStatus.TEMPORARY, code="smtp.451", detail="451 try later")
PERM = SendResult(DeliveryStatus.PERMANENT, code="smtp.550", detail="550 no such user")


def queue(store: MemoryStore, *messages: OutboxMessage) -> None:
    with store.unit_of_work() as uow:
        for message in messages:
            uow.outbox.enqueue(message)
        uow.commit()


def state(store: MemoryStore, message: OutboxMessage) -> OutboxMessage:
    with store.unit_of_work() as uow:
        return uow.outbox.get(ORG, message.id)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


class CountingMail(MemoryMailSender):
    """Counts the calls to send (one per batch)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def send(self, messages: Sequence[EmailMessage]) -> tuple[SendResult, ...]:
        self.calls += 1
        return super().send(messages)


def test_one_round_sends_the_batch_in_one_call_per_channel(clock: ManualClock) -> None:
    store, mail, texts = MemoryStore(), CountingMail(), MemorySmsSender()
    queue(store, *(email(n) for n in range(5)), sms(1), sms(2))
    report = Dispatcher(store, clock=clock, mail=mail, sms=texts).run_once()
    assert report == DispatchReport(claimed=7, sent=7)
    assert mail.calls == 1
    assert len(mail.sent) == 5
    assert len(texts.sent) == 2
    # The Message-ID sent is the one fixed when the message was stored.
    assert {m.message_id for m in mail.sent} == {email(n).message_id for n in range(5)}
    assert {m.reference for m in texts.sent} == {sms(1).id, sms(2).id}
    with store.unit_of_work() as uow:
        assert uow.outbox.counts()[OutboxState.SENT] == 7
        assert all(m.sent_at == T0 for m in uow.outbox.for_organisation(ORG))


def test_nothing_is_sent_twice(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    queue(store, email(1))
    queue(store, email(1, at=T0 + timedelta(minutes=1)))  # the same event again
    dispatcher = Dispatcher(store, clock=clock, mail=mail)
    dispatcher.run_once()
    clock.advance(timedelta(days=3))
    assert dispatcher.run_once() == DispatchReport()
    assert len(mail.sent) == 1


def test_temporary_failures_back_off_then_give_up_with_the_reason(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    queue(store, email(1))
    policy = RetryPolicy(
        base=timedelta(minutes=1),
        factor=2,
        cap=timedelta(minutes=10),
        jitter=0.5,
        give_up_after=timedelta(minutes=30),
    )
    dispatcher = Dispatcher(store, clock=clock, mail=mail, policy=policy, random=lambda: 0.5)
    waits = []
    for _ in range(20):
        mail.fail_next(TEMP)
        report = dispatcher.run_once()
        stored = state(store, email(1))
        if report.given_up:
            break
        assert report.retrying == 1
        waits.append(stored.next_attempt_at - clock.now())
        assert dispatcher.run_once() == DispatchReport()  # not due yet
        clock.set(stored.next_attempt_at)
    # 1, 2, 4, 8, 10, 10 minutes less a quarter (jitter 0.5 × random 0.5): 26.25
    # minutes in all; the next wait would end after the 30 minutes.
    assert [w.total_seconds() / 60 for w in waits] == [0.75, 1.5, 3, 6, 7.5, 7.5]
    assert stored.state is OutboxState.GIVEN_UP
    assert stored.attempts == 7
    assert stored.last_error_code == "smtp.451"
    assert stored.last_error_detail == "given up after 7 attempts in 0.5 h: 451 try later"
    assert mail.sent == []
    clock.advance(timedelta(days=1))
    assert dispatcher.run_once() == DispatchReport()


def test_a_permanent_failure_is_not_retried(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    queue(store, email(1), email(2))
    mail.fail_next(PERM)
    dispatcher = Dispatcher(store, clock=clock, mail=mail)
    report = dispatcher.run_once()
    assert (report.sent, report.failed) == (1, 1)
    failed = [
        m for m in (state(store, email(1)), state(store, email(2))) if m.state is OutboxState.FAILED
    ]
    assert len(failed) == 1
    assert failed[0].last_error_code == "smtp.550"
    clock.advance(timedelta(days=1))
    assert dispatcher.run_once() == DispatchReport()
    assert len(mail.sent) == 1


def test_a_crash_after_claiming_is_sent_after_the_lease(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    queue(store, email(1))
    lease = timedelta(minutes=2)
    crashed = Dispatcher(store, clock=clock, mail=mail, lease=lease)
    assert len(crashed.claim()) == 1  # ... and the process dies here
    restarted = Dispatcher(store, clock=clock, mail=mail, lease=lease)
    assert restarted.run_once() == DispatchReport()  # still leased
    clock.advance(lease)
    assert restarted.run_once().sent == 1
    assert len(mail.sent) == 1
    assert state(store, email(1)).attempts == 2


def test_a_crash_after_sending_resends_with_the_same_message_id(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    queue(store, email(1))
    crashed = Dispatcher(store, clock=clock, mail=mail)
    claimed = crashed.claim()
    crashed.deliver(claimed)  # the server accepted it; the process dies before record()
    clock.advance(crashed.lease)
    Dispatcher(store, clock=clock, mail=mail).run_once()
    assert [m.message_id for m in mail.sent] == [email(1).message_id] * 2
    assert state(store, email(1)).state is OutboxState.SENT


def test_a_late_report_of_a_lost_claim_is_stale(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    queue(store, email(1))
    slow = Dispatcher(store, clock=clock, mail=mail)
    claimed = slow.claim()
    clock.advance(slow.lease)
    other = Dispatcher(store, clock=clock, mail=mail)
    taken = other.claim()
    assert slow.record(claimed, (TEMP,)) == DispatchReport(claimed=1, stale=1)
    assert other.record(taken, other.deliver(taken)).sent == 1


def test_channels_without_a_sender_are_left_alone(clock: ManualClock) -> None:
    store, texts = MemoryStore(), MemorySmsSender()
    queue(store, email(1), sms(1))
    assert Dispatcher(store, clock=clock, sms=texts).run_once().sent == 1
    assert state(store, email(1)).state is OutboxState.QUEUED


def test_batches_and_organisations(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    queue(store, *(email(n) for n in range(7)), email(1, org="sola"))
    dispatcher = Dispatcher(store, clock=clock, mail=mail, batch_size=3, organisation_id=ORG)
    assert [dispatcher.run_once().sent for _ in range(4)] == [3, 3, 1, 0]
    with store.unit_of_work() as uow:
        assert uow.outbox.counts("sola")[OutboxState.QUEUED] == 1


class ShortSender(MemoryMailSender):
    def send(self, messages: Sequence[EmailMessage]) -> tuple[SendResult, ...]:
        return super().send(messages)[:-1]


def test_a_sender_answering_too_few_results_is_an_error(clock: ManualClock) -> None:
    store = MemoryStore()
    queue(store, email(1), email(2))
    dispatcher = Dispatcher(store, clock=clock, mail=ShortSender())
    with pytest.raises(DeliveryError) as caught:
        dispatcher.run_once()
    assert caught.value.code == "outbox.results"
    # Nothing was recorded: both stay claimed and come back after the lease.
    assert state(store, email(1)).state is OutboxState.SENDING


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"mail": MemoryMailSender(), "batch_size": 0},
        {"mail": MemoryMailSender(), "lease": timedelta(0)},
    ],
)
def test_bad_dispatchers_are_refused(clock: ManualClock, kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Dispatcher(MemoryStore(), clock=clock, **kwargs)  # type: ignore[arg-type]
    assert caught.value.code == "outbox.dispatcher"


def test_run_loops_until_stopped_and_waits_when_idle(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    queue(store, *(email(n) for n in range(5)))
    waits: list[float] = []
    rounds = iter(range(100))

    def stop() -> bool:
        return next(rounds) >= 6  # stop() is asked before each round and before each wait

    total = Dispatcher(store, clock=clock, mail=mail, batch_size=2).run(
        stop, idle=0.5, sleep=waits.append
    )
    assert total.sent == 5
    assert waits == [0.5, 0.5]  # after the third round (one message) and the fourth (none)


def test_run_stops_on_an_event_in_another_thread(clock: ManualClock) -> None:
    store, mail = MemoryStore(), MemoryMailSender()
    stop = threading.Event()
    result: list[DispatchReport] = []
    thread = threading.Thread(
        target=lambda: result.append(Dispatcher(store, clock=clock, mail=mail).run(stop, idle=0.01))
    )
    thread.start()
    queue(store, email(1))
    for _ in range(500):
        if mail.sent:
            break
        threading.Event().wait(0.01)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert result[0].sent == 1
