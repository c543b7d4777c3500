"""The single exception tree of szo_core.

Every error carries a stable machine-readable ``code`` (for example
``emso.checksum``), a message in Slovenian (the default) and in English, and
optionally ``where`` -- the place the problem was found (a field name, a line
number, a transaction id).  Messages never contain the personal number that was
rejected: an EMŠO, a tax number or an IBAN is never echoed back.

The tree::

    SzoError (Exception)
    ├── ValidationError (also ValueError)
    │   ├── InvalidFormat
    │   │   └── InvalidLength
    │   ├── InvalidChecksum
    │   └── InvalidComponent
    ├── InvalidType (also TypeError)
    ├── ConfigurationError (also ValueError)
    ├── FeeRuleError
    ├── RecordLockedError
    ├── BillingError
    │   └── BillingConflict
    └── PortError
        ├── StorageError
        │   ├── NotFound (also LookupError)
        │   └── ConcurrencyConflict
        └── DeliveryError

Example:
    >>> from szo_core.errors import InvalidChecksum
    >>> err = InvalidChecksum(
    ...     "emso.checksum",
    ...     sl="Kontrolna številka EMŠO ni pravilna.",
    ...     en="The EMŠO check digit is wrong.",
    ...     where="emso",
    ... )
    >>> isinstance(err, ValueError)
    True
    >>> str(err)
    'emso.checksum: Kontrolna številka EMŠO ni pravilna. (emso)'
    >>> err.message("en")
    'The EMŠO check digit is wrong. (emso)'
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "BillingConflict",
    "BillingError",
    "ConcurrencyConflict",
    "ConfigurationError",
    "DeliveryError",
    "FeeRuleError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "InvalidType",
    "InvoiceError",
    "Language",
    "NotFound",
    "PortError",
    "RecordLockedError",
    "StorageError",
    "SzoError",
    "ValidationError",
]

Language = Literal["sl", "en"]
"""The languages every user-facing message is available in."""


class SzoError(Exception):
    """Base of every error raised by szo_core.

    Args:
        code: Stable dotted identifier of the problem, e.g. ``"emso.checksum"``.
        sl: The message in Slovenian (shown by ``str()``).
        en: The same message in English.
        where: Where the problem is: a field, a line, a transaction id.  Never the
            rejected personal value itself.
    """

    def __init__(self, code: str, *, sl: str, en: str, where: str | None = None) -> None:
        self.code = code
        self.sl = sl
        self.en = en
        self.where = where
        super().__init__(self.__str__())

    def message(self, language: Language = "sl") -> str:
        """Return the human message in ``language`` (Slovenian by default), with ``where``."""
        text = self.sl if language == "sl" else self.en
        return f"{text} ({self.where})" if self.where else text

    def __str__(self) -> str:
        return f"{self.code}: {self.message('sl')}"

    def __repr__(self) -> str:
        where = f", where={self.where!r}" if self.where else ""
        return f"{type(self).__name__}({self.code!r}{where})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.code, self.sl, self.en, self.where))


def _rebuild(cls: type[SzoError], code: str, sl: str, en: str, where: str | None) -> SzoError:
    return cls(code, sl=sl, en=en, where=where)


class ValidationError(SzoError, ValueError):
    """A value is not valid (bad format, length, check digit or component)."""


class InvalidFormat(ValidationError):
    """The value has characters or a structure that is not allowed."""


class InvalidLength(InvalidFormat):
    """The value is too long or too short."""


class InvalidChecksum(ValidationError):
    """A check digit does not match."""


class InvalidComponent(ValidationError):
    """A part of the value (a date, a register code, a bank code) is not valid."""


class InvalidType(SzoError, TypeError):
    """A value has the wrong type (a ``float`` amount, a string where a number belongs).

    It is also a :class:`TypeError`, so code that caught the built-in error keeps
    working.  Like every szo_core error, its message names the field and the
    expected type, never the value.
    """


class ConfigurationError(SzoError, ValueError):
    """A rule set, a setting or an argument combination is not usable."""


class FeeRuleError(SzoError):
    """The fee rules cannot be applied to the inputs given."""


class RecordLockedError(SzoError):
    """A record used by a closed billing run was edited; supersede it instead."""


class BillingError(SzoError):
    """A billing run cannot be started, completed or closed."""


class BillingConflict(BillingError):
    """Another billing run of the same month is in progress or already closed."""


class InvoiceError(SzoError):
    """An invoice document (PDF, e-SLOG, envelope) cannot be made or read."""


class PortError(SzoError):
    """An adapter behind a port failed."""


class StorageError(PortError):
    """Storage failed; the transaction was rolled back."""


class NotFound(StorageError, LookupError):
    """The record asked for does not exist."""


class ConcurrencyConflict(StorageError):
    """The record was changed by someone else since it was read (stale version)."""


class DeliveryError(PortError):
    """A message, a file or a notification could not be delivered."""
