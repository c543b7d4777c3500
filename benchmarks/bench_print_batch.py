"""Benchmark: a month's invoices as one print PDF, the flat batch against one reportlab canvas.

Run: ``.venv/bin/python benchmarks/bench_print_batch.py [--n 1000 10000] [--part-size 32]
[--tracemalloc-max 2000] [--drawer stand-in|pdf]``

Two ways of writing the same documents with the same drawer into one PDF, each run in a
fresh subprocess (so that the RSS figures are the run's own):

==============  ==========================================================================
mode            what
==============  ==========================================================================
flat            ``szo_core.invoices.batch.write_print_batch``: parts of ``--part-size``
                documents on their own canvas, read back with pypdf and streamed into
                the file, the fonts written once
one-canvas      the bare baseline: every page on one ``reportlab`` ``Canvas`` (invariant,
                A4, the same fonts), then ``save()``; reportlab keeps every page in memory
                until then and subsets the fonts once
==============  ==========================================================================

Figures per mode and size: seconds, pages per second, the ratio of pages per second
flat / one-canvas, the peak RSS (``ru_maxrss``) and its growth over the process after
setup (imports, documents built, fonts loaded), the file size, and, in a second fresh
process for sizes up to ``--tracemalloc-max`` (tracemalloc slows drawing about sixfold),
the tracemalloc peak of the write alone.

The documents are ``tests/invoices/test_batch.py``'s ``sample_invoice`` (a UPN slip
invoice) with a different payer and slip each (seven names with č, š, ž, seven post
codes), drawn by the stand-in drawer of the same file (an A4 page: a header, 25 text
lines with č, š, ž, amounts, about 600 small filled squares like a QR symbol);
``--drawer pdf`` uses
``szo_core.invoices.pdf.draw_invoice`` when it is there.  Output goes to ``os.devnull``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, n: int, part_size: int, trace: bool, drawer: str) -> dict[str, Any]:
    tests = _load("batch_tests", ROOT / "tests" / "invoices" / "test_batch.py")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from szo_core.invoices.batch import write_print_batch

    if drawer == "pdf":
        pdf = importlib.import_module("szo_core.invoices.pdf")

        def draw(canvas: Any, doc: Any, language: Any) -> int:
            return int(pdf.draw_invoice(canvas, doc, language=language))
    else:
        draw = tests.stand_in_draw
    docs = tests.many(tests.sample_invoice(), n)
    # warm up: fonts parsed, modules imported, for both modes alike
    with open(os.devnull, "wb") as sink:
        write_print_batch(docs[:2], sink, draw=draw, part_size=part_size)
    base = _rss_mb()
    counter = _Counter()

    def run() -> int:
        if mode == "flat":
            return write_print_batch(docs, counter, draw=draw, part_size=part_size)
        canvas = Canvas(counter, pagesize=A4, invariant=1)
        pages = sum(draw(canvas, doc, "sl") for doc in docs)
        canvas.save()
        return pages

    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    pages = run()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    return {
        "pages": pages,
        "seconds": seconds,
        "rss_mb": _rss_mb(),
        "rss_growth_mb": _rss_mb() - base,
        "bytes": counter.size,
        "tracemalloc_mb": None if peak is None else peak / 1e6,
    }


class _Counter:
    """A write-only binary sink that counts bytes (output to nowhere, no disk in the figures)."""

    def __init__(self) -> None:
        self.size = 0
        self._null = open(os.devnull, "wb")  # noqa: SIM115 - kept for the run

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return self._null.write(data)

    def flush(self) -> None:
        self._null.flush()


def spawn(mode: str, n: int, part_size: int, trace: bool, drawer: str) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", mode, str(n), str(part_size), str(int(trace))]
    args += ["--drawer", drawer]
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000])
    parser.add_argument("--part-size", type=int, default=32)
    parser.add_argument("--tracemalloc-max", type=int, default=2000)
    parser.add_argument("--drawer", choices=("stand-in", "pdf"), default="stand-in")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "N", "PART", "TRACE"))
    args = parser.parse_args()
    if args.child:
        mode, n, part, trace = args.child
        print(json.dumps(child(mode, int(n), int(part), trace == "1", args.drawer)))
        return
    python = sys.version.split()[0]
    print(f"print batch, drawer {args.drawer}, part size {args.part_size}, python {python}")
    header = (
        f"{'n':>7} {'mode':<11} {'s':>8} {'pages/s':>8} {'ratio':>6} {'RSS MB':>7} "
        f"{'RSS +MB':>8} {'tracemalloc MB':>15} {'file MB':>8}"
    )
    print(header)
    for n in args.n:
        rows = {}
        for mode in ("flat", "one-canvas"):
            row = spawn(mode, n, args.part_size, False, args.drawer)
            if n <= args.tracemalloc_max:
                row["tracemalloc_mb"] = spawn(mode, n, args.part_size, True, args.drawer)[
                    "tracemalloc_mb"
                ]
            rows[mode] = row
        for mode, row in rows.items():
            rate = row["pages"] / row["seconds"]
            baseline = rows["one-canvas"]["pages"] / rows["one-canvas"]["seconds"]
            traced = "-" if row["tracemalloc_mb"] is None else f"{row['tracemalloc_mb']:.1f}"
            print(
                f"{n:>7} {mode:<11} {row['seconds']:>8.2f} {rate:>8.1f} {rate / baseline:>6.2f} "
                f"{row['rss_mb']:>7.1f} {row['rss_growth_mb']:>8.1f} {traced:>15} "
                f"{row['bytes'] / 1e6:>8.2f}"
            )


if __name__ == "__main__":
    main()
