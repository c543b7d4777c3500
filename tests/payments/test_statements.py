"""Bank files read back: camt.053 / camt.054 (.02, .08) and pain.002, each XSD-checked first."""

from __future__ import annotations

import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from szo_core.errors import InvalidFormat
from szo_core.ids import reference as ids_reference
from szo_core.payments import statements as st_mod
from szo_core.payments.statements import (
    BankEntry,
    DebitReject,
    EntryKind,
    find_reference,
    flags_mandate,
    parse_ujp_file_name,
    read_bank_file,
    reason_text,
    validate_bank_file,
)
from szo_core.testing.bank import Credit, Reject, Return, camt053, camt054, pain002, ujp_file_name

ACCOUNT = "SI56011006000000120"  # a UJP account (01100-6000000120)
PAYER_IBAN = "SI56020100012345641"
DAY = date(2026, 10, 20)
REF = "SI120000055526098"


def entries(data: bytes, name: str | None = None) -> list[BankEntry]:
    found = list(read_bank_file(data, name=name))
    assert all(isinstance(e, BankEntry) for e in found)
    return found  # type: ignore[return-value]


def schema_ok(data: bytes, kind: str) -> None:
    """The file passes the official XSD (checked here with lxml directly, not our reader)."""
    xsd = Path(__file__).parents[2] / "src/szo_core/payments/_schemas" / f"{kind}.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    schema.assertValid(etree.fromstring(data))


# --------------------------------------------------------------------------- UJP naming


def test_ujp_file_name_round_trip_and_file_read_by_path(tmp_path: Path) -> None:
    name = ujp_file_name(ACCOUNT, DAY)
    assert name == "011006000000120EUR_201026_CAMT_izpisek.xml"
    parts = parse_ujp_file_name(tmp_path / name)
    assert (parts.account_iban, parts.currency, parts.day) == (ACCOUNT, "EUR", DAY)
    path = tmp_path / name
    path.write_bytes(camt053(ACCOUNT, DAY, [Credit(amount=Decimal("1.00"), reference=REF)]))
    (entry,) = list(read_bank_file(path))
    assert isinstance(entry, BankEntry)
    assert entry.account_iban == parts.account_iban


@pytest.mark.parametrize(
    "name",
    [
        "011006000000120EUR_201026_izpisek.xml",  # no CAMT
        "011006000000120EUR_321026_CAMT_izpisek.xml",  # 32 October
        "011006000000121EUR_201026_CAMT_izpisek.xml",  # wrong check digits
        "izpisek.xml",
    ],
)
def test_bad_ujp_names_are_refused_without_the_account(name: str) -> None:
    with pytest.raises(InvalidFormat) as caught:
        parse_ujp_file_name(name)
    assert caught.value.code == "statements.file_name"
    assert "0110060000001" not in str(caught.value)
    assert caught.value.en


# --------------------------------------------------------------------------- credits


def test_credit_entry_has_every_field_and_keeps_c_caron_c_acute_z_caron() -> None:
    data = camt053(
        ACCOUNT,
        DAY,
        [
            Credit(
                amount=Decimal("107.55"),
                name="Žiga Ćirić Čuk",
                iban="SI56 0201 0001 2345 641",
                reference="SI12 0000055526098",
                text="Oskrbnina september, Šmarje",
                booking_date=date(2026, 10, 19),
                value_date=date(2026, 10, 18),
                bank_reference="UJP-2026-000042",
            )
        ],
    )
    schema_ok(data, "camt.053.001.02")
    (entry,) = entries(data)
    assert entry.kind is EntryKind.CREDIT
    assert entry.amount == Decimal("107.55")
    assert entry.currency == "EUR"
    assert (entry.booking_date, entry.value_date) == (date(2026, 10, 19), date(2026, 10, 18))
    assert entry.payer_name == "Žiga Ćirić Čuk"
    assert entry.payer_iban == PAYER_IBAN
    assert entry.reference == REF
    assert entry.text == "Oskrbnina september, Šmarje"
    assert entry.entry_id == "UJP-2026-000042"
    assert entry.account_iban == ACCOUNT
    assert entry.file_kind == "camt.053.001.02"
    assert PAYER_IBAN not in repr(entry)
    assert ACCOUNT not in repr(entry)


