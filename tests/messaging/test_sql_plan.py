"""The SQL views read their indexes (SQLite's query plan) and never sort the whole inbox."""

from __future__ import annotations

from pathlib import Path

from szo_core.adapters.sql import SqlStore
from szo_core.adapters.sql.messaging import _page_statement, _unread_statement

PARAMS = {"org": "dom", "operator": "ana", "folder": "inbox", "archived": False, "offset": 0,
          "limit": 26}  # fmt: skip


def _plan(store: SqlStore, statement: object, params: dict[str, object]) -> str:
    with store.engine.connect() as conn:
        compiled = statement.compile(conn)  # type: ignore[attr-defined]
        bound = compiled.construct_params(params)
        values = tuple(bound[name] for name in compiled.positiontup)
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values).all()
    return "\n".join(str(row[-1]) for row in rows)


def test_the_inbox_page_and_the_unread_count_use_their_indexes(tmp_path: Path) -> None:
    store = SqlStore.open(tmp_path / "plan.sqlite")
    try:
        page = _plan(store, _page_statement(), PARAMS)
        unread = _plan(store, _unread_statement(), {"org": "dom", "operator": "ana"})
    finally:
        store.dispose()
    assert "ix_szo_messaging_entry_view" in page
    assert "TEMP B-TREE" not in page  # the index gives the order: no sort of the whole inbox
    assert "ix_szo_messaging_entry_unread" in unread
