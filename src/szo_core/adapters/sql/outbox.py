"""The SQL outbox: :class:`~szo_core.ports.OutboxRepository` on SQLite and PostgreSQL.

One table, ``szo_outbox`` (:data:`szo_core.adapters.sql.tables.outbox`, migration
``0010_outbox``), one row per message:
primary key ``(organisation_id, id)``, the id derived from the idempotency key
(so a second ``enqueue`` of a key is an ``INSERT ... ON CONFLICT DO NOTHING``
that inserts nothing), the payload as JSON text
(:mod:`szo_core.outbox.codec`), the state and the times in UTC, and an index
on ``(state, next_attempt_at)`` for the claim.

**Claiming** is one statement per state (leases that ended first, then queued
messages):
``UPDATE szo_outbox SET state = 'sending', attempts = attempts + 1,
next_attempt_at = :lease_end WHERE (organisation_id, id) IN (SELECT ... WHERE
state = :state AND next_attempt_at <= :now ... ORDER BY next_attempt_at LIMIT
:n [FOR UPDATE SKIP LOCKED]) RETURNING ...``; each reads the index on ``(state,
next_attempt_at)`` in order, so a claim does not slow down as the outbox grows.
On PostgreSQL the sub-select locks the rows it takes and skips those another
dispatcher holds, so two dispatchers never take one message; the unit of work
runs at ``READ COMMITTED`` when the claim (or a mark) is its first statement
(at ``REPEATABLE READ``, rows claimed by a dispatcher that committed after
this snapshot would raise serialization failures instead of being skipped).
SQLite has one writer at a time: the ``UPDATE`` takes the write lock, waiting
for the other writer up to the busy timeout.

**Marks** are conditional ``UPDATE`` s (``WHERE state = 'sending' AND attempts
= :claimed_attempts`` for failures, ``WHERE state IN ('queued', 'sending')``
for a success), so a stale report changes nothing.

>>> from datetime import UTC, datetime, timedelta
>>> from szo_core.adapters.sql import SqlStore
>>> from szo_core.delivery.message import SmsMessage
>>> from szo_core.outbox import Channel, IdempotencyKey, new_message
>>> store = SqlStore.open(":memory:")
>>> now = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
>>> with store.unit_of_work() as uow:
...     m = uow.outbox.enqueue(new_message("o", IdempotencyKey("b:1", "+38641123456",
...         Channel.SMS), SmsMessage(to="+38641123456", text="Potrjeno."), now=now))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     [c.attempts for c in uow.outbox.claim(now, limit=5, lease=timedelta(minutes=1))]
...     uow.commit()
[1]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    func,
    select,
    text,
    tuple_,
    update,
)

from szo_core.adapters._common import not_found
from szo_core.adapters.sql.tables import outbox
from szo_core.errors import ConfigurationError
from szo_core.outbox.codec import dump_stored, load_stored
from szo_core.outbox.records import Channel, IdempotencyKey, OutboxMessage, OutboxState, outbox_id
from szo_core.outbox.states import DETAIL_LIMIT, check_claim, check_message

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = ["SqlOutbox"]

_COLUMNS = tuple(outbox.c)
_OPEN = (OutboxState.QUEUED.value, OutboxState.SENDING.value)


def _naive(value: datetime, where: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ConfigurationError(
            "outbox.time",
            sl="Čas v izhodni vrsti mora biti datetime s časovnim pasom.",
            en="Times in the outbox must be timezone-aware datetimes.",
            where=where,
        )
    return value.astimezone(UTC).replace(tzinfo=None)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def _row(message: OutboxMessage) -> dict[str, object]:
    return {
        "organisation_id": message.organisation_id,
        "id": message.id,
        "event": message.key.event,
        "recipient": message.key.recipient,
        "channel": message.channel.value,
        "payload": dump_stored(message.message),
        "message_id": message.message_id,
        "template_key": message.template_key,
        "template_version": message.template_version,
        "state": message.state.value,
        "attempts": message.attempts,
        "next_attempt_at": _naive(message.next_attempt_at, "next_attempt_at"),
        "last_error_code": message.last_error_code,
        "last_error_detail": message.last_error_detail,
        "created_at": _naive(message.created_at, "created_at"),
        "sent_at": None if message.sent_at is None else _naive(message.sent_at, "sent_at"),
    }


def _from_row(row: Sequence[Any]) -> OutboxMessage:
    values = dict(zip((c.name for c in _COLUMNS), row, strict=True))
    channel = Channel(values["channel"])
    return OutboxMessage(
        organisation_id=values["organisation_id"],
        id=values["id"],
        key=IdempotencyKey(values["event"], values["recipient"], channel),
        message=load_stored(values["payload"], channel),
        message_id=values["message_id"],
        template_key=values["template_key"],
        template_version=values["template_version"],
        state=OutboxState(values["state"]),
        attempts=values["attempts"],
        next_attempt_at=_aware(values["next_attempt_at"]),
        last_error_code=values["last_error_code"],
        last_error_detail=values["last_error_detail"],
        created_at=_aware(values["created_at"]),
        sent_at=None if values["sent_at"] is None else _aware(values["sent_at"]),
    )


@functools.cache
def _insert_statement(postgres: bool) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id``, built once (values as parameters)."""
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(outbox).on_conflict_do_nothing().returning(outbox.c.id)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(outbox).on_conflict_do_nothing().returning(outbox.c.id)


