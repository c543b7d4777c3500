"""Benchmark: invoice documents, szo_core against bare libraries in the same run.

Run: ``.venv/bin/python benchmarks/bench_invoices.py [--n 1000] [--repeat 3] [--sections pdf ...]``
(or ``./run bench invoices``).  Single-threaded: one core.

==================  ====================================================================
section             what
==================  ====================================================================
pdf                 ``--n`` one-page invoices (two lines, a UPN slip with its QR), each a
                    separate ``invoice_pdf(doc)``, against **bare reportlab** drawing the
                    same page in the same process: the same fonts and page content, the
                    QR from ``segno.make`` with the same parameters drawn as one filled
                    path, fixed coordinates, f-string formatting, no checks.  Target:
                    PDFs per second >= 0.7x the baseline and >= 100 per second.
pdf-drawing         the same, with the QR symbols encoded before the clock starts on
                    both sides (``upn.qr`` replaced by a lookup for the run): what the
                    page costs apart from segno's QR encoding (which chooses the best of
                    eight masks, as ISO/IEC 18004 asks, in pure Python).
qr                  ``upn.qr(order)`` alone per invoice (no baseline; for scale).
eslog               ``validate_eslog(to_eslog(doc))`` per invoice against lxml parsing and
                    serialising the same XML (``benchmarks/bench_eslog.py`` has more).
print-memory        peak memory (RSS, tracemalloc) of one print PDF for ``--print-n``
                    invoices (default 1,000 and 10,000), flat batch against one reportlab
                    canvas (``benchmarks/bench_print_batch.py``, each in a fresh process).
==================  ====================================================================

Each section is a function ``section_<name>(docs, repeat) -> Result`` listed in
``SECTIONS``; add one (e-SLOG, print batches) by writing the function and listing it.
The report gives the minimum and median over the repeats, the spread (max/min - 1),
documents per second, and the ratio of the rates szo_core / baseline (1.0 = as fast).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import attrs

from szo_core.calendar import Month
from szo_core.invoices import (
    Bilingual,
    DocumentLine,
    InvoiceDocument,
    PartyInfo,
    SlipPayment,
)
from szo_core.model import Address
from szo_core.payments import upn

FIRST = ["Žiga", "Špela", "Čedomir", "Ana", "Luka", "Nina", "Matija", "Eva"]
LAST = ["Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Kos", "Vidmar"]
SELLER = PartyInfo(
    name="Vrtec Čebelica Šentjur",
    address=Address(street="Cesta Leona Dobrotinška 5", post_code="3230", city="Šentjur"),
    tax_number="12345679",
    registration_number="5051235000",
    iban="SI56020170014356205",
    bic="LJBASI2X",
    bank="NLB d.d.",
)


def si12(base: str) -> str:
    """An SI12 reference (13 digits with the check digit)."""
    from szo_core.ids import reference

    return reference.format(reference.make("SI12", base))


def make_docs(n: int) -> list[InvoiceDocument]:
    docs = []
    for i in range(n):
        name = f"{FIRST[i % 8]} {LAST[i // 8 % 8]}"
        street = f"Čopova ulica {i % 90 + 1}"
        amounts = (Decimal(150 + i % 200) + Decimal(i % 100) / 100, Decimal("-10.80"))
        total = sum(amounts, Decimal("0.00"))
        reference = si12(f"{i + 1:06d}202609")
        number = f"2026-{i + 1:06d}"
        lines = tuple(
            DocumentLine(
                position=k + 1,
                kind="share" if k == 0 else "food_deduction",
                description=Bilingual(
                    sl=("Dnevni program 1.–3. leto, september 2026", "Odbitek prehrane")[k],
                    en=("Day programme, 1st–3rd year, September 2026", "Food deduction")[k],
                ),
                detail=Bilingual(
                    sl=("22 od 22 delovnih dni, 35 % po odločbi 1203-45/2026", "3 dni odsotnosti")[
                        k
                    ],
                    en=("22 of 22 working days, 35 % by decision 1203-45/2026", "3 days absent")[k],
                ),
                amount=amounts[k],
            )
            for k in range(2)
        )
        order = upn.UpnOrder(
            payer_name=name,
            payer_street=street,
            payer_city="1000 Ljubljana",
            amount=total,
            purpose="Oskrbnina 09/2026",
            deadline=date(2026, 10, 19),
            recipient_iban=SELLER.iban,
            recipient_reference=reference,
            recipient_name=SELLER.name,
            recipient_street=SELLER.address.street,
            recipient_city="3230 Šentjur",
        )
        docs.append(
            InvoiceDocument(
                number=number,
                issued_on=date(2026, 10, 2),
                period=Month(2026, 9),
                due_on=date(2026, 10, 19),
                seller=SELLER,
                buyer=PartyInfo(
                    name=name,
                    address=Address(street=street, post_code="1000", city="Ljubljana"),
                ),
                child_name=f"Otrok {i}",
                child_code=i,
                lines=lines,
                total=total,
                reference=reference,
                payment=SlipPayment(instruction_id=number, order=order, invoice_numbers=(number,)),
            )
        )
    return docs


# ------------------------------------------------------------------ the baseline: bare reportlab

MM = 72 / 25.4


def _eur(value: Decimal) -> str:
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} €"


def _qr_matrix(doc: InvoiceDocument) -> tuple[bytes, object]:
    import segno

    assert isinstance(doc.payment, SlipPayment)
    data = doc.payment.payload()
    code = segno.make(
        data, version=15, error="m", mode="byte", eci=True, encoding="iso-8859-2", boost_error=False
    )
    return data, code.matrix


def bare_reportlab(doc: InvoiceDocument, matrix: object | None = None) -> bytes:
    """The same page drawn with reportlab calls and fixed coordinates, nothing checked."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, invariant=1, pageCompression=1, initialFontName="SzoSans")  # type: ignore[arg-type]
    top = 297 * MM
    seller, buyer = doc.seller, doc.buyer
    c.setFont("SzoSans-Bold", 13)
    c.drawString(20 * MM, top - 17 * MM, seller.name)
    c.setFont("SzoSans", 8.5)
    c.drawString(20 * MM, top - 22 * MM, f"{seller.address.street}, {seller.address.city_line}")
    c.drawString(
        20 * MM,
        top - 26 * MM,
        f"Davčna številka: {seller.tax_number} · Matična številka: {seller.registration_number}",
    )
    c.drawString(20 * MM, top - 30 * MM, f"IBAN: {seller.iban} · BIC: {seller.bic} · {seller.bank}")
    c.line(20 * MM, top - 40 * MM, 195 * MM, top - 40 * MM)
    c.setFont("SzoSans", 10)
    for k, row in enumerate((buyer.name, buyer.address.street, buyer.address.city_line)):
        c.drawString(25 * MM, top - (66.0 + 4.5 * k) * MM, row)
    c.setFont("SzoSans-Bold", 15)
    c.drawString(120 * MM, top - 52 * MM, f"Račun {doc.number}")
    c.setFont("SzoSans", 9)
    meta = (
        ("Datum izdaje", f"{doc.issued_on:%d. %m. %Y}"),
        ("Obdobje storitve", f"{doc.service_start:%d. %m. %Y} – {doc.service_end:%d. %m. %Y}"),
        ("Rok plačila", f"{doc.due_on:%d. %m. %Y}"),
        ("Sklic", doc.reference or ""),
        ("Otrok", f"{doc.child_name} ({doc.child_code})"),
    )
    for k, (label, value) in enumerate(meta):
        c.drawString(120 * MM, top - (60 + 5 * k) * MM, label)
        c.drawString(152 * MM, top - (60 + 5 * k) * MM, value)
    y = 106.0
    for line in doc.lines:
        c.setFont("SzoSans", 9)
        c.drawString(20 * MM, top - y * MM, line.description.sl)
        c.drawRightString(195 * MM, top - y * MM, _eur(line.amount))
        c.setFont("SzoSans", 7)
        c.drawString(22 * MM, top - (y + 3.2) * MM, line.detail.sl)
        y += 9
    c.setFont("SzoSans-Bold", 10.5)
    c.drawString(120 * MM, top - (y + 6) * MM, "Skupaj za plačilo")
    c.drawRightString(195 * MM, top - (y + 6) * MM, _eur(doc.total))
    c.setFont("SzoSans", 8)
    c.drawString(20 * MM, top - (y + 12) * MM, doc.vat.reason)
    # The form: boxes, labels, data, QR.
    from szo_core.invoices import upn_form as uf

    form_top = 99 * MM
    c.setLineWidth(0.5)
    for box in (*uf.RECEIPT_BOXES.values(), *uf.ORDER_BOXES.values()):
        c.rect(box.x1 * MM, form_top - box.y2 * MM, box.width * MM, box.height * MM)
    c.setFont("SzoSans-Bold", 7)
    for text, x, bottom, *_ in uf._LABELS:
        c.drawString(x * MM, form_top - bottom * MM, text)
    assert isinstance(doc.payment, SlipPayment)
    order = doc.payment.order
    c.setFont("SzoMono-Bold", 10)
    for text, x, y_mm in (
        (order.payer_name, 107.5, 25.6),
        (order.payer_street, 107.5, 30.6),
        (order.payer_city, 107.5, 35.6),
        (f"***{_eur(order.amount)[:-2]}", 115.2, 44.1),
        (order.purpose_code, 64.5, 52.6),
        (order.purpose, 81.5, 52.6),
        (f"{order.deadline:%d.%m.%Y}", 177.2, 52.6),
        (order.recipient_iban, 64.5, 61.6),
        (order.recipient_reference[:4], 64.5, 69.6),
        (order.recipient_reference[5:], 81.5, 69.6),
        (order.recipient_name, 64.5, 77.6),
        (order.recipient_street, 64.5, 82.6),
        (order.recipient_city, 64.5, 87.6),
    ):
        c.drawString(x * MM, form_top - y_mm * MM, text)
    c.setFont("SzoMono-Bold", 7.06)
    for text, x, y_mm in (
        (order.payer_name, 5, 9.1),
        (order.payer_street, 5, 13.6),
        (order.payer_city, 5, 18.1),
        (f"{order.purpose}, {order.deadline:%d.%m.%Y}", 5, 25.6),
        (f"***{_eur(order.amount)[:-2]}", 17.5, 37.6),
        (order.recipient_iban, 5, 45.6),
        (order.recipient_reference, 5, 54.6),
        (order.recipient_name, 5, 62.1),
        (order.recipient_street, 5, 66.6),
        (order.recipient_city, 5, 71.1),
    ):
        c.drawString(x * MM, form_top - y_mm * MM, text)
    rows = matrix if matrix is not None else _qr_matrix(doc)[1]
    module = 1.2  # points: 1/60 inch
    left, qr_top = 67.2 * MM, form_top - 9.45 * MM
    path = c.beginPath()
    for r, row in enumerate(rows):  # type: ignore[attr-defined]
        x = 0
        while x < len(row):
            if row[x]:
                end = x
                while end < len(row) and row[end]:
                    end += 1
                path.rect(left + x * module, qr_top - (r + 1) * module, (end - x) * module, module)
                x = end
            else:
                x += 1
    c.drawPath(path, stroke=0, fill=1)
    c.showPage()
    c.save()
    return out.getvalue()


