"""SQL storage of citizen notifications: :class:`szo_core.notify.ports.NotifyRepository`.

Five tables (:mod:`szo_core.adapters.sql.tables`, migration ``0014_notify``):
``szo_notify_event_type`` (a version per row, only inserted),
``szo_notify_subscription`` (optimistic ``version``), ``szo_notify_consent``
(only inserted), ``szo_notify_confirmation`` (one per subscription and
channel, replaced) and ``szo_notify_delivery`` (one decision per event,
subscription and channel: ``INSERT ... ON CONFLICT DO NOTHING``, so an event
notified twice, even by two processes at once, is decided once).  Times are
stored in UTC without a zone, as in the outbox.  The rate limit reads the
index on (organisation, subscription, case, channel, decided_at); due digests
the one on (outcome, due_at).

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.sql import SqlStore
>>> with SqlStore.open(":memory:").unit_of_work() as uow:
...     uow.notify.count_sent_since("o", "s1", "c", Channel.SMS, datetime(2026, 1, 1, tzinfo=UTC))
0
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import ColumnElement, Table, and_, delete, func, insert, select, update

from szo_core.adapters._common import conflict, duplicate, not_found
from szo_core.adapters.memory_notify import check_event_type_version
from szo_core.adapters.sql.tables import (
    notify_confirmation,
    notify_consent,
    notify_delivery,
    notify_event_type,
    notify_subscription,
)
from szo_core.delivery.message import Channel
from szo_core.errors import ConfigurationError
from szo_core.notify.catalogue import EventClass, EventType, TemplateRef
from szo_core.notify.records import (
    Confirmation,
    ConsentChange,
    Delivery,
    Outcome,
    Preference,
    Source,
    Subscription,
)
from szo_core.templates.model import FieldType, TemplateField

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = ["SqlNotifyRepository"]

_SENDS = [o.value for o in Outcome if o.sends]


def _naive(value: datetime, where: str = "time") -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ConfigurationError(
            "notify.time",
            sl="Čas mora biti datetime s časovnim pasom.",
            en="Times must be timezone-aware datetimes.",
            where=where,
        )
    return value.astimezone(UTC).replace(tzinfo=None)


def _opt_naive(value: datetime | None) -> datetime | None:
    return None if value is None else _naive(value)


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


def _must(value: datetime | None) -> datetime:
    assert value is not None
    return value.replace(tzinfo=UTC)


def _channels(text: str) -> tuple[Channel, ...]:
    return tuple(Channel(c) for c in text.split(",") if c)


def _channel_text(channels: Iterable[Channel]) -> str:
    return ",".join(c.value for c in channels)


def _columns(table: Table) -> tuple[Any, ...]:
    return tuple(table.c)


# -- rows and records
def _type_row(t: EventType) -> dict[str, object]:
    return {
        "organisation_id": t.organisation_id,
        "code": t.code,
        "version": t.version,
        "name": t.name,
        "name_en": t.name_en,
        "event_class": t.event_class.value,
        "fields": json.dumps(
            [
                {
                    "name": f.name,
                    "type": f.type.value,
                    "example": f.example,
                    "required": f.required,
                    "description": f.description,
                }
                for f in t.fields
            ],
            ensure_ascii=False,
        ),
        "description": t.description,
        "templates": json.dumps([[r.channel.value, r.language, r.version] for r in t.templates]),
        "changed_at": _naive(t.changed_at) if t.changed_at is not None else None,
        "changed_by": t.changed_by,
    }


def _type_from(row: Sequence[Any]) -> EventType:
    v = dict(zip((c.name for c in notify_event_type.c), row, strict=True))
    return EventType(
        organisation_id=v["organisation_id"],
        code=v["code"],
        version=v["version"],
        name=v["name"],
        name_en=v["name_en"],
        event_class=EventClass(v["event_class"]),
        fields=tuple(
            TemplateField(
                name=f["name"],
                type=FieldType(f["type"]),
                example=f["example"],
                required=f["required"],
                description=f["description"],
            )
            for f in json.loads(v["fields"])
        ),
        description=v["description"],
        templates=tuple(
            TemplateRef(channel=Channel(c), language=lang, version=n)
            for c, lang, n in json.loads(v["templates"])
        ),
        changed_at=_aware(v["changed_at"]),
        changed_by=v["changed_by"],
    )


def _sub_row(s: Subscription) -> dict[str, object]:
    return {
        "organisation_id": s.organisation_id,
        "id": s.id,
        "person_id": s.person_id,
        "case_id": s.case_id,
        "email": s.email,
        "mobile": s.mobile,
        "channels": _channel_text(s.channels),
        "preference": s.preference.value,
        "language": s.language,
        "source": s.source.value,
        "active": s.active,
        "email_confirmed": s.email_confirmed,
        "mobile_confirmed": s.mobile_confirmed,
        "created_at": _naive(s.created_at),
        "version": s.version,
    }


def _sub_from(row: Sequence[Any]) -> Subscription:
    v = dict(zip((c.name for c in notify_subscription.c), row, strict=True))
    return Subscription(
        organisation_id=v["organisation_id"],
        id=v["id"],
        person_id=v["person_id"],
        case_id=v["case_id"],
        email=v["email"],
        mobile=v["mobile"],
        channels=_channels(v["channels"]),
        preference=Preference(v["preference"]),
        language=v["language"],
        source=Source(v["source"]),
        active=bool(v["active"]),
        email_confirmed=bool(v["email_confirmed"]),
        mobile_confirmed=bool(v["mobile_confirmed"]),
        created_at=_must(v["created_at"]),
        version=v["version"],
    )


def _consent_row(c: ConsentChange) -> dict[str, object]:
    return {
        "organisation_id": c.organisation_id,
        "subscription_id": c.subscription_id,
        "seq": c.seq,
        "at": _naive(c.at),
        "what": c.what,
        "source": c.source.value,
        "actor": c.actor,
        "preference": c.preference.value,
        "channels": _channel_text(c.channels),
        "active": c.active,
        "email": c.email,
        "mobile": c.mobile,
    }


def _consent_from(row: Sequence[Any]) -> ConsentChange:
    v = dict(zip((c.name for c in notify_consent.c), row, strict=True))
    return ConsentChange(
        organisation_id=v["organisation_id"],
        subscription_id=v["subscription_id"],
        seq=v["seq"],
        at=_must(v["at"]),
        what=v["what"],
        source=Source(v["source"]),
        actor=v["actor"],
        preference=Preference(v["preference"]),
        channels=_channels(v["channels"]),
        active=bool(v["active"]),
        email=v["email"],
        mobile=v["mobile"],
    )


def _confirm_row(c: Confirmation) -> dict[str, object]:
    return {
        "organisation_id": c.organisation_id,
        "subscription_id": c.subscription_id,
        "channel": c.channel.value,
        "address": c.address,
        "code_hash": c.code_hash,
        "expires_at": _naive(c.expires_at),
        "attempts": c.attempts,
        "used": c.used,
        "created_at": _naive(c.created_at),
    }


def _confirm_from(row: Sequence[Any]) -> Confirmation:
    v = dict(zip((c.name for c in notify_confirmation.c), row, strict=True))
    return Confirmation(
        organisation_id=v["organisation_id"],
        subscription_id=v["subscription_id"],
        channel=Channel(v["channel"]),
        address=v["address"],
        code_hash=v["code_hash"],
        expires_at=_must(v["expires_at"]),
        attempts=v["attempts"],
        used=bool(v["used"]),
        created_at=_must(v["created_at"]),
    )


def _delivery_row(d: Delivery) -> dict[str, object]:
    return {
        "organisation_id": d.organisation_id,
        "event_id": d.event_id,
        "subscription_id": d.subscription_id,
        "channel": d.channel.value,
        "case_id": d.case_id,
        "event_code": d.event_code,
        "event_version": d.event_version,
        "event_class": d.event_class.value,
        "occurred_at": _naive(d.occurred_at),
        "outcome": d.outcome.value,
        "decided_at": _naive(d.decided_at),
        "outbox_id": d.outbox_id,
        "template_key": d.template_key,
        "template_version": d.template_version,
        "due_at": _opt_naive(d.due_at),
    }


def _delivery_from(row: Sequence[Any]) -> Delivery:
    v = dict(zip((c.name for c in notify_delivery.c), row, strict=True))
    return Delivery(
        organisation_id=v["organisation_id"],
        event_id=v["event_id"],
        subscription_id=v["subscription_id"],
        channel=Channel(v["channel"]),
        case_id=v["case_id"],
        event_code=v["event_code"],
        event_version=v["event_version"],
        event_class=EventClass(v["event_class"]),
        occurred_at=_must(v["occurred_at"]),
        outcome=Outcome(v["outcome"]),
        decided_at=_must(v["decided_at"]),
        outbox_id=v["outbox_id"],
        template_key=v["template_key"],
        template_version=v["template_version"],
        due_at=_aware(v["due_at"]),
    )


@functools.cache
def _insert_delivery(postgres: bool) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING event_id``, built once."""
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return (
            pg_insert(notify_delivery)
            .on_conflict_do_nothing()
            .returning(notify_delivery.c.event_id)
        )
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return (
        sqlite_insert(notify_delivery)
        .on_conflict_do_nothing()
        .returning(notify_delivery.c.event_id)
    )


