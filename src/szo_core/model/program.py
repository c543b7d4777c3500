"""Programs with dated prices, and groups (classes).

A :class:`Program` (a kindergarten program: 1st age group day program, half-day
program, ...) carries a dated list of :class:`ProgramPrice` s: the monthly
economic price (ekonomska cena) and the daily food cost included in it, each
valid from a date until the next one starts.  A :class:`Group` is a class of
children; which group a child is in over time is in the child's
:class:`~szo_core.model.GroupAssignment` history.

>>> from datetime import date
>>> from decimal import Decimal
>>> p = Program(organisation_id="org", code="I", name="1. starostno obdobje", prices=(
...     ProgramPrice(valid_from=date(2024, 9, 1), monthly=Decimal("520.00"),
...                  food_per_day=Decimal("2.60")),
...     ProgramPrice(valid_from=date(2025, 9, 1), monthly=Decimal("545.00"),
...                  food_per_day=Decimal("2.80")),
... ))
>>> p.price_on(date(2025, 8, 31)).monthly
Decimal('520.00')
>>> p.price_on(date(2025, 9, 1)).food_per_day
Decimal('2.80')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import attrs
from attrs import validators as v

from szo_core.errors import ConfigurationError, InvalidComponent

__all__ = ["Group", "Program", "ProgramPrice"]

_str = v.instance_of(str)


def _non_negative_money(
    _instance: object, attribute: attrs.Attribute[Decimal], value: Decimal
) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{attribute.name} must be Decimal, not {type(value).__name__}")
    if not value.is_finite() or value < 0:
        raise InvalidComponent(
            "program.price.negative",
            sl="Cena mora biti nenegativen znesek.",
            en="A price must be a non-negative amount.",
            where=attribute.name,
        )


@attrs.frozen(kw_only=True)
class ProgramPrice:
    """A program price valid from ``valid_from`` until the next price starts.

    Attributes:
        valid_from: First day the price applies.
        monthly: Monthly economic price of the program in euros (a whole month).
        food_per_day: Daily food cost included in ``monthly`` (deducted for
            announced absences).

    >>> ProgramPrice(valid_from=date(2025, 1, 1), monthly=520.0, food_per_day=Decimal("2.6"))
    Traceback (most recent call last):
    ...
    TypeError: monthly must be Decimal, not float
    """

    valid_from: date = attrs.field(validator=v.instance_of(date))
    monthly: Decimal = attrs.field(validator=_non_negative_money)
    food_per_day: Decimal = attrs.field(validator=_non_negative_money)


def _sorted_prices(
    _instance: object,
    _attribute: attrs.Attribute[tuple[ProgramPrice, ...]],
    value: tuple[ProgramPrice, ...],
) -> None:
    starts = [p.valid_from for p in value]
    if starts != sorted(set(starts)):
        raise InvalidComponent(
            "program.prices.order",
            sl="Cene programa morajo biti urejene po datumu začetka, brez ponovitev.",
            en="Program prices must be sorted by start date, without repeats.",
            where="prices",
        )


def _to_tuple(value: Sequence[ProgramPrice]) -> tuple[ProgramPrice, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Program:
    """A program with its dated prices.

    Attributes:
        organisation_id: The organisation the record belongs to.
        code: The program's code within the organisation (``"I"``, ``"II"``, ``"POL"``).
        name: Its name.
        prices: Dated prices, sorted by ``valid_from`` (no two on the same day).
        version: Optimistic-concurrency version.
    """

    organisation_id: str = attrs.field(validator=_str)
    code: str = attrs.field(validator=_str)
    name: str = attrs.field(default="", validator=_str)
    prices: tuple[ProgramPrice, ...] = attrs.field(
        default=(),
        converter=_to_tuple,
        validator=[v.deep_iterable(v.instance_of(ProgramPrice)), _sorted_prices],
    )
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))

    def price_on(self, day: date) -> ProgramPrice:
        """Return the price in force on ``day``.

        Raises:
            szo_core.errors.ConfigurationError: if no price starts on or before ``day``.

        >>> Program(organisation_id="o", code="I").price_on(date(2025, 1, 1))
        Traceback (most recent call last):
        ...
        szo_core.errors.ConfigurationError: program.price.missing: ...
        """
        found: ProgramPrice | None = None
        for price in self.prices:
            if price.valid_from <= day:
                found = price
            else:
                break
        if found is None:
            raise ConfigurationError(
                "program.price.missing",
                sl=f"Program {self.code} na dan {day:%d. %m. %Y} nima cene.",
                en=f"Program {self.code} has no price on {day.isoformat()}.",
                where=f"program {self.code}",
            )
        return found

    def with_price(self, price: ProgramPrice) -> Program:
        """Return a copy with ``price`` added (replacing one that starts the same day).

        >>> p = Program(organisation_id="o", code="I").with_price(
        ...     ProgramPrice(valid_from=date(2025, 1, 1), monthly=Decimal("500"),
        ...                  food_per_day=Decimal("2.5")))
        >>> len(p.prices)
        1
        """
        kept = [p for p in self.prices if p.valid_from != price.valid_from]
        return attrs.evolve(self, prices=tuple(sorted([*kept, price], key=lambda p: p.valid_from)))


@attrs.frozen(kw_only=True)
class Group:
    """A group (class, oddelek) of children.

    Attributes:
        organisation_id: The organisation the record belongs to.
        code: The group's code within the organisation.
        name: Its name (``"Metulji"``).
        program_code: The program the group usually runs (a child's own
            assignment may name another).
        version: Optimistic-concurrency version.

    >>> Group(organisation_id="o", code="A1", name="Metulji", program_code="I").name
    'Metulji'
    """

    organisation_id: str = attrs.field(validator=_str)
    code: str = attrs.field(validator=_str)
    name: str = attrs.field(default="", validator=_str)
    program_code: str | None = attrs.field(default=None, validator=v.optional(_str))
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))
