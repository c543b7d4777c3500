"""The dormitory engine (dijaški dom): a fee by the dormitory's group, meals like a school's.

A student sits in one class at school and in another educational group in the
dormitory: the dormitory's group is the register's group history of the
student (:attr:`~szo_core.model.Child.groups`), and the group's program carries
the monthly fee (oskrbnina, :attr:`~szo_core.model.ProgramPrice.monthly`) and
the daily food cost (:attr:`~szo_core.model.ProgramPrice.food_per_day`).

* **Fee**: the program's monthly price × the calendar days of the stay in the
  group ÷ the month's calendar days (a whole month is the whole price), one line
  per group and price, each half-up to cents;
* **absences** by the dormitory's rules (:class:`DormitoryRules`, configurable):
  the daily food cost off for each absent day announced by the deadline, from
  the ``from_day``-th day of the absence on; or no deduction at all;
* **meals** beyond the fee (signed up and cancelled like a school's) by
  :func:`szo_core.fees.school_meals.compute`, at the dormitory's prices and
  without the school subsidies.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.fees import FeeRules
>>> from szo_core.model import Child, GroupAssignment, Program, ProgramPrice
>>> group = Program(organisation_id="dd", code="V1", prices=(ProgramPrice(
...     valid_from=date(2026, 1, 1), monthly=Decimal("350.00"), food_per_day=Decimal("6.00")),))
>>> student = Child(organisation_id="dd", code=5, enrollment_date=date(2026, 9, 1),
...     groups=(GroupAssignment(valid_from=date(2026, 9, 1), group_code="3a", program_code="V1"),))
>>> s = compute(Month(2026, 9), student, DormitoryInputs(programs=(group,)),
...     FeeRules(host_municipality=61))
>>> [(line.formula(), line.amount) for line in s.lines]
[('350.00 × 30/30', Decimal('350.00'))]
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import attrs

from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.school_meals.engine import SchoolMealInputs
from szo_core.fees.school_meals.engine import compute as meals
from szo_core.fees.statement import FeeLine, FeeStatement, LineKind, PayerKind
from szo_core.model import Absence, Child, Program

__all__ = ["DormitoryInputs", "DormitoryRules", "compute"]

_ZERO = Decimal("0.00")
_CENT = Decimal("0.01")
_SOURCE = "the dormitory's price list (oskrbnina by educational group)"


@attrs.frozen(kw_only=True)
class DormitoryRules:
    """How a dormitory treats absences (its own rules).

    Attributes:
        deduct_absences: Absent days take the daily food cost off (True), or
            nothing (False).
        notice_by: An absence counts when announced by this time on the
            working day before it starts (None: any notice, or none, counts).
        from_day: Deduct from this day of the absence on (1: from the first).
    """

    deduct_absences: bool = True
    notice_by: time | None = time(12, 0)
    from_day: int = attrs.field(default=1, validator=attrs.validators.ge(1))


@attrs.frozen(kw_only=True)
class DormitoryInputs:
    """One student's inputs for a month.

    Attributes:
        programs: The dormitory's programs (the groups' fees).
        absences: The student's absences overlapping the month.
        meals: The student's meal sign-ups and cancellations with the
            dormitory's meal settings, or None.
        rules: The dormitory's absence rules.
    """

    programs: tuple[Program, ...] = ()
    absences: tuple[Absence, ...] = ()
    meals: SchoolMealInputs | None = None
    rules: DormitoryRules = DormitoryRules()


def _error(code: str, sl: str, en: str, where: str) -> FeeRuleError:
    return FeeRuleError(code, sl=sl, en=en, where=where)


def _announced_in_time(absence: Absence, rules: DormitoryRules, calendar: object) -> bool:
    if rules.notice_by is None:
        return True
    if absence.announced_at is None:
        return False
    before = absence.start - timedelta(days=1)
    while not calendar.is_working_day(before):  # type: ignore[attr-defined]
        before -= timedelta(days=1)
    return absence.announced_at.replace(tzinfo=None) <= datetime.combine(before, rules.notice_by)


def compute(month: Month, student: Child, inputs: DormitoryInputs, rules: FeeRules) -> FeeStatement:
    """One student's month (see the module docs).

    Raises:
        FeeRuleError: ``fees.dormitory.no_group`` (a day without a group or its
            program), and what the school meal engine raises.
    """
    first = max(month.first, student.enrollment_date or month.last + timedelta(days=1))
    last = month.last if student.exit_date is None else min(month.last, student.exit_date)
    in_month = month.last.day
    programs = {p.code: p for p in inputs.programs}
    absent: set[date] = set()
    if inputs.rules.deduct_absences:
        for a in inputs.absences:
            if _announced_in_time(a, inputs.rules, rules.calendar):
                start = a.start + timedelta(days=inputs.rules.from_day - 1)
                day = start
                while day <= a.end:
                    absent.add(day)
                    day += timedelta(days=1)
    fee: dict[tuple[str, Decimal], list[date]] = {}
    food: dict[tuple[str, Decimal], list[date]] = {}
    day = first
    while day <= last:
        code = student.program_on(day)
        program = programs.get(code) if code is not None else None
        if program is None:
            raise _error(
                "fees.dormitory.no_group",
                sl=f"Dijak nima vzgojne skupine s ceno za {day:%d. %m. %Y}.",
                en=f"The student has no group with a price on {day.isoformat()}.",
                where="Child.groups",
            )
        price = program.price_on(day)
        fee.setdefault((program.code, price.monthly), []).append(day)
        if day in absent and price.food_per_day:
            food.setdefault((program.code, price.food_per_day), []).append(day)
        day += timedelta(days=1)
    parents = str(student.code)
    lines: list[FeeLine] = []
    for (code, monthly), days in fee.items():
        exact = monthly * len(days) / in_month
        lines.append(
            FeeLine(
                payer=PayerKind.PARENTS,
                payer_id=parents,
                kind=LineKind.DORMITORY,
                start=days[0],
                end=days[-1],
                price=monthly,
                days=len(days),
                days_in_month=in_month,
                rule=f"group program {code}",
                source=_SOURCE,
                unrounded=exact,
                amount=exact.quantize(_CENT, rounding=ROUND_HALF_UP),
            )
        )
    for (code, daily), days in food.items():
        value = daily * len(days)
        lines.append(
            FeeLine(
                payer=PayerKind.PARENTS,
                payer_id=parents,
                kind=LineKind.FOOD,
                start=days[0],
                end=days[-1],
                food_per_day=daily,
                food_days=len(days),
                rule=f"announced absence, group program {code}",
                source="the dormitory's rules",
                unrounded=-value,
                amount=-value,
            )
        )
    meal_lines: tuple[FeeLine, ...] = ()
    if inputs.meals is not None:
        meal_lines = meals(month, student, inputs.meals, rules).lines
    all_lines = tuple(lines) + meal_lines
    return FeeStatement(
        month=month,
        child_code=student.code,
        days_in_month=in_month,
        days_enrolled=sum(len(d) for d in fee.values()),
        price=sum((x.unrounded for x in all_lines if x.kind is not LineKind.FOOD), Decimal(0)),
        food_deduction=sum((-x.unrounded for x in lines if x.kind is LineKind.FOOD), Decimal(0)),
        total=sum((x.amount for x in all_lines), _ZERO),
        lines=all_lines,
    )
