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
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from szo_core.adapters.sql.types import ExactDecimal

__all__ = [
    "absence",
    "care_home_settings",
    "care_record",
    "child",
    "child_group",
    "child_guardian",
    "child_residence",
    "child_taxpayer",
    "decision",
    "decision_lock",
    "group",
    "guardian",
    "message_template",
    "metadata",
    "organisation",
    "organisation_account",
    "outbox",
    "price_lock",
    "program",
    "program_price",
    "program_reference",
    "regresor",
    "reservation",
    "school_meal_record",
    "school_meal_settings",
    "web_account",
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
    return Column(
        "organisation_id",
        Text,
        primary_key=True,
        comment="The organisation (kindergarten, school, care home) the row belongs to; "
        "first part of every key.",
    )


def _version() -> Column[int]:
    return Column(
        "version",
        BigInteger,
        nullable=False,
        comment="Optimistic-concurrency version: incremented on every update, "
        "checked before writing.",
    )


def _text(name: str, comment: str, *, nullable: bool = False) -> Column[str]:
    return Column(name, Text, nullable=nullable, comment=comment)


def _address(prefix: str, whose: str, *, nullable: bool = False) -> list[Column[str]]:
    return [
        _text(f"{prefix}_street", f"Street and house number of {whose}.", nullable=nullable),
        _text(f"{prefix}_post_code", f"Post code of {whose}.", nullable=nullable),
        _text(f"{prefix}_city", f"City (post office) of {whose}.", nullable=nullable),
        _text(f"{prefix}_country", f"Country of {whose}.", nullable=nullable),
    ]


def _payer(prefix: str, whose: str) -> list[Column[str]]:
    # kind NULL means no payer; party_name NULL means no party.
    party = f"the other party who is {whose}"
    return [
        _text(
            f"{prefix}_kind",
            f"Who is {whose}: child, guardian or other; NULL: none.",
            nullable=True,
        ),
        _text(f"{prefix}_guardian_id", f"Guardian (szo_guardian) who is {whose}.", nullable=True),
        _text(f"{prefix}_party_name", f"Name of {party}.", nullable=True),
        *_address(f"{prefix}_party", party, nullable=True),
        _text(f"{prefix}_party_tax_number", f"Tax number of {party}.", nullable=True),
        _text(f"{prefix}_party_email", f"E-mail address of {party}.", nullable=True),
    ]


organisation = Table(
    "szo_organisation",
    metadata,
    Column(
        "id",
        Text,
        primary_key=True,
        comment="The organisation's id (the organisation_id of its records).",
    ),
    _text("kind", "kindergarten, school, care_home or dormitory."),
    _text("name", "The name printed on invoices, slips and SEPA files."),
    *_address("address", "the organisation"),
    _text("tax_number", "Slovenian tax number (davčna številka)."),
    _text("registration_number", "Registration number (matična številka, 7 or 10 digits)."),
    _text("creditor_id", "SEPA creditor identifier; empty when it collects no direct debits."),
    Column(
        "budget_user",
        Boolean,
        nullable=False,
        comment="True for a budget user that pays and collects through UJP (pain.008.001.02).",
    ),
    _text("reference_scheme", "Payment reference model of its invoices: SI12 or RF."),
    _text("invoice_prefix", "Prefix of invoice numbers (may be empty)."),
    _text("credit_note_prefix", "Prefix of credit-note numbers (D by default)."),
    Column(
        "debit_day", Integer, nullable=False, comment="Default day of the month for direct debits."
    ),
    _text("purpose_code", "UPN purpose code of its slips (e.g. OTLC)."),
    _text("email", "Contact e-mail address; empty when none."),
    Column(
        "host_municipality",
        Integer,
        nullable=True,
        comment="Code of the founding (host) municipality; NULL to infer it from the children.",
    ),
    Column(
        "sms_letters",
        Text,
        nullable=False,
        server_default="keep",
        comment=(
            "Slovenian letters in SMS texts: keep (UCS-2) or transliterate (GSM-7); migration 0009."
        ),
    ),
    _version(),
    comment="The organisations that bill: one row per organisation, without its accounts.",
)
"""Organisations (:class:`~szo_core.model.Organisation`) without their accounts (migration 0007)."""

organisation_account = Table(
    "szo_organisation_account",
    metadata,
    Column(
        "organisation_id",
        Text,
        primary_key=True,
        comment="The organisation the account belongs to.",
    ),
    Column(
        "position",
        Integer,
        primary_key=True,
        autoincrement=False,
        comment="Order of the account; 0 is the default.",
    ),
    _text("iban", "The account's IBAN."),
    _text("bic", "The BIC of the account's bank."),
    _text("bank", "The bank's name."),
    ForeignKeyConstraint(["organisation_id"], ["szo_organisation.id"], ondelete="CASCADE"),
    comment="An organisation's bank accounts in order, the default first.",
)
"""An organisation's accounts in order, the default first (owned by ``szo_organisation``)."""

guardian = Table(
    "szo_guardian",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The guardian's id within the organisation."),
    _text("first_name", "First name."),
    _text("last_name", "Last name."),
    *_address("address", "the guardian's address"),
    _text("emso", "EMŠO (personal identification number); empty when unknown."),
    _text("tax_number", "Slovenian tax number (davčna številka); empty when unknown."),
    _text("iban", "The guardian's bank account (IBAN); empty when unknown."),
    _text("email", "E-mail address; empty when unknown."),
    _text("phone", "Telephone number; empty when unknown."),
    _version(),
    comment=("Guardians (parents and other legal guardians) of children; one row per guardian."),
)
"""Guardians (:class:`~szo_core.model.Guardian`)."""

program = Table(
    "szo_program",
    metadata,
    _org(),
    Column("code", Text, primary_key=True, comment="The program's code within the organisation."),
    _text("name", "The program's name."),
    # Added by migration 0004: existing programs are regular.
    Column(
        "kind",
        Text,
        nullable=False,
        server_default="regular",
        comment=(
            "regular, developmental_unit (razvojni oddelek) or private: what the "
            "parents' share is based on."
        ),
    ),
    _version(),
    comment=(
        "Programs (a kindergarten's price classes, such as the first and second"
        " age group), without their prices."
    ),
)
"""Programs (:class:`~szo_core.model.Program`) without their prices and reference program."""

program_price = Table(
    "szo_program_price",
    metadata,
    _org(),
    Column("program_code", Text, primary_key=True, comment="The program (szo_program)."),
    Column("valid_from", Date, primary_key=True, comment="The first day the price holds."),
    Column(
        "monthly",
        ExactDecimal,
        nullable=False,
        comment="The full monthly price in euros (the economic price, before any shares).",
    ),
    Column(
        "food_per_day",
        ExactDecimal,
        nullable=False,
        comment="The food cost per day in euros, deducted for announced absences.",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        ondelete="CASCADE",
    ),
    comment=("A program's dated monthly prices: each row holds from its day until the next row's."),
)
"""A program's dated prices (owned by ``szo_program``)."""

program_reference = Table(
    "szo_program_reference",
    metadata,
    _org(),
    Column(
        "program_code",
        Text,
        primary_key=True,
        comment="The program (szo_program) that refers to another.",
    ),
    _text("reference_program", "The program (szo_program) whose price is the reference."),
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
    comment=(
        "The reference program of a developmental unit or a private program, "
        "whose price the shares are computed from; a regular program has no "
        "row."
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
    Column(
        "kind",
        Text,
        primary_key=True,
        comment=(
            "What is locked: program (a program's prices), school_meals or care_home "
            "(the organisation's settings); migration 0019."
        ),
    ),
    Column(
        "code",
        Text,
        primary_key=True,
        comment="The program's code, or settings for the organisation's settings.",
    ),
    Column(
        "program_code",
        Text,
        nullable=True,
        comment="The program (szo_program) of a program lock (= code); NULL for the others.",
    ),
    Column(
        "locked_through",
        Date,
        nullable=False,
        comment="The last day of the latest closed month that used the prices.",
    ),
    _text("billing_run_id", "The closing billing run that set the lock."),
    ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    CheckConstraint(
        "(kind = 'program' AND program_code IS NOT NULL AND program_code = code) OR "
        "(kind <> 'program' AND program_code IS NULL)",
        name="ck_szo_price_lock_program",
    ),
    comment=(
        "How far prices are locked by closed billing months, by kind and code (a "
        "program's prices, a school's or care home's settings): a price valid "
        "before then can no longer change."
    ),
)
"""How far prices are locked by closed billing months, by kind and code
(:class:`~szo_core.ports.PriceLocks`, :class:`~szo_core.fees.locks.LockKind`);
the latest closing run's id.  A program lock refers to its program."""

group = Table(
    "szo_group",
    metadata,
    _org(),
    Column("code", Text, primary_key=True, comment="The group's code within the organisation."),
    _text("name", "The group's name."),
    _text("program_code", "The group's usual program (szo_program), or NULL.", nullable=True),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "program_code"],
        ["szo_program.organisation_id", "szo_program.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    comment="Groups (oddelki) of children.",
)
"""Groups (:class:`~szo_core.model.Group`)."""

regresor = Table(
    "szo_regresor",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The regresor's id within the organisation."),
    _text("name", "The regresor's name."),
    Column(
        "municipality_code",
        Integer,
        nullable=True,
        comment="The municipality's code (1 to 213) when the regresor is a municipality.",
    ),
    *_address("address", "the regresor's address"),
    _text("tax_number", "The regresor's tax number."),
    _text("email", "The regresor's e-mail address for invoices."),
    _version(),
    comment=(
        "Regresors: municipalities or other bodies that pay the rest of a "
        "child's price (plačnik razlike)."
    ),
)
"""Regresors (:class:`~szo_core.model.Regresor`)."""

child = Table(
    "szo_child",
    metadata,
    _org(),
    Column(
        "code",
        BigInteger,
        primary_key=True,
        autoincrement=False,
        comment=(
            "The child's code (šifra) within the organisation, shared with payment references."
        ),
    ),
    _text("first_name", "First name."),
    _text("last_name", "Last name."),
    _text("sex", "Sex as recorded (M or F), or NULL when unknown.", nullable=True),
    Column("birth_date", Date, nullable=True, comment="Date of birth, or NULL when unknown."),
    _text("birth_place", "Place of birth."),
    _text("emso", "EMŠO (personal identification number); empty when unknown."),
    _text("tax_number", "The child's tax number; empty when unknown."),
    _text("citizenship", "Citizenship."),
    *_address("permanent", "the permanent address (stalno prebivališče)"),
    *_address(
        "temporary",
        "the temporary address (začasno prebivališče); all NULL when none",
        nullable=True,
    ),
    Column(
        "municipality_code",
        Integer,
        nullable=True,
        comment=(
            "Municipality of residence of the first (open-ended) entry of the "
            "residence history; NULL when unknown."
        ),
    ),
    _text(
        "regresor_id",
        ("Regresor (szo_regresor) of the first entry of the residence history, or NULL."),
        nullable=True,
    ),
    Column(
        "adapted_program",
        Boolean,
        nullable=False,
        comment="The child is in an adapted program (reported to CEUVIZ).",
    ),
    Column(
        "special_needs",
        Boolean,
        nullable=False,
        comment="The child has special needs (otrok s posebnimi potrebami).",
    ),
    Column(
        "companion",
        Boolean,
        nullable=False,
        comment="The child has a companion (spremljevalec, an extra teacher).",
    ),
    _text("card_number", "Attendance card number; may repeat (the registry warns)."),
    _text(
        "employee_id",
        "Link to an employee record (a child of an employee), or NULL.",
        nullable=True,
    ),
    _text("contract_number", "Number of the enrollment contract."),
    Column(
        "contract_signed_on", Date, nullable=True, comment="Day the contract was signed, or NULL."
    ),
    Column("contract_ends_on", Date, nullable=True, comment="Day the contract ends, or NULL."),
    Column(
        "enrollment_date",
        Date,
        nullable=True,
        comment="First day of enrollment (billed inclusive), or NULL.",
    ),
    Column(
        "exit_date",
        Date,
        nullable=True,
        comment="Last day of enrollment (izpis; billed inclusive), or NULL.",
    ),
    Column("exit_notice_on", Date, nullable=True, comment="Day the exit was announced, or NULL."),
    Column(
        "parents_taxpayers",
        Boolean,
        nullable=False,
        server_default=true(),
        comment=(
            "Parents' tax status of the first entry of the tax-status history "
            "(FALSE: the non-taxpayer coefficient applies)."
        ),
    ),
    Column(
        "family_order",
        Integer,
        nullable=True,
        comment="The child's order among the family's children (1 the eldest), or NULL.",
    ),
    Column(
        "newcomer",
        Boolean,
        nullable=False,
        comment="Enrolled for the first time this school year (novinec).",
    ),
    Column(
        "went_to_other_kindergarten",
        Boolean,
        nullable=False,
        comment="Left for another kindergarten.",
    ),
    Column("inactive", Boolean, nullable=False, comment="Kept for history only; not billed."),
    _text("notes", "Internal notes."),
    _text("printable_notes", "Notes printed on lists (allergies, diet)."),
    *_payer("payer", "the payer of the child's invoices"),
    *_payer("applicant", "the applicant (vlagatelj) of the decision"),
    _text("payment_kind", "How the parents pay: upn (slip) or direct_debit (SEPA)."),
    _text(
        "mandate_bank",
        "SEPA mandate: the debtor's bank name, or NULL without a mandate.",
        nullable=True,
    ),
    _text("mandate_iban", "SEPA mandate: the debtor's IBAN, or NULL.", nullable=True),
    Column(
        "mandate_debit_day",
        Integer,
        nullable=True,
        comment="SEPA mandate: day of the month of the debit, or NULL.",
    ),
    _text(
        "mandate_reference", "SEPA mandate: the mandate reference (UMR), or NULL.", nullable=True
    ),
    Column(
        "mandate_signed_on", Date, nullable=True, comment="SEPA mandate: day of signature, or NULL."
    ),
    _text(
        "mandate_creditor_id",
        "SEPA mandate: the creditor identifier, or NULL for the organisation's own.",
        nullable=True,
    ),
    _text("delivery_kind", "How invoices reach the payer: print, email_pdf or e_invoice."),
    _text("delivery_email", "E-mail address for invoices sent by e-mail."),
    _text("delivery_iban", "The payer's IBAN for e-invoices (eRačun)."),
    Column(
        "contact_email",
        Text,
        nullable=False,
        server_default="",
        comment="E-mail address on the child's contact: gets a copy of e-mailed invoices; "
        "migration 0011.",
    ),
    Column(
        "payment_group_lead",
        BigInteger,
        nullable=True,
        comment=(
            "The child (szo_child.code) whose invoice also carries this child's "
            "(merged payment), or NULL."
        ),
    ),
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
    comment=(
        "Children with their personal data, enrollment, payment and delivery "
        "settings; group history and guardian links are owned tables."
    ),
)
"""Children (:class:`~szo_core.model.Child`) without their group history and guardian links."""

child_group = Table(
    "szo_child_group",
    metadata,
    _org(),
    Column(
        "child_code",
        BigInteger,
        primary_key=True,
        autoincrement=False,
        comment="The child (szo_child).",
    ),
    Column("valid_from", Date, primary_key=True, comment="First day of the assignment."),
    _text("group_code", "The group (szo_group)."),
    _text("program_code", "The program (szo_program) billed."),
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
    comment=(
        "A child's dated group and program assignments (owned by szo_child): "
        "each row holds until the next."
    ),
)
"""A child's dated group assignments (owned by ``szo_child``)."""

child_residence = Table(
    "szo_child_residence",
    metadata,
    _org(),
    Column(
        "child_code",
        BigInteger,
        primary_key=True,
        autoincrement=False,
        comment="The child (szo_child).",
    ),
    Column("valid_from", Date, primary_key=True, comment="Day of the move."),
    Column(
        "municipality_code",
        Integer,
        nullable=True,
        comment="Municipality of residence from that day, or NULL when unknown.",
    ),
    _text("regresor_id", "Regresor (szo_regresor) from that day, or NULL.", nullable=True),
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
    comment=(
        "A child's dated moves (owned by szo_child): municipality of residence "
        "and regresor from a day on."
    ),
)
"""A child's dated residence changes (owned by ``szo_child``)."""

child_taxpayer = Table(
    "szo_child_taxpayer",
    metadata,
    _org(),
    Column(
        "child_code",
        BigInteger,
        primary_key=True,
        autoincrement=False,
        comment="The child (szo_child).",
    ),
    Column("valid_from", Date, primary_key=True, comment="Day the status changes."),
    Column(
        "taxpayers",
        Boolean,
        nullable=False,
        comment="The parents are taxpayers in Slovenia from that day.",
    ),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        ondelete="CASCADE",
    ),
    comment="A child's dated changes of the parents' tax status (owned by szo_child).",
)
"""A child's dated changes of the parents' tax status (owned by ``szo_child``)."""

child_guardian = Table(
    "szo_child_guardian",
    metadata,
    _org(),
    Column(
        "child_code",
        BigInteger,
        primary_key=True,
        autoincrement=False,
        comment="The child (szo_child).",
    ),
    Column(
        "position",
        Integer,
        primary_key=True,
        autoincrement=False,
        comment="Order of the link (0 first).",
    ),
    _text("guardian_id", "The guardian (szo_guardian)."),
    _text("kind", "The guardian's relation to the child: mother, father, guardian or other."),
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
    comment="A child's links to guardians, in order (owned by szo_child).",
)
"""A child's links to guardians, in order (owned by ``szo_child``)."""

decision = Table(
    "szo_decision",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The decision's id within the organisation."),
    Column("child_code", BigInteger, nullable=False, comment="The child (szo_child)."),
    _text("number", "The decision's number as issued by the social work centre."),
    Column(
        "coefficient",
        ExactDecimal,
        nullable=False,
        comment="The parents' share of the price (0 to 1, e.g. 0.35 for 35 %).",
    ),
    Column("valid_from", Date, nullable=False, comment="First day it applies."),
    Column(
        "valid_to", Date, nullable=True, comment="Last day it applies, or NULL while open-ended."
    ),
    _text("regresor_id", "Regresor (szo_regresor) named in the decision, or NULL.", nullable=True),
    Column(
        "sibling_order",
        Integer,
        nullable=True,
        comment="The child's order among siblings for the sibling rules, or NULL.",
    ),
    Column(
        "state_financed",
        Boolean,
        nullable=False,
        comment="The state pays the parents' share (a second or later sibling).",
    ),
    Column(
        "payment_class",
        Integer,
        nullable=True,
        comment="Income class (plačilni razred) of the decision, or NULL.",
    ),
    Column("issued_on", Date, nullable=True, comment="Day the decision was issued, or NULL."),
    _text("supersedes", "The decision (szo_decision) this one replaces, or NULL.", nullable=True),
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
    comment=(
        "Decisions on reduced payment (odločbe): the parents' share of the price from a day on."
    ),
)
"""Decisions on reduced payment (:class:`~szo_core.model.Decision`)."""

decision_lock = Table(
    "szo_decision_lock",
    metadata,
    _org(),
    Column("decision_id", Text, primary_key=True, comment="The decision (szo_decision)."),
    _text("billing_run_id", "The closing billing run."),
    ForeignKeyConstraint(
        ["organisation_id", "decision_id"],
        ["szo_decision.organisation_id", "szo_decision.id"],
        deferrable=True,
        initially="DEFERRED",
    ),
    comment=("Decisions used by a closed billing run: they can no longer be changed or removed."),
)
"""Decisions used by a closed billing run (they can no longer be changed or removed)."""

reservation = Table(
    "szo_reservation",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The reservation's id within the organisation."),
    Column("child_code", BigInteger, nullable=False, comment="The child (szo_child)."),
    _text("kind", "summer or sick."),
    Column("start_date", Date, nullable=False, comment="First day (inclusive)."),
    Column("end_date", Date, nullable=False, comment="Last day (inclusive)."),
    Column("announced_on", Date, nullable=True, comment="Day it was announced, or NULL."),
    Column("doctor_note", Boolean, nullable=False, comment="A doctor's note was brought."),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    Index(None, "organisation_id", "child_code"),
    Index(None, "organisation_id", "start_date"),
    comment=(
        "Reservations (rezervacije): announced summer or sick leave, billed at the reduced rate."
    ),
)
"""Reservations (:class:`~szo_core.model.Reservation`)."""

absence = Table(
    "szo_absence",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The absence's id within the organisation."),
    Column("child_code", BigInteger, nullable=False, comment="The child (szo_child)."),
    Column("start_date", Date, nullable=False, comment="First day (inclusive)."),
    Column("end_date", Date, nullable=False, comment="Last day (inclusive)."),
    Column(
        "announced_at",
        DateTime(timezone=False),
        nullable=True,
        comment=(
            "When it was announced (local time for a naive value, UTC for an aware one), or NULL."
        ),
    ),
    # UTC offset of an aware ``announced_at`` in microseconds; NULL for a naive one.
    Column(
        "announced_utc_offset",
        BigInteger,
        nullable=True,
        comment="UTC offset of an aware announced_at, in microseconds; NULL for a naive one.",
    ),
    Column("doctor_note", Boolean, nullable=False, comment="A doctor's note was brought."),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "child_code"],
        ["szo_child.organisation_id", "szo_child.code"],
        deferrable=True,
        initially="DEFERRED",
    ),
    Index(None, "organisation_id", "child_code"),
    Index(None, "organisation_id", "start_date"),
    comment="Absences of a child, for food deductions.",
)
"""Absences (:class:`~szo_core.model.Absence`); an aware time keeps its UTC offset."""

