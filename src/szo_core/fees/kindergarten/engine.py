"""The fee engine: one child, one month, a self-explaining :class:`FeeStatement`.

:func:`compute` is pure: the same month, child, inputs and rules always give the
same statement, and nothing is read from a clock, a file or a database.  The
steps (``docs/fees.md`` has the rules and their legal sources):

1. **Enrollment**: the billing days from the enrollment day to the (effective)
   exit day, both included, over the month's billing days (working days by
   default).  Closed days stay in the month's days; a closure that is not
   billed leaves its days out of the child's.
2. **Fact periods**: the month is split where a dated fact of the child
   changes (the municipality of residence and so the regresor, the parents'
   tax status, the group).  Each period is billed under the rules of the
   municipality in force then: its reservations, absences and discounts.
3. **Segments**: within a period, the month is split wherever the decision in
   force, the child's program or a price (of the program or of its reference
   program) changes; each segment is pro-rated by its own billing days.
4. **Payers** per segment: parents pay coefficient × (price − food of announced
   absence days); the state pays its sibling share of that (dated scale); a
   municipality's extra discounts move part of the parents' amount to it; the
   regresor pays the rest.  Reserved days (summer, sick, temporary exit) are
   charged under the regresor's reservation scheme.  A private kindergarten and
   a developmental unit base the parents' payment on a reference program's
   price; unannounced absence days may be charged on top (ZVrt-H).
5. **Rounding**: the total is rounded half-up to cents once; the parents' and
   the state's totals are rounded half-up; the regresor gets the remainder, so
   the parts add up to the total exactly.  The lines of a payer get cumulative
   rounding (each line is the rounded running sum less the previous one), and
   the regresor's last share line absorbs the cent that is left, with a note.

Example:
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from szo_core.calendar import Month
    >>> from szo_core.model import Child, Decision, Program, ProgramPrice
    >>> program = Program(organisation_id="org", code="I", prices=(ProgramPrice(
    ...     valid_from=date(2026, 1, 1), monthly=Decimal("500.00"),
    ...     food_per_day=Decimal("2.50")),))
    >>> child = Child(organisation_id="org", code=101, municipality_code=61,
    ...               enrollment_date=date(2026, 9, 14))
    >>> decision = Decision(organisation_id="org", id="d-1", child_code=101, number="1/26",
    ...     coefficient=Decimal("0.43"), valid_from=date(2026, 9, 1))
    >>> inputs = FeeInputs(programs=(program,), program_code="I", decisions=(decision,))
    >>> s = compute(Month(2026, 9), child, inputs, FeeRules(host_municipality=61))
    >>> s.days_enrolled, s.days_in_month  # 14. 9. - 30. 9.: 13 of 22 working days
    (13, 22)
    >>> s.total  # 500 × 13/22 = 295.4545… -> 295.45
    Decimal('295.45')
    >>> s.total_for(PayerKind.PARENTS)  # 0.43 × 295.4545… = 127.045… -> 127.05
    Decimal('127.05')
    >>> s.total_for(PayerKind.MUNICIPALITY)  # 295.45 − 127.05
    Decimal('168.40')
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, cast

from szo_core._gc import collector_paused
from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees.kindergarten.inputs import FeeInputs
from szo_core.fees.kindergarten.proration import (
    MonthFacts,
    count_between,
    effective_exit,
    month_facts,
    prorate,
)
from szo_core.fees.kindergarten.rules import (
    ZUPJS_COEFFICIENTS,
    DiscountKind,
    FeeRules,
    FoodDeductionMode,
    LengthUnit,
    MunicipalRules,
    ProrationBasis,
    ReservationBasis,
    ReservationScheme,
    RoundingPoint,
    UnannouncedAbsenceCharge,
)
from szo_core.fees.kindergarten.siblings import SiblingEra
from szo_core.fees.statement import ClosedDay, FeeLine, FeeStatement, LineKind, PayerKind
from szo_core.model import (
    Child,
    Decision,
    Program,
    ProgramKind,
    ProgramPrice,
    Reservation,
    ReservationKind,
)
from szo_core.money import CENT

__all__ = ["Progress", "compute", "compute_month", "last_charged_day"]

Progress = Callable[[int, int], None]
"""A progress callback: ``progress(done, total)``."""

STATE_ID: Final = "state"
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_PAYER_RANK: Final = {kind: i for i, kind in enumerate(PayerKind)}
_REGULAR: Final = ProgramKind.REGULAR
_TEMPORARY_EXIT: Final = ReservationKind.TEMPORARY_EXIT
ZVRT_34: Final = "ZVrt Art. 34"
"""Source quoted on the lines of a private kindergarten without a concession."""
DEVELOPMENTAL_SOURCE: Final = "ZVrt Art. 28; parents' base is the regular program (Vrtec Konjice)"
"""Source quoted on a developmental unit's line for the regresor."""
TEMPORARY_EXIT_SOURCE: Final = "Pravilnik o metodologiji, Art. 16a (Ur. l. RS 77/05)"
"""Source quoted on a temporary exit's lines when the scheme names none."""


def compute(month: Month, child: Child, inputs: FeeInputs, rules: FeeRules) -> FeeStatement:
    """Compute one child's fee for ``month``.

    Args:
        month: The month to bill.
        child: The child record (enrollment and exit days, dated municipality of
            residence and regresor, dated tax status, group and program history).
        inputs: The child's decisions, programs, reservations, absences and
            sibling facts (:class:`FeeInputs`).
        rules: The configuration (:class:`FeeRules`).

    Returns:
        The statement; a child not enrolled on any billing day of the month
        gets an empty statement (no lines, total 0.00).

    Raises:
        szo_core.errors.FeeRuleError: when a program or its price is missing
            (``fees.inputs.program``, ``fees.inputs.no_program``,
            ``fees.inputs.no_price``), or a private or developmental program
            costs less than its reference program
            (``fees.inputs.price_below_reference``).

    See the module example.
    """
    return _compute(month, month_facts(month, rules), child, inputs, rules)


