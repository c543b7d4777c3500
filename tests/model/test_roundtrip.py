"""Every record survives make_converter() (and JSON) unchanged."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.model import (
    Absence,
    Child,
    Decision,
    Group,
    Guardian,
    Organisation,
    PaymentGroup,
    Program,
    Regresor,
    Reservation,
    ResidenceChange,
    TaxpayerChange,
)
from szo_core.serialization import make_converter
from szo_core.testing import records

CASES = [
    (Child, records.children()),
    (Guardian, records.guardians()),
    (Program, records.programs()),
    (Group, records.groups()),
    (Regresor, records.regresors()),
    (Decision, records.decisions()),
    (Reservation, records.reservations()),
    (Absence, records.absences()),
    (PaymentGroup, records.payment_groups()),
    (Organisation, records.organisations()),
    (ResidenceChange, records.residence_changes(min_size=1).map(lambda t: t[-1])),
    (TaxpayerChange, records.taxpayer_changes(min_size=1).map(lambda t: t[-1])),
]


@pytest.mark.parametrize(("cls", "strategy"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_round_trip_through_converter(cls: type, strategy: st.SearchStrategy[object]) -> None:
    converter = make_converter()

    @given(strategy)
    def check(record: object) -> None:
        data = converter.unstructure(record)
        again = converter.structure(json.loads(json.dumps(data)), cls)
        assert again == record
        assert type(again) is cls

    check()


@given(records.children())
def test_child_data_is_plain_json(child: Child) -> None:
    data = make_converter().unstructure(child)
    # No Decimal, date or enum objects left: json.dumps would fail on them.
    json.dumps(data)
    assert isinstance(data["code"], int)
    assert data["sex"] in (None, "M", "F")


@given(records.programs())
def test_program_kind_is_plain_json(program: Program) -> None:
    data = make_converter().unstructure(program)
    assert type(data["kind"]) is str
    assert json.loads(json.dumps(data))["kind"] == program.kind.value