message_template = Table(
    "szo_message_template",
    metadata,
    _org(),
    Column(
        "key",
        Text,
        primary_key=True,
        comment="What the message is, dotted (invoice.email, booking.confirmed.sms).",
    ),
    Column("language", Text, primary_key=True, comment="Language of the template: sl or en."),
    Column(
        "version",
        BigInteger,
        primary_key=True,
        autoincrement=False,
        comment="Version of the template: 1, 2, 3 ...; a version is never changed.",
    ),
    Column("channel", Text, nullable=False, comment="email or sms."),
    Column("subject", Text, nullable=False, comment="E-mail subject (Jinja2); empty for SMS."),
    Column("html_body", Text, nullable=False, comment="E-mail HTML body (Jinja2); empty for SMS."),
    Column(
        "text_body",
        Text,
        nullable=False,
        comment="E-mail text body (Jinja2); empty to derive it from the HTML body.",
    ),
    Column(
        "sms_text",
        Text,
        nullable=False,
        comment="SMS text in the plain ((placeholder)) mode; empty for e-mail.",
    ),
    Column(
        "fields",
        Text,
        nullable=False,
        comment="The declared fields as a JSON array of {name, type, example, required, "
        "description}.",
    ),
    Column("description", Text, nullable=False, comment="A note for administrators."),
    comment="Message templates, one row per saved version; the latest version is used.",
)
"""Template versions (:class:`~szo_core.templates.model.MessageTemplate`)."""


