"""The outbox part of the storage contract: memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.storage._backend import Backend
from tests.storage.test_contract import backend_settings

from szo_core.delivery.message import Attachment, EmailMessage, SmsMessage
from szo_core.errors import ConcurrencyConflict, ConfigurationError, InvalidType, NotFound
from szo_core.model import Group
from szo_core.outbox import Channel, IdempotencyKey, OutboxMessage, OutboxState, new_message
from szo_core.ports import Storage

ORG = "vrtec"
T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def email(n: int, *, org: str = ORG, at: datetime = T0, event: str = "invoice") -> OutboxMessage:
    address = f"starsi{n}@example.si"
    return new_message(
        org,
        IdempotencyKey(f"{event}:{n}", address, Channel.EMAIL),
        EmailMessage(sender="racuni@vrtec.si", to=address, subject=f"Račun {n}", text="Račun."),
        now=at,
        template_key="invoice",
        template_version=2,
    )


def sms(n: int, *, org: str = ORG, at: datetime = T0) -> OutboxMessage:
    number = f"+3864112{n:04d}"
    return new_message(
        org,
        IdempotencyKey(f"booking:{n}", number, Channel.SMS),
        SmsMessage(to=number, text="Termin je potrjen."),
        now=at,
    )


def store_all(store: Storage, *messages: OutboxMessage) -> None:
    with store.unit_of_work() as uow:
        for message in messages:
            uow.outbox.enqueue(message)
        uow.commit()


def claim(store: Storage, now: datetime = T0, **kw: object) -> tuple[OutboxMessage, ...]:
    with store.unit_of_work() as uow:
        claimed = uow.outbox.claim(now, limit=kw.pop("limit", 100), lease=LEASE, **kw)  # type: ignore[arg-type]
        uow.commit()
    return claimed


def stored(store: Storage, message: OutboxMessage) -> OutboxMessage:
    with store.unit_of_work() as uow:
        return uow.outbox.get(message.organisation_id, message.id)


texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
payloads = st.builds(
    lambda subject, body, html, files, cc: EmailMessage(
        sender="racuni@vrtec.si",
        to="ana@example.si",
        cc=cc,
        subject=subject,
        text=body,
        html=html,
        attachments=files,
        headers=(("X-Szo", "1"),),
    ),
    texts,
    texts,
    st.none() | texts,
    st.lists(
        st.builds(
            Attachment, texts.filter(bool), st.binary(max_size=64), st.just("application/pdf")
        ),
        max_size=2,
    ).map(tuple),
    st.lists(st.just("oce@example.si"), max_size=1).map(tuple),
)


def test_a_message_round_trips_with_attachments(backend: Backend) -> None:
    @given(payload=payloads, offset=st.integers(-12, 14))
    @backend_settings(backend)
    def check(payload: EmailMessage, offset: int) -> None:
        backend.reset()
        at = T0.astimezone(timezone(timedelta(hours=offset)))
        message = new_message(
            ORG, IdempotencyKey("e:1", "ana@example.si", Channel.EMAIL), payload, now=at
        )
        store_all(backend.store, message)
        back = stored(backend.store, message)
        assert back == message
        assert back.email.attachments == payload.attachments
        assert back.created_at.utcoffset() == timedelta(0)

    check()


def test_sms_round_trips_and_fields_are_readable(backend: Backend) -> None:
    message = sms(1)
    store_all(backend.store, message)
    back = stored(backend.store, message)
    assert back == message
    assert back.sms.reference == back.message_id == back.id
    assert (back.state, back.attempts, back.last_error_code, back.sent_at) == (
        OutboxState.QUEUED,
        0,
        None,
        None,
    )


def test_the_same_key_never_makes_a_second_message(backend: Backend) -> None:
    first = email(1)
    store_all(backend.store, first)
    other_text = attrs.evolve(first, message=attrs.evolve(first.email, subject="Drugič"))
    with backend.store.unit_of_work() as uow:
        again = uow.outbox.enqueue(other_text)
        uow.commit()
    assert again == first
    with backend.store.unit_of_work() as uow:
        assert uow.outbox.for_organisation(ORG) == (first,)
        assert uow.outbox.find_by_key(ORG, first.key) == first
        # The same key in another organisation is another message.
        assert uow.outbox.find_by_key("drug-vrtec", first.key) is None


def test_the_same_key_twice_in_one_unit_of_work(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        a = uow.outbox.enqueue(email(1))
        b = uow.outbox.enqueue(email(1, at=T0 + timedelta(hours=1)))
        uow.commit()
    assert a == b
    with backend.store.unit_of_work() as uow:
        assert len(uow.outbox.for_organisation(ORG)) == 1


def test_a_rollback_drops_the_message_with_the_change_that_caused_it(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.groups.add(Group(organisation_id=ORG, code="A1", name="Metulji"))
        uow.outbox.enqueue(email(1))
        uow.rollback()
    with backend.store.unit_of_work() as uow:
        uow.groups.add(Group(organisation_id=ORG, code="A2", name="Sončki"))
        uow.outbox.enqueue(email(2))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert [g.code for g in uow.groups.for_organisation(ORG)] == ["A2"]
        assert [m.key.event for m in uow.outbox.for_organisation(ORG)] == ["invoice:2"]


def test_claim_takes_due_messages_oldest_due_first_under_a_lease(backend: Backend) -> None:
    store_all(
        backend.store,
        email(1, at=T0 - timedelta(minutes=1)),
        email(2, at=T0 - timedelta(minutes=2)),
        email(3, at=T0),
        email(4, at=T0 + timedelta(minutes=1)),
    )
    claimed = claim(backend.store, limit=2)
    assert sorted(m.key.event for m in claimed) == ["invoice:1", "invoice:2"]
    assert all(
        m.state is OutboxState.SENDING and m.attempts == 1 and m.next_attempt_at == T0 + LEASE
        for m in claimed
    )
    assert [m.key.event for m in claim(backend.store)] == ["invoice:3"]
    # The last is not due yet; the claimed ones are held by their lease.
    assert claim(backend.store) == ()
    assert [m.key.event for m in claim(backend.store, T0 + timedelta(minutes=1))] == ["invoice:4"]
    # After the lease a claim takes them again (a dispatcher died): one more attempt.
    again = claim(backend.store, T0 + LEASE)
    assert sorted((m.key.event, m.attempts) for m in again) == [
        ("invoice:1", 2),
        ("invoice:2", 2),
        ("invoice:3", 2),
    ]


def test_claim_by_channel_and_organisation(backend: Backend) -> None:
    store_all(backend.store, email(1), sms(1), email(2, org="sola"))
    assert [m.channel for m in claim(backend.store, channels=[Channel.SMS])] == [Channel.SMS]
    assert [m.organisation_id for m in claim(backend.store, organisation_id="sola")] == ["sola"]
    assert claim(backend.store, channels=[]) == ()
    assert [m.key.event for m in claim(backend.store)] == ["invoice:1"]


def test_mark_sent(backend: Backend) -> None:
    store_all(backend.store, email(1))
    (taken,) = claim(backend.store)
    sent_at = T0 + timedelta(seconds=3)
    with backend.store.unit_of_work() as uow:
        done = uow.outbox.mark_sent(taken, now=sent_at)
        uow.commit()
    assert done is not None
    assert done.state is OutboxState.SENT
    assert done.sent_at == sent_at
    assert stored(backend.store, taken) == done
    assert claim(backend.store, T0 + timedelta(days=1)) == ()  # sent is final


def test_temporary_failure_queues_again_with_the_error(backend: Backend) -> None:
    store_all(backend.store, email(1))
    (taken,) = claim(backend.store)
    retry_at = T0 + timedelta(seconds=40)
    with backend.store.unit_of_work() as uow:
        done = uow.outbox.mark_temporary(
            taken, now=T0, code="smtp.451", detail="451 4.3.0 try later", retry_at=retry_at
        )
        uow.commit()
    assert done is not None
    assert (done.state, done.attempts, done.next_attempt_at) == (OutboxState.QUEUED, 1, retry_at)
    assert (done.last_error_code, done.last_error_detail) == ("smtp.451", "451 4.3.0 try later")
    assert claim(backend.store, retry_at - timedelta(seconds=1)) == ()
    (again,) = claim(backend.store, retry_at)
    assert again.attempts == 2
    assert again.last_error_code == "smtp.451"


@pytest.mark.parametrize(
    ("method", "state"),
    [("mark_permanent", OutboxState.FAILED), ("give_up", OutboxState.GIVEN_UP)],
)
def test_final_failures_are_never_claimed_again(
    backend: Backend, method: str, state: OutboxState
) -> None:
    store_all(backend.store, sms(1))
    (taken,) = claim(backend.store)
    with backend.store.unit_of_work() as uow:
        done = getattr(uow.outbox, method)(taken, now=T0, code="sms.invalid", detail="rejected")
        uow.commit()
    assert done.state is state
    assert done.last_error_code == "sms.invalid"
    assert claim(backend.store, T0 + timedelta(days=30)) == ()
    with backend.store.unit_of_work() as uow:
        assert uow.outbox.in_state(state) == (done,)
        assert uow.outbox.counts(ORG)[state] == 1


def test_a_stale_report_changes_nothing(backend: Backend) -> None:
    store_all(backend.store, email(1))
    (first,) = claim(backend.store)
    (second,) = claim(backend.store, T0 + LEASE)  # the first dispatcher's lease ended
    with backend.store.unit_of_work() as uow:
        # The first dispatcher's failure report is stale: the second one holds it.
        assert uow.outbox.mark_permanent(first, now=T0, code="smtp.550", detail="") is None
        assert uow.outbox.mark_temporary(first, now=T0, code="x", detail="", retry_at=T0) is None
        assert uow.outbox.give_up(first, now=T0, code="x", detail="") is None
        uow.commit()
    assert stored(backend.store, first) == second
    # A late success is still true.
    with backend.store.unit_of_work() as uow:
        sent = uow.outbox.mark_sent(first, now=T0 + LEASE)
        assert sent is not None
        assert sent.state is OutboxState.SENT
        assert uow.outbox.mark_sent(second, now=T0 + LEASE) is None  # final already
        uow.commit()


def test_queries_by_state_organisation_and_counts(backend: Backend) -> None:
    store_all(
        backend.store,
        email(1),
        email(2, at=T0 + timedelta(seconds=1)),
        sms(3, at=T0 + timedelta(seconds=2)),
        email(4, org="sola"),
    )
    assert len(claim(backend.store, T0 + timedelta(seconds=2), channels=[Channel.SMS])) == 1
    with backend.store.unit_of_work() as uow:
        counts = uow.outbox.counts()
        assert counts == {
            OutboxState.QUEUED: 3,
            OutboxState.SENDING: 1,
            OutboxState.SENT: 0,
            OutboxState.FAILED: 0,
            OutboxState.GIVEN_UP: 0,
        }
        assert uow.outbox.counts("sola")[OutboxState.QUEUED] == 1
        queued = uow.outbox.in_state(OutboxState.QUEUED, organisation_id=ORG)
        assert [m.key.event for m in queued] == ["invoice:1", "invoice:2"]
        assert len(uow.outbox.in_state(OutboxState.QUEUED, limit=1)) == 1
        assert [m.key.event for m in uow.outbox.for_organisation(ORG)] == [
            "invoice:1",
            "invoice:2",
            "booking:3",
        ]
        with pytest.raises(NotFound):
            uow.outbox.get(ORG, "0" * 32)
        assert uow.outbox.find(ORG, "0" * 32) is None


def test_naive_times_are_refused(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow, pytest.raises(ConfigurationError) as caught:
        uow.outbox.claim(datetime(2026, 9, 1, 8, 0), limit=1, lease=LEASE)
    assert caught.value.code == "outbox.time"


def test_two_claims_at_once_never_take_the_same_message(backend: Backend) -> None:
    store_all(backend.store, *(email(n) for n in range(20)))
    if backend.name == "sqlite":
        # One writer: the second claim waits for the first to commit, then finds
        # the messages leased.
        first = claim(backend.store, limit=15)
        second = claim(backend.store, limit=15)
        assert len(first) == 15
        assert len(second) == 5
        assert not {m.id for m in first} & {m.id for m in second}
        return
    a = backend.store.unit_of_work()
    b = backend.store.unit_of_work()
    with a, b:
        taken_a = a.outbox.claim(T0, limit=15, lease=LEASE)
        taken_b = b.outbox.claim(T0, limit=15, lease=LEASE)
        if backend.name == "postgres":
            # SKIP LOCKED: the second claim skips the rows the first holds.
            assert len(taken_a) == 15
            assert len(taken_b) == 5
            assert not {m.id for m in taken_a} & {m.id for m in taken_b}
            a.commit()
            b.commit()
        else:
            # Memory: both see every message; the later commit conflicts.
            a.commit()
            with pytest.raises(ConcurrencyConflict):
                b.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.outbox.counts()[OutboxState.SENDING] == 20 if backend.name == "postgres" else 15


def test_concurrent_enqueues_of_one_key_keep_one_message() -> None:
    # Memory only: on SQL the second unit of work waits for the first (SQLite's
    # one writer, PostgreSQL's unique index) and then meets the committed row.
    from szo_core.adapters.memory import MemoryStore

    store = MemoryStore()
    a = store.unit_of_work()
    b = store.unit_of_work()
    with a, b:
        a.outbox.enqueue(email(1))
        b.outbox.enqueue(email(1, at=T0 + timedelta(hours=1)))
        a.commit()
        b.commit()
    with store.unit_of_work() as uow:
        (only,) = uow.outbox.for_organisation(ORG)
        assert only.created_at == T0


def test_many_claimers_on_threads_take_each_message_once(sql_backend: Backend) -> None:
    store_all(sql_backend.store, *(email(n) for n in range(60)))
    taken: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            try:
                got = claim(sql_backend.store, limit=7)
            except ConcurrencyConflict:
                continue
            if not got:
                return
            with lock:
                taken.extend(m.id for m in got)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(taken) == 60 == len(set(taken))


def test_bad_arguments_are_szo_errors(backend: Backend) -> None:
    from szo_core.errors import InvalidType

    with backend.store.unit_of_work() as uow:
        with pytest.raises(InvalidType) as wrong:
            uow.outbox.enqueue("ana@example.si")  # type: ignore[arg-type]
        assert wrong.value.code == "outbox.message"
        assert "ana@" not in str(wrong.value)
        for limit, lease in ((1.5, LEASE), (True, LEASE), (5, timedelta(0)), (5, 60)):
            with pytest.raises(ConfigurationError) as bad:
                uow.outbox.claim(T0, limit=limit, lease=lease)  # type: ignore[arg-type]
            assert bad.value.code == "outbox.claim"


def test_a_claim_never_takes_more_than_its_limit_whatever_the_plan(sql_backend: Backend) -> None:
    """PostgreSQL may run an ``IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)`` more than once.

    With hash joins, merge joins, hash aggregation and sorts off, the subquery is the
    inner side of a nested-loop semi join over the table and runs again for each row;
    a run after an update no longer sees the rows just taken (now ``sending``) and
    returns the next due ones, so a claim of 2 took all 8. The claim picks its rows in
    a materialised CTE first. (A test run of the contract suite once hit such a plan.)
    """
    from sqlalchemy import text

    # Stored oldest-due first, so the table's own order is the due order.
    store_all(
        sql_backend.store, *(email(n, at=T0 - timedelta(minutes=10 - n)) for n in range(1, 9))
    )
    off = ("hashjoin", "mergejoin", "material", "hashagg", "sort")
    with sql_backend.store.unit_of_work() as uow:
        if sql_backend.name == "postgres":
            for setting in off:
                uow.connection.execute(text(f"SET LOCAL enable_{setting} = off"))  # type: ignore[attr-defined]
        claimed = uow.outbox.claim(T0, limit=2, lease=LEASE)
        uow.commit()
    assert sorted(m.key.event for m in claimed) == ["invoice:1", "invoice:2"]
    assert len(claim(sql_backend.store)) == 6


def test_enqueue_many_is_enqueue_for_each_in_turn(backend: Backend) -> None:
    """One write for many messages: new ones stored, a repeated or stored id gets the first."""
    stored_before = email(1)
    store_all(backend.store, stored_before)
    changed = attrs.evolve(stored_before, message=attrs.evolve(stored_before.email, subject="X"))
    later_twin = email(2, at=T0 + timedelta(hours=1))
    batch = [email(2), sms(1), changed, later_twin, email(3, org="drug-vrtec")]
    with backend.store.unit_of_work() as uow:
        results = uow.outbox.enqueue_many(batch)
        assert uow.outbox.enqueue_many([]) == ()
        uow.commit()
    assert [results[n] is batch[n] for n in (0, 1, 4)] == [True, True, True]
    assert results[2] == stored_before  # stored already: the stored one, nothing new
    assert results[3] == batch[0]  # the same id earlier in the call: the first
    with backend.store.unit_of_work() as uow:
        expected = sorted((stored_before, batch[0], batch[1]), key=lambda m: m.id)  # all at T0
        assert uow.outbox.for_organisation(ORG) == tuple(expected)
        assert uow.outbox.for_organisation("drug-vrtec") == (batch[4],)


def test_enqueue_many_checks_every_message_first_and_rolls_back(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        with pytest.raises(InvalidType) as raised:
            uow.outbox.enqueue_many([email(1), "not a message"])  # type: ignore[list-item]
        assert raised.value.code == "outbox.message"
        assert uow.outbox.find(ORG, email(1).id) is None
        uow.outbox.enqueue_many([email(2)])
        uow.rollback()
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.outbox.for_organisation(ORG) == ()
