"""Benchmark: szo_core.payments against sepaxml (pain.008) and upnqr (UPN QR).

Run:  .venv/bin/python benchmarks/bench_payments.py [--sizes 10000 100000] [--repeat 3]

SEPA part
    For each size, each implementation runs ``--repeat`` times, every run in a fresh
    subprocess, on the same deterministic data: Slovenian names with carons, valid SI
    IBANs (national check digits included), 10 % FRST / 90 % RCUR, one collection date,
    amounts 10.00-409.99 EUR, one remittance line each.  The rows come from a generator,
    as from a database cursor; for szo_core they are ordered by sequence type (an
    ``ORDER BY`` the query would do), so the writer reads them twice (check pass +
    write pass).

    * ``szo_core``: rows -> DirectDebit records -> ``write_pain008`` to a file, with all
      checks on (IBANs with schwifty, mandate ids, charset, lengths) and no XSD check;
    * ``sepaxml``: rows -> ``add_payment`` -> ``export(validate=False)`` -> file: the
      same as ``shared/reference/scripts/bench_sepaxml.py``'s ``sepaxml`` mode;
    * ``szo_core validate``: ``sepa.validate`` (lxml iterparse + XSD) of szo_core's file.

    Memory: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the subprocess, read after
    imports and setup (``base``) and after the run (``peak``); the table shows the peak
    and the delta peak - base, i.e. what the run itself added.

UPN part (in process)
    payloads per second and QR symbols per second (matrix only, and PNG at 600 dpi),
    szo_core vs the ``upnqr`` package, best and median of ``--repeat`` timings; then the
    amounts where upnqr's ``math.floor(float * 100)`` gets the cents wrong.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

COLLECTION_DATE = date(2030, 1, 15)
MANDATE_DATE = date(2024, 9, 1)
FIRST = ["Žiga", "Špela", "Čedomir", "Ana", "Luka", "Nina", "Matija", "Eva"]
LAST = ["Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Kos", "Vidmar"]
CREDITOR_NAME = "Vrtec Čebelica Žalec"
CREDITOR_IBAN = "SI56011006000000023"
CREDITOR_BIC = "BSLJSI2X"
CREDITOR_ID = "SI72ZZZ12345679"


def si_iban(i: int) -> str:
    """A valid SI IBAN: BBAN 02011 + account + 2 digits making BBAN mod 97 == 1 (so SI56)."""
    body = 201100000000 + i % 100_000_000  # "02011" + 8-digit account, as an int
    check = (1 - body * 100) % 97
    check += 97 if check < 2 else 0  # ISO 7064 MOD 97-10 check digits run from 02 to 98
    return f"SI5602011{i % 100_000_000:08d}{check:02d}"


def rows(n: int) -> Iterator[dict[str, object]]:
    """The same rows for both libraries: first the FRST tenth, then the RCUR rest."""
    for seq, wanted in (("FRST", 0), ("RCUR", None)):
        for i in range(n):
            if (i % 10 == 0) != (wanted == 0):
                continue
            yield {
                "name": f"{FIRST[i % 8]} {LAST[(i // 8) % 8]}",
                "IBAN": si_iban(i),
                "amount": 1000 + (i * 7919) % 40000,  # cents
                "type": seq,
                "collection_date": COLLECTION_DATE,
                "mandate_id": f"VRT-{i:010d}",
                "mandate_date": MANDATE_DATE,
                "description": f"Oskrbnina vrtec januar 2030, otrok {i}",
                "endtoend_id": f"E2E-{i:010d}",
            }


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_szo(n: int, out: str) -> dict[str, float]:
    from szo_core.payments import sepa
    from szo_core.payments.instructions import DebitMandate, SequenceType

    class Debits:
        def __iter__(self) -> Iterator[sepa.DirectDebit]:
            for row in rows(n):
                yield sepa.DirectDebit(
                    end_to_end_id=row["endtoend_id"],
                    amount=Decimal(row["amount"]).scaleb(-2),
                    collection_date=row["collection_date"],
                    remittance=row["description"],
                    mandate=DebitMandate(
                        reference=row["mandate_id"],
                        signed_on=row["mandate_date"],
                        debtor_name=row["name"],
                        iban=row["IBAN"],
                        sequence=SequenceType(row["type"]),
                    ),
                )

    batch = sepa.DirectDebitBatch(
        message_id=f"BENCH-{n}",
        created_at=datetime(2030, 1, 10, 8, 0),
        creditor=sepa.Creditor(
            name=CREDITOR_NAME, iban=CREDITOR_IBAN, bic=CREDITOR_BIC, creditor_id=CREDITOR_ID
        ),
        transactions=Debits(),
    )
    base = _maxrss_mib()
    t0 = time.perf_counter()
    summary = sepa.write_pain008(batch, out, "pain.008.001.02")
    wall = time.perf_counter() - t0
    assert summary.transactions == n
    return {"wall_s": wall, "base_mib": base, "peak_mib": _maxrss_mib()}


def run_sepaxml(n: int, out: str) -> dict[str, float]:
    from sepaxml import SepaDD

    config = {
        "name": CREDITOR_NAME,
        "IBAN": CREDITOR_IBAN,
        "BIC": CREDITOR_BIC,
        "batch": True,
        "creditor_id": CREDITOR_ID,
        "currency": "EUR",
    }
    base = _maxrss_mib()
    t0 = time.perf_counter()
    sepa = SepaDD(config, schema="pain.008.001.02", clean=True)
    for row in rows(n):
        sepa.add_payment(row)
    xml = sepa.export(validate=False)
    Path(out).write_bytes(xml)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "base_mib": base, "peak_mib": _maxrss_mib()}


def run_validate(path: str) -> dict[str, float]:
    from szo_core.payments import sepa

    sepa._schema("pain.008.001.02")  # load the XSD outside the timing
    base = _maxrss_mib()
    t0 = time.perf_counter()
    check = sepa.validate(path)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "base_mib": base, "peak_mib": _maxrss_mib(), "n": check.transactions}


def child(mode: str, n: int, out: str) -> None:
    runner = {"szo": run_szo, "sepaxml": run_sepaxml}
    result = run_validate(out) if mode == "validate" else runner[mode](n, out)
    result["bytes"] = os.path.getsize(out)
    print(json.dumps(result))


def spawn(mode: str, n: int, out: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(n), out],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def describe(values: list[float]) -> str:
    median = statistics.median(values)
    spread = (max(values) - min(values)) / median * 100 if median else 0.0
    return f"min {min(values):7.3f}  median {median:7.3f}  spread {spread:4.1f}%"


def bench_sepa(sizes: list[int], repeat: int) -> None:
    print("== pain.008.001.02: szo_core.payments.sepa vs sepaxml 2.7 (export without validation)")
    print(f"   {repeat} runs per cell, each in a fresh subprocess; times in seconds, memory in MiB")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            ours_path = str(Path(tmp) / f"szo-{n}.xml")
            theirs_path = str(Path(tmp) / f"sepaxml-{n}.xml")
            runs: dict[str, list[dict[str, float]]] = {"szo": [], "sepaxml": [], "validate": []}
            for _ in range(repeat):  # interleaved, so drift in machine load hits both
                runs["szo"].append(spawn("szo", n, ours_path))
                runs["sepaxml"].append(spawn("sepaxml", n, theirs_path))
                runs["validate"].append(spawn("validate", n, ours_path))
            print(f"-- {n:,} transactions")
            for mode, label in (
                ("szo", "szo_core write"),
                ("sepaxml", "sepaxml export"),
                ("validate", "szo_core validate"),
            ):
                walls = [r["wall_s"] for r in runs[mode]]
                peaks = [r["peak_mib"] for r in runs[mode]]
                deltas = [r["peak_mib"] - r["base_mib"] for r in runs[mode]]
                size = runs[mode][0]["bytes"] / 1e6
                print(
                    f"   {label:18s} time {describe(walls)} | peak RSS {max(peaks):6.1f} "
                    f"(run adds {max(deltas):6.1f}) | file {size:5.1f} MB"
                )
            ours = [r["wall_s"] for r in runs["szo"]]
            theirs = [r["wall_s"] for r in runs["sepaxml"]]
            median_ratio = statistics.median(theirs) / statistics.median(ours)
            print(
                f"   ratio sepaxml/szo_core: median {median_ratio:.2f}x"
                f", best {min(theirs) / min(ours):.2f}x (target >= 1.5x)"
            )


def best_and_median(fn: Callable[[], None], count: int, repeat: int) -> tuple[float, float]:
    rates = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(count):
            fn()
        rates.append(count / (time.perf_counter() - t0))
    return max(rates), statistics.median(rates)


def bench_upn(repeat: int) -> None:
    import upnqr

    from szo_core.payments import upn

    order = upn.UpnOrder(
        payer_name="Špela Žagar",
        payer_street="Čopova ulica 7",
        payer_city="1000 Ljubljana",
        amount=Decimal("123.45"),
        purpose="Oskrbnina vrtca, marec 2025",
        deadline=date(2025, 4, 18),
        recipient_iban="SI56020170014356205",
        recipient_reference="SI12 0000012345679",
        recipient_name="Vrtec Šentjur",
        recipient_street="Cesta Leona Dobrotinška 5",
        recipient_city="3230 Šentjur",
    )

    def their_data(amount: float) -> upnqr.Data:
        return upnqr.Data(
            placnik=upnqr.Placnik(ime="Špela Žagar", ulica="Čopova ulica 7", kraj="1000 Ljubljana"),
            prejemnik=upnqr.Prejemnik(
                ime="Vrtec Šentjur",
                ulica="Cesta Leona Dobrotinška 5",
                kraj="3230 Šentjur",
                iban="SI56020170014356205",
            ),
            znesek=amount,
            koda_namena="EDUC",
            namen_placila="Oskrbnina vrtca, marec 2025",
            rok_placila=date(2025, 4, 18),
            referenca="SI120000012345679",
        )

    ours_payload = upn.payload(order)
    theirs_payload = upnqr.upn_string(their_data(123.45)).encode(upnqr.ENCODING)
    assert ours_payload == theirs_payload, (ours_payload, theirs_payload)

    def their_png() -> None:
        image = upnqr.to_pil(upnqr.make_from_data(their_data(123.45)), border=4)
        image = image.resize((850, 850))
        image.save(io.BytesIO(), format="PNG", dpi=(600, 600))

    cases = (
        ("payload (validated record -> bytes)", lambda: upn.payload(order),
         lambda: upnqr.upn_string(their_data(123.45)), 2000),
        ("QR symbol (payload + encode v15-M)", lambda: upn.qr(order),
         lambda: upnqr.make_from_data(their_data(123.45)), 30),
        ("PNG 600 dpi (payload + encode + PNG)", lambda: upn.qr(order).png(), their_png, 20),
    )  # fmt: skip
    print("== UPN QR: szo_core.payments.upn vs upnqr 0.1.0 (same payload bytes, checked)")
    print(
        f"   per second, best / median of {repeat} timings;"
        " ratio = szo_core / upnqr median (>= 1: not slower)"
    )
    for label, ours, theirs, count in cases:
        ob, om = best_and_median(ours, count, repeat)
        tb, tm = best_and_median(theirs, count, repeat)
        print(
            f"   {label:38s} szo_core {ob:8.0f} / {om:8.0f}   upnqr {tb:8.0f} / {tm:8.0f}"
            f"   ratio {om / tm:.2f}x"
        )
    print("-- upnqr's float amount bug: math.floor(float * 100) (szo_core takes Decimal)")
    for text in ("0.29", "1.15", "2.01", "4.35", "19.99", "123.45"):
        theirs_cents = upnqr.upn_string(their_data(float(text))).split("\n")[8]
        ours_cents = upn.payload(order.__class__(**{**_fields(order), "amount": Decimal(text)}))
        ours_field = ours_cents.split(b"\n")[8].decode()
        flag = "WRONG" if theirs_cents != ours_field else "ok"
        print(f"   {text:>7s} EUR: upnqr {theirs_cents}  szo_core {ours_field}  {flag}")


def _fields(order: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(order, recurse=False)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["sepa", "upn"], default=None)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "N", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, n, out = args.child
        child(mode, int(n), out)
        return
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if args.only in (None, "sepa"):
        bench_sepa(args.sizes, args.repeat)
    if args.only in (None, "upn"):
        bench_upn(max(args.repeat, 5))


if __name__ == "__main__":
    main()
