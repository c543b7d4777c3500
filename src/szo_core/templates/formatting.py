r"""Slovenian (and English) formatting for messages: money, numbers, dates, times, plurals.

What CLDR has comes from Babel: amounts in euros (``1.234,50 €``), numbers,
dates in the nominative (``4. marec 2026``), times (``09:05``) and the plural
categories.  Two things CLDR cannot express are written here by hand:

* **dates in running text** take the genitive month (``do 4. marca 2026``);
  CLDR's ``sl`` data has only the nominative month names, so the twelve genitive
  names are a table in this module (:func:`format_date_in_text`);
* the Slovenian **time style** ``ob 9.05`` (hour without a leading zero, a dot
  before the minutes, optionally with ``ob``), where CLDR writes ``09:05``.

Slovenian nouns have **four plural forms** chosen by the last two digits of the
number (1, 101 → *dan*; 2, 102 → *dneva*; 3, 4, 103 → *dnevi*; 5, 11, 105 →
*dni*; a number with decimals takes the third).  :func:`plural` picks the form
through Babel's CLDR rule; the author supplies all four words, because CLDR's
own unit strings do not have the forms authors want.

Example:
    >>> from datetime import date, time
    >>> from decimal import Decimal
    >>> format_money(Decimal("1234.5"))
    '1.234,50\xa0€'
    >>> format_date_in_text(date(2026, 3, 4))
    '4. marca 2026'
    >>> format_time(time(9, 5), style="ob")
    'ob 9.05'
    >>> [f"{n} {plural(n, 'dan', 'dneva', 'dnevi', 'dni')}" for n in (1, 2, 3, 5, 101)]
    ['1 dan', '2 dneva', '3 dnevi', '5 dni', '101 dan']
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time
from decimal import Decimal
from typing import Final, Literal
from zoneinfo import ZoneInfo

from szo_core.errors import ConfigurationError, InvalidType, Language
from szo_core.money import MoneyLike, format_eur

__all__ = [
    "DateStyle",
    "TimeStyle",
    "format_date",
    "format_date_in_text",
    "format_datetime",
    "format_money",
    "format_number",
    "format_time",
    "plural",
]

DateStyle = Literal["short", "medium", "long", "full", "text"]
"""Date styles: CLDR's four (``short`` ``4. 3. 2026`` … ``full`` ``sreda, 4. marec 2026``)
and ``text``, the genitive for running text (``4. marca 2026``)."""

TimeStyle = Literal["short", "dotted", "ob"]
"""Time styles: CLDR's ``short`` (``09:05``), the Slovenian ``dotted`` (``9.05``)
and ``ob`` (``ob 9.05``)."""

_ZONE: Final = ZoneInfo("Europe/Ljubljana")

# CLDR's sl data has the nominative month names only ("marec"); running text needs
# the genitive ("do 4. marca"), so these are written by hand.
_GENITIVE_MONTHS: Final = (
    "januarja",
    "februarja",
    "marca",
    "aprila",
    "maja",
    "junija",
    "julija",
    "avgusta",
    "septembra",
    "oktobra",
    "novembra",
    "decembra",
)


def _language(language: str) -> Language:
    if language == "sl":
        return "sl"
    if language == "en":
        return "en"
    raise ConfigurationError(
        "templates.language",
        sl="Jezik mora biti 'sl' ali 'en'.",
        en="The language must be 'sl' or 'en'.",
        where="language",
    )


def _type_error(where: str, expected_sl: str, expected_en: str, value: object) -> InvalidType:
    kind = type(value).__name__
    return InvalidType(
        "templates.type",
        sl=f"Vrednost mora biti {expected_sl}, ne {kind}.",
        en=f"The value must be {expected_en}, not {kind}.",
        where=where,
    )


@functools.cache
def _babel_locale(language: Language) -> object:
    from babel import Locale

    return Locale.parse(language)


def format_money(value: MoneyLike, language: str = "sl") -> str:
    r"""Format an amount in euros, rounded half-up to cents (see :func:`szo_core.money.format_eur`).

    >>> format_money(Decimal("1234.5"))
    '1.234,50\xa0€'
    >>> format_money(Decimal("1234.5"), "en")
    '€1,234.50'
    >>> format_money(0.5)
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidType: money.type: ...
    """
    return format_eur(value, locale=_language(language))


def format_number(value: int | Decimal, language: str = "sl") -> str:
    """Format a number with the locale's separators (``1.234,5`` in Slovenian).

    >>> format_number(Decimal("1234.5"))
    '1.234,5'
    >>> format_number(1234, "en")
    '1,234'
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _type_error("number", "int ali Decimal", "an int or a Decimal", value)
    from babel.numbers import format_decimal

    result: str = format_decimal(value, locale=_language(language))
    return result


