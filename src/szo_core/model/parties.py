"""People and money routes around a child: addresses, guardians, payers, payment and delivery.

A :class:`Guardian` (skrbnik) is a record of its own, because one guardian is
usually linked to several siblings; a child holds :class:`GuardianLink` s that
name the guardian and the kind of the link.  Who pays (:class:`Payer`, plačnik)
and who applied for a decision (the applicant, vlagatelj) is the child itself,
one of its linked guardians, or another :class:`Party`.  How the payer pays is a
:class:`PaymentMethod` (a UPN slip or SEPA direct debit with a :class:`Mandate`)
and how the invoice reaches them is an :class:`InvoiceDelivery`.

Records do not validate EMŠOs, tax numbers or IBANs in their constructor
(imported data may be wrong and must still be loadable); :mod:`szo_core.registry`
reports the problems.  The one exception is a mandate's reference: one the SEPA
writer would refuse is refused when it is entered (:class:`Mandate`), and the
registry checks the records loaded from storage, which skip the constructor.
Their ``repr()`` never shows an EMŠO, a tax number or an IBAN.

>>> payer = Payer.guardian("g-1")
>>> payer.kind
<PayerKind.GUARDIAN: 'guardian'>
>>> PaymentMethod.upn().kind
<PaymentKind.UPN: 'upn'>
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from szo_core._deprecation import renamed_fields
from szo_core.errors import InvalidComponent, ValidationError
from szo_core.ids import mandate as _mandate
from szo_core.ids._pii import emso_repr, iban_repr, tax_number_repr
from szo_core.model import _validators as v

__all__ = [
    "Address",
    "DeliveryKind",
    "Guardian",
    "GuardianKind",
    "GuardianLink",
    "InvoiceDelivery",
    "Mandate",
    "Party",
    "Payer",
    "PayerKind",
    "PaymentKind",
    "PaymentMethod",
]

_str = v.instance_of(str)
_opt_str = v.optional(v.instance_of(str))
_opt_date = v.optional(v.instance_of(date))


@renamed_fields({"town": "city"})
@attrs.frozen(kw_only=True)
class Address:
    """A postal address: of a child, a guardian, a payer, and on UPN slips and SEPA files.

    The one address type of szo_core (:mod:`szo_core.payments` uses it too).

    Attributes:
        street: Street and house number (or the settlement and number).
        post_code: The post code, four digits in Slovenia (``"1000"``).
        city: The post office (``"Ljubljana"``).  ``town``, the name
            :mod:`szo_core.payments` used before, still works as a keyword and an
            attribute, with a ``DeprecationWarning``.
        country: ISO 3166-1 alpha-2 country code, ``"SI"`` by default.

    >>> a = Address(street="Trubarjeva 1", post_code="1000", city="Ljubljana")
    >>> a.lines()
    ('Trubarjeva 1', '1000 Ljubljana')
    >>> a.city_line
    '1000 Ljubljana'
    >>> Address().is_empty()
    True
    """

    street: str = attrs.field(default="", validator=_str)
    post_code: str = attrs.field(default="", validator=_str)
    city: str = attrs.field(default="", validator=_str)
    country: str = attrs.field(default="SI", validator=_str)

    @property
    def city_line(self) -> str:
        """Post code and city on one line, as UPN fields 8 and 19 want it."""
        return f"{self.post_code} {self.city}".strip()

    def is_empty(self) -> bool:
        """Return True if no street, post code or city is given."""
        return not (self.street.strip() or self.post_code.strip() or self.city.strip())

    def is_complete(self) -> bool:
        """Return True if street, post code and city are all given.

        >>> Address(street="Trubarjeva 1", city="Ljubljana").is_complete()
        False
        """
        return bool(self.street.strip() and self.post_code.strip() and self.city.strip())

    def lines(self) -> tuple[str, ...]:
        """Return the address as printable lines (the country only when not Slovenia).

        >>> Address(street="Via Roma 1", post_code="34100", city="Trieste", country="IT").lines()
        ('Via Roma 1', '34100 Trieste', 'IT')
        """
        lines = [line for line in (self.street.strip(), self.city_line) if line]
        if self.country != "SI":
            lines.append(self.country)
        return tuple(lines)


class GuardianKind(enum.StrEnum):
    """How a guardian is related to the child."""

    MOTHER = "mother"
    FATHER = "father"
    GUARDIAN = "guardian"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class Guardian:
    """A guardian (skrbnik): mother, father, legal guardian or another person.

    Attributes:
        organisation_id: The organisation the record belongs to.
        id: The guardian's id, unique within the organisation.
        first_name: First name (or two, ``"Ana Marija"``).
        last_name: Surname (or two, ``"Novak Kovač"``).
        address: Permanent address.
        emso: EMŠO, as entered (checked by the registry, hidden in ``repr()``).
        tax_number: Tax number (hidden in ``repr()``).
        iban: Bank account (hidden in ``repr()``).
        email: E-mail address.
        phone: Phone number.
        version: Optimistic-concurrency version, kept by the storage adapter.

    >>> g = Guardian(organisation_id="org", id="g-1", first_name="Ana", last_name="Novak",
    ...              emso="0101985505007")
    >>> "0101985505007" in repr(g)
    False
    >>> g.full_name
    'Ana Novak'
    """

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    first_name: str = attrs.field(default="", validator=_str)
    last_name: str = attrs.field(default="", validator=_str)
    address: Address = attrs.field(factory=Address, validator=v.instance_of(Address))
    emso: str = attrs.field(default="", validator=_str, repr=emso_repr)
    tax_number: str = attrs.field(default="", validator=_str, repr=tax_number_repr)
    iban: str = attrs.field(default="", validator=_str, repr=iban_repr)
    email: str = attrs.field(default="", validator=_str)
    phone: str = attrs.field(default="", validator=_str)
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))

    @property
    def full_name(self) -> str:
        """First name(s) and surname(s), separated by a space."""
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)


@attrs.frozen(kw_only=True)
class GuardianLink:
    """A child's link to a guardian record, with the kind of link.

    >>> GuardianLink(guardian_id="g-1", kind=GuardianKind.MOTHER)
    GuardianLink(guardian_id='g-1', kind=<GuardianKind.MOTHER: 'mother'>)
    """

    guardian_id: str = attrs.field(validator=_str)
    kind: GuardianKind = attrs.field(validator=v.instance_of(GuardianKind))


@attrs.frozen(kw_only=True)
class Party:
    """Another party that pays or applies: a grandparent, a company, a social service.

    >>> Party(name="Podjetje d.o.o.", tax_number="12345679").name
    'Podjetje d.o.o.'
    """

    name: str = attrs.field(validator=_str)
    address: Address = attrs.field(factory=Address, validator=v.instance_of(Address))
    tax_number: str = attrs.field(default="", validator=_str, repr=tax_number_repr)
    email: str = attrs.field(default="", validator=_str)


class PayerKind(enum.StrEnum):
    """Who a :class:`Payer` is."""

    CHILD = "child"
    """The child (or care-home resident) itself."""
    GUARDIAN = "guardian"
    """One of the child's linked guardians (``guardian_id``)."""
    OTHER = "other"
    """Another party (``party``)."""


