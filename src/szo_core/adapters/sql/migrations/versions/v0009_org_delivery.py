"""The organisation's delivery setting: ``szo_organisation.sms_letters``.

One column, ``keep`` or ``transliterate``
(:class:`~szo_core.delivery.sms.LetterPolicy`): whether SMS texts keep č, š, ž,
ć, đ (UCS-2) or replace them (GSM-7).  Existing rows get ``keep``, the
default of :class:`~szo_core.model.Organisation`, so nothing sent changes
until an organisation chooses otherwise.  A plain ``ADD COLUMN`` (no batch copy
on SQLite); the downgrade drops the column (SQLite 3.35 or later).

Revision ID: 0009_org_delivery
Revises: 0008_templates
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009_org_delivery"
down_revision: str | None = "0008_templates"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # The comment as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.add_column(
        "szo_organisation",
        sa.Column(
            "sms_letters",
            sa.Text(),
            nullable=False,
            server_default="keep",
            comment=(
                "Slovenian letters in SMS texts: keep (UCS-2) or transliterate (GSM-7); "
                "migration 0009."
            ),
        ),
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy: copying
    # szo_organisation would drop it, and ON DELETE CASCADE would empty its accounts.
    op.drop_column("szo_organisation", "sms_letters")
