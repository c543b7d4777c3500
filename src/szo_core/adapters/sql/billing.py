"""SQL billing storage: :mod:`szo_core.billing.ports` on SQLite and PostgreSQL.

These tables join :data:`szo_core.adapters.sql.metadata` (created by the
migrations ``0002_billing`` and ``0005_billing_year``):

* ``szo_billing_run``: one row per organisation and month (primary key
  ``(organisation_id, id)`` and a **unique constraint on
  ``(organisation_id, month)``**), with a ``version`` for optimistic updates
  and the state of its output files;
* ``szo_billing_document`` (primary key ``(organisation_id, run_id,
  position)``, and a **unique constraint on ``(organisation_id, kind, year,
  serial)``**, so a number cannot be issued twice in its series; unnumbered
  documents have no serial), ``szo_billing_document_line`` and
  ``szo_billing_document_entry`` (the lists of children);
* ``szo_billing_counter``: the last serial per organisation, series and year,
  updated in the run's transaction (a rollback gives the numbers back);
* ``szo_billed``: what each run billed per child, month and payer, with the
  number of the document that carried it;
* ``szo_billing_fingerprint``: the fingerprint of each child's month each run
  computed;
* ``szo_billing_run_decision``: the decisions a run used.

Documents, billed amounts, fingerprints and used decisions belong to their run
(``ON DELETE CASCADE``), so removing an open run brings back the fingerprints
of the runs before it.  Months are stored as ``YYYY-MM`` text, which sorts
like months, and so do run ids.

Concurrency: :meth:`SqlBillingRepository.claim` takes, on PostgreSQL, a
transaction-scoped advisory lock on the organisation
(``pg_try_advisory_xact_lock``; a second run gets
:class:`~szo_core.errors.BillingConflict` at once instead of waiting); on
SQLite it takes the database's write lock with a zero busy timeout (SQLite has
one writer at a time, so any concurrent billing run of the file conflicts).
The unique constraints back both up: of two runs that got past the claim, the
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
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import (
    BigInteger,
    Boolean,
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
from szo_core.adapters.sql.tables import _org, metadata
from szo_core.adapters.sql.types import ExactDecimal
from szo_core.adapters.sql.uow import SqlStore, SqlUnitOfWork
from szo_core.billing.records import (
    BilledEntry,
    BillingRun,
    CorrectedDocument,
    DocumentKind,
    FilesState,
    Fingerprint,
    Invoice,
    InvoiceLine,
    ListEntry,
    RunStatus,
)
from szo_core.calendar import Month
from szo_core.fees import PayerKind

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "SqlBillingRepository",
    "SqlBillingStore",
    "SqlBillingUnitOfWork",
    "billed",
    "billing_counter",
    "billing_fingerprint",
    "billing_run",
    "billing_run_decision",
    "document",
    "document_entry",
    "document_line",
]

_RUN_FK = (["organisation_id", "run_id"], ["szo_billing_run.organisation_id", "szo_billing_run.id"])
_DOCUMENT_FK = (
    ["organisation_id", "run_id", "position"],
    [
        "szo_billing_document.organisation_id",
        "szo_billing_document.run_id",
        "szo_billing_document.position",
    ],
)

billing_run = Table(
    "szo_billing_run",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The run's id, YYYY-MM."),
    Column("month", Text, nullable=False, comment="The billed month, YYYY-MM."),
    Column("status", Text, nullable=False, comment="open or closed."),
    Column("issued_on", Date, nullable=False, comment="The issue date printed on its documents."),
    Column(
        "invoice_count",
        Integer,
        nullable=False,
        comment="How many invoices it issued (numbered or kept unnumbered).",
    ),
    Column("total", ExactDecimal, nullable=False, comment="The sum of all its documents in euros."),
    Column("closed_on", Date, nullable=True, comment="Day it was closed, or NULL while open."),
    Column(
        "version",
        BigInteger,
        nullable=False,
        comment=(
            "Optimistic-concurrency version: incremented on every update, checked before writing."
        ),
    ),
    Column(
        "credit_note_count",
        Integer,
        nullable=False,
        server_default="0",
        comment="How many credit notes it issued.",
    ),
    Column(
        "files_state",
        Text,
        nullable=False,
        server_default="none",
        comment="Where its output files stand: none, staged or written.",
    ),
    Column(
        "files_digest",
        Text,
        nullable=True,
        comment="Digest of its staged files (szo bill), or NULL.",
    ),
    UniqueConstraint("organisation_id", "month"),
    comment="Billing runs: one per organisation and month, open until closed.",
)
"""Billing runs (:class:`~szo_core.billing.BillingRun`): one per organisation and month."""

billing_counter = Table(
    "szo_billing_counter",
    metadata,
    _org(),
    Column(
        "series",
        Text,
        primary_key=True,
        comment="invoice or credit_note (each is a number series).",
    ),
    Column("year", Integer, primary_key=True, autoincrement=False, comment="The numbering year."),
    Column(
        "last_serial",
        BigInteger,
        nullable=False,
        comment="The last serial number issued in the series and year.",
    ),
    comment=("The last serial number used per organisation, series and year (gap-free numbering)."),
)
"""The last serial used per organisation, series (invoices, credit notes) and year."""

document = Table(
    "szo_billing_document",
    metadata,
    _org(),
    Column(
        "run_id",
        Text,
        primary_key=True,
        comment="The billing run (szo_billing_run) that issued it.",
    ),
    Column(
        "position",
        Integer,
        primary_key=True,
        autoincrement=False,
        comment="Its place among the run's documents, from 1.",
    ),
    Column("kind", Text, nullable=False, comment="invoice, credit_note or claim."),
    Column("year", Integer, nullable=False, comment="The numbering year (the billed month's)."),
    Column(
        "serial",
        BigInteger,
        nullable=True,
        comment="The number within its series and year, or NULL for an unnumbered document.",
    ),
    Column(
        "number",
        Text,
        nullable=True,
        comment="The printed number (2026-000007, D2026-000003), or NULL.",
    ),
    Column("month", Text, nullable=False, comment="The billed month, YYYY-MM."),
    Column(
        "child_code",
        BigInteger,
        nullable=True,
        comment="The child of a parents' document; NULL for a list.",
    ),
    Column(
        "payer_kind",
        Text,
        nullable=False,
        comment=(
            "The kind of payer: parents, state, municipality or other_municipality; "
            "a care home's resident, relative or care_fund."
        ),
    ),
    Column(
        "payer_id",
        Text,
        nullable=False,
        comment=(
            "Which payer: the child's code for the parents, the regresor's id for a"
            " municipality, state for the state."
        ),
    ),
    Column("amount", ExactDecimal, nullable=False, comment="The sum of its lines in euros."),
    Column(
        "reference",
        Text,
        nullable=True,
        comment="The payment reference, compact (SI12... or RF...), or NULL.",
    ),
    Column("issued_on", Date, nullable=False, comment="The issue date."),
    Column(
        "corrects",
        Text,
        nullable=False,
        comment=(
            "JSON list of [month, document number] pairs this document corrects ([] for none)."
        ),
    ),
    ForeignKeyConstraint(*_RUN_FK, ondelete="CASCADE"),
    UniqueConstraint("organisation_id", "kind", "year", "serial"),
    comment=(
        "Documents a run issued: invoices, credit notes and the state's claim, "
        "by position in the run."
    ),
)
"""Documents (:class:`~szo_core.billing.Invoice`): invoices, credit notes, the state's claim."""

