"""Booking e-mails: the default templates, the Slovenian date and time, the ICS invitation.

Four e-mails go through the outbox (:class:`~szo_core.outbox.compose.Composer`):
the code (``booking.code.email``), the confirmation (``booking.confirmed.email``,
with the meeting link, the cancel and reschedule links and ``termin.ics``),
the reminder the day before (``booking.reminder.email``) and the cancellation
(``booking.cancelled.email``, with an ICS ``METHOD:CANCEL`` that removes the
event from the citizen's calendar).  They are the
organisation's own templates (``uow.templates``, versioned); :func:`install_templates`
saves the defaults below, in Slovenian and English, for an organisation that
has none yet.

>>> from datetime import UTC, datetime
>>> when_text(datetime(2021, 11, 22, 7, 30, tzinfo=UTC), datetime(2021, 11, 22, 8, 0, tzinfo=UTC))
'ponedeljek, 22. novembra 2021, 8.30–9.00'
>>> when_text(datetime(2021, 11, 22, 7, 30, tzinfo=UTC), datetime(2021, 11, 22, 8, 0, tzinfo=UTC),
...           "en")
'Monday, November 22, 2021, 8:30–9:00'
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from szo_core.booking.records import ZONE, Appointment, Office
from szo_core.errors import Language
from szo_core.ports import UnitOfWork
from szo_core.templates.formatting import format_date_in_text
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField

__all__ = [
    "CANCELLED_TEMPLATE",
    "CODE_TEMPLATE",
    "CONFIRMED_TEMPLATE",
    "REMINDER_TEMPLATE",
    "default_templates",
    "install_templates",
    "invitation",
    "when_text",
]

CODE_TEMPLATE: Final = "booking.code.email"
CONFIRMED_TEMPLATE: Final = "booking.confirmed.email"
REMINDER_TEMPLATE: Final = "booking.reminder.email"
CANCELLED_TEMPLATE: Final = "booking.cancelled.email"


def when_text(start: datetime, end: datetime, language: str = "sl") -> str:
    """The appointment's day and time the Slovenian way (local time).

    ``ponedeljek, 22. novembra 2021, 8.30–9.00``: the weekday, the date in the
    genitive, the times with a dot and no leading zero; in English CLDR's
    weekday and long date with ``8:30–9:00``.
    """
    from babel.dates import format_date

    local, local_end = start.astimezone(ZONE), end.astimezone(ZONE)
    weekday = format_date(local.date(), "EEEE", locale=language)
    sep = "." if language == "sl" else ":"
    times = f"{local.hour}{sep}{local.minute:02d}–{local_end.hour}{sep}{local_end.minute:02d}"
    return f"{weekday}, {format_date_in_text(local.date(), language)}, {times}"


def _field(name: str, example: str) -> TemplateField:
    return TemplateField(name=name, type=FieldType.TEXT, example=example)


_CODE_FIELDS: Final = (
    _field("ime", "Ana Novak"),
    _field("koda", "123456"),
    _field("minute", "10"),
    _field("urad", "UE Ljubljana"),
    _field("storitev", "Splošne informacije"),
    _field("termin", "ponedeljek, 22. novembra 2021, 8.30–9.00"),
)
_CANCELLED_FIELDS: Final = tuple(f for f in _CODE_FIELDS if f.name not in ("koda", "minute"))
_CONFIRMED_FIELDS: Final = (
    *(f for f in _CODE_FIELDS if f.name not in ("koda", "minute")),
    _field("povezava", "https://video.example.si/c/a1"),
    _field("preklic", "https://portal.example.si/preklic?t=x"),
    _field("prestavitev", "https://portal.example.si/prestavitev?t=x"),
    _field("datoteke", "https://portal.example.si/datoteke?t=x"),
)

_TEXTS: Final[dict[tuple[Language, str], tuple[str, str]]] = {
    ("sl", CODE_TEMPLATE): (
        "Koda za potrditev termina: {{ koda }}",
        "<p>Pozdravljeni, {{ ime }}!</p><p>Vaša koda za potrditev termina je "
        "<strong>{{ koda }}</strong>. Velja {{ minute }} minut in jo lahko uporabite enkrat.</p>"
        "<p>{{ urad }}, {{ storitev }}: {{ termin }}.</p>"
        "<p>Če termina niste rezervirali vi, sporočilo prezrite.</p>",
    ),
    ("en", CODE_TEMPLATE): (
        "Your code to confirm the appointment: {{ koda }}",
        "<p>Hello {{ ime }},</p><p>your code to confirm the appointment is "
        "<strong>{{ koda }}</strong>. It is valid for {{ minute }} minutes and can be used once."
        "</p><p>{{ urad }}, {{ storitev }}: {{ termin }}.</p>"
        "<p>If you did not book this appointment, ignore this message.</p>",
    ),
    ("sl", CONFIRMED_TEMPLATE): (
        "Potrjen termin: {{ termin }}",
        "<p>Pozdravljeni, {{ ime }}!</p><p>Vaš termin na virtualnem okencu je potrjen:</p>"
        "<p><strong>{{ termin }}</strong><br>{{ urad }}, {{ storitev }}</p>"
        '<p>Povezava na videosestanek: <a href="{{ povezava }}">{{ povezava }}</a></p>'
        '<p>Datoteke za sestanek: <a href="{{ datoteke }}">{{ datoteke }}</a></p>'
        '<p><a href="{{ prestavitev }}">Prestavite termin</a> ali '
        '<a href="{{ preklic }}">ga prekličite</a>.</p>',
    ),
    ("en", CONFIRMED_TEMPLATE): (
        "Appointment confirmed: {{ termin }}",
        "<p>Hello {{ ime }},</p><p>your appointment at the virtual counter is confirmed:</p>"
        "<p><strong>{{ termin }}</strong><br>{{ urad }}, {{ storitev }}</p>"
        '<p>Video meeting: <a href="{{ povezava }}">{{ povezava }}</a></p>'
        '<p>Files for the meeting: <a href="{{ datoteke }}">{{ datoteke }}</a></p>'
        '<p><a href="{{ prestavitev }}">Reschedule</a> or '
        '<a href="{{ preklic }}">cancel</a> it.</p>',
    ),
    ("sl", REMINDER_TEMPLATE): (
        "Opomnik: jutri {{ termin }}",
        "<p>Pozdravljeni, {{ ime }}!</p><p>Jutri imate termin na virtualnem okencu:</p>"
        "<p><strong>{{ termin }}</strong><br>{{ urad }}, {{ storitev }}</p>"
        '<p>Povezava na videosestanek: <a href="{{ povezava }}">{{ povezava }}</a></p>'
        '<p>Če ne morete priti, <a href="{{ preklic }}">termin prekličite</a>.</p>',
    ),
    ("en", REMINDER_TEMPLATE): (
        "Reminder: tomorrow {{ termin }}",
        "<p>Hello {{ ime }},</p><p>you have an appointment at the virtual counter tomorrow:</p>"
        "<p><strong>{{ termin }}</strong><br>{{ urad }}, {{ storitev }}</p>"
        '<p>Video meeting: <a href="{{ povezava }}">{{ povezava }}</a></p>'
        '<p>If you cannot come, <a href="{{ preklic }}">cancel it</a>.</p>',
    ),
    ("sl", CANCELLED_TEMPLATE): (
        "Preklican termin: {{ termin }}",
        "<p>Pozdravljeni, {{ ime }}!</p><p>Vaš termin na virtualnem okencu je preklican:</p>"
        "<p><strong>{{ termin }}</strong><br>{{ urad }}, {{ storitev }}</p>"
        "<p>Priloženo vabilo ga odstrani iz vašega koledarja. Nov termin lahko izberete na "
        "portalu.</p>",
    ),
    ("en", CANCELLED_TEMPLATE): (
        "Appointment cancelled: {{ termin }}",
        "<p>Hello {{ ime }},</p><p>your appointment at the virtual counter is cancelled:</p>"
        "<p><strong>{{ termin }}</strong><br>{{ urad }}, {{ storitev }}</p>"
        "<p>The attached invitation removes it from your calendar. You can choose a new "
        "appointment on the portal.</p>",
    ),
}


_FIELDS: Final = {
    CODE_TEMPLATE: _CODE_FIELDS,
    CONFIRMED_TEMPLATE: _CONFIRMED_FIELDS,
    REMINDER_TEMPLATE: _CONFIRMED_FIELDS,
    CANCELLED_TEMPLATE: _CANCELLED_FIELDS,
}


def default_templates(organisation_id: str) -> tuple[MessageTemplate, ...]:
    """The default booking templates of ``organisation_id`` (Slovenian and English).

    >>> [t.key + "/" + t.language for t in default_templates("ue")][:2]
    ['booking.code.email/sl', 'booking.code.email/en']
    """
    out = []
    for (language, key), (subject, html) in _TEXTS.items():
        out.append(
            MessageTemplate(
                organisation_id=organisation_id,
                key=key,
                channel=Channel.EMAIL,
                language=language,
                subject=subject,
                html_body=html,
                fields=_FIELDS[key],
                description="Virtual counter booking (szo_core.booking default).",
            )
        )
    return tuple(out)


def install_templates(uow: UnitOfWork, organisation_id: str) -> int:
    """Save the default templates the organisation does not have yet; return how many.

    The caller commits.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> with MemoryStore().unit_of_work() as uow:
    ...     install_templates(uow, "ue"), install_templates(uow, "ue")
    (8, 0)
    """
    from szo_core.templates.messages import save_template

    saved = 0
    for template in default_templates(organisation_id):
        if uow.templates.latest(organisation_id, template.key, template.language) is None:
            save_template(uow, template)
            saved += 1
    return saved


def invitation(
    office: Office,
    appointment: Appointment,
    *,
    service_name: str,
    meeting_link: str,
    organizer: str,
    now: datetime,
    sequence: int = 0,
    cancelled: bool = False,
) -> bytes:
    """The ICS invitation (RFC 5545, icalendar) with Europe/Ljubljana times and its VTIMEZONE.

    ``DTSTART``/``DTEND`` are local times with ``TZID=Europe/Ljubljana`` and the
    calendar carries the zone's definition, so a calendar program shows the
    same time as the e-mail.  The bytes depend only on the arguments.

    >>> from datetime import UTC, datetime, time
    >>> from szo_core.booking.records import AppointmentState, Contact, OpeningHours, Service
    >>> office = Office(organisation_id="ue", id="c", name="UE Ljubljana",
    ...                 services=(Service(id="info", name="Info", duration_minutes=30),),
    ...                 hours=(OpeningHours(weekday=0, opens=time(8), closes=time(12)),))
    >>> t = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    >>> a = Appointment(organisation_id="ue", id="a1", office_id="c", service_id="info",
    ...                 start=t, end=t.replace(minute=59), state=AppointmentState.CONFIRMED,
    ...                 contact=Contact(name="Ana", email="ana@example.si"),
    ...                 created_at=t, hold_until=t)
    >>> ics = invitation(office, a, service_name="Info", meeting_link="https://v.example.si/a1",
    ...                  organizer="ue@example.si", now=t)
    >>> b"DTSTART;TZID=Europe/Ljubljana:20261123T083000" in ics
    True
    """
    from zoneinfo import ZoneInfo

    import icalendar

    zone = ZoneInfo("Europe/Ljubljana")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//szo_core//booking//SL")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"{appointment.id}@{appointment.organisation_id}.szo-booking")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(zone))
    event.add("dtend", appointment.end.astimezone(zone))
    event.add("sequence", sequence)
    event.add("summary", f"{office.name}: {service_name}")
    event.add("location", meeting_link)
    event.add("url", meeting_link)
    event.add("description", meeting_link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", f"mailto:{organizer}")
    attendee = icalendar.vCalAddress(f"mailto:{appointment.contact.email}")
    attendee.params["cn"] = icalendar.vText(appointment.contact.name)
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data
