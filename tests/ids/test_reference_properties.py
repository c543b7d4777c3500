"""Payment references: Hypothesis properties and the strategies of szo_core.testing.

The expectations here are computed with the test's own arithmetic (``_remainder``,
``_k``) from the public model table, not with the module's private helpers.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from itertools import count

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from stdnum import iso11649

from szo_core.errors import ValidationError
from szo_core.ids.reference import (
    MODELS,
    compact,
    format,
    is_valid,
    make,
    make_rf,
    mod11,
    parse,
    validate,
)
from szo_core.testing._reference_strategies import reference_parts, references

CODES = sorted(MODELS)
SI_CODES = [code for code in CODES if code != "RF"]
CHECKED_SI_CODES = [code for code in SI_CODES if MODELS[code].checked]
ERROR_CODES = {
    "reference.model",
    "reference.format",
    "reference.length",
    "reference.parts",
    "reference.checksum",
}


# Per-model tests run once for each of the 31 models: a fifth of the profile's examples
# each still gives every model 20 (dev) or 40 (ci) cases, at a fifth of the time.
per_model = settings(max_examples=max(10, settings.default.max_examples // 5))


def _remainder(data: str) -> int:
    """Weighted sum mod 11, weights 2, 3, ... from the rightmost digit."""
    return sum(int(d) * w for w, d in zip(count(2), reversed(data), strict=False)) % 11


def _k(remainder: int) -> str:
    """K = 11 - r; 10 and 11 become 0."""
    return str(0 if remainder in (0, 1) else 11 - remainder)


def _groups(code: str, parts: int, *, with_disputed: bool = False) -> list[tuple[int, ...]]:
    """The checked groups of a model as 0-based part indexes, cut to the parts present."""
    spec = MODELS[code]
    groups = spec.checked + (spec.disputed if with_disputed else ())
    out = [tuple(p - 1 for p in group if p <= parts) for group in groups]
    return [group for group in out if group]


# --------------------------------------------------------------------------- never raises

junk = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(),
    st.lists(st.text(max_size=3), max_size=3),
    st.builds(object),
    st.text(),
    # near misses: the characters references are made of, plus troublemakers
    st.text(alphabet="SIRFsirf0123456789-- \t\n\x00\u00a0ßﬀšŽ٣AZaz", max_size=30),
    st.from_regex(r"(SI[0-9]{2}|RF[0-9]{2}|rf)[0-9A-Z\- ]{0,26}", fullmatch=True),
)


@given(junk)
def test_is_valid_never_raises(value: object) -> None:
    assert is_valid(value) in (True, False)


@given(st.one_of(junk, references()))
def test_validate_raises_only_coded_bilingual_errors(value: object) -> None:
    if is_valid(value):
        result = validate(value)  # type: ignore[arg-type]
        assert validate(result) == result
        assert compact(format(result)) == result
        return
    with pytest.raises(ValidationError) as info:
        validate(value)  # type: ignore[arg-type]
    error = info.value
    assert error.code in ERROR_CODES
    assert error.sl.strip()
    assert error.en.strip()
    assert error.sl != error.en
    assert str(error).startswith(error.code + ": ")
    assert error.message("en").startswith(error.en)
    # no part of the reference comes back in a message (it may hold a tax number)
    if isinstance(value, str):
        for run in re.findall(r"[0-9]{4,}", value):
            assert run not in error.sl
            assert run not in error.en
            assert run not in repr(error)


# --------------------------------------------------------------------------- mod 11


@given(st.text(alphabet="0123456789", min_size=1, max_size=12))
def test_mod11_matches_the_rule(data: str) -> None:
    assert mod11(data) == _k(_remainder(data))


@given(st.text(alphabet="0123456789", min_size=1, max_size=12))
def test_mod11_completes_the_sum_unless_remainder_is_0_or_1(data: str) -> None:
    # With K at weight 1 the whole sum is 0 mod 11, except when r is 0 or 1: then K is
    # forced to 0 and the sum stays at r (this is why some typos go unseen, see below).
    total = sum(int(d) * w for w, d in zip(count(1), reversed(data + mod11(data)), strict=False))
    remainder = _remainder(data)
    assert total % 11 == (remainder if remainder in (0, 1) else 0)


# --------------------------------------------------------------------------- make round trip


def _expected_parts(code: str, parts: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The parts make() should write (with their Ks) and the check digits parse() reports."""
    data = list(parts)
    if code == "SI12":
        data[0] = data[0].zfill(12)
    written = list(data)
    for group in _groups(code, len(parts), with_disputed=True):
        written[group[-1]] += _k(_remainder("".join(data[i] for i in group)))
    checks = [written[group[-1]][-1] for group in _groups(code, len(parts))]
    return written, checks


