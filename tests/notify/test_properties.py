"""Properties: the decision table, signed links, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.notify import links
from szo_core.notify.catalogue import EventClass, EventType, TemplateRef
from szo_core.notify.errors import LinkInvalid
from szo_core.notify.records import Channel, Outcome, Preference, Source, Subscription
from szo_core.notify.service import decide
from szo_core.notify.settings import QuietHours

subscriptions = st.builds(
    lambda channels, pref, active, ec, mc: Subscription(
        organisation_id="o",
        id="s",
        person_id="p",
        email="a@example.si",
        mobile="+38641123456",
        channels=channels,
        preference=pref,
        active=active,
        email_confirmed=ec,
        mobile_confirmed=mc,
        source=Source.PORTAL,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    ),
    st.sampled_from([(Channel.EMAIL,), (Channel.SMS,), (Channel.EMAIL, Channel.SMS)]),
    st.sampled_from(Preference),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)


@given(
    subscription=subscriptions,
    event_class=st.sampled_from([EventClass.NOTIFIABLE, EventClass.KEY]),
    channel=st.sampled_from(Channel),
)
def test_sent_exactly_when_active_confirmed_and_the_preference_allows(
    subscription: Subscription, event_class: EventClass, channel: Channel
) -> None:
    outcome = decide(event_class, subscription, channel)
    allowed = event_class is EventClass.KEY or subscription.preference is Preference.ALL
    sent = subscription.active and subscription.confirmed(channel) and allowed
    assert (outcome is None) is sent
    if not subscription.active:
        assert outcome is Outcome.SKIPPED_UNSUBSCRIBED


parts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
keys = st.binary(min_size=32, max_size=64)


@given(
    key=keys,
    purpose=st.sampled_from(["unsubscribe", "confirm"]),
    org=parts,
    sid=parts,
    channel=st.sampled_from(["email", "sms"]),
    code=parts,
)
def test_a_signed_link_verifies_to_what_was_signed(
    key: bytes, purpose: str, org: str, sid: str, channel: str, code: str
) -> None:
    payload = links.LinkPayload(
        purpose=purpose,  # type: ignore[arg-type]
        organisation_id=org,
        subscription_id=sid,
        channel=channel,
        code=code,
    )
    token = links.sign(key, payload)
    assert links.verify([key], token, purpose) == payload  # type: ignore[arg-type]
    other = "confirm" if purpose == "unsubscribe" else "unsubscribe"
    with pytest.raises(LinkInvalid):
        links.verify([key], token, other)  # type: ignore[arg-type]


@given(key=keys, sid=parts, data=st.data())
def test_any_change_of_a_token_is_refused(key: bytes, sid: str, data: st.DataObject) -> None:
    token = links.sign(
        key,
        links.LinkPayload(
            purpose="unsubscribe", organisation_id="o", subscription_id=sid, channel="email"
        ),
    )
    body, mac = token.split(".")
    # change a character of the body, or of the MAC in a position that carries all 6 bits
    which = data.draw(st.sampled_from(["body", "mac"]))
    text = body if which == "body" else mac[:-1]
    i = data.draw(st.integers(0, len(text) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    new = data.draw(st.sampled_from(alphabet).filter(lambda c: c != text[i]))
    changed = text[:i] + new + text[i + 1 :]
    tampered = f"{changed}.{mac}" if which == "body" else f"{body}.{changed}{mac[-1]}"
    with pytest.raises(LinkInvalid):
        links.verify([key], tampered, "unsubscribe")


@given(
    moment=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    start=st.integers(0, 23),
    length=st.integers(1, 23),
)
def test_the_end_of_quiet_hours_is_the_first_local_end_time_after_now(
    moment: datetime, start: int, length: int
) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Ljubljana")
    quiet = QuietHours(start=time(start), end=time((start + length) % 24))
    end = quiet.end_of(moment)
    local = moment.astimezone(zone).time()
    inside = (
        quiet.start <= local < quiet.end
        if quiet.start < quiet.end
        else local >= quiet.start or local < quiet.end
    )
    assert (end is not None) is inside
    if end is None:
        return
    assert end > moment
    assert end - moment <= timedelta(hours=length + 1)  # + 1: a change of time
    ends = end.astimezone(zone)
    # the local end time; an end in the hour skipped in March is the hour after it
    assert (ends.hour - quiet.end.hour) % 24 in (0, 1)
    assert ends.minute == 0
    assert quiet.end_of(end) is None


@given(
    subscription=subscriptions,
    minutes=st.integers(0, 10**6),
    outcome=st.sampled_from(Outcome),
    event_class=st.sampled_from(EventClass),
)
def test_the_records_round_trip_through_the_converter(
    subscription: Subscription, minutes: int, outcome: Outcome, event_class: EventClass
) -> None:
    from tests._roundtrip import assert_roundtrip

    from szo_core.notify.records import ConsentChange, Delivery, Identity

    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    assert_roundtrip(subscription)
    assert_roundtrip(
        ConsentChange(
            organisation_id="o",
            subscription_id="s",
            seq=minutes + 1,
            at=at,
            what="preference",
            source=Source.LINK,
            actor="link",
            preference=subscription.preference,
            channels=subscription.channels,
            active=subscription.active,
            email=subscription.email,
        )
    )
    assert_roundtrip(
        Delivery(
            organisation_id="o",
            event_id="e",
            subscription_id="s",
            channel=Channel.SMS,
            case_id="c",
            event_code="a.b",
            event_version=1,
            event_class=event_class,
            occurred_at=at,
            outcome=outcome,
            decided_at=at,
            due_at=at,
        )
    )
    assert_roundtrip(Identity.citizen("p-1"))
    from ._world import FIELDS

    assert_roundtrip(
        EventType(
            organisation_id="o",
            code="zadeva.odlocba",
            name="Odločba",
            event_class=event_class,
            fields=FIELDS,
            version=minutes + 1,
            changed_at=at,
            templates=(TemplateRef(channel=Channel.EMAIL, language="en", version=2),),
        )
    )
