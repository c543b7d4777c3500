"""The HTTP SMS gateway client against a local HTTP server that records requests."""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from szo_core.adapters.sms_http import HttpSmsSender, SmsGatewaySettings
from szo_core.delivery.message import DeliveryStatus, SmsMessage
from szo_core.errors import ConfigurationError
from szo_core.ports import SmsSender

from .conftest import free_port


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


Reply = tuple[int, str]  # status, body


@dataclass
class Gateway:
    url: str
    requests: list[Request] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    default: Reply = (200, '{"status": "ok", "data": {"id": "gw-1"}}')
    connections: set[tuple[str, int]] = field(default_factory=set)

    def reply(self) -> Reply:
        return self.replies.pop(0) if self.replies else self.default


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    state = Gateway(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so reuse can be seen

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            split = urlsplit(self.path)
            state.requests.append(
                Request(self.command, split.path, parse_qs(split.query), dict(self.headers), body)
            )
            state.connections.add(self.client_address)
            status, text = state.reply()
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_GET = _handle  # noqa: N815 - the names http.server calls

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api/sms"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def _settings(gateway: Gateway, **changes: object) -> SmsGatewaySettings:
    options: dict[str, object] = {
        "url": gateway.url,
        "number_field": "recipient",
        "text_field": "message",
        "sender_field": "from",
        "reference_field": "client_ref",
        "extra_fields": (("unicode", "auto"),),
        "default_sender": "VRTEC",
        "auth": "bearer",
        "token": "tajni-zeton",
        "timeout": 3,
        "success_field": "status",
        "success_value": "ok",
        "id_field": "data.id",
    }
    options.update(changes)
    return SmsGatewaySettings(**options)  # type: ignore[arg-type]


SMS = SmsMessage(to="041 123 456", text="Račun: 112,40 €", reference="o-1")


def test_json_post_with_bearer_fields_and_the_gateways_id(gateway: Gateway) -> None:
    sender: SmsSender = HttpSmsSender(_settings(gateway))
    results = sender.send([SMS, SmsMessage(to="+38670123456", text="b", sender="OS")])
    assert [(r.status, r.message_id) for r in results] == [(DeliveryStatus.SENT, "gw-1")] * 2
    first, second = gateway.requests
    assert (first.method, first.path) == ("POST", "/api/sms")
    assert first.headers["Authorization"] == "Bearer tajni-zeton"
    assert first.headers["Content-Type"] == "application/json"
    assert json.loads(first.body) == {
        "unicode": "auto",
        "recipient": "+38641123456",
        "message": "Račun: 112,40 €",
        "from": "VRTEC",
        "client_ref": "o-1",
    }
    assert json.loads(second.body)["from"] == "OS"
    assert "client_ref" not in json.loads(second.body)
    assert len(gateway.connections) == 1  # one kept-alive connection for the batch


def test_form_body_basic_auth_and_digits(gateway: Gateway) -> None:
    settings = _settings(
        gateway,
        body="form",
        auth="basic",
        token=None,
        username="vrtec",
        password="geslo",
        number_format="digits",
        success_field=None,
        success_value=None,
        id_field=None,
    )
    assert HttpSmsSender(settings).send([SMS])[0].ok
    request = gateway.requests[0]
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"vrtec:geslo").decode()
    assert parse_qs(request.body.decode()) == {
        "unicode": ["auto"],
        "recipient": ["38641123456"],
        "message": ["Račun: 112,40 €"],
        "from": ["VRTEC"],
        "client_ref": ["o-1"],
    }


def test_get_with_query_and_a_header_token(gateway: Gateway) -> None:
    settings = _settings(
        gateway,
        method="get",
        body="query",
        auth="header",
        header_name="X-Api-Key",
        number_format="00",
    )
    assert HttpSmsSender(settings).send([SMS])[0].ok
    request = gateway.requests[0]
    assert request.method == "GET"
    assert request.headers["X-Api-Key"] == "tajni-zeton"
    assert request.query["recipient"] == ["0038641123456"]
    assert request.query["message"] == ["Račun: 112,40 €"]


@pytest.mark.parametrize(
    ("reply", "status", "code"),
    [
        ((503, "busy"), DeliveryStatus.TEMPORARY, "sms.http.503"),
        ((500, "{}"), DeliveryStatus.TEMPORARY, "sms.http.500"),
        ((429, "{}"), DeliveryStatus.TEMPORARY, "sms.http.429"),
        ((401, "{}"), DeliveryStatus.TEMPORARY, "sms.auth"),
        ((400, "{}"), DeliveryStatus.PERMANENT, "sms.http.400"),
        ((422, "{}"), DeliveryStatus.PERMANENT, "sms.http.422"),
        (
            (200, '{"status": "invalid number +38641123456"}'),
            DeliveryStatus.PERMANENT,
            "sms.rejected",
        ),
        ((200, '{"data": {}}'), DeliveryStatus.PERMANENT, "sms.rejected"),
        ((200, "<html>ok</html>"), DeliveryStatus.PERMANENT, "sms.response"),
    ],
)
def test_answers_map_to_results(
    gateway: Gateway, reply: Reply, status: DeliveryStatus, code: str
) -> None:
    gateway.replies = [reply]
    results = HttpSmsSender(_settings(gateway)).send([SMS, SMS])
    assert (results[0].status, results[0].code) == (status, code)
    assert "41123456" not in results[0].detail
    assert results[1].ok  # one failure does not stop the batch


