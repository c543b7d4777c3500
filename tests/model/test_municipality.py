"""The shipped register of municipalities."""

from __future__ import annotations

import importlib.util
import runpy
from pathlib import Path

import pytest

from szo_core.errors import InvalidComponent
from szo_core.model import (
    Regresor,
    find_municipality,
    municipalities,
    municipality,
    municipality_data_source,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src/szo_core/model/_data/municipalities.tsv"


def test_register_has_212_municipalities_with_official_codes() -> None:
    items = municipalities()
    assert len(items) == 212
    codes = [m.code for m in items]
    assert codes == sorted(codes)
    assert len(set(codes)) == 212
    assert (items[0].code, items[0].name, items[0].iso_code) == (1, "Ajdovščina", "SI-001")
    assert (items[-1].code, items[-1].name, items[-1].iso_code) == (213, "Ankaran", "SI-213")
    assert sum(m.urban for m in items) == 12  # mestne občine
    assert municipality(61).name == "Ljubljana"
    assert municipality(61).urban


def test_unknown_code_is_refused_in_both_languages() -> None:
    with pytest.raises(InvalidComponent) as info:
        municipality(214)
    assert info.value.code == "municipality.unknown"
    assert info.value.message("sl") == "Občina s šifro 214 ne obstaja."
    assert info.value.message("en") == "There is no municipality with code 214."


def test_find_by_name_and_regresor_link() -> None:
    assert find_municipality("  ankaran ") == municipality(213)
    assert Regresor(
        organisation_id="o", id="r", name="MOM", municipality_code=70
    ).municipality() == municipality(70)
    assert Regresor(organisation_id="o", id="r", name="Ministrstvo").municipality() is None


def test_data_source_names_pycountry_version() -> None:
    assert municipality_data_source().startswith(
        "Slovenian municipalities (ISO 3166-2:SI) from pycountry "
    )


@pytest.mark.skipif(importlib.util.find_spec("pycountry") is None, reason="dev dependency")
def test_shipped_file_matches_generator(tmp_path: Path) -> None:
    # Regenerate into a temporary file and compare with the shipped one.
    namespace = runpy.run_path(str(ROOT / "scripts/gen_municipalities.py"), run_name="gen")
    out = tmp_path / "municipalities.tsv"
    namespace["main"].__globals__["OUT"] = out
    assert namespace["main"]() == 0
    assert out.read_text(encoding="utf-8") == DATA.read_text(encoding="utf-8")
