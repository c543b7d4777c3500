"""Billing runs: load the window, compute every child, add corrections, issue documents.

:func:`run_billing` is a thin use case over the ports.  In **one** unit of work:

1. it claims the organisation's billing (a second run at the same time gets
   :class:`~szo_core.errors.BillingConflict` ``billing.in_progress``) and checks
   the month: a closed month cannot be billed again (``billing.closed``), and
   an earlier run must be closed first (``billing.open_earlier_run``).  A
   month that has no run may be billed after a later one (it fills a gap: the
   later run corrected only months that had a run, and the corrections compare
   with everything billed so far, so nothing is billed twice).  An open run of
   the same month is replaced, giving back its numbers;
2. it loads the correction window and the month with **one**
   :meth:`~szo_core.ports.UnitOfWork.load_period` call (the months within
   :attr:`~szo_core.billing.BillingOrganisation.correction_months` that have a
   run, through the billed month) and reads it month by month
   (:class:`~szo_core.billing.window.Window`);
3. it finds the earlier months that are owed a correction: for every child
   with a month in the window, active or not, whose **fingerprint** (a digest
   of the month's inputs, :mod:`~szo_core.billing.fingerprint`) differs from
   the one stored when the month was last computed; and every month an active
   child is enrolled in but was never billed for (a late record).  Only those
   are recomputed;
4. it computes every child of the month that is not ``inactive`` with
   :func:`szo_core.fees.compute`, and the months found in 3, reporting
   ``progress(done, total)``; the differences are billed as corrections naming
   the month (:func:`szo_core.fees.corrections.differences`: due now less
   everything billed for the month so far, earlier corrections included, so
   nothing is corrected twice);
5. it issues the documents (:mod:`~szo_core.billing.documents`): one per child
   for the parents, one per municipality with its list of children, one claim
   for the state; a negative amount is a credit note in its own number series;
   a 0.00 document takes no number.  It stores them with what was billed per
   child, month and payer, the fingerprints, and the decisions used;
6. with ``closed_on`` it also closes the run (see :func:`close_run`), and with
   ``stage`` it first hands the result to the caller to write its files
   beside their target (``szo bill`` moves them into place after the commit);
7. it commits.  Any error before the commit rolls everything back: no run, no
   document, no number is left behind.

:func:`close_run` closes the month's run, locks the decisions it used (editing
one afterwards raises :class:`~szo_core.errors.RecordLockedError`) and the
program prices in force through the month's last day.

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
    >>> [(d.number, str(d.payer), d.amount) for d in result.documents]  # 0.77 × 500.00; the rest
    [('2026-000001', 'parents', Decimal('385.00')),
     ('2026-000002', 'municipality', Decimal('115.00'))]
    >>> close_run("o", Month(2026, 9), store, closed_on=date(2026, 10, 3)).status
    <RunStatus.CLOSED: 'closed'>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs

from szo_core._gc import collector_paused
from szo_core.billing.documents import ChildBill, issue
from szo_core.billing.fingerprint import ABSENT, INACTIVE
from szo_core.billing.ports import BillingStorage, BillingUnitOfWork
from szo_core.billing.records import (
    BilledEntry,
    BillingOrganisation,
    BillingResult,
    BillingRun,
    DocumentKind,
    FilesState,
    Fingerprint,
    RunStatus,
)
from szo_core.billing.window import child_inputs, sibling_facts
from szo_core.calendar import Month
from szo_core.errors import (
    BillingConflict,
    BillingError,
    ConcurrencyConflict,
    ConfigurationError,
    FeeRuleError,
    StorageError,
)
from szo_core.fees import (
    CorrectionLine,
    FeeInputs,
    FeeStatement,
    SiblingInfo,
    compute,
)
from szo_core.fees.corrections import differences
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.locks import SETTINGS, LockKind
from szo_core.fees.plug import BoundMonths, BoundPlug, bind, plug_for
from szo_core.model import Child, OrganisationKind
from szo_core.ports import ChildMonth, MonthData

__all__ = [
    "Progress",
    "Stage",
    "StageWithMonth",
    "close_run",
    "fee_inputs",
    "mark_files_written",
    "run_billing",
    "sibling_orders",
]

Progress = Callable[[int, int], None]
"""A progress callback: ``progress(done, total)``, children computed so far."""

Stage = Callable[[BillingResult], str]
"""Writes a result's files beside their target before the commit; returns their digest."""