def _check_date(value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise _type_error("date", "date", "a date", value)
    return value


def format_date(value: date, style: DateStyle = "long", language: str = "sl") -> str:
    """Format a date in a CLDR style, or in running text (``style="text"``).

    >>> format_date(date(2026, 3, 4))
    '4. marec 2026'
    >>> format_date(date(2026, 3, 4), "short")
    '4. 3. 2026'
    >>> format_date(date(2026, 3, 4), "text")
    '4. marca 2026'
    >>> format_date(date(2026, 3, 4), "long", "en")
    'March 4, 2026'
    """
    lang = _language(language)
    day = _check_date(value)
    if style == "text":
        return format_date_in_text(day, lang)
    if style not in ("short", "medium", "long", "full"):
        raise _style_error("date")
    from babel.dates import format_date as babel_format_date

    result: str = babel_format_date(day, style, locale=lang)
    return result


def format_date_in_text(value: date, language: str = "sl") -> str:
    """Format a date for running text: the genitive month in Slovenian (``do 4. marca 2026``).

    CLDR has only the nominative (``4. marec 2026``), so the genitive month names
    are this module's own table.  In English this is CLDR's long date.

    >>> f"Plačilo do {format_date_in_text(date(2026, 3, 4))}."
    'Plačilo do 4. marca 2026.'
    >>> format_date_in_text(date(2026, 12, 31), "en")
    'December 31, 2026'
    """
    lang = _language(language)
    day = _check_date(value)
    if lang == "en":
        return format_date(day, "long", "en")
    return f"{day.day}. {_GENITIVE_MONTHS[day.month - 1]} {day.year}"


def _style_error(what: str) -> ConfigurationError:
    return ConfigurationError(
        "templates.style",
        sl="Neznan slog zapisa.",
        en="Unknown formatting style.",
        where=what,
    )


def format_time(value: time | datetime, style: TimeStyle = "short", language: str = "sl") -> str:
    """Format a time of day: CLDR's ``09:05``, or the Slovenian ``9.05`` / ``ob 9.05``.

    An aware :class:`~datetime.datetime` is shown in Europe/Ljubljana time; a naive
    one, and a :class:`~datetime.time`, as given.  In English, ``dotted`` is CLDR's
    short time and ``ob`` adds "at".

    >>> format_time(time(9, 5))
    '09:05'
    >>> format_time(time(9, 5), "dotted")
    '9.05'
    >>> format_time(time(14, 30), "ob")
    'ob 14.30'
    >>> format_time(time(9, 5), "ob", "en")
    'at 9:05\u202fAM'
    """
    lang = _language(language)
    if isinstance(value, datetime):
        moment = value.astimezone(_ZONE) if value.tzinfo is not None else value
        clock = moment.timetz().replace(tzinfo=None)
    elif isinstance(value, time):
        clock = value.replace(tzinfo=None)
    else:
        raise _type_error("time", "time ali datetime", "a time or a datetime", value)
    if style not in ("short", "dotted", "ob"):
        raise _style_error("time")
    if lang == "sl" and style != "short":
        text = f"{clock.hour}.{clock.minute:02d}"
        return f"ob {text}" if style == "ob" else text
    from babel.dates import format_time as babel_format_time

    text = babel_format_time(clock, "short", locale=lang)
    return f"at {text}" if style == "ob" else text


def format_datetime(
    value: datetime,
    date_style: DateStyle = "text",
    time_style: TimeStyle = "ob",
    language: str = "sl",
) -> str:
    """Format a date and time for running text (``4. marca 2026 ob 9.05`` by default).

    An aware datetime is shown in Europe/Ljubljana time.

    >>> format_datetime(datetime(2026, 3, 4, 9, 5))
    '4. marca 2026 ob 9.05'
    >>> from datetime import timezone
    >>> format_datetime(datetime(2026, 7, 1, 7, 0, tzinfo=timezone.utc), "short", "dotted")
    '1. 7. 2026 9.00'
    """
    if not isinstance(value, datetime):
        raise _type_error("datetime", "datetime", "a datetime", value)
    moment = value.astimezone(_ZONE) if value.tzinfo is not None else value
    day = format_date(moment.date(), date_style, language)
    return f"{day} {format_time(moment, time_style, language)}"


def plural(number: int | Decimal, *forms: str, language: str = "sl") -> str:
    """Return the form of a word that goes with ``number``.

    In Slovenian give all four forms, for 1, 2, 3 and 5 (``"dan", "dneva", "dnevi",
    "dni"``); the form is chosen by CLDR's rule (through Babel) on the last two
    digits, and any number with decimals takes the third.  In English give two
    (one, other) or the same four (the first and the last are used).

    Raises:
        szo_core.errors.ConfigurationError: ``templates.plural_forms`` for the
            wrong number of forms.
        szo_core.errors.InvalidType: ``templates.type`` for a number that is not
            an int or a Decimal (a float cannot say whether it has decimals).

    >>> plural(102, "dan", "dneva", "dnevi", "dni")
    'dneva'
    >>> plural(Decimal("1.5"), "dan", "dneva", "dnevi", "dni")
    'dnevi'
    >>> plural(2, "day", "days", language="en")
    'days'
    """
    lang = _language(language)
    if isinstance(number, bool) or not isinstance(number, int | Decimal):
        raise _type_error("number", "int ali Decimal", "an int or a Decimal", number)
    if isinstance(number, Decimal) and not number.is_finite():
        raise _type_error("number", "končno število", "a finite number", number)
    if not all(isinstance(form, str) for form in forms):
        raise _type_error(
            "forms", "besedilo", "text", next(f for f in forms if not isinstance(f, str))
        )
    wanted = (4,) if lang == "sl" else (2, 4)
    if len(forms) not in wanted:
        raise ConfigurationError(
            "templates.plural_forms",
            sl="Podajte štiri oblike besede (za 1, 2, 3 in 5), npr. dan, dneva, dnevi, dni.",
            en="Give four forms of the word (for 1, 2, 3 and 5); in English two or four.",
            where="plural",
        )
    category: str = _babel_locale(lang).plural_form(abs(number))  # type: ignore[attr-defined]
    if lang == "en":
        return forms[0] if category == "one" else forms[-1]
    return forms[("one", "two", "few", "other").index(category)]
