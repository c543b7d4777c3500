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
        (DocumentKind.INVOICE, "resident", "3", 3, Decimal("600.00")),
        (DocumentKind.INVOICE, "relative", "relative:sin", 3, Decimal("150.00")),
        (DocumentKind.INVOICE, "resident", "4", 4, Decimal("781.94")),
        (DocumentKind.INVOICE, "municipality", "SI-061", None, Decimal("200.61")),
        (DocumentKind.CLAIM, "care_fund", "ZZZS", None, Decimal("630.00")),
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
    assert by[("resident", "3")] == Decimal("600.00")
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
    relative = payable[by_payer[("relative", "relative:sin")]]
    own = payable[by_payer[("resident", "3")]]
    assert (relative.payer_name, relative.amount) == ("Marko Novak", Decimal("150.00"))
    assert relative.method is PaymentKind.UPN
    assert (own.payer_name, own.amount) == ("Eva Novak", Decimal("600.00"))


def test_a_care_home_payer_is_a_kind_of_its_own(opened: Opened) -> None:
    from szo_core.billing.export import list_rows, statement_rows
    from szo_core.fees import PayerKind

    _fill(opened)
    result = run_billing(HOME, SEP, opened.store, issued_on=date(2026, 10, 2))
    assert PayerKind.RESIDENT is not PayerKind.PARENTS
    assert PayerKind.CARE_FUND is not PayerKind.STATE
    statement = next(s for s in result.statements if s.child_code == 3)
    assert {line.payer for line in statement.lines} == {
        PayerKind.RESIDENT,
        PayerKind.RELATIVE,
        PayerKind.MUNICIPALITY,
    }
    assert statement.totals()[PayerKind.PARENTS] == 0
    text = statement.explain()
    assert text.endswith("Totals: resident 600.00, relative 150.00, municipality 200.61")
    assert "parents" not in text
    html = statement._repr_html_()
    assert ">resident<" in html
    assert ">relative<" in html
    assert ">parents<" not in html
    assert ">state<" not in html
    # the listing names each kind in Slovenian
    with opened.store.unit_of_work() as uow:
        stored = uow.billing.invoices(ORG, result.run.id)
    assert stored == result.documents  # the kinds survive the storage round trip
    _, *rows = statement_rows(result, "sl")
    payers = {(row[7], row[8]) for row in rows}
    assert payers == {
        ("stanovalec", "3"),
        ("zavezanec", "relative:sin"),
        ("stanovalec", "4"),
        ("občina", "SI-061"),
        ("nosilec dolgotrajne oskrbe", "ZZZS"),
    }
    _, *entries = list_rows(result, "en")
    assert {row[2] for row in entries} == {"municipality", "care_fund"}


def test_migration_0018_rewrites_a_care_homes_old_payer_kinds(sql_opened: Opened) -> None:
    """Rows stored as ``parents``/``state`` for a care home read back as its own kinds."""
    from sqlalchemy import text
    from tests.billing._world import ORG as KINDERGARTEN
    from tests.billing._world import organisation

    from szo_core.adapters.sql import make_engine, migrate
    from szo_core.fees import PayerKind

    _fill(sql_opened)
    run_billing(HOME, SEP, sql_opened.store, issued_on=date(2026, 10, 2))
    run_billing(organisation(), SEP, sql_opened.store, issued_on=date(2026, 10, 2))
    close_run(ORG, SEP, sql_opened.store, closed_on=date(2026, 10, 3))
    assert sql_opened.url is not None
    engine = make_engine(sql_opened.url)
    kinds = text(
        "SELECT organisation_id, payer_kind, payer_id FROM szo_billing_document "
        "UNION SELECT organisation_id, payer_kind, payer_id FROM szo_billed"
    )
    try:
        with engine.connect() as conn:
            before = {tuple(row) for row in conn.execute(kinds)}
        assert migrate(engine, "0016_receivables") == "0016_receivables"
        with engine.connect() as conn:
            old = {tuple(row) for row in conn.execute(kinds)}
        # what a database billed before the new kinds holds
        assert {k for o, k, _ in old if o == ORG} == {"parents", "municipality", "state"}
        assert (ORG, "parents", "relative:sin") in old
        migrate(engine)
        with engine.connect() as conn:
            assert {tuple(row) for row in conn.execute(kinds)} == before
    finally:
        engine.dispose()
    assert {k for o, k, _ in before if o == ORG} == {
        "resident",
        "relative",
        "municipality",
        "care_fund",
    }
    assert {k for o, k, _ in before if o == KINDERGARTEN} <= {
        "parents",
        "state",
        "municipality",
        "other_municipality",
    }
    assert any(o == KINDERGARTEN and k == "parents" for o, k, _ in before)
    # the next month compares like with like: nothing changed, so nothing is corrected
    october = run_billing(HOME, OCT, sql_opened.store, issued_on=date(2026, 11, 2))
    assert october.corrections == ()
    assert {d.payer for d in october.documents} == {
        PayerKind.RESIDENT,
        PayerKind.RELATIVE,
        PayerKind.MUNICIPALITY,
        PayerKind.CARE_FUND,
    }


