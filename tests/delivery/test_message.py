"""The delivery message types and the in-memory fakes of the delivery ports."""

from datetime import UTC, datetime, timedelta

import pytest

from szo_core.adapters.clock import SystemClock
from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemorySmsSender
from szo_core.delivery.message import (
    Attachment,
    DeliveryStatus,
    EmailMessage,
    SendResult,
    SmsMessage,
)
from szo_core.errors import ConfigurationError
from szo_core.ports import Clock, MailSender, SmsSender


def _mail(to: str = "ana.novak@example.si") -> EmailMessage:
    return EmailMessage(sender="vrtec@example.si", to=to, subject="Račun", text="Besedilo")


def test_repr_masks_addresses_and_numbers() -> None:
    mail = _mail()
    assert "ana.novak" not in repr(mail)
    assert mail.to == ("ana.novak@example.si",)
    sms = SmsMessage(to="+38641123456", text="č" * 71)
    assert "41123" not in repr(sms)
    assert sms.parts == 2
    assert "data" not in repr(Attachment("a.pdf", b"secret"))


def test_memory_mail_sender_keeps_and_scripts() -> None:
    sender: MailSender = MemoryMailSender()
    assert isinstance(sender, MemoryMailSender)
    sender.fail_next(
        SendResult(DeliveryStatus.PERMANENT, code="smtp.550"),
        SendResult(DeliveryStatus.TEMPORARY, code="smtp.451"),
    )
    results = sender.send([_mail("a@example.si"), _mail("b@example.si"), _mail("c@example.si")])
    assert [r.status for r in results] == [
        DeliveryStatus.PERMANENT,
        DeliveryStatus.TEMPORARY,
        DeliveryStatus.SENT,
    ]
    assert [m.to for m in sender.sent] == [("c@example.si",)]
    assert results[2].message_id is not None


def test_memory_sms_sender_uses_reference() -> None:
    sender: SmsSender = MemorySmsSender()
    result = sender.send([SmsMessage(to="+38641123456", text="OK", reference="ob-7")])
    assert result[0].ok
    assert result[0].message_id == "ob-7"


def test_clocks() -> None:
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    clock: Clock = ManualClock(start)
    assert isinstance(clock, ManualClock)
    assert clock.advance(timedelta(hours=2)) == start + timedelta(hours=2)
    assert clock.now() == start + timedelta(hours=2)
    with pytest.raises(ConfigurationError, match="aware"):
        ManualClock(datetime(2026, 1, 1))
    assert SystemClock().now().tzinfo is UTC
