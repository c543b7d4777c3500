"""The invoice as a document: everything a PDF, an e-SLOG file or an envelope prints.

:class:`InvoiceDocument` is the one input of the invoice writers
(:mod:`szo_core.invoices.pdf`, :mod:`szo_core.invoices.eslog`) and of the
delivery step.  It is built from a billing run by
:func:`szo_core.invoices.build.documents_from_folder`, or by hand (tests,
other billing systems).  It carries text, not rules: each line's description
and detail are already written in Slovenian and English, so that a writer only
lays them out.

Amounts keep the billing sign: a credit note (dobropis) has a negative
:attr:`InvoiceDocument.total` and lines that sum to it.  Writers that need
positive credit-note amounts (e-SLOG, EN 16931) flip the sign themselves, and
their readers flip it back.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.model import Address
>>> doc = InvoiceDocument(
...     number="2026-000001", issued_on=date(2026, 10, 2), period=Month(2026, 9),
...     due_on=date(2026, 10, 19),
...     seller=PartyInfo(name="Vrtec Mavrica", address=Address(
...         street="Cesta 1", post_code="1000", city="Ljubljana"),
...         tax_number="12345679", iban="SI56020170014356205"),
...     buyer=PartyInfo(name="Ana Novak", address=Address(
...         street="Lepa 10", post_code="2000", city="Maribor")),
...     child_name="Eva Novak", child_code=101,
...     lines=(DocumentLine(position=1, kind="share",
...                         description=Bilingual(sl="Program", en="Programme"),
...                         amount=Decimal("97.40")),),
...     total=Decimal("97.40"), reference="SI12 1234567890120")
>>> doc.type, doc.service_start, doc.service_end
(<DocumentType.INVOICE: '380'>, datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
>>> "SI56020170014356205" in repr(doc)
False
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
from attrs import validators as v

from szo_core.calendar import Month
from szo_core.errors import InvoiceError, Language
from szo_core.ids._pii import iban_repr, tax_number_repr
from szo_core.model import Address, InvoiceDelivery, OrganisationKind
from szo_core.money import is_whole_cents

if TYPE_CHECKING:
    from szo_core.payments.upn import UpnOrder

__all__ = [
    "Bilingual",
    "CorrectedInvoice",
    "DebitPayment",
    "DocumentLine",
    "DocumentType",
    "InvoiceDocument",
    "PartyInfo",
    "SlipPayment",
    "VatTreatment",
    "default_vat",
]

_ZERO = Decimal("0.00")


def _numbers(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _line_tuple(value: Iterable[DocumentLine]) -> tuple[DocumentLine, ...]:
    return tuple(value)


def _corrected_tuple(value: Iterable[CorrectedInvoice]) -> tuple[CorrectedInvoice, ...]:
    return tuple(value)


class DocumentType(enum.StrEnum):
    """The document's type, as UNTDID 1001 codes it (e-SLOG ``S_BGM/C_C002/D_1001``)."""

    INVOICE = "380"
    """A commercial invoice (račun)."""
    CREDIT_NOTE = "381"
    """A credit note (dobropis): the total is negative in the billing sign."""


@attrs.frozen
class Bilingual:
    """A text in Slovenian and English.

    >>> Bilingual(sl="odbitek hrane", en="food deduction").text("en")
    'food deduction'
    """

    sl: str = attrs.field(validator=v.instance_of(str))
    en: str = attrs.field(validator=v.instance_of(str))

    def text(self, language: Language = "sl") -> str:
        """The text in ``language`` (Slovenian by default)."""
        return self.sl if language == "sl" else self.en


_EMPTY = Bilingual("", "")


