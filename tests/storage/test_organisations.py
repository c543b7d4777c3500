"""The organisations repository: the same contract on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import column, insert, inspect, table
from tests.storage._backend import Backend

from szo_core.adapters.sql import HEAD_REVISION, migrate, tables
from szo_core.adapters.sql._rows import child_row
from szo_core.adapters.sql.repositories import _account_rows, _organisation_row
from szo_core.delivery.sms import LetterPolicy
from szo_core.errors import ConcurrencyConflict, NotFound, StorageError
from szo_core.model import BankAccount, Child, Organisation
from szo_core.testing import records

SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(org=records.organisations(), other=records.organisations())
@SETTINGS
def test_add_find_update_remove(backend: Backend, org: Organisation, other: Organisation) -> None:
    backend.reset()
    store = backend.store
    with store.unit_of_work() as uow:
        uow.organisations.add(org)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.organisations.get(org.id) == org
        assert uow.organisations.all() == (org,)
        changed = attrs.evolve(
            other, id=org.id, version=org.version, accounts=(*other.accounts[::-1],)
        )
        stored = uow.organisations.update(changed)
        assert stored.version == org.version + 1
        uow.commit()
    with store.unit_of_work() as uow:
        again = uow.organisations.get(org.id)
        assert again == stored
        assert again.account == changed.accounts[0]  # the order of the accounts is kept
        uow.organisations.remove(again)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.organisations.find(org.id) is None
        assert uow.organisations.all() == ()


def _before_0011(row: dict[str, object]) -> dict[str, object]:
    """A child row as a schema before migration 0011 has it (no contact_email)."""
    return {k: v for k, v in row.items() if k != "contact_email"}


def test_duplicates_stale_versions_and_missing_ones(backend: Backend) -> None:
    backend.reset()
    org = _one()
    with backend.store.unit_of_work() as uow:
        uow.organisations.add(org)
        uow.commit()
    with backend.store.unit_of_work() as uow, pytest.raises(StorageError) as caught:
        uow.organisations.add(org)
    assert caught.value.code == "storage.duplicate"
    with backend.store.unit_of_work() as uow:
        with pytest.raises(ConcurrencyConflict):
            uow.organisations.update(attrs.evolve(org, version=org.version + 5))
        with pytest.raises(NotFound):
            uow.organisations.get("nobody")
        with pytest.raises(NotFound):
            uow.organisations.remove(attrs.evolve(org, id="nobody"))


def test_not_committed_is_not_stored(backend: Backend) -> None:
    backend.reset()
    with backend.store.unit_of_work() as uow:
        uow.organisations.add(_one())
    with backend.store.unit_of_work() as uow:
        assert uow.organisations.all() == ()


def _one() -> Organisation:
    return Organisation(
        id="vrtec",
        kind="kindergarten",
        name="Vrtec Čebelica",
        tax_number="12345679",
        registration_number="5012341",
        accounts=(BankAccount(iban="SI56012616030012373", bic="BSLJSI2X", bank="UJP"),),
        creditor_id="SI72ZZZ12345679",
        budget_user=True,
        host_municipality=61,
    )


def test_migration_0007_keeps_the_data_of_0006(sql_backend: Backend) -> None:
    # A database at 0006 with a child: after 0007 the child is there, there is no
    # organisation row, and an organisation can be added beside it.
    assert sql_backend.sql is not None
    engine = sql_backend.sql.engine
    assert migrate(engine, "0006_comments") == "0006_comments"
    assert "szo_organisation" not in inspect(engine).get_table_names()
    child = Child(organisation_id="vrtec", code=7, first_name="Ana")
    with engine.begin() as conn:
        conn.execute(insert(tables.child), [_before_0011(child_row(child))])
    assert migrate(engine) == HEAD_REVISION
    org = attrs.evolve(_one(), accounts=(BankAccount(iban="SI56020100012345641"),))
    with sql_backend.store.unit_of_work() as uow:
        assert uow.children.get("vrtec", 7) == child
        assert uow.organisations.all() == ()
        uow.organisations.add(org)
        uow.commit()
    with sql_backend.store.unit_of_work() as uow:
        assert uow.organisations.get("vrtec") == org
    assert migrate(engine, "0006_comments") == "0006_comments"
    assert "szo_organisation" not in inspect(engine).get_table_names()
    with engine.connect() as conn:  # read as 0006 has it (today's code needs today's columns)
        names = conn.exec_driver_sql("SELECT first_name FROM szo_child WHERE code = 7").all()
    assert [n for (n,) in names] == ["Ana"]
    assert migrate(engine) == HEAD_REVISION  # the PostgreSQL database is shared


def test_the_sms_letter_policy_is_stored(backend: Backend) -> None:
    backend.reset()
    org = attrs.evolve(_one(), sms_letters=LetterPolicy.TRANSLITERATE)
    assert _one().sms_letters is LetterPolicy.KEEP
    with backend.store.unit_of_work() as uow:
        uow.organisations.add(org)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        stored = uow.organisations.get("vrtec")
        assert stored.sms_letters is LetterPolicy.TRANSLITERATE
        uow.organisations.update(attrs.evolve(stored, sms_letters=LetterPolicy.KEEP))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.organisations.get("vrtec").sms_letters is LetterPolicy.KEEP


def test_migration_0009_gives_existing_organisations_keep(sql_backend: Backend) -> None:
    # A database at 0007 with an organisation and its account: after 0009 the
    # organisation keeps Slovenian letters, and its account is still there.
    assert sql_backend.sql is not None
    engine = sql_backend.sql.engine
    assert migrate(engine, "0007_organisation") == "0007_organisation"
    assert "sms_letters" not in {c["name"] for c in inspect(engine).get_columns("szo_organisation")}
    org = _one()
    with engine.begin() as conn:
        row = _organisation_row(org)
        del row["sms_letters"]  # the table as 0007 made it
        conn.execute(insert(table("szo_organisation", *map(column, row))), [row])
        conn.execute(insert(tables.organisation_account), _account_rows(org))
    assert migrate(engine) == HEAD_REVISION
    with sql_backend.store.unit_of_work() as uow:
        assert uow.organisations.get("vrtec") == org
        assert uow.organisations.get("vrtec").sms_letters is LetterPolicy.KEEP
    assert migrate(engine, "0007_organisation") == "0007_organisation"
    assert "sms_letters" not in {c["name"] for c in inspect(engine).get_columns("szo_organisation")}
    with engine.connect() as conn:
        accounts = conn.exec_driver_sql("SELECT count(*) FROM szo_organisation_account").scalar()
    assert accounts == 1  # the downgrade did not cascade into the accounts
    assert migrate(engine) == HEAD_REVISION  # the PostgreSQL database is shared
