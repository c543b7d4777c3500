r"""The event catalogue: what can happen to a case, and what a citizen is told about it.

An administrator keeps one :class:`EventType` per kind of event of the
document system (``zadeva.klasifikacija``: the application got its
classification mark, ``zadeva.dodelitev``: it was assigned to an official ...):
a code, a name, a **class** and the fields an event of the type carries, and
per channel a short template in Slovenian (English optional).

* :attr:`EventClass.INTERNAL`: never sent to anyone;
* :attr:`EventClass.NOTIFIABLE`: sent to subscribers unless they chose key
  events only;
* :attr:`EventClass.KEY`: always sent to subscribers; they cannot turn it off
  (only end the subscription, see ``docs/notifications.md``).

:func:`save_event_type` checks the texts as message templates
(:func:`szo_core.templates.messages.validate`: syntax, placeholders that are not
declared fields, HTML that would be removed, a trial render with the fields'
examples), stores each changed text as the next version of its template
(``notify.<code>.email`` / ``notify.<code>.sms`` in ``uow.templates``) and the
event type as the next version of its catalogue entry (``uow.notify``), with
who changed it and when.  An event type that is not internal needs the
Slovenian e-mail (subject and body) and SMS text.

Example:
    >>> from datetime import UTC, datetime
    >>> from szo_core.adapters.memory import MemoryStore
    >>> from szo_core.notify.catalogue import EventClass, EventTexts, EventType, save_event_type
    >>> from szo_core.templates.model import FieldType, TemplateField
    >>> store = MemoryStore()
    >>> assigned = EventType(
    ...     organisation_id="obcina", code="zadeva.dodelitev", name="Dodelitev uradniku",
    ...     event_class=EventClass.NOTIFIABLE,
    ...     fields=(TemplateField(name="zadeva", type=FieldType.TEXT, example="3500-12/2025"),))
    >>> texts = EventTexts(email_subject="Zadeva {{ zadeva }}",
    ...                    email_html="<p>Zadeva {{ zadeva }} je dodeljena uradniku.</p>",
    ...                    sms_text="Zadeva ((zadeva)) je dodeljena uradniku.")
    >>> with store.unit_of_work() as uow:
    ...     saved = save_event_type(uow, assigned, [texts], changed_by="admin:1",
    ...                             now=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    ...     uow.commit()
    >>> saved.version, [(r.channel.value, r.language, r.version) for r in saved.templates]
    (1, [('email', 'sl', 1), ('sms', 'sl', 1)])
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from szo_core.delivery.message import Channel
from szo_core.errors import ConfigurationError, InvalidFormat, InvalidType, Language
from szo_core.templates.errors import TemplateInvalid, TemplateProblem
from szo_core.templates.model import MessageTemplate, TemplateField

if TYPE_CHECKING:
    from szo_core.ports import UnitOfWork
    from szo_core.templates.render import TemplateLimits

__all__ = [
    "EventClass",
    "EventTexts",
    "EventType",
    "TemplateRef",
    "save_event_type",
    "template_key",
]

_CODE: Final = re.compile(r"[a-z0-9][a-z0-9_\-]*(\.[a-z0-9][a-z0-9_\-]*)*")


class EventClass(enum.Enum):
    """Whether events of a type reach citizens.

    >>> [c.value for c in EventClass]
    ['internal', 'notifiable', 'key']
    """

    INTERNAL = "internal"
    NOTIFIABLE = "notifiable"
    KEY = "key"


def template_key(code: str, channel: Channel) -> str:
    """The key of an event type's template for ``channel`` in ``uow.templates``.

    >>> template_key("zadeva.dodelitev", Channel.SMS)
    'notify.zadeva.dodelitev.sms'
    """
    return f"notify.{code}.{channel.value}"


def _bad(code: str, sl: str, en: str, where: str) -> InvalidFormat:
    return InvalidFormat(f"notify.{code}", sl=sl, en=en, where=where)


def _check_code(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not _CODE.fullmatch(value) or len(value) > 80:
        raise _bad(
            "event_code",
            sl="Koda dogodka so male črke, številke, _ in -, deli ločeni s piko (do 80 znakov).",
            en="An event code is lower-case letters, digits, _ and -, parts joined by dots "
            "(up to 80).",
            where="code",
        )


def _check_text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidType(
            "notify.text",
            sl="Vrednost mora biti besedilo.",
            en="The value must be text.",
            where=attribute.name,
        )


def _check_language(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in ("sl", "en"):
        raise _bad(
            "language",
            sl="Jezik mora biti 'sl' ali 'en'.",
            en="The language must be 'sl' or 'en'.",
            where=attribute.name,
        )


def _check_version(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(
            "version",
            sl="Različica je celo število, 0 ali več.",
            en="A version is an integer, 0 or more.",
            where=attribute.name,
        )


def check_aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: None or a timezone-aware datetime (``notify.time``)."""
    if value is None:
        return
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ConfigurationError(
            "notify.time",
            sl="Čas mora biti datetime s časovnim pasom.",
            en="Times must be timezone-aware datetimes.",
            where=attribute.name,
        )


