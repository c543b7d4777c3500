"""Fixtures for the booking tests: an office, a desk on a memory store, a moving clock."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from szo_core.adapters.memory import ManualClock, MemoryStore
from szo_core.adapters.memory_booking import MemoryBookingFiles
from szo_core.booking import (
    BookingDesk,
    Contact,
    LinkSigner,
    Office,
    OpeningHours,
    Service,
    TemplateMeetingLinks,
)
from szo_core.ports import Storage

ORG = "ue-lj"
# Friday 20 November 2026, 9.00 in Ljubljana (8.00 UTC).
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ANA = Contact(name="Ana Novak", email="ana.novak@example.si", phone="041 123 456")
BOJAN = Contact(name="Bojan Kranjc", email="bojan@example.si")


def make_office(**overrides: Any) -> Office:
    fields: dict[str, Any] = {
        "organisation_id": ORG,
        "id": "center",
        "name": "UE Ljubljana, Center",
        "services": (
            Service(id="info", name="Splošne informacije", duration_minutes=30),
            Service(id="potrdilo", name="Potrdilo iz uradne evidence", duration_minutes=60),
        ),
        "hours": tuple(OpeningHours(weekday=d, opens=time(8), closes=time(12)) for d in range(5)),
        "slot_minutes": 30,
        "notice_minutes": 60,
        "horizon_days": 30,
    }
    fields.update(overrides)
    return Office(**fields)


class World:
    """A desk, its store and clock, and helpers to read the queued e-mails."""

    def __init__(self, store: Storage, office: Office, *, files: Any = None) -> None:
        self.store = store
        self.clock = ManualClock(NOW)
        self.signer = LinkSigner(b"s" * 32)
        self.files = files if files is not None else MemoryBookingFiles()
        self.desk = BookingDesk(
            store,
            clock=self.clock,
            code_key=b"c" * 32,
            signer=self.signer,
            meeting=TemplateMeetingLinks("https://video.example.si/{office}/{appointment}"),
            portal_url="https://portal.example.si/termin",
            sender="ue.ljubljana@example.si",
            sender_name="Upravna enota Ljubljana",
            files=self.files,
        )
        with store.unit_of_work() as uow:
            uow.booking.add_office(office)
            self.desk.install_templates(uow, ORG)
            uow.commit()
        self.office = office

    def mails(self, to: str | None = None) -> list[Any]:
        """The queued e-mails, opened with the desk's seal (each is stored sealed)."""
        with self.store.unit_of_work() as uow:
            out = [self.desk.seal.open(m.message) for m in uow.outbox.for_organisation(ORG)]
        return [m for m in out if to is None or to in m.to]

    def last_code(self, to: str = ANA.email, hold_id: str | None = None) -> str:
        """The newest code e-mailed to ``to`` (for the hold ``hold_id``, if given)."""
        with self.store.unit_of_work() as uow:
            queued = [
                m
                for m in uow.outbox.for_organisation(ORG)
                if m.key.event.startswith(f"booking-code:{hold_id or ''}") and to in m.message.to
            ]
        newest = max(queued, key=lambda m: (m.created_at, int(m.key.event.rsplit(":", 1)[1])))
        found = re.search(r"\b(\d{6})\b", self.desk.seal.open(newest.message).text)
        assert found is not None
        return found.group(1)

    def slots(self, day: Any, service: str = "info") -> list[datetime]:
        return [s.start for s in self.desk.free_slots(ORG, self.office.id, service, day, day)]

    def advance(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))


@pytest.fixture
def world() -> Callable[..., World]:
    def make(store: Storage | None = None, **office: Any) -> World:
        return World(store if store is not None else MemoryStore(), make_office(**office))

    return make


from tests.delivery.conftest import ca, server_tls, smtp_server  # noqa: E402, F401
