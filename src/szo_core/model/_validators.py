r"""Field validators for the records: attrs' validators, with szo_core errors.

attrs' own validators raise a bare ``TypeError`` or ``ValueError`` whose message
holds the rejected value (``'emso' must be <class 'str'> (got 1705019505003 ...)``):
an EMŠO passed as an int would be echoed in a traceback or a log.  These have
the same names and shapes (``instance_of``, ``optional``, ``and_``, ``ge``,
``le``, ``deep_iterable``), so a record module imports this module ``as v``, and
raise szo_core errors that name the record and the field, never the value:

* a wrong type is :class:`~szo_core.errors.InvalidType` ``record.type`` (also a
  ``TypeError``); ``bool`` is not accepted where an ``int`` is expected;
* text must be valid Unicode text a database stores unchanged: a lone surrogate
  (``"\ud800"``) is ``record.text.surrogate``, a NUL character ``record.text.nul``
  (PostgreSQL refuses NUL in text), both :class:`~szo_core.errors.InvalidFormat`;
* a number out of range is :class:`~szo_core.errors.InvalidComponent` ``record.range``.

>>> import attrs
>>> @attrs.frozen
... class Note:
...     text: str = attrs.field(validator=instance_of(str))
...     pages: int = attrs.field(default=1, validator=and_(instance_of(int), ge(1)))
>>> Note(text=1705019505003)
Traceback (most recent call last):
...
szo_core.errors.InvalidType: record.type: Polje text mora biti besedilo (str). (Note.text)
>>> Note(text="ok\ud800")
Traceback (most recent call last):
...
szo_core.errors.InvalidFormat: record.text.surrogate: ... (Note.text)
>>> Note(text="ok", pages=0).pages
Traceback (most recent call last):
...
szo_core.errors.InvalidComponent: record.range: Polje pages mora biti vsaj 1. (Note.pages)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar

import attrs

from szo_core.errors import InvalidComponent, InvalidFormat, InvalidType

__all__ = ["and_", "deep_iterable", "ge", "instance_of", "le", "optional", "to_tuple"]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""An attrs field validator: ``validator(instance, attribute, value)``."""

T = TypeVar("T")

_TYPE_NAMES: Final = {
    str: ("besedilo (str)", "text (str)"),
    int: ("celo število (int)", "a whole number (int)"),
    bool: ("True ali False (bool)", "True or False (bool)"),
}


def _where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _type_names(types: tuple[type, ...]) -> tuple[str, str]:
    sl, en = [], []
    for kind in types:
        names = _TYPE_NAMES.get(kind, (kind.__name__, kind.__name__))
        sl.append(names[0])
        en.append(names[1])
    return " ali ".join(sl), " or ".join(en)


def check_text(value: str, where: str) -> None:
    """Refuse a lone surrogate or a NUL character in ``value`` (see the module docs)."""
    if value.isascii():
        if "\x00" in value:
            raise InvalidFormat(
                "record.text.nul",
                sl="Besedilo vsebuje znak NUL.",
                en="The text contains a NUL character.",
                where=where,
            )
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidFormat(
            "record.text.surrogate",
            sl="Besedilo vsebuje neveljaven znak (osamljen nadomestni znak Unicode).",
            en="The text contains an invalid character (a lone Unicode surrogate).",
            where=where,
        ) from None
    if "\x00" in value:
        raise InvalidFormat(
            "record.text.nul",
            sl="Besedilo vsebuje znak NUL.",
            en="The text contains a NUL character.",
            where=where,
        )


def instance_of(*types: type) -> Validator:
    """The value is an instance of one of ``types`` (text is also checked, see above)."""
    wants_int = int in types and bool not in types
    wants_str = str in types

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, types) or (wants_int and isinstance(value, bool)):
            sl, en = _type_names(types)
            raise InvalidType(
                "record.type",
                sl=f"Polje {attribute.name} mora biti {sl}.",
                en=f"The field {attribute.name} must be {en}.",
                where=_where(instance, attribute),
            )
        if wants_str and isinstance(value, str):
            check_text(value, _where(instance, attribute))

    # Fast paths for the common cases (records are built by the hundred thousand in an
    # import): the value that passes returns at once; anything else takes ``check``,
    # so every error is raised exactly as before.
    if types == (str,):

        def check_str(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
            if type(value) is str and value.isascii() and "\x00" not in value:
                return
            check(instance, attribute, value)

        return check_str
    if types == (int,):

        def check_int(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
            if type(value) is not int:
                check(instance, attribute, value)

        return check_int
    if not wants_str and not wants_int:

        def check_plain(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
            if not isinstance(value, types):
                check(instance, attribute, value)

        return check_plain
    return check


def optional(validator: Validator) -> Validator:
    """None, or a value ``validator`` accepts."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return check


def and_(*validators: Validator) -> Validator:
    """Every validator in turn (the first failure is raised)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        for validator in validators:
            validator(instance, attribute, value)

    return check


def ge(bound: int) -> Validator:
    """The value is at least ``bound``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value < bound:
            raise InvalidComponent(
                "record.range",
                sl=f"Polje {attribute.name} mora biti vsaj {bound}.",
                en=f"The field {attribute.name} must be at least {bound}.",
                where=_where(instance, attribute),
            )

    return check


def le(bound: int) -> Validator:
    """The value is at most ``bound``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value > bound:
            raise InvalidComponent(
                "record.range",
                sl=f"Polje {attribute.name} mora biti največ {bound}.",
                en=f"The field {attribute.name} must be at most {bound}.",
                where=_where(instance, attribute),
            )

    return check


def deep_iterable(member: Validator) -> Validator:
    """A tuple whose every member ``member`` accepts (the converter makes the tuple)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise InvalidType(
                "record.type",
                sl=f"Polje {attribute.name} mora biti zaporedje (tuple ali list).",
                en=f"The field {attribute.name} must be a sequence (a tuple or a list).",
                where=_where(instance, attribute),
            )
        for item in value:
            member(instance, attribute, item)

    return check


def to_tuple(value: Iterable[T]) -> tuple[T, ...]:
    """Converter: any iterable but text becomes a tuple; anything else is left for the validator."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]  # deep_iterable reports it
    return tuple(value)
