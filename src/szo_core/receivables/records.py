"""The records of the receivables ledger (saldakonti): items, postings, bank receipts.

* :class:`LedgerItem`: a billing document on the payer's account: an invoice is a
  debit (positive amount), a credit note a credit (negative amount).  Each
  invoice is booked on its own, even when it is paid with one merged slip or
  direct debit: the merged payment's reference and end-to-end id are kept on
  every invoice of the group (:attr:`LedgerItem.group_reference`,
  :attr:`LedgerItem.end_to_end_id`).
* :class:`Posting`: what happened to the account afterwards: a payment applied
  to an item (negative), a payment left as a credit on the payer (negative, no
  document), a returned or rejected debit (positive: the item is open again),
  a reject that only records its reason (zero).
* :class:`Receipt`: a bank statement entry or pain.002 reject as imported, with
  what matching made of it (matched, suggested, unmatched, ...).  Its
  ``entry_id`` is the idempotency key of the import.
* :class:`MandateFlag`: a mandate that a reject or return said cannot be used
  again (AC04, MD01, ...).
* :class:`Reminder`: a reminder (opomin) sent for an item, first or second.

The payer's balance is the sum of their items' and postings' amounts
(:func:`szo_core.receivables.ledger.balance`): positive means the payer owes.

>>> from datetime import date
>>> from decimal import Decimal
>>> item = LedgerItem(organisation_id="vrtec", document="2026-000001", payer_id="guardian:g1",
...     amount=Decimal("107.55"), issued_on=date(2026, 10, 5), due_on=date(2026, 10, 18),
...     reference="SI120000055526098")
>>> item.is_debit, item.kind.value
(True, 'invoice')
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import attrs
from attrs import validators as v

from szo_core.errors import InvalidType
from szo_core.ids._pii import iban_repr

__all__ = [
    "ItemKind",
    "LedgerItem",
    "MandateFlag",
    "Posting",
    "PostingKind",
    "Receipt",
    "ReceiptStatus",
    "Reminder",
]


def _money(_instance: object, attribute: attrs.Attribute[Decimal], value: object) -> None:
    if not isinstance(value, Decimal):
        raise InvalidType(
            "receivables.money",
            sl="Znesek mora biti Decimal (ne float).",
            en="An amount must be a Decimal (not a float).",
            where=attribute.name,
        )


_CENTS = Decimal("0.00")


def _to_cents(value: object) -> object:
    # An item's amount carries at least the cents (``50`` → ``50.00``, ``1.005`` kept):
    # the ledger's open amounts start as the items' amounts, as the store gives them.
    return _CENTS + value if isinstance(value, Decimal) and value.is_finite() else value


class ItemKind(enum.StrEnum):
    """The kind of a ledger item."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class PostingKind(enum.StrEnum):
    """What a posting records."""

    PAYMENT = "payment"
    """Money received, applied to an item (or to the payer's credit when it has no document)."""
    RETURN = "return"
    """A collected direct debit returned or refunded (camt ``RtrInf``): reopens the item."""
    REJECT = "reject"
    """A direct debit rejected before settlement (pain.002): reopens the item or records why."""
    CREDIT_APPLIED = "credit_applied"
    """The payer's credit moved onto an item (a pair: minus on the item, plus on the credit)."""


class ReceiptStatus(enum.StrEnum):
    """What matching made of an imported bank entry."""

    MATCHED = "matched"
    """Applied to the ledger (by reference, end-to-end id or a confirmed suggestion)."""
    SUGGESTED = "suggested"
    """Amount and payer IBAN fit an open item: waits for an operator to confirm."""
    UNMATCHED = "unmatched"
    """No item found: listed for the operator, never dropped."""
    RETURNED = "returned"
    """A returned debit, applied (the items it paid are open again)."""
    REJECTED = "rejected"
    """A pain.002 reject, applied."""
    NOT_A_PAYMENT = "not_a_payment"
    """A debit on the account that is not a return (a fee, a transfer out)."""


