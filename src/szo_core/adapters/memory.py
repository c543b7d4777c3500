"""In-memory storage: the ports of :mod:`szo_core.ports` on plain dicts.

For tests, notebooks and small scripts.  It keeps the same rules as the SQL
adapter and passes the same contract tests: optimistic versions, references
checked at commit, locked decisions and prices, rollback.

A :class:`MemoryStore` holds the committed state: one dict per table, each
record immutable.  A :class:`MemoryUnitOfWork` writes into its own overlay;
:meth:`~MemoryUnitOfWork.commit` checks that nobody else changed the same
records meanwhile, checks references, and only then publishes: it builds *new*
dicts for the changed tables and swaps them in (copy on commit), so a rollback (or
an error at commit) simply drops the overlay and the committed state is never half
changed.  Reads see the overlay first, then the latest committed state.

A table that no reference check reads, and whose committed dict nothing else
holds at that moment (no other open unit of work has read it, no iteration is
running over it), is updated in place instead, after every check has passed: no
one can see it change, and a commit of a few rows into a large table (the outbox,
the notification audit) then costs those rows, not a copy of the table
(``benchmarks/bench_notify.py``).  Readers take the committed dict under the
store's lock, so none can pick it up while a commit decides and updates.

>>> from szo_core.model import Group
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     group = uow.groups.add(Group(organisation_id="org", code="A1", name="Metulji"))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.groups.update(attrs.evolve(group, name="Sončki")).version
...     uow.rollback()
...     uow.groups.get("org", "A1").name
1
'Metulji'
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from types import MappingProxyType, TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar, cast

import attrs

from szo_core.adapters._common import (
    by_start,
    check_lock_kind,
    check_period,
    check_price_lock,
    check_template_version,
    child_in_month,
    conflict,
    decisions_for_month,
    duplicate,
    locked,
    missing_reference,
    not_found,
    period_in_month,
    price_locked,
    prices_change_locked,
)
from szo_core.adapters.memory_kinds import MemoryCareHome, MemorySchoolMeals
from szo_core.calendar import Month
from szo_core.delivery.message import DeliveryStatus, EmailMessage, SendResult, SmsMessage
from szo_core.errors import StorageError
from szo_core.model import (
    Absence,
    Child,
    Decision,
    Group,
    Guardian,
    Organisation,
    Program,
    Regresor,
    Reservation,
)
from szo_core.outbox import states as _outbox_states
from szo_core.outbox.records import Channel, IdempotencyKey, OutboxMessage, OutboxState, outbox_id
from szo_core.ports import ChildMonth, MonthData
from szo_core.templates.model import MessageTemplate

__all__ = [
    "ManualClock",
    "MemoryMailSender",
    "MemoryOutbox",
    "MemorySmsSender",
    "MemoryStore",
    "MemoryTable",
    "MemoryUnitOfWork",
]


class _Record(Protocol):
    @property
    def organisation_id(self) -> str: ...

    @property
    def version(self) -> int: ...


class _ChildRecord(_Record, Protocol):
    @property
    def id(self) -> str: ...

    @property
    def child_code(self) -> int: ...


R = TypeVar("R", bound=_Record)
C = TypeVar("C", Decision, Reservation, Absence)
K = TypeVar("K", int, str)
V = TypeVar("V")
M = TypeVar("M", EmailMessage, SmsMessage)

_DELETED: Any = object()
_EMPTY: Mapping[Hashable, Any] = MappingProxyType({})


def _sole_holder_count() -> int:
    """What ``sys.getrefcount`` gives for a dict held only by one dict's value and one local.

    Measured rather than assumed: interpreters differ in how many references
    the call itself adds.  :meth:`MemoryTable._sole_committed` compares against it.
    """
    probe: dict[Hashable, object] = {}
    holder = {"probe": probe}
    count = sys.getrefcount(probe)
    del holder
    return count


_SOLE_HOLDER = _sole_holder_count()
# Updating a committed dict in place relies on the GIL: without it (a free-threaded
# build) another thread could read the dict while it changes, so every commit copies.
_IN_PLACE = getattr(sys, "_is_gil_enabled", lambda: True)()


@attrs.frozen
class _Lock:
    organisation_id: str
    decision_id: str
    billing_run_id: str


class MemoryStore:
    """The committed state of an in-memory database.

    >>> store = MemoryStore()
    >>> store.table_names()
    ()
    """

    def __init__(self) -> None:
        self._tables: dict[str, Mapping[Hashable, object]] = {}
        # Re-entrant: a commit holds it while its tables read the committed dicts.
        self._lock = threading.RLock()
        # Bumped after every commit that publishes a change: a unit of work's table
        # keeps the committed mapping it read until the generation moves on.
        self._generation = 0

    def unit_of_work(self) -> MemoryUnitOfWork:
        """Return a new unit of work on this store.

        >>> MemoryStore().unit_of_work().children.for_organisation("org")
        ()
        """
        return MemoryUnitOfWork(self)

    def table_names(self) -> tuple[str, ...]:
        """Names of the tables that have ever been committed to, sorted."""
        return tuple(sorted(self._tables))

    def _committed(self, name: str) -> Mapping[Hashable, object]:
        # Under the lock: a commit may update a dict in place once it knows that no one
        # holds it, and no one may pick it up meanwhile.
        with self._lock:
            return self._tables.get(name, _EMPTY)


class MemoryTable(Generic[V]):
    """One unit of work's view of one table: its own changes over the committed dict.

    Keys are any hashable value (the built-in tables use ``(organisation_id,
    key)``); values are immutable records.  An extension (for example billing
    runs) gets its own table with :meth:`MemoryUnitOfWork.table`.

    >>> uow = MemoryStore().unit_of_work()
    >>> t = uow.table("notes")
    >>> t.insert(("org", 1), "hello")
    >>> t.get(("org", 1)), len(list(t.items()))
    ('hello', 1)
    """

    def __init__(self, store: MemoryStore, name: str, *, ignore_duplicates: bool = False) -> None:
        self._store = store
        self.name = name
        self._changes: dict[Hashable, V] = {}
        self._base: dict[Hashable, object] = {}
        self._ignore_duplicates = ignore_duplicates
        # The committed mapping as of store generation ``_seen`` (-1: not read yet).
        self._view: Mapping[Hashable, V] = _EMPTY
        self._seen = -1

    def _committed(self) -> Mapping[Hashable, V]:
        store = self._store
        generation = store._generation
        if self._seen != generation:
            # The generation is read before the mapping: a commit in between leaves
            # ``_seen`` behind the mapping read, so the next call reads it again.
            self._view = cast(Mapping[Hashable, V], store._committed(self.name))
            self._seen = generation
        return self._view

    def get(self, key: Hashable) -> V | None:
        """Return the current value under ``key`` (this unit's change first), or None."""
        changes = self._changes
        if key in changes:
            value = changes[key]
            return None if value is _DELETED else value
        if self._seen != self._store._generation:
            return self._committed().get(key)
        return self._view.get(key)

    def items(self) -> Iterator[tuple[Hashable, V]]:
        """Iterate over every current ``(key, value)``, this unit's changes included."""
        for key, value in self._committed().items():
            if key not in self._changes:
                yield key, value
        for key, value in self._changes.items():
            if value is not _DELETED:
                yield key, value

    def _touch(self, key: Hashable) -> None:
        if key not in self._base:
            self._base[key] = self._committed().get(key)

    def insert(self, key: Hashable, value: V) -> None:
        """Add ``value`` under a new ``key`` (the caller checked that it is free)."""
        base = self._base
        if key not in base:
            base[key] = self._committed().get(key)
        self._changes[key] = value

    def add_new(self, key: Hashable, value: V) -> V:
        """Insert ``value`` unless ``key`` holds one already; return the value now under ``key``.

        :meth:`get` and then :meth:`insert` in one step (what an idempotent
        add does): the stored value when there is one, else ``value``, inserted.

        >>> t = MemoryStore().unit_of_work().table("notes")
        >>> t.add_new(("org", 1), "first"), t.add_new(("org", 1), "second")
        ('first', 'first')
        """
        changes = self._changes
        if key in changes:
            found = changes[key]
            if found is not _DELETED:
                return found
            changes[key] = value  # deleted in this unit: its committed value is in _base
            return value
        if self._seen != self._store._generation:
            self._committed()
        committed = self._view.get(key)
        if committed is not None:
            return committed
        self._base[key] = None  # not in changes, so not touched yet
        changes[key] = value
        return value

    def replace(self, key: Hashable, value: V) -> None:
        """Replace the value under ``key`` (the caller checked the version)."""
        base = self._base
        if key not in base:
            base[key] = self._committed().get(key)
        self._changes[key] = value

    def delete(self, key: Hashable) -> None:
        """Delete the value under ``key``."""
        self._touch(key)
        self._changes[key] = _DELETED

    @property
    def changed(self) -> bool:
        """True if this unit of work changed the table."""
        return bool(self._changes)

    def _check_base(self) -> None:
        committed = self._committed()
        for key, base in self._base.items():
            now = committed.get(key)
            if now is base:
                continue
            if self._ignore_duplicates and base is None:
                self._changes.pop(key, None)
                continue
            organisation_id, record_key = key if isinstance(key, tuple) else ("", key)
            if base is None:
                raise duplicate(self.name, organisation_id, record_key)
            raise conflict(self.name, organisation_id, record_key)

    def _sole_committed(self) -> dict[Hashable, V] | None:
        """The committed dict, if nothing but the store holds it; else None.

        The caller holds the store's lock (so no reader can pick the dict up) and
        may then update it in place.  This table's own cached view is dropped
        first; any other reference (another unit's view, a running iteration, a
        repository's cache) makes it None, and the commit copies as usual.
        """
        self._view = _EMPTY
        self._seen = -1
        if not _IN_PLACE:
            return None
        committed = self._store._tables.get(self.name)
        if type(committed) is not dict or sys.getrefcount(committed) != _SOLE_HOLDER:
            return None
        return committed

    def _apply(self, target: dict[Hashable, V]) -> None:
        """Write this unit's changes into ``target``: a copy, or the committed dict itself."""
        changes = self._changes
        target.update(changes)
        for key in [key for key, value in changes.items() if value is _DELETED]:
            del target[key]

    def _merged(self) -> Mapping[Hashable, V]:
        # A new dict (the committed one is not changed: other units may be reading it),
        # copied and updated in C; nothing outside this module gets the dict itself.
        committed = self._committed()
        merged: dict[Hashable, V] = committed.copy() if type(committed) is dict else dict(committed)
        self._apply(merged)
        return merged

    def _deleted_keys(self) -> set[Hashable]:
        return {key for key, value in self._changes.items() if value is _DELETED}

    def _written(self) -> Iterator[V]:
        return (value for value in self._changes.values() if value is not _DELETED)

    def _reset(self) -> None:
        self._changes.clear()
        self._base.clear()
        # A finished unit keeps no committed dict alive (so a later commit can update
        # it in place); it reads the latest again if it is used once more.
        self._view = _EMPTY
        self._seen = -1


def _bump(record: R) -> R:
    return cast(R, attrs.evolve(cast(Any, record), version=record.version + 1))


class _MemoryRepository(Generic[R, K]):
    def __init__(self, uow: MemoryUnitOfWork, kind: str, key: Callable[[R], K]) -> None:
        self._uow = uow
        self._kind = kind
        self._table: MemoryTable[R] = uow.table(kind)
        self._key: Callable[[R], K] = key

    def add(self, record: R) -> R:
        key = (record.organisation_id, self._key(record))
        if self._table.get(key) is not None:
            self._uow.rollback()
            raise duplicate(self._kind, *key)
        self._table.insert(key, record)
        return record

    def find(self, organisation_id: str, key: K) -> R | None:
        return self._table.get((organisation_id, key))

    def get(self, organisation_id: str, key: K) -> R:
        found = self.find(organisation_id, key)
        if found is None:
            raise not_found(self._kind, organisation_id, key)
        return found

    def for_organisation(self, organisation_id: str) -> tuple[R, ...]:
        found = [r for (org, _), r in self._items() if org == organisation_id]
        return tuple(sorted(found, key=self._key))

    def _items(self) -> Iterator[tuple[tuple[str, K], R]]:
        return cast(Iterator[tuple[tuple[str, K], R]], self._table.items())

    def _current(self, record: R) -> tuple[tuple[str, K], R]:
        key = (record.organisation_id, self._key(record))
        current = self._table.get(key)
        if current is None:
            raise not_found(self._kind, *key)
        if current.version != record.version:
            self._uow.rollback()
            raise conflict(self._kind, *key)
        return key, current

    def update(self, record: R) -> R:
        key, _ = self._current(record)
        stored = _bump(record)
        self._table.replace(key, stored)
        return stored

    def remove(self, record: R) -> None:
        key, _ = self._current(record)
        self._table.delete(key)


class _OrganisationRepository:
    """Organisations keyed by id (see :class:`szo_core.ports.OrganisationRepository`)."""

    _kind = "organisations"

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._table: MemoryTable[Organisation] = uow.table(self._kind)

    def add(self, record: Organisation) -> Organisation:
        key = (record.id, record.id)
        if self._table.get(key) is not None:
            self._uow.rollback()
            raise duplicate(self._kind, record.id, record.id)
        self._table.insert(key, record)
        return record

    def find(self, organisation_id: str) -> Organisation | None:
        return self._table.get((organisation_id, organisation_id))

    def get(self, organisation_id: str) -> Organisation:
        found = self.find(organisation_id)
        if found is None:
            raise not_found(self._kind, organisation_id, organisation_id)
        return found

    def all(self) -> tuple[Organisation, ...]:
        return tuple(sorted((r for _, r in self._table.items()), key=lambda r: r.id))

    def _check(self, record: Organisation) -> tuple[str, str]:
        key = (record.id, record.id)
        current = self._table.get(key)
        if current is None:
            raise not_found(self._kind, *key)
        if current.version != record.version:
            self._uow.rollback()
            raise conflict(self._kind, *key)
        return key

    def update(self, record: Organisation) -> Organisation:
        key = self._check(record)
        stored = attrs.evolve(record, version=record.version + 1)
        self._table.replace(key, stored)
        return stored

    def remove(self, record: Organisation) -> None:
        self._table.delete(self._check(record))


class _ChildRecordRepository(_MemoryRepository[C, str]):
    def for_child(self, organisation_id: str, child_code: int) -> tuple[C, ...]:
        return by_start(
            r
            for (org, _), r in self._items()
            if org == organisation_id and r.child_code == child_code
        )


class _DecisionRepository(_ChildRecordRepository[Decision]):
    def _refuse_locked(self, record: Decision) -> None:
        run = self._uow.decision_locks.locked_by(record.organisation_id, record.id)
        if run is not None:
            raise locked(record.organisation_id, record.id, run)

    def update(self, record: Decision) -> Decision:
        self._refuse_locked(record)
        return super().update(record)

    def remove(self, record: Decision) -> None:
        self._refuse_locked(record)
        super().remove(record)


@attrs.frozen
class _PriceLock:
    organisation_id: str
    program_code: str
    through: date
    billing_run_id: str


class _MemoryPriceLocks:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._table: MemoryTable[_PriceLock] = uow.table("price_locks")
        # Locks of the other kinds (school meal and care home settings): no program to
        # refer to, keyed (organisation, kind, code).
        self._kinds: MemoryTable[_PriceLock] = uow.table("price_locks_by_kind")

    def lock(
        self,
        organisation_id: str,
        program_codes: Iterable[str],
        through: date,
        billing_run_id: str,
        *,
        kind: str = "program",
    ) -> None:
        for code in check_price_lock(program_codes, through, billing_run_id, kind):
            table = self._table if kind == "program" else self._kinds
            key = (organisation_id, code) if kind == "program" else (organisation_id, kind, code)
            found = table.get(key)
            if found is None:
                table.insert(key, _PriceLock(organisation_id, code, through, billing_run_id))
            elif found.through < through:
                table.replace(key, _PriceLock(organisation_id, code, through, billing_run_id))

    def locked_through(
        self, organisation_id: str, program_code: str, *, kind: str = "program"
    ) -> date | None:
        check_lock_kind(kind)
        if kind == "program":
            found = self._table.get((organisation_id, program_code))
        else:
            found = self._kinds.get((organisation_id, kind, program_code))
        return None if found is None else found.through


class _ProgramRepository(_MemoryRepository[Program, str]):
    def _check_locked(self, record: Program, *, removing: bool) -> None:
        through = self._uow.price_locks.locked_through(record.organisation_id, record.code)
        if through is None:
            return
        stored = self.find(record.organisation_id, record.code)
        if stored is None:
            return
        if removing or prices_change_locked(stored, record, through):
            raise price_locked(record.organisation_id, record.code, through)

    def update(self, record: Program) -> Program:
        self._check_locked(record, removing=False)
        return super().update(record)

    def remove(self, record: Program) -> None:
        self._check_locked(record, removing=True)
        super().remove(record)


class _MemoryDecisionLocks:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._table: MemoryTable[_Lock] = uow.table("decision_locks", ignore_duplicates=True)

    def lock(self, organisation_id: str, decision_ids: Iterable[str], billing_run_id: str) -> None:
        for decision_id in decision_ids:
            key = (organisation_id, decision_id)
            if self._table.get(key) is None:
                self._table.insert(key, _Lock(organisation_id, decision_id, billing_run_id))

    def locked_by(self, organisation_id: str, decision_id: str) -> str | None:
        found = self._table.get((organisation_id, decision_id))
        return None if found is None else found.billing_run_id

    def locked(self, organisation_id: str) -> Mapping[str, str]:
        return {
            lock.decision_id: lock.billing_run_id
            for _, lock in self._table.items()
            if lock.organisation_id == organisation_id
        }


class _MemoryTemplateRepository:
    """Template versions keyed by ``(organisation, (key, language, version))``."""

    _kind = "templates"

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._table: MemoryTable[MessageTemplate] = uow.table(self._kind)

    def add(self, template: MessageTemplate) -> MessageTemplate:
        check_template_version(template)
        key = (template.organisation_id, (template.key, template.language, template.version))
        if self._table.get(key) is not None:
            self._uow.rollback()
            raise duplicate(self._kind, template.organisation_id, _template_key(template))
        self._table.insert(key, template)
        return template

    def versions(
        self, organisation_id: str, key: str, language: str
    ) -> tuple[MessageTemplate, ...]:
        found = [
            t
            for _, t in self._table.items()
            if t.organisation_id == organisation_id and t.key == key and t.language == language
        ]
        return tuple(sorted(found, key=lambda t: t.version))

    def latest(self, organisation_id: str, key: str, language: str) -> MessageTemplate | None:
        found = self.versions(organisation_id, key, language)
        return found[-1] if found else None

    def get(
        self, organisation_id: str, key: str, language: str, version: int | None = None
    ) -> MessageTemplate:
        found = (
            self.latest(organisation_id, key, language)
            if version is None
            else self._table.get((organisation_id, (key, language, version)))
        )
        if found is None:
            raise not_found(self._kind, organisation_id, f"{key}/{language}/{version or ''}")
        return found

    def for_organisation(self, organisation_id: str) -> tuple[MessageTemplate, ...]:
        latest: dict[tuple[str, str], MessageTemplate] = {}
        for _, template in self._table.items():
            if template.organisation_id != organisation_id:
                continue
            name = (template.key, template.language)
            if name not in latest or latest[name].version < template.version:
                latest[name] = template
        return tuple(latest[name] for name in sorted(latest))


def _template_key(template: MessageTemplate) -> str:
    return f"{template.key}/{template.language}/{template.version}"


def _outbox_time(value: datetime, where: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        from szo_core.errors import ConfigurationError

        raise ConfigurationError(
            "outbox.time",
            sl="Čas v izhodni vrsti mora biti datetime s časovnim pasom.",
            en="Times in the outbox must be timezone-aware datetimes.",
            where=where,
        )
    return value


class MemoryOutbox:
    """The outbox in a unit of work's overlay (see :class:`szo_core.ports.OutboxRepository`).

    Enqueued messages are committed and rolled back with every other record.
    An insert whose id another unit of work committed meanwhile is dropped at
    commit (one message per key); a claim or a mark of a message that another
    unit of work changed meanwhile fails the commit with
    :class:`~szo_core.errors.ConcurrencyConflict`.  Claims and queries scan
    every message (fine for tests and notebooks; the SQL outbox uses an index).

    >>> MemoryStore().unit_of_work().outbox.counts()[OutboxState.QUEUED]
    0
    """

    _kind = "outbox"

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._table: MemoryTable[OutboxMessage] = uow.table(self._kind, ignore_duplicates=True)

    def enqueue(self, message: OutboxMessage) -> OutboxMessage:
        """Store ``message``, or return the stored one with its id."""
        _outbox_states.check_message(message)
        return self._table.add_new((message.organisation_id, message.id), message)

    def enqueue_many(self, messages: Iterable[OutboxMessage]) -> tuple[OutboxMessage, ...]:
        """:meth:`enqueue` each in turn (every one checked first); what each returned, in order.

        >>> from datetime import UTC, datetime
        >>> from szo_core.outbox.records import new_message
        >>> sms = SmsMessage(to="+38641123456", text="Potrjeno.")
        >>> m = new_message("vrtec", IdempotencyKey("b:1", "+38641123456", Channel.SMS), sms,
        ...                 now=datetime(2026, 9, 1, tzinfo=UTC))
        >>> stored = MemoryStore().unit_of_work().outbox.enqueue_many([m, attrs.evolve(m)])
        >>> [s is m for s in stored]
        [True, True]
        """
        check = _outbox_states.check_message
        given = [check(message) for message in messages]
        add_new = self._table.add_new
        return tuple([add_new((m.organisation_id, m.id), m) for m in given])

    def find(self, organisation_id: str, message_id: str) -> OutboxMessage | None:
        """The message with outbox id ``message_id``, or None."""
        return self._table.get((organisation_id, message_id))

    def get(self, organisation_id: str, message_id: str) -> OutboxMessage:
        """The message with outbox id ``message_id`` (NotFound if none)."""
        found = self.find(organisation_id, message_id)
        if found is None:
            raise not_found(self._kind, organisation_id, message_id)
        return found

    def find_by_key(self, organisation_id: str, key: IdempotencyKey) -> OutboxMessage | None:
        """The message stored for ``key``, or None."""
        return self.find(organisation_id, outbox_id(organisation_id, key))

    def _all(self) -> Iterator[OutboxMessage]:
        return (message for _, message in self._table.items())

    def claim(
        self,
        now: datetime,
        *,
        limit: int,
        lease: timedelta,
        channels: Iterable[Channel] | None = None,
        organisation_id: str | None = None,
    ) -> tuple[OutboxMessage, ...]:
        """Take up to ``limit`` due messages: expired leases first, then queued ones."""
        now = _outbox_time(now, "now")
        _outbox_states.check_claim(limit, lease)
        wanted = frozenset(Channel if channels is None else channels)
        due = sorted(
            (
                m
                for m in self._all()
                if (organisation_id is None or m.organisation_id == organisation_id)
                and _outbox_states.is_due(m, now, wanted)
            ),
            # Expired leases first (as the SQL outbox), then queued; oldest due first.
            key=lambda m: (m.state is not OutboxState.SENDING, m.next_attempt_at, m.id),
        )[: max(limit, 0)]
        claimed = []
        for message in due:
            taken = _outbox_states.claim(message, now, lease)
            self._table.replace((message.organisation_id, message.id), taken)
            claimed.append(taken)
        return tuple(claimed)

    def _apply(
        self, claimed: OutboxMessage, change: Callable[[OutboxMessage], OutboxMessage | None]
    ) -> OutboxMessage | None:
        key = (claimed.organisation_id, claimed.id)
        stored = self._table.get(key)
        if stored is None:
            return None
        changed = change(stored)
        if changed is not None:
            self._table.replace(key, changed)
        return changed

    def mark_sent(self, claimed: OutboxMessage, *, now: datetime) -> OutboxMessage | None:
        """Record that the server accepted it."""
        now = _outbox_time(now, "now")
        return self._apply(claimed, lambda s: _outbox_states.mark_sent(s, claimed, now=now))

    def mark_temporary(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str, retry_at: datetime
    ) -> OutboxMessage | None:
        """Record a temporary failure; due again at ``retry_at``."""
        retry_at = _outbox_time(retry_at, "retry_at")
        return self._apply(
            claimed,
            lambda s: _outbox_states.mark_temporary(
                s, claimed, code=code, detail=detail, retry_at=retry_at
            ),
        )

    def give_up(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str
    ) -> OutboxMessage | None:
        """Record the last temporary failure and give up."""
        now = _outbox_time(now, "now")
        return self._apply(
            claimed, lambda s: _outbox_states.give_up(s, claimed, now=now, code=code, detail=detail)
        )

    def mark_permanent(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str
    ) -> OutboxMessage | None:
        """Record a permanent failure."""
        now = _outbox_time(now, "now")
        return self._apply(
            claimed,
            lambda s: _outbox_states.mark_permanent(s, claimed, now=now, code=code, detail=detail),
        )

    def in_state(
        self, state: OutboxState, *, organisation_id: str | None = None, limit: int = 1000
    ) -> tuple[OutboxMessage, ...]:
        """Up to ``limit`` messages in ``state``, oldest first."""
        found = sorted(
            (
                m
                for m in self._all()
                if m.state is state
                and (organisation_id is None or m.organisation_id == organisation_id)
            ),
            key=lambda m: (m.created_at, m.id),
        )
        return tuple(found[: max(limit, 0)])

    def for_organisation(self, organisation_id: str) -> tuple[OutboxMessage, ...]:
        """Every message of the organisation, oldest first."""
        return tuple(
            sorted(
                (m for m in self._all() if m.organisation_id == organisation_id),
                key=lambda m: (m.created_at, m.id),
            )
        )

    def counts(self, organisation_id: str | None = None) -> Mapping[OutboxState, int]:
        """How many messages are in each state."""
        counts = dict.fromkeys(OutboxState, 0)
        for message in self._all():
            if organisation_id is None or message.organisation_id == organisation_id:
                counts[message.state] += 1
        return counts


def _opt(value: object) -> tuple[object, ...]:
    return () if value is None else (value,)


def _residence_regresors(child: Child) -> list[str]:
    """The regresors a child refers to: its first one and those of its residence changes."""
    ids = [r.regresor_id for r in child.residence_changes if r.regresor_id is not None]
    return ids if child.regresor_id is None else [child.regresor_id, *ids]


# (table, referenced table, the referenced keys of a record): checked at commit.
_REFERENCES: tuple[tuple[str, str, Callable[[Any], Iterable[object]]], ...] = (
    ("children", "regresors", lambda c: _residence_regresors(c)),
    ("children", "children", lambda c: _opt(c.payment_group_lead)),
    ("children", "groups", lambda c: [g.group_code for g in c.groups]),
    ("children", "programs", lambda c: [g.program_code for g in c.groups]),
    ("children", "guardians", lambda c: [link.guardian_id for link in c.guardians]),
    ("groups", "programs", lambda g: _opt(g.program_code)),
    ("programs", "programs", lambda p: _opt(p.reference_program)),
    ("decisions", "children", lambda d: (d.child_code,)),
    ("decisions", "regresors", lambda d: _opt(d.regresor_id)),
    ("decisions", "decisions", lambda d: _opt(d.supersedes)),
    ("decision_locks", "decisions", lambda lock: (lock.decision_id,)),
    ("price_locks", "programs", lambda lock: (lock.program_code,)),
    ("reservations", "children", lambda r: (r.child_code,)),
    ("absences", "children", lambda a: (a.child_code,)),
)
_REFERENCED = frozenset(name for source, target, _ in _REFERENCES for name in (source, target))


class MemoryUnitOfWork:
    """A unit of work on a :class:`MemoryStore` (see :class:`szo_core.ports.UnitOfWork`).

    Extensions add tables with :meth:`table` and their own reference checks by
    subclassing; their changes are committed and rolled back with the rest.

    >>> from szo_core.model import Regresor
    >>> store = MemoryStore()
    >>> with store.unit_of_work() as uow:
    ...     _ = uow.regresors.add(Regresor(organisation_id="o", id="r", name="MOL"))
    ...     uow.commit()
    >>> store.table_names()
    ('regresors',)
    """

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._tables: dict[str, MemoryTable[Any]] = {}
        self.organisations = _OrganisationRepository(self)
        self.children: _MemoryRepository[Child, int] = _MemoryRepository(
            self, "children", lambda c: c.code
        )
        self.guardians: _MemoryRepository[Guardian, str] = _MemoryRepository(
            self, "guardians", lambda g: g.id
        )
        self.programs = _ProgramRepository(self, "programs", lambda p: p.code)
        self.groups: _MemoryRepository[Group, str] = _MemoryRepository(
            self, "groups", lambda g: g.code
        )
        self.regresors: _MemoryRepository[Regresor, str] = _MemoryRepository(
            self, "regresors", lambda r: r.id
        )
        self.decision_locks = _MemoryDecisionLocks(self)
        self.price_locks = _MemoryPriceLocks(self)
        self.decisions = _DecisionRepository(self, "decisions", lambda d: d.id)
        self.reservations: _ChildRecordRepository[Reservation] = _ChildRecordRepository(
            self, "reservations", lambda r: r.id
        )
        self.absences: _ChildRecordRepository[Absence] = _ChildRecordRepository(
            self, "absences", lambda a: a.id
        )
        self.templates = _MemoryTemplateRepository(self)

        self.outbox = MemoryOutbox(self)
        from szo_core.adapters.memory_messaging import MemoryMessaging

        self.messaging = MemoryMessaging(self)
        from szo_core.adapters.memory_booking import MemoryBooking

        self.booking = MemoryBooking(self)

        from szo_core.adapters.memory_receivables import MemoryReceivables

        self.receivables = MemoryReceivables(self)

        from szo_core.adapters.memory_notify import MemoryNotifyRepository

        self.notify = MemoryNotifyRepository(self)

        self.school_meals = MemorySchoolMeals(self)
        self.care_home = MemoryCareHome(self)

        from szo_core.adapters.memory_web import MemoryWebAccounts

        self.web = MemoryWebAccounts(self)

    def table(self, name: str, *, ignore_duplicates: bool = False) -> MemoryTable[Any]:
        """Return this unit's view of table ``name`` (created on first use).

        Args:
            name: The table's name.
            ignore_duplicates: At commit, silently drop inserts whose key another
                unit of work committed meanwhile (instead of failing).
        """
        if name not in self._tables:
            self._tables[name] = MemoryTable(self._store, name, ignore_duplicates=ignore_duplicates)
        return self._tables[name]

    def load_month(
        self, organisation_id: str, month: Month, *, left_since: date | None = None
    ) -> MonthData:
        """Return everything the fee engine needs for ``month`` (see the port)."""
        check_period(month, month)
        return self._load(organisation_id, month, month, left_since, None)

    def load_period(
        self,
        organisation_id: str,
        first: Month,
        last: Month,
        *,
        left_since: date | None = None,
    ) -> MonthData:
        """Return everything the fee engine needs for ``first`` ... ``last`` (see the port)."""
        check_period(first, last)
        return self._load(organisation_id, first, last, left_since, last)

    def _load(
        self,
        organisation_id: str,
        month: Month,
        through: Month,
        left_since: date | None,
        last_month: Month | None,
    ) -> MonthData:
        first, last = month.first, through.last
        children = {
            c.code: c
            for c in self.children.for_organisation(organisation_id)
            if child_in_month(c, first, last, left_since)
        }

        def per_child(records: Iterable[C]) -> dict[int, list[C]]:
            grouped: dict[int, list[C]] = {}
            for record in records:
                if record.child_code in children:
                    grouped.setdefault(record.child_code, []).append(record)
            return grouped

        decisions = per_child(
            decisions_for_month(self.decisions.for_organisation(organisation_id), first, last)
        )
        year_first, year_last = date(month.year, 1, 1), date(through.year, 12, 31)
        reservations = per_child(
            r
            for r in self.reservations.for_organisation(organisation_id)
            if period_in_month(r, year_first, year_last)
        )
        absences = per_child(
            a
            for a in self.absences.for_organisation(organisation_id)
            if period_in_month(a, first, last)
        )
        guardian_ids = {link.guardian_id for c in children.values() for link in c.guardians}
        decision_ids = {d.id for ds in decisions.values() for d in ds}
        return MonthData(
            organisation_id=organisation_id,
            month=month,
            children={
                code: ChildMonth(
                    child=child,
                    decisions=by_start(decisions.get(code, ())),
                    reservations=by_start(reservations.get(code, ())),
                    absences=by_start(absences.get(code, ())),
                )
                for code, child in children.items()
            },
            programs={p.code: p for p in self.programs.for_organisation(organisation_id)},
            groups={g.code: g for g in self.groups.for_organisation(organisation_id)},
            regresors={r.id: r for r in self.regresors.for_organisation(organisation_id)},
            guardians={
                g.id: g
                for g in self.guardians.for_organisation(organisation_id)
                if g.id in guardian_ids
            },
            locked_decisions={
                decision_id: run
                for decision_id, run in self.decision_locks.locked(organisation_id).items()
                if decision_id in decision_ids
            },
            last_month=last_month,
        )

    def _check_references(self, final: Mapping[str, Mapping[Hashable, object]]) -> None:
        def state(name: str) -> Mapping[Hashable, object]:
            return final[name] if name in final else self._store._committed(name)

        for source, target, refs in _REFERENCES:
            source_table = self._tables.get(source)
            target_table = self._tables.get(target)
            if source_table is not None and source_table.changed:
                targets = state(target)
                for record in source_table._written():
                    org = cast(_Record, record).organisation_id
                    for ref in refs(record):
                        if (org, ref) not in targets:
                            raise missing_reference(target, org, ref)
            if target_table is not None:
                deleted = target_table._deleted_keys()
                if deleted:
                    for record in state(source).values():
                        org = cast(_Record, record).organisation_id
                        for ref in refs(record):
                            if (org, ref) in deleted:
                                raise missing_reference(target, org, ref)

    def commit(self) -> None:
        """Check and publish this unit's changes; on any error nothing is published."""
        try:
            with self._store._lock:
                changed = {name: t for name, t in self._tables.items() if t.changed}
                for table in changed.values():
                    table._check_base()
                # Tables the reference checks read are always merged into new dicts (the
                # checks read the result); the others in place when no one else holds them.
                in_place = {
                    name: committed
                    for name, t in changed.items()
                    if name not in _REFERENCED and (committed := t._sole_committed()) is not None
                }
                final = {name: t._merged() for name, t in changed.items() if name not in in_place}
                self._check_references(final)
                self._store._tables.update(final)
                for name, committed in in_place.items():
                    changed[name]._apply(committed)
                if changed:
                    self._store._generation += 1
        except StorageError:
            self.rollback()
            raise
        self._reset()

    def rollback(self) -> None:
        """Drop every change since the last commit."""
        self._reset()

    def _reset(self) -> None:
        for table in self._tables.values():
            table._reset()

    def __enter__(self) -> Self:
        """Begin (nothing to do: the overlay is empty)."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        self.rollback()


def _aware(now: datetime) -> datetime:
    if not isinstance(now, datetime) or now.utcoffset() is None:
        from szo_core.errors import ConfigurationError

        raise ConfigurationError(
            "clock.naive",
            sl="Ura potrebuje datum in čas s časovnim pasom (aware datetime).",
            en="The clock needs a timezone-aware datetime.",
            where="ManualClock",
        )
    return now


class ManualClock:
    """A :class:`~szo_core.ports.Clock` that stands still until a test moves it.

    >>> from datetime import UTC, datetime, timedelta
    >>> clock = ManualClock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    >>> clock.advance(timedelta(minutes=5)).isoformat()
    '2026-09-01T08:05:00+00:00'
    """

    def __init__(self, now: datetime) -> None:
        self._now = _aware(now)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the clock's time."""
        with self._lock:
            return self._now

    def set(self, now: datetime) -> datetime:
        """Set the time; return it."""
        now = _aware(now)
        with self._lock:
            self._now = now
            return now

    def advance(self, delta: timedelta) -> datetime:
        """Move the time on by ``delta``; return the new time."""
        with self._lock:
            self._now += delta
            return self._now


class _MemorySender(Generic[M]):
    def __init__(self) -> None:
        self.sent: list[M] = []
        self.script: list[SendResult] = []
        self._lock = threading.Lock()
        self._counter = 0

    def fail_next(self, *results: SendResult) -> None:
        """Answer the next messages with ``results`` (one each) instead of sending them."""
        with self._lock:
            self.script.extend(results)

    def _id(self, message: M) -> str:
        raise NotImplementedError

    def send(self, messages: Sequence[M]) -> tuple[SendResult, ...]:
        """Keep each message in :attr:`sent`, or answer it from the script."""
        results: list[SendResult] = []
        with self._lock:
            for message in messages:
                if self.script:
                    scripted = self.script.pop(0)
                    if scripted.ok:
                        self.sent.append(message)
                    results.append(scripted)
                    continue
                self._counter += 1
                self.sent.append(message)
                results.append(SendResult(DeliveryStatus.SENT, message_id=self._id(message)))
        return tuple(results)


class MemoryMailSender(_MemorySender[EmailMessage]):
    """A :class:`~szo_core.ports.MailSender` that keeps what it is given, for tests.

    :attr:`sent` lists the messages accepted; :meth:`fail_next` scripts failures.

    >>> from szo_core.delivery.message import DeliveryStatus, EmailMessage, SendResult
    >>> sender = MemoryMailSender()
    >>> sender.fail_next(SendResult(DeliveryStatus.TEMPORARY, code="smtp.451"))
    >>> mail = EmailMessage(sender="v@example.si", to="a@example.si", subject="S", text="T")
    >>> [r.status.value for r in sender.send([mail, mail])], len(sender.sent)
    (['temporary', 'sent'], 1)
    """

    def _id(self, message: EmailMessage) -> str:
        return message.message_id or f"<memory-{self._counter}@localhost>"


class MemorySmsSender(_MemorySender[SmsMessage]):
    """A :class:`~szo_core.ports.SmsSender` that keeps what it is given, for tests.

    >>> from szo_core.delivery.message import SmsMessage
    >>> sender = MemorySmsSender()
    >>> sender.send([SmsMessage(to="+38641123456", text="OK")])[0].message_id
    'memory-sms-1'
    """

    def _id(self, message: SmsMessage) -> str:
        return message.reference or f"memory-sms-{self._counter}"
