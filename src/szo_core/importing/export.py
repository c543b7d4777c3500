"""Exporting records to the files an import reads: CSV per kind, or one Excel workbook.

The export writes every kind of :data:`~szo_core.importing.kinds.KINDS` that
has rows, with every column, so that importing the files again gives equal
records (only ``version``, which the store keeps, is not written).

* CSV: one file per kind (``otroci.csv``, ``skrbniki.csv`` ... with Slovenian
  names and headers, ``children.csv`` ... in English), UTF-8 **with BOM**,
  ``;`` separator, **decimal comma**, ISO dates, CRLF: the format Slovenian
  Excel opens with a double click (as :mod:`szo_core.billing.export`).
* Excel: one workbook with one sheet per kind (the ``xlsx`` extra); numbers,
  decimals and dates are typed cells, text stays text (post codes keep their
  leading zeros).

Files are written atomically (:mod:`szo_core._files`).

>>> from szo_core.model import Child
>>> records = Records(children=(Child(organisation_id="o", code=7, first_name="Ana"),))
>>> (sheet,) = [s for s in export_sheets(records) if s.name == "otroci"]
>>> sheet.header[:3], next(sheet.rows())[1][:3]
(('koda', 'ime', 'priimek'), ('7', 'Ana', None))
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from szo_core._files import write_bytes
from szo_core.errors import ConfigurationError, Language
from szo_core.importing.kinds import KINDS, Fields, Kind
from szo_core.importing.sources import Row, Sheet
from szo_core.importing.values import Cell
from szo_core.ports import UnitOfWork

__all__ = ["Records", "export_sheets", "headers", "read_records", "write_csv", "write_xlsx"]


@attrs.frozen(kw_only=True)
class Records:
    """The records of one organisation, by kind (the record kinds of the import).

    ``organisation`` holds the :class:`~szo_core.model.Organisation` record
    itself (none or one).

    >>> Records().of("children")
    ()
    """

    organisation: tuple[Any, ...] = ()
    children: tuple[Any, ...] = ()
    guardians: tuple[Any, ...] = ()
    groups: tuple[Any, ...] = ()
    programs: tuple[Any, ...] = ()
    regresors: tuple[Any, ...] = ()
    decisions: tuple[Any, ...] = ()
    reservations: tuple[Any, ...] = ()

    def of(self, kind: str) -> tuple[Any, ...]:
        """The records of the record kind ``kind`` (``"children"`` ...)."""
        found: tuple[Any, ...] = getattr(self, kind)
        return found


def read_records(uow: UnitOfWork, organisation_id: str) -> Records:
    """Read every record of the organisation that the import and export know."""
    values: dict[str, tuple[Any, ...]] = {}
    for kind in KINDS.values():
        if kind.repository is None:
            continue
        repository = getattr(uow, kind.repository)
        if kind.organisation_key:  # the organisation record itself, keyed by its id
            found = repository.find(organisation_id)
            values[kind.name] = () if found is None else (found,)
        else:
            values[kind.name] = repository.for_organisation(organisation_id)
    return Records(**values)


def _source(kind: Kind) -> str:
    return kind.parent or kind.name


def _table(
    kind: Kind, records: Records, *, text: bool, decimal_comma: bool
) -> Iterator[tuple[Cell | None, ...]]:
    columns = kind.columns
    for record in records.of(_source(kind)):
        row: Fields
        for row in kind.rows(record):
            cells: list[Cell | None] = []
            for column in columns:
                value = row[column.field]
                if value is None:
                    cells.append(None)
                elif text:
                    cells.append(column.type.format(value, decimal_comma=decimal_comma) or None)
                else:
                    cells.append(column.type.to_cell(value))
            yield tuple(cells)


def _name(kind: Kind, language: Language) -> str:
    return kind.sl.replace(" ", "_") if language == "sl" else kind.name


def export_sheets(
    records: Records, *, language: Language = "sl", decimal_comma: bool = True
) -> list[Sheet]:
    """The records as sheets of text cells (what CSV files would hold), without files.

    Every kind with rows gives one sheet, named as its file would be (without
    the extension).  Useful to check an export against an import in memory.
    """
    sheets = []
    for kind in KINDS.values():
        rows = list(_table(kind, records, text=True, decimal_comma=decimal_comma))
        if not rows:
            continue
        numbered: list[Row] = [(n, cells) for n, cells in enumerate(rows, start=2)]
        name = _name(kind, language)
        sheets.append(
            Sheet(
                name,
                name,
                tuple(c.header(language) for c in kind.columns),
                _replay(numbered),
            )
        )
    return sheets


def _replay(rows: list[Row]) -> Callable[[], Iterator[Row]]:
    def again() -> Iterator[Row]:
        return iter(rows)

    return again


def write_csv(
    records: Records,
    folder: Path | str,
    *,
    language: Language = "sl",
    delimiter: str = ";",
    decimal_comma: bool = True,
) -> list[Path]:
    """Write one CSV file per kind with rows into ``folder`` (created if missing).

    Args:
        records: What to write.
        folder: The folder.
        language: Slovenian (``otroci.csv``, headers ``koda;ime;...``) or English.
        delimiter: ``;`` (default), ``,`` or a tab.
        decimal_comma: Decimals with a comma (default) or a point.

    Returns:
        The files written, in the order of the kinds.

    Raises:
        ConfigurationError: ``export.csv`` for a delimiter that clashes with
            the decimal sign.
        szo_core.errors.DeliveryError: ``file.write_failed`` when a file cannot be written.
    """
    if delimiter not in (";", ",", "\t") or (delimiter == "," and decimal_comma):
        raise ConfigurationError(
            "export.csv",
            sl="Ločilo mora biti ; , ali tabulator in ne sme biti enako decimalnemu znaku.",
            en="The separator must be ; , or a tab, and differ from the decimal sign.",
            where="delimiter",
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS.values():
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        count = 0
        for cells in _table(kind, records, text=True, decimal_comma=decimal_comma):
            if count == 0:
                writer.writerow([c.header(language) for c in kind.columns])
            writer.writerow(["" if c is None else c for c in cells])
            count += 1
        if count:
            path = folder / f"{_name(kind, language)}.csv"
            write_bytes(path, buffer.getvalue().encode("utf-8-sig"))
            written.append(path)
    return written


def write_xlsx(
    records: Records,
    path: Path | str,
    *,
    language: Language = "sl",
    created: datetime | None = None,
) -> Path:
    """Write one Excel workbook with a sheet per kind with rows (the ``xlsx`` extra).

    With ``created`` (the workbook's creation and modification time) the file
    is byte-for-byte the same for the same records: the zip entries carry a
    fixed time.  Without it, the workbook says it was made now.

    Raises:
        ConfigurationError: ``import.xlsx_missing`` without openpyxl.
        szo_core.errors.DeliveryError: ``file.write_failed`` when the file cannot be written.
    """
    try:
        from openpyxl import Workbook
    except ImportError:
        raise ConfigurationError(
            "import.xlsx_missing",
            sl="Za pisanje datotek .xlsx namestite dodatek: pip install 'szo_core[xlsx]'.",
            en="Writing .xlsx files needs the extra: pip install 'szo_core[xlsx]'.",
            where=str(path),
        ) from None
    book = Workbook(write_only=True)
    for kind in KINDS.values():
        rows = _table(kind, records, text=False, decimal_comma=False)
        first = next(rows, None)
        if first is None:
            continue
        sheet = book.create_sheet(_name(kind, language))
        sheet.append([c.header(language) for c in kind.columns])
        for cells in (first, *rows):
            sheet.append([_xlsx_value(sheet, c) for c in cells])
    if not book.worksheets:
        book.create_sheet(_name(KINDS["children"], language)).append(
            [c.header(language) for c in KINDS["children"].columns]
        )
    buffer = io.BytesIO()
    if created is None:
        book.save(buffer)
        return write_bytes(path, buffer.getvalue())
    from openpyxl.writer.excel import ExcelWriter

    book.properties.created = book.properties.modified = created
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # as book.save(), without stamping "modified: now"
    return write_bytes(path, _fixed_times(buffer.getvalue()))


def _fixed_times(data: bytes) -> bytes:
    """The zip ``data`` again, every entry dated 1980-01-01 (zip's first day)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _xlsx_value(sheet: Any, cell: Cell | None) -> object:
    if isinstance(cell, str) and cell.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        text = WriteOnlyCell(sheet, value=cell)
        text.data_type = "s"  # text, never a formula
        return text
    return cell


def headers(kind: str, language: Language = "sl") -> Sequence[str]:
    """The headers an export writes for ``kind``.

    >>> headers("guardian_links", "en")
    ['child_code', 'guardian_id', 'kind']
    """
    return [c.header(language) for c in KINDS[kind].columns]
