"""Reading the bank: camt.053 / camt.054 statements and pain.002 status reports.

What came into the account, read back from the bank's files:

* **camt.053.001.02** (the day's statement, as UJPnet gives it), **camt.054.001.02**
  and **camt.054.001.08** (debit/credit notifications): each transaction of
  each entry becomes one :class:`BankEntry`: a payment received
  (:attr:`EntryKind.CREDIT`), a return or refund of a direct debit
  (:attr:`EntryKind.RETURN`, with ``RtrInf/Rsn/Cd``), or another debit
  (:attr:`EntryKind.DEBIT`, a fee, a transfer out);
* **pain.002.001.03**: each rejected direct debit becomes a :class:`DebitReject`
  with its reason.

Every file is checked against the ISO 20022 XSD bundled with szo_core
**before** anything is read from it (a first streamed pass with
``lxml.etree.iterparse(schema=...)``), then read in a second streamed pass that
clears each entry once read, so a year of statements is read in flat memory.
:func:`read_bank_file` yields the items one by one; a bad or foreign file
raises :class:`~szo_core.errors.InvalidFormat` naming the file and the element
(``where`` = ``"<file>: <element>"``; the quoted values of libxml2's message,
which may be an IBAN, are blanked) before the first item.

The payer's reference (sklic) is read from ``RmtInf/Strd/CdtrRefInf/Ref``, with or
without ``Tp/CdOrPrtry/Cd`` = ``SCOR`` and with or without spaces; when there is
none (or it is not a valid SI/RF reference) it is looked for in ``RmtInf/Ustrd``.
It is kept compact (``SI120000055526098``, ``RF77F7202609``).

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.testing.bank import Credit, camt053
>>> data = camt053(
...     "SI56011006000000120", date(2026, 10, 20),
...     [Credit(amount=Decimal("107.55"), name="Žiga Čuk", iban="SI56020100012345641",
...             reference="SI12 0000055526098")])
>>> [(e.kind.value, e.amount, e.reference, e.payer_name) for e in read_bank_file(data)]
[('credit', Decimal('107.55'), 'SI120000055526098', 'Žiga Čuk')]
"""

from __future__ import annotations

import enum
import hashlib
import io
import os
import re
from collections import deque
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Final, Literal

import attrs
import pendulum
from lxml import etree

from szo_core.errors import ConfigurationError, InvalidFormat, InvalidType
from szo_core.ids import iban as _iban
from szo_core.ids import reference as _reference
from szo_core.ids._pii import iban_repr

__all__ = [
    "MANDATE_REASONS",
    "REASONS",
    "BankEntry",
    "BankFileKind",
    "BankItem",
    "DebitReject",
    "EntryKind",
    "UjpFileName",
    "find_reference",
    "flags_mandate",
    "parse_ujp_file_name",
    "read_bank_file",
    "reason_text",
    "validate_bank_file",
]

_NS_PREFIX: Final = "urn:iso:std:iso:20022:tech:xsd:"
_ZONE: Final = "Europe/Ljubljana"

BankFileKind = Literal["camt.053.001.02", "camt.054.001.02", "camt.054.001.08", "pain.002.001.03"]
"""The bank files read here (the namespace's last part)."""

KINDS: Final[tuple[BankFileKind, ...]] = (
    "camt.053.001.02",
    "camt.054.001.02",
    "camt.054.001.08",
    "pain.002.001.03",
)

# --------------------------------------------------------------------------- reasons

