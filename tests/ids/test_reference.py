"""Payment references: the worked examples of upn.md section 3 and the API by example.

Every arithmetic comment writes the data digits with their weights (2 on the
rightmost digit, rising leftwards), the weighted sum, r = sum mod 11, and
K = 11 - r where 10 and 11 become 0.
"""

from __future__ import annotations

import pickle

import attrs
import pytest

from szo_core.errors import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from szo_core.ids import reference
from szo_core.ids.reference import (
    MODELS,
    Reference,
    compact,
    format,
    is_valid,
    make,
    make_rf,
    mod11,
    parse,
    validate,
)

# --------------------------------------------------------------------------- mod 11


@pytest.mark.parametrize(
    ("data", "k"),
    [
        # Priloga 3 a: 1*7 + 0*6 + 2*5 + 6*4 + 7*3 + 4*2 = 70; r = 4; K = 7
        ("102674", "7"),
        # Priloga 3 b: 1*3 + 4*2 = 11; r = 0; 11 - 0 = 11 -> 0
        ("14", "0"),
        # Priloga 3 c: 5*3 + 4*2 = 23; r = 1; 11 - 1 = 10 -> 0
        ("54", "0"),
        # forum rule of thumb: 5*5 + 6*4 + 7*3 + 8*2 = 86; r = 9; K = 2
        ("5678", "2"),
        # one digit: 1*2 = 2; r = 2; K = 9
        ("1", "9"),
        # twelve digits, the most weights 2..13 reach:
        # 1*13 + 2*12 + 3*11 + 4*10 + 5*9 + 6*8 + 7*7 + 8*6 + 9*5 + 0*4 + 1*3 + 2*2 = 352 = 32*11
        ("123456789012", "0"),
        # 1*13 + 0*12 + 3*11 + 3*10 + 8*9 + 4*8 + 2*7 + 5*6 + 7*5 + 4*4 + 5*3 + 3*2 = 296; r = 10
        ("103384257453", "1"),
    ],
)
def test_mod11_worked_examples(data: str, k: str) -> None:
    assert mod11(data) == k


@pytest.mark.parametrize("data", ["", "1" * 13, "1" * 20])
def test_mod11_refuses_empty_and_more_than_12_digits(data: str) -> None:
    with pytest.raises(InvalidLength) as info:
        mod11(data)
    assert info.value.code == "reference.length"


@pytest.mark.parametrize("data", ["12a", "1-2", " 12", "١٢", "²", None, 12])
def test_mod11_refuses_non_digits(data: object) -> None:
    with pytest.raises(InvalidFormat) as info:
        mod11(data)  # type: ignore[arg-type]
    assert info.value.code == "reference.format"


