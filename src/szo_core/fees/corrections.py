"""Corrections (poračun): bill the difference when past months change.

A decision on reduced payment often arrives after its months were billed, or
replaces one that a closed billing run used (a new decision that *supersedes*
the old one).  :func:`corrections` recomputes each past month that was billed
with the records now in force, compares each payer's amount due with what was
billed for that month (the original bill **plus any corrections already
billed** for it), and returns one :class:`CorrectionLine` per payer and month
whose amounts differ, to be billed in the current month.  ``months=`` narrows
the recomputation to the months whose inputs changed, and names months nothing
was billed for yet (a late record), which are then billed in full.
:func:`differences` is the comparison alone, for statements computed elsewhere.

Because earlier corrections count as billed, nothing is corrected twice, and
calling it again with the same inputs gives the same lines (it is pure and
idempotent).  A storage layer records the lines it bills as new
:class:`BilledAmount` entries for their original month.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.fees import FeeInputs, FeeRules
>>> from szo_core.model import Child, Decision, Program, ProgramPrice
>>> program = Program(organisation_id="o", code="I", prices=(ProgramPrice(
...     valid_from=date(2026, 1, 1), monthly=Decimal("500.00"), food_per_day=Decimal("2.50")),))
>>> child = Child(organisation_id="o", code=7, municipality_code=61,
...               enrollment_date=date(2026, 1, 1))
>>> old = Decision(organisation_id="o", id="d-1", child_code=7, number="1",
...                coefficient=Decimal("0.53"), valid_from=date(2026, 9, 1))
>>> new = Decision(organisation_id="o", id="d-2", child_code=7, number="2",
...                coefficient=Decimal("0.35"), valid_from=date(2026, 9, 1), supersedes="d-1")
>>> billed = [  # September was billed with the old decision: 0.53 × 500 = 265.00
...     BilledAmount(month=Month(2026, 9), payer=PayerKind.PARENTS, payer_id="7",
...                  amount=Decimal("265.00")),
...     BilledAmount(month=Month(2026, 9), payer=PayerKind.MUNICIPALITY, payer_id="SI-061",
...                  amount=Decimal("235.00"))]
>>> inputs = FeeInputs(programs=(program,), program_code="I", decisions=(old, new))
>>> lines = corrections(Month(2026, 10), child, billed, {Month(2026, 9): inputs},
...                     FeeRules(host_municipality=61))
>>> [(str(x.payer), x.amount) for x in lines]  # 0.35 × 500 = 175.00: 90.00 back
[('parents', Decimal('-90.00')), ('municipality', Decimal('90.00'))]

A late record: the child was entered after September was billed, so nothing
was billed for it; ``months=`` names September and it is billed in full:

>>> late = corrections(Month(2026, 10), child, (), {Month(2026, 9): inputs},
...                    FeeRules(host_municipality=61), months=[Month(2026, 9)])
>>> [(str(x.payer), x.billed, x.due) for x in late]
[('parents', Decimal('0.00'), Decimal('175.00')),
 ('municipality', Decimal('0.00'), Decimal('325.00'))]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

import attrs

from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees.kindergarten.engine import compute
from szo_core.fees.kindergarten.inputs import FeeInputs
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.statement import FeeStatement, PayerKind
from szo_core.model import Child

__all__ = ["BilledAmount", "CorrectionLine", "Recompute", "corrections", "differences"]

_ZERO = Decimal("0.00")
_RANK = {kind: i for i, kind in enumerate(PayerKind)}

Recompute = Callable[[Month], FeeInputs] | Mapping[Month, FeeInputs]
"""How to get the inputs in force now for a past month: a callable or a mapping."""


@attrs.frozen(kw_only=True)
class BilledAmount:
    """An amount already billed to one payer for one child's month.

    Attributes:
        month: The month the amount is *for* (the original month).
        payer: The kind of payer.
        payer_id: Which payer (as on the statement lines).
        amount: The amount billed.
        billed_in: The month whose billing run billed it (the original month
            itself, or a later month for a correction); informational.

    >>> BilledAmount(month=Month(2026, 9), payer=PayerKind.STATE, payer_id="state",
    ...              amount=Decimal("12.00")).billed_in is None
    True
    """

    month: Month
    payer: PayerKind
    payer_id: str
    amount: Decimal
    billed_in: Month | None = None


@attrs.frozen(kw_only=True)
class CorrectionLine:
    """A correction billed in ``month`` for ``original_month``.

    Attributes:
        month: The current billing month the correction is billed in.
        original_month: The month it corrects.
        child_code: The child.
        payer: The kind of payer.
        payer_id: Which payer.
        billed: What was billed for the original month so far (corrections included).
        due: What is due for it now.
        amount: ``due − billed``: positive is owed, negative is given back.
        decision_ids: The decisions in force in the original month now.

    >>> line = CorrectionLine(month=Month(2026, 10), original_month=Month(2026, 9),
    ...     child_code=7, payer=PayerKind.PARENTS, payer_id="7", billed=Decimal("265.00"),
    ...     due=Decimal("175.00"), amount=Decimal("-90.00"), decision_ids=("d-2",))
    >>> line.describe()
    'poračun 2026-09 (parents 7): due 175.00, billed 265.00, difference -90.00; decisions d-2'
    """

    month: Month
    original_month: Month
    child_code: int
    payer: PayerKind
    payer_id: str
    billed: Decimal
    due: Decimal
    amount: Decimal
    decision_ids: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line of text for the invoice or an audit list."""
        decisions = ", ".join(self.decision_ids) or "none"
        return (
            f"poračun {self.original_month} ({self.payer} {self.payer_id}): due {self.due},"
            f" billed {self.billed}, difference {self.amount}; decisions {decisions}"
        )

    def to_record(self) -> dict[str, object]:
        """The line as a flat dict (for ``pandas.DataFrame``).

        >>> CorrectionLine(month=Month(2026, 10), original_month=Month(2026, 9),
        ...     child_code=7, payer=PayerKind.STATE, payer_id="state", billed=Decimal(0),
        ...     due=Decimal(1), amount=Decimal(1)).to_record()["original_month"]
        '2026-09'
        """
        return {
            "month": str(self.month),
            "original_month": str(self.original_month),
            "child_code": self.child_code,
            "payer": str(self.payer),
            "payer_id": self.payer_id,
            "billed": self.billed,
            "due": self.due,
            "amount": self.amount,
            "decision_ids": ",".join(self.decision_ids),
            "description": self.describe(),
        }


