"""Rate limits for sign-in and code entry: a sliding window per key, in the process.

Each key (``login:<user name>``, ``login-ip:<address>``, ``code:<hold>``,
``code-ip:<address>``) may fail ``attempts`` times in ``window``; the next try
is refused with :class:`~szo_core.web.errors.Throttled` until the oldest
failure leaves the window.  Success does not reset the window (a correct
guess after many wrong ones stays counted).  The counts live in the process:
one ``szo serve`` process is the reference deployment; several processes
behind a balancer each count their own (the SDK's own limits, 5 wrong codes
per hold, hold in the database whatever the process).  Keys are hashed, so
the table holds no user name or address.

>>> from datetime import UTC, datetime, timedelta
>>> from szo_core.adapters.memory import ManualClock
>>> clock = ManualClock(datetime(2026, 12, 3, 8, 0, tzinfo=UTC))
>>> limit = RateLimit(clock, attempts=2, window=timedelta(minutes=1))
>>> limit.failed("login:ana"); limit.failed("login:ana")
>>> limit.check("login:ana")
Traceback (most recent call last):
...
szo_core.web.errors.Throttled: web.throttled: ... (login)
>>> _ = clock.set(clock.now() + timedelta(minutes=1))
>>> limit.check("login:ana")
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import deque
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from szo_core.web.errors import Throttled

if TYPE_CHECKING:
    from szo_core.ports import Clock

__all__ = ["RateLimit"]


class RateLimit:
    """At most ``attempts`` failures per key in ``window`` (see the module).

    Args:
        clock: The time.
        attempts: Failures allowed in the window.
        window: The window's length.
        max_keys: Keys kept at most (the oldest are dropped first).
    """

    def __init__(
        self, clock: Clock, *, attempts: int, window: timedelta, max_keys: int = 100_000
    ) -> None:
        self.clock = clock
        self.attempts = attempts
        self.window = window
        self.max_keys = max_keys
        self._failures: dict[bytes, deque[datetime]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RateLimit(attempts={self.attempts}, window={self.window})"

    @staticmethod
    def _key(key: str) -> bytes:
        return hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()

    def _recent(self, key: bytes, now: datetime) -> deque[datetime]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def check(self, key: str) -> None:
        """Refuse with :class:`Throttled` when ``key`` has used its attempts."""
        now = self.clock.now()
        with self._lock:
            times = self._recent(self._key(key), now)
            if len(times) < self.attempts:
                return
            wait = math.ceil((times[0] + self.window - now).total_seconds())
        raise Throttled(
            "web.throttled",
            sl="Preveč poskusov. Poskusite znova čez nekaj minut.",
            en="Too many attempts. Try again in a few minutes.",
            where=key.split(":", 1)[0],
            retry_after=max(wait, 1),
        )

    def failed(self, key: str) -> None:
        """Count one failure of ``key``."""
        now = self.clock.now()
        hashed = self._key(key)
        with self._lock:
            times = self._recent(hashed, now)
            if hashed not in self._failures:
                if len(self._failures) >= self.max_keys:
                    del self._failures[next(iter(self._failures))]
                self._failures[hashed] = times
            times.append(now)
