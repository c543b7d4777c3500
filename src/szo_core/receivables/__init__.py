"""Receivables: the ledger of open items per payer, matching, reminders, account statements.

* :mod:`~szo_core.receivables.records`: ledger items (invoices as debits, credit
  notes as credits), postings (payments, returns, rejects), bank receipts,
  mandate flags, reminders;
* :mod:`~szo_core.receivables.ledger`: balances, open amounts, items from a
  billing run, the slip fallback for flagged mandates;
* :mod:`~szo_core.receivables.matching`: the matching engine (reference, then
  end-to-end id, then amount and IBAN as a suggestion), splits oldest first;
* :mod:`~szo_core.receivables.reconcile`: import a bank file, confirm a suggestion;
* :mod:`~szo_core.receivables.reminders`: reminders (opomini) with default
  interest, the enforcement list, sent through the outbox;
* :mod:`~szo_core.receivables.kartica`: a payer's account statement (kartica),
  as records and CSV;
* :mod:`~szo_core.receivables.ports`: the storage port (``uow.receivables``).

The guide is ``docs/receivables.md``.

>>> from decimal import Decimal
>>> from szo_core.receivables import allocate
>>> sum(part for _doc, part in allocate(Decimal("100.00"), [("a", Decimal("60.00"))]))
Decimal('100.00')
"""

from szo_core.receivables.kartica import (
    AccountStatement,
    StatementLine,
    account_statement,
    statement_pdf,
    statement_rows,
    write_statement_csv,
)
from szo_core.receivables.ledger import (
    OpenAmounts,
    balance,
    items_from_billing,
    open_amounts,
    payer_id_of,
    slip_fallback,
)
from szo_core.receivables.matching import (
    Ledger,
    Match,
    MatchBatch,
    MatchPolicy,
    SplitOrder,
    allocate,
)
from szo_core.receivables.ports import ReceivablesRepository
from szo_core.receivables.reconcile import ImportReport, confirm_receipt, import_bank_file
from szo_core.receivables.records import (
    ItemKind,
    LedgerItem,
    MandateFlag,
    Posting,
    PostingKind,
    Receipt,
    ReceiptStatus,
    Reminder,
)
from szo_core.receivables.reminders import (
    InterestRate,
    PayerContact,
    ReminderChannel,
    ReminderPlan,
    ReminderPolicy,
    contacts_from,
    default_interest,
    plan_reminders,
    send_reminders,
)

__all__ = [
    "AccountStatement",
    "ImportReport",
    "InterestRate",
    "ItemKind",
    "Ledger",
    "LedgerItem",
    "MandateFlag",
    "Match",
    "MatchBatch",
    "MatchPolicy",
    "OpenAmounts",
    "PayerContact",
    "Posting",
    "PostingKind",
    "Receipt",
    "ReceiptStatus",
    "ReceivablesRepository",
    "Reminder",
    "ReminderChannel",
    "ReminderPlan",
    "ReminderPolicy",
    "SplitOrder",
    "StatementLine",
    "account_statement",
    "allocate",
    "balance",
    "confirm_receipt",
    "contacts_from",
    "default_interest",
    "import_bank_file",
    "items_from_billing",
    "open_amounts",
    "payer_id_of",
    "plan_reminders",
    "send_reminders",
    "slip_fallback",
    "statement_pdf",
    "statement_rows",
    "write_statement_csv",
]
