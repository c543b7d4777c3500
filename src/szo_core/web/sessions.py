"""Who is signed in: a random session id in the signed cookie, the identity on the server.

Starlette's session cookie is signed (itsdangerous) but readable by its
holder, so it carries only random values: the CSRF token, the session id, the
ids of the citizen's holds and the language.  Who is signed in (an operator's
organisation and id, a citizen's person id) stays in this registry, keyed by
the session id, so the cookie holds no personal data, a sign-out ends the
session on the server, and a new session id is issued at every sign-in (no
session fixation).  Idle sessions end after the configured time.

>>> from datetime import UTC, datetime, timedelta
>>> from szo_core.adapters.memory import ManualClock
>>> clock = ManualClock(datetime(2026, 12, 3, 8, 0, tzinfo=UTC))
>>> registry = SessionRegistry(clock, idle=timedelta(minutes=30))
>>> sid = registry.start(SignedIn(kind="operator", organisation_id="dom", subject="ana"))
>>> registry.get(sid).subject
'ana'
>>> _ = clock.set(clock.now() + timedelta(minutes=31))
>>> registry.get(sid) is None
True
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    from szo_core.ports import Clock

__all__ = ["SessionRegistry", "SignedIn"]


@attrs.frozen(repr=False)
class SignedIn:
    """A signed-in identity: an operator (organisation, operator id) or a citizen (person id)."""

    kind: Literal["operator", "citizen"]
    organisation_id: str
    subject: str
    username: str = ""

    def __repr__(self) -> str:
        return f"SignedIn(kind={self.kind!r}, organisation_id={self.organisation_id!r})"


class SessionRegistry:
    """Signed-in sessions by id, in the process (see the module)."""

    def __init__(self, clock: Clock, *, idle: timedelta, max_sessions: int = 100_000) -> None:
        self.clock = clock
        self.idle = idle
        self.max_sessions = max_sessions
        self._sessions: dict[str, tuple[SignedIn, datetime]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SessionRegistry(sessions={len(self._sessions)})"

    def start(self, who: SignedIn) -> str:
        """Start a session for ``who``; its new random id."""
        sid = secrets.token_urlsafe(32)
        now = self.clock.now()
        with self._lock:
            if len(self._sessions) >= self.max_sessions:
                self._expire(now)
            if len(self._sessions) >= self.max_sessions:
                del self._sessions[next(iter(self._sessions))]
            self._sessions[sid] = (who, now)
        return sid

    def _expire(self, now: datetime) -> None:
        for sid in [s for s, (_, seen) in self._sessions.items() if now - seen >= self.idle]:
            del self._sessions[sid]

    def get(self, sid: object) -> SignedIn | None:
        """Who session ``sid`` belongs to (and mark it used), or None."""
        if not isinstance(sid, str):
            return None
        now = self.clock.now()
        with self._lock:
            found = self._sessions.get(sid)
            if found is None:
                return None
            who, seen = found
            if now - seen >= self.idle:
                del self._sessions[sid]
                return None
            self._sessions[sid] = (who, now)
            return who

    def end(self, sid: object) -> None:
        """End session ``sid`` (nothing when unknown)."""
        if isinstance(sid, str):
            with self._lock:
                self._sessions.pop(sid, None)
