"""Signed links (cancel, reschedule, files, survey) and the meeting link provider.

A token is ``<payload>.<mac>``, both base64url without padding: the payload
is ``purpose|organisation|appointment|expiry`` (expiry in Unix seconds) and
the MAC is HMAC-SHA256 of it under a key passed in (stdlib :mod:`hmac`; the
project has no signing library, and this needs none).  A token for one
purpose does not open another, a changed or expired token is refused with
:class:`LinkError`, and the MAC is compared in constant time.  The service
checks the appointment's state as well (a cancelled booking's old link
reschedules nothing).

>>> from datetime import UTC, datetime, timedelta
>>> signer = LinkSigner(b"s" * 32)
>>> now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
>>> token = signer.sign("cancel", "ue", "a1", now + timedelta(days=3))
>>> signer.verify(token, "cancel", now=now)
('ue', 'a1')
>>> signer.verify(token, "survey", now=now)
Traceback (most recent call last):
...
szo_core.booking.links.LinkError: booking.link: ... (link)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from datetime import UTC, datetime
from typing import Final, Protocol
from urllib.parse import quote

from szo_core.booking.records import Appointment, Office
from szo_core.errors import ConfigurationError, ValidationError

__all__ = ["PURPOSES", "LinkError", "LinkSigner", "MeetingLinks", "TemplateMeetingLinks"]

PURPOSES: Final = frozenset({"cancel", "reschedule", "files", "survey", "official"})
"""What a token may open (``official``: the official's side of the file exchange)."""


class LinkError(ValidationError):
    """A signed link that is changed, expired, or for something else."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _refused() -> LinkError:
    return LinkError(
        "booking.link",
        sl="Povezava ni veljavna ali je potekla.",
        en="The link is not valid or has expired.",
        where="link",
    )


class LinkSigner:
    """Signs and checks link tokens with a secret key (at least 32 bytes).

    Raises:
        szo_core.errors.ConfigurationError: ``booking.key`` for a short key.
    """

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) < 32:
            raise ConfigurationError(
                "booking.key",
                sl="Ključ za podpis povezav mora imeti vsaj 32 bajtov.",
                en="The link signing key must have at least 32 bytes.",
                where="LinkSigner.key",
            )
        self._key = key

    def __repr__(self) -> str:
        return "LinkSigner(<key hidden>)"

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, b"szo-booking-link\x00" + payload, hashlib.sha256).digest()

    def sign(
        self, purpose: str, organisation_id: str, appointment_id: str, expires: datetime
    ) -> str:
        """A token for ``purpose`` on the appointment, valid until ``expires``."""
        if purpose not in PURPOSES or "|" in organisation_id + appointment_id:
            raise ConfigurationError(
                "booking.link_purpose",
                sl="Neznan namen povezave.",
                en="Unknown link purpose.",
                where="purpose",
            )
        stamp = int(expires.astimezone(UTC).timestamp())
        payload = f"{purpose}|{organisation_id}|{appointment_id}|{stamp}".encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def verify(self, token: str, purpose: str, *, now: datetime) -> tuple[str, str]:
        """The (organisation, appointment) of a valid ``token`` for ``purpose``.

        Raises:
            LinkError: ``booking.link`` when it is changed, expired or for another purpose.
        """
        try:
            payload_text, mac_text = str(token).split(".")
            payload = _unb64(payload_text)
            mac = _unb64(mac_text)
        except (ValueError, TypeError):
            raise _refused() from None
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise _refused()
        try:
            kind, organisation_id, appointment_id, stamp = payload.decode().split("|")
            expires = datetime.fromtimestamp(int(stamp), UTC)
        except (ValueError, UnicodeDecodeError):
            raise _refused() from None
        if kind != purpose or expires <= now:
            raise _refused()
        return organisation_id, appointment_id


class MeetingLinks(Protocol):
    """Gives an appointment its video meeting link (the video service is outside the SDK)."""

    def link(self, office: Office, appointment: Appointment) -> str:
        """The meeting link for ``appointment``."""
        ...


_FIELDS: Final = frozenset({"organisation", "office", "appointment"})


class TemplateMeetingLinks:
    """A meeting link from a template: ``https://video.example.si/{office}/{appointment}``.

    The placeholders are ``{organisation}``, ``{office}`` and ``{appointment}``
    (URL-quoted); the template must be an ``https://`` URL.

    >>> from datetime import UTC, datetime
    >>> links = TemplateMeetingLinks("https://video.example.si/{office}/{appointment}")
    >>> links.template
    'https://video.example.si/{office}/{appointment}'

    Raises:
        szo_core.errors.ConfigurationError: ``booking.meeting_template`` for
            another scheme or an unknown placeholder.
    """

    def __init__(self, template: str) -> None:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        if not template.startswith("https://") or not names <= _FIELDS:
            raise ConfigurationError(
                "booking.meeting_template",
                sl="Predloga povezave mora biti https:// z {organisation}, {office} in "
                "{appointment}.",
                en="The link template must be https:// with {organisation}, {office}, "
                "{appointment}.",
                where="TemplateMeetingLinks.template",
            )
        self.template = template

    def __repr__(self) -> str:
        return f"TemplateMeetingLinks({self.template!r})"

    def link(self, office: Office, appointment: Appointment) -> str:
        """The template filled in for ``appointment``."""
        return self.template.format(
            organisation=quote(appointment.organisation_id, safe=""),
            office=quote(office.id, safe=""),
            appointment=quote(appointment.id, safe=""),
        )
