"""The web app's own storage port: operator accounts (``uow.web``).

An operator of :mod:`szo_core.messaging` is a person in an organisation; an
**account** is how that person signs in to the reference app: a user name
(unique across the app) and an argon2id hash of the password.  The memory
store (:mod:`szo_core.adapters.memory_web`) and the SQL store
(:mod:`szo_core.adapters.sql.web`, table ``szo_web_account``, migration
``0020_web``) pass the same contract tests.

>>> from szo_core.adapters.memory import MemoryStore
>>> MemoryStore().unit_of_work().web.find("ana") is None
True
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from szo_core.web.records import OperatorAccount

__all__ = ["OperatorAccount", "WebRepository"]


class WebRepository(Protocol):
    """Operator accounts of the reference app, in a unit of work."""

    def add_account(self, account: OperatorAccount) -> OperatorAccount:
        """Store a new account (``storage.duplicate``: the user name or operator has one)."""
        ...

    def find(self, username: str) -> OperatorAccount | None:
        """The account with this user name, or None."""
        ...

    def set_password_hash(
        self, username: str, password_hash: str, *, changed_at: datetime
    ) -> OperatorAccount:
        """Replace the account's hash (a rehash or a new password; NotFound if none)."""
        ...

    def accounts(self, organisation_id: str) -> tuple[OperatorAccount, ...]:
        """The organisation's accounts, by user name."""
        ...
