"""E-mail copies through the outbox to a real SMTP server (aiosmtpd), on every backend."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage as Mime

import attrs
import pytest
from tests.delivery.conftest import StartServer
from tests.messaging.conftest import ORG, T0

from szo_core.adapters.memory import ManualClock
from szo_core.adapters.memory_messaging import MemoryAttachmentStore
from szo_core.errors import ConfigurationError
from szo_core.messaging import CopyState, Messaging, MessagingSettings, SendingSettings, Upload
from szo_core.messaging.copies import smtp_sender
from szo_core.outbox import Dispatcher, OutboxState
from szo_core.ports import Storage

LEASE = timedelta(minutes=5)


def settings_for(port: int) -> MessagingSettings:
    return MessagingSettings(
        organisation_id=ORG,
        email_copies=True,
        sending=SendingSettings(
            host="127.0.0.1",
            port=port,
            security="none",
            sender="sporocila@dom.si",
            sender_name="Dom Ljubljana",
        ),
    )


def parsed(content: bytes) -> Mime:
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, Mime)
    return message


def test_copies_reach_the_server_once_even_after_a_dispatcher_restart(
    store: Storage, smtp_server: StartServer
) -> None:
    server = smtp_server("plain")
    settings = settings_for(server.port)
    files = MemoryAttachmentStore()
    messaging = Messaging(attachments=files, new_id=lambda: "m1")
    clock = ManualClock(T0)
    with store.unit_of_work() as uow:
        uow.messaging.save_settings(settings)
        draft = messaging.draft(
            uow,
            ORG,
            "ana",
            subject="Navodila za vikend",
            body="<p>Prosim, preberite <b>navodila</b>.</p>",
            recipients=["bojan", "cvetka", "dusan"],
        )
        report = messaging.send(
            uow, draft, now=clock.now(), uploads=[Upload("navodila č.pdf", b"%PDF-1.7 navodila")]
        )
        uow.commit()
    assert [(c.operator_id, c.state) for c in report.copies] == [
        ("bojan", CopyState.QUEUED),
        ("cvetka", CopyState.NO_ADDRESS),
        ("dusan", CopyState.QUEUED),
    ]
    assert report.without_address == ("cvetka",)
    assert report.copy_error is None
    with store.unit_of_work() as uow:  # delivered inside the module to all three
        assert [messaging.unread_count(uow, ORG, o) for o in ("bojan", "cvetka", "dusan")] == [
            1
        ] * 3

    # The first dispatcher claims and dies before sending anything.
    first = Dispatcher(store, clock=clock, mail=smtp_sender(settings, clock=clock), lease=LEASE)
    assert len(first.claim()) == 2
    assert server.handler.received == []
    # A restarted dispatcher takes them when the lease ends, sends each once.
    clock.advance(LEASE + timedelta(seconds=1))
    restarted = Dispatcher(store, clock=clock, mail=smtp_sender(settings, clock=clock), lease=LEASE)
    assert restarted.run_once().sent == 2
    # Restarted again later: nothing is sent twice.
    clock.advance(timedelta(hours=1))
    again = Dispatcher(store, clock=clock, mail=smtp_sender(settings, clock=clock), lease=LEASE)
    assert again.run_once().claimed == 0
    with store.unit_of_work() as uow:
        assert uow.outbox.counts(ORG)[OutboxState.SENT] == 2
        assert uow.outbox.counts(ORG)[OutboxState.QUEUED] == 0

    received = server.handler.received
    assert sorted(r.rcpt_tos[0] for r in received) == ["bojan@dom.si", "dusan@dom.si"]
    assert all(len(r.rcpt_tos) == 1 and r.mail_from == "sporocila@dom.si" for r in received)
    mails = [parsed(r.content) for r in received]
    assert sorted(m["To"] for m in mails) == ["bojan@dom.si", "dusan@dom.si"]
    assert len({m["Message-ID"] for m in mails}) == 2
    for mail in mails:
        assert mail["Subject"] == "Navodila za vikend"
        assert mail["From"].addresses[0].display_name == "Ana Novak (Dom Ljubljana)"
        text = mail.get_body(("plain",))
        html = mail.get_body(("html",))
        assert text is not None
        assert html is not None
        assert "Prosim, preberite navodila." in text.get_content()
        assert "<b>navodila</b>" in html.get_content()
        [attachment] = list(mail.iter_attachments())
        assert attachment.get_filename() == "navodila č.pdf"
        assert attachment.get_content() == b"%PDF-1.7 navodila"
    with store.unit_of_work() as uow:
        reports = messaging.copies(uow, ORG, "m1")
    assert [(r.operator_id, r.outbox_state, r.failed) for r in reports] == [
        ("bojan", OutboxState.SENT, False),
        ("cvetka", None, True),
        ("dusan", OutboxState.SENT, False),
    ]


def test_a_refused_copy_is_visible_on_the_message(store: Storage, smtp_server: StartServer) -> None:
    server = smtp_server("plain")
    settings = settings_for(server.port)
    messaging = Messaging(new_id=lambda: "m1")
    clock = ManualClock(T0)
    with store.unit_of_work() as uow:
        uow.messaging.save_settings(settings)
        bojan = uow.messaging.get_operator(ORG, "bojan")
        uow.messaging.update_operator(attrs.evolve(bojan, email="refuse550@dom.si"))
        draft = messaging.draft(
            uow, ORG, "ana", subject="S", body="<p>B</p>", recipients=["bojan", "dusan"]
        )
        messaging.send(uow, draft, now=clock.now())
        uow.commit()
    report = Dispatcher(store, clock=clock, mail=smtp_sender(settings, clock=clock)).run_once()
    assert (report.sent, report.failed) == (1, 1)
    with store.unit_of_work() as uow:
        copies = {c.operator_id: c for c in messaging.copies(uow, ORG, "m1")}
    assert copies["bojan"].failed
    assert copies["bojan"].outbox_state is OutboxState.FAILED
    assert copies["bojan"].error_code == "smtp.550"
    assert "refuse550" not in copies["bojan"].error_detail
    assert not copies["dusan"].failed
    assert [r.rcpt_tos for r in server.handler.received] == [["dusan@dom.si"]]


def test_copies_without_smtp_settings_are_a_clear_error_and_the_message_still_arrives(
    store: Storage,
) -> None:
    settings = MessagingSettings(organisation_id=ORG, email_copies=True)
    messaging = Messaging()
    with store.unit_of_work() as uow:
        uow.messaging.save_settings(settings)
        draft = messaging.draft(
            uow, ORG, "ana", subject="S", body="<p>B</p>", recipients=["bojan", "cvetka"]
        )
        report = messaging.send(uow, draft, now=T0)
        uow.commit()
    error = report.copy_error
    assert error is not None
    assert error.code == "messaging.smtp_missing"
    assert error.where == "MessagingSettings.sending"
    assert "SMTP" in error.sl
    assert "SMTP" in error.en
    assert {c.state for c in report.copies} == {CopyState.NO_SMTP}
    with store.unit_of_work() as uow:
        assert messaging.unread_count(uow, ORG, "bojan") == 1
        assert messaging.unread_count(uow, ORG, "cvetka") == 1
        assert sum(uow.outbox.counts(ORG).values()) == 0
        assert all(c.failed for c in messaging.copies(uow, ORG, report.message.id))
    with pytest.raises(ConfigurationError) as err:
        smtp_sender(settings)
    assert err.value.code == "messaging.smtp_missing"


def test_copies_off_queue_nothing(store: Storage) -> None:
    messaging = Messaging()
    with store.unit_of_work() as uow:
        draft = messaging.draft(uow, ORG, "ana", subject="S", recipients=["bojan"])
        report = messaging.send(uow, draft, now=T0)
        uow.commit()
        assert sum(uow.outbox.counts(ORG).values()) == 0
    assert report.copies[0].state is CopyState.NONE
    assert report.copy_error is None


def test_a_rollback_drops_the_message_and_its_copies(
    store: Storage, smtp_server: StartServer
) -> None:
    server = smtp_server("plain")
    messaging = Messaging()
    with store.unit_of_work() as uow:
        uow.messaging.save_settings(settings_for(server.port))
        uow.commit()
    with store.unit_of_work() as uow:
        draft = messaging.draft(uow, ORG, "ana", subject="S", recipients=["bojan"])
        messaging.send(uow, draft, now=T0)
    with store.unit_of_work() as uow:
        assert sum(uow.outbox.counts(ORG).values()) == 0
        assert messaging.unread_count(uow, ORG, "bojan") == 0


def test_an_address_the_mail_layer_refuses_is_reported_not_queued(store: Storage) -> None:
    messaging = Messaging()
    with store.unit_of_work() as uow:
        uow.messaging.save_settings(settings_for(2525))
        bojan = uow.messaging.get_operator(ORG, "bojan")
        uow.messaging.update_operator(attrs.evolve(bojan, email="bojan@dom..si"))
        draft = messaging.draft(uow, ORG, "ana", subject="S", recipients=["bojan", "dusan"])
        report = messaging.send(uow, draft, now=T0)
        uow.commit()
        queued = uow.outbox.for_organisation(ORG)
        copies = messaging.copies(uow, ORG, report.message.id)
    assert [(c.operator_id, c.state) for c in report.copies] == [
        ("bojan", CopyState.INVALID_ADDRESS),
        ("dusan", CopyState.QUEUED),
    ]
    assert report.without_address == ("bojan",)
    assert [m.email.to for m in queued] == [("dusan@dom.si",)]
    assert [(c.operator_id, c.failed) for c in copies] == [("bojan", True), ("dusan", False)]
