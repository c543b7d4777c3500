"""Known XSS vectors in bodies, subjects and attachment names: none survives sanitising.

Every HTML the module produces from operator input (the stored body, the quote of a
reply, the header of a forward, the HTML of the e-mail copy) is parsed twice, by
html5lib (the WHATWG algorithm browsers use) and by lxml, then serialised and parsed
again (a mutation-XSS string changes meaning on the second parse).  In no parse may
there be a script-capable element, an ``on...`` attribute, a ``style`` attribute or
an URL attribute whose scheme, once entities and white space are gone, is
``javascript:``, ``vbscript:`` or ``data:``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import html5lib
import pytest
from lxml import etree
from lxml import html as lxml_html

from szo_core.adapters.memory import MemoryStore
from szo_core.adapters.memory_messaging import MemoryAttachmentStore
from szo_core.messaging import Messaging, MessagingSettings, Operator, SendingSettings, Upload
from szo_core.messaging.attachments import safe_name
from szo_core.messaging.html import clean_body, clean_subject

ORG = "dom"
NOW = datetime(2026, 12, 2, 8, 5, tzinfo=UTC)

VECTORS = [
    # script and event handlers
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<p/onmouseover=alert(1)>x</p>",
    "<a onmouseover\n=alert(1)>x</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    # javascript: and data: URLs with entity and white-space tricks
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" \t javascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#9;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DaTa:text/html,<script>alert(1)</script>">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<table background="javascript:alert(1)"><td>x</td></table>',
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<math href="javascript:alert(1)">x</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # style and base
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    # mutation XSS and parser differentials
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<div><![CDATA[<img src=x onerror=alert(1)>]]></div>",
    "<listing>&lt;img src=x onerror=alert(1)&gt;</listing>",
    "<select><style></select><img src=x onerror=alert(1)></style>",
    '<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style>'
    '<img onerror=alert(1) src>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<textarea></textarea><img src=x onerror=alert(1)>",
    '<xmp><p title="</xmp><img src=x onerror=alert(1)>">',
    '<a href="https://dom.si/" title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    "<p>\x00<script>alert(1)</script></p>",
]

FORBIDDEN_TAGS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
        "link", "meta", "form", "input", "button", "textarea", "select", "svg", "math", "img",
        "video", "audio", "source", "template", "noscript", "xmp", "listing", "foreignobject",
        "animate", "set", "marquee", "details", "body", "html", "head", "title", "param",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "background", "poster", "srcdoc", "to",
     "xlink:href", "from", "values", "content", "srcset", "codebase", "cite"}
)  # fmt: skip
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_UNSAFE_SCHEME = re.compile(r"(javascript|vbscript|data|livescript):", re.IGNORECASE)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _problems(root: etree._Element) -> list[str]:
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = _local(element.tag)
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        for raw_name, value in element.attrib.items():
            name = _local(str(raw_name))
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                found.append(f"<{tag} {name}>")
            url = name in URL_ATTRIBUTES or name.endswith("href")
            if url and _UNSAFE_SCHEME.match(_INVISIBLE.sub("", str(value))):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def _parses(fragment: str) -> list[etree._Element]:
    first = html5lib.parseFragment(fragment, treebuilder="lxml", namespaceHTMLElements=False)
    roots = [first] if isinstance(first, etree._Element) else list(first)
    wrapper = lxml_html.fragment_fromstring(fragment, create_parent="div")
    roots.append(wrapper)
    # a second round: serialise what the browser built and parse it again (mutation XSS)
    again = html5lib.serializer.serialize(
        html5lib.parseFragment(fragment, treebuilder="etree"), tree="etree"
    )
    reparsed = html5lib.parseFragment(again, treebuilder="lxml", namespaceHTMLElements=False)
    roots.extend([reparsed] if isinstance(reparsed, etree._Element) else list(reparsed))
    return [r for r in roots if isinstance(r, etree._Element)]


def assert_safe(fragment: str) -> None:
    problems = [p for root in _parses(f"<div>{fragment}</div>") for p in _problems(root)]
    assert problems == [], fragment


def test_the_checker_finds_each_kind_of_problem() -> None:
    # The checker itself must fail on unsanitised input, or the tests below prove nothing.
    for bad in (
        "<script>x</script>",
        "<p onclick=x>y</p>",
        '<a href=" jav&#x09;ascript:x">y</a>',
        '<svg><a xlink:href="javascript:x">y</a></svg>',
        '<p style="x">y</p>',
        '<a href="data:text/html,x">y</a>',
    ):
        with pytest.raises(AssertionError):
            assert_safe(bad)
    assert_safe('<p>Ok <a href="https://dom.si/">povezava</a> &lt;script&gt;</p>')


@pytest.mark.parametrize("vector", VECTORS)
def test_bodies_keep_no_script_handler_or_unsafe_url(vector: str) -> None:
    cleaned = clean_body(vector)
    assert_safe(cleaned)
    assert clean_body(cleaned) == cleaned  # cleaning a stored body again changes nothing
    assert_safe(clean_body(f"<p>Pozdravljeni, {vector} lep dan</p>"))


def _world() -> tuple[MemoryStore, Messaging]:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.messaging.save_settings(
            MessagingSettings(
                organisation_id=ORG,
                email_copies=True,
                sending=SendingSettings(host="smtp.dom.si", sender="sporocila@dom.si"),
            )
        )
        uow.messaging.add_operator(Operator(organisation_id=ORG, id="ana", name="Ana <b>N</b>"))
        uow.messaging.add_operator(
            Operator(organisation_id=ORG, id="bojan", name="Bojan", email="bojan@dom.si")
        )
        uow.commit()
    return store, Messaging(attachments=MemoryAttachmentStore())


@pytest.mark.parametrize("vector", VECTORS)
def test_subjects_and_attachment_names_are_escaped_wherever_html_shows_them(vector: str) -> None:
    store, messaging = _world()
    with store.unit_of_work() as uow:
        draft = messaging.draft(uow, ORG, "ana", subject=vector, body=vector, recipients=["bojan"])
        report = messaging.send(
            uow, draft, now=NOW, uploads=[Upload(f"{vector}.txt", b"besedilo priloge")]
        )
        message = report.message
        assert "\n" not in message.subject
        assert "\r" not in message.subject
        assert message.subject == clean_subject(vector)
        name = message.attachments[0].name
        assert name == safe_name(f"{vector}.txt")
        assert not set(name) & set("<>\"'&/\\;:=`")
        forward = messaging.forward(uow, ORG, "bojan", message.id)
        reply = messaging.reply(uow, ORG, "bojan", message.id)
        copy = uow.outbox.get(ORG, report.copies[0].outbox_id or "")
    for html in (message.body_html, forward.body_html, reply.body_html, copy.email.html or ""):
        assert_safe(html)
    assert "\n" not in copy.email.subject
