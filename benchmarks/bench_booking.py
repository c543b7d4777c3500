"""Benchmark: free slots for 50 offices over a year with 20,000 bookings.

Set-up (not timed): 50 offices (Monday to Friday 8.00-15.00, 30-minute slots,
3 officials each, a one-year horizon) and ``--bookings`` confirmed bookings
(20,000 by default) spread at random over the year's slots, written straight
into a migrated database (bulk ``INSERT`` s: appointments and their seats);
SQLite in a temporary file and PostgreSQL in a throw-away server on 127.0.0.1
(``szo_core.adapters.sql.pgtemp``, as the tests start it).

Timed, ``--repeat`` times each for a random office, alternately:

* **szo_core**: ``BookingDesk.free_slots(org, office, service, first, last)``:
  a unit of work, the office read, its live seats in the range read (one
  ``SELECT`` over the primary key), the grid computed and every slot checked
  against the seats; for one month (what a portal shows) and for the whole year;
* **baseline** (named, same process): the plain grid of the same office and
  range without bookings (``slots.candidate_slots``, no database at all).

Printed: the median milliseconds of each and the ratio szo_core / baseline.
A shared machine adds noise; run it when it is quiet.

Full run:   ./run bench booking
Quick run:  ./run bench booking --bookings 20000 --repeat 10
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import insert

from szo_core.adapters.memory import ManualClock
from szo_core.adapters.sql import SqlStore
from szo_core.adapters.sql.booking import _appointment_row, _office_row, _seat_row
from szo_core.adapters.sql.pgtemp import TemporaryPostgres, find_pg_bin
from szo_core.adapters.sql.tables import booking_appointment, booking_office, booking_seat
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
    TemplateMeetingLinks,
)
from szo_core.booking.slots import candidate_slots, slot_cells

ORG = "ue"
NOW = datetime(2026, 1, 1, 7, 0, tzinfo=UTC)
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
MONTH = (date(2026, 3, 1), date(2026, 3, 31))
OFFICES = 50


def offices() -> list[Office]:
    return [
        Office(
            organisation_id=ORG,
            id=f"ue{n:02d}",
            name=f"Upravna enota {n}",
            services=(Service(id="info", name="Informacije", duration_minutes=30),),
            hours=tuple(
                OpeningHours(weekday=d, opens=clock_time(8), closes=clock_time(15))
                for d in range(5)
            ),
            officials=3,
            horizon_days=366,
            notice_minutes=0,
        )
        for n in range(OFFICES)
    ]


def fill(store: SqlStore, bookings: int) -> list[Office]:
    rng = random.Random(18)
    all_offices = offices()
    grids = {o.id: list(candidate_slots(o, "info", *YEAR, now=NOW)) for o in all_offices}
    used: dict[tuple[str, datetime], int] = {}
    appointment_rows, seat_rows = [], []
    for n in range(bookings):
        office = rng.choice(all_offices)
        while True:
            slot = rng.choice(grids[office.id])
            seat = used.get((office.id, slot.start), 0)
            if seat < office.officials:
                used[(office.id, slot.start)] = seat + 1
                break
        a = Appointment(
            organisation_id=ORG,
            id=f"a{n:06d}",
            office_id=office.id,
            service_id="info",
            start=slot.start,
            end=slot.end,
            state=AppointmentState.CONFIRMED,
            contact=Contact(name=f"Oseba {n}", email=f"o{n}@example.si"),
            created_at=NOW,
            hold_until=NOW,
            confirmed_at=NOW,
        )
        appointment_rows.append(_appointment_row(a))
        for cell in slot_cells(office, a.start, a.end):
            seat_rows.append(
                _seat_row(
                    Seat(
                        organisation_id=ORG,
                        office_id=office.id,
                        cell=cell,
                        seat=seat,
                        capacity=office.officials,
                        appointment_id=a.id,
                    )
                )
            )
    with store.engine.begin() as conn:
        conn.execute(insert(booking_office), [_office_row(o) for o in all_offices])
        conn.execute(insert(booking_appointment), appointment_rows)
        conn.execute(insert(booking_seat), seat_rows)
    return all_offices


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def run(label: str, store: SqlStore, bookings: int, repeat: int) -> None:
    started = time.perf_counter()
    all_offices = fill(store, bookings)
    print(f"{label}: {OFFICES} offices, {bookings} bookings, filled in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    desk = BookingDesk(
        store,
        clock=ManualClock(NOW),
        code_key=b"k" * 32,
        signer=LinkSigner(b"l" * 32),
        meeting=TemplateMeetingLinks("https://video.example.si/{appointment}"),
        portal_url="https://portal.example.si",
        sender="ue@example.si",
    )
    rng = random.Random(7)
    for name, (first, last) in (("month", MONTH), ("year", YEAR)):
        ours: list[float] = []
        plain: list[float] = []
        found = grid = 0

        def timed(fn: Callable[[], int], into: list[float]) -> int:
            t = time.perf_counter()
            result = fn()
            into.append(time.perf_counter() - t)
            return result

        for i in range(repeat + 2):
            office = rng.choice(all_offices)
            a = timed(
                lambda o=office, f=first, t=last: len(desk.free_slots(ORG, o.id, "info", f, t)),
                ours,
            )
            b = timed(
                lambda o=office, f=first, t=last: len(
                    list(candidate_slots(o, "info", f, t, now=NOW))
                ),
                plain,
            )
            if i < 2:  # warm-up
                ours.pop()
                plain.pop()
            found, grid = a, b
        ratio = median_ms(ours) / median_ms(plain)
        print(
            f"  {name:5}: szo_core free_slots {median_ms(ours):8.2f} ms  "
            f"plain grid {median_ms(plain):8.2f} ms  ratio {ratio:.2f}x"
            f"  (last: {found} free of {grid})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--bookings", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            store = SqlStore.open(Path(tmp) / "booking.sqlite")
            try:
                run("SQLite", store, args.bookings, args.repeat)
            finally:
                store.dispose()
    if args.only != "sqlite":
        if not find_pg_bin().available:
            print("PostgreSQL: skipped (no server binaries)")
            return
        with TemporaryPostgres() as pg:
            store = SqlStore.open(pg.create_database("bench_booking"))
            try:
                run("PostgreSQL", store, args.bookings, args.repeat)
            finally:
                store.dispose()


if __name__ == "__main__":
    main()