def _check_payer(
    instance: Payer, _attribute: attrs.Attribute[Party | None], _value: Party | None
) -> None:
    if instance.kind is PayerKind.GUARDIAN and not instance.guardian_id:
        raise InvalidComponent(
            "payer.guardian_id_missing",
            sl="Plačnik je skrbnik, a skrbnik ni izbran.",
            en="The payer is a guardian, but no guardian is chosen.",
            where="payer.guardian_id",
        )
    if instance.kind is PayerKind.OTHER and instance.party is None:
        raise InvalidComponent(
            "payer.party_missing",
            sl="Plačnik je druga oseba, a njeni podatki manjkajo.",
            en="The payer is another party, but its details are missing.",
            where="payer.party",
        )


@attrs.frozen(kw_only=True)
class Payer:
    """Who pays (plačnik), or who applied (vlagatelj): the child, a guardian, another party.

    Use the named constructors :meth:`child`, :meth:`guardian` and :meth:`other`.

    >>> Payer.child().kind
    <PayerKind.CHILD: 'child'>
    >>> Payer.other(Party(name="Dedek Jože")).party.name
    'Dedek Jože'
    >>> Payer(kind=PayerKind.GUARDIAN)
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidComponent: payer.guardian_id_missing: ...
    """

    kind: PayerKind = attrs.field(validator=v.instance_of(PayerKind))
    guardian_id: str | None = attrs.field(default=None, validator=_opt_str)
    party: Party | None = attrs.field(
        default=None, validator=[v.optional(v.instance_of(Party)), _check_payer]
    )

    @classmethod
    def child(cls) -> Payer:
        """The child itself pays."""
        return cls(kind=PayerKind.CHILD)

    @classmethod
    def guardian(cls, guardian_id: str) -> Payer:
        """The linked guardian ``guardian_id`` pays."""
        return cls(kind=PayerKind.GUARDIAN, guardian_id=guardian_id)

    @classmethod
    def other(cls, party: Party) -> Payer:
        """Another party pays."""
        return cls(kind=PayerKind.OTHER, party=party)


