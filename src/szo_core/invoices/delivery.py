"""Deliver a month's invoices the way each payer chose: printed, PDF by e-mail, or e-invoice.

:func:`deliver` takes the invoice documents of a run
(:attr:`~szo_core.billing.folder.FolderResult.documents`) and hands each to
the port of its payer's :class:`~szo_core.model.InvoiceDelivery`:

* **print** (:attr:`~szo_core.model.DeliveryKind.PRINT`): into one print PDF
  for the month, ``print-YYYY-MM.pdf``, sorted for the post (the buyer's post
  code, then name);
* **PDF by e-mail** (:attr:`~szo_core.model.DeliveryKind.EMAIL_PDF`): into the
  e-mail **outbox** (:mod:`szo_core.outbox`), rendered from the
  organisation's ``invoice.email`` template (Slovenian and English are
  installed when missing, :func:`install_templates`), with the PDF attached,
  to the payer's address (:attr:`~szo_core.model.InvoiceDelivery.email`, else
  the payer's own) and a copy (Cc) to the child's contact address
  (:attr:`~szo_core.model.Child.contact_email`) when it is set and differs;
* **e-invoice** (:attr:`~szo_core.model.DeliveryKind.E_INVOICE`): into the
  e-invoice sink, by default a folder of envelope + e-SLOG XML + PDF per
  invoice (:func:`szo_core.invoices.eslog.write_e_invoice`), the form a bank
  takes in for its e-bank users.

A merged payment group travels together: one e-mail with every invoice of the
group attached (the one slip is on the last of them).

Nothing is skipped silently: a payer without an e-mail address for
PDF by e-mail, without an IBAN for an e-invoice, or without a postal address
for print, is listed in :attr:`DeliveryReport.problems` with the invoice
numbers (print still prints it, to be handed over).  A bad copy address is
reported and the e-mail still goes to the payer.

Re-running sends nothing twice: each e-mail is queued under the idempotency
key (``invoice:<number of the carrying invoice>``, address, e-mail), which
the outbox stores once; an e-invoice whose files are already in the sink with
the same content is not written again; the print PDF is rewritten with the
same bytes.  The e-mails leave with the outbox's dispatcher
(``szo outbox run``).

>>> from datetime import datetime, timezone
>>> from szo_core.adapters.memory import MemoryStore
>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as tmp:
...     report = deliver((), store=MemoryStore(), organisation_id="vrtec", sender="r@vrtec.si",
...                      folder=Path(tmp), now=datetime(2026, 10, 2, 8, tzinfo=timezone.utc))
>>> report.ok, report.printed
(True, ())
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, Protocol

import attrs

from szo_core._files import atomic_write
from szo_core.delivery.message import Attachment, Channel
from szo_core.errors import InvoiceError, Language, ValidationError
from szo_core.invoices.build import month_name
from szo_core.invoices.record import DebitPayment, InvoiceDocument
from szo_core.model import DeliveryKind
from szo_core.ports import Storage, UnitOfWork
from szo_core.templates.model import FieldType, MessageTemplate, TemplateField

__all__ = [
    "INVOICE_TEMPLATE",
    "DeliveryProblem",
    "DeliveryReport",
    "EInvoiceSink",
    "FolderEInvoiceSink",
    "default_templates",
    "deliver",
    "install_templates",
    "print_file_name",
]

INVOICE_TEMPLATE = "invoice.email"
"""The key of the e-mail template that carries an invoice PDF."""

PdfRenderer = Callable[[InvoiceDocument, Language], bytes]
"""``render(document, language) -> PDF bytes``."""

PrintBatchWriter = Callable[[Sequence[InvoiceDocument], BinaryIO, Language], int]
"""``write(documents, out, language) -> pages``: one print PDF, sorted for the post."""


class EInvoiceSink(Protocol):
    """Where e-invoices go: a bank's intake folder, an e-invoice service."""

    def put(self, document: InvoiceDocument, pdf: bytes) -> bool:
        """Hand over one e-invoice with its PDF; False when it was there already, unchanged."""


