"""The printed UPN form (210 × 99 mm) on a reportlab canvas, with its data and UPN QR.

The layout follows the ZBS *UPN QR technical standard* v1.1 (November 2016):

* §1: the form is 210 × 99 mm; §6.2: on an A4 invoice it takes the bottom
  99 mm of the page;
* Table 1 ("Koordinate ter višina in širina polj glede na dokument"): every
  field's box in millimetres from the form's top left corner (:data:`ORDER_BOXES`,
  :data:`RECEIPT_BOXES`); the labels sit on the tops of their boxes;
* §4.2.2: the data in Courier New bold, 12 characters per inch on the order
  (nalog) and 17 on the receipt (potrdilo).  The SDK ships Liberation Mono Bold,
  metric-compatible with Courier New, and computes the size from the font's real
  advance width, so the pitch is exact (:func:`data_font_size`);
* §5.1: the UPN QR, 35.98 mm with its quiet zone, in the QR box
  63.5–103.5 × 6–45.5 mm (centred there, :func:`qr_placement`).

The QR symbol is :func:`szo_core.payments.upn.qr` of the slip's order, drawn as
a 1-bit image mask on the symbol's square (one module is 1/60 inch = 1.2 pt; a
stencil painted black, sharp at any resolution), so its bytes are exactly
:meth:`~szo_core.invoices.SlipPayment.payload`.  The printed texts are read
back from that payload (:func:`printed_fields`): what the form shows is what
the QR carries.

The labels are in Liberation Sans Bold (the standard's Myriad Pro Semibold is
not free); the colours approximate PANTONE 172 U (text and rules) and the 20 %
tints of 172 U and 116 U.  A form printed by an issuer must still be checked by
the company ZBS authorises before its first issue: :func:`draw_calibration`
prints the outline and a millimetre grid to check a printer first.

Every drawing function draws in the bottom 99 mm of the current page (the form's
bottom edge on the page's bottom edge) and leaves the canvas state as it found
it; none of them calls ``showPage()``.

>>> data_font_size(12) > data_font_size(17)
True
>>> round(72 / (data_font_size(12) * _fonts.mono_advance()), 6)  # characters per inch
12.0
>>> round(qr_placement().width, 3), round(QR_SIZE_MM, 3)
(35.983, 35.983)
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Final, NamedTuple

import attrs

from szo_core.errors import InvoiceError, Language
from szo_core.invoices import fonts as _fonts
from szo_core.payments.upn import ENCODING, MODULE_MM

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from szo_core.invoices.record import DebitPayment, SlipPayment

__all__ = [
    "FORM_HEIGHT_MM",
    "FORM_WIDTH_MM",
    "ORDER_BOXES",
    "ORDER_CPI",
    "QR_BOX",
    "QR_SIZE_MM",
    "RECEIPT_BOXES",
    "RECEIPT_CPI",
    "Box",
    "SlipFields",
    "data_font_size",
    "draw_calibration",
    "draw_debit",
    "draw_form",
    "draw_slip",
    "printed_fields",
    "qr_placement",
]

FORM_WIDTH_MM: Final = 210.0
"""The form's width (standard §1)."""
FORM_HEIGHT_MM: Final = 99.0
"""The form's height (standard §1); on A4 the bottom 99 mm (§6.2)."""
ORDER_CPI: Final = 12
"""Characters per inch of the data on the order (standard §4.2.2)."""
RECEIPT_CPI: Final = 17
"""Characters per inch of the data on the receipt (standard §4.2.2)."""
QR_MODULES_WITH_QUIET_ZONE: Final = 77 + 2 * 4
"""Version 15 has 77 modules a side; the quiet zone is 4 modules."""
QR_SIZE_MM: Final = QR_MODULES_WITH_QUIET_ZONE * MODULE_MM
"""The symbol's side with its quiet zone: 85 × 0.42333 mm = 35.983 mm (standard §5.1)."""

_PT_PER_MM: Final = 72 / 25.4
_BIT_DIGITS: Final = bytes.maketrans(b"\x00\x01", b"01")  # a row's modules as binary digits


