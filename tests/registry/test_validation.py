"""Validation: each error and warning, with its code, place and both messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from sqlalchemy import text

from szo_core.adapters.sql import SqlStore
from szo_core.errors import ValidationError
from szo_core.ids import creditor_id, davcna, emso, iban
from szo_core.ids.emso import Sex
from szo_core.model import (
    Address,
    Child,
    DeliveryKind,
    Guardian,
    GuardianKind,
    GuardianLink,
    InvoiceDelivery,
    Mandate,
    Party,
    Payer,
    PaymentMethod,
    Regresor,
    ResidenceChange,
)
from szo_core.model._trusted import build_trusted
from szo_core.registry import (
    Issue,
    OrganisationKind,
    RegistryConfig,
    ValidationReport,
    Where,
    fill_from_emso,
    validate_child,
    validate_guardian,
    validate_registry,
)
from szo_core.registry.validation import check_creditor_id
from szo_core.testing import records

BORN = date(2021, 3, 4)
EMSO = emso.make(BORN, Sex.FEMALE)
TAX = davcna.make("1234567")  # 12345679
ACCOUNT = iban.make_si("02010", "00123456")
HOME = Address(street="Trubarjeva 1", post_code="1000", city="Ljubljana")


def valid_child(**changes: object) -> Child:
    child = Child(
        organisation_id="org",
        code=101,
        first_name="Ana",
        last_name="Novak",
        sex=Sex.FEMALE,
        birth_date=BORN,
        emso=EMSO,
        tax_number=TAX,
        permanent_address=HOME,
        municipality_code=61,
        guardians=(GuardianLink(guardian_id="g-1", kind=GuardianKind.MOTHER),),
        payer=Payer.guardian("g-1"),
    )
    return attrs.evolve(child, **changes)  # type: ignore[misc]


def debit(**changes: object) -> PaymentMethod:
    """Direct debit under a mandate built as storage loads it: the constructor's checks skipped."""
    values: dict[str, object] = {
        "bank": "NLB",
        "iban": ACCOUNT,
        "reference": "SI00-101",
        "signed_on": date(2024, 9, 1),
    }
    return PaymentMethod.direct_debit(build_trusted(Mandate, values | changes))


def only(report: ValidationReport) -> Issue:
    (issue,) = report.issues
    return issue


def test_valid_child_has_no_issues() -> None:
    assert validate_child(valid_child()).issues == ()
    assert validate_child(valid_child(payment=debit())).issues == ()


