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

import enum
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import attrs

from szo_core.errors import ConfigurationError, InvalidComponent, InvalidType
from szo_core.model import _validators as v

__all__ = ["Group", "Program", "ProgramKind", "ProgramPrice"]

_str = v.instance_of(str)


def _non_negative_money(
    _instance: object, attribute: attrs.Attribute[Decimal], value: Decimal
) -> None:
    if not isinstance(value, Decimal):
        raise InvalidType(
            "record.type",
            sl=f"Polje {attribute.name} mora biti Decimal.",
            en=f"The field {attribute.name} must be a Decimal.",
            where=f"ProgramPrice.{attribute.name}",
        )
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
    szo_core.errors.InvalidType: record.type: ... (ProgramPrice.monthly)
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


def _prices_tuple(value: Sequence[ProgramPrice]) -> tuple[ProgramPrice, ...]:
    return v.to_tuple(value)


class ProgramKind(enum.StrEnum):
    """How the parents' payment of a program is based (``docs/fees.md``)."""

    REGULAR = "regular"
    """The parents' coefficient applies to the program's own price (default)."""
    DEVELOPMENTAL_UNIT = "developmental_unit"
    """A developmental unit (razvojni oddelek): the parents pay their share of the
    regular program's price (:attr:`Program.reference_program`); the regresor pays
    the rest of the unit's price."""
    PRIVATE = "private"
    """A private kindergarten without a concession (ZVrt Art. 34): the parents'
    payment is their share of the public kindergarten's price of the same program
    (:attr:`Program.reference_program`); the municipality pays 85 % of that public
    price less the parents' payment; the rest of the private price is the
    parents' (``docs/fees.md``)."""


def _reference_program(
    instance: Program, _attribute: attrs.Attribute[str | None], value: str | None
) -> None:
    if value is not None:
        v.instance_of(str)(instance, _attribute, value)
    needs = instance.kind is not ProgramKind.REGULAR
    if needs and not value:
        raise InvalidComponent(
            "program.reference.missing",
            sl="Razvojni oddelek in zasebni program potrebujeta primerjalni program.",
            en="A developmental unit or a private program needs a reference program.",
            where="reference_program",
        )
    if not needs and value is not None:
        raise InvalidComponent(
            "program.reference.unexpected",
            sl="Redni program nima primerjalnega programa.",
            en="A regular program has no reference program.",
            where="reference_program",
        )
    if value is not None and value == instance.code:
        raise InvalidComponent(
            "program.reference.self",
            sl="Program ne more biti sam sebi primerjalni program.",
            en="A program cannot be its own reference program.",
            where="reference_program",
        )


@attrs.frozen(kw_only=True)
class Program:
    """A program with its dated prices.

    Attributes:
        organisation_id: The organisation the record belongs to.
        code: The program's code within the organisation (``"I"``, ``"II"``, ``"POL"``).
        name: Its name.
        prices: Dated prices, sorted by ``valid_from`` (no two on the same day).
            A price in force in a closed billing month is locked: changing or
            removing it, or adding one that starts on or before the end of such a
            month, raises :class:`~szo_core.errors.RecordLockedError` in storage;
            a new price is a new dated entry after the closed months.
        kind: Regular (default), developmental unit, or private (:class:`ProgramKind`).
        reference_program: For a developmental unit, the regular program whose
            price the parents' coefficient applies to; for a private program, the
            public kindergarten's program of the same kind.  None for a regular one.
        version: Optimistic-concurrency version.

    >>> Program(organisation_id="o", code="RO", kind=ProgramKind.DEVELOPMENTAL_UNIT)
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidComponent: program.reference.missing: ...
    """

    organisation_id: str = attrs.field(validator=_str)
    code: str = attrs.field(validator=_str)
    name: str = attrs.field(default="", validator=_str)
    prices: tuple[ProgramPrice, ...] = attrs.field(
        default=(),
        converter=_prices_tuple,
        validator=[v.deep_iterable(v.instance_of(ProgramPrice)), _sorted_prices],
    )
    kind: ProgramKind = attrs.field(
        default=ProgramKind.REGULAR, validator=v.instance_of(ProgramKind)
    )
    reference_program: str | None = attrs.field(default=None, validator=_reference_program)
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
