"""Benchmark: e-SLOG 2.0 documents per second, with and without the XSD check.

Run: ``.venv/bin/python benchmarks/bench_eslog.py [--n 1000] [--repeat 5] [--lines 6]``

Builds ``--n`` kindergarten invoices (a fifth of them credit notes) with
``--lines`` lines each, Slovenian text, then times in the same process:

===============  ==========================================================
section          what
===============  ==========================================================
write            ``to_eslog`` (codes checked, texts split, serialised)
write+validate   ``to_eslog`` then ``validate_eslog``
validate         ``validate_eslog`` alone, on the written bytes
read             ``read_eslog`` (parse, XSD check, back into the record)
baseline         bare lxml on the same bytes: ``fromstring`` + ``tostring``
===============  ==========================================================

Each section runs ``--repeat`` times; the report gives documents per second
from the best and the median run, the spread (max/min - 1) as the machine's
noise, and each section's time as a ratio of the bare-lxml baseline.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from lxml import etree

from szo_core.calendar import Month
from szo_core.invoices import (
    Bilingual,
    CorrectedInvoice,
    DocumentLine,
    DocumentType,
    InvoiceDocument,
    PartyInfo,
)
from szo_core.invoices.eslog import read_eslog, to_eslog, validate_eslog
from szo_core.invoices.eslog.schema import schema
from szo_core.model import Address

SELLER = PartyInfo(
    name="Vrtec Čebelica Šentjur",
    address=Address(street="Cesta Leona Dobrotinška 5", post_code="3230", city="Šentjur"),
    tax_number="12345679",
    registration_number="5051235000",
    iban="SI56020170014356205",
    bic="LJBASI2X",
)


def documents(n: int, lines: int) -> list[InvoiceDocument]:
    out = []
    for i in range(n):
        credit = i % 5 == 4
        amounts = [Decimal(f"{(i * 37 + j * 11) % 300 + 1}.{j:02d}") for j in range(lines)]
        if credit:
            amounts = [-a for a in amounts]
        doc_lines = tuple(
            DocumentLine(
                position=j + 1,
                kind="share",
                description=Bilingual(
                    sl=f"Dnevni program 1.–3. leto, september 2026 ({j + 1})",
                    en=f"Day programme, 1st–3rd year, September 2026 ({j + 1})",
                ),
                detail=Bilingual(
                    sl="22 od 22 delovnih dni, 35 % cene po odločbi 1203-45/2026",
                    en="22 of 22 working days, 35 % of the price by decision 1203-45/2026",
                ),
                amount=amount,
                days=22,
                days_in_month=22,
                coefficient=Decimal("0.35"),
                decision_number="1203-45/2026",
            )
            for j, amount in enumerate(amounts)
        )
        out.append(
            InvoiceDocument(
                number=f"{'D' if credit else ''}2026-{i + 1:06d}",
                type=DocumentType.CREDIT_NOTE if credit else DocumentType.INVOICE,
                issued_on=date(2026, 10, 2),
                period=Month(2026, 9),
                due_on=None if credit else date(2026, 10, 19),
                seller=SELLER,
                buyer=PartyInfo(
                    name=f"Špela Žagar {i}",
                    address=Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana"),
                    iban="SI56192001234567892",
                ),
                child_name=f"Eva Žagar {i}",
                child_code=100 + i,
                lines=doc_lines,
                total=sum(amounts, Decimal("0.00")),
                reference=f"SI12 00101{i:06d}",
                corrects=(
                    (CorrectedInvoice(month=Month(2026, 8), number=f"2026-{i:06d}"),)
                    if credit
                    else ()
                ),
            )
        )
    return out


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lines", type=int, default=6)
    args = parser.parse_args()

    docs = documents(args.n, args.lines)
    schema()  # loaded once, outside the timings
    written = [to_eslog(doc) for doc in docs]
    size = sum(map(len, written)) / len(written)

    def write() -> None:
        for doc in docs:
            to_eslog(doc)

    def write_validate() -> None:
        for doc in docs:
            validate_eslog(to_eslog(doc))

    def validate() -> None:
        for xml in written:
            validate_eslog(xml)

    def read() -> None:
        for xml in written:
            read_eslog(xml)

    def baseline() -> None:
        for xml in written:
            etree.tostring(etree.fromstring(xml))

    sections: dict[str, Callable[[], None]] = {
        "baseline": baseline,
        "write": write,
        "write+validate": write_validate,
        "validate": validate,
        "read": read,
    }
    results = {name: timed(fn, args.repeat) for name, fn in sections.items()}
    base = min(results["baseline"])
    print(
        f"{args.n} documents, {args.lines} lines each, {size / 1024:.1f} KiB per document, "
        f"{args.repeat} runs per section"
    )
    print(f"{'section':<16}{'docs/s best':>12}{'docs/s median':>15}{'spread':>9}{'x baseline':>12}")
    for name, runs in results.items():
        best, median = min(runs), statistics.median(runs)
        spread = max(runs) / best - 1
        print(
            f"{name:<16}{args.n / best:>12,.0f}{args.n / median:>15,.0f}"
            f"{spread:>8.1%}{best / base:>12.1f}"
        )


if __name__ == "__main__":
    main()