outbox = Table(
    "szo_outbox",
    metadata,
    _org(),
    Column(
        "id",
        Text,
        primary_key=True,
        comment="32 hex digits of a SHA-256 of the organisation and the idempotency key.",
    ),
    Column("event", Text, nullable=False, comment="The event of the idempotency key."),
    Column(
        "recipient",
        Text,
        nullable=False,
        comment="The recipient of the idempotency key (personal data, like the payload).",
    ),
    Column("channel", Text, nullable=False, comment="email or sms."),
    Column(
        "payload",
        Text,
        nullable=False,
        comment="The message to send as JSON (attachments in base64).",
    ),
    Column(
        "message_id",
        Text,
        nullable=False,
        comment="The Message-ID (e-mail) or client reference (SMS) of every attempt.",
    ),
    Column("template_key", Text, nullable=True, comment="The template that rendered it, or NULL."),
    Column(
        "template_version",
        Integer,
        nullable=True,
        comment="The version of the template that rendered it, or NULL.",
    ),
    Column(
        "state",
        Text,
        nullable=False,
        comment="queued, sending, sent, failed or given_up.",
    ),
    Column(
        "attempts",
        Integer,
        nullable=False,
        comment="How many times a dispatcher claimed it.",
    ),
    Column(
        "next_attempt_at",
        DateTime,
        nullable=False,
        comment="UTC. Queued: when it is due; sending: when the lease ends; "
        "final: the last change.",
    ),
    Column(
        "last_error_code",
        Text,
        nullable=True,
        comment="Code of the last failure (smtp.451, smtp.connection, ...), or NULL.",
    ),
    Column(
        "last_error_detail",
        Text,
        nullable=False,
        comment="Text of the last failure for the operator, never an address or a number.",
    ),
    Column("created_at", DateTime, nullable=False, comment="UTC. When it was stored."),
    Column(
        "sent_at",
        DateTime,
        nullable=True,
        comment="UTC. When the server accepted it, or NULL.",
    ),
    Index("ix_szo_outbox_state_next_attempt_at", "state", "next_attempt_at"),
    comment="Messages stored to be sent (the outbox): one row per idempotency key.",
)
"""The outbox (:mod:`szo_core.adapters.sql.outbox`): one row per message stored to be sent."""