document_line = Table(
    "szo_billing_document_line",
    metadata,
    _org(),
    Column("run_id", Text, primary_key=True, comment="The billing run."),
    Column(
        "position",
        Integer,
        primary_key=True,
        autoincrement=False,
        comment="The document's position in the run.",
    ),
    Column(
        "line",
        Integer,
        primary_key=True,
        autoincrement=False,
        comment="The line's place in the document, from 1.",
    ),
    Column(
        "kind",
        Text,
        nullable=False,
        comment="The fee line's kind (share, food_deduction, correction ...).",
    ),
    Column(
        "description", Text, nullable=False, comment="What the line is, in Slovenian, as printed."
    ),
    Column(
        "amount",
        ExactDecimal,
        nullable=False,
        comment="The amount in euros (negative for deductions and refunds).",
    ),
    Column(
        "start_date",
        Date,
        nullable=True,
        comment="First day the line covers, or NULL for a correction or a list.",
    ),
    Column("end_date", Date, nullable=True, comment="Last day the line covers, or NULL."),
    Column(
        "original_month",
        Text,
        nullable=True,
        comment="For a correction, the month it corrects (YYYY-MM), or NULL.",
    ),
    Column(
        "decision_ids",
        Text,
        nullable=False,
        comment="JSON list of the decisions (szo_decision ids) the line rests on.",
    ),
    ForeignKeyConstraint(*_DOCUMENT_FK, ondelete="CASCADE"),
    comment="A document's lines, in order (owned by szo_billing_document).",
)
"""Document lines, in order (owned by ``szo_billing_document``)."""

