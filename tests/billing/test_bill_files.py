"""``szo bill`` with an Organisation record writes every payment file, and keeps months in order.

The test world (``tests/billing/_world.py``): children 1 and 2 are one merged
payment group (one slip), child 3 pays by direct debit, child 4 by slip.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import PIL.Image
import pytest
import zxingcpp
from click.testing import CliRunner, Result
from lxml import etree
from tests.billing._world import ORG, add_world

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.cli import main
from szo_core.cli.bill import EXIT_USAGE
from szo_core.ids import creditor_id, davcna
from szo_core.model import Address, BankAccount, Organisation
from szo_core.payments import sepa

XSD = {
    "pain.008.001.02": Path("/work/shared/xsd/pain.008.001.02.xsd"),
    "pain.008.001.08": Path(sepa.__file__).parent / "_schemas" / "pain.008.001.08.xsd",
}
TAX = davcna.make("5012345")


def _organisation(**changes: object) -> Organisation:
    fields: dict[str, object] = {
        "id": ORG,
        "kind": "kindergarten",
        "name": "Vrtec Sonce",
        "address": Address(street="Sončna ulica 1", post_code="1000", city="Ljubljana"),
        "tax_number": TAX,
        "registration_number": "5012341",
        "accounts": (BankAccount(iban="SI56012616030012373", bic="BSLJSI2X"),),
        "creditor_id": creditor_id.make(TAX),
        "budget_user": True,
        "host_municipality": 61,
    }
    fields.update(changes)
    return Organisation(**fields)  # type: ignore[arg-type]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "vrtec.sqlite"
    store = SqlBillingStore.open(path)
    try:
        add_world(store, ORG)
        with store.unit_of_work() as uow:
            uow.organisations.add(_organisation())
            uow.commit()
    finally:
        store.dispose()
    return path


def run(database: Path, out: Path, month: str, *args: str) -> Result:
    return CliRunner().invoke(
        main,
        ["bill", "--db", str(database), "--month", month, "--out", str(out), "--lang", "en",
         *args],
    )  # fmt: skip


def _september(database: Path, out: Path, *args: str) -> Path:
    result = run(database, out, "2026-09", "--issued-on", "2026-10-01", *args)
    assert result.exit_code == 0, result.output
    assert "UPN slips: 2, direct debits: 1." in result.stdout
    return out / "2026-09"


def test_bill_writes_upn_slips_qr_images_and_an_official_pain008(
    database: Path, tmp_path: Path
) -> None:
    folder = _september(database, tmp_path / "out")
    payments = json.loads((folder / "payments.json").read_text(encoding="utf-8"))
    assert payments["due_on"] == "2026-10-19"  # the 18th is a Sunday
    slips = [i for i in payments["instructions"] if i["method"] == "upn"]
    debits = [i for i in payments["instructions"] if i["method"] == "direct_debit"]
    # The merged group (children 1 and 2) is one slip of both invoices; child 4 its own.
    assert sorted(tuple(i["children"]) for i in slips) == [(1, 2), (4,)]
    merged = next(i for i in slips if i["children"] == [1, 2])
    assert merged["amount"] == "650.00"  # 265.00 + 385.00
    assert [i["children"] for i in debits] == [[3]]
    # Every slip: a payload and a QR image that decodes to it byte for byte.
    for instruction in slips:
        payload = (folder / "upn" / f"{instruction['id']}.txt").read_bytes()
        image = PIL.Image.open(folder / "upn" / f"{instruction['id']}.png")
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [f.bytes for f in found] == [payload]
        fields = payload.decode("iso-8859-2").split("\n")
        assert Decimal(fields[8]) / 100 == Decimal(instruction["amount"])
        assert "EDUC" in fields  # the organisation's purpose code
        assert "SI56012616030012373" in fields
        assert "Vrtec Sonce" in fields
    # The pain.008: the official XSD, the organisation as creditor, version .02 (UJP).
    xml = folder / "sepa-2026-09.xml"
    etree.XMLSchema(etree.parse(str(XSD["pain.008.001.02"]))).assertValid(etree.parse(str(xml)))
    assert sepa.validate(xml).transactions == 1
    text = xml.read_text(encoding="utf-8")
    assert creditor_id.make(TAX) in text
    assert "<ReqdColltnDt>2026-10-19</ReqdColltnDt>" in text
    assert '<InstdAmt Ccy="EUR">175.00</InstdAmt>' in text
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["2026-09"]


def test_the_csv_names_the_child_and_payer_with_the_payment_and_due_date(
    database: Path, tmp_path: Path
) -> None:
    folder = _september(database, tmp_path / "out")
    raw = (folder / "statements-2026-09.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw, newline=""), delimiter=";"))
    by_child = {r["Child"]: r for r in rows if r["Payer"] == "parents"}
    assert by_child["2"]["Child name"] != ""
    assert by_child["2"]["Payer name"] == "Ana Novak"  # the merged group's lead's payer
    assert by_child["3"]["Payer name"] == "Marko Horvat"
    assert by_child["2"]["Payment method"] == "UPN slip"
    assert by_child["3"]["Payment method"] == "direct debit"
    assert {r["Due date"] for r in by_child.values()} == {"2026-10-19"}
    municipal = [r for r in rows if r["Payer"] == "municipality"]
    assert {r["Payer name"] for r in municipal} == {"Mestna občina Ljubljana"}
    assert {r["Due date"] for r in municipal} == {"2026-10-19"}
    assert {r["Kind"] for r in rows} <= {"share", "list", "correction", "food_deduction"}


def test_pain_version_08_on_request(database: Path, tmp_path: Path) -> None:
    folder = _september(database, tmp_path / "out", "--pain-version", "08")
    xml = folder / "sepa-2026-09.xml"
    etree.XMLSchema(etree.parse(str(XSD["pain.008.001.08"]))).assertValid(etree.parse(str(xml)))
    assert sepa.validate(xml).version == "pain.008.001.08"


def test_a_non_budget_user_gets_08_by_default(database: Path, tmp_path: Path) -> None:
    store = SqlBillingStore.open(database)
    try:
        with store.unit_of_work() as uow:
            stored = uow.organisations.get(ORG)
            uow.organisations.update(
                Organisation(**{**_fields(stored), "budget_user": False})  # type: ignore[arg-type]
            )
            uow.commit()
    finally:
        store.dispose()
    folder = _september(database, tmp_path / "out")
    assert sepa.validate(folder / "sepa-2026-09.xml").version == "pain.008.001.08"


def _fields(org: Organisation) -> dict[str, object]:
    import attrs

    return attrs.asdict(org, recurse=False)


def test_november_before_october_is_refused_unless_the_gap_is_allowed(
    database: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _september(database, out, "--close")
    refused = run(database, out, "2026-11", "--issued-on", "2026-12-01")
    assert refused.exit_code == EXIT_USAGE
    assert "2026-10 has not been billed yet" in refused.stderr
    assert "--allow-gap" in refused.stderr
    slovene = CliRunner().invoke(
        main, ["bill", "--db", str(database), "--month", "2026-11", "--out", str(out)]
    )
    assert slovene.exit_code == EXIT_USAGE
    assert "Mesec 10/2026 še ni obračunan" in slovene.stderr
    assert not (out / "2026-11").exists()
    allowed = run(database, out, "2026-11", "--allow-gap", "--issued-on", "2026-12-01", "--close")
    assert allowed.exit_code == 0, allowed.output
    # October can still be billed (no option needed: September, the month before, is billed).
    october = run(database, out, "2026-10", "--issued-on", "2026-12-02", "--close")
    assert october.exit_code == 0, october.output
    assert (out / "2026-10" / "sepa-2026-10.xml").exists()
    store = SqlBillingStore.open(database)
    try:
        with store.unit_of_work() as uow:
            runs = uow.billing.runs(ORG)
    finally:
        store.dispose()
    assert [(str(r.month), str(r.status)) for r in runs] == [
        ("2026-09", "closed"),
        ("2026-10", "closed"),
        ("2026-11", "closed"),
    ]
    payments = json.loads((out / "2026-10" / "payments.json").read_text(encoding="utf-8"))
    assert payments["due_on"] == "2026-12-18"  # October's 18 November was before its issue date


def test_a_slip_whose_payer_has_no_address_is_held_back_and_the_rest_is_billed(
    database: Path, tmp_path: Path
) -> None:
    # Nobody was enrolled in 2025-12: January 2026 starts the history without a gap.  In
    # January the pupil who left in August pays for itself and has no address: its slip
    # cannot be filled in (UPN field 7, the payer's street), so it is held back and listed;
    # the run, the other slips and the debit are billed.
    out = tmp_path / "out"
    result = run(database, out, "2026-01", "--issued-on", "2026-02-03")
    assert "has not been billed yet" not in result.stderr
    assert result.exit_code == 0, result.output
    folder = out / "2026-01"
    payments = json.loads((folder / "payments.json").read_text(encoding="utf-8"))
    (held,) = [p for p in payments["held_back"] if p["code"] == "instructions.slip_payer"]
    assert "cannot be filled in" in held["message_en"]
    assert "field 7. (ulica plačnika / payer street)" in held["message_en"]
    held_numbers = set(held["invoices"])
    sent = {n for i in payments["instructions"] for n in i["invoices"]}
    assert held_numbers
    assert not held_numbers & sent
    assert sent  # the others are billed and paid as usual
    for instruction in payments["instructions"]:
        if instruction["method"] == "upn":
            assert (folder / "upn" / f"{instruction['id']}.png").is_file()
    rows = list(
        csv.DictReader(
            io.StringIO((folder / "statements-2026-01.csv").read_text("utf-8-sig")), delimiter=";"
        )
    )
    kinds = {r["Payment method"] for r in rows if r["Number"] in held_numbers}
    assert kinds == {"held back"}
    store = SqlBillingStore.open(database)
    try:
        with store.unit_of_work() as uow:
            assert [str(r.month) for r in uow.billing.runs(ORG)] == ["2026-01"]
    finally:
        store.dispose()


def test_a_payer_whose_mandate_was_flagged_gets_a_slip_instead_of_a_debit(
    database: Path, tmp_path: Path
) -> None:
    # A return with AC04 flagged child 3's mandate (receivables): the next billing makes the
    # payer a UPN slip, and no debit that would fail again.
    from datetime import date

    from szo_core.receivables import MandateFlag

    store = SqlBillingStore.open(database)
    try:
        with store.unit_of_work() as uow:
            flag = MandateFlag(
                organisation_id=ORG,
                entry_id="RTR-1",
                payer_id="guardian:g-2",
                mandate_id="VRT-0003",
                reason="AC04",
                flagged_on=date(2026, 9, 20),
            )
            assert uow.receivables.add_mandate_flag(flag)
            uow.commit()
    finally:
        store.dispose()
    result = run(database, tmp_path / "out", "2026-09", "--issued-on", "2026-10-01")
    assert result.exit_code == 0, result.output
    assert "UPN slips: 3, direct debits: 0." in result.stdout
    folder = tmp_path / "out" / "2026-09"
    payments = json.loads((folder / "payments.json").read_text(encoding="utf-8"))
    assert [i["children"] for i in payments["instructions"] if i["method"] == "upn"].count([3]) == 1
    assert not (folder / "sepa-2026-09.xml").exists()
