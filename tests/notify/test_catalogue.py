"""The event catalogue: classes, declared fields, templates per channel and language, versions."""

from __future__ import annotations

from datetime import datetime

import attrs
import pytest

from szo_core.adapters.memory import MemoryStore
from szo_core.errors import ConfigurationError, InvalidFormat
from szo_core.notify.catalogue import (
    EventClass,
    EventTexts,
    EventType,
    save_event_type,
    template_key,
)
from szo_core.notify.records import Channel
from szo_core.templates.errors import TemplateInvalid

from ._world import EN, ORG, SL, T0, event_type


def _save(store: MemoryStore, et: EventType, *texts: EventTexts) -> EventType:
    with store.unit_of_work() as uow:
        saved = save_event_type(uow, et, texts, now=T0, changed_by="admin:1")
        uow.commit()
    return saved


def test_an_event_type_is_saved_with_its_class_fields_and_template_versions() -> None:
    store = MemoryStore()
    saved = _save(store, event_type("zadeva.dodelitev", EventClass.NOTIFIABLE), SL, EN)
    assert (saved.version, saved.event_class, saved.changed_by) == (
        1,
        EventClass.NOTIFIABLE,
        "admin:1",
    )
    refs = {(r.channel, r.language): r.version for r in saved.templates}
    assert refs == {(c, lang): 1 for c in Channel for lang in ("sl", "en")}
    with store.unit_of_work() as uow:
        assert uow.notify.event_type(ORG, "zadeva.dodelitev") == saved
        sms = uow.templates.get(ORG, template_key("zadeva.dodelitev", Channel.SMS), "sl")
        assert sms.fields == saved.fields
        assert sms.sms_text == SL.sms_text


def test_changes_are_versioned_and_unchanged_texts_keep_their_version() -> None:
    store = MemoryStore()
    first = _save(store, event_type("zadeva.dodelitev", EventClass.NOTIFIABLE), SL, EN)
    changed_sms = attrs.evolve(SL, sms_text="Zadeva ((zadeva)) ima uradnika.")
    key_now = attrs.evolve(first, event_class=EventClass.KEY, version=0)
    second = _save(store, key_now, changed_sms)
    refs = {(r.channel, r.language): r.version for r in second.templates}
    assert second.version == 2
    assert refs[(Channel.SMS, "sl")] == 2  # changed text: a new template version
    assert refs[(Channel.EMAIL, "sl")] == 1  # the same text: the same version
    assert refs[(Channel.SMS, "en")] == 1  # not given now: the stored one stays
    with store.unit_of_work() as uow:
        versions = uow.notify.event_type_versions(ORG, "zadeva.dodelitev")
        assert [(v.version, v.event_class) for v in versions] == [
            (1, EventClass.NOTIFIABLE),
            (2, EventClass.KEY),
        ]
        assert uow.notify.event_type(ORG, "zadeva.dodelitev", 1) == first
        assert [t.code for t in uow.notify.event_types(ORG)] == ["zadeva.dodelitev"]


def test_a_template_is_validated_when_saved_and_nothing_is_stored() -> None:
    store = MemoryStore()
    bad = EventTexts(
        email_subject="Zadeva {{ zadeva }",  # syntax
        email_html="<p>{{ priimek }}</p><script>x()</script>",  # undeclared
        sms_text="Zadeva ((stevilka)).",  # undeclared
    )
    with store.unit_of_work() as uow, pytest.raises(TemplateInvalid) as caught:
        save_event_type(uow, event_type("zadeva.x", EventClass.KEY), [bad], now=T0, changed_by="a")
    parts = {(p.part, p.code) for p in caught.value.problems}
    assert ("sl email subject", "templates.syntax") in parts
    assert ("sl email html_body", "templates.undeclared") in parts
    assert ("sl sms sms_text", "templates.undeclared") in parts
    with store.unit_of_work() as uow:
        assert uow.notify.event_types(ORG) == ()
        assert uow.templates.for_organisation(ORG) == ()


@pytest.mark.parametrize("event_class", [EventClass.NOTIFIABLE, EventClass.KEY])
def test_a_sent_event_type_needs_the_slovenian_email_and_sms(event_class: EventClass) -> None:
    store = MemoryStore()
    only_email = attrs.evolve(SL, sms_text="")
    with store.unit_of_work() as uow, pytest.raises(TemplateInvalid) as caught:
        save_event_type(uow, event_type("a", event_class), [only_email, EN], now=T0, changed_by="a")
    assert [p.code for p in caught.value.problems] == ["notify.text_missing"]
    assert caught.value.problems[0].part == "sl sms"


def test_an_internal_event_type_needs_no_texts_and_english_is_optional() -> None:
    store = MemoryStore()
    internal = _save(store, event_type("zadeva.interno", EventClass.INTERNAL))
    assert internal.templates == ()
    sl_only = _save(store, event_type("zadeva.sl", EventClass.KEY), SL)
    assert {r.language for r in sl_only.templates} == {"sl"}
    assert sl_only.template_ref(Channel.SMS, "en") == sl_only.template_ref(Channel.SMS, "sl")


def test_bad_records_and_arguments() -> None:
    with pytest.raises(InvalidFormat, match=r"notify.event_code"):
        event_type("Zadeva Dodelitev", EventClass.KEY)
    with pytest.raises(InvalidFormat, match=r"notify.event_name"):
        EventType(organisation_id=ORG, code="a", name=" ", event_class=EventClass.KEY)
    with pytest.raises(InvalidFormat, match=r"notify.field_duplicate"):
        attrs.evolve(
            event_type("a", EventClass.KEY), fields=event_type("a", EventClass.KEY).fields * 2
        )
    store = MemoryStore()
    with store.unit_of_work() as uow:
        with pytest.raises(ConfigurationError, match=r"notify.texts"):
            save_event_type(uow, event_type("a", EventClass.KEY), [SL, SL], now=T0, changed_by="a")
        with pytest.raises(ConfigurationError, match=r"notify.time"):
            save_event_type(
                uow, event_type("a", EventClass.KEY), [SL], now=datetime(2026, 1, 1), changed_by="a"
            )
    with pytest.raises(InvalidFormat, match=r"notify.language"):
        EventTexts(language="de")  # type: ignore[arg-type]
