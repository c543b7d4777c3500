"""The three screens in a real headless Chromium, as a person uses them (no JavaScript).

* a citizen books an appointment with the code read from the ``.eml`` folder,
  exchanges a file, moves the appointment and answers the survey;
* one operator sends a message, another reads it (a bold row), replies to all
  and forwards it, and the third sees both;
* a citizen sets their notifications, confirms the address with the e-mailed
  code and sees the consent history.

Each step takes a screenshot (``docs/img/web-*.png`` come from here).
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.web._app import DAY, PASSWORDS
from tests.web.conftest import Served

from szo_core.adapters.memory import ManualClock


def _by(kind: str) -> Any:
    from selenium.webdriver.common.by import By

    return {"id": By.ID, "css": By.CSS_SELECTOR, "link": By.LINK_TEXT, "xpath": By.XPATH}[kind]


def _find(browser: Any, css: str) -> Any:
    return browser.find_element(_by("css"), css)


def _shot(browser: Any, served: Served, name: str) -> None:
    path = served.shots / f"web-{name}.png"
    assert browser.save_screenshot(str(path)), name
    assert path.stat().st_size > 1000


def _mail(
    folder: Path, subject: str, seen: set[Path], timeout: float = 15
) -> email.message.EmailMessage:
    """The first new ``.eml`` whose subject starts with ``subject`` (the dispatcher writes it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.eml")) if folder.exists() else ():
            if path in seen:
                continue
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if str(message["subject"]).startswith(subject):
                seen.add(path)
                assert isinstance(message, email.message.EmailMessage)
                return message
        time.sleep(0.1)
    raise AssertionError(f"no e-mail {subject!r} in {folder}")


def _text(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _go(browser: Any, element: Any, *, submit: bool = False) -> None:
    """Click ``element`` (or submit its form) and wait until the next page has loaded.

    ``element`` may be a function that finds it: it is found again when Chromium
    reports the node gone (a page still settling on a loaded machine).
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    for attempt in range(3):
        page = browser.find_element(_by("css"), "html")
        found = element() if callable(element) else element
        try:
            found.submit() if submit else found.click()
        except (StaleElementReferenceException, WebDriverException):
            if attempt == 2 or not callable(element):
                raise
            time.sleep(0.2)
            continue
        WebDriverWait(browser, 20).until(expected_conditions.staleness_of(page))
        WebDriverWait(browser, 20).until(
            expected_conditions.presence_of_element_located((_by("css"), "main h1"))
        )
        return


def _open(browser: Any, url: str) -> None:
    """Load ``url`` and wait until its heading is there."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((_by("css"), "main h1"))
    )


def _fill(browser: Any, css: str, value: str) -> None:
    field = _find(browser, css)
    field.clear()
    field.send_keys(value)


def test_a_citizen_books_with_the_emailed_code_exchanges_a_file_and_answers_the_survey(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    seen: set[Path] = set()
    browser.delete_all_cookies()
    _open(browser, f"{served.url}/termin")
    _go(browser, lambda: browser.find_element(_by("link"), "UE Ljubljana, Center"))
    _go(browser, lambda: browser.find_element(_by("link"), "Splošne informacije"))
    _open(browser, f"{browser.current_url.split('?')[0]}?dan={DAY}")
    assert "Prosti termini" in browser.page_source
    _shot(browser, served, "booking-slots")
    _go(browser, lambda: browser.find_element(_by("link"), "09.00"))
    _fill(browser, "#name", "Ana Novak")
    _fill(browser, "#email", "ana.novak@example.si")
    _fill(browser, "#phone", "041 123 456")
    _fill(browser, "#notes", "Potrebujem potrdilo.")
    _go(browser, lambda: _find(browser, "form button[type=submit]"))
    assert "/termin/koda/" in browser.current_url
    code = str(_mail(served.mail, "Koda za potrditev termina", seen)["subject"]).rsplit(" ", 1)[1]
    assert re.fullmatch(r"\d{6}", code)
    _fill(browser, "#code", code)
    _shot(browser, served, "booking-code")
    _go(browser, lambda: _find(browser, "#code"), submit=True)
    assert _find(browser, "#when").text == "ponedeljek, 7. decembra 2026, 9.00–9.30"
    _shot(browser, served, "booking-confirmed")
    confirmed_url = browser.current_url
    confirmation = _mail(served.mail, "Potrjen termin", seen)
    assert "9.00" in str(confirmation["subject"])

    _go(browser, lambda: _find(browser, "#link-files"))
    document = tmp_path / "vloga.pdf"
    document.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    _find(browser, "#file").send_keys(str(document))
    _go(browser, lambda: _find(browser, "#file"), submit=True)
    assert browser.find_element(_by("link"), "vloga.pdf")
    _shot(browser, served, "booking-files")
    files_url = browser.current_url

    _open(browser, confirmed_url)
    _open(browser, f"{_find(browser, '#link-reschedule').get_attribute('href')}&dan={DAY}")
    _go(browser, lambda: browser.find_element(_by("xpath"), "//button[normalize-space()='10.00']"))
    assert "Termin je prestavljen." in _find(browser, "#done").text
    assert "10.00–10.30" in _find(browser, "#done").text
    _mail(served.mail, "Potrjen termin", seen)  # the moved one's confirmation

    clock = served.services.clock
    assert isinstance(clock, ManualClock)
    clock.set(clock.now() + timedelta(hours=4))
    _open(browser, confirmed_url)
    _go(browser, lambda: _find(browser, "#link-survey"))
    _find(browser, "#rating-5").click()
    _fill(browser, "#comment", "Hitro in prijazno.")
    _shot(browser, served, "booking-survey")
    _go(browser, lambda: _find(browser, "#comment"), submit=True)
    assert _find(browser, "#done").text == "Hvala za odgovor."

    # The official closes the appointment: the files are deleted and the page says so.
    served.services.desk.close(
        served.services.config.booking_organisation, confirmed_url.rsplit("/", 1)[1]
    )
    _open(browser, files_url)
    assert browser.find_elements(_by("link"), "vloga.pdf") == []
    assert "zaključen" in _find(browser, "#problem").text


def _sign_in(browser: Any, served: Served, username: str) -> None:
    browser.delete_all_cookies()
    _open(browser, f"{served.url}/operater/prijava")
    _fill(browser, "#username", username)
    _fill(browser, "#password", PASSWORDS[username])
    _go(browser, lambda: _find(browser, "#password"), submit=True)
    assert browser.current_url.endswith("/operater/prejeto"), browser.find_elements(
        _by("css"), "#problem"
    )[0].text


def _compose(browser: Any, to: list[str], subject: str | None, body: str) -> None:
    for box in browser.find_elements(_by("css"), "input[name=recipients]"):
        if box.is_selected() != (box.get_attribute("value") in to):
            box.click()
    if subject is not None:
        _fill(browser, "#subject", subject)
    _fill(browser, "#body", body)


def test_one_operator_sends_another_reads_replies_to_all_and_forwards(
    served: Served, browser: Any
) -> None:
    _sign_in(browser, served, "ana")
    _go(browser, lambda: _find(browser, "#compose"))
    _compose(
        browser, ["bojan", "cvetka"], "Obisk svojcev v soboto", "<p>Obisk bo ob <b>10.00</b>.</p>"
    )
    _shot(browser, served, "operator-compose")
    _go(browser, lambda: _find(browser, "#send"))
    assert "Sporočilo je poslano." in _find(browser, "#flash").text

    _sign_in(browser, served, "bojan")
    notice = _find(browser, "#login-notice").text
    assert notice.startswith("Čaka vas 1 neprebrano sporočilo")
    row = _find(browser, "tr.unread td")
    assert row.value_of_css_property("font-weight") == "700"
    _shot(browser, served, "operator-inbox")
    _go(browser, lambda: browser.find_element(_by("link"), "Obisk svojcev v soboto"))
    assert _find(browser, "#body b").text == "10.00"
    _go(browser, lambda: _find(browser, "#reply-all"))
    assert _find(browser, "#to-ana").is_selected()
    assert _find(browser, "#to-cvetka").is_selected()
    _compose(browser, ["ana", "cvetka"], None, "Bom tam.")
    _go(browser, lambda: _find(browser, "#send"))
    _open(browser, f"{served.url}/operater/prejeto")
    assert browser.find_elements(_by("css"), "tr.unread") == []
    _go(browser, lambda: browser.find_element(_by("link"), "Obisk svojcev v soboto"))
    _go(browser, lambda: _find(browser, "#forward"))
    assert not _find(browser, "#to-cvetka").is_selected()
    _compose(browser, ["cvetka"], None, "V vednost.")
    _go(browser, lambda: _find(browser, "#send"))

    _sign_in(browser, served, "cvetka")
    subjects = [a.text for a in browser.find_elements(_by("css"), "tr.unread a")]
    assert sorted(subjects) == [
        "Obisk svojcev v soboto",
        "Odg: Obisk svojcev v soboto",
        "Posr: Obisk svojcev v soboto",
    ]
    _sign_in(browser, served, "ana")
    assert len(browser.find_elements(_by("css"), "tr.unread")) == 1  # Bojan's reply to all


def test_a_citizen_sets_notifications_and_confirms_the_address(
    served: Served, browser: Any
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    seen: set[Path] = set()
    browser.delete_all_cookies()
    _open(browser, f"{served.url}/obvestila")
    # the keyboard only: Tab until the field has the focus, type, Enter
    for _ in range(12):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.switch_to.active_element.get_attribute("id") == "person":
            break
    assert browser.switch_to.active_element.get_attribute("id") == "person"
    page = _find(browser, "html")
    ActionChains(browser).send_keys("p-17", Keys.ENTER).perform()
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(page))
    WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((_by("css"), "#email"))
    )
    _fill(browser, "#email", "ana.novak@example.si")
    _find(browser, "#channel-email").click()
    _go(browser, lambda: _find(browser, "#save"))
    assert "Nastavitve so shranjene." in _find(browser, "#flash").text
    message = _mail(served.mail, "Potrdite naslov", seen)
    code = re.search(r"\b(\d{6})\b", _text(message))
    assert code is not None
    _fill(browser, "#code-email", code.group(1))
    _go(browser, lambda: _find(browser, "#confirm-email"))
    assert _find(browser, "#flash").text == "Potrjeno."
    _find(browser, "#pref-key").click()
    _go(browser, lambda: _find(browser, "#save"))
    cells = [
        r.find_elements(_by("css"), "td")[1].text
        for r in browser.find_elements(_by("css"), "#history tbody tr")
    ]
    assert cells == ["izbira dogodkov", "potrjen e-naslov", "prijava na obveščanje"]
    _shot(browser, served, "notify-settings")
    browser.set_window_size(390, 844)
    _open(browser, f"{served.url}/termin/center/info?dan={DAY}")
    _shot(browser, served, "phone-slots")
    browser.set_window_size(1100, 900)