def test_closing_a_month_locks_the_care_home_prices_it_used(opened: Opened) -> None:
    import attrs
    import pytest

    from szo_core.errors import RecordLockedError

    _fill(opened)
    september = run_billing(HOME, SEP, opened.store, issued_on=date(2026, 10, 2))
    close_run(ORG, SEP, opened.store, closed_on=date(2026, 10, 3))
    with opened.store.unit_of_work() as uow:
        assert uow.price_locks.locked_through(ORG, "settings", kind="care_home") == SEP.last
        stored = uow.care_home.settings(ORG)
        assert stored is not None
        first, second, third = stored.category_prices
        dearer = attrs.evolve(second, daily=Decimal("29.00"))  # Oskrba II from 1 Jan 2025
        for change in (
            attrs.evolve(stored, category_prices=(first, dearer, third)),
            attrs.evolve(stored, care_recipient="ZZZS-OE-LJ"),
            attrs.evolve(stored, room_extras=()),
        ):
            with pytest.raises(RecordLockedError) as info:
                uow.care_home.put_settings(change)
            assert info.value.code == "care_home.price.locked"
        october = CategoryPrice(
            category="III.A", valid_from=date(2026, 10, 1), daily=Decimal("34.00")
        )
        uow.care_home.put_settings(
            attrs.evolve(stored, category_prices=(*stored.category_prices, october))
        )
        uow.commit()
    result = run_billing(HOME, OCT, opened.store, issued_on=date(2026, 11, 2))
    assert result.corrections == ()  # September stays as billed
    assert sum(d.amount for d in september.documents) == Decimal("2362.55")
    care = [
        line
        for s in result.statements
        if s.child_code == 3
        for line in s.lines
        if str(line.kind) == "care"
    ]
    assert {line.price for line in care} == {Decimal("34.00")}  # III.A's new price


def test_each_payers_invoice_document_is_addressed_to_that_payer(opened: Opened) -> None:
    import attrs

    from szo_core.billing.payable import payable_invoices
    from szo_core.invoices.build import build_documents
    from szo_core.model import (
        BankAccount,
        Guardian,
        GuardianKind,
        GuardianLink,
        Organisation,
        Payer,
    )
    from szo_core.payments import instructions as pay

    _fill(opened)
    with opened.store.unit_of_work() as uow:
        for gid, first in (("sin", "Marko"), ("hci", "Eva")):
            uow.guardians.add(
                Guardian(organisation_id=ORG, id=gid, first_name=first, last_name="Novak")
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
    result = run_billing(HOME, SEP, opened.store, issued_on=date(2026, 10, 2))
    with opened.store.unit_of_work() as uow:
        data = uow.load_month(ORG, SEP)
    built = pay.build_instructions(payable_invoices(result.documents, data), period=SEP)
    home = Organisation(
        id=ORG,
        name="Dom Lipa",
        kind=OrganisationKind.CARE_HOME,
        tax_number="12345679",
        registration_number="5012341",
        accounts=(BankAccount(iban="SI56192001234567892"),),
    )
    docs = build_documents(result, data, home, built, due_on=date(2026, 10, 18))
    by_number = {d.number: d for d in docs}
    buyers = {
        (str(d.payer), d.payer_id): by_number[d.number].buyer.name
        for d in result.documents
        if d.number in by_number
    }
    assert buyers[("relative", "relative:sin")] == "Marko Novak"
    assert buyers[("resident", "3")] == "Eva Novak"
    relative = next(by_number[d.number] for d in result.documents if d.payer_id == "relative:sin")
    # the relative's document carries the relative's line, not the resident's
    assert [line.amount for line in relative.lines] == [Decimal("150.00")]
    assert relative.total == Decimal("150.00")


def test_the_residents_and_relatives_invoices_become_receivables(opened: Opened) -> None:
    import attrs

    from szo_core.billing.payable import payable_invoices
    from szo_core.model import Guardian, GuardianKind, GuardianLink, Payer
    from szo_core.payments.instructions import build_instructions
    from szo_core.receivables import items_from_billing

    _fill(opened)
    with opened.store.unit_of_work() as uow:
        uow.guardians.add(
            Guardian(organisation_id=ORG, id="sin", first_name="Marko", last_name="Novak")
        )
        resident = uow.children.get(ORG, 3)
        uow.children.update(
            attrs.evolve(
                resident,
                guardians=(GuardianLink(guardian_id="sin", kind=GuardianKind.OTHER),),
                payer=Payer.guardian("sin"),
            )
        )
        uow.commit()
    result = run_billing(HOME, SEP, opened.store, issued_on=date(2026, 10, 2))
    with opened.store.unit_of_work() as uow:
        data = uow.load_month(ORG, SEP)
    due = date(2026, 10, 18)
    built = build_instructions(payable_invoices(result.documents, data), period=SEP)
    with_slips = items_from_billing(result.documents, built.instructions, data, due_on=due)
    # Without instructions (a credit note has none) the payer comes from the records.
    alone = items_from_billing(result.documents, (), data, due_on=due)
    for items in (with_slips, alone):
        assert sorted((i.payer_id, i.amount) for i in items) == [
            ("child:4", Decimal("781.94")),
            ("guardian:sin", Decimal("150.00")),
            ("guardian:sin", Decimal("600.00")),
        ]
