"""The printed UPN form: QR read back from the rendered page, its position and size, the data pitch.

The pages are rendered with poppler's ``pdftoppm`` and read with zxing-cpp, as
a person with a scanner would; the pitch is measured from ``pdftotext -bbox``.
The expected numbers are the standard's (UPN QR technical standard v1.1),
written here again rather than taken from the module under test.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from szo_core.errors import InvoiceError
from szo_core.invoices import InvoiceDocument, SlipPayment
from szo_core.invoices import upn_form as uf
from szo_core.invoices.pdf import calibration_pdf, invoice_pdf, new_canvas
from szo_core.payments.upn import UpnOrder, payload
from szo_core.testing.strategies import ibans_si, references

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="needs poppler-utils (pdftoppm, pdftotext); CI installs it",
)

MM_PER_INCH = 25.4
FORM_TOP_ON_A4 = 297 - 99  # standard §6.2: the form is the bottom 99 mm
MODULE = 25.4 / 60  # 0.42333 mm
SYMBOL_WITH_QUIET_ZONE = 35.98  # standard §5.1
QR_BOX = (63.5, 6.0, 103.5, 45.5)  # Table 1, A25 (mm from the form's top left)


def render(pdf: bytes, tmp_path: Path, *, dpi: int) -> list[Image.Image]:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    for old in tmp_path.glob("page*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(tmp_path / "page")],
        check=True,
    )
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page*.png"))]


def decoded(image: Image.Image) -> list[bytes]:
    return [b.bytes for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def words(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points, from pdftotext -bbox."""
    source = tmp_path / "words.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (m[5], float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in pattern.finditer(html)
    ]


def pt_to_mm(value: float) -> float:
    return value * MM_PER_INCH / 72


# ------------------------------------------------------------------ the QR code


