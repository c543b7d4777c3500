"""Invoice documents from a billing run: what each payer's invoice says, in plain words.

:func:`build_documents` turns the parents' numbered documents of a run (invoices
and credit notes) into :class:`~szo_core.invoices.InvoiceDocument` records, the
one input of the PDF and e-SLOG writers and of the delivery step.
:func:`~szo_core.billing.folder.bill_to_folder` calls it for every run of an
organisation with a record and hands the documents back in
:attr:`~szo_core.billing.folder.FolderResult.documents`.

Each fee line is written out from the statement line it came from:

* the program and month (``"Plačilo programa Celodnevni 1–3 let, september 2026"``),
  with the days counted of the month's working days, the parents' share of
  the price and the decision's number;
* a reservation with its days, a food deduction with its days and daily
  amount, a sibling exemption, a municipal discount;
* a correction (poračun) naming the month it corrects, what was billed and
  what is due.

Who pays and how the invoice reaches them follow the child record, and for a
member of a merged payment group the group lead's
(:func:`szo_core.registry.resolve_payment_groups`).  A merged group pays with
**one** slip or debit: it is printed on the group's last invoice (the highest
number), and the other invoices of the group name that invoice in
:attr:`~szo_core.invoices.InvoiceDocument.paid_with`, so a payer never gets
two slips for the same money.  Each invoice keeps its own number and lines.

Municipalities' and the state's documents are not built here (they are not
sent to payers).

>>> from szo_core.billing import BillingResult, BillingRun
>>> from szo_core.calendar import Month
>>> from szo_core.model import Address, BankAccount, Organisation
>>> from szo_core.payments.instructions import InstructionResult
>>> from szo_core.ports import MonthData
>>> from datetime import date
>>> run = BillingRun(organisation_id="o", id="2026-09", month=Month(2026, 9),
...                  issued_on=date(2026, 10, 1))
>>> build_documents(BillingResult(run=run, documents=(), statements=()),
...                 MonthData(organisation_id="o", month=Month(2026, 9)),
...                 Organisation(id="o", name="Vrtec", tax_number="12345679",
...                              registration_number="5012341000",
...                              accounts=(BankAccount(iban="SI56012616030012373"),)),
...                 InstructionResult(instructions=(), problems=()), due_on=date(2026, 10, 19))
()
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from szo_core.billing.payable import paying_party, with_country
from szo_core.billing.records import CORRECTION, BillingResult, Invoice, InvoiceLine
from szo_core.calendar import Month
from szo_core.errors import InvoiceError
from szo_core.fees import CorrectionLine, FeeLine, FeeStatement, LineKind, PayerKind
from szo_core.invoices.record import (
    Bilingual,
    CorrectedInvoice,
    DebitPayment,
    DocumentLine,
    DocumentType,
    InvoiceDocument,
    PartyInfo,
    SlipPayment,
    VatTreatment,
    default_vat,
)
from szo_core.model import Child, Organisation, Party, PaymentKind
from szo_core.payments import instructions as pay
from szo_core.payments.upn import UpnOrder, order_from_instruction
from szo_core.ports import MonthData
from szo_core.registry import resolve_payment_groups
from szo_core.templates.formatting import format_money, plural

__all__ = ["build_documents", "describe_line", "month_name", "seller_of"]

_NAMES: Mapping[str, tuple[str, str]] = {
    LineKind.SHARE: ("Plačilo programa", "Programme fee"),
    LineKind.FOOD: (
        "Odbitek hrane za napovedano odsotnost",
        "Food deduction for announced absence",
    ),
    LineKind.SIBLING: ("Oprostitev plačila za sorojence", "Sibling exemption"),
    LineKind.DISCOUNT: ("Dodatno znižanje občine", "Extra municipal discount"),
    LineKind.RESERVATION: ("Rezervacija", "Reservation"),
    LineKind.RESERVATION_REST: ("Rezervacija: razlika do cene", "Reservation: rest of the price"),
    LineKind.UNANNOUNCED: ("Nenapovedana odsotnost", "Unannounced absence"),
    LineKind.PRIVATE_REST: (
        "Razlika do cene zasebnega vrtca",
        "Rest of the private kindergarten's price",
    ),
    LineKind.ROUNDING: ("Razlika zaradi zaokroževanja", "Rounding difference"),
    LineKind.MEAL: ("Obroki", "Meals"),
    LineKind.SUBSIDY: ("Subvencija prehrane", "Meal subsidy"),
    LineKind.LATE_CANCELLATION: ("Prepozno odjavljeni obroki", "Meals cancelled too late"),
    LineKind.CARE: ("Oskrba", "Care"),
    LineKind.ROOM_EXTRA: ("Doplačilo za sobo", "Room extra"),
    LineKind.ACCOMMODATION: ("Nastanitev in prehrana", "Accommodation and food"),
    LineKind.CARE_PART: ("Del za oskrbo", "Care part"),
    LineKind.CAP: ("Omejitev na mesec", "Monthly cap"),
    LineKind.COVERED: ("Delež drugega plačnika", "Share paid by another payer"),
    LineKind.DORMITORY: ("Oskrbnina v dijaškem domu", "Dormitory fee"),
}
# Lines of the other kinds of organisation (schools, care homes, dormitories) priced per day:
# the detail shows "days × price a day"; a meal line's name names the meal.
_PER_DAY_KINDS = frozenset(
    {
        LineKind.MEAL,
        LineKind.SUBSIDY,
        LineKind.LATE_CANCELLATION,
        LineKind.CARE,
        LineKind.ROOM_EXTRA,
        LineKind.ACCOMMODATION,
        LineKind.CARE_PART,
    }
)
_MEALS = {
    "breakfast": ("zajtrk", "breakfast"),
    "malica": ("malica", "malica"),
    "lunch": ("kosilo", "lunch"),
    "snack": ("popoldanska malica", "afternoon snack"),
}


def month_name(month: Month, language: str = "sl") -> str:
    """The month as a line names it, by Babel's CLDR data.

    >>> month_name(Month(2026, 9)), month_name(Month(2026, 9), "en")
    ('september 2026', 'September 2026')
    """
    from babel.dates import format_date

    text: str = format_date(month.first, "LLLL y", locale="sl" if language == "sl" else "en")
    return text


def _eur(value: Decimal, language: str) -> str:
    return format_money(value, language)


def _days(n: int, language: str) -> str:
    """``"3 dnevi"`` / ``"3 days"``: the four Slovenian forms by CLDR's plural rule."""
    if language == "sl":
        return f"{n} {plural(n, 'dan', 'dneva', 'dnevi', 'dni')}"
    return f"{n} {plural(n, 'day', 'days', language='en')}"


