"""The outbox: ``szo_outbox``, one row per message stored to be sent.

A new table only (see :mod:`szo_core.adapters.sql.outbox`): primary key
``(organisation_id, id)`` with the id derived from the idempotency key, the
payload as JSON text, the state, attempts, times in UTC and the last error,
and an index on ``(state, next_attempt_at)`` for the dispatchers' claim.  The
downgrade drops the table.

Revision ID: 0010_outbox
Revises: 0009_org_delivery
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_outbox"
down_revision: str | None = "0009_org_delivery"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.outbox (written on PostgreSQL only).
    op.create_table(
        "szo_outbox",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column(
            "id",
            sa.Text(),
            nullable=False,
            comment="32 hex digits of a SHA-256 of the organisation and the idempotency key.",
        ),
        sa.Column("event", sa.Text(), nullable=False, comment="The event of the idempotency key."),
        sa.Column(
            "recipient",
            sa.Text(),
            nullable=False,
            comment="The recipient of the idempotency key (personal data, like the payload).",
        ),
        sa.Column("channel", sa.Text(), nullable=False, comment="email or sms."),
        sa.Column(
            "payload",
            sa.Text(),
            nullable=False,
            comment="The message to send as JSON (attachments in base64).",
        ),
        sa.Column(
            "message_id",
            sa.Text(),
            nullable=False,
            comment="The Message-ID (e-mail) or client reference (SMS) of every attempt.",
        ),
        sa.Column(
            "template_key",
            sa.Text(),
            nullable=True,
            comment="The template that rendered it, or NULL.",
        ),
        sa.Column(
            "template_version",
            sa.Integer(),
            nullable=True,
            comment="The version of the template that rendered it, or NULL.",
        ),
        sa.Column(
            "state",
            sa.Text(),
            nullable=False,
            comment="queued, sending, sent, failed or given_up.",
        ),
        sa.Column(
            "attempts",
            sa.Integer(),
            nullable=False,
            comment="How many times a dispatcher claimed it.",
        ),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. Queued: when it is due; sending: when the lease ends; "
            "final: the last change.",
        ),
        sa.Column(
            "last_error_code",
            sa.Text(),
            nullable=True,
            comment="Code of the last failure (smtp.451, smtp.connection, ...), or NULL.",
        ),
        sa.Column(
            "last_error_detail",
            sa.Text(),
            nullable=False,
            comment="Text of the last failure for the operator, never an address or a number.",
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False, comment="UTC. When it was stored."),
        sa.Column(
            "sent_at",
            sa.DateTime(),
            nullable=True,
            comment="UTC. When the server accepted it, or NULL.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_outbox")),
        comment="Messages stored to be sent (the outbox): one row per idempotency key.",
    )
    op.create_index(
        "ix_szo_outbox_state_next_attempt_at",
        "szo_outbox",
        ["state", "next_attempt_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_szo_outbox_state_next_attempt_at", table_name="szo_outbox")
    op.drop_table("szo_outbox")
