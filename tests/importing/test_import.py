"""Importing files: the report, all-or-nothing, idempotency, formats, mapping, CLI."""

from __future__ import annotations

import csv
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from szo_core.adapters.memory import MemoryStore
from szo_core.adapters.sql import SqlStore
from szo_core.cli import main
from szo_core.importing import ImportMapping, import_files, open_file
from szo_core.model import Child

ROOT = Path(__file__).resolve().parents[2] / "examples"
CLEAN, BROKEN = ROOT / "import", ROOT / "import-errors"
ORG = "vrtec-soncek"


def _csvs(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.glob("*.csv"))


def _cells(folder: Path, pattern: str) -> set[str]:
    """Every cell of the folder's CSV files matching ``pattern``."""
    found = set()
    for path in folder.glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"):
            found.update(cell for cell in row if re.fullmatch(pattern, cell))
    return found


def _edit(folder: Path, name: str, key: str, column: str, value: str | None) -> None:
    """Set (or with None, drop the whole column) in the row whose first cell is ``key``."""
    path = folder / name
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    index = rows[0].index(column)
    for row in rows:
        if value is None:
            del row[index]
        elif row[0] == key:
            row[index] = value
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CLEAN, tmp_path / "import"))


def test_dry_run_on_the_erroneous_examples_reports_every_error_without_pii(tmp_path: Path):
    db = tmp_path / "szo.db"
    result = CliRunner().invoke(
        main, ["import", "--db", str(db), "--org", ORG, "--dry-run", *_csvs(BROKEN)]
    )
    assert result.exit_code == 1, result.output
    out = result.stdout
    expected = [
        "odlocbe.csv",
        "  vrstica 2, stolpec »delež staršev«: napaka value.decimal: ",
        "otroci.csv",
        "  vrstica 4, stolpec »emšo«: napaka emso.invalid: EMŠO ni veljaven: "
        "Kontrolna številka EMŠO ni pravilna.",
        "placniki.csv",
        "  vrstica 11, stolpec »skrbnik«: napaka reference.unknown: "
        "Skrbnika g-99 ni ne v datotekah ne v bazi.",
        "soglasja.csv",
        "  vrstica 2, stolpec »iban«: napaka iban.invalid: IBAN ni veljaven: "
        "Kontrolni števki IBAN nista pravilni.",
        "Napak: 5, opozoril: 0.",
    ]
    lines = out.splitlines()
    for line in expected:
        assert any(got.startswith(line) for got in lines), line
    for secret in _cells(BROKEN, r"\d{13}|\d{8}|SI\d{17}"):  # EMŠOs, tax numbers, IBANs
        assert secret not in result.output
    assert not db.exists()  # a dry run creates nothing


def test_dry_run_in_english_names_rows_and_columns():
    result = CliRunner().invoke(
        main,
        ["import", "--db", "unused.db", "--org", ORG, "--dry-run", "--lang", "en", *_csvs(BROKEN)],
    )
    assert "  row 4, column 'emšo': error emso.invalid: The EMŠO is not valid" in result.stdout
    assert "Errors: 5, warnings: 0." in result.stdout


def test_errors_store_nothing(tmp_path: Path):
    db = tmp_path / "szo.db"
    result = CliRunner().invoke(main, ["import", "--db", str(db), "--org", ORG, *_csvs(BROKEN)])
    assert result.exit_code == 1
    store = SqlStore.open(db)
    with store.unit_of_work() as uow:
        assert uow.children.for_organisation(ORG) == ()
        assert uow.guardians.for_organisation(ORG) == ()


def test_clean_examples_import_into_sqlite_and_a_reimport_changes_nothing(tmp_path: Path):
    db = str(tmp_path / "szo.db")
    first = CliRunner().invoke(main, ["import", "--db", db, "--org", ORG, *_csvs(CLEAN)])
    assert first.exit_code == 0, first.output
    assert "otroci: novih 12, spremenjenih 0, enakih 0" in first.stdout
    assert "skrbniki: novih 18, spremenjenih 0, enakih 0" in first.stdout
    with SqlStore.open(db).unit_of_work() as uow:
        children = uow.children.for_organisation(ORG)
        assert len(children) == 12
        assert children[0].payment.mandate is not None
        assert {c.payment_group_lead for c in children} == {None, 105}
        assert uow.decisions.get(ORG, "d-101").coefficient == Decimal("0.35")
    again = CliRunner().invoke(main, ["import", "--db", db, "--org", ORG, *_csvs(CLEAN)])
    assert "otroci: novih 0, spremenjenih 0, enakih 12" in again.stdout
    workbook = CliRunner().invoke(
        main, ["import", "--db", db, "--org", ORG, str(ROOT / "vrtec.xlsx")]
    )
    assert workbook.exit_code == 0, workbook.output
    assert "otroci: novih 0, spremenjenih 0, enakih 12" in workbook.stdout


