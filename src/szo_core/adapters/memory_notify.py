"""In-memory ``uow.notify`` (:class:`szo_core.notify.ports.NotifyRepository`).

Tables in the unit of work's overlay
(:meth:`szo_core.adapters.memory.MemoryUnitOfWork.table`), committed and rolled
back with everything else.  What
:meth:`~szo_core.notify.service.Notifications.notify` reads for every event
is found through two index tables kept with the records (a person's
subscriptions; a subscription's decisions per case and channel), so dispatch
does not scan; the audit and the due digests scan (fine for tests,
notebooks and the benchmark; the SQL adapter uses indexes).  Two units of work
adding subscriptions of one person, or decisions of one subscriber's case, at
the same time: the later commit fails with a retryable
:class:`~szo_core.errors.ConcurrencyConflict`.

>>> from szo_core.adapters.memory import MemoryStore
>>> MemoryStore().unit_of_work().notify.outcome_counts("obcina")[Outcome.QUEUED]
0
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from szo_core.adapters._common import conflict, duplicate
from szo_core.delivery.message import Channel
from szo_core.errors import ConfigurationError
from szo_core.notify.catalogue import EventType
from szo_core.notify.records import Confirmation, ConsentChange, Delivery, Outcome, Subscription

if TYPE_CHECKING:
    from szo_core.adapters.memory import MemoryTable, MemoryUnitOfWork

__all__ = ["MemoryNotifyRepository"]


def check_event_type_version(event_type: object) -> EventType:
    """``event_type`` if it is an :class:`EventType` of version 1 or more."""
    if (
        not isinstance(event_type, EventType)
        or event_type.version < 1
        or event_type.changed_at is None
    ):
        raise ConfigurationError(
            "storage.event_type_version",
            sl="Shrani se lahko le vrsta dogodka z različico 1 ali več (save_event_type).",
            en="Only an event type with version 1 or more can be stored (save_event_type).",
            where="notify",
        )
    return event_type


def _aware(value: datetime, where: str) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ConfigurationError(
            "notify.time",
            sl="Čas mora biti datetime s časovnim pasom.",
            en="Times must be timezone-aware datetimes.",
            where=where,
        )
    return value


def _subscription_id(subscription: Subscription) -> str:
    return subscription.id


class MemoryNotifyRepository:
    """``uow.notify`` on the memory store (see the port)."""

    _kind = "notify"

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._types: MemoryTable[EventType] = uow.table("notify_event_types")
        self._subs: MemoryTable[Subscription] = uow.table("notify_subscriptions")
        self._consent: MemoryTable[ConsentChange] = uow.table("notify_consent")
        self._confirm: MemoryTable[Confirmation] = uow.table("notify_confirmations")
        self._deliveries: MemoryTable[Delivery] = uow.table(
            "notify_deliveries", ignore_duplicates=True
        )
        # (org, person) -> subscription ids; (org, (subscription, case, channel)) -> event ids
        self._by_person: MemoryTable[tuple[str, ...]] = uow.table("notify_index_person")
        self._by_group: MemoryTable[tuple[str, ...]] = uow.table("notify_index_group")
        # the latest committed version per (organisation, code), and the mapping it is of
        self._latest: dict[tuple[str, str], EventType | None] = {}
        self._latest_from: object = None

    @staticmethod
    def _values(table: MemoryTable[Any]) -> Iterator[Any]:
        return (value for _, value in table.items())

    # -- the catalogue
    def add_event_type(self, event_type: EventType) -> EventType:
        """Store a new version."""
        check_event_type_version(event_type)
        key = (event_type.organisation_id, (event_type.code, event_type.version))
        if self._types.get(key) is not None:
            self._uow.rollback()
            raise duplicate(
                "notify_event_types",
                event_type.organisation_id,
                f"{event_type.code}/{event_type.version}",
            )
        self._types.insert(key, event_type)
        return event_type

    def event_type_versions(self, organisation_id: str, code: str) -> tuple[EventType, ...]:
        """Every version, oldest first."""
        found = [
            t
            for t in self._values(self._types)
            if t.organisation_id == organisation_id and t.code == code
        ]
        return tuple(sorted(found, key=lambda t: t.version))

    def event_type(
        self, organisation_id: str, code: str, version: int | None = None
    ) -> EventType | None:
        """The given version, or the latest."""
        if version is not None:
            return self._types.get((organisation_id, (code, version)))
        if self._types.changed:  # this unit added a version: look at every one
            versions = self.event_type_versions(organisation_id, code)
            return versions[-1] if versions else None
        # Only committed versions: the latest is kept for as long as the committed
        # mapping of the table is the same object (a commit that adds a version
        # replaces it; commits of other tables do not), so notify() does not scan
        # the catalogue for every event.
        committed = self._types._committed()
        if committed is not self._latest_from:
            self._latest_from = committed
            self._latest = {}
        name = (organisation_id, code)
        if name in self._latest:
            return self._latest[name]
        versions = self.event_type_versions(organisation_id, code)
        found = self._latest[name] = versions[-1] if versions else None
        return found

    def event_types(self, organisation_id: str) -> tuple[EventType, ...]:
        """The latest version of each, by code."""
        latest: dict[str, EventType] = {}
        for t in self._values(self._types):
            if t.organisation_id == organisation_id and (
                t.code not in latest or latest[t.code].version < t.version
            ):
                latest[t.code] = t
        return tuple(latest[code] for code in sorted(latest))

    # -- subscriptions
    def add_subscription(self, subscription: Subscription) -> Subscription:
        """Store a new subscription."""
        key = (subscription.organisation_id, subscription.id)
        if self._subs.get(key) is not None:
            self._uow.rollback()
            raise duplicate("notify_subscriptions", *key)
        self._subs.insert(key, subscription)
        self._index(subscription)
        return subscription

    def _index(self, subscription: Subscription) -> None:
        person = (subscription.organisation_id, subscription.person_id)
        known = self._by_person.get(person)
        if known is None:
            self._by_person.insert(person, (subscription.id,))
        else:
            self._by_person.replace(person, (*known, subscription.id))

    def _unindex(self, subscription: Subscription) -> None:
        person = (subscription.organisation_id, subscription.person_id)
        known = self._by_person.get(person) or ()
        self._by_person.replace(person, tuple(i for i in known if i != subscription.id))

    def update_subscription(self, subscription: Subscription) -> Subscription:
        """Store a changed subscription; version + 1."""
        key = (subscription.organisation_id, subscription.id)
        stored = self._subs.get(key)
        if stored is None or stored.version != subscription.version:
            self._uow.rollback()
            raise conflict("notify_subscriptions", *key)
        if stored.person_id != subscription.person_id:
            self._unindex(stored)
            self._index(subscription)
        changed = attrs.evolve(subscription, version=subscription.version + 1)
        self._subs.replace(key, changed)
        return changed

    def subscription(self, organisation_id: str, subscription_id: str) -> Subscription | None:
        """The subscription, or None."""
        return self._subs.get((organisation_id, subscription_id))

    def subscriptions_for_case(
        self, organisation_id: str, case_id: str, person_ids: Iterable[str]
    ) -> tuple[Subscription, ...]:
        """The persons' subscriptions to the case or to all their cases."""
        persons = person_ids if isinstance(person_ids, tuple) and len(person_ids) == 1 else None
        found = [
            s
            for person in (persons or frozenset(person_ids))
            for s in self._of_person(organisation_id, person)
            if s.case_id is None or s.case_id == case_id
        ]
        if len(found) > 1:
            found.sort(key=_subscription_id)
        return tuple(found)

    def _of_person(self, organisation_id: str, person_id: str) -> Iterator[Subscription]:
        for sid in self._by_person.get((organisation_id, person_id)) or ():
            found = self._subs.get((organisation_id, sid))
            if found is not None and found.person_id == person_id:
                yield found

    def subscriptions_of(self, organisation_id: str, person_id: str) -> tuple[Subscription, ...]:
        """Every subscription of the person."""
        return tuple(sorted(self._of_person(organisation_id, person_id), key=lambda s: s.id))

    # -- consent
    def add_consent(self, change: ConsentChange) -> ConsentChange:
        """Add an entry of the history."""
        key = (change.organisation_id, (change.subscription_id, change.seq))
        if self._consent.get(key) is not None:
            self._uow.rollback()
            raise duplicate("notify_consent", change.organisation_id, change.subscription_id)
        self._consent.insert(key, change)
        return change

    def consent_history(
        self, organisation_id: str, subscription_id: str
    ) -> tuple[ConsentChange, ...]:
        """The history, by seq."""
        found = [
            c
            for c in self._values(self._consent)
            if c.organisation_id == organisation_id and c.subscription_id == subscription_id
        ]
        return tuple(sorted(found, key=lambda c: c.seq))

    # -- confirmations
    def put_confirmation(self, confirmation: Confirmation) -> Confirmation:
        """Store or replace the confirmation of (subscription, channel)."""
        key = (
            confirmation.organisation_id,
            (confirmation.subscription_id, confirmation.channel.value),
        )
        if self._confirm.get(key) is None:
            self._confirm.insert(key, confirmation)
        else:
            self._confirm.replace(key, confirmation)
        return confirmation

    def confirmation(
        self, organisation_id: str, subscription_id: str, channel: Channel
    ) -> Confirmation | None:
        """The confirmation, or None."""
        return self._confirm.get((organisation_id, (subscription_id, channel.value)))

    # -- deliveries (the audit)
    @staticmethod
    def _delivery_key(d: Delivery) -> tuple[str, tuple[str, str, str]]:
        return (d.organisation_id, (d.event_id, d.subscription_id, d.channel.value))

    def add_delivery(self, delivery: Delivery) -> Delivery:
        """Store a new decision, or return the stored one."""
        organisation_id = delivery.organisation_id
        channel = delivery.channel._value_  # the enum's value without its property
        event_id = delivery.event_id
        subscription_id = delivery.subscription_id
        stored = self._deliveries.add_new(
            (organisation_id, (event_id, subscription_id, channel)), delivery
        )
        if stored is not delivery:
            return stored
        group = (organisation_id, (subscription_id, delivery.case_id, channel))
        first = (event_id,)
        known = self._by_group.add_new(group, first)
        if known is not first:
            self._by_group.replace(group, (*known, event_id))
        return delivery

    def add_deliveries(self, deliveries: Iterable[Delivery]) -> tuple[Delivery, ...]:
        """:meth:`add_delivery` for each in turn; what each returned, in order.

        >>> from datetime import UTC, datetime
        >>> from szo_core.adapters.memory import MemoryStore
        >>> from szo_core.notify.catalogue import EventClass
        >>> at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
        >>> d = Delivery(organisation_id="o", event_id="e1", subscription_id="s1",
        ...              channel=Channel.SMS, case_id="c", event_code="x", event_version=1,
        ...              event_class=EventClass.NOTIFIABLE, occurred_at=at,
        ...              outcome=Outcome.SKIPPED_UNCONFIRMED, decided_at=at)
        >>> uow = MemoryStore().unit_of_work()
        >>> [stored is d for stored in uow.notify.add_deliveries([d, attrs.evolve(d)])]
        [True, True]
        """
        add_new = self._deliveries.add_new
        by_group = self._by_group
        stored_all: list[Delivery] = []
        for delivery in deliveries:
            # add_delivery, inlined (one call per delivery less)
            organisation_id = delivery.organisation_id
            channel = delivery.channel._value_
            event_id = delivery.event_id
            subscription_id = delivery.subscription_id
            stored = add_new((organisation_id, (event_id, subscription_id, channel)), delivery)
            stored_all.append(stored)
            if stored is not delivery:
                continue
            group = (organisation_id, (subscription_id, delivery.case_id, channel))
            first = (event_id,)
            known = by_group.add_new(group, first)
            if known is not first:
                by_group.replace(group, (*known, event_id))
        return tuple(stored_all)

    @staticmethod
    def _group_key(
        organisation_id: str, subscription_id: str, case_id: str, channel: Channel
    ) -> tuple[str, tuple[str, str, str]]:
        return (organisation_id, (subscription_id, case_id, channel.value))

    def _group(
        self, organisation_id: str, subscription_id: str, case_id: str, channel: Channel
    ) -> Iterator[Delivery]:
        group = self._group_key(organisation_id, subscription_id, case_id, channel)
        for event_id in self._by_group.get(group) or ():
            found = self._deliveries.get(
                (organisation_id, (event_id, subscription_id, channel.value))
            )
            if found is not None:
                yield found

    def update_delivery(self, delivery: Delivery) -> Delivery:
        """Replace a stored decision."""
        key = self._delivery_key(delivery)
        if self._deliveries.get(key) is None:
            from szo_core.adapters._common import not_found

            raise not_found("notify_deliveries", delivery.organisation_id, delivery.event_id)
        self._deliveries.replace(key, delivery)
        return delivery

    def deliveries(
        self,
        organisation_id: str,
        *,
        event_id: str | None = None,
        subscription_id: str | None = None,
        case_id: str | None = None,
    ) -> tuple[Delivery, ...]:
        """Matching decisions, in order."""
        found = [
            d
            for d in self._values(self._deliveries)
            if d.organisation_id == organisation_id
            and (event_id is None or d.event_id == event_id)
            and (subscription_id is None or d.subscription_id == subscription_id)
            and (case_id is None or d.case_id == case_id)
        ]
        return tuple(
            sorted(
                found, key=lambda d: (d.decided_at, d.event_id, d.subscription_id, d.channel.value)
            )
        )

    def count_sent_since(
        self,
        organisation_id: str,
        subscription_id: str,
        case_id: str,
        channel: Channel,
        since: datetime,
    ) -> int:
        """Decisions that sent a message at or after ``since``."""
        since = _aware(since, "since")
        return sum(
            1
            for d in self._group(organisation_id, subscription_id, case_id, channel)
            if d.outcome.sends and d.decided_at >= since
        )

    def pending_digests(
        self, now: datetime, *, organisation_id: str | None = None, limit: int = 1000
    ) -> tuple[Delivery, ...]:
        """Held items due at ``now``, oldest due first."""
        now = _aware(now, "now")
        found = [
            d
            for d in self._values(self._deliveries)
            if d.outcome is Outcome.DIGEST_PENDING
            and d.due_at is not None
            and d.due_at <= now
            and (organisation_id is None or d.organisation_id == organisation_id)
        ]
        found.sort(key=lambda d: (d.due_at, d.organisation_id, d.subscription_id, d.decided_at))
        return tuple(found[: max(limit, 0)])

    def held_for_digest(
        self, organisation_id: str, subscription_id: str, case_id: str, channel: Channel
    ) -> tuple[Delivery, ...]:
        """Items of the group still held."""
        found = [
            d
            for d in self._group(organisation_id, subscription_id, case_id, channel)
            if d.outcome is Outcome.DIGEST_PENDING
        ]
        return tuple(sorted(found, key=lambda d: (d.decided_at, d.event_id)))

    def outcome_counts(self, organisation_id: str) -> dict[Outcome, int]:
        """Decisions per outcome."""
        counts = dict.fromkeys(Outcome, 0)
        for d in self._values(self._deliveries):
            if d.organisation_id == organisation_id:
                counts[d.outcome] += 1
        return counts
