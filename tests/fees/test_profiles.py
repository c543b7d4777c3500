"""The Hypothesis profiles of tests/conftest.py: deterministic by default, random to fuzz."""

from __future__ import annotations

import os

from hypothesis import settings


def test_the_default_profiles_are_derandomised() -> None:
    # ./run test must find the same examples on every machine (issue 10: a fresh clone
    # failed under the random local profile on a case CI's derandomised run never saw)
    for name in ("dev", "ci"):
        profile = settings.get_profile(name)
        assert profile.derandomize, name
        assert profile.deadline is None, name
    if os.environ.get("HYPOTHESIS_PROFILE") is None:
        assert settings.default.derandomize


def test_the_fuzz_profile_explores() -> None:
    fuzz = settings.get_profile("fuzz")
    assert not fuzz.derandomize
    assert fuzz.deadline is None
    if "SZO_FUZZ_EXAMPLES" not in os.environ:
        assert fuzz.max_examples == 2000
