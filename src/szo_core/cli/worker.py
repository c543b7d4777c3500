"""``szo worker`` and ``szo bill --all``: billing many organisations on workers.

``szo worker --db URL [--concurrency N]`` runs a Procrastinate worker on the
szo_core PostgreSQL database (it creates the job tables first if they are
missing) until SIGINT or SIGTERM: the first signal lets the running jobs
finish, a second one aborts them.  ``--heartbeat``, ``--stalled-after`` and
``--check-every`` say how often the worker beats, after how long a silent
worker is taken for dead, and how often the workers look for the jobs of dead
workers (see :mod:`szo_core.jobs.app`).

``szo bill --all --db URL --month YYYY-MM --out DIR`` (:func:`bill_all`) queues
one billing job per organisation that has children in the database and prints
how many; the workers write each organisation's files to ``DIR/<id>/``.

Both need PostgreSQL and the ``jobs`` extra (``pip install szo_core[jobs]``);
on SQLite, or without the extra, they say so and exit with status 2.  Only
click is imported with this module.

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(worker, ["--db", "szo.sqlite", "--lang", "en"])
>>> result.exit_code
2
>>> "PostgreSQL" in result.output
True
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from szo_core.cli._common import EXIT_USAGE, lang_option, plural_sl
from szo_core.cli._common import fail as _fail
from szo_core.cli._common import tr as _t

if TYPE_CHECKING:
    from szo_core.calendar import Month
    from szo_core.errors import Language

__all__ = ["bill_all", "worker"]


def _require_jobs(db: str, lang: Language) -> str:
    """The database URL if it is PostgreSQL and the extra is installed; otherwise fail."""
    from szo_core.adapters.sql import database_url
    from szo_core.errors import SzoError

    try:
        url = database_url(db)
    except SzoError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    if url.get_backend_name() != "postgresql":
        _fail(
            lang,
            EXIT_USAGE,
            "Obračun z delavci (--all, szo worker) potrebuje bazo PostgreSQL in dodatek "
            "jobs (pip install 'szo_core[jobs]'); za eno organizacijo na SQLite uporabite "
            "szo bill brez --all.",
            "Billing on workers (--all, szo worker) needs a PostgreSQL database and the "
            "jobs extra (pip install 'szo_core[jobs]'); for one organisation on SQLite use "
            "szo bill without --all.",
        )
    if importlib.util.find_spec("procrastinate") is None:
        _fail(
            lang,
            EXIT_USAGE,
            "Obračun z delavci potrebuje dodatek jobs: pip install 'szo_core[jobs]'.",
            "Billing on workers needs the jobs extra: pip install 'szo_core[jobs]'.",
        )
    return db


def bill_all(
    db: str,
    month: Month,
    out: Path,
    *,
    issued_on: date,
    close: bool,
    reference: str | None,
    host_municipality: int | None,
    lang: Language,
) -> None:
    """``szo bill --all``: queue one job per organisation of the database and print how many."""
    from szo_core.cli.bill import _open
    from szo_core.errors import SzoError
    from szo_core.jobs import defer_month

    url = _require_jobs(db, lang)
    store = _open(url, lang)  # a szo_core database, migrated, as for szo bill
    try:
        organisations = store.organisations()
    finally:
        store.dispose()
    if not organisations:
        _fail(lang, EXIT_USAGE, "V bazi ni nobenega otroka.", "The database holds no children.")
    try:
        deferred = defer_month(
            url,
            month,
            out.resolve(),
            issued_on=issued_on,
            organisations=organisations,
            close=close,
            lang=lang,
            reference=reference,
            host_municipality=host_municipality,
        )
    except SzoError as exc:
        _fail(lang, 1, exc.message("sl"), exc.message("en"))
    count, waiting = len(deferred.queued), len(deferred.already_queued)
    obracuni = plural_sl(count, "obračun", "obračuna", "obračuni", "obračunov")
    click.echo(
        _t(
            lang,
            f"V vrsto za {month}: {count} {obracuni} (že čakalo: {waiting}); "
            f"datoteke v {out}/<organizacija>/.",
            f"Queued for {month}: {count} billing jobs (already waiting: {waiting}); "
            f"files in {out}/<organisation>/.",
        )
    )


@click.command("worker")
@click.option("--db", required=True, metavar="URL", help="The szo_core PostgreSQL database.")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Jobs this worker runs at once.",
)
@click.option(
    "--heartbeat",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between the worker's heartbeats.",
)
@click.option(
    "--stalled-after",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="A worker silent this long is taken for dead and its jobs run again.",
)
@click.option(
    "--check-every",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between two checks for the jobs of dead workers.",
)
@click.option("--name", metavar="NAME", help="The worker's name in the logs.")
@lang_option("Language of the messages.")
def worker(
    db: str,
    concurrency: int,
    heartbeat: float,
    stalled_after: float,
    check_every: int,
    name: str | None,
    lang: Language,
) -> None:
    """Run a worker that bills the queued organisations (szo bill --all) until stopped.

    Exit status: 0 stopped by a signal, 1 the database failed, 2 usage error.
    """
    import logging

    from szo_core.errors import SzoError

    url = _require_jobs(db, lang)
    from szo_core.jobs import WorkerSettings, run_worker

    try:
        settings = WorkerSettings(
            concurrency=concurrency,
            heartbeat=heartbeat,
            stalled_after=stalled_after,
            check_every=check_every,
        )
    except SzoError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        run_worker(url, settings, name=name)
    except SzoError as exc:
        _fail(lang, 1, exc.message("sl"), exc.message("en"))
