"""Bill one month of one organisation and write every file into a month folder.

:func:`bill_to_folder` is the one code path behind ``szo bill``, ``szo demo``
and any job queue that bills an (organisation, month).  Into
``out/<YYYY-MM>/`` it writes

* ``statements-YYYY-MM.json`` and ``.csv``, ``lists-YYYY-MM.csv``
  (:mod:`szo_core.billing.export`; the CSV carries the child's and payer's
  names, the payment method and the due date);
* ``payments.json``: the payment instructions (merged per payment group), and
  the invoices held back with why;
* ``upn/<id>.txt`` and ``upn/<id>.png``: the UPN QR payload and its symbol for
  every slip instruction (a merged payment group is one slip);
* ``sepa-YYYY-MM.xml``: the pain.008 for the direct-debit instructions
  (``pain.008.001.02`` for a UJP budget user unless told otherwise, else
  ``.08``).

The payment files need the :class:`~szo_core.model.Organisation` record (its
account, name, address, creditor id).  A database without it (written before
the record existed) still gets its statements, and the result's
:attr:`FolderResult.payments_missing` says, in both languages, that the
payment files need the record.

Every file is staged before the run is committed and moved into place after
it (:mod:`szo_core.billing.files`); a kill at any point is repaired by the
next call into the same ``out``.  Dates are the caller's: ``issued_on``; the
due and collection date is the organisation's debit day of the month after
the billed one, moved to a Slovenian working day that is a TARGET day (and to
the next month when that day is not after ``issued_on``).

Before billing, the month must follow the organisation's last billed month:
a month after an unbilled one (a gap) is refused with ``billing.gap`` unless
``allow_gap=True``.  The gap month can still be billed afterwards.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from szo_core.billing import files as _files
from szo_core.billing.export import (
    DocumentDetails,
    _csv_bytes,
    json_bytes,
    list_rows,
    statement_rows,
)
from szo_core.billing.files import Repaired, StagedFiles
from szo_core.billing.payable import payable_invoices
from szo_core.billing.ports import BillingStorage
from szo_core.billing.records import BillingOrganisation, BillingResult, ZeroInvoices
from szo_core.billing.run import run_billing
from szo_core.calendar import Month, WorkingCalendar
from szo_core.errors import BillingError, Language, SzoError
from szo_core.fees import FeeRules, PayerKind
from szo_core.model import (
    InvoiceSeries,
    Organisation,
    OrganisationKind,
    PaymentKind,
    ReferenceScheme,
)
from szo_core.payments import instructions as pay
from szo_core.ports import MonthData
from szo_core.receivables.ledger import slip_fallback
from szo_core.receivables.records import MandateFlag

if TYPE_CHECKING:
    from szo_core.invoices.record import InvoiceDocument
    from szo_core.payments.sepa import Pain008Version
    from szo_core.payments.upn import UpnOrder

__all__ = [
    "FolderProgress",
    "FolderResult",
    "bill_to_folder",
    "due_date",
    "host_municipality",
]

FolderProgress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stages ``"billing YYYY-MM"``, ``"payments YYYY-MM"``
(with an organisation record), then ``"staged YYYY-MM"`` (0 of 1, then 1 of 1 when
every file is staged and the run is about to commit)."""

_ZERO: Final = Decimal("0.00")


@attrs.frozen(kw_only=True)
class FolderResult:
    """What :func:`bill_to_folder` billed and wrote.

    Attributes:
        result: The billing run's result (documents, statements, corrections).
        folder: The month folder, ``out/<YYYY-MM>``.
        files: The files in place, sorted.
        issued_on: The documents' issue date.
        due_on: The due date of slips and the collection date of debits.
        instructions: The payment instructions and the invoices held back
            (empty without an organisation record).
        pain_version: The pain.008 version written, or None (no debits).
        payments_missing: Why no payment files were written (no organisation
            record), or None.
        repaired: What the call finished of an interrupted earlier call.
        documents: The parents' invoice documents (invoices and credit notes,
            with their slip or debit) for the PDF, e-SLOG and delivery steps
            (:mod:`szo_core.invoices`); empty without an organisation record.
    """

    result: BillingResult
    folder: Path
    files: tuple[Path, ...]
    issued_on: date
    due_on: date
    instructions: pay.InstructionResult
    pain_version: Pain008Version | None = None
    payments_missing: BillingError | None = None
    repaired: tuple[Repaired, ...] = ()
    documents: tuple[InvoiceDocument, ...] = ()

    @property
    def slips(self) -> tuple[pay.PaymentInstruction, ...]:
        """The instructions paid with a UPN slip."""
        return tuple(i for i in self.instructions.instructions if i.method is PaymentKind.UPN)

    @property
    def debits(self) -> tuple[pay.PaymentInstruction, ...]:
        """The instructions collected by SEPA direct debit."""
        return tuple(
            i for i in self.instructions.instructions if i.method is PaymentKind.DIRECT_DEBIT
        )