def _compute(
    month: Month, facts: MonthFacts, child: Child, inputs: FeeInputs, rules: FeeRules
) -> FeeStatement:
    """:func:`compute` with the month's calendar facts already looked up."""
    enrollment = child.enrollment_date
    if enrollment is None or facts.days_in_month == 0:
        return _empty(month, child, facts)
    exit_day = effective_exit(child.exit_date, inputs.exit_notice_on, rules)
    start = max(enrollment.toordinal(), facts.first)
    end = facts.last if exit_day is None else min(exit_day.toordinal(), facts.last)
    if start > end:
        return _empty(month, child, facts)
    if rules.proration_basis is ProrationBasis.WHOLE_MONTH:
        start, end = facts.first, facts.last
    if count_between(facts.billing, start, end) == 0 and not facts.closed:
        return _empty(month, child, facts)  # (a month closed throughout still lists its days)
    return _Computation(month, facts, child, inputs, rules, start, end).run()


def _empty(month: Month, child: Child, facts: MonthFacts) -> FeeStatement:
    return FeeStatement(
        month=month,
        child_code=child.code,
        days_in_month=facts.days_in_month,
        days_enrolled=0,
        price=_ZERO,
        food_deduction=_ZERO,
        total=_ZERO.quantize(CENT),
        lines=(),
    )


def compute_month(
    month: Month,
    children: Iterable[tuple[Child, FeeInputs]],
    rules: FeeRules,
    *,
    progress: Progress | None = None,
    every: int = 1000,
) -> tuple[FeeStatement, ...]:
    """Compute ``month`` for many children (the batch a billing run needs).

    The calendar facts of the month are computed once and shared.  ``progress``
    (if given) is called as ``progress(done, total)`` every ``every`` children
    and at the end; ``total`` is 0 when ``children`` has no length.

    When ``children`` is a sequence (a list or tuple: built already, so no
    code of the caller runs during the batch except ``progress``), Python's
    cyclic garbage collector is paused while the statements are built and
    turned back on at the end, also on an error, unless it was off already.
    Each child adds about six container objects (the statement, its lines)
    that all survive and hold no reference cycles; with the collector running,
    the growing heap triggers full collections that walk every object of the
    process again, the inputs included (about 12 % of the time for 100,000
    children, and the reason the time per child grew with the batch).  Paused,
    the first collection after the batch walks the new objects once
    (``benchmarks/bench_fees.py`` counts it in the engine's time).  The pause
    is process-wide: other threads do not collect meanwhile.  A lazy iterable
    is consumed with the collector on, as its producer may make cyclic garbage.

    Example:
        >>> from szo_core.calendar import Month
        >>> seen = []
        >>> compute_month(Month(2026, 9), [], FeeRules(host_municipality=61),
        ...               progress=lambda done, total: seen.append((done, total)))
        ()
        >>> seen
        [(0, 0)]
    """
    items: Sequence[tuple[Child, FeeInputs]] | Iterable[tuple[Child, FeeInputs]] = children
    is_sequence = isinstance(items, Sequence)
    total = len(items) if isinstance(items, Sequence) else 0
    result: list[FeeStatement] = []
    append = result.append
    facts = month_facts(month, rules)  # once for the batch
    done = 0
    with collector_paused(is_sequence and _PAUSE_COLLECTOR):
        for child, inputs in items:
            append(_compute(month, facts, child, inputs, rules))
            done += 1
            if progress is not None and done % every == 0:
                progress(done, total)
    if progress is not None and (done == 0 or done % every):
        progress(done, total)
    return tuple(result)


_PAUSE_COLLECTOR = True
"""Whether :func:`compute_month` pauses the collector (the benchmark turns it off to compare)."""


def _active_decisions(decisions: tuple[Decision, ...]) -> list[Decision]:
    if not decisions:
        return []
    superseded = {d.supersedes for d in decisions if d.supersedes}
    if not superseded:
        return list(decisions)
    return [d for d in decisions if d.id not in superseded]


def _decision_on(active: list[Decision], day: date) -> Decision | None:
    best: Decision | None = None
    for d in active:
        if d.valid_from > day or (d.valid_to is not None and day > d.valid_to):
            continue
        # the latest start wins; then the latest issued; then the later record
        if best is None or (d.valid_from, d.issued_on or date.min) >= (
            best.valid_from,
            best.issued_on or date.min,
        ):
            best = d
    return best


def _regresor_facts(rules: FeeRules, code: int) -> tuple[PayerKind, MunicipalRules, bool]:
    """Payer kind, applicable rules and "own rules" flag of a regresor (cached in rules)."""
    key = ("regresor", code)
    found = rules._cache.get(key)
    if found is None:
        kind = (
            PayerKind.MUNICIPALITY
            if code == rules.host_municipality
            else PayerKind.OTHER_MUNICIPALITY
        )
        found = rules._cache[key] = (kind, rules.municipal(code), rules.is_own(code))
    return found  # type: ignore[return-value]


def _era_on(rules: FeeRules, ordinal: int, day: date) -> SiblingEra:
    """The sibling-scale era in force on ``day`` (cached in rules by ordinal)."""
    key = ("era", ordinal)
    found = rules._cache.get(key)
    if found is None:
        found = rules._cache[key] = rules.sibling_scale.era_on(day)
    return found  # type: ignore[return-value]


_LABELS: dict[int, str] = {}
# Rule texts shared by every line that quotes them (one string object, not one per line).
_FOOD_RULE: Final = {mode: "food: " + mode for mode in FoodDeductionMode}
_DISCOUNT_RULE: Final = {kind: str(kind) for kind in DiscountKind}
_DAILY_CAP: Final = "capped at the daily price"


def _municipality_label(code: int) -> str:
    """``"SI-061"``: the payer id of a municipality without a regresor id (memoised)."""
    label = _LABELS.get(code)
    if label is None:
        label = _LABELS[code] = f"SI-{code:03d}"
    return label


_DAYS: dict[int, date] = {}


def _day(ordinal: int) -> date:
    """The date of ``ordinal``, one shared object per day (statements hold fewer objects)."""
    found = _DAYS.get(ordinal)
    if found is None:
        if len(_DAYS) >= 4096:  # bounded: a few years of days
            _DAYS.clear()
        found = _DAYS[ordinal] = date.fromordinal(ordinal)
    return found