StageWithMonth = Callable[[BillingResult, MonthData], str]
"""Like :data:`Stage`, also given the billed month's records read in the run's transaction
(:meth:`~szo_core.ports.UnitOfWork.load_month`: payers, mandates, payment groups)."""

_ZERO = Decimal("0.00")
_SERIES = (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)


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
    return sibling_facts((entry.child for entry in data.children.values()), data.month.first)


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
    child record gives the day the exit was announced; whether the parents are
    Slovenian income-tax payers is read by the engine from the child's dated
    status (:meth:`~szo_core.model.Child.taxpayers_on`), so ``FeeInputs.taxpayer``
    is left at its default.

    >>> from szo_core.model import Child
    >>> data = MonthData(organisation_id="o", month=Month(2026, 9))
    >>> child = Child(organisation_id="o", code=1, parents_taxpayers=False)
    >>> inputs = fee_inputs(data, ChildMonth(child=child))
    >>> inputs.decisions, inputs.taxpayer, inputs.siblings.enrolled_order
    ((), True, 1)
    """
    child = child_month.child
    if siblings is None:
        siblings = sibling_orders(data)
    return child_inputs(
        tuple(data.programs.values()),
        child,
        child_month.decisions,
        child_month.reservations,
        child_month.absences,
        siblings.get(child.code, SiblingInfo()),
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


def _check_month(
    runs: Iterable[BillingRun], organisation_id: str, month: Month
) -> BillingRun | None:
    """Apply the ordering rules; return the open run of ``month`` to replace, if any.

    A month without a run may be billed after a later month (it fills a gap the
    later run skipped: that run corrected only months that had a run); every
    earlier run must be closed.
    """
    same: BillingRun | None = None
    for run in runs:
        if run.month == month:
            if run.is_closed:
                raise _closed(organisation_id, month)
            same = run
        elif run.month < month and not run.is_closed:
            raise _error(
                "billing.open_earlier_run",
                sl=f"Najprej zaključite obračun za {_month_label(run.month)}.",
                en=f"Close the billing of {run.month} first.",
                where=f"billing {organisation_id}/{run.month}",
            )
    return same


def _give_back(uow: BillingUnitOfWork, run: BillingRun) -> None:
    """Remove an open run and give its numbers back (they are the last ones of each series)."""
    documents = uow.billing.invoices(run.organisation_id, run.id)
    for series in _SERIES:
        numbered = [d for d in documents if d.kind is series and d.serial is not None]
        for year in sorted({d.year for d in numbered}):
            serials = sorted(d.serial for d in numbered if d.year == year and d.serial)
            last = uow.billing.last_serial(run.organisation_id, year, series)
            if serials[-1] != last or serials != list(range(serials[0], last + 1)):
                raise _error(
                    "billing.numbers_in_use",
                    sl="Številk dokumentov odprtega obračuna ni mogoče vrniti, ker so bile "
                    "izdane poznejše številke.",
                    en="The open run's document numbers cannot be given back: later numbers "
                    "were issued.",
                    where=f"billing {run.organisation_id}/{run.month}",
                )
            uow.billing.set_last_serial(run.organisation_id, year, serials[0] - 1, series)
    uow.billing.remove_run(run)


def _window_months(
    organisation: BillingOrganisation, runs: Iterable[BillingRun], month: Month
) -> list[Month]:
    """The earlier months owed corrections: those with a run within the correction window."""
    back = organisation.correction_months
    if back == 0:
        return []
    return sorted(r.month for r in runs if r.month < month and month - r.month <= back)


def _kindergarten(month: Month, child: Child, inputs: FeeInputs, rules: FeeRules) -> FeeStatement:
    # ``compute`` is looked up in this module at each call: ``billing.run.compute`` stays
    # the engine a kindergarten run calls, so code that wraps it (tests that count the
    # computations) keeps working as before the plug.
    return compute(month, child, inputs, rules)


def _default_plug(kind: OrganisationKind) -> BoundPlug:
    if kind is OrganisationKind.KINDERGARTEN:
        # Imported here: the plug reads through billing's window (an import cycle otherwise).
        from szo_core.fees.kindergarten.plug import KindergartenPlug

        return bind(KindergartenPlug(engine=_kindergarten))
    return plug_for(kind)


def _load(
    uow: BillingUnitOfWork,
    organisation: BillingOrganisation,
    plug: BoundPlug,
    first: Month,
    month: Month,
) -> BoundMonths:
    """Read the window and the month through the organisation's plug."""
    return plug.open(uow, organisation, first, month)


