"""The store under test in the contract suite (see conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete

from szo_core.adapters.sql import SqlStore, metadata
from szo_core.ports import Storage


class Backend:
    """A store under test and a way to empty it (for each Hypothesis example)."""

    def __init__(self, name: str, make: Callable[[], Storage], engine_store: SqlStore | None):
        self.name = name
        self._make = make
        self.sql = engine_store
        self.store: Storage = engine_store if engine_store is not None else make()

    def reset(self) -> None:
        """Remove every record."""
        if self.sql is None:
            self.store = self._make()
            return
        with self.sql.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(delete(table))

    def close(self) -> None:
        if self.sql is not None:
            self.sql.dispose()
