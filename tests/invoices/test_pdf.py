"""The invoice PDF: its text (pdftotext), pages, fonts, determinism across processes, bad input."""

from __future__ import annotations

import io
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from html import unescape as html_unescape
from pathlib import Path

import attrs
import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from szo_core.errors import InvoiceError, SzoError
from szo_core.invoices import (
    Bilingual,
    CorrectedInvoice,
    DocumentLine,
    InvoiceDocument,
    SlipPayment,
)
from szo_core.invoices.pdf import calibration_pdf, draw_invoice, invoice_pdf, new_canvas

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="needs poppler-utils (pdftoppm, pdftotext, pdffonts, pdfinfo); CI installs it",
)


def pdf_text(pdf: bytes, tmp_path: Path, *, page: int | None = None, layout: bool = False) -> str:
    """The text as pdftotext reads it, whitespace (and no-break spaces) collapsed.

    ``layout`` keeps each printed row together (a line's description with its amount).
    """
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    mode = ["-layout"] if layout else []
    out = subprocess.run(
        ["pdftotext", *mode, *pages, str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(out.replace("\xa0", " ").split())


def page_count(pdf: bytes, tmp_path: Path) -> int:
    source = tmp_path / "count.pdf"
    source.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(source)], check=True, capture_output=True, text=True
    ).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def qr_per_page(pdf: bytes, tmp_path: Path) -> list[list[bytes]]:
    source = tmp_path / "qr.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", str(source), str(tmp_path / "qr")], check=True
    )
    out = []
    for path in sorted(tmp_path.glob("qr*.png")):
        image = Image.open(path).convert("L")
        codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        out.append([code.bytes for code in codes])
        path.unlink()
    return out


def many_lines(n: int) -> tuple[DocumentLine, ...]:
    return tuple(
        DocumentLine(
            position=i,
            kind="share",
            description=Bilingual(sl=f"Vrstica številka {i:03d}", en=f"Line number {i:03d}"),
            detail=Bilingual(sl=f"podrobnost {i:03d}", en=f"detail {i:03d}"),
            amount=Decimal("1.00"),
        )
        for i in range(1, n + 1)
    )


# ------------------------------------------------------------------ text


