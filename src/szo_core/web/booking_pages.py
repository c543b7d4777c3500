"""The citizen's booking pages: office, service, day, free slots, contact, code, confirmation.

Then, through the signed links of the confirmation (and its e-mail): cancel,
reschedule, the file exchange and the survey.  Every call goes to
:class:`~szo_core.booking.BookingDesk`; a hold's page opens only in the
session that made the hold (its id is kept in the session), and the signed
links carry their token in the query (``?t=``), which the access log leaves
out and ``Referrer-Policy: no-referrer`` keeps in the page.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Final
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from szo_core.errors import NotFound, SzoError
from szo_core.web.common import (
    call,
    checked_form,
    field,
    kick,
    language,
    problem,
    redirect,
    render,
    services,
)

if TYPE_CHECKING:
    from szo_core.booking import Appointment, Office

__all__ = ["routes"]

ZONE: Final = ZoneInfo("Europe/Ljubljana")
_MAX_HOLDS: Final = 5


def _org(request: Request) -> str:
    return services(request).config.booking_organisation


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def _today(request: Request) -> date:
    return services(request).clock.now().astimezone(ZONE).date()


def _office(request: Request, office_id: str) -> Office:
    store = services(request).store
    try:
        with store.unit_of_work() as uow:
            return uow.booking.get_office(_org(request), office_id)
    except (NotFound, SzoError):
        raise HTTPException(404) from None


def _appointment(request: Request, appointment_id: str) -> Appointment:
    try:
        with services(request).store.unit_of_work() as uow:
            return uow.booking.get(_org(request), appointment_id)
    except SzoError:
        raise HTTPException(404) from None


def _when(appointment: Appointment, lang: str) -> str:
    from szo_core.booking.mail import when_text

    return when_text(appointment.start, appointment.end, lang)


def _day(request: Request) -> date:
    try:
        return date.fromisoformat(request.query_params.get("dan", ""))
    except ValueError:
        return _today(request)


def _remember(request: Request, key: str, value: str) -> None:
    kept = [v for v in request.session.get(key, []) if isinstance(v, str) and v != value]
    request.session[key] = [*kept, value][-_MAX_HOLDS:]


def _owned(request: Request, key: str, value: str) -> None:
    if value not in request.session.get(key, []):
        raise HTTPException(404)


def _token(request: Request, *purposes: str) -> tuple[str, Appointment]:
    """The signed link's token and its appointment (404 unless valid for one of ``purposes``)."""
    from szo_core.booking import LinkError

    token = request.query_params.get("t", "")
    desk = services(request).desk
    for purpose in purposes:
        try:
            organisation_id, appointment_id = desk.signer.verify(
                token, purpose, now=services(request).clock.now()
            )
            break
        except LinkError:
            continue
    else:
        raise HTTPException(404)
    if organisation_id != _org(request):
        raise HTTPException(404)
    return token, _appointment(request, appointment_id)


def local_links(request: Request, appointment: Appointment) -> dict[str, str]:
    """The appointment's signed links as paths of this app (``/termin/<purpose>?t=...``)."""
    links = services(request).desk.links(appointment)
    out = {}
    for purpose in ("cancel", "reschedule", "files", "survey"):
        url: str = getattr(links, purpose)
        out[purpose] = f"/termin/{purpose}?t={quote(url.split('t=', 1)[1], safe='')}"
    return out


def offices(request: Request) -> Response:
    """The offices of the booking organisation."""
    with services(request).store.unit_of_work() as uow:
        found = uow.booking.offices(_org(request))
    return render(request, "booking/offices.html", {"offices": found})


def office_services(request: Request) -> Response:
    """The services of one office."""
    office = _office(request, request.path_params["office"])
    return render(request, "booking/services.html", {"office": office})


def slots(request: Request) -> Response:
    """One day's free slots of a service."""
    office = _office(request, request.path_params["office"])
    service = next((s for s in office.services if s.id == request.path_params["service"]), None)
    if service is None:
        raise HTTPException(404)
    day, today = _day(request), _today(request)
    found = services(request).desk.free_slots(
        office.organisation_id, office.id, service.id, day, day
    )
    return render(
        request,
        "booking/slots.html",
        {
            "office": office,
            "service": service,
            "day": day,
            "first_day": today,
            "last_day": today + timedelta(days=office.horizon_days),
            "slots": found,
        },
    )


def _start(value: str) -> datetime:
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(404) from None
    return start if start.tzinfo is not None else start.replace(tzinfo=UTC)


