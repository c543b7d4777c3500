"""Records: invariants, dated lookups, masking in repr()."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests._roundtrip import assert_roundtrip

from szo_core.errors import ConfigurationError, InvalidComponent
from szo_core.ids import davcna, emso, iban
from szo_core.ids.emso import Sex
from szo_core.model import (
    MAX_COEFFICIENT,
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
    ProgramKind,
    ProgramPrice,
    Regresor,
    Reservation,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
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


# --- the billing year: exit date, dated residence and tax status ------------------------


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(-400, 400))
def test_exit_never_before_enrollment(enrolled: date, days: int) -> None:
    exit_date = enrolled + timedelta(days=days)

    def make() -> Child:
        return Child(organisation_id="o", code=1, enrollment_date=enrolled, exit_date=exit_date)

    if days >= 0:  # the same day is one day of attendance
        assert make().exit_date == exit_date
        return
    with pytest.raises(InvalidComponent) as err:
        make()
    assert err.value.code == "child.exit.before_enrollment"
    assert err.value.where == "exit_date"
    assert err.value.sl == "Datum izpisa ne sme biti pred datumom vpisa."
    assert err.value.en == "The exit date cannot be before the enrollment date."
    assert isinstance(err.value, ValueError)


def test_exit_before_enrollment_is_refused_by_evolve_too() -> None:
    child = Child(organisation_id="o", code=1, enrollment_date=date(2025, 9, 1))
    with pytest.raises(InvalidComponent, match=r"child\.exit\.before_enrollment"):
        attrs.evolve(child, exit_date=date(2025, 8, 31))
    with pytest.raises(InvalidComponent, match=r"child\.exit\.before_enrollment"):
        attrs.evolve(child, exit_date=date(2025, 12, 31), enrollment_date=date(2026, 1, 1))
    # either date alone may be missing
    assert attrs.evolve(child, enrollment_date=None, exit_date=date(2020, 1, 1)).exit_date
    assert Child(organisation_id="o", code=1, exit_date=date(2020, 1, 1)).enrollment_date is None


def _last_on_or_before(
    history: tuple[ResidenceChange, ...] | tuple[TaxpayerChange, ...], day: date
) -> ResidenceChange | TaxpayerChange | None:
    started = [entry for entry in history if entry.valid_from <= day]
    return started[-1] if started else None


@given(records.children(), st.dates(date(1999, 1, 1), date(2100, 12, 31)))
def test_the_value_on_a_day_is_the_last_change_on_or_before_it(child: Child, day: date) -> None:
    move = _last_on_or_before(child.residence_changes, day)
    if move is None:
        expected = (child.municipality_code, child.regresor_id)
    else:
        assert isinstance(move, ResidenceChange)
        expected = (move.municipality_code, move.regresor_id)
    assert child.residence_on(day) == expected
    assert child.municipality_on(day) == expected[0]
    assert child.regresor_on(day) == expected[1]
    change = _last_on_or_before(child.taxpayer_changes, day)
    assert isinstance(change, TaxpayerChange | None)
    assert child.taxpayers_on(day) == (
        child.parents_taxpayers if change is None else change.taxpayers
    )


@given(records.children(), records.residence_changes(min_size=1))
def test_change_applies_from_its_day_and_the_day_before_keeps_the_old_value(
    child: Child, moves: tuple[ResidenceChange, ...]
) -> None:
    child = attrs.evolve(child, residence_changes=moves)
    for before, move in zip((None, *moves), moves, strict=False):
        assert child.residence_on(move.valid_from) == (move.municipality_code, move.regresor_id)
        eve = move.valid_from - timedelta(days=1)
        if before is None:
            assert child.residence_on(eve) == (child.municipality_code, child.regresor_id)
        else:
            assert child.residence_on(eve) == (before.municipality_code, before.regresor_id)


@given(
    records.children(),
    st.dates(date(1999, 1, 1), date(2100, 12, 31)),
    st.integers(0, 800),
)
def test_fact_changes_between_are_the_days_a_dated_fact_starts(
    child: Child, first: date, length: int
) -> None:
    last = first + timedelta(days=length)
    days = child.fact_changes_between(first, last)
    assert list(days) == sorted(set(days))
    assert all(first < day <= last for day in days)
    starts = {
        entry.valid_from
        for history in (child.groups, child.residence_changes, child.taxpayer_changes)
        for entry in history
    }
    assert set(days) == {day for day in starts if first < day <= last}
    # Between two consecutive change days (and the ends) nothing changes: splitting the
    # period there gives parts in which every dated fact has one value.
    bounds = [first, *days, last + timedelta(days=1)]
    for start, stop in itertools.pairwise(bounds):
        probe = stop - timedelta(days=1)
        assert child.residence_on(start) == child.residence_on(probe)
        assert child.taxpayers_on(start) == child.taxpayers_on(probe)
        assert child.group_on(start) == child.group_on(probe)


def test_dated_facts_hand_example() -> None:
    # A family moves from Ljubljana (61) to Maribor (70) on 15 October and becomes
    # non-taxpayers from 1 March; the first entries are the plain fields.
    child = Child(
        organisation_id="o",
        code=1,
        municipality_code=61,
        regresor_id="r-61",
        groups=(GroupAssignment(valid_from=date(2025, 9, 1), group_code="A", program_code="I"),),
    )
    child = child.with_residence_change(
        ResidenceChange(valid_from=date(2025, 10, 15), municipality_code=70, regresor_id="r-70")
    ).with_taxpayer_change(TaxpayerChange(valid_from=date(2026, 3, 1), taxpayers=False))
    assert child.residence_on(date(2025, 10, 14)) == (61, "r-61")
    assert child.residence_on(date(2025, 10, 15)) == (70, "r-70")
    assert child.municipality_code == 61  # the first entry is unchanged
    assert [child.taxpayers_on(date(2026, m, 1)) for m in (2, 3)] == [True, False]
    assert child.fact_changes_between(date(2025, 10, 1), date(2025, 10, 31)) == (
        date(2025, 10, 15),
    )
    # the first day of the period is not a change inside it; the last day is
    assert child.fact_changes_between(date(2025, 10, 15), date(2026, 3, 1)) == (date(2026, 3, 1),)
    assert child.fact_changes_between(date(2025, 8, 1), date(2025, 9, 30)) == (date(2025, 9, 1),)
    # a change on a day that already has one replaces it
    again = child.with_residence_change(
        ResidenceChange(valid_from=date(2025, 10, 15), municipality_code=62)
    )
    assert again.residence_changes == (
        ResidenceChange(valid_from=date(2025, 10, 15), municipality_code=62),
    )
    assert again.with_taxpayer_change(
        TaxpayerChange(valid_from=date(2026, 3, 1), taxpayers=True)
    ).taxpayer_changes == (TaxpayerChange(valid_from=date(2026, 3, 1), taxpayers=True),)


@pytest.mark.parametrize(
    ("field", "entries", "code", "sl", "en"),
    [
        (
            "residence_changes",
            (
                ResidenceChange(valid_from=date(2025, 10, 1), municipality_code=61),
                ResidenceChange(valid_from=date(2025, 9, 1), municipality_code=62),
            ),
            "child.residence.order",
            "Spremembe prebivališča morajo biti urejene po datumu, brez ponovitev.",
            "Residence changes must be sorted by date, without repeats.",
        ),
        (
            "residence_changes",
            (
                ResidenceChange(valid_from=date(2025, 9, 1), municipality_code=61),
                ResidenceChange(valid_from=date(2025, 9, 1), municipality_code=62),
            ),
            "child.residence.order",
            "Spremembe prebivališča morajo biti urejene po datumu, brez ponovitev.",
            "Residence changes must be sorted by date, without repeats.",
        ),
        (
            "taxpayer_changes",
            (
                TaxpayerChange(valid_from=date(2026, 3, 1), taxpayers=False),
                TaxpayerChange(valid_from=date(2026, 1, 1), taxpayers=True),
            ),
            "child.taxpayer.order",
            "Spremembe davčnega statusa morajo biti urejene po datumu, brez ponovitev.",
            "Tax status changes must be sorted by date, without repeats.",
        ),
    ],
)
def test_histories_must_be_sorted_without_repeats(
    field: str, entries: tuple[object, ...], code: str, sl: str, en: str
) -> None:
    with pytest.raises(InvalidComponent) as err:
        Child(organisation_id="o", code=1, **{field: entries})  # type: ignore[arg-type]
    assert (err.value.code, err.value.where, err.value.sl, err.value.en) == (code, field, sl, en)
    # a list is accepted and stored as a tuple
    ordered = Child(organisation_id="o", code=1, **{field: list(reversed(entries[:1]))})  # type: ignore[arg-type]
    assert type(getattr(ordered, field)) is tuple


def test_dated_changes_check_their_fields() -> None:
    with pytest.raises(TypeError):
        ResidenceChange(valid_from="2025-10-01", municipality_code=61)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ResidenceChange(valid_from=date(2025, 10, 1), municipality_code="61")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        TaxpayerChange(valid_from=date(2026, 3, 1), taxpayers=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Child(organisation_id="o", code=1, residence_changes=(date(2025, 1, 1),))  # type: ignore[arg-type]


# --- program kinds, the coefficient cap, temporary exit ---------------------------------


@pytest.mark.parametrize("kind", [ProgramKind.DEVELOPMENTAL_UNIT, ProgramKind.PRIVATE])
def test_developmental_unit_and_private_program_need_a_reference(kind: ProgramKind) -> None:
    program = Program(organisation_id="o", code="RO", kind=kind, reference_program="I")
    assert program.reference_program == "I"
    for missing in (None, ""):
        with pytest.raises(InvalidComponent) as err:
            Program(organisation_id="o", code="RO", kind=kind, reference_program=missing)
        assert err.value.code == "program.reference.missing"
        assert err.value.where == "reference_program"
        assert err.value.sl == (
            "Razvojni oddelek in zasebni program potrebujeta primerjalni program."
        )
        assert (
            err.value.en == "A developmental unit or a private program needs a reference program."
        )
    with pytest.raises(InvalidComponent) as err:
        Program(organisation_id="o", code="RO", kind=kind, reference_program="RO")
    assert err.value.code == "program.reference.self"
    assert err.value.en == "A program cannot be its own reference program."
    assert err.value.sl == "Program ne more biti sam sebi primerjalni program."


def test_regular_program_has_no_reference_and_kinds_are_enum_members() -> None:
    assert Program(organisation_id="o", code="I").kind is ProgramKind.REGULAR
    with pytest.raises(InvalidComponent) as err:
        Program(organisation_id="o", code="I", reference_program="II")
    assert err.value.code == "program.reference.unexpected"
    assert err.value.sl == "Redni program nima primerjalnega programa."
    assert err.value.en == "A regular program has no reference program."
    with pytest.raises(TypeError):
        Program(organisation_id="o", code="I", kind="regular")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Program(
            organisation_id="o",
            code="RO",
            kind=ProgramKind.PRIVATE,
            reference_program=1,  # type: ignore[arg-type]
        )
    assert [k.value for k in ProgramKind] == ["regular", "developmental_unit", "private"]


def test_max_coefficient_is_the_top_class_and_the_bound_is_inclusive() -> None:
    assert Decimal("0.77") == MAX_COEFFICIENT
    assert isinstance(MAX_COEFFICIENT, Decimal)

    def decision(coefficient: Decimal) -> Decision:
        return Decision(
            organisation_id="o",
            id="d",
            child_code=1,
            number="x",
            coefficient=coefficient,
            valid_from=date(2025, 1, 1),
        )

    assert decision(MAX_COEFFICIENT).coefficient == Decimal("0.77")
    assert decision(Decimal("0.770")).coefficient == MAX_COEFFICIENT
    for above in (Decimal("0.7701"), Decimal("0.78"), Decimal("1.00")):
        with pytest.raises(InvalidComponent) as err:
            decision(above)
        assert err.value.code == "decision.coefficient.range"
        assert "0,77" in err.value.sl
        assert "0.77" in err.value.en


def test_temporary_exit_is_a_reservation_kind() -> None:
    assert ReservationKind("temporary_exit") is ReservationKind.TEMPORARY_EXIT
    reservation = Reservation(
        organisation_id="o",
        id="r",
        child_code=1,
        kind=ReservationKind.TEMPORARY_EXIT,
        start=date(2026, 1, 1),
        end=date(2026, 2, 28),
    )
    assert assert_roundtrip(reservation).kind is ReservationKind.TEMPORARY_EXIT
