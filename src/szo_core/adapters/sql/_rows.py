"""Records to rows and back: the named constructors of the SQL adapter.

Each ``*_row`` function returns the column values of a record (a dict for
INSERT/UPDATE); each ``*_from`` function builds the record from a result row
whose columns are the matching ``*_COLUMNS`` tuple, in that order (select them
with :func:`columns`).  Nested values are flattened with a column prefix; a
nullable nested value is None when its marker column is NULL (see
:mod:`szo_core.adapters.sql.tables`).

Reading is the hot path of :meth:`~szo_core.adapters.sql.SqlUnitOfWork.load_month`
(hundreds of thousands of records), so the ``*_from`` functions unpack the row
by position and build the records with
:func:`~szo_core.model._trusted.trusted_factory`: without running the records'
validators again.  That is safe because every stored row was written by
``add``/``update`` from a record that passed them (``tests/storage/test_trusted_reads.py``
checks that a record read back equals the original, field types included).
Writing still takes records built through their constructors.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from sqlalchemy import Column, Table

from szo_core.ids.emso import Sex
from szo_core.model import (
    Absence,
    Address,
    Child,
    Decision,
    DeliveryKind,
    Group,
    GroupAssignment,
    Guardian,
    GuardianKind,
    GuardianLink,
    InvoiceDelivery,
    Mandate,
    Party,
    Payer,
    PayerKind,
    PaymentKind,
    PaymentMethod,
    Program,
    ProgramKind,
    ProgramPrice,
    Regresor,
    Reservation,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
)
from szo_core.model._trusted import trusted_factory

Row = Sequence[Any]
"""A result row: the values of a ``*_COLUMNS`` tuple, in its order."""

_MICROSECOND = timedelta(microseconds=1)

T = TypeVar("T")


def columns(table: Table, names: Sequence[str]) -> list[Column[Any]]:
    """The columns ``names`` of ``table``, in that order (for ``select(*columns(...))``)."""
    return [table.c[name] for name in names]


# Small value objects repeat across many rows (empty addresses, the default delivery,
# a group's assignment).  Records are immutable, so equal values can share one object;
# the caches are bounded and thread-safe.
_cache = functools.lru_cache(maxsize=8192)

_address = _cache(trusted_factory(Address, "street", "post_code", "city", "country"))
_assignment = _cache(trusted_factory(GroupAssignment, "valid_from", "group_code", "program_code"))
_residence = _cache(
    trusted_factory(ResidenceChange, "valid_from", "municipality_code", "regresor_id")
)
_taxpayer = _cache(trusted_factory(TaxpayerChange, "valid_from", "taxpayers"))
_new_link = trusted_factory(GuardianLink, "guardian_id", "kind")
_new_party = trusted_factory(Party, "name", "address", "tax_number", "email")
_new_payer = trusted_factory(Payer, "kind", "guardian_id", "party")
_new_mandate = trusted_factory(
    Mandate, "bank", "iban", "debit_day", "reference", "signed_on", "creditor_id"
)
_new_payment = trusted_factory(PaymentMethod, "kind", "mandate")
_new_delivery = trusted_factory(InvoiceDelivery, "kind", "email", "iban")

# Enum members by stored value: a dict lookup instead of the Enum call.  A value that
# is not there (never written by this adapter) goes to the Enum call, which raises.
_SEX = {m.value: m for m in Sex}
_GUARDIAN_KIND = {m.value: m for m in GuardianKind}
_PAYER_KIND = {m.value: m for m in PayerKind}
_PAYMENT_KIND = {m.value: m for m in PaymentKind}
_DELIVERY_KIND = {m.value: m for m in DeliveryKind}
_RESERVATION_KIND = {m.value: m for m in ReservationKind}
_PROGRAM_KIND = {m.value: m for m in ProgramKind}


@_cache
def _delivery(kind: str, email: str, iban: str) -> InvoiceDelivery:
    return _new_delivery(_DELIVERY_KIND.get(kind) or DeliveryKind(kind), email, iban)


@_cache
def _payment(kind: str) -> PaymentMethod:
    return _new_payment(_PAYMENT_KIND.get(kind) or PaymentKind(kind), None)


def _address_row(prefix: str, address: Address | None) -> dict[str, object]:
    if address is None:
        return {
            f"{prefix}_street": None,
            f"{prefix}_post_code": None,
            f"{prefix}_city": None,
            f"{prefix}_country": None,
        }
    return {
        f"{prefix}_street": address.street,
        f"{prefix}_post_code": address.post_code,
        f"{prefix}_city": address.city,
        f"{prefix}_country": address.country,
    }


def _payer_row(prefix: str, payer: Payer | None) -> dict[str, object]:
    party = None if payer is None else payer.party
    return {
        f"{prefix}_kind": None if payer is None else payer.kind.value,
        f"{prefix}_guardian_id": None if payer is None else payer.guardian_id,
        f"{prefix}_party_name": None if party is None else party.name,
        **_address_row(f"{prefix}_party", None if party is None else party.address),
        f"{prefix}_party_tax_number": None if party is None else party.tax_number,
        f"{prefix}_party_email": None if party is None else party.email,
    }


def _payer_from(
    kind: str | None,
    guardian_id: str | None,
    party_name: str | None,
    street: str | None,
    post_code: str | None,
    city: str | None,
    country: str | None,
    tax_number: str | None,
    email: str | None,
) -> Payer | None:
    if kind is None:
        return None
    party = None
    if party_name is not None:
        party = _new_party(
            party_name, _address(street, post_code, city, country), tax_number, email
        )
    return _new_payer(_PAYER_KIND.get(kind) or PayerKind(kind), guardian_id, party)


def guardian_row(g: Guardian) -> dict[str, object]:
    """Columns of ``szo_guardian``."""
    return {
        "organisation_id": g.organisation_id,
        "id": g.id,
        "first_name": g.first_name,
        "last_name": g.last_name,
        **_address_row("address", g.address),
        "emso": g.emso,
        "tax_number": g.tax_number,
        "iban": g.iban,
        "email": g.email,
        "phone": g.phone,
        "version": g.version,
    }


GUARDIAN_COLUMNS = (
    "organisation_id",
    "id",
    "first_name",
    "last_name",
    "address_street",
    "address_post_code",
    "address_city",
    "address_country",
    "emso",
    "tax_number",
    "iban",
    "email",
    "phone",
    "version",
)
"""The columns :func:`guardian_from` reads, in order."""

_new_guardian = trusted_factory(
    Guardian,
    "organisation_id",
    "id",
    "first_name",
    "last_name",
    "address",
    "emso",
    "tax_number",
    "iban",
    "email",
    "phone",
    "version",
)


def guardian_from(row: Row) -> Guardian:
    """Build a Guardian from a :data:`GUARDIAN_COLUMNS` row."""
    (
        org,
        key,
        first,
        last,
        street,
        post_code,
        city,
        country,
        emso,
        tax_number,
        iban,
        email,
        phone,
        version,
    ) = row
    return _new_guardian(
        org,
        key,
        first,
        last,
        _address(street, post_code, city, country),
        emso,
        tax_number,
        iban,
        email,
        phone,
        version,
    )


def program_row(p: Program) -> dict[str, object]:
    """Columns of ``szo_program`` (prices and the reference program go to their own tables)."""
    return {
        "organisation_id": p.organisation_id,
        "code": p.code,
        "name": p.name,
        "kind": p.kind.value,
        "version": p.version,
    }


def program_reference_rows(p: Program) -> list[dict[str, object]]:
    """The row of ``szo_program_reference`` for a program with a reference program (or none)."""
    if p.reference_program is None:
        return []
    return [
        {
            "organisation_id": p.organisation_id,
            "program_code": p.code,
            "reference_program": p.reference_program,
        }
    ]


PROGRAM_REFERENCE_COLUMNS = ("program_code", "reference_program")
"""The columns of ``szo_program_reference`` a program read takes (the program's code first)."""


def program_price_rows(p: Program) -> list[dict[str, object]]:
    """Rows of ``szo_program_price`` for the program's prices."""
    return [
        {
            "organisation_id": p.organisation_id,
            "program_code": p.code,
            "valid_from": price.valid_from,
            "monthly": price.monthly,
            "food_per_day": price.food_per_day,
        }
        for price in p.prices
    ]


PROGRAM_PRICE_COLUMNS = ("program_code", "valid_from", "monthly", "food_per_day")
"""The columns :func:`program_price_from` reads (the program's code first, for grouping)."""

_new_price = trusted_factory(ProgramPrice, "valid_from", "monthly", "food_per_day")


def program_price_from(row: Row) -> ProgramPrice:
    """Build a ProgramPrice from a :data:`PROGRAM_PRICE_COLUMNS` row."""
    _program_code, valid_from, monthly, food_per_day = row
    return _new_price(valid_from, monthly, food_per_day)


PROGRAM_COLUMNS = ("organisation_id", "code", "name", "kind", "version")
"""The columns :func:`program_from` reads, in order."""

_new_program = trusted_factory(
    Program, "organisation_id", "code", "name", "prices", "kind", "reference_program", "version"
)
_valid_from = operator.attrgetter("valid_from")
_first = operator.itemgetter(0)


def program_from(
    row: Row, prices: Iterable[ProgramPrice], reference_program: str | None = None
) -> Program:
    """Build a Program from a :data:`PROGRAM_COLUMNS` row with its prices (sorted here).

    ``reference_program`` is the program's ``szo_program_reference`` value, if it has one.
    """
    org, code, name, kind, version = row
    return _new_program(
        org,
        code,
        name,
        tuple(sorted(prices, key=_valid_from)),
        _PROGRAM_KIND.get(kind) or ProgramKind(kind),
        reference_program,
        version,
    )


def group_row(g: Group) -> dict[str, object]:
    """Columns of ``szo_group``."""
    return {
        "organisation_id": g.organisation_id,
        "code": g.code,
        "name": g.name,
        "program_code": g.program_code,
        "version": g.version,
    }


GROUP_COLUMNS = ("organisation_id", "code", "name", "program_code", "version")
"""The columns :func:`group_from` reads (the fields of Group, in order)."""

_new_group = trusted_factory(Group, *GROUP_COLUMNS)


def group_from(row: Row) -> Group:
    """Build a Group from a :data:`GROUP_COLUMNS` row."""
    return _new_group(*row)


def regresor_row(r: Regresor) -> dict[str, object]:
    """Columns of ``szo_regresor``."""
    return {
        "organisation_id": r.organisation_id,
        "id": r.id,
        "name": r.name,
        "municipality_code": r.municipality_code,
        **_address_row("address", r.address),
        "tax_number": r.tax_number,
        "email": r.email,
        "version": r.version,
    }


REGRESOR_COLUMNS = (
    "organisation_id",
    "id",
    "name",
    "municipality_code",
    "address_street",
    "address_post_code",
    "address_city",
    "address_country",
    "tax_number",
    "email",
    "version",
)
"""The columns :func:`regresor_from` reads, in order."""

_new_regresor = trusted_factory(
    Regresor,
    "organisation_id",
    "id",
    "name",
    "municipality_code",
    "address",
    "tax_number",
    "email",
    "version",
)


def regresor_from(row: Row) -> Regresor:
    """Build a Regresor from a :data:`REGRESOR_COLUMNS` row."""
    (
        org,
        key,
        name,
        municipality_code,
        street,
        post_code,
        city,
        country,
        tax_number,
        email,
        version,
    ) = row
    return _new_regresor(
        org,
        key,
        name,
        municipality_code,
        _address(street, post_code, city, country),
        tax_number,
        email,
        version,
    )


def child_row(c: Child) -> dict[str, object]:
    """Columns of ``szo_child`` (groups and guardian links go to their own tables)."""
    mandate = c.payment.mandate
    return {
        "organisation_id": c.organisation_id,
        "code": c.code,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "sex": None if c.sex is None else c.sex.value,
        "birth_date": c.birth_date,
        "birth_place": c.birth_place,
        "emso": c.emso,
        "tax_number": c.tax_number,
        "citizenship": c.citizenship,
        **_address_row("permanent", c.permanent_address),
        **_address_row("temporary", c.temporary_address),
        "municipality_code": c.municipality_code,
        "regresor_id": c.regresor_id,
        "adapted_program": c.adapted_program,
        "special_needs": c.special_needs,
        "companion": c.companion,
        "card_number": c.card_number,
        "employee_id": c.employee_id,
        "contract_number": c.contract_number,
        "contract_signed_on": c.contract_signed_on,
        "contract_ends_on": c.contract_ends_on,
        "enrollment_date": c.enrollment_date,
        "exit_date": c.exit_date,
        "exit_notice_on": c.exit_notice_on,
        "parents_taxpayers": c.parents_taxpayers,
        "family_order": c.family_order,
        "newcomer": c.newcomer,
        "went_to_other_kindergarten": c.went_to_other_kindergarten,
        "inactive": c.inactive,
        "notes": c.notes,
        "printable_notes": c.printable_notes,
        **_payer_row("payer", c.payer),
        **_payer_row("applicant", c.applicant),
        "payment_kind": c.payment.kind.value,
        "mandate_bank": None if mandate is None else mandate.bank,
        "mandate_iban": None if mandate is None else mandate.iban,
        "mandate_debit_day": None if mandate is None else mandate.debit_day,
        "mandate_reference": None if mandate is None else mandate.reference,
        "mandate_signed_on": None if mandate is None else mandate.signed_on,
        "mandate_creditor_id": None if mandate is None else mandate.creditor_id,
        "delivery_kind": c.delivery.kind.value,
        "delivery_email": c.delivery.email,
        "delivery_iban": c.delivery.iban,
        "contact_email": c.contact_email,
        "payment_group_lead": c.payment_group_lead,
        "version": c.version,
    }


def child_group_rows(c: Child) -> list[dict[str, object]]:
    """Rows of ``szo_child_group``."""
    return [
        {
            "organisation_id": c.organisation_id,
            "child_code": c.code,
            "valid_from": g.valid_from,
            "group_code": g.group_code,
            "program_code": g.program_code,
        }
        for g in c.groups
    ]


CHILD_GROUP_COLUMNS = ("child_code", "valid_from", "group_code", "program_code")
"""The columns :func:`child_group_from` reads (the child's code first, for grouping)."""


def child_group_from(row: Row) -> GroupAssignment:
    """Build a GroupAssignment from a :data:`CHILD_GROUP_COLUMNS` row."""
    _child_code, valid_from, group_code, program_code = row
    return _assignment(valid_from, group_code, program_code)


def child_residence_rows(c: Child) -> list[dict[str, object]]:
    """Rows of ``szo_child_residence``."""
    return [
        {
            "organisation_id": c.organisation_id,
            "child_code": c.code,
            "valid_from": r.valid_from,
            "municipality_code": r.municipality_code,
            "regresor_id": r.regresor_id,
        }
        for r in c.residence_changes
    ]


CHILD_RESIDENCE_COLUMNS = ("child_code", "valid_from", "municipality_code", "regresor_id")
"""The columns :func:`child_residence_from` reads (the child's code first, for grouping)."""


def child_residence_from(row: Row) -> ResidenceChange:
    """Build a ResidenceChange from a :data:`CHILD_RESIDENCE_COLUMNS` row."""
    _child_code, valid_from, municipality_code, regresor_id = row
    return _residence(valid_from, municipality_code, regresor_id)


def child_taxpayer_rows(c: Child) -> list[dict[str, object]]:
    """Rows of ``szo_child_taxpayer``."""
    return [
        {
            "organisation_id": c.organisation_id,
            "child_code": c.code,
            "valid_from": t.valid_from,
            "taxpayers": t.taxpayers,
        }
        for t in c.taxpayer_changes
    ]


CHILD_TAXPAYER_COLUMNS = ("child_code", "valid_from", "taxpayers")
"""The columns :func:`child_taxpayer_from` reads (the child's code first, for grouping)."""


def child_taxpayer_from(row: Row) -> TaxpayerChange:
    """Build a TaxpayerChange from a :data:`CHILD_TAXPAYER_COLUMNS` row."""
    _child_code, valid_from, taxpayers = row
    return _taxpayer(valid_from, taxpayers)


def child_guardian_rows(c: Child) -> list[dict[str, object]]:
    """Rows of ``szo_child_guardian`` (``position`` keeps the order)."""
    return [
        {
            "organisation_id": c.organisation_id,
            "child_code": c.code,
            "position": position,
            "guardian_id": link.guardian_id,
            "kind": link.kind.value,
        }
        for position, link in enumerate(c.guardians)
    ]


CHILD_GUARDIAN_COLUMNS = ("child_code", "position", "guardian_id", "kind")
"""The columns :func:`child_guardian_from` reads (code and position first, for ordering)."""


def child_guardian_from(row: Row) -> GuardianLink:
    """Build a GuardianLink from a :data:`CHILD_GUARDIAN_COLUMNS` row."""
    _child_code, _position, guardian_id, kind = row
    return _new_link(guardian_id, _GUARDIAN_KIND.get(kind) or GuardianKind(kind))


CHILD_COLUMNS = (
    "organisation_id",
    "code",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "birth_place",
    "emso",
    "tax_number",
    "citizenship",
    "permanent_street",
    "permanent_post_code",
    "permanent_city",
    "permanent_country",
    "temporary_street",
    "temporary_post_code",
    "temporary_city",
    "temporary_country",
    "municipality_code",
    "regresor_id",
    "adapted_program",
    "special_needs",
    "companion",
    "card_number",
    "employee_id",
    "contract_number",
    "contract_signed_on",
    "contract_ends_on",
    "enrollment_date",
    "exit_date",
    "exit_notice_on",
    "parents_taxpayers",
    "family_order",
    "newcomer",
    "went_to_other_kindergarten",
    "inactive",
    "notes",
    "printable_notes",
    "payer_kind",
    "payer_guardian_id",
    "payer_party_name",
    "payer_party_street",
    "payer_party_post_code",
    "payer_party_city",
    "payer_party_country",
    "payer_party_tax_number",
    "payer_party_email",
    "applicant_kind",
    "applicant_guardian_id",
    "applicant_party_name",
    "applicant_party_street",
    "applicant_party_post_code",
    "applicant_party_city",
    "applicant_party_country",
    "applicant_party_tax_number",
    "applicant_party_email",
    "payment_kind",
    "mandate_bank",
    "mandate_iban",
    "mandate_debit_day",
    "mandate_reference",
    "mandate_signed_on",
    "mandate_creditor_id",
    "delivery_kind",
    "delivery_email",
    "delivery_iban",
    "contact_email",
    "payment_group_lead",
    "version",
)
"""The columns :func:`child_from` reads, in order."""

CHILD_CODE = CHILD_COLUMNS.index("code")
"""Where the child's code is in a :data:`CHILD_COLUMNS` row."""

_new_child = trusted_factory(
    Child,
    "organisation_id",
    "code",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "birth_place",
    "emso",
    "tax_number",
    "citizenship",
    "permanent_address",
    "temporary_address",
    "municipality_code",
    "regresor_id",
    "residence_changes",
    "groups",
    "adapted_program",
    "special_needs",
    "companion",
    "card_number",
    "employee_id",
    "contract_number",
    "contract_signed_on",
    "contract_ends_on",
    "enrollment_date",
    "exit_date",
    "exit_notice_on",
    "parents_taxpayers",
    "taxpayer_changes",
    "family_order",
    "newcomer",
    "went_to_other_kindergarten",
    "inactive",
    "notes",
    "printable_notes",
    "guardians",
    "payer",
    "applicant",
    "payment",
    "delivery",
    "contact_email",
    "payment_group_lead",
    "version",
)


def child_from(
    row: Row,
    groups: Sequence[GroupAssignment],
    links: Sequence[GuardianLink],
    residence_changes: Sequence[ResidenceChange] = (),
    taxpayer_changes: Sequence[TaxpayerChange] = (),
) -> Child:
    """Build a Child from a :data:`CHILD_COLUMNS` row and its owned rows.

    ``groups``, ``residence_changes`` and ``taxpayer_changes`` may come in any
    order (they are sorted here); ``links`` must be in position order.
    """
    (
        organisation_id,
        code,
        first_name,
        last_name,
        sex,
        birth_date,
        birth_place,
        emso,
        tax_number,
        citizenship,
        permanent_street,
        permanent_post_code,
        permanent_city,
        permanent_country,
        temporary_street,
        temporary_post_code,
        temporary_city,
        temporary_country,
        municipality_code,
        regresor_id,
        adapted_program,
        special_needs,
        companion,
        card_number,
        employee_id,
        contract_number,
        contract_signed_on,
        contract_ends_on,
        enrollment_date,
        exit_date,
        exit_notice_on,
        parents_taxpayers,
        family_order,
        newcomer,
        went_to_other_kindergarten,
        inactive,
        notes,
        printable_notes,
        payer_kind,
        payer_guardian_id,
        payer_party_name,
        payer_party_street,
        payer_party_post_code,
        payer_party_city,
        payer_party_country,
        payer_party_tax_number,
        payer_party_email,
        applicant_kind,
        applicant_guardian_id,
        applicant_party_name,
        applicant_party_street,
        applicant_party_post_code,
        applicant_party_city,
        applicant_party_country,
        applicant_party_tax_number,
        applicant_party_email,
        payment_kind,
        mandate_bank,
        mandate_iban,
        mandate_debit_day,
        mandate_reference,
        mandate_signed_on,
        mandate_creditor_id,
        delivery_kind,
        delivery_email,
        delivery_iban,
        contact_email,
        payment_group_lead,
        version,
    ) = row
    if mandate_bank is None:
        payment = _payment(payment_kind)
    else:
        payment = _new_payment(
            _PAYMENT_KIND.get(payment_kind) or PaymentKind(payment_kind),
            _new_mandate(
                mandate_bank,
                mandate_iban,
                mandate_debit_day,
                mandate_reference,
                mandate_signed_on,
                mandate_creditor_id,
            ),
        )
    return _new_child(
        organisation_id,
        code,
        first_name,
        last_name,
        None if sex is None else (_SEX.get(sex) or Sex(sex)),
        birth_date,
        birth_place,
        emso,
        tax_number,
        citizenship,
        _address(permanent_street, permanent_post_code, permanent_city, permanent_country),
        None
        if temporary_street is None
        else _address(temporary_street, temporary_post_code, temporary_city, temporary_country),
        municipality_code,
        regresor_id,
        tuple(residence_changes)
        if len(residence_changes) < 2
        else tuple(sorted(residence_changes, key=_valid_from)),
        tuple(groups) if len(groups) < 2 else tuple(sorted(groups, key=_valid_from)),
        adapted_program,
        special_needs,
        companion,
        card_number,
        employee_id,
        contract_number,
        contract_signed_on,
        contract_ends_on,
        enrollment_date,
        exit_date,
        exit_notice_on,
        parents_taxpayers,
        tuple(taxpayer_changes)
        if len(taxpayer_changes) < 2
        else tuple(sorted(taxpayer_changes, key=_valid_from)),
        family_order,
        newcomer,
        went_to_other_kindergarten,
        inactive,
        notes,
        printable_notes,
        tuple(links),
        None
        if payer_kind is None
        else _payer_from(
            payer_kind,
            payer_guardian_id,
            payer_party_name,
            payer_party_street,
            payer_party_post_code,
            payer_party_city,
            payer_party_country,
            payer_party_tax_number,
            payer_party_email,
        ),
        None
        if applicant_kind is None
        else _payer_from(
            applicant_kind,
            applicant_guardian_id,
            applicant_party_name,
            applicant_party_street,
            applicant_party_post_code,
            applicant_party_city,
            applicant_party_country,
            applicant_party_tax_number,
            applicant_party_email,
        ),
        payment,
        _delivery(delivery_kind, delivery_email, delivery_iban),
        contact_email,
        payment_group_lead,
        version,
    )


def decision_row(d: Decision) -> dict[str, object]:
    """Columns of ``szo_decision``."""
    return {
        "organisation_id": d.organisation_id,
        "id": d.id,
        "child_code": d.child_code,
        "number": d.number,
        "coefficient": d.coefficient,
        "valid_from": d.valid_from,
        "valid_to": d.valid_to,
        "regresor_id": d.regresor_id,
        "sibling_order": d.sibling_order,
        "state_financed": d.state_financed,
        "payment_class": d.payment_class,
        "issued_on": d.issued_on,
        "supersedes": d.supersedes,
        "version": d.version,
    }


DECISION_COLUMNS = (
    "organisation_id",
    "id",
    "child_code",
    "number",
    "coefficient",
    "valid_from",
    "valid_to",
    "regresor_id",
    "sibling_order",
    "state_financed",
    "payment_class",
    "issued_on",
    "supersedes",
    "version",
)
"""The columns :func:`decision_from` reads (the fields of Decision, in order)."""

_new_decision = trusted_factory(Decision, *DECISION_COLUMNS)


def decision_from(row: Row) -> Decision:
    """Build a Decision from a :data:`DECISION_COLUMNS` row."""
    return _new_decision(*row)


def reservation_row(r: Reservation) -> dict[str, object]:
    """Columns of ``szo_reservation``."""
    return {
        "organisation_id": r.organisation_id,
        "id": r.id,
        "child_code": r.child_code,
        "kind": r.kind.value,
        "start_date": r.start,
        "end_date": r.end,
        "announced_on": r.announced_on,
        "doctor_note": r.doctor_note,
        "version": r.version,
    }


RESERVATION_COLUMNS = (
    "organisation_id",
    "id",
    "child_code",
    "kind",
    "start_date",
    "end_date",
    "announced_on",
    "doctor_note",
    "version",
)
"""The columns :func:`reservation_from` reads, in order."""

_new_reservation = trusted_factory(
    Reservation,
    "organisation_id",
    "id",
    "child_code",
    "kind",
    "start",
    "end",
    "announced_on",
    "doctor_note",
    "version",
)


def reservation_from(row: Row) -> Reservation:
    """Build a Reservation from a :data:`RESERVATION_COLUMNS` row."""
    org, key, child_code, kind, start, end, announced_on, doctor_note, version = row
    return _new_reservation(
        org,
        key,
        child_code,
        _RESERVATION_KIND.get(kind) or ReservationKind(kind),
        start,
        end,
        announced_on,
        doctor_note,
        version,
    )


def _split_datetime(value: datetime | None) -> tuple[datetime | None, int | None]:
    if value is None:
        return None, None
    offset = value.utcoffset()
    if offset is None:
        return value, None
    return value.replace(tzinfo=None), offset // _MICROSECOND


def absence_row(a: Absence) -> dict[str, object]:
    """Columns of ``szo_absence``; an aware ``announced_at`` keeps its UTC offset."""
    announced_at, offset = _split_datetime(a.announced_at)
    return {
        "organisation_id": a.organisation_id,
        "id": a.id,
        "child_code": a.child_code,
        "start_date": a.start,
        "end_date": a.end,
        "announced_at": announced_at,
        "announced_utc_offset": offset,
        "doctor_note": a.doctor_note,
        "version": a.version,
    }


ABSENCE_COLUMNS = (
    "organisation_id",
    "id",
    "child_code",
    "start_date",
    "end_date",
    "announced_at",
    "announced_utc_offset",
    "doctor_note",
    "version",
)
"""The columns :func:`absence_from` reads, in order."""

_new_absence = trusted_factory(
    Absence,
    "organisation_id",
    "id",
    "child_code",
    "start",
    "end",
    "announced_at",
    "doctor_note",
    "version",
)


def absence_from(row: Row) -> Absence:
    """Build an Absence from an :data:`ABSENCE_COLUMNS` row."""
    org, key, child_code, start, end, announced_at, offset, doctor_note, version = row
    if offset is not None and announced_at is not None:
        announced_at = announced_at.replace(tzinfo=timezone(offset * _MICROSECOND))
    return _new_absence(org, key, child_code, start, end, announced_at, doctor_note, version)


def group_rows(
    rows: Iterable[Row],
    build: Callable[[Row], T],
    key: int,
    order: Callable[[tuple[T, ...]], tuple[T, ...]] | None = None,
) -> dict[Any, tuple[T, ...]]:
    """Build a record from each row and collect them by the row's column ``key``, in one pass.

    Most keys have one record, so each group is a tuple from the start; ``order``
    (if given) sorts only the groups that got more than one.

    >>> by_letter = lambda group: tuple(sorted(group))
    >>> group_rows([(7, "c"), (8, "b"), (7, "a")], lambda row: row[1], 0, by_letter)
    {7: ('a', 'c'), 8: ('b',)}
    """
    grouped: dict[Any, tuple[T, ...]] = {}
    found_for = grouped.get
    several = []
    for row in rows:
        record = build(row)
        group = row[key]
        found = found_for(group)
        if found is None:
            grouped[group] = (record,)
        else:
            grouped[group] = (*found, record)
            several.append(group)
    if order is not None:
        for group in several:
            grouped[group] = order(grouped[group])
    return grouped


def _position_and_link(row: Row) -> tuple[int, GuardianLink]:
    return row[1], child_guardian_from(row)


def _by_position(
    pairs: tuple[tuple[int, GuardianLink], ...],
) -> tuple[tuple[int, GuardianLink], ...]:
    return tuple(sorted(pairs, key=_first))


def child_links(rows: Iterable[Row]) -> dict[int, tuple[GuardianLink, ...]]:
    """A child's guardian links (:data:`CHILD_GUARDIAN_COLUMNS` rows) by its code, in order.

    >>> links = child_links([(7, 1, "g-2", "father"), (7, 0, "g-1", "mother")])
    >>> [link.guardian_id for link in links[7]]
    ['g-1', 'g-2']
    """
    by_child = group_rows(rows, _position_and_link, 0, _by_position)
    return {
        code: (pairs[0][1],) if len(pairs) == 1 else tuple(link for _, link in pairs)
        for code, pairs in by_child.items()
    }