@pytest.mark.parametrize(
    ("reference", "scor"),
    [
        ("SI120000055526098", True),
        ("SI120000055526098", False),
        ("SI12 0000055526098", True),
        ("SI12 0000 0555 26098", False),
        ("si12 0000055526098", False),
    ],
)
def test_reference_with_or_without_scor_and_spaces(reference: str, scor: bool) -> None:
    data = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("5.00"), reference=reference, scor=scor)])
    schema_ok(data, "camt.053.001.02")
    assert entries(data)[0].reference == REF


def test_rf_reference_with_spaces() -> None:
    data = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("5.00"), reference="RF77 F720 2609")])
    assert entries(data)[0].reference == "RF77F7202609"


@pytest.mark.parametrize(
    "text",
    [
        "SI12 0000055526098",
        "Placilo vrtca, sklic SI12 0000055526098, hvala",
        "sklic:SI120000055526098",
        "OSKRBNINA SI12 0000055526098 SEPTEMBER",
    ],
)
def test_reference_only_in_ustrd(text: str) -> None:
    data = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("5.00"), text=text)])
    schema_ok(data, "camt.053.001.02")
    assert entries(data)[0].reference == REF


def test_invalid_structured_reference_falls_back_to_ustrd_then_none() -> None:
    data = camt053(
        ACCOUNT,
        DAY,
        [
            Credit(amount=Decimal("1.00"), reference="SI12 0000055526099", text=f"sklic {REF}"),
            Credit(amount=Decimal("1.00"), reference="SI12 0000055526099", text="brez"),
            Credit(amount=Decimal("1.00")),
        ],
    )
    assert [e.reference for e in entries(data)] == [REF, None, None]


def test_find_reference_never_raises_and_finds_only_valid_ones() -> None:
    assert find_reference("SI12 12") is None
    assert find_reference("SI99") is None
    assert find_reference("") is None


@given(st.text(max_size=60))
def test_find_reference_returns_only_valid_references(text: str) -> None:
    found = find_reference(text)
    assert found is None or ids_reference.is_valid(found)


# --------------------------------------------------------------------------- debits


def test_collected_direct_debit_carries_end_to_end_and_mandate() -> None:
    data = camt053(
        ACCOUNT,
        DAY,
        [
            Credit(
                amount=Decimal("200.75"),
                name="Špela Žagar",
                iban=PAYER_IBAN,
                end_to_end_id="F7-202609",
                mandate_id="00555-00028",
                reference="RF77F7202609",
            )
        ],
    )
    (entry,) = entries(data)
    assert (entry.kind, entry.end_to_end_id, entry.mandate_id) == (
        EntryKind.CREDIT,
        "F7-202609",
        "00555-00028",
    )


@pytest.mark.parametrize("version", ["camt.053.001.02", "camt.054.001.02", "camt.054.001.08"])
def test_returns_with_reasons_in_every_version(version: str) -> None:
    items: list[Credit | Return] = [
        Credit(amount=Decimal("50.00"), name="Čedomir Ćosić", iban=PAYER_IBAN, reference=REF),
        Return(
            amount=Decimal("80.00"),
            end_to_end_id="2026-000007",
            reason="AM04",
            name="Žana Žužek",
            iban=PAYER_IBAN,
            mandate_id="M-7",
        ),
        Return(amount=Decimal("40.00"), end_to_end_id="2026-000009", reason="MD06"),
    ]
    if version == "camt.053.001.02":
        data = camt053(ACCOUNT, DAY, items)
    else:
        data = camt054(ACCOUNT, DAY, items, version=version)  # type: ignore[arg-type]
    schema_ok(data, version)
    credit, first, second = entries(data)
    assert credit.kind is EntryKind.CREDIT
    assert credit.payer_name == "Čedomir Ćosić"
    assert credit.reference == REF
    assert credit.payer_iban == PAYER_IBAN
    assert first.kind is EntryKind.RETURN
    assert second.kind is EntryKind.RETURN
    assert (first.end_to_end_id, first.reason, first.amount) == (
        "2026-000007",
        "AM04",
        Decimal("80.00"),
    )
    assert first.payer_name == "Žana Žužek"
    assert first.mandate_id == "M-7"
    assert first.reason_text() == "Na računu ni dovolj sredstev."
    assert first.reason_text("en") == "Insufficient funds."
    assert second.reason == "MD06"
    assert second.reason_text("en") == "Refund requested by the payer."
    assert all(e.file_kind == version for e in (credit, first, second))
    assert all(e.account_iban == ACCOUNT for e in (credit, first, second))
    assert len({e.statement_id for e in (credit, first, second)}) == 1
    assert credit.statement_id == f"{ACCOUNT[4:]}-{DAY:%Y%m%d}"


