"""The storage port of citizen notifications: ``uow.notify``.

One repository on the unit of work, in the same transaction as everything
else (an event's decisions and its outbox messages commit together).  Two
adapters: :class:`szo_core.adapters.memory_notify.MemoryNotifyRepository` and
:class:`szo_core.adapters.sql.notify.SqlNotifyRepository`; both pass
``tests/storage/test_notify_contract.py``.

The rules every adapter keeps:

* Event types are versioned: :meth:`~NotifyRepository.add_event_type` stores a
  new version (``storage.duplicate`` if that version exists); the latest is
  the one used.
* Subscriptions follow the record rules of :mod:`szo_core.ports`: ``add`` with
  a new id, ``update`` with the version read (``ConcurrencyConflict`` when
  someone else changed it; returns ``version + 1``).
* Consent changes are only added (``storage.duplicate`` for a used ``seq``),
  never changed.
* A confirmation is put per (subscription, channel): a new one replaces the
  open one.
* Deliveries are keyed by (event, subscription, channel):
  :meth:`~NotifyRepository.add_delivery` stores a new one and returns it, or
  returns the stored one and stores nothing (an event notified twice is
  decided once); :meth:`~NotifyRepository.add_deliveries` does the same for
  many in one write (``notify_many``).

>>> from szo_core.adapters.memory import MemoryStore
>>> MemoryStore().unit_of_work().notify.event_types("obcina")
()
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from szo_core.delivery.message import Channel
from szo_core.notify.catalogue import EventType
from szo_core.notify.records import Confirmation, ConsentChange, Delivery, Outcome, Subscription

__all__ = ["NotifyRepository"]


class NotifyRepository(Protocol):
    """The event catalogue, subscriptions, consent history, confirmations and the audit."""

    def add_event_type(self, event_type: EventType) -> EventType:
        """Store a new version of an event type (its ``version`` as given, 1 or more)."""
        ...

    def event_type(
        self, organisation_id: str, code: str, version: int | None = None
    ) -> EventType | None:
        """The given version of an event type, or its latest; None if there is none."""
        ...

    def event_type_versions(self, organisation_id: str, code: str) -> tuple[EventType, ...]:
        """Every version of an event type, oldest first."""
        ...

    def event_types(self, organisation_id: str) -> tuple[EventType, ...]:
        """The latest version of each event type of the organisation, by code."""
        ...

    def add_subscription(self, subscription: Subscription) -> Subscription:
        """Store a new subscription (``storage.duplicate`` for a used id)."""
        ...

    def update_subscription(self, subscription: Subscription) -> Subscription:
        """Store a changed subscription read at ``version``; return it at ``version + 1``."""
        ...

    def subscription(self, organisation_id: str, subscription_id: str) -> Subscription | None:
        """The subscription, or None."""
        ...

    def subscriptions_for_case(
        self, organisation_id: str, case_id: str, person_ids: Iterable[str]
    ) -> tuple[Subscription, ...]:
        """Subscriptions of ``person_ids`` to ``case_id`` or to all their cases, by id.

        Inactive ones are included (the audit records why nothing was sent).
        """
        ...

    def subscriptions_of(self, organisation_id: str, person_id: str) -> tuple[Subscription, ...]:
        """Every subscription of a person, by id."""
        ...

    def add_consent(self, change: ConsentChange) -> ConsentChange:
        """Add an entry to a subscription's consent history."""
        ...

    def consent_history(
        self, organisation_id: str, subscription_id: str
    ) -> tuple[ConsentChange, ...]:
        """The consent history of a subscription, by ``seq``."""
        ...

    def put_confirmation(self, confirmation: Confirmation) -> Confirmation:
        """Store the confirmation of (subscription, channel), replacing an earlier one."""
        ...

    def confirmation(
        self, organisation_id: str, subscription_id: str, channel: Channel
    ) -> Confirmation | None:
        """The confirmation of (subscription, channel), or None."""
        ...

    def add_delivery(self, delivery: Delivery) -> Delivery:
        """Store a new decision, or return the stored one for its key (storing nothing)."""
        ...

    def add_deliveries(self, deliveries: Iterable[Delivery]) -> tuple[Delivery, ...]:
        """:meth:`add_delivery` each of ``deliveries`` in turn, in one write; the results in order.

        For each: the delivery itself when it is new, else the one stored for
        its key, or given earlier in the same call (which stores nothing).
        """
        ...

    def update_delivery(self, delivery: Delivery) -> Delivery:
        """Replace a stored decision (a pending digest item becoming ``digested``)."""
        ...

    def deliveries(
        self,
        organisation_id: str,
        *,
        event_id: str | None = None,
        subscription_id: str | None = None,
        case_id: str | None = None,
    ) -> tuple[Delivery, ...]:
        """Decisions matching every filter given, by time, event, subscription, channel."""
        ...

    def count_sent_since(
        self,
        organisation_id: str,
        subscription_id: str,
        case_id: str,
        channel: Channel,
        since: datetime,
    ) -> int:
        """How many decisions sent a message (queued, deferred, digested) at or after ``since``."""
        ...

    def pending_digests(
        self, now: datetime, *, organisation_id: str | None = None, limit: int = 1000
    ) -> tuple[Delivery, ...]:
        """Up to ``limit`` items held for a digest due at or before ``now``, oldest due first.

        The items of one (subscription, case, channel) share their ``due_at``
        (the service gives a new item the due time of those already held), so
        a group is due as a whole.
        """
        ...

    def held_for_digest(
        self, organisation_id: str, subscription_id: str, case_id: str, channel: Channel
    ) -> tuple[Delivery, ...]:
        """The items of a (subscription, case, channel) still held for a digest."""
        ...

    def outcome_counts(self, organisation_id: str) -> dict[Outcome, int]:
        """How many decisions have each outcome (every outcome present, zeros included)."""
        ...
