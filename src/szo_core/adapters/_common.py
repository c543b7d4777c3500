"""What every storage adapter shares: error builders, month selection, ordering.

Error messages name the kind of record (``"children"``) and its key, which is an
organisation's own code or id, never a personal number.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar, cast

from szo_core.calendar import Month
from szo_core.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    NotFound,
    RecordLockedError,
    StorageError,
)
from szo_core.fees.locks import LockKind
from szo_core.model import Absence, Child, Decision, Program, Reservation
from szo_core.templates.model import MessageTemplate

__all__ = [
    "by_start",
    "check_lock_kind",
    "check_period",
    "check_price_lock",
    "check_template_version",
    "child_in_month",
    "conflict",
    "decision_in_month",
    "decisions_for_month",
    "duplicate",
    "locked",
    "missing_reference",
    "not_found",
    "period_in_month",
    "price_locked",
    "prices_change_locked",
    "storage_failed",
    "where",
]


def where(kind: str, organisation_id: str, key: object) -> str:
    """Describe a record for an error's ``where``: ``"children org/101"``."""
    return f"{kind} {organisation_id}/{key}"


def not_found(kind: str, organisation_id: str, key: object) -> NotFound:
    """The record does not exist."""
    return NotFound(
        "storage.not_found",
        sl="Zapis ne obstaja.",
        en="The record does not exist.",
        where=where(kind, organisation_id, key),
    )


def duplicate(kind: str, organisation_id: str, key: object) -> StorageError:
    """The key is taken."""
    return StorageError(
        "storage.duplicate",
        sl="Zapis s tem ključem že obstaja.",
        en="A record with this key already exists.",
        where=where(kind, organisation_id, key),
    )


def conflict(kind: str, organisation_id: str, key: object) -> ConcurrencyConflict:
    """The stored version is not the one the caller read."""
    return ConcurrencyConflict(
        "storage.conflict",
        sl="Zapis je medtem spremenil nekdo drug; preberite ga znova in ponovite spremembo.",
        en="Someone else changed the record since it was read; read it again and retry.",
        where=where(kind, organisation_id, key),
    )


def missing_reference(kind: str, organisation_id: str, key: object) -> StorageError:
    """A record refers to one that does not exist (or is still referred to)."""
    return StorageError(
        "storage.reference",
        sl="Zapis se sklicuje na zapis, ki ne obstaja, ali pa se nanj še sklicujejo drugi.",
        en="A record refers to a record that does not exist, or is still referred to.",
        where=where(kind, organisation_id, key),
    )


def locked(organisation_id: str, decision_id: str, billing_run_id: str) -> RecordLockedError:
    """The decision was used by a closed billing run."""
    return RecordLockedError(
        "decision.locked",
        sl=(
            f"Odločbo je uporabil zaključen obračun {billing_run_id}; ni je mogoče spremeniti, "
            "nadomestite jo z novo."
        ),
        en=(
            f"The decision was used by the closed billing run {billing_run_id}; it cannot be "
            "changed, supersede it with a new one."
        ),
        where=where("decisions", organisation_id, decision_id),
    )


def price_locked(organisation_id: str, program_code: str, through: date) -> RecordLockedError:
    """A price in force in a closed billing month would change."""
    return RecordLockedError(
        "program.price.locked",
        sl=(
            f"Cene programa do {through:%d. %m. %Y} je uporabil zaključen obračun; ni jih mogoče "
            "spremeniti ali odstraniti. Novo ceno dodajte z začetkom veljavnosti po tem dnevu."
        ),
        en=(
            f"The program's prices up to {through.isoformat()} were used by a closed billing "
            "run; they cannot be changed or removed. Add a new price valid from a later day."
        ),
        where=where("programs", organisation_id, program_code),
    )


def _locked_prices(program: Program, through: date) -> list[tuple[object, ...]]:
    # Amounts by their digits: 520.0 is equal to 520.00 but would print differently.
    return [
        (p.valid_from, p.monthly.as_tuple(), p.food_per_day.as_tuple())
        for p in program.prices
        if p.valid_from <= through
    ]


def prices_change_locked(stored: Program, new: Program, through: date) -> bool:
    """True if ``new`` changes a price of ``stored`` in force on a day up to ``through``.

    The entries starting on or before ``through`` are the ones in force on those
    days; they must stay exactly as they are (digits included), and no new entry
    may start among them.  The kind and the reference program decide how every
    price is used, so changing either counts as a change.

    >>> from decimal import Decimal
    >>> from szo_core.model import ProgramPrice
    >>> september = ProgramPrice(valid_from=date(2026, 9, 1), monthly=Decimal("520.00"),
    ...                          food_per_day=Decimal("2.60"))
    >>> october = ProgramPrice(valid_from=date(2026, 10, 1), monthly=Decimal("530.00"),
    ...                        food_per_day=Decimal("2.60"))
    >>> stored = Program(organisation_id="o", code="I", prices=(september,))
    >>> new = Program(organisation_id="o", code="I", prices=(september, october))
    >>> prices_change_locked(stored, new, date(2026, 9, 30))
    False
    >>> prices_change_locked(stored, new, date(2026, 10, 31))
    True
    """
    return _locked_prices(stored, through) != _locked_prices(new, through) or (
        stored.kind,
        stored.reference_program,
    ) != (new.kind, new.reference_program)


_LOCK_KINDS = tuple(str(kind) for kind in LockKind)


