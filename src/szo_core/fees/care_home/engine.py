"""The care home engine: one resident's month under the old (ZSV) or new (ZDOsk-1) regime.

Care homes bill **calendar days** of the stay (enrollment and exit day both
inclusive).  Each day takes the resident's :class:`~szo_core.model.care_home.CareStay`
in force (a category change splits the month into lines):

* **old regime** (ZSV): the category's daily price, plus the room's extra as a
  percentage of the Oskrba I daily price (rounded half-up to cents a day, as
  price lists print it);
* **new regime** (ZDOsk-1): accommodation and food a day, for the resident,
  capped a month (781.94 € for a double room with a shared bathroom from
  1 Dec 2025, pro-rated by the days in the new regime, half-up to cents, and
  applied to the price before absence deductions); the care part a day is a
  separate claim to the settings' ``care_recipient`` (ZZZS by default).

An absence day takes the daily food cost (or a flat amount) off the price when
the absence was announced at least ``notice_days`` ahead, otherwise from its
``unannounced_from_day``-th day on (after the third day).

**Payers** (ZSV Art. 100): the resident's charge is split by the
:class:`~szo_core.model.care_home.CarePaymentDecision` in force: the resident
first, up to its amount a month, each liable relative up to theirs, the
municipality the rest.  Amounts a month are pro-rated by the days the decision
is in force (half-up to cents); every part is at most what is left, so no payer
is negative and the parts sum exactly to the charge.  A relative's or the
municipality's part is a ``covered_share`` line: negative for the resident,
positive for the payer, so each payer's lines add up to its invoice.

Payer kinds: the resident (:attr:`~szo_core.fees.PayerKind.RESIDENT`, ``payer_id``
the resident's code) and each liable relative
(:attr:`~szo_core.fees.PayerKind.RELATIVE`, ``payer_id`` ``relative:<id>``) are
invoiced on their own, as a kindergarten's parents are; the municipality through
the municipal list (:attr:`~szo_core.fees.PayerKind.MUNICIPALITY`, or
``OTHER_MUNICIPALITY`` when it is not the host); the care part through a claim
like the state's (:attr:`~szo_core.fees.PayerKind.CARE_FUND`, ``payer_id`` the
recipient).

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.fees import FeeRules
>>> from szo_core.model import Child
>>> from szo_core.model.care_home import CareHomeSettings, CareStay, CategoryPrice
>>> settings = CareHomeSettings(organisation_id="dom", category_prices=(
...     CategoryPrice(category="II", valid_from=date(2026, 1, 1), daily=Decimal("27.98")),))
>>> resident = Child(organisation_id="dom", code=3, enrollment_date=date(2026, 9, 11))
>>> inputs = CareHomeInputs(settings=settings,
...     stays=(CareStay(valid_from=date(2026, 9, 11), category="II"),))
>>> s = compute(Month(2026, 9), resident, inputs, FeeRules(host_municipality=61))
>>> [(str(line.kind), line.formula(), line.amount) for line in s.lines]
[('care', '27.98 × 20', Decimal('559.60'))]
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import attrs

from szo_core.calendar import Month
from szo_core.errors import FeeRuleError
from szo_core.fees.kindergarten.rules import FeeRules
from szo_core.fees.statement import FeeLine, FeeStatement, LineKind, PayerKind
from szo_core.model import Child
from szo_core.model.care_home import (
    AbsenceDeduction,
    CareAbsence,
    CareCategory,
    CareHomeSettings,
    CarePaymentDecision,
    CareRegime,
    CareStay,
    MonthlyCap,
)

__all__ = ["ZDOSK_CAPS", "CareHomeInputs", "compute", "deduction_days"]

_ZERO = Decimal("0.00")
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)

ZDOSK_CAPS: Final = (
    MonthlyCap(
        room="double-shared",
        valid_from=date(2025, 12, 1),
        amount=Decimal("781.94"),
        source="ZDOsk-1; Pravilnik o metodologiji za oblikovanje cen nastanitve in prehrane "
        "(Ur. l. RS 104/2025): the minimum pension",
    ),
)
"""The new regime's cap: 781.94 € a month for a double room with a shared bathroom."""