async def contact(request: Request) -> Response:
    """The contact form for a chosen slot; posting it holds the slot and e-mails a code."""
    from szo_core.booking import Contact

    office = _office(request, request.path_params["office"])
    service = next((s for s in office.services if s.id == request.path_params["service"]), None)
    if service is None:
        raise HTTPException(404)
    start = _start(request.query_params.get("zacetek", ""))
    values = {"name": "", "email": "", "phone": "", "notes": ""}
    local = start.astimezone(ZONE)
    context: dict[str, object] = {
        "office": office,
        "service": service,
        "start_text": f"{local.day}. {local.month}. {local.year}, {local:%H.%M}",
        "start_day": local.date().isoformat(),
    }
    if request.method == "POST":
        form = await checked_form(request)
        values = {name: field(form, name, 2000) for name in values}
        desk = services(request).desk
        try:
            held = await call(
                desk.reserve,
                office.organisation_id,
                office.id,
                service.id,
                start,
                Contact(**values),
            )
        except SzoError as exc:
            context.update(values=values, problem=problem(request, exc))
            return render(request, "booking/contact.html", context, status=422)
        kick(request)
        _remember(request, "holds", held.id)
        return redirect(f"/termin/koda/{held.id}")
    context.update(values=values, problem=None)
    return render(request, "booking/contact.html", context)


async def code(request: Request) -> Response:
    """The code form of a hold (this session's); posting the right code books it."""
    from szo_core.booking import AppointmentState

    form = await checked_form(request) if request.method == "POST" else None
    hold_id = request.path_params["hold"]
    _owned(request, "holds", hold_id)
    appointment = _appointment(request, hold_id)
    context: dict[str, object] = {"appointment": appointment, "problem": None, "notice": None}
    if appointment.state is not AppointmentState.HELD:
        if appointment.state is AppointmentState.CONFIRMED:
            return redirect(f"/termin/potrjeno/{hold_id}")
        raise HTTPException(404)
    if form is not None:
        svc = services(request)
        key = f"code-ip:{_client(request)}"
        svc.code_limit.check(key)
        try:
            booked = await call(svc.desk.confirm, _org(request), hold_id, field(form, "code", 20))
        except SzoError as exc:
            svc.code_limit.failed(key)
            context.update(problem=problem(request, exc))
            return render(request, "booking/code.html", context, status=422)
        kick(request)
        _remember(request, "booked", booked.id)
        return redirect(f"/termin/potrjeno/{booked.id}")
    if request.query_params.get("poslano"):
        context["notice"] = "booking.resent"
    return render(request, "booking/code.html", context)


async def resend(request: Request) -> Response:
    """Send a new code for this session's hold."""
    await checked_form(request)
    hold_id = request.path_params["hold"]
    _owned(request, "holds", hold_id)
    appointment = _appointment(request, hold_id)
    try:
        await call(services(request).desk.resend_code, _org(request), hold_id)
    except SzoError as exc:
        context = {"appointment": appointment, "problem": problem(request, exc), "notice": None}
        return render(request, "booking/code.html", context, status=422)
    kick(request)
    return redirect(f"/termin/koda/{hold_id}?poslano=1")


async def release(request: Request) -> Response:
    """Back: release this session's hold and return to the day's slots."""
    await checked_form(request)
    hold_id = request.path_params["hold"]
    _owned(request, "holds", hold_id)
    appointment = _appointment(request, hold_id)
    with contextlib.suppress(SzoError):  # lapsed or released already: back to the slots
        await call(services(request).desk.back, _org(request), hold_id)
    day = appointment.local_start.date().isoformat()
    return redirect(f"/termin/{appointment.office_id}/{appointment.service_id}?dan={day}")


def confirmed(request: Request) -> Response:
    """The confirmation page of this session's booking, with its links."""
    appointment_id = request.path_params["appointment"]
    _owned(request, "booked", appointment_id)
    appointment = _appointment(request, appointment_id)
    office = _office(request, appointment.office_id)
    desk = services(request).desk
    return render(
        request,
        "booking/confirmed.html",
        {
            "appointment": appointment,
            "office": office,
            "when": _when(appointment, language(request)),
            "meeting": desk.meeting.link(office, appointment),
            "links": local_links(request, appointment),
        },
    )


async def cancel(request: Request) -> Response:
    """Cancel by the signed link (a confirmation form first)."""
    token, appointment = _token(request, "cancel")
    context: dict[str, object] = {
        "appointment": appointment,
        "when": _when(appointment, language(request)),
        "token": token,
        "problem": None,
        "done": False,
    }
    if request.method == "POST":
        await checked_form(request)
        try:
            await call(services(request).desk.cancel, token)
        except SzoError as exc:
            context["problem"] = problem(request, exc)
            return render(request, "booking/cancel.html", context, status=422)
        kick(request)
        context["done"] = True
    return render(request, "booking/cancel.html", context)


