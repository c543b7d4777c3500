"""The outbox on Procrastinate workers: ``szo.dispatch_outbox`` jobs over PostgreSQL.

Where one in-process dispatcher (``szo outbox run``) is not enough, the outbox
of a PostgreSQL database is sent by Procrastinate workers.  Each
``szo.dispatch_outbox`` job runs a :class:`~szo_core.outbox.Dispatcher` over
the database until a round claims less than a full batch (or ``max_rounds``
rounds).  The jobs carry **no lock**: several workers dispatch at the same
time, and the claim (``FOR UPDATE SKIP LOCKED``) keeps them from taking the
same message; a worker that dies leaves its messages leased, and they are
claimed again when the lease ends (at least once, the same ``Message-ID``).

The senders are not job arguments (nothing secret or personal goes into
``procrastinate_jobs``): :func:`make_outbox_app` takes a function that builds
them once per worker process.  A periodic task (``cron``, every few seconds
by default) defers one job per tick; :func:`defer_dispatch` queues jobs now,
for example right after a use case stored messages.

>>> OUTBOX_TASK, OUTBOX_PERIODIC
('szo.dispatch_outbox', 'szo.dispatch_outbox_tick')
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from szo_core.errors import ConfigurationError
from szo_core.jobs.schema import apply_schema, conninfo
from szo_core.outbox.dispatch import Dispatcher, DispatchReport
from szo_core.outbox.retry import RetryPolicy

if TYPE_CHECKING:
    import procrastinate

    from szo_core.adapters.sql import SqlStore
    from szo_core.outbox.seal import OutboxSeal
    from szo_core.ports import Clock, MailSender, SmsSender

__all__ = [
    "OUTBOX_PERIODIC",
    "OUTBOX_QUEUE",
    "OUTBOX_TASK",
    "OutboxSenders",
    "OutboxWorkerSettings",
    "defer_dispatch",
    "dispatch_outbox",
    "make_outbox_app",
]

OUTBOX_TASK = "szo.dispatch_outbox"
"""The dispatching task's name in ``procrastinate_jobs.task_name``."""
OUTBOX_PERIODIC = "szo.dispatch_outbox_tick"
"""The periodic task that defers a dispatching job on every tick."""
OUTBOX_QUEUE = "szo_outbox"
"""The queue of the outbox jobs."""

_log = logging.getLogger("szo_core.jobs.outbox")


@attrs.frozen(kw_only=True)
class OutboxSenders:
    """What a worker process sends with, built once per process.

    Attributes:
        clock: The time.
        mail: Sends e-mail (None: e-mails wait for another dispatcher).
        sms: Sends text messages (None: likewise).
        seal: Opens sealed messages (:mod:`szo_core.outbox.seal`; ``szo outbox
            worker`` reads it from ``SZO_OUTBOX_KEYS``).
    """

    clock: Clock
    mail: MailSender | None = None
    sms: SmsSender | None = None
    seal: OutboxSeal | None = None


@attrs.frozen(kw_only=True)
class OutboxWorkerSettings:
    """How the outbox jobs dispatch.

    Attributes:
        batch_size: Messages claimed per round.
        lease: How long a claim holds (longer than a batch takes to send).
        max_rounds: The most rounds one job runs before it ends (the next
            tick defers another).
        tick: Seconds between two periodic ticks (1 to 59).
        jobs_per_tick: Dispatching jobs each tick defers (more than one lets
            several workers dispatch at once).
        policy: Retries and giving up.

    >>> OutboxWorkerSettings(tick=0)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: outbox.worker_settings: ...
    """

    batch_size: int = 100
    lease: timedelta = timedelta(minutes=5)
    max_rounds: int = 100
    tick: int = 5
    jobs_per_tick: int = 1
    policy: RetryPolicy = attrs.field(factory=RetryPolicy)

    def __attrs_post_init__(self) -> None:
        """Refuse settings that would never dispatch."""
        if (
            self.batch_size < 1
            or self.max_rounds < 1
            or self.jobs_per_tick < 1
            or not 1 <= self.tick <= 59
        ):
            raise ConfigurationError(
                "outbox.worker_settings",
                sl="Nastavitve: paket >= 1, krogov >= 1, opravil na takt >= 1, takt med 1 in 59 s.",
                en="Settings: batch >= 1, rounds >= 1, jobs per tick >= 1, "
                "tick between 1 and 59 s.",
                where="worker",
            )


