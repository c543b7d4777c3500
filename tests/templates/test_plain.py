"""The plain ((placeholder)) mode: parsing, strictness, formatting by declared type, limits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.errors import InvalidType
from szo_core.templates.errors import TemplateError, TemplateLimitExceeded, UndefinedPlaceholder
from szo_core.templates.model import FieldType
from szo_core.templates.plain import PlainTemplate, format_value
from szo_core.templates.render import TemplateLimits


def test_placeholders_in_order_of_first_use_and_the_optional_ones() -> None:
    t = PlainTemplate.compile("((a)) ((b??x)) ((a)) (( c )) ((d??y)) ((d))")
    assert t.placeholders == ("a", "b", "c", "d")
    assert t.optional == frozenset({"b"})


def test_values_are_formatted_by_their_declared_type() -> None:
    t = PlainTemplate.compile("((z)) | ((n)) | ((d)) | ((t)) | ((k)) | ((b)) | ((s))")
    types = {
        "z": FieldType.MONEY,
        "n": FieldType.DECIMAL,
        "d": FieldType.DATE,
        "t": FieldType.DATETIME,
        "k": FieldType.INTEGER,
        "b": FieldType.BOOLEAN,
        "s": FieldType.LIST,
    }
    values = {
        "z": Decimal("1234.5"),
        "n": Decimal("1234.5"),
        "d": date(2026, 3, 4),
        "t": datetime(2026, 3, 4, 7, 5, tzinfo=UTC),
        "k": 12345,
        "b": False,
        "s": ["A", "B"],
    }
    assert t.render(values, types=types) == (
        "1.234,50\xa0€ | 1.234,5 | 4. marca 2026 | 4. marca 2026 ob 8.05 | 12345 | ne | A, B"
    )
    assert t.render(values, types=types, language="en") == (
        "€1,234.50 | 1,234.5 | March 4, 2026 | March 4, 2026 at 8:05\u202fAM | 12345 | no | A, B"
    )


def test_a_missing_or_none_value_names_the_placeholder() -> None:
    t = PlainTemplate.compile("Zdravo ((ime)), ((priimek))!")
    for values in ({"ime": "Ana"}, {"ime": "Ana", "priimek": None}):
        with pytest.raises(UndefinedPlaceholder) as caught:
            t.render(values)
        assert caught.value.where == "priimek"
        assert caught.value.code == "templates.undefined"


def test_optional_text_shows_only_when_the_value_is_present() -> None:
    t = PlainTemplate.compile("Račun((nujno?? – NUJNO)).")
    assert t.render({"nujno": True}) == "Račun – NUJNO."
    assert t.render({"nujno": "da"}) == "Račun – NUJNO."
    for absent in ({}, {"nujno": None}, {"nujno": False}, {"nujno": ""}, {"nujno": []}):
        assert t.render(absent) == "Račun."


def test_a_value_of_the_wrong_type_names_the_field_not_the_value() -> None:
    t = PlainTemplate.compile("((znesek))")
    with pytest.raises(InvalidType) as caught:
        t.render({"znesek": 12.5}, types={"znesek": FieldType.MONEY})
    assert caught.value.where == "znesek"
    assert "12.5" not in str(caught.value) + caught.value.en
    with pytest.raises(InvalidType):
        t.render({"znesek": object()})


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("Zdravo ((ime)", 1),
        ("a\nb\nZdravo ime))", 3),
        ("((1ime))", 1),
        ("((ime priimek))", 1),
        ("(())", 1),
        ("x\n((ime??a((b))", 2),
        ("((ime??  ))", 1),
    ],
)
def test_malformed_placeholders_are_syntax_errors_with_their_line(source: str, line: int) -> None:
    with pytest.raises(TemplateError) as caught:
        PlainTemplate.compile(source)
    assert caught.value.code == "templates.syntax"
    assert caught.value.where == f"line {line}"


def test_the_output_and_source_limits() -> None:
    limits = TemplateLimits(max_output_chars=50, max_source_chars=20)
    t = PlainTemplate.compile("((a))((a))", limits)
    assert t.render({"a": "x" * 25}) == "x" * 50
    with pytest.raises(TemplateLimitExceeded) as caught:
        t.render({"a": "x" * 26})
    assert caught.value.code == "templates.limit.output"
    with pytest.raises(TemplateLimitExceeded):
        PlainTemplate.compile("x" * 21, limits)


def test_braces_and_jinja_syntax_are_plain_text() -> None:
    text = 'JSON {"a": 1} in {{ jinja }} {% if %} (in brackets) stays'
    assert PlainTemplate.compile(text).render({}) == text


@given(st.text().filter(lambda s: "((" not in s and "))" not in s))
def test_text_without_placeholders_renders_as_itself(text: str) -> None:
    assert PlainTemplate.compile(text).render({}) == text


def test_format_value_infers_the_type_without_a_declaration() -> None:
    assert format_value(3) == "3"
    assert format_value(Decimal("2.5")) == "2,5"
    assert format_value(date(2026, 12, 1)) == "1. decembra 2026"
    with pytest.raises(InvalidType):
        format_value({"a": 1}, FieldType.OBJECT)


@given(
    st.lists(
        st.tuples(
            st.text(max_size=8).filter(lambda s: "(" not in s and ")" not in s),
            st.sampled_from(["a", "b", "c"]),
        ),
        max_size=6,
    ),
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.text(max_size=5)),
)
def test_rendering_is_the_pieces_with_the_values_in_place(
    pieces: list[tuple[str, str]], extra: dict[str, str]
) -> None:
    values = {"a": "1", "b": "22", "c": "333", **extra}
    source = "".join(f"{text}(({name}))" for text, name in pieces)
    expected = "".join(f"{text}{values[name]}" for text, name in pieces)
    assert PlainTemplate.compile(source).render(values) == expected


@pytest.mark.parametrize(
    "source", ["((a.__class__))", "((a[0]))", "((a|attr('x')))", "((a()))", "(({{ a }}))"]
)
def test_nothing_but_a_name_fits_in_a_placeholder(source: str) -> None:
    with pytest.raises(TemplateError) as caught:
        PlainTemplate.compile(source)
    assert caught.value.code == "templates.syntax"


def test_a_dunder_name_is_only_a_key_of_the_values() -> None:
    with pytest.raises(UndefinedPlaceholder):
        PlainTemplate.compile("((__class__))").render({})
    assert PlainTemplate.compile("((__class__))").render({"__class__": "x"}) == "x"
