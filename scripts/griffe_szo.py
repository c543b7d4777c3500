"""A griffe extension that makes szo_core's reStructuredText-flavoured docstrings render.

szo_core's docstrings are Google style (Args/Returns/Examples sections), but
their prose uses Sphinx roles (``:func:`compute```, ``:class:`~datetime.date```,
``:mod:``, ``:data:``, ``:meth:``, ``:attr:``, ``:exc:``) and bare ``>>>`` doctest
blocks outside an Examples section.  mkdocstrings renders Markdown, so without
this extension the roles show as literal text and the doctests as one merged
block quote with their prompts lost.

Loaded by mkdocstrings (``mkdocs.yml``: ``handlers.python.options.extensions``),
it rewrites each docstring's text before it is parsed; the sources in ``src/``
are left alone (pytest still runs the doctests from them):

* every role becomes a cross-reference when its target is an object griffe has
  loaded: ``<autoref identifier="szo_core.fees.compute" optional>`` (what
  mkdocstrings' own templates emit), which mkdocs-autorefs turns into a link.
  Targets are resolved the way Sphinx does: absolute, then relative to the
  object, its class, its module and the enclosing packages; ``~`` shows only
  the last component, ``title <target>`` shows the title.  ``optional`` keeps an
  object that is loaded but not rendered on any page (a private module) from
  failing ``mkdocs build --strict``: autorefs renders it as inline code;
* a role whose target is not loaded at all (``~datetime.date``, ``decimal``)
  becomes inline code, never a guessed link;
* a bare ``>>>`` block (with its ``...`` continuation and output lines, up to
  the next blank line) becomes a fenced ``pycon`` block.  Examples sections are
  left to griffe's Google parser, which already renders them as code, and
  fenced blocks are left as they are.

Run ``.venv/bin/python scripts/griffe_szo.py`` to print how many roles the
package has and which of them do not resolve.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator
from typing import Any

import griffe

ROLES = ("func", "class", "mod", "data", "meth", "attr", "exc", "obj", "const", "type")
# :func:`target`, :py:func:`target`, :class:`title <target>`
ROLE_RE = re.compile(r":(?:py:)?(?P<role>" + "|".join(ROLES) + r"):`(?P<body>[^`]+)`")
EXPLICIT_TITLE_RE = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$")
FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)")
# griffe's Google parser makes "Examples:" a section of code; "Example:" is an admonition of text.
EXAMPLES_RE = re.compile(r"^(?P<indent>\s*)examples\s*:\s*$", re.IGNORECASE)
TABLE_BORDER_RE = re.compile(r"^\s*=+(?:\s+=+)+\s*$")
PROMPT_RE = re.compile(r"^(?P<indent>\s*)>>>(?: |$)")

_LOOKUP_ERRORS = (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError)


def _lookup(collection: griffe.ModulesCollection, path: str) -> griffe.Object | griffe.Alias | None:
    try:
        found = collection[path]
    except _LOOKUP_ERRORS:
        return None
    if isinstance(found, griffe.Alias):
        try:
            found.final_target  # noqa: B018 (an alias to an external object is not ours)
        except _LOOKUP_ERRORS:
            return None
    return found  # type: ignore[no-any-return]


def _scopes(obj: griffe.Object | griffe.Alias) -> Iterator[str]:
    """The paths a relative name is looked up in: the object itself, then its parents."""
    current: griffe.Object | griffe.Alias | None = obj
    while current is not None:
        yield current.path
        current = current.parent


# The kinds each role names first (a package's function and submodule can share a name).
ROLE_KINDS = {
    "func": {griffe.Kind.FUNCTION},
    "meth": {griffe.Kind.FUNCTION},
    "class": {griffe.Kind.CLASS},
    "exc": {griffe.Kind.CLASS},
    "mod": {griffe.Kind.MODULE},
    "data": {griffe.Kind.ATTRIBUTE},
    "attr": {griffe.Kind.ATTRIBUTE},
    "const": {griffe.Kind.ATTRIBUTE},
}


def _kind(found: griffe.Object | griffe.Alias) -> griffe.Kind | None:
    try:
        return found.kind
    except _LOOKUP_ERRORS:
        return None


def resolve(
    target: str,
    obj: griffe.Object | griffe.Alias,
    collection: griffe.ModulesCollection,
    role: str = "obj",
) -> str | None:
    """The path of the object ``target`` names, seen from ``obj``'s docstring, or None.

    Sphinx's order: the name as written (absolute), then relative to the object
    and each of its parents; an object of the role's kind first, then any.
    """
    name = target.lstrip(".").removesuffix("()")
    if not name:
        return None
    candidates = [name] if not target.startswith(".") else []
    candidates += [f"{scope}.{name}" for scope in _scopes(obj)]
    last = name.rsplit(".", 1)[-1]
    found: list[griffe.Object | griffe.Alias] = []
    for candidate in candidates:
        hit = _lookup(collection, candidate)
        if hit is None:
            continue
        if role not in ("mod", "obj") and _kind(hit) is griffe.Kind.MODULE:
            # ``from .corrections import corrections``: the package's name is the
            # function at run time, though griffe keeps the submodule under it.
            inner = _lookup(collection, f"{hit.path}.{last}")
            if inner is not None:
                found.append(inner)
        found.append(hit)
    kinds = ROLE_KINDS.get(role)
    preferred = [f for f in found if kinds is None or _kind(f) in kinds]
    for match in (*preferred, *found):
        return match.path
    return None


def convert_role(
    role: str, body: str, obj: griffe.Object | griffe.Alias, collection: griffe.ModulesCollection
) -> tuple[str, str | None]:
    """The HTML for one role and the path it resolved to (None: rendered as inline code)."""
    explicit = EXPLICIT_TITLE_RE.match(body)
    if explicit:
        title, target = explicit["title"], explicit["target"].strip()
    else:
        target = body.strip()
        shown = target.lstrip("~").lstrip(".")
        title = shown.rsplit(".", 1)[-1] if target.startswith("~") else shown
        target = target.lstrip("~")
    if role in ("func", "meth") and not explicit and not title.endswith(")"):
        title += "()"
    code = f"<code>{html.escape(title)}</code>"
    path = resolve(target, obj, collection, role)
    if path is None:
        return code, None
    return f'<autoref identifier="{html.escape(path)}" optional>{code}</autoref>', path


def _fence_doctests(lines: list[str]) -> Iterator[tuple[str, bool]]:
    """Yield (line, is_code) with bare ``>>>`` blocks fenced as ``pycon``."""
    fence: str | None = None
    examples_indent: int | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        indent = len(line) - len(line.lstrip())
        if fence is not None:
            yield line, True
            if line.strip().startswith(fence):
                fence = None
            i += 1
            continue
        if examples_indent is not None and line.strip() and indent <= examples_indent:
            examples_indent = None
        if (m := FENCE_RE.match(line)) is not None:
            fence = m["fence"]
            yield line, True
            i += 1
            continue
        if (m := EXAMPLES_RE.match(line)) is not None:
            examples_indent = len(m["indent"])
            yield line, False
            i += 1
            continue
        if examples_indent is None and (m := PROMPT_RE.match(line)) is not None:
            pad = m["indent"]
            block = []
            while i < len(lines) and lines[i].strip() and lines[i].startswith(pad):
                block.append(lines[i])
                i += 1
            yield f"{pad}```pycon", True
            for code_line in block:
                yield code_line, True
            yield f"{pad}```", True
            continue
        # Inside an Examples section the doctest lines are griffe's; never convert them.
        in_example_code = examples_indent is not None and line.lstrip().startswith((">>>", "..."))
        yield line, in_example_code
        i += 1


def _columns(border: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"=+", border)]


def _cells(line: str, columns: list[tuple[int, int]]) -> list[str]:
    starts = [start for start, _ in columns]
    ends = [*starts[1:], len(line) + 1]
    return [line[a:b].strip() for a, b in zip(starts, ends, strict=True)]


def _markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def simple_tables(lines: list[str]) -> list[str]:
    """reStructuredText simple tables (``====  ====`` borders) as Markdown tables.

    A row whose first column is blank continues the row above, as in RST.  A
    table without a header row gets an empty one (Markdown tables need one).
    """
    out: list[str] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        if (m := FENCE_RE.match(lines[i])) is not None:
            fence = None if fence and lines[i].strip().startswith(fence) else fence or m["fence"]
        starts_block = i == 0 or not lines[i - 1].strip()  # a table follows a blank line
        if fence is not None or not starts_block or not TABLE_BORDER_RE.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        pad = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        columns = _columns(lines[i])
        end = next((j for j in range(i + 1, len(lines)) if not lines[j].strip()), len(lines))
        body = lines[i + 1 : end]
        borders = [k for k, line in enumerate(body) if TABLE_BORDER_RE.match(line)]
        if not borders or borders[-1] != len(body) - 1:
            out.append(lines[i])  # not a table after all
            i += 1
            continue
        header: list[str] = [""] * len(columns)
        if len(borders) == 2:
            header = _cells(body[0], columns)
            rows_text = body[borders[0] + 1 : borders[1]]
        else:
            rows_text = body[: borders[0]]
        rows: list[list[str]] = []
        for line in rows_text:
            cells = _cells(line, columns)
            if rows and not cells[0]:
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
            else:
                rows.append(cells)
        out.append(pad + _markdown_row(header))
        out.append(pad + "|" + "|".join(["---"] * len(columns)) + "|")
        out.extend(pad + _markdown_row(row) for row in rows)
        i = end
    return out


def rewrite(
    text: str,
    obj: griffe.Object | griffe.Alias,
    collection: griffe.ModulesCollection,
    unresolved: list[str] | None = None,
) -> str:
    """The docstring ``text`` with roles converted and bare doctests fenced."""
    out: list[str] = []
    for line, is_code in _fence_doctests(simple_tables(text.split("\n"))):
        if is_code or ":`" not in line:
            out.append(line)
            continue

        def replace(match: re.Match[str]) -> str:
            converted, path = convert_role(match["role"], match["body"], obj, collection)
            if path is None and unresolved is not None:
                unresolved.append(f"{obj.path}: {match[0]}")
            return converted

        out.append(ROLE_RE.sub(replace, line))
    return "\n".join(out)


class SzoDocstrings(griffe.Extension):
    """Convert Sphinx roles to autorefs and fence bare doctests in every docstring."""

    def __init__(self) -> None:
        """Start with no docstring seen."""
        super().__init__()
        self._done: set[int] = set()
        self.unresolved: list[str] = []
        self.roles = 0

    def _rewrite(self, obj: griffe.Object, loader: griffe.GriffeLoader) -> None:
        docstring = obj.docstring
        if docstring is None or id(docstring) in self._done:
            return
        self._done.add(id(docstring))
        self.roles += len(ROLE_RE.findall(docstring.value))
        docstring.value = rewrite(docstring.value, obj, loader.modules_collection, self.unresolved)
        docstring.__dict__.pop("parsed", None)  # parsed lazily; drop a stale parse

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Rewrite ``obj``'s own docstring once (aliases share their target's)."""
        self._rewrite(obj, loader)

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Rewrite the top package's docstring (its members get ``on_object``)."""
        self._rewrite(pkg, loader)


def main(argv: list[str]) -> int:
    package = argv[0] if argv else "szo_core"
    extension = SzoDocstrings()
    loader = griffe.GriffeLoader(
        extensions=griffe.load_extensions(extension),
        search_paths=["src"],
        docstring_parser=griffe.Parser.google,
    )
    loader.load(package)
    print(
        f"{package}: {extension.roles} roles, {extension.roles - len(extension.unresolved)} "
        f"cross-references, {len(extension.unresolved)} inline code (target not loaded):"
    )
    for entry in extension.unresolved:
        print(f"  {entry}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