@needs_poppler
def test_slovenian_invoice_text_has_the_header_lines_and_totals(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    text = pdf_text(invoice_pdf(slip_invoice), tmp_path)
    for expected in (
        "Vrtec Čebelica Šentjur",
        "Cesta Leona Dobrotinška 5, 3230 Šentjur",
        "Davčna številka: 12345679",
        "Matična številka: 5051235000",
        "IBAN: SI56 0201 7001 4356 205",
        "BIC: LJBASI2X",
        "NLB d.d.",
        "Špela Žagar Čopova ulica 7 1000 Ljubljana",
        "Račun 2026-000001",
        "Datum izdaje 2. 10. 2026",
        "Obdobje storitve 1. 9. 2026 – 30. 9. 2026",
        "Rok plačila 19. 10. 2026",
        "Sklic SI12 0010160000017",
        "Otrok Eva Žagar (101)",
        "22 od 22 delovnih dni, 35 % cene po odločbi 1203-45/2026",
        "Oproščeno plačila DDV po 8. točki prvega odstavka 42. člena ZDDV-1.",
    ):
        assert expected in text, expected
    assert "Invoice" not in text
    rows = pdf_text(invoice_pdf(slip_invoice), tmp_path, layout=True)
    assert "Dnevni program 1.–3. leto, september 2026 (1) 200,00 €" in rows
    assert "Dnevni program 1.–3. leto, september 2026 (2) -10,80 €" in rows
    assert "Skupaj za plačilo 189,20 €" in rows


@needs_poppler
def test_english_invoice_text(slip_invoice: InvoiceDocument, tmp_path: Path) -> None:
    text = pdf_text(invoice_pdf(slip_invoice, language="en"), tmp_path)
    for expected in (
        "Invoice 2026-000001",
        "Issue date Oct 2, 2026",
        "Service period Sep 1, 2026 – Sep 30, 2026",
        "Due date Oct 19, 2026",
        "22 of 22 working days, 35 % of the price by decision 1203-45/2026",
        "Tax number: 12345679",
        "Please pay by Oct 19, 2026 with the UPN QR slip below",
    ):
        assert expected in text, expected
    assert "Račun" not in text
    assert "Skupaj" not in text
    rows = pdf_text(invoice_pdf(slip_invoice, language="en"), tmp_path, layout=True)
    assert "Day programme, 1st–3rd year, September 2026 (1) €200.00" in rows
    assert "Total due €189.20" in rows


@needs_poppler
def test_credit_note_says_dobropis_and_what_it_corrects(
    credit_note: InvoiceDocument, tmp_path: Path
) -> None:
    pdf = invoice_pdf(credit_note)
    text = pdf_text(pdf, tmp_path)
    assert "Dobropis D2026-000001" in text
    assert "Dobropis popravlja račun 2026-000417 z dne 2. 9. 2026 za avgust 2026." in text
    rows = pdf_text(pdf, tmp_path, layout=True)
    assert "Poračun za avgust 2026 -44,50 €" in rows
    assert "Skupaj v dobro -44,50 €" in rows
    assert "Rok plačila" not in text
    assert qr_per_page(pdf, tmp_path) == [[]]
    english = pdf_text(invoice_pdf(credit_note, language="en"), tmp_path)
    assert "Credit note D2026-000001" in english
    assert (
        "This credit note corrects invoice 2026-000417 of Sep 2, 2026 for August 2026." in english
    )


@needs_poppler
def test_credit_note_without_the_earlier_number_names_the_month(
    credit_note: InvoiceDocument, tmp_path: Path
) -> None:
    doc = attrs.evolve(credit_note, corrects=(CorrectedInvoice(month=credit_note.period),))
    assert "Dobropis popravlja obračun za september 2026." in pdf_text(invoice_pdf(doc), tmp_path)


@needs_poppler
def test_debit_invoice_shows_the_mandate_and_debit_date(
    debit_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    pdf = invoice_pdf(debit_invoice)
    text = pdf_text(pdf, tmp_path)
    assert "Datum obremenitve 19. 10. 2026" in text
    assert (
        "Znesek 97,40 € bo 19. 10. 2026 obremenjen v breme vašega računa po soglasju za "
        "direktno obremenitev SEPA VRTEC-102-1." in text
    )
    assert qr_per_page(pdf, tmp_path) == [[]]
    english = pdf_text(invoice_pdf(debit_invoice, language="en"), tmp_path)
    assert "under SEPA direct debit mandate VRTEC-102-1" in english
    # The buyer's account is not printed.
    assert "1920 0123" not in text


@needs_poppler
def test_merged_invoice_lists_the_group_and_says_the_slip_pays_all(
    merged_invoices: tuple[InvoiceDocument, InvoiceDocument], tmp_path: Path
) -> None:
    first, second = merged_invoices
    for doc in merged_invoices:
        text = pdf_text(invoice_pdf(doc), tmp_path)
        assert f"Račun {doc.number}" in text
        rows = pdf_text(invoice_pdf(doc), tmp_path, layout=True)
        assert f"Skupaj za plačilo {_sl_money(doc.total)}" in rows
        assert (
            f"Položnica spodaj je skupna za 2 računa: {first.number}, {second.number}. "
            "Njen znesek 286,60 € je vsota vseh; z enim plačilom poravnate vse." in text
        )
        english = pdf_text(invoice_pdf(doc, language="en"), tmp_path)
        assert f"shared by 2 invoices: {first.number}, {second.number}" in english


def _sl_money(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",") + " €"


# ------------------------------------------------------------------ pages


@needs_poppler
def test_many_lines_flow_to_more_pages_with_the_form_on_the_last(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    lines = many_lines(60)
    assert isinstance(slip_invoice.payment, SlipPayment)
    doc = attrs.evolve(slip_invoice, lines=lines, total=Decimal("60.00"))
    pdf = invoice_pdf(doc)
    pages = page_count(pdf, tmp_path)
    assert pages >= 2
    codes = qr_per_page(pdf, tmp_path)
    assert codes[-1] == [doc.payment.payload()]  # type: ignore[union-attr]
    assert all(found == [] for found in codes[:-1])
    text = pdf_text(pdf, tmp_path, layout=True)
    for i in range(1, 61):
        assert f"Vrstica številka {i:03d} 1,00 €" in text
        assert f"podrobnost {i:03d}" in text
    assert text.count("Skupaj za plačilo") == 1
    last = pdf_text(pdf, tmp_path, page=pages, layout=True)
    assert "Skupaj za plačilo 60,00 €" in last
    assert f"Stran {pages} od {pages}" in last
    assert "Račun 2026-000001 (nadaljevanje)" in pdf_text(pdf, tmp_path, page=2)


@needs_poppler
def test_lines_that_fit_above_the_form_stay_on_one_page(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    doc = attrs.evolve(slip_invoice, lines=many_lines(8), total=Decimal("8.00"))
    assert page_count(invoice_pdf(doc), tmp_path) == 1
    # Without a form (a credit note or no payment) the whole page takes lines.
    no_form = attrs.evolve(doc, payment=None, lines=many_lines(15), total=Decimal("15.00"))
    assert page_count(invoice_pdf(no_form), tmp_path) == 1
    with_form = attrs.evolve(no_form, payment=slip_invoice.payment)
    assert page_count(invoice_pdf(with_form), tmp_path) == 2


@needs_poppler
def test_draw_invoice_adds_pages_to_a_callers_canvas(
    slip_invoice: InvoiceDocument,
    debit_invoice: InvoiceDocument,
    credit_note: InvoiceDocument,
    tmp_path: Path,
) -> None:
    out = io.BytesIO()
    canvas = new_canvas(out)
    long = attrs.evolve(slip_invoice, lines=many_lines(60), total=Decimal("60.00"))
    drawn = [draw_invoice(canvas, doc) for doc in (slip_invoice, long, debit_invoice, credit_note)]
    canvas.save()
    assert drawn[0] == 1
    assert drawn[1] >= 2
    assert drawn[2:] == [1, 1]
    assert page_count(out.getvalue(), tmp_path) == sum(drawn)
    text = pdf_text(out.getvalue(), tmp_path)
    for doc in (slip_invoice, debit_invoice):
        assert f"Račun {doc.number}" in text
    assert f"Dobropis {credit_note.number}" in text


# ------------------------------------------------------------------ files


@needs_poppler
def test_fonts_are_embedded_and_no_base14_font_is_used(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    for name, pdf in (("invoice", invoice_pdf(slip_invoice)), ("calibration", calibration_pdf())):
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(pdf)
        report = subprocess.run(
            ["pdffonts", str(source)], check=True, capture_output=True, text=True
        ).stdout.splitlines()[2:]
        assert report
        fonts = {row.split()[0].split("+")[-1]: row.split() for row in report}
        for row in fonts.values():
            assert row[-5:-3] == ["yes", "yes"], row  # embedded, subset
        assert "LiberationSans" in fonts
        assert "Helvetica" not in fonts
        if name == "invoice":
            assert "LiberationMono-Bold" in fonts  # the slip's data


def test_same_input_gives_the_same_bytes_across_processes(
    slip_invoice: InvoiceDocument, credit_note: InvoiceDocument, tmp_path: Path
) -> None:
    docs = tmp_path / "docs.pickle"
    docs.write_bytes(pickle.dumps([slip_invoice, credit_note]))
    script = (
        "import pickle, sys\n"
        "from szo_core.invoices.pdf import invoice_pdf\n"
        "docs = pickle.loads(open(sys.argv[1], 'rb').read())\n"
        "sys.stdout.buffer.write(b''.join(invoice_pdf(d, language=l)"
        " for d in docs for l in ('sl', 'en')))\n"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script, str(docs)],
            check=True,
            capture_output=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        ).stdout
        for seed in ("1", "2")
    ]
    here = b"".join(
        invoice_pdf(d, language=lang)  # type: ignore[arg-type]
        for d in (slip_invoice, credit_note)
        for lang in ("sl", "en")
    )
    assert outputs[0] == outputs[1] == here
    assert len(here) > 10_000
    changed = attrs.evolve(slip_invoice, child_name="Eva Žagar Novak")
    assert invoice_pdf(changed) != invoice_pdf(slip_invoice)


def test_calibration_pdf_is_deterministic_and_one_page() -> None:
    assert calibration_pdf() == calibration_pdf()
    assert calibration_pdf(language="en") != calibration_pdf()


# ------------------------------------------------------------------ bad input


def test_not_a_document_is_refused(slip_invoice: InvoiceDocument) -> None:
    with pytest.raises(InvoiceError) as caught:
        invoice_pdf({"number": "1"})  # type: ignore[arg-type]
    assert caught.value.code == "invoice.pdf.document"
    assert caught.value.where == "dict"
    with pytest.raises(InvoiceError) as caught:
        invoice_pdf(slip_invoice, language="de")  # type: ignore[arg-type]
    assert caught.value.code == "invoice.pdf.language"
    assert "sl" in caught.value.en
    with pytest.raises(InvoiceError):
        calibration_pdf(language="fr")  # type: ignore[arg-type]


def test_a_slip_that_breaks_a_upn_rule_is_refused_without_personal_data(
    slip_invoice: InvoiceDocument,
) -> None:
    assert isinstance(slip_invoice.payment, SlipPayment)
    bad = attrs.evolve(
        slip_invoice.payment,
        order=attrs.evolve(
            slip_invoice.payment.order, payer_name="Ana Ørsted"
        ),  # Ø: not in ISO 8859-2
    )
    with pytest.raises(SzoError) as caught:
        invoice_pdf(attrs.evolve(slip_invoice, payment=bad))
    assert caught.value.code == "upn.charset"
    message = f"{caught.value} {caught.value.en} {caught.value!r}"
    for personal in ("SI56020170014356205", "15012557", "12345679"):
        assert personal not in message


def test_documents_without_lines_or_party_details_still_print(
    slip_invoice: InvoiceDocument,
) -> None:
    doc = InvoiceDocument(
        number="X-1",
        issued_on=date(2026, 10, 1),
        period=slip_invoice.period,
        seller=attrs.evolve(slip_invoice.seller, tax_number="", iban="", bic="", bank=""),
        buyer=attrs.evolve(slip_invoice.buyer, name="Ana"),
        lines=(),
        total=Decimal("0.00"),
    )
    assert invoice_pdf(doc).startswith(b"%PDF-")


# ------------------------------------------------------------------ properties

WORD = st.text(alphabet="abcčdefghijklmnoprsštuvzžABCČDŠŽ0123456789", min_size=1, max_size=14)


@needs_poppler
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])  # frozen
@given(
    texts=st.integers(min_value=1, max_value=45).flatmap(
        lambda n: st.lists(
            st.lists(WORD, min_size=1, max_size=14).map(" ".join), min_size=n, max_size=n
        )
    ),
    cents=st.integers(min_value=1, max_value=99_999),
    language=st.sampled_from(["sl", "en"]),
)
def test_any_lines_are_all_printed_above_the_form_and_paged(
    slip_invoice: InvoiceDocument, texts: list[str], cents: int, language: str
) -> None:
    assert isinstance(slip_invoice.payment, SlipPayment)
    amount = Decimal(cents) / 100
    lines = tuple(
        DocumentLine(
            position=i,
            kind="share",
            description=Bilingual(sl=f"L{i} {text}", en=f"L{i} {text}"),
            detail=Bilingual(sl=f"d{i}", en=f"d{i}"),
            amount=amount,
        )
        for i, text in enumerate(texts, start=1)
    )
    total = amount * len(lines)
    payment = attrs.evolve(
        slip_invoice.payment, order=attrs.evolve(slip_invoice.payment.order, amount=total)
    )
    doc = attrs.evolve(slip_invoice, lines=lines, total=total, payment=payment)
    pdf = invoice_pdf(doc, language=language)  # type: ignore[arg-type]
    assert pdf == invoice_pdf(doc, language=language)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as tmp:
        pages = words_by_page(pdf, Path(tmp))
    printed = [w for page in pages for w, _ in page]
    for text in texts:
        for word in text.split():
            assert word in printed
    for i in range(1, len(lines) + 1):
        assert f"d{i}" in printed
    # Nothing of the lines runs into the form (bottom 99 mm) on the last page, or off the others.
    form_top = (297 - 99) * 72 / 25.4
    tokens = {f"L{i}" for i in range(1, len(lines) + 1)} | {
        f"d{i}" for i in range(1, len(lines) + 1)
    }
    for number, page in enumerate(pages, start=1):
        limit = form_top if number == len(pages) else 287 * 72 / 25.4
        for word, y_max in page:
            if word in tokens and y_max > form_top:
                assert number < len(pages)
                assert y_max <= limit
    total_label = "Skupaj" if language == "sl" else "Total"
    assert [w for w, _ in pages[-1]].count(total_label) == 1
    assert all(total_label not in [w for w, _ in page] for page in pages[:-1])


def words_by_page(pdf: bytes, tmp_path: Path) -> list[list[tuple[str, float]]]:
    """Per page, (word, yMax in points from the top) from pdftotext -bbox."""
    source = tmp_path / "bbox.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    word = re.compile(
        r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        [(html_unescape(m[2]), float(m[1])) for m in word.finditer(page)]
        for page in html.split("<page ")[1:]
    ]


