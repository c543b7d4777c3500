"""Checking records: every error and warning at once, with stable codes and both languages.

:func:`validate_child` and :func:`validate_guardian` check one record;
:func:`validate_registry` checks them all and adds the checks across records
(duplicate codes, shared card numbers, mandate references, merged payment
groups).  :func:`fill_from_emso` fills an empty birth date and sex from a valid
EMŠO.

Errors (``report.errors``):

==============================  ======================================================
code                            when
==============================  ======================================================
``code.width``                  the code is wider than the configured width
``code.duplicate``              two children have the same code
``name.missing``                first or last name is empty (``where.field`` says which)
``address.missing``             the permanent address is empty
``address.incomplete``          street, post code or city is missing
``emso.invalid``                the EMŠO is not valid
``tax_number.invalid``          the tax number is not valid
``iban.invalid``                an IBAN (mandate, e-invoice, guardian) is not valid
``municipality.missing``        a kindergarten child has no municipality of residence
``municipality.unknown``        the municipality code is not in the register
``regresor.unknown``            the regresor is not among the regresors given
``payer.missing``               a child that pays alone has no payer
``payer.not_guardian``          the payer is a guardian not linked to the child
``applicant.not_guardian``      the applicant is a guardian not linked to the child
``direct_debit.mandate_missing``  direct debit without a mandate
``direct_debit.bank_missing``   the mandate has no bank
``direct_debit.iban_missing``   the mandate has no IBAN
``direct_debit.reference_missing``  the mandate has no reference
``mandate.reference_invalid``   the mandate reference breaks the SEPA rule
                                (:func:`szo_core.ids.mandate.validate`, the rule of
                                :class:`~szo_core.model.Mandate` and of the SEPA writer)
``creditor_id.invalid``         a creditor identifier fails the EPC/AT-02 rules
``delivery.email_missing``      PDF by e-mail without an address
``delivery.iban_missing``       e-invoice without the payer's IBAN
``mandate.reference_duplicate`` another mandate of the same creditor has the reference
``payment_group.lead_missing``  a member points to a code no child has
``payment_group.not_lead``      a member points to a child that is not a lead
``payment_group.cycle``         members point to each other in a circle
``payment_group.payer_differs`` a member's own payer is not the lead's
==============================  ======================================================

The three residence codes apply to the child's first residence (fields
``municipality_code`` and ``regresor_id``) and to each dated move
(``residence_changes[0].municipality_code`` ...), whose message starts with the
day of the move.  ``regresor.unknown`` is checked only when the regresors are
given (``regresors=``).

Warnings (``report.warnings``): ``card_number.duplicate``,
``birth_date.emso_mismatch``, ``sex.emso_mismatch``, ``sex.suggested`` (no sex,
first name ending in -a), ``creditor_id.not_tax_number`` (a valid Slovenian
creditor identifier whose national part is not a tax number, which is the
Slovenian practice but no official rule; see :func:`check_creditor_id`).

A record built through its constructor cannot hold a bad mandate reference
(:class:`~szo_core.model.Mandate` refuses it), but records loaded from storage
skip the constructor's checks; this is where they are checked.  An exit date
before the enrollment date is refused by :class:`~szo_core.model.Child` itself
(``child.exit.before_enrollment``).

>>> from datetime import date
>>> from szo_core.model import Child
>>> report = validate_child(Child(organisation_id="org", code=1, first_name="Ana"))
>>> report.codes()
('name.missing', 'address.missing', 'municipality.missing', 'payer.missing', 'sex.suggested')
>>> print(report.errors[0].message("en"))
The last name is missing. (child 1: last_name)
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date

import attrs

from szo_core.errors import ValidationError
from szo_core.ids import creditor_id, davcna, emso, iban
from szo_core.ids import mandate as mandate_reference
from szo_core.model import (
    Address,
    Child,
    DeliveryKind,
    Guardian,
    InvoiceDelivery,
    Organisation,
    Payer,
    PayerKind,
    PaymentMethod,
    Regresor,
    municipality,
)
from szo_core.registry.codes import check_code
from szo_core.registry.config import OrganisationKind, RegistryConfig
from szo_core.registry.groups import resolve_payment_groups
from szo_core.registry.report import Issue, Severity, ValidationReport, Where

__all__ = [
    "check_creditor_id",
    "fill_from_emso",
    "validate_child",
    "validate_guardian",
    "validate_organisation",
    "validate_registry",
]

_DEFAULT = RegistryConfig()
_E = Severity.ERROR
_W = Severity.WARNING


_At = Callable[[], Where]
"""Where an issue would be, made only when there is one (most records have none)."""


def _child_where(child: Child, field: str) -> Where:
    return Where(record="child", key=str(child.code), field=field)


def _child_at(child: Child, field: str) -> _At:
    return functools.partial(_child_where, child, field)


def _at(record: str, key: str, field: str) -> _At:
    return functools.partial(Where, record=record, key=key, field=field)


def _issue(code: str, severity: Severity, sl: str, en: str, where: Where) -> Issue:
    return Issue(code=code, severity=severity, sl=sl, en=en, where=where)


def _names(first: str, last: str, record: str, key: str) -> Iterator[Issue]:
    if not first.strip():
        yield _issue(
            "name.missing",
            _E,
            "Ime manjka.",
            "The first name is missing.",
            Where(record=record, key=key, field="first_name"),
        )
    if not last.strip():
        yield _issue(
            "name.missing",
            _E,
            "Priimek manjka.",
            "The last name is missing.",
            Where(record=record, key=key, field="last_name"),
        )


def _address(address: Address, at: _At) -> Iterator[Issue]:
    if address.is_empty():
        yield _issue("address.missing", _E, "Naslov manjka.", "The address is missing.", at())
    elif not address.is_complete():
        yield _issue(
            "address.incomplete",
            _E,
            "Naslov ni popoln: vpišite ulico, poštno številko in kraj.",
            "The address is incomplete: give the street, post code and city.",
            at(),
        )


def _identifier(
    value: str, validator: Callable[[str], object], at: _At, code: str, sl: str, en: str
) -> Iterator[Issue]:
    if not value:
        return
    try:
        validator(value)
    except ValidationError as err:  # its message never contains the number
        yield _identifier_issue(err, at, code, sl, en)


def _identifier_issue(err: ValidationError, at: _At, code: str, sl: str, en: str) -> Issue:
    return _issue(code, _E, f"{sl}: {err.sl}", f"{en}: {err.en}", at())


_EMSO_INVALID = ("emso.invalid", "EMŠO ni veljaven", "The EMŠO is not valid")


def _emso(value: str, at: _At) -> Iterator[Issue]:
    return _identifier(value, emso.validate, at, *_EMSO_INVALID)


def _tax_number(value: str, at: _At) -> Iterator[Issue]:
    return _identifier(
        value,
        davcna.validate,
        at,
        "tax_number.invalid",
        "Davčna številka ni veljavna",
        "The tax number is not valid",
    )


def _iban(value: str, at: _At) -> Iterator[Issue]:
    return _identifier(
        value, iban.validate, at, "iban.invalid", "IBAN ni veljaven", "The IBAN is not valid"
    )


def _creditor_id(value: str, at: _At) -> Iterator[Issue]:
    if not value.strip():
        return
    yield from _identifier(
        value,
        creditor_id.validate,
        at,
        "creditor_id.invalid",
        "Identifikacija prejemnika ni veljavna",
        "The creditor identifier is not valid",
    )
    if (
        creditor_id.is_valid(value)
        and creditor_id.compact(value)[:2] == "SI"
        and not creditor_id.national_part_is_tax_number(value)
    ):
        yield _issue(
            "creditor_id.not_tax_number",
            _W,
            "Nacionalni del slovenske identifikacije prejemnika ni davčna številka, kot je v "
            "navadi; preverite jo s pogodbo o SDD.",
            "The national part of the Slovenian creditor identifier is not a tax number, as it "
            "usually is; check it against the SDD contract.",
            at(),
        )


def check_creditor_id(value: str, where: Where) -> ValidationReport:
    """Check a SEPA creditor identifier as the registry does, for any record that holds one.

    An identifier that fails the EPC/AT-02 rules (structure, check digits) is
    the error ``creditor_id.invalid``; a valid Slovenian one whose national part
    is not a tax number is the warning ``creditor_id.not_tax_number``.  An empty
    value is not checked.

    >>> where = Where(record="organisation", key="vrtec", field="creditor_id")
    >>> check_creditor_id("SI72ZZZ12345679", where).ok
    True
    >>> report = check_creditor_id("SI02ZZZ12345678", where)
    >>> report.ok, report.warnings[0].code
    (True, 'creditor_id.not_tax_number')
    >>> check_creditor_id("SI73ZZZ12345679", where).errors[0].code
    'creditor_id.invalid'
    """
    return ValidationReport.of(_creditor_id(value, lambda: where))


def _linked_guardian(
    payer: Payer | None, child: Child, field: str, sl_who: str, en_who: str
) -> Iterator[Issue]:
    if payer is None or payer.kind is not PayerKind.GUARDIAN:
        return
    linked = {link.guardian_id for link in child.guardians}
    if payer.guardian_id not in linked:
        yield _issue(
            f"{field}.not_guardian",
            _E,
            f"{sl_who} je skrbnik, ki ni med skrbniki otroka.",
            f"The {en_who} is a guardian who is not among the child's guardians.",
            _child_where(child, f"{field}.guardian_id"),
        )


def _payment(payment: PaymentMethod, child: Child) -> Iterator[Issue]:
    if not payment.is_direct_debit:
        return
    mandate = payment.mandate
    if mandate is None:
        yield _issue(
            "direct_debit.mandate_missing",
            _E,
            "Plačilo z direktno obremenitvijo nima soglasja.",
            "Direct debit is chosen, but there is no mandate.",
            _child_where(child, "payment.mandate"),
        )
        return
    missing = (
        ("bank", mandate.bank, "banke", "bank"),
        ("iban", mandate.iban, "številke računa (IBAN)", "IBAN"),
        ("reference", mandate.reference, "reference", "reference"),
    )
    for field, value, sl_what, en_what in missing:
        if not value.strip():
            yield _issue(
                f"direct_debit.{field}_missing",
                _E,
                f"Soglasje za direktno obremenitev nima {sl_what}.",
                f"The direct-debit mandate has no {en_what}.",
                _child_where(child, f"payment.mandate.{field}"),
            )
    if mandate.reference.strip():
        yield from _identifier(
            mandate.reference,
            mandate_reference.validate,
            _child_at(child, "payment.mandate.reference"),
            "mandate.reference_invalid",
            "Referenca soglasja ni veljavna",
            "The mandate reference is not valid",
        )
    yield from _iban(mandate.iban, _child_at(child, "payment.mandate.iban"))
    yield from _creditor_id(mandate.creditor_id, _child_at(child, "payment.mandate.creditor_id"))


def _delivery(delivery: InvoiceDelivery, child: Child) -> Iterator[Issue]:
    if delivery.kind is DeliveryKind.EMAIL_PDF and not delivery.email.strip():
        yield _issue(
            "delivery.email_missing",
            _E,
            "Račun naj bi šel po e-pošti, a e-poštni naslov manjka.",
            "The invoice is to go by e-mail, but the e-mail address is missing.",
            _child_where(child, "delivery.email"),
        )
    if delivery.kind is DeliveryKind.E_INVOICE and not delivery.iban.strip():
        yield _issue(
            "delivery.iban_missing",
            _E,
            "Za e-račun manjka številka računa (IBAN) plačnika.",
            "The payer's IBAN for the e-invoice is missing.",
            _child_where(child, "delivery.iban"),
        )
    if delivery.iban:
        yield from _iban(delivery.iban, _child_at(child, "delivery.iban"))


def _when(since: date | None) -> tuple[str, str]:
    """The start of a residence issue's message: the day of the move, if it is one."""
    if since is None:
        return "", ""
    return f"Selitev od {since:%d. %m. %Y}: ", f"Move from {since.isoformat()}: "


