"""``szo bill`` on a user's own database (SQLite files, and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.billing._world import ORG, SEPTEMBER_DOCUMENTS, add_world
from tests.billing.conftest import Opened

from szo_core.adapters.sql import migrate
from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.cli import main
from szo_core.cli._common import plural_sl
from szo_core.cli.bill import EXIT_CONFLICT, EXIT_USAGE
from szo_core.ids import reference


def run(*args: str) -> Result:
    """``szo bill`` (``tests/billing/test_bill_files.py`` tests the gap rule)."""
    return CliRunner().invoke(main, ["bill", *args])


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A SQLite file holding the test organisation, not billed yet."""
    path = tmp_path / "vrtec.sqlite"
    migrate(path)
    store = SqlBillingStore.open(path, migrate=False)
    try:
        with store.unit_of_work() as uow:  # the storage helper's tables only
            from tests.billing._world import _REPOSITORY, records

            for record in records(ORG):
                getattr(uow, _REPOSITORY[type(record)]).add(record)
            uow.commit()
    finally:
        store.dispose()
    return path


def test_bill_writes_json_and_an_excel_csv(database: Path, tmp_path: Path) -> None:
    root = tmp_path / "out"
    out = root / "2026-09"
    result = run(
        "--db",
        str(database),
        "--month",
        "2026-09",
        "--out",
        str(root),
        "--lang",
        "en",
        "--issued-on",
        "2026-10-01",
    )
    assert result.exit_code == 0, result.output
    assert "Billed 2026-09: 6 invoices, 0 credit notes, total 1795.45 EUR;" in result.stdout
    # no organisation record in this database: statements only, and it says why
    assert "WARNING: The database has no organisation record" in result.stderr
    assert "Billing 2026-09" in result.stderr  # the progress bar
    document = json.loads((out / "statements-2026-09.json").read_text(encoding="utf-8"))
    assert document["run"]["status"] == "open"
    amounts = [
        (d["number"], d["child_code"], d["payer"], d["payer_id"], d["amount"])
        for d in document["documents"]
    ]
    assert amounts == [(*rest, str(amount)) for *rest, amount in SEPTEMBER_DOCUMENTS]
    assert all(reference.is_valid(d["reference"]) for d in document["documents"])
    assert [s["child_code"] for s in document["statements"]] == [1, 2, 3, 4]
    ljubljana = document["documents"][4]
    assert [(e["child_code"], e["amount"]) for e in ljubljana["entries"]] == [
        (1, "235.00"),
        (2, "115.00"),
        (4, "168.40"),
    ]

    raw = (out / "statements-2026-09.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:3] == ["Document", "Number", "Reference"]
    assert rows[1][:2] == ["invoice", "2026-000001"]
    assert rows[1][-1] == "265,00"  # decimal comma
    assert "\r\n" in raw.decode("utf-8-sig")

    lists = (out / "lists-2026-09.csv").read_bytes().decode("utf-8-sig")
    entries = list(csv.reader(io.StringIO(lists, newline=""), delimiter=";"))
    assert entries[0][:2] == ["Document", "Number"]
    assert [(r[1], r[5], r[7], r[-1]) for r in entries[1:]] == [
        ("2026-000005", "1", "Ana Novak", "235,00"),
        ("2026-000005", "2", "Ana Novak", "115,00"),
        ("2026-000005", "4", "Marko Horvat", "168,40"),
        ("2026-000006", "3", "Marko Horvat", "325,00"),
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "lists-2026-09.csv",
        "statements-2026-09.csv",
        "statements-2026-09.json",
    ]
    assert sorted(p.name for p in root.iterdir()) == ["2026-09"]  # no staging folder left


def test_the_csv_header_is_slovenian_by_default(database: Path, tmp_path: Path) -> None:
    result = run("--db", str(database), "--month", "2026-09", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert "6 računov, 0 dobropisov, skupaj 1795,45 EUR" in result.stdout
    text = (tmp_path / "o" / "2026-09" / "statements-2026-09.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("Dokument;Številka;Sklic;Datum izdaje;Mesec;Otrok;Ime otroka;Plačnik")
    assert ";starši;" in text
    assert ";delež cene;" in text  # the line kinds are Slovenian words too
    assert ";share;" not in text
    assert text.splitlines()[1].startswith("račun;2026-000001;")


def test_a_closed_month_is_refused_with_a_bilingual_message(database: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "o")
    first = run("--db", str(database), "--month", "2026-09", "--out", out, "--close")
    assert first.exit_code == 0, first.output
    english = run("--db", str(database), "--month", "2026-09", "--out", out, "--lang", "en")
    assert english.exit_code == EXIT_CONFLICT
    assert "already closed" in english.stderr
    slovene = run("--db", str(database), "--month", "2026-09", "--out", out)
    assert slovene.exit_code == EXIT_CONFLICT
    assert "že zaključen" in slovene.stderr


@pytest.mark.parametrize(
    ("month", "english", "slovene"),
    [
        ("2026-13", "Invalid month '2026-13'", "Neveljaven mesec »2026-13«"),
        ("september", "YYYY-MM", "LLLL-MM"),
        ("2025-01", "Nothing to bill in 2025-01", "Za 2025-01 ni kaj obračunati"),
    ],
)
def test_an_invalid_or_unknown_month_is_refused(
    database: Path, tmp_path: Path, month: str, english: str, slovene: str
) -> None:
    out = str(tmp_path / "o")
    en = run("--db", str(database), "--month", month, "--out", out, "--lang", "en")
    assert en.exit_code == EXIT_USAGE
    assert english in en.stderr
    sl = run("--db", str(database), "--month", month, "--out", out)
    assert sl.exit_code == EXIT_USAGE
    assert slovene in sl.stderr
    assert not (tmp_path / "o").exists()


def test_a_missing_database_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    en = run("--db", str(missing), "--month", "2026-09", "--out", str(tmp_path), "--lang", "en")
    assert en.exit_code == EXIT_USAGE
    assert "No such database" in en.stderr
    sl = run("--db", str(missing), "--month", "2026-09", "--out", str(tmp_path))
    assert "Baza ne obstaja" in sl.stderr
    assert not missing.exists()  # nothing was created


def test_a_database_without_szo_tables_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    result = run("--db", str(other), "--month", "2026-09", "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == EXIT_USAGE
    assert "no szo_core tables" in result.stderr


@pytest.mark.parametrize("content", [b"", b"name;code\nAna;1\n"])
def test_an_empty_or_foreign_file_is_refused_and_left_alone(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.sqlite"
    path.write_bytes(content)
    result = run("--db", str(path), "--month", "2026-09", "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == EXIT_USAGE
    assert "not a SQLite database" in result.stderr
    assert path.read_bytes() == content  # not turned into a database
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite"]


def test_an_unknown_organisation_is_named(database: Path, tmp_path: Path) -> None:
    result = run(
        "--db", str(database), "--month", "2026-09", "--out", str(tmp_path / "o"),
        "--org", "nope", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == EXIT_USAGE
    assert "There is no organisation nope" in result.stderr
    assert "vrtec-sonce" in result.stderr
    assert "no child is enrolled" not in result.stderr


def test_an_unreachable_postgresql_is_refused(tmp_path: Path) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none"  # port 1: nothing listens there
    result = run("--db", url, "--month", "2026-09", "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == EXIT_USAGE
    assert "Cannot connect" in result.stderr


def test_several_organisations_need_org(database: Path, tmp_path: Path) -> None:
    store = SqlBillingStore.open(database)
    try:
        add_world(store, "vrtec-luna")
    finally:
        store.dispose()
    ambiguous = run(
        "--db", str(database), "--month", "2026-09", "--out", str(tmp_path), "--lang", "en"
    )
    assert ambiguous.exit_code == EXIT_USAGE
    assert "vrtec-luna, vrtec-sonce" in ambiguous.stderr
    chosen = run(
        "--db",
        str(database),
        "--month",
        "2026-09",
        "--out",
        str(tmp_path / "o"),
        "--org",
        "vrtec-luna",
    )
    assert chosen.exit_code == 0, chosen.output


@pytest.mark.postgres
def test_bill_on_postgresql(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from tests.billing.conftest import open_store

    opened: Opened = open_store("postgres", request, tmp_path)
    try:
        add_world(opened.store, ORG)
        assert opened.url is not None
        result = run(
            "--db",
            opened.url,
            "--month",
            "2026-09",
            "--out",
            str(tmp_path / "o"),
            "--reference",
            "rf",
            "--lang",
            "en",
        )
        assert result.exit_code == 0, result.output
        path = tmp_path / "o" / "2026-09" / "statements-2026-09.json"
        document = json.loads(path.read_text("utf-8"))
        assert [d["reference"][:2] for d in document["documents"]] == ["RF"] * 6
    finally:
        opened.close()


@pytest.mark.parametrize(
    ("count", "word"),
    [
        (1, "račun"),
        (2, "računa"),
        (3, "računi"),
        (4, "računi"),
        (5, "računov"),
        (101, "račun"),
        (102, "računa"),
        (111, "računov"),
    ],
)
def test_slovenian_plural_of_racun(count: int, word: str) -> None:
    assert plural_sl(count, "račun", "računa", "računi", "računov") == word
