"""The invoice PDF: an A4 invoice or credit note with the printed UPN form (reportlab).

:func:`invoice_pdf` makes one document's PDF; :func:`new_canvas` and
:func:`draw_invoice` are the same pieces for a caller that puts many documents
into one file (the print batch, :mod:`szo_core.invoices.batch`).
:func:`calibration_pdf` is the page to check a printer's alignment with.

The page, top to bottom (millimetres from the top left corner of the sheet):

* the seller's header (name, address, tax and registration number, IBAN, BIC
  and bank), 12-40 mm;
* the buyer's address in the window-envelope field of **DIN 5008 form B**
  (20 mm from the left, 45-90 mm from the top, 85 mm wide: a return-address
  line, then the address from 62.7 mm), the field DL and C5/6 window envelopes
  (EN ISO 269 sizes, windows after DIN 680) show;
* beside it the title (Račun / Dobropis and the number), the issue date, the
  service period, the due date (or the debit date), the reference and the child;
* the lines from 100 mm: each line's description, its detail in small type
  and its amount; then the total and the notes: the VAT exemption, the
  documents a credit note corrects, the invoices a merged slip pays (or, on
  a group's other invoices, the invoice that carries the slip), the debit's
  date and mandate;
* the UPN form in the bottom 99 mm (:mod:`szo_core.invoices.upn_form`): a slip
  with its UPN QR, the slip struck through for a direct-debit payer, nothing
  for a credit note or an invoice without a payment.

Lines that do not fit above the form flow onto further pages; the form is on
the last page.  The output is byte-identical for the same input (reportlab's
invariant mode), with the shipped fonts embedded as subsets.

Example:
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from szo_core.calendar import Month
    >>> from szo_core.invoices import Bilingual, DocumentLine, InvoiceDocument, PartyInfo
    >>> from szo_core.model import Address
    >>> doc = InvoiceDocument(
    ...     number="2026-000001", issued_on=date(2026, 10, 2), period=Month(2026, 9),
    ...     due_on=date(2026, 10, 19),
    ...     seller=PartyInfo(name="Vrtec Mavrica", address=Address(
    ...         street="Cesta 1", post_code="1000", city="Ljubljana"),
    ...         iban="SI56020170014356205"),
    ...     buyer=PartyInfo(name="Ana Novak", address=Address(
    ...         street="Lepa 10", post_code="2000", city="Maribor")),
    ...     child_name="Eva Novak",
    ...     lines=(DocumentLine(position=1, kind="share",
    ...                         description=Bilingual(sl="Program", en="Programme"),
    ...                         amount=Decimal("97.40")),),
    ...     total=Decimal("97.40"))
    >>> data = invoice_pdf(doc)
    >>> data[:5], data == invoice_pdf(doc)
    (b'%PDF-', True)
"""

from __future__ import annotations

import functools
import io
import zlib
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import attrs

from szo_core.errors import InvoiceError, Language
from szo_core.invoices import fonts as _fonts
from szo_core.invoices import upn_form
from szo_core.invoices.record import DebitPayment, InvoiceDocument, SlipPayment

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from szo_core.calendar import Month

__all__ = ["calibration_pdf", "draw_invoice", "invoice_pdf", "new_canvas"]

_PT: Final = 72 / 25.4
_PAGE_HEIGHT_MM: Final = 297.0
_LEFT: Final = 20.0
_RIGHT: Final = 195.0
_META_X: Final = 120.0
_META_VALUE_X: Final = 152.0
_LINES_TOP_FIRST: Final = 100.0
_LINES_TOP_NEXT: Final = 30.0
_BOTTOM_FULL: Final = 282.0
_BOTTOM_ABOVE_FORM: Final = _PAGE_HEIGHT_MM - upn_form.FORM_HEIGHT_MM - 5.0
_DESCRIPTION_WIDTH_MM: Final = 140.0
_NOTE_WIDTH_MM: Final = _RIGHT - _LEFT
_ADDRESS_WIDTH_MM: Final = 80.0  # inside DIN 5008's 85 mm field, 5 mm in from its left edge
_DESCRIPTION_SIZE: Final = 9.0
_DETAIL_SIZE: Final = 7.0
_NOTE_SIZE: Final = 8.0
_DESCRIPTION_STEP: Final = 4.0
_DETAIL_STEP: Final = 3.2
_LINE_GAP: Final = 1.8
_NOTE_STEP: Final = 3.8
_TOTAL_BLOCK: Final = 11.0