REASONS: Final[dict[str, tuple[str, str]]] = {
    "AC01": ("Napačna številka računa.", "Incorrect account number."),
    "AC04": ("Račun je zaprt.", "Account closed."),
    "AC06": ("Račun je blokiran.", "Account blocked."),
    "AC13": ("Račun dolžnika je račun potrošnika.", "Debtor account is a consumer account."),
    "AG01": (
        "Transakcija na tem računu ni dovoljena.",
        "Transaction forbidden on this type of account.",
    ),
    "AG02": ("Napačna koda operacije.", "Invalid bank operation code."),
    "AM04": ("Na računu ni dovolj sredstev.", "Insufficient funds."),
    "AM05": ("Podvojeno plačilo.", "Duplicate payment."),
    "BE05": ("Upnik ni prepoznan.", "Unrecognised initiating party."),
    "CNOR": ("Banka upnika ni dosegljiva.", "Creditor bank is not registered."),
    "DNOR": ("Banka dolžnika ni dosegljiva.", "Debtor bank is not registered."),
    "DUPL": ("Podvojeno plačilo.", "Duplicate payment."),
    "FF01": ("Napačna oblika datoteke.", "Invalid file format."),
    "FOCR": ("Vračilo po zahtevi za preklic.", "Return following a cancellation request."),
    "MD01": ("Soglasja ni.", "No mandate."),
    "MD02": (
        "Podatki o soglasju manjkajo ali niso pravilni.",
        "Mandate data missing or incorrect.",
    ),
    "MD06": ("Plačnik je zahteval vračilo.", "Refund requested by the payer."),
    "MD07": ("Dolžnik je umrl.", "Debtor deceased."),
    "MS02": ("Plačnik je zavrnil obremenitev.", "Refused by the payer (reason not given)."),
    "MS03": ("Razlog ni naveden (banka).", "Reason not specified (by the bank)."),
    "RC01": ("Napačna koda BIC.", "Bank identifier incorrect."),
    "RR01": ("Manjkajo podatki o dolžniku.", "Missing debtor account or identification."),
    "RR02": ("Manjka ime ali naslov dolžnika.", "Missing debtor name or address."),
    "RR03": ("Manjka ime ali naslov upnika.", "Missing creditor name or address."),
    "RR04": ("Regulatorni razlog.", "Regulatory reason."),
    "SL01": ("Posebna storitev banke dolžnika.", "Specific service offered by the debtor bank."),
    "TECH": ("Tehnična napaka.", "Technical problem."),
}
"""Slovenian and English texts of the SEPA direct-debit reason codes (EPC, UJP's list)."""

MANDATE_REASONS: Final[frozenset[str]] = frozenset(
    {"AC01", "AC04", "AC06", "AC13", "AG01", "MD01", "MD02", "MD07", "RR01"}
)
"""Reasons that say the mandate cannot be used again as it is (account, mandate, debtor)."""


def reason_text(code: str, language: Literal["sl", "en"] = "sl") -> str:
    """Return the text of a reason code in Slovenian (default) or English.

    An unknown code gets a general text with the code in it.

    >>> reason_text("AC04"), reason_text("AC04", "en"), reason_text("ZZ99", "en")
    ('Račun je zaprt.', 'Account closed.', 'Reason ZZ99 (not in the list).')
    """
    known = REASONS.get(code)
    if known is not None:
        return known[0] if language == "sl" else known[1]
    return (
        f"Razlog {code} (ni na seznamu)."
        if language == "sl"
        else f"Reason {code} (not in the list)."
    )


def flags_mandate(code: str | None) -> bool:
    """True when a reject or return with this reason should flag the payer's mandate.

    >>> flags_mandate("AC04"), flags_mandate("AM04"), flags_mandate(None)
    (True, False, False)
    """
    return code in MANDATE_REASONS


# --------------------------------------------------------------------------- records


class EntryKind(enum.StrEnum):
    """What a statement transaction is, seen from the organisation's account."""

    CREDIT = "credit"
    """Money received (a UPN or SEPA credit transfer, a collected direct debit)."""
    RETURN = "return"
    """A direct debit returned or refunded after settlement (it has ``RtrInf``)."""
    DEBIT = "debit"
    """Money out that is not a return (a fee, a transfer): listed, never matched."""


@attrs.frozen(kw_only=True)
class BankEntry:
    """One transaction of a camt.053 / camt.054 entry.

    Attributes:
        entry_id: A stable id for idempotent import: the bank's own reference
            (``AcctSvcrRef``) when it gives one, else a digest of the statement
            id and the transaction's place in it.
        file_kind: The message it came from.
        statement_id: ``Stmt/Id`` or ``Ntfctn/Id``.
        account_iban: The organisation's account.
        kind: Credit, return or other debit.
        amount: The transaction's amount, positive (the kind gives the direction).
        currency: ``EUR`` as a rule.
        booking_date: ``BookgDt`` (the statement's date when missing).
        value_date: ``ValDt``, or the booking date.
        payer_name: The debtor's name (for a return: the payer whose debit came back).
        payer_iban: The debtor's IBAN, or ``""``.
        reference: The reference (sklic), compact and valid, or None.
        end_to_end_id: ``Refs/EndToEndId`` (``NOTPROVIDED`` becomes None).
        mandate_id: ``Refs/MndtId`` for a direct debit, or None.
        text: The unstructured remittance text (``Ustrd`` lines joined by a space).
        reason: The return reason code (``RtrInf/Rsn/Cd``), or None.
    """

    entry_id: str
    file_kind: BankFileKind
    statement_id: str
    account_iban: str = attrs.field(repr=iban_repr)
    kind: EntryKind
    amount: Decimal
    currency: str = "EUR"
    booking_date: date
    value_date: date
    payer_name: str = ""
    payer_iban: str = attrs.field(default="", repr=iban_repr)
    reference: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    text: str = ""
    reason: str | None = None

    def reason_text(self, language: Literal["sl", "en"] = "sl") -> str | None:
        """The reason's text (see :func:`reason_text`), or None without a reason."""
        return None if self.reason is None else reason_text(self.reason, language)


