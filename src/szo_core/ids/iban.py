"""IBAN of any country, and the Slovenian TRR (transakcijski račun).

Validation is schwifty's ``IBAN(number, validate_bban=True)``: the country's
length and BBAN structure, the ISO 13616 check digits, and the national check
digits where schwifty has an algorithm for the country. For Slovenia that
algorithm is ISO 7064 MOD 97-10 over the 15-digit BBAN (``BBAN mod 97 == 1``),
and together with the IBAN check this forces the form ``SI56`` + 15 digits.
For countries without such an algorithm the national digits are not checked
(schwifty would only warn).

schwifty's exceptions are turned into szo_core errors and their text is dropped:
schwifty puts the IBAN in some messages, and szo_core never echoes an IBAN.

A TRR is the old domestic form of the same 15 digits: ``BBBBB-AAAAAAAACC``, a
5-digit bank/branch identifier, an 8-digit account and 2 national check digits.
:func:`from_trr` and :func:`to_trr` convert it. Old direct-debit documents
("trajni nalog") sometimes add a 2-digit sequence, ``BBBBB-AAAAAAAACC-NN``. That
form is not an account number and is rejected with ``trr.sequence_suffix``.

:func:`mask` keeps the country code, the IBAN check digits and the last four
characters, in groups of four: ``SI56 **** **** ***5 641``.

>>> iban = from_trr("02010-0012345641")
>>> iban
'SI56020100012345641'
>>> format(iban)
'SI56 0201 0001 2345 641'
>>> bank(iban).bic
'LJBASI2X'
>>> to_trr(iban)
'02010-0012345641'
"""

from __future__ import annotations

import re

import attrs
from schwifty import IBAN as _IBAN
from schwifty import exceptions as _schwifty_exc
from schwifty.checksum import algorithms as _schwifty_algorithms
from stdnum.iso7064 import mod_97_10 as _mod_97_10

from szo_core.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

__all__ = [
    "Bank",
    "bank",
    "compact",
    "format",
    "from_trr",
    "is_valid",
    "make_si",
    "mask",
    "to_trr",
    "validate",
]

_WHERE = "iban"
_DROP = str.maketrans("", "", " -.\t\n\r\f\v\u00a0")
# Countries for which schwifty can verify national check digits.  For the others
# ``validate_bban=True`` verifies nothing and only emits NationalChecksumNotVerified.
_NATIONAL_CHECK_COUNTRIES = frozenset(key.split(":", 1)[0] for key in _schwifty_algorithms)
_PLAIN_SI = re.compile(r"SI56[0-9]{15}")
_TRR = re.compile(r"(\d{5})-?(\d{10})")
_TRR_WITH_SEQUENCE = re.compile(r"\d{5}-?\d{10}(?:-\d{1,2}|\d{2})")


@attrs.frozen(kw_only=True)
class Bank:
    """A bank (payment service provider) from schwifty's registry.

    Attributes:
        code: The national bank code; for Slovenia the 5-digit identifier
            ``BBBBB`` of the TRR (bank and branch).
        name: The registered name.
        bic: The BIC, in its 8-character form when the branch part is ``XXX``.

    >>> Bank(code="02010", name="NLB D.D.", bic="LJBASI2X").bic
    'LJBASI2X'
    """

    code: str
    name: str
    bic: str


def _error(kind: type[ValidationError], code: str, sl: str, en: str) -> ValidationError:
    return kind(code, sl=sl, en=en, where=_WHERE)


def _format_error() -> ValidationError:
    return _error(
        InvalidFormat,
        "iban.format",
        "IBAN ima nedovoljene znake ali napačno zgradbo.",
        "The IBAN has characters or a structure that are not allowed.",
    )


# schwifty exception class -> (szo_core class, code, sl, en); no message holds the input.
_SCHWIFTY_ERRORS: dict[type[Exception], tuple[type[ValidationError], str, str, str]] = {
    _schwifty_exc.InvalidLength: (
        InvalidLength,
        "iban.length",
        "IBAN nima dolžine, ki jo predpisuje njegova država.",
        "The IBAN does not have the length its country prescribes.",
    ),
    _schwifty_exc.InvalidCountryCode: (
        InvalidComponent,
        "iban.country",
        "IBAN se ne začne z znano kodo države.",
        "The IBAN does not start with a known country code.",
    ),
    _schwifty_exc.InvalidChecksumDigits: (
        InvalidChecksum,
        "iban.checksum",
        "Kontrolni števki IBAN nista pravilni.",
        "The IBAN check digits are wrong.",
    ),
    _schwifty_exc.InvalidBBANChecksum: (
        InvalidChecksum,
        "iban.national_checksum",
        "Nacionalni kontrolni števki računa v IBAN nista pravilni.",
        "The national check digits of the account in the IBAN are wrong.",
    ),
}


