"""The records of a billing run: the run, its documents, and what was billed.

* :class:`BillingOrganisation`: who bills and how (fee rules, reference scheme,
  how far back corrections look, what becomes of 0.00 invoices).
* :class:`BillingRun`: one month of one organisation, ``open`` until closed.
* :class:`Invoice`: a billing document (:class:`DocumentKind`): the parents'
  invoice of a child's month, a municipality's monthly invoice with its list of
  children (:class:`ListEntry`, the "seznam za občino"), a credit note
  (dobropis) when a payer's amount is negative, or the state's monthly claim.
  Invoices and credit notes are numbered gap-free, each in its own series per
  organisation and year; a 0.00 invoice and the state's claim take no number.
* :class:`BilledEntry`: what was billed for one child's month to one payer
  (the original bill, or a correction billed later); the basis of the next
  run's corrections.
* :class:`Fingerprint`: a digest of everything a child's month was computed
  from, so that the next run recomputes only the months whose inputs changed.
* :class:`BillingResult`: what :func:`~szo_core.billing.run_billing` returns.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.fees import PayerKind
>>> line = InvoiceLine(kind="share", description="delež cene", amount=Decimal("265.00"))
>>> invoice = Invoice(organisation_id="org", run_id="2026-09", month=Month(2026, 9),
...     position=1, year=2026, serial=7, number=document_number(DocumentKind.INVOICE, 2026, 7),
...     child_code=101, payer=PayerKind.PARENTS, payer_id="101", amount=Decimal("265.00"),
...     reference="SI120010160000076", issued_on=date(2026, 10, 3), lines=(line,))
>>> invoice.number, invoice.is_payable
('2026-000007', True)
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import attrs
from attrs import validators as v

from szo_core.calendar import Month
from szo_core.errors import ConfigurationError
from szo_core.fees import CorrectionLine, FeeRules, FeeStatement, PayerKind
from szo_core.fees.corrections import BilledAmount
from szo_core.model.organisation import InvoiceSeries, OrganisationKind, ReferenceScheme

__all__ = [
    "CORRECTION",
    "LIST",
    "BilledEntry",
    "BillingOrganisation",
    "BillingResult",
    "BillingRun",
    "CorrectedDocument",
    "DocumentKind",
    "FilesState",
    "Fingerprint",
    "Invoice",
    "InvoiceLine",
    "ListEntry",
    "ReferenceScheme",
    "RunStatus",
    "ZeroInvoices",
    "document_number",
]

CORRECTION = "correction"
"""The :attr:`InvoiceLine.kind` of a correction (poračun) line."""
LIST = "list"
"""The :attr:`InvoiceLine.kind` of the line that sums a month's list of children."""

_ZERO = Decimal("0.00")


class RunStatus(enum.StrEnum):
    """Where a billing run stands."""

    OPEN = "open"
    """Written, not yet closed: a new run of the month replaces it."""
    CLOSED = "closed"
    """Closed: its decisions and prices are locked and the month cannot be billed again."""


class DocumentKind(enum.StrEnum):
    """What a billing document is; invoices and credit notes are also number series."""

    INVOICE = "invoice"
    """An invoice (račun): the payer owes its amount (0.00 when kept unnumbered)."""
    CREDIT_NOTE = "credit_note"
    """A credit note (dobropis): a negative amount for the payer; nothing to pay."""
    CLAIM = "claim"
    """The state's monthly claim (zahtevek): a list of children, not numbered."""


class ZeroInvoices(enum.StrEnum):
    """What becomes of a payer's document that adds up to 0.00."""

    SKIP = "skip"
    """No document (default); what was billed is still recorded."""
    UNNUMBERED = "unnumbered"
    """Kept for the record, without a number or a payment reference."""


class FilesState(enum.StrEnum):
    """Where a run's output files stand (``szo bill`` writes them; see ``docs/billing.md``)."""

    NONE = "none"
    """No files belong to the run (billed through the API only)."""
    STAGED = "staged"
    """The files were written to a staging folder before the commit, not moved yet."""
    WRITTEN = "written"
    """The files are in place."""


_DEFAULT_SERIES = InvoiceSeries()