_PRICE_SOURCE: Final = "Pravilnik o metodologiji za oblikovanje cen socialnovarstvenih storitev"
_ABSENCE_SOURCE: Final = "Pravilnik (Ur. l. RS 107/2002): food cost of absence days"
_PAYERS_SOURCE: Final = "ZSV Art. 100 (the resident, liable relatives, the municipality)"
_NEW_SOURCE: Final = "ZDOsk-1 (accommodation and food; care paid from long-term-care funds)"


@attrs.frozen(kw_only=True)
class CareHomeInputs:
    """One resident's inputs for a month.

    Attributes:
        settings: The home's prices and rules.
        stays: The resident's dated category, room and regime.
        absences: The resident's absences overlapping the month.
        decisions: The payment decisions in force in the month.
    """

    settings: CareHomeSettings
    stays: tuple[CareStay, ...] = ()
    absences: tuple[CareAbsence, ...] = ()
    decisions: tuple[CarePaymentDecision, ...] = ()


def _error(code: str, sl: str, en: str, where: str) -> FeeRuleError:
    return FeeRuleError(code, sl=sl, en=en, where=where)


def _in_force(entries: Sequence[object], day: date, **match: object) -> object | None:
    """The entry with the latest ``valid_from`` on or before ``day`` whose fields match."""
    found: object | None = None
    latest: date | None = None
    for entry in entries:
        if all(getattr(entry, k) == v for k, v in match.items()):
            valid_from: date = entry.valid_from  # type: ignore[attr-defined]
            if valid_from <= day and (latest is None or valid_from >= latest):
                found, latest = entry, valid_from
    return found


def deduction_days(absence: CareAbsence, settings: CareHomeSettings) -> tuple[date, ...]:
    """The days of ``absence`` whose food cost (or flat amount) is deducted.

    >>> from szo_core.model.care_home import CareAbsence, CareHomeSettings
    >>> a = CareAbsence(organisation_id="d", id="a", resident_code=1, start=date(2026, 9, 21),
    ...                 end=date(2026, 9, 26))
    >>> [d.day for d in deduction_days(a, CareHomeSettings(organisation_id="d"))]  # after the 3rd
    [24, 25, 26]
    """
    announced = absence.announced_on
    first = absence.start
    if announced is None or (absence.start - announced).days < settings.notice_days:
        first = absence.start + timedelta(days=settings.unannounced_from_day - 1)
    days = []
    day = first
    while day <= absence.end:
        days.append(day)
        day += timedelta(days=1)
    return tuple(days)


@functools.lru_cache(maxsize=4096)
def _extra(percent: Decimal, base: Decimal) -> Decimal:
    return (base * percent / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)


# A line's key: (kind, regime, category, room, daily amount)
_Key = tuple[LineKind, CareRegime, CareCategory, str, Decimal]


