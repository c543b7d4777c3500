"""SQL adapter specifics, on SQLite and on PostgreSQL: statements, failures, schema."""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import attrs
import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Engine,
    Numeric,
    Text,
    TypeDecorator,
    event,
    insert,
    inspect,
    select,
    text,
    type_coerce,
)
from tests.storage._backend import Backend
from tests.storage._world import ORG, add, base_records, month_child, month_world, synthetic_emso

from szo_core.adapters.sql import (
    HEAD_REVISION,
    SqlStore,
    _rows,
    current_revision,
    metadata,
    migrate,
    tables,
)
from szo_core.adapters.sql.migrations import VERSION_TABLE
from szo_core.calendar import Month
from szo_core.errors import ConfigurationError, StorageError
from szo_core.model import (
    Child,
    Group,
    Guardian,
    Program,
    ProgramKind,
    Regresor,
    ResidenceChange,
    TaxpayerChange,
)

fixture_settings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _before_0011(row: dict[str, object]) -> dict[str, object]:
    """A child row as a schema before migration 0011 has it (no contact_email)."""
    return {k: v for k, v in row.items() if k != "contact_email"}


def _engine(backend: Backend) -> Engine:
    assert backend.sql is not None
    return backend.sql.engine


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


# -- the month query: a fixed number of statements -------------------------------------


def _dated(child: Child) -> Child:
    """The child with a move and a change of tax status (every third one: none)."""
    if child.code % 3 == 0:
        return child
    return child.with_residence_change(
        ResidenceChange(valid_from=date(2025, 3, 16), municipality_code=62, regresor_id="r-61")
    ).with_taxpayer_change(TaxpayerChange(valid_from=date(2025, 4, 1), taxpayers=False))


def _statements_for(backend: Backend, children: int, first: Month, last: Month) -> list[str]:
    backend.reset()
    world = [
        _dated(r) if isinstance(r, Child) else r
        for r in month_world(ORG, children, date(2025, 3, 1))
    ]
    with backend.store.unit_of_work() as uow:
        add(uow, *world)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        with count_statements(_engine(backend)) as seen:
            if first == last:
                data = uow.load_month(ORG, first)
            else:
                data = uow.load_period(ORG, first, last)
        assert len(data.children) == children
        assert all(len(b.decisions) == 1 for b in data.children.values())
        assert {code: b.child for code, b in data.children.items()} == {
            r.code: r for r in world if isinstance(r, Child)
        }
    return seen


@pytest.mark.parametrize(
    ("first", "last"),
    [(Month(2025, 3), Month(2025, 3)), (Month(2025, 1), Month(2025, 6))],
    ids=["load_month", "load_period"],
)
def test_month_query_uses_the_same_statements_for_10_and_200_children(
    sql_backend: Backend, first: Month, last: Month
) -> None:
    small = _statements_for(sql_backend, 10, first, last)
    large = _statements_for(sql_backend, 200, first, last)
    selects = [s for s in large if s.lstrip().upper().startswith("SELECT")]
    # children, their groups, residence changes, tax-status changes, guardian links,
    # decisions, reservations, absences, programs, prices, reference programs, groups,
    # regresors, linked guardians, decision locks
    assert len(selects) == 15
    assert len(small) == len(large)
    assert small == large  # the very same SQL: no IN-list grows with the children


# -- failures inside the transaction ---------------------------------------------------

PERSONAL = synthetic_emso(7)


def _driver_error(engine: Engine) -> Exception:
    # What the real driver would raise; its message echoes a personal number, as some
    # drivers do with the values of a failing row.
    if engine.dialect.name == "sqlite":
        return sqlite3.OperationalError(f"disk I/O error near {PERSONAL}")
    return psycopg.OperationalError(f"server closed the connection: {PERSONAL}")


@contextmanager
def fail_on_statement(engine: Engine, number: int) -> Iterator[None]:
    """Make the ``number``-th INSERT/UPDATE/DELETE (0-based) fail inside the driver."""
    writes = 0

    def before(conn: object, cursor: object, statement: str, *args: object) -> None:
        nonlocal writes
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            if writes == number:
                raise _driver_error(engine)
            writes += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _assert_safe(err: StorageError) -> None:
    for text_ in (str(err), repr(err), err.sl, err.en, err.where or ""):
        assert PERSONAL not in text_
    assert err.__cause__ is None
    assert err.__suppress_context__


@fixture_settings
@given(st.integers(min_value=0, max_value=7))
def test_driver_failure_at_any_write_leaves_nothing_written(
    sql_backend: Backend, failing_write: int
) -> None:
    # base_records (4 records; the program has 2 prices: 5 INSERTs) and a child with
    # one group and one guardian link (3 INSERTs): 8 writes, one of which fails.
    sql_backend.reset()
    engine = _engine(sql_backend)
    records = [*base_records(), month_child(ORG, 1)]
    with sql_backend.store.unit_of_work() as uow:
        with fail_on_statement(engine, failing_write), pytest.raises(StorageError) as err:
            add(uow, *records)
        assert err.value.code == "storage.failed"
        _assert_safe(err.value)
        uow.commit()  # nothing is left to commit
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            assert conn.execute(text(f"SELECT count(*) FROM {table.name}")).scalar() == 0


