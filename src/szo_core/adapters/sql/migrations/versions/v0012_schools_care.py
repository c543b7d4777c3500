"""School meals: ``szo_school_meal_record`` and ``szo_school_meal_settings``.

New tables only (see :mod:`szo_core.adapters.sql.school_meals`): one row per
sign-up, cancellation or income class record, keyed by ``(organisation_id,
kind, id)``, with the pupil, the first and last day as columns and the record
as JSON, an index on ``(organisation_id, start)`` for the period query; and one
row of settings per school.  The downgrade drops both tables.

Revision ID: 0012_schools_care
Revises: 0011_child_contact
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_schools_care"
down_revision: str | None = "0011_child_contact"
branch_labels: str | None = None
depends_on: str | None = None

_ORG = (
    "The organisation (kindergarten, school, care home) the row belongs to; "
    "first part of every key."
)
_VERSION = "Optimistic-concurrency version: incremented on every update, checked before writing."


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_school_meal_record",
        sa.Column("organisation_id", sa.Text(), nullable=False, comment=_ORG),
        sa.Column(
            "kind",
            sa.Text(),
            nullable=False,
            comment="signup (prijava), cancellation (odjava) or income (income class record).",
        ),
        sa.Column("id", sa.Text(), nullable=False, comment="The record's id within its kind."),
        sa.Column(
            "child_code", sa.Integer(), nullable=False, comment="The pupil (the child's code)."
        ),
        sa.Column(
            "start",
            sa.Date(),
            nullable=False,
            comment="First day (inclusive): valid_from of a sign-up or income record, start of "
            "a cancellation.",
        ),
        sa.Column(
            "end",
            sa.Date(),
            nullable=True,
            comment="Last day (inclusive), NULL while open (a cancellation always has one).",
        ),
        sa.Column(
            "payload",
            sa.Text(),
            nullable=False,
            comment="The whole record as JSON (szo_core.serialization; personal data none).",
        ),
        sa.Column("version", sa.BigInteger(), nullable=False, comment=_VERSION),
        sa.PrimaryKeyConstraint(
            "organisation_id", "kind", "id", name=op.f("pk_szo_school_meal_record")
        ),
        comment="School meal records (ZŠolPre-1): sign-ups, cancellations, income classes; "
        "migration 0012.",
    )
    op.create_index(
        "ix_szo_school_meal_record_organisation_id_start",
        "szo_school_meal_record",
        ["organisation_id", "start"],
        unique=False,
    )
    op.create_table(
        "szo_school_meal_settings",
        sa.Column("organisation_id", sa.Text(), nullable=False, comment=_ORG),
        sa.Column(
            "payload",
            sa.Text(),
            nullable=False,
            comment="The school's meal settings as JSON: dated prices, deadline rules, free days.",
        ),
        sa.Column("version", sa.BigInteger(), nullable=False, comment=_VERSION),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_szo_school_meal_settings")),
        comment="A school's meal settings, one row per school; migration 0012.",
    )


def downgrade() -> None:
    op.drop_table("szo_school_meal_settings")
    op.drop_index(
        "ix_szo_school_meal_record_organisation_id_start", table_name="szo_school_meal_record"
    )
    op.drop_table("szo_school_meal_record")