# --------------------------------------------------------------------------- worked examples


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # ZBS programmers' guide 4.6/5: data 123456789012, sum 352 = 32*11, r 0 -> K 0
        ("SI12 1234567890120", "SI121234567890120"),
        # technical standard, cover: data 103384257453, sum 296, r 10 -> K 1
        ("SI12 1033842574531", "SI121033842574531"),
        # technical standard, example c: data 999000035989:
        # 9*13 + 9*12 + 9*11 + 3*6 + 5*5 + 9*4 + 8*3 + 9*2 = 445; r 5 -> K 6
        ("SI12 9990000359896", "SI129990000359896"),
        # rules v1.4: 2026104 padded to 000002026104:
        # 2*8 + 2*6 + 6*5 + 1*4 + 4*2 = 70; r 4 -> K 7
        ("SI12 0000020261047", "SI120000020261047"),
        # technical standard, example a: P1 data 9876543210:
        # 9*11 + 8*10 + 7*9 + 6*8 + 5*7 + 4*6 + 3*5 + 2*4 + 1*3 + 0*2 = 375; r 1 -> 10 -> 0
        ("SI05 98765432100", "SI0598765432100"),
        # gov.si cash references: 25280001: 2*9 + 5*8 + 2*7 + 8*6 + 1*2 = 122; r 1 -> K 0
        ("SI05 252800010", "SI05252800010"),
        # 25300000: 2*9 + 5*8 + 3*7 = 79; r 2 -> K 9
        ("SI05 253000009", "SI05253000009"),
        # rules v1.4: (P1)K with P1 "19": data 1: 1*2 = 2; r 2 -> K 9; P2, P3 unchecked
        ("SI05 19-1235-84503", "SI0519-1235-84503"),
        # older ZBS example: (P1-P2)K data 1236|1: 1*6 + 2*5 + 3*4 + 6*3 + 1*2 = 48; r 4 -> 7;
        # (P3)K data 34567: 3*6 + 4*5 + 5*4 + 6*3 + 7*2 = 90; r 2 -> 9
        ("SI08 1236-17-345679", "SI081236-17-345679"),
        # model 00 has no check digit at all
        ("SI00 123456-67890-12345", "SI00123456-67890-12345"),
        ("SI00 3528-990", "SI003528-990"),
        ("SI00 225268-32526-222", "SI00225268-32526-222"),
        # SI99 is the whole reference
        ("SI99", "SI99"),
        # RF, rules v1.4 Priloga 4/5: "2348231" + "RF00" -> 2348231 27 15 00;
        # 2348231271500 mod 97 = 27; 98 - 27 = 71
        ("RF71 2348 231", "RF712348231"),
        # technical standard g/h: S=28 B=11 O=24: 2811242010 27 15 00 mod 97 = 53; 98 - 53 = 45
        ("RF45 SBO2 010", "RF45SBO2010"),
        ("RF81 352A DD05 899", "RF81352ADD05899"),
        # python-stdnum docstring
        ("RF18 5390 0754 7034", "RF18539007547034"),
        # lower case and extra spaces are compacted
        ("rf45 sbo2 010", "RF45SBO2010"),
        ("  si12 1234 5678 90120 ", "SI121234567890120"),
    ],
)
def test_valid_worked_examples(given: str, expected: str) -> None:
    assert validate(given) == expected
    assert is_valid(given)


@pytest.mark.parametrize(
    ("given", "where"),
    [
        # data 123456789012 gives K 0 (sum 352, r 0), not 1
        ("SI12 1234567890121", "P1"),
        # P3 data 3456: 3*5 + 4*4 + 5*3 + 6*2 = 58; r 3 -> K 8, not 5
        ("SI08 1236-17-34565", "P3"),
        # Odoo l10n_si label: (P1-P2-P3)K data 25|1235|840:
        # 2*10 + 5*9 + 1*8 + 2*7 + 3*6 + 5*5 + 8*4 + 4*3 + 0*2 = 174; r 9 -> K 2, not 3
        ("SI01 25-1235-8403", "P1-P2-P3"),
        # (P1-P2)K of the SI08 example with P2 "18": data 12361 gives 7, not 8
        ("SI08 1236-18-345679", "P1-P2"),
        # RF45 with one check digit off
        ("RF46 SBO2 010", "RF"),
    ],
)
def test_invalid_worked_examples(given: str, where: str) -> None:
    assert not is_valid(given)
    with pytest.raises(InvalidChecksum) as info:
        validate(given)
    assert info.value.code == "reference.checksum"
    assert info.value.where == where


# --------------------------------------------------------------------------- error codes