_LANGUAGES: Final = ("sl", "en")

# (Slovenian, English)
_TEXT: Final[dict[str, tuple[str, str]]] = {
    "invoice": ("Račun", "Invoice"),
    "credit_note": ("Dobropis", "Credit note"),
    "issued": ("Datum izdaje", "Issue date"),
    "period": ("Obdobje storitve", "Service period"),
    "due": ("Rok plačila", "Due date"),
    "debit_date": ("Datum obremenitve", "Debit date"),
    "reference": ("Sklic", "Reference"),
    "child": ("Otrok", "Child"),
    "tax": ("Davčna številka", "Tax number"),
    "registration": ("Matična številka", "Registration number"),
    "description": ("Opis", "Description"),
    "amount": ("Znesek", "Amount"),
    "total": ("Skupaj za plačilo", "Total due"),
    "total_credit": ("Skupaj v dobro", "Total credited"),
    "total_zero": ("Skupaj", "Total"),
    "page": ("Stran {page} od {pages}", "Page {page} of {pages}"),
    "continued": ("{title} {number} (nadaljevanje)", "{title} {number} (continued)"),
    "corrects": (
        "Dobropis popravlja račun {number} z dne {date} za {month}.",
        "This credit note corrects invoice {number} of {date} for {month}.",
    ),
    "corrects_undated": (
        "Dobropis popravlja račun {number} za {month}.",
        "This credit note corrects invoice {number} for {month}.",
    ),
    "corrects_month": (
        "Dobropis popravlja obračun za {month}.",
        "This credit note corrects the bill for {month}.",
    ),
    "invoice_corrects": (
        "Račun vsebuje poračun za {months}.",
        "This invoice includes a correction for {months}.",
    ),
    "slip": (
        "Prosimo, plačajte do {due} s položnico UPN QR spodaj (sklic {reference}).",
        "Please pay by {due} with the UPN QR slip below (reference {reference}).",
    ),
    "merged": (
        "Položnica spodaj je skupna za {count} {invoices}: {numbers}. Njen znesek {amount} "
        "je vsota vseh; z enim plačilom poravnate vse.",
        "The slip below is shared by {count} {invoices}: {numbers}. Its amount {amount} "
        "is their sum; one payment settles them all.",
    ),
    "debit": (
        "Znesek {amount} bo {date} obremenjen v breme vašega računa po soglasju za "
        "direktno obremenitev SEPA {mandate}. Ne plačujte s položnico.",
        "The amount {amount} will be collected from your account on {date} under SEPA "
        "direct debit mandate {mandate}. Do not pay with the slip.",
    ),
    "debit_merged": (
        "Obremenitev poravna {count} {invoices}: {numbers}.",
        "The debit settles {count} {invoices}: {numbers}.",
    ),
    "paid_with": (
        "Račun plačate skupaj z drugimi računi skupine s položnico ali obremenitvijo na "
        "računu {number}.",
        "This invoice is paid together with the other invoices of its group by the slip or "
        "debit on invoice {number}.",
    ),
    "vat": ("{reason}.", "VAT: {reason} (exempt)."),
}
_INVOICE_FORMS: Final = {
    "sl": ("račun", "računa", "račune", "računov"),
    "en": ("invoice", "invoices"),
}


def _t(key: str, language: Language) -> str:
    sl, en = _TEXT[key]
    return sl if language == "sl" else en


def _x(mm: float) -> float:
    return mm * _PT


def _y(mm: float) -> float:
    return (_PAGE_HEIGHT_MM - mm) * _PT


def _date(value: date, language: Language) -> str:
    from szo_core.templates.formatting import format_date

    return format_date(value, "short" if language == "sl" else "medium", language)


def _money(value: Decimal, language: Language) -> str:
    from szo_core.templates.formatting import format_money

    return format_money(value, language)


def _month(month: Month, language: Language) -> str:
    from szo_core.invoices.build import month_name

    return month_name(month, language)


def _groups(account: str) -> str:
    compact = account.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _reference(value: str) -> str:
    """A reference as people read it (``SI12 0010160000017``, ``RF64 1012 0260 9``)."""
    from szo_core.ids import reference

    return reference.format(value) if reference.is_valid(value) else value


def _count_invoices(count: int, language: Language) -> str:
    from szo_core.templates.formatting import plural

    return plural(count, *_INVOICE_FORMS[language], language=language)


