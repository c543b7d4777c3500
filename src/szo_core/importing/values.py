"""Cell values: parsing what a CSV or Excel cell holds into a record's field, and back.

Each column of :mod:`szo_core.importing.kinds` has a :class:`ValueType`.  A
CSV cell is text; an Excel cell may already be a number, a date or a boolean.
Parsing never guesses silently: a value that does not fit raises
:class:`CellError` with a stable code, and the import reports it by file, row
and column.  An empty cell is *not* parsed: the field takes the record's
default (or keeps the stored value, see :mod:`szo_core.importing.plan`).

* Text is taken as written (spaces included); a number in an Excel text column
  (a post code typed as 1000) becomes its digits.
* Whole numbers: digits with an optional sign; an Excel number must be whole.
* Decimals (money, coefficients): digits with one decimal comma **or** point
  (``12,50``, ``12.50``, ``-0,35``); thousands separators, two separators or
  letters are refused (``value.decimal``).  Never a ``float`` in between for
  CSV; an Excel number is taken by its shortest decimal form (15 digits).
* Dates: ISO ``2026-09-01``, Slovenian ``1. 9. 2026`` / ``1.9.2026``, or an
  Excel date.
* Yes/no: ``da``/``ne``, ``yes``/``no``, ``true``/``false``, ``1``/``0``, ``x``.
* Choices (a sex, a kind of link ...): our value (``mother``) or one of its
  Slovenian and English spellings (``mati``), case-insensitive; a mapping file
  adds more.

>>> DECIMAL.parse("12,50"), DECIMAL.parse("0.35")
(Decimal('12.50'), Decimal('0.35'))
>>> DECIMAL.parse("1.234,50")
Traceback (most recent call last):
...
szo_core.importing.values.CellError: value.decimal
>>> DATE.parse("1. 9. 2026"), BOOL.parse("da")
(datetime.date(2026, 9, 1), True)
>>> DECIMAL.format(Decimal("-90.5"), decimal_comma=True)
'-90,5'
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

import attrs

__all__ = [
    "BOOL",
    "DATE",
    "DECIMAL",
    "INT",
    "TEXT",
    "Cell",
    "CellError",
    "ValueType",
    "choice",
]

Cell = str | int | float | bool | date | datetime | Decimal
"""What a reader hands over for one non-empty cell (CSV gives text only)."""

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


class CellError(Exception):
    """A cell value does not fit its column; ``code`` says how (never the value itself).

    Internal to the import: :mod:`szo_core.importing.plan` turns it into an
    :class:`~szo_core.importing.report.ImportIssue` with the file, row and column.
    """

    def __init__(self, code: str, *, sl: str, en: str) -> None:
        self.code = code
        self.sl = sl
        self.en = en
        super().__init__(code)


@attrs.frozen
class ValueType(Generic[T]):
    """How one column's cells are parsed and written.

    Attributes:
        name: The type's name in the docs (``"decimal"``).
        parse: Cell (never empty) to value; raises :class:`CellError`.
        to_text: Value to the text a CSV cell holds (``decimal_comma`` for decimals).
        to_cell: Value to what an Excel cell holds (a number, a date, text).
    """

    name: str
    parse: Callable[[Cell], T]
    to_text: Callable[[T, bool], str]
    to_cell: Callable[[T], Cell]

    def format(self, value: T, *, decimal_comma: bool = True) -> str:
        """Return ``value`` as CSV text."""
        return self.to_text(value, decimal_comma)


def _text(cell: Cell) -> str:
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        raise CellError("value.text", sl="Pričakovano je besedilo.", en="Text is expected.")
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


TEXT: ValueType[str] = ValueType("text", _text, lambda v, _c: v, lambda v: v)
"""Text, as written."""

_INT = re.compile(r"[+-]?\d{1,18}")


def _int_error() -> CellError:
    return CellError(
        "value.int",
        sl="Pričakovano je celo število (samo števke).",
        en="A whole number is expected (digits only).",
    )


def _int(cell: Cell) -> int:
    if isinstance(cell, bool):
        raise _int_error()
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, Decimal) and cell.is_finite() and cell == cell.to_integral_value():
        return int(cell)
    if isinstance(cell, str):
        text = cell.strip()
        if _INT.fullmatch(text):
            return int(text)
    raise _int_error()


INT: ValueType[int] = ValueType("whole number", _int, lambda v, _c: str(v), lambda v: v)
"""A whole number (a code, a day, an order)."""

_DECIMAL = re.compile(r"[+-]?\d{1,15}(?:[.,]\d{1,15})?")


def _decimal_error() -> CellError:
    return CellError(
        "value.decimal",
        sl=(
            "Pričakovano je decimalno število z decimalno vejico ali piko "
            "(12,50), brez ločil tisočic."
        ),
        en="A decimal number with a decimal comma or point (12.50) is expected, "
        "without thousands separators.",
    )


def _decimal(cell: Cell) -> Decimal:
    if isinstance(cell, bool):
        raise _decimal_error()
    if isinstance(cell, Decimal):
        if not cell.is_finite():
            raise _decimal_error()
        return cell
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        # An Excel number: its shortest repr is the number the user typed.
        try:
            value = Decimal(repr(cell))
        except InvalidOperation:
            raise _decimal_error() from None
        if not value.is_finite():
            raise _decimal_error()
        return value
    if isinstance(cell, str):
        text = cell.strip()
        if _DECIMAL.fullmatch(text):
            return Decimal(text.replace(",", "."))
    raise _decimal_error()


def _decimal_text(value: Decimal, decimal_comma: bool) -> str:
    text = format(value, "f")
    return text.replace(".", ",") if decimal_comma else text


DECIMAL: ValueType[Decimal] = ValueType("decimal", _decimal, _decimal_text, lambda v: v)
"""A decimal number (money in euros, a coefficient); never a float."""

_SL_DATE = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_error() -> CellError:
    return CellError(
        "value.date",
        sl="Pričakovan je datum (2026-09-01 ali 1. 9. 2026).",
        en="A date is expected (2026-09-01 or 1. 9. 2026).",
    )


def _date(cell: Cell) -> date:
    if isinstance(cell, datetime):
        if cell.time() != datetime.min.time():
            raise _date_error()
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str):
        text = cell.strip()
        try:
            if _ISO_DATE.fullmatch(text):
                return date.fromisoformat(text)
            found = _SL_DATE.fullmatch(text)
            if found:
                day, month, year = (int(part) for part in found.groups())
                return date(year, month, day)
        except ValueError:
            pass
    raise _date_error()


DATE: ValueType[date] = ValueType("date", _date, lambda v, _c: v.isoformat(), lambda v: v)
"""A calendar date."""

_YES = frozenset({"da", "yes", "true", "1", "x", "d", "y", "resnično", "drži"})
_NO = frozenset({"ne", "no", "false", "0", "n", "neresnično"})


def _bool(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    if isinstance(cell, str):
        text = cell.strip().casefold()
        if text in _YES:
            return True
        if text in _NO:
            return False
    raise CellError(
        "value.bool",
        sl="Pričakovano je da ali ne.",
        en="Yes or no is expected (da/ne, yes/no).",
    )


BOOL: ValueType[bool] = ValueType(
    "yes/no", _bool, lambda v, _c: "da" if v else "ne", lambda v: "da" if v else "ne"
)
"""Yes or no (written as ``da`` / ``ne``)."""


def choice(enum_type: type[E], spellings: Mapping[str, E]) -> ValueType[E]:
    """A choice among ``enum_type``'s members: their values, or the ``spellings`` given.

    >>> from szo_core.model import GuardianKind
    >>> kind = choice(GuardianKind, {"mati": GuardianKind.MOTHER})
    >>> kind.parse("Mati"), kind.parse("father"), kind.format(GuardianKind.MOTHER)
    (<GuardianKind.MOTHER: 'mother'>, <GuardianKind.FATHER: 'father'>, 'mother')
    """
    known: dict[str, E] = {str(member.value).casefold(): member for member in enum_type}
    known.update({name.casefold(): member for name, member in spellings.items()})
    allowed = ", ".join(str(member.value) for member in enum_type)

    def parse(cell: Cell) -> E:
        if isinstance(cell, str):
            found = known.get(cell.strip().casefold())
            if found is not None:
                return found
        raise CellError(
            "value.choice",
            sl=f"Vrednost ni med dovoljenimi ({allowed}).",
            en=f"The value is not one of those allowed ({allowed}).",
        )

    return ValueType(
        f"one of {allowed}",
        parse,
        lambda v, _c: str(v.value),
        lambda v: str(v.value),
    )
