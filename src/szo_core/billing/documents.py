"""Turn a run's fee statements and corrections into numbered documents.

:func:`issue` is the pure step of a billing run between the fee engine and
storage.  From each child's statement for the month and its corrections it
makes:

* for the **parents** (a subject's own payer, :attr:`~szo_core.fees.PayerKind.is_own`:
  in a care home the **resident** and each **liable relative** on their own): one
  document per child and payer, the month's fee lines and then the corrections by
  month;
* for each **municipality** (regresor, host or other): one document for the
  month with the list of its children (:class:`~szo_core.billing.ListEntry`:
  child, applicant, days, price, the parents' coefficient and the
  municipality's amount; then corrections by month), and one line per month;
* for the **state**: one claim (:attr:`~szo_core.billing.DocumentKind.CLAIM`)
  with the same kind of list, unnumbered (the ministry collects it through
  CEUVIZ); a care home's **care fund** (the care part of the new regime) gets
  its claim the same way (:attr:`~szo_core.fees.PayerKind.is_claim`).

A document with a negative amount is a **credit note** (dobropis): numbered in
its own series, without a payment reference, with the months and documents it
corrects.  A 0.00 document takes no number: it is left out, or kept for the
record unnumbered (:class:`~szo_core.billing.ZeroInvoices`).  Invoices are
numbered gap-free from ``first_serials`` in document order (the parents' by
child code, then the municipalities' by payer kind and id; the claim last).

>>> from szo_core.fees import FeeRules
>>> from datetime import date
>>> org = BillingOrganisation(id="o", rules=FeeRules(host_municipality=61))
>>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
...                  issued_on=date(2026, 10, 1))
>>> issue(org, run, [], {}, {}).documents
()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from szo_core.billing.records import (
    CORRECTION,
    LIST,
    BilledEntry,
    BillingOrganisation,
    BillingRun,
    CorrectedDocument,
    DocumentKind,
    Invoice,
    InvoiceLine,
    ListEntry,
    ZeroInvoices,
    document_number,
)
from szo_core.billing.references import invoice_reference
from szo_core.calendar import Month
from szo_core.fees import CorrectionLine, FeeLine, FeeStatement, LineKind, PayerKind
from szo_core.model import Child, Guardian, Payer
from szo_core.model import PayerKind as WhoPays

__all__ = ["ChildBill", "Issued", "issue", "person_name"]

_ZERO = Decimal("0.00")
_RANK = {kind: i for i, kind in enumerate(PayerKind)}
_SERIES = (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)

Payer_ = tuple[PayerKind, str]


@attrs.frozen(kw_only=True)
class ChildBill:
    """What one child is billed in a run, before numbering.

    Attributes:
        child: The child record.
        statement: The month's statement, or None (not billed this month).
        corrections: The corrections of earlier months.
        recomputed: The recomputed statements of the corrected months.
        billed: What was billed before for the corrected months (for the
            numbers of the documents a correction corrects).
    """

    child: Child
    statement: FeeStatement | None
    corrections: tuple[CorrectionLine, ...] = ()
    recomputed: Mapping[Month, FeeStatement] = attrs.field(factory=dict)
    billed: tuple[BilledEntry, ...] = ()


@attrs.frozen(kw_only=True)
class Issued:
    """The documents of a run and what it billed.

    Attributes:
        documents: In order, with positions from 1.
        entries: What was billed per child, month and payer, with the number
            of the document that carried it.
        last_serials: The last serial used per series (only series that
            issued a number).
    """

    documents: tuple[Invoice, ...]
    entries: tuple[BilledEntry, ...]
    last_serials: Mapping[DocumentKind, int]


def _label(month: Month) -> str:
    return f"{month.month:02d}/{month.year}"


def person_name(who: Payer | None, child: Child, guardians: Mapping[str, Guardian]) -> str:
    """The name of a payer or applicant (a guardian, another party, the child).

    None: the child's first linked guardian, else the child.

    >>> person_name(None, Child(organisation_id="o", code=1, first_name="Ana",
    ...             last_name="Novak"), {})
    'Ana Novak'
    """
    if who is not None and who.kind is WhoPays.OTHER and who.party is not None:
        return who.party.name
    guardian_id: str | None = None
    if who is None:
        guardian_id = child.guardians[0].guardian_id if child.guardians else None
    elif who.kind is WhoPays.GUARDIAN:
        guardian_id = who.guardian_id
    guardian = guardians.get(guardian_id) if guardian_id is not None else None
    return guardian.full_name if guardian is not None else child.full_name


def _applicant(child: Child, guardians: Mapping[str, Guardian]) -> str:
    return person_name(child.applicant or child.payer, child, guardians)


def _fee_line(line: FeeLine, month: Month) -> InvoiceLine:
    return InvoiceLine(
        kind=str(line.kind),
        description=f"{line.describe('sl')} {_label(month)}",
        amount=line.amount,
        start=line.start,
        end=line.end,
        decision_ids=(line.decision_id,) if line.decision_id else (),
    )


def _correction_line(line: CorrectionLine) -> InvoiceLine:
    return InvoiceLine(
        kind=CORRECTION,
        description=(
            f"poračun {_label(line.original_month)}: obračunano {line.billed}, pravilno {line.due}"
        ),
        amount=line.amount,
        original_month=line.original_month,
        decision_ids=line.decision_ids,
    )


def _facts(statement: FeeStatement | None) -> tuple[int, int, Decimal | None, Decimal | None]:
    """Days, days in month, price and the parents' coefficient of a statement."""
    if statement is None:
        return 0, 0, None, None
    price: Decimal | None = None
    coefficient: Decimal | None = None
    for line in statement.lines:
        if line.kind is LineKind.SHARE:
            if price is None:
                price = line.price
            if coefficient is None and line.payer.is_own:
                coefficient = line.coefficient
    return statement.days_enrolled, statement.days_in_month, price, coefficient


