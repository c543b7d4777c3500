"""Attachments in a folder: :class:`FolderAttachmentStore`, a file-folder attachment store.

The :class:`~szo_core.messaging.ports.AttachmentStore` of operator messaging.

Each file is ``<folder>/<organisation>/<id[:2]>/<id>``, the id being the
SHA-256 of the bytes (so a forward shares the file and the same file attached
twice is stored once).  A file is written with
:func:`szo_core._files.atomic_write` (a temporary name, flushed, renamed), so
a reader never sees half a file; ``put`` of an id that exists writes nothing.
``get`` checks the bytes against the id: a file changed on disk is
:class:`~szo_core.errors.StorageError` ``attachments.corrupt``, never served.
Keys are checked (:func:`~szo_core.messaging.attachments.check_key`), so no
id or organisation can point outside the folder.  The files hold what the
operators attached (personal data, like a mail spool); the names and the
errors hold only ids.

>>> import hashlib, tempfile
>>> store = FolderAttachmentStore(tempfile.mkdtemp())
>>> key = hashlib.sha256(b"%PDF-1.7").hexdigest()
>>> store.put("dom", key, b"%PDF-1.7")
>>> store.get("dom", key), store.exists("dom", key), store.exists("drugi", key)
(b'%PDF-1.7', True, False)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from szo_core._files import write_bytes, write_failed
from szo_core.adapters._common import not_found
from szo_core.errors import ConfigurationError, StorageError
from szo_core.messaging.attachments import check_key

__all__ = ["FolderAttachmentStore"]


class FolderAttachmentStore:
    """Attachment bytes as files under ``folder`` (see the module).

    Args:
        folder: The folder (created if missing).

    Raises:
        ConfigurationError: ``files.folder`` when the folder cannot be created.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                "files.folder",
                sl=f"Mape za priloge ni mogoče ustvariti ({type(exc).__name__}).",
                en=f"The attachment folder cannot be created ({type(exc).__name__}).",
                where=str(folder),
            ) from None

    def __repr__(self) -> str:
        return f"FolderAttachmentStore({str(self.folder)!r})"

    def _path(self, organisation_id: str, attachment_id: str) -> Path:
        check_key(organisation_id, attachment_id)
        return self.folder / organisation_id / attachment_id[:2] / attachment_id

    def put(self, organisation_id: str, attachment_id: str, data: bytes) -> None:
        """Store ``data`` under ``attachment_id`` (an id stored already is kept).

        Raises:
            szo_core.errors.DeliveryError: ``file.write_failed`` when the disk refuses.
        """
        path = self._path(organisation_id, attachment_id)
        if path.exists():
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failed(path, exc) from None
        write_bytes(path, bytes(data))

    def get(self, organisation_id: str, attachment_id: str) -> bytes:
        """The bytes (NotFound if none; ``attachments.corrupt`` if they do not match the id)."""
        path = self._path(organisation_id, attachment_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise not_found("attachments", organisation_id, attachment_id) from None
        if hashlib.sha256(data).hexdigest() != attachment_id:
            raise StorageError(
                "attachments.corrupt",
                sl="Datoteka priloge je bila spremenjena; ne ujema se s svojo oznako.",
                en="The attachment's file was changed; it does not match its id.",
                where=f"attachments {attachment_id}",
            )
        return data

    def exists(self, organisation_id: str, attachment_id: str) -> bool:
        """Whether the id is stored."""
        return self._path(organisation_id, attachment_id).is_file()
