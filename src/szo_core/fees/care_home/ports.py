"""Where care home records live: :class:`CareHomeRepository`, ``UnitOfWork.care_home``.

The same shape as the school meals' port
(:mod:`szo_core.fees.school_meals.ports`): a resident's stay history
(:class:`~szo_core.model.care_home.ResidentStays`), absences and payment
decisions are added, found, listed for a period in **one** call
(:meth:`CareHomeRepository.for_period`) and removed; the home's settings are one
record per home.  In memory (:class:`szo_core.adapters.memory_kinds.MemoryCareHome`)
and in SQL (:class:`szo_core.adapters.sql.kinds.SqlCareHome`), with the same
contract tests.

>>> from datetime import date
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.model.care_home import CareStay, ResidentStays
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.care_home.add(ResidentStays(organisation_id="dom", resident_code=3,
...         stays=(CareStay(valid_from=date(2026, 1, 1), category="II"),)))
...     period = uow.care_home.for_period("dom", date(2026, 9, 1), date(2026, 9, 30))
>>> [s.resident_code for s in period.stays]
[3]
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

import attrs

from szo_core.model.care_home import (
    CareAbsence,
    CareHomeSettings,
    CarePaymentDecision,
    ResidentStays,
)

__all__ = ["CareHomeRecord", "CareHomeRecords", "CareHomeRepository", "record_bounds"]

CareHomeRecord = ResidentStays | CareAbsence | CarePaymentDecision
"""A record the repository keeps by id (each kind in its own id space)."""


def record_bounds(record: CareHomeRecord) -> tuple[date, date | None]:
    """The first and last day (inclusive, None: open) a record is of interest.

    A stay history is of interest from its first entry on, for good.
    """
    if isinstance(record, ResidentStays):
        return min((s.valid_from for s in record.stays), default=date.min), None
    if isinstance(record, CareAbsence):
        return record.start, record.end
    return record.valid_from, record.valid_to


@attrs.frozen(kw_only=True)
class CareHomeRecords:
    """The care home records of a period, each kind ordered by resident, start, id.

    Attributes:
        stays: The residents' stay histories.
        absences: Absences overlapping the period.
        decisions: Payment decisions in force on a day of the period.
        settings: The home's settings, or None.
    """

    stays: tuple[ResidentStays, ...] = ()
    absences: tuple[CareAbsence, ...] = ()
    decisions: tuple[CarePaymentDecision, ...] = ()
    settings: CareHomeSettings | None = None


class CareHomeRepository(Protocol):
    """Care home records of the unit of work (see the module docs)."""

    def add(self, record: CareHomeRecord) -> CareHomeRecord:
        """Store a new record (``storage.duplicate`` when its id is taken)."""
        ...

    def find(
        self, kind: type[CareHomeRecord], organisation_id: str, record_id: str
    ) -> CareHomeRecord | None:
        """The record of ``kind`` with ``record_id`` (a stay history: the resident's code)."""
        ...

    def remove(self, record: CareHomeRecord) -> None:
        """Remove a stored record (``NotFound``; ``ConcurrencyConflict`` on another version)."""
        ...

    def put_settings(self, settings: CareHomeSettings) -> CareHomeSettings:
        """Store the home's settings, replacing the stored ones; returns them as stored."""
        ...

    def settings(self, organisation_id: str) -> CareHomeSettings | None:
        """The home's settings, or None."""
        ...

    def for_period(self, organisation_id: str, first: date, last: date) -> CareHomeRecords:
        """Everything of the days ``first`` ... ``last`` (both inclusive), in one call."""
        ...
