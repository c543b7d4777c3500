"""Operators over HTTP: sign-in with the notice, inbox in bold, sent, reply to all, forward."""

from __future__ import annotations

import re

from tests.web._app import client, csrf, make_services, sign_in


def _send(c, to: list[str], subject: str, body: str, path: str = "/operater/novo") -> None:  # type: ignore[no-untyped-def]
    page = c.get(path).text
    kind = re.search(r'name="kind" value="(\w+)"', page)
    parent = re.search(r'name="parent" value="(\w*)"', page)
    assert kind is not None
    assert parent is not None
    response = c.post(
        "/operater/poslji",
        data={
            "csrf": csrf(page),
            "kind": kind.group(1),
            "parent": parent.group(1),
            "subject": subject,
            "body": body,
            "recipients": to,
        },
    )
    assert response.status_code == 303, response.text


def test_send_read_reply_all_and_forward_between_operators() -> None:
    services, _ = make_services()
    with client(services) as ana:
        sign_in(ana, "ana")
        _send(ana, ["bojan", "cvetka"], "Kosilo jutri", "<p>Kosilo bo ob <b>12.00</b>.</p>")
        sent = ana.get("/operater/poslano").text
        assert "Kosilo jutri" in sent
        assert "Bojan Kos, Cvetka Zupan" in sent
    with client(services) as bojan:
        sign_in(bojan, "bojan")
        inbox = bojan.get("/operater/prejeto")
        assert 'id="login-notice"' in inbox.text
        assert "1 neprebrano sporočilo" in inbox.text
        row = re.search(r'<tr class="(\w+)">\s*<td>Ana Novak</td>', inbox.text)
        assert row is not None
        assert row.group(1) == "unread"
        link = re.search(r'href="/operater/sporocilo/(\w+)"', inbox.text)
        assert link is not None
        message_id = link.group(1)
        opened = bojan.get(f"/operater/sporocilo/{message_id}").text
        assert "<b>12.00</b>" in opened
        again = bojan.get("/operater/prejeto").text
        assert re.search(r'<tr class="read">\s*<td>Ana Novak</td>', again)
        assert "login-notice" not in again  # once, at sign-in

        reply_all = bojan.get(f"/operater/sporocilo/{message_id}/vsem").text
        assert 'id="to-ana" checked' in reply_all
        assert 'id="to-cvetka" checked' in reply_all
        _send(
            bojan,
            ["ana", "cvetka"],
            "Re: Kosilo jutri",
            "Velja.",
            f"/operater/sporocilo/{message_id}/vsem",
        )
        forward = bojan.get(f"/operater/sporocilo/{message_id}/posreduj").text
        assert "checked" not in forward.split("<legend>")[1].split("</fieldset>")[0]
        _send(
            bojan,
            ["cvetka"],
            "Fw: Kosilo jutri",
            "V vednost.",
            f"/operater/sporocilo/{message_id}/posreduj",
        )
    with client(services) as cvetka:
        sign_in(cvetka, "cvetka")
        inbox = cvetka.get("/operater/prejeto").text
        assert "3 neprebrana sporočila" in inbox
        assert inbox.count('<tr class="unread">') == 3
        assert "Re: Kosilo jutri" in inbox
        assert "Fw: Kosilo jutri" in inbox


def test_a_message_to_nobody_is_refused_and_nothing_is_sent() -> None:
    services, _ = make_services()
    with client(services) as ana:
        sign_in(ana, "ana")
        page = ana.get("/operater/novo").text
        response = ana.post(
            "/operater/poslji",
            data={"csrf": csrf(page), "kind": "new", "parent": "", "subject": "S", "body": "B"},
        )
        assert response.status_code == 422
        assert 'id="problem"' in response.text
        assert "Ni sporočil." in ana.get("/operater/poslano").text


def test_wrong_password_and_signed_out_pages() -> None:
    services, _ = make_services()
    with client(services) as c:
        assert c.get("/operater/prejeto").headers["location"] == "/operater/prijava"
        page = c.get("/operater/prijava").text
        wrong = c.post(
            "/operater/prijava",
            data={"csrf": csrf(page), "username": "ana", "password": "napačno-geslo-123"},
        )
        assert wrong.status_code == 401
        assert "Uporabniško ime ali geslo ni pravo." in wrong.text
        unknown = c.post(
            "/operater/prijava",
            data={"csrf": csrf(page), "username": "nihče", "password": "napačno-geslo-123"},
        )
        assert unknown.status_code == 401
        assert "Uporabniško ime ali geslo ni pravo." in unknown.text


def test_a_message_from_an_observation_goes_to_the_confirmed_staff_only() -> None:
    services, _ = make_services()
    with client(services) as ana:
        sign_in(ana, "ana")
        page = ana.get("/operater/zapisi").text
        written = ana.post(
            "/operater/zapisi/novo",
            data={
                "csrf": csrf(page),
                "kind": "observation",
                "department": "A",
                "resident": "Gospa Kovač",
                "text": "Slabo je spala <b>noč</b>.",
            },
        )
        assert written.status_code == 303
        notes = ana.get("/operater/zapisi").text
        assert "Slabo je spala &lt;b&gt;noč&lt;/b&gt;." in notes
        link = re.search(r'href="(/operater/zapis/(\w+)/sporocilo)"', notes)
        assert link is not None
        draft = ana.get(link.group(1)).text
        assert 'id="to-bojan"' in draft
        assert 'id="to-bojan" checked' not in draft
        assert "(predlagano)" in draft  # Bojan works in department A: suggested, not ticked
        assert "Gospa Kovač" in draft
        _send(ana, ["bojan"], "Opažanje", "Prosim, preverite.", link.group(1))
    with client(services) as bojan:
        sign_in(bojan, "bojan")
        inbox = bojan.get("/operater/prejeto").text
        assert "Opažanje" in inbox
    with client(services) as cvetka:
        sign_in(cvetka, "cvetka")
        assert "Opažanje" not in cvetka.get("/operater/prejeto").text
