"""SQL repositories: one per record type, all on the unit of work's connection.

Each repository maps records to rows with the named constructors of
``_rows``; it reads only the columns its constructor names (``*_COLUMNS``), as
plain rows, and builds the records without validating them again (they were
validated when they were stored; see :mod:`szo_core.adapters.sql._rows`).

Updates and removals are guarded by the ``version`` column:
``UPDATE ... WHERE organisation_id = ? AND key = ? AND version = ?`` must touch
exactly one row, else the record is missing (:class:`~szo_core.errors.NotFound`)
or stale (:class:`~szo_core.errors.ConcurrencyConflict`, and the unit of work is
rolled back).  A record with owned rows (a program's prices, a child's groups and
guardian links) is written parent first and its owned rows replaced after the
parent's version check passed, so a stale update writes nothing.

Use them through :class:`~szo_core.adapters.sql.SqlUnitOfWork`:

>>> from szo_core.adapters.sql import SqlStore
>>> from szo_core.model import Group
>>> with SqlStore.open(":memory:").unit_of_work() as uow:
...     isinstance(uow.groups, SqlRepository)
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

import attrs
from sqlalchemy import Column, ColumnElement, Table, and_, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from szo_core.adapters._common import by_start, conflict, locked, not_found
from szo_core.adapters.sql import _rows, tables
from szo_core.adapters.sql._rows import Row
from szo_core.model import Absence, Child, Decision, Program, Reservation

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = [
    "ChildRecordRepository",
    "SqlChildRepository",
    "SqlDecisionLocks",
    "SqlDecisionRepository",
    "SqlProgramRepository",
    "SqlRepository",
]


class _Record(Protocol):
    @property
    def organisation_id(self) -> str: ...

    @property
    def version(self) -> int: ...


R = TypeVar("R", bound=_Record)
K = TypeVar("K", int, str)
C = TypeVar("C", Decision, Reservation, Absence)

Scope = Callable[[Table], ColumnElement[bool]]
"""A WHERE clause builder for an owned table (which parents' rows to load)."""


def _bump(record: R) -> R:
    return cast(R, attrs.evolve(cast(Any, record), version=record.version + 1))


class SqlRepository(Generic[R, K]):
    """A repository of one record type in one table (see :class:`szo_core.ports.Repository`).

    Args:
        uow: The unit of work whose connection and transaction it uses.
        kind: The name used in errors (``"groups"``).
        table: The record's table.
        key_column: The key column besides ``organisation_id``.
        to_row: Record to column values.
        columns: The columns ``from_row`` reads, in its order.
        from_row: Row of ``columns`` to record.
    """

    def __init__(
        self,
        uow: SqlUnitOfWork,
        kind: str,
        table: Table,
        key_column: str,
        to_row: Callable[[R], dict[str, object]],
        columns: Sequence[str],
        from_row: Callable[[Row], R],
    ) -> None:
        self._uow = uow
        self.kind = kind
        self.table = table
        self._key_column = key_column
        self._to_row = to_row
        self.columns: list[Column[Any]] = _rows.columns(table, columns)
        self._from_row = from_row

    @property
    def _conn(self) -> Connection:
        return self._uow.connection

    def _key(self, record: R) -> K:
        return cast(K, getattr(record, self._key_column))

    def _pk(self, organisation_id: str, key: K) -> ColumnElement[bool]:
        t = self.table
        return and_(t.c.organisation_id == organisation_id, t.c[self._key_column] == key)

    # -- owned rows (overridden by programs and children) ------------------------------

    def _insert_parts(self, records: Sequence[R]) -> None:
        """Insert the owned rows of ``records``."""

    def _delete_parts(self, organisation_id: str, key: K) -> None:
        """Delete the owned rows of one record."""

    def build(self, rows: Sequence[Row], scope: Scope) -> list[R]:
        """Build records from rows of :attr:`columns`; ``scope`` selects their owned rows."""
        from_row = self._from_row
        return [from_row(row) for row in rows]

    def _select(self, where: ColumnElement[bool]) -> Sequence[Row]:
        return self._uow.rows(select(*self.columns).where(where))

    # -- the port ----------------------------------------------------------------------

    def add(self, record: R) -> R:
        """Store a new record as given."""
        with self._uow.guard(self.kind):
            self._conn.execute(insert(self.table), [self._to_row(record)])
            self._insert_parts([record])
        return record

    def add_all(self, records: Iterable[R]) -> None:
        """Store many new records with one INSERT per table (bulk loading)."""
        batch = list(records)
        if not batch:
            return
        with self._uow.guard(self.kind):
            self._conn.execute(insert(self.table), [self._to_row(r) for r in batch])
            self._insert_parts(batch)

    def find(self, organisation_id: str, key: K) -> R | None:
        """Return the record or None."""
        with self._uow.guard(self.kind):
            rows = self._select(self._pk(organisation_id, key))
            if not rows:
                return None
            column = self._part_key_column()
            return self.build(
                rows,
                lambda part: and_(part.c.organisation_id == organisation_id, part.c[column] == key),
            )[0]

    def _part_key_column(self) -> str:
        return self._key_column

    def get(self, organisation_id: str, key: K) -> R:
        """Return the record; raise NotFound if there is none."""
        found = self.find(organisation_id, key)
        if found is None:
            raise not_found(self.kind, organisation_id, key)
        return found

    def for_organisation(self, organisation_id: str) -> tuple[R, ...]:
        """Return every record of the organisation, ordered by key."""
        with self._uow.guard(self.kind):
            rows = self._select(self.table.c.organisation_id == organisation_id)
            records = self.build(rows, lambda part: part.c.organisation_id == organisation_id)
        return tuple(sorted(records, key=self._key))

    def _missing_or_stale(self, record: R) -> None:
        org, key = record.organisation_id, self._key(record)
        stored = self._conn.execute(select(self.table.c.version).where(self._pk(org, key))).first()
        if stored is None:
            raise not_found(self.kind, org, key)
        self._uow.rollback()
        raise conflict(self.kind, org, key)

    def update(self, record: R) -> R:
        """Replace the stored record if its version matches; return it with version + 1."""
        org, key = record.organisation_id, self._key(record)
        values = self._to_row(record)
        values["version"] = record.version + 1
        with self._uow.guard(self.kind):
            result = self._conn.execute(
                update(self.table)
                .where(self._pk(org, key), self.table.c.version == record.version)
                .values(values)
            )
            if result.rowcount != 1:
                self._missing_or_stale(record)
            self._delete_parts(org, key)
            self._insert_parts([record])
        return _bump(record)

    def remove(self, record: R) -> None:
        """Remove the record (its owned rows go with it) if its version matches."""
        org, key = record.organisation_id, self._key(record)
        with self._uow.guard(self.kind):
            result = self._conn.execute(
                delete(self.table).where(self._pk(org, key), self.table.c.version == record.version)
            )
            if result.rowcount != 1:
                self._missing_or_stale(record)


class SqlProgramRepository(SqlRepository[Program, str]):
    """Programs, with their prices in ``szo_program_price``."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(
            uow,
            "programs",
            tables.program,
            "code",
            _rows.program_row,
            _rows.PROGRAM_COLUMNS,
            self._no_prices,
        )

    @staticmethod
    def _no_prices(row: Row) -> Program:
        return _rows.program_from(row, ())

    def _part_key_column(self) -> str:
        return "program_code"

    def _insert_parts(self, records: Sequence[Program]) -> None:
        rows = [price for p in records for price in _rows.program_price_rows(p)]
        if rows:
            self._conn.execute(insert(tables.program_price), rows)

    def _delete_parts(self, organisation_id: str, key: str) -> None:
        t = tables.program_price
        self._conn.execute(
            delete(t).where(t.c.organisation_id == organisation_id, t.c.program_code == key)
        )

    def build(self, rows: Sequence[Row], scope: Scope) -> list[Program]:
        """Build programs with their prices (one SELECT for all the prices)."""
        t = tables.program_price
        prices = _rows.group_rows(
            self._uow.rows(select(*_rows.columns(t, _rows.PROGRAM_PRICE_COLUMNS)).where(scope(t))),
            _rows.program_price_from,
            0,
        )
        code = _rows.PROGRAM_COLUMNS.index("code")
        return [_rows.program_from(row, prices.get(row[code], ())) for row in rows]


class SqlChildRepository(SqlRepository[Child, int]):
    """Children, with group history and guardian links in their own tables."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(
            uow,
            "children",
            tables.child,
            "code",
            _rows.child_row,
            _rows.CHILD_COLUMNS,
            self._bare,
        )

    @staticmethod
    def _bare(row: Row) -> Child:
        return _rows.child_from(row, (), ())

    def _part_key_column(self) -> str:
        return "child_code"

    def _insert_parts(self, records: Sequence[Child]) -> None:
        groups = [g for c in records for g in _rows.child_group_rows(c)]
        links = [link for c in records for link in _rows.child_guardian_rows(c)]
        if groups:
            self._conn.execute(insert(tables.child_group), groups)
        if links:
            self._conn.execute(insert(tables.child_guardian), links)

    def _delete_parts(self, organisation_id: str, key: int) -> None:
        for t in (tables.child_group, tables.child_guardian):
            self._conn.execute(
                delete(t).where(t.c.organisation_id == organisation_id, t.c.child_code == key)
            )

    def build(self, rows: Sequence[Row], scope: Scope) -> list[Child]:
        """Build children with their groups and guardian links (one SELECT each).

        Each owned table is read once and its rows grouped by child in one pass.
        """
        read = self._uow.rows
        g, cg = tables.child_group, tables.child_guardian
        groups = _rows.group_rows(
            read(select(*_rows.columns(g, _rows.CHILD_GROUP_COLUMNS)).where(scope(g))),
            _rows.child_group_from,
            0,
        )
        links = _rows.child_links(
            read(select(*_rows.columns(cg, _rows.CHILD_GUARDIAN_COLUMNS)).where(scope(cg)))
        )
        child_from, code, none = _rows.child_from, _rows.CHILD_CODE, ()
        groups_of, links_of = groups.get, links.get
        return [
            child_from(row, groups_of(row[code], none), links_of(row[code], none)) for row in rows
        ]


