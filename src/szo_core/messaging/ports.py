"""The ports of operator messaging: its repository in the unit of work, and the attachment store.

:class:`MessagingRepository` is ``uow.messaging``: settings, operators,
messages with one :class:`~szo_core.messaging.records.MailboxEntry` per
operator and side, department notes, and when each operator last saw the
notes.  Adapters: :class:`szo_core.adapters.memory_messaging.MemoryMessaging`
and :class:`szo_core.adapters.sql.messaging.SqlMessaging`; both pass
``tests/storage/test_messaging_contract.py``.

The rules every adapter keeps:

* Settings, operators and notes follow the repositories of
  :mod:`szo_core.ports`: ``add_*`` refuses a taken key (``storage.duplicate``),
  ``update_*`` checks ``version`` (:class:`~szo_core.errors.ConcurrencyConflict`)
  and returns the record with ``version + 1``; ``get_*`` raises
  :class:`~szo_core.errors.NotFound`, ``find_*`` returns None.
* :meth:`~MessagingRepository.add_message` stores a message with its entries
  at once; entries change alone (:meth:`~MessagingRepository.update_entry`:
  read, archived, copy) or are removed alone (delete for one side), and the
  message stays for the other side.
* Entries carry no version: read, archived and copy state are one operator's
  own, changed by that operator.  Two units of work that change the same entry
  at once: the memory store fails the later commit
  (:class:`~szo_core.errors.ConcurrencyConflict`), SQL keeps the last write.
* :meth:`~MessagingRepository.page` returns entries newest first (``sent_at``,
  then message id, both descending), never more than ``limit``;
  :meth:`~MessagingRepository.unread_count` counts the operator's inbox
  entries, archived ones too, with no ``read_at``.

>>> from szo_core.adapters.memory import MemoryStore
>>> with MemoryStore().unit_of_work() as uow:
...     uow.messaging.unread_count("dom", "ana"), uow.messaging.settings("dom")
(0, None)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol

from szo_core.messaging.records import (
    DepartmentNote,
    Folder,
    MailboxEntry,
    Message,
    MessagingSettings,
    NoteKind,
    Operator,
)

__all__ = [
    "AttachmentStore",
    "DepartmentNotes",
    "Mailboxes",
    "MessagingDirectory",
    "MessagingRepository",
]


class MessagingDirectory(Protocol):
    """The organisation's messaging settings and its operators."""

    def settings(self, organisation_id: str) -> MessagingSettings | None:
        """The organisation's settings, or None when none were saved."""
        ...

    def save_settings(self, settings: MessagingSettings) -> MessagingSettings:
        """Store new settings (``version`` 0) or replace the stored ones; return them.

        Raises:
            ConcurrencyConflict: The stored version is not ``settings.version``
                (or version 0 when settings exist).
        """
        ...

    def add_operator(self, operator: Operator) -> Operator:
        """Store a new operator as given.

        Raises:
            StorageError: ``storage.duplicate`` if the id is taken.
        """
        ...

    def find_operator(self, organisation_id: str, operator_id: str) -> Operator | None:
        """The operator, or None."""
        ...

    def get_operator(self, organisation_id: str, operator_id: str) -> Operator:
        """The operator (NotFound if none)."""
        ...

    def operators(self, organisation_id: str) -> tuple[Operator, ...]:
        """Every operator of the organisation, by id."""
        ...

    def update_operator(self, operator: Operator) -> Operator:
        """Replace the stored operator; return it with ``version + 1``."""
        ...


