"""The README's ten-line example runs and prints what the README says it prints."""

import contextlib
import io
import re
from pathlib import Path

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
