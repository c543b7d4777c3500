"""A small synthetic kindergarten for the billing tests, built with the model records.

Program I costs 500.00 a month (food 2.50 a day).  September 2026 has 22
working days (1. 9. is a Tuesday; eight weekend days, no holiday).

========  =====================================  ==========================================
Child     Facts                                  September 2026 (hand-derived)
========  =====================================  ==========================================
1         host municipality 61, decision d-1     parents 0.53 × 500 = 265.00,
          0.53, payer guardian g-1, leads the    municipality 500 − 265 = 235.00
          merged payment group 1
2         no decision (0.77), member of group 1  parents 0.77 × 500 = 385.00, municipality 115.00
3         lives in Maribor (70), decision d-3    parents 0.35 × 500 = 175.00,
          0.35, direct debit, payer g-2          other municipality (r-70) 325.00
4         enrolled 14. 9., decision d-4 0.43     total 500 × 13/22 = 295.4545… -> 295.45,
                                                 parents 0.43 × 295.4545… = 127.045… -> 127.05,
                                                 municipality 295.45 − 127.05 = 168.40
5         inactive                               not billed
6         left on 31. 8.                         not billed
========  =====================================  ==========================================

Identifiers are synthetic, built with the check-digit functions.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from szo_core.billing import BillingOrganisation, BillingStorage
from szo_core.fees import FeeRules
from szo_core.ids import emso, iban
from szo_core.ids.emso import Sex
from szo_core.model import (
    Address,
    Child,
    Decision,
    Group,
    GroupAssignment,
    Guardian,
    GuardianKind,
    GuardianLink,
    Mandate,
    Payer,
    PaymentMethod,
    Program,
    ProgramPrice,
    Regresor,
)

ORG = "vrtec-sonce"
START = date(2026, 1, 5)

# What September 2026 bills per child and payer: (child, payer kind, payer id, amount).
SEPTEMBER = (
    (1, "parents", "1", Decimal("265.00")),
    (1, "municipality", "r-61", Decimal("235.00")),
    (2, "parents", "2", Decimal("385.00")),
    (2, "municipality", "r-61", Decimal("115.00")),
    (3, "parents", "3", Decimal("175.00")),
    (3, "other_municipality", "r-70", Decimal("325.00")),
    (4, "parents", "4", Decimal("127.05")),
    (4, "municipality", "r-61", Decimal("168.40")),
)

# The September 2026 documents, in number order: one invoice per child for the parents,
# one per municipality with its list of children: (number, child, payer, payer id, amount).
SEPTEMBER_DOCUMENTS = (
    ("2026-000001", 1, "parents", "1", Decimal("265.00")),
    ("2026-000002", 2, "parents", "2", Decimal("385.00")),
    ("2026-000003", 3, "parents", "3", Decimal("175.00")),
    ("2026-000004", 4, "parents", "4", Decimal("127.05")),
    ("2026-000005", None, "municipality", "r-61", Decimal("518.40")),  # 235.00 + 115.00 + 168.40
    ("2026-000006", None, "other_municipality", "r-70", Decimal("325.00")),
)


def organisation(org: str = ORG, **changes: object) -> BillingOrganisation:
    return BillingOrganisation(id=org, rules=FeeRules(host_municipality=61), **changes)  # type: ignore[arg-type]


def _emso(day: int, sex: Sex) -> str:
    return emso.make(date(2021, 3, day), sex)


def child(
    org: str,
    code: int,
    *,
    enrolled: date = START,
    municipality: int = 61,
    regresor: str = "r-61",
    **changes: object,
) -> Child:
    return Child(
        organisation_id=org,
        code=code,
        first_name=f"Otrok{code}",
        last_name="Kovač",
        emso=_emso(code % 28 + 1, Sex.FEMALE if code % 2 else Sex.MALE),
        municipality_code=municipality,
        regresor_id=regresor,
        enrollment_date=enrolled,
        groups=(GroupAssignment(valid_from=enrolled, group_code="A", program_code="I"),),
        **changes,  # type: ignore[arg-type]
    )


def decision(org: str, id: str, code: int, coefficient: str, **changes: object) -> Decision:
    fields: dict[str, object] = {"valid_from": date(2026, 1, 1), **changes}
    return Decision(
        organisation_id=org,
        id=id,
        child_code=code,
        number=f"{id}/2026",
        coefficient=Decimal(coefficient),
        **fields,  # type: ignore[arg-type]
    )


def records(org: str = ORG) -> list[object]:
    home = Address(street="Čopova ulica 7", post_code="1000", city="Ljubljana")
    mandate = Mandate(
        bank="NLB",
        iban=iban.make_si("02010", "00123456"),
        reference="VRT-0003",
        signed_on=date(2025, 8, 20),
    )
    return [
        Program(
            organisation_id=org,
            code="I",
            name="1. starostno obdobje",
            prices=(
                ProgramPrice(
                    valid_from=date(2026, 1, 1),
                    monthly=Decimal("500.00"),
                    food_per_day=Decimal("2.50"),
                ),
            ),
        ),
        Group(organisation_id=org, code="A", name="Metulji", program_code="I"),
        Regresor(
            organisation_id=org, id="r-61", name="Mestna občina Ljubljana", municipality_code=61
        ),
        Regresor(
            organisation_id=org, id="r-70", name="Mestna občina Maribor", municipality_code=70
        ),
        Guardian(
            organisation_id=org,
            id="g-1",
            first_name="Ana",
            last_name="Novak",
            address=home,
            emso=emso.make(date(1990, 5, 17), Sex.FEMALE),
        ),
        Guardian(
            organisation_id=org,
            id="g-2",
            first_name="Marko",
            last_name="Horvat",
            address=Address(street="Glavni trg 1", post_code="2000", city="Maribor"),
            emso=emso.make(date(1988, 2, 3), Sex.MALE),
        ),
        child(
            org,
            1,
            payer=Payer.guardian("g-1"),
            guardians=(GuardianLink(guardian_id="g-1", kind=GuardianKind.MOTHER),),
            payment_group_lead=1,
        ),
        child(
            org,
            2,
            guardians=(GuardianLink(guardian_id="g-1", kind=GuardianKind.MOTHER),),
            payment_group_lead=1,
        ),
        child(
            org,
            3,
            municipality=70,
            regresor="r-70",
            payer=Payer.guardian("g-2"),
            guardians=(GuardianLink(guardian_id="g-2", kind=GuardianKind.FATHER),),
            payment=PaymentMethod.direct_debit(mandate),
        ),
        child(
            org,
            4,
            enrolled=date(2026, 9, 14),
            guardians=(GuardianLink(guardian_id="g-2", kind=GuardianKind.FATHER),),
        ),
        child(org, 5, inactive=True),
        child(org, 6, exit_date=date(2026, 8, 31)),
        decision(org, "d-1", 1, "0.53"),
        decision(org, "d-3", 3, "0.35"),
        # Children 3 and 4 share guardian g-2, so billing counts 4 as the younger
        # enrolled sibling; the decision's own sibling order (1: the centre for
        # social work counted no sibling) takes precedence, so 4 pays as in the table.
        decision(org, "d-4", 4, "0.43", sibling_order=1),
    ]


_REPOSITORY = {
    Program: "programs",
    Group: "groups",
    Regresor: "regresors",
    Guardian: "guardians",
    Child: "children",
    Decision: "decisions",
}


def add_world(store: BillingStorage, org: str = ORG) -> None:
    """Store the organisation's records in one committed unit of work."""
    with store.unit_of_work() as uow:
        for record in records(org):
            getattr(uow, _REPOSITORY[type(record)]).add(record)
        uow.commit()