@functools.cache
def _insert_many_statement(postgres: bool) -> Any:
    """The insert of :meth:`SqlOutbox.enqueue_many`: ``... RETURNING organisation_id, id``.

    Run with a list of rows: one multi-row ``INSERT ... VALUES ... ON CONFLICT DO
    NOTHING`` per page of rows (SQLAlchemy's "insertmanyvalues"), each returning
    the keys it inserted.
    """
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return (
            pg_insert(outbox)
            .on_conflict_do_nothing()
            .returning(outbox.c.organisation_id, outbox.c.id)
        )
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return (
        sqlite_insert(outbox)
        .on_conflict_do_nothing()
        .returning(outbox.c.organisation_id, outbox.c.id)
    )


_MARK_RETURNS = (
    outbox.c.state,
    outbox.c.attempts,
    outbox.c.next_attempt_at,
    outbox.c.last_error_code,
    outbox.c.last_error_detail,
    outbox.c.sent_at,
)


@functools.cache
def _mark_statement(kind: str) -> Any:
    """The conditional ``UPDATE`` of one mark, built once (values as parameters).

    ``sent`` applies while the message is queued or sending; a failure (the
    state it leads to: queued, failed, given_up) only while it is sending
    under the reported claim (the same attempts).
    """
    key = and_(outbox.c.organisation_id == bindparam("k_org"), outbox.c.id == bindparam("k_id"))
    statement = update(outbox).where(key)
    if kind == "sent":
        statement = statement.where(outbox.c.state.in_(_OPEN)).values(
            state=OutboxState.SENT.value,
            sent_at=bindparam("v_at"),
            next_attempt_at=bindparam("v_at"),
        )
    else:
        statement = statement.where(
            outbox.c.state == OutboxState.SENDING.value,
            outbox.c.attempts == bindparam("k_attempts"),
        ).values(
            state=kind,
            next_attempt_at=bindparam("v_at"),
            last_error_code=bindparam("v_code"),
            last_error_detail=bindparam("v_detail"),
        )
    return statement.returning(*_MARK_RETURNS)


