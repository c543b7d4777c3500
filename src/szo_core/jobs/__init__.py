"""Many organisations on workers: one billing job per (organisation, month) on Procrastinate.

A municipality's shared service or a software vendor bills hundreds of
organisations out of one PostgreSQL database.  This package queues one job per
organisation for a month and runs them on as many worker processes as wanted,
with `Procrastinate <https://procrastinate.readthedocs.io/>`_ (the ``jobs``
extra: ``pip install szo_core[jobs]``) over the same database:

* :func:`apply_schema` creates Procrastinate's tables beside the szo_core ones
  (idempotent);
* :func:`defer_month` queues one ``szo.bill_organisation`` job per
  organisation (``szo bill --all``);
* :func:`run_worker` runs a worker (``szo worker``);
* :func:`bill_one` is a job's body: it bills one organisation's month into
  ``out_dir/<organisation_id>/`` at most once.

Locks: one job of an organisation runs at a time (Procrastinate's ``lock``),
and one job per (organisation, month) waits in the queue at most
(``queueing_lock``).  A worker that dies in the middle of a job stops sending
heartbeats; the periodic ``szo.retry_stalled_jobs`` task puts its job back in
the queue and another worker bills the month: the dead worker's transaction
was rolled back by PostgreSQL, its staged files are cleared or moved into
place, and a month that has a run is never billed twice.

Importing :mod:`szo_core.jobs` does not import Procrastinate; the functions do.
The guide is ``docs/scale.md``.

>>> from szo_core.jobs import WorkerSettings
>>> WorkerSettings(concurrency=2, heartbeat=1, stalled_after=3, check_every=2).cron
'* * * * * */2'
"""

from szo_core.jobs.app import (
    BILL_TASK,
    MAINTENANCE_QUEUE,
    RETRY_TASK,
    Deferred,
    WorkerSettings,
    bill_lock,
    defer_month,
    make_app,
    queueing_lock,
    run_worker,
)
from szo_core.jobs.bill import BillJob, BillReport, Outcome, bill_one, organisation_folder
from szo_core.jobs.schema import apply_schema, conninfo, has_schema

__all__ = [
    "BILL_TASK",
    "MAINTENANCE_QUEUE",
    "RETRY_TASK",
    "BillJob",
    "BillReport",
    "Deferred",
    "Outcome",
    "WorkerSettings",
    "apply_schema",
    "bill_lock",
    "bill_one",
    "conninfo",
    "defer_month",
    "has_schema",
    "make_app",
    "organisation_folder",
    "queueing_lock",
    "run_worker",
]
