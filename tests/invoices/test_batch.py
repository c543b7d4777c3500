"""Print batches: the order for the post, one streamed PDF with shared fonts, one PDF per payer."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import tracemalloc
import types
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from szo_core.calendar import Month
from szo_core.errors import InvoiceError, Language
from szo_core.invoices import (
    Bilingual,
    DocumentLine,
    InvoiceDocument,
    PartyInfo,
    SlipPayment,
    batch,
)
from szo_core.invoices.batch import (
    REPERTOIRE,
    collation_key,
    invoice_pdf_bytes,
    print_order,
    write_per_payer,
    write_print_batch,
    write_print_batch_file,
)
from szo_core.invoices.fonts import register
from szo_core.model import Address
from szo_core.payments.upn import UpnOrder

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdfinfo) not installed"
)

FONTS = register()

# --- a realistic stand-in for szo_core.invoices.pdf.draw_invoice ---------------------------


def stand_in_draw(canvas: Canvas, doc: InvoiceDocument, language: Language) -> int:
    """An A4 invoice page with the shipped fonts: header, ~25 lines, amounts, a QR-like symbol."""
    _width, height = A4
    canvas.setFont(FONTS.sans_bold, 14)
    canvas.drawString(20 * mm, height - 20 * mm, doc.seller.name)
    canvas.setFont(FONTS.sans, 9)
    canvas.drawString(20 * mm, height - 26 * mm, doc.seller.address.city_line)
    canvas.setFont(FONTS.sans_bold, 11)
    canvas.drawString(20 * mm, height - 45 * mm, doc.buyer.name)
    canvas.setFont(FONTS.sans, 9)
    canvas.drawString(20 * mm, height - 50 * mm, doc.buyer.address.street)
    canvas.drawString(20 * mm, height - 55 * mm, doc.buyer.address.city_line)
    title = "Račun" if language == "sl" else "Invoice"
    canvas.setFont(FONTS.sans_bold, 12)
    canvas.drawString(120 * mm, height - 45 * mm, f"{title} {doc.number}")
    canvas.setFont(FONTS.sans, 9)
    canvas.drawString(120 * mm, height - 50 * mm, f"Otrok: {doc.child_name}")
    y = height - 70 * mm
    texts = [line.description.text(language) for line in doc.lines]
    texts += [f"Pojasnilo {i}: šolnina, čas, žlica – „obračun“ …" for i in range(25 - len(texts))]
    amounts = [f"{line.amount:.2f} €".replace(".", ",") for line in doc.lines]
    for i, text in enumerate(texts):
        canvas.drawString(20 * mm, y, text)
        canvas.drawRightString(190 * mm, y, amounts[i] if i < len(amounts) else "0,00 €")
        y -= 5 * mm
    canvas.setFont(FONTS.sans_bold, 10)
    canvas.drawRightString(
        190 * mm, y - 3 * mm, "Skupaj: " + f"{doc.total:.2f} €".replace(".", ",")
    )
    canvas.setFont(FONTS.mono_bold, 10)
    canvas.drawString(20 * mm, 60 * mm, f"*** {doc.total:.2f}  {doc.reference or ''}")
    seed = hashlib.sha256(doc.number.encode()).digest()
    modules = 0
    for k in range(77 * 77):
        if seed[k % 32] >> (k % 8) & 1 and modules < 600:
            row, col = divmod(k, 77)
            canvas.rect(65 * mm + col * 0.45 * mm, 8 * mm + row * 0.45 * mm, 0.45 * mm, 0.45 * mm,
                        stroke=0, fill=1)  # fmt: skip
            modules += 1
    canvas.showPage()
    return 1


def light_draw(canvas: Canvas, doc: InvoiceDocument, language: Language) -> int:
    """One line of text with č, š, ž: for the memory test, where tracemalloc slows drawing."""
    canvas.setFont(FONTS.sans, 9)
    canvas.drawString(20 * mm, 270 * mm, f"Račun {doc.number} – {doc.buyer.name} čšž")
    canvas.showPage()
    return 1


# --- documents --------------------------------------------------------------------------------

NAMES = [
    "Zupan Ana",
    "Žagar Eva",
    "Cankar Ivan",
    "Čeh Luka",
    "Šuštar Nik",
    "Müller Jürgen",
    "Ćosić Đorđe",
]
POST_CODES = ["2000", "1000", "3230", "1000", "8000", "1000", "2000"]


def sample_invoice() -> InvoiceDocument:
    """A slip invoice built here (the benchmark and a fresh process use it without conftest)."""
    seller = PartyInfo(
        name="Vrtec Čebelica Šentjur",
        address=Address(street="Cesta Leona Dobrotinška 5", post_code="3230", city="Šentjur"),
        tax_number="12345679",
        iban="SI56020170014356205",
        bic="LJBASI2X",
    )
    buyer = PartyInfo(
        name="Špela Žagar", address=Address(street="Čopova 7", post_code="1000", city="Ljubljana")
    )
    lines = tuple(
        DocumentLine(
            position=i,
            kind="share",
            description=Bilingual(sl=f"Dnevni program 1.–3. leto ({i})", en=f"Day programme ({i})"),
            detail=Bilingual(sl="22 od 22 delovnih dni, 35 % po odločbi 1203-45/2026", en="22/22"),
            amount=Decimal(amount),
            days=22,
            days_in_month=22,
            coefficient=Decimal("0.35"),
            decision_number="1203-45/2026",
        )
        for i, amount in enumerate(("200.00", "-10.80"), start=1)
    )
    reference = "SI12 0010160000017"
    order = UpnOrder(
        payer_name=buyer.name,
        payer_street=buyer.address.street,
        payer_city=buyer.address.city_line,
        amount=Decimal("189.20"),
        purpose="Oskrbnina 09/2026",
        deadline=date(2026, 10, 19),
        recipient_iban=seller.iban,
        recipient_reference=reference,
        recipient_name=seller.name,
        recipient_street=seller.address.street,
        recipient_city=seller.address.city_line,
    )
    return InvoiceDocument(
        number="2026-000001",
        issued_on=date(2026, 10, 2),
        period=Month(2026, 9),
        due_on=date(2026, 10, 19),
        seller=seller,
        buyer=buyer,
        child_name="Eva Žagar",
        child_code=101,
        lines=lines,
        total=Decimal("189.20"),
        reference=reference,
        payment=SlipPayment(instruction_id="1", order=order, invoice_numbers=("2026-000001",)),
    )


def many(base: InvoiceDocument, n: int) -> list[InvoiceDocument]:
    """``n`` copies of ``base`` for different payers (seven names, seven post codes)."""
    out = []
    for i in range(n):
        number = f"2026-{i + 100001}"
        buyer = PartyInfo(
            name=f"{NAMES[i % 7]} {i // 7}",
            address=Address(street=f"Čopova {i}", post_code=POST_CODES[i % 7], city="Mesto"),
            tax_number="15012557",
        )
        payment = base.payment
        if isinstance(payment, SlipPayment):  # each payer's own slip
            order = attrs.evolve(
                payment.order,
                payer_name=buyer.name,
                payer_street=buyer.address.street,
                payer_city=buyer.address.city_line,
            )
            payment = SlipPayment(instruction_id=number, order=order, invoice_numbers=(number,))
        elif payment is not None:
            payment = attrs.evolve(payment, instruction_id=number, invoice_numbers=(number,))
        out.append(attrs.evolve(base, number=number, buyer=buyer, payment=payment))
    return out


def with_buyer(base: InvoiceDocument, number: str, name: str, post_code: str, country: str = "SI"):
    address = Address(street="Ulica 1", post_code=post_code, city="Kraj", country=country)
    return attrs.evolve(base, number=number, buyer=PartyInfo(name=name, address=address))


def pdftotext(path: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def pdfinfo_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, re.M)
    assert match, out
    return int(match[1])


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


# --- the order for the post ---------------------------------------------------------------


def test_print_order_by_post_code_then_slovenian_name_then_number(slip_invoice):
    docs = [
        with_buyer(slip_invoice, "7", "Zupan Ana", "1000"),
        with_buyer(slip_invoice, "1", "Žagar Eva", "1000"),
        with_buyer(slip_invoice, "2", "Cankar Ivan", "2000"),
        with_buyer(slip_invoice, "3", "Čeh Luka", "1000"),
        with_buyer(slip_invoice, "4", "Cvetko Tina", "1000"),
        with_buyer(slip_invoice, "6", "Čeh Luka", "1000"),
        with_buyer(slip_invoice, "5", "Sever Maja", "1000"),
        with_buyer(slip_invoice, "8", "Šuštar Nik", "1000"),
        with_buyer(slip_invoice, "9", "Dolenc Ida", "999"),
        with_buyer(slip_invoice, "10", "Abram Jan", ""),
        with_buyer(slip_invoice, "11", "Adler Karl", "8010", country="AT"),
    ]
    ordered = print_order(docs)
    assert [(d.buyer.address.post_code, d.buyer.name, d.number) for d in ordered] == [
        ("999", "Dolenc Ida", "9"),  # post codes compare as numbers
        ("1000", "Cvetko Tina", "4"),  # c ...
        ("1000", "Čeh Luka", "3"),  # ... then č (an ASCII sort would put it after z)
        ("1000", "Čeh Luka", "6"),  # the same name: by number
        ("1000", "Sever Maja", "5"),
        ("1000", "Šuštar Nik", "8"),  # š after s
        ("1000", "Zupan Ana", "7"),
        ("1000", "Žagar Eva", "1"),  # ž after z
        ("2000", "Cankar Ivan", "2"),
        ("", "Abram Jan", "10"),  # no post code: after the others at home
        ("8010", "Adler Karl", "11"),  # abroad last
    ]
    assert print_order(list(reversed(docs))) == ordered


def test_collation_key_slovenian_alphabet_case_and_accents():
    words = ["dan", "Čas", "cvet", "ćevap", "Đuro", "Sova", "šola", "Zima", "žaba", "ana", "Ana"]
    assert sorted(words, key=collation_key) == [
        "ana", "Ana", "cvet", "Čas", "ćevap", "dan", "Đuro", "Sova", "šola", "Zima", "žaba",
    ]  # fmt: skip
    names = ["Horvat2", "Horvat-Kos", "Horvat Ana", "Horvát", "Horvat"]
    assert sorted(names, key=collation_key) == [
        "Horvat", "Horvát", "Horvat Ana", "Horvat-Kos", "Horvat2",
    ]  # fmt: skip
    # the same letters written decomposed (e + combining acute) sort with the composed ones
    decomposed, composed = collation_key("Horve\u0301t"), collation_key("Horvét")
    assert decomposed.rsplit(b"\x00", 1)[0] == composed.rsplit(b"\x00", 1)[0]


_SLOVENE = "abcčdefghijklmnoprsštuvzž"


@given(st.lists(st.text(alphabet=_SLOVENE, min_size=1, max_size=8), min_size=2, max_size=20))
def test_collation_of_lowercase_slovenian_words_follows_the_alphabet(words):
    def by_alphabet(word: str) -> list[int]:
        return [_SLOVENE.index(c) for c in word]

    assert sorted(words, key=collation_key) == sorted(words, key=by_alphabet)


def test_duplicate_numbers_are_refused_before_anything_is_written(slip_invoice):
    docs = [slip_invoice, with_buyer(slip_invoice, slip_invoice.number, "Drugi Plačnik", "2000")]
    out = io.BytesIO()
    with pytest.raises(InvoiceError) as caught:
        write_print_batch(docs, out, draw=stand_in_draw)
    error = caught.value
    assert error.code == "invoice.batch_duplicate"
    assert error.where == f"invoice {slip_invoice.number}"
    assert "dvakrat" in error.sl
    assert "twice" in error.en
    assert out.getvalue() == b""
    text = f"{error} {error.en} {error!r}"
    assert slip_invoice.buyer.tax_number not in text
    assert slip_invoice.seller.iban not in text


def test_clashing_file_names_and_other_items_are_refused(slip_invoice):
    a = attrs.evolve(slip_invoice, number="2026/1")
    b = attrs.evolve(slip_invoice, number="2026_1")
    with pytest.raises(InvoiceError) as caught:
        print_order([a, b])
    assert caught.value.code == "invoice.batch_file_clash"
    assert "2026_1.pdf" in (caught.value.where or "")
    with pytest.raises(InvoiceError) as caught:
        print_order([a, "2026/2"])  # type: ignore[list-item]
    assert caught.value.code == "invoice.batch_item"
    assert caught.value.where == "item 2"


def test_empty_batch_and_bad_part_size_are_refused(slip_invoice):
    with pytest.raises(InvoiceError) as caught:
        write_print_batch([], io.BytesIO(), draw=stand_in_draw)
    assert caught.value.code == "invoice.batch_empty"
    with pytest.raises(InvoiceError) as caught:
        write_print_batch([slip_invoice], io.BytesIO(), draw=stand_in_draw, part_size=0)
    assert caught.value.code == "invoice.batch_part_size"


def test_a_drawer_that_draws_nothing_is_an_error(slip_invoice):
    with pytest.raises(InvoiceError) as caught:
        write_print_batch([slip_invoice], io.BytesIO(), draw=lambda canvas, doc, language: 0)
    assert caught.value.code == "invoice.batch_no_pages"
    assert caught.value.where == f"invoice {slip_invoice.number}"


# --- the print PDF ----------------------------------------------------------------------------

N = 70  # three parts of 32 and two page-tree nodes of 64


@pytest.fixture
def batch_file(slip_invoice, tmp_path) -> tuple[Path, list[InvoiceDocument]]:
    docs = many(slip_invoice, N)
    path = tmp_path / "tisk.pdf"
    with path.open("wb") as out:
        assert write_print_batch(docs, out, draw=stand_in_draw) == N
    return path, print_order(docs)


def test_print_batch_has_every_page_in_print_order(batch_file):
    path, ordered = batch_file
    assert pdfinfo_pages(path) == N
    first, last = pdftotext(path, 1), pdftotext(path, N)
    assert ordered[0].buyer.name in first
    assert f"Račun {ordered[0].number}" in first
    assert ordered[-1].buyer.name in last
    assert f"Račun {ordered[-1].number}" in last
    assert "šolnina, čas, žlica – „obračun“" in first
    assert "189,20 €" in first
    reader = PdfReader(path, strict=True)
    assert len(reader.pages) == N
    texts = [reader.pages[i].extract_text() for i in (0, 31, 32, 63, 64, N - 1)]
    for text, doc in zip(texts, [ordered[i] for i in (0, 31, 32, 63, 64, N - 1)], strict=True):
        assert f"{doc.number}" in text


def test_print_batch_embeds_each_font_once(batch_file, tmp_path):
    path, ordered = batch_file
    fonts = pdffonts(path)
    embedded = [row[0] for row in fonts if row[0].startswith("AAAAAA+")]
    assert sorted(embedded) == [
        "AAAAAA+LiberationMono-Bold",
        "AAAAAA+LiberationSans",
        "AAAAAA+LiberationSans-Bold",
    ]
    assert [row[-5] for row in fonts] == ["yes", "yes", "yes"]  # embedded; no Helvetica named
    one = tmp_path / "one.pdf"
    one.write_bytes(invoice_pdf_bytes(ordered[0], draw=stand_in_draw))
    objects_of_one = PdfReader(one).trailer["/Size"]
    objects = PdfReader(path).trailer["/Size"]
    assert objects < 2 * N + 40  # a page and its content per invoice, the fonts once
    assert objects < N * objects_of_one / 4
    assert path.stat().st_size < N * one.stat().st_size / 3


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_print_batch_passes_qpdf_check(batch_file):
    path, _ = batch_file
    subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)


def test_print_batch_is_deterministic(slip_invoice, debit_invoice, credit_note):
    docs = [*many(slip_invoice, 40), debit_invoice, credit_note]
    first, second = io.BytesIO(), io.BytesIO()
    write_print_batch(docs, first, draw=stand_in_draw, part_size=16)
    write_print_batch(list(reversed(docs)), second, draw=stand_in_draw, part_size=16)
    assert first.getvalue() == second.getvalue()
    assert pdfinfo_pages_of(first.getvalue()) == 42


def pdfinfo_pages_of(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data), strict=True).pages)


_IN_ANOTHER_PROCESS = """
import importlib.util, io, sys
spec = importlib.util.spec_from_file_location("batch_tests", sys.argv[1])
tests = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tests)
docs = tests.many(tests.sample_invoice(), 40)
out = io.BytesIO()
tests.write_print_batch(docs, out, draw=tests.stand_in_draw, part_size=16)
sys.stdout.buffer.write(out.getvalue())
"""


def test_print_batch_is_the_same_in_a_fresh_process(tmp_path):
    made_elsewhere = subprocess.run(
        [sys.executable, "-c", _IN_ANOTHER_PROCESS, __file__],
        capture_output=True, check=True, cwd=tmp_path,
    ).stdout  # fmt: skip
    out = io.BytesIO()
    write_print_batch(many(sample_invoice(), 40), out, draw=stand_in_draw, part_size=16)
    assert made_elsewhere == out.getvalue()


def test_characters_outside_the_repertoire_get_their_own_subset(slip_invoice, tmp_path):
    assert "ő" not in REPERTOIRE
    assert "Ж" not in REPERTOIRE
    docs = many(slip_invoice, 6)
    docs[4] = attrs.evolve(docs[4], buyer=attrs.evolve(docs[4].buyer, name="Жана Őrsi"))
    path = tmp_path / "tisk.pdf"
    with path.open("wb") as out:
        write_print_batch(docs, out, draw=stand_in_draw, part_size=2)
    ordered = print_order(docs)
    page = 1 + [d.number for d in ordered].index(docs[4].number)
    assert "Жана Őrsi" in pdftotext(path, page)
    names = [row[0] for row in pdffonts(path) if "+" in row[0]]
    assert names.count("AAAAAA+LiberationSans-Bold") == 1  # the first subset is still shared
    assert "AAAAAB+LiberationSans-Bold" in names  # the part's extra subset


def test_the_default_drawer_is_szo_core_invoices_pdf(slip_invoice, monkeypatch):
    calls: list[tuple[str, str]] = []

    def new_canvas(out):
        return Canvas(out, pagesize=A4, invariant=1)

    def draw_invoice(canvas, doc, *, language="sl"):
        calls.append((doc.number, language))
        return stand_in_draw(canvas, doc, language)

    fake = types.ModuleType("szo_core.invoices.pdf")
    fake.new_canvas = new_canvas  # type: ignore[attr-defined]
    fake.draw_invoice = draw_invoice  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "szo_core.invoices.pdf", fake)
    out = io.BytesIO()
    assert write_print_batch([slip_invoice], out, language="en") == 1
    assert calls == [(slip_invoice.number, "en")]
    assert invoice_pdf_bytes(slip_invoice, language="en").startswith(b"%PDF-")


# --- flat memory ------------------------------------------------------------------------


class _Sink(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        return len(data)


def _peak(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _one_canvas(docs):
    canvas = Canvas(_Sink(), pagesize=A4, invariant=1)
    for doc in docs:
        light_draw(canvas, doc, "sl")
    canvas.save()


BOUND = 500_000  # bytes; measured growth 0.15 MB (sort keys, xref offsets)


def test_print_batch_memory_does_not_grow_with_the_number_of_invoices(slip_invoice):
    small, large = many(slip_invoice, 200), many(slip_invoice, 2000)
    write_print_batch(small[:20], _Sink(), draw=light_draw)  # imports and font tables

    def flat(docs):
        return lambda: write_print_batch(docs, _Sink(), draw=light_draw, part_size=200)

    growth = _peak(flat(large)) - _peak(flat(small))
    assert growth < BOUND, f"{growth / 1e6:.2f} MB more for 1,800 more invoices"
    # The measure sees growth: one reportlab canvas keeps every page until save().
    baseline = _peak(lambda: _one_canvas(large[:700])) - _peak(lambda: _one_canvas(small))
    assert baseline > 2 * BOUND, f"{baseline / 1e6:.2f} MB"


# --- one file per payer ------------------------------------------------------------------


def test_per_payer_writes_one_pdf_per_document(slip_invoice, debit_invoice, credit_note, tmp_path):
    docs = [slip_invoice, debit_invoice, credit_note]
    paths = write_per_payer(docs, tmp_path / "racuni", draw=stand_in_draw)
    assert [p.name for p in paths] == ["2026-000001.pdf", "2026-000002.pdf", "D2026-000001.pdf"]
    for path, doc in zip(paths, docs, strict=True):
        assert pdfinfo_pages(path) == 1
        assert f"Račun {doc.number}" in pdftotext(path, 1)
        assert path.read_bytes() == invoice_pdf_bytes(doc, draw=stand_in_draw)
    assert sorted(p.name for p in (tmp_path / "racuni").iterdir()) == sorted(p.name for p in paths)


def test_per_payer_failure_leaves_no_half_file(slip_invoice, tmp_path):
    docs = many(slip_invoice, 3)
    old = tmp_path / f"{docs[1].file_stem}.pdf"
    old.write_bytes(b"the earlier file")

    def failing(canvas, doc, language):
        if doc.number == docs[1].number:
            canvas.drawString(10, 10, "half")
            raise RuntimeError("printer on fire")
        return stand_in_draw(canvas, doc, language)

    with pytest.raises(RuntimeError):
        write_per_payer(docs, tmp_path, draw=failing)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{docs[0].file_stem}.pdf",
        f"{docs[1].file_stem}.pdf",
    ]
    assert old.read_bytes() == b"the earlier file"
    assert pdfinfo_pages(tmp_path / f"{docs[0].file_stem}.pdf") == 1


def test_per_payer_write_failure_removes_the_temporary_file(slip_invoice, tmp_path, monkeypatch):
    def no_space(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch.os, "replace", no_space)
    with pytest.raises(InvoiceError) as caught:
        write_per_payer([slip_invoice], tmp_path, draw=stand_in_draw)
    assert caught.value.code == "invoice.folder"
    assert "No space left on device" in caught.value.en
    assert list(tmp_path.iterdir()) == []


def test_per_payer_unwritable_folder_is_an_invoice_error(slip_invoice, tmp_path):
    blocker = tmp_path / "datoteka"
    blocker.write_text("not a folder")
    with pytest.raises(InvoiceError) as caught:
        write_per_payer([slip_invoice], blocker / "racuni", draw=stand_in_draw)
    error = caught.value
    assert error.code == "invoice.folder"
    assert error.where == str(blocker / "racuni")
    assert error.sl.startswith("V mapo ni mogoče pisati")
    assert "cannot be written" in error.en
    assert slip_invoice.buyer.tax_number not in str(error)


def test_per_payer_refuses_duplicates_before_writing(slip_invoice, tmp_path):
    with pytest.raises(InvoiceError) as caught:
        write_per_payer([slip_invoice, slip_invoice], tmp_path, draw=stand_in_draw)
    assert caught.value.code == "invoice.batch_duplicate"
    assert list(tmp_path.iterdir()) == []


# --- the print batch as a file ----------------------------------------------------------


def test_print_batch_file_is_written_whole_or_not_at_all(slip_invoice, tmp_path):
    docs = many(slip_invoice, 5)
    path = tmp_path / "tisk" / "2026-09.pdf"
    assert write_print_batch_file(docs, path, draw=stand_in_draw, part_size=2) == 5
    out = io.BytesIO()
    write_print_batch(docs, out, draw=stand_in_draw, part_size=2)
    assert path.read_bytes() == out.getvalue()
    before = path.read_bytes()

    def failing(canvas, doc, language):
        if doc.number == print_order(docs)[3].number:
            raise RuntimeError("toner empty")
        return stand_in_draw(canvas, doc, language)

    with pytest.raises(RuntimeError):
        write_print_batch_file(docs, path, draw=failing, part_size=2)
    assert path.read_bytes() == before  # the earlier batch is untouched
    assert [p.name for p in path.parent.iterdir()] == ["2026-09.pdf"]  # no temporary file


def test_print_batch_file_refuses_bad_input_and_folders(slip_invoice, tmp_path):
    with pytest.raises(InvoiceError) as caught:
        write_print_batch_file([slip_invoice, slip_invoice], tmp_path / "a.pdf", draw=stand_in_draw)
    assert caught.value.code == "invoice.batch_duplicate"
    assert list(tmp_path.iterdir()) == []
    blocker = tmp_path / "datoteka"
    blocker.write_text("not a folder")
    with pytest.raises(InvoiceError) as caught:
        write_print_batch_file([slip_invoice], blocker / "tisk.pdf", draw=stand_in_draw)
    assert caught.value.code == "invoice.folder"
    assert caught.value.where == str(blocker)


def test_an_image_on_every_page_is_embedded_once(slip_invoice, tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    logo = Image.new("RGB", (64, 32), (0, 120, 110))
    logo.paste((250, 200, 0), (8, 8, 56, 24))

    def with_logo(canvas, doc, language):
        canvas.drawImage(ImageReader(logo), 160 * mm, 270 * mm, width=30 * mm, height=15 * mm)
        return stand_in_draw(canvas, doc, language)

    path = tmp_path / "tisk.pdf"
    with path.open("wb") as out:
        assert write_print_batch(many(slip_invoice, 12), out, draw=with_logo, part_size=4) == 12
    reader = PdfReader(path, strict=True)
    images = {
        ref.idnum
        for page in reader.pages
        for ref in dict.values(page["/Resources"]["/XObject"])  # the raw references
    }
    assert len(images) == 1  # three parts, one image object


def test_an_unknown_language_is_refused(slip_invoice, tmp_path):
    out = io.BytesIO()
    with pytest.raises(InvoiceError) as caught:
        write_print_batch([slip_invoice], out, language="de", draw=stand_in_draw)  # type: ignore[arg-type]
    assert caught.value.code == "invoice.batch_language"
    assert out.getvalue() == b""
    with pytest.raises(InvoiceError):
        write_per_payer([slip_invoice], tmp_path, language="de", draw=stand_in_draw)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
