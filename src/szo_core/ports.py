"""Ports: what szo_core needs from storage, as :class:`typing.Protocol` s.

The engines never talk to a database.  Use cases read and write records through
a :class:`UnitOfWork`: a transaction with one repository per record type, a
single :meth:`UnitOfWork.load_month` query for everything the fee engine needs
in a month, and :class:`DecisionLocks` for decisions a closed billing run used.
Two adapters implement the ports: :mod:`szo_core.adapters.memory` (in memory,
for tests and notebooks) and :mod:`szo_core.adapters.sql` (SQLite and
PostgreSQL).  Anything that passes the contract tests in ``tests/storage/`` is
an adapter too (see the storage guide).

The rules every adapter keeps:

* ``add`` stores a record as given (its ``version`` included); the key must be
  new, else :class:`~szo_core.errors.StorageError` (``storage.duplicate``).
* ``update`` and ``remove`` take the record as it was read.  If the stored
  ``version`` differs, someone else changed it: they raise
  :class:`~szo_core.errors.ConcurrencyConflict`, change nothing, and roll the
  unit of work back.  ``update`` returns the record with ``version + 1``.
* ``get`` raises :class:`~szo_core.errors.NotFound`; ``find`` returns None.
* References between records (a decision's child, a child's group, program,
  regresor and guardians) must exist when the unit of work commits; otherwise
  ``commit`` raises :class:`~szo_core.errors.StorageError` and stores nothing.
* A decision locked by a closed billing run cannot be updated or removed:
  :class:`~szo_core.errors.RecordLockedError`; supersede it with a new one.
* A program's prices in force in a closed billing month are locked
  (:class:`PriceLocks`): an ``update`` that changes or removes such a price, or
  adds one that starts on or before the end of the locked months, and a
  ``remove`` of the program, raise :class:`~szo_core.errors.RecordLockedError`;
  a new price is a new dated entry after the closed months.
* Leaving the ``with`` block without :meth:`UnitOfWork.commit` rolls back.

>>> from datetime import date
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.calendar import Month
>>> from szo_core.model import Child
>>> store: Storage = MemoryStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.children.add(Child(organisation_id="org", code=1, first_name="Ana",
...                                enrollment_date=date(2025, 9, 1)))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     sorted(uow.load_month("org", Month(2025, 9)).children)
[1]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, TypeVar

import attrs

from szo_core.calendar import Month
from szo_core.delivery.message import EmailMessage, SendResult, SmsMessage
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
from szo_core.templates.model import MessageTemplate

if TYPE_CHECKING:
    from datetime import timedelta

    from szo_core.booking.ports import BookingRepository
    from szo_core.fees.care_home.ports import CareHomeRepository
    from szo_core.fees.school_meals.ports import SchoolMealRepository
    from szo_core.messaging.ports import MessagingRepository
    from szo_core.notify.ports import NotifyRepository
    from szo_core.outbox.records import Channel, IdempotencyKey, OutboxMessage, OutboxState
    from szo_core.receivables.ports import ReceivablesRepository
    from szo_core.web.ports import WebRepository

__all__ = [
    "AbsenceRepository",
    "ChildMonth",
    "ChildRecords",
    "ChildRepository",
    "Clock",
    "DecisionLocks",
    "DecisionRepository",
    "GroupRepository",
    "GuardianRepository",
    "MailSender",
    "MonthData",
    "OrganisationRepository",
    "OutboxRepository",
    "PriceLocks",
    "ProgramRepository",
    "RegresorRepository",
    "Repository",
    "ReservationRepository",
    "SmsSender",
    "Storage",
    "TemplateRepository",
    "UnitOfWork",
]

R = TypeVar("R")
K = TypeVar("K", contravariant=True)


class Repository(Protocol[R, K]):
    """Records of one type, keyed by ``(organisation_id, key)``.

    ``K`` is the key's type: the child's ``code`` (int), a program's or group's
    ``code`` (str), or the ``id`` (str) of the other records.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> from szo_core.model import Group
    >>> with MemoryStore().unit_of_work() as uow:
    ...     repo: Repository[Group, str] = uow.groups
    ...     stored = repo.add(Group(organisation_id="org", code="A1", name="Metulji"))
    ...     repo.update(stored).version
    1
    """

    def add(self, record: R) -> R:
        """Store a new record as given and return it.

        Raises:
            StorageError: ``storage.duplicate`` if the key is taken.
        """
        ...

    def get(self, organisation_id: str, key: K) -> R:
        """Return the record with ``key``.

        Raises:
            NotFound: There is no such record.
        """
        ...

    def find(self, organisation_id: str, key: K) -> R | None:
        """Return the record with ``key``, or None."""
        ...

    def for_organisation(self, organisation_id: str) -> tuple[R, ...]:
        """Return every record of the organisation, ordered by key."""
        ...

    def update(self, record: R) -> R:
        """Replace the stored record; return it with ``version + 1``.

        Raises:
            NotFound: There is no such record.
            ConcurrencyConflict: The stored version is not ``record.version``.
        """
        ...

    def remove(self, record: R) -> None:
        """Remove the record.

        Raises:
            NotFound: There is no such record.
            ConcurrencyConflict: The stored version is not ``record.version``.
        """
        ...


class ChildRecords(Repository[R, K], Protocol[R, K]):
    """A repository of records that belong to a child (decisions, reservations, absences).

    >>> from szo_core.adapters.memory import MemoryStore
    >>> with MemoryStore().unit_of_work() as uow:
    ...     uow.absences.for_child("org", 7)
    ()
    """

    def for_child(self, organisation_id: str, child_code: int) -> tuple[R, ...]:
        """Return the child's records, ordered by start date, then id."""
        ...


