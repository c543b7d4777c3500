"""Operator messaging on SQLite and PostgreSQL: ``uow.messaging`` of a SQL unit of work.

Six tables (:mod:`szo_core.adapters.sql.tables`, migration ``0013_messaging``):
``szo_messaging_settings``, ``szo_messaging_operator``,
``szo_messaging_message`` (one row per message; recipients and attachments as
JSON lists), ``szo_messaging_entry`` (one row per operator and side, keyed
``(organisation_id, operator_id, message_id, folder)``), ``szo_messaging_note``
and ``szo_messaging_notes_seen``.  Times are stored as naive UTC.

**Views** are one ``SELECT`` of entries joined to their messages, filtered on
``(organisation_id, operator_id, folder, archived)`` and ordered by ``sent_at
DESC, message_id DESC``: the index ``ix_szo_messaging_entry_view`` has exactly
these columns, so the first page of an inbox with 100,000 messages reads a
page's worth of index entries (``benchmarks/bench_messaging.py``).  The
**unread count** is a ``COUNT(*)`` over ``ix_szo_messaging_entry_unread``
(``... folder, read_at``), which only visits the unread rows.

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.sql import SqlStore
>>> from szo_core.messaging.records import Operator
>>> store = SqlStore.open(":memory:")
>>> with store.unit_of_work() as uow:
...     _ = uow.messaging.add_operator(Operator(organisation_id="dom", id="ana", name="Ana",
...                                             departments=("Modri",)))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.messaging.get_operator("dom", "ana").departments
('Modri',)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from szo_core.adapters._common import conflict, not_found
from szo_core.adapters.memory_messaging import check_page, check_seen
from szo_core.adapters.sql.tables import (
    messaging_entry,
    messaging_message,
    messaging_note,
    messaging_notes_seen,
    messaging_operator,
    messaging_settings,
)
from szo_core.errors import ConfigurationError
from szo_core.messaging.records import (
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
from szo_core.model._trusted import trusted_factory

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = ["SqlMessaging"]

V = TypeVar("V", MessagingSettings, Operator)

_MESSAGE_COLUMNS = tuple(messaging_message.c)
_ENTRY_COLUMNS = tuple(messaging_entry.c)
_NOTE_COLUMNS = tuple(messaging_note.c)
_OPERATOR_COLUMNS = tuple(messaging_operator.c)
_SETTINGS_COLUMNS = tuple(messaging_settings.c)


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


def _settings_row(s: MessagingSettings) -> dict[str, object]:
    sending = s.sending
    return {
        "organisation_id": s.organisation_id,
        "enabled": s.enabled,
        "email_copies": s.email_copies,
        "smtp_host": None if sending is None else sending.host,
        "smtp_port": None if sending is None else sending.port,
        "smtp_security": None if sending is None else sending.security.value,
        "smtp_username": None if sending is None else sending.username,
        "sender": None if sending is None else sending.sender,
        "sender_name": None if sending is None else sending.sender_name,
        "version": s.version,
    }


def _settings_from(row: Sequence[Any]) -> MessagingSettings:
    v = dict(zip((c.name for c in _SETTINGS_COLUMNS), row, strict=True))
    sending = None
    if v["smtp_host"] is not None:
        sending = SendingSettings(
            host=v["smtp_host"],
            port=v["smtp_port"],
            security=v["smtp_security"],
            username=v["smtp_username"] or "",
            sender=v["sender"],
            sender_name=v["sender_name"] or "",
        )
    return MessagingSettings(
        organisation_id=v["organisation_id"],
        enabled=bool(v["enabled"]),
        email_copies=bool(v["email_copies"]),
        sending=sending,
        version=v["version"],
    )


def _operator_row(o: Operator) -> dict[str, object]:
    return {
        "organisation_id": o.organisation_id,
        "id": o.id,
        "name": o.name,
        "email": o.email,
        "active": o.active,
        "departments": json.dumps(list(o.departments), ensure_ascii=False),
        "version": o.version,
    }


def _operator_from(row: Sequence[Any]) -> Operator:
    v = dict(zip((c.name for c in _OPERATOR_COLUMNS), row, strict=True))
    return Operator(
        organisation_id=v["organisation_id"],
        id=v["id"],
        name=v["name"],
        email=v["email"],
        active=bool(v["active"]),
        departments=tuple(json.loads(v["departments"])),
        version=v["version"],
    )


def _message_row(m: Message) -> dict[str, object]:
    return {
        "organisation_id": m.organisation_id,
        "id": m.id,
        "sender_id": m.sender_id,
        "recipient_ids": json.dumps(list(m.recipient_ids), ensure_ascii=False),
        "subject": m.subject,
        "body_html": m.body_html,
        "body_text": m.body_text,
        "sent_at": _naive(m.sent_at),
        "thread_id": m.thread_id,
        "parent_id": m.parent_id,
        "kind": m.kind.value,
        "language": m.language,
        "attachments": json.dumps(
            [[a.id, a.name, a.content_type, a.size] for a in m.attachments], ensure_ascii=False
        ),
        "note_id": m.note_id,
    }


# Rows this adapter wrote from validated records are read back without re-running the
# validators (szo_core.model._trusted): the views build 2 records per row.
_new_message = trusted_factory(Message, *(c.name for c in _MESSAGE_COLUMNS))
_new_entry = trusted_factory(
    MailboxEntry,
    "organisation_id",
    "operator_id",
    "message_id",
    "folder",
    "sent_at",
    "read_at",
    "archived",
    "copy",
    "copy_outbox_id",
)
_NO_FILES = "[]"


def _files(text: str) -> tuple[AttachmentRef, ...]:
    if text == _NO_FILES:
        return ()
    return tuple(
        AttachmentRef(id=a[0], name=a[1], content_type=a[2], size=a[3]) for a in json.loads(text)
    )


def _message_from(v: Mapping[str, Any]) -> Message:
    return _message_at(tuple(v[c.name] for c in _MESSAGE_COLUMNS), 0)


def _time(value: datetime | str) -> datetime:
    """A stored UTC time, aware: PostgreSQL's driver gives a datetime, SQLite's the ISO text."""
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")
    return value.replace(tzinfo=UTC)


_KINDS: Final = {k.value: k for k in MessageKind}
_FOLDERS: Final = {f.value: f for f in Folder}
_COPIES: Final = {c.value: c for c in CopyState}


@functools.lru_cache(maxsize=4096)
def _ids(text: str) -> tuple[str, ...]:
    """The recipients' JSON list as a tuple (lists repeat: the same people get many messages)."""
    return tuple(json.loads(text))


