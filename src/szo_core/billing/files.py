"""A run's files that survive a kill: staged before the commit, moved into place after it.

``szo bill`` writes a run's files (``statements-YYYY-MM.json``, ``.csv`` and
``lists-YYYY-MM.csv``) so that a kill at any moment leaves a state the next
call repairs:

1. :func:`stage` writes them into a staging folder beside the target
   (``OUT/.statements-YYYY-MM.staged/``), each file through a temporary file
   and a rename, and last a manifest naming the run and the files' digest;
2. :func:`~szo_core.billing.run_billing` stores the run with
   :attr:`~szo_core.billing.FilesState.STAGED` and that digest, in the run's
   transaction, and commits;
3. :func:`publish` moves the files into place (a rename on the same file
   system), records the run's files as written
   (:func:`~szo_core.billing.mark_files_written`), then removes the folder.

:func:`repair` runs first on every call.  For each staging folder: if the
stored run was staged with the manifest's digest, its files are moved into
place (those moved already are skipped) and the run is marked; a folder whose
run was never committed (a kill before the commit) is removed.  A full disk
while staging leaves no run and no file in place; a target file is never
truncated.

>>> import tempfile
>>> from pathlib import Path
>>> from szo_core.adapters.memory_billing import MemoryBillingStore
>>> with tempfile.TemporaryDirectory() as tmp:
...     repair(Path(tmp), MemoryBillingStore(), "o")
()
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
from pathlib import Path

import attrs

from szo_core.billing.export import (
    _csv_bytes,
    json_bytes,
    list_rows,
    statement_rows,
    write_bytes,
)
from szo_core.billing.ports import BillingStorage
from szo_core.billing.records import BillingResult, FilesState
from szo_core.billing.run import mark_files_written
from szo_core.calendar import Month
from szo_core.errors import Language

__all__ = [
    "MANIFEST",
    "Repaired",
    "StagedFiles",
    "Stager",
    "file_names",
    "publish",
    "repair",
    "stage",
    "staging_folder",
]

MANIFEST = "manifest.json"
"""The staging folder's manifest: the run and the digest of its files."""

_STAGED = re.compile(r"\.statements-(\d{4}-\d{2})\.staged")


def file_names(month: Month) -> tuple[str, ...]:
    """The files of a month's run, in the order they are written.

    >>> file_names(Month(2026, 9))
    ('statements-2026-09.json', 'statements-2026-09.csv', 'lists-2026-09.csv')
    """
    return (f"statements-{month}.json", f"statements-{month}.csv", f"lists-{month}.csv")


def staging_folder(out: Path, month: Month) -> Path:
    """Where a month's files are staged: beside their target, in ``out``.

    >>> staging_folder(Path("obracun"), Month(2026, 9)).as_posix()
    'obracun/.statements-2026-09.staged'
    """
    return out / f".statements-{month}.staged"


@attrs.frozen(kw_only=True)
class StagedFiles:
    """Files written to a staging folder, not in place yet.

    Attributes:
        organisation_id: The run's organisation.
        month: The run's month.
        folder: The staging folder.
        names: The files' names (the same in ``out``).
        digest: SHA-256 of the names and contents, stored with the run.
    """

    organisation_id: str
    month: Month
    folder: Path
    names: tuple[str, ...]
    digest: str


@attrs.frozen(kw_only=True)
class Repaired:
    """What :func:`repair` did with one staging folder.

    Attributes:
        month: The run's month.
        published: True when the files were moved into place (the run was
            committed); False when the folder was left by a run that never
            was, and removed.
        files: The files now in place (when published).
    """

    month: Month
    published: bool
    files: tuple[Path, ...] = ()


def _contents(result: BillingResult, lang: Language) -> dict[str, bytes]:
    json_name, csv_name, lists_name = file_names(result.run.month)
    return {
        json_name: json_bytes(result),
        csv_name: _csv_bytes(statement_rows(result, lang)),
        lists_name: _csv_bytes(list_rows(result, lang)),
    }


def _digest(contents: dict[str, bytes]) -> str:
    return _digest_of({name: hashlib.sha256(data).digest() for name, data in contents.items()})


