"""Benchmark: szo_core.ids.reference validate() / is_valid() in bulk.

Run: ``.venv/bin/python benchmarks/bench_reference.py [--n 1000000] [--repeat 5]``

Builds ``--n`` references per kind (seeded), about 10 % of them with one digit
changed, and times each kind ``--repeat`` times, alternating szo_core and its
baseline in the same process:

=========  ==========================================  =====================================
kind       szo_core                                    baseline
=========  ==========================================  =====================================
rf         ``reference.validate``                      ``stdnum.iso11649.validate`` (target
                                                       ratio <= 1.3)
si12       ``reference.validate`` (SI12, 13 digits)    ``stdnum.si.ddv.validate`` on tax
                                                       numbers: the nearest library mod 11
si_mixed   ``reference.validate`` (SI00/01/05/08/11)   ``stdnum.si.ddv.validate`` (no library
                                                       implements SI models)
is_valid   ``reference.is_valid`` over all of them     ``stdnum.iso11649.is_valid`` on the RF
=========  ==========================================  =====================================

Per call it prints the minimum and the median over the repeats, the spread
(max/min - 1, the run-to-run noise) and the ratio szo_core / baseline of the minima.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence

from stdnum import iso11649
from stdnum.si import ddv

from szo_core.ids import reference

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _digits(rng: random.Random, low: int, high: int, *, lead_zero: bool = True) -> str:
    size = rng.randint(low, high)
    first = rng.choice("0123456789" if lead_zero else "123456789")
    return first + "".join(rng.choice("0123456789") for _ in range(size - 1))


def _typo(rng: random.Random, value: str) -> str:
    """One digit changed (about 10 % of the inputs), keeping hyphens and letters."""
    if rng.random() >= 0.1:
        return value
    spots = [i for i, c in enumerate(value) if c.isdigit() and i >= 4]
    if not spots:
        return value
    i = rng.choice(spots)
    return value[:i] + rng.choice("0123456789".replace(value[i], "")) + value[i + 1 :]


def rf_refs(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = "".join(rng.choice(ALNUM) for _ in range(rng.randint(4, 21)))
        out.append(_typo(rng, reference.make_rf(body)))
    return out


def si12_refs(rng: random.Random, n: int) -> list[str]:
    return [_typo(rng, reference.make("SI12", _digits(rng, 4, 12))) for _ in range(n)]


def si_mixed_refs(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        model = rng.choice(("SI00", "SI01", "SI05", "SI08", "SI11"))
        # at most 4 + 4 + 3 digits: SI01's one group stays within mod 11's 12 digits
        p1 = _digits(rng, 1, 4)
        p2 = _digits(rng, 1, 4, lead_zero=False)
        p3 = _digits(rng, 1, 3, lead_zero=False)
        out.append(_typo(rng, reference.make(model, p1, p2, p3)))
    return out


def tax_numbers(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        body = _digits(rng, 7, 7, lead_zero=False)
        check = -sum(int(d) * w for d, w in zip(body, range(8, 1, -1), strict=True)) % 11
        if check != 10:  # ddv refuses a check digit of 10
            out.append(_typo(rng, "SI" + body + str(check % 10)))
    return out


def _time(func: Callable[[str], object], items: Sequence[str]) -> float:
    start = time.perf_counter()
    for item in items:
        try:  # noqa: SIM105 - cheaper than contextlib.suppress in a timed loop
            func(item)
        except ValueError:
            pass
    return time.perf_counter() - start


def _bool_time(func: Callable[[str], bool], items: Sequence[str]) -> float:
    start = time.perf_counter()
    for item in items:
        func(item)
    return time.perf_counter() - start


def _report(
    kind: str,
    ours: tuple[Callable[[Sequence[str]], float], Sequence[str]],
    base: tuple[Callable[[Sequence[str]], float], Sequence[str]],
    repeat: int,
) -> None:
    our_times: list[float] = []
    base_times: list[float] = []
    for _ in range(repeat):
        our_times.append(ours[0](ours[1]) / len(ours[1]))
        base_times.append(base[0](base[1]) / len(base[1]))

    def fmt(times: list[float]) -> str:
        spread = max(times) / min(times) - 1
        return (
            f"min {min(times) * 1e6:6.2f} us  median {statistics.median(times) * 1e6:6.2f} us"
            f"  spread {spread:5.1%}"
        )

    print(f"{kind:9s} szo_core  {fmt(our_times)}  ({len(ours[1]):,} calls)")
    print(f"{'':9s} baseline  {fmt(base_times)}  ({len(base[1]):,} calls)")
    print(f"{'':9s} ratio szo_core / baseline (minima): {min(our_times) / min(base_times):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="references per kind")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(20261105)
    n = args.n
    rf, si12, mixed, tax = (
        rf_refs(rng, n),
        si12_refs(rng, n),
        si_mixed_refs(rng, n),
        tax_numbers(rng, n),
    )
    valid_share = sum(map(reference.is_valid, rf + si12 + mixed)) / (3 * n)
    print(f"{n:,} references per kind, {valid_share:.1%} valid, {args.repeat} repeats\n")

    def timed(func: Callable[[str], object]) -> Callable[[Sequence[str]], float]:
        return lambda items: _time(func, items)

    def timed_bool(func: Callable[[str], bool]) -> Callable[[Sequence[str]], float]:
        return lambda items: _bool_time(func, items)

    _report("rf", (timed(reference.validate), rf), (timed(iso11649.validate), rf), args.repeat)
    _report("si12", (timed(reference.validate), si12), (timed(ddv.validate), tax), args.repeat)
    _report("si_mixed", (timed(reference.validate), mixed), (timed(ddv.validate), tax), args.repeat)
    everything = rf + si12 + mixed
    _report(
        "is_valid",
        (timed_bool(reference.is_valid), everything),
        (timed_bool(iso11649.is_valid), rf),
        args.repeat,
    )


if __name__ == "__main__":
    main()
