"""``szo demo``: bill a sample kindergarten for two months and write every file.

``szo demo`` (what ``./run demo`` runs) builds *Vrtec Čebelica*, a synthetic
kindergarten of 300 children, in a fresh SQLite file in ``./szo-demo``, bills
September and October 2026 (the second month with corrections) with a progress
bar, writes the statements (JSON and CSV), the UPN QR payloads and images, and
the SEPA direct-debit file of each month, and prints a summary with the time
taken.  See :mod:`szo_core.demo.run` for the files.

Options: ``--out DIR`` (default ``szo-demo``), ``--month YYYY-MM`` (the first
month), ``--children N`` and ``--seed N``.  The same options give byte-identical
files on every run; only the printed time differs.

Exit status: 0 done, 1 the demo failed, 2 a usage problem (bad month, an
output folder that holds other files).  Error messages are Slovenian unless
``--lang en`` (or ``SZO_LANG=en``).  Only click is imported with this module.

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(demo, ["--month", "2026-13", "--lang", "en"])
>>> result.exit_code, "Invalid month" in result.output
(2, True)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from szo_core.cli._common import EXIT_USAGE, lang_option
from szo_core.cli._common import fail as _fail
from szo_core.cli._common import parse_month as _month

if TYPE_CHECKING:
    from szo_core.demo.run import DemoProgress
    from szo_core.errors import Language

__all__ = ["EXIT_FAILED", "EXIT_USAGE", "demo"]

EXIT_FAILED = 1
"""The demo failed."""


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("szo-demo"),
    show_default=True,
    help="Output folder (created; an earlier demo's files are replaced).",
)
@click.option(
    "--month",
    "month_text",
    default="2026-09",
    show_default=True,
    metavar="YYYY-MM",
    help="The first month billed; the second is the month after.",
)
@click.option(
    "--children",
    type=click.IntRange(1, 20_000),
    default=300,
    show_default=True,
    help="How many children the sample kindergarten has.",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Seed of the sample.")
@lang_option("Language of the error messages.")
def demo(out: Path, month_text: str, children: int, seed: int, lang: Language) -> None:
    """Bill a sample kindergarten for two months and write statements, UPN QR and SEPA files.

    Exit status: 0 done, 1 failed, 2 usage error.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from szo_core.demo.run import run_demo
    from szo_core.errors import ConfigurationError, SzoError

    month = _month(month_text, lang)
    # The command line is an edge: it may read the clock, to print the time taken.
    started = time.perf_counter()
    tasks: dict[str, TaskID] = {}
    try:
        with Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
        ) as bar:

            def progress(stage: str, done: int, total: int) -> None:
                if stage.startswith("staged "):
                    return  # a signal (the run commits next), not a bar
                task = tasks.get(stage)
                if task is None:
                    task = tasks[stage] = bar.add_task(stage, total=total)
                bar.update(task, completed=done, total=total)

            report: DemoProgress = progress
            summary = run_demo(
                out, first_month=month, children=children, seed=seed, progress=report
            )
    except ConfigurationError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    except SzoError as exc:
        _fail(
            lang,
            EXIT_FAILED,
            f"{exc.code}: {exc.message('sl')}",
            f"{exc.code}: {exc.message('en')}",
        )
    elapsed = time.perf_counter() - started
    for line in summary.lines():
        click.echo(line)
    click.echo(f"Output folder: {out}")
    click.echo(f"Time taken: {elapsed:.1f} s")
