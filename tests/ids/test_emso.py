"""EMŠO: properties first, then hand-derived examples (weights 7 6 5 4 3 2 7 6 5 4 3 2)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.si import emso as stdnum_emso

from szo_core.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from szo_core.ids import emso
from szo_core.ids.emso import Sex
from szo_core.testing.strategies import emsos

# 17.05.2019, register 50, serial 500 (female):
# 1*7 + 7*6 + 0*5 + 5*4 + 0*3 + 1*2 + 9*7 + 5*6 + 0*5 + 5*4 + 0*3 + 0*2
# = 7 + 42 + 0 + 20 + 0 + 2 + 63 + 30 + 0 + 20 + 0 + 0 = 184 = 16*11 + 8 -> K = 11 - 8 = 3
FEMALE_2019 = "1705019505003"
# Same date, serial 000 (male): 184 - 5*4 = 164 = 14*11 + 10 -> K = 11 - 10 = 1
MALE_2019 = "1705019500001"
# Serial 502: 184 + 2*2 = 188 = 17*11 + 1 -> remainder 1, no check digit exists.
# python-stdnum maps it to 0 and accepts "1705019505020".
REMAINDER_ONE = "1705019505020"


# --- properties -----------------------------------------------------------------------


@given(emsos())
def test_generated_emsos_validate_and_round_trip(number: str) -> None:
    assert emso.validate(number) == number
    assert emso.is_valid(number)
    info = emso.parse(number)
    rebuilt = emso.make(info.birth_date, info.sex, register=info.register, serial=info.serial)
    assert rebuilt == number


@given(emsos(), st.integers(0, 12), st.integers(1, 9))
def test_every_single_digit_change_is_rejected(number: str, position: int, delta: int) -> None:
    # Each weight is 2..7 and 11 is prime, so a changed digit always changes S mod 11;
    # r -> K is one-to-one once r == 1 is rejected, so K no longer matches.  (With
    # stdnum's "10 -> 0" both r = 0 and r = 1 give K = 0, so not every change is caught.)
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert not emso.is_valid(changed)


@given(emsos(), st.lists(st.sampled_from([" ", "\t", "\u00a0"]), max_size=3), st.data())
def test_compact_format_round_trip(number: str, spaces: list[str], data: st.DataObject) -> None:
    spaced = number
    for space in spaces:
        at = data.draw(st.integers(0, len(spaced)))
        spaced = spaced[:at] + space + spaced[at:]
    assert emso.compact(spaced) == number
    assert emso.format(spaced) == number
    assert emso.validate(spaced) == number


@given(emsos())
def test_mask_hides_birth_date_register_and_sex(number: str) -> None:
    masked = emso.mask(number)
    assert masked == "*" * 10 + number[10:]
    assert number[:10] not in masked


@given(emsos())
def test_parse_repr_shows_no_personal_digits(number: str) -> None:
    info = emso.parse(number)
    text = repr(info)
    assert number not in text
    assert info.birth_date.isoformat() not in text
    assert str(info.birth_date.year) not in text
    assert "<hidden>" in text


@given(emsos(sex=Sex.MALE))
def test_sex_keyword(number: str) -> None:
    assert emso.validate(number, sex=Sex.MALE) == number
    with pytest.raises(InvalidComponent) as caught:
        emso.validate(number, sex=Sex.FEMALE)
    assert caught.value.code == "emso.sex"


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_agrees_with_stdnum_except_remainder_one(number: str) -> None:
    remainder = sum(int(d) * w for d, w in zip(number, (7, 6, 5, 4, 3, 2) * 2, strict=False)) % 11
    expected = stdnum_emso.is_valid(number) and remainder != 1
    assert emso.is_valid(number) is expected
    assert emso.is_valid(number, allow_legacy_zero=True) is stdnum_emso.is_valid(number)


# --- hand examples --------------------------------------------------------------------


def test_hand_examples() -> None:
    assert emso.calc_check_digit(FEMALE_2019[:12]) == "3"
    assert emso.calc_check_digit(MALE_2019[:12]) == "1"
    assert emso.validate(FEMALE_2019) == FEMALE_2019
    assert emso.validate(MALE_2019, sex=Sex.MALE) == MALE_2019
    assert emso.make(date(2019, 5, 17), Sex.FEMALE) == FEMALE_2019
    assert emso.make(date(2019, 5, 17), Sex.MALE) == MALE_2019


def test_wrong_check_digit() -> None:
    with pytest.raises(InvalidChecksum) as caught:
        emso.validate("1705019505004")
    assert caught.value.code == "emso.checksum"


def test_remainder_one_is_rejected_by_default() -> None:
    assert stdnum_emso.is_valid(REMAINDER_ONE)  # python-stdnum accepts it
    with pytest.raises(InvalidChecksum) as caught:
        emso.validate(REMAINDER_ONE)
    assert caught.value.code == "emso.checksum"
    assert "ostanek 1" in caught.value.sl
    assert emso.validate(REMAINDER_ONE, allow_legacy_zero=True) == REMAINDER_ONE
    with pytest.raises(InvalidChecksum):
        emso.calc_check_digit(REMAINDER_ONE[:12])
    assert emso.calc_check_digit(REMAINDER_ONE[:12], allow_legacy_zero=True) == "0"
    with pytest.raises(InvalidChecksum):
        emso.make(date(2019, 5, 17), Sex.FEMALE, serial=502)


def test_make_skips_serials_without_check_digit() -> None:
    # 01.01.2000, register 50, serial 000: 0*7+1*6+0*5+1*4+0*3+0*2+0*7+5*6+0+0+0+0 = 40,
    # 40 mod 11 = 7 -> K = 11 - 7 = 4: serial 000 has a check digit and is used.
    assert emso.make(date(2000, 1, 1), Sex.MALE) == "0101000500004"
    # 18.01.2000, serial 000: 1*7+8*6+0+1*4+0+0+0+5*6+0+0+0+0 = 89 = 8*11 + 1 -> no digit;
    # serial 001: 89 + 1*2 = 91 = 8*11 + 3 -> K = 8, so make() returns serial 001.
    assert emso.make(date(2000, 1, 18), Sex.MALE) == "1801000500018"


def test_three_digit_year_rule() -> None:
    # "999" -> 1999, "000" -> 2000, "799" -> 2799, "800" -> 1800
    assert emso.parse(emso.make(date(1999, 12, 31), Sex.MALE)).birth_date == date(1999, 12, 31)
    assert emso.parse(emso.make(date(2000, 1, 1), Sex.MALE)).birth_date == date(2000, 1, 1)
    assert emso.parse(emso.make(date(2799, 1, 1), Sex.MALE)).birth_date == date(2799, 1, 1)
    assert emso.parse(emso.make(date(1800, 1, 1), Sex.MALE)).birth_date == date(1800, 1, 1)
    for too_far in (date(1799, 12, 31), date(2800, 1, 1)):
        with pytest.raises(InvalidComponent) as caught:
            emso.make(too_far, Sex.MALE)
        assert caught.value.code == "emso.date"


def test_bad_date() -> None:
    # 31.02.2019 does not exist; the check digit is computed so only the date is wrong.
    body = "310201950500"
    number = body + emso.calc_check_digit(body)
    with pytest.raises(InvalidComponent) as caught:
        emso.validate(number)
    assert caught.value.code == "emso.date"


def test_length_and_format() -> None:
    with pytest.raises(InvalidLength) as caught:
        emso.validate("170501950500")
    assert caught.value.code == "emso.length"
    with pytest.raises(InvalidFormat) as caught_format:
        emso.validate("17050195050O3")
    assert caught_format.value.code == "emso.format"
    # Arabic-Indic digits are digits to str.isdigit() but not to an EMŠO.
    arabic = "".join(chr(0x0660 + int(d)) for d in FEMALE_2019)
    assert not emso.is_valid(arabic)
    assert not emso.is_valid(FEMALE_2019 + "\n0")


def test_as_of() -> None:
    assert emso.validate(FEMALE_2019, as_of=date(2019, 5, 17)) == FEMALE_2019
    with pytest.raises(InvalidComponent) as caught:
        emso.validate(FEMALE_2019, as_of=date(2019, 5, 16))
    assert caught.value.code == "emso.future_date"
    with pytest.raises(InvalidComponent):
        emso.parse(FEMALE_2019, as_of=date(2019, 5, 16))


def test_slovenian_only() -> None:
    croatian = emso.make(date(1985, 12, 1), Sex.FEMALE, register="33", serial=512)
    # 0*7+1*6+1*5+2*4+9*3+8*2+5*7+3*6+3*5+5*4+1*3+2*2
    # = 0+6+5+8+27+16+35+18+15+20+3+4 = 157 = 14*11 + 3 -> K = 11 - 3 = 8
    assert croatian == "0112985335128"
    assert emso.validate(croatian) == croatian
    with pytest.raises(InvalidComponent) as caught:
        emso.validate(croatian, slovenian_only=True)
    assert caught.value.code == "emso.register"
    for register in ("50", "55", "59"):
        number = emso.make(date(2024, 6, 1), Sex.MALE, register=register)
        assert emso.is_valid(number, slovenian_only=True)
    assert not emso.is_valid(
        emso.make(date(2024, 6, 1), Sex.MALE, register="60"), slovenian_only=True
    )


def test_parse() -> None:
    info = emso.parse(FEMALE_2019)
    assert info.birth_date == date(2019, 5, 17)
    assert info.sex is Sex.FEMALE
    assert info.register == "50"
    assert info.register_name == "Slovenija"
    assert info.serial == 500


@pytest.mark.parametrize(
    ("register", "name"),
    [
        ("50", "Slovenija"),
        ("55", "Slovenija"),
        ("05", "tujci v Sloveniji"),
        ("00", "tujci"),
        ("17", "Bosna in Hercegovina – Sarajevo"),
        ("33", "Hrvaška – Zagreb"),
        ("45", "Makedonija – Skopje"),
        ("71", "ožja Srbija – Beograd"),
        ("80", "Vojvodina – Novi Sad"),
        ("91", "Kosovo – Priština"),
        ("23", "Črna gora"),
    ],
)
def test_register_names(register: str, name: str) -> None:
    assert emso.register_name(register) == name


def test_every_register_code_has_a_name() -> None:
    for code in range(100):
        assert emso.register_name(f"{code:02d}")
    for bad in ("5", "500", "5O", "٥٠"):
        with pytest.raises(InvalidComponent):
            emso.register_name(bad)


def test_make_rejects_bad_arguments() -> None:
    with pytest.raises(InvalidComponent) as caught:
        emso.make(date(2019, 5, 17), Sex.MALE, serial=500)
    assert caught.value.code == "emso.sex"
    with pytest.raises(InvalidComponent):
        emso.make(date(2019, 5, 17), Sex.FEMALE, serial=499)
    with pytest.raises(InvalidComponent):
        emso.make(date(2019, 5, 17), Sex.FEMALE, register="5")


def test_is_valid_never_raises_on_odd_keyword_values() -> None:
    assert not emso.is_valid(FEMALE_2019, as_of="2020-01-01")  # type: ignore[arg-type]


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_calc_check_digit_makes_valid_numbers(body: str) -> None:
    try:
        digit = emso.calc_check_digit(body)
    except InvalidChecksum:
        assert sum(int(d) * w for d, w in zip(body, (7, 6, 5, 4, 3, 2) * 2, strict=True)) % 11 == 1
        return
    number = body + digit
    if not emso.is_valid(number):  # only the date can still be wrong
        with pytest.raises(InvalidComponent, match=r"emso\.date"):
            emso.validate(number)
