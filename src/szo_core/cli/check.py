"""``szo check``: validate identifiers, one or a file of them.

``szo check KIND VALUE`` validates one identifier, ``szo check KIND --file F``
one per line of a text file (``-`` reads standard input), read and reported line
by line in constant memory.  A valid value is shown with its parsed fields,
personal numbers masked; an invalid one with the error code and message.  A
line longer than :data:`MAX_LINE` characters, or one that is not valid text in
the file's encoding (``--encoding``: UTF-8 with or without a byte-order mark,
UTF-16 with one, Windows-1250), is reported by its number, never echoed, and
the check goes on.  Exit status: 0 when every value is valid, 1 when any line
is not, 2 for a usage problem (unknown kind, unreadable file, UTF-16 without a
byte-order mark).

Messages are Slovenian unless ``--lang en`` (or ``SZO_LANG=en``) is given.
Importing this module loads only click: each identifier module is imported
when a check needs it.

Examples:
    >>> from click.testing import CliRunner
    >>> from szo_core.cli import main
    >>> result = CliRunner().invoke(main, ["check", "davcna", "12345679", "--lang", "en"])
    >>> result.exit_code
    0
    >>> print(result.output, end="")
    OK
      tax number: *****679
"""

from __future__ import annotations

import codecs
import functools
import importlib
import io
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import IO, TYPE_CHECKING, Final, NoReturn

import click

from szo_core.cli._common import lang_option
from szo_core.cli._common import tr as _t

if TYPE_CHECKING:
    from types import ModuleType

    from szo_core.errors import Language

__all__ = ["ENCODINGS", "KINDS", "MAX_LINE", "check"]

_Fields = Sequence[tuple[str, str]]
"""A parsed value as (label, text) pairs, already in the chosen language."""

_Checker = Callable[[str, "Language"], _Fields]


@functools.cache
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


MAX_LINE: Final = 1000
"""The longest line ``szo check --file`` reads, in characters without the line end.

A longer line is reported as too long (by its number) and skipped in chunks, so
memory stays constant even for ``/dev/zero``.
"""

ENCODINGS: Final[dict[str, tuple[str, str]]] = {
    "utf-8": ("utf-8", "UTF-8"),
    "utf-16": ("utf-16", "UTF-16"),
    "windows-1250": ("cp1250", "Windows-1250"),
    "cp1250": ("cp1250", "Windows-1250"),
}
"""``--encoding`` names: the Python codec and the name shown in messages.

UTF-8 is read with or without a byte-order mark; UTF-16 needs one (it tells the
byte order).  A file that starts with a UTF-16 byte-order mark is read as UTF-16
under the default ``utf-8`` too: those bytes can never begin UTF-8 text.
"""

