"""Reminders (opomini): first, second, default interest, the list for enforcement.

Slovenian practice: after the due date a written reminder, then a second one,
then enforcement (izvršba) on an authentic document (verodostojna listina).
This module plans and sends them; nothing here reads the clock (``as_of`` and
``now`` come in).

* :func:`default_interest`: the statutory default interest (zakonske zamudne
  obresti) on an open amount from the day after the due date to ``as_of``,
  simple interest over the **dated rates** you give (:class:`InterestRate`;
  the Ministry of Finance publishes the rate every half year, so it is a
  parameter, not a constant here), rounded half-up to cents at the end, with
  the unrounded value and every period kept (:class:`Interest`);
* :func:`plan_reminders`: which open invoices get a first reminder (past due by
  :attr:`ReminderPolicy.first_after_days`), a second (that many days after the
  first), and which go on the **enforcement list** (still open that many days
  after the second); each invoice on its own, as the ledger books them;
* :func:`send_reminders`: one message per payer and level, rendered from the
  organisation's ``reminder.email`` or ``reminder.sms`` template (Slovenian
  and English defaults are installed when missing) and stored in the outbox
  by the payer's channel (:class:`PayerContact`), or listed for print; the
  :class:`~szo_core.receivables.records.Reminder` records are stored in the
  same unit of work, so a second run sends nothing twice.

>>> from datetime import date
>>> from decimal import Decimal
>>> rates = (InterestRate(valid_from=date(2026, 1, 1), percent=Decimal("10.15")),)
>>> default_interest(Decimal("100.00"), due_on=date(2026, 10, 18), as_of=date(2026, 11, 17),
...                  rates=rates).amount
Decimal('0.83')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import attrs
import pendulum

from szo_core.errors import ConfigurationError
from szo_core.model import DeliveryKind
from szo_core.ports import MonthData, Storage, UnitOfWork
from szo_core.receivables.ledger import open_amounts, payer_id_of
from szo_core.receivables.records import LedgerItem, Posting, Reminder
from szo_core.templates.model import Channel, FieldType, MessageTemplate, TemplateField

__all__ = [
    "REMINDER_EMAIL",
    "REMINDER_SMS",
    "Interest",
    "InterestPeriod",
    "InterestRate",
    "Notice",
    "PayerContact",
    "ReminderChannel",
    "ReminderPlan",
    "ReminderPolicy",
    "SendReport",
    "contacts_from",
    "default_interest",
    "default_templates",
    "plan_reminders",
    "send_reminders",
]

REMINDER_EMAIL = "reminder.email"
"""Key of the e-mail reminder template."""
REMINDER_SMS = "reminder.sms"
"""Key of the SMS reminder template."""

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")


# --------------------------------------------------------------------------- interest


@attrs.frozen(kw_only=True)
class InterestRate:
    """The annual default-interest rate in force from a day on.

    Attributes:
        valid_from: The first day it applies.
        percent: The annual rate in percent (``Decimal("10.15")``).
    """

    valid_from: date
    percent: Decimal = attrs.field(validator=attrs.validators.instance_of(Decimal))


@attrs.frozen(kw_only=True)
class InterestPeriod:
    """One stretch of days under one rate (an audit line).

    Attributes:
        first: The first day (inclusive).
        last: The last day (inclusive).
        days: How many days.
        percent: The rate.
        unrounded: ``amount × percent / 100 × days / day_count``, not rounded.
    """

    first: date
    last: date
    days: int
    percent: Decimal
    unrounded: Decimal


@attrs.frozen(kw_only=True)
class Interest:
    """Default interest to a day: the rounded amount, the unrounded one and the periods."""

    amount: Decimal
    unrounded: Decimal
    periods: tuple[InterestPeriod, ...] = ()


def _no_rate(where: str) -> ConfigurationError:
    return ConfigurationError(
        "receivables.interest_rate",
        sl="Za obdobje zamude ni podane obrestne mere zamudnih obresti.",
        en="No default-interest rate is given for the period of the delay.",
        where=where,
    )


def default_interest(
    amount: Decimal,
    *,
    due_on: date,
    as_of: date,
    rates: Sequence[InterestRate],
    day_count: int = 365,
) -> Interest:
    """Simple default interest on ``amount`` from the day after ``due_on`` through ``as_of``.

    Each day earns ``percent / 100 / day_count`` of the amount at the rate in
    force that day; the sum is rounded half-up to cents once, at the end.

    Args:
        amount: The open amount (Decimal).
        due_on: The due date (no interest on it).
        as_of: The last day counted (inclusive).
        rates: The dated rates, any order; one must be in force on the first late day.
        day_count: Days of the year in the formula (365).

    Raises:
        szo_core.errors.ConfigurationError: ``receivables.interest_rate`` when
            no rate covers the first late day.

    See the module example: 100.00 × 10.15 % × 30 / 365 = 0.834… → 0.83.
    """
    first = due_on + timedelta(days=1)
    if amount <= 0 or as_of < first:
        return Interest(amount=_ZERO, unrounded=Decimal(0))
    ordered = sorted(rates, key=lambda r: r.valid_from)
    if not ordered or ordered[0].valid_from > first:
        raise _no_rate(f"{first.isoformat()}")
    periods: list[InterestPeriod] = []
    for index, rate in enumerate(ordered):
        end = (
            ordered[index + 1].valid_from - timedelta(days=1) if index + 1 < len(ordered) else as_of
        )
        start = max(first, rate.valid_from)
        end = min(end, as_of)
        if end < start:
            continue
        days = (
            pendulum.Date(end.year, end.month, end.day)
            .diff(pendulum.Date(start.year, start.month, start.day))
            .in_days()
            + 1
        )
        part = amount * rate.percent / Decimal(100) * Decimal(days) / Decimal(day_count)
        periods.append(
            InterestPeriod(first=start, last=end, days=days, percent=rate.percent, unrounded=part)
        )
    unrounded = sum((p.unrounded for p in periods), Decimal(0))
    return Interest(
        amount=unrounded.quantize(_CENT, rounding=ROUND_HALF_UP),
        unrounded=unrounded,
        periods=tuple(periods),
    )


# --------------------------------------------------------------------------- the plan


@attrs.frozen(kw_only=True)
class ReminderPolicy:
    """When reminders go out.

    Attributes:
        first_after_days: Days past the due date before the first reminder.
        second_after_days: Days after the first reminder before the second.
        enforcement_after_days: Days after the second before the enforcement list.
        minimum: Open amounts below this are not reminded of.
    """

    first_after_days: int = 8
    second_after_days: int = 15
    enforcement_after_days: int = 8
    minimum: Decimal = Decimal("1.00")


@attrs.frozen(kw_only=True)
class Notice:
    """One open invoice in a reminder run.

    Attributes:
        document: The invoice.
        payer_id: The payer.
        level: 1 (first reminder), 2 (second) or 3 (enforcement list).
        due_on: Its due date.
        open_amount: What is open.
        days_late: Days past the due date on ``as_of``.
        interest: Default interest to ``as_of``.
        reference: The reference to pay with (the invoice's own).
    """

    document: str
    payer_id: str
    level: int
    due_on: date
    open_amount: Decimal
    days_late: int
    interest: Interest
    reference: str | None = None


@attrs.frozen(kw_only=True)
class ReminderPlan:
    """The notices of a run, by level."""

    as_of: date
    first: tuple[Notice, ...] = ()
    second: tuple[Notice, ...] = ()
    enforcement: tuple[Notice, ...] = ()


def plan_reminders(
    items: Iterable[LedgerItem],
    postings: Iterable[Posting],
    reminders: Iterable[Reminder],
    *,
    as_of: date,
    rates: Sequence[InterestRate],
    policy: ReminderPolicy | None = None,
) -> ReminderPlan:
    """Plan the reminder run of ``as_of`` (pure; see the module docs).

    An invoice with something open (at least ``policy.minimum``) past its due
    date by ``first_after_days`` gets a first reminder; one whose first
    reminder is ``second_after_days`` old gets the second; one whose second is
    ``enforcement_after_days`` old goes on the enforcement list.  Credit notes
    and a payer's unapplied credit are not reminded of.
    """
    rules = policy or ReminderPolicy()
    listed = list(items)
    opened = open_amounts(listed, postings).documents
    sent: dict[tuple[str, int], date] = {(r.document, r.level): r.sent_on for r in reminders}
    out: dict[int, list[Notice]] = {1: [], 2: [], 3: []}
    for item in sorted(listed, key=lambda i: (i.payer_id, i.due_on, i.document)):
        open_now = opened.get(item.document, _ZERO)
        if not item.is_debit or open_now < rules.minimum or open_now <= 0:
            continue
        late = (as_of - item.due_on).days
        first = sent.get((item.document, 1))
        second = sent.get((item.document, 2))
        if first is None:
            level = 1 if late >= rules.first_after_days else 0
        elif second is None:
            level = 2 if (as_of - first).days >= rules.second_after_days else 0
        else:
            level = 3 if (as_of - second).days >= rules.enforcement_after_days else 0
        if level == 0:
            continue
        interest = default_interest(open_now, due_on=item.due_on, as_of=as_of, rates=rates)
        out[level].append(
            Notice(
                document=item.document,
                payer_id=item.payer_id,
                level=level,
                due_on=item.due_on,
                open_amount=open_now,
                days_late=late,
                interest=interest,
                reference=item.reference or item.group_reference,
            )
        )
    return ReminderPlan(
        as_of=as_of, first=tuple(out[1]), second=tuple(out[2]), enforcement=tuple(out[3])
    )


# --------------------------------------------------------------------------- contacts


class ReminderChannel(enum.StrEnum):
    """How a reminder reaches a payer."""

    EMAIL = "email"
    SMS = "sms"
    PRINT = "print"


@attrs.frozen(kw_only=True)
class PayerContact:
    """Where a payer's reminders go.

    Attributes:
        channel: E-mail, SMS or print.
        email: The address (for e-mail).
        phone: The number (for SMS).
        language: ``"sl"`` or ``"en"``.
    """

    channel: ReminderChannel = ReminderChannel.PRINT
    email: str = attrs.field(default="", repr=False)
    phone: str = attrs.field(default="", repr=False)
    language: str = "sl"


def contacts_from(data: MonthData) -> dict[str, PayerContact]:
    """Each payer's contact from the month's records, by the payer's own choice.

    A payer who takes invoices as PDF by e-mail gets reminders by e-mail (to
    the delivery address, else the guardian's); otherwise a guardian with a
    phone number gets an SMS, one with only an e-mail address an e-mail; the
    rest are printed.
    """
    out: dict[str, PayerContact] = {}
    for child_month in data.children.values():
        child = child_month.child
        payer = payer_id_of(child.code, data)
        if payer in out:
            continue
        guardian = None
        if payer.startswith("guardian:"):
            guardian = data.guardians.get(payer.removeprefix("guardian:"))
        email = guardian.email if guardian is not None else ""
        phone = guardian.phone if guardian is not None else ""
        if child.delivery.kind is DeliveryKind.EMAIL_PDF and (child.delivery.email or email):
            out[payer] = PayerContact(
                channel=ReminderChannel.EMAIL, email=child.delivery.email or email, phone=phone
            )
        elif phone:
            out[payer] = PayerContact(channel=ReminderChannel.SMS, email=email, phone=phone)
        elif email:
            out[payer] = PayerContact(channel=ReminderChannel.EMAIL, email=email)
        else:
            out[payer] = PayerContact()
    return out


# --------------------------------------------------------------------------- templates

_FIELDS = (
    TemplateField(name="organizacija", type=FieldType.TEXT, example="Vrtec Čebelica"),
    TemplateField(name="drugi", type=FieldType.BOOLEAN, example="false"),
    TemplateField(name="racuni", type=FieldType.TEXT, example="2026-000001"),
    TemplateField(name="znesek", type=FieldType.MONEY, example="189.20"),
    TemplateField(name="obresti", type=FieldType.MONEY, example="1.20"),
    TemplateField(name="sklic", type=FieldType.TEXT, example="SI12 0010160000017"),
    TemplateField(name="dan", type=FieldType.TEXT, example="17. 11. 2026"),
)

_TEMPLATES = (
    MessageTemplate(
        organisation_id="-",
        key=REMINDER_EMAIL,
        channel=Channel.EMAIL,
        language="sl",
        subject="{% if drugi %}Drugi opomin{% else %}Opomin{% endif %}: račun {{ racuni }}",
        html_body=(
            "<p>Spoštovani,</p><p>po naših evidencah na dan {{ dan }} račun <b>{{ racuni }}</b> "
            "ni plačan. Odprti znesek je <b>{{ znesek|money }}</b>, zakonske zamudne obresti "
            "do tega dne znašajo {{ obresti|money }}. Prosimo, plačajte s sklicem {{ sklic }}."
            "{% if drugi %} To je drugi opomin; če računa ne poravnate, bomo predlagali "
            "izvršbo.{% endif %}</p><p>Če ste račun že plačali, opomin prezrite.</p>"
            "<p>Lep pozdrav,<br>{{ organizacija }}</p>"
        ),
        fields=_FIELDS,
    ),
    MessageTemplate(
        organisation_id="-",
        key=REMINDER_EMAIL,
        channel=Channel.EMAIL,
        language="en",
        subject="{% if drugi %}Second reminder{% else %}Reminder{% endif %}: invoice {{ racuni }}",
        html_body=(
            "<p>Dear parent,</p><p>according to our records invoice <b>{{ racuni }}</b> was "
            "not paid by {{ dan }}. <b>{{ znesek|money }}</b> is open; the statutory default "
            "interest to that day is {{ obresti|money }}. Please pay with reference {{ sklic }}."
            "{% if drugi %} This is the second reminder; if the invoice is not paid we will "
            "apply for enforcement.{% endif %}</p><p>If you have paid already, please ignore "
            "this reminder.</p><p>Kind regards,<br>{{ organizacija }}</p>"
        ),
        fields=_FIELDS,
    ),
    MessageTemplate(
        organisation_id="-",
        key=REMINDER_SMS,
        channel=Channel.SMS,
        language="sl",
        sms_text="((organizacija)): račun ((racuni)) ni plačan, odprto ((znesek)), "
        "sklic ((sklic)).",
        fields=_FIELDS,
    ),
    MessageTemplate(
        organisation_id="-",
        key=REMINDER_SMS,
        channel=Channel.SMS,
        language="en",
        sms_text="((organizacija)): invoice ((racuni)) is unpaid, ((znesek)) open, "
        "reference ((sklic)).",
        fields=_FIELDS,
    ),
)


def default_templates(organisation_id: str) -> tuple[MessageTemplate, ...]:
    """The default reminder templates (e-mail and SMS, Slovenian and English).

    >>> [(t.key, t.language) for t in default_templates("vrtec")][:2]
    [('reminder.email', 'sl'), ('reminder.email', 'en')]
    """
    return tuple(attrs.evolve(t, organisation_id=organisation_id) for t in _TEMPLATES)


def _install(uow: UnitOfWork, organisation_id: str) -> None:
    from szo_core.templates.messages import save_template

    for template in default_templates(organisation_id):
        if uow.templates.latest(organisation_id, template.key, template.language) is None:
            save_template(uow, template)


# --------------------------------------------------------------------------- sending


@attrs.frozen(kw_only=True)
class SendReport:
    """What a reminder run did.

    Attributes:
        emailed: Documents reminded of by e-mail (queued in the outbox).
        texted: Documents reminded of by SMS (queued).
        to_print: Notices to print and post (no e-mail or phone, or a bad one).
        already: Documents whose reminder of that level was made before.
        enforcement: The enforcement list (after the second reminder).
    """

    emailed: tuple[str, ...] = ()
    texted: tuple[str, ...] = ()
    to_print: tuple[Notice, ...] = ()
    already: tuple[str, ...] = ()
    enforcement: tuple[Notice, ...] = ()


def send_reminders(
    store: Storage,
    organisation_id: str,
    plan: ReminderPlan,
    *,
    contacts: Mapping[str, PayerContact],
    organisation_name: str,
    sender: str,
    now: datetime,
) -> SendReport:
    """Send the first and second reminders of ``plan`` through the outbox, in one unit of work.

    Each notice gets its own message (an invoice is booked on its own), keyed
    ``reminder:<level>:<document>`` in the outbox, and a
    :class:`~szo_core.receivables.records.Reminder` record; a notice whose
    reminder of that level exists already is skipped.  Printed reminders are
    recorded as sent too (the caller prints :attr:`SendReport.to_print`).

    Args:
        store: The storage.
        organisation_id: The organisation.
        plan: From :func:`plan_reminders`.
        contacts: Payer id → contact (:func:`contacts_from`); a payer not in it is printed.
        organisation_name: The name in the message.
        sender: The e-mail sender address.
        now: The time of the run (aware).
    """
    from szo_core.errors import ValidationError
    from szo_core.outbox.compose import Composer
    from szo_core.templates.formatting import format_date

    emailed: list[str] = []
    texted: list[str] = []
    to_print: list[Notice] = []
    already: list[str] = []
    composer = Composer()
    with store.unit_of_work() as uow:
        _install(uow, organisation_id)
        repo = uow.receivables
        for notice in (*plan.first, *plan.second):
            record = Reminder(
                organisation_id=organisation_id,
                document=notice.document,
                level=notice.level,
                payer_id=notice.payer_id,
                sent_on=plan.as_of,
                open_amount=notice.open_amount,
                interest=notice.interest.amount,
            )
            if not repo.add_reminder(record):
                already.append(notice.document)
                continue
            contact = contacts.get(notice.payer_id, PayerContact())
            values = {
                "organizacija": organisation_name,
                "drugi": notice.level == 2,
                "racuni": notice.document,
                "znesek": notice.open_amount,
                "obresti": notice.interest.amount,
                "sklic": notice.reference or "",
                "dan": format_date(plan.as_of, "long", contact.language),
            }
            event = f"reminder:{notice.level}:{notice.document}"
            try:
                if contact.channel is ReminderChannel.EMAIL and contact.email:
                    composer.email(
                        uow,
                        organisation_id,
                        event=event,
                        template=REMINDER_EMAIL,
                        to=contact.email,
                        values=values,
                        sender=sender,
                        sender_name=organisation_name,
                        now=now,
                        language=contact.language,
                    )
                    emailed.append(notice.document)
                    continue
                if contact.channel is ReminderChannel.SMS and contact.phone:
                    composer.sms(
                        uow,
                        organisation_id,
                        event=event,
                        template=REMINDER_SMS,
                        to=contact.phone,
                        values=values,
                        now=now,
                        language=contact.language,
                    )
                    texted.append(notice.document)
                    continue
            except ValidationError:
                pass  # a bad address or number: printed instead (never echoed)
            to_print.append(notice)
        uow.commit()
    return SendReport(
        emailed=tuple(emailed),
        texted=tuple(texted),
        to_print=tuple(to_print),
        already=tuple(already),
        enforcement=plan.enforcement,
    )
