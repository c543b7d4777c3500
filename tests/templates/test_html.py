"""HTML bodies: the nh3 allow-list, what it would remove, and the text derived with lxml."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.templates.html import (
    ALLOWED_TAGS,
    disallowed_markup,
    html_to_text,
    sanitise_html,
)


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<p onclick="alert(1)">x</p>',
        "<iframe src='https://e.si'></iframe>",
        "<style>body{display:none}</style>",
        '<form action="https://e.si"><input name="x"></form>',
        "<svg><script>alert(1)</script></svg>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    ],
)
def test_dangerous_markup_is_removed(payload: str) -> None:
    cleaned = sanitise_html(payload)
    for bad in ("script", "onerror", "onclick", "javascript:", "iframe", "style", "form", "data:"):
        assert bad not in cleaned
    assert disallowed_markup(payload) != ()


def test_allowed_markup_is_kept_and_links_get_rel() -> None:
    html = (
        '<h2>Račun</h2><p>Plačajte <strong>do</strong> <a href="https://e.si/x" title="t">tu</a>'
        '</p><table><tr><th colspan="2">A</th></tr><tr><td align="right">1</td></tr></table>'
        '<ul><li>x</li></ul><a href="mailto:a@e.si">a</a>'
    )
    assert disallowed_markup(html) == ()
    cleaned = sanitise_html(html)
    assert '<a href="https://e.si/x" title="t" rel="noopener noreferrer">' in cleaned
    assert '<th colspan="2">' in cleaned
    assert '<td align="right">' in cleaned


def test_disallowed_markup_names_tags_and_attributes_once() -> None:
    html = '<p class="a" style="x">A</p><p class="b">B</p><img src="x"><a href="ftp://x">f</a>'
    assert disallowed_markup(html) == ("<p class>", "<p style>", "<img>", "<img src>", "<a href>")


def test_text_is_derived_block_by_block() -> None:
    html = (
        "<h1>Obvestilo</h1>"
        "<p>Spoštovani,\n   vaš   račun<br>je pripravljen.</p>"
        "<ul><li>prvi</li><li><b>drugi</b></li></ul>"
        "<ol><li>ena</li><li>dve</li></ol>"
        '<p>Več: <a href="https://e.si/r">povezava</a>, <a href="https://e.si">https://e.si</a>, '
        '<a href="mailto:info@e.si">info@e.si</a></p>'
        "<table><thead><tr><th>A</th><th>B</th></tr></thead>"
        "<tbody><tr><td>1</td><td>2,00 €</td></tr></tbody></table>"
        "<div>Konec</div>"
    )
    assert html_to_text(html) == (
        "Obvestilo\n\n"
        "Spoštovani, vaš račun\nje pripravljen.\n\n"
        "- prvi\n- drugi\n\n"
        "1. ena\n2. dve\n\n"
        "Več: povezava (https://e.si/r), https://e.si, info@e.si\n\n"
        "A | B\n1 | 2,00 €\n\n"
        "Konec"
    )


def test_escaped_text_comes_out_unescaped() -> None:
    assert html_to_text("<p>&lt;b&gt; &amp; Co.</p>") == "<b> & Co."


def test_empty_html_gives_empty_text() -> None:
    assert html_to_text("   ") == ""
    assert disallowed_markup("") == ()


@given(st.text(max_size=200))
def test_any_text_is_sanitised_idempotently_and_turns_into_text(text: str) -> None:
    once = sanitise_html(text)
    assert sanitise_html(once) == once
    assert disallowed_markup(once) == ()
    html_to_text(once)


def test_the_allow_list_has_no_tag_that_runs_or_loads_anything() -> None:
    assert ALLOWED_TAGS.isdisjoint({"script", "img", "iframe", "style", "object", "form", "svg"})
