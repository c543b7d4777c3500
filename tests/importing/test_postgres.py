"""The clean examples import into PostgreSQL (on 127.0.0.1): all or nothing, idempotently."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from szo_core.adapters.sql import SqlStore, migrate
from szo_core.adapters.sql.pgtemp import TemporaryPostgres, find_pg_bin
from szo_core.errors import SzoError
from szo_core.importing import import_files

ROOT = Path(__file__).resolve().parents[2] / "examples"
ORG = "vrtec-soncek"
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    binaries = find_pg_bin()
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if not binaries.available:
        if in_ci:
            pytest.fail(f"PostgreSQL is required under CI: {binaries.reason}", pytrace=False)
        pytest.skip(f"PostgreSQL tests skipped: {binaries.reason}")
    server = TemporaryPostgres()
    try:
        server.start()
    except (SzoError, OSError) as exc:
        if in_ci:
            raise
        pytest.skip(f"PostgreSQL did not start: {exc!r}")
    try:
        url = server.create_database("szo_import")
        migrate(url)
        yield url
    finally:
        server.stop()


def test_examples_into_postgres(postgres_url: str):
    store = SqlStore.open(postgres_url, migrate=False)
    try:
        broken = import_files(store, ORG, sorted((ROOT / "import-errors").glob("*.csv")))
        assert not broken.stored
        with store.unit_of_work() as uow:
            assert uow.children.for_organisation(ORG) == ()
        first = import_files(store, ORG, sorted((ROOT / "import").glob("*.csv")))
        assert first.stored, first.render("en")
        assert first.changes["children"].added == 12
        again = import_files(store, ORG, [ROOT / "vrtec.xlsx"])
        assert again.changes["children"].unchanged == 12
        assert again.changes["guardians"].unchanged == 18
    finally:
        store.dispose()
