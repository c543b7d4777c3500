"""Booking in memory: ``uow.booking`` of a memory store, and files in memory.

:class:`MemoryBooking` keeps offices, appointments, seats, shared files'
records and survey answers in the unit of work's tables (committed and
rolled back with every other record).  Seats are keyed as in SQL, so two
units of work taking the same seat fail at the second commit
(``storage.duplicate``): the same guarantee as the primary key there.  Reads
scan (fine for tests and notebooks).

>>> from szo_core.adapters.memory import MemoryStore
>>> MemoryStore().unit_of_work().booking
MemoryBooking()
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from szo_core.adapters._common import conflict, duplicate, not_found
from szo_core.booking.records import (
    Appointment,
    AppointmentState,
    Office,
    Seat,
    SharedFile,
    SurveyAnswer,
)
from szo_core.errors import ConfigurationError

if TYPE_CHECKING:
    from szo_core.adapters.memory import MemoryTable, MemoryUnitOfWork

__all__ = ["MemoryBooking", "MemoryBookingFiles", "check_file_key"]

_LIVE: Final = frozenset({AppointmentState.HELD, AppointmentState.CONFIRMED})
_KEY: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")


def check_file_key(organisation_id: str, appointment_id: str, file_id: str = "x") -> None:
    """Refuse keys a file store cannot hold safely (every file store checks the same).

    >>> check_file_key("ue", "../etc")
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: booking.file_key: ... (file key)
    """
    for value in (organisation_id, appointment_id, file_id):
        if not isinstance(value, str) or _KEY.fullmatch(value) is None:
            raise ConfigurationError(
                "booking.file_key",
                sl="Oznake za datoteke smejo imeti črke, števke in . _ - (ne na začetku .).",
                en="File keys may have letters, digits and . _ - (no leading dot).",
                where="file key",
            )


def _seat_key(seat: Seat) -> tuple[str, tuple[str, datetime, int]]:
    return (seat.organisation_id, (seat.office_id, seat.cell, seat.seat))


class MemoryBooking:
    """``uow.booking`` in memory (see :class:`~szo_core.booking.ports.BookingRepository`)."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._offices: MemoryTable[Office] = uow.table("booking_offices")
        self._appointments: MemoryTable[Appointment] = uow.table("booking_appointments")
        self._seats: MemoryTable[Seat] = uow.table("booking_seats")
        self._files: MemoryTable[SharedFile] = uow.table("booking_files")
        self._answers: MemoryTable[SurveyAnswer] = uow.table("booking_answers")

    def __repr__(self) -> str:
        return "MemoryBooking()"

    # -- offices ----------------------------------------------------------------------

    def add_office(self, office: Office) -> Office:
        """Store a new office."""
        key = (office.organisation_id, office.id)
        if self._offices.get(key) is not None:
            self._uow.rollback()
            raise duplicate("booking_offices", *key)
        self._offices.insert(key, office)
        return office

    def update_office(self, office: Office) -> Office:
        """Store a changed office (version checked)."""
        key = (office.organisation_id, office.id)
        current = self._offices.get(key)
        if current is None:
            raise not_found("booking_offices", *key)
        if current.version != office.version:
            self._uow.rollback()
            raise conflict("booking_offices", *key)
        stored = attrs.evolve(office, version=office.version + 1)
        self._offices.replace(key, stored)
        return stored

    def get_office(self, organisation_id: str, office_id: str) -> Office:
        """The office (NotFound if none)."""
        found = self._offices.get((organisation_id, office_id))
        if found is None:
            raise not_found("booking_offices", organisation_id, office_id)
        return found

    def offices(self, organisation_id: str) -> tuple[Office, ...]:
        """The organisation's offices, by id."""
        found = [o for (org, _), o in self._items(self._offices) if org == organisation_id]
        return tuple(sorted(found, key=lambda o: o.id))

    @staticmethod
    def _items(table: MemoryTable[Any]) -> list[tuple[tuple[str, Any], Any]]:
        return cast(list[tuple[tuple[str, Any], Any]], list(table.items()))

    # -- appointments and seats ------------------------------------------------------

    def taken(
        self, organisation_id: str, office_id: str, start: datetime, end: datetime, now: datetime
    ) -> Mapping[datetime, tuple[int, ...]]:
        """Live seats per cell."""
        out: dict[datetime, list[int]] = {}
        for (org, _), seat in self._items(self._seats):
            if (
                org == organisation_id
                and seat.office_id == office_id
                and start <= seat.cell < end
                and seat.live(now)
            ):
                out.setdefault(seat.cell, []).append(seat.seat)
        return {cell: tuple(sorted(numbers)) for cell, numbers in sorted(out.items())}

    def add(self, appointment: Appointment, seats: Sequence[Seat]) -> Appointment:
        """Store a new appointment with its seats (a live seat taken: duplicate)."""
        key = (appointment.organisation_id, appointment.id)
        if self._appointments.get(key) is not None:
            self._uow.rollback()
            raise duplicate("booking_appointments", *key)
        for seat in seats:
            seat_key = _seat_key(seat)
            existing = self._seats.get(seat_key)
            if existing is not None:
                if existing.live(appointment.created_at):
                    self._uow.rollback()
                    raise duplicate("booking_seats", *seat_key)
                self._seats.delete(seat_key)
            self._seats.insert(seat_key, seat)
        self._appointments.insert(key, appointment)
        return appointment

    def get(self, organisation_id: str, appointment_id: str) -> Appointment:
        """The appointment (NotFound if none)."""
        found = self._appointments.get((organisation_id, appointment_id))
        if found is None:
            raise not_found("booking_appointments", organisation_id, appointment_id)
        return found

    def _own_seats(self, organisation_id: str, appointment_id: str) -> list[Seat]:
        return [
            seat
            for (org, _), seat in self._items(self._seats)
            if org == organisation_id and seat.appointment_id == appointment_id
        ]

    def update(self, appointment: Appointment) -> Appointment:
        """Store a changed appointment; free or fix its seats by its state."""
        key = (appointment.organisation_id, appointment.id)
        current = self._appointments.get(key)
        if current is None:
            raise not_found("booking_appointments", *key)
        if current.version != appointment.version:
            self._uow.rollback()
            raise conflict("booking_appointments", *key)
        for seat in self._own_seats(*key):
            if appointment.state not in _LIVE:
                self._seats.delete(_seat_key(seat))
            elif appointment.state is AppointmentState.CONFIRMED and seat.held_until is not None:
                self._seats.replace(_seat_key(seat), attrs.evolve(seat, held_until=None))
        stored = attrs.evolve(appointment, version=appointment.version + 1)
        self._appointments.replace(key, stored)
        return stored

    def replace_seats(self, appointment: Appointment, seats: Sequence[Seat], now: datetime) -> None:
        """New seats for the appointment instead of its old ones (a live seat taken: duplicate)."""
        for seat in self._own_seats(appointment.organisation_id, appointment.id):
            self._seats.delete(_seat_key(seat))
        for seat in seats:
            seat_key = _seat_key(seat)
            existing = self._seats.get(seat_key)
            if existing is not None:
                if existing.live(now):
                    self._uow.rollback()
                    raise duplicate("booking_seats", *seat_key)
                self._seats.delete(seat_key)
            self._seats.insert(seat_key, seat)

    def seats(self, organisation_id: str, appointment_id: str) -> tuple[Seat, ...]:
        """The appointment's seats, by cell."""
        return tuple(sorted(self._own_seats(organisation_id, appointment_id), key=lambda s: s.cell))

    def starting(
        self, organisation_id: str, start: datetime, end: datetime
    ) -> tuple[Appointment, ...]:
        """Confirmed appointments starting in ``start`` ... ``end``."""
        found = [
            a
            for (org, _), a in self._items(self._appointments)
            if org == organisation_id
            and a.state is AppointmentState.CONFIRMED
            and start <= a.start < end
        ]
        return tuple(sorted(found, key=lambda a: (a.start, a.id)))

    def live_holds(self, organisation_id: str, email: str, now: datetime) -> int:
        """Holds of ``email`` (case-insensitive) still live at ``now``."""
        wanted = email.lower()
        return sum(
            1
            for (org, _), a in self._items(self._appointments)
            if org == organisation_id
            and a.state is AppointmentState.HELD
            and a.hold_until > now
            and a.contact.email.lower() == wanted
        )

    # -- files and answers -------------------------------------------------------------

    def add_file(self, record: SharedFile) -> SharedFile:
        """Store a shared file's record."""
        key = (record.organisation_id, (record.appointment_id, record.id))
        if self._files.get(key) is not None:
            self._uow.rollback()
            raise duplicate("booking_files", *key)
        self._files.insert(key, record)
        return record

    def files(self, organisation_id: str, appointment_id: str) -> tuple[SharedFile, ...]:
        """The appointment's files, oldest first."""
        found = [
            f
            for (org, _), f in self._items(self._files)
            if org == organisation_id and f.appointment_id == appointment_id
        ]
        return tuple(sorted(found, key=lambda f: (f.uploaded_at, f.id)))

    def remove_files(self, organisation_id: str, appointment_id: str) -> int:
        """Remove the appointment's file records."""
        records = self.files(organisation_id, appointment_id)
        for record in records:
            self._files.delete((organisation_id, (appointment_id, record.id)))
        return len(records)

    def ended_with_files(self, organisation_id: str, before: datetime) -> tuple[Appointment, ...]:
        """Appointments ended before ``before`` that still have files."""
        with_files = {
            f.appointment_id for (org, _), f in self._items(self._files) if org == organisation_id
        }
        found = [
            a
            for (org, _), a in self._items(self._appointments)
            if org == organisation_id and a.id in with_files and a.end < before
        ]
        return tuple(sorted(found, key=lambda a: (a.end, a.id)))

    def add_answer(self, answer: SurveyAnswer) -> SurveyAnswer:
        """Store an answer (one per appointment)."""
        key = (answer.organisation_id, answer.appointment_id)
        if self._answers.get(key) is not None:
            self._uow.rollback()
            raise duplicate("booking_answers", *key)
        self._answers.insert(key, answer)
        return answer

    def answers(self, organisation_id: str, month: str) -> tuple[SurveyAnswer, ...]:
        """Answers of ``month``, by office and time."""
        found = [
            a
            for (org, _), a in self._items(self._answers)
            if org == organisation_id and a.month == month
        ]
        return tuple(sorted(found, key=lambda a: (a.office_id, a.answered_at, a.appointment_id)))


