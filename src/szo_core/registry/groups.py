"""Merged payment groups (skupni UPN, skupna SDD): resolving and checking them.

A lead child's ``payment_group_lead`` is its own code; a member's is the lead's
code.  :func:`resolve_payment_groups` builds a :class:`~szo_core.model.PaymentGroup`
for every lead, copies the lead's payer to members that have none, gives members
the group's payment instrument and delivery, and reports members that point to a
missing child, to a child that is not a lead, round in a circle, or that have a
payer of their own other than the lead's.  It follows each pointer chain at most
once around, so it ends on any data, cycles included.

>>> from szo_core.model import Child, Payer
>>> kids = [
...     Child(organisation_id="o", code=1, payer=Payer.guardian("g"), payment_group_lead=1),
...     Child(organisation_id="o", code=2, payment_group_lead=1),
...     Child(organisation_id="o", code=3, payment_group_lead=4),
... ]
>>> result = resolve_payment_groups(kids)
>>> result.groups[0].codes
(1, 2)
>>> result.child(2).payer == Payer.guardian("g")
True
>>> result.report.errors[0].message("en")
'The merged payment points to child 4, which does not exist. (child 3: payment_group_lead)'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs
from attrs import validators as v

from szo_core.errors import NotFound
from szo_core.model import Child, Party, Payer, PayerKind, PaymentGroup
from szo_core.registry.report import Issue, Severity, ValidationReport, Where

__all__ = ["GroupResolution", "resolve_payment_groups"]


@attrs.frozen(kw_only=True)
class GroupResolution:
    """What :func:`resolve_payment_groups` found.

    Attributes:
        groups: One group per lead, ordered by the lead's code.
        children: The children as given (same order), with each valid member's
            empty payer filled from the lead and its payment instrument and
            delivery replaced by the group's.
        report: Errors about the groups.
    """

    groups: tuple[PaymentGroup, ...] = attrs.field(
        validator=v.deep_iterable(v.instance_of(PaymentGroup))
    )
    children: tuple[Child, ...] = attrs.field(validator=v.deep_iterable(v.instance_of(Child)))
    report: ValidationReport = attrs.field(validator=v.instance_of(ValidationReport))

    def group_of(self, code: int) -> PaymentGroup | None:
        """Return the group the child ``code`` leads or belongs to, or None."""
        for group in self.groups:
            if code in group.codes:
                return group
        return None

    def child(self, code: int) -> Child:
        """Return the resolved child with ``code``.

        Raises:
            szo_core.errors.NotFound: if there is no such child.
        """
        for item in self.children:
            if item.code == code:
                return item
        raise NotFound(
            "registry.child.not_found",
            sl=f"Otroka s šifro {code} ni.",
            en=f"There is no child with code {code}.",
            where="code",
        )


def _payer_key(payer: Payer, code: int) -> tuple[str, int | str | Party | None]:
    # "The child itself" means a different person for each child.
    if payer.kind is PayerKind.CHILD:
        return ("child", code)
    if payer.kind is PayerKind.GUARDIAN:
        return ("guardian", payer.guardian_id)
    return ("other", payer.party)


def _error(child: Child, code: str, field: str, sl: str, en: str) -> Issue:
    return Issue(
        code=code,
        severity=Severity.ERROR,
        sl=sl,
        en=en,
        where=Where(record="child", key=str(child.code), field=field),
    )


def _on_cycle(start: Child, by_code: dict[int, Child]) -> bool:
    """True if following ``payment_group_lead`` from ``start`` comes back to it."""
    seen: set[int] = set()
    current = start.payment_group_lead
    while current is not None and current not in seen and current in by_code:
        if current == start.code:
            return True
        seen.add(current)
        following = by_code[current].payment_group_lead
        if following == current:  # reached a lead
            return False
        current = following
    return False


def _pointer_issues(child: Child, by_code: dict[int, Child]) -> Iterator[Issue]:
    lead_code = child.payment_group_lead
    if lead_code not in by_code:
        yield _error(
            child,
            "payment_group.lead_missing",
            "payment_group_lead",
            f"Skupno plačilo kaže na otroka {lead_code}, ki ne obstaja.",
            f"The merged payment points to child {lead_code}, which does not exist.",
        )
    elif _on_cycle(child, by_code):
        yield _error(
            child,
            "payment_group.cycle",
            "payment_group_lead",
            "Skupno plačilo se vrti v krogu: otroci kažejo drug na drugega, nobeden ni nosilec.",
            "The merged payment goes round in a circle: the children point to each other "
            "and none is the lead.",
        )
    else:
        yield _error(
            child,
            "payment_group.not_lead",
            "payment_group_lead",
            f"Skupno plačilo kaže na otroka {lead_code}, ki ni nosilec skupnega plačila.",
            f"The merged payment points to child {lead_code}, which does not lead a group.",
        )


def resolve_payment_groups(children: Iterable[Child]) -> GroupResolution:
    """Build the merged payment groups and check every member's pointer and payer.

    Args:
        children: All children of the organisation (codes should be unique; for a
            repeated code the first child counts as the target of pointers).

    Returns:
        The groups, the resolved children and the errors found.
    """
    items = tuple(children)
    by_code: dict[int, Child] = {}
    for item in items:
        by_code.setdefault(item.code, item)
    leads = {c.code: c for c in items if c.is_payment_group_lead and by_code[c.code] is c}
    members: dict[int, list[int]] = {code: [] for code in leads}
    issues: list[Issue] = []
    resolved: list[Child] = []
    for child in items:
        target = child.payment_group_lead
        if target is None or target == child.code:  # pays alone, or leads
            resolved.append(child)
            continue
        lead = leads.get(target)
        if lead is None:
            issues.extend(_pointer_issues(child, by_code))
            resolved.append(child)
            continue
        members[lead.code].append(child.code)
        if (
            child.payer is not None
            and lead.payer is not None
            and _payer_key(child.payer, child.code) != _payer_key(lead.payer, lead.code)
        ):
            issues.append(
                _error(
                    child,
                    "payment_group.payer_differs",
                    "payer",
                    "Plačnik se razlikuje od plačnika nosilca skupnega plačila "
                    f"(otrok {lead.code}).",
                    f"The payer differs from the payer of the group's lead (child {lead.code}).",
                )
            )
        resolved.append(
            attrs.evolve(
                child,
                payer=child.payer if child.payer is not None else lead.payer,
                payment=lead.payment,
                delivery=lead.delivery,
            )
        )
    groups = tuple(
        PaymentGroup(
            lead_code=code,
            member_codes=tuple(sorted(members[code])),
            payer=lead.payer,
            payment=lead.payment,
            delivery=lead.delivery,
        )
        for code, lead in sorted(leads.items())
    )
    return GroupResolution(
        groups=groups, children=tuple(resolved), report=ValidationReport.of(issues)
    )
