"""``szo serve``: the reference web app (booking, operator messages, notification settings).

``szo serve`` runs :mod:`szo_core.web` with uvicorn on ``--host`` (127.0.0.1)
and ``--port`` (8000), on the embedded default: the SQLite file
``szo-demo/szo-demo.sqlite`` (made and migrated when missing; ``--db`` for
another file or a PostgreSQL URL) with e-mails written as ``.eml`` files
into ``--mail`` (``szo-demo/web-mail``).  ``--smtp HOST`` sends e-mail over
SMTP instead (``--smtp-port``, ``--smtp-security``, ``--smtp-user``; the
password only from ``SZO_SMTP_PASSWORD``).

The secret key (sessions, codes, links) comes from ``SZO_WEB_SECRET`` (at
least 32 bytes), else from a key file beside the SQLite database
(``szo-web.key``, made once, readable by its owner only).  ``--public-url``
is the https address the e-mailed links start with (the app behind a TLS
proxy); ``--https`` says the browser reaches the app over TLS (``Secure``
cookies, HSTS).  Unless ``--no-demo``, the sample offices and operators are
added when missing, and the passwords of accounts made now are printed once.

The access log has the method, the path, the status and the time (never the
query string, an address or a personal number).  Exit status: 0 stopped;
2 a usage problem.  Only click is imported with this module.

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(serve, ["--db", "sqlite://", "--lang", "en"])
>>> result.exit_code, "in-memory" in result.output
(2, True)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import click

from szo_core.cli._common import EXIT_USAGE, fail, lang_option, tr

if TYPE_CHECKING:
    from szo_core.errors import Language

__all__ = ["serve"]

KEY_FILE = "szo-web.key"
"""The key file's name, beside the SQLite database."""


def _secret(db: str, lang: Language) -> bytes:
    from_env = os.environ.get("SZO_WEB_SECRET")
    if from_env:
        value = from_env.encode("utf-8")
        if len(value) < 32:
            fail(
                lang,
                EXIT_USAGE,
                "SZO_WEB_SECRET mora imeti vsaj 32 bajtov.",
                "SZO_WEB_SECRET must have at least 32 bytes.",
            )
        return value
    if "://" in db:
        fail(
            lang,
            EXIT_USAGE,
            "Za PostgreSQL nastavite SZO_WEB_SECRET (vsaj 32 bajtov).",
            "With PostgreSQL set SZO_WEB_SECRET (at least 32 bytes).",
        )
    path = Path(db).parent / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


@click.command("serve")
@click.option(
    "--db",
    default="szo-demo/szo-demo.sqlite",
    show_default=True,
    metavar="URL",
    help="SQLite file or PostgreSQL URL (migrated at start).",
)
@click.option(
    "--mail",
    "mail_folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("szo-demo/web-mail"),
    show_default=True,
    help="Folder for the .eml files (and sms.jsonl) unless --smtp.",
)
@click.option("--smtp", "smtp_host", envvar="SZO_SMTP_HOST", metavar="HOST", help="SMTP host.")
@click.option("--smtp-port", envvar="SZO_SMTP_PORT", type=click.IntRange(1, 65535))
@click.option(
    "--smtp-security",
    envvar="SZO_SMTP_SECURITY",
    type=click.Choice(["none", "starttls", "tls"]),
    default="starttls",
    show_default=True,
)
@click.option("--smtp-user", envvar="SZO_SMTP_USER", metavar="NAME")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--public-url",
    metavar="URL",
    help="The https address of the app in e-mailed links (default https://localhost:PORT).",
)
@click.option("--https", is_flag=True, help="Browsers reach the app over TLS (Secure cookies).")
@click.option("--no-demo", is_flag=True, help="Do not add the sample offices and operators.")
@lang_option("Language of the output.")
def serve(
    db: str,
    mail_folder: Path,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_security: str,
    smtp_user: str | None,
    host: str,
    port: int,
    public_url: str | None,
    https: bool,
    no_demo: bool,
    lang: Language,
) -> None:
    """Run the reference web app: booking, operator messages, notification settings."""
    if db in ("sqlite://", ":memory:") or db.endswith(":memory:"):
        fail(
            lang,
            EXIT_USAGE,
            "Baza v pomnilniku ni mogoča; podajte pot do datoteke ali naslov PostgreSQL.",
            "An in-memory database cannot be served; give a file path or a PostgreSQL URL.",
        )
    from szo_core.errors import SzoError

    try:
        import uvicorn

        from szo_core.web.app import create_app
        from szo_core.web.demo import seed
        from szo_core.web.wiring import WebConfig, build
    except ImportError:
        fail(
            lang,
            EXIT_USAGE,
            "Manjka dodatek web: pip install 'szo_core[web]'.",
            "The web extra is missing: pip install 'szo_core[web]'.",
        )
    try:
        smtp = None
        if smtp_host:
            from szo_core.adapters.smtp import SmtpSettings

            smtp = SmtpSettings(
                host=smtp_host,
                port=smtp_port,
                security=smtp_security,
                username=smtp_user,
                password=os.environ.get("SZO_SMTP_PASSWORD"),
            )
        config = WebConfig(
            secret_key=_secret(db, lang),
            database=db,
            mail_folder=mail_folder,
            smtp=smtp,
            public_url=public_url or f"https://localhost:{port}",
            https=https,
            demo_sign_in=not no_demo,  # a person id typed in: the demo's stand-in only
        )
        services = build(config)
    except SzoError as exc:
        fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    if not no_demo:
        for username, password in seed(services).items():
            click.echo(tr(lang, "Nov račun", "New account") + f": {username} / {password}")
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    click.echo(tr(lang, "Aplikacija teče na", "The app runs at") + f" http://{host}:{port}/")
    try:
        uvicorn.run(
            create_app(services),
            host=host,
            port=port,
            access_log=False,
            log_level="info",
            server_header=False,
        )
    finally:
        services.close()
