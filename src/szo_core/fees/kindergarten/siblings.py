"""The dated sibling scale: which part of the parents' payment the state pays.

The Slovenian state budget pays for siblings under ZVrt Art. 29 and 32(4); the
rule changed three times (1. 9. 2008, 1. 6. 2012, 1. 9. 2021).  The scale is
package data (``_data/sibling_scale.json``): each :class:`SiblingEra` says, for
a child's order among its siblings, which fraction of the parents' assigned
payment (coefficient × price) the state pays.

The order is the one on the decision (odločba) when the CSD states it; otherwise it
is derived from :class:`SiblingInfo`: under the 2008 and 2012 rules only children
*enrolled at the same time* count; under the 2021 rule the third and every later
child of the family is free even with no sibling enrolled.

>>> from datetime import date
>>> scale = default_sibling_scale()
>>> [era.id for era in scale.eras]
['zvrt-1996', 'zvrt-c-2008', 'zujf-2012', 'zvrt-g-2021']
>>> scale.era_on(date(2015, 3, 1)).share(2)
Decimal('0.7')
>>> scale.era_on(date(2022, 3, 1)).order_of(SiblingInfo(enrolled_order=1, family_order=3))
3
"""

from __future__ import annotations

import enum
import functools
import json
from datetime import date
from decimal import Decimal
from importlib import resources

import attrs
from attrs import validators as v

from szo_core.errors import ConfigurationError, InvalidComponent

__all__ = [
    "OrderBasis",
    "SiblingEra",
    "SiblingInfo",
    "SiblingScale",
    "default_sibling_scale",
    "load_sibling_scale",
]


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidComponent(
            "fees.siblings.order",
            sl="Vrstni red otroka med sorojenci mora biti celo število, vsaj 1.",
            en="A child's order among siblings must be a whole number, at least 1.",
            where=attribute.name,
        )


@attrs.frozen(kw_only=True)
class SiblingInfo:
    """A child's place among its siblings, for the month being billed.

    Attributes:
        enrolled_order: Order among the siblings enrolled in a kindergarten at the
            same time, 1 for the oldest (or an only child).
        family_order: Order among all the children of the family, 1 for the oldest
            (the 2021 rule frees the 3rd and later child whether or not a sibling
            is enrolled).

    A change during the month (an older sibling leaves) takes effect from the
    first day of the next month: the caller passes the facts as they stood on
    the first day of the billed month (documented choice for open question Q3).

    >>> SiblingInfo(enrolled_order=2).family_order
    2
    """

    enrolled_order: int = attrs.field(default=1, validator=_positive)
    family_order: int = attrs.field(validator=_positive)

    @family_order.default
    def _family_default(self) -> int:
        return self.enrolled_order


class OrderBasis(enum.StrEnum):
    """How an era counts a child's order when the decision does not state it."""

    ENROLLED = "enrolled"
    """Only children enrolled at the same time count (2008, 2012 rules)."""
    ENROLLED_OR_FAMILY = "enrolled_or_family"
    """Enrolled siblings count, and the 3rd child of the family is free anyway (2021)."""


@attrs.frozen(kw_only=True)
class SiblingEra:
    """One era of the sibling scale.

    Attributes:
        id: Stable identifier (``"zujf-2012"``), quoted in statement lines.
        valid_from: First day of the era (always the first day of a month).
        valid_to: Last day of the era, or None while in force.
        basis: How the order is counted when the decision does not state it.
        shares: Fraction of the parents' assigned payment the state pays, for
            order 1, 2 and 3-or-later.
        rule: The rule in English.
        rule_sl: The rule in Slovenian.
        source: The legal source.

    >>> default_sibling_scale().eras[2].shares
    (Decimal('0'), Decimal('0.7'), Decimal('1'))
    """

    id: str
    valid_from: date
    valid_to: date | None
    basis: OrderBasis
    shares: tuple[Decimal, Decimal, Decimal]
    rule: str
    rule_sl: str
    source: str

    def share(self, order: int) -> Decimal:
        """The fraction the state pays for a child of ``order`` (1 = oldest).

        >>> default_sibling_scale().eras[1].share(5)
        Decimal('1')
        """
        return self.shares[min(max(order, 1), 3) - 1]

    def order_of(self, info: SiblingInfo) -> int:
        """The order this era uses for ``info``.

        >>> era = default_sibling_scale().eras[2]  # 2012: only enrolled siblings count
        >>> era.order_of(SiblingInfo(enrolled_order=1, family_order=3))
        1
        """
        if self.basis is OrderBasis.ENROLLED_OR_FAMILY and info.family_order >= 3:
            return max(info.enrolled_order, info.family_order)
        return info.enrolled_order


