"""The SQL school meal records: :class:`~szo_core.fees.school_meals.ports.SchoolMealRepository`.

Two tables (migration ``0012_schools_care``):

* ``szo_school_meal_record``: one row per sign-up, cancellation or income class
  record, keyed by ``(organisation_id, kind, id)``, with the pupil, the first
  and last day (inclusive; NULL while open) as columns for the period query and
  the whole record as JSON (:func:`szo_core.serialization.make_converter`);
* ``szo_school_meal_settings``: one row per school.

:meth:`SqlSchoolMeals.for_period` answers with two SELECTs however many pupils
there are.

>>> from datetime import date
>>> from szo_core.adapters.sql import SqlStore
>>> from szo_core.model.school import IncomeClassRecord
>>> store = SqlStore.open(":memory:")
>>> with store.unit_of_work() as uow:
...     _ = uow.school_meals.add(IncomeClassRecord(organisation_id="os", id="i1", child_code=7,
...         valid_from=date(2026, 1, 1), income_class=4))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     period = uow.school_meals.for_period("os", date(2026, 9, 1), date(2026, 9, 30))
>>> period.income[0].income_class
4
"""

from __future__ import annotations

import functools
import json
from datetime import date, time
from typing import TYPE_CHECKING

import attrs
import cattrs
from sqlalchemy import and_, delete, insert, or_, select, update

from szo_core.adapters._common import conflict, not_found
from szo_core.adapters.sql.tables import school_meal_record, school_meal_settings
from szo_core.fees.school_meals.ports import SchoolMealRecord, SchoolMealRecords
from szo_core.model.school import (
    IncomeClassRecord,
    MealCancellation,
    MealSignup,
    SchoolMealSettings,
)
from szo_core.serialization import make_converter

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = ["SqlSchoolMeals"]

_KINDS: dict[type, str] = {
    MealSignup: "signup",
    MealCancellation: "cancellation",
    IncomeClassRecord: "income",
}
_TYPES = {name: kind for kind, name in _KINDS.items()}
_R = school_meal_record.c
_S = school_meal_settings.c


@functools.cache
def _converter() -> cattrs.Converter:
    conv = make_converter()
    conv.register_unstructure_hook(time, lambda t: t.isoformat())
    conv.register_structure_hook(time, lambda value, _type: time.fromisoformat(value))
    return conv


def _dump(record: object) -> str:
    return json.dumps(_converter().unstructure(record), ensure_ascii=False, sort_keys=True)


def _kind(record_type: type) -> str:
    name = _KINDS.get(record_type)
    if name is None:
        raise TypeError(f"not a school meal record: {record_type.__name__}")
    return name


def _bounds(record: SchoolMealRecord) -> tuple[date, date | None]:
    if isinstance(record, MealCancellation):
        return record.start, record.end
    return record.valid_from, record.valid_to


class SqlSchoolMeals:
    """School meal records in a :class:`~szo_core.adapters.sql.uow.SqlUnitOfWork`."""

    _what = "school_meals"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def add(self, record: SchoolMealRecord) -> SchoolMealRecord:
        """Store a new record (see the port)."""
        start, end = _bounds(record)
        values = {
            "organisation_id": record.organisation_id,
            "kind": _kind(type(record)),
            "id": record.id,
            "child_code": record.child_code,
            "start": start,
            "end": end,
            "payload": _dump(record),
            "version": record.version,
        }
        with self._uow.guard(self._what):
            self._uow.connection.execute(insert(school_meal_record), values)
        return record

    def _key(self, kind: type, organisation_id: str, record_id: str):  # type: ignore[no-untyped-def]
        return and_(
            _R.organisation_id == organisation_id, _R.kind == _kind(kind), _R.id == record_id
        )

    def find(
        self, kind: type[SchoolMealRecord], organisation_id: str, record_id: str
    ) -> SchoolMealRecord | None:
        """The record, or None (see the port)."""
        statement = select(_R.payload).where(self._key(kind, organisation_id, record_id))
        with self._uow.guard(self._what):
            row = self._uow.connection.execute(statement).first()
        return None if row is None else _converter().structure(json.loads(row[0]), kind)

    def remove(self, record: SchoolMealRecord) -> None:
        """Remove a stored record (see the port)."""
        kind = type(record)
        key = self._key(kind, record.organisation_id, record.id)
        with self._uow.guard(self._what):
            gone = self._uow.connection.execute(
                delete(school_meal_record).where(key, _R.version == record.version)
            ).rowcount
        if gone:
            return
        if self.find(kind, record.organisation_id, record.id) is None:
            raise not_found(self._what, record.organisation_id, record.id)
        self._uow.rollback()
        raise conflict(self._what, record.organisation_id, record.id)

    def put_settings(self, settings: SchoolMealSettings) -> SchoolMealSettings:
        """Store the settings (see the port)."""
        org = settings.organisation_id
        stored = attrs.evolve(settings, version=settings.version + 1)
        payload = _dump(stored)
        conn = self._uow.connection
        with self._uow.guard(self._what):
            if settings.version == 0:
                exists = conn.execute(select(_S.version).where(_S.organisation_id == org)).first()
                if exists is None:
                    conn.execute(
                        insert(school_meal_settings),
                        {"organisation_id": org, "payload": payload, "version": 1},
                    )
                    return stored
                changed = 0
            else:
                changed = conn.execute(
                    update(school_meal_settings)
                    .where(_S.organisation_id == org, _S.version == settings.version)
                    .values(payload=payload, version=stored.version)
                ).rowcount
        if not changed:
            self._uow.rollback()
            raise conflict("school_meal_settings", org, "settings")
        return stored

    def settings(self, organisation_id: str) -> SchoolMealSettings | None:
        """The settings, or None (see the port)."""
        statement = select(_S.payload).where(_S.organisation_id == organisation_id)
        with self._uow.guard(self._what):
            row = self._uow.connection.execute(statement).first()
        if row is None:
            return None
        return _converter().structure(json.loads(row[0]), SchoolMealSettings)

    def for_period(self, organisation_id: str, first: date, last: date) -> SchoolMealRecords:
        """Everything of the period, with two SELECTs (see the port)."""
        statement = (
            select(_R.kind, _R.payload)
            .where(
                _R.organisation_id == organisation_id,
                _R.start <= last,
                or_(_R.end.is_(None), _R.end >= first),
            )
            .order_by(_R.child_code, _R.start, _R.id)
        )
        with self._uow.guard(self._what):
            rows = self._uow.connection.execute(statement).all()
        conv = _converter()
        found: dict[str, list[object]] = {name: [] for name in _TYPES}
        for kind, payload in rows:
            found[kind].append(conv.structure(json.loads(payload), _TYPES[kind]))
        return SchoolMealRecords(
            signups=tuple(found["signup"]),  # type: ignore[arg-type]
            cancellations=tuple(found["cancellation"]),  # type: ignore[arg-type]
            income=tuple(found["income"]),  # type: ignore[arg-type]
            settings=self.settings(organisation_id),
        )
