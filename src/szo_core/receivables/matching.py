"""Matching bank entries to the ledger: reference, end-to-end id, then amount and IBAN.

A pure engine: :class:`Ledger` holds the items and postings read once through
the port, with dictionaries by reference, end-to-end id and payer IBAN, and
:meth:`Ledger.match` turns one bank item into a :class:`Match` (the receipt to
store, the postings, a mandate flag) and applies its postings to itself, so
the next entry sees what is open after this one.  :meth:`Ledger.match_all`
does the same for many items in one pass (a :class:`MatchBatch` of the same
records, without a :class:`Match` around each, held as compact rows until they
are read): what ``import_bank_file`` uses.

For a **credit** (money received):

1. the **reference** (sklic) as billing issued it: an invoice's own SI12/RF
   reference, or a merged payment group's reference shared by its invoices;
2. else the **end-to-end id** of a collected direct debit (the instruction id);
3. else the payer's **IBAN and the amount**: when a payer known by that IBAN (a
   mandate's, or an earlier matched payment's) has one open item of exactly
   that amount, or open items summing exactly to it, the receipt is
   :attr:`~ReceiptStatus.SUGGESTED` for an operator to confirm
   (:meth:`Ledger.confirm`); nothing is posted until then;
4. else it is :attr:`~ReceiptStatus.UNMATCHED`, listed, never dropped.

A matched payment is **split** over the open invoices it concerns, oldest first
(:attr:`SplitOrder.OLDEST_FIRST`: due date, issue date, number) or newest first;
each invoice gets at most what is open on it, and what is left stays as a
**credit on the payer** (a posting without a document).  A payment smaller than
what is open leaves the rest open.  The parts sum exactly to the payment.

A **return** (camt ``RtrInf``) or a **reject** (pain.002) undoes the payments
posted under its end-to-end id (the items are open again) and records the
reason; a reject of a debit that was never booked records the reason on each
item with a zero posting.  Reasons such as AC04 or MD01
(:data:`~szo_core.payments.statements.MANDATE_REASONS`) also give a
:class:`~szo_core.receivables.records.MandateFlag`.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.payments.statements import BankEntry, EntryKind
>>> from szo_core.receivables.records import LedgerItem
>>> items = [LedgerItem(organisation_id="o", document=f"2026-00000{n}", payer_id="p",
...     amount=Decimal("60.00"), issued_on=date(2026, 10, 5), due_on=date(2026, 10, d),
...     group_reference="RF77F7202609") for n, d in ((1, 18), (2, 17))]
>>> ledger = Ledger("o", items, [])
>>> entry = BankEntry(entry_id="e1", file_kind="camt.053.001.02", statement_id="s",
...     account_iban="", kind=EntryKind.CREDIT, amount=Decimal("100.00"),
...     booking_date=date(2026, 10, 20), value_date=date(2026, 10, 20),
...     reference="RF77F7202609")
>>> [(p.document, p.amount) for p in ledger.match(entry).postings]
[('2026-000002', Decimal('-60.00')), ('2026-000001', Decimal('-40.00'))]
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple, TypeVar, cast

import attrs

from szo_core.errors import ConfigurationError, InvalidType
from szo_core.model._trusted import trusted_factory
from szo_core.payments.statements import BankEntry, BankItem, DebitReject, EntryKind, flags_mandate
from szo_core.receivables.records import (
    LedgerItem,
    MandateFlag,
    Posting,
    PostingKind,
    Receipt,
    ReceiptStatus,
)

__all__ = ["Ledger", "Match", "MatchBatch", "MatchPolicy", "SplitOrder", "allocate"]

_ZERO = Decimal("0.00")
_T = TypeVar("_T")

_new_receipt = trusted_factory(Receipt)  # every field, in declaration order
_REFERENCE = operator.attrgetter("reference")
_new_posting = trusted_factory(Posting)  # every field, in declaration order
_new_payment = trusted_factory(
    Posting,
    "organisation_id",
    "id",
    "payer_id",
    "document",
    "kind",
    "amount",
    "booked_on",
    "entry_id",
    "end_to_end_id",
)


class SplitOrder(enum.StrEnum):
    """Which open invoices a payment for several pays first."""

    OLDEST_FIRST = "oldest_first"
    """By due date, then issue date, then number (the usual rule)."""
    NEWEST_FIRST = "newest_first"
    """The most recent first."""


@attrs.frozen(kw_only=True)
class MatchPolicy:
    """How matching splits and what it suggests.

    Attributes:
        order: The split order, or a key function over the items (smallest first).
        suggest: Suggest matches by amount and payer IBAN (step 3).
    """

    order: SplitOrder | Callable[[LedgerItem], object] = SplitOrder.OLDEST_FIRST
    suggest: bool = True


@attrs.frozen(kw_only=True)
class Match:
    """What one bank item did: the receipt to store, its postings, a mandate flag.

    Attributes:
        receipt: The receipt (status, payer, documents).
        postings: The postings (none for a suggestion or an unmatched entry).
        flag: The mandate flag a reject or return raised, or None.
    """

    receipt: Receipt
    postings: tuple[Posting, ...] = ()
    flag: MandateFlag | None = None


_Row = tuple[BankEntry, LedgerItem, Decimal | None, Decimal | None, str]
"""One credit paid the short way: the entry, its item, what the item took, the rest, how.

