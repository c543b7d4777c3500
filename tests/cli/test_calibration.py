"""``szo calibration``: the UPN calibration page written to a file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from szo_core.cli import main
from szo_core.invoices.pdf import calibration_pdf


def test_writes_the_calibration_page(tmp_path: Path) -> None:
    out = tmp_path / "kalibracija.pdf"
    result = CliRunner().invoke(main, ["calibration", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == calibration_pdf()
    assert "Kalibracijska stran" in result.output
    english = tmp_path / "calibration.pdf"
    result = CliRunner().invoke(main, ["calibration", "--out", str(english), "--lang", "en"])
    assert result.exit_code == 0
    assert english.read_bytes() == calibration_pdf(language="en")


def test_an_unwritable_file_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "page.pdf"
    result = CliRunner().invoke(main, ["calibration", "--out", str(out)])
    assert result.exit_code == 2
    assert "NAPAKA: Datoteke" in result.output
    assert not out.exists()
    result = CliRunner().invoke(main, ["calibration", "--out", str(out), "--lang", "en"])
    assert "ERROR: Cannot write" in result.output
