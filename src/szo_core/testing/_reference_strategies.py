"""Hypothesis strategies for payment references (re-exported by ``szo_core.testing.strategies``).

Hypothesis is imported when a strategy is asked for, not when this module is
imported, so ``szo_core`` works without it; without it the strategies raise an
:class:`ImportError` that names the extra to install.

Example:
    >>> from hypothesis import find
    >>> from szo_core.testing._reference_strategies import references
    >>> find(references(model="SI12"), lambda ref: True)  # the simplest one
    'SI120000000000000'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from szo_core.errors import InvalidFormat
from szo_core.ids import reference as _reference

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

__all__ = ["reference_parts", "references"]

_DIGITS = "0123456789"
_NONZERO = "123456789"
_RF_ALPHABET = _DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _require_hypothesis() -> None:
    try:
        import hypothesis  # noqa: F401
    except ImportError as error:
        raise ImportError(
            "szo_core's Hypothesis strategies need Hypothesis: pip install 'szo_core[testing]'"
        ) from error


def _model_code(model: str) -> str:
    code = _reference.compact(model)
    if len(code) == 2 and code != "RF":
        code = "SI" + code
    if code not in _reference.MODELS:
        raise InvalidFormat(
            "reference.model",
            sl="Neznan model sklica.",
            en="Unknown reference model.",
            where="model",
        )
    return code


def reference_parts(model: str) -> SearchStrategy[tuple[str, ...]]:
    """Parts that :func:`szo_core.ids.reference.make` accepts for ``model``.

    The parts come *without* their check digits, as ``make`` takes them; they
    respect every limit of the rules (part and total digits, 12 digits per checked
    group, no leading zeros in P2 and P3 once the check digit is appended).  For
    RF the single part is the body.

    Args:
        model: A code of :data:`szo_core.ids.reference.MODELS` (``"SI12"``,
            ``"12"`` or ``"RF"``).

    Returns:
        A strategy of tuples of digit strings (for RF: one alphanumeric string).

    Raises:
        ImportError: If Hypothesis is not installed.
        InvalidFormat: ``reference.model`` for an unknown model.

    Example:
        >>> from hypothesis import find
        >>> find(reference_parts("SI08"), lambda parts: True)
        ('0', '1', '1')
    """
    _require_hypothesis()
    from hypothesis import strategies as st

    code = _model_code(model)
    spec = _reference.MODELS[code]
    if code == "RF":
        body = st.text(alphabet=_RF_ALPHABET, min_size=1, max_size=spec.part_digits)
        return body.map(lambda text: (text,))
    if not spec.max_parts:
        return st.just(())
    if code == "SI12":
        return st.text(alphabet=_DIGITS, min_size=1, max_size=12).map(lambda text: (text,))

    @st.composite
    def parts(draw: DrawFn) -> tuple[str, ...]:
        count = draw(st.integers(spec.min_parts, spec.max_parts))
        # make() checks these groups (validated and disputed); the last part of each
        # gets a check digit K appended.
        groups = [
            tuple(p - 1 for p in group if p <= count)
            for group in spec.checked + spec.disputed
            if group[0] <= count
        ]
        group_of = {index: n for n, group in enumerate(groups) for index in group}
        gets_k = {group[-1] for group in groups}
        group_room = [12] * len(groups)
        total_room = 20 - len(gets_k)  # digits left, K digits already set aside
        out: list[str] = []
        for index in range(count):
            later = range(index + 1, count)
            size_max = min(
                12 - (index in gets_k),
                total_room - len(later),
            )
            if index in group_of:
                n = group_of[index]
                size_max = min(size_max, group_room[n] - sum(group_of.get(i) == n for i in later))
            size = draw(st.integers(1, size_max))
            # P2 and P3 never start with 0, except a lone "0" that gets no K.
            first_zero_ok = index == 0 or (size == 1 and index not in gets_k)
            first = draw(st.sampled_from(_DIGITS if first_zero_ok else _NONZERO))
            rest = draw(st.text(alphabet=_DIGITS, min_size=size - 1, max_size=size - 1))
            out.append(first + rest)
            total_room -= size
            if index in group_of:
                group_room[group_of[index]] -= size
        return tuple(out)

    return parts()


def references(*, model: str | None = None) -> SearchStrategy[str]:
    """Valid references in compact form, of one model or of any (``None``, RF included).

    Args:
        model: A code of :data:`szo_core.ids.reference.MODELS` (``"SI12"``,
            ``"12"``, ``"RF"``), or ``None`` for every model.

    Returns:
        A strategy of compact references, e.g. ``"SI120000020261047"``.

    Raises:
        ImportError: If Hypothesis is not installed (``pip install 'szo_core[testing]'``).
        InvalidFormat: ``reference.model`` for an unknown model.

    Example:
        >>> from hypothesis import find
        >>> find(references(model="rf"), lambda ref: True)  # the simplest body, "0"
        'RF040'
    """
    _require_hypothesis()
    from hypothesis import strategies as st

    if model is None:
        return st.sampled_from(sorted(_reference.MODELS)).flatmap(
            lambda code: references(model=code)
        )
    code = _model_code(model)
    return reference_parts(code).map(lambda parts: _reference.make(code, *parts))
