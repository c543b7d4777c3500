"""Dormitories as a plug (:class:`~szo_core.fees.plug.FeePlug`).

:class:`DormitoryPlug` reads a run's months as a kindergarten does (the students
with their dormitory groups, the groups' programs and prices, the absences:
:class:`~szo_core.fees.kindergarten.plug.KindergartenPlug`'s window and
fingerprints) and the students' meal records as a school does
(:class:`~szo_core.fees.school_meals.plug.SchoolMealsPlug`), and computes with
:func:`szo_core.fees.dormitory.compute` under its :class:`DormitoryRules`
(configurable: ``DormitoryPlug(rules)``, passed to
:func:`~szo_core.billing.run_billing` as ``plug=bind(DormitoryPlug(rules))``).

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.adapters.memory_billing import MemoryBillingStore
>>> from szo_core.billing import BillingOrganisation, run_billing
>>> from szo_core.calendar import Month
>>> from szo_core.fees import FeeRules
>>> from szo_core.model import (Child, Group, GroupAssignment, OrganisationKind, Program,
...     ProgramPrice)
>>> store = MemoryBillingStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.programs.add(Program(organisation_id="dd", code="V", prices=(ProgramPrice(
...         valid_from=date(2026, 1, 1), monthly=Decimal("350.00"),
...         food_per_day=Decimal("6.00")),)))
...     _ = uow.groups.add(Group(organisation_id="dd", code="3a", program_code="V"))
...     _ = uow.children.add(Child(organisation_id="dd", code=5, enrollment_date=date(2026, 9, 1),
...         groups=(GroupAssignment(valid_from=date(2026, 9, 1), group_code="3a",
...                                 program_code="V"),)))
...     uow.commit()
>>> dorm = BillingOrganisation(id="dd", rules=FeeRules(host_municipality=61),
...                            kind=OrganisationKind.DORMITORY)
>>> result = run_billing(dorm, Month(2026, 9), store, issued_on=date(2026, 10, 1))
>>> [d.amount for d in result.documents]
[Decimal('350.00')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from szo_core.billing.fingerprint import digest
from szo_core.calendar import Month
from szo_core.fees.dormitory.engine import DormitoryInputs, DormitoryRules, compute
from szo_core.fees.kindergarten.plug import KindergartenMonths, KindergartenPlug
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.school_meals.plug import SchoolMealMonths, SchoolMealsPlug
from szo_core.fees.statement import FeeStatement
from szo_core.model import Child, OrganisationKind

if TYPE_CHECKING:
    from szo_core.billing.records import BillingOrganisation
    from szo_core.ports import MonthData, UnitOfWork

__all__ = ["DormitoryMonths", "DormitoryPlug"]


class DormitoryMonths:
    """A dormitory's loaded months (:class:`~szo_core.fees.plug.LoadedMonths`)."""

    def __init__(
        self, groups: KindergartenMonths, meals: SchoolMealMonths, rules: DormitoryRules
    ) -> None:
        self.groups = groups
        self.meals = meals
        self.rules = rules
        self._head = repr(attrs.astuple(rules))

    @property
    def data(self) -> MonthData:
        """The register's records of the months."""
        return self.groups.data

    def codes(self, month: Month) -> list[int]:
        """The students enrolled in ``month``."""
        return self.groups.codes(month)

    def subject(self, code: int) -> Child | None:
        """The student, if in the months."""
        return self.groups.subject(code)

    def enrolled(self, code: int, month: Month) -> bool:
        """True if the student is enrolled in ``month``."""
        return self.groups.enrolled(code, month)

    def inputs(self, code: int, month: Month) -> DormitoryInputs:
        """The groups' programs, the student's absences and meals of ``month``."""
        base = self.groups.inputs(code, month)
        meals = self.meals.inputs(code, month)
        meals = attrs.evolve(meals, income=(), lunch_eras=())  # no school subsidies
        has_meals = bool(meals.signups)
        return DormitoryInputs(
            programs=base.programs,
            absences=base.absences,
            meals=meals if has_meals else None,
            rules=self.rules,
        )

    def fingerprint(self, month: Month, subject: Child, inputs: DormitoryInputs) -> str:
        """The digest of the group part and of the meal records (32 hex digits)."""
        group_part = self.groups.fingerprints(subject.code, [month])[0]
        meal_part = self.meals.fingerprints(subject.code, [month])[0]
        return digest((self._head, group_part, meal_part))

    def fingerprints(self, code: int, months: Sequence[Month]) -> list[str]:
        """The digests of the student's ``months``."""
        student = self.subject(code)
        assert student is not None
        return [self.fingerprint(m, student, self.inputs(code, m)) for m in months]


class DormitoryPlug:
    """Dormitories behind the plug protocol (see the module docs).

    Args:
        rules: The dormitory's absence rules.
    """

    def __init__(self, rules: DormitoryRules | None = None) -> None:
        self.rules = rules or DormitoryRules()

    @property
    def kind(self) -> OrganisationKind:
        """:attr:`OrganisationKind.DORMITORY`."""
        return OrganisationKind.DORMITORY

    def load(
        self, uow: UnitOfWork, organisation: BillingOrganisation, first: Month, month: Month
    ) -> DormitoryMonths:
        """Read the months as a kindergarten and a school do."""
        groups = KindergartenPlug().load(uow, organisation, first, month)
        meals = SchoolMealsPlug().load(uow, organisation, first, month)
        return DormitoryMonths(groups, meals, self.rules)

    def compute(
        self, month: Month, subject: Child, inputs: DormitoryInputs, rules: FeeRules
    ) -> FeeStatement:
        """:func:`szo_core.fees.dormitory.compute`."""
        return compute(month, subject, inputs, rules)
