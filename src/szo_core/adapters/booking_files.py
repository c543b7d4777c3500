"""Shared files of appointments in a folder: :class:`FolderBookingFiles`.

The :class:`~szo_core.booking.ports.BookingFiles` of the virtual counter's
file exchange.  Each file is ``<folder>/<organisation>/<appointment>/<file id>``
(the sanitised name is in the database, never on disk), written with
:func:`szo_core._files.atomic_write` (a temporary name, flushed, renamed).
Keys are checked (:func:`~szo_core.adapters.memory_booking.check_file_key`),
so no key can point outside the folder.  :meth:`FolderBookingFiles.delete_all`
removes the appointment's folder.

>>> import tempfile
>>> files = FolderBookingFiles(tempfile.mkdtemp())
>>> files.put("ue", "a1", "f1", b"%PDF-1.7")
>>> files.get("ue", "a1", "f1"), files.delete_all("ue", "a1"), files.delete_all("ue", "a1")
(b'%PDF-1.7', 1, 0)
"""

from __future__ import annotations

import os
from pathlib import Path

from szo_core._files import write_bytes, write_failed
from szo_core.adapters._common import not_found
from szo_core.adapters.memory_booking import check_file_key
from szo_core.errors import ConfigurationError

__all__ = ["FolderBookingFiles"]


class FolderBookingFiles:
    """Shared files as files under ``folder`` (see the module).

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
                sl=f"Mape za datoteke ni mogoče ustvariti ({type(exc).__name__}).",
                en=f"The file folder cannot be created ({type(exc).__name__}).",
                where=str(folder),
            ) from None

    def __repr__(self) -> str:
        return f"FolderBookingFiles({str(self.folder)!r})"

    def _dir(self, organisation_id: str, appointment_id: str) -> Path:
        check_file_key(organisation_id, appointment_id)
        return self.folder / organisation_id / appointment_id

    def put(self, organisation_id: str, appointment_id: str, file_id: str, data: bytes) -> None:
        """Store ``data``.

        Raises:
            szo_core.errors.DeliveryError: ``file.write_failed`` when the disk refuses.
        """
        check_file_key(organisation_id, appointment_id, file_id)
        folder = self._dir(organisation_id, appointment_id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failed(folder, exc) from None
        write_bytes(folder / file_id, bytes(data))

    def get(self, organisation_id: str, appointment_id: str, file_id: str) -> bytes:
        """The bytes (NotFound if none)."""
        check_file_key(organisation_id, appointment_id, file_id)
        try:
            return (self._dir(organisation_id, appointment_id) / file_id).read_bytes()
        except FileNotFoundError:
            raise not_found("booking_files", organisation_id, file_id) from None

    def delete_all(self, organisation_id: str, appointment_id: str) -> int:
        """Delete the appointment's files and folder; return how many files."""
        folder = self._dir(organisation_id, appointment_id)
        if not folder.is_dir():
            return 0
        count = 0
        for path in folder.iterdir():
            if path.is_file():
                path.unlink()
                count += 1
        folder.rmdir()
        return count
