"""Errors of the reference web app: stable codes, Slovenian and English messages.

>>> raise sign_in_refused()
Traceback (most recent call last):
...
szo_core.web.errors.SignInRefused: web.sign_in: ... (sign-in)
"""

from __future__ import annotations

from szo_core.errors import SzoError

__all__ = ["SignInRefused", "Throttled", "WebError", "sign_in_refused"]


class WebError(SzoError):
    """Base of the web app's errors."""


class SignInRefused(WebError, PermissionError):
    """The user name or the password is wrong (the message does not say which)."""


class Throttled(WebError):
    """Too many attempts in a short time: wait ``retry_after`` seconds.

    Args:
        retry_after: Whole seconds until the next attempt is allowed.
    """

    def __init__(self, code: str, *, sl: str, en: str, where: str | None, retry_after: int) -> None:
        super().__init__(code, sl=sl, en=en, where=where)
        self.retry_after = retry_after


def sign_in_refused() -> SignInRefused:
    """The one error for a wrong user name and a wrong password alike."""
    return SignInRefused(
        "web.sign_in",
        sl="Uporabniško ime ali geslo ni pravo.",
        en="The user name or the password is wrong.",
        where="sign-in",
    )