class Box(NamedTuple):
    """A box in millimetres from the form's top left corner: left, top, right, bottom.

    >>> Box(63.5, 6.0, 103.5, 45.5).width
    40.0
    """

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        """The box's width in millimetres."""
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        """The box's height in millimetres."""
        return self.y2 - self.y1


# Table 1 of the technical standard; the A-numbers are the table's.
RECEIPT_BOXES: Final[dict[str, Box]] = {
    "payer": Box(4.0, 6.0, 56.5, 19.5),  # A3
    "purpose": Box(4.0, 22.5, 56.5, 31.5),  # A5
    "amount": Box(16.5, 34.5, 56.5, 39.5),  # A8
    "recipient_account": Box(4.0, 42.5, 56.5, 56.0),  # A10
    "recipient": Box(4.0, 59.0, 56.5, 72.5),  # A12
}
"""The receipt's (potrdilo) field boxes (standard Table 1, A3-A12)."""

QR_BOX: Final = Box(63.5, 6.0, 103.5, 45.5)
"""The QR code's box (standard Table 1, A25)."""

ORDER_BOXES: Final[dict[str, Box]] = {
    "payer_iban": Box(106.5, 6.0, 177.7, 11.0),  # A22
    "deposit": Box(185.2, 6.5, 189.2, 10.5),  # A23
    "withdrawal": Box(196.5, 6.5, 200.5, 10.5),  # A24
    "qr": QR_BOX,  # A25
    "payer_reference_model": Box(106.5, 14.0, 121.5, 19.0),  # A27
    "payer_reference": Box(123.5, 14.0, 206.0, 19.0),  # A28
    "payer": Box(106.5, 22.0, 206.0, 37.0),  # A30
    "amount": Box(114.2, 40.5, 155.5, 45.5),  # A37
    "payment_date": Box(161.2, 40.5, 191.2, 45.5),  # A38
    "urgent": Box(196.5, 41.0, 200.5, 45.0),  # A39
    "purpose_code": Box(63.5, 49.0, 78.5, 54.0),  # A43
    "purpose": Box(80.5, 49.0, 174.2, 54.0),  # A44
    "deadline": Box(176.2, 49.0, 206.0, 54.0),  # A45
    "recipient_iban": Box(63.5, 58.0, 191.0, 63.0),  # A47
    "recipient_reference_model": Box(63.5, 66.0, 78.5, 71.0),  # A50
    "recipient_reference": Box(80.5, 66.0, 163.0, 71.0),  # A51
    "signature": Box(166.0, 66.0, 206.0, 89.0),  # A52
    "recipient": Box(63.5, 74.0, 163.0, 89.0),  # A54
}
"""The order's (nalog) field boxes (standard Table 1, A22-A54)."""

