"""e-SLOG 2.0: every document validates, the reader gives the record back, codes are checked."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from szo_core.errors import InvoiceError
from szo_core.invoices import (
    Bilingual,
    DocumentLine,
    DocumentType,
    InvoiceDocument,
    PartyInfo,
    VatTreatment,
)
from szo_core.invoices.eslog import (
    EN16931,
    NAMESPACE,
    carried,
    read_eslog,
    to_eslog,
    validate_eslog,
)
from szo_core.invoices.eslog.codes import ALLOWED, check_code, split_text
from szo_core.invoices.eslog.schema import schema
from szo_core.model import Address
from szo_core.testing.invoices import invoice_documents

Q = f"{{{NAMESPACE}}}"
PII = ("SI56020170014356205", "SI56192001234567892", "12345679", "15012557")


def tree(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def texts(xml: bytes, path: str) -> list[str]:
    """Texts at an ElementPath written without the namespace (``M_INVOIC/S_BGM/...``)."""
    steps = "/".join(Q + step if step not in {".", ".."} else step for step in path.split("/"))
    return [element.text or "" for element in tree(xml).iterfind(steps)]


def group_with(xml: bytes, group: str, path: str, value: str) -> etree._Element:
    for element in tree(xml).iterfind(f"{Q}M_INVOIC/{Q}{group}"):
        found = element.find("/".join(Q + step for step in path.split("/")))
        if found is not None and found.text == value:
            return element
    raise AssertionError(f"no {group} with {path} = {value}")


def text_in(element: etree._Element, path: str) -> str:
    found = element.find("/".join(Q + step for step in path.split("/")))
    assert found is not None, path
    return found.text or ""


def dates(element: etree._Element) -> dict[str, str]:
    return {
        text_in(dtm, "C_C507/D_2005"): text_in(dtm, "C_C507/D_2380")
        for dtm in element.iterfind(f"{Q}S_DTM")
    }


def totals(xml: bytes) -> dict[str, str]:
    return {
        text_in(group, "S_MOA/C_C516/D_5025"): text_in(group, "S_MOA/C_C516/D_5004")
        for group in tree(xml).iterfind(f"{Q}M_INVOIC/{Q}G_SG50")
    }


def assert_no_pii(error: InvoiceError) -> None:
    shown = f"{error} {error.message('en')} {error!r} {error.where}"
    for value in PII:
        assert value not in shown


# --------------------------------------------------------------------- the fixtures


@pytest.mark.parametrize("name", ["slip_invoice", "debit_invoice", "credit_note"])
def test_fixture_documents_validate_and_round_trip(
    name: str, request: pytest.FixtureRequest
) -> None:
    doc: InvoiceDocument = request.getfixturevalue(name)
    xml = to_eslog(doc)
    validate_eslog(xml)
    assert read_eslog(xml) == carried(doc)
    assert to_eslog(doc) == xml


def test_merged_invoices_each_carry_their_own_total(
    merged_invoices: tuple[InvoiceDocument, InvoiceDocument],
) -> None:
    for doc in merged_invoices:
        xml = to_eslog(doc)
        validate_eslog(xml)
        assert totals(xml)["9"] == f"{doc.total:f}"
        assert read_eslog(xml) == carried(doc)


def test_header_elements(slip_invoice: InvoiceDocument) -> None:
    xml = to_eslog(slip_invoice)
    root = tree(xml)
    assert root.tag == f"{Q}Invoice"
    message = root.find(f"{Q}M_INVOIC")
    assert message is not None
    assert message.get("Id") == "data"
    assert texts(xml, "M_INVOIC/S_BGM/C_C002/D_1001") == ["380"]
    assert texts(xml, "M_INVOIC/S_BGM/C_C106/D_1004") == ["2026-000001"]
    assert dates(message) == {"137": "2026-10-02", "167": "2026-09-01", "168": "2026-09-30"}
    doc_marker = group_with(xml, "S_FTX", "D_4451", "DOC")
    assert text_in(doc_marker, "C_C108/D_4440") == EN16931
    pq = group_with(xml, "G_SG1", "S_RFF/C_C506/D_1153", "PQ")
    assert text_in(pq, "S_RFF/C_C506/D_1154") == "SI120010160000017"
    terms = message.find(f"{Q}G_SG8")
    assert terms is not None
    assert dates(terms) == {"13": "2026-10-19"}
    assert text_in(terms, "S_PAI/C_C534/D_4461") == "30"
    assert texts(xml, "M_INVOIC/G_SG7/S_CUX/C_C504/D_6345") == ["EUR"]


def test_parties_accounts_and_tax_numbers(debit_invoice: InvoiceDocument) -> None:
    xml = to_eslog(debit_invoice)
    seller = group_with(xml, "G_SG2", "S_NAD/D_3035", "SE")
    assert text_in(seller, "S_NAD/C_C080/D_3036") == "Vrtec Čebelica Šentjur"
    assert text_in(seller, "S_NAD/D_3164") == "Šentjur"
    assert text_in(seller, "S_FII/D_3035") == "RB"
    assert text_in(seller, "S_FII/C_C078/D_3194") == "SI56020170014356205"
    assert text_in(seller, "S_FII/C_C088/D_3433") == "LJBASI2X"
    refs = {
        text_in(g, "S_RFF/C_C506/D_1153"): text_in(g, "S_RFF/C_C506/D_1154")
        for g in seller.iterfind(f"{Q}G_SG3")
    }
    assert refs == {"AHP": "12345679", "0199": "5051235000"}
    buyer = group_with(xml, "G_SG2", "S_NAD/D_3035", "BY")
    assert text_in(buyer, "S_FII/D_3035") == "BB"
    assert text_in(buyer, "S_FII/C_C078/D_3194") == "SI56192001234567892"
    terms = tree(xml).find(f"{Q}M_INVOIC/{Q}G_SG8")
    assert terms is not None
    assert text_in(terms, "S_PAI/C_C534/D_4461") == "59"


def test_vat_exemption_default_and_configured(slip_invoice: InvoiceDocument) -> None:
    xml = to_eslog(slip_invoice)
    reason = group_with(xml, "S_FTX", "D_4451", "AGM")
    assert text_in(reason, "C_C107/D_4441") == "VATEX-EU-132-1I"
    assert "42. člena ZDDV-1" in text_in(reason, "C_C108/D_4440")
    assert texts(xml, "M_INVOIC/G_SG52/S_TAX/D_5305") == ["E"]
    assert texts(xml, "M_INVOIC/G_SG52/S_TAX/C_C243/D_5278") == ["0"]
    outside = attrs.evolve(
        slip_invoice,
        vat=VatTreatment(category="O", reason_code="VATEX-EU-O", reason="Ni predmet DDV"),
    )
    xml = to_eslog(outside)
    assert texts(xml, "M_INVOIC/G_SG52/S_TAX/D_5305") == ["O"]
    assert text_in(group_with(xml, "S_FTX", "D_4451", "AGM"), "C_C107/D_4441") == "VATEX-EU-O"
    assert read_eslog(xml).vat == outside.vat


def test_lines_and_totals(slip_invoice: InvoiceDocument) -> None:
    xml = to_eslog(slip_invoice)
    lines = list(tree(xml).iterfind(f"{Q}M_INVOIC/{Q}G_SG26"))
    assert len(lines) == 2
    negative = lines[1]
    assert text_in(negative, "S_LIN/D_1082") == "2"
    assert text_in(negative, "S_IMD/C_C273/D_7008").startswith("Dnevni program 1.–3. leto")
    assert text_in(negative, "S_QTY/C_C186/D_6060") == "-1"
    assert text_in(negative, "G_SG29/S_PRI/C_C509/D_5118") == "10.80"
    assert text_in(negative, "G_SG27/S_MOA/C_C516/D_5004") == "-10.80"
    assert totals(xml) == {
        "79": "189.20",
        "389": "189.20",
        "176": "0.00",
        "388": "189.20",
        "9": "189.20",
    }


def test_credit_note_is_positive_and_refers_to_the_corrected_invoice(
    credit_note: InvoiceDocument,
) -> None:
    xml = to_eslog(credit_note)
    assert texts(xml, "M_INVOIC/S_BGM/C_C002/D_1001") == ["381"]
    assert totals(xml)["9"] == "44.50"
    assert texts(xml, "M_INVOIC/G_SG26/G_SG27/S_MOA/C_C516/D_5004") == ["44.50", "44.50"]
    oi = group_with(xml, "G_SG1", "S_RFF/C_C506/D_1153", "OI")
    assert text_in(oi, "S_RFF/C_C506/D_1154") == "2026-000417"
    assert dates(oi) == {"384": "2026-09-02", "167": "2026-08-01", "168": "2026-08-31"}
    back = read_eslog(xml)
    assert back.total == Decimal("-44.50")
    assert back.lines[0].amount == Decimal("-44.50")
    assert back.corrects == credit_note.corrects


def test_many_lines_up_to_six_digit_positions(slip_invoice: InvoiceDocument) -> None:
    lines = tuple(
        DocumentLine(
            position=999_999 - 2_000 + i,
            kind="share",
            description=Bilingual(sl=f"Vrstica {i} – žličnik", en=""),
            amount=Decimal("1.00") if i % 3 else Decimal("-0.50"),
        )
        for i in range(1, 2_001)
    )
    doc = attrs.evolve(
        slip_invoice, lines=lines, total=sum((line.amount for line in lines), Decimal("0.00"))
    )
    xml = to_eslog(doc)
    validate_eslog(xml)
    assert read_eslog(xml) == carried(doc)
    too_far = attrs.evolve(
        doc,
        lines=(attrs.evolve(lines[0], position=1_000_000), *lines[1:]),
    )
    with pytest.raises(InvoiceError) as caught:
        to_eslog(too_far)
    assert caught.value.code == "eslog.line_position"


def test_long_texts_are_split_and_joined_back(slip_invoice: InvoiceDocument) -> None:
    name = "Javni vzgojno-izobraževalni zavod Čebelica & partnerji " * 6  # 330 characters
    doc = attrs.evolve(slip_invoice, seller=attrs.evolve(slip_invoice.seller, name=name))
    xml = to_eslog(doc)
    seller = group_with(xml, "G_SG2", "S_NAD/D_3035", "SE")
    parts = [element.text for element in seller.iterfind(f"{Q}S_NAD/{Q}C_C080/*")]
    assert [len(part or "") for part in parts] == [70, 70, 70, 70, 50]
    assert read_eslog(xml).seller.name == name


# --------------------------------------------------------------------- properties


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(invoice_documents(max_lines=25))
def test_generated_documents_validate_and_round_trip(doc: InvoiceDocument) -> None:
    xml = to_eslog(doc)
    validate_eslog(xml)
    assert to_eslog(doc) == xml
    assert read_eslog(xml) == carried(doc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invoice_documents(max_lines=5))
def test_what_carried_drops_is_not_written_except_the_payment_means(
    doc: InvoiceDocument,
) -> None:
    # carried() empties only fields the file does not hold: with the payment kept,
    # the bytes are the same.
    kept = attrs.evolve(carried(doc), payment=doc.payment)
    assert to_eslog(kept) == to_eslog(doc)


# --------------------------------------------------------------------- code checks


def test_the_xsd_alone_accepts_a_wrong_code(slip_invoice: InvoiceDocument) -> None:
    # Why the SDK checks codes: the schema has no code lists.
    xml = to_eslog(slip_invoice).replace(b"<D_1001>380</D_1001>", b"<D_1001>999</D_1001>")
    validate_eslog(xml)
    with pytest.raises(InvoiceError) as caught:
        read_eslog(xml)
    assert caught.value.code == "eslog.document_type"


@pytest.mark.parametrize(
    ("change", "code", "where"),
    [
        ({"vat": VatTreatment(category="S")}, "eslog.code", "vat.category"),
        ({"vat": VatTreatment(category="AE")}, "eslog.code", "vat.category"),
        ({"vat": VatTreatment(rate=Decimal("22"))}, "eslog.vat_rate", "vat.rate"),
        ({"vat": VatTreatment(reason_code="ZDDV-42")}, "eslog.vatex", "vat.reason_code"),
        ({"vat": VatTreatment(reason_code="VATEX-EU-132-1I-EXTRA")}, "eslog.vatex", None),
        ({"vat": VatTreatment(category="O", reason_code="")}, "eslog.vat_reason", None),
        ({"currency": "USD"}, "eslog.code", "currency"),
        ({"currency": "eur"}, "eslog.code", "currency"),
        ({"number": ""}, "eslog.number", "number"),
        ({"number": "R" * 71}, "eslog.text_too_long", "number"),
        ({"note": "x" * 2561}, "eslog.text_too_long", "note"),
        ({"child_name": "Eva\x00"}, "eslog.text_characters", "child_name"),
        ({"child_name": "Eva\rŽagar"}, "eslog.text_characters", "child_name"),
    ],
)
def test_bad_codes_and_texts_are_refused(
    slip_invoice: InvoiceDocument, change: dict[str, object], code: str, where: str | None
) -> None:
    with pytest.raises(InvoiceError) as caught:
        to_eslog(attrs.evolve(slip_invoice, **change))
    assert caught.value.code == code
    if where is not None:
        assert caught.value.where == where
    assert caught.value.sl
    assert caught.value.en
    assert caught.value.sl != caught.value.en


@pytest.mark.parametrize(
    ("party", "change", "code", "where"),
    [
        ("seller", {"iban": "SI56020170014356206"}, "eslog.iban", "seller.iban"),
        ("buyer", {"iban": "SI56192001234567893"}, "eslog.iban", "buyer.iban"),
        ("seller", {"bic": "LJBA SI2X"}, "eslog.bic", "seller.bic"),
        ("seller", {"bic": "ljbasi2x"}, "eslog.bic", "seller.bic"),
        ("seller", {"name": "Č" * 351}, "eslog.text_too_long", "seller.name"),
        ("buyer", {"address": Address(street="a" * 141)}, "eslog.text_too_long", None),
        ("buyer", {"address": Address(city="c" * 36)}, "eslog.text_too_long", None),
        ("buyer", {"address": Address(country="Slovenija")}, "eslog.country", None),
        ("seller", {"tax_number": "1" * 71}, "eslog.text_too_long", "seller.tax_number"),
        ("buyer", {"tax_number": "1234\x015679"}, "eslog.text_characters", None),
    ],
)
def test_bad_party_data_is_refused_without_echoing_it(
    slip_invoice: InvoiceDocument,
    party: str,
    change: dict[str, object],
    code: str,
    where: str | None,
) -> None:
    changed = attrs.evolve(getattr(slip_invoice, party), **change)
    with pytest.raises(InvoiceError) as caught:
        to_eslog(attrs.evolve(slip_invoice, **{party: changed}))
    assert caught.value.code == code
    if where is not None:
        assert caught.value.where == where
    assert_no_pii(caught.value)
    for value in change.values():
        if isinstance(value, str):
            assert value not in str(caught.value)


def test_amounts_beyond_the_xsd_are_refused(slip_invoice: InvoiceDocument) -> None:
    big = Decimal("10000000000000.00")
    line = attrs.evolve(slip_invoice.lines[0], amount=big)
    with pytest.raises(InvoiceError) as caught:
        to_eslog(attrs.evolve(slip_invoice, lines=(line,), total=big))
    assert caught.value.code == "eslog.amount_range"


def test_every_written_code_is_on_the_allow_list(
    slip_invoice: InvoiceDocument, debit_invoice: InvoiceDocument
) -> None:
    written = {
        "document_type": "M_INVOIC/S_BGM/C_C002/D_1001",
        "date": ".//S_DTM/C_C507/D_2005",
        "amount": ".//S_MOA/C_C516/D_5025",
        "party": "M_INVOIC/G_SG2/S_NAD/D_3035",
        "account": "M_INVOIC/G_SG2/S_FII/D_3035",
        "reference": ".//S_RFF/C_C506/D_1153",
        "text": ".//S_FTX/D_4451",
        "vat_category": ".//S_TAX/D_5305",
        "currency": "M_INVOIC/G_SG7/S_CUX/C_C504/D_6345",
        "payment_means": ".//S_PAI/C_C534/D_4461",
    }
    for doc in (slip_invoice, debit_invoice):
        xml = to_eslog(doc)
        for kind, path in written.items():
            steps = "/".join(step if step in {".", ""} else Q + step for step in path.split("/"))
            found = {element.text for element in tree(xml).iterfind(steps)}
            assert found, kind
            assert found <= ALLOWED[kind], kind


def test_check_code_and_split_text() -> None:
    assert check_code("date", "137", where="x") == "137"
    with pytest.raises(InvoiceError, match=r"eslog\.code"):
        check_code("date", "35", where="x")
    assert "".join(split_text("Ž" * 1000, size=512, parts=5, where="x")) == "Ž" * 1000
    with pytest.raises(InvoiceError) as caught:
        split_text("a" * 141, size=35, parts=4, where="street")
    assert caught.value.code == "eslog.text_too_long"
    assert caught.value.where == "street"


# --------------------------------------------------------------------- XSD check


def test_schema_is_loaded_once() -> None:
    assert schema() is schema()


def test_validation_names_line_and_element_but_not_the_value(
    debit_invoice: InvoiceDocument,
) -> None:
    xml = to_eslog(debit_invoice).replace(b"><", b">\n<")
    iban = b"SI56192001234567892"
    broken = xml.replace(iban, iban * 2)
    line = broken.split(b"\n").index(next(row for row in broken.split(b"\n") if iban * 2 in row))
    with pytest.raises(InvoiceError) as caught:
        validate_eslog(broken)
    error = caught.value
    assert error.code == "eslog.schema"
    assert error.where == f"line {line + 1}, D_3194"
    assert "D_3194" in error.message("en")
    assert_no_pii(error)


def test_validation_of_a_missing_element(slip_invoice: InvoiceDocument) -> None:
    xml = re.sub(rb"<S_BGM>.*?</S_BGM>", b"", to_eslog(slip_invoice))
    with pytest.raises(InvoiceError) as caught:
        validate_eslog(xml)
    assert caught.value.code == "eslog.schema"
    assert caught.value.where is not None
    assert caught.value.where.startswith("line 2, ")


# --------------------------------------------------------------------- reader


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (b"not xml at all", "eslog.not_xml"),
        (b"<Invoice>", "eslog.not_xml"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.008.001.02'/>", "eslog.not_eslog"),
        (b"<Invoice/>", "eslog.not_eslog"),
        (b"<Invoice xmlns='urn:eslog:2.00'/>", "eslog.schema"),
        (
            b'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Invoice xmlns='urn:eslog:2.00'>&x;</Invoice>",
            "eslog.doctype",
        ),
    ],
)
def test_foreign_and_bad_files(xml: bytes, code: str) -> None:
    with pytest.raises(InvoiceError) as caught:
        read_eslog(xml)
    assert caught.value.code == code


def test_reader_refuses_str() -> None:
    with pytest.raises(InvoiceError) as caught:
        read_eslog("<Invoice/>")  # type: ignore[arg-type]
    assert caught.value.code == "eslog.not_bytes"


def test_reader_needs_a_whole_month(slip_invoice: InvoiceDocument) -> None:
    xml = to_eslog(slip_invoice).replace(b"2026-09-30", b"2026-09-29")
    with pytest.raises(InvoiceError) as caught:
        read_eslog(xml)
    assert caught.value.code == "eslog.period"
    assert caught.value.where is not None
    assert "M_INVOIC" in caught.value.where


def test_reader_refuses_lines_that_do_not_sum_to_the_total(slip_invoice: InvoiceDocument) -> None:
    xml = to_eslog(slip_invoice).replace(
        b"<D_5025>9</D_5025><D_5004>189.20", b"<D_5025>9</D_5025><D_5004>189.21"
    )
    xml = xml.replace(b"<D_5025>388</D_5025><D_5004>189.20", b"<D_5025>388</D_5025><D_5004>189.21")
    with pytest.raises(InvoiceError) as caught:
        read_eslog(xml)
    assert caught.value.code == "invoice.total"


def test_reader_takes_another_producers_invoice() -> None:
    # The shape of Media24si/eslog2's inv.xml (their fixture), with a service period added.
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Invoice xmlns="urn:eslog:2.00"><M_INVOIC Id="data">'
        b"<S_UNH><D_0062>1-2019-154</D_0062><C_S009><D_0065>INVOIC</D_0065><D_0052>D</D_0052>"
        b"<D_0054>01B</D_0054><D_0051>UN</D_0051></C_S009></S_UNH><S_BGM><C_C002><D_1001>380"
        b"</D_1001></C_C002><C_C106><D_1004>1-2019-154</D_1004></C_C106></S_BGM>"
        b"<S_DTM><C_C507><D_2005>137</D_2005><D_2380>2023-10-23</D_2380></C_C507></S_DTM>"
        b"<S_DTM><C_C507><D_2005>167</D_2005><D_2380>2023-09-01</D_2380></C_C507></S_DTM>"
        b"<S_DTM><C_C507><D_2005>168</D_2005><D_2380>2023-09-30</D_2380></C_C507></S_DTM>"
        b"<G_SG1><S_RFF><C_C506><D_1153>PQ</D_1153><D_1154>SI123838173927</D_1154></C_C506>"
        b"</S_RFF></G_SG1><G_SG2><S_NAD><D_3035>BY</D_3035><C_C080><D_3036>Recipient &amp; Name"
        b"</D_3036></C_C080><D_3164>Ljubljana</D_3164><D_3251>1000</D_3251><D_3207>SI</D_3207>"
        b"</S_NAD></G_SG2><G_SG2><S_NAD><D_3035>SE</D_3035><C_C080><D_3036>Company d.o.o."
        b"</D_3036></C_C080></S_NAD><G_SG3><S_RFF><C_C506><D_1153>VA</D_1153><D_1154>SI12345678"
        b"</D_1154></C_C506></S_RFF></G_SG3></G_SG2><G_SG26><S_LIN><D_1082>1</D_1082></S_LIN>"
        b"<S_IMD><D_7077>F</D_7077><C_C273><D_7008>Acme 0.33L</D_7008></C_C273></S_IMD>"
        b"<G_SG27><S_MOA><C_C516><D_5025>203</D_5025><D_5004>1.48</D_5004></C_C516></S_MOA>"
        b"</G_SG27></G_SG26><G_SG50><S_MOA><C_C516><D_5025>9</D_5025><D_5004>1.48</D_5004>"
        b"</C_C516></S_MOA></G_SG50></M_INVOIC></Invoice>"
    )
    doc = read_eslog(xml)
    assert doc.number == "1-2019-154"
    assert doc.issued_on == date(2023, 10, 23)
    assert doc.buyer.name == "Recipient & Name"
    assert doc.seller.tax_number == "SI12345678"
    assert doc.lines[0].description == Bilingual(sl="Acme 0.33L", en="")
    assert doc.lines[0].kind == ""
    assert doc.total == Decimal("1.48")
    assert doc.type is DocumentType.INVOICE


def test_reader_without_parties(slip_invoice: InvoiceDocument) -> None:
    xml = re.sub(rb"<G_SG2><S_NAD><D_3035>BY.*?</G_SG2>", b"", to_eslog(slip_invoice))
    with pytest.raises(InvoiceError) as caught:
        read_eslog(xml)
    assert caught.value.code == "eslog.party"


def test_minimal_parties_round_trip(slip_invoice: InvoiceDocument) -> None:
    doc = attrs.evolve(
        slip_invoice,
        seller=PartyInfo(name="V", address=Address(country="")),
        buyer=PartyInfo(name=""),
        child_name="",
        child_code=None,
        reference=None,
        due_on=None,
        payment=None,
        vat=VatTreatment(category="Z", reason_code="", reason=""),
    )
    xml = to_eslog(doc)
    validate_eslog(xml)
    assert b"G_SG8" not in xml
    assert b"AGM" not in xml
    assert read_eslog(xml) == carried(doc)


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(invoice_documents(min_lines=200, max_lines=1000))
def test_generated_documents_with_many_lines(doc: InvoiceDocument) -> None:
    assert len(doc.lines) >= 200
    xml = to_eslog(doc)
    validate_eslog(xml)
    assert read_eslog(xml) == carried(doc)