def _residence(
    child: Child,
    config: RegistryConfig,
    regresor_ids: Collection[str] | None,
    entry: tuple[int | None, str | None],
    field: str = "",
    since: date | None = None,
) -> Iterator[Issue]:
    """Check one residence: the child's first one, or the dated move at ``field``."""
    code, regresor_id = entry
    if code is None:
        if config.organisation_kind is OrganisationKind.KINDERGARTEN:
            sl_when, en_when = _when(since)
            yield _issue(
                "municipality.missing",
                _E,
                sl_when + "Občina stalnega prebivališča manjka (plača razliko do cene programa).",
                en_when
                + "The municipality of residence is missing (it pays the rest of the price).",
                _child_where(child, field + "municipality_code"),
            )
    else:
        try:
            municipality(code)
        except ValidationError:
            sl_when, en_when = _when(since)
            yield _issue(
                "municipality.unknown",
                _E,
                sl_when + f"Občine s šifro {code} ni v registru občin.",
                en_when + f"There is no municipality with code {code} in the register.",
                _child_where(child, field + "municipality_code"),
            )
    if regresor_ids is not None and regresor_id is not None and regresor_id not in regresor_ids:
        sl_when, en_when = _when(since)
        yield _issue(
            "regresor.unknown",
            _E,
            sl_when + f"Plačnika razlike (regresorja) {regresor_id} ni med regresorji.",
            en_when + f"The regresor {regresor_id} is not among the regresors.",
            _child_where(child, field + "regresor_id"),
        )


