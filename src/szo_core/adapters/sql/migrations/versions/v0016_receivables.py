"""The receivables ledger: items, postings, bank receipts, mandate flags, reminders.

Five new tables (see :mod:`szo_core.adapters.sql.receivables`):
``szo_receivable_item`` (one row per invoice or credit note on a payer's
account), ``szo_receivable_posting`` (payments, returns, rejects),
``szo_bank_receipt`` (each imported bank entry, keyed by its stable id: the
import's idempotency key), ``szo_mandate_flag`` and ``szo_reminder``.  Nothing
existing changes; the downgrade drops the five tables.

Revision ID: 0016_receivables
Revises: 0015_booking
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0016_receivables"
down_revision: str | None = "0015_booking"
branch_labels: str | None = None
depends_on: str | None = None

_MONEY = sa.Numeric().with_variant(sa.String(64), "sqlite")
_ORG = (
    "The organisation (kindergarten, school, care home) the row belongs to; "
    "first part of every key."
)


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_receivable_item",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=_ORG,
        ),
        sa.Column(
            "document",
            sa.Text(),
            nullable=False,
            comment="Number of the invoice or credit note (2026-000007, D2026-000002).",
        ),
        sa.Column(
            "payer_id",
            sa.Text(),
            nullable=False,
            comment="Who pays (guardian:<id>, party:<name>, child:<code>).",
        ),
        sa.Column("kind", sa.Text(), nullable=False, comment="invoice or credit_note."),
        sa.Column(
            "amount",
            _MONEY,
            nullable=False,
            comment="Positive for an invoice (a debit), negative for a credit note.",
        ),
        sa.Column("issued_on", sa.Date(), nullable=False, comment="The document's issue date."),
        sa.Column(
            "due_on",
            sa.Date(),
            nullable=False,
            comment="The due date (a credit note: its issue date).",
        ),
        sa.Column(
            "reference",
            sa.Text(),
            nullable=True,
            comment="The invoice's own reference (SI12/RF, compact), or NULL.",
        ),
        sa.Column(
            "group_reference",
            sa.Text(),
            nullable=True,
            comment="The merged payment group's reference shared by its invoices, or NULL.",
        ),
        sa.Column(
            "end_to_end_id",
            sa.Text(),
            nullable=True,
            comment="The payment instruction's id (the direct debit's end-to-end id), or NULL.",
        ),
        sa.Column("child_code", sa.BigInteger(), nullable=True, comment="The child, or NULL."),
        sa.Column(
            "mandate_id", sa.Text(), nullable=True, comment="The direct-debit mandate, or NULL."
        ),
        sa.Column(
            "payer_iban",
            sa.Text(),
            nullable=False,
            comment="The payer's IBAN where known (personal data), or ''.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "document", name=op.f("pk_szo_receivable_item")),
        comment="Receivables ledger: one row per invoice (debit) or credit note (credit).",
    )
    op.create_index(
        op.f("ix_szo_receivable_item_organisation_id_payer_id"),
        "szo_receivable_item",
        ["organisation_id", "payer_id"],
        unique=False,
    )
    op.create_table(
        "szo_receivable_posting",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=_ORG,
        ),
        sa.Column(
            "id",
            sa.Text(),
            nullable=False,
            comment="The bank entry's id and the posting's place (<entry>:1).",
        ),
        sa.Column("payer_id", sa.Text(), nullable=False, comment="Whose account."),
        sa.Column(
            "document",
            sa.Text(),
            nullable=True,
            comment="The ledger item it applies to; NULL: the payer's credit.",
        ),
        sa.Column(
            "kind", sa.Text(), nullable=False, comment="payment, return, reject or credit_applied."
        ),
        sa.Column(
            "amount",
            _MONEY,
            nullable=False,
            comment="Signed like the items: negative lowers what the payer owes.",
        ),
        sa.Column("booked_on", sa.Date(), nullable=False, comment="The bank's booking date."),
        sa.Column(
            "entry_id",
            sa.Text(),
            nullable=False,
            comment="The bank entry (szo_bank_receipt) it came from.",
        ),
        sa.Column(
            "end_to_end_id",
            sa.Text(),
            nullable=True,
            comment="The payment's end-to-end id, or NULL.",
        ),
        sa.Column(
            "reason",
            sa.Text(),
            nullable=True,
            comment="A return's or reject's reason code (AC04, AM04, ...), or NULL.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_receivable_posting")),
        comment="Receivables ledger: payments, returns and rejects posted to payers' accounts.",
    )
    op.create_index(
        op.f("ix_szo_receivable_posting_organisation_id_payer_id"),
        "szo_receivable_posting",
        ["organisation_id", "payer_id"],
        unique=False,
    )
    op.create_table(
        "szo_bank_receipt",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=_ORG,
        ),
        sa.Column(
            "entry_id",
            sa.Text(),
            nullable=False,
            comment="The bank entry's stable id: the idempotency key of the import.",
        ),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment="The file kind (camt.053.001.02, pain.002.001.03, ...).",
        ),
        sa.Column(
            "status",
            sa.Text(),
            nullable=False,
            comment="matched, suggested, unmatched, returned, rejected or not_a_payment.",
        ),
        sa.Column("amount", _MONEY, nullable=False, comment="The entry's amount, positive."),
        sa.Column(
            "booked_on", sa.Date(), nullable=False, comment="Booking date (a reject: the report's)."
        ),
        sa.Column(
            "payer_name",
            sa.Text(),
            nullable=False,
            comment="The payer's name on the statement (personal data).",
        ),
        sa.Column(
            "payer_iban",
            sa.Text(),
            nullable=False,
            comment="The payer's IBAN on the statement (personal data), or ''.",
        ),
        sa.Column(
            "reference", sa.Text(), nullable=True, comment="The reference found, compact, or NULL."
        ),
        sa.Column("end_to_end_id", sa.Text(), nullable=True, comment="The end-to-end id, or NULL."),
        sa.Column(
            "reason",
            sa.Text(),
            nullable=True,
            comment="A return's or reject's reason code, or NULL.",
        ),
        sa.Column(
            "payer_id",
            sa.Text(),
            nullable=True,
            comment="The payer it was matched or suggested to, or NULL.",
        ),
        sa.Column(
            "documents",
            sa.Text(),
            nullable=False,
            comment="The items it was applied or suggested to, separated by spaces.",
        ),
        sa.Column(
            "how",
            sa.Text(),
            nullable=False,
            comment="reference, end_to_end, amount_iban, confirmed, or ''.",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "entry_id", name=op.f("pk_szo_bank_receipt")),
        comment="Bank entries and pain.002 rejects as imported, with what matching made of them.",
    )
    op.create_index(
        op.f("ix_szo_bank_receipt_organisation_id_status"),
        "szo_bank_receipt",
        ["organisation_id", "status"],
        unique=False,
    )
    op.create_table(
        "szo_mandate_flag",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=_ORG,
        ),
        sa.Column(
            "entry_id",
            sa.Text(),
            nullable=False,
            comment="The reject or return that raised the flag.",
        ),
        sa.Column("payer_id", sa.Text(), nullable=False, comment="The payer."),
        sa.Column(
            "mandate_id", sa.Text(), nullable=True, comment="The mandate, where known, or NULL."
        ),
        sa.Column(
            "reason", sa.Text(), nullable=False, comment="The reason code (AC04, MD01, ...)."
        ),
        sa.Column(
            "flagged_on", sa.Date(), nullable=False, comment="The date of the reject or return."
        ),
        sa.PrimaryKeyConstraint("organisation_id", "entry_id", name=op.f("pk_szo_mandate_flag")),
        comment="Mandates a reject or return said cannot be used again as they are.",
    )
    op.create_table(
        "szo_reminder",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment=_ORG,
        ),
        sa.Column("document", sa.Text(), nullable=False, comment="The ledger item reminded of."),
        sa.Column("level", sa.Integer(), nullable=False, comment="1: first reminder, 2: second."),
        sa.Column("payer_id", sa.Text(), nullable=False, comment="The payer."),
        sa.Column("sent_on", sa.Date(), nullable=False, comment="The day it was made."),
        sa.Column("open_amount", _MONEY, nullable=False, comment="What was open that day."),
        sa.Column(
            "interest",
            _MONEY,
            nullable=False,
            comment="Default interest to that day, rounded half-up to cents.",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "document", "level", name=op.f("pk_szo_reminder")
        ),
        comment="Reminders (opomini) sent, one per item and level.",
    )


def downgrade() -> None:
    op.drop_table("szo_reminder")
    op.drop_table("szo_mandate_flag")
    op.drop_index(op.f("ix_szo_bank_receipt_organisation_id_status"), table_name="szo_bank_receipt")
    op.drop_table("szo_bank_receipt")
    op.drop_index(
        op.f("ix_szo_receivable_posting_organisation_id_payer_id"),
        table_name="szo_receivable_posting",
    )
    op.drop_table("szo_receivable_posting")
    op.drop_index(
        op.f("ix_szo_receivable_item_organisation_id_payer_id"), table_name="szo_receivable_item"
    )
    op.drop_table("szo_receivable_item")