@pytest.mark.parametrize(
    ("given", "code", "where"),
    [
        ("", "reference.format", None),
        ("   ", "reference.format", None),
        ("XX12123", "reference.model", "model"),
        ("SI13123", "reference.model", "model"),  # 13 is not in the table
        ("SIAB123", "reference.model", "model"),
        ("S", "reference.model", "model"),
        ("SI00ABC", "reference.format", None),
        ("SI00 12.34", "reference.format", None),
        ("SI001--3", "reference.format", None),  # empty part
        ("SI00-1", "reference.format", None),  # hyphen right after the model
        ("SI001-", "reference.format", None),
        ("SI001-01", "reference.format", "P2"),  # P2 with a leading zero
        ("SI001-2-03", "reference.format", "P3"),
        ("SI00 1-2-3-4", "reference.parts", None),  # more than two hyphens
        ("SI00", "reference.parts", None),  # a model needs its P1
        ("SI03140-140", "reference.parts", None),  # model 03 takes exactly 3 parts
        ("SI121234567890120-1", "reference.parts", None),  # model 12 has P1 only
        ("SI991", "reference.parts", None),  # SI99 has no reference
        ("SI00" + "1" * 13, "reference.length", "P1"),  # a part has at most 12 digits
        ("SI00" + "1" * 12 + "-" + "1" * 9, "reference.length", None),  # 21 digits in all
        ("SI1220261047", "reference.length", "P1"),  # model 12 is exactly 13 digits
        ("SI12" + "1" * 14, "reference.length", "P1"),
        ("SI050", "reference.length", "P1"),  # a lone check digit checks nothing
        # (P1-P2-P3)K over 12 + 7 + 0 digits: the rules define weights for 12 digits only
        ("SI0112345678901-2345678-0", "reference.length", "P1-P2-P3"),
        ("RF", "reference.format", "RF"),
        ("RFAB123", "reference.format", "RF"),
        ("RF45", "reference.length", None),
        ("RF45" + "A" * 22, "reference.length", None),
        ("RF45SBO-2010", "reference.format", None),
        ("RF45SBÖ2010", "reference.format", None),
        ("SI12 1234567890120\n5", "reference.format", None),
        ("SI12\t1234567890120", "reference.format", None),
    ],
)
def test_error_codes(given: str, code: str, where: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        validate(given)
    assert info.value.code == code
    assert info.value.where == where
    assert not is_valid(given)


def test_length_errors_are_invalid_length() -> None:
    with pytest.raises(InvalidLength):
        validate("SI1220261047")


@pytest.mark.parametrize(
    ("body", "proper", "alias"),
    [
        # "36" + "RF00" -> 36271500 mod 97 = 96; 98 - 96 = 02; 99 = 02 + 97 passes mod 97 too
        ("36", "02", "99"),
        # "72" + "RF00" -> 72271500 mod 97 = 1; 98 - 1 = 97; 00 = 97 - 97 passes mod 97 too
        ("72", "97", "00"),
        # "54" + "RF00" -> 54271500 mod 97 = 0; 98 - 0 = 98; 01 = 98 - 97 passes mod 97 too
        ("54", "98", "01"),
    ],
)
def test_rf_check_digits_outside_02_98_are_refused(body: str, proper: str, alias: str) -> None:
    # ISO 7064 MOD 97-10 check digits are 02..98; a bare "mod 97 == 1" test accepts aliases.
    from stdnum import iso11649

    assert make_rf(body) == f"RF{proper}{body}"
    assert iso11649.is_valid(f"RF{alias}{body}")  # python-stdnum accepts the alias
    with pytest.raises(InvalidChecksum):
        validate(f"RF{alias}{body}")


def test_non_ascii_is_refused_not_folded() -> None:
    # "ß".upper() is "SS" and "ﬀ".upper() is "FF": upper-casing must not make junk valid.
    assert compact("ﬀ") == "ﬀ"
    assert not is_valid("rf45sbo2010ß")
    # a no-break space (pasted from a PDF) is a space
    assert validate("SI12\u00a01234567890120") == "SI121234567890120"


# --------------------------------------------------------------------------- compact / format


def test_compact_examples() -> None:
    assert compact("SI12 1234567890120") == "SI121234567890120"
    assert compact("rf45 sbo2 010") == "RF45SBO2010"
    assert compact("SI05 19-1235-84503") == "SI0519-1235-84503"  # hyphens stay


def test_compact_refuses_non_text() -> None:
    with pytest.raises(InvalidFormat):
        compact(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        ("SI121234567890120", "SI12 1234567890120"),
        ("SI0519-1235-84503", "SI05 19-1235-84503"),
        ("SI99", "SI99"),
        ("RF45SBO2010", "RF45 SBO2 010"),
        ("RF18539007547034", "RF18 5390 0754 7034"),
        ("RF81352ADD05899", "RF81 352A DD05 899"),
    ],
)
def test_format_examples(given: str, printed: str) -> None:
    assert format(given) == printed


def test_format_refuses_invalid() -> None:
    with pytest.raises(InvalidChecksum):
        format("SI121234567890121")


# --------------------------------------------------------------------------- make