document_entry = Table(
    "szo_billing_document_entry",
    metadata,
    _org(),
    Column("run_id", Text, primary_key=True, comment="The billing run."),
    Column(
        "position",
        Integer,
        primary_key=True,
        autoincrement=False,
        comment="The document's position in the run.",
    ),
    Column(
        "entry",
        Integer,
        primary_key=True,
        autoincrement=False,
        comment="The entry's place in the list, from 1.",
    ),
    Column("child_code", BigInteger, nullable=False, comment="The child."),
    Column("child_name", Text, nullable=False, comment="The child's name as on the list."),
    Column(
        "applicant",
        Text,
        nullable=False,
        comment="Who applied for the decision (vlagatelj), as on the list.",
    ),
    Column("month", Text, nullable=False, comment="The month the amount is for, YYYY-MM."),
    Column(
        "correction", Boolean, nullable=False, comment="TRUE for a correction of an earlier month."
    ),
    Column(
        "days",
        Integer,
        nullable=False,
        comment="Billing days the child was enrolled in that month.",
    ),
    Column("days_in_month", Integer, nullable=False, comment="Billing days in that month."),
    Column("price", ExactDecimal, nullable=True, comment="The program's monthly price, or NULL."),
    Column(
        "coefficient", ExactDecimal, nullable=True, comment="The parents' coefficient, or NULL."
    ),
    Column(
        "billed",
        ExactDecimal,
        nullable=True,
        comment="For a correction, what was billed for the month before; else NULL.",
    ),
    Column(
        "due",
        ExactDecimal,
        nullable=True,
        comment="For a correction, what is due for it now; else NULL.",
    ),
    Column(
        "amount",
        ExactDecimal,
        nullable=False,
        comment=(
            "The payer's amount for the child's month in euros (for a correction, the difference)."
        ),
    ),
    ForeignKeyConstraint(*_DOCUMENT_FK, ondelete="CASCADE"),
    comment=(
        "The list of children of a municipality's document or the state's claim"
        " (owned by szo_billing_document)."
    ),
)
"""The lists of children of the municipalities' documents and the state's claim."""

billed = Table(
    "szo_billed",
    metadata,
    _org(),
    Column(
        "run_id",
        Text,
        primary_key=True,
        comment="The billing run (szo_billing_run) that billed it.",
    ),
    Column("child_code", BigInteger, primary_key=True, autoincrement=False, comment="The child."),
    Column(
        "month",
        Text,
        primary_key=True,
        comment="The month the amount is for (the original month), YYYY-MM.",
    ),
    Column("payer_kind", Text, primary_key=True, comment="The kind of payer."),
    Column("payer_id", Text, primary_key=True, comment="Which payer."),
    Column(
        "amount",
        ExactDecimal,
        nullable=False,
        comment="The amount in euros (for a correction, the difference).",
    ),
    Column(
        "billed_in", Text, nullable=False, comment="The month of the run that billed it, YYYY-MM."
    ),
    Column(
        "document",
        Text,
        nullable=True,
        comment=(
            "The number of the document that carried it, or NULL (unknown, or a 0.00 document)."
        ),
    ),
    ForeignKeyConstraint(*_RUN_FK, ondelete="CASCADE"),
    Index(None, "organisation_id", "month"),
    comment=("What each run billed per child, month and payer: the base of later corrections."),
)
"""What each run billed per child, month and payer (:class:`~szo_core.billing.BilledEntry`)."""