ChildRepository = Repository[Child, int]
"""Children, keyed by ``code``."""
GuardianRepository = Repository[Guardian, str]
"""Guardians, keyed by ``id``."""
ProgramRepository = Repository[Program, str]
"""Programs with their prices, keyed by ``code``."""
GroupRepository = Repository[Group, str]
"""Groups, keyed by ``code``."""
RegresorRepository = Repository[Regresor, str]
"""Regresors, keyed by ``id``."""
DecisionRepository = ChildRecords[Decision, str]
"""Decisions, keyed by ``id``; locked ones refuse ``update`` and ``remove``."""
ReservationRepository = ChildRecords[Reservation, str]
"""Reservations, keyed by ``id``."""
AbsenceRepository = ChildRecords[Absence, str]
"""Absences, keyed by ``id``."""


class OrganisationRepository(Protocol):
    """The organisations themselves (:class:`~szo_core.model.Organisation`), keyed by ``id``.

    The same rules as :class:`Repository` (``add`` refuses a taken id,
    ``update`` and ``remove`` check the ``version``), without an organisation
    scope: an organisation is the scope of the other records.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> with MemoryStore().unit_of_work() as uow:
    ...     uow.organisations.find("vrtec") is None, uow.organisations.all()
    (True, ())
    """

    def add(self, record: Organisation) -> Organisation:
        """Store a new organisation as given and return it.

        Raises:
            StorageError: ``storage.duplicate`` if the id is taken.
        """
        ...

    def get(self, organisation_id: str) -> Organisation:
        """Return the organisation.

        Raises:
            NotFound: There is no such organisation.
        """
        ...

    def find(self, organisation_id: str) -> Organisation | None:
        """Return the organisation, or None."""
        ...

    def all(self) -> tuple[Organisation, ...]:
        """Return every organisation, ordered by id."""
        ...

    def update(self, record: Organisation) -> Organisation:
        """Replace the stored organisation; return it with ``version + 1``.

        Raises:
            NotFound: There is no such organisation.
            ConcurrencyConflict: The stored version is not ``record.version``.
        """
        ...

    def remove(self, record: Organisation) -> None:
        """Remove the organisation (its other records stay).

        Raises:
            NotFound: There is no such organisation.
            ConcurrencyConflict: The stored version is not ``record.version``.
        """
        ...


