"""Care homes as a plug (:class:`~szo_core.fees.plug.FeePlug`): each payer invoiced on its own.

:class:`CareHomePlug` loads a run's months with one
:meth:`~szo_core.ports.UnitOfWork.load_period` (the residents: the register's
people enrolled on a day of a month) and one
:meth:`~szo_core.fees.care_home.ports.CareHomeRepository.for_period` (stay
histories, absences, payment decisions, the home's settings), computes each
resident's month with :func:`szo_core.fees.care_home.compute`, and fingerprints
the inputs (a decision that arrives late corrects the months it covers).

The shared documents follow the payer kinds of the lines: an invoice for the
resident and one for each liable relative (the per-person channel, told apart by
``payer_id``), the municipal list for the municipality, and the claim for the
care part of new-regime residents.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.adapters.memory_billing import MemoryBillingStore
>>> from szo_core.billing import BillingOrganisation, run_billing
>>> from szo_core.calendar import Month
>>> from szo_core.fees import FeeRules
>>> from szo_core.model import Child, OrganisationKind
>>> from szo_core.model.care_home import (CareHomeSettings, CarePaymentDecision, CareStay,
...     CategoryPrice, ResidentStays)
>>> store = MemoryBillingStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.children.add(Child(organisation_id="dom", code=3, enrollment_date=date(2024, 5, 1)))
...     _ = uow.care_home.put_settings(CareHomeSettings(organisation_id="dom", category_prices=(
...         CategoryPrice(category="II", valid_from=date(2025, 1, 1), daily=Decimal("27.98")),)))
...     _ = uow.care_home.add(ResidentStays(organisation_id="dom", resident_code=3,
...         stays=(CareStay(valid_from=date(2024, 5, 1), category="II"),)))
...     _ = uow.care_home.add(CarePaymentDecision(organisation_id="dom", id="d1",
...         resident_code=3, number="1/26", valid_from=date(2026, 1, 1),
...         resident_monthly=Decimal("700.00")))
...     uow.commit()
>>> home = BillingOrganisation(id="dom", rules=FeeRules(host_municipality=61),
...                            kind=OrganisationKind.CARE_HOME)
>>> result = run_billing(home, Month(2026, 9), store, issued_on=date(2026, 10, 2))
>>> [(str(d.payer), d.payer_id, d.amount) for d in result.documents]  # 30 × 27.98 = 839.40
[('resident', '3', Decimal('700.00')), ('municipality', 'SI-061', Decimal('139.40'))]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from szo_core.billing.fingerprint import CanonicalTexts, canonical, digest
from szo_core.billing.window import Window
from szo_core.calendar import Month
from szo_core.fees.care_home.engine import ZDOSK_CAPS, CareHomeInputs, compute
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.statement import FeeStatement
from szo_core.model import Child, OrganisationKind
from szo_core.model.care_home import (
    CareAbsence,
    CareHomeSettings,
    CarePaymentDecision,
    CareStay,
)

if TYPE_CHECKING:
    from szo_core.billing.records import BillingOrganisation
    from szo_core.ports import MonthData, UnitOfWork

__all__ = ["CARE_FINGERPRINT_VERSION", "CareHomeMonths", "CareHomePlug"]

CARE_FINGERPRINT_VERSION: Final = "szo-care-fp-1"
"""Part of every care home digest; raise it to have every month recomputed once."""


class CareHomeMonths:
    """A care home's loaded months (:class:`~szo_core.fees.plug.LoadedMonths`).

    Args:
        window: The residents of the months.
        settings: The home's settings.
        stays: Stay entries by resident.
        absences: Absences by resident.
        decisions: Payment decisions by resident.
        rules: The organisation's shared rules.
    """

    def __init__(
        self,
        window: Window,
        settings: CareHomeSettings,
        stays: dict[int, tuple[CareStay, ...]],
        absences: dict[int, list[CareAbsence]],
        decisions: dict[int, list[CarePaymentDecision]],
        rules: FeeRules,
    ) -> None:
        self.window = window
        self.settings = settings
        self._stays = stays
        self._absences = absences
        self._decisions = decisions
        self._head = f"{CARE_FINGERPRINT_VERSION}|{canonical((settings, ZDOSK_CAPS, rules))}"
        self._text = CanonicalTexts()

    @property
    def data(self) -> MonthData:
        """The register's records of the months."""
        return self.window.data

    def codes(self, month: Month) -> list[int]:
        """The residents enrolled in ``month``."""
        return self.window.codes(month)

    def subject(self, code: int) -> Child | None:
        """The resident, if in the months."""
        return self.window.child(code)

    def enrolled(self, code: int, month: Month) -> bool:
        """True if the resident is enrolled in ``month``."""
        return self.window.enrolled(code, month)

    def inputs(self, code: int, month: Month) -> CareHomeInputs:
        """The resident's records of ``month`` with the home's settings."""
        first, last = month.first, month.last
        return CareHomeInputs(
            settings=self.settings,
            stays=self._stays.get(code, ()),
            absences=tuple(
                a for a in self._absences.get(code, ()) if a.start <= last and a.end >= first
            ),
            decisions=tuple(
                d
                for d in self._decisions.get(code, ())
                if d.valid_from <= last and (d.valid_to is None or d.valid_to >= first)
            ),
        )

    def fingerprint(self, month: Month, subject: Child, inputs: CareHomeInputs) -> str:
        """The digest of the resident's month (32 hex digits)."""
        parts = (
            self._head,
            str(month),
            canonical((subject.code, subject.enrollment_date, subject.exit_date, subject.inactive)),
            canonical(inputs.stays),
            *(self._text(r) for r in inputs.absences),
            "|",
            *(self._text(r) for r in inputs.decisions),
        )
        return digest(parts)

    def fingerprints(self, code: int, months: Sequence[Month]) -> list[str]:
        """The digests of the resident's ``months``."""
        resident = self.window.child(code)
        assert resident is not None
        return [self.fingerprint(m, resident, self.inputs(code, m)) for m in months]


class CareHomePlug:
    """Care homes (ZSV and ZDOsk-1) behind the plug protocol (see the module docs)."""

    @property
    def kind(self) -> OrganisationKind:
        """:attr:`OrganisationKind.CARE_HOME`."""
        return OrganisationKind.CARE_HOME

    def load(
        self, uow: UnitOfWork, organisation: BillingOrganisation, first: Month, month: Month
    ) -> CareHomeMonths:
        """Read the residents and their records of ``first`` ... ``month`` (two calls)."""
        org = organisation.id
        one = first == month
        data = uow.load_month(org, month) if one else uow.load_period(org, first, month)
        records = uow.care_home.for_period(org, first.first, month.last)
        stays = {r.resident_code: r.stays for r in records.stays}
        absences: dict[int, list[CareAbsence]] = {}
        for a in records.absences:
            absences.setdefault(a.resident_code, []).append(a)
        decisions: dict[int, list[CarePaymentDecision]] = {}
        for d in records.decisions:
            decisions.setdefault(d.resident_code, []).append(d)
        settings = records.settings or CareHomeSettings(organisation_id=org)
        return CareHomeMonths(
            Window(data), settings, stays, absences, decisions, organisation.rules
        )

    def compute(
        self, month: Month, subject: Child, inputs: CareHomeInputs, rules: FeeRules
    ) -> FeeStatement:
        """:func:`szo_core.fees.care_home.compute`."""
        return compute(month, subject, inputs, rules)
