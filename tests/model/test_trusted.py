"""The trusted constructor: same record as the validated one, without the checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.model import (
    Absence,
    Address,
    Child,
    Decision,
    Group,
    Guardian,
    Program,
    Regresor,
    Reservation,
    _trusted,
)
from szo_core.model._trusted import build_trusted, trusted_factory
from szo_core.testing import records as rs

RECORDS = st.one_of(
    rs.children(),
    rs.guardians(),
    rs.programs(),
    rs.groups(),
    rs.regresors(),
    rs.decisions(),
    rs.reservations(),
    rs.absences(),
)

Record = Child | Guardian | Program | Group | Regresor | Decision | Reservation | Absence


def _values(record: Record) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in attrs.fields(type(record))}


@given(record=RECORDS)
def test_trusted_record_is_the_validated_record(record: Record) -> None:
    cls = type(record)
    values = _values(record)
    built = trusted_factory(cls)(*values.values())
    assert type(built) is cls
    assert built == record
    assert hash(built) == hash(record)
    assert repr(built) == repr(record)
    assert _values(built) == values
    # and the validators accept it: it is a record the constructor could have built
    assert attrs.evolve(built) == record


@given(record=RECORDS, data=st.data())
def test_fields_in_any_order_and_by_name(record: Record, data: st.DataObject) -> None:
    values = _values(record)
    names = data.draw(st.permutations(list(values)))
    assert trusted_factory(type(record), *names)(*(values[n] for n in names)) == record
    assert build_trusted(type(record), {n: values[n] for n in names}) == record


def test_fields_not_named_take_their_defaults() -> None:
    child = trusted_factory(Child, "organisation_id", "code")("org", 7)
    assert child == Child(organisation_id="org", code=7)
    # a factory default is called for each record, not shared from the first one
    other = trusted_factory(Child, "organisation_id", "code")("org", 8)
    assert child.permanent_address == other.permanent_address == Address()
    assert child.permanent_address is not other.permanent_address


def test_no_validator_runs() -> None:
    # 1.2 is outside 0 ... 1: the constructor refuses it, the trusted factory does not
    # look (which is why only the adapter's own stored rows may go through it).
    values = {
        "organisation_id": "o",
        "id": "d",
        "child_code": 1,
        "number": "x",
        "coefficient": Decimal("1.2"),
        "valid_from": date(2025, 1, 1),
    }
    with pytest.raises(ValueError, match=r"decision\.coefficient\.range"):
        Decision(**values)  # type: ignore[arg-type]
    assert build_trusted(Decision, values).coefficient == Decimal("1.2")


def test_trusted_record_stays_frozen() -> None:
    group = build_trusted(Group, {"organisation_id": "o", "code": "A1"})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        group.name = "B"  # type: ignore[misc]
    assert attrs.evolve(group, name="B").name == "B"


def test_factories_are_built_once() -> None:
    assert trusted_factory(Group, "organisation_id", "code") is trusted_factory(
        Group, "organisation_id", "code"
    )


@attrs.frozen
class _WithPostInit:
    a: int

    def __attrs_post_init__(self) -> None:
        """Nothing; its presence is what counts."""


@attrs.frozen(cache_hash=True)
class _WithCachedHash:
    a: int


class _Plain:
    a: int


@pytest.mark.parametrize(
    ("cls", "names", "message"),
    [
        (Group, ("organisation_id", "code", "town"), "Group has no field 'town'"),
        (Group, ("organisation_id", "code", "code"), "named twice"),
        (Group, ("organisation_id",), r"Group.code has no default"),
        (_Plain, (), "not an attrs class"),
        (_WithPostInit, ("a",), "__attrs_post_init__"),
        (_WithCachedHash, ("a",), "_attrs_cached_hash"),
    ],
)
def test_refuses_what_it_cannot_build_faithfully(
    cls: type, names: tuple[str, ...], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        trusted_factory(cls, *names)


def test_records_are_filled_in_through_a_builder_subclass_that_never_escapes() -> None:
    builder = _trusted._builder_class(Child)
    assert builder is not None  # CPython allows the __class__ assignment
    assert builder in Child.__subclasses__()
    assert builder.__dict__["__slots__"] == ()
    child = trusted_factory(Child, "organisation_id", "code")("org", 7)
    assert type(child) is Child
    assert not isinstance(child, builder)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        child.code = 8  # type: ignore[misc]


@given(record=RECORDS)
def test_the_slot_setter_fallback_builds_the_same_record(record: Record) -> None:
    values = _values(record)
    fallback = _fallback_factory(type(record))
    built = fallback(*values.values())
    assert type(built) is type(record)
    assert built == record
    assert repr(built) == repr(record)


def _fallback_factory(cls: type) -> Any:
    """The factory as built where the interpreter refuses ``__class__`` assignment."""
    saved = _trusted._builder_class
    _trusted._factory.cache_clear()
    _trusted._builder_class = lambda cls: None
    try:
        return trusted_factory(cls)
    finally:
        _trusted._builder_class = saved
        _trusted._factory.cache_clear()


@attrs.frozen
class _Final:
    """A record that refuses subclasses, so no builder subclass can be made."""

    a: int
    b: str = "b"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        raise TypeError("final")


def test_a_class_without_a_builder_subclass_uses_the_slot_setters() -> None:
    assert _trusted._builder_class(_Final) is None
    assert trusted_factory(_Final, "a")(1) == _Final(1)
