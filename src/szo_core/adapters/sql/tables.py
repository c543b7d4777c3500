"""The SQL schema: one SQLAlchemy Core :data:`metadata` with every szo_core table.

Tables are prefixed ``szo_`` so that they can live in an application's own
database.  Every record table has the organisation in its primary key, a
``version`` column for optimistic concurrency, and plain columns for every
field (nested values such as addresses, payers and mandates are flattened into
prefixed columns; a nullable nested value is None when its first column is
NULL).  Tuples inside a record are rows of an owned table with ``ON DELETE
CASCADE`` (``szo_program_price``, ``szo_program_reference``, ``szo_child_group``,
``szo_child_residence``, ``szo_child_taxpayer``, ``szo_child_guardian``).  A
child's plain ``municipality_code``, ``regresor_id`` and ``parents_taxpayers``
columns hold the open-ended first entry of its residence and tax-status
histories; the dated changes are rows of the owned tables.

References between records (a decision's child, a child's groups, programs,
regresor and guardians) are foreign keys that are ``DEFERRABLE INITIALLY
DEFERRED``: they are checked when the transaction commits, so records can be
added in any order within one unit of work.

This module is the schema the code expects; the database itself is created and
changed only by the Alembic migrations in ``migrations/`` (a test checks that
the two agree).  A later module can add its own tables to :data:`metadata` and
ship a migration for them.

>>> "szo_child" in metadata.tables
True
>>> tuple(c.name for c in program_price.primary_key)
('organisation_id', 'program_code', 'valid_from')
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    true,
)

from szo_core.adapters.sql.types import ExactDecimal

__all__ = [
    "absence",
    "child",
    "child_group",
    "child_guardian",
    "child_residence",
    "child_taxpayer",
    "decision",
    "decision_lock",
    "group",
    "guardian",
    "metadata",
    "organisation",
    "organisation_account",
    "price_lock",
    "program",
    "program_price",
    "program_reference",
    "regresor",
    "reservation",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
"""All szo_core tables, with a naming convention so that migrations name constraints."""


def _org() -> Column[str]:
    return Column("organisation_id", Text, primary_key=True)


def _version() -> Column[int]:
    return Column("version", BigInteger, nullable=False)


def _text(name: str, *, nullable: bool = False) -> Column[str]:
    return Column(name, Text, nullable=nullable)


def _address(prefix: str, *, nullable: bool = False) -> list[Column[str]]:
    return [
        _text(f"{prefix}_street", nullable=nullable),
        _text(f"{prefix}_post_code", nullable=nullable),
        _text(f"{prefix}_city", nullable=nullable),
        _text(f"{prefix}_country", nullable=nullable),
    ]


def _payer(prefix: str) -> list[Column[str]]:
    # kind NULL means no payer; party_name NULL means no party.
    return [
        _text(f"{prefix}_kind", nullable=True),
        _text(f"{prefix}_guardian_id", nullable=True),
        _text(f"{prefix}_party_name", nullable=True),
        *_address(f"{prefix}_party", nullable=True),
        _text(f"{prefix}_party_tax_number", nullable=True),
        _text(f"{prefix}_party_email", nullable=True),
    ]


organisation = Table(
    "szo_organisation",
    metadata,
    Column("id", Text, primary_key=True),
    _text("kind"),
    _text("name"),
    *_address("address"),
    _text("tax_number"),
    _text("registration_number"),
    _text("creditor_id"),
    Column("budget_user", Boolean, nullable=False),
    _text("reference_scheme"),
    _text("invoice_prefix"),
    _text("credit_note_prefix"),
    Column("debit_day", Integer, nullable=False),
    _text("purpose_code"),
    _text("email"),
    Column("host_municipality", Integer, nullable=True),
    _version(),
)
"""Organisations (:class:`~szo_core.model.Organisation`) without their accounts (migration 0006)."""

organisation_account = Table(
    "szo_organisation_account",
    metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    _text("iban"),
    _text("bic"),
    _text("bank"),
    ForeignKeyConstraint(["organisation_id"], ["szo_organisation.id"], ondelete="CASCADE"),
)
"""An organisation's accounts in order, the default first (owned by ``szo_organisation``)."""

guardian = Table(
    "szo_guardian",
    metadata,
    _org(),
    Column("id", Text, primary_key=True),
    _text("first_name"),
    _text("last_name"),
    *_address("address"),
    _text("emso"),
    _text("tax_number"),
    _text("iban"),
    _text("email"),
    _text("phone"),
    _version(),
)
"""Guardians (:class:`~szo_core.model.Guardian`)."""

