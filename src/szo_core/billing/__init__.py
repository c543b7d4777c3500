"""Billing runs: a month's fees for every child, corrections, and numbered documents.

* :func:`run_billing` loads the month and its correction window through the
  storage port, computes every child with :mod:`szo_core.fees`, adds
  corrections (poračun) for the earlier months whose inputs changed or that
  were never billed, and issues the documents: one invoice per child for the
  parents, one per municipality with its list of children, the state's claim;
  a negative amount is a credit note (dobropis).  Invoices and credit notes are
  numbered gap-free, each series per organisation and year, with an SI12 or RF
  payment reference on invoices.
* :func:`close_run` closes the month and locks the decisions and prices it used.
* :mod:`szo_core.billing.ports` is what storage must offer
  (:class:`~szo_core.adapters.memory_billing.MemoryBillingStore`,
  :class:`~szo_core.adapters.sql.billing.SqlBillingStore`).
* :mod:`szo_core.billing.export` writes a run as JSON and as CSVs for
  Slovenian Excel (every file written beside its target, then renamed);
  :mod:`szo_core.billing.files` stages them before the commit;
  :func:`payable_invoices` hands the invoices with something to pay to
  :mod:`szo_core.payments.instructions`.

The guide is ``docs/billing.md``.

>>> from szo_core.billing import ReferenceScheme, invoice_reference
>>> invoice_reference(ReferenceScheme.SI12, child_code=101, year=2026, serial=7)
'SI120010160000076'
"""

from szo_core.billing.export import (
    list_rows,
    statement_rows,
    write_bytes,
    write_csv,
    write_json,
    write_lists_csv,
)
from szo_core.billing.payable import payable_invoices
from szo_core.billing.ports import BillingRepository, BillingStorage, BillingUnitOfWork
from szo_core.billing.records import (
    CORRECTION,
    LIST,
    BilledEntry,
    BillingOrganisation,
    BillingResult,
    BillingRun,
    CorrectedDocument,
    DocumentKind,
    FilesState,
    Fingerprint,
    Invoice,
    InvoiceLine,
    ListEntry,
    ReferenceScheme,
    RunStatus,
    ZeroInvoices,
    document_number,
)
from szo_core.billing.references import MAX_SERIAL, Si12Parts, invoice_reference, parse_si12
from szo_core.billing.run import (
    Progress,
    Stage,
    close_run,
    fee_inputs,
    mark_files_written,
    run_billing,
    sibling_orders,
)

__all__ = [
    "CORRECTION",
    "LIST",
    "MAX_SERIAL",
    "BilledEntry",
    "BillingOrganisation",
    "BillingRepository",
    "BillingResult",
    "BillingRun",
    "BillingStorage",
    "BillingUnitOfWork",
    "CorrectedDocument",
    "DocumentKind",
    "FilesState",
    "Fingerprint",
    "Invoice",
    "InvoiceLine",
    "ListEntry",
    "Progress",
    "ReferenceScheme",
    "RunStatus",
    "Si12Parts",
    "Stage",
    "ZeroInvoices",
    "close_run",
    "document_number",
    "fee_inputs",
    "invoice_reference",
    "list_rows",
    "mark_files_written",
    "parse_si12",
    "payable_invoices",
    "run_billing",
    "sibling_orders",
    "statement_rows",
    "write_bytes",
    "write_csv",
    "write_json",
    "write_lists_csv",
]
