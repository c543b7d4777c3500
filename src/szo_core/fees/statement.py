"""Fee statements that explain themselves: lines, totals, text, HTML and records.

A :class:`FeeStatement` is one child's bill for one month, split between payers
(:class:`PayerKind`): the parents, the state (sibling exemptions), and the
regresor municipality (the host municipality, or another one for a child who
lives elsewhere); in a care home the resident, each liable relative, the
municipality and the care fund (the care part of the new regime).  Each
:class:`FeeLine` carries its inputs (the price, the days counted out of the days
in the month, the food cost and the absent days, the coefficient), the rule and
its legal source, the decision or reservation it came from, and both the
unrounded and the rounded amount.  Every line follows
one formula, shown by :meth:`FeeLine.formula`::

    unrounded = coefficient × (price × days / days_in_month − food_days × food_per_day)

(with ``price × days`` for a per-day line), except where the note says the
amount was capped or absorbs the month's rounding difference.

>>> from datetime import date
>>> from decimal import Decimal
>>> line = FeeLine(payer=PayerKind.PARENTS, payer_id="101", kind=LineKind.SHARE,
...     start=date(2026, 9, 14), end=date(2026, 9, 30), price=Decimal("500.00"), days=13,
...     days_in_month=22, coefficient=Decimal("0.53"), rule="decision",
...     source="ZUPJS Art. 24", unrounded=Decimal("156.590909"), amount=Decimal("156.59"))
>>> line.formula()
'0.53 × 500.00 × 13/22'
"""

from __future__ import annotations

import enum
import html
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import attrs

from szo_core.calendar import Month
from szo_core.fees.kindergarten.rules import ClosureRule

__all__ = [
    "ClosedDay",
    "FeeLine",
    "FeeStatement",
    "LineKind",
    "PayerKind",
    "statements_to_records",
]

_ZERO = Decimal("0.00")


class PayerKind(enum.StrEnum):
    """Who pays a part of the price (in reading order: own payers, claims, lists).

    A kindergarten's (or school's, dormitory's) payers are the parents, the state
    and the regresor municipalities; a care home's are the resident, each liable
    relative, the municipalities and the care fund.
    """

    PARENTS = "parents"
    """The parents (their payer): the coefficient times the price."""
    RESIDENT = "resident"
    """A care home's resident (stanovalec), invoiced on its own; ``payer_id`` the
    resident's code."""
    RELATIVE = "relative"
    """A care home's liable relative (zavezanec, ZSV Art. 100), each invoiced on its own,
    told apart by ``payer_id`` ``relative:<guardian id>``."""
    STATE = "state"
    """The state budget (MVI): the sibling exemptions (ZVrt Art. 29)."""
    MUNICIPALITY = "municipality"
    """The host municipality as the child's regresor: the rest of the price."""
    OTHER_MUNICIPALITY = "other_municipality"
    """Another municipality, the regresor of a child who lives there (ZVrt Art. 28(4))."""
    CARE_FUND = "care_fund"
    """Who the care part of a new-regime care home is claimed from (ZDOsk-1): a claim
    like the state's, its ``payer_id`` the recipient (``ZZZS``)."""

    @property
    def is_own(self) -> bool:
        """True for a subject's own payers: parents, resident, relative.

        Each is invoiced on its own; the others are municipal lists or claims.

        >>> PayerKind.RESIDENT.is_own, PayerKind.MUNICIPALITY.is_own
        (True, False)
        """
        return self in _OWN

    @property
    def is_claim(self) -> bool:
        """True for the payers a claim (zahtevek) goes to: the state and the care fund.

        >>> PayerKind.CARE_FUND.is_claim, PayerKind.RELATIVE.is_claim
        (True, False)
        """
        return self in _CLAIM

    def label(self, language: str = "en") -> str:
        """The kind of payer in English (default) or Slovenian (``"sl"``).

        >>> PayerKind.RESIDENT.label("sl"), PayerKind.RELATIVE.label()
        ('stanovalec', 'liable relative')
        """
        en, sl = _PAYER_TEXT[self]
        return sl if language == "sl" else en


