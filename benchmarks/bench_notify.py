"""Benchmark: citizen notifications, notify() against bare Jinja2 rendering the same texts.

Run: ``.venv/bin/python benchmarks/bench_notify.py [--events 100000] [--subscribers 10000]
[--repeat 3] [--store memory|sqlite]``

The world: one municipality, ``--subscribers`` citizens, each subscribed (confirmed
e-mail and mobile number) to one case of their own; ``--events`` events of a
notifiable type, spread over the cases in turn, so each event is decided for one
subscriber on two channels: two messages per event.  The event type's templates
are a short e-mail (subject, an HTML body with three fields) and an SMS text (the
research note's 106-character Slovenian notice).

==========  ==========================================================================
section     what
==========  ==========================================================================
notify      ``Notifications.notify`` for every event: the subscribers looked up, the
            decision per channel, the template version rendered (the prepared e-mail:
            the values escaped into the HTML sanitised once per version, the text part
            derived once; the signed unsubscribe link, the SMS letter policy), the
            message queued in the outbox and the decision kept for the audit;
            ``--batch`` events per unit of work (10,000), committed.  Baseline: plain
            ``jinja2.Environment`` templates rendering the same texts notify sends,
            with the same values: the subject, the HTML body and the text body (each
            with the footer that carries the subscriber's unsubscribe link, the link
            given as a value made before the clock starts) and the SMS text (``{{ }}``
            for its ``(( ))``), nothing else; the run checks, before it times
            anything, that they come out equal to notify's.  Target of the issue:
            ratio <= 1.3.  The ``bodies`` columns are against the narrower baseline
            of sessions 1-10: the subject, the HTML body without the footer and the
            SMS text (three of the four texts).
many        the same work through ``Notifications.notify_many`` (one call per unit of
            work, ``now`` the batch's last event time; the garbage collector paused
            for the call), against the same baseline.
render      only szo_core's rendering of the same messages as notify does it
            (``PreparedEmail.render``, the SMS through ``PreparedSms`` or the plain
            template, and the letter policy), against the same baseline.
full        the rendering of the same messages through the per-message pipeline
            (``CompiledMessage.render_email`` / ``render_sms``: the sandbox, nh3 on
            every message, the text part derived with lxml, the SMS part count): what
            notify rendered with before the prepared templates.
records     only the records notify keeps per event (two ``Delivery`` rows, two
            ``OutboxMessage`` with their key, id, e-mail or SMS) built with constant
            texts and written to the store, the collector paused: the part of the
            ratio that deciding and rendering cannot remove.
==========  ==========================================================================

The report gives per section the minimum, median and maximum over the repeats, events
and messages per second at the minimum, the baseline's minimum and maximum, the ratio
of the minima szo_core / baseline and that of the medians, the same two ratios against
the ``bodies`` baseline, and the machine's load average before and after the run.  Times are the
process's CPU time (``time.process_time``), so that a machine shared with other work
slows neither side's figure.  A benchmark is
never a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import jinja2

from szo_core._gc import collector_paused
from szo_core.adapters.memory import MemoryStore
from szo_core.delivery.message import Channel, EmailMessage, SmsMessage
from szo_core.delivery.sms import LetterPolicy, apply_policy
from szo_core.notify.catalogue import EventClass, EventTexts, EventType, save_event_type
from szo_core.notify.prepared import prepare_email, prepare_sms
from szo_core.notify.records import CaseEvent, Delivery, Outcome, Source, Subscription
from szo_core.notify.service import _FOOTER, Notifications
from szo_core.notify.settings import NotifySettings
from szo_core.outbox.records import IdempotencyKey, OutboxMessage, outbox_id
from szo_core.ports import Storage, UnitOfWork
from szo_core.templates.messages import CompiledMessage, compile_message
from szo_core.templates.model import FieldType, TemplateField
from szo_core.templates.plain import PlainTemplate

ORG = "obcina"
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
FIELDS = (
    TemplateField(name="zadeva", type=FieldType.TEXT, example="3500-12/2025"),
    TemplateField(name="uradnik", type=FieldType.TEXT, example="Janez Novak"),
    TemplateField(name="oddelek", type=FieldType.TEXT, example="Oddelek za okolje"),
)
SUBJECT = "Zadeva {{ zadeva }}: dodeljena uradniku"
HTML = (
    "<p>Spoštovani,</p>\n<p>vaša zadeva <b>{{ zadeva }}</b> je dobila klasifikacijski znak in je "
    "bila dodeljena uradniku {{ uradnik }} ({{ oddelek }}).</p>\n<p>Lep pozdrav,<br>Občina</p>"
)
SMS = (
    "Obvestilo: zadeva ((zadeva)) je dobila klasifikacijski znak in je bila dodeljena "
    "uradniku. Več: e-uprava"
)
# What a bare-Jinja2 sender writes to send the same e-mail: the text body by hand (notify
# derives it from the HTML once per template version), and the footer with the link.
TEXT = (
    "Spoštovani,\n\nvaša zadeva {{ zadeva }} je dobila klasifikacijski znak in je bila "
    "dodeljena uradniku {{ uradnik }} ({{ oddelek }}).\n\nLep pozdrav,\nObčina"
)
FOOTER = _FOOTER["sl"].replace("{url}", "{{ odjava }}")


@attrs.frozen
class Result:
    name: str
    ours: list[float]
    baseline: list[float]
    bodies: list[float]
    events: int
    messages: int


def _store(kind: str, tmp: Path) -> Storage:
    if kind == "memory":
        return MemoryStore()
    from szo_core.adapters.sql import SqlStore

    return SqlStore.open(tmp / f"bench-{time.monotonic_ns()}.sqlite")


def _service() -> Notifications:
    return Notifications(
        NotifySettings(
            sender="obvestila@obcina.si",
            signing_keys=(b"benchmark-key-of-at-least-32-bytes!",),
            link_base="https://portal.obcina.si/obvestila",
            quiet_hours=None,
            sms_letters=LetterPolicy.KEEP,
        )
    )


def _subscription(n: int) -> Subscription:
    return Subscription(
        organisation_id=ORG,
        id=f"s{n}",
        person_id=f"p{n}",
        case_id=f"3500-{n}/2026",
        email=f"obcan{n}@example.si",
        mobile=f"+3864{1000000 + n:07d}",
        channels=(Channel.EMAIL, Channel.SMS),
        source=Source.PORTAL,
        email_confirmed=True,
        mobile_confirmed=True,
        created_at=T0,
    )


def _world(store: Storage, subscribers: int) -> None:
    with store.unit_of_work() as uow:
        save_event_type(
            uow,
            EventType(
                organisation_id=ORG,
                code="zadeva.dodelitev",
                name="Dodelitev uradniku",
                event_class=EventClass.NOTIFIABLE,
                fields=FIELDS,
            ),
            [EventTexts(email_subject=SUBJECT, email_html=HTML, sms_text=SMS)],
            now=T0,
            changed_by="bench",
        )
        for n in range(subscribers):
            uow.notify.add_subscription(_subscription(n))
        uow.commit()


def _events(events: int, subscribers: int) -> list[CaseEvent]:
    return [
        CaseEvent(
            organisation_id=ORG,
            id=f"dms-{i}",
            code="zadeva.dodelitev",
            case_id=f"3500-{i % subscribers}/2026",
            parties=(f"p{i % subscribers}",),
            occurred_at=T0 + timedelta(seconds=i),
            values={
                "zadeva": f"3500-{i % subscribers}/2026",
                "uradnik": f"Janez Novak {i % 7}",
                "oddelek": "Oddelek za okolje in prostor",
            },
        )
        for i in range(events)
    ]


def same_texts(events: list[CaseEvent]) -> Callable[[], list[str]]:
    """The baseline: bare Jinja2 rendering the texts notify sends for ``events``.

    Per event the e-mail's subject, HTML body and text body (both with the footer
    and the subscriber's unsubscribe link, given as a value) and the SMS text.  The
    links are made here, before the clock starts; the returned function renders
    every event and returns the first event's texts (for :func:`check_same_texts`).
    """
    env, html_env = jinja2.Environment(autoescape=False), jinja2.Environment(autoescape=True)
    subject = env.from_string(SUBJECT)
    body = html_env.from_string(f"{HTML}\n<hr>\n<p>{FOOTER}</p>")
    text = env.from_string(f"{TEXT}\n\n-- \n{FOOTER}")
    sms = env.from_string(SMS.replace("((", "{{ ").replace("))", " }}"))
    svc = _service()
    # each event's subscriber is its party p<n> (see _events); a link per subscriber
    links = {
        n: svc.unsubscribe_url(_subscription(n), Channel.EMAIL)
        for n in {int(event.parties[0][1:]) for event in events}
    }
    pairs = [(event.values, links[int(event.parties[0][1:])]) for event in events]

    def run() -> list[str]:
        first: list[str] = []
        for values, link in pairs:
            texts = [
                subject.render(values),
                body.render(values, odjava=link),
                text.render(values, odjava=link),
                sms.render(values),
            ]
            if not first:
                first = texts
        return first

    return run


def bodies(events: list[CaseEvent]) -> Callable[[], None]:
    """The narrower baseline of sessions 1-10: subject, HTML body (no footer), SMS text."""
    env, html_env = jinja2.Environment(autoescape=False), jinja2.Environment(autoescape=True)
    subject, body = env.from_string(SUBJECT), html_env.from_string(HTML)
    sms = env.from_string(SMS.replace("((", "{{ ").replace("))", " }}"))

    def run() -> None:
        for event in events:
            values = event.values
            subject.render(values)
            body.render(values)
            sms.render(values)

    return run


def check_same_texts(events: list[CaseEvent], subscribers: int, count: int = 3) -> None:
    """Fail unless the baseline renders, for the first ``count`` events, what notify sends."""
    store = MemoryStore()
    _world(store, subscribers)
    svc = _service()
    with store.unit_of_work() as uow:
        for event in events[:count]:
            report = svc.notify(uow, event, now=event.occurred_at)
            sent = [uow.outbox.get(ORG, d.outbox_id) for d in report.deliveries if d.outbox_id]
            email = next(m.message for m in sent if isinstance(m.message, EmailMessage))
            sms = next(m.message for m in sent if isinstance(m.message, SmsMessage))
            expected = [email.subject, email.html, email.text, sms.text]
            rendered = same_texts([event])()
            assert rendered == expected, (rendered, expected)  # the baseline is the same texts


def _timed(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def _timed_batches(
    events: list[CaseEvent],
    subscribers: int,
    kind: str,
    tmp: Path,
    batch: int,
    run: Callable[[Notifications, UnitOfWork, list[CaseEvent]], object],
) -> float:
    """CPU time of ``run`` over the events, one committed unit of work per ``batch``."""
    store = _store(kind, tmp)
    _world(store, subscribers)
    svc = _service()
    start = time.process_time()
    for first in range(0, len(events), batch):
        with store.unit_of_work() as uow:
            run(svc, uow, events[first : first + batch])
            uow.commit()
    elapsed = time.process_time() - start
    with store.unit_of_work() as uow:
        queued = sum(uow.notify.outcome_counts(ORG).values())
    assert queued == 2 * len(events), queued  # the run did what it says (not a timing)
    return elapsed


def section_notify(
    events: list[CaseEvent], subscribers: int, kind: str, tmp: Path, batch: int
) -> float:
    def one_by_one(svc: Notifications, uow: UnitOfWork, chunk: list[CaseEvent]) -> None:
        for event in chunk:
            svc.notify(uow, event, now=event.occurred_at)

    return _timed_batches(events, subscribers, kind, tmp, batch, one_by_one)


def section_notify_many(
    events: list[CaseEvent], subscribers: int, kind: str, tmp: Path, batch: int
) -> float:
    def many(svc: Notifications, uow: UnitOfWork, chunk: list[CaseEvent]) -> None:
        svc.notify_many(uow, chunk, now=chunk[-1].occurred_at)

    return _timed_batches(events, subscribers, kind, tmp, batch, many)


def section_records(
    events: list[CaseEvent], subscribers: int, kind: str, tmp: Path, batch: int
) -> float:
    """Only the records notify() keeps per event and their writes, the texts given."""
    store = _store(kind, tmp)
    _world(store, subscribers)
    subject, text, body, sms = "Zadeva x", "Besedilo " * 20, "<p>Besedilo</p>" * 10, "SMS " * 25
    start = time.process_time()
    with collector_paused():
        for first in range(0, len(events), batch):
            with store.unit_of_work() as uow:
                for event in events[first : first + batch]:
                    n = int(event.id[4:]) % subscribers
                    at = event.occurred_at.astimezone(UTC)
                    for channel in (Channel.EMAIL, Channel.SMS):
                        key = IdempotencyKey(f"notify:{event.id}", f"s{n}", channel)
                        ident = outbox_id(ORG, key)
                        message: EmailMessage | SmsMessage = (
                            EmailMessage(
                                sender="obvestila@obcina.si",
                                to=(f"obcan{n}@example.si",),
                                subject=subject,
                                text=text,
                                html=body,
                                message_id=f"<{ident}@obcina.si>",
                            )
                            if channel is Channel.EMAIL
                            else SmsMessage(to=f"+3864{1000000 + n:07d}", text=sms, reference=ident)
                        )
                        queued = OutboxMessage(
                            organisation_id=ORG,
                            id=ident,
                            key=key,
                            message=message,
                            message_id=ident,
                            template_key="t",
                            template_version=1,
                            next_attempt_at=at,
                            created_at=at,
                        )
                        uow.notify.add_delivery(
                            Delivery(
                                organisation_id=ORG,
                                event_id=event.id,
                                subscription_id=f"s{n}",
                                channel=channel,
                                case_id=event.case_id,
                                event_code=event.code,
                                event_version=1,
                                event_class=EventClass.NOTIFIABLE,
                                occurred_at=event.occurred_at,
                                outcome=Outcome.QUEUED,
                                decided_at=event.occurred_at,
                                outbox_id=ident,
                                template_key="t",
                                template_version=1,
                            )
                        )
                        uow.outbox.enqueue(queued)
                uow.commit()
    return time.process_time() - start


def _compiled() -> tuple[CompiledMessage, CompiledMessage]:
    store = MemoryStore()
    _world(store, 1)
    with store.unit_of_work() as uow:
        email = compile_message(uow.templates.get(ORG, "notify.zadeva.dodelitev.email", "sl"))
        sms = compile_message(uow.templates.get(ORG, "notify.zadeva.dodelitev.sms", "sl"))
    return email, sms


def section_render(
    events: list[CaseEvent], subscribers: int, kind: str, tmp: Path, batch: int
) -> float:
    compiled_email, compiled_sms = _compiled()
    email = prepare_email(compiled_email)
    assert email.prepared_parts == ("subject", "html_body"), email.prepared_parts
    sms = PlainTemplate.compile(compiled_sms.template.sms_text)
    types = {f.name: f.type for f in FIELDS}
    fast = prepare_sms(sms, types)  # as notify: text fields joined in, else the plain template
    assert fast is not None
    start = time.process_time()
    for event in events:
        email.render(event.values)
        text = fast.render(event.values)
        if text is None:
            text = sms.render(event.values, types=types)
        apply_policy(text, LetterPolicy.KEEP)
    return time.process_time() - start


def section_full(
    events: list[CaseEvent], subscribers: int, kind: str, tmp: Path, batch: int
) -> float:
    email, sms = _compiled()
    start = time.process_time()
    for event in events:
        email.render_email(event.values)
        sms.render_sms(event.values, policy=LetterPolicy.KEEP)
    return time.process_time() - start


SECTIONS: dict[str, Callable[[list[CaseEvent], int, str, Path, int], float]] = {
    "notify": section_notify,
    "many": section_notify_many,
    "render": section_render,
    "full": section_full,
    "records": section_records,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument(
        "--batch",
        type=int,
        default=10_000,
        help="events per unit of work (the memory store copies its tables at each commit)",
    )
    args = parser.parse_args()
    before = os.getloadavg()
    events = _events(args.events, args.subscribers)
    check_same_texts(events, args.subscribers)
    baseline, narrower = same_texts(events), bodies(events)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sections.split(","):
            ours, base, narrow = [], [], []
            for _ in range(args.repeat):  # sides alternate
                base.append(_timed(baseline))
                narrow.append(_timed(narrower))
                ours.append(
                    SECTIONS[name](events, args.subscribers, args.store, Path(tmp), args.batch)
                )
            results.append(Result(name, ours, base, narrow, len(events), 2 * len(events)))
    load = os.getloadavg()
    print(
        f"{args.events:,} events, {args.subscribers:,} subscribers, 2 messages per event, "
        f"store {args.store}, {args.batch:,} events per unit of work, {args.repeat} repeat(s); "
        f"load average {before[0]:.1f} before, {load[0]:.1f} after ({os.cpu_count()} CPUs)"
    )
    print(
        f"{'section':8} {'szo min':>8} {'median':>8} {'max':>8} {'events/s':>9} {'msgs/s':>9} "
        f"{'jinja2 min':>10} {'max':>6} {'ratio':>6} {'median':>6} "
        f"{'bodies min':>10} {'ratio':>6} {'median':>6}"
    )
    for r in results:
        low, base_low, body_low = min(r.ours), min(r.baseline), min(r.bodies)
        median = statistics.median(r.ours)
        base_median, body_median = statistics.median(r.baseline), statistics.median(r.bodies)
        print(
            f"{r.name:8} {low:7.2f}s {median:7.2f}s {max(r.ours):7.2f}s "
            f"{r.events / low:9,.0f} {r.messages / low:9,.0f} {base_low:9.2f}s "
            f"{max(r.baseline):5.2f}s {low / base_low:6.2f} {median / base_median:6.2f} "
            f"{body_low:9.2f}s {low / body_low:6.2f} {median / body_median:6.2f}"
        )


if __name__ == "__main__":
    main()
