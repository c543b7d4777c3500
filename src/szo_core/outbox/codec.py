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

from szo_core.delivery.message import EmailMessage, SmsMessage
from szo_core.errors import StorageError
from szo_core.serialization import make_converter

__all__ = ["dump_payload", "load_payload"]

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
        raise StorageError(
            "outbox.payload",
            sl="Shranjenega sporočila ni mogoče prebrati.",
            en="The stored message cannot be read.",
            where=type(exc).__name__,
        ) from None