The amounts are positive (None for nothing); the postings carry them negated.
"""

_Held = LedgerItem | _Row | Match | None
"""What a batch holds for an entry: the item a credit paid in full by its reference
(the commonest case, so no tuple is made for it), another credit paid the short way
as a :data:`_Row`, None for a credit that matched nothing and has nothing to
suggest (its receipt unmatched), or the :class:`Match` of anything else."""


def _receipt_values(
    org: str,
    entry: BankEntry,
    status: ReceiptStatus,
    payer_id: str | None,
    documents: tuple[str, ...],
    how: str,
) -> tuple[object, ...]:
    """The fields of a statement entry's receipt in declaration order (values checked already)."""
    return (
        org,
        entry.entry_id,
        entry.file_kind,
        status,
        entry.amount,
        entry.booking_date,
        entry.payer_name,
        entry.payer_iban,
        entry.reference,
        entry.end_to_end_id,
        entry.reason,
        payer_id,
        documents,
        how,
    )


def _entry_receipt(
    org: str,
    entry: BankEntry,
    status: ReceiptStatus,
    payer_id: str | None = None,
    documents: tuple[str, ...] = (),
    how: str = "",
) -> Receipt:
    """The receipt of a statement entry, its values checked already (the amount in match())."""
    return _new_receipt(*_receipt_values(org, entry, status, payer_id, documents, how))


def _row_receipt(org: str, row: _Row) -> tuple[object, ...]:
    """The receipt of a row (a credit paid the short way), its fields in declaration order."""
    entry, ledger_item, pays, _rest, how = row
    documents = () if pays is None else (ledger_item.document,)
    return _receipt_values(org, entry, ReceiptStatus.MATCHED, ledger_item.payer_id, documents, how)


def _row_postings(org: str, row: _Row) -> Iterator[tuple[object, ...]]:
    """The postings of a row: what its document took, then the rest as the payer's credit."""
    entry, ledger_item, pays, rest, _how = row
    entry_id, place = entry.entry_id, 1
    for document, amount in ((ledger_item.document, pays), (None, rest)):
        if amount is not None:
            yield (
                org,
                f"{entry_id}:{place}",
                ledger_item.payer_id,
                document,
                PostingKind.PAYMENT,
                -amount,
                entry.booking_date,
                entry_id,
                entry.end_to_end_id,
                None,
            )
            place += 1


