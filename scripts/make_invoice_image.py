"""Render the sample invoice of docs/invoices-pdf.md to docs/img/invoice-slip.png.

Run: ``.venv/bin/python scripts/make_invoice_image.py [--dpi 72]``

Needs poppler-utils (``pdftoppm``).  The sample is synthetic (made-up names,
a test IBAN and a reference with a valid check digit).  The PDF is
deterministic, so the picture changes only when the layout does.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from szo_core.calendar import Month
from szo_core.invoices import (
    Bilingual,
    DocumentLine,
    InvoiceDocument,
    PartyInfo,
    SlipPayment,
)
from szo_core.invoices.pdf import invoice_pdf
from szo_core.model import Address
from szo_core.payments.upn import UpnOrder

OUT = Path(__file__).resolve().parent.parent / "docs" / "img" / "invoice-slip.png"


def sample() -> InvoiceDocument:
    seller = PartyInfo(
        name="Vrtec Čebelica Šentjur",
        address=Address(street="Cesta Leona Dobrotinška 5", post_code="3230", city="Šentjur"),
        tax_number="12345679",
        registration_number="5051235000",
        iban="SI56020170014356205",
        bic="LJBASI2X",
        bank="NLB d.d.",
        email="racuni@cebelica.example",
    )
    buyer = PartyInfo(
        name="Špela Žagar",
        address=Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana"),
    )
    lines = (
        DocumentLine(
            position=1,
            kind="share",
            description=Bilingual(
                sl="Dnevni program 1.–3. leto, september 2026",
                en="Day programme, 1st–3rd year, September 2026",
            ),
            detail=Bilingual(
                sl="22 od 22 delovnih dni, 35 % cene po odločbi 1203-45/2026",
                en="22 of 22 working days, 35 % of the price by decision 1203-45/2026",
            ),
            amount=Decimal("200.00"),
        ),
        DocumentLine(
            position=2,
            kind="food_deduction",
            description=Bilingual(sl="Odbitek prehrane", en="Food deduction"),
            detail=Bilingual(sl="3 dni odsotnosti × 3,60 €", en="3 days absent × €3.60"),
            amount=Decimal("-10.80"),
        ),
    )
    total = Decimal("189.20")
    reference = "SI12 0010160000017"
    order = UpnOrder(
        payer_name=buyer.name,
        payer_street=buyer.address.street,
        payer_city="1000 Ljubljana",
        amount=total,
        purpose="Oskrbnina 09/2026",
        deadline=date(2026, 10, 19),
        recipient_iban=seller.iban,
        recipient_reference=reference,
        recipient_name=seller.name,
        recipient_street=seller.address.street,
        recipient_city="3230 Šentjur",
    )
    return InvoiceDocument(
        number="2026-000001",
        issued_on=date(2026, 10, 2),
        period=Month(2026, 9),
        due_on=date(2026, 10, 19),
        seller=seller,
        buyer=buyer,
        child_name="Eva Žagar",
        child_code=101,
        lines=lines,
        total=total,
        reference=reference,
        payment=SlipPayment(
            instruction_id="2026-000001", order=order, invoice_numbers=("2026-000001",)
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=72)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "invoice.pdf"
        pdf.write_bytes(invoice_pdf(sample()))
        stem = args.out.with_suffix("")
        subprocess.run(
            ["pdftoppm", "-r", str(args.dpi), "-png", "-singlefile", str(pdf), str(stem)],
            check=True,
        )
    print(f"{args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
