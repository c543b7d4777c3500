"""Decimal EUR helpers: exact rounding at named steps and splits that sum to the cent.

Money in szo_core is always :class:`decimal.Decimal`.  ``float`` is refused with
:class:`~szo_core.errors.InvalidType` (a ``TypeError``) because binary floating
point cannot represent cents (0.29 € is not 0.29).  Rounding happens only where a
function is called for it, always with an explicit rounding mode (half-up to
cents is the Slovenian practice), and every function here computes in its own
:mod:`decimal` context: the caller's context (its precision, its traps) changes
nothing.

Example:
    >>> from decimal import Decimal
    >>> round_cents(Decimal("10.005"))
    Decimal('10.01')
    >>> allocate(Decimal("100.00"), [1, 1, 1])
    (Decimal('33.34'), Decimal('33.33'), Decimal('33.33'))
    >>> to_decimal(0.1)
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidType: money.type: ...
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, ParamSpec, TypeVar

import attrs

from szo_core.errors import InvalidFormat, InvalidType

__all__ = [
    "CENT",
    "ZERO",
    "RoundingPolicy",
    "allocate",
    "format_eur",
    "is_whole_cents",
    "round_cents",
    "to_decimal",
]

_P = ParamSpec("_P")
_T = TypeVar("_T")

CENT: Final = Decimal("0.01")
"""One euro cent, the unit every amount is rounded to."""

ZERO: Final = Decimal("0.00")
"""Zero euros, with cents."""

# A private context: 60 significant digits, so no intermediate result of a fee
# computation is ever rounded by the context, whatever the caller has set globally.
_CONTEXT: Final = decimal.Context(prec=60, rounding=ROUND_HALF_UP, traps=[decimal.InvalidOperation])

_LARGEST: Final = Decimal("1E+40")
"""No amount szo_core handles comes near this; larger ones are refused (``money.too_large``)."""


def _own_context(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """Run ``function`` in the module's private context (the caller's is left alone)."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with decimal.localcontext(_CONTEXT):
            return function(*args, **kwargs)

    return wrapper


def _too_large(where: str | None) -> InvalidFormat:
    return InvalidFormat(
        "money.too_large",
        sl="Znesek je prevelik.",
        en="The amount is too large.",
        where=where,
    )


def is_whole_cents(value: Decimal) -> bool:
    """True if ``value`` is a finite amount with no fraction of a cent; never raises.

    Works for any exponent (``Decimal("1E+1000")`` is whole cents, even if no
    payment can carry it): range checks are the caller's.

    >>> is_whole_cents(Decimal("12.30")), is_whole_cents(Decimal("12.305"))
    (True, False)
    >>> is_whole_cents(Decimal("1E+1000")), is_whole_cents(Decimal("NaN"))
    (True, False)
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        return False
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite values have an int exponent
        return False
    if exponent >= -2:
        return True
    # the digits past the cent must all be zero
    return not any(digits[max(0, len(digits) + exponent + 2) :])


MoneyLike = Decimal | int | str
"""What :func:`to_decimal` accepts: a Decimal, an int, or a decimal string."""


def to_decimal(value: MoneyLike, *, where: str | None = None) -> Decimal:
    """Return ``value`` as a finite :class:`~decimal.Decimal`.

    Args:
        value: A Decimal, an int, or a string such as ``"12.50"``.
        where: Where the value comes from, used in the error message.

    Raises:
        szo_core.errors.InvalidType: ``money.type`` for ``float`` and ``bool``
            (and any other type); it is also a ``TypeError``.
        szo_core.errors.InvalidFormat: ``money.format`` for a string that is not
            a number, ``money.not_finite`` for NaN and infinities,
            ``money.too_large`` for an amount of 10⁴⁰ or more.

    >>> to_decimal("12.50")
    Decimal('12.50')
    >>> to_decimal(3)
    Decimal('3')
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        kind = type(value).__name__
        hint_sl = " (float ne more natančno zapisati centov)" if isinstance(value, float) else ""
        hint_en = " (a float cannot hold cents exactly)" if isinstance(value, float) else ""
        raise InvalidType(
            "money.type",
            sl=f"Znesek mora biti Decimal, int ali str, ne {kind}{hint_sl}.",
            en=f"An amount must be a Decimal, int or str, not {kind}{hint_en}.",
            where=where,
        )
    if isinstance(value, str):
        try:
            if not value.isascii():  # Decimal() would take other scripts' digits too
                raise ValueError(value)
            result = Decimal(value.strip())
        except (decimal.InvalidOperation, ValueError):
            raise InvalidFormat(
                "money.format",
                sl="Znesek ni število.",
                en="The amount is not a number.",
                where=where,
            ) from None
    else:
        result = Decimal(value)
    if not result.is_finite():
        raise InvalidFormat(
            "money.not_finite",
            sl="Znesek mora biti končno število.",
            en="The amount must be a finite number.",
            where=where,
        )
    if result.copy_abs() >= _LARGEST:
        raise _too_large(where)
    return result


