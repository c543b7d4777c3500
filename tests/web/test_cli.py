"""``szo serve``: its options, the secret key file, refusals."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from szo_core.cli import main
from szo_core.cli.serve import KEY_FILE, _secret


def test_serve_is_a_command_with_the_documented_options() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--mail", "--smtp", "--host", "--port", "--public-url", "--https"):
        assert option in result.output


def test_the_key_file_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    db = str(tmp_path / "szo-demo.sqlite")
    first = _secret(db, "en")
    again = _secret(db, "en")
    assert first == again
    assert len(first) == 32
    mode = stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode)
    assert mode == 0o600


def test_a_short_secret_and_postgres_without_one_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SZO_WEB_SECRET", "short")
    result = CliRunner().invoke(main, ["serve", "--lang", "en"])
    assert result.exit_code == 2
    assert "at least 32 bytes" in result.output
    monkeypatch.delenv("SZO_WEB_SECRET")
    result = CliRunner().invoke(main, ["serve", "--db", "postgresql://x@127.0.0.1/db"])
    assert result.exit_code == 2
    assert "SZO_WEB_SECRET" in result.output


def test_without_chromium_the_browser_tests_fail_in_ci_and_skip_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.web import conftest

    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium-driver"):
        conftest.chromium_binaries()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="chromium-driver"):
        conftest.chromium_binaries()


def test_szo_serve_serves_the_demo_database_and_logs_no_query(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "szo-demo.sqlite"
    command = [sys.executable, "-m", "szo_core", "serve", "--db", str(db), "--port", str(port),
               "--mail", str(tmp_path / "mail")]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "SZO_WEB_SECRET"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        page = httpx.get(f"http://127.0.0.1:{port}/termin/cancel?t=secret-token", timeout=5)
        assert page.status_code == 404
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert "Nov račun: ana / " in output
    assert "GET /health 200" in output
    assert "GET /termin/cancel 404" in output
    assert "secret-token" not in output
    assert db.is_file()
    assert (tmp_path / "szo-web.key").is_file()
