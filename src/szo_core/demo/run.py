"""The demo use case: bill the sample kindergarten for two months and write every file.

:func:`run_demo` is what ``szo demo`` runs.  In an output folder it

1. builds the sample kindergarten (:func:`szo_core.demo.sample.generate`) and
   stores it in a **fresh** SQLite file, ``szo-demo.sqlite``;
2. bills the first month (:func:`szo_core.billing.run_billing`) and closes it,
   which locks the decisions and prices the run used;
3. enters the late decisions, each superseding a decision the closed run used
   (a locked decision is never edited); some lower the parents' share a lot, so
   their refund exceeds the month's fee and the parents get a credit note;
4. bills and closes the second month: its documents carry the corrections
   (poračun) for the first month;
5. writes, for each month, into a folder named after it (``2026-09/``):

   * ``statements-<YYYY-MM>.json`` and ``.csv``: the run, its documents
     (the parents' invoices and credit notes, one invoice per municipality with
     its list of children, the state's claim) and fee statements
     (:func:`szo_core.billing.write_json` and :func:`~szo_core.billing.write_csv`;
     the CSV opens in Slovenian Excel);
   * ``lists-<YYYY-MM>.csv``: the municipalities' lists of children (seznam za
     občino) and the state's claim, one row per child and month
     (:func:`~szo_core.billing.write_lists_csv`);
   * ``payments.json``: the payment instructions (merged per payment group) for
     the invoices with something to pay, and the invoices held back, with why;
   * ``upn/<id>.txt`` and ``upn/<id>.png``: the UPN QR payload (ISO 8859-2
     bytes) and its QR symbol for each slip payer;
   * ``sepa-<YYYY-MM>.xml``: the pain.008.001.02 file for the direct-debit
     payers;

6. writes ``summary.json`` (the :class:`DemoSummary`).

Every file is a function of the arguments: message ids, creation times, issue,
due and collection dates are derived from the month, never from the clock, so
two runs with the same arguments write byte-identical files.  Each is written
beside its target and renamed (:func:`szo_core.billing.write_bytes`).  The caller (the
``szo demo`` command) measures and prints the time taken; no file holds it.

>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = run_demo(Path(tmp) / "out", children=12, seed=5)
...     [str(m.month) for m in summary.months], (Path(tmp) / "out" / "summary.json").exists()
(['2026-09', '2026-10'], True)
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Final, cast
from zoneinfo import ZoneInfo

import attrs

from szo_core.billing import BillingStorage, DocumentKind, ZeroInvoices, write_bytes
from szo_core.billing.folder import FolderResult, bill_to_folder
from szo_core.calendar import Month, WorkingCalendar
from szo_core.demo.sample import (
    DEFAULT_CHILDREN,
    DEFAULT_FIRST_MONTH,
    DEFAULT_SEED,
    Kindergarten,
    SampleKindergarten,
    generate,
)
from szo_core.errors import ConfigurationError
from szo_core.fees import PayerKind
from szo_core.model import BankAccount, Organisation, OrganisationKind
from szo_core.payments import instructions as pay
from szo_core.ports import Storage, UnitOfWork

if TYPE_CHECKING:
    from szo_core.adapters.sql.billing import SqlBillingStore
    from szo_core.invoices.delivery import DeliveryReport

__all__ = [
    "DATABASE_NAME",
    "REGISTRATION_NUMBER",
    "SUMMARY_NAME",
    "DemoProgress",
    "DemoSummary",
    "MonthSummary",
    "PaymentTotals",
    "organisation",
    "run_demo",
]

DATABASE_NAME: Final = "szo-demo.sqlite"
"""The SQLite file the demo creates in the output folder."""
SUMMARY_NAME: Final = "summary.json"
"""The summary file the demo writes in the output folder."""

DemoProgress = Callable[[str, int, int], None]
"""A progress callback: ``progress(stage, done, total)``; a new ``stage`` starts at 0."""

_ZERO: Final = Decimal("0.00")
_MONTH_DIR = re.compile(r"\d{4}-\d{2}")


@attrs.frozen(kw_only=True)
class PaymentTotals:
    """How many payment instructions of one kind were made, and their sum.

    >>> PaymentTotals(count=2, amount=Decimal("120.50")).to_document()
    {'count': 2, 'amount': '120.50'}
    """

    count: int = 0
    amount: Decimal = _ZERO

    def to_document(self) -> dict[str, object]:
        """The totals as JSON-ready data."""
        return {"count": self.count, "amount": str(self.amount)}


@attrs.frozen(kw_only=True)
class MonthSummary:
    """What the demo billed and wrote for one month.

    Attributes:
        month: The month.
        children_billed: Children with a fee statement (enrolled on a billing day).
        invoices: Invoices issued (one per child for the parents, one per
            municipality; 0.00 ones kept unnumbered included).
        invoiced: Every document's sum per kind of payer (credit notes and
            the state's claim included).
        corrections: How many correction lines (poračun) the run billed.
        corrected: The corrections' sum per kind of payer.
        credit_notes: The parents' and municipalities' credit notes (dobropisi),
            with their sum (negative).
        municipal_invoices: Invoices to municipalities, one each with its list.
        claim: The state's claim: how many children's entries, and its sum.
        slips: Payment instructions paid with a UPN slip (QR code written).
        direct_debits: Payment instructions collected by SEPA direct debit.
        nothing_to_pay: Parents' invoices of 0.00 (a sibling the state pays for
            in full), kept unnumbered: no slip and no debit.
        held_back: Parents' invoices to pay that got no instruction (a missing
            mandate, for example), with their sum.
        printed: Invoices in the month's print PDF (``print-YYYY-MM.pdf``).
        emailed: Invoices sent by e-mail (``.eml`` files in ``YYYY-MM/mail/``).
        e_invoices: Invoices delivered as e-invoices (``YYYY-MM/e-invoices/``).
        delivery_problems: Invoices that could not go the way their payer chose.
        files: The files written for the month, relative to the output folder.

    >>> MonthSummary(month=Month(2026, 9), children_billed=0, invoices=0).total
    Decimal('0.00')
    """

    month: Month
    children_billed: int
    invoices: int
    invoiced: tuple[tuple[PayerKind, Decimal], ...] = ()
    corrections: int = 0
    corrected: tuple[tuple[PayerKind, Decimal], ...] = ()
    credit_notes: PaymentTotals = PaymentTotals()
    municipal_invoices: int = 0
    claim: PaymentTotals = PaymentTotals()
    slips: PaymentTotals = PaymentTotals()
    direct_debits: PaymentTotals = PaymentTotals()
    nothing_to_pay: int = 0
    held_back: PaymentTotals = PaymentTotals()
    printed: int = 0
    emailed: int = 0
    e_invoices: int = 0
    delivery_problems: int = 0
    files: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        """The sum of every invoice of the month."""
        return sum((amount for _kind, amount in self.invoiced), _ZERO)

    def to_document(self) -> dict[str, object]:
        """The month's summary as JSON-ready data (amounts as strings)."""
        return {
            "month": str(self.month),
            "children_billed": self.children_billed,
            "invoices": self.invoices,
            "invoiced": {str(kind): str(amount) for kind, amount in self.invoiced},
            "total": str(self.total),
            "corrections": self.corrections,
            "corrected": {str(kind): str(amount) for kind, amount in self.corrected},
            "credit_notes": self.credit_notes.to_document(),
            "municipal_invoices": self.municipal_invoices,
            "claim": self.claim.to_document(),
            "slips": self.slips.to_document(),
            "direct_debits": self.direct_debits.to_document(),
            "nothing_to_pay": self.nothing_to_pay,
            "held_back": self.held_back.to_document(),
            "delivery": {
                "printed": self.printed,
                "emailed": self.emailed,
                "e_invoices": self.e_invoices,
                "problems": self.delivery_problems,
            },
            "files": list(self.files),
        }