_stores: dict[str, SqlStore] = {}
_stores_lock = threading.Lock()


def _store(url: str) -> SqlStore:
    """One store (one connection pool) per database and worker process."""
    from szo_core.adapters.sql import SqlStore

    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            store = _stores[url] = SqlStore.open(url, migrate=False)
        return store


def dispatch_outbox(
    store: SqlStore, senders: OutboxSenders, settings: OutboxWorkerSettings
) -> DispatchReport:
    """A job's body: dispatch rounds until one claims less than a full batch.

    >>> from datetime import UTC, datetime
    >>> from szo_core.adapters.memory import ManualClock, MemoryMailSender, MemoryStore
    >>> clock = ManualClock(datetime(2026, 9, 1, tzinfo=UTC))
    >>> dispatch_outbox(MemoryStore(), OutboxSenders(clock=clock, mail=MemoryMailSender()),
    ...                 OutboxWorkerSettings())
    DispatchReport(claimed=0, sent=0, retrying=0, failed=0, given_up=0, stale=0)
    """
    dispatcher = Dispatcher(
        store,
        clock=senders.clock,
        mail=senders.mail,
        sms=senders.sms,
        policy=settings.policy,
        batch_size=settings.batch_size,
        lease=settings.lease,
        seal=senders.seal,
    )
    total = DispatchReport()
    for _ in range(settings.max_rounds):
        report = dispatcher.run_once()
        total += report
        if report.claimed < settings.batch_size:
            break
    return total


def make_outbox_app(
    url: str,
    senders: Callable[[], OutboxSenders],
    settings: OutboxWorkerSettings | None = None,
    *,
    periodic: bool = True,
) -> procrastinate.App:
    """The Procrastinate app that dispatches the outbox of the database at ``url``.

    Args:
        url: The szo_core PostgreSQL database.
        senders: Builds the senders (called once, in the worker, at the first job).
        settings: Batch, lease, rounds, tick and retry policy.
        periodic: Also defer a job every ``settings.tick`` seconds.

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.needs_postgres`` for SQLite.
    """
    import procrastinate

    settings = settings or OutboxWorkerSettings()
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))
    built: list[OutboxSenders] = []
    built_lock = threading.Lock()

    def current() -> OutboxSenders:
        with built_lock:
            if not built:
                built.append(senders())
            return built[0]

    @app.task(name=OUTBOX_TASK, queue=OUTBOX_QUEUE)
    def dispatch() -> dict[str, int]:
        report = dispatch_outbox(_store(url), current(), settings)
        if report.claimed:
            _log.info("outbox: %s", report)
        return attrs.asdict(report)

    if periodic:

        @app.periodic(cron=f"* * * * * */{settings.tick}")
        @app.task(
            name=OUTBOX_PERIODIC,
            queue=OUTBOX_QUEUE,
            queueing_lock=OUTBOX_PERIODIC,
        )
        async def tick(timestamp: int) -> None:
            for _ in range(settings.jobs_per_tick):
                await dispatch.defer_async()

    return app


def defer_dispatch(url: str, app: procrastinate.App, jobs: int = 1) -> None:
    """Queue ``jobs`` dispatching jobs now on ``app`` (applies the job schema at ``url`` first).

    Several jobs run on several workers at once; each takes its own messages.

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.needs_postgres`` for SQLite.
    """
    apply_schema(url)
    with app.open():
        for _ in range(jobs):
            app.configure_task(OUTBOX_TASK).defer()