@pytest.mark.parametrize(
    ("changes", "code", "field", "sl", "en"),
    [
        (
            {"first_name": " "},
            "name.missing",
            "first_name",
            "Ime manjka.",
            "The first name is missing.",
        ),
        (
            {"last_name": ""},
            "name.missing",
            "last_name",
            "Priimek manjka.",
            "The last name is missing.",
        ),
        (
            {"permanent_address": Address()},
            "address.missing",
            "permanent_address",
            "Naslov manjka.",
            "The address is missing.",
        ),
        (
            {"permanent_address": Address(street="Trubarjeva 1", city="Ljubljana")},
            "address.incomplete",
            "permanent_address",
            "Naslov ni popoln: vpišite ulico, poštno številko in kraj.",
            "The address is incomplete: give the street, post code and city.",
        ),
        (
            {"emso": EMSO[:12] + str((int(EMSO[12]) + 1) % 10)},
            "emso.invalid",
            "emso",
            "EMŠO ni veljaven: Kontrolna številka EMŠO ni pravilna.",
            "The EMŠO is not valid: The EMŠO check digit is wrong.",
        ),
        (
            {"tax_number": "12345678"},
            "tax_number.invalid",
            "tax_number",
            "Davčna številka ni veljavna: Kontrolna številka davčne številke ni pravilna.",
            "The tax number is not valid: The tax number check digit is wrong.",
        ),
        (
            {"municipality_code": None},
            "municipality.missing",
            "municipality_code",
            "Občina stalnega prebivališča manjka (plača razliko do cene programa).",
            "The municipality of residence is missing (it pays the rest of the price).",
        ),
        (
            {"municipality_code": 145},
            "municipality.unknown",
            "municipality_code",
            "Občine s šifro 145 ni v registru občin.",
            "There is no municipality with code 145 in the register.",
        ),
        ({"payer": None}, "payer.missing", "payer", "Plačnik ni izbran.", "No payer is chosen."),
        (
            {"payer": Payer.guardian("g-2")},
            "payer.not_guardian",
            "payer.guardian_id",
            "Plačnik je skrbnik, ki ni med skrbniki otroka.",
            "The payer is a guardian who is not among the child's guardians.",
        ),
        (
            {"applicant": Payer.guardian("g-2")},
            "applicant.not_guardian",
            "applicant.guardian_id",
            "Vlagatelj je skrbnik, ki ni med skrbniki otroka.",
            "The applicant is a guardian who is not among the child's guardians.",
        ),
        (
            {"payment": PaymentMethod.direct_debit(None)},
            "direct_debit.mandate_missing",
            "payment.mandate",
            "Plačilo z direktno obremenitvijo nima soglasja.",
            "Direct debit is chosen, but there is no mandate.",
        ),
        (
            {"payment": debit(bank="")},
            "direct_debit.bank_missing",
            "payment.mandate.bank",
            "Soglasje za direktno obremenitev nima banke.",
            "The direct-debit mandate has no bank.",
        ),
        (
            {"payment": debit(iban="")},
            "direct_debit.iban_missing",
            "payment.mandate.iban",
            "Soglasje za direktno obremenitev nima številke računa (IBAN).",
            "The direct-debit mandate has no IBAN.",
        ),
        (
            {"payment": debit(reference=" ")},
            "direct_debit.reference_missing",
            "payment.mandate.reference",
            "Soglasje za direktno obremenitev nima reference.",
            "The direct-debit mandate has no reference.",
        ),
        (
            {"payment": debit(reference="SI00 101")},
            "mandate.reference_invalid",
            "payment.mandate.reference",
            "Referenca soglasja ni veljavna: Referenca mandata sme vsebovati samo črke a-z, "
            "A-Z, števke in znake / - ? : ( ) . , ' + (brez presledkov).",
            "The mandate reference is not valid: A mandate reference may contain only the "
            "letters a-z, A-Z, digits and / - ? : ( ) . , ' + (no spaces).",
        ),
        (
            {"payment": debit(reference="VRT//1")},
            "mandate.reference_invalid",
            "payment.mandate.reference",
            "Referenca soglasja ni veljavna: Referenca mandata se ne sme začeti ali končati z / "
            "in ne sme vsebovati //.",
            "The mandate reference is not valid: A mandate reference must not start or end "
            "with / or contain //.",
        ),
        (
            {"payment": debit(creditor_id="SI73ZZZ12345679")},
            "creditor_id.invalid",
            "payment.mandate.creditor_id",
            "Identifikacija prejemnika ni veljavna: Kontrolni števki identifikacije prejemnika "
            "nista pravilni.",
            "The creditor identifier is not valid: The creditor identifier check digits are wrong.",
        ),
        (
            {"payment": debit(iban=ACCOUNT[:-1] + str((int(ACCOUNT[-1]) + 1) % 10))},
            "iban.invalid",
            "payment.mandate.iban",
            None,
            None,
        ),
        (
            {"delivery": InvoiceDelivery(kind=DeliveryKind.EMAIL_PDF)},
            "delivery.email_missing",
            "delivery.email",
            "Račun naj bi šel po e-pošti, a e-poštni naslov manjka.",
            "The invoice is to go by e-mail, but the e-mail address is missing.",
        ),
        (
            {"delivery": InvoiceDelivery(kind=DeliveryKind.E_INVOICE)},
            "delivery.iban_missing",
            "delivery.iban",
            "Za e-račun manjka številka računa (IBAN) plačnika.",
            "The payer's IBAN for the e-invoice is missing.",
        ),
        (
            {"code": 123456},
            "code.width",
            "code",
            "Šifra je daljša od 5 števk.",
            "The code is longer than 5 digits.",
        ),
    ],
)
def test_each_error(
    changes: dict[str, object], code: str, field: str, sl: str | None, en: str | None
) -> None:
    issue = only(validate_child(valid_child(**changes)))
    assert issue.code == code
    assert issue in validate_child(valid_child(**changes)).errors
    key = str(changes.get("code", 101))
    assert (issue.where.record, issue.where.key, issue.where.field) == ("child", key, field)
    if sl is None or en is None:  # the identifier module's own message follows the prefix
        assert issue.sl.startswith("IBAN ni veljaven: ")
        assert issue.en.startswith("The IBAN is not valid: ")
    else:
        assert (issue.sl, issue.en) == (sl, en)
    assert issue.message("en") == f"{issue.en} (child {key}: {field})"