@attrs.frozen(kw_only=True)
class OrganisationSummary:
    """What the demo billed for its school or care home (:mod:`szo_core.demo.others`).

    Attributes:
        id: The organisation.
        kind: Its kind (``school``, ``care_home``).
        people: How many pupils or residents it has.
        months: One summary per billed month (files under ``<id>/YYYY-MM/``).

    >>> OrganisationSummary(id="os", kind="school", people=0, months=()).to_document()["kind"]
    'school'
    """

    id: str
    kind: str
    people: int
    months: tuple[MonthSummary, ...]

    def to_document(self) -> dict[str, object]:
        """The summary as JSON-ready data."""
        return {
            "id": self.id,
            "kind": self.kind,
            "people": self.people,
            "months": [m.to_document() for m in self.months],
        }


@attrs.frozen(kw_only=True)
class DemoSummary:
    """What :func:`run_demo` did.

    Attributes:
        seed: The seed of the sample kindergarten.
        children: How many children it has.
        database: The SQLite file, relative to the output folder.
        months: One summary per billed month.
        files: Every file written, relative to the output folder, sorted
            (``summary.json`` included).
        organisations: The school and the care home billed beside the
            kindergarten (none before December 2025).
    """

    seed: int
    children: int
    database: str
    months: tuple[MonthSummary, ...]
    files: tuple[str, ...]
    organisations: tuple[OrganisationSummary, ...] = ()

    def to_document(self) -> dict[str, object]:
        """The summary as JSON-ready data (what ``summary.json`` holds).

        >>> empty = DemoSummary(seed=1, children=0, database="x", months=(), files=())
        >>> sorted(empty.to_document())
        ['children', 'database', 'files', 'months', 'seed']
        """
        document: dict[str, object] = {
            "seed": self.seed,
            "children": self.children,
            "database": self.database,
            "months": [m.to_document() for m in self.months],
            "files": list(self.files),
        }
        if self.organisations:  # the key only when there are others (as before December 2025)
            document["organisations"] = [o.to_document() for o in self.organisations]
        return document

    def lines(self) -> tuple[str, ...]:
        """The summary as lines of text, as ``szo demo`` prints it.

        >>> DemoSummary(seed=1, children=0, database="x", months=(), files=()).lines()[0]
        'Sample kindergarten: 0 children (seed 1), database x'
        """
        out = [
            f"Sample kindergarten: {self.children} children (seed {self.seed}), "
            f"database {self.database}"
        ]
        for m in self.months:
            out.append(
                f"{m.month}: {m.children_billed} children billed, {m.invoices} invoices, "
                f"total {m.total} EUR"
            )
            for kind, amount in m.invoiced:
                out.append(f"  {kind:<20} {amount:>12} EUR")
            corrected = ", ".join(f"{kind} {amount}" for kind, amount in m.corrected if amount)
            out.append(
                f"  corrections: {m.corrections} lines" + (f" ({corrected})" if corrected else "")
            )
            out.append(
                f"  credit notes: {m.credit_notes.count} ({m.credit_notes.amount} EUR), "
                f"municipal invoices: {m.municipal_invoices}, state claim: "
                f"{m.claim.count} entries ({m.claim.amount} EUR)"
            )
            out.append(
                f"  UPN slips: {m.slips.count} ({m.slips.amount} EUR), direct debits: "
                f"{m.direct_debits.count} ({m.direct_debits.amount} EUR)"
            )
            out.append(
                f"  nothing to pay: {m.nothing_to_pay} invoices, held back: "
                f"{m.held_back.count} ({m.held_back.amount} EUR)"
            )
            out.append(
                f"  delivered: {m.printed} printed, {m.emailed} by e-mail (.eml), "
                f"{m.e_invoices} e-invoices, {m.delivery_problems} with a problem"
            )
        for other in self.organisations:
            who = "pupils" if other.kind == "school" else "residents"
            # the claim: the state's subsidies, or a care home's care part from the care fund
            claim = "care fund claim" if other.kind == "care_home" else "state claim"
            out.append(f"{other.kind} {other.id}: {other.people} {who}, the same billing run")
            for m in other.months:
                out.append(
                    f"  {m.month}: {m.invoices} invoices, total {m.total} EUR, "
                    f"{m.corrections} correction lines, {claim} {m.claim.amount} EUR"
                )
        out.append(f"Files written: {len(self.files)}")
        return tuple(out)


