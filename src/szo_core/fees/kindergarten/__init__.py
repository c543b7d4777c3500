"""The kindergarten fee engine (ZVrt, ZUPJS): the first plug of :mod:`szo_core.fees.plug`.

Monthly kindergarten fees to the cent: the pro-rated program price split
between the parents (the decision's coefficient), the state (sibling
exemptions) and the regresor municipality, with the food deduction,
reservations, extra discounts and closures of :class:`FeeRules`.  Every name
here is also exported by :mod:`szo_core.fees` (and the old module paths such as
``szo_core.fees.engine`` still import these modules), so code written before
the other kinds of organisation keeps working.  Billing reaches the engine
through :class:`szo_core.fees.kindergarten.plug.KindergartenPlug`.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.model import Child, Program, ProgramPrice
>>> program = Program(organisation_id="vrtec", code="I", prices=(ProgramPrice(
...     valid_from=date(2026, 1, 1), monthly=Decimal("500.00"), food_per_day=Decimal("2.50")),))
>>> child = Child(organisation_id="vrtec", code=1, enrollment_date=date(2026, 1, 5),
...     municipality_code=61)
>>> compute(Month(2026, 9), child, FeeInputs(programs=(program,), program_code="I"),
...     FeeRules(host_municipality=61)).total
Decimal('500.00')
"""

from szo_core.fees.kindergarten.engine import Progress, compute, compute_month, last_charged_day
from szo_core.fees.kindergarten.inputs import FeeInputs
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.kindergarten.siblings import SiblingInfo

__all__ = [
    "FeeInputs",
    "FeeRules",
    "Progress",
    "SiblingInfo",
    "compute",
    "compute_month",
    "last_charged_day",
]
