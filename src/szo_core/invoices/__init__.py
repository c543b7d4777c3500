"""Invoice documents and their delivery: PDF with the UPN form, e-SLOG 2.0, the envelope.

* :mod:`szo_core.invoices.record`: :class:`InvoiceDocument`, the one input of
  every writer;
* :mod:`szo_core.invoices.build`: invoice documents from a billing run;
* :mod:`szo_core.invoices.pdf`: the A4 invoice with the printed UPN form
  (reportlab, the ``pdf`` extra), the calibration page, print batches;
* :mod:`szo_core.invoices.eslog`: e-SLOG 2.0 writer and reader, and the
  envelope (ovojnica) for the payer's e-bank;
* :mod:`szo_core.invoices.delivery`: each payer's invoice to the print batch,
  the e-mail outbox or the e-invoice folder.

>>> from szo_core.invoices import DocumentType
>>> DocumentType("381").name
'CREDIT_NOTE'
"""

from szo_core.invoices.record import (
    Bilingual,
    CorrectedInvoice,
    DebitPayment,
    DocumentLine,
    DocumentType,
    InvoiceDocument,
    PartyInfo,
    SlipPayment,
    VatTreatment,
    default_vat,
)

__all__ = [
    "Bilingual",
    "CorrectedInvoice",
    "DebitPayment",
    "DocumentLine",
    "DocumentType",
    "InvoiceDocument",
    "PartyInfo",
    "SlipPayment",
    "VatTreatment",
    "default_vat",
]
