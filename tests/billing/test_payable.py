"""Invoices handed to the payment step (szo_core.payments.instructions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.billing._world import ORG, organisation

from szo_core.adapters.memory_billing import MemoryBillingStore
from szo_core.billing import payable_invoices, run_billing
from szo_core.calendar import Month
from szo_core.errors import BillingError
from szo_core.payments.instructions import PaymentKind, build_instructions
from szo_core.ports import MonthData

SEP = Month(2026, 9)


@pytest.fixture
def memory_store() -> MemoryBillingStore:
    from tests.billing._world import add_world

    store = MemoryBillingStore()
    add_world(store)
    return store


def test_parents_invoices_become_payable_invoices(memory_store: MemoryBillingStore) -> None:
    result = run_billing(organisation(), SEP, memory_store, issued_on=SEP.last)
    with memory_store.unit_of_work() as uow:
        data = uow.load_month(ORG, SEP)
    payable = payable_invoices(result.invoices, data)
    # Only the parents' invoices (children 1-4), with number, reference and amount kept.
    assert [(p.child_code, p.amount) for p in payable] == [
        (1, Decimal("265.00")),
        (2, Decimal("385.00")),
        (3, Decimal("175.00")),
        (4, Decimal("127.05")),
    ]
    parents = [i for i in result.invoices if str(i.payer) == "parents"]
    assert [(p.number, p.reference) for p in payable] == [(i.number, i.reference) for i in parents]
    by_child = {p.child_code: p for p in payable}
    # Child 2 has no payer of its own: it pays with its group's lead (child 1, guardian g-1).
    assert by_child[2].payer_id == by_child[1].payer_id == "guardian:g-1"
    assert by_child[1].group_id == by_child[2].group_id == "1"
    assert by_child[1].payer_address.city == "Ljubljana"
    # Child 3 pays by direct debit under its mandate; child 4 by slip, to its first guardian.
    assert by_child[3].method is PaymentKind.DIRECT_DEBIT
    assert by_child[3].mandate is not None
    assert by_child[3].mandate.reference == "VRT-0003"
    assert by_child[4].method is PaymentKind.UPN
    assert by_child[4].payer_name == "Marko Horvat"
    assert by_child[4].description == "Oskrbnina 09/2026"

    instructions = build_instructions(payable, period=SEP)
    assert instructions.problems == ()
    # Group 1 (265.00 + 385.00) is one payment; children 3 and 4 pay on their own.
    assert sorted(i.amount for i in instructions.instructions) == [
        Decimal("127.05"),
        Decimal("175.00"),
        Decimal("650.00"),
    ]


def test_an_invoice_of_a_child_missing_from_the_month_is_refused(
    memory_store: MemoryBillingStore,
) -> None:
    result = run_billing(organisation(), SEP, memory_store, issued_on=SEP.last)
    with pytest.raises(BillingError) as caught:
        payable_invoices(result.invoices, MonthData(organisation_id=ORG, month=SEP))
    assert caught.value.code == "billing.payable.child"