billing_fingerprint = Table(
    "szo_billing_fingerprint",
    metadata,
    _org(),
    Column("run_id", Text, primary_key=True, comment="The billing run."),
    Column("child_code", BigInteger, primary_key=True, autoincrement=False, comment="The child."),
    Column("month", Text, primary_key=True, comment="The month, YYYY-MM."),
    Column(
        "digest",
        Text,
        nullable=False,
        comment=("The digest of the inputs (32 hexadecimal digits), or a marker for no inputs."),
    ),
    ForeignKeyConstraint(*_RUN_FK, ondelete="CASCADE"),
    Index(None, "organisation_id", "month"),
    comment=(
        "Each run's digest of each child's month's inputs: a changed digest "
        "means the month needs a correction."
    ),
)
"""Each run's fingerprint of each child's month (:class:`~szo_core.billing.Fingerprint`)."""

billing_run_decision = Table(
    "szo_billing_run_decision",
    metadata,
    _org(),
    Column("run_id", Text, primary_key=True, comment="The billing run."),
    Column("decision_id", Text, primary_key=True, comment="The decision (szo_decision)."),
    ForeignKeyConstraint(*_RUN_FK, ondelete="CASCADE"),
    comment="The decisions each run used (locked when the run is closed).",
)
"""The decisions each run used (locked when the run is closed)."""

_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED (extended codes masked to their base)
_CHUNK = 500  # child codes per IN list


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
        "credit_note_count": run.credit_note_count,
        "files_state": str(run.files),
        "files_digest": run.files_digest,
    }


_RUN_COLUMNS = tuple(
    billing_run.c[name]
    for name in (
        "organisation_id",
        "id",
        "month",
        "status",
        "issued_on",
        "invoice_count",
        "total",
        "closed_on",
        "version",
        "credit_note_count",
        "files_state",
        "files_digest",
    )
)


def _run_from(row: Sequence[Any]) -> BillingRun:
    (
        org,
        run_id,
        month,
        status,
        issued_on,
        count,
        total,
        closed_on,
        version,
        credits,
        files,
        digest,
    ) = row
    return BillingRun(
        organisation_id=org,
        id=run_id,
        month=Month.parse(month),
        status=RunStatus(status),
        issued_on=issued_on,
        invoice_count=count,
        total=total,
        closed_on=closed_on,
        version=version,
        credit_note_count=credits,
        files=FilesState(files),
        files_digest=digest,
    )


def _document_row(d: Invoice) -> dict[str, object]:
    return {
        "organisation_id": d.organisation_id,
        "run_id": d.run_id,
        "position": d.position,
        "kind": str(d.kind),
        "year": d.year,
        "serial": d.serial,
        "number": d.number,
        "month": str(d.month),
        "child_code": d.child_code,
        "payer_kind": str(d.payer),
        "payer_id": d.payer_id,
        "amount": d.amount,
        "reference": d.reference,
        "issued_on": d.issued_on,
        "corrects": json.dumps([[str(c.month), c.number] for c in d.corrects]),
    }


_DOCUMENT_COLUMNS = tuple(
    document.c[name]
    for name in (
        "organisation_id",
        "run_id",
        "position",
        "kind",
        "year",
        "serial",
        "number",
        "month",
        "child_code",
        "payer_kind",
        "payer_id",
        "amount",
        "reference",
        "issued_on",
        "corrects",
    )
)


def _line_rows(d: Invoice) -> list[dict[str, object]]:
    return [
        {
            "organisation_id": d.organisation_id,
            "run_id": d.run_id,
            "position": d.position,
            "line": number,
            "kind": line.kind,
            "description": line.description,
            "amount": line.amount,
            "start_date": line.start,
            "end_date": line.end,
            "original_month": None if line.original_month is None else str(line.original_month),
            "decision_ids": json.dumps(list(line.decision_ids)),
        }
        for number, line in enumerate(d.lines)
    ]


_LINE_COLUMNS = tuple(
    document_line.c[name]
    for name in (
        "run_id",
        "position",
        "kind",
        "description",
        "amount",
        "start_date",
        "end_date",
        "original_month",
        "decision_ids",
    )
)


