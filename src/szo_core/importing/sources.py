r"""Reading CSV and Excel files as sheets of rows, streamed.

A :class:`Sheet` is one table: a CSV file, or one sheet of an ``.xlsx``
workbook.  Its :attr:`~Sheet.header` is the first non-empty row; its rows come
one at a time from :meth:`Sheet.rows`, each with its row number as a
spreadsheet shows it (the header is row 1), and empty cells as None.

CSV files are read as:

* **encoding**: UTF-8 with a byte-order mark, UTF-8, or Windows-1250 (the
  first that decodes the whole file; a quick pass over the bytes decides
  before any row is read);
* **separator**: ``;``, ``,`` or a tab, whichever the header line holds most
  of (``;`` on a tie: the Slovenian Excel's list separator);
* quoting as Excel writes it (``"..."`` with ``""`` inside).

Excel workbooks need the ``xlsx`` extra (openpyxl, imported only when one is
read); cells keep their types (numbers, dates), formulas give their last
computed value.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = folder / "otroci.csv"
>>> _ = path.write_bytes("koda;ime\r\n1;Ana\r\n;\r\n2;Žan\r\n".encode("cp1250"))
>>> (sheet,) = open_file(path)
>>> sheet.encoding, sheet.delimiter, sheet.header
('cp1250', ';', ('koda', 'ime'))
>>> list(sheet.rows())
[(2, ('1', 'Ana')), (4, ('2', 'Žan'))]
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs

from szo_core.errors import ConfigurationError
from szo_core.importing.values import Cell

__all__ = ["Row", "Sheet", "open_file"]

Row = tuple[int, tuple[Cell | None, ...]]
"""A row: its number (the header is 1) and its cells (None when empty)."""

_CHUNK = 1 << 20
_BOM = codecs.BOM_UTF8


@attrs.frozen
class Sheet:
    """One table of a file: its name, header and a way to stream its rows.

    Attributes:
        source: How reports name it: the file name, and for a workbook
            ``file.xlsx[sheet]``.
        name: The name its kind is found by: the file name, or the sheet's.
        header: The header cells, as written.
        encoding: The text encoding of a CSV file (None for a workbook).
        delimiter: The separator of a CSV file (None for a workbook).
    """

    source: str
    name: str
    header: tuple[str, ...]
    _rows: Callable[[], Iterator[Row]] = attrs.field(repr=False, alias="rows")
    encoding: str | None = None
    delimiter: str | None = None

    def rows(self) -> Iterator[Row]:
        """The rows after the header, empty rows left out."""
        return self._rows()


def _unreadable(path: Path, sl: str, en: str) -> ConfigurationError:
    return ConfigurationError("import.file", sl=sl, en=en, where=path.name)


def _encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(_BOM))
        if head == _BOM:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1250"
    return "utf-8"


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (";", ",", "\t")}
    best = max(counts.values())
    return ";" if counts[";"] == best else max(counts, key=lambda d: counts[d])


def _cells(record: list[str]) -> tuple[str | None, ...]:
    return tuple(cell if cell != "" else None for cell in record)


def _csv(path: Path) -> Sheet:
    encoding = _encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            first = handle.readline()
    except UnicodeDecodeError:
        raise _unreadable(
            path,
            "Datoteka ni v kodiranju UTF-8 ali Windows-1250.",
            "The file is neither UTF-8 nor Windows-1250 text.",
        ) from None
    delimiter = _delimiter(first)
    header = tuple(next(csv.reader([first], delimiter=delimiter), []))

    def rows() -> Iterator[Row]:
        try:
            with path.open(encoding=encoding, newline="") as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                next(reader, None)
                for number, record in enumerate(reader, start=2):
                    if any(record):
                        yield number, _cells(record)
        except UnicodeDecodeError:
            raise _unreadable(
                path,
                "Datoteka ni v kodiranju UTF-8 ali Windows-1250.",
                "The file is neither UTF-8 nor Windows-1250 text.",
            ) from None
        except csv.Error:
            raise _unreadable(
                path,
                "Datoteka ni veljaven CSV (narekovaji niso zaprti).",
                "The file is not valid CSV (an unclosed quote).",
            ) from None

    return Sheet(path.name, path.name, header, rows, encoding=encoding, delimiter=delimiter)


def _xlsx_cell(value: object) -> Cell | None:
    if value is None or value == "":
        return None
    if isinstance(value, str | int | float | bool):
        return value
    from datetime import date, datetime, time

    if isinstance(value, datetime | date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _xlsx(path: Path) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError:
        raise ConfigurationError(
            "import.xlsx_missing",
            sl="Za branje datotek .xlsx namestite dodatek: pip install 'szo_core[xlsx]'.",
            en="Reading .xlsx files needs the extra: pip install 'szo_core[xlsx]'.",
            where=path.name,
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, KeyError, XML errors ... for a bad file
        raise _unreadable(
            path,
            "Datoteka ni veljaven delovni zvezek Excel (.xlsx).",
            "The file is not a valid Excel workbook (.xlsx).",
        ) from None
    sheets = []
    for title in book.sheetnames:
        found: list[tuple[str, ...]] = []
        start = 0
        for number, values in enumerate(book[title].iter_rows(values_only=True), start=1):
            cells = tuple(_xlsx_cell(v) for v in values)
            if any(c is not None for c in cells):
                found.append(tuple("" if c is None else str(c) for c in cells))
                start = number
                break
        if not found:
            continue
        header = found[0]
        while header and header[-1] == "":
            header = header[:-1]

        def rows(title: str = title, start: int = start) -> Iterator[Row]:
            sheet = book[title]
            for number, values in enumerate(
                sheet.iter_rows(min_row=start + 1, values_only=True), start=start + 1
            ):
                cells = tuple(_xlsx_cell(v) for v in values)
                if any(c is not None for c in cells):
                    yield number, cells

        sheets.append(Sheet(f"{path.name}[{title}]", title, header, rows))
    return sheets


def open_file(path: Path | str) -> list[Sheet]:
    """Open a CSV file (one sheet) or an ``.xlsx`` workbook (one sheet per non-empty sheet).

    Raises:
        ConfigurationError: ``import.file`` when the file cannot be read as
            either, ``import.xlsx_missing`` without openpyxl.
    """
    path = Path(path)
    if not path.is_file():
        raise _unreadable(path, "Datoteka ne obstaja.", "No such file.")
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        return _xlsx(path)
    return [_csv(path)]
