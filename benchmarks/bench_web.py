"""Benchmark: ``szo serve`` under 50 concurrent clients, on SQLite and on PostgreSQL.

Set-up (not timed): the web app (:mod:`szo_core.web`) built by
``szo_core.web.wiring.build`` on a SQLite file and on a throw-away PostgreSQL
server on 127.0.0.1 (``szo_core.adapters.sql.pgtemp``, as the tests start
it), the sample offices and operators (``szo_core.web.demo.seed``), and
``--messages`` messages in one operator's inbox; uvicorn serves it in a
thread of this process on a random loopback port.

Timed: ``--clients`` (50) httpx async clients, each sending requests one after
another for ``--seconds`` per page (bounded in time, and at most
``--requests`` each), over at most ``--clients`` connections:

* **baseline** (named, same process, same server): ``GET /health``, the static
  health endpoint (no database, no template);
* **booking**: ``GET /termin/center/info?dan=...``: a day's free slots (a unit
  of work, the office, its seats, the grid, the page rendered);
* **inbox**: ``GET /operater/prejeto`` signed in: the session looked up, a
  page of 25 messages, the unread count, the page rendered.

Printed: requests, p50 and p95 latency in milliseconds, requests per second
and the ratio of each page's p50 and throughput to the baseline's.  The
client and the server share this process (and its GIL); a shared machine adds
noise.

Full run:   ./run bench web
Quick run:  ./run bench web --seconds 3 --messages 100
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn

from szo_core.adapters.memory import ManualClock
from szo_core.adapters.sql import SqlStore
from szo_core.adapters.sql.pgtemp import TemporaryPostgres, find_pg_bin
from szo_core.messaging import Messaging
from szo_core.ports import Storage
from szo_core.web.accounts import PasswordHasher
from szo_core.web.app import create_app
from szo_core.web.demo import seed
from szo_core.web.wiring import WebConfig, build

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday, 8.00 in Ljubljana
DAY = "2026-12-07"
PASSWORD = "bench-password-1"
PAGES = {
    "health (baseline)": "/health",
    "booking: free slots": f"/termin/center/info?dan={DAY}",
    "inbox: 25 rows": "/operater/prejeto",
}


class Server:
    """The app served by uvicorn in a thread on 127.0.0.1 and a random port."""

    def __init__(self, store: Storage, messages: int) -> None:
        self.services = build(
            WebConfig(secret_key=b"bench" * 8, mail_folder=None, demo_sign_in=True),
            store=store,
            clock=ManualClock(NOW),
            hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
        seed(self.services, dict.fromkeys(("ana", "bojan", "cvetka", "david"), PASSWORD))
        messaging = Messaging()
        with store.unit_of_work() as uow:
            for n in range(messages):
                draft = messaging.draft(
                    uow, "dom-lj", "ana", subject=f"Sporočilo {n}", body=f"<p>Besedilo {n}.</p>"
                ).confirm("bojan")
                messaging.send(uow, draft, now=NOW - timedelta(minutes=n))
            uow.commit()
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                create_app(self.services, dispatch_interval=60),
                log_level="warning",
                access_log=False,
                backlog=256,
            )
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.socket.close()


def _sign_in(url: str) -> httpx.Cookies:
    import re

    with httpx.Client(base_url=url) as client:
        page = client.get("/operater/prijava").text
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        response = client.post(
            "/operater/prijava",
            data={"csrf": token.group(1), "username": "bojan", "password": PASSWORD},
        )
        assert response.status_code == 303, response.status_code
        return client.cookies


async def _load(
    url: str, path: str, cookies: httpx.Cookies, clients: int, seconds: float, most: int
) -> tuple[list[float], float]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    async with httpx.AsyncClient(
        base_url=url, cookies=cookies, limits=limits, timeout=30
    ) as client:
        await client.get(path)  # warm up
        started = time.perf_counter()
        until = started + seconds

        async def one_client() -> None:
            for _ in range(most):
                if time.perf_counter() >= until:
                    return
                begin = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - begin)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code}")

        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed


def run(name: str, store: Storage, args: argparse.Namespace) -> None:
    with Server(store, args.messages) as server:
        cookies = _sign_in(server.url)
        print(f"\n{name}: {args.clients} clients, {args.seconds:g} s per page")
        print(f"  {'page':<22} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}"
              f" {'p50 ×':>7} {'req/s ×':>8}")  # fmt: skip
        base: tuple[float, float] | None = None
        for page, path in PAGES.items():
            latencies, elapsed = asyncio.run(
                _load(server.url, path, cookies, args.clients, args.seconds, args.requests)
            )
            cuts = statistics.quantiles(latencies, n=20)
            p50, p95 = statistics.median(latencies) * 1000, cuts[18] * 1000
            rate = len(latencies) / elapsed
            base = base or (p50, rate)
            print(
                f"  {page:<22} {len(latencies):>8} {p50:>8.1f} {p95:>8.1f} {rate:>8.0f}"
                f" {p50 / base[0]:>6.1f}× {rate / base[1]:>7.2f}×"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="per page")
    parser.add_argument("--requests", type=int, default=10_000, help="most per client and page")
    parser.add_argument("--messages", type=int, default=500, help="in the inbox")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = SqlStore.open(str(Path(folder) / "web.sqlite"))
        try:
            run("SQLite", store, args)
        finally:
            store.dispose()
    if args.no_postgres:
        return
    if find_pg_bin() is None:
        print("\nPostgreSQL: skipped (no PostgreSQL binaries)")
        return
    with TemporaryPostgres() as pg:
        store = SqlStore.open(pg.create_database("bench_web"))
        try:
            run("PostgreSQL", store, args)
        finally:
            store.dispose()


if __name__ == "__main__":
    main()
