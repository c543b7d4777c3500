"""In-memory adapter specifics: copy on commit."""

from __future__ import annotations

import attrs
import pytest
from tests.storage._world import ORG, add, base_records, month_child

from szo_core.adapters.memory import MemoryStore
from szo_core.errors import StorageError
from szo_core.model import Group


def test_commit_publishes_new_dicts_and_leaves_old_snapshots_alone() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        add(uow, Group(organisation_id=ORG, code="A1"))
        uow.commit()
    before = store._committed("groups")
    with store.unit_of_work() as uow:
        group = uow.groups.get(ORG, "A1")
        uow.groups.update(attrs.evolve(group, name="new"))
        uow.commit()
    after = store._committed("groups")
    assert before is not after
    assert before[(ORG, "A1")].name == ""
    assert after[(ORG, "A1")].name == "new"


def test_a_failed_commit_publishes_nothing() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        add(uow, *base_records(), attrs.evolve(month_child(ORG, 1), regresor_id="missing"))
        with pytest.raises(StorageError):
            uow.commit()
    assert store.table_names() == ()


def test_tables_for_extensions_commit_and_roll_back_with_the_rest() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        runs = uow.table("billing_runs")
        runs.insert((ORG, "2025-03"), "closed")
        uow.rollback()
        assert runs.get((ORG, "2025-03")) is None
        runs.insert((ORG, "2025-03"), "closed")
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.table("billing_runs").get((ORG, "2025-03")) == "closed"


def test_concurrent_inserts_of_the_same_key_conflict_at_commit() -> None:
    store = MemoryStore()
    with store.unit_of_work() as first, store.unit_of_work() as second:
        first.groups.add(Group(organisation_id=ORG, code="A1"))
        second.groups.add(Group(organisation_id=ORG, code="A1", name="second"))
        first.commit()
        with pytest.raises(StorageError) as err:
            second.commit()
    assert err.value.code == "storage.duplicate"
    with store.unit_of_work() as uow:
        assert uow.groups.get(ORG, "A1").name == ""