# -- Operator messaging (szo_core.messaging, migration 0013_messaging) -----------------------

messaging_settings = Table(
    "szo_messaging_settings",
    metadata,
    _org(),
    Column("enabled", Boolean, nullable=False, comment="Whether operators may send messages."),
    Column(
        "email_copies",
        Boolean,
        nullable=False,
        comment="Whether recipients with an address also get each message by e-mail.",
    ),
    _text(
        "smtp_host", "SMTP server of the e-mail copies; NULL: no sending settings.", nullable=True
    ),
    Column(
        "smtp_port",
        Integer,
        nullable=True,
        comment="SMTP port; NULL: the usual one of the security (25, 587, 465).",
    ),
    _text("smtp_security", "none, starttls or tls; NULL with no sending settings.", nullable=True),
    _text(
        "smtp_username", "SMTP login ('' for none); the password is never stored.", nullable=True
    ),
    _text(
        "sender", "From address of the e-mail copies (personal data if a person's).", nullable=True
    ),
    _text("sender_name", "Display name shown with the From address.", nullable=True),
    _version(),
    comment="Messaging settings of an organisation: on/off, e-mail copies, SMTP settings.",
)
"""Messaging settings (:mod:`szo_core.adapters.sql.messaging`), one row per organisation."""

messaging_operator = Table(
    "szo_messaging_operator",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The operator's id (the app's user id)."),
    _text("name", "The name shown as sender and recipient."),
    _text("email", "Address for e-mail copies ('' for none; personal data)."),
    Column(
        "active", Boolean, nullable=False, comment="Inactive operators neither send nor receive."
    ),
    _text("departments", "JSON list of the departments (oddelki) whose notes the notice counts."),
    _version(),
    comment="Operators (staff) who send and receive messages.",
)
"""Operators (:class:`szo_core.messaging.records.Operator`)."""

