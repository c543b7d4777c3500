"""``szo outbox``: the outbox of a database: ``status``, ``run`` and ``worker``.

``szo outbox status --db URL [--org ID]`` prints how many messages are in each
state (queued, sending, sent, failed, given up) and lists the failed and
given-up ones with their reason: the outbox id, the event, the channel, the
attempts and the last error code and text.  No address or number is printed.

``szo outbox run --db URL`` is the in-process dispatcher (the embedded
default): it claims due messages, sends them and records the results until
SIGINT/SIGTERM (``--once``: until a round finds nothing more to send, then it
exits).  Where it sends:

* by default into the folder ``--out`` (``szo-outbox``): e-mails as ``.eml``
  files, text messages as ``sms.jsonl`` (:mod:`szo_core.adapters.files`);
* e-mail over SMTP with ``--smtp-host`` (or ``SZO_SMTP_HOST``), with
  ``--smtp-port``, ``--smtp-security none|starttls|tls``, ``--smtp-user`` and the
  password from ``SZO_SMTP_PASSWORD`` (never an option: it would show in the
  process list), ``--smtp-ca-file`` (:mod:`szo_core.adapters.smtp`); text
  messages still go into the folder.

Several ``szo outbox run`` on one database are safe: they never take the same
message (see :mod:`szo_core.adapters.sql.outbox`).

``szo outbox worker --db postgresql://...`` runs a Procrastinate worker that
dispatches the outbox (:mod:`szo_core.jobs.outbox`), with the same delivery
options, until SIGINT/SIGTERM; ``--tick`` and ``--jobs-per-tick`` say how often
and how many dispatching jobs are queued.

Exit status: 0 done; 1 the database or the delivery failed; 2 a usage problem.
Only click is imported with this module.

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(outbox, ["status", "--db", "/nonexistent.sqlite", "--lang", "en"])
>>> result.exit_code
2
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import click

from szo_core.cli._common import EXIT_USAGE, lang_option
from szo_core.cli._common import fail as _fail
from szo_core.cli._common import tr as _t

if TYPE_CHECKING:
    from szo_core.adapters.smtp import SmtpSettings
    from szo_core.adapters.sql import SqlStore
    from szo_core.errors import Language
    from szo_core.outbox import OutboxState
    from szo_core.outbox.seal import OutboxSeal
    from szo_core.ports import MailSender, SmsSender

__all__ = ["EXIT_FAILED", "outbox"]

_F = TypeVar("_F", bound=Callable[..., Any])

EXIT_FAILED = 1
"""The database or the delivery failed."""

_STATE_NAMES = {
    "queued": ("v vrsti", "queued"),
    "sending": ("v pošiljanju", "sending"),
    "sent": ("poslano", "sent"),
    "failed": ("neuspešno", "failed"),
    "given_up": ("opuščeno", "given up"),
}


def _state(state: OutboxState, lang: Language) -> str:
    sl, en = _STATE_NAMES[state.value]
    return _t(lang, sl, en)


def _open(db: str, lang: Language) -> SqlStore:
    from szo_core.cli.bill import _open as open_database

    return open_database(db, lang)


@click.group("outbox")
def outbox() -> None:
    """The outbox: messages stored to be sent (status, run, worker)."""


@outbox.command("status")
@click.option("--db", required=True, metavar="URL", help="SQLite file or PostgreSQL URL.")
@click.option("--org", metavar="ID", help="Only this organisation's messages.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="The most failed and given-up messages listed.",
)
@lang_option("Language of the output.")
def status(db: str, org: str | None, limit: int, lang: Language) -> None:
    """Count the messages per state and list the failed and given-up ones with their reason."""
    from szo_core.errors import SzoError
    from szo_core.outbox import OutboxState

    store = _open(db, lang)
    try:
        with store.unit_of_work() as uow:
            counts = uow.outbox.counts(org)
            problems = [
                message
                for state in (OutboxState.FAILED, OutboxState.GIVEN_UP)
                for message in uow.outbox.in_state(state, organisation_id=org, limit=limit)
            ]
    except SzoError as exc:
        _fail(lang, EXIT_FAILED, exc.message("sl"), exc.message("en"))
    finally:
        store.dispose()
    title = _t(lang, "Izhodna vrsta", "Outbox") + (f" ({org})" if org else "")
    click.echo(
        f"{title}: " + ", ".join(f"{_state(state, lang)} {counts[state]}" for state in OutboxState)
    )
    if not problems:
        return
    click.echo(_t(lang, "Neuspešna in opuščena sporočila:", "Failed and given-up messages:"))
    for message in problems[:limit]:
        attempts = _t(lang, f"poskusov: {message.attempts}", f"attempts: {message.attempts}")
        detail = f" {message.last_error_detail}" if message.last_error_detail else ""
        click.echo(
            f"  {_state(message.state, lang)}  {message.organisation_id}  {message.id}  "
            f"{message.key.event}  {message.channel.value}  {attempts}  "
            f"{message.last_error_code or '-'}{detail}"
        )


def _smtp(
    host: str,
    port: int | None,
    security: str,
    user: str | None,
    password: str | None,
    ca_file: str | None,
    lang: Language,
) -> SmtpSettings:
    from szo_core.adapters.smtp import SmtpSettings
    from szo_core.errors import SzoError

    try:
        return SmtpSettings(
            host=host,
            port=port,
            security=security,
            username=user,
            password=password,
            ca_file=ca_file,
        )
    except SzoError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))


def _delivery_options(command: _F) -> _F:
    """The options that say where messages go (a folder, or SMTP for e-mail)."""
    for option in reversed(_DELIVERY):
        command = option(command)
    return command


_DELIVERY: list[Callable[[Any], Any]] = [
    click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("szo-outbox"),
        show_default=True,
        help="Folder for .eml files and sms.jsonl (e-mail too unless --smtp-host).",
    ),
    click.option(
        "--smtp-host", envvar="SZO_SMTP_HOST", metavar="HOST", help="Send e-mail over SMTP."
    ),
    click.option(
        "--smtp-port",
        envvar="SZO_SMTP_PORT",
        type=click.IntRange(1, 65535),
        help="SMTP port (default: 25, 587 or 465 by --smtp-security).",
    ),
    click.option(
        "--smtp-security",
        envvar="SZO_SMTP_SECURITY",
        type=click.Choice(["none", "starttls", "tls"]),
        default="starttls",
        show_default=True,
        help="Plain, STARTTLS, or TLS from the first byte.",
    ),
    click.option(
        "--smtp-user",
        envvar="SZO_SMTP_USER",
        metavar="NAME",
        help="SMTP login; the password comes from SZO_SMTP_PASSWORD.",
    ),
    click.option(
        "--sms-gateway",
        envvar="SZO_SMS_GATEWAY",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Send SMS through the HTTP gateway in this TOML file (token and password from "
        "SZO_SMS_TOKEN / SZO_SMS_PASSWORD); without it SMS go into the folder.",
    ),
    click.option(
        "--smtp-ca-file",
        envvar="SZO_SMTP_CA_FILE",
        metavar="FILE",
        help="CA bundle to trust instead of the system's.",
    ),
]


def _senders(
    out: Path,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_security: str,
    smtp_user: str | None,
    smtp_ca_file: str | None,
    sms_gateway: Path | None,
    lang: Language,
) -> tuple[MailSender, SmsSender, str]:
    """The mail and SMS senders the options ask for, and where they send (for the output)."""
    import os

    from szo_core.adapters.clock import SystemClock
    from szo_core.adapters.files import FileMailSender, FileSmsSender

    clock = SystemClock()
    mail: MailSender
    if smtp_host:
        from szo_core.adapters.smtp import SmtpMailSender

        settings = _smtp(
            smtp_host,
            smtp_port,
            smtp_security,
            smtp_user,
            os.environ.get("SZO_SMTP_PASSWORD"),
            smtp_ca_file,
            lang,
        )
        mail = SmtpMailSender(settings, clock=clock)
        where = f"SMTP {smtp_host}"
    else:
        mail = FileMailSender(out, clock=clock)
        where = str(out)
    sms: SmsSender
    if sms_gateway is not None:
        from szo_core.adapters.sms_http import HttpSmsSender, load_gateway_settings
        from szo_core.errors import SzoError

        try:
            gateway = load_gateway_settings(sms_gateway)
        except SzoError as exc:
            _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
        sms = HttpSmsSender(gateway)
        where += f", SMS {urlsplit(gateway.url).hostname}"
    else:
        sms = FileSmsSender(out, clock=clock)
    return mail, sms, where


def _seal(lang: Language) -> OutboxSeal | None:
    """The seal whose secrets ``SZO_OUTBOX_KEYS`` holds (None when unset)."""
    from szo_core.errors import SzoError
    from szo_core.outbox.seal import OutboxSeal

    try:
        return OutboxSeal.from_env()
    except SzoError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))


def _lease_option(command: _F) -> _F:
    return click.option(
        "--lease",
        type=click.FloatRange(min=0, min_open=True),
        default=300.0,
        show_default=True,
        metavar="SECONDS",
        help="How long a claim holds before another dispatcher may take the messages.",
    )(command)


def _give_up_option(command: _F) -> _F:
    return click.option(
        "--give-up-after",
        type=click.FloatRange(min=0, min_open=True),
        default=48.0,
        show_default=True,
        metavar="HOURS",
        help="Stop retrying a message this long after it was stored.",
    )(command)


@outbox.command("run")
@click.option("--db", required=True, metavar="URL", help="SQLite file or PostgreSQL URL.")
@_delivery_options
@click.option("--org", metavar="ID", help="Only this organisation's messages.")
@click.option("--once", is_flag=True, help="Stop when a round finds nothing more to send.")
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Messages claimed and sent per round.",
)
@_lease_option
@click.option(
    "--idle",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    metavar="SECONDS",
    help="Wait between rounds when nothing is due.",
)
@_give_up_option
@lang_option("Language of the output.")
def run(
    db: str,
    out: Path,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_security: str,
    smtp_user: str | None,
    smtp_ca_file: str | None,
    sms_gateway: Path | None,
    org: str | None,
    once: bool,
    batch: int,
    lease: float,
    idle: float,
    give_up_after: float,
    lang: Language,
) -> None:
    """Send what the outbox holds: into a folder, e-mail over SMTP, SMS through a gateway.

    Sealed messages (booking codes, confirmations) are opened with the secrets
    in SZO_OUTBOX_KEYS; without them they wait (outbox.sealed) and are retried.
    """
    import signal
    import threading
    from datetime import timedelta

    from szo_core.adapters.clock import SystemClock
    from szo_core.errors import SzoError
    from szo_core.outbox import Dispatcher, DispatchReport, RetryPolicy

    mail, sms, where = _senders(
        out, smtp_host, smtp_port, smtp_security, smtp_user, smtp_ca_file, sms_gateway, lang
    )
    store = _open(db, lang)
    try:
        dispatcher = Dispatcher(
            store,
            clock=SystemClock(),
            mail=mail,
            sms=sms,
            policy=RetryPolicy(give_up_after=timedelta(hours=give_up_after)),
            batch_size=batch,
            lease=timedelta(seconds=lease),
            organisation_id=org,
            seal=_seal(lang),
        )
        total = DispatchReport()
        if once:
            while True:
                report = dispatcher.run_once()
                total += report
                if report.claimed < batch:
                    break
        else:
            stop = threading.Event()
            previous = {
                sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)
            }
            click.echo(
                _t(
                    lang,
                    f"Pošiljam iz izhodne vrste v {where} (ustavite s Ctrl+C).",
                    f"Sending from the outbox to {where} (stop with Ctrl+C).",
                )
            )
            try:
                total = dispatcher.run(stop, idle=idle)
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
    except SzoError as exc:
        _fail(lang, EXIT_FAILED, exc.message("sl"), exc.message("en"))
    finally:
        store.dispose()
    click.echo(
        _t(
            lang,
            f"Poslano {total.sent}, ponovno kasneje {total.retrying}, neuspešno {total.failed}, "
            f"opuščeno {total.given_up} ({where}).",
            f"Sent {total.sent}, retrying later {total.retrying}, failed {total.failed}, "
            f"given up {total.given_up} ({where}).",
        )
    )


@outbox.command("worker")
@click.option("--db", required=True, metavar="URL", help="The szo_core PostgreSQL database.")
@_delivery_options
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Dispatching jobs this worker runs at once.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Messages claimed and sent per round.",
)
@_lease_option
@click.option(
    "--tick",
    type=click.IntRange(1, 59),
    default=5,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between two periodic dispatching jobs.",
)
@click.option(
    "--jobs-per-tick",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Dispatching jobs deferred on each tick (for several workers at once).",
)
@_give_up_option
@click.option("--name", metavar="NAME", help="The worker's name in the logs.")
@lang_option("Language of the messages.")
def worker(
    db: str,
    out: Path,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_security: str,
    smtp_user: str | None,
    smtp_ca_file: str | None,
    sms_gateway: Path | None,
    concurrency: int,
    batch: int,
    lease: float,
    tick: int,
    jobs_per_tick: int,
    give_up_after: float,
    name: str | None,
    lang: Language,
) -> None:
    """Run a Procrastinate worker that dispatches the outbox of a PostgreSQL database.

    Sealed messages are opened with the secrets in SZO_OUTBOX_KEYS, as for run.

    Several workers (on several machines) dispatch at once without sending a
    message twice.  Exit status: 0 stopped by a signal, 1 the database failed,
    2 usage error (SQLite, or the jobs extra missing).
    """
    import logging
    from datetime import timedelta

    from szo_core.adapters.clock import SystemClock
    from szo_core.cli.worker import _require_jobs
    from szo_core.errors import SzoError

    url = _require_jobs(db, lang)
    from szo_core.jobs.outbox import OutboxSenders, OutboxWorkerSettings, make_outbox_app
    from szo_core.jobs.schema import apply_schema
    from szo_core.outbox import RetryPolicy

    mail, sms, _ = _senders(
        out, smtp_host, smtp_port, smtp_security, smtp_user, smtp_ca_file, sms_gateway, lang
    )
    seal = _seal(lang)
    settings = OutboxWorkerSettings(
        batch_size=batch,
        lease=timedelta(seconds=lease),
        tick=tick,
        jobs_per_tick=jobs_per_tick,
        policy=RetryPolicy(give_up_after=timedelta(hours=give_up_after)),
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        _open(url, lang).dispose()  # a szo_core database, migrated
        apply_schema(url)
        app = make_outbox_app(
            url,
            lambda: OutboxSenders(clock=SystemClock(), mail=mail, sms=sms, seal=seal),
            settings,
        )
        options: dict[str, Any] = {"concurrency": concurrency}
        if name is not None:
            options["name"] = name
        app.run_worker(**options)
    except SzoError as exc:
        _fail(lang, EXIT_FAILED, exc.message("sl"), exc.message("en"))
