"""The memory store's commit in place: only when no one else holds the committed dict.

A commit writes a table that no reference check reads into its committed dict
itself when nothing but the store holds that dict (so a commit of a few rows into
a large table costs those rows, not a copy); otherwise it builds a new dict as it
always did.  These tests pin when each happens and that no reader can tell:
an iteration that is running, another open unit of work, a failed commit, and a
reader thread iterating while another thread commits.

The tests compare the dicts' ``id()`` and hold no reference to them, since a
reference held is exactly what makes a commit copy (a replacing dict is built
while the one it replaces is alive, so the ids differ).
"""

from __future__ import annotations

import threading
import time

import pytest

from szo_core.adapters.memory import MemoryStore
from szo_core.errors import StorageError
from szo_core.model import Child


def _id(store: MemoryStore, name: str = "notes") -> int:
    return id(store._tables[name])


def _commit_note(store: MemoryStore, key: object, value: str) -> None:
    with store.unit_of_work() as uow:
        uow.table("notes").insert(("o", key), value)
        uow.commit()


def test_a_commit_no_one_else_sees_updates_the_committed_dict_itself() -> None:
    store = MemoryStore()
    _commit_note(store, 1, "one")  # the first commit makes the dict
    committed = _id(store)
    _commit_note(store, 2, "two")
    with store.unit_of_work() as uow:
        uow.table("notes").delete(("o", 1))
        uow.commit()
    assert _id(store) == committed  # updated in place, twice
    assert dict(store._tables["notes"]) == {("o", 2): "two"}


def test_an_open_unit_that_read_the_table_makes_the_commit_copy() -> None:
    store = MemoryStore()
    _commit_note(store, 1, "one")
    before = store._tables["notes"]
    reader = store.unit_of_work()
    assert reader.table("notes").get(("o", 1)) == "one"  # holds the committed dict now
    _commit_note(store, 2, "two")
    assert store._tables["notes"] is not before  # copied: the reader's dict did not change
    assert dict(before) == {("o", 1): "one"}
    assert reader.table("notes").get(("o", 2)) == "two"  # and the reader sees the commit
    reader.rollback()  # the reader is done: it lets the dict go
    del before
    after = _id(store)
    _commit_note(store, 3, "three")
    assert _id(store) == after


def test_an_iteration_running_over_the_table_is_not_disturbed() -> None:
    store = MemoryStore()
    for n in range(5):
        _commit_note(store, n, str(n))
    reader = store.unit_of_work()
    rows = reader.table("notes").items()
    first = next(rows)
    for n in range(5, 50):  # would be "dictionary changed size during iteration" in place
        _commit_note(store, n, str(n))
    seen = [first, *rows]
    assert [key for key, _ in seen] == [("o", n) for n in range(5)]


def test_a_table_the_reference_checks_read_is_always_copied() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.children.add(Child(organisation_id="o", code=1, first_name="Ana", last_name="Novak"))
        uow.commit()
    children = _id(store, "children")
    with store.unit_of_work() as uow:
        uow.children.add(Child(organisation_id="o", code=2, first_name="Bor", last_name="Kos"))
        uow.commit()
    assert _id(store, "children") != children
    assert len(store._tables["children"]) == 2


def test_a_commit_that_fails_a_check_changes_nothing_in_place() -> None:
    store = MemoryStore()
    _commit_note(store, 1, "one")
    committed = _id(store)
    with store.unit_of_work() as uow:
        uow.table("notes").insert(("o", 2), "two")
        uow.children.add(
            Child(
                organisation_id="o",
                code=1,
                first_name="Ana",
                last_name="Novak",
                payment_group_lead=99,  # no such child: the reference check fails
            )
        )
        with pytest.raises(StorageError):
            uow.commit()
    assert _id(store) == committed
    assert dict(store._tables["notes"]) == {("o", 1): "one"}
    with store.unit_of_work() as uow:
        assert uow.table("notes").get(("o", 2)) is None
        assert uow.children.find("o", 1) is None


def test_a_conflicting_commit_changes_nothing_in_place() -> None:
    store = MemoryStore()
    _commit_note(store, 1, "one")
    late = store.unit_of_work()
    late.table("notes").insert(("o", 2), "late")
    late.table("notes").insert(("o", 3), "three")
    _commit_note(store, 2, "early")  # the key the late unit inserts is taken meanwhile
    committed = _id(store)
    with pytest.raises(StorageError):
        late.commit()
    with store.unit_of_work() as uow:
        assert uow.table("notes").get(("o", 2)) == "early"
        assert uow.table("notes").get(("o", 3)) is None
    assert _id(store) == committed


def test_a_thread_iterating_while_another_commits_sees_whole_tables() -> None:
    store = MemoryStore()
    _commit_note(store, 0, "0")
    stop = threading.Event()
    problems: list[BaseException] = []
    sizes: list[int] = []

    def read() -> None:
        try:
            while not stop.is_set():
                rows = []
                with store.unit_of_work() as uow:
                    for row in uow.table("notes").items():
                        rows.append(row)
                        if len(rows) % 100 == 0:
                            time.sleep(0)  # let the committing thread run mid-iteration
                keys = sorted(key[1] for key, _ in rows)
                assert keys == list(range(len(keys)))  # a whole prefix: no commit half seen
                sizes.append(len(keys))
        except BaseException as error:  # pragma: no cover - what the test reports
            problems.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for n in range(1, 1500):
        _commit_note(store, n, str(n))
    stop.set()
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert problems == []
    assert sizes
    assert sizes == sorted(sizes)  # the reader never saw the table shrink
    with store.unit_of_work() as uow:
        assert len(list(uow.table("notes").items())) == 1500
