"""When a temporarily failed message is tried again, and when the outbox gives up.

The wait after the n-th failed attempt is ``base × factor^(n-1)``, at most
``cap``, shortened by a random part of up to ``jitter`` of itself (so that many
messages that failed together do not all come back at the same second).  A
message whose next attempt would fall later than ``give_up_after`` from when it
was stored is given up instead, with the reason recorded.

The random number comes in as an argument (a function returning a float in
``[0, 1)``, such as ``random.Random(7).random``), so tests fix it.

>>> from datetime import UTC, datetime, timedelta
>>> policy = RetryPolicy(base=timedelta(seconds=30), factor=2, cap=timedelta(minutes=10),
...                      jitter=0.0, give_up_after=timedelta(hours=1))
>>> [policy.delay(n, 0.5).total_seconds() for n in (1, 2, 3, 6, 7)]
[30.0, 60.0, 120.0, 600.0, 600.0]
>>> t0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
>>> policy.next_attempt(1, created_at=t0, now=t0, random=lambda: 0.5)
datetime.datetime(2026, 9, 1, 8, 0, 30, tzinfo=datetime.timezone.utc)
>>> late = t0 + timedelta(minutes=55)
>>> policy.next_attempt(9, created_at=t0, now=late, random=lambda: 0.5) is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from szo_core.errors import ConfigurationError

__all__ = ["RetryPolicy"]


def _bad(where: str) -> ConfigurationError:
    return ConfigurationError(
        "outbox.retry_policy",
        sl="Pravilo ponovnih poskusov: osnova > 0, faktor >= 1, zgornja meja >= osnova, "
        "naključni del med 0 in 1, odnehaj po > 0.",
        en="Retry policy: base > 0, factor >= 1, cap >= base, jitter between 0 and 1, "
        "give up after > 0.",
        where=where,
    )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Exponential backoff with jitter, and a time after which the outbox gives up.

    Attributes:
        base: The wait after the first failed attempt.
        factor: How much longer each further wait is.
        cap: The longest wait.
        jitter: The largest part of a wait taken off at random (0 none, 1 up
            to the whole wait: "full jitter").
        give_up_after: How long after it was stored a message is still tried.

    >>> RetryPolicy(factor=0.5)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: outbox.retry_policy: ...
    """

    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=1)
    jitter: float = 0.2
    give_up_after: timedelta = timedelta(days=2)

    def __attrs_post_init__(self) -> None:
        """Refuse a policy that would never wait, shrink, or never give up."""

        def number(value: object, low: float, high: float) -> bool:
            return (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and low <= value <= high
            )

        def span(value: object) -> bool:
            return isinstance(value, timedelta) and value > timedelta(0)

        checks: tuple[tuple[str, Callable[[], bool]], ...] = (
            ("base", lambda: span(self.base)),
            ("factor", lambda: number(self.factor, 1, 1e6)),
            ("cap", lambda: span(self.cap) and self.cap >= self.base),
            ("jitter", lambda: number(self.jitter, 0, 1)),
            ("give_up_after", lambda: span(self.give_up_after)),
        )
        for name, ok in checks:
            if not ok():
                raise _bad(name)

    def delay(self, attempts: int, random: float) -> timedelta:
        """The wait after ``attempts`` failed attempts, with the random part ``random`` in [0, 1).

        >>> RetryPolicy(jitter=0.5).delay(1, 0.999).total_seconds() > 15
        True
        """
        exponent = max(attempts - 1, 0)
        cap = self.cap.total_seconds()
        seconds = self.base.total_seconds()
        for _ in range(exponent):  # stops as soon as the cap is reached: no huge powers
            seconds *= self.factor
            if seconds >= cap:
                seconds = cap
                break
        seconds = min(seconds, cap) * (1 - self.jitter * min(max(random, 0.0), 1.0))
        return timedelta(seconds=seconds)

    def next_attempt(
        self,
        attempts: int,
        *,
        created_at: datetime,
        now: datetime,
        random: Callable[[], float],
    ) -> datetime | None:
        """When to try again after ``attempts`` failed attempts, or None to give up.

        Args:
            attempts: Attempts made so far (the failed one included).
            created_at: When the message was stored.
            now: The time of the failure.
            random: Returns a float in [0, 1) (jitter).
        """
        when = now + self.delay(attempts, random())
        if when > created_at + self.give_up_after:
            return None
        return when
