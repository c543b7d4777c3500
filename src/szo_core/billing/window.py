"""A billing window: one :meth:`~szo_core.ports.UnitOfWork.load_period` result, read per month.

A billing run reads its whole correction window and the billed month in one
call.  :class:`Window` hands out, for any month of it, exactly what
:meth:`~szo_core.ports.UnitOfWork.load_month` would have given for that month:

* the children enrolled on a day of the month (both days inclusive), and with
  a ``left_since`` day also those whose exit is on or after it;
* for each, the decisions valid on a day of the month and those that supersede
  one of them, the reservations of the month's calendar year, the absences
  overlapping the month;
* the sibling facts of the month (:meth:`Window.siblings`): families are
  found once for the whole window, then split per month among the children of
  that month, so a chain of shared guardians through a child who is not
  enrolled that month links nobody, as with ``load_month``.

>>> from datetime import date
>>> from szo_core.model import Child
>>> from szo_core.ports import ChildMonth, MonthData
>>> kid = Child(organisation_id="o", code=1, enrollment_date=date(2026, 9, 15))
>>> data = MonthData(organisation_id="o", month=Month(2026, 8), last_month=Month(2026, 10),
...                  children={1: ChildMonth(child=kid)})
>>> window = Window(data)
>>> [str(m) for m in window.months], window.enrolled(1, Month(2026, 8))
(['2026-08', '2026-09', '2026-10'], False)
>>> window.codes(Month(2026, 9))
[1]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

import attrs

from szo_core.billing.fingerprint import Fingerprinter
from szo_core.calendar import Month
from szo_core.fees import FeeInputs, SiblingInfo
from szo_core.model import Absence, Child, Decision, Program, Reservation
from szo_core.ports import ChildMonth, MonthData

__all__ = ["Family", "Window", "families", "orders_on", "sibling_facts"]

_NO_SIBLINGS = SiblingInfo()

Family = tuple[Child, ...]
"""Children linked through shared guardians (any chain of them)."""


def enrolled_in(child: Child, first: date, last: date, left_since: date | None) -> bool:
    """True if ``child`` is enrolled on a day of ``first`` ... ``last``.

    With ``left_since``, a child whose exit is on or after that day counts too.
    """
    if child.enrollment_date is None or child.enrollment_date > last:
        return False
    since = first if left_since is None else min(first, left_since)
    return child.exit_date is None or child.exit_date >= since


def families(children: Iterable[Child]) -> list[Family]:
    """Group children into families by shared guardians (through any chain).

    >>> from szo_core.model import GuardianKind, GuardianLink
    >>> mama = (GuardianLink(guardian_id="g", kind=GuardianKind.MOTHER),)
    >>> kids = [Child(organisation_id="o", code=c, guardians=mama if c < 3 else ())
    ...         for c in (1, 2, 3)]
    >>> [[c.code for c in f] for f in families(kids)]
    [[1, 2], [3]]
    """
    members = list(children)
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_guardian: dict[str, int] = {}
    for i, child in enumerate(members):
        for link in child.guardians:
            other = by_guardian.setdefault(link.guardian_id, i)
            parent[root(i)] = root(other)
    grouped: dict[int, list[Child]] = {}
    for i, child in enumerate(members):
        grouped.setdefault(root(i), []).append(child)
    return [tuple(group) for group in grouped.values()]


def _age_key(child: Child) -> tuple[date, int]:
    return (child.birth_date or date.max, child.code)


def _attends_on(child: Child, day: date) -> bool:
    start, end = child.enrollment_date, child.exit_date
    return not child.inactive and start is not None and start <= day and (end is None or end >= day)


_ALONE: dict[int, SiblingInfo] = {}


def _alone(family_order: int) -> SiblingInfo:
    """The (shared, immutable) facts of a child with no sibling here."""
    found = _ALONE.get(family_order)
    if found is None:
        found = _ALONE[family_order] = SiblingInfo(enrolled_order=1, family_order=family_order)
    return found


def orders_on(family: Family, day: date) -> dict[int, SiblingInfo]:
    """Each member's :class:`~szo_core.fees.SiblingInfo` on ``day`` (the first of a month).

    A child's ``enrolled_order`` counts itself and its siblings attending on
    ``day``, oldest first by birth date, then by code; ``family_order`` is the
    child's own :attr:`~szo_core.model.Child.family_order` when it is larger.
    """
    if len(family) == 1:
        child = family[0]
        return {child.code: _alone(max(1, child.family_order or 0))}
    present = [_age_key(c) for c in family if _attends_on(c, day)]
    out: dict[int, SiblingInfo] = {}
    for child in family:
        key = _age_key(child)
        enrolled = 1 + sum(1 for k in present if k < key)
        out[child.code] = SiblingInfo(
            enrolled_order=enrolled, family_order=max(enrolled, child.family_order or 0)
        )
    return out


def sibling_facts(children: Iterable[Child], day: date) -> dict[int, SiblingInfo]:
    """:func:`orders_on` for every family of ``children``."""
    result: dict[int, SiblingInfo] = {}
    for family in families(children):
        result.update(orders_on(family, day))
    return result


def _decisions_for(
    decisions: tuple[Decision, ...], first: date, last: date
) -> tuple[Decision, ...]:
    if not decisions:
        return decisions
    valid = {
        d.id
        for d in decisions
        if d.valid_from <= last and (d.valid_to is None or d.valid_to >= first)
    }
    if len(valid) == len(decisions):
        return decisions
    return tuple(d for d in decisions if d.id in valid or d.supersedes in valid)


def _overlapping(
    records: tuple[Reservation, ...] | tuple[Absence, ...], first: date, last: date
) -> tuple[Reservation, ...] | tuple[Absence, ...]:
    if not records:
        return records
    kept = tuple(r for r in records if r.start <= last and r.end >= first)
    return records if len(kept) == len(records) else kept  # type: ignore[return-value]


@attrs.frozen
class _Slice:
    decisions: tuple[Decision, ...]
    reservations: tuple[Reservation, ...]
    absences: tuple[Absence, ...]


def child_inputs(
    programs: tuple[Program, ...],
    child: Child,
    decisions: tuple[Decision, ...],
    reservations: tuple[Reservation, ...],
    absences: tuple[Absence, ...],
    siblings: SiblingInfo,
) -> FeeInputs:
    """The fee engine's inputs for one child's month: the one place billing builds them.

    The parents' tax status is not passed: the engine reads the child's dated
    status (:meth:`~szo_core.model.Child.taxpayers_on`).
    """
    return FeeInputs(
        programs=programs,
        decisions=decisions,
        reservations=reservations,
        absences=absences,
        siblings=siblings,
        exit_notice_on=child.exit_notice_on,
    )


class Window:
    """One loaded period, read month by month (see the module docs).

    Args:
        data: A :meth:`~szo_core.ports.UnitOfWork.load_period` (or
            ``load_month``) result.
        left_since: The ``left_since`` day of each month (the exit rule's), or
            None; the period must have been loaded with the earliest of them.
    """

    def __init__(
        self, data: MonthData, left_since: Callable[[Month], date | None] | None = None
    ) -> None:
        self.data = data
        self.months: tuple[Month, ...] = data.months
        self._left_since = left_since or (lambda _month: None)
        self._families: list[Family] | None = None
        self._siblings: dict[Month, dict[int, SiblingInfo]] = {}
        self._codes: dict[Month, list[int]] = {}
        self._single = len(self.months) == 1
        self._programs = tuple(data.programs.values())

    def child(self, code: int) -> Child | None:
        """The child record, if the child is in the window."""
        entry = self.data.children.get(code)
        return None if entry is None else entry.child

    def enrolled(self, code: int, month: Month) -> bool:
        """True if the child counts for ``month`` (as ``load_month`` would list it)."""
        entry = self.data.children.get(code)
        return entry is not None and enrolled_in(
            entry.child, month.first, month.last, self._left_since(month)
        )

    def codes(self, month: Month) -> list[int]:
        """The codes of the children ``load_month`` would list for ``month``, sorted."""
        found = self._codes.get(month)
        if found is None:
            first, last, since = month.first, month.last, self._left_since(month)
            found = sorted(
                code
                for code, entry in self.data.children.items()
                if enrolled_in(entry.child, first, last, since)
            )
            self._codes[month] = found
        return found

    def siblings(self, month: Month) -> Mapping[int, SiblingInfo]:
        """Sibling facts on the first day of ``month``, for the children of that month."""
        found = self._siblings.get(month)
        if found is None:
            found = {}
            if self._families is None:
                self._families = families(e.child for e in self.data.children.values())
            first, last, since = month.first, month.last, self._left_since(month)
            for family in self._families:
                members = tuple(c for c in family if enrolled_in(c, first, last, since))
                if not members:
                    continue
                if len(members) == len(family) or len(members) == 1:
                    found.update(orders_on(members, first))
                else:  # linked only through a child not listed this month: split again
                    for part in families(members):
                        found.update(orders_on(part, first))
            self._siblings[month] = found
        return found

    def _slice(self, entry: ChildMonth, month: Month) -> _Slice:
        if self._single:
            return _Slice(entry.decisions, entry.reservations, entry.absences)
        first, last = month.first, month.last
        reservations = entry.reservations
        if reservations:
            year_first, year_last = date(month.year, 1, 1), date(month.year, 12, 31)
            reservations = _overlapping(reservations, year_first, year_last)  # type: ignore[assignment]
        return _Slice(
            _decisions_for(entry.decisions, first, last),
            reservations,
            _overlapping(entry.absences, first, last),  # type: ignore[arg-type]
        )

    def inputs(self, code: int, month: Month) -> FeeInputs:
        """The fee engine's inputs for the child's ``month`` (as from ``load_month``).

        A child that is not in the window gets the programs only.
        """
        programs = self._programs
        entry = self.data.children.get(code)
        if entry is None:
            return FeeInputs(programs=programs)
        part = self._slice(entry, month)
        return child_inputs(
            programs,
            entry.child,
            part.decisions,
            part.reservations,
            part.absences,
            self.siblings(month).get(code, _NO_SIBLINGS),
        )

    def digest(self, code: int, month: Month, prints: Fingerprinter) -> str:
        """The fingerprint of the child's ``month``: ``prints.digest`` of :meth:`inputs`."""
        return self.digests(code, [month], prints)[0]

    def digests(self, code: int, months: Iterable[Month], prints: Fingerprinter) -> list[str]:
        """The fingerprints of the child's ``months`` (in the child's window).

        The same as ``prints.digest(month, child, self.inputs(code, month))`` for
        each month, computed from the month's records directly, without building
        the inputs.
        """
        entry = self.data.children[code]
        child = entry.child
        single = self._single
        decisions, reservations, absences = entry.decisions, entry.reservations, entry.absences
        year_reservations: dict[int, tuple[Reservation, ...]] = {}
        out = []
        for month in months:
            head, first, last = prints.month_part(month)
            if single:
                ds, rs, ab = decisions, reservations, absences
            else:
                ds = _decisions_for(decisions, first, last)
                rs = reservations
                if rs:
                    found = year_reservations.get(month.year)
                    if found is None:
                        year = month.year
                        found = _overlapping(rs, date(year, 1, 1), date(year, 12, 31))  # type: ignore[assignment]
                        year_reservations[year] = found  # type: ignore[assignment]
                    rs = found  # type: ignore[assignment]
                ab = _overlapping(absences, first, last)  # type: ignore[assignment]
            out.append(
                prints.digest_text(
                    head,
                    first,
                    last,
                    child,
                    decisions=ds,
                    reservations=rs,
                    absences=ab,
                    siblings=self.siblings(month).get(code, _NO_SIBLINGS),
                    program_code=None,
                    taxpayer=child.parents_taxpayers,
                    exit_notice_on=child.exit_notice_on,
                )
            )
        return out

    def month_data(self, month: Month) -> MonthData:
        """The window's records as :class:`~szo_core.ports.MonthData` of one month."""
        children = {}
        for code in self.codes(month):
            entry = self.data.children[code]
            part = self._slice(entry, month)
            children[code] = ChildMonth(
                child=entry.child,
                decisions=part.decisions,
                reservations=part.reservations,
                absences=part.absences,
            )
        return attrs.evolve(self.data, month=month, last_month=None, children=children)
