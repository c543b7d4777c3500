"""Fixtures for the messaging tests: every backend (memory, SQLite, PostgreSQL) and real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.storage._backend import Backend

from szo_core.messaging import Messaging, Operator
from szo_core.ports import Storage

ORG = "dom"
T0 = datetime(2026, 12, 2, 8, 5, tzinfo=UTC)

OPERATORS = (
    Operator(organisation_id=ORG, id="ana", name="Ana Novak", email="ana@dom.si"),
    Operator(organisation_id=ORG, id="bojan", name="Bojan Kos", email="bojan@dom.si"),
    Operator(organisation_id=ORG, id="cvetka", name="Cvetka Zupan", departments=("Modri oddelek",)),
    Operator(organisation_id=ORG, id="dusan", name="Dušan Vidmar", email="dusan@dom.si"),
    Operator(organisation_id=ORG, id="eva", name="Eva Horvat", email="eva@dom.si", active=False),
)


@pytest.fixture
def store(backend: Backend) -> Storage:  # noqa: F811
    """The backend's store with the five operators of the home ``dom`` (Eva inactive)."""
    with backend.store.unit_of_work() as uow:
        for operator in OPERATORS:
            uow.messaging.add_operator(operator)
        uow.commit()
    return backend.store


@pytest.fixture
def ids() -> list[str]:
    return []


@pytest.fixture
def messaging(ids: list[str]) -> Messaging:
    """A service with message ids m1, m2, ... (kept in ``ids``)."""

    def new_id() -> str:
        ids.append(f"m{len(ids) + 1}")
        return ids[-1]

    return Messaging(new_id=new_id)


# The contract suite's backends and the delivery tests' real SMTP server (aiosmtpd).
from tests.delivery.conftest import ca, client_tls, server_tls, smtp_server  # noqa: E402, F401
from tests.storage.conftest import (  # noqa: E402, F401
    backend,
    postgres_database,
    postgres_server,
    sqlite_template,
)
