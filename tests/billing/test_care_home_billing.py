"""A care home billed through the one billing run: a document per payer, claims, corrections."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.billing.conftest import Opened

from szo_core.billing import BillingOrganisation, DocumentKind, close_run, run_billing
from szo_core.calendar import Month
from szo_core.fees import FeeRules
from szo_core.model import Child, OrganisationKind
from szo_core.model.care_home import (
    CareAbsence,
    CareHomeSettings,
    CarePaymentDecision,
    CareStay,
    CategoryPrice,
    FoodCost,
    NewRegimePrice,
    RelativeShare,
    ResidentStays,
    RoomExtra,
)

ORG = "dom-lipa"
HOME = BillingOrganisation(
    id=ORG, rules=FeeRules(host_municipality=61), kind=OrganisationKind.CARE_HOME
)
SEP, OCT = Month(2026, 9), Month(2026, 10)
SINCE = date(2025, 1, 1)


def _fill(opened: Opened, *, relative: bool = True) -> None:
    with opened.store.unit_of_work() as uow:
        for code in (3, 4):
            uow.children.add(
                Child(organisation_id=ORG, code=code, enrollment_date=date(2024, 5, 1))
            )
        uow.care_home.put_settings(
            CareHomeSettings(
                organisation_id=ORG,
                category_prices=tuple(
                    CategoryPrice(category=c, valid_from=SINCE, daily=Decimal(p))
                    for c, p in (("I", "22.27"), ("II", "27.98"), ("III.A", "33.68"))
                ),
                room_extras=(RoomExtra(room="single", valid_from=SINCE, percent=Decimal(10)),),
                food=(FoodCost(valid_from=SINCE, daily=Decimal("2.58")),),
                new_regime_prices=(
                    NewRegimePrice(
                        room="double-shared",
                        valid_from=date(2025, 12, 1),
                        accommodation=Decimal("27.50"),
                        care=Decimal("21.00"),
                    ),
                ),
            )
        )
        uow.care_home.add(
            ResidentStays(
                organisation_id=ORG,
                resident_code=3,
                stays=(
                    CareStay(valid_from=date(2024, 5, 1), category="II"),
                    CareStay(valid_from=date(2026, 9, 16), category="III.A", room="single"),
                ),
            )
        )
        uow.care_home.add(
            ResidentStays(
                organisation_id=ORG,
                resident_code=4,
                stays=(
                    CareStay(
                        valid_from=date(2025, 12, 1),
                        category="II",
                        room="double-shared",
                        regime="zdosk-1",
                    ),
                ),
            )
        )
        uow.care_home.add(
            CareAbsence(
                organisation_id=ORG,
                id="a1",
                resident_code=3,
                start=date(2026, 9, 21),
                end=date(2026, 9, 26),
            )
        )
        uow.care_home.add(
            CarePaymentDecision(
                organisation_id=ORG,
                id="d1",
                resident_code=3,
                number="122-7/2026",
                valid_from=date(2026, 1, 1),
                resident_monthly=Decimal("600.00"),
                relatives=(RelativeShare(payer_id="sin", monthly=Decimal("150.00")),)
                if relative
                else (),
                municipality_code=61,
            )
        )
        uow.commit()


def test_each_payer_gets_its_own_document(opened: Opened) -> None:
    _fill(opened)
    result = run_billing(HOME, SEP, opened.store, issued_on=date(2026, 10, 2))
    docs = [(d.kind, str(d.payer), d.payer_id, d.child_code, d.amount) for d in result.documents]
    # Resident 3 (the worked example of tests/care_home): 950.61 = 600.00 + 150.00 + 200.61.
    # Resident 4 under ZDOsk-1: 30 × 27.50 = 825.00 capped at 781.94; care 30 × 21.00 = 630.00.
    assert docs == [
        (DocumentKind.INVOICE, "parents", "3", 3, Decimal("600.00")),
        (DocumentKind.INVOICE, "parents", "relative:sin", 3, Decimal("150.00")),
        (DocumentKind.INVOICE, "parents", "4", 4, Decimal("781.94")),
        (DocumentKind.INVOICE, "municipality", "SI-061", None, Decimal("200.61")),
        (DocumentKind.CLAIM, "state", "ZZZS", None, Decimal("630.00")),
    ]
    numbers = [d.number for d in result.documents if d.kind is DocumentKind.INVOICE]
    assert numbers == ["2026-000001", "2026-000002", "2026-000003", "2026-000004"]
    resident = result.documents[0]
    assert [line.description for line in resident.lines][:4] == [
        "oskrba 09/2026",
        "oskrba 09/2026",
        "doplačilo za sobo 09/2026",
        "odbitek hrane 09/2026",
    ]


def test_a_late_decision_moves_the_money_between_payers_as_a_correction(opened: Opened) -> None:
    _fill(opened, relative=False)
    september = run_billing(HOME, SEP, opened.store, issued_on=date(2026, 10, 2))
    by = {(str(d.payer), d.payer_id): d.amount for d in september.documents}
    assert by[("parents", "3")] == Decimal("600.00")
    assert by[("municipality", "SI-061")] == Decimal("350.61")
    close_run(ORG, SEP, opened.store, closed_on=date(2026, 10, 3))
    with opened.store.unit_of_work() as uow:
        # The CSD's new decision from 1 September: the son pays 150.00 a month.
        uow.care_home.add(
            CarePaymentDecision(
                organisation_id=ORG,
                id="d2",
                resident_code=3,
                number="122-9/2026",
                valid_from=date(2026, 9, 1),
                resident_monthly=Decimal("600.00"),
                relatives=(RelativeShare(payer_id="sin", monthly=Decimal("150.00")),),
                municipality_code=61,
            )
        )
        uow.commit()
    october = run_billing(HOME, OCT, opened.store, issued_on=date(2026, 11, 2))
    found = sorted(
        (c.payer_id, c.original_month, c.billed, c.due)
        for c in october.corrections
        if c.child_code == 3
    )
    assert found == [
        ("SI-061", SEP, Decimal("350.61"), Decimal("200.61")),
        ("relative:sin", SEP, Decimal("0.00"), Decimal("150.00")),
    ]
    corrections = {(c.payer_id, c.original_month): c.amount for c in october.corrections}
    assert corrections[("SI-061", SEP)] == Decimal("-150.00")
    assert corrections[("relative:sin", SEP)] == Decimal("150.00")
    assert ("3", SEP) not in corrections  # the resident's part did not change


def test_a_liable_relative_pays_their_own_invoice_by_slip(opened: Opened) -> None:
    import attrs
    import pytest

    from szo_core.billing.payable import payable_invoices
    from szo_core.errors import BillingError
    from szo_core.model import Guardian, GuardianKind, GuardianLink, Payer, PaymentKind

    _fill(opened)
    result = run_billing(HOME, SEP, opened.store, issued_on=date(2026, 10, 2))
    with opened.store.unit_of_work() as uow:
        data = uow.load_month(ORG, SEP)
    with pytest.raises(BillingError) as info:  # "sin" is not entered as a guardian
        payable_invoices(result.documents, data)
    assert info.value.code == "billing.payable.relative"
    with opened.store.unit_of_work() as uow:
        uow.guardians.add(
            Guardian(organisation_id=ORG, id="sin", first_name="Marko", last_name="Novak")
        )
        uow.guardians.add(
            Guardian(organisation_id=ORG, id="hci", first_name="Eva", last_name="Novak")
        )
        resident = uow.children.get(ORG, 3)
        uow.children.update(
            attrs.evolve(
                resident,
                guardians=(
                    GuardianLink(guardian_id="hci", kind=GuardianKind.OTHER),
                    GuardianLink(guardian_id="sin", kind=GuardianKind.OTHER),
                ),
                payer=Payer.guardian("hci"),
            )
        )
        uow.commit()
    with opened.store.unit_of_work() as uow:
        data = uow.load_month(ORG, SEP)
    payable = {p.number: p for p in payable_invoices(result.documents, data)}
    by_payer = {(str(d.payer), d.payer_id): d.number for d in result.documents}
    relative = payable[by_payer[("parents", "relative:sin")]]
    own = payable[by_payer[("parents", "3")]]
    assert (relative.payer_name, relative.amount) == ("Marko Novak", Decimal("150.00"))
    assert relative.method is PaymentKind.UPN
    assert (own.payer_name, own.amount) == ("Eva Novak", Decimal("600.00"))