@needs_poppler
def test_a_long_payer_name_wraps_inside_the_address_window(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    long_name = "Družina " + " ".join(["Žagar-Novak"] * 8)
    doc = attrs.evolve(slip_invoice, buyer=attrs.evolve(slip_invoice.buyer, name=long_name))
    (page, *_) = words_with_x(invoice_pdf(doc), tmp_path)
    window = [w for w in page if w[0] == "Žagar-Novak"]
    assert len(window) >= 8
    for _, x_max, y_max in window:
        assert x_max * 25.4 / 72 <= 105.0  # the DIN 5008 field ends 105 mm from the left
        assert y_max * 25.4 / 72 <= 90.0


def words_with_x(pdf: bytes, tmp_path: Path) -> list[list[tuple[str, float, float]]]:
    """Per page, (word, xMax, yMax) in points from pdftotext -bbox."""
    source = tmp_path / "x.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    word = re.compile(
        r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        [(html_unescape(m[3]), float(m[1]), float(m[2])) for m in word.finditer(page)]
        for page in html.split("<page ")[1:]
    ]


@needs_poppler
def test_a_group_member_without_the_slip_names_the_invoice_that_carries_it(
    merged_invoices: tuple[InvoiceDocument, InvoiceDocument], tmp_path: Path
) -> None:
    first, second = merged_invoices
    member = attrs.evolve(first, payment=None, paid_with=second.number)
    pdf = invoice_pdf(member)
    text = pdf_text(pdf, tmp_path)
    assert (
        "Račun plačate skupaj z drugimi računi skupine s položnico ali obremenitvijo na "
        f"računu {second.number}." in text
    )
    assert qr_per_page(pdf, tmp_path) == [[]]
    assert "UPN QR" not in text
    english = pdf_text(invoice_pdf(member, language="en"), tmp_path)
    assert f"by the slip or debit on invoice {second.number}." in english