@pytest.mark.parametrize(
    ("model", "parts", "expected"),
    [
        # padded to 000002026104; sum 70, r 4, K 7
        ("SI12", ("2026104",), "SI120000020261047"),
        ("12", ("103384257453",), "SI121033842574531"),
        ("si12", (2026104,), "SI120000020261047"),
        # (P1)K: data 1 -> K 9
        ("SI05", ("1", "1235", "84503"), "SI0519-1235-84503"),
        # (P1-P2)K over 1236|1 -> 7 on P2; (P3)K over 34567 -> 9
        ("SI08", ("1236", "1", "34567"), "SI081236-17-345679"),
        ("08", (1236, 1, 34567), "SI081236-17-345679"),
        # (P1-P2-P3)K with two parts present: data 1|2: 1*3 + 2*2 = 7; K = 4 on P2
        ("SI01", ("1", "2"), "SI011-24"),
        # model 00: nothing appended
        ("SI00", ("3528", "990"), "SI003528-990"),
        # model 21: (P1)K: 1*3 + 2*2 = 7 -> 4; disputed (P2)K: 3*3 + 4*2 = 17; r 6 -> 5
        ("SI21", ("12", "34"), "SI21124-345"),
        ("SI99", (), "SI99"),
        # RF through make: body "SBO2010" -> 45
        ("RF", ("SBO2010",), "RF45SBO2010"),
        ("RF", (2348231,), "RF712348231"),
    ],
)
def test_make_examples(model: str, parts: tuple[str | int, ...], expected: str) -> None:
    assert make(model, *parts) == expected


@pytest.mark.parametrize(
    ("model", "parts", "code"),
    [
        ("SI13", ("1",), "reference.model"),
        ("XX", ("1",), "reference.model"),
        ("SI03", ("1", "2"), "reference.parts"),
        ("SI12", ("1", "2"), "reference.parts"),
        ("SI99", ("1",), "reference.parts"),
        ("SI00", (), "reference.parts"),
        ("RF", (), "reference.parts"),
        ("SI12", ("1234567890123",), "reference.length"),
        ("SI05", ("123456789012",), "reference.length"),  # 12 data + K = 13 digits in P1
        ("SI01", ("123456789012", "3"), "reference.length"),  # group of 13 data digits
        ("SI00", ("1" * 12, "1" * 9), "reference.length"),  # 21 digits in all
        ("SI00", ("12a",), "reference.format"),
        ("SI00", ("",), "reference.format"),
        ("SI00", ("1-2",), "reference.format"),
        ("SI00", (-5,), "reference.format"),
        ("SI00", (True,), "reference.format"),
        ("SI00", ("1", "02"), "reference.format"),  # P2 with a leading zero
        ("SI02", ("1", "0", "5"), "reference.format"),  # P2 data 0 + K 0 = "00"
        ("RF", ("SBO-2010",), "reference.format"),
    ],
)
def test_make_refuses(model: str, parts: tuple[object, ...], code: str) -> None:
    with pytest.raises(ValidationError) as info:
        make(model, *parts)  # type: ignore[arg-type]
    assert info.value.code == code


def test_make_rf_examples() -> None:
    assert make_rf("SBO2010") == "RF45SBO2010"
    assert make_rf("2348231") == "RF712348231"
    assert make_rf("sbo2 010") == "RF45SBO2010"
    assert make_rf("A" * 21) == validate(make_rf("A" * 21))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "reference.length"),
        ("A" * 22, "reference.length"),
        ("Ž1", "reference.format"),
        ("A-1", "reference.format"),
    ],
)
def test_make_rf_refuses(body: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        make_rf(body)
    assert info.value.code == code


# --------------------------------------------------------------------------- parse / Reference


def test_parse_si() -> None:
    ref = parse("SI08 1236-17-345679")
    assert ref.model == "SI08"
    assert ref.parts == ("1236", "17", "345679")
    assert ref.check_digits == ("7", "9")
    assert ref.compact == str(ref) == "SI081236-17-345679"
    assert ref.formatted == "SI08 1236-17-345679"
    assert ref.spec is MODELS["SI08"]
    assert not ref.is_rf


def test_parse_rf_and_si99() -> None:
    ref = parse("rf45 sbo2 010")
    assert (ref.model, ref.parts, ref.check_digits, ref.is_rf) == (
        "RF",
        ("SBO2010",),
        ("45",),
        True,
    )
    assert not ref.discouraged
    empty = parse("SI99")
    assert (empty.parts, empty.check_digits, empty.formatted) == ((), (), "SI99")


def test_parse_model_00_has_no_check_digits() -> None:
    assert parse("SI00 3528-990").check_digits == ()


def test_discouraged_is_r_zero() -> None:
    assert parse("SI12 1234567890120").discouraged  # sum 352 = 32 * 11
    assert not parse("SI05 98765432100").discouraged  # r = 1 also gives 0 but is fine
    assert not parse("SI12 1033842574531").discouraged


def test_reference_repr_hides_the_parts() -> None:
    # model 19 carries a tax number in P1: it must not leak through repr()
    ref = parse(make("SI19", "1234567", "1234"))
    assert "1234567" not in repr(ref)
    assert repr(ref) == "Reference(model='SI19', parts=<2 parts>)"


def test_reference_is_frozen_and_checked() -> None:
    ref = parse("SI121234567890120")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ref.model = "SI00"  # type: ignore[misc]
    other = parse("SI05 19-1235-84503")
    assert attrs.evolve(other, model="SI00", check_digits=()).compact == "SI0019-1235-84503"
    with pytest.raises(ValidationError):
        attrs.evolve(ref, parts=("1234567890121",))
    with pytest.raises(ValidationError):
        Reference(model="SI12", parts=("1234567890120",), check_digits=("1",))
    with pytest.raises(ValidationError):
        Reference(model="SI12", parts=(1234567890120,), check_digits=("0",))  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(ref)) == ref


