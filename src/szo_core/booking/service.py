"""The booking use cases: :class:`BookingDesk` (reserve, confirm, cancel, files, survey).

Each call opens its own unit of work on the store, reads through
``uow.booking``, calls the pure engines (:mod:`~szo_core.booking.slots`,
:mod:`~szo_core.booking.codes`, :mod:`~szo_core.booking.links`) and writes
back, with the e-mails queued in the outbox in the same commit.  The time
comes from the :class:`~szo_core.ports.Clock` port.

**Reserve** checks that the start is a slot of the office's grid (opening
hours, work-free and closed days, horizon, notice), takes the lowest free
seat in every cell and stores a hold with a fresh code's HMAC; the database
refuses a seat that someone else took in the meantime (:class:`SlotTaken`).
**Confirm** checks the code (10 minutes, once, 5 attempts; a hold released
after the fifth wrong one); **back** releases the hold; an unconfirmed hold
lapses on its own (its seats stop counting at ``hold_until``).

>>> from datetime import UTC, datetime, time
>>> from szo_core.adapters.memory import ManualClock, MemoryStore
>>> from szo_core.booking import (BookingDesk, Contact, LinkSigner, Office, OpeningHours,
...                               Service, TemplateMeetingLinks)
>>> store, clock = MemoryStore(), ManualClock(datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
>>> desk = BookingDesk(store, clock=clock, code_key=b"c" * 32, signer=LinkSigner(b"s" * 32),
...                    meeting=TemplateMeetingLinks("https://video.example.si/{appointment}"),
...                    portal_url="https://portal.example.si/termin", sender="ue@example.si")
>>> with store.unit_of_work() as uow:
...     _ = uow.booking.add_office(Office(organisation_id="ue", id="c", name="UE Center",
...         services=(Service(id="info", name="Splošne informacije", duration_minutes=30),),
...         hours=(OpeningHours(weekday=0, opens=time(8), closes=time(10)),)))
...     desk.install_templates(uow, "ue")
...     uow.commit()
8
>>> slots = desk.free_slots("ue", "c", "info", datetime(2026, 11, 23).date(),
...                         datetime(2026, 11, 23).date())
>>> [s.local_start.strftime("%H.%M") for s in slots]
['08.00', '08.30', '09.00', '09.30']
>>> held = desk.reserve("ue", "c", "info", slots[0].start,
...                     Contact(name="Ana Novak", email="ana@example.si"))
>>> held.state.value, len(desk.free_slots("ue", "c", "info", slots[0].local_start.date(),
...                                        slots[0].local_start.date()))
('held', 3)
"""

from __future__ import annotations

import logging
import random
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, TypeVar

import attrs

from szo_core.booking import codes as _codes
from szo_core.booking.codes import CodePolicy
from szo_core.booking.errors import BookingError, CodeRefused, SlotTaken, slot_taken
from szo_core.booking.links import LinkError, LinkSigner, MeetingLinks
from szo_core.booking.mail import (
    CANCELLED_TEMPLATE,
    CODE_TEMPLATE,
    CONFIRMED_TEMPLATE,
    REMINDER_TEMPLATE,
    install_templates,
    invitation,
    when_text,
)
from szo_core.booking.ports import BookingFiles
from szo_core.booking.records import (
    ZONE,
    Appointment,
    AppointmentState,
    Contact,
    Office,
    Seat,
    SharedFile,
    Slot,
    SurveyAnswer,
    SurveySummary,
)
from szo_core.booking.slots import candidate_slots, free_slots, slot_cells
from szo_core.errors import ConcurrencyConflict, ConfigurationError, StorageError
from szo_core.outbox.seal import OutboxSeal
from szo_core.ports import Clock, Storage, UnitOfWork

__all__ = ["BookingDesk", "BookingLinks", "FileLimits"]

log = logging.getLogger("szo_core.booking")

T = TypeVar("T")

_RETRIES: Final = 12
_MONTH: Final = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@attrs.frozen(kw_only=True)
class BookingLinks:
    """The signed links of one appointment (sent in the confirmation e-mail).

    Attributes:
        cancel: Cancels the appointment.
        reschedule: Moves it to another free slot.
        files: The citizen's side of the file exchange.
        survey: The satisfaction survey (after the appointment).
    """

    cancel: str
    reschedule: str
    files: str
    survey: str


