"""Prepared e-mail templates: which are prepared, that they stay safe, that they match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from szo_core.errors import InvalidType
from szo_core.notify import prepared as prepared_module
from szo_core.notify.prepared import PreparedEmail, prepare_email
from szo_core.templates.errors import TemplateLimitExceeded, UndefinedPlaceholder
from szo_core.templates.html import disallowed_markup, sanitise_html
from szo_core.templates.messages import compile_message
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField
from szo_core.templates.render import TemplateLimits

FIELDS = (
    TemplateField(name="zadeva", type=FieldType.TEXT, example="3500-12/2025"),
    TemplateField(name="uradnik", type=FieldType.TEXT, example="Janez Novak"),
    TemplateField(name="rok", type=FieldType.DATE, example="2026-12-24", required=False),
)
BENCHMARK_HTML = (
    "<p>Spoštovani,</p>\n<p>vaša zadeva <b>{{ zadeva }}</b> je dobila klasifikacijski znak in je "
    "bila dodeljena uradniku {{ uradnik }}.</p>\n<p>Lep pozdrav,<br>Občina</p>"
)


def _prepared(
    html: str,
    subject: str = "Zadeva {{ zadeva }}",
    text: str = "",
    limits: TemplateLimits | None = None,
) -> PreparedEmail:
    template = MessageTemplate(
        organisation_id="obcina",
        key="notify.t.email",
        channel=Channel.EMAIL,
        subject=subject,
        html_body=html,
        text_body=text,
        fields=FIELDS,
        version=4,
    )
    return prepare_email(compile_message(template, limits=limits), limits)


def test_the_common_notification_template_is_prepared() -> None:
    email = _prepared(BENCHMARK_HTML)
    assert email.prepared_parts == ("subject", "html_body")
    with_text = _prepared(BENCHMARK_HTML, text="Zadeva {{ zadeva }}\nUradnik {{ uradnik }}")
    assert with_text.prepared_parts == ("subject", "html_body", "text_body")
    structure = _prepared(
        "<h2>{{ zadeva }}</h2><ul><li>{{ uradnik }}</li></ul>"
        "<table><tr><td>{{ zadeva }}</td><th>{{ uradnik }}</th></tr></table>"
        "<blockquote><em>{{ zadeva }}</em></blockquote><div><span>{{ uradnik }}</span></div>"
        '<p><a href="https://e-uprava.si">portal</a> {{ zadeva }}</p>'
    )
    assert structure.prepared_parts == ("subject", "html_body")


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ("<p>{% if uradnik %}{{ uradnik }}{% endif %}</p>", "control flow"),
        ("<p>{{ zadeva|upper }}</p>", "a filter"),
        ("<p>{{ rok }}</p>", "a field that is not text"),
        ("<p>{{ range }}</p>", "not a declared field"),
        ('<p><a href="https://e.si/{{ zadeva }}">x</a></p>', "a value in an attribute"),
        ('<p title="{{ zadeva }}">x</p>', "a value in an attribute nh3 removes"),
        ('<p><a href="https://e.si">{{ zadeva }}</a></p>', "a value in a link's text"),
        ('<p><a href="https://e.si"><b>{{ zadeva }}</b></a></p>', "a value inside a link"),
        ("<pre>{{ zadeva }}</pre>", "a value in <pre>"),
        ("<pre><b>{{ zadeva }}</b></pre>", "a value inside <pre>"),
        ("<p><script>{{ zadeva }}</script></p>", "a value in content nh3 removes"),
        ("<p><!-- {{ zadeva }} --></p>", "a value in a comment"),
        ("<ul>{{ zadeva }}<li>x</li></ul>", "a value in a list outside its items"),
        ("<p>\ue000 {{ zadeva }}</p>", "the markers' own characters in the template"),
    ],
)
def test_a_body_is_not_prepared_when_that_is_not_proven(html: str, why: str) -> None:
    email = _prepared(html)
    assert "html_body" not in email.prepared_parts, why
    # and it still renders what the pipeline renders
    values = {"zadeva": "<b>3500</b>", "uradnik": "Ana", "rok": None}
    assert email.render(values) == email.compiled.render_email(values)


def test_a_subject_with_logic_is_not_prepared() -> None:
    email = _prepared(BENCHMARK_HTML, subject="{% if zadeva %}Zadeva {{ zadeva }}{% endif %}")
    assert email.prepared_parts == ("html_body",)


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    '</b></p><a href="javascript:alert(1)">klik</a><p><b>',
    "<svg/onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "javascript:alert(document.cookie)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<!--<script>alert(1)//-->",
    "<style>@import 'x'</style>",
    "<a href=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>x</a>",
    "]]><![CDATA[<script>alert(1)</script>",
    "{{ ''.__class__ }} {% raw %}",
    "<b onclick=alert(1)>Žiga</b> €",
]


@pytest.mark.parametrize("vector", XSS)
@pytest.mark.parametrize("field", ["zadeva", "uradnik"])
def test_xss_in_any_field_stays_text(vector: str, field: str) -> None:
    email = _prepared(
        BENCHMARK_HTML + "<table><tr><td>{{ uradnik }}</td></tr></table><ul><li>{{ zadeva }}</li>"
        "</ul>",
        text="",
    )
    assert email.prepared_parts == ("subject", "html_body")
    values: dict[str, object] = {"zadeva": "3500-1/2026", "uradnik": "Ana Novak"}
    values[field] = vector
    parts = email.render_parts(values)
    assert parts is not None  # the prepared path, not the pipeline
    subject, html, text = parts
    # the HTML is what the full pipeline makes, and nh3 has nothing left to remove
    assert (subject, html, text) == (
        (full := email.compiled.render_email(values)).subject,
        full.html,
        full.text,
    )
    assert sanitise_html(html) == html
    assert disallowed_markup(html) == ()
    # the value added no element and no attribute: the markup is the harmless value's
    harmless = email.render_parts({"zadeva": "3500-1/2026", "uradnik": "Ana Novak"})
    assert harmless is not None
    assert _markup(html) == _markup(harmless[1])
    assert not re.search(r"<(script|img|svg|iframe|style|a\s[^>]*href=\"(javascript|data))", html)
    # the value is shown, as text
    assert vector in text


def _markup(html: str) -> list[tuple[str, dict[str, str]]]:
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    return [(e.tag, dict(e.attrib)) for e in root.iter() if isinstance(e.tag, str)]


PLAIN = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(list("<>&\"' \xa0\t\r\n\x00\ue000\ue001;#/=!-")),
    ),
    max_size=30,
)
# values the prepared path takes (printable, single spaces inside), markup characters often
PLAIN_ONLY = st.text(
    st.one_of(
        st.characters(categories=("L", "M", "N", "P", "S")),
        st.sampled_from(list("<>&\"' ;#/=!-")),
    ),
    min_size=1,
    max_size=30,
).filter(prepared_module._plain)
VALUES = st.one_of(PLAIN, PLAIN_ONLY, PLAIN_ONLY)


@settings(max_examples=400, deadline=None)
@given(zadeva=VALUES, uradnik=VALUES)
def test_any_values_render_as_the_full_pipeline_does(zadeva: str, uradnik: str) -> None:
    email = PREPARED
    values = {"zadeva": zadeva, "uradnik": uradnik}
    assert email.render(values) == email.compiled.render_email(values)
    with_text = PREPARED_TEXT
    assert with_text.render(values) == with_text.compiled.render_email(values)


PREPARED = _prepared(
    BENCHMARK_HTML + "<ul><li>{{ uradnik }}</li></ul><h3>{{ zadeva }} {{ uradnik }}</h3>",
    subject="  Zadeva\n{{ zadeva }}  {{ uradnik }} ",
)
PREPARED_TEXT = _prepared(BENCHMARK_HTML, text="\n{{ zadeva }}\n\nUradnik: {{ uradnik }}\n")


@pytest.mark.parametrize(
    "value",
    ["", " x", "x ", "dva  presledka", "vrstica\nnova", "tab\tx", "nič\x00", "a\xa0b", "\u2028"],
)
def test_values_that_are_not_plain_take_the_full_pipeline(value: str) -> None:
    values = {"zadeva": value, "uradnik": "Ana"}
    assert PREPARED.render_parts(values) is None
    assert PREPARED.render(values) == PREPARED.compiled.render_email(values)


def test_the_values_are_checked_unless_said_checked() -> None:
    with pytest.raises(UndefinedPlaceholder) as missing:
        PREPARED.render({"zadeva": "x"})
    assert missing.value.where == "uradnik"
    with pytest.raises(InvalidType) as wrong:
        PREPARED.render({"zadeva": "x", "uradnik": "Ana", "rok": "jutri"})
    assert wrong.value.where == "rok"
    # checked=True trusts the caller (notify checks each event once): a field the
    # template does not show is not looked at
    trusted = PREPARED.render({"zadeva": "x", "uradnik": "Ana", "rok": "jutri"}, checked=True)
    assert trusted == PREPARED.render({"zadeva": "x", "uradnik": "Ana"})


def test_the_output_limit_is_the_pipelines() -> None:
    limits = TemplateLimits(max_output_chars=300)
    email = _prepared(BENCHMARK_HTML, limits=limits)
    assert email.prepared_parts == ("subject", "html_body")
    short = {"zadeva": "x", "uradnik": "Ana"}
    assert email.render(short) == email.compiled.render_email(short)
    long = {"zadeva": "x" * 200, "uradnik": "Ana"}
    with pytest.raises(TemplateLimitExceeded) as raised:
        email.render(long)
    assert raised.value.code == "templates.limit.output"
    subject_only = _prepared(BENCHMARK_HTML, subject="{{ zadeva }}" * 3, limits=limits)
    with pytest.raises(TemplateLimitExceeded):
        subject_only.render({"zadeva": "y" * 120, "uradnik": "A"})


def test_repr_shows_no_values() -> None:
    text = repr(PREPARED)
    assert text.startswith("PreparedEmail('notify.t.email', version=4")
    assert "Ana" not in repr(PREPARED.render({"zadeva": "x", "uradnik": "Ana"}))


@pytest.mark.parametrize("slack", [0, -1])
def test_the_output_limit_is_exact_at_the_boundary(slack: int) -> None:
    values = {"zadeva": "a&b<c>\"d'" * 3, "uradnik": "Ana"}
    raw = len(
        compile_message(_prepared(BENCHMARK_HTML).compiled.template)._render_part(
            "html_body", values
        )
    )
    limits = TemplateLimits(max_output_chars=raw + slack)
    email = _prepared(BENCHMARK_HTML, limits=limits)
    if slack == 0:
        assert email.render_parts(values) is not None
        assert email.render(values) == email.compiled.render_email(values)
    else:
        assert email.render_parts(values) is None
        with pytest.raises(TemplateLimitExceeded):
            email.render(values)


def test_the_trial_refuses_a_body_whose_output_would_differ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from szo_core.notify import prepared

    # a broken escape (the values put in as they are) must not survive the trial
    monkeypatch.setattr(prepared, "_html_text", lambda value: value)
    email = _prepared(BENCHMARK_HTML)
    assert email.prepared_parts == ("subject",)
    values = {"zadeva": "<b>x</b>", "uradnik": "Ana"}
    assert email.render(values) == email.compiled.render_email(values)


@pytest.mark.parametrize(
    "html",
    [
        "<p><xmp>{{ zadeva }}</xmp></p>",
        "<p><textarea>{{ zadeva }}</textarea></p>",
        "<p><noembed>{{ zadeva }}</noembed> {{ uradnik }}</p>",
        "<p><title>{{ zadeva }}</title></p>",
        "<table>{{ zadeva }}<tr><td>{{ uradnik }}</td></tr></table>",
        "<p><b>{{ zadeva }}</p>{{ uradnik }}",
        "<select><option>{{ zadeva }}</option></select>",
        "<math><mi>{{ zadeva }}</mi></math><svg><text>{{ uradnik }}</text></svg>",
        "<p>{{ zadeva }}<br/>{{ uradnik }}<hr>{{ zadeva }}</p>",
    ],
)
@pytest.mark.parametrize("vector", ["<b>&amp;\"'</b>", "</p><script>alert(1)</script>", "x"])
def test_odd_markup_renders_what_the_pipeline_renders(html: str, vector: str) -> None:
    # markup the catalogue would refuse on save: prepared or not, the same output
    email = _prepared(html)
    values = {"zadeva": vector, "uradnik": vector[::-1]}
    assert email.render(values) == email.compiled.render_email(values)


ODD = [
    _prepared(html)
    for html in (
        "<p><textarea>{{ zadeva }}</textarea></p>",
        "<p><title>{{ zadeva }}</title>{{ uradnik }}</p>",
        "<table>{{ zadeva }}<tr><td>{{ uradnik }}</td></tr></table>",
        "<p><b>{{ zadeva }}</p>{{ uradnik }}",
        "<select><option>{{ zadeva }}</option></select>{{ uradnik }}",
    )
]


@settings(max_examples=200, deadline=None)
@given(email=st.sampled_from(ODD), zadeva=VALUES, uradnik=VALUES)
def test_odd_markup_that_is_prepared_matches_for_any_values(
    email: PreparedEmail, zadeva: str, uradnik: str
) -> None:
    assert "html_body" in email.prepared_parts
    values = {"zadeva": zadeva, "uradnik": uradnik}
    assert email.render(values) == email.compiled.render_email(values)


@given(
    st.text(max_size=40),
    st.one_of(st.none(), st.text(max_size=60), st.integers()),
    st.sampled_from(["sl", "en"]),
)
def test_a_prepared_sms_renders_what_the_plain_template_renders(
    literal: str, value: object, language: str
) -> None:
    from szo_core.errors import SzoError
    from szo_core.notify.prepared import prepare_sms
    from szo_core.templates.plain import PlainTemplate
    from szo_core.templates.render import TemplateLimits

    source = f"{literal.replace('(', '[').replace(')', ']')} ((zadeva)) konec"
    plain = PlainTemplate.compile(source, TemplateLimits(max_output_chars=80))
    types = {"zadeva": FieldType.TEXT}
    sms = prepare_sms(plain, types)
    assert sms is not None
    fast = sms.render({"zadeva": value})
    try:
        full = plain.render({"zadeva": value}, types=types, language=language)
    except SzoError:
        assert fast is None  # the plain template raises: the fast path must not answer
        return
    assert fast is None or fast == full
    if type(value) is str and len(full) <= 80:
        assert fast == full


def test_an_sms_with_other_placeholders_is_not_prepared() -> None:
    from szo_core.notify.prepared import prepare_sms
    from szo_core.templates.plain import PlainTemplate

    types = {"zadeva": FieldType.TEXT, "znesek": FieldType.MONEY}
    assert prepare_sms(PlainTemplate.compile("((znesek))"), types) is None
    assert prepare_sms(PlainTemplate.compile("((zadeva?? da))"), types) is None
    assert prepare_sms(PlainTemplate.compile("((neznano))"), types) is None
    assert prepare_sms(PlainTemplate.compile("brez"), types) is not None
