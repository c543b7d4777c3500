"""e-SLOG 2.0: the writer, the XSD check, the reader and the envelope for the e-bank.

* :func:`to_eslog` writes an :class:`~szo_core.invoices.InvoiceDocument` as
  e-SLOG 2.0 (GZS, EN 16931 shaped), deterministic and checked code by code;
* :func:`validate_eslog` checks bytes against the bundled XSD;
* :func:`read_eslog` reads an e-SLOG invoice back into the record, and
  :func:`carried` says which part of a record the file carries;
* :func:`envelope` writes the envelope (ovojnica) listing the XML and the PDF,
  and :func:`write_e_invoice` writes the three files into a folder, atomically.

The docs page ``docs/invoices-eslog.md`` has the element map and the reasons.

>>> doc = example_document()
>>> xml = to_eslog(doc)
>>> validate_eslog(xml)
>>> read_eslog(xml) == carried(doc)
True
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from szo_core.calendar import Month
from szo_core.ids import iban as _iban
from szo_core.ids import reference as _reference
from szo_core.invoices.eslog.codes import ALLOWED
from szo_core.invoices.eslog.envelope import Attachment, envelope, write_e_invoice
from szo_core.invoices.eslog.reader import read_eslog
from szo_core.invoices.eslog.schema import validate_eslog
from szo_core.invoices.eslog.writer import EN16931, NAMESPACE, to_eslog
from szo_core.invoices.record import (
    Bilingual,
    DocumentLine,
    InvoiceDocument,
    PartyInfo,
)
from szo_core.model import Address, InvoiceDelivery

__all__ = [
    "ALLOWED",
    "EN16931",
    "NAMESPACE",
    "Attachment",
    "carried",
    "envelope",
    "example_document",
    "read_eslog",
    "to_eslog",
    "validate_eslog",
    "write_e_invoice",
]


def _party(party: PartyInfo) -> PartyInfo:
    if party.iban and _iban.is_valid(party.iban):
        return attrs.evolve(party, iban=_iban.compact(party.iban))
    return party


def carried(doc: InvoiceDocument) -> InvoiceDocument:
    """The part of ``doc`` an e-SLOG file carries: what :func:`read_eslog` gives back.

    Not carried, and so emptied: ``payment`` (e-SLOG carries only its means
    code, 30 for a slip or 59 for a direct debit, and the due date; not the
    UPN order or the mandate), ``delivery``, ``copy_email``,
    ``organisation_id`` and ``run_id``.  Normalised: the payment reference to
    its printed form (``SI12 …``, RF in groups of four) and IBANs to their
    compact form, as the file holds them.

    >>> doc = example_document()
    >>> carried(doc).payment is None and carried(doc).lines == doc.lines
    True
    """
    payment_reference = doc.reference
    if payment_reference and _reference.is_valid(payment_reference):
        payment_reference = _reference.format(payment_reference)
    return attrs.evolve(
        doc,
        payment=None,
        delivery=InvoiceDelivery(),
        copy_email="",
        organisation_id="",
        run_id="",
        reference=payment_reference,
        seller=_party(doc.seller),
        buyer=_party(doc.buyer),
    )


def example_document() -> InvoiceDocument:
    """A small kindergarten invoice with synthetic data, for examples and docs.

    >>> example_document().total
    Decimal('86.60')
    """
    return InvoiceDocument(
        number="2026-000123",
        issued_on=date(2026, 10, 2),
        period=Month(2026, 9),
        due_on=date(2026, 10, 19),
        seller=PartyInfo(
            name="Vrtec Čebelica",
            address=Address(street="Šolska ulica 5", post_code="3230", city="Šentjur"),
            tax_number="12345679",
            registration_number="5051235000",
            iban="SI56020170014356205",
            bic="LJBASI2X",
        ),
        buyer=PartyInfo(
            name="Špela Žagar",
            address=Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana"),
            iban="SI56192001234567892",
        ),
        child_name="Eva Žagar",
        child_code=101,
        lines=(  # attrs' converter=tuple confuses mypy
            DocumentLine(
                position=1,
                kind="share",
                description=Bilingual(sl="Dnevni program, september 2026", en="Day programme"),
                detail=Bilingual(sl="22 od 22 dni, 35 % po odločbi 1203-45/2026", en=""),
                amount=Decimal("97.40"),
                days=22,
                days_in_month=22,
                coefficient=Decimal("0.35"),
                decision_number="1203-45/2026",
            ),
            DocumentLine(
                position=2,
                kind="food_deduction",
                description=Bilingual(sl="Odbitek hrane", en="Food deduction"),
                amount=Decimal("-10.80"),
                days=4,
            ),
        ),
        total=Decimal("86.60"),
        reference="SI12 0010160000017",
    )
