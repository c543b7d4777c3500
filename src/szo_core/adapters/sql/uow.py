"""The SQL store and its unit of work.

A :class:`SqlStore` owns an engine; each :class:`SqlUnitOfWork` holds one
connection and one transaction.  On SQLite the transaction is opened with an
explicit ``BEGIN`` at its first statement (see
:func:`~szo_core.adapters.sql.engine.make_engine`), and on PostgreSQL it runs at
``REPEATABLE READ``, so every read of one unit of work, :meth:`load_month`
and :meth:`load_period` included, sees one consistent snapshot.  A write that collides with a commit
made after that snapshot fails as :class:`~szo_core.errors.ConcurrencyConflict`
(the same error as a stale ``version``).

Driver errors never leave a unit of work raw: :meth:`SqlUnitOfWork.guard`
rolls the transaction back and raises :class:`~szo_core.errors.StorageError`
whose message names the kind of record and the database's error class, code
and constraint, never a value.

>>> from szo_core.model import Regresor
>>> store = SqlStore.open(":memory:")
>>> with store.unit_of_work() as uow:
...     _ = uow.regresors.add(Regresor(organisation_id="o", id="r-61", name="MOL"))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.regresors.get("o", "r-61").name
'MOL'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from types import TracebackType
from typing import Any, Self, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    Select,
    String,
    Table,
    Text,
    and_,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from szo_core._gc import collector_paused
from szo_core.adapters._common import by_start, check_period, storage_failed
from szo_core.adapters.sql import _rows, tables
from szo_core.adapters.sql._rows import Row
from szo_core.adapters.sql.engine import (
    IMMEDIATE,
    DatabaseUrl,
    corrupt_database,
    is_corrupt,
    make_engine,
)
from szo_core.adapters.sql.kinds import SqlCareHome, SqlSchoolMeals
from szo_core.adapters.sql.outbox import SqlOutbox
from szo_core.adapters.sql.repositories import (
    ChildRecordRepository,
    SqlChildRepository,
    SqlDecisionLocks,
    SqlDecisionRepository,
    SqlOrganisationRepository,
    SqlPriceLocks,
    SqlProgramRepository,
    SqlRepository,
)
from szo_core.adapters.sql.template_store import SqlTemplateRepository
from szo_core.adapters.sql.types import ExactDecimal
from szo_core.calendar import Month
from szo_core.errors import ConcurrencyConflict, ConfigurationError, StorageError
from szo_core.model import Absence, Group, Guardian, Regresor, Reservation
from szo_core.model._trusted import trusted_factory
from szo_core.ports import ChildMonth, MonthData

__all__ = ["SqlStore", "SqlUnitOfWork"]

_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY (and BUSY_SNAPSHOT ...), SQLITE_LOCKED: masked to the base
_PG_RETRYABLE = {"40001", "40P01"}  # serialization failure, deadlock
_DUPLICATE = {"23505", "SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE"}
_REFERENCE = {"23503", "SQLITE_CONSTRAINT_FOREIGNKEY"}

# load_period groups each child's records by the child's column of the row.
_DECISION_CHILD = _rows.DECISION_COLUMNS.index("child_code")
_RESERVATION_CHILD = _rows.RESERVATION_COLUMNS.index("child_code")
_ABSENCE_CHILD = _rows.ABSENCE_COLUMNS.index("child_code")
# Column types whose psycopg values are already what the records hold (see rows()).
_DRIVER_TYPES = frozenset(
    {BigInteger, Boolean, Date, DateTime, ExactDecimal, Integer, String, Text}
)
# ChildMonth has no validators; the trusted constructor only skips attrs' keyword handling.
_new_child_month = trusted_factory(ChildMonth, "child", "decisions", "reservations", "absences")


def _translate(exc: Exception, kind: str) -> StorageError:
    """Turn a SQLAlchemy/driver error into a StorageError that carries no values."""
    if is_corrupt(exc):
        return corrupt_database()
    orig = getattr(exc, "orig", None) if isinstance(exc, SQLAlchemyError) else exc
    sqlstate: str | None = getattr(orig, "sqlstate", None)
    sqlite_name: str | None = getattr(orig, "sqlite_errorname", None)
    sqlite_code: int | None = getattr(orig, "sqlite_errorcode", None)
    diag = getattr(orig, "diag", None)
    constraint: str | None = getattr(diag, "constraint_name", None)
    detail = ", ".join(
        part
        for part in (
            type(orig if orig is not None else exc).__name__,
            sqlstate,
            sqlite_name,
            constraint,
        )
        if part
    )
    busy = sqlite_code is not None and sqlite_code & 0xFF in _SQLITE_BUSY
    if sqlstate in _PG_RETRYABLE or busy:
        return ConcurrencyConflict(
            "storage.conflict",
            sl="Podatke je medtem spremenil nekdo drug; ponovite delo z novimi podatki.",
            en="Someone else changed the data meanwhile; redo the work with fresh data.",
            where=kind,
        )
    marker = sqlstate or sqlite_name or ""
    if marker in _DUPLICATE:
        code = "storage.duplicate"
    elif marker in _REFERENCE:
        code = "storage.reference"
    elif isinstance(exc, IntegrityError) or type(orig).__name__ == "IntegrityError":
        code = "storage.integrity"
    else:
        code = "storage.failed"
    return storage_failed(code, kind, detail)


class SqlUnitOfWork:
    """A transaction over every repository (see :class:`szo_core.ports.UnitOfWork`).

    The connection is opened at the first use and released on ``__exit__`` or
    :meth:`close`.  Extensions (billing runs, invoices) build their own
    repositories on :attr:`connection` and wrap their statements in
    :meth:`guard`; they commit and roll back with everything else.

    Args:
        engine: The engine (from :func:`~szo_core.adapters.sql.make_engine`).

    >>> from szo_core.calendar import Month
    >>> with SqlStore.open(":memory:").unit_of_work() as uow:
    ...     len(uow.load_month("org", Month(2025, 9)).children)
    0
    """

    def __init__(self, engine: Engine, *, immediate: bool = False) -> None:
        self._engine = engine
        self._immediate = immediate
        self._conn: Connection | None = None
        # psycopg returns every column type of the schema as the records hold it.
        self._driver_rows = engine.dialect.name == "postgresql"
        self.organisations = SqlOrganisationRepository(self)
        self.children = SqlChildRepository(self)
        self.programs = SqlProgramRepository(self)
        self.decisions = SqlDecisionRepository(self)
        self.decision_locks = SqlDecisionLocks(self)
        self.price_locks = SqlPriceLocks(self)
        self.guardians: SqlRepository[Guardian, str] = SqlRepository(
            self,
            "guardians",
            tables.guardian,
            "id",
            _rows.guardian_row,
            _rows.GUARDIAN_COLUMNS,
            _rows.guardian_from,
        )
        self.groups: SqlRepository[Group, str] = SqlRepository(
            self,
            "groups",
            tables.group,
            "code",
            _rows.group_row,
            _rows.GROUP_COLUMNS,
            _rows.group_from,
        )
        self.regresors: SqlRepository[Regresor, str] = SqlRepository(
            self,
            "regresors",
            tables.regresor,
            "id",
            _rows.regresor_row,
            _rows.REGRESOR_COLUMNS,
            _rows.regresor_from,
        )
        self.reservations: ChildRecordRepository[Reservation] = ChildRecordRepository(
            self,
            "reservations",
            tables.reservation,
            "id",
            _rows.reservation_row,
            _rows.RESERVATION_COLUMNS,
            _rows.reservation_from,
        )
        self.absences: ChildRecordRepository[Absence] = ChildRecordRepository(
            self,
            "absences",
            tables.absence,
            "id",
            _rows.absence_row,
            _rows.ABSENCE_COLUMNS,
            _rows.absence_from,
        )
        self.templates = SqlTemplateRepository(self)

        self.outbox = SqlOutbox(self)
        from szo_core.adapters.sql.messaging import SqlMessaging

        self.messaging = SqlMessaging(self)
        from szo_core.adapters.sql.booking import SqlBooking

        self.booking = SqlBooking(self)

        from szo_core.adapters.sql.receivables import SqlReceivables

        self.receivables = SqlReceivables(self)

        from szo_core.adapters.sql.notify import SqlNotifyRepository

        self.notify = SqlNotifyRepository(self)

        self.school_meals = SqlSchoolMeals(self)
        self.care_home = SqlCareHome(self)

        from szo_core.adapters.sql.web import SqlWebAccounts

        self.web = SqlWebAccounts(self)

    @property
    def connection(self) -> Connection:
        """The connection of this unit of work (opened on first use)."""
        if self._conn is None:
            try:
                conn = self._engine.connect()
                if conn.dialect.name == "postgresql":
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                elif self._immediate:
                    conn = conn.execution_options(**{IMMEDIATE: True})
            except SQLAlchemyError as exc:
                raise _translate(exc, "connect") from None
            self._conn = conn
        return self._conn

    def rows(self, statement: Select[Any]) -> Sequence[Row]:
        """Run a SELECT and return its rows, each a sequence of the selected values in order.

        Used by every read of the adapter; extensions may use it too (inside
        :meth:`guard`, like any statement).  On PostgreSQL, when every selected
        column has one of the types psycopg already returns as the records hold
        them (``Integer``/``BigInteger`` → ``int``, ``Text``/``String`` →
        ``str``, ``Boolean`` → ``bool``, ``Date`` → ``date``, ``DateTime``
        without time zone → naive ``datetime``, and
        :class:`~szo_core.adapters.sql.types.ExactDecimal` → ``Decimal``:
        every column of :mod:`~szo_core.adapters.sql.tables`), the rows are
        taken straight from the driver's cursor as tuples, without SQLAlchemy's
        per-row result objects: the bulk reads of :meth:`load_month` then spend
        their time building records, not wrapping rows.  The statement itself
        still goes through SQLAlchemy (compiled, logged, seen by engine
        events).  Any other column type, and SQLite (where the types turn stored
        text into money and dates), get SQLAlchemy's result processing.

        Args:
            statement: A ``select()``.

        Returns:
            The rows.

        Raises:
            ConfigurationError: ``statement`` is not a ``select()`` (nothing is run).

        >>> from szo_core.adapters.sql import tables
        >>> with SqlStore.open(":memory:").unit_of_work() as uow:
        ...     uow.rows(select(tables.program.c.code))
        []
        """
        if not isinstance(statement, Select):
            raise ConfigurationError(
                "storage.statement",
                sl="rows() sprejme samo poizvedbo select().",
                en="rows() takes a select() statement only.",
                where="statement",
            )
        result = self.connection.execute(statement)
        if self._driver_rows and all(
            type(column.type) in _DRIVER_TYPES and not getattr(column.type, "timezone", False)
            for column in statement.selected_columns
        ):
            try:
                return result.cursor.fetchall()
            finally:
                result.close()
        return result.all()

    @contextmanager
    def guard(self, kind: str) -> Iterator[None]:
        """Run statements; on a driver error roll back and raise a StorageError.

        The error names the kind of error only, never its arguments: a driver's
        message may quote the values (a ``UnicodeEncodeError`` holds the whole
        text it could not encode).

        Args:
            kind: What is being stored (``"children"``), named in the error.
        """
        driver_error: type[Exception] = self._engine.dialect.loaded_dbapi.Error
        try:
            yield
        except (SQLAlchemyError, driver_error, UnicodeError) as exc:
            self.rollback()
            raise _translate(exc, kind) from None

    def load_month(
        self, organisation_id: str, month: Month, *, left_since: date | None = None
    ) -> MonthData:
        """Return everything the fee engine needs for ``month``, with 15 SELECTs in all.

        With ``left_since``, children whose exit date is on or after it are
        included too (see the port).  The same as :meth:`load_period` for the
        one month, without ``last_month``.

        >>> with SqlStore.open(":memory:").unit_of_work() as uow:
        ...     uow.load_month("org", Month(2025, 9)).last_month is None
        True
        """
        check_period(month, month)
        return self._load(organisation_id, month, month, left_since, None)

    def load_period(
        self,
        organisation_id: str,
        first: Month,
        last: Month,
        *,
        left_since: date | None = None,
    ) -> MonthData:
        """Return everything the fee engine needs for ``first`` ... ``last``, with 15 SELECTs.

        What is read is described in :meth:`szo_core.ports.UnitOfWork.load_period`.
        The number of statements does not depend on the number of children or
        of months: each table is read once, filtered by the organisation and the
        period, and its rows are grouped by child in one pass.  The records are
        built from the stored rows without running their validators again (they
        ran when the rows were written), and with the garbage collector paused
        meanwhile (see :mod:`szo_core._gc`); ``benchmarks/bench_storage.py``
        measures it.

        Raises:
            szo_core.errors.ConfigurationError: ``storage.month`` when a month is
                not a :class:`~szo_core.calendar.Month`, ``storage.period`` when
                ``last`` is before ``first``.

        >>> with SqlStore.open(":memory:").unit_of_work() as uow:
        ...     uow.load_period("org", Month(2025, 9), Month(2025, 11)).months[-1]
        Month(year=2025, month=11)
        """
        check_period(first, last)
        return self._load(organisation_id, first, last, left_since, last)

    def _load(
        self,
        organisation_id: str,
        month: Month,
        through: Month,
        left_since: date | None,
        last_month: Month | None,
    ) -> MonthData:
        first, last = month.first, through.last
        org = organisation_id
        c, d = tables.child, tables.decision
        child_in_period = and_(
            c.c.organisation_id == org,
            c.c.enrollment_date <= last,
            or_(
                c.c.exit_date.is_(None),
                c.c.exit_date >= (first if left_since is None else min(first, left_since)),
            ),
        )
        period_codes = select(c.c.code).where(child_in_period)
        valid_in_period = select(d.c.id).where(
            d.c.organisation_id == org,
            d.c.valid_from <= last,
            or_(d.c.valid_to.is_(None), d.c.valid_to >= first),
        )
        # Decisions valid in the period, and those that supersede one of them.
        decision_in_period = and_(
            d.c.organisation_id == org,
            or_(d.c.id.in_(valid_in_period), d.c.supersedes.in_(valid_in_period)),
        )
        # Reservations of the whole calendar years (the yearly reservation limits).
        year_first, year_last = date(month.year, 1, 1), date(through.year, 12, 31)
        r, a = tables.reservation, tables.absence
        p, g, rg = tables.program, tables.group, tables.regresor
        gu, cg, lk = tables.guardian, tables.child_guardian, tables.decision_lock
        linked = select(cg.c.guardian_id).where(
            cg.c.organisation_id == org, cg.c.child_code.in_(period_codes)
        )

        def whole_organisation(part: Table) -> ColumnElement[bool]:
            return part.c.organisation_id == org

        def read(columns: Sequence[Column[Any]], *where: ColumnElement[bool]) -> Sequence[Row]:
            return self.rows(select(*columns).where(*where))

        with self.guard("month"), collector_paused():
            children = self.children.build(
                read(self.children.columns, child_in_period),
                lambda part: and_(
                    part.c.organisation_id == org, part.c.child_code.in_(period_codes)
                ),
            )
            decisions = _rows.group_rows(
                read(self.decisions.columns, decision_in_period),
                _rows.decision_from,
                _DECISION_CHILD,
                by_start,
            )
            reservations = _rows.group_rows(
                read(
                    self.reservations.columns,
                    r.c.organisation_id == org,
                    r.c.start_date <= year_last,
                    r.c.end_date >= year_first,
                ),
                _rows.reservation_from,
                _RESERVATION_CHILD,
                by_start,
            )
            absences = _rows.group_rows(
                read(
                    self.absences.columns,
                    a.c.organisation_id == org,
                    a.c.start_date <= last,
                    a.c.end_date >= first,
                ),
                _rows.absence_from,
                _ABSENCE_CHILD,
                by_start,
            )
            programs = self.programs.build(
                read(self.programs.columns, p.c.organisation_id == org), whole_organisation
            )
            groups = self.groups.build(
                read(self.groups.columns, g.c.organisation_id == org), whole_organisation
            )
            regresors = self.regresors.build(
                read(self.regresors.columns, rg.c.organisation_id == org), whole_organisation
            )
            guardians = self.guardians.build(
                read(self.guardians.columns, gu.c.organisation_id == org, gu.c.id.in_(linked)),
                whole_organisation,
            )
            locks = self.rows(
                select(lk.c.decision_id, lk.c.billing_run_id).where(
                    lk.c.organisation_id == org,
                    lk.c.decision_id.in_(select(d.c.id).where(decision_in_period)),
                )
            )
            none: tuple[()] = ()
            new_child_month = _new_child_month
            decisions_of, reservations_of, absences_of = (
                decisions.get,
                reservations.get,
                absences.get,
            )
            return MonthData(
                organisation_id=org,
                month=month,
                children={
                    child.code: new_child_month(
                        child,
                        decisions_of(child.code, none),
                        reservations_of(child.code, none),
                        absences_of(child.code, none),
                    )
                    for child in children
                },
                programs={program.code: program for program in programs},
                groups={group.code: group for group in groups},
                regresors={regresor.id: regresor for regresor in regresors},
                guardians={guardian.id: guardian for guardian in guardians},
                locked_decisions=dict(cast("Sequence[tuple[str, str]]", locks)),
                last_month=last_month,
            )

    def commit(self) -> None:
        """Commit; deferred references are checked here (StorageError, nothing stored)."""
        if self._conn is None:
            return
        with self.guard("commit"):
            self._conn.commit()

    def rollback(self) -> None:
        """Roll back every change since the last commit."""
        if self._conn is None:
            return
        try:
            self._conn.rollback()
        except SQLAlchemyError:  # the connection is broken: drop it
            self._conn.invalidate()
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Roll back what was not committed and return the connection to the pool."""
        if self._conn is None:
            return
        try:
            self.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        """Begin (the connection opens on first use)."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back what was not committed and release the connection."""
        self.close()