def compute(month: Month, resident: Child, inputs: CareHomeInputs, rules: FeeRules) -> FeeStatement:
    """One resident's month (see the module docs).

    Args:
        month: The month.
        resident: The resident (enrollment and exit days, both inclusive).
        inputs: Stays, absences, decisions and the home's settings.
        rules: The organisation's shared rules (the host municipality).

    Returns:
        The statement: the charge lines, the absence deductions, the cap, the
        payers' shares and the care part's claim.

    Raises:
        FeeRuleError: ``fees.care.no_stay`` (a day without a category),
            ``fees.care.no_price`` (a category, room or food cost without a price).
    """
    settings = inputs.settings
    start = max(month.first, resident.enrollment_date or month.last + timedelta(days=1))
    end = month.last if resident.exit_date is None else min(month.last, resident.exit_date)
    in_month = month.last.day
    deducted: set[date] = set()
    for absence in inputs.absences:
        deducted.update(deduction_days(absence, settings))
    groups: dict[_Key, list[date]] = {}
    per_day: dict[date, Decimal] = {}  # the resident's charge a day (after deductions)
    new_days: dict[str, int] = {}  # days in the new regime by room (for the cap)
    care: dict[Decimal, list[date]] = {}
    day = start
    while day <= end:
        stay = _in_force(inputs.stays, day)
        if not isinstance(stay, CareStay):
            raise _error(
                "fees.care.no_stay",
                sl=f"Oskrbovanec nima kategorije oskrbe za {day:%d. %m. %Y}.",
                en=f"The resident has no care category on {day.isoformat()}.",
                where="CareHomeInputs.stays",
            )
        charge = _day(day, stay, settings, groups, care, new_days)
        if day in deducted:
            food = _food(day, settings)
            groups.setdefault((LineKind.FOOD, stay.regime, stay.category, "", food), []).append(day)
            charge -= food
        per_day[day] = charge
        day += timedelta(days=1)
    lines = _charge_lines(resident, groups, care, settings)
    lines += _cap_lines(resident, month, settings, new_days, groups, per_day, in_month)
    charged = sum((x.amount for x in lines if x.payer is PayerKind.RESIDENT), _ZERO)
    lines += _payer_lines(resident, month, inputs.decisions, per_day, charged, rules, in_month)
    return FeeStatement(
        month=month,
        child_code=resident.code,
        days_in_month=in_month,
        days_enrolled=len(per_day),
        price=sum((x.amount for x in lines if x.kind in _PRICED), _ZERO),
        food_deduction=-sum((x.amount for x in lines if x.kind is LineKind.FOOD), _ZERO),
        total=sum((x.amount for x in lines), _ZERO),
        lines=tuple(lines),
    )


_PRICED: Final = frozenset(
    {LineKind.CARE, LineKind.ROOM_EXTRA, LineKind.ACCOMMODATION, LineKind.CARE_PART, LineKind.CAP}
)


def _no_price(what: str, day: date) -> FeeRuleError:
    return _error(
        "fees.care.no_price",
        sl=f"Za {what} ni cene za {day:%d. %m. %Y}.",
        en=f"No price for {what} on {day.isoformat()}.",
        where="CareHomeSettings",
    )


def _food(day: date, settings: CareHomeSettings) -> Decimal:
    if settings.deduction is AbsenceDeduction.FLAT:
        return settings.flat_per_day
    food = _in_force(settings.food, day)
    if food is None:
        raise _no_price("the food cost", day)
    return food.daily  # type: ignore[attr-defined, no-any-return]


def _day(
    day: date,
    stay: CareStay,
    settings: CareHomeSettings,
    groups: dict[_Key, list[date]],
    care: dict[Decimal, list[date]],
    new_days: dict[str, int],
) -> Decimal:
    """Add the day's price lines; return the resident's charge of the day."""
    if stay.regime is CareRegime.ZDOSK:
        price = _in_force(settings.new_regime_prices, day, room=stay.room)
        if price is None:
            raise _no_price(f"room {stay.room!r} (ZDOsk-1)", day)
        accommodation: Decimal = price.accommodation  # type: ignore[attr-defined]
        groups.setdefault(
            (LineKind.ACCOMMODATION, stay.regime, stay.category, stay.room, accommodation), []
        ).append(day)
        care.setdefault(price.care, []).append(day)  # type: ignore[attr-defined]
        new_days[stay.room] = new_days.get(stay.room, 0) + 1
        return accommodation
    price = _in_force(settings.category_prices, day, category=stay.category)
    if price is None:
        raise _no_price(f"Oskrba {stay.category}", day)
    daily: Decimal = price.daily  # type: ignore[attr-defined]
    groups.setdefault((LineKind.CARE, stay.regime, stay.category, "", daily), []).append(day)
    if not stay.room:
        return daily
    extra = _in_force(settings.room_extras, day, room=stay.room)
    if extra is None:
        return daily
    base = _in_force(settings.category_prices, day, category=CareCategory.I)
    if base is None:
        raise _no_price("Oskrba I (the base of room extras)", day)
    amount = _extra(extra.percent, base.daily)  # type: ignore[attr-defined]
    groups.setdefault(
        (LineKind.ROOM_EXTRA, stay.regime, stay.category, stay.room, amount), []
    ).append(day)
    return daily + amount


