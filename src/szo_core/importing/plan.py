"""Planning and applying an import: rows to records, checks, and one unit of work.

:func:`plan_import` reads every sheet, builds the records, checks them and
compares them with what the unit of work already holds; it writes nothing.
:meth:`ImportPlan.apply` then writes the changes in the same unit of work
(the caller commits), and :func:`import_sheets` does both in a unit of work
of its own, committing only when there is no error.

The rules:

* **Keys.** A record is identified by the organisation's key: a child's
  ``code``, the ``id`` of a guardian, decision, reservation or regresor, the
  ``code`` of a group or program.  A record already stored with the key is
  compared with the imported one: equal ones are left alone (a re-import of
  the same files changes nothing), different ones are updated with the stored
  ``version``, and records with a new key are added.  Nothing is ever removed.
* **What a file does not say is kept.**  A column missing from a file keeps the
  stored value of an existing record (the model's default for a new one); an
  empty cell means the default.  A part file (guardian links, payers ...)
  replaces that part for every child the import touches (listed in the
  children file or in any part file), and leaves it alone when not given.
* **Every problem is reported, none is dropped**: bad values (``value.*``),
  keys given twice (``key.duplicate``), references to records that neither
  the files nor the database hold (``reference.unknown``), a part whose record
  does not exist (``part.record_unknown``), records the model refuses (their
  own codes, such as ``decision.coefficient.range``), the registry's checks
  (:func:`szo_core.registry.validate_registry`: EMŠO, tax numbers, IBANs,
  payers, mandates, payment groups) and updates of decisions a closed billing
  run locked (``decision.locked``).  Any error means nothing is stored.

>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.importing.sources import Sheet
>>> rows = [(2, ("1", "Ana", "Novak")), (3, ("1", "Žan", "Kos"))]
>>> sheet = Sheet("otroci.csv", "otroci.csv", ("koda", "ime", "priimek"), lambda: iter(rows))
>>> report = import_sheets(MemoryStore(), "vrtec", [sheet], check_registry=False)
>>> print(report.render("en"))
otroci.csv
  row 3, column 'koda': error key.duplicate: The key 1 is already in row 2.
Errors: 1, warnings: 0.
children: 1 added, 0 updated, 0 unchanged
>>> report.stored
False
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from szo_core.errors import ConfigurationError, SzoError
from szo_core.importing.kinds import KINDS, Column, Fields, Kind
from szo_core.importing.mapping import ImportMapping
from szo_core.importing.report import Changes, ImportIssue, ImportReport, Severity
from szo_core.importing.sources import Sheet
from szo_core.importing.values import TEXT, CellError
from szo_core.model import Child
from szo_core.ports import Storage, UnitOfWork
from szo_core.registry import RegistryConfig, validate_organisation, validate_registry

__all__ = ["ImportPlan", "Progress", "import_sheets", "plan_import"]

_E, _W = Severity.ERROR, Severity.WARNING

# Which fields refer to records of another kind (kind, field) -> target kind.
REFERENCES: dict[tuple[str, str], str] = {
    ("programs", "reference_program"): "programs",
    ("groups", "program_code"): "programs",
    ("children", "regresor_id"): "regresors",
    ("guardian_links", "guardian_id"): "guardians",
    ("payers", "guardian_id"): "guardians",
    ("payment_groups", "lead_code"): "children",
    ("group_assignments", "group_code"): "groups",
    ("group_assignments", "program_code"): "programs",
    ("residence_changes", "regresor_id"): "regresors",
    ("decisions", "child_code"): "children",
    ("decisions", "regresor_id"): "regresors",
    ("decisions", "supersedes"): "decisions",
    ("reservations", "child_code"): "children",
}
"""References checked by the import: (kind, field) -> the kind it names."""

# Registry fields (validate_registry's Where.field) that live in a part's file.
_PART_OF_FIELD = (
    ("payment.mandate.", "mandates"),
    ("payer", "payers"),
    ("applicant", "payers"),
    ("residence_changes[", "residence_changes"),
    ("payment_group", "payment_groups"),
)

Progress = Callable[[str, int], None]
"""Called as rows are read: (the sheet's source, rows read so far)."""

_PROGRESS_EVERY = 10_000
_BATCH = 5_000
"""Records per bulk insert: the row dicts of one batch are in memory at a time."""

_NO_FIELDS: Fields = {}

_Origin = tuple[str, int]
"""(source, row) a record or part came from."""


@attrs.define
class _Read:
    """What the rows of one kind gave: fields by key, and where each came from."""

    kind: Kind
    present: set[str] = attrs.field(factory=set)  # fields with a column in some sheet
    rows: dict[object, Fields] = attrs.field(factory=dict)
    origins: dict[object, _Origin] = attrs.field(factory=dict)
    headers: dict[tuple[str, str], str] = attrs.field(factory=dict)  # (source, field) -> header
    parts: dict[object, list[tuple[_Origin, Fields]]] = attrs.field(
        factory=lambda: defaultdict(list)
    )


def _compact(fields: Fields) -> Fields:
    return {k: v for k, v in fields.items() if v is not None and v != ""}


@attrs.define
class ImportPlan:
    """What an import would do: the issues, and the records to add and update.

    Attributes:
        organisation_id: The organisation.
        issues: Every error and warning, by file and row.
        added: Kind name -> records to add.
        updated: Kind name -> records to update (with the stored version).
        unchanged: Kind name -> how many records equal the stored ones.
    """

    organisation_id: str
    issues: list[ImportIssue] = attrs.field(factory=list)
    added: dict[str, list[Any]] = attrs.field(factory=lambda: defaultdict(list))
    updated: dict[str, list[Any]] = attrs.field(factory=lambda: defaultdict(list))
    unchanged: dict[str, int] = attrs.field(factory=lambda: defaultdict(int))
    kinds: list[str] = attrs.field(factory=list)

    @property
    def ok(self) -> bool:
        """True if there is no error."""
        return not any(i.severity is Severity.ERROR for i in self.issues)

    def records(self, kind: str) -> list[Any]:
        """The records of ``kind`` the import adds or updates (in key order within each)."""
        return [*self.added.get(kind, ()), *self.updated.get(kind, ())]

    def report(self, *, stored: bool = False) -> ImportReport:
        """The :class:`ImportReport` of the plan."""
        changes = {
            kind: Changes(
                added=len(self.added.get(kind, ())),
                updated=len(self.updated.get(kind, ())),
                unchanged=self.unchanged.get(kind, 0),
            )
            for kind in self.kinds
        }
        ordered = sorted(self.issues, key=ImportIssue.sort_key)
        return ImportReport(issues=tuple(ordered), changes=changes, stored=stored)

    def apply(self, uow: UnitOfWork) -> None:
        """Write the additions and updates into ``uow`` (the caller commits).

        Raises:
            szo_core.errors.ValidationError: ``import.invalid`` if the plan has errors.
            szo_core.errors.StorageError: The store refused a change (the unit
                of work is rolled back by the adapter).
        """
        self.report().raise_for_errors()
        for kind in KINDS.values():
            if kind.repository is None:
                continue
            repository = getattr(uow, kind.repository)
            added = self.added.get(kind.name, [])
            bulk = None if kind.organisation_key else getattr(repository, "add_all", None)
            if bulk is not None:  # the SQL adapter's bulk insert, in batches of bounded memory
                for start in range(0, len(added), _BATCH):
                    bulk(added[start : start + _BATCH])
            else:
                for record in added:
                    repository.add(record)
            for record in self.updated.get(kind.name, []):
                repository.update(record)


class _Planner:
    def __init__(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        mapping: ImportMapping,
        config: RegistryConfig,
        check_registry: bool,
        progress: Progress | None = None,
    ) -> None:
        self.progress = progress
        self.uow = uow
        self.org = organisation_id
        self.mapping = mapping
        self.config = config
        self.check_registry = check_registry
        self.plan = ImportPlan(organisation_id)
        self.read: dict[str, _Read] = {}
        self.stored: dict[str, dict[object, Any]] = {}
        self.final: dict[str, dict[object, Any]] = {}
        self.references: list[tuple[str, object, _Origin, str]] = []  # target, key, where, header

    # -- issues -------------------------------------------------------------------------

    def issue(
        self,
        code: str,
        sl: str,
        en: str,
        source: str,
        row: int | None = None,
        column: str | None = None,
        severity: Severity = _E,
    ) -> None:
        self.plan.issues.append(
            ImportIssue(
                code=code, severity=severity, sl=sl, en=en, source=source, row=row, column=column
            )
        )

    # -- reading ------------------------------------------------------------------------

    def columns_of(self, sheet: Sheet, kind: Kind) -> list[tuple[int, Column]] | None:
        found: list[tuple[int, Column]] = []
        seen: dict[str, str] = {}
        for index, header in enumerate(sheet.header):
            if not header.strip():
                continue
            column = self.mapping.column_for(kind.name, header)
            if column is None:
                self.issue(
                    "column.unknown",
                    f"Stolpec »{header}« ni znan in je prezrt.",
                    f"The column '{header}' is not known and is ignored.",
                    sheet.source,
                    1,
                    header,
                    _W,
                )
                continue
            if column.field in seen:
                self.issue(
                    "column.duplicate",
                    f"Stolpec za isto polje je že »{seen[column.field]}«.",
                    f"The same field already has the column '{seen[column.field]}'.",
                    sheet.source,
                    1,
                    header,
                )
                return None
            seen[column.field] = header
            found.append((index, column))
        missing = [c for c in kind.columns if c.required and c.field not in seen]
        for column in missing:
            self.issue(
                "column.missing",
                f"Manjka obvezni stolpec »{column.sl}« ({column.en}).",
                f"The required column '{column.en}' ({column.sl}) is missing.",
                sheet.source,
                1,
            )
        return None if missing else found

    def read_sheet(self, sheet: Sheet) -> None:
        kind = self.mapping.kind_for(sheet.name)
        if kind is None:
            self.issue(
                "file.kind_unknown",
                "Iz imena ni razvidno, kaj datoteka vsebuje (otroci, skrbniki, odlocbe ...); "
                "preimenujte jo ali jo navedite v preslikavi [files].",
                "The name does not tell what the file holds (children, guardians, "
                "decisions ...); rename it or list it in the mapping's [files].",
                sheet.source,
            )
            return
        columns = self.columns_of(sheet, kind)
        if columns is None:
            return
        read = self.read.setdefault(kind.name, _Read(kind))
        read.present.update(c.field for _, c in columns)
        for _, column in columns:
            read.headers[(sheet.source, column.field)] = sheet.header[_index(columns, column)]
        refs = [
            (column, REFERENCES[(kind.name, column.field)])
            for _, column in columns
            if (kind.name, column.field) in REFERENCES
        ]
        values = self.mapping.values
        spelled = {c.field for _, c in columns if (kind.name, c.field) in values}
        source = sheet.source
        key_field = kind.key
        progress = self.progress
        # (cell index, field, parser, plain text without a mapped spelling, column)
        plan = [
            (index, c.field, c.type.parse, c.type is TEXT and c.field not in spelled, c)
            for index, c in columns
        ]
        number = 1
        for number, cells in sheet.rows():
            if progress is not None and number % _PROGRESS_EVERY == 0:
                progress(source, number - 1)
            fields: Fields = {}
            bad = False
            width = len(cells)
            for index, field, parse, text, column in plan:
                cell = cells[index] if index < width else None
                if cell is None:
                    if column.required:
                        bad = True
                        self.issue(
                            "value.required",
                            "Vrednost je obvezna.",
                            "A value is required.",
                            source,
                            number,
                            sheet.header[index],
                        )
                    continue
                if text and cell.__class__ is str:  # most cells: text as written
                    fields[field] = cell
                    continue
                if field in spelled and isinstance(cell, str):
                    cell = self.mapping.value_for(kind.name, field, cell)
                try:
                    fields[field] = parse(cell)
                except CellError as exc:
                    bad = True
                    shown = "" if column.pii else _shown(cell)
                    self.issue(
                        exc.code,
                        f"{exc.sl}{shown}",
                        f"{exc.en}{shown}",
                        source,
                        number,
                        sheet.header[index],
                    )
            if bad:
                continue
            if kind.organisation_key and not self.own_organisation(fields, read, source, number):
                continue
            key = fields[key_field]
            origin = (source, number)
            for column, target in refs:
                if column.field in fields:
                    self.references.append(
                        (target, fields[column.field], origin, read.headers[(source, column.field)])
                    )
            if kind.is_part:
                read.parts[key].append((origin, fields))
                continue
            if key in read.origins:
                first = read.origins[key]
                where = f"{first[1]}" if first[0] == source else f"{first[0]}, {first[1]}"
                self.issue(
                    "key.duplicate",
                    f"Ključ {key} je že v vrstici {where}.",
                    f"The key {key} is already in row {where}.",
                    source,
                    number,
                    self.header_for(kind.name, source, key_field),
                )
                continue
            read.rows[key] = fields
            read.origins[key] = origin
        if progress is not None:
            progress(source, number - 1)

    def own_organisation(self, fields: Fields, read: _Read, source: str, number: int) -> bool:
        """An organisation row names the import's organisation (an empty cell does)."""
        kind = read.kind
        given = fields.setdefault(kind.key, self.org)
        if given == self.org:
            return True
        self.issue(
            "import.organisation_other",
            f"Vrstica je za drugo organizacijo ({given}) kot uvoz (--org {self.org}).",
            f"The row is for another organisation ({given}) than the import (--org {self.org}).",
            source,
            number,
            self.header_for(kind.name, source, kind.key),
        )
        return False

    # -- building -----------------------------------------------------------------------

    def stored_of(self, kind_name: str) -> dict[object, Any]:
        if kind_name not in self.stored:
            kind = KINDS[kind_name]
            repository = getattr(self.uow, str(kind.repository))
            key = kind.key
            if kind.organisation_key:  # the organisation itself, keyed by its id alone
                found = repository.find(self.org)
                self.stored[kind_name] = {} if found is None else {self.org: found}
            else:
                self.stored[kind_name] = {
                    getattr(record, key): record for record in repository.for_organisation(self.org)
                }
        return self.stored[kind_name]

    def column_of(self, kind: Kind, exc: Exception, source: str) -> str | None:
        """The header of the column a record's error names (``Organisation.tax_number``)."""
        where = getattr(exc, "where", None)
        if not kind.organisation_key or not isinstance(where, str) or "." not in where:
            return None
        field = where.split(".", 1)[1].split("[", 1)[0]
        if where.startswith("BankAccount."):
            field = f"account.{field}" if kind.name == "organisation" else field
        elif where.startswith("InvoiceSeries."):
            field = f"invoice_series.{field}"
        if kind.find_column(field) is None:
            return None
        return self.header_for(kind.name, source, field)

    def refused(
        self, exc: Exception, origin: _Origin, column: str | None = None, kind: Kind | None = None
    ) -> None:
        if column is None and kind is not None:
            column = self.column_of(kind, exc, origin[0])
        if isinstance(exc, SzoError):
            self.issue(exc.code, exc.message("sl"), exc.message("en"), *origin, column)
        else:  # attrs' own checks: name the kind of problem, never the value
            self.issue(
                "record.invalid",
                f"Zapisa ni mogoče sestaviti ({type(exc).__name__}).",
                f"The record cannot be built ({type(exc).__name__}).",
                *origin,
                column,
            )

    def fields_of(self, kind: Kind) -> dict[object, Fields]:
        """The fields of each record in the files, with the stored values of absent columns."""
        read = self.read.get(kind.name)
        if read is None:
            return {}
        stored = self.stored_of(kind.name)
        kept = [c for c in kind.columns if c.field not in read.present]
        found: dict[object, Fields] = {}
        for key, fields in read.rows.items():
            base = stored.get(key)
            if base is not None and kept:
                old = next(kind.rows(base))
                fields = {**_compact({c.field: old[c.field] for c in kept}), **fields}
            found[key] = fields
        return found

    def part_changes(self, parent: Kind, key: object) -> Fields | None:
        """The fields the part files set on record ``key``; None when a part row failed."""
        changes: Fields = {}
        for part in self.parts_of(parent):
            rows = self.read[part.name].parts.get(key, [])
            values = []
            for where, fields in rows:
                try:
                    values.append(part.build(self.org, fields, None))
                except (SzoError, ValueError, TypeError) as exc:
                    self.refused(exc, where, kind=part)
                    return None
            if part.name == "payers" and len({v[0] for v in values}) != len(values):
                self.issue(
                    "key.duplicate",
                    f"Otrok {key} ima več plačnikov ali vlagateljev.",
                    f"The child {key} has more than one payer or applicant.",
                    *rows[-1][0],
                )
                return None
            if part.name in ("mandates", "payment_groups") and len(values) > 1:
                self.issue(
                    "key.duplicate",
                    f"Otrok {key} je v datoteki več kot enkrat.",
                    f"The child {key} is in the file more than once.",
                    *rows[-1][0],
                )
                return None
            assert part.attach is not None
            changes.update(part.attach(values))
        return changes

    def parts_of(self, parent: Kind) -> list[Kind]:
        return [k for k in KINDS.values() if k.parent == parent.name and k.name in self.read]

    def build_records(self, kind: Kind) -> dict[object, tuple[Any, _Origin | None]]:
        """The kind's records the import makes: key -> (record, origin of its first row).

        Each record is made once, from its row's fields and its parts' values
        together, so that its validators run once.
        """
        read = self.read.get(kind.name)
        rows = self.fields_of(kind)
        parts = self.parts_of(kind)
        stored = self.stored_of(kind.name)
        touched: dict[object, None] = dict.fromkeys(rows)
        for part in parts:
            touched.update(dict.fromkeys(self.read[part.name].parts))
        built: dict[object, tuple[Any, _Origin | None]] = {}
        for key in touched:
            base = stored.get(key)
            origin: _Origin | None = None if read is None else read.origins.get(key)
            if origin is None:
                origin = next(
                    self.read[p.name].parts[key][0][0]
                    for p in parts
                    if self.read[p.name].parts.get(key)
                )
            fields = rows.get(key)
            if fields is None:
                if base is None:
                    self.unknown_parent(parts, key)
                    continue
                fields = _compact(next(kind.rows(base)))
            changes = self.part_changes(kind, key) if parts else {}
            if changes is None:
                continue
            if base is not None:
                changes["version"] = base.version  # an update carries the stored version
            try:
                record = kind.build(self.org, {**fields, **changes}, base)
            except (SzoError, ValueError, TypeError) as exc:
                self.refused(exc, origin, kind=kind)
                continue
            built[key] = (record, origin)
        return built

    def release(self, kind: Kind) -> None:
        """Drop the fields read for ``kind`` and its parts; keep where each row was."""
        for name in (kind.name, *(p.name for p in self.parts_of(kind))):
            read = self.read.get(name)
            if read is None:
                continue
            read.rows.clear()
            for key, rows in read.parts.items():
                read.parts[key] = [(origin, _NO_FIELDS) for origin, _ in rows]

    def unknown_parent(self, parts: Sequence[Kind], key: object) -> None:
        for part in parts:
            for where, _ in self.read[part.name].parts.get(key, ()):
                header = self.header_for(part.name, where[0], part.key)
                self.issue(
                    "part.record_unknown",
                    f"Zapisa {key} ni ne v datotekah ne v bazi.",
                    f"There is no record {key} in the files or in the database.",
                    *where,
                    header,
                )

    def diff(self, kind: Kind, built: dict[object, tuple[Any, _Origin | None]]) -> None:
        stored = self.stored_of(kind.name)
        final = dict(stored)
        locks = self.uow.decision_locks if kind.name == "decisions" else None
        for key in built:
            record, origin = built[key]
            final[key] = record
            base = stored.get(key)
            if base is None:
                self.plan.added[kind.name].append(record)
            elif base == record:
                self.plan.unchanged[kind.name] += 1
            else:
                if locks is not None and locks.locked_by(self.org, str(key)) is not None:
                    self.issue(
                        "decision.locked",
                        f"Odločbo {key} je uporabil zaključen obračun; ne spreminjajte je, "
                        "temveč jo nadomestite z novo (nadomešča).",
                        f"The decision {key} was used by a closed billing run; do not change "
                        "it, supersede it with a new one (supersedes).",
                        *(origin or ("?", 0)),
                    )
                    continue
                self.plan.updated[kind.name].append(record)
        self.final[kind.name] = final

    def after(self, kind: str) -> dict[object, Any]:
        """The kind's records as they will be after the import."""
        found = self.final.get(kind)
        return self.stored_of(kind) if found is None else found

    def check_references(self) -> None:
        for target, key, origin, header in self.references:
            if key not in self.after(target):
                name_sl, name_en = _TARGETS[target]
                self.issue(
                    "reference.unknown",
                    f"{name_sl} {key} ni ne v datotekah ne v bazi.",
                    f"There is no {name_en} {key} in the files or in the database.",
                    *origin,
                    header,
                )

    def registry(self, children: dict[object, tuple[Any, _Origin | None]]) -> None:
        guardians = self.read_built.get("guardians", {})
        if not children and not guardians:
            return
        everyone: list[Child] = list(self.after("children").values())
        regresors = self.after("regresors").values()
        report = validate_registry(
            everyone,
            guardians=[g for g, _ in guardians.values()],
            config=self.config,
            regresors=regresors,
        )
        for issue in report.issues:
            if issue.code == "regresor.unknown":
                continue  # reported as reference.unknown, with the row of the reference
            where = issue.where
            if where.record == "child":
                try:
                    key: object = int(where.key)
                except ValueError:
                    continue
                if key not in children:
                    continue
                source, row, column = self.locate_child(key, where.field, children[key][1])
            elif where.record == "guardian" and where.key in guardians:
                origin = guardians[where.key][1]
                assert origin is not None
                source, row = origin
                column = self.header_for("guardians", source, where.field)
            else:
                continue
            self.issue(issue.code, issue.sl, issue.en, source, row, column, issue.severity)

    def header_for(self, kind: str, source: str, field: str) -> str:
        read = self.read.get(kind)
        if read is not None and (source, field) in read.headers:
            return read.headers[(source, field)]
        column = KINDS[kind].find_column(field)
        return field if column is None else column.sl

    def locate_child(
        self, code: object, field: str, origin: _Origin | None
    ) -> tuple[str, int | None, str]:
        for prefix, part in _PART_OF_FIELD:
            if field.startswith(prefix) and part in self.read:
                rows = self.read[part].parts.get(code)
                if rows:
                    (source, row), _ = rows[0]
                    last = field.rsplit(".", 1)[-1]
                    return source, row, self.header_for(part, source, last)
        if origin is None:
            return "?", None, field
        return origin[0], origin[1], self.header_for("children", origin[0], field)

    def run(self, sheets: Iterable[Sheet]) -> ImportPlan:
        for sheet in sheets:
            self.read_sheet(sheet)
        self.read_built: dict[str, dict[object, tuple[Any, _Origin | None]]] = {}
        for kind in KINDS.values():
            if kind.is_part:
                continue
            has_parts = any(k.parent == kind.name and k.name in self.read for k in KINDS.values())
            if kind.name not in self.read and not has_parts:
                continue
            built = self.build_records(kind)
            self.release(kind)
            self.read_built[kind.name] = built
            self.plan.kinds.append(kind.name)
            self.diff(kind, built)
        self.check_references()
        if self.check_registry:
            self.registry(self.read_built.get("children", {}))
            self.organisation_checks(self.read_built.get("organisation", {}))
        return self.plan

    def organisation_checks(self, built: dict[object, tuple[Any, _Origin | None]]) -> None:
        """The registry's checks of the organisation imported (creditor id, address, e-mail)."""
        for organisation, origin in built.values():
            source, row = origin or ("?", None)
            for issue in validate_organisation(organisation).issues:
                field = issue.where.field
                if field == "address":
                    field = "address.street"
                column = self.header_for("organisation", source, field)
                self.issue(issue.code, issue.sl, issue.en, source, row, column, issue.severity)


_TARGETS = {
    "children": ("Otroka s kodo", "child with the code"),
    "guardians": ("Skrbnika", "guardian"),
    "groups": ("Skupine", "group"),
    "programs": ("Programa", "program"),
    "regresors": ("Regresorja", "regresor"),
    "decisions": ("Odločbe", "decision"),
}


def _index(columns: Sequence[tuple[int, Column]], column: Column) -> int:
    return next(i for i, c in columns if c is column)


def _shown(cell: object) -> str:
    text = str(cell)
    if len(text) > 40:
        text = text[:40] + "…"
    return f" [{text}]"


def plan_import(
    uow: UnitOfWork,
    organisation_id: str,
    sheets: Iterable[Sheet],
    *,
    mapping: ImportMapping | None = None,
    config: RegistryConfig | None = None,
    check_registry: bool = True,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read ``sheets`` and plan their import into ``uow``; nothing is written.

    Args:
        uow: The unit of work to compare with (read only here).
        organisation_id: The organisation the records belong to.
        sheets: The sheets (:func:`~szo_core.importing.sources.open_file`).
        mapping: Other names of files, columns and values.
        config: The registry settings for :func:`~szo_core.registry.validate_registry`.
        check_registry: Run the registry's checks on the children and guardians
            imported (on by default; off for raw data moves, such as a backup).
        progress: Called every 10,000 rows and at the end of each sheet with
            the sheet's name and the rows read (for a progress bar).

    Raises:
        ConfigurationError: ``import.organisation`` when ``organisation_id`` is
            not a non-empty string.
    """
    if not isinstance(organisation_id, str) or not organisation_id.strip():
        raise ConfigurationError(
            "import.organisation",
            sl="Organizacija mora biti neprazno besedilo.",
            en="The organisation must be a non-empty string.",
            where="organisation_id",
        )
    planner = _Planner(
        uow,
        organisation_id,
        mapping or ImportMapping(),
        config or RegistryConfig(),
        check_registry,
        progress,
    )
    return planner.run(sheets)


def import_sheets(
    storage: Storage,
    organisation_id: str,
    sheets: Iterable[Sheet],
    *,
    dry_run: bool = False,
    mapping: ImportMapping | None = None,
    config: RegistryConfig | None = None,
    check_registry: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``sheets`` in one unit of work: all rows or none.

    With ``dry_run``, or when the plan has any error, nothing is written and the
    report says what would have changed.  Otherwise the changes are written and
    committed together.

    Raises:
        szo_core.errors.StorageError: The store refused the changes at commit;
            nothing was stored.
    """
    with storage.unit_of_work() as uow:
        plan = plan_import(
            uow,
            organisation_id,
            sheets,
            mapping=mapping,
            config=config,
            check_registry=check_registry,
            progress=progress,
        )
        if dry_run or not plan.ok:
            return plan.report()
        plan.apply(uow)
        uow.commit()
    return plan.report(stored=True)
