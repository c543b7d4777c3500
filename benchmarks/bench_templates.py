"""Benchmark: rendering messages from one compiled template, szo_core against bare Jinja2.

Run: ``.venv/bin/python benchmarks/bench_templates.py [--n 100000] [--repeat 3]``

The template is a realistic invoice e-mail body (HTML, autoescaped): a greeting,
a loop over the invoice lines with ``money`` and ``date`` filters, a total, a
due date in running text and a plural.  The sections, each timed ``--repeat``
times in the same process (sides alternate):

==================  ====================================================================
section             what
==================  ====================================================================
render              szo_core's ``CompiledTemplate.render`` (sandbox, limits, strict
                    undefined) against the same source in a plain
                    ``jinja2.Environment(autoescape=True)`` whose filters are the same
                    formatting functions as plain functions (the baseline).  Target:
                    ratio of the minima <= 1.3.
email               ``CompiledMessage.render_email`` (the above, plus the subject, nh3
                    sanitising and the text body derived from the HTML with lxml): the
                    whole cost of one e-mail, against the same baseline, for scale.
queue               rendering *and queuing*: each e-mail rendered as in ``email``, wrapped
                    with ``outbox.new_message`` and stored with ``uow.outbox.enqueue`` in
                    a SQLite outbox, 1,000 per unit of work; the baseline is the ``email``
                    section's own szo_core time, so the ratio is what queuing adds.  The
                    queuing share is also printed per message.
smtp                sending to a local aiosmtpd server (``--smtp-n`` messages, 20 kB
                    attachment): ``adapters.smtp`` with one connection per batch of 100
                    against ``smtplib`` with one connection per message (the baseline;
                    see ``bench_smtp.py`` for more options).  Times, so a ratio below 1
                    means szo_core is faster.
==================  ====================================================================

Each section is a function ``section_<name>(n, repeat) -> Result``; add a section by
writing one and listing it in ``SECTIONS``.  The report gives per section the
minimum and median over the repeats, the spread (max/min - 1), and the ratio of the
minima szo_core / baseline.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import attrs
import jinja2

from szo_core.templates import formatting
from szo_core.templates.messages import compile_message
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField
from szo_core.templates.render import Renderer

SOURCE = """\
<p>Spoštovani {{ placnik }},</p>
<p>pošiljamo račun št. <b>{{ stevilka }}</b> za {{ mesec }} za otroka {{ otrok }}.</p>
<table>
<tr><th>Postavka</th><th>Dni</th><th>Znesek</th></tr>
{% for v in vrstice %}<tr><td>{{ v.opis }}</td><td>{{ v.dni }} \
{{ v.dni|plural('dan', 'dneva', 'dnevi', 'dni') }}</td><td>{{ v.znesek|money }}</td></tr>
{% endfor %}</table>
<p>Skupaj za plačilo: <b>{{ skupaj|money }}</b>, rok plačila {{ rok|date('text') }}.</p>
<p>Sklic: {{ sklic }}. Za vprašanja smo dosegljivi na {{ telefon }}.</p>
<p>Lep pozdrav,<br>{{ vrtec }}</p>
"""

VALUES: dict[str, object] = {
    "placnik": "Ana Novak",
    "stevilka": "2026-000107",
    "mesec": "september 2026",
    "otrok": "Luka Novak",
    "vrstice": [
        {"opis": "Program I. starostnega obdobja", "dni": 21, "znesek": Decimal("187.20")},
        {"opis": "Odsotnost, odbitek prehrane", "dni": 2, "znesek": Decimal("-4.80")},
        {"opis": "Poračun avgust", "dni": 1, "znesek": Decimal("12.35")},
        {"opis": "Rezervacija poletje", "dni": 5, "znesek": Decimal("31.00")},
    ],
    "skupaj": Decimal("225.75"),
    "rok": date(2026, 10, 18),
    "sklic": "SI12 0000055526098",
    "telefon": "01 234 56 78",
    "vrtec": "Vrtec Sonček",
}


@attrs.frozen
class Result:
    """Timings of one section, in seconds per whole run of ``n`` messages."""

    name: str
    n: int
    ours: list[float]
    baseline: list[float]
    baseline_name: str = "jinja2"

    def report(self) -> str:
        o_min, b_min = min(self.ours), min(self.baseline)
        lines = [
            f"[{self.name}] {self.n} messages, {len(self.ours)} repeats",
            f"  szo_core  min {o_min:8.3f} s  median {statistics.median(self.ours):8.3f} s"
            f"  spread {max(self.ours) / o_min - 1:6.1%}  ({o_min / self.n * 1e6:6.1f} µs/msg)",
            f"  {self.baseline_name:<9} min {b_min:8.3f} s"
            f"  median {statistics.median(self.baseline):8.3f} s"
            f"  spread {max(self.baseline) / b_min - 1:6.1%}"
            f"  ({b_min / self.n * 1e6:6.1f} µs/msg)",
            f"  ratio (min/min) {o_min / b_min:.2f}x",
        ]
        return "\n".join(lines)


def baseline_environment() -> jinja2.Environment:
    """A plain Jinja2 environment with the same filters as plain functions."""
    env = jinja2.Environment(autoescape=True)
    env.filters.update(
        money=lambda value: formatting.format_money(value, "sl"),
        date=lambda value, style="long": formatting.format_date(value, style, "sl"),
        plural=lambda number, *forms: formatting.plural(number, *forms, language="sl"),
    )
    return env


def _time(function: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        function()
    return time.perf_counter() - start


def _alternate(
    name: str, n: int, repeat: int, ours: Callable[[], object], base: Callable[[], object]
) -> Result:
    if ours() != base() and name == "render":
        raise SystemExit("the two renderers disagree on the output")
    result = Result(name, n, [], [])
    for _ in range(repeat):
        result.ours.append(_time(ours, n))
        result.baseline.append(_time(base, n))
    return result


def section_render(n: int, repeat: int) -> Result:
    """The compiled template's render against bare Jinja2's."""
    ours = Renderer(html=True).compile(SOURCE)
    base = baseline_environment().from_string(SOURCE)
    return _alternate("render", n, repeat, lambda: ours.render(VALUES), lambda: base.render(VALUES))


def invoice_template() -> MessageTemplate:
    """The benchmark's body as a saved e-mail template with its fields."""
    line = '[{"opis": "Program", "dni": 21, "znesek": 187.20}]'
    fields = (
        TemplateField(name="placnik", type=FieldType.TEXT, example="Ana Novak"),
        TemplateField(name="stevilka", type=FieldType.TEXT, example="2026-000107"),
        TemplateField(name="mesec", type=FieldType.TEXT, example="september 2026"),
        TemplateField(name="otrok", type=FieldType.TEXT, example="Luka"),
        TemplateField(name="vrstice", type=FieldType.LIST, example=line),
        TemplateField(name="skupaj", type=FieldType.MONEY, example="187.20"),
        TemplateField(name="rok", type=FieldType.DATE, example="2026-10-18"),
        TemplateField(name="sklic", type=FieldType.TEXT, example="SI12 0000055526098"),
        TemplateField(name="telefon", type=FieldType.TEXT, example="01 234 56 78"),
        TemplateField(name="vrtec", type=FieldType.TEXT, example="Vrtec Sonček"),
    )
    return MessageTemplate(
        organisation_id="vrtec",
        key="invoice.email",
        channel=Channel.EMAIL,
        subject="Račun {{ stevilka }} za {{ mesec }}",
        html_body=SOURCE,
        fields=fields,
        version=1,
    )


