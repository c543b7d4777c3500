"""The school meal part of the storage contract: memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.storage._backend import Backend
from tests.storage.test_contract import backend_settings

from szo_core.errors import ConcurrencyConflict, NotFound, StorageError
from szo_core.model import Group
from szo_core.model.school import (
    DeadlineKind,
    DeadlineRule,
    FreeDay,
    IncomeClassRecord,
    MealCancellation,
    MealKind,
    MealPrice,
    MealSignup,
    SchoolMealSettings,
)

ORG = "os"


def signup(n: int, start: date, end: date | None = None, meal: str = "lunch") -> MealSignup:
    return MealSignup(
        organisation_id=ORG, id=f"s{n}", child_code=n, meal=meal, valid_from=start, valid_to=end
    )


def settings_() -> SchoolMealSettings:
    return SchoolMealSettings(
        organisation_id=ORG,
        prices=(MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.30")),),
        deadlines=(
            DeadlineRule(
                valid_from=date(2026, 9, 1), kind=DeadlineKind.PREVIOUS_WORKING_DAY, by=time(12)
            ),
        ),
        free_days=(FreeDay(start=date(2026, 10, 26), end=date(2026, 10, 30), name="jesenske"),),
        illness_keeps_subsidy=False,
    )


def test_records_round_trip_and_the_period_query_finds_what_overlaps(backend: Backend) -> None:
    store = backend.store
    cancel = MealCancellation(
        organisation_id=ORG,
        id="c1",
        child_code=2,
        start=date(2026, 10, 5),
        end=date(2026, 10, 6),
        made_at=datetime(2026, 10, 5, 7, 10, tzinfo=UTC),
        meal=MealKind.LUNCH,
        sudden_illness=True,
    )
    naive = attrs.evolve(
        cancel,
        id="c2",
        start=date(2026, 11, 2),
        end=date(2026, 11, 2),
        made_at=datetime(2026, 11, 2, 8),
        meal=None,
    )
    income = IncomeClassRecord(
        organisation_id=ORG, id="i1", child_code=2, valid_from=date(2026, 1, 1), income_class=5
    )
    with store.unit_of_work() as uow:
        for record in (
            signup(2, date(2026, 9, 1)),
            signup(1, date(2026, 9, 1), date(2026, 9, 30), "malica"),
            signup(3, date(2026, 11, 1)),
            cancel,
            naive,
            income,
        ):
            uow.school_meals.add(record)
        uow.commit()
    with store.unit_of_work() as uow:
        october = uow.school_meals.for_period(ORG, date(2026, 10, 1), date(2026, 10, 31))
        september = uow.school_meals.for_period(ORG, date(2026, 9, 30), date(2026, 9, 30))
        assert uow.school_meals.find(MealCancellation, ORG, "c2") == naive
        assert uow.school_meals.find(MealSignup, ORG, "c2") is None
        assert (
            uow.school_meals.for_period("other", date(2026, 1, 1), date(2027, 1, 1)).signups == ()
        )
    assert [s.id for s in october.signups] == ["s2"]
    assert october.cancellations == (cancel,)
    assert october.income == (income,)
    assert october.settings is None
    assert [s.id for s in september.signups] == ["s1", "s2"]  # by pupil
    assert september.cancellations == ()


def test_settings_are_replaced_whole_with_a_version(backend: Backend) -> None:
    store = backend.store
    with store.unit_of_work() as uow:
        first = uow.school_meals.put_settings(settings_())
        uow.commit()
    assert first.version == 1
    with store.unit_of_work() as uow:
        assert uow.school_meals.settings(ORG) == first
        second = uow.school_meals.put_settings(attrs.evolve(first, free_days=()))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.school_meals.settings(ORG) == second
        assert second.version == 2
        with pytest.raises(ConcurrencyConflict):
            uow.school_meals.put_settings(first)  # stale
    with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
        uow.school_meals.put_settings(settings_())  # version 0 but settings exist


def test_a_duplicate_id_stores_nothing_of_the_unit_of_work(backend: Backend) -> None:
    store = backend.store
    with store.unit_of_work() as uow:
        uow.school_meals.add(signup(1, date(2026, 9, 1)))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.groups.add(Group(organisation_id=ORG, code="A", program_code="I"))
        with pytest.raises(StorageError) as info:
            uow.school_meals.add(signup(1, date(2026, 10, 1)))
        assert info.value.code == "storage.duplicate"
    with store.unit_of_work() as uow:
        assert uow.groups.find(ORG, "A") is None
        assert uow.school_meals.find(MealSignup, ORG, "s1") == signup(1, date(2026, 9, 1))


def test_remove_and_rollback(backend: Backend) -> None:
    store = backend.store
    with store.unit_of_work() as uow:
        uow.school_meals.add(signup(1, date(2026, 9, 1)))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.school_meals.add(signup(2, date(2026, 9, 1)))  # not committed
    with store.unit_of_work() as uow:
        assert uow.school_meals.find(MealSignup, ORG, "s2") is None
        with pytest.raises(ConcurrencyConflict):
            uow.school_meals.remove(attrs.evolve(signup(1, date(2026, 9, 1)), version=7))
    with store.unit_of_work() as uow:
        uow.school_meals.remove(signup(1, date(2026, 9, 1)))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.school_meals.find(MealSignup, ORG, "s1") is None
        with pytest.raises(NotFound):
            uow.school_meals.remove(signup(1, date(2026, 9, 1)))


_days = st.dates(min_value=date(2025, 9, 1), max_value=date(2027, 8, 31))


def test_any_cancellation_round_trips(backend: Backend) -> None:
    @backend_settings(backend)
    @given(
        start=_days,
        length=st.integers(0, 40),
        made=st.datetimes(
            min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.none()
        ),
        meal=st.none() | st.sampled_from(list(MealKind)),
        ill=st.booleans(),
        aware=st.booleans(),
    )
    def check(start, length, made, meal, ill, aware):  # type: ignore[no-untyped-def]
        backend.reset()
        made_at = made.replace(tzinfo=UTC, microsecond=0) if aware else made.replace(microsecond=0)
        record = MealCancellation(
            organisation_id=ORG,
            id="c",
            child_code=5,
            start=start,
            end=date.fromordinal(start.toordinal() + length),
            made_at=made_at,
            meal=meal,
            sudden_illness=ill,
        )
        with backend.store.unit_of_work() as uow:
            uow.school_meals.add(record)
            uow.commit()
        with backend.store.unit_of_work() as uow:
            assert uow.school_meals.find(MealCancellation, ORG, "c") == record
            found = uow.school_meals.for_period(ORG, record.end, record.end).cancellations
            assert found == (record,)

    check()


def test_migration_0012_adds_the_tables_and_its_downgrade_drops_them(
    sql_backend: Backend,
) -> None:
    from sqlalchemy import inspect

    from szo_core.adapters.sql import HEAD_REVISION, migrate

    assert sql_backend.sql is not None
    engine = sql_backend.sql.engine
    ours = {
        "szo_school_meal_record",
        "szo_school_meal_settings",
        "szo_care_record",
        "szo_care_home_settings",
    }
    with sql_backend.store.unit_of_work() as uow:
        uow.school_meals.add(signup(1, date(2026, 9, 1)))
        uow.commit()
    assert migrate(engine, "0011_child_contact") == "0011_child_contact"
    assert not ours & set(inspect(engine).get_table_names())
    assert migrate(engine) == HEAD_REVISION
    assert ours <= set(inspect(engine).get_table_names())
    with sql_backend.store.unit_of_work() as uow:  # the downgrade dropped the record
        assert uow.school_meals.find(MealSignup, ORG, "s1") is None
        uow.school_meals.add(signup(1, date(2026, 9, 1)))
        uow.commit()
