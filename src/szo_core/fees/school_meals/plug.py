"""School meals as a plug (:class:`~szo_core.fees.plug.FeePlug`): billed like a kindergarten.

:class:`SchoolMealsPlug` loads a run's months with one
:meth:`~szo_core.ports.UnitOfWork.load_period` (the pupils: the register's
children, enrolled on a day of a month) and one
:meth:`~szo_core.fees.school_meals.ports.SchoolMealRepository.for_period` (sign-ups,
cancellations, income classes and the school's settings), hands each pupil's
month to :func:`szo_core.fees.school_meals.compute`, and fingerprints the
inputs: the month, the school's settings and the national parameters, the
pupil's enrollment and exit days, and the pupil's records of the month.  A
record that arrives late (an income class valid from an earlier month, a
cancellation entered after the month was billed) changes that month's
fingerprint, so the next run corrects it (poračun), as for a kindergarten.

The documents are the shared ones: an invoice per pupil for the parents, and
the state's monthly claim with the list of subsidised pupils.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.adapters.memory_billing import MemoryBillingStore
>>> from szo_core.billing import BillingOrganisation, run_billing
>>> from szo_core.calendar import Month
>>> from szo_core.fees import FeeRules
>>> from szo_core.model import Child, OrganisationKind
>>> from szo_core.model.school import MealPrice, MealSignup, SchoolMealSettings
>>> store = MemoryBillingStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.children.add(Child(organisation_id="os", code=7, enrollment_date=date(2026, 9, 1)))
...     _ = uow.school_meals.put_settings(SchoolMealSettings(organisation_id="os", prices=(
...         MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.00")),)))
...     _ = uow.school_meals.add(MealSignup(organisation_id="os", id="s", child_code=7,
...         meal="lunch", valid_from=date(2026, 9, 1)))
...     uow.commit()
>>> school = BillingOrganisation(id="os", rules=FeeRules(host_municipality=61),
...                              kind=OrganisationKind.SCHOOL)
>>> result = run_billing(school, Month(2026, 10), store, issued_on=date(2026, 11, 2))
>>> [(d.number, str(d.payer), d.amount) for d in result.documents]  # 22 lunches × 3.00
[('2026-000001', 'parents', Decimal('66.00'))]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

from szo_core.billing.fingerprint import CanonicalTexts, canonical, digest
from szo_core.billing.window import Window
from szo_core.calendar import Month
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.school_meals.engine import SchoolMealInputs, compute
from szo_core.fees.statement import FeeStatement
from szo_core.model import Child, OrganisationKind
from szo_core.model.school import (
    IncomeClassRecord,
    MealCancellation,
    MealSignup,
    SchoolMealSettings,
)

if TYPE_CHECKING:
    from szo_core.billing.records import BillingOrganisation
    from szo_core.ports import MonthData, UnitOfWork

__all__ = ["SCHOOL_FINGERPRINT_VERSION", "SchoolMealMonths", "SchoolMealsPlug"]

SCHOOL_FINGERPRINT_VERSION: Final = "szo-school-fp-1"
"""Part of every school meal digest; raise it to have every month recomputed once."""


def _overlapping(
    records: Sequence[MealSignup | IncomeClassRecord], first: date, last: date
) -> tuple[MealSignup | IncomeClassRecord, ...]:
    return tuple(
        r for r in records if r.valid_from <= last and (r.valid_to is None or r.valid_to >= first)
    )


class SchoolMealMonths:
    """A school's loaded months (:class:`~szo_core.fees.plug.LoadedMonths`).

    Args:
        window: The pupils of the months (the register's window).
        settings: The school's settings.
        signups: Sign-ups by pupil.
        cancellations: Cancellations by pupil.
        income: Income class records by pupil.
        rules: The organisation's shared rules.
    """

    def __init__(
        self,
        window: Window,
        settings: SchoolMealSettings,
        signups: dict[int, list[MealSignup]],
        cancellations: dict[int, list[MealCancellation]],
        income: dict[int, list[IncomeClassRecord]],
        rules: FeeRules,
    ) -> None:
        self.window = window
        self.settings = settings
        self._signups = signups
        self._cancellations = cancellations
        self._income = income
        shared = (settings, SchoolMealInputs(settings=settings).malica_prices, rules)
        self._head = f"{SCHOOL_FINGERPRINT_VERSION}|{canonical(shared)}"
        self._text = CanonicalTexts()

    @property
    def data(self) -> MonthData:
        """The register's records of the months."""
        return self.window.data

    def codes(self, month: Month) -> list[int]:
        """The pupils enrolled in ``month``."""
        return self.window.codes(month)

    def subject(self, code: int) -> Child | None:
        """The pupil, if in the months."""
        return self.window.child(code)

    def enrolled(self, code: int, month: Month) -> bool:
        """True if the pupil is enrolled in ``month``."""
        return self.window.enrolled(code, month)

    def inputs(self, code: int, month: Month) -> SchoolMealInputs:
        """The pupil's records of ``month`` with the school's settings."""
        first, last = month.first, month.last
        return SchoolMealInputs(
            settings=self.settings,
            signups=_overlapping(self._signups.get(code, ()), first, last),  # type: ignore[arg-type]
            cancellations=tuple(
                c for c in self._cancellations.get(code, ()) if c.start <= last and c.end >= first
            ),
            income=_overlapping(self._income.get(code, ()), first, last),  # type: ignore[arg-type]
        )

    def fingerprint(self, month: Month, subject: Child, inputs: SchoolMealInputs) -> str:
        """The digest of the pupil's month (32 hex digits)."""
        parts = (
            self._head,
            str(month),
            canonical((subject.code, subject.enrollment_date, subject.exit_date, subject.inactive)),
            *(self._text(r) for r in inputs.signups),
            "|",
            *(self._text(r) for r in inputs.cancellations),
            "|",
            *(self._text(r) for r in inputs.income),
        )
        return digest(parts)

    def fingerprints(self, code: int, months: Sequence[Month]) -> list[str]:
        """The digests of the pupil's ``months``."""
        pupil = self.window.child(code)
        assert pupil is not None
        return [self.fingerprint(m, pupil, self.inputs(code, m)) for m in months]


class SchoolMealsPlug:
    """School meals (ZŠolPre-1) behind the plug protocol (see the module docs)."""

    @property
    def kind(self) -> OrganisationKind:
        """:attr:`OrganisationKind.SCHOOL`."""
        return OrganisationKind.SCHOOL

    def load(
        self, uow: UnitOfWork, organisation: BillingOrganisation, first: Month, month: Month
    ) -> SchoolMealMonths:
        """Read the pupils and their meal records of ``first`` ... ``month`` (two calls)."""
        org = organisation.id
        one = first == month
        data = uow.load_month(org, month) if one else uow.load_period(org, first, month)
        records = uow.school_meals.for_period(org, first.first, month.last)
        signups: dict[int, list[MealSignup]] = {}
        for s in records.signups:
            signups.setdefault(s.child_code, []).append(s)
        cancellations: dict[int, list[MealCancellation]] = {}
        for c in records.cancellations:
            cancellations.setdefault(c.child_code, []).append(c)
        income: dict[int, list[IncomeClassRecord]] = {}
        for i in records.income:
            income.setdefault(i.child_code, []).append(i)
        settings = records.settings or SchoolMealSettings(organisation_id=org)
        return SchoolMealMonths(
            Window(data), settings, signups, cancellations, income, organisation.rules
        )

    def compute(
        self, month: Month, subject: Child, inputs: SchoolMealInputs, rules: FeeRules
    ) -> FeeStatement:
        """:func:`szo_core.fees.school_meals.compute`."""
        return compute(month, subject, inputs, rules)
