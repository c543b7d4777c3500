"""Operator sign-in: argon2id password hashes (argon2-cffi) and the check at login.

The password is hashed with argon2id at argon2-cffi's defaults (RFC 9106's
low-memory profile: 64 MiB, 3 passes, 4 lanes), the OWASP recommendation for
new systems; a hash made with older parameters is replaced at the next
successful sign-in.  A wrong user name costs as much as a wrong password (a
dummy hash is checked), so the time does not tell which user names exist.

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.messaging import Operator
>>> store, now = MemoryStore(), datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
>>> accounts = Accounts(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
>>> with store.unit_of_work() as uow:
...     _ = uow.messaging.add_operator(Operator(organisation_id="dom", id="ana", name="Ana"))
...     _ = accounts.create(uow, "dom", "ana", "ana", "dolgo geslo 123", now=now)
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     accounts.sign_in(uow, "ana", "dolgo geslo 123", now=now).operator_id
'ana'
>>> with store.unit_of_work() as uow:
...     accounts.sign_in(uow, "ana", "napačno", now=now)
Traceback (most recent call last):
...
szo_core.web.errors.SignInRefused: web.sign_in: ... (sign-in)
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from szo_core.errors import InvalidFormat
from szo_core.web.errors import sign_in_refused
from szo_core.web.records import OperatorAccount

if TYPE_CHECKING:
    from szo_core.ports import UnitOfWork

__all__ = ["MIN_PASSWORD", "Accounts", "PasswordHasher"]

MIN_PASSWORD: Final = 12
"""The shortest password accepted (characters)."""


class Accounts:
    """Make operator accounts and check their passwords.

    Args:
        hasher: The argon2 hasher (argon2-cffi's defaults when None; tests pass
            cheaper parameters).
    """

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash("szo-web: no such user")

    def __repr__(self) -> str:
        return "Accounts()"

    def hash(self, password: str) -> str:
        """The argon2id hash of ``password`` (refused when shorter than :data:`MIN_PASSWORD`)."""
        if not isinstance(password, str) or len(password) < MIN_PASSWORD:
            raise InvalidFormat(
                "web.password",
                sl=f"Geslo mora imeti vsaj {MIN_PASSWORD} znakov.",
                en=f"A password must have at least {MIN_PASSWORD} characters.",
                where="password",
            )
        return self.hasher.hash(password)

    def create(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        username: str,
        password: str,
        *,
        now: datetime,
    ) -> OperatorAccount:
        """Store an account for an existing operator of ``organisation_id``."""
        uow.messaging.get_operator(organisation_id, operator_id)
        account = OperatorAccount(
            organisation_id=organisation_id,
            operator_id=operator_id,
            username=username,
            password_hash=self.hash(password),
            changed_at=now,
        )
        return uow.web.add_account(account)

    def sign_in(
        self, uow: UnitOfWork, username: str, password: str, *, now: datetime
    ) -> OperatorAccount:
        """The account when the password is right; :class:`~.errors.SignInRefused` otherwise.

        An inactive operator is refused like a wrong password.  A hash with old
        parameters is replaced (commit the unit of work).
        """
        account = uow.web.find(username.strip().lower()) if isinstance(username, str) else None
        try:
            self.hasher.verify(account.password_hash if account else self._dummy, password)
        except (VerificationError, InvalidHashError):
            raise sign_in_refused() from None
        if account is None:  # pragma: no cover - the dummy hash never verifies
            raise sign_in_refused()
        operator = uow.messaging.find_operator(account.organisation_id, account.operator_id)
        if operator is None or not operator.active:
            raise sign_in_refused()
        if self.hasher.check_needs_rehash(account.password_hash):
            account = uow.web.set_password_hash(
                account.username, self.hasher.hash(password), changed_at=now
            )
        return account
