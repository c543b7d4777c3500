"""Create and upgrade the schema with the Alembic migrations shipped in the package.

No ``alembic.ini`` is needed: :func:`migrate` builds the Alembic configuration in
code, points it at the ``migrations`` folder next to this module and hands it an
open connection, so all migrations run in one transaction (on PostgreSQL and
SQLite, where DDL is transactional, a failed migration leaves the schema as it
was).

>>> engine = make_engine(":memory:")
>>> current_revision(engine) is None
True
>>> migrate(engine) == HEAD_REVISION
True
>>> current_revision(engine) == HEAD_REVISION
True
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from szo_core.adapters._common import storage_failed
from szo_core.adapters.sql.engine import DatabaseUrl, corrupt_database, is_corrupt, make_engine
from szo_core.adapters.sql.migrations import VERSION_TABLE

__all__ = ["HEAD_REVISION", "MIGRATIONS_DIR", "alembic_config", "current_revision", "migrate"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
"""The folder holding ``env.py`` and ``versions/``."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic configuration for szo_core's migrations (no ini file).

    Args:
        connection: The connection the migrations run on (``env.py`` uses it).

    >>> alembic_config().get_main_option("script_location") == str(MIGRATIONS_DIR)
    True
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


HEAD_REVISION: str = ScriptDirectory.from_config(alembic_config()).get_current_head() or ""
"""The newest schema revision shipped with this version of szo_core."""


def _engine(url: DatabaseUrl | Engine) -> tuple[Engine, bool]:
    if isinstance(url, Engine):
        return url, False
    return make_engine(url), True


def migrate(url: DatabaseUrl | Engine, revision: str = "head") -> str | None:
    """Upgrade (or downgrade) the database at ``url`` to ``revision``.

    Args:
        url: An engine, a path or a URL (an engine made here is disposed after).
        revision: The target: ``"head"`` (the newest) by default; a revision id;
            or ``"base"`` to drop every szo_core table.

    Returns:
        The revision the database is at afterwards.

    Raises:
        StorageError: The database failed; the schema is as it was.
    """
    engine, own = _engine(url)
    try:
        with engine.begin() as conn:
            config = alembic_config(conn)
            current = MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
            target = HEAD_REVISION if revision == "head" else revision
            if target == "base" or (current is not None and _is_newer(current, target)):
                command.downgrade(config, target)
            elif current != target:
                command.upgrade(config, target)
        return current_revision(engine)
    except SQLAlchemyError as exc:
        if is_corrupt(exc):
            raise corrupt_database() from None
        raise storage_failed("storage.migration", "migrations", type(exc).__name__) from None
    finally:
        if own:
            engine.dispose()


def _is_newer(current: str, target: str) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    return any(rev.revision == target for rev in script.iterate_revisions(current, "base"))


def current_revision(url: DatabaseUrl | Engine) -> str | None:
    """Return the schema revision of the database, or None if it has no szo_core tables."""
    engine, own = _engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
    finally:
        if own:
            engine.dispose()
