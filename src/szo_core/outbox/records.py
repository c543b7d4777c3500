"""The outbox's records: a stored message, its idempotency key, its state.

An :class:`OutboxMessage` is an e-mail or a text message stored to be sent,
with what the dispatcher learnt so far (attempts, the next attempt, the last
error).  Its :attr:`~OutboxMessage.id` is derived from the organisation and the
:class:`IdempotencyKey` (event, recipient, channel), so storing the same key
twice finds the first message instead of making a second one; its
``Message-ID`` is derived from the id when the message is stored, so every
attempt (a resend after a crash included) carries the same one.

Recipients are personal data: ``repr()`` of a key or a message masks them, and
the error fields (:attr:`~OutboxMessage.last_error_code`,
:attr:`~OutboxMessage.last_error_detail`) come from the delivery ports, which
never put an address or a number in them.

>>> from datetime import UTC, datetime
>>> from szo_core.delivery.message import EmailMessage
>>> key = IdempotencyKey("invoice:2026-09:17", "ana.novak@example.si", Channel.EMAIL)
>>> key
IdempotencyKey(event='invoice:2026-09:17', recipient='a***@example.si', channel='email')
>>> message = new_message("vrtec", key, EmailMessage(
...     sender="racuni@vrtec.si", to="ana.novak@example.si", subject="Račun", text="..."),
...     now=datetime(2026, 10, 1, 8, 0, tzinfo=UTC))
>>> message.state.value, message.attempts, message.message_id == message.email.message_id
('queued', 0, True)
>>> message.message_id
'<da3dc93c5b3273db8debeb08a9e16ef7@vrtec.si>'
"""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, datetime
from typing import Any

import attrs

from szo_core.delivery.addresses import mask_email, mask_phone
from szo_core.delivery.message import Channel, EmailMessage, SmsMessage
from szo_core.errors import ConfigurationError
from szo_core.outbox.seal import OutboxSeal, SealedMessage

__all__ = [
    "Channel",
    "IdempotencyKey",
    "OutboxMessage",
    "OutboxState",
    "key_digest",
    "message_id_for",
    "new_message",
    "outbox_id",
]

_SEPARATOR = "\x1f"  # the unit separator cannot occur in an event name or an address


