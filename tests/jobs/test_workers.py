"""Thirty organisations, three worker processes, one killed with SIGKILL inside a job.

The month is deferred for every organisation (``szo bill --all``); three
``szo worker`` processes bill them.  The job of one organisation pauses inside
its billing transaction, after staging its files (the test hook
``SZO_JOBS_TEST_PAUSE``), and the test kills that worker with SIGKILL.  The
other two finish the queue; the periodic stalled-job check puts the dead
worker's job back and one of them bills it.  Then every organisation has
exactly one run for the month, its invoices are numbered gap-free from 1, no
document is stored twice, and its files are in place, with no staging folder
left.  Everything is bounded: the workers are killed in ``finally``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from tests.jobs._orgs import MONTH_TEXT, add_organisations, organisation_ids

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.billing import DocumentKind, FilesState
from szo_core.billing.files import file_names
from szo_core.calendar import Month
from szo_core.cli import main
from szo_core.jobs import BILL_TASK, conninfo
from szo_core.jobs.bill import PAUSE_ENV

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ORGANISATIONS = 30
VICTIM = "vrtec-007"
DEADLINE = 240.0  # seconds for the whole queue; far more than it needs


def _job_states(url: str) -> list[tuple[str, str, int]]:
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT args->>'organisation_id', status::text, attempts FROM procrastinate_jobs"
            " WHERE task_name = %s",
            (BILL_TASK,),
        ).fetchall()
    return [(str(org), str(status), int(attempts)) for org, status, attempts in rows]


def _start_worker(url: str, index: int, env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    log = (logs / f"worker-{index}.log").open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "szo_core",
            "worker",
            "--db",
            url,
            "--heartbeat",
            "0.5",
            "--stalled-after",
            "2",
            "--check-every",
            "1",
            "--name",
            f"w{index}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for(predicate: object, what: str, timeout: float, logs: Path) -> None:
    assert callable(predicate)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    tails = "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(logs.glob("*.log"))
    )
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def test_three_workers_one_killed_every_organisation_billed_once(
    pg_url: str, tmp_path: Path
) -> None:
    ids = organisation_ids(ORGANISATIONS)
    store = SqlBillingStore.open(pg_url, migrate=False)
    workers: list[subprocess.Popen[bytes]] = []
    logs = tmp_path / "logs"
    logs.mkdir()
    out = tmp_path / "out"
    marker = tmp_path / "paused.pid"
    try:
        add_organisations(store, ids, children=12)

        queued = CliRunner().invoke(
            main,
            [
                "bill",
                "--all",
                "--db",
                pg_url,
                "--month",
                MONTH_TEXT,
                "--out",
                str(out),
                "--issued-on",
                "2026-10-02",
                "--lang",
                "en",
            ],
        )
        assert queued.exit_code == 0, queued.output
        assert f"Queued for {MONTH_TEXT}: {ORGANISATIONS} billing jobs" in queued.output
        assert len(_job_states(pg_url)) == ORGANISATIONS

        env = {**os.environ, PAUSE_ENV: f"{VICTIM}:{marker}"}
        workers = [_start_worker(pg_url, i, env, logs) for i in range(3)]
        _wait_for(lambda: marker.exists() and marker.read_text().strip(), "the pause", 90, logs)
        paused = int(marker.read_text())
        victim = next(w for w in workers if w.pid == paused)
        # The victim is inside the billing transaction, its files staged:
        assert (out / VICTIM / f".statements-{MONTH_TEXT}.staged").is_dir()
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)

        def all_done() -> bool:
            states = _job_states(pg_url)
            return len(states) == ORGANISATIONS and all(s == "succeeded" for _, s, _ in states)

        _wait_for(all_done, "every job to succeed", DEADLINE, logs)
        states = {org: attempts for org, _, attempts in _job_states(pg_url)}
        assert states[VICTIM] >= 2  # run again after its worker died
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)

    month = Month.parse(MONTH_TEXT)
    try:
        for org in ids:
            with store.unit_of_work() as uow:
                runs = uow.billing.runs(org)
                assert [r.month for r in runs] == [month], org
                run = runs[0]
                assert run.files is FilesState.WRITTEN, org
                documents = uow.billing.invoices(org, run.id)
                invoices = uow.billing.invoices_of_year(org, 2026, DocumentKind.INVOICE)
            serials = [d.serial for d in invoices]
            assert serials == list(range(1, len(serials) + 1)), org  # gap-free from 1
            assert len(serials) == run.invoice_count > 0, org
            numbers = Counter(d.number for d in documents if d.number is not None)
            assert all(n == 1 for n in numbers.values()), org  # no document twice
            folder = out / org / MONTH_TEXT
            assert sorted(p.name for p in folder.iterdir()) == sorted(file_names(month)), org
            written = json.loads((folder / f"statements-{MONTH_TEXT}.json").read_text("utf-8"))
            assert sorted(d["number"] for d in written["documents"] if d["number"]) == sorted(
                numbers
            ), org
    finally:
        store.dispose()