class MatchBatch:
    """What :meth:`Ledger.match_all` did with many bank items, in their order.

    The same records :meth:`Ledger.match` makes for each item, without a
    :class:`Match` around each.  From :meth:`Ledger.match_all` the batch holds
    what was decided in compact rows (per credit paid the usual way: the entry,
    its ledger item, the amounts paid and left as credit, how it was matched)
    and builds the records from them when :attr:`receipts` or :attr:`postings`
    is first read (both at once, then kept): a storage adapter can write its
    rows from :meth:`receipt_values` and :meth:`posting_values` without them.
    A batch built with records (``MatchBatch(receipts=..., ...)``) holds them.
    Two batches are equal when their records are.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from szo_core.payments.statements import BankEntry, EntryKind
    >>> ledger = Ledger("o", [LedgerItem(organisation_id="o", document="1", payer_id="p",
    ...     amount=Decimal("50.00"), issued_on=date(2026, 10, 5), due_on=date(2026, 10, 18),
    ...     reference="SI120000055526098")], [])
    >>> batch = ledger.match_all([BankEntry(entry_id="e1", file_kind="camt.053.001.02",
    ...     statement_id="s", account_iban="", kind=EntryKind.CREDIT, amount=Decimal("60.00"),
    ...     booking_date=date(2026, 10, 20), value_date=date(2026, 10, 20),
    ...     reference="SI120000055526098")])
    >>> [(p.id, p.document, p.amount) for p in batch.postings]
    [('e1:1', '1', Decimal('-50.00')), ('e1:2', None, Decimal('-10.00'))]
    >>> batch.receipts[0].documents, batch.postings is batch.postings
    (('1',), True)

    Args:
        receipts: One receipt per item.
        postings: All postings, item after item.
        flags: The mandate flags raised.
    """

    __slots__ = ("_entries", "_organisation_id", "_postings", "_receipts", "_rows", "flags")

    _organisation_id: str
    _entries: Sequence[BankItem]
    _rows: Sequence[_Held] | None
    _receipts: tuple[Receipt, ...] | None
    _postings: tuple[Posting, ...] | None
    flags: tuple[MandateFlag, ...]
    """The mandate flags raised."""

    def __init__(
        self,
        receipts: Iterable[Receipt] = (),
        postings: Iterable[Posting] = (),
        flags: Iterable[MandateFlag] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "_organisation_id", "")
        _set(self, "_entries", ())
        _set(self, "_rows", None)
        _set(self, "_receipts", tuple(receipts))
        _set(self, "_postings", tuple(postings))
        _set(self, "flags", tuple(flags))

    @classmethod
    def _of_rows(
        cls,
        organisation_id: str,
        entries: Sequence[BankItem],
        rows: Sequence[_Held],
        flags: Sequence[MandateFlag],
    ) -> MatchBatch:
        batch = cls.__new__(cls)
        _set = object.__setattr__
        _set(batch, "_organisation_id", organisation_id)
        _set(batch, "_entries", entries)
        _set(batch, "_rows", rows)
        _set(batch, "_receipts", None)
        _set(batch, "_postings", None)
        _set(batch, "flags", tuple(flags))
        return batch

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def _expanded(self) -> Iterator[_Row | Match]:
        # Each entry's row, the compact ones written out (paid in full by reference,
        # unmatched with nothing to suggest).
        item_class, org = LedgerItem, self._organisation_id
        for entry, row in zip(self._entries, self._rows or (), strict=True):
            if type(row) is item_class:
                assert isinstance(entry, BankEntry)
                yield (entry, row, entry.amount, None, "reference")
            elif row is None:
                assert isinstance(entry, BankEntry)
                yield Match(receipt=_entry_receipt(org, entry, ReceiptStatus.UNMATCHED))
            else:
                yield row  # type: ignore[misc]

    @property
    def receipts(self) -> tuple[Receipt, ...]:
        """One receipt per item (built from the rows on first access, then kept)."""
        if self._receipts is None:
            self._build_records()
        assert self._receipts is not None
        return self._receipts

    @property
    def postings(self) -> tuple[Posting, ...]:
        """All postings, item after item (built from the rows on first access, then kept)."""
        if self._postings is None:
            self._build_records()
        assert self._postings is not None
        return self._postings

    def __len__(self) -> int:
        """The number of bank items (one receipt each)."""
        return len(self._rows) if self._rows is not None else len(self.receipts)

    def counts(self) -> dict[ReceiptStatus, int]:
        """How many receipts there are of each status, without building the records.

        >>> MatchBatch().counts()
        {}
        """
        if self._receipts is not None or self._rows is None:
            out: dict[ReceiptStatus, int] = {}
            for receipt in self.receipts:
                out[receipt.status] = out.get(receipt.status, 0) + 1
            return out
        out = {}
        short = 0
        unmatched = 0
        for row in self._rows:
            if type(row) is Match:
                status = row.receipt.status
                out[status] = out.get(status, 0) + 1
            elif row is None:
                unmatched += 1
            else:  # paid the short way: matched
                short += 1
        if short:
            out[ReceiptStatus.MATCHED] = out.get(ReceiptStatus.MATCHED, 0) + short
        if unmatched:
            out[ReceiptStatus.UNMATCHED] = out.get(ReceiptStatus.UNMATCHED, 0) + unmatched
        return out

    def receipts_with(self, *statuses: ReceiptStatus) -> tuple[Receipt, ...]:
        """The receipts of these statuses, in order; only these records are built.

        >>> MatchBatch().receipts_with(ReceiptStatus.SUGGESTED)
        ()
        """
        wanted = set(statuses)
        if self._receipts is not None or self._rows is None or ReceiptStatus.MATCHED in wanted:
            return tuple(r for r in self.receipts if r.status in wanted)
        unmatched, org = ReceiptStatus.UNMATCHED in wanted, self._organisation_id
        out: list[Receipt] = []
        for entry, row in zip(self._entries, self._rows, strict=True):
            if type(row) is Match:
                if row.receipt.status in wanted:
                    out.append(row.receipt)
            elif row is None and unmatched:
                assert isinstance(entry, BankEntry)
                out.append(_entry_receipt(org, entry, ReceiptStatus.UNMATCHED))
        return tuple(out)

    def receipt_values(self) -> Iterator[tuple[object, ...]]:
        """The receipts' field values in declaration order, without building the records.

        Each tuple equals ``attrs.astuple(receipt, recurse=False)`` of the
        receipt at the same place in :attr:`receipts`.

        >>> list(MatchBatch().receipt_values())
        []
        """
        astuple = attrs.astuple
        if self._receipts is not None or self._rows is None:
            for receipt in self.receipts:
                yield astuple(receipt, recurse=False)
            return
        org = self._organisation_id
        for row in self._expanded():
            if type(row) is Match:
                yield astuple(row.receipt, recurse=False)
            else:
                yield _row_receipt(org, row)  # type: ignore[arg-type]

    def posting_values(self) -> Iterator[tuple[object, ...]]:
        """The postings' field values in declaration order, without building the records.

        Each tuple equals ``attrs.astuple(posting, recurse=False)`` of the
        posting at the same place in :attr:`postings`.

        >>> list(MatchBatch().posting_values())
        []
        """
        astuple = attrs.astuple
        if self._postings is not None or self._rows is None:
            for posting in self.postings:
                yield astuple(posting, recurse=False)
            return
        org = self._organisation_id
        for row in self._expanded():
            if type(row) is Match:
                for posting in row.postings:
                    yield astuple(posting, recurse=False)
            else:
                yield from _row_postings(org, row)  # type: ignore[arg-type]

    def _build_records(self) -> None:
        # The records of the rows, from the same values the storage adapters write.
        receipts: list[Receipt] = []
        postings: list[Posting] = []
        add_receipt, add_posting = receipts.append, postings.append
        org, new_receipt, new_posting = self._organisation_id, _new_receipt, _new_posting
        for row in self._expanded():
            if type(row) is Match:
                add_receipt(row.receipt)
                postings.extend(row.postings)
                continue
            for values in _row_postings(org, row):  # type: ignore[arg-type]
                add_posting(new_posting(*values))
            add_receipt(new_receipt(*_row_receipt(org, row)))  # type: ignore[arg-type]
        _set = object.__setattr__
        _set(self, "_receipts", tuple(receipts))
        _set(self, "_postings", tuple(postings))

    def _records(self) -> tuple[tuple[Receipt, ...], tuple[Posting, ...], tuple[MandateFlag, ...]]:
        return (self.receipts, self.postings, self.flags)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, MatchBatch)
        return self._records() == other._records()

    def __hash__(self) -> int:
        return hash(self._records())

    def __reduce__(self) -> tuple[type[MatchBatch], tuple[object, ...]]:
        # Pickled and copied as its records.
        return (MatchBatch, self._records())

    def __repr__(self) -> str:
        return (
            f"MatchBatch(receipts={self.receipts!r}, postings={self.postings!r}, "
            f"flags={self.flags!r})"
        )


