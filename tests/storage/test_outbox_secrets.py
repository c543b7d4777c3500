"""No secret rests in the outbox in clear: booking codes and links, notify confirmations.

On every backend (memory, SQLite, PostgreSQL) the stored form of every outbox
message (for SQL: every column of every row of every table) is searched for the
6-digit code and the signed-link tokens the citizen receives; the dispatcher
then opens the sealed messages and the sender gets them in clear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

import attrs
from sqlalchemy import select
from tests.booking.conftest import ANA, ORG, World, make_office
from tests.notify import _world as notify_world
from tests.storage._backend import Backend

from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemorySmsSender
from szo_core.adapters.sql import metadata
from szo_core.notify.records import Channel, Identity
from szo_core.outbox import Dispatcher, OutboxState, SealedMessage

_TOKEN = re.compile(r"[?&]t=([A-Za-z0-9_.~-]{16,})")


def _stored_texts(backend: Backend, organisation_id: str) -> list[str]:
    """Everything the store keeps: SQL rows as text, memory outbox records field by field."""
    if backend.sql is not None:
        texts = []
        with backend.sql.engine.connect() as conn:
            for table in metadata.sorted_tables:
                texts.extend(str(tuple(row)) for row in conn.execute(select(table)))
        return texts
    with backend.store.unit_of_work() as uow:
        return [str(attrs.asdict(m)) for m in uow.outbox.for_organisation(organisation_id)]


def _nowhere(secrets: Iterable[str], texts: list[str]) -> None:
    for secret in secrets:
        pattern = re.compile(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])")
        assert not any(pattern.search(t) for t in texts), "a secret is stored in clear"


def test_booking_codes_and_signed_links_are_stored_sealed(backend: Backend) -> None:
    w = World(backend.store, make_office())
    start = w.slots(date(2026, 11, 23))[0]
    held = w.desk.reserve(ORG, "center", "info", start, ANA)
    first = w.last_code(ANA.email, held.id)
    w.advance(minutes=2)
    w.desk.resend_code(ORG, held.id)
    code = w.last_code(ANA.email, held.id)
    assert re.fullmatch(r"\d{6}", code)
    assert code != first
    w.desk.confirm(ORG, held.id, code)
    with backend.store.unit_of_work() as uow:
        stored = uow.outbox.for_organisation(ORG)
    assert stored
    assert all(isinstance(m.message, SealedMessage) for m in stored)
    # What the citizen receives does carry them (so the search below can find them) ...
    opened = [w.desk.seal.open(m.message) for m in stored]
    tokens = {t for m in opened for t in _TOKEN.findall(m.text)}
    assert any(code in m.text for m in opened)
    assert len(tokens) >= 2
    # ... and nothing the store keeps does.
    _nowhere({first, code, *tokens}, _stored_texts(backend, ORG))

    mail = MemoryMailSender()
    report = Dispatcher(backend.store, clock=w.clock, mail=mail, seal=w.desk.seal).run_once()
    assert report.sent == len(stored)
    assert any(code in m.text for m in mail.sent)
    assert {t for m in mail.sent for t in _TOKEN.findall(m.text)} == tokens
    _nowhere({code, *tokens}, _stored_texts(backend, ORG))


def test_notify_confirmation_codes_and_links_are_stored_sealed(backend: Backend) -> None:
    org, now = notify_world.ORG, notify_world.T0
    svc = notify_world.service()  # codes 100001, 100002, ...
    with backend.store.unit_of_work() as uow:
        svc.subscribe(
            uow,
            Identity.citizen("p-1"),
            organisation_id=org,
            person_id="p-1",
            case_id="3500-12/2025",
            email="ana.novak@example.si",
            mobile="041 123 456",
            channels=(Channel.EMAIL, Channel.SMS),
            subscription_id="s1",
            now=now,
        )
        uow.commit()
    with backend.store.unit_of_work() as uow:
        stored = uow.outbox.for_organisation(org)
    assert {m.channel for m in stored} == {Channel.EMAIL, Channel.SMS}
    assert all(m.sealed for m in stored)
    opened = [svc.seal.open(m.message) for m in stored]  # type: ignore[arg-type]
    tokens = {t for m in opened for t in _TOKEN.findall(m.text)}
    assert "100001" in " ".join(m.text for m in opened)
    assert tokens
    _nowhere({"100001", "100002", *tokens}, _stored_texts(backend, org))

    clock = ManualClock(now)
    mail, texts = MemoryMailSender(), MemorySmsSender()
    # A dispatcher without the seal cannot open them: they wait, nothing is lost.
    blind = Dispatcher(backend.store, clock=clock, mail=mail, sms=texts).run_once()
    assert (blind.claimed, blind.retrying, blind.sent) == (2, 2, 0)
    with backend.store.unit_of_work() as uow:
        waiting = uow.outbox.for_organisation(org)
    assert {(m.state, m.last_error_code) for m in waiting} == {
        (OutboxState.QUEUED, "outbox.sealed")
    }
    assert mail.sent == []
    assert texts.sent == []
    clock.advance(timedelta(hours=1))
    report = Dispatcher(backend.store, clock=clock, mail=mail, sms=texts, seal=svc.seal).run_once()
    assert report.sent == 2
    assert "100001" in mail.sent[0].text + texts.sent[0].text