@attrs.frozen(kw_only=True)
class DebitReject:
    """A direct debit rejected before settlement (``pain.002``, ``TxSts`` = ``RJCT``).

    Attributes:
        entry_id: A stable id (digest of the report id and the original ids).
        report_id: The pain.002's ``MsgId``.
        original_message_id: ``OrgnlMsgId``: the pain.008 it answers.
        original_payment_info_id: ``OrgnlPmtInfId``, or None.
        end_to_end_id: ``OrgnlEndToEndId`` of the rejected transaction; None when
            a whole payment block or file was rejected.
        reason: The reason code (``StsRsnInf/Rsn/Cd``), or None.
        amount: The instructed amount (``OrgnlTxRef/Amt/InstdAmt``), or None.
        collection_date: ``OrgnlTxRef/ReqdColltnDt``, or None.
        mandate_id: ``OrgnlTxRef/MndtRltdInf/MndtId``, or None.
        report_date: The report's creation date (Europe/Ljubljana).
    """

    entry_id: str
    report_id: str
    original_message_id: str
    original_payment_info_id: str | None = None
    end_to_end_id: str | None = None
    reason: str | None = None
    amount: Decimal | None = None
    collection_date: date | None = None
    mandate_id: str | None = None
    report_date: date

    file_kind: BankFileKind = "pain.002.001.03"

    @property
    def reference(self) -> None:
        """None: a reject carries no creditor reference (read as :attr:`BankEntry.reference` is)."""
        return None

    def reason_text(self, language: Literal["sl", "en"] = "sl") -> str | None:
        """The reason's text (see :func:`reason_text`), or None without a reason."""
        return None if self.reason is None else reason_text(self.reason, language)


BankItem = BankEntry | DebitReject
"""What :func:`read_bank_file` yields."""


# --------------------------------------------------------------------------- file names


@attrs.frozen
class UjpFileName:
    """The parts of a UJPnet statement file name (``<account><currency>_DDMMYY_CAMT_izpisek.xml``).

    Attributes:
        account_iban: The account (``SI56`` + the 15 digits).
        currency: ``EUR``.
        day: The statement's day.
    """

    account_iban: str = attrs.field(repr=iban_repr)
    currency: str
    day: date


_UJP_NAME = re.compile(
    r"^(?P<account>\d{15})(?P<currency>[A-Z]{3})_(?P<day>\d{6})_CAMT_izpisek\.xml$", re.IGNORECASE
)


def parse_ujp_file_name(name: str | os.PathLike[str]) -> UjpFileName:
    """Read the account and day from a UJPnet statement file name.

    Args:
        name: The file name or path.

    Raises:
        szo_core.errors.InvalidFormat: ``statements.file_name`` when the name does
            not have UJP's shape, its date does not exist or its account's check
            digits are wrong (the account is not echoed).

    >>> parse_ujp_file_name("011006000000120EUR_201026_CAMT_izpisek.xml").day
    datetime.date(2026, 10, 20)
    """
    base = Path(name).name
    found = _UJP_NAME.match(base)
    problem = found is None
    day: date | None = None
    account = ""
    if found is not None:
        text = found["day"]
        try:
            day = date(2000 + int(text[4:]), int(text[2:4]), int(text[:2]))
            account = _iban.from_trr(found["account"])
        except ValueError:
            problem = True
    if problem or found is None or day is None:
        raise InvalidFormat(
            "statements.file_name",
            sl="Ime datoteke ni v obliki UJP <račun><valuta>_DDMMLL_CAMT_izpisek.xml.",
            en="The file name is not UJP's <account><currency>_DDMMYY_CAMT_izpisek.xml.",
            where="file name",
        )
    return UjpFileName(account_iban=account, currency=found["currency"].upper(), day=day)


