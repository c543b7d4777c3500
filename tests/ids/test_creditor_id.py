"""SEPA creditor identifier: the EPC rules for every country; the Slovenian practice reported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.eu import at_02

from szo_core.errors import InvalidChecksum, InvalidFormat
from szo_core.ids import creditor_id, davcna
from szo_core.testing.strategies import creditor_ids

# SI72ZZZ12345679: national part 12345679 (a valid tax number, see test_davcna), then
# "SI00" -> S = 28, I = 18 -> 12345679 28 18 00 = 12345679281800; mod 97 = 26;
# check = 98 - 26 = 72 (sepa.md: calc_check_digits('SIXXZZZ12345679') -> '72').
SLOVENIAN = "SI72ZZZ12345679"


@given(creditor_ids())
def test_generated_validate(number: str) -> None:
    assert creditor_id.validate(number) == number
    assert at_02.is_valid(number)
    assert creditor_id.validate(number.lower()) == number
    assert creditor_id.compact(creditor_id.format(number)) == number


@given(creditor_ids(slovenian_only=True))
def test_slovenian_form(number: str) -> None:
    assert len(number) == 15
    assert number.startswith("SI")


@given(creditor_ids(), st.data())
def test_single_digit_change_in_checked_part_is_rejected(number: str, data: st.DataObject) -> None:
    # MOD 97-10 catches every single digit substitution in the check digits and the
    # national part.  The business code (positions 5-7) is outside the check.
    positions = [i for i, ch in enumerate(number) if ch.isdigit() and (i < 4 or i >= 7)]
    position = data.draw(st.sampled_from(positions))
    digit = (int(number[position]) + data.draw(st.integers(1, 9))) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert not creditor_id.is_valid(changed)


@given(creditor_ids(slovenian_only=True), st.text("ABCXYZ0123456789", min_size=3, max_size=3))
def test_business_code_is_not_checked(number: str, business_code: str) -> None:
    assert creditor_id.is_valid(number[:4] + business_code + number[7:])


@given(creditor_ids())
def test_mask(number: str) -> None:
    masked = creditor_id.mask(number)
    national = number[7:]
    assert masked[:7] == number[:7]
    assert len(masked) == len(number)
    if len(national) >= 6:
        assert masked[7:] == "*" * (len(national) - 3) + national[-3:]
    else:
        assert masked[7:] == "*" * len(national)


def test_hand_examples() -> None:
    assert creditor_id.make("12345679") == SLOVENIAN
    assert creditor_id.validate("si72 zzz 12345679") == SLOVENIAN
    assert creditor_id.make("47690558N", country="ES") == "ES23ZZZ47690558N"  # stdnum's example
    assert creditor_id.mask(SLOVENIAN) == "SI72ZZZ*****679"


def test_lower_case_m_is_kept() -> None:
    # stdnum's compact() drops a lower-case "m"; szo_core upper-cases first.
    number = creditor_id.make("M12345", country="DE")
    assert at_02.compact(number.lower()) != number
    assert creditor_id.validate(number.lower()) == number


def _with_check_digits(body: str) -> str:
    return body[:2] + at_02.calc_check_digits(body) + body[4:]


def test_slovenian_national_part_is_not_required_to_be_a_tax_number() -> None:
    # EPC/AT-02: right check digits make a valid identifier, whatever the national part.
    bad_tax = _with_check_digits("SI00ZZZ12345678")  # 12345678 is not a valid tax number
    assert at_02.is_valid(bad_tax)
    assert creditor_id.validate(bad_tax) == bad_tax == "SI02ZZZ12345678"
    assert creditor_id.make("12345678") == bad_tax
    too_long = _with_check_digits("SI00ZZZ123456790")  # 16 characters
    assert creditor_id.validate(too_long) == too_long
    # ... and whether it follows the Slovenian practice is a question of its own.
    assert not creditor_id.national_part_is_tax_number(bad_tax)
    assert not creditor_id.national_part_is_tax_number(too_long)
    assert creditor_id.national_part_is_tax_number(SLOVENIAN)
    assert creditor_id.national_part_is_tax_number("si72 zzz 1234 5679")


@given(creditor_ids(slovenian_only=True))
def test_generated_slovenian_ids_carry_a_tax_number(number: str) -> None:
    assert creditor_id.national_part_is_tax_number(number)


@given(st.one_of(st.text(max_size=20), st.none(), st.integers(), st.binary(max_size=5)))
def test_national_part_is_tax_number_never_raises(value: object) -> None:
    result = creditor_id.national_part_is_tax_number(value)
    assert result is (
        creditor_id.is_valid(value)
        and isinstance(value, str)
        and creditor_id.compact(value).startswith("SI")
        and len(creditor_id.compact(value)) == 15
        and davcna.is_valid(creditor_id.compact(value)[7:])
    )


def test_foreign_ids_are_never_tax_number_based() -> None:
    assert not creditor_id.national_part_is_tax_number(creditor_id.make("12345679", country="DE"))


def test_errors() -> None:
    with pytest.raises(InvalidChecksum) as checksum:
        creditor_id.validate("SI73ZZZ12345679")
    assert checksum.value.code == "creditor_id.checksum"
    for bad in ("", "SI72ZZZ", "S172ZZZ12345679", "SI7ZZZZ12345679", "SI72ZZ_12345679"):
        with pytest.raises(InvalidFormat) as caught:
            creditor_id.validate(bad)
        assert caught.value.code == "creditor_id.format"
    with pytest.raises(InvalidFormat):
        creditor_id.validate("DE00ZZZ" + "1" * 29)  # national part over 28
    with pytest.raises(InvalidFormat):
        creditor_id.make("1234", business_code="ZZ")


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"


@given(
    st.sampled_from(["SI", "SI", "AT", "DE", "HR"]) | st.text(_LETTERS, min_size=2, max_size=2),
    st.text(_DIGITS, min_size=2, max_size=2),
    st.just("ZZZ") | st.text(_LETTERS + _DIGITS, min_size=3, max_size=3),
    st.text(_LETTERS + _DIGITS, min_size=1, max_size=28),
    st.booleans(),
)
def test_valid_exactly_when_the_epc_at_02_check_passes(
    country: str, digits: str, business: str, national: str, right_digits: bool
) -> None:
    # Slovenian identifiers included: the national part is not held to the tax-number form.
    if right_digits:
        digits = at_02.calc_check_digits(country + "00" + business + national)
    number = country + digits + business + national
    assert creditor_id.is_valid(number) is at_02.is_valid(number)
