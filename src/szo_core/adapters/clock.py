"""The system clock, as a :class:`~szo_core.ports.Clock`.

>>> SystemClock().now().tzinfo is not None
True
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["SystemClock"]


class SystemClock:
    """The real time, in UTC (timezone-aware)."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"
