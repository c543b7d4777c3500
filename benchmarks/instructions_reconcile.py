"""Instruction counts of bench_reconcile's match and baseline, under callgrind (not timed).

Timings on a shared machine spread by a third from run to run; the number of
instructions a part executes does not (valgrind counts the same total twice).
This runs one part of ``bench_reconcile.py`` (``match``: the ledger built and
``match_all`` a thousand entries at a time; ``baseline``: the plain dict join)
once to warm it, then once more inside ``functools.reduce`` so that callgrind,
told to collect only inside that C function, counts exactly that second run.

The items and the parsed entries are made natively once (``prepare``) and kept
in a pickle, so the slow part under valgrind is only the part counted.

Run (from the project folder)::

    .venv/bin/python benchmarks/instructions_reconcile.py prepare --n 100000
    for part in baseline match; do
      valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \\
        --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/instructions_reconcile.py count $part --n 100000 \\
        2>&1 | grep Collected
    done

The ratio of the two ``Collected`` figures is match / baseline in instructions.
Instructions are not time (a cache miss costs many): the timed benchmark stays the
figure of the issue; this one tells whether a change made less work.
"""

from __future__ import annotations

import argparse
import functools
import gc
import pickle
import tempfile
from pathlib import Path

import bench_reconcile as bench  # beside this file: python puts its folder on the path
from szo_core.payments.statements import BankEntry, read_bank_file
from szo_core.receivables import LedgerItem


def _cache(n: int) -> Path:
    return Path(tempfile.gettempdir()) / f"szo-instructions-reconcile-{n}.pickle"


def prepare(n: int) -> None:
    """Write the items and the parsed camt.053 entries of ``bench_reconcile`` for ``n``."""
    items = bench._items(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "izpisek.xml"
        bench.write_camt053(path, bench.ACCOUNT, bench.DAY, bench._credits(items))
        entries = [e for e in read_bank_file(path) if isinstance(e, BankEntry)]
    _cache(n).write_bytes(pickle.dumps((items, entries)))
    print(f"{n:,} items and entries in {_cache(n)}")


def count(part: str, n: int) -> None:
    """Run ``part`` once to warm it, then once inside ``functools.reduce`` (what is counted)."""
    loaded: tuple[list[LedgerItem], list[BankEntry]] = pickle.loads(_cache(n).read_bytes())
    items, entries = loaded

    part_of = {"baseline": bench.join_on_reference, "match": bench.match_in_thousands}[part]

    def run() -> None:
        part_of(items, entries)

    run()
    gc.collect()
    functools.reduce(lambda _none, each: each(), [run], None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("prepare", "count"))
    parser.add_argument("part", nargs="?", choices=("baseline", "match"), default="match")
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    if args.what == "prepare":
        prepare(args.n)
    else:
        count(args.part, args.n)


if __name__ == "__main__":
    main()