def _percent(coefficient: Decimal, language: str) -> str:
    value = (coefficient * 100).normalize()
    text = f"{value:f}"
    return (text.replace(".", ",") if language == "sl" else text) + " %"


def _of_days(days: int, of: int, language: str) -> str:
    if language == "sl":
        return f"{days} od {of} delovnih dni"
    return f"{days} of {of} working days"


def describe_line(
    line: FeeLine, month: Month, *, program: str = "", decision: str = ""
) -> tuple[Bilingual, Bilingual]:
    r"""The name and the explanation of a fee line, in Slovenian and English.

    >>> from datetime import date
    >>> line = FeeLine(payer=PayerKind.PARENTS, payer_id="101", kind=LineKind.SHARE,
    ...     start=date(2026, 9, 1), end=date(2026, 9, 30), price=Decimal("540.00"),
    ...     days=22, days_in_month=22, coefficient=Decimal("0.35"),
    ...     amount=Decimal("189.00"))
    >>> name, detail = describe_line(line, Month(2026, 9), program="Dnevni 1–3",
    ...                              decision="1203-45/2026")
    >>> name.sl
    'Plačilo programa Dnevni 1–3, september 2026'
    >>> detail.sl
    '22 od 22 delovnih dni; 35 % cene 540,00\xa0€ po odločbi 1203-45/2026'
    >>> detail.en
    '22 of 22 working days; 35 % of the price €540.00 by decision 1203-45/2026'
    """
    sl_name, en_name = _NAMES[line.kind]
    if line.kind is LineKind.SHARE and program:
        sl_name, en_name = f"{sl_name} {program}", f"{en_name} {program}"
    if line.kind in _PER_DAY_KINDS and line.rule in _MEALS:
        meal_sl, meal_en = _MEALS[line.rule]
        sl_name, en_name = f"{sl_name}: {meal_sl}", f"{en_name}: {meal_en}"
    name = Bilingual(
        sl=f"{sl_name}, {month_name(month, 'sl')}", en=f"{en_name}, {month_name(month, 'en')}"
    )
    parts: dict[str, list[str]] = {"sl": [], "en": []}
    for lang, out in parts.items():
        if line.kind in (LineKind.SHARE, LineKind.PRIVATE_REST) and line.days:
            if line.per_day:
                per = "na dan" if lang == "sl" else "a day"
                out.append(f"{line.days} × {_eur(line.price, lang)} {per}")
            else:
                out.append(_of_days(line.days, line.days_in_month, lang))
        elif line.kind in (LineKind.RESERVATION, LineKind.RESERVATION_REST, LineKind.UNANNOUNCED):
            if line.days:
                out.append(_days(line.days, lang))
        elif line.kind in _PER_DAY_KINDS and line.days:
            per = "na dan" if lang == "sl" else "a day"
            out.append(f"{line.days} × {_eur(line.price, lang)} {per}")
        elif line.kind is LineKind.FOOD and line.food_days:
            per = "na dan" if lang == "sl" else "a day"
            out.append(f"{_days(line.food_days, lang)} × {_eur(line.food_per_day, lang)} {per}")
        share = line.coefficient
        if line.kind is LineKind.SHARE and not line.per_day and line.price:
            of_price = "cene" if lang == "sl" else "of the price"
            out.append(f"{_percent(share, lang)} {of_price} {_eur(line.price, lang)}")
        elif share not in (Decimal(1), Decimal(-1)) and line.kind is not LineKind.ROUNDING:
            out.append(_percent(abs(share), lang))
        if decision:
            by = "po odločbi" if lang == "sl" else "by decision"
            if out:
                out[-1] = f"{out[-1]} {by} {decision}"
            else:
                out.append(f"{by} {decision}")
    return name, Bilingual(sl="; ".join(parts["sl"]), en="; ".join(parts["en"]))