def _message_at(row: Sequence[Any], at: int) -> Message:
    """The message in ``row`` from position ``at`` (the columns of szo_messaging_message)."""
    (org, ident, sender, recipients, subject, html, plain, sent_at, thread, parent, kind,
     language, files, note) = row[at : at + 14]  # fmt: skip
    return _new_message(
        org,
        ident,
        sender,
        _ids(recipients),
        subject,
        html,
        plain,
        _time(sent_at),
        thread,
        parent,
        _KINDS[kind],
        language,
        _files(files),
        note,
    )


def _page_item(row: Sequence[Any]) -> tuple[MailboxEntry, Message]:
    """An entry and its message from one row of the view (entry columns, then message's).

    The same as ``(_entry_at(row), _message_at(row, 9))``, written out for the
    inbox page: the entry's time is the message's, and a read time is often
    the same text again, so each distinct time text is parsed once.
    """
    (org, operator, message_id, folder, entry_sent, read_at, archived, copy, outbox_id,
     _org, ident, sender, recipients, subject, html, plain, sent_text, thread, parent, kind,
     language, files, note) = row  # fmt: skip
    sent = _time(sent_text)
    entry_time = sent if entry_sent == sent_text else _time(entry_sent)
    if read_at is None:
        read = None
    elif read_at == entry_sent:
        read = entry_time
    else:
        read = _time(read_at)
    message = _new_message(
        org, ident, sender, _ids(recipients), subject, html, plain, sent, thread, parent,
        _KINDS[kind], language, _files(files), note,
    )  # fmt: skip
    entry = _new_entry(
        org, operator, message_id, _FOLDERS[folder], entry_time, read, bool(archived),
        _COPIES[copy], outbox_id,
    )  # fmt: skip
    return entry, message