# --------------------------------------------------------------------------- references

_CANDIDATE = re.compile(r"(?<![A-Z0-9])(SI|RF)\s?(\d{2})((?:[\s-]?[0-9A-Z]+)+)", re.IGNORECASE)


def find_reference(text: str) -> str | None:
    """Find a valid SI or RF reference in free text (``Ustrd``), compact; None if there is none.

    Spaces inside the reference are allowed; words after it are not part of it.

    >>> find_reference("Oskrbnina sept sklic SI12 0000055526098 hvala")
    'SI120000055526098'
    >>> find_reference("placilo rf77 f720 2609"), find_reference("brez sklica")
    ('RF77F7202609', None)
    """
    for found in _CANDIDATE.finditer(text):
        model = found[1].upper() + found[2]
        tokens = found[3].split()
        for end in range(len(tokens), 0, -1):
            candidate = _reference.compact(model + "".join(tokens[:end]))
            if _reference.is_valid(candidate):
                return candidate
    return None


def _clean_reference(ref: str | None) -> str | None:
    if not ref:
        return None
    try:
        candidate = _reference.compact(ref)
    except ValueError:
        return None
    return candidate if _reference.is_valid(candidate) else None


# --------------------------------------------------------------------------- XSD check

_QUOTED_VALUES = (
    (re.compile(r"value '[^']*'"), "value '…'"),
    (re.compile(r"(Element '[^']*': )'[^']*'"), r"\1'…'"),
    (re.compile(r"(\[facet '[^']*'\] The value )'[^']*'"), r"\1'…'"),
)

_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")


@lru_cache(maxsize=4)
def _schema(kind: BankFileKind) -> etree.XMLSchema:
    source = resources.files("szo_core.payments").joinpath("_schemas", f"{kind}.xsd")
    with source.open("rb") as handle:
        return etree.XMLSchema(etree.parse(handle))


Source = bytes | str | os.PathLike[str]


def _label(source: Source, name: str | None) -> str:
    if name is not None:
        return name
    given: object = source  # callers may pass anything; the type is checked here
    if isinstance(given, bytes | bytearray):
        return "<bytes>"
    if not isinstance(given, str | os.PathLike):
        return "<source>"
    return Path(given).name


def _open(source: Source) -> IO[bytes]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if not isinstance(source, str | os.PathLike):
        raise InvalidType(
            "statements.source",
            sl="Bančna datoteka mora biti pot ali bajti.",
            en="A bank file must be a path or bytes.",
            where="source",
        )
    try:
        return open(source, "rb")
    except OSError:
        raise ConfigurationError(
            "statements.file",
            sl="Bančne datoteke ni mogoče odpreti (ne obstaja ali ni dovoljenja).",
            en="The bank file cannot be opened (it does not exist or is not readable).",
            where=Path(source).name,
        ) from None


def _not_bank_file(label: str) -> InvalidFormat:
    return InvalidFormat(
        "statements.not_bank_file",
        sl="Datoteka ni izpisek camt.053/camt.054 ali poročilo pain.002, ki jih szo_core bere.",
        en="The file is not a camt.053/camt.054 statement or pain.002 report szo_core reads.",
        where=f"{label}: Document",
    )


def _sniff(source: Source, label: str) -> BankFileKind:
    namespace = ""
    with _open(source) as handle:
        if b"<!DOCTYPE" in handle.read(65536):
            # Bank files have no DTD; one could only carry entity tricks.
            raise InvalidFormat(
                "statements.dtd",
                sl="Datoteka ima DTD (<!DOCTYPE>), ki ga bančne datoteke nimajo.",
                en="The file has a DTD (<!DOCTYPE>), which bank files do not have.",
                where=f"{label}: DOCTYPE",
            )
        handle.seek(0)
        # A pull parser keeps the events it read before a syntax error, so the root
        # element decides the file's kind whatever lxml's buffering (lxml 6 raises
        # on a small file before iterparse yields its first event).
        parser = etree.XMLPullParser(events=("start",), no_network=True)
        root: etree._Element | None = None
        error: etree.XMLSyntaxError | None = None
        while root is None and error is None:
            chunk = handle.read(65536)
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except etree.XMLSyntaxError as exc:
                error = exc
            for _event, element in parser.read_events():
                if isinstance(element, etree._Element):
                    root = element
                    break
            if not chunk:
                break
        if root is None:
            lineno = error.lineno if error is not None else None
            raise InvalidFormat(
                "statements.not_xml",
                sl="Datoteka ni veljaven XML.",
                en="The file is not well-formed XML.",
                where=f"{label}: line {lineno}" if lineno else label,
            )
        namespace = etree.QName(root).namespace or ""
    version = namespace.removeprefix(_NS_PREFIX)
    for kind in KINDS:
        if version == kind:
            return kind
    raise _not_bank_file(label)


