"""How an organisation's notifications behave: senders, links, quiet hours, rate limit.

>>> from datetime import UTC, datetime
>>> quiet = QuietHours()
>>> quiet.end_of(datetime(2026, 12, 3, 21, 30, tzinfo=UTC))  # 22.30 in Ljubljana
datetime.datetime(2026, 12, 4, 6, 0, tzinfo=datetime.timezone.utc)
>>> quiet.end_of(datetime(2026, 12, 3, 12, 0, tzinfo=UTC)) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Final

import attrs
import pendulum

from szo_core.delivery.sms import LetterPolicy
from szo_core.errors import ConfigurationError
from szo_core.notify.links import check_keys

__all__ = ["NotifySettings", "QuietHours", "RateLimit"]

_ZONE: Final = "Europe/Ljubljana"


def _bad(where: str, sl: str, en: str) -> ConfigurationError:
    return ConfigurationError("notify.settings", sl=sl, en=en, where=where)


@attrs.frozen(kw_only=True)
class QuietHours:
    """Hours in which no SMS is sent (Europe/Ljubljana): it waits in the outbox until the end.

    Attributes:
        start: When the quiet hours begin (local time), 21.00 by default.
        end: When they end (local time), 7.00 by default; before ``start`` means
            over midnight.
        key_events_too: Key events wait as well (the default: nothing in a
            case's workflow is worth waking a citizen at night for, and the
            e-mail goes at once); False sends key events' SMS at any hour.

    E-mail is never held: it does not ring.  Confirmation codes are not held
    either (the citizen is waiting for them).
    """

    start: time = time(21, 0)
    end: time = time(7, 0)
    key_events_too: bool = True

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.start, time) or not isinstance(self.end, time):
            raise _bad(
                "quiet_hours", "Začetek in konec sta ura (time).", "Start and end are times."
            )
        if self.start == self.end:
            raise _bad(
                "quiet_hours",
                "Začetek in konec tihih ur morata biti različna.",
                "The quiet hours' start and end must differ.",
            )

    def _inside(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def end_of(self, now: datetime) -> datetime | None:
        """The end of the quiet hours ``now`` is in (UTC), or None when it is not in them."""
        moment = pendulum.instance(now).in_timezone(_ZONE)
        local = time(moment.hour, moment.minute, moment.second, moment.microsecond)
        if not self._inside(local):
            return None
        day = moment.date()
        if self.start > self.end and local >= self.start:
            day = day.add(days=1)
        ends = pendulum.datetime(
            day.year, day.month, day.day, self.end.hour, self.end.minute, tz=_ZONE
        )
        return datetime.fromtimestamp(ends.timestamp(), UTC)


@attrs.frozen(kw_only=True)
class RateLimit:
    """At most ``max_messages`` per case, subscriber and channel in ``window``; then a digest.

    Past the limit, events are held and sent together as one digest message
    when ``window`` has passed since the first one held.  Key events are never
    held (they are sent at once) but count towards the limit.

    >>> RateLimit(max_messages=0)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: notify.settings: ... (rate_limit)
    """

    max_messages: int = 3
    window: timedelta = timedelta(hours=1)

    def __attrs_post_init__(self) -> None:
        if (
            not isinstance(self.max_messages, int)
            or isinstance(self.max_messages, bool)
            or self.max_messages < 1
            or not isinstance(self.window, timedelta)
            or self.window <= timedelta(0)
        ):
            raise _bad(
                "rate_limit",
                "Omejitev potrebuje vsaj 1 sporočilo in pozitivno okno.",
                "A rate limit needs at least 1 message and a positive window.",
            )


def _keys(value: Sequence[bytes] | bytes) -> tuple[bytes, ...]:
    return check_keys(value)


@attrs.frozen(kw_only=True, repr=False)
class NotifySettings:
    """An organisation's notification settings.

    Attributes:
        sender: The e-mail sender address.
        signing_keys: Secret keys for the signed links (each at least 32
            bytes; the first signs, every one verifies: add a new key first,
            drop the old one later).  Never shown by ``repr()``.
        link_base: The portal's address the links start with
            (``https://portal.obcina.si/obvestila``): unsubscribe links are
            ``<link_base>/odjava?t=<token>``, confirmation links
            ``<link_base>/potrditev?t=<token>``.
        sender_name: The sender's display name, or None.
        sms_sender: The SMS sender id, or None (the gateway's default).
        quiet_hours: SMS quiet hours, or None for none.
        rate_limit: The per-case rate limit, or None for none.
        confirmation_lifetime: How long a confirmation code works (10 minutes,
            OWASP ASVS 5.0 §6.5.5).
        max_attempts: Wrong codes before the confirmation is locked (5).
        sms_letters: The SMS letter policy; None uses the organisation's
            (:attr:`~szo_core.model.Organisation.sms_letters`).
        sms_unsubscribe_link: Append the unsubscribe link to SMS texts too
            (off by default: it costs a part; e-mails always carry it).
    """

    sender: str
    signing_keys: tuple[bytes, ...] = attrs.field(converter=_keys)
    link_base: str
    sender_name: str | None = None
    sms_sender: str | None = None
    quiet_hours: QuietHours | None = attrs.field(factory=QuietHours)
    rate_limit: RateLimit | None = None
    confirmation_lifetime: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    sms_letters: LetterPolicy | None = None
    sms_unsubscribe_link: bool = False

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.link_base, str) or not self.link_base.startswith(
            ("https://", "http://")
        ):
            raise _bad(
                "link_base",
                "Osnova povezav mora biti naslov https:// (ali http://).",
                "The links' base must be an https:// (or http://) address.",
            )
        if self.confirmation_lifetime <= timedelta(0) or self.max_attempts < 1:
            raise _bad(
                "confirmation",
                "Koda potrebuje pozitivno veljavnost in vsaj en poskus.",
                "A code needs a positive lifetime and at least one attempt.",
            )

    def __repr__(self) -> str:
        return f"NotifySettings(link_base={self.link_base!r}, keys={len(self.signing_keys)})"