def _inputs_for(recompute: Recompute, month: Month) -> FeeInputs:
    if isinstance(recompute, Mapping):
        found = recompute.get(month)
        if found is None:
            raise FeeRuleError(
                "fees.corrections.no_inputs",
                sl=f"Za mesec {month} ni vhodnih podatkov za ponovni izračun.",
                en=f"There are no inputs to recompute month {month}.",
                where=str(month),
            )
        return found
    return recompute(month)


def corrections(
    current_month: Month,
    child: Child,
    billed: Iterable[BilledAmount],
    recompute: Recompute,
    rules: FeeRules,
    *,
    months: Iterable[Month] | None = None,
) -> tuple[CorrectionLine, ...]:
    """The correction lines for ``child`` to bill in ``current_month``.

    Every month to recompute (by default, every month before ``current_month``
    that appears in ``billed``) is computed with :func:`~szo_core.fees.compute`
    and the inputs ``recompute`` gives for it (the decisions now in force,
    superseded ones included so the engine can drop them).  For each payer of
    that month, the difference between what is due now and what was billed
    (original bill plus earlier corrections) becomes one line; a payer who is
    due nothing now but was billed gets the full amount back, and a new payer
    gets the full amount.

    Args:
        current_month: The month being billed now; later months are ignored.
        child: The child record.
        billed: Amounts billed so far for this child, per month and payer,
            including corrections already billed (their ``month`` is the
            original month).
        recompute: The inputs for a past month, as a callable or a mapping.
        rules: The fee configuration.
        months: The months to recompute.  A month here that nothing was billed
            for (a late record: the child was entered after the month was
            billed) is billed in full (billed 0.00); a billed month left out is
            not recomputed (its inputs did not change).  None: every billed month.

    Returns:
        Lines ordered by original month, then payer kind and id; none when
        nothing changed.

    Raises:
        szo_core.errors.FeeRuleError: ``fees.corrections.no_inputs`` when a
            mapping has no inputs for a month to recompute.

    See the module examples.
    """
    per_month = _billed_per_month(current_month, billed)
    wanted = sorted(per_month) if months is None else sorted(set(months))
    statements = {
        month: compute(month, child, _inputs_for(recompute, month), rules)
        for month in wanted
        if month < current_month
    }
    return differences(current_month, child.code, per_month, statements)


