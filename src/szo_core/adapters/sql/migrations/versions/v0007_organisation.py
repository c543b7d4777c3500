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

Revision ID: 0007_organisation
Revises: 0006_comments
Create Date: 2026-12-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_organisation"
down_revision: str | None = "0006_comments"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Comments as in szo_core.adapters.sql.tables (written on PostgreSQL only).
    op.create_table(
        "szo_organisation",
        sa.Column(
            "id",
            sa.Text(),
            nullable=False,
            comment="The organisation's id (the organisation_id of its records).",
        ),
        sa.Column(
            "kind",
            sa.Text(),
            nullable=False,
            comment="kindergarten, school, care_home or dormitory.",
        ),
        sa.Column(
            "name",
            sa.Text(),
            nullable=False,
            comment="The name printed on invoices, slips and SEPA files.",
        ),
        sa.Column(
            "address_street",
            sa.Text(),
            nullable=False,
            comment="Street and house number of the organisation.",
        ),
        sa.Column(
            "address_post_code", sa.Text(), nullable=False, comment="Post code of the organisation."
        ),
        sa.Column(
            "address_city",
            sa.Text(),
            nullable=False,
            comment="City (post office) of the organisation.",
        ),
        sa.Column(
            "address_country", sa.Text(), nullable=False, comment="Country of the organisation."
        ),
        sa.Column(
            "tax_number",
            sa.Text(),
            nullable=False,
            comment="Slovenian tax number (davčna številka).",
        ),
        sa.Column(
            "registration_number",
            sa.Text(),
            nullable=False,
            comment="Registration number (matična številka, 7 or 10 digits).",
        ),
        sa.Column(
            "creditor_id",
            sa.Text(),
            nullable=False,
            comment="SEPA creditor identifier; empty when it collects no direct debits.",
        ),
        sa.Column(
            "budget_user",
            sa.Boolean(),
            nullable=False,
            comment="True for a budget user that pays and collects through UJP (pain.008.001.02).",
        ),
        sa.Column(
            "reference_scheme",
            sa.Text(),
            nullable=False,
            comment="Payment reference model of its invoices: SI12 or RF.",
        ),
        sa.Column(
            "invoice_prefix",
            sa.Text(),
            nullable=False,
            comment="Prefix of invoice numbers (may be empty).",
        ),
        sa.Column(
            "credit_note_prefix",
            sa.Text(),
            nullable=False,
            comment="Prefix of credit-note numbers (D by default).",
        ),
        sa.Column(
            "debit_day",
            sa.Integer(),
            nullable=False,
            comment="Default day of the month for direct debits.",
        ),
        sa.Column(
            "purpose_code",
            sa.Text(),
            nullable=False,
            comment="UPN purpose code of its slips (e.g. OTLC).",
        ),
        sa.Column(
            "email", sa.Text(), nullable=False, comment="Contact e-mail address; empty when none."
        ),
        sa.Column(
            "host_municipality",
            sa.Integer(),
            nullable=True,
            comment="Code of the founding (host) municipality; NULL to infer it from the children.",
        ),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            comment=(
                "Optimistic-concurrency version: incremented on every update, "
                "checked before writing."
            ),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_szo_organisation")),
        comment="The organisations that bill: one row per organisation, without its accounts.",
    )
    op.create_table(
        "szo_organisation_account",
        sa.Column(
            "organisation_id",
            sa.Text(),
            nullable=False,
            comment="The organisation the account belongs to.",
        ),
        sa.Column(
            "position",
            sa.Integer(),
            autoincrement=False,
            nullable=False,
            comment="Order of the account; 0 is the default.",
        ),
        sa.Column("iban", sa.Text(), nullable=False, comment="The account's IBAN."),
        sa.Column("bic", sa.Text(), nullable=False, comment="The BIC of the account's bank."),
        sa.Column("bank", sa.Text(), nullable=False, comment="The bank's name."),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["szo_organisation.id"],
            name=op.f("fk_szo_organisation_account_organisation_id_szo_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "position", name=op.f("pk_szo_organisation_account")
        ),
        comment="An organisation's bank accounts in order, the default first.",
    )


def downgrade() -> None:
    op.drop_table("szo_organisation_account")
    op.drop_table("szo_organisation")
