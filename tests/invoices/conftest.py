"""Sample invoice documents shared by the invoice tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from szo_core.calendar import Month
from szo_core.invoices import (
    Bilingual,
    CorrectedInvoice,
    DebitPayment,
    DocumentLine,
    DocumentType,
    InvoiceDocument,
    PartyInfo,
    SlipPayment,
)
from szo_core.model import Address, DeliveryKind, InvoiceDelivery
from szo_core.payments.upn import UpnOrder

SELLER = PartyInfo(
    name="Vrtec Čebelica Šentjur",
    address=Address(street="Cesta Leona Dobrotinška 5", post_code="3230", city="Šentjur"),
    tax_number="12345679",
    registration_number="5051235000",
    iban="SI56020170014356205",
    bic="LJBASI2X",
    bank="NLB d.d.",
    email="racuni@cebelica.example",
)
BUYER = PartyInfo(
    name="Špela Žagar",
    address=Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana"),
    tax_number="15012557",
    email="spela@example.org",
)


def lines(*amounts: str) -> tuple[DocumentLine, ...]:
    out = []
    for i, amount in enumerate(amounts, start=1):
        out.append(
            DocumentLine(
                position=i,
                kind="share",
                description=Bilingual(
                    sl=f"Dnevni program 1.–3. leto, september 2026 ({i})",
                    en=f"Day programme, 1st–3rd year, September 2026 ({i})",
                ),
                detail=Bilingual(
                    sl="22 od 22 delovnih dni, 35 % cene po odločbi 1203-45/2026",
                    en="22 of 22 working days, 35 % of the price by decision 1203-45/2026",
                ),
                amount=Decimal(amount),
                start=date(2026, 9, 1),
                end=date(2026, 9, 30),
                days=22,
                days_in_month=22,
                coefficient=Decimal("0.35"),
                decision_number="1203-45/2026",
            )
        )
    return tuple(out)


def slip_order(amount: Decimal, reference: str) -> UpnOrder:
    return UpnOrder(
        payer_name=BUYER.name,
        payer_street=BUYER.address.street,
        payer_city="1000 Ljubljana",
        amount=amount,
        purpose_code="EDUC",
        purpose="Oskrbnina 09/2026",
        deadline=date(2026, 10, 19),
        recipient_iban=SELLER.iban,
        recipient_reference=reference,
        recipient_name=SELLER.name,
        recipient_street=SELLER.address.street,
        recipient_city="3230 Šentjur",
    )


@pytest.fixture
def slip_invoice() -> InvoiceDocument:
    """An invoice paid with a UPN slip, e-mailed to the payer with a copy."""
    total = Decimal("189.20")
    reference = "SI12 0010160000017"
    return InvoiceDocument(
        number="2026-000001",
        issued_on=date(2026, 10, 2),
        period=Month(2026, 9),
        due_on=date(2026, 10, 19),
        seller=SELLER,
        buyer=BUYER,
        child_name="Eva Žagar",
        child_code=101,
        lines=lines("200.00", "-10.80"),
        total=total,
        reference=reference,
        payment=SlipPayment(
            instruction_id="2026-000001",
            order=slip_order(total, reference),
            invoice_numbers=("2026-000001",),
        ),
        delivery=InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF, email="spela@example.org"),
        copy_email="druzina.zagar@example.org",
        organisation_id="vrtec",
        run_id="2026-09",
    )


@pytest.fixture
def debit_invoice() -> InvoiceDocument:
    """An invoice collected by direct debit, delivered as an e-invoice."""
    return InvoiceDocument(
        number="2026-000002",
        issued_on=date(2026, 10, 2),
        period=Month(2026, 9),
        due_on=date(2026, 10, 19),
        seller=SELLER,
        buyer=PartyInfo(name=BUYER.name, address=BUYER.address, iban="SI56192001234567892"),
        child_name="Jakob Žagar",
        child_code=102,
        lines=lines("97.40"),
        total=Decimal("97.40"),
        reference="SI12 0010260000027",
        payment=DebitPayment(
            instruction_id="2026-000002",
            amount=Decimal("97.40"),
            debit_date=date(2026, 10, 19),
            mandate_reference="VRTEC-102-1",
            invoice_numbers=("2026-000002",),
        ),
        delivery=InvoiceDelivery(kind=DeliveryKind.E_INVOICE, iban="SI56192001234567892"),
        organisation_id="vrtec",
        run_id="2026-09",
    )


@pytest.fixture
def credit_note() -> InvoiceDocument:
    """A credit note correcting August's invoice."""
    return InvoiceDocument(
        number="D2026-000001",
        type=DocumentType.CREDIT_NOTE,
        issued_on=date(2026, 10, 2),
        period=Month(2026, 9),
        seller=SELLER,
        buyer=BUYER,
        child_name="Eva Žagar",
        child_code=101,
        lines=(
            DocumentLine(
                position=1,
                kind="correction",
                description=Bilingual(sl="Poračun za avgust 2026", en="Correction for August 2026"),
                detail=Bilingual(
                    sl="obračunano 120,00 €, pravilno 75,50 € (odločba 1203-46/2026)",
                    en="billed 120.00 €, due 75.50 € (decision 1203-46/2026)",
                ),
                amount=Decimal("-44.50"),
                corrects=Month(2026, 8),
                decision_number="1203-46/2026",
            ),
        ),
        total=Decimal("-44.50"),
        corrects=(
            CorrectedInvoice(
                month=Month(2026, 8), number="2026-000417", issued_on=date(2026, 9, 2)
            ),
        ),
        organisation_id="vrtec",
        run_id="2026-09",
    )


@pytest.fixture
def merged_invoices() -> tuple[InvoiceDocument, InvoiceDocument]:
    """Two siblings' invoices paid with one slip for the group's total."""
    reference = "RF64101202609"
    numbers = ("2026-000003", "2026-000004")
    total = Decimal("286.60")
    payment = SlipPayment(
        instruction_id="101-202609", order=slip_order(total, reference), invoice_numbers=numbers
    )
    out = []
    for number, code, amount in ((numbers[0], 103, "189.20"), (numbers[1], 104, "97.40")):
        out.append(
            InvoiceDocument(
                number=number,
                issued_on=date(2026, 10, 2),
                period=Month(2026, 9),
                due_on=date(2026, 10, 19),
                seller=SELLER,
                buyer=BUYER,
                child_name=f"Otrok {code}",
                child_code=code,
                lines=lines(amount),
                total=Decimal(amount),
                reference=reference,
                payment=payment,
                organisation_id="vrtec",
                run_id="2026-09",
            )
        )
    return out[0], out[1]


# The real SMTP server of the delivery tests (aiosmtpd on 127.0.0.1), for invoices by e-mail.
from tests.delivery.conftest import ca, server_tls, smtp_server  # noqa: E402, F401
