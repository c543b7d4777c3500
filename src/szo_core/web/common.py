"""What every page shares: rendering, the language, CSRF-checked forms, the signed-in identity."""

from __future__ import annotations

import hmac
import random
import secrets
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from szo_core.web.texts import LANGUAGES, text

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from szo_core.web.sessions import SessionRegistry, SignedIn
    from szo_core.web.wiring import Services

__all__ = [
    "CSRF_FIELD",
    "call",
    "checked_form",
    "csrf_token",
    "kick",
    "language",
    "redirect",
    "render",
    "retried",
    "services",
    "signed_in",
]

CSRF_FIELD = "csrf"
"""The hidden field every form carries."""

T = TypeVar("T")


def services(request: Request) -> Services:
    """The app's SDK objects."""
    found: Services = request.app.state.services
    return found


def registry(request: Request) -> SessionRegistry:
    """The signed-in sessions."""
    found: SessionRegistry = request.app.state.sessions
    return found


def language(request: Request) -> str:
    """The page's language: ``?lang=``, else the ``lang`` cookie, else Slovenian."""
    wanted = request.query_params.get("lang") or request.cookies.get("lang") or LANGUAGES[0]
    return wanted if wanted in LANGUAGES else LANGUAGES[0]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def checked_form(request: Request) -> FormData:
    """The posted form, refused with 403 unless it carries the session's CSRF token."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get(CSRF_FIELD)
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise HTTPException(403, "csrf")
    return form


def field(form: FormData, name: str, limit: int = 10_000) -> str:
    """A text field of ``form`` ('' when missing), cut to ``limit`` characters."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def signed_in(request: Request, kind: str) -> SignedIn | None:
    """The identity of kind ``kind`` signed in to this session, or None."""
    who = registry(request).get(request.session.get(f"{kind}_sid"))
    return who if who is not None and who.kind == kind else None


def start_session(request: Request, who: SignedIn) -> None:
    """Sign ``who`` in: a fresh session id and CSRF token; the booking ids are kept."""
    kept: dict[str, object] = {
        k: request.session[k] for k in ("holds", "booked") if k in request.session
    }
    for kind in ("operator", "citizen"):
        registry(request).end(request.session.get(f"{kind}_sid"))
    request.session.clear()
    request.session.update(kept)
    request.session[f"{who.kind}_sid"] = registry(request).start(who)
    request.session[CSRF_FIELD] = secrets.token_urlsafe(32)


def end_session(request: Request) -> None:
    """Sign out: end the server's sessions and clear the cookie's values."""
    for kind in ("operator", "citizen"):
        registry(request).end(request.session.get(f"{kind}_sid"))
    request.session.clear()


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a (blocking) SDK call in the thread pool."""
    return await run_in_threadpool(fn, *args, **kwargs)


def retried(work: Callable[[], T], *, attempts: int = 8) -> T:
    """Run ``work`` (its own unit of work) again when another writer collided with it.

    SQLite lets one writer at a time (the outbox dispatcher writes too);
    PostgreSQL refuses a serialisation conflict.  Both are
    :class:`~szo_core.errors.ConcurrencyConflict`; the work is redone on fresh
    data after a short random pause, as :class:`~szo_core.booking.BookingDesk` does.
    """
    from szo_core.errors import ConcurrencyConflict

    for attempt in range(attempts):
        try:
            return work()
        except ConcurrencyConflict:
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
    raise AssertionError("unreachable")  # pragma: no cover


def kick(request: Request) -> None:
    """Wake the outbox dispatcher (something was queued)."""
    event = getattr(request.app.state, "kick", None)
    if event is not None:
        event.set()


def redirect(url: str) -> RedirectResponse:
    """See other (303): the answer to a posted form."""
    return RedirectResponse(url, status_code=303)


def _switch_url(request: Request, lang: str) -> str:
    other = "en" if lang == "sl" else "sl"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode([*query, ('lang', other)])}"


def render(
    request: Request,
    template: str,
    context: Mapping[str, object] | None = None,
    *,
    status: int = 200,
) -> Response:
    """Render ``template`` (autoescaped) with the language, the CSRF token and ``context``."""
    templates: Jinja2Templates = request.app.state.templates
    lang = language(request)
    values: dict[str, object] = {
        "lang": lang,
        "t": lambda key: text(lang, key),
        "csrf": csrf_token(request),
        "switch_url": _switch_url(request, lang),
        "operator": signed_in(request, "operator"),
        "citizen": signed_in(request, "citizen"),
    }
    values.update(context or {})
    response = templates.TemplateResponse(request, template, values, status_code=status)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(
            "lang",
            lang,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=services(request).config.https,
        )
    return response


def problem(request: Request, exc: Exception) -> str:
    """The message of an SDK error in the page's language (never a personal value)."""
    from szo_core.errors import SzoError

    if isinstance(exc, SzoError):
        return exc.sl if language(request) == "sl" else exc.en
    return text(language(request), "app.error")