# Fields ruled for hand filling: a tick every 3.75 mm along the bottom (A45: 3.72 mm).
_COMBS: Final = (
    ("payer_iban", 3.75),
    ("payer_reference_model", 3.75),
    ("payer_reference", 3.75),
    ("amount", 3.75),
    ("payment_date", 3.75),
    ("purpose_code", 3.75),
    ("purpose", 3.75),
    ("deadline", 3.72),
    ("recipient_iban", 3.75),
    ("recipient_reference_model", 3.75),
    ("recipient_reference", 3.75),
)
# A31/A32, A55/A56: the dashed rules between the name, street and place lines.
_DASHED: Final = (
    (106.5, 206.0, 27.0),
    (106.5, 206.0, 32.0),
    (63.5, 163.0, 79.0),
    (63.5, 163.0, 84.0),
)
# A15, A16, A62: the black marks for scanning.
_MARKS: Final = (
    Box(61.0, 1.0, 62.5, 2.5),
    Box(207.5, 1.0, 209.0, 2.5),
    Box(207.5, 96.5, 209.0, 98.0),
)
# (text, x, bottom of its text box, size, black, right-aligned): Table 1 and §3.1-3.2.
_LABELS: Final = (
    ("UPN QR - potrdilo", 56.5, 4.9, 10, True, True),  # A1
    ("Ime plačnika", 4.0, 5.8, 7, False, False),  # A2
    ("Namen in rok plačila", 4.0, 22.2, 7, False, False),  # A4
    ("Znesek", 16.5, 33.8, 7, False, False),  # A6
    ("EUR", 7.8, 38.3, 11, True, False),  # A7
    ("IBAN in referenca prejemnika", 4.0, 42.3, 7, False, False),  # A9
    ("Ime prejemnika", 4.0, 58.8, 7, False, False),  # A11
    ("Prostor za vpise ponudnika plačilnih storitev", 13.8, 98.6, 6, False, False),  # A14
    ("Koda QR", 63.5, 5.5, 7, False, False),  # A17
    ("IBAN plačnika", 106.5, 5.7, 7, False, False),  # A18
    ("Polog", 184.3, 5.7, 7, False, False),  # A19
    ("Dvig", 196.1, 5.7, 7, False, False),  # A20
    ("Referenca plačnika", 106.5, 13.8, 7, False, False),  # A26
    ("Ime, ulica in kraj plačnika", 106.5, 21.8, 7, False, False),  # A29
    ("EUR", 106.5, 44.3, 11, True, False),  # A33
    ("Znesek", 114.2, 39.8, 7, False, False),  # A34
    ("Datum plačila", 161.2, 40.2, 7, False, False),  # A35
    ("Nujno", 195.3, 40.2, 7, False, False),  # A36
    ("Koda namena", 63.5, 48.3, 7, False, False),  # A40
    ("Namen plačila", 80.5, 48.7, 7, False, False),  # A41
    ("Rok plačila", 176.2, 48.7, 7, False, False),  # A42
    ("IBAN prejemnika", 63.5, 57.8, 7, False, False),  # A46
    ("UPN QR", 206.0, 61.9, 10, True, True),  # A48
    ("Referenca prejemnika", 63.5, 65.8, 7, False, False),  # A49
    ("Ime, ulica in kraj prejemnika", 63.5, 73.8, 7, False, False),  # A53
    ("Podpis plačnika (neobvezno žig)", 172.0, 88.0, 6, False, False),  # A58
    ("Prostor za vpise ponudnika plačilnih storitev", 118.9, 98.6, 5, False, False),  # A60
)


def _tint(rgb: tuple[int, int, int], share: float) -> tuple[float, float, float]:
    """A raster of ``share`` of an ink on white paper, as RGB fractions."""
    r, g, b = (1 - share * (1 - c / 255) for c in rgb)
    return r, g, b


_PANTONE_172U: Final = (240, 100, 50)  # approximate sRGB of PANTONE 172 U (orange-red)
_PANTONE_116U: Final = (255, 200, 30)  # approximate sRGB of PANTONE 116 U (yellow)
_INK: Final = _tint(_PANTONE_172U, 1.0)
_PAYER_TINT: Final = _tint(_PANTONE_172U, 0.2)
_RECIPIENT_TINT: Final = _tint(_PANTONE_116U, 0.2)

# Data: left padding in a box, and each text line's baseline above the line's bottom.
_PAD_MM: Final = 1.0
_ORDER_LINE_MM: Final = 5.0
_RECEIPT_LINE_MM: Final = 4.5
_BASELINE_LIFT_MM: Final = 1.4


def data_font_size(cpi: int) -> float:
    """The monospace font size in points that sets ``cpi`` characters per inch.

    Computed from the shipped font's own advance width
    (:func:`szo_core.invoices.fonts.mono_advance`), not from a nominal 0.6 em.

    >>> round(data_font_size(12), 3), round(data_font_size(17), 3)
    (9.998, 7.058)
    """
    return 72 / cpi / _fonts.mono_advance()


def qr_placement() -> Box:
    """Where the QR symbol (with its quiet zone) goes: centred in the QR box, in form mm.

    >>> box = qr_placement()
    >>> round(box.x1, 3), round(box.y1, 3), round(box.width, 3)
    (65.508, 7.758, 35.983)
    """
    left = QR_BOX.x1 + (QR_BOX.width - QR_SIZE_MM) / 2
    top = QR_BOX.y1 + (QR_BOX.height - QR_SIZE_MM) / 2
    return Box(left, top, left + QR_SIZE_MM, top + QR_SIZE_MM)


