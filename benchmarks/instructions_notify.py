"""Instruction counts of bench_notify's ``many`` section and its baseline, under callgrind.

As ``instructions_reconcile.py`` does for reconciliation: one part runs once to
warm it, then once more inside ``functools.reduce``, and callgrind, told to
collect only inside that C function, counts the second run.  ``many`` is
``Notifications.notify_many`` over the events, one committed unit of work per
10,000 (a new memory store and service, as the timed benchmark makes them);
``baseline`` is bare Jinja2 rendering the same texts notify sends
(``bench_notify.same_texts``: subject, HTML and text bodies with the footer, SMS
text); ``bodies`` the narrower baseline of sessions 1-10 (``bench_notify.bodies``:
subject, HTML body without the footer, SMS text).

Run (from the project folder)::

    for part in baseline bodies many; do
      valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \\
        --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/instructions_notify.py $part --events 20000 \\
        --subscribers 2000 2>&1 | grep Collected
    done

Instructions are not time: a memory store that keeps every record as a Python
object costs cache misses and page faults that no instruction count shows, which
is why the timed ratio is higher (docs/notifications.md, "Speed").
"""

from __future__ import annotations

import argparse
import functools
import gc
import tempfile
from collections.abc import Callable
from pathlib import Path

import bench_notify as bench  # beside this file: python puts its folder on the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("baseline", "bodies", "many"))
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--subscribers", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    events = bench._events(args.events, args.subscribers)

    def baseline() -> Callable[[], object]:
        return bench.same_texts(events)

    def bodies() -> Callable[[], object]:
        return bench.bodies(events)

    def many() -> Callable[[], object]:
        store = bench._store("memory", Path(tempfile.gettempdir()))
        bench._world(store, args.subscribers)
        svc = bench._service()

        def run() -> None:
            for first in range(0, len(events), args.batch):
                chunk = events[first : first + args.batch]
                with store.unit_of_work() as uow:
                    svc.notify_many(uow, chunk, now=chunk[-1].occurred_at)
                    uow.commit()

        return run

    make = {"baseline": baseline, "bodies": bodies, "many": many}[args.part]
    make()()  # warm
    run = make()  # a new store and service for the counted run
    gc.collect()
    functools.reduce(lambda _none, each: each(), [run], None)


if __name__ == "__main__":
    main()
