"""Merged payment groups: resolution on any pointer graph, and the group errors."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from szo_core.ids import iban
from szo_core.model import Child, Mandate, Party, Payer, PaymentMethod
from szo_core.registry import resolve_payment_groups


@st.composite
def pointer_graphs(draw: st.DrawFn) -> list[Child]:
    """Children 1..n, each pointing nowhere, to itself, to another, or to a missing code."""
    n = draw(st.integers(1, 12))
    targets = st.one_of(st.none(), st.integers(1, n + 2))
    payers = st.one_of(st.none(), st.sampled_from(["g1", "g2"]).map(Payer.guardian))
    return [
        Child(
            organisation_id="o",
            code=code,
            payment_group_lead=draw(targets),
            payer=draw(payers),
        )
        for code in range(1, n + 1)
    ]


def _on_cycle(code: int, pointers: dict[int, int | None]) -> bool:
    # Independent check: step along member pointers len(pointers) times.
    current: int | None = code
    for _ in range(len(pointers)):
        target = pointers.get(current) if current is not None else None
        if target is None or target not in pointers or pointers[target] == target:
            return False
        if target == code:
            return True
        current = target
    return False


@given(pointer_graphs())
def test_resolution_ends_and_classifies_every_member(children: list[Child]) -> None:
    result = resolve_payment_groups(children)  # returns: no loop on any graph
    pointers = {c.code: c.payment_group_lead for c in children}
    leads = {c for c, p in pointers.items() if p == c}
    assert [g.lead_code for g in result.groups] == sorted(leads)
    errors = {e.where.key: e.code for e in result.report.errors if e.where.field != "payer"}
    for child in children:
        target = child.payment_group_lead
        group = result.group_of(child.code)
        if target is None:
            assert group is None
            assert str(child.code) not in errors
        elif target == child.code:
            assert group is not None
            assert group.lead_code == child.code
        elif target in leads:
            assert group is not None
            assert group.lead_code == target
            assert child.code in group.member_codes
        else:
            assert group is None
            expected = (
                "payment_group.lead_missing"
                if target not in pointers
                else "payment_group.cycle"
                if _on_cycle(child.code, pointers)
                else "payment_group.not_lead"
            )
            assert errors[str(child.code)] == expected
    # Every child appears in at most one group.
    listed = [code for g in result.groups for code in g.codes]
    assert len(listed) == len(set(listed))


@given(pointer_graphs())
def test_members_take_the_lead_payer_when_their_own_is_empty(children: list[Child]) -> None:
    result = resolve_payment_groups(children)
    differs = {e.where.key for e in result.report.errors if e.code == "payment_group.payer_differs"}
    by_code = {c.code: c for c in children}
    for group in result.groups:
        lead = by_code[group.lead_code]
        assert group.payer == lead.payer
        for code in group.member_codes:
            original, resolved = by_code[code], result.child(code)
            if original.payer is None:
                assert resolved.payer == lead.payer
            else:
                assert resolved.payer == original.payer
                assert (str(code) in differs) == (
                    lead.payer is not None and original.payer != lead.payer
                )


def _kid(code: int, lead: int | None, **kw: object) -> Child:
    return Child(organisation_id="o", code=code, payment_group_lead=lead, **kw)  # type: ignore[arg-type]


def test_group_pays_with_the_leads_mandate() -> None:
    mandate = Mandate(
        bank="NLB",
        iban=iban.make_si("02010", "00123456"),
        reference="SI00-101",
        signed_on=date(2024, 9, 1),
    )
    lead = _kid(101, 101, payer=Payer.guardian("g-1"), payment=PaymentMethod.direct_debit(mandate))
    member = _kid(102, 101, payment=PaymentMethod.upn())
    result = resolve_payment_groups([member, lead])
    (group,) = result.groups
    assert group.codes == (101, 102)
    assert group.payment.mandate == mandate
    assert result.child(102).payment.mandate == mandate
    assert result.child(102).payer == Payer.guardian("g-1")
    assert result.report.ok


def test_errors_in_both_languages() -> None:
    children = [
        _kid(1, 1, payer=Payer.guardian("g-1")),
        _kid(2, 1, payer=Payer.other(Party(name="Babica"))),  # payer differs
        _kid(3, 9),  # no child 9
        _kid(4, 2),  # 2 is a member, not a lead
        _kid(5, 6),  # 5 -> 6 -> 5
        _kid(6, 5),
    ]
    report = resolve_payment_groups(children).report
    messages = {(e.where.key, e.code): (e.message("sl"), e.message("en")) for e in report.errors}
    assert messages == {
        ("2", "payment_group.payer_differs"): (
            "Plačnik se razlikuje od plačnika nosilca skupnega plačila (otrok 1). (child 2: payer)",
            "The payer differs from the payer of the group's lead (child 1). (child 2: payer)",
        ),
        ("3", "payment_group.lead_missing"): (
            "Skupno plačilo kaže na otroka 9, ki ne obstaja. (child 3: payment_group_lead)",
            "The merged payment points to child 9, which does not exist. "
            "(child 3: payment_group_lead)",
        ),
        ("4", "payment_group.not_lead"): (
            "Skupno plačilo kaže na otroka 2, ki ni nosilec skupnega plačila. "
            "(child 4: payment_group_lead)",
            "The merged payment points to child 2, which does not lead a group. "
            "(child 4: payment_group_lead)",
        ),
        ("5", "payment_group.cycle"): (
            "Skupno plačilo se vrti v krogu: otroci kažejo drug na drugega, nobeden ni nosilec. "
            "(child 5: payment_group_lead)",
            "The merged payment goes round in a circle: the children point to each other and "
            "none is the lead. (child 5: payment_group_lead)",
        ),
        ("6", "payment_group.cycle"): (
            "Skupno plačilo se vrti v krogu: otroci kažejo drug na drugega, nobeden ni nosilec. "
            "(child 6: payment_group_lead)",
            "The merged payment goes round in a circle: the children point to each other and "
            "none is the lead. (child 6: payment_group_lead)",
        ),
    }


def test_child_itself_as_payer_is_a_different_person_per_child() -> None:
    report = resolve_payment_groups(
        [_kid(1, 1, payer=Payer.child()), _kid(2, 1, payer=Payer.child())]
    ).report
    assert [e.code for e in report.errors] == ["payment_group.payer_differs"]
