"""The job tables: Procrastinate's schema in the szo_core database, and the URL they share.

The jobs live in the **same** PostgreSQL database as the szo_core tables:
Procrastinate's tables (``procrastinate_jobs``, ``procrastinate_workers``,
``procrastinate_events`` ...) sit beside them, so one backup and one
connection string cover both.  :func:`apply_schema` creates them once; calling
it again does nothing, also when several processes call it at the same time
(it takes a transaction-scoped advisory lock first).

Upgrading Procrastinate to a version with a new schema is a deployment step:
run the migrations it ships (``procrastinate schema --migrations-path``) in
order; :func:`apply_schema` does not touch tables that exist.

>>> conninfo("postgresql+psycopg://szo:secret@127.0.0.1:5432/szo")
'postgresql://szo:secret@127.0.0.1:5432/szo'
>>> conninfo("szo.sqlite")
Traceback (most recent call last):
...
szo_core.errors.ConfigurationError: jobs.needs_postgres: ...
"""

from __future__ import annotations

from szo_core.errors import ConfigurationError, StorageError

__all__ = ["apply_schema", "conninfo", "has_schema"]

_LOCK_KEY = "szo_core.jobs.schema"


def _needs_postgres() -> ConfigurationError:
    return ConfigurationError(
        "jobs.needs_postgres",
        sl="Opravila (obračun več organizacij z delavci) potrebujejo bazo PostgreSQL.",
        en="Jobs (billing many organisations on workers) need a PostgreSQL database.",
        where="db",
    )


def conninfo(url: str) -> str:
    """The libpq connection string (psycopg, Procrastinate) for a szo_core database URL.

    Args:
        url: A ``postgresql://`` or ``postgresql+psycopg://`` URL (the form
            :func:`szo_core.adapters.sql.database_url` accepts).

    Returns:
        The same URL without the SQLAlchemy driver name, password included.

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.needs_postgres`` for a SQLite
            file or URL; ``storage.url`` for a URL that cannot be parsed.
    """
    from szo_core.adapters.sql import database_url

    parsed = database_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise _needs_postgres()
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def has_schema(url: str) -> bool:
    """True when Procrastinate's tables exist in the database at ``url``.

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.needs_postgres`` (see :func:`conninfo`).
        szo_core.errors.StorageError: ``jobs.connect``: the server cannot be reached.
    """
    import psycopg

    try:
        with psycopg.connect(conninfo(url)) as conn:
            found = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
    except psycopg.Error as exc:
        raise _connect_failed(exc) from None
    return found is not None and found[0] is not None


def _connect_failed(exc: Exception) -> StorageError:
    # The driver's message may quote the connection string (its password): only the type.
    return StorageError(
        "jobs.connect",
        sl=f"Z bazo opravil se ni mogoče povezati ({type(exc).__name__}).",
        en=f"Cannot connect to the jobs database ({type(exc).__name__}).",
        where="db",
    )


def apply_schema(url: str) -> bool:
    """Create Procrastinate's tables in the database at ``url`` unless they exist.

    Idempotent and safe to call from several processes at once: the check and
    the creation run in one transaction under an advisory lock.

    Args:
        url: The szo_core PostgreSQL database (see :func:`conninfo`).

    Returns:
        True when the tables were created, False when they were there already.

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.needs_postgres`` for SQLite.
        szo_core.errors.StorageError: ``jobs.connect``: the server cannot be
            reached or refused the schema.

    Example (a SQLite database is refused before anything is opened)::

        >>> apply_schema("sqlite:///szo.sqlite")
        Traceback (most recent call last):
        ...
        szo_core.errors.ConfigurationError: jobs.needs_postgres: ...
    """
    info = conninfo(url)
    import psycopg
    from procrastinate.schema import SchemaManager

    try:
        with psycopg.connect(info) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_LOCK_KEY,))
            found = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if found is not None and found[0] is not None:
                return False
            # No parameters: psycopg sends the script as it is (several statements).
            conn.execute(SchemaManager.get_schema())
    except psycopg.Error as exc:
        raise _connect_failed(exc) from None
    return True