def test_a_bad_number_is_permanent_and_never_sent(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    results = HttpSmsSender(_settings(gateway)).send(
        [SmsMessage(to="01 234 56 78", text="x", reference="o-9"), SmsMessage(to="abc", text="y")]
    )
    assert [(r.status, r.code) for r in results] == [
        (DeliveryStatus.PERMANENT, "delivery.phone_not_mobile"),
        (DeliveryStatus.PERMANENT, "delivery.phone_format"),
    ]
    assert "o-9" in results[0].detail
    assert "SmsMessage[1]" in results[1].detail
    assert "234" not in results[0].detail + caplog.text
    assert gateway.requests == []


def test_no_server_and_a_timeout_are_temporary(gateway: Gateway) -> None:
    down = SmsGatewaySettings(url=f"http://127.0.0.1:{free_port()}/x", timeout=2)
    result = HttpSmsSender(down).send([SMS])[0]
    assert (result.status, result.code) == (DeliveryStatus.TEMPORARY, "sms.connection")


def test_a_slow_gateway_times_out() -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts (the kernel does) and never answers
    try:
        settings = SmsGatewaySettings(
            url=f"http://127.0.0.1:{listener.getsockname()[1]}/x", timeout=0.3
        )
        result = HttpSmsSender(settings).send([SMS])[0]
    finally:
        listener.close()
    assert (result.status, result.code) == (DeliveryStatus.TEMPORARY, "sms.connection")


def test_secrets_stay_out_of_repr(gateway: Gateway) -> None:
    settings = _settings(gateway, auth="basic", username="u", password="skrivno", token=None)
    assert "skrivno" not in repr(settings)
    assert "tajni" not in repr(HttpSmsSender(_settings(gateway)))


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"url": "ftp://x"}, "sms.gateway.url"),
        ({"method": "PUT"}, "sms.gateway.method"),
        ({"method": "GET"}, "sms.gateway.method"),
        ({"auth": "bearer"}, "sms.gateway.token"),
        ({"auth": "basic"}, "sms.gateway.basic"),
        ({"auth": "oauth"}, "sms.gateway.choice"),
        ({"success_field": "status"}, "sms.gateway.success"),
        ({"success_status": {700}}, "sms.gateway.success_status"),
        ({"timeout": 0}, "sms.gateway.timeout"),
    ],
)
def test_settings_are_checked(changes: dict[str, object], code: str) -> None:
    options: dict[str, object] = {"url": "https://sms.example.si/send"}
    options.update(changes)
    build: Callable[[], object] = lambda: SmsGatewaySettings(**options)  # type: ignore[arg-type]  # noqa: E731
    with pytest.raises(ConfigurationError) as caught:
        build()
    assert caught.value.code == code
    assert caught.value.where is not None
    assert caught.value.where.startswith("SmsGatewaySettings.")


def test_gateway_settings_from_a_toml_file(tmp_path: Path) -> None:
    from szo_core.adapters.sms_http import load_gateway_settings

    path = tmp_path / "gateway.toml"
    path.write_text(
        'url = "https://sms.example.si/send"\nauth = "basic"\nusername = "vrtec"\n'
        "success_status = [200]\n",
        encoding="utf-8",
    )
    settings = load_gateway_settings(path, environ={"SZO_SMS_PASSWORD": "geslo"})
    assert settings.password == "geslo"
    assert settings.success_status == frozenset({200})
    assert "geslo" not in repr(settings)
    path.write_text('url = "https://sms.example.si/send"\npassword = "v-datoteki"\n')
    assert load_gateway_settings(path, environ={"SZO_SMS_PASSWORD": "x"}).password == "v-datoteki"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("url = ", "sms.gateway.file"),
        ('url = "https://sms.example.si"\nsender = "VRTEC"\n', "sms.gateway.key"),
        ('url = "https://sms.example.si"\ntimeout = "deset"\n', None),
        ('url = "ftp://sms.example.si"\n', "sms.gateway.url"),
    ],
)
def test_a_bad_gateway_file_is_a_configuration_error(
    tmp_path: Path, text: str, code: str | None
) -> None:
    from szo_core.adapters.sms_http import load_gateway_settings

    path = tmp_path / "gateway.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        load_gateway_settings(path, environ={})
    if code is not None:
        assert info.value.code == code
    with pytest.raises(ConfigurationError) as missing:
        load_gateway_settings(tmp_path / "none.toml", environ={})
    assert missing.value.code == "sms.gateway.file"
