"""The fee engine: one child, one month, a self-explaining :class:`FeeStatement`.

:func:`compute` is pure: the same month, child, inputs and rules always give the
same statement, and nothing is read from a clock, a file or a database.  The
steps (``docs/fees.md`` has the rules and their legal sources):

1. **Enrollment**: the billing days from the enrollment day to the (effective)
   exit day, both included, over the month's billing days (working days by
   default, with the kindergarten's closures).
2. **Segments**: the month is split wherever the decision in force, the
   child's program or the program's price changes; each segment is pro-rated
   by its own billing days.
3. **Payers** per segment: parents pay coefficient × (price − food of announced
   absence days); the state pays its sibling share of that (dated scale); a
   municipality's extra discounts move part of the parents' amount to it; the
   regresor pays the rest.  Reserved days (summer, sick) are charged under the
   regresor's reservation scheme.
4. **Rounding**: the total (pro-rated price less food) is rounded half-up to
   cents once; the parents' and the state's totals are rounded half-up; the
   regresor gets the remainder, so the parts add up to the total exactly.  The
   lines of a payer get cumulative rounding (each line is the rounded running
   sum less the previous one), so they add up to the payer's total, and the
   regresor's last line is a visible rounding difference when one is needed.

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
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from szo_core._gc import collector_paused
from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees.inputs import FeeInputs
from szo_core.fees.proration import (
    MonthFacts,
    count_between,
    effective_exit,
    month_facts,
    prorate,
)
from szo_core.fees.rules import (
    ZUPJS_COEFFICIENTS,
    DiscountKind,
    FeeRules,
    FoodDeductionMode,
    LengthUnit,
    MunicipalRules,
    ProrationBasis,
    ReservationBasis,
    ReservationScheme,
)
from szo_core.fees.siblings import SiblingEra
from szo_core.fees.statement import FeeLine, FeeStatement, LineKind, PayerKind
from szo_core.model import Child, Decision, Reservation
from szo_core.money import CENT

__all__ = ["Progress", "compute", "compute_month"]

Progress = Callable[[int, int], None]
"""A progress callback: ``progress(done, total)``."""

STATE_ID: Final = "state"
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_PAYER_RANK: Final = {kind: i for i, kind in enumerate(PayerKind)}


def compute(month: Month, child: Child, inputs: FeeInputs, rules: FeeRules) -> FeeStatement:
    """Compute one child's fee for ``month``.

    Args:
        month: The month to bill.
        child: The child record (enrollment and exit days, municipality of
            residence, regresor, group and program history).
        inputs: The child's decisions, programs, reservations, absences and
            sibling facts (:class:`FeeInputs`).
        rules: The configuration (:class:`FeeRules`).

    Returns:
        The statement; a child not enrolled on any billing day of the month
        gets an empty statement (no lines, total 0.00).

    Raises:
        szo_core.errors.FeeRuleError: when a program or its price is missing.

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
    enrolled = count_between(facts.billing, start, end)
    if enrolled == 0:
        return _empty(month, child, facts)
    return _Computation(month, facts, child, inputs, rules, start, end, enrolled).run()


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
_UNROUNDED: Final = 14
_AMOUNT: Final = 15


