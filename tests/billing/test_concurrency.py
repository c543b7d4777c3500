"""Two runs at once, and a crash in the middle of a run.

Two runs of the same month at once: the first to claim the organisation's
billing wins, the second gets ``BillingConflict`` at once (memory: a claim in
the store; SQLite: the write lock taken with a zero busy timeout; PostgreSQL:
an advisory transaction lock).  The SQL unique constraint on (organisation,
month) backs the claim up; it is tested with two connections.

A crash after the run, its documents, its numbers and its fingerprints were
written, but before the commit, leaves nothing behind.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from tests.billing._world import ORG, SEPTEMBER_DOCUMENTS, organisation
from tests.billing.conftest import Opened

from szo_core.billing import BillingResult, BillingRun, BillingStorage, run_billing
from szo_core.calendar import Month
from szo_core.errors import BillingConflict, StorageError

SEP = Month(2026, 9)


def test_two_runs_at_once_one_wins_the_other_gets_a_clear_error(
    store: BillingStorage,
) -> None:
    claimed = threading.Event()
    release = threading.Event()
    outcome: dict[str, object] = {}

    def hold_after_claim(done: int, total: int) -> None:
        if done == 0:  # the run has claimed the month and is about to compute
            claimed.set()
            release.wait(timeout=120)

    def first() -> None:
        try:
            outcome["first"] = run_billing(
                organisation(), SEP, store, issued_on=SEP.last, progress=hold_after_claim
            )
        except BaseException as exc:  # reported below
            outcome["first"] = exc

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert claimed.wait(timeout=120)
        with pytest.raises(BillingConflict) as caught:
            run_billing(organisation(), SEP, store, issued_on=SEP.last)
    finally:
        release.set()
        thread.join(timeout=120)
    assert caught.value.code == "billing.in_progress"
    assert "in progress" in caught.value.message("en")
    assert "teče" in caught.value.message("sl")
    winner = outcome["first"]
    assert isinstance(winner, BillingResult), winner
    assert len(winner.documents) == len(SEPTEMBER_DOCUMENTS)
    with store.unit_of_work() as uow:
        assert [run.id for run in uow.billing.runs(ORG)] == ["2026-09"]
        assert [i.serial for i in uow.billing.invoices_of_year(ORG, 2026)] == list(range(1, 7))


def test_the_month_is_unique_per_organisation_across_connections(sql_opened: Opened) -> None:
    store = sql_opened.store
    run = BillingRun(organisation_id=ORG, id="2026-09", month=SEP, issued_on=date(2026, 10, 1))
    with store.unit_of_work() as first, store.unit_of_work() as second:
        assert second.billing.find_run(ORG, SEP) is None  # its snapshot starts before the commit
        first.billing.add_run(run)
        first.commit()
        with pytest.raises(StorageError) as caught:
            second.billing.add_run(run)
    # PostgreSQL: unique violation; SQLite: the snapshot is stale (one writer at a time).
    assert caught.value.code in ("storage.duplicate", "storage.conflict")
    with store.unit_of_work() as uow:
        assert len(uow.billing.runs(ORG)) == 1


class Crash(Exception):
    """The failure injected in the middle of a run."""


class CrashingStore:
    """A store whose units of work fail right after ``method`` of ``billing`` has written."""

    def __init__(self, inner: BillingStorage, method: str) -> None:
        self.inner = inner
        self.method = method

    def unit_of_work(self) -> Any:
        uow = self.inner.unit_of_work()
        real = getattr(uow.billing, self.method)

        def write_then_crash(*args: object, **kwargs: object) -> object:
            real(*args, **kwargs)
            raise Crash(self.method)

        setattr(uow.billing, self.method, write_then_crash)
        return uow


def _nothing_stored(store: BillingStorage) -> None:
    with store.unit_of_work() as uow:
        assert uow.billing.runs(ORG) == ()
        assert uow.billing.invoices_of_year(ORG, 2026) == ()
        assert uow.billing.last_serial(ORG, 2026) == 0
        assert uow.billing.billed(ORG, Month(2000, 1), Month(2100, 1)) == ()
        assert uow.billing.run_decisions(ORG, "2026-09") == ()
        assert uow.billing.fingerprints(ORG, Month(2000, 1), Month(2100, 1)) == {}


@pytest.mark.parametrize(
    "method", ["add_invoices", "add_billed", "add_fingerprints", "set_last_serial"]
)
def test_a_crash_midway_leaves_nothing_half_written(store: BillingStorage, method: str) -> None:
    with pytest.raises(Crash):
        run_billing(organisation(), SEP, CrashingStore(store, method), issued_on=SEP.last)
    _nothing_stored(store)
    # No number was consumed: the next run starts again at 1 and bills what a clean run does.
    result = run_billing(organisation(), SEP, store, issued_on=SEP.last)
    assert [
        (d.number, d.child_code, str(d.payer), d.payer_id, d.amount) for d in result.documents
    ] == list(SEPTEMBER_DOCUMENTS)


def test_a_crash_while_computing_leaves_nothing(store: BillingStorage) -> None:
    def fail_at_child_three(done: int, total: int) -> None:
        if done == 3:
            raise Crash("progress")

    with pytest.raises(Crash):
        run_billing(organisation(), SEP, store, issued_on=SEP.last, progress=fail_at_child_three)
    _nothing_stored(store)


def test_a_crash_in_a_rerun_keeps_the_previous_open_run(store: BillingStorage) -> None:
    first = run_billing(organisation(), SEP, store, issued_on=SEP.last)
    with pytest.raises(Crash):
        run_billing(organisation(), SEP, CrashingStore(store, "add_invoices"), issued_on=SEP.last)
    with store.unit_of_work() as uow:
        assert uow.billing.find_run(ORG, SEP) == first.run
        assert uow.billing.invoices(ORG, first.run.id) == first.documents
        assert uow.billing.last_serial(ORG, 2026) == 6
