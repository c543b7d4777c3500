"""docs/importing.md lists every kind and column the import knows, with both headers."""

from __future__ import annotations

from pathlib import Path

from szo_core.importing import KINDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "importing.md").read_text(encoding="utf-8")


def test_every_column_is_documented_with_both_headers():
    for kind in KINDS.values():
        assert f"### `{kind.name}` (`{kind.sl.replace(' ', '_')}`)" in DOC, kind.name
        for column in kind.columns:
            assert f"| `{column.sl}` | `{column.en}` | {column.type.name} |" in DOC, column
