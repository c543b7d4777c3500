"""Pausing Python's cyclic garbage collector around bulk builds of records.

``load_month`` and ``compute_month`` build many small container objects (records,
tuples, statement lines) that all survive.  With the collector running, the
growing young generations trigger collections that walk every object built so far
again and again: measured at about 40 % of ``load_month`` for 30,000 children and
most of the per-child growth of ``compute_month`` from 1,000 to 100,000 children
(``benchmarks/bench_storage.py``, ``benchmarks/bench_fees.py``).  Paused, the new
objects are walked once, by the first collection after the build.

The objects built hold no reference cycles, so nothing is kept that a collection
would have freed.  The pause is process-wide (other threads do not collect
meanwhile), lasts only for the build, and the collector is turned back on in
``finally`` unless the caller had it off already.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused(pause: bool = True) -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block when ``pause`` is true.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    >>> with collector_paused(False):
    ...     gc.isenabled()
    True
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
