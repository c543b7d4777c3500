"""A model-based property: whatever citizens do, no cell has more live bookings than officials."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.booking.conftest import ORG, World, make_office

from szo_core.adapters.memory import MemoryStore
from szo_core.booking import AppointmentState, BookingError, Contact, SlotTaken
from szo_core.booking.slots import cells

DAY = date(2026, 11, 23)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("reserve"), st.integers(0, 15), st.sampled_from(["info", "potrdilo"])),
        st.tuples(st.just("confirm"), st.integers(0, 30), st.just("")),
        st.tuples(st.just("back"), st.integers(0, 30), st.just("")),
        st.tuples(st.just("wait"), st.integers(1, 20), st.just("")),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(ops=operations, officials=st.integers(1, 2), buffer=st.sampled_from([0, 5, 15]))
def test_live_appointments_never_exceed_the_officials(ops, officials: int, buffer: int) -> None:
    w = World(MemoryStore(), make_office(officials=officials, buffer_after_minutes=buffer))
    made: list[str] = []
    emails: dict[str, str] = {}
    for n, (op, arg, service) in enumerate(ops):
        if op == "reserve":
            start = datetime(2026, 11, 23, 7, 0, tzinfo=UTC) + timedelta(minutes=15 * arg)
            free = {s.start for s in w.desk.free_slots(ORG, "center", service, DAY, DAY)}
            try:
                who = Contact(name=f"O{n}", email=f"o{n}@example.si")
                held = w.desk.reserve(ORG, "center", service, start, who)
            except SlotTaken:
                assert start not in free  # a free slot can always be reserved
            else:
                assert start in free
                made.append(held.id)
                emails[held.id] = who.email
        elif op in ("confirm", "back") and made:
            hold = made[arg % len(made)]
            try:
                if op == "confirm":
                    w.desk.confirm(ORG, hold, w.last_code(emails[hold], hold))
                else:
                    w.desk.back(ORG, hold)
            except BookingError:
                pass
        elif op == "wait":
            w.advance(minutes=arg)
        check(w, made, officials, buffer)


def check(w: World, made: list[str], officials: int, buffer: int) -> None:
    now = w.clock.now()
    per_cell: dict[datetime, int] = {}
    with w.store.unit_of_work() as uow:
        for ident in made:
            a = uow.booking.get(ORG, ident)
            if a.live(now):
                for cell in cells(a.start, a.end + timedelta(minutes=buffer)):
                    per_cell[cell] = per_cell.get(cell, 0) + 1
            else:
                assert a.state is not AppointmentState.CONFIRMED
    assert all(count <= officials for count in per_cell.values())