def _entry_row(e: MailboxEntry) -> dict[str, object]:
    return {
        "organisation_id": e.organisation_id,
        "operator_id": e.operator_id,
        "message_id": e.message_id,
        "folder": e.folder.value,
        "sent_at": _naive(e.sent_at),
        "read_at": None if e.read_at is None else _naive(e.read_at),
        "archived": e.archived,
        "copy_state": e.copy.value,
        "copy_outbox_id": e.copy_outbox_id,
    }


def _entry_from(v: Mapping[str, Any]) -> MailboxEntry:
    return _entry_at(tuple(v[c.name] for c in _ENTRY_COLUMNS))


def _entry_at(row: Sequence[Any]) -> MailboxEntry:
    """The entry in the first columns of ``row`` (those of szo_messaging_entry)."""
    org, operator, message, folder, sent_at, read_at, archived, copy, outbox_id = row[:9]
    return _new_entry(
        org,
        operator,
        message,
        _FOLDERS[folder],
        _time(sent_at),
        None if read_at is None else _time(read_at),
        bool(archived),
        _COPIES[copy],
        outbox_id,
    )


def _note_row(n: DepartmentNote) -> dict[str, object]:
    return {
        "organisation_id": n.organisation_id,
        "id": n.id,
        "kind": n.kind.value,
        "author_id": n.author_id,
        "written_at": _naive(n.written_at),
        "department": n.department,
        "resident": n.resident,
        "text": n.text,
        "version": n.version,
    }


def _note_from(row: Sequence[Any]) -> DepartmentNote:
    v = dict(zip((c.name for c in _NOTE_COLUMNS), row, strict=True))
    return DepartmentNote(
        organisation_id=v["organisation_id"],
        id=v["id"],
        kind=NoteKind(v["kind"]),
        author_id=v["author_id"],
        written_at=_aware(v["written_at"]),
        department=v["department"],
        resident=v["resident"],
        text=v["text"],
        version=v["version"],
    )


def _named(columns: Sequence[Any], row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip((c.name for c in columns), row, strict=True))


