"""Tests for szo_core.serialization: exact, JSON-ready round trips and clear errors."""

from __future__ import annotations

import enum
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests._roundtrip import assert_no_floats, assert_roundtrip

from szo_core.calendar import DateRange, Month
from szo_core.errors import ValidationError
from szo_core.ids import emso, reference
from szo_core.model import (
    Child,
    Program,
    ProgramKind,
    Reservation,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
)
from szo_core.serialization import (
    configure_converter,
    from_json,
    make_converter,
    structure,
    to_json,
    unstructure,
)
from szo_core.testing import records


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@attrs.frozen(kw_only=True)
class Flags:
    colour: Colour
    level: Level


@attrs.frozen
class Inner:
    amount: Decimal
    note: str = ""


@attrs.frozen(kw_only=True)
class Sample:
    """A record with every supported field kind."""

    amount: Decimal
    day: date
    stamp: datetime
    colour: Colour
    level: Level
    month: Month
    period: DateRange
    amounts: tuple[Decimal, ...]
    pair: tuple[int, str]
    months: frozenset[Month]
    maybe_day: date | None
    maybe_inner: Inner | None
    inners: tuple[Inner, ...]
    by_name: dict[str, Decimal]
    name: str
    count: int
    flag: bool


# -- strategies ----------------------------------------------------------------------------

decimals = st.decimals(allow_nan=False, allow_infinity=False)
money = st.decimals(min_value=-(10**9), max_value=10**9, places=2)
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
datetimes = st.datetimes(timezones=st.none() | offsets)
months = st.builds(Month, st.integers(1, 9999), st.integers(1, 12))


@st.composite
def date_ranges(draw: st.DrawFn) -> DateRange:
    start = draw(st.dates(max_value=date(9000, 1, 1)))
    if draw(st.booleans()):
        return DateRange.open(start)
    return DateRange(start, start + timedelta(days=draw(st.integers(0, 5000))))


inners = st.builds(Inner, money, st.text(max_size=5))
samples = st.builds(
    Sample,
    amount=money,
    day=st.dates(),
    stamp=datetimes,
    colour=st.sampled_from(Colour),
    level=st.sampled_from(Level),
    month=months,
    period=date_ranges(),
    amounts=st.tuples(money, money).map(tuple) | st.just(()),
    pair=st.tuples(st.integers(), st.text(max_size=5)),
    months=st.frozensets(months, max_size=4),
    maybe_day=st.none() | st.dates(),
    maybe_inner=st.none() | inners,
    inners=st.lists(inners, max_size=3).map(tuple),
    by_name=st.dictionaries(st.text(max_size=4), money, max_size=3),
    name=st.text(max_size=10),
    count=st.integers(),
    flag=st.booleans(),
)


# -- round trips ---------------------------------------------------------------------------


@given(decimals)
def test_decimal_round_trips_exactly(value: Decimal) -> None:
    rebuilt = assert_roundtrip(value)
    if value.as_tuple().exponent <= 0:  # type: ignore[operator]
        # digits and exponent survive, so "12.50" stays "12.50"
        assert rebuilt.as_tuple() == value.as_tuple()


@given(money)
def test_money_travels_as_its_own_digits(value: Decimal) -> None:
    text = unstructure(value)
    assert isinstance(text, str)
    assert Decimal(text) == value
    assert text == str(value)


@given(st.dates())
def test_date_round_trips(value: date) -> None:
    assert unstructure(value) == value.isoformat()
    assert_roundtrip(value)


@given(datetimes)
def test_datetime_round_trips_with_its_offset(value: datetime) -> None:
    rebuilt = assert_roundtrip(value)
    assert rebuilt.utcoffset() == value.utcoffset()
    assert rebuilt.isoformat() == value.isoformat()


@given(months)
def test_month_round_trips(value: Month) -> None:
    assert unstructure(value) == str(value)
    assert_roundtrip(value)


@given(date_ranges())
def test_date_range_round_trips(value: DateRange) -> None:
    data = unstructure(value)
    assert isinstance(data, dict)
    assert data["start"] == value.start.isoformat()
    assert data["end"] == (None if value.is_open else value.end.isoformat())
    assert_roundtrip(value)


@given(samples)
def test_record_with_every_field_kind_round_trips(value: Sample) -> None:
    assert_roundtrip(value)


@given(st.sampled_from(Colour), st.sampled_from(Level))
def test_enums_travel_by_value(colour: Colour, level: Level) -> None:
    assert unstructure(colour) == colour.value
    assert unstructure(level) == level.value
    assert structure(colour.value, Colour) is colour
    # the plain value, not the member (a StrEnum member is a str, but not a plain one)
    assert type(unstructure(colour)) is str
    assert type(unstructure(level)) is int
    data = make_converter().unstructure(Flags(colour=colour, level=level))
    assert (type(data["colour"]), type(data["level"])) == (str, int)


