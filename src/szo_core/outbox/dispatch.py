"""The dispatcher: claim due messages, send them in one batch per channel, record each result.

:meth:`Dispatcher.run_once` is three steps, each public so that a test (or an
operator's script) can stop between them:

1. :meth:`~Dispatcher.claim`: in a unit of work of its own, take up to
   ``batch_size`` due messages under a lease (``sending``) and commit;
2. :meth:`~Dispatcher.deliver`: send the e-mails in one call of the
   :class:`~szo_core.ports.MailSender` and the text messages in one call of
   the :class:`~szo_core.ports.SmsSender`;
3. :meth:`~Dispatcher.record`: in one unit of work, mark each message sent,
   queued again for a later attempt (temporary failure, :class:`RetryPolicy`),
   given up (the retry time is over) or failed (permanent failure).

**At least once.**  A dispatcher that dies after claiming leaves its messages
``sending``; when the lease ends another claim takes them again.  If it died
after the server accepted a message and before step 3, the message is sent a
second time, with the **same** ``Message-ID`` (fixed when it was stored), so a
server or a mail client that deduplicates by ``Message-ID`` shows it once.
Choose a lease longer than one batch takes to send.  A sender that raises
instead of answering (a misconfiguration: :class:`~szo_core.errors.ConfigurationError`)
leaves its batch claimed; the error goes to the caller and the messages are
taken again when the lease ends.

>>> from datetime import UTC, datetime, timedelta
>>> from szo_core.adapters.memory import ManualClock, MemorySmsSender, MemoryStore
>>> from szo_core.delivery.message import DeliveryStatus, SendResult, SmsMessage
>>> from szo_core.outbox.records import Channel, IdempotencyKey, new_message
>>> store, sms = MemoryStore(), MemorySmsSender()
>>> clock = ManualClock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
>>> with store.unit_of_work() as uow:
...     _ = uow.outbox.enqueue(new_message("vrtec", IdempotencyKey("b:1", "+38641123456",
...         Channel.SMS), SmsMessage(to="+38641123456", text="Potrjeno."), now=clock.now()))
...     uow.commit()
>>> sms.fail_next(SendResult(DeliveryStatus.TEMPORARY, code="sms.http.503"))
>>> dispatcher = Dispatcher(store, clock=clock, sms=sms, random=lambda: 0.0)
>>> dispatcher.run_once()
DispatchReport(claimed=1, sent=0, retrying=1, failed=0, given_up=0, stale=0)
>>> _ = clock.advance(timedelta(seconds=30))
>>> dispatcher.run_once().sent, len(sms.sent)
(1, 1)
"""

from __future__ import annotations

import random as _random
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from szo_core.delivery.message import DeliveryStatus, EmailMessage, SendResult, SmsMessage
from szo_core.errors import ConcurrencyConflict, ConfigurationError, DeliveryError
from szo_core.outbox.records import Channel, OutboxMessage
from szo_core.outbox.retry import RetryPolicy
from szo_core.outbox.seal import OutboxSeal, SealedMessage, UnsealError

if TYPE_CHECKING:
    from szo_core.ports import Clock, MailSender, OutboxRepository, SmsSender, Storage

__all__ = ["DispatchReport", "Dispatcher"]

_RECORD_TRIES = 3


@attrs.frozen
class DispatchReport:
    """What one or more rounds of a dispatcher did.

    Attributes:
        claimed: Messages claimed.
        sent: Accepted by the server.
        retrying: Failed temporarily, queued for a later attempt.
        failed: Failed permanently.
        given_up: Failed temporarily after the retry time was over.
        stale: Results not recorded because the claim had been lost meanwhile
            (the lease ended and another dispatcher took the message).

    >>> DispatchReport(claimed=2, sent=2) + DispatchReport(claimed=1, failed=1)
    DispatchReport(claimed=3, sent=2, retrying=0, failed=1, given_up=0, stale=0)
    """

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    given_up: int = 0
    stale: int = 0

    def __add__(self, other: DispatchReport) -> DispatchReport:
        """The sum, field by field."""
        return DispatchReport(
            *(a + b for a, b in zip(attrs.astuple(self), attrs.astuple(other), strict=True))
        )


