"""The ``szo`` command.

``szo check KIND VALUE`` validates one identifier, ``szo check KIND --file F``
one per line of a UTF-8 text file (``-`` reads standard input).  A valid value
is shown with its parsed fields, personal numbers masked; an invalid one with
the error code and message.  Exit status: 0 when every value is valid, 1 when
any is not, 2 for a usage problem (unknown kind, unreadable or non-UTF-8 file).

Messages are Slovenian unless ``--lang en`` (or ``SZO_LANG=en``) is given.
Importing this module loads only click: each identifier module is imported
when a check needs it.

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

import importlib
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final, NoReturn

import click

from szo_core._cli_common import tr as _t

if TYPE_CHECKING:
    from types import ModuleType

    from szo_core.errors import Language

__all__ = ["KINDS", "main"]

_Fields = Sequence[tuple[str, str]]
"""A parsed value as (label, text) pairs, already in the chosen language."""

_Checker = Callable[[str, "Language"], _Fields]


def _ids(name: str) -> ModuleType:
    return importlib.import_module(f"szo_core.ids.{name}")


def _check_emso(value: str, lang: Language) -> _Fields:
    emso = _ids("emso")
    # The command line is an edge, not an engine: it may read today's date.
    info = emso.parse(value, as_of=date.today())
    sex = {
        "M": _t(lang, "moški", "male"),
        "F": _t(lang, "ženski", "female"),
    }[str(info.sex.value)]
    return (
        ("EMŠO", emso.mask(value)),
        (_t(lang, "datum rojstva", "birth date"), info.birth_date.isoformat()),
        (_t(lang, "spol", "sex"), sex),
        (_t(lang, "register", "register"), f"{info.register} {info.register_name}"),
    )


def _check_davcna(value: str, lang: Language) -> _Fields:
    davcna = _ids("davcna")
    number = davcna.validate(value)
    return ((_t(lang, "davčna številka", "tax number"), davcna.mask(number)),)


def _bank_fields(iban_module: ModuleType, number: str, lang: Language) -> list[tuple[str, str]]:
    from szo_core.errors import InvalidComponent

    try:
        found = iban_module.bank(number)
    except InvalidComponent as exc:
        if exc.code != "iban.unknown_bank":
            raise
        return [(_t(lang, "banka", "bank"), _t(lang, "ni v registru", "not in the registry"))]
    return [(_t(lang, "banka", "bank"), str(found.name)), ("BIC", str(found.bic))]


def _check_iban(value: str, lang: Language) -> _Fields:
    iban = _ids("iban")
    number = iban.validate(value)
    return [("IBAN", iban.mask(number)), *_bank_fields(iban, number, lang)]


def _check_trr(value: str, lang: Language) -> _Fields:
    iban = _ids("iban")
    number = iban.from_trr(value)
    return [("IBAN", iban.mask(number)), *_bank_fields(iban, number, lang)]


def _check_creditor_id(value: str, lang: Language) -> _Fields:
    creditor_id = _ids("creditor_id")
    number = creditor_id.validate(value)
    return (
        (_t(lang, "identifikator upnika", "creditor identifier"), creditor_id.mask(number)),
        (_t(lang, "država", "country"), number[:2]),
        (_t(lang, "poslovna koda", "business code"), number[4:7]),
    )


def _check_mandate(value: str, lang: Language) -> _Fields:
    mandate = _ids("mandate")
    number = mandate.validate(value)
    return ((_t(lang, "sklic mandata", "mandate reference"), mandate.mask(number)),)


def _check_reference(value: str, lang: Language) -> _Fields:
    reference = _ids("reference")
    parsed = reference.parse(value)
    parts = "-".join(parsed.parts) if parsed.parts else _t(lang, "(brez)", "(none)")
    return (
        (_t(lang, "model", "model"), str(parsed.model)),
        (_t(lang, "deli", "parts"), parts),
    )


KINDS: Final[dict[str, str]] = {
    "emso": "emso",
    "davcna": "davcna",
    "tax-number": "davcna",
    "iban": "iban",
    "trr": "trr",
    "creditor-id": "creditor-id",
    "mandate": "mandate",
    "reference": "reference",
}
"""The kinds ``szo check`` accepts, each mapped to its canonical name (aliases included)."""

_CHECKERS: Final[dict[str, _Checker]] = {
    "emso": _check_emso,
    "davcna": _check_davcna,
    "iban": _check_iban,
    "trr": _check_trr,
    "creditor-id": _check_creditor_id,
    "mandate": _check_mandate,
    "reference": _check_reference,
}


def _known_kinds() -> str:
    return ", ".join(KINDS)


def _usage_error(message: str) -> NoReturn:
    raise click.UsageError(message)


def _run_one(checker: _Checker, value: str, lang: Language) -> tuple[bool, _Fields | str]:
    from szo_core.errors import ValidationError

    try:
        return True, checker(value, lang)
    except ValidationError as exc:
        return False, f"{exc.code}: {exc.message(lang)}"


def _read_lines(path: str, lang: Language) -> list[str]:
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        _usage_error(_t(lang, f"Datoteka ne obstaja: {path}", f"No such file: {path}"))
    except IsADirectoryError:
        _usage_error(_t(lang, f"To je mapa, ne datoteka: {path}", f"Not a file: {path}"))
    except PermissionError:
        _usage_error(
            _t(
                lang,
                f"Ni dovoljenja za branje datoteke: {path}",
                f"No permission to read: {path}",
            )
        )
    except OSError:
        _usage_error(
            _t(lang, f"Datoteke ni mogoče prebrati: {path}", f"Cannot read the file: {path}")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        _usage_error(
            _t(
                lang,
                f"Datoteka ni v kodiranju UTF-8 (vrstica {line}): {path}",
                f"The file is not UTF-8 (line {line}): {path}",
            )
        )
    return text.splitlines()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="szo_core", prog_name="szo")
def main() -> None:
    """szo: tools for Slovenian back offices (szo_core)."""


@main.command("check")
@click.argument("kind", metavar="KIND")
@click.argument("value", required=False, metavar="[VALUE]")
@click.option(
    "--file",
    "-f",
    "path",
    metavar="FILE",
    help="Check every non-blank line of a UTF-8 file ('-' for standard input).",
)
@click.option(
    "--lang",
    type=click.Choice(["sl", "en"]),
    default="sl",
    show_default=True,
    envvar="SZO_LANG",
    help="Language of the messages.",
)
def check(kind: str, value: str | None, path: str | None, lang: Language) -> None:
    """Check one VALUE, or every line of --file FILE, as an identifier of KIND.

    KIND is one of: emso, davcna (or tax-number), iban, trr, creditor-id, mandate,
    reference.  Personal numbers are shown masked.  Exit status: 0 all valid,
    1 some invalid, 2 usage error.
    """
    canonical = KINDS.get(kind.strip().lower().replace("_", "-"))
    if canonical is None:
        _usage_error(
            _t(
                lang,
                f"Neznana vrsta »{kind}«. Znane vrste: {_known_kinds()}.",
                f"Unknown kind '{kind}'. Known kinds: {_known_kinds()}.",
            )
        )
    if (value is None) == (path is None):
        _usage_error(
            _t(
                lang,
                "Podajte bodisi vrednost bodisi --file, ne obojega.",
                "Give either a VALUE or --file, not both.",
            )
            if value is not None
            else _t(lang, "Manjka vrednost ali --file.", "Missing VALUE or --file.")
        )
    checker = _CHECKERS[canonical]
    if value is not None:
        ok, result = _run_one(checker, value, lang)
        if isinstance(result, str):
            click.echo(f"{_t(lang, 'NAPAKA', 'ERROR')} {result}")
        else:
            click.echo("OK")
            for label, text in result:
                click.echo(f"  {label}: {text}")
        click.get_current_context().exit(0 if ok else 1)

    assert path is not None
    valid = invalid = 0
    for number, line in enumerate(_read_lines(path, lang), start=1):
        item = line.strip()
        if not item:
            continue
        ok, result = _run_one(checker, item, lang)
        if isinstance(result, str):
            invalid += 1
            click.echo(f"{number}: {_t(lang, 'NAPAKA', 'ERROR')} {result}")
        else:
            valid += 1
            click.echo(f"{number}: OK  " + "; ".join(f"{label}: {text}" for label, text in result))
    click.echo(
        _t(
            lang,
            f"veljavnih: {valid}, neveljavnih: {invalid}",
            f"{valid} valid, {invalid} invalid",
        )
    )
    click.get_current_context().exit(1 if invalid else 0)


main.add_command(importlib.import_module("szo_core._cli_bill").bill)
main.add_command(importlib.import_module("szo_core._cli_demo").demo)
