"""The fonts shipped for invoice PDFs: Liberation Sans and Liberation Mono Bold (SIL OFL 1.1).

Liberation Sans is metric-compatible with Arial, and Liberation Mono with
Courier New, the font the UPN standard names for the form's data; all three
faces have č, š, ž and the rest of Latin Extended-A.  The files are the
unmodified Liberation Fonts 2.1.5 from Debian's ``fonts-liberation2``; their
licence is ``LICENSE.txt`` beside them.

:func:`register` registers them with reportlab once (the ``pdf`` extra) and
returns their names.  reportlab embeds the glyphs a document uses (a subset).

>>> names = register()
>>> names.sans, names.sans_bold, names.mono_bold
('SzoSans', 'SzoSans-Bold', 'SzoMono-Bold')
>>> round(mono_advance(), 4)  # the monospace advance width per point of size
0.6001
"""

from __future__ import annotations

import functools
from importlib import resources

import attrs

__all__ = ["FontNames", "font_path", "mono_advance", "register"]

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
        pdfmetrics.registerFont(TTFont(name, font_path(name)))
    return FontNames()


def mono_advance() -> float:
    """The advance width of one monospace character at size 1 pt, in points.

    A pitch of ``cpi`` characters per inch needs the size ``72 / cpi / mono_advance()``.
    """
    from reportlab.pdfbase import pdfmetrics

    register()
    return pdfmetrics.stringWidth("M", FontNames().mono_bold, 1.0)
