"""pain.008 writer: XSD validity, totals, SEPA rules, streaming and the streamed check."""

from __future__ import annotations

import io
import os
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from szo_core.calendar import Month
from szo_core.errors import (
    ConfigurationError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
    SzoError,
    ValidationError,
)
from szo_core.ids import iban as ids_iban
from szo_core.ids import reference as ids_reference
from szo_core.payments import sepa
from szo_core.payments.instructions import (
    Address,
    DebitMandate,
    MandateAmendment,
    PaymentInstruction,
    PaymentKind,
    SequenceType,
)
from szo_core.payments.sepa import (
    Creditor,
    DirectDebit,
    DirectDebitBatch,
    transliterate,
    validate,
    write_pain008,
)

XSD_DIR = Path(__file__).resolve().parents[2] / "src" / "szo_core" / "payments" / "_schemas"
SHARED_XSD = Path("/work/shared/xsd")
CREDITOR = Creditor(
    name="Vrtec Čebelica Žalec",
    iban="SI56 0110 0600 0000 023",
    bic="BSLJSI2X",
    creditor_id="SI72ZZZ12345679",
    address=Address(street="Savinjska cesta 3", post_code="3310", city="Žalec"),
)
COLLECTION = date(2026, 10, 19)  # a Monday: a TARGET2 day


def account(n: int) -> str:
    """A synthetic, check-digit valid NLB account (bank code 02011)."""
    return ids_iban.make_si("02011", f"{n % 100_000_000:08d}")


def debit(n: int, **changes: object) -> DirectDebit:
    base = DirectDebit(
        end_to_end_id=f"E2E-{n:06d}",
        amount=Decimal(1000 + n * 7919 % 40000).scaleb(-2),
        collection_date=COLLECTION,
        remittance=f"Oskrbnina 2026-09, otrok {n}",
        mandate=DebitMandate(
            reference=f"VRT-{n:06d}",
            signed_on=date(2025, 8, 20),
            debtor_name=f"Špela Žagar {n}",
            iban=account(n),
            sequence=SequenceType.FIRST if n % 10 == 0 else SequenceType.RECURRING,
        ),
    )
    return attrs.evolve(base, **changes)  # type: ignore[misc]


def batch(transactions: object, **changes: object) -> DirectDebitBatch:
    base = DirectDebitBatch(
        message_id="VRTEC-2026-10",
        created_at=datetime(2026, 10, 10, 8, 0),
        creditor=CREDITOR,
        transactions=transactions,  # type: ignore[arg-type]
    )
    return attrs.evolve(base, **changes)  # type: ignore[misc]


def write(b: DirectDebitBatch, version: sepa.Pain008Version = "pain.008.001.02") -> bytes:
    out = io.BytesIO()
    write_pain008(b, out, version)
    return out.getvalue()


_SCHEMAS: dict[str, etree.XMLSchema] = {}


def assert_xsd_valid(data: bytes, version: str) -> etree._Element:
    """Full-parse XSD check with lxml, independent of ``sepa.validate``."""
    if version not in _SCHEMAS:
        _SCHEMAS[version] = etree.XMLSchema(etree.parse(str(XSD_DIR / f"{version}.xsd")))
    doc = etree.fromstring(data)
    schema = _SCHEMAS[version]
    assert schema.validate(doc), schema.error_log
    assert validate(data).transactions == len(doc.findall(".//{*}DrctDbtTxInf"))
    return doc


def ns(version: str) -> dict[str, str]:
    return {"p": f"urn:iso:std:iso:20022:tech:xsd:{version}"}


VERSIONS = pytest.mark.parametrize("version", sepa.VERSIONS)


# ---------------------------------------------------------------- schema and totals


def test_bundled_schemas_are_the_shared_copies() -> None:
    for version in sepa.VERSIONS:
        bundled = (XSD_DIR / f"{version}.xsd").read_bytes()
        if SHARED_XSD.exists():
            assert bundled == (SHARED_XSD / f"{version}.xsd").read_bytes()
        assert b"CustomerDirectDebitInitiation" in bundled


@VERSIONS
def test_file_validates_and_totals_match(version: sepa.Pain008Version) -> None:
    txs = [debit(n) for n in range(25)]
    txs.append(debit(99, collection_date=date(2026, 10, 20)))
    data = write(batch(txs), version)
    doc = assert_xsd_valid(data, version)
    p = ns(version)
    blocks = doc.findall(".//p:PmtInf", p)
    # blocks: (19th, FRST) n = 0, 10, 20; (19th, RCUR) the 22 others; (20th, RCUR) n = 99
    assert [b.findtext("p:PmtTpInf/p:SeqTp", namespaces=p) for b in blocks] == [
        "FRST",
        "RCUR",
        "RCUR",
    ]
    assert [b.findtext("p:ReqdColltnDt", namespaces=p) for b in blocks] == [
        "2026-10-19",
        "2026-10-19",
        "2026-10-20",
    ]
    total_count = 0
    total = Decimal(0)
    for block in blocks:
        amounts = [Decimal(a.text or "") for a in block.findall(".//p:InstdAmt", p)]
        assert block.findtext("p:NbOfTxs", namespaces=p) == str(len(amounts))
        assert Decimal(block.findtext("p:CtrlSum", namespaces=p) or "") == sum(amounts)
        total_count += len(amounts)
        total += sum(amounts)
    assert doc.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=p) == "26"
    expected = sum((t.amount for t in txs), Decimal(0))
    assert Decimal(doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=p) or "") == expected == total
    assert total_count == 26


def test_summary_matches_file() -> None:
    txs = [debit(n) for n in range(12)]
    out = io.BytesIO()
    summary = write_pain008(batch(txs), out)
    assert summary.transactions == 12
    assert summary.control_sum == sum((t.amount for t in txs), Decimal(0))
    assert [(s.sequence, s.transactions) for s in summary.payment_information] == [
        (SequenceType.FIRST, 2),
        (SequenceType.RECURRING, 10),
    ]
    assert [s.payment_information_id for s in summary.payment_information] == [
        "VRTEC-2026-10-1",
        "VRTEC-2026-10-2",
    ]


