"""Schools and care homes: their records and settings, four new tables.

New tables only (see :mod:`szo_core.adapters.sql.kinds`):

* ``szo_school_meal_record`` (sign-ups, cancellations, income class records) and
  ``szo_care_record`` (stay histories, absences, payment decisions): one row per
  record, keyed by ``(organisation_id, kind, id)``, with the pupil or resident,
  the first and last day as columns and the record as JSON, an index on
  ``(organisation_id, start)`` for the period query;
* ``szo_school_meal_settings`` and ``szo_care_home_settings``: one row per
  organisation.

The downgrade drops the four tables.

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

# Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
_RECORDS = (
    (
        "szo_school_meal_record",
        "School meal records (ZŠolPre-1): sign-ups, cancellations, income classes",
        "signup (prijava), cancellation (odjava) or income (income class record)",
        "pupil",
    ),
    (
        "szo_care_record",
        "Care home records: stay histories, absences, payment decisions (ZSV Art. 100)",
        "stays (a resident's stay history), absence or decision",
        "resident",
    ),
)
_SETTINGS = (
    ("szo_school_meal_settings", "school's meal settings: dated prices, deadline rules, free days"),
    ("szo_care_home_settings", "care home's prices and rules: categories, rooms, food, caps"),
)


def upgrade() -> None:
    for name, what, kinds, subject in _RECORDS:
        op.create_table(
            name,
            sa.Column("organisation_id", sa.Text(), nullable=False, comment=_ORG),
            sa.Column("kind", sa.Text(), nullable=False, comment=f"What the row is: {kinds}."),
            sa.Column("id", sa.Text(), nullable=False, comment="The record's id within its kind."),
            sa.Column(
                "subject_code", sa.Integer(), nullable=False, comment=f"The {subject} (its code)."
            ),
            sa.Column(
                "start",
                sa.Date(),
                nullable=False,
                comment="First day the record is of interest (inclusive): valid_from or start.",
            ),
            sa.Column(
                "end",
                sa.Date(),
                nullable=True,
                comment="Last day the record is of interest (inclusive), NULL while open.",
            ),
            sa.Column(
                "payload",
                sa.Text(),
                nullable=False,
                comment="The whole record as JSON (szo_core.serialization).",
            ),
            sa.Column("version", sa.BigInteger(), nullable=False, comment=_VERSION),
            sa.PrimaryKeyConstraint("organisation_id", "kind", "id", name=op.f(f"pk_{name}")),
            comment=f"{what}; migration 0012.",
        )
        op.create_index(
            f"ix_{name}_organisation_id_start", name, ["organisation_id", "start"], unique=False
        )
    for name, what in _SETTINGS:
        op.create_table(
            name,
            sa.Column("organisation_id", sa.Text(), nullable=False, comment=_ORG),
            sa.Column("payload", sa.Text(), nullable=False, comment=f"The {what} as JSON."),
            sa.Column("version", sa.BigInteger(), nullable=False, comment=_VERSION),
            sa.PrimaryKeyConstraint("organisation_id", name=op.f(f"pk_{name}")),
            comment=f"The {what}, one row per organisation; migration 0012.",
        )


def downgrade() -> None:
    for name, _what in _SETTINGS:
        op.drop_table(name)
    for name, *_rest in _RECORDS:
        op.drop_index(f"ix_{name}_organisation_id_start", table_name=name)
        op.drop_table(name)
