"""Dated facts for the billing year: residence and tax-status histories, program kinds, price locks.

* ``szo_child_residence`` and ``szo_child_taxpayer``: a child's dated residence
  changes and changes of the parents' tax status (owned by ``szo_child``).
* ``szo_program.kind`` (``regular`` for every existing program) and
  ``szo_program_reference``: the reference program of a developmental unit or a
  private program (owned by ``szo_program``).
* ``szo_price_lock``: how far each program's prices are locked by closed months.

Existing data stays as it is: a child's ``municipality_code``, ``regresor_id``
and ``parents_taxpayers`` columns are the open-ended first entry of its
histories, so no history rows are written, and no prices are locked.

Revision ID: 0004_dated_facts
Revises: 0003_child_family
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_dated_facts"
down_revision: str | None = "0003_child_family"
branch_labels: str | None = None
depends_on: str | None = None


def _child_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        name=op.f(f"fk_{table}_organisation_id_child_code_szo_child"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE TABLE (no batch copy on SQLite), as in 0003: the
    # demo's database file must come out byte for byte the same every time.
    op.add_column(
        "szo_program",
        sa.Column("kind", sa.Text(), nullable=False, server_default="regular"),
    )
    op.create_table(
        "szo_program_reference",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("program_code", sa.Text(), nullable=False),
        sa.Column("reference_program", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "program_code"],
            ["szo_program.organisation_id", "szo_program.code"],
            name="fk_szo_program_reference_program_code_szo_program",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "reference_program"],
            ["szo_program.organisation_id", "szo_program.code"],
            name="fk_szo_program_reference_reference_program_szo_program",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "program_code", name=op.f("pk_szo_program_reference")
        ),
    )
    op.create_table(
        "szo_price_lock",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("program_code", sa.Text(), nullable=False),
        sa.Column("locked_through", sa.Date(), nullable=False),
        sa.Column("billing_run_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "program_code"],
            ["szo_program.organisation_id", "szo_program.code"],
            name=op.f("fk_szo_price_lock_organisation_id_program_code_szo_program"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("organisation_id", "program_code", name=op.f("pk_szo_price_lock")),
    )
    op.create_table(
        "szo_child_residence",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("municipality_code", sa.Integer(), nullable=True),
        sa.Column("regresor_id", sa.Text(), nullable=True),
        _child_fk("szo_child_residence"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "regresor_id"],
            ["szo_regresor.organisation_id", "szo_regresor.id"],
            name=op.f("fk_szo_child_residence_organisation_id_regresor_id_szo_regresor"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "child_code", "valid_from", name=op.f("pk_szo_child_residence")
        ),
    )
    op.create_table(
        "szo_child_taxpayer",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("taxpayers", sa.Boolean(), nullable=False),
        _child_fk("szo_child_taxpayer"),
        sa.PrimaryKeyConstraint(
            "organisation_id", "child_code", "valid_from", name=op.f("pk_szo_child_taxpayer")
        ),
    )


def downgrade() -> None:
    op.drop_table("szo_child_taxpayer")
    op.drop_table("szo_child_residence")
    op.drop_table("szo_price_lock")
    op.drop_table("szo_program_reference")
    with op.batch_alter_table("szo_program") as batch:
        batch.drop_column("kind")
