"""Sending SMS through an HTTP gateway: a configurable :class:`~szo_core.ports.SmsSender` (httpx).

SMS gateways differ in their URL, their authentication, the names of their
fields and how they say "accepted", but nearly all take one HTTP request per
message.  :class:`SmsGatewaySettings` describes one gateway; :class:`HttpSmsSender`
sends a batch over one :class:`httpx.Client` (one kept-alive connection).

Every number is checked with :func:`~szo_core.delivery.addresses.validate_mobile`
before anything is sent; a bad one is a ``PERMANENT`` result with the error's
code and a text naming the message (its ``reference`` or position), never the
number.

How answers map to :class:`~szo_core.delivery.message.SendResult`:

=====================================================  ===========  ==================
What happened                                          Status       ``code``
=====================================================  ===========  ==================
a status in ``success_status`` and the success field   SENT         None (``message_id``
matches (when one is set)                                           is the gateway's id)
no connection, a timeout, a broken connection          TEMPORARY    ``sms.connection``
HTTP 5xx, 429 (too many requests), 408                 TEMPORARY    ``sms.http.503`` ...
HTTP 401 or 403 (the gateway refuses our credentials)  TEMPORARY    ``sms.auth``
any other status                                       PERMANENT    ``sms.http.400`` ...
success status, but the success field does not match   PERMANENT    ``sms.rejected``
success status, but the body cannot be read            PERMANENT    ``sms.response``
a number that is not a mobile number                   PERMANENT    ``delivery.phone_...``
=====================================================  ===========  ==================

A refused login is temporary for the reason given in :mod:`szo_core.adapters.smtp`:
it is a setting to fix, not a property of the message.  An answer that cannot
be read is permanent: the gateway may have sent the text, and trying again
could send it twice.

>>> settings = SmsGatewaySettings(url="https://sms.example.si/api/send", auth="bearer",
...     token="tajno", number_field="to", text_field="message", sender_field="from",
...     default_sender="VRTEC", id_field="data.id", success_field="status",
...     success_value="ok")
>>> settings.body_for(SmsMessage(to="+38641123456", text="Potrjeno."), "+38641123456")
{'to': '+38641123456', 'message': 'Potrjeno.', 'from': 'VRTEC'}
>>> "tajno" in repr(settings)
False
"""

from __future__ import annotations

import enum
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from szo_core.delivery.message import DeliveryStatus, SendResult, SmsMessage
from szo_core.errors import ConfigurationError, ValidationError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "BodyFormat",
    "GatewayAuth",
    "HttpSmsSender",
    "NumberFormat",
    "SmsGatewaySettings",
    "load_gateway_settings",
]

log = logging.getLogger(__name__)
E = TypeVar("E", bound=enum.Enum)

_NUMBER = re.compile(r"\+?\d[\d ./-]{4,}\d")
_JsonValue = str | int | float | bool | None | list["_JsonValue"] | dict[str, "_JsonValue"]


class BodyFormat(enum.Enum):
    """How the fields are sent."""

    JSON = "json"
    """A JSON object as the request body."""
    FORM = "form"
    """``application/x-www-form-urlencoded`` body."""
    QUERY = "query"
    """In the URL's query string (for gateways that take ``GET``)."""


class GatewayAuth(enum.Enum):
    """How the gateway knows us."""

    NONE = "none"
    """No authentication (a token is then usually one of the ``extra_fields``)."""
    BEARER = "bearer"
    """``Authorization: Bearer <token>``."""
    BASIC = "basic"
    """HTTP Basic with ``username`` and ``password``."""
    HEADER = "header"
    """The token in the header ``header_name`` (``X-API-Key: <token>``)."""


class NumberFormat(enum.Enum):
    """How the number is written in the request."""

    E164 = "e164"
    """``+38641123456``."""
    DIGITS = "digits"
    """``38641123456`` (E.164 without the plus)."""
    DOUBLE_ZERO = "00"
    """``0038641123456``."""


def _choice(cls: type[E], value: object, where: str) -> E:
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        choices = ", ".join(str(m.value) for m in cls)
        raise ConfigurationError(
            "sms.gateway.choice",
            sl=f"Neznana vrednost; mogoče so: {choices}.",
            en=f"Unknown value; the choices are: {choices}.",
            where=f"SmsGatewaySettings.{where}",
        ) from None


def _to_body(value: BodyFormat | str) -> BodyFormat:
    return _choice(BodyFormat, value, "body")


def _to_auth(value: GatewayAuth | str) -> GatewayAuth:
    return _choice(GatewayAuth, value, "auth")


def _to_number_format(value: NumberFormat | str) -> NumberFormat:
    return _choice(NumberFormat, value, "number_format")