# --------------------------------------------------------------------------- dates


def due_date(debit_day: int, month: Month, issued_on: date, calendar: WorkingCalendar) -> date:
    """The due date of ``month``'s slips and debits (see the module docs).

    >>> from szo_core.calendar import default_calendar
    >>> due_date(18, Month(2026, 9), date(2026, 10, 5), default_calendar())
    datetime.date(2026, 10, 19)
    >>> due_date(18, Month(2026, 9), date(2026, 11, 2), default_calendar())  # billed late
    datetime.date(2026, 11, 18)
    """
    from szo_core.payments.sepa import is_target_day

    target = month.next()
    while True:
        day = target.first.replace(day=debit_day)
        for candidate in calendar.working_dates(day, target.next().last):
            if is_target_day(candidate):
                day = candidate
                break
        if day > issued_on:
            return day
        target = target.next()


def host_municipality(data: MonthData) -> int | None:
    """The municipality that pays for most of the month's children (ties: the lowest code).

    >>> host_municipality(MonthData(organisation_id="o", month=Month(2026, 9))) is None
    True
    """
    counts: Counter[int] = Counter()
    for child_month in data.children.values():
        child = child_month.child
        regresor = data.regresors.get(child.regresor_id or "")
        code = regresor.municipality_code if regresor is not None else child.municipality_code
        if code is not None:
            counts[code] += 1
    if not counts:
        return None
    return min(counts, key=lambda code: (-counts[code], code))


# --------------------------------------------------------------------------- checks


def _error(code: str, sl: str, en: str, where: str) -> BillingError:
    return BillingError(code, sl=sl, en=en, where=where)


def _label(month: Month) -> str:
    return f"{month.month:02d}/{month.year}"


def _check_gap(store: BillingStorage, organisation_id: str, month: Month, allow_gap: bool) -> None:
    """Refuse ``month`` after an unbilled month that follows a billed one (``billing.gap``).

    The first run of an organisation is never a gap: the months before it were
    billed elsewhere (the system szo_core replaces) or not at all.
    """
    if allow_gap:
        return
    with store.unit_of_work() as uow:
        runs = uow.billing.runs(organisation_id)
    if any(r.month == month for r in runs):
        return
    earlier = [r.month for r in runs if r.month < month]
    if not earlier:
        return
    first_missing = max(earlier).next()
    if first_missing == month:
        return
    raise _error(
        "billing.gap",
        sl=(
            f"Mesec {_label(first_missing)} še ni obračunan; najprej obračunajte njega "
            f"(ali dovolite vrzel, če {_label(month)} res obračunavate pred njim)."
        ),
        en=(
            f"{first_missing} has not been billed yet; bill it first (or allow the gap "
            f"if you really bill {month} before it)."
        ),
        where=f"billing {organisation_id}/{month}",
    )


def _no_organisation(organisation_id: str) -> BillingError:
    return _error(
        "billing.no_organisation",
        sl=(
            "V bazi ni zapisa organizacije, zato položnic UPN in datoteke SEPA ni; "
            "za plačilne datoteke dodajte zapis organizacije (TRR, naziv, naslov, "
            "identifikacija prejemnika)."
        ),
        en=(
            "The database has no organisation record, so no UPN slips and no SEPA file "
            "were written; payment files need the organisation record (account, name, "
            "address, creditor id)."
        ),
        where=f"organisation {organisation_id}",
    )


# --------------------------------------------------------------------------- payment files


