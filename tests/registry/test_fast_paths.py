"""The registry's faster paths report exactly what the straightforward checks report.

``validate_registry`` collects every record's issues in one list (it used to add
up one report per record), looks the regresors up once per organisation, builds
an issue's place only when there is an issue, and parses a child's EMŠO once for
the error and both warnings.  These properties hold it to the straightforward
definitions, on records with valid, empty and broken identifiers.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.errors import InvalidFormat, InvalidType, ValidationError
from szo_core.ids import emso
from szo_core.ids.emso import Sex
from szo_core.model import Child, Guardian, Regresor
from szo_core.model import _validators as v
from szo_core.registry import (
    OrganisationKind,
    RegistryConfig,
    ValidationReport,
    validate_child,
    validate_guardian,
    validate_registry,
)
from szo_core.registry.groups import resolve_payment_groups
from szo_core.registry.validation import _duplicate_codes, _mandate_references, _shared_cards
from szo_core.testing import records

_ORGS = st.sampled_from(["org", "other"])
_REGRESOR_IDS = st.sampled_from([None, "r1", "r2"])
_BROKEN_EMSO = st.one_of(
    st.just(""),
    records.emsos(),
    st.text("0123456789", min_size=12, max_size=14),
    st.sampled_from(["abc", "1705019505004", "3202019505003", "17050195 05003"]),
)
_BROKEN_TAX = st.one_of(st.just(""), records.tax_numbers(), st.text("0123456789 ", max_size=9))
_BROKEN_IBAN = st.one_of(st.just(""), records.ibans(), st.sampled_from(["SI56 0201", "XX00"]))


@st.composite
def _children(draw: st.DrawFn, organisation_id: str) -> Child:
    child = draw(records.children(organisation_id=organisation_id, codes=st.integers(1, 30)))
    return attrs.evolve(
        child,
        emso=draw(_BROKEN_EMSO),
        tax_number=draw(_BROKEN_TAX),
        first_name=draw(st.sampled_from(["Ana", "Marko", "", " ", "Eva Marija", child.first_name])),
        regresor_id=draw(_REGRESOR_IDS),
    )


@st.composite
def _guardians(draw: st.DrawFn) -> Guardian:
    guardian = draw(records.guardians())
    return attrs.evolve(
        guardian, emso=draw(_BROKEN_EMSO), tax_number=draw(_BROKEN_TAX), iban=draw(_BROKEN_IBAN)
    )


@st.composite
def _regresors(draw: st.DrawFn) -> Regresor:
    regresor = draw(records.regresors(organisation_id=draw(_ORGS)))
    return attrs.evolve(regresor, id=draw(_REGRESOR_IDS.filter(bool)))


def _straightforward(
    children: list[Child],
    guardians: list[Guardian],
    config: RegistryConfig,
    regresors: tuple[Regresor, ...] | None,
) -> ValidationReport:
    """The registry check as defined: one report per record, added up, then across records."""
    items = tuple(children)
    report = ValidationReport()
    for child in items:
        report += validate_child(child, config=config, regresors=regresors)
    for guardian in guardians:
        report += validate_guardian(guardian)
    report += ValidationReport.of(
        [*_duplicate_codes(items), *_shared_cards(items), *_mandate_references(items)]
    )
    return report + resolve_payment_groups(items).report


@given(
    children=st.lists(_ORGS.flatmap(_children), max_size=6),
    guardians=st.lists(_guardians(), max_size=4),
    width=st.integers(1, 5),
    kind=st.sampled_from(OrganisationKind),
    regresors=st.one_of(
        st.none(),
        st.lists(_regresors(), max_size=4).map(tuple),
    ),
)
def test_registry_reports_what_the_records_reports_add_up_to(
    children: list[Child],
    guardians: list[Guardian],
    width: int,
    kind: OrganisationKind,
    regresors: tuple[Regresor, ...] | None,
) -> None:
    config = RegistryConfig(code_width=width, organisation_kind=kind)
    fast = validate_registry(children, guardians=guardians, config=config, regresors=regresors)
    assert fast == _straightforward(children, guardians, config, regresors)


def test_regresors_are_looked_up_per_organisation() -> None:
    # The regresor ids are found once per organisation: a child of another
    # organisation must not see the first one's regresors.
    regresor = Regresor(organisation_id="a", id="r1", name="Občina")
    kids = [
        Child(organisation_id="a", code=1, regresor_id="r1"),
        Child(organisation_id="b", code=2, regresor_id="r1"),
    ]
    report = validate_registry(kids, regresors=[regresor])
    unknown = [i.where.key for i in report.errors if i.code == "regresor.unknown"]
    assert unknown == ["2"]


@given(
    number=_BROKEN_EMSO,
    birth_date=st.one_of(st.none(), st.dates(date(2015, 1, 1), date(2030, 12, 31))),
    sex=st.one_of(st.none(), st.sampled_from(Sex)),
    first_name=st.sampled_from(["Ana", "Marko", "", "Eva Marija", "  luka"]),
)
def test_the_emso_checks_follow_their_definitions(
    number: str, birth_date: date | None, sex: Sex | None, first_name: str
) -> None:
    child = Child(
        organisation_id="o",
        code=1,
        emso=number,
        birth_date=birth_date,
        sex=sex,
        first_name=first_name,
    )
    report = validate_child(child)
    valid = bool(number) and emso.is_valid(number)
    info = emso.parse(number) if valid else None
    expected_errors = []
    if number and not valid:
        with pytest.raises(ValidationError) as caught:
            emso.validate(number)
        expected_errors.append(("emso.invalid", f"EMŠO ni veljaven: {caught.value.sl}"))
    expected_warnings = []
    if info is not None and birth_date is not None and birth_date != info.birth_date:
        expected_warnings.append("birth_date.emso_mismatch")
    if info is not None and sex is not None and sex is not info.sex:
        expected_warnings.append("sex.emso_mismatch")
    words = first_name.split()
    if sex is None and words and words[0].casefold().endswith("a") and info is None:
        expected_warnings.append("sex.suggested")
    emso_errors = [(i.code, i.sl) for i in report.errors if i.where.field == "emso"]
    assert emso_errors == expected_errors
    assert [i.code for i in report.warnings] == expected_warnings
    assert all(number not in i.sl + i.en for i in report.issues if len(number) > 5)


class _Level(enum.IntEnum):
    ONE = 1


class _Name(str):
    pass


_VALUES = st.one_of(
    st.text(st.characters(codec=None), max_size=5),  # surrogates and NUL included
    st.text("ab\x00", max_size=4),
    st.builds(_Name, st.text(max_size=4)),
    st.integers(-3, 3),
    st.booleans(),
    st.just(_Level.ONE),
    st.none(),
    st.dates(),
    st.floats(allow_nan=False),
)


def _expected(types: tuple[type, ...], value: object) -> str | None:
    """What ``instance_of(*types)`` must raise for ``value``: its code, or None."""
    if not isinstance(value, types) or (
        int in types and bool not in types and isinstance(value, bool)
    ):
        return "record.type"
    if str in types and isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "record.text.surrogate"
        if "\x00" in value:
            return "record.text.nul"
    return None


@attrs.frozen
class _Holder:
    value: object


@given(
    types=st.sampled_from([(str,), (int,), (bool,), (date,), (int, str), (str, type(None))]),
    value=_VALUES,
)
def test_the_fast_field_checks_raise_as_the_general_one(
    types: tuple[type, ...], value: object
) -> None:
    check = v.instance_of(*types)
    attribute = attrs.fields(_Holder).value
    expected = _expected(types, value)
    if expected is None:
        check(_Holder(None), attribute, value)
        return
    with pytest.raises((InvalidType, InvalidFormat)) as caught:
        check(_Holder(None), attribute, value)
    assert caught.value.code == expected
    assert caught.value.where == "_Holder.value"
