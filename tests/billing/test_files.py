"""Files survive a kill and a full disk.

* Every writer writes beside its target and renames: a disk that fills up
  (``RLIMIT_FSIZE`` in a child process, the kernel refusing the write) leaves
  the target as it was and no temporary file; a new file gets the mode the
  umask gives.
* ``szo bill`` stages the files, commits, then moves them into place.  A real
  kill (``os._exit`` in a child process) at every step leaves a state the next
  call repairs: no run and no file, or a stored run whose staged files are
  moved into place.  The repaired files are the ones an uninterrupted call
  writes, byte for byte.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.billing.test_cli import database  # noqa: F401 - the fixture

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.billing import FilesState
from szo_core.calendar import Month
from szo_core.cli import main

SEP = Month(2026, 9)
ORG = "vrtec-sonce"
NAMES = ("lists-2026-09.csv", "statements-2026-09.csv", "statements-2026-09.json")


def _child(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=os.getcwd(),
    )


# -- one file --------------------------------------------------------------------------------

_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from szo_core.billing import write_bytes
from szo_core.errors import DeliveryError
target = Path(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    write_bytes(target, b"x" * 100_000)
except DeliveryError as exc:
    print("refused", exc.code, "EFBIG" in exc.en)
"""


def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "statements-2026-09.json"
    target.write_bytes(b"the previous run's file\n")
    done = _child(_FULL_DISK, str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["refused", "file.write_failed", "True"]
    assert target.read_bytes() == b"the previous run's file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_full_disk_writes_no_new_file(tmp_path: Path) -> None:
    target = tmp_path / "statements-2026-09.json"
    done = _child(_FULL_DISK, str(target))
    assert done.stdout.split()[0] == "refused"
    assert list(tmp_path.iterdir()) == []


_UMASK = """
import os, sys
from pathlib import Path
from szo_core.billing import write_bytes
os.umask(int(sys.argv[2], 8))
print(oct(write_bytes(Path(sys.argv[1]), b"x").stat().st_mode & 0o777))
"""


@pytest.mark.parametrize(("umask", "mode"), [("022", "0o644"), ("077", "0o600"), ("002", "0o664")])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, umask: str, mode: str) -> None:
    done = _child(_UMASK, str(tmp_path / "a.csv"), umask)
    assert done.stdout.strip() == mode, done.stderr


# -- szo bill, killed at every step ------------------------------------------------------------

_KILL = """
import os, sys
import szo_core.billing.files as files
from pathlib import Path
from szo_core.adapters.sql.billing import SqlBillingUnitOfWork
from szo_core.cli import main

where = sys.argv[1]
calls = {"n": 0}

def kill_on(n, real):
    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            os._exit(137)
        return real(*args, **kwargs)
    return wrapper

if where == "staging":  # the second staged file
    files.write_bytes = kill_on(2, files.write_bytes)
elif where == "before-commit":  # the files are staged, the run is not committed
    staged = {"done": False}
    real_stage, real_commit = files.Stager.finish, SqlBillingUnitOfWork.commit
    def stage(*args, **kwargs):
        result = real_stage(*args, **kwargs)
        staged["done"] = True
        return result
    def commit(self):
        if staged["done"]:
            os._exit(137)
        return real_commit(self)
    files.Stager.finish = stage
    SqlBillingUnitOfWork.commit = commit
elif where == "after-commit":
    files.publish = kill_on(1, files.publish)
elif where == "moving":  # after the first file was moved into place
    real_replace = Path.replace
    def replace(self, target):
        result = real_replace(self, target)
        if any(p.name.endswith(".staged") for p in self.parents):
            os._exit(137)
        return result
    Path.replace = replace
elif where == "before-mark":
    files.mark_files_written = kill_on(1, files.mark_files_written)
elif where == "before-cleanup":
    files._remove = kill_on(1, files._remove)
main(sys.argv[2:], standalone_mode=True)
"""

KILL_POINTS = [
    "staging",
    "before-commit",
    "after-commit",
    "moving",
    "before-mark",
    "before-cleanup",
]