@attrs.frozen(kw_only=True)
class SlipFields:
    """The texts printed on a slip, formatted as the standard's §4.2.2 shows them.

    Attributes:
        payer: The payer's name, street and place.
        payer_iban: The payer's IBAN in groups of four, or "".
        payer_reference: The payer's reference as (model, rest), or ("", "").
        deposit: "X" or "".
        withdrawal: "X" or "".
        amount: ``***1.234,56``.
        payment_date: ``DD.MM.LLLL`` or "".
        urgent: "X" or "".
        purpose_code: The purpose code (``EDUC``).
        purpose: The purpose text.
        deadline: ``DD.MM.LLLL`` or "".
        recipient_iban: The recipient's IBAN in groups of four.
        recipient_reference: The recipient's reference as (model, rest).
        recipient: The recipient's name, street and place.
    """

    payer: tuple[str, str, str]
    payer_iban: str = attrs.field(repr=False)
    payer_reference: tuple[str, str]
    deposit: str
    withdrawal: str
    amount: str
    payment_date: str
    urgent: str
    purpose_code: str
    purpose: str
    deadline: str
    recipient_iban: str = attrs.field(repr=False)
    recipient_reference: tuple[str, str]
    recipient: tuple[str, str, str]


def _groups(account: str) -> str:
    return " ".join(account[i : i + 4] for i in range(0, len(account), 4))


def _split_reference(reference: str) -> tuple[str, str]:
    return (reference[:4], reference[4:]) if reference else ("", "")


def _amount_text(cents: str) -> str:
    digits = cents.rjust(3, "0")
    value = Decimal(f"{digits[:-2]}.{digits[-2:]}")  # exact: no arithmetic, no context
    # Decimal's own grouping, then the Slovenian separators: 1,234.56 -> 1.234,56
    english = f"{value:,.2f}"
    return "***" + english.replace(",", " ").replace(".", ",").replace(" ", ".")


def printed_fields(data: bytes) -> SlipFields:
    r"""The texts a slip prints, read from its UPN QR payload (what is printed is what is encoded).

    Args:
        data: The payload (:meth:`szo_core.invoices.SlipPayment.payload`).

    Raises:
        szo_core.errors.InvoiceError: ``invoice.upn_form.payload``: not a UPN QR payload.

    >>> from decimal import Decimal
    >>> from szo_core.payments.upn import UpnOrder, payload
    >>> fields = printed_fields(payload(UpnOrder(
    ...     amount=Decimal("1628.45"), purpose="Oskrbnina 09/2026",
    ...     recipient_iban="SI56020170014356205", recipient_reference="SI12 1234567890120",
    ...     registered_issuer=False)))
    >>> fields.amount, fields.recipient_iban, fields.recipient_reference
    ('***1.628,45', 'SI56 0201 7001 4356 205', ('SI12', '1234567890120'))
    """
    parts = data.decode(ENCODING).split("\n")
    if len(parts) < 21 or parts[0] != "UPNQR":
        raise InvoiceError(
            "invoice.upn_form.payload",
            sl="Podatki za položnico niso zapis UPN QR.",
            en="The slip's data is not a UPN QR payload.",
            where="UPN QR",
        )
    return SlipFields(
        payer=(parts[5], parts[6], parts[7]),
        payer_iban=_groups(parts[1]),
        payer_reference=_split_reference(parts[4]),
        deposit=parts[2],
        withdrawal=parts[3],
        amount=_amount_text(parts[8]),
        payment_date=parts[9],
        urgent=parts[10],
        purpose_code=parts[11],
        purpose=parts[12],
        deadline=parts[13],
        recipient_iban=_groups(parts[14]),
        recipient_reference=_split_reference(parts[15]),
        recipient=(parts[16], parts[17], parts[18]),
    )


