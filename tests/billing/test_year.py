"""A year of a kindergarten: what every run bills adds up to a fresh recomputation.

Twelve months (September 2026 to August 2027) of the ``_world.py`` organisation,
with the changes a year brings entered between the runs: late records, exits
recorded after the month was billed, superseded decisions (from mid-month too),
a late decision for a late record, siblings the state pays for, a corrected
enrollment date, a new price, a move.  After every run (and at the end, on
every adapter), for every child's month that had a run, what was billed to each
payer (original bills and every correction since) equals what the fee engine
computes now from ``load_month`` with the final records, to the cent; and the
documents add up to the same per payer.

A Hypothesis property does the same with random changes over six months (memory).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.billing._world import ORG, add_world, child, decision, organisation

from szo_core.adapters.memory_billing import MemoryBillingStore
from szo_core.billing import BillingStorage, DocumentKind, fee_inputs, run_billing
from szo_core.calendar import Month
from szo_core.fees import FeeRules, PayerKind, compute
from szo_core.model import (
    Guardian,
    GuardianKind,
    GuardianLink,
    ProgramPrice,
    ResidenceChange,
)

FIRST = Month(2026, 9)
YEAR = tuple(FIRST.through(Month(2027, 8)))
NEVER_BILLED = {5}  # inactive all year: not billed on purpose

Key = tuple[int, Month, PayerKind, str]


def billed_now(store: BillingStorage) -> dict[Key, Decimal]:
    with store.unit_of_work() as uow:
        entries = uow.billing.billed(ORG, Month(2000, 1), Month(2100, 1))
    found: dict[Key, Decimal] = defaultdict(Decimal)
    for e in entries:
        found[(e.child_code, e.month, e.payer, e.payer_id)] += e.amount
    return {k: v for k, v in found.items() if v}


def due_now(
    store: BillingStorage, months: tuple[Month, ...], rules: FeeRules | None = None
) -> dict[Key, Decimal]:
    """A fresh recomputation of ``months`` with the records as they are, one load_month each."""
    rules = organisation().rules if rules is None else rules
    found: dict[Key, Decimal] = {}
    for month in months:
        with store.unit_of_work() as uow:
            data = uow.load_month(ORG, month)
        for code, entry in data.children.items():
            if code in NEVER_BILLED:
                continue
            statement = compute(month, entry.child, fee_inputs(data, entry), rules)
            for (payer, payer_id), amount in statement.payer_totals().items():
                if amount:
                    found[(code, month, payer, payer_id)] = amount
    return found


def documents_per_payer(store: BillingStorage, months: tuple[Month, ...]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = defaultdict(Decimal)
    with store.unit_of_work() as uow:
        for month in months:
            for d in uow.billing.invoices(ORG, str(month)):
                who = f"{d.payer}:{d.payer_id}"
                found[who] += d.amount
                if d.kind is DocumentKind.CREDIT_NOTE:
                    assert d.amount < 0
                    assert d.reference is None
    return {k: v for k, v in found.items() if v}


def payer_totals(keys: dict[Key, Decimal]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = defaultdict(Decimal)
    for (_code, _month, payer, payer_id), amount in keys.items():
        found[f"{payer}:{payer_id}"] += amount
    return {k: v for k, v in found.items() if v}


def check(store: BillingStorage, months: tuple[Month, ...]) -> None:
    assert billed_now(store) == due_now(store, months)
    assert documents_per_payer(store, months) == payer_totals(due_now(store, months))


# -- the scripted year -----------------------------------------------------------------------

Change = Callable[[BillingStorage], None]


def _edit_child(code: int, **changes: object) -> Change:
    def apply(store: BillingStorage) -> None:
        with store.unit_of_work() as uow:
            uow.children.update(attrs.evolve(uow.children.get(ORG, code), **changes))
            uow.commit()

    return apply


def _add(*records: object) -> Change:
    def apply(store: BillingStorage) -> None:
        with store.unit_of_work() as uow:
            for record in records:
                if isinstance(record, Guardian):
                    uow.guardians.add(record)
                elif hasattr(record, "coefficient"):
                    uow.decisions.add(record)  # type: ignore[arg-type]
                else:
                    uow.children.add(record)  # type: ignore[arg-type]
            uow.commit()

    return apply


def _move(code: int, change: ResidenceChange) -> Change:
    def apply(store: BillingStorage) -> None:
        with store.unit_of_work() as uow:
            uow.children.update(uow.children.get(ORG, code).with_residence_change(change))
            uow.commit()

    return apply


def _new_price(valid_from: date, monthly: str) -> Change:
    def apply(store: BillingStorage) -> None:
        with store.unit_of_work() as uow:
            program = uow.programs.get(ORG, "I")
            price = ProgramPrice(
                valid_from=valid_from, monthly=Decimal(monthly), food_per_day=Decimal("2.50")
            )
            uow.programs.update(attrs.evolve(program, prices=(*program.prices, price)))
            uow.commit()

    return apply


_MOTHER = (GuardianLink(guardian_id="g-3", kind=GuardianKind.MOTHER),)

# Entered before the run of the month named.
CHANGES: dict[Month, tuple[Change, ...]] = {
    Month(2026, 10): (
        _add(child(ORG, 7, enrolled=date(2026, 9, 15))),  # late record
        _add(decision(ORG, "d-1b", 1, "0.35", supersedes="d-1")),
    ),
    Month(2026, 11): (_edit_child(2, exit_date=date(2026, 10, 20)),),  # exit recorded late
    Month(2026, 12): (
        _add(
            decision(ORG, "d-4b", 4, "0.43", supersedes="d-4", valid_to=date(2026, 11, 15)),
            decision(ORG, "d-4c", 4, "0.20", valid_from=date(2026, 11, 16)),
        ),
        _new_price(date(2026, 12, 1), "520.00"),
    ),
    Month(2027, 1): (
        _move(
            1,
            ResidenceChange(valid_from=date(2027, 1, 1), municipality_code=70, regresor_id="r-70"),
        ),
        _edit_child(3, exit_date=date(2026, 12, 31), inactive=True),  # left, then marked
    ),
    Month(2027, 2): (
        _add(
            Guardian(organisation_id=ORG, id="g-3", first_name="Eva", last_name="Zupan"),
            child(
                ORG, 8, enrolled=date(2026, 11, 3), birth_date=date(2021, 1, 1), guardians=_MOTHER
            ),
            child(
                ORG, 9, enrolled=date(2026, 11, 3), birth_date=date(2022, 1, 1), guardians=_MOTHER
            ),
            decision(ORG, "d-8", 8, "0.35"),
            decision(ORG, "d-9", 9, "0.35"),
        ),
    ),
    Month(2027, 3): (_add(decision(ORG, "d-7", 7, "0.20")),),  # a late decision, late record
    Month(2027, 4): (_add(decision(ORG, "d-9b", 9, "0.10", supersedes="d-9")),),
    Month(2027, 5): (
        _edit_child(
            8,
            enrollment_date=date(2026, 10, 1),
            groups=child(ORG, 8, enrolled=date(2026, 10, 1)).groups,
        ),
    ),
}


def test_a_year_of_changes_bills_exactly_what_is_due(store: BillingStorage) -> None:
    kinds: set[DocumentKind] = set()
    for number, month in enumerate(YEAR, start=1):
        for change in CHANGES.get(month, ()):
            change(store)
        result = run_billing(
            organisation(), month, store, issued_on=month.last, closed_on=month.last
        )
        kinds.update(d.kind for d in result.documents)
        check(store, YEAR[:number])
    assert kinds == set(DocumentKind)  # invoices, credit notes and the state's claim
    with store.unit_of_work() as uow:
        for series in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE):
            for year in (2026, 2027):
                serials = [d.serial for d in uow.billing.invoices_of_year(ORG, year, series)]
                assert serials == list(range(1, len(serials) + 1))


# -- random changes --------------------------------------------------------------------------


@st.composite
def changes(draw: st.DrawFn, month: Month, codes: list[int]) -> list[Change]:
    """A few changes entered before ``month``'s run, each about an earlier month."""
    found: list[Change] = []
    earlier = list(FIRST.through(month.prev()))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["late", "exit", "decision", "enrollment"]))
        code = draw(st.sampled_from(codes))
        when = draw(st.sampled_from(earlier))
        day = date(when.year, when.month, draw(st.integers(1, 28)))
        if kind == "late":
            new = max(codes) + 1
            codes.append(new)
            found.append(_add(child(ORG, new, enrolled=day)))
        elif kind == "exit":
            found.append(_exit(code, day))
        elif kind == "decision":
            coefficient = draw(st.sampled_from(["0", "0.10", "0.35", "0.53", "0.77"]))
            found.append(_supersede(code, coefficient, day))
        else:
            found.append(_enrolled(code, day))
    return found