def test_sample_record_hand_example() -> None:
    value = Sample(
        amount=Decimal("12.50"),
        day=date(2026, 9, 1),
        stamp=datetime(2026, 9, 1, 8, 30, tzinfo=timezone(timedelta(hours=2))),
        colour=Colour.BLUE,
        level=Level.HIGH,
        month=Month(2026, 9),
        period=DateRange.open(date(2026, 9, 14)),
        amounts=(Decimal("0.10"), Decimal("100")),
        pair=(7, "x"),
        months=frozenset({Month(2026, 10), Month(2025, 1)}),
        maybe_day=None,
        maybe_inner=Inner(Decimal("-3.00"), "poračun"),
        inners=(),
        by_name={"a": Decimal("1.5")},
        name="Vrtec Ciciban",
        count=3,
        flag=True,
    )
    assert unstructure(value) == {
        "amount": "12.50",
        "day": "2026-09-01",
        "stamp": "2026-09-01T08:30:00+02:00",
        "colour": "blue",
        "level": 2,
        "month": "2026-09",
        "period": {"start": "2026-09-14", "end": None},
        "amounts": ["0.10", "100"],
        "pair": [7, "x"],
        "months": ["2025-01", "2026-10"],  # sets come out sorted
        "maybe_day": None,
        "maybe_inner": {"amount": "-3.00", "note": "poračun"},
        "inners": [],
        "by_name": {"a": "1.5"},
        "name": "Vrtec Ciciban",
        "count": 3,
        "flag": True,
    }
    assert from_json(to_json(value), Sample) == value
    assert "poračun" in to_json(value)  # UTF-8 kept, not \\u escapes


def test_decimal_hand_examples() -> None:
    assert unstructure(Decimal("12.50")) == "12.50"
    assert unstructure(Decimal("-0.01")) == "-0.01"
    assert unstructure(Decimal("1E+3")) == "1000"  # no exponent notation in the data
    assert unstructure(Decimal("1.2E-7")) == "0.00000012"
    assert structure("12.50", Decimal).as_tuple() == Decimal("12.50").as_tuple()
    assert structure(42, Decimal) == Decimal(42)
    # JSON numbers are read as Decimal, never through float: 0.1 + 0.2 stays exact
    assert from_json("0.1", Decimal) + from_json("0.2", Decimal) == Decimal("0.3")


# -- the converter is fresh and separate from cattrs' global one ---------------------------


def test_make_converter_is_fresh_each_call() -> None:
    a, b = make_converter(), make_converter()
    assert a is not b
    a.register_unstructure_hook(Month, lambda m: "changed")
    assert a.unstructure(Month(2026, 9)) == "changed"
    assert b.unstructure(Month(2026, 9)) == "2026-09"


def test_global_cattrs_converter_is_untouched() -> None:
    make_converter()
    unstructure(Decimal("1.5"))
    assert cattrs.global_converter.unstructure(Decimal("1.5")) == Decimal("1.5")


def test_configure_converter_on_a_plain_converter() -> None:
    conv = configure_converter(cattrs.Converter())
    assert conv.unstructure(Month(2026, 9)) == "2026-09"
    assert_roundtrip(DateRange.open(date(2026, 9, 1)), converter=conv)
    # a plain converter raises cattrs' own errors; structure() translates them
    with pytest.raises(ValidationError) as info:
        structure({"start": "x", "end": None}, DateRange, converter=conv)
    assert info.value.code == "serialization.structure"
    assert info.value.where == "$.start"


# -- structuring errors --------------------------------------------------------------------


def _structure_error(data: object, cls: type) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        make_converter().structure(data, cls)
    assert info.value.code == "serialization.structure"
    with pytest.raises(ValidationError) as again:
        structure(data, cls)
    assert again.value.code == "serialization.structure"
    assert again.value.where == info.value.where
    return info.value


@pytest.mark.parametrize(
    "bad",
    [1.5, "1e3", "NaN", "Infinity", " 12.50", "12,50", "", True, None, [], Decimal("NaN")],
)
def test_decimal_refuses_anything_but_exact_text(bad: object) -> None:
    err = _structure_error(bad, Decimal)
    assert err.where == "$"


@pytest.mark.parametrize(
    ("bad", "cls"),
    [
        ("2026-9-1", date),
        ("2026-02-30", date),
        ("20260901", date),
        ("2026-09-01T00:00:00", date),
        (datetime(2026, 9, 1), date),
        ("2026-09-01", datetime),
        ("2026-09-01 08:30", datetime),
        ("2026-09-01Tlate", datetime),
        (20260901, date),
        ("2026-9", Month),
        ("2026-13", Month),
        (202609, Month),
        ("purple", Colour),
    ],
)
def test_bad_scalars_are_refused(bad: object, cls: type) -> None:
    assert _structure_error(bad, cls).where == "$"


