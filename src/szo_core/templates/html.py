r"""HTML e-mail bodies: sanitised to an allow-list with nh3, and turned into plain text with lxml.

An administrator's HTML body is rendered with autoescaping (values cannot add
markup), and the result is then cleaned by `nh3 <https://nh3.readthedocs.io>`_
(the Rust ``ammonia`` sanitiser) to the allow-list below, on save (where what
would be removed is reported, see :func:`disallowed_markup`) and again on every
output (:func:`sanitise_html`).  The allow-list is what an invoice or a
notification needs and what mail clients show alike:

* tags: :data:`ALLOWED_TAGS` (paragraphs, line breaks, headings h1–h4,
  emphasis, lists, links, tables, ``blockquote``, ``hr``, ``div``, ``span``,
  ``small``, ``sub``, ``sup``, ``code``, ``pre``);
* attributes: :data:`ALLOWED_ATTRIBUTES` (``href`` and ``title`` on links,
  ``colspan``, ``rowspan`` and ``align`` on table cells, ``lang`` and ``dir``
  anywhere);
* link schemes: :data:`URL_SCHEMES` (``https``, ``http``, ``mailto``,
  ``tel``); links get ``rel="noopener noreferrer"``.

Not there on purpose: ``script``, ``style`` and ``iframe`` (removed with their
content), ``img`` (remote images track the reader and are blocked by most
clients anyway), forms, ``class``, ``id`` and ``style`` attributes, and
every ``on...`` handler.

:func:`html_to_text` derives the text alternative when a template has no text
body: paragraphs and headings separated by a blank line, ``<br>`` as a line
break, list items as ``- `` or ``1. ``, links as ``text (url)``, table rows
one per line with cells joined by `` | ``.

Example:
    >>> sanitise_html('<p onclick="x()">Plačajte <a href="https://e.si">tukaj</a>'
    ...               '<script>alert(1)</script></p>')
    '<p>Plačajte <a href="https://e.si" rel="noopener noreferrer">tukaj</a></p>'
    >>> print(html_to_text("<p>Račun</p><ul><li>vrtec</li><li>prehrana</li></ul>"))
    Račun
    <BLANKLINE>
    - vrtec
    - prehrana
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import nh3
    from lxml.html import HtmlElement

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "URL_SCHEMES",
    "disallowed_markup",
    "html_to_text",
    "sanitise_html",
]

ALLOWED_TAGS: Final = frozenset(
    {
        "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
        "i", "li", "ol", "p", "pre", "small", "span", "strong", "sub", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
"""The tags an e-mail body may use."""

ALLOWED_ATTRIBUTES: Final = {
    "*": frozenset({"lang", "dir"}),
    "a": frozenset({"href", "title"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align"}),
}
"""The attributes allowed per tag (``*``: on every tag)."""

URL_SCHEMES: Final = frozenset({"https", "http", "mailto", "tel"})
"""The schemes a link may use."""

_REMOVED_WITH_CONTENT: Final = frozenset({"script", "style", "iframe", "object", "template"})


@functools.cache
def _cleaner() -> nh3.Cleaner:
    import nh3

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def sanitise_html(html: str) -> str:
    """Clean ``html`` to the allow-list (see the module); what is not allowed is removed.

    >>> sanitise_html('<a href="javascript:alert(1)">x</a><img src="https://t.example/p.gif">')
    '<a rel="noopener noreferrer">x</a>'
    """
    return _cleaner().clean(html)


# Characters XML (and so lxml) cannot hold: C0 controls but tab, line feed and carriage
# return, lone surrogates, U+FFFE and U+FFFF.  They are dropped before parsing.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _fragment(html: str) -> HtmlElement:
    from lxml import html as lxml_html

    return lxml_html.fragment_fromstring(_NOT_XML.sub("", html), create_parent="div")


def disallowed_markup(html: str) -> tuple[str, ...]:
    """Name every tag and attribute of ``html`` that :func:`sanitise_html` would remove.

    Each is named once, as ``<tag>`` or ``<tag attribute>``, in order of first
    appearance; a link with a scheme outside :data:`URL_SCHEMES` is
    ``<a href>``.  An empty result means the HTML is kept as written.

    >>> disallowed_markup('<p style="color:red">A<img src="x"><a href="ftp://x">b</a></p>')
    ('<p style>', '<img>', '<img src>', '<a href>')
    """
    if not html.strip():
        return ()
    found: dict[str, None] = {}
    root = _fragment(html)
    for element in root.iterdescendants():
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions
            continue
        if tag not in ALLOWED_TAGS:
            found.setdefault(f"<{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset()) | ALLOWED_ATTRIBUTES["*"]
        for name, value in element.attrib.items():
            bad_url = name == "href" and not _allowed_url(value)
            if tag not in ALLOWED_TAGS or name not in allowed or bad_url:
                found.setdefault(f"<{tag} {name}>")
    return tuple(found)


def _allowed_url(url: str) -> bool:
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return match is None or match.group(1).lower() in URL_SCHEMES


_BLOCKS: Final = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "blockquote", "pre", "table", "ul", "ol", "hr"}
)
_SPACE: Final = re.compile(r"[ \t\r\n\f\v]+")


class _Text:
    """Collects lines: inline text is joined, blocks are separated by a blank line."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.lines: list[str] = []

    def inline(self, text: str) -> None:
        if text:
            self.line.append(_SPACE.sub(" ", text))

    def newline(self) -> None:
        text = "".join(self.line).strip()
        self.line = []
        self.lines.append(text)

    def end_block(self) -> None:
        if self.line:
            self.newline()
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        while self.lines and not self.lines[0]:
            self.lines.pop(0)
        if self.lines:
            self.blocks.append("\n".join(self.lines))
        self.lines = []


