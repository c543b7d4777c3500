"""URL handling and engine settings (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import URL

from szo_core.adapters.sql import SqlStore, database_url, make_engine
from szo_core.adapters.sql.engine import is_memory_sqlite
from szo_core.errors import ConfigurationError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("szo.sqlite", "sqlite:///szo.sqlite"),
        ("data/szo.db", "sqlite:///data/szo.db"),
        (Path("/var/lib/szo/szo.db"), "sqlite:////var/lib/szo/szo.db"),
        ("sqlite:///szo.sqlite", "sqlite:///szo.sqlite"),
        ("sqlite+pysqlite:///szo.sqlite", "sqlite:///szo.sqlite"),
        (":memory:", "sqlite://"),
        ("sqlite://", "sqlite://"),
        ("postgresql://app@db.example:5433/szo", "postgresql+psycopg://app@db.example:5433/szo"),
        ("postgres://app@db.example/szo", "postgresql+psycopg://app@db.example/szo"),
        ("postgresql+psycopg://app@db/szo", "postgresql+psycopg://app@db/szo"),
        (URL.create("postgresql", host="db", database="szo"), "postgresql+psycopg://db/szo"),
    ],
)
def test_database_url(given: str | Path | URL, expected: str) -> None:
    assert database_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize(
    "given",
    [
        "mysql://app:hunter2@db/szo",
        "postgresql+psycopg2://app:hunter2@db/szo",
        "postgresql+asyncpg://app:hunter2@db/szo",
        "sqlite+aiosqlite:///x.db",
        "not a url://hunter2",
        "",
    ],
)
def test_unsupported_urls_are_refused_without_echoing_them(given: str) -> None:
    with pytest.raises(ConfigurationError) as err:
        database_url(given)
    assert err.value.code == "storage.url"
    assert "hunter2" not in str(err.value)
    assert "hunter2" not in err.value.en


def test_a_url_that_is_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        database_url(42)  # type: ignore[arg-type]


def test_memory_sqlite_is_one_shared_connection() -> None:
    store = SqlStore.open(":memory:")
    assert is_memory_sqlite(store.engine.url)
    with store.engine.connect() as a, store.engine.connect() as b:
        assert a.connection.dbapi_connection is b.connection.dbapi_connection


def test_file_sqlite_is_created_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "new" / "szo.sqlite"
    path.parent.mkdir()
    store = SqlStore.open(path)
    try:
        assert path.exists()
        with store.unit_of_work() as uow:
            assert uow.children.for_organisation("org") == ()
    finally:
        store.dispose()


def test_engine_hides_parameters() -> None:
    assert make_engine(":memory:").hide_parameters
