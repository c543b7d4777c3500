"""Outbox records: keys, ids, Message-IDs, the payload codec and the retry policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.outbox._messages import ORG, T0, email, sms

from szo_core.delivery.message import EmailMessage, SmsMessage
from szo_core.errors import ConfigurationError, StorageError
from szo_core.outbox import (
    Channel,
    IdempotencyKey,
    OutboxState,
    RetryPolicy,
    message_id_for,
    new_message,
    outbox_id,
)
from szo_core.outbox.codec import dump_payload, load_payload


def test_the_id_and_message_id_come_from_the_key_only() -> None:
    a = email(1)
    b = email(1, at=T0 + timedelta(days=3))
    assert a.id == b.id == outbox_id(ORG, a.key)
    assert a.message_id == b.message_id == f"<{a.id}@vrtec.si>"
    assert a.email.message_id == a.message_id
    assert email(2).id != a.id
    assert email(1, org="sola").id != a.id
    sms_key = attrs.evolve(a.key, channel=Channel.SMS)
    assert outbox_id(ORG, sms_key) != a.id


def test_an_email_key_ignores_case_and_spaces_of_the_address() -> None:
    a = IdempotencyKey("e", "Ana@Example.SI", Channel.EMAIL)
    b = IdempotencyKey("e", " ana@example.si", Channel.EMAIL)
    assert outbox_id(ORG, a) == outbox_id(ORG, b)


def test_a_message_given_its_own_message_id_gets_the_key_s() -> None:
    mail = EmailMessage(
        sender="v@vrtec.si", to="a@example.si", subject="S", text="T", message_id="<x@y>"
    )
    stored = new_message(ORG, IdempotencyKey("e", "a@example.si", Channel.EMAIL), mail, now=T0)
    assert stored.email.message_id == stored.message_id != "<x@y>"
    text = sms(1)
    assert text.sms.reference == text.id == message_id_for(text.id, text.sms)


def test_repr_masks_recipients() -> None:
    shown = repr(email(1)) + repr(sms(1)) + repr(sms(1).key)
    assert "starsi1@" not in shown
    assert "+38641120001" not in shown


@pytest.mark.parametrize(
    ("event", "recipient", "channel"),
    [
        ("", "ana@example.si", Channel.EMAIL),
        ("e", " ", Channel.EMAIL),
        ("e", "ana@example.si", "email"),
        ("a\x1fb", "+38641123456", Channel.SMS),
    ],
)
def test_bad_keys_are_refused(event: str, recipient: str, channel: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        IdempotencyKey(event, recipient, channel)  # type: ignore[arg-type]
    assert caught.value.code == "outbox.key"
    assert "ana@" not in str(caught.value)
    assert "123456" not in str(caught.value)


def test_the_message_must_match_the_channel_and_times_must_be_aware() -> None:
    key = IdempotencyKey("e", "+38641123456", Channel.SMS)
    mail = EmailMessage(sender="v@vrtec.si", to="a@example.si", subject="S", text="T")
    with pytest.raises(ConfigurationError) as caught:
        new_message(ORG, key, mail, now=T0)
    assert caught.value.code == "outbox.channel"
    with pytest.raises(ConfigurationError) as caught:
        new_message(ORG, key, SmsMessage(to="+38641123456", text="T"), now=datetime(2026, 1, 1))
    assert caught.value.code == "outbox.time"
    with pytest.raises(ConfigurationError) as caught:
        new_message("", key, SmsMessage(to="+38641123456", text="T"), now=T0)
    assert caught.value.code == "outbox.organisation"


def test_stored_times_are_utc() -> None:
    from datetime import timezone

    at = datetime(2026, 10, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    stored = email(1, at=at)
    assert stored.created_at.tzinfo is UTC
    assert stored.created_at == at
    assert stored.state is OutboxState.QUEUED
    assert stored.next_attempt_at == at


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(subject=texts, body=texts, data=st.binary(max_size=100), name=texts.filter(bool))
def test_payload_round_trip(subject: str, body: str, data: bytes, name: str) -> None:
    from szo_core.delivery.message import Attachment

    mail = EmailMessage(
        sender="v@vrtec.si",
        to=("a@example.si", "b@example.si"),
        subject=subject,
        text=body,
        html=f"<p>{body}</p>",
        attachments=(Attachment(name, data, "application/pdf"),),
        headers=(("X-Szo", subject),),
    )
    assert load_payload(dump_payload(mail), EmailMessage) == mail
    text = SmsMessage(to="+38641123456", text=body, sender="VRTEC", reference="r")
    assert load_payload(dump_payload(text), SmsMessage) == text


def test_a_broken_payload_is_a_storage_error_without_the_text() -> None:
    for broken in (
        "not json",
        '{"to": 5}',
        '{"sender":"a","to":["x"],"subject":"s","text":"t","attachments":[{"filename":"f","data":"!!","content_type":"x"}]}',
    ):
        with pytest.raises(StorageError) as caught:
            load_payload(broken, EmailMessage)
        assert caught.value.code == "outbox.payload"
        assert broken not in str(caught.value)


def test_backoff_grows_by_the_factor_up_to_the_cap() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), factor=3, cap=timedelta(minutes=5), jitter=0)
    assert [policy.delay(n, 0.7).total_seconds() for n in range(1, 7)] == [
        10,
        30,
        90,
        270,
        300,
        300,
    ]
    assert policy.delay(10**9, 0.0) == timedelta(minutes=5)  # no huge power is computed


@given(attempts=st.integers(1, 200), r=st.floats(0, 1, exclude_max=True))
def test_jitter_shortens_by_at_most_its_share(attempts: int, r: float) -> None:
    policy = RetryPolicy(jitter=0.25)
    plain = RetryPolicy(jitter=0).delay(attempts, r)
    jittered = policy.delay(attempts, r)
    assert plain * 0.75 - timedelta(microseconds=1) <= jittered <= plain
    assert jittered <= policy.cap


def test_jitter_comes_from_the_random_source() -> None:
    policy = RetryPolicy(base=timedelta(seconds=100), jitter=0.5)
    assert policy.delay(1, 0.0) == timedelta(seconds=100)
    assert policy.delay(1, 0.5) == timedelta(seconds=75)


def test_give_up_after_the_configured_time() -> None:
    policy = RetryPolicy(
        base=timedelta(minutes=1),
        cap=timedelta(minutes=1),
        jitter=0,
        give_up_after=timedelta(hours=1),
    )
    made = T0
    assert policy.next_attempt(
        3, created_at=made, now=made + timedelta(minutes=59), random=lambda: 0
    ) == made + timedelta(minutes=60)
    assert (
        policy.next_attempt(
            3, created_at=made, now=made + timedelta(minutes=59, seconds=1), random=lambda: 0
        )
        is None
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"base": timedelta(0)},
        {"factor": 0.9},
        {"factor": float("inf")},
        {"factor": True},
        {"cap": timedelta(seconds=1)},
        {"jitter": -0.1},
        {"jitter": 1.5},
        {"give_up_after": timedelta(0)},
        {"base": 30},
    ],
)
def test_bad_policies_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError) as caught:
        RetryPolicy(**changes)  # type: ignore[arg-type]
    assert caught.value.code == "outbox.retry_policy"
    assert caught.value.where == next(iter(changes))


@given(
    org=st.text(min_size=1, max_size=12),
    event=st.text(min_size=1, max_size=20),
    recipient=st.text(min_size=1, max_size=20),
    channel=st.sampled_from(list(Channel)),
)
def test_key_digest_is_the_documented_digest_of_the_key(
    org: str, event: str, recipient: str, channel: Channel
) -> None:
    """SHA-256 (32 hex digits) of org, event, recipient as compared, channel: \\x1f-joined."""
    import hashlib

    from szo_core.outbox.records import key_digest

    shown = recipient.strip().lower() if channel is Channel.EMAIL else recipient.strip()
    text = "\x1f".join((org, event.strip(), shown, channel.value))
    assert (
        key_digest(org, event, recipient, channel)
        == (hashlib.sha256(text.encode()).hexdigest()[:32])
    )
