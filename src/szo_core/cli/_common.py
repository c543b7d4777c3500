"""Helpers shared by the ``szo`` commands: bilingual text, failing with an exit code, months.

Only click is imported here, so ``szo_core.cli`` stays light to import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from szo_core.calendar import Month
    from szo_core.errors import Language

__all__ = ["EXIT_USAGE", "fail", "lang_option", "parse_month", "plural_sl", "tr"]

_F = TypeVar("_F", bound=Callable[..., Any])

EXIT_USAGE = 2
"""A usage problem (an invalid month, a missing file, an unusable folder)."""


def tr(lang: Language, sl: str, en: str) -> str:
    """Pick the Slovenian or the English text.

    >>> tr("en", "mesec", "month")
    'month'
    """
    return sl if lang == "sl" else en


def lang_option(help_text: str) -> Callable[[_F], _F]:
    """The ``--lang sl|en`` option every command has (``SZO_LANG`` too; Slovenian by default).

    >>> @click.command()
    ... @lang_option("Language of the messages.")
    ... def hello(lang: str) -> None:
    ...     click.echo(tr(lang, "Živijo", "Hello"))
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(hello, ["--lang", "en"]).output.strip()
    'Hello'
    """
    return click.option(
        "--lang",
        type=click.Choice(["sl", "en"]),
        default="sl",
        show_default=True,
        envvar="SZO_LANG",
        help=help_text,
    )


def fail(lang: Language, code: int, sl: str, en: str) -> NoReturn:
    """Print ``NAPAKA: ...`` (or ``ERROR: ...``) on standard error and exit with ``code``."""
    click.echo(f"{tr(lang, 'NAPAKA', 'ERROR')}: {tr(lang, sl, en)}", err=True)
    click.get_current_context().exit(code)


def parse_month(text: str, lang: Language) -> Month:
    """Parse ``YYYY-MM``, or fail with :data:`EXIT_USAGE` and a bilingual message."""
    from szo_core.calendar import Month
    from szo_core.errors import ValidationError

    try:
        return Month.parse(text.strip())
    except ValidationError as exc:
        fail(
            lang,
            EXIT_USAGE,
            f"Neveljaven mesec »{text}«: {exc.message('sl')}",
            f"Invalid month '{text}': {exc.message('en')}",
        )


def plural_sl(count: int, one: str, two: str, few: str, other: str) -> str:
    """The Slovenian form of a word for ``count``, by CLDR's plural rules (Babel).

    >>> [plural_sl(n, "račun", "računa", "računi", "računov") for n in (1, 2, 3, 5, 101, 111)]
    ['račun', 'računa', 'računi', 'računov', 'račun', 'računov']
    """
    from babel import Locale

    form = Locale.parse("sl").plural_form(count)
    return {"one": one, "two": two, "few": few}.get(form, other)
