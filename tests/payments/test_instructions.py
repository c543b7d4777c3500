"""Payment instructions: merged groups, exact sums, references, and what is held back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.calendar import Month
from szo_core.errors import InvalidFormat
from szo_core.ids import reference as ids_reference
from szo_core.payments.instructions import (
    Address,
    DebitMandate,
    PayableInvoice,
    PaymentKind,
    SequenceType,
    build_instructions,
    default_merged_reference,
)

HOME = Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana")
MANDATE = DebitMandate(
    reference="00555-00028",
    signed_on=date(2025, 8, 20),
    debtor_name="Špela Žagar",
    iban="SI56020170014356205",
)
OTHER_MANDATE = attrs.evolve(MANDATE, reference="00556-00028")


def invoice(
    number: str,
    amount: str,
    *,
    group: str | None = "F7",
    payer: str = "P-1",
    method: PaymentKind = PaymentKind.UPN,
    mandate: DebitMandate | None = None,
    period: tuple[int, int] = (2026, 9),
    reference: str | None = None,
) -> PayableInvoice:
    return PayableInvoice(
        number=number,
        period=period,
        child_code=int(number),
        payer_id=payer,
        payer_name="Špela Žagar",
        payer_address=HOME,
        amount=Decimal(amount),
        reference=reference if reference is not None else ids_reference.make("SI12", number),
        method=method,
        mandate=mandate,
        group_id=group,
    )


def codes(result: object) -> list[str]:
    return [p.code for p in result.problems]  # type: ignore[attr-defined]


# ---------------------------------------------------------------- examples


def test_family_of_three_gets_one_slip_with_the_exact_sum() -> None:
    # 120.50 + 80.25 + 0.10 = 200.85
    result = build_instructions(
        [invoice("1", "120.50"), invoice("2", "80.25"), invoice("3", "0.10")], period=(2026, 9)
    )
    assert result.ok
    (only,) = result.instructions
    assert only.amount == Decimal("200.85")
    assert only.invoice_numbers == ("1", "2", "3")
    assert only.child_codes == (1, 2, 3)
    assert only.merged
    assert only.group_id == "F7"
    assert only.instruction_id == "F7-202609"
    assert only.description == "Plačilo 2026-09, računi 1, 2, 3"


def test_merged_reference_identifies_group_and_period() -> None:
    # RF body "F7" + "202609"; ISO 11649: "F7202609RF00" with F=15, R=27:
    # 157202609271500 mod 97 = 21, check = 98 - 21 = 77 -> RF77F7202609
    assert default_merged_reference("F7", Month(2026, 9)) == "RF77F7202609"
    september = build_instructions([invoice("1", "10.00")], period=(2026, 9))
    october = build_instructions([invoice("1", "10.00", period=(2026, 10))], period="2026-10")
    assert september.instructions[0].reference == "RF77F7202609"
    assert october.instructions[0].reference.endswith("F7202610")
    assert september.instructions[0].reference != october.instructions[0].reference
    other_family = build_instructions([invoice("1", "10.00", group="F8")], period=(2026, 9))
    assert other_family.instructions[0].reference != september.instructions[0].reference


def test_custom_merged_reference() -> None:
    def si12(group_id: str, period: Month) -> str:
        return ids_reference.make("SI12", f"{group_id[1:]}{period.year}{period.month:02d}")

    result = build_instructions(
        [invoice("1", "1.00"), invoice("2", "2.00")], period=(2026, 9), merged_reference=si12
    )
    # data 7202609 padded to 000007202609: the check digit makes it a valid SI12
    assert result.instructions[0].reference == ids_reference.make("SI12", "7202609")
    assert ids_reference.is_valid(result.instructions[0].reference)


def test_invoices_without_group_are_paid_one_by_one_with_their_own_reference() -> None:
    result = build_instructions(
        [invoice("11", "5.00", group=None), invoice("12", "6.00", group=None)], period=(2026, 9)
    )
    assert [i.amount for i in result.instructions] == [Decimal("5.00"), Decimal("6.00")]
    assert [i.reference for i in result.instructions] == [
        ids_reference.make("SI12", "11"),
        ids_reference.make("SI12", "12"),
    ]
    assert [i.instruction_id for i in result.instructions] == ["11", "12"]
    assert not any(i.merged for i in result.instructions)


def test_merge_false_keeps_group_members_apart() -> None:
    result = build_instructions(
        [invoice("1", "120.50"), invoice("2", "80.25")], period=(2026, 9), merge=False
    )
    assert [i.amount for i in result.instructions] == [Decimal("120.50"), Decimal("80.25")]
    assert [i.invoice_numbers for i in result.instructions] == [("1",), ("2",)]


def test_mixed_methods_are_reported_not_merged() -> None:
    result = build_instructions(
        [
            invoice("1", "50.00"),
            invoice("2", "50.00", method=PaymentKind.DIRECT_DEBIT, mandate=MANDATE),
        ],
        period=(2026, 9),
    )
    assert result.instructions == ()
    assert codes(result) == ["instructions.mixed_methods"]
    problem = result.problems[0]
    assert problem.invoice_numbers == ("1", "2")
    assert problem.group_id == "F7"
    assert problem.payer_id == "P-1"
    assert "načine plačila" in problem.sl
    assert "payment methods" in problem.message("en")


def test_mixed_mandates_are_reported() -> None:
    debit = PaymentKind.DIRECT_DEBIT
    result = build_instructions(
        [
            invoice("1", "50.00", method=debit, mandate=MANDATE),
            invoice("2", "50.00", method=debit, mandate=OTHER_MANDATE),
        ],
        period=(2026, 9),
    )
    assert result.instructions == ()
    assert codes(result) == ["instructions.mixed_mandates"]


def test_same_mandate_merges_into_one_debit() -> None:
    debit = PaymentKind.DIRECT_DEBIT
    result = build_instructions(
        [
            invoice("1", "50.00", method=debit, mandate=MANDATE),
            invoice("2", "25.05", method=debit, mandate=MANDATE),
        ],
        period=(2026, 9),
    )
    (only,) = result.instructions
    assert only.amount == Decimal("75.05")
    assert only.mandate == MANDATE
    assert only.method is PaymentKind.DIRECT_DEBIT


def test_missing_mandate_is_reported() -> None:
    result = build_instructions(
        [invoice("1", "50.00", group=None, method=PaymentKind.DIRECT_DEBIT)], period=(2026, 9)
    )
    assert codes(result) == ["instructions.missing_mandate"]


def test_mixed_payers_are_reported() -> None:
    result = build_instructions(
        [invoice("1", "50.00"), invoice("2", "50.00", payer="P-2")], period=(2026, 9)
    )
    assert codes(result) == ["instructions.mixed_payers"]
    assert result.problems[0].payer_id is None


def test_zero_total_after_correction_is_reported() -> None:
    # 50.00 + (-50.00) = 0.00: nothing to collect
    result = build_instructions([invoice("1", "50.00"), invoice("2", "-50.00")], period=(2026, 9))
    assert result.instructions == ()
    assert codes(result) == ["instructions.zero_total"]


def test_negative_total_is_reported() -> None:
    # 20.00 + (-30.00) = -10.00: a credit, never sent to the bank
    result = build_instructions([invoice("1", "20.00"), invoice("2", "-30.00")], period=(2026, 9))
    assert result.instructions == ()
    assert codes(result) == ["instructions.negative_total"]


def test_correction_netted_inside_group() -> None:
    # 97.40 + (-12.15) = 85.25
    result = build_instructions([invoice("1", "97.40"), invoice("2", "-12.15")], period=(2026, 9))
    assert result.instructions[0].amount == Decimal("85.25")


def test_single_zero_invoice_is_reported() -> None:
    result = build_instructions([invoice("1", "0.00", group=None)], period=(2026, 9))
    assert codes(result) == ["instructions.zero_total"]


def test_bad_or_missing_reference_is_reported() -> None:
    bad = invoice("1", "5.00", group=None, reference="SI12 1234567890121")
    none = attrs.evolve(invoice("2", "5.00", group=None), reference=None)
    result = build_instructions([bad, none], period=(2026, 9))
    assert codes(result) == ["instructions.reference", "instructions.reference"]
    too_long_group = invoice("3", "5.00", group="G" * 16)  # RF body would be 22 characters
    assert codes(build_instructions([too_long_group], period=(2026, 9))) == [
        "instructions.reference"
    ]


def test_other_period_and_duplicates_are_reported() -> None:
    result = build_instructions(
        [
            invoice("1", "5.00", period=(2026, 8)),
            invoice("2", "5.00", group=None),
            invoice("2", "5.00", group=None),
            invoice("3", "5.00", group=None),
        ],
        period=Month(2026, 9),
    )
    assert codes(result) == ["instructions.other_period", "instructions.duplicate_invoice"]
    assert result.problems[1].invoice_numbers == ("2", "2")
    assert [i.invoice_numbers for i in result.instructions] == [("3",)]


def test_first_problem_does_not_hide_others() -> None:
    result = build_instructions(
        [
            invoice("1", "-5.00"),
            invoice("2", "1.00", payer="P-2", method=PaymentKind.DIRECT_DEBIT),
        ],
        period=(2026, 9),
    )
    assert codes(result) == [
        "instructions.mixed_payers",
        "instructions.mixed_methods",
        "instructions.missing_mandate",
        "instructions.negative_total",
    ]


def test_invoice_amount_must_be_in_cents_and_not_float() -> None:
    with pytest.raises(InvalidFormat) as err:
        invoice("1", "1.005")
    assert err.value.code == "instructions.amount_cents"
    with pytest.raises(TypeError):
        attrs.evolve(invoice("1", "1.00"), amount=1.5)


def test_period_forms() -> None:
    assert invoice("1", "1.00").period == Month(2026, 9)
    assert attrs.evolve(invoice("1", "1.00"), period="2026-10").period == Month(2026, 10)
    with pytest.raises(TypeError):
        attrs.evolve(invoice("1", "1.00"), period=202609)


def test_mandate_repr_masks_iban() -> None:
    assert "SI56020170014356205" not in repr(MANDATE)
    assert MANDATE.sequence is SequenceType.RECURRING


# ---------------------------------------------------------------- properties

cents = st.integers(min_value=-50_000, max_value=500_000).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def invoices(draw: st.DrawFn) -> list[PayableInvoice]:
    count = draw(st.integers(min_value=1, max_value=25))
    result = []
    for n in range(count):
        group = draw(st.sampled_from([None, "F1", "F2", "F3"]))
        payer = {"F1": "P-1", "F2": "P-2", "F3": "P-3"}.get(group or "", f"P-{n + 10}")
        result.append(invoice(str(n + 1), str(draw(cents)), group=group, payer=payer))
    return result


@given(invoices(), st.booleans())
def test_every_invoice_is_paid_once_or_reported(items: list[PayableInvoice], merge: bool) -> None:
    result = build_instructions(items, period=(2026, 9), merge=merge)
    paid = [n for i in result.instructions for n in i.invoice_numbers]
    held = [n for p in result.problems for n in p.invoice_numbers]
    assert len(paid) == len(set(paid))
    assert sorted(paid + held, key=int) == [i.number for i in items]
    assert set(paid).isdisjoint(held)


@given(invoices())
def test_merged_amounts_sum_exactly(items: list[PayableInvoice]) -> None:
    result = build_instructions(items, period=(2026, 9))
    by_number = {i.number: i for i in items}
    for instruction in result.instructions:
        assert instruction.amount == sum(
            (by_number[n].amount for n in instruction.invoice_numbers), Decimal(0)
        )
        assert instruction.amount > 0
        assert ids_reference.is_valid(instruction.reference)
    for group in ("F1", "F2", "F3"):
        members = [i for i in items if i.group_id == group]
        total = sum((i.amount for i in members), Decimal(0))
        merged = [i for i in result.instructions if i.group_id == group]
        if members and total > 0:
            assert len(merged) == 1
            assert merged[0].amount == total
        else:
            assert merged == []


@given(invoices())
def test_without_merge_each_positive_invoice_is_its_own_instruction(
    items: list[PayableInvoice],
) -> None:
    result = build_instructions(items, period=(2026, 9), merge=False)
    assert [i.invoice_numbers for i in result.instructions] == [
        (i.number,) for i in items if i.amount > 0
    ]
