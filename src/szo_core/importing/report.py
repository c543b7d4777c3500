"""The import report: every error and warning by file, row and column, and the changes.

An :class:`ImportIssue` is where a problem is (the file or sheet, the row as a
spreadsheet numbers it, the column as the file names it), its stable code, and
its message in Slovenian and English.  Messages never contain an EMŠO, a tax
number or an IBAN: a value is quoted only from a column that cannot hold one.

An :class:`ImportReport` has the issues in file and row order and the counts
of what the import adds, updates and leaves unchanged per kind of record.

>>> issue = ImportIssue(code="value.date", severity=Severity.ERROR, sl="Pričakovan je datum.",
...                     en="A date is expected.", source="otroci.csv", row=4,
...                     column="datum vpisa")
>>> print(issue.message("en"))
otroci.csv, row 4, column 'datum vpisa': error value.date: A date is expected.
>>> print(issue.message("sl"))
otroci.csv, vrstica 4, stolpec »datum vpisa«: napaka value.date: Pričakovan je datum.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from szo_core.errors import Language, ValidationError
from szo_core.registry.report import Severity

__all__ = ["Changes", "ImportIssue", "ImportReport", "Severity"]


@attrs.frozen(kw_only=True)
class ImportIssue:
    """One problem found while importing, with its place.

    Attributes:
        code: Stable code (``value.decimal``, ``emso.invalid``, ``reference.unknown`` ...).
        severity: Error (nothing is stored) or warning.
        sl: The message in Slovenian.
        en: The message in English.
        source: The file, or ``file.xlsx[sheet]``.
        row: The row number (the header is row 1); None for the whole file.
        column: The column's header as the file has it; None for the whole row.
    """

    code: str
    severity: Severity
    sl: str
    en: str
    source: str
    row: int | None = None
    column: str | None = None

    def place(self, language: Language = "sl") -> str:
        """Where the issue is, in ``language``."""
        parts = [self.source]
        if self.row is not None:
            parts.append(f"{'vrstica' if language == 'sl' else 'row'} {self.row}")
        if self.column is not None:
            parts.append(
                f"stolpec »{self.column}«" if language == "sl" else f"column '{self.column}'"
            )
        return ", ".join(parts)

    def message(self, language: Language = "sl") -> str:
        """The place, the severity and code, and the message in ``language``."""
        if language == "sl":
            label = "napaka" if self.severity is Severity.ERROR else "opozorilo"
            return f"{self.place('sl')}: {label} {self.code}: {self.sl}"
        label = "error" if self.severity is Severity.ERROR else "warning"
        return f"{self.place('en')}: {label} {self.code}: {self.en}"

    def sort_key(self) -> tuple[str, int, str]:
        """Order by file, row (the file's own issues first), column."""
        return (self.source, -1 if self.row is None else self.row, self.column or "")


@attrs.frozen
class Changes:
    """What an import does to one kind of record: how many added, updated, unchanged."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


_NAMES_SL = {
    "organisation": "organizacija",
    "children": "otroci",
    "guardians": "skrbniki",
    "groups": "skupine",
    "programs": "programi",
    "regresors": "regresorji",
    "decisions": "odločbe",
    "reservations": "rezervacije",
}


@attrs.frozen(kw_only=True)
class ImportReport:
    """Every issue of an import, and the changes it makes (or would make, in a dry run).

    Attributes:
        issues: Errors and warnings, by file and row.
        changes: Kind of record -> :class:`Changes`.
        stored: True if the changes were stored (never in a dry run, never with errors).
    """

    issues: tuple[ImportIssue, ...] = ()
    changes: Mapping[str, Changes] = attrs.field(factory=dict)
    stored: bool = False

    @property
    def errors(self) -> tuple[ImportIssue, ...]:
        """The errors."""
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[ImportIssue, ...]:
        """The warnings."""
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True if there are no errors."""
        return not self.errors

    def codes(self) -> tuple[str, ...]:
        """The codes of the issues, in report order."""
        return tuple(i.code for i in self.issues)

    def render(self, language: Language = "sl") -> str:
        """The whole report as text: issues grouped by file, then the changes.

        >>> print(ImportReport(changes={"children": Changes(added=2)}).render("en"))
        No errors, no warnings.
        children: 2 added, 0 updated, 0 unchanged
        """
        lines: list[str] = []
        current: str | None = None
        for issue in self.issues:
            if issue.source != current:
                current = issue.source
                lines.append(current)
            lines.append(f"  {issue.message(language).removeprefix(current + ', ')}")
        errors, warnings = len(self.errors), len(self.warnings)
        if language == "sl":
            lines.append(f"Napak: {errors}, opozoril: {warnings}.")
        elif errors or warnings:
            lines.append(f"Errors: {errors}, warnings: {warnings}.")
        else:
            lines.append("No errors, no warnings.")
        for kind, change in self.changes.items():
            if language == "sl":
                lines.append(
                    f"{_NAMES_SL.get(kind, kind)}: novih {change.added}, "
                    f"spremenjenih {change.updated}, enakih {change.unchanged}"
                )
            else:
                lines.append(
                    f"{kind}: {change.added} added, {change.updated} updated, "
                    f"{change.unchanged} unchanged"
                )
        return "\n".join(lines)

    def raise_for_errors(self) -> None:
        """Raise :class:`~szo_core.errors.ValidationError` ``import.invalid`` if there are errors.

        >>> ImportReport().raise_for_errors()
        """
        if not self.errors:
            return
        first = self.errors[0]
        raise ValidationError(
            "import.invalid",
            sl=f"Uvoz ima napak: {len(self.errors)}; nič ni shranjeno. Prva: {first.sl}",
            en=f"The import has {len(self.errors)} errors; nothing was stored. "
            f"The first: {first.en}",
            where=first.place("en"),
        )
