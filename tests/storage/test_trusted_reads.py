"""The SQL adapter reads records back without validating them again: check it loses nothing.

Reads build records with the trusted constructor (``szo_core.model._trusted``),
so a wrong column, a value of the wrong type (``1`` for ``True``, text for a
date, an ``int`` for an enum) or a field left at its default would not be caught
by the records' validators.  These properties catch it: what comes back through
``get``, ``for_organisation`` and ``load_month`` equals the original, equals the
original rebuilt through its constructor (``attrs.evolve``), has the same type
in every field, nested values included, and passes the validators again.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table
from tests.storage._backend import Backend
from tests.storage._world import Record, key_of, references, repository, store_with_references

from szo_core.adapters.sql import _rows, tables
from szo_core.calendar import Month
from szo_core.model import Absence, Child, Decision, Guardian, Program, ProgramKind, Reservation
from szo_core.testing import records as rs

SQL_EXAMPLES = 40

STRATEGIES = {
    "child": rs.children(),
    "guardian": rs.guardians(),
    "program": rs.programs(),
    "group": rs.groups(),
    "regresor": rs.regresors(),
    "decision": rs.decisions(),
    "reservation": rs.reservations(),
    "absence": rs.absences(),
}

sql_settings = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    max_examples=min(settings().max_examples, SQL_EXAMPLES),
)


def assert_same(loaded: object, original: object, path: str = "record") -> None:
    """Equal, and of the same type all the way down (Decimal: same scale; time: same offset)."""
    cls = type(original)
    assert type(loaded) is cls, f"{path}: {type(loaded)} != {cls}"
    if attrs.has(cls):
        for field in attrs.fields(cls):
            assert_same(
                getattr(loaded, field.name), getattr(original, field.name), f"{path}.{field.name}"
            )
    elif isinstance(original, tuple):
        assert isinstance(loaded, tuple)
        assert len(loaded) == len(original), path
        for index, (a, b) in enumerate(zip(loaded, original, strict=True)):
            assert_same(a, b, f"{path}[{index}]")
    elif isinstance(original, Decimal):
        assert isinstance(loaded, Decimal)
        assert loaded == original, path
        assert loaded.as_tuple().exponent == original.as_tuple().exponent, path
    elif isinstance(original, datetime):
        assert isinstance(loaded, datetime)
        assert loaded == original, path
        assert loaded.utcoffset() == original.utcoffset(), path
    else:
        assert loaded == original, path


def assert_faithful(loaded: Record, original: Record) -> None:
    assert loaded == original
    assert loaded == attrs.evolve(original)
    assert_same(loaded, original)
    # the validators accept what was read (it could have been built by the constructor)
    assert attrs.evolve(loaded) == loaded


@pytest.mark.parametrize("kind", sorted(STRATEGIES))
def test_read_back_equals_the_validated_record(sql_backend: Backend, kind: str) -> None:
    @sql_settings
    @given(record=STRATEGIES[kind])
    def check(record: Record) -> None:
        sql_backend.reset()
        with sql_backend.store.unit_of_work() as uow:
            store_with_references(uow, record)
            uow.commit()
        with sql_backend.store.unit_of_work() as uow:
            repo = repository(uow, record)
            got = repo.get(record.organisation_id, key_of(record))  # type: ignore[attr-defined]
            listed = repo.for_organisation(record.organisation_id)  # type: ignore[attr-defined]
        assert_faithful(got, record)
        assert_faithful(next(r for r in listed if key_of(r) == key_of(record)), record)

    check()


MONTH = Month(2025, 3)


@st.composite
def _month_records(draw: st.DrawFn) -> tuple[Child, Decision, Reservation, Absence]:
    """A random child enrolled in March 2025, with a random decision, reservation, absence."""
    child = attrs.evolve(draw(rs.children()), enrollment_date=date(2024, 9, 1), exit_date=None)
    code = child.code
    decision = attrs.evolve(
        draw(rs.decisions()),
        child_code=code,
        valid_from=date(2025, 1, 1),
        valid_to=draw(st.one_of(st.none(), st.dates(date(2025, 3, 1), date(2026, 8, 31)))),
        supersedes=None,
    )
    start = draw(st.dates(date(2025, 1, 1), date(2025, 3, 31)))
    reservation = attrs.evolve(
        draw(rs.reservations()), child_code=code, start=start, end=date(2025, 12, 31)
    )
    absence = attrs.evolve(draw(rs.absences()), child_code=code, start=start, end=date(2025, 3, 31))
    return child, decision, reservation, absence


@given(records=_month_records())
@sql_settings
def test_month_read_equals_the_validated_records(
    sql_backend: Backend, records: tuple[Child, Decision, Reservation, Absence]
) -> None:
    child, decision, reservation, absence = records
    sql_backend.reset()
    with sql_backend.store.unit_of_work() as uow:
        store_with_references(uow, *records)
        uow.commit()
    with sql_backend.store.unit_of_work() as uow:
        data = uow.load_month(child.organisation_id, MONTH)
    month = data.children[child.code]
    assert_faithful(month.child, child)
    assert month.decisions == (decision,)
    assert_faithful(month.decisions[0], decision)
    assert month.reservations == (reservation,)
    assert_faithful(month.reservations[0], reservation)
    assert month.absences == (absence,)
    assert_faithful(month.absences[0], absence)
    needed = [r for r in references(child) if isinstance(r, Guardian)]
    assert len(data.guardians) == len(needed)
    for guardian in needed:
        assert_faithful(data.guardians[guardian.id], guardian)


@st.composite
def _dated_children(draw: st.DrawFn) -> Child:
    """A random child enrolled in March 2025 with at least one move and one tax change."""
    return attrs.evolve(
        draw(rs.children()),
        enrollment_date=date(2024, 9, 1),
        exit_date=None,
        residence_changes=draw(rs.residence_changes(min_size=1)),
        taxpayer_changes=draw(rs.taxpayer_changes(min_size=1)),
    )


@given(child=_dated_children(), program=rs.programs())
@sql_settings
def test_dated_facts_and_program_kinds_read_back_faithfully(
    sql_backend: Backend, child: Child, program: Program
) -> None:
    # The histories and the kinds come back as their own types (a ResidenceChange with
    # an int code or None, a bool tax status, a ProgramKind member), through every read.
    sql_backend.reset()
    with sql_backend.store.unit_of_work() as uow:
        store_with_references(uow, child, program)
        uow.commit()
    with sql_backend.store.unit_of_work() as uow:
        reads = [
            uow.children.get(child.organisation_id, child.code),
            uow.load_month(child.organisation_id, MONTH).children[child.code].child,
            uow.load_period(child.organisation_id, Month(2025, 1), Month(2025, 6))
            .children[child.code]
            .child,
        ]
        programs = [
            uow.programs.get(program.organisation_id, program.code),
            uow.load_month(program.organisation_id, MONTH).programs[program.code],
        ]
    for read in reads:
        assert_faithful(read, child)
    for read in programs:
        assert_faithful(read, program)
        assert type(read.kind) is ProgramKind


@pytest.mark.parametrize(
    ("table", "names", "left_out"),
    [
        (tables.child, _rows.CHILD_COLUMNS, set()),
        # owned rows: the organisation is in the WHERE clause, the child's code groups them
        (tables.child_group, _rows.CHILD_GROUP_COLUMNS, {"organisation_id"}),
        (tables.child_guardian, _rows.CHILD_GUARDIAN_COLUMNS, {"organisation_id"}),
        (tables.child_residence, _rows.CHILD_RESIDENCE_COLUMNS, {"organisation_id"}),
        (tables.child_taxpayer, _rows.CHILD_TAXPAYER_COLUMNS, {"organisation_id"}),
        (tables.program_price, _rows.PROGRAM_PRICE_COLUMNS, {"organisation_id"}),
        (tables.program_reference, _rows.PROGRAM_REFERENCE_COLUMNS, {"organisation_id"}),
        (tables.guardian, _rows.GUARDIAN_COLUMNS, set()),
        (tables.program, _rows.PROGRAM_COLUMNS, set()),
        (tables.group, _rows.GROUP_COLUMNS, set()),
        (tables.regresor, _rows.REGRESOR_COLUMNS, set()),
        (tables.decision, _rows.DECISION_COLUMNS, set()),
        (tables.reservation, _rows.RESERVATION_COLUMNS, set()),
        (tables.absence, _rows.ABSENCE_COLUMNS, set()),
    ],
)
def test_reads_use_every_stored_column_once(
    table: Table, names: tuple[str, ...], left_out: set[str]
) -> None:
    # A column added to a table but not to its *_COLUMNS would be stored and never read.
    assert len(set(names)) == len(names)
    assert set(names) == set(table.c.keys()) - left_out