def compact(number: str) -> str:
    """Return the IBAN upper-cased, without spaces, dots or hyphens.

    Raises:
        InvalidFormat: ``number`` is not a string (``iban.format``).

    >>> compact("si56 0201 0001 2345 641")
    'SI56020100012345641'
    """
    if not isinstance(number, str):
        raise _format_error()
    if not (number.isalnum() and number.isascii()):  # fast path: nothing to drop
        number = number.translate(_DROP)
    return number.upper()


def _to_schwifty(number: str) -> _IBAN:
    """Validate a compact IBAN with schwifty and return its object."""
    if not number.isascii():
        raise _format_error()
    try:
        return _IBAN(number, validate_bban=number[:2] in _NATIONAL_CHECK_COUNTRIES)
    except _schwifty_exc.SchwiftyException as exc:
        mapped = _SCHWIFTY_ERRORS.get(type(exc))
        # "from None": schwifty's own message may contain the IBAN.
        if mapped is None:  # InvalidStructure and any other schwifty error
            raise _format_error() from None
        raise _error(*mapped) from None


def validate(number: str) -> str:
    """Check an IBAN and return its compact form.

    Raises:
        InvalidFormat: Bad characters or BBAN structure (``iban.format``).
        InvalidLength: The wrong length for the country (``iban.length``).
        InvalidComponent: An unknown country code (``iban.country``).
        InvalidChecksum: Wrong IBAN check digits (``iban.checksum``) or wrong
            national check digits (``iban.national_checksum``).

    >>> validate("SI56 0201 0001 2345 641")
    'SI56020100012345641'
    >>> validate("SI29020170014356206")  # right IBAN check digits, wrong national ones
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidChecksum: iban.national_checksum: ...
    """
    number = compact(number)
    if _is_plain_si(number):
        return number
    _to_schwifty(number)
    return number


def _is_plain_si(number: str) -> bool:
    """Accept-only fast path for the common case, a Slovenian IBAN.

    A Slovenian IBAN is valid exactly when it is ``SI56`` + 15 digits whose value
    is 1 modulo 97, with national check digits from 02 to 98 (ISO 7064 MOD 97-10;
    with them the IBAN check digits are always 56).  That is the rule schwifty
    applies with ``validate_bban=True``, here without building its objects (about
    25 µs saved a call in bulk SEPA files).  Anything this does not accept goes to
    schwifty, which gives the precise error; a property test checks that both
    agree on every Slovenian IBAN.
    """
    return (
        _PLAIN_SI.fullmatch(number) is not None
        and int(number[4:]) % 97 == 1
        and "02" <= number[-2:] <= "98"
    )


def is_valid(number: object) -> bool:
    """Return whether ``number`` is a valid IBAN; never raises.

    >>> is_valid("SI56020100012345641"), is_valid("SI56020100012345678"), is_valid(None)
    (True, False, False)
    """
    if not isinstance(number, str):
        return False
    try:
        validate(number)
    except ValueError:
        return False
    return True


def format(number: str) -> str:
    """Return the IBAN in groups of four characters. Nothing is validated.

    >>> format("SI56020100012345641")
    'SI56 0201 0001 2345 641'
    """
    number = compact(number)
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def mask(number: str) -> str:
    """Return a display form that hides the account.

    The country code and IBAN check digits (first four characters) and the last
    four characters stay; the rest become ``*``; groups of four as in
    :func:`format`. Nothing is validated; a value shorter than twelve characters
    is hidden completely.

    >>> mask("SI56020100012345641")
    'SI56 **** **** ***5 641'
    """
    text = compact(number)
    if len(text) < 12:
        return format("*" * len(text))
    return format(text[:4] + "*" * (len(text) - 8) + text[-4:])


def _trr_error(kind: type[ValidationError], code: str, sl: str, en: str) -> ValidationError:
    return kind(code, sl=sl, en=en, where="trr")