@attrs.frozen
class SiblingScale:
    """The eras of the sibling scale, in date order, without gaps or overlaps.

    >>> default_sibling_scale().era_on(date(2008, 9, 1)).id
    'zvrt-c-2008'
    """

    eras: tuple[SiblingEra, ...] = attrs.field(validator=v.min_len(1))

    def __attrs_post_init__(self) -> None:
        for era in self.eras:
            if era.valid_from.day != 1:
                raise ConfigurationError(
                    "fees.siblings.era_start",
                    sl="Obdobje sorojenske lestvice se mora začeti prvi dan v mesecu.",
                    en="A sibling-scale era must start on the first day of a month.",
                    where=era.id,
                )
        for before, after in zip(self.eras, self.eras[1:], strict=False):
            if before.valid_to is None or (after.valid_from - before.valid_to).days != 1:
                raise ConfigurationError(
                    "fees.siblings.era_gap",
                    sl="Obdobja sorojenske lestvice se morajo nizati brez vrzeli.",
                    en="Sibling-scale eras must follow each other without gaps.",
                    where=after.id,
                )

    def era_on(self, day: date) -> SiblingEra:
        """The era in force on ``day`` (the first era also covers earlier days).

        >>> default_sibling_scale().era_on(date(1990, 1, 1)).id
        'zvrt-1996'
        """
        found = self.eras[0]
        for era in self.eras:
            if era.valid_from <= day:
                found = era
            else:
                break
        return found


def _parse_era(raw: dict[str, object]) -> SiblingEra:
    shares = raw["shares"]
    if not isinstance(shares, dict):
        raise ConfigurationError(
            "fees.siblings.data",
            sl="Podatki sorojenske lestvice niso pravilni.",
            en="The sibling-scale data is not valid.",
            where=str(raw.get("id")),
        )
    valid_to = raw.get("valid_to")
    return SiblingEra(
        id=str(raw["id"]),
        valid_from=date.fromisoformat(str(raw["valid_from"])),
        valid_to=None if valid_to is None else date.fromisoformat(str(valid_to)),
        basis=OrderBasis(str(raw["basis"])),
        shares=(Decimal(shares["1"]), Decimal(shares["2"]), Decimal(shares["3+"])),
        rule=str(raw["rule"]),
        rule_sl=str(raw["rule_sl"]),
        source=str(raw["source"]),
    )


def load_sibling_scale(text: str) -> SiblingScale:
    """Build a :class:`SiblingScale` from JSON text shaped like the package data.

    Raises:
        szo_core.errors.ConfigurationError: for data that is not a valid scale.

    >>> load_sibling_scale('{"eras": []}')
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: fees.siblings.data: ...
    """
    try:
        data = json.loads(text)
        eras = tuple(_parse_era(raw) for raw in data["eras"])
        return SiblingScale(eras)
    except ConfigurationError:
        raise
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise ConfigurationError(
            "fees.siblings.data",
            sl="Podatki sorojenske lestvice niso pravilni.",
            en="The sibling-scale data is not valid.",
        ) from None


@functools.cache
def default_sibling_scale() -> SiblingScale:
    """The scale shipped with szo_core (2008, 2012 and 2021 rules), read once.

    >>> default_sibling_scale().era_on(date(2021, 9, 1)).source
    'ZVrt-G, Ur. l. RS 18/2021 (ZVrt Art. 32(4))'
    """
    data = resources.files("szo_core.fees.kindergarten").joinpath("_data/sibling_scale.json")
    text = data.read_text("utf-8")
    return load_sibling_scale(text)
