"""Facts about the family reach the fee engine through a billing run.

The child record says whether the parents are Slovenian income-tax payers and the
child's order in the whole family; siblings enrolled here are found through
shared guardians (:func:`szo_core.billing.sibling_orders`).  World: see
``tests/billing/_world.py`` (September 2026, 22 working days, program I at 500.00).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
from tests.billing._world import ORG, add_world, child, organisation

from szo_core.adapters.memory_billing import MemoryBillingStore
from szo_core.billing import run_billing, sibling_orders
from szo_core.calendar import Month
from szo_core.fees import PayerKind
from szo_core.model import GuardianKind, GuardianLink, TaxpayerChange
from szo_core.ports import ChildMonth, MonthData

SEP = Month(2026, 9)


def _store() -> MemoryBillingStore:
    store = MemoryBillingStore()
    add_world(store)
    return store


def _statement(store: MemoryBillingStore, code: int):  # type: ignore[no-untyped-def]
    result = run_billing(organisation(), SEP, store, issued_on=SEP.last)
    return next(s for s in result.statements if s.child_code == code)


def test_parents_who_are_not_taxpayers_pay_the_full_price() -> None:
    # Child 1 has decision d-1 at 0.53 (parents 265.00).  Parents who are not
    # Slovenian income-tax payers pay the whole price: 1.00 × 500.00 = 500.00,
    # and the municipality pays nothing (ZVrt Art. 31; FeeRules default 1.00).
    store = _store()
    with store.unit_of_work() as uow:
        one = uow.children.get(ORG, 1)
        uow.children.update(attrs.evolve(one, parents_taxpayers=False))
        uow.commit()
    s = _statement(store, 1)
    assert s.total_for(PayerKind.PARENTS) == Decimal("500.00")
    assert s.total_for(PayerKind.MUNICIPALITY) == Decimal("0.00")


def test_parents_who_become_taxpayers_pay_their_share_from_that_day() -> None:
    # Not taxpayers at first, taxpayers from 16 September (a dated change): the first
    # 11 working days (1-15 Sept) at 1.00 × 500 × 11/22 = 250.00, the other 11 at the
    # decision's 0.53 × 500 × 11/22 = 132.50: the parents pay 382.50 in all.
    store = _store()
    with store.unit_of_work() as uow:
        one = uow.children.get(ORG, 1)
        changed = attrs.evolve(one, parents_taxpayers=False).with_taxpayer_change(
            TaxpayerChange(valid_from=date(2026, 9, 16), taxpayers=True)
        )
        uow.children.update(changed)
        uow.commit()
    s = _statement(store, 1)
    assert s.total_for(PayerKind.PARENTS) == Decimal("382.50")
    assert s.total_for(PayerKind.MUNICIPALITY) == Decimal("117.50")


def test_a_younger_enrolled_sibling_found_through_a_guardian_is_free() -> None:
    # Children 3 and 4 share guardian g-2.  Without a sibling order on d-4, billing
    # counts 4 as the second enrolled child (no birth dates: by code).  2021 rule:
    # the younger of two enrolled children is free.  Child 4: total 500 × 13/22 =
    # 295.45; parents' share 0.43 × 295.4545… = 127.05 goes to the state, so the
    # parents pay 0.00, the state 127.05 and the municipality 295.45 − 127.05 = 168.40.
    store = _store()
    with store.unit_of_work() as uow:
        d4 = uow.decisions.get(ORG, "d-4")
        uow.decisions.update(attrs.evolve(d4, sibling_order=None))
        uow.commit()
    s = _statement(store, 4)
    assert s.total_for(PayerKind.PARENTS) == Decimal("0.00")
    assert s.total_for(PayerKind.STATE) == Decimal("127.05")
    assert s.total_for(PayerKind.MUNICIPALITY) == Decimal("168.40")
    # ... and the older one, child 3, pays as before (first child).
    assert _statement(store, 3).total_for(PayerKind.PARENTS) == Decimal("175.00")


def test_a_third_child_of_the_family_is_free_without_an_enrolled_sibling() -> None:
    # Child 1 (decision 0.53) alone here, but the third child of its family: the
    # 2021 rule frees it whether or not a sibling is enrolled.  Parents 0.00,
    # state 0.53 × 500 = 265.00, municipality 235.00.
    store = _store()
    with store.unit_of_work() as uow:
        one = uow.children.get(ORG, 1)
        uow.children.update(attrs.evolve(one, family_order=3))
        uow.commit()
    s = _statement(store, 1)
    assert s.total_for(PayerKind.PARENTS) == Decimal("0.00")
    assert s.total_for(PayerKind.STATE) == Decimal("265.00")
    assert s.total_for(PayerKind.MUNICIPALITY) == Decimal("235.00")


def _link(guardian: str) -> GuardianLink:
    return GuardianLink(guardian_id=guardian, kind=GuardianKind.OTHER)


def test_sibling_orders_follow_chains_of_guardians_and_the_first_of_the_month() -> None:
    first = date(2026, 9, 1)
    kids = [
        # a, b, c: one family through g-1 (a, b) and g-2 (b, c); oldest first.
        child(ORG, 1, guardians=(_link("g-1"),), birth_date=date(2020, 1, 1)),
        child(ORG, 2, guardians=(_link("g-1"), _link("g-2")), birth_date=date(2021, 1, 1)),
        child(ORG, 3, guardians=(_link("g-2"),), birth_date=date(2022, 1, 1)),
        # joins on 15. 9.: counts itself after the three, but does not push them
        child(
            ORG,
            4,
            guardians=(_link("g-2"),),
            birth_date=date(2019, 1, 1),
            enrolled=first.replace(day=15),
        ),
        # left before the month: not a sibling enrolled on the first day
        child(
            ORG,
            5,
            guardians=(_link("g-1"),),
            birth_date=date(2018, 1, 1),
            exit_date=date(2026, 8, 31),
        ),
        # another family
        child(ORG, 6, guardians=(_link("g-9"),), birth_date=date(2023, 1, 1)),
    ]
    data = MonthData(
        organisation_id=ORG, month=SEP, children={k.code: ChildMonth(child=k) for k in kids}
    )
    orders = {code: info.enrolled_order for code, info in sibling_orders(data).items()}
    # child 4 is the oldest of those counted with it (1, 2, 3 and itself): order 1
    assert orders == {1: 1, 2: 2, 3: 3, 4: 1, 5: 1, 6: 1}


def test_late_exit_notice_bills_the_month_after_the_exit() -> None:
    # Exit rule "notice by day 20": notice after the 20th bills the next month too.
    # Child 1 (decision 0.53) leaves on 31. 8.: notice given on 25. 8. (late)
    # -> billed through September: parents 0.53 × 500 = 265.00, municipality 235.00.
    # Notice on 10. 8. (in time) -> September owes nothing and has no statement.
    from szo_core.billing import BillingOrganisation
    from szo_core.fees import ExitRule, FeeRules

    rules = FeeRules(host_municipality=61, exit_rule=ExitRule.NOTICE_BY_DAY, exit_notice_day=20)
    org = BillingOrganisation(id=ORG, rules=rules)
    for notice, parents in ((date(2026, 8, 25), Decimal("265.00")), (date(2026, 8, 10), None)):
        store = _store()
        with store.unit_of_work() as uow:
            one = uow.children.get(ORG, 1)
            uow.children.update(
                attrs.evolve(one, exit_date=date(2026, 8, 31), exit_notice_on=notice)
            )
            uow.commit()
        result = run_billing(org, SEP, store, issued_on=SEP.last)
        found = [s for s in result.statements if s.child_code == 1]
        if parents is None:
            assert found == []
        else:
            assert found[0].total_for(PayerKind.PARENTS) == parents
            assert found[0].total_for(PayerKind.MUNICIPALITY) == Decimal("235.00")
