"""The organisation that bills: who it is, where the money goes, how its documents look.

An :class:`Organisation` is the record behind every payment file: its name and
address are printed on UPN slips and in the pain.008 message, its default
account receives the money, its SEPA creditor id identifies it in direct
debits, and its settings say how invoices are numbered (:class:`InvoiceSeries`)
and referenced (:class:`ReferenceScheme`), on which day of the month debits
are collected, and which UPN purpose code slips carry.

Unlike the records of children and guardians (whose imported data may be wrong
and must still load; the registry reports it), the organisation's own
identifiers are checked when the record is built: a wrong IBAN or creditor id
here would put a wrong account on every slip.  Each check raises a szo_core
error whose ``where`` names the field (``Organisation.accounts[0].iban``) and
whose message never holds the value; ``repr()`` masks the tax number, the
IBANs and the creditor id.

>>> from szo_core.model import Address
>>> org = Organisation(
...     id="vrtec", kind=OrganisationKind.KINDERGARTEN, name="Vrtec Čebelica",
...     address=Address(street="Medvedova cesta 20", post_code="1000", city="Ljubljana"),
...     tax_number="12345679", registration_number="5012341000",
...     accounts=(BankAccount(iban="SI56 0126 1603 0012 373", bic="BSLJSI2X"),),
...     creditor_id="SI72ZZZ12345679", budget_user=True)
>>> org.account.iban, org.registration_number, org.debit_day, org.purpose_code
('SI56012616030012373', '5012341', 18, 'EDUC')
>>> "12345679" in repr(org), org.invoice_series.number("credit_note", 2026, 7)
(False, 'D2026-000007')
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar, cast

import attrs
from stdnum.exceptions import ValidationError as _StdnumError
from stdnum.si import maticna as _maticna

from szo_core.delivery.sms import LetterPolicy
from szo_core.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
    ValidationError,
)
from szo_core.ids import creditor_id as _creditor_id
from szo_core.ids import davcna as _davcna
from szo_core.ids import iban as _iban
from szo_core.ids._pii import _masking, iban_repr, tax_number_repr
from szo_core.model import _validators as v
from szo_core.model.parties import Address

__all__ = [
    "DEFAULT_DEBIT_DAY",
    "DEFAULT_PURPOSE_CODE",
    "BankAccount",
    "InvoiceSeries",
    "Organisation",
    "OrganisationKind",
    "ReferenceScheme",
]

DEFAULT_DEBIT_DAY: Final = 18
"""The day of the month after the billed one when debits are collected and slips are due."""
DEFAULT_PURPOSE_CODE: Final = "EDUC"
"""The UPN purpose code of pre-school and school fees (*izobraževanje*)."""

E = TypeVar("E", bound=enum.StrEnum)

_BIC = re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?")
_PREFIX = re.compile(r"[A-Z0-9/]{0,10}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DIGITS = re.compile(r"\d+")

creditor_id_repr = _masking(_creditor_id.mask)
"""``repr`` for a creditor id field (its national part is a tax number)."""


class OrganisationKind(enum.StrEnum):
    """What kind of organisation bills (the fee engine depends on it)."""

    KINDERGARTEN = "kindergarten"
    """Vrtec: pre-school fees by ZVrt."""
    SCHOOL = "school"
    """Osnovna šola: school meals and other services."""
    CARE_HOME = "care_home"
    """Dom za starejše: care (oskrbnina)."""
    DORMITORY = "dormitory"
    """Dijaški dom: boarding and meals."""


class ReferenceScheme(enum.StrEnum):
    """Which payment reference (sklic) invoices carry (:mod:`szo_core.billing.references`)."""

    SI12 = "SI12"
    """Model SI12: 12 data digits ``CCCCC Y NNNNNN`` and a mod 11 check digit (default)."""
    RF = "RF"
    """ISO 11649 creditor reference: ``RFkk`` + ``YYYY NNNNNN CCCCC``."""


def _where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _rewhere(exc: ValidationError, where: str) -> ValidationError:
    """The same error (class, code, messages) pointing at a record's field."""
    return type(exc)(exc.code, sl=exc.sl, en=exc.en, where=where)