def _cents(instance: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not isinstance(value, Decimal) or not is_whole_cents(value):
        raise InvoiceError(
            "invoice.amount_cents",
            sl="Znesek na računu mora biti Decimal, zaokrožen na cente.",
            en="An amount on an invoice must be a Decimal rounded to cents.",
            where=f"{type(instance).__name__}.{attribute.name}",
        )


@attrs.frozen(kw_only=True)
class PartyInfo:
    """The seller or the buyer as the invoice names them.

    Personal data (tax number, IBAN) are masked in ``repr()``.

    Attributes:
        name: Name (a person's or the organisation's).
        address: Postal address.
        tax_number: Tax number (davčna številka), or "".
        registration_number: Registration number (matična številka), or "".
        iban: The party's account: the seller's for payments, the buyer's for
            an e-invoice into the e-bank; or "".
        bic: The bank's BIC, or "".
        bank: The bank's name, or "".
        email: E-mail address, or "".
    """

    name: str = attrs.field(validator=v.instance_of(str))
    address: Address = attrs.field(factory=Address, validator=v.instance_of(Address))
    tax_number: str = attrs.field(default="", validator=v.instance_of(str), repr=tax_number_repr)
    registration_number: str = attrs.field(default="", validator=v.instance_of(str))
    iban: str = attrs.field(default="", validator=v.instance_of(str), repr=iban_repr)
    bic: str = attrs.field(default="", validator=v.instance_of(str))
    bank: str = attrs.field(default="", validator=v.instance_of(str))
    email: str = attrs.field(default="", validator=v.instance_of(str))


@attrs.frozen(kw_only=True)
class DocumentLine:
    """One line of an invoice, with its explanation in both languages.

    Attributes:
        position: 1, 2, ... in print order.
        kind: What the line is: a :class:`~szo_core.fees.LineKind` value
            (``"share"``, ``"food_deduction"``, ``"reservation"``, ...) or
            ``"correction"``.
        description: The line's name (``"Dnevni program 1.–3. leto, september 2026"``).
        detail: How it was counted (``"22 od 22 delovnih dni, 35 % po odločbi
            1203-45/2026"``), or empty.
        amount: The line's amount in cents (the billing sign).
        start: First day the line covers, or None.
        end: Last day the line covers, or None.
        days: Days counted, or None.
        days_in_month: The month's billing days (the proration's denominator), or None.
        coefficient: The payer's coefficient, or None.
        decision_number: The number of the decision the coefficient comes from, or "".
        corrects: For a correction (poračun): the month it corrects.
    """

    position: int = attrs.field(validator=v.and_(v.instance_of(int), v.ge(1)))
    kind: str = attrs.field(validator=v.instance_of(str))
    description: Bilingual = attrs.field(validator=v.instance_of(Bilingual))
    detail: Bilingual = attrs.field(default=_EMPTY, validator=v.instance_of(Bilingual))
    amount: Decimal = attrs.field(validator=_cents)
    start: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    end: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    days: int | None = attrs.field(default=None, validator=v.optional(v.instance_of(int)))
    days_in_month: int | None = attrs.field(default=None, validator=v.optional(v.instance_of(int)))
    coefficient: Decimal | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(Decimal))
    )
    decision_number: str = attrs.field(default="", validator=v.instance_of(str))
    corrects: Month | None = attrs.field(default=None, validator=v.optional(v.instance_of(Month)))


@attrs.frozen(kw_only=True)
class CorrectedInvoice:
    """An earlier document that a credit note or a correction refers to.

    Attributes:
        month: The month corrected.
        number: The earlier document's number, or None where none is known.
        issued_on: Its issue date, when known.
    """

    month: Month = attrs.field(validator=v.instance_of(Month))
    number: str | None = attrs.field(default=None, validator=v.optional(v.instance_of(str)))
    issued_on: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))


@attrs.frozen(kw_only=True)
class SlipPayment:
    """Paid with a UPN slip: the order the slip and its QR carry.

    For a merged payment group the slip is the group's: ``amount`` is the
    group's total and ``invoice_numbers`` lists every invoice it pays, this one
    among them.

    Attributes:
        instruction_id: The payment instruction's id.
        order: The UPN order (:func:`szo_core.payments.upn.order_from_instruction`).
        invoice_numbers: The invoices the slip pays.
    """

    instruction_id: str = attrs.field(validator=v.instance_of(str))
    order: UpnOrder
    invoice_numbers: tuple[str, ...] = attrs.field(converter=_numbers)

    @property
    def amount(self) -> Decimal:
        """The slip's amount (the group's total for a merged group)."""
        return self.order.amount

    @property
    def merged(self) -> bool:
        """True when the slip pays more than this invoice."""
        return len(self.invoice_numbers) > 1

    def payload(self) -> bytes:
        """The UPN QR payload, exactly as :func:`szo_core.payments.upn.payload` builds it."""
        from szo_core.payments.upn import payload

        return payload(self.order)


