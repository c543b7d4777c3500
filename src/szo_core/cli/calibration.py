"""``szo calibration``: write the UPN form's calibration page, to check a printer's alignment.

The page (:func:`szo_core.invoices.pdf.calibration_pdf`) is one A4 sheet with a
millimetre grid labelled every 10 mm and the outline of the UPN form with every
field box of the standard's Table 1 in the bottom 99 mm.  Print it at 100 %
("actual size") on the printer that will print the slips and measure.

Options: ``--out FILE`` (default ``upn-kalibracija.pdf``), ``--lang sl|en``
(the page's text and the messages).  Exit status: 0 written, 2 the file cannot
be written.  Needs the ``pdf`` extra (reportlab).

>>> import tempfile
>>> from pathlib import Path
>>> from click.testing import CliRunner
>>> with tempfile.TemporaryDirectory() as tmp:
...     out = Path(tmp) / "page.pdf"
...     result = CliRunner().invoke(calibration, ["--out", str(out), "--lang", "en"])
...     result.exit_code, out.read_bytes()[:5], "Calibration page" in result.output
(0, b'%PDF-', True)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from szo_core.cli._common import EXIT_USAGE, fail, lang_option, tr

if TYPE_CHECKING:
    from szo_core.errors import Language

__all__ = ["calibration"]


@click.command("calibration")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("upn-kalibracija.pdf"),
    show_default=True,
    help="The PDF file to write (replaced if it exists).",
)
@lang_option("Language of the page and of the messages.")
def calibration(out: Path, lang: Language) -> None:
    """Write the UPN form's calibration page (millimetre grid and the form's outline).

    Exit status: 0 written, 2 the file cannot be written.
    """
    from szo_core.invoices.pdf import calibration_pdf

    data = calibration_pdf(language=lang)
    try:
        out.write_bytes(data)
    except OSError as exc:
        fail(
            lang,
            EXIT_USAGE,
            f"Datoteke {out} ni mogoče zapisati ({exc.strerror}).",
            f"Cannot write {out} ({exc.strerror}).",
        )
    click.echo(
        tr(
            lang,
            f"Kalibracijska stran: {out}. Natisnite jo v merilu 100 % in izmerite mrežo.",
            f"Calibration page: {out}. Print it at 100 % and measure the grid.",
        )
    )