@attrs.frozen(kw_only=True)
class TemplateRef:
    """Which template version an event type version uses for a channel and language.

    >>> TemplateRef(channel=Channel.EMAIL, language="en", version=2).language
    'en'
    """

    channel: Channel = attrs.field(validator=attrs.validators.instance_of(Channel))
    language: Language = attrs.field(validator=_check_language)
    version: int = attrs.field(validator=_check_version)


def _fields(value: Iterable[TemplateField]) -> tuple[TemplateField, ...]:
    return tuple(value)


def _check_fields(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]
) -> None:
    names: set[str] = set()
    for field in value:
        if not isinstance(field, TemplateField):
            raise InvalidType(
                "notify.fields",
                sl="Polje dogodka mora biti TemplateField.",
                en="An event field must be a TemplateField.",
                where="fields",
            )
        if field.name in names:
            raise _bad(
                "field_duplicate",
                sl="Polje je navedeno dvakrat.",
                en="The field is declared twice.",
                where=field.name,
            )
        names.add(field.name)


def _refs(value: Iterable[TemplateRef]) -> tuple[TemplateRef, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class EventType:
    """One kind of event of a case, as the catalogue holds it (one version).

    Attributes:
        organisation_id: The organisation (the municipality).
        code: The event's code in the document system, dotted lower case.
        name: Its name in Slovenian (shown to officials and in digests).
        name_en: Its name in English, or empty (the Slovenian one is used).
        event_class: Internal, notifiable or key.
        fields: The values an event of this type carries; its templates may use
            them (and only them).
        description: A note for administrators.
        templates: The template versions of this version, per channel and
            language (set by :func:`save_event_type`).
        version: 0 before it is saved; then 1, 2, 3 ... (a version never changes).
        changed_at: When this version was saved (aware).
        changed_by: Who saved it (an official's id, never a personal number).

    >>> EventType(organisation_id="o", code="Zadeva", name="X", event_class=EventClass.KEY)
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: notify.event_code: ... (code)
    """

    organisation_id: str = attrs.field(validator=_check_text)
    code: str = attrs.field(validator=_check_code)
    name: str = attrs.field(validator=_check_text)
    name_en: str = attrs.field(default="", validator=_check_text)
    event_class: EventClass = attrs.field(validator=attrs.validators.instance_of(EventClass))
    fields: tuple[TemplateField, ...] = attrs.field(
        default=(), converter=_fields, validator=_check_fields
    )
    description: str = attrs.field(default="", validator=_check_text)
    templates: tuple[TemplateRef, ...] = attrs.field(default=(), converter=_refs)
    version: int = attrs.field(default=0, validator=_check_version)
    changed_at: datetime | None = attrs.field(default=None, validator=check_aware)
    changed_by: str = attrs.field(default="", validator=_check_text)

    def __attrs_post_init__(self) -> None:
        if not self.organisation_id.strip():
            raise _bad(
                "organisation",
                sl="Vrsta dogodka mora imeti organizacijo.",
                en="An event type needs an organisation.",
                where="organisation_id",
            )
        if not self.name.strip():
            raise _bad(
                "event_name",
                sl="Vrsta dogodka mora imeti ime.",
                en="An event type needs a name.",
                where="name",
            )

    def display_name(self, language: Language = "sl") -> str:
        """The name in ``language`` (the Slovenian one when there is no English name).

        >>> EventType(organisation_id="o", code="a", name="Vloga prejeta",
        ...           event_class=EventClass.KEY).display_name("en")
        'Vloga prejeta'
        """
        return self.name_en if language == "en" and self.name_en else self.name

    def template_ref(self, channel: Channel, language: Language) -> TemplateRef | None:
        """The template version for ``channel`` in ``language``, else the Slovenian one."""
        fallback = None
        for ref in self.templates:
            if ref.channel is channel:
                if ref.language == language:
                    return ref
                if ref.language == "sl":
                    fallback = ref
        return fallback


@attrs.frozen(kw_only=True)
class EventTexts:
    """An event type's texts in one language, as an administrator writes them.

    Attributes:
        language: ``"sl"`` (required for a type that is not internal) or ``"en"``.
        email_subject: The e-mail subject (Jinja2, one line).
        email_html: The e-mail HTML body (Jinja2, autoescaped, sanitised).
        email_text: The e-mail text body; empty to derive it from the HTML.
        sms_text: The SMS text in the plain ``((placeholder))`` mode.

    An English text may give only one channel (the other falls back to Slovenian).
    """

    language: Language = attrs.field(default="sl", validator=_check_language)
    email_subject: str = attrs.field(default="", validator=_check_text)
    email_html: str = attrs.field(default="", validator=_check_text)
    email_text: str = attrs.field(default="", validator=_check_text)
    sms_text: str = attrs.field(default="", validator=_check_text)

    def has_email(self) -> bool:
        """Whether the e-mail parts are given."""
        return bool(self.email_subject.strip() or self.email_html.strip())

    def has_sms(self) -> bool:
        """Whether the SMS text is given."""
        return bool(self.sms_text.strip())


def _missing(part: str) -> TemplateProblem:
    return TemplateProblem(
        part=part,
        code="notify.text_missing",
        where=part,
        sl="Vrsta dogodka, ki ni interna, potrebuje slovensko besedilo za e-pošto in SMS.",
        en="An event type that is not internal needs the Slovenian e-mail and SMS texts.",
    )


def _templates(
    event_type: EventType, texts: EventTexts
) -> tuple[list[MessageTemplate], list[TemplateProblem]]:
    made: list[MessageTemplate] = []
    problems: list[TemplateProblem] = []
    lang = texts.language
    if texts.has_email():
        try:
            made.append(
                MessageTemplate(
                    organisation_id=event_type.organisation_id,
                    key=template_key(event_type.code, Channel.EMAIL),
                    channel=Channel.EMAIL,
                    language=lang,
                    subject=texts.email_subject,
                    html_body=texts.email_html,
                    text_body=texts.email_text,
                    fields=event_type.fields,
                    description=f"{event_type.name} (e-mail)",
                )
            )
        except InvalidFormat as error:
            problems.append(
                TemplateProblem(
                    part=f"{lang} email {error.where}",
                    code=error.code,
                    where=error.where,
                    sl=error.sl,
                    en=error.en,
                )
            )
    if texts.has_sms():
        made.append(
            MessageTemplate(
                organisation_id=event_type.organisation_id,
                key=template_key(event_type.code, Channel.SMS),
                channel=Channel.SMS,
                language=lang,
                sms_text=texts.sms_text,
                fields=event_type.fields,
                description=f"{event_type.name} (SMS)",
            )
        )
    return made, problems


def _same_text(a: MessageTemplate, b: MessageTemplate) -> bool:
    return attrs.evolve(a, version=0, description="") == attrs.evolve(b, version=0, description="")


def save_event_type(
    uow: UnitOfWork,
    event_type: EventType,
    texts: Iterable[EventTexts] = (),
    *,
    now: datetime,
    changed_by: str,
    limits: TemplateLimits | None = None,
) -> EventType:
    """Check ``event_type`` and its ``texts``, store them as new versions; return the type.

    Every text is checked first; with any problem nothing is stored.  A text
    that is the same as its template's latest version keeps that version; a
    changed one becomes the next version.  The event type becomes the next
    version of its code (1 for the first).  Texts of a language not given now
    keep their latest versions.  The caller commits.

    Raises:
        szo_core.templates.errors.TemplateInvalid: the texts have problems
            (``problems`` lists each, ``part`` starting with the language and
            channel), or a type that is not internal lacks a Slovenian text.
        szo_core.errors.ConfigurationError: ``notify.texts`` when a language
            is given twice; ``notify.time`` for a naive ``now``.
    """
    from szo_core.templates.messages import save_template, validate

    check_aware(None, attrs.fields(EventType).changed_at, now)
    given = list(texts)
    languages = [t.language for t in given]
    if len(set(languages)) != len(languages) or not all(isinstance(t, EventTexts) for t in given):
        raise ConfigurationError(
            "notify.texts",
            sl="Za vsak jezik podajte največ ena besedila (EventTexts).",
            en="Give at most one EventTexts per language.",
            where="texts",
        )
    org, code = event_type.organisation_id, event_type.code
    problems: list[TemplateProblem] = []
    candidates: list[MessageTemplate] = []
    for text in given:
        made, found = _templates(event_type, text)
        problems.extend(found)
        for template in made:
            name = template.channel.value
            for problem in validate(template, limits=limits):
                problems.append(
                    attrs.evolve(problem, part=f"{text.language} {name} {problem.part}")
                )
            candidates.append(template)
    # The templates this version would use: the new texts, else the stored latest ones.
    refs: dict[tuple[Channel, str], MessageTemplate | None] = {}
    for channel in Channel:
        for language in ("sl", "en"):
            refs[(channel, language)] = uow.templates.latest(
                org, template_key(code, channel), language
            )
    for template in candidates:
        refs[(template.channel, template.language)] = template
    if event_type.event_class is not EventClass.INTERNAL:
        for channel in Channel:
            if refs[(channel, "sl")] is None:
                problems.append(_missing(f"sl {channel.value}"))
    if problems:
        raise TemplateInvalid(
            "templates.invalid",
            sl=f"Vrste dogodka ni mogoče shraniti: težav je {len(problems)}.",
            en=f"The event type cannot be saved: {len(problems)} problem(s).",
            where="; ".join(p.part for p in problems),
            problems=tuple(problems),
        )
    stored_refs: list[TemplateRef] = []
    for (channel, language), current in sorted(
        refs.items(), key=lambda item: (item[0][0].value, item[0][1] != "sl")
    ):
        if current is None:
            continue
        template = current
        if template.version == 0:
            latest = uow.templates.latest(org, template.key, language)
            if latest is not None and _same_text(latest, template):
                template = latest
            else:
                template = save_template(uow, template, limits=limits)
        elif tuple(template.fields) != event_type.fields:
            # a language not given now: its stored text, re-checked with the new fields
            renewed = attrs.evolve(template, fields=event_type.fields, version=0)
            template = save_template(uow, renewed, limits=limits)
        stored_refs.append(
            TemplateRef(channel=channel, language=template.language, version=template.version)
        )
    latest_type = uow.notify.event_type(org, code)
    stored = attrs.evolve(
        event_type,
        templates=tuple(stored_refs),
        version=1 if latest_type is None else latest_type.version + 1,
        changed_at=now,
        changed_by=changed_by,
    )
    return uow.notify.add_event_type(stored)
