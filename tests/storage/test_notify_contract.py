"""The notification part of the storage contract (``uow.notify``): memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.storage._backend import Backend
from tests.storage.test_contract import backend_settings

from szo_core.delivery.message import Channel
from szo_core.errors import ConcurrencyConflict, ConfigurationError, StorageError
from szo_core.notify.catalogue import EventClass, EventType, TemplateRef
from szo_core.notify.records import (
    Confirmation,
    ConsentChange,
    Delivery,
    Outcome,
    Preference,
    Source,
    Subscription,
)
from szo_core.ports import Storage
from szo_core.templates.model import FieldType, TemplateField

ORG = "obcina"
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def etype(code: str = "zadeva.dodelitev", version: int = 1, **kw: object) -> EventType:
    options: dict[str, object] = {
        "organisation_id": ORG,
        "code": code,
        "name": "Dodelitev uradniku",
        "name_en": "Assigned",
        "event_class": EventClass.NOTIFIABLE,
        "fields": (
            TemplateField(name="zadeva", type=FieldType.TEXT, example="3500-1/2026"),
            TemplateField(name="rok", type=FieldType.DATE, example="2026-12-24", required=False),
        ),
        "templates": (
            TemplateRef(channel=Channel.EMAIL, language="sl", version=3),
            TemplateRef(channel=Channel.SMS, language="en", version=1),
        ),
        "version": version,
        "changed_at": T0,
        "changed_by": "admin:1",
    }
    options.update(kw)
    return EventType(**options)  # type: ignore[arg-type]


def sub(
    sid: str = "s1", *, person: str = "p-1", case: str | None = "c-1", **kw: object
) -> Subscription:
    options: dict[str, object] = {
        "organisation_id": ORG,
        "id": sid,
        "person_id": person,
        "case_id": case,
        "email": "ana.novak@example.si",
        "mobile": "+38641123456",
        "channels": (Channel.EMAIL, Channel.SMS),
        "preference": Preference.KEY_ONLY,
        "language": "en",
        "source": Source.WRITTEN,
        "email_confirmed": True,
        "created_at": T0,
    }
    options.update(kw)
    return Subscription(**options)  # type: ignore[arg-type]


def delivery(
    event: str, *, sid: str = "s1", channel: Channel = Channel.SMS, **kw: object
) -> Delivery:
    options: dict[str, object] = {
        "organisation_id": ORG,
        "event_id": event,
        "subscription_id": sid,
        "channel": channel,
        "case_id": "c-1",
        "event_code": "zadeva.dodelitev",
        "event_version": 2,
        "event_class": EventClass.NOTIFIABLE,
        "occurred_at": T0,
        "outcome": Outcome.QUEUED,
        "decided_at": T0,
        "outbox_id": "ab" * 16,
        "template_key": "notify.zadeva.dodelitev.sms",
        "template_version": 4,
    }
    options.update(kw)
    return Delivery(**options)  # type: ignore[arg-type]


def commit(store: Storage, *actions: object) -> None:
    with store.unit_of_work() as uow:
        for action in actions:
            action(uow)  # type: ignore[operator]
        uow.commit()


def test_event_type_versions(backend: Backend) -> None:
    store = backend.store
    commit(
        store,
        lambda u: u.notify.add_event_type(etype()),
        lambda u: u.notify.add_event_type(etype(version=2, event_class=EventClass.KEY)),
        lambda u: u.notify.add_event_type(
            etype("zadeva.interno", event_class=EventClass.INTERNAL, templates=())
        ),
    )
    with store.unit_of_work() as uow:
        assert uow.notify.event_type(ORG, "zadeva.dodelitev") == etype(
            version=2, event_class=EventClass.KEY
        )
        assert uow.notify.event_type(ORG, "zadeva.dodelitev", 1) == etype()
        assert uow.notify.event_type(ORG, "nope") is None
        assert uow.notify.event_type("other", "zadeva.dodelitev") is None
        assert [v.version for v in uow.notify.event_type_versions(ORG, "zadeva.dodelitev")] == [
            1,
            2,
        ]
        assert [(t.code, t.version) for t in uow.notify.event_types(ORG)] == [
            ("zadeva.dodelitev", 2),
            ("zadeva.interno", 1),
        ]
        with pytest.raises(StorageError, match=r"storage.duplicate"):
            uow.notify.add_event_type(etype())
        with pytest.raises(ConfigurationError, match=r"storage.event_type_version"):
            uow.notify.add_event_type(etype(version=0))


def test_subscriptions_optimistic_versions_and_lookup_by_case(backend: Backend) -> None:
    store = backend.store
    commit(
        store,
        lambda u: u.notify.add_subscription(sub("s1")),
        lambda u: u.notify.add_subscription(
            sub("s2", case=None, email=None, channels=(Channel.SMS,), language="sl")
        ),
        lambda u: u.notify.add_subscription(sub("s3", case="c-2")),
        lambda u: u.notify.add_subscription(sub("s4", person="p-2")),
    )
    with store.unit_of_work() as uow:
        assert uow.notify.subscription(ORG, "s1") == sub("s1")
        assert uow.notify.subscription(ORG, "nope") is None
        found = uow.notify.subscriptions_for_case(ORG, "c-1", ["p-1"])
        assert [s.id for s in found] == ["s1", "s2"]  # the case and all of p-1's cases
        assert [s.id for s in uow.notify.subscriptions_for_case(ORG, "c-1", ["p-1", "p-2"])] == [
            "s1",
            "s2",
            "s4",
        ]
        assert uow.notify.subscriptions_for_case(ORG, "c-1", []) == ()
        assert [s.id for s in uow.notify.subscriptions_of(ORG, "p-1")] == ["s1", "s2", "s3"]
        read = uow.notify.subscription(ORG, "s1")
        assert read is not None
        changed = uow.notify.update_subscription(
            attrs.evolve(read, active=False, mobile=None, channels=(Channel.EMAIL,))
        )
        assert changed.version == 1
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.notify.subscription(ORG, "s1") == changed
        with pytest.raises(ConcurrencyConflict):
            uow.notify.update_subscription(attrs.evolve(read, preference=Preference.ALL))
    with store.unit_of_work() as uow, pytest.raises(StorageError, match=r"storage.duplicate"):
        uow.notify.add_subscription(sub("s1"))


def test_consent_history_is_only_added_to(backend: Backend) -> None:
    store = backend.store

    def change(seq: int, what: str, active: bool = True) -> ConsentChange:
        return ConsentChange(
            organisation_id=ORG,
            subscription_id="s1",
            seq=seq,
            at=T0 + timedelta(days=seq),
            what=what,
            source=Source.PORTAL,
            actor="citizen:p-1",
            preference=Preference.ALL,
            channels=(Channel.SMS,),
            active=active,
            mobile="+38641123456",
        )

    commit(
        store,
        lambda u: u.notify.add_consent(change(2, "preference")),
        lambda u: u.notify.add_consent(change(1, "subscribed")),
        lambda u: u.notify.add_consent(change(3, "unsubscribed", active=False)),
    )
    with store.unit_of_work() as uow:
        history = uow.notify.consent_history(ORG, "s1")
        assert history == (
            change(1, "subscribed"),
            change(2, "preference"),
            change(3, "unsubscribed", active=False),
        )
        assert uow.notify.consent_history(ORG, "s2") == ()
        with pytest.raises(StorageError, match=r"storage.duplicate"):
            uow.notify.add_consent(change(2, "again"))


def test_a_confirmation_per_subscription_and_channel_is_replaced(backend: Backend) -> None:
    store = backend.store
    first = Confirmation(
        organisation_id=ORG,
        subscription_id="s1",
        channel=Channel.EMAIL,
        address="ana@example.si",
        code_hash="00" * 32,
        expires_at=T0 + timedelta(minutes=10),
        created_at=T0,
    )
    commit(store, lambda u: u.notify.put_confirmation(first))
    second = attrs.evolve(first, code_hash="11" * 32, attempts=2, used=True)
    commit(store, lambda u: u.notify.put_confirmation(second))
    with store.unit_of_work() as uow:
        assert uow.notify.confirmation(ORG, "s1", Channel.EMAIL) == second
        assert uow.notify.confirmation(ORG, "s1", Channel.SMS) is None


def test_deliveries_are_decided_once_and_counted_for_the_rate_limit(backend: Backend) -> None:
    store = backend.store
    at = [T0 + timedelta(minutes=m) for m in range(6)]
    commit(
        store,
        lambda u: u.notify.add_delivery(delivery("e1", decided_at=at[0])),
        lambda u: u.notify.add_delivery(
            delivery("e2", decided_at=at[2], outcome=Outcome.DEFERRED, due_at=at[5])
        ),
        lambda u: u.notify.add_delivery(
            delivery("e3", decided_at=at[3], outcome=Outcome.SKIPPED_KEY_ONLY, outbox_id=None)
        ),
        lambda u: u.notify.add_delivery(delivery("e1", channel=Channel.EMAIL, decided_at=at[1])),
        lambda u: u.notify.add_delivery(delivery("e4", sid="s2", decided_at=at[4])),
    )
    with store.unit_of_work() as uow:
        again = uow.notify.add_delivery(delivery("e1", outcome=Outcome.SKIPPED_UNCONFIRMED))
        assert again == delivery("e1", decided_at=at[0])  # the stored one; nothing new
        assert [(d.event_id, d.channel.value) for d in uow.notify.deliveries(ORG)] == [
            ("e1", "sms"),
            ("e1", "email"),
            ("e2", "sms"),
            ("e3", "sms"),
            ("e4", "sms"),
        ]
        assert [d.event_id for d in uow.notify.deliveries(ORG, subscription_id="s2")] == ["e4"]
        assert len(uow.notify.deliveries(ORG, event_id="e1")) == 2
        assert len(uow.notify.deliveries(ORG, case_id="c-1")) == 5
        assert uow.notify.deliveries(ORG, case_id="c-9") == ()
        count = uow.notify.count_sent_since
        assert count(ORG, "s1", "c-1", Channel.SMS, at[0]) == 2  # e1, e2 (e3 sent nothing)
        assert count(ORG, "s1", "c-1", Channel.SMS, at[1]) == 1
        assert count(ORG, "s1", "c-1", Channel.EMAIL, at[0]) == 1
        assert count(ORG, "s1", "c-2", Channel.SMS, at[0]) == 0
        berlin = timezone(timedelta(hours=1))
        assert count(ORG, "s1", "c-1", Channel.SMS, at[2].astimezone(berlin)) == 1
        counts = uow.notify.outcome_counts(ORG)
        assert (counts[Outcome.QUEUED], counts[Outcome.DEFERRED], counts[Outcome.DIGESTED]) == (
            3,
            1,
            0,
        )
        stored = uow.notify.deliveries(ORG, event_id="e2")[0]
        assert stored.due_at == at[5]


def test_held_items_are_due_as_a_group(backend: Backend) -> None:
    store = backend.store
    due = T0 + timedelta(hours=1)
    held = [
        delivery(
            f"h{n}",
            outcome=Outcome.DIGEST_PENDING,
            outbox_id=None,
            template_key=None,
            template_version=None,
            decided_at=T0 + timedelta(minutes=n),
            due_at=due,
        )
        for n in range(3)
    ]
    later = delivery(
        "h9",
        sid="s2",
        outcome=Outcome.DIGEST_PENDING,
        outbox_id=None,
        due_at=due + timedelta(hours=1),
    )
    other_org = attrs.evolve(held[0], organisation_id="drugi")
    commit(store, *[lambda u, d=d: u.notify.add_delivery(d) for d in (*held, later, other_org)])
    with store.unit_of_work() as uow:
        assert uow.notify.pending_digests(due - timedelta(seconds=1)) == ()
        assert [d.event_id for d in uow.notify.pending_digests(due, organisation_id=ORG)] == [
            "h0",
            "h1",
            "h2",
        ]
        assert len(uow.notify.pending_digests(due)) == 4
        assert len(uow.notify.pending_digests(due, limit=2)) == 2
        assert [
            d.event_id
            for d in uow.notify.pending_digests(due + timedelta(hours=1), organisation_id=ORG)
        ] == ["h0", "h1", "h2", "h9"]
        assert uow.notify.held_for_digest(ORG, "s1", "c-1", Channel.SMS) == tuple(held)
        done = attrs.evolve(held[1], outcome=Outcome.DIGESTED, outbox_id="cd" * 16, due_at=None)
        uow.notify.update_delivery(done)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.notify.held_for_digest(ORG, "s1", "c-1", Channel.SMS) == (held[0], held[2])
        assert uow.notify.deliveries(ORG, event_id="h1") == (done,)
        assert uow.notify.count_sent_since(ORG, "s1", "c-1", Channel.SMS, T0) == 1


def test_a_rollback_drops_every_notify_change(backend: Backend) -> None:
    store = backend.store
    with store.unit_of_work() as uow:
        uow.notify.add_event_type(etype())
        uow.notify.add_subscription(sub())
        uow.notify.add_delivery(delivery("e1"))
    with store.unit_of_work() as uow:
        assert uow.notify.event_types(ORG) == ()
        assert uow.notify.subscription(ORG, "s1") is None
        assert uow.notify.deliveries(ORG) == ()


ids = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() != ""
)
subscriptions = st.builds(
    lambda sid, person, case, channels, pref, lang, source, active, ec, mc, minutes: sub(
        sid,
        person=person,
        case=case,
        channels=channels,
        preference=pref,
        language=lang,
        source=source,
        active=active,
        email_confirmed=ec,
        mobile_confirmed=mc,
        created_at=T0 + timedelta(minutes=minutes),
    ),
    ids,
    ids,
    st.none() | ids,
    st.sampled_from([(Channel.EMAIL,), (Channel.SMS,), (Channel.EMAIL, Channel.SMS)]),
    st.sampled_from(Preference),
    st.sampled_from(["sl", "en"]),
    st.sampled_from(Source),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 10**6),
)


def test_subscriptions_round_trip(backend: Backend) -> None:
    @backend_settings(backend)
    @given(subscription=subscriptions)
    def check(subscription: Subscription) -> None:
        backend.reset()
        commit(backend.store, lambda u: u.notify.add_subscription(subscription))
        with backend.store.unit_of_work() as uow:
            assert uow.notify.subscription(ORG, subscription.id) == subscription

    check()


NOTIFY_TABLES = {
    "szo_notify_event_type",
    "szo_notify_subscription",
    "szo_notify_consent",
    "szo_notify_confirmation",
    "szo_notify_delivery",
}


def test_migration_0014_adds_the_notify_tables_and_drops_them_on_downgrade(
    sql_backend: Backend,
) -> None:
    from sqlalchemy import inspect

    from szo_core.adapters.sql import HEAD_REVISION, migrate

    assert sql_backend.sql is not None
    engine = sql_backend.sql.engine
    assert set(inspect(engine).get_table_names()) >= NOTIFY_TABLES
    assert migrate(engine, "0011_child_contact") == "0011_child_contact"
    assert not NOTIFY_TABLES & set(inspect(engine).get_table_names())
    assert migrate(engine) == HEAD_REVISION  # the PostgreSQL database is shared
    commit(sql_backend.store, lambda u: u.notify.add_subscription(sub()))
    with sql_backend.store.unit_of_work() as uow:
        assert uow.notify.subscription(ORG, "s1") == sub()


def test_the_notification_service_on_every_backend(backend: Backend) -> None:
    from tests.notify._world import CASE, event, service, setup, subscribe
    from tests.notify._world import ORG as TOWN
    from tests.notify._world import T0 as START

    from szo_core.notify.records import Identity
    from szo_core.notify.settings import RateLimit

    store = backend.store
    svc = service(quiet_hours=None, rate_limit=RateLimit(max_messages=1))
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        uow.commit()
    for n in (1, 2, 3):
        with store.unit_of_work() as uow:
            svc.notify(uow, event(n), now=START + timedelta(minutes=n))
            uow.commit()
    with store.unit_of_work() as uow:
        assert svc.notify(uow, event(1), now=START).duplicates == 2
        assert svc.flush_digests(uow, now=START + timedelta(hours=2)) == 2
        svc.unsubscribe(uow, Identity.citizen("p-1"), TOWN, "s1", now=START + timedelta(hours=3))
        uow.commit()
    with store.unit_of_work() as uow:
        entries = svc.audit(uow, TOWN, case_id=CASE)
        counts = uow.notify.outcome_counts(TOWN)
        history = uow.notify.consent_history(TOWN, "s1")
        events = {m.key.event for m in uow.outbox.for_organisation(TOWN)}
    assert (counts[Outcome.QUEUED], counts[Outcome.DIGESTED]) == (2, 4)
    assert len(entries) == 6
    assert {"notify:dms-1", "digest:3500-12/2025:dms-2"} <= events
    assert "notify:dms-2" not in events
    assert [c.what for c in history][-1] == "unsubscribed"


def test_a_subscription_moved_to_another_person_is_found_under_the_new_one(
    backend: Backend,
) -> None:
    commit(backend.store, lambda u: u.notify.add_subscription(sub("s1")))
    with backend.store.unit_of_work() as uow:
        read = uow.notify.subscription(ORG, "s1")
        assert read is not None
        uow.notify.update_subscription(attrs.evolve(read, person_id="p-7"))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.notify.subscriptions_of(ORG, "p-1") == ()
        assert [s.id for s in uow.notify.subscriptions_for_case(ORG, "c-1", ["p-7"])] == ["s1"]


def test_add_deliveries_is_add_delivery_for_each_in_turn(backend: Backend) -> None:
    """One write for many decisions: the same results, and the same reads afterwards."""
    store = backend.store
    at = [T0 + timedelta(minutes=m) for m in range(4)]
    first = delivery("e1", decided_at=at[0])
    commit(store, lambda u: u.notify.add_delivery(first))
    batch = [
        delivery("e2", decided_at=at[1]),
        delivery("e1", outcome=Outcome.SKIPPED_UNCONFIRMED),  # stored already
        delivery("e2", channel=Channel.EMAIL, decided_at=at[1]),
        delivery("e2", decided_at=at[3], outcome=Outcome.DEFERRED),  # earlier in this call
        delivery("e3", sid="s2", decided_at=at[2], outcome=Outcome.SKIPPED_KEY_ONLY),
    ]
    with store.unit_of_work() as uow:
        results = uow.notify.add_deliveries(iter(batch))
        assert uow.notify.add_deliveries([]) == ()
        # seen at once in the same unit of work, as after add_delivery
        assert uow.notify.count_sent_since(ORG, "s1", "c-1", Channel.SMS, at[0]) == 2
        uow.commit()
    assert [r is d for r, d in zip(results, batch, strict=True)] == [True, False, True, False, True]
    assert results[1] == first
    assert results[3] == batch[0]
    with store.unit_of_work() as uow:
        assert uow.notify.deliveries(ORG) == (first, batch[2], batch[0], batch[4])  # email < sms
        assert uow.notify.count_sent_since(ORG, "s1", "c-1", Channel.SMS, at[0]) == 2
        assert uow.notify.count_sent_since(ORG, "s1", "c-1", Channel.EMAIL, at[0]) == 1
        counts = uow.notify.outcome_counts(ORG)
        assert (counts[Outcome.QUEUED], counts[Outcome.SKIPPED_KEY_ONLY]) == (3, 1)


def test_add_deliveries_are_rolled_back(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.notify.add_deliveries([delivery("e1"), delivery("e2")])
        uow.rollback()
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.notify.deliveries(ORG) == ()
        assert uow.notify.count_sent_since(ORG, "s1", "c-1", Channel.SMS, T0) == 0


@pytest.mark.parametrize("rate_limit", [None, 1])
def test_notify_many_stores_what_notify_one_by_one_stores(
    backend: Backend, rate_limit: int | None
) -> None:
    """notify_many's batched writes (add_deliveries, enqueue_many) on every backend."""
    from tests.notify._world import ORG as TOWN
    from tests.notify._world import T0 as START
    from tests.notify._world import event, service, setup, subscribe

    from szo_core.notify.settings import RateLimit

    limit = None if rate_limit is None else RateLimit(max_messages=rate_limit)
    svc = service(quiet_hours=None, rate_limit=limit)
    events = [event(n, parties=("p-1", "p-2")) for n in (1, 2, 3)]
    events.append(events[0])  # again in the same call: duplicates

    def run(many: bool) -> object:
        backend.reset()
        store = backend.store
        setup(store)
        with store.unit_of_work() as uow:
            subscribe(svc, uow, "s1")
            subscribe(svc, uow, "s2", person="p-2", case_id=None, language="en", n=2)
            uow.commit()
        with store.unit_of_work() as uow:
            if many:
                reports = svc.notify_many(uow, events, now=START)
            else:
                reports = tuple(svc.notify(uow, e, now=START) for e in events)
            uow.commit()
        with store.unit_of_work() as uow:
            queued = [  # the confirmations carry codes of their own each run
                m for m in uow.outbox.for_organisation(TOWN) if m.key.event.startswith("notify:")
            ]
            return reports, uow.notify.deliveries(TOWN), queued

    one, many = run(False), run(True)
    assert many == one
    reports, _, queued = many  # type: ignore[misc]
    assert reports[-1].duplicates == len(reports[0].deliveries) > 0
    assert len(queued) > 0
    if rate_limit is not None:
        assert any(r.count(Outcome.DIGEST_PENDING) for r in reports)
