r"""SEPA Direct Debit: a streamed pain.008 writer and a streamed XSD check.

:func:`write_pain008` writes a ``pain.008.001.02`` (ISO 2009, the version UJP's
checker names) or ``pain.008.001.08`` (ISO 2019, the EPC version since March
2024) customer direct debit initiation with :class:`lxml.etree.xmlfile`.  It
never holds the document, or the list of transactions, in memory, and it reads
the transactions **once** (a generator over a database cursor is fine):

1. each transaction is checked against the SEPA rules below and serialised
   straight into a temporary *spool* file for its payment-information block (one
   block per collection date and sequence type, in order of first appearance),
   while ``NbOfTxs`` and ``CtrlSum`` are added up per block;
2. when every transaction has passed, the message is streamed to ``out``: the
   group header with the totals, then each block's header with its totals,
   followed by a byte copy of its spool.

Nothing reaches ``out`` before the last transaction has been checked, so an
error leaves ``out`` untouched.  When ``out`` is a path the message goes to a
temporary file beside it that replaces the target only when complete.

Rules enforced before the first byte (each error's ``where`` names the
transaction by index and end-to-end id, and the field):

* **character set** (EPC Basic Latin: ``a-z A-Z 0-9 / - ? : ( ) . , ' +`` and
  space) for names, addresses and remittance text.  Slovenian letters are
  transliterated (č→c, š→s, ž→z, ć→c, đ→d and the capitals); other accented
  Latin letters lose their accent (ä→a, é→e); ``&``→``+`` (EPC217-08),
  ``"`` and typographic quotes→``'``, ``_`` and dashes→``-``, ``;``→``,``,
  ``!``→``.``, brackets→``( )``, ``ß``→``ss``; runs of white space become one
  space.  Anything still outside the set (``@``, ``%``, ``€``, Cyrillic, ...) is
  refused (``sepa.charset``): nothing is dropped silently;
* **lengths**: names 70 (EPC), remittance text 140, identifiers 35, address
  parts as the XSD says; over-long values are refused (``sepa.length``);
* **identifiers** (message, end-to-end and mandate ids): the set above without
  the space, no ``/`` at the start or end, no ``//`` (``sepa.id``);
* **amounts**: 0.01 to 999,999,999.99 EUR with at most two decimals;
* **accounts and ids**: IBANs, the creditor identifier and mandate ids with
  :mod:`szo_core.ids`; references (SI models and RF) with
  :mod:`szo_core.ids.reference`; the mandate's signature date is not after the
  collection date;
* **BIC**: the debtor's BIC is written when given and must match the version's
  pattern (``BIC`` in .02, ``BICFI`` in .08).  Without one, version .02 takes it
  from the bank registry (:func:`szo_core.ids.iban.bank`) when the bank is
  known, and both versions otherwise write ``Othr/Id`` ``NOTPROVIDED`` (IBAN-only
  collection, the EPC rule since 2016).  The creditor's BIC is needed: given or
  from the registry (``sepa.creditor_bic``).

Rules a bank or UJP enforces on the file as a whole, checked in the same pass
(the only state that grows with the file is the set of end-to-end ids and the
mandate → sequence-type map):

* **unique end-to-end ids** in the file (``sepa.duplicate_end_to_end_id``);
* **one sequence type per mandate** in the file: a mandate cannot be both FRST
  and RCUR (``sepa.mandate_sequence_conflict``);
* **collection dates**: not before the day the file is created
  (``sepa.collection_date_past``), a TARGET2 day: not a Saturday, Sunday,
  1 January, Good Friday, Easter Monday, 1 May, 25 or 26 December
  (``sepa.collection_date_closed``, see :func:`is_target_day`), and at most
  ``max_days_ahead`` days after the creation day (30 by default, as UJP
  accepts; ``sepa.collection_date_too_far``).  Each message offers a valid date;
* **message id**: not one of ``used_message_ids`` when the caller passes its
  register (``sepa.duplicate_message_id``); the writer only reads the register;
* **pre-notification**: a transaction whose payer was notified on
  ``notified_on`` less than ``pre_notification_days`` (14) days before the
  collection is written, with a :class:`SepaWarning`
  (``sepa.pre_notification_short``) in :attr:`WriteSummary.warnings`.

Other choices: ``ChrgBr`` is ``SLEV``; ``AmdmntInd`` is always written (``false``
when the mandate did not change); a transaction carries either a structured
reference (``Strd/CdtrRefInf`` with type ``SCOR``) or one unstructured line
(``Ustrd``), never both; the payment-information id is the first 26 characters
of the message id, ``-`` and the block's number.

:func:`validate` checks a file against the bundled official ISO XSD with
``lxml.etree.iterparse(schema=...)``, clearing each transaction as it goes, so
memory stays flat for any size.

Example:
    >>> import io
    >>> from datetime import date, datetime
    >>> from decimal import Decimal
    >>> from szo_core.payments.instructions import DebitMandate
    >>> creditor = Creditor(name="Vrtec Čebelica Žalec", iban="SI56 0110 0600 0000 023",
    ...                     bic="BSLJSI2X", creditor_id="SI72ZZZ12345679")
    >>> debit = DirectDebit(
    ...     end_to_end_id="F7-202609", amount=Decimal("200.75"),
    ...     collection_date=date(2026, 10, 19), reference="RF77F7202609",
    ...     mandate=DebitMandate(reference="00555-00028", signed_on=date(2025, 8, 20),
    ...                          debtor_name="Špela Žagar", iban="SI56020170014356205"))
    >>> batch = DirectDebitBatch(message_id="VRTEC-2026-10", creditor=creditor,
    ...                          created_at=datetime(2026, 10, 10, 8, 0),
    ...                          transactions=[debit])
    >>> out = io.BytesIO()
    >>> summary = write_pain008(batch, out)
    >>> summary.transactions, summary.control_sum
    (1, Decimal('200.75'))
    >>> b"<Nm>Spela Zagar</Nm>" in out.getvalue()
    True
    >>> validate(out.getvalue()).transactions
    1
    >>> summary.warnings
    ()
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Container, Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Final, Literal, NamedTuple, TypeAlias

import attrs
from lxml import etree

from szo_core._deprecation import module_getattr
from szo_core._files import atomic_write
from szo_core.errors import (
    ConfigurationError,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
    Language,
    SzoError,
    ValidationError,
)
from szo_core.ids import creditor_id as _creditor_id
from szo_core.ids import iban as _iban
from szo_core.ids import mandate as _mandate
from szo_core.ids import reference as _reference
from szo_core.ids._pii import iban_repr
from szo_core.model import Address
from szo_core.money import is_whole_cents, to_decimal
from szo_core.payments._purpose_codes import PURPOSE_CODES
from szo_core.payments._text import shorten
from szo_core.payments.instructions import (
    DebitMandate,
    MandateAmendment,
    PaymentInstruction,
    SequenceType,
)

__all__ = [
    "VERSIONS",
    "Creditor",
    "DirectDebit",
    "DirectDebitBatch",
    "Pain008Version",
    "PaymentInformationSummary",
    "SchemaCheck",
    "SepaWarning",
    "WriteSummary",
    "debit_from_instruction",
    "is_target_day",
    "next_target_day",
    "transliterate",
    "validate",
    "write_pain008",
]

__getattr__ = module_getattr(
    __name__, {"Mandate": (lambda: DebitMandate, "szo_core.payments.instructions.DebitMandate")}
)

Pain008Version: TypeAlias = Literal["pain.008.001.02", "pain.008.001.08"]
"""The pain.008 versions written and checked."""

VERSIONS: Final[tuple[Pain008Version, ...]] = ("pain.008.001.02", "pain.008.001.08")

_NS_PREFIX: Final = "urn:iso:std:iso:20022:tech:xsd:"
_NAME_MAX: Final = 70
_TEXT_MAX: Final = 140
_ID_MAX: Final = 35
_MAX_CENTS: Final = 99_999_999_999
_MAX_AMOUNT: Final = Decimal("999999999.99")
_BIC: Final[dict[str, re.Pattern[str]]] = {
    "pain.008.001.02": re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?"),
    "pain.008.001.08": re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?"),
}
_BIC_TAG: Final = {"pain.008.001.02": "BIC", "pain.008.001.08": "BICFI"}
_SEPA_TEXT = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]*")
_SEPA_CLEAN = re.compile(r"[A-Za-z0-9/\-?:().,'+]+(?: [A-Za-z0-9/\-?:().,'+]+)*")
_SEPA_ID = re.compile(r"[A-Za-z0-9/\-?:().,'+]+")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SPACES = re.compile(r"\s+")
_TRANSLITERATION: Final = str.maketrans(
    {
        "Č": "C", "č": "c", "Š": "S", "š": "s", "Ž": "Z", "ž": "z",
        "Ć": "C", "ć": "c", "Đ": "D", "đ": "d", "ß": "ss",
        "&": "+", '"': "'", "`": "'", "´": "'", "‘": "'", "’": "'", "‚": "'",
        "“": "'", "”": "'", "„": "'", "«": "'", "»": "'",
        "_": "-", "–": "-", "—": "-", ";": ",", "!": ".",
        "[": "(", "]": ")", "{": "(", "}": ")", "<": "(", ">": ")",
    }
)  # fmt: skip


def transliterate(text: str) -> str:
    r"""Map ``text`` to the SEPA (EPC Basic Latin) character set by the documented rule.

    NFC first; Slovenian letters to their base letter; other accented Latin
    letters lose the accent; the punctuation table of the module documentation;
    white space collapsed.  Characters with no rule are left in place, so the
    caller can refuse them (the writer does, with ``sepa.charset``).

    Example:
        >>> transliterate("Đurđa Kovačević & Co \"Ćiro\"")
        "Durda Kovacevic + Co 'Ciro'"
        >>> transliterate("Müller-Lüdenscheidt, Žiga")
        'Muller-Ludenscheidt, Ziga'
        >>> transliterate("ana@example.si")
        'ana@example.si'
    """
    if _SEPA_CLEAN.fullmatch(text):  # already in the set, single spaces: the common case
        return text
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if _SEPA_TEXT.fullmatch(text):
        return text
    text = text.translate(_TRANSLITERATION)
    if _SEPA_TEXT.fullmatch(text):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _easter(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian; the Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def _target_closed(year: int) -> frozenset[date]:
    easter = _easter(year)
    return frozenset(
        (
            date(year, 1, 1),
            easter - timedelta(days=2),  # Good Friday
            easter + timedelta(days=1),  # Easter Monday
            date(year, 5, 1),
            date(year, 12, 25),
            date(year, 12, 26),
        )
    )


def _plain_day(value: object, where: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidType(
            "sepa.date_type",
            sl=f"Vrednost mora biti datum (date), ne {type(value).__name__}.",
            en=f"The value must be a date, not {type(value).__name__}.",
            where=where,
        )
    return value


def is_target_day(day: date) -> bool:
    """True if ``day`` is a TARGET2 business day, on which a SEPA collection can settle.

    TARGET2 (T2 since 2023) is closed on Saturdays, Sundays, 1 January, Good
    Friday, Easter Monday, 1 May, 25 and 26 December: the calendar of the ECB
    since 2002.  Easter is computed, so any year works.  Slovenian holidays
    (25 June, 1 November, ...) are TARGET2 days.

    Raises:
        szo_core.errors.InvalidType: ``sepa.date_type`` if ``day`` is not a
            :class:`~datetime.date` (a ``datetime`` is refused too).

    Example:
        >>> from datetime import date
        >>> is_target_day(date(2026, 4, 3)), is_target_day(date(2026, 6, 25))
        (False, True)
    """
    day = _plain_day(day, "day")
    return day.weekday() < 5 and day not in _target_closed(day.year)


def next_target_day(day: date) -> date:
    """The first TARGET2 business day on or after ``day`` (see :func:`is_target_day`).

    Example:
        >>> from datetime import date
        >>> next_target_day(date(2026, 4, 3))  # Good Friday, then the weekend and Easter Monday
        datetime.date(2026, 4, 7)
        >>> next_target_day(date(2026, 10, 19))
        datetime.date(2026, 10, 19)
    """
    day = _plain_day(day, "day")
    while not is_target_day(day):
        day += timedelta(days=1)
    return day


def _previous_target_day(day: date) -> date:
    while not is_target_day(day):
        day -= timedelta(days=1)
    return day


@attrs.frozen(kw_only=True)
class Creditor:
    """The creditor (*prejemnik plačila*): the institution collecting the debits.

    ``creditor_id`` is the SEPA creditor identifier (for a budget user it comes
    from the contract with UJP).  ``bic`` may be left out when the bank registry
    knows the account's bank.

    Example:
        >>> Creditor(name="Vrtec Mavrica", iban="SI56011006000000023",
        ...          creditor_id="SI72ZZZ12345679").bic is None
        True
    """

    name: str
    iban: str = attrs.field(repr=iban_repr)
    creditor_id: str
    bic: str | None = None
    address: Address | None = None


def _one_remittance(instance: DirectDebit, attribute: object, value: str | None) -> None:
    if value is not None and instance.reference is not None:
        raise ConfigurationError(
            "sepa.remittance_both",
            sl="Transakcija ima lahko sklic ali besedilo namena, ne obojega.",
            en="A transaction carries a reference or a remittance text, not both.",
            where="remittance",
        )


@attrs.frozen(kw_only=True)
class DirectDebit:
    """One collection (``DrctDbtTxInf``) under a mandate.

    Give either ``reference`` (structured, SI model or RF) or ``remittance``
    (one unstructured line, at most 140 characters), not both.  ``purpose`` is
    an ISO purpose code (``Purp/Cd``), e.g. ``"EDUC"``.

    Example:
        >>> from datetime import date
        >>> from decimal import Decimal
        >>> DirectDebit(
        ...     end_to_end_id="2026-0001", amount=Decimal("97.40"),
        ...     collection_date=date(2026, 10, 18), reference="SI12 1234567890120",
        ...     mandate=DebitMandate(reference="M-1", signed_on=date(2025, 1, 2),
        ...                          debtor_name="Ana Novak", iban="SI56020170014356205"),
        ... ).amount
        Decimal('97.40')
    """

    end_to_end_id: str
    amount: Decimal = attrs.field(converter=to_decimal)
    collection_date: date
    mandate: DebitMandate
    debtor_address: Address | None = None
    reference: str | None = None
    remittance: str | None = attrs.field(default=None, validator=_one_remittance)
    purpose: str | None = None
    notified_on: date | None = None
    """The day the payer was notified of this collection (the pre-notification,
    for example the invoice's date); when given, a collection sooner than the
    pre-notification period after it is written with a warning."""


@attrs.frozen(kw_only=True)
class DirectDebitBatch:
    """Everything one pain.008 message needs.

    ``message_id`` and ``created_at`` are passed in, so the same batch always
    gives the same bytes.  ``transactions`` is any iterable (a list, or a
    generator over a database cursor); it is read once and not copied.

    Example:
        >>> from datetime import datetime
        >>> creditor = Creditor(name="Vrtec Mavrica", iban="SI56011006000000023",
        ...                     creditor_id="SI72ZZZ12345679")
        >>> DirectDebitBatch(message_id="M-1", created_at=datetime(2026, 10, 1, 9, 0),
        ...                  creditor=creditor, transactions=()).batch_booking
        True
    """

    message_id: str
    created_at: datetime
    creditor: Creditor
    transactions: Iterable[DirectDebit] = attrs.field(eq=False, repr=False)
    batch_booking: bool = True
    local_instrument: Literal["CORE", "B2B"] = "CORE"
    initiating_party: str | None = None
    """The initiating party's name; the creditor's name when ``None``."""


@attrs.frozen(kw_only=True)
class PaymentInformationSummary:
    """One payment-information block (``PmtInf``) as written.

    Example:
        >>> from datetime import date
        >>> PaymentInformationSummary(
        ...     payment_information_id="M-1-1", collection_date=date(2026, 10, 18),
        ...     sequence=SequenceType.RECURRING, transactions=2,
        ...     control_sum=Decimal("10.00")).transactions
        2
    """

    payment_information_id: str
    collection_date: date
    sequence: SequenceType
    transactions: int
    control_sum: Decimal


@attrs.frozen(kw_only=True)
class SepaWarning:
    """Something written to the file that a rule advises against (a bank accepts it).

    Like an error it has a stable ``code``, a Slovenian and an English text and
    ``where`` (the transaction by index and end-to-end id); ``transaction`` and
    ``end_to_end_id`` name it for programs, and ``suggested_date`` is a date
    that would satisfy the rule.  No IBAN or other personal number is in it.

    Example:
        >>> from datetime import date
        >>> warning = SepaWarning(
        ...     code="sepa.pre_notification_short", sl="Prekratko obvestilo.",
        ...     en="The pre-notification is too short.", where="transakcija/transaction 0",
        ...     transaction=0, end_to_end_id="E-1", suggested_date=date(2026, 10, 26))
        >>> warning.message("en")
        'The pre-notification is too short. (transakcija/transaction 0)'
    """

    code: str
    sl: str
    en: str
    where: str
    transaction: int
    end_to_end_id: str
    suggested_date: date | None = None

    def message(self, language: Language = "sl") -> str:
        """The text in ``language`` (Slovenian by default), followed by ``where``."""
        return f"{self.sl if language == 'sl' else self.en} ({self.where})"

    def __str__(self) -> str:
        return f"{self.code}: {self.message('sl')}"


@attrs.frozen(kw_only=True)
class WriteSummary:
    """What :func:`write_pain008` wrote: the totals of the header and of each block.

    Example:
        >>> WriteSummary(version="pain.008.001.02", message_id="M-1", transactions=0,
        ...              control_sum=Decimal("0.00"), payment_information=()).transactions
        0
    """

    version: Pain008Version
    message_id: str
    transactions: int
    control_sum: Decimal
    payment_information: tuple[PaymentInformationSummary, ...]
    warnings: tuple[SepaWarning, ...] = ()
    """What a bank accepts but the rules advise against, in transaction order."""


@attrs.frozen(kw_only=True)
class SchemaCheck:
    """The result of :func:`validate`: the file is valid against the official XSD.

    Example:
        >>> SchemaCheck(version="pain.008.001.08", transactions=3).transactions
        3
    """

    version: Pain008Version
    transactions: int


# --------------------------------------------------------------------------- checks


class _Tx(NamedTuple):
    """A transaction after the checks: only strings, ready to be written."""

    key: tuple[str, str]
    e2e: str
    cents: int
    mandate_id: str
    signature_date: str
    amendment: tuple[str | None, str | None, str | None, str | None, bool] | None
    bic: str | None
    name: str
    iban: str
    address: tuple[str, str, str, str] | None
    reference: str | None
    remittance: str | None
    purpose: str | None

    def __repr__(self) -> str:  # tracebacks with locals show it: no IBAN in it
        return _masked_repr(self, {"iban": iban_repr, "amendment": _amendment_repr})


def _masked_repr(values: tuple[object, ...], masks: dict[str, Callable[[object], str]]) -> str:
    """A NamedTuple's ``repr()`` with the fields in ``masks`` shown by their function."""
    fields: tuple[str, ...] = getattr(values, "_fields", ())
    shown = (
        f"{name}={masks.get(name, repr)(value)}" for name, value in zip(fields, values, strict=True)
    )
    return f"{type(values).__name__}({', '.join(shown)})"


def _amendment_repr(value: object) -> str:
    if not isinstance(value, tuple) or len(value) != 5:
        return repr(value)
    parts = [repr(part) for part in value]
    parts[3] = iban_repr(value[3])  # the original debtor IBAN
    return f"({', '.join(parts)})"


def _label(index: int, e2e: object) -> str:
    if isinstance(e2e, str) and len(e2e) <= _ID_MAX and _SEPA_ID.fullmatch(e2e):
        return f"transakcija/transaction {index} ({e2e})"
    return f"transakcija/transaction {index}"


def _text(value: object, limit: int, where: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidFormat(
            "sepa.type",
            sl="Vrednost mora biti besedilo.",
            en="The value must be text.",
            where=where,
        )
    if _SEPA_CLEAN.fullmatch(value):  # the common case: nothing to map
        text = value
    else:
        text = transliterate(value)
        if not _SEPA_TEXT.fullmatch(text):
            bad = next(c for c in text if not _SEPA_TEXT.fullmatch(c))
            code = f"U+{ord(bad):04X}"
            raise InvalidFormat(
                "sepa.charset",
                sl=f"Znak {code} ni v naboru znakov SEPA in zanj ni pravila za zamenjavo.",
                en=f"The character {code} is not in the SEPA character set and has no replacement.",
                where=where,
            )
    if required and not text:
        raise InvalidFormat(
            "sepa.empty", sl="Vrednost je obvezna.", en="The value is required.", where=where
        )
    if len(text) > limit:
        raise InvalidLength(
            "sepa.length",
            sl=f"Vrednost je daljša od {limit} znakov.",
            en=f"The value is longer than {limit} characters.",
            where=where,
        )
    return text


def _identifier(value: object, where: str) -> str:
    if (
        not isinstance(value, str)
        or len(value) > _ID_MAX
        or not _SEPA_ID.fullmatch(value)
        or value.startswith("/")
        or value.endswith("/")
        or "//" in value
    ):
        raise InvalidFormat(
            "sepa.id",
            sl="Oznaka mora imeti od 1 do 35 znakov a-z, A-Z, 0-9, / - ? : ( ) . , ' + "
            "(brez presledkov), ne sme se začeti ali končati z / in ne sme vsebovati //.",
            en="An identifier must have 1 to 35 characters a-z, A-Z, 0-9, / - ? : ( ) . , ' + "
            "(no spaces), must not start or end with / and must not contain //.",
            where=where,
        )
    return value


def _cents(value: Decimal, where: str) -> int:
    if not is_whole_cents(value):
        raise InvalidFormat(
            "sepa.amount_cents",
            sl="Znesek mora biti zaokrožen na cente.",
            en="The amount must be rounded to cents.",
            where=where,
        )
    # compare before converting: an exponent such as 1E+1000 must not become a huge int
    cents = int(value.scaleb(2)) if Decimal("0.01") <= value <= _MAX_AMOUNT else 0
    if not 1 <= cents <= _MAX_CENTS:
        raise InvalidFormat(
            "sepa.amount_range",
            sl="Znesek mora biti med 0,01 in 999.999.999,99 EUR.",
            en="The amount must be between 0.01 and 999,999,999.99 EUR.",
            where=where,
        )
    return cents


def _plain_date(value: object, where: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidFormat(
            "sepa.date", sl="Vrednost mora biti datum.", en="The value must be a date.", where=where
        )
    return value


def _wrong_type(code: str, expected: str, value: object, where: str) -> InvalidType:
    kind = type(value).__name__
    return InvalidType(
        code,
        sl=f"Vrednost mora biti {expected}, ne {kind}.",
        en=f"The value must be a {expected}, not {kind}.",
        where=where,
    )


def _address(value: Address | None, where: str) -> tuple[str, str, str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Address):
        raise _wrong_type("sepa.address.type", "Address", value, where)
    country = value.country
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
        raise InvalidComponent(
            "sepa.country",
            sl="Koda države mora imeti dve veliki črki (ISO 3166).",
            en="The country code must be two capital letters (ISO 3166).",
            where=f"{where}.country",
        )
    return (
        _text(value.street, 70, f"{where}.street"),
        _text(value.post_code, 16, f"{where}.post_code"),
        _text(value.city, 35, f"{where}.city"),
        country,
    )


def _bic(value: str | None, version: Pain008Version, where: str) -> str | None:
    if value is None:
        return None
    bic = value.replace(" ", "").upper() if isinstance(value, str) else ""
    if not _BIC[version].fullmatch(bic):
        raise InvalidFormat(
            "sepa.bic",
            sl="BIC nima pravilne oblike za to različico sporočila.",
            en="The BIC does not have the form this message version requires.",
            where=where,
        )
    return bic


def _known_bic(iban: str, cache: dict[str, str | None]) -> str | None:
    """The BIC of a Slovenian IBAN's bank from the registry, looked up once per bank."""
    if not iban.startswith("SI"):
        return None
    bank_code = iban[4:9]
    if bank_code not in cache:
        try:
            cache[bank_code] = _iban.bank(iban).bic
        except ValidationError:
            cache[bank_code] = None
    return cache[bank_code]


def _check_id(check: Callable[[str], str], value: object, where: str) -> str:
    """Run an ``ids`` validate() and name the transaction and field in its error."""
    if not isinstance(value, str):
        raise InvalidFormat(
            "sepa.type",
            sl="Vrednost mora biti besedilo.",
            en="The value must be text.",
            where=where,
        )
    try:
        return check(value)
    except ValidationError as exc:
        raise type(exc)(exc.code, sl=exc.sl, en=exc.en, where=where) from None


class _Context:
    """The state of one pass: the settings, small caches and what the file-wide rules remember.

    ``end_to_end_ids`` (a set) and ``mandates`` (mandate id → its sequence type)
    are the only state that grows with the file, about 200 bytes a transaction,
    besides the warnings.  ``repr()`` shows counts, never the ids.
    """

    __slots__ = (
        "bics",
        "created",
        "creditor_id",
        "dates",
        "end_to_end_ids",
        "good_days",
        "horizon",
        "mandates",
        "max_days_ahead",
        "notice_days",
        "version",
        "warnings",
    )

    def __init__(
        self,
        version: Pain008Version,
        creditor_id: str,
        bics: dict[str, str | None],
        *,
        created: date,
        max_days_ahead: int | None,
        notice_days: int,
    ) -> None:
        self.version: Pain008Version = version
        self.creditor_id = creditor_id
        self.bics = bics
        self.dates: dict[date, str] = {}
        """ISO forms of the dates seen: a file has few distinct dates."""
        self.good_days: set[date] = set()
        """Collection dates that passed the date rules."""
        self.created = created
        self.max_days_ahead = max_days_ahead
        self.horizon = None if max_days_ahead is None else created + timedelta(max_days_ahead)
        self.notice_days = notice_days
        self.end_to_end_ids: set[str] = set()
        self.mandates: dict[str, SequenceType] = {}
        self.warnings: list[SepaWarning] = []

    def __repr__(self) -> str:
        return (
            f"_Context(version={self.version!r}, transactions={len(self.end_to_end_ids)}, "
            f"mandates={len(self.mandates)}, warnings={len(self.warnings)})"
        )

    def iso(self, value: date) -> str:
        text = self.dates.get(value)
        if text is None:
            text = self.dates[value] = value.isoformat()
        return text

    def collection_day(self, when: date) -> str:
        """The ISO form of a collection date after the date rules (checked once per date)."""
        if when not in self.good_days:
            self._check_day(when)
            self.good_days.add(when)
        return self.iso(when)

    def _check_day(self, when: date) -> None:
        created = self.created
        if when < created:
            offer = next_target_day(created)
            raise InvalidComponent(
                "sepa.collection_date_past",
                sl=f"Datum obremenitve {when} je pred dnem nastanka datoteke ({created}); "
                f"prvi veljavni datum je {offer}.",
                en=f"The collection date {when} is before the day the file is created "
                f"({created}); the first valid date is {offer}.",
                where="collection_date",
            )
        if not is_target_day(when):
            offer = next_target_day(when)
            why_sl, why_en = _closed_reason(when)
            raise InvalidComponent(
                "sepa.collection_date_closed",
                sl=f"Datum obremenitve {when} ni delovni dan TARGET2 ({why_sl}); "
                f"prvi naslednji veljavni datum je {offer}.",
                en=f"The collection date {when} is not a TARGET2 business day ({why_en}); "
                f"the next valid date is {offer}.",
                where="collection_date",
            )
        if self.horizon is not None and when > self.horizon:
            latest = _previous_target_day(self.horizon)
            if latest >= created:
                offer_sl = f"zadnji veljavni datum je {latest}"
                offer_en = f"the last valid date is {latest}"
            else:  # a limit of a day or two over a weekend: no TARGET2 day at all
                offer_sl = "do meje ni nobenega dneva TARGET2"
                offer_en = "there is no TARGET2 day within the limit"
            raise InvalidComponent(
                "sepa.collection_date_too_far",
                sl=f"Datum obremenitve {when} je več kot {self.max_days_ahead} dni po dnevu "
                f"nastanka datoteke ({created}); {offer_sl}.",
                en=f"The collection date {when} is more than {self.max_days_ahead} days after "
                f"the day the file is created ({created}); {offer_en}.",
                where="collection_date",
            )

    def register(self, e2e: str, mandate_id: str, sequence: SequenceType) -> None:
        """Remember the transaction's ids; refuse a repeated end-to-end id or a second sequence."""
        seen_ids = self.end_to_end_ids
        if e2e in seen_ids:
            raise InvalidComponent(
                "sepa.duplicate_end_to_end_id",
                sl="Oznaka end-to-end je v datoteki že pri eni od prejšnjih transakcij; "
                "v datoteki mora biti edinstvena.",
                en="The end-to-end id is already used by an earlier transaction; it must be "
                "unique in the file.",
                where="end_to_end_id",
            )
        seen_ids.add(e2e)
        seen = self.mandates.setdefault(mandate_id, sequence)
        if seen is not sequence:
            raise InvalidComponent(
                "sepa.mandate_sequence_conflict",
                sl=f"Soglasje je v datoteki že z vrsto zaporedja {seen.value}, tu pa "
                f"{sequence.value}; v eni datoteki ima soglasje le eno vrsto zaporedja.",
                en=f"The mandate is already in the file with the sequence type {seen.value}, "
                f"here {sequence.value}; a mandate has one sequence type per file.",
                where="mandate.sequence",
            )

    def pre_notification(self, index: int, e2e: str, notified: date, when: date) -> None:
        """Add a warning when the payer was notified less than the period before ``when``."""
        days = (when - notified).days
        if days >= self.notice_days:
            return
        earliest = next_target_day(max(notified + timedelta(self.notice_days), when))
        label = _label(index, e2e)
        self.warnings.append(
            SepaWarning(
                code="sepa.pre_notification_short",
                sl=f"Plačnik je bil o obremenitvi {when} obveščen {notified}, {days} dni prej; "
                f"predpisanih je vsaj {self.notice_days} dni, torej obremenitev najprej "
                f"{earliest}.",
                en=f"The payer was notified on {notified} of the collection on {when}, {days} "
                f"days before; at least {self.notice_days} days are required, so the earliest "
                f"collection is {earliest}.",
                where=f"{label}: notified_on",
                transaction=index,
                end_to_end_id=e2e,
                suggested_date=earliest,
            )
        )


def _closed_reason(day: date) -> tuple[str, str]:
    """Why TARGET2 is closed on ``day``, in Slovenian and English."""
    if day.weekday() == 5:
        return "sobota", "a Saturday"
    if day.weekday() == 6:
        return "nedelja", "a Sunday"
    easter = _easter(day.year)
    names = {
        (1, 1): ("novo leto", "New Year's Day"),
        (5, 1): ("praznik dela", "Labour Day"),
        (12, 25): ("božič", "Christmas Day"),
        (12, 26): ("26. december", "26 December"),
    }
    if day == easter - timedelta(days=2):
        return "veliki petek", "Good Friday"
    if day == easter + timedelta(days=1):
        return "velikonočni ponedeljek", "Easter Monday"
    return names[(day.month, day.day)]


def _amendment(
    amendment: MandateAmendment, mandate_id: str, context: _Context, where: str
) -> tuple[str | None, str | None, str | None, str | None, bool]:
    original_id = original_ci = original_name = original_iban = None
    if amendment.original_reference is not None:
        original_id = _check_id(
            _mandate.validate, amendment.original_reference, f"{where}.original_reference"
        )
        if original_id == mandate_id:
            raise ConfigurationError(
                "sepa.amendment_same_mandate",
                sl="Prvotna oznaka soglasja je enaka sedanji.",
                en="The original mandate id is the same as the current one.",
                where=f"{where}.original_reference",
            )
    if amendment.original_creditor_id is not None:
        original_ci = _check_id(
            _creditor_id.validate, amendment.original_creditor_id, f"{where}.original_creditor_id"
        )
        if original_ci == context.creditor_id:
            raise ConfigurationError(
                "sepa.amendment_same_creditor",
                sl="Prvotna identifikacija prejemnika je enaka sedanji.",
                en="The original creditor identifier is the same as the current one.",
                where=f"{where}.original_creditor_id",
            )
    if amendment.original_creditor_name is not None:
        original_name = _text(
            amendment.original_creditor_name, _NAME_MAX, f"{where}.original_creditor_name"
        )
    if amendment.original_iban is not None:
        original_iban = _check_id(_iban.validate, amendment.original_iban, f"{where}.original_iban")
    if not (original_id or original_ci or original_name or original_iban) and not (
        amendment.new_debtor_account
    ):
        raise ConfigurationError(
            "sepa.amendment_empty",
            sl="Sprememba soglasja ne navaja, kaj se je spremenilo.",
            en="The mandate amendment does not say what changed.",
            where=where,
        )
    return (
        original_id,
        original_ci,
        original_name,
        original_iban,
        bool(amendment.new_debtor_account),
    )


def _prepare(tx: object, index: int, context: _Context) -> _Tx:
    """Check one transaction and return the strings to write.

    Errors name the transaction (index and end-to-end id) and the field.
    """
    if not isinstance(tx, DirectDebit):
        kind = type(tx).__name__
        raise InvalidType(
            "sepa.transaction.type",
            sl=f"Transakcija mora biti DirectDebit, ne {kind}.",
            en=f"A transaction must be a DirectDebit, not {kind}.",
            where=_label(index, None),
        )
    try:
        return _checked(tx, index, context)
    except SzoError as exc:
        label = _label(index, tx.end_to_end_id)
        where = f"{label}: {exc.where}" if exc.where else label
        raise type(exc)(exc.code, sl=exc.sl, en=exc.en, where=where) from None


def _checked(tx: DirectDebit, index: int, context: _Context) -> _Tx:
    e2e = _identifier(tx.end_to_end_id, "end_to_end_id")
    cents = _cents(tx.amount, "amount")
    when = _plain_date(tx.collection_date, "collection_date")
    mandate = tx.mandate
    if not isinstance(mandate, DebitMandate):
        raise InvalidFormat(
            "sepa.mandate",
            sl="Transakcija nima soglasja.",
            en="The transaction has no mandate.",
            where="mandate",
        )
    if not isinstance(mandate.sequence, SequenceType):
        raise InvalidComponent(
            "sepa.sequence",
            sl="Vrsta zaporedja mora biti FRST, RCUR, OOFF ali FNAL.",
            en="The sequence type must be FRST, RCUR, OOFF or FNAL.",
            where="mandate.sequence",
        )
    signed = _plain_date(mandate.signed_on, "mandate.signed_on")
    if signed > when:
        raise InvalidComponent(
            "sepa.signature_after_collection",
            sl="Soglasje je podpisano po datumu obremenitve.",
            en="The mandate is signed after the collection date.",
            where="mandate.signed_on",
        )
    mandate_id = _check_id(_mandate.validate, mandate.reference, "mandate.reference")
    iban = _check_id(_iban.validate, mandate.iban, "mandate.iban")
    amendment = None
    if mandate.amendment is not None:
        if not isinstance(mandate.amendment, MandateAmendment):
            raise _wrong_type(
                "sepa.amendment.type", "MandateAmendment", mandate.amendment, "mandate.amendment"
            )
        amendment = _amendment(mandate.amendment, mandate_id, context, "mandate.amendment")
    bic = _bic(mandate.bic, context.version, "mandate.bic")
    if bic is None and context.version == "pain.008.001.02":
        bic = _known_bic(iban, context.bics)
    reference = None
    if tx.reference is not None:
        reference = _check_id(_reference.validate, tx.reference, "reference")
    remittance = None
    if tx.remittance is not None:
        remittance = _text(tx.remittance, _TEXT_MAX, "remittance", required=False) or None
    purpose = tx.purpose
    if purpose is not None and (not isinstance(purpose, str) or purpose not in PURPOSE_CODES):
        raise InvalidComponent(
            "sepa.purpose",
            sl="Koda namena ni na seznamu kod namena.",
            en="The purpose code is not in the list of purpose codes.",
            where="purpose",
        )
    address = _address(tx.debtor_address, "debtor_address")
    name = _text(mandate.debtor_name, _NAME_MAX, "debtor_name")
    # the file-wide rules, once the transaction itself is sound
    day = context.collection_day(when)
    if tx.notified_on is not None:
        notified = _plain_date(tx.notified_on, "notified_on")
        context.pre_notification(index, e2e, notified, when)
    context.register(e2e, mandate_id, mandate.sequence)
    return _Tx(
        key=(day, mandate.sequence),
        e2e=e2e,
        cents=cents,
        mandate_id=mandate_id,
        signature_date=context.iso(signed),
        amendment=amendment,
        bic=bic,
        name=name,
        iban=iban,
        address=address,
        reference=reference,
        remittance=remittance,
        purpose=purpose,
    )


class _Header(NamedTuple):
    message_id: str
    created_at: str
    initiating_party: str
    creditor_name: str
    creditor_address: tuple[str, str, str, str] | None
    creditor_iban: str
    creditor_bic: str
    creditor_id: str

    def __repr__(self) -> str:
        return _masked_repr(self, {"creditor_iban": iban_repr})


def _header(
    batch: DirectDebitBatch, version: Pain008Version, bics: dict[str, str | None]
) -> _Header:
    message_id = _identifier(batch.message_id, "message_id")
    created = batch.created_at
    if not isinstance(created, datetime):
        raise InvalidFormat(
            "sepa.created_at",
            sl="Čas nastanka mora biti datum in ura.",
            en="The creation time must be a date and time.",
            where="created_at",
        )
    creditor = batch.creditor
    if not isinstance(creditor, Creditor):
        raise _wrong_type("sepa.creditor.type", "Creditor", creditor, "creditor")
    iban = _check_id(_iban.validate, creditor.iban, "creditor.iban")
    bic = _bic(creditor.bic, version, "creditor.bic") or _known_bic(iban, bics)
    if bic is None or not _BIC[version].fullmatch(bic):
        raise ConfigurationError(
            "sepa.creditor_bic",
            sl="BIC banke prejemnika ni podan in ga ni v registru bank.",
            en="The creditor's BIC is not given and is not in the bank registry.",
            where="creditor.bic",
        )
    name = _text(creditor.name, _NAME_MAX, "creditor.name")
    party = name
    if batch.initiating_party is not None:
        party = _text(batch.initiating_party, _NAME_MAX, "initiating_party")
    if batch.local_instrument not in ("CORE", "B2B"):
        raise ConfigurationError(
            "sepa.local_instrument",
            sl="Shema mora biti CORE ali B2B.",
            en="The scheme must be CORE or B2B.",
            where="local_instrument",
        )
    return _Header(
        message_id=message_id,
        created_at=created.isoformat(timespec="seconds"),
        initiating_party=party,
        creditor_name=name,
        creditor_address=_address(creditor.address, "creditor.address"),
        creditor_iban=iban,
        creditor_bic=bic,
        creditor_id=_check_id(_creditor_id.validate, creditor.creditor_id, "creditor.creditor_id"),
    )


# --------------------------------------------------------------------------- writing


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


_SE = etree.SubElement


def _leaf(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = _SE(parent, tag)
    element.text = text
    return element


def _postal(parent: etree._Element, address: tuple[str, str, str, str]) -> None:
    postal = _SE(parent, "PstlAdr")
    _leaf(postal, "StrtNm", address[0])
    _leaf(postal, "PstCd", address[1])
    _leaf(postal, "TwnNm", address[2])
    _leaf(postal, "Ctry", address[3])


def _scheme_id(parent: etree._Element, tag: str, creditor_id: str | None, name: str | None) -> None:
    party = _SE(parent, tag)
    if name is not None:
        _leaf(party, "Nm", name)
    if creditor_id is not None:
        other = _SE(_SE(_SE(party, "Id"), "PrvtId"), "Othr")
        _leaf(other, "Id", creditor_id)
        _leaf(_SE(other, "SchmeNm"), "Prtry", "SEPA")


_Shape = tuple[bool, bool, bool, str]
_Filler = Callable[[_Tx], None]


def _template(version: Pain008Version, shape: _Shape) -> tuple[etree._Element, _Filler]:
    """Build a reusable ``DrctDbtTxInf`` element and a function that fills it in."""
    has_bic, has_address, has_purpose, remittance = shape
    tx = etree.Element("DrctDbtTxInf")
    e2e = _SE(_SE(tx, "PmtId"), "EndToEndId")
    amount = _SE(tx, "InstdAmt", Ccy="EUR")
    info = _SE(_SE(tx, "DrctDbtTx"), "MndtRltdInf")
    mandate_id = _SE(info, "MndtId")
    signed = _SE(info, "DtOfSgntr")
    _leaf(info, "AmdmntInd", "false")
    institution = _SE(_SE(tx, "DbtrAgt"), "FinInstnId")
    bic = _SE(institution, _BIC_TAG[version]) if has_bic else None
    if bic is None:
        _leaf(_SE(institution, "Othr"), "Id", "NOTPROVIDED")
    debtor = _SE(tx, "Dbtr")
    name = _SE(debtor, "Nm")
    address: list[etree._Element] = []
    if has_address:
        postal = _SE(debtor, "PstlAdr")
        address = [_SE(postal, tag) for tag in ("StrtNm", "PstCd", "TwnNm", "Ctry")]
    iban = _SE(_SE(_SE(tx, "DbtrAcct"), "Id"), "IBAN")
    purpose = _SE(_SE(tx, "Purp"), "Cd") if has_purpose else None
    text: etree._Element | None = None
    if remittance == "ref":
        ref_info = _SE(_SE(_SE(tx, "RmtInf"), "Strd"), "CdtrRefInf")
        _leaf(_SE(_SE(ref_info, "Tp"), "CdOrPrtry"), "Cd", "SCOR")
        text = _SE(ref_info, "Ref")
    elif remittance == "text":
        text = _SE(_SE(tx, "RmtInf"), "Ustrd")

    def fill(values: _Tx) -> None:
        e2e.text = values.e2e
        amount.text = _amount(values.cents)
        mandate_id.text = values.mandate_id
        signed.text = values.signature_date
        if bic is not None:
            bic.text = values.bic
        name.text = values.name
        if values.address is not None:
            for element, part in zip(address, values.address, strict=True):
                element.text = part
        iban.text = values.iban
        if purpose is not None:
            purpose.text = values.purpose
        if text is not None:
            text.text = values.reference if values.reference is not None else values.remittance

    return tx, fill


def _amended(version: Pain008Version, values: _Tx) -> etree._Element:
    """Build a transaction with amendment details (rare: built one by one)."""
    shape = _shape(values)
    tx, fill = _template(version, shape)
    fill(values)
    assert values.amendment is not None
    original_id, original_ci, original_name, original_iban, new_account = values.amendment
    info = tx.find("DrctDbtTx/MndtRltdInf")
    assert info is not None
    indicator = info.find("AmdmntInd")
    assert indicator is not None
    indicator.text = "true"
    details = etree.Element("AmdmntInfDtls")
    indicator.addnext(details)
    if original_id is not None:
        _leaf(details, "OrgnlMndtId", original_id)
    if original_ci is not None or original_name is not None:
        _scheme_id(details, "OrgnlCdtrSchmeId", original_ci, original_name)
    if original_iban is not None:
        _leaf(_SE(_SE(details, "OrgnlDbtrAcct"), "Id"), "IBAN", original_iban)
    if new_account:
        _leaf(_SE(_SE(_SE(details, "OrgnlDbtrAgt"), "FinInstnId"), "Othr"), "Id", "SMNDA")
    return tx


def _shape(values: _Tx) -> _Shape:
    remittance = "ref" if values.reference is not None else "text" if values.remittance else ""
    return (
        values.bic is not None,
        values.address is not None,
        values.purpose is not None,
        remittance,
    )


class _Writer:
    def __init__(self, version: Pain008Version) -> None:
        self.version = version
        self.templates: dict[_Shape, tuple[etree._Element, _Filler]] = {}

    def element(self, values: _Tx) -> etree._Element:
        if values.amendment is not None:
            return _amended(self.version, values)
        shape = _shape(values)
        found = self.templates.get(shape)
        if found is None:
            found = self.templates[shape] = _template(self.version, shape)
        element, fill = found
        fill(values)
        return element


def _group_header(header: _Header, count: int, cents: int) -> etree._Element:
    group = etree.Element("GrpHdr")
    _leaf(group, "MsgId", header.message_id)
    _leaf(group, "CreDtTm", header.created_at)
    _leaf(group, "NbOfTxs", str(count))
    _leaf(group, "CtrlSum", _amount(cents))
    _leaf(_SE(group, "InitgPty"), "Nm", header.initiating_party)
    return group


def _block_header(
    header: _Header,
    batch: DirectDebitBatch,
    version: Pain008Version,
    block_id: str,
    key: tuple[str, str],
    totals: _Spool,
) -> etree._Element:
    block = etree.Element("PmtInf")
    _leaf(block, "PmtInfId", block_id)
    _leaf(block, "PmtMtd", "DD")
    _leaf(block, "BtchBookg", "true" if batch.batch_booking else "false")
    _leaf(block, "NbOfTxs", str(totals.count))
    _leaf(block, "CtrlSum", _amount(totals.cents))
    kind = _SE(block, "PmtTpInf")
    _leaf(_SE(kind, "SvcLvl"), "Cd", "SEPA")
    _leaf(_SE(kind, "LclInstrm"), "Cd", batch.local_instrument)
    _leaf(kind, "SeqTp", key[1])
    _leaf(block, "ReqdColltnDt", key[0])
    creditor = _SE(block, "Cdtr")
    _leaf(creditor, "Nm", header.creditor_name)
    if header.creditor_address is not None:
        _postal(creditor, header.creditor_address)
    _leaf(_SE(_SE(block, "CdtrAcct"), "Id"), "IBAN", header.creditor_iban)
    _leaf(_SE(_SE(block, "CdtrAgt"), "FinInstnId"), _BIC_TAG[version], header.creditor_bic)
    _leaf(block, "ChrgBr", "SLEV")
    _scheme_id(block, "CdtrSchmeId", header.creditor_id, None)
    return block


_SPOOL_OPEN: Final = b"<S>"
_SPOOL_CLOSE: Final = b"</S>"


class _Spool:
    """The transactions of one payment-information block, serialised to a temporary file.

    lxml's incremental writer needs one root, so the file holds ``<S>...</S>``; the
    wrapper's bytes are left out when the block is copied into the message.
    """

    def __init__(self, directory: str | None) -> None:
        self.count = 0
        self.cents = 0
        self._stack = contextlib.ExitStack()
        self.file = self._stack.enter_context(tempfile.TemporaryFile(dir=directory))  # noqa: SIM115
        self._xf = self._stack.enter_context(etree.xmlfile(self.file, encoding="UTF-8"))
        self._root = self._xf.element("S")
        self._root.__enter__()
        self._open = True
        self.size = 0

    def add(self, values: _Tx, element: etree._Element) -> None:
        self.count += 1
        self.cents += values.cents
        self._xf.write(element)

    def finish(self) -> None:
        self._root.__exit__(None, None, None)
        self._open = False
        self._xf.flush()
        self.size = self.file.tell()

    def copy_to(self, out: IO[bytes]) -> None:
        self.file.seek(len(_SPOOL_OPEN))
        left = self.size - len(_SPOOL_OPEN) - len(_SPOOL_CLOSE)
        while left > 0:
            chunk = self.file.read(min(left, 1 << 20))
            out.write(chunk)
            left -= len(chunk)

    def close(self) -> None:
        if self._open:  # an error stopped the pass: close the wrapper so lxml can close
            self._open = False
            self._root.__exit__(None, None, None)
        self._stack.close()


def _spool(
    transactions: Iterator[object],
    context: _Context,
    directory: str | None,
    stack: contextlib.ExitStack,
) -> dict[tuple[str, str], _Spool]:
    """The single pass: check each transaction and serialise it into its block's spool."""
    writer = _Writer(context.version)
    spools: dict[tuple[str, str], _Spool] = {}
    for index, tx in enumerate(transactions):
        values = _prepare(tx, index, context)
        spool = spools.get(values.key)
        if spool is None:
            spool = spools[values.key] = _Spool(directory)
            stack.callback(spool.close)
        spool.add(values, writer.element(values))
    for spool in spools.values():
        spool.finish()
    return spools


def _assemble(
    out: IO[bytes],
    batch: DirectDebitBatch,
    version: Pain008Version,
    header: _Header,
    spools: dict[tuple[str, str], _Spool],
    warnings: tuple[SepaWarning, ...],
) -> WriteSummary:
    total_count = sum(spool.count for spool in spools.values())
    total_cents = sum(spool.cents for spool in spools.values())
    summaries: list[PaymentInformationSummary] = []
    namespace = _NS_PREFIX + version
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{namespace}}}Document", nsmap={None: namespace}):  # noqa: SIM117
            with xf.element("CstmrDrctDbtInitn"):
                xf.write(_group_header(header, total_count, total_cents))
                for number, (key, spool) in enumerate(spools.items(), 1):
                    block_id = f"{header.message_id[:26]}-{number}"
                    with xf.element("PmtInf"):
                        for child in _block_header(header, batch, version, block_id, key, spool):
                            xf.write(child)
                        xf.flush()
                        spool.copy_to(out)
                    summaries.append(
                        PaymentInformationSummary(
                            payment_information_id=block_id,
                            collection_date=date.fromisoformat(key[0]),
                            sequence=SequenceType(key[1]),
                            transactions=spool.count,
                            control_sum=Decimal(_amount(spool.cents)),
                        )
                    )
    return WriteSummary(
        version=version,
        message_id=header.message_id,
        transactions=total_count,
        control_sum=Decimal(_amount(total_cents)),
        payment_information=tuple(summaries),
        warnings=warnings,
    )


def _transactions(batch: DirectDebitBatch) -> Iterator[object]:
    """The iterator over the batch's transactions, or a clear error for a wrong type."""
    transactions: object = batch.transactions
    if not isinstance(transactions, str | bytes | bytearray | memoryview):
        try:
            found: Iterator[object] = iter(transactions)  # type: ignore[call-overload]
        except TypeError:
            pass
        else:
            return found
    kind = type(transactions).__name__
    raise InvalidType(
        "sepa.transactions.type",
        sl=f"Transakcije morajo biti zaporedje (seznam, generator) DirectDebit, ne {kind}.",
        en="The transactions must be an iterable (a list, a generator) of DirectDebit, "
        f"not {kind}.",
        where="transactions",
    )


def _days(value: object, where: str, *, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        kind = type(value).__name__
        raise InvalidType(
            f"sepa.{where}.type",
            sl=f"Število dni mora biti celo število, ne {kind}.",
            en=f"The number of days must be an int, not {kind}.",
            where=where,
        )
    if value < 0:
        raise ConfigurationError(
            f"sepa.{where}",
            sl="Število dni ne sme biti negativno.",
            en="The number of days must not be negative.",
            where=where,
        )
    return value


def _check_message_id(message_id: str, used: Container[str] | None) -> None:
    if used is None:
        return
    if isinstance(used, str | bytes) or not isinstance(used, Container):
        kind = type(used).__name__
        raise InvalidType(
            "sepa.used_message_ids.type",
            sl=f"Register oznak sporočil mora biti množica (set) ali vsebnik, ne {kind}.",
            en=f"The register of message ids must be a set or another container, not {kind}.",
            where="used_message_ids",
        )
    if message_id in used:
        raise InvalidComponent(
            "sepa.duplicate_message_id",
            sl="Oznaka sporočila je že bila uporabljena v drugi datoteki tega prejemnika.",
            en="The message id was already used in another file of this creditor.",
            where="message_id",
        )


def write_pain008(
    batch: DirectDebitBatch,
    out: IO[bytes] | str | os.PathLike[str],
    version: Pain008Version = "pain.008.001.02",
    *,
    spool_dir: str | os.PathLike[str] | None = None,
    max_days_ahead: int | None = 30,
    pre_notification_days: int = 14,
    used_message_ids: Container[str] | None = None,
) -> WriteSummary:
    """Check every transaction, then stream the pain.008 message to ``out``.

    Args:
        batch: The message: ids, creditor and the transactions (any iterable,
            read once).
        out: A binary file object, or a path (written through a temporary file
            that replaces the target only when complete).
        version: ``"pain.008.001.02"`` (default) or ``"pain.008.001.08"``.
        spool_dir: Where the blocks are spooled while the transactions are
            read; by default beside ``out`` when it is a path, else the system's
            temporary directory.
        max_days_ahead: The latest collection date, in days after the day of
            ``batch.created_at`` (30, as UJP accepts); ``None`` for no limit.
        pre_notification_days: The days a payer must have been told before a
            collection (14 by the rulebook and UJP); a transaction with
            ``notified_on`` later than that gives a warning, not an error.
        used_message_ids: The creditor's register of message ids already sent
            (a set, or any container such as a database lookup).  The writer
            only reads it; add ``batch.message_id`` once the file is submitted.
            ``None`` (the default) leaves the check to the caller.

    Returns:
        The totals written, per block and for the message, and the warnings.

    Raises:
        szo_core.errors.ValidationError: a transaction or the header breaks a
            rule; ``where`` names it (by index and end-to-end id).  Nothing has
            been written to ``out``.
        szo_core.errors.InvalidType: ``batch`` is not a ``DirectDebitBatch``,
            its transactions are not an iterable of ``DirectDebit`` (``where``
            names the index), or an argument has the wrong type.  Nothing has
            been written.
        szo_core.errors.ConfigurationError: a bad version, no transactions, no
            creditor BIC, a negative number of days.

    Example:
        >>> from datetime import datetime
        >>> batch = DirectDebitBatch(
        ...     message_id="M-1", created_at=datetime(2026, 10, 1, 9, 0), transactions=[],
        ...     creditor=Creditor(name="Vrtec Mavrica", iban="SI56011006000000023",
        ...                       bic="BSLJSI2X", creditor_id="SI72ZZZ12345679"))
        >>> write_pain008(batch, io.BytesIO())
        Traceback (most recent call last):
        ...
        szo_core.errors.ConfigurationError: sepa.no_transactions: ...
        >>> write_pain008(batch, io.BytesIO(), used_message_ids={"M-1"})
        Traceback (most recent call last):
        ...
        szo_core.errors.InvalidComponent: sepa.duplicate_message_id: ...
    """
    if version not in VERSIONS:
        raise ConfigurationError(
            "sepa.version",
            sl="Podprti različici sta pain.008.001.02 in pain.008.001.08.",
            en="The supported versions are pain.008.001.02 and pain.008.001.08.",
            where="version",
        )
    if not isinstance(batch, DirectDebitBatch):
        raise _wrong_type("sepa.batch.type", "DirectDebitBatch", batch, "batch")
    horizon = _days(max_days_ahead, "max_days_ahead", optional=True)
    notice = _days(pre_notification_days, "pre_notification_days", optional=False)
    assert notice is not None
    bics: dict[str, str | None] = {}
    header = _header(batch, version, bics)
    _check_message_id(header.message_id, used_message_ids)
    transactions = _transactions(batch)
    context = _Context(
        version,
        header.creditor_id,
        bics,
        created=batch.created_at.date(),
        max_days_ahead=horizon,
        notice_days=notice,
    )
    target = Path(out) if isinstance(out, str | os.PathLike) else None
    directory = spool_dir if spool_dir is not None else target.parent if target else None
    with contextlib.ExitStack() as stack:
        spools = _spool(transactions, context, None if directory is None else str(directory), stack)
        if not spools:
            raise ConfigurationError(
                "sepa.no_transactions",
                sl="Sporočilo nima nobene transakcije.",
                en="The message has no transactions.",
                where="transactions",
            )
        warnings = tuple(context.warnings)
        if target is None:
            assert not isinstance(out, str | os.PathLike)
            return _assemble(out, batch, version, header, spools, warnings)
        # beside the target, then renamed: never a truncated file; a new file's mode
        with atomic_write(target) as handle:
            return _assemble(handle, batch, version, header, spools, warnings)


def debit_from_instruction(
    instruction: PaymentInstruction,
    *,
    collection_date: date,
    purpose: str | None = None,
    structured: bool = True,
    notified_on: date | None = None,
) -> DirectDebit:
    """Turn a direct-debit payment instruction into a :class:`DirectDebit`.

    The end-to-end id is the instruction id, the amount is copied exactly, and
    the debtor's address is the payer's.  With ``structured=True`` the
    instruction's reference travels as a structured creditor reference;
    otherwise the description goes as one unstructured line, shortened to 140
    characters by :func:`szo_core.payments.shorten`.  ``notified_on`` is the
    day the payer was told of the collection (usually the invoice's date); the
    writer warns when it is less than the pre-notification period before.

    Raises:
        szo_core.errors.ConfigurationError: ``sepa.not_direct_debit`` if the
            instruction has no mandate.

    Example:
        >>> from decimal import Decimal
        >>> from szo_core.calendar import Month
        >>> from szo_core.model import PaymentKind
        >>> pi = PaymentInstruction(
        ...     instruction_id="F7-202609", payer_id="P-1", payer_name="Špela Žagar",
        ...     payer_address=Address(street="Čopova ulica 7", post_code="1000",
        ...                           city="Ljubljana"),
        ...     period=Month(2026, 9), amount=Decimal("200.75"), reference="RF77F7202609",
        ...     method=PaymentKind.DIRECT_DEBIT, invoice_numbers=("1", "2"),
        ...     child_codes=(101, 102), group_id="F7", description="Plačilo 2026-09",
        ...     mandate=DebitMandate(reference="00555-00028", signed_on=date(2025, 8, 20),
        ...                          debtor_name="Špela Žagar", iban="SI56020170014356205"))
        >>> debit = debit_from_instruction(pi, collection_date=date(2026, 10, 18))
        >>> debit.end_to_end_id, debit.reference
        ('F7-202609', 'RF77F7202609')
    """
    if instruction.mandate is None:
        raise ConfigurationError(
            "sepa.not_direct_debit",
            sl="Plačilo nima soglasja za direktno obremenitev.",
            en="The payment has no direct debit mandate.",
            where=instruction.instruction_id,
        )
    return DirectDebit(
        end_to_end_id=instruction.instruction_id,
        amount=instruction.amount,
        collection_date=collection_date,
        mandate=instruction.mandate,
        debtor_address=instruction.payer_address,
        reference=instruction.reference if structured else None,
        remittance=None if structured else shorten(instruction.description, _TEXT_MAX),
        purpose=purpose,
        notified_on=notified_on,
    )


# --------------------------------------------------------------------------- XSD check


@lru_cache(maxsize=2)
def _schema(version: Pain008Version) -> etree.XMLSchema:
    source = resources.files("szo_core.payments").joinpath("_schemas", f"{version}.xsd")
    with source.open("rb") as handle:
        return etree.XMLSchema(etree.parse(handle))


# libxml2 quotes the offending value ("The value 'SI56...' is not accepted", "Element
# 'X': 'abc' is not a valid value"); it may be an IBAN, so it is blanked.
_QUOTED_VALUES = (
    (re.compile(r"value '[^']*'"), "value '…'"),
    (re.compile(r"(Element '[^']*': )'[^']*'"), r"\1'…'"),
)


def _open(source: bytes | str | os.PathLike[str]) -> IO[bytes]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    return open(source, "rb")


def _sniff_version(source: bytes | str | os.PathLike[str]) -> Pain008Version:
    with _open(source) as handle:
        try:
            for _event, element in etree.iterparse(
                handle, events=("start",), resolve_entities=False, no_network=True
            ):
                namespace = etree.QName(element).namespace or ""
                if element.getroottree().docinfo.doctype:
                    # A pain.008 has no DTD; one could only declare entities.  Refusing it
                    # lets validate() expand the standard entities only (see there).
                    raise InvalidFormat(
                        "sepa.dtd",
                        sl="Datoteka ima DTD (<!DOCTYPE>), ki ga sporočilo pain.008 nima.",
                        en="The file has a DTD (<!DOCTYPE>), which a pain.008 message has not.",
                        where="DOCTYPE",
                    )
                break
            else:
                namespace = ""
        except etree.XMLSyntaxError:
            namespace = ""
    version = namespace.removeprefix(_NS_PREFIX)
    for known in VERSIONS:
        if version == known:
            return known
    raise InvalidFormat(
        "sepa.not_pain008",
        sl="Datoteka ni sporočilo pain.008.001.02 ali pain.008.001.08.",
        en="The file is not a pain.008.001.02 or pain.008.001.08 message.",
        where="Document",
    )


def validate(source: bytes | str | os.PathLike[str]) -> SchemaCheck:
    """Check a pain.008 file against the official ISO 20022 XSD bundled with szo_core.

    The version is read from the namespace.  The file is parsed with
    ``lxml.etree.iterparse(schema=...)`` and each transaction is cleared once
    read, so memory stays flat however large the file is.  The XSD checks the
    structure, not the EPC rules; those are :func:`write_pain008`'s job.

    Args:
        source: The file's bytes or its path.

    Returns:
        The version and the number of transactions.

    Raises:
        szo_core.errors.InvalidFormat: ``sepa.not_pain008`` for another document,
            ``sepa.dtd`` for a file with a ``<!DOCTYPE>``, ``sepa.schema`` for a
            violation or a file that is not well-formed (cut off, for example;
            libxml2's message with the offending values blanked, ``where`` = the line).

    Example:
        >>> validate(b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.008.001.02'/>")
        Traceback (most recent call last):
        ...
        szo_core.errors.InvalidFormat: sepa.schema: ...
    """
    version = _sniff_version(source)
    tag = f"{{{_NS_PREFIX}{version}}}DrctDbtTxInf"
    count = 0
    with _open(source) as handle:
        try:
            for _event, element in etree.iterparse(
                handle,
                events=("end",),
                tag=tag,
                schema=_schema(version),
                # Not resolve_entities=False: with it libxml2 let a truncated file pass
                # (no end-of-document error).  A DTD is refused by _sniff_version, so no
                # entity but the five predefined ones can occur.
                no_network=True,
                huge_tree=True,
            ):
                count += 1
                element.clear()
                while element.getprevious() is not None:
                    parent = element.getparent()
                    assert parent is not None
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            detail = str(exc.msg or exc)
            for pattern, blank in _QUOTED_VALUES:
                detail = pattern.sub(blank, detail)
            line = exc.lineno
            raise InvalidFormat(
                "sepa.schema",
                sl=f"Datoteka ni veljavna po shemi XSD {version}: {detail}",
                en=f"The file is not valid against the {version} XSD: {detail}",
                where=f"line {line}" if line else "Document",
            ) from None
    return SchemaCheck(version=version, transactions=count)
