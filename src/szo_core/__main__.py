"""``python -m szo_core``: the ``szo`` command (:func:`szo_core.cli.main`)."""

from szo_core.cli import main

if __name__ == "__main__":  # pragma: no branch
    main(prog_name="szo")
