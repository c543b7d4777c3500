"""The decision on reduced payment (odločba o znižanem plačilu vrtca).

The social work centre (CSD) puts the family in a payment class; the decision
states the **parents' coefficient** (0.53 for 53 % of the program price), the
period it is valid for, and, for siblings, the child's order and whether the
state finances the parents' share.  Decisions often arrive late and apply
backwards, and a wrong one is never edited once a closed billing run used it:
it is *superseded* by a new decision (``supersedes`` names the old one).  The
rules for that are in :mod:`szo_core.registry.decisions`.

>>> from datetime import date
>>> from decimal import Decimal
>>> d = Decision(organisation_id="org", id="d-1", child_code=101, number="1234-5/2025",
...              coefficient=Decimal("0.53"), valid_from=date(2025, 9, 1),
...              valid_to=date(2026, 8, 31))
>>> d.is_valid_on(date(2026, 8, 31)), d.is_valid_on(date(2026, 9, 1))
(True, False)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from szo_core.errors import InvalidComponent, InvalidType
from szo_core.model import _validators as v

__all__ = ["MAX_COEFFICIENT", "Decision"]

_str = v.instance_of(str)

MAX_COEFFICIENT = Decimal("0.77")
"""The highest parents' share a decision can state: the top ZUPJS class (Art. 24).

Parents who are not Slovenian income-tax payers pay the full price (1.00), but
through :attr:`szo_core.fees.FeeRules.non_taxpayer_coefficient`, never a decision.
"""


def _coefficient(_instance: object, _attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not isinstance(value, Decimal):
        raise InvalidType(
            "record.type",
            sl="Delež plačila staršev mora biti Decimal.",
            en="The parents' coefficient must be a Decimal.",
            where="Decision.coefficient",
        )
    if not value.is_finite() or not Decimal(0) <= value <= MAX_COEFFICIENT:
        raise InvalidComponent(
            "decision.coefficient.range",
            sl=(
                "Delež plačila staršev mora biti med 0 in 0,77 (0,53 pomeni 53 %); "
                "polno ceno (1,00) plačajo le starši, ki niso davčni zavezanci."
            ),
            en=(
                "The parents' coefficient must be between 0 and 0.77 (0.53 means 53 %); "
                "only parents who are not taxpayers pay the full price (1.00)."
            ),
            where="coefficient",
        )


def _valid_to(
    instance: Decision, _attribute: attrs.Attribute[date | None], value: date | None
) -> None:
    if value is not None and value < instance.valid_from:
        raise InvalidComponent(
            "decision.period.reversed",
            sl="Odločba ne more veljati do dneva pred začetkom veljavnosti.",
            en="A decision cannot end before it starts.",
            where="valid_to",
        )


@attrs.frozen(kw_only=True)
class Decision:
    """A decision on reduced payment for one child.

    Attributes:
        organisation_id: The organisation the record belongs to.
        id: The decision's id within the organisation (referred to by ``supersedes``
            and by billing runs).
        child_code: The child the decision is for.
        number: The decision's number as printed by the CSD.
        coefficient: The parents' share of the price, 0 ... 0.77
            (:data:`MAX_COEFFICIENT`; ``Decimal("0.53")``).
        valid_from: First day the decision applies (inclusive).
        valid_to: Last day it applies (inclusive); None when open-ended.
        regresor_id: Who pays the difference (overrides the child's regresor).
        sibling_order: The child's order among siblings as the decision states it
            (1 = oldest); None when not stated.
        state_financed: The state pays the parents' share (sibling exemption).
        payment_class: The payment class (1-9), a label only; the coefficient counts.
        issued_on: Date the decision was issued.
        supersedes: Id of the decision this one replaces, if any.
        version: Optimistic-concurrency version.

    >>> Decision(organisation_id="o", id="d", child_code=1, number="x",
    ...          coefficient=Decimal("0.80"), valid_from=date(2025, 1, 1))
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidComponent: decision.coefficient.range: ...
    """

    organisation_id: str = attrs.field(validator=_str)
    id: str = attrs.field(validator=_str)
    child_code: int = attrs.field(validator=v.instance_of(int))
    number: str = attrs.field(validator=_str)
    coefficient: Decimal = attrs.field(validator=_coefficient)
    valid_from: date = attrs.field(validator=v.instance_of(date))
    valid_to: date | None = attrs.field(
        default=None, validator=[v.optional(v.instance_of(date)), _valid_to]
    )
    regresor_id: str | None = attrs.field(default=None, validator=v.optional(_str))
    sibling_order: int | None = attrs.field(
        default=None, validator=v.optional(v.and_(v.instance_of(int), v.ge(1)))
    )
    state_financed: bool = attrs.field(default=False, validator=v.instance_of(bool))
    payment_class: int | None = attrs.field(
        default=None, validator=v.optional(v.and_(v.instance_of(int), v.ge(1), v.le(9)))
    )
    issued_on: date | None = attrs.field(default=None, validator=v.optional(v.instance_of(date)))
    supersedes: str | None = attrs.field(default=None, validator=v.optional(_str))
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))

    def is_valid_on(self, day: date) -> bool:
        """True if ``day`` is within ``valid_from`` ... ``valid_to``, both inclusive."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, first: date, last: date) -> bool:
        """True if the decision is valid on any day of ``first`` ... ``last`` (inclusive).

        >>> d = Decision(organisation_id="o", id="d", child_code=1, number="x",
        ...              coefficient=Decimal("0.3"), valid_from=date(2025, 3, 15))
        >>> d.overlaps(date(2025, 3, 1), date(2025, 3, 31))
        True
        >>> d.overlaps(date(2025, 2, 1), date(2025, 2, 28))
        False
        """
        return self.valid_from <= last and (self.valid_to is None or first <= self.valid_to)
