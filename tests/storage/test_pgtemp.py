"""The throw-away PostgreSQL server used by the tests and the benchmark."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg
import pytest

from szo_core.adapters.sql.pgtemp import TemporaryPostgres, find_pg_bin
from szo_core.errors import ConfigurationError


@pytest.mark.postgres
def test_session_server_listens_on_loopback_only(postgres_server: TemporaryPostgres) -> None:
    with psycopg.connect(
        host="127.0.0.1", port=postgres_server.port, user="postgres", dbname="postgres"
    ) as conn:
        row = conn.execute(
            "SELECT current_setting('listen_addresses'), current_setting('unix_socket_directories')"
        ).fetchone()
    assert row is not None
    assert row[0] == "127.0.0.1"
    assert row[1].startswith("/tmp/") or "szo-pg-" in row[1]


@pytest.mark.postgres
def test_server_is_stopped_and_removed_even_when_the_body_fails(
    postgres_server: TemporaryPostgres,
) -> None:
    class Boom(Exception):
        pass

    server = TemporaryPostgres()
    seen: dict[str, object] = {}

    def fail_inside() -> None:
        with server:
            seen["root"], seen["port"] = server._root, server.port
            raise Boom

    with pytest.raises(Boom):
        fail_inside()
    root, port = seen["root"], seen["port"]
    assert isinstance(root, Path)
    assert isinstance(port, int)
    assert not root.exists()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nobody listens any more


def test_missing_binaries_are_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("szo_core.adapters.sql.pgtemp.Path.glob", lambda self, pattern: iter(()))
    monkeypatch.delenv("SZO_PG_BIN", raising=False)
    found = find_pg_bin()
    assert not found.available
    assert "initdb" in found.reason
    with pytest.raises(ConfigurationError), TemporaryPostgres():
        pass
