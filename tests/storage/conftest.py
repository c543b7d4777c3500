"""Fixtures for the storage contract suite: one backend per adapter.

``backend`` runs each contract test three times: on the in-memory adapter, on
SQLite (a fresh file per test) and on a real PostgreSQL server that this
session starts on 127.0.0.1 (``postgres_server``) and stops at the end.

PostgreSQL tests are marked ``postgres``.  Without the server binaries they
skip and say why; under CI (``CI=true``) they must run, so a missing binary or a
server that does not start FAILS them with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.storage._backend import Backend

from szo_core.adapters.memory import MemoryStore
from szo_core.adapters.sql import SqlStore, migrate
from szo_core.adapters.sql.pgtemp import TemporaryPostgres, find_pg_bin
from szo_core.errors import SzoError

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI but unavailable: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TemporaryPostgres]:
    """A PostgreSQL server on loopback for the whole session (stopped at the end)."""
    binaries = find_pg_bin()
    if not binaries.available:
        _unavailable(binaries.reason)
    server = TemporaryPostgres()
    try:
        server.start()
    except (SzoError, OSError) as exc:
        _unavailable(f"the server did not start: {exc.args[0] if exc.args else exc!r}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_database(postgres_server: TemporaryPostgres) -> str:
    """URL of a migrated database shared by the PostgreSQL tests (emptied before each)."""
    url = postgres_server.create_database("szo_test")
    migrate(url)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy per test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
    migrate(path)
    return path


def _postgres_param() -> object:
    return pytest.param("postgres", marks=pytest.mark.postgres)


def _open_backend(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if name == "memory":
        return Backend("memory", MemoryStore, None)
    if name == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "szo.sqlite"
        shutil.copyfile(template, path)
        return Backend("sqlite", MemoryStore, SqlStore.open(path, migrate=False))
    url: str = request.getfixturevalue("postgres_database")
    opened = Backend("postgres", MemoryStore, SqlStore.open(url, migrate=False))
    opened.reset()
    return opened


@pytest.fixture(params=["memory", "sqlite", _postgres_param()])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The store under test: memory, SQLite file, or PostgreSQL database (fresh per test)."""
    opened = _open_backend(request.param, request, tmp_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(params=["sqlite", _postgres_param()])
def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Only the SQL backends (for tests of SQL-specific behaviour)."""
    opened = _open_backend(request.param, request, tmp_path)
    try:
        yield opened
    finally:
        opened.close()
