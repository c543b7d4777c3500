"""Fingerprints: a digest of everything a child's month is computed from.

A billing run recomputes an earlier month of a child only when that month's
inputs changed since it was last computed.  To know, every run stores, for each
child's month it computes, a :class:`~szo_core.billing.Fingerprint`: a digest
of the month's inputs as the fee engine reads them.  The next run computes the
digest again from the records now in force; equal digests mean an equal
result, so the month is skipped without running the engine.

What a fingerprint covers (:meth:`Fingerprinter.digest`):

* the month itself and :data:`FINGERPRINT_VERSION`;
* the fee rules with their calendar (closures, extra working days), once per run;
* the programs with the price entries in force in the month (the one in force
  on its first day and those starting in it), their kind and reference program;
* the child record without the fields that do not change a fee
  (:data:`CHILD_FIELDS_IGNORED`: names, addresses, personal numbers, contract,
  payment and delivery details, notes, ``version``), with its dated histories
  (groups, residence, tax status) clipped to the month: the entry in force on
  the first day and the entries that start in the month, so a move in October
  leaves September's digest as it was;
* the fee inputs built for the month (:class:`~szo_core.fees.FeeInputs`): the
  decisions valid in it and those that supersede one of them, the calendar
  year's reservations, the month's absences, the sibling facts of the month,
  the parents' tax status and the exit notice.

The digest is BLAKE2b (16 bytes, 32 hexadecimal digits) over a canonical text
of these values: attrs records field by field, ``Decimal`` as text, dates ISO,
enumerations by value, sets sorted.  It never uses :func:`hash` (salted per
process), so two processes, or two adapters, give the same digest for the same
records.  A new engine rule that reads a field listed as ignored needs the
field taken off the list; raising :data:`FINGERPRINT_VERSION` makes every month
in the correction window be recomputed once.

>>> from datetime import date, time, timedelta
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.fees import FeeInputs, FeeRules
>>> from szo_core.model import Child, Program, ProgramPrice
>>> program = Program(organisation_id="o", code="I", prices=(ProgramPrice(
...     valid_from=date(2026, 1, 1), monthly=Decimal("500.00"), food_per_day=Decimal("2.50")),))
>>> prints = Fingerprinter(FeeRules(host_municipality=61), {"I": program})
>>> child = Child(organisation_id="o", code=7, first_name="Ana", enrollment_date=date(2026, 1, 5))
>>> inputs = FeeInputs(programs=(program,))
>>> september = prints.digest(Month(2026, 9), child, inputs)
>>> len(september), september == prints.digest(Month(2026, 9), child, inputs)
(32, True)
>>> import attrs
>>> prints.digest(Month(2026, 9), attrs.evolve(child, first_name="Anja"), inputs) == september
True
>>> prints.digest(Month(2026, 10), child, inputs) == september
False
"""

from __future__ import annotations

import enum
import hashlib
import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Final

import attrs

from szo_core.calendar import Month
from szo_core.fees import FeeInputs, FeeRules
from szo_core.model import Child, Program

__all__ = [
    "ABSENT",
    "CHILD_FIELDS_IGNORED",
    "FINGERPRINT_VERSION",
    "INACTIVE",
    "CanonicalTexts",
    "Fingerprinter",
    "canonical",
    "digest",
]

FINGERPRINT_VERSION: Final = "szo-fp-1"
"""Part of every digest; raise it to have every month recomputed once."""

INACTIVE: Final = "inactive"
"""The marker a run stores for a child enrolled in its month but ``inactive``: not billed.

Such a month is never billed later as owed; only months that were billed are
corrected.
"""

ABSENT: Final = "absent"
"""The marker for a child's month whose child is no longer enrolled in the window."""

CHILD_FIELDS_IGNORED: Final = frozenset(
    {
        "first_name",
        "last_name",
        "birth_place",
        "emso",
        "tax_number",
        "citizenship",
        "permanent_address",
        "temporary_address",
        "card_number",
        "employee_id",
        "contract_number",
        "contract_signed_on",
        "contract_ends_on",
        "notes",
        "printable_notes",
        "payer",
        "applicant",
        "payment",
        "delivery",
        "contact_email",
        "payment_group_lead",
        "version",
    }
)
"""Child fields that do not change a fee, left out of the digest."""

_HISTORIES: Final = ("groups", "residence_changes", "taxpayer_changes")
"""Dated histories, clipped to the month."""

