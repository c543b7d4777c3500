"""The stored form of an outbox message's payload: JSON, through cattrs.

:func:`dump_payload` turns an :class:`~szo_core.delivery.message.EmailMessage`
(attachments included, their bytes in base64) or an
:class:`~szo_core.delivery.message.SmsMessage` into JSON text;
:func:`load_payload` reads it back exactly.  Both SQL and memory stores keep
this text, so what a dispatcher sends is what was stored.

>>> from szo_core.delivery.message import Attachment, EmailMessage
>>> mail = EmailMessage(sender="v@vrtec.si", to="a@example.si", subject="Račun", text="T",
...                     attachments=(Attachment("račun.pdf", b"%PDF-1.4", "application/pdf"),))
>>> load_payload(dump_payload(mail), EmailMessage) == mail
True
"""

from __future__ import annotations

import base64
import functools
import json
from typing import TypeVar

import cattrs

from szo_core.delivery.message import Channel, EmailMessage, SmsMessage
from szo_core.errors import StorageError
from szo_core.outbox.seal import SealedMessage
from szo_core.serialization import make_converter

__all__ = ["dump_payload", "dump_stored", "load_payload", "load_stored"]

M = TypeVar("M", EmailMessage, SmsMessage)


def _structure_bytes(value: object, _: type[bytes]) -> bytes:
    if not isinstance(value, str):
        raise TypeError("expected base64 text")
    return base64.b64decode(value.encode("ascii"), validate=True)


@functools.cache
def _converter() -> cattrs.Converter:
    converter = make_converter()
    converter.register_unstructure_hook(bytes, lambda b: base64.b64encode(b).decode("ascii"))
    converter.register_structure_hook(bytes, _structure_bytes)
    return converter


def dump_payload(message: EmailMessage | SmsMessage) -> str:
    """The message as compact JSON text."""
    data = _converter().unstructure(message)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def dump_stored(message: EmailMessage | SmsMessage | SealedMessage) -> str:
    """What a store keeps for an outbox message: :func:`dump_payload`, or the sealed form.

    A :class:`~szo_core.outbox.seal.SealedMessage` is kept as
    ``{"sealed": 1, "to": [...], "token": "..."}`` in the same text column (no
    clear text of it is stored).

    >>> from szo_core.delivery.message import Channel
    >>> text = dump_stored(SealedMessage(channel=Channel.SMS, to="+38641123456", token="gAAAA"))
    >>> text
    '{"sealed":1,"to":["+38641123456"],"token":"gAAAA"}'
    >>> load_stored(text, Channel.SMS).token
    'gAAAA'
    """
    if isinstance(message, SealedMessage):
        data = {"sealed": 1, "to": list(message.to), "token": message.token}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return dump_payload(message)


def load_stored(text: str, channel: Channel) -> EmailMessage | SmsMessage | SealedMessage:
    """Read what :func:`dump_stored` wrote for a message of ``channel``.

    Raises:
        szo_core.errors.StorageError: ``outbox.payload`` when the text is not
            one (the text is not quoted).
    """
    if text.startswith('{"sealed":'):
        try:
            data = json.loads(text)
            return SealedMessage(channel=channel, to=tuple(data["to"]), token=data["token"])
        except (ValueError, TypeError, KeyError):
            raise _unreadable("sealed") from None
    if channel is Channel.EMAIL:
        return load_payload(text, EmailMessage)
    return load_payload(text, SmsMessage)


def _unreadable(where: str) -> StorageError:
    return StorageError(
        "outbox.payload",
        sl="Shranjenega sporočila ni mogoče prebrati.",
        en="The stored message cannot be read.",
        where=where,
    )


def load_payload(text: str, kind: type[M]) -> M:
    """Read a payload written by :func:`dump_payload`.

    Raises:
        szo_core.errors.StorageError: ``outbox.payload`` when the text is not a
            stored message of that kind (the text is not quoted).

    >>> load_payload("{}", SmsMessage)
    Traceback (most recent call last):
    ...
    szo_core.errors.StorageError: outbox.payload: ...
    """
    try:
        return _converter().structure(json.loads(text), kind)
    except (ValueError, TypeError) as exc:
        raise _unreadable(type(exc).__name__) from None
