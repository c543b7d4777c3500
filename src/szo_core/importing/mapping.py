"""The mapping file: other programs' file names, headers and spellings mapped to ours.

A mapping file is TOML (read with the standard library's :mod:`tomllib`) with
up to three tables, each optional:

.. code-block:: toml

    [files]                 # file or sheet name -> kind
    "Seznam otrok.csv" = "children"
    "Starši" = "guardians"

    [columns.children]      # their header -> our header (any accepted one) or field
    "Šifra otroka" = "code"
    "Ime otroka" = "ime"
    "Stalni naslov" = "permanent_address.street"

    [values.children.sex]   # per kind and field: their spelling -> ours
    "deklica" = "F"
    "deček" = "M"

Names of kinds and fields are those of :mod:`szo_core.importing.kinds`
(``docs/importing.md`` lists them); a wrong one is refused when the mapping is
loaded, so that a typo never silently drops a column.

>>> mapping = ImportMapping.from_toml('''
... [files]
... "Seznam otrok.csv" = "children"
... [columns.children]
... "Šifra otroka" = "code"
... [values.children.sex]
... "deklica" = "F"
... ''')
>>> mapping.kind_for("Seznam otrok.csv").name
'children'
>>> mapping.column_for("children", "ŠIFRA OTROKA").field
'code'
>>> mapping.value_for("children", "sex", "Deklica")
'F'
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

import attrs

from szo_core.errors import ConfigurationError
from szo_core.importing.kinds import KINDS, Column, Kind, kind_for_name, normalize

__all__ = ["ImportMapping"]


def _bad(sl: str, en: str, where: str) -> ConfigurationError:
    return ConfigurationError("import.mapping", sl=sl, en=en, where=where)


def _table(data: object, where: str) -> Mapping[str, object]:
    if not isinstance(data, dict):
        raise _bad("Pričakovana je tabela TOML.", "A TOML table is expected.", where)
    return data


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _bad("Pričakovano je besedilo.", "A string is expected.", where)
    return value


def _kind(name: str, where: str) -> Kind:
    if name not in KINDS:
        raise _bad(
            f"Vrste datoteke {name} ni (znane: {', '.join(KINDS)}).",
            f"There is no kind {name} (known: {', '.join(KINDS)}).",
            where,
        )
    return KINDS[name]


def _column(kind: Kind, target: str, where: str) -> Column:
    found = kind.find_column(target)
    if found is None:
        raise _bad(
            f"Vrsta {kind.name} nima stolpca {target}.",
            f"The kind {kind.name} has no column {target}.",
            where,
        )
    return found


@attrs.frozen
class ImportMapping:
    """File names, headers and value spellings of another program, mapped to ours.

    Attributes:
        files: Normalized file or sheet name -> kind name.
        columns: Kind name -> normalized header -> field.
        values: (kind name, field) -> normalized spelling -> our text.
    """

    files: Mapping[str, str] = attrs.field(factory=dict)
    columns: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    values: Mapping[tuple[str, str], Mapping[str, str]] = attrs.field(factory=dict)

    @classmethod
    def from_toml(cls, text: str, *, where: str = "mapping") -> ImportMapping:
        """Read a mapping from TOML text.

        Raises:
            ConfigurationError: ``import.mapping`` for invalid TOML, an unknown
                kind or column, or a value that is not a string.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _bad(
                f"Datoteka ni veljaven TOML ({exc.args[0] if exc.args else ''}).",
                f"The file is not valid TOML ({exc.args[0] if exc.args else ''}).",
                where,
            ) from None
        unknown = set(data) - {"files", "columns", "values"}
        if unknown:
            listed = ", ".join(sorted(unknown))
            raise _bad(
                f"Neznane tabele: {listed} (dovoljene: files, columns, values).",
                f"Unknown tables: {listed} (allowed: files, columns, values).",
                where,
            )
        files = {
            normalize(name): _kind(_text(kind, f"{where}: files"), f"{where}: files").name
            for name, kind in _table(data.get("files", {}), f"{where}: files").items()
        }
        columns: dict[str, dict[str, str]] = {}
        for kind_name, table in _table(data.get("columns", {}), f"{where}: columns").items():
            kind = _kind(kind_name, f"{where}: columns")
            spot = f"{where}: columns.{kind_name}"
            columns[kind.name] = {
                normalize(theirs): _column(kind, _text(ours, spot), spot).field
                for theirs, ours in _table(table, spot).items()
            }
        values: dict[tuple[str, str], dict[str, str]] = {}
        for kind_name, fields in _table(data.get("values", {}), f"{where}: values").items():
            kind = _kind(kind_name, f"{where}: values")
            for field, table in _table(fields, f"{where}: values.{kind_name}").items():
                spot = f"{where}: values.{kind_name}.{field}"
                column = _column(kind, field, spot)
                values[(kind.name, column.field)] = {
                    normalize(theirs): _text(ours, spot)
                    for theirs, ours in _table(table, spot).items()
                }
        return cls(files=files, columns=columns, values=values)

    @classmethod
    def load(cls, path: Path | str) -> ImportMapping:
        """Read a mapping file (TOML, UTF-8).

        Raises:
            ConfigurationError: ``import.mapping`` as :meth:`from_toml`, or when
                the file cannot be read.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise _bad(
                f"Datoteke s preslikavo ni mogoče prebrati ({type(exc).__name__}).",
                f"Cannot read the mapping file ({type(exc).__name__}).",
                path.name,
            ) from None
        return cls.from_toml(text, where=path.name)

    def kind_for(self, name: str) -> Kind | None:
        """The kind of the file or sheet ``name``: the mapping's, else by its own name."""
        stem = name.replace("\\", "/").rsplit("/", 1)[-1]
        for candidate in (stem, stem.rsplit(".", 1)[0] if "." in stem else stem):
            mapped = self.files.get(normalize(candidate))
            if mapped is not None:
                return KINDS[mapped]
        return kind_for_name(name)

    def column_for(self, kind: str, header: str) -> Column | None:
        """The column ``header`` stands for in a file of ``kind``, or None."""
        found = KINDS[kind]
        field = self.columns.get(kind, {}).get(normalize(header))
        if field is not None:
            return found.column(field)
        return found.find_column(header)

    def value_for(self, kind: str, field: str, text: str) -> str:
        """``text`` in our spelling, if the mapping has one for it; else ``text`` itself."""
        spellings = self.values.get((kind, field))
        if not spellings:
            return text
        return spellings.get(normalize(text), text)
