"""Davčna številka, the Slovenian tax number (also the VAT number without ``SI``).

Eight digits, the first not ``0``, and the last a mod 11 check digit: weights
8, 7, ..., 2 over the first seven digits, ``K = 11 - (S mod 11)``, 10 is
written as ``0`` and 11 (``S mod 11 == 0``) has no check digit. This module
wraps :mod:`stdnum.si.ddv` (its check-digit function) and accepts the ``SI`` VAT
prefix, spaces and hyphens.

:func:`format` returns the plain 8 digits, as the tax number is printed on forms
and invoices. ``format(..., vat=True)`` gives the VAT-number form ``SI 12345679``.
:func:`mask` keeps the last three digits only.

The English alias of this module is :mod:`szo_core.ids.tax_number`.

>>> number = make("1234567")
>>> number
'12345679'
>>> validate("SI 1234 5679")
'12345679'
>>> format(number, vat=True)
'SI 12345679'
>>> mask(number)
'*****679'
"""

from __future__ import annotations

from stdnum.si import ddv as _stdnum_ddv

from szo_core.errors import InvalidChecksum, InvalidFormat, InvalidLength

__all__ = ["calc_check_digit", "compact", "format", "is_valid", "make", "mask", "validate"]

_WHERE = "davcna"
_DROP = str.maketrans("", "", " -.\t\n\r\f\v\u00a0")


def _format_error() -> InvalidFormat:
    return InvalidFormat(
        "davcna.format",
        sl="Davčna številka sme vsebovati samo števke in se ne sme začeti z 0.",
        en="A tax number may contain digits only and may not start with 0.",
        where=_WHERE,
    )


def _length_error() -> InvalidLength:
    return InvalidLength(
        "davcna.length",
        sl="Davčna številka mora imeti 8 števk.",
        en="A tax number must have 8 digits.",
        where=_WHERE,
    )


def _checksum_error() -> InvalidChecksum:
    return InvalidChecksum(
        "davcna.checksum",
        sl="Kontrolna številka davčne številke ni pravilna.",
        en="The tax number check digit is wrong.",
        where=_WHERE,
    )


def compact(number: str) -> str:
    """Return the tax number without the ``SI`` prefix, spaces, dots and hyphens.

    Raises:
        InvalidFormat: ``number`` is not a string (``davcna.format``).

    >>> compact("si 123-456 79")
    '12345679'
    """
    if not isinstance(number, str):
        raise _format_error()
    number = number.translate(_DROP).upper()
    return number[2:] if number.startswith("SI") else number


def _check_digit(seven: str) -> str:
    # python-stdnum returns "11" where no check digit exists; that never matches a digit.
    digit: str = _stdnum_ddv.calc_check_digit(seven)
    return digit


def calc_check_digit(number: str) -> str:
    """Return the check digit for the first seven digits of a tax number.

    Args:
        number: Seven digits (an eighth is ignored).

    Raises:
        InvalidLength: Not seven or eight digits (``davcna.length``).
        InvalidFormat: Not digits, or a leading ``0`` (``davcna.format``).
        InvalidChecksum: ``S mod 11 == 0``: no check digit exists
            (``davcna.checksum``).

    >>> calc_check_digit("1234567")  # S = 8+14+18+20+20+18+14 = 112, 112 mod 11 = 2, 11-2 = 9
    '9'
    """
    number = compact(number)
    if len(number) not in (7, 8):
        raise _length_error()
    if not (number.isdigit() and number.isascii()) or number[0] == "0":
        raise _format_error()
    digit = _check_digit(number[:7])
    if len(digit) != 1:
        raise InvalidChecksum(
            "davcna.checksum",
            sl="Za teh sedem števk kontrolna številka ne obstaja.",
            en="No check digit exists for these seven digits.",
            where=_WHERE,
        )
    return digit


def validate(number: str) -> str:
    """Check a tax number and return its compact form (8 digits).

    Raises:
        InvalidFormat: Not digits, or a leading ``0`` (``davcna.format``).
        InvalidLength: Not 8 digits (``davcna.length``).
        InvalidChecksum: A wrong check digit (``davcna.checksum``).

    >>> validate("12345679")
    '12345679'
    >>> validate("12345678")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidChecksum: davcna.checksum: ...
    """
    if not isinstance(number, str):
        raise _format_error()
    if len(number) != 8 or not (number.isdigit() and number.isascii()):
        number = compact(number)
        if not (number.isdigit() and number.isascii()):
            raise _format_error()
        if len(number) != 8:
            raise _length_error()
    if number[0] == "0":
        raise _format_error()
    if _check_digit(number[:7]) != number[7]:
        raise _checksum_error()
    return number


def is_valid(number: object) -> bool:
    """Return whether ``number`` is a valid tax number; never raises.

    >>> is_valid("SI12345679"), is_valid("12345678"), is_valid(12345679)
    (True, False, False)
    """
    if not isinstance(number, str):
        return False
    try:
        validate(number)
    except ValueError:
        return False
    return True


def format(number: str, *, vat: bool = False) -> str:
    """Return the tax number for display: 8 digits, or ``SI 12345679`` with ``vat``.

    Nothing is validated.

    >>> format("SI 1234 5679"), format("12345679", vat=True)
    ('12345679', 'SI 12345679')
    """
    number = compact(number)
    return f"SI {number}" if vat else number


def mask(number: str) -> str:
    """Return a display form that hides all but the last three digits.

    Nothing is validated; a value shorter than six characters is hidden completely.

    >>> mask("SI 12345679")
    '*****679'
    """
    text = compact(number)
    keep = 3 if len(text) >= 6 else 0
    return "*" * (len(text) - keep) + text[len(text) - keep :]


def make(seven_digits: str) -> str:
    """Append the check digit to seven digits, for tests and examples.

    Raises:
        ValidationError: As :func:`calc_check_digit`.

    >>> make("1234567")
    '12345679'
    """
    number = compact(seven_digits)
    if len(number) != 7:
        raise _length_error()
    return number + calc_check_digit(number)
