"""Reservations (summer, sick) and announced absences.

A :class:`Reservation` is a period (both ends inclusive) for which only a
reduced reservation fee is paid: a summer reservation (poletna rezervacija) or a
sick-absence reservation (rezervacija zaradi bolezni).  An :class:`Absence` is
one or more days the child does not come, with when it was announced: announced
in time, an absence lowers the fee by the daily food cost.  Whether the notice
was in time is for the fee rules to decide (:mod:`szo_core.fees`).

>>> from datetime import date, datetime
>>> r = Reservation(organisation_id="org", id="r-1", child_code=101,
...                 kind=ReservationKind.SUMMER, start=date(2025, 7, 1),
...                 end=date(2025, 7, 31), announced_on=date(2025, 6, 10))
>>> r.covers(date(2025, 7, 31)), r.days
(True, 31)
>>> a = Absence(organisation_id="org", id="a-1", child_code=101, start=date(2025, 3, 3),
...             end=date(2025, 3, 4), announced_at=datetime(2025, 3, 3, 7, 30))
>>> a.dates()
(datetime.date(2025, 3, 3), datetime.date(2025, 3, 4))
>>> a.announced_on
datetime.date(2025, 3, 3)
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from szo_core.errors import InvalidComponent
from szo_core.model import _validators as v

if TYPE_CHECKING:
    from szo_core.calendar import DateRange

__all__ = ["Absence", "Reservation", "ReservationKind"]

_str = v.instance_of(str)


def _end_not_before_start(
    instance: Reservation | Absence, _attribute: attrs.Attribute[date], value: date
) -> None:
    if value < instance.start:
        raise InvalidComponent(
            "period.reversed",
            sl="Konec obdobja ne sme biti pred začetkom.",
            en="A period cannot end before it starts.",
            where="end",
        )


class ReservationKind(enum.StrEnum):
    """The kind of reservation."""

    SUMMER = "summer"
    """Summer or holiday reservation (poletna, počitniška rezervacija)."""
    SICK = "sick"
    """Reservation for a longer sick absence (rezervacija zaradi bolezni)."""
    TEMPORARY_EXIT = "temporary_exit"
    """Temporary exit (začasni izpis, Pravilnik o metodologiji Art. 16a): the child
    is out; at most two months are charged, never more than the normal payment."""


@attrs.frozen(kw_only=True)
class Reservation:
    """A reservation period for one child.

    Attributes:
        organisation_id: The organisation the record belongs to.
        id: The reservation's id within the organisation.
        child_code: The child.
        kind: Summer or sick.
        start: First day (inclusive).
        end: Last day (inclusive).
        announced_on: The day the parents announced it (for notice rules).
        doctor_note: A doctor's note was handed in (sick reservations).
        version: Optimistic-concurrency version.
    """

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    child_code: int = attrs.field(validator=v.instance_of(int))
    kind: ReservationKind = attrs.field(validator=v.instance_of(ReservationKind))
    start: date = attrs.field(validator=v.instance_of(date))
    end: date = attrs.field(validator=[v.instance_of(date), _end_not_before_start])
    announced_on: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    doctor_note: bool = attrs.field(default=False, validator=v.instance_of(bool))
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))

    @property
    def days(self) -> int:
        """Number of calendar days, both ends counted."""
        return (self.end - self.start).days + 1

    @property
    def period(self) -> DateRange:
        """The period as a :class:`szo_core.calendar.DateRange` (inclusive)."""
        from szo_core.calendar import DateRange

        return DateRange(self.start, self.end)

    def covers(self, day: date) -> bool:
        """True if ``day`` is in the reservation (both ends inclusive)."""
        return self.start <= day <= self.end


@attrs.frozen(kw_only=True)
class Absence:
    """Days a child is absent (one day when ``start == end``), with the notice given.

    Attributes:
        organisation_id: The organisation the record belongs to.
        id: The absence's id within the organisation.
        child_code: The child.
        start: First absent day (inclusive).
        end: Last absent day (inclusive).
        announced_at: When the parents announced the absence (date and time, since
            notice rules count hours such as "by 8:00"); None if never announced.
        doctor_note: A doctor's note excuses the absence.
        version: Optimistic-concurrency version.

    >>> Absence(organisation_id="o", id="a", child_code=1, start=date(2025, 3, 3),
    ...         end=date(2025, 3, 3)).announced_on is None
    True
    """

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    child_code: int = attrs.field(validator=v.instance_of(int))
    start: date = attrs.field(validator=v.instance_of(date))
    end: date = attrs.field(validator=[v.instance_of(date), _end_not_before_start])
    announced_at: datetime | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(datetime))
    )
    doctor_note: bool = attrs.field(default=False, validator=v.instance_of(bool))
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))

    @property
    def announced_on(self) -> date | None:
        """The day the absence was announced, or None."""
        return None if self.announced_at is None else self.announced_at.date()

    @property
    def days(self) -> int:
        """Number of calendar days, both ends counted."""
        return (self.end - self.start).days + 1

    def dates(self) -> tuple[date, ...]:
        """Every absent calendar day, in order."""
        return tuple(self.start + timedelta(days=i) for i in range(self.days))

    def covers(self, day: date) -> bool:
        """True if ``day`` is one of the absent days."""
        return self.start <= day <= self.end

    @property
    def period(self) -> DateRange:
        """The absence as a :class:`szo_core.calendar.DateRange` (inclusive)."""
        from szo_core.calendar import DateRange

        return DateRange(self.start, self.end)
