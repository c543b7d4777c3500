"""The mermaid fetch: pinned, checked, and a clear error without npm."""

from __future__ import annotations

import pytest
from tests.docs._tools import script

assets = script("fetch_docs_assets")


def test_without_npm_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets, "is_current", lambda: False)
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    with pytest.raises(assets.FetchError, match=r"npm is not installed.*mermaid 11\.17\.2"):
        assets.fetch()


def test_a_changed_copy_is_not_current(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    js, stamp = tmp_path / "mermaid.min.js", tmp_path / "mermaid.min.js.sha256"
    monkeypatch.setattr(assets, "MERMAID_JS", js)
    monkeypatch.setattr(assets, "STAMP", stamp)
    js.write_bytes(b"mermaid")
    stamp.write_text(f"{assets.MERMAID_VERSION} {assets._sha256(js)}\n", encoding="utf-8")
    assert assets.is_current()
    js.write_bytes(b"mermaid, edited")
    assert not assets.is_current()
    js.write_bytes(b"mermaid")
    stamp.write_text(f"11.0.0 {assets._sha256(js)}\n", encoding="utf-8")
    assert not assets.is_current()  # another version than the pin


def test_a_tarball_that_does_not_match_the_pin_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(assets, "is_current", lambda: False)
    monkeypatch.setattr(assets.shutil, "which", lambda name: "npm")

    def fake_npm(args, **kwargs):
        (kwargs["cwd"] / f"mermaid-{assets.MERMAID_VERSION}.tgz").write_bytes(b"not it")

        class Done:
            returncode = 0
            stderr = ""

        return Done()

    monkeypatch.setattr(assets.subprocess, "run", fake_npm)
    monkeypatch.setattr(assets.tempfile, "TemporaryDirectory", lambda: _Dir(tmp_path))
    with pytest.raises(assets.FetchError, match="refusing to use it"):
        assets.fetch()


class _Dir:
    def __init__(self, path) -> None:
        self.path = path

    def __enter__(self):
        return self.path

    def __exit__(self, *exc: object) -> None:
        return None
