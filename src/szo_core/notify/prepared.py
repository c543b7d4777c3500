r"""E-mail templates prepared once per version, so that a message costs only its values.

:meth:`CompiledMessage.render_email <szo_core.templates.messages.CompiledMessage.render_email>`
does, for every message, three things of which two do not depend on the
message: it renders the template in the sandbox (the values escaped), cleans
the result with nh3 and derives the text part from it with lxml.  For the
common notification template (text and markup with ``{{ name }}`` placeholders
of text fields, no logic, no filters) the markup is the same in every message
and only the escaped values change, so :func:`prepare_email` does the cleaning
and the text derivation **once**, on a skeleton with a marker in place of each
value, and each message is then the clean skeleton with its values put in:

* the **HTML part** is the sanitised skeleton with each value escaped the way
  nh3 writes text (``&`` ``<`` ``>`` and the no-break space as entities).  The
  values are escaped, so they cannot add markup (the same reason Jinja2's
  autoescaping is safe), and the markup around them was sanitised when the
  version was prepared;
* the **text part** is the text derived from the sanitised skeleton with each
  value put in as it is;
* the **subject** (and a template's own text body) is the Jinja2 output for
  that template: its literal text and ``str`` of each value, white space then
  folded as :mod:`szo_core.templates.messages` folds it.

The result is the very text the full pipeline makes (the notify tests compare
them for hostile values in every field).  A part is prepared only when that is
proven for it: the template is plain text and ``{{ name }}`` placeholders of
declared fields; after sanitising, every marker is still there, once, in order,
in text (not in an attribute, a link, a ``<pre>``, a list or table outside its
items and cells, or content nh3 removes); the text part keeps every marker; and
a trial with awkward values gives the full pipeline's output.  And a message
takes the prepared path only when its values are plain: text (``str``), not
empty, no white space at either end or twice in a row, no control characters
(line breaks and tabs included) and nothing the output limit could refuse.
Anything else, a template or a message, goes through the full pipeline, so
what comes out never differs.

Example:
    >>> from szo_core.templates.messages import compile_message
    >>> from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField
    >>> template = MessageTemplate(
    ...     organisation_id="obcina", key="notify.x.email", channel=Channel.EMAIL,
    ...     subject="Zadeva {{ zadeva }}", html_body="<p>Zadeva <b>{{ zadeva }}</b>.</p>",
    ...     fields=(TemplateField(name="zadeva", type=FieldType.TEXT, example="3500-1/2026"),),
    ...     version=1)
    >>> email = prepare_email(compile_message(template))
    >>> email.prepared_parts
    ('subject', 'html_body')
    >>> rendered = email.render({"zadeva": "<script>alert(1)</script>"})
    >>> rendered.html
    '<p>Zadeva <b>&lt;script&gt;alert(1)&lt;/script&gt;</b>.</p>'
    >>> rendered.text, rendered.template_version
    ('Zadeva <script>alert(1)</script>.', 1)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs

from szo_core.errors import SzoError
from szo_core.templates.messages import _SPACE, RenderedEmail
from szo_core.templates.model import FieldType

if TYPE_CHECKING:
    from szo_core.templates.messages import CompiledMessage
    from szo_core.templates.plain import PlainTemplate
    from szo_core.templates.render import TemplateLimits

__all__ = ["PreparedEmail", "PreparedSms", "prepare_email", "prepare_sms"]

_MARK: Final = re.compile("\ue000([0-9]+)\ue001")
# Where a value may stand in the sanitised skeleton: text of these elements (or of
# the fragment's root), never inside a link (its text is compared with its href in
# the text part) or <pre> (kept as written).
_TEXT_OWNERS: Final = frozenset(
    {
        "div", "p", "span", "b", "i", "u", "em", "strong", "small", "sub", "sup", "code",
        "h1", "h2", "h3", "h4", "li", "td", "th", "blockquote",
    }
)  # fmt: skip
_NOT_UNDER: Final = frozenset({"a", "pre"})
# Trial values for the check when a part is prepared (plain values, see _plain):
# markup, entities, quotes, letters and symbols outside ASCII.
_TRIALS: Final = (
    "x",
    "<b>&amp;\"'</b>",
    "a b <script>alert(1)</script>",
    "Žiga Čelan ]]> &#60; {{ x }} €",
)


def _plain(value: object) -> bool:
    """A value the prepared path takes: printable text, single spaces inside only.

    :meth:`str.isprintable` is false for every control character (line breaks,
    tabs, NUL, CR), surrogates, private-use and unassigned code points
    (non-characters included), format characters and every white space but the
    ASCII space; so what is left is letters, marks, digits, punctuation,
    symbols and single spaces, which the sanitiser and the text part take
    as they are.
    """
    return (
        type(value) is str
        and value.isprintable()
        and value != ""
        and value[0] != " "
        and value[-1] != " "
        and "  " not in value
    )


def _html_text(value: str) -> str:
    """``value`` as nh3 (html5ever) writes text: ``&``, ``<``, ``>`` and U+00A0 as entities."""
    return (
        value.replace("&", "&amp;")
        .replace("\xa0", "&nbsp;")  # not in a plain value; kept for what nh3 does
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _slots(source: str, declared: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The literal pieces and placeholder names of a template that is only those, else None.

    ``pieces`` has one more item than ``names``: pieces[0], names[0], pieces[1] ...
    The tree is Jinja2's own parse of the source (the sandbox parses the same
    syntax), so the literal pieces are what Jinja2 outputs (whitespace control
    and the dropped trailing newline included).
    """
    import jinja2
    from jinja2 import nodes

    try:
        tree = jinja2.Environment(autoescape=False).parse(source)
    except jinja2.TemplateSyntaxError:  # pragma: no cover - a saved template parses
        return None
    if not tree.body:
        return ("",), ()
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    pieces: list[str] = [""]
    names: list[str] = []
    for node in tree.body[0].nodes:
        if isinstance(node, nodes.TemplateData):
            pieces[-1] += node.data
        elif isinstance(node, nodes.Name) and node.ctx == "load" and node.name in declared:
            names.append(node.name)
            pieces.append("")
        else:
            return None
    return tuple(pieces), tuple(names)


