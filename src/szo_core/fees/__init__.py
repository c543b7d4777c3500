"""The fee engine: monthly kindergarten fees to the cent, explained, and corrected.

* :func:`compute` (one child, one month) and :func:`compute_month` (a batch)
  return a :class:`FeeStatement` whose lines say who pays what and why.
* :class:`FeeRules` and :class:`MunicipalRules` are the configuration (proration,
  rounding, exit rule, closures, food deduction, extra discounts, reservations,
  unannounced-absence charges); the dated sibling scale is package data
  (:func:`default_sibling_scale`).
* :func:`corrections` recomputes past months when a decision was superseded and
  returns the correction lines (poračun) for the current month.

The rules and their legal sources are in ``docs/fees.md``.

>>> from szo_core.fees import FeeRules, PayerKind
>>> FeeRules(host_municipality=61).default_coefficient
Decimal('0.77')
>>> tuple(str(kind) for kind in PayerKind)
('parents', 'resident', 'relative', 'state', 'municipality', 'other_municipality',
 'care_fund')
>>> PayerKind.RESIDENT is PayerKind.PARENTS, PayerKind.RESIDENT.label("sl")
(False, 'stanovalec')
"""

from szo_core.fees.corrections import BilledAmount, CorrectionLine, corrections
from szo_core.fees.kindergarten.engine import Progress, compute, compute_month, last_charged_day
from szo_core.fees.kindergarten.inputs import FeeInputs
from szo_core.fees.kindergarten.proration import effective_exit, month_facts, prorate
from szo_core.fees.kindergarten.rules import (
    ZUPJS_COEFFICIENTS,
    Closure,
    ClosureRule,
    DiscountKind,
    ExitRule,
    ExtraDiscount,
    FeeRules,
    FoodDeductionMode,
    FoodDeductionRule,
    LengthUnit,
    MunicipalRules,
    ProrationBasis,
    RateStep,
    ReservationBasis,
    ReservationScheme,
    RoundingPoint,
    UnannouncedAbsenceCharge,
)
from szo_core.fees.kindergarten.siblings import (
    SiblingEra,
    SiblingInfo,
    SiblingScale,
    default_sibling_scale,
)
from szo_core.fees.statement import (
    ClosedDay,
    FeeLine,
    FeeStatement,
    LineKind,
    PayerKind,
    statements_to_records,
)

__all__ = [
    "ZUPJS_COEFFICIENTS",
    "BilledAmount",
    "ClosedDay",
    "Closure",
    "ClosureRule",
    "CorrectionLine",
    "DiscountKind",
    "ExitRule",
    "ExtraDiscount",
    "FeeInputs",
    "FeeLine",
    "FeeRules",
    "FeeStatement",
    "FoodDeductionMode",
    "FoodDeductionRule",
    "LengthUnit",
    "LineKind",
    "MunicipalRules",
    "PayerKind",
    "Progress",
    "ProrationBasis",
    "RateStep",
    "ReservationBasis",
    "ReservationScheme",
    "RoundingPoint",
    "SiblingEra",
    "SiblingInfo",
    "SiblingScale",
    "UnannouncedAbsenceCharge",
    "compute",
    "compute_month",
    "corrections",
    "default_sibling_scale",
    "effective_exit",
    "last_charged_day",
    "month_facts",
    "prorate",
    "statements_to_records",
]
