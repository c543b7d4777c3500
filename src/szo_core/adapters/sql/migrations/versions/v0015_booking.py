"""Appointment booking: five new tables (``szo_core.booking``).

``szo_booking_office`` (offices and their rules), ``szo_booking_appointment``
(holds and bookings; the e-mail code only as an HMAC), ``szo_booking_seat``
(one row per appointment and 5-minute cell; its primary key and the check
``seat < capacity`` keep every cell within the office's officials: the
one-booking-per-seat guarantee is the database's), ``szo_booking_file``
(files exchanged during an appointment) and ``szo_booking_answer`` (the
survey, one answer per appointment).  New tables only; the downgrade drops them.

Revision ID: 0015_booking
Revises: 0014_notify
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0015_booking"
# The merger re-chains the new migrations; on this branch main's head is 0013_messaging.
down_revision: str | None = "0014_notify"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_booking_office",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column("id", sa.Text(), nullable=False, comment="The office's id."),
        sa.Column("name", sa.Text(), nullable=False, comment="The office's name (upravna enota)."),
        sa.Column(
            "services",
            sa.Text(),
            nullable=False,
            comment="JSON list of the services offered: id, name, duration in minutes.",
        ),
        sa.Column(
            "hours",
            sa.Text(),
            nullable=False,
            comment="JSON list of opening hours: weekday (0 Monday), opens, closes (local).",
        ),
        sa.Column(
            "slot_minutes",
            sa.Integer(),
            nullable=False,
            comment="Slots start every this many minutes.",
        ),
        sa.Column(
            "buffer_before_minutes",
            sa.Integer(),
            nullable=False,
            comment="Kept free before each one.",
        ),
        sa.Column(
            "buffer_after_minutes",
            sa.Integer(),
            nullable=False,
            comment="Kept free after each one.",
        ),
        sa.Column(
            "officials",
            sa.Integer(),
            nullable=False,
            comment="Capacity: appointments at the same time.",
        ),
        sa.Column(
            "closed_days",
            sa.Text(),
            nullable=False,
            comment="JSON list of the office's own closed days (ISO dates).",
        ),
        sa.Column(
            "horizon_days",
            sa.Integer(),
            nullable=False,
            comment="How many days ahead one can book.",
        ),
        sa.Column(
            "notice_minutes",
            sa.Integer(),
            nullable=False,
            comment="Least minutes between booking and start.",
        ),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            comment="Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id"),
        comment="Offices of the virtual counter and their booking rules.",
    )
    op.create_table(
        "szo_booking_appointment",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column("id", sa.Text(), nullable=False, comment="The appointment's id (random hex)."),
        sa.Column("office_id", sa.Text(), nullable=False, comment="The office."),
        sa.Column("service_id", sa.Text(), nullable=False, comment="The service."),
        sa.Column("starts_at", sa.DateTime(), nullable=False, comment="UTC. Start."),
        sa.Column("ends_at", sa.DateTime(), nullable=False, comment="UTC. End."),
        sa.Column(
            "state",
            sa.Text(),
            nullable=False,
            comment="held, confirmed, released, expired, cancelled or closed.",
        ),
        sa.Column("name", sa.Text(), nullable=False, comment="The citizen's name (personal data)."),
        sa.Column(
            "email",
            sa.Text(),
            nullable=False,
            comment="The citizen's e-mail address (personal data).",
        ),
        sa.Column(
            "phone",
            sa.Text(),
            nullable=False,
            comment="The citizen's phone number (personal data; '' for none).",
        ),
        sa.Column(
            "notes", sa.Text(), nullable=False, comment="The citizen's notes (personal data)."
        ),
        sa.Column(
            "created_at", sa.DateTime(), nullable=False, comment="UTC. When it was reserved."
        ),
        sa.Column(
            "hold_until",
            sa.DateTime(),
            nullable=False,
            comment="UTC. Until when the hold keeps it.",
        ),
        sa.Column(
            "code_salt",
            sa.Text(),
            nullable=False,
            comment="Hex salt of the e-mail code's HMAC ('' once used).",
        ),
        sa.Column(
            "code_hash",
            sa.Text(),
            nullable=False,
            comment="Hex HMAC-SHA256 of the e-mail code, never the code ('' once used).",
        ),
        sa.Column(
            "code_expires_at",
            sa.DateTime(),
            nullable=True,
            comment="UTC. When the current code lapses.",
        ),
        sa.Column(
            "code_attempts",
            sa.Integer(),
            nullable=False,
            comment="Wrong tries of the current code.",
        ),
        sa.Column("code_sends", sa.Integer(), nullable=False, comment="Codes sent for this hold."),
        sa.Column(
            "confirmed_at", sa.DateTime(), nullable=True, comment="UTC. When it was confirmed."
        ),
        sa.Column(
            "closed_at", sa.DateTime(), nullable=True, comment="UTC. When closed or cancelled."
        ),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            comment="Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "office_id"],
            ["szo_booking_office.organisation_id", "szo_booking_office.id"],
        ),
        comment="Appointments at the virtual counter: holds and bookings.",
    )
    op.create_index(
        "ix_szo_booking_appointment_start",
        "szo_booking_appointment",
        ["organisation_id", "state", "starts_at"],
    )
    op.create_table(
        "szo_booking_seat",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column("office_id", sa.Text(), nullable=False, comment="The office."),
        sa.Column(
            "cell", sa.DateTime(), nullable=False, comment="UTC. Start of the 5-minute cell."
        ),
        sa.Column(
            "seat",
            sa.Integer(),
            nullable=False,
            comment="Which official's place: 0 ... capacity-1.",
        ),
        sa.Column(
            "capacity", sa.Integer(), nullable=False, comment="The office's officials when taken."
        ),
        sa.Column(
            "appointment_id",
            sa.Text(),
            nullable=False,
            comment="The appointment that holds the seat.",
        ),
        sa.Column(
            "held_until",
            sa.DateTime(),
            nullable=True,
            comment="UTC. For a hold, when it lapses; NULL once confirmed.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "office_id", "cell", "seat"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "appointment_id"],
            ["szo_booking_appointment.organisation_id", "szo_booking_appointment.id"],
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("seat >= 0 AND seat < capacity", name="ck_szo_booking_seat_capacity"),
        comment="Capacity seats: one row per appointment and 5-minute cell; the key keeps "
        "every cell within the office's officials.",
    )
    op.create_index(
        "ix_szo_booking_seat_appointment", "szo_booking_seat", ["organisation_id", "appointment_id"]
    )
    op.create_table(
        "szo_booking_file",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column("appointment_id", sa.Text(), nullable=False, comment="The appointment."),
        sa.Column("id", sa.Text(), nullable=False, comment="The file's id (random hex)."),
        sa.Column("name", sa.Text(), nullable=False, comment="The sanitised file name."),
        sa.Column(
            "content_type",
            sa.Text(),
            nullable=False,
            comment="The media type, checked against the content.",
        ),
        sa.Column("size", sa.BigInteger(), nullable=False, comment="Bytes."),
        sa.Column("uploaded_by", sa.Text(), nullable=False, comment="official or citizen."),
        sa.Column(
            "uploaded_at", sa.DateTime(), nullable=False, comment="UTC. When it was uploaded."
        ),
        sa.PrimaryKeyConstraint("organisation_id", "appointment_id", "id"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "appointment_id"],
            ["szo_booking_appointment.organisation_id", "szo_booking_appointment.id"],
            ondelete="CASCADE",
        ),
        comment="Files exchanged during an appointment (bytes in the file port).",
    )
    op.create_table(
        "szo_booking_answer",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation (kindergarten, school, care home) the row belongs to; "
            "first part of every key.",
        ),
        sa.Column(
            "appointment_id", sa.Text(), nullable=False, comment="The appointment (one answer)."
        ),
        sa.Column("office_id", sa.Text(), nullable=False, comment="The appointment's office."),
        sa.Column(
            "month", sa.Text(), nullable=False, comment="YYYY-MM of the appointment's local start."
        ),
        sa.Column("rating", sa.Integer(), nullable=False, comment="1 (poor) to 5 (excellent)."),
        sa.Column("comment", sa.Text(), nullable=False, comment="Optional comment ('' for none)."),
        sa.Column(
            "answered_at", sa.DateTime(), nullable=False, comment="UTC. When it was answered."
        ),
        sa.PrimaryKeyConstraint("organisation_id", "appointment_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_szo_booking_answer_rating"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "appointment_id"],
            ["szo_booking_appointment.organisation_id", "szo_booking_appointment.id"],
            ondelete="CASCADE",
        ),
        comment="Satisfaction survey answers after appointments.",
    )
    op.create_index(
        "ix_szo_booking_answer_month",
        "szo_booking_answer",
        ["organisation_id", "month", "office_id"],
    )


def downgrade() -> None:
    op.drop_table("szo_booking_answer")
    op.drop_table("szo_booking_file")
    op.drop_table("szo_booking_seat")
    op.drop_table("szo_booking_appointment")
    op.drop_table("szo_booking_office")
