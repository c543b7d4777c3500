r"""Attachments: size and type limits, safe names, content checks.

A file an operator attaches is checked before it is stored
(:func:`check_upload`): its name is made safe (:func:`safe_name`), its type
comes from the name's extension and must be on the allow-list
(:data:`DEFAULT_TYPES`), its first bytes must match that type where the type
has a signature (a ``.pdf`` that is not a PDF, an ``.png`` that is an HTML
page, are refused), and the limits of :class:`AttachmentLimits` hold (size per
file, number and total size per message).  The bytes are stored under their
SHA-256 in an :class:`~szo_core.messaging.ports.AttachmentStore`, so a forward
keeps the same file without a copy.

**Safe names.**  Only the last path part is kept (no ``../``, no ``C:\``);
letters (č, š, ž and every other), digits, spaces and ``. _ - ( ) ,`` stay,
anything else (``< > " ' & ; / \``, control and bidi characters) becomes
``_``; leading dots and spaces go (no hidden files; ``.pdf`` becomes
``priloga.pdf``), Windows device names get a ``_`` in front, and the name is
cut to 120 characters keeping its extension.
Such a name can be shown or put into a header without escaping surprises,
though every HTML that shows it escapes it anyway.

>>> safe_name("../../etc/<img src=x onerror=alert(1)>.pdf")
'_img src_x onerror_alert(1)_.pdf'
>>> safe_name("navodila oddelku č.2.PDF")
'navodila oddelku č.2.PDF'
>>> ref, data = check_upload("izvid.pdf", b"%PDF-1.7 ...")
>>> ref.name, ref.content_type, ref.size, ref.id[:12]
('izvid.pdf', 'application/pdf', 12, 'cd98c5bce101')
>>> check_upload("slika.png", b"<html>")
Traceback (most recent call last):
...
szo_core.errors.InvalidFormat: messaging.attachment.content: ... (attachments[0])
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Final

import attrs

from szo_core.errors import ConfigurationError, InvalidComponent, InvalidFormat, InvalidLength
from szo_core.messaging.records import AttachmentRef

__all__ = [
    "DEFAULT_TYPES",
    "MAX_NAME_CHARS",
    "AttachmentLimits",
    "Upload",
    "check_key",
    "check_upload",
    "check_uploads",
    "safe_name",
]

MAX_NAME_CHARS: Final = 120
"""The longest stored file name."""

DEFAULT_TYPES: Final[Mapping[str, str]] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
"""The allowed extensions and their media types (no HTML, SVG or executables)."""

# The first bytes each type must start with (types not here are not checked).
_SIGNATURES: Final[Mapping[str, tuple[bytes, ...]]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    DEFAULT_TYPES[".docx"]: (b"PK\x03\x04",),
    DEFAULT_TYPES[".xlsx"]: (b"PK\x03\x04",),
    DEFAULT_TYPES[".odt"]: (b"PK\x03\x04",),
    DEFAULT_TYPES[".ods"]: (b"PK\x03\x04",),
}
_KEY_ID: Final = re.compile(r"[0-9a-f]{64}")
_KEY_ORG: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
_TEXT_TYPES: Final = frozenset({"text/plain", "text/csv"})
_ALLOWED_CHAR: Final = re.compile(r"[\w .,()\-]", re.UNICODE)
_WINDOWS_DEVICES: Final = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", re.IGNORECASE)


@attrs.frozen(kw_only=True)
class AttachmentLimits:
    """How big and of what type attachments may be.

    Attributes:
        max_file_bytes: The largest file (10 MB by default).
        max_total_bytes: The most bytes of all files of one message (20 MB).
        max_files: The most files per message (10).
        types: Allowed extensions (lower case, with the dot) and their media types.

    >>> AttachmentLimits(max_file_bytes=0)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: messaging.attachment.limits: ...
    """

    max_file_bytes: int = 10 * 1024 * 1024
    max_total_bytes: int = 20 * 1024 * 1024
    max_files: int = 10
    types: Mapping[str, str] = attrs.field(factory=lambda: dict(DEFAULT_TYPES))

    def __attrs_post_init__(self) -> None:
        for name in ("max_file_bytes", "max_total_bytes", "max_files"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigurationError(
                    "messaging.attachment.limits",
                    sl=f"Omejitev {name} mora biti celo število, vsaj 1.",
                    en=f"The limit {name} must be a whole number, at least 1.",
                    where=f"AttachmentLimits.{name}",
                )


@attrs.frozen
class Upload:
    """A file as the operator attached it: its name and bytes.

    >>> Upload("izvid.pdf", b"%PDF-1.7")
    Upload(name='izvid.pdf', size=8)
    """

    name: str
    data: bytes = attrs.field(repr=False)

    def __repr__(self) -> str:
        return f"Upload(name={safe_name(self.name)!r}, size={len(self.data)})"


def safe_name(name: str) -> str:
    r"""The file name made safe to store and show (see the module).

    >>> safe_name("  .bashrc"), safe_name("../.pdf"), safe_name("CON.txt")
    ('priloga.bashrc', 'priloga.pdf', '_CON.txt')
    >>> safe_name("a\u202etxt.exe"), safe_name("..hidden.txt")
    ('a_txt.exe', 'hidden.txt')
    """
    text = unicodedata.normalize("NFC", str(name))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(c if _ALLOWED_CHAR.fullmatch(c) else "_" for c in text)
    text = re.sub(r"\s+", " ", text).strip(" ")
    if text.startswith(".") and "." not in text.lstrip("."):
        text = "priloga." + text.lstrip(".")  # ".pdf": a name with no stem
    text = text.lstrip(". ")
    if _WINDOWS_DEVICES.fullmatch(text):
        text = "_" + text
    if len(text) > MAX_NAME_CHARS:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: MAX_NAME_CHARS - len(ext) - 1].rstrip() + "." + ext
        else:
            text = text[:MAX_NAME_CHARS]
    return text or "priloga"


def _bad(
    code: str, sl: str, en: str, index: int, kind: type[Exception] = InvalidFormat
) -> Exception:
    return kind(code, sl=sl, en=en, where=f"attachments[{index}]")  # type: ignore[call-arg]


def check_upload(
    name: str, data: bytes, *, limits: AttachmentLimits | None = None, index: int = 0
) -> tuple[AttachmentRef, bytes]:
    """Check one file; return its reference and bytes (see the module).

    Raises:
        szo_core.errors.InvalidFormat: ``messaging.attachment.type`` (the
            extension is not allowed), ``messaging.attachment.content`` (the
            bytes do not match the type).
        szo_core.errors.InvalidLength: ``messaging.attachment.size`` (empty or
            too big).
    """
    limits = limits or AttachmentLimits()
    if not isinstance(data, bytes | bytearray):
        raise _bad(
            "messaging.attachment.data",
            "Vsebina priloge mora biti bytes.",
            "An attachment's content must be bytes.",
            index,
        )
    data = bytes(data)
    clean = safe_name(name)
    extension = "." + clean.rpartition(".")[2].lower() if "." in clean else ""
    content_type = limits.types.get(extension)
    if content_type is None:
        allowed = ", ".join(sorted(limits.types))
        raise _bad(
            "messaging.attachment.type",
            f"Vrsta priloge ni dovoljena; dovoljene so: {allowed}.",
            f"The attachment's type is not allowed; allowed are: {allowed}.",
            index,
        )
    if not data or len(data) > limits.max_file_bytes:
        raise _bad(
            "messaging.attachment.size",
            f"Priloga mora imeti od 1 do {limits.max_file_bytes} bajtov.",
            f"An attachment must have 1 to {limits.max_file_bytes} bytes.",
            index,
            InvalidLength,
        )
    signatures = _SIGNATURES.get(content_type)
    looks_wrong = signatures is not None and not data.startswith(signatures)
    if content_type in _TEXT_TYPES:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            looks_wrong = True
    if looks_wrong:
        raise _bad(
            "messaging.attachment.content",
            "Vsebina priloge se ne ujema z njeno vrsto.",
            "The attachment's content does not match its type.",
            index,
        )
    ref = AttachmentRef(
        id=hashlib.sha256(data).hexdigest(), name=clean, content_type=content_type, size=len(data)
    )
    return ref, data


def check_uploads(
    uploads: tuple[Upload, ...],
    *,
    limits: AttachmentLimits | None = None,
    kept: tuple[AttachmentRef, ...] = (),
) -> tuple[tuple[AttachmentRef, bytes], ...]:
    """Check every file of a message, with the files ``kept`` from a forwarded one.

    Raises:
        szo_core.errors.InvalidComponent: ``messaging.attachment.count`` or
            ``messaging.attachment.total`` when the message's limits are passed;
            and every error of :func:`check_upload`.

    >>> check_uploads((Upload("a.txt", b"a"),) * 2, limits=AttachmentLimits(max_files=1))
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidComponent: messaging.attachment.count: ... (attachments)
    """
    limits = limits or AttachmentLimits()
    if len(uploads) + len(kept) > limits.max_files:
        raise InvalidComponent(
            "messaging.attachment.count",
            sl=f"Sporočilo sme imeti največ {limits.max_files} prilog.",
            en=f"A message may have at most {limits.max_files} attachments.",
            where="attachments",
        )
    checked = tuple(
        check_upload(u.name, u.data, limits=limits, index=i) for i, u in enumerate(uploads)
    )
    total = sum(ref.size for ref, _ in checked) + sum(ref.size for ref in kept)
    if total > limits.max_total_bytes:
        raise InvalidComponent(
            "messaging.attachment.total",
            sl=f"Priloge sporočila smejo imeti skupaj največ {limits.max_total_bytes} bajtov.",
            en=f"A message's attachments may have at most {limits.max_total_bytes} bytes in all.",
            where="attachments",
        )
    return checked


def check_key(organisation_id: str, attachment_id: str) -> None:
    """Refuse a key an attachment store cannot hold safely (every store checks the same).

    The id is the 64 hex digits of a SHA-256; the organisation's id is letters,
    digits, ``.``, ``_`` and ``-``, not starting with a dot (it names a folder).

    >>> check_key("dom", "../../etc/passwd")
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: messaging.attachment.key: ... (attachment_id)
    """
    if not isinstance(attachment_id, str) or _KEY_ID.fullmatch(attachment_id) is None:
        raise ConfigurationError(
            "messaging.attachment.key",
            sl="Oznaka priloge mora biti 64 šestnajstiških števk (SHA-256).",
            en="An attachment id must be 64 hex digits (SHA-256).",
            where="attachment_id",
        )
    if not isinstance(organisation_id, str) or _KEY_ORG.fullmatch(organisation_id) is None:
        raise ConfigurationError(
            "messaging.attachment.key",
            sl="Oznaka organizacije za priloge sme imeti črke, števke in . _ - (ne na začetku .).",
            en="An organisation id for attachments may have letters, digits and . _ - "
            "(no leading dot).",
            where="organisation_id",
        )
