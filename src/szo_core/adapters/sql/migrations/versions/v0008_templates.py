"""Message templates: ``szo_message_template``, one row per saved version.

Primary key ``(organisation_id, key, language, version)``; the declared fields
are a JSON array in ``fields``.  Only a new table: existing data is untouched.
The downgrade drops it.

Revision ID: 0008_templates
Revises: 0007_organisation
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008_templates"
down_revision: str | None = "0007_organisation"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_message_template",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column(
            "key",
            sa.Text(),
            nullable=False,
            comment="What the message is, dotted (invoice.email, booking.confirmed.sms).",
        ),
        sa.Column(
            "language", sa.Text(), nullable=False, comment="Language of the template: sl or en."
        ),
        sa.Column(
            "version",
            sa.BigInteger(),
            autoincrement=False,
            nullable=False,
            comment="Version of the template: 1, 2, 3 ...; a version is never changed.",
        ),
        sa.Column("channel", sa.Text(), nullable=False, comment="email or sms."),
        sa.Column(
            "subject", sa.Text(), nullable=False, comment="E-mail subject (Jinja2); empty for SMS."
        ),
        sa.Column(
            "html_body",
            sa.Text(),
            nullable=False,
            comment="E-mail HTML body (Jinja2); empty for SMS.",
        ),
        sa.Column(
            "text_body",
            sa.Text(),
            nullable=False,
            comment="E-mail text body (Jinja2); empty to derive it from the HTML body.",
        ),
        sa.Column(
            "sms_text",
            sa.Text(),
            nullable=False,
            comment="SMS text in the plain ((placeholder)) mode; empty for e-mail.",
        ),
        sa.Column(
            "fields",
            sa.Text(),
            nullable=False,
            comment="The declared fields as a JSON array of {name, type, example, required, "
            "description}.",
        ),
        sa.Column("description", sa.Text(), nullable=False, comment="A note for administrators."),
        sa.PrimaryKeyConstraint(
            "organisation_id", "key", "language", "version", name=op.f("pk_szo_message_template")
        ),
        comment="Message templates, one row per saved version; the latest version is used.",
    )


def downgrade() -> None:
    op.drop_table("szo_message_template")