def _payer_names(data: MonthData) -> dict[int, str]:
    """The paying person's name by child code (as :func:`payable_invoices` resolves it)."""
    names: dict[int, str] = {}
    for code, child_month in data.children.items():
        child = child_month.child
        payer = child.payer
        guardian_id = None
        if payer is None:
            guardian_id = child.guardians[0].guardian_id if child.guardians else None
        elif payer.guardian_id is not None:
            guardian_id = payer.guardian_id
        elif payer.party is not None:
            names[code] = payer.party.name
            continue
        guardian = data.guardians.get(guardian_id or "")
        names[code] = guardian.full_name if guardian is not None else child.full_name
    return names


def _details(
    result: BillingResult, data: MonthData, built: pay.InstructionResult, due_on: date
) -> dict[int, DocumentDetails]:
    method = {n: str(i.method) for i in built.instructions for n in i.invoice_numbers}
    method.update({n: "held_back" for p in built.problems for n in p.invoice_numbers})
    payers = _payer_names(data)
    out: dict[int, DocumentDetails] = {}
    for document in result.documents:
        code = document.child_code
        child_month = data.children.get(code) if code is not None else None
        if document.payer is PayerKind.RELATIVE:  # their own name, not the resident's payer
            relative = data.guardians.get(document.payer_id.removeprefix("relative:"))
            payer_name = relative.full_name if relative is not None else ""
        elif document.payer.is_own:
            payer_name = payers.get(code, "") if code is not None else ""
        else:
            regresor = data.regresors.get(document.payer_id)
            payer_name = regresor.name if regresor is not None else ""
        payable = document.is_payable
        out[document.position] = DocumentDetails(
            child_name="" if child_month is None else child_month.child.full_name,
            payer_name=payer_name,
            payment=method.get(document.number or "", "") if payable else "",
            due_on=due_on if payable else None,
        )
    return out


def _instruction_document(instruction: pay.PaymentInstruction) -> dict[str, object]:
    return {
        "id": instruction.instruction_id,
        "method": str(instruction.method),
        "payer_id": instruction.payer_id,
        "amount": str(instruction.amount),
        "reference": instruction.reference,
        "group_id": instruction.group_id,
        "invoices": list(instruction.invoice_numbers),
        "children": list(instruction.child_codes),
        "description": instruction.description,
    }


def _problem_document(problem: pay.Problem) -> dict[str, object]:
    return {
        "code": problem.code,
        "message_sl": problem.message("sl"),
        "message_en": problem.message("en"),
        "invoices": list(problem.invoice_numbers),
        "group_id": problem.group_id,
    }


def _pain008(
    organisation: Organisation,
    debits: list[pay.PaymentInstruction],
    *,
    version: Pain008Version,
    message_id: str,
    created_at: datetime,
    due_on: date,
) -> bytes:
    from szo_core.payments import sepa

    if not organisation.creditor_id:
        raise _error(
            "billing.no_creditor_id",
            sl="Plačniki z direktno obremenitvijo so, organizacija pa nima identifikacije "
            "prejemnika SEPA (creditor_id).",
            en="There are direct-debit payers, but the organisation has no SEPA creditor id.",
            where=f"organisation {organisation.id}",
        )
    address = organisation.address
    account = organisation.account
    creditor = sepa.Creditor(
        name=organisation.name,
        iban=account.iban,
        creditor_id=organisation.creditor_id,
        bic=account.bic or None,
        address=address,
    )
    batch = sepa.DirectDebitBatch(
        message_id=message_id,
        created_at=created_at,
        creditor=creditor,
        transactions=[sepa.debit_from_instruction(i, collection_date=due_on) for i in debits],
    )
    buffer = io.BytesIO()
    sepa.write_pain008(batch, buffer, version)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the use case


@attrs.frozen(kw_only=True)
class _Plan:
    organisation: Organisation | None
    billing: BillingOrganisation
    due_on: date
    pain_version: Pain008Version
    message_id: str
    mandate_flags: tuple[MandateFlag, ...] = ()