@VERSIONS
def test_output_is_deterministic(version: sepa.Pain008Version) -> None:
    txs = [debit(n) for n in range(30)]
    assert write(batch(txs), version) == write(batch(list(txs)), version)
    assert b"2026-10-10T08:00:00" in write(batch(txs), version)


def test_one_shot_generator_is_accepted() -> None:
    txs = [debit(n) for n in range(15)]
    assert write(batch(iter(txs))) == write(batch(txs))
    assert write(batch(t for t in txs)) == write(batch(tuple(txs)))


def test_version_specific_elements() -> None:
    tx = debit(1, mandate=attrs.evolve(debit(1).mandate, bic="LJBASI2X"))
    v02 = write(batch([tx]), "pain.008.001.02")
    v08 = write(batch([tx]), "pain.008.001.08")
    assert b"<BIC>LJBASI2X</BIC>" in v02
    assert b"<BICFI>LJBASI2X</BICFI>" in v08
    assert b"<BIC>BSLJSI2X</BIC>" in v02
    assert b"<BICFI>BSLJSI2X</BICFI>" in v08
    assert_xsd_valid(v02, "pain.008.001.02")
    assert_xsd_valid(v08, "pain.008.001.08")


def test_debtor_bic_from_registry_or_notprovided() -> None:
    # 02011 is an NLB identifier in the registry: .02 writes its BIC, .08 stays IBAN-only
    v02 = write(batch([debit(1)]), "pain.008.001.02")
    v08 = write(batch([debit(1)]), "pain.008.001.08")
    assert b"<DbtrAgt><FinInstnId><BIC>LJBASI2X</BIC>" in v02
    assert b"<DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id>" in v08
    foreign = debit(2, mandate=attrs.evolve(debit(2).mandate, iban="DE89370400440532013000"))
    assert b"<Othr><Id>NOTPROVIDED</Id>" in write(batch([foreign]), "pain.008.001.02")


def test_creditor_bic_comes_from_registry_when_missing() -> None:
    data = write(batch([debit(1)], creditor=attrs.evolve(CREDITOR, bic=None)))
    assert b"<CdtrAgt><FinInstnId><BIC>BSLJSI2X</BIC>" in data
    german = attrs.evolve(CREDITOR, bic=None, iban="DE89370400440532013000")
    with pytest.raises(ConfigurationError) as err:
        write(batch([debit(1)], creditor=german))
    assert err.value.code == "sepa.creditor_bic"


@VERSIONS
def test_structured_reference_and_purpose(version: sepa.Pain008Version) -> None:
    tx = debit(1, remittance=None, reference="RF77F7202609", purpose="EDUC")
    si = debit(2, remittance=None, reference="SI12 1234567890120")
    data = write(batch([tx, si]), version)
    doc = assert_xsd_valid(data, version)
    p = ns(version)
    refs = doc.findall(".//p:RmtInf/p:Strd/p:CdtrRefInf", p)
    assert [r.findtext("p:Tp/p:CdOrPrtry/p:Cd", namespaces=p) for r in refs] == ["SCOR"] * 2
    assert [r.findtext("p:Ref", namespaces=p) for r in refs] == [
        "RF77F7202609",
        "SI121234567890120",
    ]
    assert doc.findtext(".//p:Purp/p:Cd", namespaces=p) == "EDUC"
    assert doc.find(".//p:Ustrd", p) is None


def test_reference_and_remittance_exclude_each_other() -> None:
    with pytest.raises(ConfigurationError) as err:
        debit(1, reference="RF77F7202609")  # debit() already has a remittance line
    assert err.value.code == "sepa.remittance_both"


