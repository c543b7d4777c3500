"""A realistic, synthetic sample kindergarten, the same on every run.

:func:`generate` builds *Vrtec Čebelica*, a kindergarten in Ljubljana, from a
seed: programs with dated prices, groups, families with one to three children
(siblings in the same kindergarten, and some with older brothers and sisters at
school), guardians, payers who pay with a UPN slip or by SEPA direct debit,
merged payment groups, decisions on reduced payment (some changing in the
middle of a month, a few superseded after their month was billed), summer and
sick reservations, and announced and unannounced absences.

Everything comes from one :class:`random.Random` seeded with ``seed`` (never
the global one) and from dates derived from ``first_month``: the same arguments
give equal records, and nothing reads the clock.  Personal numbers are
synthetic: EMŠOs, tax numbers, IBANs, the creditor identifier and mandate
references are built with the check-digit functions of :mod:`szo_core.ids`, so
they validate but belong to nobody; names are made-up combinations of common
Slovenian names.

>>> from szo_core.calendar import Month
>>> sample = generate(first_month=Month(2026, 9), children=40, seed=7)
>>> len(sample.children), [str(m) for m in sample.months]
(40, ['2026-09', '2026-10'])
>>> sample == generate(first_month=Month(2026, 9), children=40, seed=7)
True
>>> sample.kindergarten.name
'Vrtec Čebelica'
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final, TypeVar

import attrs

from szo_core.calendar import Month, WorkingCalendar, default_calendar
from szo_core.demo import _names
from szo_core.errors import ValidationError
from szo_core.fees import (
    ZUPJS_COEFFICIENTS,
    FeeRules,
    LengthUnit,
    MunicipalRules,
    ReservationScheme,
)
from szo_core.ids import creditor_id as _creditor_id
from szo_core.ids import davcna as _davcna
from szo_core.ids import emso as _emso
from szo_core.ids import iban as _iban
from szo_core.ids import mandate as _mandate
from szo_core.ids._pii import iban_repr, tax_number_repr
from szo_core.ids.emso import Sex
from szo_core.model import (
    Absence,
    Address,
    Child,
    Decision,
    DeliveryKind,
    Group,
    GroupAssignment,
    Guardian,
    GuardianKind,
    GuardianLink,
    InvoiceDelivery,
    Mandate,
    Party,
    Payer,
    PaymentMethod,
    Program,
    ProgramPrice,
    Regresor,
    Reservation,
    ReservationKind,
    municipality,
)
from szo_core.registry import supersede

__all__ = [
    "DEFAULT_CHILDREN",
    "DEFAULT_FIRST_MONTH",
    "DEFAULT_SEED",
    "ORGANISATION_ID",
    "Kindergarten",
    "SampleKindergarten",
    "generate",
]

DEFAULT_FIRST_MONTH: Final = Month(2026, 9)
"""The first billed month of the demo (the second is the month after)."""
DEFAULT_CHILDREN: Final = 300
"""How many children the demo kindergarten has by default."""
DEFAULT_SEED: Final = 2026
"""The demo's default seed."""
ORGANISATION_ID: Final = "vrtec-cebelica"
"""The organisation id every sample record carries."""

_HOST: Final = 61  # Ljubljana
_T = TypeVar("_T")


@attrs.frozen(kw_only=True)
class Kindergarten:
    """The sample kindergarten itself: who bills, and where the money goes.

    Attributes:
        id: The organisation id of every record.
        name: The name printed on slips and in SEPA files.
        address: The postal address.
        tax_number: Its tax number (synthetic; hidden in ``repr()``).
        iban: Its account at the Public Payments Administration (hidden in ``repr()``).
        bic: The BIC of that account's bank.
        creditor_id: Its SEPA creditor identifier (built from the tax number).
        host_municipality: The founding municipality's code (61, Ljubljana).

    >>> k = generate(children=3).kindergarten
    >>> k.creditor_id[4:7], k.iban in repr(k)
    ('ZZZ', False)
    """

    id: str
    name: str
    address: Address
    tax_number: str = attrs.field(repr=tax_number_repr)
    iban: str = attrs.field(repr=iban_repr)
    bic: str
    creditor_id: str
    host_municipality: int