def from_trr(trr: str) -> str:
    """Convert a Slovenian TRR to its IBAN (``SI56`` + the 15 digits).

    Args:
        trr: ``BBBBB-AAAAAAAACC``, with the hyphen, a space or nothing between the
            parts.

    Returns:
        The compact, validated IBAN.

    Raises:
        InvalidFormat: Not a TRR (``trr.format``), or a TRR with an old
            direct-debit sequence suffix (``trr.sequence_suffix``).
        InvalidChecksum: Wrong national check digits (``trr.checksum``).

    >>> from_trr("02010 0012345641")
    'SI56020100012345641'
    >>> from_trr("02010-0012345678")  # 020100012345678 mod 97 = 38, not 1
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidChecksum: trr.checksum: ...
    >>> from_trr("02010-0012345641-01")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: trr.sequence_suffix: ...
    """
    if not isinstance(trr, str):
        raise _trr_error(
            InvalidFormat,
            "trr.format",
            "TRR mora biti besedilo.",
            "A TRR must be text.",
        )
    text = "".join(trr.split()).replace("\u2013", "-")
    match = _TRR.fullmatch(text)
    if match is None or not text.isascii():
        if text.isascii() and _TRR_WITH_SEQUENCE.fullmatch(text):
            raise _trr_error(
                InvalidFormat,
                "trr.sequence_suffix",
                "To je TRR z dodatno zaporedno številko (npr. s trajnega naloga ali "
                "direktne obremenitve); vpišite samo 15 števk računa BBBBB-AAAAAAAACC.",
                "This is a TRR with an extra sequence number (as on old standing-order or "
                "direct-debit forms); enter only the 15 account digits BBBBB-AAAAAAAACC.",
            )
        raise _trr_error(
            InvalidFormat,
            "trr.format",
            "TRR mora imeti obliko BBBBB-AAAAAAAACC (15 števk).",
            "A TRR has the form BBBBB-AAAAAAAACC (15 digits).",
        )
    bban = match.group(1) + match.group(2)
    number = "SI56" + bban
    try:
        _to_schwifty(number)
    except InvalidChecksum:
        raise _trr_error(
            InvalidChecksum,
            "trr.checksum",
            "Kontrolni števki TRR nista pravilni.",
            "The TRR check digits are wrong.",
        ) from None
    return number


def to_trr(iban: str) -> str:
    """Return the Slovenian TRR form ``BBBBB-AAAAAAAACC`` of a Slovenian IBAN.

    Raises:
        ValidationError: As :func:`validate`.
        InvalidComponent: Not a Slovenian IBAN (``trr.country``).

    >>> to_trr("SI56 0201 0001 2345 641")
    '02010-0012345641'
    """
    number = validate(iban)
    if not number.startswith("SI"):
        raise _trr_error(
            InvalidComponent,
            "trr.country",
            "TRR obstaja samo za slovenske račune (IBAN SI).",
            "Only Slovenian accounts (SI IBANs) have a TRR.",
        )
    return f"{number[4:9]}-{number[9:]}"


def make_si(bank_code: str, account: str) -> str:
    """Build a Slovenian IBAN from a 5-digit bank code and an 8-digit account.

    The national check digits are computed (ISO 7064 MOD 97-10 over the 15 digits,
    via python-stdnum), so the result always validates.

    Raises:
        InvalidFormat: Not 5 and 8 ASCII digits (``iban.format``).

    >>> make_si("02010", "00123456")
    'SI56020100012345641'
    """
    if not (
        isinstance(bank_code, str)
        and isinstance(account, str)
        and len(bank_code) == 5
        and len(account) == 8
        and (bank_code + account).isdigit()
        and (bank_code + account).isascii()
    ):
        raise _format_error()
    body = bank_code + account
    check: str = _mod_97_10.calc_check_digits(body)
    return "SI56" + body + check


def bank(iban: str) -> Bank:
    """Return the bank of an IBAN from schwifty's registry.

    For Slovenia the lookup key is the 5-digit identifier (bank and branch), as in
    Banka Slovenije's list. Bank mergers change the registry: do not store the
    result, look it up when needed.

    Raises:
        ValidationError: As :func:`validate`.
        InvalidComponent: The bank code is not in the registry (``iban.unknown_bank``).

    >>> found = bank("SI56 0201 0001 2345 641")
    >>> found.code, found.name, found.bic
    ('02010', 'NLB D.D.', 'LJBASI2X')
    """
    found = _to_schwifty(compact(iban)).bank
    if found is None:
        raise _error(
            InvalidComponent,
            "iban.unknown_bank",
            "Banke s to kodo ni v registru bank.",
            "No bank with this code is in the bank registry.",
        )
    bic = found.bic
    if len(bic) == 11 and bic.endswith("XXX"):
        bic = bic[:8]
    return Bank(code=found.bank_code, name=found.name, bic=bic)