def test_a_changed_row_is_updated_with_its_version(clean: Path):
    store = MemoryStore()
    assert import_files(store, ORG, clean.glob("*.csv")).stored
    _edit(clean, "otroci.csv", "102", "priimek", "Horvat Kos")
    report = import_files(store, ORG, clean.glob("*.csv"))
    assert report.changes["children"].updated == 1
    assert report.changes["children"].unchanged == 11
    with store.unit_of_work() as uow:
        child = uow.children.get(ORG, 102)
    assert (child.last_name, child.version) == ("Horvat Kos", 1)


def test_a_column_the_file_lacks_keeps_the_stored_value(clean: Path):
    store = MemoryStore()
    import_files(store, ORG, clean.glob("*.csv"))
    _edit(clean, "otroci.csv", "", "priimek", None)  # no surname column at all
    report = import_files(store, ORG, [clean / "otroci.csv"])
    assert report.changes["children"].unchanged == 12
    with store.unit_of_work() as uow:
        assert uow.children.get(ORG, 101).last_name == "Novak"
        assert uow.children.get(ORG, 101).guardians  # links file not given: kept


def test_a_part_file_replaces_the_part_of_the_children_it_names(clean: Path):
    store = MemoryStore()
    import_files(store, ORG, clean.glob("*.csv"))
    (clean / "placniki.csv").write_text(
        "koda otroka;vloga;vrsta;skrbnik\n102;plačnik;skrbnik;g-4\n", encoding="utf-8"
    )
    report = import_files(store, ORG, [clean / "placniki.csv"])
    assert report.ok, report.render("en")
    assert report.changes["children"].updated == 1
    with store.unit_of_work() as uow:
        assert uow.children.get(ORG, 102).payer.guardian_id == "g-4"
        assert uow.children.get(ORG, 101).payer.guardian_id == "g-1"


def test_windows_1250_comma_separated_with_decimal_points(tmp_path: Path):
    (tmp_path / "programi.csv").write_bytes("koda,naziv\nI,Oddelek Žabice\n".encode("cp1250"))
    (tmp_path / "cene.csv").write_bytes(
        b"program,velja od,mesecna cena,hrana na dan\nI,1. 9. 2026,520.5,2.40\n"
    )
    report = import_files(MemoryStore(), ORG, sorted(tmp_path.iterdir()))
    assert report.ok, report.render("en")
    (sheet,) = open_file(tmp_path / "programi.csv")
    assert (sheet.encoding, sheet.delimiter) == ("cp1250", ",")


def test_bad_values_are_reported_by_row_and_column_never_dropped(tmp_path: Path):
    (tmp_path / "children.csv").write_text(
        "code;first_name;enrollment_date;family_order;inactive;sex;emso\n"
        "1;Ana;2026-13-01;2;da;F;\n"
        "x;Bor;;;;M;\n"
        "3;Cene;;2,5;mogoče;Q;1234567890123\n",
        encoding="utf-8",
    )
    report = import_files(MemoryStore(), ORG, [tmp_path / "children.csv"], check_registry=False)
    assert [(i.row, i.column, i.code) for i in report.errors] == [
        (2, "enrollment_date", "value.date"),
        (3, "code", "value.int"),
        (4, "family_order", "value.int"),
        (4, "inactive", "value.bool"),
        (4, "sex", "value.choice"),
    ]
    assert not report.stored
    assert "1234567890123" not in report.render("en")