class SqlOutbox:
    """The outbox of a :class:`~szo_core.adapters.sql.SqlUnitOfWork` (see the port)."""

    _kind = "outbox"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _postgres(self) -> bool:
        return self._uow._engine.dialect.name == "postgresql"

    def _queue_isolation(self) -> None:
        """On PostgreSQL, run a unit of work that starts with a claim or mark at READ COMMITTED."""
        conn = self._uow.connection
        if self._postgres and not conn.in_transaction():
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))

    def _select(self, *where: ColumnElement[bool]) -> tuple[OutboxMessage, ...]:
        statement = select(*_COLUMNS).where(*where).order_by(outbox.c.created_at, outbox.c.id)
        with self._uow.guard(self._kind):
            rows = self._uow.connection.execute(statement).all()
        return tuple(_from_row(r) for r in rows)

    def _key(self, organisation_id: str, message_id: str) -> ColumnElement[bool]:
        return and_(outbox.c.organisation_id == organisation_id, outbox.c.id == message_id)

    def enqueue(self, message: OutboxMessage) -> OutboxMessage:
        """Store ``message``, or return the stored one with its id."""
        check_message(message)
        conn = self._uow.connection
        statement = _insert_statement(self._postgres)
        values = _row(message)
        with self._uow.guard(self._kind):
            inserted = conn.execute(statement, values).first()
        if inserted is not None:
            return message
        return self.get(message.organisation_id, message.id)

    def enqueue_many(self, messages: Iterable[OutboxMessage]) -> tuple[OutboxMessage, ...]:
        """:meth:`enqueue` each in turn, in one multi-row insert; what each returned, in order.

        Every message is checked first; the first of each id in the call is
        inserted (``ON CONFLICT DO NOTHING``), a later one with the same id gets
        the first back, and one whose id was stored already gets the stored one.

        >>> from datetime import UTC, datetime
        >>> from szo_core.adapters.sql import SqlStore
        >>> from szo_core.delivery.message import SmsMessage
        >>> from szo_core.outbox import Channel, IdempotencyKey, new_message
        >>> m = new_message("o", IdempotencyKey("b:1", "+38641123456", Channel.SMS),
        ...                 SmsMessage(to="+38641123456", text="Potrjeno."),
        ...                 now=datetime(2026, 9, 1, tzinfo=UTC))
        >>> with SqlStore.open(":memory:").unit_of_work() as uow:
        ...     [s is m for s in uow.outbox.enqueue_many([m, attrs.evolve(m)])]
        [True, True]
        """
        given = [check_message(message) for message in messages]
        first: dict[tuple[str, str], OutboxMessage] = {}
        for message in given:
            first.setdefault((message.organisation_id, message.id), message)
        if not first:
            return ()
        rows = [_row(message) for message in first.values()]
        with self._uow.guard(self._kind):
            result = self._uow.connection.execute(_insert_many_statement(self._postgres), rows)
            inserted = {(row[0], row[1]) for row in result}
        stored: dict[tuple[str, str], OutboxMessage] = {}
        for name, message in first.items():
            stored[name] = message if name in inserted else self.get(*name)
        return tuple(stored[(message.organisation_id, message.id)] for message in given)

    def find(self, organisation_id: str, message_id: str) -> OutboxMessage | None:
        """The message with outbox id ``message_id``, or None."""
        found = self._select(self._key(organisation_id, message_id))
        return found[0] if found else None

    def get(self, organisation_id: str, message_id: str) -> OutboxMessage:
        """The message with outbox id ``message_id`` (NotFound if none)."""
        found = self.find(organisation_id, message_id)
        if found is None:
            raise not_found(self._kind, organisation_id, message_id)
        return found

    def find_by_key(self, organisation_id: str, key: IdempotencyKey) -> OutboxMessage | None:
        """The message stored for ``key``, or None."""
        return self.find(organisation_id, outbox_id(organisation_id, key))

    def claim(
        self,
        now: datetime,
        *,
        limit: int,
        lease: timedelta,
        channels: Iterable[Channel] | None = None,
        organisation_id: str | None = None,
    ) -> tuple[OutboxMessage, ...]:
        """Take up to ``limit`` due messages: expired leases first, then queued ones.

        One ``UPDATE ... RETURNING`` per state, so that each reads the index on
        ``(state, next_attempt_at)`` in order and stops after ``limit`` rows
        (a claim costs the same with 100 or 100,000 messages waiting).
        """
        at = _naive(now, "now")
        check_claim(limit, lease)
        until = _naive(now + lease, "lease")
        wanted = [c.value for c in (Channel if channels is None else channels)]
        if limit < 1 or not wanted:
            return ()
        claimed: list[OutboxMessage] = []
        with self._uow.guard(self._kind):
            self._queue_isolation()
            for state in (OutboxState.SENDING, OutboxState.QUEUED):
                left = limit - len(claimed)
                if left < 1:
                    break
                statement = self._claim_statement(state, at, until, wanted, organisation_id, left)
                rows = self._uow.connection.execute(statement).all()
                claimed.extend(_from_row(r) for r in rows)
        return tuple(sorted(claimed, key=lambda m: (m.created_at, m.id)))

    def _claim_statement(
        self,
        state: OutboxState,
        at: datetime,
        until: datetime,
        channels: list[str],
        organisation_id: str | None,
        limit: int,
    ) -> Any:
        due = [
            outbox.c.state == state.value,
            outbox.c.next_attempt_at <= at,
            outbox.c.channel.in_(channels),
        ]
        if organisation_id is not None:
            due.append(outbox.c.organisation_id == organisation_id)
        chosen = (
            select(outbox.c.organisation_id, outbox.c.id)
            .where(*due)
            .order_by(outbox.c.next_attempt_at)
            .limit(limit)
        )
        if self._postgres:
            chosen = chosen.with_for_update(skip_locked=True)
        # A CTE, materialised on PostgreSQL: an ``IN (SELECT ... LIMIT n FOR UPDATE SKIP
        # LOCKED)`` subquery may be run more than once by the plan (each run skipping
        # the rows the last one locked), so the UPDATE could take more than ``limit``.
        picked = chosen.cte("picked").prefix_with("MATERIALIZED", dialect="postgresql")
        return (
            update(outbox)
            .where(
                tuple_(outbox.c.organisation_id, outbox.c.id).in_(
                    select(picked.c.organisation_id, picked.c.id)
                )
            )
            .values(
                state=OutboxState.SENDING.value,
                attempts=outbox.c.attempts + 1,
                next_attempt_at=until,
            )
            .returning(*_COLUMNS)
        )

    def _change(self, claimed: OutboxMessage, kind: str, **values: object) -> OutboxMessage | None:
        params: dict[str, object] = {
            "k_org": claimed.organisation_id,
            "k_id": claimed.id,
            "k_attempts": claimed.attempts,
            **{f"v_{name}": value for name, value in values.items()},
        }
        with self._uow.guard(self._kind):
            self._queue_isolation()
            row = self._uow.connection.execute(_mark_statement(kind), params).first()
        if row is None:
            return None
        state, attempts, next_attempt_at, code, detail, sent_at = row
        # The payload never changes: the rest is the claimed message's.
        return attrs.evolve(
            claimed,
            state=OutboxState(state),
            attempts=attempts,
            next_attempt_at=_aware(next_attempt_at),
            last_error_code=code,
            last_error_detail=detail,
            sent_at=None if sent_at is None else _aware(sent_at),
        )

    def mark_sent(self, claimed: OutboxMessage, *, now: datetime) -> OutboxMessage | None:
        """Record that the server accepted it."""
        return self._change(claimed, "sent", at=_naive(now, "now"))

    def mark_temporary(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str, retry_at: datetime
    ) -> OutboxMessage | None:
        """Record a temporary failure; due again at ``retry_at``."""
        return self._change(
            claimed,
            OutboxState.QUEUED.value,
            at=_naive(retry_at, "retry_at"),
            code=code,
            detail=detail[:DETAIL_LIMIT],
        )

    def give_up(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str
    ) -> OutboxMessage | None:
        """Record the last temporary failure and give up."""
        return self._change(
            claimed,
            OutboxState.GIVEN_UP.value,
            at=_naive(now, "now"),
            code=code,
            detail=detail[:DETAIL_LIMIT],
        )

    def mark_permanent(
        self, claimed: OutboxMessage, *, now: datetime, code: str, detail: str
    ) -> OutboxMessage | None:
        """Record a permanent failure."""
        return self._change(
            claimed,
            OutboxState.FAILED.value,
            at=_naive(now, "now"),
            code=code,
            detail=detail[:DETAIL_LIMIT],
        )

    def in_state(
        self, state: OutboxState, *, organisation_id: str | None = None, limit: int = 1000
    ) -> tuple[OutboxMessage, ...]:
        """Up to ``limit`` messages in ``state``, oldest first."""
        where = [outbox.c.state == state.value]
        if organisation_id is not None:
            where.append(outbox.c.organisation_id == organisation_id)
        statement = (
            select(*_COLUMNS)
            .where(*where)
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(max(limit, 0))
        )
        with self._uow.guard(self._kind):
            rows = self._uow.connection.execute(statement).all()
        return tuple(_from_row(r) for r in rows)

    def for_organisation(self, organisation_id: str) -> tuple[OutboxMessage, ...]:
        """Every message of the organisation, oldest first."""
        return self._select(outbox.c.organisation_id == organisation_id)

    def counts(self, organisation_id: str | None = None) -> Mapping[OutboxState, int]:
        """How many messages are in each state (one ``GROUP BY``)."""
        statement = select(outbox.c.state, func.count()).group_by(outbox.c.state)
        if organisation_id is not None:
            statement = statement.where(outbox.c.organisation_id == organisation_id)
        with self._uow.guard(self._kind):
            rows = self._uow.connection.execute(statement).all()
        counts = dict.fromkeys(OutboxState, 0)
        for state, count in rows:
            counts[OutboxState(state)] = int(count)
        return counts
