"""SQL billing storage: :mod:`szo_core.billing.ports` on SQLite and PostgreSQL.

Five tables join :data:`szo_core.adapters.sql.metadata` (created by the
migration ``0002_billing``):

* ``szo_billing_run``: one row per organisation and month (primary key
  ``(organisation_id, id)`` and a **unique constraint on
  ``(organisation_id, month)``**), with a ``version`` for optimistic updates;
* ``szo_invoice`` (primary key ``(organisation_id, year, serial)``, so an
  invoice number cannot be issued twice) and ``szo_invoice_line``;
* ``szo_invoice_counter``: the last serial per organisation and year, updated
  in the run's transaction (a rollback gives the numbers back);
* ``szo_billed``: what each run billed per child, month and payer;
* ``szo_billing_run_decision``: the decisions a run used.

Invoices, billed amounts and used decisions belong to their run (``ON DELETE
CASCADE``).  Months are stored as ``YYYY-MM`` text, which sorts like months.

Concurrency: :meth:`SqlBillingRepository.claim` takes, on PostgreSQL, a
transaction-scoped advisory lock on the organisation
(``pg_try_advisory_xact_lock``; a second run gets
:class:`~szo_core.errors.BillingConflict` at once instead of waiting); on
SQLite it takes the database's write lock with a zero busy timeout (SQLite has
one writer at a time, so any concurrent billing run of the file conflicts).
The unique constraint backs both up: of two runs that got past the claim, the
second to commit fails.

>>> from datetime import date
>>> from szo_core.billing import BillingRun
>>> from szo_core.calendar import Month
>>> store = SqlBillingStore.open(":memory:")
>>> with store.unit_of_work() as uow:
...     _ = uow.billing.add_run(BillingRun(organisation_id="o", id="2026-09",
...                                        month=Month(2026, 9), issued_on=date(2026, 10, 1)))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     str(uow.billing.runs("o")[0].month)
'2026-09'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    and_,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from szo_core.adapters._common import conflict, not_found
from szo_core.adapters.memory_billing import in_progress
from szo_core.adapters.sql.engine import DatabaseUrl, make_engine
from szo_core.adapters.sql.tables import metadata
from szo_core.adapters.sql.types import ExactDecimal
from szo_core.adapters.sql.uow import SqlStore, SqlUnitOfWork
from szo_core.billing.records import (
    BilledEntry,
    BillingRun,
    Invoice,
    InvoiceLine,
    RunStatus,
)
from szo_core.calendar import Month
from szo_core.fees import PayerKind

if TYPE_CHECKING:
    from sqlalchemy import Engine, RowMapping

__all__ = [
    "SqlBillingRepository",
    "SqlBillingStore",
    "SqlBillingUnitOfWork",
    "billed",
    "billing_run",
    "billing_run_decision",
    "invoice",
    "invoice_counter",
    "invoice_line",
]

_RUN_FK = (["organisation_id", "run_id"], ["szo_billing_run.organisation_id", "szo_billing_run.id"])

billing_run = Table(
    "szo_billing_run",
    metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("id", Text, primary_key=True),
    Column("month", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("invoice_count", Integer, nullable=False),
    Column("total", ExactDecimal, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("version", BigInteger, nullable=False),
    UniqueConstraint("organisation_id", "month"),
)
"""Billing runs (:class:`~szo_core.billing.BillingRun`): one per organisation and month."""

invoice_counter = Table(
    "szo_invoice_counter",
    metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last_serial", BigInteger, nullable=False),
)
"""The last invoice serial used per organisation and year."""

invoice = Table(
    "szo_invoice",
    metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("serial", BigInteger, primary_key=True, autoincrement=False),
    Column("run_id", Text, nullable=False),
    Column("month", Text, nullable=False),
    Column("child_code", BigInteger, nullable=False),
    Column("payer_kind", Text, nullable=False),
    Column("payer_id", Text, nullable=False),
    Column("amount", ExactDecimal, nullable=False),
    Column("reference", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    ForeignKeyConstraint(*_RUN_FK, ondelete="CASCADE"),
    Index(None, "organisation_id", "run_id"),
)
"""Invoices (:class:`~szo_core.billing.Invoice`), keyed by number."""

invoice_line = Table(
    "szo_invoice_line",
    metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("serial", BigInteger, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("kind", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("amount", ExactDecimal, nullable=False),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("original_month", Text, nullable=True),
    Column("decision_ids", Text, nullable=False),
    ForeignKeyConstraint(
        ["organisation_id", "year", "serial"],
        ["szo_invoice.organisation_id", "szo_invoice.year", "szo_invoice.serial"],
        ondelete="CASCADE",
    ),
)
"""Invoice lines, in order (owned by ``szo_invoice``)."""

billed = Table(
    "szo_billed",
    metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("run_id", Text, primary_key=True),
    Column("child_code", BigInteger, primary_key=True, autoincrement=False),
    Column("month", Text, primary_key=True),
    Column("payer_kind", Text, primary_key=True),
    Column("payer_id", Text, primary_key=True),
    Column("amount", ExactDecimal, nullable=False),
    Column("billed_in", Text, nullable=False),
    ForeignKeyConstraint(*_RUN_FK, ondelete="CASCADE"),
    Index(None, "organisation_id", "month"),
)
"""What each run billed per child, month and payer (:class:`~szo_core.billing.BilledEntry`)."""

billing_run_decision = Table(
    "szo_billing_run_decision",
    metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("run_id", Text, primary_key=True),
    Column("decision_id", Text, primary_key=True),
    ForeignKeyConstraint(*_RUN_FK, ondelete="CASCADE"),
)
"""The decisions each run used (locked when the run is closed)."""

_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED (extended codes masked to their base)


def _run_row(run: BillingRun) -> dict[str, object]:
    return {
        "organisation_id": run.organisation_id,
        "id": run.id,
        "month": str(run.month),
        "status": str(run.status),
        "issued_on": run.issued_on,
        "invoice_count": run.invoice_count,
        "total": run.total,
        "closed_on": run.closed_on,
        "version": run.version,
    }


def _run_from(row: RowMapping) -> BillingRun:
    return BillingRun(
        organisation_id=row["organisation_id"],
        id=row["id"],
        month=Month.parse(row["month"]),
        status=RunStatus(row["status"]),
        issued_on=row["issued_on"],
        invoice_count=row["invoice_count"],
        total=row["total"],
        closed_on=row["closed_on"],
        version=row["version"],
    )


def _invoice_row(i: Invoice) -> dict[str, object]:
    return {
        "organisation_id": i.organisation_id,
        "year": i.year,
        "serial": i.serial,
        "run_id": i.run_id,
        "month": str(i.month),
        "child_code": i.child_code,
        "payer_kind": str(i.payer),
        "payer_id": i.payer_id,
        "amount": i.amount,
        "reference": i.reference,
        "issued_on": i.issued_on,
    }


def _line_rows(i: Invoice) -> list[dict[str, object]]:
    return [
        {
            "organisation_id": i.organisation_id,
            "year": i.year,
            "serial": i.serial,
            "position": position,
            "kind": line.kind,
            "description": line.description,
            "amount": line.amount,
            "start_date": line.start,
            "end_date": line.end,
            "original_month": None if line.original_month is None else str(line.original_month),
            "decision_ids": json.dumps(list(line.decision_ids)),
        }
        for position, line in enumerate(i.lines)
    ]


def _line_from(row: RowMapping) -> InvoiceLine:
    original = row["original_month"]
    return InvoiceLine(
        kind=row["kind"],
        description=row["description"],
        amount=row["amount"],
        start=row["start_date"],
        end=row["end_date"],
        original_month=None if original is None else Month.parse(original),
        decision_ids=tuple(json.loads(row["decision_ids"])),
    )


def _invoice_from(row: RowMapping, lines: Sequence[InvoiceLine]) -> Invoice:
    return Invoice(
        organisation_id=row["organisation_id"],
        run_id=row["run_id"],
        month=Month.parse(row["month"]),
        year=row["year"],
        serial=row["serial"],
        child_code=row["child_code"],
        payer=PayerKind(row["payer_kind"]),
        payer_id=row["payer_id"],
        amount=row["amount"],
        reference=row["reference"],
        issued_on=row["issued_on"],
        lines=tuple(lines),
    )


def _billed_row(e: BilledEntry) -> dict[str, object]:
    return {
        "organisation_id": e.organisation_id,
        "run_id": e.run_id,
        "child_code": e.child_code,
        "month": str(e.month),
        "payer_kind": str(e.payer),
        "payer_id": e.payer_id,
        "amount": e.amount,
        "billed_in": str(e.billed_in),
    }


def _billed_from(row: RowMapping) -> BilledEntry:
    return BilledEntry(
        organisation_id=row["organisation_id"],
        run_id=row["run_id"],
        child_code=row["child_code"],
        month=Month.parse(row["month"]),
        payer=PayerKind(row["payer_kind"]),
        payer_id=row["payer_id"],
        amount=row["amount"],
        billed_in=Month.parse(row["billed_in"]),
    )


class SqlBillingRepository:
    """Billing runs, invoices and billed amounts on the unit of work's connection."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def claim(self, organisation_id: str, month: Month) -> None:
        """Reserve the organisation's billing (see the module docs); never waits."""
        conn = self._uow.connection
        if conn.dialect.name == "postgresql":
            with self._uow.guard("billing_runs"):
                got = conn.execute(
                    text("SELECT pg_try_advisory_xact_lock(hashtext(:key))"),
                    {"key": f"szo_core.billing:{organisation_id}"},
                ).scalar_one()
            if not got:
                self._uow.rollback()
                raise in_progress(organisation_id, month)
            return
        busy = False
        with self._uow.guard("billing_runs"):
            timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
            conn.exec_driver_sql("PRAGMA busy_timeout = 0")
            try:
                # A write that changes nothing: it takes the write lock now or fails.
                conn.execute(
                    update(billing_run)
                    .where(billing_run.c.organisation_id == organisation_id)
                    .values(version=billing_run.c.version)
                )
            except OperationalError as exc:
                code = getattr(exc.orig, "sqlite_errorcode", None)
                if code is None or code & 0xFF not in _SQLITE_BUSY:
                    raise
                busy = True
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(timeout)}")
        if busy:
            self._uow.rollback()
            raise in_progress(organisation_id, month)

    def runs(self, organisation_id: str) -> tuple[BillingRun, ...]:
        """Every run of the organisation, ordered by month."""
        t = billing_run
        with self._uow.guard("billing_runs"):
            rows = self._uow.connection.execute(
                select(t).where(t.c.organisation_id == organisation_id).order_by(t.c.month)
            ).mappings()
            return tuple(_run_from(row) for row in rows)

    def find_run(self, organisation_id: str, month: Month) -> BillingRun | None:
        """The run of ``month``, or None."""
        t = billing_run
        with self._uow.guard("billing_runs"):
            row = (
                self._uow.connection.execute(
                    select(t).where(t.c.organisation_id == organisation_id, t.c.month == str(month))
                )
                .mappings()
                .first()
            )
        return None if row is None else _run_from(row)

    def add_run(self, run: BillingRun) -> BillingRun:
        """Store a new run; a second run of the month raises ``storage.duplicate``."""
        with self._uow.guard("billing_runs"):
            self._uow.connection.execute(insert(billing_run), [_run_row(run)])
        return run

    def _versioned(self, run: BillingRun) -> ColumnElement[bool]:
        t = billing_run
        return and_(
            t.c.organisation_id == run.organisation_id,
            t.c.id == run.id,
            t.c.version == run.version,
        )

    def _missing_or_stale(self, run: BillingRun) -> None:
        t = billing_run
        found = self._uow.connection.execute(
            select(t.c.version).where(t.c.organisation_id == run.organisation_id, t.c.id == run.id)
        ).first()
        if found is None:
            raise not_found("billing_runs", run.organisation_id, run.id)
        self._uow.rollback()
        raise conflict("billing_runs", run.organisation_id, run.id)

    def update_run(self, run: BillingRun) -> BillingRun:
        """Replace the stored run if its version matches; return it with version + 1."""
        values = _run_row(run)
        values["version"] = run.version + 1
        with self._uow.guard("billing_runs"):
            result = self._uow.connection.execute(
                update(billing_run).where(self._versioned(run)).values(values)
            )
            if result.rowcount != 1:
                self._missing_or_stale(run)
        return attrs.evolve(run, version=run.version + 1)

    def remove_run(self, run: BillingRun) -> None:
        """Remove the run; its invoices, billed entries and decisions go with it."""
        with self._uow.guard("billing_runs"):
            result = self._uow.connection.execute(delete(billing_run).where(self._versioned(run)))
            if result.rowcount != 1:
                self._missing_or_stale(run)

    def last_serial(self, organisation_id: str, year: int) -> int:
        """The last invoice serial used in ``year`` (0 when none)."""
        t = invoice_counter
        with self._uow.guard("invoice_counters"):
            found = self._uow.connection.execute(
                select(t.c.last_serial).where(
                    t.c.organisation_id == organisation_id, t.c.year == year
                )
            ).scalar_one_or_none()
        return 0 if found is None else int(found)

    def set_last_serial(self, organisation_id: str, year: int, serial: int) -> None:
        """Set the last invoice serial used in ``year`` (insert or update)."""
        conn = self._uow.connection
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = dialect_insert(invoice_counter).values(
            organisation_id=organisation_id, year=year, last_serial=serial
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["organisation_id", "year"], set_={"last_serial": serial}
        )
        with self._uow.guard("invoice_counters"):
            conn.execute(stmt)

    def add_invoices(self, invoices: Iterable[Invoice]) -> None:
        """Store new invoices with their lines (one INSERT per table)."""
        batch = list(invoices)
        if not batch:
            return
        lines = [row for i in batch for row in _line_rows(i)]
        with self._uow.guard("invoices"):
            conn = self._uow.connection
            conn.execute(insert(invoice), [_invoice_row(i) for i in batch])
            if lines:
                conn.execute(insert(invoice_line), lines)

    def _load(self, where: ColumnElement[bool]) -> tuple[Invoice, ...]:
        i, ln = invoice, invoice_line
        conn = self._uow.connection
        with self._uow.guard("invoices"):
            rows = conn.execute(select(i).where(where).order_by(i.c.year, i.c.serial)).mappings()
            heads = list(rows)
            joined = select(ln).join(
                i,
                and_(
                    ln.c.organisation_id == i.c.organisation_id,
                    ln.c.year == i.c.year,
                    ln.c.serial == i.c.serial,
                ),
            )
            lines: dict[tuple[int, int], list[InvoiceLine]] = {}
            for row in conn.execute(joined.where(where).order_by(ln.c.position)).mappings():
                lines.setdefault((row["year"], row["serial"]), []).append(_line_from(row))
        return tuple(_invoice_from(h, lines.get((h["year"], h["serial"]), ())) for h in heads)

    def invoices(self, organisation_id: str, run_id: str) -> tuple[Invoice, ...]:
        """The invoices of a run, in number order."""
        return self._load(
            and_(invoice.c.organisation_id == organisation_id, invoice.c.run_id == run_id)
        )

    def invoices_of_year(self, organisation_id: str, year: int) -> tuple[Invoice, ...]:
        """Every invoice numbered in ``year``, in number order."""
        return self._load(
            and_(invoice.c.organisation_id == organisation_id, invoice.c.year == year)
        )

    def add_billed(self, entries: Iterable[BilledEntry]) -> None:
        """Store what a run billed."""
        rows = [_billed_row(e) for e in entries]
        if rows:
            with self._uow.guard("billed"):
                self._uow.connection.execute(insert(billed), rows)

    def billed(self, organisation_id: str, since: Month, before: Month) -> tuple[BilledEntry, ...]:
        """Entries for months ``since`` <= month < ``before``."""
        t = billed
        with self._uow.guard("billed"):
            rows = self._uow.connection.execute(
                select(t).where(
                    t.c.organisation_id == organisation_id,
                    t.c.month >= str(since),
                    t.c.month < str(before),
                )
            ).mappings()
            found = [_billed_from(row) for row in rows]
        return tuple(
            sorted(found, key=lambda e: (e.child_code, e.month, e.payer, e.payer_id, e.billed_in))
        )

    def add_run_decisions(
        self, organisation_id: str, run_id: str, decision_ids: Iterable[str]
    ) -> None:
        """Record the decisions a run used."""
        rows = [
            {"organisation_id": organisation_id, "run_id": run_id, "decision_id": d}
            for d in dict.fromkeys(decision_ids)
        ]
        if rows:
            with self._uow.guard("billing_run_decisions"):
                self._uow.connection.execute(insert(billing_run_decision), rows)

    def run_decisions(self, organisation_id: str, run_id: str) -> tuple[str, ...]:
        """The decisions a run used, sorted."""
        t = billing_run_decision
        with self._uow.guard("billing_run_decisions"):
            found = self._uow.connection.execute(
                select(t.c.decision_id).where(
                    t.c.organisation_id == organisation_id, t.c.run_id == run_id
                )
            ).scalars()
            return tuple(sorted(found))


