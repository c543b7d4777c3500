"""Hostile input to the e-SLOG reader and writer: only InvoiceErrors escape, none leaks PII."""

from __future__ import annotations

from collections.abc import Callable

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from szo_core.errors import InvoiceError, SzoError
from szo_core.invoices import InvoiceDocument
from szo_core.invoices.eslog import read_eslog, to_eslog
from szo_core.testing.invoices import invoice_documents

SECRET_IBAN = "SI56192001234567892"
SECRET_TAX = "15012557"


def raised(call: Callable[[], object]) -> SzoError | None:
    """The szo_core error ``call`` raises, or None; any other exception fails the test."""
    try:
        call()
    except SzoError as error:
        return error
    return None


hostile = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "abc",
            "2026-13-45",
            "-2026-01-01",
            "99999-01-01",
            "1e400",
            "NaN",
            "sNaN",
            "1.234",
            "9" * 40,
            "380",
            "381",
            "999",
            "kind=x&days=abc",
            "coefficient=NaN",
            "corrects=2026-13",
            SECRET_IBAN,
            SECRET_TAX,
        ]
    ),
    st.text(alphabet="0123456789.-,eE", max_size=12),
)


# Values the XSD lets through for the elements the reader interprets: the reader's own
# checks must turn each into an InvoiceError (or a valid record).
SEMANTIC = {
    "D_2380": ["0001-01-01", "9999-12-31", "10000-01-01", "2026-09-01+14:00", "2026-09-30Z"],
    "D_5004": ["1.481", "-0.001", "0", "-99999999999.99", "123456789012.345678"],
    "D_4440": [
        "kind=x&days=abc",
        "coefficient=NaN",
        "coefficient=sNaN",
        "coefficient=1e999999",
        "corrects=2026-13",
        "of=-1&days=99999999999999999999",
        "abc",
        "-0",
        SECRET_IBAN,
    ],
    "D_1082": ["0", "-5", "abc", "000001", "999999"],
    "D_1001": ["999", "381", "380", "0"],
    "D_3453": ["de", "en", "sl"],
    "D_3035": ["XX", "SE", "BY", "RB", "BB"],
    "D_1153": ["OI", "PQ", "AHP", "VA", "0199"],
    "D_1154": [SECRET_IBAN, "SI12 0010160000017", "RF00"],
    "D_2005": ["137", "167", "168", "13", "384", "35"],
    "D_5025": ["9", "388", "203", "79", "1"],
    "D_5278": ["22", "-1", "0.000001"],
    "D_5305": ["S", "E", "O"],
    "D_4441": ["SZO-CHILD", "SZO-CHILD-CODE", "SZO-LINE", "VATEX-EU-X"],
}


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    doc = draw(invoice_documents(max_lines=4))
    doc = attrs.evolve(doc, buyer=attrs.evolve(doc.buyer, iban=SECRET_IBAN, tax_number=SECRET_TAX))
    root = etree.fromstring(to_eslog(doc))
    leaves = [element for element in root.iter() if len(element) == 0]
    semantic = [e for e in leaves if etree.QName(e).localname in SEMANTIC]
    for _ in range(draw(st.integers(1, 3))):
        if semantic and draw(st.integers(0, 9)) < 8:
            target = draw(st.sampled_from(semantic))
            target.text = draw(st.sampled_from(SEMANTIC[etree.QName(target).localname]))
            continue
        target = draw(st.sampled_from(leaves))
        action = draw(st.sampled_from(["text", "drop", "copy"]))
        parent = target.getparent()
        if action == "text":
            target.text = draw(hostile)
        elif action == "drop" and parent is not None:
            parent.remove(target)
            leaves.remove(target)
            if target in semantic:
                semantic.remove(target)
            if not leaves:
                break
        elif parent is not None:
            parent.append(etree.fromstring(etree.tostring(target)))
    return etree.tostring(root)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_mutated_documents_give_invoice_errors_only(xml: bytes) -> None:
    error = raised(lambda: read_eslog(xml))
    if error is not None:
        assert isinstance(error, InvoiceError)
        shown = f"{error} {error.message('en')} {error!r} {error.where} {error.args}"
        assert SECRET_IBAN not in shown
        assert SECRET_TAX not in shown
        assert error.code.startswith(("eslog.", "invoice."))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_give_invoice_errors_only(data: bytes) -> None:
    error = raised(
        lambda: read_eslog(b"<?xml version='1.0'?><Invoice xmlns='urn:eslog:2.00'>" + data)
    )
    assert error is None or isinstance(error, InvoiceError)


hostile_text = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Co", "Cn"])),
    st.text(min_size=300, max_size=3000),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    invoice_documents(max_lines=2),
    st.sampled_from(["number", "child_name", "note", "seller", "buyer", "line"]),
    hostile_text,
)
def test_writer_refuses_hostile_text_with_invoice_errors(
    doc: InvoiceDocument, field: str, text: str
) -> None:
    if field in {"seller", "buyer"}:
        party = attrs.evolve(getattr(doc, field), name=text, iban=SECRET_IBAN)
        doc = attrs.evolve(doc, **{field: party})
    elif field == "line" and doc.lines:
        line = attrs.evolve(doc.lines[0], kind=text, decision_number=text)
        doc = attrs.evolve(doc, lines=(line, *doc.lines[1:]))
    elif field != "line":
        doc = attrs.evolve(doc, **{field: text})
    error = raised(lambda: to_eslog(doc))
    if error is not None:
        assert isinstance(error, InvoiceError)
        assert SECRET_IBAN not in f"{error} {error.message('en')} {error!r}"
        return
    assert read_eslog(to_eslog(doc)).number == doc.number
