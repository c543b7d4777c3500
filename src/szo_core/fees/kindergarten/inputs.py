"""What the fee engine needs about one child for one month, beyond the child record.

:class:`FeeInputs` bundles the child's records that the engine reads: the
decisions on reduced payment (all of them, superseded ones included: the engine
picks those in force), the programs the child's groups name, reservations (the
whole calendar year's, so yearly caps can be counted), absences, and the facts
the model does not hold (siblings, when the exit was announced; whether the
parents pay Slovenian income tax is now the child's dated fact).  It is a plain
frozen record without validators, so building 100,000 of them stays cheap.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.model import Program, ProgramPrice
>>> program = Program(organisation_id="org", code="I", prices=(
...     ProgramPrice(valid_from=date(2025, 9, 1), monthly=Decimal("520.00"),
...                  food_per_day=Decimal("2.60")),))
>>> inputs = FeeInputs(programs=(program,), program_code="I")
>>> inputs.program("I").price_on(date(2026, 1, 1)).monthly
Decimal('520.00')
>>> inputs.siblings.enrolled_order, inputs.taxpayer
(1, True)
"""

from __future__ import annotations

from datetime import date

import attrs

from szo_core.errors import FeeRuleError
from szo_core.fees.kindergarten.siblings import SiblingInfo
from szo_core.model import Absence, Decision, Program, Reservation

__all__ = ["FeeInputs"]


@attrs.frozen(kw_only=True)
class FeeInputs:
    """The records and facts the engine reads for one child.

    Attributes:
        programs: The programs named in the child's group history (or by
            ``program_code``), with their dated prices and daily food cost.
        program_code: The program to bill when the child has no group history
            (:attr:`szo_core.model.Child.groups`); the group history wins otherwise.
        decisions: The child's decisions on reduced payment, superseded ones
            included; the engine uses those in force on each day.
        reservations: The child's reservations of the calendar year (earlier ones
            count towards yearly caps).
        absences: The child's absences touching the month.
        siblings: The child's order among siblings on the first day of the month.
        taxpayer: False when the parents are not Slovenian income-tax payers
            (they pay the full price, :attr:`FeeRules.non_taxpayer_coefficient`).
            Superseded by the child's dated status
            (:attr:`~szo_core.model.Child.parents_taxpayers` and
            :attr:`~szo_core.model.Child.taxpayer_changes`), which the engine reads
            per day: a day is a non-taxpayer day when this is False *or* the
            child's status says so.  Leave it at True.
        exit_notice_on: The day the exit (izpis) was announced, for
            ``ExitRule.NOTICE_BY_DAY``; the exit day itself when None.
    """

    programs: tuple[Program, ...] = ()
    program_code: str | None = None
    decisions: tuple[Decision, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    absences: tuple[Absence, ...] = ()
    siblings: SiblingInfo = attrs.field(factory=SiblingInfo)
    taxpayer: bool = True
    exit_notice_on: date | None = None

    def program(self, code: str) -> Program:
        """The program with ``code``.

        Raises:
            szo_core.errors.FeeRuleError: ``fees.inputs.program`` when it is not given.

        >>> FeeInputs().program("II")
        Traceback (most recent call last):
        ...
        szo_core.errors.FeeRuleError: fees.inputs.program: ...
        """
        for program in self.programs:
            if program.code == code:
                return program
        raise FeeRuleError(
            "fees.inputs.program",
            sl=f"Program {code} ni med vhodnimi podatki za obračun.",
            en=f"Program {code} is not among the fee inputs.",
            where="programs",
        )