def _digest_of(hashes: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for name in sorted(hashes):
        hasher.update(name.encode() + b"\0" + hashes[name])
    return hasher.hexdigest()


class Stager:
    """Writes one run's files into its staging folder, one at a time, then the manifest.

    Names are paths relative to ``out`` (``"2026-09/upn/F7-202609.png"``); each
    file goes through a temporary file and a rename, and only its SHA-256 is
    kept, so a month of thousands of QR images is never held in memory.
    :meth:`finish` writes the manifest and returns the :class:`StagedFiles`.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     stager = Stager(Path(tmp), "o", Month(2026, 9))
    ...     stager.add("2026-09/a.txt", b"a")
    ...     staged = stager.finish()
    ...     staged.names, (staged.folder / "2026-09" / "a.txt").read_bytes()
    (('2026-09/a.txt',), b'a')
    """

    def __init__(self, out: Path, organisation_id: str, month: Month) -> None:
        self.out = out
        self.organisation_id = organisation_id
        self.month = month
        self.folder = staging_folder(out, month)
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        self._hashes: dict[str, bytes] = {}

    def add(self, name: str, data: bytes) -> None:
        """Write file ``name`` (relative to ``out``) into the staging folder."""
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(target, data)
        self._hashes[name] = hashlib.sha256(data).digest()

    def finish(self) -> StagedFiles:
        """Write the manifest; the files are staged."""
        digest = _digest_of(self._hashes)
        manifest = {
            "organisation_id": self.organisation_id,
            "month": str(self.month),
            "digest": digest,
            "files": list(self._hashes),
        }
        write_bytes(self.folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
        return StagedFiles(
            organisation_id=self.organisation_id,
            month=self.month,
            folder=self.folder,
            names=tuple(self._hashes),
            digest=digest,
        )


def stage(result: BillingResult, out: Path, lang: Language = "sl") -> StagedFiles:
    """Write the run's statements (JSON, CSV, lists) into its staging folder.

    The files go directly into ``out`` (:func:`file_names`).
    :func:`szo_core.billing.folder.bill_to_folder` stages a month folder with
    the payment files too, through a :class:`Stager`.

    Raises:
        szo_core.errors.DeliveryError: ``file.write_failed``: a file could not be
            written (the disk is full ...); the staging folder may be left
            behind, never a file in ``out``.
    """
    stager = Stager(out, result.run.organisation_id, result.run.month)
    for name, data in _contents(result, lang).items():
        stager.add(name, data)
    return stager.finish()


# Files a month folder may hold from an earlier run of the month (removed when absent now).
_OURS = re.compile(
    r"(statements-\d{4}-\d{2}\.(json|csv)|lists-\d{4}-\d{2}\.csv|payments\.json"
    r"|sepa-\d{4}-\d{2}\.xml|upn/[^/]+\.(txt|png))"
)


def _clear_stale(out: Path, names: tuple[str, ...]) -> None:
    """Remove what an earlier run of the month wrote into its folder and this one did not."""
    wanted = set(names)
    for top in sorted({name.split("/", 1)[0] for name in names if "/" in name}):
        folder = out / top
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and _OURS.fullmatch(relative) and f"{top}/{relative}" not in wanted:
                path.unlink()


def _move_all(folder: Path, out: Path, names: tuple[str, ...]) -> list[Path]:
    _clear_stale(out, names)
    moved = []
    for name in names:
        source, target = folder / name, out / name
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
        moved.append(target)
    return moved


def _remove(folder: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (folder / MANIFEST).unlink()
    shutil.rmtree(folder, ignore_errors=True)


def publish(staged: StagedFiles, out: Path, ports: BillingStorage) -> list[Path]:
    """Move staged files into place and record the run's files as written.

    Returns:
        The files in place.

    Raises:
        OSError: A file could not be moved; the run stays staged and the next
            :func:`repair` finishes the move.
    """
    moved = _move_all(staged.folder, out, staged.names)
    mark_files_written(staged.organisation_id, staged.month, ports, digest=staged.digest)
    _remove(staged.folder)
    return moved


def _read_manifest(folder: Path) -> StagedFiles | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return StagedFiles(
            organisation_id=str(manifest["organisation_id"]),
            month=Month.parse(str(manifest["month"])),
            folder=folder,
            names=tuple(str(n) for n in manifest["files"]),
            digest=str(manifest["digest"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no manifest yet: the kill came while staging, before any commit


def repair(out: Path, ports: BillingStorage, organisation_id: str) -> tuple[Repaired, ...]:
    """Finish or clear what an interrupted call left in ``out`` (see the module docs).

    Args:
        out: The output folder.
        ports: The storage.
        organisation_id: The organisation billed into ``out``; other
            organisations' staging folders are left alone.

    Returns:
        What was done, one entry per staging folder, by month.

    Raises:
        OSError: A file could not be moved.
    """
    if not out.is_dir():
        return ()
    done: list[Repaired] = []
    for folder in sorted(out.iterdir()):
        found = _STAGED.fullmatch(folder.name)
        if found is None or not folder.is_dir():
            continue
        month = Month.parse(found.group(1))
        staged = _read_manifest(folder)
        if staged is not None and staged.organisation_id != organisation_id:
            continue
        run = None
        if staged is not None:
            with ports.unit_of_work() as uow:
                run = uow.billing.find_run(organisation_id, month)
        ours = run is not None and staged is not None and run.files_digest == staged.digest
        if ours and run is not None and staged is not None:
            if run.files is FilesState.STAGED:
                moved = publish(staged, out, ports)
            else:  # moved and recorded; only the folder was left
                moved = [out / name for name in staged.names]
                _remove(folder)
            done.append(Repaired(month=month, published=True, files=tuple(moved)))
        else:
            _remove(folder)
            done.append(Repaired(month=month, published=False))
    return tuple(done)
