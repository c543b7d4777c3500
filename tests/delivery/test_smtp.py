"""The SMTP adapter against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage as Parsed

import pytest

from szo_core.adapters.memory import ManualClock
from szo_core.adapters.smtp import SmtpMailSender, SmtpSecurity, SmtpSettings
from szo_core.delivery.message import Attachment, DeliveryStatus, EmailMessage
from szo_core.errors import ConfigurationError
from szo_core.ports import MailSender

from .conftest import PASSWORD, USER, SmtpServer, StartServer, free_port

# aiosmtpd warns about AUTH without STARTTLS: the implicit-TLS server (TLS anyway) and the
# plain one that must refuse us with 530.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

NOW = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
PDF = b"%PDF-1.4\n\x00\xff\xfe racun"


def _mail(to: str | tuple[str, ...] = "ana@example.si", **changes: object) -> EmailMessage:
    fields: dict[str, object] = {
        "sender": "racuni@vrtec.si",
        "sender_name": "Vrtec Čebelica",
        "to": to,
        "subject": "Račun za september (č š ž)",
        "text": "Račun je v prilogi.",
    }
    fields.update(changes)
    return EmailMessage(**fields)  # type: ignore[arg-type]


def _sender(server: SmtpServer, **settings: object) -> SmtpMailSender:
    options: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "security": "none",
        "timeout": 5,
    }
    options.update(settings)
    return SmtpMailSender(SmtpSettings(**options), clock=ManualClock(NOW))  # type: ignore[arg-type]


def _parse(data: bytes) -> Parsed:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, Parsed)
    return parsed


def test_plain_batch_uses_one_connection_and_the_server_gets_proper_mime(
    smtp_server: StartServer,
) -> None:
    server = smtp_server("plain")
    sender: MailSender = _sender(server)
    assert isinstance(sender, SmtpMailSender)
    mails = [
        _mail(
            f"stars{n}@example.si",
            html="<p>Račun je v <b>prilogi</b>.</p>",
            attachments=(Attachment("Račun Žiga Šinkovec.pdf", PDF, "application/pdf"),),
            message_id=f"<outbox-{n}@vrtec.si>",
            cc=("oce@example.si",) if n == 0 else (),
        )
        for n in range(5)
    ]
    results = sender.send(mails)
    assert [r.status for r in results] == [DeliveryStatus.SENT] * 5
    assert [r.message_id for r in results] == [f"<outbox-{n}@vrtec.si>" for n in range(5)]
    assert sender.connections == 1
    received = server.handler.received
    assert len({r.peer for r in received}) == 1  # one connection for the whole batch
    assert received[0].mail_from == "racuni@vrtec.si"
    assert received[0].rcpt_tos == ["stars0@example.si", "oce@example.si"]
    parsed = _parse(received[0].content)
    assert parsed["Subject"] == "Račun za september (č š ž)"
    assert parsed["From"].addresses[0].display_name == "Vrtec Čebelica"
    assert parsed["Message-ID"] == "<outbox-0@vrtec.si>"
    assert parsed["Date"].datetime == NOW
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == "Račun Žiga Šinkovec.pdf"
    assert attachment.get_content() == PDF
    assert b"Bcc" not in received[0].content


def test_a_second_batch_is_a_second_connection(smtp_server: StartServer) -> None:
    server = smtp_server("plain")
    sender = _sender(server)
    sender.send([_mail()])
    sender.send([_mail(), _mail()])
    assert sender.connections == 2
    assert len({r.peer for r in server.handler.received}) == 2
    assert sender.send([]) == ()
    assert sender.connections == 2


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_tls_with_a_test_ca_and_login(
    smtp_server: StartServer, client_tls: ssl.SSLContext, mode: str
) -> None:
    server = smtp_server(mode, auth=True)
    sender = _sender(
        server, security=mode, username=USER, password=PASSWORD, ssl_context=client_tls
    )
    results = sender.send([_mail(), _mail("b@example.si")])
    assert [r.ok for r in results] == [True, True]
    assert len(server.handler.received) == 2


def test_ca_file_is_trusted(smtp_server: StartServer, ca_file: str) -> None:
    server = smtp_server("tls")
    assert _sender(server, security="tls", ca_file=ca_file).send([_mail()])[0].ok


def test_an_untrusted_certificate_is_a_temporary_tls_failure(smtp_server: StartServer) -> None:
    server = smtp_server("starttls")
    for security in ("starttls", "tls"):
        if security == "tls":
            server = smtp_server("tls")
        result = _sender(server, security=security).send([_mail()])[0]
        assert (result.status, result.code) == (DeliveryStatus.TEMPORARY, "smtp.tls")
    assert server.handler.received == []


def test_starttls_required_but_not_offered(smtp_server: StartServer) -> None:
    server = smtp_server("plain")
    result = _sender(server, security="starttls").send([_mail()])[0]
    assert (result.status, result.code) == (DeliveryStatus.TEMPORARY, "smtp.tls")


def test_a_server_that_requires_tls_or_login_we_do_not_configure(
    smtp_server: StartServer,
) -> None:
    for server in (smtp_server("starttls"), smtp_server("plain", auth=True)):
        results = _sender(server).send([_mail(), _mail("b@example.si")])
        assert [(r.status, r.code) for r in results] == [(DeliveryStatus.TEMPORARY, "smtp.530")] * 2
        assert server.handler.received == []


def test_a_wrong_password_is_temporary_and_not_logged(
    smtp_server: StartServer, client_tls: ssl.SSLContext, caplog: pytest.LogCaptureFixture
) -> None:
    server = smtp_server("starttls", auth=True)
    sender = _sender(
        server, security="starttls", username=USER, password="napačno-geslo", ssl_context=client_tls
    )
    caplog.set_level(logging.DEBUG, logger="szo_core.adapters.smtp")
    results = sender.send([_mail(), _mail("b@example.si")])
    assert [(r.status, r.code) for r in results] == [(DeliveryStatus.TEMPORARY, "smtp.auth")] * 2
    assert "napačno" not in caplog.text  # aiosmtpd's own log included
    assert "napačno" not in repr(sender)
    assert server.handler.received == []


def test_refused_recipients(smtp_server: StartServer, caplog: pytest.LogCaptureFixture) -> None:
    server = smtp_server("plain")
    caplog.set_level(logging.DEBUG, logger="szo_core.adapters.smtp")
    results = _sender(server).send(
        [
            _mail(("ana@example.si", "refuse550.janez@example.si", "refuse450.mojca@example.si")),
            _mail(("refuse550.a@example.si", "refuse550.b@example.si")),
            _mail(("refuse550.c@example.si", "refuse450.d@example.si")),
            _mail("zadnji@example.si"),
        ]
    )
    partly, permanent, temporary, last = results
    assert partly.status is DeliveryStatus.SENT
    assert partly.refused == ("r***@example.si", "r***@example.si")
    assert "(450, 550)" in partly.detail
    assert (permanent.status, permanent.code) == (DeliveryStatus.PERMANENT, "smtp.550")
    assert (temporary.status, temporary.code) == (DeliveryStatus.TEMPORARY, "smtp.450")
    assert last.ok
    assert [r.rcpt_tos for r in server.handler.received] == [
        ["ana@example.si"],
        ["zadnji@example.si"],
    ]
    ours = "".join(r.getMessage() for r in caplog.records if r.name.startswith("szo_core"))
    text = ours + "".join(r.detail + "".join(r.refused) for r in results)
    for secret in ("janez", "mojca", "refuse4"):
        assert secret not in text


def test_replies_at_mail_and_data(smtp_server: StartServer) -> None:
    server = smtp_server("plain")
    results = _sender(server).send(
        [
            _mail(headers=(("X-Test-Reply", "451"),)),
            _mail(headers=(("X-Test-Reply", "554"),)),
            _mail(sender="blocked@vrtec.si"),
            _mail(),
        ]
    )
    assert [(r.status, r.code) for r in results] == [
        (DeliveryStatus.TEMPORARY, "smtp.451"),
        (DeliveryStatus.PERMANENT, "smtp.554"),
        (DeliveryStatus.PERMANENT, "smtp.553"),
        (DeliveryStatus.SENT, None),
    ]
    assert all("@" not in r.detail for r in results)  # servers quote addresses; we do not
    assert len(server.handler.received) == 1


def test_a_bad_address_fails_that_message_only(smtp_server: StartServer) -> None:
    server = smtp_server("plain")
    results = _sender(server).send([_mail("ana.novak@@x"), _mail()])
    assert (results[0].status, results[0].code) == (
        DeliveryStatus.PERMANENT,
        "delivery.email_invalid",
    )
    assert "ana.novak" not in results[0].detail
    assert results[1].ok


def test_smtputf8(smtp_server: StartServer) -> None:
    without = smtp_server("plain")
    result = _sender(without).send([_mail("žan@example.si")])[0]
    assert (result.status, result.code) == (DeliveryStatus.PERMANENT, "smtp.smtputf8")
    with_utf8 = smtp_server("plain", enable_SMTPUTF8=True)
    assert _sender(with_utf8).send([_mail("žan@example.si")])[0].ok
    assert with_utf8.handler.received[0].rcpt_tos == ["žan@example.si"]


def test_server_down_is_temporary_for_every_message() -> None:
    port = free_port()
    sender = SmtpMailSender(
        SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=2),
        clock=ManualClock(NOW),
    )
    results = sender.send([_mail(message_id="<a@x>"), _mail(), _mail("bad@@x")])
    assert [(r.status, r.code) for r in results] == [
        (DeliveryStatus.TEMPORARY, "smtp.connection"),
        (DeliveryStatus.TEMPORARY, "smtp.connection"),
        (DeliveryStatus.PERMANENT, "delivery.email_invalid"),
    ]
    assert results[0].message_id == "<a@x>"
    assert results[1].message_id is not None
    assert sender.connections == 1  # no retry loop against a server that is down


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A socket that accepts connections and never says anything (a hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_hung_server_times_out_as_temporary(silent_server: int) -> None:
    sender = SmtpMailSender(
        SmtpSettings(host="127.0.0.1", port=silent_server, security="none", timeout=0.3),
        clock=ManualClock(NOW),
    )
    result = sender.send([_mail()])[0]
    assert (result.status, result.code) == (DeliveryStatus.TEMPORARY, "smtp.connection")


def test_a_dropped_connection_is_reopened_once(smtp_server: StartServer) -> None:
    server = smtp_server("plain")
    server.handler.drop_on_mail = {3}  # the third message of the batch loses the connection
    sender = _sender(server)
    results = sender.send([_mail(f"m{n}@example.si") for n in range(5)])
    assert all(r.ok for r in results)
    assert sender.connections == 2
    assert [r.rcpt_tos[0] for r in server.handler.received] == [
        f"m{n}@example.si" for n in range(5)
    ]  # each once, in order
    assert len({r.peer for r in server.handler.received}) == 2


def test_dropped_twice_the_rest_waits(smtp_server: StartServer) -> None:
    server = smtp_server("plain")
    server.handler.drop_on_mail = {2, 4}
    sender = _sender(server)
    results = sender.send([_mail(f"m{n}@example.si") for n in range(5)])
    # m0 sent; m1 dropped, reconnect; m1, m2 sent (MAIL 3 and... 4 drops at m3)
    assert [r.status for r in results] == [
        DeliveryStatus.SENT,
        DeliveryStatus.SENT,
        DeliveryStatus.TEMPORARY,
        DeliveryStatus.TEMPORARY,
        DeliveryStatus.TEMPORARY,
    ]
    assert {r.code for r in results[2:]} == {"smtp.connection"}
    assert sender.connections == 2
    assert [r.rcpt_tos[0] for r in server.handler.received] == ["m0@example.si", "m1@example.si"]


def test_settings_refuse_bad_values_and_hide_the_password() -> None:
    settings = SmtpSettings(host="h", username="u", password="skrivno-geslo")
    assert "skrivno" not in repr(settings)
    assert "skrivno" not in repr(SmtpMailSender(settings))
    assert SmtpSettings(host="h", security=SmtpSecurity.NONE).effective_port == 25
    for bad, code in [
        ({"host": ""}, "smtp.host"),
        ({"host": "h", "port": 0}, "smtp.port"),
        ({"host": "h", "port": True}, "smtp.port"),
        ({"host": "h", "security": "ssl"}, "smtp.security"),
        ({"host": "h", "password": "p"}, "smtp.username_missing"),
        ({"host": "h", "timeout": 0}, "smtp.timeout"),
        ({"host": "h", "timeout": "5"}, "smtp.timeout"),
    ]:
        with pytest.raises(ConfigurationError) as caught:
            SmtpSettings(**bad)  # type: ignore[arg-type]
        assert caught.value.code == code
        assert caught.value.message("en")
