"""The web app's operator accounts in memory: ``uow.web`` of a memory store.

>>> from szo_core.adapters.memory import MemoryStore
>>> MemoryStore().unit_of_work().web
MemoryWebAccounts()
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from szo_core.adapters._common import duplicate, not_found
from szo_core.web.records import OperatorAccount

if TYPE_CHECKING:
    from szo_core.adapters.memory import MemoryTable, MemoryUnitOfWork

__all__ = ["MemoryWebAccounts"]


class MemoryWebAccounts:
    """``uow.web`` in memory (see :class:`~szo_core.web.ports.WebRepository`)."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._accounts: MemoryTable[OperatorAccount] = uow.table("web_accounts")

    def __repr__(self) -> str:
        return "MemoryWebAccounts()"

    def add_account(self, account: OperatorAccount) -> OperatorAccount:
        """Store a new account (user name and operator unique)."""
        taken = self._accounts.get(account.username) is not None or any(
            a.organisation_id == account.organisation_id and a.operator_id == account.operator_id
            for _, a in self._accounts.items()
        )
        if taken:
            self._uow.rollback()
            raise duplicate("web_accounts", account.organisation_id, account.operator_id)
        self._accounts.insert(account.username, account)
        return account

    def find(self, username: str) -> OperatorAccount | None:
        """The account with this user name, or None."""
        return self._accounts.get(username)

    def set_password_hash(
        self, username: str, password_hash: str, *, changed_at: datetime
    ) -> OperatorAccount:
        """Replace the account's hash."""
        current = self._accounts.get(username)
        if current is None:
            raise not_found("web_accounts", "", username)
        stored = attrs.evolve(current, password_hash=password_hash, changed_at=changed_at)
        self._accounts.replace(username, stored)
        return stored

    def accounts(self, organisation_id: str) -> tuple[OperatorAccount, ...]:
        """The organisation's accounts, by user name."""
        found = [a for _, a in self._accounts.items() if a.organisation_id == organisation_id]
        return tuple(sorted(found, key=lambda a: a.username))
