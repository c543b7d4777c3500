"""Hypothesis strategies for the records in :mod:`szo_core.model`.

For property tests in szo_core and in applications built on it (round trips,
storage contract tests, registry rules).  Personal numbers are synthetic: EMŠOs,
tax numbers and IBANs are built with the check-digit functions of
:mod:`szo_core.ids`, so they are valid but belong to nobody.  Text uses a small
alphabet (Slovenian letters, digits, space, a few marks) that every database
stores unchanged.

Every strategy is a keyword-only factory returning a ``SearchStrategy``.

>>> from hypothesis import given
>>> @given(children())
... def test_code_positive(child):
...     assert child.code >= 1
>>> test_code_positive()
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "szo_core.testing.records requires hypothesis: pip install 'szo_core[testing]'"
    ) from exc

from szo_core.delivery.sms import LetterPolicy
from szo_core.errors import InvalidChecksum
from szo_core.ids import creditor_id, davcna, emso, iban
from szo_core.ids.emso import Sex
from szo_core.model import (
    MAX_COEFFICIENT,
    Absence,
    Address,
    BankAccount,
    Child,
    Decision,
    DeliveryKind,
    Group,
    GroupAssignment,
    Guardian,
    GuardianKind,
    GuardianLink,
    InvoiceDelivery,
    InvoiceSeries,
    Mandate,
    Organisation,
    OrganisationKind,
    Party,
    Payer,
    PaymentGroup,
    PaymentKind,
    PaymentMethod,
    Program,
    ProgramKind,
    ProgramPrice,
    ReferenceScheme,
    Regresor,
    Reservation,
    ReservationKind,
    ResidenceChange,
    TaxpayerChange,
)
from szo_core.testing.strategies import mandate_references

__all__ = [
    "absences",
    "addresses",
    "children",
    "decisions",
    "emsos",
    "groups",
    "guardians",
    "ibans",
    "mandates",
    "organisations",
    "payers",
    "payment_groups",
    "payment_methods",
    "programs",
    "registration_numbers",
    "regresors",
    "reservations",
    "residence_changes",
    "tax_numbers",
    "taxpayer_changes",
]

_ALPHABET = "abcdefghijklmnoprstuvzčšžćđABCDEFGHIJKLMNOPRSTUVZČŠŽ0123456789 .-/,'"
_MIN_DATE = date(1950, 1, 1)
_MAX_DATE = date(2099, 12, 31)


def _text(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.text(alphabet=_ALPHABET, max_size=max_size)


def _ids() -> st.SearchStrategy[str]:
    return st.text(alphabet="abcdef0123456789-", min_size=1, max_size=12)


def _dates(lo: date = _MIN_DATE, hi: date = _MAX_DATE) -> st.SearchStrategy[date]:
    return st.dates(min_value=lo, max_value=hi)


def _codes() -> st.SearchStrategy[int]:
    return st.integers(min_value=1, max_value=99_999)


def _money(max_value: str = "5000") -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=Decimal(0), max_value=Decimal(max_value), places=2, allow_nan=False
    )


def emsos(
    *, min_birth: date = date(1950, 1, 1), max_birth: date = date(2030, 12, 31)
) -> st.SearchStrategy[str]:
    """Valid synthetic EMŠOs with a birth date in ``min_birth`` ... ``max_birth``.

    >>> from hypothesis import given
    >>> @given(emsos())
    ... def check(number):
    ...     assert emso.is_valid(number)
    >>> check()
    """
    return st.builds(
        _make_emso,
        _dates(min_birth, max_birth),
        st.sampled_from(Sex),
        st.integers(min_value=0, max_value=499),
    )


def _make_emso(born: date, sex: Sex, offset: int) -> str:
    # Some serials have no check digit (emso.make refuses them): step to the next one.
    base = 0 if sex is Sex.MALE else 500
    for step in range(500):
        try:
            return emso.make(born, sex, serial=base + (offset + step) % 500)
        except InvalidChecksum:
            continue
    raise AssertionError("no serial with a check digit")  # pragma: no cover


def tax_numbers() -> st.SearchStrategy[str]:
    """Valid synthetic tax numbers (8 digits, mod-11 check digit).

    >>> from hypothesis import given
    >>> @given(tax_numbers())
    ... def check(number):
    ...     assert davcna.is_valid(number)
    >>> check()
    """
    seven = st.integers(min_value=1_000_000, max_value=9_999_999).map(str)
    return seven.filter(_has_tax_check_digit).map(davcna.make)


def _has_tax_check_digit(seven: str) -> bool:
    try:
        davcna.calc_check_digit(seven)
    except ValueError:
        return False
    return True


def ibans() -> st.SearchStrategy[str]:
    """Valid synthetic Slovenian IBANs.

    >>> from hypothesis import given
    >>> @given(ibans())
    ... def check(number):
    ...     assert iban.is_valid(number)
    >>> check()
    """
    banks = st.sampled_from(["01000", "02010", "03100", "04515", "05100", "19100", "24200"])
    accounts = st.integers(min_value=1, max_value=99_999_999).map(lambda n: f"{n:08d}")
    return st.builds(iban.make_si, banks, accounts)


def addresses() -> st.SearchStrategy[Address]:
    """Addresses, some of them incomplete."""
    return st.builds(
        Address,
        street=_text(),
        post_code=st.one_of(st.just(""), st.integers(1000, 9999).map(str)),
        city=_text(20),
        country=st.sampled_from(["SI", "SI", "HR", "IT", "AT"]),
    )


def guardians(*, organisation_id: str = "org") -> st.SearchStrategy[Guardian]:
    """Guardians of ``organisation_id`` with valid (or empty) identifiers."""
    return st.builds(
        Guardian,
        organisation_id=st.just(organisation_id),
        id=_ids(),
        first_name=_text(),
        last_name=_text(),
        address=addresses(),
        emso=st.one_of(st.just(""), emsos(max_birth=date(2005, 12, 31))),
        tax_number=st.one_of(st.just(""), tax_numbers()),
        iban=st.one_of(st.just(""), ibans()),
        email=_text(),
        phone=_text(15),
        version=st.integers(0, 1000),
    )


def payers() -> st.SearchStrategy[Payer]:
    """Payers of each kind: the child, a guardian, another party."""
    party = st.builds(
        Party, name=_text(), address=addresses(), tax_number=st.one_of(st.just(""), tax_numbers())
    )
    return st.one_of(
        st.just(Payer.child()),
        _ids().map(Payer.guardian),
        party.map(Payer.other),
    )


def mandates() -> st.SearchStrategy[Mandate]:
    """SEPA mandates with a valid IBAN."""
    return st.builds(
        Mandate,
        bank=_text(20),
        iban=ibans(),
        debit_day=st.integers(1, 28),
        reference=mandate_references(),
        signed_on=st.one_of(st.none(), _dates(date(2009, 11, 1), date(2040, 12, 31))),
        creditor_id=st.one_of(st.just(""), st.just("SI72ZZZ12345679")),
    )


def payment_methods() -> st.SearchStrategy[PaymentMethod]:
    """UPN slips, and direct debits with or without a mandate."""
    return st.one_of(
        st.just(PaymentMethod.upn()),
        st.builds(
            PaymentMethod,
            kind=st.just(PaymentKind.DIRECT_DEBIT),
            mandate=st.one_of(st.none(), mandates()),
        ),
    )


def _deliveries() -> st.SearchStrategy[InvoiceDelivery]:
    return st.builds(
        InvoiceDelivery,
        kind=st.sampled_from(DeliveryKind),
        email=_text(),
        iban=st.one_of(st.just(""), ibans()),
    )


def _assignments() -> st.SearchStrategy[tuple[GroupAssignment, ...]]:
    item = st.builds(
        GroupAssignment,
        valid_from=_dates(date(2000, 1, 1)),
        group_code=_ids(),
        program_code=_ids(),
    )
    return st.lists(item, max_size=4, unique_by=lambda g: g.valid_from).map(
        lambda items: tuple(sorted(items, key=lambda g: g.valid_from))
    )


def residence_changes(
    *, min_size: int = 0, max_size: int = 3
) -> st.SearchStrategy[tuple[ResidenceChange, ...]]:
    """A child's residence history: moves on distinct days, sorted, from 2000 on.

    Municipality codes are 1 ... 213 or None; regresor ids are short ids or None.

    Args:
        min_size: The fewest changes.
        max_size: The most changes.
    """
    item = st.builds(
        ResidenceChange,
        valid_from=_dates(date(2000, 1, 1)),
        municipality_code=st.one_of(st.none(), st.integers(1, 213)),
        regresor_id=st.one_of(st.none(), _ids()),
    )
    return st.lists(
        item, min_size=min_size, max_size=max_size, unique_by=lambda r: r.valid_from
    ).map(lambda items: tuple(sorted(items, key=lambda r: r.valid_from)))


def taxpayer_changes(
    *, min_size: int = 0, max_size: int = 3
) -> st.SearchStrategy[tuple[TaxpayerChange, ...]]:
    """Changes of the parents' tax status on distinct days, sorted, from 2000 on.

    Args:
        min_size: The fewest changes.
        max_size: The most changes.
    """
    item = st.builds(TaxpayerChange, valid_from=_dates(date(2000, 1, 1)), taxpayers=st.booleans())
    return st.lists(
        item, min_size=min_size, max_size=max_size, unique_by=lambda t: t.valid_from
    ).map(lambda items: tuple(sorted(items, key=lambda t: t.valid_from)))


def _attendance() -> st.SearchStrategy[tuple[date | None, date | None]]:
    """Enrollment and exit days (either may be None; the exit never before enrollment)."""
    day = st.one_of(st.none(), _dates())

    def ordered(pair: tuple[date | None, date | None]) -> tuple[date | None, date | None]:
        start, end = pair
        if start is not None and end is not None and end < start:
            return end, start
        return start, end

    return st.tuples(day, day).map(ordered)


def _child(*, attendance: tuple[date | None, date | None], **fields: object) -> Child:
    return Child(
        enrollment_date=attendance[0],
        exit_date=attendance[1],
        **fields,  # type: ignore[arg-type]
    )


def children(
    *,
    organisation_id: str = "org",
    codes: st.SearchStrategy[int] | None = None,
) -> st.SearchStrategy[Child]:
    """Children of ``organisation_id``; every field varies, identifiers are valid or empty.

    Args:
        organisation_id: The organisation the records belong to.
        codes: Strategy for ``code`` (1 ... 99999 by default).
    """
    return st.builds(
        _child,
        organisation_id=st.just(organisation_id),
        code=codes if codes is not None else _codes(),
        first_name=_text(),
        last_name=_text(),
        sex=st.one_of(st.none(), st.sampled_from(Sex)),
        birth_date=st.one_of(st.none(), _dates()),
        birth_place=_text(),
        emso=st.one_of(st.just(""), emsos()),
        tax_number=st.one_of(st.just(""), tax_numbers()),
        citizenship=st.sampled_from(["SI", "HR", "BA", "UA"]),
        permanent_address=addresses(),
        temporary_address=st.one_of(st.none(), addresses()),
        municipality_code=st.one_of(st.none(), st.integers(1, 213)),
        regresor_id=st.one_of(st.none(), _ids()),
        residence_changes=residence_changes(),
        groups=_assignments(),
        adapted_program=st.booleans(),
        special_needs=st.booleans(),
        companion=st.booleans(),
        card_number=_text(10),
        employee_id=st.one_of(st.none(), _ids()),
        contract_number=_text(15),
        contract_signed_on=st.one_of(st.none(), _dates()),
        contract_ends_on=st.one_of(st.none(), _dates()),
        attendance=_attendance(),
        exit_notice_on=st.one_of(st.none(), _dates()),
        parents_taxpayers=st.booleans(),
        taxpayer_changes=taxpayer_changes(),
        family_order=st.one_of(st.none(), st.integers(1, 12)),
        newcomer=st.booleans(),
        went_to_other_kindergarten=st.booleans(),
        inactive=st.booleans(),
        notes=_text(60),
        printable_notes=_text(60),
        guardians=st.lists(
            st.builds(GuardianLink, guardian_id=_ids(), kind=st.sampled_from(GuardianKind)),
            max_size=3,
        ).map(tuple),
        payer=st.one_of(st.none(), payers()),
        applicant=st.one_of(st.none(), payers()),
        payment=payment_methods(),
        delivery=_deliveries(),
        contact_email=_text(),
        payment_group_lead=st.one_of(st.none(), _codes()),
        version=st.integers(0, 1000),
    )


def _prices() -> st.SearchStrategy[tuple[ProgramPrice, ...]]:
    item = st.builds(
        ProgramPrice,
        valid_from=_dates(date(2000, 1, 1)),
        monthly=_money("1500"),
        food_per_day=_money("10"),
    )
    return st.lists(item, max_size=4, unique_by=lambda p: p.valid_from).map(
        lambda items: tuple(sorted(items, key=lambda p: p.valid_from))
    )


def _program(*, code: str, kind: ProgramKind, reference: str, **fields: object) -> Program:
    if kind is ProgramKind.REGULAR:
        return Program(code=code, kind=kind, **fields)  # type: ignore[arg-type]
    return Program(code=code, kind=kind, reference_program=reference + "-ref", **fields)  # type: ignore[arg-type]


def programs(*, organisation_id: str = "org") -> st.SearchStrategy[Program]:
    """Programs with 0-4 dated prices, of every kind (a reference program for the others)."""
    return st.builds(
        _program,
        organisation_id=st.just(organisation_id),
        code=_ids(),
        name=_text(),
        prices=_prices(),
        kind=st.sampled_from(ProgramKind),
        reference=_ids(),
        version=st.integers(0, 1000),
    )


def groups(*, organisation_id: str = "org") -> st.SearchStrategy[Group]:
    """Groups (classes)."""
    return st.builds(
        Group,
        organisation_id=st.just(organisation_id),
        code=_ids(),
        name=_text(),
        program_code=st.one_of(st.none(), _ids()),
        version=st.integers(0, 1000),
    )


def regresors(*, organisation_id: str = "org") -> st.SearchStrategy[Regresor]:
    """Regresors, most of them municipalities."""
    return st.builds(
        Regresor,
        organisation_id=st.just(organisation_id),
        id=_ids(),
        name=_text(),
        municipality_code=st.one_of(st.none(), st.integers(1, 213)),
        address=addresses(),
        tax_number=st.one_of(st.just(""), tax_numbers()),
        email=_text(),
        version=st.integers(0, 1000),
    )


@st.composite
def _decision(
    draw: st.DrawFn, organisation_id: str, child_codes: st.SearchStrategy[int]
) -> Decision:
    valid_from = draw(_dates(date(2012, 1, 1), date(2040, 12, 31)))
    valid_to = draw(st.one_of(st.none(), _dates(valid_from, date(2041, 12, 31))))
    return Decision(
        organisation_id=organisation_id,
        id=draw(_ids()),
        child_code=draw(child_codes),
        number=draw(_text(20)),
        coefficient=draw(
            st.decimals(min_value=Decimal(0), max_value=MAX_COEFFICIENT, places=4, allow_nan=False)
        ),
        valid_from=valid_from,
        valid_to=valid_to,
        regresor_id=draw(st.one_of(st.none(), _ids())),
        sibling_order=draw(st.one_of(st.none(), st.integers(1, 6))),
        state_financed=draw(st.booleans()),
        payment_class=draw(st.one_of(st.none(), st.integers(1, 9))),
        issued_on=draw(st.one_of(st.none(), _dates(date(2012, 1, 1), date(2041, 12, 31)))),
        supersedes=draw(st.one_of(st.none(), _ids())),
        version=draw(st.integers(0, 1000)),
    )


def decisions(
    *, organisation_id: str = "org", child_codes: st.SearchStrategy[int] | None = None
) -> st.SearchStrategy[Decision]:
    """Decisions with a coefficient 0 ... 0.77 (four places) and a valid period."""
    return _decision(organisation_id, child_codes if child_codes is not None else _codes())


@st.composite
def _reservation(draw: st.DrawFn, organisation_id: str) -> Reservation:
    start = draw(_dates(date(2000, 1, 1), date(2090, 12, 31)))
    return Reservation(
        organisation_id=organisation_id,
        id=draw(_ids()),
        child_code=draw(_codes()),
        kind=draw(st.sampled_from(ReservationKind)),
        start=start,
        end=draw(_dates(start, date(2091, 12, 31))),
        announced_on=draw(st.one_of(st.none(), _dates())),
        doctor_note=draw(st.booleans()),
        version=draw(st.integers(0, 1000)),
    )


def reservations(*, organisation_id: str = "org") -> st.SearchStrategy[Reservation]:
    """Summer and sick reservations with ``start <= end``."""
    return _reservation(organisation_id)


@st.composite
def _absence(draw: st.DrawFn, organisation_id: str) -> Absence:
    start = draw(_dates(date(2000, 1, 1), date(2090, 12, 31)))
    announced_day = draw(st.one_of(st.none(), _dates()))
    announced_at = (
        None
        if announced_day is None
        else datetime.combine(
            announced_day, time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
        )
    )
    return Absence(
        organisation_id=organisation_id,
        id=draw(_ids()),
        child_code=draw(_codes()),
        start=start,
        end=draw(_dates(start, min(_MAX_DATE, date(start.year + 1, 12, 31)))),
        announced_at=announced_at,
        doctor_note=draw(st.booleans()),
        version=draw(st.integers(0, 1000)),
    )


def absences(*, organisation_id: str = "org") -> st.SearchStrategy[Absence]:
    """Absences of one day or more, announced (naive local time) or not."""
    return _absence(organisation_id)


def payment_groups() -> st.SearchStrategy[PaymentGroup]:
    """Resolved payment groups (as :func:`szo_core.registry.resolve_payment_groups` returns)."""
    return st.builds(
        PaymentGroup,
        lead_code=_codes(),
        member_codes=st.lists(_codes(), max_size=4, unique=True).map(lambda c: tuple(sorted(c))),
        payer=st.one_of(st.none(), payers()),
        payment=payment_methods(),
        delivery=_deliveries(),
    )


def _registration(six: int, unit: int) -> str | None:
    from stdnum.si import maticna

    digits = f"{six:06d}"
    check = maticna.calc_check_digit(digits)
    if not check.isdigit():
        return None  # no check digit exists for these six digits
    return digits + check + ("" if unit == 0 else f"{unit:03d}")


def registration_numbers() -> st.SearchStrategy[str]:
    """Valid synthetic registration numbers (matična številka): 7 digits, or 10 for a unit.

    >>> from hypothesis import given
    >>> from stdnum.si import maticna
    >>> @given(registration_numbers())
    ... def check(number):
    ...     assert maticna.is_valid(number) and len(number) in (7, 10)
    >>> check()
    """
    drawn = st.builds(_registration, st.integers(100_000, 999_999), st.integers(0, 999))
    return drawn.filter(lambda n: n is not None).map(str)


def _bank_accounts() -> st.SearchStrategy[tuple[BankAccount, ...]]:
    account = st.builds(
        BankAccount,
        iban=ibans(),
        bic=st.sampled_from(["", "BSLJSI2X", "LJBASI2X", "SKBASI2X"]),
        bank=_text(20),
    )
    unique = st.lists(account, min_size=1, max_size=3, unique_by=lambda a: a.iban)
    return unique.map(lambda found: tuple(found))


def _series() -> st.SearchStrategy[InvoiceSeries]:
    prefix = st.text(alphabet="ABCDRV0123/", max_size=4)
    return (
        st.tuples(prefix, prefix)
        .filter(lambda p: p[0] != p[1])
        .map(lambda p: InvoiceSeries(invoice_prefix=p[0], credit_note_prefix=p[1]))
    )


@st.composite
def _organisation(draw: st.DrawFn) -> Organisation:
    tax = draw(tax_numbers())
    return Organisation(
        id=draw(_ids()),
        kind=draw(st.sampled_from(OrganisationKind)),
        name=draw(_text().filter(str.strip)),
        address=draw(addresses()),
        tax_number=tax,
        registration_number=draw(registration_numbers()),
        accounts=draw(_bank_accounts()),
        creditor_id=draw(st.sampled_from(["", creditor_id.make(tax)])),
        budget_user=draw(st.booleans()),
        reference_scheme=draw(st.sampled_from(ReferenceScheme)),
        invoice_series=draw(_series()),
        debit_day=draw(st.integers(1, 28)),
        purpose_code=draw(st.sampled_from(["EDUC", "OTLC", "GOVT", "SCVE"])),
        email=draw(st.sampled_from(["", "racunovodstvo@vrtec.si", "info@os-primer.si"])),
        host_municipality=draw(st.one_of(st.none(), st.sampled_from([1, 61, 70, 213]))),
        sms_letters=draw(st.sampled_from(LetterPolicy)),
        version=draw(st.integers(0, 1000)),
    )


def organisations() -> st.SearchStrategy[Organisation]:
    """Organisations with valid synthetic identifiers (tax number, IBANs, creditor id).

    >>> from hypothesis import given
    >>> @given(organisations())
    ... def check(org):
    ...     assert org.accounts and org.account is org.accounts[0]
    >>> check()
    """
    return _organisation()
