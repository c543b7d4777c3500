r"""Bringing records in and out: CSV and Excel files, with a full validation report.

* :func:`import_files` reads CSV files (UTF-8 with or without BOM, Windows-1250;
  ``;`` or ``,``) and Excel workbooks, one file or sheet per kind of record
  (:data:`KINDS`: children, guardians, guardian links, payers, mandates,
  merged payment groups, decisions, reservations, groups, programs ...), checks
  every row and the records across them, and stores all of them in one unit of
  work, or none when there is any error.  A re-import of the same files
  changes nothing; ``dry_run=True`` only reports.
* :class:`ImportMapping` maps another program's file names, headers and value
  spellings to ours (a TOML file).
* :func:`export_files` writes the same formats back (CSV with BOM, ``;`` and
  decimal comma, or one ``.xlsx``), so that export then import gives equal records.

The column sets, the mapping file and the report are in ``docs/importing.md``.

>>> import tempfile, pathlib
>>> from szo_core.adapters.memory import MemoryStore
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "skupine.csv").write_text("koda;naziv\nA1;Metulji\n", encoding="utf-8")
>>> store = MemoryStore()
>>> print(import_files(store, "vrtec", [folder / "skupine.csv"]).render("en"))
No errors, no warnings.
groups: 1 added, 0 updated, 0 unchanged
>>> print(import_files(store, "vrtec", [folder / "skupine.csv"]).render("en"))
No errors, no warnings.
groups: 0 added, 0 updated, 1 unchanged
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from szo_core.errors import Language
from szo_core.importing.export import (
    Records,
    export_sheets,
    read_records,
    write_csv,
    write_xlsx,
)
from szo_core.importing.kinds import KINDS, Column, Kind, kind_for_name
from szo_core.importing.mapping import ImportMapping
from szo_core.importing.plan import ImportPlan, import_sheets, plan_import
from szo_core.importing.report import Changes, ImportIssue, ImportReport
from szo_core.importing.sources import Sheet, open_file
from szo_core.ports import Storage
from szo_core.registry import RegistryConfig

__all__ = [
    "KINDS",
    "Changes",
    "Column",
    "ImportIssue",
    "ImportMapping",
    "ImportPlan",
    "ImportReport",
    "Kind",
    "Records",
    "Sheet",
    "export_files",
    "export_sheets",
    "import_files",
    "import_sheets",
    "kind_for_name",
    "open_file",
    "plan_import",
    "read_records",
    "write_csv",
    "write_xlsx",
]


def import_files(
    storage: Storage,
    organisation_id: str,
    paths: Iterable[Path | str],
    *,
    dry_run: bool = False,
    mapping: ImportMapping | None = None,
    config: RegistryConfig | None = None,
    check_registry: bool = True,
) -> ImportReport:
    """Import CSV and Excel files into ``storage``: all rows or none.

    Args:
        storage: Where the records go (:class:`~szo_core.adapters.memory.MemoryStore`,
            :class:`~szo_core.adapters.sql.SqlStore` ...).
        organisation_id: The organisation.
        paths: CSV files and ``.xlsx`` workbooks; each file's (or sheet's) name
            says its kind (``otroci.csv``, ``guardians.csv``), or the mapping does.
        dry_run: Only check and report; store nothing.
        mapping: Other names of files, columns and values.
        config: The registry settings (code width, kind of organisation).
        check_registry: Run the registry's checks (on by default).

    Returns:
        The report; ``report.stored`` tells whether anything was stored.

    Raises:
        szo_core.errors.ConfigurationError: ``import.file`` for a file that
            cannot be read at all.
        szo_core.errors.StorageError: The store refused the changes; nothing was stored.
    """
    sheets = [sheet for path in paths for sheet in open_file(path)]
    return import_sheets(
        storage,
        organisation_id,
        sheets,
        dry_run=dry_run,
        mapping=mapping,
        config=config,
        check_registry=check_registry,
    )


def export_files(
    storage: Storage,
    organisation_id: str,
    out: Path | str,
    *,
    format: Literal["csv", "xlsx"] = "csv",
    language: Language = "sl",
) -> list[Path]:
    """Export every record of the organisation to CSV files in ``out``, or one workbook.

    The workbook is ``out/<organisation_id>.xlsx``.

    >>> import tempfile
    >>> from szo_core.adapters.memory import MemoryStore
    >>> export_files(MemoryStore(), "vrtec", tempfile.mkdtemp())
    []
    """
    with storage.unit_of_work() as uow:
        records = read_records(uow, organisation_id)
    folder = Path(out)
    if format == "xlsx":
        folder.mkdir(parents=True, exist_ok=True)
        return [write_xlsx(records, folder / f"{organisation_id}.xlsx", language=language)]
    return write_csv(records, folder, language=language)