def _plan(
    store: BillingStorage,
    organisation_id: str,
    month: Month,
    *,
    issued_on: date,
    rules: FeeRules | None,
    host: int | None,
    reference_scheme: ReferenceScheme | None,
    zero_invoices: ZeroInvoices,
    pain_version: Pain008Version | None,
    message_id: str | None,
) -> _Plan:
    with store.unit_of_work() as uow:
        record = uow.organisations.find(organisation_id)
        # Payers whose debit a reject or return flagged pay this month by slip (receivables).
        flags = uow.receivables.mandate_flags(organisation_id)
        if rules is None:
            data = uow.load_month(organisation_id, month)
            if not data.children:
                raise _error(
                    "billing.nothing_to_bill",
                    sl=f"Za {month} ni kaj obračunati: noben otrok ni vpisan.",
                    en=f"Nothing to bill in {month}: no child is enrolled.",
                    where=f"billing {organisation_id}/{month}",
                )
            if host is None and record is not None:
                host = record.host_municipality
            if host is None:
                host = host_municipality(data)
            if host is None:
                raise _error(
                    "billing.host_municipality",
                    sl="Občine ustanoviteljice ni mogoče določiti; podajte jo.",
                    en="The host municipality cannot be found; give it.",
                    where=f"organisation {organisation_id}",
                )
            rules = FeeRules(host_municipality=host)
    scheme = reference_scheme or (
        record.reference_scheme if record is not None else ReferenceScheme.SI12
    )
    billing = BillingOrganisation(
        id=organisation_id,
        rules=rules,
        reference_scheme=scheme,
        zero_invoices=zero_invoices,
        series=InvoiceSeries() if record is None else record.invoice_series,
        kind=OrganisationKind.KINDERGARTEN if record is None else record.kind,
    )
    debit_day = 18 if record is None else record.debit_day
    version: Pain008Version = pain_version or (
        "pain.008.001.02" if record is None or record.budget_user else "pain.008.001.08"
    )
    return _Plan(
        organisation=record,
        billing=billing,
        due_on=due_date(debit_day, month, issued_on, rules.calendar),
        pain_version=version,
        message_id=message_id or f"SZO-{month.year:04d}{month.month:02d}-{issued_on:%Y%m%d}",
        mandate_flags=flags,
    )