@functools.cache
def _insert_deliveries(postgres: bool) -> Any:
    """The insert of ``add_deliveries``: ``ON CONFLICT DO NOTHING RETURNING`` the keys inserted.

    Run with a list of rows: one multi-row ``INSERT`` per page of rows
    (SQLAlchemy's "insertmanyvalues").
    """
    t = notify_delivery
    keys = (t.c.organisation_id, t.c.event_id, t.c.subscription_id, t.c.channel)
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(t).on_conflict_do_nothing().returning(*keys)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(t).on_conflict_do_nothing().returning(*keys)


def _delivery_name(d: Delivery) -> tuple[str, str, str, str]:
    return (d.organisation_id, d.event_id, d.subscription_id, d.channel.value)


class SqlNotifyRepository:
    """``uow.notify`` on SQLite and PostgreSQL (see the port)."""

    kind = "notify"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _rows(self, table: Table, *where: ColumnElement[bool], order: Sequence[Any] = ()) -> Any:
        statement = select(*_columns(table)).where(*where)
        if order:
            statement = statement.order_by(*order)
        with self._uow.guard(self.kind):
            return self._uow.connection.execute(statement).all()

    def _insert(self, table: Table, row: dict[str, object]) -> None:
        with self._uow.guard(self.kind):
            self._uow.connection.execute(insert(table), [row])

    # -- the catalogue
    def add_event_type(self, event_type: EventType) -> EventType:
        """Store a new version."""
        check_event_type_version(event_type)
        t = notify_event_type
        if self.event_type(event_type.organisation_id, event_type.code, event_type.version):
            self._uow.rollback()
            raise duplicate(
                "notify_event_types",
                event_type.organisation_id,
                f"{event_type.code}/{event_type.version}",
            )
        self._insert(t, _type_row(event_type))
        return event_type

    def event_type(
        self, organisation_id: str, code: str, version: int | None = None
    ) -> EventType | None:
        """The given version, or the latest."""
        t = notify_event_type
        scope = [t.c.organisation_id == organisation_id, t.c.code == code]
        if version is None:
            newest = select(func.max(t.c.version)).where(*scope).scalar_subquery()
            scope.append(t.c.version == newest)
        else:
            scope.append(t.c.version == version)
        rows = self._rows(t, *scope)
        return _type_from(rows[0]) if rows else None

    def event_type_versions(self, organisation_id: str, code: str) -> tuple[EventType, ...]:
        """Every version, oldest first."""
        t = notify_event_type
        rows = self._rows(
            t, t.c.organisation_id == organisation_id, t.c.code == code, order=[t.c.version]
        )
        return tuple(_type_from(r) for r in rows)

    def event_types(self, organisation_id: str) -> tuple[EventType, ...]:
        """The latest version of each, by code."""
        t = notify_event_type
        newest = (
            select(t.c.code, func.max(t.c.version).label("version"))
            .where(t.c.organisation_id == organisation_id)
            .group_by(t.c.code)
            .subquery()
        )
        statement = (
            select(*_columns(t))
            .join(newest, (t.c.code == newest.c.code) & (t.c.version == newest.c.version))
            .where(t.c.organisation_id == organisation_id)
            .order_by(t.c.code)
        )
        with self._uow.guard(self.kind):
            rows = self._uow.connection.execute(statement).all()
        return tuple(_type_from(r) for r in rows)

    # -- subscriptions
    def add_subscription(self, subscription: Subscription) -> Subscription:
        """Store a new subscription."""
        if self.subscription(subscription.organisation_id, subscription.id) is not None:
            self._uow.rollback()
            raise duplicate("notify_subscriptions", subscription.organisation_id, subscription.id)
        self._insert(notify_subscription, _sub_row(subscription))
        return subscription

    def update_subscription(self, subscription: Subscription) -> Subscription:
        """Store a changed subscription read at ``version``."""
        t = notify_subscription
        changed = attrs.evolve(subscription, version=subscription.version + 1)
        row = _sub_row(changed)
        with self._uow.guard(self.kind):
            result = self._uow.connection.execute(
                update(t)
                .where(
                    t.c.organisation_id == subscription.organisation_id,
                    t.c.id == subscription.id,
                    t.c.version == subscription.version,
                )
                .values(**row)
            )
        if result.rowcount != 1:
            self._uow.rollback()
            raise conflict("notify_subscriptions", subscription.organisation_id, subscription.id)
        return changed

    def subscription(self, organisation_id: str, subscription_id: str) -> Subscription | None:
        """The subscription, or None."""
        t = notify_subscription
        rows = self._rows(t, t.c.organisation_id == organisation_id, t.c.id == subscription_id)
        return _sub_from(rows[0]) if rows else None

    def subscriptions_for_case(
        self, organisation_id: str, case_id: str, person_ids: Iterable[str]
    ) -> tuple[Subscription, ...]:
        """The persons' subscriptions to the case or to all their cases."""
        t = notify_subscription
        persons = sorted(set(person_ids))
        if not persons:
            return ()
        rows = self._rows(
            t,
            t.c.organisation_id == organisation_id,
            t.c.person_id.in_(persons),
            (t.c.case_id == case_id) | t.c.case_id.is_(None),
            order=[t.c.id],
        )
        return tuple(_sub_from(r) for r in rows)

    def subscriptions_of(self, organisation_id: str, person_id: str) -> tuple[Subscription, ...]:
        """Every subscription of the person."""
        t = notify_subscription
        rows = self._rows(
            t, t.c.organisation_id == organisation_id, t.c.person_id == person_id, order=[t.c.id]
        )
        return tuple(_sub_from(r) for r in rows)

    # -- consent
    def add_consent(self, change: ConsentChange) -> ConsentChange:
        """Add an entry of the history."""
        t = notify_consent
        exists = self._rows(
            t,
            t.c.organisation_id == change.organisation_id,
            t.c.subscription_id == change.subscription_id,
            t.c.seq == change.seq,
        )
        if exists:
            self._uow.rollback()
            raise duplicate("notify_consent", change.organisation_id, change.subscription_id)
        self._insert(t, _consent_row(change))
        return change

    def consent_history(
        self, organisation_id: str, subscription_id: str
    ) -> tuple[ConsentChange, ...]:
        """The history, by seq."""
        t = notify_consent
        rows = self._rows(
            t,
            t.c.organisation_id == organisation_id,
            t.c.subscription_id == subscription_id,
            order=[t.c.seq],
        )
        return tuple(_consent_from(r) for r in rows)

    # -- confirmations
    def _confirm_key(
        self, organisation_id: str, subscription_id: str, channel: Channel
    ) -> list[ColumnElement[bool]]:
        t = notify_confirmation
        return [
            t.c.organisation_id == organisation_id,
            t.c.subscription_id == subscription_id,
            t.c.channel == channel.value,
        ]

    def put_confirmation(self, confirmation: Confirmation) -> Confirmation:
        """Store or replace the confirmation of (subscription, channel)."""
        key = self._confirm_key(
            confirmation.organisation_id, confirmation.subscription_id, confirmation.channel
        )
        with self._uow.guard(self.kind):
            self._uow.connection.execute(delete(notify_confirmation).where(*key))
        self._insert(notify_confirmation, _confirm_row(confirmation))
        return confirmation

    def confirmation(
        self, organisation_id: str, subscription_id: str, channel: Channel
    ) -> Confirmation | None:
        """The confirmation, or None."""
        rows = self._rows(
            notify_confirmation, *self._confirm_key(organisation_id, subscription_id, channel)
        )
        return _confirm_from(rows[0]) if rows else None

    # -- deliveries
    def add_delivery(self, delivery: Delivery) -> Delivery:
        """Store a new decision, or return the stored one."""
        postgres = self._uow._engine.dialect.name == "postgresql"
        with self._uow.guard(self.kind):
            inserted = self._uow.connection.execute(
                _insert_delivery(postgres), _delivery_row(delivery)
            ).first()
        if inserted is not None:
            return delivery
        found = self._delivery(delivery)
        assert found is not None
        return found

    def add_deliveries(self, deliveries: Iterable[Delivery]) -> tuple[Delivery, ...]:
        """:meth:`add_delivery` each in turn, in one multi-row insert; the results in order.

        The first of each key in the call is inserted (``ON CONFLICT DO
        NOTHING``); a later one with the same key gets the first back, and one
        whose key was stored already gets the stored one.

        >>> from datetime import UTC, datetime
        >>> from szo_core.adapters.sql import SqlStore
        >>> at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
        >>> d = Delivery(organisation_id="o", event_id="e1", subscription_id="s1",
        ...              channel=Channel.SMS, case_id="c", event_code="x", event_version=1,
        ...              event_class=EventClass.NOTIFIABLE, occurred_at=at,
        ...              outcome=Outcome.SKIPPED_UNCONFIRMED, decided_at=at)
        >>> with SqlStore.open(":memory:").unit_of_work() as uow:
        ...     [stored is d for stored in uow.notify.add_deliveries([d, attrs.evolve(d)])]
        [True, True]
        """
        given = list(deliveries)
        first: dict[tuple[str, str, str, str], Delivery] = {}
        for delivery in given:
            first.setdefault(_delivery_name(delivery), delivery)
        if not first:
            return ()
        postgres = self._uow._engine.dialect.name == "postgresql"
        rows = [_delivery_row(d) for d in first.values()]
        with self._uow.guard(self.kind):
            result = self._uow.connection.execute(_insert_deliveries(postgres), rows)
            inserted = {(r[0], r[1], r[2], r[3]) for r in result}
        stored: dict[tuple[str, str, str, str], Delivery] = {}
        for name, delivery in first.items():
            if name in inserted:
                stored[name] = delivery
            else:
                found = self._delivery(delivery)
                assert found is not None
                stored[name] = found
        return tuple(stored[_delivery_name(d)] for d in given)

    def _delivery_key(self, d: Delivery) -> list[ColumnElement[bool]]:
        t = notify_delivery
        return [
            t.c.organisation_id == d.organisation_id,
            t.c.event_id == d.event_id,
            t.c.subscription_id == d.subscription_id,
            t.c.channel == d.channel.value,
        ]

    def _delivery(self, d: Delivery) -> Delivery | None:
        rows = self._rows(notify_delivery, *self._delivery_key(d))
        return _delivery_from(rows[0]) if rows else None

    def update_delivery(self, delivery: Delivery) -> Delivery:
        """Replace a stored decision."""
        with self._uow.guard(self.kind):
            result = self._uow.connection.execute(
                update(notify_delivery)
                .where(*self._delivery_key(delivery))
                .values(**_delivery_row(delivery))
            )
        if result.rowcount != 1:
            raise not_found("notify_deliveries", delivery.organisation_id, delivery.event_id)
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
        t = notify_delivery
        where = [t.c.organisation_id == organisation_id]
        if event_id is not None:
            where.append(t.c.event_id == event_id)
        if subscription_id is not None:
            where.append(t.c.subscription_id == subscription_id)
        if case_id is not None:
            where.append(t.c.case_id == case_id)
        rows = self._rows(
            t, *where, order=[t.c.decided_at, t.c.event_id, t.c.subscription_id, t.c.channel]
        )
        return tuple(_delivery_from(r) for r in rows)

    def count_sent_since(
        self,
        organisation_id: str,
        subscription_id: str,
        case_id: str,
        channel: Channel,
        since: datetime,
    ) -> int:
        """Decisions that sent a message at or after ``since`` (one COUNT on the index)."""
        t = notify_delivery
        statement = select(func.count()).where(
            t.c.organisation_id == organisation_id,
            t.c.subscription_id == subscription_id,
            t.c.case_id == case_id,
            t.c.channel == channel.value,
            t.c.decided_at >= _naive(since, "since"),
            t.c.outcome.in_(_SENDS),
        )
        with self._uow.guard(self.kind):
            return int(self._uow.connection.execute(statement).scalar_one())

    def pending_digests(
        self, now: datetime, *, organisation_id: str | None = None, limit: int = 1000
    ) -> tuple[Delivery, ...]:
        """Held items due at ``now``, oldest due first."""
        t = notify_delivery
        where = [
            t.c.outcome == Outcome.DIGEST_PENDING.value,
            t.c.due_at <= _naive(now, "now"),
        ]
        if organisation_id is not None:
            where.append(t.c.organisation_id == organisation_id)
        statement = (
            select(*_columns(t))
            .where(*where)
            .order_by(t.c.due_at, t.c.organisation_id, t.c.subscription_id, t.c.decided_at)
            .limit(max(limit, 0))
        )
        with self._uow.guard(self.kind):
            rows = self._uow.connection.execute(statement).all()
        return tuple(_delivery_from(r) for r in rows)

    def held_for_digest(
        self, organisation_id: str, subscription_id: str, case_id: str, channel: Channel
    ) -> tuple[Delivery, ...]:
        """Items of the group still held."""
        t = notify_delivery
        rows = self._rows(
            t,
            and_(
                t.c.organisation_id == organisation_id,
                t.c.subscription_id == subscription_id,
                t.c.case_id == case_id,
                t.c.channel == channel.value,
                t.c.outcome == Outcome.DIGEST_PENDING.value,
            ),
            order=[t.c.decided_at, t.c.event_id],
        )
        return tuple(_delivery_from(r) for r in rows)

    def outcome_counts(self, organisation_id: str) -> dict[Outcome, int]:
        """Decisions per outcome (one GROUP BY)."""
        t = notify_delivery
        statement = (
            select(t.c.outcome, func.count())
            .where(t.c.organisation_id == organisation_id)
            .group_by(t.c.outcome)
        )
        with self._uow.guard(self.kind):
            rows = self._uow.connection.execute(statement).all()
        counts = dict.fromkeys(Outcome, 0)
        for outcome, count in rows:
            counts[Outcome(outcome)] = int(count)
        return counts