def test_pain002_with_rejects() -> None:
    data = pain002(
        "SZO-DEMO-202609",
        date(2026, 10, 16),
        [
            Reject(
                end_to_end_id="2026-000012",
                reason="AC04",
                amount=Decimal("97.40"),
                mandate_id="M-12",
                collection_date=date(2026, 10, 18),
            ),
            Reject(end_to_end_id="F7-202609", reason="AM04"),
        ],
    )
    schema_ok(data, "pain.002.001.03")
    first, second = list(read_bank_file(data))
    assert isinstance(first, DebitReject)
    assert isinstance(second, DebitReject)
    assert first.original_message_id == "SZO-DEMO-202609"
    assert (first.end_to_end_id, first.reason, first.amount, first.mandate_id) == (
        "2026-000012",
        "AC04",
        Decimal("97.40"),
        "M-12",
    )
    assert first.collection_date == date(2026, 10, 18)
    assert first.report_date == date(2026, 10, 16)
    assert first.reason_text() == "Račun je zaprt."
    assert flags_mandate(first.reason)
    assert second.reason == "AM04"
    assert not flags_mandate(second.reason)
    assert first.entry_id != second.entry_id


def test_pain002_accepted_transactions_are_not_rejects() -> None:
    data = pain002("M1", DAY, [Reject(end_to_end_id="E1", reason="AC04")]).replace(
        b"<TxSts>RJCT</TxSts>", b"<TxSts>ACCP</TxSts>"
    )
    assert list(read_bank_file(data)) == []


def test_reason_texts_exist_in_both_languages() -> None:
    for code in st_mod.REASONS:
        assert reason_text(code, "sl")
        assert reason_text(code, "en")
        assert reason_text(code, "sl") != reason_text(code, "en") or code == "DUPL"
    assert "ZZ01" in reason_text("ZZ01", "sl")


# --------------------------------------------------------------------------- bad files


def test_schema_violation_names_file_and_element_and_blanks_values() -> None:
    good = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("1.00"), iban=PAYER_IBAN)])
    bad = good.replace(PAYER_IBAN.encode(), b"SI5X020100012345641")
    with pytest.raises(InvalidFormat) as caught:
        validate_bank_file(bad, name="011006000000120EUR_201026_CAMT_izpisek.xml")
    err = caught.value
    assert err.code == "statements.schema"
    assert err.where is not None
    assert err.where.startswith("011006000000120EUR_201026_CAMT_izpisek.xml: ")
    assert err.where.endswith("IBAN")
    assert "SI5X02" not in str(err)
    assert "SI5X02" not in err.message("en")


def test_bad_entry_late_in_file_raises_before_the_first_item() -> None:
    items = [Credit(amount=Decimal("1.00"), reference=REF)] * 3
    data = camt053(ACCOUNT, DAY, items)
    last = data.rfind(b"<CdtDbtInd>CRDT</CdtDbtInd>")
    bad = data[:last] + b"<CdtDbtInd>XXXX</CdtDbtInd>" + data[last + 27 :]
    reader = read_bank_file(bad, name="izpisek.xml")
    with pytest.raises(InvalidFormat) as caught:
        next(reader)
    assert caught.value.where is not None
    assert "CdtDbtInd" in caught.value.where


