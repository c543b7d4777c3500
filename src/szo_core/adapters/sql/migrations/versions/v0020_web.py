"""The reference web app's operator accounts.

One new table, ``szo_web_account`` (see :mod:`szo_core.adapters.sql.web`):
the sign-in name, the operator it signs in as and the argon2id hash of the
password.  Nothing existing changes; the downgrade drops the table.

Revision ID: 0020_web
Revises: 0019_price_locks
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0020_web"
down_revision: str | None = "0019_price_locks"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_web_account",
        sa.Column(
            "username", sa.Text(), nullable=False, comment="The sign-in name (unique in the app)."
        ),
        sa.Column(
            "organisation_id", sa.Text(), nullable=False, comment="The operator's organisation."
        ),
        sa.Column(
            "operator_id",
            sa.Text(),
            nullable=False,
            comment="The operator (szo_messaging_operator.id) this account signs in as.",
        ),
        sa.Column(
            "password_hash",
            sa.Text(),
            nullable=False,
            comment="argon2id hash of the password (PHC string); never the password.",
        ),
        sa.Column(
            "changed_at", sa.DateTime(), nullable=False, comment="UTC. When the hash was set."
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_szo_web_account")),
        sa.UniqueConstraint("organisation_id", "operator_id", name="uq_szo_web_account_operator"),
        comment="Operator accounts of the reference web app (szo serve).",
    )


def downgrade() -> None:
    op.drop_table("szo_web_account")
