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

from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees.inputs import FeeInputs
from szo_core.fees.proration import count_between, effective_exit, month_facts, prorate
from szo_core.fees.rules import (
    ZUPJS_COEFFICIENTS,
    DiscountKind,
    ExtraDiscount,
    FeeRules,
    FoodDeductionMode,
    LengthUnit,
    MunicipalRules,
    ProrationBasis,
    ReservationBasis,
    ReservationScheme,
)
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

# A draft line: (payer, payer_id, fields for FeeLine without payer/payer_id/amount).
_Draft = tuple[PayerKind, str, dict[str, object]]


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
    facts = month_facts(month, rules)
    dim = facts.days_in_month
    empty = FeeStatement(
        month=month,
        child_code=child.code,
        days_in_month=dim,
        days_enrolled=0,
        price=_ZERO,
        food_deduction=_ZERO,
        total=_ZERO.quantize(CENT),
        lines=(),
    )
    enrollment = child.enrollment_date
    if enrollment is None or dim == 0:
        return empty
    exit_day = effective_exit(child.exit_date, inputs.exit_notice_on, rules)
    start = max(enrollment.toordinal(), facts.first)
    end = facts.last if exit_day is None else min(exit_day.toordinal(), facts.last)
    if start > end:
        return empty
    if rules.proration_basis is ProrationBasis.WHOLE_MONTH:
        start, end = facts.first, facts.last
    billing = facts.billing
    enrolled = count_between(billing, start, end)
    if enrolled == 0:
        return empty
    return _Computation(month, child, inputs, rules, start, end, enrolled).run()


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
    total = len(items) if isinstance(items, Sequence) else 0
    result: list[FeeStatement] = []
    done = 0
    for child, inputs in items:
        result.append(compute(month, child, inputs, rules))
        done += 1
        if progress is not None and done % every == 0:
            progress(done, total)
    if progress is not None and (done == 0 or done % every):
        progress(done, total)
    return tuple(result)


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
        if d.valid_from <= day and (d.valid_to is None or day <= d.valid_to):
            if best is None or (d.valid_from, d.issued_on or date.min) >= (
                best.valid_from,
                best.issued_on or date.min,
            ):
                best = d
    return best


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


