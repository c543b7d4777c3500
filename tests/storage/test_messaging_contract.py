"""The messaging part of the storage contract: memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.storage._backend import Backend
from tests.storage.test_contract import backend_settings

from szo_core.errors import ConcurrencyConflict, ConfigurationError, NotFound, StorageError
from szo_core.messaging import (
    AttachmentRef,
    CopyState,
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
from szo_core.ports import Storage

ORG = "dom"
T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def message(
    n: int,
    *,
    sender: str = "ana",
    to: tuple[str, ...] = ("bojan", "cvetka"),
    at: datetime | None = None,
    thread: str | None = None,
    org: str = ORG,
) -> Message:
    return Message(
        organisation_id=org,
        id=f"m{n}",
        sender_id=sender,
        recipient_ids=to,
        subject=f"Zadeva {n}",
        body_html=f"<p>Sporočilo {n}</p>",
        body_text=f"Sporočilo {n}",
        sent_at=at or T0 + timedelta(minutes=n),
        thread_id=thread or f"m{n}",
    )


def entries(m: Message, *, read: tuple[str, ...] = ()) -> list[MailboxEntry]:
    out = [
        MailboxEntry(
            organisation_id=m.organisation_id,
            operator_id=m.sender_id,
            message_id=m.id,
            folder=Folder.SENT,
            sent_at=m.sent_at,
            read_at=m.sent_at,
        )
    ]
    for r in m.recipient_ids:
        out.append(
            MailboxEntry(
                organisation_id=m.organisation_id,
                operator_id=r,
                message_id=m.id,
                folder=Folder.INBOX,
                sent_at=m.sent_at,
                read_at=m.sent_at if r in read else None,
            )
        )
    return out


def send(store: Storage, *messages: Message) -> None:
    with store.unit_of_work() as uow:
        for m in messages:
            uow.messaging.add_message(m, entries(m))
        uow.commit()


def test_settings_are_stored_replaced_and_version_checked(backend: Backend) -> None:
    store = backend.store
    settings = MessagingSettings(
        organisation_id=ORG,
        email_copies=True,
        sending=SendingSettings(
            host="smtp.dom.si",
            port=2525,
            security="tls",
            username="dom",
            sender="sporocila@dom.si",
            sender_name="Dom Ljubljana",
        ),
    )
    with store.unit_of_work() as uow:
        assert uow.messaging.settings(ORG) is None
        assert uow.messaging.save_settings(settings) == settings
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.messaging.settings(ORG) == settings
        off = uow.messaging.save_settings(attrs.evolve(settings, enabled=False, sending=None))
        uow.commit()
    assert off.version == 1
    with store.unit_of_work() as uow:
        assert uow.messaging.settings(ORG) == off
        assert uow.messaging.settings("other") is None
    for stale in (settings, attrs.evolve(settings, version=0)):
        with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
            uow.messaging.save_settings(stale)
    with store.unit_of_work() as uow:
        assert uow.messaging.settings(ORG) == off


def test_operators_round_trip_and_check_versions(backend: Backend) -> None:
    store = backend.store
    ana = Operator(
        organisation_id=ORG,
        id="ana",
        name="Ana Novak",
        email="ana@dom.si",
        departments=("Modri", "Rumeni"),
    )
    with store.unit_of_work() as uow:
        uow.messaging.add_operator(ana)
        uow.messaging.add_operator(Operator(organisation_id=ORG, id="aa", name="Aa"))
        uow.messaging.add_operator(Operator(organisation_id="other", id="zz", name="Zz"))
        uow.commit()
    with store.unit_of_work() as uow, pytest.raises(StorageError) as dup:
        uow.messaging.add_operator(ana)
    assert dup.value.code == "storage.duplicate"
    with store.unit_of_work() as uow:
        assert uow.messaging.get_operator(ORG, "ana") == ana
        assert [o.id for o in uow.messaging.operators(ORG)] == ["aa", "ana"]
        assert uow.messaging.find_operator(ORG, "zz") is None
        with pytest.raises(NotFound):
            uow.messaging.get_operator(ORG, "nobody")
        moved = uow.messaging.update_operator(attrs.evolve(ana, active=False, email=""))
        uow.commit()
    assert moved.version == 1
    with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
        uow.messaging.update_operator(ana)
    with store.unit_of_work() as uow:
        assert uow.messaging.get_operator(ORG, "ana") == moved
        with pytest.raises(NotFound):
            uow.messaging.update_operator(attrs.evolve(ana, id="nobody"))


def test_a_message_round_trips_with_its_entries(backend: Backend) -> None:
    m = attrs.evolve(
        message(1),
        subject="Odg: navodila – č š ž 😀",
        kind=MessageKind.REPLY,
        parent_id="m0",
        language="en",
        note_id="n-7",
        attachments=(
            AttachmentRef(
                id="a" * 64, name="izvid č.pdf", content_type="application/pdf", size=1234
            ),
        ),
        sent_at=datetime(2026, 12, 2, 9, 5, 7, 123456, tzinfo=timezone(timedelta(hours=1))),
    )
    send(backend.store, m)
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.get_message(ORG, "m1") == m
        assert uow.messaging.get_message(ORG, "m1").sent_at.tzinfo is UTC
        assert uow.messaging.find_message("other", "m1") is None
        assert [(e.operator_id, e.folder) for e in uow.messaging.entries(ORG, "m1")] == [
            ("ana", Folder.SENT),
            ("bojan", Folder.INBOX),
            ("cvetka", Folder.INBOX),
        ]
        assert uow.messaging.entries(ORG, "m1") == tuple(entries(m))
        with pytest.raises(NotFound):
            uow.messaging.get_message(ORG, "m2")
    with backend.store.unit_of_work() as uow, pytest.raises(StorageError) as dup:
        uow.messaging.add_message(m, [])
    assert dup.value.code == "storage.duplicate"


def test_a_rollback_stores_neither_message_nor_entries(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow:
        uow.messaging.add_message(message(1), entries(message(1)))
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.find_message(ORG, "m1") is None
        assert uow.messaging.entries(ORG, "m1") == ()
        assert uow.messaging.unread_count(ORG, "bojan") == 0


def test_entries_of_another_message_are_refused(backend: Backend) -> None:
    with backend.store.unit_of_work() as uow, pytest.raises(ConfigurationError) as err:
        uow.messaging.add_message(message(1), entries(message(2)))
    assert err.value.code == "messaging.entry"


def test_views_are_newest_first_paged_and_per_operator_and_side(backend: Backend) -> None:
    same = T0 + timedelta(hours=1)
    send(
        backend.store,
        *(message(n) for n in range(1, 8)),
        message(8, at=same),
        message(9, at=same),  # the same time: by id, descending
        message(10, sender="bojan", to=("ana",)),
        message(11, org="other"),
    )
    with backend.store.unit_of_work() as uow:

        def ids(
            operator: str, folder: Folder, offset: int = 0, limit: int = 100, archived: bool = False
        ) -> list[str]:
            rows = uow.messaging.page(
                ORG, operator, folder, archived=archived, offset=offset, limit=limit
            )
            assert all(e.operator_id == operator and e.folder is folder for e, _ in rows)
            assert all(e.message_id == m.id for e, m in rows)
            return [m.id for _, m in rows]

        assert ids("bojan", Folder.INBOX) == ["m9", "m8", "m7", "m6", "m5", "m4", "m3", "m2", "m1"]
        assert ids("bojan", Folder.INBOX, 0, 3) == ["m9", "m8", "m7"]
        assert ids("bojan", Folder.INBOX, 3, 3) == ["m6", "m5", "m4"]
        assert ids("bojan", Folder.INBOX, 9, 3) == []
        assert ids("bojan", Folder.SENT) == ["m10"]
        assert ids("ana", Folder.INBOX) == ["m10"]
        assert ids("ana", Folder.SENT)[:2] == ["m9", "m8"]
        entry = uow.messaging.find_entry(ORG, "bojan", "m8", Folder.INBOX)
        assert entry is not None
        uow.messaging.update_entry(attrs.evolve(entry, archived=True))
        assert ids("bojan", Folder.INBOX, 0, 3) == ["m9", "m7", "m6"]
        assert ids("bojan", Folder.INBOX, archived=True) == ["m8"]
        assert ids("cvetka", Folder.INBOX, 0, 2) == ["m9", "m8"]  # her own copy is not archived
        for bad in ({"offset": -1, "limit": 5}, {"offset": 0, "limit": 0}):
            with pytest.raises(ConfigurationError) as err:
                uow.messaging.page(ORG, "bojan", Folder.INBOX, archived=False, **bad)
            assert err.value.code == "messaging.page"


def test_unread_is_per_recipient_and_counts_archived_ones(backend: Backend) -> None:
    send(backend.store, message(1), message(2), message(3, to=("cvetka",)))
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.unread_count(ORG, "bojan") == 2
        assert uow.messaging.unread_count(ORG, "cvetka") == 3
        assert uow.messaging.unread_count(ORG, "ana") == 0  # the sender's copies are read
        entry = uow.messaging.find_entry(ORG, "bojan", "m1", Folder.INBOX)
        assert entry is not None
        assert entry.unread
        uow.messaging.update_entry(attrs.evolve(entry, read_at=T0 + timedelta(days=1)))
        other = uow.messaging.find_entry(ORG, "cvetka", "m2", Folder.INBOX)
        assert other is not None
        uow.messaging.update_entry(attrs.evolve(other, archived=True))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.unread_count(ORG, "bojan") == 1
        assert uow.messaging.unread_count(ORG, "cvetka") == 3
        cvetka = uow.messaging.find_entry(ORG, "cvetka", "m1", Folder.INBOX)
        assert cvetka is not None
        assert cvetka.read_at is None
        read = uow.messaging.find_entry(ORG, "bojan", "m1", Folder.INBOX)
        assert read is not None
        assert read.read_at == T0 + timedelta(days=1)


def test_removing_an_entry_leaves_the_other_side(backend: Backend) -> None:
    send(backend.store, message(1))
    with backend.store.unit_of_work() as uow:
        sent = uow.messaging.find_entry(ORG, "ana", "m1", Folder.SENT)
        assert sent is not None
        uow.messaging.remove_entry(sent)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.find_entry(ORG, "ana", "m1", Folder.SENT) is None
        assert uow.messaging.page(ORG, "ana", Folder.SENT, archived=False, offset=0, limit=5) == ()
        assert [
            m.id
            for _, m in uow.messaging.page(
                ORG, "bojan", Folder.INBOX, archived=False, offset=0, limit=5
            )
        ] == ["m1"]
        assert uow.messaging.get_message(ORG, "m1") == message(1)
        with pytest.raises(NotFound):
            uow.messaging.remove_entry(sent)
        with pytest.raises(NotFound):
            uow.messaging.update_entry(sent)


def test_copy_state_is_stored_on_the_entry(backend: Backend) -> None:
    send(backend.store, message(1))
    with backend.store.unit_of_work() as uow:
        entry = uow.messaging.find_entry(ORG, "bojan", "m1", Folder.INBOX)
        assert entry is not None
        assert entry.copy is CopyState.NONE
        changed = attrs.evolve(entry, copy=CopyState.QUEUED, copy_outbox_id="0" * 32)
        uow.messaging.update_entry(changed)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.find_entry(ORG, "bojan", "m1", "inbox") == changed  # type: ignore[arg-type]


def test_threads_are_oldest_first(backend: Backend) -> None:
    send(backend.store, message(3, thread="m1"), message(1), message(2, thread="m1"), message(4))
    with backend.store.unit_of_work() as uow:
        assert [m.id for m in uow.messaging.thread(ORG, "m1")] == ["m1", "m2", "m3"]
        assert [m.id for m in uow.messaging.thread(ORG, "m4")] == ["m4"]


def note(
    n: int,
    kind: NoteKind,
    *,
    author: str = "ana",
    department: str = "Modri",
    at: datetime | None = None,
) -> DepartmentNote:
    return DepartmentNote(
        organisation_id=ORG,
        id=f"n{n}",
        kind=kind,
        author_id=author,
        written_at=at or T0 + timedelta(hours=n),
        department=department,
        resident="Marija Kranjc",
        text=f"Besedilo {n}\nv dveh vrsticah",
    )


def test_notes_are_listed_and_counted_since_a_time(backend: Backend) -> None:
    notes = [
        note(1, NoteKind.INSTRUCTION),
        note(2, NoteKind.OBSERVATION),
        note(3, NoteKind.OBSERVATION, department="Rumeni"),
        note(4, NoteKind.INSTRUCTION, author="bojan"),
    ]
    with backend.store.unit_of_work() as uow:
        for n in notes:
            uow.messaging.add_note(n)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        m = uow.messaging
        assert m.get_note(ORG, "n2") == notes[1]
        with pytest.raises(NotFound):
            m.get_note(ORG, "n9")
        assert [n.id for n in m.notes(ORG)] == ["n4", "n3", "n2", "n1"]
        assert [n.id for n in m.notes(ORG, kind=NoteKind.OBSERVATION)] == ["n3", "n2"]
        assert [n.id for n in m.notes(ORG, department="Modri", limit=2)] == ["n4", "n2"]
        assert m.note_counts(ORG, since=None) == {NoteKind.INSTRUCTION: 2, NoteKind.OBSERVATION: 2}
        assert m.note_counts(ORG, since=T0 + timedelta(hours=2)) == {
            NoteKind.INSTRUCTION: 1,
            NoteKind.OBSERVATION: 1,
        }
        assert m.note_counts(ORG, since=None, departments=["Modri"], exclude_author="bojan") == {
            NoteKind.INSTRUCTION: 1,
            NoteKind.OBSERVATION: 1,
        }
        assert m.note_counts("other", since=None) == {
            NoteKind.INSTRUCTION: 0,
            NoteKind.OBSERVATION: 0,
        }


def test_when_notes_were_seen_is_kept_per_operator(backend: Backend) -> None:
    later = T0 + timedelta(days=1)
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.notes_seen(ORG, "ana") is None
        uow.messaging.set_notes_seen(ORG, "ana", T0)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.notes_seen(ORG, "ana") == T0
        uow.messaging.set_notes_seen(ORG, "ana", later.astimezone(timezone(timedelta(hours=1))))
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.messaging.notes_seen(ORG, "ana") == later
        assert uow.messaging.notes_seen(ORG, "bojan") is None
        with pytest.raises(ConfigurationError):
            uow.messaging.set_notes_seen(ORG, "ana", datetime(2026, 12, 2))  # naive


texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60
)


def test_any_message_round_trips(backend: Backend) -> None:
    @backend_settings(backend)
    @given(
        subject=texts.map(lambda s: s[:200]),
        body=texts,
        names=st.lists(texts.filter(str.strip), max_size=3),
        micro=st.integers(0, 999_999),
    )
    def check(subject: str, body: str, names: list[str], micro: int) -> None:
        backend.reset()
        m = attrs.evolve(
            message(1),
            subject=subject,
            body_html=body,
            body_text=body,
            sent_at=T0.replace(microsecond=micro),
            attachments=tuple(
                AttachmentRef(id=f"{i:064x}", name=n, content_type="text/plain", size=i)
                for i, n in enumerate(names)
            ),
        )
        send(backend.store, m)
        with backend.store.unit_of_work() as uow:
            assert uow.messaging.get_message(ORG, "m1") == m
            assert (
                uow.messaging.page(ORG, "bojan", Folder.INBOX, archived=False, offset=0, limit=1)[
                    0
                ][1]
                == m
            )

    check()