class SqlStore:
    """A database holding szo_core's tables: SQLite or PostgreSQL.

    Args:
        engine: An engine from :func:`~szo_core.adapters.sql.make_engine` (its
            SQLite settings matter: foreign keys, explicit ``BEGIN``).

    >>> store = SqlStore.open(":memory:")
    >>> store.engine.dialect.name
    'sqlite'
    >>> store.dispose()
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: DatabaseUrl, *, migrate: bool = True, echo: bool = False) -> SqlStore:
        """Open the database at ``url`` and bring its schema to the newest version.

        Args:
            url: A file path, ``":memory:"``, or a ``sqlite://`` / ``postgresql://`` URL.
            migrate: Run the migrations (on by default; turn off when the schema is
                managed separately, for example by a deployment step).
            echo: Log every statement (without parameters).

        >>> SqlStore.open("sqlite://", migrate=False).engine.url.render_as_string()
        'sqlite://'
        """
        engine = make_engine(url, echo=echo)
        if migrate:
            from szo_core.adapters.sql.migrate import migrate as run_migrations

            run_migrations(engine)
        return cls(engine)

    def unit_of_work(self, *, immediate: bool = False) -> SqlUnitOfWork:
        """Return a new unit of work (use it in a ``with`` block).

        Args:
            immediate: On SQLite, begin the transaction with the write lock
                (``BEGIN IMMEDIATE``): for a unit of work that will write, so that
                it waits for another writer (up to the 30 s busy timeout) instead
                of failing when it starts writing after it has read.  Without it,
                such a unit of work gets a retryable
                :class:`~szo_core.errors.ConcurrencyConflict` when another process
                writes at the same time; redo the work.  Ignored on PostgreSQL.

        >>> store = SqlStore.open(":memory:")
        >>> with store.unit_of_work(immediate=True) as uow:
        ...     uow.groups.for_organisation("org")
        ()
        """
        return SqlUnitOfWork(self.engine, immediate=immediate)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
