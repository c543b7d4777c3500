"""Free slots: the pure engine (no storage, no clock).

A slot starts every ``slot_minutes`` of local wall-clock time from an opening
time and must end (after the service's duration, in real minutes) by the
closing time.  Days are skipped when the office has no hours that weekday,
when they are Slovenian work-free days (*dela prosti dnevi*, the ``holidays``
package as in :mod:`szo_core.calendar`) or the office's own closed days.  Only
days from today (Europe/Ljubljana) to today + ``horizon_days`` count, and a
slot must start at least ``notice_minutes`` after ``now``: never in the past.

**Summer time.**  Start times are local wall-clock times turned into UTC with
pendulum: a time that does not exist (02:30 on the last Sunday of March) is
skipped, and a time that exists twice (02:30 on the last Sunday of October)
is taken once, its first occurrence (summer time), so no slot is doubled.

**Capacity and buffers.**  Time is cut into cells of :data:`CELL_MINUTES`
(5) minutes.  An appointment occupies every cell its time plus the office's
buffers touches, one *seat* per cell; a slot is free when every cell of it
(with its buffers) has fewer taken seats than the office has officials.  The
same cells are the database rows that make the capacity a constraint
(:class:`~szo_core.booking.records.Seat`).

>>> from datetime import UTC, date, datetime, time
>>> from szo_core.booking.records import Office, OpeningHours, Service
>>> office = Office(organisation_id="ue", id="c", name="Center",
...                 services=(Service(id="info", name="Info", duration_minutes=30),),
...                 hours=(OpeningHours(weekday=0, opens=time(8), closes=time(10)),),
...                 notice_minutes=0)
>>> now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
>>> [s.local_start.strftime("%H.%M") for s in
...  free_slots(office, "info", date(2026, 11, 23), date(2026, 11, 23), now=now, taken={})]
['08.00', '08.30', '09.00', '09.30']
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

import pendulum

from szo_core.booking.records import ZONE, Office, Slot
from szo_core.errors import ConfigurationError

__all__ = ["CELL_MINUTES", "bookable_days", "cells", "free_slots", "local_time", "slot_fits"]

CELL_MINUTES: Final = 5
"""The grid of capacity cells; slot lengths, durations and buffers are multiples of it."""

_CELL: Final = timedelta(minutes=CELL_MINUTES)
_EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=64)
def _work_free(year: int) -> frozenset[date]:
    from szo_core.calendar import _slovenian_work_free_days

    return _slovenian_work_free_days(year)


def local_time(day: date, clock: time) -> datetime | None:
    """``day`` at local wall-clock ``clock`` in UTC; None when that time does not exist.

    A time that exists twice (the autumn change) is its first occurrence.

    >>> local_time(date(2026, 3, 29), time(2, 30)) is None
    True
    >>> local_time(date(2026, 10, 25), time(2, 30)).isoformat()
    '2026-10-25T00:30:00+00:00'
    """
    moment = pendulum.datetime(
        day.year, day.month, day.day, clock.hour, clock.minute, tz=ZONE, fold=0
    )
    # pendulum moves a time in the spring gap forward: such a time does not exist.
    if (moment.hour, moment.minute) != (clock.hour, clock.minute):
        return None
    return datetime.fromtimestamp(moment.timestamp(), UTC)


def _steady_offset(day: date) -> timedelta | None:
    """The day's UTC offset when the clocks do not change that day, else None."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZONE).utcoffset()
    following = day + timedelta(days=1)
    after = datetime(following.year, following.month, following.day, tzinfo=ZONE).utcoffset()
    return midnight if midnight == after else None


def _closing(day: date, clock: time) -> datetime:
    # A closing time that does not exist (inside the spring gap) closes at the gap's end.
    moment = pendulum.datetime(
        day.year, day.month, day.day, clock.hour, clock.minute, tz=ZONE, fold=0
    )
    return datetime.fromtimestamp(moment.timestamp(), UTC)


