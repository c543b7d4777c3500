"""Delivery into a folder: e-mails as ``.eml`` files, SMS as JSON lines.

The embedded default (``szo outbox run`` without a server, the demo): nothing
leaves the machine, and every message can be opened afterwards, an ``.eml`` in
any mail client, ``sms.jsonl`` in any editor.

* :class:`FileMailSender` writes one ``.eml`` file per e-mail (the bytes
  :func:`szo_core.delivery.mime.message_bytes` builds, dated by the clock).
  Each file is written under a temporary name in the same folder, flushed to
  disk and then renamed, so a reader never sees half a message.  The names
  sort by time and never clash: ``20261001T083000.000000Z-000001-<random>.eml``
  (the clock's UTC time to the microsecond, a counter of this sender, 12
  random hex digits).  With ``names="message-id"`` a file is named after the
  message's ``Message-ID`` instead (``r-1_vrtec.si.eml``): the same messages
  give the same files, as the demo needs; a second message with the same id
  is then refused (``files.exists``, permanent).
* :class:`FileSmsSender` appends one JSON object per SMS to ``sms.jsonl``,
  each line written with a single ``write`` on a file opened for appending,
  so lines from several senders never interleave.  A number is checked with
  :func:`~szo_core.delivery.addresses.validate_mobile` first; a bad one is a
  ``PERMANENT`` result (its code and the message's ``reference``, never the number).

These files *are* the delivered messages, so they hold the full addresses and
numbers (like a mail server's spool); the logs and the results do not.  A
failure to write (a full disk, no permission) is ``TEMPORARY`` (``files.io``).

>>> import tempfile
>>> from datetime import UTC, datetime
>>> from pathlib import Path
>>> from szo_core.adapters.memory import ManualClock
>>> from szo_core.delivery.message import EmailMessage, SmsMessage
>>> folder = Path(tempfile.mkdtemp())
>>> clock = ManualClock(datetime(2026, 10, 1, 8, 30, tzinfo=UTC))
>>> mail = EmailMessage(sender="vrtec@example.si", to="ana@example.si", subject="Račun",
...                     text="V prilogi.", message_id="<r-1@vrtec.si>")
>>> FileMailSender(folder, clock=clock).send([mail])[0].message_id
'<r-1@vrtec.si>'
>>> [p.name[:24] for p in folder.glob("*.eml")]
['20261001T083000.000000Z-']
>>> sms = FileSmsSender(folder, clock=clock)
>>> [r.status.value for r in sms.send([SmsMessage(to="041 123 456", text="Termin je potrjen."),
...                                     SmsMessage(to="01 234 56 78", text="x")])]
['sent', 'permanent']
>>> [(line["to"], line["parts"]) for line in sms.read()]
[('+38641123456', 1)]
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import threading
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import Literal

from szo_core.adapters.clock import SystemClock
from szo_core.delivery.message import DeliveryStatus, EmailMessage, SendResult, SmsMessage
from szo_core.errors import ConfigurationError, ValidationError
from szo_core.ports import Clock

__all__ = ["SMS_FILE", "FileMailSender", "FileSmsSender"]

log = logging.getLogger(__name__)

SMS_FILE = "sms.jsonl"
"""The name of the SMS file in the folder."""


def _folder(folder: str | os.PathLike[str]) -> Path:
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            "files.folder",
            sl="Mape za sporočila ni mogoče ustvariti.",
            en="The folder for messages cannot be created.",
            where=type(exc).__name__,
        ) from None
    return path


def _io_failure(exc: OSError, message_id: str | None) -> SendResult:
    log.warning("files: cannot write (%s)", type(exc).__name__)
    return SendResult(
        DeliveryStatus.TEMPORARY,
        message_id=message_id,
        code="files.io",
        detail=f"cannot write: {type(exc).__name__}",
    )


class FileMailSender:
    """A :class:`~szo_core.ports.MailSender` that writes ``.eml`` files (see the module docs).

    Args:
        folder: The folder (created if missing).
        clock: The clock for the ``Date`` header and the file names.
        names: ``"unique"`` (time, counter, random digits; the default) or
            ``"message-id"`` (from the ``Message-ID``: reproducible).
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        clock: Clock | None = None,
        names: Literal["unique", "message-id"] = "unique",
    ) -> None:
        if names not in ("unique", "message-id"):
            raise ConfigurationError(
                "files.names",
                sl="Način poimenovanja datotek je lahko le unique ali message-id.",
                en="File names can only be unique or message-id.",
                where="names",
            )
        self.folder = _folder(folder)
        self.clock: Clock = clock or SystemClock()
        self.names = names
        self._counter = 0
        self._lock = threading.Lock()

    def _name_for(self, message_id: str) -> str:
        if self.names == "message-id":
            safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in message_id.strip("<>"))
            return f"{safe}.eml"
        return self._name()

    def _name(self) -> str:
        with self._lock:
            self._counter += 1
            counter = self._counter
        stamp = self.clock.now().astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        return f"{stamp}-{counter:06d}-{secrets.token_hex(6)}.eml"

    def send(self, messages: Sequence[EmailMessage]) -> tuple[SendResult, ...]:
        """Write one file per message; one result per message, in order."""
        from szo_core.delivery.mime import to_mime

        results: list[SendResult] = []
        for message in messages:
            try:
                mime = to_mime(message, now=self.clock.now())
            except ValidationError as exc:
                results.append(
                    SendResult(
                        DeliveryStatus.PERMANENT,
                        message_id=message.message_id,
                        code=exc.code,
                        detail=exc.message("en"),
                    )
                )
                continue
            message_id = str(mime["Message-ID"])
            name = self._name_for(message_id)
            if self.names == "message-id" and (self.folder / name).exists():
                results.append(
                    SendResult(
                        DeliveryStatus.PERMANENT,
                        message_id=message_id,
                        code="files.exists",
                        detail="a message with this Message-ID is in the folder already",
                    )
                )
                continue
            temporary = self.folder / f".{name}.tmp"
            try:
                with open(temporary, "xb") as file:
                    file.write(mime.as_bytes())
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.folder / name)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)
                results.append(_io_failure(exc, message_id))
                continue
            results.append(SendResult(DeliveryStatus.SENT, message_id=message_id))
        return tuple(results)

    def files(self) -> tuple[Path, ...]:
        """The ``.eml`` files written so far (by any sender to this folder), oldest first."""
        return tuple(sorted(self.folder.glob("*.eml")))


