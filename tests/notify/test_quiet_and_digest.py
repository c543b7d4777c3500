"""SMS quiet hours, the per-case rate limit with its digest, and the audit."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import attrs
import pytest

from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemorySmsSender, MemoryStore
from szo_core.delivery.message import DeliveryStatus, SendResult
from szo_core.errors import ConfigurationError
from szo_core.notify.catalogue import EventClass
from szo_core.notify.records import Channel, Identity, Outcome, Preference
from szo_core.notify.settings import QuietHours, RateLimit
from szo_core.outbox import Dispatcher, OutboxState

from ._world import CASE, NIGHT, ORG, T0, event, service, setup, subscribe

MORNING = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)  # 7.00 in Ljubljana (winter time)


def _notified(store: MemoryStore) -> dict[tuple[str, Channel], object]:
    with store.unit_of_work() as uow:
        return {
            (m.key.event, m.channel): m
            for m in uow.outbox.for_organisation(ORG)
            if not m.key.event.startswith("confirm:")
        }


def test_quiet_hours_are_local_time_over_midnight_and_daylight_saving() -> None:
    quiet = QuietHours()
    assert quiet.end_of(NIGHT) == MORNING
    assert quiet.end_of(datetime(2026, 12, 4, 3, 0, tzinfo=UTC)) == MORNING  # 4.00 local
    assert quiet.end_of(datetime(2026, 12, 3, 19, 59, tzinfo=UTC)) is None  # 20.59 local
    assert quiet.end_of(datetime(2026, 12, 3, 20, 0, tzinfo=UTC)) == MORNING  # 21.00 local
    assert quiet.end_of(MORNING) is None
    summer = datetime(2026, 7, 1, 20, 30, tzinfo=UTC)  # 22.30 summer time
    assert quiet.end_of(summer) == datetime(2026, 7, 2, 5, 0, tzinfo=UTC)
    lunch = QuietHours(start=time(12, 0), end=time(13, 0))
    assert lunch.end_of(datetime(2026, 12, 3, 11, 30, tzinfo=UTC)) == datetime(
        2026, 12, 3, 12, 0, tzinfo=UTC
    )
    with pytest.raises(ConfigurationError, match=r"notify.settings"):
        QuietHours(start=time(7), end=time(7))


@pytest.mark.parametrize(
    ("event_class", "key_events_too", "sms_deferred"),
    [
        (EventClass.NOTIFIABLE, True, True),
        (EventClass.NOTIFIABLE, False, True),
        (EventClass.KEY, True, True),
        (EventClass.KEY, False, False),
    ],
)
def test_sms_waits_for_the_end_of_quiet_hours_email_goes_at_once(
    event_class: EventClass, key_events_too: bool, sms_deferred: bool
) -> None:
    store = MemoryStore()
    svc = service(quiet_hours=QuietHours(key_events_too=key_events_too))
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        report = svc.notify(uow, event(1, event_class), now=NIGHT)
        uow.commit()
    outcomes = {d.channel: (d.outcome, d.due_at) for d in report.deliveries}
    assert outcomes[Channel.EMAIL] == (Outcome.QUEUED, None)
    if sms_deferred:
        assert outcomes[Channel.SMS] == (Outcome.DEFERRED, MORNING)
    else:
        assert outcomes[Channel.SMS] == (Outcome.QUEUED, None)
    clock = ManualClock(NIGHT)
    mail, texts = MemoryMailSender(), MemorySmsSender()
    dispatcher = Dispatcher(store, clock=clock, mail=mail, sms=texts)
    dispatcher.run_once()
    notices = [t for t in texts.sent if t.text.startswith("Obvestilo")]
    assert len(notices) == (0 if sms_deferred else 1)
    assert [m.subject for m in mail.sent if m.subject.startswith("Zadeva")] == [f"Zadeva {CASE}"]
    clock.set(MORNING - timedelta(seconds=1))
    dispatcher.run_once()
    assert len([t for t in texts.sent if t.text.startswith("Obvestilo")]) == len(notices)
    clock.set(MORNING)
    dispatcher.run_once()
    assert len([t for t in texts.sent if t.text.startswith("Obvestilo")]) == 1


def test_no_quiet_hours_when_none_are_set() -> None:
    store, svc = MemoryStore(), service(quiet_hours=None)
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", channels=(Channel.SMS,))
        report = svc.notify(uow, event(1), now=NIGHT)
    assert [d.outcome for d in report.deliveries] == [Outcome.QUEUED]


def test_a_burst_past_the_rate_limit_becomes_one_digest_per_channel() -> None:
    store = MemoryStore()
    svc = service(quiet_hours=None, rate_limit=RateLimit(max_messages=2, window=timedelta(hours=1)))
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        uow.commit()
    outcomes = []
    for n in range(1, 7):
        event_class = EventClass.KEY if n == 4 else EventClass.NOTIFIABLE
        at = T0 + timedelta(minutes=n)
        with store.unit_of_work() as uow:
            report = svc.notify(uow, event(n, event_class, occurred_at=at), now=at)
            uow.commit()
        outcomes.append({d.outcome for d in report.deliveries})
    pending = {Outcome.DIGEST_PENDING}
    assert outcomes == [{Outcome.QUEUED}] * 2 + [pending] + [{Outcome.QUEUED}] + [pending] * 2
    with store.unit_of_work() as uow:
        held = uow.notify.held_for_digest(ORG, "s1", CASE, Channel.EMAIL)
        assert [d.event_id for d in held] == ["dms-3", "dms-5", "dms-6"]
        due = T0 + timedelta(minutes=3, hours=1)
        assert {d.due_at for d in held} == {due}  # the group is due as a whole
        assert svc.flush_digests(uow, now=due - timedelta(seconds=1)) == 0
        assert svc.flush_digests(uow, now=due) == 2  # one per channel
        assert svc.flush_digests(uow, now=due + timedelta(hours=5)) == 0  # never twice
        uow.commit()
        items = [d for d in uow.notify.deliveries(ORG) if d.event_id in ("dms-3", "dms-5", "dms-6")]
    assert {d.outcome for d in items} == {Outcome.DIGESTED}
    assert len({d.outbox_id for d in items}) == 2
    found = _notified(store)
    digest_mail = found[("digest:3500-12/2025:dms-3", Channel.EMAIL)]
    digest_sms = found[("digest:3500-12/2025:dms-3", Channel.SMS)]
    assert digest_mail.email.subject == "Zadeva 3500-12/2025: 3 novi dogodki"  # type: ignore[attr-defined]
    text = digest_mail.email.text  # type: ignore[attr-defined]
    assert text.startswith("V zadevi 3500-12/2025 so 3 novi dogodki:\n- 3. 12. 2026 10.03: Dogodek")
    assert text.count("\n- ") == 3
    assert "Odjava: https://portal.sentjur.si/obvestila/odjava?t=" in text
    assert digest_sms.sms.text.startswith("V zadevi 3500-12/2025 so 3 novi dogodki: 3. 12. 2026")  # type: ignore[attr-defined]
    # singles: 1, 2 and the key event 4; digests: one per channel
    assert sorted(e for e, c in found if c is Channel.SMS) == [
        "digest:3500-12/2025:dms-3",
        "notify:dms-1",
        "notify:dms-2",
        "notify:dms-4",
    ]


def test_slovenian_digest_forms_for_one_two_and_five_events() -> None:
    from szo_core.notify.service import _DIGEST, _digest_verb
    from szo_core.templates.formatting import plural

    forms = _DIGEST["sl"][2]
    assert [f"{_digest_verb(n)} {n} {plural(n, *forms)}" for n in (1, 2, 3, 5, 101)] == [
        "je 1 nov dogodek",
        "sta 2 nova dogodka",
        "so 3 novi dogodki",
        "je 5 novih dogodkov",
        "je 101 nov dogodek",
    ]


def test_a_digest_of_a_subscription_ended_meanwhile_is_skipped() -> None:
    store = MemoryStore()
    svc = service(quiet_hours=None, rate_limit=RateLimit(max_messages=1, window=timedelta(hours=1)))
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", channels=(Channel.EMAIL,))
        for n in (1, 2):
            svc.notify(uow, event(n), now=T0)
        svc.unsubscribe(uow, Identity.citizen("p-1"), ORG, "s1", now=T0)
        assert svc.flush_digests(uow, now=T0 + timedelta(hours=1)) == 0
        outcomes = [d.outcome for d in uow.notify.deliveries(ORG)]
    assert sorted(o.value for o in outcomes) == ["queued", "skipped_unsubscribed"]


def test_an_sms_digest_in_quiet_hours_waits_too() -> None:
    store = MemoryStore()
    svc = service(rate_limit=RateLimit(max_messages=1, window=timedelta(hours=1)))
    setup(store)
    evening = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # 19.00: the digest is due at 20.00 local
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", channels=(Channel.SMS,))
        svc.notify(uow, event(1), now=evening)
        svc.notify(uow, event(2), now=evening)
        assert svc.flush_digests(uow, now=NIGHT) == 1
        (digest,) = [d for d in uow.notify.deliveries(ORG) if d.outcome is Outcome.DIGESTED]
        message = uow.outbox.get(ORG, digest.outbox_id or "")
    assert digest.due_at == MORNING
    assert message.next_attempt_at == MORNING


def test_the_audit_shows_what_was_sent_to_whom_when_how_and_the_outcome() -> None:
    store, svc = MemoryStore(), service(quiet_hours=None)
    setup(store)
    mail, texts = MemoryMailSender(), MemorySmsSender()
    clock = ManualClock(T0 + timedelta(seconds=3))
    dispatcher = Dispatcher(store, clock=clock, mail=mail, sms=texts, batch_size=1000)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", n=1)
        key_only = subscribe(svc, uow, "s2", n=2)
        uow.notify.update_subscription(attrs.evolve(key_only, preference=Preference.KEY_ONLY))
        uow.commit()
    dispatcher.run_once()  # the confirmation codes
    with store.unit_of_work() as uow:
        svc.notify(uow, event(1), now=T0)
        uow.commit()
    mail.fail_next(SendResult(DeliveryStatus.PERMANENT, code="smtp.550", detail="550 no such user"))
    dispatcher.run_once()
    with store.unit_of_work() as uow:
        entries = svc.audit(uow, ORG, case_id=CASE)
        only_s2 = svc.audit(uow, ORG, subscription_id="s2")
    rows = {(e.delivery.subscription_id, e.delivery.channel): e for e in entries}
    assert set(rows) == {(s, c) for s in ("s1", "s2") for c in Channel}
    sent_sms = rows[("s1", Channel.SMS)]
    assert (sent_sms.delivery.outcome, sent_sms.state, sent_sms.recipient) == (
        Outcome.QUEUED,
        OutboxState.SENT,
        "+38641100001",
    )
    assert sent_sms.sent_at == clock.now()
    assert sent_sms.attempts == 1
    assert sent_sms.delivery.decided_at == T0
    assert sent_sms.delivery.template_version == 1
    failed = rows[("s1", Channel.EMAIL)]
    assert (failed.state, failed.last_error_code, failed.recipient, failed.sent_at) == (
        OutboxState.FAILED,
        "smtp.550",
        "obcan1@example.si",
        None,
    )
    skipped = rows[("s2", Channel.EMAIL)]
    assert (skipped.delivery.outcome, skipped.state, skipped.recipient) == (
        Outcome.SKIPPED_KEY_ONLY,
        None,
        None,
    )
    assert {e.delivery.subscription_id for e in only_s2} == {"s2"}
    assert "obcan1" not in repr(entries)
    assert "41100001" not in repr(entries)


def test_rate_limit_settings_are_checked() -> None:
    with pytest.raises(ConfigurationError, match=r"rate_limit"):
        RateLimit(window=timedelta(0))
    with pytest.raises(ConfigurationError, match=r"link_base"):
        service(link_base="portal.sentjur.si")
