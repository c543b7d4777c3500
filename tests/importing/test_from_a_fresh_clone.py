"""From a fresh clone: the example files through the real ``szo`` CLI, to payment files.

``szo import --dry-run`` reports the erroneous examples (CSV and a workbook made
from them) and touches no database; ``szo import`` of the clean examples (CSV,
and ``examples/vrtec.xlsx``) into a new SQLite file, then ``szo bill``, writes a
pain.008 valid against the official XSD, UPN QR images that decode to their
payloads, and one slip for the merged payment group.  docs/importing.md ("From a
fresh clone") shows the same commands.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import PIL.Image
import pytest
import zxingcpp
from click.testing import CliRunner
from lxml import etree

from szo_core.adapters.sql import SqlStore
from szo_core.cli import main
from szo_core.payments import sepa

ROOT = Path(__file__).resolve().parents[2] / "examples"
CLEAN, BROKEN = ROOT / "import", ROOT / "import-errors"
ORG = "vrtec-soncek"
XSD = Path("/work/shared/xsd/pain.008.001.02.xsd")
SECRETS = r"\d{13}|\d{8}|SI\d{17}|SI\d\dZZZ\d{8}"  # EMŠOs, tax numbers, IBANs, creditor ids


def _csvs(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.glob("*.csv"))


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))


def _secrets(folder: Path) -> set[str]:
    found = {
        c for p in folder.glob("*.csv") for r in _rows(p) for c in r if re.fullmatch(SECRETS, c)
    }
    assert len(found) > 30  # the children's and guardians' EMŠOs, tax numbers, the IBANs
    return found


def _errors_workbook(path: Path) -> Path:
    """The erroneous CSV files as one workbook, a sheet per file, every cell text."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for source in sorted(BROKEN.glob("*.csv")):
        sheet = book.create_sheet(source.stem)
        for row in _rows(source):
            sheet.append([cell or None for cell in row])
    book.save(path)
    return path


def _szo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


ERROR_LINES = [
    "  vrstica 2, stolpec »delež staršev«: napaka value.decimal: ",
    "  vrstica 4, stolpec »emšo«: napaka emso.invalid: EMŠO ni veljaven: "
    "Kontrolna številka EMŠO ni pravilna.",
    "  vrstica 11, stolpec »skrbnik«: napaka reference.unknown: "
    "Skrbnika g-99 ni ne v datotekah ne v bazi.",
    "  vrstica 2, stolpec »iban«: napaka iban.invalid: IBAN ni veljaven: "
    "Kontrolni števki IBAN nista pravilni.",
    "Napak: 5, opozoril: 0.",
]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_dry_run_of_the_erroneous_examples_reports_and_creates_nothing(
    tmp_path: Path, form: str
) -> None:
    db = tmp_path / "szo.db"
    files = _csvs(BROKEN) if form == "csv" else [str(_errors_workbook(tmp_path / "napake.xlsx"))]
    code, output = _szo("import", "--db", str(db), "--org", ORG, "--dry-run", *files)
    assert code == 1, output
    lines = output.splitlines()
    for line in ERROR_LINES:
        assert any(got.startswith(line) for got in lines), (line, output)
    assert "organizacija: novih 1, spremenjenih 0, enakih 0" in lines
    for secret in _secrets(BROKEN):
        assert secret not in output
    assert not db.exists()


def _bill_and_check(db: Path, out: Path) -> None:
    with SqlStore.open(db).unit_of_work() as uow:
        organisation = uow.organisations.get(ORG)
    assert organisation.budget_user
    assert len(organisation.accounts) == 2
    code, output = _szo(
        "bill", "--db", str(db), "--month", "2026-09", "--out", str(out),
        "--issued-on", "2026-10-01", "--lang", "en",
    )  # fmt: skip
    assert code == 0, output
    assert "UPN slips: 10, direct debits: 1." in output
    folder = out / "2026-09"
    # The pain.008: version .02 for a UJP budget user, valid against the official XSD.
    xml = folder / "sepa-2026-09.xml"
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.parse(str(xml)))
    assert sepa.validate(xml).version == "pain.008.001.02"
    assert organisation.creditor_id in xml.read_text(encoding="utf-8")
    # Every slip: a payload, and a QR image that decodes to exactly it.
    payments = json.loads((folder / "payments.json").read_text(encoding="utf-8"))
    slips = [i for i in payments["instructions"] if i["method"] == "upn"]
    assert len(slips) == 10
    for slip in slips:
        payload = (folder / "upn" / f"{slip['id']}.txt").read_bytes()
        image = PIL.Image.open(folder / "upn" / f"{slip['id']}.png")
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [f.bytes for f in found] == [payload]
        assert organisation.account.iban in payload.decode("iso-8859-2").split("\n")
    # The siblings 105 and 106 (a merged payment group) get one slip for both.
    assert [s["children"] for s in slips if 105 in s["children"] or 106 in s["children"]] == [
        [105, 106]
    ]


def test_the_clean_csv_examples_import_into_a_new_sqlite_file_and_bill(tmp_path: Path) -> None:
    db = tmp_path / "szo.db"
    code, output = _szo("import", "--db", str(db), "--org", ORG, *_csvs(CLEAN))
    assert code == 0, output
    assert "organizacija: novih 1, spremenjenih 0, enakih 0" in output
    assert "Napak: 0, opozoril: 0." in output
    _bill_and_check(db, tmp_path / "out")
    again = _szo("import", "--db", str(db), "--org", ORG, *_csvs(CLEAN))
    assert "organizacija: novih 0, spremenjenih 0, enakih 1" in again[1]


def test_the_example_workbook_imports_and_bills(tmp_path: Path) -> None:
    db = tmp_path / "szo.db"
    code, output = _szo("import", "--db", str(db), "--org", ORG, str(ROOT / "vrtec.xlsx"))
    assert code == 0, output
    assert "organizacija: novih 1, spremenjenih 0, enakih 0" in output
    _bill_and_check(db, tmp_path / "out")
