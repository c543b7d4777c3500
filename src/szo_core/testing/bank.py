"""Bank files for tests: camt.053, camt.054 and pain.002 as a bank or UJP would send them.

The counterpart of :mod:`szo_core.payments.statements`: describe what happened
on the account (:class:`Credit` for money received, :class:`Return` for a
direct debit that came back, :class:`Reject` for one refused before
settlement) and get the bytes of a file that passes the official XSD.  Files
are written with ``lxml.etree.xmlfile``, one entry at a time, so a benchmark
can write a hundred thousand entries in flat memory (:func:`write_camt053`).
Every id and time comes in as an argument (or is derived from the day), so
the same call writes the same bytes.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.payments.statements import read_bank_file
>>> data = pain002("SZO-DEMO-202609", date(2026, 10, 16),
...                [Reject(end_to_end_id="2026-000012", reason="AC04")])
>>> [(r.end_to_end_id, r.reason_text("en")) for r in read_bank_file(data)]
[('2026-000012', 'Account closed.')]
>>> ujp_file_name("SI56011006000000120", date(2026, 10, 20))
'011006000000120EUR_201026_CAMT_izpisek.xml'
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Literal
from zoneinfo import ZoneInfo

import attrs
from lxml import etree

from szo_core.ids._pii import iban_repr

__all__ = [
    "Credit",
    "Reject",
    "Return",
    "camt053",
    "camt054",
    "pain002",
    "ujp_file_name",
    "write_camt053",
]

_NS = "urn:iso:std:iso:20022:tech:xsd:"
_ZONE = ZoneInfo("Europe/Ljubljana")


@attrs.frozen(kw_only=True)
class Credit:
    """Money received: a UPN or SEPA credit transfer, or a collected direct debit.

    Attributes:
        amount: The amount (positive).
        name: The payer's name.
        iban: The payer's IBAN (``""`` for none).
        reference: The reference as the payer typed it (``"SI12 0000055526098"``),
            put into ``Strd/CdtrRefInf/Ref``; None for none.
        scor: Put ``Tp/CdOrPrtry/Cd`` = ``SCOR`` beside the reference.
        text: The unstructured remittance (``Ustrd``), or None.
        end_to_end_id: ``Refs/EndToEndId`` (a collected debit's instruction id).
        mandate_id: ``Refs/MndtId`` for a collected debit.
        booking_date: The entry's booking date (the statement's day when None).
        value_date: The value date (the booking date when None).
        bank_reference: ``AcctSvcrRef`` of the entry, or None.
    """

    amount: Decimal
    name: str = ""
    iban: str = attrs.field(default="", repr=iban_repr)
    reference: str | None = None
    scor: bool = True
    text: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    booking_date: date | None = None
    value_date: date | None = None
    bank_reference: str | None = None


@attrs.frozen(kw_only=True)
class Return:
    """A direct debit that came back after settlement (a debit entry with ``RtrInf``).

    Attributes:
        amount: The amount returned (positive).
        end_to_end_id: The original debit's end-to-end id.
        reason: The reason code (``AC04``, ``AM04``, ``MD06``, ...).
        name: The payer's name.
        iban: The payer's IBAN.
        mandate_id: The mandate.
        booking_date: The booking date (the statement's day when None).
        bank_reference: ``AcctSvcrRef`` of the entry, or None.
    """

    amount: Decimal
    end_to_end_id: str
    reason: str
    name: str = ""
    iban: str = attrs.field(default="", repr=iban_repr)
    mandate_id: str | None = None
    booking_date: date | None = None
    bank_reference: str | None = None


@attrs.frozen(kw_only=True)
class Reject:
    """A direct debit refused before settlement (one ``TxInfAndSts`` of a pain.002).

    Attributes:
        end_to_end_id: The rejected debit's end-to-end id.
        reason: The reason code.
        amount: The instructed amount, or None.
        mandate_id: The mandate, or None.
        collection_date: The requested collection date, or None.
    """

    end_to_end_id: str
    reason: str
    amount: Decimal | None = None
    mandate_id: str | None = None
    collection_date: date | None = None


def ujp_file_name(account_iban: str, day: date, currency: str = "EUR") -> str:
    """UJPnet's file name for a day's statement: ``<15 digits><currency>_DDMMYY_CAMT_izpisek.xml``.

    See the module example.
    """
    account = account_iban.replace(" ", "").upper()[4:]
    return f"{account}{currency}_{day:%d%m%y}_CAMT_izpisek.xml"


def _stamp(day: date) -> str:
    return datetime.combine(day, time(18, 0), tzinfo=_ZONE).isoformat()


class _Writer:
    def __init__(self, xf: etree.xmlfile, version: str) -> None:
        self.xf = xf
        self.version = version
        self.ns = f"{_NS}{version}"

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def el(self, name: str) -> etree._Element:
        """A top-level element written on its own (same default namespace as the document)."""
        return etree.Element(self.q(name), nsmap={None: self.ns})  # type: ignore[dict-item]

    def leaf(self, parent: etree._Element, name: str, text: str, **attrib: str) -> etree._Element:
        element = etree.SubElement(parent, self.q(name), attrib)
        element.text = text
        return element

    def sub(self, parent: etree._Element, path: str) -> etree._Element:
        element = parent
        for name in path.split("/"):
            element = etree.SubElement(element, self.q(name))
        return element

    def header(self, message_id: str, created: str) -> None:
        group = self.el("GrpHdr")
        self.leaf(group, "MsgId", message_id)
        self.leaf(group, "CreDtTm", created)
        self.xf.write(group)

    def account(self, iban: str) -> None:
        acct = self.el("Acct")
        self.leaf(self.sub(acct, "Id"), "IBAN", iban.replace(" ", "").upper())
        self.xf.write(acct)

    def _dated(self, parent: etree._Element, name: str, day: date) -> None:
        self.leaf(self.sub(parent, name), "Dt", day.isoformat())

    def _code(self, parent: etree._Element, domain: str, family: str, sub: str) -> None:
        dom = self.sub(parent, "BkTxCd/Domn")
        self.leaf(dom, "Cd", domain)
        fmly = self.sub(dom, "Fmly")
        self.leaf(fmly, "Cd", family)
        self.leaf(fmly, "SubFmlyCd", sub)

    def _party(self, parties: etree._Element, role: str, name: str, iban: str) -> None:
        if name:
            holder = self.sub(parties, role)
            if self.version.endswith(".08"):
                holder = self.sub(holder, "Pty")
            self.leaf(holder, "Nm", name)
        if iban:
            self.leaf(self.sub(parties, f"{role}Acct/Id"), "IBAN", iban.replace(" ", "").upper())

    def entry(self, item: Credit | Return, day: date, number: int) -> None:
        booked = item.booking_date or day
        credit = isinstance(item, Credit)
        ntry = self.el("Ntry")
        self.leaf(ntry, "NtryRef", str(number))
        amount = f"{item.amount:.2f}"
        self.leaf(ntry, "Amt", amount, Ccy="EUR")
        self.leaf(ntry, "CdtDbtInd", "CRDT" if credit else "DBIT")
        if self.version.endswith(".08"):
            self.leaf(self.sub(ntry, "Sts"), "Cd", "BOOK")
        else:
            self.leaf(ntry, "Sts", "BOOK")
        self._dated(ntry, "BookgDt", booked)
        value = item.value_date if isinstance(item, Credit) else None
        self._dated(ntry, "ValDt", value or booked)
        if item.bank_reference:
            self.leaf(ntry, "AcctSvcrRef", item.bank_reference)
        debit = item.end_to_end_id is not None and item.mandate_id is not None
        if credit:
            self._code(ntry, "PMNT", "RDDT" if debit else "RCDT", "ESDD" if debit else "ESCT")
        else:
            self._code(ntry, "PMNT", "RDDT", "UPDD")
        tx = self.sub(ntry, "NtryDtls/TxDtls")
        if item.end_to_end_id or item.mandate_id:
            refs = self.sub(tx, "Refs")
            if item.end_to_end_id:
                self.leaf(refs, "EndToEndId", item.end_to_end_id)
            if item.mandate_id:
                self.leaf(refs, "MndtId", item.mandate_id)
        if self.version.endswith(".08"):
            self.leaf(tx, "Amt", amount, Ccy="EUR")
            self.leaf(tx, "CdtDbtInd", "CRDT" if credit else "DBIT")
        else:
            self.leaf(self.sub(tx, "AmtDtls/TxAmt"), "Amt", amount, Ccy="EUR")
        if item.name or item.iban:
            self._party(self.sub(tx, "RltdPties"), "Dbtr", item.name, item.iban)
        if isinstance(item, Credit) and (item.reference or item.text):
            rmt = self.sub(tx, "RmtInf")
            if item.text:
                self.leaf(rmt, "Ustrd", item.text)
            if item.reference:
                ref_info = self.sub(rmt, "Strd/CdtrRefInf")
                if item.scor:
                    self.leaf(self.sub(ref_info, "Tp/CdOrPrtry"), "Cd", "SCOR")
                self.leaf(ref_info, "Ref", item.reference)
        if isinstance(item, Return):
            self.leaf(self.sub(tx, "RtrInf/Rsn"), "Cd", item.reason)
        self.xf.write(ntry)


def _balance(w: _Writer, day: date, amount: Decimal) -> None:
    bal = w.el("Bal")
    w.leaf(w.sub(bal, "Tp/CdOrPrtry"), "Cd", "OPBD")
    w.leaf(bal, "Amt", f"{amount:.2f}", Ccy="EUR")
    w.leaf(bal, "CdtDbtInd", "CRDT")
    w.leaf(w.sub(bal, "Dt"), "Dt", day.isoformat())
    w.xf.write(bal)


def _write(
    target: IO[bytes],
    version: str,
    account_iban: str,
    day: date,
    entries: Iterable[Credit | Return],
    statement_id: str | None,
) -> None:
    root_name = "BkToCstmrStmt" if version.startswith("camt.053") else "BkToCstmrDbtCdtNtfctn"
    block_name = "Stmt" if version.startswith("camt.053") else "Ntfctn"
    ident = statement_id or f"{account_iban[4:]}-{day:%Y%m%d}"
    with etree.xmlfile(target, encoding="UTF-8") as xf:
        xf.write_declaration()
        w = _Writer(xf, version)
        with xf.element(w.q("Document"), nsmap={None: w.ns}), xf.element(w.q(root_name)):
            w.header(ident, _stamp(day))
            with xf.element(w.q(block_name)):
                ident_el = w.el("Id")
                ident_el.text = ident
                xf.write(ident_el)
                created = w.el("CreDtTm")
                created.text = _stamp(day)
                xf.write(created)
                w.account(account_iban)
                if block_name == "Stmt":
                    _balance(w, day, Decimal("0.00"))
                for number, item in enumerate(entries, start=1):
                    w.entry(item, day, number)


def write_camt053(
    target: str | os.PathLike[str] | IO[bytes],
    account_iban: str,
    day: date,
    entries: Iterable[Credit | Return],
    *,
    statement_id: str | None = None,
) -> None:
    """Write a camt.053.001.02 statement to a path or binary file, one entry at a time.

    Args:
        target: A path or a binary file object.
        account_iban: The organisation's account.
        day: The statement's day (creation time 18:00 Ljubljana, default booking date).
        entries: Credits and returns, in order (any iterable: a generator stays lazy).
        statement_id: ``Stmt/Id``; derived from the account and the day by default.
    """
    if isinstance(target, str | os.PathLike):
        with open(target, "wb") as handle:
            _write(handle, "camt.053.001.02", account_iban, day, entries, statement_id)
    else:
        _write(target, "camt.053.001.02", account_iban, day, entries, statement_id)


def camt053(
    account_iban: str,
    day: date,
    entries: Iterable[Credit | Return],
    *,
    statement_id: str | None = None,
) -> bytes:
    """Return a camt.053.001.02 statement (see :func:`write_camt053`)."""
    buffer = io.BytesIO()
    write_camt053(buffer, account_iban, day, entries, statement_id=statement_id)
    return buffer.getvalue()


def camt054(
    account_iban: str,
    day: date,
    entries: Iterable[Credit | Return],
    *,
    version: Literal["camt.054.001.02", "camt.054.001.08"] = "camt.054.001.02",
    statement_id: str | None = None,
) -> bytes:
    """Return a camt.054 notification (``.001.02`` or ``.001.08``)."""
    buffer = io.BytesIO()
    _write(buffer, version, account_iban, day, entries, statement_id)
    return buffer.getvalue()


def pain002(
    original_message_id: str,
    day: date,
    rejects: Iterable[Reject],
    *,
    report_id: str | None = None,
    payment_info_id: str = "PMT-1",
) -> bytes:
    """Return a pain.002.001.03 status report rejecting ``rejects`` of the pain.008 named.

    Args:
        original_message_id: The pain.008's ``MsgId``.
        day: The report's day.
        rejects: The rejected transactions.
        report_id: The report's ``MsgId`` (derived from the original by default).
        payment_info_id: ``OrgnlPmtInfId``.
    """
    version = "pain.002.001.03"
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="UTF-8") as xf:
        xf.write_declaration()
        w = _Writer(xf, version)
        with xf.element(w.q("Document"), nsmap={None: w.ns}), xf.element(w.q("CstmrPmtStsRpt")):
            w.header(report_id or f"STS-{original_message_id}"[:35], _stamp(day))
            group = w.el("OrgnlGrpInfAndSts")
            w.leaf(group, "OrgnlMsgId", original_message_id)
            w.leaf(group, "OrgnlMsgNmId", "pain.008.001.02")
            w.leaf(group, "GrpSts", "PART")
            xf.write(group)
            block = w.el("OrgnlPmtInfAndSts")
            w.leaf(block, "OrgnlPmtInfId", payment_info_id)
            w.leaf(block, "PmtInfSts", "PART")
            for number, item in enumerate(rejects, start=1):
                tx = w.sub(block, "TxInfAndSts")
                w.leaf(tx, "StsId", f"RJ{number}")
                w.leaf(tx, "OrgnlEndToEndId", item.end_to_end_id)
                w.leaf(tx, "TxSts", "RJCT")
                w.leaf(w.sub(tx, "StsRsnInf/Rsn"), "Cd", item.reason)
                if item.amount is not None or item.collection_date or item.mandate_id:
                    ref = w.sub(tx, "OrgnlTxRef")
                    if item.amount is not None:
                        w.leaf(w.sub(ref, "Amt"), "InstdAmt", f"{item.amount:.2f}", Ccy="EUR")
                    if item.collection_date is not None:
                        w.leaf(ref, "ReqdColltnDt", item.collection_date.isoformat())
                    if item.mandate_id:
                        w.leaf(w.sub(ref, "MndtRltdInf"), "MndtId", item.mandate_id)
            xf.write(block)
    return buffer.getvalue()
