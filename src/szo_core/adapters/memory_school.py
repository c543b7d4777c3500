"""In-memory school meal records (:class:`~szo_core.fees.school_meals.ports.SchoolMealRepository`).

``MemoryUnitOfWork.school_meals``: one :class:`~szo_core.adapters.memory.MemoryTable`
per kind of record, keyed by ``(organisation_id, id)``, and one for the settings
keyed by the organisation; committed and rolled back with the rest of the unit
of work.  The same contract tests as the SQL adapter.

>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.model.school import SchoolMealSettings
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     uow.school_meals.put_settings(SchoolMealSettings(organisation_id="os")).version
1
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

import attrs

from szo_core.adapters._common import conflict, duplicate, not_found
from szo_core.fees.school_meals.ports import SchoolMealRecord, SchoolMealRecords
from szo_core.model.school import (
    IncomeClassRecord,
    MealCancellation,
    MealSignup,
    SchoolMealSettings,
)

if TYPE_CHECKING:
    from szo_core.adapters.memory import MemoryTable, MemoryUnitOfWork

__all__ = ["MemorySchoolMeals"]

_TABLES: dict[type, str] = {
    MealSignup: "school_meal_signups",
    MealCancellation: "school_meal_cancellations",
    IncomeClassRecord: "school_meal_income",
}


def _bounds(record: SchoolMealRecord) -> tuple[date, date | None]:
    if isinstance(record, MealCancellation):
        return record.start, record.end
    return record.valid_from, record.valid_to


def _order(record: SchoolMealRecord) -> tuple[int, date, str]:
    return record.child_code, _bounds(record)[0], record.id


class MemorySchoolMeals:
    """School meal records in a :class:`~szo_core.adapters.memory.MemoryUnitOfWork`."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _table(self, kind: type) -> MemoryTable[SchoolMealRecord]:
        name = _TABLES.get(kind)
        if name is None:
            raise TypeError(f"not a school meal record: {kind.__name__}")
        return cast("MemoryTable[SchoolMealRecord]", self._uow.table(name))

    def add(self, record: SchoolMealRecord) -> SchoolMealRecord:
        """Store a new record (see the port)."""
        table = self._table(type(record))
        key = (record.organisation_id, record.id)
        if table.get(key) is not None:
            self._uow.rollback()
            raise duplicate(table.name, *key)
        table.insert(key, record)
        return record

    def find(
        self, kind: type[SchoolMealRecord], organisation_id: str, record_id: str
    ) -> SchoolMealRecord | None:
        """The record, or None (see the port)."""
        return self._table(kind).get((organisation_id, record_id))

    def remove(self, record: SchoolMealRecord) -> None:
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

    def put_settings(self, settings: SchoolMealSettings) -> SchoolMealSettings:
        """Store the settings (see the port)."""
        table: MemoryTable[SchoolMealSettings] = self._uow.table("school_meal_settings")
        key = settings.organisation_id
        current = table.get(key)
        if (current.version if current is not None else 0) != settings.version:
            self._uow.rollback()
            raise conflict("school_meal_settings", key, "settings")
        stored = attrs.evolve(settings, version=settings.version + 1)
        if current is None:
            table.insert(key, stored)
        else:
            table.replace(key, stored)
        return stored

    def settings(self, organisation_id: str) -> SchoolMealSettings | None:
        """The settings, or None (see the port)."""
        found: SchoolMealSettings | None = self._uow.table("school_meal_settings").get(
            organisation_id
        )
        return found

    def for_period(self, organisation_id: str, first: date, last: date) -> SchoolMealRecords:
        """Everything of the period (see the port)."""

        def of(kind: type) -> tuple[SchoolMealRecord, ...]:
            found = []
            for key, record in self._table(kind).items():
                start, end = _bounds(record)
                if (
                    cast("tuple[str, str]", key)[0] == organisation_id
                    and start <= last
                    and (end is None or end >= first)
                ):
                    found.append(record)
            return tuple(sorted(found, key=_order))

        return SchoolMealRecords(
            signups=cast("tuple[MealSignup, ...]", of(MealSignup)),
            cancellations=cast("tuple[MealCancellation, ...]", of(MealCancellation)),
            income=cast("tuple[IncomeClassRecord, ...]", of(IncomeClassRecord)),
            settings=self.settings(organisation_id),
        )