def _correction(
    line: InvoiceLine, numbers: Mapping[str, str], found: CorrectionLine | None
) -> tuple[Bilingual, Bilingual]:
    month = line.original_month
    assert month is not None  # a correction line always names its month
    name = Bilingual(
        sl=f"Poračun za {month_name(month, 'sl')}", en=f"Correction for {month_name(month, 'en')}"
    )
    decisions = [numbers.get(d, d) for d in line.decision_ids]
    sl: list[str] = []
    en: list[str] = []
    if found is not None:
        sl.append(f"obračunano {_eur(found.billed, 'sl')}, pravilno {_eur(found.due, 'sl')}")
        en.append(f"billed {_eur(found.billed, 'en')}, due {_eur(found.due, 'en')}")
    if decisions:
        sl.append(("odločba " if len(decisions) == 1 else "odločbe ") + ", ".join(decisions))
        en.append(("decision " if len(decisions) == 1 else "decisions ") + ", ".join(decisions))
    return name, Bilingual(sl="; ".join(sl), en="; ".join(en))


def seller_of(organisation: Organisation) -> PartyInfo:
    """The organisation as the seller on its invoices (its first account).

    >>> from szo_core.model import BankAccount
    >>> seller = seller_of(Organisation(id="o", name="Vrtec Mavrica", tax_number="12345679",
    ...     registration_number="5012341000",
    ...     accounts=(BankAccount(iban="SI56012616030012373", bic="BSLJSI2X"),)))
    >>> seller.name, seller.bic
    ('Vrtec Mavrica', 'BSLJSI2X')
    """
    account = organisation.accounts[0] if organisation.accounts else None
    return PartyInfo(
        name=organisation.name,
        address=organisation.address,
        tax_number=organisation.tax_number,
        registration_number=organisation.registration_number,
        iban="" if account is None else account.iban,
        bic="" if account is None else account.bic,
        bank="" if account is None else account.bank,
        email=organisation.email,
    )


