"""The organisation's SMS letter policy: the record, serialization and the organisation file."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings

from szo_core.adapters.memory import MemoryStore
from szo_core.delivery.sms import LetterPolicy, apply_policy
from szo_core.errors import InvalidComponent, InvalidType
from szo_core.importing import export_files, import_files
from szo_core.model import BankAccount, Organisation
from szo_core.serialization import make_converter
from szo_core.testing import records

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
ORG = "vrtec-soncek"


def _org(**changes: object) -> Organisation:
    return Organisation(
        id="vrtec",
        name="Vrtec Čebelica",
        tax_number="12345679",
        registration_number="5012341",
        accounts=(BankAccount(iban="SI56192001234567892"),),
        **changes,  # type: ignore[arg-type]
    )


def test_default_keeps_letters_and_text_is_read() -> None:
    assert _org().sms_letters is LetterPolicy.KEEP
    org = _org(sms_letters="transliterate")
    assert org.sms_letters is LetterPolicy.TRANSLITERATE
    assert apply_policy("Žiga", org.sms_letters) == "Ziga"


def test_bad_values_are_clear_errors() -> None:
    with pytest.raises(InvalidComponent) as caught:
        _org(sms_letters="drop")
    assert (caught.value.code, caught.value.where) == ("record.choice", "Organisation.sms_letters")
    assert "keep, transliterate" in caught.value.message("en")
    with pytest.raises(InvalidType):
        _org(sms_letters=1)


@settings(max_examples=30, deadline=None)
@given(records.organisations())
def test_serialization_round_trip(org: Organisation) -> None:
    converter = make_converter()
    data = converter.unstructure(org)
    assert data["sms_letters"] == org.sms_letters.value
    assert converter.structure(data, Organisation) == org


def _with_column(folder: Path, header: str, value: str) -> None:
    path = folder / "organizacija.csv"
    head, row = path.read_text(encoding="utf-8-sig").splitlines()[:2]
    path.write_text(f"{head};{header}\n{row};{value}\n", encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("šumniki v sms", "pretvori", LetterPolicy.TRANSLITERATE),
        ("sms_letters", "transliterate", LetterPolicy.TRANSLITERATE),
        ("sms črke", "Ohrani", LetterPolicy.KEEP),
    ],
)
def test_the_organisation_file_sets_it(
    tmp_path: Path, header: str, value: str, expected: LetterPolicy
) -> None:
    folder = Path(shutil.copytree(EXAMPLES, tmp_path / "import"))
    _with_column(folder, header, value)
    store = MemoryStore()
    assert import_files(store, ORG, sorted(folder.glob("*.csv"))).stored
    with store.unit_of_work() as uow:
        assert uow.organisations.get(ORG).sms_letters is expected


def test_a_bad_value_in_the_file_is_reported_on_its_cell(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(EXAMPLES, tmp_path / "import"))
    _with_column(folder, "šumniki v sms", "mogoče")
    report = import_files(MemoryStore(), ORG, sorted(folder.glob("*.csv")))
    assert [(i.source, i.column, i.code) for i in report.errors] == [
        ("drugi_racuni.csv", "organizacija", "part.record_unknown"),  # its organisation refused
        ("organizacija.csv", "šumniki v sms", "value.choice"),
    ]
    assert not report.stored


def test_export_writes_it_and_reads_it_back(tmp_path: Path) -> None:
    store = MemoryStore()
    assert import_files(store, ORG, sorted(EXAMPLES.glob("*.csv"))).stored
    with store.unit_of_work() as uow:
        org = uow.organisations.get(ORG)
        uow.organisations.update(attrs.evolve(org, sms_letters=LetterPolicy.TRANSLITERATE))
        uow.commit()
    out = tmp_path / "out"
    export_files(store, ORG, out)
    assert "transliterate" in (out / "organizacija.csv").read_text(encoding="utf-8-sig")
    again = MemoryStore()
    assert import_files(again, ORG, sorted(out.glob("*.csv"))).stored
    with again.unit_of_work() as uow:
        assert uow.organisations.get(ORG).sms_letters is LetterPolicy.TRANSLITERATE
