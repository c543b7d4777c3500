"""The errors of citizen notifications, in the :mod:`szo_core.errors` tree.

* :class:`AccessDenied` (also :class:`PermissionError`): an authenticated
  identity tried to change a subscription that is not its own
  (``notify.forbidden``).  It does not say whether the subscription exists.
* :class:`LinkInvalid` (a :class:`~szo_core.errors.ValidationError`): a signed
  link (unsubscribe, confirmation) was changed, signed with another key, made
  for another purpose, or is malformed (``notify.link_invalid``).

Messages name the field or the link's purpose, never an address, a number or
a token.

>>> issubclass(AccessDenied, PermissionError), issubclass(LinkInvalid, ValueError)
(True, True)
"""

from __future__ import annotations

from szo_core.errors import SzoError, ValidationError

__all__ = ["AccessDenied", "LinkInvalid"]


class AccessDenied(SzoError, PermissionError):
    """The identity may not do this (``notify.forbidden``): only its own subscriptions."""


class LinkInvalid(ValidationError):
    """A signed link is not one this organisation made (``notify.link_invalid``)."""


def forbidden(where: str) -> AccessDenied:
    """The one error for a subscription that is not the caller's (or does not exist)."""
    return AccessDenied(
        "notify.forbidden",
        sl="Spremenite lahko samo svojo naročnino na obvestila.",
        en="You may change only your own notification subscription.",
        where=where,
    )
