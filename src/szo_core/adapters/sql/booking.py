"""Booking on SQLite and PostgreSQL: ``uow.booking`` of a SQL unit of work.

Five tables (:mod:`szo_core.adapters.sql.tables`, migration ``0015_booking``):
``szo_booking_office`` (services, hours and closed days as JSON),
``szo_booking_appointment``, ``szo_booking_seat``, ``szo_booking_file`` and
``szo_booking_answer``.  Times are stored as naive UTC.

**The capacity is a constraint.**  A seat row is keyed by (organisation,
office, cell, seat) and checked ``0 <= seat < capacity``.  :meth:`SqlBooking.add`
first deletes the seats of holds that lapsed in the same cells, then inserts
the new seats: when two transactions take the same seat, the database refuses
the second (``storage.duplicate``; on PostgreSQL the second waits for the first
to commit, then fails), so two citizens never get one official's time, whatever
the application checked before.

**Free slots** read the live seats of an office in a range with one
``SELECT`` over the primary key (organisation, office, cell).

>>> from datetime import time
>>> from szo_core.adapters.sql import SqlStore
>>> from szo_core.booking import Office, OpeningHours, Service
>>> store = SqlStore.open(":memory:")
>>> with store.unit_of_work() as uow:
...     _ = uow.booking.add_office(Office(organisation_id="ue", id="c", name="Center",
...         services=(Service(id="info", name="Info", duration_minutes=30),),
...         hours=(OpeningHours(weekday=0, opens=time(8), closes=time(12)),)))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.booking.get_office("ue", "c").hours[0].closes
datetime.time(12, 0)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Final, cast

import attrs
from sqlalchemy import Table, and_, delete, exists, func, insert, or_, select, update

from szo_core.adapters._common import conflict, not_found
from szo_core.adapters.sql.tables import (
    booking_answer,
    booking_appointment,
    booking_file,
    booking_office,
    booking_seat,
)
from szo_core.booking.records import (
    Appointment,
    AppointmentState,
    Contact,
    Office,
    OpeningHours,
    Seat,
    Service,
    SharedFile,
    SurveyAnswer,
)

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = ["SqlBooking"]

_STATES: Final = {s.value: s for s in AppointmentState}
_LIVE: Final = (AppointmentState.HELD.value, AppointmentState.CONFIRMED.value)


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _time(value: datetime | str) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC)


def _opt(value: datetime | str | None) -> datetime | None:
    return None if value is None else _time(value)


def _office_row(o: Office) -> dict[str, object]:
    return {
        "organisation_id": o.organisation_id,
        "id": o.id,
        "name": o.name,
        "services": json.dumps([[s.id, s.name, s.duration_minutes] for s in o.services]),
        "hours": json.dumps(
            [[h.weekday, h.opens.isoformat(), h.closes.isoformat()] for h in o.hours]
        ),
        "slot_minutes": o.slot_minutes,
        "buffer_before_minutes": o.buffer_before_minutes,
        "buffer_after_minutes": o.buffer_after_minutes,
        "officials": o.officials,
        "closed_days": json.dumps([d.isoformat() for d in o.closed_days]),
        "horizon_days": o.horizon_days,
        "notice_minutes": o.notice_minutes,
        "version": o.version,
    }


def _office_from(v: Mapping[str, Any]) -> Office:
    return Office(
        organisation_id=v["organisation_id"],
        id=v["id"],
        name=v["name"],
        services=tuple(
            Service(id=i, name=n, duration_minutes=d) for i, n, d in json.loads(v["services"])
        ),
        hours=tuple(
            OpeningHours(weekday=w, opens=time.fromisoformat(a), closes=time.fromisoformat(b))
            for w, a, b in json.loads(v["hours"])
        ),
        slot_minutes=v["slot_minutes"],
        buffer_before_minutes=v["buffer_before_minutes"],
        buffer_after_minutes=v["buffer_after_minutes"],
        officials=v["officials"],
        closed_days=tuple(date.fromisoformat(d) for d in json.loads(v["closed_days"])),
        horizon_days=v["horizon_days"],
        notice_minutes=v["notice_minutes"],
        version=v["version"],
    )


def _appointment_row(a: Appointment) -> dict[str, object]:
    return {
        "organisation_id": a.organisation_id,
        "id": a.id,
        "office_id": a.office_id,
        "service_id": a.service_id,
        "starts_at": _naive(a.start),
        "ends_at": _naive(a.end),
        "state": a.state.value,
        "name": a.contact.name,
        "email": a.contact.email,
        "phone": a.contact.phone,
        "notes": a.contact.notes,
        "created_at": _naive(a.created_at),
        "hold_until": _naive(a.hold_until),
        "code_salt": a.code_salt,
        "code_hash": a.code_hash,
        "code_expires_at": None if a.code_expires_at is None else _naive(a.code_expires_at),
        "code_attempts": a.code_attempts,
        "code_sends": a.code_sends,
        "confirmed_at": None if a.confirmed_at is None else _naive(a.confirmed_at),
        "closed_at": None if a.closed_at is None else _naive(a.closed_at),
        "version": a.version,
    }


def _appointment_from(v: Mapping[str, Any]) -> Appointment:
    return Appointment(
        organisation_id=v["organisation_id"],
        id=v["id"],
        office_id=v["office_id"],
        service_id=v["service_id"],
        start=_time(v["starts_at"]),
        end=_time(v["ends_at"]),
        state=_STATES[v["state"]],
        contact=Contact(name=v["name"], email=v["email"], phone=v["phone"], notes=v["notes"]),
        created_at=_time(v["created_at"]),
        hold_until=_time(v["hold_until"]),
        code_salt=v["code_salt"],
        code_hash=v["code_hash"],
        code_expires_at=_opt(v["code_expires_at"]),
        code_attempts=v["code_attempts"],
        code_sends=v["code_sends"],
        confirmed_at=_opt(v["confirmed_at"]),
        closed_at=_opt(v["closed_at"]),
        version=v["version"],
    )


def _seat_row(s: Seat) -> dict[str, object]:
    return {
        "organisation_id": s.organisation_id,
        "office_id": s.office_id,
        "cell": _naive(s.cell),
        "seat": s.seat,
        "capacity": s.capacity,
        "appointment_id": s.appointment_id,
        "held_until": None if s.held_until is None else _naive(s.held_until),
    }


def _seat_from(v: Mapping[str, Any]) -> Seat:
    return Seat(
        organisation_id=v["organisation_id"],
        office_id=v["office_id"],
        cell=_time(v["cell"]),
        seat=v["seat"],
        capacity=v["capacity"],
        appointment_id=v["appointment_id"],
        held_until=_opt(v["held_until"]),
    )


class SqlBooking:
    """``uow.booking`` on SQL (see :class:`~szo_core.booking.ports.BookingRepository`)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def __repr__(self) -> str:
        return "SqlBooking()"

    def _mappings(self, kind: str, statement: Any) -> list[Mapping[str, Any]]:
        with self._uow.guard(kind):
            rows = self._uow.connection.execute(statement).mappings().all()
            return cast(list[Mapping[str, Any]], list(rows))

    def _run(self, kind: str, statement: Any, values: Any = None) -> Any:
        with self._uow.guard(kind):
            if values is None:
                return self._uow.connection.execute(statement)
            return self._uow.connection.execute(statement, values)

    @staticmethod
    def _key(table: Table, organisation_id: str, **columns: object) -> Any:
        return and_(
            table.c.organisation_id == organisation_id,
            *(table.c[name] == value for name, value in columns.items()),
        )

    # -- offices ----------------------------------------------------------------------

    def add_office(self, office: Office) -> Office:
        """Store a new office."""
        self._run("booking_offices", insert(booking_office), _office_row(office))
        return office

    def update_office(self, office: Office) -> Office:
        """Store a changed office (version checked)."""
        stored = attrs.evolve(office, version=office.version + 1)
        result = self._run(
            "booking_offices",
            update(booking_office)
            .where(self._key(booking_office, office.organisation_id, id=office.id))
            .where(booking_office.c.version == office.version)
            .values(_office_row(stored)),
        )
        if result.rowcount != 1:
            self.get_office(office.organisation_id, office.id)
            self._uow.rollback()
            raise conflict("booking_offices", office.organisation_id, office.id)
        return stored

    def get_office(self, organisation_id: str, office_id: str) -> Office:
        """The office (NotFound if none)."""
        rows = self._mappings(
            "booking_offices",
            select(booking_office).where(self._key(booking_office, organisation_id, id=office_id)),
        )
        if not rows:
            raise not_found("booking_offices", organisation_id, office_id)
        return _office_from(rows[0])

    def offices(self, organisation_id: str) -> tuple[Office, ...]:
        """The organisation's offices, by id."""
        rows = self._mappings(
            "booking_offices",
            select(booking_office)
            .where(booking_office.c.organisation_id == organisation_id)
            .order_by(booking_office.c.id),
        )
        return tuple(_office_from(r) for r in rows)

    # -- appointments and seats ------------------------------------------------------

    def taken(
        self, organisation_id: str, office_id: str, start: datetime, end: datetime, now: datetime
    ) -> Mapping[datetime, tuple[int, ...]]:
        """Live seats per cell (one SELECT over the primary key)."""
        s = booking_seat.c
        statement = (
            select(s.cell, s.seat)
            .where(s.organisation_id == organisation_id, s.office_id == office_id)
            .where(s.cell >= _naive(start), s.cell < _naive(end))
            .where(or_(s.held_until.is_(None), s.held_until > _naive(now)))
            .order_by(s.cell, s.seat)
        )
        out: dict[datetime, list[int]] = {}
        with self._uow.guard("booking_seats"):
            rows = self._uow.rows(statement)
        for cell, seat in rows:
            out.setdefault(_time(cell), []).append(seat)
        return {cell: tuple(seats) for cell, seats in out.items()}

    def _take(self, organisation_id: str, seats: Sequence[Seat], now: datetime) -> None:
        if not seats:
            return
        s = booking_seat.c
        office_id = seats[0].office_id
        self._run(
            "booking_seats",
            delete(booking_seat)
            .where(s.organisation_id == organisation_id, s.office_id == office_id)
            .where(s.cell.in_([_naive(seat.cell) for seat in seats]))
            .where(s.held_until.is_not(None), s.held_until <= _naive(now)),
        )
        self._run("booking_seats", insert(booking_seat), [_seat_row(seat) for seat in seats])

    def add(self, appointment: Appointment, seats: Sequence[Seat]) -> Appointment:
        """Store a new appointment with its seats (lapsed holds' seats are taken over)."""
        self._run(
            "booking_appointments", insert(booking_appointment), _appointment_row(appointment)
        )
        self._take(appointment.organisation_id, seats, appointment.created_at)
        return appointment

    def get(self, organisation_id: str, appointment_id: str) -> Appointment:
        """The appointment (NotFound if none)."""
        rows = self._mappings(
            "booking_appointments",
            select(booking_appointment).where(
                self._key(booking_appointment, organisation_id, id=appointment_id)
            ),
        )
        if not rows:
            raise not_found("booking_appointments", organisation_id, appointment_id)
        return _appointment_from(rows[0])

    def update(self, appointment: Appointment) -> Appointment:
        """Store a changed appointment; free or fix its seats by its state."""
        org, ident = appointment.organisation_id, appointment.id
        stored = attrs.evolve(appointment, version=appointment.version + 1)
        result = self._run(
            "booking_appointments",
            update(booking_appointment)
            .where(self._key(booking_appointment, org, id=ident))
            .where(booking_appointment.c.version == appointment.version)
            .values(_appointment_row(stored)),
        )
        if result.rowcount != 1:
            self.get(org, ident)
            self._uow.rollback()
            raise conflict("booking_appointments", org, ident)
        mine = self._key(booking_seat, org, appointment_id=ident)
        if appointment.state.value not in _LIVE:
            self._run("booking_seats", delete(booking_seat).where(mine))
        elif appointment.state is AppointmentState.CONFIRMED:
            self._run("booking_seats", update(booking_seat).where(mine).values(held_until=None))
        return stored

    def replace_seats(self, appointment: Appointment, seats: Sequence[Seat], now: datetime) -> None:
        """New seats for the appointment instead of its old ones."""
        org = appointment.organisation_id
        self._run(
            "booking_seats",
            delete(booking_seat).where(self._key(booking_seat, org, appointment_id=appointment.id)),
        )
        self._take(org, seats, now)

    def seats(self, organisation_id: str, appointment_id: str) -> tuple[Seat, ...]:
        """The appointment's seats, by cell."""
        rows = self._mappings(
            "booking_seats",
            select(booking_seat)
            .where(self._key(booking_seat, organisation_id, appointment_id=appointment_id))
            .order_by(booking_seat.c.cell, booking_seat.c.seat),
        )
        return tuple(_seat_from(r) for r in rows)

    def starting(
        self, organisation_id: str, start: datetime, end: datetime
    ) -> tuple[Appointment, ...]:
        """Confirmed appointments starting in ``start`` ... ``end``."""
        a = booking_appointment.c
        rows = self._mappings(
            "booking_appointments",
            select(booking_appointment)
            .where(a.organisation_id == organisation_id)
            .where(a.state == AppointmentState.CONFIRMED.value)
            .where(a.starts_at >= _naive(start), a.starts_at < _naive(end))
            .order_by(a.starts_at, a.id),
        )
        return tuple(_appointment_from(r) for r in rows)

    def live_holds(self, organisation_id: str, email: str, now: datetime) -> int:
        """Holds of ``email`` (case-insensitive) still live at ``now``.

        Searches the (organisation, state) prefix of the start index: the live
        holds of an organisation are few (each lasts minutes).
        """
        a = booking_appointment.c
        query = (
            select(func.count())
            .select_from(booking_appointment)
            .where(a.organisation_id == organisation_id)
            .where(a.state == AppointmentState.HELD.value)
            .where(a.hold_until > _naive(now))
            .where(func.lower(a.email) == email.lower())
        )
        with self._uow.guard("booking_appointments"):
            return int(self._uow.connection.execute(query).scalar_one())

    # -- files and answers -------------------------------------------------------------

    def add_file(self, record: SharedFile) -> SharedFile:
        """Store a shared file's record."""
        row = {
            "organisation_id": record.organisation_id,
            "appointment_id": record.appointment_id,
            "id": record.id,
            "name": record.name,
            "content_type": record.content_type,
            "size": record.size,
            "uploaded_by": record.uploaded_by,
            "uploaded_at": _naive(record.uploaded_at),
        }
        self._run("booking_files", insert(booking_file), row)
        return record

    def files(self, organisation_id: str, appointment_id: str) -> tuple[SharedFile, ...]:
        """The appointment's files, oldest first."""
        rows = self._mappings(
            "booking_files",
            select(booking_file)
            .where(self._key(booking_file, organisation_id, appointment_id=appointment_id))
            .order_by(booking_file.c.uploaded_at, booking_file.c.id),
        )
        return tuple(
            SharedFile(
                organisation_id=r["organisation_id"],
                appointment_id=r["appointment_id"],
                id=r["id"],
                name=r["name"],
                content_type=r["content_type"],
                size=r["size"],
                uploaded_by=r["uploaded_by"],
                uploaded_at=_time(r["uploaded_at"]),
            )
            for r in rows
        )

    def remove_files(self, organisation_id: str, appointment_id: str) -> int:
        """Remove the appointment's file records."""
        result = self._run(
            "booking_files",
            delete(booking_file).where(
                self._key(booking_file, organisation_id, appointment_id=appointment_id)
            ),
        )
        return int(result.rowcount)

    def ended_with_files(self, organisation_id: str, before: datetime) -> tuple[Appointment, ...]:
        """Appointments ended before ``before`` that still have files."""
        a, f = booking_appointment.c, booking_file.c
        has_files = exists().where(f.organisation_id == a.organisation_id, f.appointment_id == a.id)
        rows = self._mappings(
            "booking_appointments",
            select(booking_appointment)
            .where(a.organisation_id == organisation_id, a.ends_at < _naive(before), has_files)
            .order_by(a.ends_at, a.id),
        )
        return tuple(_appointment_from(r) for r in rows)

    def add_answer(self, answer: SurveyAnswer) -> SurveyAnswer:
        """Store an answer (the primary key keeps one per appointment)."""
        row = {
            "organisation_id": answer.organisation_id,
            "appointment_id": answer.appointment_id,
            "office_id": answer.office_id,
            "month": answer.month,
            "rating": answer.rating,
            "comment": answer.comment,
            "answered_at": _naive(answer.answered_at),
        }
        self._run("booking_answers", insert(booking_answer), row)
        return answer

    def answers(self, organisation_id: str, month: str) -> tuple[SurveyAnswer, ...]:
        """Answers of ``month``, by office and time."""
        b = booking_answer.c
        rows = self._mappings(
            "booking_answers",
            select(booking_answer)
            .where(b.organisation_id == organisation_id, b.month == month)
            .order_by(b.office_id, b.answered_at, b.appointment_id),
        )
        return tuple(
            SurveyAnswer(
                organisation_id=r["organisation_id"],
                appointment_id=r["appointment_id"],
                office_id=r["office_id"],
                month=r["month"],
                rating=r["rating"],
                comment=r["comment"],
                answered_at=_time(r["answered_at"]),
            )
            for r in rows
        )