def _billed_per_month(
    current_month: Month, billed: Iterable[BilledAmount]
) -> dict[Month, dict[tuple[PayerKind, str], Decimal]]:
    per_month: dict[Month, dict[tuple[PayerKind, str], Decimal]] = {}
    for entry in billed:
        if entry.month >= current_month:
            continue
        payers = per_month.setdefault(entry.month, {})
        key = (entry.payer, entry.payer_id)
        payers[key] = payers.get(key, _ZERO) + entry.amount
    return per_month


def differences(
    current_month: Month,
    child_code: int,
    billed: Mapping[Month, Mapping[tuple[PayerKind, str], Decimal]] | Iterable[BilledAmount],
    statements: Mapping[Month, FeeStatement],
) -> tuple[CorrectionLine, ...]:
    """The correction lines between what was billed and the recomputed ``statements``.

    The pure half of :func:`corrections`, for a caller that computed the
    statements itself (a billing run keeps them for its lists).  Only the
    months in ``statements`` before ``current_month`` are compared.

    Args:
        current_month: The month being billed now.
        child_code: The child.
        billed: What was billed so far, as :class:`BilledAmount` s or already
            summed per month and ``(payer kind, payer id)``.
        statements: The recomputed statement of each month to correct.

    >>> from szo_core.fees.statement import FeeStatement
    >>> empty = FeeStatement(month=Month(2026, 9), child_code=7, days_in_month=22,
    ...     days_enrolled=0, price=Decimal(0), food_deduction=Decimal(0),
    ...     total=Decimal("0.00"), lines=())
    >>> was = [BilledAmount(month=Month(2026, 9), payer=PayerKind.PARENTS, payer_id="7",
    ...                     amount=Decimal("265.00"))]
    >>> [x.amount for x in differences(Month(2026, 10), 7, was, {Month(2026, 9): empty})]
    [Decimal('-265.00')]
    """
    per_month = billed if isinstance(billed, Mapping) else _billed_per_month(current_month, billed)
    result: list[CorrectionLine] = []
    for month in sorted(statements):
        if month >= current_month:
            continue
        statement = statements[month]
        was = per_month.get(month, {})
        due = statement.payer_totals()
        decision_ids = tuple(
            dict.fromkeys(line.decision_id for line in statement.lines if line.decision_id)
        )
        for key in sorted(set(was) | set(due), key=lambda k: (_RANK[k[0]], k[1])):
            now = due.get(key, _ZERO)
            before = was.get(key, _ZERO)
            if now != before:
                result.append(
                    CorrectionLine(
                        month=current_month,
                        original_month=month,
                        child_code=child_code,
                        payer=key[0],
                        payer_id=key[1],
                        billed=before,
                        due=now,
                        amount=now - before,
                        decision_ids=decision_ids,
                    )
                )
    return tuple(result)
