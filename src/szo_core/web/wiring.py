"""The one place where the web app builds its SDK objects.

:func:`build` turns a :class:`WebConfig` into :class:`Services`: the store
(SQLite or PostgreSQL through :class:`~szo_core.adapters.sql.SqlStore`, or a
memory store for tests), the :class:`~szo_core.booking.BookingDesk`, the
:class:`~szo_core.messaging.Messaging` service, the
:class:`~szo_core.notify.service.Notifications` service, the outbox
:class:`~szo_core.outbox.Dispatcher` with its mail sender (``.eml`` files or
SMTP), the operator :class:`~szo_core.web.accounts.Accounts` and the rate
limits.  Nothing else in :mod:`szo_core.web` constructs these, so a new
constructor argument is passed here once.

Every secret is derived from one key (:attr:`WebConfig.secret_key`, at least
32 bytes) with HMAC-SHA256 and a purpose label, so the session cookie, the
booking codes, the booking links and the notification links each have their own
key and none can stand in for another.

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.memory import ManualClock, MemoryStore
>>> services = build(WebConfig(secret_key=b"k" * 32, mail_folder=None),
...                  store=MemoryStore(),
...                  clock=ManualClock(datetime(2026, 12, 3, 8, 0, tzinfo=UTC)))
>>> services.desk
BookingDesk(portal_url='https://localhost:8000/termin')
>>> derive_key(b"k" * 32, "session") != derive_key(b"k" * 32, "booking-code")
True
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from szo_core.errors import ConfigurationError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from szo_core.adapters.smtp import SmtpSettings
    from szo_core.booking import BookingDesk
    from szo_core.messaging import Messaging
    from szo_core.notify.service import Notifications
    from szo_core.outbox import Dispatcher
    from szo_core.ports import Clock, MailSender, Storage
    from szo_core.web.accounts import Accounts
    from szo_core.web.limits import RateLimit

__all__ = ["Services", "WebConfig", "build", "derive_key"]


def _key(_: object, attribute: attrs.Attribute[bytes], value: bytes) -> None:
    if not isinstance(value, bytes) or len(value) < 32:
        raise ConfigurationError(
            "web.secret_key",
            sl="Skrivni ključ aplikacije mora imeti vsaj 32 bajtov.",
            en="The app's secret key must have at least 32 bytes.",
            where=f"WebConfig.{attribute.name}",
        )


def _url(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.startswith("https://"):
        raise ConfigurationError(
            "web.public_url",
            sl="Javni naslov aplikacije mora biti https://.",
            en="The app's public address must be https://.",
            where=f"WebConfig.{attribute.name}",
        )


@attrs.frozen(kw_only=True, repr=False)
class WebConfig:
    """What ``szo serve`` runs on.

    Attributes:
        secret_key: The app's secret (at least 32 bytes); every key is derived from it.
        database: A SQLite file or a PostgreSQL URL (migrated to the head at start).
        mail_folder: Where e-mails go as ``.eml`` files when ``smtp`` is None
            (None: no mail sender; only for tests that read the outbox).
        smtp: Send e-mail over SMTP instead.
        public_url: The https address the e-mailed links start with (behind a
            TLS proxy in production; the app itself may listen on plain HTTP).
        https: The browser reaches the app over TLS: session cookies get
            ``Secure`` and responses ``Strict-Transport-Security``.
        booking_organisation: The organisation whose offices the citizen books.
        notify_organisation: The organisation whose notifications citizens set.
        sender: The From address of the e-mails.
        demo_sign_in: Offer the citizens' stand-in sign-in (a person id typed
            in) instead of the portal's qualified-certificate sign-in.  Off by
            default: it lets anyone act as any person id, so only the demo
            (``szo serve`` without ``--no-demo``) and tests turn it on.
        session_idle: Signed-in sessions end after this long without a request.
    """

    secret_key: bytes = attrs.field(validator=_key)
    database: str = "szo-demo/szo-demo.sqlite"
    mail_folder: Path | None = Path("szo-demo/web-mail")
    smtp: SmtpSettings | None = None
    public_url: str = attrs.field(default="https://localhost:8000", validator=_url)
    https: bool = False
    booking_organisation: str = "ue-lj"
    notify_organisation: str = "obcina-lj"
    sender: str = "no-reply@szo.example.si"
    demo_sign_in: bool = False
    session_idle: timedelta = timedelta(minutes=30)

    def __repr__(self) -> str:
        return f"WebConfig(database={self.database!r}, public_url={self.public_url!r})"


@attrs.define(repr=False)
class Services:
    """The SDK objects the pages call (built by :func:`build`)."""

    config: WebConfig
    store: Storage
    clock: Clock
    desk: BookingDesk
    messaging: Messaging
    notifications: Notifications
    dispatcher: Dispatcher | None
    accounts: Accounts
    login_limit: RateLimit
    login_ip_limit: RateLimit
    code_limit: RateLimit
    session_key: bytes

    def __repr__(self) -> str:
        return f"Services(store={type(self.store).__name__})"

    def dispatch(self) -> int:
        """Send what the outbox holds now (until a round claims nothing); the count sent."""
        if self.dispatcher is None:
            return 0
        sent = 0
        while True:
            report = self.dispatcher.run_once()
            sent += report.sent
            if not report.claimed:
                return sent

    def close(self) -> None:
        """Release the database connections."""
        dispose = getattr(self.store, "dispose", None)
        if callable(dispose):
            dispose()


def derive_key(secret: bytes, purpose: str) -> bytes:
    """The 32-byte key for ``purpose``, derived from the app's secret (HMAC-SHA256)."""
    return hmac.new(secret, b"szo-web:" + purpose.encode("ascii"), hashlib.sha256).digest()


