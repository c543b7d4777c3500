"""In-memory billing storage: :mod:`szo_core.billing.ports` on a :class:`MemoryStore`.

:class:`MemoryBillingStore` is a :class:`~szo_core.adapters.memory.MemoryStore`
whose units of work also have ``billing`` (a
:class:`~szo_core.billing.ports.BillingRepository`) in the same overlay: runs,
invoices, the invoice counter, billed amounts and used decisions are committed
and rolled back together with every other record.  Claims
(:meth:`MemoryBillingRepository.claim`) live in the store and end when the
unit of work commits or rolls back.

>>> from datetime import date
>>> from szo_core.billing import BillingRun
>>> from szo_core.calendar import Month
>>> store = MemoryBillingStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.billing.add_run(BillingRun(organisation_id="o", id="2026-09",
...                                        month=Month(2026, 9), issued_on=date(2026, 10, 1)))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.billing.runs("o")[0].id
'2026-09'
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import attrs

from szo_core.adapters._common import conflict, duplicate, not_found
from szo_core.adapters.memory import MemoryStore, MemoryTable, MemoryUnitOfWork
from szo_core.billing.records import BilledEntry, BillingRun, Invoice
from szo_core.calendar import Month
from szo_core.errors import BillingConflict

__all__ = ["MemoryBillingRepository", "MemoryBillingStore", "MemoryBillingUnitOfWork"]


def in_progress(organisation_id: str, month: Month) -> BillingConflict:
    """The error for a claim held by someone else (shared with the SQL adapter)."""
    return BillingConflict(
        "billing.in_progress",
        sl="Obračun te organizacije ravno teče drugje; počakajte, da se konča, in poskusite znova.",
        en="A billing run of this organisation is in progress elsewhere; wait and try again.",
        where=f"billing {organisation_id}/{month}",
    )


class MemoryBillingStore(MemoryStore):
    """A :class:`~szo_core.adapters.memory.MemoryStore` that also keeps billing runs.

    >>> MemoryBillingStore().unit_of_work().billing.last_serial("o", 2026)
    0
    """

    def __init__(self) -> None:
        super().__init__()
        self._claims: dict[str, int] = {}
        self._claims_lock = threading.Lock()

    def unit_of_work(self) -> MemoryBillingUnitOfWork:
        """Return a new unit of work with ``billing``."""
        return MemoryBillingUnitOfWork(self)

    def _claim(self, organisation_id: str, month: Month, holder: int) -> None:
        with self._claims_lock:
            current = self._claims.get(organisation_id)
            if current is not None and current != holder:
                raise in_progress(organisation_id, month)
            self._claims[organisation_id] = holder

    def _release(self, holder: int) -> None:
        with self._claims_lock:
            for organisation_id in [o for o, h in self._claims.items() if h == holder]:
                del self._claims[organisation_id]


class MemoryBillingRepository:
    """Billing runs, invoices and billed amounts in a unit of work's overlay."""

    def __init__(self, uow: MemoryBillingUnitOfWork, store: MemoryBillingStore) -> None:
        self._uow = uow
        self._store = store
        self._runs: MemoryTable[BillingRun] = uow.table("billing_runs")
        self._counters: MemoryTable[int] = uow.table("invoice_counters")
        self._invoices: MemoryTable[Invoice] = uow.table("invoices")
        self._billed: MemoryTable[BilledEntry] = uow.table("billed")
        self._decisions: MemoryTable[str] = uow.table("billing_run_decisions")

    def claim(self, organisation_id: str, month: Month) -> None:
        """Reserve the organisation's billing for this unit of work."""
        self._store._claim(organisation_id, month, id(self._uow))

    def runs(self, organisation_id: str) -> tuple[BillingRun, ...]:
        """Every run of the organisation, ordered by month."""
        found = [r for _, r in self._runs.items() if r.organisation_id == organisation_id]
        return tuple(sorted(found, key=lambda r: r.month))

    def find_run(self, organisation_id: str, month: Month) -> BillingRun | None:
        """The run of ``month``, or None."""
        return self._runs.get((organisation_id, str(month)))

    def add_run(self, run: BillingRun) -> BillingRun:
        """Store a new run (one per organisation and month)."""
        key = (run.organisation_id, str(run.month))
        if self._runs.get(key) is not None:
            raise duplicate("billing_runs", *key)
        self._runs.insert(key, run)
        return run

    def _current(self, run: BillingRun) -> tuple[str, str]:
        key = (run.organisation_id, str(run.month))
        stored = self._runs.get(key)
        if stored is None:
            raise not_found("billing_runs", *key)
        if stored.version != run.version:
            self._uow.rollback()
            raise conflict("billing_runs", *key)
        return key

    def update_run(self, run: BillingRun) -> BillingRun:
        """Replace the stored run if its version matches."""
        key = self._current(run)
        stored = attrs.evolve(run, version=run.version + 1)
        self._runs.replace(key, stored)
        return stored

    def remove_run(self, run: BillingRun) -> None:
        """Remove the run with everything it wrote."""
        key = self._current(run)
        self._runs.delete(key)
        org, run_id = run.organisation_id, run.id
        table: MemoryTable[Any]
        for table in (self._invoices, self._billed, self._decisions):
            doomed = [
                k
                for k, value in table.items()
                if isinstance(k, tuple) and k[0] == org and _run_of(value, k) == run_id
            ]
            for k in doomed:
                table.delete(k)

    def last_serial(self, organisation_id: str, year: int) -> int:
        """The last invoice serial used in ``year`` (0 when none)."""
        return self._counters.get((organisation_id, year)) or 0

    def set_last_serial(self, organisation_id: str, year: int, serial: int) -> None:
        """Set the last invoice serial used in ``year``."""
        key = (organisation_id, year)
        if self._counters.get(key) is None:
            self._counters.insert(key, serial)
        else:
            self._counters.replace(key, serial)

    def add_invoices(self, invoices: Iterable[Invoice]) -> None:
        """Store new invoices; a number that is taken raises ``storage.duplicate``."""
        for invoice in invoices:
            key = (invoice.organisation_id, (invoice.year, invoice.serial))
            if self._invoices.get(key) is not None:
                raise duplicate("invoices", invoice.organisation_id, invoice.number)
            self._invoices.insert(key, invoice)

    def invoices(self, organisation_id: str, run_id: str) -> tuple[Invoice, ...]:
        """The invoices of a run, in number order."""
        found = [
            i
            for _, i in self._invoices.items()
            if i.organisation_id == organisation_id and i.run_id == run_id
        ]
        return tuple(sorted(found, key=lambda i: (i.year, i.serial)))

    def invoices_of_year(self, organisation_id: str, year: int) -> tuple[Invoice, ...]:
        """Every invoice numbered in ``year``, in number order."""
        found = [
            i
            for _, i in self._invoices.items()
            if i.organisation_id == organisation_id and i.year == year
        ]
        return tuple(sorted(found, key=lambda i: i.serial))

    def add_billed(self, entries: Iterable[BilledEntry]) -> None:
        """Store what a run billed."""
        for e in entries:
            key = (
                e.organisation_id,
                (e.run_id, e.child_code, str(e.month), str(e.payer), e.payer_id),
            )
            if self._billed.get(key) is not None:
                raise duplicate("billed", e.organisation_id, key[1])
            self._billed.insert(key, e)

    def billed(self, organisation_id: str, since: Month, before: Month) -> tuple[BilledEntry, ...]:
        """Entries for months ``since`` <= month < ``before``."""
        found = [
            e
            for _, e in self._billed.items()
            if e.organisation_id == organisation_id and since <= e.month < before
        ]
        return tuple(
            sorted(found, key=lambda e: (e.child_code, e.month, e.payer, e.payer_id, e.billed_in))
        )

    def add_run_decisions(
        self, organisation_id: str, run_id: str, decision_ids: Iterable[str]
    ) -> None:
        """Record the decisions a run used."""
        for decision_id in dict.fromkeys(decision_ids):
            key = (organisation_id, (run_id, decision_id))
            if self._decisions.get(key) is None:
                self._decisions.insert(key, decision_id)

    def run_decisions(self, organisation_id: str, run_id: str) -> tuple[str, ...]:
        """The decisions a run used, sorted."""
        return tuple(
            sorted(
                value
                for key, value in self._decisions.items()
                if isinstance(key, tuple) and key[0] == organisation_id and key[1][0] == run_id
            )
        )


def _run_of(value: object, key: tuple[object, ...]) -> str | None:
    if isinstance(value, Invoice | BilledEntry):
        return value.run_id
    inner = key[1]
    return str(inner[0]) if isinstance(inner, tuple) else None


class MemoryBillingUnitOfWork(MemoryUnitOfWork):
    """A :class:`~szo_core.adapters.memory.MemoryUnitOfWork` with ``billing``.

    >>> with MemoryBillingStore().unit_of_work() as uow:
    ...     uow.billing.invoices("o", "2026-09")
    ()
    """

    def __init__(self, store: MemoryBillingStore) -> None:
        super().__init__(store)
        self._billing_store = store
        self.billing = MemoryBillingRepository(self, store)

    def commit(self) -> None:
        """Commit (see the parent) and end this unit's claim."""
        try:
            super().commit()
        finally:
            self._billing_store._release(id(self))

    def rollback(self) -> None:
        """Roll back and end this unit's claim."""
        super().rollback()
        self._billing_store._release(id(self))
