"""The storage port of the receivables ledger: ``uow.receivables``.

Implemented by :class:`szo_core.adapters.memory_receivables.MemoryReceivables`
(in memory) and :class:`szo_core.adapters.sql.receivables.SqlReceivables`
(SQLite, PostgreSQL); both pass ``tests/storage/test_receivables_contract.py``.

The rules every adapter keeps:

* items are keyed by ``(organisation_id, document)``, postings by
  ``(organisation_id, id)``: adding a key that exists raises
  :class:`~szo_core.errors.StorageError` (``storage.duplicate``) and, like any
  error in a unit of work, stores nothing of it;
* receipts, mandate flags and reminders are added **idempotently**: ``add_*``
  returns False and changes nothing when the key is there already (a second
  import of a statement, a reminder run twice);
* reads return tuples in a stable order: items by due date then document,
  postings by booking date then id, receipts by booking date then entry id.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.receivables import LedgerItem
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     uow.receivables.add_items([LedgerItem(organisation_id="o", document="2026-000001",
...         payer_id="p", amount=Decimal("10.00"), issued_on=date(2026, 10, 5),
...         due_on=date(2026, 10, 18))])
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     [i.document for i in uow.receivables.items("o")]
['2026-000001']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from szo_core.receivables.records import (
    LedgerItem,
    MandateFlag,
    Posting,
    Receipt,
    ReceiptStatus,
    Reminder,
)

if TYPE_CHECKING:
    from szo_core.receivables.matching import MatchBatch

__all__ = ["ReceivablesRepository"]


class ReceivablesRepository(Protocol):
    """Items, postings, receipts, mandate flags and reminders of the receivables ledger."""

    def add_items(self, items: Iterable[LedgerItem]) -> None:
        """Store new items (``storage.duplicate`` if a document is there already)."""
        ...

    def items(self, organisation_id: str, *, payer_id: str | None = None) -> tuple[LedgerItem, ...]:
        """The organisation's items (or one payer's), by due date then document."""
        ...

    def find_item(self, organisation_id: str, document: str) -> LedgerItem | None:
        """The item of ``document``, or None."""
        ...

    def add_postings(self, postings: Iterable[Posting]) -> None:
        """Store new postings (``storage.duplicate`` if an id is there already)."""
        ...

    def postings(self, organisation_id: str, *, payer_id: str | None = None) -> tuple[Posting, ...]:
        """The organisation's postings (or one payer's), by booking date then id."""
        ...

    def add_receipt(self, receipt: Receipt) -> bool:
        """Store an imported entry; False (and nothing changed) if its entry id is known."""
        ...

    def add_receipts(self, receipts: Iterable[Receipt]) -> None:
        """Store many imported entries at once; those whose entry id is known are skipped."""
        ...

    def add_match_batch(self, batch: MatchBatch) -> None:
        """Store what :meth:`~szo_core.receivables.Ledger.match_all` made, as one call.

        The same as ``add_receipts(batch.receipts)`` then
        ``add_postings(batch.postings)``; an adapter may write its rows from
        the batch's values without building the records.
        """
        ...

    def find_receipt(self, organisation_id: str, entry_id: str) -> Receipt | None:
        """The receipt of ``entry_id``, or None."""
        ...

    def receipts(
        self, organisation_id: str, *, status: ReceiptStatus | None = None
    ) -> tuple[Receipt, ...]:
        """The organisation's receipts (or those in ``status``), by booking date then entry id."""
        ...

    def update_receipt(self, receipt: Receipt) -> None:
        """Replace a stored receipt (a suggestion confirmed); NotFound if there is none."""
        ...

    def add_mandate_flag(self, flag: MandateFlag) -> bool:
        """Store a flag; False if one for the same entry id is there already."""
        ...

    def mandate_flags(self, organisation_id: str) -> tuple[MandateFlag, ...]:
        """The organisation's mandate flags, by date then entry id."""
        ...

    def add_reminder(self, reminder: Reminder) -> bool:
        """Store a reminder; False if the document has one of that level already."""
        ...

    def reminders(self, organisation_id: str) -> tuple[Reminder, ...]:
        """The organisation's reminders, by date, document and level."""
        ...
