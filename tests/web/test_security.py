"""The security layer: CSRF, headers, cookies, session fixation, organisations, XSS, throttling.

Every test drives the app over HTTP (Starlette's test client) on a memory
store; the browser tests show the same pages in Chromium.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import html5lib
import pytest
from starlette.routing import Route
from tests.web._app import DAY, client, code_from, csrf, hold, make_services, sign_in

from szo_core.adapters.memory import ManualClock
from szo_core.web.app import CSP

# A selection of tests/messaging/test_xss.py's vectors: tags, handlers, URLs, mutation XSS.
VECTORS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<svg onload="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "</textarea><script>alert(1)</script>",
    '<base href="https://evil.example/">',
]
_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


def assert_inert(page: str) -> None:
    """No script, no handler, no style attribute, no foreign element, no script URL."""
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    problems = []
    for element in document.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in {"script", "img", "svg", "math", "iframe", "style", "base", "object", "embed"}:
            problems.append(tag)
        for name, value in element.attrib.items():
            name = str(name).lower()
            if name.startswith("on") or name == "style":
                problems.append(f"{tag} {name}")
            if name in {"href", "src", "action", "formaction"} and _SCHEME.match(value):
                problems.append(f"{tag} {name}={value}")
    assert problems == []


def _notify_links(services: Any, mail: Any) -> tuple[str, str]:
    """A real unsubscribe link and a real confirmation link (paths of this app)."""
    from szo_core.notify.records import Channel, Identity

    with services.store.unit_of_work() as uow:
        made = services.notifications.subscribe(
            uow, Identity.citizen("p-9"), organisation_id="obcina-lj", person_id="p-9",
            channels=[Channel.EMAIL], email="c@example.si", now=services.clock.now(),
        )  # fmt: skip
        uow.commit()
    services.dispatch()
    [message] = [m for m in mail.sent if "c@example.si" in m.to]
    confirm = re.search(r"https://localhost:8000(/obvestila/potrditev\?t=[^\s>\"]+)", message.text)
    assert confirm is not None
    unsubscribe = services.notifications.unsubscribe_url(made, Channel.EMAIL)
    return unsubscribe.split("https://localhost:8000", 1)[1], confirm.group(1)


def _routes(app: Any) -> set[str]:
    return {r.path for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or ())}


def test_every_form_is_refused_without_the_sessions_csrf_token_and_nothing_changes() -> None:
    services, mail = make_services()
    with client(services) as c:
        code_page = hold(c)
        code = code_from(mail, services)
        done = c.post(code_page, data={"csrf": csrf(c.get(code_page).text), "code": code})
        links = dict(
            re.findall(r'id="link-(\w+)" href="([^"]+)"', c.get(done.headers["location"]).text)
        )
        links = {k: v.replace("&amp;", "&") for k, v in links.items()}
        second = hold(c)
        sign_in(c, "ana")
        citizen = c.get("/obvestila/prijava")
        assert citizen.status_code == 200
        unsubscribe, confirm_link = _notify_links(services, mail)
        posts = {
            "/termin/cancel": links["cancel"],
            "/termin/reschedule": links["reschedule"],
            "/termin/files": links["files"],
            "/termin/survey": links["survey"],
            "/termin/koda/{hold}": second,
            "/termin/koda/{hold}/znova": second + "/znova",
            "/termin/koda/{hold}/nazaj": second + "/nazaj",
            "/termin/{office}/{service}/kontakt": (
                f"/termin/center/info/kontakt?zacetek={DAY}T10:00:00%2B00:00"
            ),
            "/operater/prijava": "/operater/prijava",
            "/operater/odjava": "/operater/odjava",
            "/operater/poslji": "/operater/poslji",
            "/operater/zapisi/novo": "/operater/zapisi/novo",
            "/obvestila/prijava": "/obvestila/prijava",
            "/obvestila/izhod": "/obvestila/izhod",
            "/obvestila/odjava": unsubscribe,
            "/obvestila/potrditev": confirm_link,
            "/obvestila/shrani": "/obvestila/shrani",
            "/obvestila/potrdi": "/obvestila/potrdi",
        }
        assert set(posts) == _routes(c.app)  # every form of the app is tried
        with services.store.unit_of_work() as uow:
            before = len(uow.outbox.for_organisation(services.config.booking_organisation))
        for route, url in posts.items():
            if route.startswith("/obvestila/") and route != "/obvestila/prijava":
                c.post("/obvestila/prijava", data={"csrf": csrf(citizen.text), "person": "p-1"})
            data = {"subject": "S", "body": "B", "recipients": ["bojan"], "kind": "new",
                    "code": "123456", "person": "p-1", "rating": "5", "name": "X",
                    "department": "A", "text": "T",
                    "email": "x@example.si", "username": "ana", "password": "x" * 12}  # fmt: skip
            for token in (None, "wrong"):
                sent = data if token is None else {**data, "csrf": token}
                response = c.post(url, data=sent)
                assert response.status_code == 403, (route, token, response.status_code)
                assert "varnostni žeton" in response.text
        with services.store.unit_of_work() as uow:
            after = len(uow.outbox.for_organisation(services.config.booking_organisation))
            assert uow.messaging.unread_count("dom-lj", "bojan") == 0
            assert uow.messaging.notes("dom-lj") == ()
        assert after == before


def test_every_response_has_the_strict_headers() -> None:
    services, _ = make_services()
    with client(services) as c:
        for path in ("/", "/termin", "/health", "/nic-takega", "/operater/prijava"):
            response = c.get(path)
            assert response.headers["content-security-policy"] == CSP
            assert "unsafe" not in CSP
            assert "script-src 'none'" in CSP
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert response.headers["x-frame-options"] == "DENY"
            assert "strict-transport-security" not in response.headers
        assert "<script" not in c.get("/termin").text


@pytest.mark.parametrize("https", [False, True])
def test_the_session_cookie_is_httponly_lax_and_secure_over_tls(https: bool) -> None:
    services, _ = make_services(https=https)
    with client(services, https=https) as c:
        response = c.get("/operater/prijava")
        cookie = response.headers["set-cookie"].lower()
        assert cookie.startswith("szo_session=")
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert ("secure" in cookie.split(";")[-1] or "; secure" in cookie) is https
        assert ("strict-transport-security" in response.headers) is https


def test_signing_in_starts_a_new_session_and_signing_out_ends_it_on_the_server() -> None:
    services, _ = make_services()
    with client(services) as c:
        before_page = c.get("/operater/prijava").text
        before_cookie = c.cookies["szo_session"]
        before_token = csrf(before_page)
        sign_in(c, "ana")
        after_cookie = c.cookies["szo_session"]
        page = c.get("/operater/novo").text
        assert after_cookie != before_cookie
        assert csrf(page) != before_token
        stale = c.post(
            "/operater/poslji",
            data={"csrf": before_token, "kind": "new", "parent": "", "subject": "S",
                  "body": "B", "recipients": ["bojan"]},
        )  # fmt: skip
        assert stale.status_code == 403
        c.post("/operater/odjava", data={"csrf": csrf(page)})
    with client(services) as planted:  # the pre-sign-in cookie of an attacker
        planted.cookies.set("szo_session", before_cookie)
        assert planted.get("/operater/prejeto").status_code == 303
    with client(services) as replay:  # the signed-in cookie, replayed after sign-out
        replay.cookies.set("szo_session", after_cookie)
        assert replay.get("/operater/prejeto").headers["location"] == "/operater/prijava"


def test_an_operator_reaches_nothing_of_another_organisation_by_url_tampering() -> None:
    services, _ = make_services()
    with client(services) as ana:
        sign_in(ana, "ana")
        page = ana.get("/operater/novo").text
        assert "David" not in page  # another organisation's operator is not offered
        ana.post(
            "/operater/poslji",
            data={"csrf": csrf(page), "kind": "new", "parent": "", "subject": "Zaupno",
                  "body": "Samo za dom-lj.", "recipients": ["bojan"]},
        )  # fmt: skip
        sent = ana.get("/operater/poslano").text
        found = re.search(r'href="/operater/sporocilo/(\w+)"', sent)
        assert found is not None
        message_id = found.group(1)
        refused = ana.post(
            "/operater/poslji",
            data={"csrf": csrf(page), "kind": "new", "parent": "", "subject": "S",
                  "body": "B", "recipients": ["david"]},
        )  # fmt: skip
        assert refused.status_code == 422  # not an operator of dom-lj
    with client(services) as david:
        sign_in(david, "david")
        for path in ("", "/odgovor", "/vsem", "/posreduj"):
            response = david.get(f"/operater/sporocilo/{message_id}{path}")
            assert response.status_code == 404, path
            assert "Zaupno" not in response.text
        forged = david.post(
            "/operater/poslji",
            data={"csrf": csrf(david.get("/operater/novo").text), "kind": "forward",
                  "parent": message_id, "subject": "Fw", "body": "", "recipients": []},
        )  # fmt: skip
        assert forged.status_code == 404
        assert "Zaupno" not in david.get("/operater/prejeto").text
        assert "Zaupno" not in david.get("/operater/poslano?org=dom-lj").text
    with client(services) as cvetka:  # same organisation, not a recipient
        sign_in(cvetka, "cvetka")
        assert cvetka.get(f"/operater/sporocilo/{message_id}").status_code == 404


@pytest.mark.parametrize("vector", VECTORS)
def test_xss_in_every_text_field_is_inert(vector: str) -> None:
    services, mail = make_services()
    with client(services) as c:
        # booking: the contact form echoes its fields when refused (a bad e-mail here)
        slots = c.get(f"/termin/center/info?dan={DAY}").text
        url = re.search(r'href="(/termin/center/info/kontakt\?zacetek=[^"]+)"', slots)
        assert url is not None
        contact_url = url.group(1).replace("&amp;", "&")
        token = csrf(c.get(contact_url).text)
        refused = c.post(
            contact_url,
            data={"csrf": token, "name": vector, "email": vector, "phone": vector,
                  "notes": vector},
        )  # fmt: skip
        assert refused.status_code == 422
        assert_inert(refused.text)
        code_page = hold(c, name=vector, notes=vector)
        done = c.post(code_page, data={"csrf": token, "code": code_from(mail, services)})
        confirmed = c.get(done.headers["location"]).text
        assert_inert(confirmed)
        links = {k: v.replace("&amp;", "&") for k, v in
                 re.findall(r'id="link-(\w+)" href="([^"]+)"', confirmed)}  # fmt: skip
        upload = c.post(
            links["files"],
            data={"csrf": token},
            files={"file": (f"{vector}.txt", b"plain text", "text/plain")},
        )
        assert upload.status_code in (303, 422)
        assert_inert(c.get(links["files"]).text)
        survey = c.post(links["survey"], data={"csrf": token, "rating": "5",
                                               "comment": vector})  # fmt: skip
        assert survey.status_code == 422  # before the end: the comment is echoed
        assert_inert(survey.text)
        # operators: subject and body, in every view and in the quote of a reply
        assert_inert(
            c.post(
                "/operater/prijava",
                data={"csrf": token, "username": vector, "password": vector},
            ).text
        )
        sign_in(c, "ana")
        page = c.get("/operater/novo").text
        c.post(
            "/operater/poslji",
            data={"csrf": csrf(page), "kind": "new", "parent": "", "subject": vector,
                  "body": vector, "recipients": ["bojan"]},
        )  # fmt: skip
        assert_inert(c.get("/operater/poslano").text)
        notes = c.get("/operater/zapisi").text
        c.post(
            "/operater/zapisi/novo",
            data={"csrf": csrf(notes), "kind": "observation", "department": vector,
                  "resident": vector, "text": vector},
        )  # fmt: skip
        notes = c.get("/operater/zapisi").text
        assert_inert(notes)
        note = re.search(r'href="(/operater/zapis/\w+/sporocilo)"', notes)
        assert note is not None
        assert_inert(c.get(note.group(1)).text)
        sign_in(c, "bojan")
        inbox = c.get("/operater/prejeto").text
        assert_inert(inbox)
        found = re.search(r'href="/operater/sporocilo/(\w+)"', inbox)
        assert found is not None
        for path in ("", "/odgovor", "/vsem", "/posreduj"):
            assert_inert(c.get(f"/operater/sporocilo/{found.group(1)}{path}").text)
        # citizens: the person id, the address and the number
        signed = c.get("/obvestila/prijava").text
        assert_inert(
            c.post("/obvestila/prijava", data={"csrf": csrf(signed), "person": vector}).text
        )
        c.post("/obvestila/prijava", data={"csrf": csrf(signed), "person": "p-1"})
        saved = c.post(
            "/obvestila/shrani",
            data={"csrf": csrf(c.get("/obvestila").text), "email": vector, "mobile": vector,
                  "channels": ["email", "sms"]},
        )  # fmt: skip
        assert saved.status_code == 422
        assert_inert(saved.text)
        assert_inert(c.get(f"/termin?lang={vector}").text)


def test_the_checker_sees_a_live_vector() -> None:
    with pytest.raises(AssertionError):
        assert_inert("<p><img src=x onerror=alert(1)></p>")
    with pytest.raises(AssertionError):
        assert_inert('<a href=" javascript:alert(1)">x</a>')


def test_password_guessing_is_throttled_even_when_the_guess_is_finally_right() -> None:
    services, _ = make_services()
    with client(services) as c:
        token = csrf(c.get("/operater/prijava").text)
        for _ in range(5):
            wrong = c.post(
                "/operater/prijava",
                data={"csrf": token, "username": "ana", "password": "ugibam-geslo-xx"},
            )
            assert wrong.status_code == 401
        right = {"csrf": token, "username": "ana", "password": "ana-geslo-dolgo-1"}
        throttled = c.post("/operater/prijava", data=right)
        assert throttled.status_code == 429
        assert int(throttled.headers["retry-after"]) > 0
        assert "Preveč poskusov" in throttled.text
        other = c.post(
            "/operater/prijava",
            data={"csrf": token, "username": "bojan", "password": "bojan-geslo-dolgo-2"},
        )
        assert other.status_code == 303  # the limit is per user name (and per address)
        assert isinstance(services.clock, ManualClock)
        services.clock.set(services.clock.now() + timedelta(minutes=15))
        right["csrf"] = csrf(c.get("/operater/prijava").text)  # bojan's new session
        assert c.post("/operater/prijava", data=right).status_code == 303


def test_code_guessing_is_throttled_per_address_across_holds() -> None:
    services, _ = make_services()
    with client(services) as c:
        statuses = []
        for _ in range(3):  # the SDK releases a hold after 5 wrong codes; the app counts on
            code_page = hold(c)
            for _ in range(5):
                page = c.get(code_page)
                if page.status_code != 200:
                    break
                response = c.post(code_page, data={"csrf": csrf(page.text), "code": "000000"})
                statuses.append(response.status_code)
                if response.status_code == 429:
                    break
            if 429 in statuses:
                break
        assert statuses.count(422) == 10
        assert statuses[-1] == 429


def test_logs_and_urls_carry_no_address_number_or_token(caplog: pytest.LogCaptureFixture) -> None:
    services, mail = make_services()
    caplog.set_level(logging.DEBUG)
    with client(services) as c:
        code_page = hold(c)
        done = c.post(
            code_page,
            data={"csrf": csrf(c.get(code_page).text), "code": code_from(mail, services)},
        )
        confirmed = c.get(done.headers["location"])
        token = re.search(r"\?t=([^\"&]+)", confirmed.text)
        assert token is not None
        c.get(f"/termin/files?t={token.group(1)}")
        signed = c.get("/obvestila/prijava").text
        c.post("/obvestila/prijava", data={"csrf": csrf(signed), "person": "p-17"})
        c.post(
            "/obvestila/shrani",
            data={"csrf": csrf(c.get("/obvestila").text), "email": "ana.novak@example.si",
                  "mobile": "041 123 456", "channels": ["email", "sms"]},
        )  # fmt: skip
        pages = [c.get(u).text for u in ("/obvestila", "/termin", done.headers["location"])]
    # the app's own log (the test client's httpx logs its requests' whole URLs)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("szo_core"))
    assert "GET /termin/files 200" in text  # the access log is there, without the query
    for secret in ("ana.novak", "041 123 456", "+38641123456", "p-17", token.group(1)[:20]):
        assert secret not in text, secret
    urls = [u for page in pages for u in re.findall(r'(?:href|action)="([^"]*)"', page)]
    assert urls
    for url in urls:
        assert "ana.novak" not in url
        assert "38641123456" not in url
        assert "p-17" not in url


def test_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    from szo_core.web.app import MAX_BODY

    services, mail = make_services()
    with client(services) as c:
        code_page = hold(c)
        done = c.post(
            code_page,
            data={"csrf": csrf(c.get(code_page).text), "code": code_from(mail, services)},
        )
        page = c.get(done.headers["location"]).text
        files = re.search(r'id="link-files" href="([^"]+)"', page)
        assert files is not None
        url = files.group(1).replace("&amp;", "&")
        token = csrf(c.get(url).text)
        big = c.post(
            url,
            data={"csrf": token},
            files={"file": ("velika.pdf", b"%PDF-1.7\n" + b"0" * MAX_BODY, "application/pdf")},
        )
        assert big.status_code == 413

        def chunks():  # type: ignore[no-untyped-def]
            yield b"csrf=" + token.encode() + b"&file="
            for _ in range(13):
                yield b"0" * (1024 * 1024)

        streamed = c.post(
            url, content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert streamed.status_code == 413
        assert "prevelika" in streamed.text
        assert "velika.pdf" not in c.get(url).text


def test_the_typed_in_person_id_sign_in_is_off_unless_asked_for() -> None:
    """Anyone could act as any person id through the stand-in, so a real deployment lacks it."""
    from szo_core.adapters.memory import ManualClock, MemoryStore
    from szo_core.web.wiring import WebConfig, build

    from ._app import CHEAP, NOW, client

    config = WebConfig(secret_key=b"t" * 32, mail_folder=None)
    assert config.demo_sign_in is False
    services = build(config, store=MemoryStore(), clock=ManualClock(NOW), hasher=CHEAP)
    with client(services) as c:
        assert c.get("/obvestila/prijava").status_code == 404
        assert c.post("/obvestila/prijava", data={"person": "p-1"}).status_code in (403, 404)
        assert c.get("/obvestila").status_code in (303, 307, 404)
        assert "p-1" not in c.get("/obvestila", follow_redirects=True).text