program = Table(
    "szo_program",
    metadata,
    _org(),
    Column("code", Text, primary_key=True),
    _text("name"),
    # Added by migration 0004: existing programs are regular.
    Column("kind", Text, nullable=False, server_default="regular"),
    _version(),
)
"""Programs (:class:`~szo_core.model.Program`) without their prices and reference program."""

program_price = Table(
    "szo_program_price",
    metadata,
    _org(),
    Column("program_code", Text, primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("monthly", ExactDecimal, nullable=False),
    Column("food_per_day", ExactDecimal, nullable=False),
    ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        ondelete="CASCADE",
    ),
)
"""A program's dated prices (owned by ``szo_program``)."""

program_reference = Table(
    "szo_program_reference",
    metadata,
    _org(),
    Column("program_code", Text, primary_key=True),
    _text("reference_program"),
    # Named here: the conventional names are longer than PostgreSQL's 63 characters.
    ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        name="fk_szo_program_reference_program_code_szo_program",
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "reference_program"],
        ["szo_program.organisation_id", "szo_program.code"],
        name="fk_szo_program_reference_reference_program_szo_program",
        deferrable=True,
        initially="DEFERRED",
    ),
)
"""The reference program of a developmental unit or a private program (owned by
``szo_program``; a regular program has no row).  A table of its own rather than a
column of ``szo_program`` so that the reference is a real foreign key on SQLite
too, where a composite foreign key cannot be added to an existing table without
rebuilding it."""

price_lock = Table(
    "szo_price_lock",
    metadata,
    _org(),
    Column("program_code", Text, primary_key=True),
    Column("locked_through", Date, nullable=False),
    _text("billing_run_id"),
    ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
)
"""How far each program's prices are locked by closed billing months
(:class:`~szo_core.ports.PriceLocks`); the latest closing run's id."""

group = Table(
    "szo_group",
    metadata,
    _org(),
    Column("code", Text, primary_key=True),
    _text("name"),
    _text("program_code", nullable=True),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
)
"""Groups (:class:`~szo_core.model.Group`)."""

regresor = Table(
    "szo_regresor",
    metadata,
    _org(),
    Column("id", Text, primary_key=True),
    _text("name"),
    Column("municipality_code", Integer, nullable=True),
    *_address("address"),
    _text("tax_number"),
    _text("email"),
    _version(),
)
"""Regresors (:class:`~szo_core.model.Regresor`)."""

child = Table(
    "szo_child",
    metadata,
    _org(),
    Column("code", BigInteger, primary_key=True, autoincrement=False),
    _text("first_name"),
    _text("last_name"),
    _text("sex", nullable=True),
    Column("birth_date", Date, nullable=True),
    _text("birth_place"),
    _text("emso"),
    _text("tax_number"),
    _text("citizenship"),
    *_address("permanent"),
    *_address("temporary", nullable=True),
    Column("municipality_code", Integer, nullable=True),
    _text("regresor_id", nullable=True),
    Column("adapted_program", Boolean, nullable=False),
    Column("special_needs", Boolean, nullable=False),
    Column("companion", Boolean, nullable=False),
    _text("card_number"),
    _text("employee_id", nullable=True),
    _text("contract_number"),
    Column("contract_signed_on", Date, nullable=True),
    Column("contract_ends_on", Date, nullable=True),
    Column("enrollment_date", Date, nullable=True),
    Column("exit_date", Date, nullable=True),
    Column("exit_notice_on", Date, nullable=True),
    Column("parents_taxpayers", Boolean, nullable=False, server_default=true()),
    Column("family_order", Integer, nullable=True),
    Column("newcomer", Boolean, nullable=False),
    Column("went_to_other_kindergarten", Boolean, nullable=False),
    Column("inactive", Boolean, nullable=False),
    _text("notes"),
    _text("printable_notes"),
    *_payer("payer"),
    *_payer("applicant"),
    _text("payment_kind"),
    _text("mandate_bank", nullable=True),
    _text("mandate_iban", nullable=True),
    Column("mandate_debit_day", Integer, nullable=True),
    _text("mandate_reference", nullable=True),
    Column("mandate_signed_on", Date, nullable=True),
    _text("mandate_creditor_id", nullable=True),
    _text("delivery_kind"),
    _text("delivery_email"),
    _text("delivery_iban"),
    Column("payment_group_lead", BigInteger, nullable=True),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "regresor_id"],
        ["szo_regresor.organisation_id", "szo_regresor.id"],
        deferrable=True,
        initially="DEFERRED",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "payment_group_lead"],
        ["szo_child.organisation_id", "szo_child.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    Index(None, "organisation_id", "enrollment_date"),
)
"""Children (:class:`~szo_core.model.Child`) without their group history and guardian links."""

