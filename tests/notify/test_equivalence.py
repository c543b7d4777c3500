"""The messages notify() queues are the ones the full pipeline renders, value for value.

The reference here is the pipeline as it was before the prepared templates
(``szo_core.notify.prepared``): each message rendered through
:meth:`~szo_core.templates.messages.CompiledMessage.render_email` (the sandbox,
nh3 sanitising every message, the text part derived from the HTML with lxml)
or the plain SMS template, the footer and the unsubscribe link added, and the
outbox record made with :func:`~szo_core.outbox.records.new_message`.  notify()
must queue exactly those records (``==`` on the whole
:class:`~szo_core.outbox.records.OutboxMessage`), for hostile values in every
field and for templates the fast path does and does not take.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from szo_core.adapters.memory import MemoryStore
from szo_core.delivery.message import Channel, EmailMessage, SmsMessage
from szo_core.delivery.sms import LetterPolicy, apply_policy
from szo_core.notify.catalogue import EventClass, EventTexts, EventType, save_event_type
from szo_core.notify.records import CaseEvent, Source, Subscription
from szo_core.notify.service import Notifications
from szo_core.notify.settings import NotifySettings
from szo_core.outbox.records import IdempotencyKey, OutboxMessage, new_message
from szo_core.templates.messages import compile_message
from szo_core.templates.model import FieldType, TemplateField
from szo_core.templates.plain import PlainTemplate

ORG = "obcina"
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
FIELDS = (
    TemplateField(name="zadeva", type=FieldType.TEXT, example="3500-12/2025"),
    TemplateField(name="uradnik", type=FieldType.TEXT, example="Janez Novak"),
    TemplateField(name="oddelek", type=FieldType.TEXT, example="Oddelek za okolje"),
)

# name -> (subject, html body, text body, sms)
TEXTS: Mapping[str, tuple[str, str, str, str]] = {
    "benchmark": (
        "Zadeva {{ zadeva }}: dodeljena uradniku",
        "<p>Spoštovani,</p>\n<p>vaša zadeva <b>{{ zadeva }}</b> je dobila klasifikacijski znak "
        "in je bila dodeljena uradniku {{ uradnik }} ({{ oddelek }}).</p>\n"
        "<p>Lep pozdrav,<br>Občina</p>",
        "",
        "Obvestilo: zadeva ((zadeva)) je dobila klasifikacijski znak in je bila dodeljena "
        "uradniku ((uradnik)). Več: e-uprava",
    ),
    "structure": (
        "{{ zadeva }} — {{ uradnik }}",
        "<h2>Zadeva {{ zadeva }}</h2><ul><li>{{ uradnik }}</li><li>{{ oddelek }}</li></ul>"
        "<table><tr><th>Uradnik</th><td>{{ uradnik }}</td></tr></table>"
        "<blockquote>{{ zadeva }}<br>{{ oddelek }}</blockquote><div><span>{{ zadeva }}</span>"
        '<em>{{uradnik}}</em>{{ oddelek }}</div><hr><p><a href="https://e-uprava.si">'
        "Portal</a> {{ zadeva }}</p>",
        "",
        "((zadeva)): ((uradnik))((oddelek?? (oddelek)))",
    ),
    "text_body": (
        "Zadeva {{ zadeva }}",
        "<p>Zadeva <strong>{{ zadeva }}</strong>, uradnik {{ uradnik }}.</p>",
        "Zadeva {{ zadeva }}\nUradnik: {{ uradnik }}\n",
        "Zadeva ((zadeva)).",
    ),
    # not taken by the fast path (control flow, filters, a value inside a link or <pre>)
    "logic": (
        "{% if oddelek %}{{ oddelek }}: {% endif %}{{ zadeva|upper }}",
        "<p>{% if oddelek %}<i>{{ oddelek }}</i>{% else %}brez{% endif %} {{ zadeva|trim }}</p>"
        '<p><a href="https://e-uprava.si/{{ zadeva|urlencode }}">{{ zadeva }}</a></p>'
        "<pre>{{ uradnik }}</pre>",
        "",
        "((zadeva))",
    ),
}

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '</p><a href="javascript:alert(1)">klik</a><p>',
    "<!-- komentar --> &amp; &lt;b&gt; &#60;",
    "javascript:alert(1)",
    "<style>p{color:red}</style><iframe src=//x>",
    "]]><![CDATA[<b>x</b>",
    "{{ 7*7 }} ((zadeva)) {% raw %}",
    "a\xa0b € \u2028 \x85 č š ž 😀",
    "  dva  presledka  ",
    "dva  presledka",
    "vrstica\r\nnova\tzavihek\x0bx\x0cy",
    "nič\x00ničla\x01\x1f\x7f\x9f",
    "",
    " ",
    "\ue000 \ue001 zasebni znaki",
    "https://e-uprava.si",
    "<pre>\nx</pre>",
]

SETTINGS = NotifySettings(
    sender="obvestila@obcina.si",
    sender_name="Občina",
    signing_keys=(b"equivalence-key-of-at-least-32-bytes",),
    link_base="https://portal.obcina.si/obvestila",
    quiet_hours=None,
    sms_letters=LetterPolicy.KEEP,
)


def _world(store: MemoryStore, texts: str, language: str = "sl") -> None:
    subject, body, text, sms = TEXTS[texts]
    with store.unit_of_work() as uow:
        save_event_type(
            uow,
            EventType(
                organisation_id=ORG,
                code="zadeva.dodelitev",
                name="Dodelitev",
                event_class=EventClass.KEY,
                fields=FIELDS,
            ),
            [EventTexts(email_subject=subject, email_html=body, email_text=text, sms_text=sms)],
            now=T0,
            changed_by="test",
        )
        uow.notify.add_subscription(
            Subscription(
                organisation_id=ORG,
                id="s1",
                person_id="p1",
                case_id=None,
                email="obcan@example.si",
                mobile="+38641123456",
                channels=(Channel.EMAIL, Channel.SMS),
                source=Source.PORTAL,
                email_confirmed=True,
                mobile_confirmed=True,
                language=language,  # type: ignore[arg-type]
                created_at=T0,
            )
        )
        uow.commit()


def _reference(
    store: MemoryStore, svc: Notifications, event: CaseEvent, now: datetime
) -> dict[Channel, OutboxMessage]:
    """The messages as the full pipeline makes them (the code before the prepared path)."""
    out: dict[Channel, OutboxMessage] = {}
    with store.unit_of_work() as uow:
        subscription = uow.notify.subscription(ORG, "s1")
        assert subscription is not None
        for channel in (Channel.EMAIL, Channel.SMS):
            key = f"notify.zadeva.dodelitev.{channel.value}"
            template = uow.templates.get(ORG, key, "sl", 1)
            compiled = compile_message(template)
            url = svc.unsubscribe_url(subscription, channel)
            footer = "Obvestila o zadevi prejemate, ker ste jih naročili. Odjava: " + url
            message: EmailMessage | SmsMessage
            if channel is Channel.EMAIL:
                rendered = compiled.render_email(event.values)
                message = EmailMessage(
                    sender=SETTINGS.sender,
                    sender_name=SETTINGS.sender_name,
                    to=("obcan@example.si",),
                    subject=rendered.subject,
                    text=f"{rendered.text}\n\n-- \n{footer}",
                    html=f"{rendered.html}\n<hr>\n<p>{html_lib.escape(footer)}</p>",
                    headers=(
                        ("List-Unsubscribe", f"<{url}>"),
                        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                    ),
                )
            else:
                plain = PlainTemplate.compile(template.sms_text)
                types = {f.name: f.type for f in template.fields}
                message = SmsMessage(
                    to="+38641123456",
                    text=apply_policy(plain.render(event.values, types=types), LetterPolicy.KEEP),
                )
            out[channel] = new_message(
                ORG,
                IdempotencyKey(f"notify:{event.id}", "s1", channel),
                message,
                now=now,
                template_key=key,
                template_version=1,
            )
    return out


def _notified(
    store: MemoryStore, svc: Notifications, event: CaseEvent, now: datetime
) -> dict[Channel, OutboxMessage]:
    with store.unit_of_work() as uow:
        report = svc.notify(uow, event, now=now)
        found = {}
        for delivery in report.deliveries:
            assert delivery.outbox_id is not None
            found[delivery.channel] = uow.outbox.get(ORG, delivery.outbox_id)
        uow.rollback()
    return found


def _event(n: int, values: Mapping[str, object]) -> CaseEvent:
    return CaseEvent(
        organisation_id=ORG,
        id=f"dms-{n}",
        code="zadeva.dodelitev",
        case_id="3500-1/2026",
        parties=("p1",),
        occurred_at=T0,
        values=values,
    )


@pytest.mark.parametrize("texts", sorted(TEXTS))
def test_hostile_values_in_every_field_give_the_full_pipelines_messages(texts: str) -> None:
    store = MemoryStore()
    _world(store, texts)
    svc = Notifications(SETTINGS)
    now = T0 + timedelta(minutes=5)
    n = 0
    for value in HOSTILE:
        for field in ("zadeva", "uradnik", "oddelek"):
            values = {"zadeva": "3500-1/2026", "uradnik": "Janez Novak", "oddelek": "Okolje"}
            values[field] = value
            n += 1
            event = _event(n, values)
            assert _notified(store, svc, event, now) == _reference(store, svc, event, now)
    # all fields hostile at once
    for n, value in enumerate(HOSTILE, start=1000):
        values = {"zadeva": value, "uradnik": value[::-1] or "x", "oddelek": value}
        event = _event(n, values)
        assert _notified(store, svc, event, now) == _reference(store, svc, event, now)


TEXT = st.one_of(
    st.text(
        st.one_of(
            st.characters(codec="utf-8", exclude_categories=("Cs",)),
            st.sampled_from(list("<>&\"' \xa0\t\r\n\x00\ue000\ue001;#/=!-")),
        ),
        max_size=25,
    ),
    # printable text with single spaces: what the prepared path takes
    st.text(
        st.one_of(
            st.characters(categories=("L", "M", "N", "P", "S")),
            st.sampled_from(list("<>&\"' ;#/=!-")),
        ),
        min_size=1,
        max_size=25,
    ).map(lambda t: " ".join(t.split())),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.sampled_from(sorted(TEXTS)), zadeva=TEXT, uradnik=TEXT, oddelek=TEXT)
def test_any_text_gives_the_full_pipelines_messages(
    texts: str, zadeva: str, uradnik: str, oddelek: str
) -> None:
    store = MemoryStore()
    _world(store, texts)
    svc = Notifications(SETTINGS)
    event = _event(1, {"zadeva": zadeva, "uradnik": uradnik, "oddelek": oddelek})
    assert _notified(store, svc, event, T0) == _reference(store, svc, event, T0)


def test_the_records_are_equal_field_by_field_not_only_as_a_whole() -> None:
    # a guard on the comparison itself: a changed HTML body is seen
    store = MemoryStore()
    _world(store, "benchmark")
    svc = Notifications(SETTINGS)
    event = _event(1, {"zadeva": "<b>x</b>", "uradnik": "Ana", "oddelek": "O"})
    ours, ref = _notified(store, svc, event, T0), _reference(store, svc, event, T0)
    assert attrs.asdict(ours[Channel.EMAIL]) == attrs.asdict(ref[Channel.EMAIL])
    changed = attrs.evolve(ref[Channel.EMAIL].email, html="<b>x</b>")
    assert attrs.evolve(ref[Channel.EMAIL], message=changed) != ours[Channel.EMAIL]
