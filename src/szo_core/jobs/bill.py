"""The body of one billing job: bill one organisation's month into its own folder.

:func:`bill_one` is what a worker runs for a job (and what the tests and the
benchmark call directly).  It is idempotent, so that a job may run again after
its worker died:

1. it first repairs the folder (:func:`szo_core.billing.files.repair`): a run
   that was committed but whose files were not moved yet gets its files moved
   into place; the staging folder of a run that never committed (the worker
   died inside the transaction: nothing was stored) is removed;
2. a month that already has a run is **not** billed again: the job completes
   with :attr:`Outcome.ALREADY_BILLED` (a replacement of an open run is
   ``szo bill``'s business, done by a person);
3. otherwise it bills the month like ``szo bill`` does: the files are staged
   inside the billing transaction, the run is committed, the files are moved
   into place.

It bills through :func:`szo_core.billing.folder.bill_to_folder`, the same
function as ``szo bill``: the files go to ``out_dir/<organisation_id>/<YYYY-MM>/``.

>>> Outcome.ALREADY_BILLED.value
'already_billed'
"""

from __future__ import annotations

import enum
import os
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from szo_core.calendar import Month
from szo_core.errors import ConfigurationError, Language

if TYPE_CHECKING:
    from szo_core.adapters.sql.billing import SqlBillingStore

__all__ = ["PAUSE_ENV", "BillJob", "BillReport", "Outcome", "bill_one", "organisation_folder"]

PAUSE_ENV = "SZO_JOBS_TEST_PAUSE"
"""Test hook: ``ORGANISATION_ID:MARKER_PATH`` makes the first job of that organisation
pause inside its billing transaction (after staging its files, before the commit).

The job that pauses creates ``MARKER_PATH`` exclusively and writes its process id
into it; jobs that find the marker there go on, so the retry of a killed job does
not pause again.  The pause is bounded (:data:`PAUSE_SECONDS`).  Unset in production.
"""

PAUSE_SECONDS = 120.0
"""The longest a test pause lasts; then the job goes on."""


class Outcome(enum.StrEnum):
    """What a billing job did."""

    BILLED = "billed"
    """The month was billed now and its files are in place."""
    ALREADY_BILLED = "already_billed"
    """The month had a run already; nothing was billed (its files were repaired if needed)."""
    NOTHING_TO_BILL = "nothing_to_bill"
    """No child of the organisation is enrolled in the month."""


@attrs.frozen(kw_only=True)
class BillJob:
    """What one job bills: an organisation's month, and how.

    Attributes:
        organisation_id: The organisation (its files go to ``out_dir/<organisation_id>/``).
        month: The month.
        out_dir: The folder that holds one folder per organisation.
        issued_on: The documents' issue date.
        close: Also close the month (lock its decisions and prices).
        lang: Language of the CSV header.
        reference: ``SI12`` or ``RF``: the invoices' payment reference model;
            None takes the organisation record's (SI12 without one).
        host_municipality: The host municipality's code; None takes the one that
            pays for most of the month's children.

    >>> job = BillJob(organisation_id="vrtec-a", month=Month(2026, 9), out_dir=Path("out"),
    ...               issued_on=date(2026, 10, 2))
    >>> organisation_folder(job).as_posix()
    'out/vrtec-a'
    """

    organisation_id: str
    month: Month
    out_dir: Path
    issued_on: date
    close: bool = False
    lang: Language = "sl"
    reference: str | None = None
    host_municipality: int | None = None


@attrs.frozen(kw_only=True)
class BillReport:
    """What a billing job did.

    Attributes:
        organisation_id: The organisation.
        month: The month.
        outcome: Billed now, billed before, or nothing to bill.
        invoices: How many invoices the run issued now (0 unless billed now).
        credit_notes: How many credit notes it issued now.
        total: Their total (0.00 unless billed now).
        files: The files in place after the job (billed now or repaired).
    """

    organisation_id: str
    month: Month
    outcome: Outcome
    invoices: int = 0
    credit_notes: int = 0
    total: Decimal = Decimal("0.00")
    files: tuple[Path, ...] = ()

    def to_json(self) -> dict[str, object]:
        """A JSON-ready summary (Procrastinate logs a job's return value).

        >>> BillReport(organisation_id="o", month=Month(2026, 9),
        ...            outcome=Outcome.NOTHING_TO_BILL).to_json()["outcome"]
        'nothing_to_bill'
        """
        return {
            "organisation_id": self.organisation_id,
            "month": str(self.month),
            "outcome": self.outcome.value,
            "invoices": self.invoices,
            "credit_notes": self.credit_notes,
            "total": str(self.total),
            "files": [str(p) for p in self.files],
        }


