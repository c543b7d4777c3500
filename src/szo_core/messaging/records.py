"""The records of operator messaging: settings, operators, messages, mailboxes, notes.

Every record is frozen and checked when it is built; a bad value raises a
:mod:`szo_core.errors` error whose ``where`` names the field and whose message
never holds the value.  E-mail addresses are personal data: ``repr()`` masks
them (``a***@example.si``).

* :class:`MessagingSettings`: per organisation, messaging on or off, e-mail
  copies on or off, and the organisation's sending settings
  (:class:`SendingSettings`: SMTP host, port, security, login, sender).
* :class:`Operator`: a member of staff who sends and receives messages.
* :class:`Message`: what was sent, once, with its confirmed recipients;
  :class:`MailboxEntry`: one operator's copy of it (inbox or sent), with its
  own read, archived and e-mail copy state.
* :class:`DepartmentNote`: a department instruction (navodilo oddelku) or an
  observation (opažanje) about a resident.

>>> from datetime import UTC, datetime
>>> ana = Operator(organisation_id="dom", id="ana", name="Ana Novak", email="ana@dom.si")
>>> ana  # doctest: +ELLIPSIS
Operator(organisation_id='dom', id='ana', name='Ana Novak', email='a***@dom.si', ...)
>>> Operator(organisation_id="dom", id="ana", name=" ")
Traceback (most recent call last):
...
szo_core.errors.InvalidComponent: messaging.empty: ... (Operator.name)
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Final, cast

import attrs

from szo_core.delivery.addresses import mask_email
from szo_core.errors import ConfigurationError, InvalidComponent, InvalidFormat, InvalidLength
from szo_core.model import _validators as v

__all__ = [
    "MAX_BODY_CHARS",
    "MAX_SUBJECT_CHARS",
    "AttachmentRef",
    "CopyState",
    "DepartmentNote",
    "Folder",
    "MailboxEntry",
    "Message",
    "MessageKind",
    "MessagingSettings",
    "NoteKind",
    "Operator",
    "SendingSettings",
]

MAX_SUBJECT_CHARS: Final = 200
"""The longest subject, in characters."""
MAX_BODY_CHARS: Final = 200_000
"""The longest body (HTML), in characters."""

_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")


def _where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    v.instance_of(str)(instance, attribute, value)
    v.check_text(str(value), _where(instance, attribute))


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    _text(instance, attribute, value)
    if not value.strip():
        raise InvalidComponent(
            "messaging.empty",
            sl=f"Polje {attribute.name} ne sme biti prazno.",
            en=f"The field {attribute.name} must not be empty.",
            where=_where(instance, attribute),
        )


def _identifier(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    _text(instance, attribute, value)
    if _ID.fullmatch(value) is None:
        raise InvalidFormat(
            "messaging.id",
            sl="Oznaka sme imeti do 100 črk, števk in znakov . _ : - (brez presledkov).",
            en="An id may have up to 100 letters, digits and . _ : - (no spaces).",
            where=_where(instance, attribute),
        )


def _email(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    _text(instance, attribute, value)
    if value and _EMAIL.fullmatch(value) is None:
        raise InvalidFormat(
            "messaging.email",
            sl="Elektronski naslov nima oblike ime@domena.si.",
            en="The e-mail address does not have the form name@domain.si.",
            where=_where(instance, attribute),
        )


def _aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ConfigurationError(
            "messaging.time",
            sl="Čas mora biti datetime s časovnim pasom.",
            en="A time must be a timezone-aware datetime.",
            where=_where(instance, attribute),
        )


def _utc(value: datetime | None) -> Any:
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.astimezone(UTC)
    return value


def _email_repr(value: str) -> str:
    return repr(mask_email(value)) if value else "''"


def _strings(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    v.instance_of(tuple)(instance, attribute, value)
    for index, item in enumerate(cast(tuple[object, ...], value)):
        if not isinstance(item, str) or not item.strip():
            raise InvalidComponent(
                "messaging.list",
                sl=f"Vsak element v {attribute.name} mora biti neprazno besedilo.",
                en=f"Every item of {attribute.name} must be non-empty text.",
                where=f"{_where(instance, attribute)}[{index}]",
            )
        v.check_text(item, f"{_where(instance, attribute)}[{index}]")


def _language(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in ("sl", "en"):
        raise InvalidComponent(
            "messaging.language",
            sl="Jezik je lahko sl ali en.",
            en="The language must be sl or en.",
            where=_where(instance, attribute),
        )


def _enum(cls: type[enum.Enum]) -> Any:
    def convert(value: object) -> object:
        if isinstance(value, cls) or not isinstance(value, str):
            return value
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(str(m.value) for m in cls)
            raise InvalidComponent(
                "record.choice",
                sl=f"Neznana vrednost za {cls.__name__}; mogoče so: {choices}.",
                en=f"Unknown value for {cls.__name__}; the choices are: {choices}.",
                where=cls.__name__,
            ) from None

    return convert


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return v.to_tuple(value)


def _refs_tuple(value: Iterable[AttachmentRef]) -> tuple[AttachmentRef, ...]:
    return v.to_tuple(value)


class Security(enum.StrEnum):
    """How the SMTP connection is protected (as :class:`szo_core.adapters.smtp.SmtpSecurity`)."""

    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


def _to_security(value: Security | str) -> Security:
    return cast(Security, _enum(Security)(value))


@attrs.frozen(kw_only=True)
class SendingSettings:
    """The organisation's sending settings for e-mail copies.

    The password is **not** part of the record (nor of the database): an app
    keeps it in its secret store and passes it to
    :func:`szo_core.messaging.copies.smtp_sender` when it builds the sender.

    Attributes:
        host: The SMTP server.
        port: Its port; None for the usual one of ``security`` (25, 587, 465).
        security: ``none``, ``starttls`` (default) or ``tls``.
        username: The login, or empty to send without ``AUTH``.
        sender: The From address of every copy.
        sender_name: The display name shown with it.

    >>> SendingSettings(host="smtp.dom.si", sender="sporocila@dom.si").security.value
    'starttls'
    >>> SendingSettings(host="smtp.dom.si", sender="nobody")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: messaging.email: ... (SendingSettings.sender)
    """

    host: str = attrs.field(validator=_non_empty)
    port: int | None = attrs.field(
        default=None, validator=v.optional(v.and_(v.instance_of(int), v.ge(1), v.le(65535)))
    )
    security: Security = attrs.field(
        default=Security.STARTTLS, converter=_to_security, validator=v.instance_of(Security)
    )
    username: str = attrs.field(default="", validator=_text)
    sender: str = attrs.field(validator=v.and_(_non_empty, _email), repr=_email_repr)
    sender_name: str = attrs.field(default="", validator=_text)


@attrs.frozen(kw_only=True)
class MessagingSettings:
    """Messaging in one organisation.

    Attributes:
        organisation_id: The organisation.
        enabled: Whether operators may send messages at all.
        email_copies: Whether each recipient with an address also gets the
            message by e-mail (through the outbox).
        sending: The SMTP settings of the copies, or None (copies are then
            reported as ``no_smtp`` per recipient and not queued).
        version: Optimistic-concurrency version, kept by the storage adapter.

    >>> MessagingSettings(organisation_id="dom").enabled
    True
    """

    organisation_id: str = attrs.field(validator=_non_empty)
    enabled: bool = attrs.field(default=True, validator=v.instance_of(bool))
    email_copies: bool = attrs.field(default=False, validator=v.instance_of(bool))
    sending: SendingSettings | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(SendingSettings))
    )
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))


@attrs.frozen(kw_only=True)
class Operator:
    """A member of staff who sends and receives messages.

    Attributes:
        organisation_id: The organisation.
        id: The operator's id (the app's user id).
        name: The name shown as sender and recipient.
        email: The address for e-mail copies, or empty for none (masked in
            ``repr()``).
        active: Inactive operators neither send nor receive.
        departments: The departments (oddelki) whose instructions and
            observations the login notice counts; empty for every department.
        version: Optimistic-concurrency version, kept by the storage adapter.
    """

    organisation_id: str = attrs.field(validator=_non_empty)
    id: str = attrs.field(validator=_identifier)
    name: str = attrs.field(validator=_non_empty)
    email: str = attrs.field(default="", validator=_email, repr=_email_repr)
    active: bool = attrs.field(default=True, validator=v.instance_of(bool))
    departments: tuple[str, ...] = attrs.field(default=(), converter=_strs, validator=_strings)
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))


class MessageKind(enum.StrEnum):
    """How a message came to be."""

    NEW = "new"
    REPLY = "reply"
    REPLY_ALL = "reply_all"
    FORWARD = "forward"


def _to_messagekind(value: MessageKind | str) -> MessageKind:
    return cast(MessageKind, _enum(MessageKind)(value))


@attrs.frozen(kw_only=True)
class AttachmentRef:
    """A file attached to a message; its bytes are in the attachment store.

    Attributes:
        id: The key in the :class:`~szo_core.messaging.ports.AttachmentStore`
            (the SHA-256 of the bytes, so a forward shares the file).
        name: The sanitised file name (:func:`szo_core.messaging.attachments.safe_name`).
        content_type: Its media type, from the allow-list.
        size: Its size in bytes.
    """

    id: str = attrs.field(validator=_identifier)
    name: str = attrs.field(validator=_non_empty)
    content_type: str = attrs.field(validator=_non_empty)
    size: int = attrs.field(validator=v.and_(v.instance_of(int), v.ge(0)))


def _subject(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    _text(instance, attribute, value)
    if len(value) > MAX_SUBJECT_CHARS:
        raise InvalidLength(
            "messaging.subject.length",
            sl=f"Zadeva sme imeti največ {MAX_SUBJECT_CHARS} znakov.",
            en=f"The subject may have at most {MAX_SUBJECT_CHARS} characters.",
            where=_where(instance, attribute),
        )


def _body(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    _text(instance, attribute, value)
    if len(value) > MAX_BODY_CHARS:
        raise InvalidLength(
            "messaging.body.length",
            sl=f"Besedilo sporočila sme imeti največ {MAX_BODY_CHARS} znakov.",
            en=f"The message body may have at most {MAX_BODY_CHARS} characters.",
            where=_where(instance, attribute),
        )


def _recipients(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _strings(instance, attribute, value)
    if not value:
        raise InvalidComponent(
            "messaging.no_recipients",
            sl="Sporočilo potrebuje vsaj enega potrjenega prejemnika.",
            en="A message needs at least one confirmed recipient.",
            where=_where(instance, attribute),
        )
    if len(set(cast(tuple[str, ...], value))) != len(cast(tuple[str, ...], value)):
        raise InvalidComponent(
            "messaging.recipient_twice",
            sl="Isti prejemnik je naveden dvakrat.",
            en="The same recipient is listed twice.",
            where=_where(instance, attribute),
        )


def _refs(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    v.instance_of(tuple)(instance, attribute, value)
    for index, item in enumerate(cast(tuple[object, ...], value)):
        if not isinstance(item, AttachmentRef):
            raise InvalidComponent(
                "record.type",
                sl="Priloga mora biti AttachmentRef.",
                en="An attachment must be an AttachmentRef.",
                where=f"{_where(instance, attribute)}[{index}]",
            )


@attrs.frozen(kw_only=True)
class Message:
    """A message as it was sent: once, to its confirmed recipients.

    Attributes:
        organisation_id: The organisation.
        id: The message's id.
        sender_id: The operator who sent it.
        recipient_ids: The confirmed recipients, in the order chosen.
        subject: The subject (plain text; shown escaped).
        body_html: The body, sanitised to the allow-list
            (:func:`szo_core.messaging.html.clean_body`).
        body_text: Its plain-text alternative (for e-mail and previews).
        sent_at: When it was sent (UTC).
        thread_id: The first message of its thread (its own id for a new one).
        parent_id: The message it replies to or forwards, or None.
        kind: New, reply, reply to all or forward.
        language: ``sl`` or ``en``: the language of the prefixes and quotes.
        attachments: The attached files.
        note_id: The department note it was pre-filled from, or None.
    """

    organisation_id: str = attrs.field(validator=_non_empty)
    id: str = attrs.field(validator=_identifier)
    sender_id: str = attrs.field(validator=_identifier)
    recipient_ids: tuple[str, ...] = attrs.field(converter=_strs, validator=_recipients)
    subject: str = attrs.field(validator=_subject)
    body_html: str = attrs.field(validator=_body, repr=False)
    body_text: str = attrs.field(validator=_body, repr=False)
    sent_at: datetime = attrs.field(converter=_utc, validator=_aware)
    thread_id: str = attrs.field(validator=_identifier)
    parent_id: str | None = attrs.field(default=None, validator=v.optional(_identifier))
    kind: MessageKind = attrs.field(
        default=MessageKind.NEW, converter=_to_messagekind, validator=v.instance_of(MessageKind)
    )
    language: str = attrs.field(default="sl", validator=_language)
    attachments: tuple[AttachmentRef, ...] = attrs.field(
        default=(), converter=_refs_tuple, validator=_refs
    )
    note_id: str | None = attrs.field(default=None, validator=v.optional(_identifier))


class Folder(enum.StrEnum):
    """Which side of a message a mailbox entry is."""

    INBOX = "inbox"
    SENT = "sent"


class CopyState(enum.StrEnum):
    """What happened to a recipient's e-mail copy when the message was sent.

    Once ``queued``, the copy's fate is the outbox message's state
    (:meth:`szo_core.messaging.service.Messaging.copies`).
    """

    NONE = "none"
    """E-mail copies are off (or this is the sender's own entry)."""
    QUEUED = "queued"
    """Stored in the outbox (see its state there)."""
    NO_ADDRESS = "no_address"
    """The recipient has no e-mail address: only delivered inside the module."""
    NO_SMTP = "no_smtp"
    """Copies are on but the organisation has no sending settings."""
    INVALID_ADDRESS = "invalid_address"
    """The recipient's address is not a valid e-mail address: only delivered inside the module."""


def _to_folder(value: Folder | str) -> Folder:
    return cast(Folder, _enum(Folder)(value))


def _to_copystate(value: CopyState | str) -> CopyState:
    return cast(CopyState, _enum(CopyState)(value))


@attrs.frozen(kw_only=True)
class MailboxEntry:
    """One operator's copy of a message: in the inbox or in sent.

    Attributes:
        organisation_id: The organisation.
        operator_id: Whose copy.
        message_id: The message.
        folder: Inbox (a recipient) or sent (the sender).
        sent_at: The message's time (UTC; the views are ordered by it).
        read_at: When this operator read it, or None (unread); a sent entry
            is read when it is made.
        archived: Moved out of the inbox or sent view into the archive.
        copy: The e-mail copy's state for this recipient.
        copy_outbox_id: The outbox message of the copy, when queued.
    """

    organisation_id: str = attrs.field(validator=_non_empty)
    operator_id: str = attrs.field(validator=_identifier)
    message_id: str = attrs.field(validator=_identifier)
    folder: Folder = attrs.field(converter=_to_folder, validator=v.instance_of(Folder))
    sent_at: datetime = attrs.field(converter=_utc, validator=_aware)
    read_at: datetime | None = attrs.field(default=None, converter=_utc, validator=_aware)
    archived: bool = attrs.field(default=False, validator=v.instance_of(bool))
    copy: CopyState = attrs.field(
        default=CopyState.NONE, converter=_to_copystate, validator=v.instance_of(CopyState)
    )
    copy_outbox_id: str | None = attrs.field(default=None, validator=v.optional(_identifier))

    @property
    def unread(self) -> bool:
        """True for an inbox entry not read yet."""
        return self.read_at is None


class NoteKind(enum.StrEnum):
    """The two kinds of department notes."""

    INSTRUCTION = "instruction"
    """Navodilo oddelku: what the staff of a department should do."""
    OBSERVATION = "observation"
    """Opažanje: something noticed about a resident."""


def _to_notekind(value: NoteKind | str) -> NoteKind:
    return cast(NoteKind, _enum(NoteKind)(value))


@attrs.frozen(kw_only=True)
class DepartmentNote:
    """A department instruction (navodilo oddelku) or an observation (opažanje).

    Attributes:
        organisation_id: The organisation.
        id: The note's id.
        kind: Instruction or observation.
        author_id: The operator who wrote it.
        written_at: When (UTC).
        department: The department (oddelek).
        resident: The resident it is about (a name or the app's id; personal
            data, so never in ``repr()``).
        text: The text (plain; a message pre-filled from it quotes it escaped).
        version: Optimistic-concurrency version, kept by the storage adapter.
    """

    organisation_id: str = attrs.field(validator=_non_empty)
    id: str = attrs.field(validator=_identifier)
    kind: NoteKind = attrs.field(converter=_to_notekind, validator=v.instance_of(NoteKind))
    author_id: str = attrs.field(validator=_identifier)
    written_at: datetime = attrs.field(converter=_utc, validator=_aware)
    department: str = attrs.field(validator=_non_empty)
    resident: str = attrs.field(default="", validator=_text, repr=False)
    text: str = attrs.field(validator=v.and_(_non_empty, _body), repr=False)
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))