def _fold(text: str) -> str:
    """A subject's white space folded, as :mod:`szo_core.templates.messages` folds it."""
    return _SPACE.sub(" ", text).strip()


@attrs.frozen
class _Literal:
    """A non-HTML part (subject, text body): the Jinja2 output is literal text and ``str``."""

    pieces: tuple[str, ...]
    names: tuple[str, ...]
    subject: bool

    def render(self, values: Mapping[str, object], max_chars: int) -> str | None:
        pieces = self.pieces
        out = [pieces[0]]
        for i, name in enumerate(self.names, start=1):
            value = values.get(name)
            if type(value) is not str:
                return None
            out.append(value)
            out.append(pieces[i])
        text = "".join(out)
        if len(text) > max_chars:
            return None  # the full pipeline raises templates.limit.output
        return _fold(text) if self.subject else text.strip("\n")


@attrs.frozen
class _Skeleton:
    """The HTML body sanitised once, and its text part, with a slot for each value."""

    html: tuple[str, ...]
    text: tuple[str, ...]
    names: tuple[str, ...]
    raw_chars: int  # the literal markup's length (for the output limit)

    def _escaped_size(self, values: list[str]) -> int:
        """The length of the sandbox's output for ``values`` (its output limit counts it)."""
        return self.raw_chars + sum(map(_escaped_len, values))

    def render(self, values: Mapping[str, object], max_chars: int) -> tuple[str, str] | None:
        got = []
        size = self.raw_chars
        for name in self.names:
            value = values.get(name)
            if not _plain(value):
                return None
            assert isinstance(value, str)
            got.append(value)
            size += 5 * len(value)  # escaping makes a character at most 5 ("&#34;")
        if size > max_chars and self._escaped_size(got) > max_chars:
            return None  # the full pipeline raises templates.limit.output
        html, text = self.html, self.text
        h = [html[0]]
        t = [text[0]]
        for i, value in enumerate(got, start=1):
            h.append(_html_text(value))
            h.append(html[i])
            t.append(value)
            t.append(text[i])
        return "".join(h), "".join(t)


def _escaped_len(value: str) -> int:
    """The length of ``value`` as Jinja2's autoescaping writes it (markupsafe)."""
    return (
        len(value)
        + 4 * (value.count("&") + value.count('"') + value.count("'"))
        + 3 * (value.count("<") + value.count(">"))
    )


def _owners_ok(fragment_html: str) -> bool:
    """Every marker of the sanitised skeleton stands in text of an allowed element."""
    from szo_core.templates.html import _fragment

    root = _fragment(fragment_html)
    for element in root.iter():
        if not isinstance(element.tag, str):
            if "\ue000" in (element.text or "") or "\ue000" in (element.tail or ""):
                return False  # pragma: no cover - nh3 removes comments
            continue
        if any("\ue000" in value for value in element.attrib.values()):
            return False
        for text, owner in ((element.text, element), (element.tail, element.getparent())):
            if text and "\ue000" in text:
                if owner is None or owner.tag not in _TEXT_OWNERS:
                    return False
                if any(a.tag in _NOT_UNDER for a in (owner, *owner.iterancestors())):
                    return False
    return True