@attrs.frozen
class _Line:
    """A document line, wrapped."""

    description: tuple[str, ...]
    detail: tuple[str, ...]
    amount: str

    @property
    def height(self) -> float:
        return (
            len(self.description) * _DESCRIPTION_STEP + len(self.detail) * _DETAIL_STEP + _LINE_GAP
        )


def _wrap(text: str, font: str, size: float, width_mm: float) -> tuple[str, ...]:
    from reportlab.lib.utils import simpleSplit

    if not text:
        return ()
    return tuple(simpleSplit(text, font, size, width_mm * _PT))


def _check(doc: object, language: object) -> None:
    if not isinstance(doc, InvoiceDocument):
        raise InvoiceError(
            "invoice.pdf.document",
            sl="PDF računa nastane iz dokumenta InvoiceDocument.",
            en="An invoice PDF is made from an InvoiceDocument.",
            where=type(doc).__name__,
        )
    if language not in _LANGUAGES:
        raise InvoiceError(
            "invoice.pdf.language",
            sl="Jezik računa je lahko le 'sl' ali 'en'.",
            en="An invoice's language can only be 'sl' or 'en'.",
            where="language",
        )


def _notes(doc: InvoiceDocument, language: Language) -> list[str]:
    notes: list[str] = []
    if doc.is_credit_note:
        for corrected in doc.corrects:
            month = _month(corrected.month, language)
            if corrected.number is None:
                notes.append(_t("corrects_month", language).format(month=month))
            elif corrected.issued_on is None:
                notes.append(
                    _t("corrects_undated", language).format(number=corrected.number, month=month)
                )
            else:
                notes.append(
                    _t("corrects", language).format(
                        number=corrected.number,
                        date=_date(corrected.issued_on, language),
                        month=month,
                    )
                )
    elif doc.corrects:
        months = ", ".join(_month(c.month, language) for c in doc.corrects)
        notes.append(_t("invoice_corrects", language).format(months=months))
    payment = doc.payment
    if isinstance(payment, SlipPayment) and not doc.is_credit_note:
        if doc.due_on is not None and doc.reference:
            notes.append(
                _t("slip", language).format(
                    due=_date(doc.due_on, language), reference=_reference(doc.reference)
                )
            )
        if payment.merged:
            count = len(payment.invoice_numbers)
            notes.append(
                _t("merged", language).format(
                    count=count,
                    invoices=_count_invoices(count, language),
                    numbers=", ".join(payment.invoice_numbers),
                    amount=_money(payment.amount, language),
                )
            )
    elif isinstance(payment, DebitPayment) and not doc.is_credit_note:
        notes.append(
            _t("debit", language).format(
                amount=_money(payment.amount, language),
                date=_date(payment.debit_date, language),
                mandate=payment.mandate_reference,
            )
        )
        if payment.merged:
            count = len(payment.invoice_numbers)
            notes.append(
                _t("debit_merged", language).format(
                    count=count,
                    invoices=_count_invoices(count, language),
                    numbers=", ".join(payment.invoice_numbers),
                )
            )
    if payment is None and doc.paid_with and not doc.is_credit_note:
        notes.append(_t("paid_with", language).format(number=doc.paid_with))
    if doc.vat.reason:
        notes.append(_t("vat", language).format(reason=doc.vat.reason.rstrip(".")))
    if doc.note:
        notes.append(doc.note)
    return notes


@attrs.frozen
class _Layout:
    """The document cut into pages: the lines of each page, the notes, whether a form is drawn."""

    pages: tuple[tuple[_Line, ...], ...]
    notes: tuple[str, ...]
    form: bool


