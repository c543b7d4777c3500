"""The plug: what a kind of organisation gives the one billing machinery.

Billing runs, numbering, corrections (poračun), credit notes, payment
instructions, UPN, pain.008 and the invoice documents are one machinery
(:mod:`szo_core.billing`).  Each kind of organisation
(:class:`~szo_core.model.OrganisationKind`) plugs in its own pure fee engine
through a :class:`FeePlug`, a small protocol of two methods:

* :meth:`FeePlug.load` reads, through the ports and in the run's unit of work,
  everything the months of a run need (the billed month and the earlier months
  of its correction window) and returns it as :class:`LoadedMonths`: the
  subjects billed in each month (children, pupils, students, residents: the
  register's :class:`~szo_core.model.Child` records), each subject's inputs for a
  month, and their **fingerprint** (a digest of the inputs: equal digests mean an
  equal result, so an earlier month is recomputed, and corrected, only when its
  inputs changed);
* :meth:`FeePlug.compute` is the pure engine: from one subject's inputs for one
  month it returns the shared :class:`~szo_core.fees.FeeStatement` (lines with
  the payer, the formula, the unrounded and rounded amount and the legal source).

:func:`plug_for` gives the plug of a kind; :func:`szo_core.billing.run_billing`
uses the one of :attr:`~szo_core.billing.BillingOrganisation.kind`.  The
kindergarten engine is the first plug
(:class:`~szo_core.fees.kindergarten.plug.KindergartenPlug`); school meals,
dormitories and care homes follow the same protocol.

A plug is generic in its inputs; billing handles every plug the same way
through :func:`bind`, which hides the inputs' type behind a
:class:`BoundPlug`.

>>> from szo_core.model import OrganisationKind
>>> from szo_core.fees.kindergarten.plug import KindergartenPlug
>>> str(bind(KindergartenPlug()).kind)
'kindergarten'
>>> str(plug_for(OrganisationKind.KINDERGARTEN).kind)
'kindergarten'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

import attrs

from szo_core.calendar import Month
from szo_core.errors import ConfigurationError
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.statement import FeeStatement
from szo_core.model import Child, OrganisationKind

if TYPE_CHECKING:
    from szo_core.billing.records import BillingOrganisation
    from szo_core.ports import MonthData, UnitOfWork

__all__ = [
    "BoundMonths",
    "BoundPlug",
    "Computed",
    "FeePlug",
    "LoadedMonths",
    "Subjects",
    "bind",
    "plug_for",
]

I = TypeVar("I")  # noqa: E741 - the inputs' type, one letter as is usual for type variables


class Subjects(Protocol):
    """The part of :class:`LoadedMonths` that does not depend on the inputs' type."""

    @property
    def data(self) -> MonthData:
        """The register's records of the run's months (guardians are read from it)."""
        ...

    def codes(self, month: Month) -> list[int]:
        """The codes of the subjects to consider in ``month``, sorted."""
        ...

    def subject(self, code: int) -> Child | None:
        """The subject's record, if the subject is in the loaded months."""
        ...

    def enrolled(self, code: int, month: Month) -> bool:
        """True if the subject counts for ``month`` (is one of :meth:`codes`)."""
        ...

    def fingerprints(self, code: int, months: Sequence[Month]) -> list[str]:
        """The digests of the subject's ``months`` (a subject in the loaded months).

        Equal to :meth:`LoadedMonths.fingerprint` of each month's inputs; a plug
        may compute them without building the inputs.
        """
        ...


class LoadedMonths(Subjects, Protocol[I]):
    """What a plug loaded for a billing run: subjects, inputs and fingerprints per month."""

    def inputs(self, code: int, month: Month) -> I:
        """The engine's inputs for the subject's ``month``.

        A subject not in the loaded months gets the organisation's shared inputs only.
        """
        ...

    def fingerprint(self, month: Month, subject: Child, inputs: I) -> str:
        """The digest of ``inputs`` (with the subject and the month's shared facts)."""
        ...


