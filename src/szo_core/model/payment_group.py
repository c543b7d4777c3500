"""Merged payment groups (skupni UPN, skupna SDD).

Several children (usually siblings) can be billed on one slip or one direct
debit.  The **lead** child's ``payment_group_lead`` is its own code; every
**member** points to the lead's code.  The group pays with the lead's payer and
the lead's payment instrument (a UPN slip, or the lead's mandate).  Groups are
built and checked by :func:`szo_core.registry.resolve_payment_groups`.

>>> from szo_core.model.parties import Payer, PaymentMethod
>>> group = PaymentGroup(lead_code=101, member_codes=(102, 103),
...                      payer=Payer.guardian("g-1"), payment=PaymentMethod.upn())
>>> group.codes
(101, 102, 103)
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from szo_core.model import _validators as v
from szo_core.model.parties import InvoiceDelivery, Payer, PaymentMethod

__all__ = ["PaymentGroup"]


def _codes_tuple(value: Sequence[int]) -> tuple[int, ...]:
    return v.to_tuple(value)


@attrs.frozen(kw_only=True)
class PaymentGroup:
    """A resolved merged payment group: the lead, its members, and how the group pays.

    Attributes:
        lead_code: The lead child's code (its payer code is its own code).
        member_codes: The other children's codes, in ascending order.
        payer: The group's payer (the lead's).
        payment: The group's payment instrument (the lead's).
        delivery: How the group's invoice is delivered (the lead's).
    """

    lead_code: int = attrs.field(validator=v.instance_of(int))
    member_codes: tuple[int, ...] = attrs.field(
        default=(), converter=_codes_tuple, validator=v.deep_iterable(v.instance_of(int))
    )
    payer: Payer | None = attrs.field(default=None, validator=v.optional(v.instance_of(Payer)))
    payment: PaymentMethod = attrs.field(
        factory=PaymentMethod, validator=v.instance_of(PaymentMethod)
    )
    delivery: InvoiceDelivery = attrs.field(
        factory=InvoiceDelivery, validator=v.instance_of(InvoiceDelivery)
    )

    @property
    def codes(self) -> tuple[int, ...]:
        """The lead's code followed by the members' codes."""
        return (self.lead_code, *self.member_codes)
