r"""Message templates end to end: check and save them with a version, render e-mails and SMS.

* :func:`validate` finds every problem of a :class:`~szo_core.templates.model.MessageTemplate`:
  syntax (with the line), placeholders that are used but not declared (Jinja2's
  :func:`~jinja2.meta.find_undeclared_variables` on the sandbox's parsed tree
  for the e-mail parts, the plain mode's parser for the SMS text), HTML the
  sanitiser would remove, and a trial render of every part with the fields'
  examples (and once more without the optional fields).
* :func:`save_template` stores a valid template as the next version (1, 2, 3
  ...) through ``uow.templates``; an invalid one raises
  :class:`~szo_core.templates.errors.TemplateInvalid` listing every problem, and
  nothing is stored.  Versions never change; the latest is the one used.
* :func:`compile_message` compiles a template once; its
  :meth:`~CompiledMessage.render_email` and :meth:`~CompiledMessage.render_sms`
  give a :class:`RenderedEmail` or :class:`RenderedSms` that carry the
  template's key and version, so a message records which version rendered it.

Example:
    >>> from decimal import Decimal
    >>> from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField
    >>> template = MessageTemplate(
    ...     organisation_id="vrtec", key="invoice.email", channel=Channel.EMAIL,
    ...     subject="Račun {{ stevilka }}",
    ...     html_body="<p>Znesek: <b>{{ znesek|money }}</b></p>",
    ...     fields=(TemplateField(name="stevilka", type=FieldType.TEXT, example="26-0001"),
    ...             TemplateField(name="znesek", type=FieldType.MONEY, example="98.40")),
    ...     version=1)
    >>> values = {"stevilka": "26-0107", "znesek": Decimal("120")}
    >>> email = compile_message(template).render_email(values)
    >>> email.subject, email.text, email.template_version
    ('Račun 26-0107', 'Znesek: 120,00\xa0€', 1)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs

from szo_core.errors import SzoError
from szo_core.templates.errors import (
    TemplateInvalid,
    TemplateProblem,
    UndefinedPlaceholder,
)
from szo_core.templates.html import disallowed_markup, html_to_text, sanitise_html
from szo_core.templates.model import Channel, MessageTemplate, check_value
from szo_core.templates.plain import PlainTemplate
from szo_core.templates.render import CompiledTemplate, Renderer, TemplateLimits

if TYPE_CHECKING:
    from szo_core.delivery.sms import LetterPolicy, SmsCost
    from szo_core.ports import UnitOfWork

__all__ = [
    "CompiledMessage",
    "RenderedEmail",
    "RenderedSms",
    "compile_message",
    "save_template",
    "validate",
]

_TAG: Final = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^>]*)?/?>")
# Line breaks and runs of ordinary white space become one space in a subject; a
# no-break space (as in "93,60 €") is kept.
_SPACE: Final = re.compile("[ \t\r\n\f\v\x1c-\x1f\x85\u2028\u2029]+")


def _problem(part: str, error: SzoError) -> TemplateProblem:
    return TemplateProblem(part=part, code=error.code, where=error.where, sl=error.sl, en=error.en)


def _undeclared(part: str, name: str) -> TemplateProblem:
    return TemplateProblem(
        part=part,
        code="templates.undeclared",
        where=name,
        sl="Oznaka v predlogi ni med njenimi polji.",
        en="The placeholder is not one of the template's declared fields.",
    )


def _renderers(language: str, limits: TemplateLimits) -> tuple[Renderer, Renderer]:
    return Renderer(language=language, limits=limits), Renderer(
        html=True, language=language, limits=limits
    )


def validate(
    template: MessageTemplate, *, limits: TemplateLimits | None = None
) -> tuple[TemplateProblem, ...]:
    """Every problem of ``template``, in the order of its parts; empty when it can be saved.

    >>> from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField
    >>> bad = MessageTemplate(organisation_id="o", key="x.sms", channel=Channel.SMS,
    ...                       sms_text="Zdravo ((ime)), ((priimek))",
    ...                       fields=(TemplateField(name="ime", type=FieldType.TEXT),))
    >>> [p.describe("en") for p in validate(bad)]
    ["sms_text, priimek: The placeholder is not one of the template's declared fields."]
    """
    limits = limits if limits is not None else TemplateLimits()
    declared = {field.name for field in template.fields}
    problems: list[TemplateProblem] = []
    plain, html = _renderers(template.language, limits)
    compiled: dict[str, CompiledTemplate | PlainTemplate] = {}
    for part, source in template.parts():
        try:
            if template.channel is Channel.SMS:
                sms = PlainTemplate.compile(source, limits)
                used = frozenset(sms.placeholders)
                compiled[part] = sms
            else:
                renderer = html if part == "html_body" else plain
                used = renderer.placeholders(source)
                compiled[part] = renderer.compile(source)
        except SzoError as error:
            problems.append(_problem(part, error))
            continue
        unknown = sorted(used - declared)
        if unknown:  # a trial render of this part would only repeat it
            problems.extend(_undeclared(part, name) for name in unknown)
            del compiled[part]
        if part == "subject" and _TAG.search(source):
            problems.append(
                TemplateProblem(
                    part=part,
                    code="templates.subject_html",
                    where=part,
                    sl="Zadeva je navadno besedilo; oznake HTML bi se videle dobesedno.",
                    en="A subject is plain text; HTML tags would show as written.",
                )
            )
    examples = template.examples()
    without_optional = {
        field.name: examples[field.name] for field in template.fields if field.required
    }
    message = CompiledMessage(template, compiled)
    seen = {(p.part, p.code, p.where) for p in problems}
    for values in (examples, without_optional):
        for part in compiled:
            try:
                output = message._render_part(part, values)
            except SzoError as error:
                found = _problem(part, error)
                if (found.part, found.code, found.where) not in seen:
                    seen.add((found.part, found.code, found.where))
                    problems.append(found)
                continue
            if part == "html_body":
                for markup in disallowed_markup(output):
                    key = (part, "templates.html_removed", markup)
                    if key not in seen:
                        seen.add(key)
                        problems.append(
                            TemplateProblem(
                                part=part,
                                code="templates.html_removed",
                                where=markup,
                                sl="Ta oznaka HTML ni dovoljena in bi bila odstranjena.",
                                en="This HTML markup is not allowed and would be removed.",
                            )
                        )
    return tuple(problems)


def _invalid(problems: tuple[TemplateProblem, ...]) -> TemplateInvalid:
    return TemplateInvalid(
        "templates.invalid",
        sl=f"Predloge ni mogoče shraniti: težav je {len(problems)}.",
        en=f"The template cannot be saved: {len(problems)} problem(s).",
        where="; ".join(f"{p.part} {p.where}" if p.where else p.part for p in problems),
        problems=problems,
    )


def save_template(
    uow: UnitOfWork, template: MessageTemplate, *, limits: TemplateLimits | None = None
) -> MessageTemplate:
    """Check ``template`` and add it to ``uow.templates`` as the next version; return it.

    The version is one more than the latest stored for the organisation, key and
    language (1 for the first).  The caller commits the unit of work (so the
    template can be saved together with other changes); two saves of the same
    key that race are refused at the second ``add`` or commit
    (``storage.duplicate``), and that one is redone.

    Raises:
        szo_core.templates.errors.TemplateInvalid: the template has problems
            (:attr:`~szo_core.templates.errors.TemplateInvalid.problems` lists
            them all); nothing is stored.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> from szo_core.templates.model import Channel, MessageTemplate
    >>> store = MemoryStore()
    >>> with store.unit_of_work() as uow:
    ...     hello = MessageTemplate(organisation_id="o", key="hello.sms",
    ...                             channel=Channel.SMS, sms_text="Pozdravljeni!")
    ...     first = save_template(uow, hello)
    ...     uow.commit()
    >>> first.version
    1
    """
    problems = validate(template, limits=limits)
    latest = uow.templates.latest(template.organisation_id, template.key, template.language)
    if latest is not None and latest.channel is not template.channel:
        problems = (
            *problems,
            TemplateProblem(
                part="channel",
                code="templates.channel_changed",
                where=template.key,
                sl="Nova različica predloge mora imeti isti kanal kot prejšnje.",
                en="A new version of a template must keep the channel of the earlier ones.",
            ),
        )
    if problems:
        raise _invalid(problems)
    stored = attrs.evolve(template, version=1 if latest is None else latest.version + 1)
    return uow.templates.add(stored)


@attrs.frozen
class RenderedEmail:
    """An e-mail rendered from a template version.

    Its ``repr()`` shows only the template's key and version: the texts carry
    the recipient's data.

    Attributes:
        subject: One line of plain text.
        html: The HTML body, sanitised.
        text: The text body (the template's, or derived from the HTML).
        template_key: The template's key.
        template_version: The version that rendered it.
    """

    subject: str = attrs.field(repr=False)
    html: str = attrs.field(repr=False)
    text: str = attrs.field(repr=False)
    template_key: str
    template_version: int


@attrs.frozen
class RenderedSms:
    """A text message rendered from a template version, with what it costs.

    Its ``repr()`` shows the cost, key and version, not the text.

    Attributes:
        text: The text as it will be sent (after the letter policy).
        cost: Encoding and parts (:func:`szo_core.delivery.sms.sms_cost`).
        template_key: The template's key.
        template_version: The version that rendered it.
    """

    text: str = attrs.field(repr=False)
    cost: SmsCost
    template_key: str
    template_version: int


@attrs.frozen
class CompiledMessage:
    """A :class:`~szo_core.templates.model.MessageTemplate` with its parts compiled."""

    template: MessageTemplate
    _parts: Mapping[str, CompiledTemplate | PlainTemplate] = attrs.field(repr=False)

    def _check_values(self, values: Mapping[str, object]) -> None:
        for field in self.template.fields:
            value = values.get(field.name)
            if value is None:
                if field.required:
                    raise UndefinedPlaceholder(
                        "templates.undefined",
                        sl="Za obvezno polje ni vrednosti.",
                        en="A required field has no value.",
                        where=field.name,
                    )
                continue
            check_value(field.type, value, field.name)

    def _render_part(self, part: str, values: Mapping[str, object]) -> str:
        compiled = self._parts[part]
        if isinstance(compiled, PlainTemplate):
            types = {field.name: field.type for field in self.template.fields}
            return compiled.render(values, types=types, language=self.template.language)
        output = compiled.render(values)
        if part == "subject":
            return _SPACE.sub(" ", output).strip()
        if part == "html_body":
            return output
        return output.strip("\n")

    def render_email(self, values: Mapping[str, object]) -> RenderedEmail:
        """Render the subject, the HTML body (sanitised) and the text body (or derive it).

        Raises:
            szo_core.errors.ConfigurationError: ``templates.channel`` for an SMS template.
            szo_core.templates.errors.UndefinedPlaceholder: a required field, or a
                placeholder, has no value.
            szo_core.errors.InvalidType: a value does not fit its field's type.
            szo_core.templates.errors.TemplateError: the limits and the sandbox.
        """
        self._require(Channel.EMAIL)
        self._check_values(values)
        html = sanitise_html(self._render_part("html_body", values))
        text = (
            self._render_part("text_body", values)
            if "text_body" in self._parts
            else html_to_text(html)
        )
        return RenderedEmail(
            subject=self._render_part("subject", values),
            html=html,
            text=text,
            template_key=self.template.key,
            template_version=self.template.version,
        )

    def render_sms(
        self, values: Mapping[str, object], *, policy: LetterPolicy | None = None
    ) -> RenderedSms:
        """Render the SMS text, apply the organisation's letter policy, count its parts.

        >>> from szo_core.delivery.sms import LetterPolicy
        >>> from szo_core.templates.model import Channel, MessageTemplate
        >>> sms = compile_message(MessageTemplate(organisation_id="o", key="x.sms",
        ...                       channel=Channel.SMS, sms_text="Že plačano.", version=3))
        >>> done = sms.render_sms({}, policy=LetterPolicy.TRANSLITERATE)
        >>> done.text, done.cost.parts, done.cost.encoding.value, done.template_version
        ('Ze placano.', 1, 'GSM-7', 3)

        Raises:
            szo_core.errors.ConfigurationError: ``templates.channel`` for an e-mail template.
            szo_core.templates.errors.UndefinedPlaceholder: a placeholder has no value.
            szo_core.errors.InvalidType: a value does not fit its field's type.
        """
        from szo_core.delivery.sms import LetterPolicy, apply_policy, sms_cost

        self._require(Channel.SMS)
        self._check_values(values)
        text = apply_policy(self._render_part("sms_text", values), policy or LetterPolicy.KEEP)
        return RenderedSms(
            text=text,
            cost=sms_cost(text),
            template_key=self.template.key,
            template_version=self.template.version,
        )

    def _require(self, channel: Channel) -> None:
        if self.template.channel is not channel:
            from szo_core.errors import ConfigurationError

            raise ConfigurationError(
                "templates.channel",
                sl="Predloga je za drug kanal.",
                en="The template is for another channel.",
                where=self.template.key,
            )


def compile_message(
    template: MessageTemplate, *, limits: TemplateLimits | None = None
) -> CompiledMessage:
    """Compile every part of ``template`` once, for rendering many messages.

    Raises:
        szo_core.templates.errors.TemplateError: a part does not compile (a
            saved template always does).
    """
    limits = limits if limits is not None else TemplateLimits()
    plain, html = _renderers(template.language, limits)
    parts: dict[str, CompiledTemplate | PlainTemplate] = {}
    for part, source in template.parts():
        if template.channel is Channel.SMS:
            parts[part] = PlainTemplate.compile(source, limits)
        else:
            parts[part] = (html if part == "html_body" else plain).compile(source)
    return CompiledMessage(template, parts)
