"""Builders for the fee tests: synthetic children, programs, decisions, reservations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from szo_core.fees import FeeInputs, SiblingInfo
from szo_core.model import (
    Absence,
    Child,
    Decision,
    Program,
    ProgramPrice,
    Reservation,
    ReservationKind,
)

ORG = "vrtec-test"


class Build:
    """Factory methods for synthetic records (no personal data at all)."""

    @staticmethod
    def program(
        monthly: str = "500.00", food: str = "2.50", code: str = "I", since: date = date(2000, 1, 1)
    ) -> Program:
        return Program(
            organisation_id=ORG,
            code=code,
            prices=(
                ProgramPrice(
                    valid_from=since, monthly=Decimal(monthly), food_per_day=Decimal(food)
                ),
            ),
        )

    @staticmethod
    def child(
        enrolled: date = date(2000, 1, 1),
        exit_date: date | None = None,
        municipality: int = 61,
        code: int = 101,
    ) -> Child:
        return Child(
            organisation_id=ORG,
            code=code,
            municipality_code=municipality,
            enrollment_date=enrolled,
            exit_date=exit_date,
        )

    @staticmethod
    def decision(
        coefficient: str,
        valid_from: date = date(2000, 1, 1),
        valid_to: date | None = None,
        id: str = "d-1",
        supersedes: str | None = None,
        sibling_order: int | None = None,
        state_financed: bool = False,
    ) -> Decision:
        return Decision(
            organisation_id=ORG,
            id=id,
            child_code=101,
            number=f"CSD-{id}",
            coefficient=Decimal(coefficient),
            valid_from=valid_from,
            valid_to=valid_to,
            supersedes=supersedes,
            sibling_order=sibling_order,
            state_financed=state_financed,
        )

    @staticmethod
    def reservation(
        start: date,
        end: date,
        kind: ReservationKind = ReservationKind.SUMMER,
        id: str = "r-1",
        announced_on: date | None = None,
    ) -> Reservation:
        return Reservation(
            organisation_id=ORG,
            id=id,
            child_code=101,
            kind=kind,
            start=start,
            end=end,
            announced_on=announced_on,
        )

    @staticmethod
    def absence(
        start: date, end: date, announced_at: datetime | None = None, id: str = "a-1"
    ) -> Absence:
        return Absence(
            organisation_id=ORG,
            id=id,
            child_code=101,
            start=start,
            end=end,
            announced_at=announced_at,
        )

    @staticmethod
    def inputs(
        *decisions: Decision,
        program: Program | None = None,
        reservations: tuple[Reservation, ...] = (),
        absences: tuple[Absence, ...] = (),
        siblings: SiblingInfo | None = None,
        taxpayer: bool = True,
        exit_notice_on: date | None = None,
    ) -> FeeInputs:
        program = program or Build.program()
        return FeeInputs(
            programs=(program,),
            program_code=program.code,
            decisions=decisions,
            reservations=reservations,
            absences=absences,
            siblings=siblings or SiblingInfo(),
            taxpayer=taxpayer,
            exit_notice_on=exit_notice_on,
        )


@pytest.fixture
def build() -> type[Build]:
    return Build
