"""The Organisation record: its identifiers are checked, named by field, and never shown."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

from szo_core.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
    ValidationError,
)
from szo_core.ids import creditor_id, davcna
from szo_core.model import (
    Address,
    BankAccount,
    InvoiceSeries,
    Organisation,
    OrganisationKind,
    ReferenceScheme,
)
from szo_core.testing import records

TAX = davcna.make("5012345")
IBAN = "SI56012616030012373"
OTHER_IBAN = "SI56020100012345641"
REGISTRATION = "5012341"


def _org(**changes: object) -> Organisation:
    fields: dict[str, object] = {
        "id": "vrtec",
        "kind": OrganisationKind.KINDERGARTEN,
        "name": "Vrtec Čebelica",
        "address": Address(street="Medvedova cesta 20", post_code="1000", city="Ljubljana"),
        "tax_number": TAX,
        "registration_number": REGISTRATION,
        "accounts": (BankAccount(iban=IBAN, bic="BSLJSI2X"),),
        "creditor_id": creditor_id.make(TAX),
        "budget_user": True,
    }
    fields.update(changes)
    return Organisation(**fields)  # type: ignore[arg-type]


def test_defaults_and_compact_forms() -> None:
    org = _org(
        tax_number=f"SI {TAX[:3]} {TAX[3:]}",
        registration_number=REGISTRATION + "000",
        accounts=[BankAccount(iban="si56 0126 1603 0012 373"), BankAccount(iban=OTHER_IBAN)],
        creditor_id=creditor_id.make(TAX).lower(),
    )
    assert org.tax_number == TAX
    assert org.registration_number == REGISTRATION  # the main unit, written with 10 digits
    assert org.accounts == (BankAccount(iban=IBAN), BankAccount(iban=OTHER_IBAN))
    assert org.account.iban == IBAN
    assert org.creditor_id == creditor_id.make(TAX)
    assert (org.debit_day, org.purpose_code, org.reference_scheme) == (18, "EDUC", "SI12")
    assert org.invoice_series == InvoiceSeries(invoice_prefix="", credit_note_prefix="D")
    assert org.host_municipality is None
    assert org.collects_debits


def test_a_unit_keeps_its_ten_digits() -> None:
    assert _org(registration_number=REGISTRATION + "001").registration_number == "5012341001"


@pytest.mark.parametrize(
    ("changes", "error", "code", "where"),
    [
        ({"tax_number": TAX[:-1] + str((int(TAX[-1]) + 1) % 10)}, InvalidChecksum,
         "davcna.checksum", "Organisation.tax_number"),
        ({"registration_number": "501234"}, InvalidLength,
         "organisation.registration_number.length", "Organisation.registration_number"),
        ({"registration_number": "50123A1"}, InvalidFormat,
         "organisation.registration_number.format", "Organisation.registration_number"),
        ({"registration_number": "5012342"}, InvalidChecksum,
         "organisation.registration_number.checksum", "Organisation.registration_number"),
        ({"accounts": ()}, InvalidComponent, "organisation.accounts.empty",
         "Organisation.accounts"),
        ({"accounts": (BankAccount(iban=IBAN), BankAccount(iban=IBAN))}, InvalidComponent,
         "organisation.accounts.duplicate", "Organisation.accounts[1]"),
        ({"accounts": (IBAN,)}, InvalidType, "record.type", "Organisation.accounts[0]"),
        ({"creditor_id": "SI73ZZZ" + TAX}, InvalidChecksum, "creditor_id.checksum",
         "Organisation.creditor_id"),
        ({"purpose_code": "XXXX"}, InvalidComponent, "organisation.purpose_code",
         "Organisation.purpose_code"),
        ({"debit_day": 29}, InvalidComponent, "record.range", "Organisation.debit_day"),
        ({"debit_day": 0}, InvalidComponent, "record.range", "Organisation.debit_day"),
        ({"email": "racunovodstvo"}, InvalidFormat, "organisation.email", "Organisation.email"),
        ({"host_municipality": 145}, InvalidComponent, "municipality.unknown",
         "Organisation.host_municipality"),
        ({"kind": "hospital"}, InvalidComponent, "record.choice", "OrganisationKind"),
        ({"reference_scheme": "SI99"}, InvalidComponent, "record.choice", "ReferenceScheme"),
        ({"name": "  "}, InvalidComponent, "organisation.empty", "Organisation.name"),
        ({"id": ""}, InvalidComponent, "organisation.empty", "Organisation.id"),
        ({"budget_user": 1}, InvalidType, "record.type", "Organisation.budget_user"),
        ({"tax_number": 50123455}, InvalidType, "record.type", "Organisation.tax_number"),
    ],
)  # fmt: skip
def test_bad_fields_raise_szo_errors_named_by_field(
    changes: dict[str, object], error: type[Exception], code: str, where: str
) -> None:
    with pytest.raises(error) as caught:
        _org(**changes)
    assert caught.value.code == code  # type: ignore[attr-defined]
    assert caught.value.where == where  # type: ignore[attr-defined]
    for value in changes.values():
        for language in ("sl", "en"):
            text = caught.value.message(language)  # type: ignore[attr-defined]
            assert not (isinstance(value, str) and len(value) > 5 and value in text)


@pytest.mark.parametrize(
    ("account", "code", "where"),
    [
        ({"iban": IBAN[:-1] + "4"}, "iban.checksum", "BankAccount.iban"),
        ({"iban": IBAN, "bic": "bslj si 2x"}, "organisation.bic", "BankAccount.bic"),
    ],
)
def test_bad_accounts(account: dict[str, str], code: str, where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        BankAccount(**account)
    assert (caught.value.code, caught.value.where) == (code, where)
    assert IBAN[4:] not in str(caught.value)


@pytest.mark.parametrize(
    ("invoice", "credit"),
    [("R", "R"), ("", ""), ("račun", "D"), ("ABCDEFGHIJK", "D")],
)
def test_bad_series(invoice: str, credit: str) -> None:
    with pytest.raises(ValidationError):
        InvoiceSeries(invoice_prefix=invoice, credit_note_prefix=credit)


def test_series_prints_numbers() -> None:
    series = InvoiceSeries(invoice_prefix="VR/", credit_note_prefix="DB/")
    assert series.number("invoice", 2026, 7) == "VR/2026-000007"
    assert series.number("credit_note", 2026, 12) == "DB/2026-000012"


@given(records.organisations())
def test_repr_hides_the_tax_number_ibans_and_creditor_id(org: Organisation) -> None:
    shown = repr(org)
    assert org.tax_number not in shown
    for account in org.accounts:
        assert account.iban not in shown
        assert account.iban[4:] not in shown
    if org.creditor_id:
        assert org.creditor_id not in shown
    assert org.name in shown or not org.name


@given(records.organisations())
def test_evolve_validates_again(org: Organisation) -> None:
    with pytest.raises(InvalidComponent):
        attrs.evolve(org, accounts=())
    assert attrs.evolve(org, name="Druga").name == "Druga"


def test_reference_scheme_is_the_billing_one() -> None:
    from szo_core import billing

    assert billing.ReferenceScheme is ReferenceScheme