_SKIP_CHUNK: Final = 1 << 16
_MARK: Final = "\ud800"
"""What an undecodable byte sequence becomes: a lone surrogate, which no strict
decoder of the three encodings ever produces from valid bytes."""
_MARK_HANDLER: Final = "szo_core.cli.check.mark_undecodable"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _mark_undecodable(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        return _MARK, exc.end
    raise exc  # pragma: no cover - registered for decoding only


def _register_mark() -> None:
    # A named codec error handler is added to Python's registry; it changes no other
    # handler or codec (the registry only maps this new name to this function).
    try:
        codecs.lookup_error(_MARK_HANDLER)
    except LookupError:
        codecs.register_error(_MARK_HANDLER, _mark_undecodable)


class _Prefixed(io.RawIOBase):
    """A binary stream that yields ``prefix`` first, then the rest of ``stream``."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        super().__init__()
        self._prefix = prefix
        self._stream = stream
        self._read1: Callable[[int], bytes] = getattr(stream, "read1", stream.read)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            data, self._prefix = self._prefix[: len(buffer)], self._prefix[len(buffer) :]
        else:
            data = self._read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _cannot_read(path: str, lang: Language, exc: OSError) -> NoReturn:
    if isinstance(exc, FileNotFoundError):
        _usage_error(_t(lang, f"Datoteka ne obstaja: {path}", f"No such file: {path}"))
    if isinstance(exc, IsADirectoryError):
        _usage_error(_t(lang, f"To je mapa, ne datoteka: {path}", f"Not a file: {path}"))
    if isinstance(exc, PermissionError):
        _usage_error(
            _t(
                lang,
                f"Ni dovoljenja za branje datoteke: {path}",
                f"No permission to read: {path}",
            )
        )
    _usage_error(_t(lang, f"Datoteke ni mogoče prebrati: {path}", f"Cannot read the file: {path}"))


def _text_stream(
    raw: IO[bytes], encoding: str, path: str, lang: Language
) -> tuple[io.TextIOWrapper, str]:
    """Decode ``raw`` as ``encoding`` (a UTF-16 byte-order mark wins); the encoding's name."""
    head = b""
    while len(head) < 3:
        more = raw.read(3 - len(head))
        if not more:
            break
        head += more
    codec, label = ENCODINGS[encoding]
    if codec in ("utf-8", "utf-16") and head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        codec = "utf-16-le" if head[:2] == codecs.BOM_UTF16_LE else "utf-16-be"
        label = "UTF-16"
        head = head[2:]
    elif codec == "utf-16":
        _usage_error(
            _t(
                lang,
                f"Datoteka v UTF-16 se mora začeti z oznako vrstnega reda bajtov (BOM): {path}",
                f"A UTF-16 file must start with a byte-order mark (BOM): {path}",
            )
        )
    elif codec == "utf-8" and head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    _register_mark()
    stream = io.TextIOWrapper(
        io.BufferedReader(_Prefixed(head, raw)),
        encoding=codec,
        errors=_MARK_HANDLER,
        newline=None,  # LF, CRLF and CR all end a line
    )
    return stream, label


_Line = tuple[int, str | None]
"""A line's number and its text; ``None`` for a line longer than :data:`MAX_LINE`."""


def _lines(stream: io.TextIOWrapper, before_skip: Callable[[], None]) -> Iterator[_Line]:
    """Yield each line, at most :data:`MAX_LINE` characters of it held at a time."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) <= MAX_LINE or line.endswith("\n"):
            yield number, line
            continue
        yield number, None
        before_skip()  # the report is seen now, even if the rest never ends (/dev/zero)
        while True:
            rest = stream.readline(_SKIP_CHUNK)
            if not rest or rest.endswith("\n"):
                break


def _check_file(checker: _Checker, path: str, encoding: str, lang: Language) -> tuple[int, int]:
    """Check and report each line of ``path``; return the counts of valid and invalid lines."""
    try:
        raw: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        _cannot_read(path, lang, exc)
    out = sys.stdout  # buffered when not a terminal: no flush per line as click.echo does
    error = _t(lang, "NAPAKA", "ERROR")
    too_long = _t(
        lang,
        f"check.line_too_long: Vrstica je daljša od {MAX_LINE} znakov; ni preverjena.",
        f"check.line_too_long: The line is longer than {MAX_LINE} characters; not checked.",
    )
    valid = invalid = 0
    try:
        stream, label = _text_stream(raw, encoding, path, lang)
    except OSError as exc:
        _close(raw, path)
        _cannot_read(path, lang, exc)
    except BaseException:  # a usage error: UTF-16 without a byte-order mark
        _close(raw, path)
        raise
    not_text = _t(
        lang,
        f"check.encoding: Vrstica ni veljavno besedilo v kodiranju {label}; ni preverjena.",
        f"check.encoding: The line is not valid {label} text; not checked.",
    )
    try:
        for number, line in _lines(stream, out.flush):
            if line is None:
                invalid += 1
                out.write(f"{number}: {error} {too_long}\n")
                continue
            item = line.strip()
            if not item:
                continue
            if not item.isascii() and _SURROGATE.search(item):
                invalid += 1
                out.write(f"{number}: {error} {not_text}\n")
                continue
            _, result = _run_one(checker, item, lang)
            if isinstance(result, str):
                invalid += 1
                out.write(f"{number}: {error} {result}\n")
            else:
                valid += 1
                shown = "; ".join(f"{name}: {text}" for name, text in result)
                out.write(f"{number}: OK  {shown}\n")
    except OSError as exc:
        _cannot_read(path, lang, exc)
    finally:
        out.flush()
        _close(raw, path)
    return valid, invalid


def _close(raw: IO[bytes], path: str) -> None:
    if path != "-":  # standard input stays open
        raw.close()


@click.command("check")
@click.argument("kind", metavar="KIND")
@click.argument("value", required=False, metavar="[VALUE]")
@click.option(
    "--file",
    "-f",
    "path",
    metavar="FILE",
    help="Check every non-blank line of a text file ('-' for standard input).",
)
@click.option(
    "--encoding",
    type=click.Choice(list(ENCODINGS), case_sensitive=False),
    default="utf-8",
    show_default=True,
    help="Encoding of --file: UTF-8 (a BOM is fine), UTF-16 (with a BOM) or Windows-1250.",
)
@lang_option("Language of the messages.")
def check(kind: str, value: str | None, path: str | None, encoding: str, lang: Language) -> None:
    """Check one VALUE, or every line of --file FILE, as an identifier of KIND.

    KIND is one of: emso, davcna (or tax-number), iban, trr, creditor-id, mandate,
    reference.  Personal numbers are shown masked.  Lines longer than 1000
    characters or not valid in --encoding are reported and skipped.  Exit
    status: 0 all valid, 1 some invalid, 2 usage error.
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
    valid, invalid = _check_file(checker, path, encoding.lower(), lang)
    click.echo(
        _t(
            lang,
            f"veljavnih: {valid}, neveljavnih: {invalid}",
            f"{valid} valid, {invalid} invalid",
        )
    )
    click.get_current_context().exit(1 if invalid else 0)
