"""Booking records: offices, services, opening hours, appointments, shared files, answers.

Times of appointments are aware :class:`~datetime.datetime` values in UTC
(stored so); they are shown in Europe/Ljubljana time
(:attr:`Appointment.local_start`).  Opening hours are local wall-clock times.
Contact details (name, e-mail, phone, notes) are personal data: they are never
in ``repr()``.

>>> from datetime import time
>>> office = Office(organisation_id="ue-lj", id="center", name="UE Ljubljana",
...                 services=(Service(id="info", name="Splošne informacije",
...                                   duration_minutes=30),),
...                 hours=(OpeningHours(weekday=0, opens=time(8), closes=time(12)),))
>>> office.service("info").duration_minutes, office.officials
(30, 1)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Final

import attrs
import pendulum

from szo_core.errors import ConfigurationError, InvalidComponent, NotFound

__all__ = [
    "ZONE",
    "Appointment",
    "AppointmentState",
    "Contact",
    "Office",
    "OpeningHours",
    "Seat",
    "Service",
    "SharedFile",
    "Slot",
    "SurveyAnswer",
    "SurveySummary",
]

ZONE: Final = pendulum.timezone("Europe/Ljubljana")
"""The time zone of opening hours and of every time shown."""


def _bad(code: str, sl: str, en: str, where: str) -> ConfigurationError:
    return ConfigurationError(code, sl=sl, en=en, where=where)


def _check_id(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value or len(value) > 100 or not value.isprintable():
        raise _bad(
            "booking.id",
            sl="Oznaka mora biti neprazno besedilo (do 100 znakov).",
            en="An id must be non-empty text (up to 100 characters).",
            where=attribute.name,
        )


def _whole(least: int, most: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
            raise _bad(
                "booking.number",
                sl=f"{attribute.name} mora biti celo število od {least} do {most}.",
                en=f"{attribute.name} must be a whole number from {least} to {most}.",
                where=attribute.name,
            )

    return check


def _aware_utc(value: object, where: str) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise _bad(
            "booking.time",
            sl="Čas mora biti datetime s časovnim pasom.",
            en="A time must be a timezone-aware datetime.",
            where=where,
        )
    return value.astimezone(UTC)


def _utc(value: object) -> datetime:
    return _aware_utc(value, "time")


def _utc_or_none(value: object) -> datetime | None:
    return None if value is None else _aware_utc(value, "time")


@attrs.frozen(kw_only=True)
class Service:
    """A service an office offers at the virtual counter, with its duration.

    Attributes:
        id: The service's id (``info``, ``certificate``, ``own-case``, ``death-notice``).
        name: Its name as shown to citizens.
        duration_minutes: How long an appointment takes (5 to 480 minutes).
    """

    id: str = attrs.field(validator=_check_id)
    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    duration_minutes: int = attrs.field(validator=_whole(5, 480))


@attrs.frozen(kw_only=True)
class OpeningHours:
    """When an office is open on one weekday (local time; several per day allowed).

    Attributes:
        weekday: 0 Monday ... 6 Sunday.
        opens: Local wall-clock time it opens.
        closes: Local wall-clock time it closes (after ``opens``).

    >>> OpeningHours(weekday=0, opens=time(12), closes=time(8))
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: booking.hours: ... (OpeningHours)
    """

    weekday: int = attrs.field(validator=_whole(0, 6))
    opens: time = attrs.field(validator=attrs.validators.instance_of(time))
    closes: time = attrs.field(validator=attrs.validators.instance_of(time))

    def __attrs_post_init__(self) -> None:
        if (
            self.opens.tzinfo is not None
            or self.closes.tzinfo is not None
            or (self.closes <= self.opens)
        ):
            raise _bad(
                "booking.hours",
                sl="Uradne ure: čas zaprtja mora biti za časom odprtja (lokalni čas brez pasu).",
                en="Opening hours: closing must be after opening (local time without zone).",
                where="OpeningHours",
            )


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


def _dates(value: Iterable[date]) -> tuple[date, ...]:
    return tuple(sorted(set(value)))


@attrs.frozen(kw_only=True)
class Office:
    """An office (upravna enota) with its virtual counter's rules.

    Attributes:
        organisation_id: The organisation (the administrative unit's body).
        id: The office's id.
        name: Its name.
        services: What it offers.
        hours: Opening hours per weekday (local time).
        slot_minutes: The grid: slots start every this many minutes from opening.
        buffer_before_minutes: Kept free before an appointment (for the official).
        buffer_after_minutes: Kept free after an appointment.
        officials: How many appointments can run at once (capacity).
        closed_days: The office's own closed days (on top of Slovenian work-free days).
        horizon_days: How many days ahead one can book (today counts as day 0).
        notice_minutes: The least time between booking and the appointment.
        version: For optimistic concurrency (1 for a new office).
    """

    organisation_id: str = attrs.field(validator=_check_id)
    id: str = attrs.field(validator=_check_id)
    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    services: tuple[Service, ...] = attrs.field(converter=_tuple)
    hours: tuple[OpeningHours, ...] = attrs.field(converter=_tuple)
    slot_minutes: int = attrs.field(default=30, validator=_whole(5, 240))
    buffer_before_minutes: int = attrs.field(default=0, validator=_whole(0, 240))
    buffer_after_minutes: int = attrs.field(default=0, validator=_whole(0, 240))
    officials: int = attrs.field(default=1, validator=_whole(1, 100))
    closed_days: tuple[date, ...] = attrs.field(default=(), converter=_dates)
    horizon_days: int = attrs.field(default=30, validator=_whole(0, 731))
    notice_minutes: int = attrs.field(default=120, validator=_whole(0, 60 * 24 * 30))
    version: int = attrs.field(default=1, validator=_whole(1, 2**62))

    def __attrs_post_init__(self) -> None:
        if not self.services or len({s.id for s in self.services}) != len(self.services):
            raise _bad(
                "booking.services",
                sl="Urad mora ponujati vsaj eno storitev; oznake storitev so različne.",
                en="An office must offer at least one service; service ids differ.",
                where="Office.services",
            )
        minutes = [self.slot_minutes, self.buffer_before_minutes, self.buffer_after_minutes]
        minutes += [s.duration_minutes for s in self.services if isinstance(s, Service)]
        if any(m % 5 for m in minutes):
            raise _bad(
                "booking.grid",
                sl="Dolžine terminov, storitev in premorov so večkratniki 5 minut.",
                en="Slot lengths, durations and buffers are multiples of 5 minutes.",
                where="Office",
            )
        for item in (*self.services, *self.hours):
            if not isinstance(item, Service | OpeningHours):
                raise _bad(
                    "booking.office",
                    sl="Storitve in uradne ure morajo biti zapisi Service in OpeningHours.",
                    en="Services and hours must be Service and OpeningHours records.",
                    where="Office",
                )

    def service(self, service_id: str) -> Service:
        """The service ``service_id`` (NotFound if the office does not offer it)."""
        for service in self.services:
            if service.id == service_id:
                return service
        raise NotFound(
            "booking.service",
            sl="Urad te storitve ne ponuja.",
            en="The office does not offer this service.",
            where=f"services {self.id}/{service_id}",
        )


@attrs.frozen(kw_only=True)
class Slot:
    """A free slot: a service at an office from ``start`` to ``end`` (UTC).

    >>> from datetime import UTC, datetime
    >>> s = Slot(office_id="c", service_id="info",
    ...          start=datetime(2026, 7, 1, 6, 30, tzinfo=UTC),
    ...          end=datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    >>> s.local_start.isoformat()
    '2026-07-01T08:30:00+02:00'
    """

    office_id: str
    service_id: str
    start: datetime = attrs.field(converter=_utc)
    end: datetime = attrs.field(converter=_utc)

    @property
    def local_start(self) -> datetime:
        """The start in Europe/Ljubljana time."""
        return self.start.astimezone(ZONE)

    @property
    def local_end(self) -> datetime:
        """The end in Europe/Ljubljana time."""
        return self.end.astimezone(ZONE)


@attrs.frozen(kw_only=True)
class Contact:
    """Who booked: name, e-mail, phone and notes (personal data: never in ``repr()``).

    >>> Contact(name="Ana Novak", email="ana@example.si")
    Contact(<hidden>)
    """

    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    email: str = attrs.field(validator=attrs.validators.instance_of(str))
    phone: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    notes: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def __repr__(self) -> str:
        return "Contact(<hidden>)"

    def __attrs_post_init__(self) -> None:
        phone_ok = len(self.phone) <= 40 and all(c.isdigit() or c in "+ /-()" for c in self.phone)
        if not self.name.strip() or len(self.name) > 200 or len(self.notes) > 2000 or not phone_ok:
            raise InvalidComponent(
                "booking.contact",
                sl="Ime je obvezno (do 200 znakov), telefon ima števke, opombe do 2000 znakov.",
                en="A name is required (up to 200 characters), a phone has digits, notes up "
                "to 2000.",
                where="contact",
            )


class AppointmentState(enum.Enum):
    """Where an appointment is in its life."""

    HELD = "held"
    """Reserved; waiting for the e-mail code (the slot is taken until the hold expires)."""
    CONFIRMED = "confirmed"
    """The code was right: the appointment stands."""
    RELEASED = "released"
    """The citizen went back, or the code was wrong too often: the slot is free."""
    EXPIRED = "expired"
    """Not confirmed in time: the slot is free."""
    CANCELLED = "cancelled"
    """Cancelled through the signed link (or by the office)."""
    CLOSED = "closed"
    """The appointment took place and was closed; its files are deleted."""


@attrs.frozen(kw_only=True)
class Appointment:
    """One reservation: held, then confirmed (or released, expired, cancelled, closed).

    The code fields hold the code's HMAC and its salt only, never the code.

    Attributes:
        organisation_id: The organisation.
        id: The appointment's id (random, 32 hex digits).
        office_id: The office.
        service_id: The service.
        start: Start, UTC.
        end: End, UTC.
        state: See :class:`AppointmentState`.
        contact: Who booked (hidden in ``repr()``).
        created_at: When it was reserved.
        hold_until: Until when the hold keeps the slot.
        code_salt: Hex of the per-hold salt of the code's HMAC.
        code_hash: Hex of the code's HMAC (see :mod:`szo_core.booking.codes`).
        code_expires_at: When the current code stops being valid.
        code_attempts: Wrong tries of the current code.
        code_sends: How many codes were sent for this hold.
        confirmed_at: When it was confirmed, or None.
        closed_at: When it was closed or cancelled, or None.
        version: For optimistic concurrency.
    """

    organisation_id: str = attrs.field(validator=_check_id)
    id: str = attrs.field(validator=_check_id)
    office_id: str = attrs.field(validator=_check_id)
    service_id: str = attrs.field(validator=_check_id)
    start: datetime = attrs.field(converter=_utc)
    end: datetime = attrs.field(converter=_utc)
    state: AppointmentState = attrs.field(validator=attrs.validators.instance_of(AppointmentState))
    contact: Contact = attrs.field(repr=False)
    created_at: datetime = attrs.field(converter=_utc)
    hold_until: datetime = attrs.field(converter=_utc)
    code_salt: str = attrs.field(default="", repr=False)
    code_hash: str = attrs.field(default="", repr=False)
    code_expires_at: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    code_attempts: int = 0
    code_sends: int = 0
    confirmed_at: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    closed_at: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    version: int = 1

    @property
    def local_start(self) -> datetime:
        """The start in Europe/Ljubljana time."""
        return self.start.astimezone(ZONE)

    @property
    def local_end(self) -> datetime:
        """The end in Europe/Ljubljana time."""
        return self.end.astimezone(ZONE)

    def live(self, now: datetime) -> bool:
        """True while it keeps its slot: confirmed, or held and the hold not expired."""
        if self.state is AppointmentState.CONFIRMED:
            return True
        return self.state is AppointmentState.HELD and self.hold_until > now


@attrs.frozen(kw_only=True)
class Seat:
    """One official's place in one grid cell, taken by an appointment (the capacity row).

    The database keys seats by (organisation, office, cell, seat) and checks
    ``0 <= seat < capacity``, so no cell ever has more appointments than officials.

    Attributes:
        organisation_id: The organisation.
        office_id: The office.
        cell: Start of the grid cell (UTC).
        seat: 0 ... capacity - 1.
        capacity: The office's officials when the seat was taken.
        appointment_id: Who holds it.
        held_until: For a hold, when it lapses; None once confirmed.
    """

    organisation_id: str
    office_id: str
    cell: datetime = attrs.field(converter=_utc)
    seat: int
    capacity: int
    appointment_id: str
    held_until: datetime | None = attrs.field(default=None, converter=_utc_or_none)

    def live(self, now: datetime) -> bool:
        """True if the seat is taken at ``now``."""
        return self.held_until is None or self.held_until > now


@attrs.frozen(kw_only=True)
class SharedFile:
    """A file in an appointment's exchange folder (the bytes are in the file port).

    Attributes:
        organisation_id: The organisation.
        appointment_id: The appointment.
        id: The file's id (random, 32 hex digits).
        name: The sanitised name.
        content_type: The media type, checked against the content.
        size: Bytes.
        uploaded_by: ``official`` or ``citizen``.
        uploaded_at: When.
    """

    organisation_id: str
    appointment_id: str
    id: str
    name: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime = attrs.field(converter=_utc)


@attrs.frozen(kw_only=True)
class SurveyAnswer:
    """A citizen's rating of one appointment (one per appointment).

    Attributes:
        organisation_id: The organisation.
        appointment_id: The appointment.
        office_id: Its office.
        month: ``YYYY-MM`` of the appointment's local start (for the summary).
        rating: 1 (poor) to 5 (excellent).
        comment: Optional text (up to 2000 characters).
        answered_at: When.
    """

    organisation_id: str
    appointment_id: str
    office_id: str
    month: str
    rating: int = attrs.field(validator=_whole(1, 5))
    comment: str = attrs.field(default="", repr=False)
    answered_at: datetime = attrs.field(converter=_utc)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.comment, str) or len(self.comment) > 2000:
            raise InvalidComponent(
                "booking.survey.comment",
                sl="Komentar je besedilo do 2000 znakov.",
                en="A comment is text of up to 2000 characters.",
                where="comment",
            )


@attrs.frozen(kw_only=True)
class SurveySummary:
    """Answers of one office in one month.

    Attributes:
        office_id: The office.
        month: ``YYYY-MM``.
        answers: How many answers.
        average: The mean rating, rounded half-up to 2 decimals.
        counts: How many answers gave 1, 2, 3, 4 and 5.
    """

    office_id: str
    month: str
    answers: int
    average: Decimal
    counts: tuple[int, int, int, int, int]
