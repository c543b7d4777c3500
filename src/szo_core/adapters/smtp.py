"""Sending e-mail over SMTP: a :class:`~szo_core.ports.MailSender` on :mod:`smtplib`.

:class:`SmtpMailSender` opens **one connection per batch** (``EHLO``, TLS,
``AUTH``), sends every message of the batch over it, and ends it with ``QUIT``.
If the server drops the connection in the middle of a batch, it connects once
more and carries on with the message it was sending; if that fails too, the
rest of the batch is answered ``TEMPORARY``.  Each message is built by
:func:`szo_core.delivery.mime.to_mime`, dated by the :class:`~szo_core.ports.Clock`.

How outcomes map to :class:`~szo_core.delivery.message.SendResult`:

============================================  ===========  ======================
What happened                                 Status       ``code``
============================================  ===========  ======================
accepted (perhaps with some recipients        SENT         None (``refused`` lists
refused)                                                   the refused, masked)
no connection, a timeout, dropped twice       TEMPORARY    ``smtp.connection``
a 4xx reply (greylisting, a full mailbox)     TEMPORARY    ``smtp.451`` ...
every recipient refused, one of them 4xx      TEMPORARY    ``smtp.450`` ...
a 5xx reply, every recipient refused (5xx)    PERMANENT    ``smtp.550`` ...
login refused                                 TEMPORARY    ``smtp.auth``
530: TLS or login required, not configured    TEMPORARY    ``smtp.530``
TLS failed (certificate, no STARTTLS offered) TEMPORARY    ``smtp.tls``
a bad address in the message                  PERMANENT    ``delivery.email_invalid``
an international address, no SMTPUTF8         PERMANENT    ``smtp.smtputf8``
============================================  ===========  ======================

**A refused login is temporary.**  It says nothing about the message: the
password expired or was mistyped, and every message would fail the same way.
Marking them permanent would drop a whole day's invoices for one setting; as
temporary they wait in the outbox (retried with backoff, until its give-up
time) while an operator fixes the password, and the log says ``smtp.auth``
once per batch.  A failed TLS handshake is temporary for the same reason.

Nothing an adapter logs or returns names a recipient: ``detail`` holds the
server's reply code and a short text; ``refused`` holds masked addresses
(``a***@example.si``).  The password is never in ``repr()`` or a log.

>>> settings = SmtpSettings(host="smtp.example.si", username="vrtec", password="skrivno")
>>> settings.effective_port, settings.security.value, "skrivno" in repr(settings)
(587, 'starttls', False)
"""

from __future__ import annotations

import base64
import contextlib
import enum
import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage as MimeMessage

import attrs

from szo_core.adapters.clock import SystemClock
from szo_core.delivery.addresses import mask_email
from szo_core.delivery.message import DeliveryStatus, EmailMessage, SendResult
from szo_core.errors import ConfigurationError, ValidationError
from szo_core.ports import Clock

__all__ = ["SmtpMailSender", "SmtpSecurity", "SmtpSettings"]

log = logging.getLogger(__name__)


class SmtpSecurity(enum.Enum):
    """How the connection is protected."""

    NONE = "none"
    """Plain SMTP (only for a relay on the same machine or network); port 25."""
    STARTTLS = "starttls"
    """Plain connect, then ``STARTTLS`` before anything is sent (submission, port 587)."""
    TLS = "tls"
    """TLS from the first byte (implicit TLS, port 465)."""


_DEFAULT_PORTS = {SmtpSecurity.NONE: 25, SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465}


def _security(value: SmtpSecurity | str) -> SmtpSecurity:
    if isinstance(value, SmtpSecurity):
        return value
    try:
        return SmtpSecurity(value)
    except ValueError:
        raise ConfigurationError(
            "smtp.security",
            sl="Zaščita povezave SMTP je lahko none, starttls ali tls.",
            en="The SMTP security must be none, starttls or tls.",
            where="SmtpSettings.security",
        ) from None


def _config_error(code: str, sl: str, en: str, where: str) -> ConfigurationError:
    return ConfigurationError(code, sl=sl, en=en, where=f"SmtpSettings.{where}")


