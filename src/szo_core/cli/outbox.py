"""``szo outbox``: the outbox of a database: ``status`` and ``run``.

``szo outbox status --db URL [--org ID]`` prints how many messages are in each
state (queued, sending, sent, failed, given up) and lists the failed and
given-up ones with their reason: the outbox id, the event, the channel, the
attempts and the last error code and text.  No address or number is printed.

``szo outbox run --db URL`` is the in-process dispatcher (the embedded
default): it claims due messages, sends them and records the results until
SIGINT/SIGTERM (``--once``: until nothing is due, then it exits).  See
:func:`run` for where it sends.

Exit status: 0 done; 1 the database or the delivery failed; 2 a usage problem.
Only click is imported with this module.

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(outbox, ["status", "--db", "/nonexistent.sqlite", "--lang", "en"])
>>> result.exit_code
2
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from szo_core.cli._common import fail as _fail
from szo_core.cli._common import lang_option
from szo_core.cli._common import tr as _t

if TYPE_CHECKING:
    from szo_core.adapters.sql import SqlStore
    from szo_core.errors import Language
    from szo_core.outbox import OutboxState

__all__ = ["outbox"]

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
    """The outbox: messages stored to be sent (status, run)."""


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
