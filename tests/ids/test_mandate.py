"""SEPA mandate reference (UMR): 1-35 SEPA characters, no space, no leading/trailing or double /.

A mandate reference has no check digit, so a changed character is NOT detected
(shown by ``test_a_changed_digit_is_not_detected``); the other ids modules detect it.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.errors import InvalidComponent, InvalidFormat, InvalidLength
from szo_core.ids import mandate
from szo_core.testing.strategies import mandate_references

SEPA_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+")


@given(mandate_references())
def test_generated_validate(reference: str) -> None:
    assert mandate.validate(reference) == reference
    assert mandate.format(f"  {reference}\n") == reference


@given(st.text(max_size=40))
def test_validate_matches_the_rules(text: str) -> None:
    stripped = text.strip()
    expected = (
        1 <= len(stripped) <= 35
        and set(stripped) <= SEPA_CHARS
        and not stripped.startswith("/")
        and not stripped.endswith("/")
        and "//" not in stripped
    )
    assert mandate.is_valid(text) is expected


@given(st.integers(0, 99_999), st.integers(0, 99_999))
def test_suggest(child_code: int, statement_no: int) -> None:
    reference = mandate.suggest(child_code, statement_no)
    assert mandate.is_valid(reference)
    left, right = reference.split("-")
    assert (int(left), int(right)) == (child_code, statement_no)
    assert len(left) == len(right) == 5


@given(mandate_references())
def test_mask_keeps_last_four_alphanumerics(reference: str) -> None:
    masked = mandate.mask(reference)
    assert len(masked) == len(reference)
    kept = [c for c, m in zip(reference, masked, strict=True) if c == m and c.isalnum()]
    assert len(kept) == min(4, sum(c.isalnum() for c in reference))


@given(st.integers(0, 99_999), st.integers(0, 99_999), st.integers(1, 9))
def test_a_changed_digit_is_not_detected(child_code: int, statement_no: int, delta: int) -> None:
    reference = mandate.suggest(child_code, statement_no)
    changed = str((int(reference[0]) + delta) % 10) + reference[1:]
    assert changed != reference
    assert mandate.is_valid(changed)


def test_hand_examples() -> None:
    assert mandate.suggest(555, 28) == "00555-00028"
    assert mandate.suggest(0, 0) == "00000-00000"
    assert mandate.suggest(99_999, 99_999) == "99999-99999"
    assert mandate.validate("A" * 35) == "A" * 35
    assert mandate.validate("VRTEC/2024/001") == "VRTEC/2024/001"
    assert mandate.mask("00555-00028") == "*****-*0028"


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("", InvalidLength, "mandate.length"),
        ("A" * 36, InvalidLength, "mandate.length"),
        ("VRTEC 2024", InvalidFormat, "mandate.format"),
        ("VRTEC_2024", InvalidFormat, "mandate.format"),
        ("VRTEČ", InvalidFormat, "mandate.format"),
        ("/VRTEC", InvalidFormat, "mandate.slash"),
        ("VRTEC/", InvalidFormat, "mandate.slash"),
        ("VR//TEC", InvalidFormat, "mandate.slash"),
    ],
)
def test_errors(text: str, kind: type[Exception], code: str) -> None:
    with pytest.raises(kind) as caught:
        mandate.validate(text)
    assert getattr(caught.value, "code", None) == code


@pytest.mark.parametrize("bad", [-1, 100_000, True, 1.5, "5", None])
def test_suggest_rejects(bad: object) -> None:
    with pytest.raises(InvalidComponent) as caught:
        mandate.suggest(bad, 1)  # type: ignore[arg-type]
    assert caught.value.code == "mandate.component"
    assert caught.value.where == "mandate.child_code"
    with pytest.raises(InvalidComponent) as second:
        mandate.suggest(1, bad)  # type: ignore[arg-type]
    assert second.value.where == "mandate.statement_no"