messaging_message = Table(
    "szo_messaging_message",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The message's id."),
    _text("sender_id", "The operator who sent it."),
    _text("recipient_ids", "JSON list of the confirmed recipients' ids, in order."),
    _text("subject", "The subject (plain text)."),
    _text("body_html", "The body, sanitised to the allow-list (nh3)."),
    _text("body_text", "The body's plain-text alternative."),
    Column("sent_at", DateTime, nullable=False, comment="UTC. When it was sent."),
    _text("thread_id", "The first message of its thread (its own id for a new one)."),
    _text("parent_id", "The message it replies to or forwards; NULL for a new one.", nullable=True),
    _text("kind", "new, reply, reply_all or forward."),
    _text("language", "sl or en: the language of its prefixes and quotes."),
    _text("attachments", "JSON list of the attached files: id (SHA-256), name, type, size."),
    _text("note_id", "The department note it was pre-filled from, or NULL.", nullable=True),
    Index("ix_szo_messaging_message_thread", "organisation_id", "thread_id", "sent_at"),
    comment="Messages between operators, as sent (one row per message).",
)
"""Messages (:class:`szo_core.messaging.records.Message`)."""

messaging_entry = Table(
    "szo_messaging_entry",
    metadata,
    _org(),
    Column("operator_id", Text, primary_key=True, comment="Whose copy of the message."),
    Column("message_id", Text, primary_key=True, comment="The message (szo_messaging_message)."),
    Column("folder", Text, primary_key=True, comment="inbox (a recipient) or sent (the sender)."),
    Column(
        "sent_at", DateTime, nullable=False, comment="UTC. The message's time (views sort by it)."
    ),
    Column(
        "read_at",
        DateTime,
        nullable=True,
        comment="UTC. When this operator read it; NULL: unread.",
    ),
    Column("archived", Boolean, nullable=False, comment="Moved into this operator's archive."),
    _text("copy_state", "E-mail copy: none, queued, no_address or no_smtp."),
    _text(
        "copy_outbox_id", "The outbox message (szo_outbox.id) of the copy, or NULL.", nullable=True
    ),
    ForeignKeyConstraint(
        ["organisation_id", "message_id"],
        ["szo_messaging_message.organisation_id", "szo_messaging_message.id"],
        ondelete="CASCADE",
    ),
    Index(
        "ix_szo_messaging_entry_view",
        "organisation_id",
        "operator_id",
        "folder",
        "archived",
        "sent_at",
        "message_id",
    ),
    Index("ix_szo_messaging_entry_unread", "organisation_id", "operator_id", "folder", "read_at"),
    Index("ix_szo_messaging_entry_message", "organisation_id", "message_id"),
    comment="Mailbox entries: one operator's copy of a message (inbox or sent), "
    "read and archived per operator.",
)
"""Mailbox entries (:class:`szo_core.messaging.records.MailboxEntry`)."""

messaging_note = Table(
    "szo_messaging_note",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The note's id."),
    _text("kind", "instruction (navodilo oddelku) or observation (opažanje)."),
    _text("author_id", "The operator who wrote it."),
    Column("written_at", DateTime, nullable=False, comment="UTC. When it was written."),
    _text("department", "The department (oddelek)."),
    _text("resident", "The resident it is about (personal data; '' for none)."),
    _text("text", "The note's text (plain)."),
    _version(),
    Index("ix_szo_messaging_note_written_at", "organisation_id", "written_at"),
    comment="Department instructions (navodila oddelkom) and observations (opažanja).",
)
"""Department notes (:class:`szo_core.messaging.records.DepartmentNote`)."""

messaging_notes_seen = Table(
    "szo_messaging_notes_seen",
    metadata,
    _org(),
    Column("operator_id", Text, primary_key=True, comment="The operator."),
    Column(
        "seen_at",
        DateTime,
        nullable=False,
        comment="UTC. The operator's last login notice: notes after it are new.",
    ),
    comment="When each operator last saw the department notes (the login notice).",
)
"""When each operator last saw the notes."""


# --------------------------------------------------------------------------- receivables
# The receivables ledger (szo_core.receivables, adapter szo_core.adapters.sql.receivables,
# migration 0016_receivables).

receivable_item = Table(
    "szo_receivable_item",
    metadata,
    _org(),
    Column(
        "document",
        Text,
        primary_key=True,
        comment="Number of the invoice or credit note (2026-000007, D2026-000002).",
    ),
    _text("payer_id", "Who pays (guardian:<id>, party:<name>, child:<code>)."),
    _text("kind", "invoice or credit_note."),
    Column(
        "amount",
        ExactDecimal,
        nullable=False,
        comment="Positive for an invoice (a debit), negative for a credit note.",
    ),
    Column("issued_on", Date, nullable=False, comment="The document's issue date."),
    Column("due_on", Date, nullable=False, comment="The due date (a credit note: its issue date)."),
    _text("reference", "The invoice's own reference (SI12/RF, compact), or NULL.", nullable=True),
    _text(
        "group_reference",
        "The merged payment group's reference shared by its invoices, or NULL.",
        nullable=True,
    ),
    _text(
        "end_to_end_id",
        "The payment instruction's id (the direct debit's end-to-end id), or NULL.",
        nullable=True,
    ),
    Column("child_code", BigInteger, nullable=True, comment="The child, or NULL."),
    _text("mandate_id", "The direct-debit mandate, or NULL.", nullable=True),
    _text("payer_iban", "The payer's IBAN where known (personal data), or ''."),
    Index(None, "organisation_id", "payer_id"),
    comment="Receivables ledger: one row per invoice (debit) or credit note (credit).",
)
"""Ledger items (:class:`~szo_core.receivables.records.LedgerItem`)."""

