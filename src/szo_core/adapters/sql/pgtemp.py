"""A throw-away PostgreSQL server on loopback, for tests and benchmarks.

:class:`TemporaryPostgres` runs ``initdb`` into a fresh temporary directory,
starts ``postgres`` with ``pg_ctl`` listening only on ``127.0.0.1`` on a free
port (its unix socket also inside the temporary directory), and on exit stops it
with ``pg_ctl stop -m fast`` and removes the directory, also when the body
failed.  ``initdb`` refuses to run as root, so when the current user is root
every server command runs as the unprivileged ``postgres`` user through
``runuser``.

The binaries are looked up in ``$SZO_PG_BIN`` (a directory), then on ``PATH``,
then in ``/usr/lib/postgresql/<version>/bin``.  :func:`find_pg_bin` says where
they are, or why they are not usable.

>>> from szo_core.adapters.sql.pgtemp import find_pg_bin
>>> found = find_pg_bin()
>>> found.directory is None or found.directory.is_dir()
True
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self

import attrs

from szo_core.errors import ConfigurationError, StorageError

__all__ = ["PgBinaries", "TemporaryPostgres", "find_pg_bin"]

_TOOLS = ("initdb", "pg_ctl", "postgres")
_SERVER_USER = "postgres"


@attrs.frozen
class PgBinaries:
    """Where the PostgreSQL server binaries are, or why they were not found.

    Attributes:
        directory: The directory holding ``initdb``, ``pg_ctl`` and ``postgres``,
            or None when they were not found.
        reason: Why they are not usable (empty when ``directory`` is set).

    >>> PgBinaries(directory=None, reason="no initdb").available
    False
    """

    directory: Path | None
    reason: str = ""

    @property
    def available(self) -> bool:
        """True when the three binaries were found."""
        return self.directory is not None


def _has_tools(directory: Path) -> bool:
    return all(os.access(directory / tool, os.X_OK) for tool in _TOOLS)


def find_pg_bin() -> PgBinaries:
    """Find the PostgreSQL server binaries (``initdb``, ``pg_ctl``, ``postgres``).

    Returns:
        A :class:`PgBinaries` with the directory, or with the reason they are missing.

    >>> isinstance(find_pg_bin().available, bool)
    True
    """
    candidates: list[Path] = []
    if env := os.environ.get("SZO_PG_BIN"):
        candidates.append(Path(env))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    for directory in candidates:
        if _has_tools(directory):
            return PgBinaries(directory=directory)
    return PgBinaries(
        directory=None,
        reason=(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in "
            "$SZO_PG_BIN, on PATH or in /usr/lib/postgresql/*/bin"
        ),
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class TemporaryPostgres:
    """A PostgreSQL server in a temporary directory, listening on ``127.0.0.1`` only.

    Use it as a context manager; the server is stopped and its files removed on
    exit, also when the body raised.  Authentication is ``trust`` for the local
    superuser ``postgres``: the server accepts connections from this machine only
    and lives only as long as the ``with`` block.

    Args:
        settings: Extra server settings (``-c name=value``).  The default turns
            off ``fsync`` and ``synchronous_commit``: the data is thrown away anyway.
        start_timeout: Seconds to wait for the server to accept connections.

    Raises:
        ConfigurationError: The binaries are missing (see :func:`find_pg_bin`).
        StorageError: ``initdb`` or the server failed; the message carries the tail
            of the server log.

    Typical use (the tests' ``postgres_server`` fixture does this)::

        with TemporaryPostgres() as pg:
            store = SqlStore.open(pg.create_database("szo"))

    >>> server = TemporaryPostgres(settings={"max_connections": "20"})
    >>> server.port  # no port before start()
    0
    >>> server.stop()  # stopping a server that never started does nothing
    """

    def __init__(
        self,
        *,
        settings: dict[str, str] | None = None,
        start_timeout: int = 60,
    ) -> None:
        self._settings = (
            {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
            if settings is None
            else dict(settings)
        )
        self._timeout = start_timeout
        self._root: Path | None = None
        self._started = False
        self.port = 0

    # -- paths -------------------------------------------------------------------------

    @property
    def _data(self) -> Path:
        return self._require_root() / "data"

    @property
    def _log(self) -> Path:
        return self._require_root() / "server.log"

    def _require_root(self) -> Path:
        if self._root is None:
            raise ConfigurationError(
                "pgtemp.not_started",
                sl="Začasni strežnik PostgreSQL ni zagnan.",
                en="The temporary PostgreSQL server is not started.",
            )
        return self._root

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the ``postgres`` database (psycopg 3 driver)."""
        return f"postgresql+psycopg://{_SERVER_USER}@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        """SQLAlchemy URL of database ``name`` on this server (see :meth:`create_database`)."""
        return f"postgresql+psycopg://{_SERVER_USER}@127.0.0.1:{self.port}/{name}"

    # -- process control ---------------------------------------------------------------

    def _command(self, tool: str, *args: str) -> list[str]:
        binaries = find_pg_bin()
        if binaries.directory is None:
            raise ConfigurationError(
                "pgtemp.no_binaries",
                sl="Programi strežnika PostgreSQL niso nameščeni.",
                en=binaries.reason,
            )
        command = [str(binaries.directory / tool), *args]
        if os.geteuid() == 0:
            return ["runuser", "-u", _SERVER_USER, "--", *command]
        return command

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            self._command(tool, *args),
            capture_output=True,
            text=True,
            check=False,
            timeout=self._timeout + 30,
        )
        if result.returncode != 0:
            raise StorageError(
                "pgtemp.command_failed",
                sl=f"Ukaz {tool} ni uspel (izhodna koda {result.returncode}).",
                en=(
                    f"{tool} failed with exit code {result.returncode}: "
                    f"{(result.stderr or result.stdout).strip()[-2000:]}"
                    f"{self._log_tail()}"
                ),
                where=tool,
            )

    def _log_tail(self) -> str:
        if self._root is None or not self._log.exists():
            return ""
        text = self._log.read_text(errors="replace").strip()
        return f"\nserver log:\n{text[-2000:]}" if text else ""

    def start(self) -> None:
        """Create the data directory and start the server (``__enter__`` calls this)."""
        self._root = Path(tempfile.mkdtemp(prefix="szo-pg-"))
        try:
            if os.geteuid() == 0:
                shutil.chown(self._root, user=_SERVER_USER)
            self._run(
                "initdb",
                "-D",
                str(self._data),
                "-U",
                _SERVER_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
            options = [
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self._root}",
                *(f"-c {name}={value}" for name, value in self._settings.items()),
            ]
            for attempt in range(3):
                self.port = _free_port()
                try:
                    self._run(
                        "pg_ctl",
                        "start",
                        "-D",
                        str(self._data),
                        "-l",
                        str(self._log),
                        "-w",
                        "-t",
                        str(self._timeout),
                        "-o",
                        " ".join([f"-p {self.port}", *options]),
                    )
                except StorageError:
                    if attempt == 2:  # the port may have been taken in between: retry
                        raise
                else:
                    self._started = True
                    break
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (``pg_ctl stop -m fast``) and remove the temporary directory."""
        if self._root is None:
            return
        try:
            if self._started:
                with contextlib.suppress(StorageError, subprocess.TimeoutExpired):
                    self._run("pg_ctl", "stop", "-D", str(self._data), "-m", "fast", "-w")
                self._started = False
        finally:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its SQLAlchemy URL.

        Args:
            name: A plain identifier (letters, digits, underscores).
        """
        if not name.replace("_", "").isalnum() or not name.isascii():
            raise ConfigurationError(
                "pgtemp.database_name",
                sl="Ime baze lahko vsebuje le črke, števke in podčrtaje.",
                en="A database name may contain only letters, digits and underscores.",
                where="name",
            )
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=_SERVER_USER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.database_url(name)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
