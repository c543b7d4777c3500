"""The booking ports: ``uow.booking`` (records) and :class:`BookingFiles` (file bytes).

Adapters: :class:`szo_core.adapters.memory_booking.MemoryBooking` and
:class:`szo_core.adapters.sql.booking.SqlBooking` for the repository (the same
contract tests, ``tests/storage/test_booking_contract.py``);
:class:`szo_core.adapters.booking_files.FolderBookingFiles` and
:class:`szo_core.adapters.memory_booking.MemoryBookingFiles` for the files.

The rule the database keeps: **seats**.  :meth:`BookingRepository.add`
stores an appointment with its seats, one per capacity cell it occupies
(:class:`~szo_core.booking.records.Seat`).  A seat is keyed by (organisation,
office, cell, seat number) and its number is below its capacity, so two
appointments can never take the same seat: when two units of work take the
last seat at once, the second fails with ``storage.duplicate`` (SQL: the
primary key; memory: at commit), never after a check that both passed.

>>> from szo_core.adapters.memory import MemoryStore
>>> MemoryStore().unit_of_work().booking.offices("ue")
()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from szo_core.booking.records import Appointment, Office, Seat, SharedFile, SurveyAnswer

__all__ = ["BookingFiles", "BookingRepository"]


class BookingRepository(Protocol):
    """Offices, appointments with their seats, shared files' records, survey answers."""

    def add_office(self, office: Office) -> Office:
        """Store a new office (``storage.duplicate`` if its id exists)."""
        ...

    def update_office(self, office: Office) -> Office:
        """Store a changed office; its version must be the stored one (bumped on return)."""
        ...

    def get_office(self, organisation_id: str, office_id: str) -> Office:
        """The office (NotFound if none)."""
        ...

    def offices(self, organisation_id: str) -> tuple[Office, ...]:
        """The organisation's offices, by id."""
        ...

    def taken(
        self, organisation_id: str, office_id: str, start: datetime, end: datetime, now: datetime
    ) -> Mapping[datetime, tuple[int, ...]]:
        """Seats live at ``now`` in cells ``start <= cell < end``: cell → seat numbers.

        A seat is live when its appointment is confirmed, or held and the hold
        has not lapsed at ``now``.
        """
        ...

    def add(self, appointment: Appointment, seats: Sequence[Seat]) -> Appointment:
        """Store a new appointment with its seats.

        Seats of lapsed holds in the same cells are removed first.  A seat that
        another live appointment holds is ``storage.duplicate``.
        """
        ...

    def get(self, organisation_id: str, appointment_id: str) -> Appointment:
        """The appointment (NotFound if none)."""
        ...

    def update(self, appointment: Appointment) -> Appointment:
        """Store a changed appointment (version checked and bumped).

        A state other than held or confirmed frees its seats; confirmed makes
        them permanent (no lapse time).
        """
        ...

    def replace_seats(self, appointment: Appointment, seats: Sequence[Seat], now: datetime) -> None:
        """Give the appointment new seats instead of its old ones (a reschedule).

        Seats of holds lapsed at ``now`` are taken over; a live one is ``storage.duplicate``.
        """
        ...

    def seats(self, organisation_id: str, appointment_id: str) -> tuple[Seat, ...]:
        """The appointment's seats, by cell."""
        ...

    def starting(
        self, organisation_id: str, start: datetime, end: datetime
    ) -> tuple[Appointment, ...]:
        """Confirmed appointments starting ``start <= t < end``, by start."""
        ...

    def live_holds(self, organisation_id: str, email: str, now: datetime) -> int:
        """How many holds of ``email`` (case-insensitive) are live at ``now``."""
        ...

    def add_file(self, record: SharedFile) -> SharedFile:
        """Store a shared file's record."""
        ...

    def files(self, organisation_id: str, appointment_id: str) -> tuple[SharedFile, ...]:
        """The appointment's shared files, oldest first."""
        ...

    def remove_files(self, organisation_id: str, appointment_id: str) -> int:
        """Remove the appointment's file records; return how many."""
        ...

    def ended_with_files(self, organisation_id: str, before: datetime) -> tuple[Appointment, ...]:
        """Appointments that ended before ``before`` and still have shared files."""
        ...

    def add_answer(self, answer: SurveyAnswer) -> SurveyAnswer:
        """Store a survey answer (``storage.duplicate``: the appointment has one)."""
        ...

    def answers(self, organisation_id: str, month: str) -> tuple[SurveyAnswer, ...]:
        """Answers for appointments in ``month`` (``YYYY-MM``), by office and time."""
        ...


class BookingFiles(Protocol):
    """Where the bytes of an appointment's shared files live (outside the unit of work).

    Keys are the organisation, the appointment and the file's id (each checked
    so that no key points outside the store).
    """

    def put(self, organisation_id: str, appointment_id: str, file_id: str, data: bytes) -> None:
        """Store ``data``."""
        ...

    def get(self, organisation_id: str, appointment_id: str, file_id: str) -> bytes:
        """The bytes (NotFound if none)."""
        ...

    def delete_all(self, organisation_id: str, appointment_id: str) -> int:
        """Delete every file of the appointment; return how many were deleted."""
        ...
