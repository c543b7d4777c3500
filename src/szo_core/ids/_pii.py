"""Private helpers that keep personal numbers out of ``repr()``.

Record fields holding an EMŠO, a tax number or an IBAN are declared with
``attrs.field(repr=...)`` using one of these functions: ``repr()`` then shows the
identifier module's masked form (:func:`szo_core.ids.emso.mask` and friends),
never the number.  An empty value shows as ``''`` so that "not set" stays visible.
"""

from __future__ import annotations

from collections.abc import Callable

from szo_core.ids import davcna, emso, iban

__all__ = ["emso_repr", "iban_repr", "tax_number_repr"]


def _masking(mask: Callable[[str], str]) -> Callable[[object], str]:
    def _repr(value: object) -> str:
        if value is None or value == "":
            return repr(value)
        if not isinstance(value, str):  # a wrong type is shown by its type, never its value
            return f"<{type(value).__name__}>"
        return repr(mask(value))

    return _repr


emso_repr = _masking(emso.mask)
"""``repr`` for an EMŠO field.

>>> emso_repr("1705019505003"), emso_repr("")
("'**********003'", "''")
"""

tax_number_repr = _masking(davcna.mask)
"""``repr`` for a tax number field.

>>> tax_number_repr("12345679")
"'*****679'"
"""

iban_repr = _masking(iban.mask)
"""``repr`` for an IBAN field.

>>> iban_repr("SI56192001234567892"), iban_repr(None), iban_repr(56)
("'SI56 **** **** ***7 892'", 'None', '<int>')
"""