def cells(start: datetime, end: datetime) -> tuple[datetime, ...]:
    """The capacity cells (UTC starts) that ``start`` ... ``end`` touches.

    >>> [c.strftime("%H:%M") for c in cells(datetime(2026, 1, 5, 8, 3, tzinfo=UTC),
    ...                                      datetime(2026, 1, 5, 8, 10, tzinfo=UTC))]
    ['08:00', '08:05']
    """
    first = _EPOCH + ((start - _EPOCH) // _CELL) * _CELL
    out = []
    cell = first
    while cell < end:
        out.append(cell)
        cell += _CELL
    return tuple(out)


def _occupied_span(office: Office, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return (
        start - timedelta(minutes=office.buffer_before_minutes),
        end + timedelta(minutes=office.buffer_after_minutes),
    )


def slot_cells(office: Office, start: datetime, end: datetime) -> tuple[datetime, ...]:
    """The cells an appointment ``start`` ... ``end`` at ``office`` occupies, buffers included."""
    return cells(*_occupied_span(office, start, end))


def slot_fits(
    office: Office, start: datetime, end: datetime, taken: Mapping[datetime, int]
) -> bool:
    """True when every cell of the slot (with buffers) has a seat left."""
    return all(taken.get(c, 0) < office.officials for c in slot_cells(office, start, end))


def bookable_days(office: Office, first: date, last: date, *, now: datetime) -> Iterator[date]:
    """The days from ``first`` to ``last`` on which ``office`` takes appointments.

    Clipped to today ... today + ``horizon_days`` (Europe/Ljubljana); days
    without opening hours, work-free days and closed days are left out.
    """
    today = now.astimezone(ZONE).date()
    day = max(first, today)
    last = min(last, today + timedelta(days=office.horizon_days))
    weekdays = {h.weekday for h in office.hours}
    closed = frozenset(office.closed_days)
    while day <= last:
        if day.weekday() in weekdays and day not in closed and day not in _work_free(day.year):
            yield day
        day += timedelta(days=1)


def _check_inputs(now: object, first: object, last: object) -> datetime:
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ConfigurationError(
            "booking.time",
            sl="Čas mora biti datetime s časovnim pasom.",
            en="A time must be a timezone-aware datetime.",
            where="now",
        )
    for name, value in (("first", first), ("last", last)):
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ConfigurationError(
                "booking.date",
                sl="Obdobje podajte z datumoma (date).",
                en="Give the range as dates.",
                where=name,
            )
    return now.astimezone(UTC)


def _grid(
    office: Office, service_id: str, first: date, last: date, now: datetime
) -> Iterator[tuple[datetime, datetime]]:
    now = _check_inputs(now, first, last)
    service = office.service(service_id)
    duration = timedelta(minutes=service.duration_minutes)
    step = office.slot_minutes
    earliest = now + timedelta(minutes=office.notice_minutes)
    for day in bookable_days(office, first, last, now=now):
        offset = _steady_offset(day)
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for hours in sorted(
            (h for h in office.hours if h.weekday == day.weekday()), key=lambda h: h.opens
        ):
            minute = hours.opens.hour * 60 + hours.opens.minute
            end_minute = hours.closes.hour * 60 + hours.closes.minute
            if offset is not None:  # no clock change today: plain arithmetic
                closes = midnight + timedelta(minutes=end_minute) - offset
            else:
                closes = _closing(day, hours.closes)
            while minute < end_minute:
                if offset is not None:
                    start: datetime | None = midnight + timedelta(minutes=minute) - offset
                else:
                    start = local_time(day, time(minute // 60, minute % 60))
                minute += step
                if start is None or start < earliest:
                    continue
                end = start + duration
                if end > closes:
                    break
                yield start, end


def candidate_slots(
    office: Office, service_id: str, first: date, last: date, *, now: datetime
) -> Iterator[Slot]:
    """Every slot of the grid from ``first`` to ``last``, ignoring bookings (the plain grid)."""
    for start, end in _grid(office, service_id, first, last, now):
        yield Slot(office_id=office.id, service_id=service_id, start=start, end=end)


def _index(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds()) // (CELL_MINUTES * 60)


def free_slots(
    office: Office,
    service_id: str,
    first: date,
    last: date,
    *,
    now: datetime,
    taken: Mapping[datetime, int],
) -> tuple[Slot, ...]:
    """The free slots for ``service_id`` at ``office`` from ``first`` to ``last`` (inclusive).

    Args:
        office: The office and its rules.
        service_id: The service (its duration sets each slot's end).
        first: The first day (local).
        last: The last day (local), inclusive.
        now: The time now (aware); nothing before ``now + notice`` is offered.
        taken: Seats taken per cell (UTC cell start → count), by live
            appointments and holds (``uow.booking.taken``).

    Raises:
        szo_core.errors.ConfigurationError: ``booking.time`` / ``booking.date``
            for a naive ``now`` or a range that is not dates.
        szo_core.errors.NotFound: ``booking.service`` when the office does not offer it.
    """
    # Cells as whole numbers (5-minute steps since 2000): hashing aware datetimes is slow.
    full = {_index(cell) for cell, count in taken.items() if count >= office.officials}
    before = timedelta(minutes=office.buffer_before_minutes)
    after = timedelta(minutes=office.buffer_after_minutes)
    out = []
    for start, end in _grid(office, service_id, first, last, now):
        if full:
            low, high = start - before, end + after
            first_cell = _index(low)
            last_cell = -(-int((high - _EPOCH).total_seconds()) // (CELL_MINUTES * 60))
            if not full.isdisjoint(range(first_cell, last_cell)):
                continue
        out.append(Slot(office_id=office.id, service_id=service_id, start=start, end=end))
    return tuple(out)
