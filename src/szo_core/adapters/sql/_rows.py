"""Records to rows and back: the named constructors of the SQL adapter.

Each ``*_row`` function returns the column values of a record (a dict for
INSERT/UPDATE); each ``*_from`` function builds the record from a result row.
Nested values are flattened with a column prefix; a nullable nested value is
None when its marker column is NULL (see :mod:`szo_core.adapters.sql.tables`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import RowMapping

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
    ProgramPrice,
    Regresor,
    Reservation,
    ReservationKind,
)

Row = RowMapping
"""A result row as a mapping of column name to value."""

_MICROSECOND = timedelta(microseconds=1)

# Small value objects repeat across many rows (empty addresses, the default delivery,
# a group's assignment, a shared guardian link).  Records are immutable, so equal
# values can share one object; the caches are bounded and thread-safe.
_cache = functools.lru_cache(maxsize=8192)


@_cache
def _address(street: str, post_code: str, city: str, country: str) -> Address:
    return Address(street=street, post_code=post_code, city=city, country=country)


@_cache
def _assignment(valid_from: date, group_code: str, program_code: str) -> GroupAssignment:
    return GroupAssignment(valid_from=valid_from, group_code=group_code, program_code=program_code)


@_cache
def _link(guardian_id: str, kind: str) -> GuardianLink:
    return GuardianLink(guardian_id=guardian_id, kind=GuardianKind(kind))


@_cache
def _delivery(kind: str, email: str, iban: str) -> InvoiceDelivery:
    return InvoiceDelivery(kind=DeliveryKind(kind), email=email, iban=iban)


@_cache
def _payment(kind: str) -> PaymentMethod:
    return PaymentMethod(kind=PaymentKind(kind))


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


def _address_from(prefix: str, row: Row) -> Address:
    return _address(
        row[f"{prefix}_street"],
        row[f"{prefix}_post_code"],
        row[f"{prefix}_city"],
        row[f"{prefix}_country"],
    )


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


def _payer_from(prefix: str, row: Row) -> Payer | None:
    kind = row[f"{prefix}_kind"]
    if kind is None:
        return None
    party = None
    if row[f"{prefix}_party_name"] is not None:
        party = Party(
            name=row[f"{prefix}_party_name"],
            address=_address_from(f"{prefix}_party", row),
            tax_number=row[f"{prefix}_party_tax_number"],
            email=row[f"{prefix}_party_email"],
        )
    return Payer(kind=PayerKind(kind), guardian_id=row[f"{prefix}_guardian_id"], party=party)


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


def guardian_from(row: Row) -> Guardian:
    """Build a Guardian."""
    return Guardian(
        organisation_id=row["organisation_id"],
        id=row["id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        address=_address_from("address", row),
        emso=row["emso"],
        tax_number=row["tax_number"],
        iban=row["iban"],
        email=row["email"],
        phone=row["phone"],
        version=row["version"],
    )


def program_row(p: Program) -> dict[str, object]:
    """Columns of ``szo_program``."""
    return {
        "organisation_id": p.organisation_id,
        "code": p.code,
        "name": p.name,
        "version": p.version,
    }


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


def program_price_from(row: Row) -> ProgramPrice:
    """Build a ProgramPrice."""
    return ProgramPrice(
        valid_from=row["valid_from"], monthly=row["monthly"], food_per_day=row["food_per_day"]
    )


def program_from(row: Row, prices: Iterable[ProgramPrice]) -> Program:
    """Build a Program with its prices (sorted here)."""
    return Program(
        organisation_id=row["organisation_id"],
        code=row["code"],
        name=row["name"],
        prices=tuple(sorted(prices, key=lambda p: p.valid_from)),
        version=row["version"],
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


def group_from(row: Row) -> Group:
    """Build a Group."""
    return Group(
        organisation_id=row["organisation_id"],
        code=row["code"],
        name=row["name"],
        program_code=row["program_code"],
        version=row["version"],
    )


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


def regresor_from(row: Row) -> Regresor:
    """Build a Regresor."""
    return Regresor(
        organisation_id=row["organisation_id"],
        id=row["id"],
        name=row["name"],
        municipality_code=row["municipality_code"],
        address=_address_from("address", row),
        tax_number=row["tax_number"],
        email=row["email"],
        version=row["version"],
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


def child_group_from(row: Row) -> GroupAssignment:
    """Build a GroupAssignment."""
    return _assignment(row["valid_from"], row["group_code"], row["program_code"])


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


def child_guardian_from(row: Row) -> GuardianLink:
    """Build a GuardianLink."""
    return _link(row["guardian_id"], row["kind"])


def child_from(row: Row, groups: Iterable[GroupAssignment], links: Iterable[GuardianLink]) -> Child:
    """Build a Child; ``groups`` are sorted here, ``links`` must be in position order."""
    mandate = None
    if row["mandate_bank"] is not None:
        mandate = Mandate(
            bank=row["mandate_bank"],
            iban=row["mandate_iban"],
            debit_day=row["mandate_debit_day"],
            reference=row["mandate_reference"],
            signed_on=row["mandate_signed_on"],
            creditor_id=row["mandate_creditor_id"],
        )
    sex = row["sex"]
    return Child(
        organisation_id=row["organisation_id"],
        code=row["code"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        sex=None if sex is None else Sex(sex),
        birth_date=row["birth_date"],
        birth_place=row["birth_place"],
        emso=row["emso"],
        tax_number=row["tax_number"],
        citizenship=row["citizenship"],
        permanent_address=_address_from("permanent", row),
        temporary_address=(
            None if row["temporary_street"] is None else _address_from("temporary", row)
        ),
        municipality_code=row["municipality_code"],
        regresor_id=row["regresor_id"],
        groups=tuple(sorted(groups, key=lambda g: g.valid_from)),
        adapted_program=row["adapted_program"],
        special_needs=row["special_needs"],
        companion=row["companion"],
        card_number=row["card_number"],
        employee_id=row["employee_id"],
        contract_number=row["contract_number"],
        contract_signed_on=row["contract_signed_on"],
        contract_ends_on=row["contract_ends_on"],
        enrollment_date=row["enrollment_date"],
        exit_date=row["exit_date"],
        newcomer=row["newcomer"],
        went_to_other_kindergarten=row["went_to_other_kindergarten"],
        inactive=row["inactive"],
        notes=row["notes"],
        printable_notes=row["printable_notes"],
        guardians=tuple(links),
        payer=_payer_from("payer", row),
        applicant=_payer_from("applicant", row),
        payment=(
            _payment(row["payment_kind"])
            if mandate is None
            else PaymentMethod(kind=PaymentKind(row["payment_kind"]), mandate=mandate)
        ),
        delivery=_delivery(row["delivery_kind"], row["delivery_email"], row["delivery_iban"]),
        payment_group_lead=row["payment_group_lead"],
        version=row["version"],
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


def decision_from(row: Row) -> Decision:
    """Build a Decision."""
    return Decision(
        organisation_id=row["organisation_id"],
        id=row["id"],
        child_code=row["child_code"],
        number=row["number"],
        coefficient=row["coefficient"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        regresor_id=row["regresor_id"],
        sibling_order=row["sibling_order"],
        state_financed=row["state_financed"],
        payment_class=row["payment_class"],
        issued_on=row["issued_on"],
        supersedes=row["supersedes"],
        version=row["version"],
    )


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


def reservation_from(row: Row) -> Reservation:
    """Build a Reservation."""
    return Reservation(
        organisation_id=row["organisation_id"],
        id=row["id"],
        child_code=row["child_code"],
        kind=ReservationKind(row["kind"]),
        start=row["start_date"],
        end=row["end_date"],
        announced_on=row["announced_on"],
        doctor_note=row["doctor_note"],
        version=row["version"],
    )


def _split_datetime(value: datetime | None) -> tuple[datetime | None, int | None]:
    if value is None:
        return None, None
    offset = value.utcoffset()
    if offset is None:
        return value, None
    return value.replace(tzinfo=None), offset // _MICROSECOND


def _join_datetime(value: datetime | None, offset: int | None) -> datetime | None:
    if value is None or offset is None:
        return value
    return value.replace(tzinfo=timezone(offset * _MICROSECOND))


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


def absence_from(row: Row) -> Absence:
    """Build an Absence."""
    return Absence(
        organisation_id=row["organisation_id"],
        id=row["id"],
        child_code=row["child_code"],
        start=row["start_date"],
        end=row["end_date"],
        announced_at=_join_datetime(row["announced_at"], row["announced_utc_offset"]),
        doctor_note=row["doctor_note"],
        version=row["version"],
    )
