"""The citizen's notification settings: e-mail, number, all or key events, the consent history.

A citizen signs in to the portal with a qualified certificate; the reference
app has a stand-in (``WebConfig.demo_sign_in``): a person id typed in (an
opaque id of the document system, never an EMŠO), kept in the server's
session registry, never in the cookie or a URL.  Every change goes through
:class:`~szo_core.notify.service.Notifications` under
``Identity.citizen(person id)``, so the service itself checks that a citizen
changes only their own subscription; each change adds to the consent
history, which the page shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from szo_core.errors import SzoError
from szo_core.web.common import (
    call,
    checked_form,
    end_session,
    field,
    kick,
    language,
    problem,
    redirect,
    render,
    retried,
    services,
    signed_in,
    start_session,
)
from szo_core.web.sessions import SignedIn

if TYPE_CHECKING:
    from szo_core.errors import Language
    from szo_core.notify.records import Subscription
    from szo_core.ports import UnitOfWork

__all__ = ["routes"]


def _me(request: Request) -> SignedIn:
    who = signed_in(request, "citizen")
    if who is None:
        raise HTTPException(401)
    return who


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


async def sign_in(request: Request) -> Response:
    """The stand-in sign-in (a person id), when the configuration allows it."""
    from szo_core.notify.records import Identity

    svc = services(request)
    if not svc.config.demo_sign_in:
        raise HTTPException(404)
    if request.method == "GET":
        return render(request, "notify/sign_in.html", {"problem": None})
    form = await checked_form(request)
    person = field(form, "person", 100).strip()
    try:
        Identity.citizen(person)
    except SzoError as exc:
        return render(
            request, "notify/sign_in.html", {"problem": problem(request, exc)}, status=422
        )
    start_session(
        request,
        SignedIn(kind="citizen", organisation_id=svc.config.notify_organisation, subject=person),
    )
    return redirect("/obvestila")


async def sign_out(request: Request) -> Response:
    """End the session."""
    await checked_form(request)
    end_session(request)
    return redirect("/obvestila/prijava")


def what_text(lang: str, what: str) -> str:
    """A consent entry's change in words (``preference,channels`` → two labels).

    >>> what_text("en", "preference,channels"), what_text("sl", "unsubscribed:email")
    ('events chosen, channels', 'odjava')
    """
    from szo_core.web.texts import TEXTS, text

    parts = [part.split(":", 1)[0] for part in what.split(",") if part]
    return ", ".join(
        text(lang, f"notify.what.{p}") if f"notify.what.{p}" in TEXTS else p for p in parts
    )


def _mine(uow: UnitOfWork, me: SignedIn) -> Subscription | None:
    found = uow.notify.subscriptions_of(me.organisation_id, me.subject)
    general = [s for s in found if s.case_id is None] or list(found)
    return general[0] if general else None


def _context(request: Request, me: SignedIn) -> dict[str, object]:
    svc = services(request)
    with svc.store.unit_of_work() as uow:
        mine = _mine(uow, me)
        history = uow.notify.consent_history(me.organisation_id, mine.id) if mine else ()
    return {
        "subscription": mine,
        "history": tuple(reversed(history)),
        "problem": None,
        "flash": request.session.pop("flash", None),
        "what_text": lambda what: what_text(language(request), what),
    }


def settings(request: Request) -> Response:
    """The settings form, the confirmation of new addresses and the consent history."""
    me = _me(request)
    return render(request, "notify/settings.html", _context(request, me))


async def save(request: Request) -> Response:
    """Make or change the citizen's subscription (for all their cases)."""
    from szo_core.notify.records import Channel, Identity, Preference

    me = _me(request)
    form = await checked_form(request)
    svc = services(request)
    email = field(form, "email", 320).strip() or None
    mobile = field(form, "mobile", 40).strip() or None
    channels = [c for c in Channel if c.value in form.getlist("channels")]
    preference = Preference.KEY_ONLY if field(form, "preference") == "key_only" else Preference.ALL
    lang: Language = "en" if language(request) == "en" else "sl"
    identity = Identity.citizen(me.subject)

    def work() -> None:
        now = svc.clock.now()
        with svc.store.unit_of_work() as uow:
            mine = _mine(uow, me)
            if mine is None:
                svc.notifications.subscribe(
                    uow,
                    identity,
                    organisation_id=me.organisation_id,
                    person_id=me.subject,
                    channels=channels,
                    email=email,
                    mobile=mobile,
                    preference=preference,
                    language=lang,
                    now=now,
                )
            else:
                svc.notifications.change(
                    uow,
                    identity,
                    me.organisation_id,
                    mine.id,
                    now=now,
                    preference=preference,
                    channels=channels,
                    email=email,
                    mobile=mobile,
                    language=lang,
                    active=True,
                )
            uow.commit()

    try:
        await call(retried, work)
    except SzoError as exc:
        context = _context(request, me)
        context["problem"] = problem(request, exc)
        return render(request, "notify/settings.html", context, status=422)
    kick(request)
    request.session["flash"] = "notify.saved"
    return redirect("/obvestila")