def _bad(where: str) -> ConfigurationError:
    return ConfigurationError(
        "outbox.dispatcher",
        sl="Razpošiljevalnik potrebuje vsaj en pošiljatelj (e-pošta ali SMS), velikost "
        "paketa >= 1 in najem > 0.",
        en="A dispatcher needs at least one sender (e-mail or SMS), a batch size >= 1 "
        "and a lease > 0.",
        where=where,
    )


class Dispatcher:
    """Sends what the outbox holds through the delivery ports.

    Args:
        store: Where the outbox is (any :class:`~szo_core.ports.Storage`).
        clock: The time.
        mail: Sends e-mail; without it e-mails are not claimed.
        sms: Sends text messages; without it text messages are not claimed.
        policy: When to retry and when to give up.
        random: Returns a float in [0, 1) for the jitter (tests fix it).
        batch_size: The most messages claimed per round.
        lease: How long a claim holds before another dispatcher may take the
            messages again.
        organisation_id: Only this organisation's messages (default all).
        seal: Opens sealed messages (:mod:`szo_core.outbox.seal`) just before
            they are sent; a sealed message it cannot open (or any, without
            a seal) fails temporarily with ``outbox.sealed`` and is retried.

    Raises:
        szo_core.errors.ConfigurationError: ``outbox.dispatcher`` without a
            sender, with ``batch_size < 1`` or a lease that is not positive.
    """

    def __init__(
        self,
        store: Storage,
        *,
        clock: Clock,
        mail: MailSender | None = None,
        sms: SmsSender | None = None,
        policy: RetryPolicy | None = None,
        random: Callable[[], float] | None = None,
        batch_size: int = 100,
        lease: timedelta = timedelta(minutes=5),
        organisation_id: str | None = None,
        seal: OutboxSeal | None = None,
    ) -> None:
        if mail is None and sms is None:
            raise _bad("senders")
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise _bad("batch_size")
        if not isinstance(lease, timedelta) or lease <= timedelta(0):
            raise _bad("lease")
        self.store = store
        self.clock = clock
        self.mail = mail
        self.sms = sms
        self.policy = policy if policy is not None else RetryPolicy()
        self.random = random if random is not None else _random.Random().random
        self.batch_size = batch_size
        self.lease = lease
        self.organisation_id = organisation_id
        self.seal = seal
        self.channels = tuple(
            channel
            for channel, sender in ((Channel.EMAIL, mail), (Channel.SMS, sms))
            if sender is not None
        )

    def claim(self) -> tuple[OutboxMessage, ...]:
        """Claim up to ``batch_size`` due messages and commit the claim.

        Returns nothing (this round) when another dispatcher's claim collided
        with this one (memory store, SQLite busy): the next round tries again.
        """
        try:
            with self.store.unit_of_work() as uow:
                claimed = uow.outbox.claim(
                    self.clock.now(),
                    limit=self.batch_size,
                    lease=self.lease,
                    channels=self.channels,
                    organisation_id=self.organisation_id,
                )
                uow.commit()
        except ConcurrencyConflict:
            return ()
        return claimed

    def deliver(self, claimed: Sequence[OutboxMessage]) -> tuple[SendResult, ...]:
        """Send the claimed messages, one call per channel; one result per message, in order.

        Raises:
            szo_core.errors.DeliveryError: ``outbox.results`` when a sender
                answers with a different number of results than messages (the
                messages stay claimed and are taken again after the lease).
        """
        results: list[SendResult | None] = [None] * len(claimed)
        emails: list[tuple[int, EmailMessage]] = []
        texts: list[tuple[int, SmsMessage]] = []
        for i, stored in enumerate(claimed):
            message = stored.message
            if isinstance(message, SealedMessage):
                opened = self._open(message)
                if isinstance(opened, SendResult):
                    results[i] = opened
                    continue
                message = opened
            if isinstance(message, EmailMessage):
                emails.append((i, message))
            else:
                texts.append((i, message))
        if emails and self.mail is not None:
            answered = self.mail.send([m for _, m in emails])
            self._place(results, [i for i, _ in emails], answered, "mail")
        if texts and self.sms is not None:
            answered = self.sms.send([m for _, m in texts])
            self._place(results, [i for i, _ in texts], answered, "sms")
        if any(r is None for r in results):
            raise _results_mismatch("senders")
        return tuple(r for r in results if r is not None)

    def _open(self, sealed: SealedMessage) -> EmailMessage | SmsMessage | SendResult:
        if self.seal is None:
            return SendResult(
                DeliveryStatus.TEMPORARY,
                code="outbox.sealed",
                detail="sealed message and no seal configured",
            )
        try:
            return self.seal.open(sealed)
        except UnsealError:
            return SendResult(
                DeliveryStatus.TEMPORARY,
                code="outbox.sealed",
                detail="no key of the seal opens the message",
            )

    @staticmethod
    def _place(
        results: list[SendResult | None],
        positions: list[int],
        answered: Sequence[SendResult],
        where: str,
    ) -> None:
        if len(answered) != len(positions):
            raise _results_mismatch(where)
        for position, result in zip(positions, answered, strict=True):
            results[position] = result

    def record(
        self, claimed: Sequence[OutboxMessage], results: Sequence[SendResult]
    ) -> DispatchReport:
        """Record each result in one unit of work; return what happened."""
        for attempt in range(_RECORD_TRIES):
            try:
                return self._record(claimed, results)
            except ConcurrencyConflict:
                if attempt == _RECORD_TRIES - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _record(
        self, claimed: Sequence[OutboxMessage], results: Sequence[SendResult]
    ) -> DispatchReport:
        counts = {"sent": 0, "retrying": 0, "failed": 0, "given_up": 0, "stale": 0}
        now = self.clock.now()
        with self.store.unit_of_work() as uow:
            outbox: OutboxRepository = uow.outbox
            for message, result in zip(claimed, results, strict=True):
                outcome = self._record_one(outbox, message, result, now)
                counts[outcome] += 1
            uow.commit()
        return DispatchReport(claimed=len(claimed), **counts)

    def _record_one(
        self,
        outbox: OutboxRepository,
        message: OutboxMessage,
        result: SendResult,
        now: datetime,
    ) -> str:
        if result.status is DeliveryStatus.SENT:
            done = outbox.mark_sent(message, now=now)
            return "stale" if done is None else "sent"
        code = result.code or f"delivery.{result.status.value}"
        if result.status is DeliveryStatus.PERMANENT:
            done = outbox.mark_permanent(message, now=now, code=code, detail=result.detail)
            return "stale" if done is None else "failed"
        retry_at = self.policy.next_attempt(
            message.attempts, created_at=message.created_at, now=now, random=self.random
        )
        if retry_at is None:
            hours = self.policy.give_up_after.total_seconds() / 3600
            reason = f"given up after {message.attempts} attempts in {hours:g} h: {result.detail}"
            done = outbox.give_up(message, now=now, code=code, detail=reason.rstrip(": "))
            return "stale" if done is None else "given_up"
        done = outbox.mark_temporary(
            message, now=now, code=code, detail=result.detail, retry_at=retry_at
        )
        return "stale" if done is None else "retrying"

    def run_once(self) -> DispatchReport:
        """One round: claim, deliver, record."""
        claimed = self.claim()
        if not claimed:
            return DispatchReport()
        return self.record(claimed, self.deliver(claimed))

    def run(
        self,
        stop: threading.Event | Callable[[], bool],
        *,
        idle: float = 1.0,
        sleep: Callable[[float], object] = time.sleep,
    ) -> DispatchReport:
        """Run rounds until ``stop`` is set (or returns True); wait ``idle`` seconds when idle.

        A full batch is followed by the next round at once; a round that
        claimed fewer than ``batch_size`` waits ``idle`` seconds first (on
        ``stop`` itself when it is an :class:`threading.Event`, so setting it
        ends the wait).

        Returns:
            The sum of every round's report.
        """
        stopped: Callable[[], bool]
        wait: Callable[[float], object]
        if isinstance(stop, threading.Event):
            stopped, wait = stop.is_set, stop.wait
        else:
            stopped, wait = stop, sleep
        total = DispatchReport()
        while not stopped():
            report = self.run_once()
            total += report
            if report.claimed < self.batch_size and not stopped():
                wait(idle)
        return total


def _results_mismatch(where: str) -> DeliveryError:
    return DeliveryError(
        "outbox.results",
        sl="Pošiljatelj je vrnil drugačno število rezultatov, kot je bilo sporočil.",
        en="The sender answered with a different number of results than messages.",
        where=where,
    )