def section_email(n: int, repeat: int) -> Result:
    """A whole e-mail (subject, sanitised HTML, derived text) against bare Jinja2's body."""
    message = compile_message(invoice_template())
    base = baseline_environment().from_string(SOURCE)
    return _alternate(
        "email",
        n,
        repeat,
        lambda: message.render_email(VALUES),
        lambda: base.render(VALUES),
    )


def section_queue(n: int, repeat: int) -> Result:
    """Render and queue each e-mail into a SQLite outbox, against rendering alone."""
    import tempfile
    from datetime import UTC, datetime
    from pathlib import Path

    from szo_core.adapters.sql import SqlStore, migrate
    from szo_core.delivery.message import EmailMessage
    from szo_core.outbox import IdempotencyKey, new_message

    message = compile_message(invoice_template())
    now = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    per_unit = 1000

    def render_all() -> None:
        for _ in range(n):
            message.render_email(VALUES)

    def queue_all(path: Path) -> None:
        store = SqlStore.open(path, migrate=False)
        try:
            for first in range(0, n, per_unit):
                with store.unit_of_work() as uow:
                    for i in range(first, min(first + per_unit, n)):
                        rendered = message.render_email(VALUES)
                        address = f"starsi{i}@example.si"
                        uow.outbox.enqueue(
                            new_message(
                                "vrtec",
                                IdempotencyKey(f"invoice:2026-09:{i}", address, Channel.EMAIL),
                                EmailMessage(
                                    sender="racuni@vrtec.si",
                                    to=address,
                                    subject=rendered.subject,
                                    text=rendered.text,
                                    html=rendered.html,
                                ),
                                now=now,
                                template_key=rendered.template_key,
                                template_version=rendered.template_version,
                            )
                        )
                    uow.commit()
            with store.unit_of_work() as uow:
                queued = sum(uow.outbox.counts("vrtec").values())
            if queued != n:
                raise SystemExit(f"queued {queued} of {n}")
        finally:
            store.dispose()

    result = Result("queue", n, [], [], baseline_name="render")
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeat):
            path = Path(tmp) / f"outbox{r}.sqlite"
            migrate(path)
            start = time.perf_counter()
            queue_all(path)
            result.ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_all()
            result.baseline.append(time.perf_counter() - start)
    share = (min(result.ours) - min(result.baseline)) / n * 1e6
    print(f"[queue] queuing alone adds {share:.1f} µs per message (min - min)", flush=True)
    return result


def section_smtp(n: int, repeat: int) -> Result:
    """adapters.smtp (one connection per batch) against smtplib one connection per message."""
    from aiosmtpd.controller import Controller

    import bench_smtp  # the sibling script (benchmarks/ is the script's folder)

    handler = bench_smtp.Counter()
    port = bench_smtp._free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    result = Result("smtp", n, [], [], baseline_name="smtplib")
    try:
        messages = bench_smtp._messages(n, 20)
        for _ in range(repeat):
            result.ours.append(bench_smtp.run_szo(port, messages, 100))
            result.baseline.append(bench_smtp.run_baseline(port, messages))
    finally:
        controller.stop()
    if handler.count != 2 * n * repeat:
        raise SystemExit(f"the server received {handler.count} of {2 * n * repeat}")
    return result


SECTIONS: dict[str, Callable[[int, int], Result]] = {
    "render": section_render,
    "email": section_email,
    "queue": section_queue,
    "smtp": section_smtp,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=100_000, help="messages per timed run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per side")
    parser.add_argument(
        "--smtp-n", type=int, default=2000, help="messages per timed run of the smtp section"
    )
    parser.add_argument(
        "--section", action="append", choices=sorted(SECTIONS), help="run only these sections"
    )
    args = parser.parse_args()
    for name in args.section or list(SECTIONS):
        n = args.smtp_n if name == "smtp" else args.n
        print(SECTIONS[name](n, args.repeat).report(), flush=True)


if __name__ == "__main__":
    main()