_OWN = frozenset({PayerKind.PARENTS, PayerKind.RESIDENT, PayerKind.RELATIVE})
_CLAIM = frozenset({PayerKind.STATE, PayerKind.CARE_FUND})
_CARE_HOME = frozenset({PayerKind.RESIDENT, PayerKind.RELATIVE, PayerKind.CARE_FUND})
_PAYER_TEXT = {
    PayerKind.PARENTS: ("parents", "starši"),
    PayerKind.STATE: ("state", "država"),
    PayerKind.MUNICIPALITY: ("municipality", "občina"),
    PayerKind.OTHER_MUNICIPALITY: ("other municipality", "druga občina"),
    PayerKind.RESIDENT: ("resident", "stanovalec"),
    PayerKind.RELATIVE: ("liable relative", "zavezanec"),
    PayerKind.CARE_FUND: ("care fund", "nosilec dolgotrajne oskrbe"),
}


class LineKind(enum.StrEnum):
    """What a statement line is."""

    SHARE = "share"
    """The payer's share of the pro-rated price."""
    FOOD = "food_deduction"
    """The payer's part of the food cost of announced absence days (negative)."""
    SIBLING = "sibling_exemption"
    """The state's sibling share: negative for the parents, positive for the state."""
    DISCOUNT = "extra_discount"
    """A municipality's extra discount: negative for the parents, positive for it."""
    RESERVATION = "reservation"
    """The reservation fee for reserved days (parents; the regresor's mirror line)."""
    RESERVATION_REST = "reservation_rest"
    """The price of reserved days less their food cost, paid by the regresor."""
    UNANNOUNCED = "unannounced_absence"
    """A charge for unannounced absence days (ZVrt-H), parents only, on top of the fee."""
    PRIVATE_REST = "private_rest"
    """A private kindergarten: the parents' rest of the private price (ZVrt Art. 34)."""
    ROUNDING = "rounding"
    """The cent that makes the parts add up to the rounded total, only when no payer's
    line can absorb it (normally the regresor's last share line does, with a note)."""
    MEAL = "meal"
    """School meals (or a dormitory's): the payer's part of ``price × days`` of one meal."""
    SUBSIDY = "subsidy"
    """The state's subsidy of a meal (ZŠolPre-1 Art. 7)."""
    LATE_CANCELLATION = "late_cancellation"
    """Meals cancelled too late, paid at the full price (ZŠolPre-1 Art. 10)."""
    CARE = "care"
    """A care home's daily price by care category (oskrbnina), days present."""
    ROOM_EXTRA = "room_extra"
    """A care home room's extra: a percentage of the Oskrba I daily price, a day."""
    ACCOMMODATION = "accommodation"
    """Accommodation and food a day (a new-regime care home, ZDOsk-1)."""
    CARE_PART = "care_part"
    """The care part of a new-regime resident, a separate claim (ZDOsk-1)."""
    CAP = "cap"
    """What a monthly cap takes off (negative)."""
    COVERED = "covered_share"
    """The part another payer covers by a decision (ZSV Art. 100): negative for the
    resident, positive for the liable relative or the municipality."""
    DORMITORY = "dormitory_fee"
    """A dormitory's monthly fee (oskrbnina) by its educational group."""


