"""Fixtures for the billing tests: one billing store per adapter.

``store`` runs a test on the in-memory adapter, on SQLite (a fresh migrated
file per test) and on the real PostgreSQL server the storage suite starts
(``postgres_server`` is imported from ``tests/storage/conftest.py``, not
copied: without the server binaries those tests skip, under CI they fail).
Each PostgreSQL test gets a fresh database copied from a migrated template.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.billing._world import ORG, add_world
from tests.storage.conftest import postgres_server  # noqa: F401 - the storage suite's server

from szo_core.adapters.memory_billing import MemoryBillingStore
from szo_core.adapters.sql import make_engine, migrate
from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.adapters.sql.pgtemp import TemporaryPostgres
from szo_core.billing import BillingStorage

_counter = itertools.count()


@pytest.fixture(scope="session")
def billing_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy per test."""
    path = tmp_path_factory.mktemp("billing-template") / "template.sqlite"
    migrate(path)
    return path


@pytest.fixture(scope="session")
def billing_postgres_template(postgres_server: TemporaryPostgres) -> str:  # noqa: F811
    """Name of a migrated PostgreSQL database to copy per test."""
    url = postgres_server.create_database("billing_template")
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return "billing_template"


class Opened:
    """A billing store under test, with its URL when it is SQL."""

    def __init__(self, name: str, store: BillingStorage, url: str | None = None) -> None:
        self.name = name
        self.store = store
        self.url = url

    def close(self) -> None:
        if isinstance(self.store, SqlBillingStore):
            self.store.dispose()


def _postgres_database(request: pytest.FixtureRequest) -> str:
    import psycopg
    from psycopg import sql

    server: TemporaryPostgres = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("billing_postgres_template")
    name = f"billing{next(_counter)}"
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return server.database_url(name)


def open_store(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Opened:
    if name == "memory":
        return Opened("memory", MemoryBillingStore())
    if name == "sqlite":
        template: Path = request.getfixturevalue("billing_sqlite_template")
        path = tmp_path / "szo.sqlite"
        shutil.copyfile(template, path)
        return Opened("sqlite", SqlBillingStore.open(path, migrate=False), str(path))
    url = _postgres_database(request)
    return Opened("postgres", SqlBillingStore.open(url, migrate=False), url)


def _postgres() -> object:
    return pytest.param("postgres", marks=pytest.mark.postgres)


@pytest.fixture(params=["memory", "sqlite", _postgres()])
def opened(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opened]:
    """An empty billing store: memory, SQLite file or PostgreSQL database."""
    result = open_store(request.param, request, tmp_path)
    try:
        yield result
    finally:
        result.close()


@pytest.fixture
def store(opened: Opened) -> BillingStorage:
    """A billing store holding the small organisation of ``_world.py``."""
    add_world(opened.store, ORG)
    return opened.store


@pytest.fixture(params=["sqlite", _postgres()])
def sql_opened(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opened]:
    """Only the SQL stores (for tests that need two connections), with the world added."""
    result = open_store(request.param, request, tmp_path)
    add_world(result.store, ORG)
    try:
        yield result
    finally:
        result.close()