def _inline_text(element: HtmlElement) -> str:
    out = _Text()
    _walk_inline(element, out)
    out.end_block()
    return " ".join(" ".join(out.blocks).split("\n")).strip()


def _walk_inline(element: HtmlElement, out: _Text) -> None:
    out.inline(element.text or "")
    for child in element:
        if isinstance(child.tag, str):
            _inline(child, out)
        out.inline(child.tail or "")


def _inline(element: HtmlElement, out: _Text) -> None:
    tag = element.tag
    if tag == "br":
        out.newline()
    elif tag == "a":
        label = _inline_text(element)
        href = (element.get("href") or "").strip()
        if href.startswith("mailto:") and label == href[7:]:
            href = ""
        out.inline(f"{label} ({href})" if href and href != label else label or href)
    else:
        _walk_inline(element, out)


def _block(element: HtmlElement, out: _Text) -> None:
    tag = element.tag
    if tag in ("ul", "ol"):
        out.end_block()
        number = 0
        for item in element:
            if item.tag != "li":
                continue
            number += 1
            marker = f"{number}. " if tag == "ol" else "- "
            out.lines.append(marker + _inline_text(item))
        out.end_block()
    elif tag == "table":
        out.end_block()
        for row in element.iter("tr"):
            cells = [_inline_text(cell) for cell in row if cell.tag in ("td", "th")]
            out.lines.append(" | ".join(cells))
        out.end_block()
    elif tag == "hr":
        out.end_block()
        out.lines.append("---")
        out.end_block()
    elif tag == "pre":
        out.end_block()
        out.lines.extend((element.text_content() or "").strip("\n").split("\n"))
        out.end_block()
    else:  # p, div, headings, blockquote: their inline content, blocks inside as blocks
        out.end_block()
        out.inline(element.text or "")
        for child in element:
            if isinstance(child.tag, str):
                if child.tag in _BLOCKS:
                    _block(child, out)
                else:
                    _inline(child, out)
            out.inline(child.tail or "")
        out.end_block()


def html_to_text(html: str) -> str:
    """The plain-text alternative of an HTML body (see the module for the rules).

    >>> print(html_to_text('<p>Plačajte do <b>4. marca</b>.<br>Hvala.</p>'
    ...                    '<p><a href="https://e.si/r/1">Račun</a></p>'
    ...                    '<table><tr><th>Postavka</th><th>Znesek</th></tr>'
    ...                    '<tr><td>Vrtec</td><td>98,40 €</td></tr></table>'
    ...                    '<ol><li>prvi</li><li>drugi</li></ol>'))
    Plačajte do 4. marca.
    Hvala.
    <BLANKLINE>
    Račun (https://e.si/r/1)
    <BLANKLINE>
    Postavka | Znesek
    Vrtec | 98,40 €
    <BLANKLINE>
    1. prvi
    2. drugi
    """
    if not html.strip():
        return ""
    root = _fragment(html)
    out = _Text()
    _block(root, out)
    return "\n\n".join(out.blocks)