async def reschedule(request: Request) -> Response:
    """Move the appointment by the signed link: a day's free slots, then the new start."""
    token, appointment = _token(request, "reschedule")
    office = _office(request, appointment.office_id)
    context: dict[str, object] = {"appointment": appointment, "token": token, "problem": None}
    if request.method == "POST":
        form = await checked_form(request)
        try:
            moved = await call(
                services(request).desk.reschedule, token, _start(field(form, "zacetek", 64))
            )
        except SzoError as exc:
            context["problem"] = problem(request, exc)
        else:
            kick(request)
            context.update(appointment=moved, moved=True, when=_when(moved, language(request)))
            return render(request, "booking/moved.html", context)
    day, today = _day(request), _today(request)
    found = services(request).desk.free_slots(
        office.organisation_id, office.id, appointment.service_id, day, day
    )
    context.update(
        office=office,
        when=_when(appointment, language(request)),
        day=day,
        first_day=today,
        last_day=today + timedelta(days=office.horizon_days),
        slots=found,
    )
    status = 422 if context["problem"] else 200
    return render(request, "booking/reschedule.html", context, status=status)


async def files(request: Request) -> Response:
    """The appointment's file exchange: the list, upload, and (gone after closing) nothing.

    The citizen's link (``files``) and the official's (``BookingDesk.official_token``)
    open the same page; each upload records which side sent it.
    """
    token, appointment = _token(request, "files", "official")
    desk = services(request).desk
    context: dict[str, object] = {"appointment": appointment, "token": token, "problem": None}
    status = 200
    if request.method == "POST":
        form = await checked_form(request)
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            try:
                await call(desk.upload, token, upload.filename, data)
            except SzoError as exc:
                context["problem"] = problem(request, exc)
                status = 422
            else:
                return redirect(f"/termin/files?t={quote(token, safe='')}")
    try:
        context["files"] = await call(desk.list_files, token)
        context["closed"] = False
    except SzoError as exc:
        context.update(files=(), closed=True, problem=problem(request, exc))
    return render(request, "booking/files.html", context, status=status)


async def download(request: Request) -> Response:
    """One file of the exchange (an attachment, never shown inline)."""
    token, _ = _token(request, "files", "official")
    try:
        record, data = await call(
            services(request).desk.download, token, request.path_params["file"]
        )
    except SzoError:
        raise HTTPException(404) from None
    disposition = f"attachment; filename*=UTF-8''{quote(record.name, safe='')}"
    return Response(
        data,
        media_type=record.content_type,
        headers={"content-disposition": disposition, "content-security-policy": "sandbox"},
    )


async def survey(request: Request) -> Response:
    """The survey after the appointment: a rating and a comment, once."""
    token, appointment = _token(request, "survey")
    context: dict[str, object] = {
        "appointment": appointment,
        "token": token,
        "problem": None,
        "done": False,
        "comment": "",
    }
    if request.method == "POST":
        form = await checked_form(request)
        comment = field(form, "comment", 2000)
        try:
            rating = int(field(form, "rating", 2))
        except ValueError:
            rating = 0
        try:
            await call(services(request).desk.answer_survey, token, rating, comment)
        except SzoError as exc:
            context.update(problem=problem(request, exc), comment=comment)
            return render(request, "booking/survey.html", context, status=422)
        context["done"] = True
    return render(request, "booking/survey.html", context)


def routes() -> list[Route]:
    """The booking routes (fixed paths before the office's)."""
    both = ["GET", "POST"]
    return [
        Route("/termin", offices),
        Route("/termin/cancel", cancel, methods=both),
        Route("/termin/reschedule", reschedule, methods=both),
        Route("/termin/files", files, methods=both),
        Route("/termin/files/{file}", download),
        Route("/termin/survey", survey, methods=both),
        Route("/termin/koda/{hold}", code, methods=both),
        Route("/termin/koda/{hold}/znova", resend, methods=["POST"]),
        Route("/termin/koda/{hold}/nazaj", release, methods=["POST"]),
        Route("/termin/potrjeno/{appointment}", confirmed),
        Route("/termin/{office}", office_services),
        Route("/termin/{office}/{service}", slots),
        Route("/termin/{office}/{service}/kontakt", contact, methods=both),
    ]
