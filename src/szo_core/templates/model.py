"""A message template as a record: its parts and the fields it declares.

A :class:`MessageTemplate` is what an administrator writes and saves (see
:mod:`szo_core.templates.messages`): an organisation's template for one key
(``invoice.email``), channel (e-mail or SMS) and language, with a subject, an
HTML body and an optional text body (e-mail), or an SMS text; and the
:class:`TemplateField` s it uses, each with a type, an example and whether it is
required.  The record checks its own shape (non-empty key, the parts its
channel needs, unique field names, examples that parse as their type); what
its sources say is checked when it is saved.

Example:
    >>> field = TemplateField(name="znesek", type=FieldType.MONEY, example="98.40")
    >>> field.example_value()
    Decimal('98.40')
    >>> sms = MessageTemplate(organisation_id="vrtec", key="invoice.sms", channel=Channel.SMS,
    ...                       sms_text="Račun: ((znesek)).", fields=(field,))
    >>> sms.version, sms.field("znesek").type.value
    (0, 'money')
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

import attrs

from szo_core.delivery.message import Channel
from szo_core.errors import InvalidFormat, InvalidType, Language, ValidationError

__all__ = [
    "Channel",
    "FieldType",
    "MessageTemplate",
    "TemplateField",
    "check_value",
]

_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_KEY: Final = re.compile(r"[a-z0-9][a-z0-9_\-]*(\.[a-z0-9][a-z0-9_\-]*)*")


class FieldType(enum.Enum):
    """The type of a declared field: what its values must be and how they are shown.

    In the plain mode the type decides the formatting (money ``1.234,50 €``, a
    date in running text ``4. marca 2026``); in Jinja2 templates the filters do.
    """

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    LIST = "list"
    OBJECT = "object"


def _problem(code: str, sl: str, en: str, where: str) -> ValidationError:
    return InvalidFormat(f"templates.{code}", sl=sl, en=en, where=where)


def _parse_example(kind: FieldType, text: str, where: str) -> object:
    """Parse an example written as text into a value of ``kind``."""
    bad = _problem(
        "example",
        sl="Primer ni zapisan kot vrednost svojega tipa.",
        en="The example is not written as a value of its type.",
        where=where,
    )
    try:
        if kind is FieldType.TEXT:
            return text
        if kind is FieldType.INTEGER:
            if not re.fullmatch(r"-?[0-9]+", text):
                raise bad
            return int(text)
        if kind in (FieldType.DECIMAL, FieldType.MONEY):
            if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
                raise bad
            return Decimal(text)
        if kind is FieldType.DATE:
            return date.fromisoformat(text)
        if kind is FieldType.DATETIME:
            return datetime.fromisoformat(text)
        if kind is FieldType.BOOLEAN:
            if text not in ("true", "false"):
                raise bad
            return text == "true"
        value = json.loads(text, parse_float=Decimal)
    except (ValueError, InvalidOperation):
        raise bad from None
    if kind is FieldType.LIST and not isinstance(value, list):
        raise bad
    if kind is FieldType.OBJECT and not isinstance(value, dict):
        raise bad
    return value


_PYTHON_TYPES: Final[Mapping[FieldType, tuple[type, ...]]] = {
    FieldType.TEXT: (str,),
    FieldType.INTEGER: (int,),
    FieldType.DECIMAL: (Decimal, int),
    FieldType.MONEY: (Decimal, int),
    FieldType.DATE: (date,),
    FieldType.DATETIME: (datetime,),
    FieldType.BOOLEAN: (bool,),
    FieldType.LIST: (list, tuple),
    FieldType.OBJECT: (Mapping,),
}


def check_value(kind: FieldType, value: object, where: str) -> None:
    """Raise :class:`~szo_core.errors.InvalidType` unless ``value`` fits ``kind``.

    The message names the field (``where``) and the type, never the value.  A
    ``float`` is never money or a decimal; a ``datetime`` is not a date; a
    ``bool`` is not an integer.

    >>> check_value(FieldType.MONEY, Decimal("1.00"), "znesek")
    >>> check_value(FieldType.MONEY, 1.0, "znesek")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidType: templates.value_type: ... (znesek)
    """
    allowed = _PYTHON_TYPES[kind]
    fits = isinstance(value, allowed)
    if isinstance(value, bool) and kind is not FieldType.BOOLEAN:
        fits = False
    if kind is FieldType.DATE and isinstance(value, datetime):
        fits = False
    if not fits:
        raise InvalidType(
            "templates.value_type",
            sl=f"Vrednost polja mora biti tipa {kind.value}, ne {type(value).__name__}.",
            en=f"The field's value must be of type {kind.value}, not {type(value).__name__}.",
            where=where,
        )


def _check_name(instance: TemplateField, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise _problem(
            "field_name",
            sl="Ime polja mora biti črka ali _, nato črke, številke ali _ (do 64 znakov).",
            en="A field name must be a letter or _, then letters, digits or _ (up to 64).",
            where="name",
        )


def _check_example(instance: TemplateField, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise InvalidType(
            "templates.example",
            sl="Primer mora biti besedilo.",
            en="An example must be text.",
            where=instance.name,
        )
    _parse_example(instance.type, value, instance.name)


@attrs.frozen(kw_only=True)
class TemplateField:
    """A field a template declares.

    Attributes:
        name: The placeholder's name (``ime``, ``znesek``).
        type: Its :class:`FieldType`.
        example: An example value written as text: ``98.40`` for money and
            decimals, ``2026-03-04`` for a date, ISO for a datetime, ``true`` /
            ``false``, a JSON array or object for ``list`` / ``object`` (numbers
            with decimals become ``Decimal``).  Saving renders the template with
            the examples.
        required: A required field must be given when rendering; an optional one
            may be missing (the template then needs ``default`` or the plain
            mode's ``((name??text))``).
        description: What the field is, for the administrator.

    >>> TemplateField(name="rok", type=FieldType.DATE, example="2026-03-04").example_value()
    datetime.date(2026, 3, 4)
    >>> TemplateField(name="rok", type=FieldType.DATE, example="4. 3. 2026")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: templates.example: ... (rok)
    """

    name: str = attrs.field(validator=_check_name)
    type: FieldType = attrs.field(validator=attrs.validators.instance_of(FieldType))
    example: str = attrs.field(default="", validator=_check_example)
    required: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def example_value(self) -> object:
        """The example parsed as a value of the field's type."""
        return _parse_example(self.type, self.example, self.name)


def _check_key(instance: MessageTemplate, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _KEY.fullmatch(value) or len(value) > 100:
        raise _problem(
            "key",
            sl="Ključ predloge so male črke, številke, _ in -, deli ločeni s piko (invoice.email).",
            en="A template key is lower-case letters, digits, _ and -, parts joined by dots.",
            where="key",
        )


def _check_fields(
    instance: MessageTemplate,
    attribute: attrs.Attribute[tuple[TemplateField, ...]],
    value: tuple[TemplateField, ...],
) -> None:
    seen: set[str] = set()
    for field in value:
        if not isinstance(field, TemplateField):
            raise InvalidType(
                "templates.field_type",
                sl="Polje predloge mora biti TemplateField.",
                en="A template field must be a TemplateField.",
                where="fields",
            )
        if field.name in seen:
            raise _problem(
                "field_duplicate",
                sl="Polje je navedeno dvakrat.",
                en="The field is declared twice.",
                where=field.name,
            )
        seen.add(field.name)


def _field_tuple(value: Iterable[TemplateField]) -> tuple[TemplateField, ...]:
    return tuple(value)


def _language(instance: MessageTemplate, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in ("sl", "en"):
        raise _problem(
            "language",
            sl="Jezik mora biti 'sl' ali 'en'.",
            en="The language must be 'sl' or 'en'.",
            where="language",
        )


def _text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidType(
            "templates.part_type",
            sl="Del predloge mora biti besedilo.",
            en="A template part must be text.",
            where=attribute.name,
        )


def _version(instance: MessageTemplate, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _problem(
            "version",
            sl="Različica je celo število, 0 ali več.",
            en="A version is an integer, 0 or more.",
            where="version",
        )


@attrs.frozen(kw_only=True)
class MessageTemplate:
    """An organisation's template for one kind of message, channel and language.

    Attributes:
        organisation_id: The organisation.
        key: What the message is, dotted (``invoice.email``, ``booking.confirmed.sms``).
        channel: :attr:`Channel.EMAIL` or :attr:`Channel.SMS`.
        language: ``"sl"`` or ``"en"``; also the formatting of money and dates.
        subject: E-mail subject (Jinja2, rendered as plain text on one line).
        html_body: E-mail HTML body (Jinja2 with autoescaping, then sanitised).
        text_body: E-mail text body (Jinja2); empty to derive it from the HTML.
        sms_text: The SMS text, in the plain ``((placeholder))`` mode.
        fields: The fields the parts may use.
        version: 0 for a template not yet saved; saving gives 1, 2, 3 ...
        description: A note for administrators.

    An e-mail template needs a subject and an HTML body; an SMS template needs
    an SMS text and no e-mail parts.

    >>> MessageTemplate(organisation_id="o", key="x.email", channel=Channel.EMAIL, subject="S")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: templates.parts: ... (html_body)
    """

    organisation_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    key: str = attrs.field(validator=_check_key)
    channel: Channel = attrs.field(validator=attrs.validators.instance_of(Channel))
    language: Language = attrs.field(default="sl", validator=_language)
    subject: str = attrs.field(default="", validator=_text)
    html_body: str = attrs.field(default="", validator=_text)
    text_body: str = attrs.field(default="", validator=_text)
    sms_text: str = attrs.field(default="", validator=_text)
    fields: tuple[TemplateField, ...] = attrs.field(
        default=(), converter=_field_tuple, validator=_check_fields
    )
    version: int = attrs.field(default=0, validator=_version)
    description: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        def missing(part: str) -> ValidationError:
            return _problem(
                "parts",
                sl="Predloga nima dela, ki ga njen kanal potrebuje (ali ima odvečnega).",
                en="The template lacks a part its channel needs (or has one it must not).",
                where=part,
            )

        if not self.organisation_id:
            raise _problem(
                "organisation",
                sl="Predloga mora imeti organizacijo.",
                en="A template needs an organisation.",
                where="organisation_id",
            )
        if self.channel is Channel.EMAIL:
            for part in ("subject", "html_body"):
                if not getattr(self, part).strip():
                    raise missing(part)
            if self.sms_text:
                raise missing("sms_text")
        else:
            if not self.sms_text.strip():
                raise missing("sms_text")
            for part in ("subject", "html_body", "text_body"):
                if getattr(self, part):
                    raise missing(part)

    def field(self, name: str) -> TemplateField:
        """Return the declared field ``name``.

        Raises:
            KeyError: No such field.
        """
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    def parts(self) -> tuple[tuple[str, str], ...]:
        """The non-empty parts as ``(name, source)``, in the order they are checked."""
        names = (
            ("subject", "html_body", "text_body")
            if self.channel is Channel.EMAIL
            else ("sms_text",)
        )
        return tuple((name, getattr(self, name)) for name in names if getattr(self, name))

    def examples(self) -> dict[str, object]:
        """Every field's example, parsed: the values of a trial render."""
        return {field.name: field.example_value() for field in self.fields}