class OutboxState(enum.Enum):
    """Where a stored message stands.

    ``queued`` → ``sending`` (claimed by a dispatcher, under a lease) → ``sent``;
    a temporary failure goes back to ``queued`` with a later next attempt, or to
    ``given_up`` when the retry time is over; a permanent failure is ``failed``.
    ``sent``, ``failed`` and ``given_up`` are final.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    GIVEN_UP = "given_up"

    @property
    def final(self) -> bool:
        """Whether nothing more happens to a message in this state.

        >>> OutboxState.SENDING.final, OutboxState.GIVEN_UP.final
        (False, True)
        """
        return self in (OutboxState.SENT, OutboxState.FAILED, OutboxState.GIVEN_UP)


def _bad_key(where: str) -> ConfigurationError:
    return ConfigurationError(
        "outbox.key",
        sl="Ključ sporočila potrebuje dogodek in prejemnika (neprazno besedilo) ter kanal.",
        en="A message key needs an event and a recipient (non-empty text) and a channel.",
        where=where,
    )


def _check_text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or _SEPARATOR in value:
        raise _bad_key(attribute.name)


def _check_channel(instance: object, attribute: attrs.Attribute[Channel], value: object) -> None:
    if not isinstance(value, Channel):
        raise _bad_key(attribute.name)


@attrs.frozen(repr=False)
class IdempotencyKey:
    """What makes a message unique: the event, its recipient and the channel.

    The same event (``invoice:2026-09:17``, ``booking:42:confirmed``) for the
    same recipient on the same channel is sent at most once.  The recipient is
    usually the address or the number; any stable id of the person works too.

    >>> IdempotencyKey("booking:42", "+38641123456", Channel.SMS).channel.value
    'sms'
    >>> IdempotencyKey("", "+38641123456", Channel.SMS)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: outbox.key: ...
    """

    event: str = attrs.field(validator=_check_text)
    recipient: str = attrs.field(validator=_check_text)
    channel: Channel = attrs.field(validator=_check_channel)

    def normalised_recipient(self) -> str:
        """The recipient as the key compares it (e-mail addresses in lower case).

        >>> IdempotencyKey("e", " Ana@Example.SI ", Channel.EMAIL).normalised_recipient()
        'ana@example.si'
        """
        text = self.recipient.strip()
        return text.lower() if self.channel is Channel.EMAIL else text

    def __repr__(self) -> str:
        masked = (
            mask_email(self.recipient)
            if self.channel is Channel.EMAIL
            else mask_phone(self.recipient)
        )
        return (
            f"IdempotencyKey(event={self.event!r}, recipient={masked!r}, "
            f"channel={self.channel.value!r})"
        )


def outbox_id(organisation_id: str, key: IdempotencyKey) -> str:
    """The id of the message with ``key``: 32 hex digits of a SHA-256 of the key.

    The same organisation and key always give the same id, and the id does not
    show the recipient (it is a digest; a phone number could still be guessed
    from it by trying every number, so it is not a secret).

    >>> outbox_id("vrtec", IdempotencyKey("e", "+38641123456", Channel.SMS))
    '15a6ffb23e4269fa8a7b51e70c2421ec'
    """
    return key_digest(organisation_id, key.event, key.recipient, key.channel)


def key_digest(organisation_id: str, event: str, recipient: str, channel: Channel) -> str:
    """:func:`outbox_id` of ``IdempotencyKey(event, recipient, channel)``, the key not built.

    For callers that build the key from values checked already and want its id
    too (``notify`` does, twice per event); the same text hashed the same way.

    >>> key_digest("vrtec", "e", "+38641123456", Channel.SMS)
    '15a6ffb23e4269fa8a7b51e70c2421ec'
    """
    recipient = recipient.strip()
    if channel is Channel.EMAIL:
        recipient = recipient.lower()
    # One f-string, and the member's value without the enum property (twice per event).
    sep = _SEPARATOR
    text = f"{organisation_id}{sep}{event.strip()}{sep}{recipient}{sep}{channel._value_}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def message_id_for(message_id: str, message: EmailMessage | SmsMessage) -> str:
    """The ``Message-ID`` of an outbox message: ``<id@sender's domain>`` for e-mail, the id for SMS.

    >>> message_id_for("abc", EmailMessage(sender="v@vrtec.si", to="a@b.si", subject="S", text="T"))
    '<abc@vrtec.si>'
    >>> message_id_for("abc", SmsMessage(to="+38641123456", text="T"))
    'abc'
    """
    if isinstance(message, SmsMessage):
        return message_id
    domain = message.sender.rpartition("@")[2].strip() or "localhost"
    return f"<{message_id}@{domain}>"


def _check_aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ConfigurationError(
            "outbox.time",
            sl="Čas v izhodni vrsti mora biti datetime s časovnim pasom.",
            en="Times in the outbox must be timezone-aware datetimes.",
            where=attribute.name,
        )


def _check_payload(instance: OutboxMessage, attribute: attrs.Attribute[Any], value: object) -> None:
    expected = EmailMessage if instance.key.channel is Channel.EMAIL else SmsMessage
    sealed_ok = isinstance(value, SealedMessage) and value.channel is instance.key.channel
    if not (sealed_ok or isinstance(value, expected)):
        raise ConfigurationError(
            "outbox.channel",
            sl="Sporočilo se ne ujema s kanalom ključa (e-pošta ali SMS).",
            en="The message does not match the key's channel (e-mail or SMS).",
            where="message",
        )


@attrs.frozen(kw_only=True)
class OutboxMessage:
    """A message stored to be sent, and what happened to it so far.

    Attributes:
        organisation_id: The organisation that sends it.
        id: 32 hex digits derived from the organisation and the key (:func:`outbox_id`).
        key: The idempotency key (event, recipient, channel).
        message: The :class:`~szo_core.delivery.message.EmailMessage` or
            :class:`~szo_core.delivery.message.SmsMessage` to send, with its
            ``message_id`` (e-mail) or ``reference`` (SMS) already set; or,
            for a message that carries a secret, the
            :class:`~szo_core.outbox.seal.SealedMessage` that holds it
            encrypted (:mod:`szo_core.outbox.seal`).
        message_id: The ``Message-ID`` (e-mail) or client reference (SMS) sent
            with every attempt.
        template_key: The template that rendered it, if any.
        template_version: The template's version, if any.
        state: Queued, sending, sent, failed or given up.
        attempts: How many times a dispatcher has claimed it.
        next_attempt_at: When it is due: for ``queued`` the next attempt, for
            ``sending`` the end of the dispatcher's lease (after which another
            dispatcher may take it again); for a final state the last change.
        last_error_code: The code of the last failure (``smtp.451``,
            ``smtp.connection``), or None.
        last_error_detail: A short text about the last failure, for the
            operator (never an address or a number); when given up it starts
            with why.
        created_at: When it was stored.
        sent_at: When the server accepted it, or None.
    """

    organisation_id: str
    id: str
    key: IdempotencyKey
    message: EmailMessage | SmsMessage | SealedMessage = attrs.field(validator=_check_payload)
    message_id: str
    template_key: str | None = None
    template_version: int | None = None
    state: OutboxState = OutboxState.QUEUED
    attempts: int = 0
    next_attempt_at: datetime = attrs.field(validator=_check_aware)
    last_error_code: str | None = None
    last_error_detail: str = ""
    created_at: datetime = attrs.field(validator=_check_aware)
    sent_at: datetime | None = attrs.field(default=None, validator=_check_aware)

    @property
    def channel(self) -> Channel:
        """The key's channel."""
        return self.key.channel

    @property
    def sealed(self) -> bool:
        """Whether the message is stored encrypted (:mod:`szo_core.outbox.seal`)."""
        return not isinstance(self.message, EmailMessage | SmsMessage)

    @property
    def email(self) -> EmailMessage:
        """The e-mail (raises :class:`TypeError` for an SMS or a sealed message)."""
        if not isinstance(self.message, EmailMessage):
            raise TypeError("a sealed message" if self.sealed else "not an e-mail")
        return self.message

    @property
    def sms(self) -> SmsMessage:
        """The text message (raises :class:`TypeError` for an e-mail or a sealed message)."""
        if not isinstance(self.message, SmsMessage):
            raise TypeError("a sealed message" if self.sealed else "not a text message")
        return self.message

    @property
    def recipients(self) -> tuple[str, ...]:
        """The message's recipients, sealed or not."""
        return (self.message.to,) if isinstance(self.message, SmsMessage) else self.message.to


