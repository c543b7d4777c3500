"""Fingerprints: every input that changes a month's fee changes its digest, nothing else does.

The digest is the same in every process (it never uses the salted ``hash()``):
checked in subprocesses with different ``PYTHONHASHSEED`` values, with a
calendar of closure days (a frozenset, whose order differs between processes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal

import attrs
import pytest

from szo_core.billing.fingerprint import CHILD_FIELDS_IGNORED, Fingerprinter
from szo_core.calendar import Month, WorkingCalendar
from szo_core.fees import FeeInputs, FeeRules, SiblingInfo
from szo_core.ids.emso import Sex
from szo_core.model import (
    Absence,
    Child,
    Decision,
    GroupAssignment,
    GuardianKind,
    GuardianLink,
    Program,
    ProgramPrice,
    Reservation,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
)

SEP = Month(2026, 9)
RULES = FeeRules(host_municipality=61)
PRICE = ProgramPrice(
    valid_from=date(2026, 1, 1), monthly=Decimal("500.00"), food_per_day=Decimal("2.50")
)
PROGRAM = Program(organisation_id="o", code="I", prices=(PRICE,))
CHILD = Child(
    organisation_id="o",
    code=7,
    first_name="Ana",
    birth_date=date(2022, 3, 4),
    municipality_code=61,
    regresor_id="r-61",
    enrollment_date=date(2026, 1, 5),
    groups=(GroupAssignment(valid_from=date(2026, 1, 5), group_code="A", program_code="I"),),
)
DECISION = Decision(
    organisation_id="o",
    id="d-1",
    child_code=7,
    number="1",
    coefficient=Decimal("0.53"),
    valid_from=date(2026, 1, 1),
)
RESERVATION = Reservation(
    organisation_id="o",
    id="r-1",
    child_code=7,
    kind=ReservationKind.SUMMER,
    start=date(2026, 7, 1),
    end=date(2026, 7, 31),
)
ABSENCE = Absence(
    organisation_id="o",
    id="a-1",
    child_code=7,
    start=date(2026, 9, 7),
    end=date(2026, 9, 9),
    announced_at=datetime(2026, 9, 6, 18, 0),
)
INPUTS = FeeInputs(
    programs=(PROGRAM,),
    decisions=(DECISION,),
    reservations=(RESERVATION,),
    absences=(ABSENCE,),
)


def digest(
    child: Child = CHILD,
    inputs: FeeInputs = INPUTS,
    rules: FeeRules = RULES,
    program: Program = PROGRAM,
    month: Month = SEP,
) -> str:
    return Fingerprinter(rules, {program.code: program}).digest(month, child, inputs)


BASE = digest()

# One change per child field the digest covers; a new Child field must be added here or
# to CHILD_FIELDS_IGNORED, deliberately.
CHILD_CHANGES: dict[str, object] = {
    "organisation_id": "p",
    "code": 8,
    "sex": Sex.FEMALE,
    "birth_date": date(2022, 3, 5),
    "municipality_code": 62,
    "regresor_id": "r-62",
    "residence_changes": (ResidenceChange(valid_from=date(2026, 9, 15), municipality_code=62),),
    "groups": (
        *CHILD.groups,
        GroupAssignment(valid_from=date(2026, 9, 15), group_code="B", program_code="I"),
    ),
    "adapted_program": True,
    "special_needs": True,
    "companion": True,
    "enrollment_date": date(2026, 1, 6),
    "exit_date": date(2026, 12, 31),
    "exit_notice_on": date(2026, 9, 1),
    "parents_taxpayers": False,
    "taxpayer_changes": (TaxpayerChange(valid_from=date(2026, 9, 10), taxpayers=False),),
    "family_order": 3,
    "newcomer": True,
    "went_to_other_kindergarten": True,
    "inactive": True,
    "guardians": (GuardianLink(guardian_id="g", kind=GuardianKind.MOTHER),),
}


def test_every_child_field_is_covered_or_deliberately_ignored() -> None:
    names = {f.name for f in attrs.fields(Child)}
    assert set(CHILD_CHANGES) | CHILD_FIELDS_IGNORED == names
    assert not set(CHILD_CHANGES) & CHILD_FIELDS_IGNORED


@pytest.mark.parametrize("name", sorted(CHILD_CHANGES))
def test_a_fee_relevant_child_field_changes_the_digest(name: str) -> None:
    assert digest(attrs.evolve(CHILD, **{name: CHILD_CHANGES[name]})) != BASE


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("first_name", "Anja"),
        ("notes", "moved"),
        ("card_number", "123"),
        ("version", 7),
        # Dated histories clipped to the month: entries that start after it do not count.
        (
            "residence_changes",
            (ResidenceChange(valid_from=date(2026, 10, 1), municipality_code=62),),
        ),
        ("taxpayer_changes", (TaxpayerChange(valid_from=date(2026, 10, 1), taxpayers=False),)),
        (
            "groups",
            (
                *CHILD.groups,
                GroupAssignment(valid_from=date(2026, 10, 1), group_code="B", program_code="I"),
            ),
        ),
    ],
)
def test_what_does_not_change_the_months_fee_leaves_the_digest(name: str, value: object) -> None:
    assert digest(attrs.evolve(CHILD, **{name: value})) == BASE


def test_an_entry_in_force_from_before_the_month_counts_once_and_the_same() -> None:
    # A move on 1 August is in force on 1 September: the digest changes.
    moved = CHILD.with_residence_change(
        ResidenceChange(valid_from=date(2026, 8, 1), municipality_code=62)
    )
    assert digest(moved) != BASE
    # A second, earlier move that August's overrides leaves September as it was.
    earlier = moved.with_residence_change(
        ResidenceChange(valid_from=date(2026, 6, 1), municipality_code=63)
    )
    assert digest(earlier) == digest(moved)


@pytest.mark.parametrize(
    "inputs",
    [
        attrs.evolve(INPUTS, decisions=(attrs.evolve(DECISION, coefficient=Decimal("0.35")),)),
        attrs.evolve(INPUTS, decisions=()),
        attrs.evolve(
            INPUTS,
            decisions=(DECISION, attrs.evolve(DECISION, id="d-2", supersedes="d-1")),
        ),
        attrs.evolve(INPUTS, reservations=()),
        attrs.evolve(INPUTS, absences=(attrs.evolve(ABSENCE, end=date(2026, 9, 10)),)),
        attrs.evolve(INPUTS, siblings=SiblingInfo(enrolled_order=2, family_order=2)),
        attrs.evolve(INPUTS, taxpayer=False),
        attrs.evolve(INPUTS, exit_notice_on=date(2026, 9, 21)),
        attrs.evolve(INPUTS, program_code="II"),
    ],
)
def test_the_months_records_change_the_digest(inputs: FeeInputs) -> None:
    assert digest(inputs=inputs) != BASE


def test_the_version_of_a_record_does_not_change_the_digest() -> None:
    same = attrs.evolve(INPUTS, decisions=(attrs.evolve(DECISION, version=3),))
    assert digest(inputs=same) == BASE


def test_prices_and_rules_change_the_digest_only_in_force() -> None:
    dearer = attrs.evolve(PROGRAM, prices=(attrs.evolve(PRICE, monthly=Decimal("520.00")),))
    assert digest(program=dearer) != BASE
    later = ProgramPrice(
        valid_from=date(2026, 10, 1), monthly=Decimal("520.00"), food_per_day=Decimal("2.50")
    )
    assert digest(program=attrs.evolve(PROGRAM, prices=(PRICE, later))) == BASE
    mid = attrs.evolve(later, valid_from=date(2026, 9, 16))
    assert digest(program=attrs.evolve(PROGRAM, prices=(PRICE, mid))) != BASE
    assert digest(rules=FeeRules(host_municipality=62)) != BASE
    closed = FeeRules(host_municipality=61, calendar=WorkingCalendar(closures={date(2026, 9, 8)}))
    assert digest(rules=closed) != BASE
    assert digest(month=Month(2026, 10)) != BASE


_SCRIPT = """
import json, sys
from datetime import date
from tests.billing.test_fingerprint import CHILD, INPUTS, PROGRAM, SEP
from szo_core.billing.fingerprint import Fingerprinter
from szo_core.calendar import WorkingCalendar
from szo_core.fees import FeeRules
closures = {date(2026, 9, d) for d in (7, 8, 9, 10, 11, 21, 22)}
rules = FeeRules(host_municipality=61, calendar=WorkingCalendar(closures=closures))
prints = Fingerprinter(rules, {"I": PROGRAM})
print(json.dumps([prints.digest(SEP, CHILD, INPUTS)]))
"""


def test_digests_are_the_same_in_every_process() -> None:
    found = set()
    for seed in ("0", "1", "4242", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            cwd=os.getcwd(),
        )
        found.add(tuple(json.loads(done.stdout)))
    assert len(found) == 1
