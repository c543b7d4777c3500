"""The child's contact e-mail (migration 0011): stored by every backend, added to old databases."""

from __future__ import annotations

import attrs
from sqlalchemy import insert, inspect
from tests.storage._backend import Backend

from szo_core.adapters.sql import HEAD_REVISION, migrate, tables
from szo_core.adapters.sql._rows import child_row
from szo_core.model import Child


def test_the_contact_email_is_stored(backend: Backend) -> None:
    backend.reset()
    child = Child(organisation_id="vrtec", code=7, first_name="Ana", contact_email="a@example.org")
    with backend.store.unit_of_work() as uow:
        uow.children.add(child)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        stored = uow.children.get("vrtec", 7)
        assert stored.contact_email == "a@example.org"
        uow.children.update(attrs.evolve(stored, contact_email=""))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.children.get("vrtec", 7).contact_email == ""


def test_migration_0011_gives_existing_children_no_contact(sql_backend: Backend) -> None:
    assert sql_backend.sql is not None
    engine = sql_backend.sql.engine
    assert migrate(engine, "0010_outbox") == "0010_outbox"
    assert "contact_email" not in {c["name"] for c in inspect(engine).get_columns("szo_child")}
    child = Child(organisation_id="vrtec", code=7, first_name="Ana")
    row = child_row(child)
    del row["contact_email"]  # the table as 0010 made it
    with engine.begin() as conn:
        conn.execute(insert(tables.child), [row])
    assert migrate(engine) == HEAD_REVISION
    with sql_backend.store.unit_of_work() as uow:
        assert uow.children.get("vrtec", 7) == child
    assert migrate(engine, "0010_outbox") == "0010_outbox"
    assert "contact_email" not in {c["name"] for c in inspect(engine).get_columns("szo_child")}
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM szo_child").scalar() == 1
    assert migrate(engine) == HEAD_REVISION  # the PostgreSQL database is shared
