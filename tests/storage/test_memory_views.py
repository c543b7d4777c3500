"""The memory store's kept views: a table keeps its committed mapping until a commit moves on.

A :class:`~szo_core.adapters.memory.MemoryTable` keeps the committed mapping it
read while the store's generation stays the same, and ``uow.notify`` keeps the
latest event type while the catalogue's committed mapping is the same object.
These tests pin that an open unit of work still sees every other unit's commit
at once (as when each read looked the mapping up), and that ``add_new`` is
``get`` then ``insert``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from szo_core.adapters.memory import MemoryStore
from szo_core.errors import StorageError
from szo_core.notify.catalogue import EventClass, EventTexts, EventType, save_event_type
from szo_core.templates.model import FieldType, TemplateField

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_an_open_unit_sees_another_units_commit_at_once() -> None:
    store = MemoryStore()
    reader = store.unit_of_work()
    table = reader.table("notes")
    assert table.get(("o", 1)) is None  # the (empty) committed mapping is kept now
    with store.unit_of_work() as writer:
        writer.table("notes").insert(("o", 1), "one")
        writer.commit()
    assert table.get(("o", 1)) == "one"
    with store.unit_of_work() as writer:
        writer.table("other").insert(("o", 1), "x")  # another table: a new generation
        writer.commit()
    assert table.get(("o", 1)) == "one"
    with store.unit_of_work() as writer:
        writer.table("notes").delete(("o", 1))
        writer.commit()
    assert table.get(("o", 1)) is None
    assert list(table.items()) == []


def test_a_rolled_back_or_empty_commit_keeps_the_generation() -> None:
    store = MemoryStore()
    generation = store._generation
    with store.unit_of_work() as uow:
        uow.table("notes").insert(("o", 1), "one")
        uow.rollback()
        uow.commit()
    assert store._generation == generation
    with store.unit_of_work() as uow:
        uow.table("notes").insert(("o", 1), "one")
        uow.commit()
    assert store._generation == generation + 1


def test_add_new_returns_what_is_stored_committed_or_not() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.table("notes").insert(("o", 1), "committed")
        uow.commit()
    with store.unit_of_work() as uow:
        table = uow.table("notes")
        assert table.add_new(("o", 1), "again") == "committed"
        assert table.add_new(("o", 2), "new") == "new"
        assert table.add_new(("o", 2), "newer") == "new"
        table.delete(("o", 1))
        assert table.add_new(("o", 1), "back") == "back"
        uow.commit()
    with store.unit_of_work() as uow:
        assert dict(uow.table("notes").items()) == {("o", 1): "back", ("o", 2): "new"}


def test_add_new_of_a_key_another_unit_committed_meanwhile_conflicts() -> None:
    store = MemoryStore()
    first, second = store.unit_of_work(), store.unit_of_work()
    first.table("notes").add_new(("o", 1), "first")
    second.table("notes").add_new(("o", 1), "second")
    first.commit()
    with pytest.raises(StorageError):
        second.commit()
    with store.unit_of_work() as uow:
        assert uow.table("notes").get(("o", 1)) == "first"


def _save(store: MemoryStore, name: str) -> None:
    with store.unit_of_work() as uow:
        save_event_type(
            uow,
            EventType(
                organisation_id="obcina",
                code="zadeva.x",
                name=name,
                event_class=EventClass.NOTIFIABLE,
                fields=(TemplateField(name="zadeva", type=FieldType.TEXT, example="1/2026"),),
            ),
            [EventTexts(email_subject="Z {{ zadeva }}", email_html="<p>x</p>", sms_text="x")],
            now=T0,
            changed_by="test",
        )
        uow.commit()


def test_the_latest_event_type_follows_commits_of_an_open_unit_and_its_own_adds() -> None:
    store = MemoryStore()
    _save(store, "first")
    reader = store.unit_of_work()
    found = reader.notify.event_type("obcina", "zadeva.x")
    assert found is not None
    assert (found.version, found.name) == (1, "first")
    assert reader.notify.event_type("obcina", "zadeva.x") is found  # kept
    _save(store, "second")  # another unit commits a new version
    found = reader.notify.event_type("obcina", "zadeva.x")
    assert found is not None
    assert (found.version, found.name) == (2, "second")
    assert reader.notify.event_type("obcina", "zadeva.none") is None
    reader.notify.add_event_type(attrs.evolve(found, version=3, name="own"))  # not committed
    found = reader.notify.event_type("obcina", "zadeva.x")
    assert found is not None
    assert (found.version, found.name) == (3, "own")
    reader.rollback()
    found = reader.notify.event_type("obcina", "zadeva.x")
    assert found is not None
    assert found.version == 2


def test_a_record_deleted_by_another_unit_meanwhile_conflicts_at_commit() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.table("notes").insert(("o", 1), "one")
        uow.table("notes").insert(("o", 2), "two")
        uow.commit()
    reader = store.unit_of_work()
    reader.table("notes").replace(("o", 1), "changed")
    for n in range(3, 50):  # many fresh inserts beside it
        reader.table("notes").insert(("o", n), str(n))
    with store.unit_of_work() as other:
        other.table("notes").delete(("o", 1))
        other.commit()
    with pytest.raises(StorageError) as raised:
        reader.commit()
    assert raised.value.code == "storage.conflict"
    with store.unit_of_work() as uow:
        assert dict(uow.table("notes").items()) == {("o", 2): "two"}


def test_a_record_changed_by_another_unit_meanwhile_conflicts_at_commit() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.table("notes").insert(("o", 1), "one")
        uow.commit()
    reader = store.unit_of_work()
    reader.table("notes").replace(("o", 1), "mine")
    with store.unit_of_work() as other:
        other.table("notes").replace(("o", 1), "theirs")
        other.commit()
    with pytest.raises(StorageError) as raised:
        reader.commit()
    assert raised.value.code == "storage.conflict"
