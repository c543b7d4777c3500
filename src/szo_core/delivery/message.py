"""What a delivery port sends and what it reports back.

An :class:`EmailMessage` or :class:`SmsMessage` is plain data, built by the
outbox from a rendered template; a :class:`~szo_core.ports.MailSender` or
:class:`~szo_core.ports.SmsSender` sends a batch and answers one
:class:`SendResult` per message, in order.  A failure of one message is a
result, not an exception, so one refused recipient does not stop a batch; the
result says whether trying again later can help (:attr:`DeliveryStatus.TEMPORARY`)
or not (:attr:`DeliveryStatus.PERMANENT`).

Addresses and numbers are personal data: ``repr()`` of a message masks them,
and a result's :attr:`SendResult.detail` never contains one.

>>> message = EmailMessage(sender="vrtec@example.si", to=("ana.novak@example.si",),
...                        subject="Račun", text="V prilogi je račun.")
>>> message
EmailMessage(sender='v***@example.si', to=('a***@example.si',), subject='Račun', ...)
>>> SendResult(DeliveryStatus.SENT, message_id="<1@example.si>").ok
True
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from szo_core.delivery.addresses import mask_email, mask_phone

__all__ = ["Attachment", "Channel", "DeliveryStatus", "EmailMessage", "SendResult", "SmsMessage"]


def _mask_addresses(addresses: tuple[str, ...]) -> str:
    return repr(tuple(mask_email(a) for a in addresses))


def _tuple(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _attachments(value: Iterable[Attachment]) -> tuple[Attachment, ...]:
    return tuple(value)


@attrs.frozen
class Attachment:
    """A file sent with an e-mail (an invoice PDF, an e-SLOG XML).

    >>> Attachment("račun 2026-09.pdf", b"%PDF-1.4", "application/pdf").size
    8
    """

    filename: str
    data: bytes = attrs.field(repr=False)
    content_type: str = "application/octet-stream"

    @property
    def size(self) -> int:
        """The size in bytes."""
        return len(self.data)


@attrs.frozen(kw_only=True, repr=False)
class EmailMessage:
    """An e-mail to send: one subject, a text body, optionally HTML and attachments.

    Attributes:
        sender: The From address.
        sender_name: The display name of the sender (UTF-8 allowed).
        to: The recipients (a single address is taken as a one-tuple).
        cc: Copies.
        reply_to: Where replies go, if not to the sender.
        subject: The subject (UTF-8 allowed).
        text: The plain-text body (always sent, as the first alternative).
        html: The HTML body, sent as the preferred alternative when given.
        attachments: Files.
        message_id: The ``Message-ID`` header (``<...@domain>``); the outbox
            sets it from the idempotency key so a resent message can be
            recognised; an adapter makes one when it is None.
        headers: Further headers, as (name, value) pairs.
    """

    sender: str
    to: tuple[str, ...] = attrs.field(converter=_tuple)
    subject: str
    text: str
    html: str | None = None
    sender_name: str | None = None
    cc: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = attrs.field(default=(), converter=_attachments)
    message_id: str | None = None
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=tuple)

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every address the message goes to (``to`` then ``cc``)."""
        return self.to + self.cc

    def __repr__(self) -> str:
        return (
            f"EmailMessage(sender={mask_email(self.sender)!r}, to={_mask_addresses(self.to)}, "
            f"subject={self.subject!r}, ...)"
        )


@attrs.frozen(kw_only=True, repr=False)
class SmsMessage:
    """A text message to one mobile number (E.164, ``+38641123456``).

    ``text`` is sent as given: apply the organisation's
    :class:`~szo_core.delivery.sms.LetterPolicy` before building the message
    (the outbox does).  ``reference`` is the outbox's id for the message, sent
    to gateways that accept a client reference.

    >>> SmsMessage(to="+38641123456", text="Termin je potrjen.")
    SmsMessage(to='+386*****456', text=..., parts=1)
    """

    to: str
    text: str
    sender: str | None = None
    reference: str | None = None

    @property
    def parts(self) -> int:
        """How many SMS parts the text takes (:func:`szo_core.delivery.sms.sms_cost`)."""
        from szo_core.delivery.sms import sms_cost

        return sms_cost(self.text).parts

    def __repr__(self) -> str:
        return f"SmsMessage(to={mask_phone(self.to)!r}, text=..., parts={self.parts})"


class Channel(enum.Enum):
    """How a message goes out: one name for templates, the outbox and the ports.

    >>> Channel("sms")
    <Channel.SMS: 'sms'>
    """

    EMAIL = "email"
    """An e-mail (subject, HTML and text bodies), through a :class:`~szo_core.ports.MailSender`."""
    SMS = "sms"
    """A text message (the plain ``((placeholder))`` mode), through a
    :class:`~szo_core.ports.SmsSender`."""

    # Members are singletons compared by identity: the identity hash (in C) agrees
    # with that equality, and is cheaper than Enum's hash of the name (a Python call)
    # in the dict keys dispatch uses for every message.
    __hash__ = object.__hash__


class DeliveryStatus(enum.Enum):
    """What happened to one message."""

    SENT = "sent"
    """The server or gateway accepted it."""
    TEMPORARY = "temporary"
    """Not sent, and trying again later can help (connection refused, SMTP 4xx, HTTP 5xx)."""
    PERMANENT = "permanent"
    """Not sent, and trying again will not help (SMTP 5xx, an invalid number, HTTP 4xx)."""


@attrs.frozen
class SendResult:
    """The answer for one message of a batch.

    Attributes:
        status: Sent, or failed temporarily or permanently.
        message_id: The ``Message-ID`` sent, or the gateway's id for an SMS.
        code: A stable code for the failure (``smtp.450``, ``smtp.connection``,
            ``sms.http.503``, ...), None when sent.
        detail: A short text for the operator; never an address or a number.
        refused: Recipients (masked) that the server refused while it accepted
            the others; the message counts as sent to the rest.
    """

    status: DeliveryStatus
    message_id: str | None = None
    code: str | None = None
    detail: str = ""
    refused: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the message was accepted."""
        return self.status is DeliveryStatus.SENT