@attrs.frozen(kw_only=True)
class LedgerItem:
    """An invoice (debit) or credit note (credit) on a payer's account.

    Attributes:
        organisation_id: The organisation.
        document: The document's number (``2026-000007``, ``D2026-000002``): the key.
        payer_id: Who pays (the payment step's payer id, ``guardian:g1``).
        kind: Invoice or credit note.
        amount: Positive for an invoice, negative for a credit note; kept with
            at least two decimal places (``Decimal("50")`` becomes ``50.00``).
        issued_on: The issue date.
        due_on: The due date (for a credit note, its issue date).
        reference: The invoice's own reference (SI12/RF, compact), or None.
        group_reference: The merged payment's reference when the invoice is
            paid with its payment group, or None.
        end_to_end_id: The payment instruction's id (the direct debit's
            end-to-end id), or None.
        child_code: The child, or None.
        mandate_id: The direct-debit mandate, or None.
        payer_iban: The payer's IBAN where known (the mandate's), or ``""``.
    """

    organisation_id: str = attrs.field(validator=v.instance_of(str))
    document: str = attrs.field(validator=v.instance_of(str))
    payer_id: str = attrs.field(validator=v.instance_of(str))
    kind: ItemKind = attrs.field(default=ItemKind.INVOICE, converter=ItemKind)
    amount: Decimal = attrs.field(converter=_to_cents, validator=_money)
    issued_on: date
    due_on: date
    reference: str | None = None
    group_reference: str | None = None
    end_to_end_id: str | None = None
    child_code: int | None = None
    mandate_id: str | None = None
    payer_iban: str = attrs.field(default="", repr=iban_repr)

    @property
    def is_debit(self) -> bool:
        """True for an invoice (the payer owes it)."""
        return self.amount > 0


@attrs.frozen(kw_only=True)
class Posting:
    """A change to a payer's account after the documents: payments, returns, rejects.

    Attributes:
        organisation_id: The organisation.
        id: The key: the bank entry's id and the posting's place (``<entry>:1``).
        payer_id: Whose account.
        document: The item it applies to, or None for the payer's credit.
        kind: What it records.
        amount: Signed like the items: negative lowers what the payer owes.
        booked_on: The bank's booking date (the reject report's date).
        entry_id: The bank entry (:class:`Receipt`) it came from.
        end_to_end_id: The end-to-end id of the payment, if any.
        reason: The reject or return reason code, or None.
    """

    organisation_id: str = attrs.field(validator=v.instance_of(str))
    id: str = attrs.field(validator=v.instance_of(str))
    payer_id: str = attrs.field(validator=v.instance_of(str))
    document: str | None
    kind: PostingKind = attrs.field(converter=PostingKind)
    amount: Decimal = attrs.field(validator=_money)
    booked_on: date
    entry_id: str
    end_to_end_id: str | None = None
    reason: str | None = None


@attrs.frozen(kw_only=True)
class Receipt:
    """A bank entry or reject as imported, and what matching made of it.

    Attributes:
        organisation_id: The organisation.
        entry_id: The bank entry's stable id (the import's idempotency key).
        source: The file kind (``camt.053.001.02``, ``pain.002.001.03``, ...).
        status: What matching made of it.
        amount: The entry's amount (positive), or 0.00 for a reject without one.
        booked_on: The booking date (the report's date for a reject).
        payer_name: The payer's name on the statement.
        payer_iban: The payer's IBAN on the statement, or ``""``.
        reference: The reference found, compact, or None.
        end_to_end_id: The end-to-end id, or None.
        reason: A return's or reject's reason code, or None.
        payer_id: The payer it was matched or suggested to, or None.
        documents: The items it was applied or suggested to.
        how: How it was matched: ``reference``, ``end_to_end``, ``confirmed``,
            or ``""``.
    """

    organisation_id: str = attrs.field(validator=v.instance_of(str))
    entry_id: str = attrs.field(validator=v.instance_of(str))
    source: str
    status: ReceiptStatus = attrs.field(converter=ReceiptStatus)
    amount: Decimal = attrs.field(validator=_money)
    booked_on: date
    payer_name: str = ""
    payer_iban: str = attrs.field(default="", repr=iban_repr)
    reference: str | None = None
    end_to_end_id: str | None = None
    reason: str | None = None
    payer_id: str | None = None
    documents: tuple[str, ...] = ()
    how: str = ""


@attrs.frozen(kw_only=True)
class MandateFlag:
    """A mandate that a reject or return said cannot be used again as it is.

    Attributes:
        organisation_id: The organisation.
        entry_id: The reject or return that raised it (the key).
        payer_id: The payer.
        mandate_id: The mandate, where known.
        reason: The reason code (AC04, MD01, ...).
        flagged_on: The date of the reject or return.
    """

    organisation_id: str
    entry_id: str
    payer_id: str
    mandate_id: str | None
    reason: str
    flagged_on: date


@attrs.frozen(kw_only=True)
class Reminder:
    """A reminder (opomin) sent for one item.

    Attributes:
        organisation_id: The organisation.
        document: The item.
        level: 1 for the first reminder, 2 for the second.
        payer_id: The payer.
        sent_on: The day it was made.
        open_amount: What was open that day.
        interest: The default interest to that day, rounded half-up to cents.
    """

    organisation_id: str
    document: str
    level: int = attrs.field(validator=v.in_((1, 2)))
    payer_id: str
    sent_on: date
    open_amount: Decimal = attrs.field(validator=_money)
    interest: Decimal = attrs.field(validator=_money)