def _buyer(child: Child, data: MonthData, iban: str, invoice: Invoice) -> PartyInfo:
    """The payer as :func:`~szo_core.billing.payable.paying_party` finds them.

    A care home's liable relative is the guardian its ``payer_id`` names.
    """
    relative = (
        data.guardians.get(invoice.payer_id.removeprefix("relative:"))
        if invoice.payer is PayerKind.RELATIVE
        else None
    )
    party = relative if relative is not None else paying_party(child, data.guardians)
    if party is None:
        return PartyInfo(
            name=child.full_name, address=with_country(child.permanent_address), iban=iban
        )
    name = party.name if isinstance(party, Party) else party.full_name
    return PartyInfo(
        name=name,
        address=with_country(party.address),
        tax_number=party.tax_number,
        email=party.email,
        iban=iban,
    )


def _match(
    statement: FeeStatement | None, invoice: Invoice, line: InvoiceLine, used: set[int]
) -> FeeLine | None:
    """The statement line an invoice line was made from (the invoice's own payer)."""
    if statement is None:
        return None
    for i, fee in enumerate(statement.lines):
        if i in used or fee.payer is not invoice.payer or fee.payer_id != invoice.payer_id:
            continue
        if (
            str(fee.kind) == line.kind
            and fee.amount == line.amount
            and fee.start == line.start
            and fee.end == line.end
        ):
            used.add(i)
            return fee
    return None


def _lines(
    invoice: Invoice,
    statement: FeeStatement | None,
    corrections: list[CorrectionLine],
    child: Child,
    data: MonthData,
    decisions: Mapping[str, str],
) -> tuple[DocumentLine, ...]:
    used: set[int] = set()
    out: list[DocumentLine] = []
    for position, line in enumerate(invoice.lines, start=1):
        if line.kind == CORRECTION:
            found = next(
                (
                    c
                    for c in corrections
                    if c.original_month == line.original_month and c.amount == line.amount
                ),
                None,
            )
            if found is not None:
                corrections.remove(found)
            name, detail = _correction(line, decisions, found)
            out.append(
                DocumentLine(
                    position=position,
                    kind=CORRECTION,
                    description=name,
                    detail=detail,
                    amount=line.amount,
                    corrects=line.original_month,
                    decision_number=", ".join(decisions.get(d, d) for d in line.decision_ids),
                )
            )
            continue
        fee = _match(statement, invoice, line, used)
        if fee is None:  # no statement line (an engine we do not know): keep the run's text
            text = Bilingual(sl=line.description, en=line.description)
            out.append(
                DocumentLine(
                    position=position,
                    kind=line.kind,
                    description=text,
                    amount=line.amount,
                    start=line.start,
                    end=line.end,
                )
            )
            continue
        program_code = child.program_on(fee.start)
        program = data.programs.get(program_code) if program_code else None
        decision = decisions.get(fee.decision_id, "") if fee.decision_id else ""
        name, detail = describe_line(
            fee,
            invoice.month,
            program=(program.name or program.code) if program is not None else "",
            decision=decision,
        )
        out.append(
            DocumentLine(
                position=position,
                kind=str(fee.kind),
                description=name,
                detail=detail,
                amount=line.amount,
                start=fee.start,
                end=fee.end,
                days=fee.days or None,
                days_in_month=fee.days_in_month or None,
                coefficient=fee.coefficient if fee.kind is LineKind.SHARE else None,
                decision_number=decision,
            )
        )
    return tuple(out)


def _payments(
    instructions: pay.InstructionResult,
    organisation: Organisation,
    orders: Mapping[str, UpnOrder],
    due_on: date,
) -> dict[str, tuple[SlipPayment | DebitPayment, str]]:
    """Per invoice number: the payment and the number of the invoice that carries it."""
    address = organisation.address
    iban = organisation.accounts[0].iban if organisation.accounts else ""
    out: dict[str, tuple[SlipPayment | DebitPayment, str]] = {}
    for instruction in instructions.instructions:
        payment: SlipPayment | DebitPayment
        if instruction.method is PaymentKind.UPN:
            order = orders.get(instruction.instruction_id) or order_from_instruction(
                instruction,
                deadline=due_on,
                purpose_code=organisation.purpose_code,
                recipient_iban=iban,
                recipient_name=organisation.name,
                recipient_street=address.street,
                recipient_city=f"{address.post_code} {address.city}".strip(),
            )
            payment = SlipPayment(
                instruction_id=instruction.instruction_id,
                order=order,
                invoice_numbers=instruction.invoice_numbers,
            )
        else:
            mandate = instruction.mandate
            payment = DebitPayment(
                instruction_id=instruction.instruction_id,
                amount=instruction.amount,
                debit_date=due_on,
                mandate_reference="" if mandate is None else mandate.reference,
                invoice_numbers=instruction.invoice_numbers,
            )
        carrier = max(instruction.invoice_numbers)
        for number in instruction.invoice_numbers:
            out[number] = (payment, carrier)
    return out


