"""Many small organisations in one database: the demo's sample kindergarten, relabelled.

Every organisation gets its own sample (its own seed), with every record's
``organisation_id`` set to the organisation's id (``vrtec-000``, ``vrtec-001`` ...).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from szo_core.demo.sample import generate
from szo_core.ports import Storage

MONTH_TEXT = "2026-09"


def organisation_ids(count: int, prefix: str = "vrtec") -> tuple[str, ...]:
    return tuple(f"{prefix}-{i:03d}" for i in range(count))


def add_organisations(
    store: Storage, ids: Iterable[str], *, children: int, seed: int = 2026
) -> None:
    """Store one sample kindergarten of ``children`` children per id, in one transaction each."""
    for offset, org in enumerate(ids):
        sample = generate(children=children, seed=seed + offset)
        with store.unit_of_work() as uow:
            for records, repository in (
                (sample.regresors, uow.regresors),
                (sample.programs, uow.programs),
                (sample.groups, uow.groups),
                (sample.guardians, uow.guardians),
                (sample.children, uow.children),
                (sample.decisions, uow.decisions),
                (sample.reservations, uow.reservations),
                (sample.absences, uow.absences),
            ):
                for record in records:
                    repository.add(attrs.evolve(record, organisation_id=org))
            uow.commit()