class FileSmsSender:
    """A :class:`~szo_core.ports.SmsSender` that appends JSON lines (see the module docs).

    Each line has ``id`` (``sms-`` and 16 random hex digits, the result's
    ``message_id``), ``time`` (ISO, from the clock), ``to`` (E.164), ``sender``,
    ``reference``, ``text``, ``parts`` and ``encoding``.

    Args:
        folder: The folder (created if missing); the file is :data:`SMS_FILE`.
        clock: The clock for ``time``.
        allow_foreign: Accept mobile numbers of other countries.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        clock: Clock | None = None,
        allow_foreign: bool = False,
    ) -> None:
        self.folder = _folder(folder)
        self.path = self.folder / SMS_FILE
        self.clock: Clock = clock or SystemClock()
        self.allow_foreign = allow_foreign

    def send(self, messages: Sequence[SmsMessage]) -> tuple[SendResult, ...]:
        """Append one line per message; one result per message, in order."""
        from szo_core.delivery.addresses import validate_mobile
        from szo_core.delivery.sms import sms_cost

        results: list[SendResult] = []
        for index, message in enumerate(messages):
            where = f"SmsMessage[{message.reference or index}].to"
            try:
                number = validate_mobile(message.to, where=where, allow_foreign=self.allow_foreign)
                cost = sms_cost(message.text)
            except ValidationError as exc:
                results.append(
                    SendResult(DeliveryStatus.PERMANENT, code=exc.code, detail=exc.message("en"))
                )
                continue
            identifier = f"sms-{secrets.token_hex(8)}"
            line = {
                "id": identifier,
                "time": self.clock.now().isoformat(),
                "to": number,
                "sender": message.sender,
                "reference": message.reference,
                "text": message.text,
                "parts": cost.parts,
                "encoding": cost.encoding.value,
            }
            data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
            try:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    written = os.write(descriptor, data)
                    if written != len(data):  # pragma: no cover - a local file takes it whole
                        raise OSError("short write")
                finally:
                    os.close(descriptor)
            except OSError as exc:
                results.append(_io_failure(exc, None))
                continue
            results.append(SendResult(DeliveryStatus.SENT, message_id=identifier))
        return tuple(results)

    def read(self) -> tuple[dict[str, object], ...]:
        """The lines written so far, as dicts, oldest first (none when there is no file)."""
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return ()
        return tuple(json.loads(line) for line in text.splitlines() if line.strip())
