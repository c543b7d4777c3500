"""The records notify() builds on its fast path keep every check a user relies on.

notify() builds its outbox messages and decisions from records that were
validated already (the subscription, the event, the settings, the template
version), so it skips their validators; what is new per message (the rendered
texts, the times) is checked explicitly.  These tests pin what a hostile
value does, so that the fast path cannot change it: a line break in a subject
is folded to a space, a NUL stays and the e-mail is refused when it is
composed (``delivery.header_newline``), an over-long text is refused with the
template limit's code and nothing is queued.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from tests.notify._world import CASE, ORG, T0, event, service, setup, subscribe

from szo_core.adapters.memory import MemoryStore
from szo_core.delivery.message import Channel, EmailMessage, SmsMessage
from szo_core.delivery.mime import to_mime
from szo_core.errors import InvalidFormat, SzoError
from szo_core.notify.catalogue import EventClass
from szo_core.notify.records import Delivery, Outcome
from szo_core.notify.service import Notifications
from szo_core.outbox.records import IdempotencyKey, OutboxMessage, outbox_id
from szo_core.templates.render import TemplateLimits


def _queued(
    value: str, limits: TemplateLimits | None = None
) -> tuple[MemoryStore, list[OutboxMessage]]:
    store = MemoryStore()
    setup(store)
    svc = service(quiet_hours=None)
    if limits is not None:
        svc = Notifications(svc.settings, limits=limits)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        uow.commit()
    with store.unit_of_work() as uow:
        report = svc.notify(uow, event(1, EventClass.NOTIFIABLE, values={"zadeva": value}), now=T0)
        uow.commit()
        found = [uow.outbox.find(ORG, d.outbox_id) for d in report.deliveries if d.outbox_id]
    return store, [m for m in found if m is not None]


def _email(messages: list[OutboxMessage]) -> EmailMessage:
    (email,) = [m.email for m in messages if m.channel is Channel.EMAIL]
    return email


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "a\rb", "x\u2028y", "a\x1fb", "a\x85b"])
def test_a_line_break_in_a_subject_value_is_folded_to_a_space(value: str) -> None:
    _, messages = _queued(value)
    subject = _email(messages).subject
    assert subject == "Zadeva a b" or subject == "Zadeva x y"
    assert "\r" not in subject
    assert "\n" not in subject
    to_mime(_email(messages), now=T0)  # composes


def test_a_nul_in_a_subject_is_queued_and_refused_when_composed() -> None:
    _, messages = _queued("nič\x00ničla")
    email = _email(messages)
    assert email.subject == "Zadeva nič\x00ničla"
    with pytest.raises(InvalidFormat) as raised:
        to_mime(email, now=T0)
    assert raised.value.code == "delivery.header_newline"
    assert "EmailMessage.subject" in str(raised.value)


def test_a_text_over_the_output_limit_is_refused_and_nothing_is_queued() -> None:
    limits = TemplateLimits(max_output_chars=200)
    with pytest.raises(SzoError) as raised:
        _queued("x" * 300, limits=limits)
    assert raised.value.code == "templates.limit.output"
    store, messages = _queued("x" * 20, limits=limits)
    assert len(messages) == 2
    with store.unit_of_work() as uow:
        assert sum(uow.notify.outcome_counts(ORG).values()) == 2


def test_the_queued_records_are_the_ones_their_constructors_make() -> None:
    """Every record off the fast path equals (and hashes as) one built through ``__init__``."""
    _, messages = _queued(CASE)
    assert len(messages) == 2
    for m in messages:
        for record in (m, m.key, m.message):
            rebuilt = type(record)(**attrs.asdict(record, recurse=False))
            assert rebuilt == record
            assert type(rebuilt) is type(record)
            assert hash(rebuilt.key if isinstance(rebuilt, OutboxMessage) else rebuilt) == hash(
                record.key if isinstance(record, OutboxMessage) else record
            )
        assert m.id == outbox_id(ORG, IdempotencyKey("notify:dms-1", "s1", m.channel))
        assert m.created_at.utcoffset() == timedelta(0)
        if m.channel is Channel.SMS:
            assert isinstance(m.message, SmsMessage)
            assert m.message.reference == m.id


def test_the_decisions_are_the_ones_their_constructor_makes() -> None:
    store, _ = _queued(CASE)
    with store.unit_of_work() as uow:
        decisions = uow.notify.deliveries(ORG)
    assert {d.outcome for d in decisions} == {Outcome.QUEUED}
    for d in decisions:
        assert Delivery(**attrs.asdict(d, recurse=False)) == d