@attrs.frozen(kw_only=True)
class SampleKindergarten:
    """Every record of the sample kindergarten, and the rules that bill it.

    Attributes:
        kindergarten: The organisation.
        months: The two months the demo bills, in order.
        rules: The fee rules: Ljubljana's (host) and Domžale's own reservation
            schemes; other municipalities fall back to the host's.
        programs: Programs with dated prices (one price changes on the first
            day of the second month).
        groups: The groups, each running one program.
        regresors: One per municipality the children live in (id ``SI-061`` ...).
        guardians: Mothers, fathers and guardians.
        children: The children, codes ascending.
        decisions: Decisions on reduced payment known before the first run.
        reservations: Summer and sick reservations (earlier ones of the year too).
        absences: Absences in the two months.
        late_decisions: Decisions that arrive after the first month was billed
            and closed; each one ``supersedes`` a decision that run used.

    >>> s = generate(children=30, seed=3)
    >>> all(d.supersedes for d in s.late_decisions), len(s.late_decisions) >= 1
    (True, True)
    """

    kindergarten: Kindergarten
    months: tuple[Month, Month]
    rules: FeeRules
    programs: tuple[Program, ...]
    groups: tuple[Group, ...]
    regresors: tuple[Regresor, ...]
    guardians: tuple[Guardian, ...]
    children: tuple[Child, ...]
    decisions: tuple[Decision, ...]
    reservations: tuple[Reservation, ...]
    absences: tuple[Absence, ...]
    late_decisions: tuple[Decision, ...]

    def child(self, code: int) -> Child:
        """Return the child with ``code``.

        Raises:
            szo_core.errors.NotFound: There is no child with ``code``.

        >>> s = generate(children=5)
        >>> s.child(s.children[0].code).code == s.children[0].code
        True
        """
        for item in self.children:
            if item.code == code:
                return item
        from szo_core.errors import NotFound

        raise NotFound(
            "demo.child.not_found",
            sl=f"V vzorčnem vrtcu ni otroka s šifro {code}.",
            en=f"The sample kindergarten has no child with code {code}.",
            where="code",
        )


# --------------------------------------------------------------------------- helpers


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in ".-"))


def _add_months(day: date, months: int) -> date:
    return (Month.of(day) + months).first


def _weighted(rng: random.Random, items: Sequence[_T], weights: Sequence[int]) -> _T:
    return rng.choices(items, weights=weights, k=1)[0]


