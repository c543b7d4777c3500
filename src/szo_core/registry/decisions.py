"""Decisions on reduced payment: which one is in force, locking, superseding.

A decision that a **closed** billing run used is locked: editing it is refused
with :class:`~szo_core.errors.RecordLockedError`.  The fix is a new decision that
*supersedes* it; the superseded decision stays (the closed run still points to
it) but no longer counts, and the correction (poračun) of the months it covered
follows from the difference.  The storage adapter enforces the same lock on
update by calling :func:`ensure_unlocked`.

Which decision is in force on a day: among the child's decisions that are valid
that day and not superseded, the one that starts latest (then the one issued
latest, then the one added last).

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.model import Decision
>>> old = Decision(organisation_id="o", id="d-1", child_code=7, number="1/2025",
...                coefficient=Decimal("0.53"), valid_from=date(2025, 9, 1))
>>> book = DecisionBook().add(old).lock(["d-1"])
>>> book.edit("d-1", coefficient=Decimal("0.43"))
Traceback (most recent call last):
...
szo_core.errors.RecordLockedError: decision.locked: ...
>>> new = Decision(organisation_id="o", id="d-2", child_code=7, number="1/2025-popr",
...                coefficient=Decimal("0.43"), valid_from=date(2025, 9, 1))
>>> book = book.supersede("d-1", new)
>>> book.in_force(7, date(2025, 10, 1)).coefficient
Decimal('0.43')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import cast

import attrs
from attrs import validators as v

from szo_core.errors import ConfigurationError, NotFound, RecordLockedError
from szo_core.model import Decision

__all__ = ["DecisionBook", "edit_decision", "ensure_unlocked", "supersede"]


def ensure_unlocked(decision: Decision, locked_ids: Iterable[str]) -> None:
    """Raise :class:`~szo_core.errors.RecordLockedError` if ``decision`` is locked.

    Args:
        decision: The decision about to be changed.
        locked_ids: Ids of the decisions used by closed billing runs.

    >>> from decimal import Decimal
    >>> d = Decision(organisation_id="o", id="d-1", child_code=7, number="12/2025",
    ...              coefficient=Decimal("0.3"), valid_from=date(2025, 9, 1))
    >>> ensure_unlocked(d, {"d-9"})
    >>> ensure_unlocked(d, {"d-1"})
    Traceback (most recent call last):
    ...
    szo_core.errors.RecordLockedError: decision.locked: Odločba 12/2025 je bila uporabljena v zaključenem obračunu in je ni mogoče spreminjati; vnesite novo odločbo, ki jo nadomesti. (decision d-1)
    """  # noqa: E501
    if decision.id in set(locked_ids):
        raise RecordLockedError(
            "decision.locked",
            sl=(
                f"Odločba {decision.number} je bila uporabljena v zaključenem obračunu in je ni "
                "mogoče spreminjati; vnesite novo odločbo, ki jo nadomesti."
            ),
            en=(
                f"Decision {decision.number} was used by a closed billing run and cannot be "
                "changed; enter a new decision that supersedes it."
            ),
            where=f"decision {decision.id}",
        )


def edit_decision(decision: Decision, locked_ids: Iterable[str], **changes: object) -> Decision:
    """Return ``decision`` with ``changes``, unless it is locked.

    The id cannot be changed.

    Raises:
        szo_core.errors.RecordLockedError: if a closed billing run used the decision.
        szo_core.errors.ConfigurationError: ``decision.id_change`` for a change of id.

    >>> from decimal import Decimal
    >>> d = Decision(organisation_id="o", id="d-1", child_code=7, number="12/2025",
    ...              coefficient=Decimal("0.3"), valid_from=date(2025, 9, 1))
    >>> edit_decision(d, (), valid_to=date(2026, 8, 31)).valid_to
    datetime.date(2026, 8, 31)
    """
    ensure_unlocked(decision, locked_ids)
    if "id" in changes and changes["id"] != decision.id:
        raise ConfigurationError(
            "decision.id_change",
            sl="Oznake odločbe ni mogoče spremeniti.",
            en="A decision's id cannot be changed.",
            where=f"decision {decision.id}",
        )
    evolve = cast("Callable[..., Decision]", attrs.evolve)
    return evolve(decision, **changes)


def supersede(old: Decision, new: Decision) -> Decision:
    """Return ``new`` marked as superseding ``old`` (allowed even when ``old`` is locked).

    Raises:
        szo_core.errors.ConfigurationError: ``decision.supersede_other_child`` when
            the two are for different children or organisations;
            ``decision.supersede_self`` when they have the same id.

    >>> from decimal import Decimal
    >>> a = Decision(organisation_id="o", id="a", child_code=7, number="1",
    ...              coefficient=Decimal("0.3"), valid_from=date(2025, 9, 1))
    >>> supersede(a, attrs.evolve(a, id="b", coefficient=Decimal("0.2"))).supersedes
    'a'
    """
    if (old.organisation_id, old.child_code) != (new.organisation_id, new.child_code):
        raise ConfigurationError(
            "decision.supersede_other_child",
            sl="Nova odločba mora veljati za istega otroka kot odločba, ki jo nadomešča.",
            en="The new decision must be for the same child as the one it supersedes.",
            where=f"decision {new.id}",
        )
    if old.id == new.id:
        raise ConfigurationError(
            "decision.supersede_self",
            sl="Odločba ne more nadomestiti sama sebe; nova odločba potrebuje novo oznako.",
            en="A decision cannot supersede itself; the new decision needs a new id.",
            where=f"decision {new.id}",
        )
    return attrs.evolve(new, supersedes=old.id)


def _decisions(value: Iterable[Decision]) -> tuple[Decision, ...]:
    return tuple(value)


def _ids(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class DecisionBook:
    """An immutable set of decisions with the ids locked by closed billing runs.

    Every change returns a new book.

    Attributes:
        decisions: The decisions, in the order they were added.
        locked_ids: Ids of the decisions used by closed billing runs.
    """

    decisions: tuple[Decision, ...] = attrs.field(
        default=(), converter=_decisions, validator=v.deep_iterable(v.instance_of(Decision))
    )
    locked_ids: frozenset[str] = attrs.field(default=frozenset(), converter=_ids)

    @property
    def superseded_ids(self) -> frozenset[str]:
        """Ids of the decisions that another decision in the book supersedes."""
        return frozenset(d.supersedes for d in self.decisions if d.supersedes is not None)

    def get(self, decision_id: str) -> Decision:
        """Return the decision with ``decision_id``.

        Raises:
            szo_core.errors.NotFound: if there is none.
        """
        for decision in self.decisions:
            if decision.id == decision_id:
                return decision
        raise NotFound(
            "decision.not_found",
            sl="Odločbe s to oznako ni.",
            en="There is no decision with this id.",
            where=f"decision {decision_id}",
        )

    def add(self, decision: Decision) -> DecisionBook:
        """Return a book with ``decision`` added.

        Raises:
            szo_core.errors.ConfigurationError: ``decision.duplicate_id`` if the id is taken.
        """
        if any(d.id == decision.id for d in self.decisions):
            raise ConfigurationError(
                "decision.duplicate_id",
                sl="Odločba s to oznako že obstaja.",
                en="A decision with this id already exists.",
                where=f"decision {decision.id}",
            )
        return attrs.evolve(self, decisions=(*self.decisions, decision))

    def lock(self, decision_ids: Iterable[str]) -> DecisionBook:
        """Return a book in which ``decision_ids`` are locked (a billing run was closed)."""
        return attrs.evolve(self, locked_ids=self.locked_ids | frozenset(decision_ids))

    def edit(self, decision_id: str, **changes: object) -> DecisionBook:
        """Return a book with the decision changed, unless it is locked.

        Raises:
            szo_core.errors.RecordLockedError: if the decision is locked.
            szo_core.errors.NotFound: if there is no such decision.
        """
        changed = edit_decision(self.get(decision_id), self.locked_ids, **changes)
        return attrs.evolve(
            self,
            decisions=tuple(changed if d.id == decision_id else d for d in self.decisions),
        )

    def supersede(self, old_id: str, new: Decision) -> DecisionBook:
        """Return a book with ``new`` added as the replacement of decision ``old_id``.

        Raises:
            szo_core.errors.NotFound: if there is no decision ``old_id``.
            szo_core.errors.ConfigurationError: ``decision.already_superseded`` if
                another decision already supersedes it (supersede that one), or as
                :func:`supersede`.
        """
        old = self.get(old_id)
        if old_id in self.superseded_ids:
            raise ConfigurationError(
                "decision.already_superseded",
                sl="To odločbo že nadomešča druga odločba; nadomestite tisto.",
                en="Another decision already supersedes this one; supersede that one.",
                where=f"decision {old_id}",
            )
        return self.add(supersede(old, new))

    def for_child(self, child_code: int) -> tuple[Decision, ...]:
        """The child's decisions that are not superseded, in the order added."""
        gone = self.superseded_ids
        return tuple(d for d in self.decisions if d.child_code == child_code and d.id not in gone)

    def in_force(self, child_code: int, day: date) -> Decision | None:
        """Return the decision in force for the child on ``day``, or None.

        Among the child's decisions valid on ``day`` and not superseded: the one
        that starts latest, then the one issued latest, then the one added last.
        """
        best: Decision | None = None
        best_key: tuple[date, date, int] | None = None
        for position, decision in enumerate(self.for_child(child_code)):
            if not decision.is_valid_on(day):
                continue
            key = (decision.valid_from, decision.issued_on or date.min, position)
            if best_key is None or key > best_key:
                best, best_key = decision, key
        return best
