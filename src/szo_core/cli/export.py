"""``szo export``: write an organisation's records to CSV files or one Excel workbook.

``szo export --db URL --org ID --out DIR`` writes one CSV file per kind of
record into DIR (``otroci.csv``, ``skrbniki.csv``, ``odlocbe.csv`` ...: UTF-8
with BOM, ``;``, decimal comma, the format Slovenian Excel opens with a double
click); ``--format xlsx`` writes one workbook ``DIR/ID.xlsx`` with a sheet per
kind.  ``--lang en`` gives English file names and headers.  ``szo import`` reads
the files back into equal records (see ``docs/importing.md``).

Exit status: 0 written; 1 a file could not be written; 2 a usage problem (no
such database, not a szo_core database).  The files hold personal numbers
(EMŠO, tax numbers, IBANs): keep them as safe as the database.

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(export, ["--db", "/nonexistent/szo.db", "--org", "o",
...                                      "--out", "out", "--lang", "en"])
>>> result.exit_code
2
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from szo_core.cli._common import EXIT_USAGE, lang_option
from szo_core.cli._common import fail as _fail

if TYPE_CHECKING:
    from szo_core.errors import Language

__all__ = ["EXIT_WRITE_FAILED", "export"]

EXIT_WRITE_FAILED = 1
"""A file could not be written."""


@click.command("export")
@click.option("--db", required=True, metavar="URL", help="A SQLite file or a PostgreSQL URL.")
@click.option("--org", "organisation", required=True, metavar="ID", help="Organisation.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the files (created if missing).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "xlsx"]),
    default="csv",
    show_default=True,
    help="CSV files (one per kind) or one Excel workbook.",
)
@lang_option("Language of the messages, file names and headers.")
def export(
    db: str,
    organisation: str,
    out: Path,
    file_format: Literal["csv", "xlsx"],
    lang: Language,
) -> None:
    """Export the records of --org to CSV files or an Excel workbook in --out.

    Exit status: 0 written, 1 a file could not be written, 2 usage error.
    """
    from szo_core.cli.import_ import open_store
    from szo_core.errors import SzoError
    from szo_core.importing import export_files

    store = open_store(db, lang, create=False)
    if store is None:
        _fail(lang, EXIT_USAGE, f"Baze ni ali je prazna: {db}", f"No such database, or empty: {db}")
    try:
        written = export_files(store, organisation, out, format=file_format, language=lang)
    except SzoError as exc:
        _fail(lang, EXIT_WRITE_FAILED, exc.message("sl"), exc.message("en"))
    finally:
        dispose = getattr(store, "dispose", None)
        if dispose is not None:
            dispose()
    for path in written:
        click.echo(str(path))