def test_iban_message_names_no_digits() -> None:
    bad = ACCOUNT[:-1] + str((int(ACCOUNT[-1]) + 1) % 10)
    issue = only(validate_child(valid_child(payment=debit(iban=bad))))
    assert ACCOUNT[4:] not in issue.sl + issue.en
    assert bad[4:] not in issue.sl + issue.en


def test_municipality_only_required_in_kindergartens() -> None:
    school = RegistryConfig(organisation_kind=OrganisationKind.SCHOOL)
    assert validate_child(valid_child(municipality_code=None), config=school).ok


def test_group_member_uses_the_groups_payer_and_instrument() -> None:
    member = valid_child(payer=None, payment=PaymentMethod.direct_debit(None), payment_group_lead=7)
    assert validate_child(member).ok


@pytest.mark.parametrize(
    ("changes", "code", "field", "sl", "en"),
    [
        (
            {"birth_date": date(2021, 3, 5)},
            "birth_date.emso_mismatch",
            "birth_date",
            "Datum rojstva se ne ujema z datumom v EMŠO.",
            "The birth date differs from the one in the EMŠO.",
        ),
        (
            {"sex": Sex.MALE},
            "sex.emso_mismatch",
            "sex",
            "Spol se ne ujema s spolom v EMŠO.",
            "The sex differs from the one in the EMŠO.",
        ),
        (
            {"sex": None, "emso": ""},
            "sex.suggested",
            "sex",
            "Spol ni vpisan; ime se konča na -a, zato je verjetno ženski.",
            "The sex is not entered; the first name ends in -a, so it is probably female.",
        ),
    ],
)
def test_each_warning(changes: dict[str, object], code: str, field: str, sl: str, en: str) -> None:
    report = validate_child(valid_child(**changes))
    assert report.ok  # warnings only
    (issue,) = report.warnings
    assert (issue.code, issue.where.field, issue.sl, issue.en) == (code, field, sl, en)


def test_no_sex_suggestion_for_other_names_or_when_emso_tells() -> None:
    assert validate_child(valid_child(sex=None, emso="", first_name="Nejc")).issues == ()
    # With a valid EMŠO the sex comes from fill_from_emso(), not from the name.
    assert validate_child(valid_child(sex=None)).issues == ()


def test_card_number_shared_is_a_warning_naming_the_other_child() -> None:
    a = valid_child(code=1, card_number="K-77")
    b = valid_child(code=2, card_number="K-77")
    c = valid_child(code=3, card_number="K-78")
    report = validate_registry([a, b, c])
    assert report.ok
    assert [(w.code, w.where.key, w.sl, w.en) for w in report.warnings] == [
        (
            "card_number.duplicate",
            "1",
            "Isto številko kartice ima tudi otrok 2.",
            "The same card number is also used by child 2.",
        ),
        (
            "card_number.duplicate",
            "2",
            "Isto številko kartice ima tudi otrok 1.",
            "The same card number is also used by child 1.",
        ),
    ]


