"""The web app's operator accounts on SQLite and PostgreSQL: ``uow.web``.

One table, ``szo_web_account`` (:mod:`szo_core.adapters.sql.tables`,
migration ``0020_web``): the user name is the primary key, (organisation,
operator) is unique, the password only as its argon2id hash.  Times are
stored as naive UTC.

>>> from szo_core.adapters.sql import SqlStore
>>> SqlStore.open(":memory:").unit_of_work().web.find("ana") is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import insert, select, update

from szo_core.adapters._common import not_found
from szo_core.adapters.sql.tables import web_account
from szo_core.web.records import OperatorAccount

if TYPE_CHECKING:
    from szo_core.adapters.sql.uow import SqlUnitOfWork

__all__ = ["SqlWebAccounts"]

_KIND = "web_accounts"


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _account(row: Mapping[str, Any]) -> OperatorAccount:
    return OperatorAccount(
        organisation_id=row["organisation_id"],
        operator_id=row["operator_id"],
        username=row["username"],
        password_hash=row["password_hash"],
        changed_at=cast(datetime, row["changed_at"]).replace(tzinfo=UTC),
    )


class SqlWebAccounts:
    """``uow.web`` on SQL (see :class:`~szo_core.web.ports.WebRepository`)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def __repr__(self) -> str:
        return "SqlWebAccounts()"

    def _mappings(self, statement: Any) -> list[Mapping[str, Any]]:
        with self._uow.guard(_KIND):
            rows = self._uow.connection.execute(statement).mappings().all()
            return cast(list[Mapping[str, Any]], list(rows))

    def add_account(self, account: OperatorAccount) -> OperatorAccount:
        """Store a new account (user name and operator unique)."""
        with self._uow.guard(_KIND):
            self._uow.connection.execute(
                insert(web_account),
                {
                    "username": account.username,
                    "organisation_id": account.organisation_id,
                    "operator_id": account.operator_id,
                    "password_hash": account.password_hash,
                    "changed_at": _naive(account.changed_at),
                },
            )
        return account

    def find(self, username: str) -> OperatorAccount | None:
        """The account with this user name, or None."""
        rows = self._mappings(select(web_account).where(web_account.c.username == username))
        return _account(rows[0]) if rows else None

    def set_password_hash(
        self, username: str, password_hash: str, *, changed_at: datetime
    ) -> OperatorAccount:
        """Replace the account's hash."""
        with self._uow.guard(_KIND):
            result = self._uow.connection.execute(
                update(web_account)
                .where(web_account.c.username == username)
                .values(password_hash=password_hash, changed_at=_naive(changed_at))
            )
        if result.rowcount != 1:
            raise not_found(_KIND, "", username)
        found = self.find(username)
        assert found is not None
        return found

    def accounts(self, organisation_id: str) -> tuple[OperatorAccount, ...]:
        """The organisation's accounts, by user name."""
        rows = self._mappings(
            select(web_account)
            .where(web_account.c.organisation_id == organisation_id)
            .order_by(web_account.c.username)
        )
        return tuple(_account(r) for r in rows)
