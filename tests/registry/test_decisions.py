"""Decisions: locking, superseding, which one is in force."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.errors import ConfigurationError, NotFound, RecordLockedError
from szo_core.model import Decision
from szo_core.registry import DecisionBook, edit_decision, ensure_unlocked, supersede
from szo_core.testing import records


def decision(
    id_: str, coefficient: str, start: date, end: date | None = None, **kw: object
) -> Decision:
    return Decision(
        organisation_id="o",
        id=id_,
        child_code=kw.pop("child_code", 7),  # type: ignore[arg-type]
        number=f"N-{id_}",
        coefficient=Decimal(coefficient),
        valid_from=start,
        valid_to=end,
        **kw,  # type: ignore[arg-type]
    )


def test_locked_decision_cannot_be_edited() -> None:
    d = decision("d-1", "0.53", date(2025, 9, 1))
    with pytest.raises(RecordLockedError) as info:
        edit_decision(d, {"d-1"}, coefficient=Decimal("0.43"))
    assert info.value.code == "decision.locked"
    assert info.value.message("sl") == (
        "Odločba N-d-1 je bila uporabljena v zaključenem obračunu in je ni mogoče spreminjati; "
        "vnesite novo odločbo, ki jo nadomesti. (decision d-1)"
    )
    assert info.value.message("en") == (
        "Decision N-d-1 was used by a closed billing run and cannot be changed; "
        "enter a new decision that supersedes it. (decision d-1)"
    )
    # Unlocked: the change is made.
    assert edit_decision(d, {"d-2"}, coefficient=Decimal("0.43")).coefficient == Decimal("0.43")
    ensure_unlocked(d, [])
    with pytest.raises(ConfigurationError):
        edit_decision(d, (), id="d-9")


def test_supersede_replaces_the_locked_decision() -> None:
    old = decision("d-1", "0.53", date(2025, 9, 1), date(2026, 8, 31))
    book = DecisionBook().add(old).lock(["d-1"])
    with pytest.raises(RecordLockedError):
        book.edit("d-1", valid_to=date(2025, 12, 31))
    fix = decision("d-2", "0.43", date(2025, 9, 1), date(2026, 8, 31))
    book = book.supersede("d-1", fix)
    assert book.get("d-2").supersedes == "d-1"
    assert book.get("d-1") == old  # kept unchanged for the closed run
    assert book.in_force(7, date(2025, 11, 3)) == book.get("d-2")
    assert book.for_child(7) == (book.get("d-2"),)
    with pytest.raises(ConfigurationError) as info:
        book.supersede("d-1", decision("d-3", "0.3", date(2025, 9, 1)))
    assert info.value.code == "decision.already_superseded"


def test_supersede_checks() -> None:
    a = decision("a", "0.3", date(2025, 1, 1))
    with pytest.raises(ConfigurationError) as info:
        supersede(a, decision("b", "0.3", date(2025, 1, 1), child_code=8))
    assert info.value.code == "decision.supersede_other_child"
    with pytest.raises(ConfigurationError) as info:
        supersede(a, a)
    assert info.value.code == "decision.supersede_self"
    with pytest.raises(NotFound):
        DecisionBook().supersede("zz", a)
    with pytest.raises(ConfigurationError):
        DecisionBook().add(a).add(a)


def test_later_decision_takes_over_from_its_start() -> None:
    # Applied in August 2018: valid 1. 9. 2018 - 31. 8. 2019; income lost in July 2019:
    # new decision valid 1. 8. 2019 - 31. 7. 2020 (fees.md §1.2).
    first = decision("d-1", "0.53", date(2018, 9, 1), date(2019, 8, 31))
    second = decision("d-2", "0.20", date(2019, 8, 1), date(2020, 7, 31))
    book = DecisionBook(decisions=(first, second))
    assert book.in_force(7, date(2019, 7, 31)) == first
    assert book.in_force(7, date(2019, 8, 1)) == second
    assert book.in_force(7, date(2020, 8, 1)) is None
    assert book.in_force(8, date(2019, 8, 1)) is None


@given(
    st.lists(records.decisions(child_codes=st.just(7)), max_size=8, unique_by=lambda d: d.id),
    st.dates(min_value=date(2011, 1, 1), max_value=date(2042, 1, 1)),
)
def test_in_force_is_valid_and_not_superseded(items: list[Decision], day: date) -> None:
    book = DecisionBook(decisions=items)
    found = book.in_force(7, day)
    candidates = [d for d in items if d.is_valid_on(day) and d.id not in book.superseded_ids]
    if not candidates:
        assert found is None
    else:
        assert found in candidates
        assert found.valid_from == max(d.valid_from for d in candidates)


@given(records.decisions(), st.sets(st.text(max_size=3), max_size=3))
def test_edit_refused_exactly_when_locked(d: Decision, locked: set[str]) -> None:
    new_end = d.valid_from + timedelta(days=30)
    if d.id in locked:
        with pytest.raises(RecordLockedError):
            edit_decision(d, locked, valid_to=new_end)
    else:
        assert edit_decision(d, locked, valid_to=new_end) == attrs.evolve(d, valid_to=new_end)