def _line_from(row: Sequence[Any]) -> InvoiceLine:
    _run, _position, kind, description, amount, start, end, original, decisions = row
    return InvoiceLine(
        kind=kind,
        description=description,
        amount=amount,
        start=start,
        end=end,
        original_month=None if original is None else Month.parse(original),
        decision_ids=tuple(json.loads(decisions)),
    )


def _entry_rows(d: Invoice) -> list[dict[str, object]]:
    return [
        {
            "organisation_id": d.organisation_id,
            "run_id": d.run_id,
            "position": d.position,
            "entry": number,
            "child_code": e.child_code,
            "child_name": e.child_name,
            "applicant": e.applicant,
            "month": str(e.month),
            "correction": e.correction,
            "days": e.days,
            "days_in_month": e.days_in_month,
            "price": e.price,
            "coefficient": e.coefficient,
            "billed": e.billed,
            "due": e.due,
            "amount": e.amount,
        }
        for number, e in enumerate(d.entries)
    ]


_ENTRY_COLUMNS = tuple(
    document_entry.c[name]
    for name in (
        "run_id",
        "position",
        "child_code",
        "child_name",
        "applicant",
        "month",
        "correction",
        "days",
        "days_in_month",
        "price",
        "coefficient",
        "billed",
        "due",
        "amount",
    )
)


def _entry_from(row: Sequence[Any]) -> ListEntry:
    (_run, _position, code, name, applicant, month, correction, days, in_month) = row[:9]
    price, coefficient, was, due, amount = row[9:]
    return ListEntry(
        child_code=code,
        child_name=name,
        applicant=applicant,
        month=Month.parse(month),
        correction=bool(correction),
        days=days,
        days_in_month=in_month,
        price=price,
        coefficient=coefficient,
        billed=was,
        due=due,
        amount=amount,
    )


def _document_from(
    row: Sequence[Any], lines: Sequence[InvoiceLine], entries: Sequence[ListEntry]
) -> Invoice:
    (org, run_id, position, kind, year, serial, number, month, code) = row[:9]
    payer, payer_id, amount, reference, issued_on, corrects = row[9:]
    return Invoice(
        organisation_id=org,
        run_id=run_id,
        position=position,
        kind=DocumentKind(kind),
        year=year,
        serial=serial,
        number=number,
        month=Month.parse(month),
        child_code=code,
        payer=PayerKind(payer),
        payer_id=payer_id,
        amount=amount,
        reference=reference,
        issued_on=issued_on,
        lines=tuple(lines),
        entries=tuple(entries),
        corrects=tuple(
            CorrectedDocument(month=Month.parse(m), number=n) for m, n in json.loads(corrects)
        ),
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
        "document": e.document,
    }


_BILLED_COLUMNS = tuple(
    billed.c[name]
    for name in (
        "organisation_id",
        "run_id",
        "child_code",
        "month",
        "payer_kind",
        "payer_id",
        "amount",
        "billed_in",
        "document",
    )
)


def _billed_from(row: Sequence[Any]) -> BilledEntry:
    org, run_id, code, month, payer, payer_id, amount, billed_in, number = row
    return BilledEntry(
        organisation_id=org,
        run_id=run_id,
        child_code=code,
        month=Month.parse(month),
        payer=PayerKind(payer),
        payer_id=payer_id,
        amount=amount,
        billed_in=Month.parse(billed_in),
        document=number,
    )


def _chunks(codes: Collection[int]) -> Iterable[list[int]]:
    ordered = sorted(codes)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