_KIND_TEXT = {
    LineKind.SHARE: ("share of the price", "delež cene"),
    LineKind.FOOD: ("food deduction", "odbitek hrane"),
    LineKind.SIBLING: ("sibling exemption", "oprostitev za sorojence"),
    LineKind.DISCOUNT: ("extra municipal discount", "dodatno znižanje občine"),
    LineKind.RESERVATION: ("reservation fee", "rezervacija"),
    LineKind.RESERVATION_REST: ("reserved days: rest of the price", "rezervacija: razlika"),
    LineKind.UNANNOUNCED: ("unannounced absence charge", "nenapovedana odsotnost"),
    LineKind.PRIVATE_REST: ("rest of the private price", "razlika do cene zasebnega vrtca"),
    LineKind.ROUNDING: ("rounding difference", "razlika zaradi zaokroževanja"),
    LineKind.MEAL: ("meals", "obroki"),
    LineKind.SUBSIDY: ("meal subsidy", "subvencija prehrane"),
    LineKind.LATE_CANCELLATION: ("meals cancelled too late", "prepozno odjavljeni obroki"),
    LineKind.CARE: ("care", "oskrba"),
    LineKind.ROOM_EXTRA: ("room extra", "doplačilo za sobo"),
    LineKind.ACCOMMODATION: ("accommodation and food", "nastanitev in prehrana"),
    LineKind.CARE_PART: ("care part", "del za oskrbo"),
    LineKind.CAP: ("monthly cap", "omejitev na mesec"),
    LineKind.COVERED: ("share paid by another payer", "delež drugega plačnika"),
    LineKind.DORMITORY: ("dormitory fee", "oskrbnina v dijaškem domu"),
}

_MEAL_TEXT = {
    "breakfast": ("breakfast", "zajtrk"),
    "malica": ("malica", "malica"),
    "lunch": ("lunch", "kosilo"),
    "snack": ("afternoon snack", "popoldanska malica"),
}
_MEAL_KINDS = frozenset({LineKind.MEAL, LineKind.SUBSIDY, LineKind.LATE_CANCELLATION})


