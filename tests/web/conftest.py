"""Fixtures of the browser tests: the app served by uvicorn in a thread, one headless Chromium.

The server runs in-process on 127.0.0.1 with a random port, on a SQLite file
and an ``.eml`` folder (the embedded default), with a manual clock (a Monday
morning).  The browser is Debian's ``chromium`` driven through its
``chromedriver`` by Selenium: nothing is downloaded.  Without them the tests
fail under ``CI=true`` with what to install, and are skipped elsewhere.
Screenshots go to ``SZO_WEB_SCREENSHOTS`` (``docs/img`` to refresh the docs'
pictures) or to a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from tests.web._app import CHEAP, NOW, PASSWORDS

from szo_core.adapters.memory import ManualClock
from szo_core.web.app import create_app
from szo_core.web.demo import seed
from szo_core.web.wiring import Services, WebConfig, build

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@attrs.frozen
class Served:
    """The running app: its address, its SDK objects and its folders."""

    url: str
    services: Services
    mail: Path
    shots: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    import uvicorn

    folder = tmp_path_factory.mktemp("web")
    services = build(
        WebConfig(
            secret_key=b"b" * 32,
            database=str(folder / "web.sqlite"),
            mail_folder=folder / "mail",
            demo_sign_in=True,
        ),
        clock=ManualClock(NOW),
        hasher=CHEAP,
    )
    seed(services, PASSWORDS)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(services, dispatch_interval=0.2),
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    shots = Path(os.environ.get("SZO_WEB_SCREENSHOTS") or folder / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield Served(f"http://127.0.0.1:{port}", services, folder / "mail", shots)
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()
        services.close()


def chromium_binaries() -> tuple[str, str]:
    """Debian's chromium and chromedriver; a failure under ``CI=true``, a skip elsewhere."""
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        message = (
            "the browser tests need Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver; .ci/run installs them)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return chromium, driver


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = chromium_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=1100,900")
    options.add_argument("--lang=sl")
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(30)
    try:
        yield chrome
    finally:
        chrome.quit()