# --------------------------------------------------------------------------- dates


def _nth_working_day(calendar: WorkingCalendar, month: Month, n: int) -> date:
    return calendar.working_dates(month.first, month.last)[n - 1]


def _issue_date(calendar: WorkingCalendar, month: Month) -> date:
    """Invoices of ``month`` are issued on the 3rd working day of the next month."""
    return _nth_working_day(calendar, month.next(), 3)


# --------------------------------------------------------------------------- storage


def _open_store(path: Path) -> SqlBillingStore:
    """A fresh SQL billing store on ``path`` (created and migrated)."""
    from szo_core.adapters.sql.billing import SqlBillingStore

    return SqlBillingStore.open(str(path))


def _store_records(store: Storage, sample: SampleKindergarten) -> None:
    with store.unit_of_work() as uow:
        _add_all(uow, sample)
        uow.commit()


def _add_all(uow: UnitOfWork, sample: SampleKindergarten) -> None:
    uow.organisations.add(organisation(sample.kindergarten))
    for regresor in sample.regresors:
        uow.regresors.add(regresor)
    for program in sample.programs:
        uow.programs.add(program)
    for group in sample.groups:
        uow.groups.add(group)
    for guardian in sample.guardians:
        uow.guardians.add(guardian)
    for child in sample.children:
        uow.children.add(child)
    for decision in sample.decisions:
        uow.decisions.add(decision)
    for reservation in sample.reservations:
        uow.reservations.add(reservation)
    for absence in sample.absences:
        uow.absences.add(absence)


