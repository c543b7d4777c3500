"""The operators' pages: sign-in with the login notice, inbox, sent, a message, compose.

Every call goes to :class:`~szo_core.messaging.Messaging` in a unit of work
with the signed-in operator's organisation and id, both from the server's
session registry, never from the URL or a form: an operator reaches only
their own organisation's data, and only the messages in their own mailbox
(``messaging.not_found`` otherwise, shown as 404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs
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
from szo_core.web.errors import SignInRefused
from szo_core.web.sessions import SignedIn

if TYPE_CHECKING:
    from starlette.datastructures import FormData

    from szo_core.messaging import Draft, Message, Operator
    from szo_core.ports import UnitOfWork

__all__ = ["routes"]

_KINDS: Final = {"odgovor": "reply", "vsem": "reply_all", "posreduj": "forward"}


def _me(request: Request) -> SignedIn:
    who = signed_in(request, "operator")
    if who is None:
        raise HTTPException(401)
    return who


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


async def sign_in(request: Request) -> Response:
    """The sign-in form; a right password starts a fresh session with the login notice."""
    svc = services(request)
    if request.method == "GET":
        return render(request, "operator/sign_in.html", {"problem": None, "username": ""})
    form = await checked_form(request)
    username = field(form, "username", 64).strip().lower()
    password = field(form, "password", 1024)
    keys = (f"login:{username}", f"login-ip:{_client(request)}")
    svc.login_limit.check(keys[0])
    svc.login_ip_limit.check(keys[1])

    def work() -> tuple[SignedIn, str]:
        now = svc.clock.now()
        with svc.store.unit_of_work() as uow:
            account = svc.accounts.sign_in(uow, username, password, now=now)
            notice = svc.messaging.login_notice(
                uow, account.organisation_id, account.operator_id, now=now
            )
            uow.commit()
        who = SignedIn(
            kind="operator",
            organisation_id=account.organisation_id,
            subject=account.operator_id,
            username=account.username,
        )
        return who, notice.text(language(request))

    try:
        who, notice = await call(retried, work)
    except SignInRefused as exc:
        svc.login_limit.failed(keys[0])
        svc.login_ip_limit.failed(keys[1])
        context = {"problem": problem(request, exc), "username": username}
        return render(request, "operator/sign_in.html", context, status=401)
    except SzoError as exc:
        context = {"problem": problem(request, exc), "username": username}
        return render(request, "operator/sign_in.html", context, status=503)
    start_session(request, who)
    request.session["notice"] = notice
    return redirect("/operater/prejeto")


async def sign_out(request: Request) -> Response:
    """End the session."""
    await checked_form(request)
    end_session(request)
    return redirect("/operater/prijava")


def _names(uow: UnitOfWork, organisation_id: str) -> dict[str, Operator]:
    return {o.id: o for o in uow.messaging.operators(organisation_id)}


def _page_number(request: Request) -> int:
    try:
        return max(1, min(int(request.query_params.get("stran", "1")), 10_000))
    except ValueError:
        return 1


def _folder(request: Request, sent: bool) -> Response:
    me = _me(request)
    svc = services(request)
    number = _page_number(request)
    with svc.store.unit_of_work() as uow:
        view = svc.messaging.sent if sent else svc.messaging.inbox
        page = view(uow, me.organisation_id, me.subject, page=number)
        names = _names(uow, me.organisation_id)
        unread = svc.messaging.unread_count(uow, me.organisation_id, me.subject)
    notice = request.session.pop("notice", None)
    return render(
        request,
        "operator/folder.html",
        {
            "page": page,
            "names": names,
            "sent": sent,
            "unread": unread,
            "notice": notice,
            "flash": request.session.pop("flash", None),
        },
    )


def inbox(request: Request) -> Response:
    """The inbox, newest first, unread rows in bold."""
    return _folder(request, sent=False)


def sent(request: Request) -> Response:
    """The sent view."""
    return _folder(request, sent=True)


def message(request: Request) -> Response:
    """One message of the operator's mailbox (opening it marks it read)."""
    me = _me(request)
    svc = services(request)

    def work() -> tuple[Message, dict[str, Operator]]:
        with svc.store.unit_of_work() as uow:
            found = svc.messaging.open(
                uow,
                me.organisation_id,
                me.subject,
                request.path_params["message"],
                now=svc.clock.now(),
            )
            names = _names(uow, me.organisation_id)
            uow.commit()
        return found, names

    try:
        found, names = retried(work)
    except SzoError:
        raise HTTPException(404) from None
    return render(request, "operator/message.html", {"message": found, "names": names})


def _compose_context(
    uow: UnitOfWork, me: SignedIn, draft: Draft, kind: str, parent: str, body: str
) -> dict[str, object]:
    names = _names(uow, me.organisation_id)
    choices = [o for o in names.values() if o.active and o.id != me.subject]
    return {
        "draft": draft,
        "kind": kind,
        "parent": parent,
        "body": body,
        "choices": choices,
        "names": names,
        "problem": None,
    }