def _mail(config: WebConfig, clock: Clock) -> MailSender | None:
    if config.smtp is not None:
        from szo_core.adapters.smtp import SmtpMailSender

        return SmtpMailSender(config.smtp, clock=clock)
    if config.mail_folder is None:
        return None
    from szo_core.adapters.files import FileMailSender

    return FileMailSender(config.mail_folder, clock=clock)


def _open_store(database: str) -> Storage:
    from szo_core.adapters.sql import SqlStore

    if "://" not in database:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    return SqlStore.open(database)


def build(
    config: WebConfig,
    *,
    store: Storage | None = None,
    clock: Clock | None = None,
    mail: MailSender | None = None,
    hasher: PasswordHasher | None = None,
) -> Services:
    """Build the SDK objects for ``config`` (tests pass their own store, clock, mail, hasher)."""
    from szo_core.adapters.booking_files import FolderBookingFiles
    from szo_core.adapters.clock import SystemClock
    from szo_core.adapters.memory_booking import MemoryBookingFiles
    from szo_core.booking import BookingDesk, LinkSigner, TemplateMeetingLinks
    from szo_core.booking.ports import BookingFiles
    from szo_core.messaging import Messaging
    from szo_core.notify.service import Notifications
    from szo_core.notify.settings import NotifySettings
    from szo_core.outbox import Dispatcher, OutboxSeal
    from szo_core.web.accounts import Accounts
    from szo_core.web.limits import RateLimit

    clock = clock if clock is not None else SystemClock()
    store = store if store is not None else _open_store(config.database)
    secret = config.secret_key
    files: BookingFiles
    if config.mail_folder is not None and "://" not in config.database:
        files = FolderBookingFiles(Path(config.database).parent / "web-files")
    else:
        files = MemoryBookingFiles()
    public = config.public_url.rstrip("/")
    # One outbox seal for the booking desk's and the notifications' messages (codes and
    # signed links are stored encrypted); the dispatcher opens them with it.
    seal = OutboxSeal([derive_key(secret, "outbox-seal")])
    desk = BookingDesk(
        store,
        clock=clock,
        code_key=derive_key(secret, "booking-code"),
        signer=LinkSigner(derive_key(secret, "booking-link")),
        meeting=TemplateMeetingLinks("https://video.example.si/{office}/{appointment}"),
        portal_url=f"{public}/termin",
        sender=config.sender,
        files=files,
        seal=seal,
    )
    notifications = Notifications(
        NotifySettings(
            sender=config.sender,
            signing_keys=(derive_key(secret, "notify-link"),),
            link_base=f"{public}/obvestila",
        ),
        seal=seal,
    )
    mail = mail if mail is not None else _mail(config, clock)
    sms = None
    if config.mail_folder is not None:
        from szo_core.adapters.files import FileSmsSender

        sms = FileSmsSender(config.mail_folder, clock=clock)
    dispatcher = (
        Dispatcher(store, clock=clock, mail=mail, sms=sms, seal=seal) if mail is not None else None
    )
    return Services(
        config=config,
        store=store,
        clock=clock,
        desk=desk,
        messaging=Messaging(),
        notifications=notifications,
        dispatcher=dispatcher,
        accounts=Accounts(hasher),
        login_limit=RateLimit(clock, attempts=5, window=timedelta(minutes=15)),
        login_ip_limit=RateLimit(clock, attempts=30, window=timedelta(minutes=15)),
        code_limit=RateLimit(clock, attempts=10, window=timedelta(minutes=10)),
        session_key=derive_key(secret, "session"),
    )
