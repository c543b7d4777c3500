r"""SMS encoding, part counting and the policy for Slovenian letters.

An SMS carries 140 bytes.  In the GSM-7 alphabet (3GPP TS 23.038 §6.2.1) that is
160 septets in one message, or 153 per part once a text is split (the
concatenation header takes 7 septets).  A character of the extension table
(``€ [ ] { } ^ ~ | \`` and form feed) costs two septets: an escape and the
character; the pair is never split across parts.  One character outside GSM-7
switches the whole message to UCS-2: 70 UTF-16 code units in one message, 67 per
part.  A character outside the Basic Multilingual Plane (most emoji) is two
code units, a surrogate pair, and is never split either.

The Slovenian letters č, š, ž (and ć, đ) are in no GSM-7 table, so one "č" makes
a one-part notice two parts.  An organisation chooses: keep the letters
(:attr:`LetterPolicy.KEEP`, UCS-2) or transliterate them
(:attr:`LetterPolicy.TRANSLITERATE`, see :func:`transliterate`).

Example:
    >>> sms_cost("Račun za september je na voljo.")
    SmsCost(encoding=<SmsEncoding.UCS2: 'UCS-2'>, parts=1, characters_left=39,
            ucs2_characters=('č',))
    >>> sms_cost("Račun za september je na voljo.", transliterate=True)
    SmsCost(encoding=<SmsEncoding.GSM7: 'GSM-7'>, parts=1, characters_left=129,
            ucs2_characters=())
    >>> [len(part) for part in split_parts("x" * 161)]
    [153, 8]
"""

from __future__ import annotations

import enum
import unicodedata

import attrs

from szo_core.errors import InvalidType

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "LetterPolicy",
    "SmsCost",
    "SmsEncoding",
    "apply_policy",
    "encoding_of",
    "sms_cost",
    "split_parts",
    "transliterate",
    "units",
]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The 127 characters of the GSM-7 default alphabet (the escape code excluded), one septet each."""

GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
"""The 10 characters of the GSM-7 default extension table, two septets each."""

_TRANSLITERATION = {
    "č": "c",
    "Č": "C",
    "š": "s",
    "Š": "S",
    "ž": "z",
    "Ž": "Z",
    "ć": "c",
    "Ć": "C",
    "đ": "d",
    "Đ": "D",
    "„": '"',
    "“": '"',
    "”": '"',
    "‚": "'",
    "‘": "'",
    "’": "'",
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
}


class SmsEncoding(enum.Enum):
    """The encoding a text is sent in."""

    GSM7 = "GSM-7"
    """The GSM 7-bit default alphabet with its extension table: 160 / 153 septets."""
    UCS2 = "UCS-2"
    """UTF-16 code units: 70 / 67."""

    @property
    def single_limit(self) -> int:
        """Units that fit in a message sent as one part (160 or 70).

        >>> SmsEncoding.GSM7.single_limit, SmsEncoding.UCS2.single_limit
        (160, 70)
        """
        return 160 if self is SmsEncoding.GSM7 else 70

    @property
    def part_limit(self) -> int:
        """Units that fit in each part of a concatenated message (153 or 67).

        >>> SmsEncoding.GSM7.part_limit, SmsEncoding.UCS2.part_limit
        (153, 67)
        """
        return 153 if self is SmsEncoding.GSM7 else 67


class LetterPolicy(enum.Enum):
    """An organisation's setting for č, š, ž, ć, đ in SMS texts."""

    KEEP = "keep"
    """Send the letters as they are (the message is UCS-2: 70 / 67 per part)."""
    TRANSLITERATE = "transliterate"
    """Replace them (č→c, š→s, ž→z, ć→c, đ→d ...) so the text can stay GSM-7."""


@attrs.frozen
class SmsCost:
    """What sending one text costs, shown before it is sent.

    Attributes:
        encoding: GSM-7 or UCS-2.
        parts: The number of SMS parts (0 for an empty text).
        characters_left: Units still free in the last part before another part
            is needed: septets for GSM-7 (an extension character takes two),
            UTF-16 code units for UCS-2 (an emoji takes two).
        ucs2_characters: The distinct characters that forced UCS-2, in the order
            they first appear (empty for GSM-7).
    """

    encoding: SmsEncoding
    parts: int
    characters_left: int
    ucs2_characters: tuple[str, ...] = ()


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidType(
            "sms.text_type",
            sl="Besedilo SMS mora biti niz (str).",
            en="The SMS text must be a string (str).",
            where="text",
        )
    return text


