"""The ASGI app: routes, the security layer and the outbox dispatcher.

:func:`create_app` takes the :class:`~szo_core.web.wiring.Services` built by
:func:`~szo_core.web.wiring.build` and returns a Starlette app:

* every response carries a strict Content-Security-Policy (``default-src
  'self'``, no script at all, no inline style, no frames), ``nosniff``,
  ``Referrer-Policy: no-referrer`` (the signed links' tokens never leave in a
  ``Referer``) and, over TLS, ``Strict-Transport-Security``;
* the session is a signed cookie (``HttpOnly``, ``SameSite=Lax``, ``Secure``
  over TLS) that carries only random values (:mod:`.sessions`);
* every form carries a CSRF token; a POST without the session's token is
  refused with 403 (:func:`~szo_core.web.common.checked_form`);
* pages are Jinja2 templates with autoescaping on;
* the access log has the method, the path (never the query string, which
  holds the signed links' tokens), the status and the time: no address, no
  personal number (paths hold only random ids);
* ``/health`` answers ``{"status": "ok"}`` without touching the database.

>>> from starlette.testclient import TestClient
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.web.wiring import WebConfig, build
>>> app = create_app(build(WebConfig(secret_key=b"k" * 32, mail_folder=None), store=MemoryStore()))
>>> with TestClient(app) as client:
...     response = client.get("/health")
>>> response.json(), response.headers["content-security-policy"].split(";")[0]
({'status': 'ok'}, "default-src 'self'")
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from datetime import datetime
from importlib.resources import files
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from szo_core.web import booking_pages, notify_pages, operator_pages
from szo_core.web.common import redirect, render
from szo_core.web.errors import Throttled
from szo_core.web.sessions import SessionRegistry

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from szo_core.web.wiring import Services

__all__ = ["CSP", "MAX_BODY", "create_app"]

log = logging.getLogger("szo_core.web")

CSP: Final = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of every response."""

ZONE: Final = ZoneInfo("Europe/Ljubljana")


class SecurityHeaders:
    """Adds the security headers to every response and logs each request without its query."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if https:
            headers.append((b"strict-transport-security", b"max-age=31536000"))
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *self.headers]
                if not scope["path"].startswith("/static/"):
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.info(
                "%s %s %d %.1f ms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )


MAX_BODY: Final = 12 * 1024 * 1024
"""The largest request body (a 10 MB file with its form), in bytes; larger ones are 413."""


class BodyLimit:
    """Refuses a request body larger than ``max_bytes`` (413) before it is spooled anywhere."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise HTTPException(413)
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = Response("413", status_code=413, media_type="text/plain")
        await response(scope, receive, send)


def local_time(value: datetime) -> str:
    """A stored (UTC) time as the pages show it: Ljubljana's wall clock, the Slovenian way.

    >>> from datetime import UTC
    >>> local_time(datetime(2026, 12, 7, 7, 5, tzinfo=UTC))
    '7. 12. 2026 8.05'
    """
    local = value.astimezone(ZONE)
    return f"{local.day}. {local.month}. {local.year} {local.hour}.{local.minute:02d}"


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _home(request: Request) -> Response:
    return render(request, "home.html")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 401:
        path = request.url.path
        return redirect(
            "/obvestila/prijava" if path.startswith("/obvestila") else "/operater/prijava"
        )
    key = {403: "app.forbidden", 404: "app.not_found", 413: "app.too_large"}.get(
        status, "app.error"
    )
    return render(request, "error.html", {"message_key": key}, status=status)


async def _throttled(request: Request, exc: Exception) -> Response:
    wait = exc.retry_after if isinstance(exc, Throttled) else 60
    response = render(request, "error.html", {"message_key": "app.throttled"}, status=429)
    response.headers["retry-after"] = str(wait)
    return response


async def _dispatch_loop(services: Services, kick: asyncio.Event, interval: float) -> None:
    """Send the outbox's messages when woken, and every ``interval`` seconds anyway."""
    from starlette.concurrency import run_in_threadpool

    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(kick.wait(), interval)
        kick.clear()
        try:
            await run_in_threadpool(services.dispatch)
        except Exception:  # the loop must survive a database hiccup; the outbox retries
            log.exception("outbox dispatch failed")


def create_app(services: Services, *, dispatch_interval: float = 2.0) -> Starlette:
    """The web app over ``services`` (see the module)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("szo_core.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["local_time"] = local_time
    templates = Jinja2Templates(env=environment)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        kick = asyncio.Event()
        app.state.kick = kick
        task = asyncio.create_task(_dispatch_loop(services, kick, dispatch_interval))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    static = StaticFiles(directory=str(files("szo_core.web") / "static"))
    routes = [
        Route("/", _home),
        Route("/health", _health),
        Mount("/static", static, name="static"),
        *booking_pages.routes(),
        *operator_pages.routes(),
        *notify_pages.routes(),
    ]
    config = services.config
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, https=config.https),
            Middleware(BodyLimit),
            Middleware(
                SessionMiddleware,
                secret_key=services.session_key.hex(),
                session_cookie="szo_session",
                max_age=12 * 3600,
                same_site="lax",
                https_only=config.https,
            ),
        ],
        exception_handlers={HTTPException: _http_error, Throttled: _throttled},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.templates = templates
    app.state.sessions = SessionRegistry(services.clock, idle=config.session_idle)
    return app
