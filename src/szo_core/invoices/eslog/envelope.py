"""The envelope (ovojnica) of an e-invoice for the payer's e-bank, and the folder banks take in.

An e-invoice travels as three parts: the envelope, the invoice XML (e-SLOG 2.0)
and attachments such as the PDF.  :func:`envelope` writes the envelope in the
shape of the public fixtures (Media24si/eslog2 ``envelope.xml``,
boris-savic/python-eracun ``envelope/utils.py``): root ``envelope`` with
``xsi:noNamespaceSchemaLocation="icl_eb_envelope_einvoice.xsd"``, ``sender``
and ``receiver`` (the bank's BIC as ``*_agent``, the IBAN as ``*_mailbox``),
``doc_data``, ``payment_data`` and ``attachments``.  No public XSD of the
envelope exists to check against; the tests check its structure.

:func:`write_e_invoice` writes envelope, XML and PDF into a folder, each file
through a temporary file and a rename, so a bank's pick-up never sees half a
file, and the envelope last, so it never sees an envelope without its parts.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
from lxml import etree

from szo_core._files import write_bytes
from szo_core.errors import InvoiceError, ValidationError
from szo_core.ids import iban as _iban
from szo_core.ids import reference as _reference
from szo_core.invoices.eslog.codes import check_bic, check_iban, check_text
from szo_core.invoices.record import DebitPayment, InvoiceDocument, PartyInfo, SlipPayment

__all__ = [
    "ENVELOPE_SCHEMA",
    "PAYMENT_METHODS",
    "Attachment",
    "envelope",
    "write_e_invoice",
]

ENVELOPE_SCHEMA = "icl_eb_envelope_einvoice.xsd"
"""The envelope's ``xsi:noNamespaceSchemaLocation``."""

PAYMENT_METHODS = {"slip": "0", "debit": "1", "none": "3"}
"""``payment_data/payment_method`` as Media24si/eslog2 defines it.

0 pay, 1 direct debit, 3 no payment (a credit note, an invoice without a payment).
"""

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_ZONE = ZoneInfo("Europe/Ljubljana")