@attrs.frozen(kw_only=True)
class SmtpSettings:
    """Where and how to connect.

    Attributes:
        host: The server's name or address.
        port: The port; None for the usual one of ``security`` (25, 587, 465).
        security: ``none``, ``starttls`` (default) or ``tls`` (implicit).
        username: The login; None to send without ``AUTH``.
        password: Its password (never in ``repr()``).
        timeout: Seconds to wait for the server at each step.
        ca_file: A CA bundle to trust instead of the system's (a private CA,
            a test CA).
        ssl_context: A ready :class:`ssl.SSLContext` instead (it wins over
            ``ca_file``); certificates and host names are always checked
            unless the context says otherwise.
        local_hostname: The name sent in ``EHLO``; None for this machine's FQDN.

    >>> SmtpSettings(host="smtp.example.si", security="tls").effective_port
    465
    >>> SmtpSettings(host="smtp.example.si", username="vrtec")
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: smtp.password_missing: ... (SmtpSettings.password)
    """

    host: str
    port: int | None = None
    security: SmtpSecurity = attrs.field(default=SmtpSecurity.STARTTLS, converter=_security)
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    timeout: float = 30.0
    ca_file: str | None = None
    ssl_context: ssl.SSLContext | None = attrs.field(default=None, repr=False, eq=False)
    local_hostname: str | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.host, str) or not self.host.strip():
            raise _config_error(
                "smtp.host", "Strežnik SMTP ni naveden.", "The SMTP host is missing.", "host"
            )
        if self.port is not None and (
            isinstance(self.port, bool)
            or not isinstance(self.port, int)
            or not 0 < self.port < 65536
        ):
            raise _config_error(
                "smtp.port",
                "Vrata SMTP morajo biti celo število od 1 do 65535.",
                "The SMTP port must be an integer from 1 to 65535.",
                "port",
            )
        if (self.username is None) != (self.password is None):
            missing = "password" if self.password is None else "username"
            raise _config_error(
                f"smtp.{missing}_missing",
                "Za prijavo sta potrebna uporabniško ime in geslo.",
                "Logging in needs both a username and a password.",
                missing,
            )
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, int | float):
            raise _config_error(
                "smtp.timeout",
                "Čakalni čas mora biti število sekund.",
                "The timeout must be a number of seconds.",
                "timeout",
            )
        if not self.timeout > 0:
            raise _config_error(
                "smtp.timeout",
                "Čakalni čas mora biti večji od nič.",
                "The timeout must be greater than zero.",
                "timeout",
            )

    @property
    def effective_port(self) -> int:
        """The port connected to."""
        return self.port if self.port is not None else _DEFAULT_PORTS[self.security]

    def tls_context(self) -> ssl.SSLContext:
        """The TLS context: ``ssl_context``, or the default one with ``ca_file`` trusted."""
        if self.ssl_context is not None:
            return self.ssl_context
        return ssl.create_default_context(cafile=self.ca_file)


@attrs.define
class _Failure(Exception):
    """A failure that ends the connection (or its setup) for the rest of a batch."""

    code: str
    detail: str
    status: DeliveryStatus = DeliveryStatus.TEMPORARY


def _reply(error: smtplib.SMTPResponseException) -> tuple[DeliveryStatus, str, str]:
    code = int(error.smtp_code)
    # 530 (STARTTLS or AUTH required) is our setting, not the message: temporary, like a
    # refused login, so the batch waits for the fix instead of being dropped.
    temporary = 400 <= code < 500 or code == 530
    status = DeliveryStatus.TEMPORARY if temporary else DeliveryStatus.PERMANENT
    text = error.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    # The first line of the reply only, and no addresses (servers quote them).
    first = str(text).splitlines()[0] if str(text) else ""
    return status, f"smtp.{code}", _scrub(first)


def _scrub(text: str) -> str:
    """A server's reply without anything that looks like an address (<a@b>, a@b)."""
    words = [("<address>" if "@" in word else word) for word in text.split()]
    return " ".join(words)[:200]