_FIELDS: dict[type, tuple[str, ...]] = {}
_GETTERS: dict[type, Callable[[object], tuple[object, ...]]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    found = _FIELDS.get(cls)
    if found is None:
        skip = {"version"}
        if cls is Child:
            skip |= CHILD_FIELDS_IGNORED | set(_HISTORIES)
        found = tuple(
            f.name
            for f in attrs.fields(cls)
            if f.eq and f.name not in skip and not f.name.startswith("_")
        )
        _FIELDS[cls] = found
    return found


_SCALARS: Final = (str, int, bool, type(None))


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """The fields' values of a record as a tuple (``operator.attrgetter``, C speed)."""
    if not names:
        return lambda _value: ()
    fetch = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda value: (fetch(value),)
    return fetch


def _plain(value: object) -> object:
    """``value`` as nested tuples of str, int, bool and None, the same in every process."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if isinstance(value, enum.Enum):
        return (kind.__name__, _plain(value.value))
    if isinstance(value, Decimal):
        return ("D", str(value))
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return ("T", value.days, value.seconds, value.microseconds)
    getter = _GETTERS.get(kind)
    if getter is None and attrs.has(kind):
        getter = _GETTERS[kind] = _getter(_field_names(kind))
    if getter is not None:
        return (kind.__name__, *[_plain(item) for item in getter(value)])
    if isinstance(value, tuple | list):
        if hasattr(value, "_fields"):  # a named tuple
            return (kind.__name__, *(_plain(item) for item in value))
        return tuple(_plain(item) for item in value)
    if isinstance(value, Mapping):
        return ("M", *sorted((repr(_plain(k)), _plain(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return ("S", *sorted(repr(_plain(item)) for item in value))
    raise TypeError(f"cannot fingerprint a {kind.__name__}")


def canonical(value: object) -> str:
    """The canonical text of ``value`` that digests are taken of.

    Records field by field (fields compared for equality only; ``version``
    left out), ``Decimal`` as text, dates ISO, enumerations by value, mappings
    and sets sorted: the same text in every process.

    >>> canonical({date(2026, 9, 2), date(2026, 9, 1)}) == canonical({date(2026, 9, 1),
    ...                                                             date(2026, 9, 2)})
    True
    >>> canonical((Decimal("0.53"), date(2026, 9, 1), None))
    "(('D', '0.53'), '2026-09-01', None)"
    >>> canonical(object())
    Traceback (most recent call last):
    ...
    TypeError: cannot fingerprint a object
    """
    return repr(_plain(value))


def _clipped(history: tuple[object, ...], first: date, last: date) -> tuple[object, ...]:
    """The entry in force on ``first`` and the entries that start in the month."""
    before: object = None
    inside: list[object] = []
    for entry in history:
        start: date = getattr(entry, "valid_from")  # noqa: B009 - every history entry has it
        if start <= first:
            before = entry
        elif start <= last:
            inside.append(entry)
        else:
            break
    return (_plain(before), *(_plain(e) for e in inside))


def _clip_texts(entries: tuple[tuple[date, str], ...], first: date, last: date) -> str:
    """:func:`_clipped` on entries encoded once: ``(valid_from, canonical text)``."""
    before = "None"
    inside = ""
    for start, text in entries:
        if start <= first:
            before = text
        elif start <= last:
            inside += "," + text
        else:
            break
    return before + inside


def _prices_in(program: Program, first: date, last: date) -> object:
    fields = tuple(
        _plain(getattr(program, name)) for name in _field_names(Program) if name != "prices"
    )
    return (fields, _clipped(program.prices, first, last))


def digest(parts: Iterable[str]) -> str:
    """The digest of a month's texts joined (32 hex digits), as every fee plug stores it.

    >>> len(digest(["szo-fp-1", "2026-09"]))
    32
    """
    return _short("\x1f".join(parts))


class CanonicalTexts:
    """:func:`canonical` of each record object, computed once.

    A record loaded once is part of every month it covers; a fee plug asks
    for its text month after month.

    >>> texts = CanonicalTexts()
    >>> record = (Decimal("1.10"), date(2023, 9, 1))
    >>> texts(record) == canonical(record) and texts(record) is texts(record)
    True
    """

    def __init__(self) -> None:
        self._texts: dict[int, tuple[object, str]] = {}

    def __call__(self, record: object) -> str:
        """The canonical text of ``record`` (the same object gives the cached text)."""
        cached = self._texts.get(id(record))
        if cached is None or cached[0] is not record:
            cached = self._texts[id(record)] = (record, canonical(record))
        return cached[1]


def _short(text: str) -> str:
    """A record's canonical text digested once, so that each month's digest reads less."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class _ChildTexts:
    """A child record encoded once per run: its fields, and each dated history's entries."""

    __slots__ = ("child", "fixed", "fixed_from", "histories", "text")

    def __init__(self, child: Child) -> None:
        self.child = child
        self.text = _short(canonical(child))
        self.histories = tuple(
            tuple((entry.valid_from, canonical(entry)) for entry in getattr(child, name))
            for name in _HISTORIES
        )
        # From the day the last entry starts, every month's clip is the last entries.
        starts = [start for entries in self.histories for start, _text in entries]
        self.fixed_from = max(starts) if starts else date.min
        self.fixed = "|".join((entries[-1][1] if entries else "None") for entries in self.histories)

    def histories_in(self, first: date, last: date) -> str:
        if first >= self.fixed_from:
            return self.fixed
        return "|".join(_clip_texts(entries, first, last) for entries in self.histories)


class Fingerprinter:
    """Digests of children's months for one run: rules, programs and records are encoded once.

    Args:
        rules: The fee rules of the run.
        programs: The organisation's programs, by code.

    See the module example.
    """

    def __init__(self, rules: FeeRules, programs: Mapping[str, Program]) -> None:
        self._head = f"{FINGERPRINT_VERSION}|{canonical(rules)}"
        self._programs = programs
        self._months: dict[Month, tuple[str, date, date]] = {}
        self._children: dict[int, _ChildTexts] = {}
        self._records: dict[int, tuple[object, str]] = {}
        self._siblings: dict[object, str] = {}

    def month_part(self, month: Month) -> tuple[str, date, date]:
        """The digest of what the month shares (rules, prices), with its first and last day."""
        return self._month_part(month)

    def _month_part(self, month: Month) -> tuple[str, date, date]:
        found = self._months.get(month)
        if found is None:
            first, last = month.first, month.last
            programs = tuple(
                (code, _prices_in(program, first, last))
                for code, program in sorted(self._programs.items())
            )
            head = hashlib.blake2b(
                f"{self._head}|{month}|{programs!r}".encode(), digest_size=16
            ).hexdigest()
            found = self._months[month] = (head, first, last)
        return found

    def _child(self, child: Child) -> _ChildTexts:
        found = self._children.get(child.code)
        if found is None or found.child is not child:
            found = self._children[child.code] = _ChildTexts(child)
        return found

    def _texts(self, records: tuple[object, ...]) -> str:
        # Records are shared between the months of a window: encode each once.
        out = []
        cache = self._records
        for record in records:
            cached = cache.get(id(record))
            if cached is None or cached[0] is not record:
                cached = cache[id(record)] = (record, _short(canonical(record)))
            out.append(cached[1])
        return "|".join(out)

    def _sibling_text(self, siblings: object) -> str:
        found = self._siblings.get(siblings)
        if found is None:
            found = self._siblings[siblings] = canonical(siblings)
        return found

    def digest(self, month: Month, child: Child, inputs: FeeInputs) -> str:
        """The digest of ``child``'s ``month`` computed from ``inputs`` (32 hex digits).

        ``inputs.programs`` is not read: the programs given to the constructor
        stand for it, with the prices of the month.
        """
        return self.digest_of(
            month,
            child,
            decisions=inputs.decisions,
            reservations=inputs.reservations,
            absences=inputs.absences,
            siblings=inputs.siblings,
            program_code=inputs.program_code,
            taxpayer=inputs.taxpayer,
            exit_notice_on=inputs.exit_notice_on,
        )

    def digest_of(
        self,
        month: Month,
        child: Child,
        *,
        decisions: tuple[object, ...],
        reservations: tuple[object, ...],
        absences: tuple[object, ...],
        siblings: object,
        program_code: str | None,
        taxpayer: bool,
        exit_notice_on: date | None,
    ) -> str:
        """:meth:`digest` from the parts of the inputs, without building the inputs."""
        head, first, last = self._month_part(month)
        return self.digest_text(
            head,
            first,
            last,
            child,
            decisions=decisions,
            reservations=reservations,
            absences=absences,
            siblings=siblings,
            program_code=program_code,
            taxpayer=taxpayer,
            exit_notice_on=exit_notice_on,
        )

    def digest_text(
        self,
        head: str,
        first: date,
        last: date,
        child: Child,
        *,
        decisions: tuple[object, ...],
        reservations: tuple[object, ...],
        absences: tuple[object, ...],
        siblings: object,
        program_code: str | None,
        taxpayer: bool,
        exit_notice_on: date | None,
    ) -> str:
        """:meth:`digest_of` with the month's part (:meth:`month_part`) looked up already."""
        texts = self._child(child)
        parts = (
            head,
            texts.text,
            texts.histories_in(first, last),
            program_code or "",
            self._texts(decisions),
            self._texts(reservations),
            self._texts(absences),
            self._sibling_text(siblings),
            "T" if taxpayer else "F",
            "" if exit_notice_on is None else exit_notice_on.isoformat(),
        )
        return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