@attrs.define
class _Plan:
    """Which children's months a run computes, and the fingerprints it writes."""

    current: list[int] = attrs.field(factory=list)
    recompute: dict[int, list[Month]] = attrs.field(factory=dict)
    prints: list[tuple[int, Month, str]] = attrs.field(factory=list)
    others: dict[int, Child] = attrs.field(factory=dict)


def _plan(
    uow: BillingUnitOfWork,
    organisation: BillingOrganisation,
    month: Month,
    earlier: Sequence[Month],
    loaded: BoundMonths,
) -> _Plan:
    """Find the month's children and the earlier months whose inputs changed or are owed."""
    plan = _Plan()
    window = loaded.subjects
    for code in window.codes(month):
        child = window.subject(code)
        assert child is not None
        if child.inactive:
            plan.prints.append((code, month, INACTIVE))  # enrolled, deliberately not billed
        else:
            plan.current.append(code)
    if not earlier:
        return plan
    org = organisation.id
    stored = uow.billing.fingerprints(org, earlier[0], month)
    with_prints = {m for _code, m in stored}
    legacy = [m for m in earlier if m not in with_prints]
    legacy_billed: set[tuple[int, Month]] = set()
    if legacy:  # months billed before fingerprints were kept: recompute what they billed
        wanted = set(legacy)
        for entry in uow.billing.billed(org, legacy[0], legacy[-1].next()):
            if entry.month in wanted:
                legacy_billed.add((entry.child_code, entry.month))
    candidates = (
        set(window.data.children) | {c for c, _m in stored} | {c for c, _m in legacy_billed}
    )
    for code in sorted(candidates):
        child = window.subject(code)
        # the earlier months to look at, with what was stored for each
        looked: list[tuple[Month, str | None]] = []
        for m in earlier:
            was = stored.get((code, m))
            if was is None:
                # owed: enrolled, active, never computed (a late record); only in months
                # whose run kept fingerprints (an older run did not record whom it skipped)
                owed = (
                    m in with_prints
                    and child is not None
                    and not child.inactive
                    and window.enrolled(code, m)
                )
                if not owed and (code, m) not in legacy_billed:
                    continue
            elif was == INACTIVE:
                continue  # the child was not billed for it on purpose
            looked.append((m, was))
        if not looked:
            continue
        months = [m for m, _was in looked]
        now = [ABSENT] * len(months) if child is None else window.fingerprints(code, months)
        changed = [(m, d) for (m, was), d in zip(looked, now, strict=True) if d != was]
        if not changed:
            continue
        if child is None:
            found = plan.others.get(code) or uow.children.find(org, code)
            if found is None:
                continue  # the child record is gone: nothing can be recomputed
            plan.others[code] = found
        plan.recompute[code] = [m for m, _d in changed]
        plan.prints.extend((code, m, d) for m, d in changed)
    return plan


