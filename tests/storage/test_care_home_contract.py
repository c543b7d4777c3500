"""The care home part of the storage contract: memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.storage._backend import Backend
from tests.storage.test_contract import backend_settings

from szo_core.errors import ConcurrencyConflict, NotFound, StorageError
from szo_core.model.care_home import (
    AbsenceDeduction,
    CareAbsence,
    CareHomeSettings,
    CarePaymentDecision,
    CareStay,
    CategoryPrice,
    MonthlyCap,
    NewRegimePrice,
    RelativeShare,
    ResidentStays,
    RoomExtra,
)

ORG = "dom"


def stays(code: int, *entries: CareStay) -> ResidentStays:
    return ResidentStays(organisation_id=ORG, resident_code=code, stays=entries)


def test_records_round_trip_and_the_period_query(backend: Backend) -> None:
    store = backend.store
    history = stays(
        3,
        CareStay(valid_from=date(2024, 5, 1), category="II"),
        CareStay(valid_from=date(2026, 9, 16), category="III.A", room="single", regime="zdosk-1"),
    )
    away = CareAbsence(
        organisation_id=ORG,
        id="a1",
        resident_code=3,
        start=date(2026, 9, 21),
        end=date(2026, 9, 26),
        announced_on=date(2026, 9, 18),
    )
    decision = CarePaymentDecision(
        organisation_id=ORG,
        id="d1",
        resident_code=3,
        number="122-7/2026",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        resident_monthly=Decimal("600.00"),
        relatives=(RelativeShare(payer_id="sin", monthly=Decimal("150.00")),),
        municipality_code=61,
    )
    with store.unit_of_work() as uow:
        for record in (
            history,
            stays(1, CareStay(valid_from=date(2027, 1, 1), category="I")),
            away,
            decision,
        ):
            uow.care_home.add(record)
        uow.commit()
    with store.unit_of_work() as uow:
        september = uow.care_home.for_period(ORG, date(2026, 9, 1), date(2026, 9, 30))
        next_year = uow.care_home.for_period(ORG, date(2027, 1, 1), date(2027, 1, 31))
        assert uow.care_home.find(ResidentStays, ORG, "3") == history
        assert uow.care_home.find(CareAbsence, ORG, "3") is None
    assert september.stays == (history,)
    assert september.absences == (away,)
    assert september.decisions == (decision,)
    assert [s.resident_code for s in next_year.stays] == [1, 3]
    assert next_year.absences == ()
    assert next_year.decisions == ()


def test_settings_round_trip_with_a_version(backend: Backend) -> None:
    settings = CareHomeSettings(
        organisation_id=ORG,
        category_prices=(
            CategoryPrice(category="IV", valid_from=date(2026, 1, 1), daily=Decimal("34.20")),
        ),
        room_extras=(
            RoomExtra(room="single", valid_from=date(2026, 1, 1), percent=Decimal("12.5")),
        ),
        deduction=AbsenceDeduction.FLAT,
        flat_per_day=Decimal("3.37"),
        new_regime_prices=(
            NewRegimePrice(
                room="double-shared",
                valid_from=date(2025, 12, 1),
                accommodation=Decimal("25.10"),
                care=Decimal("20.00"),
            ),
        ),
        caps=(
            MonthlyCap(
                room="double-shared",
                valid_from=date(2025, 12, 1),
                amount=Decimal("781.94"),
                source="ZDOsk-1",
            ),
        ),
        care_recipient="ZZZS-OE-MB",
    )
    with backend.store.unit_of_work() as uow:
        stored = uow.care_home.put_settings(settings)
        uow.commit()
    with backend.store.unit_of_work() as uow:
        assert uow.care_home.settings(ORG) == stored == attrs.evolve(settings, version=1)
        with pytest.raises(ConcurrencyConflict):
            uow.care_home.put_settings(settings)


def test_duplicates_and_removal(backend: Backend) -> None:
    store = backend.store
    history = stays(3, CareStay(valid_from=date(2024, 5, 1), category="II"))
    with store.unit_of_work() as uow:
        uow.care_home.add(history)
        uow.commit()
    with store.unit_of_work() as uow, pytest.raises(StorageError) as info:
        uow.care_home.add(history)
    assert info.value.code == "storage.duplicate"
    with store.unit_of_work() as uow:
        uow.care_home.remove(history)
        uow.commit()
    with store.unit_of_work() as uow, pytest.raises(NotFound):
        uow.care_home.remove(history)


_money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("2000.00"), places=2)
_day = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


def test_any_settings_and_decision_round_trip(backend: Backend) -> None:
    settings_strategy = st.builds(
        CareHomeSettings,
        organisation_id=st.just(ORG),
        category_prices=st.lists(
            st.builds(
                CategoryPrice,
                category=st.sampled_from(["I", "II", "III.A", "IV"]),
                valid_from=_day,
                daily=_money,
            ),
            max_size=3,
        ).map(tuple),
        room_extras=st.lists(
            st.builds(
                RoomExtra,
                room=_text,
                valid_from=_day,
                percent=st.decimals(min_value=0, max_value=100, places=3),
            ),
            max_size=2,
        ).map(tuple),
        deduction=st.sampled_from(list(AbsenceDeduction)),
        flat_per_day=_money,
        notice_days=st.integers(0, 5),
        unannounced_from_day=st.integers(1, 6),
        new_regime_prices=st.lists(
            st.builds(
                NewRegimePrice, room=_text, valid_from=_day, accommodation=_money, care=_money
            ),
            max_size=2,
        ).map(tuple),
        caps=st.lists(
            st.builds(MonthlyCap, room=_text, valid_from=_day, amount=_money, source=_text),
            max_size=2,
        ).map(tuple),
        care_recipient=_text,
    )
    decisions = st.builds(
        CarePaymentDecision,
        organisation_id=st.just(ORG),
        id=st.just("d"),
        resident_code=st.integers(1, 10**6),
        number=_text,
        valid_from=_day,
        resident_monthly=st.none() | _money,
        relatives=st.lists(
            st.builds(RelativeShare, payer_id=_text, monthly=_money), max_size=3
        ).map(tuple),
        municipality_code=st.none() | st.integers(1, 213),
    )

    @backend_settings(backend)
    @given(settings=settings_strategy, decision=decisions)
    def check(settings: CareHomeSettings, decision: CarePaymentDecision) -> None:
        backend.reset()
        with backend.store.unit_of_work() as uow:
            stored = uow.care_home.put_settings(settings)
            uow.care_home.add(decision)
            uow.commit()
        with backend.store.unit_of_work() as uow:
            assert uow.care_home.settings(ORG) == stored
            assert uow.care_home.find(CarePaymentDecision, ORG, "d") == decision

    check()