class ChildRecordRepository(SqlRepository[C, str]):
    """Decisions, reservations or absences: records that belong to a child."""

    def for_child(self, organisation_id: str, child_code: int) -> tuple[C, ...]:
        """Return the child's records, ordered by start date, then id."""
        t = self.table
        with self._uow.guard(self.kind):
            rows = self._select(
                and_(t.c.organisation_id == organisation_id, t.c.child_code == child_code)
            )
            return by_start(
                self.build(rows, lambda part: part.c.organisation_id == organisation_id)
            )


class SqlDecisionRepository(ChildRecordRepository[Decision]):
    """Decisions; a decision locked by a closed billing run refuses update and remove."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(
            uow,
            "decisions",
            tables.decision,
            "id",
            _rows.decision_row,
            _rows.DECISION_COLUMNS,
            _rows.decision_from,
        )

    def _refuse_locked(self, record: Decision) -> None:
        run = self._uow.decision_locks.locked_by(record.organisation_id, record.id)
        if run is not None:
            raise locked(record.organisation_id, record.id, run)

    def update(self, record: Decision) -> Decision:
        """Update, unless the decision is locked (:class:`~szo_core.errors.RecordLockedError`)."""
        self._refuse_locked(record)
        return super().update(record)

    def remove(self, record: Decision) -> None:
        """Remove, unless the decision is locked (:class:`~szo_core.errors.RecordLockedError`)."""
        self._refuse_locked(record)
        super().remove(record)


class SqlDecisionLocks:
    """Locks on decisions used by closed billing runs (``szo_decision_lock``)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def lock(self, organisation_id: str, decision_ids: Iterable[str], billing_run_id: str) -> None:
        """Lock the decisions; one already locked keeps its first billing run."""
        rows = [
            {"organisation_id": organisation_id, "decision_id": d, "billing_run_id": billing_run_id}
            for d in dict.fromkeys(decision_ids)
        ]
        if not rows:
            return
        conn = self._uow.connection
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        with self._uow.guard("decision_locks"):
            conn.execute(dialect_insert(tables.decision_lock).on_conflict_do_nothing(), rows)

    def locked_by(self, organisation_id: str, decision_id: str) -> str | None:
        """Return the billing run that locked the decision, or None."""
        t = tables.decision_lock
        with self._uow.guard("decision_locks"):
            return self._uow.connection.execute(
                select(t.c.billing_run_id).where(
                    t.c.organisation_id == organisation_id, t.c.decision_id == decision_id
                )
            ).scalar_one_or_none()

    def locked(self, organisation_id: str) -> Mapping[str, str]:
        """Return every lock of the organisation: decision id -> billing run id."""
        t = tables.decision_lock
        with self._uow.guard("decision_locks"):
            rows = self._uow.connection.execute(
                select(t.c.decision_id, t.c.billing_run_id).where(
                    t.c.organisation_id == organisation_id
                )
            ).all()
        return dict(rows)