def _residences(
    child: Child, config: RegistryConfig, regresor_ids: Collection[str] | None
) -> Iterator[Issue]:
    yield from _residence(child, config, regresor_ids, (child.municipality_code, child.regresor_id))
    for index, move in enumerate(child.residence_changes):
        yield from _residence(
            child,
            config,
            regresor_ids,
            (move.municipality_code, move.regresor_id),
            f"residence_changes[{index}].",
            move.valid_from,
        )


def _parse_emso(child: Child) -> tuple[emso.EmsoInfo | None, Issue | None]:
    """The child's EMŠO checked once: what it says, or the ``emso.invalid`` issue.

    Both are None for an empty EMŠO.  One :func:`~szo_core.ids.emso.parse` does
    what ``validate`` (the error), ``is_valid`` and ``parse`` (the warnings) did.
    """
    if not child.emso:
        return None, None
    try:
        return emso.parse(child.emso), None
    except ValidationError as err:  # its message never contains the number
        return None, _identifier_issue(err, _child_at(child, "emso"), *_EMSO_INVALID)


def _against_emso(child: Child, info: emso.EmsoInfo | None) -> Iterator[Issue]:
    if info is None:
        return
    if child.birth_date is not None and child.birth_date != info.birth_date:
        yield _issue(
            "birth_date.emso_mismatch",
            _W,
            "Datum rojstva se ne ujema z datumom v EMŠO.",
            "The birth date differs from the one in the EMŠO.",
            _child_where(child, "birth_date"),
        )
    if child.sex is not None and child.sex is not info.sex:
        yield _issue(
            "sex.emso_mismatch",
            _W,
            "Spol se ne ujema s spolom v EMŠO.",
            "The sex differs from the one in the EMŠO.",
            _child_where(child, "sex"),
        )


