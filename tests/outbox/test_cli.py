"""``szo outbox status`` and ``szo outbox run`` on a SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.outbox._messages import T0, email, sms

from szo_core.adapters.sql import SqlStore
from szo_core.cli import main


def _database(path: Path) -> SqlStore:
    store = SqlStore.open(path)
    with store.unit_of_work() as uow:
        for message in (email(1), email(2), email(3), sms(4)):
            uow.outbox.enqueue(message)
        uow.commit()
    with store.unit_of_work() as uow:
        claimed = {
            m.key.event: m for m in uow.outbox.claim(T0, limit=10, lease=timedelta(minutes=5))
        }
        uow.outbox.mark_sent(claimed["invoice:2026-09:1"], now=T0)
        uow.outbox.mark_permanent(
            claimed["invoice:2026-09:2"], now=T0, code="smtp.550", detail="550 5.1.1 no such user"
        )
        uow.outbox.give_up(
            claimed["booking:4"], now=T0, code="sms.http.503", detail="given up after 9 attempts"
        )
        uow.commit()
    return store


def test_status_counts_and_lists_failures_without_addresses(tmp_path: Path) -> None:
    db = tmp_path / "szo.sqlite"
    _database(db).dispose()
    result = CliRunner().invoke(main, ["outbox", "status", "--db", str(db), "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Outbox: queued 0, sending 1, sent 1, failed 1, given up 1"
    assert lines[1] == "Failed and given-up messages:"
    assert (
        f"failed  vrtec  {email(2).id}  invoice:2026-09:2  email  attempts: 1  "
        "smtp.550 550 5.1.1 no such user" in lines[2]
    )
    assert (
        f"given up  vrtec  {sms(4).id}  booking:4  sms  attempts: 1  "
        "sms.http.503 given up after 9 attempts" in lines[3]
    )
    assert "@example.si" not in result.output
    assert "+3864112" not in result.output


def test_status_in_slovenian_for_one_organisation(tmp_path: Path) -> None:
    db = tmp_path / "szo.sqlite"
    _database(db).dispose()
    result = CliRunner().invoke(main, ["outbox", "status", "--db", str(db), "--org", "sola"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Izhodna vrsta (sola): v vrsti 0, v pošiljanju 0, poslano 0, neuspešno 0, opuščeno 0\n"
    )


def test_status_of_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["outbox", "status", "--db", str(tmp_path / "none.sqlite"), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "No such database" in result.output


def test_run_once_into_a_folder_then_nothing_more(tmp_path: Path) -> None:
    from szo_core.adapters.clock import SystemClock

    db, out = tmp_path / "szo.sqlite", tmp_path / "poslano"
    store = SqlStore.open(db)
    now = SystemClock().now()
    with store.unit_of_work() as uow:
        for message in (email(1, at=now), email(2, at=now), sms(3, at=now)):
            uow.outbox.enqueue(message)
        uow.commit()
    store.dispose()
    args = ["outbox", "run", "--db", str(db), "--out", str(out), "--once", "--lang", "en"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.output.strip() == (f"Sent 3, retrying later 0, failed 0, given up 0 ({out}).")
    emls = sorted(out.glob("*.eml"))
    assert len(emls) == 2
    assert {email(1).message_id, email(2).message_id} == {
        next(
            line.split(":", 1)[1].strip()
            for line in p.read_text().splitlines()
            if line.lower().startswith("message-id:")
        )
        for p in emls
    }
    assert len((out / "sms.jsonl").read_text().splitlines()) == 1
    again = CliRunner().invoke(main, args)
    assert again.output.strip().startswith("Sent 0,")
    assert len(list(out.glob("*.eml"))) == 2
    status = CliRunner().invoke(main, ["outbox", "status", "--db", str(db), "--lang", "en"])
    assert status.output.startswith("Outbox: queued 0, sending 0, sent 3,")


def test_run_once_over_smtp(tmp_path: Path) -> None:
    import email as email_lib
    import socket
    from typing import Any

    from aiosmtpd.controller import Controller

    from szo_core.adapters.clock import SystemClock

    received: list[str] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(
                str(email_lib.message_from_bytes(envelope.original_content)["Message-ID"])
            )
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        db = tmp_path / "szo.sqlite"
        store = SqlStore.open(db)
        with store.unit_of_work() as uow:
            uow.outbox.enqueue(email(1, at=SystemClock().now()))
            uow.commit()
        store.dispose()
        result = CliRunner().invoke(
            main,
            [
                "outbox",
                "run",
                "--db",
                str(db),
                "--out",
                str(tmp_path / "out"),
                "--once",
                "--smtp-host",
                "127.0.0.1",
                "--smtp-port",
                str(port),
                "--smtp-security",
                "none",
            ],
        )
        assert result.exit_code == 0, result.output
        assert result.output.strip() == (
            "Poslano 1, ponovno kasneje 0, neuspešno 0, opuščeno 0 (SMTP 127.0.0.1)."
        )
        assert received == [email(1).message_id]
    finally:
        controller.stop()


def test_run_with_a_password_but_no_user_is_a_usage_error(
    tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SZO_SMTP_PASSWORD", "skrivno-geslo")
    db = tmp_path / "szo.sqlite"
    SqlStore.open(db).dispose()
    result = CliRunner().invoke(
        main, ["outbox", "run", "--db", str(db), "--once", "--smtp-host", "x", "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "skrivno" not in result.output


def test_run_until_sigterm(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from szo_core.adapters.clock import SystemClock

    db, out = tmp_path / "szo.sqlite", tmp_path / "out"
    store = SqlStore.open(db)
    with store.unit_of_work() as uow:
        uow.outbox.enqueue(email(1, at=SystemClock().now()))
        uow.commit()
    store.dispose()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "szo_core",
            "outbox",
            "run",
            "--db",
            str(db),
            "--out",
            str(out),
            "--idle",
            "0.1",
            "--lang",
            "en",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "Sending from the outbox to" in output
    assert "Sent 1, retrying later 0, failed 0, given up 0" in output


def test_run_once_sends_sms_through_an_http_gateway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from szo_core.adapters.clock import SystemClock

    received: list[tuple[dict[str, str], dict[str, object]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), json.loads(body)))
            answer = b'{"status": "ok", "id": "gw-7"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        gateway = tmp_path / "prehod.toml"
        gateway.write_text(
            "[sms_gateway]\n"
            f'url = "http://127.0.0.1:{server.server_address[1]}/send"\n'
            'number_field = "recipient"\ntext_field = "message"\nauth = "bearer"\n'
            'success_field = "status"\nsuccess_value = "ok"\nid_field = "id"\n'
            'extra_fields = { unicode = "auto" }\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("SZO_SMS_TOKEN", "tajni-zeton")
        db, out = tmp_path / "szo.sqlite", tmp_path / "poslano"
        store = SqlStore.open(db)
        now = SystemClock().now()
        with store.unit_of_work() as uow:
            uow.outbox.enqueue(sms(5, at=now))
            uow.outbox.enqueue(email(6, at=now))
            uow.commit()
        store.dispose()
        args = ["outbox", "run", "--db", str(db), "--out", str(out), "--once", "--lang", "en"]
        result = CliRunner().invoke(main, [*args, "--sms-gateway", str(gateway)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Sent 2, retrying later 0, failed 0, given up 0")
        assert "SMS 127.0.0.1" in result.output
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert len(received) == 1
    headers, body = received[0]
    assert headers["Authorization"] == "Bearer tajni-zeton"
    assert body == {"recipient": "+38641120005", "message": "Termin je potrjen.", "unicode": "auto"}
    assert not (out / "sms.jsonl").exists()  # the text went to the gateway, not the folder
    assert len(list(out.glob("*.eml"))) == 1


def test_a_bad_gateway_file_is_a_usage_error_naming_the_key(tmp_path: Path) -> None:
    gateway = tmp_path / "prehod.toml"
    gateway.write_text('url = "https://sms.example.si"\nnumber = "to"\n', encoding="utf-8")
    db = tmp_path / "szo.sqlite"
    SqlStore.open(db).dispose()
    result = CliRunner().invoke(
        main,
        [
            "outbox",
            "run",
            "--db",
            str(db),
            "--out",
            str(tmp_path / "out"),  # not the default folder in the working directory
            "--once",
            "--lang",
            "en",
            "--sms-gateway",
            str(gateway),
        ],
    )
    assert result.exit_code == 2
    assert "no such setting" in result.output
    assert "number" in result.output
