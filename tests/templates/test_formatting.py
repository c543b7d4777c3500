"""Slovenian formatting: money, dates in running text, the ob 9.05 style, four plural forms."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from babel import Locale
from hypothesis import example, given
from hypothesis import strategies as st

from szo_core.errors import ConfigurationError, InvalidType
from szo_core.templates.formatting import (
    format_date,
    format_date_in_text,
    format_datetime,
    format_money,
    format_number,
    format_time,
    plural,
)

DAN = ("dan", "dneva", "dnevi", "dni")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 dni"),
        (1, "1 dan"),
        (2, "2 dneva"),
        (3, "3 dnevi"),
        (4, "4 dnevi"),
        (5, "5 dni"),
        (11, "11 dni"),
        (12, "12 dni"),
        (13, "13 dni"),
        (21, "21 dni"),
        (101, "101 dan"),
        (102, "102 dneva"),
        (103, "103 dnevi"),
        (104, "104 dnevi"),
        (105, "105 dni"),
        (111, "111 dni"),
        (1001, "1001 dan"),
        (-1, "-1 dan"),
    ],
)
def test_four_plural_forms(n: int, expected: str) -> None:
    assert f"{n} {plural(n, *DAN)}" == expected


def _by_hand(n: int) -> str:
    last_two = abs(n) % 100
    if last_two == 1:
        return "dan"
    if last_two == 2:
        return "dneva"
    if last_two in (3, 4):
        return "dnevi"
    return "dni"


_CATEGORY_TO_FORM = dict(zip(("one", "two", "few", "other"), DAN, strict=True))


@given(st.integers(min_value=-(10**12), max_value=10**12))
@example(101)
@example(102)
@example(103)
@example(105)
def test_plural_follows_the_rule_and_babel(n: int) -> None:
    form = plural(n, *DAN)
    assert form == _by_hand(n)
    assert form == _CATEGORY_TO_FORM[Locale("sl").plural_form(abs(n))]


@given(st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False))
def test_plural_decimals_follow_babel(n: Decimal) -> None:
    form = plural(n, *DAN)
    assert form == _CATEGORY_TO_FORM[Locale("sl").plural_form(abs(n))]
    if n != n.to_integral_value() or n.as_tuple().exponent != 0:
        assert form == "dnevi"  # any visible decimals: the "few" form


def test_plural_english_and_wrong_forms() -> None:
    assert plural(1, "day", "days", language="en") == "day"
    assert plural(101, "day", "days", language="en") == "days"
    assert plural(1, *DAN, language="en") == "dan"
    assert plural(2, *DAN, language="en") == "dni"
    with pytest.raises(ConfigurationError) as info:
        plural(2, "dan", "dni")
    assert info.value.code == "templates.plural_forms"
    with pytest.raises(InvalidType):
        plural(1.0, *DAN)  # type: ignore[arg-type]
    with pytest.raises(InvalidType):
        plural(True, *DAN)
    with pytest.raises(InvalidType):
        plural(Decimal("NaN"), *DAN)
    with pytest.raises(ConfigurationError) as lang:
        plural(1, *DAN, language="de")
    assert lang.value.code == "templates.language"


def test_money() -> None:
    assert format_money(Decimal("1234.5")) == "1.234,50\xa0€"
    assert format_money(Decimal("1234.505")) == "1.234,51\xa0€"  # half-up to cents
    assert format_money(Decimal("-0.5")) == "-0,50\xa0€"
    assert format_money(1_000_000) == "1.000.000,00\xa0€"
    assert format_money(Decimal("1234.5"), "en") == "€1,234.50"
    with pytest.raises(InvalidType):
        format_money(1.5)  # type: ignore[arg-type]
    assert format_number(Decimal("1234.5")) == "1.234,5"
    with pytest.raises(InvalidType):
        format_number(1.5)  # type: ignore[arg-type]


_GENITIVE = [
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
]


@pytest.mark.parametrize("month", range(1, 13))
def test_dates_in_running_text_are_genitive(month: int) -> None:
    assert format_date_in_text(date(2026, month, 4)) == f"4. {_GENITIVE[month - 1]} 2026"
    assert format_date(date(2026, month, 4), "text") == f"4. {_GENITIVE[month - 1]} 2026"


def test_cldr_dates() -> None:
    d = date(2026, 3, 4)
    assert format_date(d) == "4. marec 2026"  # CLDR: nominative
    assert format_date(d, "short") == "4. 3. 2026"
    assert format_date(d, "full") == "sreda, 4. marec 2026"
    assert format_date(d, "long", "en") == "March 4, 2026"
    assert format_date_in_text(d, "en") == "March 4, 2026"
    with pytest.raises(InvalidType):
        format_date(datetime(2026, 3, 4))
    with pytest.raises(InvalidType):
        format_date("2026-03-04")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        format_date(d, "genitive")  # type: ignore[arg-type]


def test_times() -> None:
    assert format_time(time(9, 5)) == "09:05"
    assert format_time(time(9, 5), "dotted") == "9.05"
    assert format_time(time(9, 5), "ob") == "ob 9.05"
    assert format_time(time(0, 0), "ob") == "ob 0.00"
    assert format_time(time(23, 59), "dotted") == "23.59"
    assert format_time(time(9, 5), "ob", "en") == "at 9:05\u202fAM"
    # aware datetimes are shown in Ljubljana time (CET in winter, CEST in summer)
    assert format_time(datetime(2026, 1, 15, 8, 5, tzinfo=UTC), "ob") == "ob 9.05"
    assert format_time(datetime(2026, 7, 15, 8, 5, tzinfo=UTC), "ob") == "ob 10.05"
    assert (
        format_time(datetime(2026, 7, 15, 8, 5, tzinfo=timezone(timedelta(hours=2))), "dotted")
        == "8.05"
    )
    with pytest.raises(ConfigurationError):
        format_time(time(9, 5), "long")  # type: ignore[arg-type]
    with pytest.raises(InvalidType):
        format_time("9:05")  # type: ignore[arg-type]


def test_datetimes() -> None:
    assert format_datetime(datetime(2026, 3, 4, 9, 5)) == "4. marca 2026 ob 9.05"
    # 23:30 UTC on 31 March is already 1 April in Ljubljana
    assert format_datetime(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "1. aprila 2026 ob 1.30"
    with pytest.raises(InvalidType):
        format_datetime(date(2026, 3, 4))  # type: ignore[arg-type]
