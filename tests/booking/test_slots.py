"""Free slots: summer time both ways, a holiday, a closed day, buffers, capacity, horizon."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.booking.conftest import ANA, BOJAN, NOW, ORG, make_office

from szo_core.booking import OpeningHours, SlotTaken
from szo_core.booking.records import ZONE
from szo_core.booking.slots import free_slots
from szo_core.errors import ConfigurationError, NotFound

SUNDAY_NIGHT = (OpeningHours(weekday=6, opens=time(1), closes=time(4)),)


def local(slots: list[datetime]) -> list[str]:
    return [s.astimezone(ZONE).strftime("%H.%M%z") for s in slots]


def night_office(**kw: object) -> object:
    return make_office(hours=SUNDAY_NIGHT, notice_minutes=0, horizon_days=400, **kw)


def test_spring_forward_has_no_slot_in_the_missing_hour() -> None:
    # Sunday 29 March 2026: 02:00 local jumps to 03:00.
    office = night_office()
    now = datetime(2026, 3, 1, tzinfo=UTC)
    slots = free_slots(office, "info", date(2026, 3, 29), date(2026, 3, 29), now=now, taken={})
    assert local([s.start for s in slots]) == [
        "01.00+0100",
        "01.30+0100",
        "03.00+0200",
        "03.30+0200",
    ]
    # The 01.30 slot lasts 30 real minutes: it ends at 03.00 summer time.
    assert slots[1].end - slots[1].start == timedelta(minutes=30)
    assert slots[1].local_end.strftime("%H.%M") == "03.00"
    assert [s.start.strftime("%H:%M") for s in slots] == ["00:00", "00:30", "01:00", "01:30"]


def test_fall_back_does_not_double_the_repeated_hour() -> None:
    # Sunday 25 October 2026: 03:00 local goes back to 02:00; 02.30 happens twice.
    office = night_office()
    now = datetime(2026, 10, 1, tzinfo=UTC)
    slots = free_slots(office, "info", date(2026, 10, 25), date(2026, 10, 25), now=now, taken={})
    starts = local([s.start for s in slots])
    assert starts == [
        "01.00+0200", "01.30+0200", "02.00+0200", "02.30+0200", "03.00+0100", "03.30+0100",
    ]  # fmt: skip
    assert len({s.start for s in slots}) == len(slots)
    assert sum(s.local_start.strftime("%H.%M") == "02.30" for s in slots) == 1
    assert all(s.start.tzinfo is UTC for s in slots)


def test_a_work_free_day_and_a_closed_day_have_no_slots(world) -> None:
    w = world(closed_days=(date(2026, 11, 26),), horizon_days=60)
    assert w.slots(date(2026, 12, 25)) == []  # božič, Friday
    assert len(w.slots(date(2026, 12, 24))) == 8  # a working Thursday, 8.00-12.00
    assert w.slots(date(2026, 11, 26)) == []  # the office's own closed day
    assert len(w.slots(date(2026, 11, 27))) == 8
    assert w.slots(date(2026, 11, 28)) == []  # Saturday: no hours


def test_utc_stored_local_shown(world) -> None:
    w = world()
    slot = w.desk.free_slots(ORG, "center", "info", date(2026, 11, 23), date(2026, 11, 23))[0]
    assert slot.start == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert slot.local_start.isoformat() == "2026-11-23T08:00:00+01:00"


def test_the_horizon_and_the_notice_and_never_the_past(world) -> None:
    w = world(horizon_days=7)
    assert w.slots(date(2026, 11, 27))  # today + 7
    assert w.slots(date(2026, 11, 30)) == []  # today + 10
    assert w.slots(date(2026, 11, 19)) == []  # yesterday
    # Now 9.00 on Friday 20th, notice 60 minutes: the first slot is 10.00.
    today = local(w.slots(date(2026, 11, 20)))
    assert today == ["10.00+0100", "10.30+0100", "11.00+0100", "11.30+0100"]


def test_a_longer_service_must_end_by_closing(world) -> None:
    w = world()
    starts = local(w.slots(date(2026, 11, 23), "potrdilo"))
    assert starts[-1] == "11.00+0100"
    assert len(starts) == 7


def test_buffers_keep_time_free_around_a_booking(world) -> None:
    w = world(buffer_after_minutes=10, buffer_before_minutes=5)
    day = date(2026, 11, 23)
    nine = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 9.00 local
    w.desk.reserve(ORG, "center", "info", nine, ANA)
    left = local(w.slots(day))
    # 8.30 needs 8.25-9.10 (its own buffers), 9.30 needs 9.25: the booking runs to 9.40.
    assert "08.30+0100" not in left
    assert "09.30+0100" not in left
    assert left == ["08.00+0100", "10.00+0100", "10.30+0100", "11.00+0100", "11.30+0100"]


def test_capacity_is_the_number_of_officials(world) -> None:
    w = world(officials=2)
    day = date(2026, 11, 23)
    eight = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    w.desk.reserve(ORG, "center", "info", eight, ANA)
    assert eight in w.slots(day)  # one official still free
    w.desk.reserve(ORG, "center", "info", eight, BOJAN)
    assert eight not in w.slots(day)
    with pytest.raises(SlotTaken) as caught:
        w.desk.reserve(ORG, "center", "info", eight, ANA)
    assert caught.value.code == "booking.slot_taken"


def test_a_hold_blocks_until_it_expires_or_is_released(world) -> None:
    w = world()
    day = date(2026, 11, 23)
    eight = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    held = w.desk.reserve(ORG, "center", "info", eight, ANA)
    assert eight not in w.slots(day)
    w.advance(minutes=15)  # the hold lapses
    assert eight in w.slots(day)
    again = w.desk.reserve(ORG, "center", "info", eight, BOJAN)  # takes over the lapsed seat
    assert again.id != held.id
    assert eight not in w.slots(day)
    w.desk.back(ORG, again.id)
    assert eight in w.slots(day)


def test_a_start_off_the_grid_or_too_soon_is_refused(world) -> None:
    w = world()
    with pytest.raises(SlotTaken) as caught:
        w.desk.reserve(ORG, "center", "info", datetime(2026, 11, 23, 7, 10, tzinfo=UTC), ANA)
    assert caught.value.code == "booking.slot_unavailable"
    with pytest.raises(SlotTaken):
        w.desk.reserve(ORG, "center", "info", NOW + timedelta(minutes=30), ANA)  # notice
    with pytest.raises(NotFound):
        w.desk.free_slots(ORG, "center", "potni-list", date(2026, 11, 23), date(2026, 11, 23))
    with pytest.raises(ConfigurationError):
        w.desk.reserve(ORG, "center", "info", datetime(2026, 11, 23, 8, 0), ANA)  # naive


@settings(max_examples=60, deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    notice=st.integers(0, 3000),
    horizon=st.integers(0, 40),
)
def test_slots_are_never_before_the_notice_nor_past_the_horizon(
    now: datetime, notice: int, horizon: int
) -> None:
    office = make_office(
        notice_minutes=notice,
        horizon_days=horizon,
        hours=tuple(OpeningHours(weekday=d, opens=time(0), closes=time(23, 30)) for d in range(7)),
    )
    today = now.astimezone(ZONE).date()
    slots = free_slots(
        office, "info", today - timedelta(days=2), today + timedelta(days=45), now=now, taken={}
    )
    assert all(s.start >= now + timedelta(minutes=notice) for s in slots)
    assert all(s.local_start.date() <= today + timedelta(days=horizon) for s in slots)
    assert all(s.start.tzinfo is UTC and s.end - s.start == timedelta(minutes=30) for s in slots)
    assert len({s.start for s in slots}) == len(slots)