def _layout(doc: InvoiceDocument, language: Language, names: _fonts.FontNames) -> _Layout:
    lines = [
        _Line(
            description=_wrap(
                line.description.text(language),
                names.sans,
                _DESCRIPTION_SIZE,
                _DESCRIPTION_WIDTH_MM,
            )
            or ("",),
            detail=_wrap(
                line.detail.text(language), names.sans, _DETAIL_SIZE, _DESCRIPTION_WIDTH_MM
            ),
            amount=_money(line.amount, language),
        )
        for line in doc.lines
    ]
    notes = tuple(
        wrapped
        for note in _notes(doc, language)
        for wrapped in _wrap(note, names.sans, _NOTE_SIZE, _NOTE_WIDTH_MM)
    )
    form = doc.payment is not None and not doc.is_credit_note
    footer = _TOTAL_BLOCK + len(notes) * _NOTE_STEP
    last_bottom = _BOTTOM_ABOVE_FORM if form else _BOTTOM_FULL
    if _LINES_TOP_NEXT + footer > last_bottom:
        raise InvoiceError(
            "invoice.pdf.notes_too_long",
            sl="Opombe računa so predolge za eno stran (nad obrazcem UPN).",
            en="The invoice's notes are too long for one page (above the UPN form).",
            where=f"invoice {doc.number}",
        )
    pages: list[tuple[_Line, ...]] = []
    start, top = 0, _LINES_TOP_FIRST
    while True:
        rest = lines[start:]
        if top + sum(line.height for line in rest) + footer <= last_bottom or (not rest and pages):
            pages.append(tuple(rest))
            break
        end, y = start, top
        while end < len(lines) and y + lines[end].height <= _BOTTOM_FULL:
            y += lines[end].height
            end += 1
        end = max(end, start + 1) if rest else end
        pages.append(tuple(lines[start:end]))
        start, top = end, _LINES_TOP_NEXT
    return _Layout(pages=tuple(pages), notes=notes, form=form)


def new_canvas(out: BinaryIO) -> Canvas:
    """A reportlab canvas for invoice pages: A4, invariant mode, the shipped fonts registered.

    Invariant mode fixes the creation date and the document id, so that the
    same drawing gives the same bytes.  The caller draws (:func:`draw_invoice`)
    and calls ``save()``.

    >>> import io
    >>> out = io.BytesIO()
    >>> canvas = new_canvas(out)
    >>> canvas.showPage(); canvas.save()
    >>> out.getvalue()[:5]
    b'%PDF-'
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    _fonts.register()
    # The first font a page names is a shipped one, so no unembedded Helvetica is referenced.
    # types-reportlab types initialFontName as a float; reportlab takes the font's name.
    canvas = Canvas(
        out,
        pagesize=A4,
        invariant=1,
        pageCompression=0,
        initialFontName=_fonts.FontNames().sans,  # type: ignore[arg-type]
    )
    # Every stream (page contents, font subsets, their ToUnicode maps) is compressed by the
    # document's default filter, Flate with the last results kept (_compress).
    document: Any = getattr(canvas, "_doc")  # noqa: B009 - not in types-reportlab
    document.defaultStreamFilters = [_FLATE]
    _fonts.prime(document)
    return canvas


COMPRESSION_LEVEL = 6
"""The zlib level of every stream of an invoice PDF (zlib's default, as reportlab's).

The streams go through the document's default filter (:func:`new_canvas`)
rather than reportlab's own, so that a font subset's compressed stream is kept
and reused: with :func:`szo_core.invoices.fonts.prime` most invoices embed the
very same subsets, and compressing them for every PDF was a fifth of its time.
"""


class _Flate:
    """reportlab's stream filter protocol: Flate at :data:`COMPRESSION_LEVEL`."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        if isinstance(text, str):
            text = text.encode("utf8")
        return _compress(text)

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


_FLATE = _Flate()


@functools.lru_cache(maxsize=16)
def _compress(data: bytes) -> bytes:
    """Flate at :data:`COMPRESSION_LEVEL`, the last few results kept.

    A font subset built from the same characters is the same ``bytes`` object
    (:mod:`~szo_core.invoices.fonts` keeps them), so its compressed stream is
    found again at no cost instead of being compressed for every invoice.
    """
    return zlib.compress(data, COMPRESSION_LEVEL)


