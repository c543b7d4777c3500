"""Write the import examples: examples/import/ (clean) and examples/import-errors/.

A small kindergarten (vrtec "Sonček", organisation ``vrtec-soncek``): the
organisation record (a budget user paying and collecting through UJP, with a
SEPA creditor id built on its tax number, so that ``szo bill`` writes a
pain.008.001.02, and a second account at a commercial bank), 12 children
in two groups, their guardians, payers (one merged payment group of two
siblings), one SEPA mandate with a valid SI IBAN and mandate reference, one
decision on reduced payment and one summer reservation.  Every identifier is
synthetic (``szo_core.ids.*.make``): valid, and nobody's.

The clean set is written by the export itself (CSV with BOM, ``;``, decimal
comma; and ``vrtec.xlsx`` with one sheet per kind).  The erroneous set is the
clean CSV set with four deliberate errors: an invalid EMŠO (child 103), an
unknown payer (child 108 paid by guardian g-99), a decimal in a bad format
(the decision's coefficient ``0,3,5``) and an IBAN with a wrong check digit
(the mandate).

Run:  .venv/bin/python scripts/make_import_examples.py
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from szo_core.ids import creditor_id, davcna, emso, iban
from szo_core.ids import mandate as mandate_ref
from szo_core.ids.emso import Sex
from szo_core.importing import Records, write_csv, write_xlsx
from szo_core.model import (
    Address,
    BankAccount,
    Child,
    Decision,
    Group,
    GroupAssignment,
    Guardian,
    GuardianKind,
    GuardianLink,
    Mandate,
    Organisation,
    OrganisationKind,
    Payer,
    PaymentKind,
    PaymentMethod,
    Program,
    ProgramPrice,
    Regresor,
    Reservation,
    ReservationKind,
)

ORG = "vrtec-soncek"
ROOT = Path(__file__).resolve().parent.parent / "examples"
SEPTEMBER = date(2026, 9, 1)

_CHILDREN = [  # code, first, last, sex, born, group, family (guardian ids: mother, father)
    (101, "Ana", "Novak", Sex.FEMALE, date(2022, 3, 14), "A1", ("g-1", "g-2")),
    (102, "Luka", "Horvat", Sex.MALE, date(2022, 7, 2), "A1", ("g-3", "g-4")),
    (103, "Eva", "Krajnc", Sex.FEMALE, date(2023, 1, 20), "A1", ("g-5",)),
    (104, "Jakob", "Zupančič", Sex.MALE, date(2022, 11, 5), "A1", ("g-6", "g-7")),
    (105, "Zala", "Kovačič", Sex.FEMALE, date(2021, 2, 28), "B1", ("g-8", "g-9")),
    (106, "Tim", "Kovačič", Sex.MALE, date(2022, 9, 9), "A1", ("g-8", "g-9")),
    (107, "Mia", "Potočnik", Sex.FEMALE, date(2021, 5, 17), "B1", ("g-10",)),
    (108, "Nik", "Mlakar", Sex.MALE, date(2021, 8, 1), "B1", ("g-11", "g-12")),
    (109, "Lara", "Vidmar", Sex.FEMALE, date(2021, 4, 3), "B1", ("g-13",)),
    (110, "Žan", "Golob", Sex.MALE, date(2021, 12, 24), "B1", ("g-14", "g-15")),
    (111, "Ema", "Turk", Sex.FEMALE, date(2022, 6, 30), "A1", ("g-16",)),
    (112, "Filip", "Božič", Sex.MALE, date(2021, 10, 11), "B1", ("g-17", "g-18")),
]
_GUARDIAN_NAMES = {
    "g-1": ("Maja", "Novak"),
    "g-2": ("Peter", "Novak"),
    "g-3": ("Nina", "Horvat"),
    "g-4": ("Marko", "Horvat"),
    "g-5": ("Katja", "Krajnc"),
    "g-6": ("Tina", "Zupančič"),
    "g-7": ("Rok", "Zupančič"),
    "g-8": ("Petra", "Kovačič"),
    "g-9": ("Gregor", "Kovačič"),
    "g-10": ("Urška", "Potočnik"),
    "g-11": ("Sara", "Mlakar"),
    "g-12": ("Matej", "Mlakar"),
    "g-13": ("Barbara", "Vidmar"),
    "g-14": ("Mojca", "Golob"),
    "g-15": ("Aleš", "Golob"),
    "g-16": ("Simona", "Turk"),
    "g-17": ("Anja", "Božič"),
    "g-18": ("Jure", "Božič"),
}
_STREETS = ["Trubarjeva 1", "Prešernova 12", "Cankarjeva 5", "Levstikova 7", "Gregorčičeva 3"]


def _address(n: int) -> Address:
    return Address(street=_STREETS[n % len(_STREETS)], post_code="1000", city="Ljubljana")


def _tax(n: int) -> str:
    seven = 1_234_560 + n
    while True:
        try:
            return davcna.make(str(seven))
        except ValueError:
            seven += 1


def organisation() -> Organisation:
    """The kindergarten itself: synthetic tax and registration numbers and accounts."""
    tax = davcna.make("7654321")
    return Organisation(
        id=ORG,
        kind=OrganisationKind.KINDERGARTEN,
        name="Vrtec Sonček",
        address=Address(street="Sončna ulica 10", post_code="1000", city="Ljubljana"),
        tax_number=tax,
        registration_number="5012341",
        accounts=(
            BankAccount(
                iban=iban.make_si("01261", "00123456"),
                bic="BSLJSI2X",
                bank="Uprava RS za javna plačila",
            ),
            BankAccount(iban=iban.make_si("02010", "00987654"), bic="LJBASI2X", bank="NLB d.d."),
        ),
        creditor_id=creditor_id.make(tax),
        budget_user=True,
        email="racunovodstvo@vrtec-soncek.example",
        host_municipality=61,
    )


def records() -> Records:
    guardians = []
    for n, (gid, (first, last)) in enumerate(_GUARDIAN_NAMES.items()):
        sex = (
            Sex.MALE
            if first in {"Peter", "Marko", "Rok", "Gregor", "Matej", "Aleš", "Jure"}
            else Sex.FEMALE
        )
        guardians.append(
            Guardian(
                organisation_id=ORG,
                id=gid,
                first_name=first,
                last_name=last,
                address=_address(n // 2),
                emso=emso.make(date(1988, 1 + n % 12, 1 + n), sex, serial=None),
                tax_number=_tax(n * 7),
                email=f"{gid}@example.org",
                phone=f"040 123 {n:03d}",
            )
        )
    account = iban.make_si("02010", "00123456")  # the mandate's account
    children = []
    for n, (code, first, last, sex, born, group, family) in enumerate(_CHILDREN):
        kinds = (GuardianKind.MOTHER, GuardianKind.FATHER)
        links = tuple(
            GuardianLink(guardian_id=g, kind=k) for g, k in zip(family, kinds, strict=False)
        )
        payment = PaymentMethod.upn()
        if code == 101:
            payment = PaymentMethod(
                kind=PaymentKind.DIRECT_DEBIT,
                mandate=Mandate(
                    bank="NLB d.d.",
                    iban=account,
                    debit_day=18,
                    reference=mandate_ref.suggest(code, 1),
                    signed_on=date(2026, 8, 20),
                ),
            )
        program = "I" if group == "A1" else "II"
        children.append(
            Child(
                organisation_id=ORG,
                code=code,
                first_name=first,
                last_name=last,
                sex=sex,
                birth_date=born,
                emso=emso.make(born, sex),
                permanent_address=_address(n),
                municipality_code=61,
                regresor_id="r-61",
                groups=(
                    GroupAssignment(valid_from=SEPTEMBER, group_code=group, program_code=program),
                ),
                enrollment_date=SEPTEMBER,
                guardians=links,
                payer=Payer.guardian(family[0]),
                applicant=Payer.guardian(family[0]) if code in (101, 105) else None,
                payment=payment,
                payment_group_lead=105 if code in (105, 106) else None,
                newcomer=born >= date(2022, 1, 1),
            )
        )
    price = Decimal("520.00"), Decimal("410.00")
    return Records(
        organisation=(organisation(),),
        regresors=(
            Regresor(
                organisation_id=ORG,
                id="r-61",
                name="Mestna občina Ljubljana",
                municipality_code=61,
                address=Address(street="Mestni trg 1", post_code="1000", city="Ljubljana"),
            ),
        ),
        programs=(
            Program(
                organisation_id=ORG,
                code="I",
                name="1. starostno obdobje",
                prices=(
                    ProgramPrice(
                        valid_from=SEPTEMBER, monthly=price[0], food_per_day=Decimal("2.40")
                    ),
                ),
            ),
            Program(
                organisation_id=ORG,
                code="II",
                name="2. starostno obdobje",
                prices=(
                    ProgramPrice(
                        valid_from=SEPTEMBER, monthly=price[1], food_per_day=Decimal("2.40")
                    ),
                ),
            ),
        ),
        groups=(
            Group(organisation_id=ORG, code="A1", name="Metulji", program_code="I"),
            Group(organisation_id=ORG, code="B1", name="Sončki", program_code="II"),
        ),
        guardians=tuple(guardians),
        children=tuple(children),
        decisions=(
            Decision(
                organisation_id=ORG,
                id="d-101",
                child_code=101,
                number="1220-15/2026",
                coefficient=Decimal("0.35"),
                valid_from=SEPTEMBER,
                valid_to=date(2027, 8, 31),
                payment_class=4,
                issued_on=date(2026, 8, 25),
            ),
        ),
        reservations=(
            Reservation(
                organisation_id=ORG,
                id="r-1",
                child_code=109,
                kind=ReservationKind.SUMMER,
                start=date(2027, 7, 1),
                end=date(2027, 7, 31),
                announced_on=date(2027, 6, 1),
            ),
        ),
    )


def _edit(path: Path, match: dict[str, str], changes: dict[str, str]) -> None:
    """Change the cells ``changes`` in the rows whose cells equal ``match``."""
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    hits = 0
    for row in rows[1:]:
        if all(row[header.index(k)] == v for k, v in match.items()):
            for k, v in changes.items():
                row[header.index(k)] = v
            hits += 1
    assert hits == 1, (path.name, match)
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8-sig"))


def main() -> None:
    data = records()
    clean, broken = ROOT / "import", ROOT / "import-errors"
    for folder in (clean, broken):
        shutil.rmtree(folder, ignore_errors=True)
    write_csv(data, clean)
    write_xlsx(data, ROOT / "vrtec.xlsx", created=datetime(2026, 8, 31, 12, 0))
    write_csv(data, broken)
    child = next(c for c in data.children if c.code == 103)
    wrong = child.emso[:-1] + str((int(child.emso[-1]) + 1) % 10)
    _edit(broken / "otroci.csv", {"koda": "103"}, {"emšo": wrong})
    _edit(broken / "placniki.csv", {"koda otroka": "108"}, {"skrbnik": "g-99"})
    _edit(broken / "odlocbe.csv", {"id": "d-101"}, {"delež staršev": "0,3,5"})
    good = data.children[0].payment.mandate
    assert good is not None
    bad_iban = good.iban[:2] + f"{(int(good.iban[2:4]) + 1) % 100:02d}" + good.iban[4:]
    _edit(broken / "soglasja.csv", {"koda otroka": "101"}, {"iban": bad_iban})
    for path in sorted(ROOT.rglob("*.*")):
        print(path.relative_to(ROOT.parent))


if __name__ == "__main__":
    main()