async def confirm(request: Request) -> Response:
    """Confirm a new address or number with its code (rate limited)."""
    from szo_core.notify.records import Channel

    me = _me(request)
    form = await checked_form(request)
    svc = services(request)
    key = f"notify-code:{_client(request)}"
    svc.code_limit.check(key)
    try:
        channel = Channel(field(form, "channel", 10))
    except ValueError:
        raise HTTPException(404) from None

    def work() -> str:
        with svc.store.unit_of_work() as uow:
            mine = _mine(uow, me)
            if mine is None:
                raise HTTPException(404)
            outcome = svc.notifications.confirm(
                uow,
                me.organisation_id,
                mine.id,
                channel,
                field(form, "code", 20),
                now=svc.clock.now(),
            )
            uow.commit()
        return outcome.value

    outcome = await call(retried, work)
    if outcome != "confirmed":
        svc.code_limit.failed(key)
    request.session["flash"] = f"notify.outcome.{outcome}"
    return redirect("/obvestila")


async def unsubscribe(request: Request) -> Response:
    """The unsubscribe link of every notification (``/obvestila/odjava?t=...``).

    Opening it asks first (a link scanner that fetches it changes nothing);
    the form's POST, or the mail client's one-click POST of RFC 8058
    (``List-Unsubscribe=One-Click``, no session, the signed token is the
    authority), ends the subscription for that channel.
    """
    from szo_core.notify.errors import LinkInvalid

    token = _valid_link(request, "odjava")
    context: dict[str, object] = {"token": token, "done": False, "action": "odjava"}
    if request.method == "POST":
        form = await request.form()
        if form.get("List-Unsubscribe") != "One-Click":
            await checked_form(request)
        svc = services(request)

        def work() -> None:
            with svc.store.unit_of_work() as uow:
                svc.notifications.unsubscribe_link(uow, token, now=svc.clock.now())
                uow.commit()

        try:
            await call(retried, work)
        except LinkInvalid:
            raise HTTPException(404) from None
        context["done"] = True
    return render(request, "notify/link.html", context)


async def confirm_by_link(request: Request) -> Response:
    """The confirmation link of a new address (``/obvestila/potrditev?t=...``): asks, confirms."""
    from szo_core.notify.errors import LinkInvalid

    token = _valid_link(request, "potrditev")
    context: dict[str, object] = {"token": token, "done": False, "action": "potrditev"}
    if request.method == "POST":
        await checked_form(request)
        svc = services(request)

        def work() -> str:
            with svc.store.unit_of_work() as uow:
                outcome = svc.notifications.confirm_link(uow, token, now=svc.clock.now())
                uow.commit()
            return outcome.value

        try:
            context["outcome"] = await call(retried, work)
        except LinkInvalid:
            raise HTTPException(404) from None
        context["done"] = True
    return render(request, "notify/link.html", context)


def _valid_link(request: Request, purpose: str) -> str:
    """The link's token, or 404 when it is not one of ours for ``purpose`` (nothing changes)."""
    from szo_core.notify.errors import LinkInvalid
    from szo_core.notify.links import verify

    token = request.query_params.get("t", "")
    keys = services(request).notifications.settings.signing_keys
    try:
        verify(keys, token, "unsubscribe" if purpose == "odjava" else "confirm")
    except LinkInvalid:
        raise HTTPException(404) from None
    return token


def routes() -> list[Route]:
    """The citizen's notification routes."""
    return [
        Route("/obvestila", settings),
        Route("/obvestila/prijava", sign_in, methods=["GET", "POST"]),
        Route("/obvestila/izhod", sign_out, methods=["POST"]),
        Route("/obvestila/odjava", unsubscribe, methods=["GET", "POST"]),
        Route("/obvestila/potrditev", confirm_by_link, methods=["GET", "POST"]),
        Route("/obvestila/shrani", save, methods=["POST"]),
        Route("/obvestila/potrdi", confirm, methods=["POST"]),
    ]