@attrs.frozen(kw_only=True)
class DebitPayment:
    """Collected by SEPA direct debit: the slip is printed struck through.

    Attributes:
        instruction_id: The payment instruction's id (the SEPA end-to-end id).
        amount: The amount collected (the group's total for a merged group).
        debit_date: The collection date.
        mandate_reference: The mandate's reference.
        invoice_numbers: The invoices the debit pays.
    """

    instruction_id: str = attrs.field(validator=v.instance_of(str))
    amount: Decimal = attrs.field(validator=_cents)
    debit_date: date = attrs.field(validator=v.instance_of(date))
    mandate_reference: str = attrs.field(validator=v.instance_of(str))
    invoice_numbers: tuple[str, ...] = attrs.field(converter=_numbers)

    @property
    def merged(self) -> bool:
        """True when the debit pays more than this invoice."""
        return len(self.invoice_numbers) > 1


@attrs.frozen(kw_only=True)
class VatTreatment:
    """The VAT category of the invoice's lines and the reason for an exemption.

    Attributes:
        category: UNCL 5305 code: ``"E"`` exempt (default), ``"O"`` outside
            the scope of VAT, ``"S"`` standard rate, ...
        rate: The VAT rate in percent (0 for E and O).
        reason_code: The VATEX code of the exemption (``"VATEX-EU-132-1I"``), or "".
        reason: The exemption's legal text (Slovenian), or "".
    """

    category: str = attrs.field(default="E", validator=v.instance_of(str))
    rate: Decimal = attrs.field(default=Decimal("0"), validator=v.instance_of(Decimal))
    reason_code: str = attrs.field(default="VATEX-EU-132-1I", validator=v.instance_of(str))
    reason: str = attrs.field(
        default="Oproščeno plačila DDV po 8. točki prvega odstavka 42. člena ZDDV-1",
        validator=v.instance_of(str),
    )


_VAT_BY_KIND = {
    OrganisationKind.KINDERGARTEN: VatTreatment(),
    OrganisationKind.SCHOOL: VatTreatment(),
    OrganisationKind.DORMITORY: VatTreatment(
        reason_code="VATEX-EU-132-1H",
        reason="Oproščeno plačila DDV po 7. točki prvega odstavka 42. člena ZDDV-1",
    ),
    OrganisationKind.CARE_HOME: VatTreatment(
        reason_code="VATEX-EU-132-1G",
        reason="Oproščeno plačila DDV po 6. točki prvega odstavka 42. člena ZDDV-1",
    ),
}


def default_vat(kind: OrganisationKind) -> VatTreatment:
    """The default VAT treatment of an organisation's fees (exempt; see ``docs/invoices.md``).

    >>> default_vat(OrganisationKind.CARE_HOME).reason_code
    'VATEX-EU-132-1G'
    """
    return _VAT_BY_KIND.get(kind, VatTreatment())


def _lines_sum(
    instance: InvoiceDocument, attribute: attrs.Attribute[Decimal], value: Decimal
) -> None:
    _cents(instance, attribute, value)
    total = sum((line.amount for line in instance.lines), _ZERO)
    if total != value:
        raise InvoiceError(
            "invoice.total",
            sl=f"Vsota vrstic ({total}) ni enaka skupnemu znesku ({value}).",
            en=f"The lines sum to {total}, not to the total {value}.",
            where=f"invoice {instance.number}",
        )
    if (value < 0) != (instance.type is DocumentType.CREDIT_NOTE) and value != 0:
        raise InvoiceError(
            "invoice.sign",
            sl="Račun ima pozitiven znesek, dobropis negativnega.",
            en="An invoice has a positive total, a credit note a negative one.",
            where=f"invoice {instance.number}",
        )