class SmtpMailSender:
    """A :class:`~szo_core.ports.MailSender` over SMTP (see the module docs).

    Args:
        settings: The server and the login.
        clock: The clock for each message's ``Date``; the system's by default.

    Example (no server on this port, so the batch waits in the outbox):

    >>> from szo_core.delivery.message import EmailMessage
    >>> sender = SmtpMailSender(SmtpSettings(host="127.0.0.1", port=9, security="none",
    ...                                      timeout=2))
    >>> mail = EmailMessage(sender="vrtec@example.si", to="ana@example.si", subject="S", text="T")
    >>> [(r.status.value, r.code) for r in sender.send([mail])]
    [('temporary', 'smtp.connection')]
    """

    def __init__(self, settings: SmtpSettings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.connections = 0
        """How many connections this sender has opened (for tests and the benchmark)."""

    def __repr__(self) -> str:
        return f"SmtpMailSender({self.settings!r})"

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        self.connections += 1
        connection: smtplib.SMTP
        try:
            if s.security is SmtpSecurity.TLS:
                connection = smtplib.SMTP_SSL(
                    s.host,
                    s.effective_port,
                    local_hostname=s.local_hostname,
                    timeout=s.timeout,
                    context=s.tls_context(),
                )
            else:
                connection = smtplib.SMTP(
                    s.host, s.effective_port, local_hostname=s.local_hostname, timeout=s.timeout
                )
        except ssl.SSLError as exc:
            raise _Failure("smtp.tls", f"TLS failed: {type(exc).__name__}") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise _Failure("smtp.connection", f"cannot connect: {type(exc).__name__}") from None
        try:
            connection.ehlo()
            if s.security is SmtpSecurity.STARTTLS:
                if not connection.has_extn("starttls"):
                    raise _Failure("smtp.tls", "the server does not offer STARTTLS")
                connection.starttls(context=s.tls_context())
                connection.ehlo()
            if s.username is not None and s.password is not None:
                if s.username.isascii() and s.password.isascii():
                    connection.login(s.username, s.password)
                else:
                    _login_utf8(connection, s.username, s.password)
        except _Failure:
            _close(connection)
            raise
        except smtplib.SMTPAuthenticationError as exc:
            _close(connection)
            raise _Failure("smtp.auth", f"login refused ({exc.smtp_code})") from None
        except smtplib.SMTPNotSupportedError:
            _close(connection)
            raise _Failure("smtp.auth", "the server offers no AUTH (login not possible)") from None
        except ssl.SSLError as exc:
            _close(connection)
            raise _Failure("smtp.tls", f"TLS failed: {type(exc).__name__}") from None
        except smtplib.SMTPResponseException as exc:
            _close(connection)
            status, code, detail = _reply(exc)
            raise _Failure(code, detail, status) from None
        except (OSError, smtplib.SMTPException) as exc:
            _close(connection)
            raise _Failure("smtp.connection", f"connection lost: {type(exc).__name__}") from None
        return connection

    def send(self, messages: Sequence[EmailMessage]) -> tuple[SendResult, ...]:
        """Send ``messages`` over one connection; one result per message, in order."""
        results: list[SendResult | None] = [None] * len(messages)
        built: list[tuple[int, MimeMessage]] = []
        for index, message in enumerate(messages):
            try:
                built.append((index, _build(message, self.clock)))
            except ValidationError as exc:
                results[index] = SendResult(
                    DeliveryStatus.PERMANENT,
                    message_id=message.message_id,
                    code=exc.code,
                    detail=exc.message("en"),
                )
        connection: smtplib.SMTP | None = None
        reconnected = False
        position = 0
        try:
            while position < len(built):
                index, mime = built[position]
                try:
                    if connection is None:
                        connection = self._connect()
                    results[index] = _send_one(connection, messages[index], mime)
                    position += 1
                except _Dropped as dropped:
                    _close(connection)
                    connection = None
                    if reconnected:
                        raise _Failure("smtp.connection", dropped.detail) from None
                    reconnected = True
                    log.warning("smtp: the server dropped the connection; connecting again")
        except _Failure as failure:
            log.warning(
                "smtp: %s (%s); %d messages wait",
                failure.code,
                failure.detail,
                len(built) - position,
            )
            for index, mime in built[position:]:
                results[index] = SendResult(
                    failure.status,
                    message_id=str(mime["Message-ID"]),
                    code=failure.code,
                    detail=failure.detail,
                )
        finally:
            if connection is not None:
                try:
                    connection.quit()
                except (OSError, smtplib.SMTPException):
                    _close(connection)
        done = tuple(r for r in results if r is not None)
        assert len(done) == len(messages)
        sent = sum(r.ok for r in done)
        log.info("smtp: batch of %d, %d sent, %d not", len(done), sent, len(done) - sent)
        return done


@attrs.define
class _Dropped(Exception):
    detail: str


def _build(message: EmailMessage, clock: Clock) -> MimeMessage:
    from szo_core.delivery.mime import to_mime

    return to_mime(message, now=clock.now())


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    with contextlib.suppress(OSError):
        connection.close()


def _send_one(connection: smtplib.SMTP, message: EmailMessage, mime: MimeMessage) -> SendResult:
    message_id = str(mime["Message-ID"])
    recipients = list(message.recipients)
    try:
        refused = connection.send_message(mime, from_addr=message.sender, to_addrs=recipients)
    except smtplib.SMTPServerDisconnected:
        raise _Dropped("the server closed the connection") from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({int(code) for code, _ in exc.recipients.values()})
        temporary = [c for c in codes if 400 <= c < 500]
        code = temporary[0] if temporary else codes[0]
        _reset(connection)
        return SendResult(
            DeliveryStatus.TEMPORARY if temporary else DeliveryStatus.PERMANENT,
            message_id=message_id,
            code=f"smtp.{code}",
            detail=f"every recipient refused ({', '.join(map(str, codes))})",
            refused=tuple(mask_email(a) for a in exc.recipients),
        )
    except smtplib.SMTPNotSupportedError:
        _reset(connection)
        return SendResult(
            DeliveryStatus.PERMANENT,
            message_id=message_id,
            code="smtp.smtputf8",
            detail="an address needs SMTPUTF8, which the server does not offer",
        )
    except smtplib.SMTPResponseException as exc:
        if int(exc.smtp_code) == 421:  # the server is closing the connection
            raise _Dropped("421 service closing") from None
        status, reply_code, detail = _reply(exc)
        _reset(connection)
        return SendResult(status, message_id=message_id, code=reply_code, detail=detail)
    except (OSError, smtplib.SMTPException) as exc:
        raise _Dropped(f"connection lost: {type(exc).__name__}") from None
    if refused:
        codes = sorted({int(code) for code, _ in refused.values()})
        return SendResult(
            DeliveryStatus.SENT,
            message_id=message_id,
            detail=f"{len(refused)} of {len(recipients)} recipients refused "
            f"({', '.join(map(str, codes))})",
            refused=tuple(mask_email(a) for a in refused),
        )
    return SendResult(DeliveryStatus.SENT, message_id=message_id)


def _login_utf8(connection: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN (or LOGIN) with UTF-8 credentials (RFC 4616); smtplib sends only ASCII ones."""
    if not connection.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH")
    offered = connection.esmtp_features["auth"].upper().split()

    def b64(value: bytes) -> str:
        return base64.b64encode(value).decode("ascii")

    user, secret = username.encode("utf-8"), password.encode("utf-8")
    if "PLAIN" in offered:
        code, reply = connection.docmd("AUTH", "PLAIN " + b64(b"\0" + user + b"\0" + secret))
    elif "LOGIN" in offered:
        code, reply = connection.docmd("AUTH", "LOGIN " + b64(user))
        if code == 334:
            code, reply = connection.docmd(b64(secret))
    else:
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN or LOGIN")
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


def _reset(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.rset()  # if this fails, the next message finds out and reconnects
