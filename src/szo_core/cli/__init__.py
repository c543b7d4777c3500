"""The ``szo`` command: one click group, one module per command.

======================  ==============================================
``szo check``           validate identifiers (:mod:`szo_core.cli.check`)
``szo bill``            bill a month on your database (:mod:`szo_core.cli.bill`)
``szo demo``            bill a sample kindergarten (:mod:`szo_core.cli.demo`)
``szo worker``          bill queued organisations (:mod:`szo_core.cli.worker`)
``szo import``          import CSV and Excel files (:mod:`szo_core.cli.import_`)
``szo export``          export records to CSV or Excel (:mod:`szo_core.cli.export`)
``szo outbox``          the outbox: status, run, worker (:mod:`szo_core.cli.outbox`)
``szo calibration``     the UPN form's printer test page (:mod:`szo_core.cli.calibration`)
``szo serve``           the reference web app (:mod:`szo_core.cli.serve`)
======================  ==============================================

``python -m szo_core`` runs the same group.  Importing this package loads only
click: every command imports what it needs when it runs.

Examples:
    >>> from click.testing import CliRunner
    >>> result = CliRunner().invoke(main, ["check", "davcna", "12345679", "--lang", "en"])
    >>> result.exit_code
    0
    >>> print(result.output, end="")
    OK
      tax number: *****679
"""

from __future__ import annotations

import click

from szo_core.cli.bill import bill
from szo_core.cli.calibration import calibration
from szo_core.cli.check import ENCODINGS, KINDS, MAX_LINE, check
from szo_core.cli.demo import demo
from szo_core.cli.export import export
from szo_core.cli.import_ import import_
from szo_core.cli.outbox import outbox
from szo_core.cli.serve import serve
from szo_core.cli.worker import worker

__all__ = ["ENCODINGS", "KINDS", "MAX_LINE", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="szo_core", prog_name="szo")
def main() -> None:
    """szo: tools for Slovenian back offices (szo_core)."""


main.add_command(check)
main.add_command(bill)
main.add_command(demo)
main.add_command(worker)
main.add_command(import_)
main.add_command(export)
main.add_command(outbox)
main.add_command(calibration)
main.add_command(serve)
