"""The job tables, deferring once per (organisation, month), and the command line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from tests.jobs._orgs import MONTH_TEXT, add_organisations, organisation_ids

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.calendar import Month
from szo_core.cli import main
from szo_core.cli._common import EXIT_USAGE
from szo_core.errors import ConfigurationError, StorageError
from szo_core.jobs import (
    BILL_TASK,
    WorkerSettings,
    apply_schema,
    bill_lock,
    conninfo,
    defer_month,
    has_schema,
    queueing_lock,
)

MONTH = Month.parse(MONTH_TEXT)


def _bill_jobs(url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT args->>'organisation_id', lock, queueing_lock FROM procrastinate_jobs"
            " WHERE task_name = %s ORDER BY id",
            (BILL_TASK,),
        ).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


@pytest.mark.postgres
def test_apply_schema_creates_the_tables_once_also_when_called_at_once(pg_url: str) -> None:
    assert not has_schema(pg_url)
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(apply_schema(pg_url)))]
    threads.append(threading.Thread(target=lambda: results.append(apply_schema(pg_url))))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False, True]
    assert has_schema(pg_url)
    assert apply_schema(pg_url) is False


@pytest.mark.postgres
def test_deferring_twice_queues_once_with_the_locks(pg_url: str, tmp_path: Path) -> None:
    ids = organisation_ids(3)
    store = SqlBillingStore.open(pg_url, migrate=False)
    try:
        add_organisations(store, ids, children=3)
    finally:
        store.dispose()
    first = defer_month(pg_url, MONTH, tmp_path, issued_on=date(2026, 10, 2))
    assert first.queued == ids
    assert first.already_queued == ()
    second = defer_month(pg_url, MONTH, tmp_path, issued_on=date(2026, 10, 2))
    assert second.queued == ()
    assert second.already_queued == ids
    assert _bill_jobs(pg_url) == [(o, bill_lock(o), queueing_lock(o, MONTH)) for o in ids]
    # Another month of the same organisation is a job of its own (same lock).
    october = defer_month(
        pg_url, Month(2026, 10), tmp_path, issued_on=date(2026, 11, 2), organisations=ids[:1]
    )
    assert october.queued == ids[:1]


@pytest.mark.postgres
def test_szo_bill_all_prints_how_many_and_queues_nothing_twice(pg_url: str, tmp_path: Path) -> None:
    store = SqlBillingStore.open(pg_url, migrate=False)
    try:
        add_organisations(store, organisation_ids(2), children=3)
    finally:
        store.dispose()
    args = ["bill", "--all", "--db", pg_url, "--month", MONTH_TEXT, "--out", str(tmp_path)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert f"V vrsto za {MONTH_TEXT}: 2 obračuna (že čakalo: 0)" in first.output
    second = CliRunner().invoke(main, [*args, "--lang", "en"])
    assert second.exit_code == 0, second.output
    assert "0 billing jobs (already waiting: 2)" in second.output
    assert len(_bill_jobs(pg_url)) == 2


def test_szo_bill_all_on_sqlite_says_it_needs_postgresql(tmp_path: Path) -> None:
    database = tmp_path / "szo.sqlite"
    store = SqlBillingStore.open(database)
    store.dispose()
    result = CliRunner().invoke(
        main,
        [
            "bill",
            "--all",
            "--db",
            str(database),
            "--month",
            MONTH_TEXT,
            "--out",
            str(tmp_path),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == EXIT_USAGE
    assert "needs a PostgreSQL database and the jobs extra" in result.output
    both = CliRunner().invoke(
        main,
        [
            "bill",
            "--all",
            "--org",
            "x",
            "--db",
            str(database),
            "--month",
            MONTH_TEXT,
            "--out",
            str(tmp_path),
            "--lang",
            "en",
        ],
    )
    assert both.exit_code == EXIT_USAGE
    assert "--all excludes --org" in both.output


def test_szo_worker_refuses_settings_that_take_a_living_worker_for_dead() -> None:
    result = CliRunner().invoke(
        main,
        [
            "worker",
            "--db",
            "postgresql://u@127.0.0.1:1/x",
            "--heartbeat",
            "10",
            "--stalled-after",
            "15",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == EXIT_USAGE
    assert "at least two heartbeats" in result.output
    with pytest.raises(ConfigurationError):
        WorkerSettings(concurrency=0)


def test_an_unreachable_server_is_named_without_the_password() -> None:
    with pytest.raises(StorageError) as caught:
        apply_schema("postgresql://szo:skrivnost-123@127.0.0.1:1/szo")
    assert caught.value.code == "jobs.connect"
    for text in (str(caught.value), repr(caught.value), caught.value.message("en")):
        assert "skrivnost" not in text


def test_szo_bill_on_sqlite_does_not_import_procrastinate(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from click.testing import CliRunner
        from tests.jobs._orgs import add_organisations
        from szo_core.adapters.sql.billing import SqlBillingStore
        from szo_core.cli import main

        assert "worker" in main.commands
        store = SqlBillingStore.open({str(tmp_path / "szo.sqlite")!r})
        add_organisations(store, ["vrtec-000"], children=3)
        store.dispose()
        result = CliRunner().invoke(main, ["bill", "--db", {str(tmp_path / "szo.sqlite")!r},
            "--month", "2026-09", "--out", {str(tmp_path / "out")!r}])
        assert result.exit_code == 0, result.output
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "procrastinate")
        print("loaded:", loaded)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout
    assert (tmp_path / "out" / MONTH_TEXT / f"statements-{MONTH_TEXT}.json").is_file()
