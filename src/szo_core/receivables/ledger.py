"""The ledger's arithmetic: balances, open amounts, and items from a billing run.

Pure functions of the records (no storage, no clock):

* :func:`balance`: a payer's (or everyone's) balance, the sum of items and postings;
* :func:`open_amounts`: what is still open on each document, and each payer's
  unapplied credit;
* :func:`items_from_billing`: the parents' invoices and credit notes of a
  billing run as ledger items, with the merged payment's reference and
  end-to-end id on every invoice of a payment group;
* :func:`slip_fallback`: the next month's direct-debit invoices of payers whose
  mandate was flagged, turned into slip (UPN) invoices.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.receivables.records import LedgerItem, Posting
>>> item = LedgerItem(organisation_id="o", document="1", payer_id="p", amount=Decimal("50.00"),
...                   issued_on=date(2026, 10, 5), due_on=date(2026, 10, 18))
>>> paid = Posting(organisation_id="o", id="e1:1", payer_id="p", document="1", kind="payment",
...                amount=Decimal("-20.00"), booked_on=date(2026, 10, 20), entry_id="e1")
>>> balance([item], [paid]), open_amounts([item], [paid]).documents["1"]
(Decimal('30.00'), Decimal('30.00'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from szo_core.billing.payable import paying_party
from szo_core.billing.records import DocumentKind, Invoice
from szo_core.fees import PayerKind
from szo_core.model import Party, PaymentKind
from szo_core.payments.instructions import PayableInvoice, PaymentInstruction
from szo_core.ports import MonthData
from szo_core.receivables.records import ItemKind, LedgerItem, MandateFlag, Posting

__all__ = [
    "OpenAmounts",
    "balance",
    "items_from_billing",
    "open_amounts",
    "payer_id_of",
    "slip_fallback",
]

_ZERO = Decimal("0.00")


def balance(
    items: Iterable[LedgerItem], postings: Iterable[Posting], *, payer_id: str | None = None
) -> Decimal:
    """The sum of the items' and postings' amounts (of one payer with ``payer_id``).

    Positive: the payer owes; negative: the payer has a credit.  See the module example.
    """
    total = _ZERO
    for item in items:
        if payer_id is None or item.payer_id == payer_id:
            total += item.amount
    for posting in postings:
        if payer_id is None or posting.payer_id == payer_id:
            total += posting.amount
    return total


@attrs.frozen
class OpenAmounts:
    """What is open per document and each payer's unapplied credit (negative or zero).

    Attributes:
        documents: Document → the item's amount plus the postings to it.
        credits: Payer → the sum of the postings without a document.
    """

    documents: Mapping[str, Decimal]
    credits: Mapping[str, Decimal]


def open_amounts(items: Iterable[LedgerItem], postings: Iterable[Posting]) -> OpenAmounts:
    """Open amount of each document and unapplied credit of each payer.

    The sum of both maps is :func:`balance`.  See the module example.
    """
    documents: dict[str, Decimal] = {}
    credits: dict[str, Decimal] = {}
    for item in items:
        documents[item.document] = documents.get(item.document, _ZERO) + item.amount
    for posting in postings:
        if posting.document is None:
            credits[posting.payer_id] = credits.get(posting.payer_id, _ZERO) + posting.amount
        else:
            documents[posting.document] = documents.get(posting.document, _ZERO) + posting.amount
    return OpenAmounts(documents=documents, credits=credits)


def payer_id_of(child_code: int, data: MonthData) -> str:
    """The payment step's payer id of a child: ``guardian:<id>``, ``party:<name>``, ``child:<n>``.

    The same id :func:`szo_core.billing.payable_invoices` gives, so a credit
    note lands on the same account as the invoices paid by slip or debit.
    """
    child = data.children[child_code].child
    party = paying_party(child, data.guardians)
    if party is None:
        return f"child:{child.code}"
    if isinstance(party, Party):
        return f"party:{party.name}"
    return f"guardian:{party.id}"


def items_from_billing(
    documents: Iterable[Invoice],
    instructions: Iterable[PaymentInstruction],
    data: MonthData,
    *,
    due_on: date,
) -> tuple[LedgerItem, ...]:
    """Turn the parents' numbered invoices and credit notes of a run into ledger items.

    Args:
        documents: The run's documents (``BillingResult.documents``); only the
            parents' numbered invoices and credit notes become items (the
            municipalities' and the state's documents are not paid by slip).
        instructions: The run's payment instructions: they give each invoice's
            payer, merged reference, end-to-end id and mandate.
        data: The billed month's records (for the payer of a credit note).
        due_on: The invoices' due date (a credit note is due on its issue date).

    Returns:
        The items, in the documents' order.
    """
    by_invoice: dict[str, PaymentInstruction] = {}
    for each in instructions:
        for number in each.invoice_numbers:
            by_invoice[number] = each
    out: list[LedgerItem] = []
    for doc in documents:
        if not doc.payer.is_own or doc.number is None or doc.child_code is None:
            continue
        if doc.kind not in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE) or doc.amount == 0:
            continue
        instruction: PaymentInstruction | None = by_invoice.get(doc.number)
        if instruction is not None:
            payer = instruction.payer_id
        elif doc.payer is PayerKind.RELATIVE:  # the relative's own account, as payable gives it
            payer = "guardian:" + doc.payer_id.removeprefix("relative:")
        else:
            payer = payer_id_of(doc.child_code, data)
        mandate = instruction.mandate if instruction else None
        credit = doc.kind is DocumentKind.CREDIT_NOTE
        out.append(
            LedgerItem(
                organisation_id=doc.organisation_id,
                document=doc.number,
                payer_id=payer,
                kind=ItemKind.CREDIT_NOTE if credit else ItemKind.INVOICE,
                amount=doc.amount,
                issued_on=doc.issued_on,
                due_on=doc.issued_on if credit else due_on,
                reference=doc.reference,
                group_reference=(
                    instruction.reference
                    if instruction is not None and instruction.group_id is not None
                    else None
                ),
                end_to_end_id=instruction.instruction_id if instruction else None,
                child_code=doc.child_code,
                mandate_id=None if mandate is None else mandate.reference,
                payer_iban="" if mandate is None else mandate.iban,
            )
        )
    return tuple(out)


def slip_fallback(
    invoices: Iterable[PayableInvoice], flags: Iterable[MandateFlag]
) -> tuple[PayableInvoice, ...]:
    """Turn flagged payers' direct-debit invoices into slip (UPN) invoices.

    A payer whose mandate a reject or return flagged (AC04, MD01, ...) gets the
    next month's invoices with a UPN slip instead of a debit that would fail
    again.  A flag names the payer and, where known, the mandate: an invoice
    whose mandate differs (a new mandate signed since) stays a debit.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from szo_core.model import Address
    >>> from szo_core.payments.instructions import DebitMandate
    >>> mandate = DebitMandate(reference="M-1", signed_on=date(2025, 8, 1),
    ...                        debtor_name="Ana", iban="SI56020100012345641")
    >>> invoice = PayableInvoice(number="2026-000009", period=(2026, 11), child_code=1,
    ...     payer_id="guardian:g1", payer_name="Ana", payer_address=Address(),
    ...     amount=Decimal("90.00"), method=PaymentKind.DIRECT_DEBIT, mandate=mandate)
    >>> flag = MandateFlag(organisation_id="o", entry_id="e", payer_id="guardian:g1",
    ...                    mandate_id="M-1", reason="AC04", flagged_on=date(2026, 10, 16))
    >>> [i.method.value for i in slip_fallback([invoice], [flag])]
    ['upn']
    """
    flagged: dict[str, set[str | None]] = {}
    for flag in flags:
        flagged.setdefault(flag.payer_id, set()).add(flag.mandate_id)
    out: list[PayableInvoice] = []
    for invoice in invoices:
        mandates = flagged.get(invoice.payer_id)
        if invoice.method is PaymentKind.DIRECT_DEBIT and mandates is not None:
            reference = None if invoice.mandate is None else invoice.mandate.reference
            if None in mandates or reference in mandates:
                invoice = attrs.evolve(invoice, method=PaymentKind.UPN, mandate=None)
        out.append(invoice)
    return tuple(out)