@_own_context
def round_cents(value: MoneyLike, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round ``value`` to cents, half-up unless another :mod:`decimal` mode is given.

    >>> round_cents(Decimal("2.345"))
    Decimal('2.35')
    >>> round_cents(Decimal("-2.345"))
    Decimal('-2.35')
    >>> round_cents(7)
    Decimal('7.00')
    """
    return to_decimal(value).quantize(CENT, rounding=rounding, context=_CONTEXT)


@attrs.frozen
class RoundingPolicy:
    """A named rounding step: the exponent to round to and the rounding mode.

    >>> RoundingPolicy().apply(Decimal("1.005"))
    Decimal('1.01')
    >>> RoundingPolicy(exponent=Decimal("0.0001")).apply(Decimal("1.00005"))
    Decimal('1.0001')
    """

    exponent: Decimal = CENT
    rounding: str = ROUND_HALF_UP

    @_own_context
    def apply(self, value: MoneyLike) -> Decimal:
        """Round ``value`` with this policy."""
        return to_decimal(value).quantize(self.exponent, rounding=self.rounding, context=_CONTEXT)


@_own_context
def allocate(
    total: MoneyLike, weights: Iterable[MoneyLike], *, unit: Decimal = CENT
) -> tuple[Decimal, ...]:
    """Split ``total`` in proportion to ``weights`` so the parts sum exactly to ``total``.

    Uses the largest-remainder method: every part first gets its proportional
    share rounded towards zero to ``unit``; the units left over go one each to the
    parts with the largest remainders (ties go to the earlier part).  A negative
    total (a correction) is split like its absolute value and negated.

    Args:
        total: The amount to split; must be a whole number of ``unit``.
        weights: Non-negative weights, at least one of them positive.
        unit: The smallest amount a part may differ by (one cent by default).

    Raises:
        szo_core.errors.InvalidFormat: for no weights, negative weights, all-zero
            weights, or a total that is not a whole number of units.

    >>> allocate(Decimal("10.00"), [Decimal("0.53"), Decimal("0.47")])
    (Decimal('5.30'), Decimal('4.70'))
    >>> allocate(Decimal("-0.05"), [1, 1])
    (Decimal('-0.03'), Decimal('-0.02'))
    >>> sum(allocate(Decimal("1.00"), [1, 1, 1, 1, 1, 1, 1]))
    Decimal('1.00')
    """
    amount = to_decimal(total, where="total")
    ws: Sequence[Decimal] = [to_decimal(w, where="weights") for w in weights]
    if not ws:
        raise InvalidFormat(
            "money.allocate.no_weights",
            sl="Za razdelitev zneska ni nobene uteži.",
            en="There are no weights to split the amount by.",
        )
    if any(w < 0 for w in ws):
        raise InvalidFormat(
            "money.allocate.negative_weight",
            sl="Utež za razdelitev zneska ne sme biti negativna.",
            en="A weight for splitting an amount must not be negative.",
        )
    weight_sum = sum(ws, Decimal(0))
    if weight_sum == 0:
        raise InvalidFormat(
            "money.allocate.zero_weights",
            sl="Vse uteži za razdelitev zneska so nič.",
            en="All weights for splitting the amount are zero.",
        )
    units = _CONTEXT.divide(amount, unit)
    if units != units.to_integral_value():
        raise InvalidFormat(
            "money.allocate.not_whole_units",
            sl="Zneska ni mogoče razdeliti, ker ni zaokrožen na najmanjšo enoto.",
            en="The amount cannot be split because it is not rounded to the unit.",
            where="total",
        )
    sign = -1 if units < 0 else 1
    whole = int(abs(units))
    shares = [_CONTEXT.divide(_CONTEXT.multiply(Decimal(whole), w), weight_sum) for w in ws]
    floors = [int(s) for s in shares]  # towards zero; shares are non-negative
    left = whole - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return tuple((unit * (sign * f)).quantize(unit, context=_CONTEXT) for f in floors)


@_own_context
def format_eur(value: MoneyLike, locale: str = "sl") -> str:
    r"""Format an amount in euros the way the locale writes it (Babel, CLDR data).

    >>> format_eur(Decimal("1234.5"))
    '1.234,50\xa0€'
    >>> format_eur(Decimal("1234.5"), locale="en")
    '€1,234.50'
    """
    from babel.numbers import format_currency

    result: str = format_currency(round_cents(value), "EUR", locale=locale)
    return result