def _lower_class(coefficient: Decimal) -> Decimal:
    lower = _ZERO
    for value in ZUPJS_COEFFICIENTS:
        if value < coefficient:
            lower = value
    return lower


def _with_note(note: str, more: str) -> str:
    return f"{note}; {more}" if note else more


def last_charged_day(start: date) -> date:
    """The last day of a temporary exit that may be charged: two months from ``start``.

    Pravilnik o metodologiji Art. 16a: costs for at most two months.  The two
    months end the day before the same day two months later, or with the end of
    that month when it has no such day.

    >>> last_charged_day(date(2026, 7, 15)), last_charged_day(date(2026, 12, 31))
    (datetime.date(2026, 9, 14), datetime.date(2027, 2, 28))
    """
    target = Month.of(start) + 2
    last = target.last
    if start.day > last.day:
        return last
    return date(target.year, target.month, start.day) - timedelta(days=1)


def _price_on(program: Program, day: date, child: Child) -> ProgramPrice:
    try:
        return program.price_on(day)
    except ValueError as exc:
        raise FeeRuleError(
            "fees.inputs.no_price",
            sl=f"Program {program.code} na dan {day:%d. %m. %Y} nima cene.",
            en=f"Program {program.code} has no price on {day.isoformat()}.",
            where=f"child {child.code}",
        ) from exc


class _Group:
    """Reserved days of one reservation at one rate within a segment."""

    __slots__ = ("billing", "rate", "reservation", "scheme", "working")

    def __init__(self, reservation: Reservation, scheme: ReservationScheme, rate: Decimal) -> None:
        self.reservation = reservation
        self.scheme = scheme
        self.rate = rate
        self.billing = 0
        self.working = 0


# Positions in a draft line (a list laid out like FeeLine's fields, built positionally).
_KIND: Final = 2
_COEFFICIENT: Final = 11
_RULE: Final = 12
_SOURCE: Final = 13
_UNROUNDED: Final = 14
_AMOUNT: Final = 15
_NOTE: Final = 18


