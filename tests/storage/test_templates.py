"""The template repository: the same contract on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect
from tests.storage._backend import Backend

from szo_core.adapters.sql import HEAD_REVISION, migrate
from szo_core.errors import ConfigurationError, NotFound, StorageError
from szo_core.templates.messages import save_template
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField

SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

FIELDS = (
    TemplateField(name="ime", type=FieldType.TEXT, example="Ana", description="Ime plačnika"),
    TemplateField(name="znesek", type=FieldType.MONEY, example="12.30"),
    TemplateField(name="vrstice", type=FieldType.LIST, example='[{"z": 1.5}]', required=False),
)


def email(org: str = "vrtec", key: str = "invoice.email", version: int = 1) -> MessageTemplate:
    return MessageTemplate(
        organisation_id=org,
        key=key,
        channel=Channel.EMAIL,
        subject="Račun za {{ ime }}",
        html_body="<p>Znesek: {{ znesek|money }} – „š“</p>",
        text_body="Znesek: {{ znesek|money }}",
        fields=FIELDS,
        version=version,
        description="Mesečni račun",
    )


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@given(subject=texts, body=texts, sms_text=texts.filter(lambda s: s.strip() != ""))
@SETTINGS
def test_every_part_round_trips_unchanged(
    backend: Backend, subject: str, body: str, sms_text: str
) -> None:
    backend.reset()
    stored_email = attrs.evolve(email(), subject=subject + "x", text_body=body)
    stored_sms = MessageTemplate(
        organisation_id="vrtec",
        key="invoice.sms",
        channel=Channel.SMS,
        language="en",
        sms_text=sms_text,
        fields=FIELDS,
        version=7,
    )
    with backend.store.unit_of_work() as uow:
        uow.templates.add(stored_email)
        uow.templates.add(stored_sms)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.templates.get("vrtec", "invoice.email", "sl", 1) == stored_email
        assert uow.templates.get("vrtec", "invoice.sms", "en") == stored_sms


def test_versions_latest_and_the_organisation_listing(backend: Backend) -> None:
    backend.reset()
    with backend.store.unit_of_work() as uow:
        for version in (1, 2, 3):
            uow.templates.add(email(version=version))
        uow.templates.add(email(key="notice.email"))
        uow.templates.add(attrs.evolve(email(), language="en", version=5))
        uow.templates.add(email(org="druga", version=9))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        versions = uow.templates.versions("vrtec", "invoice.email", "sl")
        assert [t.version for t in versions] == [1, 2, 3]
        latest = uow.templates.latest("vrtec", "invoice.email", "sl")
        assert latest is not None
        assert latest.version == 3
        assert uow.templates.get("vrtec", "invoice.email", "sl") == latest
        assert [
            (t.key, t.language, t.version) for t in uow.templates.for_organisation("vrtec")
        ] == [
            ("invoice.email", "en", 5),
            ("invoice.email", "sl", 3),
            ("notice.email", "sl", 1),
        ]
        assert uow.templates.latest("vrtec", "missing.email", "sl") is None
        assert uow.templates.versions("nobody", "invoice.email", "sl") == ()
        with pytest.raises(NotFound):
            uow.templates.get("vrtec", "invoice.email", "sl", 4)
        with pytest.raises(NotFound):
            uow.templates.get("vrtec", "missing.email", "sl")


def test_a_version_cannot_be_stored_twice_or_unsaved(backend: Backend) -> None:
    backend.reset()
    with backend.store.unit_of_work() as uow:
        uow.templates.add(email())
        uow.commit()
    with backend.store.unit_of_work() as uow:
        with pytest.raises(StorageError) as caught:
            uow.templates.add(attrs.evolve(email(), subject="Drugo"))
        assert caught.value.code == "storage.duplicate"
        with pytest.raises(ConfigurationError):
            uow.templates.add(email(version=0))
    with backend.store.unit_of_work() as uow:
        assert uow.templates.get("vrtec", "invoice.email", "sl").subject == "Račun za {{ ime }}"


def test_two_saves_that_race_store_one_version(backend: Backend) -> None:
    # The second save read "no version yet" before the first committed version 1:
    # its version 1 is refused (at add or at commit), so one version 1 is stored.
    backend.reset()
    second = backend.store.unit_of_work()
    with second:
        assert second.templates.latest("vrtec", "invoice.email", "sl") is None
        with backend.store.unit_of_work() as first:
            assert save_template(first, email(version=0)).version == 1
            first.commit()

        def late_save() -> None:  # refused at add (SQL) or at commit (memory)
            second.templates.add(attrs.evolve(email(), subject="Drugi"))
            second.commit()

        with pytest.raises(StorageError):
            late_save()
    with backend.store.unit_of_work() as uow:
        assert [t.subject for t in uow.templates.versions("vrtec", "invoice.email", "sl")] == [
            "Račun za {{ ime }}"
        ]


def test_an_uncommitted_save_is_rolled_back(backend: Backend) -> None:
    backend.reset()
    with backend.store.unit_of_work() as uow:
        save_template(uow, email(version=0))
    with backend.store.unit_of_work() as uow:
        assert uow.templates.for_organisation("vrtec") == ()


def test_migration_0008_adds_the_table_and_its_downgrade_drops_it(sql_backend: Backend) -> None:
    assert sql_backend.sql is not None
    engine = sql_backend.sql.engine
    assert migrate(engine, "0007_organisation") == "0007_organisation"
    assert "szo_message_template" not in inspect(engine).get_table_names()
    assert migrate(engine) == HEAD_REVISION
    assert "szo_message_template" in inspect(engine).get_table_names()
    with sql_backend.store.unit_of_work() as uow:
        uow.templates.add(email())
        uow.commit()
