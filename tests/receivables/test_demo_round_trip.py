"""Round trip through the demo: bill, write pain.008 and slips, the bank answers, import, check.

The demo bills August and September 2021 (the ZUJF era, so siblings in a merged
payment group both pay and a merged slip or debit really covers two invoices).
From the files it wrote (the pain.008 and the UPN QR payloads) this test makes
the bank's answer with :mod:`szo_core.testing.bank`: a pain.002 rejecting two
debits, and two camt.053 statements (UJP's file naming) in which some slips are
paid in full (reference with and without SCOR and spaces, or only in the
unstructured text), one partly, one late, one over, some not at all, the
merged groups as one payment each, the direct debits collected and one of
them returned.  Everything is imported into the demo's database and every
payer's balance is checked against a sum kept by hand beside the scenario.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from szo_core.adapters.sql.billing import SqlBillingStore
from szo_core.billing import payable_invoices
from szo_core.calendar import Month
from szo_core.demo.run import DATABASE_NAME, run_demo
from szo_core.demo.sample import ORGANISATION_ID as ORG
from szo_core.payments.instructions import PaymentInstruction, build_instructions
from szo_core.payments.statements import parse_ujp_file_name
from szo_core.receivables import (
    LedgerItem,
    ReceiptStatus,
    balance,
    confirm_receipt,
    import_bank_file,
    items_from_billing,
    open_amounts,
)
from szo_core.testing.bank import Credit, Reject, Return, camt053, pain002, ujp_file_name

AUGUST, SEPTEMBER = Month(2021, 8), Month(2021, 9)
ACCOUNT = "SI56011006000000120"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
ZERO = Decimal("0.00")


def _upn(path: Path) -> dict[str, str]:
    lines = path.read_bytes().decode("iso-8859-2").split("\n")
    return {"name": lines[5], "amount": lines[8], "due": lines[13], "reference": lines[15]}


def _debits(path: Path) -> tuple[str, list[dict[str, str]]]:
    tree = etree.parse(str(path))
    message = tree.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS)
    assert message is not None
    out = []
    for tx in tree.iterfind(".//p:DrctDbtTxInf", namespaces=NS):
        out.append(
            {
                "e2e": tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) or "",
                "amount": tx.findtext("p:InstdAmt", namespaces=NS) or "",
                "mandate": tx.findtext(".//p:MndtId", namespaces=NS) or "",
                "name": tx.findtext("p:Dbtr/p:Nm", namespaces=NS) or "",
                "iban": tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) or "",
            }
        )
    return message, out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("roundtrip") / "demo"
    run_demo(out, children=40, seed=7, first_month=AUGUST)
    store = SqlBillingStore.open(str(out / DATABASE_NAME))
    items: list[LedgerItem] = []
    instructions: dict[Month, tuple[PaymentInstruction, ...]] = {}
    with store.unit_of_work() as uow:
        for month in (AUGUST, SEPTEMBER):
            run = uow.billing.find_run(ORG, month)
            assert run is not None
            documents = uow.billing.invoices(ORG, run.id)
            data = uow.load_month(ORG, month)
            built = build_instructions(payable_invoices(documents, data), period=month)
            assert built.ok
            instructions[month] = built.instructions
            day, month_, year = _upn(next((out / str(month) / "upn").glob("*.txt")))["due"].split(
                "."
            )
            due_on = date(int(year), int(month_), int(day))  # the slips' due date
            items.extend(items_from_billing(documents, built.instructions, data, due_on=due_on))
        uow.receivables.add_items(items)
        uow.commit()
    return {"out": out, "store": store, "items": items, "instructions": instructions}


def test_demo_round_trip_balances_by_hand(world: dict[str, object], tmp_path: Path) -> None:
    out: Path = world["out"]  # type: ignore[assignment]
    store: SqlBillingStore = world["store"]  # type: ignore[assignment]
    items: list[LedgerItem] = world["items"]  # type: ignore[assignment]
    august: tuple[PaymentInstruction, ...] = world["instructions"][AUGUST]  # type: ignore[index]
    by_id = {i.instruction_id: i for i in august}
    folder = out / "2021-08"

    # What the bank saw, read back from the files szo_core wrote.
    slips = {p.stem: _upn(p) for p in sorted((folder / "upn").glob("*.txt"))}
    message_id, debits = _debits(folder / "sepa-2021-08.xml")
    assert sorted(slips) == sorted(i.instruction_id for i in august if i.mandate is None)
    assert len(debits) == sum(1 for i in august if i.mandate is not None) == 8
    for sid, slip in slips.items():
        assert slip["reference"] == by_id[sid].reference
        assert Decimal(slip["amount"]) / 100 == by_id[sid].amount

    merged_slips = sorted(s for s in slips if len(by_id[s].invoice_numbers) > 1)
    single_slips = sorted(s for s in slips if len(by_id[s].invoice_numbers) == 1)
    assert len(merged_slips) >= 4
    assert len(single_slips) >= 8

    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)  # payer -> received, by hand
    first_day, second_day = date(2021, 9, 20), date(2021, 9, 27)
    day1: list[Credit | Return] = []
    day2: list[Credit | Return] = []

    def pay(sid: str, amount: Decimal, **kw: object) -> Credit:
        slip = slips[sid]
        paid[by_id[sid].payer_id] += amount
        return Credit(amount=amount, name=slip["name"], **kw)  # type: ignore[arg-type]

    def spaced(ref: str) -> str:
        return " ".join(ref[i : i + 4] for i in range(0, len(ref), 4))

    # merged slips: full (RF with spaces, SCOR), partial, over, missing
    m_full, m_part, m_over, m_missing = merged_slips[:4]
    day1.append(pay(m_full, by_id[m_full].amount, reference=spaced(slips[m_full]["reference"])))
    day1.append(pay(m_part, Decimal("200.00"), reference=slips[m_part]["reference"], scor=False))
    day1.append(
        pay(m_over, by_id[m_over].amount + Decimal("20.00"), reference=slips[m_over]["reference"])
    )
    # single slips
    s = single_slips
    day1.append(
        pay(s[0], by_id[s[0]].amount, reference=spaced(slips[s[0]]["reference"]), scor=False)
    )
    day1.append(
        pay(s[1], by_id[s[1]].amount, text=f"Vrtec, sklic {slips[s[1]]['reference']} hvala")
    )
    day1.append(
        pay(s[2], by_id[s[2]].amount - Decimal("10.00"), reference=slips[s[2]]["reference"])
    )
    day2.append(
        pay(s[3], by_id[s[3]].amount, reference=slips[s[3]]["reference"], booking_date=second_day)
    )  # late: after the due date
    # s[4] is not paid at all
    for sid in s[5:]:
        day1.append(pay(sid, by_id[sid].amount, reference=slips[sid]["reference"]))

    # direct debits: two rejected before settlement, the rest collected, one returned
    debits.sort(key=lambda d: d["e2e"])
    merged_debit = next(d for d in debits if len(by_id[d["e2e"]].invoice_numbers) > 1)
    singles = [d for d in debits if d is not merged_debit]
    rejected_ac04, rejected_am04, returned = singles[0], singles[1], singles[2]
    for d in debits:
        if d in (rejected_ac04, rejected_am04):
            continue
        amount = Decimal(d["amount"])
        paid[by_id[d["e2e"]].payer_id] += amount
        day1.append(
            Credit(
                amount=amount,
                name=d["name"],
                iban=d["iban"],
                end_to_end_id=d["e2e"],
                mandate_id=d["mandate"],
            )
        )
    day2.append(
        Return(
            amount=Decimal(returned["amount"]),
            end_to_end_id=returned["e2e"],
            reason="MD06",
            name=returned["name"],
            iban=returned["iban"],
            mandate_id=returned["mandate"],
        )
    )
    paid[by_id[returned["e2e"]].payer_id] -= Decimal(returned["amount"])
    # the AM04 payer then pays by transfer from the mandate's account, without a reference
    day2.append(
        Credit(
            amount=Decimal(rejected_am04["amount"]),
            name=rejected_am04["name"],
            iban=rejected_am04["iban"],
            text="placilo vrtec",
        )
    )
    # and someone nobody knows
    day2.append(
        Credit(
            amount=Decimal("33.30"),
            name="Neznani Plačnik",
            iban="SI56192001234567892",
            text="Donacija",
        )
    )

    files = {
        "pain002": pain002(
            message_id,
            date(2021, 9, 16),
            [
                Reject(
                    end_to_end_id=rejected_ac04["e2e"],
                    reason="AC04",
                    amount=Decimal(rejected_ac04["amount"]),
                    mandate_id=rejected_ac04["mandate"],
                ),
                Reject(end_to_end_id=rejected_am04["e2e"], reason="AM04"),
            ],
        ),
        ujp_file_name(ACCOUNT, first_day): camt053(ACCOUNT, first_day, day1),
        ujp_file_name(ACCOUNT, second_day): camt053(ACCOUNT, second_day, day2),
    }
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    assert parse_ujp_file_name(paths[2]).day == second_day

    reports = [import_bank_file(store, ORG, path) for path in paths]
    assert (reports[0].rejected, reports[0].flagged) == (2, 1)
    assert reports[1].unmatched == 0
    assert reports[1].matched == len(day1)
    assert (
        reports[2].matched,
        reports[2].returned,
        reports[2].suggested,
        reports[2].unmatched,
    ) == (
        1,
        1,
        1,
        1,
    )
    (suggestion,) = reports[2].to_confirm
    assert suggestion.documents == by_id[rejected_am04["e2e"]].invoice_numbers
    confirm_receipt(store, ORG, suggestion.entry_id)
    paid[by_id[rejected_am04["e2e"]].payer_id] += Decimal(rejected_am04["amount"])
    assert [r.amount for r in reports[2].to_check] == [Decimal("33.30")]

    with store.unit_of_work() as uow:
        stored_items = uow.receivables.items(ORG)
        postings = uow.receivables.postings(ORG)
        flags = uow.receivables.mandate_flags(ORG)
        unmatched = uow.receivables.receipts(ORG, status=ReceiptStatus.UNMATCHED)
    assert sorted(stored_items, key=lambda i: i.document) == sorted(items, key=lambda i: i.document)

    # Every payer's balance, by hand: what was billed (both months, credit notes
    # included) less what the scenario says was received.
    billed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        billed[item.payer_id] += item.amount
    for payer in billed:
        assert balance(stored_items, postings, payer_id=payer) == billed[payer] - paid[payer], payer
    assert balance(stored_items, postings) == sum(billed.values(), ZERO) - sum(paid.values(), ZERO)

    opened = open_amounts(stored_items, postings)
    numbers = {sid: by_id[sid].invoice_numbers for sid in by_id}
    amounts = {i.document: i.amount for i in items}
    # merged slip paid in full: both invoices closed
    assert [opened.documents[n] for n in numbers[m_full]] == [ZERO, ZERO]
    # 200.00 over two invoices, oldest first (same due date: by number)
    first, second = numbers[m_part]
    assert opened.documents[first] == max(ZERO, amounts[first] - Decimal("200.00"))
    assert opened.documents[second] == amounts[second] - max(
        ZERO, Decimal("200.00") - amounts[first]
    )
    # 20.00 over: a credit on the payer, both invoices closed
    over_payer = by_id[m_over].payer_id
    assert [opened.documents[n] for n in numbers[m_over]] == [ZERO, ZERO]
    assert opened.credits[over_payer] == Decimal("-20.00")
    # the merged group not paid: both open
    assert [opened.documents[n] for n in numbers[m_missing]] == [
        amounts[n] for n in numbers[m_missing]
    ]
    assert opened.documents[numbers[s[2]][0]] == Decimal("10.00")
    assert opened.documents[numbers[s[3]][0]] == ZERO  # late but paid
    assert opened.documents[numbers[s[4]][0]] == amounts[numbers[s[4]][0]]
    # debits: the merged one split to zero, the rejected AC04 and the returned open again
    assert [opened.documents[n] for n in numbers[merged_debit["e2e"]]] == [ZERO, ZERO]
    assert opened.documents[numbers[rejected_ac04["e2e"]][0]] == Decimal(rejected_ac04["amount"])
    assert opened.documents[numbers[returned["e2e"]][0]] == Decimal(returned["amount"])
    assert opened.documents[numbers[rejected_am04["e2e"]][0]] == ZERO  # paid after, confirmed
    # reasons recorded, the AC04 mandate flagged (not the AM04 or MD06 ones)
    reasons = {(p.document, p.reason) for p in postings if p.reason}
    assert (numbers[rejected_ac04["e2e"]][0], "AC04") in reasons
    assert (numbers[returned["e2e"]][0], "MD06") in reasons
    assert [(f.payer_id, f.mandate_id, f.reason) for f in flags] == [
        (by_id[rejected_ac04["e2e"]].payer_id, rejected_ac04["mandate"], "AC04")
    ]
    assert [r.amount for r in unmatched] == [Decimal("33.30")]

    # and all of it again: nothing changes
    for path in paths:
        assert import_bank_file(store, ORG, path).duplicates > 0
    with store.unit_of_work() as uow:
        assert uow.receivables.postings(ORG) == postings