receivable_posting = Table(
    "szo_receivable_posting",
    metadata,
    _org(),
    Column(
        "id",
        Text,
        primary_key=True,
        comment="The bank entry's id and the posting's place (<entry>:1).",
    ),
    _text("payer_id", "Whose account."),
    _text("document", "The ledger item it applies to; NULL: the payer's credit.", nullable=True),
    _text("kind", "payment, return, reject or credit_applied."),
    Column(
        "amount",
        ExactDecimal,
        nullable=False,
        comment="Signed like the items: negative lowers what the payer owes.",
    ),
    Column("booked_on", Date, nullable=False, comment="The bank's booking date."),
    _text("entry_id", "The bank entry (szo_bank_receipt) it came from."),
    _text("end_to_end_id", "The payment's end-to-end id, or NULL.", nullable=True),
    _text(
        "reason", "A return's or reject's reason code (AC04, AM04, ...), or NULL.", nullable=True
    ),
    Index(None, "organisation_id", "payer_id"),
    comment="Receivables ledger: payments, returns and rejects posted to payers' accounts.",
)
"""Postings (:class:`~szo_core.receivables.records.Posting`)."""

bank_receipt = Table(
    "szo_bank_receipt",
    metadata,
    _org(),
    Column(
        "entry_id",
        Text,
        primary_key=True,
        comment="The bank entry's stable id: the idempotency key of the import.",
    ),
    _text("source", "The file kind (camt.053.001.02, pain.002.001.03, ...)."),
    _text("status", "matched, suggested, unmatched, returned, rejected or not_a_payment."),
    Column("amount", ExactDecimal, nullable=False, comment="The entry's amount, positive."),
    Column("booked_on", Date, nullable=False, comment="Booking date (a reject: the report's)."),
    _text("payer_name", "The payer's name on the statement (personal data)."),
    _text("payer_iban", "The payer's IBAN on the statement (personal data), or ''."),
    _text("reference", "The reference found, compact, or NULL.", nullable=True),
    _text("end_to_end_id", "The end-to-end id, or NULL.", nullable=True),
    _text("reason", "A return's or reject's reason code, or NULL.", nullable=True),
    _text("payer_id", "The payer it was matched or suggested to, or NULL.", nullable=True),
    _text("documents", "The items it was applied or suggested to, separated by spaces."),
    _text("how", "reference, end_to_end, amount_iban, confirmed, or ''."),
    Index(None, "organisation_id", "status"),
    comment="Bank entries and pain.002 rejects as imported, with what matching made of them.",
)
"""Receipts (:class:`~szo_core.receivables.records.Receipt`)."""

mandate_flag = Table(
    "szo_mandate_flag",
    metadata,
    _org(),
    Column(
        "entry_id",
        Text,
        primary_key=True,
        comment="The reject or return that raised the flag.",
    ),
    _text("payer_id", "The payer."),
    _text("mandate_id", "The mandate, where known, or NULL.", nullable=True),
    _text("reason", "The reason code (AC04, MD01, ...)."),
    Column("flagged_on", Date, nullable=False, comment="The date of the reject or return."),
    comment="Mandates a reject or return said cannot be used again as they are.",
)
"""Mandate flags (:class:`~szo_core.receivables.records.MandateFlag`)."""

reminder = Table(
    "szo_reminder",
    metadata,
    _org(),
    Column("document", Text, primary_key=True, comment="The ledger item reminded of."),
    Column("level", Integer, primary_key=True, comment="1: first reminder, 2: second."),
    _text("payer_id", "The payer."),
    Column("sent_on", Date, nullable=False, comment="The day it was made."),
    Column("open_amount", ExactDecimal, nullable=False, comment="What was open that day."),
    Column(
        "interest",
        ExactDecimal,
        nullable=False,
        comment="Default interest to that day, rounded half-up to cents.",
    ),
    comment="Reminders (opomini) sent, one per item and level.",
)
"""Reminders (:class:`~szo_core.receivables.records.Reminder`)."""


# Citizen notifications (szo_core.notify; migration 0014_notify). Times are UTC without a zone.
notify_event_type = Table(
    "szo_notify_event_type",
    metadata,
    _org(),
    Column("code", Text, primary_key=True, comment="The event type's code (zadeva.dodelitev)."),
    Column(
        "version",
        BigInteger,
        primary_key=True,
        autoincrement=False,
        comment="Version of the catalogue entry: 1, 2, 3 ...; a version is never changed.",
    ),
    Column("name", Text, nullable=False, comment="The event type's name in Slovenian."),
    Column("name_en", Text, nullable=False, comment="Its name in English, or empty."),
    Column("event_class", Text, nullable=False, comment="internal, notifiable or key."),
    Column(
        "fields",
        Text,
        nullable=False,
        comment="The declared fields as a JSON array of {name, type, example, required, "
        "description}.",
    ),
    Column("description", Text, nullable=False, comment="A note for administrators."),
    Column(
        "templates",
        Text,
        nullable=False,
        comment="The template versions used, as a JSON array of [channel, language, version].",
    ),
    Column("changed_at", DateTime, nullable=False, comment="UTC. When this version was saved."),
    Column(
        "changed_by", Text, nullable=False, comment="Who saved this version (an official's id)."
    ),
    comment="The event catalogue of citizen notifications: one row per version of an event type.",
)
"""Event type versions (:class:`~szo_core.notify.catalogue.EventType`)."""

notify_subscription = Table(
    "szo_notify_subscription",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The subscription's id."),
    Column(
        "person_id",
        Text,
        nullable=False,
        comment="The citizen's id in the document system (opaque; not an EMŠO).",
    ),
    Column(
        "case_id",
        Text,
        nullable=True,
        comment="The case subscribed to, or NULL for all of the person's cases.",
    ),
    Column("email", Text, nullable=True, comment="E-mail address (normalised; personal data)."),
    Column("mobile", Text, nullable=True, comment="Mobile number in E.164 (personal data)."),
    Column(
        "channels", Text, nullable=False, comment="The channels wanted: email, sms, comma-joined."
    ),
    Column("preference", Text, nullable=False, comment="all or key_only."),
    Column("language", Text, nullable=False, comment="Language of the messages: sl or en."),
    Column(
        "source",
        Text,
        nullable=False,
        comment="How it was made: in_person, written or portal (qualified certificate).",
    ),
    Column("active", Boolean, nullable=False, comment="False once unsubscribed."),
    Column("email_confirmed", Boolean, nullable=False, comment="The e-mail address is confirmed."),
    Column("mobile_confirmed", Boolean, nullable=False, comment="The mobile number is confirmed."),
    Column("created_at", DateTime, nullable=False, comment="UTC. When it was made."),
    _version(),
    Index(None, "organisation_id", "person_id"),
    comment="Citizens' subscriptions to notifications about a case or all of their cases.",
)
"""Subscriptions (:class:`~szo_core.notify.records.Subscription`)."""