def _child_error(code: int, exc: FeeRuleError) -> BillingError:
    return _error(
        "billing.child",
        sl=f"Obračun otroka {code} ni mogoč: {exc.sl}",
        en=f"Child {code} cannot be billed: {exc.en}",
        where=f"child {code}",
    )


def _compute_bills(
    organisation: BillingOrganisation,
    month: Month,
    loaded: BoundMonths,
    plan: _Plan,
    billed: Mapping[int, Sequence[BilledEntry]],
    progress: Progress | None,
) -> list[ChildBill]:
    window = loaded.subjects
    current = set(plan.current)
    codes = sorted(current | set(plan.recompute))
    total = len(codes)
    if progress is not None:
        progress(0, total)
    bills: list[ChildBill] = []
    for done, code in enumerate(codes, start=1):
        child = window.subject(code) or plan.others[code]
        try:
            statement: FeeStatement | None = None
            if code in current:
                computed = loaded.compute(code, child, month)
                statement = computed.statement
                plan.prints.append((code, month, computed.fingerprint))
                left = child.exit_date is not None and child.exit_date < month.first
                if left and not statement.lines:
                    statement = None  # loaded for a possible late exit notice; owes nothing
            found: tuple[CorrectionLine, ...] = ()
            recomputed: dict[Month, FeeStatement] = {}
            months = plan.recompute.get(code)
            if months:
                recomputed = {m: loaded.recompute(code, child, m) for m in months}
                was = [entry.billed_amount() for entry in billed.get(code, ())]
                found = differences(month, code, was, recomputed)
        except FeeRuleError as exc:
            raise _child_error(code, exc) from exc
        if statement is not None or found:
            bills.append(
                ChildBill(
                    child=child,
                    statement=statement,
                    corrections=found,
                    recomputed=recomputed,
                    billed=tuple(billed.get(code, ())),
                )
            )
        if progress is not None:
            progress(done, total)
    return bills


def _used_decisions(bills: Iterable[ChildBill]) -> list[str]:
    used: set[str] = set()
    for bill in bills:
        if bill.statement is not None:
            used.update(line.decision_id for line in bill.statement.lines if line.decision_id)
        for line in bill.corrections:
            used.update(line.decision_ids)
    return sorted(used)


def _lock_month(uow: BillingUnitOfWork, organisation_id: str, run: BillingRun) -> None:
    """Lock what a closed month used: its decisions and the prices in force through it."""
    used = [
        decision_id
        for decision_id in uow.billing.run_decisions(organisation_id, run.id)
        if uow.decisions.find(organisation_id, decision_id) is not None
    ]
    uow.decision_locks.lock(organisation_id, used, run.id)
    programs = [p.code for p in uow.programs.for_organisation(organisation_id)]
    uow.price_locks.lock(organisation_id, programs, run.month.last, run.id)
    # A school's meal settings and a care home's settings, when the organisation has them.
    for kind, settings in (
        (LockKind.SCHOOL_MEALS, uow.school_meals.settings(organisation_id)),
        (LockKind.CARE_HOME, uow.care_home.settings(organisation_id)),
    ):
        if settings is not None:
            uow.price_locks.lock(organisation_id, [SETTINGS], run.month.last, run.id, kind=kind)


