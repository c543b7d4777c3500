"""Payment references (sklic) of invoices: which invoice a payment settles.

Every invoice gets a reference that identifies it, built from the child's code,
the numbering year and the invoice's serial number in that year (invoices are
numbered gap-free per organisation and year, so year and serial identify it).
Credit notes (dobropisi), 0.00 invoices kept for the record and the state's
claim have nothing to pay and get no reference.

**SI12** (the default): model 12, one block of 12 data digits and a mod 11
check digit K (``SI12 CCCCCYNNNNNNK``):

====  ======  ===========================================================
Pos.  Digits  Meaning
====  ======  ===========================================================
1-5   CCCCC   the child's code, zero-padded (codes 1 ... 99999, the
              registry's default width); ``00000`` on a municipality's
              invoice for its list of children
6     Y       the numbering year's last digit
7-12  NNNNNN  the invoice's serial number in that year (1 ... 999999)
13    K       mod 11 check digit (:func:`szo_core.ids.reference.make`)
====  ======  ===========================================================

Why this layout: 12 data digits is all model 12 has.  The child's code first
lets a person reading a bank statement find the child.  Six serial digits hold
999,999 invoices a year: an organisation of 20,000 children issues about
240,000 (one parents' invoice per child and month; the municipalities get one
invoice a month each and the state a claim), where the former ``CCCCC YY
NNNNN`` layout overflowed in the third month.  One year digit keeps a
reference unique for ten years, longer than a fee claim stays enforceable.  A
code or serial that does not fit raises :class:`~szo_core.errors.BillingError`
``billing.reference.too_long``, saying what does not fit.

**RF** (ISO 11649): ``RFkk`` + ``YYYY`` + ``NNNNNN`` (serial, 6 digits) + the
child's code (at least 5 digits, up to 11), so up to 21 characters.  Use it for
child codes above 99999.

Child 101, invoice 2026-000007: data ``00101 6 000007``; weights 2 ... 13 from
the right give 7·2 + 6·8 + 1·9 + 1·11 = 82, 82 mod 11 = 5, K = 11 − 5 = 6:

>>> invoice_reference(ReferenceScheme.SI12, child_code=101, year=2026, serial=7)
'SI120010160000076'
>>> invoice_reference(ReferenceScheme.RF, child_code=101, year=2026, serial=7)
'RF85202600000700101'
>>> parse_si12("SI12 0010160000076")
Si12Parts(child_code=101, year_digit=6, serial=7)
"""

from __future__ import annotations

from typing import NamedTuple

from szo_core.billing.records import ReferenceScheme
from szo_core.errors import BillingError, ConfigurationError, InvalidType
from szo_core.ids import reference

__all__ = ["MAX_SERIAL", "Si12Parts", "invoice_reference", "parse_si12"]

_CHILD_DIGITS = 5
_SERIAL_DIGITS = 6
_RF_SERIAL_DIGITS = 6
_RF_MAX_CHILD_DIGITS = 11

MAX_SERIAL = 10**_SERIAL_DIGITS - 1
"""The largest serial a reference holds (999,999 invoices a year), in SI12 and RF."""


class Si12Parts(NamedTuple):
    """The parts of an SI12 invoice reference (:func:`parse_si12`)."""

    child_code: int
    """The child's code (0 on a municipality's invoice)."""
    year_digit: int
    """The numbering year's last digit."""
    serial: int
    """The serial number in that year."""


def _too_long(what_sl: str, what_en: str, hint_sl: str, hint_en: str, where: str) -> BillingError:
    return BillingError(
        "billing.reference.too_long",
        sl=f"{what_sl} ne gre v sklic; {hint_sl}",
        en=f"{what_en} does not fit the reference; {hint_en}",
        where=where,
    )