class SqlBillingRepository:
    """Billing runs, documents, billed amounts and fingerprints on the unit of work's connection."""

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
            # The PRAGMAs go to the sqlite3 connection itself, so that they do not
            # begin the transaction: its BEGIN IMMEDIATE must not wait either.
            raw = conn.connection.driver_connection
            assert raw is not None
            timeout = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute("PRAGMA busy_timeout = 0")
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
                raw.execute(f"PRAGMA busy_timeout = {int(timeout)}")
        if busy:
            self._uow.rollback()
            raise in_progress(organisation_id, month)

    def runs(self, organisation_id: str) -> tuple[BillingRun, ...]:
        """Every run of the organisation, ordered by month."""
        t = billing_run
        with self._uow.guard("billing_runs"):
            rows = self._uow.rows(
                select(*_RUN_COLUMNS)
                .where(t.c.organisation_id == organisation_id)
                .order_by(t.c.month)
            )
            return tuple(_run_from(row) for row in rows)

    def find_run(self, organisation_id: str, month: Month) -> BillingRun | None:
        """The run of ``month``, or None."""
        t = billing_run
        with self._uow.guard("billing_runs"):
            rows = self._uow.rows(
                select(*_RUN_COLUMNS).where(
                    t.c.organisation_id == organisation_id, t.c.month == str(month)
                )
            )
        return _run_from(rows[0]) if rows else None

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
        """Remove the run; everything it wrote goes with it (``ON DELETE CASCADE``)."""
        with self._uow.guard("billing_runs"):
            result = self._uow.connection.execute(delete(billing_run).where(self._versioned(run)))
            if result.rowcount != 1:
                self._missing_or_stale(run)

    def last_serial(
        self, organisation_id: str, year: int, series: DocumentKind = DocumentKind.INVOICE
    ) -> int:
        """The last serial used in ``year`` in ``series`` (0 when none)."""
        t = billing_counter
        with self._uow.guard("invoice_counters"):
            found = self._uow.connection.execute(
                select(t.c.last_serial).where(
                    t.c.organisation_id == organisation_id,
                    t.c.series == str(series),
                    t.c.year == year,
                )
            ).scalar_one_or_none()
        return 0 if found is None else int(found)

    def set_last_serial(
        self,
        organisation_id: str,
        year: int,
        serial: int,
        series: DocumentKind = DocumentKind.INVOICE,
    ) -> None:
        """Set the last serial used in ``year`` in ``series`` (insert or update)."""
        conn = self._uow.connection
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = dialect_insert(billing_counter).values(
            organisation_id=organisation_id, series=str(series), year=year, last_serial=serial
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["organisation_id", "series", "year"], set_={"last_serial": serial}
        )
        with self._uow.guard("invoice_counters"):
            conn.execute(stmt)

    def add_invoices(self, documents: Iterable[Invoice]) -> None:
        """Store new documents with their lines and lists (one INSERT per table)."""
        batch = list(documents)
        if not batch:
            return
        lines = [row for d in batch for row in _line_rows(d)]
        entries = [row for d in batch for row in _entry_rows(d)]
        with self._uow.guard("invoices"):
            conn = self._uow.connection
            conn.execute(insert(document), [_document_row(d) for d in batch])
            if lines:
                conn.execute(insert(document_line), lines)
            if entries:
                conn.execute(insert(document_entry), entries)

    def _load(self, *where: ColumnElement[bool]) -> tuple[Invoice, ...]:
        d, ln, en = document, document_line, document_entry
        joined = and_(
            ln.c.organisation_id == d.c.organisation_id,
            ln.c.run_id == d.c.run_id,
            ln.c.position == d.c.position,
        )
        joined_entries = and_(
            en.c.organisation_id == d.c.organisation_id,
            en.c.run_id == d.c.run_id,
            en.c.position == d.c.position,
        )
        with self._uow.guard("invoices"):
            heads = self._uow.rows(
                select(*_DOCUMENT_COLUMNS).where(*where).order_by(d.c.run_id, d.c.position)
            )
            lines: dict[tuple[str, int], list[InvoiceLine]] = {}
            for row in self._uow.rows(
                select(*_LINE_COLUMNS)
                .join(d, joined)
                .where(*where)
                .order_by(ln.c.run_id, ln.c.position, ln.c.line)
            ):
                lines.setdefault((row[0], row[1]), []).append(_line_from(row))
            entries: dict[tuple[str, int], list[ListEntry]] = {}
            for row in self._uow.rows(
                select(*_ENTRY_COLUMNS)
                .join(d, joined_entries)
                .where(*where)
                .order_by(en.c.run_id, en.c.position, en.c.entry)
            ):
                entries.setdefault((row[0], row[1]), []).append(_entry_from(row))
        return tuple(
            _document_from(h, lines.get((h[1], h[2]), ()), entries.get((h[1], h[2]), ()))
            for h in heads
        )

    def invoices(self, organisation_id: str, run_id: str) -> tuple[Invoice, ...]:
        """The documents of a run, in position order."""
        return self._load(
            document.c.organisation_id == organisation_id, document.c.run_id == run_id
        )

    def invoices_of_year(
        self, organisation_id: str, year: int, series: DocumentKind = DocumentKind.INVOICE
    ) -> tuple[Invoice, ...]:
        """Every document numbered in ``year`` in ``series``, in number order."""
        found = self._load(
            document.c.organisation_id == organisation_id,
            document.c.kind == str(series),
            document.c.year == year,
            document.c.serial.is_not(None),
        )
        return tuple(sorted(found, key=lambda d: d.serial or 0))

    def add_billed(self, entries: Iterable[BilledEntry]) -> None:
        """Store what a run billed."""
        rows = [_billed_row(e) for e in entries]
        if rows:
            with self._uow.guard("billed"):
                self._uow.connection.execute(insert(billed), rows)

    def billed(
        self,
        organisation_id: str,
        since: Month,
        before: Month,
        *,
        children: Collection[int] | None = None,
    ) -> tuple[BilledEntry, ...]:
        """Entries for months ``since`` <= month < ``before`` (of ``children``, if given)."""
        t = billed
        where = [
            t.c.organisation_id == organisation_id,
            t.c.month >= str(since),
            t.c.month < str(before),
        ]
        groups: Iterable[list[int] | None] = [None] if children is None else _chunks(children)
        found: list[BilledEntry] = []
        with self._uow.guard("billed"):
            for codes in groups:
                condition = where if codes is None else [*where, t.c.child_code.in_(codes)]
                found.extend(
                    _billed_from(row)
                    for row in self._uow.rows(select(*_BILLED_COLUMNS).where(*condition))
                )
        return tuple(
            sorted(found, key=lambda e: (e.child_code, e.month, e.payer, e.payer_id, e.billed_in))
        )

    def add_fingerprints(self, fingerprints: Iterable[Fingerprint]) -> None:
        """Store the fingerprints a run computed."""
        rows = [
            {
                "organisation_id": f.organisation_id,
                "run_id": f.run_id,
                "child_code": f.child_code,
                "month": str(f.month),
                "digest": f.digest,
            }
            for f in fingerprints
        ]
        if rows:
            with self._uow.guard("billing_fingerprints"):
                self._uow.connection.execute(insert(billing_fingerprint), rows)

    def fingerprints(
        self, organisation_id: str, since: Month, before: Month
    ) -> dict[tuple[int, Month], str]:
        """The current fingerprint of each child's month (the latest run's)."""
        t = billing_fingerprint
        months: dict[str, Month] = {}
        found: dict[tuple[int, Month], str] = {}
        with self._uow.guard("billing_fingerprints"):
            rows = self._uow.rows(
                select(t.c.child_code, t.c.month, t.c.digest)
                .where(
                    t.c.organisation_id == organisation_id,
                    t.c.month >= str(since),
                    t.c.month < str(before),
                )
                .order_by(t.c.run_id)
            )
        for code, month_text, digest in rows:
            month = months.get(month_text)
            if month is None:
                month = months[month_text] = Month.parse(month_text)
            found[(code, month)] = digest  # later runs come later and win
        return found

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

    def __init__(self, engine: Engine, *, immediate: bool = False) -> None:
        super().__init__(engine, immediate=immediate)
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

    def unit_of_work(self, *, immediate: bool = False) -> SqlBillingUnitOfWork:
        """Return a new unit of work with ``billing`` (``immediate``: see :class:`SqlStore`)."""
        return SqlBillingUnitOfWork(self.engine, immediate=immediate)

    def organisations(self) -> tuple[str, ...]:
        """The organisations in the database, sorted: those with a record, and those with children.

        A database written before the organisation record (migration 0006) has
        none; its organisations are still found through their children.

        >>> SqlBillingStore.open(":memory:").organisations()
        ()
        """
        from szo_core.adapters.sql.tables import child, organisation

        with self.engine.connect() as conn:
            found = set(conn.execute(select(child.c.organisation_id).distinct()).scalars())
            found.update(conn.execute(select(organisation.c.id)).scalars())
            return tuple(sorted(found))
