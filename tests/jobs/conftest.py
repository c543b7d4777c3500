"""Fixtures for the jobs tests: a fresh migrated PostgreSQL database per test.

The server is the storage suite's ``postgres_server`` (imported, not copied):
without the PostgreSQL binaries these tests skip and say why; under CI
(``CI=true``) they fail.
"""

from __future__ import annotations

import itertools

import pytest
from tests.storage.conftest import postgres_server  # noqa: F401 - the storage suite's server

from szo_core.adapters.sql import make_engine, migrate
from szo_core.adapters.sql.pgtemp import TemporaryPostgres

_counter = itertools.count()


@pytest.fixture(scope="session")
def jobs_template(postgres_server: TemporaryPostgres) -> str:  # noqa: F811
    """Name of a migrated database (szo_core tables, no job tables) to copy per test."""
    url = postgres_server.create_database("jobs_template")
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return "jobs_template"


@pytest.fixture
def pg_url(postgres_server: TemporaryPostgres, jobs_template: str) -> str:  # noqa: F811
    """URL of a fresh database with the szo_core tables, copied from the template."""
    import psycopg
    from psycopg import sql

    name = f"jobs{next(_counter)}"
    with psycopg.connect(
        host="127.0.0.1",
        port=postgres_server.port,
        user="postgres",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(jobs_template)
            )
        )
    return postgres_server.database_url(name)
