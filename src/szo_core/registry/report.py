"""Validation reports: every problem found, errors and warnings, each with its place.

A :class:`ValidationReport` collects :class:`Issue` s; validation never stops at
the first problem.  Each issue has a stable ``code`` (for programs and
translations), a message in Slovenian and English, and :class:`Where` it is: the
record (kind and key) and the field.  Errors must be fixed before billing;
warnings are for a person to look at.

>>> issue = Issue(code="name.missing", severity=Severity.ERROR,
...               sl="Priimek manjka.", en="The last name is missing.",
...               where=Where(record="child", key="101", field="last_name"))
>>> report = ValidationReport(errors=(issue,))
>>> report.ok
False
>>> str(issue.where)
'child 101: last_name'
>>> issue.message("en")
'The last name is missing. (child 101: last_name)'
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
from attrs import validators as v

from szo_core.errors import Language, ValidationError

__all__ = ["Issue", "Severity", "ValidationReport", "Where"]


class Severity(enum.StrEnum):
    """How serious an :class:`Issue` is."""

    ERROR = "error"
    """Must be fixed (the record cannot be billed or paid as it is)."""
    WARNING = "warning"
    """Allowed, but a person should look at it."""


@attrs.frozen(kw_only=True)
class Where:
    """Where an issue is: the kind of record, its key, and the field.

    >>> str(Where(record="guardian", key="g-1", field="emso"))
    'guardian g-1: emso'
    """

    record: str = attrs.field(validator=v.instance_of(str))
    key: str = attrs.field(validator=v.instance_of(str))
    field: str = attrs.field(validator=v.instance_of(str))

    def __str__(self) -> str:
        return f"{self.record} {self.key}: {self.field}"


@attrs.frozen(kw_only=True)
class Issue:
    """One problem: stable code, severity, message in Slovenian and English, and place.

    Messages never contain an EMŠO, a tax number or an IBAN.
    """

    code: str = attrs.field(validator=v.instance_of(str))
    severity: Severity = attrs.field(validator=v.instance_of(Severity))
    sl: str = attrs.field(validator=v.instance_of(str))
    en: str = attrs.field(validator=v.instance_of(str))
    where: Where = attrs.field(validator=v.instance_of(Where))

    def message(self, language: Language = "sl") -> str:
        """Return the message in ``language`` (Slovenian by default), with the place."""
        text = self.sl if language == "sl" else self.en
        return f"{text} ({self.where})"


def _issues(value: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ValidationReport:
    """Errors and warnings found by a validation, in the order they were found.

    >>> ValidationReport().ok
    True
    """

    errors: tuple[Issue, ...] = attrs.field(
        default=(), converter=_issues, validator=v.deep_iterable(v.instance_of(Issue))
    )
    warnings: tuple[Issue, ...] = attrs.field(
        default=(), converter=_issues, validator=v.deep_iterable(v.instance_of(Issue))
    )

    @classmethod
    def of(cls, issues: Iterable[Issue]) -> ValidationReport:
        """Sort ``issues`` into errors and warnings by their severity.

        >>> w = Issue(code="x", severity=Severity.WARNING, sl="s", en="e",
        ...           where=Where(record="child", key="1", field="sex"))
        >>> ValidationReport.of([w]).warnings == (w,)
        True
        """
        items = tuple(issues)
        return cls(
            errors=tuple(i for i in items if i.severity is Severity.ERROR),
            warnings=tuple(i for i in items if i.severity is Severity.WARNING),
        )

    @property
    def ok(self) -> bool:
        """True if there are no errors (warnings allowed)."""
        return not self.errors

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Errors first, then warnings."""
        return (*self.errors, *self.warnings)

    def codes(self) -> tuple[str, ...]:
        """The codes of all issues, errors first."""
        return tuple(i.code for i in self.issues)

    def for_record(self, record: str, key: str) -> ValidationReport:
        """Return only the issues of one record.

        >>> ValidationReport().for_record("child", "1").ok
        True
        """
        return ValidationReport(
            errors=tuple(i for i in self.errors if (i.where.record, i.where.key) == (record, key)),
            warnings=tuple(
                i for i in self.warnings if (i.where.record, i.where.key) == (record, key)
            ),
        )

    def __add__(self, other: ValidationReport) -> ValidationReport:
        return ValidationReport(
            errors=self.errors + other.errors, warnings=self.warnings + other.warnings
        )

    def raise_for_errors(self) -> None:
        """Raise a :class:`~szo_core.errors.ValidationError` if there are errors.

        The error's message gives the number of errors and the first one; the
        report itself has them all.

        >>> ValidationReport().raise_for_errors()
        """
        if not self.errors:
            return
        first = self.errors[0]
        count = len(self.errors)
        raise ValidationError(
            "registry.invalid",
            sl=f"Število napak: {count}. Prva: {first.sl}",
            en=f"Errors: {count}. The first: {first.en}",
            where=str(first.where),
        )
