"""Billing runs: a month's fees for every child, corrections, and numbered invoices.

* :func:`run_billing` loads the month through the storage port, computes every
  child with :mod:`szo_core.fees`, adds corrections (poračun) for earlier
  months, and issues invoices (one per payer per child) numbered gap-free per
  organisation and year, each with an SI12 or RF payment reference.
* :func:`close_run` closes the month and locks the decisions it used.
* :mod:`szo_core.billing.ports` is what storage must offer
  (:class:`~szo_core.adapters.memory_billing.MemoryBillingStore`,
  :class:`~szo_core.adapters.sql.billing.SqlBillingStore`).
* :mod:`szo_core.billing.export` writes a run as JSON and as a CSV for
  Slovenian Excel; :func:`payable_invoices` hands invoices to
  :mod:`szo_core.payments.instructions`.

The guide is ``docs/billing.md``.

>>> from szo_core.billing import ReferenceScheme, invoice_reference
>>> invoice_reference(ReferenceScheme.SI12, child_code=101, year=2026, serial=7)
'SI120010126000077'
"""

from szo_core.billing.export import statement_rows, write_csv, write_json
from szo_core.billing.payable import payable_invoices
from szo_core.billing.ports import BillingRepository, BillingStorage, BillingUnitOfWork
from szo_core.billing.records import (
    CORRECTION,
    BilledEntry,
    BillingOrganisation,
    BillingResult,
    BillingRun,
    Invoice,
    InvoiceLine,
    ReferenceScheme,
    RunStatus,
)
from szo_core.billing.references import invoice_reference, parse_si12
from szo_core.billing.run import Progress, close_run, fee_inputs, run_billing, sibling_orders

__all__ = [
    "CORRECTION",
    "BilledEntry",
    "BillingOrganisation",
    "BillingRepository",
    "BillingResult",
    "BillingRun",
    "BillingStorage",
    "BillingUnitOfWork",
    "Invoice",
    "InvoiceLine",
    "Progress",
    "ReferenceScheme",
    "RunStatus",
    "close_run",
    "fee_inputs",
    "invoice_reference",
    "parse_si12",
    "payable_invoices",
    "run_billing",
    "sibling_orders",
    "statement_rows",
    "write_csv",
    "write_json",
]
