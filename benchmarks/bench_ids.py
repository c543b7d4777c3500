"""Benchmark: szo_core.ids validate() against the bare library calls, on the same inputs.

Run: ``.venv/bin/python benchmarks/bench_ids.py [--n 1000000] [--repeat 5]``

Builds ``--n`` mixed identifiers (EMŠO, tax numbers, IBANs, creditor ids and, if
``szo_core.ids.reference`` is there, RF references), about 10 % of them with one
digit changed. Each kind is then validated with szo_core and with the bare call it
wraps, in the same process:

==============  ==================================================
kind            baseline
==============  ==================================================
emso            ``stdnum.si.emso.validate``
davcna          ``stdnum.si.ddv.validate``
iban            ``schwifty.IBAN(s, validate_bban=True)``
creditor_id     ``stdnum.eu.at_02.validate``
rf              ``stdnum.iso11649.validate``
==============  ==================================================

Each (kind, side) is timed ``--repeat`` times, and the sides alternate. The
report gives, per call, the minimum and median over the repeats, the spread
(max/min - 1) and the ratio szo_core / baseline of the minima. Overall figures
are sums over the kinds. Target: ratio <= 1.3.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import schwifty
import stdnum.eu.at_02
import stdnum.iso11649
import stdnum.si.ddv
import stdnum.si.emso
from schwifty import registry as schwifty_registry

from szo_core.errors import ValidationError
from szo_core.ids import creditor_id, davcna, emso, iban

try:
    from szo_core.ids import reference
except ImportError:  # the reference module is written separately
    reference = None

Validator = Callable[[str], object]


def _corrupt(rng: random.Random, value: str) -> str:
    positions = [i for i, ch in enumerate(value) if ch.isdigit()]
    at = rng.choice(positions)
    digit = str((int(value[at]) + rng.randint(1, 9)) % 10)
    return value[:at] + digit + value[at + 1 :]


def _emsos(rng: random.Random, n: int) -> list[str]:
    start = date(1930, 1, 1)
    out = []
    while len(out) < n:
        born = start + timedelta(days=rng.randrange(36_000))
        sex = rng.choice((emso.Sex.MALE, emso.Sex.FEMALE))
        serial = rng.randrange(500) + (0 if sex is emso.Sex.MALE else 500)
        try:
            out.append(emso.make(born, sex, serial=serial))
        except ValidationError:
            continue
    return out


def _tax_numbers(rng: random.Random, n: int) -> list[str]:
    out = []
    while len(out) < n:
        try:
            out.append(davcna.make(str(rng.randrange(1_000_000, 10_000_000))))
        except ValidationError:
            continue
    return out


_FOREIGN_IBANS = (
    "DE89370400440532013000",
    "AT611904300234573201",
    "BE68539007547034",
    "HR1210010051863000160",
    "FR1420041010050500013M02606",
    "IT60X0542811101000000123456",
)


def _ibans(rng: random.Random, n: int) -> list[str]:
    codes = sorted({b.bank_code for b in schwifty_registry.get_banks_by_country("SI")})
    out = []
    for _ in range(n):
        if rng.random() < 0.8:
            out.append(iban.make_si(rng.choice(codes), f"{rng.randrange(10**8):08d}"))
        else:
            out.append(rng.choice(_FOREIGN_IBANS))
    return out


def _creditor_ids(rng: random.Random, n: int) -> list[str]:
    return [creditor_id.make(tax) for tax in _tax_numbers(rng, n)]


def _rf_references(rng: random.Random, n: int) -> list[str]:
    assert reference is not None
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [
        reference.make_rf("".join(rng.choice(alphabet) for _ in range(rng.randint(4, 21))))
        for _ in range(n)
    ]


def _with_errors(rng: random.Random, values: list[str]) -> list[str]:
    return [_corrupt(rng, v) if rng.random() < 0.1 else v for v in values]


def _loop(function: Validator, values: Sequence[str], errors: tuple[type[Exception], ...]) -> float:
    start = time.perf_counter()
    for value in values:
        try:  # noqa: SIM105 - a plain try is cheaper than contextlib.suppress in a timed loop
            function(value)
        except errors:
            pass
    return time.perf_counter() - start


def _schwifty_iban(value: str) -> object:
    return schwifty.IBAN(value, validate_bban=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="identifiers in all")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per side")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    stdnum_errors = (stdnum.si.emso.ValidationError,)
    kinds: list[tuple[str, Validator, Validator, tuple[type[Exception], ...], list[str]]] = []
    share = args.n // (5 if reference is not None else 4)
    kinds.append(
        ("emso", emso.validate, stdnum.si.emso.validate, stdnum_errors, _emsos(rng, share))
    )
    kinds.append(
        ("davcna", davcna.validate, stdnum.si.ddv.validate, stdnum_errors, _tax_numbers(rng, share))
    )
    kinds.append(
        (
            "iban",
            iban.validate,
            _schwifty_iban,
            (schwifty.exceptions.SchwiftyException,),
            _ibans(rng, share),
        )
    )
    kinds.append(
        (
            "creditor_id",
            creditor_id.validate,
            stdnum.eu.at_02.validate,
            stdnum_errors,
            _creditor_ids(rng, share),
        )
    )
    if reference is not None:
        kinds.append(
            (
                "rf",
                reference.validate,
                stdnum.iso11649.validate,
                stdnum_errors,
                _rf_references(rng, share),
            )
        )
    else:
        print("note: szo_core.ids.reference not found; RF references left out")

    total = sum(len(k[4]) for k in kinds)
    print(f"validating {total:,} identifiers (~10 % with one digit changed), repeat={args.repeat}")
    print(
        f"python {sys.version.split()[0]}, stdnum {stdnum.__version__}, "
        f"schwifty {schwifty.__version__}"
    )
    header = (
        f"{'kind':<12} {'n':>8}  {'szo min':>9} {'szo med':>9} {'spread':>7}  "
        f"{'base min':>9} {'base med':>9} {'spread':>7}  {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    ours_total = base_total = ours_med_total = base_med_total = 0.0
    for name, ours, base, base_errors, raw in kinds:
        values = _with_errors(rng, raw)
        ours_times: list[float] = []
        base_times: list[float] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # schwifty's NationalChecksumNotVerified
            _loop(ours, values[:1000], (ValidationError,))  # warm up caches
            _loop(base, values[:1000], base_errors)
            for _ in range(args.repeat):
                ours_times.append(_loop(ours, values, (ValidationError,)))
                base_times.append(_loop(base, values, base_errors))
        count = len(values)
        o_min, o_med = min(ours_times), statistics.median(ours_times)
        b_min, b_med = min(base_times), statistics.median(base_times)
        ours_total += o_min
        base_total += b_min
        ours_med_total += o_med
        base_med_total += b_med
        print(
            f"{name:<12} {count:>8,}  {o_min / count * 1e6:>7.2f}us {o_med / count * 1e6:>7.2f}us "
            f"{max(ours_times) / o_min - 1:>6.1%}  {b_min / count * 1e6:>7.2f}us "
            f"{b_med / count * 1e6:>7.2f}us {max(base_times) / b_min - 1:>6.1%}  "
            f"{o_min / b_min:>5.2f}x"
        )
    print("-" * len(header))
    print(
        f"{'overall':<12} {total:>8,}  {ours_total / total * 1e6:>7.2f}us "
        f"{ours_med_total / total * 1e6:>7.2f}us {'':>7}  {base_total / total * 1e6:>7.2f}us "
        f"{base_med_total / total * 1e6:>7.2f}us {'':>7}  {ours_total / base_total:>5.2f}x"
    )
    print(f"sum of the minima: szo_core {ours_total:.2f}s, baseline {base_total:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
