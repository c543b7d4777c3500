"""Records: frozen attrs classes for children, guardians, payers, programs, decisions ...

Every record is ``@attrs.frozen`` and keyword-only; collections are tuples and
changes are made with :func:`attrs.evolve`.  Money is :class:`~decimal.Decimal`,
dates are stdlib :class:`~datetime.date`.  Records that belong to an organisation
carry ``organisation_id`` and a ``version`` for optimistic concurrency (the
storage adapter bumps it).  ``repr()`` never shows an EMŠO, a tax number or an
IBAN.  The rules that work on records (code assignment, validation, merged
payment groups, decision locking) are in :mod:`szo_core.registry`.

>>> import attrs
>>> from szo_core.model import Child
>>> child = Child(organisation_id="org", code=7, first_name="Ana", last_name="Novak")
>>> attrs.evolve(child, last_name="Kovač").full_name
'Ana Kovač'
"""

from szo_core.model.attendance import Absence, Reservation, ReservationKind
from szo_core.model.child import Child, GroupAssignment, ResidenceChange, TaxpayerChange
from szo_core.model.decision import MAX_COEFFICIENT, Decision
from szo_core.model.municipality import (
    Municipality,
    Regresor,
    find_municipality,
    municipalities,
    municipality,
    municipality_data_source,
)
from szo_core.model.organisation import (
    BankAccount,
    InvoiceSeries,
    Organisation,
    OrganisationKind,
    ReferenceScheme,
)
from szo_core.model.parties import (
    Address,
    DeliveryKind,
    Guardian,
    GuardianKind,
    GuardianLink,
    InvoiceDelivery,
    Mandate,
    Party,
    Payer,
    PayerKind,
    PaymentKind,
    PaymentMethod,
)
from szo_core.model.payment_group import PaymentGroup
from szo_core.model.program import Group, Program, ProgramKind, ProgramPrice

__all__ = [
    "MAX_COEFFICIENT",
    "Absence",
    "Address",
    "BankAccount",
    "Child",
    "Decision",
    "DeliveryKind",
    "Group",
    "GroupAssignment",
    "Guardian",
    "GuardianKind",
    "GuardianLink",
    "InvoiceDelivery",
    "InvoiceSeries",
    "Mandate",
    "Municipality",
    "Organisation",
    "OrganisationKind",
    "Party",
    "Payer",
    "PayerKind",
    "PaymentGroup",
    "PaymentKind",
    "PaymentMethod",
    "Program",
    "ProgramKind",
    "ProgramPrice",
    "ReferenceScheme",
    "Regresor",
    "Reservation",
    "ReservationKind",
    "ResidenceChange",
    "TaxpayerChange",
    "find_municipality",
    "municipalities",
    "municipality",
    "municipality_data_source",
]
