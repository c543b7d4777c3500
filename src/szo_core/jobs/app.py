"""The Procrastinate app: the billing task, the stalled-job check, deferring and the worker.

:func:`make_app` builds a :class:`procrastinate.App` on the szo_core
PostgreSQL database with two tasks:

``szo.bill_organisation``
    Bills one (organisation, month) into ``out_dir/<organisation_id>/``
    (:func:`szo_core.jobs.bill.bill_one`).  Every job carries two locks:
    ``lock="szo.bill:<organisation_id>"``, so that no two jobs of one
    organisation run at once (any month), and
    ``queueing_lock="szo.bill:<organisation_id>:<month>"``, so that deferring
    the same month again while its job waits queues nothing.  A job that meets
    ``billing.in_progress`` (someone runs ``szo bill`` on the organisation right
    then) is retried later (:data:`BUSY_RETRY`).

``szo.retry_stalled_jobs``
    A periodic task (every ``check_every`` seconds, deferred by the workers
    themselves): it asks Procrastinate for the jobs still ``doing`` on a worker
    whose heartbeat is older than ``stalled_after`` seconds
    (``job_manager.get_stalled_jobs``) and puts them back in the queue
    (``job_manager.retry_job``).  A worker killed with SIGKILL in the middle of
    a job stops beating; its job is then run again by another worker.  The
    billing job is idempotent (see :mod:`szo_core.jobs.bill`), so the retry bills
    once.

The database URL reaches the task through the worker's ``additional_context``
(never in the job's arguments, which are stored in ``procrastinate_jobs``).

>>> BILL_TASK, RETRY_TASK
('szo.bill_organisation', 'szo.retry_stalled_jobs')
>>> bill_lock("vrtec-a"), queueing_lock("vrtec-a", Month(2026, 9))
('szo.bill:vrtec-a', 'szo.bill:vrtec-a:2026-09')
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from szo_core.calendar import Month
from szo_core.errors import ConfigurationError, Language
from szo_core.jobs.bill import BillJob, bill_one
from szo_core.jobs.schema import apply_schema, conninfo

if TYPE_CHECKING:
    import procrastinate

    from szo_core.adapters.sql.billing import SqlBillingStore

__all__ = [
    "BILL_TASK",
    "BUSY_RETRY",
    "MAINTENANCE_QUEUE",
    "RETRY_TASK",
    "Deferred",
    "WorkerSettings",
    "bill_lock",
    "defer_month",
    "make_app",
    "queueing_lock",
    "run_worker",
]

BILL_TASK = "szo.bill_organisation"
"""The billing task's name in ``procrastinate_jobs.task_name``."""
RETRY_TASK = "szo.retry_stalled_jobs"
"""The periodic task that puts the jobs of dead workers back in the queue."""
MAINTENANCE_QUEUE = "szo_maintenance"
"""The queue of the stalled-job check (workers listen to every queue by default)."""
BUSY_RETRY = (10, 30)
"""A job that finds the organisation being billed elsewhere: up to 10 attempts, 30 s apart."""

_URL_KEY = "szo_url"
_RETRY_PRIORITY = 100  # before any billing job: a worker that frees up checks first
_log = logging.getLogger("szo_core.jobs")


def bill_lock(organisation_id: str) -> str:
    """The Procrastinate lock of an organisation's billing jobs (one runs at a time)."""
    return f"szo.bill:{organisation_id}"


def queueing_lock(organisation_id: str, month: Month) -> str:
    """The queueing lock of an (organisation, month) job: one waits in the queue at most."""
    return f"szo.bill:{organisation_id}:{month}"


@attrs.frozen(kw_only=True)
class WorkerSettings:
    """How workers beat and how soon a dead worker's job is run again.

    Attributes:
        concurrency: Jobs one worker runs at once (each in its own thread).
        heartbeat: Seconds between a worker's heartbeats.
        stalled_after: A worker whose last heartbeat is older than this many
            seconds is taken for dead, and its jobs are retried.
        check_every: Seconds between two stalled-job checks (1 to 59 runs the
            check on a seconds schedule; 60 and more in whole minutes).

    >>> WorkerSettings(heartbeat=10, stalled_after=5)
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: jobs.settings: ...
    """

    concurrency: int = 1
    heartbeat: float = 10.0
    stalled_after: float = 30.0
    check_every: int = 60

    def __attrs_post_init__(self) -> None:
        """Refuse settings under which a living worker would be taken for dead."""
        if (
            self.concurrency < 1
            or self.heartbeat <= 0
            or self.check_every < 1
            or self.stalled_after < 2 * self.heartbeat
        ):
            raise ConfigurationError(
                "jobs.settings",
                sl="Nastavitve delavca: sočasnost >= 1, utrip > 0, preverjanje >= 1 s, "
                "neodziven šele po vsaj dveh utripih.",
                en="Worker settings: concurrency >= 1, heartbeat > 0, check >= 1 s, "
                "stalled only after at least two heartbeats.",
                where="worker",
            )

    @property
    def cron(self) -> str:
        """The stalled-job check's schedule (a sixth field is seconds, for Procrastinate).

        >>> WorkerSettings(check_every=5).cron, WorkerSettings().cron
        ('* * * * * */5', '* * * * *')
        """
        if self.check_every < 60:
            return f"* * * * * */{self.check_every}"
        minutes = self.check_every // 60
        return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"


_stores: dict[str, SqlBillingStore] = {}
_stores_lock = threading.Lock()


def _store(url: str) -> SqlBillingStore:
    """One store (one connection pool) per database and worker process."""
    from szo_core.adapters.sql.billing import SqlBillingStore

    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            store = _stores[url] = SqlBillingStore.open(url, migrate=False)
        return store


