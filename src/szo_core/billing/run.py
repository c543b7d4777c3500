"""Billing runs: load a month, compute every child, add corrections, issue invoices.

:func:`run_billing` is a thin use case over the ports.  In **one** unit of work:

1. it claims the organisation's billing (a second run at the same time gets
   :class:`~szo_core.errors.BillingConflict` ``billing.in_progress``) and checks
   the month: a closed month cannot be billed again (``billing.closed``), a
   month before the latest run cannot be billed (``billing.later_run``; bill
   the difference as a correction instead), and an earlier run must be closed
   first (``billing.open_earlier_run``).  An open run of the same month is
   replaced, giving back its invoice numbers;
2. it loads the month with :meth:`~szo_core.ports.UnitOfWork.load_month` (one
   call) and computes every child that is not ``inactive`` with
   :func:`szo_core.fees.compute`, reporting ``progress(done, total)``;
3. it recomputes the earlier months billed within
   :attr:`~szo_core.billing.BillingOrganisation.correction_months` (one
   ``load_month`` per month) and adds the differences as corrections
   (:func:`szo_core.fees.corrections`: due now less everything billed for the
   month so far, earlier corrections included, so nothing is corrected twice);
4. it issues one invoice per payer per child (payers whose lines are all zero
   get none), numbered gap-free per organisation and year in the order child
   code, payer kind, payer id, each with its payment reference
   (:mod:`szo_core.billing.references`), and stores what was billed per child,
   month and payer, and the decisions used;
5. it commits.  Any error before the commit rolls everything back: no run, no
   invoice, no invoice number is left behind.

:func:`close_run` closes the month's run and locks the decisions it used
(editing one afterwards raises :class:`~szo_core.errors.RecordLockedError`).

Example (in memory; ``docs/billing.md`` has a longer one):
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from szo_core.adapters.memory_billing import MemoryBillingStore
    >>> from szo_core.calendar import Month
    >>> from szo_core.fees import FeeRules
    >>> from szo_core.model import Child, GroupAssignment, Group, Program, ProgramPrice
    >>> store = MemoryBillingStore()
    >>> with store.unit_of_work() as uow:
    ...     _ = uow.programs.add(Program(organisation_id="o", code="I", prices=(ProgramPrice(
    ...         valid_from=date(2026, 1, 1), monthly=Decimal("500.00"),
    ...         food_per_day=Decimal("2.50")),)))
    ...     _ = uow.groups.add(Group(organisation_id="o", code="A", program_code="I"))
    ...     _ = uow.children.add(Child(organisation_id="o", code=1, municipality_code=61,
    ...         enrollment_date=date(2026, 1, 5), groups=(GroupAssignment(
    ...             valid_from=date(2026, 1, 5), group_code="A", program_code="I"),)))
    ...     uow.commit()
    >>> org = BillingOrganisation(id="o", rules=FeeRules(host_municipality=61))
    >>> result = run_billing(org, Month(2026, 9), store, issued_on=date(2026, 10, 2))
    >>> [(i.number, str(i.payer), i.amount) for i in result.invoices]  # 0.77 × 500.00; the rest
    [('2026-00001', 'parents', Decimal('385.00')),
     ('2026-00002', 'municipality', Decimal('115.00'))]
    >>> close_run("o", Month(2026, 9), store, closed_on=date(2026, 10, 3)).status
    <RunStatus.CLOSED: 'closed'>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from szo_core.billing.ports import BillingStorage, BillingUnitOfWork
from szo_core.billing.records import (
    CORRECTION,
    BilledEntry,
    BillingOrganisation,
    BillingResult,
    BillingRun,
    Invoice,
    InvoiceLine,
    RunStatus,
)
from szo_core.billing.references import invoice_reference
from szo_core.calendar import Month
from szo_core.errors import (
    BillingConflict,
    BillingError,
    ConcurrencyConflict,
    FeeRuleError,
    StorageError,
)
from szo_core.fees import (
    CorrectionLine,
    ExitRule,
    FeeInputs,
    FeeStatement,
    PayerKind,
    SiblingInfo,
    compute,
    corrections,
)
from szo_core.model import Child
from szo_core.ports import ChildMonth, MonthData

__all__ = ["Progress", "close_run", "fee_inputs", "run_billing", "sibling_orders"]

Progress = Callable[[int, int], None]
"""A progress callback: ``progress(done, total)``, children computed so far."""

_ZERO = Decimal("0.00")
_RANK = {kind: i for i, kind in enumerate(PayerKind)}


def sibling_orders(data: MonthData) -> dict[int, SiblingInfo]:
    """Each child's place among its siblings in ``data``'s month, by child code.

    Siblings are the organisation's children that share a guardian (a linked
    :class:`~szo_core.model.Guardian`, through any chain of shared guardians).
    A child's ``enrolled_order`` counts itself and its siblings enrolled on the
    first day of the month (a change during the month counts from the next one,
    as :class:`~szo_core.fees.SiblingInfo` says), oldest first by birth date,
    then by code.  ``family_order`` is the child's own
    :attr:`~szo_core.model.Child.family_order` when it is larger.  Siblings in
    another kindergarten are not known here: the decision's ``sibling_order``
    states them and takes precedence in the engine.

    >>> from szo_core.model import Child, GuardianKind, GuardianLink
    >>> link = (GuardianLink(guardian_id="mama", kind=GuardianKind.MOTHER),)
    >>> kids = {c.code: ChildMonth(child=c) for c in (
    ...     Child(organisation_id="o", code=1, guardians=link, birth_date=date(2021, 5, 1),
    ...           enrollment_date=date(2024, 9, 1)),
    ...     Child(organisation_id="o", code=2, guardians=link, birth_date=date(2023, 2, 1),
    ...           enrollment_date=date(2025, 9, 1), family_order=3))}
    >>> orders = sibling_orders(MonthData(organisation_id="o", month=Month(2025, 9), children=kids))
    >>> orders[1].enrolled_order, orders[2].enrolled_order, orders[2].family_order
    (1, 2, 3)
    """
    first = data.month.first
    parent: dict[int, int] = {code: code for code in data.children}

    def root(code: int) -> int:
        while parent[code] != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    by_guardian: dict[str, int] = {}
    for code, entry in data.children.items():
        for link in entry.child.guardians:
            other = by_guardian.setdefault(link.guardian_id, code)
            parent[root(code)] = root(other)
    families: dict[int, list[Child]] = {}
    for code, entry in data.children.items():
        families.setdefault(root(code), []).append(entry.child)

    def attends_on_first(child: Child) -> bool:
        start, end = child.enrollment_date, child.exit_date
        return (
            not child.inactive
            and start is not None
            and start <= first
            and (end is None or end >= first)
        )

    def age_key(child: Child) -> tuple[date, int]:
        return (child.birth_date or date.max, child.code)

    orders: dict[int, SiblingInfo] = {}
    for members in families.values():
        present = [c for c in members if attends_on_first(c)]
        for child in members:
            key = age_key(child)
            # its place among the siblings present on the 1st, itself counted once
            enrolled = 1 + sum(1 for c in present if c.code != child.code and age_key(c) < key)
            family = max(enrolled, child.family_order or 0)
            orders[child.code] = SiblingInfo(enrolled_order=enrolled, family_order=family)
    return orders


def fee_inputs(
    data: MonthData,
    child_month: ChildMonth,
    siblings: Mapping[int, SiblingInfo] | None = None,
) -> FeeInputs:
    """Build the fee engine's inputs for one child from a loaded month.

    Every program of the organisation is passed (the child's group history picks
    the right one); decisions, reservations and absences are the child's from
    the month.  Sibling facts come from :func:`sibling_orders` (pass its result
    when building inputs for many children, so it is computed once); the
    decision's own ``sibling_order`` still takes precedence in the engine.  The
    child record gives whether the parents are Slovenian income-tax payers and
    the day the exit was announced.

    >>> from szo_core.model import Child
    >>> data = MonthData(organisation_id="o", month=Month(2026, 9))
    >>> child = Child(organisation_id="o", code=1, parents_taxpayers=False)
    >>> inputs = fee_inputs(data, ChildMonth(child=child))
    >>> inputs.decisions, inputs.taxpayer, inputs.siblings.enrolled_order
    ((), False, 1)
    """
    child = child_month.child
    if siblings is None:
        siblings = sibling_orders(data)
    return FeeInputs(
        programs=tuple(data.programs.values()),
        decisions=child_month.decisions,
        reservations=child_month.reservations,
        absences=child_month.absences,
        siblings=siblings.get(child.code, SiblingInfo()),
        taxpayer=child.parents_taxpayers,
        exit_notice_on=child.exit_notice_on,
    )


def _month_label(month: Month) -> str:
    return f"{month.month:02d}/{month.year}"


def _error(code: str, sl: str, en: str, where: str) -> BillingError:
    return BillingError(code, sl=sl, en=en, where=where)


def _closed(organisation_id: str, month: Month) -> BillingConflict:
    return BillingConflict(
        "billing.closed",
        sl=f"Obračun za {_month_label(month)} je že zaključen; razlike obračunajte kot poračun.",
        en=f"The billing of {month} is already closed; bill differences as corrections.",
        where=f"billing {organisation_id}/{month}",
    )


def _check_month(uow: BillingUnitOfWork, organisation_id: str, month: Month) -> BillingRun | None:
    """Apply the ordering rules; return the open run of ``month`` to replace, if any."""
    same: BillingRun | None = None
    for run in uow.billing.runs(organisation_id):
        if run.month == month:
            if run.is_closed:
                raise _closed(organisation_id, month)
            same = run
        elif run.month > month:
            raise _error(
                "billing.later_run",
                sl=(
                    f"Obstaja že obračun za poznejši mesec ({_month_label(run.month)}); "
                    "razlike za prejšnje mesece se obračunajo kot poračun."
                ),
                en=(
                    f"A later month ({run.month}) has already been billed; differences "
                    "for earlier months are billed as corrections."
                ),
                where=f"billing {organisation_id}/{month}",
            )
        elif not run.is_closed:
            raise _error(
                "billing.open_earlier_run",
                sl=f"Najprej zaključite obračun za {_month_label(run.month)}.",
                en=f"Close the billing of {run.month} first.",
                where=f"billing {organisation_id}/{run.month}",
            )
    return same


def _give_back(uow: BillingUnitOfWork, run: BillingRun) -> None:
    """Remove an open run and give its invoice numbers back (they are the last ones)."""
    invoices = uow.billing.invoices(run.organisation_id, run.id)
    for year in sorted({i.year for i in invoices}):
        serials = sorted(i.serial for i in invoices if i.year == year)
        last = uow.billing.last_serial(run.organisation_id, year)
        if serials[-1] != last or serials != list(range(serials[0], last + 1)):
            raise _error(
                "billing.numbers_in_use",
                sl="Številk računov odprtega obračuna ni mogoče vrniti, ker so bile izdane "
                "poznejše številke.",
                en="The open run's invoice numbers cannot be given back: later numbers "
                "were issued.",
                where=f"billing {run.organisation_id}/{run.month}",
            )
        uow.billing.set_last_serial(run.organisation_id, year, serials[0] - 1)
    uow.billing.remove_run(run)


def _payer_key(payer: PayerKind, payer_id: str) -> tuple[int, str]:
    return (_RANK[payer], payer_id)


def _fee_lines(statement: FeeStatement) -> dict[tuple[PayerKind, str], list[InvoiceLine]]:
    out: dict[tuple[PayerKind, str], list[InvoiceLine]] = {}
    for line in statement.lines:
        out.setdefault((line.payer, line.payer_id), []).append(
            InvoiceLine(
                kind=str(line.kind),
                description=f"{line.describe('sl')} {_month_label(statement.month)}",
                amount=line.amount,
                start=line.start,
                end=line.end,
                decision_ids=(line.decision_id,) if line.decision_id else (),
            )
        )
    return out


def _correction_line(line: CorrectionLine) -> InvoiceLine:
    return InvoiceLine(
        kind=CORRECTION,
        description=(
            f"poračun {_month_label(line.original_month)}: obračunano {line.billed}, "
            f"pravilno {line.due}"
        ),
        amount=line.amount,
        original_month=line.original_month,
        decision_ids=line.decision_ids,
    )


@attrs.define
class _ChildBill:
    """What one child is billed in the run (before numbering)."""

    code: int
    statement: FeeStatement | None
    corrections: tuple[CorrectionLine, ...]


def _correction_inputs(
    uow: BillingUnitOfWork,
    organisation: BillingOrganisation,
    month: Month,
) -> tuple[dict[int, list[BilledEntry]], dict[Month, MonthData]]:
    if organisation.correction_months == 0:
        return {}, {}
    entries = uow.billing.billed(organisation.id, month - organisation.correction_months, month)
    per_child: dict[int, list[BilledEntry]] = {}
    for entry in entries:
        per_child.setdefault(entry.child_code, []).append(entry)
    months = sorted({entry.month for entry in entries})
    return per_child, {
        m: uow.load_month(organisation.id, m, left_since=_left_since(organisation, m))
        for m in months
    }


def _left_since(organisation: BillingOrganisation, month: Month) -> date | None:
    """Children who left since this day may still owe ``month`` (late exit notice).

    Under :attr:`ExitRule.NOTICE_BY_DAY`, notice after day N of a month bills
    the next month too, so a child who left in the month before may owe this
    one; the engine decides from the exit and notice days.
    """
    if organisation.rules.exit_rule is ExitRule.NOTICE_BY_DAY:
        return month.prev().first
    return None


def _child_record(
    code: int, current: MonthData, past: Mapping[Month, MonthData], uow: BillingUnitOfWork
) -> Child | None:
    if code in current.children:
        return current.children[code].child
    for data in past.values():
        if code in data.children:
            return data.children[code].child
    return uow.children.find(current.organisation_id, code)


def _bill_child(
    organisation: BillingOrganisation,
    month: Month,
    child: Child,
    data: MonthData,
    billed: list[BilledEntry],
    past: Mapping[Month, MonthData],
    orders: Mapping[Month, Mapping[int, SiblingInfo]],
) -> _ChildBill:
    rules = organisation.rules
    statement: FeeStatement | None = None
    child_month = data.children.get(child.code)
    if child_month is not None and not child.inactive:
        statement = compute(month, child, fee_inputs(data, child_month, orders[month]), rules)
        left = child.exit_date is not None and child.exit_date < month.first
        if left and not statement.lines:
            statement = None  # loaded for a possible late exit notice; owes nothing
    found: tuple[CorrectionLine, ...] = ()
    if billed:

        def recompute(past_month: Month) -> FeeInputs:
            past_data = past[past_month]
            entry = past_data.children.get(child.code)
            if entry is None:
                return FeeInputs(programs=tuple(past_data.programs.values()))
            return fee_inputs(past_data, entry, orders[past_month])

        found = corrections(month, child, (e.billed_amount() for e in billed), recompute, rules)
    return _ChildBill(code=child.code, statement=statement, corrections=found)


def _invoices_for(
    organisation: BillingOrganisation,
    run: BillingRun,
    bills: Iterable[_ChildBill],
    first_serial: int,
) -> tuple[list[Invoice], list[BilledEntry], set[str]]:
    invoices: list[Invoice] = []
    entries: list[BilledEntry] = []
    used: set[str] = set()
    serial = first_serial
    month = run.month
    for bill in bills:
        lines: dict[tuple[PayerKind, str], list[InvoiceLine]] = {}
        if bill.statement is not None:
            lines = _fee_lines(bill.statement)
            for (payer, payer_id), amount in bill.statement.payer_totals().items():
                entries.append(
                    BilledEntry(
                        organisation_id=organisation.id,
                        run_id=run.id,
                        child_code=bill.code,
                        month=month,
                        payer=payer,
                        payer_id=payer_id,
                        amount=amount,
                        billed_in=month,
                    )
                )
        for correction in bill.corrections:
            lines.setdefault((correction.payer, correction.payer_id), []).append(
                _correction_line(correction)
            )
            entries.append(
                BilledEntry(
                    organisation_id=organisation.id,
                    run_id=run.id,
                    child_code=bill.code,
                    month=correction.original_month,
                    payer=correction.payer,
                    payer_id=correction.payer_id,
                    amount=correction.amount,
                    billed_in=month,
                )
            )
        for payer, payer_id in sorted(lines, key=lambda k: _payer_key(*k)):
            payer_lines = tuple(lines[(payer, payer_id)])
            if not any(line.amount for line in payer_lines):
                continue
            for line in payer_lines:
                used.update(line.decision_ids)
            invoices.append(
                Invoice(
                    organisation_id=organisation.id,
                    run_id=run.id,
                    month=month,
                    year=month.year,
                    serial=serial,
                    child_code=bill.code,
                    payer=payer,
                    payer_id=payer_id,
                    amount=sum((line.amount for line in payer_lines), _ZERO),
                    reference=invoice_reference(
                        organisation.reference_scheme,
                        child_code=bill.code,
                        year=month.year,
                        serial=serial,
                    ),
                    issued_on=run.issued_on,
                    lines=payer_lines,
                )
            )
            serial += 1
    return invoices, entries, used


def _bill(
    uow: BillingUnitOfWork,
    organisation: BillingOrganisation,
    month: Month,
    issued_on: date,
    progress: Progress | None,
) -> BillingResult:
    org = organisation.id
    uow.billing.claim(org, month)
    previous = _check_month(uow, org, month)
    if previous is not None:
        _give_back(uow, previous)
    left_since = _left_since(organisation, month)
    data = uow.load_month(org, month, left_since=left_since)
    billed, past = _correction_inputs(uow, organisation, month)
    orders = {m: sibling_orders(d) for m, d in {**past, month: data}.items()}
    codes = sorted(
        {code for code, cm in data.children.items() if not cm.child.inactive} | set(billed)
    )
    total = len(codes)
    if progress is not None:
        progress(0, total)
    bills: list[_ChildBill] = []
    for done, code in enumerate(codes, start=1):
        child = _child_record(code, data, past, uow)
        if child is not None and not child.inactive:
            try:
                bills.append(
                    _bill_child(
                        organisation, month, child, data, billed.get(code, []), past, orders
                    )
                )
            except FeeRuleError as exc:
                raise _error(
                    "billing.child",
                    sl=f"Obračun otroka {code} ni mogoč: {exc.sl}",
                    en=f"Child {code} cannot be billed: {exc.en}",
                    where=f"child {code}",
                ) from exc
        if progress is not None:
            progress(done, total)
    run = BillingRun(organisation_id=org, id=str(month), month=month, issued_on=issued_on)
    first = uow.billing.last_serial(org, month.year) + 1
    invoices, entries, used = _invoices_for(organisation, run, bills, first)
    run = attrs.evolve(
        run,
        invoice_count=len(invoices),
        total=sum((i.amount for i in invoices), _ZERO),
    )
    uow.billing.add_run(run)
    uow.billing.add_invoices(invoices)
    uow.billing.add_billed(entries)
    uow.billing.add_run_decisions(org, run.id, sorted(used))
    if invoices:
        uow.billing.set_last_serial(org, month.year, invoices[-1].serial)
    statements = tuple(b.statement for b in bills if b.statement is not None)
    found = tuple(line for b in bills for line in b.corrections)
    return BillingResult(
        run=run, invoices=tuple(invoices), statements=statements, corrections=found
    )


def _as_conflict(exc: StorageError, organisation_id: str, month: Month) -> BillingConflict:
    return BillingConflict(
        "billing.conflict",
        sl=(
            f"Obračun za {_month_label(month)} je medtem naredil nekdo drug; "
            "poglejte njegov rezultat ali poskusite znova."
        ),
        en=f"Someone else billed {month} meanwhile; look at their result or try again.",
        where=f"billing {organisation_id}/{month} ({exc.code})",
    )


def run_billing(
    organisation: BillingOrganisation,
    month: Month,
    ports: BillingStorage,
    *,
    issued_on: date,
    progress: Progress | None = None,
) -> BillingResult:
    """Bill ``month`` for ``organisation`` (see the module docs for the steps).

    Args:
        organisation: Who is billed, with the fee rules and reference scheme.
        month: The month to bill.
        ports: The storage (:class:`~szo_core.billing.ports.BillingStorage`).
        issued_on: The issue date of the invoices.
        progress: Called as ``progress(done, total)`` before the first child and
            after each one.

    Returns:
        The open run, its invoices, the statements and the corrections.

    Raises:
        BillingConflict: ``billing.in_progress`` (another run is going on),
            ``billing.closed`` (the month is closed) or ``billing.conflict``
            (another run committed first).
        BillingError: ``billing.later_run``, ``billing.open_earlier_run``,
            ``billing.child`` (a child's fee could not be computed), or
            ``billing.reference.too_long``.
        StorageError: The database failed; nothing was stored.

    See the module example.
    """
    if not isinstance(month, Month):
        raise _error(
            "billing.month",
            sl="Mesec mora biti szo_core.calendar.Month.",
            en="The month must be a szo_core.calendar.Month.",
            where="month",
        )
    with ports.unit_of_work() as uow:
        try:
            result = _bill(uow, organisation, month, issued_on, progress)
            uow.commit()
        except ConcurrencyConflict as exc:
            raise _as_conflict(exc, organisation.id, month) from None
        except StorageError as exc:
            if exc.code in ("storage.duplicate", "storage.conflict"):
                raise _as_conflict(exc, organisation.id, month) from None
            raise
    return result


def close_run(
    organisation_id: str, month: Month, ports: BillingStorage, *, closed_on: date
) -> BillingRun:
    """Close the open run of ``month`` and lock the decisions it used.

    Args:
        organisation_id: The organisation.
        month: The month whose run is closed.
        ports: The storage.
        closed_on: The closing date.

    Returns:
        The closed run.

    Raises:
        BillingError: ``billing.no_run`` when the month has no run.
        BillingConflict: ``billing.closed`` when it is already closed.

    See the module example.
    """
    with ports.unit_of_work() as uow:
        try:
            uow.billing.claim(organisation_id, month)
            run = uow.billing.find_run(organisation_id, month)
            if run is None:
                raise _error(
                    "billing.no_run",
                    sl=f"Za {_month_label(month)} ni obračuna.",
                    en=f"There is no billing run for {month}.",
                    where=f"billing {organisation_id}/{month}",
                )
            if run.is_closed:
                raise _closed(organisation_id, month)
            used = [
                decision_id
                for decision_id in uow.billing.run_decisions(organisation_id, run.id)
                if uow.decisions.find(organisation_id, decision_id) is not None
            ]
            uow.decision_locks.lock(organisation_id, used, run.id)
            closed = uow.billing.update_run(
                attrs.evolve(run, status=RunStatus.CLOSED, closed_on=closed_on)
            )
            uow.commit()
        except ConcurrencyConflict as exc:
            raise _as_conflict(exc, organisation_id, month) from None
    return closed
