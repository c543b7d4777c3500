"""``szo bill --deliver``: the test world's invoices printed, e-mailed and sent as e-invoices.

Children 1 and 2 are one merged payment group (one slip, e-mailed to guardian
g-1 with a copy to child 2's contact), child 3 pays by direct debit and gets an
e-invoice, child 4 gets a printed invoice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result
from tests.billing._world import ORG, add_world
from tests.billing.test_bill_files import _organisation

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.cli import main
from szo_core.delivery.message import EmailMessage
from szo_core.invoices.eslog import read_eslog, validate_eslog
from szo_core.model import DeliveryKind, InvoiceDelivery

pytestmark = pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed"
)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "vrtec.sqlite"
    store = SqlBillingStore.open(path)
    try:
        add_world(store, ORG)
        with store.unit_of_work() as uow:
            uow.organisations.add(_organisation(email="racuni@sonce.example"))
            by_mail = InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF, email="ana.novak@example.org")
            changes = {
                1: {"delivery": by_mail},
                2: {"delivery": by_mail, "contact_email": "babica@example.org"},
                3: {
                    "delivery": InvoiceDelivery(
                        kind=DeliveryKind.E_INVOICE, iban="SI56020100012345641"
                    )
                },
            }
            for code, fields in changes.items():
                uow.children.update(attrs.evolve(uow.children.get(ORG, code), **fields))
            uow.commit()
    finally:
        store.dispose()
    return path


def run(database: Path, out: Path, *args: str) -> Result:
    return CliRunner().invoke(
        main,
        ["bill", "--db", str(database), "--month", "2026-09", "--out", str(out),
         "--issued-on", "2026-10-01", "--lang", "en", "--deliver", *args],
    )  # fmt: skip


def _outbox(database: Path) -> list[EmailMessage]:
    store = SqlBillingStore.open(database)
    try:
        with store.unit_of_work() as uow:
            found = uow.outbox.for_organisation(ORG)
    finally:
        store.dispose()
    return [m.message for m in found if isinstance(m.message, EmailMessage)]


def test_deliver_sends_each_invoice_the_way_its_payer_chose(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(database, out)
    assert result.exit_code == 0, result.output
    assert (
        "Delivery: to print 1, queued for e-mail 2 (earlier 0), e-invoices 1 (earlier 0), "
        "problems 0." in result.stdout
    )
    month = out / "2026-09"
    printed = month / "print-2026-09.pdf"
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, check=True, text=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M), info.stdout
    [mail] = _outbox(database)  # the merged group: one e-mail with both invoices
    assert mail.to == ("ana.novak@example.org",)
    assert mail.cc == ("babica@example.org",)
    assert len(mail.attachments) == 2
    assert all(a.data.startswith(b"%PDF-") for a in mail.attachments)
    xml = [p for p in (month / "e-invoices").iterdir() if p.suffix == ".xml"]
    invoices = [p for p in xml if b"urn:eslog:2.00" in p.read_bytes()]
    assert len(invoices) == 1
    validate_eslog(invoices[0].read_bytes())
    document = read_eslog(invoices[0].read_bytes())
    assert document.buyer.iban == "SI56020100012345641"

    again = run(database, out)
    assert again.exit_code == 0, again.output
    assert "queued for e-mail 0 (earlier 2), e-invoices 0 (earlier 1)" in again.stdout
    assert len(_outbox(database)) == 1


def test_deliver_needs_a_sender(database: Path, tmp_path: Path) -> None:
    store = SqlBillingStore.open(database)
    try:
        with store.unit_of_work() as uow:
            uow.organisations.update(attrs.evolve(uow.organisations.get(ORG), email=""))
            uow.commit()
    finally:
        store.dispose()
    result = run(database, tmp_path / "out")
    assert result.exit_code == 2
    assert "--sender" in result.output
    ok = run(database, tmp_path / "out", "--sender", "racuni@sonce.example")
    assert ok.exit_code == 0, ok.output


def test_a_payer_without_an_address_is_a_warning(database: Path, tmp_path: Path) -> None:
    store = SqlBillingStore.open(database)
    try:
        with store.unit_of_work() as uow:
            child = uow.children.get(ORG, 4)
            uow.children.update(
                attrs.evolve(child, delivery=InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF))
            )
            uow.commit()
    finally:
        store.dispose()
    result = run(database, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stderr
    assert "no e-mail address" in result.stderr
