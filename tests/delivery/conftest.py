"""Real servers on 127.0.0.1 for the delivery adapters: aiosmtpd (plain, STARTTLS, implicit TLS)."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "vrtec", "geslo-čš-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    peer: tuple[str, int]


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it accepts and misbehaves on request.

    * a recipient starting ``refuse550`` / ``refuse450`` is refused with that code;
    * a sender starting ``blocked`` is refused with 553;
    * a message with a header ``X-Test-Reply: NNN`` is answered NNN at DATA;
    * ``drop_on_mail = n``: the n-th MAIL FROM closes the connection without a reply.
    """

    received: list[Received] = field(default_factory=list)
    drop_on_mail: set[int] = field(default_factory=set)
    mails: int = 0

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        self.mails += 1
        if self.mails in self.drop_on_mail:
            server.transport.close()
            return "421 closing"
        if address.startswith("blocked"):
            return "553 5.7.1 sender <" + address + "> not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.startswith("refuse550"):
            return f"550 5.1.1 <{address}>: no such user"
        if address.startswith("refuse450"):
            return f"450 4.2.1 <{address}>: mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content
        for line in content.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
            if line.lower().startswith(b"x-test-reply:"):
                code = line.split(b":", 1)[1].strip().decode()
                return f"{code} rejected for <{envelope.rcpt_tos[0]}>"
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), content, session.peer)
        )
        return "250 2.0.0 accepted"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Recorder
    controller: Controller


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


StartServer = Callable[..., SmtpServer]


@pytest.fixture
def smtp_server(server_tls: ssl.SSLContext) -> Iterator[StartServer]:
    """Start aiosmtpd servers: ``start(mode="plain"|"starttls"|"tls", auth=False, **kwargs)``."""
    started: list[Controller] = []

    def start(mode: str = "plain", *, auth: bool = False, **kwargs: Any) -> SmtpServer:
        handler = Recorder()
        options: dict[str, Any] = {
            "hostname": "127.0.0.1",
            "port": free_port(),
            "enable_SMTPUTF8": False,  # aiosmtpd's Controller offers it unless told not to
            **kwargs,
        }
        if mode == "starttls":
            options.update(tls_context=server_tls, require_starttls=True)
        elif mode == "tls":
            options.update(ssl_context=server_tls)
        if auth:
            options.update(
                authenticator=_authenticator,
                auth_required=True,
                # aiosmtpd sees TLS only after STARTTLS; with implicit TLS it is TLS anyway
                auth_require_tls=mode == "starttls",
            )
        controller = Controller(handler, **options)
        controller.start()
        started.append(controller)
        return SmtpServer("127.0.0.1", options["port"], handler, controller)

    yield start
    for controller in started:
        controller.stop()
