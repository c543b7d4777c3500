"""Engines and URLs: SQLite by default, PostgreSQL through psycopg 3.

:func:`database_url` turns what a user types into a SQLAlchemy URL:

* a file path (``"szo.sqlite"``, ``Path("data/szo.db")``) or ``sqlite:///path``
  is a SQLite file;
* ``":memory:"`` or ``"sqlite://"`` is a private in-memory SQLite database
  (one shared connection, for tests and notebooks);
* ``postgresql://``, ``postgres://`` and ``postgresql+psycopg://`` are
  PostgreSQL through psycopg 3.

Other dialects and drivers are refused with a
:class:`~szo_core.errors.ConfigurationError`.  Error messages never repeat
the URL (it may hold a password).

:func:`make_engine` builds the engine.  On SQLite every connection gets
``PRAGMA foreign_keys=ON``, a busy timeout, and on a file database
``journal_mode=WAL`` with ``synchronous=NORMAL``; every transaction starts with
an explicit ``BEGIN`` at its first statement, reads included (the sqlite3
module would otherwise begin only before the first write), so one transaction
reads one snapshot.  Bound parameters are hidden
from SQLAlchemy's error messages and logs.

>>> database_url("szo.sqlite").render_as_string()
'sqlite:///szo.sqlite'
>>> database_url("postgres://app:secret@db.example/szo").render_as_string()
'postgresql+psycopg://app:***@db.example/szo'
>>> engine = make_engine(":memory:")
>>> with engine.connect() as conn:
...     conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
1
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from szo_core.errors import ConfigurationError, StorageError

if TYPE_CHECKING:
    from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["DatabaseUrl", "database_url", "is_memory_sqlite", "make_engine"]

DatabaseUrl = str | os.PathLike[str] | URL
"""What :func:`database_url` accepts: a path, a URL string or a SQLAlchemy URL."""

_BUSY_TIMEOUT_MS = 30_000


def _bad_url(en: str, sl: str) -> ConfigurationError:
    return ConfigurationError("storage.url", sl=sl, en=en, where="url")


def database_url(url: DatabaseUrl) -> URL:
    """Return the SQLAlchemy URL for a path or a URL (see the module docs).

    Args:
        url: A file path, ``":memory:"``, a ``sqlite://`` / ``postgresql://`` URL
            string, or a :class:`sqlalchemy.engine.URL`.

    Raises:
        ConfigurationError: The URL cannot be parsed, or names a database or a
            driver that is not supported.

    >>> database_url("sqlite:////var/lib/szo/szo.db").database
    '/var/lib/szo/szo.db'
    >>> database_url("mysql://x@y/z")
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: storage.url: ...
    """
    if isinstance(url, URL):
        parsed = url
    elif isinstance(url, os.PathLike) or (isinstance(url, str) and "://" not in url):
        path = os.fspath(url)
        if not isinstance(path, str) or not path:
            raise _bad_url("An empty database path.", "Pot do baze je prazna.")
        parsed = URL.create("sqlite", database=None if path == ":memory:" else path)
    elif isinstance(url, str):
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise _bad_url(
                "The database URL cannot be parsed.", "Naslova baze ni mogoče razbrati."
            ) from None
    else:
        raise TypeError(f"url must be a path or a URL, not {type(url).__name__}")
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise _bad_url(
                "Only the standard sqlite3 driver is supported for SQLite.",
                "Za SQLite je podprt le standardni gonilnik sqlite3.",
            )
        return parsed.set(drivername="sqlite")
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "psycopg"):
            raise _bad_url(
                "Only psycopg 3 (postgresql+psycopg://) is supported for PostgreSQL.",
                "Za PostgreSQL je podprt le gonilnik psycopg 3 (postgresql+psycopg://).",
            )
        return parsed.set(drivername="postgresql+psycopg")
    raise _bad_url(
        "Only SQLite and PostgreSQL databases are supported.",
        "Podprti sta le bazi SQLite in PostgreSQL.",
    )


def is_memory_sqlite(url: URL) -> bool:
    """Return True if ``url`` is an in-memory SQLite database.

    >>> is_memory_sqlite(database_url(":memory:")), is_memory_sqlite(database_url("a.db"))
    (True, False)
    """
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


_SQLITE_CORRUPT: Final = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def corrupt_database() -> StorageError:
    """The database file is damaged or is not a database (``storage.corrupt``)."""
    return StorageError(
        "storage.corrupt",
        sl=(
            "Datoteka baze je poškodovana ali ni baza SQLite; obnovite jo iz varnostne "
            "kopije (ali preverite s PRAGMA integrity_check)."
        ),
        en=(
            "The database file is damaged or is not a SQLite database; restore it from a "
            "backup (or check it with PRAGMA integrity_check)."
        ),
        where="database",
    )


def is_corrupt(exc: BaseException) -> bool:
    """True if ``exc`` (a driver error, or one SQLAlchemy wraps) says the file is damaged."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, UnicodeDecodeError):
        return True
    code = getattr(orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _SQLITE_CORRUPT


def _sqlite_on_connect(
    wal: bool,
) -> Callable[[sqlite3.Connection, ConnectionPoolEntry], None]:
    def on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            # a damaged file: SQLite's message may hold the damaged bytes (and fail
            # to decode), so none of it is passed on
            raise corrupt_database() from None
        finally:
            cursor.close()

    return on_connect


IMMEDIATE: Final = "szo_immediate"
"""Execution option of a SQLite connection whose transactions begin with the write lock."""


def _sqlite_begin(conn: Connection) -> None:
    # A deferred transaction that has read cannot upgrade to writing while another
    # writer is active (SQLITE_BUSY at once, a retryable ConcurrencyConflict); one
    # that begins IMMEDIATE takes the write lock first, waiting up to the busy timeout.
    immediate = conn.get_execution_options().get(IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: DatabaseUrl, *, echo: bool = False) -> Engine:
    """Create a SQLAlchemy engine for ``url`` with szo_core's connection settings.

    Args:
        url: Anything :func:`database_url` accepts.
        echo: Log every statement (parameters stay hidden).

    Returns:
        The engine.  The caller owns it (``engine.dispose()`` when done).

    >>> make_engine("sqlite://").dialect.name
    'sqlite'
    """
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        memory = is_memory_sqlite(parsed)
        if memory:
            engine = create_engine(
                parsed,
                echo=echo,
                hide_parameters=True,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
            )
        else:
            engine = create_engine(parsed, echo=echo, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_on_connect(wal=not memory))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(parsed, echo=echo, hide_parameters=True, pool_pre_ping=True)