def _exit(code: int, day: date) -> Change:
    def apply(store: BillingStorage) -> None:
        with store.unit_of_work() as uow:
            kid = uow.children.get(ORG, code)
            if kid.enrollment_date is not None and kid.enrollment_date <= day:
                uow.children.update(attrs.evolve(kid, exit_date=day))
                uow.commit()

    return apply


def _supersede(code: int, coefficient: str, day: date) -> Change:
    def apply(store: BillingStorage) -> None:
        with store.unit_of_work() as uow:
            mine = [d for d in uow.decisions.for_child(ORG, code) if d.valid_to is None]
            old = mine[-1] if mine else None
            new_id = f"x-{code}-{len(uow.decisions.for_child(ORG, code))}"
            uow.decisions.add(
                decision(
                    ORG,
                    new_id,
                    code,
                    coefficient,
                    valid_from=day,
                    supersedes=None if old is None else old.id,
                )
            )
            uow.commit()

    return apply


def _enrolled(code: int, day: date) -> Change:
    def apply(store: BillingStorage) -> None:
        with store.unit_of_work() as uow:
            kid = uow.children.get(ORG, code)
            if kid.exit_date is None or kid.exit_date >= day:
                groups = child(ORG, code, enrolled=day).groups
                uow.children.update(attrs.evolve(kid, enrollment_date=day, groups=groups))
                uow.commit()

    return apply


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_changes_over_six_months_bill_exactly_what_is_due(data: st.DataObject) -> None:
    store = MemoryBillingStore()
    add_world(store)
    codes = [1, 2, 3, 4, 6]
    months = tuple(FIRST.through(Month(2027, 2)))
    for number, month in enumerate(months, start=1):
        if number > 1:
            for change in data.draw(changes(month, codes)):
                change(store)
        run_billing(organisation(), month, store, issued_on=month.last, closed_on=month.last)
        check(store, months[:number])