def new_message(
    organisation_id: str,
    key: IdempotencyKey,
    message: EmailMessage | SmsMessage,
    *,
    now: datetime,
    template_key: str | None = None,
    template_version: int | None = None,
    seal: OutboxSeal | None = None,
) -> OutboxMessage:
    """A queued outbox message for ``key``, due ``now``, its id and ``Message-ID`` fixed.

    The message's own ``message_id`` (e-mail) or ``reference`` (SMS) is
    replaced by the one derived from the key.  With ``seal``, the message is
    then encrypted (:mod:`szo_core.outbox.seal`): use it for every message
    that carries a secret (a code, a signed link).

    Raises:
        szo_core.errors.ConfigurationError: ``outbox.channel`` when the message
            does not match the key's channel, ``outbox.time`` for a naive time,
            ``outbox.organisation`` for an empty organisation.

    >>> from datetime import UTC, datetime
    >>> sms = new_message("vrtec", IdempotencyKey("b:1", "+38641123456", Channel.SMS),
    ...                   SmsMessage(to="+38641123456", text="Potrjeno."),
    ...                   now=datetime(2026, 9, 1, tzinfo=UTC),
    ...                   template_key="booking", template_version=3)
    >>> sms.sms.reference == sms.id == sms.message_id, sms.template_version
    (True, 3)
    """
    if not isinstance(organisation_id, str) or not organisation_id.strip():
        raise ConfigurationError(
            "outbox.organisation",
            sl="Sporočilo potrebuje organizacijo.",
            en="A message needs an organisation.",
            where="organisation_id",
        )
    ident = outbox_id(organisation_id, key)
    mid = message_id_for(ident, message)
    if isinstance(message, EmailMessage):
        payload: EmailMessage | SmsMessage = attrs.evolve(message, message_id=mid)
    else:
        payload = attrs.evolve(message, reference=mid)
    record = OutboxMessage(
        organisation_id=organisation_id,
        id=ident,
        key=key,
        message=payload,
        message_id=mid,
        template_key=template_key,
        template_version=template_version,
        next_attempt_at=now,
        created_at=now,
    )
    at = now.astimezone(UTC)  # checked aware above; the outbox keeps UTC
    if seal is not None:  # sealed after the checks above, so the channel is right
        return attrs.evolve(record, message=seal.seal(payload), next_attempt_at=at, created_at=at)
    return attrs.evolve(record, next_attempt_at=at, created_at=at)
