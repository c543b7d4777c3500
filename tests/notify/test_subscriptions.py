"""Subscriptions: identity checks, validated contacts, consent history, confirmation, links."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from szo_core.adapters.memory import MemoryStore
from szo_core.delivery.message import EmailMessage, SmsMessage
from szo_core.errors import ConfigurationError, NotFound, ValidationError
from szo_core.notify.errors import AccessDenied, LinkInvalid
from szo_core.notify.records import Channel, Identity, Preference, Source
from szo_core.notify.service import ConfirmOutcome, Notifications
from szo_core.outbox import OutboxMessage, SealedMessage

from ._world import ORG, T0, service


def _portal(svc: Notifications, store: MemoryStore, **kw: object) -> str:
    options: dict[str, object] = {
        "organisation_id": ORG,
        "person_id": "p-1",
        "case_id": "3500-12/2025",
        "email": " Ana.Novak@Example.SI ",
        "mobile": "041 123 456",
        "channels": (Channel.EMAIL, Channel.SMS),
        "subscription_id": "s1",
        "now": T0,
    }
    options.update(kw)
    with store.unit_of_work() as uow:
        made = svc.subscribe(uow, Identity.citizen("p-1"), **options)  # type: ignore[arg-type]
        uow.commit()
    return made.id


def test_a_portal_subscription_is_normalised_and_recorded_with_its_source() -> None:
    store, svc = MemoryStore(), service()
    _portal(svc, store)
    with store.unit_of_work() as uow:
        s = uow.notify.subscription(ORG, "s1")
        history = uow.notify.consent_history(ORG, "s1")
    assert s is not None
    assert (s.email, s.mobile, s.source, s.active) == (
        "Ana.Novak@example.si",
        "+38641123456",
        Source.PORTAL,
        True,
    )
    assert not s.email_confirmed
    assert not s.mobile_confirmed
    assert [(c.seq, c.what, c.source, c.actor) for c in history] == [
        (1, "subscribed", Source.PORTAL, "citizen:p-1")
    ]
    assert "Ana.Novak" not in repr(s)
    assert "123 456" not in repr(s)
    assert "41123456" not in repr(s)


def test_a_citizen_may_change_only_their_own_subscription() -> None:
    store, svc = MemoryStore(), service()
    _portal(svc, store)
    with store.unit_of_work() as uow:
        with pytest.raises(AccessDenied) as other:
            svc.change(
                uow, Identity.citizen("p-2"), ORG, "s1", now=T0, preference=Preference.KEY_ONLY
            )
        with pytest.raises(AccessDenied) as missing:
            svc.change(uow, Identity.citizen("p-2"), ORG, "nope", now=T0, preference=Preference.ALL)
        # the same answer whether the subscription exists or not
        assert (other.value.code, other.value.where) == (missing.value.code, missing.value.where)
        assert isinstance(other.value, PermissionError)
        with pytest.raises(AccessDenied):
            svc.subscribe(
                uow,
                Identity.citizen("p-2"),
                organisation_id=ORG,
                person_id="p-1",
                email="a@example.si",
                channels=(Channel.EMAIL,),
                now=T0,
            )
        with pytest.raises(ConfigurationError, match=r"notify.source"):
            svc.subscribe(
                uow,
                Identity.citizen("p-1"),
                organisation_id=ORG,
                person_id="p-1",
                email="a@example.si",
                channels=(Channel.EMAIL,),
                now=T0,
                source=Source.IN_PERSON,
            )
        with pytest.raises(ConfigurationError, match=r"notify.source"):  # an official says how
            svc.subscribe(
                uow,
                Identity.official("u-1"),
                organisation_id=ORG,
                person_id="p-1",
                email="a@example.si",
                channels=(Channel.EMAIL,),
                now=T0,
            )
        with pytest.raises(NotFound):
            svc.change(
                uow,
                Identity.official("u-1"),
                ORG,
                "nope",
                now=T0,
                preference=Preference.ALL,
                source=Source.WRITTEN,
            )
        own = svc.change(
            uow, Identity.citizen("p-1"), ORG, "s1", now=T0, preference=Preference.KEY_ONLY
        )
        assert own.preference is Preference.KEY_ONLY


def test_every_change_of_preference_is_kept_with_its_time_and_source() -> None:
    store, svc = MemoryStore(), service()
    _portal(svc, store)
    with store.unit_of_work() as uow:
        svc.change(
            uow,
            Identity.citizen("p-1"),
            ORG,
            "s1",
            now=T0 + timedelta(days=1),
            preference=Preference.KEY_ONLY,
        )
        svc.change(
            uow,
            Identity.official("u-9"),
            ORG,
            "s1",
            now=T0 + timedelta(days=2),
            channels=(Channel.SMS,),
            source=Source.WRITTEN,
        )
        same = svc.change(
            uow,
            Identity.citizen("p-1"),
            ORG,
            "s1",
            now=T0 + timedelta(days=3),
            channels=(Channel.SMS,),
        )  # nothing changes: nothing recorded
        svc.unsubscribe(uow, Identity.citizen("p-1"), ORG, "s1", now=T0 + timedelta(days=4))
        svc.change(
            uow,
            Identity.official("u-9"),
            ORG,
            "s1",
            now=T0 + timedelta(days=5),
            active=True,
            preference=Preference.ALL,
            source=Source.IN_PERSON,
        )
        uow.commit()
        history = uow.notify.consent_history(ORG, "s1")
    assert same.channels == (Channel.SMS,)
    assert [(c.what, c.source.value, c.actor, c.preference.value, c.active) for c in history] == [
        ("subscribed", "portal", "citizen:p-1", "all", True),
        ("preference", "portal", "citizen:p-1", "key_only", True),
        ("channels", "written", "official:u-9", "key_only", True),
        ("unsubscribed", "portal", "citizen:p-1", "key_only", False),
        ("preference,resubscribed", "in_person", "official:u-9", "all", True),
    ]
    assert [c.at - T0 for c in history] == [timedelta(days=d) for d in range(6) if d != 3]
    assert history[2].channels == (Channel.SMS,)


def test_bad_contacts_are_refused_without_echoing_them() -> None:
    store, svc = MemoryStore(), service()
    with store.unit_of_work() as uow:
        with pytest.raises(ValidationError) as email:
            svc.subscribe(
                uow,
                Identity.citizen("p-1"),
                organisation_id=ORG,
                person_id="p-1",
                email="ana.novak(at)example",
                channels=(Channel.EMAIL,),
                now=T0,
            )
        with pytest.raises(ValidationError) as landline:
            svc.subscribe(
                uow,
                Identity.citizen("p-1"),
                organisation_id=ORG,
                person_id="p-1",
                mobile="01 234 56 78",
                channels=(Channel.SMS,),
                now=T0,
            )
        with pytest.raises(ConfigurationError, match=r"notify.address_missing"):
            svc.subscribe(
                uow,
                Identity.citizen("p-1"),
                organisation_id=ORG,
                person_id="p-1",
                email="ana@example.si",
                channels=(Channel.SMS,),
                now=T0,
            )
    assert email.value.where == "email"
    assert "ana.novak" not in str(email.value)
    assert landline.value.where == "mobile"
    assert "234" not in str(landline.value)
    with store.unit_of_work() as uow:
        assert uow.notify.subscriptions_of(ORG, "p-1") == ()
        assert uow.outbox.for_organisation(ORG) == ()


def _open(message: OutboxMessage) -> EmailMessage | SmsMessage:
    """A queued message's content; confirmations are sealed (opened with the service's seal)."""
    if message.sealed:
        assert isinstance(message.message, SealedMessage)
        return service().seal.open(message.message)
    return message.email if message.channel is Channel.EMAIL else message.sms


def _codes(store: MemoryStore) -> dict[Channel, str]:
    with store.unit_of_work() as uow:
        messages = uow.outbox.for_organisation(ORG)
    found = {}
    for m in messages:
        text = _open(m).text
        found[m.channel] = next(
            w.strip(".") for w in text.split() if w.strip(".").isdigit() and len(w.strip(".")) == 6
        )
    return found


def test_a_new_address_gets_a_code_and_a_link_and_is_confirmed_once() -> None:
    store, svc = MemoryStore(), service()
    _portal(svc, store)
    codes = _codes(store)
    assert set(codes) == {Channel.EMAIL, Channel.SMS}
    with store.unit_of_work() as uow:
        email = next(m for m in uow.outbox.for_organisation(ORG) if m.channel is Channel.EMAIL)
        token = _open(email).text.split("potrditev?t=")[1].split()[0]
        assert (
            svc.confirm_link(uow, token, now=T0 + timedelta(minutes=3)) is ConfirmOutcome.CONFIRMED
        )
        # once only
        assert svc.confirm_link(uow, token, now=T0 + timedelta(minutes=4)) is ConfirmOutcome.INVALID
        assert (
            svc.confirm(
                uow, ORG, "s1", Channel.SMS, codes[Channel.SMS], now=T0 + timedelta(minutes=5)
            )
            is ConfirmOutcome.CONFIRMED
        )
        uow.commit()
        s = uow.notify.subscription(ORG, "s1")
        assert s is not None
        assert s.email_confirmed
        assert s.mobile_confirmed
        whats = [c.what for c in uow.notify.consent_history(ORG, "s1")]
    assert whats == ["subscribed", "confirmed_email", "confirmed_sms"]


def test_wrong_codes_are_counted_and_lock_the_confirmation_expired_codes_are_refused() -> None:
    store, svc = MemoryStore(), service()
    _portal(svc, store)
    codes = _codes(store)
    wrong = "000000" if codes[Channel.SMS] != "000000" else "999999"
    for _ in range(5):
        with store.unit_of_work() as uow:
            assert svc.confirm(uow, ORG, "s1", Channel.SMS, wrong, now=T0) is ConfirmOutcome.INVALID
            uow.commit()
    with store.unit_of_work() as uow:
        assert (
            svc.confirm(uow, ORG, "s1", Channel.SMS, codes[Channel.SMS], now=T0)
            is ConfirmOutcome.LOCKED
        )
        late = T0 + timedelta(minutes=10)
        assert (
            svc.confirm(uow, ORG, "s1", Channel.EMAIL, codes[Channel.EMAIL], now=late)
            is ConfirmOutcome.EXPIRED
        )
        assert (
            svc.confirm(uow, ORG, "nope", Channel.SMS, "123456", now=T0) is ConfirmOutcome.INVALID
        )
        s = uow.notify.subscription(ORG, "s1")
        assert s is not None
        assert not s.mobile_confirmed
        assert not s.email_confirmed
        pending = uow.notify.confirmation(ORG, "s1", Channel.SMS)
        assert pending is not None
        assert codes[Channel.SMS] not in repr(pending)
        assert codes[Channel.SMS] not in pending.code_hash


def test_a_changed_address_must_be_confirmed_again() -> None:
    store, svc = MemoryStore(), service()
    _portal(svc, store)
    codes = _codes(store)
    with store.unit_of_work() as uow:
        svc.confirm(uow, ORG, "s1", Channel.EMAIL, codes[Channel.EMAIL], now=T0)
        changed = svc.change(
            uow, Identity.citizen("p-1"), ORG, "s1", now=T0, email="nov.naslov@example.si"
        )
        uow.commit()
    assert changed.email == "nov.naslov@example.si"
    assert not changed.email_confirmed
    with store.unit_of_work() as uow:
        # the old code was for the old address: refused
        assert (
            svc.confirm(uow, ORG, "s1", Channel.EMAIL, codes[Channel.EMAIL], now=T0)
            is ConfirmOutcome.INVALID
        )
        mails = [m for m in uow.outbox.for_organisation(ORG) if m.channel is Channel.EMAIL]
    assert {_open(m).to for m in mails} == {("Ana.Novak@example.si",), ("nov.naslov@example.si",)}


def test_the_signed_unsubscribe_link_ends_the_subscription_and_tampering_is_refused() -> None:
    store, svc = MemoryStore(), service()
    _portal(svc, store)
    with store.unit_of_work() as uow:
        s = uow.notify.subscription(ORG, "s1")
        assert s is not None
        url = svc.unsubscribe_url(s, Channel.EMAIL)
    token = url.split("odjava?t=")[1]
    body, mac = token.split(".")
    other = attrs.evolve(s, id="s2")
    forged_body = svc.unsubscribe_url(other, Channel.EMAIL).split("t=")[1].split(".")[0]
    foreign = service(signing_keys=(b"x" * 32,)).unsubscribe_url(s, Channel.EMAIL).split("t=")[1]
    confirm_purpose = svc._confirm_url(s, Channel.EMAIL, "123456").split("t=")[1]
    flipped = mac[:5] + ("A" if mac[5] != "A" else "B") + mac[6:]
    for bad in (
        f"{forged_body}.{mac}",
        f"{body}.{flipped}",
        foreign,
        confirm_purpose,
        body,
        "",
        "a.b.c",
        f"{body}.!!!",
    ):
        with store.unit_of_work() as uow, pytest.raises(LinkInvalid):
            svc.unsubscribe_link(uow, bad, now=T0)
    with store.unit_of_work() as uow:
        s_now = uow.notify.subscription(ORG, "s1")
        assert s_now is not None
        assert s_now.active
        done = svc.unsubscribe_link(uow, token, now=T0 + timedelta(hours=1))
        again = svc.unsubscribe_link(uow, token, now=T0 + timedelta(hours=2))
        uow.commit()
        history = uow.notify.consent_history(ORG, "s1")
    assert not done.active
    assert again == done
    assert [(c.what, c.source, c.actor) for c in history][-1] == (
        "unsubscribed:email",
        Source.LINK,
        "link",
    )


def test_a_key_rotation_still_verifies_old_links() -> None:
    store, svc = MemoryStore(), service()
    _portal(svc, store)
    with store.unit_of_work() as uow:
        s = uow.notify.subscription(ORG, "s1")
        assert s is not None
        token = svc.unsubscribe_url(s, Channel.SMS).split("t=")[1]
        rotated = service(signing_keys=(b"n" * 32, svc.settings.signing_keys[0]))
        assert not rotated.unsubscribe_link(uow, token, now=T0).active
    with pytest.raises(ConfigurationError, match=r"notify.key"):
        service(signing_keys=(b"short",))


def test_nothing_but_the_code_reaches_an_address_before_it_is_confirmed() -> None:
    from szo_core.notify.catalogue import EventClass
    from szo_core.notify.records import Outcome

    from ._world import event, setup

    store, svc = MemoryStore(), service()
    setup(store)
    _portal(svc, store, channels=(Channel.SMS,), email=None)
    with store.unit_of_work() as uow:
        before = svc.notify(uow, event(1, EventClass.KEY), now=T0)
        code = _codes(store)[Channel.SMS]
        assert svc.confirm(uow, ORG, "s1", Channel.SMS, code, now=T0) is ConfirmOutcome.CONFIRMED
        after = svc.notify(uow, event(2, EventClass.KEY), now=T0)
        uow.commit()
        texts = [_open(m).text for m in uow.outbox.for_organisation(ORG)]
    assert [d.outcome for d in before.deliveries] == [Outcome.SKIPPED_UNCONFIRMED]
    assert [d.outcome for d in after.deliveries] == [Outcome.QUEUED]
    assert len(texts) == 2
    assert texts[0].startswith("Koda") or texts[1].startswith("Koda")