class FeePlug(Protocol[I]):
    """A kind of organisation's fee engine, as the billing run uses it (see the module docs)."""

    @property
    def kind(self) -> OrganisationKind:
        """The kind of organisation the plug bills."""
        ...

    def load(
        self, uow: UnitOfWork, organisation: BillingOrganisation, first: Month, month: Month
    ) -> LoadedMonths[I]:
        """Read the months ``first`` ... ``month`` through the ports (one unit of work)."""
        ...

    def compute(self, month: Month, subject: Child, inputs: I, rules: FeeRules) -> FeeStatement:
        """The subject's statement for ``month``: a pure function of its arguments."""
        ...


@attrs.frozen
class Computed:
    """A subject's statement for a month and the fingerprint of its inputs."""

    statement: FeeStatement
    fingerprint: str


@attrs.frozen
class BoundMonths:
    """:class:`LoadedMonths` with the plug's engine bound to it (the inputs stay inside)."""

    subjects: Subjects
    """The loaded months (their subjects and fingerprints)."""
    compute: Callable[[int, Child, Month], Computed]
    """``compute(code, subject, month)``: the statement and the fingerprint of its inputs."""
    recompute: Callable[[int, Child, Month], FeeStatement]
    """``recompute(code, subject, month)``: the statement only (an earlier month)."""

    @property
    def data(self) -> MonthData:
        """The register's records of the loaded months."""
        return self.subjects.data


@attrs.frozen
class BoundPlug:
    """A plug whose inputs' type is hidden: what :func:`~szo_core.billing.run_billing` calls."""

    kind: OrganisationKind
    open: Callable[[UnitOfWork, BillingOrganisation, Month, Month], BoundMonths]
    """``open(uow, organisation, first, month)``: load the months and bind the engine."""


def bind(plug: FeePlug[I]) -> BoundPlug:
    """Hide ``plug``'s inputs' type so billing can hold any plug.

    See the module example.
    """

    def open_(
        uow: UnitOfWork, organisation: BillingOrganisation, first: Month, month: Month
    ) -> BoundMonths:
        loaded = plug.load(uow, organisation, first, month)
        rules = organisation.rules

        def compute(code: int, subject: Child, at: Month) -> Computed:
            inputs = loaded.inputs(code, at)
            statement = plug.compute(at, subject, inputs, rules)
            return Computed(statement, loaded.fingerprint(at, subject, inputs))

        def recompute(code: int, subject: Child, at: Month) -> FeeStatement:
            return plug.compute(at, subject, loaded.inputs(code, at), rules)

        return BoundMonths(loaded, compute, recompute)

    return BoundPlug(plug.kind, open_)


def plug_for(kind: OrganisationKind) -> BoundPlug:
    """The plug of an organisation's ``kind``, bound (:func:`bind`).

    Raises:
        ConfigurationError: ``fees.plug.kind`` when ``kind`` is not an
            :class:`~szo_core.model.OrganisationKind` with a plug.

    >>> plug_for("hospital")  # type: ignore[arg-type]
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: fees.plug.kind: ...
    """
    # Imported here: the plugs read through the billing window, which imports this package.
    from szo_core.fees.care_home.plug import CareHomePlug
    from szo_core.fees.dormitory.plug import DormitoryPlug
    from szo_core.fees.kindergarten.plug import KindergartenPlug
    from szo_core.fees.school_meals.plug import SchoolMealsPlug

    plugs: dict[OrganisationKind, Callable[[], BoundPlug]] = {
        OrganisationKind.KINDERGARTEN: lambda: bind(KindergartenPlug()),
        OrganisationKind.SCHOOL: lambda: bind(SchoolMealsPlug()),
        OrganisationKind.CARE_HOME: lambda: bind(CareHomePlug()),
        OrganisationKind.DORMITORY: lambda: bind(DormitoryPlug()),
    }
    found = plugs.get(kind) if isinstance(kind, OrganisationKind) else None
    if found is None:
        raise ConfigurationError(
            "fees.plug.kind",
            sl="Za to vrsto organizacije ni obračuna (vrtec, šola, dijaški dom, dom starejših).",
            en="No fee engine for this kind of organisation (kindergarten, school, dormitory, "
            "care home).",
            where="organisation.kind",
        )
    return found()
