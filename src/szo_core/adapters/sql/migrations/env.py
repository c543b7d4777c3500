"""Alembic environment for szo_core's schema (run by ``szo_core.adapters.sql.migrate``).

The caller passes an open connection in ``config.attributes["connection"]``;
with none, ``sqlalchemy.url`` from the config is opened with
:func:`szo_core.adapters.sql.make_engine`.  Only online mode is supported.
Importing this module outside an Alembic run (for example by a test collector)
does nothing.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from szo_core.adapters.sql.migrations import VERSION_TABLE
from szo_core.adapters.sql.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Run the migrations on the connection (or the URL) given by the caller."""
    if context.is_offline_mode():
        raise NotImplementedError("szo_core migrations run online only")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from szo_core.adapters.sql.engine import make_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url given")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if getattr(context, "config", None) is not None:
    run()