class _Ids:
    """Unique synthetic personal numbers, built with the check-digit functions."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._emsos: set[str] = set()
        self._tax: set[str] = set()
        self._accounts: set[str] = set()

    def emso(self, born: date, sex: Sex) -> str:
        low = 0 if sex is Sex.MALE else 500
        while True:
            serial = self._rng.randrange(low, low + 500)
            try:
                number = _emso.make(born, sex, serial=serial)
            except ValidationError:  # this serial has no check digit
                continue
            if number not in self._emsos:
                self._emsos.add(number)
                return number

    def tax_number(self) -> str:
        while True:
            seven = str(self._rng.randrange(1_000_000, 10_000_000))
            try:
                number = _davcna.make(seven)
            except ValidationError:  # no check digit for these seven digits
                continue
            if number not in self._tax:
                self._tax.add(number)
                return number

    def iban(self) -> str:
        while True:
            bank = self._rng.choice(_names.BANKS)
            account = f"{self._rng.randrange(10**7, 10**8):08d}"
            number = _iban.make_si(bank, account)
            if number not in self._accounts:
                self._accounts.add(number)
                return number


def _working_days(calendar: WorkingCalendar, month: Month) -> list[date]:
    return list(calendar.working_dates(month.first, month.last))


# --------------------------------------------------------------------------- the parts


def _kindergarten(ids: _Ids) -> Kindergarten:
    tax = ids.tax_number()
    return Kindergarten(
        id=ORGANISATION_ID,
        name="Vrtec Čebelica",
        address=Address(street="Medvedova cesta 20", post_code="1000", city="Ljubljana"),
        tax_number=tax,
        iban=_iban.make_si("01261", "60300" + tax[-3:]),
        bic="BSLJSI2X",
        creditor_id=_creditor_id.make(tax),
        host_municipality=_HOST,
    )


def _programs(first: Month) -> tuple[Program, ...]:
    since = (first - 12).first
    change = first.next().first

    def price(monthly: str, food: str, valid_from: date = since) -> ProgramPrice:
        return ProgramPrice(
            valid_from=valid_from, monthly=Decimal(monthly), food_per_day=Decimal(food)
        )

    return (
        Program(
            organisation_id=ORGANISATION_ID,
            code="I",
            name="Dnevni program, 1. starostno obdobje",
            prices=(price("702.40", "3.20"),),
        ),
        Program(
            organisation_id=ORGANISATION_ID,
            code="II",
            name="Dnevni program, 2. starostno obdobje",
            # A new price from the first day of the second month: October's
            # statements use it, September's corrections keep the old one.
            prices=(price("512.30", "3.20"), price("524.10", "3.30", change)),
        ),
        Program(
            organisation_id=ORGANISATION_ID,
            code="KOMB",
            name="Dnevni program, kombinirani oddelek",
            prices=(price("560.10", "3.20"),),
        ),
        Program(
            organisation_id=ORGANISATION_ID,
            code="POL",
            name="Poldnevni program (4 do 6 ur)",
            prices=(price("389.50", "1.90"),),
        ),
    )


def _groups(children: int) -> tuple[Group, ...]:
    count = max(4, -(-children // 19))
    programs = ["I"] * max(1, count * 3 // 10) + ["KOMB"] + ["POL"]
    programs += ["II"] * (count - len(programs))
    names = _names.GROUP_NAMES
    result = []
    for index, program in enumerate(programs[:count]):
        name = names[index % len(names)]
        if index >= len(names):
            name = f"{name} {index // len(names) + 1}"
        result.append(
            Group(
                organisation_id=ORGANISATION_ID,
                code=f"G{index + 1:02d}",
                name=name,
                program_code=program,
            )
        )
    return tuple(result)


def _rules(calendar: WorkingCalendar) -> FeeRules:
    summer = ReservationScheme(
        kinds=(ReservationKind.SUMMER,),
        rate=Decimal("0.30"),
        min_length=5,
        notice_days=14,
        yearly_cap=30,
        source="Sklep o počitniški rezervaciji (vzorčni vrtec)",
    )
    sick = ReservationScheme(
        kinds=(ReservationKind.SICK,),
        rate=Decimal("0.50"),
        min_length=14,
        unit=LengthUnit.CALENDAR_DAYS,
        source="Sklep o rezervaciji zaradi bolezni (vzorčni vrtec)",
    )
    domzale = ReservationScheme(
        kinds=(ReservationKind.SUMMER,),
        rate=Decimal("0.50"),
        min_length=10,
        notice_days=7,
        source="Sklep Občine Domžale o rezervaciji (vzorčni primer)",
    )
    return FeeRules(
        host_municipality=_HOST,
        calendar=calendar,
        municipalities=(
            MunicipalRules(municipality=_HOST, reservations=(summer, sick), name="MO Ljubljana"),
            MunicipalRules(municipality=23, reservations=(domzale,), name="Občina Domžale"),
        ),
    )


def _regresor(code: int) -> Regresor:
    found = municipality(code)
    post_code, city, _streets = _names.PLACES[code]
    name = ("Mestna občina " if found.urban else "Občina ") + found.name
    return Regresor(
        organisation_id=ORGANISATION_ID,
        id=found.iso_code,
        name=name,
        municipality_code=code,
        address=Address(street="Trg svobode 1", post_code=post_code, city=city),
    )


@attrs.define
class _Family:
    surname: str
    municipality: int
    address: Address
    guardians: list[Guardian]
    payer: Payer
    payment: PaymentMethod
    delivery: InvoiceDelivery
    older_at_school: int
    coefficient_class: int | None
    merged: bool
    children: list[Child] = attrs.field(factory=list)


def _contact_email(family: _Family) -> str:
    """The child's contact address (a copy of e-mailed invoices goes there).

    The other guardian's, for e-mailed invoices of two-parent families whose
    surname starts in the first half of the alphabet: no random draw, so the
    sample's other records stay as they were.
    """
    if family.delivery.kind is not DeliveryKind.EMAIL_PDF or len(family.guardians) < 2:
        return ""
    other = family.guardians[1].email
    return other if family.surname[:1].upper() < "M" else ""


class _Builder:
    """The mutable state of one :func:`generate` call."""

    def __init__(self, rng: random.Random, first: Month, count: int) -> None:
        self.rng = rng
        self.first = first
        self.second = first.next()
        self.count = count
        self.ids = _Ids(rng)
        self.calendar = default_calendar()
        self.kindergarten = _kindergarten(self.ids)
        self.programs = _programs(first)
        self.groups = _groups(count)
        self.group_load = {g.code: 0 for g in self.groups}
        self.guardians: list[Guardian] = []
        self.children: list[Child] = []
        self.decisions: list[Decision] = []
        self.reservations: list[Reservation] = []
        self.absences: list[Absence] = []
        self.late: list[Decision] = []
        self.next_code = 1001
        self.serial = {"g": 0, "d": 0, "r": 0, "a": 0}

    def new_id(self, prefix: str) -> str:
        self.serial[prefix] += 1
        return f"{prefix}-{self.serial[prefix]:05d}"

    # -- people --------------------------------------------------------------------

    def address(self, code: int) -> Address:
        post_code, city, streets = _names.PLACES[code]
        number = self.rng.randint(1, 120)
        suffix = self.rng.choice(("", "", "", "a", "b"))
        return Address(
            street=f"{self.rng.choice(streets)} {number}{suffix}", post_code=post_code, city=city
        )

    def guardian(self, sex: Sex, surname: str, address: Address) -> Guardian:
        first_name = self.rng.choice(_names.WOMEN if sex is Sex.FEMALE else _names.MEN)
        born = self.first.first - timedelta(days=self.rng.randint(25 * 365, 46 * 365))
        email = f"{_ascii(first_name).lower()}.{_ascii(surname).lower()}@example.si"
        guardian = Guardian(
            organisation_id=ORGANISATION_ID,
            id=self.new_id("g"),
            first_name=first_name,
            last_name=surname,
            address=address,
            emso=self.ids.emso(born, sex),
            tax_number=self.ids.tax_number(),
            iban=self.ids.iban(),
            email=email.replace(" ", ""),
            phone=f"+386 4{self.rng.randint(0, 1)} {self.rng.randint(100, 999)} "
            f"{self.rng.randint(100, 999)}",
        )
        self.guardians.append(guardian)
        return guardian

    def family(self, size: int) -> _Family:
        rng = self.rng
        surname = rng.choice(_names.SURNAMES)
        code = _weighted(rng, (61, 23, 32, 71, 123, 37), (76, 6, 5, 5, 4, 4))
        address = self.address(code)
        mother = self.guardian(Sex.FEMALE, surname, address)
        guardians = [mother]
        if rng.random() < 0.85:
            guardians.append(self.guardian(Sex.MALE, surname, address))
        payer_guardian = rng.choice(guardians)
        payer = Payer.guardian(payer_guardian.id)
        debit = rng.random() < 0.4
        if rng.random() < 0.03:  # a grandparent pays, always with a slip
            grandparent = f"{rng.choice(_names.GRANDPARENTS)} {rng.choice(_names.MEN)} {surname}"
            payer = Payer.other(Party(name=grandparent, address=self.address(code)))
            debit = False
        payment = PaymentMethod.upn()
        if debit:
            bank = _iban.bank(payer_guardian.iban)
            payment = PaymentMethod.direct_debit(
                Mandate(
                    bank=bank.name,
                    iban=payer_guardian.iban,
                    debit_day=18,
                    reference=_mandate.suggest(self.next_code, len(self.guardians)),
                    signed_on=self.first.first - timedelta(days=rng.randint(10, 900)),
                    creditor_id=self.kindergarten.creditor_id,
                )
            )
        delivery = _weighted(
            rng,
            (
                InvoiceDelivery(),
                InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF, email=payer_guardian.email),
                InvoiceDelivery(kind=DeliveryKind.E_INVOICE, iban=payer_guardian.iban),
            ),
            (40, 50, 10),
        )
        older = _weighted(rng, (0, 1, 2), (82, 12, 6))
        coefficient_class = (
            None
            if rng.random() < 0.12
            else _weighted(rng, range(1, 10), (3, 4, 7, 10, 12, 14, 15, 15, 20))
        )
        if size > 1 and coefficient_class is None:  # siblings apply for the exemption
            coefficient_class = 7
        return _Family(
            surname=surname,
            municipality=code,
            address=address,
            guardians=guardians,
            payer=payer,
            payment=payment,
            delivery=delivery,
            older_at_school=older,
            coefficient_class=coefficient_class,
            merged=size > 1 and rng.random() < 0.75,
        )

    # -- children ------------------------------------------------------------------

    def birth_dates(self, size: int) -> list[date]:
        """Birth dates of a family's enrolled children, oldest first."""
        rng = self.rng
        day_one = self.first.first
        oldest_age = rng.randint(400 if size == 1 else 900, 6 * 365 - 30)
        born = [day_one - timedelta(days=oldest_age)]
        for _ in range(size - 1):
            younger = born[-1] + timedelta(days=rng.randint(420, 1100))
            if (day_one - younger).days < 340:  # not 11 months old yet
                break
            born.append(younger)
        return born

    def program_for(self, born: date) -> str:
        age = (self.first.first - born).days / 365.25
        if age < 2.0:
            return "I"
        if age < 3.0:
            return _weighted(self.rng, ("I", "KOMB"), (70, 30))
        if age < 4.0:
            return _weighted(self.rng, ("II", "KOMB", "POL"), (75, 15, 10))
        return _weighted(self.rng, ("II", "POL"), (90, 10))

    def group_for(self, program: str) -> Group:
        candidates = [g for g in self.groups if g.program_code == program]
        pick = min(self.rng.sample(candidates, min(2, len(candidates))),
                   key=lambda g: (self.group_load[g.code], g.code))  # fmt: skip
        self.group_load[pick.code] += 1
        return pick

    def enrollment(self, born: date) -> tuple[date, bool]:
        """The enrollment day, and whether the child is new in the billed months."""
        rng = self.rng
        earliest = _add_months(born, 12)
        roll = rng.random()
        if roll < 0.07 or earliest >= self.first.first:  # starts in the first month
            days = _working_days(self.calendar, self.first)
            return max(rng.choice(days), earliest), True
        if roll < 0.10:  # starts in the second month
            return max(rng.choice(_working_days(self.calendar, self.second)), earliest), True
        septembers = [
            date(year, 9, 1)
            for year in range(earliest.year, self.first.year + 1)
            if earliest <= date(year, 9, 1) < self.first.first
        ]
        if septembers:
            return rng.choice(septembers), False
        return earliest, False

    def child(self, family: _Family, born: date, lead: int | None) -> Child:
        rng = self.rng
        code = self.next_code
        self.next_code += 1
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        first_name = rng.choice(_names.BOYS if sex is Sex.MALE else _names.GIRLS)
        enrolled, newcomer = self.enrollment(born)
        program = self.program_for(born)
        group = self.group_for(program)
        assignments = [
            GroupAssignment(valid_from=enrolled, group_code=group.code, program_code=program)
        ]
        move: date | None = None
        if program == "I" and (self.first.first - born).days > 2 * 365 + 300 and rng.random() < 0.5:
            # Turns three: moves up to a group of the 2nd age period mid-month.
            move = self.second.first + timedelta(days=rng.randint(6, 18))
        if move is not None and move > enrolled:
            older = self.group_for("II")
            assignments.append(
                GroupAssignment(valid_from=move, group_code=older.code, program_code="II")
            )
        exit_date = None
        if not newcomer and rng.random() < 0.025:
            leaving = self.second if rng.random() < 0.7 else self.first
            exit_date = rng.choice(_working_days(self.calendar, leaving))
        links = tuple(
            GuardianLink(
                guardian_id=g.id,
                kind=GuardianKind.MOTHER if i == 0 else GuardianKind.FATHER,
            )
            for i, g in enumerate(family.guardians)
        )
        child = Child(
            organisation_id=ORGANISATION_ID,
            code=code,
            first_name=first_name,
            last_name=family.surname,
            sex=sex,
            birth_date=born,
            birth_place="Ljubljana",
            emso=self.ids.emso(born, sex),
            tax_number=self.ids.tax_number(),
            permanent_address=family.address,
            municipality_code=family.municipality,
            regresor_id=f"SI-{family.municipality:03d}",
            groups=tuple(assignments),
            card_number=f"{code:06d}",
            contract_number=f"{enrolled.year}/{code}",
            contract_signed_on=enrolled - timedelta(days=rng.randint(14, 60)),
            enrollment_date=enrolled,
            exit_date=exit_date,
            newcomer=newcomer,
            guardians=links,
            payer=family.payer,
            applicant=Payer.guardian(family.guardians[0].id),
            payment=family.payment,
            delivery=family.delivery,
            contact_email=_contact_email(family),
            payment_group_lead=(code if lead is None else lead) if family.merged else None,
        )
        self.children.append(child)
        family.children.append(child)
        return child

    # -- decisions, reservations, absences -------------------------------------------

    def decision(
        self,
        child: Child,
        coefficient_class: int,
        *,
        valid_from: date,
        valid_to: date,
        issued_on: date,
        sibling_order: int | None,
    ) -> Decision:
        ident = self.new_id("d")
        return Decision(
            organisation_id=ORGANISATION_ID,
            id=ident,
            child_code=child.code,
            number=f"1213-{self.serial['d']:05d}/{valid_from.year}",
            coefficient=ZUPJS_COEFFICIENTS[coefficient_class - 1],
            payment_class=coefficient_class,
            regresor_id=child.regresor_id,
            valid_from=valid_from,
            valid_to=valid_to,
            issued_on=issued_on,
            sibling_order=sibling_order,
            state_financed=sibling_order is not None and sibling_order >= 2,
        )

    def decisions_for(self, family: _Family) -> None:
        rng = self.rng
        if family.coefficient_class is None:
            return
        # From the start of a month within the last year, so it covers both billed months.
        year_start = _add_months(self.first.first, -rng.randint(0, 10))
        for position, child in enumerate(family.children, start=1):
            # The order the decision states: among the enrolled children, or in the
            # family when the child is the third or later (the 2021 rule).
            in_family = family.older_at_school + position
            order = in_family if in_family >= 3 else position
            sibling = order if order >= 2 else None
            valid_from = year_start
            valid_to = _add_months(valid_from, 12) - timedelta(days=1)
            issued = valid_from - timedelta(days=rng.randint(5, 40))
            roll = rng.random()
            if roll < 0.06:
                # The family's income changed: a new decision from the middle of a month.
                month = self.first if rng.random() < 0.6 else self.second
                cut = month.first + timedelta(days=rng.randint(7, 20))
                new_class = max(1, min(9, family.coefficient_class + rng.choice((-2, -1, 1))))
                self.decisions.append(
                    self.decision(
                        child,
                        family.coefficient_class,
                        valid_from=valid_from,
                        valid_to=cut - timedelta(days=1),
                        issued_on=issued,
                        sibling_order=sibling,
                    )
                )
                self.decisions.append(
                    self.decision(
                        child,
                        new_class,
                        valid_from=cut,
                        valid_to=valid_to,
                        issued_on=cut - timedelta(days=3),
                        sibling_order=sibling,
                    )
                )
                continue
            self.decisions.append(
                self.decision(
                    child,
                    family.coefficient_class,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    issued_on=issued,
                    sibling_order=sibling,
                )
            )

    def supersede_some(self) -> None:
        """Pick decisions the first run will use and replace them after it closes."""
        rng = self.rng
        first = self.first
        per_child: dict[int, list[Decision]] = {}
        for d in self.decisions:
            per_child.setdefault(d.child_code, []).append(d)
        candidates = [
            ds[0]
            for code, ds in sorted(per_child.items())
            if len(ds) == 1
            and ds[0].overlaps(first.first, first.last)
            and ds[0].sibling_order is None
            and self._billed_in_first(code)
        ]
        wanted = max(1, self.count // 100)
        paying = 0  # decisions with something to pay (above the first class) seen so far
        for old in rng.sample(candidates, min(wanted, len(candidates))):
            old_class = old.payment_class or 9
            # The first of every three that pay something moves to the first class
            # (nothing to pay): the refund for the first month exceeds the second
            # month's fee, and the parents get a credit note (dobropis).  The others
            # move one class down (the first class up to the third).
            if old_class > 1:
                paying += 1
            if old_class > 1 and paying % 3 == 1:
                new_class = 1
            else:
                new_class = old_class - 1 if old_class > 1 else 3
            issued = self.second.first + timedelta(days=rng.randint(1, 6))
            replacement = attrs.evolve(
                old,
                id=f"{old.id}-n",
                number=f"{old.number}-1",
                coefficient=ZUPJS_COEFFICIENTS[new_class - 1],
                payment_class=new_class,
                issued_on=issued,
            )
            self.late.append(supersede(old, replacement))
        self.late.sort(key=lambda d: d.id)

    def _billed_in_first(self, code: int) -> bool:
        child = next(c for c in self.children if c.code == code)
        first = self.first
        return (
            child.enrollment_date is not None
            and child.enrollment_date <= first.first
            and (child.exit_date is None or child.exit_date > first.last)
        )

    def reservations_for(self, child: Child, resident_scheme: bool) -> bool:
        """Add reservations for ``child``; True if it has one in the billed months."""
        rng = self.rng
        roll = rng.random()
        if child.enrollment_date is None or child.enrollment_date >= self.first.first:
            return False
        if roll < 0.06:  # a holiday (summer) reservation in the first weeks of the first month
            days = _working_days(self.calendar, self.first)
            start_index = rng.randint(0, 4)
            length = rng.randint(5, 10) if resident_scheme else rng.randint(10, 12)
            end_index = min(len(days) - 1, start_index + length - 1)
            notice = rng.choice((20, 30, 15, 3))  # 3 days is too late for the scheme
            start = days[start_index]
            self.reservations.append(
                Reservation(
                    organisation_id=ORGANISATION_ID,
                    id=self.new_id("r"),
                    child_code=child.code,
                    kind=ReservationKind.SUMMER,
                    start=start,
                    end=days[end_index],
                    announced_on=start - timedelta(days=notice),
                )
            )
            july = date(self.first.year, 7, 1)
            if july < self.first.first and rng.random() < 0.5:  # an earlier one this year
                self.reservations.append(
                    Reservation(
                        organisation_id=ORGANISATION_ID,
                        id=self.new_id("r"),
                        child_code=child.code,
                        kind=ReservationKind.SUMMER,
                        start=july + timedelta(days=rng.randint(0, 10)),
                        end=july + timedelta(days=rng.randint(20, 30)),
                        announced_on=july - timedelta(days=30),
                    )
                )
            return True
        if roll < 0.075:  # a long illness with a doctor's note
            month = rng.choice((self.first, self.second))
            start = month.first + timedelta(days=rng.randint(0, 10))
            self.reservations.append(
                Reservation(
                    organisation_id=ORGANISATION_ID,
                    id=self.new_id("r"),
                    child_code=child.code,
                    kind=ReservationKind.SICK,
                    start=start,
                    end=start + timedelta(days=rng.randint(14, 25)),
                    announced_on=start,
                    doctor_note=True,
                )
            )
            return True
        return False

    def absences_for(self, child: Child) -> None:
        rng = self.rng
        for month in (self.first, self.second):
            if rng.random() >= 0.35:
                continue
            days = _working_days(self.calendar, month)
            for _ in range(rng.randint(1, 2)):
                index = rng.randrange(len(days))
                length = rng.randint(1, 4)
                start, end = days[index], days[min(len(days) - 1, index + length - 1)]
                if child.enrollment_date is None or start < child.enrollment_date:
                    continue
                if any(
                    a.child_code == child.code and a.start <= end and start <= a.end
                    for a in self.absences[-4:]
                ):
                    continue
                notice = _weighted(rng, ("evening", "early", "late", "none"), (50, 25, 15, 10))
                announced: datetime | None = {
                    "evening": datetime.combine(start - timedelta(days=1), time(18, 40)),
                    "early": datetime.combine(start, time(7, 15)),
                    "late": datetime.combine(start, time(9, 30)),
                    "none": None,
                }[notice]
                self.absences.append(
                    Absence(
                        organisation_id=ORGANISATION_ID,
                        id=self.new_id("a"),
                        child_code=child.code,
                        start=start,
                        end=end,
                        announced_at=announced,
                        doctor_note=notice != "none" and length >= 3 and rng.random() < 0.5,
                    )
                )

    def build(self) -> SampleKindergarten:
        rng = self.rng
        families: list[_Family] = []
        while len(self.children) < self.count:
            remaining = self.count - len(self.children)
            size = min(remaining, _weighted(rng, (1, 2, 3), (72, 22, 6)))
            family = self.family(size)
            lead: int | None = None
            for born in self.birth_dates(size):
                child = self.child(family, born, lead)
                lead = child.code if lead is None else lead
            if len(family.children) == 1:
                family.merged = False
                self.children[-1] = attrs.evolve(self.children[-1], payment_group_lead=None)
                family.children[-1] = self.children[-1]
            families.append(family)
        for family in families:
            self.decisions_for(family)
        for child in self.children:
            own_scheme = child.municipality_code in (_HOST, 23)
            if not self.reservations_for(child, own_scheme):
                self.absences_for(child)
        self.supersede_some()
        used = sorted({c.municipality_code or _HOST for c in self.children})
        return SampleKindergarten(
            kindergarten=self.kindergarten,
            months=(self.first, self.second),
            rules=_rules(self.calendar),
            programs=self.programs,
            groups=self.groups,
            regresors=tuple(_regresor(code) for code in used),
            guardians=tuple(self.guardians),
            children=tuple(self.children),
            decisions=tuple(self.decisions),
            reservations=tuple(sorted(self.reservations, key=lambda r: r.id)),
            absences=tuple(self.absences),
            late_decisions=tuple(self.late),
        )


def generate(
    *,
    first_month: Month = DEFAULT_FIRST_MONTH,
    children: int = DEFAULT_CHILDREN,
    seed: int = DEFAULT_SEED,
) -> SampleKindergarten:
    """Build the sample kindergarten for ``first_month`` and the month after.

    Args:
        first_month: The first month the demo bills; every date is derived from it.
        children: How many children (at least 1).
        seed: The seed of the :class:`random.Random` that makes every choice.

    Returns:
        The records; equal arguments give equal records.

    Raises:
        szo_core.errors.ConfigurationError: ``demo.children`` for fewer than one child.

    >>> sample = generate(children=12, seed=1)
    >>> from szo_core.ids import emso
    >>> all(emso.is_valid(c.emso) for c in sample.children)
    True
    >>> len({c.code for c in sample.children})
    12
    """
    if isinstance(children, bool) or not isinstance(children, int) or children < 1:
        from szo_core.errors import ConfigurationError

        raise ConfigurationError(
            "demo.children",
            sl="Vzorčni vrtec potrebuje vsaj enega otroka.",
            en="The sample kindergarten needs at least one child.",
            where="children",
        )
    return _Builder(random.Random(seed), first_month, children).build()
