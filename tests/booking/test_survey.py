"""The survey: 1-5 and a comment, one answer per booking, a summary per office and month."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from tests.booking.conftest import ANA, BOJAN, ORG

from szo_core.booking import BookingError, LinkError
from szo_core.errors import ConfigurationError

EIGHT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def booked(w, start=EIGHT, who=ANA):
    held = w.desk.reserve(ORG, "center", "info", start, who)
    appointment = w.desk.confirm(ORG, held.id, w.last_code(who.email, held.id))
    return appointment, w.desk.links(appointment).survey.split("t=", 1)[1]


def test_one_answer_per_booking_after_the_appointment(world) -> None:
    w = world()
    appointment, survey = booked(w)
    with pytest.raises(BookingError) as caught:
        w.desk.answer_survey(survey, 5)
    assert caught.value.code == "booking.survey.early"
    w.clock.set(appointment.end + timedelta(hours=1))
    answer = w.desk.answer_survey(survey, 4, "Hitro in prijazno.")
    assert (answer.rating, answer.month, answer.office_id) == (4, "2026-11", "center")
    with pytest.raises(BookingError) as caught:
        w.desk.answer_survey(survey, 1)
    assert caught.value.code == "booking.survey.duplicate"
    assert "Hitro" not in repr(answer)


def test_ratings_outside_one_to_five_and_foreign_links_are_refused(world) -> None:
    w = world()
    appointment, survey = booked(w)
    w.clock.set(appointment.end + timedelta(hours=1))
    for bad in (0, 6, True):
        with pytest.raises(ConfigurationError):
            w.desk.answer_survey(survey, bad)
    cancel = w.desk.links(appointment).cancel.split("t=", 1)[1]
    with pytest.raises(LinkError):
        w.desk.answer_survey(cancel, 5)
    assert w.desk.answer_survey(survey, 5).rating == 5  # nothing was stored before


def test_a_cancelled_booking_has_no_survey(world) -> None:
    w = world()
    appointment, survey = booked(w)
    w.desk.cancel(w.desk.links(appointment).cancel.split("t=", 1)[1])
    w.clock.set(appointment.end + timedelta(hours=1))
    with pytest.raises(BookingError):
        w.desk.answer_survey(survey, 5)


def test_the_summary_per_office_and_month(world) -> None:
    w = world()
    _a, sa = booked(w)
    _b, sb = booked(w, EIGHT + timedelta(minutes=30), BOJAN)
    _c, sc = booked(w, EIGHT + timedelta(hours=1))
    w.clock.set(EIGHT + timedelta(days=1))
    w.desk.answer_survey(sa, 5)
    w.desk.answer_survey(sb, 4)
    w.desk.answer_survey(sc, 4)
    [summary] = w.desk.survey_summary(ORG, "2026-11")
    assert summary.office_id == "center"
    assert summary.answers == 3
    assert summary.average == Decimal("4.33")
    assert summary.counts == (0, 0, 0, 2, 1)
    assert w.desk.survey_summary(ORG, "2026-12") == ()
    with pytest.raises(ConfigurationError):
        w.desk.survey_summary(ORG, "2026-13")
