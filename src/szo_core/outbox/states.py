"""The state changes of an outbox message, as pure functions.

The memory store applies them to its records; the SQL store writes the same
changes as conditional ``UPDATE`` statements (see
:mod:`szo_core.adapters.sql.outbox`).  Each takes the message as stored and
returns it changed, or None when the change does not apply (a stale report).

>>> from datetime import UTC, datetime, timedelta
>>> from szo_core.delivery.message import SmsMessage
>>> from szo_core.outbox.records import Channel, IdempotencyKey, new_message
>>> t0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
>>> m = new_message("o", IdempotencyKey("e", "+38641123456", Channel.SMS),
...                 SmsMessage(to="+38641123456", text="T"), now=t0)
>>> c = claim(m, t0, timedelta(minutes=5))
>>> c.state.value, c.attempts, c.next_attempt_at - t0
('sending', 1, datetime.timedelta(seconds=300))
>>> mark_permanent(m, c, now=t0, code="sms.invalid", detail="") is None  # not claimed: stale
True
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs

from szo_core.errors import ConfigurationError, InvalidType
from szo_core.outbox.records import Channel, OutboxMessage, OutboxState

__all__ = [
    "DETAIL_LIMIT",
    "check_claim",
    "check_message",
    "claim",
    "give_up",
    "is_due",
    "mark_permanent",
    "mark_sent",
    "mark_temporary",
    "utc",
]

DETAIL_LIMIT = 500
"""The longest error detail stored (characters); longer ones are cut."""


def check_message(message: object) -> OutboxMessage:
    """``message`` if it is an :class:`OutboxMessage`; else :class:`~szo_core.errors.InvalidType`.

    >>> check_message("hello")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidType: outbox.message: ...
    """
    if not isinstance(message, OutboxMessage):
        raise InvalidType(
            "outbox.message",
            sl="V izhodno vrsto gre samo OutboxMessage (naredite ga z new_message).",
            en="Only an OutboxMessage goes into the outbox (make one with new_message).",
            where="message",
        )
    return message


def check_claim(limit: object, lease: object) -> None:
    """Refuse a claim with a limit that is not a whole number or a lease that is not positive.

    >>> check_claim(10, timedelta(0))
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: outbox.claim: ...
    """
    if (
        not isinstance(limit, int)
        or isinstance(limit, bool)
        or not isinstance(lease, timedelta)
        or lease <= timedelta(0)
    ):
        raise ConfigurationError(
            "outbox.claim",
            sl="Prevzem potrebuje celo število sporočil in najem, daljši od nič.",
            en="A claim needs a whole number of messages and a lease longer than zero.",
            where="claim",
        )


def utc(value: datetime) -> datetime:
    """The same instant in UTC (the outbox stores UTC).

    >>> from datetime import timezone
    >>> utc(datetime(2026, 9, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))).isoformat()
    '2026-09-01T08:00:00+00:00'
    """
    return value.astimezone(UTC)


def is_due(message: OutboxMessage, now: datetime, channels: frozenset[Channel]) -> bool:
    """Whether a dispatcher may claim ``message`` now (queued and due, or a lease expired)."""
    return (
        message.state in (OutboxState.QUEUED, OutboxState.SENDING)
        and message.next_attempt_at <= now
        and message.channel in channels
    )


def claim(message: OutboxMessage, now: datetime, lease: timedelta) -> OutboxMessage:
    """The message claimed: ``sending``, one more attempt, due again when the lease ends."""
    return attrs.evolve(
        message,
        state=OutboxState.SENDING,
        attempts=message.attempts + 1,
        next_attempt_at=utc(now + lease),
    )


def _holds(stored: OutboxMessage, claimed: OutboxMessage) -> bool:
    return stored.state is OutboxState.SENDING and stored.attempts == claimed.attempts


def _cut(detail: str) -> str:
    return detail[:DETAIL_LIMIT]


def mark_sent(
    stored: OutboxMessage, claimed: OutboxMessage, *, now: datetime
) -> OutboxMessage | None:
    """``sent`` at ``now``, unless the message is final already."""
    if stored.state.final:
        return None
    return attrs.evolve(stored, state=OutboxState.SENT, sent_at=utc(now), next_attempt_at=utc(now))


def mark_temporary(
    stored: OutboxMessage,
    claimed: OutboxMessage,
    *,
    code: str,
    detail: str,
    retry_at: datetime,
) -> OutboxMessage | None:
    """``queued`` again, due at ``retry_at``, with the error; only under the same claim."""
    if not _holds(stored, claimed):
        return None
    return attrs.evolve(
        stored,
        state=OutboxState.QUEUED,
        next_attempt_at=utc(retry_at),
        last_error_code=code,
        last_error_detail=_cut(detail),
    )


def _final_failure(
    stored: OutboxMessage,
    claimed: OutboxMessage,
    state: OutboxState,
    *,
    now: datetime,
    code: str,
    detail: str,
) -> OutboxMessage | None:
    if not _holds(stored, claimed):
        return None
    return attrs.evolve(
        stored,
        state=state,
        next_attempt_at=utc(now),
        last_error_code=code,
        last_error_detail=_cut(detail),
    )


def give_up(
    stored: OutboxMessage, claimed: OutboxMessage, *, now: datetime, code: str, detail: str
) -> OutboxMessage | None:
    """``given_up`` with the error; only under the same claim."""
    return _final_failure(stored, claimed, OutboxState.GIVEN_UP, now=now, code=code, detail=detail)


def mark_permanent(
    stored: OutboxMessage, claimed: OutboxMessage, *, now: datetime, code: str, detail: str
) -> OutboxMessage | None:
    """``failed`` with the error; only under the same claim."""
    return _final_failure(stored, claimed, OutboxState.FAILED, now=now, code=code, detail=detail)