def allocate(
    amount: Decimal, opens: Sequence[tuple[str, Decimal]]
) -> list[tuple[str | None, Decimal]]:
    """Split ``amount`` over ``(document, open)`` pairs in order; the rest goes to ``None``.

    Each document gets at most its open amount (those with nothing open get
    nothing); the parts sum exactly to ``amount``.

    >>> allocate(Decimal("100.00"), [("a", Decimal("60.00")), ("b", Decimal("60.00"))])
    [('a', Decimal('60.00')), ('b', Decimal('40.00'))]
    >>> allocate(Decimal("130.00"), [("a", Decimal("60.00")), ("b", Decimal("0.00"))])
    [('a', Decimal('60.00')), (None, Decimal('70.00'))]
    """
    parts: list[tuple[str | None, Decimal]] = []
    rest = amount
    for document, open_amount in opens:
        if rest <= 0:
            break
        if open_amount <= 0:
            continue
        part = min(rest, open_amount)
        parts.append((document, part))
        rest -= part
    if rest > 0:
        parts.append((None, rest))
    return parts


def _append(index: dict[str, list[_T]], key: str, value: _T) -> None:
    found = index.get(key)
    if found is None:
        index[key] = [value]
    else:
        found.append(value)


_Found = LedgerItem | list[LedgerItem]
"""An index's value: the one item with the key, or the items (two or more) sharing it."""


def _index(index: dict[str, _Found], key: str, item: LedgerItem) -> None:
    found = index.get(key)
    if found is None:
        index[key] = item
    elif type(found) is list:
        found.append(item)
    else:
        index[key] = [found, item]  # type: ignore[list-item]


def _documents(found: _Found) -> list[str]:
    if type(found) is list:
        return [item.document for item in found]
    return [found.document]  # type: ignore[union-attr]


class _Paid(NamedTuple):
    """A payment under an end-to-end id that match_all made (what a reversal needs of it)."""

    payer_id: str
    document: str | None
    amount: Decimal


