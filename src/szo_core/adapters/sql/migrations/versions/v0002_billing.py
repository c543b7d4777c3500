"""Billing runs: runs, invoices with lines, invoice counters, billed amounts, used decisions.

The tables of :mod:`szo_core.adapters.sql.billing`.  Money columns are NUMERIC
on PostgreSQL and exact text on SQLite, like in ``0001``.

Revision ID: 0002_billing
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_billing"
down_revision: str | None = "0001"
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


def upgrade() -> None:
    op.create_table(
        "szo_billing_run",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("invoice_count", sa.Integer(), nullable=False),
        sa.Column("total", _MONEY, nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_billing_run")),
        sa.UniqueConstraint(
            "organisation_id", "month", name=op.f("uq_szo_billing_run_organisation_id_month")
        ),
    )
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
    op.create_table(
        "szo_billed",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("payer_kind", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("billed_in", sa.Text(), nullable=False),
        _run_fk("szo_billed"),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "run_id",
            "child_code",
            "month",
            "payer_kind",
            "payer_id",
            name=op.f("pk_szo_billed"),
        ),
    )
    op.create_index(
        op.f("ix_szo_billed_organisation_id_month"),
        "szo_billed",
        ["organisation_id", "month"],
        unique=False,
    )
    op.create_table(
        "szo_billing_run_decision",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("decision_id", sa.Text(), nullable=False),
        _run_fk("szo_billing_run_decision"),
        sa.PrimaryKeyConstraint(
            "organisation_id", "run_id", "decision_id", name=op.f("pk_szo_billing_run_decision")
        ),
    )


def downgrade() -> None:
    op.drop_table("szo_billing_run_decision")
    op.drop_index(op.f("ix_szo_billed_organisation_id_month"), table_name="szo_billed")
    op.drop_table("szo_billed")
    op.drop_table("szo_invoice_line")
    op.drop_index(op.f("ix_szo_invoice_organisation_id_run_id"), table_name="szo_invoice")
    op.drop_table("szo_invoice")
    op.drop_table("szo_invoice_counter")
    op.drop_table("szo_billing_run")