def _suggest_sex(child: Child, info: emso.EmsoInfo | None) -> Iterator[Issue]:
    if child.sex is not None:
        return
    words = child.first_name.split()
    if not words or not words[0].casefold().endswith("a"):
        return
    if info is not None:
        return  # fill_from_emso() gives the sex
    yield _issue(
        "sex.suggested",
        _W,
        "Spol ni vpisan; ime se konča na -a, zato je verjetno ženski.",
        "The sex is not entered; the first name ends in -a, so it is probably female.",
        _child_where(child, "sex"),
    )


def _child_issues(
    child: Child, config: RegistryConfig, regresor_ids: Collection[str] | None
) -> Iterator[Issue]:
    try:
        check_code(child.code, config=config)
    except ValidationError:
        yield _issue(
            "code.width",
            _E,
            f"Šifra je daljša od {config.code_width} števk.",
            f"The code is longer than {config.code_width} digits.",
            _child_where(child, "code"),
        )
    yield from _names(child.first_name, child.last_name, "child", str(child.code))
    yield from _address(child.permanent_address, _child_at(child, "permanent_address"))
    if child.temporary_address is not None and not child.temporary_address.is_empty():
        yield from _address(child.temporary_address, _child_at(child, "temporary_address"))
    info, invalid = _parse_emso(child)
    if invalid is not None:
        yield invalid
    if child.tax_number:
        yield from _tax_number(child.tax_number, _child_at(child, "tax_number"))
    yield from _residences(child, config, regresor_ids)
    if not child.is_payment_group_member:
        # A member pays through its group: the lead's payer, instrument and delivery.
        if child.payer is None:
            yield _issue(
                "payer.missing",
                _E,
                "Plačnik ni izbran.",
                "No payer is chosen.",
                _child_where(child, "payer"),
            )
        yield from _payment(child.payment, child)
        yield from _delivery(child.delivery, child)
    yield from _linked_guardian(child.payer, child, "payer", "Plačnik", "payer")
    yield from _linked_guardian(child.applicant, child, "applicant", "Vlagatelj", "applicant")
    yield from _against_emso(child, info)
    yield from _suggest_sex(child, info)


