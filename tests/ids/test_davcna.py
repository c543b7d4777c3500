"""Tax number (davčna številka): weights 8 7 6 5 4 3 2, K = 11 - (S mod 11), 10 -> 0."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.si import ddv as stdnum_ddv

from szo_core.errors import InvalidChecksum, InvalidFormat, InvalidLength
from szo_core.ids import davcna, tax_number
from szo_core.testing.strategies import tax_numbers

# 1*8 + 2*7 + 3*6 + 4*5 + 5*4 + 6*3 + 7*2 = 8+14+18+20+20+18+14 = 112 = 10*11 + 2 -> K = 9
EXAMPLE = "12345679"
# 1*8 + 0 + 0 + 0 + 0 + 0 + 7*2 = 22 = 2*11 + 0 -> K = 11: no check digit
NO_CHECK_DIGIT = "1000007"
# 1*8 + 0*7 + ... + 3*2 = 14 = 11 + 3 -> K = 8;  1*8 + ... + 4*2 = 16 -> 11 - 5 = 6
# 1*8 + 0 ... + 2*2 = 12 = 11 + 1 -> K = 10 -> written as 0
TEN_AS_ZERO = "10000020"


@given(tax_numbers())
def test_generated_validate(number: str) -> None:
    assert davcna.validate(number) == number
    assert davcna.validate(f"SI {number[:4]} {number[4:]}") == number
    assert stdnum_ddv.is_valid(number)


@given(tax_numbers(), st.integers(0, 7), st.integers(1, 9))
def test_every_single_digit_change_is_rejected(number: str, position: int, delta: int) -> None:
    # Weights 2..8 are non-zero mod 11, so S mod 11 changes; r -> K is one-to-one over
    # the r that have a digit (r = 0 has none), so a changed digit never keeps K right.
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert not davcna.is_valid(changed)


@given(tax_numbers(), st.booleans())
def test_format_round_trip(number: str, vat: bool) -> None:
    assert davcna.compact(davcna.format(number, vat=vat)) == number


@given(tax_numbers())
def test_mask(number: str) -> None:
    assert davcna.mask(number) == "*****" + number[5:]


@given(st.text(alphabet="0123456789SI -", max_size=14))
def test_agrees_with_stdnum(text: str) -> None:
    assert davcna.is_valid(text) is stdnum_ddv.is_valid(text)


def test_hand_examples() -> None:
    assert davcna.calc_check_digit(EXAMPLE[:7]) == "9"
    assert davcna.make(EXAMPLE[:7]) == EXAMPLE
    assert davcna.validate("SI12345679") == EXAMPLE
    assert davcna.validate("si 123-456-79") == EXAMPLE
    assert davcna.make(TEN_AS_ZERO[:7]) == TEN_AS_ZERO
    assert davcna.format(EXAMPLE) == "12345679"
    assert davcna.format(EXAMPLE, vat=True) == "SI 12345679"


def test_no_check_digit() -> None:
    with pytest.raises(InvalidChecksum) as caught:
        davcna.make(NO_CHECK_DIGIT)
    assert caught.value.code == "davcna.checksum"
    for digit in "0123456789":
        assert not davcna.is_valid(NO_CHECK_DIGIT + digit)


def test_errors() -> None:
    with pytest.raises(InvalidChecksum) as checksum:
        davcna.validate("12345678")
    assert checksum.value.code == "davcna.checksum"
    with pytest.raises(InvalidLength) as length:
        davcna.validate("1234567")
    assert length.value.code == "davcna.length"
    with pytest.raises(InvalidFormat) as leading_zero:
        davcna.validate("02345679")
    assert leading_zero.value.code == "davcna.format"
    with pytest.raises(InvalidFormat):
        davcna.validate("1234567X")
    with pytest.raises(InvalidLength):
        davcna.make("123456")
    assert not davcna.is_valid("".join(chr(0xFF10 + int(d)) for d in EXAMPLE))  # full-width


def test_english_alias() -> None:
    assert tax_number is davcna