def test_error_points_at_the_failing_field() -> None:
    data = unstructure(
        Sample(
            amount=Decimal("1"),
            day=date(2026, 1, 1),
            stamp=datetime(2026, 1, 1),
            colour=Colour.RED,
            level=Level.LOW,
            month=Month(2026, 1),
            period=DateRange.single(date(2026, 1, 1)),
            amounts=(),
            pair=(1, "a"),
            months=frozenset(),
            maybe_day=None,
            maybe_inner=None,
            inners=(Inner(Decimal("1")), Inner(Decimal("2"))),
            by_name={},
            name="",
            count=0,
            flag=False,
        )
    )
    assert isinstance(data, dict)
    data["inners"][1]["amount"] = 2.5  # type: ignore[index]
    err = _structure_error(data, Sample)
    assert err.where == "$.inners[1].amount"
    # two problems: both are listed, the first one is `where`
    data["period"] = {"start": "2026-01-01"}
    err = _structure_error(data, Sample)
    assert err.where == "$.period.end"
    assert "$.inners[1].amount" in err.message("en")
    assert "required field missing" in err.message("en")
    assert "manjka obvezno polje" in err.message("sl")


def test_validator_errors_of_records_come_through() -> None:
    err = _structure_error({"start": "2026-09-02", "end": "2026-09-01"}, DateRange)
    assert "before its start" in err.message("en")
    assert err.where == "$"


def test_errors_never_echo_the_value() -> None:
    # Synthetic personal numbers in the wrong place must not appear in any message,
    # nor as a mapping key in a path.
    emso_like = "0101006500006"
    iban_like = "SI56192001234567892"
    for number, data, cls in [
        (iban_like, iban_like, Decimal),
        (emso_like, emso_like, date),
        (emso_like, emso_like, datetime),
        (emso_like, emso_like, Month),
        (emso_like, emso_like, Colour),
        (iban_like, {"amount": iban_like}, Inner),
        (emso_like, {emso_like: "x"}, dict[str, Decimal]),
        (emso_like, [emso_like], tuple[date, ...]),
    ]:
        err = _structure_error(data, cls)
        for text in (str(err), repr(err), err.message("en"), err.message("sl"), err.where):
            assert number not in (text or "")
    err = _structure_error({emso_like: "x"}, dict[str, Decimal])
    assert err.where == "$['***']"


def test_forbidden_extra_keys_are_named_but_personal_keys_masked() -> None:
    conv = configure_converter(cattrs.Converter(forbid_extra_keys=True))
    with pytest.raises(ValidationError) as info:
        structure({"amount": "1", "extra": 1, "0101006500006": 2}, Inner, converter=conv)
    message = info.value.message("en")
    assert "extra" in message
    assert "0101006500006" not in message


def test_json_errors() -> None:
    with pytest.raises(ValidationError) as info:
        from_json("{not json", Month)
    assert info.value.code == "serialization.json"
    with pytest.raises(ValidationError) as info:
        from_json(b"\xff\xfe", Month)
    assert info.value.code == "serialization.json"


def test_non_finite_decimal_is_not_written() -> None:
    with pytest.raises(ValidationError):
        unstructure(Decimal("NaN"))


def test_to_json_output_is_plain_json() -> None:
    text = to_json(DateRange.open(date(2026, 9, 1)))
    assert json.loads(text) == {"start": "2026-09-01", "end": None}
    assert_no_floats(json.loads(text))


# -- records from szo_core.ids ------------------------------------------------------------


@given(st.dates(date(1900, 1, 1), date(2025, 12, 31)), st.booleans())
def test_emso_info_round_trips(birth: date, female: bool) -> None:
    sex = emso.Sex.FEMALE if female else emso.Sex.MALE
    assert_roundtrip(emso.parse(emso.make(birth, sex)))


@given(st.integers(0, 10**8), st.integers(0, 10**4))
def test_reference_round_trips(p1: int, p2: int) -> None:
    for text in (reference.make("SI12", p1), reference.make("SI00", p1, p2)):
        assert_roundtrip(reference.parse(text))


def test_reference_hand_examples() -> None:
    for text in ("SI08 1236-17-345679", reference.make_rf("SBO2010"), "SI99"):
        rebuilt = assert_roundtrip(reference.parse(text))
        assert rebuilt == reference.parse(text)


# -- the records of the billing year -------------------------------------------------------


