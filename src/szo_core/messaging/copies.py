"""The sender of e-mail copies, built from the organisation's sending settings.

Copies are queued in the outbox by :meth:`szo_core.messaging.service.Messaging.send`
and sent by a :class:`~szo_core.outbox.Dispatcher` like every other e-mail;
:func:`smtp_sender` gives that dispatcher the organisation's SMTP connection.
The password comes from the app's secret store, never from the database.

>>> from szo_core.messaging.records import MessagingSettings, SendingSettings
>>> smtp_sender(MessagingSettings(organisation_id="dom", email_copies=True))
Traceback (most recent call last):
...
szo_core.errors.ConfigurationError: messaging.smtp_missing: ... (MessagingSettings.sending)
>>> settings = MessagingSettings(organisation_id="dom", email_copies=True,
...     sending=SendingSettings(host="smtp.dom.si", username="dom", sender="sporocila@dom.si"))
>>> sender = smtp_sender(settings, password="skrivno")
>>> sender.settings.host, sender.settings.effective_port, "skrivno" in repr(sender)
('smtp.dom.si', 587, False)
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

from szo_core.errors import ConfigurationError
from szo_core.messaging.records import MessagingSettings

if TYPE_CHECKING:
    from szo_core.adapters.smtp import SmtpMailSender
    from szo_core.ports import Clock

__all__ = ["smtp_sender"]


def smtp_sender(
    settings: MessagingSettings,
    *,
    password: str | None = None,
    clock: Clock | None = None,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 30.0,
) -> SmtpMailSender:
    """An :class:`~szo_core.adapters.smtp.SmtpMailSender` for the organisation's copies.

    Args:
        settings: The organisation's messaging settings.
        password: The SMTP password (needed when the settings name a username).
        clock: Dates the messages; the system clock by default.
        ssl_context: A TLS context to trust instead of the system's (a private CA).
        timeout: Seconds to wait for the server at each step.

    Raises:
        ConfigurationError: ``messaging.smtp_missing`` when the organisation has
            no sending settings; ``smtp.password_missing`` when a username has no
            password (and the other :class:`~szo_core.adapters.smtp.SmtpSettings` checks).
    """
    from szo_core.adapters.smtp import SmtpMailSender, SmtpSettings

    sending = settings.sending
    if sending is None:
        raise ConfigurationError(
            "messaging.smtp_missing",
            sl="Organizacija nima nastavitev pošiljanja (SMTP) za kopije po e-pošti.",
            en="The organisation has no sending (SMTP) settings for e-mail copies.",
            where="MessagingSettings.sending",
        )
    smtp = SmtpSettings(
        host=sending.host,
        port=sending.port,
        security=sending.security.value,
        username=sending.username or None,
        password=password if sending.username else None,
        timeout=timeout,
        ssl_context=ssl_context,
    )
    return SmtpMailSender(smtp, clock=clock)
