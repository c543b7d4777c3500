"""The kindergarten engine as a plug (:class:`~szo_core.fees.plug.FeePlug`).

:class:`KindergartenPlug` is the first plug and the model for the others.  It
loads the run's months with **one** :meth:`~szo_core.ports.UnitOfWork.load_period`
call (``load_month`` for a run without earlier months), reads them month by
month through :class:`~szo_core.billing.window.Window` (children, decisions,
reservations, absences, sibling facts), fingerprints them with
:class:`~szo_core.billing.fingerprint.Fingerprinter`, and computes with
:func:`szo_core.fees.compute`: exactly what the billing run did before the plug
existed, so a kindergarten's results, stored fingerprints and corrections are
unchanged.

>>> from datetime import date
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.billing import BillingOrganisation
>>> from szo_core.calendar import Month
>>> from szo_core.model import Child
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     _ = uow.children.add(Child(organisation_id="o", code=1, enrollment_date=date(2026, 9, 1)))
...     org = BillingOrganisation(id="o", rules=FeeRules(host_municipality=61))
...     loaded = KindergartenPlug().load(uow, org, Month(2026, 9), Month(2026, 9))
>>> loaded.codes(Month(2026, 9)), len(loaded.fingerprints(1, [Month(2026, 9)])[0])
([1], 32)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from szo_core.billing.fingerprint import Fingerprinter
from szo_core.billing.window import Window
from szo_core.calendar import Month
from szo_core.fees.kindergarten.engine import compute
from szo_core.fees.kindergarten.inputs import FeeInputs
from szo_core.fees.kindergarten.rules import ExitRule, FeeRules
from szo_core.fees.statement import FeeStatement
from szo_core.model import Child, OrganisationKind

if TYPE_CHECKING:
    from szo_core.billing.records import BillingOrganisation
    from szo_core.ports import MonthData, UnitOfWork

__all__ = ["Engine", "KindergartenMonths", "KindergartenPlug", "left_since"]

Engine = Callable[[Month, Child, FeeInputs, FeeRules], FeeStatement]
"""The shape of :func:`szo_core.fees.compute`."""


def left_since(rules: FeeRules, month: Month) -> date | None:
    """Children who left since this day may still owe ``month`` (late exit notice).

    Under :attr:`~szo_core.fees.ExitRule.NOTICE_BY_DAY`, notice after day N of a
    month bills the next month too, so a child who left in the month before may
    owe this one; the engine decides from the exit and notice days.

    >>> left_since(FeeRules(host_municipality=61), Month(2026, 9)) is None
    True
    """
    if rules.exit_rule is ExitRule.NOTICE_BY_DAY:
        return month.prev().first
    return None


class KindergartenMonths:
    """A kindergarten's loaded months (:class:`~szo_core.fees.plug.LoadedMonths`).

    Args:
        window: The loaded window.
        prints: The run's fingerprinter.
    """

    def __init__(self, window: Window, prints: Fingerprinter) -> None:
        self.window = window
        self.prints = prints

    @property
    def data(self) -> MonthData:
        """The records loaded."""
        return self.window.data

    def codes(self, month: Month) -> list[int]:
        """The children enrolled in ``month`` (see :meth:`Window.codes`)."""
        return self.window.codes(month)

    def subject(self, code: int) -> Child | None:
        """The child, if in the window."""
        return self.window.child(code)

    def enrolled(self, code: int, month: Month) -> bool:
        """True if the child counts for ``month``."""
        return self.window.enrolled(code, month)

    def inputs(self, code: int, month: Month) -> FeeInputs:
        """The fee engine's inputs (see :meth:`Window.inputs`)."""
        return self.window.inputs(code, month)

    def fingerprint(self, month: Month, subject: Child, inputs: FeeInputs) -> str:
        """:meth:`Fingerprinter.digest` of the inputs."""
        return self.prints.digest(month, subject, inputs)

    def fingerprints(self, code: int, months: Sequence[Month]) -> list[str]:
        """:meth:`Window.digests` (without building the inputs)."""
        return self.window.digests(code, months, self.prints)


class KindergartenPlug:
    """The kindergarten fee engine (ZVrt, ZUPJS) behind the plug protocol.

    Args:
        engine: The engine function, :func:`szo_core.fees.compute` by default
            (another one wraps it, e.g. to count or trace computations).

    See the module example.
    """

    def __init__(self, engine: Engine = compute) -> None:
        self._engine = engine

    @property
    def kind(self) -> OrganisationKind:
        """:attr:`OrganisationKind.KINDERGARTEN`."""
        return OrganisationKind.KINDERGARTEN

    def load(
        self, uow: UnitOfWork, organisation: BillingOrganisation, first: Month, month: Month
    ) -> KindergartenMonths:
        """Read the window and the month with one call."""
        rules = organisation.rules

        def since(m: Month) -> date | None:
            return left_since(rules, m)

        if first == month:
            data = uow.load_month(organisation.id, month, left_since=since(month))
        else:
            data = uow.load_period(organisation.id, first, month, left_since=since(first))
        window = Window(data, since)
        return KindergartenMonths(window, Fingerprinter(rules, data.programs))

    def compute(
        self, month: Month, subject: Child, inputs: FeeInputs, rules: FeeRules
    ) -> FeeStatement:
        """:func:`szo_core.fees.compute` (or the engine given)."""
        return self._engine(month, subject, inputs, rules)