def _bill(
    uow: BillingUnitOfWork,
    organisation: BillingOrganisation,
    month: Month,
    issued_on: date,
    progress: Progress | None,
    closed_on: date | None,
    stage: Stage | None,
    stage_with_month: StageWithMonth | None,
    plug: BoundPlug,
) -> BillingResult:
    org = organisation.id
    uow.billing.claim(org, month)
    runs = uow.billing.runs(org)
    previous = _check_month(runs, org, month)
    if previous is not None:
        _give_back(uow, previous)
    earlier = _window_months(organisation, runs, month)
    loaded = _load(uow, organisation, plug, earlier[0] if earlier else month, month)
    plan = _plan(uow, organisation, month, earlier, loaded)
    per_child: dict[int, list[BilledEntry]] = {}
    if plan.recompute:
        for entry in uow.billing.billed(org, earlier[0], month, children=plan.recompute):
            per_child.setdefault(entry.child_code, []).append(entry)
    bills = _compute_bills(organisation, month, loaded, plan, per_child, progress)
    run = BillingRun(organisation_id=org, id=str(month), month=month, issued_on=issued_on)
    first = {series: uow.billing.last_serial(org, month.year, series) + 1 for series in _SERIES}
    issued = issue(organisation, run, bills, loaded.data.guardians, first)
    documents = issued.documents
    run = attrs.evolve(
        run,
        invoice_count=sum(1 for d in documents if d.kind is DocumentKind.INVOICE),
        credit_note_count=sum(1 for d in documents if d.kind is DocumentKind.CREDIT_NOTE),
        total=sum((d.amount for d in documents), _ZERO),
    )
    if closed_on is not None:
        run = attrs.evolve(run, status=RunStatus.CLOSED, closed_on=closed_on)
    result = BillingResult(
        run=run,
        documents=documents,
        statements=tuple(b.statement for b in bills if b.statement is not None),
        corrections=tuple(line for b in bills for line in b.corrections),
    )
    digest: str | None = None
    if stage is not None:
        digest = stage(result)
    elif stage_with_month is not None:
        digest = stage_with_month(result, uow.load_month(org, month))
    if digest is not None:
        run = attrs.evolve(run, files=FilesState.STAGED, files_digest=digest)
        result = attrs.evolve(result, run=run)
    uow.billing.add_run(run)
    uow.billing.add_invoices(documents)
    uow.billing.add_billed(issued.entries)
    uow.billing.add_fingerprints(
        Fingerprint(organisation_id=org, run_id=run.id, child_code=code, month=m, digest=digest)
        for code, m, digest in plan.prints
    )
    uow.billing.add_run_decisions(org, run.id, _used_decisions(bills))
    for series, serial in issued.last_serials.items():
        uow.billing.set_last_serial(org, month.year, serial, series)
    if closed_on is not None:
        _lock_month(uow, org, run)
    return result


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
    closed_on: date | None = None,
    stage: Stage | None = None,
    stage_with_month: StageWithMonth | None = None,
    pause_collector: bool = True,
    plug: BoundPlug | None = None,
) -> BillingResult:
    """Bill ``month`` for ``organisation`` (see the module docs for the steps).

    Args:
        organisation: Who is billed, with the fee rules and reference scheme.
        month: The month to bill.
        ports: The storage (:class:`~szo_core.billing.ports.BillingStorage`).
        issued_on: The issue date of the documents.
        progress: Called as ``progress(done, total)`` before the first child and
            after each one.
        closed_on: Also close the run on this day, in the same transaction
            (as :func:`close_run` would).
        stage: Called with the result before the commit, to write its files
            beside their target; returns their digest, stored in the run with
            :attr:`~szo_core.billing.FilesState.STAGED` (see :func:`mark_files_written`).
        stage_with_month: Instead of ``stage``: called with the result and the
            billed month's records, read in the same transaction, for files
            that need the payers too (:func:`szo_core.billing.folder.bill_to_folder`
            writes the payment files this way).
        pause_collector: Pause Python's cyclic garbage collector while the run
            computes and builds its documents (the default), as
            :func:`~szo_core.fees.compute_month` does: the records built hold no
            reference cycles, and with the collector on, the growing heap
            triggers full collections that walk every object of the process
            again (about 40 % of a run in ``benchmarks/bench_billing.py``).  The
            pause is process-wide and ends with the run, also on an error;
            ``progress`` and ``stage`` are called during it.  False leaves the
            collector alone.
        plug: The fee engine (:mod:`szo_core.fees.plug`); by default the one of
            the organisation's :attr:`~szo_core.billing.BillingOrganisation.kind`
            (:func:`~szo_core.fees.plug.plug_for`).  Its kind must be the
            organisation's.

    Returns:
        The run, its documents, the statements and the corrections.

    Raises:
        BillingConflict: ``billing.in_progress`` (another run is going on),
            ``billing.closed`` (the month is closed) or ``billing.conflict``
            (another run committed first).
        ConfigurationError: ``billing.plug_kind`` (the plug's kind is not the
            organisation's), ``fees.plug.kind`` (no plug for the kind).
        BillingError: ``billing.open_earlier_run``,
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
    if plug is None:
        plug = _default_plug(organisation.kind)
    elif plug.kind is not organisation.kind:
        raise ConfigurationError(
            "billing.plug_kind",
            sl="Obračun te vrste organizacije ne ustreza njeni vrsti.",
            en="The fee engine given is for another kind of organisation.",
            where="plug",
        )
    if stage is not None and stage_with_month is not None:
        raise ConfigurationError(
            "billing.stage_twice",
            sl="Podajte stage ali stage_with_month, ne obeh.",
            en="Give stage or stage_with_month, not both.",
            where="stage_with_month",
        )
    with ports.unit_of_work() as uow:
        try:
            with collector_paused(pause_collector):
                result = _bill(
                    uow,
                    organisation,
                    month,
                    issued_on,
                    progress,
                    closed_on,
                    stage,
                    stage_with_month,
                    plug,
                )
            uow.commit()
        except ConcurrencyConflict as exc:
            raise _as_conflict(exc, organisation.id, month) from None
        except StorageError as exc:
            if exc.code in ("storage.duplicate", "storage.conflict"):
                raise _as_conflict(exc, organisation.id, month) from None
            raise
    return result


def _no_run(organisation_id: str, month: Month) -> BillingError:
    return _error(
        "billing.no_run",
        sl=f"Za {_month_label(month)} ni obračuna.",
        en=f"There is no billing run for {month}.",
        where=f"billing {organisation_id}/{month}",
    )


def close_run(
    organisation_id: str, month: Month, ports: BillingStorage, *, closed_on: date
) -> BillingRun:
    """Close the open run of ``month``; lock the decisions it used and the prices in force.

    Every program of the organisation is locked through the month's last day:
    its price entries in force up to that day can no longer change
    (:class:`~szo_core.ports.PriceLocks`); a new price is a new dated entry.  A
    school's meal settings and a care home's settings are locked the same way
    (:mod:`szo_core.fees.locks`: their dated prices up to that day and their
    undated rules).

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
                raise _no_run(organisation_id, month)
            if run.is_closed:
                raise _closed(organisation_id, month)
            _lock_month(uow, organisation_id, run)
            closed = uow.billing.update_run(
                attrs.evolve(run, status=RunStatus.CLOSED, closed_on=closed_on)
            )
            uow.commit()
        except ConcurrencyConflict as exc:
            raise _as_conflict(exc, organisation_id, month) from None
    return closed


def mark_files_written(
    organisation_id: str, month: Month, ports: BillingStorage, *, digest: str
) -> BillingRun:
    """Record that the staged files of ``month``'s run are in place.

    Args:
        organisation_id: The organisation.
        month: The run's month.
        ports: The storage.
        digest: The digest the files were staged with; a run staged with
            another digest (a later run of the month) is left as it is.

    Returns:
        The run as stored.

    Raises:
        BillingError: ``billing.no_run`` when the month has no run.

    >>> from szo_core.adapters.memory_billing import MemoryBillingStore
    >>> mark_files_written("o", Month(2026, 9), MemoryBillingStore(), digest="x")
    Traceback (most recent call last):
    ...
    szo_core.errors.BillingError: billing.no_run: ...
    """
    with ports.unit_of_work() as uow:
        try:
            run = uow.billing.find_run(organisation_id, month)
            if run is None:
                raise _no_run(organisation_id, month)
            if run.files is not FilesState.STAGED or run.files_digest != digest:
                return run
            written = uow.billing.update_run(attrs.evolve(run, files=FilesState.WRITTEN))
            uow.commit()
        except ConcurrencyConflict as exc:
            raise _as_conflict(exc, organisation_id, month) from None
    return written
