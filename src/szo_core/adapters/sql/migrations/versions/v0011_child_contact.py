"""The child's contact e-mail: ``szo_child.contact_email``.

An invoice sent by e-mail (PDF) goes to the payer's address, with a copy to
the address on the child's contact when one is set
(:attr:`~szo_core.model.Child.contact_email`).  Existing rows get ``""`` (no
copy), so nothing sent changes until an address is entered.  A plain
``ADD COLUMN``; the downgrade drops it (SQLite 3.35 or later).

Revision ID: 0011_child_contact
Revises: 0010_outbox
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011_child_contact"
down_revision: str | None = "0010_outbox"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # The comment as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.add_column(
        "szo_child",
        sa.Column(
            "contact_email",
            sa.Text(),
            nullable=False,
            server_default="",
            comment=(
                "E-mail address on the child's contact: gets a copy of e-mailed invoices; "
                "migration 0011."
            ),
        ),
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy (see 0009).
    op.drop_column("szo_child", "contact_email")
