"""Text helpers shared by the payment formats: shortening and masking.

Private module; :func:`shorten` is re-exported by :mod:`szo_core.payments`.
"""

from __future__ import annotations

import unicodedata

__all__ = ["nfc", "shorten"]


_TRAILING = " ,;:-/"


def nfc(text: str) -> str:
    """Return ``text`` in Unicode normal form C with surrounding whitespace removed."""
    return unicodedata.normalize("NFC", text).strip()


def shorten(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, keeping whole words.

    The rule (the same for UPN and SEPA): the text is first normalised to NFC, so
    a letter with a caron is one character and can never be split.  If it fits, it
    is returned unchanged.  Otherwise it is cut after the last whole word that
    fits, and spaces and the punctuation ``, ; : - /`` left dangling at the end
    are dropped.  Only when the first word alone is longer than ``limit`` is that
    word cut at ``limit`` characters.

    Args:
        text: Any text.
        limit: The maximum number of characters, at least 1.

    Returns:
        The text itself or its shortened form.

    Example:
        >>> shorten("Vrtec Čebelica Žalec, enota Mavrica", 21)
        'Vrtec Čebelica Žalec'
        >>> shorten("Oskrbnina", 4)
        'Oskr'
        >>> shorten("Ana Novak", 33)
        'Ana Novak'
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    text = nfc(text)
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rfind(" ")
    if cut <= 0:
        return text[:limit].rstrip(_TRAILING) or text[:limit]
    return head[:cut].rstrip(_TRAILING) or text[:limit]
