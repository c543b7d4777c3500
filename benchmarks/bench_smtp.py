"""Benchmark: SMTP throughput with one connection per batch against one per message.

Run: ``.venv/bin/python benchmarks/bench_smtp.py [--n 2000] [--batch 100] [--repeat 3]``
``[--attachment-kb 20]``

Starts an aiosmtpd server on 127.0.0.1 (a free port, in this process's thread)
that counts what it accepts, then sends ``--n`` small invoice e-mails (subject
with č š ž, text and HTML, a PDF of ``--attachment-kb`` kB, 20 by default)
``--repeat`` times, alternating:

============  =================================================================
szo_core      :class:`szo_core.adapters.smtp.SmtpMailSender`, batches of
              ``--batch`` messages, one connection (EHLO, QUIT) per batch
baseline      :mod:`smtplib` the plain way: ``SMTP()``, ``send_message``,
              ``quit()`` for every message
============  =================================================================

Both send the same MIME bytes (:func:`szo_core.delivery.mime.to_mime`), so the
difference is the connections.  It prints messages per second for each run,
the best of each, the ratio of the best (szo_core / baseline) and the spread
(max/min - 1, the run-to-run noise).  The server shares the machine, so the
figures are a lower bound for a real server on another host, where every
extra connection also costs a round trip (and a TLS handshake).  It also
prints the time to build the MIME bytes alone (the stdlib :mod:`email`
package), which both sides pay.
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import time
from datetime import UTC, datetime
from typing import Any

from aiosmtpd.controller import Controller

from szo_core.adapters.memory import ManualClock
from szo_core.adapters.smtp import SmtpMailSender, SmtpSettings
from szo_core.delivery.message import Attachment, EmailMessage
from szo_core.delivery.mime import to_mime

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _messages(n: int, attachment_kb: int) -> list[EmailMessage]:
    data = b"%PDF-1.4\n" + bytes(range(256)) * (attachment_kb * 4)
    attachments = (Attachment("račun.pdf", data, "application/pdf"),) if attachment_kb else ()
    return [
        EmailMessage(
            sender="racuni@vrtec.si",
            sender_name="Vrtec Čebelica",
            to=f"starsi{i}@example.si",
            subject=f"Račun št. 2026-{i:06d} (šolsko leto, žiro račun)",
            text=f"Spoštovani,\n\nv prilogi je račun št. 2026-{i:06d}.\n",
            html=f"<p>Spoštovani,</p><p>v prilogi je račun št. 2026-{i:06d}.</p>",
            attachments=attachments,
            message_id=f"<bench-{i}@vrtec.si>",
        )
        for i in range(n)
    ]


def run_szo(port: int, messages: list[EmailMessage], batch: int) -> float:
    sender = SmtpMailSender(
        SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=30),
        clock=ManualClock(NOW),
    )
    start = time.perf_counter()
    for i in range(0, len(messages), batch):
        results = sender.send(messages[i : i + batch])
        assert all(r.ok for r in results), [r for r in results if not r.ok][:1]
    return time.perf_counter() - start


def run_baseline(port: int, messages: list[EmailMessage]) -> float:
    start = time.perf_counter()
    for message in messages:
        mime = to_mime(message, now=NOW)
        connection = smtplib.SMTP("127.0.0.1", port, timeout=30)
        connection.send_message(mime, from_addr=message.sender, to_addrs=list(message.to))
        connection.quit()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--attachment-kb", type=int, default=20, help="0 for none")
    args = parser.parse_args()

    handler = Counter()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        messages = _messages(args.n, args.attachment_kb)
        szo: list[float] = []
        base: list[float] = []
        for round_ in range(args.repeat):
            szo.append(args.n / run_szo(port, messages, args.batch))
            base.append(args.n / run_baseline(port, messages))
            print(
                f"run {round_ + 1}: szo_core {szo[-1]:8.0f} msg/s   "
                f"smtplib per message {base[-1]:8.0f} msg/s"
            )
        expected = 2 * args.n * args.repeat
        assert handler.count == expected, (handler.count, expected)
    finally:
        controller.stop()
    start = time.perf_counter()
    for message in messages:
        to_mime(message, now=NOW).as_bytes()
    mime_ms = (time.perf_counter() - start) / args.n * 1000
    best_szo, best_base = max(szo), max(base)
    print(
        f"n={args.n} batch={args.batch} repeat={args.repeat} "
        f"attachment={args.attachment_kb} kB: "
        f"szo_core (one connection per batch) {best_szo:.0f} msg/s, "
        f"smtplib one connection per message {best_base:.0f} msg/s, "
        f"ratio {best_szo / best_base:.2f}x"
    )
    print(f"building the MIME bytes alone: {mime_ms:.2f} ms per message (both sides)")
    print(
        f"spread: szo_core {max(szo) / min(szo) - 1:.1%}, baseline {max(base) / min(base) - 1:.1%}"
    )


if __name__ == "__main__":
    main()