# ------------------------------------------------------------------ sections


@attrs.frozen
class Result:
    """Timings of one section, in seconds per run over all documents."""

    name: str
    n: int
    ours: list[float]
    baseline: list[float] = attrs.field(factory=list)
    baseline_name: str = "bare reportlab"

    def _cpu(self, runs: list[float]) -> str:
        """The least CPU time of ``runs`` per document and per second (one core, load aside)."""
        cpu = min(CPU.get(run, run) for run in runs)
        return f"\n{'':18}CPU  min {cpu:8.3f} s  {self.n / cpu:8.1f} per s of one core"

    def report(self) -> str:
        if not self.ours:  # a section that printed its own table
            return f"[{self.name}] done"
        o_min = min(self.ours)
        lines = [
            f"[{self.name}] {self.n} documents, {len(self.ours)} repeats, one core",
            f"  szo_core        min {o_min:8.3f} s  median {statistics.median(self.ours):8.3f} s"
            f"  spread {max(self.ours) / o_min - 1:6.1%}  {self.n / o_min:8.1f} per s"
            f"  ({o_min / self.n * 1e3:6.2f} ms each)" + self._cpu(self.ours),
        ]
        if self.baseline:
            b_min = min(self.baseline)
            lines += [
                f"  {self.baseline_name:<15} min {b_min:8.3f} s"
                f"  median {statistics.median(self.baseline):8.3f} s"
                f"  spread {max(self.baseline) / b_min - 1:6.1%}  {self.n / b_min:8.1f} per s"
                f"  ({b_min / self.n * 1e3:6.2f} ms each)" + self._cpu(self.baseline),
                f"  rate szo_core / {self.baseline_name}: {b_min / o_min:.2f}x",
            ]
        return "\n".join(lines)