def test_mandate_reference_reused_by_another_mandate() -> None:
    other_account = iban.make_si("02010", "00654321")
    a = valid_child(code=1, payment=debit())
    b = valid_child(code=2, payment=debit(iban=other_account))  # another mandate, same reference
    c = valid_child(code=3, payment=debit())  # the very same mandate as child 1: allowed
    d = valid_child(code=4, payment=debit(iban=other_account, creditor_id="SI72ZZZ12345679"))
    errors = validate_registry([a, b, c, d]).errors
    assert [(e.code, e.where.key) for e in errors] == [
        ("mandate.reference_duplicate", "1"),
        ("mandate.reference_duplicate", "2"),
        ("mandate.reference_duplicate", "3"),
    ]
    assert errors[1].sl == (
        "Referenco soglasja ima že drugo soglasje istega prejemnika (otrok 1, 3)."
    )
    assert errors[1].en == ("Another mandate of the same creditor has this reference (child 1, 3).")
    assert errors[1].where.field == "payment.mandate.reference"


def test_duplicate_codes() -> None:
    errors = validate_registry([valid_child(), valid_child()]).errors
    assert [(e.code, e.sl, e.en) for e in errors] == [
        ("code.duplicate", "Šifro 101 ima 2 otrok.", "2 children have the code 101."),
    ]


def test_registry_collects_every_problem_not_just_the_first() -> None:
    bad = valid_child(first_name="", last_name="", tax_number="12345678", payer=None)
    guardian = Guardian(organisation_id="org", id="g-1", iban="SI56 0000")
    report = validate_registry(
        [bad, valid_child(code=2, payment_group_lead=5)], guardians=[guardian]
    )
    assert report.codes() == (
        "name.missing",
        "name.missing",
        "tax_number.invalid",
        "payer.missing",
        "name.missing",
        "name.missing",
        "address.missing",
        "iban.invalid",
        "payment_group.lead_missing",
    )
    with pytest.raises(ValidationError) as info:
        report.raise_for_errors()
    assert info.value.code == "registry.invalid"
    assert info.value.message("en") == (
        "Errors: 9. The first: The first name is missing. (child 101: first_name)"
    )


def test_guardian_messages() -> None:
    g = Guardian(
        organisation_id="org",
        id="g-1",
        first_name="Ana",
        last_name="Novak",
        address=HOME,
        emso="0101006500007",
    )
    (issue,) = validate_guardian(g).errors
    assert issue.code == "emso.invalid"
    assert (issue.where.record, issue.where.key, issue.where.field) == ("guardian", "g-1", "emso")
    assert issue.sl.startswith("EMŠO ni veljaven: ")
    assert issue.en.startswith("The EMŠO is not valid: ")
    assert "0101006500007" not in issue.sl + issue.en


# --- filling from the EMŠO -------------------------------------------------------------


@given(records.children())
def test_fill_from_emso_only_fills_empty_fields(child: Child) -> None:
    filled = fill_from_emso(child)
    if child.emso and emso.is_valid(child.emso):
        info = emso.parse(child.emso)
        assert filled.birth_date == (child.birth_date or info.birth_date)
        assert filled.sex == (child.sex or info.sex)
    else:
        assert filled == child
    assert attrs.evolve(filled, birth_date=child.birth_date, sex=child.sex) == child


def test_fill_from_emso_example() -> None:
    child = valid_child(birth_date=None, sex=None)
    filled = fill_from_emso(child)
    assert (filled.birth_date, filled.sex) == (date(2021, 3, 4), Sex.FEMALE)
    assert validate_child(filled).issues == ()