class _Computation:
    """The working state of one compute() call (kept private; one per child)."""

    __slots__ = (
        "absent",
        "billing",
        "child",
        "dim",
        "drafts",
        "end",
        "enrolled",
        "facts",
        "food_total",
        "inputs",
        "month",
        "muni",
        "own",
        "parents_id",
        "price_total",
        "regresor_code",
        "regresor_kind",
        "reserved",
        "rules",
        "start",
    )

    def __init__(
        self,
        month: Month,
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
        self.facts = month_facts(month, rules)
        self.billing = self.facts.billing
        self.dim = self.facts.days_in_month
        self.start = start
        self.end = end
        self.enrolled = enrolled
        code = child.municipality_code
        self.regresor_code = rules.host_municipality if code is None else code
        self.regresor_kind = (
            PayerKind.MUNICIPALITY
            if self.regresor_code == rules.host_municipality
            else PayerKind.OTHER_MUNICIPALITY
        )
        self.muni: MunicipalRules = rules.municipal(self.regresor_code)
        self.own = rules.is_own(self.regresor_code)
        self.parents_id = str(child.code)
        self.drafts: list[_Draft] = []
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
        points: set[int] = set()
        for d in active:
            points.add(d.valid_from.toordinal())
            if d.valid_to is not None:
                points.add(d.valid_to.toordinal() + 1)
        for g in self.child.groups:
            points.add(g.valid_from.toordinal())
        for program in self.inputs.programs:
            for price in program.prices:
                points.add(price.valid_from.toordinal())
        cuts = sorted(p for p in points if start < p <= end)
        if not cuts:
            return [(start, end)]
        bounds = [start, *cuts]
        return [
            (lo, hi)
            for lo, hi in zip(bounds, [c - 1 for c in cuts] + [end], strict=True)
        ]

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

    def _reservations(self) -> set[int]:
        """Fill ``self.reserved`` (billing day -> reservation, scheme, rate) and
        return the working days of reservations not charged as such."""
        muni, cal = self.muni, self.rules.calendar
        working = self.facts.working
        start, end = self.start, self.end
        used: dict[tuple[str, int], int] = {}
        not_charged: set[int] = set()
        for res in sorted(self.inputs.reservations, key=lambda r: (r.start, r.id)):
            scheme = muni.scheme_for(res.kind)
            units: list[int] = []
            allowed = 0
            if scheme is not None:
                if scheme.unit is LengthUnit.WORKING_DAYS:
                    units = [d.toordinal() for d in cal.working_dates(res.start, res.end)]
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
                for day in self.billing[
                    bisect_left(self.billing, lo) : bisect_right(self.billing, hi)
                ]:
                    number = bisect_right(units, day)  # day number within the reservation
                    if 1 <= number <= allowed and day not in self.reserved:
                        self.reserved[day] = (res, scheme, scheme.rate_on(number))
                    elif day not in self.reserved and count_between(working, day, day):
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
            (m1, d1), (m2, d2) = scheme.window
            if (res.start.month, res.start.day) < (m1, d1) or (res.end.month, res.end.day) > (
                m2,
                d2,
            ):
                return False
            if res.start.year != res.end.year:
                return False
        if scheme.notice_days is not None:
            announced = res.announced_on
            if announced is None or (res.start - announced).days < scheme.notice_days:
                return False
        return True

    def _absent_days(self, extra: set[int]) -> list[int]:
        """Working days whose food is deducted (not counting valid reserved days)."""
        food = self.muni.food
        working = self.facts.working
        cal = self.rules.calendar
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
            first = date.fromordinal(lo)
            # working days of the absence before this month's part (for "from day N")
            number = cal.working_days(absence.start, first) - count_between(working, lo, lo)
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
        day = date.fromordinal(lo)
        seg_start, seg_end = day, date.fromordinal(hi)
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
        era = rules.sibling_scale.era_on(day)
        if not inputs.taxpayer:
            c = rules.non_taxpayer_coefficient
            c_rule, decision_id, order, f = "non-taxpayer: full price", None, 1, _ZERO
        elif decision is None:
            c = rules.default_coefficient
            c_rule, decision_id = "no decision: top class", None
            order = era.order_of(inputs.siblings)
            f = _ZERO if rules.sibling_needs_decision else era.share(order)
        else:
            c = decision.coefficient
            c_rule, decision_id = f"decision {decision.number or decision.id}", decision.id
            order = decision.sibling_order or era.order_of(inputs.siblings)
            if decision.state_financed:
                order = max(order, 2)
            f = era.share(order)

        regresor_id = (
            (decision.regresor_id if decision is not None else None)
            or self.child.regresor_id
            or f"SI-{self.regresor_code:03d}"
        )
        rk = self.regresor_kind
        pid = self.parents_id
        drafts = self.drafts
        common = {"start": seg_start, "end": seg_end, "days_in_month": dim}

        # Reserved days in the segment, grouped by (reservation, rate).
        groups: dict[tuple[str, Decimal], _Group] = {}
        reserved_billing = 0
        food_extra = 0  # working days of reservations not charged here (ineligible child)
        if self.reserved:
            working = self.facts.working
            for d in self.billing[bisect_left(self.billing, lo) : bisect_right(self.billing, hi)]:
                hit = self.reserved.get(d)
                if hit is None:
                    continue
                res, scheme, rate = hit
                is_working = count_between(working, d, d) == 1
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
        reserved_prices: list[Decimal] = []
        for group in groups.values():
            reserved_prices.append(prorate(price, group.billing, dim, rules))
        price_n = segment_price - sum(reserved_prices, _ZERO)
        food_n = food * absent
        self.food_total += food_n

        # Normal (not reserved) days --------------------------------------------------
        if normal or absent:
            one_minus_c = _ONE - c
            parents_share = c * price_n
            if parents_share:
                drafts.append(
                    (PayerKind.PARENTS, pid, {**common, "kind": LineKind.SHARE, "price": price,
                     "days": normal, "coefficient": c, "rule": c_rule,
                     "source": rules.decision_source, "unrounded": parents_share,
                     "decision_id": decision_id})
                )
            muni_share = one_minus_c * price_n
            if muni_share:
                drafts.append(
                    (rk, regresor_id, {**common, "kind": LineKind.SHARE, "price": price,
                     "days": normal, "coefficient": one_minus_c, "rule": "rest of the price",
                     "source": "ZVrt Art. 28", "unrounded": muni_share,
                     "decision_id": decision_id})
                )
            parents_food = _ZERO
            if food_n:
                food_rule = self.muni.food
                if food_rule.mode is FoodDeductionMode.PARENTS_FIRST:
                    cap = c * prorate(price, absent, dim, rules)
                    parents_food = min(food_n, cap)
                    note = "parents first" + (", capped" if parents_food < food_n else "")
                    p_coef, m_coef = _ONE, _ONE
                else:
                    parents_food = c * food_n
                    note = ""
                    p_coef, m_coef = c, one_minus_c
                muni_food = food_n - parents_food
                food_common = {**common, "kind": LineKind.FOOD, "food_per_day": food,
                               "food_days": absent, "rule": f"food: {food_rule.mode}",
                               "source": food_rule.source, "decision_id": decision_id}
                if parents_food:
                    drafts.append((PayerKind.PARENTS, pid, {**food_common, "coefficient": p_coef,
                                   "unrounded": -parents_food, "note": note}))
                if muni_food:
                    drafts.append((rk, regresor_id, {**food_common, "coefficient": m_coef,
                                   "unrounded": -muni_food, "note": note}))
            parents_net = parents_share - parents_food
            if f and parents_net:
                state = f * parents_net
                sib = {**common, "kind": LineKind.SIBLING, "price": price, "days": normal,
                       "food_per_day": food, "food_days": absent, "rule": era.id,
                       "source": era.source, "decision_id": decision_id}
                drafts.append((PayerKind.PARENTS, pid, {**sib, "coefficient": -f * c,
                               "unrounded": -state}))
                drafts.append((PayerKind.STATE, STATE_ID, {**sib, "coefficient": f * c,
                               "unrounded": state}))
                parents_net -= state
            if self.muni.discounts and parents_net > 0:
                self._discounts(
                    price, food, normal, absent, c, f, order, program.code, parents_net,
                    common, regresor_id, decision_id,
                )

        # Reserved days ----------------------------------------------------------------
        for group, reserved_price in zip(groups.values(), reserved_prices, strict=True):
            res, scheme, rate = group.reservation, group.scheme, group.rate
            nbill_i, nwork_i = group.billing, group.working
            food_r = food * nwork_i
            self.food_total += food_r
            rule = f"{res.kind} reservation, day rate {rate}"
            base = {**common, "rule": rule, "source": scheme.source or "municipal sklep",
                    "reservation_id": res.id, "decision_id": decision_id}
            if scheme.basis is ReservationBasis.FLAT_PER_DAY:
                fee = rate * nwork_i
                fee_fields = {"price": rate, "days": nwork_i, "per_day": True,
                              "coefficient": _ONE}
                assigned = c * reserved_price
                if fee > assigned:  # never more than attending would cost
                    fee = assigned
                    fee_fields["note"] = "capped at the assigned payment"
            else:
                after = reserved_price - food_r if scheme.after_food else reserved_price
                fee = rate * c * after
                fee_fields = {"price": price, "days": nbill_i, "coefficient": rate * c}
                if scheme.after_food:
                    fee_fields.update(food_per_day=food, food_days=nwork_i)
            if fee:
                drafts.append((PayerKind.PARENTS, pid, {**base, **fee_fields,
                               "kind": LineKind.RESERVATION, "unrounded": fee}))
                mirror = {**fee_fields, "coefficient": -fee_fields["coefficient"]}  # type: ignore[operator]
                drafts.append((rk, regresor_id, {**base, **mirror,
                               "kind": LineKind.RESERVATION, "unrounded": -fee}))
                if f:
                    state = f * fee
                    sib_fields = {**fee_fields, "coefficient": f * fee_fields["coefficient"]}  # type: ignore[operator]
                    drafts.append((PayerKind.STATE, STATE_ID, {**base, **sib_fields,
                                   "kind": LineKind.SIBLING, "unrounded": state,
                                   "rule": era.id, "source": era.source}))
                    neg = {**sib_fields, "coefficient": -sib_fields["coefficient"]}  # type: ignore[operator]
                    drafts.append((PayerKind.PARENTS, pid, {**base, **neg,
                                   "kind": LineKind.SIBLING, "unrounded": -state,
                                   "rule": era.id, "source": era.source}))
            rest = reserved_price - food_r
            if rest:
                drafts.append((rk, regresor_id, {**base, "kind": LineKind.RESERVATION_REST,
                               "price": price, "days": nbill_i, "food_per_day": food,
                               "food_days": nwork_i, "coefficient": _ONE, "unrounded": rest}))

    def _discounts(
        self,
        price: Decimal,
        food: Decimal,
        normal: int,
        absent: int,
        c: Decimal,
        f: Decimal,
        order: int,
        program_code: str,
        parents_net: Decimal,
        common: dict[str, object],
        regresor_id: str,
        decision_id: str | None,
    ) -> None:
        rules, dim = self.rules, self.dim
        left = parents_net
        keep = _ONE - f
        for discount in self.muni.discounts:
            if discount.first_child_only and (f > 0 or order > 1):
                continue
            if discount.residents_only and not self.own:
                continue
            fields = self._discount_fields(
                discount, price, food, normal, absent, c, keep, program_code, rules, dim
            )
            if fields is None:
                continue
            amount = fields.pop("unrounded")
            assert isinstance(amount, Decimal)
            note = ""
            if amount > left:
                amount, note = left, "capped at the parents' amount"
            if amount <= 0:
                continue
            left -= amount
            coefficient = fields["coefficient"]
            assert isinstance(coefficient, Decimal)
            line = {**common, **fields, "kind": LineKind.DISCOUNT, "rule": str(discount.kind),
                    "source": discount.source or "ZVrt Art. 28b", "decision_id": decision_id,
                    "note": note}
            self.drafts.append((PayerKind.PARENTS, self.parents_id,
                                {**line, "coefficient": -coefficient, "unrounded": -amount}))
            self.drafts.append((self.regresor_kind, regresor_id,
                                {**line, "unrounded": amount}))

    @staticmethod
    def _discount_fields(
        discount: ExtraDiscount,
        price: Decimal,
        food: Decimal,
        normal: int,
        absent: int,
        c: Decimal,
        keep: Decimal,
        program_code: str,
        rules: FeeRules,
        dim: int,
    ) -> dict[str, object] | None:
        kind = discount.kind
        if kind is DiscountKind.FIXED_AMOUNT:
            amount = prorate(discount.amount, normal, dim, rules)
            return {"price": discount.amount, "days": normal, "coefficient": _ONE,
                    "unrounded": amount}
        if kind is DiscountKind.LOWER_PRICE_BASE:
            base = discount.price_base_for(program_code)
            if base is None or base >= price:
                return None
            coefficient = keep * c
            return {"price": price - base, "days": normal, "coefficient": coefficient,
                    "unrounded": coefficient * prorate(price - base, normal, dim, rules)}
        if kind is DiscountKind.PERCENT_BY_CLASS:
            coefficient = discount.percent_for(c) * keep * c
        else:  # CLASS_LOWER
            coefficient = keep * (c - _lower_class(c))
        if not coefficient:
            return None
        base_amount = prorate(price, normal, dim, rules) - food * absent
        return {"price": price, "days": normal, "food_per_day": food, "food_days": absent,
                "coefficient": coefficient, "unrounded": coefficient * base_amount}

    # -- rounding -------------------------------------------------------------------

    def _finish(self) -> FeeStatement:
        rounding = self.rules.rounding
        total = (self.price_total - self.food_total).quantize(CENT, rounding=rounding)
        by_payer: dict[tuple[PayerKind, str], list[dict[str, object]]] = {}
        for payer, payer_id, fields in self.drafts:
            by_payer.setdefault((payer, payer_id), []).append(fields)
        regresor_key = (self.regresor_kind, self._last_regresor_id())
        by_payer.setdefault(regresor_key, [])
        keys = sorted(
            by_payer,
            key=lambda k: (_PAYER_RANK[k[0]], k == regresor_key),
        )
        lines: list[FeeLine] = []
        assigned = _ZERO
        for key in keys:
            payer, payer_id = key
            running = _ZERO
            shown = _ZERO
            for fields in by_payer[key]:
                unrounded = fields["unrounded"]
                assert isinstance(unrounded, Decimal)
                running += unrounded
                rounded_running = running.quantize(CENT, rounding=rounding)
                lines.append(
                    FeeLine(payer=payer, payer_id=payer_id, amount=rounded_running - shown,
                            **fields)  # type: ignore[arg-type]
                )
                shown = rounded_running
            assigned += shown
        residue = total - assigned
        if residue:
            payer, payer_id = regresor_key
            day = date.fromordinal(self.end)
            lines.append(
                FeeLine(payer=payer, payer_id=payer_id, kind=LineKind.ROUNDING,
                        start=day, end=day, days_in_month=self.dim, rule="remainder",
                        source="parts sum to the rounded total", amount=residue,
                        coefficient=_ZERO)
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
        for payer, payer_id, _ in reversed(self.drafts):
            if payer is self.regresor_kind:
                return payer_id
        return self.child.regresor_id or f"SI-{self.regresor_code:03d}"
