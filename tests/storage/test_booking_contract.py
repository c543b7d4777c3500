"""The booking part of the storage contract: memory, SQLite and PostgreSQL alike.

Includes the guarantee that matters most: one seat per official and cell,
kept by the database (the primary key of ``szo_booking_seat``), shown by 50
threads reserving one slot at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from tests.storage._backend import Backend
from tests.storage.test_contract import backend_settings

from szo_core.adapters.memory import ManualClock
from szo_core.adapters.sql import tables
from szo_core.booking import (
    Appointment,
    AppointmentState,
    BookingDesk,
    Contact,
    LinkSigner,
    Office,
    OpeningHours,
    Seat,
    Service,
    SharedFile,
    SlotTaken,
    SurveyAnswer,
    TemplateMeetingLinks,
)
from szo_core.errors import ConcurrencyConflict, NotFound, StorageError
from szo_core.ports import UnitOfWork

ORG = "ue-kr"
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def office(**kw: object) -> Office:
    fields: dict[str, object] = {
        "organisation_id": ORG,
        "id": "kranj",
        "name": "UE Kranj",
        "services": (Service(id="info", name="Informacije", duration_minutes=30),),
        "hours": tuple(OpeningHours(weekday=d, opens=time(8), closes=time(14)) for d in range(5)),
        "officials": 2,
        "closed_days": (date(2026, 12, 31),),
    }
    fields.update(kw)
    return Office(**fields)  # type: ignore[arg-type]


def appointment(n: int, *, start: datetime = START, held_minutes: int = 15) -> Appointment:
    return Appointment(
        organisation_id=ORG,
        id=f"a{n}",
        office_id="kranj",
        service_id="info",
        start=start,
        end=start + timedelta(minutes=30),
        state=AppointmentState.HELD,
        contact=Contact(name=f"Oseba Č{n}", email=f"o{n}@example.si", phone="041 000 000"),
        created_at=T0,
        hold_until=T0 + timedelta(minutes=held_minutes),
        code_salt="00" * 16,
        code_hash="11" * 32,
        code_expires_at=T0 + timedelta(minutes=10),
        code_sends=1,
    )


def seats(a: Appointment, seat: int = 0, capacity: int = 2) -> list[Seat]:
    out = []
    cell = a.start
    while cell < a.end:
        out.append(
            Seat(
                organisation_id=ORG,
                office_id=a.office_id,
                cell=cell,
                seat=seat,
                capacity=capacity,
                appointment_id=a.id,
                held_until=None if a.state is AppointmentState.CONFIRMED else a.hold_until,
            )
        )
        cell += timedelta(minutes=5)
    return out


def in_unit(backend: Backend, work: Callable[[UnitOfWork], object]) -> None:
    with backend.store.unit_of_work() as uow:
        work(uow)
        uow.commit()


def setup(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.booking.add_office(office())
        uow.commit()


def test_an_office_round_trips_and_updates_by_version(backend: Backend) -> None:
    setup(backend)
    with backend.store.unit_of_work() as uow:
        stored = uow.booking.get_office(ORG, "kranj")
        assert stored == office()
        changed = uow.booking.update_office(attrs.evolve(stored, officials=3))
        uow.commit()
    assert changed.version == 2
    with backend.store.unit_of_work() as uow:
        assert uow.booking.offices(ORG) == (changed,)
        with pytest.raises(ConcurrencyConflict):
            uow.booking.update_office(attrs.evolve(stored, officials=4))
    with backend.store.unit_of_work() as uow, pytest.raises(NotFound):
        uow.booking.get_office(ORG, "drugje")
    with pytest.raises(StorageError) as caught:
        in_unit(backend, lambda uow: uow.booking.add_office(office()))
    assert caught.value.code == "storage.duplicate"


def test_an_appointment_and_its_seats_round_trip(backend: Backend) -> None:
    setup(backend)
    a = appointment(1)
    with backend.store.unit_of_work() as uow:
        uow.booking.add(a, seats(a))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        got = uow.booking.get(ORG, "a1")
        assert got == a
        assert got.contact == a.contact
        assert got.start.tzinfo is UTC
        assert uow.booking.seats(ORG, "a1") == tuple(seats(a))
        live = uow.booking.taken(ORG, "kranj", START, START + timedelta(hours=1), T0)
        assert live == {START + timedelta(minutes=5 * i): (0,) for i in range(6)}
        # At the hold's end its seats stop counting.
        assert (
            uow.booking.taken(ORG, "kranj", START, START + timedelta(hours=1), a.hold_until) == {}
        )


def test_confirming_makes_seats_permanent_and_releasing_frees_them(backend: Backend) -> None:
    setup(backend)
    a, b = appointment(1), appointment(2)
    with backend.store.unit_of_work() as uow:
        uow.booking.add(a, seats(a, 0))
        uow.booking.add(b, seats(b, 1))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        confirmed = uow.booking.update(attrs.evolve(a, state=AppointmentState.CONFIRMED))
        uow.booking.update(attrs.evolve(b, state=AppointmentState.RELEASED))
        uow.commit()
    assert confirmed.version == 2
    later = T0 + timedelta(days=2)
    with backend.store.unit_of_work() as uow:
        assert set(uow.booking.taken(ORG, "kranj", START, START + timedelta(hours=1), later)) == {
            START + timedelta(minutes=5 * i) for i in range(6)
        }
        assert uow.booking.seats(ORG, "a2") == ()
        with pytest.raises(ConcurrencyConflict):
            uow.booking.update(attrs.evolve(a, state=AppointmentState.CANCELLED))


def test_a_taken_seat_is_refused_and_nothing_is_half_written(backend: Backend) -> None:
    setup(backend)
    a, b = appointment(1), appointment(2)
    with backend.store.unit_of_work() as uow:
        uow.booking.add(a, seats(a, 0))
        uow.commit()
    with pytest.raises(StorageError) as caught:
        in_unit(backend, lambda uow: uow.booking.add(b, seats(b, 0)))
    assert caught.value.code == "storage.duplicate"
    with backend.store.unit_of_work() as uow:
        with pytest.raises(NotFound):
            uow.booking.get(ORG, "a2")
        assert {s.appointment_id for s in uow.booking.seats(ORG, "a1")} == {"a1"}


def test_two_units_of_work_taking_one_seat_keep_one(backend: Backend) -> None:
    setup(backend)
    a, b = appointment(1), appointment(2)
    first = backend.store.unit_of_work()
    second = backend.store.unit_of_work()
    with first, second:
        assert second.booking.taken(ORG, "kranj", START, START + timedelta(hours=1), T0) == {}
        first.booking.add(a, seats(a, 0))
        first.commit()
        second.booking.taken(ORG, "kranj", START, START + timedelta(hours=1), T0)

        def take() -> None:
            second.booking.add(b, seats(b, 0))
            second.commit()

        with pytest.raises(StorageError):
            take()
    with backend.store.unit_of_work() as uow:
        assert [s.appointment_id for s in uow.booking.seats(ORG, "a1")] == ["a1"] * 6
        with pytest.raises(NotFound):
            uow.booking.get(ORG, "a2")


def test_a_lapsed_hold_gives_its_seat_to_the_next(backend: Backend) -> None:
    setup(backend)
    a = appointment(1, held_minutes=1)
    b = attrs.evolve(appointment(2), created_at=T0 + timedelta(minutes=2))
    with backend.store.unit_of_work() as uow:
        uow.booking.add(a, seats(a, 0))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        uow.booking.add(b, seats(b, 0))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.booking.seats(ORG, "a1") == ()
        assert len(uow.booking.seats(ORG, "a2")) == 6


def test_replace_seats_moves_a_booking(backend: Backend) -> None:
    setup(backend)
    a = attrs.evolve(appointment(1), state=AppointmentState.CONFIRMED)
    later = attrs.evolve(a, start=START + timedelta(hours=2), end=START + timedelta(hours=2.5))
    with backend.store.unit_of_work() as uow:
        uow.booking.add(a, seats(a))
        uow.booking.replace_seats(a, seats(later), T0)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        cells = [s.cell for s in uow.booking.seats(ORG, "a1")]
    assert cells[0] == later.start
    assert len(cells) == 6


def test_starting_lists_confirmed_bookings_in_a_range(backend: Backend) -> None:
    setup(backend)
    a = attrs.evolve(appointment(1), state=AppointmentState.CONFIRMED)
    b = appointment(2, start=START + timedelta(hours=1))  # only held
    c = attrs.evolve(
        appointment(3, start=START + timedelta(days=1)), state=AppointmentState.CONFIRMED
    )
    with backend.store.unit_of_work() as uow:
        for x in (a, b, c):
            uow.booking.add(x, seats(x))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        found = uow.booking.starting(ORG, START, START + timedelta(days=1))
    assert [x.id for x in found] == ["a1"]


def test_files_and_answers(backend: Backend) -> None:
    setup(backend)
    a = attrs.evolve(appointment(1), state=AppointmentState.CONFIRMED)
    record = SharedFile(
        organisation_id=ORG,
        appointment_id="a1",
        id="f1",
        name="vloga č.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by="citizen",
        uploaded_at=T0,
    )
    answer = SurveyAnswer(
        organisation_id=ORG,
        appointment_id="a1",
        office_id="kranj",
        month="2026-11",
        rating=4,
        comment="Hitro in prijazno.",
        answered_at=T0 + timedelta(days=3),
    )
    with backend.store.unit_of_work() as uow:
        uow.booking.add(a, seats(a))
        uow.booking.add_file(record)
        uow.booking.add_answer(answer)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.booking.files(ORG, "a1") == (record,)
        assert uow.booking.ended_with_files(ORG, START + timedelta(hours=1)) == (a,)
        assert uow.booking.ended_with_files(ORG, START) == ()
        assert uow.booking.answers(ORG, "2026-11") == (answer,)
        assert uow.booking.answers(ORG, "2026-12") == ()
        assert uow.booking.remove_files(ORG, "a1") == 1
        uow.commit()
    with pytest.raises(StorageError) as caught:
        in_unit(backend, lambda uow: uow.booking.add_answer(answer))
    assert caught.value.code == "storage.duplicate"
    with backend.store.unit_of_work() as uow:
        assert uow.booking.files(ORG, "a1") == ()


def test_taken_counts_every_live_seat_once(backend: Backend) -> None:
    @backend_settings(backend)
    @given(
        minutes=st.lists(
            st.integers(0, 60 * 6 - 30).map(lambda m: m - m % 5), min_size=1, max_size=6
        )
    )
    def check(minutes: list[int]) -> None:
        backend.reset()
        setup(backend)
        starts = sorted(set(minutes))
        with backend.store.unit_of_work() as uow:
            for n, m in enumerate(starts):
                a = appointment(n, start=START + timedelta(minutes=m))
                uow.booking.add(a, seats(a, seat=n, capacity=len(starts)))
            uow.commit()
        with backend.store.unit_of_work() as uow:
            taken = uow.booking.taken(ORG, "kranj", START, START + timedelta(hours=7), T0)
        assert sum(len(v) for v in taken.values()) == 6 * len(starts)

    check()


# -- the database's own guarantee (SQL) ----------------------------------------------


def test_the_database_refuses_a_seat_beyond_capacity_and_a_second_taker(
    sql_backend: Backend,
) -> None:
    setup(sql_backend)
    a = appointment(1)
    assert sql_backend.sql is not None
    with sql_backend.store.unit_of_work() as uow:
        uow.booking.add(a, [])
        uow.commit()
    row = {
        "organisation_id": ORG,
        "office_id": "kranj",
        "cell": datetime(2026, 11, 23, 7, 0),
        "seat": 0,
        "capacity": 2,
        "appointment_id": "a1",
        "held_until": None,
    }
    with sql_backend.sql.engine.begin() as conn:
        conn.execute(insert(tables.booking_seat), row)
    for bad in ({"seat": 2}, {"seat": -1}, {}):  # beyond capacity, negative, the same seat
        with (
            pytest.raises(IntegrityError),
            sql_backend.sql.engine.begin() as conn,
        ):
            conn.execute(insert(tables.booking_seat), {**row, **bad})


@pytest.mark.slow
def test_fifty_clients_on_one_slot_make_exactly_one_booking(backend: Backend) -> None:
    store = backend.store
    clock = ManualClock(T0)
    desk = BookingDesk(
        store,
        clock=clock,
        code_key=b"k" * 32,
        signer=LinkSigner(b"l" * 32),
        meeting=TemplateMeetingLinks("https://video.example.si/{appointment}"),
        portal_url="https://portal.example.si",
        sender="ue@example.si",
    )
    with store.unit_of_work() as uow:
        uow.booking.add_office(office(officials=1))
        desk.install_templates(uow, ORG)
        uow.commit()
    barrier = threading.Barrier(50)
    won: list[Appointment] = []
    lost: list[str] = []
    other: list[BaseException] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        contact = Contact(name=f"Oseba {n}", email=f"oseba{n}@example.si")
        barrier.wait(timeout=60)
        try:
            held = desk.reserve(ORG, "kranj", "info", START, contact)
        except SlotTaken as exc:
            with lock:
                lost.append(exc.code)
        except BaseException as exc:
            with lock:
                other.append(exc)
        else:
            with lock:
                won.append(held)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert other == []
    assert len(won) == 1
    assert lost == ["booking.slot_taken"] * 49
    with store.unit_of_work() as uow:
        live = uow.booking.taken(ORG, "kranj", START, START + timedelta(hours=1), T0)
        assert set(live.values()) == {(0,)}
        assert {s.appointment_id for s in uow.booking.seats(ORG, won[0].id)} == {won[0].id}
        assert len(uow.outbox.for_organisation(ORG)) == 1  # one code e-mail, for the winner


def test_live_holds_counts_an_addresses_unexpired_holds_only(backend: Backend) -> None:
    setup(backend)
    ana = Contact(name="Ana", email="Ana.Novak@example.si")
    mine = [
        attrs.evolve(appointment(n, start=START + timedelta(hours=n)), contact=ana)
        for n in (1, 2, 3)
    ]
    lapsed = attrs.evolve(mine[0], hold_until=T0 + timedelta(minutes=1))
    confirmed = attrs.evolve(mine[2], state=AppointmentState.CONFIRMED)
    other = appointment(4, start=START + timedelta(hours=4))
    with backend.store.unit_of_work() as uow:
        for x in (lapsed, mine[1], confirmed, other):
            uow.booking.add(x, seats(x))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.booking.live_holds(ORG, "ana.novak@EXAMPLE.si", T0) == 2
        assert uow.booking.live_holds(ORG, "ana.novak@example.si", T0 + timedelta(minutes=5)) == 1
        assert uow.booking.live_holds(ORG, "ana.novak@example.si", T0 + timedelta(hours=1)) == 0
        assert uow.booking.live_holds("other-org", "ana.novak@example.si", T0) == 0
        assert uow.booking.live_holds(ORG, "o4@example.si", T0) == 1