@attrs.frozen(kw_only=True)
class InvoiceDocument:
    """One payer's invoice or credit note for one month, ready to print or send.

    Attributes:
        number: The document number.
        type: Invoice (380) or credit note (381).
        issued_on: The issue date.
        period: The billed month (the service period is its first to last day).
        due_on: The due date (slips) or collection date (debits), or None
            (a credit note).
        seller: The organisation (its IBAN and BIC are where payments go).
        buyer: The payer (with the IBAN of their e-bank for an e-invoice).
        child_name: The child the invoice is for.
        child_code: The child's code, or None.
        lines: The lines, in print order.
        total: The sum of the lines.
        reference: The payment reference (``"SI12 …"`` or ``"RF…"``), or None.
        corrects: The documents a credit note or a correction refers to.
        payment: How it is paid: a slip, a debit, or None (a credit note, an
            invoice held back, a merged group's invoice whose slip or debit is
            on another invoice of the group).
        paid_with: For a merged payment group: the number of the group's
            invoice that carries the one slip or debit for them all, when it is
            not this one; else None.
        delivery: How it reaches the payer (print, PDF by e-mail, e-invoice).
        copy_email: A copy of the e-mail goes here (the child's contact), or "".
        vat: The VAT category and exemption reason.
        currency: ISO 4217 code (EUR).
        organisation_id: The organisation's id.
        run_id: The billing run's id ("" when made by hand).
        note: A free text printed under the lines, or "".
    """

    number: str = attrs.field(validator=v.instance_of(str))
    type: DocumentType = attrs.field(
        default=DocumentType.INVOICE, converter=DocumentType, validator=v.instance_of(DocumentType)
    )
    issued_on: date = attrs.field(validator=v.instance_of(date))
    period: Month = attrs.field(validator=v.instance_of(Month))
    due_on: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    seller: PartyInfo = attrs.field(validator=v.instance_of(PartyInfo))
    buyer: PartyInfo = attrs.field(validator=v.instance_of(PartyInfo))
    child_name: str = attrs.field(default="", validator=v.instance_of(str))
    child_code: int | None = attrs.field(default=None, validator=v.optional(v.instance_of(int)))
    lines: tuple[DocumentLine, ...] = attrs.field(
        converter=_line_tuple, validator=v.deep_iterable(v.instance_of(DocumentLine))
    )
    total: Decimal = attrs.field(validator=_lines_sum)
    reference: str | None = attrs.field(default=None, validator=v.optional(v.instance_of(str)))
    corrects: tuple[CorrectedInvoice, ...] = attrs.field(
        default=(),
        converter=_corrected_tuple,
        validator=v.deep_iterable(v.instance_of(CorrectedInvoice)),
    )
    payment: SlipPayment | DebitPayment | None = attrs.field(
        default=None, validator=v.optional(v.instance_of((SlipPayment, DebitPayment)))
    )
    paid_with: str | None = attrs.field(default=None, validator=v.optional(v.instance_of(str)))
    delivery: InvoiceDelivery = attrs.field(
        factory=InvoiceDelivery, validator=v.instance_of(InvoiceDelivery)
    )
    copy_email: str = attrs.field(default="", validator=v.instance_of(str))
    vat: VatTreatment = attrs.field(factory=VatTreatment, validator=v.instance_of(VatTreatment))
    currency: str = attrs.field(default="EUR", validator=v.instance_of(str))
    organisation_id: str = attrs.field(default="", validator=v.instance_of(str))
    run_id: str = attrs.field(default="", validator=v.instance_of(str))
    note: str = attrs.field(default="", validator=v.instance_of(str))

    @property
    def is_credit_note(self) -> bool:
        """True for a credit note (dobropis)."""
        return self.type is DocumentType.CREDIT_NOTE

    @property
    def service_start(self) -> date:
        """The first day of the billed month."""
        return self.period.first

    @property
    def service_end(self) -> date:
        """The last day of the billed month."""
        return self.period.last

    @property
    def file_stem(self) -> str:
        """A file name for the document's files: its number with ``/`` made safe.

        >>> InvoiceDocument(number="D/2026-1", issued_on=date(2026, 10, 1),
        ...     period=Month(2026, 9), seller=PartyInfo(name="V"), buyer=PartyInfo(name="P"),
        ...     lines=(), total=Decimal("0.00")).file_stem
        'D_2026-1'
        """
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in self.number)
