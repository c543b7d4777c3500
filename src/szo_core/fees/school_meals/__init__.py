"""School meals (ZŠolPre-1): the engine, its inputs and the dated national rules.

* :func:`compute`: one pupil's month (meals per kind and day count, the state's
  subsidies, late cancellations); :class:`SchoolMealInputs` its inputs;
* :data:`MINISTRY_MALICA_PRICES` and :data:`LUNCH_SUBSIDY_ERAS`: the dated
  national parameters;
* :class:`~szo_core.fees.school_meals.plug.SchoolMealsPlug`: the engine as a
  plug (:mod:`szo_core.fees.plug`), billed through
  :func:`szo_core.billing.run_billing` like a kindergarten;
* :mod:`szo_core.fees.school_meals.ports`: where the records are stored.

The records are in :mod:`szo_core.model.school`; the rules and a worked
example in ``docs/schools.md``.

>>> str(MINISTRY_MALICA_PRICES[-1].price), MINISTRY_MALICA_PRICES[-1].valid_from.isoformat()
('1.10', '2023-09-01')
"""

from szo_core.fees.school_meals.engine import (
    LUNCH_SUBSIDY_ERAS,
    MINISTRY_MALICA_PRICES,
    LunchSubsidyEra,
    SchoolMealInputs,
    compute,
    deadline,
    school_days,
)

__all__ = [
    "LUNCH_SUBSIDY_ERAS",
    "MINISTRY_MALICA_PRICES",
    "LunchSubsidyEra",
    "SchoolMealInputs",
    "compute",
    "deadline",
    "school_days",
]
