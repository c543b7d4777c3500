"""Create every szo_core table.

Children (with group history and guardian links), guardians, programs (with
dated prices), groups, regresors, decisions (and their locks), reservations and
absences.  Money columns are NUMERIC on PostgreSQL and exact text on SQLite
(see ``szo_core.adapters.sql.types.ExactDecimal``).

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Frozen here on purpose: the migration must not change if the Python type does.
_MONEY = sa.Numeric().with_variant(sa.String(64), "sqlite")


def upgrade() -> None:
    op.create_table(
        "szo_guardian",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("first_name", sa.Text(), nullable=False),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("address_street", sa.Text(), nullable=False),
        sa.Column("address_post_code", sa.Text(), nullable=False),
        sa.Column("address_city", sa.Text(), nullable=False),
        sa.Column("address_country", sa.Text(), nullable=False),
        sa.Column("emso", sa.Text(), nullable=False),
        sa.Column("tax_number", sa.Text(), nullable=False),
        sa.Column("iban", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_guardian")),
    )
    op.create_table(
        "szo_program",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "code", name=op.f("pk_szo_program")),
    )
    op.create_table(
        "szo_regresor",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("municipality_code", sa.Integer(), nullable=True),
        sa.Column("address_street", sa.Text(), nullable=False),
        sa.Column("address_post_code", sa.Text(), nullable=False),
        sa.Column("address_city", sa.Text(), nullable=False),
        sa.Column("address_country", sa.Text(), nullable=False),
        sa.Column("tax_number", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_regresor")),
    )
    op.create_table(
        "szo_child",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("code", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("first_name", sa.Text(), nullable=False),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("sex", sa.Text(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_place", sa.Text(), nullable=False),
        sa.Column("emso", sa.Text(), nullable=False),
        sa.Column("tax_number", sa.Text(), nullable=False),
        sa.Column("citizenship", sa.Text(), nullable=False),
        sa.Column("permanent_street", sa.Text(), nullable=False),
        sa.Column("permanent_post_code", sa.Text(), nullable=False),
        sa.Column("permanent_city", sa.Text(), nullable=False),
        sa.Column("permanent_country", sa.Text(), nullable=False),
        sa.Column("temporary_street", sa.Text(), nullable=True),
        sa.Column("temporary_post_code", sa.Text(), nullable=True),
        sa.Column("temporary_city", sa.Text(), nullable=True),
        sa.Column("temporary_country", sa.Text(), nullable=True),
        sa.Column("municipality_code", sa.Integer(), nullable=True),
        sa.Column("regresor_id", sa.Text(), nullable=True),
        sa.Column("adapted_program", sa.Boolean(), nullable=False),
        sa.Column("special_needs", sa.Boolean(), nullable=False),
        sa.Column("companion", sa.Boolean(), nullable=False),
        sa.Column("card_number", sa.Text(), nullable=False),
        sa.Column("employee_id", sa.Text(), nullable=True),
        sa.Column("contract_number", sa.Text(), nullable=False),
        sa.Column("contract_signed_on", sa.Date(), nullable=True),
        sa.Column("contract_ends_on", sa.Date(), nullable=True),
        sa.Column("enrollment_date", sa.Date(), nullable=True),
        sa.Column("exit_date", sa.Date(), nullable=True),
        sa.Column("newcomer", sa.Boolean(), nullable=False),
        sa.Column("went_to_other_kindergarten", sa.Boolean(), nullable=False),
        sa.Column("inactive", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("printable_notes", sa.Text(), nullable=False),
        sa.Column("payer_kind", sa.Text(), nullable=True),
        sa.Column("payer_guardian_id", sa.Text(), nullable=True),
        sa.Column("payer_party_name", sa.Text(), nullable=True),
        sa.Column("payer_party_street", sa.Text(), nullable=True),
        sa.Column("payer_party_post_code", sa.Text(), nullable=True),
        sa.Column("payer_party_city", sa.Text(), nullable=True),
        sa.Column("payer_party_country", sa.Text(), nullable=True),
        sa.Column("payer_party_tax_number", sa.Text(), nullable=True),
        sa.Column("payer_party_email", sa.Text(), nullable=True),
        sa.Column("applicant_kind", sa.Text(), nullable=True),
        sa.Column("applicant_guardian_id", sa.Text(), nullable=True),
        sa.Column("applicant_party_name", sa.Text(), nullable=True),
        sa.Column("applicant_party_street", sa.Text(), nullable=True),
        sa.Column("applicant_party_post_code", sa.Text(), nullable=True),
        sa.Column("applicant_party_city", sa.Text(), nullable=True),
        sa.Column("applicant_party_country", sa.Text(), nullable=True),
        sa.Column("applicant_party_tax_number", sa.Text(), nullable=True),
        sa.Column("applicant_party_email", sa.Text(), nullable=True),
        sa.Column("payment_kind", sa.Text(), nullable=False),
        sa.Column("mandate_bank", sa.Text(), nullable=True),
        sa.Column("mandate_iban", sa.Text(), nullable=True),
        sa.Column("mandate_debit_day", sa.Integer(), nullable=True),
        sa.Column("mandate_reference", sa.Text(), nullable=True),
        sa.Column("mandate_signed_on", sa.Date(), nullable=True),
        sa.Column("mandate_creditor_id", sa.Text(), nullable=True),
        sa.Column("delivery_kind", sa.Text(), nullable=False),
        sa.Column("delivery_email", sa.Text(), nullable=False),
        sa.Column("delivery_iban", sa.Text(), nullable=False),
        sa.Column("payment_group_lead", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "payment_group_lead"],
            ["szo_child.organisation_id", "szo_child.code"],
            name=op.f("fk_szo_child_organisation_id_payment_group_lead_szo_child"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "regresor_id"],
            ["szo_regresor.organisation_id", "szo_regresor.id"],
            name=op.f("fk_szo_child_organisation_id_regresor_id_szo_regresor"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("organisation_id", "code", name=op.f("pk_szo_child")),
    )
    op.create_index(
        op.f("ix_szo_child_organisation_id_enrollment_date"),
        "szo_child",
        ["organisation_id", "enrollment_date"],
        unique=False,
    )
    op.create_table(
        "szo_group",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("program_code", sa.Text(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "program_code"],
            ["szo_program.organisation_id", "szo_program.code"],
            name=op.f("fk_szo_group_organisation_id_program_code_szo_program"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("organisation_id", "code", name=op.f("pk_szo_group")),
    )
    op.create_table(
        "szo_program_price",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("program_code", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("monthly", _MONEY, nullable=False),
        sa.Column("food_per_day", _MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "program_code"],
            ["szo_program.organisation_id", "szo_program.code"],
            name=op.f("fk_szo_program_price_organisation_id_program_code_szo_program"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "program_code", "valid_from", name=op.f("pk_szo_program_price")
        ),
    )
    op.create_table(
        "szo_absence",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("announced_at", sa.DateTime(), nullable=True),
        sa.Column("announced_utc_offset", sa.BigInteger(), nullable=True),
        sa.Column("doctor_note", sa.Boolean(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "child_code"],
            ["szo_child.organisation_id", "szo_child.code"],
            name=op.f("fk_szo_absence_organisation_id_child_code_szo_child"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_absence")),
    )
    op.create_index(
        op.f("ix_szo_absence_organisation_id_child_code"),
        "szo_absence",
        ["organisation_id", "child_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_szo_absence_organisation_id_start_date"),
        "szo_absence",
        ["organisation_id", "start_date"],
        unique=False,
    )
    op.create_table(
        "szo_child_group",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("group_code", sa.Text(), nullable=False),
        sa.Column("program_code", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "child_code"],
            ["szo_child.organisation_id", "szo_child.code"],
            name=op.f("fk_szo_child_group_organisation_id_child_code_szo_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "group_code"],
            ["szo_group.organisation_id", "szo_group.code"],
            name=op.f("fk_szo_child_group_organisation_id_group_code_szo_group"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "program_code"],
            ["szo_program.organisation_id", "szo_program.code"],
            name=op.f("fk_szo_child_group_organisation_id_program_code_szo_program"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "child_code", "valid_from", name=op.f("pk_szo_child_group")
        ),
    )
    op.create_table(
        "szo_child_guardian",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("guardian_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "child_code"],
            ["szo_child.organisation_id", "szo_child.code"],
            name=op.f("fk_szo_child_guardian_organisation_id_child_code_szo_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "guardian_id"],
            ["szo_guardian.organisation_id", "szo_guardian.id"],
            name=op.f("fk_szo_child_guardian_organisation_id_guardian_id_szo_guardian"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "child_code", "position", name=op.f("pk_szo_child_guardian")
        ),
    )
    op.create_table(
        "szo_decision",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("coefficient", _MONEY, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("regresor_id", sa.Text(), nullable=True),
        sa.Column("sibling_order", sa.Integer(), nullable=True),
        sa.Column("state_financed", sa.Boolean(), nullable=False),
        sa.Column("payment_class", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("supersedes", sa.Text(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "child_code"],
            ["szo_child.organisation_id", "szo_child.code"],
            name=op.f("fk_szo_decision_organisation_id_child_code_szo_child"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "regresor_id"],
            ["szo_regresor.organisation_id", "szo_regresor.id"],
            name=op.f("fk_szo_decision_organisation_id_regresor_id_szo_regresor"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "supersedes"],
            ["szo_decision.organisation_id", "szo_decision.id"],
            name=op.f("fk_szo_decision_organisation_id_supersedes_szo_decision"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_decision")),
    )
    op.create_index(
        op.f("ix_szo_decision_organisation_id_child_code"),
        "szo_decision",
        ["organisation_id", "child_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_szo_decision_organisation_id_valid_from"),
        "szo_decision",
        ["organisation_id", "valid_from"],
        unique=False,
    )
    op.create_table(
        "szo_reservation",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("child_code", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("doctor_note", sa.Boolean(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "child_code"],
            ["szo_child.organisation_id", "szo_child.code"],
            name=op.f("fk_szo_reservation_organisation_id_child_code_szo_child"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_szo_reservation")),
    )
    op.create_index(
        op.f("ix_szo_reservation_organisation_id_child_code"),
        "szo_reservation",
        ["organisation_id", "child_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_szo_reservation_organisation_id_start_date"),
        "szo_reservation",
        ["organisation_id", "start_date"],
        unique=False,
    )
    op.create_table(
        "szo_decision_lock",
        sa.Column("organisation_id", sa.Text(), nullable=False),
        sa.Column("decision_id", sa.Text(), nullable=False),
        sa.Column("billing_run_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "decision_id"],
            ["szo_decision.organisation_id", "szo_decision.id"],
            name=op.f("fk_szo_decision_lock_organisation_id_decision_id_szo_decision"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "decision_id", name=op.f("pk_szo_decision_lock")
        ),
    )


def downgrade() -> None:
    op.drop_table("szo_decision_lock")
    op.drop_index(
        op.f("ix_szo_reservation_organisation_id_start_date"), table_name="szo_reservation"
    )
    op.drop_index(
        op.f("ix_szo_reservation_organisation_id_child_code"), table_name="szo_reservation"
    )
    op.drop_table("szo_reservation")
    op.drop_index(op.f("ix_szo_decision_organisation_id_valid_from"), table_name="szo_decision")
    op.drop_index(op.f("ix_szo_decision_organisation_id_child_code"), table_name="szo_decision")
    op.drop_table("szo_decision")
    op.drop_table("szo_child_guardian")
    op.drop_table("szo_child_group")
    op.drop_index(op.f("ix_szo_absence_organisation_id_start_date"), table_name="szo_absence")
    op.drop_index(op.f("ix_szo_absence_organisation_id_child_code"), table_name="szo_absence")
    op.drop_table("szo_absence")
    op.drop_table("szo_program_price")
    op.drop_table("szo_group")
    op.drop_index(op.f("ix_szo_child_organisation_id_enrollment_date"), table_name="szo_child")
    op.drop_table("szo_child")
    op.drop_table("szo_regresor")
    op.drop_table("szo_program")
    op.drop_table("szo_guardian")