def _supersede(store: Storage, sample: SampleKindergarten) -> None:
    """Enter the late decisions: new records that supersede locked ones."""
    with store.unit_of_work() as uow:
        for decision in sample.late_decisions:
            uow.decisions.add(decision)
        uow.commit()


# --------------------------------------------------------------------------- output folder


def _prepare(out: Path) -> None:
    """Make ``out`` ready: create it, or clear what an earlier demo run wrote there."""
    if out.exists() and not out.is_dir():
        raise ConfigurationError(
            "demo.out_not_a_folder",
            sl=f"Izhodna pot ni mapa: {out}",
            en=f"The output path is not a folder: {out}",
            where="out",
        )
    out.mkdir(parents=True, exist_ok=True)
    entries = sorted(p.name for p in out.iterdir())
    ours = {DATABASE_NAME, SUMMARY_NAME}
    if entries and not ours.intersection(entries):
        raise ConfigurationError(
            "demo.out_not_empty",
            sl=f"Izhodna mapa ni prazna in ni mapa prejšnjega prikaza: {out}",
            en=f"The output folder is not empty and not an earlier demo's folder: {out}",
            where="out",
        )
    for name in entries:
        path = out / name
        if name in ours or name.startswith(DATABASE_NAME + "-"):
            path.unlink()
        elif path.is_dir() and (_MONTH_DIR.fullmatch(name) or name in _OTHER_IDS):
            shutil.rmtree(path)


# --------------------------------------------------------------------------- one month


REGISTRATION_NUMBER: Final = "5012341"
"""The sample kindergarten's registration number (synthetic, with a valid check digit)."""


SENDER: Final = "racuni@vrtec.example"
"""The sample kindergarten's e-mail address: the From of its invoice e-mails (``.example``
is a domain reserved for examples, so no real mailbox is named)."""


def organisation(kindergarten: Kindergarten) -> Organisation:
    """The sample kindergarten as the :class:`~szo_core.model.Organisation` record the demo stores.

    >>> from szo_core.demo.sample import generate
    >>> org = organisation(generate(children=3).kindergarten)
    >>> org.budget_user, org.account.bic, org.debit_day
    (True, 'BSLJSI2X', 18)
    """
    return Organisation(
        id=kindergarten.id,
        kind=OrganisationKind.KINDERGARTEN,
        name=kindergarten.name,
        address=kindergarten.address,
        tax_number=kindergarten.tax_number,
        registration_number=REGISTRATION_NUMBER,
        accounts=(
            BankAccount(
                iban=kindergarten.iban,
                bic=kindergarten.bic,
                bank="Uprava Republike Slovenije za javna plačila",
            ),
        ),
        creditor_id=kindergarten.creditor_id,
        budget_user=True,
        host_municipality=kindergarten.host_municipality,
        email=SENDER,
    )


_KINDERGARTEN_KINDS = (
    PayerKind.PARENTS,
    PayerKind.STATE,
    PayerKind.MUNICIPALITY,
    PayerKind.OTHER_MUNICIPALITY,
)
_CARE_HOME_KINDS = (
    PayerKind.RESIDENT,
    PayerKind.RELATIVE,
    PayerKind.MUNICIPALITY,
    PayerKind.OTHER_MUNICIPALITY,
    PayerKind.CARE_FUND,
)