class TemplateRepository(Protocol):
    """Message templates (:class:`~szo_core.templates.model.MessageTemplate`) and their versions.

    A template is identified by its organisation, ``key`` and ``language``;
    each save adds a new ``version`` (see
    :func:`szo_core.templates.messages.save_template`), and versions are never
    changed or removed, so a message can always be traced to the version that
    rendered it.  The latest version is the one used.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> with MemoryStore().unit_of_work() as uow:
    ...     uow.templates.latest("vrtec", "invoice.email", "sl") is None
    True
    """

    def add(self, template: MessageTemplate) -> MessageTemplate:
        """Store a new version as given (``template.version`` at least 1) and return it.

        Raises:
            StorageError: ``storage.duplicate`` if the version exists.
            szo_core.errors.ConfigurationError: ``storage.template_version`` for
                version 0 (a template that was never saved).
        """
        ...

    def get(
        self, organisation_id: str, key: str, language: str, version: int | None = None
    ) -> MessageTemplate:
        """Return ``version`` of the template, or its latest version when ``version`` is None.

        Raises:
            NotFound: There is no such template or version.
        """
        ...

    def latest(self, organisation_id: str, key: str, language: str) -> MessageTemplate | None:
        """Return the latest version of the template, or None."""
        ...

    def versions(
        self, organisation_id: str, key: str, language: str
    ) -> tuple[MessageTemplate, ...]:
        """Return every version of the template, oldest first."""
        ...

    def for_organisation(self, organisation_id: str) -> tuple[MessageTemplate, ...]:
        """Return the latest version of each template of the organisation, by key, language."""
        ...


class DecisionLocks(Protocol):
    """Locks on decisions used by a closed billing run.

    A locked decision can no longer be updated or removed (the decision
    repository raises :class:`~szo_core.errors.RecordLockedError`); a correction
    is a new decision that ``supersedes`` it.  Locks are never lifted.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> with MemoryStore().unit_of_work() as uow:
    ...     uow.decision_locks.locked_by("org", "d-1") is None
    True
    """

    def lock(self, organisation_id: str, decision_ids: Iterable[str], billing_run_id: str) -> None:
        """Lock the decisions for the closed billing run ``billing_run_id``.

        A decision already locked keeps its first billing run.  The decisions must
        exist when the unit of work commits.
        """
        ...

    def locked_by(self, organisation_id: str, decision_id: str) -> str | None:
        """Return the billing run that locked the decision, or None."""
        ...

    def locked(self, organisation_id: str) -> Mapping[str, str]:
        """Return every lock of the organisation: decision id -> billing run id."""
        ...


class PriceLocks(Protocol):
    """Locks on the program prices that closed billing months used.

    Closing a month locks every program of the organisation through the month's
    last day: the price entries in force on any day up to that day can no
    longer change (the program repository raises
    :class:`~szo_core.errors.RecordLockedError` ``program.price.locked``).
    Locks only move forward and are never lifted.

    A lock is keyed by a kind and a code (:class:`szo_core.fees.locks.LockKind`):
    ``"program"`` (the default) and a program's code, or ``"school_meals"`` /
    ``"care_home"`` and ``"settings"`` for a school's meal settings or a care
    home's settings (their ``put_settings`` raises ``school_meals.price.locked``
    / ``care_home.price.locked``).  Only a program lock's code must be a stored
    program.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> with MemoryStore().unit_of_work() as uow:
    ...     uow.price_locks.lock("org", ["I"], date(2026, 9, 30), "2026-09")
    ...     uow.price_locks.locked_through("org", "I"), uow.price_locks.locked_through("org", "II")
    (datetime.date(2026, 9, 30), None)
    """

    def lock(
        self,
        organisation_id: str,
        program_codes: Iterable[str],
        through: date,
        billing_run_id: str,
        *,
        kind: str = "program",
    ) -> None:
        """Lock the programs' prices in force on any day up to ``through``.

        A program locked through a later day keeps its lock.  The programs must
        exist when the unit of work commits.  With another ``kind``
        (``"school_meals"``, ``"care_home"``) the codes are that kind's
        (``"settings"``).

        Raises:
            szo_core.errors.ConfigurationError: ``storage.price_lock`` when
                ``program_codes`` is a single string or holds a non-string,
                ``through`` is not a ``date`` (a ``datetime`` neither), or
                ``billing_run_id`` is not a string; ``storage.price_lock`` also when
                ``kind`` is not a known lock kind.
        """
        ...

    def locked_through(
        self,
        organisation_id: str,
        program_code: str,
        *,
        kind: str = "program",
    ) -> date | None:
        """The last day of the latest closed month that locked the program, or None.

        With another ``kind``: the lock of that kind's code (``"settings"``).
        """
        ...


