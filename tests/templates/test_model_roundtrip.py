"""MessageTemplate round-trips through szo_core.serialization (Hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from szo_core import serialization
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField

EXAMPLES = {
    FieldType.TEXT: st.text(max_size=10),
    FieldType.INTEGER: st.integers().map(str),
    FieldType.DECIMAL: st.decimals(places=2, allow_nan=False, allow_infinity=False).map(str),
    FieldType.MONEY: st.decimals(places=2, allow_nan=False, allow_infinity=False).map(str),
    FieldType.DATE: st.dates().map(lambda d: d.isoformat()),
    FieldType.DATETIME: st.datetimes().map(lambda d: d.isoformat()),
    FieldType.BOOLEAN: st.sampled_from(["true", "false"]),
    FieldType.LIST: st.just("[1, 2.5]"),
    FieldType.OBJECT: st.just('{"a": "b"}'),
}
names = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def fields(draw: st.DrawFn) -> TemplateField:
    kind = draw(st.sampled_from(list(FieldType)))
    return TemplateField(
        name=draw(names),
        type=kind,
        example=draw(EXAMPLES[kind]),
        required=draw(st.booleans()),
        description=draw(st.text(max_size=10)),
    )


@st.composite
def templates(draw: st.DrawFn) -> MessageTemplate:
    declared = draw(st.lists(fields(), max_size=4, unique_by=lambda f: f.name))
    common = {
        "organisation_id": draw(st.text(min_size=1, max_size=8)),
        "key": draw(st.from_regex(r"[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}", fullmatch=True)),
        "language": draw(st.sampled_from(["sl", "en"])),
        "fields": tuple(declared),
        "version": draw(st.integers(min_value=0, max_value=10**6)),
        "description": draw(st.text(max_size=10)),
    }
    body = st.text(min_size=1, max_size=30).filter(str.strip)
    if draw(st.booleans()):
        return MessageTemplate(channel=Channel.SMS, sms_text=draw(body), **common)
    return MessageTemplate(
        channel=Channel.EMAIL,
        subject=draw(body),
        html_body=draw(body),
        text_body=draw(st.text(max_size=20)),
        **common,
    )


@given(templates())
def test_message_templates_round_trip(template: MessageTemplate) -> None:
    data = serialization.unstructure(template)
    assert serialization.structure(data, MessageTemplate) == template
