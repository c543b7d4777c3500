"""Composer: a stored template version, rendered and queued in the caller's unit of work."""

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest

from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemoryStore
from szo_core.delivery.sms import LetterPolicy
from szo_core.errors import NotFound, ValidationError
from szo_core.model import BankAccount, Organisation
from szo_core.outbox import Dispatcher, OutboxState
from szo_core.outbox.compose import Composer
from szo_core.templates.errors import UndefinedPlaceholder
from szo_core.templates.messages import save_template
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)

EMAIL = MessageTemplate(
    organisation_id="vrtec",
    key="invoice.email",
    channel=Channel.EMAIL,
    subject="Račun za {{ mesec }}",
    html_body="<p>Znesek: <b>{{ znesek|money }}</b>, rok {{ rok|date('text') }}.</p>",
    fields=(
        TemplateField(name="mesec", type=FieldType.TEXT, example="september"),
        TemplateField(name="znesek", type=FieldType.MONEY, example="120.50"),
        TemplateField(name="rok", type=FieldType.DATE, example="2026-10-18"),
    ),
)
SMS = MessageTemplate(
    organisation_id="vrtec",
    key="invoice.sms",
    channel=Channel.SMS,
    sms_text="Račun za ((mesec)) je ((znesek)). Hvala, vaš vrtec.",
    fields=(
        TemplateField(name="mesec", type=FieldType.TEXT, example="september"),
        TemplateField(name="znesek", type=FieldType.MONEY, example="120.50"),
    ),
)
VALUES = {"mesec": "september", "znesek": Decimal("96.3"), "rok": date(2026, 10, 18)}


def _store(*templates: MessageTemplate) -> MemoryStore:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        for template in templates:
            save_template(uow, template)
        uow.commit()
    return store


def test_email_records_the_version_that_rendered_it_and_is_sent_once() -> None:
    store = _store(EMAIL, attrs.evolve(EMAIL, subject="Vaš račun za {{ mesec }}"))
    composer = Composer()
    with store.unit_of_work() as uow:
        queued = composer.email(
            uow, "vrtec", event="invoice:2026-09:17", template="invoice.email",
            to=" Ana.Novak@Example.si", values=VALUES, sender="racuni@vrtec.si", now=NOW,
        )  # fmt: skip
        again = composer.email(
            uow, "vrtec", event="invoice:2026-09:17", template="invoice.email",
            to="Ana.Novak@example.si", values=VALUES, sender="racuni@vrtec.si", now=NOW,
        )  # fmt: skip
        uow.commit()
    assert again.id == queued.id
    assert queued.template_version == 2
    assert queued.email is not None
    assert queued.email.subject == "Vaš račun za september"
    assert "96,30" in queued.email.text
    assert "18. oktobra 2026" in queued.email.text
    assert queued.email.html is not None
    assert "<b>96,30" in queued.email.html
    mail = MemoryMailSender()
    report = Dispatcher(store, clock=ManualClock(NOW), mail=mail).run_once()
    assert report.sent == 1
    assert len(mail.sent) == 1
    with store.unit_of_work() as uow:
        assert uow.outbox.get("vrtec", queued.id).state is OutboxState.SENT


def test_a_rollback_drops_the_message() -> None:
    store = _store(EMAIL)
    with store.unit_of_work() as uow:
        Composer().email(
            uow, "vrtec", event="e", template="invoice.email", to="ana@example.si",
            values=VALUES, sender="racuni@vrtec.si", now=NOW,
        )  # fmt: skip
        uow.rollback()
    with store.unit_of_work() as uow:
        assert uow.outbox.for_organisation("vrtec") == ()