@pytest.mark.parametrize("code", CODES)
@per_model
@given(data=st.data())
def test_make_builds_valid_references_that_round_trip(code: str, data: st.DataObject) -> None:
    parts = data.draw(reference_parts(code))
    short = code[2:] if code != "RF" else "rf"
    built = make(data.draw(st.sampled_from([code, short])), *parts)

    assert validate(built) == built
    assert compact(format(built)) == built
    assert validate(format(built)) == built
    parsed = parse(built)
    assert parsed.model == code
    assert parsed.compact == built
    assert parse(format(built)) == parsed
    if code == "RF":
        assert iso11649.is_valid(built)  # python-stdnum agrees
        assert parsed.parts == (parts[0].upper(),)
        assert parsed.check_digits == (built[2:4],)
    else:
        written, checks = _expected_parts(code, parts)
        assert parsed.parts == tuple(written)
        assert parsed.check_digits == tuple(checks)
        assert format(built) == (f"{code} " + "-".join(written)).strip()


@pytest.mark.parametrize("code", [*CODES, None])
@per_model
@given(data=st.data())
def test_every_generated_reference_validates(code: str | None, data: st.DataObject) -> None:
    ref = data.draw(references(model=code))
    assert validate(ref) == ref
    if code is not None:
        assert parse(ref).model == code


# --------------------------------------------------------------------------- single-digit changes
#
# Changing one data digit at weight w from a to b moves the weighted sum by w*(b - a).
# 11 is prime and 0 < |b - a| < 11, so the remainder r changes unless w is a multiple of
# 11; with weights 2..13 that is exactly weight 11, the 10th data digit from the right
# (the 3rd of model 12's twelve): a change there is NEVER detected.  Otherwise r moves to
# r' != r, and K = 11 - r is one-to-one on r = 2..10 but maps BOTH r = 0 and r = 1 to 0,
# so the change is missed exactly when {r, r'} = {0, 1}.  A change of K itself is always
# caught (K is a function of the data), and P2/P3 must not gain a leading zero.  So a
# single-digit change leaves the reference valid if and only if
#     it is in an unchecked part (and adds no leading zero), or
#     it is a data digit of a checked group and (w == 11 or {r, r'} == {0, 1}).


def _valid_after_change(code: str, parts: list[str], part: int, offset: int, new: str) -> bool:
    if part > 0 and offset == 0 and new == "0" and len(parts[part]) > 1:
        return False  # P2 and P3 are written without leading zeros
    for group in _groups(code, len(parts)):
        if part not in group:
            continue
        digits = "".join(parts[i] for i in group)
        at = sum(len(parts[i]) for i in group if i < part) + offset
        if at == len(digits) - 1:
            return False  # K itself changed
        weight = len(digits) - at  # the rightmost data digit (at = len - 2) has weight 2
        old_r = _remainder(digits[:-1])
        new_r = (old_r + weight * (int(new) - int(digits[at]))) % 11
        return weight == 11 or {old_r, new_r} == {0, 1}
    return True  # an unchecked part


def _changed(ref: str, part: int, offset: int, new: str) -> tuple[list[str], str]:
    parts = ref[4:].split("-")
    changed = list(parts)
    changed[part] = parts[part][:offset] + new + parts[part][offset + 1 :]
    return parts, ref[:4] + "-".join(changed)