def _split(text: str, count: int) -> tuple[str, ...] | None:
    parts = _MARK.split(text)
    # parts: text, index, text, index, ...: every marker once and in order
    if len(parts) != 2 * count + 1 or [int(i) for i in parts[1::2]] != list(range(count)):
        return None
    return tuple(parts[0::2])


def _skeleton(source: str, declared: frozenset[str]) -> _Skeleton | None:
    from szo_core.templates.html import html_to_text, sanitise_html

    found = _slots(source, declared)
    if found is None:
        return None
    pieces, names = found
    if any("\ue000" in p or "\ue001" in p for p in pieces):
        return None
    raw = pieces[0] + "".join(f"\ue000{i}\ue001{p}" for i, p in enumerate(pieces[1:]))
    clean = sanitise_html(raw)
    html = _split(clean, len(names))
    if html is None or not _owners_ok(clean):
        return None
    text = _split(html_to_text(clean), len(names))
    if text is None:
        return None
    return _Skeleton(html, text, names, sum(map(len, pieces)))


class PreparedEmail:
    """An e-mail template version with what does not depend on the values done once.

    Made by :func:`prepare_email`.  :meth:`render` gives what
    :meth:`~szo_core.templates.messages.CompiledMessage.render_email` gives
    for the same values (the same subject, HTML and text), through the
    prepared parts where the values allow it and through the compiled
    message otherwise.

    Attributes:
        compiled: The compiled message (the full pipeline).
        prepared_parts: The parts rendered without the sandbox
            (``subject``, ``html_body`` (with the text part derived from it)
            and ``text_body``), in that order.
    """

    def __init__(self, compiled: CompiledMessage, limits: TemplateLimits | None = None) -> None:
        from szo_core.templates.render import TemplateLimits

        template = compiled.template
        self.compiled = compiled
        self._max_chars = (limits if limits is not None else TemplateLimits()).max_output_chars
        # only text fields: a value of any other type takes the full pipeline anyway
        declared = frozenset(f.name for f in template.fields if f.type is FieldType.TEXT)
        self._subject: _Literal | None = None
        self._text: _Literal | None = None
        self._body: _Skeleton | None = None
        self._has_text = bool(template.text_body)
        found = _slots(template.subject, declared)
        if found is not None:
            self._subject = _Literal(*found, subject=True)
        if self._has_text:
            found = _slots(template.text_body, declared)
            if found is not None:
                self._text = _Literal(*found, subject=False)
        if template.html_body:
            self._body = _skeleton(template.html_body, declared)
        if self._body is not None and not self._trial():
            self._body = None  # the checks above should hold; a guard all the same

    def __repr__(self) -> str:
        t = self.compiled.template
        return f"PreparedEmail({t.key!r}, version={t.version}, prepared={self.prepared_parts})"

    @property
    def prepared_parts(self) -> tuple[str, ...]:
        """The parts rendered without the sandbox (see the class)."""
        parts = (("subject", self._subject), ("html_body", self._body), ("text_body", self._text))
        return tuple(name for name, part in parts if part is not None)

    def _trial(self) -> bool:
        names = self._body.names if self._body is not None else ()
        examples = self.compiled.template.examples()
        for trial in _TRIALS:
            values = {**examples, **dict.fromkeys(names, trial)}
            body = self._body.render(values, self._max_chars) if self._body else None
            try:
                full = self.compiled.render_email(values)
            except SzoError:  # too long for the limits: the prepared part must not make it
                if body is not None:
                    return False
                continue
            if body is None or body[0] != full.html:
                return False
            if not self._has_text and body[1] != full.text:
                return False
        return True

    def render(self, values: Mapping[str, object], *, checked: bool = False) -> RenderedEmail:
        """Render the subject, the HTML body and the text body for ``values``.

        The values are checked against the fields first, as the full pipeline
        checks them; ``checked=True`` skips that for values already checked
        (:meth:`~szo_core.notify.service.Notifications.notify` checks each
        event's once).  A missing value, a value of another type or one that
        is not plain (see the module) takes the full pipeline.

        Raises:
            szo_core.templates.errors.UndefinedPlaceholder: a required field
                has no value.
            szo_core.errors.InvalidType: a value does not fit its field.
            szo_core.templates.errors.TemplateError: as
                :meth:`~szo_core.templates.messages.CompiledMessage.render_email`.
        """
        if not checked:
            self.compiled._check_values(values)
        parts = self.render_parts(values)
        if parts is None:
            return self.compiled.render_email(values)
        template = self.compiled.template
        return RenderedEmail(
            subject=parts[0],
            html=parts[1],
            text=parts[2],
            template_key=template.key,
            template_version=template.version,
        )

    def render_parts(self, values: Mapping[str, object]) -> tuple[str, str, str] | None:
        """``(subject, html, text)`` through the prepared parts, or None when they cannot.

        None means: render with :attr:`compiled` (a part is not prepared, or a
        value is not plain).  The values are not checked here (see :meth:`render`).
        """
        limit = self._max_chars
        subject = self._subject.render(values, limit) if self._subject is not None else None
        body = self._body.render(values, limit) if self._body is not None else None
        if body is None or subject is None:
            return None
        if self._has_text:
            own = self._text.render(values, limit) if self._text is not None else None
            if own is None:
                return None
            return subject, body[0], own
        return subject, body[0], body[1]


