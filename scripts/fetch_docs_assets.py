"""Fetch the JavaScript the documentation serves itself: mermaid, from the npm registry.

The docs' diagrams (```mermaid fences) are drawn in the browser by mermaid.
Material for MkDocs would load it from a CDN, so an offline reader or an
intranet copy of the site would see the diagrams as raw text.  Instead the site
ships its own copy: this script downloads the pinned ``mermaid`` release with
npm's own client (``npm pack``: only the package's tarball, none of its
dependencies), checks it against the pinned integrity hash, and extracts
``dist/mermaid.min.js`` (a self-contained browser bundle) into ``build/docs-assets/``.
The mkdocs hook (``scripts/mkdocs_hooks.py``) then adds it to the site.

``./run test`` and ``./run docs`` call it; it does nothing when the file is
already there and intact.  Upgrading: change ``MERMAID_VERSION`` and
``MERMAID_INTEGRITY`` (``npm view mermaid@VERSION dist.integrity``) together.

    .venv/bin/python scripts/fetch_docs_assets.py
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MERMAID_VERSION = "11.17.2"
# The npm registry's integrity of the tarball (sha512 of mermaid-11.17.2.tgz).
MERMAID_INTEGRITY = "sha512-V6K3C8EBdEsPFZXSKMJe6ppQOENxuHARr9GvHX4hh47lAbhMRD9qf4oEK7LoaRQxULMa80/qt5gHO73aCleBBg=="  # noqa: E501
MEMBER = "package/dist/mermaid.min.js"

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "build" / "docs-assets"
MERMAID_JS = ASSETS / "mermaid.min.js"
STAMP = ASSETS / "mermaid.min.js.sha256"


class FetchError(Exception):
    """The assets could not be fetched; the message says why and what to do."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_current() -> bool:
    """True when the extracted file is there, from the pinned version, and unchanged."""
    if not (MERMAID_JS.is_file() and STAMP.is_file()):
        return False
    version, _, digest = STAMP.read_text(encoding="utf-8").strip().partition(" ")
    return version == MERMAID_VERSION and digest == _sha256(MERMAID_JS)


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch() -> Path:
    """Download, check and extract mermaid; return the path of ``mermaid.min.js``."""
    if is_current():
        return MERMAID_JS
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError(
            "npm is not installed, and the documentation needs it once to fetch "
            f"mermaid {MERMAID_VERSION} (the diagrams' script, served with the site). "
            "Install Node.js with npm (e.g. `apt-get install npm`) and run again."
        )
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [npm, "pack", f"mermaid@{MERMAID_VERSION}", "--pack-destination", tmp, "--silent"],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp,
        )
        tarball = Path(tmp) / f"mermaid-{MERMAID_VERSION}.tgz"
        if result.returncode != 0 or not tarball.is_file():
            raise FetchError(
                f"`npm pack mermaid@{MERMAID_VERSION}` failed (exit {result.returncode}): "
                f"{result.stderr.strip()[-500:] or 'no output'}"
            )
        got = _integrity(tarball)
        if got != MERMAID_INTEGRITY:
            raise FetchError(
                f"mermaid-{MERMAID_VERSION}.tgz has integrity {got}, "
                f"expected {MERMAID_INTEGRITY}: refusing to use it"
            )
        with tarfile.open(tarball, "r:gz") as archive:
            member = archive.extractfile(MEMBER)
            if member is None:
                raise FetchError(f"{MEMBER} is missing from mermaid-{MERMAID_VERSION}.tgz")
            data = member.read()
    ASSETS.mkdir(parents=True, exist_ok=True)
    partial = MERMAID_JS.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(MERMAID_JS)
    STAMP.write_text(f"{MERMAID_VERSION} {_sha256(MERMAID_JS)}\n", encoding="utf-8")
    return MERMAID_JS


def main() -> int:
    try:
        path = fetch()
    except FetchError as exc:
        print(f"fetch_docs_assets: {exc}", file=sys.stderr)
        return 1
    print(f"mermaid {MERMAID_VERSION}: {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