@attrs.define
class _Draft:
    """A document before numbering."""

    payer: PayerKind
    payer_id: str
    child_code: int | None
    lines: list[InvoiceLine] = attrs.field(factory=list)
    entries: list[ListEntry] = attrs.field(factory=list)
    corrects: dict[tuple[Month, str | None], None] = attrs.field(factory=dict)
    billed: list[BilledEntry] = attrs.field(factory=list)
    per_month: dict[Month, Decimal] = attrs.field(factory=dict)

    @property
    def amount(self) -> Decimal:
        if self.lines:
            return sum((line.amount for line in self.lines), _ZERO)
        return sum(self.per_month.values(), _ZERO)

    @property
    def is_list(self) -> bool:
        return self.child_code is None


def _corrected(bill: ChildBill, line: CorrectionLine) -> Iterable[tuple[Month, str | None]]:
    numbers = [
        e.document
        for e in bill.billed
        if e.month == line.original_month and e.payer is line.payer and e.payer_id == line.payer_id
    ]
    known = list(dict.fromkeys(n for n in numbers if n is not None))
    if not known:
        return [(line.original_month, None)]
    return [(line.original_month, n) for n in known]


class _Drafts:
    """The documents of a run being put together, child by child."""

    def __init__(
        self,
        organisation: BillingOrganisation,
        run: BillingRun,
        guardians: Mapping[str, Guardian],
    ) -> None:
        self.organisation = organisation
        self.run = run
        self.guardians = guardians
        self.parents: list[_Draft] = []
        self.lists: dict[Payer_, _Draft] = {}
        self._own: dict[Payer_, _Draft] = {}

    def start(self) -> None:
        """Begin a child: its parents' documents are its own."""
        self._own = {}

    def finish(self) -> None:
        """End a child: keep its parents' documents in payer order."""
        self.parents.extend(
            self._own[key] for key in sorted(self._own, key=lambda k: (_RANK[k[0]], k[1]))
        )

    def draft(self, bill: ChildBill, payer: PayerKind, payer_id: str) -> _Draft:
        key = (payer, payer_id)
        if payer.is_own:
            found = self._own.get(key)
            if found is None:
                found = self._own[key] = _Draft(payer, payer_id, bill.child.code)
            return found
        found = self.lists.get(key)
        if found is None:
            found = self.lists[key] = _Draft(payer, payer_id, None)
        return found

    def billed(self, bill: ChildBill, month: Month, payer: Payer_, amount: Decimal) -> BilledEntry:
        return BilledEntry(
            organisation_id=self.organisation.id,
            run_id=self.run.id,
            child_code=bill.child.code,
            month=month,
            payer=payer[0],
            payer_id=payer[1],
            amount=amount,
            billed_in=self.run.month,
        )

    def add_statement(self, bill: ChildBill, statement: FeeStatement) -> None:
        month = self.run.month
        days, in_month, price, coefficient = _facts(statement)
        for fee in statement.lines:
            draft = self.draft(bill, fee.payer, fee.payer_id)
            if not draft.is_list:
                draft.lines.append(_fee_line(fee, month))
        for key, amount in statement.payer_totals().items():
            draft = self.draft(bill, *key)
            draft.billed.append(self.billed(bill, month, key, amount))
            if draft.is_list:
                draft.per_month[month] = draft.per_month.get(month, _ZERO) + amount
                draft.entries.append(
                    ListEntry(
                        child_code=bill.child.code,
                        child_name=bill.child.full_name,
                        applicant=_applicant(bill.child, self.guardians),
                        month=month,
                        days=days,
                        days_in_month=in_month,
                        price=price,
                        coefficient=coefficient,
                        amount=amount,
                    )
                )

    def add_correction(self, bill: ChildBill, line: CorrectionLine) -> None:
        original = line.original_month
        key = (line.payer, line.payer_id)
        draft = self.draft(bill, *key)
        for corrected in _corrected(bill, line):
            draft.corrects[corrected] = None
        draft.billed.append(self.billed(bill, original, key, line.amount))
        if not draft.is_list:
            draft.lines.append(_correction_line(line))
            return
        days, in_month, price, coefficient = _facts(bill.recomputed.get(original))
        draft.entries.append(
            ListEntry(
                child_code=bill.child.code,
                child_name=bill.child.full_name,
                applicant=_applicant(bill.child, self.guardians),
                month=original,
                days=days,
                days_in_month=in_month,
                price=price,
                coefficient=coefficient,
                amount=line.amount,
                correction=True,
                billed=line.billed,
                due=line.due,
            )
        )
        draft.per_month[original] = draft.per_month.get(original, _ZERO) + line.amount

    def ordered(self) -> list[_Draft]:
        """The parents' documents by child, the municipalities' by payer, the claim last."""
        month = self.run.month
        lists = [
            self.lists[key]
            for key in sorted(self.lists, key=lambda k: (k[0].is_claim, _RANK[k[0]], k[1]))
        ]
        for draft in lists:
            for original in sorted(draft.per_month):  # the month first, then corrections
                amount = draft.per_month[original]
                if original == month:
                    draft.lines.insert(
                        0,
                        InvoiceLine(
                            kind=LIST,
                            description=f"seznam otrok {_label(month)}",
                            amount=amount,
                            start=month.first,
                            end=month.last,
                        ),
                    )
                else:
                    draft.lines.append(
                        InvoiceLine(
                            kind=CORRECTION,
                            description=f"poračun {_label(original)} po seznamu otrok",
                            amount=amount,
                            original_month=original,
                        )
                    )
        return self.parents + lists