class _Busy(Exception):
    """The organisation is being billed elsewhere right now: retry the job later."""


def make_app(url: str, settings: WorkerSettings | None = None) -> procrastinate.App:
    """The Procrastinate app on the szo_core database at ``url``, with both tasks.

    Args:
        url: The PostgreSQL database (SQLAlchemy or libpq form).
        settings: How the workers of this app beat and check (default
            :class:`WorkerSettings`).

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.needs_postgres`` for SQLite.
    """
    import procrastinate
    from procrastinate import JobContext, RetryStrategy

    from szo_core.errors import BillingConflict

    settings = settings or WorkerSettings()
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)),
        worker_defaults={
            "concurrency": settings.concurrency,
            "update_heartbeat_interval": settings.heartbeat,
            "stalled_worker_timeout": settings.stalled_after,
            "additional_context": {_URL_KEY: url},
        },
    )
    attempts, wait = BUSY_RETRY

    @app.task(
        name=BILL_TASK,
        pass_context=True,
        retry=RetryStrategy(max_attempts=attempts, wait=wait, retry_exceptions={_Busy}),
    )
    def bill_organisation(
        context: JobContext,
        organisation_id: str,
        month: str,
        out_dir: str,
        issued_on: str,
        close: bool = False,
        lang: Language = "sl",
        reference: str | None = None,
        host_municipality: int | None = None,
    ) -> dict[str, object]:
        job = BillJob(
            organisation_id=organisation_id,
            month=Month.parse(month),
            out_dir=Path(out_dir),
            issued_on=date.fromisoformat(issued_on),
            close=close,
            lang=lang,
            reference=reference,
            host_municipality=host_municipality,
        )
        try:
            report = bill_one(_store(str(context.additional_context[_URL_KEY])), job)
        except BillingConflict as exc:
            if exc.code == "billing.in_progress":
                raise _Busy(exc.code) from None
            raise
        _log.info("billed %s %s: %s", organisation_id, month, report.outcome.value)
        return report.to_json()

    @app.periodic(cron=settings.cron)
    @app.task(
        name=RETRY_TASK,
        pass_context=True,
        queue=MAINTENANCE_QUEUE,
        queueing_lock=RETRY_TASK,
        lock=RETRY_TASK,
        priority=_RETRY_PRIORITY,
    )
    async def retry_stalled_jobs(context: JobContext, timestamp: int) -> int:
        manager = context.app.job_manager
        stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=settings.stalled_after)
        retried = 0
        for job in stalled:
            if job.task_name == RETRY_TASK:
                continue  # a check that died with its worker: the next one runs anyway
            await manager.retry_job(job)
            retried += 1
            _log.warning("retrying job %s of a stalled worker (%s)", job.id, job.task_name)
        await manager.delete_old_jobs(nb_hours=1, queue=MAINTENANCE_QUEUE)
        return retried

    return app


@attrs.frozen(kw_only=True)
class Deferred:
    """What :func:`defer_month` queued.

    Attributes:
        month: The month.
        queued: The organisations whose job was queued now.
        already_queued: Those whose job for the month was waiting already
            (nothing was queued for them).
    """

    month: Month
    queued: tuple[str, ...]
    already_queued: tuple[str, ...]


def defer_month(
    url: str,
    month: Month,
    out_dir: Path,
    *,
    issued_on: date,
    organisations: Iterable[str] | None = None,
    close: bool = False,
    lang: Language = "sl",
    reference: str | None = None,
    host_municipality: int | None = None,
) -> Deferred:
    """Queue one billing job per organisation for ``month`` (applies the schema first).

    Args:
        url: The szo_core PostgreSQL database.
        month: The month to bill.
        out_dir: The folder that gets one folder per organisation (give an
            absolute path: the workers may run elsewhere).
        issued_on: The documents' issue date.
        organisations: The organisations; by default every one that has
            children in the database.
        close: Also close the month.
        lang: Language of the CSV headers.
        reference: ``SI12`` or ``RF``; None: the organisation's.
        host_municipality: The host municipality for every organisation; None
            finds each one's own.

    Returns:
        Which organisations were queued now and which were waiting already.

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.needs_postgres`` for SQLite.
        szo_core.errors.StorageError: The database cannot be reached.
    """
    from procrastinate.exceptions import AlreadyEnqueued

    from szo_core.adapters.sql.billing import SqlBillingStore

    apply_schema(url)
    if organisations is None:
        store = SqlBillingStore.open(url, migrate=False)
        try:
            organisations = store.organisations()
        finally:
            store.dispose()
    queued: list[str] = []
    waiting: list[str] = []
    app = make_app(url)
    with app.open():
        for org in organisations:
            task = app.configure_task(
                BILL_TASK, lock=bill_lock(org), queueing_lock=queueing_lock(org, month)
            )
            try:
                task.defer(
                    organisation_id=org,
                    month=str(month),
                    out_dir=str(out_dir),
                    issued_on=issued_on.isoformat(),
                    close=close,
                    lang=lang,
                    reference=None if reference is None else reference.upper(),
                    host_municipality=host_municipality,
                )
            except AlreadyEnqueued:
                waiting.append(org)
            else:
                queued.append(org)
    return Deferred(month=month, queued=tuple(queued), already_queued=tuple(waiting))


def run_worker(
    url: str, settings: WorkerSettings | None = None, *, name: str | None = None
) -> None:
    """Run a worker on the database at ``url`` until SIGINT or SIGTERM (applies the schema).

    A first signal lets the running jobs finish; a second one aborts them.

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.needs_postgres`` for SQLite.
        szo_core.errors.StorageError: The database cannot be reached.
    """
    apply_schema(url)
    app = make_app(url, settings)
    if name is None:
        app.run_worker()
    else:
        app.run_worker(name=name)
