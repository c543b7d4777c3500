"""The storage contract: every adapter (memory, SQLite, PostgreSQL) must pass all of it.

A new adapter is checked by adding it to the ``backend`` fixture in conftest.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.storage._backend import Backend
from tests.storage._world import (
    ORG,
    Record,
    add,
    bare_child,
    base_records,
    child_month_records,
    key_of,
    month_child,
    month_world,
    price,
    repository,
    store_with_references,
    synthetic_emso,
)

from szo_core.adapters._common import by_start
from szo_core.calendar import Month
from szo_core.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    NotFound,
    RecordLockedError,
    StorageError,
)
from szo_core.model import (
    MAX_COEFFICIENT,
    Absence,
    Child,
    Decision,
    Group,
    Program,
    ProgramKind,
    Regresor,
    Reservation,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
)
from szo_core.testing import records as rs

fixture_settings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
# Each example empties and refills a database: fewer of them on the SQL backends.
SQL_EXAMPLES = 40


def backend_settings(backend: Backend) -> settings:
    examples = settings.default.max_examples
    return settings(
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        max_examples=examples if backend.sql is None else min(examples, SQL_EXAMPLES),
    )


RECORD_STRATEGIES = {
    "child": rs.children(),
    "guardian": rs.guardians(),
    "program": rs.programs(),
    "group": rs.groups(),
    "regresor": rs.regresors(),
    "decision": rs.decisions(),
    "reservation": rs.reservations(),
    "absence": rs.absences(),
}


def _get(backend: Backend, record: Record) -> Record:
    with backend.store.unit_of_work() as uow:
        return repository(uow, record).get(record.organisation_id, key_of(record))  # type: ignore[attr-defined, no-any-return]


# -- round trips ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(RECORD_STRATEGIES))
def test_records_round_trip_unchanged(backend: Backend, kind: str) -> None:
    @backend_settings(backend)
    @given(record=RECORD_STRATEGIES[kind])
    def check(record: Record) -> None:
        backend.reset()
        with backend.store.unit_of_work() as uow:
            store_with_references(uow, record)
            uow.commit()
        assert _get(backend, record) == record
        with backend.store.unit_of_work() as uow:
            listed = repository(uow, record).for_organisation(record.organisation_id)  # type: ignore[attr-defined]
        assert record in listed

    check()


@pytest.mark.parametrize("kind", sorted(RECORD_STRATEGIES))
def test_update_stores_the_new_content_with_the_next_version(backend: Backend, kind: str) -> None:
    @backend_settings(backend)
    @given(first=RECORD_STRATEGIES[kind], second=RECORD_STRATEGIES[kind])
    def check(first: Record, second: Record) -> None:
        backend.reset()
        # the second record takes the first one's key and version (as if read, then edited)
        key_field = "code" if isinstance(first, Child | Program | Group) else "id"
        edited = attrs.evolve(second, **{key_field: key_of(first), "version": first.version})  # type: ignore[misc]
        with backend.store.unit_of_work() as uow:
            store_with_references(uow, first, also_for=[edited])
            uow.commit()
        with backend.store.unit_of_work() as uow:
            stored = repository(uow, edited).update(edited)  # type: ignore[attr-defined]
            uow.commit()
        assert stored == attrs.evolve(edited, version=first.version + 1)
        assert _get(backend, first) == stored

    check()


def test_money_keeps_every_digit_and_the_scale(backend: Backend) -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; stored as Decimal it
    # must come back as exactly 0.1, 0.2 and 0.3, with trailing zeros kept ("0.30").
    values = [
        Decimal("0.1"),
        Decimal("0.2"),
        Decimal("0.1") + Decimal("0.2"),
        Decimal("0.30"),
        Decimal("1234567890.123456789"),
        Decimal("0.0001"),
        Decimal("0"),
    ]
    program = Program(
        organisation_id=ORG,
        code="P",
        prices=tuple(
            price(date(2020, 1, 1) + timedelta(days=i), str(v), str(v))
            for i, v in enumerate(values)
        ),
    )
    with backend.store.unit_of_work() as uow:
        uow.programs.add(program)
        uow.commit()
    stored = _get(backend, program)
    assert isinstance(stored, Program)
    assert [str(p.monthly) for p in stored.prices] == [str(v) for v in values]
    assert stored.prices[2].monthly == Decimal("0.3")
    assert sum((p.monthly for p in stored.prices[:2]), Decimal(0)) == Decimal("0.3")


@settings(fixture_settings, max_examples=SQL_EXAMPLES)
@given(st.decimals(min_value=0, max_value=MAX_COEFFICIENT, places=4, allow_nan=False))
def test_decision_coefficient_round_trips_as_the_same_text(
    backend: Backend, coefficient: Decimal
) -> None:
    backend.reset()
    decision = Decision(
        organisation_id=ORG,
        id="d",
        child_code=1,
        number="x",
        coefficient=coefficient,
        valid_from=date(2025, 1, 1),
    )
    with backend.store.unit_of_work() as uow:
        add(uow, bare_child(ORG, 1), decision)
        uow.commit()
    stored = _get(backend, decision)
    assert isinstance(stored, Decision)
    assert str(stored.coefficient) == str(coefficient)


def test_aware_announcement_time_keeps_its_instant_and_offset(backend: Backend) -> None:
    announced = datetime(2025, 3, 3, 7, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    absence = Absence(
        organisation_id=ORG,
        id="a",
        child_code=1,
        start=date(2025, 3, 3),
        end=date(2025, 3, 3),
        announced_at=announced,
    )
    with backend.store.unit_of_work() as uow:
        add(uow, bare_child(ORG, 1), absence)
        uow.commit()
    stored = _get(backend, absence)
    assert isinstance(stored, Absence)
    assert stored.announced_at is not None
    assert stored.announced_at == announced
    assert stored.announced_at.utcoffset() == timedelta(hours=1)


# -- lookups and errors ---------------------------------------------------------------


def test_missing_records(backend: Backend) -> None:
    group = Group(organisation_id=ORG, code="A1")
    with backend.store.unit_of_work() as uow:
        assert uow.groups.find(ORG, "A1") is None
        with pytest.raises(NotFound) as err:
            uow.groups.get(ORG, "A1")
        assert err.value.code == "storage.not_found"
        with pytest.raises(NotFound):
            uow.groups.update(group)
        with pytest.raises(NotFound):
            uow.groups.remove(group)


def test_organisations_are_separate(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        add(
            uow,
            Group(organisation_id="a", code="X"),
            Group(organisation_id="b", code="X", name="B"),
        )
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert [g.organisation_id for g in uow.groups.for_organisation("b")] == ["b"]
        assert uow.groups.get("b", "X").name == "B"


def test_duplicate_key_fails_and_rolls_back(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.groups.add(Group(organisation_id=ORG, code="A1"))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.groups.add(Group(organisation_id=ORG, code="B2"))
        with pytest.raises(StorageError) as err:
            uow.groups.add(Group(organisation_id=ORG, code="A1", name="again"))
        assert err.value.code == "storage.duplicate"
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert [g.code for g in uow.groups.for_organisation(ORG)] == ["A1"]


def test_for_child_lists_a_childs_records_in_date_order(backend: Backend) -> None:
    later = Absence(
        organisation_id=ORG, id="a1", child_code=1, start=date(2025, 3, 10), end=date(2025, 3, 10)
    )
    earlier = Absence(
        organisation_id=ORG, id="a2", child_code=1, start=date(2025, 3, 3), end=date(2025, 3, 4)
    )
    other = Absence(
        organisation_id=ORG, id="a3", child_code=2, start=date(2025, 3, 3), end=date(2025, 3, 3)
    )
    with backend.store.unit_of_work() as uow:
        add(uow, bare_child(ORG, 1), bare_child(ORG, 2), later, earlier, other)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.absences.for_child(ORG, 1) == (earlier, later)


# -- transactions ---------------------------------------------------------------------


def test_uncommitted_changes_are_invisible_and_rolled_back(backend: Backend) -> None:
    group = Group(organisation_id=ORG, code="A1")
    with backend.store.unit_of_work() as writer:
        writer.groups.add(group)
        with backend.store.unit_of_work() as reader:
            assert reader.groups.find(ORG, "A1") is None
        writer.rollback()
        assert writer.groups.find(ORG, "A1") is None
        # the unit of work is usable after a rollback
        writer.groups.add(group)
        writer.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.groups.get(ORG, "A1") == group


def test_leaving_without_commit_discards(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.groups.add(Group(organisation_id=ORG, code="A1"))
    with backend.store.unit_of_work() as uow:
        assert uow.groups.for_organisation(ORG) == ()


class InjectedFailure(Exception):
    pass


@fixture_settings
@given(st.integers(min_value=0, max_value=8))
def test_failure_mid_transaction_leaves_nothing_half_written(
    backend: Backend, fail_after: int
) -> None:
    # Eight writes of one unit of work; the work fails after ``fail_after`` of them.
    backend.reset()
    child = month_child(ORG, 1)
    writes = [*base_records(), child, *child_month_records(ORG, 1, date(2025, 3, 1))]
    assert len(writes) == 8

    def work() -> None:
        with backend.store.unit_of_work() as uow:
            add(uow, *writes[:fail_after])
            raise InjectedFailure

    with pytest.raises(InjectedFailure):
        work()
    with backend.store.unit_of_work() as uow:
        month = uow.load_month(ORG, Month(2025, 3))
        assert month.children == {}
        assert month.programs == {}
        assert month.groups == {}
        assert month.regresors == {}
        assert uow.guardians.for_organisation(ORG) == ()


def test_failure_inside_the_adapter_rolls_back_earlier_writes(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        add(uow, Group(organisation_id=ORG, code="A1"))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        add(
            uow,
            Regresor(organisation_id=ORG, id="r", name="R"),
            Program(organisation_id=ORG, code="I"),
        )
        with pytest.raises(StorageError):
            uow.groups.add(Group(organisation_id=ORG, code="A1"))  # duplicate key
    with backend.store.unit_of_work() as uow:
        assert uow.regresors.for_organisation(ORG) == ()
        assert uow.programs.for_organisation(ORG) == ()


# -- optimistic concurrency -----------------------------------------------------------


def test_stale_update_raises_conflict_and_changes_nothing(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        add(uow, *base_records())
        uow.commit()
    with backend.store.unit_of_work() as slow, backend.store.unit_of_work() as fast:
        read_by_slow = slow.programs.get(ORG, "I")
        read_by_fast = fast.programs.get(ORG, "I")
        won = fast.programs.update(attrs.evolve(read_by_fast, name="fast"))
        fast.commit()

        def stale_work() -> None:
            # SQLite notices the stale snapshot at the first write, the others at the update
            slow.groups.add(Group(organisation_id=ORG, code="B2"))
            slow.programs.update(attrs.evolve(read_by_slow, name="slow", prices=()))
            slow.commit()

        with pytest.raises(ConcurrencyConflict) as err:
            stale_work()
        assert err.value.code == "storage.conflict"
    with backend.store.unit_of_work() as uow:
        assert uow.programs.get(ORG, "I") == won
        assert won.version == read_by_fast.version + 1
        assert uow.groups.find(ORG, "B2") is None  # the conflicting unit was rolled back


def test_stale_remove_raises_conflict(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        group = uow.groups.add(Group(organisation_id=ORG, code="A1"))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.groups.update(attrs.evolve(group, name="new"))
        uow.commit()
    with backend.store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
        uow.groups.remove(group)
    with backend.store.unit_of_work() as uow:
        assert uow.groups.get(ORG, "A1").name == "new"


def test_same_unit_can_update_twice(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        group = uow.groups.add(Group(organisation_id=ORG, code="A1"))
        once = uow.groups.update(attrs.evolve(group, name="1"))
        twice = uow.groups.update(attrs.evolve(once, name="2"))
        uow.commit()
    assert twice.version == group.version + 2
    with backend.store.unit_of_work() as uow:
        assert uow.groups.get(ORG, "A1") == twice


# -- references -----------------------------------------------------------------------


def test_missing_reference_fails_at_commit_and_stores_nothing(backend: Backend) -> None:
    decision = Decision(
        organisation_id=ORG,
        id="d",
        child_code=99,
        number="x",
        coefficient=Decimal("0.3"),
        valid_from=date(2025, 1, 1),
    )
    with backend.store.unit_of_work() as uow:
        uow.groups.add(Group(organisation_id=ORG, code="A1"))
        uow.decisions.add(decision)
        with pytest.raises(StorageError) as err:
            uow.commit()
        assert err.value.code == "storage.reference"
    with backend.store.unit_of_work() as uow:
        assert uow.groups.for_organisation(ORG) == ()
        assert uow.decisions.for_organisation(ORG) == ()


def test_records_may_be_added_before_what_they_refer_to(backend: Backend) -> None:
    child = month_child(ORG, 1)
    with backend.store.unit_of_work() as uow:
        add(uow, *child_month_records(ORG, 1, date(2025, 3, 1)), child, *reversed(base_records()))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.children.get(ORG, 1) == child


def test_removing_a_referenced_record_fails(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        add(
            uow,
            *base_records(),
            month_child(ORG, 1),
            *child_month_records(ORG, 1, date(2025, 3, 1)),
        )
        uow.commit()
    with backend.store.unit_of_work() as uow:
        child = uow.children.get(ORG, 1)
        uow.children.remove(child)  # its decision, reservation and absence refer to it
        with pytest.raises(StorageError) as err:
            uow.commit()
        assert err.value.code == "storage.reference"
    with backend.store.unit_of_work() as uow:
        assert uow.children.find(ORG, 1) is not None


def test_removing_a_child_removes_its_groups_and_links(backend: Backend) -> None:
    child = month_child(ORG, 1)
    with backend.store.unit_of_work() as uow:
        add(uow, *base_records(), child)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.children.remove(child)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.children.find(ORG, 1) is None
        uow.children.add(attrs.evolve(child, groups=(), guardians=()))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.children.get(ORG, 1).groups == ()


# -- dated facts and program kinds ------------------------------------------------------


def _moving_child() -> Child:
    return (
        month_child(ORG, 1)
        .with_residence_change(
            ResidenceChange(valid_from=date(2025, 10, 1), municipality_code=62, regresor_id="r-62")
        )
        .with_residence_change(
            ResidenceChange(valid_from=date(2026, 2, 15), municipality_code=None)
        )
        .with_taxpayer_change(TaxpayerChange(valid_from=date(2025, 11, 1), taxpayers=False))
        .with_taxpayer_change(TaxpayerChange(valid_from=date(2026, 1, 1), taxpayers=True))
    )


def _regresor_62() -> Regresor:
    return Regresor(organisation_id=ORG, id="r-62", name="Občina 62", municipality_code=62)


def test_histories_round_trip_update_and_go_with_the_child(backend: Backend) -> None:
    child = _moving_child()
    with backend.store.unit_of_work() as uow:
        add(uow, *base_records(), _regresor_62(), child)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        stored = uow.children.get(ORG, 1)
        assert stored == child
        assert stored.residence_on(date(2025, 9, 30)) == (None, "r-61")
        assert stored.residence_on(date(2025, 10, 1)) == (62, "r-62")
        assert stored.residence_on(date(2026, 2, 15)) == (None, None)
        assert [stored.taxpayers_on(date(2025, m, 1)) for m in (10, 11, 12)] == [True, False, False]
        assert uow.load_month(ORG, Month(2025, 11)).children[1].child == child
        assert uow.load_period(ORG, Month(2025, 9), Month(2026, 2)).children[1].child == child
    # an update replaces the histories: one move dropped, one added, tax status back to none
    edited = attrs.evolve(
        child,
        residence_changes=(
            child.residence_changes[0],
            ResidenceChange(valid_from=date(2026, 3, 1), municipality_code=61, regresor_id="r-61"),
        ),
        taxpayer_changes=(),
    )
    with backend.store.unit_of_work() as uow:
        updated = uow.children.update(edited)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.children.get(ORG, 1) == updated == attrs.evolve(edited, version=1)
        assert uow.children.for_organisation(ORG) == (updated,)
        uow.children.remove(updated)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.children.add(month_child(ORG, 1))  # the old histories went with the child
        uow.commit()
    with backend.store.unit_of_work() as uow:
        again = uow.children.get(ORG, 1)
        assert again.residence_changes == ()
        assert again.taxpayer_changes == ()


def test_a_residence_change_needs_its_regresor(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        add(uow, *base_records(), _moving_child())  # r-62 is missing
        with pytest.raises(StorageError) as err:
            uow.commit()
        assert err.value.code == "storage.reference"
    with backend.store.unit_of_work() as uow:
        assert uow.children.for_organisation(ORG) == ()
        add(uow, *base_records(), _regresor_62(), _moving_child())
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.regresors.remove(uow.regresors.get(ORG, "r-62"))  # only a move refers to it
        with pytest.raises(StorageError) as err:
            uow.commit()
        assert err.value.code == "storage.reference"
    with backend.store.unit_of_work() as uow:
        assert uow.regresors.find(ORG, "r-62") is not None


def _unit(reference: str = "I") -> Program:
    return Program(
        organisation_id=ORG,
        code="RO",
        name="Razvojni oddelek",
        kind=ProgramKind.DEVELOPMENTAL_UNIT,
        reference_program=reference,
        prices=(price(date(2025, 9, 1), "1450.00", "2.80"),),
    )


def test_program_kind_and_reference_round_trip(backend: Backend) -> None:
    private = Program(
        organisation_id=ORG, code="ZAS", kind=ProgramKind.PRIVATE, reference_program="I"
    )
    with backend.store.unit_of_work() as uow:
        add(uow, _unit(), private, *base_records())  # added before the program it names
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.programs.get(ORG, "RO") == _unit()
        assert uow.programs.get(ORG, "ZAS") == private
        assert uow.programs.get(ORG, "I").kind is ProgramKind.REGULAR
        loaded = uow.load_month(ORG, Month(2025, 9)).programs
        assert loaded["RO"] == _unit()
        assert loaded["I"].reference_program is None
        # back to a regular program: the reference goes
        regular = uow.programs.update(
            attrs.evolve(private, kind=ProgramKind.REGULAR, reference_program=None)
        )
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.programs.get(ORG, "ZAS") == regular
        assert regular.reference_program is None


def test_a_reference_program_must_exist_and_stay(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.programs.add(_unit("nope"))
        with pytest.raises(StorageError) as err:
            uow.commit()
        assert err.value.code == "storage.reference"
    with backend.store.unit_of_work() as uow:
        assert uow.programs.for_organisation(ORG) == ()
        add(uow, _priced_program(), _unit())  # nothing else refers to I
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.programs.remove(uow.programs.get(ORG, "I"))  # the unit still refers to it
        with pytest.raises(StorageError) as err:
            uow.commit()
        assert err.value.code == "storage.reference"
    with backend.store.unit_of_work() as uow:
        uow.programs.remove(uow.programs.get(ORG, "RO"))  # the referring program may go
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert sorted(p.code for p in uow.programs.for_organisation(ORG)) == ["I"]


# -- decision locks -------------------------------------------------------------------


def test_locked_decision_cannot_change_but_can_be_superseded(backend: Backend) -> None:
    records = child_month_records(ORG, 1, date(2025, 3, 1))
    decision = records[0]
    assert isinstance(decision, Decision)
    with backend.store.unit_of_work() as uow:
        add(uow, *base_records(), month_child(ORG, 1), decision)
        uow.decision_locks.lock(ORG, [decision.id], "run-2025-03")
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.decision_locks.lock(ORG, [decision.id], "run-2025-04")  # keeps the first run
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.decision_locks.locked_by(ORG, decision.id) == "run-2025-03"
        assert uow.decision_locks.locked(ORG) == {decision.id: "run-2025-03"}
        assert uow.decision_locks.locked_by(ORG, "other") is None
        with pytest.raises(RecordLockedError) as err:
            uow.decisions.update(attrs.evolve(decision, coefficient=Decimal("0.35")))
        assert err.value.code == "decision.locked"
        with pytest.raises(RecordLockedError):
            uow.decisions.remove(decision)
        fix = attrs.evolve(
            decision, id="d-1-fix", coefficient=Decimal("0.35"), supersedes=decision.id
        )
        uow.decisions.add(fix)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.decisions.get(ORG, decision.id) == decision
        assert [d.id for d in uow.decisions.for_child(ORG, 1)] == ["d-1", "d-1-fix"]


def test_lock_of_unknown_decision_fails_at_commit(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.decision_locks.lock(ORG, ["nope"], "run")
        with pytest.raises(StorageError):
            uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.decision_locks.locked(ORG) == {}


# -- the month query ------------------------------------------------------------------


def test_month_query_selects_by_inclusive_dates(backend: Backend) -> None:
    # March 2025 runs 1.3. to 31.3.  Children 1-4 attend on at least one day of it:
    # 2 leaves on 1.3. and 3 arrives on 31.3. (both days inclusive), 4 stays all month.
    # Child 5 left on 28.2., child 6 arrives on 1.4., child 7 has no enrollment date,
    # child 8 is another organisation's.
    march = date(2025, 3, 1)
    children = [
        month_child(ORG, 1),
        month_child(ORG, 2, exit_date=date(2025, 3, 1)),
        month_child(ORG, 3, enrolled=date(2025, 3, 31)),
        month_child(ORG, 4, enrolled=date(2025, 3, 1), exit_date=date(2025, 3, 31)),
        month_child(ORG, 5, exit_date=date(2025, 2, 28)),
        month_child(ORG, 6, enrolled=date(2025, 4, 1)),
        attrs.evolve(month_child(ORG, 7), enrollment_date=None, groups=()),
    ]
    other_org = [*base_records("other"), month_child("other", 8)]
    d = Decision(
        organisation_id=ORG,
        id="d-old",
        child_code=1,
        number="x",
        coefficient=Decimal("0.77"),
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 2, 28),
    )
    replaced = attrs.evolve(
        d, id="d-march", valid_from=date(2025, 3, 1), valid_to=date(2025, 3, 31)
    )
    replacement = attrs.evolve(
        d, id="d-fix", valid_from=date(2025, 4, 1), valid_to=None, supersedes="d-march"
    )
    summer = Reservation(
        organisation_id=ORG,
        id="res-jan",
        child_code=1,
        kind=ReservationKind.SICK,
        start=date(2025, 1, 6),
        end=date(2025, 1, 31),
    )
    last_year = attrs.evolve(summer, id="res-2024", start=date(2024, 7, 1), end=date(2024, 7, 31))
    feb_absence = Absence(
        organisation_id=ORG,
        id="abs-feb",
        child_code=1,
        start=date(2025, 2, 27),
        end=date(2025, 2, 28),
    )
    across = attrs.evolve(feb_absence, id="abs-across", end=date(2025, 3, 3))
    with backend.store.unit_of_work() as uow:
        add(uow, *base_records(), *children, *other_org, d, replaced, replacement)
        add(uow, summer, last_year, feb_absence, across)
        add(uow, *child_month_records(ORG, 4, march))
        uow.decision_locks.lock(ORG, ["d-march", "d-old"], "run-2025-03")
        uow.commit()
    with backend.store.unit_of_work() as uow:
        data = uow.load_month(ORG, Month(2025, 3))
    assert sorted(data.children) == [1, 2, 3, 4]
    one = data.children[1]
    assert one.child == children[0]
    # d-old ended in February; d-march is valid in March and d-fix supersedes it
    assert [x.id for x in one.decisions] == ["d-march", "d-fix"]
    # reservations of the whole calendar year 2025, absences touching March
    assert [x.id for x in one.reservations] == ["res-jan"]
    assert [x.id for x in one.absences] == ["abs-across"]
    four = data.children[4]
    assert [x.id for x in four.decisions] == ["d-4"]
    assert [x.id for x in four.reservations] == ["r-4"]
    assert [x.id for x in four.absences] == ["a-4"]
    assert data.children[2].decisions == ()
    assert data.children[3].absences == ()
    assert sorted(data.programs) == ["I"]
    assert data.programs["I"].price_on(date(2025, 3, 1)).monthly == Decimal("520.00")
    assert sorted(data.groups) == ["A1"]
    assert sorted(data.regresors) == ["r-61"]
    assert sorted(data.guardians) == ["g-1"]
    assert data.locked_decisions == {"d-march": "run-2025-03"}  # d-old is not in the month


def test_month_query_can_include_children_who_left_since_a_day(backend: Backend) -> None:
    # For March 2025 with left_since 1.2.: child 5 (left 28.2.) comes too, child 9
    # (left 31.1.) does not; without left_since neither does (as above).
    children = [
        month_child(ORG, 1),
        month_child(ORG, 5, exit_date=date(2025, 2, 28)),
        month_child(ORG, 9, exit_date=date(2025, 1, 31)),
    ]
    with backend.store.unit_of_work() as uow:
        add(uow, *base_records(), *children)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        plain = uow.load_month(ORG, Month(2025, 3))
        wider = uow.load_month(ORG, Month(2025, 3), left_since=date(2025, 2, 1))
        later = uow.load_month(ORG, Month(2025, 3), left_since=date(2025, 3, 15))
    assert sorted(plain.children) == [1]
    assert sorted(wider.children) == [1, 5]
    assert wider.children[5].child == children[1]
    assert sorted(later.children) == [1]  # a day inside the month widens nothing


@settings(fixture_settings, max_examples=SQL_EXAMPLES)
@given(
    world=st.lists(
        st.tuples(
            st.dates(date(2024, 1, 1), date(2026, 12, 31)),
            st.one_of(st.none(), st.integers(0, 700)),  # days attended after enrollment
            st.dates(date(2024, 6, 1), date(2025, 12, 31)),
            st.integers(0, 60),
        ),
        max_size=8,
    ),
    month=st.sampled_from([Month(2025, 1), Month(2025, 3), Month(2025, 9)]),
)
def test_month_query_agrees_with_filtering_every_record(
    backend: Backend, world: list[tuple[date, int | None, date, int]], month: Month
) -> None:
    # Reference: read every record and filter in Python with the documented rules.
    backend.reset()
    records: list[Record] = list(base_records())
    for code, (enrolled, stays, start, length) in enumerate(world, start=1):
        exit_date = None if stays is None else enrolled + timedelta(days=stays)
        records.append(month_child(ORG, code, enrolled=enrolled, exit_date=exit_date))
        end = start + timedelta(days=length)
        records.append(
            Decision(
                organisation_id=ORG,
                id=f"d{code}",
                child_code=code,
                number="n",
                coefficient=Decimal("0.43"),
                valid_from=start,
                valid_to=end if length % 3 else None,
            )
        )
        records.append(
            Reservation(
                organisation_id=ORG,
                id=f"r{code}",
                child_code=code,
                kind=ReservationKind.SUMMER,
                start=start,
                end=end,
            )
        )
        records.append(
            Absence(organisation_id=ORG, id=f"a{code}", child_code=code, start=start, end=end)
        )
    with backend.store.unit_of_work() as uow:
        add(uow, *records)
        uow.commit()
    first, last = month.first, month.last
    year_first, year_last = date(month.year, 1, 1), date(month.year, 12, 31)
    with backend.store.unit_of_work() as uow:
        data = uow.load_month(ORG, month)
        every_child = uow.children.for_organisation(ORG)
    expected = {
        c.code
        for c in every_child
        if c.enrollment_date is not None
        and c.enrollment_date <= last
        and (c.exit_date is None or c.exit_date >= first)
    }
    assert set(data.children) == expected
    for code, bundle in data.children.items():
        decision = next(r for r in records if isinstance(r, Decision) and r.child_code == code)
        reservation = next(
            r for r in records if isinstance(r, Reservation) and r.child_code == code
        )
        absence = next(r for r in records if isinstance(r, Absence) and r.child_code == code)
        in_month = decision.valid_from <= last and (
            decision.valid_to is None or decision.valid_to >= first
        )
        assert bundle.decisions == ((decision,) if in_month else ())
        in_year = reservation.start <= year_last and reservation.end >= year_first
        assert bundle.reservations == ((reservation,) if in_year else ())
        touches = absence.start <= last and absence.end >= first
        assert bundle.absences == ((absence,) if touches else ())


def test_month_query_keeps_personal_numbers(backend: Backend) -> None:
    child = attrs.evolve(month_child(ORG, 1), emso=synthetic_emso(5))
    with backend.store.unit_of_work() as uow:
        add(uow, *base_records(), child)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.load_month(ORG, Month(2025, 3)).children[1].child.emso == child.emso


def test_month_query_refuses_a_plain_date(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow, pytest.raises(ValueError, match=r"storage\.month"):
        uow.load_month(ORG, date(2025, 3, 1))  # type: ignore[arg-type]


def test_month_world_loads_every_child(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        add(uow, *month_world(ORG, 25, date(2025, 3, 1)))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        data = uow.load_month(ORG, Month(2025, 3))
    assert sorted(data.children) == list(range(1, 26))
    assert all(
        len(b.decisions) == len(b.reservations) == len(b.absences) == 1
        for b in data.children.values()
    )


# -- the period query -------------------------------------------------------------------

PERIODS = [
    (Month(2025, 3), Month(2025, 3)),
    (Month(2025, 1), Month(2025, 3)),
    (Month(2024, 11), Month(2025, 1)),  # across a new year: reservations of both years
    (Month(2025, 9), Month(2026, 2)),
]


@settings(fixture_settings, max_examples=SQL_EXAMPLES)
@given(
    world=st.lists(
        st.tuples(
            st.dates(date(2024, 1, 1), date(2026, 12, 31)),
            st.one_of(st.none(), st.integers(0, 700)),  # days attended after enrollment
            st.dates(date(2024, 6, 1), date(2026, 6, 30)),
            st.integers(0, 90),
            st.booleans(),  # a superseding decision
        ),
        max_size=8,
    ),
    period=st.sampled_from(PERIODS),
    left_since=st.one_of(st.none(), st.dates(date(2024, 6, 1), date(2025, 12, 31))),
)
def test_period_query_agrees_with_filtering_every_record(
    backend: Backend,
    world: list[tuple[date, int | None, date, int, bool]],
    period: tuple[Month, Month],
    left_since: date | None,
) -> None:
    # Reference: every record filtered in Python with the rules of the port.
    backend.reset()
    records: list[Record] = list(base_records())
    for code, (enrolled, stays, start, length, fixed) in enumerate(world, start=1):
        exit_date = None if stays is None else enrolled + timedelta(days=stays)
        records.append(month_child(ORG, code, enrolled=enrolled, exit_date=exit_date))
        end = start + timedelta(days=length)
        decision = Decision(
            organisation_id=ORG,
            id=f"d{code}",
            child_code=code,
            number="n",
            coefficient=Decimal("0.43"),
            valid_from=start,
            valid_to=end if length % 3 else None,
        )
        records.append(decision)
        if fixed:  # supersedes d{code}, valid only long after it: loaded because of it
            records.append(
                attrs.evolve(
                    decision,
                    id=f"f{code}",
                    valid_from=date(2030, 1, 1),
                    valid_to=None,
                    supersedes=decision.id,
                )
            )
        records.append(
            Reservation(
                organisation_id=ORG,
                id=f"r{code}",
                child_code=code,
                kind=ReservationKind.SUMMER,
                start=start,
                end=end,
            )
        )
        records.append(
            Absence(organisation_id=ORG, id=f"a{code}", child_code=code, start=start, end=end)
        )
    with backend.store.unit_of_work() as uow:
        add(uow, *records)
        uow.commit()
    first_month, last_month = period
    first, last = first_month.first, last_month.last
    year_first, year_last = date(first_month.year, 1, 1), date(last_month.year, 12, 31)
    with backend.store.unit_of_work() as uow:
        data = uow.load_period(ORG, first_month, last_month, left_since=left_since)
    since = first if left_since is None else min(first, left_since)
    children = [r for r in records if isinstance(r, Child)]
    expected = {
        c.code
        for c in children
        if c.enrollment_date is not None
        and c.enrollment_date <= last
        and (c.exit_date is None or c.exit_date >= since)
    }
    assert set(data.children) == expected
    assert data.month == first_month
    assert data.last_month == last_month
    assert data.months == tuple(first_month.through(last_month))

    def valid(d: Decision) -> bool:
        return d.valid_from <= last and (d.valid_to is None or d.valid_to >= first)

    decisions = {r.id: r for r in records if isinstance(r, Decision)}
    for code, bundle in data.children.items():
        assert bundle.child == next(c for c in children if c.code == code)
        assert bundle.decisions == by_start(
            d
            for d in decisions.values()
            if d.child_code == code
            and (valid(d) or (d.supersedes is not None and valid(decisions[d.supersedes])))
        )
        assert bundle.reservations == tuple(
            r
            for r in records
            if isinstance(r, Reservation)
            and r.child_code == code
            and r.start <= year_last
            and r.end >= year_first
        )
        assert bundle.absences == tuple(
            a
            for a in records
            if isinstance(a, Absence)
            and a.child_code == code
            and a.start <= last
            and a.end >= first
        )


def _within(
    start: date, end: date | None, enrolled: date, exit_date: date | None
) -> tuple[date, date | None]:
    """``start`` ... ``end`` moved inside the enrollment (a record of days the child attends)."""
    start = max(start, enrolled)
    if exit_date is not None:
        start = min(start, exit_date)
        end = exit_date if end is None else min(end, exit_date)
    return start, None if end is None else max(start, end)


@settings(fixture_settings, max_examples=SQL_EXAMPLES)
@given(
    world=st.lists(
        st.tuples(
            st.dates(date(2024, 6, 1), date(2025, 6, 30)),
            st.one_of(st.none(), st.integers(0, 400)),
            st.lists(
                st.tuples(st.dates(date(2024, 6, 1), date(2025, 9, 30)), st.integers(0, 70)),
                max_size=3,
            ),
        ),
        max_size=6,
    ),
    first=st.sampled_from([Month(2024, 11), Month(2025, 1), Month(2025, 3)]),
    left_since=st.one_of(st.none(), st.dates(date(2024, 6, 1), date(2025, 6, 30))),
)
def test_period_query_is_the_union_of_its_months(
    backend: Backend,
    world: list[tuple[date, int | None, list[tuple[date, int]]]],
    first: Month,
    left_since: date | None,
) -> None:
    # Three months at once give each child what the three load_month calls give it
    # together, for records on days the child attends (the only ones a month bills).
    backend.reset()
    records: list[Record] = list(base_records())
    for code, (enrolled, stays, spans) in enumerate(world, start=1):
        exit_date = None if stays is None else enrolled + timedelta(days=stays)
        child = month_child(ORG, code, enrolled=enrolled, exit_date=exit_date)
        child = child.with_residence_change(
            ResidenceChange(valid_from=enrolled + timedelta(days=40), municipality_code=62)
        ).with_taxpayer_change(
            TaxpayerChange(valid_from=enrolled + timedelta(days=70), taxpayers=False)
        )
        records.append(child)
        for index, (day, length) in enumerate(spans):
            start, end = _within(day, day + timedelta(days=length), enrolled, exit_date)
            assert end is not None
            decision = Decision(
                organisation_id=ORG,
                id=f"d{code}-{index}",
                child_code=code,
                number="n",
                coefficient=Decimal("0.35"),
                valid_from=start,
                valid_to=end if length % 4 else _within(start, None, enrolled, exit_date)[1],
            )
            records.append(decision)
            if index == 1:
                records.append(
                    attrs.evolve(decision, id=f"f{code}", valid_to=None, supersedes=decision.id)
                )
            records.append(
                Reservation(
                    organisation_id=ORG,
                    id=f"r{code}-{index}",
                    child_code=code,
                    kind=ReservationKind.SICK,
                    start=start,
                    end=end,
                )
            )
            records.append(
                Absence(
                    organisation_id=ORG,
                    id=f"a{code}-{index}",
                    child_code=code,
                    start=start,
                    end=end,
                )
            )
    with backend.store.unit_of_work() as uow:
        add(uow, *records)
        uow.decision_locks.lock(
            ORG, [r.id for r in records[4::5] if isinstance(r, Decision)], "run"
        )
        uow.commit()
    months = list(first.through(first + 2))
    with backend.store.unit_of_work() as uow:
        period = uow.load_period(ORG, months[0], months[-1], left_since=left_since)
        singles = [uow.load_month(ORG, m, left_since=left_since) for m in months]
    assert period.month == months[0]
    assert period.last_month == months[-1]
    assert all(single.last_month is None for single in singles)
    assert set(period.children) == {code for single in singles for code in single.children}
    for code, bundle in period.children.items():
        present = [single for single in singles if code in single.children]
        assert all(single.children[code].child == bundle.child for single in present)
        for kind in ("decisions", "reservations", "absences"):
            union = {r for single in present for r in getattr(single.children[code], kind)}
            assert getattr(bundle, kind) == by_start(union), kind
    assert period.programs == singles[0].programs
    assert period.groups == singles[0].groups
    assert period.regresors == singles[0].regresors
    assert period.guardians == {k: v for s in singles for k, v in s.guardians.items()}
    assert period.locked_decisions == {k: v for s in singles for k, v in s.locked_decisions.items()}


def test_period_query_refuses_a_reversed_period_and_plain_dates(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        with pytest.raises(ConfigurationError) as reversed_period:
            uow.load_period(ORG, Month(2025, 3), Month(2025, 2))
        assert reversed_period.value.code == "storage.period"
        with pytest.raises(ConfigurationError) as plain_date:
            uow.load_period(ORG, date(2025, 3, 1), Month(2025, 3))  # type: ignore[arg-type]
        assert plain_date.value.code == "storage.month"
        with pytest.raises(ConfigurationError):
            uow.load_period(ORG, Month(2025, 3), date(2025, 3, 31))  # type: ignore[arg-type]
        one = uow.load_period(ORG, Month(2025, 3), Month(2025, 3))
        assert one.months == (Month(2025, 3),)
        assert one.last_month == Month(2025, 3)


# -- price locks ------------------------------------------------------------------------

SEPTEMBER_END = date(2026, 9, 30)


def _priced_program() -> Program:
    return Program(
        organisation_id=ORG,
        code="I",
        name="1. starostno obdobje",
        prices=(
            price(date(2026, 1, 1), "520.00", "2.60"),
            price(date(2026, 9, 1), "545.10", "2.80"),
        ),
    )


def _locked_world(backend: Backend) -> Program:
    program = _priced_program()
    with backend.store.unit_of_work() as uow:
        add(uow, program, Program(organisation_id=ORG, code="II"))
        uow.price_locks.lock(ORG, ["I"], SEPTEMBER_END, "run-2026-09")
        uow.commit()
    return program


def _refused_changes(program: Program) -> dict[str, Program]:
    september = program.prices[1]
    return {
        "edit the September price": program.with_price(
            attrs.evolve(september, monthly=Decimal("550.00"))
        ),
        "the same amount with other digits": program.with_price(
            attrs.evolve(september, monthly=Decimal("545.1"))
        ),
        "remove the September price": attrs.evolve(program, prices=program.prices[:1]),
        "remove the January price": attrs.evolve(program, prices=program.prices[1:]),
        "add a price from 15 September": program.with_price(
            price(date(2026, 9, 15), "560.00", "2.80")
        ),
        "add a price on the last locked day": program.with_price(
            price(SEPTEMBER_END, "560.00", "2.80")
        ),
        "change the kind": attrs.evolve(
            program, kind=ProgramKind.DEVELOPMENTAL_UNIT, reference_program="II"
        ),
    }


@pytest.mark.parametrize("change", sorted(_refused_changes(_priced_program())))
def test_locked_prices_cannot_change(backend: Backend, change: str) -> None:
    program = _locked_world(backend)
    edited = _refused_changes(program)[change]
    with backend.store.unit_of_work() as uow:
        with pytest.raises(RecordLockedError) as err:
            uow.programs.update(edited)
        assert err.value.code == "program.price.locked"
        assert err.value.where == f"programs {ORG}/I"
        assert "2026-09-30" in err.value.en
        assert "30. 09. 2026" in err.value.sl
        assert uow.programs.get(ORG, "I") == program  # nothing changed in the unit either
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.programs.get(ORG, "I") == program


def test_locked_program_cannot_be_removed(backend: Backend) -> None:
    program = _locked_world(backend)
    with backend.store.unit_of_work() as uow:
        with pytest.raises(RecordLockedError) as err:
            uow.programs.remove(program)
        assert err.value.code == "program.price.locked"
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.programs.get(ORG, "I") == program


def test_a_new_price_after_the_locked_months_is_accepted(backend: Backend) -> None:
    program = _locked_world(backend)
    later = program.with_price(price(date(2026, 10, 1), "560.00", "2.90"))
    renamed = attrs.evolve(later, name="Prvo starostno obdobje")
    with backend.store.unit_of_work() as uow:
        stored = uow.programs.update(renamed)
        uow.commit()
    assert stored.version == program.version + 1
    with backend.store.unit_of_work() as uow:
        assert uow.programs.get(ORG, "I") == stored
        assert uow.programs.get(ORG, "I").price_on(date(2026, 10, 1)).monthly == Decimal("560.00")
        # an unlocked program changes freely
        other = uow.programs.get(ORG, "II")
        uow.programs.update(
            attrs.evolve(other, prices=(price(date(2026, 9, 1), "400.00", "2.00"),))
        )
        uow.commit()


def test_price_locks_only_move_forward(backend: Backend) -> None:
    program = _locked_world(backend)
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "I") == SEPTEMBER_END
        assert uow.price_locks.locked_through(ORG, "II") is None
        assert uow.price_locks.locked_through("other", "I") is None
        uow.price_locks.lock(ORG, ["I", "II", "I"], date(2026, 8, 31), "run-2026-08")
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "I") == SEPTEMBER_END  # kept
        assert uow.price_locks.locked_through(ORG, "II") == date(2026, 8, 31)
        uow.price_locks.lock(ORG, ["I"], date(2026, 10, 31), "run-2026-10")
        assert uow.price_locks.locked_through(ORG, "I") == date(2026, 10, 31)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "I") == date(2026, 10, 31)
        with pytest.raises(RecordLockedError):
            uow.programs.update(program.with_price(price(date(2026, 10, 15), "1.00", "0.10")))
        uow.programs.update(program.with_price(price(date(2026, 11, 1), "1.00", "0.10")))
        uow.commit()


def test_uncommitted_price_lock_is_rolled_back(backend: Backend) -> None:
    program = _priced_program()
    with backend.store.unit_of_work() as uow:
        add(uow, program)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.price_locks.lock(ORG, ["I"], SEPTEMBER_END, "run-2026-09")
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "I") is None
        uow.programs.update(program.with_price(price(date(2026, 9, 15), "1.00", "0.10")))
        uow.commit()


def test_lock_of_unknown_program_fails_at_commit(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.price_locks.lock(ORG, ["nope"], SEPTEMBER_END, "run")
        with pytest.raises(StorageError) as err:
            uow.commit()
        assert err.value.code == "storage.reference"
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "nope") is None


@pytest.mark.parametrize(
    ("codes", "through", "run"),
    [
        ("I", SEPTEMBER_END, "run"),  # one string, not a list of codes
        ([1], SEPTEMBER_END, "run"),
        (["I"], "2026-09-30", "run"),
        (["I"], datetime(2026, 9, 30, 23, 59), "run"),
        (["I"], SEPTEMBER_END, None),
    ],
)
def test_price_lock_refuses_bad_arguments(
    backend: Backend, codes: object, through: object, run: object
) -> None:
    _locked_world(backend)
    with backend.store.unit_of_work() as uow:
        with pytest.raises(ConfigurationError) as err:
            uow.price_locks.lock(ORG, codes, through, run)  # type: ignore[arg-type]
        assert err.value.code == "storage.price_lock"
        assert "program" in err.value.en
        assert "program" in err.value.sl
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "I") == SEPTEMBER_END