@attrs.frozen(kw_only=True)
class FileLimits:
    """Limits of the file exchange.

    Attributes:
        max_file_bytes: The largest file (10 MB).
        max_files: The most files per appointment (20).
        max_total_bytes: All files of one appointment together (50 MB).
        types: Allowed extensions and media types (PDF preferred; the default is
            PDF, PNG, JPEG, TXT, DOCX, ODT, as for messaging attachments).
        keep_after_end: Files are deleted this long after the appointment's end
            even if nobody closes it (:meth:`BookingDesk.purge_files`).
    """

    max_file_bytes: int = 10 * 1024 * 1024
    max_files: int = 20
    max_total_bytes: int = 50 * 1024 * 1024
    types: Mapping[str, str] = attrs.field(
        factory=lambda: {
            ".pdf": "application/pdf",
            ".png": "image/png",
            ".jpg": "image/jpeg",
            ".jpeg": "image/jpeg",
            ".txt": "text/plain",
            ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".odt": "application/vnd.oasis.opendocument.text",
        }
    )
    keep_after_end: timedelta = timedelta(hours=24)


def _state_error(code: str, sl: str, en: str) -> BookingError:
    return BookingError(code, sl=sl, en=en, where="appointment")


def _gone() -> BookingError:
    return _state_error(
        "booking.state",
        sl="Termin ni več v stanju, ki bi to dovoljevalo.",
        en="The appointment is no longer in a state that allows this.",
    )


def _code_error(code: str, sl: str, en: str) -> CodeRefused:
    return CodeRefused(code, sl=sl, en=en, where="code")