def _drafts(
    organisation: BillingOrganisation,
    run: BillingRun,
    bills: Sequence[ChildBill],
    guardians: Mapping[str, Guardian],
) -> list[_Draft]:
    drafts = _Drafts(organisation, run, guardians)
    for bill in bills:
        drafts.start()
        if bill.statement is not None:
            drafts.add_statement(bill, bill.statement)
        for line in bill.corrections:
            drafts.add_correction(bill, line)
        drafts.finish()
    return drafts.ordered()


def issue(
    organisation: BillingOrganisation,
    run: BillingRun,
    bills: Sequence[ChildBill],
    guardians: Mapping[str, Guardian],
    first_serials: Mapping[DocumentKind, int],
) -> Issued:
    """Number the run's documents (see the module docs).

    Args:
        organisation: The organisation and its settings.
        run: The run (its id, month and issue date).
        bills: Each child's bill, ordered by child code.
        guardians: Guardians by id (for the applicants' names on the lists).
        first_serials: The first free serial of each series in the run's year
            (1 when missing).

    Returns:
        The documents, the billed entries, and the last serials used.

    Raises:
        BillingError: ``billing.reference.too_long`` when a reference does not fit.

    See the module example.
    """
    year = run.month.year
    next_serial = {kind: first_serials.get(kind, 1) for kind in _SERIES}
    documents: list[Invoice] = []
    entries: list[BilledEntry] = []
    last: dict[DocumentKind, int] = {}
    position = 0
    for draft in _drafts(organisation, run, bills, guardians):
        amount = draft.amount
        is_claim = draft.payer.is_claim
        serial: int | None = None
        number: str | None = None
        reference: str | None = None
        if is_claim:
            kind = DocumentKind.CLAIM
            keep = bool(draft.entries) and (
                any(e.amount for e in draft.entries)
                or organisation.zero_invoices is ZeroInvoices.UNNUMBERED
            )
        elif amount < 0:
            kind, keep = DocumentKind.CREDIT_NOTE, True
        else:
            kind = DocumentKind.INVOICE
            keep = amount > 0 or organisation.zero_invoices is ZeroInvoices.UNNUMBERED
        if keep and kind in _SERIES and amount != 0:
            serial = next_serial[kind]
            next_serial[kind] = serial + 1
            last[kind] = serial
            number = document_number(kind, year, serial, organisation.series)
            if kind is DocumentKind.INVOICE:
                reference = invoice_reference(
                    organisation.reference_scheme,
                    child_code=draft.child_code,
                    year=year,
                    serial=serial,
                )
        entries.extend(attrs.evolve(e, document=number) for e in draft.billed)
        if not keep:
            continue
        position += 1
        documents.append(
            Invoice(
                organisation_id=organisation.id,
                run_id=run.id,
                month=run.month,
                position=position,
                kind=kind,
                year=year,
                serial=serial,
                number=number,
                child_code=draft.child_code,
                payer=draft.payer,
                payer_id=draft.payer_id,
                amount=amount,
                reference=reference,
                issued_on=run.issued_on,
                lines=tuple(draft.lines),
                entries=tuple(draft.entries),
                corrects=tuple(
                    CorrectedDocument(month=m, number=n)
                    for m, n in sorted(draft.corrects, key=lambda k: (k[0], k[1] or ""))
                ),
            )
        )
    return Issued(documents=tuple(documents), entries=tuple(entries), last_serials=last)