@attrs.frozen(kw_only=True)
class Attachment:
    """A file the envelope lists: its name, bytes, MIME type and description.

    >>> a = Attachment(filename="r.pdf", content=b"%PDF-1.4", type="application/pdf",
    ...                description="Račun v PDF")
    >>> a.size, a.sha256[:8]
    (8, 'e16fa5d9')
    """

    filename: str
    content: bytes = attrs.field(repr=False)
    type: str
    description: str = ""

    @property
    def size(self) -> int:
        """The size in bytes."""
        return len(self.content)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the content, lower-case hex."""
        return hashlib.sha256(self.content).hexdigest()


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = check_text(text, where=f"envelope/{tag}")
    return element


def _agent(party: PartyInfo, account: str, role: str) -> str:
    if party.bic:
        bic = check_bic(party.bic, where=f"{role}.bic")
    else:
        try:
            bic = _iban.bank(account).bic
        except ValidationError:
            raise InvoiceError(
                "eslog.envelope_bic",
                sl="Banke računa ni mogoče določiti; vpišite BIC.",
                en="The account's bank cannot be found; give its BIC.",
                where=f"{role}.bic",
            ) from None
    # Media24si's writer pads an 8-character BIC to 11 with X; so do we.
    return bic.ljust(11, "X")


def _account(doc: InvoiceDocument, role: str) -> str:
    party = doc.seller if role == "seller" else doc.buyer
    number = party.iban or (doc.delivery.iban if role == "buyer" else "")
    if not number:
        raise InvoiceError(
            "eslog.envelope_account",
            sl="Za e-račun v spletno banko sta potrebna IBAN prejemnika plačila in plačnika.",
            en="An e-invoice into the e-bank needs the seller's and the payer's IBAN.",
            where=f"{role}.iban",
        )
    return check_iban(number, where=f"{role}.iban")


def _party(parent: etree._Element, tag: str, party: PartyInfo, bic: str, iban: str) -> None:
    element = _sub(parent, tag)
    _sub(element, "name", party.name)
    _sub(element, "country", party.address.country)
    _sub(element, "address", party.address.street)
    _sub(element, "address", party.address.city_line)
    _sub(element, f"{tag}_identifier", party.tax_number)
    eddress = _sub(element, f"{tag}_eddress")
    _sub(eddress, f"{tag}_agent", bic)
    _sub(eddress, f"{tag}_mailbox", iban)


def _payee(parent: etree._Element, tag: str, party: PartyInfo, bic: str, iban: str) -> None:
    element = _sub(parent, tag)
    _sub(element, "name", party.name)
    _sub(element, "country", party.address.country)
    _sub(element, "address", party.address.street)
    _sub(element, "address", party.address.city_line)
    _sub(element, "identification", party.tax_number)
    _sub(element, f"{tag}_agent", bic)
    _sub(element, f"{tag}_account", iban)


def _method(doc: InvoiceDocument) -> str:
    if doc.is_credit_note or doc.payment is None:
        return PAYMENT_METHODS["none"]
    if isinstance(doc.payment, DebitPayment):
        return PAYMENT_METHODS["debit"]
    return PAYMENT_METHODS["slip"]


def _purpose(doc: InvoiceDocument, purpose_code: str | None) -> str:
    code = purpose_code
    if code is None:
        code = doc.payment.order.purpose_code if isinstance(doc.payment, SlipPayment) else "OTHR"
    if len(code) != 4 or not (code.isascii() and code.isalpha() and code.isupper()):
        raise InvoiceError(
            "eslog.envelope_purpose",
            sl="Koda namena mora imeti štiri velike črke (ISO 20022, npr. EDUC).",
            en="The purpose code has four capital letters (ISO 20022, e.g. EDUC).",
            where="purpose_code",
        )
    return code


def envelope(
    doc: InvoiceDocument,
    *,
    xml_name: str,
    xml_bytes: bytes,
    pdf_name: str,
    pdf_bytes: bytes,
    created: datetime | None = None,
    purpose_code: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> bytes:
    """Write the envelope of ``doc``'s e-invoice, listing the XML and the PDF.

    Deterministic: the timestamp is ``created`` (default: the issue date at
    midnight), and nothing else depends on the clock.

    Args:
        doc: The invoice (the buyer's IBAN, or ``doc.delivery.iban``, is the
            receiver's e-bank mailbox).
        xml_name: The e-SLOG file's name.
        xml_bytes: Its bytes (size and SHA-256 go into the envelope).
        pdf_name: The PDF's name.
        pdf_bytes: Its bytes.
        created: ``doc_data/timestamp``, written as local time without an
            offset (an aware time is first converted to Europe/Ljubljana).
        purpose_code: ``payment_data/purpose`` (default: the UPN slip's
            purpose code, else ``OTHR``).
        attachments: Further attachments, listed after the PDF.

    Returns:
        The envelope's XML (UTF-8).

    Raises:
        InvoiceError: ``eslog.envelope_account`` without both IBANs,
            ``eslog.envelope_bic`` when a bank cannot be found,
            ``eslog.iban`` / ``eslog.bic`` / ``eslog.envelope_purpose`` for bad codes.

    Example:
        >>> from szo_core.invoices.eslog import example_document, to_eslog
        >>> doc = example_document()
        >>> xml = to_eslog(doc)
        >>> env = envelope(doc, xml_name="r.xml", xml_bytes=xml,
        ...                pdf_name="r.pdf", pdf_bytes=b"%PDF-1.4 ...")
        >>> b"<doc_type>0002</doc_type>" in env, b"<count>2</count>" in env
        (True, True)
    """
    seller_iban = _account(doc, "seller")
    buyer_iban = _account(doc, "buyer")
    seller_bic = _agent(doc.seller, seller_iban, "seller")
    buyer_bic = _agent(doc.buyer, buyer_iban, "buyer")
    stamp = created or datetime.combine(doc.issued_on, time())
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(_ZONE)
    files = (
        Attachment(
            filename=xml_name,
            content=xml_bytes,
            type="application/xml",
            description="e-SLOG 2.0",
        ),
        Attachment(
            filename=pdf_name,
            content=pdf_bytes,
            type="application/pdf",
            description="Dobropis" if doc.is_credit_note else "Račun",
        ),
        *attachments,
    )
    root = etree.Element("envelope", nsmap={"xsi": _XSI})
    root.set(f"{{{_XSI}}}noNamespaceSchemaLocation", ENVELOPE_SCHEMA)
    _party(root, "sender", doc.seller, seller_bic, seller_iban)
    _party(root, "receiver", doc.buyer, buyer_bic, buyer_iban)
    data = _sub(root, "doc_data")
    _sub(data, "doc_type", "0002")
    _sub(data, "doc_type_ver", "01")
    _sub(data, "doc_id", doc.number)
    _sub(data, "external_doc_id", doc.number)
    _sub(data, "timestamp", stamp.replace(microsecond=0, tzinfo=None).isoformat())
    payment = _sub(root, "payment_data")
    _sub(payment, "payment_method", _method(doc))
    _payee(payment, "creditor", doc.seller, seller_bic, seller_iban)
    _payee(payment, "debtor", doc.buyer, buyer_bic, buyer_iban)
    _sub(payment, "requested_execution_date", (doc.due_on or doc.issued_on).isoformat())
    _sub(payment, "amount", f"{abs(doc.total).quantize(Decimal('0.01')):f}")
    _sub(payment, "currency", doc.currency)
    remittance = _sub(payment, "remittance_information")
    if doc.reference:
        compact = (
            _reference.compact(doc.reference)
            if _reference.is_valid(doc.reference)
            else doc.reference.replace(" ", "")
        )
        _sub(remittance, "creditor_structured_reference", compact)
    label = "Dobropis" if doc.is_credit_note else "Račun"
    _sub(remittance, "additional_remittance_information", f"{label} {doc.number}")
    _sub(payment, "purpose", _purpose(doc, purpose_code))
    listed = _sub(root, "attachments")
    _sub(listed, "count", str(len(files)))
    for item in files:
        element = _sub(listed, "attachment")
        _sub(element, "filename", item.filename)
        _sub(element, "size", str(item.size))
        _sub(element, "type", item.type)
        _sub(element, "description", item.description)
        _sub(element, "hash", item.sha256)
    _sub(listed, "size", str(sum(item.size for item in files)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def write_e_invoice(
    doc: InvoiceDocument,
    folder: Path,
    *,
    pdf: bytes,
    created: datetime | None = None,
    purpose_code: str | None = None,
) -> list[Path]:
    """Write ``doc``'s e-invoice into ``folder``: envelope, e-SLOG XML and PDF.

    The names come from :attr:`InvoiceDocument.file_stem`: ``<stem>.xml``,
    ``<stem>.pdf`` and ``<stem>.envelope.xml``.  Each file is written with
    szo_core's atomic writer (a temporary file in ``folder``, flushed, renamed
    into place: never half a file; the mode of a new file); the XML and the PDF
    first, the envelope last.  Writing again replaces the files with the same
    bytes.

    Args:
        doc: The invoice.
        folder: The folder (created when missing).
        pdf: The invoice's PDF.
        created: The envelope's timestamp (see :func:`envelope`).
        purpose_code: The envelope's purpose code (see :func:`envelope`).

    Returns:
        The paths: envelope, XML, PDF.

    Raises:
        InvoiceError: as :func:`envelope` and :func:`~szo_core.invoices.eslog.to_eslog`;
            ``eslog.not_pdf`` when ``pdf`` is not a PDF.
        DeliveryError: ``file.write_failed`` when a file cannot be written
            (the files already written stay; the envelope is written last).

    Example:
        >>> import tempfile
        >>> from szo_core.invoices.eslog import example_document
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     paths = write_e_invoice(example_document(), Path(tmp), pdf=b"%PDF-1.4 ...")
        ...     [p.name for p in paths]
        ['2026-000123.envelope.xml', '2026-000123.xml', '2026-000123.pdf']
    """
    from szo_core.invoices.eslog.writer import to_eslog

    if not pdf.startswith(b"%PDF-"):
        raise InvoiceError(
            "eslog.not_pdf",
            sl="Priloga ni datoteka PDF.",
            en="The attachment is not a PDF file.",
            where="pdf",
        )
    stem = doc.file_stem
    xml = to_eslog(doc)
    names = (f"{stem}.envelope.xml", f"{stem}.xml", f"{stem}.pdf")
    env = envelope(
        doc,
        xml_name=names[1],
        xml_bytes=xml,
        pdf_name=names[2],
        pdf_bytes=pdf,
        created=created,
        purpose_code=purpose_code,
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in names]
    write_bytes(paths[1], xml)
    write_bytes(paths[2], pdf)
    write_bytes(paths[0], env)
    return paths