def _resident_id(resident: Child) -> str:
    return str(resident.code)


def _line(
    payer: PayerKind, payer_id: str, kind: LineKind, days: list[date], **rest: object
) -> FeeLine:
    return FeeLine(
        payer=payer,
        payer_id=payer_id,
        kind=kind,
        start=min(days),
        end=max(days),
        days=len(days),
        per_day=True,
        **rest,  # type: ignore[arg-type]
    )


def _charge_lines(
    resident: Child,
    groups: dict[_Key, list[date]],
    care: dict[Decimal, list[date]],
    settings: CareHomeSettings,
) -> list[FeeLine]:
    out: list[FeeLine] = []
    rid = _resident_id(resident)
    for key in sorted(groups, key=lambda k: (min(groups[k]), k[0] is LineKind.FOOD, str(k[0]))):
        kind, regime, category, room, amount = key
        days = groups[key]
        value = amount * len(days)
        if kind is LineKind.FOOD:
            out.append(
                _line(
                    PayerKind.RESIDENT,
                    rid,
                    kind,
                    days,
                    price=amount,
                    coefficient=Decimal(-1),
                    rule=f"absence ({settings.deduction})",
                    source=_ABSENCE_SOURCE,
                    unrounded=-value,
                    amount=-value,
                )
            )
            continue
        rule = f"Oskrba {category}" if regime is CareRegime.ZSV else f"{regime} room {room}"
        if kind is LineKind.ROOM_EXTRA:
            rule = f"room {room} extra"
        out.append(
            _line(
                PayerKind.RESIDENT,
                rid,
                kind,
                days,
                price=amount,
                rule=rule,
                source=_NEW_SOURCE if regime is CareRegime.ZDOSK else _PRICE_SOURCE,
                unrounded=value,
                amount=value,
            )
        )
    for amount in sorted(care):
        days = care[amount]
        value = amount * len(days)
        out.append(
            _line(
                PayerKind.CARE_FUND,
                settings.care_recipient,
                LineKind.CARE_PART,
                days,
                price=amount,
                rule="care part",
                source=_NEW_SOURCE,
                unrounded=value,
                amount=value,
                note="a separate claim",
            )
        )
    return out


def _cap_lines(
    resident: Child,
    month: Month,
    settings: CareHomeSettings,
    new_days: dict[str, int],
    groups: dict[_Key, list[date]],
    per_day: dict[date, Decimal],
    in_month: int,
) -> list[FeeLine]:
    """A new-regime resident pays at most the cap (pro-rated by the days in the regime)."""
    out: list[FeeLine] = []
    caps = settings.caps or ZDOSK_CAPS
    for room, count in sorted(new_days.items()):
        cap = _in_force(caps, month.last, room=room)
        if not isinstance(cap, MonthlyCap):
            continue
        priced = [
            (key[4], ds)
            for key, ds in groups.items()
            if key[0] is LineKind.ACCOMMODATION and key[3] == room
        ]
        days = sorted(d for _amount, ds in priced for d in ds)
        paid = sum((amount * len(ds) for amount, ds in priced), _ZERO)  # before deductions
        limit = (cap.amount * count / in_month).quantize(_CENT, rounding=ROUND_HALF_UP)
        if paid <= limit:
            continue
        for amount, ds in priced:  # each day's accommodation lowered alike (for the split)
            for d in ds:
                per_day[d] -= amount - amount * limit / paid
        out.append(
            FeeLine(
                payer=PayerKind.RESIDENT,
                payer_id=_resident_id(resident),
                kind=LineKind.CAP,
                start=days[0],
                end=days[-1],
                price=cap.amount,
                days=count,
                days_in_month=in_month,
                coefficient=Decimal(-1),
                rule=f"cap room {room}",
                source=cap.source,
                unrounded=limit - paid,
                amount=limit - paid,
                note=f"{paid} over the cap {limit}",
            )
        )
    return out


