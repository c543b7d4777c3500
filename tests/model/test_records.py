"""Records: invariants, dated lookups, masking in repr()."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.errors import ConfigurationError, InvalidComponent
from szo_core.ids import davcna, emso, iban
from szo_core.ids.emso import Sex
from szo_core.model import (
    Absence,
    Child,
    Decision,
    GroupAssignment,
    Guardian,
    InvoiceDelivery,
    Mandate,
    Party,
    Payer,
    PayerKind,
    PaymentMethod,
    Program,
    ProgramPrice,
    Regresor,
    Reservation,
    ReservationKind,
)
from szo_core.testing import records

# --- repr never shows a personal number -------------------------------------------------


@given(records.children(), records.guardians(), records.mandates())
def test_repr_hides_personal_numbers(child: Child, guardian: Guardian, mandate: Mandate) -> None:
    # Each personal field shows the identifier module's mask, and the number never appears.
    child_text, guardian_text, mandate_text = repr(child), repr(guardian), repr(mandate)
    for text, name, value, mask in (
        (child_text, "emso", child.emso, emso.mask),
        (child_text, "tax_number", child.tax_number, davcna.mask),
        (guardian_text, "emso", guardian.emso, emso.mask),
        (guardian_text, "tax_number", guardian.tax_number, davcna.mask),
        (guardian_text, "iban", guardian.iban, iban.mask),
        (mandate_text, "iban", mandate.iban, iban.mask),
    ):
        if value:
            assert value not in text
            assert f"{name}={mask(value)!r}" in text
        else:
            assert f"{name}=''" in text


def test_repr_shows_masked_forms() -> None:
    number = emso.make(date(2020, 2, 3), Sex.MALE)  # 030202050000x
    tax = davcna.make("1234567")  # 12345679: 8+14+18+20+20+18+14 = 112, 11 - 112 % 11 = 9
    account = iban.make_si("02010", "00123456")
    child = Child(organisation_id="o", code=1, emso=number, tax_number=tax)
    text = repr(child)
    assert f"emso={emso.mask(number)!r}" in text
    assert "tax_number='*****679'" in text
    assert number not in text
    assert tax not in text
    delivery = InvoiceDelivery(iban=account)
    assert "0012345" not in repr(delivery)
    assert "iban=''" in repr(InvoiceDelivery())
    party = Party(name="X", tax_number=tax)
    assert tax not in repr(party)
    regresor = Regresor(organisation_id="o", id="r", name="Občina", tax_number=tax)
    assert tax not in repr(regresor)


# --- invariants -------------------------------------------------------------------------


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_decision_coefficient_between_zero_and_the_top_class(value: Decimal) -> None:
    def make() -> Decision:
        return Decision(
            organisation_id="o",
            id="d",
            child_code=1,
            number="1",
            coefficient=value,
            valid_from=date(2025, 1, 1),
        )

    if value.is_finite() and 0 <= value <= Decimal("0.77"):
        assert make().coefficient == value
    else:
        with pytest.raises(InvalidComponent) as info:
            make()
        assert info.value.code == "decision.coefficient.range"
        assert info.value.message("en").startswith("The parents' coefficient must be between 0")


def test_decision_refuses_float_and_reversed_period() -> None:
    with pytest.raises(TypeError):
        Decision(
            organisation_id="o",
            id="d",
            child_code=1,
            number="1",
            coefficient=0.53,  # type: ignore[arg-type]
            valid_from=date(2025, 1, 1),
        )
    with pytest.raises(InvalidComponent) as info:
        Decision(
            organisation_id="o",
            id="d",
            child_code=1,
            number="1",
            coefficient=Decimal("0.53"),
            valid_from=date(2025, 1, 2),
            valid_to=date(2025, 1, 1),
        )
    assert info.value.code == "decision.period.reversed"


def test_decision_validity_inclusive_and_open() -> None:
    d = Decision(
        organisation_id="o",
        id="d",
        child_code=1,
        number="1",
        coefficient=Decimal("0.53"),
        valid_from=date(2025, 9, 1),
    )
    assert not d.is_valid_on(date(2025, 8, 31))
    assert d.is_valid_on(date(2025, 9, 1))
    assert d.is_valid_on(date(2099, 1, 1))  # open-ended
    closed = attrs.evolve(d, valid_to=date(2026, 8, 31))
    assert closed.is_valid_on(date(2026, 8, 31))
    assert not closed.is_valid_on(date(2026, 9, 1))


def test_program_price_refuses_float_and_negative() -> None:
    with pytest.raises(TypeError):
        ProgramPrice(valid_from=date(2025, 1, 1), monthly=500.0, food_per_day=Decimal(2))  # type: ignore[arg-type]
    with pytest.raises(InvalidComponent) as info:
        ProgramPrice(valid_from=date(2025, 1, 1), monthly=Decimal(-1), food_per_day=Decimal(2))
    assert info.value.code == "program.price.negative"


def test_prices_and_groups_must_be_sorted() -> None:
    p1 = ProgramPrice(valid_from=date(2025, 1, 1), monthly=Decimal(1), food_per_day=Decimal(0))
    p2 = attrs.evolve(p1, valid_from=date(2024, 1, 1))
    with pytest.raises(InvalidComponent) as info:
        Program(organisation_id="o", code="I", prices=(p1, p2))
    assert info.value.code == "program.prices.order"
    g = GroupAssignment(valid_from=date(2025, 1, 1), group_code="A", program_code="I")
    with pytest.raises(InvalidComponent) as info:
        Child(organisation_id="o", code=1, groups=(g, g))
    assert info.value.code == "child.groups.order"


def test_payer_needs_its_party() -> None:
    with pytest.raises(InvalidComponent) as info:
        Payer(kind=PayerKind.OTHER)
    assert info.value.code == "payer.party_missing"
    assert Payer.other(Party(name="Babica")).party == Party(name="Babica")


def test_child_code_positive_and_records_frozen() -> None:
    with pytest.raises(InvalidComponent):
        Child(organisation_id="o", code=0)
    with pytest.raises(TypeError):
        Child(organisation_id="o", code=True)
    child = Child(organisation_id="o", code=5)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        child.code = 6  # type: ignore[misc]
    assert child.payment == PaymentMethod.upn()
    assert child.version == 0


def test_period_end_not_before_start() -> None:
    with pytest.raises(InvalidComponent) as info:
        Reservation(
            organisation_id="o",
            id="r",
            child_code=1,
            kind=ReservationKind.SICK,
            start=date(2025, 7, 2),
            end=date(2025, 7, 1),
        )
    assert info.value.code == "period.reversed"


# --- dated lookups ----------------------------------------------------------------------


@given(records.programs(), st.dates(min_value=date(1990, 1, 1), max_value=date(2110, 1, 1)))
def test_price_on_is_the_latest_started(program: Program, day: date) -> None:
    started = [p for p in program.prices if p.valid_from <= day]
    if not started:
        with pytest.raises(ConfigurationError):
            program.price_on(day)
    else:
        assert program.price_on(day) == max(started, key=lambda p: p.valid_from)


@given(records.children(), st.dates(min_value=date(1990, 1, 1), max_value=date(2110, 1, 1)))
def test_group_on_and_upcoming_changes_split_the_history(child: Child, day: date) -> None:
    current = child.group_on(day)
    upcoming = child.upcoming_changes(day)
    past = [g for g in child.groups if g.valid_from <= day]
    assert current == (past[-1] if past else None)
    # Everything is either already started or upcoming, never both.
    assert tuple(past) + upcoming == child.groups
    assert child.program_on(day) == (None if current is None else current.program_code)


def test_group_change_for_september_is_upcoming_in_june() -> None:
    child = Child(
        organisation_id="o",
        code=1,
        groups=(GroupAssignment(valid_from=date(2024, 9, 1), group_code="A1", program_code="I"),),
    )
    september = GroupAssignment(valid_from=date(2025, 9, 1), group_code="B2", program_code="II")
    child = child.with_group_change(september)
    assert child.group_on(date(2025, 6, 15)).group_code == "A1"  # type: ignore[union-attr]
    assert child.upcoming_changes(date(2025, 6, 15)) == (september,)
    assert child.group_on(date(2025, 9, 1)) == september
    assert child.upcoming_changes(date(2025, 9, 1)) == ()


def test_enrollment_and_exit_are_inclusive() -> None:
    child = Child(
        organisation_id="o",
        code=1,
        enrollment_date=date(2025, 9, 14),
        exit_date=date(2025, 9, 18),
    )
    days = [date(2025, 9, 13) + timedelta(days=i) for i in range(7)]
    assert [child.is_enrolled_on(d) for d in days] == [False, True, True, True, True, True, False]
    assert not Child(organisation_id="o", code=2).is_enrolled_on(date(2025, 9, 14))


@given(records.absences())
def test_absence_dates_count_both_ends(absence: Absence) -> None:
    days = absence.dates()
    assert days[0] == absence.start
    assert days[-1] == absence.end
    assert len(days) == absence.days == (absence.end - absence.start).days + 1
    assert all(absence.covers(d) for d in days)
    assert absence.period.days == absence.days


def test_absence_announced_on_is_the_day_of_the_notice() -> None:
    absence = Absence(
        organisation_id="o",
        id="a",
        child_code=1,
        start=date(2025, 3, 3),
        end=date(2025, 3, 3),
        announced_at=datetime(2025, 3, 2, 19, 5),
    )
    assert absence.announced_on == date(2025, 3, 2)


def test_reservation_period_is_calendar_range() -> None:
    r = Reservation(
        organisation_id="o",
        id="r",
        child_code=1,
        kind=ReservationKind.SUMMER,
        start=date(2025, 7, 1),
        end=date(2025, 8, 15),
    )
    assert r.days == 31 + 15
    assert r.period.start == date(2025, 7, 1)
    assert r.period.end == date(2025, 8, 15)
    assert r.covers(date(2025, 8, 15))
    assert not r.covers(date(2025, 8, 16))