def bill_to_folder(
    store: BillingStorage,
    organisation_id: str,
    month: Month,
    out: Path,
    *,
    issued_on: date,
    close: bool = False,
    lang: Language = "sl",
    pain_version: Pain008Version | None = None,
    progress: FolderProgress | None = None,
    allow_gap: bool = False,
    rules: FeeRules | None = None,
    host_municipality: int | None = None,
    reference_scheme: ReferenceScheme | None = None,
    zero_invoices: ZeroInvoices = ZeroInvoices.SKIP,
    message_id: str | None = None,
) -> FolderResult:
    """Bill ``month`` for the organisation and write every file into ``out/<YYYY-MM>/``.

    Args:
        store: The storage (the organisation record is read from it).
        organisation_id: The organisation.
        month: The month to bill.
        out: The output root; the month's folder is created in it.
        issued_on: The issue date of the documents (also the pain.008 creation
            day, at 08:00).
        close: Also close the month, in the same transaction.
        lang: The language of the CSV headers and words.
        pain_version: ``"pain.008.001.02"`` or ``"pain.008.001.08"``; by default
            .02 for a UJP budget user (and without a record), else .08.
        progress: ``progress(stage, done, total)``.
        allow_gap: Bill the month although an earlier month is owed a run.
        rules: The fee rules; by default the defaults with the host
            municipality.
        host_municipality: The host municipality when ``rules`` is not given;
            by default the record's, else the one that pays for most children.
        reference_scheme: SI12 or RF; by default the record's (SI12 without one).
        zero_invoices: What becomes of 0.00 documents.
        message_id: The pain.008 message id; by default
            ``SZO-YYYYMM-<issue date YYYYMMDD>``.

    Returns:
        What was billed and written.

    Raises:
        BillingError: ``billing.gap`` (an earlier month is not billed),
            ``billing.nothing_to_bill``, ``billing.host_municipality``,
            ``billing.no_creditor_id``; and what
            :func:`~szo_core.billing.run_billing` raises.  Nothing is stored
            and no file is put in place.
        BillingConflict: The month is closed, or another run is going on.
        szo_core.errors.DeliveryError: A file could not be written; the run
            was not stored.
        OSError: The files could not be moved into place; the run is stored
            and the next call moves them.

    Example (the guide ``docs/billing-files.md`` has a full one):
        >>> import tempfile
        >>> from szo_core.adapters.memory_billing import MemoryBillingStore
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     bill_to_folder(MemoryBillingStore(), "o", Month(2026, 9), Path(tmp),
        ...                    issued_on=date(2026, 10, 2))
        Traceback (most recent call last):
        ...
        szo_core.errors.BillingError: billing.nothing_to_bill: ...
    """
    repaired = _files.repair(out, store, organisation_id)
    _check_gap(store, organisation_id, month, allow_gap)
    plan = _plan(
        store,
        organisation_id,
        month,
        issued_on=issued_on,
        rules=rules,
        host=host_municipality,
        reference_scheme=reference_scheme,
        zero_invoices=zero_invoices,
        pain_version=pain_version,
        message_id=message_id,
    )
    name = str(month)
    staged: list[StagedFiles] = []
    built_box: list[pay.InstructionResult] = []
    inputs_box: list[tuple[BillingResult, MonthData, dict[str, UpnOrder]]] = []
    versions: list[Pain008Version] = []

    def payments_report(done: int, total: int) -> None:
        if progress is not None:
            progress(f"payments {month}", done, total)

    def stage(result: BillingResult, data: MonthData) -> str:
        stager = _files.Stager(out, organisation_id, month)
        organisation = plan.organisation
        built = pay.InstructionResult(instructions=(), problems=())
        orders: dict[str, UpnOrder] = {}
        if organisation is not None:
            payable = slip_fallback(payable_invoices(result.documents, data), plan.mandate_flags)
            built = pay.build_instructions(payable, period=month)
            built, orders = _fill_slips(built, organisation, plan.due_on)
            inputs_box.append((result, data, orders))
        built_box.append(built)
        details = _details(result, data, built, plan.due_on)
        stager.add(f"{name}/statements-{name}.json", json_bytes(result))
        stager.add(
            f"{name}/statements-{name}.csv", _csv_bytes(statement_rows(result, lang, details))
        )
        stager.add(f"{name}/lists-{name}.csv", _csv_bytes(list_rows(result, lang)))
        if organisation is not None:
            _stage_payments(
                stager, organisation, built, orders, month, plan, issued_on, payments_report
            )
            if any(i.method is PaymentKind.DIRECT_DEBIT for i in built.instructions):
                versions.append(plan.pain_version)
        if progress is not None:
            progress(f"staged {month}", 0, 1)
        staged.append(stager.finish())
        if progress is not None:
            progress(f"staged {month}", 1, 1)  # the files are staged; the run commits next
        return staged[-1].digest

    def billing_report(done: int, total: int) -> None:
        if progress is not None:
            progress(f"billing {month}", done, total)

    result = run_billing(
        plan.billing,
        month,
        store,
        issued_on=issued_on,
        progress=billing_report,
        closed_on=issued_on if close else None,
        stage_with_month=stage,
    )
    files = _files.publish(staged[-1], out, store)
    documents: tuple[InvoiceDocument, ...] = ()
    if plan.organisation is not None and inputs_box:
        documents = _documents(store, plan, built_box[-1], *inputs_box[-1])
    return FolderResult(
        result=result,
        folder=out / name,
        files=tuple(sorted(files)),
        issued_on=issued_on,
        due_on=plan.due_on,
        instructions=built_box[-1],
        pain_version=versions[-1] if versions else None,
        payments_missing=None
        if plan.organisation is not None
        else _no_organisation(organisation_id),
        repaired=repaired,
        documents=documents,
    )