def _bill_args(db: Path, out: Path, *, close: bool = True) -> list[str]:
    return [
        "bill",
        "--db",
        str(db),
        "--month",
        "2026-09",
        "--out",
        str(out),
        "--issued-on",
        "2026-10-01",
        *(["--close"] if close else []),
        "--lang",
        "en",
    ]


def _hashes(out: Path) -> dict[str, str]:
    """The month folder's files (``szo bill`` writes into ``out/2026-09``), by name."""
    folder = out / "2026-09"
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _month_files(out: Path) -> list[str]:
    folder = out / "2026-09"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _run_state(db: Path) -> FilesState | None:
    store = SqlBillingStore.open(db, migrate=False)
    try:
        with store.unit_of_work() as uow:
            run = uow.billing.find_run(ORG, SEP)
            return None if run is None else run.files
    finally:
        store.dispose()


def _clean_files(source: Path, folder: Path, close: bool) -> dict[str, str]:
    """What an uninterrupted ``szo bill`` writes, by file name."""
    import shutil

    db = folder / "vrtec.sqlite"
    shutil.copyfile(source, db)
    out = folder / "out"
    result = CliRunner().invoke(main, _bill_args(db, out, close=close))
    assert result.exit_code == 0, result.output
    return _hashes(out)


@pytest.mark.slow
@pytest.mark.parametrize("close", [True, False], ids=["closed", "open"])
@pytest.mark.parametrize("where", KILL_POINTS)
def test_a_kill_at_any_step_is_repaired_by_the_next_call(
    database: Path,  # noqa: F811
    tmp_path: Path,
    where: str,
    close: bool,
) -> None:
    (tmp_path / "clean").mkdir()
    clean_files = _clean_files(database, tmp_path / "clean", close)
    out = tmp_path / "out"
    killed = _child(_KILL, where, *_bill_args(database, out, close=close))
    assert killed.returncode == 137, killed.stderr
    state = _run_state(database)
    in_place = _month_files(out)
    if where in ("staging", "before-commit"):
        assert state is None  # nothing stored ...
        assert in_place == []  # ... and no file in place
    else:
        assert state is not None  # the run is stored; its files are staged or in place
        for name in in_place:  # whatever is in place is whole
            data = (out / "2026-09" / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == clean_files[name]
    again = CliRunner().invoke(main, _bill_args(database, out, close=close))
    assert again.exit_code == 0, again.output
    if where not in ("staging", "before-commit"):
        assert "now in place" in again.stderr
    assert _hashes(out) == clean_files
    assert _month_files(out) == sorted(NAMES)
    assert sorted(p.name for p in out.iterdir()) == ["2026-09"]  # no staging folder left
    assert _run_state(database) is FilesState.WRITTEN


def test_a_full_disk_while_staging_stores_nothing(
    database: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import szo_core.billing.files as files

    real = files.write_bytes

    def full(path: Path, data: bytes) -> Path:
        if path.name.endswith(".csv"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(files, "write_bytes", full)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, _bill_args(database, out, close=False))
    assert result.exit_code == 1
    assert "the run was not stored" in result.stderr
    assert _run_state(database) is None
    assert [p for p in out.rglob("*") if p.is_file() and ".staged" not in str(p)] == []
    monkeypatch.setattr(files, "write_bytes", real)
    assert CliRunner().invoke(main, _bill_args(database, out, close=False)).exit_code == 0
    assert _month_files(out) == sorted(NAMES)


def test_files_that_cannot_be_moved_are_moved_by_the_next_call(
    database: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import szo_core.billing.files as files

    real = files._move_all

    def refuse(*args: object) -> list[Path]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files, "_move_all", refuse)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, _bill_args(database, out, close=False))
    assert result.exit_code == 1
    assert "The run is stored" in result.stderr
    assert _run_state(database) is FilesState.STAGED
    monkeypatch.setattr(files, "_move_all", real)
    again = CliRunner().invoke(main, _bill_args(database, out, close=False))
    assert again.exit_code == 0, again.output
    assert _run_state(database) is FilesState.WRITTEN
    assert _month_files(out) == sorted(NAMES)