def _identifier(check: Callable[[str], str]) -> v.Validator:
    """A validator that runs an :mod:`szo_core.ids` check and names the field on failure."""

    def run(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
        try:
            check(value)
        except ValidationError as exc:
            raise _rewhere(exc, _where(instance, attribute)) from None

    return run


def _compact_with(compact: Callable[[str], str], value: object) -> Any:
    """``compact(value)``; a value it cannot read is left as it is, for the validator."""
    if not isinstance(value, str):
        return value
    try:
        return compact(value)
    except ValidationError:
        return value


def _compact_iban(value: str) -> str:
    return cast(str, _compact_with(_iban.compact, value))


def _compact_tax_number(value: str) -> str:
    return cast(str, _compact_with(_davcna.compact, value))


def _compact_creditor_id(value: str) -> str:
    return cast(str, _compact_with(_creditor_id.compact, value))


def _bic(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value and _BIC.fullmatch(value) is None:
        raise InvalidFormat(
            "organisation.bic",
            sl="BIC nima oblike ISO 9362 (8 ali 11 velikih črk in števk).",
            en="The BIC does not have the ISO 9362 form (8 or 11 capital letters and digits).",
            where=_where(instance, attribute),
        )


@attrs.frozen(kw_only=True)
class BankAccount:
    """One of the organisation's accounts (TRR), as an IBAN with its bank.

    Attributes:
        iban: The account, validated and stored compact (hidden in ``repr()``).
        bic: The bank's BIC (``BSLJSI2X`` for UJP); empty to look it up from
            the IBAN where the SEPA writer knows it.
        bank: The bank's name, for people (``"Uprava RS za javna plačila"``).

    >>> BankAccount(iban="SI56 1920 0123 4567 892").iban
    'SI56192001234567892'
    >>> BankAccount(iban="SI56192001234567893")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidChecksum: iban.checksum: ... (BankAccount.iban)
    """

    iban: str = attrs.field(
        converter=_compact_iban,
        validator=v.and_(v.instance_of(str), _identifier(_iban.validate)),
        repr=iban_repr,
    )
    bic: str = attrs.field(default="", validator=v.and_(v.instance_of(str), _bic))
    bank: str = attrs.field(default="", validator=v.instance_of(str))


@attrs.frozen(kw_only=True)
class InvoiceSeries:
    """How the organisation's documents are numbered: ``{prefix}{YYYY}-{NNNNNN}``.

    Each series counts gap-free per organisation and year (billing keeps the
    counters); the prefix only changes how a number is printed.  The two
    prefixes must differ, so that an invoice and a credit note never print the
    same number.

    Attributes:
        invoice_prefix: Printed before invoice numbers (none by default:
            ``2026-000007``).
        credit_note_prefix: Printed before credit-note numbers (``D``:
            ``D2026-000007``).

    >>> InvoiceSeries().number("invoice", 2026, 7)
    '2026-000007'
    >>> InvoiceSeries(invoice_prefix="R", credit_note_prefix="R")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidComponent: organisation.series.same_prefix: ...
    """

    invoice_prefix: str = attrs.field(default="", validator=v.instance_of(str))
    credit_note_prefix: str = attrs.field(default="D", validator=v.instance_of(str))

    def __attrs_post_init__(self) -> None:
        for name in ("invoice_prefix", "credit_note_prefix"):
            if _PREFIX.fullmatch(getattr(self, name)) is None:
                raise InvalidFormat(
                    "organisation.series.prefix",
                    sl="Predpona številk sme imeti največ 10 velikih črk, števk ali znakov /.",
                    en="A number prefix may have at most 10 capital letters, digits or /.",
                    where=f"InvoiceSeries.{name}",
                )
        if self.invoice_prefix == self.credit_note_prefix:
            raise InvalidComponent(
                "organisation.series.same_prefix",
                sl="Računi in dobropisi morajo imeti različni predponi številk.",
                en="Invoices and credit notes must have different number prefixes.",
                where="InvoiceSeries.credit_note_prefix",
            )

    def prefix(self, series: str) -> str:
        """The prefix of ``series``: ``"invoice"`` or ``"credit_note"``.

        The series are the numbered :class:`szo_core.billing.DocumentKind` s (a
        ``StrEnum``, so its members can be passed).
        """
        return self.credit_note_prefix if series == "credit_note" else self.invoice_prefix

    def number(self, series: str, year: int, serial: int) -> str:
        """The printed number of document ``serial`` of ``series`` in ``year``."""
        return f"{self.prefix(series)}{year:04d}-{serial:06d}"


def _registration_number(value: str) -> str:
    if len(value) not in (7, 10):
        raise InvalidLength(
            "organisation.registration_number.length",
            sl="Matična številka mora imeti 7 ali 10 števk.",
            en="The registration number must have 7 or 10 digits.",
        )
    if _DIGITS.fullmatch(value) is None:
        raise InvalidFormat(
            "organisation.registration_number.format",
            sl="Matična številka sme imeti samo števke.",
            en="The registration number may only have digits.",
        )
    try:
        _maticna.validate(value)
    except _StdnumError:
        raise InvalidChecksum(
            "organisation.registration_number.checksum",
            sl="Kontrolna števka matične številke ni pravilna.",
            en="The check digit of the registration number is wrong.",
        ) from None
    return value


def _compact_registration(value: str) -> str:
    """Spaces and dots dropped; a main unit ``NNNNNNN000`` kept as its 7 digits."""
    value = value.replace(" ", "").replace(".", "")
    return value[:7] if len(value) == 10 and value.endswith("000") else value


def _accounts(instance: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
    if not value:
        raise InvalidComponent(
            "organisation.accounts.empty",
            sl="Organizacija mora imeti vsaj en račun (TRR).",
            en="The organisation must have at least one account.",
            where=_where(instance, attribute),
        )
    seen: set[str] = set()
    for index, account in enumerate(value):
        if not isinstance(account, BankAccount):
            raise InvalidType(
                "record.type",
                sl="Račun organizacije mora biti BankAccount.",
                en="An account of the organisation must be a BankAccount.",
                where=f"{_where(instance, attribute)}[{index}]",
            )
        if account.iban in seen:
            raise InvalidComponent(
                "organisation.accounts.duplicate",
                sl="Isti račun je naveden dvakrat.",
                en="The same account is listed twice.",
                where=f"{_where(instance, attribute)}[{index}]",
            )
        seen.add(account.iban)


def _purpose_code(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    from szo_core.payments._purpose_codes import PURPOSE_CODES

    if value not in PURPOSE_CODES:
        raise InvalidComponent(
            "organisation.purpose_code",
            sl="Koda namena ni na seznamu kod namenov ZBS.",
            en="The purpose code is not in the ZBS list of purpose codes.",
            where=_where(instance, attribute),
        )


def _email(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value and _EMAIL.fullmatch(value) is None:
        raise InvalidFormat(
            "organisation.email",
            sl="Elektronski naslov nima oblike ime@domena.si.",
            en="The e-mail address does not have the form name@domain.si.",
            where=_where(instance, attribute),
        )


def _municipality(instance: object, attribute: attrs.Attribute[int | None], value: int) -> None:
    from szo_core.model.municipality import municipality

    try:
        municipality(value)
    except ValidationError as exc:
        raise _rewhere(exc, _where(instance, attribute)) from None


def _optional_creditor_id(value: str) -> str:
    return _creditor_id.validate(value) if value else value


def _enum_value(cls: type[E], value: object) -> Any:
    """``cls(value)``; an unknown text is a szo_core error that names the choices."""
    if isinstance(value, cls) or not isinstance(value, str):
        return value  # a wrong type is left for the validator
    try:
        return cls(value)
    except ValueError:
        choices = ", ".join(m.value for m in cls)
        raise InvalidComponent(
            "record.choice",
            sl=f"Neznana vrednost za {cls.__name__}; mogoče so: {choices}.",
            en=f"Unknown value for {cls.__name__}; the choices are: {choices}.",
            where=cls.__name__,
        ) from None


def _to_kind(value: OrganisationKind | str) -> OrganisationKind:
    return cast(OrganisationKind, _enum_value(OrganisationKind, value))


def _to_scheme(value: ReferenceScheme | str) -> ReferenceScheme:
    return cast(ReferenceScheme, _enum_value(ReferenceScheme, value))


def _to_letter_policy(value: LetterPolicy | str) -> LetterPolicy:
    """``LetterPolicy(value)``; an unknown text is a szo_core error that names the choices."""
    if isinstance(value, LetterPolicy) or not isinstance(value, str):
        return value  # a wrong type is left for the validator
    try:
        return LetterPolicy(value)
    except ValueError:
        choices = ", ".join(m.value for m in LetterPolicy)
        raise InvalidComponent(
            "record.choice",
            sl=f"Neznana vrednost za LetterPolicy; mogoče so: {choices}.",
            en=f"Unknown value for LetterPolicy; the choices are: {choices}.",
            where="Organisation.sms_letters",
        ) from None


def _accounts_tuple(value: Iterable[BankAccount]) -> tuple[BankAccount, ...]:
    return v.to_tuple(value)


def _compact_registration_number(value: str) -> str:
    return cast(str, _compact_with(_compact_registration, value))


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise InvalidComponent(
            "organisation.empty",
            sl=f"Polje {attribute.name} ne sme biti prazno.",
            en=f"The field {attribute.name} must not be empty.",
            where=_where(instance, attribute),
        )


@attrs.frozen(kw_only=True)
class Organisation:
    """The organisation that bills (see the module docs).

    Attributes:
        id: The organisation's id: the ``organisation_id`` of its records.
        kind: Kindergarten, school, care home or dormitory.
        name: The name printed on slips, invoices and in SEPA files.
        address: The postal address (printed with the name).
        tax_number: Its tax number (davčna številka), validated, stored
            compact without ``SI`` (hidden in ``repr()``).
        registration_number: Its registration number (matična številka):
            7 digits, or 10 for a unit (the last three); a main unit written
            with 10 digits (``...000``) is stored as its 7.
        accounts: One or more accounts; the first is the default one that
            slips and debits pay into.
        creditor_id: Its SEPA creditor identifier, needed for direct debits;
            empty when it collects none (hidden in ``repr()``).
        budget_user: True for a direct or indirect budget user (proračunski
            uporabnik) that pays and collects through UJP; its pain.008 files
            are then ``pain.008.001.02`` by default, the version UJP reads.
        reference_scheme: SI12 (default) or RF references on invoices.
        invoice_series: How invoice and credit-note numbers are printed.
        debit_day: The day of the month after the billed month on which
            debits are collected and slips are due (1 to 28; moved to the next
            working day), 18 by default.
        purpose_code: The UPN purpose code (koda namena), ``EDUC`` by default.
        email: The contact e-mail address.
        host_municipality: The founding municipality's code (občina
            ustanoviteljica), or None to infer it from the children.
        sms_letters: What SMS texts do with č, š, ž, ć, đ
            (:class:`~szo_core.delivery.sms.LetterPolicy`): ``KEEP`` them (the
            default) or ``TRANSLITERATE`` them to c, s, z, c, d.  Keeping is the
            default because the texts carry people's names, and "Cretnik" for
            Čretnik is a misspelt name on an official notice; it costs UCS-2
            (70 characters per SMS instead of 160).  An organisation that
            prefers the cheaper single part chooses ``TRANSLITERATE``.
        version: Optimistic-concurrency version, kept by the storage adapter.

    >>> Organisation(id="o", kind="school", name="OŠ", tax_number="12345679",
    ...     registration_number="123", accounts=(BankAccount(iban="SI56192001234567892"),))
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidLength: organisation.registration_number.length: ...
    >>> Organisation(id="o", name="OŠ", tax_number="12345679", registration_number="5012341",
    ...     accounts=(BankAccount(iban="SI56192001234567892"),),
    ...     sms_letters="transliterate").sms_letters
    <LetterPolicy.TRANSLITERATE: 'transliterate'>
    """

    id: str = attrs.field(validator=v.and_(v.instance_of(str), _non_empty))
    kind: OrganisationKind = attrs.field(
        default=OrganisationKind.KINDERGARTEN,
        converter=_to_kind,
        validator=v.instance_of(OrganisationKind),
    )
    name: str = attrs.field(validator=v.and_(v.instance_of(str), _non_empty))
    address: Address = attrs.field(factory=Address, validator=v.instance_of(Address))
    tax_number: str = attrs.field(
        converter=_compact_tax_number,
        validator=v.and_(v.instance_of(str), _identifier(_davcna.validate)),
        repr=tax_number_repr,
    )
    registration_number: str = attrs.field(
        converter=_compact_registration_number,
        validator=v.and_(v.instance_of(str), _identifier(_registration_number)),
    )
    accounts: tuple[BankAccount, ...] = attrs.field(
        converter=_accounts_tuple, validator=v.and_(v.instance_of(tuple), _accounts)
    )
    creditor_id: str = attrs.field(
        default="",
        converter=_compact_creditor_id,
        validator=v.and_(v.instance_of(str), _identifier(_optional_creditor_id)),
        repr=creditor_id_repr,
    )
    budget_user: bool = attrs.field(default=False, validator=v.instance_of(bool))
    reference_scheme: ReferenceScheme = attrs.field(
        default=ReferenceScheme.SI12,
        converter=_to_scheme,
        validator=v.instance_of(ReferenceScheme),
    )
    invoice_series: InvoiceSeries = attrs.field(
        factory=InvoiceSeries, validator=v.instance_of(InvoiceSeries)
    )
    debit_day: int = attrs.field(
        default=DEFAULT_DEBIT_DAY, validator=v.and_(v.instance_of(int), v.ge(1), v.le(28))
    )
    purpose_code: str = attrs.field(
        default=DEFAULT_PURPOSE_CODE, validator=v.and_(v.instance_of(str), _purpose_code)
    )
    email: str = attrs.field(default="", validator=v.and_(v.instance_of(str), _email))
    host_municipality: int | None = attrs.field(
        default=None, validator=v.optional(v.and_(v.instance_of(int), _municipality))
    )
    sms_letters: LetterPolicy = attrs.field(
        default=LetterPolicy.KEEP,
        converter=_to_letter_policy,
        validator=v.instance_of(LetterPolicy),
    )
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))

    @property
    def account(self) -> BankAccount:
        """The default account (the first)."""
        return self.accounts[0]

    @property
    def collects_debits(self) -> bool:
        """True when it has a creditor id, so direct debits can be written."""
        return bool(self.creditor_id)