@functools.cache
def _page_statement() -> Any:
    """The view's SELECT, built once (values as parameters), along ix_szo_messaging_entry_view."""
    e, m = messaging_entry.c, messaging_message.c
    return (
        select(*_ENTRY_COLUMNS, *_MESSAGE_COLUMNS)
        .join_from(
            messaging_entry,
            messaging_message,
            and_(m.organisation_id == e.organisation_id, m.id == e.message_id),
        )
        .where(
            e.organisation_id == bindparam("org"),
            e.operator_id == bindparam("operator"),
            e.folder == bindparam("folder"),
            e.archived == bindparam("archived"),
        )
        .order_by(e.sent_at.desc(), e.message_id.desc())
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


@functools.cache
def _unread_statement() -> Any:
    """The unread count, built once: a COUNT over ix_szo_messaging_entry_unread."""
    e = messaging_entry.c
    return select(func.count()).where(
        e.organisation_id == bindparam("org"),
        e.operator_id == bindparam("operator"),
        e.folder == Folder.INBOX.value,
        e.read_at.is_(None),
    )


class SqlMessaging:
    """``uow.messaging`` on SQL (see :class:`~szo_core.messaging.ports.MessagingRepository`)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def __repr__(self) -> str:
        return "SqlMessaging()"

    def _rows(self, kind: str, statement: Any) -> Sequence[Any]:
        with self._uow.guard(kind):
            return self._uow.rows(statement)

    def _execute(self, kind: str, statement: Any, values: Any = None) -> Any:
        with self._uow.guard(kind):
            if values is None:
                return self._uow.connection.execute(statement)
            return self._uow.connection.execute(statement, values)

    def _versioned_update(
        self,
        kind: str,
        table: Table,
        key: ColumnElement[bool],
        row: dict[str, object],
        org: str,
        ident: str,
        version: int,
    ) -> None:
        row = {**row, "version": version + 1}
        result = self._execute(
            kind, update(table).where(key, table.c.version == version).values(row)
        )
        if result.rowcount != 1:
            exists = self._rows(kind, select(table.c.version).where(key))
            if not exists:
                raise not_found(kind, org, ident)
            self._uow.rollback()
            raise conflict(kind, org, ident)

    # -- settings ----------------------------------------------------------------------

    def settings(self, organisation_id: str) -> MessagingSettings | None:
        """The organisation's settings, or None."""
        rows = self._rows(
            "messaging_settings",
            select(*_SETTINGS_COLUMNS).where(
                messaging_settings.c.organisation_id == organisation_id
            ),
        )
        return _settings_from(rows[0]) if rows else None

    def save_settings(self, settings: MessagingSettings) -> MessagingSettings:
        """Store new settings (version 0) or replace the stored ones."""
        org = settings.organisation_id
        if settings.version == 0 and self.settings(org) is None:
            self._execute(
                "messaging_settings", insert(messaging_settings), [_settings_row(settings)]
            )
            return settings
        self._versioned_update(
            "messaging_settings",
            messaging_settings,
            messaging_settings.c.organisation_id == org,
            _settings_row(settings),
            org,
            "",
            settings.version,
        )
        return _bump(settings)

    # -- operators ---------------------------------------------------------------------

    def _operator_key(self, organisation_id: str, operator_id: str) -> ColumnElement[bool]:
        return and_(
            messaging_operator.c.organisation_id == organisation_id,
            messaging_operator.c.id == operator_id,
        )

    def add_operator(self, operator: Operator) -> Operator:
        """Store a new operator."""
        self._execute("messaging_operators", insert(messaging_operator), [_operator_row(operator)])
        return operator

    def find_operator(self, organisation_id: str, operator_id: str) -> Operator | None:
        """The operator, or None."""
        rows = self._rows(
            "messaging_operators",
            select(*_OPERATOR_COLUMNS).where(self._operator_key(organisation_id, operator_id)),
        )
        return _operator_from(rows[0]) if rows else None

    def get_operator(self, organisation_id: str, operator_id: str) -> Operator:
        """The operator (NotFound if none)."""
        found = self.find_operator(organisation_id, operator_id)
        if found is None:
            raise not_found("messaging_operators", organisation_id, operator_id)
        return found

    def operators(self, organisation_id: str) -> tuple[Operator, ...]:
        """Every operator of the organisation, by id."""
        rows = self._rows(
            "messaging_operators",
            select(*_OPERATOR_COLUMNS)
            .where(messaging_operator.c.organisation_id == organisation_id)
            .order_by(messaging_operator.c.id),
        )
        return tuple(_operator_from(r) for r in rows)

    def update_operator(self, operator: Operator) -> Operator:
        """Replace the stored operator."""
        self._versioned_update(
            "messaging_operators",
            messaging_operator,
            self._operator_key(operator.organisation_id, operator.id),
            _operator_row(operator),
            operator.organisation_id,
            operator.id,
            operator.version,
        )
        return _bump(operator)

    # -- messages and entries ----------------------------------------------------------

    def add_message(self, message: Message, entries: Iterable[MailboxEntry]) -> Message:
        """Store a message and its entries."""
        rows = [_entry_row(e) for e in entries]
        for row in rows:
            if (row["organisation_id"], row["message_id"]) != (message.organisation_id, message.id):
                raise ConfigurationError(
                    "messaging.entry",
                    sl="Vnos nabiralnika ne pripada temu sporočilu.",
                    en="A mailbox entry does not belong to this message.",
                    where="entries",
                )
        self._execute("messaging_messages", insert(messaging_message), [_message_row(message)])
        if rows:
            self._execute("messaging_entries", insert(messaging_entry), rows)
        return message

    def _message_key(self, organisation_id: str, message_id: str) -> ColumnElement[bool]:
        return and_(
            messaging_message.c.organisation_id == organisation_id,
            messaging_message.c.id == message_id,
        )

    def find_message(self, organisation_id: str, message_id: str) -> Message | None:
        """The message, or None."""
        rows = self._rows(
            "messaging_messages",
            select(*_MESSAGE_COLUMNS).where(self._message_key(organisation_id, message_id)),
        )
        return _message_from(_named(_MESSAGE_COLUMNS, rows[0])) if rows else None

    def get_message(self, organisation_id: str, message_id: str) -> Message:
        """The message (NotFound if none)."""
        found = self.find_message(organisation_id, message_id)
        if found is None:
            raise not_found("messaging_messages", organisation_id, message_id)
        return found

    def thread(self, organisation_id: str, thread_id: str) -> tuple[Message, ...]:
        """Every message of a thread, oldest first."""
        rows = self._rows(
            "messaging_messages",
            select(*_MESSAGE_COLUMNS)
            .where(
                messaging_message.c.organisation_id == organisation_id,
                messaging_message.c.thread_id == thread_id,
            )
            .order_by(messaging_message.c.sent_at, messaging_message.c.id),
        )
        return tuple(_message_from(_named(_MESSAGE_COLUMNS, r)) for r in rows)

    def _entry_key(
        self, organisation_id: str, operator_id: str, message_id: str, folder: str
    ) -> ColumnElement[bool]:
        c = messaging_entry.c
        return and_(
            c.organisation_id == organisation_id,
            c.operator_id == operator_id,
            c.message_id == message_id,
            c.folder == folder,
        )

    def find_entry(
        self, organisation_id: str, operator_id: str, message_id: str, folder: Folder
    ) -> MailboxEntry | None:
        """One operator's entry of a message on one side, or None."""
        rows = self._rows(
            "messaging_entries",
            select(*_ENTRY_COLUMNS).where(
                self._entry_key(organisation_id, operator_id, message_id, Folder(folder).value)
            ),
        )
        return _entry_from(_named(_ENTRY_COLUMNS, rows[0])) if rows else None

    def entries(self, organisation_id: str, message_id: str) -> tuple[MailboxEntry, ...]:
        """Every entry of a message: the sender's first, then recipients by id."""
        rows = self._rows(
            "messaging_entries",
            select(*_ENTRY_COLUMNS).where(
                messaging_entry.c.organisation_id == organisation_id,
                messaging_entry.c.message_id == message_id,
            ),
        )
        found = [_entry_from(_named(_ENTRY_COLUMNS, r)) for r in rows]
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
        """Entries of one view with their messages, newest first (one indexed SELECT)."""
        check_page(offset, limit)
        params = {
            "org": organisation_id,
            "operator": operator_id,
            "folder": Folder(folder).value,
            "archived": bool(archived),
            "offset": offset,
            "limit": limit,
        }
        with self._uow.guard("messaging_entries"):
            result = self._uow.connection.execute(_page_statement(), params)
            try:  # the driver's own tuples: times are converted below, not by SQLAlchemy
                rows = result.cursor.fetchall() if result.cursor is not None else []
            finally:
                result.close()
        return tuple(map(_page_item, rows))

    def unread_count(self, organisation_id: str, operator_id: str) -> int:
        """How many inbox entries of the operator are unread (one COUNT over an index)."""
        params = {"org": organisation_id, "operator": operator_id}
        with self._uow.guard("messaging_entries"):
            return int(self._uow.connection.execute(_unread_statement(), params).scalar_one())

    def update_entry(self, entry: MailboxEntry) -> MailboxEntry:
        """Replace a stored entry."""
        key = self._entry_key(
            entry.organisation_id, entry.operator_id, entry.message_id, entry.folder.value
        )
        result = self._execute(
            "messaging_entries", update(messaging_entry).where(key).values(_entry_row(entry))
        )
        if result.rowcount != 1:
            raise not_found("messaging_entries", entry.organisation_id, entry.message_id)
        return entry

    def remove_entry(self, entry: MailboxEntry) -> None:
        """Remove an entry."""
        key = self._entry_key(
            entry.organisation_id, entry.operator_id, entry.message_id, entry.folder.value
        )
        result = self._execute("messaging_entries", delete(messaging_entry).where(key))
        if result.rowcount != 1:
            raise not_found("messaging_entries", entry.organisation_id, entry.message_id)

    # -- department notes --------------------------------------------------------------

    def add_note(self, note: DepartmentNote) -> DepartmentNote:
        """Store a new department note."""
        self._execute("messaging_notes", insert(messaging_note), [_note_row(note)])
        return note

    def get_note(self, organisation_id: str, note_id: str) -> DepartmentNote:
        """The note (NotFound if none)."""
        rows = self._rows(
            "messaging_notes",
            select(*_NOTE_COLUMNS).where(
                messaging_note.c.organisation_id == organisation_id,
                messaging_note.c.id == note_id,
            ),
        )
        if not rows:
            raise not_found("messaging_notes", organisation_id, note_id)
        return _note_from(rows[0])

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
        n = messaging_note.c
        statement = select(*_NOTE_COLUMNS).where(n.organisation_id == organisation_id)
        if kind is not None:
            statement = statement.where(n.kind == NoteKind(kind).value)
        if department is not None:
            statement = statement.where(n.department == department)
        statement = statement.order_by(n.written_at.desc(), n.id.desc()).limit(limit)
        return tuple(_note_from(r) for r in self._rows("messaging_notes", statement))

    def note_counts(
        self,
        organisation_id: str,
        *,
        since: datetime | None,
        departments: Iterable[str] = (),
        exclude_author: str | None = None,
    ) -> Mapping[NoteKind, int]:
        """How many notes of each kind were written after ``since`` (one grouped COUNT)."""
        n = messaging_note.c
        statement = (
            select(n.kind, func.count())
            .where(n.organisation_id == organisation_id)
            .group_by(n.kind)
        )
        if since is not None:
            statement = statement.where(n.written_at > _naive(check_seen(since)))
        wanted = tuple(departments)
        if wanted:
            statement = statement.where(n.department.in_(wanted))
        if exclude_author is not None:
            statement = statement.where(n.author_id != exclude_author)
        counts = dict.fromkeys(NoteKind, 0)
        for kind, count in self._rows("messaging_notes", statement):
            counts[NoteKind(kind)] = int(count)
        return counts

    def notes_seen(self, organisation_id: str, operator_id: str) -> datetime | None:
        """When the operator last saw the notes, or None."""
        s = messaging_notes_seen.c
        rows = self._rows(
            "messaging_notes_seen",
            select(s.seen_at).where(
                s.organisation_id == organisation_id, s.operator_id == operator_id
            ),
        )
        return _aware(rows[0][0]) if rows else None

    def set_notes_seen(self, organisation_id: str, operator_id: str, at: datetime) -> None:
        """Record that the operator saw the notes up to ``at``."""
        s = messaging_notes_seen.c
        at = check_seen(at)
        result = self._execute(
            "messaging_notes_seen",
            update(messaging_notes_seen)
            .where(s.organisation_id == organisation_id, s.operator_id == operator_id)
            .values(seen_at=_naive(at)),
        )
        if result.rowcount != 1:
            self._execute(
                "messaging_notes_seen",
                insert(messaging_notes_seen),
                [
                    {
                        "organisation_id": organisation_id,
                        "operator_id": operator_id,
                        "seen_at": _naive(at),
                    }
                ],
            )


def _bump(record: V) -> V:
    return attrs.evolve(record, version=record.version + 1)