CPU: dict[float, float] = {}
"""The process CPU time of each timed run, by its wall time (for the report)."""


def _time(fn: Callable[[], object]) -> float:
    """Run ``fn`` once; return the wall time, and keep its CPU time in :data:`CPU`."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    wall = time.perf_counter() - start
    CPU[wall] = time.process_time() - cpu
    return wall


def section_pdf(docs: list[InvoiceDocument], repeat: int) -> Result:
    from szo_core.invoices import fonts
    from szo_core.invoices.pdf import invoice_pdf

    fonts.register()
    ours, base = [], []
    for _ in range(repeat):
        ours.append(_time(lambda: [invoice_pdf(d) for d in docs]))
        base.append(_time(lambda: [bare_reportlab(d) for d in docs]))
    return Result("pdf", len(docs), ours, base)


@contextmanager
def _precomputed_qr(docs: list[InvoiceDocument]) -> Iterator[dict[bytes, object]]:
    """``upn.qr`` answers from symbols made before the clock starts (for this section only)."""
    symbols = {}
    for d in docs:
        assert isinstance(d.payment, SlipPayment)
        symbols[d.payment.payload()] = upn.qr(d.payment.order)
    real = upn.qr
    upn.qr = lambda order, **_: symbols[upn.payload(order)]  # type: ignore[assignment,misc]
    try:
        yield {key: symbol.matrix() for key, symbol in symbols.items()}  # type: ignore[attr-defined]
    finally:
        upn.qr = real


def section_pdf_drawing(docs: list[InvoiceDocument], repeat: int) -> Result:
    from szo_core.invoices import fonts
    from szo_core.invoices.pdf import invoice_pdf

    fonts.register()
    ours, base = [], []
    with _precomputed_qr(docs) as matrices:
        pairs = [
            (d, matrices[d.payment.payload()])  # type: ignore[union-attr]
            for d in docs
        ]
        for _ in range(repeat):
            ours.append(_time(lambda: [invoice_pdf(d) for d in docs]))
            base.append(_time(lambda: [bare_reportlab(d, m) for d, m in pairs]))
    return Result("pdf-drawing", len(docs), ours, base)


def section_qr(docs: list[InvoiceDocument], repeat: int) -> Result:
    orders = [d.payment.order for d in docs]  # type: ignore[union-attr]
    ours = [_time(lambda: [upn.qr(o) for o in orders]) for _ in range(repeat)]
    return Result("qr", len(docs), ours)


def section_eslog(docs: list[InvoiceDocument], repeat: int) -> Result:
    """e-SLOG documents with XSD validation, against lxml parsing and serialising the same XML."""
    from lxml import etree

    from szo_core.invoices.eslog import to_eslog, validate_eslog

    xml = [to_eslog(d) for d in docs]
    validate_eslog(xml[0])  # the schema is loaded once per process, before the clock

    def ours() -> None:
        for d in docs:
            validate_eslog(to_eslog(d))

    def bare() -> None:
        for data in xml:
            etree.tostring(etree.fromstring(data))

    timings, base = [], []
    for _ in range(repeat):
        timings.append(_time(ours))
        base.append(_time(bare))
    return Result("eslog", len(docs), timings, base, baseline_name="bare lxml")


PRINT_N = [1000, 10000]


def section_print_memory(docs: list[InvoiceDocument], repeat: int) -> Result:
    """Print-PDF peak memory: ``benchmarks/bench_print_batch.py`` for ``PRINT_N`` invoices.

    Each mode runs in a fresh process (flat batch against one reportlab canvas
    with every page, the same drawer); the table is printed as it comes.
    """
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).with_name("bench_print_batch.py")
    args = [sys.executable, str(script), "--n", *map(str, PRINT_N), "--tracemalloc-max", "1000"]
    table = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    print(table, flush=True)
    return Result("print-memory", PRINT_N[-1], [])


SECTIONS: dict[str, Callable[[list[InvoiceDocument], int], Result]] = {
    "pdf": section_pdf,
    "pdf-drawing": section_pdf_drawing,
    "qr": section_qr,
    "eslog": section_eslog,
    "print-memory": section_print_memory,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sections", nargs="*", default=list(SECTIONS), choices=list(SECTIONS))
    parser.add_argument(
        "--print-n", type=int, nargs="+", default=PRINT_N, help="invoices per print batch"
    )
    args = parser.parse_args()
    PRINT_N[:] = args.print_n
    docs = make_docs(args.n)
    # Check once, outside the clock, that both sides make a PDF of the page.
    from szo_core.invoices.pdf import invoice_pdf

    assert invoice_pdf(docs[0]).startswith(b"%PDF-")
    assert bare_reportlab(docs[0]).startswith(b"%PDF-")
    for name in args.sections:
        print(SECTIONS[name](docs, args.repeat).report(), flush=True)


if __name__ == "__main__":
    main()
