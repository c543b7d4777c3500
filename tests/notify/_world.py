"""A small municipality for the notification tests: settings, event types, subscribers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from szo_core.notify.catalogue import EventClass, EventTexts, EventType, save_event_type
from szo_core.notify.records import CaseEvent, Channel, Identity, Preference, Source, Subscription
from szo_core.notify.service import Notifications
from szo_core.notify.settings import NotifySettings, QuietHours
from szo_core.ports import Storage, UnitOfWork
from szo_core.templates.model import FieldType, TemplateField

ORG = "obcina-sentjur"
CASE = "3500-12/2025"
KEY = b"tajni-kljuc-obcine-za-povezave-32b!"
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10.00 in Ljubljana
NIGHT = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)  # 23.30 in Ljubljana

FIELDS = (
    TemplateField(name="zadeva", type=FieldType.TEXT, example="3500-12/2025"),
    TemplateField(name="uradnik", type=FieldType.TEXT, example="Janez Novak", required=False),
)
SL = EventTexts(
    email_subject="Zadeva {{ zadeva }}",
    email_html="<p>Zadeva {{ zadeva }} je bila dodeljena uradniku.</p>",
    sms_text="Obvestilo: zadeva ((zadeva)) je dobila klasifikacijski znak in je bila "
    "dodeljena uradniku. Več: e-uprava",
)
EN = EventTexts(
    language="en",
    email_subject="Case {{ zadeva }}",
    email_html="<p>Case {{ zadeva }} was assigned to an official.</p>",
    sms_text="Case ((zadeva)) was assigned to an official.",
)


def settings(**changes: object) -> NotifySettings:
    options: dict[str, object] = {
        "sender": "obvestila@sentjur.si",
        "signing_keys": (KEY,),
        "link_base": "https://portal.sentjur.si/obvestila",
        "quiet_hours": QuietHours(),
    }
    options.update(changes)
    return NotifySettings(**options)  # type: ignore[arg-type]


def counter(start: int = 100000) -> Iterator[str]:
    n = start
    while True:
        n += 1
        yield f"{n:06d}"


def service(**changes: object) -> Notifications:
    codes = counter()
    return Notifications(settings(**changes), codes=lambda: next(codes))


def event_type(code: str, event_class: EventClass) -> EventType:
    return EventType(
        organisation_id=ORG,
        code=code,
        name=f"Dogodek {code}",
        event_class=event_class,
        fields=FIELDS,
    )


CODES = {
    EventClass.INTERNAL: "zadeva.interno",
    EventClass.NOTIFIABLE: "zadeva.dodelitev",
    EventClass.KEY: "zadeva.odlocba",
}


def catalogue(uow: UnitOfWork) -> None:
    for event_class, code in CODES.items():
        texts = () if event_class is EventClass.INTERNAL else (SL, EN)
        save_event_type(uow, event_type(code, event_class), texts, now=T0, changed_by="admin:1")


def subscribe(
    svc: Notifications,
    uow: UnitOfWork,
    sid: str,
    *,
    person: str = "p-1",
    case_id: str | None = CASE,
    channels: tuple[Channel, ...] = (Channel.EMAIL, Channel.SMS),
    preference: Preference = Preference.ALL,
    language: str = "sl",
    confirm: bool = True,
    n: int = 0,
) -> Subscription:
    made = svc.subscribe(
        uow,
        Identity.official("u-7"),
        organisation_id=ORG,
        person_id=person,
        case_id=case_id,
        email=f"obcan{n}@example.si" if Channel.EMAIL in channels else None,
        mobile=f"041 {100000 + n:06d}"[:11] if Channel.SMS in channels else None,
        channels=channels,
        preference=preference,
        language=language,  # type: ignore[arg-type]
        source=Source.IN_PERSON,
        subscription_id=sid,
        now=T0,
    )
    if not confirm:
        return made
    import attrs

    confirmed = attrs.evolve(
        made,
        email_confirmed=Channel.EMAIL in channels,
        mobile_confirmed=Channel.SMS in channels,
    )
    return uow.notify.update_subscription(confirmed)


def event(n: int, event_class: EventClass = EventClass.NOTIFIABLE, **changes: object) -> CaseEvent:
    options: dict[str, object] = {
        "organisation_id": ORG,
        "id": f"dms-{n}",
        "code": CODES[event_class],
        "case_id": CASE,
        "parties": ("p-1",),
        "occurred_at": T0,
        "values": {"zadeva": CASE},
    }
    options.update(changes)
    return CaseEvent(**options)  # type: ignore[arg-type]


def setup(store: Storage) -> None:
    with store.unit_of_work() as uow:
        catalogue(uow)
        uow.commit()
