"""The receivables ledger in memory: :class:`~szo_core.receivables.ports.ReceivablesRepository`.

``uow.receivables`` of a :class:`~szo_core.adapters.memory.MemoryUnitOfWork`:
five tables in the unit of work's overlay, committed and rolled back with
everything else.  Reads scan the table (fine for tests and notebooks; the SQL
adapter has indexes).

>>> from szo_core.adapters.memory import MemoryStore
>>> MemoryStore().unit_of_work().receivables.items("o")
()
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from szo_core.adapters._common import duplicate, not_found
from szo_core.receivables.records import (
    LedgerItem,
    MandateFlag,
    Posting,
    Receipt,
    ReceiptStatus,
    Reminder,
)

if TYPE_CHECKING:
    from szo_core.adapters.memory import MemoryTable, MemoryUnitOfWork
    from szo_core.receivables.matching import MatchBatch

__all__ = ["MemoryReceivables"]


class MemoryReceivables:
    """The receivables ledger of a memory unit of work (see the port)."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _t(self, name: str, *, ignore_duplicates: bool = False) -> MemoryTable[Any]:
        return self._uow.table(name, ignore_duplicates=ignore_duplicates)

    @staticmethod
    def _of(table: MemoryTable[Any], organisation_id: str) -> list[Any]:
        return [value for key, value in table.items() if key[0] == organisation_id]  # type: ignore[index]

    def add_items(self, items: Iterable[LedgerItem]) -> None:
        """Store new items."""
        table = self._t("receivable_items")
        batch = list(items)
        seen: set[tuple[str, str]] = set()
        for item in batch:
            key = (item.organisation_id, item.document)
            if key in seen or table.get(key) is not None:
                raise duplicate("receivable_items", item.organisation_id, item.document)
            seen.add(key)
        for item in batch:
            table.insert((item.organisation_id, item.document), item)

    def items(self, organisation_id: str, *, payer_id: str | None = None) -> tuple[LedgerItem, ...]:
        """Items by due date then document."""
        found: list[LedgerItem] = self._of(self._t("receivable_items"), organisation_id)
        if payer_id is not None:
            found = [i for i in found if i.payer_id == payer_id]
        return tuple(sorted(found, key=lambda i: (i.due_on, i.document)))

    def find_item(self, organisation_id: str, document: str) -> LedgerItem | None:
        """The item of ``document``, or None."""
        found: LedgerItem | None = self._t("receivable_items").get((organisation_id, document))
        return found

    def add_postings(self, postings: Iterable[Posting]) -> None:
        """Store new postings."""
        table = self._t("receivable_postings")
        batch = list(postings)
        seen: set[tuple[str, str]] = set()
        for posting in batch:
            key = (posting.organisation_id, posting.id)
            if key in seen or table.get(key) is not None:
                raise duplicate("receivable_postings", posting.organisation_id, posting.id)
            seen.add(key)
        for posting in batch:
            table.insert((posting.organisation_id, posting.id), posting)

    def postings(self, organisation_id: str, *, payer_id: str | None = None) -> tuple[Posting, ...]:
        """Postings by booking date then id."""
        found: list[Posting] = self._of(self._t("receivable_postings"), organisation_id)
        if payer_id is not None:
            found = [p for p in found if p.payer_id == payer_id]
        return tuple(sorted(found, key=lambda p: (p.booked_on, p.id)))

    def add_receipt(self, receipt: Receipt) -> bool:
        """Store a receipt unless its entry id is known."""
        table = self._t("bank_receipts", ignore_duplicates=True)
        key = (receipt.organisation_id, receipt.entry_id)
        if table.get(key) is not None:
            return False
        table.insert(key, receipt)
        return True

    def add_receipts(self, receipts: Iterable[Receipt]) -> None:
        """Store many receipts; known entry ids are skipped."""
        for receipt in receipts:
            self.add_receipt(receipt)

    def add_match_batch(self, batch: MatchBatch) -> None:
        """Store a batch's receipts, then its postings (the records, built)."""
        self.add_receipts(batch.receipts)
        self.add_postings(batch.postings)

    def find_receipt(self, organisation_id: str, entry_id: str) -> Receipt | None:
        """The receipt of ``entry_id``, or None."""
        found: Receipt | None = self._t("bank_receipts", ignore_duplicates=True).get(
            (organisation_id, entry_id)
        )
        return found

    def receipts(
        self, organisation_id: str, *, status: ReceiptStatus | None = None
    ) -> tuple[Receipt, ...]:
        """Receipts by booking date then entry id."""
        found: list[Receipt] = self._of(
            self._t("bank_receipts", ignore_duplicates=True), organisation_id
        )
        if status is not None:
            found = [r for r in found if r.status is status]
        return tuple(sorted(found, key=lambda r: (r.booked_on, r.entry_id)))

    def update_receipt(self, receipt: Receipt) -> None:
        """Replace a stored receipt."""
        table = self._t("bank_receipts", ignore_duplicates=True)
        key = (receipt.organisation_id, receipt.entry_id)
        if table.get(key) is None:
            raise not_found("bank_receipts", receipt.organisation_id, receipt.entry_id)
        table.replace(key, receipt)

    def add_mandate_flag(self, flag: MandateFlag) -> bool:
        """Store a flag unless one for its entry id is there."""
        table = self._t("mandate_flags", ignore_duplicates=True)
        key = (flag.organisation_id, flag.entry_id)
        if table.get(key) is not None:
            return False
        table.insert(key, flag)
        return True

    def mandate_flags(self, organisation_id: str) -> tuple[MandateFlag, ...]:
        """Flags by date then entry id."""
        found: list[MandateFlag] = self._of(
            self._t("mandate_flags", ignore_duplicates=True), organisation_id
        )
        return tuple(sorted(found, key=lambda f: (f.flagged_on, f.entry_id)))

    def add_reminder(self, reminder: Reminder) -> bool:
        """Store a reminder unless the document has one of that level."""
        table = self._t("reminders", ignore_duplicates=True)
        key = (reminder.organisation_id, f"{reminder.document}#{reminder.level}")
        if table.get(key) is not None:
            return False
        table.insert(key, reminder)
        return True

    def reminders(self, organisation_id: str) -> tuple[Reminder, ...]:
        """Reminders by date, document and level."""
        found: list[Reminder] = self._of(
            self._t("reminders", ignore_duplicates=True), organisation_id
        )
        return tuple(sorted(found, key=lambda r: (r.sent_on, r.document, r.level)))
