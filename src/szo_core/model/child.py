"""The child (koristnik, otrok) record and its dated group history.

A :class:`Child` belongs to one organisation and is identified there by its
``code`` (the organisation's number for it; the allowed width is the registry's
configuration, see :class:`szo_core.registry.RegistryConfig`).  Enrollment and
exit dates are both **inclusive**: a child with ``exit_date=date(2025, 6, 30)``
still attends on 30 June.

Which group and program a child is in over time is a tuple of
:class:`GroupAssignment` s, each valid from its ``valid_from`` until the next one
starts, so a change decided today for September is stored now and shows up as
an upcoming change until then.

>>> from datetime import date
>>> child = Child(
...     organisation_id="org", code=101, first_name="Ana", last_name="Novak",
...     enrollment_date=date(2024, 9, 1),
...     groups=(
...         GroupAssignment(valid_from=date(2024, 9, 1), group_code="A1", program_code="I"),
...         GroupAssignment(valid_from=date(2025, 9, 1), group_code="B2", program_code="II"),
...     ),
... )
>>> child.group_on(date(2025, 6, 2)).group_code
'A1'
>>> child.upcoming_changes(date(2025, 6, 2))[0].group_code
'B2'
>>> child.is_enrolled_on(date(2024, 8, 31))
False
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import attrs

from szo_core.errors import InvalidComponent, InvalidType
from szo_core.ids._pii import emso_repr, tax_number_repr
from szo_core.ids.emso import Sex
from szo_core.model import _validators as v
from szo_core.model.parties import Address, GuardianLink, InvoiceDelivery, Payer, PaymentMethod

__all__ = ["Child", "GroupAssignment", "ResidenceChange", "TaxpayerChange"]

_str = v.instance_of(str)
_opt_str = v.optional(v.instance_of(str))
_opt_date = v.optional(v.instance_of(date))
_bool = v.instance_of(bool)


@attrs.frozen(kw_only=True)
class GroupAssignment:
    """A child's group and program from ``valid_from`` until the next assignment starts.

    >>> GroupAssignment(valid_from=date(2025, 9, 1), group_code="B2", program_code="II")
    GroupAssignment(valid_from=datetime.date(2025, 9, 1), group_code='B2', program_code='II')
    """

    valid_from: date = attrs.field(validator=v.instance_of(date))
    group_code: str = attrs.field(validator=_str)
    program_code: str = attrs.field(validator=_str)


@attrs.frozen(kw_only=True)
class ResidenceChange:
    """The child's municipality of residence (and so its regresor) from ``valid_from`` on.

    A family that moves is recorded as a change, never by editing
    :attr:`Child.municipality_code`: the months before the move keep their
    municipality, so a billed month is not "corrected" by a move that came later.

    Attributes:
        valid_from: The first day the new residence counts for billing.
        municipality_code: The official code of the new municipality of residence
            (None: not known, the host municipality pays).
        regresor_id: Who pays the difference from that day
            (:class:`~szo_core.model.Regresor`); None: the municipality itself.

    >>> ResidenceChange(valid_from=date(2026, 10, 1), municipality_code=62).regresor_id is None
    True
    """

    valid_from: date = attrs.field(validator=v.instance_of(date))
    municipality_code: int | None = attrs.field(validator=v.optional(v.instance_of(int)))
    regresor_id: str | None = attrs.field(default=None, validator=_opt_str)


@attrs.frozen(kw_only=True)
class TaxpayerChange:
    """Whether the parents are Slovenian income-tax payers, from ``valid_from`` on.

    Attributes:
        valid_from: The first day the status counts for billing.
        taxpayers: False when the parents are not Slovenian income-tax payers
            (they pay the full price).

    >>> TaxpayerChange(valid_from=date(2026, 3, 1), taxpayers=False).taxpayers
    False
    """

    valid_from: date = attrs.field(validator=v.instance_of(date))
    taxpayers: bool = attrs.field(validator=_bool)


def _sorted_by_valid_from(
    code: str, what_sl: str, what_en: str, where: str
) -> Callable[[object, attrs.Attribute[Any], Sequence[ResidenceChange | TaxpayerChange]], None]:
    def check(
        _instance: object,
        _attribute: attrs.Attribute[Any],
        value: Sequence[ResidenceChange | TaxpayerChange],
    ) -> None:
        if len(value) < 2:
            return  # none or one entry is sorted and has no repeats
        starts = [entry.valid_from for entry in value]
        if starts != sorted(set(starts)):
            raise InvalidComponent(
                code,
                sl=f"{what_sl} morajo biti urejene po datumu, brez ponovitev.",
                en=f"{what_en} must be sorted by date, without repeats.",
                where=where,
            )

    return check


def _sorted_groups(
    _instance: object,
    _attribute: attrs.Attribute[tuple[GroupAssignment, ...]],
    value: tuple[GroupAssignment, ...],
) -> None:
    if len(value) < 2:
        return  # none or one assignment is sorted and has no repeats
    starts = [g.valid_from for g in value]
    if starts != sorted(set(starts)):
        raise InvalidComponent(
            "child.groups.order",
            sl="Razporeditve v skupine morajo biti urejene po datumu, brez ponovitev.",
            en="Group assignments must be sorted by date, without repeats.",
            where="groups",
        )


def _groups_tuple(value: Sequence[GroupAssignment]) -> tuple[GroupAssignment, ...]:
    return v.to_tuple(value)


def _residence_tuple(value: Sequence[ResidenceChange]) -> tuple[ResidenceChange, ...]:
    return v.to_tuple(value)


def _taxpayer_tuple(value: Sequence[TaxpayerChange]) -> tuple[TaxpayerChange, ...]:
    return v.to_tuple(value)


def _links_tuple(value: Sequence[GuardianLink]) -> tuple[GuardianLink, ...]:
    return v.to_tuple(value)


def _exit_not_before_enrollment(
    instance: Child, _attribute: attrs.Attribute[date | None], value: date | None
) -> None:
    enrolled = instance.enrollment_date
    if value is not None and enrolled is not None and value < enrolled:
        raise InvalidComponent(
            "child.exit.before_enrollment",
            sl="Datum izpisa ne sme biti pred datumom vpisa.",
            en="The exit date cannot be before the enrollment date.",
            where="exit_date",
        )


def _code(_instance: object, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidType(
            "record.type",
            sl="Šifra otroka mora biti celo število (int).",
            en="A child's code must be a whole number (int).",
            where="Child.code",
        )
    if value < 1:
        raise InvalidComponent(
            "child.code.not_positive",
            sl="Šifra otroka mora biti pozitivno celo število.",
            en="A child's code must be a positive whole number.",
            where="code",
        )


@attrs.frozen(kw_only=True)
class Child:
    """A child (koristnik): who it is, where it lives, who pays, and when it attends.

    Identifiers (``emso``, ``tax_number``) are stored as entered and checked by
    :func:`szo_core.registry.validate_child`; ``repr()`` never shows them.

    Attributes:
        organisation_id: The organisation the record belongs to.
        code: The organisation's number for the child (a positive int; width per
            :class:`~szo_core.registry.RegistryConfig`).
        first_name: First name, or two (``"Ana Marija"``).
        last_name: Surname, or two (``"Novak Kovač"``).
        sex: Sex, or None if not entered (:func:`~szo_core.registry.fill_from_emso`
            fills it from the EMŠO).
        birth_date: Birth date, or None if not entered.
        birth_place: Place of birth.
        emso: EMŠO as entered (hidden in ``repr()``).
        tax_number: Tax number as entered (hidden in ``repr()``).
        citizenship: ISO 3166-1 alpha-2 code, ``"SI"`` by default.
        permanent_address: Permanent address (stalno prebivališče).
        temporary_address: Temporary address (začasno prebivališče), if any.
        municipality_code: Official code of the municipality of residence until
            the first :attr:`residence_changes` entry (for all time when there is
            none); the municipality that usually pays the difference.
        regresor_id: Who pays the difference (:class:`~szo_core.model.Regresor`)
            until the first :attr:`residence_changes` entry.
        residence_changes: Dated moves (:class:`ResidenceChange`), sorted by
            ``valid_from``: each sets the municipality and regresor from its day
            on (:meth:`municipality_on`, :meth:`regresor_on`).
        groups: Dated group and program history (:class:`GroupAssignment`).
        adapted_program: The child is in an adapted program (reported to CEUVIZ).
        special_needs: The child has special needs (otrok s posebnimi potrebami).
        companion: The child has a companion (an extra teacher, spremljevalec).
        card_number: Attendance card number; may repeat (the registry warns).
        employee_id: Link to an employee record (a child of an employee).
        contract_number: Number of the contract with the parents.
        contract_signed_on: Date the contract was signed.
        contract_ends_on: Date the contract ends, if fixed.
        enrollment_date: First day of attendance (arrival), inclusive.
        exit_date: Last day of attendance, inclusive; None while enrolled; never
            before ``enrollment_date`` (``child.exit.before_enrollment``).
        exit_notice_on: The day the exit (izpis) was announced, for municipalities
            that bill to the end of the month of notice
            (:attr:`szo_core.fees.ExitRule.NOTICE_BY_DAY`); None if not recorded.
        parents_taxpayers: False when the parents are not Slovenian income-tax
            payers; they then pay the full price
            (:attr:`szo_core.fees.FeeRules.non_taxpayer_coefficient`).  The status
            until the first :attr:`taxpayer_changes` entry.
        taxpayer_changes: Dated changes of the parents' tax status
            (:class:`TaxpayerChange`), sorted by ``valid_from``
            (:meth:`taxpayers_on`).
        family_order: The child's order among all the children of the family (1
            for the oldest), as stated on the application; the 2021 sibling rule
            frees the third and later child whether or not a sibling is enrolled.
            None: only siblings enrolled here are counted.
        newcomer: Enrolled for the first time this school year (novinec).
        went_to_other_kindergarten: Left for another kindergarten.
        inactive: Kept for history only; not billed.
        notes: Internal notes (never printed).
        printable_notes: Notes printed on lists (allergies, diet).
        guardians: Links to guardian records, with the kind of link.
        payer: Who pays; None means not entered (a payment group member takes the
            lead's).
        applicant: Who applied for the decision on reduced payment (vlagatelj).
        payment: The payment instrument (UPN slip by default).
        delivery: How invoices reach the payer (printed by default).
        contact_email: The e-mail address on the child's contact (a parent or
            the family); an invoice sent by e-mail goes there as a copy (Cc)
            when it differs from the payer's address.  "" when none.
        payment_group_lead: Merged payment (skupni UPN / SDD): the code of the
            group's lead child; the lead's own code for the lead itself; None
            when the child pays alone.
        version: Optimistic-concurrency version, kept by the storage adapter.
    """

    organisation_id: str = attrs.field(validator=_str)
    code: int = attrs.field(validator=_code)
    first_name: str = attrs.field(default="", validator=_str)
    last_name: str = attrs.field(default="", validator=_str)
    sex: Sex | None = attrs.field(default=None, validator=v.optional(v.instance_of(Sex)))
    birth_date: date | None = attrs.field(default=None, validator=_opt_date)
    birth_place: str = attrs.field(default="", validator=_str)
    emso: str = attrs.field(default="", validator=_str, repr=emso_repr)
    tax_number: str = attrs.field(default="", validator=_str, repr=tax_number_repr)
    citizenship: str = attrs.field(default="SI", validator=_str)
    permanent_address: Address = attrs.field(factory=Address, validator=v.instance_of(Address))
    temporary_address: Address | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(Address))
    )
    municipality_code: int | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(int))
    )
    regresor_id: str | None = attrs.field(default=None, validator=_opt_str)
    residence_changes: tuple[ResidenceChange, ...] = attrs.field(
        default=(),
        converter=_residence_tuple,
        validator=[
            v.deep_iterable(v.instance_of(ResidenceChange)),
            _sorted_by_valid_from(
                "child.residence.order",
                "Spremembe prebivališča",
                "Residence changes",
                "residence_changes",
            ),
        ],
    )
    groups: tuple[GroupAssignment, ...] = attrs.field(
        default=(),
        converter=_groups_tuple,
        validator=[v.deep_iterable(v.instance_of(GroupAssignment)), _sorted_groups],
    )
    adapted_program: bool = attrs.field(default=False, validator=_bool)
    special_needs: bool = attrs.field(default=False, validator=_bool)
    companion: bool = attrs.field(default=False, validator=_bool)
    card_number: str = attrs.field(default="", validator=_str)
    employee_id: str | None = attrs.field(default=None, validator=_opt_str)
    contract_number: str = attrs.field(default="", validator=_str)
    contract_signed_on: date | None = attrs.field(default=None, validator=_opt_date)
    contract_ends_on: date | None = attrs.field(default=None, validator=_opt_date)
    enrollment_date: date | None = attrs.field(default=None, validator=_opt_date)
    exit_date: date | None = attrs.field(
        default=None, validator=[_opt_date, _exit_not_before_enrollment]
    )
    exit_notice_on: date | None = attrs.field(default=None, validator=_opt_date)
    parents_taxpayers: bool = attrs.field(default=True, validator=_bool)
    taxpayer_changes: tuple[TaxpayerChange, ...] = attrs.field(
        default=(),
        converter=_taxpayer_tuple,
        validator=[
            v.deep_iterable(v.instance_of(TaxpayerChange)),
            _sorted_by_valid_from(
                "child.taxpayer.order",
                "Spremembe davčnega statusa",
                "Tax status changes",
                "taxpayer_changes",
            ),
        ],
    )
    family_order: int | None = attrs.field(
        default=None, validator=v.optional(v.and_(v.instance_of(int), v.ge(1)))
    )
    newcomer: bool = attrs.field(default=False, validator=_bool)
    went_to_other_kindergarten: bool = attrs.field(default=False, validator=_bool)
    inactive: bool = attrs.field(default=False, validator=_bool)
    notes: str = attrs.field(default="", validator=_str)
    printable_notes: str = attrs.field(default="", validator=_str)
    guardians: tuple[GuardianLink, ...] = attrs.field(
        default=(),
        converter=_links_tuple,
        validator=v.deep_iterable(v.instance_of(GuardianLink)),
    )
    payer: Payer | None = attrs.field(default=None, validator=v.optional(v.instance_of(Payer)))
    applicant: Payer | None = attrs.field(default=None, validator=v.optional(v.instance_of(Payer)))
    payment: PaymentMethod = attrs.field(
        factory=PaymentMethod, validator=v.instance_of(PaymentMethod)
    )
    delivery: InvoiceDelivery = attrs.field(
        factory=InvoiceDelivery, validator=v.instance_of(InvoiceDelivery)
    )
    contact_email: str = attrs.field(default="", validator=_str)
    payment_group_lead: int | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(int))
    )
    version: int = attrs.field(default=0, validator=v.and_(v.instance_of(int), v.ge(0)))

    @property
    def full_name(self) -> str:
        """First name(s) and surname(s), separated by a space.

        >>> Child(organisation_id="o", code=1, first_name="Ana Marija",
        ...       last_name="Novak Kovač").full_name
        'Ana Marija Novak Kovač'
        """
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)

    @property
    def is_payment_group_lead(self) -> bool:
        """True if the child leads a merged payment group (its lead code is its own)."""
        return self.payment_group_lead == self.code

    @property
    def is_payment_group_member(self) -> bool:
        """True if the child pays through another child's merged payment group."""
        return self.payment_group_lead is not None and self.payment_group_lead != self.code

    def is_enrolled_on(self, day: date) -> bool:
        """True if ``day`` is between the enrollment and exit dates, both inclusive.

        >>> c = Child(organisation_id="o", code=1, enrollment_date=date(2025, 3, 10),
        ...           exit_date=date(2025, 6, 30))
        >>> c.is_enrolled_on(date(2025, 3, 10)), c.is_enrolled_on(date(2025, 6, 30))
        (True, True)
        >>> c.is_enrolled_on(date(2025, 7, 1))
        False
        """
        if self.enrollment_date is None or day < self.enrollment_date:
            return False
        return self.exit_date is None or day <= self.exit_date

    def group_on(self, day: date) -> GroupAssignment | None:
        """Return the group assignment in force on ``day``, or None before the first one."""
        found: GroupAssignment | None = None
        for assignment in self.groups:
            if assignment.valid_from > day:
                break
            found = assignment
        return found

    def program_on(self, day: date) -> str | None:
        """Return the code of the program the child is in on ``day``, or None.

        >>> c = Child(organisation_id="o", code=1, groups=(
        ...     GroupAssignment(valid_from=date(2025, 1, 1), group_code="A", program_code="I"),))
        >>> c.program_on(date(2025, 2, 1)), c.program_on(date(2024, 12, 31))
        ('I', None)
        """
        assignment = self.group_on(day)
        return None if assignment is None else assignment.program_code

    def residence_on(self, day: date) -> tuple[int | None, str | None]:
        """Return ``(municipality_code, regresor_id)`` in force on ``day``.

        >>> c = Child(organisation_id="o", code=1, municipality_code=61, residence_changes=(
        ...     ResidenceChange(valid_from=date(2026, 10, 15), municipality_code=62),))
        >>> c.residence_on(date(2026, 10, 14)), c.residence_on(date(2026, 10, 15))
        ((61, None), (62, None))
        """
        found: tuple[int | None, str | None] = (self.municipality_code, self.regresor_id)
        for change in self.residence_changes:
            if change.valid_from > day:
                break
            found = (change.municipality_code, change.regresor_id)
        return found

    def municipality_on(self, day: date) -> int | None:
        """Return the code of the municipality of residence on ``day``."""
        return self.residence_on(day)[0]

    def regresor_on(self, day: date) -> str | None:
        """Return the regresor's id in force on ``day`` (None: the municipality itself)."""
        return self.residence_on(day)[1]

    def taxpayers_on(self, day: date) -> bool:
        """Return whether the parents are Slovenian income-tax payers on ``day``.

        >>> c = Child(organisation_id="o", code=1, taxpayer_changes=(
        ...     TaxpayerChange(valid_from=date(2026, 3, 1), taxpayers=False),))
        >>> c.taxpayers_on(date(2026, 2, 28)), c.taxpayers_on(date(2026, 3, 1))
        (True, False)
        """
        found = self.parents_taxpayers
        for change in self.taxpayer_changes:
            if change.valid_from > day:
                break
            found = change.taxpayers
        return found

    def fact_changes_between(self, first: date, last: date) -> tuple[date, ...]:
        """Days in ``first`` < day <= ``last`` on which a dated fact changes.

        The dated facts are the group history, the residence and the parents' tax
        status; the fee engine splits a month at these days.

        >>> c = Child(organisation_id="o", code=1, taxpayer_changes=(
        ...     TaxpayerChange(valid_from=date(2026, 3, 16), taxpayers=False),))
        >>> c.fact_changes_between(date(2026, 3, 1), date(2026, 3, 31))
        (datetime.date(2026, 3, 16),)
        """
        days = {
            entry.valid_from
            for history in (self.groups, self.residence_changes, self.taxpayer_changes)
            for entry in history
            if first < entry.valid_from <= last
        }
        return tuple(sorted(days))

    def with_residence_change(self, change: ResidenceChange) -> Child:
        """Return a copy with ``change`` added (replacing one that starts the same day).

        >>> c = Child(organisation_id="o", code=1, municipality_code=61).with_residence_change(
        ...     ResidenceChange(valid_from=date(2026, 10, 1), municipality_code=62))
        >>> c.municipality_on(date(2026, 10, 1)), c.municipality_code
        (62, 61)
        """
        kept = [r for r in self.residence_changes if r.valid_from != change.valid_from]
        ordered = sorted([*kept, change], key=lambda r: r.valid_from)
        return attrs.evolve(self, residence_changes=tuple(ordered))

    def with_taxpayer_change(self, change: TaxpayerChange) -> Child:
        """Return a copy with ``change`` added (replacing one that starts the same day)."""
        kept = [t for t in self.taxpayer_changes if t.valid_from != change.valid_from]
        ordered = sorted([*kept, change], key=lambda t: t.valid_from)
        return attrs.evolve(self, taxpayer_changes=tuple(ordered))

    def upcoming_changes(self, as_of: date) -> tuple[GroupAssignment, ...]:
        """Return the assignments that start after ``as_of`` (decided, not yet in force)."""
        return tuple(g for g in self.groups if g.valid_from > as_of)

    def with_group_change(self, assignment: GroupAssignment) -> Child:
        """Return a copy with ``assignment`` added (replacing one that starts the same day).

        >>> c = Child(organisation_id="o", code=1).with_group_change(
        ...     GroupAssignment(valid_from=date(2025, 9, 1), group_code="B", program_code="II"))
        >>> c.group_on(date(2025, 9, 1)).group_code
        'B'
        """
        kept = [g for g in self.groups if g.valid_from != assignment.valid_from]
        ordered = sorted([*kept, assignment], key=lambda g: g.valid_from)
        return attrs.evolve(self, groups=tuple(ordered))
