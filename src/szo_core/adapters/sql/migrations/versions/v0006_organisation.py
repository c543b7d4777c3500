"""The organisation record: ``szo_organisation`` and its accounts.

* ``szo_organisation``: one row per :class:`~szo_core.model.Organisation`
  (name, address, tax and registration numbers, creditor id, UJP budget user,
  reference scheme, number prefixes, debit day, purpose code, e-mail, host
  municipality, version);
* ``szo_organisation_account``: its accounts in order, the default first,
  deleted with it.

Only new tables: existing data is untouched, and a database billed before has
no organisation row until one is added (``szo bill`` then writes the
statements but says that payment files need the record).  The downgrade drops
both tables.

Revision ID: 0006_organisation
Revises: 0005_billing_year
Create Date: 2026-12-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_organisation"
down_revision: str | None = "0005_billing_year"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "szo_organisation",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("address_street", sa.Text(), nullable=False),
        sa.Column("address_post_code", sa.Text(), nullable=False),
        sa.Column("address_city", sa.Text(), nullable=False),
        sa.Column("address_country", sa.Text(), nullable=False),
        sa.Column("tax_number", sa.Text(), nullable=False),
        sa.Column("registration_number", sa.Text(), nullable=False),
        sa.Column("creditor_id", sa.Text(), nullable=False),
        sa.Column("budget_user", sa.Boolean(), nullable=False),
        sa.Column("reference_scheme", sa.Text(), nullable=False),
        sa.Column("invoice_prefix", sa.Text(), nullable=False),
        sa.Column("credit_note_prefix", sa.Text(), nullable=False),
        sa.Column("debit_day", sa.Integer(), nullable=False),
        sa.Column("purpose_code", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("host_municipality", sa.Integer(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_szo_organisation")),
    )
    op.create_table(
        "szo_organisation_account",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("iban", sa.Text(), nullable=False),
        sa.Column("bic", sa.Text(), nullable=False),
        sa.Column("bank", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["szo_organisation.id"],
            name=op.f("fk_szo_organisation_account_organisation_id_szo_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "position", name=op.f("pk_szo_organisation_account")
        ),
    )


def downgrade() -> None:
    op.drop_table("szo_organisation_account")
    op.drop_table("szo_organisation")