class FolderEInvoiceSink:
    """E-invoices into a folder: envelope, e-SLOG XML and PDF per invoice.

    The files are written by :func:`szo_core.invoices.eslog.write_e_invoice`
    (each through a temporary file and a rename).  An invoice whose files are
    all there with the same bytes is not written again.

    Args:
        folder: The folder (created if missing).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, document: InvoiceDocument, pdf: bytes) -> bool:
        """Write the invoice's files; False when they were there already, unchanged."""
        from szo_core.invoices.eslog import write_e_invoice

        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.folder, prefix=".stage-") as staging:
            written = write_e_invoice(document, Path(staging), pdf=pdf)
            targets = [self.folder / p.name for p in written]
            if all(
                t.is_file() and t.read_bytes() == p.read_bytes()
                for p, t in zip(written, targets, strict=True)
            ):
                return False
            for path, target in zip(written, targets, strict=True):
                os.replace(path, target)
        return True


# --------------------------------------------------------------------------- templates

_FIELDS = (
    TemplateField(name="organizacija", type=FieldType.TEXT, example="Vrtec Čebelica"),
    TemplateField(name="mesec", type=FieldType.TEXT, example="september 2026"),
    TemplateField(name="racuni", type=FieldType.TEXT, example="2026-000001"),
    TemplateField(name="otroci", type=FieldType.TEXT, example="Eva Žagar"),
    TemplateField(name="znesek", type=FieldType.MONEY, example="189.20"),
    TemplateField(name="dobropis", type=FieldType.BOOLEAN, example="false"),
    TemplateField(name="rok", type=FieldType.TEXT, example="19. 10. 2026"),
    TemplateField(name="sklic", type=FieldType.TEXT, example="SI12 0010160000017"),
    TemplateField(name="obremenitev", type=FieldType.BOOLEAN, example="false"),
)

_SL = MessageTemplate(
    organisation_id="-",
    key=INVOICE_TEMPLATE,
    channel=Channel.EMAIL,
    language="sl",
    subject="{% if dobropis %}Dobropis{% else %}Račun{% endif %} {{ racuni }} za {{ mesec }}",
    html_body=(
        "<p>Spoštovani,</p>"
        "<p>v prilogi vam pošiljamo {% if dobropis %}dobropis{% else %}račun{% endif %} "
        "<b>{{ racuni }}</b> za {{ mesec }} ({{ otroci }}).</p>"
        "{% if dobropis %}<p>V dobro vam je {{ znesek|money }}.</p>"
        "{% elif obremenitev %}<p>Znesek {{ znesek|money }} bomo {{ rok }} "
        "obremenili z vašega računa (SEPA direktna obremenitev).</p>"
        "{% else %}<p>Znesek za plačilo: <b>{{ znesek|money }}</b>, rok plačila {{ rok }}, "
        "sklic {{ sklic }}. Položnica UPN s kodo QR je na zadnji strani priloge.</p>{% endif %}"
        "<p>Lep pozdrav,<br>{{ organizacija }}</p>"
    ),
    fields=_FIELDS,
)

_EN = MessageTemplate(
    organisation_id="-",
    key=INVOICE_TEMPLATE,
    channel=Channel.EMAIL,
    language="en",
    subject="{% if dobropis %}Credit note{% else %}Invoice{% endif %} {{ racuni }} for {{ mesec }}",
    html_body=(
        "<p>Dear parent,</p>"
        "<p>please find attached {% if dobropis %}credit note{% else %}invoice{% endif %} "
        "<b>{{ racuni }}</b> for {{ mesec }} ({{ otroci }}).</p>"
        "{% if dobropis %}<p>{{ znesek|money }} is credited to you.</p>"
        "{% elif obremenitev %}<p>{{ znesek|money }} will be debited from your account on "
        "{{ rok }} (SEPA direct debit).</p>"
        "{% else %}<p>Amount due: <b>{{ znesek|money }}</b>, by {{ rok }}, reference "
        "{{ sklic }}. The UPN slip with its QR code is on the last page of the attachment.</p>"
        "{% endif %}<p>Kind regards,<br>{{ organizacija }}</p>"
    ),
    fields=_FIELDS,
)


