"""The codes szo_core writes into e-SLOG 2.0, and the checks that guard them.

The e-SLOG 2.0 XSD has no code lists: ``<D_1001>999</D_1001>`` validates as
well as ``380``.  Every code the writer puts into a document therefore comes
from one of the small allow-lists below, and :func:`check_code` refuses
anything else with an :class:`~szo_core.errors.InvoiceError` before a single
byte is written.  The lists hold only what the SDK itself writes; the reader
accepts other codes where it ignores the element.

Texts are checked too: the XSD limits each text element (70 characters for
a name part, 35 for a street part, 512 for a free-text part ...).
:func:`split_text` cuts a text into the parts the XSD allows for the element
(``D_3036``, ``D_3036_2`` ... are parts of one name) and refuses a text that
does not fit into all of them, naming the field, never the text.

>>> check_code("document_type", "381", where="S_BGM/D_1001")
'381'
>>> check_code("document_type", "999", where="S_BGM/D_1001")
Traceback (most recent call last):
...
szo_core.errors.InvoiceError: eslog.code: Koda 999 ni dovoljena za document_type. (S_BGM/D_1001)
>>> [len(part) for part in split_text("Vrtec " * 20, size=70, parts=5, where="seller.name")]
[70, 50]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from szo_core.errors import InvoiceError
from szo_core.ids import iban as _iban

__all__ = [
    "ALLOWED",
    "BIC_PATTERN",
    "MAX_AMOUNT",
    "VATEX_PATTERN",
    "check_bic",
    "check_code",
    "check_iban",
    "check_text",
    "check_vatex",
    "split_text",
]

ALLOWED: Final[Mapping[str, frozenset[str]]] = {
    # UNTDID 1001: commercial invoice, credit note.
    "document_type": frozenset({"380", "381"}),
    # UNTDID 2005: issue, due, service period start and end, the corrected invoice's date.
    "date": frozenset({"137", "13", "167", "168", "384"}),
    # UNTDID 5025: line net amount, line amount with VAT, total of the lines, taxable
    # amount, VAT total, total with VAT, amount due, VAT base, VAT amount.
    "amount": frozenset({"203", "38", "79", "389", "176", "388", "9", "125", "124"}),
    # UNTDID 3035: seller, buyer; and the accounts: the seller's (RB), the buyer's (BB).
    "party": frozenset({"SE", "BY"}),
    "account": frozenset({"RB", "BB"}),
    # UNTDID 1153: payment reference, corrected invoice, tax number, registration number.
    "reference": frozenset({"PQ", "OI", "AHP", "0199"}),
    # UNTDID 4451: process marker, VAT exemption, general information, line detail,
    # mutually defined (szo_core's own structured texts).
    "text": frozenset({"DOC", "AGM", "AAI", "ACB", "ZZZ"}),
    # UNCL 5305, as far as the SDK can write it: exempt, outside scope, zero rated.
    # A positive rate (S) needs VAT amounts the invoice record does not carry.
    "vat_category": frozenset({"E", "O", "Z"}),
    # ISO 4217: UPN and SEPA carry euros only.
    "currency": frozenset({"EUR"}),
    # UNCL 4461: credit transfer (the UPN slip), SEPA direct debit.
    "payment_means": frozenset({"30", "59"}),
    # ISO 639-1 of the line texts.
    "language": frozenset({"sl", "en"}),
}
"""Every code szo_core writes, by kind (the kinds :func:`check_code` knows)."""

VATEX_PATTERN: Final = re.compile(r"VATEX-[A-Z]{2}-[A-Z0-9]+(?:-[A-Z0-9]+)*")
"""The shape of a VATEX exemption reason code (``VATEX-EU-132-1I``), at most 17 characters."""

BIC_PATTERN: Final = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
"""ISO 9362: bank, country, location, optional branch (8 or 11 characters)."""

MAX_AMOUNT: Final = Decimal("10") ** 13
"""Amounts must stay below this: ``D_5118`` (the price) allows 15 digits, 2 of them cents."""

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\r]")


def _error(code: str, *, sl: str, en: str, where: str) -> InvoiceError:
    return InvoiceError(code, sl=sl, en=en, where=where)


def check_code(kind: str, value: str, *, where: str) -> str:
    """Return ``value`` if it is on the allow-list of ``kind``, or raise.

    Args:
        kind: One of the keys of :data:`ALLOWED` (``"document_type"``, ``"date"`` ...).
        value: The code.
        where: The element it goes into (for the error).

    Raises:
        InvoiceError: ``eslog.code`` for a code not on the list.

    >>> check_code("currency", "EUR", where="S_CUX")
    'EUR'
    """
    if value not in ALLOWED[kind]:
        shown = value if len(value) <= 20 and value.isprintable() else "…"
        raise _error(
            "eslog.code",
            sl=f"Koda {shown} ni dovoljena za {kind}.",
            en=f"The code {shown} is not allowed for {kind}.",
            where=where,
        )
    return value


def check_vatex(value: str, *, where: str) -> str:
    """Return a VATEX code if it has the VATEX shape and fits ``D_4441`` (17 characters).

    >>> check_vatex("VATEX-EU-132-1I", where="vat.reason_code")
    'VATEX-EU-132-1I'
    >>> check_vatex("exempt", where="vat.reason_code")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvoiceError: eslog.vatex: ...
    """
    if len(value) > 17 or VATEX_PATTERN.fullmatch(value) is None:
        raise _error(
            "eslog.vatex",
            sl="Koda razloga za oprostitev DDV mora biti oblike VATEX-EU-… (največ 17 znakov).",
            en="The VAT exemption reason code must look like VATEX-EU-… (at most 17 characters).",
            where=where,
        )
    return value


def check_iban(value: str, *, where: str) -> str:
    """Return the IBAN in its compact form, or raise without showing it.

    >>> check_iban("SI56 0201 7001 4356 205", where="seller.iban")
    'SI56020170014356205'
    >>> check_iban("SI56020170014356206", where="seller.iban")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvoiceError: eslog.iban: IBAN ni veljaven. (seller.iban)
    """
    if not _iban.is_valid(value):
        raise _error("eslog.iban", sl="IBAN ni veljaven.", en="The IBAN is not valid.", where=where)
    return _iban.compact(value)


def check_bic(value: str, *, where: str) -> str:
    """Return a BIC of the ISO 9362 shape (8 or 11 characters), or raise.

    >>> check_bic("LJBASI2X", where="seller.bic")
    'LJBASI2X'
    """
    if BIC_PATTERN.fullmatch(value) is None:
        raise _error(
            "eslog.bic",
            sl="BIC mora imeti 8 ali 11 znakov (banka, država, kraj, enota).",
            en="A BIC has 8 or 11 characters (bank, country, location, branch).",
            where=where,
        )
    return value


def check_text(value: str, *, where: str) -> str:
    """Return ``value`` if XML 1.0 can carry it unchanged (no control characters, no CR).

    >>> check_text("Čopova 7", where="buyer.address.street")
    'Čopova 7'
    """
    if _FORBIDDEN.search(value) or not _is_xml_text(value):
        raise _error(
            "eslog.text_characters",
            sl="Besedilo ima kontrolne znake, ki jih XML ne prenese.",
            en="The text has control characters that XML cannot carry.",
            where=where,
        )
    return value


def _is_xml_text(value: str) -> bool:
    # lone surrogates cannot be encoded as UTF-8
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def split_text(value: str, *, size: int, parts: int, where: str) -> list[str]:
    """Cut ``value`` into at most ``parts`` pieces of ``size`` characters.

    The pieces joined give the text back exactly, so a reader restores it by
    concatenation.  An empty text gives no pieces (the element is left out:
    the XSD allows no empty text).

    Raises:
        InvoiceError: ``eslog.text_too_long`` when the text is longer than
            ``size * parts`` (naming the field, not the text);
            ``eslog.text_characters`` for control characters.

    >>> split_text("", size=35, parts=4, where="x")
    []
    >>> split_text("a" * 36, size=35, parts=4, where="x") == ["a" * 35, "a"]
    True
    """
    check_text(value, where=where)
    if len(value) > size * parts:
        raise _error(
            "eslog.text_too_long",
            sl=f"Besedilo je daljše od {size * parts} znakov, kolikor jih dovoli e-SLOG 2.0.",
            en=f"The text is longer than the {size * parts} characters e-SLOG 2.0 allows.",
            where=where,
        )
    return [value[i : i + size] for i in range(0, len(value), size)]
