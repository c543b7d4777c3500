"""Records of the reference web app (see :mod:`szo_core.web.ports`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

import attrs

from szo_core.errors import InvalidFormat

__all__ = ["USERNAME", "OperatorAccount"]

USERNAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
"""What a user name looks like: 2 to 64 of lower-case letters, digits and ``. _ -``."""


def _username(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or USERNAME.fullmatch(value) is None:
        raise InvalidFormat(
            "web.username",
            sl="Uporabniško ime ima 2 do 64 malih črk, števk ali znakov . _ -.",
            en="A user name has 2 to 64 lower-case letters, digits or . _ -.",
            where=f"OperatorAccount.{attribute.name}",
        )


def _argon2(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.startswith("$argon2"):
        raise InvalidFormat(
            "web.password_hash",
            sl="Geslo je shranjeno samo kot zgoščena vrednost argon2.",
            en="A password is stored only as an argon2 hash.",
            where=f"OperatorAccount.{attribute.name}",
        )


def _aware(_: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidFormat(
            "web.time",
            sl="Čas mora imeti časovni pas.",
            en="The time must be timezone-aware.",
            where=f"OperatorAccount.{attribute.name}",
        )


@attrs.frozen(kw_only=True, repr=False)
class OperatorAccount:
    """How an operator signs in: a user name and an argon2id hash of the password.

    Attributes:
        organisation_id: The operator's organisation.
        operator_id: The operator's id in :mod:`szo_core.messaging`.
        username: The user name (unique in the app).
        password_hash: The argon2id hash (PHC string); never the password.
        changed_at: When the hash was set.

    ``repr()`` leaves the hash out:

    >>> from datetime import UTC, datetime
    >>> OperatorAccount(organisation_id="dom", operator_id="ana", username="ana",
    ...                 password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
    ...                 changed_at=datetime(2026, 12, 3, tzinfo=UTC))
    OperatorAccount(organisation_id='dom', operator_id='ana', username='ana')
    """

    organisation_id: str
    operator_id: str
    username: str = attrs.field(validator=_username)
    password_hash: str = attrs.field(validator=_argon2)
    changed_at: datetime = attrs.field(validator=_aware)

    def __repr__(self) -> str:
        return (
            f"OperatorAccount(organisation_id={self.organisation_id!r}, "
            f"operator_id={self.operator_id!r}, username={self.username!r})"
        )
