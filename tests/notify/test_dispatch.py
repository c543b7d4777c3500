"""notify(event): every class x preference, rendering, the outbox key, never twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs
import pytest

from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemorySmsSender, MemoryStore
from szo_core.errors import InvalidFormat, InvalidType, NotFound
from szo_core.model import BankAccount, Organisation
from szo_core.notify import links
from szo_core.notify.catalogue import EventClass, EventTexts, save_event_type
from szo_core.notify.records import Channel, Outcome, Preference
from szo_core.notify.service import decide
from szo_core.outbox import Dispatcher, IdempotencyKey, outbox_id
from szo_core.templates.errors import UndefinedPlaceholder

from ._world import CASE, CODES, KEY, ORG, SL, T0, event, event_type, service, setup, subscribe

SENT = {Outcome.QUEUED, Outcome.DEFERRED}

# (class, preference) -> is the event sent?  The whole table of the issue.
MATRIX = [
    (EventClass.INTERNAL, Preference.ALL, False),
    (EventClass.INTERNAL, Preference.KEY_ONLY, False),
    (EventClass.NOTIFIABLE, Preference.ALL, True),
    (EventClass.NOTIFIABLE, Preference.KEY_ONLY, False),
    (EventClass.KEY, Preference.ALL, True),
    (EventClass.KEY, Preference.KEY_ONLY, True),
]


@pytest.mark.parametrize(("event_class", "preference", "sent"), MATRIX)
@pytest.mark.parametrize(
    "channels", [(Channel.EMAIL,), (Channel.SMS,), (Channel.EMAIL, Channel.SMS)]
)
def test_every_class_and_preference(
    event_class: EventClass, preference: Preference, sent: bool, channels: tuple[Channel, ...]
) -> None:
    store, svc = MemoryStore(), service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", channels=channels, preference=preference)
        report = svc.notify(uow, event(1, event_class), now=T0)
        uow.commit()
        messages = [m for m in uow.outbox.for_organisation(ORG) if m.key.event == "notify:dms-1"]
    assert report.internal is (event_class is EventClass.INTERNAL)
    if event_class is EventClass.INTERNAL:
        assert report.deliveries == ()
    else:
        assert [d.channel for d in report.deliveries] == list(channels)
        expected = Outcome.QUEUED if sent else Outcome.SKIPPED_KEY_ONLY
        assert {d.outcome for d in report.deliveries} == {expected}
    assert sorted(m.channel.value for m in messages) == (
        sorted(c.value for c in channels) if sent else []
    )


def test_decide_refuses_internal_and_orders_the_reasons() -> None:
    store, svc = MemoryStore(), service()
    with store.unit_of_work() as uow:
        s = subscribe(svc, uow, "s1", preference=Preference.KEY_ONLY, confirm=False)
    with pytest.raises(Exception, match=r"notify.internal"):
        decide(EventClass.INTERNAL, s, Channel.EMAIL)
    assert decide(EventClass.KEY, s, Channel.EMAIL) is Outcome.SKIPPED_UNCONFIRMED
    ended = attrs.evolve(s, active=False, email_confirmed=True)
    assert decide(EventClass.KEY, ended, Channel.EMAIL) is Outcome.SKIPPED_UNSUBSCRIBED


def test_unconfirmed_and_unsubscribed_get_nothing_key_events_neither() -> None:
    store, svc = MemoryStore(), service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "new", confirm=False, n=1)
        gone = subscribe(svc, uow, "gone", n=2)
        uow.notify.update_subscription(attrs.evolve(gone, active=False))
        report = svc.notify(uow, event(1, EventClass.KEY), now=T0)
        uow.commit()
        outcomes = {(d.subscription_id, d.channel): d.outcome for d in report.deliveries}
        notified = [m for m in uow.outbox.for_organisation(ORG) if m.key.event.startswith("notify")]
    assert outcomes == {
        ("gone", Channel.EMAIL): Outcome.SKIPPED_UNSUBSCRIBED,
        ("gone", Channel.SMS): Outcome.SKIPPED_UNSUBSCRIBED,
        ("new", Channel.EMAIL): Outcome.SKIPPED_UNCONFIRMED,
        ("new", Channel.SMS): Outcome.SKIPPED_UNCONFIRMED,
    }
    assert notified == []


def test_subscribers_are_the_cases_parties_for_the_case_or_all_their_cases() -> None:
    store, svc = MemoryStore(), service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "case", channels=(Channel.EMAIL,), n=1)
        subscribe(svc, uow, "all", case_id=None, channels=(Channel.EMAIL,), n=2)
        subscribe(svc, uow, "other-case", case_id="3500-99/2025", channels=(Channel.EMAIL,), n=3)
        subscribe(svc, uow, "stranger", person="p-9", channels=(Channel.EMAIL,), n=4)
        first = svc.notify(uow, event(1), now=T0)
        second = svc.notify(uow, event(2, case_id="3500-77/2025"), now=T0)
        both = svc.notify(uow, event(3, parties=("p-1", "p-9")), now=T0)
    assert [d.subscription_id for d in first.deliveries] == ["all", "case"]
    assert [d.subscription_id for d in second.deliveries] == ["all"]
    assert [d.subscription_id for d in both.deliveries] == ["all", "case", "stranger"]


def test_rendered_with_the_values_in_the_subscribers_language_with_a_signed_unsubscribe_link() -> (
    None
):
    store, svc = MemoryStore(), service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "sl", n=1)
        subscribe(svc, uow, "en", language="en", n=2)
        report = svc.notify(uow, event(1), now=T0)
        uow.commit()
        by_key = {
            (m.key.recipient, m.channel): m
            for m in uow.outbox.for_organisation(ORG)
            if m.key.event == "notify:dms-1"
        }
    sl_mail = by_key[("sl", Channel.EMAIL)].email
    assert sl_mail.subject == f"Zadeva {CASE}"
    assert sl_mail.text.startswith(f"Zadeva {CASE} je bila dodeljena uradniku.\n\n-- \n")
    assert by_key[("en", Channel.EMAIL)].email.subject == f"Case {CASE}"
    assert by_key[("en", Channel.SMS)].sms.text == f"Case {CASE} was assigned to an official."
    assert by_key[("sl", Channel.SMS)].sms.text.startswith(f"Obvestilo: zadeva {CASE} je dobila")
    url = sl_mail.text.rsplit("Odjava: ", 1)[1]
    assert url.startswith("https://portal.sentjur.si/obvestila/odjava?t=")
    payload = links.verify([KEY], url.split("t=")[1], "unsubscribe")
    assert (payload.subscription_id, payload.channel) == ("sl", "email")
    assert dict(sl_mail.headers)["List-Unsubscribe"] == f"<{url}>"
    assert url in (sl_mail.html or "")
    versions = {(d.subscription_id, d.channel): d.template_version for d in report.deliveries}
    assert set(versions.values()) == {1}
    assert by_key[("en", Channel.SMS)].template_key == "notify.zadeva.dodelitev.sms"


def test_an_english_subscriber_gets_slovenian_where_there_is_no_english_text() -> None:
    store, svc = MemoryStore(), service()
    with store.unit_of_work() as uow:
        save_event_type(
            uow, event_type(CODES[EventClass.KEY], EventClass.KEY), [SL], now=T0, changed_by="a"
        )
        subscribe(svc, uow, "en", language="en", channels=(Channel.SMS,))
        svc.notify(uow, event(1, EventClass.KEY), now=T0)
        (message,) = [m for m in uow.outbox.for_organisation(ORG) if m.key.event == "notify:dms-1"]
    assert message.sms.text.startswith("Obvestilo: zadeva")


def test_the_key_is_event_subscriber_channel_and_an_event_is_never_queued_twice() -> None:
    store, svc = MemoryStore(), service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        uow.commit()
    for _ in range(2):
        with store.unit_of_work() as uow:
            report = svc.notify(uow, event(1), now=T0)
            again = svc.notify(uow, event(1), now=T0 + timedelta(minutes=1))
            uow.commit()
        assert again.duplicates == 2
        assert again.deliveries == ()
    assert report.duplicates == 2  # the second round: both decided by the first one
    with store.unit_of_work() as uow:
        notified = [m for m in uow.outbox.for_organisation(ORG) if m.key.event == "notify:dms-1"]
    assert {(m.key.recipient, m.channel) for m in notified} == {
        ("s1", Channel.EMAIL),
        ("s1", Channel.SMS),
    }
    assert {m.id for m in notified} == {
        outbox_id(ORG, IdempotencyKey("notify:dms-1", "s1", c)) for c in Channel
    }
    mail, texts = MemoryMailSender(), MemorySmsSender()
    Dispatcher(store, clock=ManualClock(T0), mail=mail, sms=texts).run_once()
    with store.unit_of_work() as uow:
        svc.notify(uow, event(1), now=T0 + timedelta(hours=1))
        uow.commit()
    assert Dispatcher(store, clock=ManualClock(T0), mail=mail, sms=texts).run_once().claimed == 0
    notices = [m for m in mail.sent if m.subject.startswith("Zadeva")]
    assert len(notices) == 1
    assert len([m for m in texts.sent if m.text.startswith("Obvestilo")]) == 1


def test_bad_values_raise_before_anything_is_queued() -> None:
    store, svc = MemoryStore(), service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        uow.commit()
    cases = [
        ({}, UndefinedPlaceholder, "zadeva"),
        ({"zadeva": 12}, InvalidType, "zadeva"),
        ({"zadeva": CASE, "emso": "0101990500003"}, InvalidFormat, "emso"),
    ]
    for values, error, where in cases:
        with store.unit_of_work() as uow:
            with pytest.raises(error) as caught:
                svc.notify(uow, event(1, values=values), now=T0)
            assert caught.value.where == where
            assert "0101990500003" not in str(caught.value)
            assert uow.notify.deliveries(ORG) == ()
    with store.unit_of_work() as uow, pytest.raises(NotFound, match=r"notify.event_type_unknown"):
        svc.notify(uow, event(1, code="zadeva.neznana"), now=T0)


def test_an_internal_event_is_checked_but_sends_nothing() -> None:
    store, svc = MemoryStore(), service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1")
        assert svc.notify(uow, event(1, EventClass.INTERNAL), now=T0).internal
        with pytest.raises(UndefinedPlaceholder):
            svc.notify(uow, event(2, EventClass.INTERNAL, values={}), now=T0)
        assert uow.notify.deliveries(ORG) == ()


def test_a_new_catalogue_version_is_used_for_later_events() -> None:
    store, svc = MemoryStore(), service()
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", channels=(Channel.SMS,))
        svc.notify(uow, event(1), now=T0)
        new_text = EventTexts(
            email_subject=SL.email_subject,
            email_html=SL.email_html,
            sms_text="Nova različica: ((zadeva)).",
        )
        save_event_type(
            uow,
            event_type(CODES[EventClass.NOTIFIABLE], EventClass.NOTIFIABLE),
            [new_text],
            now=T0,
            changed_by="admin:2",
        )
        svc.notify(uow, event(2), now=T0)
        uow.commit()
        texts = {
            m.key.event: (m.sms.text, m.template_version)
            for m in uow.outbox.for_organisation(ORG)
            if m.key.event.startswith("notify:")
        }
        versions = [d.event_version for d in uow.notify.deliveries(ORG)]
    assert texts["notify:dms-1"][1] == 1
    assert texts["notify:dms-2"] == (f"Nova različica: {CASE}.", 2)
    assert versions == [1, 2]


def test_sms_letters_follow_the_organisation_and_parts_are_counted() -> None:
    from szo_core.delivery.sms import LetterPolicy, SmsEncoding, sms_cost

    for policy, expected_parts, encoding in (
        (LetterPolicy.KEEP, 2, SmsEncoding.UCS2),
        (LetterPolicy.TRANSLITERATE, 1, SmsEncoding.GSM7),
    ):
        store, svc = MemoryStore(), service()
        setup(store)
        with store.unit_of_work() as uow:
            uow.organisations.add(
                Organisation(
                    id=ORG,
                    name="Občina Šentjur",
                    tax_number="12345679",
                    registration_number="5012341",
                    accounts=(BankAccount(iban="SI56192001234567892"),),
                    sms_letters=policy,
                )
            )
            subscribe(svc, uow, "s1", channels=(Channel.SMS,))
            svc.notify(uow, event(1, values={"zadeva": CASE}), now=T0)
            (message,) = [
                m for m in uow.outbox.for_organisation(ORG) if m.key.event == "notify:dms-1"
            ]
        text = message.sms.text
        assert len(text) == 106  # the research note's Slovenian notice
        cost = sms_cost(text)
        assert (cost.parts, cost.encoding) == (expected_parts, encoding)
        assert message.sms.parts == expected_parts
        assert ("Več" in text) is (policy is LetterPolicy.KEEP)
        if policy is LetterPolicy.KEEP:
            assert cost.ucs2_characters == ("č",)
        else:
            assert text.endswith("Vec: e-uprava")


def test_money_and_dates_are_formatted_in_slovenian() -> None:
    from datetime import date

    from szo_core.templates.model import FieldType, TemplateField

    store, svc = MemoryStore(), service()
    fields = (
        TemplateField(name="rok", type=FieldType.DATE, example="2026-12-24"),
        TemplateField(name="taksa", type=FieldType.MONEY, example="22.60"),
    )
    texts = EventTexts(
        email_subject="Poziv do {{ rok|date('text') }}",
        email_html="<p>Plačajte {{ taksa|money }} do {{ rok|date('text') }}.</p>",
        sms_text="Plačajte ((taksa)) do ((rok)).",
    )
    with store.unit_of_work() as uow:
        save_event_type(
            uow,
            attrs.evolve(event_type("zadeva.poziv", EventClass.KEY), fields=fields),
            [texts],
            now=T0,
            changed_by="a",
        )
        subscribe(svc, uow, "s1")
        svc.notify(
            uow,
            event(
                1, code="zadeva.poziv", values={"rok": date(2026, 12, 24), "taksa": Decimal("22.6")}
            ),
            now=T0,
        )
        got = {
            m.channel: m for m in uow.outbox.for_organisation(ORG) if m.key.event == "notify:dms-1"
        }
    assert got[Channel.EMAIL].email.subject == "Poziv do 24. decembra 2026"
    assert got[Channel.SMS].sms.text == "Plačajte 22,60\xa0€ do 24. decembra 2026."


def test_the_sms_unsubscribe_link_is_optional_and_follows_the_letter_policy() -> None:
    from szo_core.delivery.sms import LetterPolicy, sms_cost

    store = MemoryStore()
    svc = service(sms_unsubscribe_link=True, sms_letters=LetterPolicy.TRANSLITERATE)
    setup(store)
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "s1", channels=(Channel.SMS,))
        svc.notify(uow, event(1), now=T0)
        (message,) = [m for m in uow.outbox.for_organisation(ORG) if m.key.event == "notify:dms-1"]
    text = message.sms.text
    assert "ker ste jih narocili. Odjava: https://portal.sentjur.si/obvestila/odjava?t=" in text
    token = text.rsplit("t=", 1)[1]
    assert links.verify([KEY], token, "unsubscribe").channel == "sms"
    cost = sms_cost(text)
    assert cost.encoding.value == "GSM-7"
    assert cost.parts >= 2  # one part without it: the link costs parts, so it is off by default


def test_a_message_that_does_not_render_leaves_nothing_half_written() -> None:
    from szo_core.notify.service import Notifications
    from szo_core.templates.errors import TemplateLimitExceeded
    from szo_core.templates.render import TemplateLimits

    from ._world import settings

    store = MemoryStore()
    setup(store)
    svc = Notifications(settings(), limits=TemplateLimits(max_output_chars=80))
    with store.unit_of_work() as uow:
        subscribe(svc, uow, "a-en", language="en", channels=(Channel.SMS,), n=1)  # 46 characters
        subscribe(svc, uow, "b-sl", channels=(Channel.SMS,), n=2)  # 106 characters: too long
        uow.commit()
    with store.unit_of_work() as uow:
        with pytest.raises(TemplateLimitExceeded):
            svc.notify(uow, event(1), now=T0)
        assert uow.notify.deliveries(ORG) == ()
        assert [m for m in uow.outbox.for_organisation(ORG) if m.key.event == "notify:dms-1"] == []


def test_one_service_renders_each_stores_own_template_version() -> None:
    # two stores whose event type version 2 uses different template versions: the
    # service's kept routes must not hand store B the template of store A
    svc = service(quiet_hours=None)
    subjects = {}
    for name, second in (("a", SL), ("b", attrs.evolve(SL, email_subject="Nova {{ zadeva }}"))):
        store = MemoryStore()
        renamed = attrs.evolve(event_type(CODES[EventClass.KEY], EventClass.KEY), name="Odločba")
        with store.unit_of_work() as uow:
            save_event_type(
                uow,
                event_type(CODES[EventClass.KEY], EventClass.KEY),
                [SL],
                now=T0,
                changed_by="admin:1",
            )
            saved = save_event_type(uow, renamed, [second], now=T0, changed_by="admin:1")
            assert saved.version == 2
            subscribe(svc, uow, "s1", channels=(Channel.EMAIL,))
            report = svc.notify(uow, event(1, EventClass.KEY), now=T0)
            message = uow.outbox.get(ORG, report.deliveries[0].outbox_id or "")
            subjects[name] = message.email.subject
    assert subjects == {"a": f"Zadeva {CASE}", "b": f"Nova {CASE}"}
