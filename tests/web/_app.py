"""Helpers of the web tests: an app on a memory store with a manual clock, forms, codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from starlette.testclient import TestClient

from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemoryStore
from szo_core.web.accounts import PasswordHasher
from szo_core.web.app import create_app
from szo_core.web.demo import seed
from szo_core.web.wiring import Services, WebConfig, build

# Monday 7 December 2026, 8.00 in Ljubljana.
NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
DAY = "2026-12-07"
PASSWORDS = {
    "ana": "ana-geslo-dolgo-1",
    "bojan": "bojan-geslo-dolgo-2",
    "cvetka": "cvetka-geslo-dolgo-3",
    "david": "david-geslo-dolgo-4",
}
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_services(*, https: bool = False) -> tuple[Services, MemoryMailSender]:
    """Services on a fresh memory store, seeded, with a mail sender that keeps the mails."""
    mail = MemoryMailSender()
    services = build(
        WebConfig(secret_key=b"t" * 32, mail_folder=None, https=https, demo_sign_in=True),
        store=MemoryStore(),
        clock=ManualClock(NOW),
        mail=mail,
        hasher=CHEAP,
    )
    seed(services, PASSWORDS)
    return services, mail


@contextmanager
def client(services: Services, *, https: bool = False) -> Iterator[TestClient]:
    """A test client of the app over ``services`` (the dispatcher's loop runs too)."""
    base = "https://testserver" if https else "http://testserver"
    with TestClient(create_app(services), base_url=base, follow_redirects=False) as c:
        yield c


def csrf(html: str) -> str:
    """The CSRF token of the first form on the page."""
    found = _CSRF.search(html)
    assert found is not None, "no form with a CSRF token"
    return found.group(1)


def sign_in(c: TestClient, username: str, password: str | None = None) -> None:
    """Sign ``username`` in (the demo password unless given)."""
    token = csrf(c.get("/operater/prijava").text)
    response = c.post(
        "/operater/prijava",
        data={"csrf": token, "username": username, "password": password or PASSWORDS[username]},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/operater/prejeto"


def code_from(mail: MemoryMailSender, services: Services) -> str:
    """The latest booking code e-mailed (after sending what the outbox holds)."""
    services.dispatch()
    subjects = [m.subject for m in mail.sent if m.subject.startswith("Koda za potrditev")]
    assert subjects, "no code e-mail"
    return subjects[-1].rsplit(" ", 1)[1]


def hold(c: TestClient, *, name: str = "Ana Novak", notes: str = "") -> str:
    """Reserve the first free slot of the day at the centre; the hold's code page path."""
    page = c.get(f"/termin/center/info?dan={DAY}").text
    found = re.search(r'href="(/termin/center/info/kontakt\?zacetek=[^"]+)"', page)
    assert found is not None, "no free slot"
    url = found.group(1).replace("&amp;", "&")
    form = c.get(url).text
    response = c.post(
        url,
        data={
            "csrf": csrf(form),
            "name": name,
            "email": "ana.novak@example.si",
            "phone": "041 123 456",
            "notes": notes,
        },
    )
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location