def test_file_and_column_problems(tmp_path: Path):
    (tmp_path / "nekaj.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (tmp_path / "decisions.csv").write_text("id;child_code;colour\nd;1;red\n", encoding="utf-8")
    report = import_files(MemoryStore(), ORG, sorted(tmp_path.iterdir()))
    assert [(i.source, i.code) for i in report.issues] == [
        ("decisions.csv", "column.missing"),
        ("decisions.csv", "column.missing"),
        ("decisions.csv", "column.unknown"),
        ("nekaj.csv", "file.kind_unknown"),
    ]


def test_duplicates_unknown_records_and_refused_records(tmp_path: Path):
    (tmp_path / "odlocbe.csv").write_text(
        "id;koda otroka;delež staršev;velja od;velja do\n"
        "d1;7;0,35;2026-09-01;\n"
        "d2;7;0,95;2026-09-01;\n"
        "d3;7;0,35;2026-09-01;2026-08-01\n",
        encoding="utf-8",
    )
    (tmp_path / "povezave.csv").write_text(
        "koda otroka;skrbnik;vrsta\n8;g;mati\n", encoding="utf-8"
    )
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.children.add(Child(organisation_id=ORG, code=7))
        uow.commit()
    report = import_files(store, ORG, sorted(tmp_path.iterdir()))
    assert [(i.source, i.row, i.code) for i in report.errors] == [
        ("odlocbe.csv", 3, "decision.coefficient.range"),
        ("odlocbe.csv", 4, "decision.period.reversed"),
        ("povezave.csv", 2, "part.record_unknown"),
        ("povezave.csv", 2, "reference.unknown"),
    ]


def test_a_locked_decision_is_not_updated(clean: Path):
    store = MemoryStore()
    import_files(store, ORG, clean.glob("*.csv"))
    with store.unit_of_work() as uow:
        uow.decision_locks.lock(ORG, ["d-101"], "run-2026-09")
        uow.commit()
    _edit(clean, "odlocbe.csv", "d-101", "delež staršev", "0,40")
    report = import_files(store, ORG, [clean / "odlocbe.csv"])
    assert report.codes() == ("decision.locked",)
    assert not report.stored


def test_mapping_file_maps_files_headers_and_values(tmp_path: Path):
    (tmp_path / "Seznam.csv").write_text(
        "Šifra otroka;Ime otroka;Spol\n5;Ana;deklica\n", encoding="utf-8"
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[files]\n"Seznam.csv" = "children"\n'
        '[columns.children]\n"Šifra otroka" = "code"\n"Ime otroka" = "ime"\n'
        '[values.children.sex]\n"deklica" = "F"\n',
        encoding="utf-8",
    )
    store = MemoryStore()
    report = import_files(
        store,
        ORG,
        [tmp_path / "Seznam.csv"],
        mapping=ImportMapping.load(mapping),
        check_registry=False,
    )
    assert report.stored, report.render("en")
    with store.unit_of_work() as uow:
        child = uow.children.get(ORG, 5)
    assert (child.first_name, child.sex.value) == ("Ana", "F")


def test_a_mapping_with_an_unknown_column_is_refused():
    with pytest.raises(ValueError, match=r"import\.mapping"):
        ImportMapping.from_toml('[columns.children]\n"x" = "colour"\n')


def test_export_then_import_gives_equal_records(tmp_path: Path):
    db = str(tmp_path / "szo.db")
    CliRunner().invoke(main, ["import", "--db", db, "--org", ORG, *_csvs(CLEAN)])
    for fmt in ("csv", "xlsx"):
        out = tmp_path / fmt
        result = CliRunner().invoke(
            main, ["export", "--db", db, "--org", ORG, "--out", str(out), "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        again = CliRunner().invoke(
            main, ["import", "--db", db, "--org", ORG, *sorted(str(p) for p in out.iterdir())]
        )
        assert again.exit_code == 0, again.output
        assert "spremenjenih 0" in again.stdout
        assert "novih 0" in again.stdout


def test_cli_usage_errors(tmp_path: Path):
    bad_mapping = tmp_path / "map.toml"
    bad_mapping.write_text("[columns.children]\n'x' = 'colour'\n", encoding="utf-8")
    not_db = tmp_path / "not.db"
    not_db.write_text("hello", encoding="utf-8")
    runner = CliRunner()
    cases = [
        ["import", "--db", str(tmp_path / "a.db"), "--org", ORG, str(tmp_path / "none.csv")],
        [
            "import",
            "--db",
            str(tmp_path / "a.db"),
            "--org",
            ORG,
            "--mapping",
            str(bad_mapping),
            *_csvs(CLEAN),
        ],
        ["import", "--db", str(not_db), "--org", ORG, *_csvs(CLEAN)],
        ["import", "--db", ":memory:", "--org", ORG, *_csvs(CLEAN)],
        ["export", "--db", str(tmp_path / "none.db"), "--org", ORG, "--out", str(tmp_path / "o")],
    ]
    for args in cases:
        result = runner.invoke(main, [*args, "--lang", "en"])
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("ERROR: "), result.stderr
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize("organisation", ["", "  ", None, 7])
def test_the_organisation_must_be_text(organisation: object):
    with pytest.raises(ValueError, match=r"import\.organisation"):
        import_files(MemoryStore(), organisation, [CLEAN / "skupine.csv"])  # type: ignore[arg-type]


def test_the_organisation_is_imported_updated_and_kept_with_its_other_accounts(clean: Path):
    store = MemoryStore()
    assert import_files(store, ORG, clean.glob("*.csv")).stored
    with store.unit_of_work() as uow:
        stored = uow.organisations.get(ORG)
    assert [a.bank for a in stored.accounts] == ["Uprava RS za javna plačila", "NLB d.d."]
    _edit(clean, "organizacija.csv", ORG, "dan obremenitve", "20")
    report = import_files(store, ORG, [clean / "organizacija.csv"])  # no drugi_racuni.csv
    assert (report.changes["organisation"].updated, report.ok) == (1, True)
    with store.unit_of_work() as uow:
        changed = uow.organisations.get(ORG)
    assert (changed.debit_day, changed.version, changed.accounts) == (20, 1, stored.accounts)


def test_an_organisation_file_for_another_organisation_is_refused(clean: Path):
    _edit(clean, "organizacija.csv", ORG, "id", "vrtec-luna")
    report = import_files(MemoryStore(), ORG, clean.glob("*.csv"))
    assert [(i.source, i.row, i.column, i.code) for i in report.errors] == [
        ("drugi_racuni.csv", 2, "organizacija", "part.record_unknown"),  # its row was refused
        ("organizacija.csv", 2, "id", "import.organisation_other"),
    ]
    assert not report.stored


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("davčna", "76543219", "davcna.checksum"),
        ("matična številka", "5012342", "organisation.registration_number.checksum"),
        ("iban", "SI56012610012345677", "iban.checksum"),
        ("identifikator prejemnika", "SI66ZZZ76543218", "creditor_id.checksum"),
    ],
)
def test_bad_organisation_identifiers_by_row_and_column_without_the_value(
    clean: Path, column: str, value: str, code: str
):
    _edit(clean, "organizacija.csv", ORG, column, value)
    store = MemoryStore()
    report = import_files(store, ORG, clean.glob("*.csv"))
    assert [(i.source, i.row, i.column, i.code) for i in report.errors] == [
        ("organizacija.csv", 2, column, code)
    ]
    assert value not in report.render("sl")
    assert value not in report.render("en")
    with store.unit_of_work() as uow:  # all or nothing: no child stored either
        assert uow.children.for_organisation(ORG) == ()
        assert uow.organisations.find(ORG) is None


def test_a_bad_other_account_is_reported_on_its_row(clean: Path):
    _edit(clean, "drugi_racuni.csv", ORG, "iban", "SI56020100098765464")
    report = import_files(MemoryStore(), ORG, clean.glob("*.csv"))
    assert [(i.source, i.row, i.column, i.code) for i in report.errors] == [
        ("drugi_racuni.csv", 2, "iban", "iban.checksum")
    ]


def test_the_registry_warnings_on_the_organisation_are_in_the_report(clean: Path):
    from szo_core.ids import creditor_id

    other = creditor_id.make("12345678")  # a valid creditor id, not on the tax number
    _edit(clean, "organizacija.csv", ORG, "identifikator prejemnika", other)
    _edit(clean, "organizacija.csv", ORG, "e-pošta", "")
    report = import_files(MemoryStore(), ORG, clean.glob("*.csv"))
    assert report.stored
    assert sorted((i.row, i.column, i.code) for i in report.warnings) == [
        (2, "e-pošta", "organisation.email_missing"),
        (2, "identifikator prejemnika", "creditor_id.not_tax_number"),
    ]
