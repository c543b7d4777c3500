"""In-memory records of schools and care homes (the fakes of their repositories).

``MemoryUnitOfWork.school_meals``
(:class:`~szo_core.fees.school_meals.ports.SchoolMealRepository`) and
``MemoryUnitOfWork.care_home``
(:class:`~szo_core.fees.care_home.ports.CareHomeRepository`): one
:class:`~szo_core.adapters.memory.MemoryTable` per kind of record, keyed by
``(organisation_id, id)``, and one for the settings keyed by the organisation;
committed and rolled back with the rest of the unit of work.  The same contract
tests as the SQL adapter.

>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.model.school import SchoolMealSettings
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     uow.school_meals.put_settings(SchoolMealSettings(organisation_id="os")).version
1
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, cast

import attrs

from szo_core.adapters._common import conflict, duplicate, not_found
from szo_core.fees import locks
from szo_core.fees.care_home.ports import CareHomeRecord, CareHomeRecords, record_bounds
from szo_core.fees.school_meals.ports import SchoolMealRecord, SchoolMealRecords
from szo_core.model.care_home import (
    CareAbsence,
    CareHomeSettings,
    CarePaymentDecision,
    ResidentStays,
)
from szo_core.model.school import (
    IncomeClassRecord,
    MealCancellation,
    MealSignup,
    SchoolMealSettings,
)

if TYPE_CHECKING:
    from szo_core.adapters.memory import MemoryTable, MemoryUnitOfWork

__all__ = ["MemoryCareHome", "MemorySchoolMeals"]


class _Keyed(Protocol):
    """A record kept by organisation and id, with a version."""

    @property
    def organisation_id(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...


class _Settings(Protocol):
    """One record of settings per organisation, with a version."""

    @property
    def organisation_id(self) -> str: ...
    @property
    def version(self) -> int: ...


Rec = TypeVar("Rec", bound=_Keyed)
Set = TypeVar("Set", bound=_Settings)


def _school_bounds(record: SchoolMealRecord) -> tuple[date, date | None]:
    if isinstance(record, MealCancellation):
        return record.start, record.end
    return record.valid_from, record.valid_to


class _MemoryRecords(Generic[Rec, Set]):
    """Records by kind and id, and one settings record per organisation."""

    _tables: ClassVar[dict[type, str]]
    _settings_table: ClassVar[str]
    _bounds: Callable[[Any], tuple[date, date | None]]
    _subject: ClassVar[str]

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _table(self, kind: type) -> MemoryTable[Any]:
        name = self._tables.get(kind)
        if name is None:
            raise TypeError(f"not a record of this repository: {kind.__name__}")
        return self._uow.table(name)

    def add(self, record: Rec) -> Rec:
        """Store a new record (see the port)."""
        table = self._table(type(record))
        key = (record.organisation_id, record.id)
        if table.get(key) is not None:
            self._uow.rollback()
            raise duplicate(table.name, *key)
        table.insert(key, record)
        return record

    def find(self, kind: type[Rec], organisation_id: str, record_id: str) -> Rec | None:
        """The record, or None (see the port)."""
        found: Rec | None = self._table(kind).get((organisation_id, record_id))
        return found

    def remove(self, record: Rec) -> None:
        """Remove a stored record (see the port)."""
        table = self._table(type(record))
        key = (record.organisation_id, record.id)
        current = table.get(key)
        if current is None:
            raise not_found(table.name, *key)
        if current.version != record.version:
            self._uow.rollback()
            raise conflict(table.name, *key)
        table.delete(key)

    def _refuse_locked(self, settings: Set) -> None:
        """Refuse a change to prices or rules a closed month used (:mod:`szo_core.fees.locks`)."""
        new = cast("locks.Settings", settings)
        kind = locks.settings_lock_kind(new)
        org = new.organisation_id
        through = self._uow.price_locks.locked_through(org, locks.SETTINGS, kind=kind)
        if through is not None and locks.settings_change_locked(
            cast("locks.Settings | None", self.settings(org)), new, through
        ):
            raise locks.settings_locked(kind, org, through)

    def put_settings(self, settings: Set) -> Set:
        """Store the settings (see the port)."""
        self._refuse_locked(settings)
        table: MemoryTable[Any] = self._uow.table(self._settings_table)
        key = settings.organisation_id
        current = table.get(key)
        version: int = settings.version
        if (current.version if current is not None else 0) != version:
            self._uow.rollback()
            raise conflict(self._settings_table, key, "settings")
        stored = attrs.evolve(settings, version=version + 1)  # type: ignore[misc]
        if current is None:
            table.insert(key, stored)
        else:
            table.replace(key, stored)
        return stored

    def settings(self, organisation_id: str) -> Set | None:
        """The settings, or None (see the port)."""
        found: Set | None = self._uow.table(self._settings_table).get(organisation_id)
        return found

    def _of(self, kind: type, organisation_id: str, first: date, last: date) -> tuple[Any, ...]:
        found = []
        bounds = type(self)._bounds
        for key, record in self._table(kind).items():
            start, end = bounds(record)
            org = cast("tuple[str, str]", key)[0]
            if org == organisation_id and start <= last and (end is None or end >= first):
                found.append(record)
        subject = self._subject
        return tuple(sorted(found, key=lambda r: (getattr(r, subject), bounds(r)[0], r.id)))


class MemorySchoolMeals(_MemoryRecords[SchoolMealRecord, SchoolMealSettings]):
    """School meal records in a :class:`~szo_core.adapters.memory.MemoryUnitOfWork`."""

    _tables: ClassVar[dict[type, str]] = {
        MealSignup: "school_meal_signups",
        MealCancellation: "school_meal_cancellations",
        IncomeClassRecord: "school_meal_income",
    }
    _settings_table = "school_meal_settings"
    _bounds = staticmethod(_school_bounds)
    _subject = "child_code"

    def for_period(self, organisation_id: str, first: date, last: date) -> SchoolMealRecords:
        """Everything of the period (see the port)."""
        return SchoolMealRecords(
            signups=self._of(MealSignup, organisation_id, first, last),
            cancellations=self._of(MealCancellation, organisation_id, first, last),
            income=self._of(IncomeClassRecord, organisation_id, first, last),
            settings=self.settings(organisation_id),
        )


class MemoryCareHome(_MemoryRecords[CareHomeRecord, CareHomeSettings]):
    """Care home records in a :class:`~szo_core.adapters.memory.MemoryUnitOfWork`."""

    _tables: ClassVar[dict[type, str]] = {
        ResidentStays: "care_stays",
        CareAbsence: "care_absences",
        CarePaymentDecision: "care_decisions",
    }
    _settings_table = "care_home_settings"
    _bounds = staticmethod(record_bounds)
    _subject = "resident_code"

    def for_period(self, organisation_id: str, first: date, last: date) -> CareHomeRecords:
        """Everything of the period (see the port)."""
        return CareHomeRecords(
            stays=self._of(ResidentStays, organisation_id, first, last),
            absences=self._of(CareAbsence, organisation_id, first, last),
            decisions=self._of(CarePaymentDecision, organisation_id, first, last),
            settings=self.settings(organisation_id),
        )
