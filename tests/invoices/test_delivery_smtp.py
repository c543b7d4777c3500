"""Invoices by e-mail end to end: delivery step, outbox, dispatcher, a real SMTP server."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage as Parsed
from pathlib import Path

import attrs
import pytest

from szo_core.adapters.memory import ManualClock, MemoryStore
from szo_core.adapters.smtp import SmtpMailSender, SmtpSettings
from szo_core.invoices import InvoiceDocument
from szo_core.invoices.delivery import deliver
from szo_core.invoices.pdf import invoice_pdf
from szo_core.outbox.dispatch import Dispatcher

from tests.delivery.conftest import StartServer

NOW = datetime(2026, 10, 2, 6, 0, tzinfo=UTC)

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def _send_all(store: MemoryStore, server_host: str, server_port: int) -> int:
    clock = ManualClock(NOW)
    sender = SmtpMailSender(
        SmtpSettings(host=server_host, port=server_port, security="none", timeout=5), clock=clock
    )
    dispatcher = Dispatcher(store, clock=clock, mail=sender)
    sent = 0
    while (report := dispatcher.run_once()).claimed:
        sent += report.sent
    return sent


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "attachment.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, timeout=60
    )
    return out.stdout.decode()


def test_an_invoice_reaches_the_payer_and_the_contact_once(
    smtp_server: StartServer,
    slip_invoice: InvoiceDocument,
    merged_invoices: tuple[InvoiceDocument, InvoiceDocument],
    tmp_path: Path,
) -> None:
    server = smtp_server("plain")
    store = MemoryStore()
    first, second = merged_invoices
    group_mail = attrs.evolve(slip_invoice.delivery, email="oce.novak@example.org")
    lead = attrs.evolve(first, payment=None, paid_with=second.number, delivery=group_mail)
    carrier = attrs.evolve(second, delivery=group_mail)
    documents = [slip_invoice, lead, carrier]

    def run() -> None:
        deliver(
            documents,
            store=store,
            organisation_id="vrtec",
            sender="racuni@cebelica.example",
            sender_name="Vrtec Čebelica Šentjur",
            folder=tmp_path / "out",
            now=NOW,
        )

    run()
    assert _send_all(store, server.host, server.port) == 2
    received = sorted(server.handler.received, key=lambda r: r.rcpt_tos)
    assert [r.rcpt_tos for r in received] == [
        ["oce.novak@example.org"],
        ["spela@example.org", "druzina.zagar@example.org"],  # the payer, then the copy
    ]
    assert {r.mail_from for r in received} == {"racuni@cebelica.example"}

    single = message_from_bytes(received[1].content, policy=policy.default)
    assert isinstance(single, Parsed)
    assert single["Cc"] == "druzina.zagar@example.org"
    assert single["Subject"] == "Račun 2026-000001 za september 2026"
    [attachment] = list(single.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "2026-000001.pdf"
    data = attachment.get_content()
    assert data == invoice_pdf(slip_invoice)
    text = _pdf_text(data, tmp_path)
    assert "2026-000001" in text
    assert "189,20" in text

    group = message_from_bytes(received[0].content, policy=policy.default)
    assert isinstance(group, Parsed)
    names = [a.get_filename() for a in group.iter_attachments()]
    assert names == ["2026-000003.pdf", "2026-000004.pdf"]
    body = group.get_body(preferencelist=("plain",))
    assert body is not None
    assert "286,60" in body.get_content()

    # Delivering and dispatching again sends nothing more.
    run()
    assert _send_all(store, server.host, server.port) == 0
    assert len(server.handler.received) == 2