@needs_poppler
def test_a_compact_reference_is_printed_in_groups(
    slip_invoice: InvoiceDocument, merged_invoices: tuple[InvoiceDocument, ...], tmp_path: Path
) -> None:
    compact = attrs.evolve(slip_invoice, reference="SI120010160000017")
    assert "Sklic SI12 0010160000017" in pdf_text(invoice_pdf(compact), tmp_path)
    assert "Sklic RF64 1012 0260 9" in pdf_text(invoice_pdf(merged_invoices[0]), tmp_path)
    odd = attrs.evolve(slip_invoice, reference="interno-17")  # not a reference: printed as given
    assert "Sklic interno-17" in pdf_text(invoice_pdf(odd), tmp_path)


def test_notes_too_long_for_a_page_are_refused_not_drawn_over_the_slip(
    slip_invoice: InvoiceDocument,
) -> None:
    fits = attrs.evolve(slip_invoice, note="Opomba. " * 200)  # a long paragraph still fits
    assert invoice_pdf(fits).startswith(b"%PDF-")
    doc = attrs.evolve(slip_invoice, note="Opomba o plačilu. " * 2000)
    with pytest.raises(InvoiceError) as caught:
        invoice_pdf(doc)
    assert caught.value.code == "invoice.pdf.notes_too_long"
    assert caught.value.where == "invoice 2026-000001"