def _mandate_reference(instance: Mandate, attribute: attrs.Attribute[str], value: str) -> None:
    """The SEPA writer's rule (:func:`szo_core.ids.mandate.validate`), naming the field."""
    try:
        _mandate.validate(value)
    except ValidationError as err:  # its message never contains the reference
        raise type(err)(err.code, sl=err.sl, en=err.en, where="Mandate.reference") from None


@attrs.frozen(kw_only=True)
class Mandate:
    """A SEPA direct-debit mandate (soglasje) signed by the payer: the one mandate record.

    The payment step takes the same facts under the same names
    (:meth:`szo_core.payments.instructions.DebitMandate.from_record`).

    Attributes:
        reference: Mandate reference (referenca soglasja, ``MndtId``), unique per
            creditor.  Checked when the record is made, with the rule the SEPA
            writer applies (:func:`szo_core.ids.mandate.validate`: 1-35
            characters of ``a-z A-Z 0-9 / - ? : ( ) . , ' +``, no space, no
            ``/`` at either end, no ``//``).
        bank: Name of the payer's bank.
        iban: The payer's account (hidden in ``repr()``).
        debit_day: Day of the month the debit is collected (1-31).
        signed_on: Date the payer signed the mandate.
        creditor_id: The SEPA creditor identifier the mandate was given to; empty
            means the organisation's own (only one).

    >>> m = Mandate(bank="NLB", iban="SI56192001234567892", debit_day=18, reference="M-1",
    ...             signed_on=date(2024, 9, 1))
    >>> "1234567892" in repr(m)
    False
    >>> Mandate(bank="NLB", reference="SI00 101")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: mandate.format: ... (Mandate.reference)
    """

    reference: str = attrs.field(validator=[_str, _mandate_reference])
    bank: str = attrs.field(default="", validator=_str)
    iban: str = attrs.field(default="", validator=_str, repr=iban_repr)
    debit_day: int = attrs.field(
        default=18, validator=v.and_(v.instance_of(int), v.ge(1), v.le(31))
    )
    signed_on: date | None = attrs.field(default=None, validator=_opt_date)
    creditor_id: str = attrs.field(default="", validator=_str)


class PaymentKind(enum.StrEnum):
    """How a payer pays; the payment step (:mod:`szo_core.payments`) uses the same enum."""

    UPN = "upn"
    """A UPN payment slip (with UPN QR) sent with the invoice."""
    DIRECT_DEBIT = "direct_debit"
    """SEPA direct debit (SDD) under a signed mandate."""


@attrs.frozen(kw_only=True)
class PaymentMethod:
    """The payer's payment instrument: a UPN slip or direct debit under a mandate.

    >>> PaymentMethod.upn().is_direct_debit
    False
    >>> PaymentMethod.direct_debit(Mandate(bank="NLB", reference="M-1")).is_direct_debit
    True
    """

    kind: PaymentKind = attrs.field(default=PaymentKind.UPN, validator=v.instance_of(PaymentKind))
    mandate: Mandate | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(Mandate))
    )

    @classmethod
    def upn(cls) -> PaymentMethod:
        """Pay with a UPN slip."""
        return cls(kind=PaymentKind.UPN)

    @classmethod
    def direct_debit(cls, mandate: Mandate | None) -> PaymentMethod:
        """Pay by SEPA direct debit under ``mandate``."""
        return cls(kind=PaymentKind.DIRECT_DEBIT, mandate=mandate)

    @property
    def is_direct_debit(self) -> bool:
        """True for SEPA direct debit."""
        return self.kind is PaymentKind.DIRECT_DEBIT


class DeliveryKind(enum.StrEnum):
    """How the invoice reaches the payer."""

    PRINT = "print"
    """Printed and handed over or posted."""
    EMAIL_PDF = "email_pdf"
    """A PDF sent by e-mail to ``email``."""
    E_INVOICE = "e_invoice"
    """An e-invoice (e-SLOG) to the payer's e-bank, identified by ``iban``."""


@attrs.frozen(kw_only=True)
class InvoiceDelivery:
    """How the invoice is delivered: print, PDF by e-mail, or e-invoice to the e-bank.

    >>> InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF, email="ana@example.org").kind
    <DeliveryKind.EMAIL_PDF: 'email_pdf'>
    """

    kind: DeliveryKind = attrs.field(
        default=DeliveryKind.PRINT, validator=v.instance_of(DeliveryKind)
    )
    email: str = attrs.field(default="", validator=_str)
    iban: str = attrs.field(default="", validator=_str, repr=iban_repr)
