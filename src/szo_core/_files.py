"""Writing output files whole or not at all.

Every file szo_core writes to a path (statements, payment files, QR images,
invoices) goes through :func:`atomic_write`: the bytes go to a temporary file
beside the target, are flushed to disk, and only then is the temporary file
renamed over the target.  A full disk, a permission error or a killed process
leaves the previous file (or none) and never a truncated one; the temporary
file is removed on any error.  The file gets the mode a new file would get
(``0o666`` less the process's umask), not the ``0o600`` of :mod:`tempfile`.

An ``OSError`` while writing becomes a :class:`~szo_core.errors.DeliveryError`
``file.write_failed`` naming the file and the system's error (``ENOSPC``,
``EACCES``); the file name is the caller's, never personal data.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "out.txt") as handle:
...     _ = handle.write(b"complete")
>>> (folder / "out.txt").read_bytes()
b'complete'
>>> sorted(p.name for p in folder.iterdir())
['out.txt']
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from szo_core.errors import DeliveryError

__all__ = ["atomic_write", "write_bytes", "write_failed"]


def write_failed(target: Path | str, exc: OSError) -> DeliveryError:
    """The error for an ``OSError`` while writing ``target``."""
    name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    return DeliveryError(
        "file.write_failed",
        sl=f"Datoteke ni bilo mogoče zapisati ({name}); prejšnja vsebina je ostala.",
        en=f"The file could not be written ({name}); its previous content is unchanged.",
        where=str(target),
    )


_counter = itertools.count()


@contextlib.contextmanager
def atomic_write(target: Path | str, *, fsync: bool = True) -> Iterator[BinaryIO]:
    """Open a binary handle whose bytes replace ``target`` only when the block ends well.

    The temporary file is ``.<name>.<pid>-<n>.tmp`` beside the target (one left by
    a killed process with the same id is replaced); after the rename the folder
    is synced too, so the rename survives a power cut (POSIX).

    Args:
        target: The file to write.
        fsync: Flush the bytes and the rename to the disk (default True).

    Raises:
        szo_core.errors.DeliveryError: ``file.write_failed`` for an ``OSError``
            (the disk is full, no permission, no such folder).  Any other
            exception from the block is re-raised as it is.  In both cases the
            target is unchanged and the temporary file is gone.
    """
    path = Path(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        while True:
            temporary = path.with_name(f".{path.name}.{os.getpid()}-{next(_counter)}.tmp")
            try:
                # os.open applies the umask to 0o666, as creating the file directly would
                descriptor = os.open(temporary, flags, 0o666)
                break
            except FileExistsError:  # left by a killed process with the same id
                temporary.unlink()
    except OSError as exc:
        raise write_failed(path, exc) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise write_failed(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if fsync:
        _sync_folder(path.parent)


def write_bytes(target: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``target`` with :func:`atomic_write`; return the path.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_bytes(Path(tmp) / "a.txt", b"hello").read_bytes()
    b'hello'
    """
    with atomic_write(target) as handle:
        handle.write(data)
    return Path(target)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