def _pt(mm_x: float, mm_y: float) -> str:
    """A point of the form (mm from its top left) in page points, as PDF operands."""
    return f"{mm_x * _PT_PER_MM:.4f} {(FORM_HEIGHT_MM - mm_y) * _PT_PER_MM:.4f}"


def _box_ops(box: Box, paint: str) -> str:
    return (
        f"{_pt(box.x1, box.y2)} {box.width * _PT_PER_MM:.4f} {box.height * _PT_PER_MM:.4f}"
        f" re {paint}"
    )


def _line_ops(x1: float, y1: float, x2: float, y2: float) -> str:
    return f"{_pt(x1, y1)} m {_pt(x2, y2)} l S"


def _rgb(color: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.4f}" for v in color)


@functools.cache
def _static_layout() -> str:
    """The form's fixed drawing as PDF operators inside ``q`` … ``Q``.

    The tinted areas, the tear lines (dashed grey), the boxes (white, outlined
    in ink), the character combs, the dashed writing lines, the signature line
    and the black marks: the same on every slip, so built once.
    """
    ops = ["q", f"{_rgb(_PAYER_TINT)} rg", _box_ops(Box(60.0, 0.0, FORM_WIDTH_MM, 55.0), "f")]
    ops += [
        f"{_rgb(_RECIPIENT_TINT)} rg",
        _box_ops(Box(60.0, 55.0, FORM_WIDTH_MM, FORM_HEIGHT_MM), "f"),
        # Where the form is torn off the A4 page and the receipt off the order.
        "0.55 0.55 0.55 RG 0.3 w [2 2] 0 d",
        _line_ops(0.0, 0.0, FORM_WIDTH_MM, 0.0),
        _line_ops(60.0, 0.0, 60.0, FORM_HEIGHT_MM),
        f"[] 0 d 1 1 1 rg {_rgb(_INK)} RG 0.5 w",
    ]
    ops += [_box_ops(box, "B") for box in (*RECEIPT_BOXES.values(), *ORDER_BOXES.values())]
    for name, pitch in _COMBS:
        box = ORDER_BOXES[name]
        x = box.x1 + pitch
        while x < box.x2 - 0.5:
            ops.append(_line_ops(x, box.y2, x, box.y2 - 1.25))
            x += pitch
    ops.append("0.25 w [0.5 0.2] 0 d")
    ops += [_line_ops(x1, y, x2, y) for x1, x2, y in _DASHED]
    ops += ["[] 0 d 0.5 w", _line_ops(168.6, 85.3, 203.3, 85.3), "0 0 0 rg"]  # A57: signature
    ops += [_box_ops(mark, "f") for mark in _MARKS]
    ops.append("Q")
    return "\n".join(ops)