class MemoryBookingFiles:
    """A :class:`~szo_core.booking.ports.BookingFiles` in a dict, for tests.

    >>> files = MemoryBookingFiles()
    >>> files.put("ue", "a1", "f1", b"%PDF-1.7")
    >>> files.get("ue", "a1", "f1"), files.delete_all("ue", "a1"), files.delete_all("ue", "a1")
    (b'%PDF-1.7', 1, 0)
    """

    def __init__(self) -> None:
        self._files: dict[tuple[str, str, str], bytes] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryBookingFiles(files={len(self._files)})"

    def put(self, organisation_id: str, appointment_id: str, file_id: str, data: bytes) -> None:
        """Store ``data``."""
        check_file_key(organisation_id, appointment_id, file_id)
        with self._lock:
            self._files[(organisation_id, appointment_id, file_id)] = bytes(data)

    def get(self, organisation_id: str, appointment_id: str, file_id: str) -> bytes:
        """The bytes (NotFound if none)."""
        check_file_key(organisation_id, appointment_id, file_id)
        with self._lock:
            found = self._files.get((organisation_id, appointment_id, file_id))
        if found is None:
            raise not_found("booking_files", organisation_id, file_id)
        return found

    def delete_all(self, organisation_id: str, appointment_id: str) -> int:
        """Delete the appointment's files; return how many."""
        check_file_key(organisation_id, appointment_id)
        with self._lock:
            keys = [k for k in self._files if k[:2] == (organisation_id, appointment_id)]
            for key in keys:
                del self._files[key]
        return len(keys)
