"""Payment references (sklic) of invoices: which invoice a payment settles.

Every invoice gets a reference that identifies it, built from the child's code,
the numbering year and the invoice's serial number in that year (numbers are
gap-free per organisation and year, so year and serial identify the invoice).

**SI12** (the default): model 12, one block of 12 data digits and a mod 11
check digit K (``SI12 CCCCCYYNNNNNK``):

====  ======  ===========================================================
Pos.  Digits  Meaning
====  ======  ===========================================================
1-5   CCCCC   the child's code, zero-padded (codes 1 ... 99999, the
              registry's default width)
6-7   YY      the numbering year, last two digits
8-12  NNNNN   the invoice's serial number in that year (1 ... 99999)
13    K       mod 11 check digit (:func:`szo_core.ids.reference.make`)
====  ======  ===========================================================

The child's code first lets a person reading a bank statement find the child;
``YY NNNNN`` is the invoice number ``YYYY-NNNNN`` without the century.  A code
or serial that does not fit raises :class:`~szo_core.errors.BillingError`
``billing.reference.too_long``: use RF for such organisations.

**RF** (ISO 11649): ``RFkk`` + ``YYYY`` + ``NNNNNN`` (serial, 6 digits) + the
child's code (at least 5 digits, up to 11), so up to 21 characters.

Child 101, invoice 2026-00007: data ``00101 26 00007``; weights 2 ... 13 from
the right give 7·2 + 6·7 + 2·8 + 1·9 + 1·11 = 92, 92 mod 11 = 4, K = 11 − 4 = 7:

>>> invoice_reference(ReferenceScheme.SI12, child_code=101, year=2026, serial=7)
'SI120010126000077'
>>> invoice_reference(ReferenceScheme.RF, child_code=101, year=2026, serial=7)
'RF85202600000700101'
>>> parse_si12("SI12 0010126000077")
(101, 26, 7)
"""

from __future__ import annotations

from szo_core.billing.records import ReferenceScheme
from szo_core.errors import BillingError
from szo_core.ids import reference

__all__ = ["invoice_reference", "parse_si12"]

_CHILD_DIGITS = 5
_SERIAL_DIGITS = 5
_RF_SERIAL_DIGITS = 6
_RF_MAX_CHILD_DIGITS = 11


def _too_long(what_sl: str, what_en: str, where: str) -> BillingError:
    return BillingError(
        "billing.reference.too_long",
        sl=f"{what_sl} ne gre v sklic; izberite sklic RF.",
        en=f"{what_en} does not fit the reference; choose RF references.",
        where=where,
    )


def invoice_reference(scheme: ReferenceScheme, *, child_code: int, year: int, serial: int) -> str:
    """Return the compact payment reference of an invoice (see the module table).

    Args:
        scheme: SI12 or RF.
        child_code: The child's code (positive).
        year: The numbering year.
        serial: The invoice's serial number in the year (from 1).

    Raises:
        BillingError: ``billing.reference.too_long`` when a part does not fit.

    >>> invoice_reference(ReferenceScheme.SI12, child_code=100000, year=2026, serial=1)
    Traceback (most recent call last):
    ...
    szo_core.errors.BillingError: billing.reference.too_long: ...
    """
    scheme = ReferenceScheme(scheme)
    if scheme is ReferenceScheme.SI12:
        if not 1 <= child_code < 10**_CHILD_DIGITS:
            raise _too_long("Šifra otroka", "The child's code", "child_code")
        if not 1 <= serial < 10**_SERIAL_DIGITS:
            raise _too_long("Zaporedna številka računa", "The invoice serial number", "serial")
        data = f"{child_code:0{_CHILD_DIGITS}d}{year % 100:02d}{serial:0{_SERIAL_DIGITS}d}"
        return reference.make("SI12", data)
    if not 1 <= serial < 10**_RF_SERIAL_DIGITS:
        raise _too_long("Zaporedna številka računa", "The invoice serial number", "serial")
    if not 1 <= child_code < 10**_RF_MAX_CHILD_DIGITS:
        raise _too_long("Šifra otroka", "The child's code", "child_code")
    return reference.make_rf(
        f"{year:04d}{serial:0{_RF_SERIAL_DIGITS}d}{child_code:0{_CHILD_DIGITS}d}"
    )


def parse_si12(number: str) -> tuple[int, int, int]:
    """Return ``(child_code, YY, serial)`` of an SI12 invoice reference (validated first).

    Raises:
        szo_core.errors.ValidationError: The reference is not a valid SI12 reference.

    >>> parse_si12("SI12 0010126000074")
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
    return int(digits[:5]), int(digits[5:7]), int(digits[7:12])
