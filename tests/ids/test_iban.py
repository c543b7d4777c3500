"""IBAN and TRR, including every TRR/IBAN worked example of shared/reference/upn.md §5."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from schwifty import IBAN

from szo_core.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from szo_core.ids import iban
from szo_core.testing.strategies import ibans_si, trrs

# upn.md §5 worked examples.
# (example, valid?, compact IBAN or error code)
UPN_MD_EXAMPLES = [
    # TRR 02010-0012345641: 020100012345641 mod 97 = 1 -> valid, = SI56 0201 0001 2345 641 (NLB)
    ("02010-0012345641", True, "SI56020100012345641"),
    # TRR 02010-0012345678: 020100012345678 mod 97 = 38 -> invalid
    ("02010-0012345678", False, "trr.checksum"),
    # Printed SI56 0201 7001 4356 205: 020170014356205 mod 97 = 1 -> valid
    ("SI56 0201 7001 4356 205", True, "SI56020170014356205"),
    ("SI56020170014356205", True, "SI56020170014356205"),
    # SI29020170014356206: IBAN check digits right, national digits wrong (mod 97 = 2)
    ("SI29020170014356206", False, "iban.national_checksum"),
]


@pytest.mark.parametrize(("example", "valid", "expected"), UPN_MD_EXAMPLES)
def test_upn_md_worked_examples(example: str, valid: bool, expected: str) -> None:
    convert = iban.from_trr if "-" in example else iban.validate
    if valid:
        assert convert(example) == expected
        assert iban.is_valid(expected)
    else:
        with pytest.raises(InvalidChecksum) as caught:
            convert(example)
        assert caught.value.code == expected


def test_national_digits_are_what_rejects_si29() -> None:
    # schwifty without validate_bban accepts it: the national check is what catches it.
    assert IBAN("SI29020170014356206").is_valid
    assert int("020170014356206") % 97 == 2
    assert not iban.is_valid("SI29020170014356206")


@given(ibans_si())
def test_generated_si_ibans(number: str) -> None:
    assert iban.validate(number) == number
    assert number.startswith("SI56")
    assert int(number[4:]) % 97 == 1
    assert iban.compact(iban.format(number)) == number
    assert iban.from_trr(iban.to_trr(number)) == number
    assert iban.bank(number).code == number[4:9]


@given(trrs(), st.sampled_from(["-", " ", ""]))
def test_trr_separators(trr: str, separator: str) -> None:
    text = trr.replace("-", separator)
    number = iban.from_trr(text)
    assert iban.to_trr(number) == trr


@given(ibans_si(), st.integers(4, 18), st.integers(1, 9))
def test_every_single_digit_change_is_rejected(number: str, position: int, delta: int) -> None:
    # MOD 97-10 detects every single substitution: the value changes by d*10^k with
    # 0 < |d| < 10, and 97 is a prime not dividing 10, so the remainder changes.
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert not iban.is_valid(changed)


@given(ibans_si())
def test_mask(number: str) -> None:
    masked = iban.mask(number)
    assert masked.startswith("SI56 **** ****")
    assert masked.replace(" ", "")[-4:] == number[-4:]
    assert number[4:15] not in masked.replace(" ", "")


@given(trrs(), st.sampled_from(["-01", "-99", " 12", "07"]))
def test_sequence_suffix_is_rejected(trr: str, suffix: str) -> None:
    with pytest.raises(InvalidFormat) as caught:
        iban.from_trr(trr + suffix)
    assert caught.value.code == "trr.sequence_suffix"
    assert caught.value.where == "trr"


def test_trr_format_errors() -> None:
    for bad in ("0201-0012345641", "02010-001234564", "02010/0012345641", "SI56020100012345641"):
        with pytest.raises(InvalidFormat) as caught:
            iban.from_trr(bad)
        assert caught.value.code == "trr.format"
    with pytest.raises(InvalidFormat):
        iban.from_trr(None)  # type: ignore[arg-type]


def test_to_trr_rejects_foreign_iban() -> None:
    with pytest.raises(InvalidComponent) as caught:
        iban.to_trr("DE89370400440532013000")
    assert caught.value.code == "trr.country"


def test_foreign_ibans() -> None:
    assert iban.validate("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert iban.validate("at61 1904 3002 3457 3201") == "AT611904300234573201"
    assert iban.validate("BE68539007547034") == "BE68539007547034"
    assert iban.format("DE89370400440532013000") == "DE89 3704 0044 0532 0130 00"


def test_no_national_checksum_warning_for_countries_without_algorithm() -> None:
    # Hungary declares national check digits but schwifty has no algorithm for them.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert iban.is_valid("HU42117730161111101800000000")


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("SI5602010001234564", InvalidLength, "iban.length"),
        ("XX56020100012345641", InvalidComponent, "iban.country"),
        ("SI56O20100012345641", InvalidFormat, "iban.format"),
        ("SI57020100012345641", InvalidChecksum, "iban.checksum"),
        ("", InvalidFormat, "iban.format"),
        ("SI56٠٢٠١٠٠٠١٢٣٤٥٦٤١", InvalidFormat, "iban.format"),  # Arabic-Indic digits
    ],
)
def test_errors(text: str, kind: type[Exception], code: str) -> None:
    with pytest.raises(kind) as caught:
        iban.validate(text)
    assert getattr(caught.value, "code", None) == code
    # schwifty's exception (whose text may hold the IBAN) is not chained into tracebacks.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_bank() -> None:
    nlb = iban.bank("SI56020100012345641")
    assert (nlb.code, nlb.name, nlb.bic) == ("02010", "NLB D.D.", "LJBASI2X")
    ujp = iban.bank(iban.make_si("01100", "00000001"))
    assert ujp.bic == "BSLJSI2X"
    fnb = iban.bank(iban.make_si("01050", "00000001"))
    assert fnb.bic == "BSLJSI2XFNB"  # a real branch code is kept


def test_unknown_bank() -> None:
    unknown = iban.make_si("99999", "00000001")
    assert iban.is_valid(unknown)
    with pytest.raises(InvalidComponent) as caught:
        iban.bank(unknown)
    assert caught.value.code == "iban.unknown_bank"


def test_make_si() -> None:
    # MOD 97-10: 02010 00123456 00 -> 020100012345600 mod 97 = 57 -> CC = 98 - 57 = 41
    assert iban.make_si("02010", "00123456") == "SI56020100012345641"
    with pytest.raises(InvalidFormat):
        iban.make_si("2010", "00123456")
    with pytest.raises(InvalidFormat):
        iban.make_si("02010", "0012345X")


def _schwifty_accepts(compact: str) -> bool:
    try:
        IBAN(compact, validate_bban=True)
    except ValueError:
        return False
    return True


@settings(max_examples=500)
@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=15, max_size=15).map(lambda d: "SI56" + d),
        ibans_si(),
        st.text(alphabet="SI0123456789 ", max_size=22),
    )
)
def test_fast_si_path_agrees_with_schwifty(text: str) -> None:
    # validate() answers plain Slovenian IBANs without schwifty (speed); it must
    # accept exactly what schwifty with validate_bban=True accepts for them.
    compact = iban.compact(text)
    if iban._is_plain_si(compact):
        assert _schwifty_accepts(compact)
    if compact.startswith("SI") and _schwifty_accepts(compact):
        assert iban._is_plain_si(compact)