@pytest.mark.parametrize(
    ("letters", "expected"),
    # GSM-7 has no no-break space: transliterating makes it a space
    [
        (LetterPolicy.KEEP, "Račun za september je 96,30\xa0€. Hvala, vaš vrtec."),
        (LetterPolicy.TRANSLITERATE, "Racun za september je 96,30 €. Hvala, vas vrtec."),
    ],
)
def test_sms_uses_the_organisations_letter_setting(letters: LetterPolicy, expected: str) -> None:
    store = _store(SMS)
    with store.unit_of_work() as uow:
        uow.organisations.add(
            Organisation(
                id="vrtec",
                name="Vrtec Sonček",
                tax_number="12345679",
                registration_number="5012341",
                accounts=(BankAccount(iban="SI56012616030012373", bic="BSLJSI2X", bank="UJP"),),
                sms_letters=letters,
            )
        )
        queued = Composer().sms(
            uow, "vrtec", event="invoice:17", template="invoice.sms", to="041 123 456",
            values=VALUES, now=NOW,
        )  # fmt: skip
        uow.commit()
    assert queued.sms is not None
    assert queued.sms.text == expected
    assert queued.sms.to == "+38641123456"
    assert queued.key.recipient == "+38641123456"


def test_errors_name_the_recipient_and_the_placeholder() -> None:
    store = _store(EMAIL, SMS)
    composer = Composer()
    with store.unit_of_work() as uow:
        with pytest.raises(ValidationError) as bad:
            composer.sms(
                uow, "vrtec", event="e", template="invoice.sms", to="01 234 56 78",
                values=VALUES, now=NOW,
            )  # fmt: skip
        assert bad.value.where == "to"
        assert "234" not in str(bad.value)
        with pytest.raises(UndefinedPlaceholder) as missing:
            composer.email(
                uow, "vrtec", event="e", template="invoice.email", to="ana@example.si",
                values={"mesec": "september"}, sender="racuni@vrtec.si", now=NOW,
            )  # fmt: skip
        assert "znesek" in str(missing.value) or "rok" in str(missing.value)
        with pytest.raises(NotFound):
            composer.email(
                uow, "vrtec", event="e", template="nope", to="ana@example.si",
                values=VALUES, sender="racuni@vrtec.si", now=NOW,
            )  # fmt: skip
        assert uow.outbox.for_organisation("vrtec") == ()


def test_compiled_versions_are_cached_and_a_new_version_is_used() -> None:
    store = _store(SMS)
    composer = Composer(max_cached=1)
    with store.unit_of_work() as uow:
        first = composer.sms(
            uow, "vrtec", event="a", template="invoice.sms", to="041123456",
            values=VALUES, now=NOW, policy=LetterPolicy.KEEP,
        )  # fmt: skip
        save_template(uow, attrs.evolve(SMS, sms_text="Nov račun: ((znesek))."))
        second = composer.sms(
            uow, "vrtec", event="b", template="invoice.sms", to="041123456",
            values=VALUES, now=NOW, policy=LetterPolicy.KEEP,
        )  # fmt: skip
        uow.commit()
    assert (first.template_version, second.template_version) == (1, 2)
    assert second.sms is not None
    assert second.sms.text == "Nov račun: 96,30\xa0€."
    assert repr(composer) == "Composer(cached=1)"


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"reply_to": "ni-naslov"}, "reply_to"),
        ({"sender_name": "Vrtec\r\nBcc: x@example.si"}, "EmailMessage.sender_name"),
        ({"cc": ["ana@example.si", "b@@example.si"]}, "cc[1]"),
    ],
)
def test_bad_headers_are_refused_before_anything_is_queued(
    changes: dict[str, object], where: str
) -> None:
    store = _store(EMAIL)
    with store.unit_of_work() as uow:
        with pytest.raises(ValidationError) as bad:
            Composer().email(
                uow, "vrtec", event="e", template="invoice.email", to="ana@example.si",
                values=VALUES, sender="racuni@vrtec.si", now=NOW, **changes,  # type: ignore[arg-type]
            )  # fmt: skip
        assert bad.value.where == where
        assert uow.outbox.for_organisation("vrtec") == ()