class OutboxRepository(Protocol):
    """Messages stored to be sent (:mod:`szo_core.outbox`), in the unit of work.

    A message is stored with :meth:`enqueue` in the same unit of work as the
    change that caused it, so a rollback drops both.  A dispatcher
    :meth:`claim` s due messages in a unit of work of its own (commits it),
    sends them, and records each result with :meth:`mark_sent`,
    :meth:`mark_temporary`, :meth:`give_up` or :meth:`mark_permanent`.

    The rules every adapter keeps:

    * ``enqueue`` of a message whose id (derived from the idempotency key) is
      stored already stores nothing and returns the stored message; when two
      units of work enqueue the same key at once, one message is kept (the
      memory store drops the second insert at commit; SQL keeps the first and,
      on PostgreSQL, may fail the other with a retryable
      :class:`~szo_core.errors.ConcurrencyConflict`).
    * ``claim`` takes messages that are ``sending`` with an expired lease (a
      dispatcher died), then those ``queued`` and due, each oldest due first: each becomes
      ``sending`` with one more attempt and ``next_attempt_at = now + lease``.
      Two dispatchers never claim the same message under one lease (SQL:
      ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer; memory
      fails the later commit with ``ConcurrencyConflict``).
    * A failure (``mark_temporary``, ``give_up``, ``mark_permanent``) is
      recorded only while the message is still ``sending`` under the claim
      that is reported (the same ``attempts``); ``mark_sent`` whenever the
      message is not final yet (a late success is still true).  Otherwise
      they change nothing and return None.
    * On PostgreSQL a unit of work whose first statement is a claim or a mark
      runs at ``READ COMMITTED`` (a queue needs it), every other one at
      ``REPEATABLE READ`` as usual.

    >>> from datetime import UTC, datetime, timedelta
    >>> from szo_core.adapters.memory import MemoryStore
    >>> from szo_core.delivery.message import SmsMessage
    >>> from szo_core.outbox import Channel, IdempotencyKey, new_message
    >>> now = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    >>> store = MemoryStore()
    >>> with store.unit_of_work() as uow:
    ...     message = new_message("vrtec", IdempotencyKey("b:1", "+38641123456", Channel.SMS),
    ...                           SmsMessage(to="+38641123456", text="Potrjeno."), now=now)
    ...     first = uow.outbox.enqueue(message)
    ...     again = uow.outbox.enqueue(message)
    ...     uow.commit()
    >>> with store.unit_of_work() as uow:
    ...     [m.state.value for m in uow.outbox.claim(now, limit=10, lease=timedelta(minutes=5))]
    ...     uow.commit()
    ['sending']
    """

    def enqueue(self, message: OutboxMessage) -> OutboxMessage:
        """Store a new message, or return the stored one with the same id."""
        ...

    def enqueue_many(self, messages: Iterable[OutboxMessage]) -> tuple[OutboxMessage, ...]:
        """:meth:`enqueue` each of ``messages`` in turn, in one write; what each returned, in order.

        A message whose id is stored already, or given earlier in the same
        call, stores nothing and gets the stored (or earlier) one back.  Every
        message is checked before anything is stored.
        """
        ...

    def get(self, organisation_id: str, message_id: str) -> OutboxMessage:
        """Return the message with outbox id ``message_id``.

        Raises:
            NotFound: There is no such message.
        """
        ...

    def find(self, organisation_id: str, message_id: str) -> OutboxMessage | None:
        """Return the message with outbox id ``message_id``, or None."""
        ...

    def find_by_key(self, organisation_id: str, key: IdempotencyKey) -> OutboxMessage | None:
        """Return the message stored for ``key``, or None."""
        ...

    def claim(
        self,
        now: datetime,
        *,
        limit: int,
        lease: timedelta,
        channels: Iterable[Channel] | None = None,
        organisation_id: str | None = None,
    ) -> tuple[OutboxMessage, ...]:
        """Take up to ``limit`` due messages for sending; return them as claimed.

        Args:
            now: The time (aware).
            limit: The most messages to take.
            lease: How long the claim holds; after it another dispatcher may
                take the message again.
            channels: Only these channels (default every one).
            organisation_id: Only this organisation's messages (default all).
        """
        ...

    def mark_sent(self, claimed: OutboxMessage, *, now: datetime) -> OutboxMessage | None:
        """Record that the server accepted the message."""
        ...

    def mark_temporary(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str, retry_at: datetime
    ) -> OutboxMessage | None:
        """Record a temporary failure: ``queued`` again, due at ``retry_at``."""
        ...

    def give_up(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str
    ) -> OutboxMessage | None:
        """Record a temporary failure after which the retry time is over: ``given_up``."""
        ...

    def mark_permanent(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str
    ) -> OutboxMessage | None:
        """Record a permanent failure: ``failed``, never tried again."""
        ...

    def in_state(
        self, state: OutboxState, *, organisation_id: str | None = None, limit: int = 1000
    ) -> tuple[OutboxMessage, ...]:
        """Up to ``limit`` messages in ``state``, oldest first (``created_at``, then id)."""
        ...

    def for_organisation(self, organisation_id: str) -> tuple[OutboxMessage, ...]:
        """Every message of the organisation, oldest first."""
        ...

    def counts(self, organisation_id: str | None = None) -> Mapping[OutboxState, int]:
        """How many messages are in each state (every state present, zeros included)."""
        ...