class FeeLine(NamedTuple):
    """One line of a statement: who pays what, for which days, by which rule.

    A line is an immutable named tuple rather than an attrs record: a billing
    run builds about five lines per child, 500,000 for a large network, and a
    named tuple is built several times faster.  Build it with keywords.

    Attributes:
        payer: The kind of payer.
        payer_id: Which payer: the child's code for the parents, ``"state"``,
            or the regresor's id (``"SI-061"`` when no regresor id is known).
        kind: What the line is.
        start: First day of the period the line covers (inclusive).
        end: Last day of that period (inclusive).
        price: The monthly price (or the daily amount when ``per_day``).
        days: Days counted (enrolled billing days, or reserved days).
        days_in_month: Billing days in the month (the proration denominator).
        per_day: True when ``price`` is an amount per day (daily rate, flat fee).
        food_per_day: Daily food cost deducted for absence days.
        food_days: Absence days whose food is deducted.
        coefficient: The signed multiplier (the parents' coefficient, 1 − it, a
            sibling share ...).
        rule: Which rule produced the line (``"decision d-7"``, ``"zujf-2012"``).
        source: The legal or municipal source of the rule.
        unrounded: The exact amount.
        amount: The amount in cents; a payer's lines sum to its rounded total.
        decision_id: The decision the coefficient came from, if any.
        reservation_id: The reservation the line is for, if any.
        note: Anything else a reader needs (``"capped at the parents' amount"``).
    """

    payer: PayerKind
    payer_id: str
    kind: LineKind
    start: date
    end: date
    price: Decimal = _ZERO
    days: int = 0
    days_in_month: int = 0
    per_day: bool = False
    food_per_day: Decimal = _ZERO
    food_days: int = 0
    coefficient: Decimal = Decimal(1)
    rule: str = ""
    source: str = ""
    unrounded: Decimal = _ZERO
    amount: Decimal = _ZERO
    decision_id: str | None = None
    reservation_id: str | None = None
    note: str = ""

    def formula(self) -> str:
        """The arithmetic of the line, as a reader would check it.

        >>> FeeLine(payer=PayerKind.STATE, payer_id="state", kind=LineKind.SIBLING,
        ...     start=date(2026, 9, 1), end=date(2026, 9, 30), price=Decimal("500.00"),
        ...     days=22, days_in_month=22, food_per_day=Decimal("2.60"), food_days=2,
        ...     coefficient=Decimal("0.371")).formula()
        '0.371 × (500.00 × 22/22 − 2 × 2.60)'
        """
        if self.kind is LineKind.ROUNDING:
            return "rounded total − the other parts"
        if self.kind is LineKind.COVERED:
            return f"{'−' if self.coefficient < 0 else ''}{self.price} by the decision"
        parts: list[str] = []
        if self.days:
            parts.append(
                f"{self.price} × {self.days}"
                if self.per_day
                else f"{self.price} × {self.days}/{self.days_in_month}"
            )
        if self.food_days:
            food = f"{self.food_days} × {self.food_per_day}"
            parts.append(f"− {food}" if parts else f"−{food}")
        body = " ".join(parts) if parts else "0"
        if self.coefficient == 1:
            return body
        if len(parts) > 1 or (parts and self.food_days and not self.days):
            body = f"({body})"
        return f"{self.coefficient} × {body}"

    def describe(self, language: str = "en") -> str:
        """What the line is, in English (default) or Slovenian (``"sl"``).

        >>> FeeLine(payer=PayerKind.PARENTS, payer_id="1", kind=LineKind.FOOD,
        ...         start=date(2026, 9, 1), end=date(2026, 9, 30)).describe("sl")
        'odbitek hrane'
        """
        en, sl = _KIND_TEXT[self.kind]
        if self.kind in _MEAL_KINDS and self.rule in _MEAL_TEXT:  # the rule names the meal
            meal_en, meal_sl = _MEAL_TEXT[self.rule]
            en, sl = f"{en}: {meal_en}", f"{sl}: {meal_sl}"
        return sl if language == "sl" else en

    def to_record(self) -> dict[str, object]:
        """The line as a flat dict (one row of :meth:`FeeStatement.to_records`).

        >>> record = FeeLine(payer=PayerKind.STATE, payer_id="state", kind=LineKind.SIBLING,
        ...     start=date(2026, 9, 1), end=date(2026, 9, 30)).to_record()
        >>> record["payer"], record["formula"]
        ('state', '0')
        """
        return {
            "payer": str(self.payer),
            "payer_id": self.payer_id,
            "kind": str(self.kind),
            "description": self.describe(),
            "formula": self.formula(),
            "start": self.start,
            "end": self.end,
            "price": self.price,
            "days": self.days,
            "days_in_month": self.days_in_month,
            "per_day": self.per_day,
            "food_per_day": self.food_per_day,
            "food_days": self.food_days,
            "coefficient": self.coefficient,
            "rule": self.rule,
            "source": self.source,
            "unrounded": self.unrounded,
            "amount": self.amount,
            "decision_id": self.decision_id,
            "reservation_id": self.reservation_id,
            "note": self.note,
        }


class ClosedDay(NamedTuple):
    """A day the kindergarten was closed while the child was enrolled.

    Attributes:
        day: The closed day.
        rule: How it was billed (:class:`~szo_core.fees.ClosureRule`).
        name: What it was (``"strike"``).
        source: The act or circular (``"WorkingCalendar.closures"`` for a day
            closed in the working calendar).
    """

    day: date
    rule: ClosureRule
    name: str
    source: str

    def describe(self) -> str:
        """``"09.03. strike: not billed (source)"``.

        >>> ClosedDay(date(2022, 3, 9), ClosureRule.FOOD_ONLY, "strike", "MIZŠ").describe()
        '09.03. strike: food_only (MIZŠ)'
        """
        name = self.name or "closure"
        source = f" ({self.source})" if self.source else ""
        return f"{self.day:%d.%m.} {name}: {self.rule}{source}"


