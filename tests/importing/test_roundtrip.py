"""Export -> import gives every record back unchanged: in memory, via CSV and via xlsx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from szo_core.adapters.memory import MemoryStore
from szo_core.importing import Records, export_sheets, open_file, plan_import, write_csv, write_xlsx
from szo_core.testing import records as rs

ORG = "org"


def _unique(items: list, key: str) -> tuple:
    seen: dict = {}
    for item in items:
        seen.setdefault(getattr(item, key), attrs.evolve(item, version=0))
    return tuple(seen.values())


@st.composite
def record_sets(draw: st.DrawFn) -> Records:
    organisation = draw(st.lists(rs.organisations(), max_size=1))
    return Records(
        organisation=tuple(attrs.evolve(o, id=ORG, version=0) for o in organisation),
        children=_unique(draw(st.lists(rs.children(organisation_id=ORG), max_size=4)), "code"),
        guardians=_unique(draw(st.lists(rs.guardians(organisation_id=ORG), max_size=3)), "id"),
        groups=_unique(draw(st.lists(rs.groups(organisation_id=ORG), max_size=2)), "code"),
        programs=_unique(draw(st.lists(rs.programs(organisation_id=ORG), max_size=2)), "code"),
        regresors=_unique(draw(st.lists(rs.regresors(organisation_id=ORG), max_size=2)), "id"),
        decisions=_unique(draw(st.lists(rs.decisions(organisation_id=ORG), max_size=3)), "id"),
        reservations=_unique(
            draw(st.lists(rs.reservations(organisation_id=ORG), max_size=3)), "id"
        ),
    )


def _imported(sheets) -> Records:
    with MemoryStore().unit_of_work() as uow:
        plan = plan_import(uow, ORG, sheets, check_registry=False)
    # An empty store: references to records outside the set are the only errors allowed.
    assert {i.code for i in plan.issues} <= {"reference.unknown"}, plan.report().render("en")
    return Records(**{kind: tuple(plan.records(kind)) for kind in attrs.asdict(Records())})


def _same(expected: Records, got: Records) -> None:
    for kind in attrs.asdict(Records(), recurse=False):
        key = "code" if kind in ("children", "groups", "programs") else "id"  # organisation: id
        want = sorted(expected.of(kind), key=lambda r: str(getattr(r, key)))
        have = sorted(got.of(kind), key=lambda r: str(getattr(r, key)))
        assert have == want, kind


@given(record_sets(), st.sampled_from(["sl", "en"]), st.booleans())
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_in_memory_round_trip(records: Records, language: str, decimal_comma: bool) -> None:
    _same(
        records, _imported(export_sheets(records, language=language, decimal_comma=decimal_comma))
    )


@given(record_sets(), st.sampled_from(["sl", "en"]))
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_csv_round_trip(records: Records, language: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = write_csv(records, folder, language=language)
        for path in paths:
            assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        _same(records, _imported([s for p in paths for s in open_file(p)]))


@given(record_sets())
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_xlsx_round_trip(records: Records) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(records, Path(folder) / "all.xlsx")
        _same(records, _imported(open_file(path)))
