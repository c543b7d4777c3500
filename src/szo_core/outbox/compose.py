r"""From a stored template to a queued message, in the caller's unit of work.

:class:`Composer` is the one call a use case makes to tell a person something:
it reads the **latest version** of the organisation's template
(``uow.templates``), renders it with the values, checks the recipient's address
or number, applies the organisation's SMS letter setting
(:attr:`~szo_core.model.Organisation.sms_letters`), and stores the message in
``uow.outbox`` under its idempotency key with the template's key and version,
so every message records which version rendered it.  Nothing is committed: the
message is stored with the change that caused it when the caller commits.

A :class:`Composer` keeps the compiled templates it has used, keyed by
organisation, key, language and version (a version never changes, so the
cache is never stale); make one per process or per job, not per message.

It needs the ``templates`` and ``delivery`` extras.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.templates.messages import save_template
>>> from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     _ = save_template(uow, MessageTemplate(
...         organisation_id="vrtec", key="invoice.sms", channel=Channel.SMS,
...         sms_text="Račun za ((mesec)): ((znesek)).",
...         fields=(TemplateField(name="mesec", type=FieldType.TEXT, example="september"),
...                 TemplateField(name="znesek", type=FieldType.MONEY, example="120.50"))))
...     uow.commit()
>>> composer = Composer()
>>> with store.unit_of_work() as uow:
...     queued = composer.sms(uow, "vrtec", event="invoice:2026-09:17", template="invoice.sms",
...                           to="041 123 456",
...                           values={"mesec": "september", "znesek": Decimal("96.30")},
...                           now=datetime(2026, 10, 1, 8, 0, tzinfo=UTC))
...     uow.commit()
>>> queued.sms.text, queued.sms.to, queued.template_key, queued.template_version
('Račun za september: 96,30\xa0€.', '+38641123456', 'invoice.sms', 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from szo_core.delivery.message import Attachment, Channel, EmailMessage, SmsMessage
from szo_core.delivery.sms import LetterPolicy
from szo_core.outbox.records import IdempotencyKey, OutboxMessage, new_message
from szo_core.outbox.seal import OutboxSeal
from szo_core.ports import UnitOfWork
from szo_core.templates.messages import CompiledMessage, compile_message
from szo_core.templates.model import MessageTemplate
from szo_core.templates.render import TemplateLimits

__all__ = ["Composer"]


class Composer:
    """Renders an organisation's templates into outbox messages (see the module).

    Args:
        limits: The template limits of every render.
        max_cached: How many compiled template versions to keep.
    """

    def __init__(self, *, limits: TemplateLimits | None = None, max_cached: int = 256) -> None:
        self._limits = limits
        self._max_cached = max_cached
        self._compiled: dict[tuple[str, str, str, int], CompiledMessage] = {}

    def __repr__(self) -> str:
        return f"Composer(cached={len(self._compiled)})"

    def _template(
        self, uow: UnitOfWork, organisation_id: str, key: str, language: str
    ) -> CompiledMessage:
        template: MessageTemplate = uow.templates.get(organisation_id, key, language)
        name = (organisation_id, key, language, template.version)
        compiled = self._compiled.get(name)
        if compiled is None:
            compiled = compile_message(template, limits=self._limits)
            if len(self._compiled) >= self._max_cached:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[name] = compiled
        return compiled

    def email(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        *,
        event: str,
        template: str,
        to: str,
        values: Mapping[str, object],
        sender: str,
        now: datetime,
        sender_name: str | None = None,
        reply_to: str | None = None,
        cc: Iterable[str] = (),
        attachments: Iterable[Attachment] = (),
        language: str = "sl",
        seal: OutboxSeal | None = None,
    ) -> OutboxMessage:
        """Render the e-mail template ``template`` for ``to`` and queue it; return the message.

        The idempotency key is (``event``, the normalised address, e-mail): the
        same event for the same address is queued once, however often this is
        called (the stored message is returned).  With ``seal`` the message is
        stored encrypted (:mod:`szo_core.outbox.seal`): pass it for every
        message that carries a code or a signed link.

        Raises:
            szo_core.errors.NotFound: the organisation has no such template.
            szo_core.errors.ValidationError: ``to``, a ``cc``, ``sender`` or
                ``reply_to`` is not an e-mail address (``where`` names the field,
                never the value), or ``sender_name`` has a line break; nothing
                is queued.
            szo_core.templates.errors.TemplateError: the values do not render.
        """
        from szo_core.delivery.addresses import validate_email
        from szo_core.delivery.mime import check_header_value

        address = validate_email(to, where="to")
        if sender_name is not None:
            check_header_value(sender_name, "sender_name")
        if reply_to is not None:
            reply_to = validate_email(reply_to, where="reply_to")
        copies = tuple(validate_email(c, where=f"cc[{i}]") for i, c in enumerate(cc))
        rendered = self._template(uow, organisation_id, template, language).render_email(values)
        message = EmailMessage(
            sender=validate_email(sender, where="sender"),
            sender_name=sender_name,
            to=(address,),
            cc=copies,
            reply_to=reply_to,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            attachments=tuple(attachments),
        )
        queued = new_message(
            organisation_id,
            IdempotencyKey(event, address, Channel.EMAIL),
            message,
            now=now,
            template_key=rendered.template_key,
            template_version=rendered.template_version,
            seal=seal,
        )
        return uow.outbox.enqueue(queued)

    def sms(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        *,
        event: str,
        template: str,
        to: str,
        values: Mapping[str, object],
        now: datetime,
        sender: str | None = None,
        language: str = "sl",
        policy: LetterPolicy | None = None,
        seal: OutboxSeal | None = None,
    ) -> OutboxMessage:
        """Render the SMS template ``template`` for the number ``to`` and queue it.

        The number is normalised to E.164 first (``041 123 456`` →
        ``+38641123456``); the letter policy is ``policy`` if given, else the
        organisation's :attr:`~szo_core.model.Organisation.sms_letters` (keep,
        when the organisation has no record).  The idempotency key is
        (``event``, the E.164 number, SMS); ``seal`` as for :meth:`email`.

        Raises:
            szo_core.errors.NotFound: the organisation has no such template.
            szo_core.errors.ValidationError: ``to`` is not a mobile number.
            szo_core.templates.errors.TemplateError: the values do not render.
        """
        from szo_core.delivery.addresses import validate_mobile

        number = validate_mobile(to, where="to")
        if policy is None:
            organisation = uow.organisations.find(organisation_id)
            policy = organisation.sms_letters if organisation is not None else LetterPolicy.KEEP
        compiled = self._template(uow, organisation_id, template, language)
        rendered = compiled.render_sms(values, policy=policy)
        queued = new_message(
            organisation_id,
            IdempotencyKey(event, number, Channel.SMS),
            SmsMessage(to=number, text=rendered.text, sender=sender),
            now=now,
            template_key=rendered.template_key,
            template_version=rendered.template_version,
            seal=seal,
        )
        return uow.outbox.enqueue(queued)