def _plain(data: object) -> None:
    """Only plain JSON types, no subclasses (no enum member passing for its value)."""
    if isinstance(data, dict):
        for value in data.values():
            _plain(value)
    elif isinstance(data, list):
        for value in data:
            _plain(value)
    else:
        assert data is None or type(data) in (str, int, bool), type(data)


@given(records.children())
def test_child_with_dated_facts_round_trips(child: Child) -> None:
    rebuilt = assert_roundtrip(child)
    assert rebuilt.residence_changes == child.residence_changes
    assert rebuilt.taxpayer_changes == child.taxpayer_changes
    _plain(unstructure(child))


@given(records.residence_changes(min_size=1), records.taxpayer_changes(min_size=1))
def test_dated_changes_round_trip_alone(
    moves: tuple[ResidenceChange, ...], taxes: tuple[TaxpayerChange, ...]
) -> None:
    for change in (*moves, *taxes):
        assert_roundtrip(change)
    assert assert_roundtrip(moves, tuple[ResidenceChange, ...]) == moves


@given(records.programs())
def test_program_of_every_kind_round_trips(program: Program) -> None:
    assert_roundtrip(program)
    data = unstructure(program)
    assert isinstance(data, dict)
    assert type(data["kind"]) is str
    assert data["kind"] == program.kind.value


@pytest.mark.parametrize("kind", list(ReservationKind))
def test_every_reservation_kind_round_trips(kind: ReservationKind) -> None:
    reservation = Reservation(
        organisation_id="o",
        id="r",
        child_code=1,
        kind=kind,
        start=date(2026, 11, 1),
        end=date(2026, 12, 31),
    )
    assert assert_roundtrip(reservation).kind is kind
    assert unstructure(ReservationKind.TEMPORARY_EXIT) == "temporary_exit"


def test_dated_facts_hand_example() -> None:
    child = Child(
        organisation_id="o",
        code=7,
        municipality_code=61,
        residence_changes=(
            ResidenceChange(valid_from=date(2026, 10, 15), municipality_code=62, regresor_id="r"),
        ),
        taxpayer_changes=(TaxpayerChange(valid_from=date(2026, 3, 1), taxpayers=False),),
    )
    data = unstructure(child)
    assert isinstance(data, dict)
    assert data["residence_changes"] == [
        {"valid_from": "2026-10-15", "municipality_code": 62, "regresor_id": "r"}
    ]
    assert data["taxpayer_changes"] == [{"valid_from": "2026-03-01", "taxpayers": False}]
    unit = Program(
        organisation_id="o", code="RO", kind=ProgramKind.DEVELOPMENTAL_UNIT, reference_program="I"
    )
    assert to_json(unit) == (
        '{"organisation_id": "o", "code": "RO", "name": "", "prices": [], '
        '"kind": "developmental_unit", "reference_program": "I", "version": 0}'
    )


def test_data_written_before_the_new_fields_still_reads() -> None:
    # JSON written before dated facts and program kinds: the defaults fill them in.
    child = structure({"organisation_id": "o", "code": 7, "municipality_code": 61}, Child)
    assert child.residence_changes == ()
    assert child.taxpayer_changes == ()
    assert child.municipality_on(date(2030, 1, 1)) == 61
    program = structure({"organisation_id": "o", "code": "I"}, Program)
    assert program.kind is ProgramKind.REGULAR
    assert program.reference_program is None


@pytest.mark.parametrize(
    ("data", "cls", "where", "says"),
    [
        ({"organisation_id": "o", "code": "I", "kind": "weird"}, Program, "$.kind", "ProgramKind"),
        (
            {"organisation_id": "o", "code": "RO", "kind": "developmental_unit"},
            Program,
            "$",
            "reference program",
        ),
        (
            {
                "organisation_id": "o",
                "code": 7,
                "enrollment_date": "2026-09-02",
                "exit_date": "2026-09-01",
            },
            Child,
            "$",
            "exit date",
        ),
        (
            {
                "organisation_id": "o",
                "code": 7,
                "residence_changes": [
                    {"valid_from": "2026-10-01", "municipality_code": 62},
                    {"valid_from": "2026-09-01", "municipality_code": 61},
                ],
            },
            Child,
            "$",
            "sorted",
        ),
        (
            {"organisation_id": "o", "code": 7, "taxpayer_changes": [{"valid_from": "2026"}]},
            Child,
            "$.taxpayer_changes[0].valid_from",
            "YYYY-MM-DD",
        ),
    ],
)
def test_bad_dated_facts_and_kinds_are_refused(
    data: dict[str, object], cls: type, where: str, says: str
) -> None:
    with pytest.raises(ValidationError) as err:
        structure(data, cls)
    assert err.value.code == "serialization.structure"
    assert err.value.where == where
    assert says in err.value.en