def test_driver_failure_at_commit_leaves_nothing_written(
    sql_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(sql_backend)

    def failing_commit(dbapi_connection: object) -> None:
        raise _driver_error(engine)

    with sql_backend.store.unit_of_work() as uow:
        add(uow, *base_records())
        with monkeypatch.context() as patch:
            patch.setattr(engine.dialect, "do_commit", failing_commit)
            with pytest.raises(StorageError) as err:
                uow.commit()
        _assert_safe(err.value)
    with sql_backend.store.unit_of_work() as uow:
        assert uow.programs.for_organisation(ORG) == ()
        assert uow.guardians.for_organisation(ORG) == ()


def test_constraint_errors_carry_no_personal_data(sql_backend: Backend) -> None:
    guardian = Guardian(organisation_id=ORG, id="g", emso=PERSONAL, first_name="Ana")
    with sql_backend.store.unit_of_work() as uow:
        uow.guardians.add(guardian)
        uow.commit()
    with sql_backend.store.unit_of_work() as uow, pytest.raises(StorageError) as err:
        uow.guardians.add(guardian)
    assert err.value.code == "storage.duplicate"
    assert err.value.where == "guardians"
    _assert_safe(err.value)


def test_money_is_refused_as_float_and_the_unit_is_rolled_back(sql_backend: Backend) -> None:
    with sql_backend.store.unit_of_work() as uow:
        uow.programs.add(Program(organisation_id=ORG, code="I"))
        with pytest.raises(StorageError), uow.guard("programs"):
            uow.connection.execute(
                tables.program_price.insert(),
                [
                    {
                        "organisation_id": ORG,
                        "program_code": "I",
                        "valid_from": date(2025, 1, 1),
                        "monthly": 0.1,  # a float: the column type refuses it
                        "food_per_day": Decimal("1"),
                    }
                ],
            )
        uow.commit()
    with sql_backend.store.unit_of_work() as uow:
        assert uow.programs.find(ORG, "I") is None


# -- how values are stored --------------------------------------------------------------


def test_money_is_stored_exactly(sql_backend: Backend) -> None:
    with sql_backend.store.unit_of_work() as uow:
        add(uow, *base_records())
        uow.commit()
    engine = _engine(sql_backend)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT typeof(monthly), monthly FROM szo_program_price ORDER BY valid_from")
            ).all()
            assert [tuple(r) for r in rows] == [("text", "520.00"), ("text", "545.10")]
        else:
            kind = conn.execute(
                text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'szo_program_price' AND column_name = 'monthly'"
                )
            ).scalar()
            assert kind == "numeric"
            value = (
                conn.execute(
                    text("SELECT monthly::text FROM szo_program_price ORDER BY valid_from")
                )
                .scalars()
                .all()
            )
            assert value == ["520.00", "545.10"]


# -- rows(): driver rows on PostgreSQL, processed rows otherwise ---------------------------


