"""An :class:`~szo_core.delivery.message.EmailMessage` as a MIME message (stdlib :mod:`email`).

:func:`to_mime` is a pure function: the same message and the same ``now`` give
the same bytes.  The structure is the one mail clients expect:

* text only: one ``text/plain`` part;
* text and HTML: ``multipart/alternative`` with the text first and the HTML
  last (the last alternative is the preferred one, RFC 2046 5.1.4);
* with attachments: that part (or the text) inside ``multipart/mixed``,
  followed by the files.

An address with a local part outside ASCII (``žan@…``) makes the message
SMTPUTF8 (``policy.SMTPUTF8``: UTF-8 headers; the server must offer the
extension).  Text and HTML are UTF-8 in quoted-printable, so the message is 7-bit clean and
needs no ``8BITMIME`` from the server; attachments are base64.  Subjects and
display names outside ASCII are encoded as RFC 2047 words, attachment file
names as RFC 2231 parameters (``filename*=utf-8''ra%C4%8Dun.pdf``).  ``Date``
is ``now`` (from a :class:`~szo_core.ports.Clock`); ``Message-ID`` is the
message's own, else one made from a hash of the message and ``now`` at the
sender's domain (:func:`make_message_id`).

Bad input raises a :mod:`szo_core.errors` error naming the field, never the
address: an address whose syntax is wrong (``delivery.email_invalid``), a line
break in a header (``delivery.header_newline``), a header that would replace
one the message builds (``delivery.header_reserved``), a malformed
``Message-ID`` (``delivery.message_id``) or a naive ``now``.

>>> from datetime import UTC, datetime
>>> from szo_core.delivery.message import Attachment, EmailMessage
>>> mail = EmailMessage(sender="vrtec@example.si", sender_name="Vrtec Čebelica",
...     to="ana@example.si", subject="Račun za september", text="Račun je v prilogi.",
...     html="<p>Račun je v prilogi.</p>",
...     attachments=(Attachment("račun.pdf", b"%PDF-1.4", "application/pdf"),))
>>> mime = to_mime(mail, now=datetime(2026, 10, 1, 8, 0, tzinfo=UTC))
>>> mime.get_content_type(), [p.get_content_type() for p in mime.walk()][1:]
('multipart/mixed', ['multipart/alternative', 'text/plain', 'text/html', 'application/pdf'])
>>> mime["Date"], mime["Subject"]
('Thu, 01 Oct 2026 08:00:00 +0000', 'Račun za september')
>>> b"Subject: =?utf-8?q?Ra=C4=8Dun?= za september" in mime.as_bytes()
True
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage

from szo_core.delivery.message import EmailMessage
from szo_core.errors import InvalidComponent, InvalidFormat

__all__ = [
    "RESERVED_HEADERS",
    "check_header_value",
    "make_message_id",
    "message_bytes",
    "to_mime",
]

RESERVED_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
    }
)
"""Headers :func:`to_mime` writes itself; :attr:`EmailMessage.headers` may not set them."""

_MESSAGE_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")
_HEADER_NAME = re.compile(r"[!-9;-~]+")


def _address(value: str, where: str, display_name: str | None = None) -> Address:
    from szo_core.delivery.addresses import validate_email

    if display_name is not None:
        check_header_value(display_name, f"{where}_name")
    normalised = validate_email(value, where=where)
    local, _, domain = normalised.rpartition("@")
    try:
        return Address(display_name=display_name or "", username=local, domain=domain)
    except (ValueError, IndexError):  # pragma: no cover - email-validator refuses these first
        raise InvalidFormat(
            "delivery.email_invalid",
            sl="E-poštni naslov ni pravilen.",
            en="The e-mail address is not valid.",
            where=where,
        ) from None


def check_header_value(value: str, where: str) -> str:
    r"""Return ``value`` if it can be a header (no CR, LF or NUL), else raise.

    ``where`` names the field after ``EmailMessage.`` in the error.

    >>> check_header_value("Vrtec Čebelica", "sender_name")
    'Vrtec Čebelica'
    >>> check_header_value("Vrtec\nBcc: x@example.si", "sender_name")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: delivery.header_newline: ... (EmailMessage.sender_name)
    """
    if "\r" in value or "\n" in value or "\x00" in value:
        raise InvalidFormat(
            "delivery.header_newline",
            sl="Glava sporočila ne sme vsebovati preloma vrstice.",
            en="A message header must not contain a line break.",
            where=f"EmailMessage.{where}",
        )
    return value


def _domain(sender: str) -> str:
    domain = sender.rpartition("@")[2].strip().lower() or "localhost"
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"


def make_message_id(message: EmailMessage, *, now: datetime) -> str:
    """A ``Message-ID`` for a message without one: a hash of it and ``now``, at the sender's domain.

    The same message at the same time gets the same id (the function is pure);
    any difference in the recipients, the subject, the bodies, the attachments
    or the time gives another.  The outbox sets its own id from the
    idempotency key, so a resent message keeps its id.

    >>> from datetime import UTC, datetime
    >>> mail = EmailMessage(sender="vrtec@Example.si", to="a@example.si", subject="S", text="T")
    >>> make_message_id(mail, now=datetime(2026, 10, 1, tzinfo=UTC))
    '<aecb38bd7a32130c...@example.si>'
    """
    digest = hashlib.sha256()
    for part in (
        now.isoformat(),
        message.sender,
        message.sender_name or "",
        *message.to,
        "",
        *message.cc,
        "",
        message.subject,
        message.text,
        message.html or "",
    ):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    for attachment in message.attachments:
        digest.update(attachment.filename.encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(hashlib.sha256(attachment.data).digest())
    return f"<{digest.hexdigest()[:32]}@{_domain(message.sender)}>"


def to_mime(message: EmailMessage, *, now: datetime) -> MimeMessage:
    """Build the MIME message (``policy.SMTP``: CRLF line ends) of ``message``, dated ``now``.

    Args:
        message: The e-mail.
        now: The ``Date`` (timezone-aware), from the sender's clock.

    Raises:
        InvalidFormat: ``delivery.email_invalid``, ``delivery.header_newline``,
            ``delivery.message_id``.
        InvalidComponent: ``delivery.header_reserved``, ``delivery.naive_time``,
            ``delivery.no_recipients``.

    >>> from datetime import UTC, datetime
    >>> mail = EmailMessage(sender="vrtec@example.si", to="ana@example.si",
    ...                     subject="S", text="T", message_id="<r-7@vrtec.si>")
    >>> to_mime(mail, now=datetime(2026, 10, 1, tzinfo=UTC))["Message-ID"]
    '<r-7@vrtec.si>'
    >>> to_mime(EmailMessage(sender="vrtec@example.si", to="ana@@example.si", subject="S",
    ...                      text="T"), now=datetime(2026, 10, 1, tzinfo=UTC))
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: delivery.email_invalid: ... (EmailMessage.to[0])
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidComponent(
            "delivery.naive_time",
            sl="Čas sporočila mora imeti časovni pas.",
            en="The time of the message must be timezone-aware.",
            where="now",
        )
    if not message.recipients:
        raise InvalidComponent(
            "delivery.no_recipients",
            sl="Sporočilo nima prejemnika.",
            en="The message has no recipient.",
            where="EmailMessage.to",
        )
    international = any(not a.isascii() for a in (message.sender, *message.recipients))
    mime = MimeMessage(policy=email.policy.SMTPUTF8 if international else email.policy.SMTP)
    mime["From"] = _address(message.sender, "EmailMessage.sender", message.sender_name)
    mime["To"] = [_address(a, f"EmailMessage.to[{n}]") for n, a in enumerate(message.to)]
    if message.cc:
        mime["Cc"] = [_address(a, f"EmailMessage.cc[{n}]") for n, a in enumerate(message.cc)]
    if message.reply_to:
        mime["Reply-To"] = _address(message.reply_to, "EmailMessage.reply_to")
    mime["Subject"] = check_header_value(message.subject, "subject")
    mime["Date"] = email.utils.format_datetime(now)
    message_id = message.message_id or make_message_id(message, now=now)
    if _MESSAGE_ID.fullmatch(message_id) is None:
        raise InvalidFormat(
            "delivery.message_id",
            sl="Message-ID mora imeti obliko <oznaka@domena>.",
            en="The Message-ID must have the form <id@domain>.",
            where="EmailMessage.message_id",
        )
    mime["Message-ID"] = message_id
    for index, (name, value) in enumerate(message.headers):
        where = f"headers[{index}]"
        if _HEADER_NAME.fullmatch(name) is None:
            raise InvalidFormat(
                "delivery.header_name",
                sl="Ime glave sme imeti le črke ASCII, števke in ločila brez dvopičja.",
                en="A header name may only have ASCII letters, digits and punctuation but a colon.",
                where=f"EmailMessage.{where}",
            )
        if name.lower() in RESERVED_HEADERS:
            raise InvalidComponent(
                "delivery.header_reserved",
                sl="Te glave ni mogoče nastaviti, sestavi jo szo_core.",
                en="This header cannot be set; szo_core writes it.",
                where=f"EmailMessage.{where}",
            )
        mime[name] = check_header_value(value, where)
    mime.set_content(message.text, cte="quoted-printable")
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html", cte="quoted-printable")
    for index, attachment in enumerate(message.attachments):
        check_header_value(attachment.filename, f"attachments[{index}].filename")
        maintype, slash, subtype = attachment.content_type.partition("/")
        if not slash or not maintype or not subtype:
            maintype, subtype = "application", "octet-stream"
        mime.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    # Boundaries from the Message-ID, so the bytes are deterministic.  "=_" cannot
    # occur in quoted-printable or base64 content, so the boundary is safe.
    token = hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    for number, part in enumerate(p for p in mime.walk() if p.is_multipart()):
        part.set_boundary(f"=_szo_{token}_{number}")
    return mime


def message_bytes(message: EmailMessage, *, now: datetime) -> bytes:
    """The bytes of :func:`to_mime` (CRLF line ends), as written to an ``.eml`` file.

    >>> from datetime import UTC, datetime
    >>> mail = EmailMessage(sender="vrtec@example.si", to="ana@example.si", subject="S", text="T")
    >>> message_bytes(mail, now=datetime(2026, 10, 1, tzinfo=UTC)).startswith(b"From: ")
    True
    """
    return to_mime(message, now=now).as_bytes()