def _clear(element: etree._Element) -> None:
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _check(source: Source, kind: BankFileKind, label: str) -> int:
    ns = f"{{{_NS_PREFIX}{kind}}}"
    tag = f"{ns}TxInfAndSts" if kind.startswith("pain") else f"{ns}Ntry"
    count = 0
    with _open(source) as handle:
        try:
            for _event, element in etree.iterparse(
                handle,
                events=("end",),
                tag=tag,
                schema=_schema(kind),
                no_network=True,
            ):
                count += 1
                _clear(element)
        except etree.XMLSyntaxError as exc:
            detail = str(exc.msg or exc)
            for pattern, blank in _QUOTED_VALUES:
                detail = pattern.sub(blank, detail)
            last = getattr(exc.error_log, "last_error", None)
            if last is not None and getattr(last, "domain_name", "") != "SCHEMASV":
                raise InvalidFormat(
                    "statements.not_xml",
                    sl="Datoteka ni veljaven XML.",
                    en="The file is not well-formed XML.",
                    where=f"{label}: line {exc.lineno}" if exc.lineno else label,
                ) from None
            element = _ELEMENT.search(detail)
            place = [f"line {exc.lineno}"] if exc.lineno else []
            place += [element[1]] if element else []
            raise InvalidFormat(
                "statements.schema",
                sl=f"Datoteka ni veljavna po shemi XSD {kind}: {detail}",
                en=f"The file is not valid against the {kind} XSD: {detail}",
                where=": ".join([label, ", ".join(place)]) if place else label,
            ) from None
    return count


def validate_bank_file(source: Source, *, name: str | None = None) -> BankFileKind:
    """Check a bank file against its bundled XSD (streamed) and return its kind.

    Args:
        source: The file's bytes or its path.
        name: The name used in errors (the path's file name by default).

    Raises:
        szo_core.errors.ConfigurationError: ``statements.file`` when the path
            cannot be opened; :class:`~szo_core.errors.InvalidType`
            (``statements.source``) for neither a path nor bytes.
        szo_core.errors.InvalidFormat: ``statements.not_xml``,
            ``statements.dtd`` (a ``<!DOCTYPE>``: entities are never expanded),
            ``statements.not_bank_file`` (another message), ``statements.schema``
            (libxml2's message naming the element, values blanked; ``where`` is
            ``"<file>: <element>"``, with ``line <n>,`` before the element when
            libxml2 knows the line).

    >>> validate_bank_file(b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'/>",
    ...                    name="izpisek.xml")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: statements.schema: ... (izpisek.xml: Document)
    """
    label = _label(source, name)
    kind = _sniff(source, label)
    _check(source, kind, label)
    return kind


# --------------------------------------------------------------------------- reading


class _Reader:
    """Finds children by local path in one namespace."""

    def __init__(self, kind: BankFileKind) -> None:
        self.ns = f"{_NS_PREFIX}{kind}"
        self.kind = kind
        self._paths: dict[str, str] = {}

    def path(self, local: str) -> str:
        found = self._paths.get(local)
        if found is None:
            found = "/".join(f"{{{self.ns}}}{part}" for part in local.split("/"))
            self._paths[local] = found
        return found

    def text(self, element: etree._Element, local: str) -> str | None:
        found = element.find(self.path(local))
        if found is None or found.text is None:
            return None
        return found.text.strip()

    def find(self, element: etree._Element, local: str) -> etree._Element | None:
        return element.find(self.path(local))

    def all(self, element: etree._Element, local: str) -> list[etree._Element]:
        return list(element.iterfind(self.path(local)))


def _local_date(value: str) -> date:
    """An ISO date, or the Ljubljana date of an ISO date-time (a naive one is local already)."""
    if len(value) == 10:
        return date.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.date()
    local = pendulum.instance(moment).in_timezone(_ZONE)
    return date(local.year, local.month, local.day)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


_Flat = dict[str, list[etree._Element]]


