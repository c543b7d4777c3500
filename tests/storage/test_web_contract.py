"""The web app's part of the storage contract (``uow.web``): memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.storage._backend import Backend

from szo_core.errors import NotFound, StorageError
from szo_core.web.records import OperatorAccount

T0 = datetime(2026, 12, 3, 8, 0, 0, 123456, tzinfo=UTC)
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


def account(username: str = "ana", operator: str = "ana", org: str = "dom") -> OperatorAccount:
    return OperatorAccount(
        organisation_id=org,
        operator_id=operator,
        username=username,
        password_hash=HASH,
        changed_at=T0,
    )


def test_an_account_round_trips_and_is_listed_per_organisation(backend: Backend) -> None:
    store = backend.store
    with store.unit_of_work() as uow:
        uow.web.add_account(account())
        uow.web.add_account(account("bojan.kos", "bojan"))
        uow.web.add_account(account("david", "david", org="dom-mb"))
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.web.find("ana")
        assert found == account()
        assert found is not None
        assert found.changed_at == T0
        assert uow.web.find("nihce") is None
        assert [a.username for a in uow.web.accounts("dom")] == ["ana", "bojan.kos"]
        assert [a.username for a in uow.web.accounts("dom-mb")] == ["david"]


@pytest.mark.parametrize(
    "second", [account(operator="other"), account(username="ana2")], ids=["name", "operator"]
)
def test_a_user_name_and_an_operator_have_one_account(
    backend: Backend, second: OperatorAccount
) -> None:
    store = backend.store
    with store.unit_of_work() as uow:
        uow.web.add_account(account())
        uow.commit()
    with store.unit_of_work() as uow:
        with pytest.raises(StorageError) as raised:
            uow.web.add_account(second)
        assert raised.value.code == "storage.duplicate"
    with store.unit_of_work() as uow:
        assert uow.web.find("ana2") is None
        assert len(uow.web.accounts("dom")) == 1


def test_a_new_hash_replaces_the_old_one_and_a_rollback_keeps_it(backend: Backend) -> None:
    store = backend.store
    newer = HASH.replace("t=3", "t=4")
    with store.unit_of_work() as uow:
        uow.web.add_account(account())
        uow.commit()
    with store.unit_of_work() as uow:
        uow.web.set_password_hash("ana", newer, changed_at=T0 + timedelta(days=1))
    with store.unit_of_work() as uow:  # not committed: unchanged
        found = uow.web.find("ana")
        assert found is not None
        assert found.password_hash == HASH
        changed = uow.web.set_password_hash("ana", newer, changed_at=T0 + timedelta(days=1))
        uow.commit()
    assert changed.password_hash == newer
    with store.unit_of_work() as uow:
        found = uow.web.find("ana")
        assert found is not None
        assert found.password_hash == newer
        assert found.changed_at == T0 + timedelta(days=1)
        with pytest.raises(NotFound):
            uow.web.set_password_hash("nihce", newer, changed_at=T0)


def test_the_record_refuses_a_plain_password_and_hides_the_hash() -> None:
    with pytest.raises(ValueError, match=r"web\.password_hash"):
        OperatorAccount(
            organisation_id="dom",
            operator_id="ana",
            username="ana",
            password_hash="geslo123",
            changed_at=T0,
        )
    with pytest.raises(ValueError, match=r"web\.username"):
        account(username="Ana Novak")
    assert HASH not in repr(account())