child_group = Table(
    "szo_child_group",
    metadata,
    _org(),
    Column("child_code", BigInteger, primary_key=True, autoincrement=False),
    Column("valid_from", Date, primary_key=True),
    _text("group_code"),
    _text("program_code"),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "group_code"],
        ["szo_group.organisation_id", "szo_group.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
)
"""A child's dated group assignments (owned by ``szo_child``)."""

child_residence = Table(
    "szo_child_residence",
    metadata,
    _org(),
    Column("child_code", BigInteger, primary_key=True, autoincrement=False),
    Column("valid_from", Date, primary_key=True),
    Column("municipality_code", Integer, nullable=True),
    _text("regresor_id", nullable=True),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "regresor_id"],
        ["szo_regresor.organisation_id", "szo_regresor.id"],
        deferrable=True,
        initially="DEFERRED",
    ),
)
"""A child's dated residence changes (owned by ``szo_child``)."""

child_taxpayer = Table(
    "szo_child_taxpayer",
    metadata,
    _org(),
    Column("child_code", BigInteger, primary_key=True, autoincrement=False),
    Column("valid_from", Date, primary_key=True),
    Column("taxpayers", Boolean, nullable=False),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        ondelete="CASCADE",
    ),
)
"""A child's dated changes of the parents' tax status (owned by ``szo_child``)."""

child_guardian = Table(
    "szo_child_guardian",
    metadata,
    _org(),
    Column("child_code", BigInteger, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    _text("guardian_id"),
    _text("kind"),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "guardian_id"],
        ["szo_guardian.organisation_id", "szo_guardian.id"],
        deferrable=True,
        initially="DEFERRED",
    ),
)
"""A child's links to guardians, in order (owned by ``szo_child``)."""

decision = Table(
    "szo_decision",
    metadata,
    _org(),
    Column("id", Text, primary_key=True),
    Column("child_code", BigInteger, nullable=False),
    _text("number"),
    Column("coefficient", ExactDecimal, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=True),
    _text("regresor_id", nullable=True),
    Column("sibling_order", Integer, nullable=True),
    Column("state_financed", Boolean, nullable=False),
    Column("payment_class", Integer, nullable=True),
    Column("issued_on", Date, nullable=True),
    _text("supersedes", nullable=True),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "regresor_id"],
        ["szo_regresor.organisation_id", "szo_regresor.id"],
        deferrable=True,
        initially="DEFERRED",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "supersedes"],
        ["szo_decision.organisation_id", "szo_decision.id"],
        deferrable=True,
        initially="DEFERRED",
    ),
    Index(None, "organisation_id", "child_code"),
    Index(None, "organisation_id", "valid_from"),
)
"""Decisions on reduced payment (:class:`~szo_core.model.Decision`)."""

decision_lock = Table(
    "szo_decision_lock",
    metadata,
    _org(),
    Column("decision_id", Text, primary_key=True),
    _text("billing_run_id"),
    ForeignKeyConstraint(
        ["organisation_id", "decision_id"],
        ["szo_decision.organisation_id", "szo_decision.id"],
        deferrable=True,
        initially="DEFERRED",
    ),
)
"""Decisions used by a closed billing run (they can no longer be changed or removed)."""

reservation = Table(
    "szo_reservation",
    metadata,
    _org(),
    Column("id", Text, primary_key=True),
    Column("child_code", BigInteger, nullable=False),
    _text("kind"),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("announced_on", Date, nullable=True),
    Column("doctor_note", Boolean, nullable=False),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    Index(None, "organisation_id", "child_code"),
    Index(None, "organisation_id", "start_date"),
)
"""Reservations (:class:`~szo_core.model.Reservation`)."""

absence = Table(
    "szo_absence",
    metadata,
    _org(),
    Column("id", Text, primary_key=True),
    Column("child_code", BigInteger, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("announced_at", DateTime(timezone=False), nullable=True),
    # UTC offset of an aware ``announced_at`` in microseconds; NULL for a naive one.
    Column("announced_utc_offset", BigInteger, nullable=True),
    Column("doctor_note", Boolean, nullable=False),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    Index(None, "organisation_id", "child_code"),
    Index(None, "organisation_id", "start_date"),
)
"""Absences (:class:`~szo_core.model.Absence`); an aware time keeps its UTC offset."""
