"""Price locks of every kind (programs, school meal and care home settings), on every backend.

A closed billing month locks the settings it was billed with
(:mod:`szo_core.fees.locks`): ``put_settings`` refuses a change to a dated entry
in force up to the locked day, a new entry starting among them, and a change to
an undated rule; a new dated entry after the locked day is stored.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import attrs
import pytest
from sqlalchemy import insert, select, text
from tests.storage._backend import Backend

from szo_core.adapters.sql import migrate, tables
from szo_core.errors import ConfigurationError, RecordLockedError, StorageError
from szo_core.fees.locks import SETTINGS, LockKind
from szo_core.model import Program, ProgramPrice
from szo_core.model.care_home import (
    CareHomeSettings,
    CategoryPrice,
    FoodCost,
    MonthlyCap,
    RoomExtra,
)
from szo_core.model.school import (
    DeadlineKind,
    DeadlineRule,
    FreeDay,
    MealPrice,
    SchoolMealSettings,
)

ORG = "org-locks"
SEPTEMBER_END = date(2026, 9, 30)
SEP_1, OCT_1 = date(2026, 9, 1), date(2026, 10, 1)


def school() -> SchoolMealSettings:
    return SchoolMealSettings(
        organisation_id=ORG,
        prices=(MealPrice(meal="lunch", valid_from=SEP_1, price=Decimal("3.30")),),
        deadlines=(
            DeadlineRule(valid_from=SEP_1, kind=DeadlineKind.PREVIOUS_WORKING_DAY, by=time(12)),
        ),
        free_days=(FreeDay(start=date(2026, 10, 26), end=date(2026, 10, 30), name="jesenske"),),
    )


def home() -> CareHomeSettings:
    return CareHomeSettings(
        organisation_id=ORG,
        category_prices=(
            CategoryPrice(category="I", valid_from=date(2025, 1, 1), daily=Decimal("22.27")),
            CategoryPrice(category="II", valid_from=date(2025, 1, 1), daily=Decimal("27.98")),
        ),
        room_extras=(RoomExtra(room="single", valid_from=date(2025, 1, 1), percent=Decimal(10)),),
        food=(FoodCost(valid_from=date(2025, 1, 1), daily=Decimal("2.58")),),
    )


def _store_and_lock(backend: Backend, settings: SchoolMealSettings | CareHomeSettings) -> object:
    kind = LockKind.SCHOOL_MEALS if isinstance(settings, SchoolMealSettings) else LockKind.CARE_HOME
    repository = "school_meals" if kind is LockKind.SCHOOL_MEALS else "care_home"
    with backend.store.unit_of_work() as uow:
        stored = getattr(uow, repository).put_settings(settings)
        uow.price_locks.lock(ORG, [SETTINGS], SEPTEMBER_END, "run-2026-09", kind=kind)
        uow.commit()
    return stored


def test_lock_kinds_are_keys_of_their_own_and_only_move_forward(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.price_locks.lock(ORG, [SETTINGS], SEPTEMBER_END, "run-2026-09", kind="care_home")
        uow.commit()  # no program is needed for a settings lock
    with backend.store.unit_of_work() as uow:
        locks = uow.price_locks
        assert locks.locked_through(ORG, SETTINGS, kind="care_home") == SEPTEMBER_END
        assert locks.locked_through(ORG, SETTINGS, kind=LockKind.SCHOOL_MEALS) is None
        assert locks.locked_through(ORG, SETTINGS) is None  # a program called "settings"
        assert locks.locked_through("other", SETTINGS, kind="care_home") is None
        locks.lock(ORG, [SETTINGS], date(2026, 8, 31), "run-2026-08", kind="care_home")
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, SETTINGS, kind="care_home") == SEPTEMBER_END
        uow.price_locks.lock(ORG, [SETTINGS], date(2026, 10, 31), "run-2026-10", kind="care_home")
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, SETTINGS, kind="care_home") == date(2026, 10, 31)


def test_a_program_lock_still_needs_its_program(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.price_locks.lock(ORG, ["I"], SEPTEMBER_END, "run-2026-09")
        with pytest.raises(StorageError):
            uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.programs.add(
            Program(
                organisation_id=ORG,
                code="I",
                prices=(
                    ProgramPrice(
                        valid_from=SEP_1, monthly=Decimal("520.00"), food_per_day=Decimal("2.40")
                    ),
                ),
            )
        )
        uow.price_locks.lock(ORG, ["I"], SEPTEMBER_END, "run-2026-09")
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "I") == SEPTEMBER_END
        assert uow.price_locks.locked_through(ORG, "I", kind="school_meals") is None


@pytest.mark.parametrize("kind", ["oskrbnina", "", None, "PROGRAM"])
def test_an_unknown_lock_kind_is_refused(backend: Backend, kind: object) -> None:
    with backend.store.unit_of_work() as uow:
        with pytest.raises(ConfigurationError) as lock_error:
            uow.price_locks.lock(ORG, [SETTINGS], SEPTEMBER_END, "run", kind=kind)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError) as read_error:
            uow.price_locks.locked_through(ORG, SETTINGS, kind=kind)  # type: ignore[arg-type]
    for error in (lock_error.value, read_error.value):
        assert error.code == "storage.price_lock"
        assert error.where == "price_locks"
        assert "care_home" in error.en
        assert "care_home" in error.sl


def test_school_meal_prices_a_closed_month_used_are_locked(backend: Backend) -> None:
    stored = _store_and_lock(backend, school())
    assert isinstance(stored, SchoolMealSettings)
    lunch = stored.prices[0]
    refused = {
        "a changed price": attrs.evolve(
            stored, prices=(attrs.evolve(lunch, price=Decimal("3.40")),)
        ),
        "the same price with other digits": attrs.evolve(
            stored, prices=(attrs.evolve(lunch, price=Decimal("3.3")),)
        ),
        "a removed price": attrs.evolve(stored, prices=()),
        "a new price among the closed days": attrs.evolve(
            stored,
            prices=(
                lunch,
                MealPrice(meal="lunch", valid_from=date(2026, 9, 15), price=Decimal("3.50")),
            ),
        ),
        "a new malica price among the closed days": attrs.evolve(
            stored,
            prices=(
                lunch,
                MealPrice(meal="malica", valid_from=SEP_1, price=Decimal("1.20")),
            ),
        ),
        "a changed deadline": attrs.evolve(
            stored, deadlines=(attrs.evolve(stored.deadlines[0], by=time(10)),)
        ),
        "a new free day in September": attrs.evolve(
            stored,
            free_days=(*stored.free_days, FreeDay(start=date(2026, 9, 18), end=date(2026, 9, 18))),
        ),
        "the undated illness rule": attrs.evolve(stored, illness_keeps_subsidy=False),
    }
    for what, change in refused.items():
        with backend.store.unit_of_work() as uow:
            with pytest.raises(RecordLockedError) as info:
                uow.school_meals.put_settings(change)
            uow.commit()
        assert info.value.code == "school_meals.price.locked", what
        assert info.value.where == f"school_meal_settings {ORG}/settings"
        assert "30. 09. 2026" in info.value.sl
        assert "2026-09-30" in info.value.en
    with backend.store.unit_of_work() as uow:
        assert uow.school_meals.settings(ORG) == stored  # nothing was written
        # a new dated price after the closed months, and a free day after them, are fine
        later = attrs.evolve(
            stored,
            prices=(
                *stored.prices,
                MealPrice(meal="lunch", valid_from=OCT_1, price=Decimal("3.50")),
            ),
            free_days=(
                *stored.free_days,
                FreeDay(start=date(2026, 12, 24), end=date(2026, 12, 24)),
            ),
        )
        assert uow.school_meals.put_settings(later).version == stored.version + 1
        uow.commit()
    with backend.store.unit_of_work() as uow:
        found = uow.school_meals.settings(ORG)
        assert found is not None
        assert len(found.prices) == 2


def test_care_home_settings_a_closed_month_used_are_locked(backend: Backend) -> None:
    stored = _store_and_lock(backend, home())
    assert isinstance(stored, CareHomeSettings)
    first, second = stored.category_prices
    refused = {
        "a changed daily price": attrs.evolve(
            stored, category_prices=(first, attrs.evolve(second, daily=Decimal("28.50")))
        ),
        "a removed room extra": attrs.evolve(stored, room_extras=()),
        "a changed food cost": attrs.evolve(
            stored, food=(attrs.evolve(stored.food[0], daily=Decimal("2.60")),)
        ),
        "a cap from before the end of September": attrs.evolve(
            stored,
            caps=(MonthlyCap(room="double-shared", valid_from=SEP_1, amount=Decimal("800.00")),),
        ),
        "another care recipient": attrs.evolve(stored, care_recipient="ZZZS-OE-LJ"),
        "another absence rule": attrs.evolve(stored, notice_days=3),
    }
    for what, change in refused.items():
        with backend.store.unit_of_work() as uow, pytest.raises(RecordLockedError) as info:
            uow.care_home.put_settings(change)
        assert info.value.code == "care_home.price.locked", what
        assert info.value.where == f"care_home_settings {ORG}/settings"
    with backend.store.unit_of_work() as uow:
        assert uow.care_home.settings(ORG) == stored
        # the same prices listed in another order are the same prices
        same = attrs.evolve(stored, category_prices=(second, first))
        reordered = uow.care_home.put_settings(same)
        later = attrs.evolve(
            reordered,
            category_prices=(
                *reordered.category_prices,
                CategoryPrice(category="II", valid_from=OCT_1, daily=Decimal("28.50")),
            ),
            caps=(MonthlyCap(room="double-shared", valid_from=OCT_1, amount=Decimal("800.00")),),
        )
        uow.care_home.put_settings(later)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        found = uow.care_home.settings(ORG)
        assert found is not None
        assert len(found.category_prices) == 3


def test_settings_first_stored_after_a_lock_cannot_reach_back(backend: Backend) -> None:
    # The closed month was billed without settings (the defaults): new settings may not
    # add prices for its days, only from after them.
    with backend.store.unit_of_work() as uow:
        uow.price_locks.lock(ORG, [SETTINGS], SEPTEMBER_END, "run", kind=LockKind.SCHOOL_MEALS)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        with pytest.raises(RecordLockedError):
            uow.school_meals.put_settings(school())
        uow.school_meals.put_settings(
            SchoolMealSettings(
                organisation_id=ORG,
                prices=(MealPrice(meal="lunch", valid_from=OCT_1, price=Decimal("3.30")),),
            )
        )
        uow.commit()


def test_migration_0019_keeps_the_program_locks(sql_backend: Backend) -> None:
    assert sql_backend.sql is not None
    engine = sql_backend.sql.engine
    assert migrate(engine, "0018_payer_kinds") == "0018_payer_kinds"
    with engine.begin() as conn:
        conn.execute(
            insert(tables.program),
            [{"organisation_id": ORG, "code": "I", "name": "I", "version": 1}],
        )
        conn.execute(
            text(
                "INSERT INTO szo_price_lock (organisation_id, program_code, locked_through, "
                "billing_run_id) VALUES (:org, 'I', :day, 'run-2026-09')"
            ),
            {"org": ORG, "day": SEPTEMBER_END},
        )
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(tables.price_lock)).all()
    assert [tuple(row) for row in rows] == [
        (ORG, "program", "I", "I", SEPTEMBER_END, "run-2026-09")
    ]
    with sql_backend.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "I") == SEPTEMBER_END
        uow.price_locks.lock(ORG, [SETTINGS], SEPTEMBER_END, "run", kind="care_home")
        uow.commit()
    # down again: the program lock is kept, the settings lock has no place there
    assert migrate(engine, "0018_payer_kinds") == "0018_payer_kinds"
    with engine.connect() as conn:
        old = conn.execute(text("SELECT organisation_id, program_code FROM szo_price_lock")).all()
    assert [tuple(row) for row in old] == [(ORG, "I")]
    migrate(engine)


def test_the_table_refuses_a_program_lock_without_its_program_code(sql_backend: Backend) -> None:
    assert sql_backend.sql is not None
    from sqlalchemy.exc import IntegrityError

    with sql_backend.sql.engine.connect() as conn:
        with pytest.raises(IntegrityError):
            conn.execute(
                insert(tables.price_lock),
                [
                    {
                        "organisation_id": ORG,
                        "kind": "program",
                        "code": "I",
                        "program_code": None,
                        "locked_through": SEPTEMBER_END,
                        "billing_run_id": "run",
                    }
                ],
            )
        conn.rollback()