def transliterate(text: str) -> str:
    """Replace characters outside GSM-7 with their nearest GSM-7 form where there is one.

    The Slovenian and neighbouring letters č š ž ć đ (and capitals) become c s z c d;
    typographic quotes, dashes, the ellipsis and the no-break space become their
    plain forms (``„`` → ``"``, ``–`` → ``-``, ``…`` → ``...``).  Any other letter
    outside GSM-7 whose base letter is in GSM-7 loses its accent (á → a, ő → o);
    GSM-7's own accented letters (é, è, ä, ö, ü, ñ ...) stay.  What has no GSM-7
    form (Cyrillic, emoji) is kept, so such a text stays UCS-2: nothing becomes
    "?".

    >>> transliterate("Žiga Čretnik, Đurđa Ćosić: „plačano“ – é ostane")
    'Ziga Cretnik, Durda Cosic: "placano" - é ostane'
    >>> transliterate("Ártó 🙂")
    'Arto 🙂'
    """
    _check_text(text)
    out: list[str] = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENSION:
            out.append(char)
        elif char in _TRANSLITERATION:
            out.append(_TRANSLITERATION[char])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
            out.append(base if base and all(c in GSM7_BASIC for c in base) else char)
    return "".join(out)


_transliterate = transliterate  # the keyword argument below shadows the name


def apply_policy(text: str, policy: LetterPolicy) -> str:
    """Return ``text`` as it will be sent under an organisation's letter policy.

    >>> apply_policy("Že plačano.", LetterPolicy.KEEP)
    'Že plačano.'
    >>> apply_policy("Že plačano.", LetterPolicy.TRANSLITERATE)
    'Ze placano.'
    """
    return transliterate(text) if policy is LetterPolicy.TRANSLITERATE else _check_text(text)


def encoding_of(text: str) -> SmsEncoding:
    """Return GSM-7 if every character of ``text`` is in GSM-7, otherwise UCS-2.

    >>> encoding_of("Cena 12,50 €"), encoding_of("Cena 12,50 € za čas")
    (<SmsEncoding.GSM7: 'GSM-7'>, <SmsEncoding.UCS2: 'UCS-2'>)
    """
    _check_text(text)
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        return SmsEncoding.GSM7
    return SmsEncoding.UCS2


def _unit(char: str, encoding: SmsEncoding) -> int:
    if encoding is SmsEncoding.GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def units(text: str, encoding: SmsEncoding | None = None) -> int:
    """Return the length of ``text`` in septets (GSM-7) or UTF-16 code units (UCS-2).

    ``encoding`` defaults to :func:`encoding_of` the text.

    >>> units("{x}"), units("č🙂")
    (5, 3)
    """
    enc = encoding_of(text) if encoding is None else encoding
    return sum(_unit(c, enc) for c in text)


def _split(text: str, encoding: SmsEncoding) -> list[str]:
    if units(text, encoding) <= encoding.single_limit:
        return [text] if text else []
    limit = encoding.part_limit
    parts: list[str] = []
    start = 0
    used = 0
    for index, char in enumerate(text):
        cost = _unit(char, encoding)
        if used + cost > limit:  # the escape pair / surrogate pair moves whole to the next part
            parts.append(text[start:index])
            start, used = index, 0
        used += cost
    parts.append(text[start:])
    return parts


def split_parts(text: str, *, transliterate: bool = False) -> tuple[str, ...]:
    """Split ``text`` into the parts it is sent as (nothing for an empty text).

    Each part holds at most 153 septets (GSM-7) or 67 code units (UCS-2); a text
    that fits one message (160 / 70) is one part.  An extension character or a
    surrogate pair that would straddle a part edge starts the next part.  With
    ``transliterate=True`` the text is first passed through :func:`transliterate`;
    the parts then join to the transliterated text.

    >>> [len(p) for p in split_parts("a" * 152 + "€" + "b" * 10)]
    [152, 11]
    >>> split_parts("")
    ()
    """
    prepared = _transliterate(text) if transliterate else _check_text(text)
    return tuple(_split(prepared, encoding_of(prepared)))


def sms_cost(text: str, *, transliterate: bool = False) -> SmsCost:
    """Return the encoding, the number of parts and the room left for ``text``.

    With ``transliterate=True`` the cost is that of the transliterated text (the
    organisation's :attr:`LetterPolicy.TRANSLITERATE`).

    >>> sms_cost("a" * 160)
    SmsCost(encoding=<SmsEncoding.GSM7: 'GSM-7'>, parts=1, characters_left=0,
            ucs2_characters=())
    >>> sms_cost("a" * 161).parts, sms_cost("a" * 161).characters_left
    (2, 145)
    >>> sms_cost("🙂" * 34)
    SmsCost(encoding=<SmsEncoding.UCS2: 'UCS-2'>, parts=1, characters_left=2,
            ucs2_characters=('🙂',))
    """
    prepared = _transliterate(text) if transliterate else _check_text(text)
    encoding = encoding_of(prepared)
    parts = _split(prepared, encoding)
    if len(parts) <= 1:
        left = encoding.single_limit - units(prepared, encoding)
    else:
        left = encoding.part_limit - units(parts[-1], encoding)
    forcing: tuple[str, ...] = ()
    if encoding is SmsEncoding.UCS2:
        forcing = tuple(
            dict.fromkeys(c for c in prepared if c not in GSM7_BASIC and c not in GSM7_EXTENSION)
        )
    return SmsCost(
        encoding=encoding, parts=len(parts), characters_left=left, ucs2_characters=forcing
    )