def default_templates(organisation_id: str) -> tuple[MessageTemplate, MessageTemplate]:
    """The default ``invoice.email`` templates (Slovenian, English) of an organisation.

    >>> sl, en = default_templates("vrtec")
    >>> sl.language, en.language, sl.key
    ('sl', 'en', 'invoice.email')
    """
    return (
        attrs.evolve(_SL, organisation_id=organisation_id),
        attrs.evolve(_EN, organisation_id=organisation_id),
    )


def install_templates(uow: UnitOfWork, organisation_id: str) -> tuple[str, ...]:
    """Save the default ``invoice.email`` templates the organisation does not have yet.

    An organisation's own template (any version) is never replaced.  Returns
    the languages saved; the caller commits.
    """
    from szo_core.templates.messages import save_template

    saved: list[str] = []
    for template in default_templates(organisation_id):
        if uow.templates.latest(organisation_id, INVOICE_TEMPLATE, template.language) is None:
            save_template(uow, template)
            saved.append(template.language)
    return tuple(saved)


# --------------------------------------------------------------------------- the report


@attrs.frozen(kw_only=True)
class DeliveryProblem:
    """An invoice that could not go the way its payer chose, or went with a caveat.

    Attributes:
        code: ``delivery.no_email``, ``delivery.bad_email``, ``delivery.bad_copy``,
            ``delivery.no_iban``, ``delivery.no_postal_address``.
        numbers: The invoices concerned.
        sl: What is wrong, in Slovenian.
        en: The same in English.
        sent: True when the invoice still went (printed, or e-mailed without
            the copy).
    """

    code: str
    numbers: tuple[str, ...]
    sl: str
    en: str
    sent: bool = False

    def message(self, language: Language = "sl") -> str:
        """The message with the invoice numbers."""
        text = self.sl if language == "sl" else self.en
        return f"{text} ({', '.join(self.numbers)})"


