"""Describe every table and column in the database: PostgreSQL comments.

The descriptions are the ``comment=`` of the tables in ``szo_core.adapters.sql``
(also the documentation's schema page); on PostgreSQL they become ``COMMENT ON
TABLE`` / ``COMMENT ON COLUMN``, so ``\\d+ szo_child`` in psql explains each
column.  SQLite keeps no comments: there the migration only moves the version on.
No data and no structure change.  The text is frozen here on purpose: a later
change of a description is a migration of its own.

Revision ID: 0006_comments
Revises: 0005_billing_year
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision: str = "0006_comments"
down_revision: str | None = "0005_billing_year"
branch_labels: str | None = None
depends_on: str | None = None

# table: (table comment, {column: column comment})
COMMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "szo_absence": (
        "Absences of a child, for food deductions.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) the "
            "row belongs to; first part of every key.",
            "id": "The absence's id within the organisation.",
            "child_code": "The child (szo_child).",
            "start_date": "First day (inclusive).",
            "end_date": "Last day (inclusive).",
            "announced_at": "When it was announced (local time for a naive value, UTC "
            "for an aware one), or NULL.",
            "announced_utc_offset": "UTC offset of an aware announced_at, in "
            "microseconds; NULL for a naive one.",
            "doctor_note": "A doctor's note was brought.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        },
    ),
    "szo_billed": (
        "What each run billed per child, month and payer: the base of later corrections.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) the "
            "row belongs to; first part of every key.",
            "run_id": "The billing run (szo_billing_run) that billed it.",
            "child_code": "The child.",
            "month": "The month the amount is for (the original month), YYYY-MM.",
            "payer_kind": "The kind of payer.",
            "payer_id": "Which payer.",
            "amount": "The amount in euros (for a correction, the difference).",
            "billed_in": "The month of the run that billed it, YYYY-MM.",
            "document": "The number of the document that carried it, or NULL (unknown, or "
            "a 0.00 document).",
        },
    ),
    "szo_billing_counter": (
        "The last serial number used per organisation, series and year (gap-free numbering).",
        {
            "organisation_id": "The organisation (kindergarten, school, care "
            "home) the row belongs to; first part of every "
            "key.",
            "series": "invoice or credit_note (each is a number series).",
            "year": "The numbering year.",
            "last_serial": "The last serial number issued in the series and year.",
        },
    ),
    "szo_billing_document": (
        "Documents a run issued: invoices, credit notes and the state's "
        "claim, by position in the run.",
        {
            "organisation_id": "The organisation (kindergarten, school, care "
            "home) the row belongs to; first part of every "
            "key.",
            "run_id": "The billing run (szo_billing_run) that issued it.",
            "position": "Its place among the run's documents, from 1.",
            "kind": "invoice, credit_note or claim.",
            "year": "The numbering year (the billed month's).",
            "serial": "The number within its series and year, or NULL for an unnumbered document.",
            "number": "The printed number (2026-000007, D2026-000003), or NULL.",
            "month": "The billed month, YYYY-MM.",
            "child_code": "The child of a parents' document; NULL for a list.",
            "payer_kind": "The kind of payer: parents, state, municipality or other_municipality.",
            "payer_id": "Which payer: the child's code for the parents, the "
            "regresor's id for a municipality, state for the state.",
            "amount": "The sum of its lines in euros.",
            "reference": "The payment reference, compact (SI12... or RF...), or NULL.",
            "issued_on": "The issue date.",
            "corrects": "JSON list of [month, document number] pairs this "
            "document corrects ([] for none).",
        },
    ),
    "szo_billing_document_entry": (
        "The list of children of a municipality's document or the "
        "state's claim (owned by szo_billing_document).",
        {
            "organisation_id": "The organisation (kindergarten, school, "
            "care home) the row belongs to; first part "
            "of every key.",
            "run_id": "The billing run.",
            "position": "The document's position in the run.",
            "entry": "The entry's place in the list, from 1.",
            "child_code": "The child.",
            "child_name": "The child's name as on the list.",
            "applicant": "Who applied for the decision (vlagatelj), as on the list.",
            "month": "The month the amount is for, YYYY-MM.",
            "correction": "TRUE for a correction of an earlier month.",
            "days": "Billing days the child was enrolled in that month.",
            "days_in_month": "Billing days in that month.",
            "price": "The program's monthly price, or NULL.",
            "coefficient": "The parents' coefficient, or NULL.",
            "billed": "For a correction, what was billed for the month before; else NULL.",
            "due": "For a correction, what is due for it now; else NULL.",
            "amount": "The payer's amount for the child's month in euros "
            "(for a correction, the difference).",
        },
    ),
    "szo_billing_document_line": (
        "A document's lines, in order (owned by szo_billing_document).",
        {
            "organisation_id": "The organisation (kindergarten, school, "
            "care home) the row belongs to; first part "
            "of every key.",
            "run_id": "The billing run.",
            "position": "The document's position in the run.",
            "line": "The line's place in the document, from 1.",
            "kind": "The fee line's kind (share, food_deduction, correction ...).",
            "description": "What the line is, in Slovenian, as printed.",
            "amount": "The amount in euros (negative for deductions and refunds).",
            "start_date": "First day the line covers, or NULL for a correction or a list.",
            "end_date": "Last day the line covers, or NULL.",
            "original_month": "For a correction, the month it corrects (YYYY-MM), or NULL.",
            "decision_ids": "JSON list of the decisions (szo_decision ids) the line rests on.",
        },
    ),
    "szo_billing_fingerprint": (
        "Each run's digest of each child's month's inputs: a changed "
        "digest means the month needs a correction.",
        {
            "organisation_id": "The organisation (kindergarten, school, care "
            "home) the row belongs to; first part of "
            "every key.",
            "run_id": "The billing run.",
            "child_code": "The child.",
            "month": "The month, YYYY-MM.",
            "digest": "The digest of the inputs (32 hexadecimal digits), or "
            "a marker for no inputs.",
        },
    ),
    "szo_billing_run": (
        "Billing runs: one per organisation and month, open until closed.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) "
            "the row belongs to; first part of every key.",
            "id": "The run's id, YYYY-MM.",
            "month": "The billed month, YYYY-MM.",
            "status": "open or closed.",
            "issued_on": "The issue date printed on its documents.",
            "invoice_count": "How many invoices it issued (numbered or kept unnumbered).",
            "total": "The sum of all its documents in euros.",
            "closed_on": "Day it was closed, or NULL while open.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
            "credit_note_count": "How many credit notes it issued.",
            "files_state": "Where its output files stand: none, staged or written.",
            "files_digest": "Digest of its staged files (szo bill), or NULL.",
        },
    ),
    "szo_billing_run_decision": (
        "The decisions each run used (locked when the run is closed).",
        {
            "organisation_id": "The organisation (kindergarten, school, "
            "care home) the row belongs to; first part "
            "of every key.",
            "run_id": "The billing run.",
            "decision_id": "The decision (szo_decision).",
        },
    ),
    "szo_child": (
        "Children with their personal data, enrollment, payment and delivery settings; "
        "group history and guardian links are owned tables.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) the row "
            "belongs to; first part of every key.",
            "code": "The child's code (šifra) within the organisation, shared with payment "
            "references.",
            "first_name": "First name.",
            "last_name": "Last name.",
            "sex": "Sex as recorded (M or F), or NULL when unknown.",
            "birth_date": "Date of birth, or NULL when unknown.",
            "birth_place": "Place of birth.",
            "emso": "EMŠO (personal identification number); empty when unknown.",
            "tax_number": "The child's tax number; empty when unknown.",
            "citizenship": "Citizenship.",
            "permanent_street": "Street and house number of the permanent address (stalno "
            "prebivališče).",
            "permanent_post_code": "Post code of the permanent address (stalno prebivališče).",
            "permanent_city": "City (post office) of the permanent address (stalno prebivališče).",
            "permanent_country": "Country of the permanent address (stalno prebivališče).",
            "temporary_street": "Street and house number of the temporary address (začasno "
            "prebivališče); all NULL when none.",
            "temporary_post_code": "Post code of the temporary address (začasno "
            "prebivališče); all NULL when none.",
            "temporary_city": "City (post office) of the temporary address (začasno "
            "prebivališče); all NULL when none.",
            "temporary_country": "Country of the temporary address (začasno prebivališče); "
            "all NULL when none.",
            "municipality_code": "Municipality of residence of the first (open-ended) "
            "entry of the residence history; NULL when unknown.",
            "regresor_id": "Regresor (szo_regresor) of the first entry of the residence "
            "history, or NULL.",
            "adapted_program": "The child is in an adapted program (reported to CEUVIZ).",
            "special_needs": "The child has special needs (otrok s posebnimi potrebami).",
            "companion": "The child has a companion (spremljevalec, an extra teacher).",
            "card_number": "Attendance card number; may repeat (the registry warns).",
            "employee_id": "Link to an employee record (a child of an employee), or NULL.",
            "contract_number": "Number of the enrollment contract.",
            "contract_signed_on": "Day the contract was signed, or NULL.",
            "contract_ends_on": "Day the contract ends, or NULL.",
            "enrollment_date": "First day of enrollment (billed inclusive), or NULL.",
            "exit_date": "Last day of enrollment (izpis; billed inclusive), or NULL.",
            "exit_notice_on": "Day the exit was announced, or NULL.",
            "parents_taxpayers": "Parents' tax status of the first entry of the tax-status "
            "history (FALSE: the non-taxpayer coefficient applies).",
            "family_order": "The child's order among the family's children (1 the eldest), "
            "or NULL.",
            "newcomer": "Enrolled for the first time this school year (novinec).",
            "went_to_other_kindergarten": "Left for another kindergarten.",
            "inactive": "Kept for history only; not billed.",
            "notes": "Internal notes.",
            "printable_notes": "Notes printed on lists (allergies, diet).",
            "payer_kind": "Who is the payer of the child's invoices: child, guardian or "
            "other; NULL: none.",
            "payer_guardian_id": "Guardian (szo_guardian) who is the payer of the child's "
            "invoices.",
            "payer_party_name": "Name of the other party who is the payer of the child's invoices.",
            "payer_party_street": "Street and house number of the other party who is the "
            "payer of the child's invoices.",
            "payer_party_post_code": "Post code of the other party who is the payer of the "
            "child's invoices.",
            "payer_party_city": "City (post office) of the other party who is the payer of "
            "the child's invoices.",
            "payer_party_country": "Country of the other party who is the payer of the "
            "child's invoices.",
            "payer_party_tax_number": "Tax number of the other party who is the payer of "
            "the child's invoices.",
            "payer_party_email": "E-mail address of the other party who is the payer of "
            "the child's invoices.",
            "applicant_kind": "Who is the applicant (vlagatelj) of the decision: child, "
            "guardian or other; NULL: none.",
            "applicant_guardian_id": "Guardian (szo_guardian) who is the applicant "
            "(vlagatelj) of the decision.",
            "applicant_party_name": "Name of the other party who is the applicant "
            "(vlagatelj) of the decision.",
            "applicant_party_street": "Street and house number of the other party who is "
            "the applicant (vlagatelj) of the decision.",
            "applicant_party_post_code": "Post code of the other party who is the "
            "applicant (vlagatelj) of the decision.",
            "applicant_party_city": "City (post office) of the other party who is the "
            "applicant (vlagatelj) of the decision.",
            "applicant_party_country": "Country of the other party who is the applicant "
            "(vlagatelj) of the decision.",
            "applicant_party_tax_number": "Tax number of the other party who is the "
            "applicant (vlagatelj) of the decision.",
            "applicant_party_email": "E-mail address of the other party who is the "
            "applicant (vlagatelj) of the decision.",
            "payment_kind": "How the parents pay: upn (slip) or direct_debit (SEPA).",
            "mandate_bank": "SEPA mandate: the debtor's bank name, or NULL without a mandate.",
            "mandate_iban": "SEPA mandate: the debtor's IBAN, or NULL.",
            "mandate_debit_day": "SEPA mandate: day of the month of the debit, or NULL.",
            "mandate_reference": "SEPA mandate: the mandate reference (UMR), or NULL.",
            "mandate_signed_on": "SEPA mandate: day of signature, or NULL.",
            "mandate_creditor_id": "SEPA mandate: the creditor identifier, or NULL for the "
            "organisation's own.",
            "delivery_kind": "How invoices reach the payer: print, email_pdf or e_invoice.",
            "delivery_email": "E-mail address for invoices sent by e-mail.",
            "delivery_iban": "The payer's IBAN for e-invoices (eRačun).",
            "payment_group_lead": "The child (szo_child.code) whose invoice also carries "
            "this child's (merged payment), or NULL.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        },
    ),
    "szo_child_group": (
        "A child's dated group and program assignments (owned by szo_child): each "
        "row holds until the next.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) "
            "the row belongs to; first part of every key.",
            "child_code": "The child (szo_child).",
            "valid_from": "First day of the assignment.",
            "group_code": "The group (szo_group).",
            "program_code": "The program (szo_program) billed.",
        },
    ),
    "szo_child_guardian": (
        "A child's links to guardians, in order (owned by szo_child).",
        {
            "organisation_id": "The organisation (kindergarten, school, care "
            "home) the row belongs to; first part of every "
            "key.",
            "child_code": "The child (szo_child).",
            "position": "Order of the link (0 first).",
            "guardian_id": "The guardian (szo_guardian).",
            "kind": "The guardian's relation to the child: mother, father, guardian or other.",
        },
    ),
    "szo_child_residence": (
        "A child's dated moves (owned by szo_child): municipality of "
        "residence and regresor from a day on.",
        {
            "organisation_id": "The organisation (kindergarten, school, care "
            "home) the row belongs to; first part of every "
            "key.",
            "child_code": "The child (szo_child).",
            "valid_from": "Day of the move.",
            "municipality_code": "Municipality of residence from that day, or NULL when unknown.",
            "regresor_id": "Regresor (szo_regresor) from that day, or NULL.",
        },
    ),
    "szo_child_taxpayer": (
        "A child's dated changes of the parents' tax status (owned by szo_child).",
        {
            "organisation_id": "The organisation (kindergarten, school, care "
            "home) the row belongs to; first part of every "
            "key.",
            "child_code": "The child (szo_child).",
            "valid_from": "Day the status changes.",
            "taxpayers": "The parents are taxpayers in Slovenia from that day.",
        },
    ),
    "szo_decision": (
        "Decisions on reduced payment (odločbe): the parents' share of the price from a day on.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) the "
            "row belongs to; first part of every key.",
            "id": "The decision's id within the organisation.",
            "child_code": "The child (szo_child).",
            "number": "The decision's number as issued by the social work centre.",
            "coefficient": "The parents' share of the price (0 to 1, e.g. 0.35 for 35 %).",
            "valid_from": "First day it applies.",
            "valid_to": "Last day it applies, or NULL while open-ended.",
            "regresor_id": "Regresor (szo_regresor) named in the decision, or NULL.",
            "sibling_order": "The child's order among siblings for the sibling rules, or NULL.",
            "state_financed": "The state pays the parents' share (a second or later sibling).",
            "payment_class": "Income class (plačilni razred) of the decision, or NULL.",
            "issued_on": "Day the decision was issued, or NULL.",
            "supersedes": "The decision (szo_decision) this one replaces, or NULL.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        },
    ),
    "szo_decision_lock": (
        "Decisions used by a closed billing run: they can no longer be changed or removed.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) "
            "the row belongs to; first part of every key.",
            "decision_id": "The decision (szo_decision).",
            "billing_run_id": "The closing billing run.",
        },
    ),
    "szo_group": (
        "Groups (oddelki) of children.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) the row "
            "belongs to; first part of every key.",
            "code": "The group's code within the organisation.",
            "name": "The group's name.",
            "program_code": "The group's usual program (szo_program), or NULL.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        },
    ),
    "szo_guardian": (
        "Guardians (parents and other legal guardians) of children; one row per guardian.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) the "
            "row belongs to; first part of every key.",
            "id": "The guardian's id within the organisation.",
            "first_name": "First name.",
            "last_name": "Last name.",
            "address_street": "Street and house number of the guardian's address.",
            "address_post_code": "Post code of the guardian's address.",
            "address_city": "City (post office) of the guardian's address.",
            "address_country": "Country of the guardian's address.",
            "emso": "EMŠO (personal identification number); empty when unknown.",
            "tax_number": "Slovenian tax number (davčna številka); empty when unknown.",
            "iban": "The guardian's bank account (IBAN); empty when unknown.",
            "email": "E-mail address; empty when unknown.",
            "phone": "Telephone number; empty when unknown.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        },
    ),
    "szo_price_lock": (
        "How far each program's prices are locked by closed billing months: a "
        "price valid before then can no longer change.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) "
            "the row belongs to; first part of every key.",
            "program_code": "The program (szo_program).",
            "locked_through": "The last day of the latest closed month that used the "
            "program's prices.",
            "billing_run_id": "The closing billing run that set the lock.",
        },
    ),
    "szo_program": (
        "Programs (a kindergarten's price classes, such as the first and second age "
        "group), without their prices.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) the "
            "row belongs to; first part of every key.",
            "code": "The program's code within the organisation.",
            "name": "The program's name.",
            "kind": "regular, developmental_unit (razvojni oddelek) or private: what the "
            "parents' share is based on.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        },
    ),
    "szo_program_price": (
        "A program's dated monthly prices: each row holds from its day until the next row's.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) "
            "the row belongs to; first part of every key.",
            "program_code": "The program (szo_program).",
            "valid_from": "The first day the price holds.",
            "monthly": "The full monthly price in euros (the economic price, before any shares).",
            "food_per_day": "The food cost per day in euros, deducted for announced absences.",
        },
    ),
    "szo_program_reference": (
        "The reference program of a developmental unit or a private "
        "program, whose price the shares are computed from; a regular "
        "program has no row.",
        {
            "organisation_id": "The organisation (kindergarten, school, care "
            "home) the row belongs to; first part of every "
            "key.",
            "program_code": "The program (szo_program) that refers to another.",
            "reference_program": "The program (szo_program) whose price is the reference.",
        },
    ),
    "szo_regresor": (
        "Regresors: municipalities or other bodies that pay the rest of a child's "
        "price (plačnik razlike).",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) the "
            "row belongs to; first part of every key.",
            "id": "The regresor's id within the organisation.",
            "name": "The regresor's name.",
            "municipality_code": "The municipality's code (1 to 213) when the regresor "
            "is a municipality.",
            "address_street": "Street and house number of the regresor's address.",
            "address_post_code": "Post code of the regresor's address.",
            "address_city": "City (post office) of the regresor's address.",
            "address_country": "Country of the regresor's address.",
            "tax_number": "The regresor's tax number.",
            "email": "The regresor's e-mail address for invoices.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        },
    ),
    "szo_reservation": (
        "Reservations (rezervacije): announced summer or sick leave, billed at the reduced rate.",
        {
            "organisation_id": "The organisation (kindergarten, school, care home) "
            "the row belongs to; first part of every key.",
            "id": "The reservation's id within the organisation.",
            "child_code": "The child (szo_child).",
            "kind": "summer or sick.",
            "start_date": "First day (inclusive).",
            "end_date": "Last day (inclusive).",
            "announced_on": "Day it was announced, or NULL.",
            "doctor_note": "A doctor's note was brought.",
            "version": "Optimistic-concurrency version: incremented on every update, "
            "checked before writing.",
        },
    ),
}


def _set(comments: bool) -> None:
    if not op.get_bind().dialect.supports_comments:
        return
    for table, (table_comment, columns) in COMMENTS.items():
        if comments:
            op.create_table_comment(table, table_comment)
        else:
            op.drop_table_comment(table)
        for column, comment in columns.items():
            op.alter_column(table, column, comment=comment if comments else None)


def upgrade() -> None:
    _set(comments=True)


def downgrade() -> None:
    _set(comments=False)
