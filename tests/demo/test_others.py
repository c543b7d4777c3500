"""The demo's school and care home: billed by the same run, deterministic, files listed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.calendar import Month
from szo_core.demo.run import DATABASE_NAME, run_demo


def test_the_school_and_the_care_home_are_billed_beside_the_kindergarten(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    summary = run_demo(out, children=5, seed=4)
    document = json.loads((out / "summary.json").read_text("utf-8"))
    others = {o["id"]: o for o in document["organisations"]}
    assert sorted(others) == ["dom-lipa", "os-soncek"]
    assert others["os-soncek"]["kind"] == "school"
    assert others["dom-lipa"]["kind"] == "care_home"
    # each summary lists its organisation's own kinds of payer
    home_month = others["dom-lipa"]["months"][0]
    assert list(home_month["invoiced"]) == [
        "resident",
        "relative",
        "municipality",
        "other_municipality",
        "care_fund",
    ]
    assert Decimal(home_month["invoiced"]["resident"]) > 0
    assert Decimal(home_month["invoiced"]["care_fund"]) > 0
    for month in [*document["months"], *others["os-soncek"]["months"]]:
        assert list(month["invoiced"]) == ["parents", "state", "municipality", "other_municipality"]
    lines = summary.lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("care_home dom-lipa"))
    assert all("care fund claim" in line for line in lines[start + 1 : start + 3])
    for other in others.values():
        assert [m["month"] for m in other["months"]] == ["2026-09", "2026-10"]
        # the late record of the first month is corrected in the second
        assert other["months"][0]["corrections"] == 0
        assert other["months"][1]["corrections"] > 0
        for month in other["months"]:
            assert (
                out / other["id"] / month["month"] / f"statements-{month['month']}.json"
            ).exists()
            assert month["claim"]["count"] > 0  # the state's subsidies; the care part's claim
    # every file written is listed, the others' folders included
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == list(summary.files)
    store = SqlBillingStore.open(str(out / DATABASE_NAME))
    try:
        with store.unit_of_work() as uow:
            documents = uow.billing.invoices("dom-lipa", "2026-09")
            kinds = {uow.organisations.get(o).kind.value for o in ("os-soncek", "dom-lipa")}
    finally:
        store.dispose()
    assert kinds == {"school", "care_home"}
    # the resident with a liable relative: one invoice each, and the municipality's list
    payers = {(str(d.payer), d.payer_id) for d in documents}
    assert any(p[1].startswith("relative:") for p in payers)
    assert ("municipality", "SI-061") in payers
    assert ("care_fund", "ZZZS") in payers
    assert sum((d.amount for d in documents), Decimal(0)) == Decimal(
        others["dom-lipa"]["months"][0]["total"]
    )


def test_before_december_2025_the_demo_bills_the_kindergarten_alone(tmp_path: Path) -> None:
    summary = run_demo(tmp_path / "old", first_month=Month(2021, 8), children=3, seed=1)
    assert summary.organisations == ()
    assert "organisations" not in json.loads((tmp_path / "old" / "summary.json").read_text())