@VERSIONS
def test_amendment_details(version: sepa.Pain008Version) -> None:
    amendment = MandateAmendment(
        original_reference="OLD-0001",
        original_creditor_id="SI85ZZZ15012557",
        original_creditor_name="Vrtec Čebelica",
        original_iban=account(77),
        new_debtor_account=True,
    )
    tx = debit(1, mandate=attrs.evolve(debit(1).mandate, amendment=amendment))
    data = write(batch([tx, debit(2)]), version)
    doc = assert_xsd_valid(data, version)
    p = ns(version)
    infos = doc.findall(".//p:MndtRltdInf", p)
    assert [i.findtext("p:AmdmntInd", namespaces=p) for i in infos] == ["true", "false"]
    details = infos[0].find("p:AmdmntInfDtls", p)
    assert details is not None
    assert details.findtext("p:OrgnlMndtId", namespaces=p) == "OLD-0001"
    assert details.findtext("p:OrgnlCdtrSchmeId/p:Nm", namespaces=p) == "Vrtec Cebelica"
    assert (
        details.findtext("p:OrgnlCdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=p)
        == "SI85ZZZ15012557"
    )
    assert details.findtext("p:OrgnlDbtrAcct/p:Id/p:IBAN", namespaces=p) == account(77)
    assert details.findtext("p:OrgnlDbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=p) == "SMNDA"


@pytest.mark.parametrize(
    ("amendment", "code"),
    [
        (MandateAmendment(), "sepa.amendment_empty"),
        (MandateAmendment(original_reference="VRT-000001"), "sepa.amendment_same_mandate"),
        (MandateAmendment(original_creditor_id="SI72ZZZ12345679"), "sepa.amendment_same_creditor"),
    ],
)
def test_bad_amendments(amendment: MandateAmendment, code: str) -> None:
    tx = debit(1, mandate=attrs.evolve(debit(1).mandate, amendment=amendment))
    with pytest.raises(ConfigurationError) as err:
        write(batch([tx]))
    assert err.value.code == code


# ---------------------------------------------------------------- SEPA rules


def test_transliteration_table() -> None:
    assert transliterate("Čačić Đurđa Šćepanović Žužek") == "Cacic Durda Scepanovic Zuzek"
    assert transliterate("ČĆĐŠŽ čćđšž") == "CCDSZ ccdsz"
    assert transliterate('Ana & Bor "Mavrica"') == "Ana + Bor 'Mavrica'"
    assert transliterate("Müller  Straße\tß") == "Muller Strasse ss"
    assert transliterate("a_b;c!d[e]") == "a-b,c.d(e)"


def test_names_are_transliterated_in_the_file() -> None:
    tx = debit(1, mandate=attrs.evolve(debit(1).mandate, debtor_name='Đurđa "Ćiro" & Žan'))
    data = write(batch([tx]))
    assert b"<Nm>Durda 'Ciro' + Zan</Nm>" in data
    assert b"<Nm>Vrtec Cebelica Zalec</Nm>" in data


def where_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    assert error.value.where is not None
    return error.value.where


@pytest.mark.parametrize(
    ("changes", "kind", "code", "field"),
    [
        ({"end_to_end_id": "E2E//1"}, InvalidFormat, "sepa.id", "end_to_end_id"),
        ({"end_to_end_id": "/E2E-1"}, InvalidFormat, "sepa.id", "end_to_end_id"),
        ({"end_to_end_id": "E2E-1/"}, InvalidFormat, "sepa.id", "end_to_end_id"),
        ({"end_to_end_id": "E2E 1"}, InvalidFormat, "sepa.id", "end_to_end_id"),
        ({"end_to_end_id": "E" * 36}, InvalidFormat, "sepa.id", "end_to_end_id"),
        ({"amount": Decimal("0.00")}, InvalidFormat, "sepa.amount_range", "amount"),
        ({"amount": Decimal("-1.00")}, InvalidFormat, "sepa.amount_range", "amount"),
        ({"amount": Decimal("1000000000.00")}, InvalidFormat, "sepa.amount_range", "amount"),
        ({"amount": Decimal("1.001")}, InvalidFormat, "sepa.amount_cents", "amount"),
        ({"remittance": "Plačilo 10 €"}, InvalidFormat, "sepa.charset", "remittance"),
        ({"remittance": "x" * 141}, InvalidLength, "sepa.length", "remittance"),
        ({"purpose": "XXXX"}, InvalidComponent, "sepa.purpose", "purpose"),
        ({"collection_date": datetime(2026, 10, 18)}, InvalidFormat, "sepa.date", "collection"),
        (
            {"collection_date": date(2025, 8, 19)},
            InvalidComponent,
            "sepa.signature_after_collection",
            "signed_on",
        ),
    ],
)
def test_rule_errors_name_the_transaction(
    changes: dict[str, object], kind: type[ValidationError], code: str, field: str
) -> None:
    txs = [debit(0), debit(1), debit(2, **changes)]
    with pytest.raises(kind) as err:
        write(batch(txs))
    assert err.value.code == code
    assert where_of(err).startswith("transakcija/transaction 2")
    assert field in where_of(err)


@pytest.mark.parametrize(
    ("mandate_changes", "kind", "code"),
    [
        ({"debtor_name": "Ana " + "N" * 70}, InvalidLength, "sepa.length"),
        ({"debtor_name": "Ана Новак"}, InvalidFormat, "sepa.charset"),
        ({"debtor_name": "ana@example.si"}, InvalidFormat, "sepa.charset"),
        ({"debtor_name": "   "}, InvalidFormat, "sepa.empty"),
        ({"reference": "M//1"}, InvalidFormat, "mandate.slash"),
        ({"reference": "M 1"}, InvalidFormat, "mandate.format"),
        ({"iban": "SI56020170014356206"}, InvalidChecksum, "iban.checksum"),
        ({"iban": "SI29020170014356206"}, InvalidChecksum, "iban.national_checksum"),
        ({"bic": "LJBA"}, InvalidFormat, "sepa.bic"),
    ],
)
def test_mandate_rule_errors(mandate_changes: dict[str, object], kind: type, code: str) -> None:
    tx = debit(3, mandate=attrs.evolve(debit(3).mandate, **mandate_changes))
    with pytest.raises(kind) as err:
        write(batch([debit(0), tx]))
    assert err.value.code == code
    assert where_of(err).startswith("transakcija/transaction 1 (E2E-000003)")


def test_iban_never_appears_in_errors() -> None:
    bad = "SI29020170014356206"
    tx = debit(3, mandate=attrs.evolve(debit(3).mandate, iban=bad))
    with pytest.raises(ValidationError) as err:
        write(batch([tx]))
    assert bad not in str(err.value)
    assert bad not in repr(err.value)
    assert bad not in err.value.message("en")


def test_bic_pattern_depends_on_version() -> None:
    # "LJBA1I2X": a digit in the country-code position is wrong in both patterns;
    # "1JBASI2X": .08 (BICFIDec2014) allows a digit in the bank code, .02 does not
    tx = debit(1, mandate=attrs.evolve(debit(1).mandate, bic="1JBASI2X"))
    assert_xsd_valid(write(batch([tx]), "pain.008.001.08"), "pain.008.001.08")
    with pytest.raises(InvalidFormat) as err:
        write(batch([tx]), "pain.008.001.02")
    assert err.value.code == "sepa.bic"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"message_id": "VRTEC//10"}, "sepa.id"),
        ({"message_id": ""}, "sepa.id"),
        (
            {"creditor": attrs.evolve(CREDITOR, creditor_id="SI73ZZZ12345679")},
            "creditor_id.checksum",
        ),
        ({"creditor": attrs.evolve(CREDITOR, name="Vrtec €")}, "sepa.charset"),
        ({"created_at": date(2026, 10, 10)}, "sepa.created_at"),
    ],
)
def test_header_errors(changes: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationError) as err:
        write(batch([debit(1)], **changes))
    assert err.value.code == code