def compose(request: Request) -> Response:
    """A new message; a reply, reply to all or forward (``/.../<kind>``); one from a note."""
    me = _me(request)
    svc = services(request)
    if "note" in request.path_params:
        kind, parent = "note", request.path_params["note"]
    else:
        kind = _KINDS.get(request.path_params.get("kind", ""), "new")
        parent = request.path_params.get("message", "")
    with svc.store.unit_of_work() as uow:
        try:
            draft = _draft(uow, request, me, kind, parent, body="")
        except SzoError:
            raise HTTPException(404) from None
        context = _compose_context(uow, me, draft, kind, parent, "")
    return render(request, "operator/compose.html", context)


def _draft(
    uow: UnitOfWork, request: Request, me: SignedIn, kind: str, parent: str, *, body: str
) -> Draft:
    svc = services(request)
    lang = language(request)
    if kind == "new":
        return svc.messaging.draft(uow, me.organisation_id, me.subject, body=body, language=lang)
    if kind == "note":
        draft = svc.messaging.from_note(uow, me.organisation_id, me.subject, parent, language=lang)
        return draft.with_text(body) if body else draft
    respond = {
        "reply": svc.messaging.reply,
        "reply_all": svc.messaging.reply_all,
        "forward": svc.messaging.forward,
    }[kind]
    return respond(uow, me.organisation_id, me.subject, parent, body=body, language=lang)


def _with_form(draft: Draft, form: FormData) -> Draft:
    wanted = [r for r in form.getlist("recipients") if isinstance(r, str)][:200]
    draft = draft.without(*[r for r in draft.recipients if r not in wanted])
    draft = draft.confirm(*[r for r in wanted if r not in draft.recipients])
    return attrs.evolve(draft, subject=field(form, "subject", 500))


async def send(request: Request) -> Response:
    """Send the composed message to the confirmed (ticked) recipients."""
    me = _me(request)
    form = await checked_form(request)
    svc = services(request)
    kind = field(form, "kind", 20)
    kind = kind if kind in ("new", "note", *_KINDS.values()) else "new"
    parent = field(form, "parent", 100)
    body = field(form, "body", 200_000)

    def work() -> dict[str, object] | None:
        with svc.store.unit_of_work() as uow:
            try:
                draft = _with_form(_draft(uow, request, me, kind, parent, body=body), form)
            except SzoError:
                raise HTTPException(404) from None
            try:
                svc.messaging.send(uow, draft, now=svc.clock.now())
            except SzoError as exc:
                context = _compose_context(uow, me, draft, kind, parent, body)
                context["problem"] = problem(request, exc)
                return context
            uow.commit()
        return None

    context = await call(retried, work)
    if context is not None:
        return render(request, "operator/compose.html", context, status=422)
    kick(request)
    request.session["flash"] = "operator.sent_ok"
    return redirect("/operater/poslano")


def notes(request: Request) -> Response:
    """The organisation's department instructions and observations, newest first."""
    me = _me(request)
    svc = services(request)
    with svc.store.unit_of_work() as uow:
        found = uow.messaging.notes(me.organisation_id, limit=50)
        names = _names(uow, me.organisation_id)
    context = {"notes": found, "names": names, "problem": None, "values": {}}
    return render(request, "operator/notes.html", context)


async def write_note(request: Request) -> Response:
    """Write a department instruction or an observation."""
    from szo_core.messaging import NoteKind

    me = _me(request)
    form = await checked_form(request)
    svc = services(request)
    values = {name: field(form, name, 5000) for name in ("kind", "department", "resident", "text")}
    kind = NoteKind.OBSERVATION if values["kind"] == "observation" else NoteKind.INSTRUCTION

    def work() -> None:
        with svc.store.unit_of_work() as uow:
            svc.messaging.write_note(
                uow,
                me.organisation_id,
                me.subject,
                kind=kind,
                department=values["department"],
                text=values["text"],
                resident=values["resident"],
                now=svc.clock.now(),
            )
            uow.commit()

    try:
        await call(retried, work)
    except SzoError as exc:
        with svc.store.unit_of_work() as uow:
            found = uow.messaging.notes(me.organisation_id, limit=50)
            names = _names(uow, me.organisation_id)
        context = {"notes": found, "names": names, "problem": problem(request, exc),
                   "values": values}  # fmt: skip
        return render(request, "operator/notes.html", context, status=422)
    return redirect("/operater/zapisi")


async def _start_page(request: Request) -> Response:
    return redirect("/operater/prejeto")


def routes() -> list[Route]:
    """The operators' routes."""
    return [
        Route("/operater", _start_page),
        Route("/operater/prijava", sign_in, methods=["GET", "POST"]),
        Route("/operater/odjava", sign_out, methods=["POST"]),
        Route("/operater/prejeto", inbox),
        Route("/operater/poslano", sent),
        Route("/operater/novo", compose),
        Route("/operater/poslji", send, methods=["POST"]),
        Route("/operater/sporocilo/{message}", message),
        Route("/operater/sporocilo/{message}/{kind}", compose),
        Route("/operater/zapisi", notes),
        Route("/operater/zapisi/novo", write_note, methods=["POST"]),
        Route("/operater/zapis/{note}/sporocilo", compose),
    ]
