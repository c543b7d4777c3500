"""Message templates: the record, saving (validation, versions) and e-mail / SMS rendering."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import attrs
import pytest

from szo_core.adapters.memory import MemoryStore
from szo_core.delivery.sms import LetterPolicy, SmsEncoding
from szo_core.errors import ConfigurationError, InvalidFormat, InvalidType, NotFound, StorageError
from szo_core.templates.errors import TemplateInvalid, UndefinedPlaceholder
from szo_core.templates.messages import compile_message, save_template, validate
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField

LINES = '[{"opis": "Vrtec", "znesek": 98.40}, {"opis": "Prehrana", "znesek": -4.80}]'
FIELDS = (
    TemplateField(name="placnik", type=FieldType.TEXT, example="Ana Novak"),
    TemplateField(name="znesek", type=FieldType.MONEY, example="93.60"),
    TemplateField(name="rok", type=FieldType.DATE, example="2026-03-04"),
    TemplateField(name="vrstice", type=FieldType.LIST, example=LINES),
    TemplateField(name="opomba", type=FieldType.TEXT, example="Hvala.", required=False),
)


def email(**changes: object) -> MessageTemplate:
    base = MessageTemplate(
        organisation_id="vrtec",
        key="invoice.email",
        channel=Channel.EMAIL,
        subject="Račun za {{ placnik }}\n– {{ znesek|money }}",
        html_body=(
            "<p>Spoštovani {{ placnik }},</p><ul>{% for v in vrstice %}"
            "<li>{{ v.opis }}: {{ v.znesek|money }}</li>{% endfor %}</ul>"
            "<p>Plačajte <b>{{ znesek|money }}</b> do {{ rok|date('text') }}.</p>"
            "{% if opomba is defined %}<p>{{ opomba }}</p>{% endif %}"
        ),
        fields=FIELDS,
    )
    return attrs.evolve(base, **changes)  # type: ignore[arg-type]


def sms(text: str = "Račun ((znesek)) do ((rok)).((opomba?? Glej e-pošto.))") -> MessageTemplate:
    return MessageTemplate(
        organisation_id="vrtec",
        key="invoice.sms",
        channel=Channel.SMS,
        sms_text=text,
        fields=FIELDS,
    )


VALUES = {
    "placnik": "Ana <Novak>",
    "znesek": Decimal("93.6"),
    "rok": date(2026, 3, 4),
    "vrstice": [{"opis": "Vrtec", "znesek": Decimal("98.40")}],
}


def test_a_good_template_has_no_problems() -> None:
    assert validate(email()) == ()
    assert validate(sms()) == ()


def test_every_problem_is_reported_with_its_part_and_place() -> None:
    bad = email(
        subject="Račun {{ stevilka }}",
        html_body="<p>{{ placnik }}</p>\n<p>{% for v in vrstice %}{{ v.opis }}</p>",
        text_body="{{ ime }} in {{ priimek }}",
    )
    problems = validate(bad)
    assert [(p.part, p.code, p.where) for p in problems] == [
        ("subject", "templates.undeclared", "stevilka"),
        ("html_body", "templates.syntax", "line 2"),
        ("text_body", "templates.undeclared", "ime"),
        ("text_body", "templates.undeclared", "priimek"),
    ]


def test_the_trial_render_uses_the_examples_and_omits_the_optional_fields() -> None:
    # The optional field used without a guard fails only in the render without it.
    unguarded = email(html_body="<p>{{ opomba }}</p>")
    problems = validate(unguarded)
    assert [(p.part, p.code, p.where) for p in problems] == [
        ("html_body", "templates.undefined", "opomba")
    ]
    # A filter that cannot take the example's type.
    wrong = email(html_body="<p>{{ placnik|money }}</p>")
    assert [p.part for p in validate(wrong)] == ["html_body"]


def test_html_the_sanitiser_would_remove_is_a_problem() -> None:
    bad = email(html_body='<p style="color:red" onclick="x()">{{ placnik }}</p><img src="x">')
    assert [(p.code, p.where) for p in validate(bad)] == [
        ("templates.html_removed", "<p style>"),
        ("templates.html_removed", "<p onclick>"),
        ("templates.html_removed", "<img>"),
        ("templates.html_removed", "<img src>"),
    ]


def test_sms_problems_come_from_the_plain_parser() -> None:
    assert [(p.code, p.where) for p in validate(sms("Zdravo ((ime))"))] == [
        ("templates.undeclared", "ime")
    ]
    assert [(p.code, p.where) for p in validate(sms("a\n((znesek)"))] == [
        ("templates.syntax", "line 2")
    ]


def test_saving_gives_versions_and_keeps_the_old_ones() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        first = save_template(uow, email())
        uow.commit()
    with store.unit_of_work() as uow:
        second = save_template(uow, email(subject="Nov račun"))
        uow.commit()
    assert (first.version, second.version) == (1, 2)
    with store.unit_of_work() as uow:
        assert uow.templates.get("vrtec", "invoice.email", "sl") == second
        assert uow.templates.get("vrtec", "invoice.email", "sl", 1) == first
        assert uow.templates.versions("vrtec", "invoice.email", "sl") == (first, second)
        assert uow.templates.latest("vrtec", "invoice.email", "en") is None
        with pytest.raises(NotFound):
            uow.templates.get("vrtec", "invoice.email", "sl", 3)


def test_a_failed_save_stores_nothing_and_lists_every_problem() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        with pytest.raises(TemplateInvalid) as caught:
            save_template(uow, email(subject="{{ a }}", text_body="{{ b }}"))
        uow.commit()
    error = caught.value
    assert error.code == "templates.invalid"
    assert [p.where for p in error.problems] == ["a", "b"]
    assert error.where == "subject a; text_body b"
    assert "2" in error.sl
    assert "2" in error.en
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == error.problems
    with store.unit_of_work() as uow:
        assert uow.templates.for_organisation("vrtec") == ()


def test_a_new_version_keeps_the_channel() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        save_template(uow, sms())
        uow.commit()
    with store.unit_of_work() as uow, pytest.raises(TemplateInvalid) as caught:
        save_template(uow, email(key="invoice.sms"))
    assert [p.code for p in caught.value.problems] == ["templates.channel_changed"]


def test_the_repository_refuses_unsaved_and_duplicate_versions() -> None:
    with MemoryStore().unit_of_work() as uow:
        with pytest.raises(ConfigurationError):
            uow.templates.add(email())
        uow.templates.add(email(version=1))
        with pytest.raises(StorageError) as caught:
            uow.templates.add(email(version=1, subject="Drug"))
        assert caught.value.code == "storage.duplicate"


def test_email_rendering_subject_html_and_derived_text() -> None:
    done = compile_message(email(version=4)).render_email(VALUES)
    assert done.subject == "Račun za Ana <Novak> – 93,60\xa0€"
    assert "Ana &lt;Novak&gt;" in done.html
    assert done.text == (
        "Spoštovani Ana <Novak>,\n\n- Vrtec: 98,40\xa0€\n\nPlačajte 93,60\xa0€ do 4. marca 2026."
    )
    assert (done.template_key, done.template_version) == ("invoice.email", 4)


def test_a_given_text_body_is_used_instead_of_the_derived_one() -> None:
    done = compile_message(email(text_body="\n{{ placnik }}: {{ znesek|money }}\n")).render_email(
        VALUES
    )
    assert done.text == "Ana <Novak>: 93,60\xa0€"


def test_the_output_html_is_sanitised_even_if_the_template_was_not_checked() -> None:
    raw = email(html_body='<p onclick="x()">{{ placnik }}</p><script>alert(1)</script>')
    done = compile_message(raw).render_email(VALUES)
    assert done.html == "<p>Ana &lt;Novak&gt;</p>"


def test_rendering_checks_required_fields_and_types() -> None:
    message = compile_message(email())
    with pytest.raises(UndefinedPlaceholder) as missing:
        message.render_email({k: v for k, v in VALUES.items() if k != "rok"})
    assert missing.value.where == "rok"
    with pytest.raises(InvalidType) as wrong:
        message.render_email({**VALUES, "znesek": 93.6})
    assert wrong.value.where == "znesek"
    with pytest.raises(ConfigurationError):
        message.render_sms(VALUES)


def test_sms_rendering_with_the_letter_policy_and_its_cost() -> None:
    message = compile_message(attrs.evolve(sms(), version=2))
    kept = message.render_sms({**VALUES, "opomba": "x"})
    assert kept.text == "Račun 93,60\xa0€ do 4. marca 2026. Glej e-pošto."
    assert kept.cost.encoding is SmsEncoding.UCS2
    plain = message.render_sms(VALUES, policy=LetterPolicy.TRANSLITERATE)
    assert plain.text == "Racun 93,60 € do 4. marca 2026."
    assert plain.cost.encoding is SmsEncoding.GSM7
    assert plain.cost.parts == 1
    assert (plain.template_key, plain.template_version) == ("invoice.sms", 2)
    with pytest.raises(ConfigurationError):
        message.render_email(VALUES)


def test_english_templates_format_in_english() -> None:
    done = compile_message(attrs.evolve(sms("Pay ((znesek)) by ((rok))."), language="en"))
    assert done.render_sms(VALUES).text == "Pay €93.60 by March 4, 2026."


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"key": "Invoice Email"}, "key"),
        ({"html_body": ""}, "html_body"),
        ({"sms_text": "x"}, "sms_text"),
        ({"language": "de"}, "language"),
        ({"version": -1}, "version"),
        ({"organisation_id": ""}, "organisation_id"),
    ],
)
def test_the_record_refuses_a_bad_shape(changes: dict[str, object], where: str) -> None:
    with pytest.raises(InvalidFormat) as caught:
        email(**changes)
    assert caught.value.where == where


def test_fields_check_their_names_examples_and_uniqueness() -> None:
    with pytest.raises(InvalidFormat):
        TemplateField(name="1x", type=FieldType.TEXT)
    for kind, example in [
        (FieldType.MONEY, "1,50"),
        (FieldType.INTEGER, "1.5"),
        (FieldType.DATE, "2026-13-01"),
        (FieldType.BOOLEAN, "yes"),
        (FieldType.LIST, '{"a": 1}'),
        (FieldType.OBJECT, "[1]"),
    ]:
        with pytest.raises(InvalidFormat) as caught:
            TemplateField(name="f", type=kind, example=example)
        assert caught.value.where == "f"
        assert example not in str(caught.value)
    same = TemplateField(name="x", type=FieldType.TEXT)
    with pytest.raises(InvalidFormat) as duplicate:
        email(fields=(same, same))
    assert duplicate.value.code == "templates.field_duplicate"
    assert TemplateField(name="v", type=FieldType.LIST, example=LINES).example_value() == [
        {"opis": "Vrtec", "znesek": Decimal("98.40")},
        {"opis": "Prehrana", "znesek": Decimal("-4.80")},
    ]


def test_placeholders_come_from_the_sandbox_parse_tree() -> None:
    from szo_core.templates.errors import TemplateSecurityError
    from szo_core.templates.render import Renderer

    source = (
        "{% set total = a %}{% for x in items %}{{ x.b }}{{ loop.index }}{% endfor %}"
        "{% macro m(arg) %}{{ arg }}{{ c }}{% endmacro %}{{ m(1) }}{{ total }}{{ range(2)|list }}"
    )
    assert Renderer().placeholders(source) == frozenset({"a", "items", "c"})
    with pytest.raises(TemplateSecurityError):
        Renderer().placeholders("{% include 'x' %}")


def test_html_in_a_subject_is_a_problem() -> None:
    problems = validate(email(subject="Račun <b>{{ placnik }}</b>"))
    assert [(p.part, p.code) for p in problems] == [("subject", "templates.subject_html")]
    assert validate(email(subject="Račun za {{ placnik }} (< 5 dni)")) == ()


def test_rendered_messages_do_not_show_their_texts_in_repr() -> None:
    done = compile_message(email(version=2)).render_email(VALUES)
    shown = repr(done)
    assert "Ana" not in shown
    assert "invoice.email" in shown
    text = compile_message(attrs.evolve(sms(), version=1)).render_sms(VALUES)
    assert "93,60" not in repr(text)


def test_parts_that_compile_are_trial_rendered_even_when_another_part_is_broken() -> None:
    bad = email(subject="{% if %}", html_body="<p>{{ placnik }}</p><img src='x'>")
    assert [(p.part, p.code, p.where) for p in validate(bad)] == [
        ("subject", "templates.syntax", "line 1"),
        ("html_body", "templates.html_removed", "<img>"),
        ("html_body", "templates.html_removed", "<img src>"),
    ]
    money_on_text = email(html_body="<p>{{ placnik|money }}</p>", text_body="{{ x }}")
    assert [(p.part, p.code) for p in validate(money_on_text)] == [
        ("text_body", "templates.undeclared"),
        ("html_body", "money.format"),
    ]