def _flatten(element: etree._Element, ns_len: int, *, skip: str | None = None) -> _Flat:
    """Every descendant by its local path (``Refs/EndToEndId``), in document order.

    One walk of the subtree instead of a dozen ``find`` calls per transaction
    (ElementPath lookups dominate otherwise).  ``skip`` names a child not to
    descend into (an entry's ``NtryDtls``, read per transaction).
    """
    out: _Flat = {}
    queue: deque[tuple[etree._Element, str]] = deque([(element, "")])
    while queue:
        parent, path = queue.popleft()
        for child in parent:
            tag: object = child.tag
            if not isinstance(tag, str):
                continue  # a comment or processing instruction
            name = tag[ns_len:]
            if name == skip and not path:
                continue
            local = f"{path}/{name}" if path else name
            found = out.get(local)
            if found is None:
                out[local] = [child]
            else:
                found.append(child)
            if len(child):
                queue.append((child, local))
    return out


def _first(flat: _Flat, *paths: str) -> str | None:
    for path in paths:
        found = flat.get(path)
        if found and found[0].text is not None:
            return found[0].text.strip()
    return None


def _date_of(flat: _Flat, name: str) -> date | None:
    text = _first(flat, f"{name}/Dt", f"{name}/DtTm")
    return None if text is None else _local_date(text)


