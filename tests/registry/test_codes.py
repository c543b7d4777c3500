"""Code assignment."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.errors import ConfigurationError, InvalidLength
from szo_core.registry import RegistryConfig, check_code, next_code

widths = st.integers(min_value=1, max_value=4)


@given(widths, st.data())
def test_next_code_is_never_used_and_fits_the_width(width: int, data: st.DataObject) -> None:
    config = RegistryConfig(code_width=width)
    used = data.draw(st.sets(st.integers(1, config.max_code), max_size=60))
    start = data.draw(st.one_of(st.none(), st.integers(1, config.max_code + 5)))
    if start is None:
        room = max(used, default=0) < config.max_code
    else:  # refused only when nothing is free from the start up to the width
        room = not set(range(start, config.max_code + 1)) <= used
    if not room:
        with pytest.raises(ConfigurationError) as info:
            next_code(used, start=start, config=config)
        assert info.value.code == "registry.code.exhausted"
        return
    code = next_code(used, start=start, config=config)
    assert code not in used
    assert 1 <= code <= config.max_code
    if start is None:
        assert code == max(used, default=0) + 1
    else:
        assert code >= start
        assert set(range(start, code)) <= used  # the first free one from the start


def test_next_is_one_more_than_the_highest() -> None:
    assert next_code([]) == 1
    assert next_code([5, 1, 3]) == 6  # gaps 2 and 4 are not filled without a start


def test_first_free_from_a_start() -> None:
    # 10000 and 10001 taken, 10002 free.
    assert next_code([1, 10000, 10001, 10003], start=10000) == 10002
    assert next_code([1, 2], start=10000) == 10000


def test_refused_past_the_width_in_both_languages() -> None:
    with pytest.raises(ConfigurationError) as info:
        next_code([99999])
    assert info.value.code == "registry.code.exhausted"
    assert info.value.message("sl") == (
        "Prostih šifer z največ 5 števkami ni več (od izbranega začetka naprej). (code)"
    )
    assert info.value.message("en") == (
        "No free code of at most 5 digits is left (from the start given). (code)"
    )
    # Width 3: 998 and 999 taken, nothing left from 998.
    with pytest.raises(ConfigurationError):
        next_code([998, 999], start=998, config=RegistryConfig(code_width=3))
    assert next_code([998, 999], start=1, config=RegistryConfig(code_width=3)) == 1


def test_start_must_be_positive() -> None:
    with pytest.raises(ConfigurationError) as info:
        next_code([], start=0)
    assert info.value.code == "registry.code.start"


def test_check_code_width() -> None:
    assert check_code(99999) == 99999
    assert check_code(1234, config=RegistryConfig(code_width=4)) == 1234
    for bad in (0, 100000, -1):
        with pytest.raises(InvalidLength):
            check_code(bad)
    with pytest.raises(ConfigurationError):
        RegistryConfig(code_width=0)
