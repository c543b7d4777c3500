"""A round-trip check for any szo_core record, for every test module to reuse.

>>> from decimal import Decimal
>>> assert_roundtrip(Decimal("12.50"))
Decimal('12.50')

Usage in a test::

    from tests._roundtrip import assert_roundtrip

    @given(children())
    def test_child_round_trips(child: Child) -> None:
        assert_roundtrip(child)
"""

from __future__ import annotations

import json
from typing import TypeVar

import cattrs

from szo_core.serialization import make_converter

__all__ = ["assert_no_floats", "assert_roundtrip"]

T = TypeVar("T")


def assert_no_floats(data: object, path: str = "$") -> None:
    """Fail when plain data holds a float anywhere (money must travel as strings)."""
    assert not isinstance(data, float), f"float at {path}"
    if isinstance(data, dict):
        for key, value in data.items():
            assert isinstance(key, str), f"non-string key at {path}"
            assert_no_floats(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            assert_no_floats(value, f"{path}[{index}]")
    else:
        assert data is None or isinstance(data, str | int | bool), (
            f"{type(data).__name__} at {path} is not JSON data"
        )


def assert_roundtrip(
    obj: T, cls: type[T] | None = None, *, converter: cattrs.Converter | None = None
) -> T:
    """Unstructure ``obj``, pass it through JSON text, structure it back, compare.

    Checks that the plain data is JSON-only (dicts with string keys, lists, strings,
    ints, bools, None; no floats), that the JSON text survives ``json`` unchanged,
    that the rebuilt object equals ``obj`` and has its type, and that unstructuring
    the rebuilt object gives the same data.  Returns the rebuilt object.

    Args:
        obj: The value to check.
        cls: The type to structure into (default: ``type(obj)``).
        converter: The converter to use (default: a fresh :func:`make_converter`).
    """
    conv = converter if converter is not None else make_converter()
    target: type[T] = cls if cls is not None else type(obj)
    data = conv.unstructure(obj, target)
    assert_no_floats(data)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    reloaded = json.loads(text)
    assert reloaded == data
    rebuilt = conv.structure(reloaded, target)
    assert rebuilt == obj, f"{rebuilt!r} != {obj!r}"
    assert type(rebuilt) is type(obj)
    assert conv.unstructure(rebuilt, target) == data
    return rebuilt
