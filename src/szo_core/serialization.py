"""Turn szo_core records into plain JSON-ready data and back, exactly.

:func:`make_converter` returns a fresh :class:`cattrs.Converter` (never cattrs'
global one) set up by :func:`configure_converter`:

| Python | Plain data |
|---|---|
| ``Decimal`` | string, digits as stored (``"12.50"``), never a float |
| ``date`` | ``"2026-09-01"`` (ISO 8601) |
| ``datetime`` | ``"2026-09-01T08:30:00+02:00"`` (ISO 8601) |
| ``time`` | ``"08:30:00"`` (ISO 8601, a wall-clock time such as opening hours) |
| enums | their value as a plain ``str`` or ``int`` (``Sex.FEMALE`` -> ``"F"``) |
| :class:`~szo_core.calendar.Month` | ``"2026-09"`` |
| :class:`~szo_core.calendar.DateRange` | ``{"start": "2026-09-01", "end": null}`` |
| tuples, sets | lists (sets sorted when their items sort) |
| attrs records | dicts, field by field (cattrs does this) |

Any frozen attrs record built from these kinds (including ``X | None`` fields
and nested records) round-trips with no extra code.  Structuring bad data raises
a :class:`szo_core.errors.ValidationError` with code ``serialization.structure``
and ``where`` set to the path of the (first) failing field, such as
``$.items[2].amount``; the message lists every problem found, and never the
rejected value.

Examples:
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> import attrs
    >>> from szo_core.calendar import DateRange, Month
    >>> @attrs.frozen
    ... class Line:
    ...     month: Month
    ...     amount: Decimal
    ...     period: DateRange
    >>> conv = make_converter()
    >>> line = Line(Month(2026, 9), Decimal("12.50"), DateRange.open(date(2026, 9, 14)))
    >>> data = conv.unstructure(line)
    >>> data
    {'month': '2026-09', 'amount': '12.50', 'period': {'start': '2026-09-14', 'end': None}}
    >>> conv.structure(data, Line) == line
    True
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Final, TypeVar, get_args, get_origin

import cattrs
from cattrs.cols import is_any_set
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import transform_error

from szo_core.calendar import OPEN_END, DateRange, Month
from szo_core.errors import InvalidFormat, SzoError, ValidationError

__all__ = [
    "JsonValue",
    "configure_converter",
    "from_json",
    "make_converter",
    "structure",
    "to_json",
    "unstructure",
]

T = TypeVar("T")

JsonValue = dict[str, "JsonValue"] | list["JsonValue"] | str | int | float | bool | None
"""What :func:`unstructure` returns: data :mod:`json` can write as it is."""

_DECIMAL_RE: Final = re.compile(r"[+-]?\d+(\.\d+)?")
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
# A mapping key in a path ("$.payers['...']") may be a personal number: keys with a
# run of five or more digits are shown as '***'.
_KEY_RE: Final = re.compile(r"\[('[^']*'|\"[^\"]*\")\]")
_DIGITS_RE: Final = re.compile(r"\d{5}")


def _invalid(code: str, sl: str, en: str) -> InvalidFormat:
    return InvalidFormat(f"serialization.{code}", sl=sl, en=en)


# -- Decimal -------------------------------------------------------------------------------


def _unstructure_decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise _invalid(
            "decimal",
            sl="Število mora biti končno (ne NaN ali neskončno).",
            en="The number must be finite (not NaN or infinity).",
        )
    return format(value, "f")


def _structure_decimal(value: object, _: type[Decimal]) -> Decimal:
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and _DECIMAL_RE.fullmatch(value):
        return Decimal(value)
    raise _invalid(
        "decimal",
        sl='Znesek mora biti niz z decimalno piko, na primer "12.50".',
        en='An amount must be a string with a decimal point, for example "12.50".',
    )


# -- dates ---------------------------------------------------------------------------------


def _unstructure_date(value: date) -> str:
    return value.isoformat()


def _structure_date(value: object, _: type[date]) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _invalid(
        "date",
        sl="Datum mora biti zapisan kot LLLL-MM-DD.",
        en="A date must be written as YYYY-MM-DD.",
    )


def _unstructure_datetime(value: datetime) -> str:
    return value.isoformat()


def _structure_datetime(value: object, _: type[datetime]) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) > 10 and value[10] == "T":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise _invalid(
        "datetime",
        sl="Čas mora biti zapisan po ISO 8601, na primer 2026-09-01T08:30:00+02:00.",
        en="A date and time must be ISO 8601, for example 2026-09-01T08:30:00+02:00.",
    )


def _structure_time(value: object, _: type[time]) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str) and 5 <= len(value) <= 15 and value[2:3] == ":":
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise _invalid(
        "time",
        sl="Ura mora biti zapisana po ISO 8601, na primer 08:30:00.",
        en="A time of day must be ISO 8601, for example 08:30:00.",
    )


# -- enums ---------------------------------------------------------------------------------


def _unstructure_enum(value: enum.Enum) -> object:
    # The member's value itself: a StrEnum member is a str, but not a plain one (some
    # JSON, YAML and msgpack writers and ``type(x) is str`` checks tell them apart).
    return value.value


# -- calendar types ------------------------------------------------------------------------


def _structure_month(value: object, _: type[Month]) -> Month:
    if isinstance(value, Month):
        return value
    if not isinstance(value, str):
        raise _invalid(
            "month",
            sl="Mesec mora biti niz LLLL-MM.",
            en="A month must be a YYYY-MM string.",
        )
    return Month.parse(value)


def _unstructure_range_end(value: date) -> str | None:
    return None if value == OPEN_END else value.isoformat()


# -- collections ---------------------------------------------------------------------------


def _is_tuple(cl: object) -> bool:
    return cl is tuple or get_origin(cl) is tuple


def _tuple_unstructure_factory(
    cl: Any, converter: cattrs.Converter
) -> Callable[[tuple[object, ...]], list[object]]:
    args = get_args(cl)
    if not args or (len(args) == 2 and args[1] is Ellipsis):
        item = converter.get_unstructure_hook(args[0]) if args else converter.unstructure

        def _homogeneous(value: tuple[object, ...]) -> list[object]:
            return [item(v) for v in value]

        return _homogeneous
    hooks = [converter.get_unstructure_hook(a) for a in args]

    def _heterogeneous(value: tuple[object, ...]) -> list[object]:
        return [hook(v) for hook, v in zip(hooks, value, strict=False)]

    return _heterogeneous


def _set_unstructure_factory(
    cl: Any, converter: cattrs.Converter
) -> Callable[[Iterable[object]], list[object]]:
    args = get_args(cl)
    item = converter.get_unstructure_hook(args[0]) if args else converter.unstructure

    def _unstructure_set(value: Iterable[object]) -> list[object]:
        items = [item(v) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return items

    return _unstructure_set


# -- public API ----------------------------------------------------------------------------


def configure_converter(converter: cattrs.Converter) -> cattrs.Converter:
    """Register szo_core's hooks on ``converter`` and return it.

    Use this to add szo_core's types to a converter of your own; otherwise call
    :func:`make_converter`.  Error translation into
    :class:`~szo_core.errors.ValidationError` happens in
    :func:`make_converter`'s converters and in :func:`structure`.

    Examples:
        >>> import cattrs
        >>> from decimal import Decimal
        >>> conv = configure_converter(cattrs.Converter())
        >>> conv.unstructure(Decimal("0.10")), conv.structure("0.10", Decimal)
        ('0.10', Decimal('0.10'))
    """
    converter.register_unstructure_hook(Decimal, _unstructure_decimal)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(date, _unstructure_date)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(time, time.isoformat)
    converter.register_structure_hook(time, _structure_time)
    converter.register_unstructure_hook(Month, str)
    # By class, so that these come before the hooks of str and int (a StrEnum is a str).
    for kind in (enum.Enum, enum.StrEnum, enum.IntEnum):
        converter.register_unstructure_hook(kind, _unstructure_enum)
    converter.register_structure_hook(Month, _structure_month)
    converter.register_unstructure_hook_factory(_is_tuple, _tuple_unstructure_factory)
    converter.register_unstructure_hook_factory(is_any_set, _set_unstructure_factory)
    converter.register_unstructure_hook(
        DateRange,
        make_dict_unstructure_fn(
            DateRange, converter, end=override(unstruct_hook=_unstructure_range_end)
        ),
    )
    converter.register_structure_hook(
        DateRange,
        make_dict_structure_fn(
            DateRange,
            converter,
            end=override(struct_hook=lambda v, _: None if v is None else _structure_date(v, date)),
        ),
    )
    return converter


class _Converter(cattrs.Converter):
    """A cattrs converter whose ``structure`` raises szo_core errors."""

    def structure(self, obj: Any, cl: Any) -> Any:
        try:
            return super().structure(obj, cl)
        except Exception as exc:  # cattrs raises exception groups and plain errors
            raise _structure_error(exc) from exc


def make_converter() -> cattrs.Converter:
    """Return a new converter for every szo_core type (fresh on each call).

    ``structure`` on it raises :class:`~szo_core.errors.ValidationError`
    (code ``serialization.structure``) instead of cattrs' exception groups.

    Examples:
        >>> from decimal import Decimal
        >>> conv = make_converter()
        >>> conv is make_converter()
        False
        >>> conv.structure("12.5O", Decimal)
        Traceback (most recent call last):
        ...
        szo_core.errors.ValidationError: serialization.structure: ...
    """
    return configure_converter(_Converter())


@functools.cache
def _default() -> cattrs.Converter:
    return make_converter()


def structure(data: object, cls: type[T], *, converter: cattrs.Converter | None = None) -> T:
    """Build a ``cls`` from plain ``data``; bad data raises a szo_core error.

    Args:
        data: Plain data (dicts, lists, strings, numbers, None).
        cls: The type to build.
        converter: A converter to use (default: a shared one from :func:`make_converter`).

    Raises:
        ValidationError: ``serialization.structure``; ``where`` is the path of the
            first failing field.

    Examples:
        >>> from szo_core.calendar import DateRange
        >>> structure({"start": "2026-09-01", "end": "2026-09-30"}, DateRange).days
        30
        >>> structure({"start": "2026-09-01", "end": "30. 9. 2026"}, DateRange)
        Traceback (most recent call last):
        ...
        szo_core.errors.ValidationError: serialization.structure: ... ($.end)
    """
    conv = converter if converter is not None else _default()
    try:
        result: T = conv.structure(data, cls)
    except ValidationError as exc:
        if exc.code == "serialization.structure":
            raise
        raise _structure_error(exc) from exc
    except Exception as exc:  # a plain cattrs converter raises exception groups
        raise _structure_error(exc) from exc
    return result


def unstructure(obj: object, *, converter: cattrs.Converter | None = None) -> JsonValue:
    """Turn ``obj`` (a record, a Month, a Decimal ...) into plain JSON-ready data.

    Examples:
        >>> from decimal import Decimal
        >>> unstructure((Decimal("1.10"), Decimal("2")))
        ['1.10', '2']
    """
    conv = converter if converter is not None else _default()
    data: JsonValue = conv.unstructure(obj)
    return data


def to_json(obj: object, *, converter: cattrs.Converter | None = None) -> str:
    """Write ``obj`` as a JSON text (keys in field order, UTF-8 characters kept).

    Examples:
        >>> from szo_core.calendar import Month
        >>> to_json({"month": Month(2026, 9)})
        '{"month": "2026-09"}'
    """
    return json.dumps(unstructure(obj, converter=converter), ensure_ascii=False)


def from_json(text: str | bytes, cls: type[T], *, converter: cattrs.Converter | None = None) -> T:
    """Read a ``cls`` from a JSON text.

    Raises:
        ValidationError: ``serialization.json`` when the text is not JSON,
            ``serialization.structure`` when the data does not fit ``cls``.

    Examples:
        >>> from szo_core.calendar import Month
        >>> from_json('"2026-09"', Month)
        Month(year=2026, month=9)
    """
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidFormat(
            "serialization.json",
            sl="Besedilo ni veljaven JSON.",
            en="The text is not valid JSON.",
        ) from exc
    return structure(data, cls, converter=converter)


# -- error translation ---------------------------------------------------------------------


def _type_name(cl: object) -> str:
    name = getattr(cl, "__name__", None)
    return name if isinstance(name, str) and get_origin(cl) is None else repr(cl)


def _format_sl(exc: BaseException, cl: type | None) -> str:
    if isinstance(exc, SzoError):
        return exc.message("sl")
    if isinstance(exc, KeyError):
        return "manjka obvezno polje"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"odvečna polja ({_keys(exc.extra_fields)})"
    if isinstance(exc, AttributeError | TypeError) and cl is None:
        return "napačna vrsta podatka"
    if cl is not None:
        return f"neveljavna vrednost, pričakovan tip {_type_name(cl)}"
    return "neveljavna vrednost"


def _format_en(exc: BaseException, cl: type | None) -> str:
    if isinstance(exc, SzoError):
        return exc.message("en")
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"extra fields ({_keys(exc.extra_fields)})"
    if isinstance(exc, AttributeError | TypeError) and cl is None:
        return "wrong kind of data"
    if cl is not None:
        return f"invalid value, expected {_type_name(cl)}"
    return "invalid value"


def _structure_error(exc: BaseException) -> ValidationError:
    # transform_error gives "message @ $.path" for each leaf error, without the values.
    sl = [_split(line) for line in transform_error(exc, "$", _format_sl)]
    en = [_split(line) for line in transform_error(exc, "$", _format_en)]
    where = sl[0][1] if sl and len(sl[0]) == 2 else "$"
    return ValidationError(
        "serialization.structure",
        sl="Podatki niso veljavni: " + _join(sl),
        en="The data is not valid: " + _join(en),
        where=where,
    )


def _keys(keys: Iterable[str]) -> str:
    return ", ".join(sorted("***" if _DIGITS_RE.search(k) else k for k in keys))


def _split(line: str) -> list[str]:
    parts = line.rsplit(" @ ", 1)
    if len(parts) == 2:
        parts[1] = _KEY_RE.sub(_redact_key, parts[1])
    return parts


def _redact_key(match: re.Match[str]) -> str:
    return "['***']" if _DIGITS_RE.search(match[1]) else match[0]


def _join(problems: list[list[str]]) -> str:
    if len(problems) == 1:
        return problems[0][0]
    return "; ".join(f"{p[1]}: {p[0]}" if len(p) == 2 else p[0] for p in problems)