def _upper(value: str) -> str:
    return str(value).upper()


def _statuses(value: Iterable[int]) -> frozenset[int]:
    return frozenset(value)


def _pairs(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(value)


def _config(code: str, sl: str, en: str, where: str) -> ConfigurationError:
    return ConfigurationError(code, sl=sl, en=en, where=f"SmsGatewaySettings.{where}")


@attrs.frozen(kw_only=True)
class SmsGatewaySettings:
    """One HTTP SMS gateway.

    Attributes:
        url: The endpoint (``https://...``; ``http://`` only for tests and
            gateways on the same network).
        method: ``POST`` (default) or ``GET``.
        body: ``json`` (default), ``form`` or ``query``.
        number_field: The field of the recipient's number.
        text_field: The field of the text.
        sender_field: The field of the sender name, or None if the gateway
            takes none.
        reference_field: The field of our reference (the outbox id), or None.
        extra_fields: Fields sent with every message (``("unicode", "1")``,
            an account id).
        number_format: ``e164`` (default), ``digits`` or ``00``.
        default_sender: The sender name when the message has none.
        auth: ``none``, ``bearer``, ``basic`` or ``header``.
        token: The token for ``bearer`` and ``header`` (never in ``repr()``).
        username: The user for ``basic``.
        password: Its password (never in ``repr()``).
        header_name: The header for ``header`` auth.
        timeout: Seconds to wait for the gateway.
        success_status: The HTTP statuses that mean accepted.
        success_field: A field of the JSON answer (dotted: ``result.status``)
            that must equal ``success_value``; None to trust the status alone.
        success_value: The value that means accepted (compared as text).
        id_field: Where the gateway's message id is in the JSON answer
            (dotted), or None.
    """

    url: str
    method: str = attrs.field(default="POST", converter=_upper)
    body: BodyFormat = attrs.field(default=BodyFormat.JSON, converter=_to_body)
    number_field: str = "to"
    text_field: str = "text"
    sender_field: str | None = None
    reference_field: str | None = None
    extra_fields: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    number_format: NumberFormat = attrs.field(
        default=NumberFormat.E164, converter=_to_number_format
    )
    default_sender: str | None = None
    auth: GatewayAuth = attrs.field(default=GatewayAuth.NONE, converter=_to_auth)
    token: str | None = attrs.field(default=None, repr=False)
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    header_name: str = "X-API-Key"
    timeout: float = 10.0
    success_status: frozenset[int] = attrs.field(
        default=frozenset({200, 201, 202}), converter=_statuses
    )
    success_field: str | None = None
    success_value: str | None = None
    id_field: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.url.startswith(("https://", "http://")):
            raise _config(
                "sms.gateway.url",
                "Naslov prehoda mora začeti s https:// ali http://.",
                "The gateway URL must start with https:// or http://.",
                "url",
            )
        if self.method not in ("POST", "GET"):
            raise _config(
                "sms.gateway.method",
                "Metoda je lahko POST ali GET.",
                "The method must be POST or GET.",
                "method",
            )
        if self.method == "GET" and self.body is not BodyFormat.QUERY:
            raise _config(
                "sms.gateway.method",
                "Pri metodi GET so polja v naslovu (body=query).",
                "With GET the fields go in the URL (body=query).",
                "body",
            )
        if self.auth in (GatewayAuth.BEARER, GatewayAuth.HEADER) and not self.token:
            raise _config(
                "sms.gateway.token",
                "Za ta način prijave je potreben žeton.",
                "This kind of authentication needs a token.",
                "token",
            )
        if self.auth is GatewayAuth.BASIC and (self.username is None or self.password is None):
            raise _config(
                "sms.gateway.basic",
                "Za prijavo basic sta potrebna uporabniško ime in geslo.",
                "Basic authentication needs a username and a password.",
                "username",
            )
        if (self.success_field is None) != (self.success_value is None):
            raise _config(
                "sms.gateway.success",
                "Polje in vrednost uspeha se navedeta skupaj.",
                "The success field and value go together.",
                "success_field",
            )
        if not self.success_status or not all(
            isinstance(s, int) and 100 <= s < 600 for s in self.success_status
        ):
            raise _config(
                "sms.gateway.success_status",
                "Statusi uspeha morajo biti statusi HTTP (100-599).",
                "The success statuses must be HTTP statuses (100-599).",
                "success_status",
            )
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, int | float):
            raise _config(
                "sms.gateway.timeout",
                "Čakalni čas mora biti število sekund.",
                "The timeout must be a number of seconds.",
                "timeout",
            )
        if not self.timeout > 0:
            raise _config(
                "sms.gateway.timeout",
                "Čakalni čas mora biti večji od nič.",
                "The timeout must be greater than zero.",
                "timeout",
            )

    def number(self, e164: str) -> str:
        """``e164`` written as the gateway wants it.

        >>> SmsGatewaySettings(url="https://g", number_format="digits").number("+38641123456")
        '38641123456'
        """
        if self.number_format is NumberFormat.DIGITS:
            return e164.removeprefix("+")
        if self.number_format is NumberFormat.DOUBLE_ZERO:
            return "00" + e164.removeprefix("+")
        return e164

    def body_for(self, message: SmsMessage, e164: str) -> dict[str, str]:
        """The fields sent for ``message`` (whose number is ``e164``)."""
        fields = dict(self.extra_fields)
        fields[self.number_field] = self.number(e164)
        fields[self.text_field] = message.text
        sender = message.sender or self.default_sender
        if self.sender_field is not None and sender is not None:
            fields[self.sender_field] = sender
        if self.reference_field is not None and message.reference is not None:
            fields[self.reference_field] = message.reference
        return fields

    def headers(self) -> dict[str, str]:
        """The authentication header, if any (basic auth is passed to httpx separately)."""
        if self.auth is GatewayAuth.BEARER:
            return {"Authorization": f"Bearer {self.token}"}
        if self.auth is GatewayAuth.HEADER and self.token is not None:
            return {self.header_name: self.token}
        return {}


