"""`szo demo` end to end: the files it writes are valid, add up, and are the same every run."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import PIL.Image
import pytest
import zxingcpp
from click.testing import CliRunner
from lxml import etree

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.calendar import Month
from szo_core.cli import main
from szo_core.demo.run import DATABASE_NAME, run_demo
from szo_core.demo.sample import ORGANISATION_ID, generate
from szo_core.errors import RecordLockedError
from szo_core.ids import reference
from szo_core.payments import sepa

OFFICIAL_XSD = Path("/work/shared/xsd/pain.008.001.02.xsd")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
SMALL = ["--children", "40", "--seed", "11"]


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _demo(out: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["demo", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "szo-demo"
    return out, _demo(out, *SMALL)


def _summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- checks shared
# by the small run and the full default run


def check_sepa(out: Path, summary: dict) -> None:
    schema = etree.XMLSchema(etree.parse(str(OFFICIAL_XSD)))
    for month in summary["months"]:
        path = out / month["month"] / f"sepa-{month['month']}.xml"
        document = etree.parse(str(path))
        schema.assertValid(document)  # the official XSD, independently of szo_core
        assert sepa.validate(path).transactions == month["direct_debits"]["count"]
        header = document.find("p:CstmrDrctDbtInitn/p:GrpHdr", NS)
        assert header.findtext("p:NbOfTxs", namespaces=NS) == str(month["direct_debits"]["count"])
        assert header.findtext("p:CtrlSum", namespaces=NS) == month["direct_debits"]["amount"]
        amounts = [Decimal(a.text) for a in document.iterfind(".//p:InstdAmt", NS)]
        assert sum(amounts) == Decimal(month["direct_debits"]["amount"])
        # The message id and creation time come from the month, not from the clock.
        assert header.findtext("p:MsgId", namespaces=NS) == "SZO-DEMO-" + month["month"].replace(
            "-", ""
        )
        created = header.findtext("p:CreDtTm", namespaces=NS)
        assert created.startswith(str(Month.parse(month["month"]).next()))


def check_qr(out: Path, summary: dict) -> None:
    for month in summary["months"]:
        images = sorted((out / month["month"] / "upn").glob("*.png"))
        assert len(images) == month["slips"]["count"] > 0
        total = Decimal("0.00")
        for image in images:
            payload = image.with_suffix(".txt").read_bytes()
            # Only QR codes: a linear-barcode reader sees an EAN in some QR patterns.
            qr_only = zxingcpp.BarcodeFormat.QRCode
            found = zxingcpp.read_barcodes(PIL.Image.open(image), formats=qr_only)
            assert len(found) == 1
            assert found[0].bytes == payload  # byte for byte
            fields = payload.decode("iso-8859-2").split("\n")
            assert fields[0] == "UPNQR"
            total += Decimal(fields[8]) / 100
        assert total == Decimal(month["slips"]["amount"])


def check_totals(out: Path, summary: dict) -> None:
    for month in summary["months"]:
        name = month["month"]
        statements = json.loads(
            (out / name / f"statements-{name}.json").read_text(encoding="utf-8")
        )
        invoiced: dict[str, Decimal] = {}
        documents = statements["documents"]
        for document in documents:
            lines = sum((Decimal(line["amount"]) for line in document["lines"]), Decimal(0))
            assert lines == Decimal(document["amount"])
            if document["entries"]:  # a municipality's list, or the state's claim
                assert document["child_code"] is None
                listed = sum((Decimal(e["amount"]) for e in document["entries"]), Decimal(0))
                assert listed == lines
            if document["kind"] == "credit_note":
                assert lines < 0
                assert document["reference"] is None
                assert document["number"].startswith("D")
            elif document["kind"] == "claim":
                assert document["payer"] == "state"
                assert document["number"] is None
            elif lines > 0:
                assert reference.is_valid(document["reference"])
            else:  # 0.00, kept for the record without a number
                assert (document["number"], document["reference"]) == (None, None)
            invoiced[document["payer"]] = invoiced.get(document["payer"], Decimal(0)) + lines
        # One document per municipality and one claim for the state, not one per child.
        lists = [(d["payer"], d["payer_id"]) for d in documents if d["child_code"] is None]
        assert len(lists) == len(set(lists))
        assert sum(1 for payer, _ in lists if payer == "state") <= 1
        assert month["municipal_invoices"] == sum(1 for p, _ in lists if p != "state")
        numbered = [d["number"] for d in documents if d["kind"] == "invoice" and d["number"]]
        assert len(set(numbered)) == len(numbered) == month["invoices"] - month["nothing_to_pay"]
        credit_notes = [d for d in documents if d["kind"] == "credit_note"]
        assert month["credit_notes"]["count"] == len(credit_notes)
        assert {k: Decimal(v) for k, v in month["invoiced"].items() if Decimal(v)} == {
            k: v for k, v in invoiced.items() if v
        }
        assert (
            Decimal(month["total"]) == sum(invoiced.values()) == Decimal(statements["run"]["total"])
        )
        # The fee statements plus the corrections are what was invoiced.
        fees: dict[str, Decimal] = {}
        for statement in statements["statements"]:
            for line in statement["lines"]:
                fees[line["payer"]] = fees.get(line["payer"], Decimal(0)) + Decimal(line["amount"])
        for correction in statements["corrections"]:
            payer = correction["payer"]
            fees[payer] = fees.get(payer, Decimal(0)) + Decimal(correction["amount"])
        assert {k: v for k, v in fees.items() if v} == {k: v for k, v in invoiced.items() if v}
        assert month["children_billed"] == sum(
            1 for s in statements["statements"] if s["days_enrolled"] > 0
        )
        assert month["corrections"] == len(statements["corrections"])
        # The accountant's CSVs: UTF-8 with BOM, ';', decimal comma; they add up too.
        raw = (out / name / f"statements-{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
        column = rows[0].index("Znesek")
        assert sum(Decimal(r[column].replace(",", ".")) for r in rows[1:]) == Decimal(
            month["total"]
        )
        raw = (out / name / f"lists-{name}.csv").read_bytes()
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
        column = rows[0].index("Znesek")
        listed = sum(Decimal(r[column].replace(",", ".")) for r in rows[1:])
        assert listed == sum((Decimal(d["amount"]) for d in documents if d["entries"]), Decimal(0))
        # Payments: every parents' invoice with something to pay is paid by a slip or a
        # debit, or is listed as held back; credit notes and 0.00 invoices never are.
        payments = json.loads((out / name / "payments.json").read_text(encoding="utf-8"))
        paid = {n for i in payments["instructions"] for n in i["invoices"]}
        held = {n for p in payments["held_back"] for n in p["invoices"]}
        to_pay = {
            d["number"]
            for d in documents
            if d["payer"] == "parents" and d["kind"] == "invoice" and Decimal(d["amount"]) > 0
        }
        assert paid | held == to_pay
        assert not paid & held


def check_files_listed(out: Path, summary: dict) -> None:
    assert sorted(_hashes(out)) == summary["files"]
    assert summary["files"] == sorted(summary["files"])


# --------------------------------------------------------------------------- the small run


def test_small_run_prints_a_summary_with_the_time_taken(small: tuple[Path, str]) -> None:
    out, output = small
    summary = _summary(out)
    assert "Time taken:" in output
    assert f"Files written: {len(summary['files'])}" in output
    for month in summary["months"]:
        assert f"{month['month']}: {month['children_billed']} children billed" in output
        assert f"total {month['total']} EUR" in output
    assert "time" not in json.dumps(summary).lower()


def test_small_run_writes_an_official_pain008(small: tuple[Path, str]) -> None:
    out, _ = small
    check_sepa(out, _summary(out))


def test_small_run_qr_images_decode_to_their_payloads(small: tuple[Path, str]) -> None:
    out, _ = small
    check_qr(out, _summary(out))


def test_small_run_summary_totals_equal_the_statements(small: tuple[Path, str]) -> None:
    out, _ = small
    check_totals(out, _summary(out))
    check_files_listed(out, _summary(out))


def test_second_month_bills_corrections_for_the_superseded_decisions(
    small: tuple[Path, str],
) -> None:
    out, _ = small
    sample = generate(children=40, seed=11)
    late = {d.id: d for d in sample.late_decisions}
    statements = json.loads((out / "2026-10" / "statements-2026-10.json").read_text("utf-8"))
    corrected = {c["child_code"] for c in statements["corrections"]}
    assert corrected == {d.child_code for d in late.values()}
    assert all(c["original_month"] == "2026-09" for c in statements["corrections"])
    assert {c["decision_ids"] for c in statements["corrections"]} <= set(late)
    # The superseded decisions are locked by the closed September run.
    store = SqlBillingStore.open(str(out / DATABASE_NAME))
    try:
        with store.unit_of_work() as uow:
            for decision in late.values():
                assert uow.decision_locks.locked_by(ORGANISATION_ID, decision.supersedes) == (
                    "2026-09"
                )
                old = uow.decisions.get(ORGANISATION_ID, decision.supersedes)
                with pytest.raises(RecordLockedError):
                    uow.decisions.update(old)
            assert [str(r.status) for r in uow.billing.runs(ORGANISATION_ID)] == [
                "closed",
                "closed",
            ]
    finally:
        store.dispose()


def test_running_twice_gives_byte_identical_files(small: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = small
    before = _hashes(out)
    again = tmp_path / "elsewhere"
    _demo(again, *SMALL)  # a new folder
    assert _hashes(again) == before
    _demo(again, *SMALL)  # the same folder again: the database starts fresh
    assert _hashes(again) == before


@pytest.mark.slow
def test_every_process_writes_the_same_files(small: tuple[Path, str], tmp_path: Path) -> None:
    """The database holds fingerprints: they must not depend on the salted ``hash()``."""
    out, _ = small
    szo = Path(sys.executable).parent / "szo"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        folder = tmp_path / f"seed{seed}"
        done = subprocess.run(
            [str(szo), "demo", "--out", str(folder), *SMALL],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert _hashes(folder) == _hashes(out)


def test_another_seed_gives_other_files(small: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = small
    _demo(tmp_path / "x", "--children", "40", "--seed", "12")
    assert _hashes(tmp_path / "x") != _hashes(out)


def test_months_across_the_sibling_scale_eras(tmp_path: Path) -> None:
    # August 2021 falls under the 2012 rule (ZUJF: the 2nd child pays 30 %), September
    # 2021 under the 2021 rule (ZVrt-G): the same siblings, two eras.
    summary = run_demo(tmp_path / "eras", first_month=Month(2021, 8), children=60, seed=3)
    assert [str(m.month) for m in summary.months] == ["2021-08", "2021-09"]
    eras = {}
    for name in ("2021-08", "2021-09"):
        document = json.loads(
            (tmp_path / "eras" / name / f"statements-{name}.json").read_text("utf-8")
        )
        eras[name] = {
            line["rule"]
            for s in document["statements"]
            for line in s["lines"]
            if line["kind"] == "sibling_exemption"
        }
    assert eras == {"2021-08": {"zujf-2012"}, "2021-09": {"zvrt-g-2021"}}


@pytest.mark.parametrize(
    ("children", "month", "seed"),
    [(1, "2026-09", 2026), (3, "2026-12", 0), (25, "2020-01", 99)],
)
def test_tiny_and_year_end_runs_add_up(
    children: int, month: str, seed: int, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    _demo(out, "--children", str(children), "--month", month, "--seed", str(seed))
    summary = _summary(out)
    first = Month.parse(month)
    assert [m["month"] for m in summary["months"]] == [str(first), str(first.next())]
    check_totals(out, summary)
    check_files_listed(out, summary)


def test_progress_is_reported_for_every_stage(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    run_demo(tmp_path / "p", children=8, seed=2, progress=lambda *a: seen.append(a))
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == [
        "billing 2026-09",
        "payments 2026-09",
        "staged 2026-09",
        "billing 2026-10",
        "payments 2026-10",
        "staged 2026-10",
    ]
    for stage in stages:
        steps = [(done, total) for s, done, total in seen if s == stage]
        assert steps[0][0] == 0
        assert steps[-1][0] == steps[-1][1] > 0
        assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_a_folder_with_other_files_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "thesis.txt").write_text("do not delete", encoding="utf-8")
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.txt"]


def test_a_bad_month_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["demo", "--out", str(tmp_path / "o"), "--month", "2026-13", "--lang", "en"]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- the full default run


@pytest.mark.slow
def test_full_default_run_like_run_demo(tmp_path: Path) -> None:
    """`./run demo` on a fresh machine: `szo demo` with no options, in the current folder."""
    szo = Path(sys.executable).parent / "szo"
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(
        [str(szo), "demo"], cwd=tmp_path, capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "szo-demo"
    summary = _summary(out)
    assert summary["children"] == 300
    assert [m["month"] for m in summary["months"]] == ["2026-09", "2026-10"]
    assert "Time taken:" in done.stdout
    assert summary["months"][1]["corrections"] > 0
    # A late decision of the first class refunds more than the second month's fee.
    assert summary["months"][1]["credit_notes"]["count"] > 0
    assert all(m["municipal_invoices"] > 0 and m["claim"]["count"] > 0 for m in summary["months"])
    check_sepa(out, summary)
    check_qr(out, summary)
    check_totals(out, summary)
    check_files_listed(out, summary)