def _by_kind(
    pairs: Iterable[tuple[PayerKind, Decimal]], *, care_home: bool = False
) -> tuple[tuple[PayerKind, Decimal], ...]:
    """The sum per kind of payer: the organisation's kinds always, in enum order."""
    sums = dict.fromkeys(_CARE_HOME_KINDS if care_home else _KINDERGARTEN_KINDS, _ZERO)
    for kind, amount in pairs:
        sums[kind] = sums.get(kind, _ZERO) + amount
    return tuple(sums.items())


def _totals(items: Iterable[pay.PaymentInstruction]) -> PaymentTotals:
    found = list(items)
    return PaymentTotals(count=len(found), amount=sum((i.amount for i in found), _ZERO))


def _bill_month(
    out: Path,
    store: BillingStorage,
    sample: SampleKindergarten,
    month: Month,
    progress: DemoProgress | None,
) -> MonthSummary:
    calendar = sample.rules.calendar
    issued = _issue_date(calendar, month)
    done = bill_to_folder(
        store,
        sample.kindergarten.id,
        month,
        out,
        issued_on=issued,
        close=True,
        progress=progress,
        rules=sample.rules,
        zero_invoices=ZeroInvoices.UNNUMBERED,
        message_id=f"SZO-DEMO-{month.year:04d}{month.month:02d}",
    )
    report, delivered = _deliver(store, sample, done)
    summary = _summary(out, done)
    files = sorted({*summary.files, *(p.relative_to(out).as_posix() for p in delivered)})
    undelivered = len(report.undelivered)
    return attrs.evolve(
        summary,
        printed=len(report.printed),
        emailed=len(report.emailed) + len(report.already_emailed),
        e_invoices=len(report.e_invoices) + len(report.already_e_invoices),
        delivery_problems=undelivered,
        files=tuple(files),
    )


def _deliver(
    store: BillingStorage, sample: SampleKindergarten, done: FolderResult
) -> tuple[DeliveryReport, list[Path]]:
    """Deliver the month's invoices (print PDF, e-mail into ``.eml`` files, e-invoices)."""
    from szo_core.adapters.files import FileMailSender
    from szo_core.adapters.memory import ManualClock
    from szo_core.invoices.delivery import deliver
    from szo_core.outbox.dispatch import Dispatcher

    record = organisation(sample.kindergarten)
    now = datetime.combine(done.issued_on, time(8, 0), tzinfo=ZoneInfo("Europe/Ljubljana"))
    report = deliver(
        done.documents,
        store=cast("Storage", store),
        organisation_id=record.id,
        sender=record.email,
        sender_name=record.name,
        folder=done.folder,
        now=now,
    )
    clock = ManualClock(now)
    mail = FileMailSender(done.folder / "mail", clock=clock, names="message-id")
    dispatcher = Dispatcher(
        cast("Storage", store), clock=clock, mail=mail, organisation_id=record.id
    )
    while dispatcher.run_once().claimed:
        pass
    delivered = [p for p in done.folder.rglob("*") if p.is_file() and p not in done.files]
    return report, sorted(delivered)


def _summary(out: Path, done: FolderResult, *, care_home: bool = False) -> MonthSummary:
    result = done.result
    built = done.instructions
    held = {n for p in built.problems for n in p.invoice_numbers}
    zero = [d for d in result.invoices if d.payer.is_own and d.amount == 0 and d.number is None]
    credit_notes = result.credit_notes
    claim = result.claim
    return MonthSummary(
        month=result.run.month,
        children_billed=sum(1 for s in result.statements if s.days_enrolled > 0),
        invoices=len(result.invoices),
        invoiced=_by_kind(((d.payer, d.amount) for d in result.documents), care_home=care_home),
        corrections=len(result.corrections),
        corrected=_by_kind(((c.payer, c.amount) for c in result.corrections), care_home=care_home),
        credit_notes=PaymentTotals(
            count=len(credit_notes), amount=sum((d.amount for d in credit_notes), _ZERO)
        ),
        municipal_invoices=sum(
            1
            for d in result.documents
            if d.kind is DocumentKind.INVOICE and d.child_code is None and d.number is not None
        ),
        claim=PaymentTotals()
        if claim is None
        else PaymentTotals(count=len(claim.entries), amount=claim.amount),
        slips=_totals(done.slips),
        direct_debits=_totals(done.debits),
        nothing_to_pay=len(zero),
        held_back=PaymentTotals(
            count=len(held),
            amount=sum(
                (d.amount for d in result.invoices if d.number in held and d.is_payable), _ZERO
            ),
        ),
        files=tuple(sorted(p.relative_to(out).as_posix() for p in done.files)),
    )