@attrs.frozen(kw_only=True)
class DeliveryReport:
    """What :func:`deliver` did.

    Attributes:
        printed: The invoices in the print PDF, by number (the PDF has them in
            the order for the post).
        print_file: The print PDF, or None (nothing to print).
        emailed: The invoices queued for e-mail by this call.
        already_emailed: The invoices whose e-mail was queued by an earlier call.
        e_invoices: The invoices handed to the e-invoice sink by this call.
        already_e_invoices: The invoices the sink had already, unchanged.
        problems: What could not be delivered, or only in part.
    """

    printed: tuple[str, ...] = ()
    print_file: Path | None = None
    emailed: tuple[str, ...] = ()
    already_emailed: tuple[str, ...] = ()
    e_invoices: tuple[str, ...] = ()
    already_e_invoices: tuple[str, ...] = ()
    problems: tuple[DeliveryProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every invoice went the way its payer chose."""
        return not self.problems

    @property
    def undelivered(self) -> tuple[str, ...]:
        """The invoices that did not go at all."""
        return tuple(n for p in self.problems if not p.sent for n in p.numbers)


# --------------------------------------------------------------------------- the step


def print_file_name(documents: Sequence[InvoiceDocument]) -> str:
    """``print-YYYY-MM.pdf`` for one month's documents (``print-YYYY-MM_YYYY-MM.pdf`` for a span).

    >>> print_file_name(())
    'print.pdf'
    """
    months = sorted({d.period for d in documents})
    if not months:
        return "print.pdf"
    if len(months) == 1:
        return f"print-{months[0]}.pdf"
    return f"print-{months[0]}_{months[-1]}.pdf"


def _units(documents: Iterable[InvoiceDocument]) -> list[tuple[str, list[InvoiceDocument]]]:
    """The documents grouped by what travels together (a merged payment group).

    In order, each group with the number of the invoice that carries its slip
    or debit.
    """
    units: dict[str, list[InvoiceDocument]] = {}
    for doc in documents:
        carrier = doc.paid_with or doc.number
        units.setdefault(carrier, []).append(doc)
    return [(carrier, sorted(unit, key=lambda d: d.number)) for carrier, unit in units.items()]


def _default_pdf(document: InvoiceDocument, language: Language) -> bytes:
    from szo_core.invoices.pdf import invoice_pdf

    return invoice_pdf(document, language=language)


def _default_batch(documents: Sequence[InvoiceDocument], out: BinaryIO, language: Language) -> int:
    from szo_core.invoices.batch import write_print_batch

    return write_print_batch(documents, out, language=language)


def _problem(
    code: str, unit: Sequence[InvoiceDocument], sl: str, en: str, *, sent: bool = False
) -> DeliveryProblem:
    return DeliveryProblem(
        code=code, numbers=tuple(d.number for d in unit), sl=sl, en=en, sent=sent
    )


def _values(
    unit: Sequence[InvoiceDocument], organisation: str, language: Language
) -> dict[str, object]:
    from szo_core.templates.formatting import format_date

    carrier = next((d for d in unit if d.payment is not None), unit[-1])
    payment = carrier.payment
    total = payment.amount if payment is not None else sum((d.total for d in unit), Decimal("0.00"))
    due = carrier.due_on
    return {
        "organizacija": organisation,
        "mesec": month_name(carrier.period, language),
        "racuni": ", ".join(d.number for d in unit),
        "otroci": ", ".join(dict.fromkeys(d.child_name for d in unit if d.child_name)),
        "znesek": abs(total),
        "dobropis": all(d.is_credit_note for d in unit),
        "rok": "" if due is None else format_date(due, "long", language),
        "sklic": carrier.reference or "",
        "obremenitev": isinstance(payment, DebitPayment),
    }


def deliver(
    documents: Iterable[InvoiceDocument],
    *,
    store: Storage,
    organisation_id: str,
    sender: str,
    folder: Path,
    now: datetime,
    language: Language = "sl",
    sender_name: str | None = None,
    template: str = INVOICE_TEMPLATE,
    render_pdf: PdfRenderer | None = None,
    write_print: PrintBatchWriter | None = None,
    e_invoices: EInvoiceSink | None = None,
) -> DeliveryReport:
    """Hand each invoice to the port its payer chose (see the module docs).

    Args:
        documents: The invoice documents (one run's, or any).
        store: The storage whose outbox queues the e-mails and which holds the
            templates (the default ones are saved when missing).
        organisation_id: The organisation (whose templates and outbox).
        sender: The e-mails' From address (the organisation's e-mail).
        folder: Where the print PDF and (by default) the e-invoices go:
            ``folder/print-YYYY-MM.pdf`` and ``folder/e-invoices/``.
        now: The time the e-mails are queued (timezone-aware).
        language: The language of the PDFs and e-mails.
        sender_name: The From name (the organisation's name).
        template: The e-mail template's key.
        render_pdf: The PDF renderer (by default :func:`szo_core.invoices.pdf.invoice_pdf`).
        write_print: The print-batch writer (by default
            :func:`szo_core.invoices.batch.write_print_batch`).
        e_invoices: The e-invoice sink (by default a :class:`FolderEInvoiceSink`
            on ``folder/e-invoices``).

    Raises:
        szo_core.errors.NotFound: the organisation has no such template (other
            than ``invoice.email``, which is installed).
        szo_core.errors.DeliveryError: ``file.write_failed``: the print PDF
            could not be written (the previous file is unchanged; the e-mails
            are queued and the e-invoices written, and a second call sends
            nothing twice).
        OSError: the e-invoice folder could not be made (before any e-mail is
            queued; the next call goes on).
    """
    from szo_core.delivery.addresses import validate_email
    from szo_core.outbox.compose import Composer
    from szo_core.outbox.records import IdempotencyKey

    docs = list(documents)
    numbers = [d.number for d in docs]
    if len(set(numbers)) != len(numbers):
        raise InvoiceError(
            "delivery.duplicate",
            sl="Isti račun je med računi za dostavo večkrat.",
            en="An invoice is among the invoices to deliver more than once.",
            where="documents",
        )
    pdf_of = render_pdf or _default_pdf
    sink = e_invoices or FolderEInvoiceSink(folder / "e-invoices")
    problems: list[DeliveryProblem] = []
    to_print: list[InvoiceDocument] = []
    emailed: list[str] = []
    already_emailed: list[str] = []
    sent_e: list[str] = []
    already_e: list[str] = []
    mails: list[tuple[str, list[InvoiceDocument]]] = []
    for carrier, unit in _units(docs):
        kind = unit[0].delivery.kind
        if kind is DeliveryKind.EMAIL_PDF:
            mails.append((carrier, unit))
        elif kind is DeliveryKind.E_INVOICE:
            for doc in unit:
                if not (doc.delivery.iban or doc.buyer.iban):
                    problems.append(
                        _problem(
                            "delivery.no_iban",
                            [doc],
                            "Plačnik želi e-račun, nima pa vpisanega IBAN za e-banko.",
                            "The payer chose an e-invoice but has no IBAN for the e-bank.",
                        )
                    )
                    continue
                if doc.delivery.iban and not doc.buyer.iban:
                    doc = attrs.evolve(doc, buyer=attrs.evolve(doc.buyer, iban=doc.delivery.iban))
                (sent_e if sink.put(doc, pdf_of(doc, language)) else already_e).append(doc.number)
        else:
            for doc in unit:
                address = doc.buyer.address
                if not (address.street.strip() and address.post_code.strip()):
                    problems.append(
                        _problem(
                            "delivery.no_postal_address",
                            [doc],
                            "Račun je natisnjen, plačnik pa nima poštnega naslova "
                            "(izročiti osebno).",
                            "The invoice is printed, but the payer has no postal address "
                            "(hand it over).",
                            sent=True,
                        )
                    )
                to_print.append(doc)
    if mails:
        composer = Composer()
        with store.unit_of_work() as uow:
            if template == INVOICE_TEMPLATE:
                install_templates(uow, organisation_id)
            for carrier, unit in mails:
                lead = unit[0]
                raw = lead.delivery.email.strip() or lead.buyer.email.strip()
                if not raw:
                    problems.append(
                        _problem(
                            "delivery.no_email",
                            unit,
                            "Plačnik želi račun po e-pošti, nima pa e-poštnega naslova.",
                            "The payer chose e-mail but has no e-mail address.",
                        )
                    )
                    continue
                try:
                    to = validate_email(raw, where="delivery.email")
                except ValidationError:
                    problems.append(
                        _problem(
                            "delivery.bad_email",
                            unit,
                            "E-poštni naslov plačnika ni veljaven.",
                            "The payer's e-mail address is not valid.",
                        )
                    )
                    continue
                copies: list[str] = []
                for doc in unit:
                    if not doc.copy_email.strip():
                        continue
                    try:
                        copy = validate_email(doc.copy_email, where="copy_email")
                    except ValidationError:
                        problems.append(
                            _problem(
                                "delivery.bad_copy",
                                [doc],
                                "Naslov za kopijo (kontakt otroka) ni veljaven; račun je poslan "
                                "le plačniku.",
                                "The copy address (the child's contact) is not valid; the "
                                "invoice went to the payer only.",
                                sent=True,
                            )
                        )
                        continue
                    if copy.casefold() != to.casefold() and copy not in copies:
                        copies.append(copy)
                event = f"invoice:{carrier}"
                names = [d.number for d in unit]
                if uow.outbox.find_by_key(
                    organisation_id, IdempotencyKey(event, to, Channel.EMAIL)
                ):
                    already_emailed.extend(names)
                    continue
                attachments = [
                    Attachment(
                        filename=f"{d.file_stem}.pdf",
                        data=pdf_of(d, language),
                        content_type="application/pdf",
                    )
                    for d in unit
                ]
                composer.email(
                    uow,
                    organisation_id,
                    event=event,
                    template=template,
                    to=to,
                    cc=copies,
                    values=_values(unit, sender_name or unit[0].seller.name, language),
                    sender=sender,
                    sender_name=sender_name or unit[0].seller.name,
                    attachments=attachments,
                    now=now,
                    language=language,
                )
                emailed.extend(names)
            uow.commit()
    print_file: Path | None = None
    printed: tuple[str, ...] = ()
    if to_print:
        writer = write_print or _default_batch
        print_file = folder / print_file_name(to_print)
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_write(print_file) as out:
            writer(to_print, out, language)
        printed = tuple(sorted(d.number for d in to_print))
    return DeliveryReport(
        printed=printed,
        print_file=print_file,
        emailed=tuple(emailed),
        already_emailed=tuple(already_emailed),
        e_invoices=tuple(sent_e),
        already_e_invoices=tuple(already_e),
        problems=tuple(problems),
    )