def draw_invoice(canvas: Canvas, doc: InvoiceDocument, *, language: Language = "sl") -> int:
    """Draw ``doc``'s pages onto ``canvas``, ``showPage()`` after each; return how many.

    The canvas should come from :func:`new_canvas` (A4, fonts registered); the
    caller saves it.

    Raises:
        szo_core.errors.InvoiceError: ``invoice.pdf.document`` (not an
            InvoiceDocument), ``invoice.pdf.language``, ``invoice.pdf.notes_too_long``
            (the notes would not fit one page), ``invoice.upn_form.fit``.
        szo_core.errors.ValidationError: the slip's order breaks a UPN rule.

    >>> import io
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from szo_core.calendar import Month
    >>> from szo_core.invoices import PartyInfo
    >>> doc = InvoiceDocument(number="1", issued_on=date(2026, 10, 1), period=Month(2026, 9),
    ...     seller=PartyInfo(name="Vrtec"), buyer=PartyInfo(name="Ana"), lines=(),
    ...     total=Decimal("0.00"))
    >>> canvas = new_canvas(io.BytesIO())
    >>> draw_invoice(canvas, doc, language="en")
    1
    """
    _check(doc, language)
    names = _fonts.register()
    layout = _layout(doc, language, names)
    count = len(layout.pages)
    for index, page_lines in enumerate(layout.pages):
        first, last = index == 0, index == count - 1
        canvas.saveState()
        if first:
            _header(canvas, doc, language, names)
        else:
            _continuation(canvas, doc, language, names)
        canvas.setFont(names.sans, 7)
        canvas.setFillColorRGB(0.35, 0.35, 0.35)
        canvas.drawRightString(
            _x(_RIGHT), _y(8.0), _t("page", language).format(page=index + 1, pages=count)
        )
        y = _table(
            canvas, page_lines, _LINES_TOP_FIRST if first else _LINES_TOP_NEXT, language, names
        )
        if last:
            _footer(canvas, doc, layout.notes, y, language, names)
        canvas.restoreState()
        if last and layout.form:
            if isinstance(doc.payment, SlipPayment):
                upn_form.draw_slip(canvas, doc.payment)
            elif isinstance(doc.payment, DebitPayment):
                upn_form.draw_debit(canvas, doc.payment, language=language)
        canvas.showPage()
    return count


def _title(doc: InvoiceDocument, language: Language) -> str:
    return _t("credit_note" if doc.is_credit_note else "invoice", language)


def _header(
    canvas: Canvas, doc: InvoiceDocument, language: Language, names: _fonts.FontNames
) -> None:
    seller, buyer = doc.seller, doc.buyer
    c = canvas
    c.setFillColorRGB(0, 0, 0)
    c.setFont(names.sans_bold, 13)
    c.drawString(_x(_LEFT), _y(17.0), seller.name)
    c.setFont(names.sans, 8.5)
    rows = [", ".join(p for p in seller.address.lines() if p)]
    ids = []
    if seller.tax_number:
        ids.append(f"{_t('tax', language)}: {seller.tax_number}")
    if seller.registration_number:
        ids.append(f"{_t('registration', language)}: {seller.registration_number}")
    rows.append(" · ".join(ids))
    bank = []
    if seller.iban:
        bank.append(f"IBAN: {_groups(seller.iban)}")
    if seller.bic:
        bank.append(f"BIC: {seller.bic}")
    if seller.bank:
        bank.append(seller.bank)
    rows.append(" · ".join(bank))
    rows.append(seller.email)
    y = 22.0
    for row in rows:
        if row:
            c.drawString(_x(_LEFT), _y(y), row)
            y += 4.0
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.setLineWidth(0.5)
    c.line(_x(_LEFT), _y(40.0), _x(_RIGHT), _y(40.0))
    # DIN 5008 form B address field: 20 mm from the left, 45 mm from the top, 85 x 45 mm.
    c.setFont(names.sans, 6)
    c.setFillColorRGB(0.35, 0.35, 0.35)
    sender = ", ".join(p for p in (seller.name, *seller.address.lines()) if p)
    c.drawString(_x(25.0), _y(49.0), sender)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(names.sans, 10)
    address = [buyer.name, *buyer.address.lines()]
    if buyer.address.country and buyer.address.country != "SI":
        address.append(buyer.address.country)
    y = 66.0  # the first line inside the address zone (from 62.7 mm)
    for row in address:
        for part in _wrap(row, names.sans, 10, _ADDRESS_WIDTH_MM):
            c.drawString(_x(25.0), _y(y), part)
            y += 4.5
    # The document's title and dates beside the address.
    c.setFont(names.sans_bold, 15)
    c.drawString(_x(_META_X), _y(52.0), f"{_title(doc, language)} {doc.number}")
    meta = [
        (_t("issued", language), _date(doc.issued_on, language)),
        (
            _t("period", language),
            f"{_date(doc.service_start, language)} – {_date(doc.service_end, language)}",
        ),
    ]
    if isinstance(doc.payment, DebitPayment) and not doc.is_credit_note:
        meta.append((_t("debit_date", language), _date(doc.payment.debit_date, language)))
    elif doc.due_on is not None:
        meta.append((_t("due", language), _date(doc.due_on, language)))
    if doc.reference:
        meta.append((_t("reference", language), _reference(doc.reference)))
    if doc.child_name:
        child = doc.child_name if doc.child_code is None else f"{doc.child_name} ({doc.child_code})"
        meta.append((_t("child", language), child))
    y = 60.0
    for label, value in meta:
        c.setFont(names.sans, 8)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.drawString(_x(_META_X), _y(y), label)
        c.setFont(names.sans, 9)
        c.setFillColorRGB(0, 0, 0)
        c.drawString(_x(_META_VALUE_X), _y(y), value)
        y += 5.0