@needs_poppler
def test_every_page_qr_decodes_to_the_exact_payload(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    assert isinstance(slip_invoice.payment, SlipPayment)
    for language in ("sl", "en"):
        pages = render(invoice_pdf(slip_invoice, language=language), tmp_path, dpi=300)
        assert len(pages) == 1
        assert decoded(pages[0]) == [slip_invoice.payment.payload()]


@needs_poppler
def test_qr_position_and_size_on_the_page_match_the_standard(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    dpi = 600
    (page,) = render(invoice_pdf(slip_invoice), tmp_path, dpi=dpi)
    px_per_mm = dpi / MM_PER_INCH
    # Look inside the QR box (0.8 mm in from its ruled border) for the dark modules.
    x1, y1, x2, y2 = QR_BOX
    inset = 0.8
    crop = (
        round((x1 + inset) * px_per_mm),
        round((FORM_TOP_ON_A4 + y1 + inset) * px_per_mm),
        round((x2 - inset) * px_per_mm),
        round((FORM_TOP_ON_A4 + y2 - inset) * px_per_mm),
    )
    region = page.crop(crop).point(lambda v: 255 if v < 128 else 0)
    bbox = region.getbbox()
    assert bbox is not None
    left, top, right, bottom = (
        (bbox[0] + crop[0]) / px_per_mm,
        (bbox[1] + crop[1]) / px_per_mm - FORM_TOP_ON_A4,
        (bbox[2] + crop[0]) / px_per_mm,
        (bbox[3] + crop[1]) / px_per_mm - FORM_TOP_ON_A4,
    )
    # The symbol (35.98 mm with its 4-module quiet zone) centred in the QR box.
    quiet_left = x1 + (x2 - x1 - SYMBOL_WITH_QUIET_ZONE) / 2
    quiet_top = y1 + (y2 - y1 - SYMBOL_WITH_QUIET_ZONE) / 2
    dark = SYMBOL_WITH_QUIET_ZONE - 8 * MODULE  # 32.597 mm of dark-module area
    assert left == pytest.approx(quiet_left + 4 * MODULE, abs=0.5)
    assert top == pytest.approx(quiet_top + 4 * MODULE, abs=0.5)
    assert right - left == pytest.approx(dark, abs=0.5)
    assert bottom - top == pytest.approx(dark, abs=0.5)
    # Inside the box, with the whole quiet zone light.
    assert quiet_left >= x1
    assert quiet_left + SYMBOL_WITH_QUIET_ZONE <= x2
    assert quiet_top + SYMBOL_WITH_QUIET_ZONE <= y2


def test_qr_is_drawn_from_the_payloads_own_matrix(slip_invoice: InvoiceDocument) -> None:
    from szo_core.payments.upn import qr

    assert isinstance(slip_invoice.payment, SlipPayment)
    rows = qr(slip_invoice.payment.order).matrix(border=4)
    assert len(rows) == 85
    assert all(len(row) == 85 for row in rows)
    assert not any(rows[0])
    assert not any(rows[-1])
    # The finder pattern's top row: 7 dark modules after the quiet zone.
    assert rows[4][4:11] == (True,) * 7


# ------------------------------------------------------------------ the data


@needs_poppler
def test_data_pitch_is_12_cpi_on_the_order_and_17_on_the_receipt(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    found = words(invoice_pdf(slip_invoice), tmp_path)
    form_top_pt = FORM_TOP_ON_A4 * 72 / MM_PER_INCH
    reference = "0010160000017"
    on_form = [w for w in found if w[0] == reference and w[2] > form_top_pt]
    receipt = [w for w in on_form if pt_to_mm(w[1]) < 60]
    order = [w for w in on_form if pt_to_mm(w[1]) > 60]
    assert len(receipt) == 1
    assert len(order) == 1
    for (text, x_min, _, x_max, _), cpi in ((receipt[0], 17), (order[0], 12)):
        pitch_pt = (x_max - x_min) / len(text)
        assert 72 / pitch_pt == pytest.approx(cpi, abs=0.02)
    # The same from the font's own metrics, for the sizes the module uses.
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for cpi in (12, 17):
        width = stringWidth("M" * 30, "SzoMono-Bold", uf.data_font_size(cpi))
        assert 30 * 72 / width == pytest.approx(cpi, abs=1e-9)


@needs_poppler
def test_slip_prints_the_fields_in_their_boxes(
    slip_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    found = words(invoice_pdf(slip_invoice), tmp_path)
    form_top = FORM_TOP_ON_A4

    def boxes_of(word: str) -> list[tuple[float, float]]:
        return [
            (pt_to_mm(w[1]), pt_to_mm(w[4]) - form_top)
            for w in found
            if w[0] == word and pt_to_mm(w[2]) > form_top
        ]

    def inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
        return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]

    # Table 1: A37 amount, A45 deadline, A43 purpose code, A50 reference model.
    assert any(inside(p, (114.2, 40.5, 155.5, 45.5)) for p in boxes_of("***189,20"))
    assert any(inside(p, (176.2, 49.0, 206.0, 54.0)) for p in boxes_of("19.10.2026"))
    assert any(inside(p, (63.5, 49.0, 78.5, 54.0)) for p in boxes_of("EDUC"))
    assert any(inside(p, (63.5, 66.0, 78.5, 71.0)) for p in boxes_of("SI12"))
    # Receipt A8 amount; IBAN in groups of four in A47.
    assert any(inside(p, (16.5, 34.5, 56.5, 39.5)) for p in boxes_of("***189,20"))
    assert any(inside(p, (63.5, 58.0, 191.0, 63.0)) for p in boxes_of("4356"))


def test_printed_fields_follow_the_payload() -> None:
    order = UpnOrder(
        payer_name="Špela Žagar",
        payer_street="Čopova ulica 7",
        payer_city="1000 Ljubljana",
        amount=Decimal("1234567.89"),
        purpose="Oskrbnina 09/2026",
        deadline=date(2026, 10, 19),
        recipient_iban="SI56 0201 7001 4356 205",
        recipient_reference="RF64101202609",
        recipient_name="Vrtec",
        recipient_street="Cesta 1",
        recipient_city="3230 Šentjur",
    )
    fields = uf.printed_fields(payload(order))
    assert fields.amount == "***1.234.567,89"
    assert fields.deadline == "19.10.2026"
    assert fields.recipient_iban == "SI56 0201 7001 4356 205"
    assert fields.recipient_reference == ("RF64", "101202609")
    assert fields.payer == ("Špela Žagar", "Čopova ulica 7", "1000 Ljubljana")
    assert fields.payer_iban == ""
    assert "SI56" not in repr(fields)
    small = uf.printed_fields(payload(attrs.evolve(order, amount=Decimal("0.29"))))
    assert small.amount == "***0,29"


def test_printed_fields_refuse_what_is_not_a_payload() -> None:
    with pytest.raises(InvoiceError) as caught:
        uf.printed_fields(b"BCD\n001\n1\nSCT\n")
    assert caught.value.code == "invoice.upn_form.payload"
    assert caught.value.en
    assert caught.value.sl


def test_a_text_too_wide_for_its_field_is_refused() -> None:
    canvas = new_canvas(io.BytesIO())
    form = uf._Form(canvas)
    with pytest.raises(InvoiceError) as caught:
        form.data(uf.ORDER_BOXES["purpose_code"], ("EDUCATION",), cpi=uf.ORDER_CPI)
    assert caught.value.code == "invoice.upn_form.fit"
    assert caught.value.where == "UPN purpose_code"


def test_every_field_the_standard_allows_fits_its_box() -> None:
    # The longest texts a valid payload can hold (Std 5.2 lengths) at the standard's pitch.
    def chars(box: uf.Box, cpi: int) -> int:
        return int((box.width - 2.0) * cpi / MM_PER_INCH)

    r, o = uf.RECEIPT_BOXES, uf.ORDER_BOXES
    assert chars(r["payer"], 17) >= 33
    assert chars(r["recipient"], 17) >= 33
    assert chars(r["purpose"], 17) * 2 >= len("x" * 42 + ", 19.10.2026")
    assert chars(r["recipient_account"], 17) >= len("SI12 " + "9" * 22)
    assert chars(o["payer"], 12) >= 33
    assert chars(o["purpose"], 12) >= 42
    assert chars(o["recipient_iban"], 12) >= len("SI56 0201 7001 4356 205")
    assert chars(o["recipient_reference"], 12) >= 22


def test_layout_boxes_are_the_standards_table() -> None:
    assert uf.Box(*QR_BOX) == uf.QR_BOX
    assert uf.ORDER_BOXES["qr"] == uf.QR_BOX
    assert uf.FORM_WIDTH_MM == 210.0
    assert uf.FORM_HEIGHT_MM == 99.0
    assert pytest.approx(SYMBOL_WITH_QUIET_ZONE, abs=0.01) == uf.QR_SIZE_MM
    for box in (*uf.ORDER_BOXES.values(), *uf.RECEIPT_BOXES.values()):
        assert 0 <= box.x1 < box.x2 <= 210
        assert 0 <= box.y1 < box.y2 <= 99


# ------------------------------------------------------------------ debit, merged, calibration


@needs_poppler
def test_debit_slip_is_struck_through_without_a_qr(
    debit_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    pdf = invoice_pdf(debit_invoice)
    (page,) = render(pdf, tmp_path, dpi=300)
    assert decoded(page) == []
    source = tmp_path / "debit.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "VRTEC-102-1" in flat
    assert "Ne plačujte s to položnico." in flat
    assert "19. oktobra 2026" in flat
    # The strike: the order's diagonal from (62, 2) to (208, 97) mm crosses the empty QR box.
    px_per_mm = 300 / MM_PER_INCH
    x_mm = 80.0
    y_mm = FORM_TOP_ON_A4 + 2 + (x_mm - 62) * 95 / 146
    column = [
        page.getpixel((round(x_mm * px_per_mm), round((y_mm + dy / 10) * px_per_mm)))
        for dy in range(-10, 11)
    ]
    assert min(column) < 100  # type: ignore[type-var]


@needs_poppler
def test_merged_slip_is_the_groups_total_and_lists_both_invoices(
    merged_invoices: tuple[InvoiceDocument, InvoiceDocument], tmp_path: Path
) -> None:
    first, second = merged_invoices
    for doc in merged_invoices:
        pdf = invoice_pdf(doc)
        (page,) = render(pdf, tmp_path, dpi=300)
        (data,) = decoded(page)
        assert data.split(b"\n")[8] == b"00000028660"  # 286.60 = 189.20 + 97.40
        assert doc.total != Decimal("286.60")
        found = [w[0] for w in words(pdf, tmp_path)]
        assert found.count("***286,60") == 2  # receipt and order
        text = " ".join(found)
        assert first.number in text
        assert second.number in text


@needs_poppler
@pytest.mark.parametrize(("language", "title"), [("sl", "Kalibracijska"), ("en", "Calibration")])
def test_calibration_page_has_the_grid_labels_and_the_form_outline(
    language: str, title: str, tmp_path: Path
) -> None:
    pdf = calibration_pdf(language=language)  # type: ignore[arg-type]
    found = words(pdf, tmp_path)
    assert title in [w[0] for w in found]
    # Labels every 10 mm along the top, each centred on its grid line.
    for mm in (10, 50, 100, 200):
        (label,) = [w for w in found if w[0] == str(mm) and w[4] < 8 * 72 / MM_PER_INCH]
        centre = pt_to_mm((label[1] + label[3]) / 2)
        assert centre == pytest.approx(mm, abs=0.3)
    (page,) = render(pdf, tmp_path, dpi=300)
    px_per_mm = 300 / MM_PER_INCH
    # The form's top edge at 198 mm from the page's top: a dark row across the sheet.
    row = round(FORM_TOP_ON_A4 * px_per_mm)
    darkest = [
        min(page.getpixel((x, y)) for y in range(row - 2, row + 3))  # type: ignore[type-var]
        for x in range(round(20 * px_per_mm), round(190 * px_per_mm), 50)
    ]
    assert max(darkest) < 200  # type: ignore[type-var]
    # The QR box outline at 63.5 mm: a dark column.
    column = round(63.5 * px_per_mm)
    y = round((FORM_TOP_ON_A4 + 25) * px_per_mm)
    assert min(page.getpixel((x, y)) for x in range(column - 2, column + 3)) < 200  # type: ignore[type-var]


# ------------------------------------------------------------------ properties

LATIN2_TEXT = (
    st.text(
        alphabet=st.sampled_from("abcčdefghijklmnoprsštuvzž ABCČDŠŽ0123456789.,-/"),
        min_size=1,
        max_size=33,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60)
@given(
    payer=st.tuples(LATIN2_TEXT, LATIN2_TEXT, LATIN2_TEXT),
    recipient=st.tuples(LATIN2_TEXT, LATIN2_TEXT, LATIN2_TEXT),
    purpose=st.text(
        alphabet=st.sampled_from("abcčdefghijklmnoprsštuvzž ABCČ0123456789/"),
        min_size=1,
        max_size=42,
    )
    .map(str.strip)
    .filter(bool),
    cents=st.integers(min_value=1, max_value=99_999_999_999),
    recipient_iban=ibans_si(),
    reference=references(),
    deadline=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_any_valid_order_fits_the_form_and_prints_its_own_amount(
    payer: tuple[str, str, str],
    recipient: tuple[str, str, str],
    purpose: str,
    cents: int,
    recipient_iban: str,
    reference: str,
    deadline: date | None,
) -> None:
    order = UpnOrder(
        payer_name=payer[0],
        payer_street=payer[1],
        payer_city=payer[2],
        amount=Decimal(cents).scaleb(-2),
        purpose=purpose,
        deadline=deadline,
        recipient_iban=recipient_iban,
        recipient_reference=reference,
        recipient_name=recipient[0],
        recipient_street=recipient[1],
        recipient_city=recipient[2],
    )
    data = payload(order)
    fields = uf.printed_fields(data)
    printed = fields.amount.removeprefix("***").replace(".", "").replace(",", ".")
    assert Decimal(printed) == order.amount
    assert fields.recipient_iban.replace(" ", "") == data.split(b"\n")[14].decode()
    assert "".join(fields.recipient_reference) == data.split(b"\n")[15].decode()
    slip = SlipPayment(instruction_id="1", order=order, invoice_numbers=("1",))
    uf.draw_slip(new_canvas(io.BytesIO()), slip)  # never invoice.upn_form.fit