@attrs.frozen(kw_only=True)
class ChildMonth:
    """One child's records for a month: what the fee engine reads for it.

    Attributes:
        child: The child, with its group history and guardian links.
        decisions: Decisions valid on at least one day of the month (superseded
            ones included), and the decisions that supersede one of them (so the
            engine can tell which are replaced), ordered by ``valid_from``, then ``id``.
        reservations: Reservations overlapping the calendar year of the month
            (earlier ones count towards yearly caps), ordered by start, then id.
        absences: Absences overlapping the month, ordered by start, then id.

    >>> from szo_core.model import Child
    >>> ChildMonth(child=Child(organisation_id="o", code=1)).decisions
    ()
    """

    child: Child
    decisions: tuple[Decision, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    absences: tuple[Absence, ...] = ()


@attrs.frozen(kw_only=True)
class MonthData:
    """Everything the fee engine needs for one month of one organisation.

    A :meth:`UnitOfWork.load_period` result covers the months ``month`` through
    ``last_month``; the descriptions below then read "the period" for "the month".

    Attributes:
        organisation_id: The organisation.
        month: The month (the first month of a period).
        children: Children enrolled on at least one day of the month (both dates
            inclusive; inactive ones included), keyed by child code.
        programs: Every program of the organisation with all its dated prices,
            keyed by code.
        groups: Every group of the organisation, keyed by code.
        regresors: Every regresor of the organisation, keyed by id.
        guardians: The guardians linked to the children, keyed by id.
        locked_decisions: Locks on the children's decisions: decision id ->
            billing run id.
        last_month: The last month of a period; None for one month.

    >>> data = MonthData(organisation_id="o", month=Month(2025, 9))
    >>> len(data.children), data.month.first, data.months
    (0, datetime.date(2025, 9, 1), (Month(year=2025, month=9),))
    """

    organisation_id: str
    month: Month
    children: Mapping[int, ChildMonth] = attrs.field(factory=dict)
    programs: Mapping[str, Program] = attrs.field(factory=dict)
    groups: Mapping[str, Group] = attrs.field(factory=dict)
    regresors: Mapping[str, Regresor] = attrs.field(factory=dict)
    guardians: Mapping[str, Guardian] = attrs.field(factory=dict)
    locked_decisions: Mapping[str, str] = attrs.field(factory=dict)
    last_month: Month | None = None

    @property
    def months(self) -> tuple[Month, ...]:
        """Every month the data covers, in order."""
        return tuple(self.month.through(self.last_month or self.month))


class UnitOfWork(Protocol):
    """A transaction over every repository; use it as a context manager.

    Changes become visible to others only on :meth:`commit`; leaving the
    ``with`` block without committing (or with an exception) rolls back.  After
    a commit or a rollback the unit of work can be used for more work.

    Adapters may offer more repositories (billing runs, invoices) on the same
    transaction; see the storage guide for how to add them.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> from szo_core.model import Regresor
    >>> store = MemoryStore()
    >>> with store.unit_of_work() as uow:
    ...     _ = uow.regresors.add(Regresor(organisation_id="o", id="r-61", name="MOL"))
    >>> with store.unit_of_work() as uow:  # not committed, so not stored
    ...     uow.regresors.find("o", "r-61") is None
    True
    """

    @property
    def organisations(self) -> OrganisationRepository:
        """The organisations (who bills, and where the money goes)."""
        ...

    @property
    def children(self) -> ChildRepository:
        """Children."""
        ...

    @property
    def guardians(self) -> GuardianRepository:
        """Guardians."""
        ...

    @property
    def programs(self) -> ProgramRepository:
        """Programs with prices."""
        ...

    @property
    def groups(self) -> GroupRepository:
        """Groups."""
        ...

    @property
    def regresors(self) -> RegresorRepository:
        """Regresors."""
        ...

    @property
    def decisions(self) -> DecisionRepository:
        """Decisions on reduced payment."""
        ...

    @property
    def reservations(self) -> ReservationRepository:
        """Reservations."""
        ...

    @property
    def absences(self) -> AbsenceRepository:
        """Absences."""
        ...

    @property
    def decision_locks(self) -> DecisionLocks:
        """Locks on decisions used by closed billing runs."""
        ...

    @property
    def templates(self) -> TemplateRepository:
        """Message templates and their versions."""
        ...

    @property
    def price_locks(self) -> PriceLocks:
        """Locks on program prices used by closed billing months."""
        ...

    @property
    def outbox(self) -> OutboxRepository:
        """Messages stored to be sent (:mod:`szo_core.outbox`)."""
        ...

    @property
    def messaging(self) -> MessagingRepository:
        """Operator messaging (:mod:`szo_core.messaging`)."""
        ...

    @property
    def receivables(self) -> ReceivablesRepository:
        """The receivables ledger (:mod:`szo_core.receivables`): items, postings, receipts."""
        ...

    @property
    def notify(self) -> NotifyRepository:
        """Citizen notifications: catalogue, subscriptions, audit (:mod:`szo_core.notify`)."""
        ...

    @property
    def school_meals(self) -> SchoolMealRepository:
        """School meal records (:mod:`szo_core.fees.school_meals.ports`)."""
        ...

    @property
    def care_home(self) -> CareHomeRepository:
        """Care home records (:mod:`szo_core.fees.care_home.ports`)."""
        ...

    @property
    def booking(self) -> BookingRepository:
        """Appointment booking for a virtual counter (:mod:`szo_core.booking`)."""
        ...

    @property
    def web(self) -> WebRepository:
        """Operator accounts of the reference web app (:mod:`szo_core.web.ports`)."""
        ...

    def load_month(
        self, organisation_id: str, month: Month, *, left_since: date | None = None
    ) -> MonthData:
        """Return everything the fee engine needs for ``month``, in one call.

        Children are those enrolled on at least one day of the month; with
        ``left_since``, also those whose exit date is on or after that day (an
        exit rule may bill past the exit day, e.g. to the end of the month after
        late notice).  A SQL adapter answers with a fixed number of SELECT
        statements, however many children there are.
        """
        ...

    def load_period(
        self,
        organisation_id: str,
        first: Month,
        last: Month,
        *,
        left_since: date | None = None,
    ) -> MonthData:
        """Return everything the fee engine needs for every month ``first`` ... ``last``.

        One call instead of one :meth:`load_month` per month (billing reads its
        whole correction window this way): children enrolled on at least one day
        of the period (and, with ``left_since``, those whose exit date is on or
        after that day), the decisions valid on a day of it and those that
        supersede one of them, reservations overlapping the calendar years of
        the period, absences overlapping the period.  The result's ``month`` is
        ``first`` and its ``last_month`` is ``last``.  ``load_month(org, m)`` is
        ``load_period(org, m, m)`` without ``last_month``.

        Raises:
            szo_core.errors.ConfigurationError: ``storage.month`` when a month is
                not a :class:`~szo_core.calendar.Month`, ``storage.period`` when
                ``last`` is before ``first``.
        """
        ...

    def commit(self) -> None:
        """Make the changes durable and visible.

        Raises:
            StorageError: A reference does not exist, or the database failed;
                nothing was stored.
        """
        ...

    def rollback(self) -> None:
        """Discard every change since the last commit."""
        ...

    def __enter__(self) -> Self:
        """Begin."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back what was not committed and release the connection."""
        ...


class Storage(Protocol):
    """Where records live: hands out units of work.

    >>> from szo_core.adapters.memory import MemoryStore
    >>> isinstance(MemoryStore().unit_of_work(), object)
    True
    """

    def unit_of_work(self) -> UnitOfWork:
        """Return a new unit of work (not yet begun; use it in a ``with`` block)."""
        ...


class Clock(Protocol):
    """The time, for code that must not read the system clock itself.

    ``now`` returns an aware :class:`~datetime.datetime` (UTC is usual; the
    outbox, booking and the SMTP ``Date`` header take it from here).
    :class:`szo_core.adapters.clock.SystemClock` is the real one,
    :class:`szo_core.adapters.memory.ManualClock` the one tests move by hand.

    >>> from datetime import UTC, datetime
    >>> from szo_core.adapters.memory import ManualClock
    >>> clock: Clock = ManualClock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    >>> clock.now().isoformat()
    '2026-09-01T08:00:00+00:00'
    """

    def now(self) -> datetime:
        """Return the current time, timezone-aware."""
        ...


class MailSender(Protocol):
    """Sends e-mail.

    Adapters: :mod:`szo_core.adapters.smtp` (SMTP), :mod:`szo_core.adapters.files`
    (``.eml`` files) and :class:`szo_core.adapters.memory.MemoryMailSender` (tests).

    ``send`` takes a batch (an adapter reuses one connection for it) and returns
    one :class:`~szo_core.delivery.message.SendResult` per message, in order.  It
    does not raise for a message that fails: a connection that cannot be made
    gives every message a ``TEMPORARY`` result, a refused recipient a
    ``PERMANENT`` (5xx) or ``TEMPORARY`` (4xx) one.  It raises only for a
    misconfiguration (:class:`~szo_core.errors.ConfigurationError`).

    >>> from szo_core.adapters.memory import MemoryMailSender
    >>> from szo_core.delivery.message import EmailMessage
    >>> sender: MailSender = MemoryMailSender()
    >>> [r.status.value for r in sender.send([EmailMessage(
    ...     sender="vrtec@example.si", to="ana@example.si", subject="S", text="T")])]
    ['sent']
    """

    def send(self, messages: Sequence[EmailMessage]) -> tuple[SendResult, ...]:
        """Send ``messages``; one result per message, in order."""
        ...


class SmsSender(Protocol):
    """Sends text messages.

    Adapters: :mod:`szo_core.adapters.sms_http` (an HTTP gateway),
    :mod:`szo_core.adapters.files` (JSON lines) and
    :class:`szo_core.adapters.memory.MemorySmsSender` (tests).

    The same contract as :class:`MailSender`: a batch in, one result per message
    out, failures as results (an HTTP 5xx or no connection ``TEMPORARY``, a
    number the gateway rejects ``PERMANENT``).

    >>> from szo_core.adapters.memory import MemorySmsSender
    >>> from szo_core.delivery.message import SmsMessage
    >>> sender: SmsSender = MemorySmsSender()
    >>> sender.send([SmsMessage(to="+38641123456", text="Potrjeno.")])[0].ok
    True
    """

    def send(self, messages: Sequence[SmsMessage]) -> tuple[SendResult, ...]:
        """Send ``messages``; one result per message, in order."""
        ...
