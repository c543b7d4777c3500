"""The sample data of ``szo serve`` on the embedded default.

:func:`seed` adds, when they are missing: an administrative unit with two
offices (``ue-lj``), two care homes with operators (``dom-lj``: Ana, Bojan,
Cvetka; ``dom-mb``: David), each operator's sign-in account, and nothing for
the municipality (``obcina-lj``: citizens make their own subscriptions).
Passwords are random (``secrets``) unless given, returned once and never
stored or logged; run it again and existing accounts are kept as they are.

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.memory import ManualClock, MemoryStore
>>> from szo_core.web.accounts import PasswordHasher
>>> from szo_core.web.wiring import WebConfig, build
>>> services = build(WebConfig(secret_key=b"k" * 32, mail_folder=None), store=MemoryStore(),
...                  clock=ManualClock(datetime(2026, 12, 3, 8, 0, tzinfo=UTC)),
...                  hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
>>> made = seed(services)
>>> sorted(made), len(made["ana"]) >= 16
(['ana', 'bojan', 'cvetka', 'david'], True)
>>> seed(services)
{}
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import time
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from szo_core.web.wiring import Services

__all__ = ["OPERATORS", "seed"]

OPERATORS: Final = (
    ("dom-lj", "ana", "Ana Novak", ("A",)),
    ("dom-lj", "bojan", "Bojan Kos", ("A",)),
    ("dom-lj", "cvetka", "Cvetka Zupan", ("B",)),
    ("dom-mb", "david", "David Horvat", ()),
)
"""The sample operators: organisation, id (also the user name), name, departments."""


def _offices(organisation_id: str) -> tuple[object, ...]:
    from szo_core.booking import Office, OpeningHours, Service

    hours = tuple(OpeningHours(weekday=d, opens=time(8), closes=time(15)) for d in range(5))
    return (
        Office(
            organisation_id=organisation_id,
            id="center",
            name="UE Ljubljana, Center",
            services=(
                Service(id="info", name="Splošne informacije", duration_minutes=30),
                Service(id="potrdilo", name="Potrdilo iz uradne evidence", duration_minutes=60),
            ),
            hours=hours,
            slot_minutes=30,
            buffer_after_minutes=10,
            officials=2,
            horizon_days=30,
            notice_minutes=60,
        ),
        Office(
            organisation_id=organisation_id,
            id="siska",
            name="UE Ljubljana, Izpostava Šiška",
            services=(Service(id="info", name="Splošne informacije", duration_minutes=30),),
            hours=hours,
            slot_minutes=30,
            officials=1,
            horizon_days=30,
            notice_minutes=60,
        ),
    )


def seed(services: Services, passwords: Mapping[str, str] | None = None) -> dict[str, str]:
    """Add the sample data that is missing; the passwords of the accounts made now."""
    from szo_core.booking import Office
    from szo_core.messaging import Operator

    now = services.clock.now()
    organisation_id = services.config.booking_organisation
    made: dict[str, str] = {}
    with services.store.unit_of_work() as uow:
        if not uow.booking.offices(organisation_id):
            for office in _offices(organisation_id):
                assert isinstance(office, Office)
                uow.booking.add_office(office)
            services.desk.install_templates(uow, organisation_id)
        for org, operator_id, name, departments in OPERATORS:
            if uow.messaging.find_operator(org, operator_id) is None:
                uow.messaging.add_operator(
                    Operator(
                        organisation_id=org,
                        id=operator_id,
                        name=name,
                        departments=departments,
                    )
                )
            if uow.web.find(operator_id) is None:
                password = (passwords or {}).get(operator_id) or secrets.token_urlsafe(12)
                services.accounts.create(uow, org, operator_id, operator_id, password, now=now)
                made[operator_id] = password
        uow.commit()
    return made