class BookingDesk:
    """The virtual counter's booking use cases (see the module).

    Args:
        store: Where the records are.
        clock: The time.
        code_key: The secret key of the codes' HMAC (at least 32 bytes; keep it
            outside the database).
        signer: Signs the links.
        meeting: Gives each appointment its video meeting link.
        portal_url: The portal's page the signed links point to
            (``<portal_url>/<purpose>?t=<token>``).
        sender: The From address of the e-mails.
        sender_name: Its display name.
        policy: Code and hold lifetimes and limits.
        files: Where shared files are kept (None: no file exchange).
        file_limits: Limits of the file exchange.
        link_days: How long the links stay valid after the appointment.
        language: The e-mails' language (``sl`` by default).
        seal: Encrypts every e-mail the desk queues (they carry the code and
            the signed links; :mod:`szo_core.outbox.seal`); by default a seal
            derived from ``code_key``.  Give the dispatcher the same one
            (``Dispatcher(..., seal=desk.seal)``).
    """

    def __init__(
        self,
        store: Storage,
        *,
        clock: Clock,
        code_key: bytes,
        signer: LinkSigner,
        meeting: MeetingLinks,
        portal_url: str,
        sender: str,
        sender_name: str | None = None,
        policy: CodePolicy | None = None,
        files: BookingFiles | None = None,
        file_limits: FileLimits | None = None,
        link_days: int = 30,
        language: str = "sl",
        seal: OutboxSeal | None = None,
    ) -> None:
        from szo_core.outbox.compose import Composer

        if not isinstance(code_key, bytes) or len(code_key) < 32:
            raise ConfigurationError(
                "booking.key",
                sl="Ključ za kode mora imeti vsaj 32 bajtov.",
                en="The code key must have at least 32 bytes.",
                where="BookingDesk.code_key",
            )
        if not portal_url.startswith("https://"):
            raise ConfigurationError(
                "booking.portal_url",
                sl="Naslov portala mora biti https://.",
                en="The portal's address must be https://.",
                where="BookingDesk.portal_url",
            )
        self.store = store
        self.clock = clock
        self._code_key = code_key
        self.signer = signer
        self.meeting = meeting
        self.portal_url = portal_url.rstrip("/")
        self.sender = sender
        self.sender_name = sender_name
        self.policy = policy or CodePolicy()
        self.files = files
        self.file_limits = file_limits or FileLimits()
        self.link_days = link_days
        self.language = language
        self.seal = seal if seal is not None else OutboxSeal([code_key])
        self.composer = Composer()

    def __repr__(self) -> str:
        return f"BookingDesk(portal_url={self.portal_url!r})"

    # -- helpers ----------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock.now().astimezone(UTC)

    def _retry(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run ``work`` in a fresh unit of work and commit; redo it on a write collision.

        A seat taken by someone else is :class:`SlotTaken` at once; a collision
        that says nothing about the seat (SQLite busy, PostgreSQL serialisation)
        is retried up to 12 times after a short random pause.
        """
        for attempt in range(_RETRIES):
            try:
                with self.store.unit_of_work() as uow:
                    result = work(uow)
                    uow.commit()
                    return result
            except StorageError as exc:
                if exc.code == "storage.duplicate" and "booking_seats" in (exc.where or ""):
                    raise slot_taken() from None
                if not isinstance(exc, ConcurrencyConflict) or isinstance(exc, SlotTaken):
                    raise
                if attempt == _RETRIES - 1:
                    raise
                # Another writer won the race (SQLite busy, a serialisation failure): wait a
                # little, at random, and redo the work on fresh data.
                time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def install_templates(uow: UnitOfWork, organisation_id: str) -> int:
        """Save the default e-mail templates the organisation lacks (see :mod:`.mail`)."""
        return install_templates(uow, organisation_id)

    def links(self, appointment: Appointment) -> BookingLinks:
        """The signed links of ``appointment``."""
        expires = appointment.end + timedelta(days=self.link_days)

        def url(purpose: str) -> str:
            token = self.signer.sign(purpose, appointment.organisation_id, appointment.id, expires)
            return f"{self.portal_url}/{purpose}?t={token}"

        return BookingLinks(
            cancel=url("cancel"),
            reschedule=url("reschedule"),
            files=url("files"),
            survey=url("survey"),
        )

    def official_token(self, appointment: Appointment) -> str:
        """A token for the official's side of the file exchange."""
        expires = appointment.end + timedelta(days=1)
        return self.signer.sign("official", appointment.organisation_id, appointment.id, expires)

    # -- slots ------------------------------------------------------------------------

    @staticmethod
    def _window(first: date, last: date) -> tuple[datetime, datetime]:
        # Cells from the day before to the day after, to see buffers crossing midnight.
        start = datetime(first.year, first.month, first.day, tzinfo=ZONE) - timedelta(days=1)
        end = datetime(last.year, last.month, last.day, tzinfo=ZONE) + timedelta(days=2)
        return start.astimezone(UTC), end.astimezone(UTC)

    @staticmethod
    def _counts(taken: Mapping[datetime, tuple[int, ...]]) -> dict[datetime, int]:
        return {cell: len(seats) for cell, seats in taken.items()}

    def free_slots(
        self, organisation_id: str, office_id: str, service_id: str, first: date, last: date
    ) -> tuple[Slot, ...]:
        """Free slots for the service at the office from ``first`` to ``last`` (local days).

        Raises:
            szo_core.errors.NotFound: No such office or service.
        """
        now = self._now()
        with self.store.unit_of_work() as uow:
            office = uow.booking.get_office(organisation_id, office_id)
            taken = uow.booking.taken(organisation_id, office_id, *self._window(first, last), now)
        return free_slots(office, service_id, first, last, now=now, taken=self._counts(taken))

    def _seats_for(
        self,
        uow: UnitOfWork,
        office: Office,
        service_id: str,
        start: datetime,
        appointment_id: str,
        now: datetime,
        held_until: datetime | None,
        own: frozenset[tuple[datetime, int]] = frozenset(),
    ) -> tuple[Slot, list[Seat]]:
        if not isinstance(start, datetime) or start.utcoffset() is None:
            raise ConfigurationError(
                "booking.time",
                sl="Čas mora biti datetime s časovnim pasom.",
                en="A time must be a timezone-aware datetime.",
                where="start",
            )
        start = start.astimezone(UTC)
        day = start.astimezone(ZONE).date()
        slot = next(
            (s for s in candidate_slots(office, service_id, day, day, now=now) if s.start == start),
            None,
        )
        if slot is None:
            raise SlotTaken(
                "booking.slot_unavailable",
                sl="Tega termina ni mogoče rezervirati (ura, dan, rok ali najkrajši čas vnaprej).",
                en="This slot cannot be booked (time, day, horizon or minimum notice).",
                where="start",
            )
        wanted = slot_cells(office, slot.start, slot.end)
        taken = uow.booking.taken(
            office.organisation_id, office.id, wanted[0], wanted[-1] + timedelta(minutes=5), now
        )
        seats = []
        for cell in wanted:
            used = {n for n in taken.get(cell, ()) if (cell, n) not in own}
            free = next((n for n in range(office.officials) if n not in used), None)
            if free is None:
                raise slot_taken()
            seats.append(
                Seat(
                    organisation_id=office.organisation_id,
                    office_id=office.id,
                    cell=cell,
                    seat=free,
                    capacity=office.officials,
                    appointment_id=appointment_id,
                    held_until=held_until,
                )
            )
        return slot, seats

    # -- reserve and confirm ----------------------------------------------------------

    def _code_values(self, office: Office, appointment: Appointment, code: str) -> dict[str, str]:
        return {
            "ime": appointment.contact.name,
            "koda": code,
            "minute": str(int(self.policy.code_valid.total_seconds() // 60)),
            "urad": office.name,
            "storitev": office.service(appointment.service_id).name,
            "termin": when_text(appointment.start, appointment.end, self.language),
        }

    def _send_code(
        self, uow: UnitOfWork, office: Office, appointment: Appointment, code: str, now: datetime
    ) -> None:
        self.composer.email(
            uow,
            appointment.organisation_id,
            event=f"booking-code:{appointment.id}:{appointment.code_sends}",
            template=CODE_TEMPLATE,
            to=appointment.contact.email,
            values=self._code_values(office, appointment, code),
            sender=self.sender,
            sender_name=self.sender_name,
            now=now,
            language=self.language,
            seal=self.seal,
        )

    def reserve(
        self,
        organisation_id: str,
        office_id: str,
        service_id: str,
        start: datetime,
        contact: Contact,
    ) -> Appointment:
        """Hold the slot at ``start`` and e-mail a 6-digit code; return the hold.

        Raises:
            SlotTaken: ``booking.slot_taken`` (someone holds or booked it; the
                database refused the seat) or ``booking.slot_unavailable`` (not
                a slot of the office's grid, or past the horizon or notice).
            BookingError: ``booking.too_many_holds`` when the address already
                has :attr:`CodePolicy.max_holds` live holds (confirm or go back
                first); nothing is held and no e-mail is sent.
            szo_core.errors.ValidationError: The e-mail address is not one.
        """
        from szo_core.delivery.addresses import validate_email

        if not isinstance(contact, Contact):
            raise ConfigurationError(
                "booking.contact",
                sl="Podatki o osebi morajo biti Contact.",
                en="The contact must be a Contact.",
                where="contact",
            )
        contact = attrs.evolve(contact, email=validate_email(contact.email, where="email"))

        def work(uow: UnitOfWork) -> Appointment:
            now = self._now()
            office = uow.booking.get_office(organisation_id, office_id)
            if uow.booking.live_holds(organisation_id, contact.email, now) >= self.policy.max_holds:
                raise BookingError(
                    "booking.too_many_holds",
                    sl="Na ta e-poštni naslov že čakajo potrditve drugi termini: najprej "
                    "potrdite ali sprostite katerega od njih.",
                    en="This e-mail address already has holds waiting for confirmation: "
                    "confirm or release one of them first.",
                    where="email",
                )
            ident = secrets.token_hex(16)
            hold_until = now + self.policy.hold
            slot, seats = self._seats_for(uow, office, service_id, start, ident, now, hold_until)
            code = _codes.new_code()
            salt, digest = _codes.hash_code(self._code_key, ident, code)
            appointment = Appointment(
                organisation_id=organisation_id,
                id=ident,
                office_id=office_id,
                service_id=service_id,
                start=slot.start,
                end=slot.end,
                state=AppointmentState.HELD,
                contact=contact,
                created_at=now,
                hold_until=hold_until,
                code_salt=salt,
                code_hash=digest,
                code_expires_at=now + self.policy.code_valid,
                code_sends=1,
            )
            uow.booking.add(appointment, seats)
            self._send_code(uow, office, appointment, code, now)
            return appointment

        return self._retry(work)

    def resend_code(self, organisation_id: str, appointment_id: str) -> Appointment:
        """E-mail a new code for the hold; the old code stops working.

        Raises:
            CodeRefused: ``booking.code.resend_limit`` (all sends used) or
                ``booking.code.resend_wait`` (too soon after the last one).
            BookingError: ``booking.state`` / ``booking.hold.expired``.
        """

        def work(uow: UnitOfWork) -> Appointment:
            now = self._now()
            appointment = self._held(uow, organisation_id, appointment_id, now)
            if appointment.code_sends >= self.policy.max_sends:
                raise _code_error(
                    "booking.code.resend_limit",
                    sl="Kode ni mogoče poslati znova: porabljena so vsa pošiljanja.",
                    en="The code cannot be sent again: every send is used.",
                )
            sent_at = (appointment.code_expires_at or now) - self.policy.code_valid
            if now - sent_at < self.policy.resend_after:
                raise _code_error(
                    "booking.code.resend_wait",
                    sl="Novo kodo lahko zahtevate čez minuto.",
                    en="You can ask for a new code in a minute.",
                )
            office = uow.booking.get_office(organisation_id, appointment.office_id)
            code = _codes.new_code()
            salt, digest = _codes.hash_code(self._code_key, appointment.id, code)
            changed = attrs.evolve(
                appointment,
                code_salt=salt,
                code_hash=digest,
                code_expires_at=now + self.policy.code_valid,
                code_sends=appointment.code_sends + 1,
            )
            stored = uow.booking.update(changed)
            self._send_code(uow, office, stored, code, now)
            return stored

        return self._retry(work)

    def _held(
        self, uow: UnitOfWork, organisation_id: str, appointment_id: str, now: datetime
    ) -> Appointment:
        appointment = uow.booking.get(organisation_id, appointment_id)
        if appointment.state is not AppointmentState.HELD:
            raise _gone()
        if appointment.hold_until <= now:
            uow.booking.update(attrs.evolve(appointment, state=AppointmentState.EXPIRED))
            uow.commit()
            raise _state_error(
                "booking.hold.expired",
                sl="Rezervacija je potekla; termin je spet prost.",
                en="The hold has expired; the slot is free again.",
            )
        return appointment

    def confirm(self, organisation_id: str, appointment_id: str, code: str) -> Appointment:
        """Confirm the hold with its e-mail code; send the confirmation; return the booking.

        Raises:
            CodeRefused: ``booking.code.wrong`` (attempts left),
                ``booking.code.attempts`` (the fifth wrong code: the hold is
                released), ``booking.code.expired``.
            BookingError: ``booking.state`` (not a hold: used, released,
                cancelled) or ``booking.hold.expired``.
        """

        def work(uow: UnitOfWork) -> Appointment:
            now = self._now()
            appointment = self._held(uow, organisation_id, appointment_id, now)
            if appointment.code_expires_at is None or appointment.code_expires_at <= now:
                raise _code_error(
                    "booking.code.expired",
                    sl="Koda je potekla; zahtevajte novo.",
                    en="The code has expired; ask for a new one.",
                )
            if not _codes.check_code(
                self._code_key, appointment.id, code, appointment.code_salt, appointment.code_hash
            ):
                attempts = appointment.code_attempts + 1
                if attempts >= self.policy.max_attempts:
                    uow.booking.update(
                        attrs.evolve(
                            appointment,
                            code_attempts=attempts,
                            state=AppointmentState.RELEASED,
                            code_hash="",
                            code_salt="",
                            closed_at=now,
                        )
                    )
                    uow.commit()
                    raise _code_error(
                        "booking.code.attempts",
                        sl="Preveč napačnih kod; rezervacija je sproščena.",
                        en="Too many wrong codes; the hold is released.",
                    )
                uow.booking.update(attrs.evolve(appointment, code_attempts=attempts))
                uow.commit()
                left = self.policy.max_attempts - attempts
                raise _code_error(
                    "booking.code.wrong",
                    sl=f"Koda ni pravilna; poskusov je še {left}.",
                    en=f"The code is not right; {left} attempts left.",
                )
            office = uow.booking.get_office(organisation_id, appointment.office_id)
            held_seats = uow.booking.seats(organisation_id, appointment.id)
            if len(held_seats) != len(slot_cells(office, appointment.start, appointment.end)):
                # Another reservation took the seats over (its clock saw the hold lapsed).
                uow.booking.update(attrs.evolve(appointment, state=AppointmentState.EXPIRED))
                uow.commit()
                raise _state_error(
                    "booking.hold.expired",
                    sl="Rezervacija je potekla; termin je spet prost.",
                    en="The hold has expired; the slot is free again.",
                )
            confirmed = uow.booking.update(
                attrs.evolve(
                    appointment,
                    state=AppointmentState.CONFIRMED,
                    code_hash="",
                    code_salt="",
                    code_expires_at=None,
                    confirmed_at=now,
                )
            )
            self._send_confirmation(uow, confirmed, now)
            return confirmed

        return self._retry(work)

    def _values(self, office: Office, appointment: Appointment) -> dict[str, str]:
        links = self.links(appointment)
        return {
            "ime": appointment.contact.name,
            "urad": office.name,
            "storitev": office.service(appointment.service_id).name,
            "termin": when_text(appointment.start, appointment.end, self.language),
            "povezava": self.meeting.link(office, appointment),
            "preklic": links.cancel,
            "prestavitev": links.reschedule,
            "datoteke": links.files,
        }

    def _send_confirmation(self, uow: UnitOfWork, appointment: Appointment, now: datetime) -> None:
        from szo_core.delivery.message import Attachment

        office = uow.booking.get_office(appointment.organisation_id, appointment.office_id)
        values = self._values(office, appointment)
        ics = invitation(
            office,
            appointment,
            service_name=values["storitev"],
            meeting_link=values["povezava"],
            organizer=self.sender,
            now=now,
            sequence=appointment.version,
        )
        self.composer.email(
            uow,
            appointment.organisation_id,
            event=f"booking-confirmed:{appointment.id}:{appointment.start.isoformat()}",
            template=CONFIRMED_TEMPLATE,
            to=appointment.contact.email,
            values=values,
            sender=self.sender,
            sender_name=self.sender_name,
            now=now,
            attachments=(Attachment("termin.ics", ics, "text/calendar; method=REQUEST"),),
            language=self.language,
            seal=self.seal,
        )

    def back(self, organisation_id: str, appointment_id: str) -> Appointment:
        """The citizen went back: release the hold (the slot is free at once)."""

        def work(uow: UnitOfWork) -> Appointment:
            appointment = uow.booking.get(organisation_id, appointment_id)
            if appointment.state is not AppointmentState.HELD:
                raise _gone()
            return uow.booking.update(
                attrs.evolve(
                    appointment,
                    state=AppointmentState.RELEASED,
                    code_hash="",
                    code_salt="",
                    closed_at=self._now(),
                )
            )

        return self._retry(work)

    # -- cancel, reschedule, reminders ------------------------------------------------

    def _by_token(self, uow: UnitOfWork, token: str, purpose: str) -> Appointment:
        organisation_id, appointment_id = self.signer.verify(token, purpose, now=self._now())
        return uow.booking.get(organisation_id, appointment_id)

    def cancel(self, token: str) -> Appointment:
        """Cancel the booking behind a signed cancel link; e-mail an ICS that removes it.

        Raises:
            szo_core.booking.links.LinkError: The link is changed or expired.
            BookingError: ``booking.state`` (not a confirmed booking).
        """

        def work(uow: UnitOfWork) -> Appointment:
            appointment = self._by_token(uow, token, "cancel")
            if appointment.state is not AppointmentState.CONFIRMED:
                raise _gone()
            now = self._now()
            cancelled = uow.booking.update(
                attrs.evolve(appointment, state=AppointmentState.CANCELLED, closed_at=now)
            )
            self._send_cancellation(uow, cancelled, now)
            return cancelled

        return self._retry(work)

    def _send_cancellation(self, uow: UnitOfWork, appointment: Appointment, now: datetime) -> None:
        from szo_core.delivery.message import Attachment

        office = uow.booking.get_office(appointment.organisation_id, appointment.office_id)
        service_name = office.service(appointment.service_id).name
        ics = invitation(
            office,
            appointment,
            service_name=service_name,
            meeting_link=self.meeting.link(office, appointment),
            organizer=self.sender,
            now=now,
            sequence=appointment.version,
            cancelled=True,
        )
        self.composer.email(
            uow,
            appointment.organisation_id,
            event=f"booking-cancelled:{appointment.id}",
            template=CANCELLED_TEMPLATE,
            to=appointment.contact.email,
            values={
                "ime": appointment.contact.name,
                "urad": office.name,
                "storitev": service_name,
                "termin": when_text(appointment.start, appointment.end, self.language),
            },
            sender=self.sender,
            sender_name=self.sender_name,
            now=now,
            attachments=(Attachment("termin.ics", ics, "text/calendar; method=CANCEL"),),
            language=self.language,
            seal=self.seal,
        )

    def reschedule(self, token: str, start: datetime) -> Appointment:
        """Move the booking behind a signed reschedule link to the free slot at ``start``.

        The new seats are taken in the same commit that gives up the old ones; a
        new confirmation (with a new ICS, a higher ``SEQUENCE``) is queued.

        Raises:
            SlotTaken: The new slot is taken or not on offer.
            BookingError: ``booking.state`` (cancelled or closed: an old link
                moves nothing).
        """

        def work(uow: UnitOfWork) -> Appointment:
            now = self._now()
            appointment = self._by_token(uow, token, "reschedule")
            if appointment.state is not AppointmentState.CONFIRMED:
                raise _gone()
            office = uow.booking.get_office(appointment.organisation_id, appointment.office_id)
            own = uow.booking.seats(appointment.organisation_id, appointment.id)
            slot, seats = self._seats_for(
                uow,
                office,
                appointment.service_id,
                start,
                appointment.id,
                now,
                None,
                frozenset((s.cell, s.seat) for s in own),
            )
            uow.booking.replace_seats(appointment, seats, now)
            moved = uow.booking.update(attrs.evolve(appointment, start=slot.start, end=slot.end))
            self._send_confirmation(uow, moved, now)
            return moved

        return self._retry(work)

    def queue_reminders(self, organisation_id: str) -> int:
        """Queue the reminder for every booking of tomorrow (local day); return how many.

        Run it once a day or more often: the outbox's idempotency key (the
        booking and its start) queues each reminder once; a booking cancelled
        before this runs gets none.
        """

        def work(uow: UnitOfWork) -> int:
            now = self._now()
            tomorrow = now.astimezone(ZONE).date() + timedelta(days=1)
            first = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=ZONE)
            day_after = first.date() + timedelta(days=1)
            last = datetime(day_after.year, day_after.month, day_after.day, tzinfo=ZONE)
            due = uow.booking.starting(organisation_id, first.astimezone(UTC), last.astimezone(UTC))
            offices: dict[str, Office] = {}
            for appointment in due:
                office = offices.get(appointment.office_id)
                if office is None:
                    office = uow.booking.get_office(organisation_id, appointment.office_id)
                    offices[office.id] = office
                self.composer.email(
                    uow,
                    organisation_id,
                    event=f"booking-reminder:{appointment.id}:{appointment.start.isoformat()}",
                    template=REMINDER_TEMPLATE,
                    to=appointment.contact.email,
                    values=self._values(office, appointment),
                    sender=self.sender,
                    sender_name=self.sender_name,
                    now=now,
                    language=self.language,
                    seal=self.seal,
                )
            return len(due)

        return self._retry(work)

    # -- file exchange ----------------------------------------------------------------

    def _file_side(self, uow: UnitOfWork, token: str) -> tuple[Appointment, str]:
        try:
            return self._by_token(uow, token, "files"), "citizen"
        except LinkError:
            return self._by_token(uow, token, "official"), "official"

    def _file_store(self) -> BookingFiles:
        if self.files is None:
            raise ConfigurationError(
                "booking.files",
                sl="Izmenjava datotek ni nastavljena.",
                en="The file exchange is not set up.",
                where="BookingDesk.files",
            )
        return self.files

    def upload(self, token: str, name: str, data: bytes) -> SharedFile:
        """Store a file in the appointment's folder (citizen's or official's signed link).

        The name is made safe, the type must be allowed and the content must
        match it (as for messaging attachments), and the limits of
        :class:`FileLimits` hold.

        Raises:
            BookingError: ``booking.files.closed`` (the appointment is closed,
                cancelled or not confirmed).
            szo_core.errors.ValidationError: ``messaging.attachment.*`` (type,
                size, content), ``booking.files.count``, ``booking.files.total``.
        """
        from szo_core.errors import InvalidComponent
        from szo_core.messaging.attachments import AttachmentLimits, check_upload

        store = self._file_store()
        limits = self.file_limits
        checks = AttachmentLimits(
            max_file_bytes=limits.max_file_bytes,
            max_total_bytes=limits.max_total_bytes,
            max_files=limits.max_files,
            types=limits.types,
        )
        with self.store.unit_of_work() as uow:
            appointment, side = self._file_side(uow, token)
            self._open_for_files(appointment)
            ref, content = check_upload(name, data, limits=checks)
            present = uow.booking.files(appointment.organisation_id, appointment.id)
            if len(present) >= limits.max_files:
                raise InvalidComponent(
                    "booking.files.count",
                    sl=f"Termin ima lahko največ {limits.max_files} datotek.",
                    en=f"An appointment may have at most {limits.max_files} files.",
                    where="files",
                )
            if sum(f.size for f in present) + ref.size > limits.max_total_bytes:
                raise InvalidComponent(
                    "booking.files.total",
                    sl="Datoteke termina so skupaj prevelike.",
                    en="The appointment's files are too big in all.",
                    where="files",
                )
            record = SharedFile(
                organisation_id=appointment.organisation_id,
                appointment_id=appointment.id,
                id=secrets.token_hex(16),
                name=ref.name,
                content_type=ref.content_type,
                size=ref.size,
                uploaded_by=side,
                uploaded_at=self._now(),
            )
            store.put(record.organisation_id, record.appointment_id, record.id, content)
            uow.booking.add_file(record)
            uow.commit()
        return record

    @staticmethod
    def _open_for_files(appointment: Appointment) -> None:
        if appointment.state is not AppointmentState.CONFIRMED:
            raise _state_error(
                "booking.files.closed",
                sl="Termin je zaključen; datoteke so izbrisane in novih ni mogoče dodati.",
                en="The appointment is closed; its files are deleted and no new ones are taken.",
            )

    def list_files(self, token: str) -> tuple[SharedFile, ...]:
        """The appointment's files (either side's link)."""
        with self.store.unit_of_work() as uow:
            appointment, _ = self._file_side(uow, token)
            self._open_for_files(appointment)
            return uow.booking.files(appointment.organisation_id, appointment.id)

    def download(self, token: str, file_id: str) -> tuple[SharedFile, bytes]:
        """One file and its bytes (either side's link; refused once closed)."""
        from szo_core.adapters._common import not_found

        with self.store.unit_of_work() as uow:
            appointment, _ = self._file_side(uow, token)
            self._open_for_files(appointment)
            for record in uow.booking.files(appointment.organisation_id, appointment.id):
                if record.id == file_id:
                    data = self._file_store().get(record.organisation_id, appointment.id, file_id)
                    return record, data
        raise not_found("booking_files", appointment.organisation_id, file_id)

    def _delete_files(self, uow: UnitOfWork, appointment: Appointment, reason: str) -> int:
        removed = uow.booking.remove_files(appointment.organisation_id, appointment.id)
        deleted = 0
        if self.files is not None:
            deleted = self.files.delete_all(appointment.organisation_id, appointment.id)
        if removed or deleted:
            log.info(
                "booking files deleted: organisation=%s appointment=%s files=%d reason=%s",
                appointment.organisation_id,
                appointment.id,
                max(removed, deleted),
                reason,
            )
        return max(removed, deleted)

    def close(self, organisation_id: str, appointment_id: str) -> Appointment:
        """Close the appointment after it took place: its files are deleted (and logged)."""

        def work(uow: UnitOfWork) -> Appointment:
            appointment = uow.booking.get(organisation_id, appointment_id)
            if appointment.state is not AppointmentState.CONFIRMED:
                raise _gone()
            closed = uow.booking.update(
                attrs.evolve(appointment, state=AppointmentState.CLOSED, closed_at=self._now())
            )
            self._delete_files(uow, closed, "closed")
            return closed

        return self._retry(work)

    def purge_files(self, organisation_id: str) -> int:
        """Delete the files of appointments that ended ``keep_after_end`` ago; return how many."""

        def work(uow: UnitOfWork) -> int:
            before = self._now() - self.file_limits.keep_after_end
            return sum(
                self._delete_files(uow, a, "retention")
                for a in uow.booking.ended_with_files(organisation_id, before)
            )

        return self._retry(work)

    # -- survey -----------------------------------------------------------------------

    def answer_survey(self, token: str, rating: int, comment: str = "") -> SurveyAnswer:
        """Store the citizen's rating (1–5) and comment; one answer per booking.

        Raises:
            BookingError: ``booking.survey.early`` (before the appointment's
                end), ``booking.survey.duplicate`` (already answered),
                ``booking.state`` (cancelled, never confirmed).
        """
        now = self._now()
        try:
            with self.store.unit_of_work() as uow:
                appointment = self._by_token(uow, token, "survey")
                if appointment.state not in (AppointmentState.CONFIRMED, AppointmentState.CLOSED):
                    raise _gone()
                if appointment.end > now:
                    raise _state_error(
                        "booking.survey.early",
                        sl="Anketa je na voljo po terminu.",
                        en="The survey opens after the appointment.",
                    )
                answer = SurveyAnswer(
                    organisation_id=appointment.organisation_id,
                    appointment_id=appointment.id,
                    office_id=appointment.office_id,
                    month=appointment.local_start.strftime("%Y-%m"),
                    rating=rating,
                    comment=comment,
                    answered_at=now,
                )
                uow.booking.add_answer(answer)
                uow.commit()
                return answer
        except StorageError as exc:
            if exc.code != "storage.duplicate":
                raise
            raise _state_error(
                "booking.survey.duplicate",
                sl="Na anketo za ta termin ste že odgovorili.",
                en="The survey for this appointment is answered already.",
            ) from None

    def survey_summary(self, organisation_id: str, month: str) -> tuple[SurveySummary, ...]:
        """Answers per office for ``month`` (``YYYY-MM``): count, average, distribution."""
        if not isinstance(month, str) or _MONTH.fullmatch(month) is None:
            raise ConfigurationError(
                "booking.month",
                sl="Mesec podajte kot LLLL-MM.",
                en="Give the month as YYYY-MM.",
                where="month",
            )
        with self.store.unit_of_work() as uow:
            answers = uow.booking.answers(organisation_id, month)
        return summarise(answers, month)


def summarise(answers: Sequence[SurveyAnswer], month: str) -> tuple[SurveySummary, ...]:
    """Per-office summaries of ``answers`` (the average rounded half-up to 2 decimals).

    >>> from datetime import UTC, datetime
    >>> t = datetime(2026, 11, 23, 10, tzinfo=UTC)
    >>> a = [SurveyAnswer(organisation_id="ue", appointment_id=str(i), office_id="c",
    ...                   month="2026-11", rating=r, answered_at=t)
    ...      for i, r in enumerate([5, 4, 4])]
    >>> s = summarise(a, "2026-11")[0]
    >>> s.answers, s.average, s.counts
    (3, Decimal('4.33'), (0, 0, 0, 2, 1))
    """
    by_office: dict[str, list[int]] = {}
    for answer in answers:
        by_office.setdefault(answer.office_id, []).append(answer.rating)
    out = []
    for office_id in sorted(by_office):
        ratings = by_office[office_id]
        average = (Decimal(sum(ratings)) / Decimal(len(ratings))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        counts = tuple(ratings.count(n) for n in range(1, 6))
        out.append(
            SurveySummary(
                office_id=office_id,
                month=month,
                answers=len(ratings),
                average=average,
                counts=(counts[0], counts[1], counts[2], counts[3], counts[4]),
            )
        )
    return tuple(out)