def _serial_too_long() -> BillingError:
    return _too_long(
        "Zaporedna številka računa (več kot 999.999 računov v letu)",
        "The invoice serial number (more than 999,999 invoices in a year)",
        "razdelite obračun na več organizacij.",
        "split the billing into several organisations.",
        "serial",
    )


def invoice_reference(
    scheme: ReferenceScheme, *, child_code: int | None, year: int, serial: int
) -> str:
    """Return the compact payment reference of an invoice (see the module table).

    Args:
        scheme: SI12 or RF.
        child_code: The child's code (positive), or None for a municipality's
            invoice for its list of children.
        year: The numbering year.
        serial: The invoice's serial number in the year (1 ... :data:`MAX_SERIAL`).

    Raises:
        BillingError: ``billing.reference.too_long`` when a part does not fit.

    >>> invoice_reference(ReferenceScheme.SI12, child_code=None, year=2026, serial=3)
    'SI120000060000031'
    >>> invoice_reference(ReferenceScheme.SI12, child_code=100000, year=2026, serial=1)
    Traceback (most recent call last):
    ...
    szo_core.errors.BillingError: billing.reference.too_long: ...
    """
    if not isinstance(scheme, str) or scheme not in ReferenceScheme.__members__.values():
        raise ConfigurationError(
            "billing.reference.scheme",
            sl="Vrsta sklica mora biti SI12 ali RF.",
            en="The reference scheme must be SI12 or RF.",
            where="scheme",
        )
    scheme = ReferenceScheme(scheme)
    for name, value in (("child_code", child_code), ("year", year), ("serial", serial)):
        if (value is not None or name != "child_code") and (
            isinstance(value, bool) or not isinstance(value, int)
        ):
            raise InvalidType(
                "billing.reference.type",
                sl=f"{name} mora biti celo število.",
                en=f"{name} must be a whole number.",
                where=name,
            )
    if not 1 <= year <= 9999:
        raise ConfigurationError(
            "billing.reference.year",
            sl="Leto mora biti od 1 do 9999.",
            en="The year must be from 1 to 9999.",
            where="year",
        )
    code = 0 if child_code is None else child_code
    if child_code is not None and child_code < 1:
        raise _too_long(
            "Šifra otroka",
            "The child's code",
            "šifra mora biti pozitivna.",
            "it must be positive.",
            "child_code",
        )
    if not 1 <= serial <= MAX_SERIAL:
        raise _serial_too_long()
    if scheme is ReferenceScheme.SI12:
        if code >= 10**_CHILD_DIGITS:
            raise _too_long(
                "Šifra otroka (več kot pet števk)",
                "The child's code (more than five digits)",
                "izberite sklic RF.",
                "choose RF references.",
                "child_code",
            )
        data = f"{code:0{_CHILD_DIGITS}d}{year % 10:d}{serial:0{_SERIAL_DIGITS}d}"
        return reference.make("SI12", data)
    if code >= 10**_RF_MAX_CHILD_DIGITS:
        raise _too_long(
            "Šifra otroka (več kot enajst števk)",
            "The child's code (more than eleven digits)",
            "skrajšajte šifre otrok.",
            "shorten the children's codes.",
            "child_code",
        )
    return reference.make_rf(f"{year:04d}{serial:0{_RF_SERIAL_DIGITS}d}{code:0{_CHILD_DIGITS}d}")


def parse_si12(number: str) -> Si12Parts:
    """Return the parts of an SI12 invoice reference (validated first).

    Raises:
        szo_core.errors.ValidationError: The reference is not a valid SI12 reference.

    >>> parse_si12("SI12 0010160000077")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidChecksum: reference.checksum: ...
    """
    parsed = reference.parse(number)
    if parsed.model != "SI12":
        raise BillingError(
            "billing.reference.model",
            sl="Sklic ni v modelu SI12.",
            en="The reference is not model SI12.",
            where="reference",
        )
    digits = parsed.parts[0]
    return Si12Parts(int(digits[:5]), int(digits[5]), int(digits[6:12]))