@given(records.children(), records.guardians())
def test_validation_never_raises_and_never_echoes_numbers(child: Child, g: Guardian) -> None:
    report = validate_registry([child], guardians=[g])
    text = " ".join(i.sl + i.en for i in report.issues)
    for number in (child.emso, child.tax_number, g.emso, g.tax_number, g.iban):
        if number:
            assert number not in text


def test_other_party_payer_needs_no_guardian_link() -> None:
    assert validate_child(valid_child(payer=Payer.other(Party(name="Dedek")))).ok


# -- dated residence ----------------------------------------------------------------------

OCTOBER = date(2026, 10, 1)


def moved(*moves: ResidenceChange, **changes: object) -> Child:
    return valid_child(residence_changes=moves, **changes)


def regresor(key: str, organisation_id: str = "org") -> Regresor:
    return Regresor(organisation_id=organisation_id, id=key, name=key)


@pytest.mark.parametrize(
    ("move", "code", "field", "sl", "en"),
    [
        (
            ResidenceChange(valid_from=OCTOBER, municipality_code=999),
            "municipality.unknown",
            "residence_changes[1].municipality_code",
            "Selitev od 01. 10. 2026: Občine s šifro 999 ni v registru občin.",
            "Move from 2026-10-01: There is no municipality with code 999 in the register.",
        ),
        (
            ResidenceChange(valid_from=OCTOBER, municipality_code=None),
            "municipality.missing",
            "residence_changes[1].municipality_code",
            "Selitev od 01. 10. 2026: Občina stalnega prebivališča manjka "
            "(plača razliko do cene programa).",
            "Move from 2026-10-01: The municipality of residence is missing "
            "(it pays the rest of the price).",
        ),
    ],
)
def test_each_move_is_checked_like_the_first_residence(
    move: ResidenceChange, code: str, field: str, sl: str, en: str
) -> None:
    first = ResidenceChange(valid_from=date(2025, 9, 1), municipality_code=62)
    report = validate_child(moved(first, move))
    (issue,) = report.errors
    assert (issue.code, issue.where.record, issue.where.key, issue.where.field) == (
        code,
        "child",
        "101",
        field,
    )
    assert (issue.sl, issue.en) == (sl, en)
    assert issue.message("en") == f"{en} (child 101: {field})"


def test_known_moves_have_no_issues_and_schools_need_no_municipality() -> None:
    moves = (
        ResidenceChange(valid_from=date(2025, 9, 1), municipality_code=62, regresor_id="r-62"),
        ResidenceChange(valid_from=OCTOBER, municipality_code=61),
    )
    assert validate_child(moved(*moves), regresors=[regresor("r-62")]).issues == ()
    school = RegistryConfig(organisation_kind=OrganisationKind.SCHOOL)
    unknown = ResidenceChange(valid_from=OCTOBER, municipality_code=None)
    assert validate_child(moved(unknown), config=school).ok
    assert not validate_child(moved(unknown)).ok


def test_regresors_are_checked_when_given() -> None:
    child = moved(
        ResidenceChange(valid_from=OCTOBER, municipality_code=62, regresor_id="r-62"),
        regresor_id="r-61",
    )
    assert validate_child(child).ok  # nothing to check against
    assert validate_child(child, regresors=[regresor("r-61"), regresor("r-62")]).ok
    # another organisation's regresor with the same id does not count
    report = validate_child(child, regresors=[regresor("r-61"), regresor("r-62", "other")])
    (issue,) = report.errors
    assert (issue.code, issue.where.field) == (
        "regresor.unknown",
        "residence_changes[0].regresor_id",
    )
    assert (
        issue.sl == "Selitev od 01. 10. 2026: Plačnika razlike (regresorja) r-62 ni med regresorji."
    )
    assert issue.en == "Move from 2026-10-01: The regresor r-62 is not among the regresors."
    (first,) = validate_child(child, regresors=[regresor("r-62")]).errors
    assert (first.code, first.where.field) == ("regresor.unknown", "regresor_id")
    assert first.en == "The regresor r-61 is not among the regresors."
    assert first.sl == "Plačnika razlike (regresorja) r-61 ni med regresorji."


