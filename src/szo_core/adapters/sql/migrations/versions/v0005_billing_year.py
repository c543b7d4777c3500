"""The billing year: documents in series, credit notes, lists of children, fingerprints.

* ``szo_billing_document`` (with ``_line`` and ``_entry``) replaces
  ``szo_invoice`` and ``szo_invoice_line``: a document is keyed by its run and
  position, and its number is unique in its series (invoices, credit notes)
  and year; a 0.00 invoice kept for the record and the state's claim have none.
  Existing invoices are copied as invoices (position = serial) and keep the
  numbers printed on them (``YYYY-NNNNN``).
* ``szo_billing_counter`` (per series) replaces ``szo_invoice_counter``; the
  existing counters become the invoice series'.
* ``szo_billing_fingerprint``: the digest of each child's month's inputs, per run.
* ``szo_billed.document``: the number of the document that billed an entry
  (unknown, NULL, for entries billed before).
* ``szo_billing_run``: ``credit_note_count`` (0), ``files_state`` (``none``)
  and ``files_digest``.

Plain CREATE TABLE, INSERT ... SELECT, DROP TABLE and ADD COLUMN: no batch
rebuild on SQLite, which would re-create foreign keys in an order that varies
between runs (the demo's database file must come out byte for byte the same).
The downgrade (native DROP COLUMN, SQLite 3.35 or later) is lossy: only the
parents' invoices fit the old tables; credit notes, the municipalities'
invoices with their lists, the state's claims and the fingerprints are dropped.

Revision ID: 0005_billing_year
Revises: 0004_dated_facts
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005_billing_year"
down_revision: str | None = "0004_dated_facts"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen here on purpose: the migration must not change if the Python type does.
_MONEY = sa.Numeric().with_variant(sa.String(64), "sqlite")


def _run_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id", "run_id"],
        ["szo_billing_run.organisation_id", "szo_billing_run.id"],
        name=op.f(f"fk_{table}_organisation_id_run_id_szo_billing_run"),
        ondelete="CASCADE",
    )


def _document_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id", "run_id", "position"],
        [
            "szo_billing_document.organisation_id",
            "szo_billing_document.run_id",
            "szo_billing_document.position",
        ],
        name=op.f(f"fk_{table}_organisation_id_run_id_position_szo_billing_document"),
        ondelete="CASCADE",
    )


def _old_number() -> str:
    """SQL for the number printed on an invoice issued before: ``YYYY-NNNNN``."""
    if op.get_bind().dialect.name == "postgresql":
        return "lpad(year::text, 4, '0') || '-' || lpad(serial::text, 5, '0')"
    return "printf('%04d-%05d', year, serial)"


def upgrade() -> None:
    op.add_column(
        "szo_billing_run",
        sa.Column("credit_note_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "szo_billing_run",
        sa.Column("files_state", sa.Text(), nullable=False, server_default="none"),
    )
    op.add_column("szo_billing_run", sa.Column("files_digest", sa.Text(), nullable=True))
    op.add_column("szo_billed", sa.Column("document", sa.Text(), nullable=True))
    op.create_table(
        "szo_billing_counter",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("series", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_serial", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "organisation_id", "series", "year", name=op.f("pk_szo_billing_counter")
        ),
    )
    op.create_table(
        "szo_billing_document",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.BigInteger(), nullable=True),
        sa.Column("number", sa.Text(), nullable=True),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), nullable=True),
        sa.Column("payer_kind", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("corrects", sa.Text(), nullable=False),
        _run_fk("szo_billing_document"),
        sa.PrimaryKeyConstraint(
            "organisation_id", "run_id", "position", name=op.f("pk_szo_billing_document")
        ),
        sa.UniqueConstraint(
            "organisation_id",
            "kind",
            "year",
            "serial",
            name=op.f("uq_szo_billing_document_organisation_id_kind_year_serial"),
        ),
    )
    op.create_table(
        "szo_billing_document_line",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("line", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("original_month", sa.Text(), nullable=True),
        sa.Column("decision_ids", sa.Text(), nullable=False),
        _document_fk("szo_billing_document_line"),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "run_id",
            "position",
            "line",
            name=op.f("pk_szo_billing_document_line"),
        ),
    )
    op.create_table(
        "szo_billing_document_entry",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entry", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("child_code", sa.BigInteger(), nullable=False),
        sa.Column("child_name", sa.Text(), nullable=False),
        sa.Column("applicant", sa.Text(), nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("correction", sa.Boolean(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("days_in_month", sa.Integer(), nullable=False),
        sa.Column("price", _MONEY, nullable=True),
        sa.Column("coefficient", _MONEY, nullable=True),
        sa.Column("billed", _MONEY, nullable=True),
        sa.Column("due", _MONEY, nullable=True),
        sa.Column("amount", _MONEY, nullable=False),
        _document_fk("szo_billing_document_entry"),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "run_id",
            "position",
            "entry",
            name=op.f("pk_szo_billing_document_entry"),
        ),
    )
    op.create_table(
        "szo_billing_fingerprint",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        _run_fk("szo_billing_fingerprint"),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "run_id",
            "child_code",
            "month",
            name=op.f("pk_szo_billing_fingerprint"),
        ),
    )
    op.create_index(
        op.f("ix_szo_billing_fingerprint_organisation_id_month"),
        "szo_billing_fingerprint",
        ["organisation_id", "month"],
        unique=False,
    )
    op.execute(
        "INSERT INTO szo_billing_counter (organisation_id, series, year, last_serial) "
        "SELECT organisation_id, 'invoice', year, last_serial FROM szo_invoice_counter"
    )
    op.execute(
        "INSERT INTO szo_billing_document (organisation_id, run_id, position, kind, year, "
        "serial, number, month, child_code, payer_kind, payer_id, amount, reference, "
        "issued_on, corrects) "
        f"SELECT organisation_id, run_id, serial, 'invoice', year, serial, {_old_number()}, "
        "month, child_code, payer_kind, payer_id, amount, reference, issued_on, '[]' "
        "FROM szo_invoice"
    )
    op.execute(
        "INSERT INTO szo_billing_document_line (organisation_id, run_id, position, line, kind, "
        "description, amount, start_date, end_date, original_month, decision_ids) "
        "SELECT l.organisation_id, i.run_id, l.serial, l.position, l.kind, l.description, "
        "l.amount, l.start_date, l.end_date, l.original_month, l.decision_ids "
        "FROM szo_invoice_line l JOIN szo_invoice i ON i.organisation_id = l.organisation_id "
        "AND i.year = l.year AND i.serial = l.serial"
    )
    op.drop_table("szo_invoice_line")
    op.drop_index(op.f("ix_szo_invoice_organisation_id_run_id"), table_name="szo_invoice")
    op.drop_table("szo_invoice")
    op.drop_table("szo_invoice_counter")


def downgrade() -> None:
    op.create_table(
        "szo_invoice_counter",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_serial", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "year", name=op.f("pk_szo_invoice_counter")),
    )
    op.create_table(
        "szo_invoice",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("serial", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), nullable=False),
        sa.Column("payer_kind", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        _run_fk("szo_invoice"),
        sa.PrimaryKeyConstraint("organisation_id", "year", "serial", name=op.f("pk_szo_invoice")),
    )
    op.create_index(
        op.f("ix_szo_invoice_organisation_id_run_id"),
        "szo_invoice",
        ["organisation_id", "run_id"],
        unique=False,
    )
    op.create_table(
        "szo_invoice_line",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("serial", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("original_month", sa.Text(), nullable=True),
        sa.Column("decision_ids", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "year", "serial"],
            ["szo_invoice.organisation_id", "szo_invoice.year", "szo_invoice.serial"],
            name=op.f("fk_szo_invoice_line_organisation_id_year_serial_szo_invoice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "year", "serial", "position", name=op.f("pk_szo_invoice_line")
        ),
    )
    old = (
        "kind = 'invoice' AND serial IS NOT NULL AND child_code IS NOT NULL "
        "AND reference IS NOT NULL"
    )
    op.execute(
        "INSERT INTO szo_invoice_counter (organisation_id, year, last_serial) "
        "SELECT organisation_id, year, last_serial FROM szo_billing_counter "
        "WHERE series = 'invoice'"
    )
    op.execute(
        "INSERT INTO szo_invoice (organisation_id, year, serial, run_id, month, child_code, "
        "payer_kind, payer_id, amount, reference, issued_on) "
        "SELECT organisation_id, year, serial, run_id, month, child_code, payer_kind, payer_id, "
        f"amount, reference, issued_on FROM szo_billing_document WHERE {old}"
    )
    op.execute(
        "INSERT INTO szo_invoice_line (organisation_id, year, serial, position, kind, "
        "description, amount, start_date, end_date, original_month, decision_ids) "
        "SELECT d.organisation_id, d.year, d.serial, l.line, l.kind, l.description, l.amount, "
        "l.start_date, l.end_date, l.original_month, l.decision_ids "
        "FROM szo_billing_document_line l JOIN szo_billing_document d "
        "ON d.organisation_id = l.organisation_id AND d.run_id = l.run_id "
        f"AND d.position = l.position WHERE d.{old.replace(' AND ', ' AND d.')}"
    )
    op.drop_index(
        op.f("ix_szo_billing_fingerprint_organisation_id_month"),
        table_name="szo_billing_fingerprint",
    )
    op.drop_table("szo_billing_fingerprint")
    op.drop_table("szo_billing_document_entry")
    op.drop_table("szo_billing_document_line")
    op.drop_table("szo_billing_document")
    op.drop_table("szo_billing_counter")
    # A native DROP COLUMN, not a batch copy: with foreign keys on, dropping the
    # old szo_billing_run in a batch would cascade into every run's rows.
    for table, column in (
        ("szo_billed", "document"),
        ("szo_billing_run", "files_digest"),
        ("szo_billing_run", "files_state"),
        ("szo_billing_run", "credit_note_count"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
