"""A school billed through the one billing run: invoices, the state's claim, corrections."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from tests.billing.conftest import Opened

from szo_core.billing import BillingOrganisation, DocumentKind, close_run, run_billing
from szo_core.calendar import Month
from szo_core.errors import ConfigurationError
from szo_core.fees import FeeRules, PayerKind
from szo_core.fees.kindergarten.plug import KindergartenPlug
from szo_core.fees.plug import bind
from szo_core.model import Child, OrganisationKind
from szo_core.model.school import (
    DeadlineKind,
    DeadlineRule,
    IncomeClassRecord,
    MealCancellation,
    MealPrice,
    MealSignup,
    SchoolMealSettings,
)

ORG = "os-soncek"
SCHOOL = BillingOrganisation(
    id=ORG, rules=FeeRules(host_municipality=61), kind=OrganisationKind.SCHOOL
)
SEP, OCT = Month(2026, 9), Month(2026, 10)


def _fill(opened: Opened) -> None:
    with opened.store.unit_of_work() as uow:
        for code in (1, 2):
            uow.children.add(
                Child(organisation_id=ORG, code=code, enrollment_date=date(2026, 9, 1))
            )
            for meal in ("malica", "lunch"):
                uow.school_meals.add(
                    MealSignup(
                        organisation_id=ORG,
                        id=f"{code}-{meal}",
                        child_code=code,
                        meal=meal,
                        valid_from=date(2026, 9, 1),
                        valid_to=date(2027, 6, 24),
                    )
                )
        uow.school_meals.add(
            IncomeClassRecord(
                organisation_id=ORG,
                id="i1",
                child_code=1,
                valid_from=date(2026, 1, 1),
                income_class=5,
                free_malica=True,
            )
        )
        uow.school_meals.put_settings(
            SchoolMealSettings(
                organisation_id=ORG,
                prices=(
                    MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.00")),
                ),
                deadlines=(
                    DeadlineRule(
                        valid_from=date(2026, 9, 1), kind=DeadlineKind.SAME_DAY, by=time(8, 30)
                    ),
                ),
            )
        )
        uow.commit()


def test_a_school_month_is_invoiced_to_the_parents_and_claimed_from_the_state(
    opened: Opened,
) -> None:
    _fill(opened)
    result = run_billing(SCHOOL, SEP, opened.store, issued_on=date(2026, 10, 2))
    # September 2026: 22 school days.  Pupil 1 (class 5, free malica): malica 22 × 1.10 =
    # 24.20 by the state, lunch 0.5 × 3.00 × 22 = 33.00 each.  Pupil 2: 24.20 + 66.00.
    docs = [(d.kind, str(d.payer), d.child_code, d.amount) for d in result.documents]
    assert docs == [
        (DocumentKind.INVOICE, "parents", 1, Decimal("33.00")),
        (DocumentKind.INVOICE, "parents", 2, Decimal("90.20")),
        (DocumentKind.CLAIM, "state", None, Decimal("57.20")),
    ]
    claim = result.documents[-1]
    assert [(e.child_code, e.amount) for e in claim.entries] == [(1, Decimal("57.20"))]
    assert result.documents[0].number == "2026-000001"
    assert result.documents[0].reference is not None
    lines = [(x.kind, x.description, x.amount) for x in result.documents[1].lines]
    assert lines == [
        ("meal", "obroki: malica 09/2026", Decimal("24.20")),
        ("meal", "obroki: kosilo 09/2026", Decimal("66.00")),
    ]


def test_a_late_income_record_and_a_late_cancellation_are_corrected_next_month(
    opened: Opened,
) -> None:
    _fill(opened)
    run_billing(SCHOOL, SEP, opened.store, issued_on=date(2026, 10, 2))
    close_run(ORG, SEP, opened.store, closed_on=date(2026, 10, 3))
    with opened.store.unit_of_work() as uow:
        # CEUVIZ reports pupil 2 in class 4 from 1 September (after September was billed);
        # a cancellation of pupil 1's lunch on 30 September, made in time, entered late.
        uow.school_meals.add(
            IncomeClassRecord(
                organisation_id=ORG,
                id="i2",
                child_code=2,
                valid_from=date(2026, 9, 1),
                income_class=4,
            )
        )
        uow.school_meals.add(
            MealCancellation(
                organisation_id=ORG,
                id="c1",
                child_code=1,
                start=date(2026, 9, 30),
                end=date(2026, 9, 30),
                made_at=datetime(2026, 9, 30, 7, 0),
                meal="lunch",
            )
        )
        uow.commit()
    october = run_billing(SCHOOL, OCT, opened.store, issued_on=date(2026, 11, 2))
    found = sorted(
        (c.child_code, str(c.payer), c.original_month, c.billed, c.due) for c in october.corrections
    )
    assert found == [
        # pupil 1: one lunch less, 1.50 each for the parents and the state
        (1, "parents", SEP, Decimal("33.00"), Decimal("31.50")),
        (1, "state", SEP, Decimal("57.20"), Decimal("55.70")),
        # pupil 2: the lunch now fully subsidised: 66.00 moves from the parents to the state
        (2, "parents", SEP, Decimal("90.20"), Decimal("24.20")),
        (2, "state", SEP, Decimal("0.00"), Decimal("66.00")),
    ]
    by_child = {d.child_code: d for d in october.documents if d.payer is PayerKind.PARENTS}
    # October: 22 school days; pupil 2 pays the malica only, 24.20, less the 66.00 corrected.
    assert by_child[2].amount == Decimal("24.20") - Decimal("66.00")
    assert by_child[2].kind is DocumentKind.CREDIT_NOTE
    # A third run changes nothing: the fingerprints are stored.
    close_run(ORG, OCT, opened.store, closed_on=date(2026, 11, 3))
    november = run_billing(SCHOOL, Month(2026, 11), opened.store, issued_on=date(2026, 12, 2))
    assert november.corrections == ()


def test_the_plug_must_be_the_organisations_kind(opened: Opened) -> None:
    _fill(opened)
    with pytest.raises(ConfigurationError) as info:
        run_billing(
            SCHOOL, SEP, opened.store, issued_on=date(2026, 10, 2), plug=bind(KindergartenPlug())
        )
    assert info.value.code == "billing.plug_kind"


def test_closing_a_month_locks_the_meal_prices_it_used(opened: Opened) -> None:
    import attrs

    from szo_core.errors import RecordLockedError

    _fill(opened)
    run_billing(SCHOOL, SEP, opened.store, issued_on=date(2026, 10, 2))
    with opened.store.unit_of_work() as uow:
        stored = uow.school_meals.settings(ORG)
        assert stored is not None
        assert uow.price_locks.locked_through(ORG, "settings", kind="school_meals") is None
        # an open month may still be corrected in place
        stored = uow.school_meals.put_settings(attrs.evolve(stored, illness_keeps_subsidy=True))
        uow.commit()
    close_run(ORG, SEP, opened.store, closed_on=date(2026, 10, 3))
    dearer = MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.20"))
    with opened.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "settings", kind="school_meals") == SEP.last
        with pytest.raises(RecordLockedError) as info:  # a retroactive price for September
            uow.school_meals.put_settings(attrs.evolve(stored, prices=(dearer,)))
        assert info.value.code == "school_meals.price.locked"
        # a new dated price from October is a new entry
        october = attrs.evolve(dearer, valid_from=date(2026, 10, 1))
        uow.school_meals.put_settings(attrs.evolve(stored, prices=(*stored.prices, october)))
        uow.commit()
    result = run_billing(SCHOOL, OCT, opened.store, issued_on=date(2026, 11, 2))
    assert result.corrections == ()  # September stays as billed
    lunch = [
        line
        for s in result.statements
        if s.child_code == 2
        for line in s.lines
        if line.rule == "lunch" and line.payer is PayerKind.PARENTS
    ]
    assert {line.price for line in lunch} == {Decimal("3.20")}
