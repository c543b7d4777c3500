"""SQL repositories: one per record type, all on the unit of work's connection.

Each repository maps records to rows with the named constructors of
``_rows``; it reads only the columns its constructor names (``*_COLUMNS``), as
plain rows, and builds the records without validating them again (they were
validated when they were stored; see :mod:`szo_core.adapters.sql._rows`).

Updates and removals are guarded by the ``version`` column:
``UPDATE ... WHERE organisation_id = ? AND key = ? AND version = ?`` must touch
exactly one row, else the record is missing (:class:`~szo_core.errors.NotFound`)
or stale (:class:`~szo_core.errors.ConcurrencyConflict`, and the unit of work is
rolled back).  A record with owned rows (a program's prices and reference
program, a child's groups, residence and tax-status changes and guardian links)
is written parent first and its owned rows replaced after the
parent's version check passed, so a stale update writes nothing.

Use them through :class:`~szo_core.adapters.sql.SqlUnitOfWork`:

>>> from szo_core.adapters.sql import SqlStore
>>> from szo_core.model import Group
>>> with SqlStore.open(":memory:").unit_of_work() as uow:
...     isinstance(uow.groups, SqlRepository)
True
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

import attrs
from sqlalchemy import Column, ColumnElement, Table, and_, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from szo_core.adapters._common import (
    by_start,
    check_lock_kind,
    check_price_lock,
    conflict,
    locked,
    not_found,
    price_locked,
    prices_change_locked,
)
from szo_core.adapters.sql import _rows, tables
from szo_core.adapters.sql._rows import Row
from szo_core.model import (
    Absence,
    Address,
    BankAccount,
    Child,
    Decision,
    InvoiceSeries,
    Organisation,
    Program,
    Reservation,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = [
    "ChildRecordRepository",
    "SqlChildRepository",
    "SqlDecisionLocks",
    "SqlDecisionRepository",
    "SqlOrganisationRepository",
    "SqlPriceLocks",
    "SqlProgramRepository",
    "SqlRepository",
    "insert_rows",
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


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, object]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``: one executemany.

    On SQLite a batch goes to the driver's ``executemany`` as tuples, with each
    column type's bind processing (dates, exact decimals) applied once per
    value and the INSERT compiled once; SQLAlchemy's per-row parameter
    handling, which costs more than SQLite's own work for wide tables, is
    skipped.  The statement still goes through the connection (its events,
    its logging, its transaction).  Elsewhere (PostgreSQL's insertmanyvalues is
    already batched) it is ``conn.execute(insert(table), rows)``.

    >>> from szo_core.adapters.sql import SqlStore, tables
    >>> with SqlStore.open(":memory:").unit_of_work() as uow:
    ...     insert_rows(uow.connection, tables.group, [
    ...         {"organisation_id": "o", "code": c, "name": "", "program_code": None, "version": 0}
    ...         for c in ("A", "B")])
    ...     [g.code for g in uow.groups.for_organisation("o")]
    ['A', 'B']
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite" or len(rows) < 2:
        conn.execute(insert(table), rows)
        return
    names = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=names)
    order = list(compiled.positiontup or ())
    processors = [
        (index, processor)
        for index, name in enumerate(order)
        if (processor := table.c[name].type._cached_bind_processor(conn.dialect)) is not None
    ]
    values = operator.itemgetter(*order)
    data: list[tuple[object, ...]] = []
    append = data.append
    for row in rows:
        found = values(row)
        if not isinstance(found, tuple):  # one column: itemgetter gives the value itself
            found = (found,)
        if processors:
            cells = list(found)
            for index, processor in processors:
                if cells[index] is not None:
                    cells[index] = processor(cells[index])
            found = tuple(cells)
        append(found)
    conn.exec_driver_sql(compiled.string, data)


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
            insert_rows(self._conn, self.table, [self._to_row(r) for r in batch])
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
    """Programs, with their prices and reference program in their own tables.

    A program whose prices are locked by closed billing months
    (:class:`SqlPriceLocks`) refuses an update that changes them and a removal
    (:class:`~szo_core.errors.RecordLockedError` ``program.price.locked``).
    """

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
        prices = [price for p in records for price in _rows.program_price_rows(p)]
        references = [ref for p in records for ref in _rows.program_reference_rows(p)]
        insert_rows(self._conn, tables.program_price, prices)
        insert_rows(self._conn, tables.program_reference, references)

    def _delete_parts(self, organisation_id: str, key: str) -> None:
        for t in (tables.program_price, tables.program_reference):
            self._conn.execute(
                delete(t).where(t.c.organisation_id == organisation_id, t.c.program_code == key)
            )

    def build(self, rows: Sequence[Row], scope: Scope) -> list[Program]:
        """Build programs with their prices and references (one SELECT for each)."""
        read = self._uow.rows
        t, ref = tables.program_price, tables.program_reference
        prices = _rows.group_rows(
            read(select(*_rows.columns(t, _rows.PROGRAM_PRICE_COLUMNS)).where(scope(t))),
            _rows.program_price_from,
            0,
        )
        references: dict[str, str] = dict(
            cast(
                "Sequence[tuple[str, str]]",
                read(
                    select(*_rows.columns(ref, _rows.PROGRAM_REFERENCE_COLUMNS)).where(scope(ref))
                ),
            )
        )
        code = _rows.PROGRAM_COLUMNS.index("code")
        return [
            _rows.program_from(row, prices.get(row[code], ()), references.get(row[code]))
            for row in rows
        ]

    def _refuse_locked(self, record: Program, *, removing: bool) -> None:
        org, key = record.organisation_id, record.code
        through = self._uow.price_locks.locked_through(org, key)
        if through is None:
            return
        stored = self.find(org, key)
        if stored is not None and (removing or prices_change_locked(stored, record, through)):
            raise price_locked(org, key, through)

    def update(self, record: Program) -> Program:
        """Update, unless it changes a locked price (:class:`~szo_core.errors.RecordLockedError`).

        A locked price is one starting on or before the last locked day
        (:class:`SqlPriceLocks`); the kind and the reference program are locked
        with them.
        """
        self._refuse_locked(record, removing=False)
        return super().update(record)

    def remove(self, record: Program) -> None:
        """Remove, unless its prices are locked (:class:`~szo_core.errors.RecordLockedError`)."""
        self._refuse_locked(record, removing=True)
        super().remove(record)


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

    _OWNED = (
        (tables.child_group, _rows.child_group_rows),
        (tables.child_residence, _rows.child_residence_rows),
        (tables.child_taxpayer, _rows.child_taxpayer_rows),
        (tables.child_guardian, _rows.child_guardian_rows),
    )

    def _insert_parts(self, records: Sequence[Child]) -> None:
        for table, to_rows in self._OWNED:
            insert_rows(self._conn, table, [row for c in records for row in to_rows(c)])

    def _delete_parts(self, organisation_id: str, key: int) -> None:
        for t, _ in self._OWNED:
            self._conn.execute(
                delete(t).where(t.c.organisation_id == organisation_id, t.c.child_code == key)
            )

    def build(self, rows: Sequence[Row], scope: Scope) -> list[Child]:
        """Build children with their histories and guardian links (one SELECT per owned table).

        Each owned table is read once and its rows grouped by child in one pass.
        """
        read = self._uow.rows

        def owned(table: Table, names: Sequence[str]) -> Sequence[Row]:
            return read(select(*_rows.columns(table, names)).where(scope(table)))

        groups = _rows.group_rows(
            owned(tables.child_group, _rows.CHILD_GROUP_COLUMNS), _rows.child_group_from, 0
        )
        residences = _rows.group_rows(
            owned(tables.child_residence, _rows.CHILD_RESIDENCE_COLUMNS),
            _rows.child_residence_from,
            0,
        )
        taxpayers = _rows.group_rows(
            owned(tables.child_taxpayer, _rows.CHILD_TAXPAYER_COLUMNS),
            _rows.child_taxpayer_from,
            0,
        )
        links = _rows.child_links(owned(tables.child_guardian, _rows.CHILD_GUARDIAN_COLUMNS))
        child_from, code, none = _rows.child_from, _rows.CHILD_CODE, ()
        groups_of, links_of = groups.get, links.get
        if not residences and not taxpayers:  # the usual case: no dated changes at all
            return [
                child_from(row, groups_of(row[code], none), links_of(row[code], none))
                for row in rows
            ]
        residences_of, taxpayers_of = residences.get, taxpayers.get
        return [
            child_from(
                row,
                groups_of(row[code], none),
                links_of(row[code], none),
                residences_of(row[code], none),
                taxpayers_of(row[code], none),
            )
            for row in rows
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


class SqlPriceLocks:
    """Locks on prices used by closed billing months (``szo_price_lock``).

    One row per kind and code (a program, or an organisation's school meal or care
    home settings): the last day locked and the billing run that moved the lock
    there.  A lock only moves forward (an upsert that keeps the later day).  A
    program lock's ``program_code`` refers to the program.
    """

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def lock(
        self,
        organisation_id: str,
        program_codes: Iterable[str],
        through: date,
        billing_run_id: str,
        *,
        kind: str = "program",
    ) -> None:
        """Lock the prices of ``kind``'s codes through ``through``; a later lock is kept."""
        codes = check_price_lock(program_codes, through, billing_run_id, kind)
        rows = [
            {
                "organisation_id": organisation_id,
                "kind": kind,
                "code": code,
                "program_code": code if kind == "program" else None,
                "locked_through": through,
                "billing_run_id": billing_run_id,
            }
            for code in codes
        ]
        if not rows:
            return
        t = tables.price_lock
        conn = self._uow.connection
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        statement = dialect_insert(t)
        upsert = statement.on_conflict_do_update(
            index_elements=[t.c.organisation_id, t.c.kind, t.c.code],
            set_={
                "locked_through": statement.excluded.locked_through,
                "billing_run_id": statement.excluded.billing_run_id,
            },
            where=t.c.locked_through < statement.excluded.locked_through,
        )
        with self._uow.guard("price_locks"):
            conn.execute(upsert, rows)

    def locked_through(
        self, organisation_id: str, program_code: str, *, kind: str = "program"
    ) -> date | None:
        """Return the last locked day of the code's prices (a program's by default), or None."""
        check_lock_kind(kind)
        t = tables.price_lock
        with self._uow.guard("price_locks"):
            found: date | None = self._uow.connection.execute(
                select(t.c.locked_through).where(
                    t.c.organisation_id == organisation_id,
                    t.c.kind == kind,
                    t.c.code == program_code,
                )
            ).scalar_one_or_none()
        return found


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


