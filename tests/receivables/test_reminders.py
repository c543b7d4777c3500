"""Reminders: default interest by hand, the plan's levels, sending by channel through the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from szo_core.adapters.memory import MemoryStore
from szo_core.calendar import Month
from szo_core.demo.run import _store_records
from szo_core.demo.sample import ORGANISATION_ID, generate
from szo_core.errors import ConfigurationError
from szo_core.outbox import Channel
from szo_core.receivables import LedgerItem, Posting, PostingKind, Reminder
from szo_core.receivables.reminders import (
    InterestRate,
    PayerContact,
    ReminderChannel,
    ReminderPolicy,
    contacts_from,
    default_interest,
    plan_reminders,
    send_reminders,
)

ORG = "vrtec"
RATES = (
    InterestRate(valid_from=date(2026, 7, 1), percent=Decimal("10.15")),
    InterestRate(valid_from=date(2026, 1, 1), percent=Decimal("11.15")),
)
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def inv(n: int, amount: str, due: date, payer: str = "guardian:g1", **kw: object) -> LedgerItem:
    return LedgerItem(
        organisation_id=ORG,
        document=f"2026-{n:06d}",
        payer_id=payer,
        amount=Decimal(amount),
        issued_on=date(2026, 10, 5),
        due_on=due,
        reference=kw.pop("reference", f"SI12000{n}"),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def paid(document: str, amount: str) -> Posting:
    return Posting(
        organisation_id=ORG,
        id=f"E-{document}",
        payer_id="guardian:g1",
        document=document,
        kind=PostingKind.PAYMENT,
        amount=Decimal(amount),
        booked_on=date(2026, 10, 20),
        entry_id=f"E-{document}",
    )


# --------------------------------------------------------------------------- interest


def test_interest_across_a_rate_change_by_hand() -> None:
    # late from 26 June: 5 days at 11.15 %, then 1-10 July, 10 days at 10.15 %
    got = default_interest(
        Decimal("200.00"), due_on=date(2026, 6, 25), as_of=date(2026, 7, 10), rates=RATES
    )
    assert [(p.first, p.last, p.days, p.percent) for p in got.periods] == [
        (date(2026, 6, 26), date(2026, 6, 30), 5, Decimal("11.15")),
        (date(2026, 7, 1), date(2026, 7, 10), 10, Decimal("10.15")),
    ]
    # 200 × 0.1115 × 5/365 = 0.305479…, 200 × 0.1015 × 10/365 = 0.556164…
    assert got.unrounded.quantize(Decimal("0.000001")) == Decimal("0.861644")
    assert got.amount == Decimal("0.86")


def test_no_interest_before_the_first_late_day_and_no_rate_is_an_error() -> None:
    assert default_interest(
        Decimal("50.00"), due_on=date(2026, 10, 18), as_of=date(2026, 10, 18), rates=RATES
    ).amount == Decimal("0.00")
    with pytest.raises(ConfigurationError) as caught:
        default_interest(
            Decimal("50.00"), due_on=date(2025, 12, 1), as_of=date(2026, 1, 5), rates=RATES
        )
    assert caught.value.code == "receivables.interest_rate"


# --------------------------------------------------------------------------- plan


def test_plan_levels_follow_the_policy() -> None:
    due = date(2026, 10, 18)
    items = [
        inv(1, "100.00", due),  # open
        inv(2, "80.00", due),  # partly paid: 30.00 open
        inv(3, "50.00", due),  # paid
        inv(4, "0.50", due),  # below the minimum
        inv(5, "-20.00", due, kind="credit_note", reference=None),
        inv(6, "60.00", date(2026, 10, 20)),  # only 6 days late on the 26th
    ]
    postings = [paid("2026-000002", "-50.00"), paid("2026-000003", "-50.00")]
    plan = plan_reminders(items, postings, [], as_of=date(2026, 10, 26), rates=RATES)
    assert [(n.document, n.open_amount, n.days_late) for n in plan.first] == [
        ("2026-000001", Decimal("100.00"), 8),
        ("2026-000002", Decimal("30.00"), 8),
    ]
    assert plan.second == plan.enforcement == ()
    assert plan.first[0].interest.amount == Decimal("0.22")  # 100 × 10.15 % × 8/365 = 0.2224…
    sent = [
        Reminder(
            organisation_id=ORG,
            document="2026-000001",
            level=1,
            payer_id="guardian:g1",
            sent_on=date(2026, 10, 26),
            open_amount=Decimal("100.00"),
            interest=Decimal("0.22"),
        ),
    ]
    later = plan_reminders(items, postings, sent, as_of=date(2026, 11, 10), rates=RATES)
    assert [n.document for n in later.second] == ["2026-000001"]  # 15 days after the first
    assert [n.document for n in later.first] == ["2026-000002", "2026-000006"]
    not_yet = plan_reminders(items, postings, sent, as_of=date(2026, 11, 9), rates=RATES)
    assert not_yet.second == ()
    sent.append(
        Reminder(
            organisation_id=ORG,
            document="2026-000001",
            level=2,
            payer_id="guardian:g1",
            sent_on=date(2026, 11, 10),
            open_amount=Decimal("100.00"),
            interest=Decimal("0.64"),
        )
    )
    enforce = plan_reminders(items, postings, sent, as_of=date(2026, 11, 18), rates=RATES)
    assert [(n.document, n.level) for n in enforce.enforcement] == [("2026-000001", 3)]
    custom = plan_reminders(
        items,
        postings,
        [],
        as_of=date(2026, 10, 26),
        rates=RATES,
        policy=ReminderPolicy(first_after_days=30),
    )
    assert custom.first == ()


# --------------------------------------------------------------------------- sending


def test_reminders_go_by_channel_through_the_outbox_once() -> None:
    store = MemoryStore()
    due = date(2026, 10, 18)
    items = [
        inv(1, "100.00", due, payer="p-mail"),
        inv(2, "40.00", due, payer="p-sms"),
        inv(3, "30.00", due, payer="p-print"),
        inv(4, "20.00", due, payer="p-bad"),
    ]
    contacts = {
        "p-mail": PayerContact(channel=ReminderChannel.EMAIL, email="ana.novak@example.si"),
        "p-sms": PayerContact(channel=ReminderChannel.SMS, phone="041 123 456", language="en"),
        "p-bad": PayerContact(channel=ReminderChannel.EMAIL, email="not an address"),
    }
    plan = plan_reminders(items, [], [], as_of=date(2026, 11, 2), rates=RATES)
    report = send_reminders(
        store,
        ORG,
        plan,
        contacts=contacts,
        organisation_name="Vrtec Čebelica",
        sender="racuni@vrtec.si",
        now=NOW,
    )
    assert report.emailed == ("2026-000001",)
    assert report.texted == ("2026-000002",)
    assert sorted(n.document for n in report.to_print) == ["2026-000003", "2026-000004"]
    with store.unit_of_work() as uow:
        messages = uow.outbox.for_organisation(ORG)
        reminders = uow.receivables.reminders(ORG)
    assert len(messages) == 2
    email = next(m for m in messages if m.channel is Channel.EMAIL)
    assert email.message.subject == "Opomin: račun 2026-000001"  # type: ignore[union-attr]
    assert "100,00" in email.message.text  # type: ignore[union-attr]
    assert email.template_key == "reminder.email"
    sms = next(m for m in messages if m.channel is Channel.SMS)
    assert "invoice 2026-000002 is unpaid" in sms.message.text  # type: ignore[union-attr]
    assert [(r.document, r.level) for r in reminders] == [
        (f"2026-00000{n}", 1) for n in range(1, 5)
    ]
    # the same run again sends nothing
    again = send_reminders(
        store,
        ORG,
        plan,
        contacts=contacts,
        organisation_name="Vrtec Čebelica",
        sender="racuni@vrtec.si",
        now=NOW,
    )
    assert sorted(again.already) == [f"2026-00000{n}" for n in range(1, 5)]
    assert again.emailed == again.texted == ()
    with store.unit_of_work() as uow:
        assert len(uow.outbox.for_organisation(ORG)) == 2
        recorded = uow.receivables.reminders(ORG)
    # the second reminder 15 days later says so
    second = plan_reminders(items, [], recorded, as_of=date(2026, 11, 17), rates=RATES)
    done = send_reminders(
        store,
        ORG,
        second,
        contacts=contacts,
        organisation_name="Vrtec Čebelica",
        sender="racuni@vrtec.si",
        now=NOW,
    )
    assert done.emailed == ("2026-000001",)
    with store.unit_of_work() as uow:
        subjects = sorted(
            m.message.subject  # type: ignore[union-attr]
            for m in uow.outbox.for_organisation(ORG)
            if m.channel is Channel.EMAIL
        )
    assert subjects == ["Drugi opomin: račun 2026-000001", "Opomin: račun 2026-000001"]
    assert all("ana.novak" not in repr(c) for c in contacts.values())


def test_contacts_follow_the_payers_choice() -> None:
    sample = generate(children=20, seed=5)
    store = MemoryStore()
    _store_records(store, sample)
    with store.unit_of_work() as uow:
        data = uow.load_month(ORGANISATION_ID, Month(2026, 9))
    contacts = contacts_from(data)
    assert contacts
    for child_month in data.children.values():
        child = child_month.child
        if child.delivery.kind.value == "email_pdf":
            found = [c for c in contacts.values() if c.email == child.delivery.email]
            assert found
            assert all(c.channel is ReminderChannel.EMAIL for c in found)
    assert {c.channel for c in contacts.values()} <= set(ReminderChannel)
