"""Confirmation e-mail over real SMTP with its ICS, signed cancel/reschedule links, reminders."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import icalendar
import pytest
from tests.booking.conftest import ANA, BOJAN, NOW, ORG

from szo_core.adapters.smtp import SmtpMailSender, SmtpSettings
from szo_core.booking import AppointmentState, BookingError, LinkError, SlotTaken
from szo_core.booking.mail import when_text
from szo_core.outbox.dispatch import Dispatcher

EIGHT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 23 November 2026, 8.00 local
TEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def book(w, start=EIGHT, who=ANA):
    held = w.desk.reserve(ORG, "center", "info", start, who)
    return w.desk.confirm(ORG, held.id, w.last_code(who.email, held.id))


def confirmation(w, who=ANA):
    return [m for m in w.mails(who.email) if m.subject.startswith("Potrjen termin")]


def token(text: str, purpose: str) -> str:
    part = "[A-Za-z0-9_-]+"
    url = re.search(rf"https://portal\.example\.si/termin/{purpose}\?t={part}\.{part}", text)
    assert url is not None, purpose
    return parse_qs(urlparse(url.group(0)).query)["t"][0]


def test_the_date_and_time_are_written_the_slovenian_way() -> None:
    start = datetime(2021, 11, 22, 7, 30, tzinfo=UTC)
    assert (
        when_text(start, start + timedelta(minutes=30))
        == "ponedeljek, 22. novembra 2021, 8.30–9.00"
    )
    summer = datetime(2026, 7, 1, 7, 5, tzinfo=UTC)
    assert when_text(summer, summer + timedelta(hours=1)) == "sreda, 1. julija 2026, 9.05–10.05"


def test_the_confirmation_has_the_time_office_service_and_links(world) -> None:
    w = world()
    booked = book(w)
    [mail] = confirmation(w)
    assert mail.subject == "Potrjen termin: ponedeljek, 23. novembra 2026, 8.00–8.30"
    assert "UE Ljubljana, Center" in mail.text
    assert "Splošne informacije" in mail.text
    assert f"https://video.example.si/center/{booked.id}" in mail.text
    assert mail.html is not None
    assert f'href="https://video.example.si/center/{booked.id}"' in mail.html
    for purpose in ("cancel", "reschedule", "files"):
        assert w.signer.verify(token(mail.text, purpose), purpose, now=NOW) == (ORG, booked.id)
    [ics] = mail.attachments
    assert ics.filename == "termin.ics"
    assert ics.content_type.startswith("text/calendar")


def test_the_confirmation_reaches_a_real_smtp_server_with_the_right_ics(world, smtp_server) -> None:
    server = smtp_server("plain")
    w = world()
    booked = book(w)
    sender = SmtpMailSender(
        SmtpSettings(host=server.host, port=server.port, security="none", timeout=5), clock=w.clock
    )
    dispatcher = Dispatcher(w.store, clock=w.clock, mail=sender, seal=w.desk.seal)
    sent = 0
    while (report := dispatcher.run_once()).claimed:
        sent += report.sent
    assert sent == 2  # the code, then the confirmation
    received = [r for r in server.handler.received if r.rcpt_tos == [ANA.email]]
    parsed = [email.message_from_bytes(r.content, policy=email.policy.default) for r in received]
    [message] = [p for p in parsed if str(p["Subject"]).startswith("Potrjen termin")]
    assert "ponedeljek, 23. novembra 2026, 8.00–8.30" in str(message["Subject"])
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    calendar = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.astimezone(UTC) == EIGHT == booked.start
    assert event.decoded("dtend").astimezone(UTC) == booked.end
    assert str(event["dtstart"].params["TZID"]) == "Europe/Ljubljana"
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Ljubljana"]
    assert str(event["location"]) == f"https://video.example.si/center/{booked.id}"
    assert str(calendar["method"]) == "REQUEST"


def test_cancel_through_the_signed_link_frees_the_slot_once(world) -> None:
    w = world()
    book(w)
    [mail] = confirmation(w)
    cancel = token(mail.text, "cancel")
    with pytest.raises(LinkError):
        w.desk.cancel(token(mail.text, "reschedule"))  # another purpose
    with pytest.raises(LinkError):
        w.desk.cancel(cancel[:-2] + ("AA" if not cancel.endswith("AA") else "BB"))  # changed
    assert w.desk.cancel(cancel).state is AppointmentState.CANCELLED
    assert EIGHT in w.slots(date(2026, 11, 23))
    with pytest.raises(BookingError):
        w.desk.cancel(cancel)
    with pytest.raises(BookingError):  # an old link of a cancelled booking moves nothing
        w.desk.reschedule(token(mail.text, "reschedule"), TEN)


def test_a_cancellation_mail_removes_the_event_from_the_calendar(world) -> None:
    w = world()
    booked = book(w)
    w.advance(minutes=5)
    w.desk.cancel(w.desk.links(booked).cancel.split("t=", 1)[1])
    [mail] = [m for m in w.mails(ANA.email) if m.subject.startswith("Preklican termin")]
    assert mail.subject == "Preklican termin: ponedeljek, 23. novembra 2026, 8.00–8.30"
    invited = icalendar.Calendar.from_ical(confirmation(w)[0].attachments[0].data)
    cancelled = icalendar.Calendar.from_ical(mail.attachments[0].data)
    assert str(cancelled["method"]) == "CANCEL"
    first, last = invited.walk("VEVENT")[0], cancelled.walk("VEVENT")[0]
    assert first["uid"] == last["uid"]
    assert str(last["status"]) == "CANCELLED"
    assert int(last["sequence"]) > int(first["sequence"])
    assert last.decoded("dtstart").astimezone(UTC) == EIGHT


def test_a_link_expires(world) -> None:
    w = world()
    book(w)
    cancel = token(confirmation(w)[0].text, "cancel")
    w.advance(days=40)
    with pytest.raises(LinkError):
        w.desk.cancel(cancel)


def test_reschedule_moves_the_booking_and_sends_a_new_invitation(world) -> None:
    w = world()
    booked = book(w)
    book(w, TEN - timedelta(minutes=30), BOJAN)  # 9.30 is taken by someone else
    link = token(confirmation(w)[0].text, "reschedule")
    with pytest.raises(SlotTaken):
        w.desk.reschedule(link, TEN - timedelta(minutes=30))
    w.advance(minutes=5)
    moved = w.desk.reschedule(link, TEN)
    assert moved.start == TEN
    assert moved.id == booked.id
    day = date(2026, 11, 23)
    assert EIGHT in w.slots(day)
    assert TEN not in w.slots(day)
    mails = confirmation(w)
    assert len(mails) == 2
    assert "10.00–10.30" in mails[-1].subject
    first, second = (
        icalendar.Calendar.from_ical(m.attachments[0].data).walk("VEVENT")[0] for m in mails
    )
    assert first["uid"] == second["uid"]
    assert int(second["sequence"]) > int(first["sequence"])
    # Moving within its own time (8.00 -> 8.30 overlaps nothing else) works too.
    assert w.desk.reschedule(link, EIGHT + timedelta(minutes=30)).start == EIGHT + timedelta(
        minutes=30
    )


def test_the_reminder_goes_the_day_before_through_the_outbox_once(world) -> None:
    w = world()
    book(w)  # Monday 23rd
    other = book(w, datetime(2026, 11, 24, 7, 0, tzinfo=UTC), BOJAN)  # Tuesday 24th
    cancelled = book(w, TEN, BOJAN)
    w.desk.cancel(w.desk.links(cancelled).cancel.split("t=", 1)[1])
    assert w.desk.queue_reminders(ORG) == 0  # Friday 20th: nothing tomorrow
    w.clock.set(datetime(2026, 11, 22, 16, 0, tzinfo=UTC))  # Sunday
    assert w.desk.queue_reminders(ORG) == 1
    assert w.desk.queue_reminders(ORG) == 1  # again: the outbox keeps one
    reminders = [m for m in w.mails() if m.subject.startswith("Opomnik")]
    assert len(reminders) == 1
    assert reminders[0].to == (ANA.email,)
    assert "ponedeljek, 23. novembra 2026, 8.00–8.30" in reminders[0].subject
    assert other.id
    assert cancelled.id