def _organisation_row(o: Organisation) -> dict[str, object]:
    address = o.address
    return {
        "id": o.id,
        "kind": str(o.kind),
        "name": o.name,
        "address_street": address.street,
        "address_post_code": address.post_code,
        "address_city": address.city,
        "address_country": address.country,
        "tax_number": o.tax_number,
        "registration_number": o.registration_number,
        "creditor_id": o.creditor_id,
        "budget_user": o.budget_user,
        "reference_scheme": str(o.reference_scheme),
        "invoice_prefix": o.invoice_series.invoice_prefix,
        "credit_note_prefix": o.invoice_series.credit_note_prefix,
        "debit_day": o.debit_day,
        "purpose_code": o.purpose_code,
        "email": o.email,
        "host_municipality": o.host_municipality,
        "sms_letters": o.sms_letters.value,
        "version": o.version,
    }


def _account_rows(o: Organisation) -> list[dict[str, object]]:
    return [
        {"organisation_id": o.id, "position": n, "iban": a.iban, "bic": a.bic, "bank": a.bank}
        for n, a in enumerate(o.accounts)
    ]


class SqlOrganisationRepository:
    """Organisations in ``szo_organisation``, accounts in ``szo_organisation_account``.

    Rows are read back through :class:`~szo_core.model.Organisation`'s
    constructor (a handful of rows; its checks run again), so a row changed
    by hand into something invalid is refused as it is read.

    >>> from szo_core.adapters.sql import SqlStore
    >>> with SqlStore.open(":memory:").unit_of_work() as uow:
    ...     uow.organisations.all()
    ()
    """

    kind = "organisations"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _conn(self) -> Connection:
        return self._uow.connection

    def add(self, record: Organisation) -> Organisation:
        """Store a new organisation as given."""
        with self._uow.guard(self.kind):
            self._conn.execute(insert(tables.organisation), [_organisation_row(record)])
            self._conn.execute(insert(tables.organisation_account), _account_rows(record))
        return record

    def _read(self, where: ColumnElement[bool] | None) -> list[Organisation]:
        o, a = tables.organisation, tables.organisation_account
        with self._uow.guard(self.kind):
            query = select(o).order_by(o.c.id)
            accounts_query = select(a).order_by(a.c.organisation_id, a.c.position)
            if where is not None:
                query = query.where(where)
                accounts_query = accounts_query.where(
                    a.c.organisation_id.in_(select(o.c.id).where(where))
                )
            rows = self._conn.execute(query).mappings().all()
            accounts: dict[str, list[BankAccount]] = {}
            for row in self._conn.execute(accounts_query).mappings():
                accounts.setdefault(row["organisation_id"], []).append(
                    BankAccount(iban=row["iban"], bic=row["bic"], bank=row["bank"])
                )
        return [
            Organisation(
                id=row["id"],
                kind=row["kind"],
                name=row["name"],
                address=Address(
                    street=row["address_street"],
                    post_code=row["address_post_code"],
                    city=row["address_city"],
                    country=row["address_country"],
                ),
                tax_number=row["tax_number"],
                registration_number=row["registration_number"],
                accounts=tuple(accounts.get(row["id"], ())),
                creditor_id=row["creditor_id"],
                budget_user=bool(row["budget_user"]),
                reference_scheme=row["reference_scheme"],
                invoice_series=InvoiceSeries(
                    invoice_prefix=row["invoice_prefix"],
                    credit_note_prefix=row["credit_note_prefix"],
                ),
                debit_day=row["debit_day"],
                purpose_code=row["purpose_code"],
                email=row["email"],
                host_municipality=row["host_municipality"],
                sms_letters=row["sms_letters"],
                version=row["version"],
            )
            for row in rows
        ]

    def find(self, organisation_id: str) -> Organisation | None:
        """Return the organisation or None."""
        found = self._read(tables.organisation.c.id == organisation_id)
        return found[0] if found else None

    def get(self, organisation_id: str) -> Organisation:
        """Return the organisation; raise NotFound if there is none."""
        found = self.find(organisation_id)
        if found is None:
            raise not_found(self.kind, organisation_id, organisation_id)
        return found

    def all(self) -> tuple[Organisation, ...]:
        """Return every organisation, ordered by id."""
        return tuple(self._read(None))

    def _missing_or_stale(self, record: Organisation) -> None:
        o = tables.organisation
        stored = self._conn.execute(select(o.c.version).where(o.c.id == record.id)).first()
        if stored is None:
            raise not_found(self.kind, record.id, record.id)
        self._uow.rollback()
        raise conflict(self.kind, record.id, record.id)

    def update(self, record: Organisation) -> Organisation:
        """Replace the stored organisation if its version matches; return it with version + 1."""
        o, a = tables.organisation, tables.organisation_account
        values = _organisation_row(record)
        values["version"] = record.version + 1
        with self._uow.guard(self.kind):
            result = self._conn.execute(
                update(o).where(o.c.id == record.id, o.c.version == record.version).values(values)
            )
            if result.rowcount != 1:
                self._missing_or_stale(record)
            self._conn.execute(delete(a).where(a.c.organisation_id == record.id))
            self._conn.execute(insert(a), _account_rows(record))
        return attrs.evolve(record, version=record.version + 1)

    def remove(self, record: Organisation) -> None:
        """Remove the organisation and its accounts if its version matches."""
        o, a = tables.organisation, tables.organisation_account
        with self._uow.guard(self.kind):
            self._conn.execute(delete(a).where(a.c.organisation_id == record.id))
            result = self._conn.execute(
                delete(o).where(o.c.id == record.id, o.c.version == record.version)
            )
            if result.rowcount != 1:
                self._missing_or_stale(record)
