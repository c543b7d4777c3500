"""``szo import``: bring CSV and Excel files into a database, all rows or none.

``szo import --db URL --org ID FILES...`` reads the files (CSV: UTF-8 with or
without BOM, Windows-1250, ``;`` or ``,``; Excel ``.xlsx`` with one sheet per
kind), each named for its kind (``otroci.csv``, ``skrbniki.csv``,
``odlocbe.csv`` ..., or as ``--mapping FILE`` says), checks every row and the
records across them, prints the report (errors and warnings by file, row and
column, never an EMŠO, a tax number or an IBAN) and what it adds, updates and
leaves unchanged, and stores everything in one transaction.  Any error means
nothing is stored.  A SQLite file that does not exist is created (not by a
dry run).

``--dry-run`` checks and reports only; the database is not changed.

Exit status: 0 imported (or, with ``--dry-run``, no errors); 1 the files have
errors, nothing was stored; 2 a usage problem (no such file, an unreadable
file or mapping, a database that is not szo_core's).  Messages are Slovenian
unless ``--lang en`` (or ``SZO_LANG=en``).

Only click is imported with this module; the rest when the command runs.

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(import_, ["--db", "x.db", "--org", "o", "missing.csv",
...                                       "--lang", "en"])
>>> result.exit_code
2
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from szo_core.cli._common import EXIT_USAGE, lang_option
from szo_core.cli._common import fail as _fail
from szo_core.cli._common import tr as _t

if TYPE_CHECKING:
    from rich.progress import TaskID

    from szo_core.errors import Language
    from szo_core.ports import Storage

__all__ = ["EXIT_INVALID", "import_", "open_store"]

EXIT_INVALID = 1
"""The files have errors (or the store refused them); nothing was stored."""

_SQLITE_HEADER = b"SQLite format 3\x00"


def open_store(db: str, lang: Language, *, create: bool) -> Storage | None:
    """Open the database ``db`` for the import and export commands.

    Returns None when the database does not exist (or has no szo_core tables)
    and ``create`` is False; fails with :data:`~szo_core.cli._common.EXIT_USAGE`
    for an unusable one.
    """
    from szo_core.adapters.sql import HEAD_REVISION, current_revision, database_url
    from szo_core.adapters.sql.billing import SqlBillingStore
    from szo_core.adapters.sql.engine import is_memory_sqlite
    from szo_core.errors import SzoError

    try:
        url = database_url(db)
    except SzoError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    if url.get_backend_name() == "sqlite":
        if is_memory_sqlite(url):
            _fail(
                lang,
                EXIT_USAGE,
                "Baza v pomnilniku se ob koncu izgubi; podajte pot do datoteke ali naslov "
                "PostgreSQL.",
                "An in-memory database is lost at the end; give a file path or a PostgreSQL URL.",
            )
        path = Path(str(url.database))
        if not path.exists():
            if not create:
                return None
            if not path.parent.is_dir():
                _fail(
                    lang,
                    EXIT_USAGE,
                    f"Mapa za bazo ne obstaja: {path.parent}",
                    f"The folder for the database does not exist: {path.parent}",
                )
        else:
            with path.open("rb") as handle:
                header = handle.read(len(_SQLITE_HEADER))
            if header != _SQLITE_HEADER and path.stat().st_size > 0:
                _fail(
                    lang,
                    EXIT_USAGE,
                    f"Datoteka ni baza SQLite: {url.database}",
                    f"The file is not a SQLite database: {url.database}",
                )
    try:
        store = SqlBillingStore.open(url, migrate=False)
        revision = current_revision(store.engine)
    except SzoError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    except Exception:  # a driver error: the server is not there
        _fail(
            lang,
            EXIT_USAGE,
            "Z bazo se ni mogoče povezati (ne obstaja ali ni dostopna).",
            "Cannot connect to the database (it does not exist or is not reachable).",
        )
    if revision == HEAD_REVISION:
        return store
    if not create:
        if revision is None:
            store.dispose()
            return None
        store.dispose()
        _fail(
            lang,
            EXIT_USAGE,
            "Shema baze je starejša; najprej jo posodobite (szo import brez --dry-run ali "
            "szo bill).",
            "The database schema is older; bring it up to date first (szo import without "
            "--dry-run, or szo bill).",
        )
    from szo_core.adapters.sql import migrate

    try:
        migrate(store.engine)
    except SzoError as exc:
        store.dispose()
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    return store


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", required=True, metavar="URL", help="A SQLite file or a PostgreSQL URL.")
@click.option("--org", "organisation", required=True, metavar="ID", help="Organisation.")
@click.option("--dry-run", is_flag=True, help="Check and report only; store nothing.")
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="TOML file mapping other file names, headers and values to ours.",
)
@lang_option("Language of the messages.")
def import_(
    files: tuple[Path, ...],
    db: str,
    organisation: str,
    dry_run: bool,
    mapping: Path | None,
    lang: Language,
) -> None:
    """Import CSV and Excel FILES into a database: all rows or none.

    Exit status: 0 imported (or a clean dry run), 1 errors (nothing stored), 2 usage error.
    """
    from szo_core.errors import SzoError
    from szo_core.importing import ImportMapping, import_sheets, open_file

    try:
        loaded = ImportMapping.load(mapping) if mapping is not None else None
        sheets = [sheet for path in files for sheet in open_file(path)]
    except SzoError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    store = open_store(db, lang, create=not dry_run)
    if store is None:  # a dry run on a database that is not there yet
        from szo_core.adapters.memory import MemoryStore

        store = MemoryStore()
    from rich.console import Console
    from rich.progress import Progress, TextColumn

    try:
        with Progress(
            TextColumn("{task.description}: {task.completed} " + _t(lang, "vrstic", "rows")),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(source: str, rows: int) -> None:
                if source not in tasks:
                    tasks[source] = bar.add_task(source, total=None)
                bar.update(tasks[source], completed=rows)

            report = import_sheets(
                store, organisation, sheets, dry_run=dry_run, mapping=loaded, progress=progress
            )
    except SzoError as exc:
        _fail(lang, EXIT_INVALID, exc.message("sl"), exc.message("en"))
    finally:
        dispose = getattr(store, "dispose", None)
        if dispose is not None:
            dispose()
    click.echo(report.render(lang))
    if not report.ok:
        click.echo(
            _t(lang, "Nič ni shranjeno (uvoz ima napake).", "Nothing was stored (errors)."),
            err=True,
        )
        click.get_current_context().exit(EXIT_INVALID)
    if dry_run:
        click.echo(
            _t(lang, "Suhi tek: nič ni shranjeno.", "Dry run: nothing was stored."), err=True
        )
    else:
        click.echo(_t(lang, "Shranjeno.", "Stored."), err=True)
