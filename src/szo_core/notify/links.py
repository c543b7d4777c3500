"""Signed links: unsubscribe from a message, confirm an address, without logging in.

A link carries a short token: the purpose, the organisation, the subscription,
the channel and (for a confirmation) the code, signed with HMAC-SHA256 under
a key the organisation keeps secret and passes in.  :func:`verify` refuses a
token that was changed in any way, signed with another key, made for another
purpose, or malformed: :class:`~szo_core.notify.errors.LinkInvalid`
(``notify.link_invalid``), which says nothing about what was wrong.

Why the standard library and not itsdangerous: the project has no signing
library yet, the token needs only HMAC-SHA256, URL-safe base64 and
:func:`hmac.compare_digest`, and a key passed in by the caller (several, for
rotation: the first signs, each verifies) keeps the secret out of any global
state.  Unsubscribe links do not expire (a message read months later must
still work); a confirmation's lifetime is checked by the stored confirmation.

>>> key = b"k" * 32
>>> token = sign(key, LinkPayload(purpose="unsubscribe", organisation_id="obcina",
...                               subscription_id="s1", channel="email"))
>>> verify([key], token, "unsubscribe").subscription_id
's1'
>>> verify([b"another key, also 32 bytes long!"], token, "unsubscribe")
Traceback (most recent call last):
...
szo_core.notify.errors.LinkInvalid: notify.link_invalid: ... (unsubscribe)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Final, Literal

import attrs

from szo_core.errors import ConfigurationError
from szo_core.notify.errors import LinkInvalid

__all__ = ["MIN_KEY_BYTES", "LinkPayload", "check_keys", "sign", "verify"]

MIN_KEY_BYTES: Final = 32
"""The shortest signing key accepted (bytes): 256 bits, as HMAC-SHA256's output."""

Purpose = Literal["unsubscribe", "confirm"]


@attrs.frozen(kw_only=True)
class LinkPayload:
    """What a signed link says.

    Attributes:
        purpose: ``unsubscribe`` or ``confirm``.
        organisation_id: The organisation.
        subscription_id: The subscription.
        channel: ``email`` or ``sms``.
        code: The confirmation code (confirm links), else empty.
    """

    purpose: Purpose
    organisation_id: str
    subscription_id: str
    channel: str
    code: str = attrs.field(default="", repr=False)


def check_keys(keys: Sequence[bytes] | bytes) -> tuple[bytes, ...]:
    """The keys as a tuple; refuse none, or one shorter than :data:`MIN_KEY_BYTES`.

    >>> check_keys([b"short"])
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: notify.key: ... (signing_keys)
    """
    found = (keys,) if isinstance(keys, bytes) else tuple(keys)
    if not found or not all(isinstance(k, bytes) and len(k) >= MIN_KEY_BYTES for k in found):
        raise ConfigurationError(
            "notify.key",
            sl=f"Ključ za podpis povezav mora imeti vsaj {MIN_KEY_BYTES} bajtov.",
            en=f"A link-signing key must have at least {MIN_KEY_BYTES} bytes.",
            where="signing_keys",
        )
    return found


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, b"szo-notify-link\x00" + body.encode("ascii"), hashlib.sha256).digest()


def sign(key: bytes, payload: LinkPayload) -> str:
    """The token of ``payload`` signed with ``key``: ``<base64 body>.<base64 mac>``."""
    check_keys((key,))
    data = [
        payload.purpose,
        payload.organisation_id,
        payload.subscription_id,
        payload.channel,
        payload.code,
    ]
    body = _b64(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_b64(_mac(key, body))}"


def _invalid(purpose: str) -> LinkInvalid:
    return LinkInvalid(
        "notify.link_invalid",
        sl="Povezava ni veljavna (spremenjena ali ni naša).",
        en="The link is not valid (changed, or not ours).",
        where=purpose,
    )


def verify(keys: Sequence[bytes], token: str, purpose: Purpose) -> LinkPayload:
    """The payload of ``token`` if one of ``keys`` signed it for ``purpose``; else raise.

    Raises:
        szo_core.notify.errors.LinkInvalid: ``notify.link_invalid``.
        szo_core.errors.ConfigurationError: ``notify.key`` for unusable keys.
    """
    found = check_keys(keys)
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 2000:
        raise _invalid(purpose)
    body, _, mac = token.partition(".")
    try:
        given = _unb64(mac)
        body.encode("ascii")
    except (binascii.Error, ValueError, UnicodeError):
        raise _invalid(purpose) from None
    if not any(hmac.compare_digest(_mac(key, body), given) for key in found):
        raise _invalid(purpose)
    try:
        data = json.loads(_unb64(body).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeError):
        raise _invalid(purpose) from None
    if (
        not isinstance(data, list)
        or len(data) != 5
        or not all(isinstance(x, str) for x in data)
        or data[0] != purpose
    ):
        raise _invalid(purpose)
    return LinkPayload(
        purpose=purpose,
        organisation_id=data[1],
        subscription_id=data[2],
        channel=data[3],
        code=data[4],
    )
