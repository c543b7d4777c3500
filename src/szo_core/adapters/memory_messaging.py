"""Operator messaging in memory: ``uow.messaging`` of a memory store.

:class:`MemoryMessaging` keeps its records in the unit of work's tables
(committed and rolled back with every other record); views scan the
operator's entries (fine for tests and notebooks; the SQL adapter reads an
index).  :class:`MemoryAttachmentStore` is the in-memory
:class:`~szo_core.messaging.ports.AttachmentStore`.

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.messaging.records import Operator
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.messaging.add_operator(Operator(organisation_id="dom", id="ana", name="Ana"))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     [o.name for o in uow.messaging.operators("dom")]
['Ana']
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from szo_core.adapters._common import conflict, duplicate, not_found
from szo_core.errors import ConfigurationError
from szo_core.messaging.attachments import check_key
from szo_core.messaging.records import (
    DepartmentNote,
    Folder,
    MailboxEntry,
    Message,
    MessagingSettings,
    NoteKind,
    Operator,
)

if TYPE_CHECKING:
    from szo_core.adapters.memory import MemoryTable, MemoryUnitOfWork

__all__ = ["MemoryAttachmentStore", "MemoryMessaging", "check_page", "check_seen"]

V = TypeVar("V", Operator, DepartmentNote, MessagingSettings)


def check_page(offset: int, limit: int) -> None:
    """Refuse a negative offset or a limit below 1 (every adapter checks the same)."""
    for name, value, least in (("offset", offset, 0), ("limit", limit, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigurationError(
                "messaging.page",
                sl=f"{name} mora biti celo število, vsaj {least}.",
                en=f"{name} must be a whole number, at least {least}.",
                where=name,
            )


def check_seen(at: datetime) -> datetime:
    """``at`` in UTC; a naive or non-datetime value is ``messaging.time``."""
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise ConfigurationError(
            "messaging.time",
            sl="Čas mora biti datetime s časovnim pasom.",
            en="A time must be a timezone-aware datetime.",
            where="at",
        )
    return at.astimezone(UTC)


def _entry_key(entry: MailboxEntry) -> tuple[str, tuple[str, str, str]]:
    return (entry.organisation_id, (entry.operator_id, entry.message_id, entry.folder.value))


def _newest_first(pair: tuple[MailboxEntry, Message]) -> tuple[datetime, str]:
    return (pair[0].sent_at, pair[0].message_id)


class MemoryMessaging:
    """``uow.messaging`` in memory (see :class:`~szo_core.messaging.ports.MessagingRepository`)."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._settings: MemoryTable[MessagingSettings] = uow.table("messaging_settings")
        self._operators: MemoryTable[Operator] = uow.table("messaging_operators")
        self._messages: MemoryTable[Message] = uow.table("messaging_messages")
        self._entries: MemoryTable[MailboxEntry] = uow.table("messaging_entries")
        self._notes: MemoryTable[DepartmentNote] = uow.table("messaging_notes")
        self._seen: MemoryTable[datetime] = uow.table("messaging_notes_seen")

    def __repr__(self) -> str:
        return "MemoryMessaging()"

    # -- versioned records -------------------------------------------------------------

    def _add(self, table: MemoryTable[V], kind: str, key: tuple[str, str], record: V) -> V:
        if table.get(key) is not None:
            self._uow.rollback()
            raise duplicate(kind, *key)
        table.insert(key, record)
        return record

    def _update(self, table: MemoryTable[V], kind: str, key: tuple[str, str], record: V) -> V:
        current = table.get(key)
        if current is None:
            raise not_found(kind, *key)
        if current.version != record.version:
            self._uow.rollback()
            raise conflict(kind, *key)
        stored = attrs.evolve(cast(Any, record), version=record.version + 1)
        table.replace(key, stored)
        return cast(V, stored)

    def settings(self, organisation_id: str) -> MessagingSettings | None:
        """The organisation's settings, or None."""
        return self._settings.get((organisation_id, ""))

    def save_settings(self, settings: MessagingSettings) -> MessagingSettings:
        """Store new settings (version 0) or replace the stored ones."""
        key = (settings.organisation_id, "")
        if self._settings.get(key) is None and settings.version == 0:
            return self._add(self._settings, "messaging_settings", key, settings)
        if self._settings.get(key) is None:
            raise not_found("messaging_settings", *key)
        return self._update(self._settings, "messaging_settings", key, settings)

    def add_operator(self, operator: Operator) -> Operator:
        """Store a new operator."""
        key = (operator.organisation_id, operator.id)
        return self._add(self._operators, "messaging_operators", key, operator)

    def find_operator(self, organisation_id: str, operator_id: str) -> Operator | None:
        """The operator, or None."""
        return self._operators.get((organisation_id, operator_id))

    def get_operator(self, organisation_id: str, operator_id: str) -> Operator:
        """The operator (NotFound if none)."""
        found = self.find_operator(organisation_id, operator_id)
        if found is None:
            raise not_found("messaging_operators", organisation_id, operator_id)
        return found

    def operators(self, organisation_id: str) -> tuple[Operator, ...]:
        """Every operator of the organisation, by id."""
        found = [o for (org, _), o in self._items(self._operators) if org == organisation_id]
        return tuple(sorted(found, key=lambda o: o.id))

    def update_operator(self, operator: Operator) -> Operator:
        """Replace the stored operator."""
        key = (operator.organisation_id, operator.id)
        return self._update(self._operators, "messaging_operators", key, operator)

    @staticmethod
    def _items(table: MemoryTable[Any]) -> Iterator[tuple[Any, Any]]:
        return cast(Iterator[tuple[Any, Any]], table.items())

    # -- messages and entries ----------------------------------------------------------

    def add_message(self, message: Message, entries: Iterable[MailboxEntry]) -> Message:
        """Store a message and its entries."""
        key = (message.organisation_id, message.id)
        entries = tuple(entries)
        if self._messages.get(key) is not None:
            self._uow.rollback()
            raise duplicate("messaging_messages", *key)
        for entry in entries:
            if entry.message_id != message.id or entry.organisation_id != message.organisation_id:
                raise ConfigurationError(
                    "messaging.entry",
                    sl="Vnos nabiralnika ne pripada temu sporočilu.",
                    en="A mailbox entry does not belong to this message.",
                    where="entries",
                )
            if self._entries.get(_entry_key(entry)) is not None:
                self._uow.rollback()
                raise duplicate("messaging_entries", message.organisation_id, entry.operator_id)
        self._messages.insert(key, message)
        for entry in entries:
            self._entries.insert(_entry_key(entry), entry)
        return message

    def find_message(self, organisation_id: str, message_id: str) -> Message | None:
        """The message, or None."""
        return self._messages.get((organisation_id, message_id))

    def get_message(self, organisation_id: str, message_id: str) -> Message:
        """The message (NotFound if none)."""
        found = self.find_message(organisation_id, message_id)
        if found is None:
            raise not_found("messaging_messages", organisation_id, message_id)
        return found

    def thread(self, organisation_id: str, thread_id: str) -> tuple[Message, ...]:
        """Every message of a thread, oldest first."""
        found = [
            m
            for (org, _), m in self._items(self._messages)
            if org == organisation_id and m.thread_id == thread_id
        ]
        return tuple(sorted(found, key=lambda m: (m.sent_at, m.id)))

    def find_entry(
        self, organisation_id: str, operator_id: str, message_id: str, folder: Folder
    ) -> MailboxEntry | None:
        """One operator's entry of a message on one side, or None."""
        return self._entries.get((organisation_id, (operator_id, message_id, Folder(folder).value)))

    def entries(self, organisation_id: str, message_id: str) -> tuple[MailboxEntry, ...]:
        """Every entry of a message: the sender's first, then recipients by id."""
        found = [
            e
            for (org, _), e in self._items(self._entries)
            if org == organisation_id and e.message_id == message_id
        ]
        return tuple(sorted(found, key=lambda e: (e.folder is not Folder.SENT, e.operator_id)))

    def page(
        self,
        organisation_id: str,
        operator_id: str,
        folder: Folder,
        *,
        archived: bool,
        offset: int,
        limit: int,
    ) -> tuple[tuple[MailboxEntry, Message], ...]:
        """Entries of one view with their messages, newest first."""
        check_page(offset, limit)
        folder = Folder(folder)
        pairs = []
        for (org, _), entry in self._items(self._entries):
            if (
                org == organisation_id
                and entry.operator_id == operator_id
                and entry.folder is folder
                and entry.archived is archived
            ):
                pairs.append((entry, self.get_message(organisation_id, entry.message_id)))
        pairs.sort(key=_newest_first, reverse=True)
        return tuple(pairs[offset : offset + limit])

    def unread_count(self, organisation_id: str, operator_id: str) -> int:
        """How many inbox entries of the operator are unread."""
        return sum(
            1
            for (org, _), e in self._items(self._entries)
            if org == organisation_id
            and e.operator_id == operator_id
            and e.folder is Folder.INBOX
            and e.read_at is None
        )

    def update_entry(self, entry: MailboxEntry) -> MailboxEntry:
        """Replace a stored entry."""
        key = _entry_key(entry)
        if self._entries.get(key) is None:
            raise not_found("messaging_entries", entry.organisation_id, entry.message_id)
        self._entries.replace(key, entry)
        return entry

    def remove_entry(self, entry: MailboxEntry) -> None:
        """Remove an entry."""
        key = _entry_key(entry)
        if self._entries.get(key) is None:
            raise not_found("messaging_entries", entry.organisation_id, entry.message_id)
        self._entries.delete(key)

    # -- department notes --------------------------------------------------------------

    def add_note(self, note: DepartmentNote) -> DepartmentNote:
        """Store a new department note."""
        return self._add(self._notes, "messaging_notes", (note.organisation_id, note.id), note)

    def get_note(self, organisation_id: str, note_id: str) -> DepartmentNote:
        """The note (NotFound if none)."""
        found = self._notes.get((organisation_id, note_id))
        if found is None:
            raise not_found("messaging_notes", organisation_id, note_id)
        return found

    def notes(
        self,
        organisation_id: str,
        *,
        kind: NoteKind | None = None,
        department: str | None = None,
        limit: int = 100,
    ) -> tuple[DepartmentNote, ...]:
        """Notes, newest first."""
        check_page(0, limit)
        found = [
            n
            for (org, _), n in self._items(self._notes)
            if org == organisation_id
            and (kind is None or n.kind is NoteKind(kind))
            and (department is None or n.department == department)
        ]
        found.sort(key=lambda n: (n.written_at, n.id), reverse=True)
        return tuple(found[:limit])

    def note_counts(
        self,
        organisation_id: str,
        *,
        since: datetime | None,
        departments: Iterable[str] = (),
        exclude_author: str | None = None,
    ) -> Mapping[NoteKind, int]:
        """How many notes of each kind were written after ``since``."""
        after = None if since is None else check_seen(since)
        wanted = frozenset(departments)
        counts = dict.fromkeys(NoteKind, 0)
        for (org, _), note in self._items(self._notes):
            if (
                org == organisation_id
                and (after is None or note.written_at > after)
                and (not wanted or note.department in wanted)
                and note.author_id != exclude_author
            ):
                counts[note.kind] += 1
        return counts

    def notes_seen(self, organisation_id: str, operator_id: str) -> datetime | None:
        """When the operator last saw the notes, or None."""
        return self._seen.get((organisation_id, operator_id))

    def set_notes_seen(self, organisation_id: str, operator_id: str, at: datetime) -> None:
        """Record that the operator saw the notes up to ``at``."""
        key: Hashable = (organisation_id, operator_id)
        at = check_seen(at)
        if self._seen.get(key) is None:
            self._seen.insert(key, at)
        else:
            self._seen.replace(key, at)


class MemoryAttachmentStore:
    """Attachment bytes in a dict (see :class:`~szo_core.messaging.ports.AttachmentStore`)."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryAttachmentStore(files={len(self._files)})"

    def put(self, organisation_id: str, attachment_id: str, data: bytes) -> None:
        """Store ``data`` (an id stored already keeps its bytes)."""
        check_key(organisation_id, attachment_id)
        with self._lock:
            self._files.setdefault((organisation_id, attachment_id), bytes(data))

    def get(self, organisation_id: str, attachment_id: str) -> bytes:
        """The bytes (NotFound if none)."""
        check_key(organisation_id, attachment_id)
        found = self._files.get((organisation_id, attachment_id))
        if found is None:
            raise not_found("attachments", organisation_id, attachment_id)
        return found

    def exists(self, organisation_id: str, attachment_id: str) -> bool:
        """Whether the id is stored."""
        check_key(organisation_id, attachment_id)
        return (organisation_id, attachment_id) in self._files
