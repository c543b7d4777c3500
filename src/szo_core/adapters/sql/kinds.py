"""SQL records of schools and care homes: the school meal and care home repositories.

Four tables (migration ``0012_schools_care``):

* ``szo_school_meal_record`` and ``szo_care_record``: one row per record, keyed
  by ``(organisation_id, kind, id)``, with the pupil or resident, the first and
  last day the record is of interest (inclusive; NULL while open) as columns for
  the period query and the whole record as JSON
  (:func:`szo_core.serialization.make_converter`, plus times of day as ISO text);
* ``szo_school_meal_settings`` and ``szo_care_home_settings``: one row per
  organisation.

``for_period`` answers with two SELECTs however many pupils or residents there
are.

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
from collections.abc import Callable
from datetime import date, time
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, cast

import attrs
import cattrs
from sqlalchemy import ColumnElement, Table, and_, delete, insert, or_, select, update

from szo_core.adapters._common import conflict, not_found
from szo_core.adapters.sql.tables import (
    care_home_settings,
    care_record,
    school_meal_record,
    school_meal_settings,
)
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
from szo_core.serialization import make_converter

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = ["SqlCareHome", "SqlSchoolMeals"]


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


@functools.cache
def _converter() -> cattrs.Converter:
    conv = make_converter()
    conv.register_unstructure_hook(time, lambda t: t.isoformat())
    conv.register_structure_hook(time, lambda value, _type: time.fromisoformat(value))
    return conv


def _dump(record: object) -> str:
    return json.dumps(_converter().unstructure(record), ensure_ascii=False, sort_keys=True)


def _school_bounds(record: SchoolMealRecord) -> tuple[date, date | None]:
    if isinstance(record, MealCancellation):
        return record.start, record.end
    return record.valid_from, record.valid_to


class _SqlRecords(Generic[Rec, Set]):
    """Records by kind and id in one table, and one settings row per organisation."""

    _what: ClassVar[str]
    _records: ClassVar[Table]
    _settings_table: ClassVar[Table]
    _settings_type: ClassVar[type]
    _kinds: ClassVar[dict[type, str]]
    _bounds: Callable[[Any], tuple[date, date | None]]
    _subject: ClassVar[str]

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _kind(self, record_type: type) -> str:
        name = self._kinds.get(record_type)
        if name is None:
            raise TypeError(f"not a record of this repository: {record_type.__name__}")
        return name

    def add(self, record: Rec) -> Rec:
        """Store a new record (see the port)."""
        start, end = type(self)._bounds(record)
        values = {
            "organisation_id": record.organisation_id,
            "kind": self._kind(type(record)),
            "id": record.id,
            "subject_code": getattr(record, self._subject),
            "start": start,
            "end": end,
            "payload": _dump(record),
            "version": record.version,
        }
        with self._uow.guard(self._what):
            self._uow.connection.execute(insert(self._records), values)
        return record

    def _key(self, kind: type, organisation_id: str, record_id: str) -> ColumnElement[bool]:
        c = self._records.c
        return and_(
            c.organisation_id == organisation_id, c.kind == self._kind(kind), c.id == record_id
        )

    def find(self, kind: type[Rec], organisation_id: str, record_id: str) -> Rec | None:
        """The record, or None (see the port)."""
        statement = select(self._records.c.payload).where(
            self._key(kind, organisation_id, record_id)
        )
        with self._uow.guard(self._what):
            row = self._uow.connection.execute(statement).first()
        if row is None:
            return None
        return _converter().structure(json.loads(row[0]), kind)

    def remove(self, record: Rec) -> None:
        """Remove a stored record (see the port)."""
        kind = type(record)
        org: str = record.organisation_id
        rid: str = record.id
        statement = delete(self._records).where(
            self._key(kind, org, rid),
            self._records.c.version == record.version,
        )
        with self._uow.guard(self._what):
            gone = self._uow.connection.execute(statement).rowcount
        if gone:
            return
        if self.find(kind, org, rid) is None:
            raise not_found(self._what, org, rid)
        self._uow.rollback()
        raise conflict(self._what, org, rid)

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
        table = self._settings_table
        org: str = settings.organisation_id
        version: int = settings.version
        stored = attrs.evolve(settings, version=version + 1)  # type: ignore[misc]
        payload = _dump(stored)
        conn = self._uow.connection
        with self._uow.guard(self._what):
            if version == 0:
                exists = conn.execute(
                    select(table.c.version).where(table.c.organisation_id == org)
                ).first()
                if exists is None:
                    conn.execute(
                        insert(table), {"organisation_id": org, "payload": payload, "version": 1}
                    )
                    return stored
                changed = 0
            else:
                changed = conn.execute(
                    update(table)
                    .where(table.c.organisation_id == org, table.c.version == version)
                    .values(payload=payload, version=version + 1)
                ).rowcount
        if not changed:
            self._uow.rollback()
            raise conflict(table.name, org, "settings")
        return stored

    def settings(self, organisation_id: str) -> Set | None:
        """The settings, or None (see the port)."""
        table = self._settings_table
        statement = select(table.c.payload).where(table.c.organisation_id == organisation_id)
        with self._uow.guard(self._what):
            row = self._uow.connection.execute(statement).first()
        if row is None:
            return None
        return _converter().structure(json.loads(row[0]), self._settings_type)

    def _period(self, organisation_id: str, first: date, last: date) -> dict[str, list[Any]]:
        c = self._records.c
        statement = (
            select(c.kind, c.payload)
            .where(
                c.organisation_id == organisation_id,
                c.start <= last,
                or_(c.end.is_(None), c.end >= first),
            )
            .order_by(c.subject_code, c.start, c.id)
        )
        with self._uow.guard(self._what):
            rows = self._uow.connection.execute(statement).all()
        conv = _converter()
        types = {name: kind for kind, name in self._kinds.items()}
        found: dict[str, list[Any]] = {name: [] for name in types}
        for kind, payload in rows:
            found[kind].append(conv.structure(json.loads(payload), types[kind]))
        return found


class SqlSchoolMeals(_SqlRecords[SchoolMealRecord, SchoolMealSettings]):
    """School meal records in a :class:`~szo_core.adapters.sql.uow.SqlUnitOfWork`."""

    _what = "school_meals"
    _records = school_meal_record
    _settings_table = school_meal_settings
    _settings_type = SchoolMealSettings
    _kinds: ClassVar[dict[type, str]] = {
        MealSignup: "signup",
        MealCancellation: "cancellation",
        IncomeClassRecord: "income",
    }
    _bounds = staticmethod(_school_bounds)
    _subject = "child_code"

    def for_period(self, organisation_id: str, first: date, last: date) -> SchoolMealRecords:
        """Everything of the period, with two SELECTs (see the port)."""
        found = self._period(organisation_id, first, last)
        return SchoolMealRecords(
            signups=tuple(found["signup"]),
            cancellations=tuple(found["cancellation"]),
            income=tuple(found["income"]),
            settings=self.settings(organisation_id),
        )


class SqlCareHome(_SqlRecords[CareHomeRecord, CareHomeSettings]):
    """Care home records in a :class:`~szo_core.adapters.sql.uow.SqlUnitOfWork`."""

    _what = "care_home"
    _records = care_record
    _settings_table = care_home_settings
    _settings_type = CareHomeSettings
    _kinds: ClassVar[dict[type, str]] = {
        ResidentStays: "stays",
        CareAbsence: "absence",
        CarePaymentDecision: "decision",
    }
    _bounds = staticmethod(record_bounds)
    _subject = "resident_code"

    def for_period(self, organisation_id: str, first: date, last: date) -> CareHomeRecords:
        """Everything of the period, with two SELECTs (see the port)."""
        found = self._period(organisation_id, first, last)
        return CareHomeRecords(
            stays=tuple(found["stays"]),
            absences=tuple(found["absence"]),
            decisions=tuple(found["decision"]),
            settings=self.settings(organisation_id),
        )
