"""``szo bill``: run the month's billing on a user's own database.

``szo bill --db URL --month YYYY-MM --out DIR`` opens the database (a SQLite
file path or a ``postgresql://`` URL), brings its schema up to date, bills the
month with :func:`szo_core.billing.run_billing` while showing a progress bar,
and writes into DIR:

* ``statements-YYYY-MM.json``: the run, every document (invoices, credit
  notes, the state's claim) with its lines and lists, every fee statement with
  formulas, and the corrections;
* ``statements-YYYY-MM.csv``: one row per document line for the accountant
  (UTF-8 with BOM, ``;`` separator, decimal comma; see :mod:`szo_core.billing.export`);
* ``lists-YYYY-MM.csv``: the municipalities' lists of children and the state's
  claim, one row per child and month.

The files are written first, into a staging folder beside them, then the run
is committed, then they are moved into place (:mod:`szo_core.billing.files`):
a kill at any point leaves either no run and no new files, or a stored run
whose staged files the next ``szo bill`` call into the same DIR moves into
place (it says so).

``--close`` also closes the month (locks the decisions and prices it used), in
the same transaction.  The organisation is the only one in the database unless
``--org`` names it; the host municipality is the one that pays for most of the
month's children unless ``--host-municipality`` gives it.

Exit status: 0 done; 1 the billing failed (nothing was stored), or the files
could not be moved into place (the run is stored; the next call finishes); 2 a usage
problem (missing database, not a szo_core database, invalid month, nothing to
bill); 3 the month is already closed or another run is in progress.  Messages
are Slovenian unless ``--lang en`` (or ``SZO_LANG=en``).

Only click is imported with this module; the rest when the command runs.

>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(bill, ["--db", "/nonexistent/szo.db", "--month", "2026-09",
...                                    "--out", "out", "--lang", "en"])
>>> result.exit_code
2
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import click

from szo_core.cli._common import EXIT_USAGE, lang_option, plural_sl
from szo_core.cli._common import fail as _fail
from szo_core.cli._common import parse_month as _month
from szo_core.cli._common import tr as _t

if TYPE_CHECKING:
    from szo_core.adapters.sql.billing import SqlBillingStore
    from szo_core.billing.folder import FolderResult
    from szo_core.calendar import Month
    from szo_core.errors import Language

__all__ = ["EXIT_BILLING_FAILED", "EXIT_CONFLICT", "EXIT_USAGE", "bill"]

EXIT_BILLING_FAILED = 1
"""The billing failed; nothing was stored."""
EXIT_CONFLICT = 3
"""The month is already closed, or another billing run is in progress."""


def _issued_on(text: str | None, lang: Language) -> date:
    if text is None:
        # The command line is an edge, not an engine: it may read today's date.
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(
            lang,
            EXIT_USAGE,
            f"Neveljaven datum izdaje »{text}« (pričakovan LLLL-MM-DD).",
            f"Invalid issue date '{text}' (expected YYYY-MM-DD).",
        )


_SQLITE_HEADER = b"SQLite format 3\x00"


def _open(db: str, lang: Language) -> SqlBillingStore:
    from sqlalchemy.exc import SQLAlchemyError

    from szo_core.adapters.sql import current_revision, database_url, migrate
    from szo_core.adapters.sql.billing import SqlBillingStore
    from szo_core.adapters.sql.engine import is_memory_sqlite
    from szo_core.errors import SzoError

    try:
        url = database_url(db)
    except SzoError as exc:
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    if url.get_backend_name() == "sqlite":
        if is_memory_sqlite(url):
            _fail(
                lang,
                EXIT_USAGE,
                "Baza v pomnilniku je prazna; podajte pot do datoteke ali naslov PostgreSQL.",
                "An in-memory database is empty; give a file path or a PostgreSQL URL.",
            )
        path = Path(str(url.database))
        if not path.is_file():
            _fail(
                lang,
                EXIT_USAGE,
                f"Baza ne obstaja: {url.database}",
                f"No such database: {url.database}",
            )
        # Look before opening: SQLite would turn an empty or foreign file into a database.
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER:
            _fail(
                lang,
                EXIT_USAGE,
                f"Datoteka ni baza SQLite (je prazna ali kaj drugega): {url.database}",
                f"The file is not a SQLite database (it is empty or something else): "
                f"{url.database}",
            )
    store = SqlBillingStore.open(url, migrate=False)
    try:
        revision = current_revision(store.engine)
    except SzoError as exc:
        store.dispose()
        _fail(lang, EXIT_USAGE, exc.message("sl"), exc.message("en"))
    except SQLAlchemyError:
        store.dispose()
        _fail(
            lang,
            EXIT_USAGE,
            "Z bazo se ni mogoče povezati (ne obstaja ali ni dostopna).",
            "Cannot connect to the database (it does not exist or is not reachable).",
        )
    if revision is None:
        store.dispose()
        _fail(
            lang,
            EXIT_USAGE,
            "V bazi ni tabel szo_core.",
            "The database has no szo_core tables.",
        )
    try:
        migrate(store.engine)
    except SzoError as exc:
        store.dispose()
        _fail(lang, EXIT_BILLING_FAILED, exc.message("sl"), exc.message("en"))
    return store


def _organisation(  # noqa: RET503 - _fail never returns
    store: SqlBillingStore, given: str | None, lang: Language
) -> str:
    found = store.organisations()
    if given is not None:
        if given not in found:
            _fail(
                lang,
                EXIT_USAGE,
                f"Organizacije {given} v bazi ni (v bazi: {', '.join(found) or 'nobene'}).",
                f"There is no organisation {given} in the database "
                f"(it holds: {', '.join(found) or 'none'}).",
            )
        return given
    if len(found) == 1:
        return found[0]
    if not found:
        _fail(lang, EXIT_USAGE, "V bazi ni nobenega otroka.", "The database holds no children.")
    names = ", ".join(found)
    _fail(
        lang,
        EXIT_USAGE,
        f"V bazi je več organizacij ({names}); izberite eno z --org.",
        f"The database holds several organisations ({names}); choose one with --org.",
    )


@click.command("bill")
@click.option("--db", required=True, metavar="URL", help="A SQLite file or a PostgreSQL URL.")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM", help="Month to bill.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder; the month's files go to its YYYY-MM folder (created if missing).",
)
@click.option("--org", "organisation", metavar="ID", help="Organisation (if the DB has several).")
@click.option("--host-municipality", type=int, metavar="CODE", help="Host municipality code.")
@click.option(
    "--reference",
    type=click.Choice(["SI12", "RF"], case_sensitive=False),
    help="Payment reference model of the invoices (default: the organisation's, else SI12).",
)
@click.option(
    "--pain-version",
    type=click.Choice(["02", "08", "pain.008.001.02", "pain.008.001.08"]),
    help="pain.008 version of the SEPA file (default: 02 for a UJP budget user, else 08).",
)
@click.option(
    "--allow-gap",
    is_flag=True,
    help="Bill the month although an earlier month has not been billed.",
)
@click.option("--issued-on", metavar="YYYY-MM-DD", help="Issue date (default: today).")
@click.option("--close", is_flag=True, help="Close the month after billing it.")
@click.option(
    "--deliver",
    is_flag=True,
    help="Also deliver the invoices as each payer chose: print-YYYY-MM.pdf, the e-mail outbox "
    "(PDF attached; `szo outbox run` sends), e-invoices in YYYY-MM/e-invoices/.",
)
@click.option(
    "--sender",
    metavar="ADDRESS",
    help="From address of the invoice e-mails (default: the organisation's e-mail).",
)
@click.option(
    "--all",
    "all_organisations",
    is_flag=True,
    help="Queue one job per organisation for `szo worker` (PostgreSQL, the jobs extra).",
)
@lang_option("Language of the messages and of the CSV header.")
def bill(
    db: str,
    month_text: str,
    out: Path,
    organisation: str | None,
    host_municipality: int | None,
    reference: str | None,
    pain_version: str | None,
    allow_gap: bool,
    issued_on: str | None,
    close: bool,
    lang: Language,
    all_organisations: bool = False,
    deliver: bool = False,
    sender: str | None = None,
) -> None:
    """Bill one month and write its statements, UPN QR slips and SEPA file to --out/YYYY-MM.

    Exit status: 0 done, 1 billing failed, 2 usage error (a gap too), 3 month closed or busy.
    """
    month = _month(month_text, lang)
    issue_date = _issued_on(issued_on, lang)
    if all_organisations:  # many organisations on workers: szo_core.cli.worker
        from szo_core.cli.worker import bill_all

        if organisation is not None:
            _fail(lang, EXIT_USAGE, "--all in --org se izključujeta.", "--all excludes --org.")
        if deliver:
            _fail(
                lang,
                EXIT_USAGE,
                "--deliver deluje za eno organizacijo (brez --all).",
                "--deliver works for one organisation (not with --all).",
            )
        bill_all(
            db,
            month,
            out,
            issued_on=issue_date,
            close=close,
            reference=reference,
            host_municipality=host_municipality,
            lang=lang,
        )
        return
    version = None if pain_version is None else "pain.008.001." + pain_version[-2:]
    store = _open(db, lang)
    try:
        _bill(
            store,
            month,
            out,
            _Options(
                organisation=organisation,
                host_municipality=host_municipality,
                reference=reference,
                pain_version=version,
                allow_gap=allow_gap,
                issued_on=issue_date,
                close=close,
                deliver=deliver,
                sender=sender,
            ),
            lang,
        )
    finally:
        store.dispose()


@attrs.frozen(kw_only=True)
class _Options:
    organisation: str | None
    host_municipality: int | None
    reference: str | None
    pain_version: str | None
    allow_gap: bool
    issued_on: date
    close: bool
    deliver: bool = False
    sender: str | None = None


def _repair(store: SqlBillingStore, out: Path, org: str, lang: Language) -> dict[Month, list[Path]]:
    """Finish what an interrupted call left in ``out``; return the files moved, by month."""
    from szo_core.billing.files import repair

    try:
        done = repair(out, store, org)
    except OSError as exc:
        _fail(
            lang,
            EXIT_BILLING_FAILED,
            f"Datotek prejšnjega obračuna ni mogoče premakniti v {out} ({type(exc).__name__}).",
            f"Cannot move the files of an earlier run into {out} ({type(exc).__name__}).",
        )
    published = {r.month: list(r.files) for r in done if r.published}
    for month in published:
        click.echo(
            _t(
                lang,
                f"Datoteke obračuna {month} so zdaj na mestu (prejšnji klic je bil prekinjen).",
                f"The files of the {month} run are now in place (an earlier call was interrupted).",
            ),
            err=True,
        )
    return published


_USAGE_CODES = frozenset({"billing.gap", "billing.nothing_to_bill", "billing.host_municipality"})


def _bill(
    store: SqlBillingStore,
    month: Month,
    out: Path,
    options: _Options,
    lang: Language,
) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from szo_core.billing.folder import bill_to_folder
    from szo_core.errors import BillingConflict, DeliveryError, SzoError
    from szo_core.model import ReferenceScheme
    from szo_core.payments.sepa import Pain008Version

    org = _organisation(store, options.organisation, lang)
    repaired = _repair(store, out, org, lang)
    try:
        with store.unit_of_work() as uow:
            existing = uow.billing.find_run(org, month)
    except SzoError as exc:
        _fail(lang, EXIT_BILLING_FAILED, exc.message("sl"), exc.message("en"))
    if month in repaired and existing is not None and existing.is_closed:
        for path in repaired[month]:
            click.echo(str(path))
        return  # the closed run's files were what was missing
    console = Console(stderr=True)
    labels = {
        f"billing {month}": _t(lang, f"Obračun {month}", f"Billing {month}"),
        f"payments {month}": _t(lang, f"Plačila {month}", f"Payments {month}"),
    }
    tasks: dict[str, TaskID] = {}
    scheme = None if options.reference is None else ReferenceScheme(options.reference.upper())
    version: Pain008Version | None = None
    if options.pain_version == "pain.008.001.02":
        version = "pain.008.001.02"
    elif options.pain_version == "pain.008.001.08":
        version = "pain.008.001.08"
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
        ) as bar:

            def progress(stage: str, done: int, total: int) -> None:
                if stage.startswith("staged "):
                    return  # a signal (the run commits next), not a bar
                task = tasks.get(stage)
                if task is None:
                    task = tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
                bar.update(task, completed=done, total=total)

            done = bill_to_folder(
                store,
                org,
                month,
                out,
                issued_on=options.issued_on,
                close=options.close,
                lang=lang,
                pain_version=version,
                progress=progress,
                allow_gap=options.allow_gap,
                host_municipality=options.host_municipality,
                reference_scheme=scheme,
            )
    except BillingConflict as exc:
        _fail(lang, EXIT_CONFLICT, exc.message("sl"), exc.message("en"))
    except DeliveryError as exc:
        _fail(
            lang,
            EXIT_BILLING_FAILED,
            f"Datotek ni mogoče zapisati v {out} ({exc.code}); obračun ni shranjen.",
            f"Cannot write the files to {out} ({exc.code}); the run was not stored.",
        )
    except SzoError as exc:
        code = EXIT_USAGE if exc.code in _USAGE_CODES else EXIT_BILLING_FAILED
        if exc.code == "billing.gap":
            _fail(
                lang,
                code,
                exc.message("sl") + " Možnost: --allow-gap.",
                exc.message("en") + " Option: --allow-gap.",
            )
        _fail(lang, code, exc.message("sl"), exc.message("en"))
    except OSError as exc:
        why = type(exc).__name__
        with store.unit_of_work() as uow:
            stored = uow.billing.find_run(org, month)
        if stored is None or stored == existing:
            _fail(
                lang,
                EXIT_BILLING_FAILED,
                f"Datotek ni mogoče zapisati v {out} ({why}); obračun ni shranjen.",
                f"Cannot write the files to {out} ({why}); the run was not stored.",
            )
        _fail(
            lang,
            EXIT_BILLING_FAILED,
            f"Obračun je shranjen, datotek pa ni mogoče premakniti v {out} "
            f"({why}); ponovite ukaz, da jih premakne.",
            f"The run is stored but its files cannot be moved into {out} "
            f"({why}); run the command again to move them.",
        )
    if done.payments_missing is not None:
        missing = done.payments_missing
        click.echo(
            f"{_t(lang, 'OPOZORILO', 'WARNING')}: {_t(lang, missing.sl, missing.en)}", err=True
        )
    result = done.result
    total = f"{result.total:.2f}"
    count = len(result.invoices)
    credits = len(result.credit_notes)
    racuni = plural_sl(count, "račun", "računa", "računi", "računov")
    dobropisi = plural_sl(credits, "dobropis", "dobropisa", "dobropisi", "dobropisov")
    slips, debits = len(done.slips), len(done.debits)
    click.echo(
        _t(
            lang,
            f"Obračun {month}: {count} {racuni}, {credits} {dobropisi}, "
            f"skupaj {total.replace('.', ',')} EUR"
            f"{', zaključen' if options.close else ''}; "
            f"položnic UPN: {slips}, direktnih obremenitev: {debits}.",
            f"Billed {month}: {count} invoices, {credits} credit notes, total {total} EUR"
            f"{', closed' if options.close else ''}; UPN slips: {slips}, direct debits: {debits}.",
        )
    )
    for path in done.files:
        click.echo(str(path))
    if options.deliver:
        _deliver(store, org, done, options, lang)


def _deliver(
    store: SqlBillingStore, org: str, done: FolderResult, options: _Options, lang: Language
) -> None:
    """``--deliver``: the invoices to print, to the e-mail outbox, to the e-invoice folder."""
    from szo_core.adapters.clock import SystemClock
    from szo_core.errors import SzoError
    from szo_core.invoices.delivery import deliver

    with store.unit_of_work() as uow:
        record = uow.organisations.find(org)
    if record is None:
        _fail(
            lang,
            EXIT_BILLING_FAILED,
            "Za dostavo računov manjka zapis organizacije (szo import organisation).",
            "Delivering invoices needs the organisation record (szo import organisation).",
        )
    sender = options.sender or record.email
    if not sender:
        _fail(
            lang,
            EXIT_USAGE,
            "Organizacija nima e-poštnega naslova za pošiljanje računov; podajte --sender.",
            "The organisation has no e-mail address to send invoices from; give --sender.",
        )
    try:
        report = deliver(
            done.documents,
            store=store,
            organisation_id=org,
            sender=sender,
            sender_name=record.name,
            folder=done.folder,
            now=SystemClock().now(),
            language=lang,
        )
    except SzoError as exc:
        _fail(lang, EXIT_BILLING_FAILED, exc.message("sl"), exc.message("en"))
    except OSError as exc:
        _fail(
            lang,
            EXIT_BILLING_FAILED,
            f"Računov ni mogoče zapisati v {done.folder} ({type(exc).__name__}); "
            "ponovite ukaz (nič ni poslano dvakrat).",
            f"Cannot write the invoices to {done.folder} ({type(exc).__name__}); "
            "run the command again (nothing is sent twice).",
        )
    mails = len(report.emailed)
    click.echo(
        _t(
            lang,
            f"Dostava: za tisk {len(report.printed)}, v čakalno vrsto e-pošte {mails} "
            f"(že prej {len(report.already_emailed)}), e-računov {len(report.e_invoices)} "
            f"(že prej {len(report.already_e_invoices)}), težav {len(report.problems)}.",
            f"Delivery: to print {len(report.printed)}, queued for e-mail {mails} "
            f"(earlier {len(report.already_emailed)}), e-invoices {len(report.e_invoices)} "
            f"(earlier {len(report.already_e_invoices)}), problems {len(report.problems)}.",
        )
    )
    if report.print_file is not None:
        click.echo(str(report.print_file))
    for problem in report.problems:
        click.echo(f"{_t(lang, 'OPOZORILO', 'WARNING')}: {problem.message(lang)}", err=True)
    if mails:
        click.echo(
            _t(
                lang,
                "E-pošta čaka v čakalni vrsti; pošlje jo `szo outbox run`.",
                "The e-mails wait in the outbox; `szo outbox run` sends them.",
            ),
            err=True,
        )
