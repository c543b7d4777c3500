"""SEPA mandate reference (UMR, ``MndtId``), the creditor's id of a direct-debit mandate.

Rules (ISO 20022 ``Max35Text`` with the EPC restrictions, sepa.md §5):

* 1 to 35 characters;
* only the SEPA Basic Latin set without the space:
  ``a-z A-Z 0-9 / - ? : ( ) . , ' +``. The space is in the EPC set, but a mandate
  reference must not contain one;
* no ``/`` at the start or the end, and no ``//`` (EPC230-15).

The reference is case-sensitive, so :func:`compact` only strips surrounding
whitespace. There is no check digit. Creditor ID + mandate reference is the
unique key of a mandate.

:func:`suggest` builds the house form ``CCCCC-SSSSS`` from a child's code and a
statement (or contract) number. :func:`mask` hides every letter and digit but
the last four, in case a legacy reference holds a personal number.

>>> suggest(555, 28)
'00555-00028'
>>> validate(" 00555-00028 ")
'00555-00028'
>>> is_valid("AB//12")
False
"""

from __future__ import annotations

import re

from szo_core.errors import InvalidComponent, InvalidFormat, InvalidLength

__all__ = ["compact", "format", "is_valid", "mask", "suggest", "validate"]

_WHERE = "mandate"
_CHARSET = re.compile(r"[A-Za-z0-9/\-?:().,'+]+", re.ASCII)
_MAX_LENGTH = 35
_PART_LIMIT = 99_999


def _format_error() -> InvalidFormat:
    return InvalidFormat(
        "mandate.format",
        sl="Referenca mandata sme vsebovati samo črke a-z, A-Z, števke in znake / - ? : ( ) . , ' +"
        " (brez presledkov).",
        en="A mandate reference may contain only the letters a-z, A-Z, digits and "
        "/ - ? : ( ) . , ' + (no spaces).",
        where=_WHERE,
    )


def compact(number: str) -> str:
    """Return the reference without surrounding whitespace.

    Raises:
        InvalidFormat: ``number`` is not a string (``mandate.format``).

    >>> compact("  KINDER-1 ")
    'KINDER-1'
    """
    if not isinstance(number, str):
        raise _format_error()
    return number.strip()


def validate(number: str) -> str:
    """Check a mandate reference and return it without surrounding whitespace.

    Raises:
        InvalidLength: Empty or longer than 35 characters (``mandate.length``).
        InvalidFormat: A character outside the set, a space (``mandate.format``),
            or a ``/`` at either end or ``//`` (``mandate.slash``).

    >>> validate("VRTEC/2024-001")
    'VRTEC/2024-001'
    >>> validate("VRTEC 2024")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: mandate.format: ...
    """
    number = compact(number)
    if not 1 <= len(number) <= _MAX_LENGTH:
        raise InvalidLength(
            "mandate.length",
            sl="Referenca mandata mora imeti od 1 do 35 znakov.",
            en="A mandate reference must have 1 to 35 characters.",
            where=_WHERE,
        )
    if _CHARSET.fullmatch(number) is None:
        raise _format_error()
    if number[0] == "/" or number[-1] == "/" or "//" in number:
        raise InvalidFormat(
            "mandate.slash",
            sl="Referenca mandata se ne sme začeti ali končati z / in ne sme vsebovati //.",
            en="A mandate reference must not start or end with / or contain //.",
            where=_WHERE,
        )
    return number


def is_valid(number: object) -> bool:
    """Return whether ``number`` is a valid mandate reference; never raises.

    >>> is_valid("00555-00028"), is_valid("/00555"), is_valid(None)
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
    """Return the reference as it is written (surrounding whitespace removed).

    >>> format(" 00555-00028")
    '00555-00028'
    """
    return compact(number)


def mask(number: str) -> str:
    """Return a display form that hides every letter and digit but the last four.

    Punctuation stays, so the shape stays recognisable. Nothing is validated.

    >>> mask("00555-00028")
    '*****-*0028'
    """
    text = compact(number)
    keep = 4
    chars = list(text)
    for index in range(len(chars) - 1, -1, -1):
        if chars[index].isalnum():
            if keep:
                keep -= 1
            else:
                chars[index] = "*"
    return "".join(chars)


def _part(value: int, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _PART_LIMIT:
        raise InvalidComponent(
            "mandate.component",
            sl="Številka za referenco mandata mora biti celo število od 0 do 99.999.",
            en="A number in a mandate reference must be an integer from 0 to 99,999.",
            where=f"{_WHERE}.{name}",
        )
    return f"{value:05d}"


def suggest(child_code: int, statement_no: int) -> str:
    """Suggest a mandate reference ``CCCCC-SSSSS`` (each part zero-padded to 5 digits).

    Args:
        child_code: The child's (or payer's) code in the register, 0 to 99,999.
        statement_no: The statement or contract number, 0 to 99,999.

    Raises:
        InvalidComponent: A negative, too wide or non-integer number
            (``mandate.component``).

    >>> suggest(555, 28)
    '00555-00028'
    >>> suggest(100000, 1)
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidComponent: mandate.component: ...
    """
    return f"{_part(child_code, 'child_code')}-{_part(statement_no, 'statement_no')}"