# --------------------------------------------------------------------------- MODELS


def test_models_cover_the_table() -> None:
    expected = {f"SI{n:02d}" for n in (*range(12), 12, 18, 19, 21, 22, 23, 28, 31, 32)}
    expected |= {"SI38", "SI40", "SI41", "SI48", "SI49", "SI51", "SI55", "SI58", "SI99", "RF"}
    assert set(MODELS) == expected


@pytest.mark.parametrize(
    ("code", "structure", "min_parts", "max_parts", "checked"),
    [
        ("SI00", "P1-P2-P3", 1, 3, ()),
        ("SI01", "(P1-P2-P3)K", 1, 3, ((1, 2, 3),)),
        ("SI02", "P1-(P2)K-(P3)K", 3, 3, ((2,), (3,))),
        ("SI04", "(P1)K-P2-(P3)K", 3, 3, ((1,), (3,))),
        ("SI06", "P1-(P2-P3)K", 2, 3, ((2, 3),)),
        ("SI10", "(P1)K-(P2-P3)K", 2, 3, ((1,), (2, 3))),
        ("SI12", "(P1)K", 1, 1, ((1,),)),
        ("SI21", "(P1)K-P2", 2, 2, ((1,),)),
        ("SI23", "(P1)K-(P2)K", 2, 2, ((1,), (2,))),
        ("SI99", "", 0, 0, ()),
    ],
)
def test_model_specs(
    code: str, structure: str, min_parts: int, max_parts: int, checked: tuple[tuple[int, ...], ...]
) -> None:
    spec = MODELS[code]
    assert (spec.code, spec.structure, spec.min_parts, spec.max_parts, spec.checked) == (
        code,
        structure,
        min_parts,
        max_parts,
        checked,
    )


def test_models_is_read_only() -> None:
    with pytest.raises(TypeError):
        MODELS["SI77"] = MODELS["SI00"]  # type: ignore[index]


def test_model_structure_matches_checked_groups() -> None:
    # The structure string and the checked groups are written separately: keep them in step.
    for spec in MODELS.values():
        if spec.code in ("RF", "SI99"):
            continue
        rebuilt = []
        groups = {group[0]: group for group in spec.checked}
        part = 1
        while part <= 3:
            if part in groups:
                group = groups[part]
                rebuilt.append("(" + "-".join(f"P{p}" for p in group) + ")K")
                part = group[-1] + 1
            else:
                rebuilt.append(f"P{part}")
                part += 1
        assert "-".join(rebuilt).startswith(spec.structure), spec.code
        assert spec.structure.count("P") == spec.max_parts, spec.code


def test_public_names() -> None:
    assert set(reference.__all__) >= {"compact", "validate", "is_valid", "format", "make", "parse"}


@pytest.mark.parametrize(
    "fields",
    [
        {"model": "SI12", "parts": 5, "check_digits": ("0",)},
        {"model": 12, "parts": ("1234567890120",), "check_digits": ("0",)},
        {"model": "SI00", "parts": ("1-2",), "check_digits": ()},
        {"model": "RF", "parts": ("SBO2", "010"), "check_digits": ("45",)},
        {"model": "SI13", "parts": ("1",), "check_digits": ()},
    ],
)
def test_reference_refuses_inconsistent_fields(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Reference(**fields)  # type: ignore[arg-type]
