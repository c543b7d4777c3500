"""The griffe extension that turns Sphinx roles and bare doctests into Markdown."""

from __future__ import annotations

import textwrap
from pathlib import Path

import griffe
import pytest
from tests.docs._tools import script

ext = script("griffe_szo")

PACKAGE = {
    "__init__.py": '''
        """The package: :func:`compute` and :class:`~pkg.sub.Thing`.

        >>> 1 + 1
        2
        >>> print("a")
        a

        After the example, :mod:`decimal` and :func:`corrections`.
        """
        from pkg.sub import Thing, compute
        from pkg.corrections import corrections
    ''',
    "sub.py": '''
        """Sub: :meth:`Thing.go`, :data:`LIMIT`, :class:`shown <Thing>`, :exc:`Nope`."""
        LIMIT = 3
        """A limit."""

        class Thing:
            """A thing; :meth:`go` goes, :attr:`.size` is its size.

            Examples:
                >>> Thing().go()
                1
            """

            size = 1

            def go(self):
                """Go; see :class:`Thing` and :func:`~datetime.date.today`."""
                return 1

        def compute():
            """Compute.

            ```python
            # a fenced :func:`compute` stays as it is
            >>> 1
            ```
            """
    ''',
    "corrections.py": '''
        """Corrections."""

        def corrections():
            """The function shadows the submodule of the same name in pkg."""
    ''',
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[griffe.Module, object]:
    root = tmp_path_factory.mktemp("src")
    (root / "pkg").mkdir()
    for name, text in PACKAGE.items():
        (root / "pkg" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    extension = ext.SzoDocstrings()
    loader = griffe.GriffeLoader(
        extensions=griffe.load_extensions(extension), search_paths=[str(root)]
    )
    module = loader.load("pkg")
    assert isinstance(module, griffe.Module)
    return module, extension


def _doc(obj: griffe.Object | griffe.Alias) -> str:
    assert obj.docstring is not None
    return obj.docstring.value


def test_roles_become_autorefs_resolved_from_the_current_module(loaded) -> None:
    module, _ = loaded
    text = _doc(module)
    assert '<autoref identifier="pkg.compute" optional><code>compute()</code></autoref>' in text
    assert '<autoref identifier="pkg.sub.Thing" optional><code>Thing</code></autoref>' in text
    sub = _doc(module["sub"])
    assert '<autoref identifier="pkg.sub.Thing.go" optional><code>Thing.go()</code>' in sub
    assert '<autoref identifier="pkg.sub.LIMIT" optional><code>LIMIT</code>' in sub
    assert '<autoref identifier="pkg.sub.Thing" optional><code>shown</code>' in sub
    assert ":meth:" not in sub
    assert ":data:" not in sub


def test_names_relative_to_the_class_and_leading_dots(loaded) -> None:
    module, _ = loaded
    text = _doc(module["sub.Thing"])
    assert '<autoref identifier="pkg.sub.Thing.go" optional><code>go()</code>' in text
    assert '<autoref identifier="pkg.sub.Thing.size" optional><code>size</code>' in text
    method = _doc(module["sub.Thing.go"])
    assert '<autoref identifier="pkg.sub.Thing" optional><code>Thing</code>' in method


def test_a_function_role_prefers_the_function_over_a_submodule_of_its_name(loaded) -> None:
    module, _ = loaded
    assert '<autoref identifier="pkg.corrections.corrections" optional>' in _doc(module)


def test_a_target_that_is_not_loaded_is_inline_code_not_a_link(loaded) -> None:
    module, extension = loaded
    assert "example, <code>decimal</code> and" in _doc(module)
    go = _doc(module["sub.Thing.go"])
    assert "<code>today()</code>" in go
    assert "datetime" not in go
    assert "<code>Nope</code>" in _doc(module["sub"])
    assert any(":exc:`Nope`" in entry for entry in extension.unresolved)


def test_bare_doctests_are_fenced_as_pycon_and_examples_sections_are_left_alone(loaded) -> None:
    module, _ = loaded
    text = _doc(module)
    assert '```pycon\n>>> 1 + 1\n2\n>>> print("a")\na\n```\n\nAfter the example' in text
    thing = _doc(module["sub.Thing"])
    assert "```" not in thing
    assert "    >>> Thing().go()" in thing
    compute = _doc(module["sub.compute"])
    assert "# a fenced :func:`compute` stays as it is\n>>> 1\n```" in compute
    assert "pycon" not in compute


def test_the_google_parser_still_sees_the_examples_section(loaded) -> None:
    module, _ = loaded
    docstring = module["sub.Thing"].docstring
    sections = docstring.parse(griffe.Parser.google)
    assert [s.kind.value for s in sections] == ["text", "examples"]


def test_simple_tables_become_markdown_tables() -> None:
    lines = textwrap.dedent(
        """
        Intro.

        =======  ===========
        code     when
        =======  ===========
        ``a``    the first
        ``b``    the second,
                 continued
        =======  ===========
        """
    ).split("\n")
    out = "\n".join(ext.simple_tables(lines))
    assert "| code | when |\n|---|---|\n| ``a`` | the first |\n" in out
    assert "| ``b`` | the second, continued |" in out
    assert "=====" not in out


def test_the_package_s_own_roles_mostly_resolve() -> None:
    extension = ext.SzoDocstrings()
    loader = griffe.GriffeLoader(
        extensions=griffe.load_extensions(extension),
        search_paths=[str(Path(__file__).resolve().parents[2] / "src")],
    )
    loader.load("szo_core")
    # Roles naming szo_core objects resolve; the rest name the standard library or
    # other packages (decimal, datetime, stdnum) and render as inline code.
    ours = [u for u in extension.unresolved if ":`szo_core." in u or ":`~szo_core." in u]
    assert extension.roles > 300
    assert len(ours) <= 3, ours
