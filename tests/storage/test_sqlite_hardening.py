"""SQLite under contention, a corrupted schema, and driver errors that must not leak.

* Two processes writing at once: a unit of work that reads and then writes used to
  fail with ``storage.failed (SQLITE_BUSY)``; now it either waits
  (``unit_of_work(immediate=True)``) or gets the retryable ``storage.conflict``.
* A byte flipped inside ``CREATE TABLE szo_child`` made ``SqlStore.open()`` fail
  with a raw ``UnicodeDecodeError`` (SQLite's message holds the corrupt bytes).
* A driver error (a value the driver cannot encode) is a ``StorageError`` that
  carries none of the values.
"""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest
from tests.storage._backend import Backend

from szo_core.adapters.sql import SqlStore
from szo_core.errors import ConcurrencyConflict, StorageError
from szo_core.ids import emso
from szo_core.ids.emso import Sex
from szo_core.model import Guardian

ORG = "org"


def _writer(path: str, tag: str, immediate: bool, count: int, out: multiprocessing.Queue) -> None:
    store = SqlStore.open(path, migrate=False)
    codes: dict[str, int] = {}
    for i in range(count):
        try:
            with store.unit_of_work(immediate=immediate) as uow:
                uow.guardians.for_organisation(ORG)  # read first, then write
                uow.guardians.add(
                    Guardian(organisation_id=ORG, id=f"{tag}-{i}", first_name="A", last_name="B")
                )
                uow.commit()
        except StorageError as exc:
            kind = "conflict" if isinstance(exc, ConcurrencyConflict) else exc.code
            codes[kind] = codes.get(kind, 0) + 1
    store.dispose()
    out.put(codes)


def _contend(path: Path, *, immediate: bool, count: int = 150) -> dict[str, int]:
    SqlStore.open(path).dispose()
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = context.Queue()
    workers = [
        context.Process(target=_writer, args=(str(path), tag, immediate, count, out))
        for tag in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    total: dict[str, int] = {}
    for codes in results:
        for code, n in codes.items():
            total[code] = total.get(code, 0) + n
    return total


def test_contending_writers_get_only_retryable_conflicts(tmp_path: Path) -> None:
    failures = _contend(tmp_path / "szo.db", immediate=False)
    assert set(failures) <= {"conflict"}, failures


def test_immediate_writers_wait_for_each_other(tmp_path: Path) -> None:
    path = tmp_path / "szo.db"
    assert _contend(path, immediate=True) == {}
    store = SqlStore.open(path, migrate=False)
    with store.unit_of_work() as uow:
        assert len(uow.guardians.for_organisation(ORG)) == 300
    store.dispose()


def _corrupt_child_table(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    at = data.find(b"CREATE TABLE szo_child")
    assert at > 0
    data[at + offset] = 0xFF  # not UTF-8 any more
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("offset", [3, 20, 81])  # the schema text fails to decode, or SQLite
@pytest.mark.parametrize("migrate", [True, False])  # calls it malformed or misses columns
def test_a_corrupted_schema_is_a_storage_error(tmp_path: Path, offset: int, migrate: bool) -> None:
    path = tmp_path / "szo.db"
    SqlStore.open(path).dispose()
    _corrupt_child_table(path, offset)

    def use() -> None:
        store = SqlStore.open(path, migrate=migrate)
        with store.unit_of_work() as uow:
            uow.children.for_organisation(ORG)

    with pytest.raises(StorageError) as err:
        use()
    assert err.value.code in ("storage.corrupt", "storage.failed")
    if offset != 81:  # 81 breaks a column definition: SQLite still opens the file
        assert err.value.code == "storage.corrupt"
    assert err.value.en
    assert err.value.sl
    assert "\\x" not in str(err.value)


def test_driver_errors_carry_no_values(sql_backend: Backend) -> None:
    # A record that skipped its validators (as a careless adapter or extension might)
    # with a lone surrogate next to an EMŠO: the driver cannot encode it.
    secret = emso.make(date(1990, 5, 17), Sex.FEMALE)
    guardian = Guardian(organisation_id=ORG, id="g", emso=secret, first_name="Ana")
    object.__setattr__(guardian, "last_name", "\ud800" + secret)
    store = sql_backend.store

    def add() -> None:
        with store.unit_of_work() as uow:
            uow.guardians.add(guardian)
            uow.commit()

    with pytest.raises(StorageError) as err:
        add()
    shown = " ".join(map(str, (err.value, repr(err.value), err.value.args, err.value.where)))
    assert secret not in shown
    assert err.value.__cause__ is None or secret not in repr(err.value.__cause__)
    assert err.value.__suppress_context__
    with store.unit_of_work() as uow:  # nothing half-written
        assert uow.guardians.find(ORG, "g") is None
