"""The demo's small school and small care home, billed next to the kindergarten.

:func:`generate_others` builds, from one seed and the first month, two more
organisations in the same database:

* **OŠ Sonček** (``os-soncek``, :attr:`~szo_core.model.OrganisationKind.SCHOOL`):
  12 pupils with malica and lunch sign-ups, income class records (some with a
  free malica, classes 1 to 9), cancellations in time and too late, two free
  days of the school calendar; in the second month the register reports one
  pupil's income class from the first month (a correction);
* **Dom Lipa** (``dom-lipa``, :attr:`~szo_core.model.OrganisationKind.CARE_HOME`):
  6 residents, four under the old regime (categories, a single-room extra, a
  category change in the first month) and two under ZDOsk-1 (the cap, the care
  part's claim to ZZZS), absences, and CSD decisions with liable relatives and
  the municipality; in the second month a late decision adds a relative.

The pupils and residents are the register's people of a second sample
(:func:`szo_core.demo.sample.generate`, seeded from the demo's seed), moved to
the new organisation: synthetic names, EMŠOs, guardians, payers and mandates.
Both exist only from 1 December 2025 on (the two care regimes side by side, and
the lunch subsidy scale of 2023): for an earlier first month the demo bills the
kindergarten alone.

>>> from szo_core.calendar import Month
>>> others = generate_others(Month(2026, 9), seed=2026)
>>> [(o.organisation.id, str(o.organisation.kind), len(o.people)) for o in others]
[('os-soncek', 'school', 12), ('dom-lipa', 'care_home', 6)]
>>> generate_others(Month(2021, 8), seed=1)
()
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

import attrs

from szo_core.calendar import Month
from szo_core.demo.sample import generate
from szo_core.model import (
    Address,
    BankAccount,
    Child,
    Guardian,
    Organisation,
    OrganisationKind,
    Regresor,
)
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
from szo_core.model.school import (
    DeadlineKind,
    DeadlineRule,
    FreeDay,
    IncomeClassRecord,
    MealCancellation,
    MealPrice,
    MealSignup,
    SchoolMealSettings,
)
from szo_core.ports import UnitOfWork

__all__ = ["FIRST_MONTH", "SampleOrganisation", "generate_others"]

FIRST_MONTH: Final = Month(2025, 12)
"""The first month the demo bills a school and a care home in."""

_HOST: Final = 61


@attrs.frozen(kw_only=True)
class SampleOrganisation:
    """One more organisation of the demo and its records.

    Attributes:
        organisation: The organisation record (its kind chooses the fee engine).
        people: The pupils or residents (the register's records).
        guardians: Their guardians (the payers).
        records: The school meal or care home records known before the first run.
        settings: The school's meal settings or the home's settings.
        late: Records that arrive after the first month was billed and closed.
        regresors: The municipalities of the people (their regresor records).
    """

    organisation: Organisation
    people: tuple[Child, ...]
    guardians: tuple[Guardian, ...]
    records: tuple[object, ...]
    settings: SchoolMealSettings | CareHomeSettings
    late: tuple[object, ...] = ()
    regresors: tuple[Regresor, ...] = ()

    def store(self, uow: UnitOfWork) -> None:
        """Add the organisation, its people and records (not the late ones) to ``uow``."""
        uow.organisations.add(self.organisation)
        for regresor in self.regresors:
            uow.regresors.add(regresor)
        for guardian in self.guardians:
            uow.guardians.add(guardian)
        for person in self.people:
            uow.children.add(person)
        self._records(uow, self.records, settings=True)

    def store_late(self, uow: UnitOfWork) -> None:
        """Add the late records to ``uow``."""
        self._records(uow, self.late, settings=False)

    def _records(self, uow: UnitOfWork, records: tuple[object, ...], *, settings: bool) -> None:
        if isinstance(self.settings, SchoolMealSettings):
            if settings:
                uow.school_meals.put_settings(self.settings)
            for record in records:
                uow.school_meals.add(record)  # type: ignore[arg-type]
        else:
            if settings:
                uow.care_home.put_settings(self.settings)
            for record in records:
                uow.care_home.add(record)  # type: ignore[arg-type]


def _people(
    organisation: Organisation, count: int, seed: int, first: Month, since: date
) -> tuple[tuple[Child, ...], tuple[Guardian, ...], tuple[Regresor, ...]]:
    """``count`` people of a second sample, moved to ``organisation``."""
    sample = generate(first_month=first, children=count, seed=seed)
    org = organisation.id
    people = tuple(
        attrs.evolve(
            c,
            organisation_id=org,
            enrollment_date=min(since, c.enrollment_date or since),
            exit_date=None,
            groups=(),
            inactive=False,
        )
        for c in sample.children
    )
    linked = {g.guardian_id for c in people for g in c.guardians}
    guardians = tuple(
        attrs.evolve(g, organisation_id=org) for g in sample.guardians if g.id in linked
    )
    regresors = tuple(attrs.evolve(r, organisation_id=org) for r in sample.regresors)
    return people, guardians, regresors


def _organisation(
    seed: int, first: Month, org_id: str, kind: OrganisationKind, name: str, street: str
) -> tuple[Organisation, int]:
    sample = generate(first_month=first, children=1, seed=seed)
    k = sample.kindergarten
    record = Organisation(
        id=org_id,
        kind=kind,
        name=name,
        address=Address(street=street, post_code="1000", city="Ljubljana"),
        tax_number=k.tax_number,
        registration_number="5012341",
        accounts=(
            BankAccount(iban=k.iban, bic=k.bic, bank="Uprava Republike Slovenije za javna plačila"),
        ),
        creditor_id=k.creditor_id,
        budget_user=True,
        host_municipality=_HOST,
        email=f"racuni@{org_id}.example",
    )
    return record, seed


def _school(first: Month, seed: int) -> SampleOrganisation:
    org, _ = _organisation(
        seed + 1, first, "os-soncek", OrganisationKind.SCHOOL, "OŠ Sonček", "Šolska ulica 1"
    )
    rnd = random.Random(seed + 11)
    year_start = date(first.year if first.month >= 9 else first.year - 1, 9, 1)
    people, guardians, regresors = _people(org, 12, seed + 1, first, year_start)
    second = first.next()
    settings = SchoolMealSettings(
        organisation_id=org.id,
        prices=(
            MealPrice(meal="lunch", valid_from=year_start, price=Decimal("3.00")),
            MealPrice(meal="malica", valid_from=year_start, price=Decimal("1.10")),
            MealPrice(meal="lunch", valid_from=second.first, price=Decimal("3.20")),
        ),
        deadlines=(
            DeadlineRule(valid_from=year_start, kind=DeadlineKind.SAME_DAY, by=time(8, 30)),
        ),
        free_days=(
            FreeDay(start=first.last - timedelta(days=1), end=first.last, name="pouka prost dan"),
        ),
    )
    records: list[object] = []
    days = [first.first + timedelta(days=i) for i in range(first.last.day)]
    for i, pupil in enumerate(people):
        code = pupil.code
        for meal in ("malica", "lunch") if i % 4 else ("malica",):
            records.append(
                MealSignup(
                    organisation_id=org.id,
                    id=f"{code}-{meal}",
                    child_code=code,
                    meal=meal,
                    valid_from=year_start,
                )
            )
        if i % 3 != 2:
            cls = 1 + (i * 7) % 9
            records.append(
                IncomeClassRecord(
                    organisation_id=org.id,
                    id=f"{code}-i",
                    child_code=code,
                    valid_from=year_start,
                    income_class=cls,
                    free_malica=cls <= 5,
                )
            )
        for n in range(rnd.randint(0, 2)):
            day = rnd.choice(days)
            late = rnd.random() < 0.4
            records.append(
                MealCancellation(
                    organisation_id=org.id,
                    id=f"{code}-c{n}",
                    child_code=code,
                    start=day,
                    end=day + timedelta(days=rnd.randint(0, 2)),
                    made_at=datetime.combine(day, time(10 if late else 7, 15)),
                    meal="lunch" if rnd.random() < 0.5 else None,
                    sudden_illness=late and rnd.random() < 0.5,
                )
            )
    # The register reports a pupil without a record (class 3, from the school year's start)
    # after the first month was billed: the second month corrects the first.
    without = next(p for i, p in enumerate(people) if i % 3 == 2 and i % 4)
    late_record = IncomeClassRecord(
        organisation_id=org.id,
        id=f"{without.code}-i",
        child_code=without.code,
        valid_from=year_start,
        income_class=3,
        free_malica=True,
    )
    return SampleOrganisation(
        organisation=org,
        people=people,
        guardians=guardians,
        records=tuple(records),
        settings=settings,
        late=(late_record,),
        regresors=regresors,
    )


def _care_home(first: Month, seed: int) -> SampleOrganisation:
    org, _ = _organisation(
        seed + 2,
        first,
        "dom-lipa",
        OrganisationKind.CARE_HOME,
        "Dom starejših Lipa",
        "Lipova ulica 5",
    )
    since = date(2024, 5, 1)
    people, guardians, regresors = _people(org, 6, seed + 2, first, since)
    start = date(2025, 1, 1)
    settings = CareHomeSettings(
        organisation_id=org.id,
        category_prices=tuple(
            CategoryPrice(category=c, valid_from=start, daily=Decimal(p))
            for c, p in (
                ("I", "22.27"),
                ("II", "27.98"),
                ("III.A", "33.68"),
                ("III.B", "38.63"),
                ("IV", "34.20"),
            )
        ),
        room_extras=(RoomExtra(room="single", valid_from=start, percent=Decimal(10)),),
        food=(FoodCost(valid_from=start, daily=Decimal("2.58")),),
        new_regime_prices=(
            NewRegimePrice(
                room="double-shared",
                valid_from=FIRST_MONTH.first,
                accommodation=Decimal("27.50"),
                care=Decimal("21.00"),
            ),
        ),
    )
    mid = first.first + timedelta(days=15)
    histories: list[tuple[CareStay, ...]] = [
        (
            CareStay(valid_from=since, category="II"),
            CareStay(valid_from=mid, category="III.A", room="single"),
        ),
        (CareStay(valid_from=since, category="I"),),
        (CareStay(valid_from=since, category="IV", room="single"),),
        (CareStay(valid_from=since, category="III.B"),),
        (
            CareStay(
                valid_from=FIRST_MONTH.first, category="II", room="double-shared", regime="zdosk-1"
            ),
        ),
        (
            CareStay(
                valid_from=FIRST_MONTH.first,
                category="III.A",
                room="double-shared",
                regime="zdosk-1",
            ),
        ),
    ]
    records: list[object] = []
    for person, stays in zip(people, histories, strict=True):
        records.append(
            ResidentStays(organisation_id=org.id, resident_code=person.code, stays=stays)
        )

    def decision(
        person: Child,
        n: str,
        monthly: str,
        relatives: tuple[RelativeShare, ...] = (),
        valid_from: date = start,
    ) -> CarePaymentDecision:
        return CarePaymentDecision(
            organisation_id=org.id,
            id=f"{person.code}-{n}",
            resident_code=person.code,
            number=f"1220-{person.code}/{n}",
            valid_from=valid_from,
            resident_monthly=Decimal(monthly),
            relatives=relatives,
            municipality_code=_HOST,
        )

    relative: Callable[[Child, str], RelativeShare] = lambda p, amount: RelativeShare(  # noqa: E731
        payer_id=p.guardians[0].guardian_id if p.guardians else f"{p.code}-sin",
        monthly=Decimal(amount),
    )
    records.append(decision(people[0], "a", "600.00", (relative(people[0], "150.00"),)))
    records.append(decision(people[2], "a", "550.00"))
    records.append(
        CareAbsence(
            organisation_id=org.id,
            id=f"{people[1].code}-a",
            resident_code=people[1].code,
            start=first.first + timedelta(days=9),
            end=first.first + timedelta(days=15),
        )
    )
    records.append(
        CareAbsence(
            organisation_id=org.id,
            id=f"{people[3].code}-a",
            resident_code=people[3].code,
            start=first.first + timedelta(days=4),
            end=first.first + timedelta(days=6),
            announced_on=first.first,
        )
    )
    # After the first month: the CSD names a liable relative of resident 3 from that month on.
    late = decision(people[2], "b", "550.00", (relative(people[2], "120.00"),), first.first)
    return SampleOrganisation(
        organisation=org,
        people=people,
        guardians=guardians,
        records=tuple(records),
        settings=settings,
        late=(late,),
        regresors=regresors,
    )


def generate_others(first: Month, seed: int) -> tuple[SampleOrganisation, ...]:
    """The school and the care home for ``first`` and the month after (see the module docs).

    Empty when ``first`` is before :data:`FIRST_MONTH`.
    """
    if first < FIRST_MONTH:
        return ()
    return (_school(first, seed), _care_home(first, seed))
