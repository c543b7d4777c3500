"""The 6-digit e-mail code that confirms a hold (OWASP ASVS 5.0 V6, see the docs).

* **Generated** with :func:`secrets.randbelow` (a CSPRNG): 10⁶ codes, about 20 bits.
* **Stored hashed**: HMAC-SHA256 under the desk's secret key (a *pepper*,
  passed in, never stored with the data) of ``hold id + ":" + code``, with a
  fresh 16-byte random salt per code.  Why not scrypt: a 6-digit code has
  only 10⁶ values, so a slow hash of a leaked table still falls to 10⁶
  tries; the key held outside the database is what makes a leaked table
  useless, and HMAC costs microseconds per check instead of tens of
  milliseconds of CPU per confirmation on a busy counter.
* **Bound to the hold**: the hold's id is inside the HMAC, so a code sent for
  another hold never matches, even if both codes are the same digits.
* **Compared in constant time**: :func:`hmac.compare_digest`.
* **Valid 10 minutes, usable once, 5 attempts, 3 sends**: enforced by
  :class:`~szo_core.booking.service.BookingDesk`, with :class:`CodePolicy`.

>>> salt, digest = hash_code(b"k" * 32, "hold-1", "123456")
>>> check_code(b"k" * 32, "hold-1", "123456", salt, digest)
True
>>> check_code(b"k" * 32, "hold-2", "123456", salt, digest)
False
>>> len(new_code()), new_code().isdigit()
(6, True)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

import attrs

from szo_core.errors import ConfigurationError

__all__ = ["CodePolicy", "check_code", "hash_code", "new_code"]


def _positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    ok = (
        value > timedelta(0)
        if isinstance(value, timedelta)
        else isinstance(value, int) and not isinstance(value, bool) and value >= 1
    )
    if not ok:
        raise ConfigurationError(
            "booking.code_policy",
            sl=f"{attribute.name} mora biti pozitiven.",
            en=f"{attribute.name} must be positive.",
            where=f"CodePolicy.{attribute.name}",
        )


@attrs.frozen(kw_only=True)
class CodePolicy:
    """How long codes and holds last and how often one may try.

    Attributes:
        code_valid: How long a code is valid (10 minutes, ASVS 6.5.5).
        hold: How long an unconfirmed hold keeps the slot (15 minutes).
        max_attempts: Wrong codes before the hold is released (5).
        max_sends: Codes sent per hold, the first included (3): against e-mail bombing.
        resend_after: The least time between two sends (1 minute).
        max_holds: Live holds one e-mail address may have in an organisation
            at once (2): one address cannot block a day's slots, nor have
            codes sent to someone else's address over and over.
    """

    code_valid: timedelta = attrs.field(default=timedelta(minutes=10), validator=_positive)
    hold: timedelta = attrs.field(default=timedelta(minutes=15), validator=_positive)
    max_attempts: int = attrs.field(default=5, validator=_positive)
    max_sends: int = attrs.field(default=3, validator=_positive)
    resend_after: timedelta = attrs.field(default=timedelta(minutes=1), validator=_positive)
    max_holds: int = attrs.field(default=2, validator=_positive)


def new_code() -> str:
    """A fresh 6-digit code from the operating system's CSPRNG."""
    return f"{secrets.randbelow(10**6):06d}"


def _mac(key: bytes, salt: bytes, hold_id: str, code: str) -> bytes:
    return hmac.new(key, salt + hold_id.encode() + b":" + code.encode(), hashlib.sha256).digest()


def hash_code(key: bytes, hold_id: str, code: str) -> tuple[str, str]:
    """A new salt and the HMAC of ``code`` for ``hold_id``, both as hex."""
    salt = secrets.token_bytes(16)
    return salt.hex(), _mac(key, salt, hold_id, code).hex()


def check_code(key: bytes, hold_id: str, code: str, salt: str, digest: str) -> bool:
    """True when ``code`` is the one hashed for ``hold_id`` (constant-time comparison)."""
    if not isinstance(code, str) or not salt or not digest:
        return False
    given = _mac(key, bytes.fromhex(salt), hold_id, code.strip())
    return hmac.compare_digest(given, bytes.fromhex(digest))
