"""The records of a billing run: the run, its invoices, and what was billed.

* :class:`BillingOrganisation`: who bills and how (fee rules, reference scheme,
  how far back corrections look).
* :class:`BillingRun`: one month of one organisation, ``open`` until closed.
* :class:`Invoice` with its :class:`InvoiceLine` s: one per payer per child,
  numbered gap-free per organisation and year (:attr:`Invoice.number`).
* :class:`BilledEntry`: what was billed for one child's month to one payer
  (the original bill, or a correction billed later); the basis of the next
  run's corrections.
* :class:`BillingResult`: what :func:`~szo_core.billing.run_billing` returns.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.fees import PayerKind
>>> line = InvoiceLine(kind="share", description="delež cene", amount=Decimal("265.00"))
>>> invoice = Invoice(organisation_id="org", run_id="2026-09", month=Month(2026, 9), year=2026,
...     serial=7, child_code=101, payer=PayerKind.PARENTS, payer_id="101",
...     amount=Decimal("265.00"), reference="SI120010126000077", issued_on=date(2026, 10, 3),
...     lines=(line,))
>>> invoice.number
'2026-00007'
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

__all__ = [
    "CORRECTION",
    "BilledEntry",
    "BillingOrganisation",
    "BillingResult",
    "BillingRun",
    "Invoice",
    "InvoiceLine",
    "ReferenceScheme",
    "RunStatus",
]

CORRECTION = "correction"
"""The :attr:`InvoiceLine.kind` of a correction (poračun) line."""


class ReferenceScheme(enum.StrEnum):
    """Which payment reference (sklic) invoices carry (:mod:`szo_core.billing.references`)."""

    SI12 = "SI12"
    """Model SI12: 12 data digits ``CCCCC YY NNNNN`` and a mod 11 check digit (default)."""
    RF = "RF"
    """ISO 11649 creditor reference: ``RFkk`` + ``YYYY NNNNNN CCCCC``."""


class RunStatus(enum.StrEnum):
    """Where a billing run stands."""

    OPEN = "open"
    """Written, not yet closed: a new run of the month replaces it."""
    CLOSED = "closed"
    """Closed: its decisions are locked and the month cannot be billed again."""


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
            recomputed for corrections (12 by default; 0 turns corrections off).

    >>> BillingOrganisation(id="vrtec", rules=FeeRules(host_municipality=61)).reference_scheme
    <ReferenceScheme.SI12: 'SI12'>
    """

    id: str = attrs.field(validator=v.instance_of(str))
    rules: FeeRules = attrs.field(validator=v.instance_of(FeeRules))
    reference_scheme: ReferenceScheme = attrs.field(
        default=ReferenceScheme.SI12, converter=ReferenceScheme
    )
    correction_months: int = attrs.field(default=12, validator=_lookback)


@attrs.frozen(kw_only=True)
class BillingRun:
    """One billing run: one month of one organisation.

    Attributes:
        organisation_id: The organisation.
        id: The run's id, ``"YYYY-MM"`` (one run per organisation and month).
        month: The billed month.
        status: Open or closed.
        issued_on: The issue date printed on its invoices.
        invoice_count: How many invoices it issued.
        total: The sum of its invoices.
        closed_on: When it was closed (None while open).
        version: Optimistic-concurrency version, kept by the storage adapter.

    >>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
    ...     issued_on=date(2026, 10, 3))
    >>> run.is_closed
    False
    """

    organisation_id: str
    id: str
    month: Month
    status: RunStatus = RunStatus.OPEN
    issued_on: date
    invoice_count: int = 0
    total: Decimal = Decimal("0.00")
    closed_on: date | None = None
    version: int = 0

    @property
    def is_closed(self) -> bool:
        """True once the run was closed."""
        return self.status is RunStatus.CLOSED


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """One line of an invoice.

    Attributes:
        kind: The fee line's kind (``"share"``, ``"food_deduction"`` ...,
            see :class:`~szo_core.fees.LineKind`) or :data:`CORRECTION`.
        description: What the line is, in Slovenian (as printed).
        amount: The amount in cents (negative for deductions and refunds).
        start: First day the line covers (None for a correction).
        end: Last day the line covers (None for a correction).
        original_month: For a correction, the month it corrects.
        decision_ids: The decisions the line rests on.

    >>> InvoiceLine(kind=CORRECTION, description="poračun 2026-09",
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
class Invoice:
    """An invoice (račun): one child's month for one payer, with a payment reference.

    Attributes:
        organisation_id: The organisation.
        run_id: The billing run that issued it.
        month: The billed month.
        year: The numbering year (the billed month's year).
        serial: The number within the organisation and year, from 1, gap-free.
        child_code: The child.
        payer: The kind of payer.
        payer_id: Which payer (the child's code for the parents, ``"state"``,
            the regresor's id).
        amount: The sum of the lines (negative is a credit).
        reference: The payment reference, compact (``"SI12..."`` or ``"RF..."``).
        issued_on: The issue date.
        lines: The lines: the month's fee lines, then corrections.
    """

    organisation_id: str
    run_id: str
    month: Month
    year: int
    serial: int
    child_code: int
    payer: PayerKind
    payer_id: str
    amount: Decimal
    reference: str
    issued_on: date
    lines: tuple[InvoiceLine, ...] = ()

    @property
    def number(self) -> str:
        """The invoice number, ``YYYY-NNNNN`` (``"2026-00007"``)."""
        return f"{self.year:04d}-{self.serial:05d}"


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
class BillingResult:
    """What a billing run produced.

    Attributes:
        run: The run as stored.
        invoices: Its invoices, in number order.
        statements: The month's fee statements, one per billed child, by code.
        corrections: The correction lines billed with it.
    """

    run: BillingRun
    invoices: tuple[Invoice, ...]
    statements: tuple[FeeStatement, ...]
    corrections: tuple[CorrectionLine, ...] = ()

    @property
    def total(self) -> Decimal:
        """The sum of the invoices."""
        return sum((invoice.amount for invoice in self.invoices), Decimal("0.00"))
