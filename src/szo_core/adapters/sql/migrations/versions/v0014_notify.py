"""Citizen notifications: the event catalogue, subscriptions, consent, confirmations, audit.

Five new tables (see :mod:`szo_core.adapters.sql.notify`): ``szo_notify_event_type``
(one row per version of an event type), ``szo_notify_subscription``,
``szo_notify_consent`` (the consent history, only added to),
``szo_notify_confirmation`` (open confirmation codes, hashed) and
``szo_notify_delivery`` (one decision per event, subscription and channel: the
audit, and the events held for a digest).  The downgrade drops them.

Revision ID: 0014_notify
Revises: 0013_messaging
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0014_notify"
down_revision: str | None = "0013_messaging"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_notify_event_type",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=(
                "The organisation (kindergarten, school, care home) the row belongs to; "
                "first part of every key."
            ),
        ),
        sa.Column(
            "code",
            sa.Text(),
            nullable=False,
            comment="The event type's code (zadeva.dodelitev).",
        ),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            autoincrement=False,
            comment="Version of the catalogue entry: 1, 2, 3 ...; a version is never changed.",
        ),
        sa.Column(
            "name",
            sa.Text(),
            nullable=False,
            comment="The event type's name in Slovenian.",
        ),
        sa.Column(
            "name_en",
            sa.Text(),
            nullable=False,
            comment="Its name in English, or empty.",
        ),
        sa.Column(
            "event_class",
            sa.Text(),
            nullable=False,
            comment="internal, notifiable or key.",
        ),
        sa.Column(
            "fields",
            sa.Text(),
            nullable=False,
            comment=(
                "The declared fields as a JSON array of {name, type, example, required, "
                "description}."
            ),
        ),
        sa.Column(
            "description",
            sa.Text(),
            nullable=False,
            comment="A note for administrators.",
        ),
        sa.Column(
            "templates",
            sa.Text(),
            nullable=False,
            comment="The template versions used, as a JSON array of [channel, language, version].",
        ),
        sa.Column(
            "changed_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. When this version was saved.",
        ),
        sa.Column(
            "changed_by",
            sa.Text(),
            nullable=False,
            comment="Who saved this version (an official's id).",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "code", "version", name=op.f("pk_szo_notify_event_type")
        ),
        comment=(
            "The event catalogue of citizen notifications: one row per version of an event type."
        ),
    )
    op.create_table(
        "szo_notify_subscription",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=(
                "The organisation (kindergarten, school, care home) the row belongs to; "
                "first part of every key."
            ),
        ),
        sa.Column(
            "id",
            sa.Text(),
            nullable=False,
            comment="The subscription's id.",
        ),
        sa.Column(
            "person_id",
            sa.Text(),
            nullable=False,
            comment="The citizen's id in the document system (opaque; not an EMŠO).",
        ),
        sa.Column(
            "case_id",
            sa.Text(),
            nullable=True,
            comment="The case subscribed to, or NULL for all of the person's cases.",
        ),
        sa.Column(
            "email",
            sa.Text(),
            nullable=True,
            comment="E-mail address (normalised; personal data).",
        ),
        sa.Column(
            "mobile",
            sa.Text(),
            nullable=True,
            comment="Mobile number in E.164 (personal data).",
        ),
        sa.Column(
            "channels",
            sa.Text(),
            nullable=False,
            comment="The channels wanted: email, sms, comma-joined.",
        ),
        sa.Column(
            "preference",
            sa.Text(),
            nullable=False,
            comment="all or key_only.",
        ),
        sa.Column(
            "language",
            sa.Text(),
            nullable=False,
            comment="Language of the messages: sl or en.",
        ),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment="How it was made: in_person, written or portal (qualified certificate).",
        ),
        sa.Column(
            "active",
            sa.Boolean(),
            nullable=False,
            comment="False once unsubscribed.",
        ),
        sa.Column(
            "email_confirmed",
            sa.Boolean(),
            nullable=False,
            comment="The e-mail address is confirmed.",
        ),
        sa.Column(
            "mobile_confirmed",
            sa.Boolean(),
            nullable=False,
            comment="The mobile number is confirmed.",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. When it was made.",
        ),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            comment=(
                "Optimistic-concurrency version: incremented on every update, checked before "
                "writing."
            ),
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_notify_subscription")),
        comment="Citizens' subscriptions to notifications about a case or all of their cases.",
    )
    op.create_index(
        "ix_szo_notify_subscription_organisation_id_person_id",
        "szo_notify_subscription",
        ["organisation_id", "person_id"],
        unique=False,
    )
    op.create_table(
        "szo_notify_consent",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=(
                "The organisation (kindergarten, school, care home) the row belongs to; "
                "first part of every key."
            ),
        ),
        sa.Column(
            "subscription_id",
            sa.Text(),
            nullable=False,
            comment="The subscription.",
        ),
        sa.Column(
            "seq",
            sa.BigInteger(),
            nullable=False,
            autoincrement=False,
            comment="1, 2, 3 ... per subscription.",
        ),
        sa.Column(
            "at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. When the change was made.",
        ),
        sa.Column(
            "what",
            sa.Text(),
            nullable=False,
            comment="What changed (subscribed, preference, ...).",
        ),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment="How: in_person, written, portal or link.",
        ),
        sa.Column(
            "actor",
            sa.Text(),
            nullable=False,
            comment="Who: citizen:<id>, official:<id>, link, code.",
        ),
        sa.Column(
            "preference",
            sa.Text(),
            nullable=False,
            comment="The preference after the change.",
        ),
        sa.Column(
            "channels",
            sa.Text(),
            nullable=False,
            comment="The channels after the change.",
        ),
        sa.Column(
            "active",
            sa.Boolean(),
            nullable=False,
            comment="Whether it was active after the change.",
        ),
        sa.Column(
            "email",
            sa.Text(),
            nullable=True,
            comment="The address after the change (personal data).",
        ),
        sa.Column(
            "mobile",
            sa.Text(),
            nullable=True,
            comment="The number after the change (personal data).",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "subscription_id", "seq", name=op.f("pk_szo_notify_consent")
        ),
        comment="The consent history of notification subscriptions: entries are only added.",
    )
    op.create_table(
        "szo_notify_confirmation",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=(
                "The organisation (kindergarten, school, care home) the row belongs to; "
                "first part of every key."
            ),
        ),
        sa.Column(
            "subscription_id",
            sa.Text(),
            nullable=False,
            comment="The subscription.",
        ),
        sa.Column(
            "channel",
            sa.Text(),
            nullable=False,
            comment="email or sms.",
        ),
        sa.Column(
            "address",
            sa.Text(),
            nullable=False,
            comment="The address or number being confirmed (personal data).",
        ),
        sa.Column(
            "code_hash",
            sa.Text(),
            nullable=False,
            comment="HMAC-SHA256 of the code, bound to the subscription, channel and address.",
        ),
        sa.Column(
            "expires_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. When the code stops working.",
        ),
        sa.Column(
            "attempts",
            sa.Integer(),
            nullable=False,
            comment="Wrong codes entered so far.",
        ),
        sa.Column(
            "used",
            sa.Boolean(),
            nullable=False,
            comment="True once confirmed (a code works once).",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. When the code was issued.",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "subscription_id", "channel", name=op.f("pk_szo_notify_confirmation")
        ),
        comment="Open confirmations of a subscription's new address or number.",
    )
    op.create_table(
        "szo_notify_delivery",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=(
                "The organisation (kindergarten, school, care home) the row belongs to; "
                "first part of every key."
            ),
        ),
        sa.Column(
            "event_id",
            sa.Text(),
            nullable=False,
            comment="The event (from the document system).",
        ),
        sa.Column(
            "subscription_id",
            sa.Text(),
            nullable=False,
            comment="The subscription (the recipient).",
        ),
        sa.Column(
            "channel",
            sa.Text(),
            nullable=False,
            comment="email or sms.",
        ),
        sa.Column(
            "case_id",
            sa.Text(),
            nullable=False,
            comment="The event's case.",
        ),
        sa.Column(
            "event_code",
            sa.Text(),
            nullable=False,
            comment="The event type's code.",
        ),
        sa.Column(
            "event_version",
            sa.BigInteger(),
            nullable=False,
            comment="The event type's version that decided it.",
        ),
        sa.Column(
            "event_class",
            sa.Text(),
            nullable=False,
            comment="internal, notifiable or key.",
        ),
        sa.Column(
            "occurred_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. When the event happened.",
        ),
        sa.Column(
            "outcome",
            sa.Text(),
            nullable=False,
            comment="queued, deferred, digest_pending, digested or skipped_* (why not sent).",
        ),
        sa.Column(
            "decided_at",
            sa.DateTime(),
            nullable=False,
            comment="UTC. When it was decided.",
        ),
        sa.Column(
            "outbox_id",
            sa.Text(),
            nullable=True,
            comment="The outbox message, or NULL.",
        ),
        sa.Column(
            "template_key",
            sa.Text(),
            nullable=True,
            comment="The template that rendered it, or NULL.",
        ),
        sa.Column(
            "template_version",
            sa.BigInteger(),
            nullable=True,
            comment="The template's version, or NULL.",
        ),
        sa.Column(
            "due_at",
            sa.DateTime(),
            nullable=True,
            comment="UTC. When a deferred message or a held digest is due, or NULL.",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "event_id",
            "subscription_id",
            "channel",
            name=op.f("pk_szo_notify_delivery"),
        ),
        comment=(
            "The audit of citizen notifications: one decision per event, subscription, channel."
        ),
    )
    op.create_index(
        "ix_szo_notify_delivery_outcome_due_at",
        "szo_notify_delivery",
        ["outcome", "due_at"],
        unique=False,
    )
    op.create_index(
        "ix_szo_notify_delivery_rate",
        "szo_notify_delivery",
        ["organisation_id", "subscription_id", "case_id", "channel", "decided_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_szo_notify_delivery_outcome_due_at", table_name="szo_notify_delivery")
    op.drop_index("ix_szo_notify_delivery_rate", table_name="szo_notify_delivery")
    op.drop_table("szo_notify_delivery")
    op.drop_table("szo_notify_confirmation")
    op.drop_table("szo_notify_consent")
    op.drop_index(
        "ix_szo_notify_subscription_organisation_id_person_id", table_name="szo_notify_subscription"
    )
    op.drop_table("szo_notify_subscription")
    op.drop_table("szo_notify_event_type")