def test_foreign_and_broken_files() -> None:
    pain008 = b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.008.001.02'/>"
    with pytest.raises(InvalidFormat) as caught:
        validate_bank_file(pain008, name="sepa.xml")
    assert (caught.value.code, caught.value.where) == (
        "statements.not_bank_file",
        "sepa.xml: Document",
    )
    with pytest.raises(InvalidFormat) as caught:
        validate_bank_file(b"<Document><oops></Document>", name="x.xml")
    assert caught.value.code == "statements.not_bank_file"
    broken = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("1.00"))])[:-30]
    with pytest.raises(InvalidFormat) as caught:
        validate_bank_file(broken, name="x.xml")
    assert caught.value.code == "statements.not_xml"
    assert caught.value.where is not None
    assert caught.value.where.startswith("x.xml")
    with pytest.raises(InvalidFormat) as caught:
        list(read_bank_file(b"", name="empty.xml"))
    assert caught.value.code == "statements.not_xml"


def test_missing_files_and_wrong_types_are_szo_errors(tmp_path: Path) -> None:
    from szo_core.errors import ConfigurationError, InvalidType

    with pytest.raises(ConfigurationError) as caught:
        list(read_bank_file(tmp_path / "nope.xml"))
    assert (caught.value.code, caught.value.where) == ("statements.file", "nope.xml")
    with pytest.raises(InvalidType):
        list(read_bank_file(123))  # type: ignore[arg-type]


def test_a_dtd_is_refused_before_parsing() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'>&b;</Document>"
    )
    with pytest.raises(InvalidFormat) as caught:
        list(read_bank_file(laughs, name="x.xml"))
    assert caught.value.code == "statements.dtd"
    assert caught.value.where == "x.xml: DOCTYPE"


def test_other_debits_are_listed_as_debits() -> None:
    data = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("3.10"))]).replace(
        b"<CdtDbtInd>CRDT</CdtDbtInd>", b"<CdtDbtInd>DBIT</CdtDbtInd>"
    )
    assert entries(data)[0].kind is EntryKind.DEBIT


def test_entry_ids_are_stable_and_distinct() -> None:
    data = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("1.00"))] * 3)
    first = [e.entry_id for e in entries(data)]
    assert first == [e.entry_id for e in entries(data)]
    assert len(set(first)) == 3


# --------------------------------------------------------------------------- properties, memory

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
names = (
    st.text(st.sampled_from("abcčćdđefghijklmnoprsštuvzžABCČĆŽŠĐ -"), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=40)
@given(st.lists(st.tuples(amounts, names, st.booleans()), min_size=1, max_size=8))
def test_written_credits_read_back_exactly(rows: list[tuple[Decimal, str, bool]]) -> None:
    credits = [
        Credit(amount=amount, name=name, reference=REF if scor else "SI12 0000055526098", scor=scor)
        for amount, name, scor in rows
    ]
    got = entries(camt053(ACCOUNT, DAY, credits))
    assert [(e.amount, e.payer_name, e.reference) for e in got] == [
        (c.amount, c.name, REF) for c in credits
    ]


def test_large_statement_is_read_in_flat_memory(tmp_path: Path) -> None:
    from szo_core.testing.bank import write_camt053

    def many(n: int) -> object:
        return (Credit(amount=Decimal("10.00"), name="Ana Čeh", reference=REF) for _ in range(n))

    peaks = []
    for n in (2_000, 20_000):
        path = tmp_path / f"s{n}.xml"
        write_camt053(path, ACCOUNT, DAY, many(n))  # type: ignore[arg-type]
        tracemalloc.start()
        count = sum(1 for _ in read_bank_file(path))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count == n
    # ten times the entries, far less than ten times the memory
    assert peaks[1] < 2 * peaks[0] + 1_000_000
