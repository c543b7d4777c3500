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
    """

    month: Month
    published: bool


def _contents(result: BillingResult, lang: Language) -> dict[str, bytes]:
    json_name, csv_name, lists_name = file_names(result.run.month)
    return {
        json_name: json_bytes(result),
        csv_name: _csv_bytes(statement_rows(result, lang)),
        lists_name: _csv_bytes(list_rows(result, lang)),
    }


def _digest(contents: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for name in sorted(contents):
        hasher.update(name.encode() + b"\0" + hashlib.sha256(contents[name]).digest())
    return hasher.hexdigest()


def stage(result: BillingResult, out: Path, lang: Language = "sl") -> StagedFiles:
    """Write the run's files into its staging folder (replacing a stale one).

    Raises:
        szo_core.errors.DeliveryError: ``file.write_failed``: a file could not be
            written (the disk is full ...); the staging folder may be left
            behind, never a file in ``out``.
    """
    month = result.run.month
    folder = staging_folder(out, month)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    contents = _contents(result, lang)
    for name, data in contents.items():
        write_bytes(folder / name, data)
    digest = _digest(contents)
    manifest = {
        "organisation_id": result.run.organisation_id,
        "month": str(month),
        "digest": digest,
        "files": list(contents),
    }
    write_bytes(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    return StagedFiles(
        organisation_id=result.run.organisation_id,
        month=month,
        folder=folder,
        names=tuple(contents),
        digest=digest,
    )


def _move_all(folder: Path, out: Path, names: tuple[str, ...]) -> list[Path]:
    moved = []
    for name in names:
        source, target = folder / name, out / name
        if source.exists():
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
                publish(staged, out, ports)
            else:  # moved and recorded; only the folder was left
                _remove(folder)
            done.append(Repaired(month=month, published=True))
        else:
            _remove(folder)
            done.append(Repaired(month=month, published=False))
    return tuple(done)
