"""The fonts shipped for invoice PDFs: Liberation Sans and Liberation Mono Bold (SIL OFL 1.1).

Liberation Sans is metric-compatible with Arial, and Liberation Mono with
Courier New, the font the UPN standard names for the form's data; all three
faces have č, š, ž and the rest of Latin Extended-A.  The files are the
unmodified Liberation Fonts 2.1.5 from Debian's ``fonts-liberation2``; their
licence is ``LICENSE.txt`` beside them.

:func:`register` registers them with reportlab once (the ``pdf`` extra) and
returns their names.  reportlab embeds the glyphs a document uses (a subset).
:func:`prime` gives a new document the characters of :data:`PRIMER` first, in
a fixed order, so that most invoices use the very same subsets; the subset
files reportlab builds are then kept (up to :data:`SUBSET_CACHE` of them per
font) instead of being rebuilt for every PDF.

>>> names = register()
>>> names.sans, names.sans_bold, names.mono_bold
('SzoSans', 'SzoSans-Bold', 'SzoMono-Bold')
>>> round(mono_advance(), 4)  # the monospace advance width per point of size
0.6001
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import attrs

__all__ = ["PRIMER", "SUBSET_CACHE", "FontNames", "font_path", "mono_advance", "prime", "register"]

PRIMER = (
    " !\"#%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_"
    "abcdefghijklmnopqrstuvwxyz§°×ÄÖÜäöüĆćČčĐđŠšŽž–—‘’“”„•…€"
)
"""The characters every invoice document starts its font subsets with.

The Slovenian alphabet in both cases (with ć and đ), digits, the punctuation of
amounts, dates and references, and the typographic marks the texts use; a
character outside it (a name's ő) is added after them as usual.
"""

SUBSET_CACHE = 32
"""How many built subset files each shipped font keeps (the most recently used)."""

_FILES = {
    "SzoSans": "LiberationSans-Regular.ttf",
    "SzoSans-Bold": "LiberationSans-Bold.ttf",
    "SzoMono-Bold": "LiberationMono-Bold.ttf",
}


@attrs.frozen
class FontNames:
    """The reportlab names of the shipped fonts."""

    sans: str = "SzoSans"
    sans_bold: str = "SzoSans-Bold"
    mono_bold: str = "SzoMono-Bold"


def font_path(name: str) -> str:
    """The file of a shipped font by its reportlab name (``"SzoMono-Bold"``).

    >>> font_path("SzoSans").endswith("LiberationSans-Regular.ttf")
    True
    """
    return str(resources.files(__package__).joinpath(_FILES[name]))


@functools.cache
def register() -> FontNames:
    """Register the shipped fonts with reportlab (once per process) and return their names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in _FILES:
        font = TTFont(name, font_path(name))
        build = font.face.makeSubset

        @functools.lru_cache(maxsize=SUBSET_CACHE)
        def cached(codes: tuple[int, ...], build: Any = build) -> bytes:
            return bytes(build(list(codes)))

        def make_subset(subset: list[int], cached: Any = cached) -> bytes:
            return bytes(cached(tuple(subset)))

        # The face's own method, kept per subset: the same characters give the same bytes.
        face: Any = font.face
        face.makeSubset = make_subset
        pdfmetrics.registerFont(font)
    return FontNames()


def prime(document: object) -> None:
    """Give ``document`` (a reportlab ``PDFDocument``) the :data:`PRIMER` characters first.

    Every shipped font's subset then starts with the same characters in the
    same order, so documents with the same texts' characters share one
    subset file (built once, see :data:`SUBSET_CACHE`).  A font the document
    never draws with is still not embedded.

    >>> from reportlab.pdfbase.pdfdoc import PDFDocument
    >>> doc = PDFDocument()
    >>> prime(doc)
    >>> from reportlab.pdfbase import pdfmetrics
    >>> pdfmetrics.getFont("SzoSans").splitString("Ža", doc) == (
    ...     pdfmetrics.getFont("SzoSans").splitString("Ža", doc))
    True
    """
    from reportlab.pdfbase import pdfmetrics

    for name in _FILES:
        font: Any = pdfmetrics.getFont(name)  # a TTFont (typed as the base Font)
        font.splitString(PRIMER, document)


def mono_advance() -> float:
    """The advance width of one monospace character at size 1 pt, in points.

    A pitch of ``cpi`` characters per inch needs the size ``72 / cpi / mono_advance()``.
    """
    from reportlab.pdfbase import pdfmetrics

    register()
    return pdfmetrics.stringWidth("M", FontNames().mono_bold, 1.0)
