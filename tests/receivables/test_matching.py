"""Matching: reference, end-to-end id, amount+IBAN suggestions; splits, credits, reversals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szo_core.adapters.memory import MemoryStore
from szo_core.errors import ConfigurationError, InvalidFormat, NotFound
from szo_core.model import Address, PaymentKind
from szo_core.payments.instructions import DebitMandate, PayableInvoice
from szo_core.payments.statements import BankEntry, DebitReject, EntryKind
from szo_core.receivables import (
    Ledger,
    LedgerItem,
    MandateFlag,
    MatchPolicy,
    PostingKind,
    ReceiptStatus,
    SplitOrder,
    allocate,
    balance,
    confirm_receipt,
    import_bank_file,
    open_amounts,
    slip_fallback,
)
from szo_core.testing.bank import Credit, Reject, Return, camt053, pain002

ORG = "vrtec"
IBAN = "SI56020100012345641"
OTHER_IBAN = "SI56192001234567892"
ACCOUNT = "SI56011006000000120"
DAY = date(2026, 10, 20)
GROUP = "RF77F7202609"


def inv(
    n: int, amount: str, *, due: int = 18, payer: str = "guardian:g1", **kw: object
) -> LedgerItem:
    return LedgerItem(
        organisation_id=ORG,
        document=f"2026-{n:06d}",
        payer_id=payer,
        amount=Decimal(amount),
        issued_on=date(2026, 10, 5),
        due_on=date(2026, 10, due),
        **kw,  # type: ignore[arg-type]
    )


def credit(amount: str, n: int = 1, **kw: object) -> BankEntry:
    return BankEntry(
        entry_id=f"E{n}",
        file_kind="camt.053.001.02",
        statement_id="S",
        account_iban=ACCOUNT,
        kind=kw.pop("kind", EntryKind.CREDIT),  # type: ignore[arg-type]
        amount=Decimal(amount),
        booking_date=DAY,
        value_date=DAY,
        **kw,  # type: ignore[arg-type]
    )


def group_items() -> list[LedgerItem]:
    return [
        inv(1, "60.00", due=18, group_reference=GROUP),
        inv(2, "50.00", due=16, group_reference=GROUP),
        inv(3, "40.00", due=17, group_reference=GROUP),
    ]


def test_reference_pays_the_invoice_in_full() -> None:
    ledger = Ledger(ORG, [inv(1, "107.55", reference="SI120000055526098")], [])
    found = ledger.match(credit("107.55", reference="SI120000055526098"))
    assert found.receipt.status is ReceiptStatus.MATCHED
    assert found.receipt.how == "reference"
    assert [(p.document, p.amount, p.kind) for p in found.postings] == [
        ("2026-000001", Decimal("-107.55"), PostingKind.PAYMENT)
    ]
    assert ledger.open["2026-000001"] == 0
    assert ledger.balance("guardian:g1") == 0


def test_merged_group_is_split_oldest_first_and_underpayment_leaves_the_rest() -> None:
    ledger = Ledger(ORG, group_items(), [])
    found = ledger.match(credit("100.00", reference=GROUP))
    # by due date: 2 (16th), 3 (17th), 1 (18th)
    assert [(p.document, p.amount) for p in found.postings] == [
        ("2026-000002", Decimal("-50.00")),
        ("2026-000003", Decimal("-40.00")),
        ("2026-000001", Decimal("-10.00")),
    ]
    assert ledger.open["2026-000001"] == Decimal("50.00")
    assert ledger.balance("guardian:g1") == Decimal("50.00")


def test_split_order_is_configurable() -> None:
    newest = Ledger(ORG, group_items(), [], policy=MatchPolicy(order=SplitOrder.NEWEST_FIRST))
    assert [p.document for p in newest.match(credit("70.00", reference=GROUP)).postings] == [
        "2026-000001",
        "2026-000003",
    ]
    biggest = Ledger(
        ORG,
        group_items(),
        [],
        policy=MatchPolicy(order=lambda i: -i.amount),  # largest first
    )
    assert [p.amount for p in biggest.match(credit("70.00", reference=GROUP)).postings] == [
        Decimal("-60.00"),
        Decimal("-10.00"),
    ]


def test_overpayment_stays_as_a_credit_on_the_payer() -> None:
    ledger = Ledger(ORG, group_items(), [])
    found = ledger.match(credit("200.00", reference=GROUP))
    assert found.postings[-1].document is None
    assert found.postings[-1].amount == Decimal("-50.00")
    assert ledger.credit["guardian:g1"] == Decimal("-50.00")
    assert ledger.balance("guardian:g1") == Decimal("-50.00")
    # a second payment of a closed invoice is all credit
    again = ledger.match(credit("150.00", 2, reference=GROUP))
    assert [(p.document, p.amount) for p in again.postings] == [(None, Decimal("-150.00"))]


def test_end_to_end_id_when_there_is_no_reference() -> None:
    ledger = Ledger(ORG, [inv(1, "80.00", end_to_end_id="2026-000001")], [])
    found = ledger.match(credit("80.00", end_to_end_id="2026-000001", reference="SI990000000000"))
    assert (found.receipt.status, found.receipt.how) == (ReceiptStatus.MATCHED, "end_to_end")
    assert ledger.open["2026-000001"] == 0


def test_amount_and_iban_give_a_suggestion_only() -> None:
    ledger = Ledger(ORG, [inv(1, "80.00", payer_iban=IBAN), inv(2, "30.00", payer_iban=IBAN)], [])
    found = ledger.match(credit("30.00", payer_iban=IBAN))
    assert found.receipt.status is ReceiptStatus.SUGGESTED
    assert found.receipt.documents == ("2026-000002",)
    assert found.postings == ()
    assert ledger.balance("guardian:g1") == Decimal("110.00")
    # the sum of the payer's open items is suggested too
    assert ledger.match(credit("110.00", 2, payer_iban=IBAN)).receipt.documents == (
        "2026-000001",
        "2026-000002",
    )
    # another IBAN, or an amount that fits nothing: unmatched
    assert ledger.match(credit("30.00", 3, payer_iban=OTHER_IBAN)).receipt.status is (
        ReceiptStatus.UNMATCHED
    )
    assert ledger.match(credit("31.00", 4, payer_iban=IBAN)).receipt.status is (
        ReceiptStatus.UNMATCHED
    )
    # without suggestions
    plain = Ledger(ORG, [inv(1, "80.00", payer_iban=IBAN)], [], policy=MatchPolicy(suggest=False))
    assert plain.match(credit("80.00", payer_iban=IBAN)).receipt.status is ReceiptStatus.UNMATCHED


def test_iban_is_learned_from_a_matched_payment() -> None:
    ledger = Ledger(ORG, [inv(1, "80.00", reference="SI120000055526098"), inv(2, "25.00")], [])
    ledger.match(credit("80.00", reference="SI120000055526098", payer_iban=OTHER_IBAN))
    assert ledger.match(credit("25.00", 2, payer_iban=OTHER_IBAN)).receipt.documents == (
        "2026-000002",
    )


def test_confirming_a_suggestion_posts_it_and_bad_confirmations_are_refused() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.receivables.add_items([inv(1, "80.00", payer_iban=IBAN), inv(2, "30.00", payer="p2")])
        uow.commit()
    data = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("80.00"), iban=IBAN, name="Ana")])
    report = import_bank_file(store, ORG, data)
    (suggested,) = report.to_confirm
    with pytest.raises(ConfigurationError) as caught:
        confirm_receipt(store, ORG, suggested.entry_id, ["2026-000001", "2026-000002"])
    assert caught.value.code == "receivables.confirm"
    with pytest.raises(NotFound):
        confirm_receipt(store, ORG, "nope")
    done = confirm_receipt(store, ORG, suggested.entry_id)
    assert (done.status, done.how, done.documents) == (
        ReceiptStatus.MATCHED,
        "confirmed",
        ("2026-000001",),
    )
    assert done.payer_name == "Ana"
    with pytest.raises(ConfigurationError):
        confirm_receipt(store, ORG, suggested.entry_id)  # already matched
    with store.unit_of_work() as uow:
        assert balance(uow.receivables.items(ORG), uow.receivables.postings(ORG)) == Decimal(
            "30.00"
        )
        assert uow.receivables.receipts(ORG, status=ReceiptStatus.SUGGESTED) == ()


def test_unmatched_entries_are_listed_never_dropped() -> None:
    store = MemoryStore()
    data = camt053(
        ACCOUNT,
        DAY,
        [
            Credit(amount=Decimal("12.00"), name="Neznan Plačnik", text="za vrtec"),
            Credit(amount=Decimal("3.00"), reference="SI120000055526098"),
        ],
    )
    report = import_bank_file(store, ORG, data)
    assert report.unmatched == 2
    assert [r.amount for r in report.to_check] == [Decimal("12.00"), Decimal("3.00")]
    with store.unit_of_work() as uow:
        assert len(uow.receivables.receipts(ORG, status=ReceiptStatus.UNMATCHED)) == 2


def test_a_bad_file_imports_nothing() -> None:
    store = MemoryStore()
    data = camt053(ACCOUNT, DAY, [Credit(amount=Decimal("1.00"))] * 2)
    bad = data.replace(b"<CdtDbtInd>CRDT</CdtDbtInd>", b"<CdtDbtInd>X</CdtDbtInd>", 1)
    with pytest.raises(InvalidFormat):
        import_bank_file(store, ORG, bad, name="izpisek.xml")
    with store.unit_of_work() as uow:
        assert uow.receivables.receipts(ORG) == ()


def test_return_reopens_and_flags_the_mandate_for_ac04_only() -> None:
    ledger = Ledger(ORG, [inv(1, "80.00", end_to_end_id="2026-000001", mandate_id="M-1")], [])
    ledger.match(credit("80.00", end_to_end_id="2026-000001"))
    assert ledger.open["2026-000001"] == 0
    returned = ledger.match(
        credit("80.00", 2, kind=EntryKind.RETURN, end_to_end_id="2026-000001", reason="AC04")
    )
    assert returned.receipt.status is ReceiptStatus.RETURNED
    assert [(p.kind, p.amount, p.reason) for p in returned.postings] == [
        (PostingKind.RETURN, Decimal("80.00"), "AC04")
    ]
    assert ledger.open["2026-000001"] == Decimal("80.00")
    assert returned.flag is not None
    assert (returned.flag.mandate_id, returned.flag.reason) == ("M-1", "AC04")
    # a second return of the same debit has nothing to undo
    again = ledger.match(
        credit("80.00", 3, kind=EntryKind.RETURN, end_to_end_id="2026-000001", reason="AC04")
    )
    assert again.receipt.status is ReceiptStatus.UNMATCHED
    assert ledger.open["2026-000001"] == Decimal("80.00")


def test_am04_return_does_not_flag_and_partial_return_reopens_part() -> None:
    ledger = Ledger(ORG, [inv(1, "80.00", end_to_end_id="X1")], [])
    ledger.match(credit("80.00", end_to_end_id="X1"))
    found = ledger.match(
        credit("30.00", 2, kind=EntryKind.RETURN, end_to_end_id="X1", reason="MD06")
    )
    assert found.flag is None
    assert ledger.open["2026-000001"] == Decimal("30.00")


def test_reject_before_settlement_records_the_reason_and_keeps_the_item_open() -> None:
    ledger = Ledger(ORG, group_items(), [])
    for item in group_items():
        ledger.items[item.document] = item
    ledger = Ledger(
        ORG,
        [inv(1, "60.00", end_to_end_id="F7-202609"), inv(2, "40.00", end_to_end_id="F7-202609")],
        [],
    )
    reject = DebitReject(
        entry_id="R1",
        report_id="STS",
        original_message_id="M",
        end_to_end_id="F7-202609",
        reason="MD01",
        report_date=date(2026, 10, 16),
    )
    found = ledger.match(reject)
    assert found.receipt.status is ReceiptStatus.REJECTED
    assert [(p.document, p.amount, p.reason) for p in found.postings] == [
        ("2026-000001", Decimal("0.00"), "MD01"),
        ("2026-000002", Decimal("0.00"), "MD01"),
    ]
    assert found.flag is not None
    assert ledger.balance("guardian:g1") == Decimal("100.00")
    unknown = ledger.match(
        DebitReject(
            entry_id="R2",
            report_id="S",
            original_message_id="M",
            end_to_end_id="??",
            reason="AC04",
            report_date=DAY,
        )
    )
    assert unknown.receipt.status is ReceiptStatus.UNMATCHED


def test_a_float_amount_is_refused() -> None:
    import attrs

    from szo_core.errors import InvalidType

    ledger = Ledger(ORG, [inv(1, "80.00", reference="SI120000055526098")], [])
    entry = attrs.evolve(credit("80.00", reference="SI120000055526098"), amount=80.0)
    with pytest.raises(InvalidType) as caught:
        ledger.match(entry)
    assert caught.value.code == "receivables.money"
    assert ledger.open["2026-000001"] == Decimal("80.00")


def test_other_debits_are_not_payments() -> None:
    ledger = Ledger(ORG, [], [])
    assert ledger.match(credit("2.10", kind=EntryKind.DEBIT)).receipt.status is (
        ReceiptStatus.NOT_A_PAYMENT
    )


def test_flagged_payer_falls_back_to_a_slip_unless_the_mandate_is_new() -> None:
    mandate = DebitMandate(
        reference="M-1", signed_on=date(2025, 8, 1), debtor_name="Ana", iban=IBAN
    )
    new = DebitMandate(reference="M-2", signed_on=date(2026, 11, 1), debtor_name="Ana", iban=IBAN)

    def payable(m: DebitMandate) -> PayableInvoice:
        return PayableInvoice(
            number="2026-000009",
            period=(2026, 11),
            child_code=1,
            payer_id="guardian:g1",
            payer_name="Ana",
            payer_address=Address(),
            amount=Decimal("90.00"),
            method=PaymentKind.DIRECT_DEBIT,
            mandate=m,
        )

    flag = MandateFlag(
        organisation_id=ORG,
        entry_id="R",
        payer_id="guardian:g1",
        mandate_id="M-1",
        reason="AC04",
        flagged_on=DAY,
    )
    (fallen,) = slip_fallback([payable(mandate)], [flag])
    assert (fallen.method, fallen.mandate) == (PaymentKind.UPN, None)
    (kept,) = slip_fallback([payable(new)], [flag])
    assert kept.method is PaymentKind.DIRECT_DEBIT
    (unflagged,) = slip_fallback([payable(mandate)], [])
    assert unflagged.method is PaymentKind.DIRECT_DEBIT


def test_reimport_through_files_changes_nothing_returns_and_rejects_included() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.receivables.add_items(
            [inv(1, "80.00", end_to_end_id="D1"), inv(2, "20.00", end_to_end_id="D2")]
        )
        uow.commit()
    files = [
        camt053(
            ACCOUNT, DAY, [Credit(amount=Decimal("80.00"), end_to_end_id="D1", mandate_id="M")]
        ),
        camt053(
            ACCOUNT,
            date(2026, 10, 23),
            [Return(amount=Decimal("80.00"), end_to_end_id="D1", reason="AM04")],
        ),
        pain002("MSG", DAY, [Reject(end_to_end_id="D2", reason="AC04")]),
    ]
    for data in files:
        import_bank_file(store, ORG, data)
    with store.unit_of_work() as uow:
        state = (
            uow.receivables.postings(ORG),
            uow.receivables.receipts(ORG),
            uow.receivables.mandate_flags(ORG),
        )
    for data in files:
        assert import_bank_file(store, ORG, data).duplicates == 1
    with store.unit_of_work() as uow:
        assert state == (
            uow.receivables.postings(ORG),
            uow.receivables.receipts(ORG),
            uow.receivables.mandate_flags(ORG),
        )
        assert balance(uow.receivables.items(ORG), uow.receivables.postings(ORG)) == Decimal(
            "100.00"
        )


# --------------------------------------------------------------------------- properties

cents = st.integers(min_value=1, max_value=100_000).map(lambda c: Decimal(c).scaleb(-2))


@given(cents, st.lists(st.integers(min_value=-5_000, max_value=50_000), max_size=8))
def test_a_split_sums_to_the_cent_and_never_exceeds_what_is_open(
    amount: Decimal, opens_cents: list[int]
) -> None:
    opens = [(f"d{n}", Decimal(c).scaleb(-2)) for n, c in enumerate(opens_cents)]
    parts = allocate(amount, opens)
    assert sum((p for _d, p in parts), Decimal("0.00")) == amount
    assert all(p > 0 for _d, p in parts)
    limit = dict(opens)
    assert all(p <= limit[d] for d, p in parts if d is not None)
    assert sum(1 for d, _p in parts if d is None) <= 1


payments = st.lists(
    st.tuples(cents, st.sampled_from(["ref", "group", "e2e", "iban", "none"])), max_size=12
)


def _world(amounts: list[Decimal]) -> list[LedgerItem]:
    return [
        inv(
            n,
            str(a),
            due=1 + n % 28,
            payer=f"p{n % 3}",
            reference=f"SI12{n:04d}X" if n % 2 else None,
            group_reference=f"RFG{n % 3}",
            end_to_end_id=f"E2E-{n}",
            payer_iban=IBAN if n == 0 else "",
        )
        for n, a in enumerate(amounts)
    ]


def _entry(n: int, amount: Decimal, how: str, items: list[LedgerItem]) -> BankEntry:
    target = items[n % len(items)]
    extra: dict[str, object] = {
        "ref": {"reference": target.reference or target.group_reference},
        "group": {"reference": target.group_reference},
        "e2e": {"end_to_end_id": target.end_to_end_id},
        "iban": {"payer_iban": IBAN},
        "none": {},
    }[how]
    return credit(str(amount), n, **extra)


@settings(max_examples=60)
@given(st.lists(cents, min_size=1, max_size=8), payments)
def test_the_ledger_always_balances(
    amounts: list[Decimal], paid: list[tuple[Decimal, str]]
) -> None:
    items = _world(amounts)
    ledger = Ledger(ORG, items, [])
    postings = []
    received = Decimal("0.00")
    for n, (amount, how) in enumerate(paid):
        found = ledger.match(_entry(n, amount, how, items))
        postings.extend(found.postings)
        if found.receipt.status is ReceiptStatus.MATCHED:
            received += amount
            assert sum((p.amount for p in found.postings), Decimal("0.00")) == -amount
    total = balance(items, postings)
    assert total == sum(amounts, Decimal("0.00")) - received
    opened = open_amounts(items, postings)
    assert (
        sum(opened.documents.values(), Decimal("0.00"))
        + sum(opened.credits.values(), Decimal("0.00"))
        == total
    )
    assert sum((ledger.balance(p) for p in {i.payer_id for i in items}), Decimal("0.00")) == total
    assert all(v >= 0 for v in opened.documents.values())


@settings(max_examples=30)
@given(st.lists(cents, min_size=1, max_size=6), payments)
def test_matching_is_idempotent(amounts: list[Decimal], paid: list[tuple[Decimal, str]]) -> None:
    items = _world(amounts)
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.receivables.add_items(items)
        uow.commit()
    credits = []
    for n, (amount, how) in enumerate(paid):
        entry = _entry(n, amount, how, items)
        credits.append(
            Credit(
                amount=entry.amount,
                reference=entry.reference,
                iban=entry.payer_iban,
                end_to_end_id=entry.end_to_end_id,
                bank_reference=f"B{n}",
            )
        )
    data = camt053(ACCOUNT, DAY, credits)
    import_bank_file(store, ORG, data)
    with store.unit_of_work() as uow:
        state = (uow.receivables.postings(ORG), uow.receivables.receipts(ORG))
    assert import_bank_file(store, ORG, data).duplicates == len(paid)
    with store.unit_of_work() as uow:
        assert (uow.receivables.postings(ORG), uow.receivables.receipts(ORG)) == state
