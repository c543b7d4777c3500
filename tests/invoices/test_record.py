"""The invoice document record: its checks."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from szo_core.errors import InvoiceError
from szo_core.invoices import DocumentType, InvoiceDocument


def test_samples_build_and_their_payloads_are_valid(
    slip_invoice: InvoiceDocument, merged_invoices: tuple[InvoiceDocument, ...]
) -> None:
    assert slip_invoice.payment is not None
    assert isinstance(slip_invoice.payment.payload(), bytes)  # type: ignore[union-attr]
    first, second = merged_invoices
    assert first.payment is second.payment
    assert first.payment.merged  # type: ignore[union-attr]
    assert first.payment.amount == first.total + second.total  # type: ignore[union-attr]


def test_lines_must_sum_to_the_total(slip_invoice: InvoiceDocument) -> None:
    with pytest.raises(InvoiceError) as err:
        attrs.evolve(slip_invoice, total=Decimal("1.00"))
    assert err.value.code == "invoice.total"


def test_a_negative_total_must_be_a_credit_note(credit_note: InvoiceDocument) -> None:
    with pytest.raises(InvoiceError) as err:
        attrs.evolve(credit_note, type=DocumentType.INVOICE)
    assert err.value.code == "invoice.sign"


def test_amounts_must_be_cents(slip_invoice: InvoiceDocument) -> None:
    line = slip_invoice.lines[0]
    with pytest.raises(InvoiceError) as err:
        attrs.evolve(line, amount=Decimal("1.005"))
    assert err.value.code == "invoice.amount_cents"


def test_repr_hides_personal_data(debit_invoice: InvoiceDocument) -> None:
    text = repr(debit_invoice)
    assert "SI56192001234567892" not in text
    assert "12345679" not in text