notify_consent = Table(
    "szo_notify_consent",
    metadata,
    _org(),
    Column("subscription_id", Text, primary_key=True, comment="The subscription."),
    Column(
        "seq",
        BigInteger,
        primary_key=True,
        autoincrement=False,
        comment="1, 2, 3 ... per subscription.",
    ),
    Column("at", DateTime, nullable=False, comment="UTC. When the change was made."),
    Column("what", Text, nullable=False, comment="What changed (subscribed, preference, ...)."),
    Column("source", Text, nullable=False, comment="How: in_person, written, portal or link."),
    Column("actor", Text, nullable=False, comment="Who: citizen:<id>, official:<id>, link, code."),
    Column("preference", Text, nullable=False, comment="The preference after the change."),
    Column("channels", Text, nullable=False, comment="The channels after the change."),
    Column("active", Boolean, nullable=False, comment="Whether it was active after the change."),
    Column("email", Text, nullable=True, comment="The address after the change (personal data)."),
    Column("mobile", Text, nullable=True, comment="The number after the change (personal data)."),
    comment="The consent history of notification subscriptions: entries are only added.",
)
"""Consent history (:class:`~szo_core.notify.records.ConsentChange`)."""

notify_confirmation = Table(
    "szo_notify_confirmation",
    metadata,
    _org(),
    Column("subscription_id", Text, primary_key=True, comment="The subscription."),
    Column("channel", Text, primary_key=True, comment="email or sms."),
    Column(
        "address",
        Text,
        nullable=False,
        comment="The address or number being confirmed (personal data).",
    ),
    Column(
        "code_hash",
        Text,
        nullable=False,
        comment="HMAC-SHA256 of the code, bound to the subscription, channel and address.",
    ),
    Column("expires_at", DateTime, nullable=False, comment="UTC. When the code stops working."),
    Column("attempts", Integer, nullable=False, comment="Wrong codes entered so far."),
    Column("used", Boolean, nullable=False, comment="True once confirmed (a code works once)."),
    Column("created_at", DateTime, nullable=False, comment="UTC. When the code was issued."),
    comment="Open confirmations of a subscription's new address or number.",
)
"""Confirmations (:class:`~szo_core.notify.records.Confirmation`)."""

notify_delivery = Table(
    "szo_notify_delivery",
    metadata,
    _org(),
    Column("event_id", Text, primary_key=True, comment="The event (from the document system)."),
    Column("subscription_id", Text, primary_key=True, comment="The subscription (the recipient)."),
    Column("channel", Text, primary_key=True, comment="email or sms."),
    Column("case_id", Text, nullable=False, comment="The event's case."),
    Column("event_code", Text, nullable=False, comment="The event type's code."),
    Column(
        "event_version",
        BigInteger,
        nullable=False,
        comment="The event type's version that decided it.",
    ),
    Column("event_class", Text, nullable=False, comment="internal, notifiable or key."),
    Column("occurred_at", DateTime, nullable=False, comment="UTC. When the event happened."),
    Column(
        "outcome",
        Text,
        nullable=False,
        comment="queued, deferred, digest_pending, digested or skipped_* (why not sent).",
    ),
    Column("decided_at", DateTime, nullable=False, comment="UTC. When it was decided."),
    Column("outbox_id", Text, nullable=True, comment="The outbox message, or NULL."),
    Column("template_key", Text, nullable=True, comment="The template that rendered it, or NULL."),
    Column(
        "template_version",
        BigInteger,
        nullable=True,
        comment="The template's version, or NULL.",
    ),
    Column(
        "due_at",
        DateTime,
        nullable=True,
        comment="UTC. When a deferred message or a held digest is due, or NULL.",
    ),
    # The rate limit counts a subscriber's recent messages of a case (a name within 63 characters).
    Index(
        "ix_szo_notify_delivery_rate",
        "organisation_id",
        "subscription_id",
        "case_id",
        "channel",
        "decided_at",
    ),
    Index(None, "outcome", "due_at"),
    comment="The audit of citizen notifications: one decision per event, subscription, channel.",
)
"""Notification decisions (:class:`~szo_core.notify.records.Delivery`)."""


def _kind_records(name: str, what: str, kinds: str, subject: str) -> Table:
    """A table of dated records of one kind of organisation, the record as JSON."""
    return Table(
        name,
        metadata,
        _org(),
        Column("kind", Text, primary_key=True, comment=f"What the row is: {kinds}."),
        Column("id", Text, primary_key=True, comment="The record's id within its kind."),
        Column("subject_code", Integer, nullable=False, comment=f"The {subject} (its code)."),
        Column(
            "start",
            Date,
            nullable=False,
            comment="First day the record is of interest (inclusive): valid_from or start.",
        ),
        Column(
            "end",
            Date,
            nullable=True,
            comment="Last day the record is of interest (inclusive), NULL while open.",
        ),
        Column(
            "payload",
            Text,
            nullable=False,
            comment="The whole record as JSON (szo_core.serialization).",
        ),
        _version(),
        Index(f"ix_{name}_organisation_id_start", "organisation_id", "start"),
        comment=f"{what}; migration 0012.",
    )


def _kind_settings(name: str, what: str) -> Table:
    return Table(
        name,
        metadata,
        _org(),
        Column("payload", Text, nullable=False, comment=f"The {what} as JSON."),
        _version(),
        comment=f"The {what}, one row per organisation; migration 0012.",
    )


school_meal_record = _kind_records(
    "szo_school_meal_record",
    "School meal records (ZŠolPre-1): sign-ups, cancellations, income classes",
    "signup (prijava), cancellation (odjava) or income (income class record)",
    "pupil",
)
"""School meal records (:mod:`szo_core.adapters.sql.kinds`), one row each."""

school_meal_settings = _kind_settings(
    "szo_school_meal_settings", "school's meal settings: dated prices, deadline rules, free days"
)
"""A school's meal settings (:class:`~szo_core.model.school.SchoolMealSettings`)."""

care_record = _kind_records(
    "szo_care_record",
    "Care home records: stay histories, absences, payment decisions (ZSV Art. 100)",
    "stays (a resident's stay history), absence or decision",
    "resident",
)
"""Care home records (:mod:`szo_core.adapters.sql.kinds`), one row each."""

care_home_settings = _kind_settings(
    "szo_care_home_settings", "care home's prices and rules: categories, rooms, food, caps"
)
"""A care home's settings (:class:`~szo_core.model.care_home.CareHomeSettings`)."""


