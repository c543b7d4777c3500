"""The envelope (ovojnica) and the e-invoice folder: structure, sizes, hashes, atomic files."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from lxml import etree

from szo_core.errors import DeliveryError, InvoiceError
from szo_core.invoices import InvoiceDocument, PartyInfo
from szo_core.invoices.eslog import Attachment, envelope, to_eslog, write_e_invoice
from szo_core.invoices.eslog.envelope import ENVELOPE_SCHEMA

XSI = "http://www.w3.org/2001/XMLSchema-instance"
PDF = b"%PDF-1.4\n% synthetic test PDF with \xc4\x8d\n%%EOF\n"


def make(doc: InvoiceDocument, **kwargs: object) -> etree._Element:
    xml = to_eslog(doc)
    data = envelope(
        doc,
        xml_name=f"{doc.file_stem}.xml",
        xml_bytes=xml,
        pdf_name=f"{doc.file_stem}.pdf",
        pdf_bytes=PDF,
        **kwargs,  # type: ignore[arg-type]
    )
    return etree.fromstring(data)


def text(root: etree._Element, path: str) -> str:
    found = root.find(path)
    assert found is not None, path
    return found.text or ""


def test_envelope_structure(debit_invoice: InvoiceDocument) -> None:
    root = make(debit_invoice)
    assert root.tag == "envelope"
    assert root.get(f"{{{XSI}}}noNamespaceSchemaLocation") == ENVELOPE_SCHEMA
    assert [child.tag for child in root] == [
        "sender",
        "receiver",
        "doc_data",
        "payment_data",
        "attachments",
    ]
    assert text(root, "sender/name") == "Vrtec Čebelica Šentjur"
    assert [a.text for a in root.iterfind("sender/address")] == [
        "Cesta Leona Dobrotinška 5",
        "3230 Šentjur",
    ]
    assert text(root, "sender/sender_identifier") == "12345679"
    assert text(root, "sender/sender_eddress/sender_agent") == "LJBASI2XXXX"
    assert text(root, "sender/sender_eddress/sender_mailbox") == "SI56020170014356205"
    # the buyer has no BIC: it comes from the IBAN's bank (19200, Deželna banka Slovenije)
    assert text(root, "receiver/receiver_eddress/receiver_mailbox") == "SI56192001234567892"
    assert text(root, "receiver/receiver_eddress/receiver_agent") == "SZKBSI2XXXX"
    assert text(root, "doc_data/doc_type") == "0002"
    assert text(root, "doc_data/doc_type_ver") == "01"
    assert text(root, "doc_data/doc_id") == "2026-000002"
    assert text(root, "doc_data/external_doc_id") == "2026-000002"
    assert text(root, "doc_data/timestamp") == "2026-10-02T00:00:00"
    assert text(root, "payment_data/payment_method") == "1"
    assert text(root, "payment_data/creditor/creditor_account") == "SI56020170014356205"
    assert text(root, "payment_data/debtor/debtor_account") == "SI56192001234567892"
    assert text(root, "payment_data/requested_execution_date") == "2026-10-19"
    assert text(root, "payment_data/amount") == "97.40"
    assert text(root, "payment_data/currency") == "EUR"
    reference = "payment_data/remittance_information/creditor_structured_reference"
    assert text(root, reference) == "SI120010260000027"
    assert text(root, "payment_data/purpose") == "OTHR"


def test_slip_invoice_payment_method_and_purpose(slip_invoice: InvoiceDocument) -> None:
    buyer = attrs.evolve(slip_invoice.buyer, iban="SI56192001234567892", bic="SKBASI2X")
    root = make(attrs.evolve(slip_invoice, buyer=buyer))
    assert text(root, "payment_data/payment_method") == "0"
    assert text(root, "payment_data/purpose") == "EDUC"  # the UPN order's purpose code
    assert text(root, "receiver/receiver_eddress/receiver_agent") == "SKBASI2XXXX"
    assert text(root, "payment_data/amount") == "189.20"


def test_credit_note_pays_nothing(credit_note: InvoiceDocument) -> None:
    buyer = attrs.evolve(credit_note.buyer, iban="SI56192001234567892")
    root = make(attrs.evolve(credit_note, buyer=buyer), purpose_code="EDUC")
    assert text(root, "payment_data/payment_method") == "3"
    assert text(root, "payment_data/amount") == "44.50"
    info = "payment_data/remittance_information/additional_remittance_information"
    assert text(root, info) == "Dobropis D2026-000001"
    assert text(root, "payment_data/purpose") == "EDUC"


def test_attachments_list_sizes_and_hashes_of_the_files(debit_invoice: InvoiceDocument) -> None:
    xml = to_eslog(debit_invoice)
    extra = Attachment(filename="priloga.txt", content=b"Hvala!", type="text/plain")
    root = etree.fromstring(
        envelope(
            debit_invoice,
            xml_name="r.xml",
            xml_bytes=xml,
            pdf_name="r.pdf",
            pdf_bytes=PDF,
            attachments=(extra,),
        )
    )
    listed = root.find("attachments")
    assert listed is not None
    assert text(listed, "count") == "3"
    items = listed.findall("attachment")
    expected = [("r.xml", xml, "application/xml"), ("r.pdf", PDF, "application/pdf")]
    expected.append(("priloga.txt", b"Hvala!", "text/plain"))
    for item, (name, content, kind) in zip(items, expected, strict=True):
        assert text(item, "filename") == name
        assert text(item, "size") == str(len(content))
        assert text(item, "type") == kind
        assert text(item, "hash") == hashlib.sha256(content).hexdigest()
    assert text(listed, "size") == str(len(xml) + len(PDF) + len(b"Hvala!"))


def test_envelope_is_deterministic(debit_invoice: InvoiceDocument) -> None:
    first = etree.tostring(make(debit_invoice))
    assert etree.tostring(make(debit_invoice)) == first
    later = etree.tostring(make(debit_invoice, created=datetime(2026, 10, 3, 8, 30, 15, 999)))
    assert b"<timestamp>2026-10-03T08:30:15</timestamp>" in later
    utc = etree.tostring(make(debit_invoice, created=datetime(2026, 10, 3, 6, 30, tzinfo=UTC)))
    assert b"<timestamp>2026-10-03T08:30:00</timestamp>" in utc  # summer time in Ljubljana


def test_envelope_needs_both_accounts(slip_invoice: InvoiceDocument) -> None:
    with pytest.raises(InvoiceError) as caught:
        make(slip_invoice)  # the slip payer has no IBAN
    assert caught.value.code == "eslog.envelope_account"
    assert caught.value.where == "buyer.iban"
    delivered = attrs.evolve(
        slip_invoice,
        delivery=attrs.evolve(slip_invoice.delivery, iban="SI56192001234567892"),
    )
    assert text(make(delivered), "payment_data/debtor/debtor_account") == "SI56192001234567892"


@pytest.mark.parametrize(
    ("buyer", "code"),
    [
        (PartyInfo(name="P", iban="SI56192001234567893"), "eslog.iban"),
        (PartyInfo(name="P", iban="SI56192001234567892", bic="SKB"), "eslog.bic"),
    ],
)
def test_envelope_refuses_bad_accounts_without_echoing_them(
    debit_invoice: InvoiceDocument, buyer: PartyInfo, code: str
) -> None:
    with pytest.raises(InvoiceError) as caught:
        make(attrs.evolve(debit_invoice, buyer=buyer))
    assert caught.value.code == code
    assert "SI5619200123456789" not in str(caught.value)


def test_envelope_refuses_a_bad_purpose(debit_invoice: InvoiceDocument) -> None:
    with pytest.raises(InvoiceError) as caught:
        make(debit_invoice, purpose_code="educ")
    assert caught.value.code == "eslog.envelope_purpose"


def test_write_e_invoice_folder(debit_invoice: InvoiceDocument, tmp_path: Path) -> None:
    doc = attrs.evolve(debit_invoice, number="2026/000002")
    folder = tmp_path / "e-racuni"
    paths = write_e_invoice(doc, folder, pdf=PDF)
    assert [p.name for p in paths] == [
        "2026_000002.envelope.xml",
        "2026_000002.xml",
        "2026_000002.pdf",
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)
    assert paths[1].read_bytes() == to_eslog(doc)
    assert paths[2].read_bytes() == PDF
    root = etree.fromstring(paths[0].read_bytes())
    for item, path in zip(root.iterfind("attachments/attachment"), paths[1:], strict=True):
        assert text(item, "filename") == path.name
        assert text(item, "size") == str(path.stat().st_size)
        assert text(item, "hash") == hashlib.sha256(path.read_bytes()).hexdigest()
    again = write_e_invoice(doc, folder, pdf=PDF)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]


def test_write_e_invoice_never_leaves_half_a_file(
    debit_invoice: InvoiceDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    calls: list[str] = []

    def failing_replace(source: str, target: str | Path) -> None:
        calls.append(str(target))
        if str(target).endswith(".envelope.xml"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(DeliveryError) as caught:
        write_e_invoice(debit_invoice, tmp_path, pdf=PDF)
    assert caught.value.code == "file.write_failed"
    names = sorted(p.name for p in tmp_path.iterdir())
    # XML and PDF are complete; the envelope (written last) is not there, nor any temp file.
    assert names == ["2026-000002.pdf", "2026-000002.xml"]
    assert calls[-1].endswith(".envelope.xml")
    assert (tmp_path / "2026-000002.xml").read_bytes() == to_eslog(debit_invoice)


def test_write_e_invoice_refuses_a_non_pdf(debit_invoice: InvoiceDocument, tmp_path: Path) -> None:
    with pytest.raises(InvoiceError) as caught:
        write_e_invoice(debit_invoice, tmp_path, pdf=b"<html>")
    assert caught.value.code == "eslog.not_pdf"
    assert list(tmp_path.iterdir()) == []


def test_e_invoice_files_get_the_mode_of_a_new_file(
    debit_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    old = os.umask(0o022)
    try:
        paths = write_e_invoice(debit_invoice, tmp_path, pdf=PDF)
    finally:
        os.umask(old)
    assert {stat.S_IMODE(p.stat().st_mode) for p in paths} == {0o644}