class _Upper(TypeDecorator[str]):
    """A column type whose result processing must run (it changes the value)."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: object, dialect: object) -> str | None:
        return None if value is None else str(value).upper()


def test_rows_give_the_same_values_with_and_without_driver_rows(sql_backend: Backend) -> None:
    with sql_backend.store.unit_of_work() as uow:
        add(uow, *base_records())
        uow.commit()
    assert sql_backend.sql is not None
    every_table = [
        select(*t.columns).order_by(*t.primary_key.columns) for t in metadata.sorted_tables
    ]
    with sql_backend.sql.unit_of_work() as uow:
        for statement in every_table:
            fast = uow.rows(statement)
            processed = uow.connection.execute(statement).all()
            assert [tuple(r) for r in fast] == [tuple(r) for r in processed]
            for fast_row, row in zip(fast, processed, strict=True):
                assert [type(v) for v in fast_row] == [type(v) for v in row]
            if fast and sql_backend.name == "postgres":
                assert type(fast[0]) is tuple  # straight from psycopg, no Row objects


def test_rows_process_columns_of_other_types(sql_backend: Backend) -> None:
    with sql_backend.store.unit_of_work() as uow:
        add(uow, *base_records())
        uow.commit()
    assert sql_backend.sql is not None
    price, program = tables.program_price, tables.program
    with sql_backend.sql.unit_of_work() as uow:
        if sql_backend.name == "postgres":
            # Numeric(asdecimal=False) turns psycopg's Decimal into a float ...
            floats = uow.rows(
                select(type_coerce(price.c.monthly, Numeric(asdecimal=False))).order_by(
                    price.c.valid_from
                )
            )
            assert [row[0] for row in floats] == [520.0, 545.1]
            assert all(type(row[0]) is float for row in floats)
        # ... and a TypeDecorator's process_result_value runs, next to a plain column.
        upper = uow.rows(
            select(type_coerce(program.c.name, _Upper), program.c.code).order_by(program.c.code)
        )
        assert [tuple(row) for row in upper] == [
            (name.upper(), code) for name, code in sorted(_program_names(), key=lambda p: p[1])
        ]


def test_rows_refuse_anything_but_a_select(sql_backend: Backend) -> None:
    assert sql_backend.sql is not None
    with sql_backend.sql.unit_of_work() as uow:
        with pytest.raises(ConfigurationError) as caught:
            uow.rows(text("SELECT 1"))  # type: ignore[arg-type]
        assert caught.value.code == "storage.statement"
        assert caught.value.where == "statement"
        assert "select()" in caught.value.en
        assert "select()" in caught.value.sl
        assert uow.rows(select(tables.program.c.code)) == []  # the unit is still usable


def _program_names() -> list[tuple[str, str]]:
    return [(p.name, p.code) for p in base_records() if isinstance(p, Program)]


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: object) -> None:
    from pathlib import Path

    store = SqlStore.open(Path(str(tmp_path)) / "x.sqlite")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.dispose()


# -- migrations --------------------------------------------------------------------------


def _import_every_sql_module() -> None:
    # Extensions (billing, ...) add their tables to the shared metadata when imported.
    import szo_core.adapters.sql as package

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def test_migrated_schema_matches_the_tables_in_the_code(sql_backend: Backend) -> None:
    _import_every_sql_module()
    engine = _engine(sql_backend)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        assert compare_metadata(context, metadata) == []


def test_migrations_go_down_and_up_again(sql_backend: Backend) -> None:
    engine = _engine(sql_backend)
    assert current_revision(engine) == HEAD_REVISION
    assert migrate(engine) == HEAD_REVISION  # already there: nothing to do
    assert migrate(engine, "base") is None
    assert not [
        t
        for t in inspect(engine).get_table_names()
        if t.startswith("szo_") and t != "szo_alembic_version"
    ]
    assert migrate(engine) == HEAD_REVISION
    assert {t.name for t in metadata.sorted_tables} <= set(inspect(engine).get_table_names())


def test_migration_0004_keeps_existing_data_as_the_first_entry(sql_backend: Backend) -> None:
    # A database at 0003 with a program and a child (written with 0003's columns only),
    # migrated to 0004: the program is regular and unlocked, the child has no dated
    # changes and its municipality, regresor and tax status are what they were.
    engine = _engine(sql_backend)
    assert migrate(engine, "0003_child_family") == "0003_child_family"
    child = attrs.evolve(
        month_child(ORG, 1), municipality_code=61, parents_taxpayers=False, guardians=()
    )
    with engine.begin() as conn:
        conn.execute(
            insert(tables.regresor),
            [_rows.regresor_row(Regresor(organisation_id=ORG, id="r-61", name="MOL"))],
        )
        conn.execute(
            insert(tables.program),
            [{"organisation_id": ORG, "code": "I", "name": "1. starostno obdobje", "version": 3}],
        )
        conn.execute(
            insert(tables.group),
            [_rows.group_row(Group(organisation_id=ORG, code="A1", program_code="I"))],
        )
        conn.execute(insert(tables.child), [_before_0011(_rows.child_row(child))])
        conn.execute(insert(tables.child_group), _rows.child_group_rows(child))
    assert migrate(engine) == HEAD_REVISION
    with sql_backend.store.unit_of_work() as uow:
        program = uow.programs.get(ORG, "I")
        assert (program.kind, program.reference_program, program.version) == (
            ProgramKind.REGULAR,
            None,
            3,
        )
        assert uow.price_locks.locked_through(ORG, "I") is None
        stored = uow.children.get(ORG, 1)
        assert stored == child
        assert (stored.residence_changes, stored.taxpayer_changes) == ((), ())
        assert stored.residence_on(date(2030, 1, 1)) == (61, "r-61")
        assert stored.taxpayers_on(date(2030, 1, 1)) is False
        # and the new tables work on the migrated database
        uow.price_locks.lock(ORG, ["I"], date(2025, 9, 30), "run")
        uow.children.update(
            stored.with_residence_change(
                ResidenceChange(valid_from=date(2026, 1, 1), municipality_code=70)
            )
        )
        uow.commit()
    with sql_backend.store.unit_of_work() as uow:
        assert uow.children.get(ORG, 1).municipality_on(date(2026, 1, 1)) == 70
        assert uow.price_locks.locked_through(ORG, "I") == date(2025, 9, 30)
