"""Check an installed szo_core wheel from the outside: run by ``./run wheel`` in a clean venv.

It must run with the wheel's interpreter, from a folder outside the source tree,
so that ``import szo_core`` finds the installed package and never ``src/``.
It checks what a wheel can lose and a source checkout hides: ``py.typed``, the
XSD schemas and the data files, by using each of them:

* ``py.typed`` is installed next to the package;
* ``model/_data/municipalities.tsv``: the municipality register;
* ``fees/kindergarten/_data/sibling_scale.json``: the sibling scale;
* ``payments/_schemas/*.xsd``: ``szo demo`` writes two months of pain.008 files (for
  each of its three organisations),
  each validated against its bundled schema, and a broken message of each
  version is rejected as invalid (so both schemas load);
* ``szo check iban`` reads schwifty's bank registry through the command.

    /tmp/venv/bin/python scripts/wheel_smoke.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path


def _run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(
            f"wheel_smoke: {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def _expect(condition: object, what: str) -> None:
    if not condition:
        raise SystemExit(f"wheel_smoke: {what}")


def main() -> int:
    import szo_core

    where = Path(szo_core.__file__).resolve().parent
    if (where.parent.name == "src") or "site-packages" not in where.parts:
        raise SystemExit(f"wheel_smoke: szo_core was imported from {where}, not the wheel")
    package = resources.files("szo_core")
    for name in (
        "py.typed",
        "model/_data/municipalities.tsv",
        "fees/kindergarten/_data/sibling_scale.json",
        "payments/_schemas/pain.008.001.02.xsd",
        "payments/_schemas/pain.008.001.08.xsd",
    ):
        if not package.joinpath(name).is_file():
            raise SystemExit(f"wheel_smoke: {name} is missing from the installed package")

    from szo_core.errors import InvalidFormat
    from szo_core.fees import default_sibling_scale
    from szo_core.model.municipality import municipality
    from szo_core.payments import sepa

    _expect(municipality(61).name == "Ljubljana", "municipality 61 is not Ljubljana")
    _expect(default_sibling_scale() is not None, "no sibling scale")

    bin_dir = Path(sys.executable).parent
    out = _run(str(bin_dir / "szo"), "check", "iban", "SI56020100012345641", "--lang", "en")
    _expect("LJBASI2X" in out, f"szo check iban printed {out!r}")
    _run(sys.executable, "-m", "szo_core", "--help")
    with tempfile.TemporaryDirectory() as tmp:
        _run(str(bin_dir / "szo"), "demo", "--out", tmp, "--children", "20")
        files = sorted(Path(tmp).rglob("sepa-*.xml"))
        # two months for each of the demo's kindergarten, school and care home
        _expect(len(files) == 6, f"szo demo wrote {files}, not six pain.008 files")
        for path in files:
            check = sepa.validate(path)  # raises InvalidFormat sepa.schema when invalid
            _expect(check.version in sepa.VERSIONS, f"{path.name}: {check}")
            _expect(check.transactions > 0, f"{path.name}: {check}")
        for version in sepa.VERSIONS:  # both bundled schemas load and reject a bad message
            bad = f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}"><x/></Document>'
            try:
                sepa.validate(bad.encode())
            except InvalidFormat as exc:
                _expect(exc.code == "sepa.schema", f"{version} check: {exc.code}")
            else:
                raise SystemExit(f"wheel_smoke: an invalid {version} message passed")
    print(
        f"wheel_smoke: szo_core {szo_core.__version__} from {where}: data, schemas, "
        f"py.typed, szo check, python -m szo_core, {len(files)} pain.008 files valid"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
