"""Synthetic outbox messages for the outbox tests."""

from __future__ import annotations

from datetime import UTC, datetime

from szo_core.delivery.message import Attachment, EmailMessage, SmsMessage
from szo_core.outbox import Channel, IdempotencyKey, OutboxMessage, new_message

ORG = "vrtec"
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


def email(n: int, *, at: datetime = T0, org: str = ORG) -> OutboxMessage:
    address = f"starsi{n}@example.si"
    return new_message(
        org,
        IdempotencyKey(f"invoice:2026-09:{n}", address, Channel.EMAIL),
        EmailMessage(
            sender="racuni@vrtec.si",
            to=address,
            subject=f"Račun {n}",
            text="V prilogi je račun.",
            attachments=(Attachment(f"račun-{n}.pdf", b"%PDF-1.4 synthetic", "application/pdf"),),
        ),
        now=at,
    )


def sms(n: int, *, at: datetime = T0, org: str = ORG) -> OutboxMessage:
    number = f"+3864112{n:04d}"
    return new_message(
        org,
        IdempotencyKey(f"booking:{n}", number, Channel.SMS),
        SmsMessage(to=number, text="Termin je potrjen."),
        now=at,
    )