@attrs.frozen(kw_only=True)
class FeeStatement:
    """One child's fee for one month, split between payers, with its reasons.

    Attributes:
        month: The billed month.
        child_code: The child.
        days_in_month: Billing days in the month (working days by default),
            closed days included: the proration's denominator.
        days_enrolled: Days billed: the billing days the child was enrolled,
            less closed days not billed and days out (a temporary exit beyond
            what is charged).
        price: The pro-rated price of the month, unrounded.
        food_deduction: The food cost of the absence days deducted, unrounded.
        total: The rounded total, ``price − food_deduction + charges`` half-up
            to cents; the lines' amounts add up to it exactly.
        lines: The lines, in payer order.
        charges: Unannounced-absence charges (ZVrt-H) on top of the fee, unrounded.
        closures: The closed days while the child was enrolled (:class:`ClosedDay`).

    Example:
        >>> from datetime import date
        >>> from szo_core.calendar import Month
        >>> empty = FeeStatement(month=Month(2026, 9), child_code=101, days_in_month=22,
        ...     days_enrolled=0, price=Decimal(0), food_deduction=Decimal(0),
        ...     total=Decimal("0.00"), lines=())
        >>> empty.totals()[PayerKind.PARENTS]
        Decimal('0.00')
        >>> print(empty.explain())
        Fee statement 2026-09, child 101: 0 of 22 billing days enrolled
        (no lines)
    """

    month: Month
    child_code: int
    days_in_month: int
    days_enrolled: int
    price: Decimal
    food_deduction: Decimal
    total: Decimal
    lines: tuple[FeeLine, ...]
    charges: Decimal = Decimal(0)
    closures: tuple[ClosedDay, ...] = ()

    def totals(self) -> dict[PayerKind, Decimal]:
        """The amount each kind of payer owes (every kind present, zero if none).

        >>> s = FeeStatement(month=Month(2026, 9), child_code=1, days_in_month=22,
        ...     days_enrolled=0, price=Decimal(0), food_deduction=Decimal(0),
        ...     total=Decimal("0.00"), lines=())
        >>> tuple(str(kind) for kind in s.totals())
        ('parents', 'resident', 'relative', 'state', 'municipality', 'other_municipality',
         'care_fund')
        """
        result = dict.fromkeys(PayerKind, _ZERO)
        for line in self.lines:
            result[line.payer] += line.amount
        return result

    def payer_totals(self) -> dict[tuple[PayerKind, str], Decimal]:
        """The amount each payer owes, keyed by ``(kind, payer id)``.

        >>> s = FeeStatement(month=Month(2026, 9), child_code=1, days_in_month=22,
        ...     days_enrolled=0, price=Decimal(0), food_deduction=Decimal(0),
        ...     total=Decimal("0.00"), lines=())
        >>> s.payer_totals()
        {}
        """
        result: dict[tuple[PayerKind, str], Decimal] = {}
        for line in self.lines:
            key = (line.payer, line.payer_id)
            result[key] = result.get(key, _ZERO) + line.amount
        return result

    def total_for(self, payer: PayerKind) -> Decimal:
        """The amount ``payer`` owes.

        >>> s = FeeStatement(month=Month(2026, 9), child_code=1, days_in_month=22,
        ...     days_enrolled=0, price=Decimal(0), food_deduction=Decimal(0),
        ...     total=Decimal("0.00"), lines=())
        >>> s.total_for(PayerKind.STATE)
        Decimal('0.00')
        """
        return sum((line.amount for line in self.lines if line.payer is payer), _ZERO)

    def _own_kind(self) -> PayerKind:
        """The subject's own payer shown even at 0.00: the resident in a care home."""
        for line in self.lines:
            if line.payer is PayerKind.RESIDENT:
                return line.payer
        return PayerKind.PARENTS

    def _shown_kinds(self) -> frozenset[PayerKind]:
        """The kinds a totals table lists.

        A kindergarten's (or school's) four channels, or, for a care home's
        statement, the kinds on its lines.
        """
        present = frozenset(line.payer for line in self.lines)
        if present & _CARE_HOME:
            return present | {self._own_kind()}
        return frozenset(PayerKind) - _CARE_HOME

    def _header(self) -> str:
        return (
            f"Fee statement {self.month}, child {self.child_code}: "
            f"{self.days_enrolled} of {self.days_in_month} billing days enrolled"
        )

    def explain(self) -> str:
        """A plain-text explanation: each line's formula, rule, source and amounts.

        See the module example and ``docs/fees.md`` for a full statement.
        """
        out = [self._header()]
        if not self.lines:
            out.append("(no lines)")
            return "\n".join(out)
        charges = f", charges {_fmt(self.charges)}" if self.charges else ""
        out.append(
            f"Price {_fmt(self.price)}, food deducted {_fmt(self.food_deduction)}{charges},"
            f" total {self.total}"
        )
        if self.closures:
            out.append("Closed: " + "; ".join(day.describe() for day in self.closures))
        for line in self.lines:
            where = (
                f" [{line.decision_id or line.reservation_id}]"
                if (line.decision_id or line.reservation_id)
                else ""
            )
            note = f"; {line.note}" if line.note else ""
            exact = "" if line.kind is LineKind.ROUNDING else f" = {_fmt(line.unrounded)}"
            out.append(
                f"  {line.payer:<18} {line.describe():<33} {line.formula()}{exact}"
                f" -> {line.amount:>8}"
            )
            out.append(
                f"  {'':<18} {line.start:%d.%m.}-{line.end:%d.%m.} {line.rule}"
                f" ({line.source}){where}{note}"
            )
        own = self._own_kind()
        totals = ", ".join(
            f"{kind} {amount}" for kind, amount in self.totals().items() if amount or kind is own
        )
        out.append(f"Totals: {totals}")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = (
            "<tr><th>Payer</th><th>What</th><th>Period</th><th>Formula</th>"
            "<th>Rule</th><th>Source</th><th>Unrounded</th><th>Amount</th></tr>"
        )
        rows = []
        for line in self.lines:
            rows.append(
                "<tr>"
                f"<td>{esc(str(line.payer))} {esc(line.payer_id)}</td>"
                f"<td>{esc(line.describe())}</td>"
                f"<td>{line.start.isoformat()} … {line.end.isoformat()}</td>"
                f"<td>{esc(line.formula())}</td>"
                f"<td>{esc(line.rule)}{esc(' ' + line.note) if line.note else ''}</td>"
                f"<td>{esc(line.source)}</td>"
                f"<td style='text-align:right'>{esc(_fmt(line.unrounded))}</td>"
                f"<td style='text-align:right'>{esc(str(line.amount))}</td>"
                "</tr>"
            )
        shown = self._shown_kinds()
        totals = "".join(
            f"<tr><th colspan='7' style='text-align:right'>{esc(str(kind))}</th>"
            f"<th style='text-align:right'>{esc(str(amount))}</th></tr>"
            for kind, amount in self.totals().items()
            if kind in shown
        )
        caption = self._header()
        if self.closures:
            caption += ". Closed: " + "; ".join(day.describe() for day in self.closures)
        return (
            f"<table><caption>{esc(caption)}</caption>"
            f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody>"
            f"<tfoot>{totals}</tfoot></table>"
        )

    def to_records(self) -> list[dict[str, object]]:
        """One dict per line, with the month and child, ready for ``pandas.DataFrame``.

        >>> s = FeeStatement(month=Month(2026, 9), child_code=1, days_in_month=22,
        ...     days_enrolled=0, price=Decimal(0), food_deduction=Decimal(0),
        ...     total=Decimal("0.00"), lines=())
        >>> s.to_records()
        []
        """
        head: dict[str, object] = {"month": str(self.month), "child_code": self.child_code}
        return [{**head, **line.to_record()} for line in self.lines]


def statements_to_records(statements: Iterable[FeeStatement]) -> list[dict[str, object]]:
    """Concatenate :meth:`FeeStatement.to_records` of many statements.

    >>> statements_to_records([])
    []
    """
    return [record for statement in statements for record in statement.to_records()]


def _fmt(value: Decimal) -> str:
    """An unrounded amount shown with at most 6 decimals (…, when cut)."""
    cents = value.quantize(Decimal("0.01"))
    if cents == value:
        return str(cents)
    shown = value.quantize(Decimal("0.000001"))
    return f"{shown.normalize():f}" if shown == value else f"{shown}…"
