"""Hypothesis strategies that generate valid, synthetic szo_core identifiers.

Every strategy is a keyword-only factory returning ``SearchStrategy[str]``.
:func:`references` (payment references, SI models and RF) is re-exported from
the reference strategies.
Every value it draws passes the matching ``validate()``. The numbers are built
with the check-digit functions: they are synthetic and belong to nobody (an
EMŠO drawn here may by chance equal a real one, but nothing links it to a
person).

This module needs Hypothesis, the ``testing`` extra:
``pip install 'szo_core[testing]'``.

>>> from hypothesis import given
>>> from szo_core.ids import emso
>>> @given(emsos(sex=emso.Sex.FEMALE))
... def test_female(number):
...     assert emso.parse(number).sex is emso.Sex.FEMALE
>>> test_female()
"""

from __future__ import annotations

from datetime import date

try:
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "szo_core.testing.strategies needs Hypothesis; install the testing extra: "
        "pip install 'szo_core[testing]'"
    ) from exc

from schwifty import registry as _schwifty_registry

from szo_core.errors import ValidationError
from szo_core.ids import creditor_id, davcna, emso, iban
from szo_core.testing._reference_strategies import references

__all__ = [
    "creditor_ids",
    "emsos",
    "ibans_si",
    "mandate_references",
    "references",
    "tax_numbers",
    "trrs",
]

_EARLIEST = date(1800, 1, 1)
_LATEST = date(2799, 12, 31)
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MANDATE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-?:().,'+"
_FOREIGN_CI_COUNTRIES = ("AT", "BE", "DE", "ES", "FR", "HR", "IT", "NL")


def _emso_or_none(drawn: tuple[date, emso.Sex, str, int]) -> str | None:
    birth_date, sex, register, offset = drawn
    serial = offset + (0 if sex is emso.Sex.MALE else 500)
    try:
        return emso.make(birth_date, sex, register=register, serial=serial)
    except ValidationError:  # a serial without a check digit (remainder 1)
        return None


def emsos(
    *,
    birth_date: date | None = None,
    sex: emso.Sex | None = None,
    register: str | None = None,
) -> SearchStrategy[str]:
    """Generate valid EMŠOs.

    Args:
        birth_date: Fix the birth date; by default any date from 1800-01-01 to
            2799-12-31 (what the 3-digit year can hold).
        sex: Fix the sex (the serial range); by default either.
        register: Fix the two-digit register code; by default ``"50"`` or any
            other code.

    Raises:
        ValidationError: ``birth_date`` or ``register`` cannot be encoded
            (checked when the strategy is built).

    >>> from datetime import date
    >>> from hypothesis import find
    >>> find(emsos(birth_date=date(2020, 2, 29), register="50"), lambda n: True)
    '2902020500000'
    """
    # Fail fast, at construction, on arguments no EMŠO can hold.
    emso.make(birth_date or _EARLIEST, sex or emso.Sex.MALE, register=register or "50")
    dates = st.just(birth_date) if birth_date is not None else st.dates(_EARLIEST, _LATEST)
    sexes = st.just(sex) if sex is not None else st.sampled_from(emso.Sex)
    registers = (
        st.just(register)
        if register is not None
        else st.one_of(st.just("50"), st.integers(0, 99).map("{:02d}".format))
    )
    drawn = st.tuples(dates, sexes, registers, st.integers(0, 499)).map(_emso_or_none)
    return drawn.filter(lambda number: number is not None).map(str)


def _tax_number_or_none(seven: int) -> str | None:
    try:
        return davcna.make(str(seven))
    except ValidationError:  # S mod 11 == 0: no check digit
        return None


def tax_numbers() -> SearchStrategy[str]:
    """Generate valid 8-digit tax numbers (davčne številke), without the ``SI`` prefix.

    >>> from hypothesis import find
    >>> find(tax_numbers(), lambda n: True)  # 1*8 = 8, 11 - 8 = 3
    '10000003'
    """
    drawn = st.integers(1_000_000, 9_999_999).map(_tax_number_or_none)
    return drawn.filter(lambda number: number is not None).map(str)


def _si_bank_codes() -> tuple[str, ...]:
    banks = _schwifty_registry.get_banks_by_country("SI")
    return tuple(sorted({bank.bank_code for bank in banks}))


def ibans_si() -> SearchStrategy[str]:
    """Generate valid compact Slovenian IBANs with real bank codes.

    The 5-digit bank identifiers come from schwifty's Slovenian registry (Banka
    Slovenije's list); the account is any 8 digits; the national check digits
    are computed.

    >>> from hypothesis import find
    >>> find(ibans_si(), lambda n: n[4:6] == "02")
    'SI56020010000000019'
    """
    return st.builds(
        iban.make_si,
        st.sampled_from(_si_bank_codes()),
        st.integers(0, 99_999_999).map("{:08d}".format),
    )


def trrs() -> SearchStrategy[str]:
    """Generate valid Slovenian TRRs in the form ``BBBBB-AAAAAAAACC``.

    >>> from hypothesis import find
    >>> find(trrs(), lambda n: True)
    '01000-0000000083'
    """
    return ibans_si().map(iban.to_trr)


def creditor_ids(*, slovenian_only: bool = False) -> SearchStrategy[str]:
    """Generate valid SEPA creditor identifiers.

    Slovenian ones have a tax number as national part and business code ``ZZZ``
    or any three letters or digits. Unless ``slovenian_only``, some are from other
    countries, with any 1-28 letters or digits as national part.

    >>> from hypothesis import find
    >>> find(creditor_ids(), lambda n: True)
    'SI84ZZZ10000003'
    >>> find(creditor_ids(), lambda n: not n.startswith("SI"))
    'AT18ZZZ0'
    """
    business_codes = st.one_of(st.just("ZZZ"), st.text(_ALNUM, min_size=3, max_size=3))
    slovenian = st.builds(creditor_id.make, tax_numbers(), business_codes, st.just("SI"))
    if slovenian_only:
        return slovenian
    foreign = st.builds(
        creditor_id.make,
        st.text(_ALNUM, min_size=1, max_size=28),
        business_codes,
        st.sampled_from(_FOREIGN_CI_COUNTRIES),
    )
    return st.one_of(slovenian, foreign)


def mandate_references() -> SearchStrategy[str]:
    """Generate valid SEPA mandate references (1-35 characters, single inner slashes).

    >>> from hypothesis import find
    >>> find(mandate_references(), lambda n: "/" in n)
    '0/0'
    """
    segment = st.text(_MANDATE_CHARS, min_size=1, max_size=12)
    joined = st.lists(segment, min_size=1, max_size=5).map("/".join)
    return joined.filter(lambda text: len(text) <= 35)