def _font_files(pdf: bytes) -> list[bytes]:
    """The embedded font programs (FontFile2 streams) of a PDF, decompressed."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    files = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            descriptor = ref.get_object()["/FontDescriptor"].get_object()
            files.append(descriptor["/FontFile2"].get_object().get_data())
    return sorted(files)


def test_invoices_to_different_payers_embed_the_same_font_subsets(
    slip_invoice: InvoiceDocument,
) -> None:
    # The primer fixes each subset's first characters, so other names and amounts give the
    # very same font programs (built and compressed once, then reused).
    other = attrs.evolve(
        slip_invoice,
        number="2026-000999",
        buyer=attrs.evolve(slip_invoice.buyer, name="Quentin Wyx"),
        child_name="Yvo Wöx",
    )
    first, second = invoice_pdf(slip_invoice), invoice_pdf(other)
    assert first != second
    assert _font_files(first) == _font_files(second)


def test_a_character_outside_the_primer_is_still_embedded_and_shown(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    from szo_core.invoices.fonts import PRIMER

    assert "ő" not in PRIMER
    other = attrs.evolve(slip_invoice, buyer=attrs.evolve(slip_invoice.buyer, name="Őrs Kővári"))
    pdf = invoice_pdf(other)
    assert "Őrs Kővári" in pdf_text(pdf, tmp_path)
    assert _font_files(pdf) != _font_files(invoice_pdf(slip_invoice))
