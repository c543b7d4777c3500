"""Price locks of every kind: ``szo_price_lock`` keyed by kind and code.

Closing a billing month locked only kindergarten program prices (one row per
program).  School meal settings and care home settings are locked too now, so
the table's key becomes ``(organisation_id, kind, code)``:

* ``kind``: ``program``, ``school_meals`` or ``care_home``;
* ``code``: the program's code, or ``settings``;
* ``program_code``: the program of a program lock (equal to ``code``, still a
  foreign key to ``szo_program``), NULL for the other kinds (a check constraint
  keeps the two consistent).

The existing rows become program locks with the same day and billing run.  A
primary key cannot change in place on SQLite, so the rows are copied to a
scratch table, the table is created anew and the rows copied back (on both
dialects, one way for both).  The downgrade keeps the program locks and drops
the others (the older schema has no place for them).

Revision ID: 0019_price_locks
Revises: 0018_payer_kinds
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0019_price_locks"
down_revision: str | None = "0018_payer_kinds"
branch_labels: str | None = None
depends_on: str | None = None

_SCRATCH = "szo_price_lock_0019"
_ORG = (
    "The organisation (kindergarten, school, care home) the row belongs to; "
    "first part of every key."
)
_RUN = "The closing billing run that set the lock."


def _program_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        name=op.f("fk_szo_price_lock_organisation_id_program_code_szo_program"),
        initially="DEFERRED",
        deferrable=True,
    )


def _scratch() -> None:
    op.create_table(
        _SCRATCH,
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("program_code", sa.Text(), nullable=False),
        sa.Column("locked_through", sa.Date(), nullable=False),
        sa.Column("billing_run_id", sa.Text(), nullable=False),
    )


def upgrade() -> None:
    _scratch()
    op.execute(
        f"INSERT INTO {_SCRATCH} (organisation_id, program_code, locked_through, billing_run_id) "
        "SELECT organisation_id, program_code, locked_through, billing_run_id FROM szo_price_lock"
    )
    op.drop_table("szo_price_lock")
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_price_lock",
        sa.Column("organisation_id", sa.Text(), nullable=False, comment=_ORG),
        sa.Column(
            "kind",
            sa.Text(),
            nullable=False,
            comment=(
                "What is locked: program (a program's prices), school_meals or care_home "
                "(the organisation's settings); migration 0019."
            ),
        ),
        sa.Column(
            "code",
            sa.Text(),
            nullable=False,
            comment="The program's code, or settings for the organisation's settings.",
        ),
        sa.Column(
            "program_code",
            sa.Text(),
            nullable=True,
            comment="The program (szo_program) of a program lock (= code); NULL for the others.",
        ),
        sa.Column(
            "locked_through",
            sa.Date(),
            nullable=False,
            comment="The last day of the latest closed month that used the prices.",
        ),
        sa.Column("billing_run_id", sa.Text(), nullable=False, comment=_RUN),
        _program_fk(),
        sa.CheckConstraint(
            "(kind = 'program' AND program_code IS NOT NULL AND program_code = code) OR "
            "(kind <> 'program' AND program_code IS NULL)",
            name="ck_szo_price_lock_program",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "kind", "code", name=op.f("pk_szo_price_lock")),
        comment=(
            "How far prices are locked by closed billing months, by kind and code (a "
            "program's prices, a school's or care home's settings): a price valid "
            "before then can no longer change."
        ),
    )
    op.execute(
        "INSERT INTO szo_price_lock "
        "(organisation_id, kind, code, program_code, locked_through, billing_run_id) "
        "SELECT organisation_id, 'program', program_code, program_code, locked_through, "
        f"billing_run_id FROM {_SCRATCH}"
    )
    op.drop_table(_SCRATCH)


def downgrade() -> None:
    _scratch()
    op.execute(
        f"INSERT INTO {_SCRATCH} (organisation_id, program_code, locked_through, billing_run_id) "
        "SELECT organisation_id, code, locked_through, billing_run_id FROM szo_price_lock "
        "WHERE kind = 'program'"
    )
    op.drop_table("szo_price_lock")
    op.create_table(
        "szo_price_lock",
        sa.Column("organisation_id", sa.Text(), nullable=False, comment=_ORG),
        sa.Column("program_code", sa.Text(), nullable=False, comment="The program (szo_program)."),
        sa.Column(
            "locked_through",
            sa.Date(),
            nullable=False,
            comment="The last day of the latest closed month that used the program's prices.",
        ),
        sa.Column("billing_run_id", sa.Text(), nullable=False, comment=_RUN),
        _program_fk(),
        sa.PrimaryKeyConstraint("organisation_id", "program_code", name=op.f("pk_szo_price_lock")),
        comment=(
            "How far each program's prices are locked by closed billing months: a "
            "price valid before then can no longer change."
        ),
    )
    op.execute(
        "INSERT INTO szo_price_lock (organisation_id, program_code, locked_through, "
        f"billing_run_id) SELECT organisation_id, program_code, locked_through, billing_run_id "
        f"FROM {_SCRATCH}"
    )
    op.drop_table(_SCRATCH)
