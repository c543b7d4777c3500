"""Invoice documents built from a real billing run of the sample kindergarten."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from szo_core.adapters.memory_billing import MemoryBillingStore
from szo_core.billing import ZeroInvoices
from szo_core.billing.folder import FolderResult, bill_to_folder
from szo_core.billing.payable import payable_invoices
from szo_core.calendar import Month
from szo_core.demo import run as demo
from szo_core.demo.sample import SampleKindergarten, generate
from szo_core.fees import FeeLine, LineKind, PayerKind
from szo_core.invoices import DebitPayment, DocumentType, SlipPayment, default_vat
from szo_core.invoices.build import build_documents, describe_line, month_name
from szo_core.model import OrganisationKind, PaymentKind
from szo_core.payments import instructions as pay
from szo_core.ports import MonthData


@attrs.frozen
class Billed:
    sample: SampleKindergarten
    store: MemoryBillingStore
    first: FolderResult
    second: FolderResult
    data: MonthData


@pytest.fixture(scope="module")
def billed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Billed]:
    out: Path = tmp_path_factory.mktemp("billed")
    sample = generate(first_month=demo.DEFAULT_FIRST_MONTH, children=60, seed=demo.DEFAULT_SEED)
    store = MemoryBillingStore()
    demo._store_records(store, sample)
    first_month, second_month = sample.months
    kwargs = {"close": True, "rules": sample.rules, "zero_invoices": ZeroInvoices.UNNUMBERED}
    first = bill_to_folder(
        store,
        sample.kindergarten.id,
        first_month,
        out,
        issued_on=demo._issue_date(sample.rules.calendar, first_month),
        **kwargs,  # type: ignore[arg-type]
    )
    demo._supersede(store, sample)
    second = bill_to_folder(
        store,
        sample.kindergarten.id,
        second_month,
        out,
        issued_on=demo._issue_date(sample.rules.calendar, second_month),
        **kwargs,  # type: ignore[arg-type]
    )
    with store.unit_of_work() as uow:
        data = uow.load_month(sample.kindergarten.id, second_month)
    return Billed(sample, store, first, second, data)


def test_every_parents_document_becomes_one_invoice_document(billed: Billed) -> None:
    for done in (billed.first, billed.second):
        expected = [
            d
            for d in done.result.documents
            if d.payer is PayerKind.PARENTS and d.number is not None
        ]
        assert [d.number for d in done.documents] == [d.number for d in expected]
        for doc, invoice in zip(done.documents, expected, strict=True):
            assert doc.total == invoice.amount
            assert len(doc.lines) == len(invoice.lines)
            assert doc.type is (
                DocumentType.CREDIT_NOTE if invoice.is_credit_note else DocumentType.INVOICE
            )
            assert doc.seller.name == billed.sample.kindergarten.name
            assert doc.seller.iban == demo.organisation(billed.sample.kindergarten).account.iban


def test_share_lines_say_days_share_and_decision(billed: Billed) -> None:
    decisions = {d.id: d.number for cm in billed.data.children.values() for d in cm.decisions}
    statements = {s.child_code: s for s in billed.second.result.statements}
    checked = 0
    for doc in billed.second.documents:
        assert doc.child_code is not None
        shares = [
            f
            for f in statements[doc.child_code].lines
            if f.payer is PayerKind.PARENTS and f.kind is LineKind.SHARE
        ]
        for line in doc.lines:
            if line.kind != "share":
                continue
            fee = next(f for f in shares if f.amount == line.amount and f.start == line.start)
            assert line.days == fee.days
            assert f"{fee.days} od {fee.days_in_month} delovnih dni" in line.detail.sl
            assert f"{fee.days} of {fee.days_in_month} working days" in line.detail.en
            assert line.description.sl.endswith(month_name(billed.second.result.run.month))
            if fee.decision_id:
                assert line.decision_number == decisions[fee.decision_id]
                assert f"po odločbi {line.decision_number}" in line.detail.sl
                checked += 1
    assert checked > 10


def test_corrections_name_the_month_they_correct(billed: Billed) -> None:
    corrections = [
        (doc, line)
        for doc in billed.second.documents
        for line in doc.lines
        if line.kind == "correction"
    ]
    assert corrections
    first_month = billed.first.result.run.month
    for _doc, line in corrections:
        assert line.corrects == first_month
        assert line.description.sl == f"Poračun za {month_name(first_month)}"
        assert "obračunano" in line.detail.sl
        assert "pravilno" in line.detail.sl
    credit = [d for d in billed.second.documents if d.is_credit_note]
    assert credit
    for doc in credit:
        assert doc.payment is None
        assert doc.due_on is None
        assert doc.corrects
        assert all(c.number is not None for c in doc.corrects)
        assert all(c.issued_on == billed.first.issued_on for c in doc.corrects)


def test_payments_follow_the_instructions(billed: Billed) -> None:
    done = billed.second
    by_number = {d.number: d for d in done.documents}
    for instruction in done.instructions.instructions:
        doc = by_number[instruction.invoice_numbers[0]]
        if instruction.method is PaymentKind.UPN:
            assert isinstance(doc.payment, SlipPayment)
            assert doc.payment.amount == instruction.amount
            assert doc.payment.order.recipient_reference == instruction.reference
            assert doc.due_on == done.due_on
        else:
            assert isinstance(doc.payment, DebitPayment)
            assert doc.payment.debit_date == done.due_on
            assert instruction.mandate is not None
            assert doc.payment.mandate_reference == instruction.mandate.reference


def test_delivery_and_copy_come_from_the_child(billed: Billed) -> None:
    children = {cm.child.code: cm.child for cm in billed.data.children.values()}
    kinds = set()
    for doc in billed.second.documents:
        assert doc.child_code is not None
        child = children[doc.child_code]
        if not child.is_payment_group_member:
            assert doc.delivery == child.delivery
        assert doc.copy_email == child.contact_email
        kinds.add(doc.delivery.kind)
    assert len(kinds) == 3  # the sample has all three channels


def test_a_merged_group_gets_one_slip_on_its_last_invoice(billed: Billed) -> None:
    # Two of the run's slip invoices of one payer merged by hand into one group.
    done = billed.second
    payable = [
        p
        for p in payable_invoices(done.result.documents, billed.data)
        if p.method is PaymentKind.UPN
    ]
    a, b = payable[0], attrs.evolve(payable[1], payer_id=payable[0].payer_id)
    grouped = [attrs.evolve(a, group_id="G1"), attrs.evolve(b, group_id="G1")]
    built = pay.build_instructions(grouped, period=done.result.run.month)
    [instruction] = built.instructions
    organisation = demo.organisation(billed.sample.kindergarten)
    docs = {
        d.number: d
        for d in build_documents(done.result, billed.data, organisation, built, due_on=done.due_on)
    }
    carrier_number = max(a.number, b.number)
    other_number = min(a.number, b.number)
    carrier, other = docs[carrier_number], docs[other_number]
    assert isinstance(carrier.payment, SlipPayment)
    assert carrier.payment.amount == a.amount + b.amount == instruction.amount
    assert carrier.payment.invoice_numbers == instruction.invoice_numbers
    assert carrier.paid_with is None
    assert other.payment is None
    assert other.paid_with == carrier_number
    assert other.total == (a.amount if other_number == a.number else b.amount)


def test_vat_follows_the_organisation_kind(billed: Billed) -> None:
    organisation = attrs.evolve(
        demo.organisation(billed.sample.kindergarten), kind=OrganisationKind.CARE_HOME
    )
    done = billed.second
    docs = build_documents(
        done.result, billed.data, organisation, done.instructions, due_on=done.due_on
    )
    assert {d.vat for d in docs} == {default_vat(OrganisationKind.CARE_HOME)}
    assert docs[0].vat.reason_code == "VATEX-EU-132-1G"
    assert {d.vat.reason_code for d in done.documents} == {"VATEX-EU-132-1I"}


@pytest.mark.parametrize(
    ("kind", "fields", "sl", "en"),
    [
        (
            LineKind.FOOD,
            {"food_days": 3, "food_per_day": Decimal("3.30"), "coefficient": Decimal("-0.43")},
            "3 dnevi × 3,30\xa0€ na dan; 43 %",
            "3 days × €3.30 a day; 43 %",
        ),
        (LineKind.RESERVATION, {"days": 21}, "21 dni", "21 days"),
        (LineKind.RESERVATION, {"days": 1}, "1 dan", "1 day"),
        (LineKind.RESERVATION, {"days": 2}, "2 dneva", "2 days"),
        (
            LineKind.SHARE,
            {"days": 4, "per_day": True, "price": Decimal("12.50")},
            "4 × 12,50\xa0€ na dan",
            "4 × €12.50 a day",
        ),
        (LineKind.SIBLING, {"coefficient": Decimal("-1")}, "", ""),
    ],
)
def test_line_details(kind: LineKind, fields: dict[str, object], sl: str, en: str) -> None:
    line = FeeLine(
        payer=PayerKind.PARENTS,
        payer_id="1",
        kind=kind,
        start=date(2026, 9, 1),
        end=date(2026, 9, 30),
        **fields,  # type: ignore[arg-type]
    )
    name, detail = describe_line(line, Month(2026, 9))
    assert (detail.sl, detail.en) == (sl, en)
    assert name.sl.endswith("september 2026")
    assert name.en.endswith("September 2026")
