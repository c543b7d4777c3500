r"""Message bodies and subjects: sanitised HTML, its plain-text alternative, safe subjects.

A body is what an operator wrote in the app's rich-text editor; it is
untrusted.  :func:`clean_body` cleans it with nh3 to the **same allow-list as
the e-mail templates** (:mod:`szo_core.templates.html`, one list for every HTML
szo_core sends): paragraphs, line breaks, headings h1–h4, emphasis, lists,
links (``https``, ``http``, ``mailto``, ``tel``; ``rel="noopener
noreferrer"``), tables, ``blockquote`` (the quotes of replies), ``hr``,
``div``, ``span``, ``small``, ``sub``, ``sup``, ``code``, ``pre``.

**No images.**  ``img`` is not on the list, neither by URL nor as a ``data:``
URL: a remote image tells its sender when and where a message was read (a
tracking pixel), a ``data:`` URL carries any content past the type limits of
attachments, and an inline image would need a second store and a second set of
limits.  Pictures travel as attachments, which are checked, limited and kept
on forward (:mod:`szo_core.messaging.attachments`).

Cleaning runs when a message is sent, and again on every quote (a reply
quotes the stored, already clean body).  :func:`body_text` derives the
plain-text alternative of the e-mail copy.  A subject is plain text:
:func:`clean_subject` drops control characters and line breaks (no header
injection in the e-mail copy) and collapses white space; every HTML that shows
a subject or a name escapes it.

>>> clean_body('<p onclick="x()">Pozdravljeni, <img src="https://t.example/p.gif">'
...            '<a href="javascript:alert(1)">klik</a></p><script>alert(1)</script>')
'<p>Pozdravljeni, <a rel="noopener noreferrer">klik</a></p>'
>>> clean_subject("Jutri\r\nBcc: vsi@example.si  ob 9h")
'Jutri Bcc: vsi@example.si ob 9h'
>>> body_text("<p>Kosilo ob <b>12.00</b>.</p><ul><li>soba 3</li></ul>")
'Kosilo ob 12.00.\n\n- soba 3'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from szo_core.templates.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES
from szo_core.templates.html import html_to_text as _html_to_text
from szo_core.templates.html import sanitise_html as _sanitise_html

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "URL_SCHEMES",
    "body_text",
    "clean_body",
    "clean_subject",
    "clean_text",
]

_SPACE: Final = re.compile(r"\s+")


def clean_body(html: str) -> str:
    """The body cleaned to the allow-list (see the module); what is not allowed is removed.

    >>> clean_body('<table><tr><td style="x">1</td></tr></table>')
    '<table><tbody><tr><td>1</td></tr></tbody></table>'
    """
    return _sanitise_html(html).strip()


def body_text(html: str) -> str:
    """The plain-text alternative of a clean body.

    >>> body_text('<p>Glej <a href="https://dom.si/n/4">navodilo</a>.</p>')
    'Glej navodilo (https://dom.si/n/4).'
    """
    return _html_to_text(html)


def _printable(text: str) -> str:
    # Control characters (Cc), format characters such as bidi overrides (Cf) and
    # separators other than the space become spaces; lone surrogates are dropped.
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            continue
        out.append(" " if category in ("Cc", "Cf", "Zl", "Zp") else char)
    return "".join(out)


def clean_subject(subject: str) -> str:
    r"""A subject as one line of printable text, trimmed (see the module).

    >>> clean_subject("  Odg:\tnavodila \u202eoddelku ")
    'Odg: navodila oddelku'
    """
    return _SPACE.sub(" ", _printable(subject)).strip()


def clean_text(text: str) -> str:
    r"""Plain text (a name, a note) with control characters but line breaks removed.

    >>> clean_text("vrstica 1\r\nvrstica\x07 2")
    'vrstica 1\nvrstica  2'
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_printable(line) for line in lines)