def document_number(
    kind: DocumentKind, year: int, serial: int, series: InvoiceSeries = _DEFAULT_SERIES
) -> str:
    """The printed number of an invoice (``2026-000007``) or credit note (``D2026-000007``).

    ``series`` gives the prefixes (:class:`szo_core.model.InvoiceSeries`; the
    organisation's :attr:`~szo_core.model.Organisation.invoice_series`).

    >>> document_number(DocumentKind.CREDIT_NOTE, 2026, 12)
    'D2026-000012'
    >>> document_number(DocumentKind.INVOICE, 2026, 12, InvoiceSeries(invoice_prefix="VR"))
    'VR2026-000012'
    """
    return series.number(kind, year, serial)


def _lookback(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120:
        raise ConfigurationError(
            "billing.correction_months",
            sl="Število mesecev za poračun mora biti od 0 do 120.",
            en="The number of months corrections look back must be from 0 to 120.",
            where=attribute.name,
        )


@attrs.frozen(kw_only=True)
class BillingOrganisation:
    """The organisation being billed and its billing settings.

    Attributes:
        id: The organisation's id (``organisation_id`` of its records).
        rules: The fee rules (:class:`~szo_core.fees.FeeRules`).
        reference_scheme: SI12 (default) or RF payment references.
        correction_months: How many months before the billed month are
            owed corrections (12 by default; 0 turns corrections off): every
            month in it that has a billing run is recomputed where its inputs
            changed, and billed where a child was never billed for it.
        zero_invoices: Skip 0.00 documents (default) or keep them unnumbered.
        series: How invoice and credit-note numbers are printed (their
            prefixes; :class:`szo_core.model.InvoiceSeries`).
        kind: The kind of organisation (kindergarten by default): it chooses
            the fee engine (:func:`szo_core.fees.plug.plug_for`).  ``rules``
            stay the shared settings (calendar, rounding, host municipality)
            for every kind.

    >>> BillingOrganisation(id="vrtec", rules=FeeRules(host_municipality=61)).zero_invoices
    <ZeroInvoices.SKIP: 'skip'>
    """

    id: str = attrs.field(validator=v.instance_of(str))
    rules: FeeRules = attrs.field(validator=v.instance_of(FeeRules))
    reference_scheme: ReferenceScheme = attrs.field(
        default=ReferenceScheme.SI12, converter=ReferenceScheme
    )
    correction_months: int = attrs.field(default=12, validator=_lookback)
    zero_invoices: ZeroInvoices = attrs.field(default=ZeroInvoices.SKIP, converter=ZeroInvoices)
    series: InvoiceSeries = attrs.field(
        factory=InvoiceSeries, validator=v.instance_of(InvoiceSeries)
    )
    kind: OrganisationKind = attrs.field(
        default=OrganisationKind.KINDERGARTEN, converter=OrganisationKind
    )


@attrs.frozen(kw_only=True)
class BillingRun:
    """One billing run: one month of one organisation.

    Attributes:
        organisation_id: The organisation.
        id: The run's id, ``"YYYY-MM"`` (one run per organisation and month).
        month: The billed month.
        status: Open or closed.
        issued_on: The issue date printed on its documents.
        invoice_count: How many invoices it issued (numbered or kept unnumbered).
        total: The sum of all its documents (invoices, credit notes and the
            state's claim): everything the run billed.
        closed_on: When it was closed (None while open).
        credit_note_count: How many credit notes it issued.
        files: Where its output files stand (:class:`FilesState`).
        files_digest: The digest of its staged files (``szo bill``), or None.
        version: Optimistic-concurrency version, kept by the storage adapter.

    >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
    ...     issued_on=date(2026, 10, 3))
    >>> run.is_closed, run.files
    (False, <FilesState.NONE: 'none'>)
    """

    organisation_id: str
    id: str
    month: Month
    status: RunStatus = RunStatus.OPEN
    issued_on: date
    invoice_count: int = 0
    total: Decimal = _ZERO
    closed_on: date | None = None
    credit_note_count: int = 0
    files: FilesState = FilesState.NONE
    files_digest: str | None = None
    version: int = 0

    @property
    def is_closed(self) -> bool:
        """True once the run was closed."""
        return self.status is RunStatus.CLOSED


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """One line of a document.

    Attributes:
        kind: The fee line's kind (``"share"``, ``"food_deduction"`` ...,
            see :class:`~szo_core.fees.LineKind`), :data:`CORRECTION`, or
            :data:`LIST` (the sum of a month's list of children).
        description: What the line is, in Slovenian (as printed).
        amount: The amount in cents (negative for deductions and refunds).
        start: First day the line covers (None for a correction or a list).
        end: Last day the line covers (None for a correction or a list).
        original_month: For a correction, the month it corrects.
        decision_ids: The decisions the line rests on.

    >>> InvoiceLine(kind=CORRECTION, description="poračun 09/2026",
    ...     amount=Decimal("-90.00"), original_month=Month(2026, 9)).is_correction
    True
    """

    kind: str
    description: str
    amount: Decimal
    start: date | None = None
    end: date | None = None
    original_month: Month | None = None
    decision_ids: tuple[str, ...] = ()

    @property
    def is_correction(self) -> bool:
        """True for a correction (poračun) line."""
        return self.kind == CORRECTION


@attrs.frozen(kw_only=True)
class ListEntry:
    """One row of a municipality's list of children (seznam za občino) or the state's claim.

    Attributes:
        child_code: The child.
        child_name: The child's name, as on the list.
        applicant: Who applied for the decision (vlagatelj,
            :attr:`~szo_core.model.Child.applicant`), or the payer when none.
        month: The month the amount is for (the run's month, or an earlier
            month for a correction).
        days: Billing days the child was enrolled in that month.
        days_in_month: Billing days in that month.
        price: The program's monthly price (the first share line's), or None.
        coefficient: The parents' coefficient (the first parents' share
            line's), or None when the parents have no share line.
        amount: The payer's amount for the child's month (for a correction:
            the difference).
        correction: True for a correction of an earlier month.
        billed: For a correction, what was billed for the month before.
        due: For a correction, what is due for it now.

    >>> ListEntry(child_code=7, child_name="Ana", applicant="Mama", month=Month(2026, 9),
    ...     days=22, days_in_month=22, price=Decimal("500.00"), coefficient=Decimal("0.53"),
    ...     amount=Decimal("235.00")).correction
    False
    """

    child_code: int
    child_name: str
    applicant: str
    month: Month
    days: int
    days_in_month: int
    price: Decimal | None
    coefficient: Decimal | None
    amount: Decimal
    correction: bool = False
    billed: Decimal | None = None
    due: Decimal | None = None


@attrs.frozen(kw_only=True)
class CorrectedDocument:
    """What a correction refers to: the original month and a document that billed it.

    Attributes:
        month: The month corrected.
        number: The number of a document that billed the month (the original
            invoice, or an earlier credit note), or None where none is known
            (a late record never billed, a 0.00 document that took no number,
            the state's unnumbered claim).

    >>> CorrectedDocument(month=Month(2026, 9), number="2026-000012").number
    '2026-000012'
    """

    month: Month
    number: str | None = None


@attrs.frozen(kw_only=True)
class Invoice:
    """A billing document: an invoice, a credit note, or the state's claim (:class:`DocumentKind`).

    The parents get one document per child and month; each municipality one per
    month with the list of its children (:attr:`entries`); the state one claim
    per month with its list.  A negative amount makes a credit note, which is
    numbered in its own series and carries no payment reference.

    Attributes:
        organisation_id: The organisation.
        run_id: The billing run that issued it.
        month: The billed month.
        position: Its place among the run's documents (from 1), the storage key.
        kind: Invoice, credit note or claim.
        year: The numbering year (the billed month's year).
        serial: The number within the series, organisation and year, from 1,
            gap-free; None for a 0.00 invoice kept for the record and the claim.
        number: The printed number (``2026-000007``, ``D2026-000003``), or None.
        child_code: The child of a parents' document; None for the lists.
        payer: The kind of payer.
        payer_id: Which payer (the child's code for the parents, ``"state"``,
            the regresor's id).
        amount: The sum of the lines.
        reference: The payment reference, compact (``"SI12..."`` or ``"RF..."``);
            None for credit notes, unnumbered invoices and the claim.
        issued_on: The issue date.
        lines: The lines: the month's fee lines (a list's sum for a
            municipality or the state), then corrections by month.
        entries: A municipality's or the state's list of children.
        corrects: For corrections: the months corrected and the documents
            that billed them, where known.
    """

    organisation_id: str
    run_id: str
    month: Month
    position: int
    kind: DocumentKind = DocumentKind.INVOICE
    year: int
    serial: int | None
    number: str | None
    child_code: int | None
    payer: PayerKind
    payer_id: str
    amount: Decimal
    reference: str | None
    issued_on: date
    lines: tuple[InvoiceLine, ...] = ()
    entries: tuple[ListEntry, ...] = ()
    corrects: tuple[CorrectedDocument, ...] = ()

    @property
    def is_credit_note(self) -> bool:
        """True for a credit note (dobropis)."""
        return self.kind is DocumentKind.CREDIT_NOTE

    @property
    def is_payable(self) -> bool:
        """True for an invoice with something to pay (amount > 0): only these get a slip."""
        return self.kind is DocumentKind.INVOICE and self.amount > 0


@attrs.frozen(kw_only=True)
class BilledEntry:
    """What one billing run billed for one child's month to one payer.

    Attributes:
        organisation_id: The organisation.
        run_id: The run that billed it.
        child_code: The child.
        month: The month the amount is *for* (the original month).
        payer: The kind of payer.
        payer_id: Which payer.
        amount: The amount (a correction's difference for a later run).
        billed_in: The month of the run that billed it.
        document: The number of the document that carried it, or None (a 0.00
            document without a number, the state's claim).

    >>> e = BilledEntry(organisation_id="o", run_id="2026-10", child_code=7,
    ...     month=Month(2026, 9), payer=PayerKind.PARENTS, payer_id="7",
    ...     amount=Decimal("-90.00"), billed_in=Month(2026, 10))
    >>> e.billed_amount().amount
    Decimal('-90.00')
    """

    organisation_id: str
    run_id: str
    child_code: int
    month: Month
    payer: PayerKind
    payer_id: str
    amount: Decimal
    billed_in: Month
    document: str | None = None

    def billed_amount(self) -> BilledAmount:
        """The entry as the fee engine's :class:`~szo_core.fees.BilledAmount`."""
        return BilledAmount(
            month=self.month,
            payer=self.payer,
            payer_id=self.payer_id,
            amount=self.amount,
            billed_in=self.billed_in,
        )


@attrs.frozen(kw_only=True)
class Fingerprint:
    """The digest of a child's month's inputs as a run computed it.

    See :mod:`szo_core.billing.fingerprint`.

    The latest run that wrote one for a child's month holds the current one;
    removing that (open) run brings back the one before.

    Attributes:
        organisation_id: The organisation.
        run_id: The run that wrote it.
        child_code: The child.
        month: The month it is for.
        digest: The digest (32 hexadecimal digits), or a marker
            (:data:`~szo_core.billing.fingerprint.INACTIVE`).

    >>> Fingerprint(organisation_id="o", run_id="2026-09", child_code=7,
    ...     month=Month(2026, 9), digest="inactive").digest
    'inactive'
    """

    organisation_id: str
    run_id: str
    child_code: int
    month: Month
    digest: str


@attrs.frozen(kw_only=True)
class BillingResult:
    """What a billing run produced.

    Attributes:
        run: The run as stored.
        documents: Its documents in order: the parents' by child code, the
            municipalities', then the state's claim.
        statements: The month's fee statements, one per billed child, by code.
        corrections: The correction lines billed with it.
    """

    run: BillingRun
    documents: tuple[Invoice, ...]
    statements: tuple[FeeStatement, ...]
    corrections: tuple[CorrectionLine, ...] = ()

    @property
    def invoices(self) -> tuple[Invoice, ...]:
        """The invoices (numbered ones and 0.00 ones kept for the record)."""
        return tuple(d for d in self.documents if d.kind is DocumentKind.INVOICE)

    @property
    def credit_notes(self) -> tuple[Invoice, ...]:
        """The credit notes."""
        return tuple(d for d in self.documents if d.kind is DocumentKind.CREDIT_NOTE)

    @property
    def claim(self) -> Invoice | None:
        """The state's claim, if the state pays anything this month."""
        return next((d for d in self.documents if d.kind is DocumentKind.CLAIM), None)

    @property
    def total(self) -> Decimal:
        """The sum of all documents: everything billed in the run."""
        return sum((d.amount for d in self.documents), _ZERO)
