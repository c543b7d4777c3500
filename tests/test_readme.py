"""The README's ten-line example runs and prints what the README says it prints."""

import contextlib
import glob
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_example_prints_what_the_readme_shows() -> None:
    (code,) = _blocks("python")
    (expected,) = _blocks("text")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {})
    assert out.getvalue() == expected


def test_readme_starts_with_the_two_commands() -> None:
    (commands,) = _blocks("sh")[:1]
    assert commands.splitlines()[0].startswith("./run demo")
    assert commands.splitlines()[1].startswith("./run test")


def test_readme_own_kindergarten_commands_work_on_the_examples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The three ``./run szo`` lines of "Your own kindergarten", as written, from the clone."""
    from click.testing import CliRunner

    from szo_core.cli import main

    root = README.parent
    (block,) = [b for b in _blocks("sh") if "szo import" in b]
    lines = [line.split("#")[0].split() for line in block.splitlines() if line.strip()]
    assert [line[:3] for line in lines] == [["./run", "szo", "import"]] * 2 + [
        ["./run", "szo", "bill"]
    ]
    monkeypatch.chdir(tmp_path)  # vrtec.sqlite and obracun/ go here, examples come from the clone
    codes = []
    for line in lines:
        args: list[str] = []
        for word in line[2:]:
            found = sorted(glob.glob(str(root / word))) if "*" in word else []
            args += found or [word]
        result = CliRunner().invoke(main, args)
        codes.append(result.exit_code)
    assert codes == [1, 0, 0]  # the dry run reports the deliberate errors
    month = tmp_path / "obracun" / "2026-09"
    assert (month / "sepa-2026-09.xml").is_file()
    assert any(month.glob("upn/*.png"))
