"""Settings, operators, messages and notes: validation, masked repr, JSON round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests._roundtrip import assert_roundtrip

from szo_core.errors import (
    ConfigurationError,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
    SzoError,
)
from szo_core.messaging import (
    AttachmentRef,
    DepartmentNote,
    Folder,
    MailboxEntry,
    Message,
    MessageKind,
    MessagingSettings,
    NoteKind,
    Operator,
    SendingSettings,
)

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
SENDING = {"host": "smtp.dom.si", "sender": "sporocila@dom.si"}
OPERATOR = {"organisation_id": "dom", "id": "ana", "name": "Ana"}
MESSAGE = {
    "organisation_id": "dom", "id": "m1", "sender_id": "ana", "recipient_ids": ("bojan",),
    "subject": "S", "body_html": "<p>B</p>", "body_text": "B", "sent_at": T0, "thread_id": "m1",
}  # fmt: skip


@pytest.mark.parametrize(
    ("cls", "base", "change", "error", "code", "where"),
    [
        (SendingSettings, SENDING, {"host": " "}, InvalidComponent, "messaging.empty",
         "SendingSettings.host"),
        (SendingSettings, SENDING, {"port": 0}, InvalidComponent, "record.range",
         "SendingSettings.port"),
        (SendingSettings, SENDING, {"port": "587"}, InvalidType, "record.type",
         "SendingSettings.port"),
        (SendingSettings, SENDING, {"security": "ssl"}, InvalidComponent, "record.choice",
         "Security"),
        (SendingSettings, SENDING, {"sender": "a@b"}, InvalidFormat, "messaging.email",
         "SendingSettings.sender"),
        (Operator, OPERATOR, {"id": "ana novak"}, InvalidFormat, "messaging.id", "Operator.id"),
        (Operator, OPERATOR, {"id": "../x"}, InvalidFormat, "messaging.id", "Operator.id"),
        (Operator, OPERATOR, {"name": ""}, InvalidComponent, "messaging.empty", "Operator.name"),
        (Operator, OPERATOR, {"name": "A\x00"}, InvalidFormat, "record.text.nul",
         "Operator.name"),
        (Operator, OPERATOR, {"email": "ana@"}, InvalidFormat, "messaging.email",
         "Operator.email"),
        (Operator, OPERATOR, {"active": 1}, InvalidType, "record.type", "Operator.active"),
        (Operator, OPERATOR, {"departments": "Modri"}, InvalidType, "record.type",
         "Operator.departments"),
        (Operator, OPERATOR, {"departments": ("",)}, InvalidComponent, "messaging.list",
         "Operator.departments[0]"),
        (Message, MESSAGE, {"recipient_ids": ()}, InvalidComponent, "messaging.no_recipients",
         "Message.recipient_ids"),
        (Message, MESSAGE, {"recipient_ids": ("b", "b")}, InvalidComponent,
         "messaging.recipient_twice", "Message.recipient_ids"),
        (Message, MESSAGE, {"subject": "x" * 201}, InvalidLength, "messaging.subject.length",
         "Message.subject"),
        (Message, MESSAGE, {"body_html": "x" * 200_001}, InvalidLength, "messaging.body.length",
         "Message.body_html"),
        (Message, MESSAGE, {"sent_at": datetime(2026, 12, 2)}, ConfigurationError,
         "messaging.time", "Message.sent_at"),
        (Message, MESSAGE, {"language": "de"}, InvalidComponent, "messaging.language",
         "Message.language"),
        (Message, MESSAGE, {"kind": "fwd"}, InvalidComponent, "record.choice", "MessageKind"),
        (Message, MESSAGE, {"attachments": ("a.pdf",)}, InvalidComponent, "record.type",
         "Message.attachments[0]"),
    ],
)  # fmt: skip
def test_bad_values_name_the_field_not_the_value(
    cls: type, base: dict[str, object], change: dict[str, object], error: type[SzoError],
    code: str, where: str,
) -> None:  # fmt: skip
    with pytest.raises(error) as err:
        cls(**{**base, **change})
    assert (err.value.code, err.value.where) == (code, where)
    assert err.value.sl
    assert err.value.en
    for value in change.values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in str(err.value)


def test_addresses_are_masked_and_bodies_kept_out_of_repr() -> None:
    operator = Operator(**OPERATOR, email="ana.novak@dom.si")  # type: ignore[arg-type]
    settings = SendingSettings(host="smtp.dom.si", sender="ana.novak@dom.si")
    note = DepartmentNote(organisation_id="dom", id="n1", kind="observation", author_id="ana",
                          written_at=T0, department="Modri", resident="Marija Kranjc",
                          text="Slabo je spala.")  # fmt: skip
    message = Message(**{**MESSAGE, "body_html": "<p>zaupno</p>"})  # type: ignore[arg-type]
    for record, secret in ((operator, "ana.novak@"), (settings, "ana.novak@"),
                           (note, "Marija"), (note, "spala"), (message, "zaupno")):  # fmt: skip
        assert secret not in repr(record)
    assert "a***@dom.si" in repr(operator)


def test_times_are_kept_in_utc_and_entries_read_when_given() -> None:
    local = datetime(2026, 12, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    message = Message(**{**MESSAGE, "sent_at": local})  # type: ignore[arg-type]
    assert message.sent_at == T0
    assert message.sent_at.tzinfo is UTC
    entry = MailboxEntry(organisation_id="dom", operator_id="bojan", message_id="m1",
                         folder="inbox", sent_at=local)  # fmt: skip
    assert entry.folder is Folder.INBOX
    assert entry.unread
    assert MessagingSettings(organisation_id="dom").sending is None


ids = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                min_size=1, max_size=40).filter(str.strip)  # fmt: skip
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
emails = st.sampled_from(["", "ana@dom.si", "b.kos@example.si"])

operators = st.builds(
    Operator, organisation_id=ids, id=ids, name=texts, email=emails, active=st.booleans(),
    departments=st.lists(texts, max_size=3).map(tuple),
)  # fmt: skip
settings = st.builds(
    MessagingSettings, organisation_id=ids, enabled=st.booleans(), email_copies=st.booleans(),
    sending=st.none() | st.builds(
        SendingSettings, host=texts, port=st.none() | st.integers(1, 65535),
        security=st.sampled_from(["none", "starttls", "tls"]), username=st.text(max_size=10),
        sender=emails.filter(bool), sender_name=st.text(max_size=10),
    ),
)  # fmt: skip
messages = st.builds(
    Message, organisation_id=ids, id=ids, sender_id=ids,
    recipient_ids=st.lists(ids, min_size=1, max_size=4, unique=True).map(tuple),
    subject=st.text(max_size=50), body_html=st.text(max_size=80), body_text=st.text(max_size=80),
    sent_at=times, thread_id=ids, parent_id=st.none() | ids,
    kind=st.sampled_from(MessageKind), language=st.sampled_from(["sl", "en"]),
    attachments=st.lists(st.builds(AttachmentRef, id=ids, name=texts, content_type=texts,
                                   size=st.integers(0, 10**9)), max_size=3).map(tuple),
    note_id=st.none() | ids,
)  # fmt: skip
notes = st.builds(
    DepartmentNote, organisation_id=ids, id=ids, kind=st.sampled_from(NoteKind), author_id=ids,
    written_at=times, department=texts, resident=st.text(max_size=20), text=texts,
)  # fmt: skip
entries = st.builds(
    MailboxEntry, organisation_id=ids, operator_id=ids, message_id=ids,
    folder=st.sampled_from(Folder), sent_at=times, read_at=st.none() | times,
    archived=st.booleans(),
)  # fmt: skip


@given(st.one_of(operators, settings, messages, notes, entries))
def test_every_record_round_trips_through_json(record: object) -> None:
    assert_roundtrip(record)