def _payer_lines(
    resident: Child,
    month: Month,
    decisions: tuple[CarePaymentDecision, ...],
    per_day: dict[date, Decimal],
    charged: Decimal,
    rules: FeeRules,
    in_month: int,
) -> list[FeeLine]:
    """Split the resident's charge by the decisions in force (ZSV Art. 100)."""
    if not decisions or charged <= 0:
        return []
    out: list[FeeLine] = []
    rid = _resident_id(resident)
    left_total = charged
    periods: dict[str, list[date]] = {}
    by_id = {d.id: d for d in decisions}
    for day in sorted(per_day):
        found = None
        for d in decisions:
            if d.covers(day) and (found is None or d.valid_from >= found.valid_from):
                found = d
        if found is not None:
            periods.setdefault(found.id, []).append(day)
    exact_sum = sum(per_day.values(), Decimal(0))
    for decision_id, days in sorted(periods.items(), key=lambda kv: kv[1][0]):
        decision = by_id[decision_id]
        share = sum((per_day[d] for d in days), Decimal(0))
        # the period's part of the (rounded) charge, the last period takes the rest
        period = (charged * share / exact_sum).quantize(_CENT, rounding=ROUND_HALF_UP)
        period = min(period, left_total)
        left_total -= period
        left = period
        count = len(days)

        def prorated(monthly: Decimal, n: int = count) -> Decimal:
            return (monthly * n / in_month).quantize(_CENT, rounding=ROUND_HALF_UP)

        if decision.resident_monthly is not None:
            left -= min(left, prorated(decision.resident_monthly))
        else:
            left = _ZERO
        common = {"decision_id": decision.id, "source": _PAYERS_SOURCE, "days_in_month": in_month}
        for relative in decision.relatives:
            part = min(left, prorated(relative.monthly))
            left -= part
            if part:
                out.extend(
                    _covered(
                        rid,
                        PayerKind.RELATIVE,
                        f"relative:{relative.payer_id}",
                        days,
                        part,
                        relative.monthly,
                        f"decision {decision.number}: liable relative",
                        common,
                    )
                )
        if left:
            code = decision.municipality_code or rules.host_municipality
            kind = (
                PayerKind.MUNICIPALITY
                if code == rules.host_municipality
                else PayerKind.OTHER_MUNICIPALITY
            )
            out.extend(
                _covered(
                    rid,
                    kind,
                    f"SI-{code:03d}",
                    days,
                    left,
                    Decimal(0),
                    f"decision {decision.number}: the rest (exempted by the CSD)",
                    common,
                )
            )
    return out


def _covered(
    rid: str,
    payer: PayerKind,
    payer_id: str,
    days: list[date],
    part: Decimal,
    monthly: Decimal,
    rule: str,
    common: dict[str, object],
) -> list[FeeLine]:
    note = f"up to {monthly} a month" if monthly else ""
    return [
        _line(
            PayerKind.RESIDENT,
            rid,
            LineKind.COVERED,
            days,
            price=part,
            coefficient=Decimal(-1),
            rule=rule,
            unrounded=-part,
            amount=-part,
            note=f"paid by {payer_id}",
            **common,
        ),
        _line(
            payer,
            payer_id,
            LineKind.COVERED,
            days,
            price=part,
            rule=rule,
            unrounded=part,
            amount=part,
            note=note,
            **common,
        ),
    ]