# --------------------------------------------------------------------------- the use case


_OTHER_IDS: Final = frozenset({"os-soncek", "dom-lipa"})
"""The folders of the demo's school and care home (cleared like the month folders)."""


def _bill_others(
    out: Path, store: SqlBillingStore, sample: SampleKindergarten, seed: int
) -> tuple[OrganisationSummary, ...]:
    """Bill the school and the care home through ``bill_to_folder``, as ``szo bill`` does."""
    from szo_core.demo.others import generate_others

    first, second = sample.months
    calendar = sample.rules.calendar
    summaries = []
    for other in generate_others(first, seed):
        org = other.organisation.id
        with store.unit_of_work() as uow:
            other.store(uow)
            uow.commit()
        months = []
        for month in (first, second):
            if month == second:  # records that arrive after the first month was closed
                with store.unit_of_work() as uow:
                    other.store_late(uow)
                    uow.commit()
            done = bill_to_folder(
                store,
                org,
                month,
                out / org,
                issued_on=_issue_date(calendar, month),
                close=True,
                zero_invoices=ZeroInvoices.UNNUMBERED,
                message_id=f"SZO-DEMO-{org.upper()}-{month.year:04d}{month.month:02d}",
            )
            summary = _summary(
                out, done, care_home=other.organisation.kind is OrganisationKind.CARE_HOME
            )
            months.append(attrs.evolve(summary, children_billed=len(done.result.statements)))
        summaries.append(
            OrganisationSummary(
                id=org,
                kind=str(other.organisation.kind),
                people=len(other.people),
                months=tuple(months),
            )
        )
    return tuple(summaries)


def _bill_and_write(
    out: Path,
    store: SqlBillingStore,
    sample: SampleKindergarten,
    progress: DemoProgress | None,
) -> list[MonthSummary]:
    _store_records(store, sample)
    first, second = sample.months
    months = [_bill_month(out, store, sample, first, progress)]
    # After the first month is closed its decisions are locked: a correction is a new
    # decision that supersedes the old one, and the next run bills the difference.
    _supersede(store, sample)
    months.append(_bill_month(out, store, sample, second, progress))
    return months


def run_demo(
    out: Path,
    *,
    first_month: Month = DEFAULT_FIRST_MONTH,
    children: int = DEFAULT_CHILDREN,
    seed: int = DEFAULT_SEED,
    progress: DemoProgress | None = None,
) -> DemoSummary:
    """Build the sample kindergarten, bill two months and write every file into ``out``.

    Args:
        out: The output folder; created if missing.  If it exists it must be
            empty or an earlier demo's folder, whose files are replaced.
        first_month: The first billed month; the second is the month after.
        children: How many children the sample kindergarten has.
        seed: The seed of the sample.
        progress: Called as ``progress(stage, done, total)``.

    Returns:
        The summary (also written to ``summary.json``).

    Raises:
        szo_core.errors.ConfigurationError: ``demo.out_not_empty`` for a folder
            with other files, ``demo.out_not_a_folder``, ``demo.children``.

    See the module example.
    """
    sample = generate(first_month=first_month, children=children, seed=seed)
    _prepare(out)
    store = _open_store(out / DATABASE_NAME)
    try:
        months = _bill_and_write(out, store, sample, progress)
        others = _bill_others(out, store, sample, seed)
    finally:
        store.dispose()
    other_files = (f for o in others for m in o.months for f in m.files)
    files = sorted(
        {*(f for m in months for f in m.files), *other_files, DATABASE_NAME, SUMMARY_NAME}
    )
    summary = DemoSummary(
        seed=seed,
        children=len(sample.children),
        database=DATABASE_NAME,
        months=tuple(months),
        files=tuple(files),
        organisations=others,
    )
    text = json.dumps(summary.to_document(), ensure_ascii=False, indent=2)
    write_bytes(out / SUMMARY_NAME, (text + "\n").encode())
    return summary