def _continuation(
    canvas: Canvas, doc: InvoiceDocument, language: Language, names: _fonts.FontNames
) -> None:
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(names.sans_bold, 10)
    canvas.drawString(_x(_LEFT), _y(15.0), doc.seller.name)
    canvas.setFont(names.sans, 9)
    canvas.drawString(
        _x(_LEFT),
        _y(20.0),
        _t("continued", language).format(title=_title(doc, language), number=doc.number),
    )


def _table(
    canvas: Canvas,
    lines: tuple[_Line, ...],
    top: float,
    language: Language,
    names: _fonts.FontNames,
) -> float:
    c = canvas
    c.setFillColorRGB(0, 0, 0)
    c.setFont(names.sans_bold, 8)
    c.drawString(_x(_LEFT), _y(top), _t("description", language))
    c.drawRightString(_x(_RIGHT), _y(top), _t("amount", language))
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.setLineWidth(0.4)
    c.line(_x(_LEFT), _y(top + 1.5), _x(_RIGHT), _y(top + 1.5))
    baseline = top + 1.5  # the baseline of the text above the next one
    for line in lines:
        c.setFillColorRGB(0, 0, 0)
        c.setFont(names.sans, _DESCRIPTION_SIZE)
        c.drawRightString(_x(_RIGHT), _y(baseline + _DESCRIPTION_STEP), line.amount)
        for text in line.description:
            baseline += _DESCRIPTION_STEP
            c.drawString(_x(_LEFT), _y(baseline), text)
        c.setFont(names.sans, _DETAIL_SIZE)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        for text in line.detail:
            baseline += _DETAIL_STEP
            c.drawString(_x(_LEFT + 2), _y(baseline), text)
        baseline += _LINE_GAP
    return baseline


def _footer(
    canvas: Canvas,
    doc: InvoiceDocument,
    notes: tuple[str, ...],
    y: float,
    language: Language,
    names: _fonts.FontNames,
) -> None:
    c = canvas
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.setLineWidth(0.4)
    c.line(_x(_LEFT), _y(y + 1.0), _x(_RIGHT), _y(y + 1.0))
    if doc.total > 0:
        label = _t("total", language)
    elif doc.total < 0:
        label = _t("total_credit", language)
    else:
        label = _t("total_zero", language)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(names.sans_bold, 10.5)
    c.drawString(_x(_META_X), _y(y + 6.0), label)
    c.drawRightString(_x(_RIGHT), _y(y + 6.0), _money(doc.total, language))
    c.setFont(names.sans, _NOTE_SIZE)
    y += _TOTAL_BLOCK + 1.0
    for note in notes:
        c.drawString(_x(_LEFT), _y(y), note)
        y += _NOTE_STEP


def invoice_pdf(doc: InvoiceDocument, *, language: Language = "sl") -> bytes:
    """The PDF of one invoice or credit note, in Slovenian (default) or English.

    :func:`new_canvas` + :func:`draw_invoice` + ``save()``; the document's title
    and author are set in the PDF's metadata.

    Raises:
        szo_core.errors.InvoiceError: see :func:`draw_invoice`.
        szo_core.errors.ValidationError: the slip's order breaks a UPN rule.
    """
    _check(doc, language)
    out = io.BytesIO()
    canvas = new_canvas(out)
    canvas.setTitle(f"{_title(doc, language)} {doc.number}")
    canvas.setAuthor(doc.seller.name)
    canvas.setCreator("szo_core")
    draw_invoice(canvas, doc, language=language)
    canvas.save()
    return out.getvalue()


def calibration_pdf(*, language: Language = "sl") -> bytes:
    """The calibration page: the UPN form's outline and a millimetre grid, one A4 page.

    >>> calibration_pdf()[:5]
    b'%PDF-'
    """
    if language not in _LANGUAGES:
        raise InvoiceError(
            "invoice.pdf.language",
            sl="Jezik je lahko le 'sl' ali 'en'.",
            en="The language can only be 'sl' or 'en'.",
            where="language",
        )
    out = io.BytesIO()
    canvas = new_canvas(out)
    canvas.setTitle("UPN QR")
    canvas.setCreator("szo_core")
    upn_form.draw_calibration(canvas, language=language)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