class _Form:
    """Form millimetres (from the form's top left) to page points; the form at the page's bottom."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas
        self.names = _fonts.register()

    @staticmethod
    def x(mm: float) -> float:
        return mm * _PT_PER_MM

    @staticmethod
    def y(mm: float) -> float:
        return (FORM_HEIGHT_MM - mm) * _PT_PER_MM

    def rect(self, box: Box, *, fill: bool, stroke: bool) -> None:
        self.c.rect(
            self.x(box.x1),
            self.y(box.y2),
            box.width * _PT_PER_MM,
            box.height * _PT_PER_MM,
            stroke=int(stroke),
            fill=int(fill),
        )

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.c.line(self.x(x1), self.y(y1), self.x(x2), self.y(y2))

    def layout(self) -> None:
        c = self.c
        c.saveState()
        # The tints, rules, boxes, combs and marks never change: one cached operator string.
        c.addLiteral(_static_layout())
        from reportlab.pdfbase.pdfmetrics import getDescent

        font = self.names.sans_bold
        for text, x, bottom, size, black, right in _LABELS:
            if black:
                c.setFillColorRGB(0, 0, 0)
            else:
                c.setFillColorRGB(*_INK)
            c.setFont(font, size)
            baseline = self.y(bottom) - getDescent(font, size)  # descent is negative
            if right:
                c.drawRightString(self.x(x), baseline, text)
            else:
                c.drawString(self.x(x), baseline, text)
        c.restoreState()

    def data(
        self, box: Box, lines: tuple[str, ...] | list[str], *, cpi: int, first: int = 0
    ) -> None:
        """Write ``lines`` into ``box`` at ``cpi``, from line slot ``first``."""
        size = data_font_size(cpi)
        step = _ORDER_LINE_MM if cpi == ORDER_CPI else _RECEIPT_LINE_MM
        capacity = int((box.width - 2 * _PAD_MM) * cpi / 25.4)
        self.c.setFont(self.names.mono_bold, size)
        for index, text in enumerate(lines, start=first):
            if not text:
                continue
            if len(text) > capacity:
                raise InvoiceError(
                    "invoice.upn_form.fit",
                    sl="Besedilo ne gre v polje položnice.",
                    en="A text does not fit its field on the slip.",
                    where=f"UPN {_where(box)}",
                )
            baseline = box.y1 + (index + 1) * step - _BASELINE_LIFT_MM
            self.c.drawString(self.x(box.x1 + _PAD_MM), self.y(baseline), text)

    def qr(self, rows: tuple[tuple[bool, ...], ...]) -> None:
        """Draw the symbol (rows include the quiet zone), 1.2 pt a module, as an image mask.

        A 1-bit stencil (``/ImageMask``, dark modules painted black, no
        interpolation) on exactly the symbol's square: sharp at any resolution
        like vector rectangles, and about 1 ms faster a page than a rectangle
        per run of dark modules.
        """
        place = qr_placement()
        count = len(rows)
        side = count * MODULE_MM * _PT_PER_MM
        pad = -count % 8
        width = (count + pad) // 8
        data = "".join(
            (int(bytes(row).translate(_BIT_DIGITS), 2) << pad).to_bytes(width, "big").hex()
            for row in rows
        )
        self.c.addLiteral(
            f"q 0 g {side:.4f} 0 0 {side:.4f} {self.x(place.x1):.4f} "
            f"{self.y(place.y1) - side:.4f} cm\n"
            f"BI /W {count} /H {count} /IM true /BPC 1 /D [1 0] /F /AHx ID\n{data}>\nEI Q"
        )

    def cross(self) -> None:
        """Strike the whole form through: both diagonals, receipt and order."""
        c = self.c
        c.saveState()
        c.setStrokeColorRGB(0, 0, 0)
        c.setLineWidth(1.5)
        for x1, x2 in ((0.0, 60.0), (60.0, FORM_WIDTH_MM)):
            self.line(x1 + 2, 2.0, x2 - 2, FORM_HEIGHT_MM - 2)
            self.line(x1 + 2, FORM_HEIGHT_MM - 2, x2 - 2, 2.0)
        c.restoreState()


def _where(box: Box) -> str:
    for name, candidate in (*RECEIPT_BOXES.items(), *ORDER_BOXES.items()):
        if candidate == box:
            return name
    return "field"


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """Words to at most ``lines`` lines of ``width`` characters (a long word is cut)."""
    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < lines - 1 and len(rest) > width:
        cut = rest.rfind(" ", 0, width + 1)
        if cut <= 0:
            cut = width
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out.append(rest)
    return out


def draw_form(canvas: Canvas) -> None:
    """Draw the empty form (tints, boxes, labels, marks) in the bottom 99 mm of the page.

    >>> import io
    >>> from reportlab.pdfgen.canvas import Canvas
    >>> c = Canvas(io.BytesIO(), invariant=1)
    >>> draw_form(c)
    """
    _Form(canvas).layout()


def draw_slip(canvas: Canvas, payment: SlipPayment) -> None:
    """Draw the form filled in from ``payment`` with its UPN QR, in the bottom 99 mm.

    A merged group's slip is one slip for the group's amount: the payment's
    order already carries it.

    Raises:
        szo_core.errors.ValidationError: the order breaks a UPN rule
            (:func:`szo_core.payments.upn.payload`).
        szo_core.errors.InvoiceError: ``invoice.upn_form.fit``: a text does not fit.

    >>> import io
    >>> from decimal import Decimal
    >>> from reportlab.pdfgen.canvas import Canvas
    >>> from szo_core.invoices import SlipPayment
    >>> from szo_core.payments.upn import UpnOrder
    >>> slip = SlipPayment(instruction_id="1", invoice_numbers=("2026-1",), order=UpnOrder(
    ...     amount=Decimal("10.00"), purpose="Oskrbnina", registered_issuer=False,
    ...     recipient_iban="SI56020170014356205", recipient_reference="SI12 1234567890120"))
    >>> draw_slip(Canvas(io.BytesIO(), invariant=1), slip)
    """
    from szo_core.payments.upn import qr

    symbol = qr(payment.order)
    fields = printed_fields(symbol.payload)
    form = _Form(canvas)
    form.layout()
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    form.qr(symbol.matrix(border=4))
    # The receipt (potrdilo), 17 cpi.
    r, receipt = RECEIPT_BOXES, RECEIPT_CPI
    receipt_chars = int((r["purpose"].width - 2 * _PAD_MM) * receipt / 25.4)
    form.data(r["payer"], fields.payer, cpi=receipt)
    purpose = ", ".join(t for t in (fields.purpose, fields.deadline) if t)
    form.data(r["purpose"], _wrap(purpose, receipt_chars, 2), cpi=receipt)
    form.data(r["amount"], (fields.amount,), cpi=receipt)
    form.data(r["recipient_account"], _wrap(fields.recipient_iban, receipt_chars, 2), cpi=receipt)
    form.data(
        r["recipient_account"],
        (" ".join(fields.recipient_reference).strip(),),
        cpi=receipt,
        first=2,
    )
    form.data(r["recipient"], fields.recipient, cpi=receipt)
    # The order (nalog), 12 cpi.
    o, order = ORDER_BOXES, ORDER_CPI
    form.data(o["payer_iban"], (fields.payer_iban,), cpi=order)
    form.data(o["deposit"], (fields.deposit,), cpi=order)
    form.data(o["withdrawal"], (fields.withdrawal,), cpi=order)
    form.data(o["payer_reference_model"], (fields.payer_reference[0],), cpi=order)
    form.data(o["payer_reference"], (fields.payer_reference[1],), cpi=order)
    form.data(o["payer"], fields.payer, cpi=order)
    form.data(o["amount"], (fields.amount,), cpi=order)
    form.data(o["payment_date"], (fields.payment_date,), cpi=order)
    form.data(o["urgent"], (fields.urgent,), cpi=order)
    form.data(o["purpose_code"], (fields.purpose_code,), cpi=order)
    form.data(o["purpose"], (fields.purpose,), cpi=order)
    form.data(o["deadline"], (fields.deadline,), cpi=order)
    form.data(o["recipient_iban"], (fields.recipient_iban,), cpi=order)
    form.data(o["recipient_reference_model"], (fields.recipient_reference[0],), cpi=order)
    form.data(o["recipient_reference"], (fields.recipient_reference[1],), cpi=order)
    form.data(o["recipient"], fields.recipient, cpi=order)
    canvas.restoreState()


_DEBIT_TEXT: Final = {
    "sl": (
        "Ne plačujte s to položnico.",
        "Znesek {amount} bo {date} obremenjen v breme vašega računa",
        "po soglasju za direktno obremenitev SEPA {mandate}.",
    ),
    "en": (
        "Do not pay with this slip.",
        "The amount {amount} will be collected from your account on {date}",
        "under SEPA direct debit mandate {mandate}.",
    ),
}


def draw_debit(canvas: Canvas, payment: DebitPayment, *, language: Language = "sl") -> None:
    """Draw the form struck through for a direct-debit payer: no QR, what is collected when.

    >>> import io
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from reportlab.pdfgen.canvas import Canvas
    >>> from szo_core.invoices import DebitPayment
    >>> debit = DebitPayment(instruction_id="1", amount=Decimal("97.40"),
    ...     debit_date=date(2026, 10, 19), mandate_reference="VRTEC-102-1",
    ...     invoice_numbers=("2026-2",))
    >>> draw_debit(Canvas(io.BytesIO(), invariant=1), debit, language="en")
    """
    from szo_core.templates.formatting import format_date, format_money

    form = _Form(canvas)
    form.layout()
    form.cross()
    lines = [
        line.format(
            amount=format_money(payment.amount, language),
            date=format_date(payment.debit_date, "text", language),
            mandate=payment.mandate_reference,
        )
        for line in _DEBIT_TEXT[language]
    ]
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(1)
    form.rect(Box(15.0, 36.0, 195.0, 62.0), fill=True, stroke=True)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(form.names.sans_bold, 12)
    canvas.drawCentredString(form.x(105.0), form.y(43.5), lines[0])
    canvas.setFont(form.names.sans, 10)
    canvas.drawCentredString(form.x(105.0), form.y(51.0), lines[1])
    canvas.drawCentredString(form.x(105.0), form.y(57.0), lines[2])
    canvas.restoreState()


def draw_calibration(canvas: Canvas, *, language: Language = "sl") -> None:
    """Draw a calibration page: a millimetre grid labelled every 10 mm and the form's outline.

    Print it at 100 % (no "fit to page") and measure: the 10 mm marks must be
    10 mm apart and the form's outline 210 × 99 mm at the page's bottom edge.

    >>> import io
    >>> from reportlab.pdfgen.canvas import Canvas
    >>> draw_calibration(Canvas(io.BytesIO(), invariant=1))
    """
    from reportlab.lib.pagesizes import A4

    names = _fonts.register()
    width, height = A4
    mm = _PT_PER_MM
    columns, rows = int(width / mm), int(height / mm)
    c = canvas
    c.saveState()
    for step, grey, line_width in ((1, 0.85, 0.1), (5, 0.6, 0.2), (10, 0.3, 0.35)):
        c.setStrokeColorRGB(grey, grey, grey)
        c.setLineWidth(line_width)
        for i in range(0, columns + 1, step):
            c.line(i * mm, 0, i * mm, height)
        for i in range(0, rows + 1, step):
            c.line(0, height - i * mm, width, height - i * mm)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(names.sans, 6)
    for i in range(10, columns, 10):
        c.drawCentredString(i * mm, height - 6 * mm, str(i))
    for i in range(10, rows, 10):
        c.drawString(1.5 * mm, height - i * mm - 2, str(i))
    c.restoreState()
    form = _Form(canvas)
    c.saveState()
    c.setStrokeColorRGB(*_INK)
    c.setLineWidth(0.5)
    form.rect(Box(0.0, 0.0, FORM_WIDTH_MM, FORM_HEIGHT_MM), fill=False, stroke=True)
    for box in (*RECEIPT_BOXES.values(), *ORDER_BOXES.values()):
        form.rect(box, fill=False, stroke=True)
    c.setFillColorRGB(1, 1, 1)  # the text on white, readable over the grid
    c.rect(18 * mm, height - (27 + 5 * 3) * mm, 172 * mm, 27 * mm, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(names.sans_bold, 12)
    title, hint = _CALIBRATION_TEXT[language]
    c.drawString(20 * mm, height - 20 * mm, title)
    c.setFont(names.sans, 9)
    for index, line in enumerate(hint):
        c.drawString(20 * mm, height - (27 + 5 * index) * mm, line)
    c.restoreState()


_CALIBRATION_TEXT: Final = {
    "sl": (
        "Kalibracijska stran za obrazec UPN QR",
        (
            "Natisnite v merilu 100 % (brez prilagajanja velikosti strani).",
            "Razdalja med oznakami 10 mm mora meriti 10 mm, obris obrazca 210 × 99 mm ob",
            "spodnjem robu lista, okence kode QR 63,5–103,5 × 6–45,5 mm od zgornjega levega",
            "kota obrazca.",
        ),
    ),
    "en": (
        "Calibration page for the UPN QR form",
        (
            "Print at 100 % (no fit to page).",
            "The 10 mm marks must be 10 mm apart, the form's outline 210 × 99 mm at the",
            "bottom edge of the sheet, the QR box 63.5–103.5 × 6–45.5 mm from the form's",
            "top left corner.",
        ),
    ),
}
