"""Operator messaging: six new tables (``szo_core.messaging``).

``szo_messaging_settings`` (on/off, e-mail copies, SMTP settings without the
password), ``szo_messaging_operator``, ``szo_messaging_message`` (one row per
message), ``szo_messaging_entry`` (one operator's copy: inbox or sent, read,
archived, e-mail copy; indexes for the newest-first views and the unread
count), ``szo_messaging_note`` (department instructions and observations) and
``szo_messaging_notes_seen`` (the login notice).  New tables only; the
downgrade drops them.

Revision ID: 0013_messaging
Revises: 0012_schools_care
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013_messaging"
down_revision: str | None = "0012_schools_care"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_messaging_message",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column("id", sa.Text(), nullable=False, comment="The message's id."),
        sa.Column("sender_id", sa.Text(), nullable=False, comment="The operator who sent it."),
        sa.Column(
            "recipient_ids",
            sa.Text(),
            nullable=False,
            comment="JSON list of the confirmed recipients' ids, in order.",
        ),
        sa.Column("subject", sa.Text(), nullable=False, comment="The subject (plain text)."),
        sa.Column(
            "body_html",
            sa.Text(),
            nullable=False,
            comment="The body, sanitised to the allow-list (nh3).",
        ),
        sa.Column(
            "body_text", sa.Text(), nullable=False, comment="The body's plain-text alternative."
        ),
        sa.Column("sent_at", sa.DateTime(), nullable=False, comment="UTC. When it was sent."),
        sa.Column(
            "thread_id",
            sa.Text(),
            nullable=False,
            comment="The first message of its thread (its own id for a new one).",
        ),
        sa.Column(
            "parent_id",
            sa.Text(),
            nullable=True,
            comment="The message it replies to or forwards; NULL for a new one.",
        ),
        sa.Column("kind", sa.Text(), nullable=False, comment="new, reply, reply_all or forward."),
        sa.Column(
            "language",
            sa.Text(),
            nullable=False,
            comment="sl or en: the language of its prefixes and quotes.",
        ),
        sa.Column(
            "attachments",
            sa.Text(),
            nullable=False,
            comment="JSON list of the attached files: id (SHA-256), name, type, size.",
        ),
        sa.Column(
            "note_id",
            sa.Text(),
            nullable=True,
            comment="The department note it was pre-filled from, or NULL.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_messaging_message")),
        comment="Messages between operators, as sent (one row per message).",
    )
    op.create_index(
        "ix_szo_messaging_message_thread",
        "szo_messaging_message",
        ["organisation_id", "thread_id", "sent_at"],
        unique=False,
    )
    op.create_table(
        "szo_messaging_note",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column("id", sa.Text(), nullable=False, comment="The note's id."),
        sa.Column(
            "kind",
            sa.Text(),
            nullable=False,
            comment="instruction (navodilo oddelku) or observation (opažanje).",
        ),
        sa.Column("author_id", sa.Text(), nullable=False, comment="The operator who wrote it."),
        sa.Column("written_at", sa.DateTime(), nullable=False, comment="UTC. When it was written."),
        sa.Column("department", sa.Text(), nullable=False, comment="The department (oddelek)."),
        sa.Column(
            "resident",
            sa.Text(),
            nullable=False,
            comment="The resident it is about (personal data; '' for none).",
        ),
        sa.Column("text", sa.Text(), nullable=False, comment="The note's text (plain)."),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            comment="Optimistic-concurrency version: incremented on every update, checked before "
            "writing.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_messaging_note")),
        comment="Department instructions (navodila oddelkom) and observations (opažanja).",
    )
    op.create_index(
        "ix_szo_messaging_note_written_at",
        "szo_messaging_note",
        ["organisation_id", "written_at"],
        unique=False,
    )
    op.create_table(
        "szo_messaging_notes_seen",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column("operator_id", sa.Text(), nullable=False, comment="The operator."),
        sa.Column(
            "seen_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. The operator's last login notice: notes after it are new.",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "operator_id", name=op.f("pk_szo_messaging_notes_seen")
        ),
        comment="When each operator last saw the department notes (the login notice).",
    )
    op.create_table(
        "szo_messaging_operator",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column(
            "id", sa.Text(), nullable=False, comment="The operator's id (the app's user id)."
        ),
        sa.Column(
            "name", sa.Text(), nullable=False, comment="The name shown as sender and recipient."
        ),
        sa.Column(
            "email",
            sa.Text(),
            nullable=False,
            comment="Address for e-mail copies ('' for none; personal data).",
        ),
        sa.Column(
            "active",
            sa.Boolean(),
            nullable=False,
            comment="Inactive operators neither send nor receive.",
        ),
        sa.Column(
            "departments",
            sa.Text(),
            nullable=False,
            comment="JSON list of the departments (oddelki) whose notes the notice counts.",
        ),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            comment="Optimistic-concurrency version: incremented on every update, checked before "
            "writing.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_messaging_operator")),
        comment="Operators (staff) who send and receive messages.",
    )
    op.create_table(
        "szo_messaging_settings",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column(
            "enabled", sa.Boolean(), nullable=False, comment="Whether operators may send messages."
        ),
        sa.Column(
            "email_copies",
            sa.Boolean(),
            nullable=False,
            comment="Whether recipients with an address also get each message by e-mail.",
        ),
        sa.Column(
            "smtp_host",
            sa.Text(),
            nullable=True,
            comment="SMTP server of the e-mail copies; NULL: no sending settings.",
        ),
        sa.Column(
            "smtp_port",
            sa.Integer(),
            nullable=True,
            comment="SMTP port; NULL: the usual one of the security (25, 587, 465).",
        ),
        sa.Column(
            "smtp_security",
            sa.Text(),
            nullable=True,
            comment="none, starttls or tls; NULL with no sending settings.",
        ),
        sa.Column(
            "smtp_username",
            sa.Text(),
            nullable=True,
            comment="SMTP login ('' for none); the password is never stored.",
        ),
        sa.Column(
            "sender",
            sa.Text(),
            nullable=True,
            comment="From address of the e-mail copies (personal data if a person's).",
        ),
        sa.Column(
            "sender_name",
            sa.Text(),
            nullable=True,
            comment="Display name shown with the From address.",
        ),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            comment="Optimistic-concurrency version: incremented on every update, checked before "
            "writing.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_szo_messaging_settings")),
        comment="Messaging settings of an organisation: on/off, e-mail copies, SMTP settings.",
    )
    op.create_table(
        "szo_messaging_entry",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column("operator_id", sa.Text(), nullable=False, comment="Whose copy of the message."),
        sa.Column(
            "message_id", sa.Text(), nullable=False, comment="The message (szo_messaging_message)."
        ),
        sa.Column(
            "folder", sa.Text(), nullable=False, comment="inbox (a recipient) or sent (the sender)."
        ),
        sa.Column(
            "sent_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. The message's time (views sort by it).",
        ),
        sa.Column(
            "read_at",
            sa.DateTime(),
            nullable=True,
            comment="UTC. When this operator read it; NULL: unread.",
        ),
        sa.Column(
            "archived", sa.Boolean(), nullable=False, comment="Moved into this operator's archive."
        ),
        sa.Column(
            "copy_state",
            sa.Text(),
            nullable=False,
            comment="E-mail copy: none, queued, no_address or no_smtp.",
        ),
        sa.Column(
            "copy_outbox_id",
            sa.Text(),
            nullable=True,
            comment="The outbox message (szo_outbox.id) of the copy, or NULL.",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "message_id"],
            ["szo_messaging_message.organisation_id", "szo_messaging_message.id"],
            name=op.f("fk_szo_messaging_entry_organisation_id_message_id_szo_messaging_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "operator_id",
            "message_id",
            "folder",
            name=op.f("pk_szo_messaging_entry"),
        ),
        comment="Mailbox entries: one operator's copy of a message (inbox or sent), read and "
        "archived per operator.",
    )
    op.create_index(
        "ix_szo_messaging_entry_message",
        "szo_messaging_entry",
        ["organisation_id", "message_id"],
        unique=False,
    )
    op.create_index(
        "ix_szo_messaging_entry_unread",
        "szo_messaging_entry",
        ["organisation_id", "operator_id", "folder", "read_at"],
        unique=False,
    )
    op.create_index(
        "ix_szo_messaging_entry_view",
        "szo_messaging_entry",
        ["organisation_id", "operator_id", "folder", "archived", "sent_at", "message_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("szo_messaging_notes_seen")
    op.drop_table("szo_messaging_entry")
    op.drop_table("szo_messaging_note")
    op.drop_table("szo_messaging_message")
    op.drop_table("szo_messaging_operator")
    op.drop_table("szo_messaging_settings")