class SqlBillingUnitOfWork(SqlUnitOfWork):
    """A :class:`~szo_core.adapters.sql.SqlUnitOfWork` with ``billing``.

    >>> with SqlBillingStore.open(":memory:").unit_of_work() as uow:
    ...     uow.billing.last_serial("o", 2026)
    0
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.billing = SqlBillingRepository(self)


class SqlBillingStore(SqlStore):
    """A :class:`~szo_core.adapters.sql.SqlStore` whose units of work have ``billing``.

    >>> SqlBillingStore.open(":memory:").unit_of_work().billing.runs("o")
    ()
    """

    @classmethod
    def open(cls, url: DatabaseUrl, *, migrate: bool = True, echo: bool = False) -> SqlBillingStore:
        """Open the database at ``url`` and migrate it (see :meth:`SqlStore.open`)."""
        engine = make_engine(url, echo=echo)
        if migrate:
            from szo_core.adapters.sql.migrate import migrate as run_migrations

            run_migrations(engine)
        return cls(engine)

    def unit_of_work(self) -> SqlBillingUnitOfWork:
        """Return a new unit of work with ``billing``."""
        return SqlBillingUnitOfWork(self.engine)

    def organisations(self) -> tuple[str, ...]:
        """The organisations that have children in the database, sorted.

        >>> SqlBillingStore.open(":memory:").organisations()
        ()
        """
        from szo_core.adapters.sql.tables import child

        with self.engine.connect() as conn:
            found = conn.execute(select(child.c.organisation_id).distinct()).scalars()
            return tuple(sorted(found))