def _regresor_ids(child: Child, regresors: Iterable[Regresor] | None) -> set[str] | None:
    if regresors is None:
        return None
    return {r.id for r in regresors if r.organisation_id == child.organisation_id}


def _guardian_issues(guardian: Guardian) -> Iterator[Issue]:
    def at(field: str) -> _At:
        return _at("guardian", guardian.id, field)

    yield from _names(guardian.first_name, guardian.last_name, "guardian", guardian.id)
    yield from _address(guardian.address, at("address"))
    if guardian.emso:
        yield from _emso(guardian.emso, at("emso"))
    if guardian.tax_number:
        yield from _tax_number(guardian.tax_number, at("tax_number"))
    if guardian.iban:
        yield from _iban(guardian.iban, at("iban"))


def validate_child(
    child: Child,
    *,
    config: RegistryConfig = _DEFAULT,
    regresors: Iterable[Regresor] | None = None,
) -> ValidationReport:
    """Check one child record and return every error and warning.

    The checks that need other records (duplicates, payment groups) are in
    :func:`validate_registry`.

    Args:
        child: The record.
        config: The registry settings (code width, kind of organisation).
        regresors: The organisation's regresors; when given, the child's
            regresor and those of its moves must be among them
            (``regresor.unknown``).

    >>> from datetime import date
    >>> from szo_core.model import ResidenceChange
    >>> moved = Child(organisation_id="o", code=1, municipality_code=61, residence_changes=(
    ...     ResidenceChange(valid_from=date(2026, 10, 1), municipality_code=999),))
    >>> (issue,) = [i for i in validate_child(moved).errors if i.code == "municipality.unknown"]
    >>> issue.where.field
    'residence_changes[0].municipality_code'
    >>> issue.en
    'Move from 2026-10-01: There is no municipality with code 999 in the register.'
    """
    return ValidationReport.of(_child_issues(child, config, _regresor_ids(child, regresors)))