# -- Appointment booking (szo_core.booking, migration 0015_booking) ---------------------------
booking_office = Table(
    "szo_booking_office",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The office's id."),
    _text("name", "The office's name (upravna enota)."),
    _text("services", "JSON list of the services offered: id, name, duration in minutes."),
    _text("hours", "JSON list of opening hours: weekday (0 Monday), opens, closes (local)."),
    Column("slot_minutes", Integer, nullable=False, comment="Slots start every this many minutes."),
    Column("buffer_before_minutes", Integer, nullable=False, comment="Kept free before each one."),
    Column("buffer_after_minutes", Integer, nullable=False, comment="Kept free after each one."),
    Column(
        "officials", Integer, nullable=False, comment="Capacity: appointments at the same time."
    ),
    _text("closed_days", "JSON list of the office's own closed days (ISO dates)."),
    Column("horizon_days", Integer, nullable=False, comment="How many days ahead one can book."),
    Column(
        "notice_minutes",
        Integer,
        nullable=False,
        comment="Least minutes between booking and start.",
    ),
    _version(),
    comment="Offices of the virtual counter and their booking rules.",
)
"""Offices (:class:`szo_core.booking.records.Office`)."""

booking_appointment = Table(
    "szo_booking_appointment",
    metadata,
    _org(),
    Column("id", Text, primary_key=True, comment="The appointment's id (random hex)."),
    _text("office_id", "The office."),
    _text("service_id", "The service."),
    Column("starts_at", DateTime, nullable=False, comment="UTC. Start."),
    Column("ends_at", DateTime, nullable=False, comment="UTC. End."),
    _text("state", "held, confirmed, released, expired, cancelled or closed."),
    _text("name", "The citizen's name (personal data)."),
    _text("email", "The citizen's e-mail address (personal data)."),
    _text("phone", "The citizen's phone number (personal data; '' for none)."),
    _text("notes", "The citizen's notes (personal data)."),
    Column("created_at", DateTime, nullable=False, comment="UTC. When it was reserved."),
    Column("hold_until", DateTime, nullable=False, comment="UTC. Until when the hold keeps it."),
    _text("code_salt", "Hex salt of the e-mail code's HMAC ('' once used)."),
    _text("code_hash", "Hex HMAC-SHA256 of the e-mail code, never the code ('' once used)."),
    Column(
        "code_expires_at", DateTime, nullable=True, comment="UTC. When the current code lapses."
    ),
    Column("code_attempts", Integer, nullable=False, comment="Wrong tries of the current code."),
    Column("code_sends", Integer, nullable=False, comment="Codes sent for this hold."),
    Column("confirmed_at", DateTime, nullable=True, comment="UTC. When it was confirmed."),
    Column("closed_at", DateTime, nullable=True, comment="UTC. When closed or cancelled."),
    _version(),
    ForeignKeyConstraint(
        ["organisation_id", "office_id"],
        ["szo_booking_office.organisation_id", "szo_booking_office.id"],
    ),
    Index("ix_szo_booking_appointment_start", "organisation_id", "state", "starts_at"),
    comment="Appointments at the virtual counter: holds and bookings.",
)
"""Appointments (:class:`szo_core.booking.records.Appointment`)."""

booking_seat = Table(
    "szo_booking_seat",
    metadata,
    _org(),
    Column("office_id", Text, primary_key=True, comment="The office."),
    Column("cell", DateTime, primary_key=True, comment="UTC. Start of the 5-minute cell."),
    Column("seat", Integer, primary_key=True, comment="Which official's place: 0 ... capacity-1."),
    Column("capacity", Integer, nullable=False, comment="The office's officials when taken."),
    _text("appointment_id", "The appointment that holds the seat."),
    Column(
        "held_until",
        DateTime,
        nullable=True,
        comment="UTC. For a hold, when it lapses; NULL once confirmed.",
    ),
    CheckConstraint("seat >= 0 AND seat < capacity", name="ck_szo_booking_seat_capacity"),
    ForeignKeyConstraint(
        ["organisation_id", "appointment_id"],
        ["szo_booking_appointment.organisation_id", "szo_booking_appointment.id"],
        ondelete="CASCADE",
    ),
    Index("ix_szo_booking_seat_appointment", "organisation_id", "appointment_id"),
    comment="Capacity seats: one row per appointment and 5-minute cell; the key keeps "
    "every cell within the office's officials.",
)
"""Seats (:class:`szo_core.booking.records.Seat`)."""

booking_file = Table(
    "szo_booking_file",
    metadata,
    _org(),
    Column("appointment_id", Text, primary_key=True, comment="The appointment."),
    Column("id", Text, primary_key=True, comment="The file's id (random hex)."),
    _text("name", "The sanitised file name."),
    _text("content_type", "The media type, checked against the content."),
    Column("size", BigInteger, nullable=False, comment="Bytes."),
    _text("uploaded_by", "official or citizen."),
    Column("uploaded_at", DateTime, nullable=False, comment="UTC. When it was uploaded."),
    ForeignKeyConstraint(
        ["organisation_id", "appointment_id"],
        ["szo_booking_appointment.organisation_id", "szo_booking_appointment.id"],
        ondelete="CASCADE",
    ),
    comment="Files exchanged during an appointment (bytes in the file port).",
)
"""Shared files (:class:`szo_core.booking.records.SharedFile`)."""

booking_answer = Table(
    "szo_booking_answer",
    metadata,
    _org(),
    Column("appointment_id", Text, primary_key=True, comment="The appointment (one answer)."),
    _text("office_id", "The appointment's office."),
    _text("month", "YYYY-MM of the appointment's local start."),
    Column("rating", Integer, nullable=False, comment="1 (poor) to 5 (excellent)."),
    _text("comment", "Optional comment ('' for none)."),
    Column("answered_at", DateTime, nullable=False, comment="UTC. When it was answered."),
    CheckConstraint("rating BETWEEN 1 AND 5", name="ck_szo_booking_answer_rating"),
    ForeignKeyConstraint(
        ["organisation_id", "appointment_id"],
        ["szo_booking_appointment.organisation_id", "szo_booking_appointment.id"],
        ondelete="CASCADE",
    ),
    Index("ix_szo_booking_answer_month", "organisation_id", "month", "office_id"),
    comment="Satisfaction survey answers after appointments.",
)
"""Survey answers (:class:`szo_core.booking.records.SurveyAnswer`)."""

web_account = Table(
    "szo_web_account",
    metadata,
    Column("username", Text, primary_key=True, comment="The sign-in name (unique in the app)."),
    _text("organisation_id", "The operator's organisation."),
    _text("operator_id", "The operator (szo_messaging_operator.id) this account signs in as."),
    _text("password_hash", "argon2id hash of the password (PHC string); never the password."),
    Column("changed_at", DateTime, nullable=False, comment="UTC. When the hash was set."),
    UniqueConstraint("organisation_id", "operator_id", name="uq_szo_web_account_operator"),
    comment="Operator accounts of the reference web app (szo serve).",
)
"""Operator accounts of ``szo serve`` (:class:`szo_core.web.records.OperatorAccount`)."""