def build_documents(
    result: BillingResult,
    data: MonthData,
    organisation: Organisation,
    instructions: pay.InstructionResult,
    *,
    due_on: date,
    orders: Mapping[str, UpnOrder] | None = None,
    vat: VatTreatment | None = None,
    issued: Mapping[str, date] | None = None,
) -> tuple[InvoiceDocument, ...]:
    """The parents' invoice documents of a run (see the module docs).

    Args:
        result: The billing run's result.
        data: The billed month's records (children, guardians, programs).
        organisation: The organisation (the seller).
        instructions: The run's payment instructions
            (:func:`szo_core.payments.instructions.build_instructions`); an
            invoice held back gets no slip or debit.
        due_on: The due date of slips and the collection date of debits.
        orders: The UPN orders of the slips by instruction id, as
            :func:`~szo_core.billing.folder.bill_to_folder` filled them in; by
            default made here the same way.
        vat: The VAT treatment; by default :func:`~szo_core.invoices.default_vat`
            of the organisation's kind.
        issued: The issue dates of earlier documents by number, for the
            documents a credit note or correction refers to (the run's own
            are known).

    Raises:
        InvoiceError: ``invoice.child`` when a document's child is not in ``data``.
    """
    treatment = vat if vat is not None else default_vat(organisation.kind)
    seller = seller_of(organisation)
    resolved = resolve_payment_groups(cm.child for cm in data.children.values())
    by_code = {child.code: child for child in resolved.children}
    statements = {s.child_code: s for s in result.statements}
    corrections: dict[tuple[int, PayerKind, str], list[CorrectionLine]] = {}
    for c in result.corrections:
        if c.payer.is_own:
            corrections.setdefault((c.child_code, c.payer, c.payer_id), []).append(c)
    payments = _payments(instructions, organisation, orders or {}, due_on)
    known = {d.number: d.issued_on for d in result.documents if d.number is not None}
    known.update(issued or {})
    out: list[InvoiceDocument] = []
    for invoice in result.documents:
        if not invoice.payer.is_own or invoice.number is None:
            continue
        if invoice.child_code is None or invoice.child_code not in by_code:
            raise InvoiceError(
                "invoice.child",
                sl="Otroka z računa ni med podatki meseca.",
                en="The invoice's child is not among the month's records.",
                where=f"invoice {invoice.number}",
            )
        child = by_code[invoice.child_code]
        original = data.children[invoice.child_code]
        decisions = {d.id: d.number for d in original.decisions}
        payment, carrier = payments.get(invoice.number, (None, None))
        credit = invoice.is_credit_note
        out.append(
            InvoiceDocument(
                number=invoice.number,
                type=DocumentType.CREDIT_NOTE if credit else DocumentType.INVOICE,
                issued_on=invoice.issued_on,
                period=invoice.month,
                due_on=None if credit else due_on,
                seller=seller,
                buyer=_buyer(child, data, child.delivery.iban, invoice),
                child_name=original.child.full_name,
                child_code=invoice.child_code,
                lines=_lines(
                    invoice,
                    statements.get(invoice.child_code),
                    corrections.get((invoice.child_code, invoice.payer, invoice.payer_id), []),
                    child,
                    data,
                    decisions,
                ),
                total=invoice.amount,
                reference=invoice.reference,
                corrects=tuple(
                    CorrectedInvoice(
                        month=c.month,
                        number=c.number,
                        issued_on=known.get(c.number) if c.number else None,
                    )
                    for c in invoice.corrects
                ),
                payment=payment if carrier == invoice.number else None,
                paid_with=carrier if carrier is not None and carrier != invoice.number else None,
                delivery=child.delivery,
                copy_email=original.child.contact_email,
                vat=treatment,
                organisation_id=invoice.organisation_id,
                run_id=invoice.run_id,
            )
        )
    return tuple(out)
