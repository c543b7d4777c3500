"""A month of bank files for a ledger of 2,400 invoices, and what the generation rule says.

Used by ``test_reconcile_regression.py`` (through the stores) and
``test_match_all.py`` (the engine alone).  The ledger: 2,100 payers with one
invoice, 100 merged groups of three.  The files: a camt.053 with every kind of
credit the engine knows (by reference with and without SCOR, with spaces, only
in ``Ustrd``; by end-to-end id; short, over, twice; by amount and IBAN only; an
unknown payment), a camt.054 returning some collected debits, and a pain.002
rejecting debits never collected.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import attrs

from szo_core.billing import ReferenceScheme, invoice_reference
from szo_core.ids.iban import make_si
from szo_core.receivables import LedgerItem
from szo_core.testing.bank import Credit, Reject, Return, camt053, camt054, pain002

ORG = "vrtec"
ACCOUNT = "SI56011006000000120"
DAY = date(2026, 10, 20)
SINGLES = 2100
GROUPS = 100
CENT = Decimal("0.01")


def _amount(k: int) -> Decimal:
    return Decimal(50 + k % 200) + Decimal(k % 100).scaleb(-2)


def _iban(k: int) -> str:
    return make_si("02010", f"{k:08d}")


@attrs.frozen
class World:
    """The items, the three files, and what the rule says must come out."""

    items: tuple[LedgerItem, ...]
    camt053: bytes
    camt054: bytes
    pain002: bytes
    open: dict[str, Decimal]
    credit: dict[str, Decimal]
    counts: dict[str, int]
    unmatched: list[tuple[Decimal, str]]
    suggested: list[tuple[str, ...]]


def _world() -> World:
    items: list[LedgerItem] = []
    credits: list[Credit] = []
    returns: list[Return] = []
    rejects: list[Reject] = []
    expect_open: dict[str, Decimal] = {}
    expect_credit: dict[str, Decimal] = {}
    unmatched: list[tuple[Decimal, str]] = []
    suggested: list[tuple[str, ...]] = []
    counts = dict.fromkeys(("matched", "suggested", "unmatched", "returned", "rejected"), 0)
    for k in range(SINGLES):
        document, payer, amount = f"2026-{k + 1:06d}", f"guardian:{k}", _amount(k)
        ref = invoice_reference(
            ReferenceScheme.SI12, child_code=1 + k % 9000, year=2026, serial=k + 1
        )
        slot = k % 20
        debit = slot in (0, 1, 9)
        suggest = slot == 5
        items.append(
            LedgerItem(
                organisation_id=ORG,
                document=document,
                payer_id=payer,
                amount=amount,
                issued_on=date(2026, 10, 5),
                due_on=date(2026, 10, 18),
                reference=ref,
                end_to_end_id=f"E2E-{k:06d}" if debit else None,
                mandate_id=f"M-{k:06d}" if debit else None,
                payer_iban=_iban(k) if debit or suggest else "",
            )
        )
        rest, credit = Decimal("0.00"), Decimal("0.00")
        if slot in (0, 1):  # a collected debit, by end-to-end id; slot 1 comes back (AC04)
            credits.append(Credit(amount=amount, end_to_end_id=f"E2E-{k:06d}", iban=_iban(k)))
            counts["matched"] += 1
            if slot == 1:
                returns.append(Return(amount=amount, end_to_end_id=f"E2E-{k:06d}", reason="AC04"))
                counts["returned"] += 1
                rest = amount
        elif slot == 2:  # short: nine tenths paid
            paid = (amount * 9 / 10).quantize(CENT, ROUND_HALF_UP)
            credits.append(Credit(amount=paid, reference=ref, name="Žan Ćuk"))
            counts["matched"] += 1
            rest = amount - paid
        elif slot == 3:  # a payment nobody can place; the invoice stays open
            credits.append(Credit(amount=Decimal("12.34"), name=f"Neznan {k}"))
            unmatched.append((Decimal("12.34"), f"Neznan {k}"))
            counts["unmatched"] += 1
            rest = amount
        elif slot == 4:  # over by 5.00: a credit on the payer
            credits.append(Credit(amount=amount + 5, reference=ref))
            counts["matched"] += 1
            credit = Decimal("-5.00")
        elif slot == 5:  # no reference, the payer's IBAN and the exact amount: a suggestion
            credits.append(Credit(amount=amount, iban=_iban(k), name="Eva Šuštar"))
            suggested.append((document,))
            counts["suggested"] += 1
            rest = amount
        elif slot == 6:  # paid twice: the second payment is a credit
            credits.append(Credit(amount=amount, reference=ref))
            credits.append(Credit(amount=amount, reference=f"{ref[:4]} {ref[4:]}", scor=False))
            counts["matched"] += 2
            credit = -amount
        elif slot == 7:  # the reference only in the unstructured text
            credits.append(Credit(amount=amount, text=f"oskrbnina {ref[:4]} {ref[4:]}"))
            counts["matched"] += 1
        elif slot == 8:  # with spaces and without SCOR
            credits.append(Credit(amount=amount, reference=f"{ref[:4]} {ref[4:]}", scor=False))
            counts["matched"] += 1
        elif slot == 9:  # a debit rejected before collection (MD01): open, reason recorded
            rejects.append(Reject(end_to_end_id=f"E2E-{k:06d}", reason="MD01", amount=amount))
            counts["rejected"] += 1
            rest = amount
        elif slot == 10:  # not paid
            rest = amount
        else:
            credits.append(Credit(amount=amount, reference=ref, name="Maja Čeh"))
            counts["matched"] += 1
        expect_open[document] = rest
        if credit:
            expect_credit[payer] = credit
    for g in range(GROUPS):
        payer = f"guardian:g{g}"
        group_ref = invoice_reference(
            ReferenceScheme.RF, child_code=90000 + g, year=2026, serial=g + 1
        )
        # Three invoices whose numbers run against their due dates (oldest due = highest number).
        members = [
            (f"2026-{SINGLES + 3 * g + j + 1:06d}", _amount(SINGLES + 3 * g + j), 17 - j)
            for j in range(3)
        ]
        for document, amount, due in members:
            items.append(
                LedgerItem(
                    organisation_id=ORG,
                    document=document,
                    payer_id=payer,
                    amount=amount,
                    issued_on=date(2026, 10, 5),
                    due_on=date(2026, 10, due),
                    reference=invoice_reference(
                        ReferenceScheme.SI12,
                        child_code=1 + g,
                        year=2026,
                        serial=SINGLES + 3 * g + members.index((document, amount, due)) + 1,
                    ),
                    group_reference=group_ref,
                )
            )
        total = sum((a for _d, a, _due in members), Decimal("0.00"))
        oldest_first = sorted(members, key=lambda m: m[2])
        opens = {d: Decimal("0.00") for d, _a, _due in members}
        slot = g % 4
        if slot == 0:  # the whole group
            paid = total
        elif slot == 1:  # 10.00 short: left on the newest
            paid = total - 10
            opens[oldest_first[-1][0]] = Decimal("10.00")
        elif slot == 2:  # 7.00 over: a credit
            paid = total + 7
            expect_credit[payer] = Decimal("-7.00")
        else:  # a bit less than the oldest: the rest of it and the two others stay open
            paid = oldest_first[0][1] - 1
            opens[oldest_first[0][0]] = Decimal("1.00")
            for d, a, _due in oldest_first[1:]:
                opens[d] = a
        credits.append(Credit(amount=paid, reference=group_ref, name=f"Skupina {g}"))
        counts["matched"] += 1
        expect_open.update(opens)
    return World(
        items=tuple(items),
        camt053=camt053(ACCOUNT, DAY, credits, statement_id="IZP-2026-10-20"),
        camt054=camt054(ACCOUNT, date(2026, 10, 23), returns, statement_id="OBV-2026-10-23"),
        pain002=pain002("SZO-2026-10", date(2026, 10, 16), rejects),
        open=expect_open,
        credit=expect_credit,
        counts=counts,
        unmatched=sorted(unmatched),
        suggested=sorted(suggested),
    )
