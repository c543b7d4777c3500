"""SEPA creditor identifier (CI, *identifikacija prejemnika plačila* in SDD).

The EPC structure (EPC262-08) is ``CC`` country code, 2 check digits, a
3-character creditor business code (``ZZZ`` when unused) and a national part of
up to 28 characters. The check digits are ISO 7064 MOD 97-10 over the national
part followed by ``CC00``, with letters as numbers (A = 10 ... Z = 35). The
business code is not covered by them. The check is python-stdnum's
:mod:`stdnum.eu.at_02`.

Rules enforced here:

* **every country:** ``CC`` two letters, two check digits, a business code of
  three letters or digits, a national part of 1-28 letters or digits, and right
  check digits. Nothing else is known about other countries' national parts.
* **Slovenia (``SI``)**, in addition: 15 characters in all, and a national part
  that is a valid 8-digit tax number (:mod:`szo_core.ids.davcna`). UJP (for
  budget users) or the creditor's bank assigns the identifier in the SDD
  contract. In Slovenian practice the national part is the creditor's tax number
  (sepa.md §6). The exact national-part rule of EPC262-08 §8.1.20 could not be
  read, so a longer Slovenian identifier, should one exist, is rejected
  (``creditor_id.length``).

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

from szo_core.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from szo_core.ids import davcna as _davcna

__all__ = ["compact", "format", "is_valid", "make", "mask", "validate"]

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
    """Check a creditor identifier and return its compact form.

    Raises:
        InvalidFormat: A bad structure (``creditor_id.format``).
        InvalidLength: A Slovenian identifier that is not 15 characters
            (``creditor_id.length``).
        InvalidChecksum: Wrong check digits (``creditor_id.checksum``).
        InvalidComponent: A Slovenian national part that is not a valid tax
            number (``creditor_id.national_id``).

    >>> validate("SI72ZZZ12345679")
    'SI72ZZZ12345679'
    >>> validate("SI72ABC12345679")  # the business code is outside the check
    'SI72ABC12345679'
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
    if number[:2] == "SI":
        if len(number) != 15:
            raise InvalidLength(
                "creditor_id.length",
                sl="Slovenska identifikacija prejemnika ima 15 znakov "
                "(SI, 2 kontrolni števki, 3 znaki poslovne kode, davčna številka).",
                en="A Slovenian creditor identifier has 15 characters "
                "(SI, 2 check digits, a 3-character business code, a tax number).",
                where=_WHERE,
            )
        if not _davcna.is_valid(number[7:]):
            raise InvalidComponent(
                "creditor_id.national_id",
                sl="Nacionalni del slovenske identifikacije prejemnika ni veljavna "
                "davčna številka.",
                en="The national part of a Slovenian creditor identifier is not a valid "
                "tax number.",
                where=_WHERE,
            )
    return number


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
    """
    body = compact(country) + "00" + compact(business_code) + compact(national_id)
    if _STRUCTURE.fullmatch(body) is None:
        raise _format_error()
    check: str = _stdnum_at_02.calc_check_digits(body)
    return validate(body[:2] + check + body[4:])