def _field(data: _JsonValue, path: str) -> _JsonValue:
    current = data
    for key in path.split("."):
        if isinstance(current, Mapping) and key in current:
            current = current[key]
        elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
            current = current[int(key)]
        else:
            raise KeyError(path)
    return current


class HttpSmsSender:
    """A :class:`~szo_core.ports.SmsSender` for an HTTP gateway (see the module docs).

    Args:
        settings: The gateway.
        allow_foreign: Accept mobile numbers of other countries.
        transport: An httpx transport instead of the network (tests, proxies).
    """

    def __init__(
        self,
        settings: SmsGatewaySettings,
        *,
        allow_foreign: bool = False,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        try:
            import httpx  # noqa: F401
        except ImportError:  # pragma: no cover - the extra is part of the test environment
            raise ConfigurationError(
                "delivery.extra_missing",
                sl="Za prehod SMS je potreben paket httpx: pip install szo_core[delivery].",
                en="The SMS gateway needs the httpx package: pip install szo_core[delivery].",
                where="httpx",
            ) from None
        self.settings = settings
        self.allow_foreign = allow_foreign
        self._transport = transport

    def __repr__(self) -> str:
        return f"HttpSmsSender({self.settings!r})"

    def send(self, messages: Sequence[SmsMessage]) -> tuple[SendResult, ...]:
        """Send each message with one request over one client; one result per message."""
        import httpx

        from szo_core.delivery.addresses import validate_mobile

        s = self.settings
        results: list[SendResult] = []
        auth = (
            httpx.BasicAuth(s.username, s.password)
            if s.auth is GatewayAuth.BASIC and s.username is not None and s.password is not None
            else None
        )
        with httpx.Client(
            timeout=s.timeout,
            headers=s.headers(),
            auth=auth,
            transport=self._transport,
            follow_redirects=False,
        ) as client:
            for index, message in enumerate(messages):
                name = message.reference or str(index)
                try:
                    e164 = validate_mobile(
                        message.to, where=f"SmsMessage[{name}].to", allow_foreign=self.allow_foreign
                    )
                except ValidationError as exc:
                    results.append(
                        SendResult(
                            DeliveryStatus.PERMANENT, code=exc.code, detail=exc.message("en")
                        )
                    )
                    continue
                results.append(self._send_one(client, message, e164, name))
        sent = sum(r.ok for r in results)
        log.info("sms: batch of %d, %d sent, %d not", len(results), sent, len(results) - sent)
        return tuple(results)

    def _send_one(
        self, client: httpx.Client, message: SmsMessage, e164: str, name: str
    ) -> SendResult:
        import httpx

        s = self.settings
        fields = s.body_for(message, e164)
        try:
            if s.body is BodyFormat.JSON:
                response = client.request(s.method, s.url, json=fields)
            elif s.body is BodyFormat.FORM:
                response = client.request(s.method, s.url, data=fields)
            else:
                response = client.request(s.method, s.url, params=fields)
        except httpx.TransportError as exc:
            log.warning("sms: message %s: no answer (%s)", name, type(exc).__name__)
            return SendResult(
                DeliveryStatus.TEMPORARY,
                code="sms.connection",
                detail=f"no answer from the gateway: {type(exc).__name__}",
            )
        status = response.status_code
        if status not in s.success_status:
            if status in (401, 403):
                code, kind = "sms.auth", DeliveryStatus.TEMPORARY
            elif status >= 500 or status in (408, 429):
                code, kind = f"sms.http.{status}", DeliveryStatus.TEMPORARY
            else:
                code, kind = f"sms.http.{status}", DeliveryStatus.PERMANENT
            log.warning("sms: message %s: HTTP %d", name, status)
            return SendResult(kind, code=code, detail=f"HTTP {status} from the gateway")
        if s.success_field is None and s.id_field is None:
            return SendResult(DeliveryStatus.SENT)
        try:
            data: _JsonValue = response.json()
        except ValueError:
            return SendResult(
                DeliveryStatus.PERMANENT,
                code="sms.response",
                detail="the gateway's answer is not JSON; not retried (it may have been sent)",
            )
        if s.success_field is not None:
            try:
                value = _field(data, s.success_field)
            except KeyError:
                value = None
            if value is None or _text(value) != s.success_value:
                log.warning("sms: message %s: the gateway refused it", name)
                return SendResult(
                    DeliveryStatus.PERMANENT,
                    code="sms.rejected",
                    detail=f"the gateway answered {s.success_field}={_scrub(_text(value))}",
                )
        gateway_id: str | None = None
        if s.id_field is not None:
            try:
                gateway_id = _text(_field(data, s.id_field))
            except KeyError:
                gateway_id = None
        return SendResult(DeliveryStatus.SENT, message_id=gateway_id)


def _scrub(text: str) -> str:
    """A gateway's word without anything like a number (gateways quote the recipient)."""
    return _NUMBER.sub("***", text)[:40]


def _text(value: _JsonValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


_SECRETS: Final = {"token": "SZO_SMS_TOKEN", "password": "SZO_SMS_PASSWORD"}


def load_gateway_settings(
    path: str | os.PathLike[str], *, environ: Mapping[str, str] | None = None
) -> SmsGatewaySettings:
    """Read :class:`SmsGatewaySettings` from a TOML file (``szo outbox run --sms-gateway``).

    The keys are the settings' attribute names, at the top level or in a
    ``[sms_gateway]`` table; ``extra_fields`` is a table, ``success_status`` a
    list.  Keep secrets out of the file: ``token`` and ``password`` are taken
    from the environment variables ``SZO_SMS_TOKEN`` and ``SZO_SMS_PASSWORD``
    when the file does not set them.

    Raises:
        szo_core.errors.ConfigurationError: the file cannot be read or is not
            TOML (``sms.gateway.file``), has a key that is not a setting
            (``sms.gateway.key``, ``where`` names it), or a setting is wrong.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "gateway.toml").write_text('''
    ... [sms_gateway]
    ... url = "https://sms.example.si/api/send"
    ... number_field = "recipient"
    ... text_field = "message"
    ... auth = "bearer"
    ... success_status = [200, 202]
    ... extra_fields = { unicode = "auto" }
    ... ''', encoding="utf-8")
    >>> settings = load_gateway_settings(folder / "gateway.toml", environ={"SZO_SMS_TOKEN": "t"})
    >>> settings.auth.value, settings.extra_fields, sorted(settings.success_status), settings.token
    ('bearer', (('unicode', 'auto'),), [200, 202], 't')
    """
    import tomllib

    environ = os.environ if environ is None else environ
    try:
        with open(path, "rb") as file:
            data: dict[str, Any] = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError):
        raise ConfigurationError(
            "sms.gateway.file",
            sl="Nastavitev SMS prehoda ni mogoče prebrati (datoteka TOML).",
            en="The SMS gateway settings cannot be read (a TOML file).",
            where=os.path.basename(os.fspath(path)),
        ) from None
    table = data.get("sms_gateway", data)
    if not isinstance(table, dict):
        table = {}
    names = {a.name for a in attrs.fields(SmsGatewaySettings)}
    for key in table:
        if key not in names:
            raise _config(
                "sms.gateway.key",
                "Te nastavitve SMS prehod nima.",
                "The SMS gateway has no such setting.",
                str(key),
            )
    options = dict(table)
    if isinstance(options.get("extra_fields"), dict):
        options["extra_fields"] = tuple(
            (str(k), str(v)) for k, v in options["extra_fields"].items()
        )
    for name, variable in _SECRETS.items():
        if name not in options and environ.get(variable):
            options[name] = environ[variable]
    try:
        return SmsGatewaySettings(**options)
    except TypeError:
        raise _config(
            "sms.gateway.type",
            "Nastavitev SMS prehoda ima napačen tip.",
            "A setting of the SMS gateway has the wrong type.",
            "file",
        ) from None