def validate_guardian(guardian: Guardian) -> ValidationReport:
    """Check one guardian record: names, address and identifiers.

    >>> from szo_core.model import Guardian
    >>> validate_guardian(Guardian(organisation_id="o", id="g-1", first_name="Ana",
    ...                            last_name="Novak", tax_number="12345678")).codes()
    ('address.missing', 'tax_number.invalid')
    """
    return ValidationReport.of(_guardian_issues(guardian))


def validate_organisation(organisation: Organisation) -> ValidationReport:
    """Check the organisation record as the registry checks the others.

    The record refuses invalid identifiers when it is built; this reports what
    the registry flags besides, or in a record loaded from storage as stored:
    the address (``address.missing``/``address.incomplete``), the creditor
    identifier (``creditor_id.invalid``, and the warning
    ``creditor_id.not_tax_number``, see :func:`check_creditor_id`), and, as a
    warning, ``organisation.email_missing`` (the contact e-mail is printed on
    slips and invoices).

    >>> from szo_core.model import Address, BankAccount, Organisation
    >>> org = Organisation(id="vrtec", name="Vrtec Sonček", tax_number="12345679",
    ...                    registration_number="5012341",
    ...                    address=Address(street="Cesta 1", post_code="1000", city="Ljubljana"),
    ...                    accounts=(BankAccount(iban="SI56012616030012373"),),
    ...                    creditor_id="SI02ZZZ12345678", email="vrtec@example.si")
    >>> [(i.code, str(i.severity)) for i in validate_organisation(org).issues]
    [('creditor_id.not_tax_number', 'warning')]
    """

    def where(field: str) -> Where:
        return Where(record="organisation", key=organisation.id, field=field)

    def issues() -> Iterator[Issue]:
        yield from _address(organisation.address, _at("organisation", organisation.id, "address"))
        yield from _creditor_id(
            organisation.creditor_id, _at("organisation", organisation.id, "creditor_id")
        )
        if not organisation.email.strip():
            yield _issue(
                "organisation.email_missing",
                _W,
                "Kontaktni e-naslov organizacije manjka.",
                "The organisation's contact e-mail is missing.",
                where("email"),
            )

    return ValidationReport.of(issues())


def _duplicate_codes(children: tuple[Child, ...]) -> Iterator[Issue]:
    seen: dict[int, int] = defaultdict(int)
    for child in children:
        seen[child.code] += 1
    for code, count in sorted(seen.items()):
        if count > 1:
            yield _issue(
                "code.duplicate",
                _E,
                f"Šifro {code} ima {count} otrok.",
                f"{count} children have the code {code}.",
                Where(record="child", key=str(code), field="code"),
            )


def _shared_cards(children: tuple[Child, ...]) -> Iterator[Issue]:
    holders: dict[str, list[int]] = defaultdict(list)
    for child in children:
        if child.card_number.strip():
            holders[child.card_number.strip()].append(child.code)
    for child in children:
        others = [c for c in holders.get(child.card_number.strip(), []) if c != child.code]
        if child.card_number.strip() and others:
            listed = ", ".join(str(c) for c in sorted(set(others)))
            yield _issue(
                "card_number.duplicate",
                _W,
                f"Isto številko kartice ima tudi otrok {listed}.",
                f"The same card number is also used by child {listed}.",
                _child_where(child, "card_number"),
            )


def _mandate_identity(child: Child) -> tuple[str, str, str, str | None] | None:
    """(creditor, reference, account, signing date) of the child's own mandate, if any."""
    mandate = child.payment.mandate
    if not child.payment.is_direct_debit or mandate is None or not mandate.reference.strip():
        return None
    account = "".join(mandate.iban.split()).upper()
    signed = None if mandate.signed_on is None else mandate.signed_on.isoformat()
    return mandate.creditor_id, mandate.reference.strip(), account, signed


