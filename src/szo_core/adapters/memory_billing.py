"""In-memory billing storage: :mod:`szo_core.billing.ports` on a :class:`MemoryStore`.

:class:`MemoryBillingStore` is a :class:`~szo_core.adapters.memory.MemoryStore`
whose units of work also have ``billing`` (a
:class:`~szo_core.billing.ports.BillingRepository`) in the same overlay: runs,
documents, the number series, billed amounts, fingerprints and used decisions
are committed and rolled back together with every other record.  Claims
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
from collections.abc import Collection, Iterable
from typing import Any

import attrs

from szo_core.adapters._common import conflict, duplicate, not_found
from szo_core.adapters.memory import MemoryStore, MemoryTable, MemoryUnitOfWork
from szo_core.billing.records import BilledEntry, BillingRun, DocumentKind, Fingerprint, Invoice
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
    """Billing runs, documents, billed amounts and fingerprints in a unit of work's overlay.

    What a run writes is kept per run (one table row per run and kind of
    record), so removing a run removes one row of each and a query reads only
    the runs of the months it asks for.
    """

    def __init__(self, uow: MemoryBillingUnitOfWork, store: MemoryBillingStore) -> None:
        self._uow = uow
        self._store = store
        self._runs: MemoryTable[BillingRun] = uow.table("billing_runs")
        self._counters: MemoryTable[int] = uow.table("billing_counters")
        self._numbers: MemoryTable[str] = uow.table("billing_numbers")
        self._documents: MemoryTable[tuple[Invoice, ...]] = uow.table("billing_documents")
        self._billed: MemoryTable[tuple[BilledEntry, ...]] = uow.table("billed")
        self._prints: MemoryTable[tuple[Fingerprint, ...]] = uow.table("billing_fingerprints")
        self._decisions: MemoryTable[tuple[str, ...]] = uow.table("billing_run_decisions")

    def claim(self, organisation_id: str, month: Month) -> None:
        """Reserve the organisation's billing for this unit of work."""
        self._store._claim(organisation_id, month, id(self._uow))

    def runs(self, organisation_id: str) -> tuple[BillingRun, ...]:
        """Every run of the organisation, ordered by month."""
        found = [r for _, r in self._runs.items() if r.organisation_id == organisation_id]
        return tuple(sorted(found, key=lambda r: r.month))

    def _run_ids(self, organisation_id: str, since: Month | None = None) -> list[str]:
        """Ids of the organisation's runs of ``since`` or later, in month order."""
        return [r.id for r in self.runs(organisation_id) if since is None or r.month >= since]

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
        for document in self._documents.get((org, run_id)) or ():
            if document.serial is not None:
                self._numbers.delete((org, (str(document.kind), document.year, document.serial)))
        table: MemoryTable[Any]
        for table in (self._documents, self._billed, self._prints, self._decisions):
            if table.get((org, run_id)) is not None:
                table.delete((org, run_id))

    def _append(
        self, table: MemoryTable[tuple[Any, ...]], key: tuple[str, str], new: list[Any]
    ) -> None:
        if not new:
            return
        found = table.get(key)
        if found is None:
            table.insert(key, tuple(new))
        else:
            table.replace(key, (*found, *new))

    def last_serial(
        self, organisation_id: str, year: int, series: DocumentKind = DocumentKind.INVOICE
    ) -> int:
        """The last serial used in ``year`` in ``series`` (0 when none)."""
        return self._counters.get((organisation_id, (str(series), year))) or 0

    def set_last_serial(
        self,
        organisation_id: str,
        year: int,
        serial: int,
        series: DocumentKind = DocumentKind.INVOICE,
    ) -> None:
        """Set the last serial used in ``year`` in ``series``."""
        key = (organisation_id, (str(series), year))
        if self._counters.get(key) is None:
            self._counters.insert(key, serial)
        else:
            self._counters.replace(key, serial)

    def add_invoices(self, documents: Iterable[Invoice]) -> None:
        """Store new documents; a number or position that is taken raises ``storage.duplicate``."""
        per_run: dict[tuple[str, str], list[Invoice]] = {}
        for document in documents:
            org = document.organisation_id
            if document.serial is not None:
                number = (org, (str(document.kind), document.year, document.serial))
                if self._numbers.get(number) is not None:
                    raise duplicate("invoices", org, document.number)
                self._numbers.insert(number, document.run_id)
            per_run.setdefault((org, document.run_id), []).append(document)
        for key, batch in per_run.items():
            taken = {d.position for d in self._documents.get(key) or ()}
            for document in batch:
                if document.position in taken:
                    raise duplicate("invoices", key[0], (document.run_id, document.position))
                taken.add(document.position)
            self._append(self._documents, key, batch)

    def invoices(self, organisation_id: str, run_id: str) -> tuple[Invoice, ...]:
        """The documents of a run, in position order."""
        found = self._documents.get((organisation_id, run_id)) or ()
        return tuple(sorted(found, key=lambda d: d.position))

    def invoices_of_year(
        self, organisation_id: str, year: int, series: DocumentKind = DocumentKind.INVOICE
    ) -> tuple[Invoice, ...]:
        """Every document numbered in ``year`` in ``series``, in number order."""
        found = [
            d
            for run_id in self._run_ids(organisation_id)
            for d in self._documents.get((organisation_id, run_id)) or ()
            if d.year == year and d.kind is series and d.serial is not None
        ]
        return tuple(sorted(found, key=lambda d: d.serial or 0))

    def add_billed(self, entries: Iterable[BilledEntry]) -> None:
        """Store what a run billed."""
        per_run: dict[tuple[str, str], list[BilledEntry]] = {}
        for e in entries:
            per_run.setdefault((e.organisation_id, e.run_id), []).append(e)
        for key, batch in per_run.items():
            seen = {_billed_key(e) for e in self._billed.get(key) or ()}
            for e in batch:
                if _billed_key(e) in seen:
                    raise duplicate("billed", key[0], _billed_key(e))
                seen.add(_billed_key(e))
            self._append(self._billed, key, batch)

    def billed(
        self,
        organisation_id: str,
        since: Month,
        before: Month,
        *,
        children: Collection[int] | None = None,
    ) -> tuple[BilledEntry, ...]:
        """Entries for months ``since`` <= month < ``before`` (of ``children``, if given)."""
        wanted = None if children is None else set(children)
        low, high = _index(since), _index(before)
        found = [
            e
            for run_id in self._run_ids(organisation_id, since)
            for e in self._billed.get((organisation_id, run_id)) or ()
            if low <= _index(e.month) < high and (wanted is None or e.child_code in wanted)
        ]
        return tuple(
            sorted(found, key=lambda e: (e.child_code, e.month, e.payer, e.payer_id, e.billed_in))
        )

    def add_fingerprints(self, fingerprints: Iterable[Fingerprint]) -> None:
        """Store the fingerprints a run computed."""
        per_run: dict[tuple[str, str], list[Fingerprint]] = {}
        for f in fingerprints:
            per_run.setdefault((f.organisation_id, f.run_id), []).append(f)
        for key, batch in per_run.items():
            seen = {(f.child_code, f.month) for f in self._prints.get(key) or ()}
            for f in batch:
                if (f.child_code, f.month) in seen:
                    raise duplicate("billing_fingerprints", key[0], (f.child_code, str(f.month)))
                seen.add((f.child_code, f.month))
            self._append(self._prints, key, batch)

    def fingerprints(
        self, organisation_id: str, since: Month, before: Month
    ) -> dict[tuple[int, Month], str]:
        """The current fingerprint of each child's month (the latest run's)."""
        found: dict[tuple[int, Month], str] = {}
        low, high = _index(since), _index(before)
        for run_id in self._run_ids(organisation_id, since):
            for f in self._prints.get((organisation_id, run_id)) or ():
                if low <= _index(f.month) < high:
                    found[(f.child_code, f.month)] = f.digest
        return found

    def add_run_decisions(
        self, organisation_id: str, run_id: str, decision_ids: Iterable[str]
    ) -> None:
        """Record the decisions a run used."""
        key = (organisation_id, run_id)
        have = self._decisions.get(key) or ()
        new = [d for d in dict.fromkeys(decision_ids) if d not in have]
        self._append(self._decisions, key, new)

    def run_decisions(self, organisation_id: str, run_id: str) -> tuple[str, ...]:
        """The decisions a run used, sorted."""
        return tuple(sorted(self._decisions.get((organisation_id, run_id)) or ()))


def _index(month: Month) -> int:
    """A month as one number (comparing two ints is much cheaper than two Months)."""
    return month.year * 12 + month.month


def _billed_key(e: BilledEntry) -> tuple[int, str, str, str]:
    return (e.child_code, str(e.month), str(e.payer), e.payer_id)


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
