"""What billing runs need from storage, on top of :class:`szo_core.ports.UnitOfWork`.

A :class:`BillingStorage` hands out :class:`BillingUnitOfWork` s: the usual unit
of work plus a :class:`BillingRepository` (``uow.billing``) on the same
transaction, so a run's documents, their numbers, billed amounts, fingerprints
and the run itself are committed together or not at all.

Two adapters implement it: :class:`szo_core.adapters.memory_billing.MemoryBillingStore`
and :class:`szo_core.adapters.sql.billing.SqlBillingStore`.

The rules every adapter keeps:

* :meth:`BillingRepository.claim` reserves the organisation's billing for the
  unit of work (until it commits or rolls back); while another unit of work
  holds a claim of the same organisation it raises
  :class:`~szo_core.errors.BillingConflict` at once instead of waiting.
* one run per organisation and month (:meth:`~BillingRepository.add_run`
  raises ``storage.duplicate``; the SQL adapter has a unique constraint).
* :meth:`~BillingRepository.remove_run` removes an open run with everything it
  wrote (documents, billed entries, fingerprints, used decisions); the
  fingerprints of earlier runs are then current again.
* one counter per series (invoices, credit notes), organisation and year
  (:meth:`~BillingRepository.last_serial`, :meth:`~BillingRepository.set_last_serial`)
  changes with the transaction, so a rollback gives the numbers back; a number
  is unique in its series and year.

>>> from szo_core.adapters.memory_billing import MemoryBillingStore
>>> store: BillingStorage = MemoryBillingStore()
>>> with store.unit_of_work() as uow:
...     uow.billing.last_serial("org", 2026)
0
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Protocol

from szo_core.billing.records import BilledEntry, BillingRun, DocumentKind, Fingerprint, Invoice
from szo_core.calendar import Month
from szo_core.ports import UnitOfWork

__all__ = ["BillingRepository", "BillingStorage", "BillingUnitOfWork"]


class BillingRepository(Protocol):
    """Billing runs, their documents, the number series, billed amounts and fingerprints.

    >>> from szo_core.adapters.memory_billing import MemoryBillingStore
    >>> with MemoryBillingStore().unit_of_work() as uow:
    ...     uow.billing.runs("org")
    ()
    """

    def claim(self, organisation_id: str, month: Month) -> None:
        """Reserve the organisation's billing for this unit of work until it ends.

        ``month`` is the month about to be billed (named in the error).

        Raises:
            BillingConflict: ``billing.in_progress`` when another unit of work is
                billing the organisation right now.
        """
        ...

    def runs(self, organisation_id: str) -> tuple[BillingRun, ...]:
        """Every run of the organisation, ordered by month."""
        ...

    def find_run(self, organisation_id: str, month: Month) -> BillingRun | None:
        """The run of ``month``, or None."""
        ...

    def add_run(self, run: BillingRun) -> BillingRun:
        """Store a new run.

        Raises:
            StorageError: ``storage.duplicate`` when the month already has a run.
        """
        ...

    def update_run(self, run: BillingRun) -> BillingRun:
        """Replace the stored run; return it with ``version + 1``.

        Raises:
            NotFound: There is no such run.
            ConcurrencyConflict: The stored version is not ``run.version``.
        """
        ...

    def remove_run(self, run: BillingRun) -> None:
        """Remove an open run with everything it wrote.

        Its documents, billed entries, fingerprints and used decisions go with
        it, so the fingerprints an earlier run wrote are current again.

        Raises:
            NotFound: There is no such run.
            ConcurrencyConflict: The stored version is not ``run.version``.
        """
        ...

    def last_serial(
        self, organisation_id: str, year: int, series: DocumentKind = DocumentKind.INVOICE
    ) -> int:
        """The last serial used in ``year`` in ``series`` (0 when none)."""
        ...

    def set_last_serial(
        self,
        organisation_id: str,
        year: int,
        serial: int,
        series: DocumentKind = DocumentKind.INVOICE,
    ) -> None:
        """Set the last serial used in ``year`` in ``series``."""
        ...

    def add_invoices(self, documents: Iterable[Invoice]) -> None:
        """Store new documents (with their lines, lists and what they correct).

        Raises:
            StorageError: ``storage.duplicate`` when a number is taken in its
                series and year, or a run's position is taken.
        """
        ...

    def invoices(self, organisation_id: str, run_id: str) -> tuple[Invoice, ...]:
        """The documents of a run, in position order."""
        ...

    def invoices_of_year(
        self, organisation_id: str, year: int, series: DocumentKind = DocumentKind.INVOICE
    ) -> tuple[Invoice, ...]:
        """Every document numbered in ``year`` in ``series``, in number order."""
        ...

    def add_billed(self, entries: Iterable[BilledEntry]) -> None:
        """Store what a run billed."""
        ...

    def billed(
        self,
        organisation_id: str,
        since: Month,
        before: Month,
        *,
        children: Collection[int] | None = None,
    ) -> tuple[BilledEntry, ...]:
        """Entries for months ``since`` <= month < ``before``, by child, month, payer.

        ``children`` limits them to those children (None: every child).
        """
        ...

    def add_fingerprints(self, fingerprints: Iterable[Fingerprint]) -> None:
        """Store the fingerprints a run computed (one per run, child and month)."""
        ...

    def fingerprints(
        self, organisation_id: str, since: Month, before: Month
    ) -> dict[tuple[int, Month], str]:
        """The current fingerprint of each child's month ``since`` <= month < ``before``.

        The current one is the one the latest run (by month) wrote.  Keyed by
        ``(child code, month)``.
        """
        ...

    def add_run_decisions(
        self, organisation_id: str, run_id: str, decision_ids: Iterable[str]
    ) -> None:
        """Record the decisions a run used (locked when it is closed)."""
        ...

    def run_decisions(self, organisation_id: str, run_id: str) -> tuple[str, ...]:
        """The decisions a run used, sorted."""
        ...


class BillingUnitOfWork(UnitOfWork, Protocol):
    """A unit of work with billing runs on the same transaction.

    >>> from szo_core.adapters.memory_billing import MemoryBillingStore
    >>> with MemoryBillingStore().unit_of_work() as uow:
    ...     uow.billing.find_run("org", Month(2026, 9)) is None
    True
    """

    @property
    def billing(self) -> BillingRepository:
        """Billing runs, invoices and billed amounts."""
        ...


class BillingStorage(Protocol):
    """Where records and billing runs live: hands out billing units of work.

    >>> from szo_core.adapters.memory_billing import MemoryBillingStore
    >>> MemoryBillingStore().unit_of_work().billing.runs("org")
    ()
    """

    def unit_of_work(self) -> BillingUnitOfWork:
        """Return a new unit of work (use it in a ``with`` block)."""
        ...