def test_bad_version_and_empty_batch() -> None:
    with pytest.raises(ConfigurationError):
        write_pain008(batch([debit(1)]), io.BytesIO(), "pain.008.001.09")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError) as err:
        write(batch([]))
    assert err.value.code == "sepa.no_transactions"


# ---------------------------------------------------------------- nothing half-written


def test_path_output_is_all_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "sdd.xml"
    txs = [debit(n) for n in range(50)]
    summary = write_pain008(batch(txs), target)
    assert summary.transactions == 50
    good = target.read_bytes()
    assert_xsd_valid(good, "pain.008.001.02")
    broken = [*txs[:40], debit(40, amount=Decimal("0.00")), *txs[41:]]
    with pytest.raises(InvalidFormat):
        write_pain008(batch(broken), target)
    assert target.read_bytes() == good  # the old file is untouched
    assert sorted(os.listdir(tmp_path)) == ["sdd.xml"]  # no temporary file left behind
    fresh = tmp_path / "new.xml"
    with pytest.raises(InvalidFormat):
        write_pain008(batch(broken), fresh)
    assert not fresh.exists()


def test_file_object_gets_nothing_on_error() -> None:
    out = io.BytesIO()
    broken = [*(debit(n) for n in range(30)), debit(30, remittance="Ж")]
    with pytest.raises(InvalidFormat):
        write_pain008(batch(broken), out)
    assert out.getvalue() == b""


def test_spool_dir_is_cleaned(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    write_pain008(batch([debit(n) for n in range(20)]), io.BytesIO(), spool_dir=spool)
    assert list(spool.iterdir()) == []


# ---------------------------------------------------------------- property tests

PAYER_ALPHABET = "abcdefgijklmnoprstuvzABCDEFGIJKLMNOPRSTUVZčšžćđČŠŽĆĐ &\"'-.,/()+"
payer_names = st.text(alphabet=PAYER_ALPHABET, min_size=1, max_size=120)
amounts = st.integers(min_value=1, max_value=99_999_999_999).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def transactions(draw: st.DrawFn) -> list[DirectDebit]:
    count = draw(st.integers(min_value=1, max_value=40))
    txs = []
    for n in range(count):
        name = draw(payer_names)
        remittance = draw(st.one_of(st.none(), st.text(alphabet=PAYER_ALPHABET, max_size=140)))
        structured = remittance is None and draw(st.booleans())
        txs.append(
            DirectDebit(
                end_to_end_id=f"E-{n}",
                amount=draw(amounts),
                collection_date=draw(st.sampled_from([COLLECTION, date(2026, 10, 21)])),
                remittance=remittance,
                reference=ids_reference.make("SI12", str(n)) if structured else None,
                purpose=draw(st.sampled_from([None, "EDUC", "LTCF"])),
                debtor_address=draw(
                    st.one_of(
                        st.none(),
                        st.just(Address(street="Čopova 7", post_code="1000", city="Ljubljana")),
                    )
                ),
                mandate=DebitMandate(
                    reference=f"M-{n}",
                    signed_on=date(2025, 1, 1),
                    debtor_name=name,
                    iban=account(draw(st.integers(0, 99_999_999))),
                    sequence=draw(st.sampled_from(list(SequenceType))),
                ),
            )
        )
    return txs


@settings(max_examples=60)
@given(transactions(), st.sampled_from(sepa.VERSIONS))
def test_random_payers_validate_or_are_refused_by_name(
    txs: list[DirectDebit], version: sepa.Pain008Version
) -> None:
    fits = all(0 < len(transliterate(t.mandate.debtor_name)) <= 70 for t in txs)
    if not fits:
        # only a too long or empty name (after transliteration) may be refused
        with pytest.raises(ValidationError) as err:
            write(batch(txs), version)
        assert err.value.code in ("sepa.length", "sepa.empty")
        assert err.value.where is not None
        assert "debtor_name" in err.value.where
        return
    data = write(batch(txs), version)
    doc = assert_xsd_valid(data, version)
    p = ns(version)
    assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=p) == str(len(txs))
    assert Decimal(doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=p) or "") == sum(
        (t.amount for t in txs), Decimal(0)
    )
    names = [n.text or "" for n in doc.findall(".//p:Dbtr/p:Nm", p)]
    assert all(len(n) <= 70 for n in names)
    assert all(c.isascii() for n in names for c in n)


@settings(max_examples=40)
@given(transactions(), st.sampled_from(sepa.VERSIONS))
def test_random_payers_with_shortened_names_always_validate(
    txs: list[DirectDebit], version: sepa.Pain008Version
) -> None:
    # the documented way to fit a long name: transliterate, then shorten to 70
    from szo_core.payments import shorten

    fitted = []
    for tx in txs:
        name = shorten(transliterate(tx.mandate.debtor_name), 70) or "Neznan placnik"
        fitted.append(attrs.evolve(tx, mandate=attrs.evolve(tx.mandate, debtor_name=name)))
    data = write(batch(fitted), version)
    assert_xsd_valid(data, version)


# ---------------------------------------------------------------- flat memory