class Ledger:
    """The open items of one organisation in memory, with the indexes matching needs.

    The open amounts (``open``, by document, to the cent) and the items by
    reference are built with the ledger; the items by end-to-end id, by payer
    and by document (:attr:`items`), and the payers known by the items' IBANs
    (for suggestions), when first needed, since many statements never need them.

    Args:
        organisation_id: The organisation.
        items: Its ledger items.
        postings: Its postings so far.
        receipts: Its receipts so far (their payer IBANs are learned for suggestions).
        policy: How to split and suggest.
    """

    def __init__(
        self,
        organisation_id: str,
        items: Iterable[LedgerItem],
        postings: Iterable[Posting],
        receipts: Iterable[Receipt] = (),
        policy: MatchPolicy | None = None,
    ) -> None:
        self.organisation_id = organisation_id
        self.policy = policy or MatchPolicy()
        self.open: dict[str, Decimal] = {}
        self.credit: dict[str, Decimal] = {}
        # Built with the ledger: what every entry needs (open amounts, items by reference:
        # the item itself where the reference is its alone, a list where several share it).
        self._given: list[LedgerItem] = []
        self._by_reference: dict[str, _Found] = {}
        self._by_iban: dict[str, set[str]] = {}  # learned from receipts; the items' on demand
        self._paid: dict[str, list[Posting | _Paid]] = {}
        self._repeated = False  # a document given twice: match_all leaves it to match()
        # Built when first asked for (many statements never need them).
        self._ibans_indexed = False  # the items' IBANs are in _by_iban
        self._items: dict[str, LedgerItem] | None = None
        self._by_e2e: dict[str, _Found] | None = None
        self._by_payer: dict[str, list[str]] | None = None
        self._build(list(items))
        for posting in postings:
            self._apply(posting)
        for receipt in receipts:
            if receipt.payer_iban and receipt.payer_id and receipt.status is ReceiptStatus.MATCHED:
                self._by_iban.setdefault(receipt.payer_iban, set()).add(receipt.payer_id)

    # ------------------------------------------------------------------ building

    @property
    def items(self) -> dict[str, LedgerItem]:
        """The items by document (read it; add items with :meth:`add_item`)."""
        if self._items is None:
            self._items = {item.document: item for item in self._given}
        return self._items

    def add_item(self, item: LedgerItem) -> None:
        """Add an item and index it."""
        self._add_items((item,))

    def _build(self, items: list[LedgerItem]) -> None:
        # The first items in two passes at C speed (comprehensions) where the keys are
        # unique, as they are in a ledger of one organisation: the open amounts, and the
        # items by their own reference.  Anything else (a document or an own reference
        # twice, a group reference that is also an invoice's) is left to _add_items,
        # which gives the same indexes item by item.
        # An item's amount has its cents already (LedgerItem's converter): no 0.00 + amount.
        open_ = {item.document: item.amount for item in items}
        by_reference: dict[str, _Found] = {item.reference: item for item in items}  # type: ignore[misc]
        unique = len(open_) == len(items)
        if unique and len(by_reference) != len(items):
            # Some items have no own reference (None or ""): are the others' unique?
            with_reference = sum(1 for item in items if item.reference)
            by_reference.pop(None, None)  # type: ignore[call-overload]
            by_reference.pop("", None)
            unique = len(by_reference) == with_reference
        else:
            by_reference.pop(None, None)  # type: ignore[call-overload]
            by_reference.pop("", None)
        groups = [
            item
            for item in (items if unique else ())
            if item.group_reference and item.group_reference != item.reference
        ]
        if not unique or any(item.group_reference in by_reference for item in groups):
            self._add_items(items)
            return
        if self._given:  # pragma: no cover - the constructor builds once, on empty indexes
            self._add_items(items)
            return
        self._given, self.open, self._by_reference = items, open_, by_reference
        for item in groups:
            _index(self._by_reference, item.group_reference or "", item)

    def _add_items(self, items: Iterable[LedgerItem]) -> None:
        # One loop with the dictionaries in locals.
        given, open_, by_reference = self._given, self.open, self._by_reference
        by_iban = self._by_iban if self._ibans_indexed else None
        by_document, by_e2e, by_payer = self._items, self._by_e2e, self._by_payer
        for item in items:
            given.append(item)
            document = item.document
            amount = open_.get(document)
            if amount is None:
                open_[document] = item.amount
            else:
                self._repeated = True
                open_[document] = amount + item.amount
            payer = item.payer_id
            reference = item.reference
            if reference:
                _index(by_reference, reference, item)
            group = item.group_reference
            if group and group != reference:
                _index(by_reference, group, item)
            if by_iban is not None and item.payer_iban:
                by_iban.setdefault(item.payer_iban, set()).add(payer)
            if by_document is not None:
                by_document[document] = item
            if by_payer is not None:
                _append(by_payer, payer, document)
            if by_e2e is not None and item.end_to_end_id:
                _index(by_e2e, item.end_to_end_id, item)

    def _e2e_index(self) -> dict[str, _Found]:
        if self._by_e2e is None:
            given = self._given
            index: dict[str, _Found] = {item.end_to_end_id: item for item in given}  # type: ignore[misc]
            if len(index) != len(given):  # items without an id, or an id on several items
                with_e2e = [item for item in given if item.end_to_end_id]
                index = {item.end_to_end_id: item for item in with_e2e}  # type: ignore[misc]
                if len(index) != len(with_e2e):  # a merged debit's id on each of its invoices
                    index = {}
                    for item in with_e2e:
                        _index(index, item.end_to_end_id or "", item)
            index.pop(None, None)  # type: ignore[call-overload]
            index.pop("", None)
            self._by_e2e = index
        return self._by_e2e

    def _iban_index(self) -> dict[str, set[str]]:
        if not self._ibans_indexed:
            by_iban = self._by_iban
            for item in self._given:
                if item.payer_iban:
                    by_iban.setdefault(item.payer_iban, set()).add(item.payer_id)
            self._ibans_indexed = True
        return self._by_iban

    def _payer_index(self) -> dict[str, list[str]]:
        if self._by_payer is None:
            index: dict[str, list[str]] = {}
            for item in self._given:
                _append(index, item.payer_id, item.document)
            self._by_payer = index
        return self._by_payer

    def _apply(self, posting: Posting) -> None:
        if posting.document is None:
            self.credit[posting.payer_id] = (
                self.credit.get(posting.payer_id, _ZERO) + posting.amount
            )
        else:
            self.open[posting.document] = self.open.get(posting.document, _ZERO) + posting.amount
        if posting.end_to_end_id and posting.kind is PostingKind.PAYMENT:
            self._paid.setdefault(posting.end_to_end_id, []).append(posting)
        elif posting.end_to_end_id and posting.kind in (PostingKind.RETURN, PostingKind.REJECT):
            self._undo_paid(posting)

    def _undo_paid(self, posting: Posting) -> None:
        # A reversal consumes the payments it reversed (so a second return finds nothing).
        if posting.amount <= 0 or posting.end_to_end_id is None:
            return
        paid = self._paid.get(posting.end_to_end_id, [])
        for index, payment in enumerate(paid):
            if payment.document == posting.document and -payment.amount == posting.amount:
                del paid[index]
                return

    def apply(self, postings: Iterable[Posting]) -> None:
        """Apply postings made elsewhere (a confirmation) to the open amounts."""
        for posting in postings:
            self._apply(posting)

    # ------------------------------------------------------------------ reading

    def balance(self, payer_id: str) -> Decimal:
        """A payer's balance: open amounts of their documents plus their credit."""
        documents = self._payer_index().get(payer_id, [])
        return sum((self.open[d] for d in documents), _ZERO) + self.credit.get(payer_id, _ZERO)

    def _ordered(self, documents: Iterable[str]) -> list[LedgerItem]:
        items = [self.items[d] for d in dict.fromkeys(documents)]
        order = self.policy.order
        if order is SplitOrder.OLDEST_FIRST:
            return sorted(items, key=lambda i: (i.due_on, i.issued_on, i.document))
        if order is SplitOrder.NEWEST_FIRST:
            return sorted(items, key=lambda i: (i.due_on, i.issued_on, i.document), reverse=True)
        if callable(order):
            return sorted(items, key=order)  # type: ignore[arg-type]
        raise ConfigurationError(  # pragma: no cover - SplitOrder has two members
            "receivables.order",
            sl="Neznan vrstni red razdelitve plačila.",
            en="Unknown split order.",
            where="order",
        )

    # ------------------------------------------------------------------ matching

    def match(self, item: BankItem) -> Match:
        """Match one bank item, apply its postings here, and return what it did.

        Raises:
            szo_core.errors.InvalidType: ``receivables.money`` when the item's
                amount is not a Decimal.
        """
        if not isinstance(item.amount, Decimal) and item.amount is not None:
            raise InvalidType(
                "receivables.money",
                sl="Znesek mora biti Decimal (ne float).",
                en="An amount must be a Decimal (not a float).",
                where=item.entry_id,
            )
        if isinstance(item, DebitReject) or item.kind is EntryKind.RETURN:
            found = self._reverse(item)
        elif item.kind is EntryKind.DEBIT:
            found = Match(receipt=self._receipt(item, ReceiptStatus.NOT_A_PAYMENT))
        else:
            found = self._credit(item)
        self.apply(found.postings)
        return found

    def match_all(self, items: Iterable[BankItem]) -> MatchBatch:
        """Match many bank items in order, as :meth:`match` one after another would.

        The records are the same as :meth:`match` makes; a credit paying one
        document (by reference or end-to-end id, the usual case) takes a
        shorter way here, everything else goes through :meth:`match`.

        >>> from datetime import date
        >>> from decimal import Decimal
        >>> from szo_core.payments.statements import BankEntry, EntryKind
        >>> ledger = Ledger("o", [LedgerItem(organisation_id="o", document="1", payer_id="p",
        ...     amount=Decimal("50.00"), issued_on=date(2026, 10, 5), due_on=date(2026, 10, 18),
        ...     reference="SI120000055526098")], [])
        >>> paid = [BankEntry(entry_id=f"e{n}", file_kind="camt.053.001.02", statement_id="s",
        ...     account_iban="", kind=EntryKind.CREDIT, amount=Decimal("30.00"),
        ...     booking_date=date(2026, 10, 20), value_date=date(2026, 10, 20),
        ...     reference="SI120000055526098") for n in (1, 2)]
        >>> batch = ledger.match_all(paid)
        >>> for p in batch.postings:
        ...     print(p.id, p.document, p.amount)
        e1:1 1 -30.00
        e2:1 1 -20.00
        e2:2 None -10.00
        >>> ledger.open["1"], ledger.credit["p"]
        (Decimal('0.00'), Decimal('-10.00'))

        Raises:
            szo_core.errors.InvalidType: As :meth:`match` (the items before the
                bad one are applied to the ledger, as with :meth:`match`).
        """
        entries = items if type(items) is tuple else tuple(items)
        rows: list[_Held] = []
        flags: list[MandateFlag] = []
        add_row = rows.append
        open_, credit, paid = self.open, self.credit, self._paid
        # A dict's get takes any key: None (no reference) simply finds nothing.
        by_reference = cast("Callable[[str | None], _Found | None]", self._by_reference.get)
        by_iban = self._by_iban
        by_e2e: dict[str, _Found] | None = None
        zero, fast, decimal, item_class = _ZERO, not self._repeated, Decimal, LedgerItem
        credit_kind, entry_class = EntryKind.CREDIT, BankEntry
        suggest = self.policy.suggest
        # Each item's own reference looked up as the loop takes it, at C speed (no item
        # changes the index; no reference, None or "", is a key of it).
        founds = map(by_reference, map(_REFERENCE, entries))
        for item, found in zip(entries, founds, strict=True):
            if fast and type(item) is entry_class and item.kind is credit_kind:
                # The usual case, as match() -> _credit() -> _pay() -> apply() does it,
                # written down as one row (MatchBatch builds the records from it).
                how, e2e = "reference", item.end_to_end_id
                if found is None and e2e:
                    if by_e2e is None:
                        by_e2e = self._e2e_index()
                    found = by_e2e.get(e2e)
                    how = "end_to_end"
                amount = item.amount
                if type(found) is item_class and type(amount) is decimal and amount > zero:
                    document = found.document
                    open_now = open_[document]
                    pays: Decimal | None
                    rest: Decimal | None
                    if open_now >= amount:  # the document takes it all
                        open_[document] = open_now - amount
                        pays, rest = amount, None
                    elif open_now > zero:  # what is open; the rest stays as the payer's credit
                        payer = found.payer_id
                        open_[document] = open_now - open_now
                        pays, rest = open_now, amount - open_now
                        credit[payer] = credit.get(payer, zero) - rest
                    else:  # nothing open: all of it a credit (the entry's exponent kept)
                        payer = found.payer_id
                        pays, rest = None, amount
                        credit[payer] = credit.get(payer, zero) - rest
                    if e2e:  # what a return of this debit reverses
                        payer = found.payer_id
                        if pays is not None:
                            paid.setdefault(e2e, []).append(_Paid(payer, document, -pays))
                        if rest is not None:
                            paid.setdefault(e2e, []).append(_Paid(payer, None, -rest))
                    iban = item.payer_iban
                    if iban:  # the payer's IBAN learned for suggestions
                        known = by_iban.get(iban)
                        if known is None:
                            by_iban[iban] = {found.payer_id}
                        else:
                            known.add(found.payer_id)
                    if rest is None and how == "reference":  # then pays is the amount
                        add_row(found)  # paid in full by its reference: the commonest case
                    else:
                        add_row((item, found, pays, rest, how))
                    continue
                if found is None and type(amount) is decimal and not (suggest and item.payer_iban):
                    add_row(None)  # nothing matched, nothing to suggest: as _credit() would
                    continue
            one = self.match(item)
            add_row(one)
            if one.flag is not None:
                flags.append(one.flag)
        return MatchBatch._of_rows(self.organisation_id, entries, rows, flags)

    def _receipt(
        self,
        item: BankItem,
        status: ReceiptStatus,
        *,
        payer_id: str | None = None,
        documents: Iterable[str] = (),
        how: str = "",
    ) -> Receipt:
        if isinstance(item, DebitReject):
            return Receipt(
                organisation_id=self.organisation_id,
                entry_id=item.entry_id,
                source=item.file_kind,
                status=status,
                amount=item.amount if item.amount is not None else _ZERO,
                booked_on=item.report_date,
                end_to_end_id=item.end_to_end_id,
                reason=item.reason,
                payer_id=payer_id,
                documents=tuple(documents),
                how=how,
            )
        return _entry_receipt(self.organisation_id, item, status, payer_id, tuple(documents), how)

    def _pay(
        self, entry: BankEntry, documents: Sequence[str], how: str, *, prefix: str = ""
    ) -> Match:
        amount = entry.amount
        parts: list[tuple[str | None, Decimal]]
        if len(documents) == 1 and amount > 0:
            # One invoice (the usual case): the split without sorting.
            document = documents[0]
            payer = self.items[document].payer_id
            open_now = self.open[document]
            if open_now >= amount:
                parts = [(document, amount)]
            elif open_now > 0:
                parts = [(document, open_now), (None, amount - open_now)]
            else:
                parts = [(None, amount)]
        else:
            ordered = self._ordered(documents)
            payer = ordered[0].payer_id
            parts = allocate(amount, [(i.document, self.open[i.document]) for i in ordered])
        org, entry_id, booked, e2e = (
            self.organisation_id,
            entry.entry_id,
            entry.booking_date,
            entry.end_to_end_id,
        )
        postings = tuple(
            _new_payment(
                org,
                f"{entry_id}:{prefix}{n}",
                payer,
                document,
                PostingKind.PAYMENT,
                -part,
                booked,
                entry_id,
                e2e,
            )
            for n, (document, part) in enumerate(parts, start=1)
        )
        if entry.payer_iban:
            known = self._by_iban.get(entry.payer_iban)
            if known is None:
                self._by_iban[entry.payer_iban] = {payer}
            else:
                known.add(payer)
        receipt = self._receipt(
            entry,
            ReceiptStatus.MATCHED,
            payer_id=payer,
            documents=[d for d, _part in parts if d is not None],
            how=how,
        )
        return Match(receipt=receipt, postings=postings)

    def _credit(self, entry: BankEntry) -> Match:
        found = self._by_reference.get(entry.reference) if entry.reference else None
        if found is not None:
            return self._pay(entry, _documents(found), "reference")
        found = self._e2e_index().get(entry.end_to_end_id) if entry.end_to_end_id else None
        if found is not None:
            return self._pay(entry, _documents(found), "end_to_end")
        if self.policy.suggest and entry.payer_iban:
            for payer in sorted(self._iban_index().get(entry.payer_iban, ())):
                documents = self._suggest(payer, entry.amount)
                if documents:
                    receipt = self._receipt(
                        entry,
                        ReceiptStatus.SUGGESTED,
                        payer_id=payer,
                        documents=documents,
                        how="amount_iban",
                    )
                    return Match(receipt=receipt)
        return Match(receipt=self._receipt(entry, ReceiptStatus.UNMATCHED))

    def _suggest(self, payer: str, amount: Decimal) -> list[str]:
        opens = [
            item
            for item in self._ordered(self._payer_index().get(payer, []))
            if self.open[item.document] > 0
        ]
        for item in opens:
            if self.open[item.document] == amount:
                return [item.document]
        if opens and sum((self.open[i.document] for i in opens), _ZERO) == amount:
            return [i.document for i in opens]
        return []

    def confirm(self, receipt: Receipt, documents: Sequence[str] | None = None) -> Match:
        """Post a suggested (or unmatched) receipt to ``documents`` (its suggestion by default).

        Raises:
            szo_core.errors.ConfigurationError: ``receivables.confirm`` when the
                receipt is neither suggested nor unmatched, has no documents to
                go to, or names a document that is not in the ledger.
        """
        chosen = list(receipt.documents if documents is None else documents)
        if (
            receipt.status not in (ReceiptStatus.SUGGESTED, ReceiptStatus.UNMATCHED)
            or not chosen
            or any(d not in self.items for d in chosen)
            or len({self.items[d].payer_id for d in chosen}) != 1
        ):
            raise ConfigurationError(
                "receivables.confirm",
                sl="Prejema ni mogoče potrditi: ni predlagan ali neujemajoč, "
                "ali dokumenti niso v knjigi enega plačnika.",
                en="The receipt cannot be confirmed: it is not suggested or unmatched, "
                "or the documents are not one payer's in the ledger.",
                where=receipt.entry_id,
            )
        entry = BankEntry(
            entry_id=receipt.entry_id,
            file_kind=receipt.source,  # type: ignore[arg-type]
            statement_id="",
            account_iban="",
            kind=EntryKind.CREDIT,
            amount=receipt.amount,
            booking_date=receipt.booked_on,
            value_date=receipt.booked_on,
            payer_iban=receipt.payer_iban,
            end_to_end_id=receipt.end_to_end_id,
        )
        found = self._pay(entry, chosen, "confirmed", prefix="c")
        self.apply(found.postings)
        receipt_out = attrs.evolve(
            found.receipt,
            payer_name=receipt.payer_name,
            reference=receipt.reference,
        )
        return Match(receipt=receipt_out, postings=found.postings)

    def _reverse(self, item: BankEntry | DebitReject) -> Match:
        e2e, amount = item.end_to_end_id, item.amount
        kind = PostingKind.REJECT if isinstance(item, DebitReject) else PostingKind.RETURN
        status = ReceiptStatus.REJECTED if kind is PostingKind.REJECT else ReceiptStatus.RETURNED
        found = self._e2e_index().get(e2e) if e2e else None
        documents = [] if found is None else _documents(found)
        paid = list(self._paid.get(e2e, [])) if e2e else []
        if not documents and not paid:
            return Match(receipt=self._receipt(item, ReceiptStatus.UNMATCHED))
        booked = item.report_date if isinstance(item, DebitReject) else item.booking_date
        postings: list[Posting] = []
        if paid:
            rest = amount if amount is not None else sum((-p.amount for p in paid), _ZERO)
            for payment in reversed(paid):
                if rest <= 0:
                    break
                part = min(rest, -payment.amount)
                rest -= part
                postings.append(
                    self._reversal(
                        item,
                        kind,
                        payment.payer_id,
                        payment.document,
                        part,
                        booked,
                        e2e,
                        len(postings) + 1,
                    )
                )
        if not postings and kind is PostingKind.REJECT:
            # A reject of a debit never booked here (or of none of its amount): the reason
            # recorded on each of its items with a zero posting.
            for document in dict.fromkeys(documents):
                postings.append(
                    self._reversal(
                        item,
                        kind,
                        self.items[document].payer_id,
                        document,
                        _ZERO,
                        booked,
                        e2e,
                        len(postings) + 1,
                    )
                )
        if not postings:
            # A return of a debit whose collection was never booked here (or of none of its
            # amount), a reject naming no item: left to the operator.
            return Match(receipt=self._receipt(item, ReceiptStatus.UNMATCHED))
        payer = postings[0].payer_id
        flag = None
        if flags_mandate(item.reason):
            mandate = item.mandate_id or next(
                (self.items[d].mandate_id for d in documents if self.items[d].mandate_id), None
            )
            flag = MandateFlag(
                organisation_id=self.organisation_id,
                entry_id=item.entry_id,
                payer_id=payer,
                mandate_id=mandate,
                reason=item.reason or "",
                flagged_on=booked,
            )
        receipt = self._receipt(
            item,
            status,
            payer_id=payer,
            documents=[p.document for p in postings if p.document is not None],
            how="end_to_end",
        )
        return Match(receipt=receipt, postings=tuple(postings), flag=flag)

    def _reversal(
        self,
        item: BankEntry | DebitReject,
        kind: PostingKind,
        payer: str,
        document: str | None,
        amount: Decimal,
        booked: date,
        e2e: str | None,
        n: int,
    ) -> Posting:
        return Posting(
            organisation_id=self.organisation_id,
            id=f"{item.entry_id}:{n}",
            payer_id=payer,
            document=document,
            kind=kind,
            amount=amount,
            booked_on=booked,
            entry_id=item.entry_id,
            end_to_end_id=e2e,
            reason=item.reason,
        )
