"""Every page: a language, one heading, a label for every field, a skip link first; no script."""

from __future__ import annotations

import re

import html5lib
import pytest
from tests.web._app import DAY, client, code_from, csrf, hold, make_services, sign_in


def _problems(page: str) -> list[str]:
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    if document.get("lang") not in ("sl", "en"):
        found.append("html lang")
    labels = {label.get("for") for label in document.iter("label")}
    wrapped = {
        id(control)
        for label in document.iter("label")
        for control in label.iter()
        if control.tag in ("input", "textarea", "select")
    }
    for control in document.iter():
        if control.tag not in ("input", "textarea", "select"):
            continue
        if control.get("type") in ("hidden", "submit"):
            continue
        if control.get("id") not in labels and id(control) not in wrapped:
            found.append(f"no label: {control.tag} {control.get('name')}")
    if len(list(document.iter("h1"))) != 1:
        found.append("not one h1")
    links = list(document.iter("a"))
    if not links or links[0].get("class") != "skip" or links[0].get("href") != "#main":
        found.append("the skip link is not first")
    if list(document.iter("script")):
        found.append("script")
    for button in document.iter("button"):
        if not "".join(button.itertext()).strip():
            found.append("a button without text")
    return found


@pytest.mark.parametrize("lang", ["sl", "en"])
def test_every_page_is_labelled_and_keyboard_ready(lang: str) -> None:
    services, mail = make_services()
    with client(services) as c:
        c.get(f"/?lang={lang}")
        pages = [c.get(p).text for p in ("/", "/termin", "/termin/center")]
        pages.append(c.get(f"/termin/center/info?dan={DAY}").text)
        slots = pages[-1]
        url = re.search(r'href="(/termin/center/info/kontakt\?zacetek=[^"]+)"', slots)
        assert url is not None
        pages.append(c.get(url.group(1).replace("&amp;", "&")).text)
        code_page = hold(c)
        pages.append(c.get(code_page).text)
        done = c.post(code_page, data={"csrf": csrf(pages[-1]), "code": code_from(mail, services)})
        confirmed = c.get(done.headers["location"]).text
        pages.append(confirmed)
        for link in re.findall(r'id="link-\w+" href="([^"]+)"', confirmed):
            pages.append(c.get(link.replace("&amp;", "&") + f"&dan={DAY}").text)
        pages.append(c.get("/operater/prijava").text)
        sign_in(c, "ana")
        pages += [c.get(p).text for p in ("/operater/prejeto", "/operater/poslano")]
        pages += [c.get(p).text for p in ("/operater/novo", "/operater/zapisi")]
        pages.append(c.get("/obvestila/prijava").text)
        c.post("/obvestila/prijava", data={"csrf": csrf(pages[-1]), "person": "p-1"})
        pages.append(c.get("/obvestila").text)
        pages.append(c.get("/nic-takega").text)
    assert len(pages) == 19
    for page in pages:
        assert _problems(page) == [], page[:400]


def test_the_checker_finds_an_unlabelled_field() -> None:
    page = (
        '<html lang="sl"><body><a class="skip" href="#main">x</a><h1>T</h1>'
        '<input name="q"></body></html>'
    )
    assert _problems(page) == ["no label: input q"]