def test_registry_checks_every_childs_moves_against_the_regresors() -> None:
    a = moved(ResidenceChange(valid_from=OCTOBER, municipality_code=62, regresor_id="r-62"))
    b = moved(
        ResidenceChange(valid_from=date(2025, 9, 1), municipality_code=145),
        ResidenceChange(valid_from=OCTOBER, municipality_code=61, regresor_id="gone"),
        code=102,
    )
    report = validate_registry([a, b], regresors=[regresor("r-62")])
    assert [(i.code, i.where.key, i.where.field) for i in report.errors] == [
        ("municipality.unknown", "102", "residence_changes[0].municipality_code"),
        ("regresor.unknown", "102", "residence_changes[1].regresor_id"),
    ]
    assert validate_registry([a, b]).codes() == ("municipality.unknown",)


def test_creditor_id_without_tax_number_is_a_warning_not_an_error() -> None:
    # SI02ZZZ12345678: right EPC check digits, but 12345678 is not a valid tax number.
    child = valid_child(payment=debit(creditor_id="SI02ZZZ12345678"))
    report = validate_child(child)
    assert report.ok
    (warning,) = [w for w in report.warnings if w.code.startswith("creditor_id")]
    assert warning.code == "creditor_id.not_tax_number"
    assert warning.where.field == "payment.mandate.creditor_id"
    assert "12345678" not in warning.sl + warning.en
    assert validate_child(valid_child(payment=debit(creditor_id="SI72ZZZ12345679"))).issues == ()
    # A foreign identifier is not expected to hold a Slovenian tax number.
    german = creditor_id.make("M12345", country="DE")
    assert validate_child(valid_child(payment=debit(creditor_id=german))).issues == ()


def test_check_creditor_id_for_other_records() -> None:
    where = Where(record="organisation", key="vrtec", field="creditor_id")
    assert check_creditor_id("", where).issues == ()
    assert check_creditor_id("SI72ZZZ12345679", where).issues == ()
    (error,) = check_creditor_id("SI72ZZZ1234567", where).errors
    assert (error.code, error.where) == ("creditor_id.invalid", where)
    assert check_creditor_id("SI02ZZZ12345678", where).codes() == ("creditor_id.not_tax_number",)


def test_registry_reports_a_bad_mandate_reference_loaded_from_sqlite(tmp_path: Path) -> None:
    # A row written by an older version (or by hand) is read back without the record's
    # checks; the registry is where its mandate reference and creditor id are checked.
    store = SqlStore.open(tmp_path / "szo.sqlite")
    child = valid_child(payment=debit(creditor_id="SI72ZZZ12345679"))
    with store.unit_of_work() as uow:
        uow.guardians.add(Guardian(organisation_id=child.organisation_id, id="g-1"))
        uow.children.add(child)
        uow.commit()
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE szo_child SET mandate_reference = 'SI00 101',"
                " mandate_creditor_id = 'SI02ZZZ12345678'"
            )
        )
    with store.unit_of_work() as uow:
        loaded = uow.children.get(child.organisation_id, child.code)
    store.dispose()
    assert loaded.payment.mandate is not None
    assert loaded.payment.mandate.reference == "SI00 101"  # loaded as stored, not refused
    report = validate_registry([loaded])
    assert [(i.code, i.where.field) for i in report.errors] == [
        ("mandate.reference_invalid", "payment.mandate.reference")
    ]
    assert [(i.code, i.where.field) for i in report.warnings] == [
        ("creditor_id.not_tax_number", "payment.mandate.creditor_id")
    ]
    assert validate_registry([valid_child(payment=debit())]).issues == ()
