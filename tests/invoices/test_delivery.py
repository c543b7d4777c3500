"""The delivery step: each invoice to the port its payer chose, reported, never twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import attrs
import pytest

from szo_core.adapters.memory import MemoryStore
from szo_core.delivery.message import Channel, EmailMessage
from szo_core.errors import DeliveryError, InvoiceError, Language
from szo_core.invoices import InvoiceDocument
from szo_core.invoices.delivery import (
    INVOICE_TEMPLATE,
    DeliveryReport,
    default_templates,
    deliver,
    install_templates,
)
from szo_core.model import Address, DeliveryKind, InvoiceDelivery
from szo_core.outbox.records import OutboxMessage
from szo_core.templates.messages import save_template

NOW = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
ORG = "vrtec"


def fake_pdf(document: InvoiceDocument, language: Language) -> bytes:
    return f"%PDF-fake {document.number} {language}".encode()


@attrs.define
class FakePrinter:
    calls: list[list[str]] = attrs.field(factory=list)

    def __call__(self, docs: Sequence[InvoiceDocument], out: BinaryIO, language: Language) -> int:
        self.calls.append([d.number for d in docs])
        out.write(b"%PDF-print " + ",".join(d.number for d in docs).encode())
        return len(docs)


@attrs.define
class FakeSink:
    seen: dict[str, bytes] = attrs.field(factory=dict)
    ibans: list[str] = attrs.field(factory=list)

    def put(self, document: InvoiceDocument, pdf: bytes) -> bool:
        self.ibans.append(document.buyer.iban)
        if self.seen.get(document.number) == pdf:
            return False
        self.seen[document.number] = pdf
        return True


def run(
    docs: Sequence[InvoiceDocument],
    store: MemoryStore,
    tmp_path: Path,
    printer: FakePrinter | None = None,
    sink: FakeSink | None = None,
) -> DeliveryReport:
    return deliver(
        docs,
        store=store,
        organisation_id=ORG,
        sender="racuni@cebelica.example",
        folder=tmp_path,
        now=NOW,
        render_pdf=fake_pdf,
        write_print=printer or FakePrinter(),
        e_invoices=sink or FakeSink(),
    )


def queued(store: MemoryStore) -> list[OutboxMessage]:
    with store.unit_of_work() as uow:
        return list(uow.outbox.for_organisation(ORG))


def printed(doc: InvoiceDocument, number: str, **buyer: object) -> InvoiceDocument:
    return attrs.evolve(
        doc,
        number=number,
        delivery=InvoiceDelivery(kind=DeliveryKind.PRINT),
        buyer=attrs.evolve(doc.buyer, **buyer),
    )


def test_each_invoice_goes_to_its_channel(
    slip_invoice: InvoiceDocument,
    debit_invoice: InvoiceDocument,
    credit_note: InvoiceDocument,
    tmp_path: Path,
) -> None:
    store = MemoryStore()
    printer, sink = FakePrinter(), FakeSink()
    paper = printed(credit_note, "D2026-000009")
    report = run([slip_invoice, debit_invoice, paper], store, tmp_path, printer, sink)
    assert report.ok
    assert report.emailed == (slip_invoice.number,)
    assert report.e_invoices == (debit_invoice.number,)
    assert report.printed == (paper.number,)
    assert printer.calls == [[paper.number]]
    assert report.print_file == tmp_path / "print-2026-09.pdf"
    assert report.print_file.read_bytes() == b"%PDF-print D2026-000009"
    assert sink.ibans == ["SI56192001234567892"]
    [message] = queued(store)
    mail = message.message
    assert isinstance(mail, EmailMessage)
    assert mail.to == ("spela@example.org",)
    assert mail.cc == ("druzina.zagar@example.org",)
    assert mail.subject == "Račun 2026-000001 za september 2026"
    assert "189,20" in mail.text
    assert "SI12 0010160000017" in mail.text
    [attachment] = mail.attachments
    assert attachment.filename == "2026-000001.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.data == b"%PDF-fake 2026-000001 sl"
    assert message.key.event == "invoice:2026-000001"
    assert message.key.channel is Channel.EMAIL


def test_rerunning_sends_nothing_twice(
    slip_invoice: InvoiceDocument, debit_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    store, sink = MemoryStore(), FakeSink()
    first = run([slip_invoice, debit_invoice], store, tmp_path, sink=sink)
    second = run([slip_invoice, debit_invoice], store, tmp_path, sink=sink)
    assert first.emailed == (slip_invoice.number,)
    assert first.e_invoices == (debit_invoice.number,)
    assert second.emailed == ()
    assert second.e_invoices == ()
    assert second.already_emailed == (slip_invoice.number,)
    assert second.already_e_invoices == (debit_invoice.number,)
    assert len(queued(store)) == 1


def test_a_payer_without_an_address_for_the_channel_is_reported(
    slip_invoice: InvoiceDocument, debit_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    no_mail = attrs.evolve(
        slip_invoice,
        delivery=InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF),
        buyer=attrs.evolve(slip_invoice.buyer, email=""),
    )
    bad_mail = attrs.evolve(
        slip_invoice,
        number="2026-000010",
        delivery=InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF, email="not an address"),
    )
    no_iban = attrs.evolve(
        debit_invoice,
        delivery=InvoiceDelivery(kind=DeliveryKind.E_INVOICE),
        buyer=attrs.evolve(debit_invoice.buyer, iban=""),
    )
    homeless = printed(slip_invoice, "2026-000011", address=Address())
    store, sink = MemoryStore(), FakeSink()
    report = run([no_mail, bad_mail, no_iban, homeless], store, tmp_path, sink=sink)
    codes = {p.code: p for p in report.problems}
    assert set(codes) == {
        "delivery.no_email",
        "delivery.bad_email",
        "delivery.no_iban",
        "delivery.no_postal_address",
    }
    assert codes["delivery.no_email"].numbers == (no_mail.number,)
    assert codes["delivery.no_iban"].numbers == (no_iban.number,)
    assert "IBAN" in codes["delivery.no_iban"].message("en")
    assert "not an address" not in codes["delivery.bad_email"].message("en")
    assert report.printed == (homeless.number,)  # printed, to be handed over
    assert set(report.undelivered) == {no_mail.number, bad_mail.number, no_iban.number}
    assert queued(store) == []
    assert sink.seen == {}
    assert not report.ok


def test_a_bad_copy_address_is_reported_and_the_payer_still_gets_it(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    store = MemoryStore()
    doc = attrs.evolve(slip_invoice, copy_email="broken@")
    report = run([doc], store, tmp_path)
    [problem] = report.problems
    assert problem.code == "delivery.bad_copy"
    assert problem.sent
    assert report.emailed == (doc.number,)
    [message] = queued(store)
    assert message.message.cc == ()  # type: ignore[union-attr]


def test_the_copy_is_not_sent_twice_to_the_payer(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    store = MemoryStore()
    run([attrs.evolve(slip_invoice, copy_email="Spela@Example.org")], store, tmp_path)
    [message] = queued(store)
    assert message.message.cc == ()  # type: ignore[union-attr]


def test_a_merged_group_travels_in_one_email(
    merged_invoices: tuple[InvoiceDocument, InvoiceDocument], tmp_path: Path
) -> None:
    first, second = merged_invoices
    delivery = InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF, email="spela@example.org")
    lead = attrs.evolve(first, payment=None, paid_with=second.number, delivery=delivery)
    carrier = attrs.evolve(second, delivery=delivery)
    store = MemoryStore()
    report = run([carrier, lead], store, tmp_path)
    assert report.emailed == (first.number, second.number)
    [message] = queued(store)
    mail = message.message
    assert isinstance(mail, EmailMessage)
    assert [a.filename for a in mail.attachments] == ["2026-000003.pdf", "2026-000004.pdf"]
    assert mail.subject == "Račun 2026-000003, 2026-000004 za september 2026"
    assert "286,60" in mail.text  # the group's one slip, not one child's invoice
    assert message.key.event == "invoice:2026-000004"


def test_english_emails_and_credit_notes(credit_note: InvoiceDocument, tmp_path: Path) -> None:
    store = MemoryStore()
    doc = attrs.evolve(
        credit_note, delivery=InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF, email="a@example.org")
    )
    deliver(
        [doc],
        store=store,
        organisation_id=ORG,
        sender="racuni@cebelica.example",
        folder=tmp_path,
        now=NOW,
        language="en",
        render_pdf=fake_pdf,
    )
    [message] = queued(store)
    mail = message.message
    assert isinstance(mail, EmailMessage)
    assert mail.subject == "Credit note D2026-000001 for September 2026"
    assert "44.50" in mail.text
    assert "credited" in mail.text


def test_templates_are_installed_once_and_own_ones_kept(tmp_path: Path) -> None:
    store = MemoryStore()
    own = attrs.evolve(default_templates(ORG)[0], subject="Naš račun {{ racuni }}")
    with store.unit_of_work() as uow:
        save_template(uow, own)
        assert install_templates(uow, ORG) == ("en",)
        assert install_templates(uow, ORG) == ()
        latest = uow.templates.latest(ORG, INVOICE_TEMPLATE, "sl")
        assert latest is not None
        assert latest.subject == "Naš račun {{ racuni }}"
        uow.commit()


def test_duplicate_documents_are_refused(slip_invoice: InvoiceDocument, tmp_path: Path) -> None:
    with pytest.raises(InvoiceError) as err:
        run([slip_invoice, slip_invoice], MemoryStore(), tmp_path)
    assert err.value.code == "delivery.duplicate"


def test_nothing_to_print_writes_no_file(slip_invoice: InvoiceDocument, tmp_path: Path) -> None:
    report = run([slip_invoice], MemoryStore(), tmp_path)
    assert report.print_file is None
    assert list(tmp_path.iterdir()) == []


def test_a_failed_print_leaves_no_half_file(slip_invoice: InvoiceDocument, tmp_path: Path) -> None:
    def broken(docs: Sequence[InvoiceDocument], out: BinaryIO, language: Language) -> int:
        out.write(b"%PDF-half")
        raise OSError("disk full")

    doc = printed(slip_invoice, "2026-000012")
    earlier = tmp_path / "print-2026-09.pdf"
    earlier.write_bytes(b"%PDF-earlier")
    with pytest.raises(DeliveryError) as err:
        deliver(
            [doc],
            store=MemoryStore(),
            organisation_id=ORG,
            sender="racuni@cebelica.example",
            folder=tmp_path,
            now=NOW,
            render_pdf=fake_pdf,
            write_print=broken,
        )
    assert err.value.code == "file.write_failed"
    assert list(tmp_path.iterdir()) == [earlier]  # no half file, the earlier one unchanged
    assert earlier.read_bytes() == b"%PDF-earlier"


def test_the_folder_sink_writes_envelope_xml_and_pdf_once(
    debit_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    from szo_core.invoices.delivery import FolderEInvoiceSink
    from szo_core.invoices.eslog import read_eslog, validate_eslog

    sink = FolderEInvoiceSink(tmp_path / "e-invoices")
    assert sink.put(debit_invoice, b"%PDF-1.4 fake")
    names = sorted(p.name for p in (tmp_path / "e-invoices").iterdir())
    assert names == ["2026-000002.envelope.xml", "2026-000002.pdf", "2026-000002.xml"]
    xml = (tmp_path / "e-invoices" / "2026-000002.xml").read_bytes()
    validate_eslog(xml)
    assert read_eslog(xml).number == debit_invoice.number
    assert (tmp_path / "e-invoices" / "2026-000002.pdf").read_bytes() == b"%PDF-1.4 fake"
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "e-invoices").iterdir()}
    assert not sink.put(debit_invoice, b"%PDF-1.4 fake")  # there already, unchanged
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "e-invoices").iterdir()} == stamps
    assert sink.put(debit_invoice, b"%PDF-1.4 other")  # a changed PDF is written again
    assert (tmp_path / "e-invoices" / "2026-000002.pdf").read_bytes() == b"%PDF-1.4 other"
    assert not [p for p in (tmp_path / "e-invoices").iterdir() if p.name.startswith(".")]