class _Computation:
    """The working state of one compute() call (private; one per child and month)."""

    __slots__ = (
        "absent",
        "billing",
        "child",
        "dim",
        "end",
        "enrolled",
        "facts",
        "food_total",
        "inputs",
        "month",
        "muni",
        "own",
        "parents",
        "parents_id",
        "price_total",
        "regresor",
        "regresor_code",
        "regresor_kind",
        "reserved",
        "rules",
        "start",
        "state",
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
        enrolled: int,
    ) -> None:
        self.month = month
        self.child = child
        self.inputs = inputs
        self.rules = rules
        self.facts = facts
        self.billing = facts.billing
        self.dim = facts.days_in_month
        self.start = start
        self.end = end
        self.enrolled = enrolled
        code = child.municipality_code
        self.regresor_code = rules.host_municipality if code is None else code
        self.regresor_kind, self.muni, self.own = _regresor_facts(rules, self.regresor_code)
        self.parents_id = str(child.code)
        self.parents: list[list[object]] = []
        self.state: list[list[object]] = []
        self.regresor: list[list[object]] = []
        self.price_total = _ZERO
        self.food_total = _ZERO
        self.reserved: dict[int, tuple[Reservation, ReservationScheme, Decimal]] = {}
        self.absent: list[int] = []

    # -- the whole month -------------------------------------------------------------

    def run(self) -> FeeStatement:
        inputs = self.inputs
        extra_absent: set[int] = set()
        if inputs.reservations:
            extra_absent = self._reservations()
        if inputs.absences or extra_absent:
            self.absent = self._absent_days(extra_absent)
        active = _active_decisions(inputs.decisions)
        for seg_start, seg_end in self._segments(active):
            self._segment(seg_start, seg_end, active)
        return self._finish()

    def _segments(self, active: list[Decision]) -> list[tuple[int, int]]:
        start, end = self.start, self.end
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
        for code in codes:
            for price in self.inputs.program(code).prices:
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

    def _reservations(self) -> set[int]:
        """Fill ``self.reserved``; return the days of reservations not charged as such.

        ``self.reserved`` maps a billing day to (reservation, scheme, rate); the
        returned working days count as announced absence.
        """
        muni = self.muni
        working, billing = self.facts.working, self.billing
        start, end = self.start, self.end
        used: dict[tuple[str, int], int] = {}
        not_charged: set[int] = set()
        for res in sorted(self.inputs.reservations, key=lambda r: (r.start, r.id)):
            scheme = muni.scheme_for(res.kind)
            units: list[int] = []
            allowed = 0
            if scheme is not None:
                if scheme.unit is LengthUnit.WORKING_DAYS:
                    units = self._working_ordinals(res.start, res.end)
                else:
                    units = list(range(res.start.toordinal(), res.end.toordinal() + 1))
                if self._fits(res, scheme, len(units)):
                    allowed = len(units)
                    if scheme.yearly_cap is not None:
                        key = (scheme.cap_group or f"scheme-{id(scheme)}", res.start.year)
                        allowed = max(0, min(allowed, scheme.yearly_cap - used.get(key, 0)))
                        used[key] = used.get(key, 0) + allowed
            lo = max(res.start.toordinal(), start)
            hi = min(res.end.toordinal(), end)
            if lo > hi:
                continue
            if scheme is not None and allowed:
                for day in billing[bisect_left(billing, lo) : bisect_right(billing, hi)]:
                    if day in self.reserved:
                        continue
                    number = bisect_right(units, day)  # the day's number within the reservation
                    if 1 <= number <= allowed:
                        self.reserved[day] = (res, scheme, scheme.rate_on(number))
                    elif count_between(working, day, day):
                        not_charged.add(day)
            else:
                not_charged.update(working[bisect_left(working, lo) : bisect_right(working, hi)])
        return not_charged

    def _fits(self, res: Reservation, scheme: ReservationScheme, length: int) -> bool:
        if scheme.residents_only and not self.own:
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

    def _absent_days(self, extra: set[int]) -> list[int]:
        """Working days whose food is deducted (valid reserved days excluded)."""
        food = self.muni.food
        working = self.facts.working
        start, end = self.start, self.end
        days: set[int] = set(extra)
        for absence in self.inputs.absences:
            lo = max(absence.start.toordinal(), start)
            hi = min(absence.end.toordinal(), end)
            if lo > hi:
                continue
            at = absence.announced_at
            if food.requires_notice and at is None:
                continue
            # the number of the absence's working days before this month's part ("from day N")
            number = 0
            if food.from_absence_day > 1 and absence.start.toordinal() < lo:
                number = len(self._working_ordinals(absence.start, date.fromordinal(lo - 1)))
            for day in working[bisect_left(working, lo) : bisect_right(working, hi)]:
                number += 1
                if number < food.from_absence_day:
                    continue
                if food.requires_notice and at is not None:
                    deadline = datetime.combine(date.fromordinal(day), food.notice_by, at.tzinfo)
                    if at > deadline:
                        continue
                days.add(day)
        if self.reserved:
            days.difference_update(self.reserved)
        return sorted(days)

    # -- one segment ----------------------------------------------------------------

    def _segment(self, lo: int, hi: int, active: list[Decision]) -> None:
        rules, inputs, dim = self.rules, self.inputs, self.dim
        days = count_between(self.billing, lo, hi)
        if days == 0:
            return
        day = _day(lo)
        seg_end = _day(hi)
        program = inputs.program(self._program_code(day))
        try:
            price_rec = program.price_on(day)
        except ValueError as exc:
            raise FeeRuleError(
                "fees.inputs.no_price",
                sl=f"Program {program.code} na dan {day:%d. %m. %Y} nima cene.",
                en=f"Program {program.code} has no price on {day.isoformat()}.",
                where=f"child {self.child.code}",
            ) from exc
        price, food = price_rec.monthly, price_rec.food_per_day

        decision = _decision_on(active, day) if active else None
        era = _era_on(rules, lo, day)
        decision_id: str | None = None
        if not inputs.taxpayer:
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
            or self.child.regresor_id
            or _municipality_label(self.regresor_code)
        )
        rk, pid = self.regresor_kind, self.parents_id
        parents, state, regresor = self.parents, self.state, self.regresor

        # Reserved days in the segment, grouped by (reservation, rate).
        groups: dict[tuple[str, Decimal], _Group] = {}
        reserved_billing = 0
        food_extra = 0  # working days of reservations the child may not have here
        if self.reserved:
            working, billing = self.facts.working, self.billing
            for d in billing[bisect_left(billing, lo) : bisect_right(billing, hi)]:
                hit = self.reserved.get(d)
                if hit is None:
                    continue
                res, scheme, rate = hit
                is_working = count_between(working, d, d)
                if (scheme.exclude_state_financed and f > 0) or (
                    scheme.first_child_only and order > 1
                ):
                    food_extra += is_working
                    continue
                group = groups.get((res.id, rate))
                if group is None:
                    group = groups[(res.id, rate)] = _Group(res, scheme, rate)
                group.billing += 1
                group.working += is_working
                reserved_billing += 1

        absent = count_between(self.absent, lo, hi) + food_extra if self.absent else food_extra
        normal = days - reserved_billing
        segment_price = prorate(price, days, dim, rules)
        self.price_total += segment_price
        if groups:
            reserved_prices = [prorate(price, g.billing, dim, rules) for g in groups.values()]
            price_n = segment_price - sum(reserved_prices, _ZERO)
        else:
            reserved_prices, price_n = [], segment_price
        food_n = food * absent
        food_capped = food_n > price_n
        if food_capped:  # never deduct more food than the days' price (FeeRules docs)
            food_n = price_n
        self.food_total += food_n

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
                        "",
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
                    note = (note + ", " if note else "") + "capped at the price of the days"
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
            food_r = food * nwork
            if food_r > reserved_price:  # never deduct more food than the days' price
                food_r = reserved_price
            self.food_total += food_r
            rule = f"{res.kind} reservation, rate {rate}"
            source = scheme.source or "municipal sklep"
            note = ""
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
                if fee > assigned:  # never more than attending would cost
                    fee, note = assigned, "capped at the assigned payment"
            else:
                after = reserved_price - food_r if scheme.after_food else reserved_price
                f_coef = rate * c
                fee = f_coef * after
                f_price, f_days, f_per_day = price, nbill, False
                f_food, f_food_days = (food, nwork) if scheme.after_food else (_ZERO, 0)
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
            rest = reserved_price - food_r
            if rest:
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
                        rest,
                        None,
                        decision_id,
                        rid,
                        "",
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
        total = (self.price_total - self.food_total).quantize(CENT, rounding=rounding)
        lines: list[FeeLine] = []
        assigned = _ZERO
        regresor_id = self._last_regresor_id()
        # parents, then the state, then each regresor (the last regresor takes the remainder)
        buckets: list[list[list[object]]] = [self.parents, self.state, self.regresor]
        regresor = self.regresor
        mixed = False
        for draft in regresor:
            if draft[1] != regresor_id:
                mixed = True
                break
        if mixed:
            ids = list(dict.fromkeys(str(draft[1]) for draft in regresor))
            ids.remove(regresor_id)
            ids.append(regresor_id)
            buckets[2:] = [[d for d in regresor if d[1] == i] for i in ids]
        for bucket in buckets:
            running = shown = _ZERO
            for draft in bucket:
                running += draft[_UNROUNDED]  # type: ignore[operator]
                rounded = running.quantize(CENT, rounding=rounding)
                # the first line's amount is its rounded value (x − 0 would only copy it)
                draft[_AMOUNT] = rounded if shown is _ZERO else rounded - shown
                shown = rounded
                lines.append(_new_line(FeeLine, draft))
            assigned += shown
        residue = total - assigned
        if residue:
            last = _day(self.end)
            lines.append(
                FeeLine(
                    self.regresor_kind,
                    regresor_id,
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
            )
        return FeeStatement(
            month=self.month,
            child_code=self.child.code,
            days_in_month=self.dim,
            days_enrolled=self.enrolled,
            price=self.price_total,
            food_deduction=self.food_total,
            total=total,
            lines=tuple(lines),
        )

    def _last_regresor_id(self) -> str:
        if self.regresor:
            return str(self.regresor[-1][1])
        return self.child.regresor_id or _municipality_label(self.regresor_code)


# FeeLine._make without its length check: every draft has exactly FeeLine's 19 fields.
_new_line: Final = tuple.__new__
P_: Final = PayerKind.PARENTS
S_: Final = PayerKind.STATE