class Mailboxes(Protocol):
    """Messages and their mailbox entries (one per operator and side)."""

    def add_message(self, message: Message, entries: Iterable[MailboxEntry]) -> Message:
        """Store a message and its mailbox entries.

        Raises:
            StorageError: ``storage.duplicate`` if the message id (or an
                entry's key) is taken.
        """
        ...

    def find_message(self, organisation_id: str, message_id: str) -> Message | None:
        """The message, or None."""
        ...

    def get_message(self, organisation_id: str, message_id: str) -> Message:
        """The message (NotFound if none)."""
        ...

    def thread(self, organisation_id: str, thread_id: str) -> tuple[Message, ...]:
        """Every message of a thread, oldest first."""
        ...

    def find_entry(
        self, organisation_id: str, operator_id: str, message_id: str, folder: Folder
    ) -> MailboxEntry | None:
        """One operator's entry of a message on one side, or None."""
        ...

    def entries(self, organisation_id: str, message_id: str) -> tuple[MailboxEntry, ...]:
        """Every entry of a message (the sender's first, then recipients by id)."""
        ...

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
        """Entries of one view with their messages, newest first, from ``offset``."""
        ...

    def unread_count(self, organisation_id: str, operator_id: str) -> int:
        """How many inbox entries of the operator are unread."""
        ...

    def update_entry(self, entry: MailboxEntry) -> MailboxEntry:
        """Replace a stored entry (read, archived, copy state); return it.

        Raises:
            NotFound: There is no such entry.
        """
        ...

    def remove_entry(self, entry: MailboxEntry) -> None:
        """Remove an entry (one side deletes; the message stays).

        Raises:
            NotFound: There is no such entry.
        """
        ...


class DepartmentNotes(Protocol):
    """Department instructions and observations, and when each operator last saw them."""

    def add_note(self, note: DepartmentNote) -> DepartmentNote:
        """Store a new department note as given."""
        ...

    def get_note(self, organisation_id: str, note_id: str) -> DepartmentNote:
        """The note (NotFound if none)."""
        ...

    def notes(
        self,
        organisation_id: str,
        *,
        kind: NoteKind | None = None,
        department: str | None = None,
        limit: int = 100,
    ) -> tuple[DepartmentNote, ...]:
        """Notes, newest first, of one kind or department if given."""
        ...

    def note_counts(
        self,
        organisation_id: str,
        *,
        since: datetime | None,
        departments: Iterable[str] = (),
        exclude_author: str | None = None,
    ) -> Mapping[NoteKind, int]:
        """How many notes of each kind were written after ``since`` (all when None).

        Only notes of ``departments`` when given; not those of ``exclude_author``.
        """
        ...

    def notes_seen(self, organisation_id: str, operator_id: str) -> datetime | None:
        """When the operator last saw the notes (their last login notice), or None."""
        ...

    def set_notes_seen(self, organisation_id: str, operator_id: str, at: datetime) -> None:
        """Record that the operator saw the notes up to ``at``."""
        ...


class MessagingRepository(MessagingDirectory, Mailboxes, DepartmentNotes, Protocol):
    """``uow.messaging``: the three parts in one unit of work (see the module for the rules)."""


class AttachmentStore(Protocol):
    """Where the bytes of attachments live, by id (the SHA-256 of the bytes).

    Adapters: :class:`szo_core.adapters.attachments.FolderAttachmentStore` (a
    folder) and :class:`szo_core.adapters.memory_messaging.MemoryAttachmentStore`.
    ``put`` of an id that is stored already keeps the stored bytes (the same
    id is the same content).  The store is outside the unit of work: a file
    put for a message that is then rolled back stays, unreferenced.

    >>> from szo_core.adapters.memory_messaging import MemoryAttachmentStore
    >>> store: AttachmentStore = MemoryAttachmentStore()
    >>> store.put("dom", "ab" * 32, b"%PDF-1.7")
    >>> store.get("dom", "ab" * 32), store.exists("dom", "cd" * 32)
    (b'%PDF-1.7', False)
    """

    def put(self, organisation_id: str, attachment_id: str, data: bytes) -> None:
        """Store ``data`` under ``attachment_id``."""
        ...

    def get(self, organisation_id: str, attachment_id: str) -> bytes:
        """The bytes (NotFound if none)."""
        ...

    def exists(self, organisation_id: str, attachment_id: str) -> bool:
        """Whether the id is stored."""
        ...
