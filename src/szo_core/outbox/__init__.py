"""The outbox: messages stored first, then sent at least once and never twice per key.

Everything szo_core sends to a person goes through here:

1. a use case builds an :class:`~szo_core.delivery.message.EmailMessage` or
   :class:`~szo_core.delivery.message.SmsMessage`, wraps it with
   :func:`new_message` under an :class:`IdempotencyKey` (event, recipient,
   channel) and stores it with ``uow.outbox.enqueue`` in the **same unit of
   work** as the change that caused it (a rollback drops both);
2. a :class:`Dispatcher` claims due messages under a lease, sends them in one
   batch per channel through the delivery ports, and records each result:
   sent, retried later with exponential backoff and jitter
   (:class:`RetryPolicy`), given up after the retry time, or failed for good.

The dispatcher runs in-process (``szo outbox run``) or as Procrastinate jobs
over PostgreSQL (:mod:`szo_core.jobs.outbox`).  A message that carries a secret
(a code, a signed link) is stored encrypted (:mod:`szo_core.outbox.seal`) and
opened by the dispatcher.  The guide is ``docs/outbox.md``.

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemoryStore
>>> from szo_core.delivery.message import EmailMessage
>>> store, mail = MemoryStore(), MemoryMailSender()
>>> clock = ManualClock(datetime(2026, 10, 1, 8, 0, tzinfo=UTC))
>>> with store.unit_of_work() as uow:
...     _ = uow.outbox.enqueue(new_message(
...         "vrtec", IdempotencyKey("invoice:17", "ana@example.si", Channel.EMAIL),
...         EmailMessage(sender="racuni@vrtec.si", to="ana@example.si", subject="Račun",
...                      text="V prilogi je račun."), now=clock.now()))
...     uow.commit()
>>> Dispatcher(store, clock=clock, mail=mail).run_once().sent
1
>>> [m.subject for m in mail.sent]
['Račun']
"""

from __future__ import annotations

from szo_core.outbox.dispatch import Dispatcher, DispatchReport
from szo_core.outbox.records import (
    Channel,
    IdempotencyKey,
    OutboxMessage,
    OutboxState,
    message_id_for,
    new_message,
    outbox_id,
)
from szo_core.outbox.retry import RetryPolicy
from szo_core.outbox.seal import SEAL_KEYS_ENV, OutboxSeal, SealedMessage, UnsealError

__all__ = [
    "SEAL_KEYS_ENV",
    "Channel",
    "DispatchReport",
    "Dispatcher",
    "IdempotencyKey",
    "OutboxMessage",
    "OutboxSeal",
    "OutboxState",
    "RetryPolicy",
    "SealedMessage",
    "UnsealError",
    "message_id_for",
    "new_message",
    "outbox_id",
]
