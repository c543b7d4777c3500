"""Booking errors: every one has a stable code and a Slovenian and English message.

>>> raise slot_taken()
Traceback (most recent call last):
...
szo_core.booking.errors.SlotTaken: booking.slot_taken: ... (slot)
"""

from __future__ import annotations

from szo_core.errors import ConcurrencyConflict, ValidationError

__all__ = ["BookingError", "CodeRefused", "SlotTaken", "slot_taken"]


class SlotTaken(ConcurrencyConflict):
    """The slot was taken (by another booking or hold) or is not on offer."""


class BookingError(ValidationError):
    """The appointment is not in a state that allows this (``booking.state``, ...)."""


class CodeRefused(BookingError):
    """The e-mail code was not accepted (wrong, expired, used, too many tries, resend limit)."""


def slot_taken() -> SlotTaken:
    """The error for a slot that another citizen holds or booked."""
    return SlotTaken(
        "booking.slot_taken",
        sl="Termin je medtem zasedel nekdo drug; izberite drug termin.",
        en="Someone else took the slot meanwhile; choose another one.",
        where="slot",
    )
