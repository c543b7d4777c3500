"""The citizen's notification settings over HTTP: subscribe, confirm, change, the history."""

from __future__ import annotations

import re

from tests.web._app import client, csrf, make_services


def _sign_in(c, person: str) -> None:  # type: ignore[no-untyped-def]
    page = c.get("/obvestila/prijava").text
    response = c.post("/obvestila/prijava", data={"csrf": csrf(page), "person": person})
    assert response.status_code == 303


def test_subscribe_confirm_by_the_emailed_code_change_and_see_the_history() -> None:
    services, mail = make_services()
    with client(services) as c:
        assert c.get("/obvestila").headers["location"] == "/obvestila/prijava"
        _sign_in(c, "p-17")
        page = c.get("/obvestila").text
        saved = c.post(
            "/obvestila/shrani",
            data={
                "csrf": csrf(page),
                "email": "Ana.Novak@Example.SI",
                "channels": ["email"],
                "preference": "all",
            },
        )
        assert saved.status_code == 303
        page = c.get("/obvestila").text
        assert "Ana.Novak@example.si" in page
        assert "ni potrjeno" in page
        services.dispatch()
        [message] = [m for m in mail.sent if "Ana.Novak@example.si" in m.to]
        code = re.search(r"\b(\d{6})\b", message.text)
        assert code is not None
        wrong = c.post(
            "/obvestila/potrdi", data={"csrf": csrf(page), "channel": "email", "code": "000000"}
        )
        assert "Koda ni prava." in c.get(wrong.headers["location"]).text
        right = c.post(
            "/obvestila/potrdi",
            data={"csrf": csrf(page), "channel": "email", "code": code.group(1)},
        )
        assert "Potrjeno." in c.get(right.headers["location"]).text
        page = c.get("/obvestila").text
        changed = c.post(
            "/obvestila/shrani",
            data={
                "csrf": csrf(page),
                "email": "Ana.Novak@example.si",
                "channels": ["email"],
                "preference": "key_only",
            },
        )
        assert changed.status_code == 303
        page = c.get("/obvestila").text
        assert 'id="pref-key" checked' in page
        history = page.split('id="history"')[1]
        whats = re.findall(r"<tr><td>[^<]*</td><td>([^<]+)</td>", history)
        assert whats == ["izbira dogodkov", "potrjen e-naslov", "prijava na obveščanje"]
        assert "citizen:p-17" in history


def test_a_bad_address_is_refused_without_echoing_it_in_the_message() -> None:
    services, _ = make_services()
    with client(services) as c:
        _sign_in(c, "p-18")
        page = c.get("/obvestila").text
        refused = c.post(
            "/obvestila/shrani",
            data={"csrf": csrf(page), "email": "ni-naslov", "channels": ["email"]},
        )
        assert refused.status_code == 422
        problem = re.search(r'id="problem">([^<]*)<', refused.text)
        assert problem is not None
        assert "ni-naslov" not in problem.group(1)


def _links(message_text: str) -> dict[str, str]:
    found = re.findall(r"https://localhost:8000(/obvestila/(\w+)\?t=[^\s>\"]+)", message_text)
    return {kind: path for path, kind in found}


def test_the_emailed_confirmation_link_asks_then_confirms() -> None:
    services, mail = make_services()
    with client(services) as c:
        _sign_in(c, "p-21")
        c.post(
            "/obvestila/shrani",
            data={"csrf": csrf(c.get("/obvestila").text), "email": "a@example.si",
                  "channels": ["email"]},
        )  # fmt: skip
        services.dispatch()
        [message] = [m for m in mail.sent if "a@example.si" in m.to]
        link = _links(message.text)["potrditev"]
    with client(services) as other:  # the mail client: no session
        asked = other.get(link)
        assert asked.status_code == 200
        assert 'id="go"' in asked.text  # opening the link changes nothing
        assert other.post(link, data={}).status_code == 403
        done = other.post(link, data={"csrf": csrf(asked.text)})
        assert "Potrjeno." in done.text
    with client(services) as c:
        _sign_in(c, "p-21")
        assert "(potrjeno)" in c.get("/obvestila").text
        assert other.get(link[:-3] + "abc").status_code == 404


def test_the_unsubscribe_link_by_form_and_by_one_click() -> None:
    from szo_core.notify.records import Channel

    services, _ = make_services()
    with client(services) as c:
        _sign_in(c, "p-22")
        c.post(
            "/obvestila/shrani",
            data={"csrf": csrf(c.get("/obvestila").text), "email": "b@example.si",
                  "channels": ["email"]},
        )  # fmt: skip
        with services.store.unit_of_work() as uow:
            [subscription] = uow.notify.subscriptions_of("obcina-lj", "p-22")
        url = services.notifications.unsubscribe_url(subscription, Channel.EMAIL)
        link = url.split("https://localhost:8000", 1)[1]
        asked = c.get(link)
        assert "Ali res ne želite" in asked.text
        with services.store.unit_of_work() as uow:
            assert uow.notify.subscription("obcina-lj", subscription.id).active
        one_click = c.post(link, data={"List-Unsubscribe": "One-Click"})
        assert "Odjavljeni ste od obvestil." in one_click.text
        history = c.get("/obvestila").text.split('id="history"')[1]
        assert "odjava" in history
        assert "povezava v sporočilu" in history
        assert (
            c.post(link.replace("t=", "t=x"), data={"List-Unsubscribe": "One-Click"}).status_code
            == 404
        )