def prepare_email(compiled: CompiledMessage, limits: TemplateLimits | None = None) -> PreparedEmail:
    """Prepare an e-mail template version for many renders (see the module).

    Args:
        compiled: The version, compiled by
            :func:`~szo_core.templates.messages.compile_message`.
        limits: The limits it was compiled with (the output limit is kept).
    """
    return PreparedEmail(compiled, limits)


class PreparedSms:
    """A plain SMS template whose placeholders are all ``((name))`` of text fields.

    :meth:`PlainTemplate.render <szo_core.templates.plain.PlainTemplate.render>`
    writes a text field's value as ``str(value)`` between the literal pieces; for a
    value that is a ``str`` that is the value itself, so the text is the pieces
    and the values joined.  :meth:`render` does that and answers None (render with
    the plain template, which raises what it raises) for anything else: a value
    missing, None or not exactly a ``str``, or a text over the output limit.

    >>> from szo_core.templates.plain import PlainTemplate
    >>> from szo_core.templates.model import FieldType
    >>> plain = PlainTemplate.compile("Zadeva ((zadeva)) je dodeljena.")
    >>> sms = prepare_sms(plain, {"zadeva": FieldType.TEXT})
    >>> sms.render({"zadeva": "3500-1/2026"})
    'Zadeva 3500-1/2026 je dodeljena.'
    >>> sms.render({"zadeva": None}) is None, sms.render({"zadeva": 7}) is None
    (True, True)
    >>> prepare_sms(PlainTemplate.compile("((a?? z a))"), {"a": FieldType.TEXT}) is None
    True
    """

    __slots__ = ("_limit", "_pieces", "_slots")

    def __init__(
        self, pieces: tuple[str, ...], slots: tuple[tuple[int, str], ...], limit: int
    ) -> None:
        self._pieces = pieces
        self._slots = slots
        self._limit = limit

    def __repr__(self) -> str:
        return f"PreparedSms(placeholders={tuple(name for _, name in self._slots)!r})"

    def render(self, values: Mapping[str, object]) -> str | None:
        """The text for ``values``, or None when the plain template must render it."""
        out = list(self._pieces)
        for index, name in self._slots:
            value = values.get(name)
            if type(value) is not str:
                return None
            out[index] = value
        text = "".join(out)
        if len(text) > self._limit:
            return None  # the plain template raises templates.limit.output
        return text


def prepare_sms(plain: PlainTemplate, types: Mapping[str, FieldType]) -> PreparedSms | None:
    """``plain`` prepared (see :class:`PreparedSms`), or None when it has other placeholders.

    Args:
        plain: The compiled SMS text.
        types: The declared type of each field.
    """
    from szo_core.templates.plain import _Slot

    pieces: list[str] = []
    slots: list[tuple[int, str]] = []
    # The plain template's own parse (its pieces), read here so both render alike.
    for piece in plain._pieces:
        if isinstance(piece, str):
            pieces.append(piece)
        elif (
            isinstance(piece, _Slot)
            and piece.text is None
            and types.get(piece.name) is FieldType.TEXT
        ):
            slots.append((len(pieces), piece.name))
            pieces.append("")
        else:
            return None
    return PreparedSms(tuple(pieces), tuple(slots), plain._limits.max_output_chars)
