"""What a closed billing month locks besides decisions: prices, by kind and code.

Closing a month (:func:`szo_core.billing.close_run`) locks, through the month's
last day, the prices the month was billed with, so that a retroactive change
cannot silently turn into a correction (poračun) of a closed month.  One port,
:class:`~szo_core.ports.PriceLocks`, keeps every lock keyed by a
:class:`LockKind` and a code:

* :attr:`LockKind.PROGRAM`: a kindergarten program's prices, the code the
  program's (the program repository refuses the change,
  ``program.price.locked``);
* :attr:`LockKind.SCHOOL_MEALS`: a school's meal settings
  (:class:`~szo_core.model.school.SchoolMealSettings`), code :data:`SETTINGS`;
* :attr:`LockKind.CARE_HOME`: a care home's settings
  (:class:`~szo_core.model.care_home.CareHomeSettings`), code :data:`SETTINGS`.

What a settings lock keeps (:func:`settings_change_locked`): every dated entry
that starts on or before the last locked day (meal prices, cancellation
deadlines, free days; category prices, room extras, food costs, new-regime
prices and caps) exactly as it is, digits included, and no new entry may start
among them; the settings without a date (a school's illness rule, a care home's
absence deduction and care recipient) apply to every month, the closed ones
too, so they are locked with them.  A new price is a new dated entry after the
closed months.  ``put_settings`` refuses anything else with
:class:`~szo_core.errors.RecordLockedError` (``school_meals.price.locked``,
``care_home.price.locked``).

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.model.school import MealPrice, SchoolMealSettings
>>> lunch = MealPrice(meal="lunch", valid_from=date(2026, 9, 1), price=Decimal("3.00"))
>>> stored = SchoolMealSettings(organisation_id="os", prices=(lunch,))
>>> later = MealPrice(meal="lunch", valid_from=date(2026, 10, 1), price=Decimal("3.20"))
>>> settings_change_locked(stored, SchoolMealSettings(organisation_id="os",
...     prices=(lunch, later)), date(2026, 9, 30))
False
>>> settings_change_locked(stored, SchoolMealSettings(organisation_id="os",
...     prices=(attrs.evolve(lunch, price=Decimal("3.10")),)), date(2026, 9, 30))
True
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import attrs

from szo_core.errors import RecordLockedError
from szo_core.model.care_home import CareHomeSettings
from szo_core.model.school import SchoolMealSettings

__all__ = [
    "SETTINGS",
    "LockKind",
    "Settings",
    "settings_change_locked",
    "settings_lock_kind",
    "settings_locked",
]

SETTINGS = "settings"
"""The code of a settings lock (one settings record per organisation)."""

Settings = SchoolMealSettings | CareHomeSettings
"""The settings records a closed month locks."""


class LockKind(enum.StrEnum):
    """What a price lock is on (the first part of its key, the code the second)."""

    PROGRAM = "program"
    """A kindergarten program's prices (:class:`~szo_core.model.Program`)."""
    SCHOOL_MEALS = "school_meals"
    """A school's meal settings: prices, deadlines, free days."""
    CARE_HOME = "care_home"
    """A care home's settings: daily prices, room extras, food, caps, rules."""


# The dated entries of each settings record: (field, the attribute of its first day).
_DATED: dict[type, tuple[tuple[str, str], ...]] = {
    SchoolMealSettings: (
        ("prices", "valid_from"),
        ("deadlines", "valid_from"),
        ("free_days", "start"),
    ),
    CareHomeSettings: (
        ("category_prices", "valid_from"),
        ("room_extras", "valid_from"),
        ("food", "valid_from"),
        ("new_regime_prices", "valid_from"),
        ("caps", "valid_from"),
    ),
}
_NOT_RULES = frozenset({"organisation_id", "version"})


def settings_lock_kind(settings: Settings) -> LockKind:
    """The lock kind of a settings record.

    >>> settings_lock_kind(CareHomeSettings(organisation_id="dom"))
    <LockKind.CARE_HOME: 'care_home'>
    """
    return LockKind.SCHOOL_MEALS if isinstance(settings, SchoolMealSettings) else LockKind.CARE_HOME


def _exact(value: object) -> object:
    # Amounts by their digits: 3.0 is equal to 3.00 but would print differently.
    return value.as_tuple() if isinstance(value, Decimal) else value


def _entry(entry: attrs.AttrsInstance) -> tuple[object, ...]:
    return tuple(_exact(getattr(entry, f.name)) for f in attrs.fields(type(entry)))


def _used(settings: Settings, through: date) -> tuple[object, ...]:
    """What the months up to ``through`` used: the dated entries then, and the rules."""
    dated = _DATED[type(settings)]
    parts: list[object] = []
    for name, first_day in dated:
        entries = [_entry(e) for e in getattr(settings, name) if getattr(e, first_day) <= through]
        parts.append(sorted(entries, key=repr))
    skip = _NOT_RULES | {name for name, _ in dated}
    parts.extend(
        (f.name, _exact(getattr(settings, f.name)))
        for f in attrs.fields(type(settings))
        if f.name not in skip
    )
    return tuple(parts)


def settings_change_locked(stored: Settings | None, new: Settings, through: date) -> bool:
    """True if ``new`` changes what the months up to ``through`` used of ``stored``.

    ``stored`` None means no settings were stored: the defaults (no entries) were
    what the closed months used.  See the module docs for what counts.

    >>> from szo_core.model.care_home import CategoryPrice
    >>> price = CategoryPrice(category="II", valid_from=date(2026, 1, 1), daily=Decimal("27.98"))
    >>> home = CareHomeSettings(organisation_id="dom", category_prices=(price,))
    >>> settings_change_locked(home, attrs.evolve(home, care_recipient="ZZZS-OE"),
    ...                        date(2026, 9, 30))
    True
    >>> settings_change_locked(home, attrs.evolve(home, version=4), date(2026, 9, 30))
    False
    """
    before = stored if stored is not None else type(new)(organisation_id=new.organisation_id)
    if type(before) is not type(new):
        raise TypeError(f"not the same kind of settings: {type(before).__name__}")
    return _used(before, through) != _used(new, through)


def settings_locked(kind: LockKind, organisation_id: str, through: date) -> RecordLockedError:
    """The error for a change to settings a closed billing month used.

    >>> settings_locked(LockKind.CARE_HOME, "dom", date(2026, 9, 30)).code
    'care_home.price.locked'
    """
    what = {
        LockKind.SCHOOL_MEALS: ("school_meal_settings", "Cene in pravila prehrane"),
        LockKind.CARE_HOME: ("care_home_settings", "Cene in pravila doma"),
    }
    table, subject = what.get(kind, (str(kind), "Cene"))
    return RecordLockedError(
        f"{kind}.price.locked",
        sl=(
            f"{subject} do {through:%d. %m. %Y} je uporabil zaključen obračun; ni jih mogoče "
            "spremeniti ali odstraniti. Novo ceno dodajte z začetkom veljavnosti po tem dnevu."
        ),
        en=(
            f"The prices and rules up to {through.isoformat()} were used by a closed billing "
            "run; they cannot be changed or removed. Add a new price valid from a later day."
        ),
        where=f"{table} {organisation_id}/{SETTINGS}",
    )