def organisation_folder(job: BillJob) -> Path:
    """The folder of the job's files: ``out_dir/<organisation_id>/``.

    Raises:
        szo_core.errors.ConfigurationError: ``jobs.organisation_id``: the id
            cannot name a folder (empty, ``.``, ``..``, or with a path separator).

    >>> organisation_folder(attrs.evolve(
    ...     BillJob(organisation_id="x", month=Month(2026, 9), out_dir=Path("out"),
    ...             issued_on=date(2026, 10, 2)), organisation_id="../x"))
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: jobs.organisation_id: ...
    """
    org = job.organisation_id
    if org in ("", ".", "..") or "/" in org or "\\" in org or "\0" in org:
        raise ConfigurationError(
            "jobs.organisation_id",
            sl="Oznaka organizacije ne more biti ime mape (prazna, ».«, »..« ali z »/«).",
            en="The organisation id cannot name a folder (empty, '.', '..' or with '/').",
            where="organisation_id",
        )
    return job.out_dir / org


def _test_pause(organisation_id: str) -> None:
    setting = os.environ.get(PAUSE_ENV)
    if not setting:
        return
    target, _, marker = setting.partition(":")
    if target != organisation_id or not marker:
        return
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return  # an earlier attempt paused already: this one goes on
    with os.fdopen(fd, "w") as handle:
        handle.write(str(os.getpid()))
    time.sleep(PAUSE_SECONDS)


def bill_one(store: SqlBillingStore, job: BillJob) -> BillReport:
    """Bill one organisation's month into ``out_dir/<organisation_id>/``, at most once.

    See the module docs for what a second call does.

    Raises:
        szo_core.errors.BillingConflict: ``billing.in_progress`` (someone else is
            billing the organisation: try later), ``billing.closed`` ...
        szo_core.errors.SzoError: The billing failed; nothing was stored.
        OSError: A file could not be written or moved (a stored run's files
            are moved by the next call).
    """
    return _bill_one(store, job)


def _bill_one(store: SqlBillingStore, job: BillJob) -> BillReport:
    from szo_core.billing import ReferenceScheme
    from szo_core.billing.files import file_names, repair
    from szo_core.billing.folder import bill_to_folder
    from szo_core.errors import BillingError

    org, month = job.organisation_id, job.month
    out = organisation_folder(job)
    repair(out, store, org)
    with store.unit_of_work() as uow:
        existing = uow.billing.find_run(org, month)
    if existing is not None:
        # The month folder of bill_to_folder, or the statements of a run staged
        # straight into ``out`` (szo_core.billing.files.stage).
        folder = out / str(month)
        nested = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
        flat = [out / name for name in file_names(month) if (out / name).is_file()]
        return BillReport(
            organisation_id=org,
            month=month,
            outcome=Outcome.ALREADY_BILLED,
            files=tuple(sorted(nested + flat)),
        )

    def progress(stage: str, done: int, total: int) -> None:
        # Every file staged, inside the billing transaction, before its commit.
        if stage.startswith("staged") and done == total:
            _test_pause(org)

    try:
        billed = bill_to_folder(
            store,
            org,
            month,
            out,
            issued_on=job.issued_on,
            close=job.close,
            lang=job.lang,
            progress=progress,
            host_municipality=job.host_municipality,
            reference_scheme=None if job.reference is None else ReferenceScheme(job.reference),
        )
    except BillingError as exc:
        if exc.code == "billing.nothing_to_bill":
            return BillReport(organisation_id=org, month=month, outcome=Outcome.NOTHING_TO_BILL)
        raise
    result = billed.result
    return BillReport(
        organisation_id=org,
        month=month,
        outcome=Outcome.BILLED,
        invoices=len(result.invoices),
        credit_notes=len(result.credit_notes),
        total=result.total,
        files=billed.files,
    )
