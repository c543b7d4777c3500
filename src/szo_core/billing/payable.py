"""Hand invoices to the payment step: :class:`~szo_core.payments.instructions.PayableInvoice`.

:func:`payable_invoices` converts the parents' invoices of a run that have
something to pay (an invoice, amount > 0) into the payment step's records.
Credit notes (dobropisi) never get a slip or a debit, nor do 0.00 invoices
kept for the record; municipalities are invoiced by e-invoice and the state
collects its claim, not by UPN or direct debit.  Who pays comes from the child
record:

* the payer is the child's :class:`~szo_core.model.Payer` (a guardian, the
  child, another party); with none given, the first linked guardian, else the
  child; members of a merged payment group take their lead's payer, payment
  method and group (:func:`szo_core.registry.resolve_payment_groups`);
* a direct debit carries the child's mandate (reference, signing date, IBAN),
  as :meth:`szo_core.payments.instructions.DebitMandate.from_record` copies it;
* the invoice's number and reference are kept, the description is
  ``"Oskrbnina MM/YYYY"``;
* a care home's resident (:attr:`~szo_core.fees.PayerKind.RESIDENT`) pays as the
  child record's payer does, like a kindergarten's parents;
* a care home's liable relative (:attr:`~szo_core.fees.PayerKind.RELATIVE`, its
  ``payer_id`` ``relative:<guardian id>``) pays their own invoice by UPN slip, as
  the guardian it names; a relative who is not a guardian of the month's records
  is ``billing.payable.relative``.

>>> from szo_core.calendar import Month
>>> from szo_core.ports import MonthData
>>> payable_invoices((), MonthData(organisation_id="o", month=Month(2026, 9)))
()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from szo_core.billing.records import Invoice
from szo_core.errors import BillingError
from szo_core.fees import PayerKind
from szo_core.model import Address, Child, Guardian, Party, PaymentKind
from szo_core.model import PayerKind as WhoPays
from szo_core.payments import instructions as pay
from szo_core.ports import MonthData
from szo_core.registry import resolve_payment_groups

__all__ = ["payable_invoices", "paying_party", "with_country"]

_RELATIVE = "relative:"


def with_country(address: Address) -> Address:
    """``address`` with its country, ``SI`` when none is given (payment files need one).

    >>> with_country(Address(street="Lepa 1", post_code="1000", city="Ljubljana",
    ...                      country="")).country
    'SI'
    """
    return address if address.country else attrs.evolve(address, country="SI")


def paying_party(child: Child, guardians: Mapping[str, Guardian]) -> Guardian | Party | None:
    """Who pays for ``child``: a guardian, another party, or None for the child itself.

    The child's :class:`~szo_core.model.Payer`; with none given, the first
    linked guardian, else the child.

    Raises:
        BillingError: ``billing.payable.guardian`` when the paying guardian is
            not in ``guardians``.

    >>> paying_party(Child(organisation_id="o", code=1), {}) is None
    True
    """
    payer = child.payer
    if payer is None:
        if not child.guardians:
            return None
        guardian_id = child.guardians[0].guardian_id
    elif payer.kind is WhoPays.GUARDIAN and payer.guardian_id is not None:
        guardian_id = payer.guardian_id
    elif payer.kind is WhoPays.OTHER and payer.party is not None:
        return payer.party
    else:
        return None
    guardian = guardians.get(guardian_id)
    if guardian is None:
        raise BillingError(
            "billing.payable.guardian",
            sl="Plačnik (skrbnik) ni med podatki meseca.",
            en="The payer (a guardian) is not among the month's records.",
            where=f"child {child.code}",
        )
    return guardian


def _payer(child: Child, data: MonthData) -> tuple[str, str, Address]:
    party = paying_party(child, data.guardians)
    if party is None:
        return f"child:{child.code}", child.full_name, child.permanent_address
    if isinstance(party, Party):
        return f"party:{party.name}", party.name, party.address
    return f"guardian:{party.id}", party.full_name, party.address


def _mandate(child: Child, name: str) -> pay.DebitMandate | None:
    mandate = child.payment.mandate
    if mandate is None or mandate.signed_on is None or not mandate.reference:
        return None
    return pay.DebitMandate.from_record(mandate, debtor_name=name)


def payable_invoices(
    invoices: Iterable[Invoice], data: MonthData
) -> tuple[pay.PayableInvoice, ...]:
    """Convert the own payers' payable invoices to the payment step's records (see the module docs).

    Args:
        invoices: Documents of a run; only the invoices of a subject's own payers
            (:attr:`~szo_core.fees.PayerKind.is_own`: parents, resident, relative)
            with an amount above 0.00 are converted (:attr:`~szo_core.billing.Invoice.is_payable`).
        data: The billed month's records (:meth:`szo_core.ports.UnitOfWork.load_month`).

    Raises:
        BillingError: ``billing.payable.child`` when an invoice's child is not in
            ``data``, ``billing.payable.guardian`` when its paying guardian is not,
            ``billing.payable.unnumbered`` for an invoice to pay without a number.
    """
    resolved = resolve_payment_groups(cm.child for cm in data.children.values())
    by_code = {child.code: child for child in resolved.children}
    out: list[pay.PayableInvoice] = []
    for invoice in invoices:
        if not invoice.payer.is_own or not invoice.is_payable:
            continue
        if invoice.number is None or invoice.reference is None or invoice.child_code is None:
            raise BillingError(
                "billing.payable.unnumbered",
                sl="Račun za plačilo nima številke, sklica ali otroka.",
                en="An invoice to pay has no number, reference or child.",
                where=f"invoice {invoice.run_id}/{invoice.position}",
            )
        child = by_code.get(invoice.child_code)
        if child is None:
            raise BillingError(
                "billing.payable.child",
                sl="Otroka z računa ni med podatki meseca.",
                en="The invoice's child is not among the month's records.",
                where=f"invoice {invoice.number}",
            )
        payer_id, name, address = _payer(child, data)
        debit = child.payment.kind is PaymentKind.DIRECT_DEBIT
        group = resolved.group_of(child.code)
        if invoice.payer is PayerKind.RELATIVE:
            relative = data.guardians.get(invoice.payer_id.removeprefix(_RELATIVE))
            if relative is None:
                raise BillingError(
                    "billing.payable.relative",
                    sl="Zavezanca z računa ni med skrbniki meseca; vnesite ga kot skrbnika.",
                    en="The invoice's liable relative is not among the month's guardians; "
                    "enter them as a guardian.",
                    where=f"invoice {invoice.number}",
                )
            payer_id, name, address = (
                f"guardian:{relative.id}",
                relative.full_name,
                relative.address,
            )
            debit, group = False, None  # their own slip: not the resident's debit or group
        out.append(
            pay.PayableInvoice(
                number=invoice.number,
                period=invoice.month,
                child_code=invoice.child_code,
                payer_id=payer_id,
                payer_name=name,
                payer_address=with_country(address),
                amount=invoice.amount,
                reference=invoice.reference,
                method=PaymentKind.DIRECT_DEBIT if debit else PaymentKind.UPN,
                mandate=_mandate(child, name) if debit else None,
                group_id=None if group is None else str(group.lead_code),
                description=f"Oskrbnina {invoice.month.month:02d}/{invoice.month.year}",
            )
        )
    return tuple(out)
