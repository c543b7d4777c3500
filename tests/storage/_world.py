"""Helpers for the storage tests: the records a record refers to, and small worlds.

``references(record)`` returns minimal records that make every reference of
``record`` exist (its child, regresor, groups, programs, guardians ...), so that
a randomly drawn record can be stored in an adapter that checks references.
Personal numbers are synthetic, built with the check-digit functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from szo_core.ids import emso
from szo_core.ids.emso import Sex
from szo_core.model import (
    Absence,
    Child,
    Decision,
    Group,
    GroupAssignment,
    Guardian,
    GuardianKind,
    GuardianLink,
    Program,
    ProgramPrice,
    Regresor,
    Reservation,
    ReservationKind,
)
from szo_core.ports import UnitOfWork

Record = Child | Guardian | Program | Group | Regresor | Decision | Reservation | Absence


def bare_child(organisation_id: str, code: int, **changes: object) -> Child:
    return Child(organisation_id=organisation_id, code=code, **changes)  # type: ignore[arg-type]


def _dedupe(records: Iterable[Record]) -> list[Record]:
    seen: dict[tuple[type, str, object], Record] = {}
    for r in records:
        seen.setdefault((type(r), r.organisation_id, key_of(r)), r)
    return list(seen.values())


def key_of(record: Record) -> object:
    if isinstance(record, Child | Program | Group):
        return record.code
    return record.id


def references(record: Record) -> list[Record]:
    """Minimal records that every reference of ``record`` needs (not ``record`` itself)."""
    org = record.organisation_id
    out: list[Record] = []
    if isinstance(record, Child):
        if record.regresor_id is not None:
            out.append(Regresor(organisation_id=org, id=record.regresor_id, name="R"))
        for move in record.residence_changes:
            if move.regresor_id is not None:
                out.append(Regresor(organisation_id=org, id=move.regresor_id, name="R"))
        for g in record.groups:
            out.append(Group(organisation_id=org, code=g.group_code))
            out.append(Program(organisation_id=org, code=g.program_code))
        for link in record.guardians:
            out.append(Guardian(organisation_id=org, id=link.guardian_id))
        lead = record.payment_group_lead
        if lead is not None and lead != record.code:
            out.append(bare_child(org, lead))
    elif isinstance(record, Program):
        if record.reference_program is not None:
            out.append(Program(organisation_id=org, code=record.reference_program))
    elif isinstance(record, Group):
        if record.program_code is not None:
            out.append(Program(organisation_id=org, code=record.program_code))
    elif isinstance(record, Decision):
        out.append(bare_child(org, record.child_code))
        if record.regresor_id is not None:
            out.append(Regresor(organisation_id=org, id=record.regresor_id, name="R"))
        if record.supersedes is not None and record.supersedes != record.id:
            out.append(
                Decision(
                    organisation_id=org,
                    id=record.supersedes,
                    child_code=record.child_code,
                    number="old",
                    coefficient=Decimal("0.77"),
                    valid_from=date(2012, 1, 1),
                )
            )
    elif isinstance(record, Reservation | Absence):
        out.append(bare_child(org, record.child_code))
    return [
        r for r in _dedupe(out) if not (type(r) is type(record) and key_of(r) == key_of(record))
    ]


def repository(uow: UnitOfWork, record: Record) -> object:
    """The repository of ``record``'s type in ``uow``."""
    return {
        Child: uow.children,
        Guardian: uow.guardians,
        Program: uow.programs,
        Group: uow.groups,
        Regresor: uow.regresors,
        Decision: uow.decisions,
        Reservation: uow.reservations,
        Absence: uow.absences,
    }[type(record)]


def add(uow: UnitOfWork, *records: Record) -> None:
    """Add records to their repositories."""
    for r in records:
        repository(uow, r).add(r)  # type: ignore[attr-defined]


def store_with_references(
    uow: UnitOfWork, *records: Record, also_for: Iterable[Record] = ()
) -> None:
    """Add ``records`` and what they (and ``also_for``) refer to, each needed record once."""
    own = {(type(r), key_of(r)) for r in records}
    needed = _dedupe(ref for r in (*records, *also_for) for ref in references(r))
    add(uow, *(r for r in needed if (type(r), key_of(r)) not in own), *records)


# -- a small hand-made organisation for month queries ---------------------------------

ORG = "vrtec-sonce"


def synthetic_emso(day: int) -> str:
    """A valid EMŠO of a child born in 2021 (built with the check-digit function)."""
    return emso.make(date(2021, 1, day), Sex.FEMALE if day % 2 else Sex.MALE)


def price(valid_from: date, monthly: str, food: str) -> ProgramPrice:
    return ProgramPrice(valid_from=valid_from, monthly=Decimal(monthly), food_per_day=Decimal(food))


def base_records(org: str = ORG) -> list[Record]:
    """Programs, a group, a regresor and a guardian shared by the month worlds."""
    return [
        Program(
            organisation_id=org,
            code="I",
            name="1. starostno obdobje",
            prices=(
                price(date(2024, 9, 1), "520.00", "2.60"),
                price(date(2025, 9, 1), "545.10", "2.80"),
            ),
        ),
        Group(organisation_id=org, code="A1", name="Metulji", program_code="I"),
        Regresor(
            organisation_id=org, id="r-61", name="Mestna občina Ljubljana", municipality_code=61
        ),
        Guardian(organisation_id=org, id="g-1", first_name="Ana", last_name="Novak"),
    ]


def month_child(
    org: str,
    code: int,
    *,
    enrolled: date = date(2024, 9, 1),
    exit_date: date | None = None,
    guardian: bool = True,
) -> Child:
    return Child(
        organisation_id=org,
        code=code,
        first_name=f"Otrok{code}",
        last_name="Kovač",
        emso=synthetic_emso(code % 28 + 1),
        enrollment_date=enrolled,
        exit_date=exit_date,
        regresor_id="r-61",
        groups=(GroupAssignment(valid_from=enrolled, group_code="A1", program_code="I"),),
        guardians=(GuardianLink(guardian_id="g-1", kind=GuardianKind.MOTHER),) if guardian else (),
    )


def child_month_records(org: str, code: int, month_first: date) -> list[Record]:
    """One decision, one reservation and one absence of child ``code`` in the month."""
    return [
        Decision(
            organisation_id=org,
            id=f"d-{code}",
            child_code=code,
            number=f"1234-{code}/2025",
            coefficient=Decimal("0.53"),
            valid_from=date(2025, 1, 1),
            valid_to=date(2025, 12, 31),
            regresor_id="r-61",
        ),
        Reservation(
            organisation_id=org,
            id=f"r-{code}",
            child_code=code,
            kind=ReservationKind.SUMMER,
            start=month_first.replace(day=1),
            end=month_first.replace(day=10),
        ),
        Absence(
            organisation_id=org,
            id=f"a-{code}",
            child_code=code,
            start=month_first.replace(day=15),
            end=month_first.replace(day=16),
            announced_at=datetime(month_first.year, month_first.month, 14, 7, 30),
        ),
    ]


def month_world(org: str, children: int, month_first: date) -> list[Record]:
    """An organisation with ``children`` enrolled children, each with its month records."""
    records: list[Record] = base_records(org)
    for code in range(1, children + 1):
        records.append(month_child(org, code))
        records.extend(child_month_records(org, code, month_first))
    return records