@pytest.mark.parametrize("code", [code for code in SI_CODES if code != "SI99"])
@per_model
@given(data=st.data())
def test_single_digit_change_is_caught_exactly_as_mod11_allows(
    code: str, data: st.DataObject
) -> None:
    ref = data.draw(references(model=code))
    parts = ref[4:].split("-")
    part, offset = data.draw(
        st.sampled_from([(p, i) for p, text in enumerate(parts) for i in range(len(text))])
    )
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != parts[part][offset]]))
    parts, mutated = _changed(ref, part, offset, new)
    assert is_valid(mutated) is _valid_after_change(code, parts, part, offset, new)


@pytest.mark.parametrize(
    "ref",
    [
        "SI121234567890120",  # r = 0
        "SI121033842574531",
        "SI129990000359896",
        "SI120000020261047",
        "SI0598765432100",  # r = 1
        "SI0519-1235-84503",
        "SI081236-17-345679",
        "SI011-24",
        "SI03140-140-140",
    ],
)
def test_every_single_digit_change_of_the_worked_examples(ref: str) -> None:
    # exhaustive: every position, every other digit
    parts = ref[4:].split("-")
    missed = 0
    for part, text in enumerate(parts):
        for offset, old in enumerate(text):
            for new in "0123456789".replace(old, ""):
                _, mutated = _changed(ref, part, offset, new)
                expected = _valid_after_change(ref[:4], parts, part, offset, new)
                assert is_valid(mutated) is expected, mutated
                missed += expected
    if ref[:4] == "SI12":
        assert missed >= 9  # at least the 9 changes of the weight-11 digit


def test_known_blind_spots_of_mod11() -> None:
    # weight 11: the 3rd digit of a model 12 reference does not move the sum mod 11
    assert is_valid("SI121234567890120")
    assert is_valid("SI121274567890120")  # 3 -> 7: the sum moves by 4*11
    # r 0 <-> 1: the last data digit has weight 2; 2 -> 8 adds 12, r goes 0 -> 1, K stays 0
    assert is_valid("SI121234567890180")
    # any other change of that digit is caught: 2 -> 7 adds 10, r = 10, K would be 1
    assert not is_valid("SI121234567890170")


# --------------------------------------------------------------------------- RF vs python-stdnum


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21))
def test_make_rf_agrees_with_stdnum(body: str) -> None:
    built = make_rf(body)
    assert iso11649.validate(built) == built
    assert built == "RF" + built[2:4] + body
    assert 2 <= int(built[2:4]) <= 98


@given(
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21),
    st.integers(0, 99),
)
def test_rf_validation_agrees_with_stdnum_except_aliases(body: str, check: int) -> None:
    ref = f"RF{check:02d}{body}"
    # python-stdnum only tests mod 97 == 1, which also accepts 00, 01 and 99 (aliases of
    # 97, 98 and 02); ISO 7064 check digits are 02..98.
    assert is_valid(ref) is (iso11649.is_valid(ref) and 2 <= check <= 98)


# --------------------------------------------------------------------------- strategies


def test_strategies_name_the_extra_without_hypothesis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ImportError, match=r"pip install 'szo_core\[testing\]'"):
        references()
    with pytest.raises(ImportError, match=r"pip install 'szo_core\[testing\]'"):
        reference_parts("SI12")


@pytest.mark.parametrize("model", ["SI13", "XX", ""])
def test_strategies_refuse_unknown_models(model: str) -> None:
    with pytest.raises(ValidationError) as info:
        references(model=model)
    assert info.value.code == "reference.model"


@pytest.mark.parametrize(
    ("model", "wanted"),
    [
        ("SI00", lambda ref: len(ref[4:].replace("-", "")) == 20),  # the 20-digit limit
        ("SI00", lambda ref: ref.count("-") == 2),  # three parts
        ("SI08", lambda ref: len(ref[4:].split("-")[0]) == 11),  # (P1-P2)K nearly full
        ("SI12", lambda ref: ref[4] != "0"),  # 12 data digits, no padding
        ("RF", lambda ref: len(ref) == 25),  # the longest RF
    ],
)
def test_strategy_reaches_the_limits(model: str, wanted: Callable[[str], bool]) -> None:
    # the generated references are not confined to short, easy ones
    assert wanted(find(references(model=model), wanted))
