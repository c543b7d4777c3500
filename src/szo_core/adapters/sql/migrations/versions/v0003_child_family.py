"""Family facts on the child: parents' tax status, order in the family, exit notice.

Existing children get ``parents_taxpayers = true`` (what billing assumed before),
no family order and no exit-notice date.

Revision ID: 0003_child_family
Revises: 0002_billing
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_child_family"
down_revision: str | None = "0002_billing"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy on SQLite): a batch rebuild of szo_child
    # would re-create its foreign keys in an order that varies between runs, and
    # the demo's database file must come out byte for byte the same every time.
    op.add_column("szo_child", sa.Column("exit_notice_on", sa.Date(), nullable=True))
    op.add_column(
        "szo_child",
        sa.Column("parents_taxpayers", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column("szo_child", sa.Column("family_order", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("szo_child") as batch:
        batch.drop_column("family_order")
        batch.drop_column("parents_taxpayers")
        batch.drop_column("exit_notice_on")
