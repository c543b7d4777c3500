"""The use cases: import a bank file into the ledger, confirm a suggestion.

Each runs in one unit of work of the store: it reads the organisation's items,
postings and receipts once through ``uow.receivables``, matches every entry of
the file with :class:`~szo_core.receivables.matching.Ledger`, writes the
receipts, postings and mandate flags, and commits.  A bad file raises before
anything is read from it; any error rolls everything back.

Importing the same file again changes nothing: an entry whose id is stored
already is counted as a duplicate and skipped.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.receivables import LedgerItem
>>> from szo_core.testing.bank import Credit, camt053
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     uow.receivables.add_items([LedgerItem(organisation_id="o", document="2026-000001",
...         payer_id="p", amount=Decimal("107.55"), issued_on=date(2026, 10, 5),
...         due_on=date(2026, 10, 18), reference="SI120000055526098")])
...     uow.commit()
>>> data = camt053("SI56011006000000120", date(2026, 10, 20),
...                [Credit(amount=Decimal("100.00"), reference="SI12 0000055526098")])
>>> report = import_bank_file(store, "o", data, name="izpisek.xml")
>>> report.matched, import_bank_file(store, "o", data).duplicates
(1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

import attrs

from szo_core._gc import collector_paused
from szo_core.errors import NotFound
from szo_core.payments.statements import BankItem, Source, read_bank_file
from szo_core.ports import Storage
from szo_core.receivables.matching import Ledger, MatchPolicy
from szo_core.receivables.records import Receipt, ReceiptStatus

__all__ = ["ImportReport", "confirm_receipt", "import_bank_file"]

_BATCH = 1000


@attrs.frozen(kw_only=True)
class ImportReport:
    """What an import did.

    Attributes:
        entries: Items read from the file.
        duplicates: Items skipped because they were imported before.
        matched: Credits applied to the ledger.
        suggested: Credits suggested by amount and IBAN (see :attr:`to_confirm`).
        unmatched: Items with nothing to go to (see :attr:`to_check`).
        returned: Returned debits applied.
        rejected: Rejected debits applied.
        not_payments: Other debits on the account.
        flagged: Mandates flagged.
        to_confirm: The suggested receipts.
        to_check: The unmatched receipts.
    """

    entries: int = 0
    duplicates: int = 0
    matched: int = 0
    suggested: int = 0
    unmatched: int = 0
    returned: int = 0
    rejected: int = 0
    not_payments: int = 0
    flagged: int = 0
    to_confirm: tuple[Receipt, ...] = ()
    to_check: tuple[Receipt, ...] = ()


_COUNTERS = {
    ReceiptStatus.MATCHED: "matched",
    ReceiptStatus.SUGGESTED: "suggested",
    ReceiptStatus.UNMATCHED: "unmatched",
    ReceiptStatus.RETURNED: "returned",
    ReceiptStatus.REJECTED: "rejected",
    ReceiptStatus.NOT_A_PAYMENT: "not_payments",
}


def import_bank_file(
    store: Storage,
    organisation_id: str,
    source: Source,
    *,
    name: str | None = None,
    policy: MatchPolicy | None = None,
    pause_gc: bool = True,
) -> ImportReport:
    """Import a camt.053 / camt.054 / pain.002 file into the organisation's ledger.

    Args:
        store: The storage (its units of work have ``receivables``).
        organisation_id: The organisation.
        source: The file's bytes or path.
        name: The name used in errors (the path's file name by default).
        policy: How to split and suggest (oldest first, with suggestions, by default).
        pause_gc: Pause Python's cyclic garbage collector while the ledger is
            built and matched (:func:`szo_core._gc.collector_paused`: the records
            hold no cycles; process-wide, for the import only; ``False`` keeps
            it running).

    Returns:
        The counts, the suggestions to confirm and the entries to check.

    Raises:
        szo_core.errors.InvalidFormat: The file is not valid (nothing stored).
        szo_core.errors.StorageError: Storage failed (nothing stored).
    """
    counts = dict.fromkeys(("entries", "duplicates", "flagged", *_COUNTERS.values()), 0)
    to_confirm: list[Receipt] = []
    to_check: list[Receipt] = []
    with collector_paused(pause_gc), store.unit_of_work() as uow:
        repo = uow.receivables
        known_receipts = repo.receipts(organisation_id)
        known = {r.entry_id for r in known_receipts}
        ledger = Ledger(
            organisation_id,
            repo.items(organisation_id),
            repo.postings(organisation_id),
            known_receipts,
            policy,
        )
        stream = iter(read_bank_file(source, name=name))
        while chunk := list(islice(stream, _BATCH)):
            # Match and store a thousand entries at a time: flat memory, few statements.
            counts["entries"] += len(chunk)
            fresh: list[BankItem] = []
            for item in chunk:
                if item.entry_id in known:
                    counts["duplicates"] += 1
                else:
                    known.add(item.entry_id)
                    fresh.append(item)
            batch = ledger.match_all(fresh)
            for status, count in batch.counts().items():
                counts[_COUNTERS[status]] += count
            to_confirm.extend(batch.receipts_with(ReceiptStatus.SUGGESTED))
            to_check.extend(batch.receipts_with(ReceiptStatus.UNMATCHED))
            for flag in batch.flags:
                if repo.add_mandate_flag(flag):
                    counts["flagged"] += 1
            repo.add_match_batch(batch)  # the SQL adapter writes rows, not records
        uow.commit()
    return ImportReport(**counts, to_confirm=tuple(to_confirm), to_check=tuple(to_check))


def confirm_receipt(
    store: Storage,
    organisation_id: str,
    entry_id: str,
    documents: Sequence[str] | None = None,
    *,
    policy: MatchPolicy | None = None,
) -> Receipt:
    """Confirm a suggested receipt (or assign an unmatched one) and post it.

    Args:
        store: The storage.
        organisation_id: The organisation.
        entry_id: The receipt's entry id.
        documents: Where it goes; the suggestion's documents by default.
        policy: The split order among ``documents``.

    Returns:
        The receipt as stored now (matched, ``how="confirmed"``).

    Raises:
        szo_core.errors.NotFound: No receipt with that entry id.
        szo_core.errors.ConfigurationError: ``receivables.confirm`` (see
            :meth:`~szo_core.receivables.matching.Ledger.confirm`).
    """
    with store.unit_of_work() as uow:
        repo = uow.receivables
        receipt = repo.find_receipt(organisation_id, entry_id)
        if receipt is None:
            raise NotFound(
                "storage.not_found",
                sl="Prejema s to oznako ni.",
                en="There is no receipt with this id.",
                where=f"receipts {organisation_id}/{entry_id}",
            )
        ledger = Ledger(
            organisation_id,
            repo.items(organisation_id),
            repo.postings(organisation_id),
            policy=policy,
        )
        found = ledger.confirm(receipt, documents)
        repo.add_postings(found.postings)
        repo.update_receipt(found.receipt)
        uow.commit()
    return found.receipt
