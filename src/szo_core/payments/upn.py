r"""UPN QR: the payload and the QR symbol of the Slovenian universal payment order.

The payload follows the ZBS technical standard (UPN QR v1.1, section 5.2) and
the ZBS programmers' guide for registered issuers (May 2017):

* 19 fields, each followed by LF (0x0A), then field 20, the checksum, also
  followed by LF; an optional reserve of spaces (no LF) may pad the payload;
* field 20 is the sum of the lengths of fields 1-19 plus 19, three digits;
* ISO 8859-2 only; at most 411 bytes.

:func:`payload` enforces the field rules before it writes a byte:

* every text is NFC-normalised and stripped of spaces; line breaks and other
  control characters are refused (``upn.control_character``), at the ends of a
  text too, and so is any character
  ISO 8859-2 does not have (``upn.charset``: the error names the field and the
  code point, e.g. ``U+0107`` for ć);
* an over-long field is refused (``upn.length``) unless ``shorten=True``: names,
  streets, places and the purpose text are then shortened by the documented
  rule of :func:`szo_core.payments.shorten` (whole words, never inside a letter);
  codes, accounts and references are never shortened;
* the amount is a ``Decimal`` from 0.01 to 999 999 999.99 with at most two
  decimals, written in cents padded to 11 digits (0.29 € is ``00000000029``);
  zero is allowed only for a charity slip (purpose code ``CHAR``);
* the purpose code must be in the ZBS list (:data:`PURPOSE_CODES`); the default
  is ``EDUC`` (*izobraževanje*, "payment of study/tuition fees"), the code that
  fits pre-school education; set ``purpose_code`` per institution or service
  (``LTCF`` for a care home, ``SCVE`` for other services, ...);
* IBANs and references are checked with :mod:`szo_core.ids.iban` and
  :mod:`szo_core.ids.reference` and written compact;
* a **registered issuer** (``registered_issuer=True``, the default: a
  kindergarten that prints pre-filled slips) must leave fields 2, 3, 4, 5, 10
  and 11 empty and must give the recipient's IBAN, name, address and reference.

:func:`qr` encodes the payload as the standard wants it: QR version 15, error
correction M (not boosted), one byte-mode segment, ECI 000004 (ISO 8859-2), and
renders it at the printed size (module 0.42333 mm = 10 px at 600 dpi, 32.597 mm
without the quiet zone).

Example:
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> order = UpnOrder(
    ...     payer_name="Janez Novak", payer_street="Dunajska ulica 1",
    ...     payer_city="1000 Ljubljana", amount=Decimal("81.05"), purpose_code="RENT",
    ...     purpose="Plačilo najemnine za marec 2017", deadline=date(2017, 4, 1),
    ...     recipient_iban="SI56 0201 7001 4356 205",
    ...     recipient_reference="SI12 1234567890120", recipient_name="RentaCar d.o.o.",
    ...     recipient_street="Pohorska ulica 22", recipient_city="2000 Maribor")
    >>> data = payload(order)
    >>> data.split(b"\n")[8], data.split(b"\n")[19], len(data)
    (b'00000008105', b'201', 205)
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Final

import attrs

from szo_core.errors import (
    ConfigurationError,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
)
from szo_core.ids import iban as _iban
from szo_core.ids import reference as _reference
from szo_core.ids._pii import iban_repr
from szo_core.money import is_whole_cents, to_decimal
from szo_core.payments._purpose_codes import PURPOSE_CODES
from szo_core.payments._text import nfc, shorten

if TYPE_CHECKING:
    from szo_core.payments.instructions import PaymentInstruction

__all__ = [
    "DEFAULT_PURPOSE_CODE",
    "ENCODING",
    "MAX_PAYLOAD_BYTES",
    "MODULE_MM",
    "PAYER_FIELDS",
    "PURPOSE_CODES",
    "UpnOrder",
    "UpnQr",
    "checksum",
    "order_from_instruction",
    "payload",
    "qr",
]

ENCODING: Final = "iso-8859-2"
"""The only character set of UPN QR (ECI 000004)."""

MAX_PAYLOAD_BYTES: Final = 411
"""Bytes that fit QR version 15-M in byte mode with the ECI header."""

DEFAULT_PURPOSE_CODE: Final = "EDUC"
"""Default purpose code: *izobraževanje* (pre-school and school fees)."""

MODULE_MM: Final = 25.4 / 60
"""The printed module size: 1/60 inch = 0.42333 mm (10 dots at 600 dpi)."""

_QR_VERSION: Final = 15
_PNG_SCALE: Final = 10
_PNG_DPI: Final = 600
_MAX_AMOUNT: Final = Decimal("999999999.99")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LATIN2: Final = frozenset(bytes(range(0x100)).decode(ENCODING))

# (label, maximum length) of fields 1-19, ZBS technical standard 5.2.
_FIELDS: Final = (
    ("vodilni slog / leading style", 5),
    ("IBAN plačnika / payer IBAN", 19),
    ("polog / deposit", 1),
    ("dvig / withdrawal", 1),
    ("referenca plačnika / payer reference", 26),
    ("ime plačnika / payer name", 33),
    ("ulica plačnika / payer street", 33),
    ("kraj plačnika / payer city", 33),
    ("znesek / amount", 11),
    ("datum plačila / payment date", 10),
    ("nujno / urgent", 1),
    ("koda namena / purpose code", 4),
    ("namen plačila / purpose", 42),
    ("rok plačila / deadline", 10),
    ("IBAN prejemnika / recipient IBAN", 34),
    ("referenca prejemnika / recipient reference", 26),
    ("ime prejemnika / recipient name", 33),
    ("ulica prejemnika / recipient street", 33),
    ("kraj prejemnika / recipient city", 33),
)

PAYER_FIELDS: Final = frozenset(label for label, _ in _FIELDS[5:8])
"""The ``where`` of errors about the payer's name, street and city (fields 6-8).