def check_lock_kind(kind: object) -> None:
    """Check a ``kind`` of ``PriceLocks.locked_through`` (``storage.price_lock``).

    >>> check_lock_kind("care_home")
    >>> check_lock_kind("oskrbnina")
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: storage.price_lock: ...
    """
    if kind not in _LOCK_KINDS:
        raise ConfigurationError(
            "storage.price_lock",
            sl=f"Neznana vrsta zaklepa cen; vrste: {', '.join(_LOCK_KINDS)}.",
            en=f"Unknown kind of price lock; the kinds: {', '.join(_LOCK_KINDS)}.",
            where="price_locks",
        )


def check_price_lock(
    program_codes: Iterable[str],
    through: object,
    billing_run_id: object,
    kind: object = "program",
) -> list[str]:
    """Check the arguments of ``PriceLocks.lock``; return the codes, each once, in order.

    Raises:
        ConfigurationError: ``storage.price_lock`` when ``program_codes`` is a single
            string or holds a non-string, ``through`` is not a date (a ``datetime``
            is refused too), ``billing_run_id`` is not a string, or ``kind`` is not
            a :class:`~szo_core.fees.locks.LockKind` value.

    >>> check_price_lock(["I", "II", "I"], date(2026, 9, 30), "2026-09")
    ['I', 'II']
    >>> check_price_lock("II", date(2026, 9, 30), "2026-09")
    Traceback (most recent call last):
    ...
    szo_core.errors.ConfigurationError: storage.price_lock: ...
    """
    if isinstance(program_codes, str):
        codes: list[object] = [None]
    else:
        codes = list(dict.fromkeys(program_codes))
    if (
        not all(isinstance(code, str) for code in codes)
        or not isinstance(through, date)
        or isinstance(through, datetime)
        or not isinstance(billing_run_id, str)
        or kind not in _LOCK_KINDS
    ):
        raise ConfigurationError(
            "storage.price_lock",
            sl=(
                "Zaklep cen potrebuje seznam šifer programov, zadnji zaklenjeni dan "
                "(datum), oznako obračuna (niz) in vrsto zaklepa "
                f"({', '.join(_LOCK_KINDS)})."
            ),
            en=(
                "A price lock takes a list of program codes, the last locked day (a date), "
                f"the billing run's id (a string) and a lock kind ({', '.join(_LOCK_KINDS)})."
            ),
            where="price_locks",
        )
    return cast("list[str]", codes)


def check_period(first: object, last: object) -> None:
    """Refuse a period that is not ``Month`` ... ``Month`` in order (``storage.month``)."""
    if not isinstance(first, Month) or not isinstance(last, Month):
        raise ConfigurationError(
            "storage.month",
            sl="Mesec mora biti szo_core.calendar.Month.",
            en="The month must be a szo_core.calendar.Month.",
            where="month",
        )
    if last < first:
        raise ConfigurationError(
            "storage.period",
            sl="Zadnji mesec obdobja je pred prvim.",
            en="The last month of the period is before the first.",
            where="month",
        )


def storage_failed(code: str, kind: str, detail: str) -> StorageError:
    """The database failed; ``detail`` must hold no personal data (an error class, a SQLSTATE)."""
    return StorageError(
        code,
        sl=f"Shranjevanje ni uspelo ({detail}); spremembe niso bile shranjene.",
        en=f"Storage failed ({detail}); the changes were rolled back.",
        where=kind,
    )


def child_in_month(child: Child, first: date, last: date, left_since: date | None = None) -> bool:
    """True if the child is enrolled on any day of ``first`` ... ``last`` (inclusive).

    With ``left_since``, a child whose exit date is on or after it counts too.
    """
    if child.enrollment_date is None or child.enrollment_date > last:
        return False
    since = first if left_since is None else min(first, left_since)
    return child.exit_date is None or child.exit_date >= since


def decision_in_month(decision: Decision, first: date, last: date) -> bool:
    """True if the decision is valid on any day of ``first`` ... ``last``."""
    return decision.valid_from <= last and (decision.valid_to is None or decision.valid_to >= first)


def decisions_for_month(decisions: Iterable[Decision], first: date, last: date) -> list[Decision]:
    """Decisions valid on a day of ``first`` ... ``last``, and those that supersede one."""
    every = list(decisions)
    valid = {d.id for d in every if decision_in_month(d, first, last)}
    return [d for d in every if d.id in valid or d.supersedes in valid]


def period_in_month(record: Reservation | Absence, first: date, last: date) -> bool:
    """True if the reservation or absence covers any day of ``first`` ... ``last``."""
    return record.start <= last and record.end >= first


_S = TypeVar("_S", Decision, Reservation, Absence)


def by_start(records: Iterable[_S]) -> tuple[_S, ...]:
    """Order decisions by ``valid_from``, reservations and absences by ``start``; then id."""
    if not isinstance(records, list | tuple):
        records = list(records)
    if len(records) < 2:
        return tuple(records)
    return tuple(
        sorted(
            records,
            key=lambda r: (r.valid_from if isinstance(r, Decision) else r.start, r.id),
        )
    )


def check_template_version(template: MessageTemplate) -> None:
    """Refuse a template that is not a :class:`MessageTemplate` or has version 0."""
    if not isinstance(template, MessageTemplate) or template.version < 1:
        raise ConfigurationError(
            "storage.template_version",
            sl="Shrani se lahko le predloga z različico 1 ali več (save_template jo dodeli).",
            en="Only a template with version 1 or more can be stored (save_template assigns it).",
            where="templates",
        )
