"""Real time: commit the event, wake the in-process dispatcher, and it sends at once.

The outbox's :class:`~szo_core.outbox.Dispatcher` polls: a message queued
right after a round waits up to ``idle`` seconds.  :class:`LiveDispatcher`
runs the dispatcher's rounds in a thread of its own that also wakes up when
told: :meth:`~LiveDispatcher.commit` commits the caller's unit of work (the
event's decisions and its messages, together) and then wakes it, so a
message is at the server or gateway within the time of one round.  Only
committed messages are seen: waking before the commit would find nothing.
Before each round it queues the digests that are due
(:meth:`~szo_core.notify.service.Notifications.flush_digests`) when given the
service.

Several processes are safe (each claim is under a lease); a process that
does not run a live dispatcher still has its messages sent by any other
dispatcher (``szo outbox run``) on its next round.

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemoryStore
>>> from szo_core.outbox import Dispatcher
>>> store = MemoryStore()
>>> dispatcher = Dispatcher(store, clock=ManualClock(datetime(2026, 12, 3, tzinfo=UTC)),
...                         mail=MemoryMailSender())
>>> with LiveDispatcher(dispatcher, idle=60) as live:
...     with store.unit_of_work() as uow:
...         live.commit(uow)  # nothing queued: a round that claims nothing
...     live.wait_idle(timeout=5)
True
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Self

from szo_core.errors import ConfigurationError, SzoError
from szo_core.outbox.dispatch import DispatchReport

if TYPE_CHECKING:
    from szo_core.notify.service import Notifications
    from szo_core.outbox.dispatch import Dispatcher
    from szo_core.ports import UnitOfWork

__all__ = ["LiveDispatcher"]

_log = logging.getLogger(__name__)


class LiveDispatcher:
    """Runs a dispatcher in a background thread that wakes on every :meth:`commit`.

    Args:
        dispatcher: The outbox dispatcher (its store, clock and senders).
        idle: Seconds between rounds when nobody wakes it (messages queued by
            other processes, retries that fall due).
        notifications: The service whose due digests are queued before each
            round (with the dispatcher's store and clock), or None.

    Use it as a context manager (the thread starts and, at the end, stops
    after its current round), or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        idle: float = 5.0,
        notifications: Notifications | None = None,
    ) -> None:
        if not isinstance(idle, int | float) or idle <= 0:
            raise ConfigurationError(
                "notify.live",
                sl="Čas čakanja mora biti pozitivno število sekund.",
                en="The idle time must be a positive number of seconds.",
                where="idle",
            )
        self.dispatcher = dispatcher
        self.idle = float(idle)
        self.notifications = notifications
        self.report = DispatchReport()
        """The sum of every round's report so far."""
        self.errors = 0
        """Rounds that failed (logged by code, without personal data; retried later)."""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"LiveDispatcher(idle={self.idle}, running={self.running})"

    @property
    def running(self) -> bool:
        """Whether the thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="szo-live-dispatch", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop after the current round and wait for the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """Run a round now (after the current one, if one is running)."""
        self._idle.clear()
        self._wake.set()

    def commit(self, uow: UnitOfWork) -> None:
        """Commit ``uow``, then wake the dispatcher: its messages go at once."""
        uow.commit()
        self.wake()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the rounds started by the last wake have finished; False on timeout."""
        return self._idle.wait(timeout)

    def _round(self) -> None:
        d = self.dispatcher
        if self.notifications is not None:
            with d.store.unit_of_work() as uow:
                self.notifications.flush_digests(uow, now=d.clock.now())
                uow.commit()
        while not self._stop.is_set():
            report = d.run_once()
            with self._lock:
                self.report += report
            if report.claimed < d.batch_size:
                break

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.idle)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self._round()
            except SzoError as error:  # a storage or delivery failure: try again later
                self.errors += 1
                _log.warning("live dispatch round failed: %s", error.code)
            if not self._wake.is_set():
                self._idle.set()

    def __enter__(self) -> Self:
        """Start."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        self.stop()