A slip whose payer data cannot be filled in is the payer's record to fix, not
the issuer's: :func:`szo_core.billing.folder.bill_to_folder` holds such a slip
back (``instructions.slip_payer``) and bills the rest.

>>> sorted(PAYER_FIELDS)[0]
'ime plačnika / payer name'
"""


@attrs.frozen(kw_only=True)
class UpnOrder:
    """The content of one UPN order (fields 2-19 of the QR code).

    Empty strings are empty fields.  Accounts are masked in ``repr()``.

    Example:
        >>> from decimal import Decimal
        >>> UpnOrder(amount=Decimal("10.00"), purpose="Test", registered_issuer=False).purpose_code
        'EDUC'
    """

    payer_iban: str = attrs.field(default="", repr=iban_repr)
    deposit: bool = False
    withdrawal: bool = False
    payer_reference: str = ""
    payer_name: str = ""
    payer_street: str = ""
    payer_city: str = ""
    amount: Decimal = attrs.field(converter=to_decimal)
    payment_date: date | None = None
    urgent: bool = False
    purpose_code: str = DEFAULT_PURPOSE_CODE
    purpose: str
    deadline: date | None = None
    recipient_iban: str = attrs.field(default="", repr=iban_repr)
    recipient_reference: str = ""
    recipient_name: str = ""
    recipient_street: str = ""
    recipient_city: str = ""
    registered_issuer: bool = True
    """Apply the rules of a registered issuer (*registrirani izdajatelj*)."""


def checksum(fields: tuple[str, ...] | list[str]) -> str:
    """Field 20: the lengths of fields 1-19 plus 19 (their LFs), as three digits.

    Example:
        >>> checksum(["UPNQR"] + [""] * 18)
        '024'
    """
    return f"{sum(map(len, fields)) + 19:03d}"


def _length_error(index: int) -> InvalidLength:
    label, limit = _FIELDS[index]
    return InvalidLength(
        "upn.length",
        sl=f"Polje {index + 1} je daljše od {limit} znakov.",
        en=f"Field {index + 1} is longer than {limit} characters.",
        where=label,
    )


def _text(value: str, index: int, *, shorten_to_fit: bool) -> str:
    if not isinstance(value, str):
        raise InvalidFormat(
            "upn.type",
            sl=f"Polje {index + 1} mora biti besedilo.",
            en=f"Field {index + 1} must be text.",
            where=_FIELDS[index][0],
        )
    # control characters are refused wherever they are, at the ends too ("Ana\n")
    if _CONTROL.search(value) is not None:
        raise InvalidFormat(
            "upn.control_character",
            sl=f"Polje {index + 1} vsebuje prelom vrstice ali drug krmilni znak.",
            en=f"Field {index + 1} contains a line break or another control character.",
            where=_FIELDS[index][0],
        )
    text = value.strip() if value.isascii() else nfc(value)
    if not text.isascii() and not _LATIN2.issuperset(text):
        bad = next(c for c in text if c not in _LATIN2)
        code = f"U+{ord(bad):04X}"
        raise InvalidFormat(
            "upn.charset",
            sl=f"Polje {index + 1} vsebuje znak {code}, ki ga ISO 8859-2 nima.",
            en=f"Field {index + 1} contains {code}, which ISO 8859-2 does not have.",
            where=_FIELDS[index][0],
        )
    limit = _FIELDS[index][1]
    if len(text) > limit:
        if not shorten_to_fit:
            raise _length_error(index)
        text = shorten(text, limit)
    return text


def _amount(order: UpnOrder) -> str:
    amount = order.amount
    where = _FIELDS[8][0]
    # the range first: it compares exactly, whatever the exponent (1E+30 is not rounded)
    if amount < 0 or amount > _MAX_AMOUNT:
        raise InvalidFormat(
            "upn.amount_range",
            sl="Znesek mora biti med 0,01 in 999.999.999,99 EUR.",
            en="The amount must be between 0.01 and 999,999,999.99 EUR.",
            where=where,
        )
    if not is_whole_cents(amount):
        raise InvalidFormat(
            "upn.amount_cents",
            sl="Znesek ima več kot dve decimalki.",
            en="The amount has more than two decimals.",
            where=where,
        )
    if amount == 0 and order.purpose_code != "CHAR":
        raise InvalidFormat(
            "upn.amount_zero",
            sl="Znesek nič je dovoljen le na dobrodelnem nalogu (koda namena CHAR).",
            en="A zero amount is allowed only on a charity slip (purpose code CHAR).",
            where=where,
        )
    return f"{int(amount.scaleb(2)):011d}"


def _date(value: date | None, index: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, date):
        raise InvalidFormat(
            "upn.date",
            sl=f"Polje {index + 1} mora biti datum.",
            en=f"Field {index + 1} must be a date.",
            where=_FIELDS[index][0],
        )
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def _account(value: str, index: int) -> str:
    if not value:
        return ""
    compact = _iban.validate(value)
    if len(compact) > _FIELDS[index][1]:
        raise _length_error(index)
    return compact


def _ref(value: str, index: int) -> str:
    if not value:
        return ""
    compact = _reference.validate(value)
    if len(compact) > _FIELDS[index][1]:
        raise _length_error(index)
    return compact


def _registered_issuer_rules(fields: list[str]) -> None:
    for index in (1, 2, 3, 4, 9, 10):
        if fields[index]:
            raise ConfigurationError(
                "upn.registered_issuer.field",
                sl=f"Registrirani izdajatelj mora pustiti polje {index + 1} prazno.",
                en=f"A registered issuer must leave field {index + 1} empty.",
                where=_FIELDS[index][0],
            )
    required = [14, 15, 16, 17, 18]
    if fields[11] != "CHAR":
        required += [5, 6, 7]
    for index in sorted(required):
        if not fields[index]:
            raise ConfigurationError(
                "upn.registered_issuer.required",
                sl=f"Registrirani izdajatelj mora izpolniti polje {index + 1}.",
                en=f"A registered issuer must fill in field {index + 1}.",
                where=_FIELDS[index][0],
            )


def _fields(order: UpnOrder, *, shorten_to_fit: bool) -> list[str]:
    code = order.purpose_code
    if not isinstance(code, str) or code not in PURPOSE_CODES:
        raise InvalidComponent(
            "upn.purpose_code",
            sl="Koda namena ni na seznamu kod namena ZBS.",
            en="The purpose code is not in the ZBS list of purpose codes.",
            where=_FIELDS[11][0],
        )
    if order.deposit and order.withdrawal:
        raise ConfigurationError(
            "upn.deposit_and_withdrawal",
            sl="Nalog ne more biti hkrati polog in dvig.",
            en="An order cannot be a deposit and a withdrawal at once.",
            where=_FIELDS[2][0],
        )

    def text(value: str, index: int, *, may_shorten: bool = True) -> str:
        return _text(value, index, shorten_to_fit=shorten_to_fit and may_shorten)

    fields = [
        "UPNQR",
        _account(order.payer_iban, 1),
        "X" if order.deposit else "",
        "X" if order.withdrawal else "",
        _ref(order.payer_reference, 4),
        text(order.payer_name, 5),
        text(order.payer_street, 6),
        text(order.payer_city, 7),
        _amount(order),
        _date(order.payment_date, 9),
        "X" if order.urgent else "",
        code,
        text(order.purpose, 12),
        _date(order.deadline, 13),
        _account(order.recipient_iban, 14),
        _ref(order.recipient_reference, 15),
        text(order.recipient_name, 16),
        text(order.recipient_street, 17),
        text(order.recipient_city, 18),
    ]
    if not fields[12]:
        raise InvalidFormat(
            "upn.purpose_missing",
            sl="Namen plačila je obvezen.",
            en="The purpose of payment is required.",
            where=_FIELDS[12][0],
        )
    if order.registered_issuer:
        _registered_issuer_rules(fields)
    return fields


def payload(order: UpnOrder, *, shorten: bool = False, pad_to: int | None = None) -> bytes:
    r"""Return the UPN QR payload of ``order``: ISO 8859-2 bytes, ready for the QR code.

    Args:
        order: The order.
        shorten: Shorten over-long names, streets, places and the purpose text by
            the documented rule instead of refusing them.
        pad_to: Pad the reserve with spaces to this many bytes (at most 411; the
            examples of the standard pad to 400).  ``None`` writes no reserve.

    Returns:
        The 20 fields, each followed by LF, then the reserve if any.

    Raises:
        szo_core.errors.ValidationError: a field breaks a rule (see the module
            documentation for the codes); ``where`` names the field.
        szo_core.errors.ConfigurationError: ``upn.registered_issuer.*`` or
            ``upn.deposit_and_withdrawal``; ``upn.pad_to`` for a bad ``pad_to``.

    Example:
        >>> from decimal import Decimal
        >>> order = UpnOrder(amount=Decimal("0.29"), purpose="Test", registered_issuer=False)
        >>> payload(order).split(b"\n")[8]
        b'00000000029'
    """
    fields = _fields(order, shorten_to_fit=shorten)
    text = "\n".join(fields) + "\n" + checksum(fields) + "\n"
    data = text.encode(ENCODING)
    if pad_to is not None:
        if isinstance(pad_to, bool) or not isinstance(pad_to, int):
            raise InvalidType(
                "upn.pad_to.type",
                sl="Dolžina rezerve (pad_to) mora biti celo število bajtov.",
                en="The reserve length (pad_to) must be a whole number of bytes.",
                where="pad_to",
            )
        if not len(data) <= pad_to <= MAX_PAYLOAD_BYTES:
            raise ConfigurationError(
                "upn.pad_to",
                sl=f"Rezervo je mogoče dopolniti do {len(data)} do {MAX_PAYLOAD_BYTES} bajtov.",
                en=f"The reserve can pad to {len(data)} to {MAX_PAYLOAD_BYTES} bytes.",
                where="pad_to",
            )
        data += b" " * (pad_to - len(data))
    return data


@attrs.frozen
class UpnQr:
    """A UPN QR symbol: its payload and its PNG and SVG renderings at the printed size.

    Build it with :func:`qr`.  ``png()`` is 10 pixels per module at 600 dpi;
    ``svg()`` is sized in millimetres.  Both include the 4-module quiet zone by
    default (85 modules = 35.983 mm).

    Example:
        >>> from decimal import Decimal
        >>> symbol = qr(UpnOrder(amount=Decimal("1.00"), purpose="Test",
        ...                      registered_issuer=False))
        >>> symbol.version, symbol.error_level, symbol.modules
        (15, 'M', 77)
        >>> round(symbol.width_mm(border=0), 3)
        32.597
    """

    payload: bytes
    _code: object = attrs.field(repr=False, eq=False, alias="code")

    @property
    def version(self) -> int:
        """The QR version (always 15)."""
        version: int = getattr(self._code, "version")  # noqa: B009 - untyped segno object
        return version

    @property
    def error_level(self) -> str:
        """The error correction level (always ``"M"``)."""
        error: str = getattr(self._code, "error")  # noqa: B009 - untyped segno object
        return error

    @property
    def modules(self) -> int:
        """Modules per side without the quiet zone (77 for version 15)."""
        return 17 + 4 * self.version

    def width_mm(self, *, border: int = 4) -> float:
        """The printed width in millimetres with ``border`` quiet-zone modules."""
        return (self.modules + 2 * border) * MODULE_MM

    def matrix(self, *, border: int = 0) -> tuple[tuple[bool, ...], ...]:
        """The modules row by row from the top (``True`` is dark), with ``border`` light modules.

        For drawing the symbol (the invoice PDF's UPN form draws it as an image mask).

        >>> from decimal import Decimal
        >>> rows = qr(UpnOrder(amount=Decimal("1.00"), purpose="Test",
        ...                    registered_issuer=False)).matrix(border=4)
        >>> len(rows), len(rows[0]), rows[4][4], rows[0][0]
        (85, 85, True, False)
        """
        rows = getattr(self._code, "matrix")  # noqa: B009 - untyped segno object
        light = (False,) * border
        inner = tuple(light + tuple(map(bool, row)) + light for row in rows)
        edge = ((False,) * (len(inner[0]) if inner else 0),) * border
        return edge + inner + edge

    def png(self, *, border: int = 4) -> bytes:
        """The symbol as a PNG: 10 px per module, 600 dpi (module 0.42333 mm)."""
        out = io.BytesIO()
        save = getattr(self._code, "save")  # noqa: B009 - untyped segno object
        save(out, kind="png", scale=_PNG_SCALE, border=border, dpi=_PNG_DPI)
        return out.getvalue()

    def svg(self, *, border: int = 4) -> bytes:
        """The symbol as an SVG document sized in millimetres (module 0.42333 mm)."""
        out = io.BytesIO()
        save = getattr(self._code, "save")  # noqa: B009 - untyped segno object
        save(out, kind="svg", scale=MODULE_MM, unit="mm", border=border, xmldecl=True)
        return out.getvalue()


def qr(order: UpnOrder, *, shorten: bool = False, pad_to: int | None = None) -> UpnQr:
    r"""Encode ``order`` as a UPN QR symbol: version 15, level M, byte mode, ECI 4.

    Needs the ``qr`` extra (segno), imported only here.

    Args:
        order: The order.
        shorten: As for :func:`payload`.
        pad_to: As for :func:`payload`.

    Returns:
        The symbol; call ``png()`` or ``svg()`` for the image bytes.

    Example:
        >>> from decimal import Decimal
        >>> symbol = qr(UpnOrder(amount=Decimal("1.00"), purpose="Test",
        ...                      registered_issuer=False))
        >>> symbol.png()[:4]
        b'\x89PNG'
    """
    try:
        import segno  # noqa: F401 - checked here for the message below
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "szo_core.payments.upn.qr needs segno: pip install 'szo_core[qr]'"
        ) from exc
    from szo_core.payments._qrmask import make_symbol

    data = payload(order, shorten=shorten, pad_to=pad_to)
    # The symbol segno.make(data, version=15, error="m", mode="byte", eci=True, ...) makes,
    # mask choice included, in about an eighth of its time (szo_core.payments._qrmask).
    code = make_symbol(data, version=_QR_VERSION, error="m", encoding=ENCODING)
    return UpnQr(data, code=code)


def order_from_instruction(
    instruction: PaymentInstruction,
    *,
    recipient_iban: str,
    recipient_name: str,
    recipient_street: str,
    recipient_city: str,
    deadline: date | None = None,
    purpose_code: str = DEFAULT_PURPOSE_CODE,
    purpose: str | None = None,
) -> UpnOrder:
    r"""Turn a payment instruction into a registered issuer's UPN order.

    The payer's name, street and place are shortened to the 33 characters of
    the form by the documented rule (:func:`szo_core.payments.shorten`), and so is
    the purpose text (42); the amount and the reference are copied exactly.

    Example:
        >>> from decimal import Decimal
        >>> from szo_core.calendar import Month
        >>> from szo_core.model import Address, PaymentKind
        >>> from szo_core.payments.instructions import PaymentInstruction
        >>> pi = PaymentInstruction(
        ...     instruction_id="F7-202609", payer_id="P-1", payer_name="Špela Žagar",
        ...     payer_address=Address(street="Čopova ulica 7", post_code="1000",
        ...                           city="Ljubljana"),
        ...     period=Month(2026, 9), amount=Decimal("200.75"), reference="RF77F7202609",
        ...     method=PaymentKind.UPN, invoice_numbers=("1", "2"), child_codes=(101, 102),
        ...     group_id="F7", description="Plačilo 2026-09, računi 1, 2")
        >>> order = order_from_instruction(
        ...     pi, recipient_iban="SI56020170014356205", recipient_name="Vrtec Šentjur",
        ...     recipient_street="Cesta Leona Dobrotinška 5", recipient_city="3230 Šentjur")
        >>> payload(order).split(b"\n")[8]
        b'00000020075'
    """
    return UpnOrder(
        payer_name=shorten(instruction.payer_name, 33),
        payer_street=shorten(instruction.payer_address.street, 33),
        payer_city=shorten(instruction.payer_address.city_line, 33),
        amount=instruction.amount,
        purpose_code=purpose_code,
        purpose=shorten(purpose if purpose is not None else instruction.description, 42),
        deadline=deadline,
        recipient_iban=recipient_iban,
        recipient_reference=instruction.reference,
        recipient_name=recipient_name,
        recipient_street=recipient_street,
        recipient_city=recipient_city,
    )
