"""Assigning children's codes: the next free code, or the first free one from a start.

Codes are positive whole numbers no wider than the configured width
(:attr:`RegistryConfig.code_width <szo_core.registry.RegistryConfig.code_width>`).

>>> next_code([1, 2, 7])
8
>>> next_code([10000, 10001, 10003], start=10000)
10002
>>> next_code([99999])
Traceback (most recent call last):
...
szo_core.errors.ConfigurationError: registry.code.exhausted: ...
"""

from __future__ import annotations

from collections.abc import Iterable

from szo_core.errors import ConfigurationError, InvalidLength
from szo_core.registry.config import RegistryConfig

__all__ = ["check_code", "next_code"]

_DEFAULT = RegistryConfig()


def _exhausted(config: RegistryConfig) -> ConfigurationError:
    return ConfigurationError(
        "registry.code.exhausted",
        sl=(
            f"Prostih šifer z največ {config.code_width} števkami ni več "
            "(od izbranega začetka naprej)."
        ),
        en=f"No free code of at most {config.code_width} digits is left (from the start given).",
        where="code",
    )


def next_code(
    used: Iterable[int], *, start: int | None = None, config: RegistryConfig = _DEFAULT
) -> int:
    """Return a code that is not in ``used``.

    Without ``start``: one more than the highest code used (1 for an empty
    registry); gaps are not filled.  With ``start``: the first free code at or
    after ``start`` (fills gaps from there on).

    Args:
        used: Codes already taken.
        start: Where to look from, e.g. 10000 for a new series.
        config: The registry settings (code width).

    Raises:
        szo_core.errors.ConfigurationError: ``registry.code.exhausted`` when the
            code would be wider than ``config.code_width`` digits;
            ``registry.code.start`` for a start below 1.

    >>> next_code([])
    1
    >>> next_code([3, 4], start=1)
    1
    >>> next_code([998, 999], start=998, config=RegistryConfig(code_width=3))
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: registry.code.exhausted: ...
    """
    taken = set(used)
    if start is None:
        candidate = max(taken, default=0) + 1
    else:
        if isinstance(start, bool) or not isinstance(start, int) or start < 1:
            raise ConfigurationError(
                "registry.code.start",
                sl="Začetna šifra mora biti pozitivno celo število.",
                en="The start code must be a positive whole number.",
                where="start",
            )
        candidate = start
        while candidate in taken and candidate <= config.max_code:
            candidate += 1
    if candidate > config.max_code:
        raise _exhausted(config)
    return candidate


def check_code(code: int, *, config: RegistryConfig = _DEFAULT) -> int:
    """Return ``code`` if it is a positive whole number within the configured width.

    Raises:
        szo_core.errors.InvalidLength: ``registry.code.width`` if it is too wide or
            not positive.

    >>> check_code(12345)
    12345
    >>> check_code(123456)
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidLength: registry.code.width: ...
    """
    if isinstance(code, bool) or not isinstance(code, int) or not 1 <= code <= config.max_code:
        raise InvalidLength(
            "registry.code.width",
            sl=f"Šifra mora biti celo število od 1 do {config.max_code}.",
            en=f"A code must be a whole number from 1 to {config.max_code}.",
            where="code",
        )
    return code
