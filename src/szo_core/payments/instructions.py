"""Payment instructions: what each payer is asked to pay for a billing period.

An *invoice* (:class:`PayableInvoice`) is the bookkeeping document: one per child
and month.  A *payment instruction* (:class:`PaymentInstruction`) is what goes to
the bank: one UPN slip or one SEPA direct debit.  :func:`build_instructions` turns
a period's invoices into instructions:

* an invoice that belongs to no merged payment group becomes one instruction
  carrying the invoice's own reference (*sklic*);
* the invoices of a **merged payment group** (``group_id``, for example a family
  with several children in the kindergarten) become **one** instruction carrying
  their exact sum and a reference that identifies the group and the period,
  while the invoices themselves stay separate; each instruction lists the
  invoices it pays.

Nothing questionable is sent silently.  Every case below is reported as a
:class:`Problem` and its invoices get **no** instruction until the data is fixed:

* a group whose invoices have different payers, payment kinds or mandates
  (``instructions.mixed_payers`` / ``instructions.mixed_methods`` /
  ``instructions.mixed_mandates``): merging them would debit the wrong account;
* a total of zero or below after corrections (``instructions.zero_total``,
  ``instructions.negative_total``): nothing to collect, or a refund;
* a direct debit without a mandate (``instructions.missing_mandate``);
* a missing or invalid reference (``instructions.reference``);
* an invoice of another period (``instructions.other_period``) or an invoice
  number given twice (``instructions.duplicate_invoice``).

The payment step uses the records' own types: :class:`szo_core.model.Address`
for addresses, :class:`szo_core.model.PaymentKind` for how a payer pays, ``int``
for a child's code, and :class:`DebitMandate` carries a
:class:`szo_core.model.Mandate`'s facts under the same names (``reference``,
``iban``, ``signed_on``).  The old names (``Mandate``, ``PaymentMethod``,
``Address(town=...)``, ``mandate_id`` ...) still work, with a
``DeprecationWarning`` (see ``docs/payments-merged.md``).

Example:
    >>> from decimal import Decimal
    >>> from szo_core.model import Address, PaymentKind
    >>> from szo_core.payments.instructions import PayableInvoice, build_instructions
    >>> home = Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana")
    >>> def invoice(number, child, amount, group=None):
    ...     return PayableInvoice(
    ...         number=number, period=(2026, 9), child_code=child, payer_id="P-1",
    ...         payer_name="Špela Žagar", payer_address=home, amount=Decimal(amount),
    ...         reference="SI12 " + number, method=PaymentKind.UPN, group_id=group)
    >>> result = build_instructions(
    ...     [invoice("1000000000013", 101, "120.50", "F7"),
    ...      invoice("1000000000021", 102, "80.25", "F7")], period=(2026, 9))
    >>> (slip,) = result.instructions
    >>> slip.amount, slip.reference, slip.invoice_numbers
    (Decimal('200.75'), 'RF77F7202609', ('1000000000013', '1000000000021'))
    >>> result.problems
    ()
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from szo_core._deprecation import module_getattr, renamed_fields, warn_deprecated
from szo_core.calendar import Month
from szo_core.errors import (
    ConfigurationError,
    InvalidFormat,
    InvalidType,
    Language,
    ValidationError,
)
from szo_core.ids import reference as _reference
from szo_core.ids._pii import iban_repr
from szo_core.model import Address, PaymentKind
from szo_core.model import Mandate as MandateRecord
from szo_core.money import is_whole_cents, to_decimal

__all__ = [
    "Address",
    "DebitMandate",
    "InstructionResult",
    "MandateAmendment",
    "MergedReference",
    "PayableInvoice",
    "PaymentInstruction",
    "PaymentKind",
    "Problem",
    "SequenceType",
    "build_instructions",
    "default_merged_reference",
    "to_month",
]


class SequenceType(enum.StrEnum):
    """SEPA direct debit sequence type (``SeqTp``)."""

    FIRST = "FRST"
    """First collection of a series (optional since the 2016 rulebook; RCUR is accepted)."""
    RECURRING = "RCUR"
    """A later collection of a series."""
    ONE_OFF = "OOFF"
    """A single collection under a one-off mandate."""
    FINAL = "FNAL"
    """The last collection of a series."""


def to_month(value: Month | tuple[int, int] | str) -> Month:
    """Return ``value`` as a :class:`~szo_core.calendar.Month`.

    Accepts a ``Month``, a ``(year, month)`` pair or ``"YYYY-MM"``.

    Example:
        >>> str(to_month((2026, 9))), str(to_month("2026-10"))
        ('2026-09', '2026-10')
    """
    if isinstance(value, Month):
        return value
    if isinstance(value, str):
        return Month.parse(value)
    if isinstance(value, tuple) and len(value) == 2:
        year, month = value
        return Month(year, month)
    raise InvalidType(
        "instructions.period.type",
        sl="Obdobje mora biti Month, (leto, mesec) ali 'LLLL-MM'.",
        en="The period must be a Month, (year, month) or 'YYYY-MM'.",
        where="period",
    )


@renamed_fields(
    {"original_mandate_id": "original_reference", "original_debtor_iban": "original_iban"}
)
@attrs.frozen(kw_only=True)
class MandateAmendment:
    """What changed in a mandate since the last collection (SEPA amendment details).

    Give the *original* values of what changed.  ``new_debtor_account`` writes the
    code ``SMNDA`` ("same mandate, new debtor account"), which is what the
    rulebook asks for when the payer moved to an account at another bank.
    ``original_mandate_id`` and ``original_debtor_iban`` are the deprecated
    names of ``original_reference`` and ``original_iban``.

    Example:
        >>> MandateAmendment(original_reference="VRT-2019-0007").original_reference
        'VRT-2019-0007'
    """

    original_reference: str | None = None
    original_creditor_id: str | None = None
    original_creditor_name: str | None = None
    original_iban: str | None = attrs.field(default=None, repr=iban_repr)
    new_debtor_account: bool = False


_MANDATE_RENAMES = {
    "mandate_id": "reference",
    "signature_date": "signed_on",
    "debtor_iban": "iban",
    "debtor_bic": "bic",
}


@renamed_fields(_MANDATE_RENAMES)
@attrs.frozen(kw_only=True)
class DebitMandate:
    """A mandate (*soglasje*) as one direct debit carries it to the SEPA writer.

    The mandate's facts have the names of the record
    :class:`szo_core.model.Mandate` (``reference``, ``iban``, ``signed_on``;
    ``bic`` is the debtor bank's BIC, ``None`` to let the writer find it); the
    collection adds the debtor's name, the sequence type and what changed
    (``amendment``).  Build it from the record with :meth:`from_record`.  The
    debtor's IBAN is masked in ``repr()``.  Nothing is checked here: the SEPA
    writer checks every field (the reference with the record's rule,
    :func:`szo_core.ids.mandate.validate`).

    This class was ``szo_core.payments.instructions.Mandate`` with the
    fields ``mandate_id``, ``signature_date``, ``debtor_iban`` and ``debtor_bic``;
    those names still work, with a ``DeprecationWarning``.

    Example:
        >>> from datetime import date
        >>> DebitMandate(reference="VRT-0001", signed_on=date(2025, 8, 20),
        ...              debtor_name="Ana Novak", iban="SI56 0201 7001 4356 205")
        DebitMandate(reference='VRT-0001', signed_on=datetime.date(2025, 8, 20), \
debtor_name='Ana Novak', iban='SI56 **** **** ***6 205', bic=None, \
sequence=<SequenceType.RECURRING: 'RCUR'>, amendment=None)
    """

    reference: str
    signed_on: date
    debtor_name: str
    iban: str = attrs.field(repr=iban_repr)
    bic: str | None = None
    sequence: SequenceType = SequenceType.RECURRING
    amendment: MandateAmendment | None = None

    @classmethod
    def from_record(
        cls,
        mandate: MandateRecord,
        *,
        debtor_name: str,
        bic: str | None = None,
        sequence: SequenceType = SequenceType.RECURRING,
        amendment: MandateAmendment | None = None,
    ) -> DebitMandate:
        """The record's reference, IBAN and signing date, with what the collection adds.

        Raises:
            szo_core.errors.ConfigurationError: ``instructions.mandate_unsigned``
                when the record has no signing date (a collection needs one).

        Example:
            >>> from datetime import date
            >>> from szo_core.model import Mandate
            >>> record = Mandate(reference="00555-00028", iban="SI56020170014356205",
            ...                  signed_on=date(2025, 8, 20), bank="NLB")
            >>> m = DebitMandate.from_record(record, debtor_name="Ana Novak")
            >>> (m.reference, m.iban, m.signed_on) == (record.reference, record.iban,
            ...                                        record.signed_on)
            True
        """
        if mandate.signed_on is None:
            raise ConfigurationError(
                "instructions.mandate_unsigned",
                sl="Soglasje nima datuma podpisa; brez njega obremenitve ni mogoče poslati.",
                en="The mandate has no signing date; a direct debit cannot be sent without it.",
                where="mandate.signed_on",
            )
        return cls(
            reference=mandate.reference,
            signed_on=mandate.signed_on,
            debtor_name=debtor_name,
            iban=mandate.iban,
            bic=bic,
            sequence=sequence,
            amendment=amendment,
        )


class _LegacyPaymentMethodType(type):
    """``PaymentMethod`` as it was (an enum of ``SLIP``, ``DIRECT_DEBIT``), over PaymentKind."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, PaymentKind)

    def __iter__(cls) -> Iterator[PaymentKind]:
        return iter(PaymentKind)

    def __call__(cls, value: object) -> PaymentKind:
        if isinstance(value, PaymentKind):
            return value
        return PaymentKind.UPN if value == "slip" else PaymentKind(str(value))


class _LegacyPaymentMethod(metaclass=_LegacyPaymentMethodType):
    """Deprecated: :class:`szo_core.model.PaymentKind` (``SLIP`` is ``PaymentKind.UPN``)."""

    SLIP = PaymentKind.UPN
    DIRECT_DEBIT = PaymentKind.DIRECT_DEBIT


__getattr__ = module_getattr(
    __name__,
    {
        "Mandate": (lambda: DebitMandate, "szo_core.payments.instructions.DebitMandate"),
        "PaymentMethod": (lambda: _LegacyPaymentMethod, "szo_core.model.PaymentKind"),
    },
)


def _child_code(value: object) -> int:
    """A child's code is an ``int``; a string of digits still works, with a warning."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        warn_deprecated("a child code given as str is deprecated; give the int", stacklevel=3)
        return int(value)
    raise InvalidType(
        "instructions.child_code.type",
        sl="Šifra otroka mora biti celo število (int).",
        en="A child's code must be a whole number (int).",
        where="child_code",
    )


def _child_codes(values: Iterable[Any]) -> tuple[int, ...]:
    return tuple(_child_code(v) for v in values)


_LARGEST_AMOUNT = Decimal("1000000000")


def _check_cents(instance: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if abs(value) >= _LARGEST_AMOUNT:
        raise InvalidFormat(
            "instructions.amount_range",
            sl="Znesek računa je prevelik (največ 999.999.999,99 EUR).",
            en="An invoice amount is too large (at most 999,999,999.99 EUR).",
            where=attribute.name,
        )
    if not is_whole_cents(value):
        raise InvalidFormat(
            "instructions.amount_cents",
            sl="Znesek računa mora biti zaokrožen na cente.",
            en="An invoice amount must be rounded to cents.",
            where=attribute.name,
        )


@attrs.frozen(kw_only=True)
class PayableInvoice:
    """One invoice as the payment step sees it (the fee engine converts its own into these).

    ``amount`` may be negative (a credit note or a correction): it is netted
    inside its merged group.  ``mandate`` is needed for direct debits.
    ``group_id`` is the code of the merged payment group (the lead payer's code),
    or ``None`` when the invoice is paid on its own.

    Example:
        >>> from decimal import Decimal
        >>> inv = PayableInvoice(
        ...     number="2026-0001", period="2026-09", child_code=17, payer_id="P-1",
        ...     payer_name="Ana Novak",
        ...     payer_address=Address(street="Lepa cesta 10", post_code="2000", city="Maribor"),
        ...     amount=Decimal("97.40"), reference="SI12 1234567890120",
        ...     method=PaymentKind.UPN)
        >>> str(inv.period), inv.amount
        ('2026-09', Decimal('97.40'))
    """

    number: str
    period: Month = attrs.field(converter=to_month)
    child_code: int = attrs.field(converter=_child_code)
    payer_id: str
    payer_name: str
    payer_address: Address
    amount: Decimal = attrs.field(converter=to_decimal, validator=_check_cents)
    reference: str | None = None
    method: PaymentKind
    mandate: DebitMandate | None = None
    group_id: str | None = None
    description: str = ""


@attrs.frozen(kw_only=True)
class PaymentInstruction:
    """One payment to ask for: one UPN slip or one direct debit.

    ``instruction_id`` is stable across reruns: the invoice number for a single
    invoice, ``<group_id>-<YYYYMM>`` for a merged group.  Use it as the SEPA
    end-to-end id.

    Example:
        >>> from decimal import Decimal
        >>> pi = PaymentInstruction(
        ...     instruction_id="F7-202609", payer_id="P-1", payer_name="Ana Novak",
        ...     payer_address=Address(street="Lepa cesta 10", post_code="2000", city="Maribor"),
        ...     period=Month(2026, 9), amount=Decimal("200.75"), reference="RF77F7202609",
        ...     method=PaymentKind.UPN, invoice_numbers=("1", "2"), child_codes=(101, 102),
        ...     group_id="F7", description="Računi 1, 2")
        >>> pi.merged
        True
    """

    instruction_id: str
    payer_id: str
    payer_name: str
    payer_address: Address
    period: Month
    amount: Decimal
    reference: str
    method: PaymentKind
    mandate: DebitMandate | None = None
    invoice_numbers: tuple[str, ...]
    child_codes: tuple[int, ...] = attrs.field(converter=_child_codes)
    group_id: str | None = None
    description: str

    @property
    def merged(self) -> bool:
        """Whether this instruction pays a merged payment group."""
        return self.group_id is not None


@attrs.frozen(kw_only=True)
class Problem:
    """Why some invoices got no payment instruction.

    Example:
        >>> p = Problem(code="instructions.zero_total", sl="Skupni znesek je nič.",
        ...             en="The total is zero.", invoice_numbers=("7",))
        >>> p.message("en")
        'The total is zero. (7)'
    """

    code: str
    sl: str
    en: str
    invoice_numbers: tuple[str, ...]
    payer_id: str | None = None
    group_id: str | None = None

    def message(self, language: Language = "sl") -> str:
        """The message in ``language`` followed by the invoice numbers concerned."""
        text = self.sl if language == "sl" else self.en
        return f"{text} ({', '.join(self.invoice_numbers)})"


@attrs.frozen(kw_only=True)
class InstructionResult:
    """The instructions to send and the problems that kept invoices back.

    Example:
        >>> InstructionResult(instructions=(), problems=()).ok
        True
    """

    instructions: tuple[PaymentInstruction, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """``True`` when no invoice was held back."""
        return not self.problems


MergedReference = Callable[[str, Month], str]
"""Builds the reference of a merged group from its ``group_id`` and the period."""


def default_merged_reference(group_id: str, period: Month) -> str:
    """The default merged reference: an RF reference over the group code and ``YYYYMM``.

    RF (ISO 11649) takes letters and digits, so any group code of up to 15 of them
    fits (21 characters of body minus 6 for the period).  The period is part of
    the reference, so each month's payment is told apart on the statement.

    Raises:
        szo_core.errors.ValidationError: if the group code has other characters or
            is too long (see :func:`szo_core.ids.reference.make_rf`).

    Example:
        >>> default_merged_reference("F7", Month(2026, 9))
        'RF77F7202609'
    """
    return _reference.make_rf(f"{group_id}{period.year:04d}{period.month:02d}")


_MESSAGES: dict[str, tuple[str, str]] = {
    "instructions.other_period": (
        "Račun ni iz obdobja, za katero se pripravljajo plačila.",
        "The invoice is not of the period being paid.",
    ),
    "instructions.duplicate_invoice": (
        "Ista številka računa je podana večkrat.",
        "The same invoice number is given more than once.",
    ),
    "instructions.mixed_payers": (
        "Računi skupine za združeno plačilo imajo različne plačnike.",
        "The invoices of a merged payment group have different payers.",
    ),
    "instructions.mixed_methods": (
        "Računi skupine za združeno plačilo imajo različne načine plačila.",
        "The invoices of a merged payment group have different payment methods.",
    ),
    "instructions.mixed_mandates": (
        "Računi skupine za združeno plačilo imajo različna soglasja za direktno obremenitev.",
        "The invoices of a merged payment group have different direct debit mandates.",
    ),
    "instructions.missing_mandate": (
        "Za direktno obremenitev manjka soglasje.",
        "A direct debit has no mandate.",
    ),
    "instructions.zero_total": (
        "Skupni znesek za plačilo je nič; plačilo se ne pošlje.",
        "The total to pay is zero; no payment is sent.",
    ),
    "instructions.negative_total": (
        "Skupni znesek za plačilo je negativen (dobropis); plačilo se ne pošlje.",
        "The total to pay is negative (a credit); no payment is sent.",
    ),
    "instructions.reference": (
        "Sklic manjka ali ni veljaven.",
        "The reference is missing or not valid.",
    ),
}


def _problem(code: str, invoices: Iterable[PayableInvoice], group_id: str | None = None) -> Problem:
    members = tuple(invoices)
    sl, en = _MESSAGES[code]
    payers = {i.payer_id for i in members}
    return Problem(
        code=code,
        sl=sl,
        en=en,
        invoice_numbers=tuple(i.number for i in members),
        payer_id=members[0].payer_id if len(payers) == 1 else None,
        group_id=group_id,
    )


def _mandate_key(mandate: DebitMandate | None) -> tuple[str, str] | None:
    if mandate is None:
        return None
    return (mandate.reference, mandate.iban.replace(" ", "").upper())


def _describe(period: Month, members: tuple[PayableInvoice, ...]) -> str:
    if len(members) == 1 and members[0].description:
        return members[0].description
    numbers = ", ".join(i.number for i in members)
    word = "račun" if len(members) == 1 else "računi"
    return f"Plačilo {period}, {word} {numbers}"


def build_instructions(
    invoices: Iterable[PayableInvoice],
    *,
    period: Month | tuple[int, int] | str,
    merge: bool = True,
    merged_reference: MergedReference = default_merged_reference,
) -> InstructionResult:
    """Build the payment instructions of a period, one per invoice or per merged group.

    Args:
        invoices: The period's invoices, in any order.
        period: The billing period (a ``Month``, ``(year, month)`` or ``"YYYY-MM"``).
        merge: Merge the invoices of each payment group (``group_id``) into one
            instruction.  With ``False`` every invoice is paid on its own.
        merged_reference: Builds a merged group's reference from the group code
            and the period; :func:`default_merged_reference` by default.

    Returns:
        The instructions, in the order their first invoice was given, and the
        problems, each naming the invoices it holds back.

    Example:
        >>> from decimal import Decimal
        >>> home = Address(street="Lepa cesta 10", post_code="2000", city="Maribor")
        >>> def invoice(number, amount, method):
        ...     return PayableInvoice(
        ...         number=number, period=(2026, 9), child_code=int(number), payer_id="P-9",
        ...         payer_name="Ana Novak", payer_address=home, amount=Decimal(amount),
        ...         method=method, group_id="F9")
        >>> result = build_instructions(
        ...     [invoice("1", "50.00", PaymentKind.UPN),
        ...      invoice("2", "50.00", PaymentKind.DIRECT_DEBIT)], period=(2026, 9))
        >>> result.instructions, [p.code for p in result.problems]
        ((), ['instructions.mixed_methods', 'instructions.missing_mandate'])
    """
    month = to_month(period)
    problems: list[Problem] = []
    in_period: list[PayableInvoice] = []
    for invoice in invoices:
        if invoice.period != month:
            problems.append(_problem("instructions.other_period", [invoice]))
        else:
            in_period.append(invoice)

    counts: dict[str, int] = {}
    for invoice in in_period:
        counts[invoice.number] = counts.get(invoice.number, 0) + 1
    duplicates = {number for number, count in counts.items() if count > 1}
    for number in sorted(duplicates):
        problems.append(
            _problem("instructions.duplicate_invoice", [i for i in in_period if i.number == number])
        )

    buckets: dict[tuple[str, str], list[PayableInvoice]] = {}
    for invoice in in_period:
        if invoice.number in duplicates:
            continue
        key = ("group", invoice.group_id) if merge and invoice.group_id else ("one", invoice.number)
        buckets.setdefault(key, []).append(invoice)

    instructions: list[PaymentInstruction] = []
    for (kind, name), bucket in buckets.items():
        members = tuple(bucket)
        group_id = name if kind == "group" else None
        instruction, found = _instruction(members, month, group_id, merged_reference)
        problems.extend(found)
        if instruction is not None:
            instructions.append(instruction)
    return InstructionResult(instructions=tuple(instructions), problems=tuple(problems))


def _instruction(
    members: tuple[PayableInvoice, ...],
    month: Month,
    group_id: str | None,
    merged_reference: MergedReference,
) -> tuple[PaymentInstruction | None, list[Problem]]:
    found: list[Problem] = []
    first = members[0]
    if len({i.payer_id for i in members}) > 1:
        found.append(_problem("instructions.mixed_payers", members, group_id))
    methods = {i.method for i in members}
    if len(methods) > 1:
        found.append(_problem("instructions.mixed_methods", members, group_id))
    debits = [i for i in members if i.method is PaymentKind.DIRECT_DEBIT]
    if any(i.mandate is None for i in debits):
        found.append(
            _problem(
                "instructions.missing_mandate", [i for i in debits if i.mandate is None], group_id
            )
        )
    elif len({_mandate_key(i.mandate) for i in debits}) > 1:
        found.append(_problem("instructions.mixed_mandates", members, group_id))

    total = sum((i.amount for i in members), Decimal("0.00"))
    if total == 0:
        found.append(_problem("instructions.zero_total", members, group_id))
    elif total < 0:
        found.append(_problem("instructions.negative_total", members, group_id))

    reference: str | None = None
    try:
        if group_id is not None:
            reference = _reference.validate(merged_reference(group_id, month))
        elif first.reference:
            reference = _reference.validate(first.reference)
    except ValidationError:
        reference = None
    if reference is None:
        found.append(_problem("instructions.reference", members, group_id))

    if found or reference is None:
        return None, found
    instruction_id = (
        f"{group_id}-{month.year:04d}{month.month:02d}" if group_id is not None else first.number
    )
    return (
        PaymentInstruction(
            instruction_id=instruction_id,
            payer_id=first.payer_id,
            payer_name=first.payer_name,
            payer_address=first.payer_address,
            period=month,
            amount=total,
            reference=reference,
            method=first.method,
            mandate=first.mandate,
            invoice_numbers=tuple(i.number for i in members),
            child_codes=tuple(i.child_code for i in members),
            group_id=group_id,
            description=_describe(month, members),
        ),
        found,
    )
