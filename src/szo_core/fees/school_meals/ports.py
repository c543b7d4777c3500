"""Where school meal records live: :class:`SchoolMealRepository`, ``UnitOfWork.school_meals``.

One small port, in the unit of work of the other records (so a sign-up and the
pupil it belongs to are stored together, or neither is): sign-ups,
cancellations and income class records are added, found, listed for a period
(everything a billing window needs, in **one** call, :meth:`SchoolMealRepository.for_period`)
and removed; the school's settings are one record per school, replaced as a
whole (:meth:`SchoolMealRepository.put_settings`).  The in-memory fake
(:class:`szo_core.adapters.memory_kinds.MemorySchoolMeals`) and the SQL adapter
(:class:`szo_core.adapters.sql.kinds.SqlSchoolMeals`) pass the same
contract tests (``tests/storage/test_school_meals_contract.py``).

>>> from datetime import date
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.model.school import MealSignup
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.school_meals.add(MealSignup(organisation_id="os", id="s1", child_code=7,
...         meal="lunch", valid_from=date(2026, 9, 1)))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     period = uow.school_meals.for_period("os", date(2026, 9, 1), date(2026, 9, 30))
>>> [s.id for s in period.signups]
['s1']
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

import attrs

from szo_core.model.school import (
    IncomeClassRecord,
    MealCancellation,
    MealSignup,
    SchoolMealSettings,
)

__all__ = ["SchoolMealRecord", "SchoolMealRecords", "SchoolMealRepository"]

SchoolMealRecord = MealSignup | MealCancellation | IncomeClassRecord
"""A record the repository keeps by id (each kind in its own id space)."""


@attrs.frozen(kw_only=True)
class SchoolMealRecords:
    """The school meal records of a period, each kind ordered by child code, start, id.

    Attributes:
        signups: Sign-ups valid on a day of the period.
        cancellations: Cancellations overlapping the period.
        income: Income class records valid on a day of the period.
        settings: The school's settings, or None when none are stored.
    """

    signups: tuple[MealSignup, ...] = ()
    cancellations: tuple[MealCancellation, ...] = ()
    income: tuple[IncomeClassRecord, ...] = ()
    settings: SchoolMealSettings | None = None


class SchoolMealRepository(Protocol):
    """School meal records of the unit of work (see the module docs)."""

    def add(self, record: SchoolMealRecord) -> SchoolMealRecord:
        """Store a new record.

        Raises:
            StorageError: ``storage.duplicate`` when a record of its kind with its
                id exists (nothing of the unit of work is then kept).
        """
        ...

    def find(
        self, kind: type[SchoolMealRecord], organisation_id: str, record_id: str
    ) -> SchoolMealRecord | None:
        """The record of ``kind`` with ``record_id``, or None."""
        ...

    def remove(self, record: SchoolMealRecord) -> None:
        """Remove a stored record (a cancellation withdrawn, a sign-up entered by mistake).

        Raises:
            NotFound: It is not stored.
            ConcurrencyConflict: It was changed since it was read (``version``).
        """
        ...

    def put_settings(self, settings: SchoolMealSettings) -> SchoolMealSettings:
        """Store the school's settings, replacing the stored ones; returns them as stored.

        Raises:
            ConcurrencyConflict: The stored settings' version is not ``settings.version``
                (for new settings: 0).
        """
        ...

    def settings(self, organisation_id: str) -> SchoolMealSettings | None:
        """The school's settings, or None."""
        ...

    def for_period(self, organisation_id: str, first: date, last: date) -> SchoolMealRecords:
        """Everything of the days ``first`` ... ``last`` (both inclusive), in one call."""
        ...
