"""The citizen's booking flow over HTTP: slots, contact, code, confirmation, the signed links."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.web._app import DAY, client, code_from, csrf, hold, make_services

from szo_core.adapters.memory import ManualClock


def _links(page: str) -> dict[str, str]:
    return {
        m.group(1): m.group(2).replace("&amp;", "&")
        for m in re.finditer(r'id="link-(\w+)" href="([^"]+)"', page)
    }


def test_book_with_the_emailed_code_then_files_reschedule_survey_cancel() -> None:
    services, mail = make_services()
    with client(services) as c:
        offices = c.get("/termin")
        assert "UE Ljubljana, Center" in offices.text
        slots = c.get(f"/termin/center/info?dan={DAY}")
        assert ">09.00<" in slots.text
        assert ">08.00<" not in slots.text
        code_page = hold(c)
        wrong = c.post(code_page, data={"csrf": csrf(c.get(code_page).text), "code": "000000"})
        assert wrong.status_code == 422
        assert "4" in wrong.text
        code = code_from(mail, services)
        done = c.post(code_page, data={"csrf": csrf(c.get(code_page).text), "code": code})
        assert done.status_code == 303
        page = c.get(done.headers["location"]).text
        assert "Termin je potrjen" in page
        assert "ponedeljek, 7. decembra 2026, 9.00–9.30" in page
        links = _links(page)
        assert set(links) == {"files", "reschedule", "cancel", "survey"}

        files = c.get(links["files"])
        upload = c.post(
            links["files"],
            data={"csrf": csrf(files.text)},
            files={"file": ("vloga.pdf", b"%PDF-1.7\n%test\n", "application/pdf")},
        )
        assert upload.status_code == 303
        listing = c.get(links["files"]).text
        file_url = re.search(r'href="(/termin/files/\w+\?t=[^"]+)"', listing)
        assert file_url is not None
        assert "vloga.pdf" in listing
        download = c.get(file_url.group(1).replace("&amp;", "&"))
        assert download.content == b"%PDF-1.7\n%test\n"
        assert download.headers["content-disposition"].startswith("attachment;")

        # the official's side: their own link opens the same exchange, both ways
        appointment_id = done.headers["location"].rsplit("/", 1)[1]
        with services.store.unit_of_work() as uow:
            booked = uow.booking.get(services.config.booking_organisation, appointment_id)
        official = f"/termin/files?t={services.desk.official_token(booked)}"
        with client(services) as clerk:
            page = clerk.get(official)
            assert "vloga.pdf" in page.text
            sent = clerk.post(
                official,
                data={"csrf": csrf(page.text)},
                files={"file": ("odlocba.txt", b"Odlocba je izdana.", "text/plain")},
            )
            assert sent.status_code == 303
        listing = c.get(links["files"]).text
        assert "odlocba.txt" in listing
        assert "<td>uradnik</td>" in listing
        assert "<td>stranka</td>" in listing

        move = c.get(links["reschedule"] + f"&dan={DAY}")
        moved = c.post(
            links["reschedule"],
            data={"csrf": csrf(move.text), "zacetek": "2026-12-07T10:00:00+00:00"},
        )
        assert moved.status_code == 200
        assert "11.00" in moved.text

        early = c.get(links["survey"])
        answer = c.post(links["survey"], data={"csrf": csrf(early.text), "rating": "5"})
        assert answer.status_code == 422  # before the end
        assert isinstance(services.clock, ManualClock)
        services.clock.set(services.clock.now() + timedelta(hours=5))
        answer = c.post(
            links["survey"], data={"csrf": csrf(early.text), "rating": "5", "comment": "Hitro."}
        )
        assert answer.status_code == 200
        assert 'id="done"' in answer.text

        services.desk.close(services.config.booking_organisation, code_page.rsplit("/", 1)[1])
        gone = c.get(links["files"])
        assert "vloga.pdf" not in gone.text
        assert "zaključen" in gone.text

        cancel = c.get(links["cancel"])
        refused = c.post(links["cancel"], data={"csrf": csrf(cancel.text)})
        assert refused.status_code == 422  # closed: nothing to cancel any more


def test_resend_back_and_a_hold_of_another_session() -> None:
    services, mail = make_services()
    with client(services) as c:
        code_page = hold(c)
        first = code_from(mail, services)
        assert isinstance(services.clock, ManualClock)
        services.clock.set(services.clock.now() + timedelta(minutes=2))
        resent = c.post(code_page + "/znova", data={"csrf": csrf(c.get(code_page).text)})
        assert resent.status_code == 303
        second = code_from(mail, services)
        assert len([m for m in mail.sent if m.subject.startswith("Koda")]) == 2
        with client(services) as other:
            assert other.get(code_page).status_code == 404  # not this session's hold
        old = c.post(code_page, data={"csrf": csrf(c.get(code_page).text), "code": first})
        assert old.status_code == 422 or first == second
        back = c.post(code_page + "/nazaj", data={"csrf": csrf(c.get(code_page).text)})
        assert back.status_code == 303
        assert back.headers["location"].startswith("/termin/center/")
        assert c.get(code_page).status_code == 404  # released


def test_a_tampered_link_opens_nothing() -> None:
    services, _ = make_services()
    with client(services) as c:
        assert c.get("/termin/cancel?t=abc.def").status_code == 404
        assert c.get("/termin/files?t=").status_code == 404


def test_english_by_query_then_by_cookie() -> None:
    services, _ = make_services()
    with client(services) as c:
        assert "Rezervacija termina" in c.get("/termin").text
        english = c.get("/termin?lang=en")
        assert "Book an appointment" in english.text
        assert english.cookies.get("lang") == "en"
        assert "Book an appointment" in c.get("/termin").text
        assert 'lang="en"' in c.get("/").text