def _entries(
    r: _Reader, entry: etree._Element, statement_id: str, account: str, index: int, fallback: date
) -> Iterator[BankEntry]:
    ns_len = len(r.ns) + 2
    head = _flatten(entry, ns_len, skip="NtryDtls")
    indicator = _first(head, "CdtDbtInd")
    reversal = (_first(head, "RvslInd") or "").lower() == "true"
    booked = _date_of(head, "BookgDt") or fallback
    valued = _date_of(head, "ValDt") or booked
    entry_amount = head["Amt"][0]  # required by the XSD
    entry_ref = _first(head, "AcctSvcrRef")
    details: list[etree._Element | None] = list(r.all(entry, "NtryDtls/TxDtls")) or [None]
    for position, tx in enumerate(details):
        flat = _flatten(tx, ns_len) if tx is not None else {}
        amount_el = (flat.get("Amt") or flat.get("AmtDtls/TxAmt/Amt") or [entry_amount])[0]
        amount_text = amount_el.text or entry_amount.text or "0"
        currency = amount_el.get("Ccy") or entry_amount.get("Ccy") or "EUR"
        tx_indicator = _first(flat, "CdtDbtInd") or indicator
        reason = _first(flat, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry")
        payer_side = (tx_indicator == "CRDT" and reason is None) or reason is not None
        role = "Dbtr" if payer_side else "Cdtr"
        name = _first(flat, f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm") or ""
        iban_text = _first(flat, f"RltdPties/{role}Acct/Id/IBAN") or ""
        e2e = _first(flat, "Refs/EndToEndId")
        if e2e is not None and e2e.upper() == "NOTPROVIDED":
            e2e = None
        text = " ".join(
            line.text.strip() for line in flat.get("RmtInf/Ustrd", ()) if line.text
        ).strip()
        reference = None
        for ref in flat.get("RmtInf/Strd/CdtrRefInf/Ref", ()):
            reference = _clean_reference(ref.text)
            if reference is not None:
                break
        if reference is None and text:
            reference = find_reference(text)
        if reason is not None or (reversal and tx_indicator == "DBIT"):
            kind = EntryKind.RETURN
        elif tx_indicator == "CRDT" and not reversal:
            kind = EntryKind.CREDIT
        else:
            kind = EntryKind.DEBIT
        own = _first(flat, "Refs/AcctSvcrRef") or (entry_ref if len(details) == 1 else None)
        yield BankEntry(
            entry_id=own if own else _digest(r.kind, statement_id, index, position),
            file_kind=r.kind,
            statement_id=statement_id,
            account_iban=account,
            kind=kind,
            amount=Decimal(amount_text),
            currency=currency,
            booking_date=booked,
            value_date=valued,
            payer_name=name,
            payer_iban=iban_text.replace(" ", "").upper(),
            reference=reference,
            end_to_end_id=e2e,
            mandate_id=_first(flat, "Refs/MndtId"),
            text=text,
            reason=reason,
        )


def _read_camt(source: Source, kind: BankFileKind) -> Iterator[BankEntry]:
    r = _Reader(kind)
    tag = r.path("Ntry")
    index = 0
    current: etree._Element | None = None
    statement_id = account = ""
    fallback = date(1970, 1, 1)
    with _open(source) as handle:
        for _event, entry in etree.iterparse(
            handle,
            events=("end",),
            tag=tag,
            no_network=True,
        ):
            block = entry.getparent()
            assert block is not None
            if block is not current:
                # The statement's head, read at its first entry (before entries are cleared).
                current = block
                statement_id = r.text(block, "Id") or ""
                account = (r.text(block, "Acct/Id/IBAN") or "").replace(" ", "").upper()
                created = r.text(block, "CreDtTm")
                fallback = _local_date(created) if created else date(1970, 1, 1)
            index += 1
            yield from _entries(r, entry, statement_id, account, index, fallback)
            _clear(entry)


def _read_pain002(source: Source) -> Iterator[DebitReject]:
    kind: BankFileKind = "pain.002.001.03"
    r = _Reader(kind)
    with _open(source) as handle:
        context = etree.iterparse(
            handle,
            events=("end",),
            tag=(r.path("GrpHdr"), r.path("OrgnlGrpInfAndSts"), r.path("OrgnlPmtInfAndSts")),
            no_network=True,
        )
        report_id = ""
        report_date = date(1970, 1, 1)
        original = ""
        for _event, element in context:
            local = etree.QName(element).localname
            if local == "GrpHdr":
                report_id = r.text(element, "MsgId") or ""
                created = r.text(element, "CreDtTm")
                if created:
                    report_date = _local_date(created)
                continue
            if local == "OrgnlGrpInfAndSts":
                original = r.text(element, "OrgnlMsgId") or ""
                if r.text(element, "GrpSts") == "RJCT":
                    yield DebitReject(
                        entry_id=_digest(kind, report_id, original),
                        report_id=report_id,
                        original_message_id=original,
                        reason=r.text(element, "StsRsnInf/Rsn/Cd"),
                        report_date=report_date,
                    )
                continue
            block_id = r.text(element, "OrgnlPmtInfId")
            block_reason = r.text(element, "StsRsnInf/Rsn/Cd")
            transactions = r.all(element, "TxInfAndSts")
            if not transactions and r.text(element, "PmtInfSts") == "RJCT":
                yield DebitReject(
                    entry_id=_digest(kind, report_id, original, block_id),
                    report_id=report_id,
                    original_message_id=original,
                    original_payment_info_id=block_id,
                    reason=block_reason,
                    report_date=report_date,
                )
            for tx in transactions:
                status = r.text(tx, "TxSts") or r.text(element, "PmtInfSts")
                if status != "RJCT":
                    continue
                e2e = r.text(tx, "OrgnlEndToEndId")
                amount = r.text(tx, "OrgnlTxRef/Amt/InstdAmt")
                collection = r.text(tx, "OrgnlTxRef/ReqdColltnDt")
                yield DebitReject(
                    entry_id=_digest(kind, report_id, original, block_id, e2e),
                    report_id=report_id,
                    original_message_id=original,
                    original_payment_info_id=block_id,
                    end_to_end_id=e2e,
                    reason=r.text(tx, "StsRsnInf/Rsn/Cd") or block_reason,
                    amount=None if amount is None else Decimal(amount),
                    collection_date=None if collection is None else _local_date(collection),
                    mandate_id=r.text(tx, "OrgnlTxRef/MndtRltdInf/MndtId"),
                    report_date=report_date,
                )
            _clear(element)


def read_bank_file(source: Source, *, name: str | None = None) -> Iterator[BankItem]:
    """Validate a camt.053 / camt.054 / pain.002 file, then yield its items one by one.

    The XSD check runs over the whole file first (streamed), so a bad file
    raises before the first item and nothing is read from it.  Then the file
    is read again, streamed: each entry is dropped from memory once yielded.

    Args:
        source: The file's bytes or its path.
        name: The name used in errors (the path's file name by default).

    Yields:
        :class:`BankEntry` for each statement transaction (credits, returns,
        other debits), :class:`DebitReject` for each rejected direct debit of a
        pain.002.

    Raises:
        szo_core.errors.InvalidFormat: See :func:`validate_bank_file`.

    See the module example.
    """
    kind = validate_bank_file(source, name=name)
    if kind == "pain.002.001.03":
        yield from _read_pain002(source)
    else:
        yield from _read_camt(source, kind)
