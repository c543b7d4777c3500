"""Booking records: round trips through the converter, validation, personal data hidden."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests._roundtrip import assert_roundtrip
from tests.booking.conftest import ANA, ORG, make_office

from szo_core.booking import (
    Appointment,
    AppointmentState,
    Contact,
    OpeningHours,
    Service,
    SurveyAnswer,
    TemplateMeetingLinks,
)
from szo_core.booking.links import LinkSigner
from szo_core.errors import ConfigurationError, InvalidComponent

T = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(str.strip)


@given(
    name=names,
    notes=st.text(max_size=50),
    state=st.sampled_from(AppointmentState),
    minutes=st.integers(0, 10**6),
    attempts=st.integers(0, 5),
)
def test_an_appointment_round_trips(
    name: str, notes: str, state: AppointmentState, minutes: int, attempts: int
) -> None:
    start = T + timedelta(minutes=minutes)
    a = Appointment(
        organisation_id=ORG,
        id="a1",
        office_id="center",
        service_id="info",
        start=start,
        end=start + timedelta(minutes=30),
        state=state,
        contact=Contact(name=name, email="ana@example.si", phone="+386 41 123 456", notes=notes),
        created_at=T,
        hold_until=T + timedelta(minutes=15),
        code_salt="ab" * 16,
        code_hash="cd" * 32,
        code_expires_at=T + timedelta(minutes=10),
        code_attempts=attempts,
        confirmed_at=None if state is AppointmentState.HELD else T,
    )
    assert assert_roundtrip(a).contact.name == name


def test_an_office_and_an_answer_round_trip() -> None:
    assert_roundtrip(make_office(closed_days=(date(2026, 12, 24),), buffer_after_minutes=10))
    assert_roundtrip(
        SurveyAnswer(
            organisation_id=ORG,
            appointment_id="a1",
            office_id="center",
            month="2026-11",
            rating=5,
            comment="Odlično, hvala.",
            answered_at=T,
        )
    )


def test_office_rules_are_checked() -> None:
    with pytest.raises(ConfigurationError) as caught:
        make_office(slot_minutes=7)
    assert caught.value.code == "booking.grid"
    with pytest.raises(ConfigurationError):
        make_office(services=())
    with pytest.raises(ConfigurationError):
        make_office(
            services=(Service(id="a", name="A", duration_minutes=30),) * 2
        )  # the same id twice
    with pytest.raises(ConfigurationError):
        make_office(officials=0)
    with pytest.raises(ConfigurationError):
        OpeningHours(weekday=7, opens=time(8), closes=time(9))
    with pytest.raises(ConfigurationError):
        Service(id="x", name="X", duration_minutes=0)


def test_contact_details_stay_out_of_repr_and_errors() -> None:
    assert repr(ANA) == "Contact(<hidden>)"
    a = Appointment(
        organisation_id=ORG,
        id="a1",
        office_id="center",
        service_id="info",
        start=T,
        end=T + timedelta(minutes=30),
        state=AppointmentState.HELD,
        contact=ANA,
        created_at=T,
        hold_until=T,
        code_salt="ab" * 16,
        code_hash="cd" * 32,
    )
    text = repr(a)
    assert "Ana" not in text
    assert "ana.novak" not in text
    assert "041" not in text
    assert "cd" * 32 not in text
    for bad in (
        {"name": " "},
        {"phone": "<script>"},
        {"notes": "x" * 2001},
    ):
        with pytest.raises(InvalidComponent) as caught:
            Contact(**{"name": "Ana Novak", "email": "ana@example.si", **bad})
        assert "<script>" not in str(caught.value)
    with pytest.raises(ConfigurationError):
        Appointment(
            organisation_id=ORG,
            id="a1",
            office_id="center",
            service_id="info",
            start=datetime(2026, 11, 23, 8, 0),  # naive
            end=T,
            state=AppointmentState.HELD,
            contact=ANA,
            created_at=T,
            hold_until=T,
        )


def test_keys_and_link_templates_are_checked() -> None:
    with pytest.raises(ConfigurationError):
        LinkSigner(b"short")
    assert "key" in repr(LinkSigner(b"k" * 32))
    assert "kkkk" not in repr(LinkSigner(b"k" * 32))
    for bad in ("http://video.example.si/{appointment}", "https://v.example.si/{contact.email}"):
        with pytest.raises(ConfigurationError):
            TemplateMeetingLinks(bad)


def test_english_e_mails(world) -> None:
    w = world()
    w.desk.language = "en"
    held = w.desk.reserve(ORG, "center", "info", T, ANA)
    w.desk.confirm(ORG, held.id, w.last_code(hold_id=held.id))
    subjects = {m.subject for m in w.mails(ANA.email)}
    assert "Appointment confirmed: Monday, November 23, 2026, 8:00–8:30" in subjects


def test_a_time_of_day_travels_as_iso_text() -> None:
    from szo_core.errors import ValidationError
    from szo_core.serialization import make_converter

    converter = make_converter()
    assert converter.unstructure(time(8, 30)) == "08:30:00"
    assert converter.structure("15:00", time) == time(15)
    for bad in ("8.30", "25:00", 830):
        with pytest.raises(ValidationError, match="08:30:00"):
            converter.structure(bad, time)
