r"""The plain placeholder mode for SMS and short texts: ``((ime))`` and ``((ime??besedilo))``.

An SMS has no room for logic and an administrator who writes one should not
need to learn a template language.  The plain mode has two forms and nothing
else:

* ``((name))`` is replaced by the value of ``name``, formatted by the field's
  declared type (money ``1.234,50 €``, a date in running text ``4. marca
  2026``, a date and time ``4. marca 2026 ob 9.05``, an integer, a decimal
  ``1.234,5``, a boolean ``da`` / ``ne``, a list joined with ``, ``);
* ``((name??text))`` is replaced by ``text`` when ``name`` has a value (given,
  not None, not False, not empty) and by nothing otherwise; the value itself is
  not shown.  ``text`` is plain text (no placeholders inside).

Why ``((name))`` (the GOV.UK Notify style) and not ``{name}``: braces are
ordinary in text (JSON, code, ``{}`` in a URL) and are Jinja2's own syntax, so
``{ime}`` would clash with both; double round brackets almost never occur in a
message, are easy to see and to type for someone who does not program, and
nothing in them is code, so there is nothing to escape from.

The same strictness as the Jinja2 renderer: a placeholder without a value is
:class:`~szo_core.templates.errors.UndefinedPlaceholder` naming it, a value of
the wrong type :class:`~szo_core.errors.InvalidType` naming the field, a
malformed ``((`` is ``templates.syntax`` with its line, and the output is
limited to :attr:`~szo_core.templates.render.TemplateLimits.max_output_chars`.

Example:
    >>> from decimal import Decimal
    >>> from szo_core.templates.model import FieldType
    >>> sms = PlainTemplate.compile("Račun ((znesek)) plačajte do ((rok)).((nujno?? NUJNO!))")
    >>> sms.placeholders
    ('znesek', 'rok', 'nujno')
    >>> from datetime import date
    >>> sms.render({"znesek": Decimal("1234.5"), "rok": date(2026, 3, 4)},
    ...            types={"znesek": FieldType.MONEY, "rok": FieldType.DATE})
    'Račun 1.234,50\xa0€ plačajte do 4. marca 2026.'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Final

import attrs

from szo_core.errors import InvalidType, Language
from szo_core.templates import formatting
from szo_core.templates.errors import TemplateError, TemplateLimitExceeded, UndefinedPlaceholder
from szo_core.templates.model import FieldType, check_value
from szo_core.templates.render import TemplateLimits

__all__ = ["PlainTemplate", "format_value"]

_TOKEN: Final = re.compile(r"\(\((.*?)\)\)", re.DOTALL)
_BODY: Final = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*(?:\?\?(.*))?", re.DOTALL)

_YES_NO: Final[Mapping[str, tuple[str, str]]] = {"sl": ("da", "ne"), "en": ("yes", "no")}


def _infer(value: object, where: str) -> FieldType:
    if isinstance(value, bool):
        return FieldType.BOOLEAN
    if isinstance(value, int):
        return FieldType.INTEGER
    if isinstance(value, Decimal):
        return FieldType.DECIMAL
    if isinstance(value, datetime):
        return FieldType.DATETIME
    if isinstance(value, date):
        return FieldType.DATE
    if isinstance(value, list | tuple):
        return FieldType.LIST
    if isinstance(value, str):
        return FieldType.TEXT
    raise InvalidType(
        "templates.value_type",
        sl=f"Vrednosti tipa {type(value).__name__} ni mogoče vstaviti v besedilo.",
        en=f"A value of type {type(value).__name__} cannot be put into the text.",
        where=where,
    )


def format_value(
    value: object, kind: FieldType | None = None, language: str = "sl", *, where: str = "value"
) -> str:
    r"""Format ``value`` as the plain mode shows a field of type ``kind``.

    Without ``kind`` the type is taken from the value (a ``Decimal`` is then a
    decimal number, not money: declare money fields).

    >>> format_value(Decimal("1234.5"), FieldType.MONEY)
    '1.234,50\xa0€'
    >>> format_value(Decimal("1234.5"))
    '1.234,5'
    >>> format_value(date(2026, 3, 4)), format_value(date(2026, 3, 4), language="en")
    ('4. marca 2026', 'March 4, 2026')
    >>> format_value(True), format_value(["A", "B"])
    ('da', 'A, B')
    """
    lang: Language = formatting._language(language)
    if kind is None:
        kind = _infer(value, where)
    else:
        check_value(kind, value, where)
    if kind is FieldType.TEXT:
        return str(value)
    if kind is FieldType.MONEY:
        return formatting.format_money(value, lang)  # type: ignore[arg-type]
    if kind is FieldType.DECIMAL:
        return formatting.format_number(value, lang)  # type: ignore[arg-type]
    if kind is FieldType.INTEGER:
        return str(value)
    if kind is FieldType.DATE:
        return formatting.format_date_in_text(value, lang)  # type: ignore[arg-type]
    if kind is FieldType.DATETIME:
        return formatting.format_datetime(value, language=lang)  # type: ignore[arg-type]
    if kind is FieldType.BOOLEAN:
        yes, no = _YES_NO[lang]
        return yes if value else no
    if kind is FieldType.LIST:
        return ", ".join(format_value(item, None, lang, where=where) for item in value)  # type: ignore[attr-defined]
    raise InvalidType(
        "templates.value_type",
        sl="Polja tipa object ni mogoče vstaviti v besedilo.",
        en="A field of type object cannot be put into the text.",
        where=where,
    )


def _syntax(line: int, en: str) -> TemplateError:
    return TemplateError(
        "templates.syntax",
        sl="Oznaka ((...)) ni pravilno zapisana: ((ime)) ali ((ime??besedilo)).",
        en=f"A ((...)) placeholder is malformed ({en}): write ((name)) or ((name??text)).",
        where=f"line {line}",
    )


def _stray(text: str) -> int:
    """The index of a ``((`` or ``))`` outside a placeholder, or -1."""
    found = [i for i in (text.find("(("), text.find("))")) if i >= 0]
    return min(found) if found else -1


def _line_of(source: str, index: int) -> int:
    return source.count("\n", 0, index) + 1


@attrs.frozen
class _Slot:
    name: str
    text: str | None  # None: the value itself; a string: the optional text


@attrs.frozen
class PlainTemplate:
    """A compiled plain-mode text: literal pieces and placeholders.

    Attributes:
        source: The text as written.
        placeholders: The names used, in order of first use.
        optional: The names used only in ``((name??text))`` form.
    """

    source: str = attrs.field(repr=False)
    _pieces: tuple[str | _Slot, ...] = attrs.field(repr=False)
    placeholders: tuple[str, ...]
    optional: frozenset[str]
    _limits: TemplateLimits = attrs.field(repr=False)

    @classmethod
    def compile(cls, source: str, limits: TemplateLimits | None = None) -> PlainTemplate:
        """Parse ``source``; a malformed placeholder is ``templates.syntax`` with its line.

        >>> PlainTemplate.compile("Pozdravljeni ((ime)")
        Traceback (most recent call last):
        ...
        szo_core.templates.errors.TemplateError: templates.syntax: ... (line 1)
        """
        limits = limits if limits is not None else TemplateLimits()
        if not isinstance(source, str):
            raise TemplateError(
                "templates.type",
                sl="Predloga mora biti besedilo.",
                en="A template must be text.",
                where="source",
            )
        if len(source) > limits.max_source_chars:
            raise TemplateLimitExceeded(
                "templates.limit.source",
                sl="Predloga je predolga.",
                en="The template is too long.",
                where="source",
            )
        pieces: list[str | _Slot] = []
        names: dict[str, None] = {}
        shown: set[str] = set()
        position = 0
        for match in _TOKEN.finditer(source):
            literal = source[position : match.start()]
            stray = _stray(literal)
            if stray >= 0:
                raise _syntax(_line_of(source, position + stray), "unclosed")
            if literal:
                pieces.append(literal)
            body = _BODY.fullmatch(match.group(1))
            if body is None:
                raise _syntax(_line_of(source, match.start()), "name")
            name, text = body.group(1), body.group(2)
            if text is not None and (not text.strip() or _stray(text) >= 0):
                raise _syntax(_line_of(source, match.start()), "optional text")
            pieces.append(_Slot(name, text))
            names.setdefault(name)
            if text is None:
                shown.add(name)
            position = match.end()
        rest = source[position:]
        stray = _stray(rest)
        if stray >= 0:
            raise _syntax(_line_of(source, position + stray), "unclosed")
        if rest:
            pieces.append(rest)
        return cls(source, tuple(pieces), tuple(names), frozenset(set(names) - shown), limits)

    def render(
        self,
        values: Mapping[str, object],
        *,
        types: Mapping[str, FieldType] | None = None,
        language: str = "sl",
    ) -> str:
        """Fill in the placeholders.

        Args:
            values: The values by name.
            types: The declared type of each field (see :func:`format_value`);
                a name without one is formatted by its value's type.
            language: ``"sl"`` or ``"en"``.

        Raises:
            szo_core.templates.errors.UndefinedPlaceholder: ``((name))`` has no value.
            szo_core.errors.InvalidType: a value does not fit its declared type.
            szo_core.templates.errors.TemplateLimitExceeded: ``templates.limit.output``.

        >>> PlainTemplate.compile("Zdravo ((ime))!").render({})
        Traceback (most recent call last):
        ...
        szo_core.templates.errors.UndefinedPlaceholder: templates.undefined: ... (ime)
        """
        lang = formatting._language(language)
        kinds = types or {}
        out: list[str] = []
        size = 0
        limit = self._limits.max_output_chars
        for piece in self._pieces:
            if isinstance(piece, str):
                chunk = piece
            elif piece.text is not None:
                value = values.get(piece.name)
                chunk = piece.text if _present(value) else ""
            else:
                if piece.name not in values or values[piece.name] is None:
                    raise UndefinedPlaceholder(
                        "templates.undefined",
                        sl="Za oznako v predlogi ni vrednosti.",
                        en="A placeholder in the template has no value.",
                        where=piece.name,
                    )
                chunk = format_value(
                    values[piece.name], kinds.get(piece.name), lang, where=piece.name
                )
            size += len(chunk)
            if size > limit:
                raise TemplateLimitExceeded(
                    "templates.limit.output",
                    sl="Besedilo predloge je predolgo.",
                    en="The rendered text is too long.",
                    where="output",
                )
            out.append(chunk)
        return "".join(out)


def _present(value: object) -> bool:
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list | tuple) and len(value) == 0)
