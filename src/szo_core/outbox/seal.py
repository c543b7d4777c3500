"""Sealed outbox messages: secrets that must not rest in the outbox in clear.

A message that carries a secret (booking's 6-digit e-mail code and its signed
cancel, reschedule, file and survey links; a notification subscription's
confirmation code and link) is **sealed** before it is stored: the whole
e-mail or text message, attachments included, is encrypted with an
:class:`OutboxSeal` and only the :class:`SealedMessage` (its channel, its
recipients and the ciphertext) reaches ``uow.outbox``.  Whoever can read the
outbox table, a backup or a log of it, sees that a message is there and to
whom, not what it says.  The :class:`~szo_core.outbox.Dispatcher` opens the
message just before it hands it to the sender, with the same seal; the opened
text lives only in the dispatcher's memory.

The encryption is `cryptography`'s Fernet (AES-128-CBC with HMAC-SHA256,
authenticated, with its own time stamp), not written here.  An
:class:`OutboxSeal` is made from one or more **secrets** (32 bytes or more,
kept outside the database, like every other key of the SDK): each secret is
stretched with HKDF-SHA256 into its own Fernet key, the first seals, all of them
open, so a secret is rotated by putting the new one first and dropping the old
one once nothing sealed with it is still queued.  A sealed message that no key
opens is not sent: it fails temporarily with ``outbox.sealed`` (the operator
fixes the keys and it goes out on the next attempt, or it is given up after the
retry time, as any other failure).

The ciphertext stays in the outbox after sending, as every payload does; the
secrets it holds have expired by then (a booking code lives 10 minutes, a
confirmation 24 hours, a signed link until its appointment).

It needs the ``seal`` extra (``cryptography``; the ``booking`` extra brings it).

>>> from datetime import UTC, datetime
>>> from szo_core.delivery.message import EmailMessage
>>> from szo_core.outbox.records import Channel, IdempotencyKey, new_message
>>> seal = OutboxSeal([b"k" * 32])
>>> mail = EmailMessage(sender="ue@gov.si", to="ana@example.si", subject="Koda",
...                     text="Vaša koda je 123456.")
>>> queued = new_message("ue", IdempotencyKey("code:1", "ana@example.si", Channel.EMAIL), mail,
...                      now=datetime(2026, 12, 3, tzinfo=UTC), seal=seal)
>>> queued.sealed, "123456" in queued.message.token
(True, False)
>>> seal.open(queued.message).text
'Vaša koda je 123456.'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from szo_core.delivery.addresses import mask_email, mask_phone
from szo_core.delivery.message import Channel, EmailMessage, SmsMessage
from szo_core.errors import ConfigurationError

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

__all__ = ["SEAL_KEYS_ENV", "OutboxSeal", "SealedMessage", "UnsealError"]

#: The environment variable ``szo outbox run`` and the outbox worker read the
#: seal's secrets from: one or more secrets, separated by commas or white space,
#: each as ``base64:<text>`` or ``hex:<text>`` (32 bytes or more), newest first.
SEAL_KEYS_ENV = "SZO_OUTBOX_KEYS"

_INFO = b"szo-core outbox seal v1"
_MIN_SECRET = 32


def _tuple(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _check_channel(instance: object, attribute: attrs.Attribute[Channel], value: object) -> None:
    if not isinstance(value, Channel):
        raise ConfigurationError(
            "outbox.sealed_channel",
            sl="Zapečateno sporočilo potrebuje kanal (e-pošta ali SMS).",
            en="A sealed message needs a channel (e-mail or SMS).",
            where=attribute.name,
        )


@attrs.frozen(kw_only=True, repr=False)
class SealedMessage:
    """An e-mail or text message encrypted by an :class:`OutboxSeal`.

    Attributes:
        channel: E-mail or SMS: what :meth:`OutboxSeal.open` gives back.
        to: The recipients, as the message had them (the outbox key names the
            recipient anyway; an audit needs them without opening the message).
        token: The Fernet token (ASCII text): the message, its ``Message-ID``
            or reference and its attachments, encrypted and authenticated.

    ``repr()`` masks the recipients and shows only the token's length:

    >>> SealedMessage(channel=Channel.SMS, to="+38641123456", token="gAAAA")
    SealedMessage(channel='sms', to=('+386*****456',), token=<5 characters>)
    """

    channel: Channel = attrs.field(validator=_check_channel)
    to: tuple[str, ...] = attrs.field(converter=_tuple)
    token: str

    def __repr__(self) -> str:
        mask = mask_email if self.channel is Channel.EMAIL else mask_phone
        masked = tuple(mask(x) for x in self.to)
        return (
            f"SealedMessage(channel={self.channel.value!r}, to={masked!r}, "
            f"token=<{len(self.token)} characters>)"
        )


class UnsealError(ConfigurationError):
    """No key of the seal opens a sealed message (``outbox.sealed``)."""


def _secret(value: bytes | str, where: str) -> bytes:
    if isinstance(value, str):
        value = _decode(value, where)
    if not isinstance(value, bytes) or len(value) < _MIN_SECRET:
        raise ConfigurationError(
            "outbox.seal_key",
            sl=f"Ključ za pečatenje sporočil mora imeti vsaj {_MIN_SECRET} bajtov.",
            en=f"An outbox seal secret must have at least {_MIN_SECRET} bytes.",
            where=where,
        )
    return value


def _decode(text: str, where: str) -> bytes:
    import base64
    import binascii

    kind, _, body = text.strip().partition(":")
    try:
        if kind == "base64":
            return base64.b64decode(body, validate=True)
        if kind == "hex":
            return bytes.fromhex(body)
    except (binascii.Error, ValueError):
        pass
    raise ConfigurationError(
        "outbox.seal_key",
        sl="Ključ za pečatenje sporočil mora biti zapisan kot base64:… ali hex:….",
        en="An outbox seal secret must be written as base64:… or hex:….",
        where=where,
    )


def _need_cryptography() -> Any:
    try:
        from cryptography import fernet
    except ImportError:  # pragma: no cover - the extra is installed in the test environment
        raise ConfigurationError(
            "outbox.seal_extra",
            sl="Za pečatenje sporočil namestite szo_core[seal].",
            en="Sealing outbox messages needs szo_core[seal] (cryptography).",
            where="cryptography",
        ) from None
    return fernet


class OutboxSeal:
    """Encrypts messages for the outbox and opens them for the dispatcher.

    Args:
        secrets: One or more secrets of at least 32 bytes (``bytes``, or text
            written as ``base64:…`` / ``hex:…``), the newest first: the first
            seals, every one opens.

    Raises:
        szo_core.errors.ConfigurationError: ``outbox.seal_key`` for no secret
            or a short or unreadable one, ``outbox.seal_extra`` without the
            ``seal`` extra.

    >>> OutboxSeal([b"short"])
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: outbox.seal_key: ...
    >>> OutboxSeal(["hex:" + "ab" * 32, b"x" * 40])
    OutboxSeal(keys=2)
    """

    def __init__(self, secrets: Iterable[bytes | str]) -> None:
        keys = tuple(_secret(s, f"secrets[{i}]") for i, s in enumerate(secrets))
        if not keys:
            raise ConfigurationError(
                "outbox.seal_key",
                sl="Pečat potrebuje vsaj en ključ.",
                en="A seal needs at least one secret.",
                where="secrets",
            )
        self._secrets = keys
        self._fernet: MultiFernet = _multi(keys)

    def __repr__(self) -> str:
        return f"OutboxSeal(keys={len(self._secrets)})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OutboxSeal | None:
        """The seal whose secrets :data:`SEAL_KEYS_ENV` holds, or None when it is unset.

        >>> OutboxSeal.from_env({"SZO_OUTBOX_KEYS": "hex:" + "01" * 32})
        OutboxSeal(keys=1)
        >>> OutboxSeal.from_env({}) is None
        True
        """
        text = (os.environ if environ is None else environ).get(SEAL_KEYS_ENV, "").strip()
        if not text:
            return None
        parts = [p for p in text.replace(",", " ").split() if p]
        return cls(parts)

    def __add__(self, other: OutboxSeal) -> OutboxSeal:
        """A seal that opens what either opens (this one's first key seals).

        >>> OutboxSeal([b"a" * 32]) + OutboxSeal([b"b" * 32])
        OutboxSeal(keys=2)
        """
        if not isinstance(other, OutboxSeal):
            return NotImplemented
        extra = [s for s in other._secrets if s not in self._secrets]
        return OutboxSeal([*self._secrets, *extra])

    def seal(self, message: EmailMessage | SmsMessage) -> SealedMessage:
        """``message`` encrypted (its ``Message-ID`` / reference and attachments too)."""
        from szo_core.outbox.codec import dump_payload

        if isinstance(message, EmailMessage):
            channel, to = Channel.EMAIL, message.to
        elif isinstance(message, SmsMessage):
            channel, to = Channel.SMS, (message.to,)
        else:
            raise ConfigurationError(
                "outbox.channel",
                sl="Zapečatiti je mogoče le e-pošto ali SMS.",
                en="Only an e-mail or a text message can be sealed.",
                where="message",
            )
        token = self._fernet.encrypt(dump_payload(message).encode("utf-8"))
        return SealedMessage(channel=channel, to=to, token=token.decode("ascii"))

    def open(self, sealed: SealedMessage) -> EmailMessage | SmsMessage:
        """The message ``sealed`` holds.

        Raises:
            UnsealError: ``outbox.sealed`` when no key of this seal opens it
                (another seal, a dropped key or a changed token).

        >>> a, b = OutboxSeal([b"a" * 32]), OutboxSeal([b"b" * 32])
        >>> b.open(a.seal(SmsMessage(to="+38641123456", text="Koda 123456")))
        Traceback (most recent call last):
        ...
        szo_core.outbox.seal.UnsealError: outbox.sealed: ...
        """
        from szo_core.outbox.codec import load_payload

        fernet = _need_cryptography()
        try:
            clear = self._fernet.decrypt(sealed.token.encode("ascii"))
        except (fernet.InvalidToken, UnicodeEncodeError):
            raise UnsealError(
                "outbox.sealed",
                sl="Zapečatenega sporočila ni mogoče odpreti z nobenim od ključev.",
                en="No key of the seal opens the sealed message.",
                where="token",
            ) from None
        text = clear.decode("utf-8")
        if sealed.channel is Channel.EMAIL:
            return load_payload(text, EmailMessage)
        return load_payload(text, SmsMessage)


def _multi(secrets: tuple[bytes, ...]) -> MultiFernet:
    import base64

    _need_cryptography()
    from cryptography.fernet import Fernet, MultiFernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    keys = []
    for secret in secrets:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
        keys.append(Fernet(base64.urlsafe_b64encode(derived)))
    return MultiFernet(keys)