class _Computation:
    """The working state of one compute() call (private; one per child and month).

    The fields from ``muni`` to ``unannounced`` belong to the current fact period
    (a run of days with the same residence and tax status): :meth:`_enter` sets them.
    """

    __slots__ = (
        "absent",
        "billed",
        "billing",
        "charges_total",
        "child",
        "dim",
        "end",
        "facts",
        "food_total",
        "inputs",
        "month",
        "muni",
        "out",
        "own",
        "parents",
        "parents_id",
        "price_total",
        "regresor",
        "regresor_code",
        "regresor_kind",
        "reserved",
        "residence_id",
        "rules",
        "start",
        "state",
        "taxpayer",
        "unannounced",
        "working",
    )

    def __init__(
        self,
        month: Month,
        facts: MonthFacts,
        child: Child,
        inputs: FeeInputs,
        rules: FeeRules,
        start: int,
        end: int,
    ) -> None:
        self.month = month
        self.child = child
        self.inputs = inputs
        self.rules = rules
        self.facts = facts
        self.billing = facts.billing
        self.working = facts.working
        self.dim = facts.days_in_month
        self.start = start
        self.end = end
        self.billed = 0
        self.parents_id = str(child.code)
        self.parents: list[list[object]] = []
        self.state: list[list[object]] = []
        self.regresor: list[list[object]] = []
        self.price_total = _ZERO
        self.food_total = _ZERO
        self.charges_total = _ZERO
        self.reserved: dict[int, tuple[Reservation, ReservationScheme, Decimal]] = {}
        self.absent: list[int] = []
        self.out: list[int] = []
        self.unannounced: list[int] = []

    # -- the whole month -------------------------------------------------------------

    def run(self) -> FeeStatement:
        child = self.child
        active = _active_decisions(self.inputs.decisions)
        if child.residence_changes or child.taxpayer_changes:
            for lo, hi in self._periods():
                self._enter(lo, hi, dated=True)
                for seg_start, seg_end in self._segments(active, lo, hi):
                    self._segment(seg_start, seg_end, active)
        else:
            lo, hi = self.start, self.end
            self._enter(lo, hi, dated=False)
            for seg_start, seg_end in self._segments(active, lo, hi):
                self._segment(seg_start, seg_end, active)
        return self._finish()

    def _periods(self) -> list[tuple[int, int]]:
        """Runs of days with the same dated facts (residence, tax status, group)."""
        start, end = self.start, self.end
        cuts = [d.toordinal() for d in self.child.fact_changes_between(_day(start), _day(end))]
        if not cuts:
            return [(start, end)]
        return list(zip([start, *cuts], [c - 1 for c in cuts] + [end], strict=True))

    def _enter(self, lo: int, hi: int, *, dated: bool) -> None:
        """Take the facts in force on ``lo`` and the rules of that period's regresor."""
        child, inputs, rules = self.child, self.inputs, self.rules
        if dated:
            day = _day(lo)
            code, self.residence_id = child.residence_on(day)
            self.taxpayer = inputs.taxpayer and child.taxpayers_on(day)
        else:
            code, self.residence_id = child.municipality_code, child.regresor_id
            self.taxpayer = inputs.taxpayer and child.parents_taxpayers
        self.regresor_code = rules.host_municipality if code is None else code
        self.regresor_kind, self.muni, self.own = _regresor_facts(rules, self.regresor_code)
        self.reserved = {}
        self.out = []
        self.absent = []
        self.unannounced = []
        extra_absent: set[int] = set()
        if inputs.reservations:
            extra_absent = self._reservations(lo, hi)
        food_only = self.facts.food_only
        if inputs.absences or extra_absent or (food_only and count_between(food_only, lo, hi)):
            self._absent_days(lo, hi, extra_absent)

    def _segments(self, active: list[Decision], start: int, end: int) -> list[tuple[int, int]]:
        points: list[int] = []  # the first days of new segments (start < day <= end)
        for d in active:
            at = d.valid_from.toordinal()
            if start < at <= end:
                points.append(at)
            if d.valid_to is not None:
                at = d.valid_to.toordinal() + 1
                if start < at <= end:
                    points.append(at)
        codes = {self._program_code(_day(start))}
        for g in self.child.groups:
            at = g.valid_from.toordinal()
            if start < at <= end:
                points.append(at)
                codes.add(g.program_code)
        inputs = self.inputs
        for code in codes:
            program = inputs.program(code)
            for price in program.prices:
                at = price.valid_from.toordinal()
                if start < at <= end:
                    points.append(at)
            if program.reference_program is not None:
                for price in inputs.program(program.reference_program).prices:
                    at = price.valid_from.toordinal()
                    if start < at <= end:
                        points.append(at)
        if not points:
            return [(start, end)]
        cuts = sorted(set(points))
        return list(zip([start, *cuts], [c - 1 for c in cuts] + [end], strict=True))

    def _program_code(self, day: date) -> str:
        code = self.inputs.program_code
        for g in self.child.groups:
            if g.valid_from <= day:
                code = g.program_code
            else:
                break
        if code is None:
            raise FeeRuleError(
                "fees.inputs.no_program",
                sl="Otrok nima programa: ni skupine in ni podane kode programa.",
                en="The child has no program: no group and no program code given.",
                where=f"child {self.child.code}",
            )
        return code

    # -- reservations and absences ---------------------------------------------------

    def _working_ordinals(self, first: date, last: date) -> list[int]:
        """Working days from ``first`` to ``last`` as ordinals, from cached month facts."""
        lo, hi = first.toordinal(), last.toordinal()
        out: list[int] = []
        for month in Month.of(first).through(Month.of(last)):
            working = month_facts(month, self.rules).working
            out.extend(working[bisect_left(working, lo) : bisect_right(working, hi)])
        return out

    def _reservations(self, lo: int, hi: int) -> set[int]:
        """Fill ``self.reserved`` and ``self.out`` for ``lo`` .. ``hi``.

        ``self.reserved`` maps a billing day to (reservation, scheme, rate);
        ``self.out`` lists the days of a temporary exit that are not charged (the
        child is out: not billed at all).  Returns the working days of
        reservations not charged as such: they count as announced absence.
        """
        muni = self.muni
        working, billing = self.working, self.billing
        reserved = self.reserved
        used: dict[tuple[str, int], int] = {}
        not_charged: set[int] = set()
        out: set[int] = set()
        for res in sorted(self.inputs.reservations, key=lambda r: (r.start, r.id)):
            scheme = muni.scheme_for(res.kind)
            temporary = res.kind is _TEMPORARY_EXIT
            units: list[int] = []
            allowed = 0
            if scheme is not None:
                if scheme.unit is LengthUnit.WORKING_DAYS:
                    units = self._working_ordinals(res.start, res.end)
                else:
                    units = list(range(res.start.toordinal(), res.end.toordinal() + 1))
                if self._fits(res, scheme, len(units)):
                    allowed = len(units)
                    if temporary:  # at most two months from its start (Art. 16a)
                        allowed = bisect_right(units, last_charged_day(res.start).toordinal())
                    if scheme.yearly_cap is not None:
                        key = (scheme.cap_group or f"scheme-{id(scheme)}", res.start.year)
                        allowed = max(0, min(allowed, scheme.yearly_cap - used.get(key, 0)))
                        used[key] = used.get(key, 0) + allowed
            r_lo = max(res.start.toordinal(), lo)
            r_hi = min(res.end.toordinal(), hi)
            if r_lo > r_hi:
                continue
            days = billing[bisect_left(billing, r_lo) : bisect_right(billing, r_hi)]
            if scheme is not None and allowed:
                for day in days:
                    if day in reserved or day in out:
                        continue
                    number = bisect_right(units, day)  # the day's number within the reservation
                    if 1 <= number <= allowed:
                        reserved[day] = (res, scheme, scheme.rate_on(number))
                    elif temporary:
                        out.add(day)
                    elif count_between(working, day, day):
                        not_charged.add(day)
            elif temporary:
                out.update(day for day in days if day not in reserved)
            else:
                not_charged.update(
                    working[bisect_left(working, r_lo) : bisect_right(working, r_hi)]
                )
        if out:
            self.out = sorted(out)
            not_charged.difference_update(out)
        return not_charged

    def _fits(self, res: Reservation, scheme: ReservationScheme, length: int) -> bool:
        if scheme.residents_only and not self.own:
            return False
        if scheme.taxpayers_only and not self.taxpayer:
            return False
        if length < scheme.min_length:
            return False
        if scheme.max_length is not None and length > scheme.max_length:
            return False
        if scheme.window is not None:
            since, until = scheme.window
            if res.start.year != res.end.year:
                return False
            if (res.start.month, res.start.day) < since or (res.end.month, res.end.day) > until:
                return False
        if scheme.notice_days is not None:
            announced = res.announced_on
            if announced is None or (res.start - announced).days < scheme.notice_days:
                return False
        return True

    def _absent_days(self, lo: int, hi: int, extra: set[int]) -> None:
        """Fill ``self.absent`` (working days whose food is deducted) and ``self.unannounced``.

        Valid reserved days and days out are neither; the working days of
        ``FOOD_ONLY`` closures are absent days for every child; closure days are
        never unannounced.
        """
        food = self.muni.food
        working = self.working
        days: set[int] = set(extra)
        charged = bool(self.muni.unannounced)
        unannounced: set[int] = set()
        requires_notice = food.requires_notice
        for absence in self.inputs.absences:
            a_lo = max(absence.start.toordinal(), lo)
            a_hi = min(absence.end.toordinal(), hi)
            if a_lo > a_hi:
                continue
            at = absence.announced_at
            chargeable = charged and not absence.doctor_note
            if requires_notice and at is None and not chargeable:
                continue
            # the number of the absence's working days before this part ("from day N")
            number = 0
            if food.from_absence_day > 1 and absence.start.toordinal() < a_lo:
                number = len(self._working_ordinals(absence.start, date.fromordinal(a_lo - 1)))
            for day in working[bisect_left(working, a_lo) : bisect_right(working, a_hi)]:
                number += 1
                if at is None:
                    timely = False
                elif requires_notice or chargeable:
                    deadline = datetime.combine(date.fromordinal(day), food.notice_by, at.tzinfo)
                    timely = at <= deadline
                else:
                    timely = True
                if chargeable and not timely:
                    unannounced.add(day)
                if number < food.from_absence_day:
                    continue
                if requires_notice and not timely:
                    continue
                days.add(day)
        food_only = self.facts.food_only
        if food_only:
            days.update(food_only[bisect_left(food_only, lo) : bisect_right(food_only, hi)])
        for taken in (self.reserved, self.out):
            if taken:
                days.difference_update(taken)
                unannounced.difference_update(taken)
        self.absent = sorted(days)
        if unannounced:
            closed = self.facts.closed
            if closed:
                unannounced.difference_update(day for day, _ in closed)
            self.unannounced = sorted(unannounced)

    def _food_per_day(self, price: Decimal, food: Decimal) -> tuple[Decimal, bool]:
        """The food deducted per day: the daily food cost, at most the daily price.

        The cap is per day, so a month split into parts deducts what the whole
        month deducts (a daily food cost above the daily price is misconfigured,
        and capping keeps every payer's amount from going negative).
        """
        rules, dim = self.rules, self.dim
        if rules.rounding_point is RoundingPoint.MONTH_TOTAL and food * dim <= price:
            return food, False
        daily = prorate(price, 1, dim, rules)
        if food <= daily:
            return food, False
        return daily, True

    # -- one segment ----------------------------------------------------------------

    def _segment(self, lo: int, hi: int, active: list[Decision]) -> None:
        rules, inputs, dim, billing = self.rules, self.inputs, self.dim, self.billing
        days = count_between(billing, lo, hi)
        out = self.out
        if out:
            days -= count_between(out, lo, hi)
        if days <= 0:
            return
        day = _day(lo)
        seg_end = _day(hi)
        program = inputs.program(self._program_code(day))
        price_rec = _price_on(program, day, self.child)
        charged = price_rec.monthly
        food = price_rec.food_per_day
        program_kind = program.kind
        if program_kind is _REGULAR:
            price = charged
        else:
            price = self._reference_price(program, day, charged)

        decision = _decision_on(active, day) if active else None
        era = _era_on(rules, lo, day)
        decision_id: str | None = None
        if not self.taxpayer:
            c, c_rule, order, f = rules.non_taxpayer_coefficient, "non-taxpayer", 1, _ZERO
        elif decision is None:
            c, c_rule = rules.default_coefficient, "no decision: top class"
            order = era.order_of(inputs.siblings)
            f = _ZERO if rules.sibling_needs_decision else era.share(order)
        else:
            c, c_rule, decision_id = (
                decision.coefficient,
                "decision " + decision.number,
                decision.id,
            )
            order = decision.sibling_order or era.order_of(inputs.siblings)
            if decision.state_financed and order < 2:
                order = 2
            f = era.share(order)
        regresor_id = (
            (decision.regresor_id if decision is not None else None)
            or self.residence_id
            or _municipality_label(self.regresor_code)
        )
        rk, pid = self.regresor_kind, self.parents_id
        parents, state, regresor = self.parents, self.state, self.regresor

        # Reserved days in the segment, grouped by (reservation, rate).
        groups: dict[tuple[str, Decimal], _Group] = {}
        reserved_billing = 0
        food_extra = 0  # working days of reservations the child may not have here
        if self.reserved:
            working = self.working
            for d in billing[bisect_left(billing, lo) : bisect_right(billing, hi)]:
                hit = self.reserved.get(d)
                if hit is None:
                    continue
                res, scheme, rate = hit
                is_working = count_between(working, d, d)
                if (scheme.exclude_state_financed and f > 0) or (
                    scheme.first_child_only and order > 1
                ):
                    if res.kind is _TEMPORARY_EXIT:
                        days -= 1  # not charged: the child is out
                    else:
                        food_extra += is_working
                    continue
                group = groups.get((res.id, rate))
                if group is None:
                    group = groups[(res.id, rate)] = _Group(res, scheme, rate)
                group.billing += 1
                group.working += is_working
                reserved_billing += 1
            if days <= 0:
                return
        self.billed += days

        absent = count_between(self.absent, lo, hi) + food_extra if self.absent else food_extra
        normal = days - reserved_billing
        segment_price = prorate(price, days, dim, rules)
        self.price_total += segment_price
        if groups:
            reserved_prices = [prorate(price, g.billing, dim, rules) for g in groups.values()]
            price_n = segment_price - sum(reserved_prices, _ZERO)
        else:
            reserved_prices, price_n = [], segment_price
        food_day, food_capped = food, False
        if food and (absent or groups):
            food_day, food_capped = self._food_per_day(price, food)
        food_n = food_day * absent
        if food_n > price_n:  # never deduct more food than the days' price (FeeRules docs)
            food_n, food_capped = price_n, True
        self.food_total += food_n
        regresor_mark = len(regresor)

        # Normal (not reserved) days: FeeLine fields, positionally
        if normal or absent:
            one_minus_c = _ONE - c
            parents_share = c * price_n
            if parents_share:
                parents.append(
                    [
                        P_,
                        pid,
                        LineKind.SHARE,
                        day,
                        seg_end,
                        price,
                        normal,
                        dim,
                        False,
                        _ZERO,
                        0,
                        c,
                        c_rule,
                        rules.decision_source,
                        parents_share,
                        None,
                        decision_id,
                        None,
                        "" if program_kind is _REGULAR else self._reference_note(program),
                    ]
                )
            muni_share = one_minus_c * price_n
            if muni_share:
                regresor.append(
                    [
                        rk,
                        regresor_id,
                        LineKind.SHARE,
                        day,
                        seg_end,
                        price,
                        normal,
                        dim,
                        False,
                        _ZERO,
                        0,
                        one_minus_c,
                        "rest of the price",
                        "ZVrt Art. 28",
                        muni_share,
                        None,
                        decision_id,
                        None,
                        "",
                    ]
                )
            parents_food = _ZERO
            if food_n:
                food_rule = self.muni.food
                if food_rule.mode is FoodDeductionMode.PARENTS_FIRST:
                    parents_food = min(food_n, c * prorate(price, absent, dim, rules))
                    note = "parents first" + (", capped" if parents_food < food_n else "")
                    p_coef, m_coef = _ONE, _ONE
                else:
                    parents_food = c * food_n
                    note, p_coef, m_coef = "", c, one_minus_c
                muni_food = food_n - parents_food
                food_rule_text = _FOOD_RULE[food_rule.mode]
                if food_capped:
                    note = _with_note(note, _DAILY_CAP)
                food_only = self.facts.food_only
                if absent > food_extra and food_only:
                    closed_food = sum(
                        count_between(self.absent, d, d)
                        for d in food_only[bisect_left(food_only, lo) : bisect_right(food_only, hi)]
                    )
                    if closed_food:
                        note = _with_note(note, f"{closed_food} closure day(s): food only")
                if parents_food:
                    parents.append(
                        [
                            P_,
                            pid,
                            LineKind.FOOD,
                            day,
                            seg_end,
                            _ZERO,
                            0,
                            dim,
                            False,
                            food,
                            absent,
                            p_coef,
                            food_rule_text,
                            food_rule.source,
                            -parents_food,
                            None,
                            decision_id,
                            None,
                            note,
                        ]
                    )
                if muni_food:
                    regresor.append(
                        [
                            rk,
                            regresor_id,
                            LineKind.FOOD,
                            day,
                            seg_end,
                            _ZERO,
                            0,
                            dim,
                            False,
                            food,
                            absent,
                            m_coef,
                            food_rule_text,
                            food_rule.source,
                            -muni_food,
                            None,
                            decision_id,
                            None,
                            note,
                        ]
                    )
            parents_net = parents_share - parents_food
            if f and parents_net:
                share = f * parents_net
                fc = f * c
                parents.append(
                    [
                        P_,
                        pid,
                        LineKind.SIBLING,
                        day,
                        seg_end,
                        price,
                        normal,
                        dim,
                        False,
                        food,
                        absent,
                        -fc,
                        era.id,
                        era.source,
                        -share,
                        None,
                        decision_id,
                        None,
                        "",
                    ]
                )
                state.append(
                    [
                        S_,
                        STATE_ID,
                        LineKind.SIBLING,
                        day,
                        seg_end,
                        price,
                        normal,
                        dim,
                        False,
                        food,
                        absent,
                        fc,
                        era.id,
                        era.source,
                        share,
                        None,
                        decision_id,
                        None,
                        "",
                    ]
                )
                parents_net -= share
            if self.muni.discounts and parents_net > 0:
                self._discounts(
                    (day, seg_end, price, food, normal, absent, c, f, order),
                    program.code,
                    parents_net,
                    regresor_id,
                    decision_id,
                )

        # Reserved days ----------------------------------------------------------------
        for group, reserved_price in zip(groups.values(), reserved_prices, strict=True):
            res, scheme, rate = group.reservation, group.scheme, group.rate
            nbill, nwork = group.billing, group.working
            food_r = food_day * nwork
            if food_r > reserved_price:  # never deduct more food than the days' price
                food_r = reserved_price
            self.food_total += food_r
            rule = f"{res.kind} reservation, rate {rate}"
            source = scheme.source or (
                TEMPORARY_EXIT_SOURCE if res.kind is _TEMPORARY_EXIT else "municipal sklep"
            )
            note = _DAILY_CAP if food_capped and nwork else ""
            net = reserved_price - food_r  # what the reserved days cost, food deducted
            if scheme.basis is ReservationBasis.FLAT_PER_DAY:
                fee = rate * nwork
                f_price, f_days, f_per_day, f_food, f_food_days, f_coef = (
                    rate,
                    nwork,
                    True,
                    _ZERO,
                    0,
                    _ONE,
                )
                assigned = c * reserved_price
                if fee > assigned:  # never more than attending would cost (the normal payment)
                    fee, note = assigned, _with_note(note, "capped at the assigned payment")
            else:
                after = net if scheme.after_food else reserved_price
                f_coef = rate * c
                fee = f_coef * after
                f_price, f_days, f_per_day = price, nbill, False
                f_food, f_food_days = (food, nwork) if scheme.after_food else (_ZERO, 0)
            if fee > net:  # the regresor's part of the reserved days is never negative
                fee, note = net, _with_note(note, "capped at the price of the days less food")
            rid = res.id
            if fee:
                parents.append(
                    [
                        P_,
                        pid,
                        LineKind.RESERVATION,
                        day,
                        seg_end,
                        f_price,
                        f_days,
                        dim,
                        f_per_day,
                        f_food,
                        f_food_days,
                        f_coef,
                        rule,
                        source,
                        fee,
                        None,
                        decision_id,
                        rid,
                        note,
                    ]
                )
                regresor.append(
                    [
                        rk,
                        regresor_id,
                        LineKind.RESERVATION,
                        day,
                        seg_end,
                        f_price,
                        f_days,
                        dim,
                        f_per_day,
                        f_food,
                        f_food_days,
                        -f_coef,
                        rule,
                        source,
                        -fee,
                        None,
                        decision_id,
                        rid,
                        note,
                    ]
                )
                if f:
                    share = f * fee
                    state.append(
                        [
                            S_,
                            STATE_ID,
                            LineKind.SIBLING,
                            day,
                            seg_end,
                            f_price,
                            f_days,
                            dim,
                            f_per_day,
                            f_food,
                            f_food_days,
                            f * f_coef,
                            era.id,
                            era.source,
                            share,
                            None,
                            decision_id,
                            rid,
                            note,
                        ]
                    )
                    parents.append(
                        [
                            P_,
                            pid,
                            LineKind.SIBLING,
                            day,
                            seg_end,
                            f_price,
                            f_days,
                            dim,
                            f_per_day,
                            f_food,
                            f_food_days,
                            -f * f_coef,
                            era.id,
                            era.source,
                            -share,
                            None,
                            decision_id,
                            rid,
                            note,
                        ]
                    )
            if net:
                regresor.append(
                    [
                        rk,
                        regresor_id,
                        LineKind.RESERVATION_REST,
                        day,
                        seg_end,
                        price,
                        nbill,
                        dim,
                        False,
                        food,
                        nwork,
                        _ONE,
                        rule,
                        source,
                        net,
                        None,
                        decision_id,
                        rid,
                        _DAILY_CAP if food_capped and nwork else "",
                    ]
                )

        if program_kind is not _REGULAR:
            self._reference_rest(
                (day, seg_end, days, decision_id, regresor_id),
                program_kind,
                charged - price,
                regresor_mark,
            )
        if self.unannounced:
            self._charges(lo, hi, seg_end, program.code, decision_id)

    def _reference_price(self, program: Program, day: date, charged: Decimal) -> Decimal:
        """The price of the reference program on ``day`` (never above the program's own)."""
        reference = self.inputs.program(str(program.reference_program))
        price = _price_on(reference, day, self.child).monthly
        if charged < price:
            raise FeeRuleError(
                "fees.inputs.price_below_reference",
                sl=(
                    f"Cena programa {program.code} ({charged}) je na dan {day:%d. %m. %Y} "
                    f"nižja od cene primerjalnega programa {reference.code} ({price})."
                ),
                en=(
                    f"The price of program {program.code} ({charged}) on {day.isoformat()} "
                    f"is below that of its reference program {reference.code} ({price})."
                ),
                where=f"child {self.child.code}",
            )
        return price

    @staticmethod
    def _reference_note(program: Program) -> str:
        if program.kind is ProgramKind.PRIVATE:
            return f"public price of program {program.reference_program} ({ZVRT_34})"
        return f"price of the regular program {program.reference_program}"

    def _reference_rest(
        self,
        segment: tuple[date, date, int, str | None, str],
        kind: ProgramKind,
        above: Decimal,
        regresor_mark: int,
    ) -> None:
        """A private or developmental program: who pays above the reference price.

        Private (ZVrt Art. 34): the municipality pays ``private_municipality_share``
        of what it would pay in a public kindergarten (every regresor line of the
        segment but extra discounts, which it funds in full); the parents pay the
        rest of that, and the private price above the public one.
        Developmental unit: the regresor pays the unit's price above the regular one.
        """
        day, seg_end, days, decision_id, regresor_id = segment
        rules, dim, pid = self.rules, self.dim, self.parents_id
        extra = prorate(above, days, dim, rules) if above else _ZERO
        self.price_total += extra
        if kind is ProgramKind.PRIVATE:
            share = rules.private_municipality_share
            keep = _ONE - share
            note = f"the municipality pays {share} of it ({ZVRT_34})"
            mirrors: list[list[object]] = []
            for draft in self.regresor[regresor_mark:]:
                if draft[_KIND] is LineKind.DISCOUNT:
                    continue
                coefficient = cast(Decimal, draft[_COEFFICIENT])
                unrounded = cast(Decimal, draft[_UNROUNDED])
                if keep:
                    mirror = list(draft)
                    mirror[0], mirror[1], mirror[_KIND] = P_, pid, LineKind.PRIVATE_REST
                    mirror[_COEFFICIENT] = keep * coefficient
                    mirror[_UNROUNDED] = keep * unrounded
                    mirror[_RULE] = f"{keep} of the municipality's {draft[_KIND]} line"
                    mirror[_SOURCE] = ZVRT_34
                    mirror[_NOTE] = "not covered by the municipality"
                    mirrors.append(mirror)
                draft[_COEFFICIENT] = share * coefficient
                draft[_UNROUNDED] = share * unrounded
                draft[_NOTE] = _with_note(str(draft[_NOTE]), note)
            self.parents.extend(mirrors)
            if extra:
                self.parents.append(
                    [
                        P_,
                        pid,
                        LineKind.PRIVATE_REST,
                        day,
                        seg_end,
                        above,
                        days,
                        dim,
                        False,
                        _ZERO,
                        0,
                        _ONE,
                        "private price above the public price",
                        ZVRT_34,
                        extra,
                        None,
                        decision_id,
                        None,
                        "",
                    ]
                )
        elif extra:
            self.regresor.append(
                [
                    self.regresor_kind,
                    regresor_id,
                    LineKind.SHARE,
                    day,
                    seg_end,
                    above,
                    days,
                    dim,
                    False,
                    _ZERO,
                    0,
                    _ONE,
                    "developmental unit: its price above the regular program's",
                    DEVELOPMENTAL_SOURCE,
                    extra,
                    None,
                    decision_id,
                    None,
                    "",
                ]
            )

    def _charges(
        self, lo: int, hi: int, seg_end: date, program_code: str, decision_id: str | None
    ) -> None:
        """Unannounced absence days of the segment, charged to the parents (ZVrt-H)."""
        unannounced = self.unannounced
        days = unannounced[bisect_left(unannounced, lo) : bisect_right(unannounced, hi)]
        counts: dict[int, tuple[UnannouncedAbsenceCharge, int]] = {}
        for d in days:
            charge = self.muni.charge_on(_day(d))
            if charge is not None:
                _, n = counts.get(id(charge), (charge, 0))
                counts[id(charge)] = (charge, n + 1)
        for charge, n in counts.values():
            per_day = charge.per_day(program_code)
            if not per_day:
                continue
            amount = per_day * n
            self.charges_total += amount
            self.parents.append(
                [
                    P_,
                    self.parents_id,
                    LineKind.UNANNOUNCED,
                    _day(lo),
                    seg_end,
                    per_day,
                    n,
                    self.dim,
                    True,
                    _ZERO,
                    0,
                    _ONE,
                    "unannounced absence",
                    charge.source,
                    amount,
                    None,
                    decision_id,
                    None,
                    f"{charge.food} food + {per_day - charge.food} a day; on top of the fee",
                ]
            )

    def _discounts(
        self,
        segment: tuple[date, date, Decimal, Decimal, int, int, Decimal, Decimal, int],
        program_code: str,
        parents_net: Decimal,
        regresor_id: str,
        decision_id: str | None,
    ) -> None:
        day, seg_end, price, food, normal, absent, c, f, order = segment
        rules, dim = self.rules, self.dim
        left = parents_net
        keep = _ONE - f
        for discount in self.muni.discounts:
            if discount.first_child_only and (f > 0 or order > 1):
                continue
            if discount.residents_only and not self.own:
                continue
            if discount.taxpayers_only and not self.taxpayer:
                continue
            kind = discount.kind
            d_price, d_food, d_food_days = price, _ZERO, 0
            if kind is DiscountKind.FIXED_AMOUNT:
                d_price, coefficient = discount.amount, _ONE
                amount = prorate(discount.amount, normal, dim, rules)
            elif kind is DiscountKind.LOWER_PRICE_BASE:
                base = discount.price_base_for(program_code)
                if base is None or base >= price:
                    continue
                d_price, coefficient = price - base, keep * c
                amount = coefficient * prorate(price - base, normal, dim, rules)
            else:
                if kind is DiscountKind.PERCENT_BY_CLASS:
                    coefficient = discount.percent_for(c) * keep * c
                else:  # CLASS_LOWER
                    coefficient = keep * (c - _lower_class(c))
                d_food, d_food_days = food, absent
                amount = coefficient * (prorate(price, normal, dim, rules) - food * absent)
            note = ""
            if amount > left:
                amount, note = left, "capped at the parents' amount"
            if amount <= 0:
                continue
            left -= amount
            source = discount.source or "ZVrt Art. 28b"
            rule = _DISCOUNT_RULE[kind]
            self.parents.append(
                [
                    P_,
                    self.parents_id,
                    LineKind.DISCOUNT,
                    day,
                    seg_end,
                    d_price,
                    normal,
                    dim,
                    False,
                    d_food,
                    d_food_days,
                    -coefficient,
                    rule,
                    source,
                    -amount,
                    None,
                    decision_id,
                    None,
                    note,
                ]
            )
            self.regresor.append(
                [
                    self.regresor_kind,
                    regresor_id,
                    LineKind.DISCOUNT,
                    day,
                    seg_end,
                    d_price,
                    normal,
                    dim,
                    False,
                    d_food,
                    d_food_days,
                    coefficient,
                    rule,
                    source,
                    amount,
                    None,
                    decision_id,
                    None,
                    note,
                ]
            )

    # -- rounding -------------------------------------------------------------------

    def _finish(self) -> FeeStatement:
        rounding = self.rules.rounding
        total = (self.price_total - self.food_total + self.charges_total).quantize(
            CENT, rounding=rounding
        )
        # parents, then the state, then each regresor (the last one takes the remainder)
        buckets: list[list[list[object]]] = [self.parents, self.state]
        regresor = self.regresor
        if regresor:
            last_id = regresor[-1][1]
            mixed = False
            for draft in regresor:
                if draft[1] != last_id:
                    mixed = True
                    break
            if mixed:
                ids = list(dict.fromkeys(draft[1] for draft in regresor))
                ids.remove(last_id)
                ids.append(last_id)
                buckets.extend([d for d in regresor if d[1] == i] for i in ids)
            else:
                buckets.append(regresor)
        shown_totals: list[Decimal] = []
        assigned = _ZERO
        for bucket in buckets:
            running = shown = _ZERO
            for draft in bucket:
                running += draft[_UNROUNDED]  # type: ignore[operator]
                rounded = running.quantize(CENT, rounding=rounding)
                # the first line's amount is its rounded value (x − 0 would only copy it)
                draft[_AMOUNT] = rounded if shown is _ZERO else rounded - shown
                shown = rounded
            shown_totals.append(shown)
            assigned += shown
        residue = total - assigned
        rounding_line: FeeLine | None = None
        if residue and not self._absorb(buckets, shown_totals, residue):
            last = _day(self.end)
            code = self.regresor_code
            rounding_line = FeeLine(
                self.regresor_kind,
                self.residence_id or _municipality_label(code),
                LineKind.ROUNDING,
                last,
                last,
                _ZERO,
                0,
                self.dim,
                False,
                _ZERO,
                0,
                _ZERO,
                "remainder",
                "parts sum to the rounded total",
                _ZERO,
                residue,
            )
        new = _new_line
        lines = [new(FeeLine, draft) for bucket in buckets for draft in bucket]
        if rounding_line is not None:
            lines.append(rounding_line)
        closures: tuple[ClosedDay, ...] = ()
        closed = self.facts.closed
        if closed:
            start, end = self.start, self.end
            closures = tuple(
                ClosedDay(_day(d), closure.rule, closure.name, closure.source)
                for d, closure in closed
                if start <= d <= end
            )
        return FeeStatement(
            month=self.month,
            child_code=self.child.code,
            days_in_month=self.dim,
            days_enrolled=self.billed,
            price=self.price_total,
            food_deduction=self.food_total,
            total=total,
            lines=tuple(lines),
            charges=self.charges_total,
            closures=closures,
        )

    @staticmethod
    def _absorb(
        buckets: list[list[list[object]]], shown_totals: list[Decimal], residue: Decimal
    ) -> bool:
        """Add the rounding ``residue`` to one line, with a note; False if no line can take it.

        The last regresor's last share line takes it (its remainder is what the
        regresor owes); when there is no regresor line, or its total would turn
        negative, the parents' last share line, then the state's last line.
        """
        order = [len(buckets) - 1] if len(buckets) > 2 else []
        for index in (*order, 0, 1):
            bucket = buckets[index]
            if not bucket or shown_totals[index] + residue < 0:
                continue
            target = bucket[-1]
            for draft in reversed(bucket):
                if draft[_KIND] is LineKind.SHARE:
                    target = draft
                    break
            target[_AMOUNT] += residue  # type: ignore[operator]
            target[_NOTE] = _with_note(
                str(target[_NOTE]),
                f"absorbs the rounding difference {residue} (parts sum to the rounded total)",
            )
            return True
        return False


# FeeLine._make without its length check: every draft has exactly FeeLine's 19 fields.
_new_line: Final = tuple.__new__
P_: Final = PayerKind.PARENTS
S_: Final = PayerKind.STATE
