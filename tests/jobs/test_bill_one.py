"""The job body on PostgreSQL: it bills a month once, and repairs what a dead worker left."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest
from tests.jobs._orgs import MONTH_TEXT, add_organisations

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.billing import BillingOrganisation, BillingResult, FilesState, run_billing
from szo_core.billing.files import file_names, stage, staging_folder
from szo_core.calendar import Month
from szo_core.errors import ConfigurationError
from szo_core.fees import FeeRules
from szo_core.jobs import (
    BILL_TASK,
    BillJob,
    Outcome,
    bill_one,
    conninfo,
    defer_month,
    make_app,
)

pytestmark = pytest.mark.postgres

ORG = "vrtec-000"
MONTH = Month.parse(MONTH_TEXT)
ISSUED = date(2026, 10, 2)


@pytest.fixture
def store(pg_url: str) -> SqlBillingStore:
    opened = SqlBillingStore.open(pg_url, migrate=False)
    add_organisations(opened, [ORG], children=10)
    yield opened
    opened.dispose()


def _job(out: Path, org: str = ORG) -> BillJob:
    return BillJob(organisation_id=org, month=MONTH, out_dir=out, issued_on=ISSUED)


def _numbers(store: SqlBillingStore) -> list[str | None]:
    with store.unit_of_work() as uow:
        return [d.number for d in uow.billing.invoices(ORG, str(MONTH))]


def test_a_second_call_bills_nothing(store: SqlBillingStore, tmp_path: Path) -> None:
    first = bill_one(store, _job(tmp_path))
    assert first.outcome is Outcome.BILLED
    assert first.invoices > 0
    assert [p.name for p in first.files] == sorted(file_names(MONTH))
    assert all(p.parent == tmp_path / ORG / str(MONTH) for p in first.files)
    numbers = _numbers(store)
    before = {p: p.read_bytes() for p in first.files}

    second = bill_one(store, _job(tmp_path))
    assert second.outcome is Outcome.ALREADY_BILLED
    assert second.invoices == 0
    assert second.files == first.files
    assert _numbers(store) == numbers
    assert {p: p.read_bytes() for p in first.files} == before


def test_a_run_that_died_before_its_commit_is_billed_once(
    store: SqlBillingStore, tmp_path: Path
) -> None:
    out = tmp_path / ORG

    def stage_then_die(result: BillingResult) -> str:
        stage(result, out)
        raise KeyboardInterrupt  # the worker dies inside the transaction

    org = BillingOrganisation(id=ORG, rules=FeeRules(host_municipality=61))
    with pytest.raises(KeyboardInterrupt):
        run_billing(org, MONTH, store, issued_on=ISSUED, stage=stage_then_die)
    assert staging_folder(out, MONTH).is_dir()
    with store.unit_of_work() as uow:
        assert uow.billing.find_run(ORG, MONTH) is None

    report = bill_one(store, _job(tmp_path))
    assert report.outcome is Outcome.BILLED
    assert not staging_folder(out, MONTH).exists()
    with store.unit_of_work() as uow:
        serials = [d.serial for d in uow.billing.invoices(ORG, str(MONTH)) if d.number]
    assert serials == list(range(1, len(serials) + 1))


def test_a_committed_run_whose_files_were_not_moved_gets_them(
    store: SqlBillingStore, tmp_path: Path
) -> None:
    out = tmp_path / ORG
    org = BillingOrganisation(id=ORG, rules=FeeRules(host_municipality=61))
    run_billing(
        org, MONTH, store, issued_on=ISSUED, stage=lambda result: stage(result, out).digest
    )  # committed; the worker died before publish
    numbers = _numbers(store)
    assert not (out / file_names(MONTH)[0]).exists()

    report = bill_one(store, _job(tmp_path))
    assert report.outcome is Outcome.ALREADY_BILLED
    assert [p.name for p in report.files] == sorted(file_names(MONTH))
    assert not staging_folder(out, MONTH).exists()
    assert _numbers(store) == numbers
    with store.unit_of_work() as uow:
        run = uow.billing.find_run(ORG, MONTH)
    assert run is not None
    assert run.files is FilesState.WRITTEN


def test_an_organisation_without_children_has_nothing_to_bill(
    store: SqlBillingStore, tmp_path: Path
) -> None:
    report = bill_one(store, _job(tmp_path, org="vrtec-prazen"))
    assert report.outcome is Outcome.NOTHING_TO_BILL
    assert report.to_json()["outcome"] == "nothing_to_bill"


def test_an_organisation_id_that_is_not_a_folder_name_is_refused(
    store: SqlBillingStore, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        bill_one(store, _job(tmp_path, org="../drugam"))
    assert caught.value.code == "jobs.organisation_id"
    assert not (tmp_path.parent / "drugam").exists()


def test_a_job_that_meets_a_run_in_progress_is_retried_later(
    store: SqlBillingStore, pg_url: str, tmp_path: Path
) -> None:
    deferred = defer_month(pg_url, MONTH, tmp_path, issued_on=ISSUED)
    assert deferred.queued == (ORG,)
    # Someone runs `szo bill` on the organisation right now: its claim is held.
    with psycopg.connect(conninfo(pg_url)) as holder, holder.transaction():
        holder.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"szo_core.billing:{ORG}",))
        make_app(pg_url).run_worker(wait=False, install_signal_handlers=False)
    with psycopg.connect(conninfo(pg_url)) as conn:
        row = conn.execute(
            "SELECT status::text, attempts, scheduled_at > now() FROM procrastinate_jobs"
            " WHERE task_name = %s",
            (BILL_TASK,),
        ).fetchone()
    assert row == ("todo", 1, True)  # waits for its next attempt
    with store.unit_of_work() as uow:
        assert uow.billing.find_run(ORG, MONTH) is None
