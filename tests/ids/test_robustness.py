"""Every ids module: is_valid never raises, errors are szo_core errors that never echo input."""

from __future__ import annotations

import re
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.errors import ValidationError
from szo_core.ids import creditor_id, davcna, emso, iban, mandate
from szo_core.testing.strategies import (
    creditor_ids,
    emsos,
    ibans_si,
    mandate_references,
    tax_numbers,
)

MODULES = (emso, davcna, iban, creditor_id, mandate)
PREFIXES = {
    emso: "emso.",
    davcna: "davcna.",
    iban: "iban.",
    creditor_id: "creditor_id.",
    mandate: "mandate.",
}
VALID = {
    emso: emsos(),
    davcna: tax_numbers(),
    iban: ibans_si(),
    creditor_id: creditor_ids(),
    mandate: mandate_references(),
}

# Any text: control characters, non-Latin scripts, surrogate-free Unicode.
ANY_TEXT = st.one_of(
    st.text(),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Nd", "No"])),
    st.text("0123456789SIZ -/\n\t\u00a0\u0660\u0661\uff11", max_size=40),
)
ANY_VALUE = st.one_of(
    ANY_TEXT,
    st.none(),
    st.integers(),
    st.floats(),
    st.binary(),
    st.lists(st.integers(), max_size=3),
    st.builds(object),
)


@given(ANY_VALUE)
def test_is_valid_never_raises(value: object) -> None:
    for module in MODULES:
        assert module.is_valid(value) in (True, False)


def _error_of(module: ModuleType, text: str) -> ValidationError | None:
    """Return the ValidationError ``module.validate(text)`` raises, or None if it passes."""
    try:
        result = module.validate(text)
    except ValidationError as error:
        return error
    assert isinstance(result, str)
    return None


@given(ANY_TEXT)
def test_validate_raises_only_szo_errors(text: str) -> None:
    for module in MODULES:
        error = _error_of(module, text)
        if error is None:
            assert module.is_valid(text)
        else:
            assert error.code.startswith(PREFIXES[module]), error.code


@given(st.one_of(st.none(), st.integers(), st.binary()))
def test_non_text_raises_validation_error(value: object) -> None:
    for module in MODULES:
        for function in (module.validate, module.compact, module.format, module.mask):
            with pytest.raises(ValidationError):
                function(value)


def _mutations(data: st.DataObject, module: ModuleType) -> str:
    """A valid value with one character changed, dropped or added: near misses."""
    value: str = data.draw(VALID[module])
    position = data.draw(st.integers(0, len(value) - 1))
    how = data.draw(st.sampled_from(["change", "drop", "add"]))
    char = data.draw(st.sampled_from("0123456789AZ /-"))
    if how == "change":
        return value[:position] + char + value[position + 1 :]
    if how == "drop":
        return value[:position] + value[position + 1 :]
    return value[:position] + char + value[position:]


def _windows(text: str, size: int = 4) -> set[str]:
    digits = re.sub(r"[^0-9A-Za-z]", "", text)
    return {digits[i : i + size] for i in range(len(digits) - size + 1)}


@given(st.data(), st.sampled_from(MODULES))
def test_errors_never_echo_the_input(data: st.DataObject, module: ModuleType) -> None:
    text = _mutations(data, module)
    error = _error_of(module, text)
    if error is None:
        return
    shown = " ".join((str(error), repr(error), error.sl, error.en, error.where or ""))
    leaked = {w for w in _windows(text) if w in shown and any(c.isdigit() for c in w)}
    assert not leaked, (error.code, leaked)
    assert error.sl.strip()
    assert error.en.strip()
    assert error.sl != error.en
    assert error.where


@given(ANY_TEXT)
def test_every_error_has_both_languages(text: str) -> None:
    for module in MODULES:
        error = _error_of(module, text)
        if error is not None:
            assert error.sl.strip()
            assert error.en.strip()
            assert error.message("en").startswith(error.en)


# Letters and digits a mask may leave visible (see docs/identifiers.md, "Masking").
MASK_KEEPS = {emso: 3, davcna: 3, iban: 8, creditor_id: 10, mandate: 4}


@given(ANY_TEXT)
def test_mask_never_raises_on_text_and_keeps_few_characters(text: str) -> None:
    for module in MODULES:
        masked = module.mask(text)
        visible = [c for c in masked if c.isalnum()]
        assert len(visible) <= MASK_KEEPS[module], module.__name__
