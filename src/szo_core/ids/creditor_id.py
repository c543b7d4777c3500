"""SEPA creditor identifier (CI, *identifikacija prejemnika plačila* in SDD).

The EPC structure (EPC262-08) is ``CC`` country code, 2 check digits, a
3-character creditor business code (``ZZZ`` when unused) and a national part of
up to 28 characters. The check digits are ISO 7064 MOD 97-10 over the national
part followed by ``CC00``, with letters as numbers (A = 10 ... Z = 35). The
business code is not covered by them. The check is python-stdnum's
:mod:`stdnum.eu.at_02`.

Rules enforced by :func:`validate`, the EPC/AT-02 rules for every country: ``CC``
two letters, two check digits, a business code of three letters or digits, a
national part of 1-28 letters or digits, and right check digits.

Slovenia (``SI``): UJP (for budget users) or the creditor's bank assigns the
identifier in the SDD contract, and in Slovenian practice the national part is
the creditor's 8-digit tax number (sepa.md §6).  That is a practice, not a rule
that could be read in EPC262-08, so it is not enforced: an identifier with the
right check digits is valid whatever its national part.
:func:`national_part_is_tax_number` tells whether it follows the practice, and
:mod:`szo_core.registry.validation` reports one that does not as a *warning*
(``creditor_id.not_tax_number``).

Input is upper-cased *before* anything else. python-stdnum's own ``compact()``
deletes a lower-case ``m`` (it is in its separator set), so it is not used.
Spaces and hyphens are dropped.

:func:`format` returns the compact form: EPC prescribes no grouping. :func:`mask`
keeps the country code, check digits, business code and the last three
characters of the national part.

>>> cid = make("12345679")
>>> cid
'SI72ZZZ12345679'
>>> validate("si72 zzz 1234 5679")
'SI72ZZZ12345679'
>>> mask(cid)
'SI72ZZZ*****679'
"""

from __future__ import annotations

import re

from stdnum.eu import at_02 as _stdnum_at_02
from stdnum.iso7064 import mod_97_10 as _mod_97_10

from szo_core.errors import InvalidChecksum, InvalidFormat
from szo_core.ids import davcna as _davcna

__all__ = [
    "compact",
    "format",
    "is_valid",
    "make",
    "mask",
    "national_part_is_tax_number",
    "validate",
]

_WHERE = "creditor_id"
_DROP = str.maketrans("", "", " -\t\n\r\f\v\u00a0")
_STRUCTURE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}", re.ASCII)


def _format_error() -> InvalidFormat:
    return InvalidFormat(
        "creditor_id.format",
        sl="Identifikacija prejemnika mora imeti obliko: koda države, 2 kontrolni števki, "
        "3 znaki poslovne kode in do 28 črk ali števk.",
        en="A creditor identifier is a country code, 2 check digits, a 3-character "
        "business code and up to 28 letters or digits.",
        where=_WHERE,
    )


def compact(number: str) -> str:
    """Return the identifier upper-cased, without spaces or hyphens.

    Raises:
        InvalidFormat: ``number`` is not a string (``creditor_id.format``).

    >>> compact("si72 zzz-12345679")
    'SI72ZZZ12345679'
    """
    if not isinstance(number, str):
        raise _format_error()
    if not (number.isalnum() and number.isascii()):  # fast path: nothing to drop
        number = number.translate(_DROP)
    return number.upper()


def validate(number: str) -> str:
    """Check a creditor identifier on the EPC/AT-02 rules and return its compact form.

    The national part is not checked further (see
    :func:`national_part_is_tax_number` for the Slovenian practice).

    Raises:
        InvalidFormat: A bad structure (``creditor_id.format``).
        InvalidChecksum: Wrong check digits (``creditor_id.checksum``).

    >>> validate("SI72ZZZ12345679")
    'SI72ZZZ12345679'
    >>> validate("SI72ABC12345679")  # the business code is outside the check
    'SI72ABC12345679'
    >>> validate("SI02ZZZ12345678")  # right check digits; 12345678 is no tax number
    'SI02ZZZ12345678'
    >>> validate("SI73ZZZ12345679")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidChecksum: creditor_id.checksum: ...
    """
    number = compact(number)
    if _STRUCTURE.fullmatch(number) is None:
        raise _format_error()
    # at_02's check without its compact(): national part + country + check digits.
    if _mod_97_10.checksum(number[7:] + number[:4]) != 1:
        raise InvalidChecksum(
            "creditor_id.checksum",
            sl="Kontrolni števki identifikacije prejemnika nista pravilni.",
            en="The creditor identifier check digits are wrong.",
            where=_WHERE,
        )
    return number


def national_part_is_tax_number(number: object) -> bool:
    """Return whether ``number`` is a valid Slovenian identifier with a tax number in it.

    That is the Slovenian practice (15 characters: ``SI``, check digits,
    business code, the creditor's 8-digit tax number).  ``False`` for an
    invalid identifier or another country's; never raises.

    >>> national_part_is_tax_number("SI72ZZZ12345679")
    True
    >>> national_part_is_tax_number("SI02ZZZ12345678"), national_part_is_tax_number(None)
    (False, False)
    """
    if not isinstance(number, str) or not is_valid(number):
        return False
    compacted = compact(number)
    return compacted[:2] == "SI" and len(compacted) == 15 and _davcna.is_valid(compacted[7:])


def is_valid(number: object) -> bool:
    """Return whether ``number`` is a valid creditor identifier; never raises.

    >>> is_valid("SI72ZZZ12345679"), is_valid("SI72ZZZ12345678"), is_valid(None)
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
    """Return the compact form, the usual presentation. Nothing is validated.

    >>> format("si72 zzz 12345679")
    'SI72ZZZ12345679'
    """
    return compact(number)


def mask(number: str) -> str:
    """Return a display form that hides the national part but its last three characters.

    The first seven characters (country, check digits, business code) stay. A
    national part shorter than six characters is hidden completely, and so is a
    value shorter than eight characters. Nothing is validated.

    >>> mask("SI72ZZZ12345679"), mask("AT18ZZZ0")
    ('SI72ZZZ*****679', 'AT18ZZZ*')
    """
    text = compact(number)
    if len(text) < 8:
        return "*" * len(text)
    national = text[7:]
    keep = 3 if len(national) >= 6 else 0
    return text[:7] + "*" * (len(national) - keep) + national[len(national) - keep :]


def make(national_id: str, business_code: str = "ZZZ", country: str = "SI") -> str:
    """Build a creditor identifier: compute the check digits and validate.

    Args:
        national_id: The national part (for Slovenia the 8-digit tax number).
        business_code: The 3-character creditor business code.
        country: The two-letter country code.

    Raises:
        ValidationError: The result is not valid (as :func:`validate`).

    >>> make("12345679")  # 12345679 S=28 I=18 00 -> 12345679281800 mod 97 = 26; 98 - 26 = 72
    'SI72ZZZ12345679'
    >>> make("47690558N", country="ES")
    'ES23ZZZ47690558N'
    >>> make("1234", business_code="ZZ")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: creditor_id.format: ...
    """
    country, business_code = compact(country), compact(business_code)
    body = country + "00" + business_code + compact(national_id)
    if len(country) != 2 or len(business_code) != 3 or _STRUCTURE.fullmatch(body) is None:
        raise _format_error()
    check: str = _stdnum_at_02.calc_check_digits(body)
    return validate(body[:2] + check + body[4:])
