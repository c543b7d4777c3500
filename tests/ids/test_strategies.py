"""szo_core.testing.strategies: every value validates; a clear ImportError without Hypothesis."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given

from szo_core.errors import ValidationError
from szo_core.ids import creditor_id, davcna, emso, iban, mandate
from szo_core.testing import strategies


@given(strategies.emsos(birth_date=date(2016, 2, 29), sex=emso.Sex.FEMALE, register="55"))
def test_emsos_respect_arguments(number: str) -> None:
    info = emso.parse(number, slovenian_only=True)
    assert info.birth_date == date(2016, 2, 29)
    assert info.sex is emso.Sex.FEMALE
    assert info.register == "55"


@given(strategies.emsos())
def test_emsos(number: str) -> None:
    assert emso.is_valid(number)


@given(strategies.tax_numbers())
def test_tax_numbers(number: str) -> None:
    assert davcna.is_valid(number)


@given(strategies.ibans_si())
def test_ibans_si_use_registered_banks(number: str) -> None:
    assert iban.is_valid(number)
    assert iban.bank(number).name


@given(strategies.trrs())
def test_trrs(trr: str) -> None:
    assert iban.is_valid(iban.from_trr(trr))


@given(strategies.creditor_ids())
def test_creditor_ids(number: str) -> None:
    assert creditor_id.is_valid(number)


@given(strategies.mandate_references())
def test_mandate_references(reference: str) -> None:
    assert mandate.is_valid(reference)


def test_emsos_rejects_impossible_arguments() -> None:
    with pytest.raises(ValidationError):
        strategies.emsos(birth_date=date(1700, 1, 1))
    with pytest.raises(ValidationError):
        strategies.emsos(register="5")


BLOCK_HYPOTHESIS = """
import sys
sys.modules["hypothesis"] = None  # makes "import hypothesis" raise ImportError
import szo_core.testing  # must work without Hypothesis
try:
    import szo_core.testing.strategies
except ImportError as exc:
    print("IMPORT-ERROR:", exc)
else:
    print("IMPORTED")
"""


def test_import_error_names_the_extra() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_HYPOTHESIS],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "IMPORT-ERROR:" in result.stdout, result.stdout + result.stderr
    assert "pip install 'szo_core[testing]'" in result.stdout


@given(strategies.references())
def test_references_are_re_exported_and_validate(value: str) -> None:
    from szo_core.ids import reference

    assert reference.is_valid(value)
    assert "references" in strategies.__all__