def _mandate_references(children: tuple[Child, ...]) -> Iterator[Issue]:
    # The same (creditor, reference) on two different mandates (another account or
    # another signing date) is an error; the same mandate on two children is not.
    # Members of merged payment groups pay with the lead's mandate and are skipped.
    by_reference: dict[tuple[str, str], list[tuple[Child, tuple[str, str | None]]]] = defaultdict(
        list
    )
    for child in children:
        identity = _mandate_identity(child)
        if identity is None or child.is_payment_group_member:
            continue
        creditor, reference, account, signed = identity
        by_reference[(creditor, reference)].append((child, (account, signed)))
    for entries in by_reference.values():
        for child, mandate in entries:
            others = sorted({c.code for c, m in entries if m != mandate})
            if others:
                listed = ", ".join(str(c) for c in others)
                yield _issue(
                    "mandate.reference_duplicate",
                    _E,
                    f"Referenco soglasja ima že drugo soglasje istega prejemnika (otrok {listed}).",
                    f"Another mandate of the same creditor has this reference (child {listed}).",
                    _child_where(child, "payment.mandate.reference"),
                )


def validate_registry(
    children: Iterable[Child],
    *,
    guardians: Iterable[Guardian] = (),
    config: RegistryConfig = _DEFAULT,
    regresors: Iterable[Regresor] | None = None,
) -> ValidationReport:
    """Check all records of an organisation, each one and across them.

    Args:
        children: All children of the organisation.
        guardians: All guardians.
        config: The registry settings.
        regresors: All regresors; when given, every child's regresors must be
            among them (see :func:`validate_child`).

    Returns:
        Every error and warning: per record (as :func:`validate_child` and
        :func:`validate_guardian`), then duplicate codes, shared card numbers,
        reused mandate references and merged payment groups.

    >>> from szo_core.model import Child
    >>> kids = [Child(organisation_id="o", code=c, card_number="K7") for c in (1, 2)]
    >>> validate_registry(kids).warnings[0].message("en")
    'The same card number is also used by child 2. (child 1: card_number)'
    """
    items = tuple(children)
    known = None if regresors is None else tuple(regresors)
    # One list of issues and one report at the end: the same errors and warnings, in
    # the same order, as adding up one report per record (which copied the issues
    # found so far at every record).
    issues: list[Issue] = []
    regresor_ids: dict[str, set[str] | None] = {}
    for child in items:
        org = child.organisation_id
        if org not in regresor_ids:
            regresor_ids[org] = _regresor_ids(child, known)
        issues.extend(_child_issues(child, config, regresor_ids[org]))
    for guardian in guardians:
        issues.extend(_guardian_issues(guardian))
    issues.extend(_duplicate_codes(items))
    issues.extend(_shared_cards(items))
    issues.extend(_mandate_references(items))
    return ValidationReport.of(issues) + resolve_payment_groups(items).report


def fill_from_emso(child: Child) -> Child:
    """Return ``child`` with an empty birth date and sex filled in from a valid EMŠO.

    Values already entered are kept (a difference is a warning of
    :func:`validate_child`); an invalid EMŠO changes nothing.

    >>> from datetime import date
    >>> from szo_core.ids.emso import Sex, make
    >>> child = Child(organisation_id="o", code=1, emso=make(date(2021, 3, 4), Sex.FEMALE))
    >>> filled = fill_from_emso(child)
    >>> filled.birth_date, filled.sex
    (datetime.date(2021, 3, 4), <Sex.FEMALE: 'F'>)
    """
    if not child.emso or not emso.is_valid(child.emso):
        return child
    if child.birth_date is not None and child.sex is not None:
        return child
    info = emso.parse(child.emso)
    return attrs.evolve(
        child,
        birth_date=child.birth_date if child.birth_date is not None else info.birth_date,
        sex=child.sex if child.sex is not None else info.sex,
    )