class Many:
    """A re-readable source of ``n`` debits built on the fly, like a database cursor."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Iterator[DirectDebit]:
        return (debit(i) for i in range(self.n))


def traced_peak(n: int, tmp_path: Path) -> tuple[int, int]:
    target = tmp_path / f"many-{n}.xml"
    tracemalloc.start()
    write_pain008(batch(Many(n)), target)
    _, write_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    check = validate(target)
    _, validate_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert check.transactions == n
    return write_peak, validate_peak


@pytest.mark.slow
def test_memory_stays_flat(tmp_path: Path) -> None:
    # Peak Python-side allocations (tracemalloc) while writing and checking 5,000 and
    # 20,000 transactions.  A tree or a list of records would add ~1 KB per transaction
    # (15 MB here).  The writer keeps only what the file-wide rules need: the set of
    # end-to-end ids and the mandate -> sequence map, ~200 bytes a transaction (3 MB
    # here); the checker keeps nothing that grows.  (Below ~5,000 the peak still rises
    # to a plateau of ~2 MB: the garbage collector's thresholds, not the data.)
    small_write, small_check = traced_peak(5_000, tmp_path)
    large_write, large_check = traced_peak(20_000, tmp_path)
    assert large_write < small_write + 15_000 * 250
    assert large_check < small_check + 500_000


# ---------------------------------------------------------------- validate()


def test_validate_path_and_bytes(tmp_path: Path) -> None:
    data = write(batch([debit(n) for n in range(5)]), "pain.008.001.08")
    path = tmp_path / "f.xml"
    path.write_bytes(data)
    assert validate(path) == validate(data) == validate(str(path))
    assert validate(data).version == "pain.008.001.08"


def test_validate_reports_schema_errors_without_values() -> None:
    data = write(batch([debit(n) for n in range(5)]))
    secret = account(3).encode()
    broken = data.replace(secret, secret.lower())  # "si56...": not an IBAN2007Identifier
    with pytest.raises(InvalidFormat) as err:
        validate(broken)
    assert err.value.code == "sepa.schema"
    assert "IBAN" in err.value.en
    assert secret.decode()[2:] not in str(err.value)
    assert "[facet 'pattern']" in err.value.en  # the rule broken stays readable


def test_validate_refuses_other_documents() -> None:
    with pytest.raises(InvalidFormat) as err:
        validate(b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'/>")
    assert err.value.code == "sepa.not_pain008"
    with pytest.raises(InvalidFormat):
        validate(b"not xml")


def test_validate_refuses_a_cut_off_file() -> None:
    data = write(batch([debit(n) for n in range(40)]))
    for cut in (len(data) // 3, len(data) * 2 // 3, len(data) - 20):
        with pytest.raises(InvalidFormat) as err:
            validate(data[:cut])
        assert err.value.code == "sepa.schema"


def test_validate_refuses_a_dtd_and_never_expands_its_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SI56 0201 0001 2345 641", encoding="utf-8")
    data = write(batch([debit(n) for n in range(2)]))
    head, rest = data.split(b"?>", 1)
    doctype = f'<!DOCTYPE Document [<!ENTITY x SYSTEM "file://{secret}">]>'.encode()
    with pytest.raises(InvalidFormat) as err:
        validate(head + b"?>" + doctype + rest.replace(b"<MsgId>", b"<MsgId>&x;", 1))
    assert err.value.code == "sepa.dtd"
    assert "SI56" not in str(err.value)


# ---------------------------------------------------------------- from instructions


def test_debit_from_instruction() -> None:
    mandate = debit(1).mandate
    instruction = PaymentInstruction(
        instruction_id="F7-202609",
        payer_id="P-1",
        payer_name="Špela Žagar",
        payer_address=Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana"),
        period=Month(2026, 9),
        amount=Decimal("200.75"),
        reference="RF77F7202609",
        method=PaymentKind.DIRECT_DEBIT,
        mandate=mandate,
        invoice_numbers=("1", "2"),
        child_codes=(101, 102),
        group_id="F7",
        description="Plačilo 2026-09, računi 1, 2",
    )
    structured = sepa.debit_from_instruction(instruction, collection_date=COLLECTION)
    plain = sepa.debit_from_instruction(
        instruction, collection_date=COLLECTION, structured=False, purpose="EDUC"
    )
    assert structured.reference == "RF77F7202609"
    assert structured.remittance is None
    assert plain.remittance == "Plačilo 2026-09, računi 1, 2"
    assert plain.reference is None
    data = write(batch([structured, attrs.evolve(plain, end_to_end_id="F7-202609-B")]))
    assert_xsd_valid(data, "pain.008.001.02")
    assert b"<Ustrd>Placilo 2026-09, racuni 1, 2</Ustrd>" in data
    slip = attrs.evolve(instruction, mandate=None, method=PaymentKind.UPN)
    with pytest.raises(ConfigurationError):
        sepa.debit_from_instruction(slip, collection_date=COLLECTION)


# ---------------------------------------------------------------- wrong input types


def assert_nothing_written(b: object, tmp_path: Path) -> SzoError:
    """Write ``b`` to a file object and to a path; both must fail and write nothing."""
    out = io.BytesIO()
    with pytest.raises(SzoError) as err:
        write_pain008(b, out)  # type: ignore[arg-type]
    assert out.getvalue() == b""
    target = tmp_path / "sdd.xml"
    with pytest.raises(SzoError):
        write_pain008(b, target)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
    return err.value


@pytest.mark.parametrize("transactions", [None, 5, "E2E-000001", b"x", 3.5, object()])
def test_transactions_of_the_wrong_type(transactions: object, tmp_path: Path) -> None:
    err = assert_nothing_written(batch(transactions), tmp_path)
    assert isinstance(err, InvalidType)
    assert isinstance(err, TypeError)
    assert err.code == "sepa.transactions.type"
    assert err.where == "transactions"
    assert type(transactions).__name__ in err.en


@pytest.mark.parametrize("item", [None, "E2E-1", 7, {"end_to_end_id": "E2E-1"}, CREDITOR])
def test_a_transaction_of_the_wrong_type_is_named_by_index(item: object, tmp_path: Path) -> None:
    err = assert_nothing_written(batch([debit(0), debit(1), item, debit(3)]), tmp_path)
    assert isinstance(err, InvalidType)
    assert err.code == "sepa.transaction.type"
    assert err.where == "transakcija/transaction 2"
    assert "DirectDebit" in err.en


@pytest.mark.parametrize("value", [None, [debit(1)], CREDITOR, "VRTEC-2026-10"])
def test_batch_of_the_wrong_type(value: object, tmp_path: Path) -> None:
    err = assert_nothing_written(value, tmp_path)
    assert isinstance(err, InvalidType)
    assert err.code == "sepa.batch.type"


def test_nested_records_of_the_wrong_type(tmp_path: Path) -> None:
    cases: list[tuple[DirectDebitBatch, str, str]] = [
        (batch([debit(1)], creditor="Vrtec"), "sepa.creditor.type", "creditor"),
        (batch([debit(1, debtor_address="Čopova 7")]), "sepa.address.type", "debtor_address"),
        (
            batch([debit(1, mandate=attrs.evolve(debit(1).mandate, amendment="SMNDA"))]),
            "sepa.amendment.type",
            "mandate.amendment",
        ),
    ]
    for b, code, field in cases:
        err = assert_nothing_written(b, tmp_path)
        assert isinstance(err, InvalidType), code
        assert err.code == code
        assert err.where is not None
        assert err.where.endswith(field)
    err = assert_nothing_written(batch([debit(1, purpose=["EDUC"])]), tmp_path)
    assert err.code == "sepa.purpose"


@pytest.mark.parametrize(
    ("arguments", "kind", "code"),
    [
        ({"max_days_ahead": "30"}, InvalidType, "sepa.max_days_ahead.type"),
        ({"max_days_ahead": True}, InvalidType, "sepa.max_days_ahead.type"),
        ({"max_days_ahead": -1}, ConfigurationError, "sepa.max_days_ahead"),
        ({"pre_notification_days": None}, InvalidType, "sepa.pre_notification_days.type"),
        ({"used_message_ids": "VRTEC-2026-10-OLD"}, InvalidType, "sepa.used_message_ids.type"),
        ({"used_message_ids": 5}, InvalidType, "sepa.used_message_ids.type"),
    ],
)
def test_arguments_of_the_wrong_type(arguments: dict[str, object], kind: type, code: str) -> None:
    out = io.BytesIO()
    with pytest.raises(kind) as err:
        write_pain008(batch([debit(1)]), out, **arguments)  # type: ignore[arg-type]
    assert err.value.code == code
    assert out.getvalue() == b""


JUNK = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.binary(max_size=5),
    st.text(max_size=5),
    st.just(["x"]),
    st.just({"x": 1}),
    st.just(object()),
    st.just(date(2026, 10, 19)),
    st.just(datetime(2026, 10, 19, 8, 0)),
    st.just(Decimal("NaN")),
)
DEBIT_FIELDS = [f.name for f in attrs.fields(DirectDebit)]
MANDATE_FIELDS = [f.name for f in attrs.fields(DebitMandate)]


@settings(max_examples=300)
@given(
    st.sampled_from(["debit", "mandate"]),
    st.data(),
    JUNK,
)
def test_junk_in_any_field_gives_a_szo_error(where: str, data: st.DataObject, junk: object) -> None:
    tx = debit(1)
    if where == "debit":
        field = data.draw(st.sampled_from(DEBIT_FIELDS))
        object.__setattr__(tx, field, junk)  # past the converters, as a careless caller could
    else:
        field = data.draw(st.sampled_from(MANDATE_FIELDS))
        mandate = debit(1).mandate
        object.__setattr__(mandate, field, junk)
        object.__setattr__(tx, "mandate", mandate)
    out = io.BytesIO()
    caught: SzoError | None = None
    try:
        write_pain008(batch([debit(0), tx]), out)
    except SzoError as err:  # anything else (TypeError, AttributeError) fails the test
        caught = err
    if caught is None:  # a junk value that happens to be acceptable (None where optional)
        assert_xsd_valid(out.getvalue(), "pain.008.001.02")
        return
    assert caught.code
    assert out.getvalue() == b""
    assert account(1) not in str(caught)
    assert account(1) not in repr(caught)


# ---------------------------------------------------------------- no IBAN in repr()


def middle(iban: str) -> str:
    """The digits the masked form hides (the bank and most of the account)."""
    return iban[4:-4]


def test_repr_of_what_the_writer_builds_shows_no_iban(monkeypatch: pytest.MonkeyPatch) -> None:
    amendment = MandateAmendment(original_iban=account(77))
    txs = [
        debit(1),
        debit(2, mandate=attrs.evolve(debit(2).mandate, amendment=amendment)),
        debit(3, debtor_address=Address(street="Čopova 7", post_code="1000", city="Ljubljana")),
    ]
    seen: list[str] = []
    real_add = sepa._Spool.add
    real_assemble = sepa._assemble

    def spy_add(self: sepa._Spool, values: sepa._Tx, element: etree._Element) -> None:
        seen.extend((repr(values), str(values), repr(element), repr(self)))
        real_add(self, values, element)

    def spy_assemble(*args: object) -> sepa.WriteSummary:
        seen.extend(repr(arg) for arg in args if not isinstance(arg, io.BytesIO))
        summary = real_assemble(*args)  # type: ignore[arg-type]
        seen.append(repr(summary))
        return summary

    monkeypatch.setattr(sepa._Spool, "add", spy_add)
    monkeypatch.setattr(sepa, "_assemble", spy_assemble)
    write(batch(txs))
    assert len(seen) >= 12
    text = "\n".join(seen)
    assert "_Tx(key=" in text
    assert "_Header(message_id=" in text
    assert "SI56 **** **** ***" in text  # the masked form is there ...
    for number in (account(1), account(2), account(3), account(77), CREDITOR.iban):
        compact = number.replace(" ", "")
        assert compact not in text  # ... and never the number
        assert middle(compact) not in text


def test_traceback_locals_show_no_iban() -> None:
    import traceback

    txs = [debit(0), debit(1), debit(2, amount=Decimal("0.00"))]
    with pytest.raises(ValidationError) as err:
        write(batch(txs))
    shown = "".join(
        traceback.TracebackException.from_exception(err.value, capture_locals=True).format()
    )
    assert "values = _Tx(" in shown  # the previous transaction is a local of the pass
    for number in (account(0), account(1), CREDITOR.iban.replace(" ", "")):
        assert number not in shown
        assert middle(number) not in shown


# ---------------------------------------------------------------- rules a bank enforces


def rule_error(txs: list[DirectDebit], **arguments: object) -> ValidationError:
    out = io.BytesIO()
    with pytest.raises(ValidationError) as err:
        write_pain008(batch(txs), out, **arguments)  # type: ignore[arg-type]
    assert out.getvalue() == b""
    for tx in txs:
        assert tx.mandate.iban not in str(err.value)
        assert middle(tx.mandate.iban) not in err.value.message("en")
    return err.value


def test_duplicate_end_to_end_id() -> None:
    err = rule_error([debit(0), debit(1), debit(2, end_to_end_id="E2E-000000")])
    assert isinstance(err, InvalidComponent)
    assert err.code == "sepa.duplicate_end_to_end_id"
    assert err.where == "transakcija/transaction 2 (E2E-000000): end_to_end_id"
    assert "unique" in err.en
    assert "edinstvena" in err.sl


def test_one_sequence_type_per_mandate() -> None:
    first = debit(10)  # FRST
    again = debit(11, mandate=attrs.evolve(first.mandate, sequence=SequenceType.RECURRING))
    err = rule_error([first, debit(1), again])
    assert err.code == "sepa.mandate_sequence_conflict"
    assert err.where == "transakcija/transaction 2 (E2E-000011): mandate.sequence"
    assert "FRST" in err.en
    assert "RCUR" in err.en
    one_off = debit(12, mandate=attrs.evolve(debit(1).mandate, sequence=SequenceType.ONE_OFF))
    assert rule_error([debit(1), one_off]).code == "sepa.mandate_sequence_conflict"


def test_one_mandate_twice_with_the_same_sequence_type_is_fine() -> None:
    later = debit(2, mandate=debit(1).mandate, collection_date=date(2026, 10, 26))
    data = write(batch([debit(1), later]))
    assert_xsd_valid(data, "pain.008.001.02")
    assert data.count(b"<MndtId>VRT-000001</MndtId>") == 2


def test_file_wide_rule_errors_leave_the_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "sdd.xml"
    write_pain008(batch([debit(n) for n in range(1, 30)]), target)
    good = target.read_bytes()
    broken = [*(debit(n) for n in range(1, 30)), debit(30, end_to_end_id="E2E-000001")]
    with pytest.raises(InvalidComponent):
        write_pain008(batch(broken), target)
    assert target.read_bytes() == good
    assert sorted(os.listdir(tmp_path)) == ["sdd.xml"]


# the batch is created on Saturday 2026-10-10; 30 days later is Monday 2026-11-09
@pytest.mark.parametrize(
    ("collection", "created", "code", "offered"),
    [
        (date(2026, 10, 9), None, "sepa.collection_date_past", "2026-10-12"),
        (date(2026, 10, 17), None, "sepa.collection_date_closed", "2026-10-19"),  # Saturday
        (date(2026, 10, 18), None, "sepa.collection_date_closed", "2026-10-19"),  # Sunday
        (date(2026, 11, 10), None, "sepa.collection_date_too_far", "2026-11-09"),
        (date(2027, 3, 26), datetime(2027, 3, 1, 9), "sepa.collection_date_closed", "2027-03-30"),
        (date(2027, 3, 29), datetime(2027, 3, 1, 9), "sepa.collection_date_closed", "2027-03-30"),
        (date(2026, 5, 1), datetime(2026, 4, 20, 9), "sepa.collection_date_closed", "2026-05-04"),
        (date(2026, 12, 25), datetime(2026, 12, 1, 9), "sepa.collection_date_closed", "2026-12-28"),
        (date(2026, 12, 26), datetime(2026, 12, 1, 9), "sepa.collection_date_closed", "2026-12-28"),
        (date(2027, 1, 1), datetime(2026, 12, 20, 9), "sepa.collection_date_closed", "2027-01-04"),
    ],
)
def test_collection_date_rules_offer_a_valid_date(
    collection: date, created: datetime | None, code: str, offered: str
) -> None:
    changes = {"created_at": created} if created else {}
    fine = sepa.next_target_day((created or datetime(2026, 10, 10)).date() + timedelta(days=3))
    txs = [debit(0, collection_date=fine), debit(1, collection_date=collection)]
    out = io.BytesIO()
    with pytest.raises(InvalidComponent) as err:
        write_pain008(batch(txs, **changes), out)
    assert err.value.code == code
    assert err.value.where == "transakcija/transaction 1 (E2E-000001): collection_date"
    assert offered in err.value.en
    assert offered in err.value.sl
    assert str(collection) in err.value.en
    assert out.getvalue() == b""


def test_collection_date_limits_are_parameters() -> None:
    today = debit(1, collection_date=date(2026, 10, 12))
    created_monday = datetime(2026, 10, 12, 8, 0)
    assert write_pain008(batch([today], created_at=created_monday), io.BytesIO()).transactions == 1
    far = debit(1, collection_date=date(2027, 6, 1))
    with pytest.raises(InvalidComponent):
        write(batch([far]))
    assert write_pain008(batch([far]), io.BytesIO(), max_days_ahead=None).transactions == 1
    assert write_pain008(batch([far]), io.BytesIO(), max_days_ahead=234).transactions == 1
    with pytest.raises(InvalidComponent) as err:
        write_pain008(batch([far]), io.BytesIO(), max_days_ahead=233)
    assert "233 days" in err.value.en
    assert "2027-05-31" in err.value.en
    with pytest.raises(InvalidComponent) as err:  # Saturday + 1 day: no TARGET2 day in reach
        write_pain008(batch([debit(1)]), io.BytesIO(), max_days_ahead=1)
    assert "no TARGET2 day" in err.value.en


def test_target_days_against_the_ecb_calendar_of_the_holidays_package() -> None:
    import holidays

    closed = holidays.financial_holidays("XECB", years=range(2002, 2101))
    day = date(2002, 1, 1)
    while day.year <= 2100:
        expected = day.weekday() < 5 and day not in closed
        assert sepa.is_target_day(day) is expected, day
        day += timedelta(days=1)


def test_target_days_by_hand() -> None:
    # Easter Sunday 2024-03-31, 2025-04-20, 2026-04-05 (from the church calendar)
    for easter in (date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5)):
        assert not sepa.is_target_day(easter - timedelta(days=2))  # Good Friday
        assert not sepa.is_target_day(easter + timedelta(days=1))  # Easter Monday
        assert sepa.is_target_day(easter - timedelta(days=3))  # Maundy Thursday
        assert sepa.next_target_day(easter - timedelta(days=2)) == easter + timedelta(days=2)
    # Slovenian holidays that are TARGET2 days: Statehood Day, All Saints', Prešeren Day
    for day in (date(2026, 6, 25), date(2026, 2, 9), date(2027, 11, 1)):
        assert sepa.is_target_day(day)
    assert sepa.next_target_day(date(2026, 12, 24)) == date(2026, 12, 24)
    assert sepa.next_target_day(date(2026, 12, 25)) == date(2026, 12, 28)
    with pytest.raises(InvalidType):
        sepa.is_target_day(datetime(2026, 10, 19, 8, 0))  # type: ignore[arg-type]
    with pytest.raises(InvalidType):
        sepa.next_target_day("2026-10-19")  # type: ignore[arg-type]


def test_pre_notification_short_is_a_warning_with_the_date() -> None:
    txs = [
        debit(0, notified_on=date(2026, 10, 5)),  # 14 days before: fine
        debit(1, notified_on=date(2026, 10, 12)),  # 7 days before: warning
        debit(2),  # not known: no warning
        debit(3, notified_on=date(2026, 10, 20)),  # after the collection: warning
    ]
    out = io.BytesIO()
    summary = write_pain008(batch(txs), out)
    assert summary.transactions == 4
    assert_xsd_valid(out.getvalue(), "pain.008.001.02")
    assert [w.transaction for w in summary.warnings] == [1, 3]
    first, second = summary.warnings
    assert first.code == "sepa.pre_notification_short"
    assert first.end_to_end_id == "E2E-000001"
    assert first.where == "transakcija/transaction 1 (E2E-000001): notified_on"
    assert first.suggested_date == date(2026, 10, 26)
    for text in ("2026-10-12", "7 days", "2026-10-26"):
        assert text in first.en
    assert "2026-10-12" in first.sl
    assert "14 dni" in first.sl
    assert first.message("en").endswith("(transakcija/transaction 1 (E2E-000001): notified_on)")
    assert str(first).startswith("sepa.pre_notification_short: Plačnik")
    assert second.suggested_date == date(2026, 11, 3)  # 20 Oct + 14 = 3 Nov, a Tuesday
    assert "-1 days" in second.en
    for warning in summary.warnings:
        for tx in txs:
            assert middle(tx.mandate.iban) not in repr(warning)
    # the period is a parameter; the file is the same with or without warnings
    relaxed = io.BytesIO()
    assert write_pain008(batch(txs), relaxed, pre_notification_days=7).warnings[0].transaction == 3
    assert relaxed.getvalue() == out.getvalue()
    with pytest.raises(InvalidFormat) as err:
        write(batch([debit(1, notified_on=datetime(2026, 10, 1, 8, 0))]))
    assert err.value.code == "sepa.date"


def test_pre_notification_suggestion_is_a_target_day() -> None:
    # notified 10 Dec: 14 days later is 24 Dec (Thursday): fine as a suggestion
    tx = debit(1, collection_date=date(2026, 12, 21), notified_on=date(2026, 12, 10))
    summary = write_pain008(batch([tx], created_at=datetime(2026, 12, 1, 8)), io.BytesIO())
    assert summary.warnings[0].suggested_date == date(2026, 12, 24)
    # notified 11 Dec: 25 Dec, then the 26th and the weekend are closed: 28 Dec
    tx = debit(1, collection_date=date(2026, 12, 21), notified_on=date(2026, 12, 11))
    summary = write_pain008(batch([tx], created_at=datetime(2026, 12, 1, 8)), io.BytesIO())
    assert summary.warnings[0].suggested_date == date(2026, 12, 28)


def test_register_of_used_message_ids() -> None:
    with pytest.raises(InvalidComponent) as err:
        write_pain008(batch([debit(1)]), io.BytesIO(), used_message_ids={"VRTEC-2026-10"})
    assert err.value.code == "sepa.duplicate_message_id"
    assert err.value.where == "message_id"
    used = {"VRTEC-2026-09", "VRTEC-2026-08"}
    assert write_pain008(batch([debit(1)]), io.BytesIO(), used_message_ids=used).transactions == 1
    assert used == {"VRTEC-2026-09", "VRTEC-2026-08"}  # read, never changed

    class Register:  # any container, e.g. a lookup in the creditor's database
        def __init__(self) -> None:
            self.asked: list[object] = []

        def __contains__(self, item: object) -> bool:
            self.asked.append(item)
            return item == "VRTEC-2026-10"

    register = Register()
    with pytest.raises(InvalidComponent):
        write_pain008(batch([debit(1)]), io.BytesIO(), used_message_ids=register)
    assert register.asked == ["VRTEC-2026-10"]


def test_debit_from_instruction_carries_the_notification_day() -> None:
    instruction = PaymentInstruction(
        instruction_id="F7-202609",
        payer_id="P-1",
        payer_name="Špela Žagar",
        payer_address=None,
        period=Month(2026, 9),
        amount=Decimal("200.75"),
        reference="RF77F7202609",
        method=PaymentKind.DIRECT_DEBIT,
        mandate=debit(1).mandate,
        invoice_numbers=("1",),
        child_codes=(101,),
        group_id="F7",
        description="Plačilo 2026-09",
    )
    notified = date(2026, 10, 5)
    made = sepa.debit_from_instruction(
        instruction, collection_date=COLLECTION, notified_on=notified
    )
    assert made.notified_on == notified
    assert write_pain008(batch([made]), io.BytesIO()).warnings == ()