def _documents(
    store: BillingStorage,
    plan: _Plan,
    built: pay.InstructionResult,
    result: BillingResult,
    data: MonthData,
    orders: dict[str, UpnOrder],
) -> tuple[InvoiceDocument, ...]:
    """The run's invoice documents, with the issue dates of the documents they correct.

    A corrected document's date is its run's: the billed entries of the
    corrected months name the document and the month of the run that issued it.
    """
    from szo_core.invoices.build import build_documents

    assert plan.organisation is not None
    corrects = [c for d in result.documents for c in d.corrects if c.number is not None]
    issued: dict[str, date] = {}
    if corrects:
        org = result.run.organisation_id
        corrected = {c.number for c in corrects}
        with store.unit_of_work() as uow:
            runs = {run.month: run.issued_on for run in uow.billing.runs(org)}
            entries = uow.billing.billed(org, min(c.month for c in corrects), result.run.month)
        for entry in entries:
            number = entry.document
            if number is not None and number in corrected and entry.billed_in in runs:
                issued[number] = runs[entry.billed_in]
    return build_documents(
        result, data, plan.organisation, built, due_on=plan.due_on, orders=orders, issued=issued
    )


def _fill_slips(
    built: pay.InstructionResult, organisation: Organisation, due_on: date
) -> tuple[pay.InstructionResult, dict[str, UpnOrder]]:
    """Fill in every slip's UPN order; hold back those whose payer data cannot be.

    A payer without a name or an address (UPN fields 6-8) keeps that payer's
    slip back as the problem ``instructions.slip_payer`` (listed in
    ``payments.json``, "held back" in the CSV); the other slips and the run go
    on.  Any other error (the organisation's own data) stops the run.
    """
    from szo_core.payments import upn

    address = organisation.address
    recipient: Mapping[str, str] = {
        "recipient_iban": organisation.account.iban,
        "recipient_name": organisation.name,
        "recipient_street": address.street,
        "recipient_city": f"{address.post_code} {address.city}",
    }
    kept: list[pay.PaymentInstruction] = []
    problems = list(built.problems)
    orders: dict[str, UpnOrder] = {}
    for instruction in built.instructions:
        if instruction.method is not PaymentKind.UPN:
            kept.append(instruction)
            continue
        order = upn.order_from_instruction(
            instruction, deadline=due_on, purpose_code=organisation.purpose_code, **recipient
        )
        try:
            upn.payload(order)
        except SzoError as exc:
            if exc.where not in upn.PAYER_FIELDS:
                raise
            problems.append(
                pay.Problem(
                    code="instructions.slip_payer",
                    sl=f"Položnice UPN ni mogoče izpolniti: {exc.message('sl')}",
                    en=f"The UPN slip cannot be filled in: {exc.message('en')}",
                    invoice_numbers=instruction.invoice_numbers,
                    payer_id=instruction.payer_id,
                    group_id=instruction.group_id,
                )
            )
            continue
        kept.append(instruction)
        orders[instruction.instruction_id] = order
    if len(kept) == len(built.instructions):
        return built, orders
    return pay.InstructionResult(instructions=tuple(kept), problems=tuple(problems)), orders


def _stage_payments(
    stager: _files.Stager,
    organisation: Organisation,
    built: pay.InstructionResult,
    orders: Mapping[str, UpnOrder],
    month: Month,
    plan: _Plan,
    issued_on: date,
    report: Callable[[int, int], None],
) -> None:
    from szo_core.payments import upn

    name = str(month)
    slips = [i for i in built.instructions if i.method is PaymentKind.UPN]
    debits = [i for i in built.instructions if i.method is PaymentKind.DIRECT_DEBIT]
    total = len(slips) + 1  # the SEPA file and payments.json are the last step
    report(0, total)
    for done, instruction in enumerate(slips, start=1):
        symbol = upn.qr(orders[instruction.instruction_id])
        stager.add(f"{name}/upn/{instruction.instruction_id}.txt", symbol.payload)
        stager.add(f"{name}/upn/{instruction.instruction_id}.png", symbol.png())
        report(done, total)
    if debits:
        stager.add(
            f"{name}/sepa-{name}.xml",
            _pain008(
                organisation,
                debits,
                version=plan.pain_version,
                message_id=plan.message_id,
                created_at=datetime.combine(issued_on, time(8, 0)),
                due_on=plan.due_on,
            ),
        )
    document = {
        "month": name,
        "issued_on": issued_on.isoformat(),
        "due_on": plan.due_on.isoformat(),
        "instructions": [_instruction_document(i) for i in built.instructions],
        "held_back": [_problem_document(p) for p in built.problems],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    stager.add(f"{name}/payments.json", text.encode())
    report(total, total)
