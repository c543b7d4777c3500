"""A month's invoices as one print PDF in flat memory, or one PDF per payer.

:func:`print_order` sorts documents for the post: domestic addresses first,
then by the payer's post code, then by the payer's name in Slovenian
alphabetical order (:func:`collation_key`: č after c, š after s, ž after z),
then by the document number.

:func:`write_print_batch` writes every document into **one** PDF for the
printer.  A single reportlab canvas keeps every page in memory until
``save()`` (about 45 KB per invoice page with a QR symbol drawn as squares,
figures in ``docs/invoices-batch.md``), so 10,000 invoices take half a
gigabyte.  Instead the documents are drawn in small parts (``part_size``
documents on one canvas of their own), each part is read back with pypdf and
its objects are written to ``out`` at once with new object numbers; objects
that are byte-identical to one already written (the embedded fonts) are not
written again but referred to.  Only the part being drawn, the byte offsets
of the objects written (the xref) and a small table of object hashes stay in
memory, whatever the number of documents.  If drawing fails midway, ``out``
holds the start of a PDF: write to a temporary file and rename it when the
call returns.  For the fonts of every part to be
identical, each part's canvas first assigns a fixed repertoire of characters
(:data:`REPERTOIRE`: č, š, ž and the rest of Latin-1 and Latin Extended-A)
in a fixed order to the first subset of each font; a character outside it
goes into a second subset, which is written with its part.

:func:`write_per_payer` writes one PDF per document, ``<file_stem>.pdf``,
each atomically: a temporary file in the folder, renamed when complete.

Both draw with :func:`szo_core.invoices.pdf.draw_invoice` unless given
another drawer (``draw``): a function that draws one document on a canvas,
calls ``showPage()`` after each page and returns the number of pages drawn.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.calendar import Month
>>> from szo_core.invoices import Bilingual, DocumentLine, InvoiceDocument, PartyInfo
>>> from szo_core.model import Address
>>> def invoice(number, name, post_code):
...     return InvoiceDocument(
...         number=number, issued_on=date(2026, 10, 2), period=Month(2026, 9),
...         seller=PartyInfo(name="Vrtec Mavrica"),
...         buyer=PartyInfo(name=name, address=Address(post_code=post_code)),
...         lines=(DocumentLine(position=1, kind="share", amount=Decimal("97.40"),
...                             description=Bilingual(sl="Program", en="Programme")),),
...         total=Decimal("97.40"))
>>> docs = [invoice("3", "Žagar Eva", "1000"), invoice("1", "Zupan Ana", "2000"),
...         invoice("2", "Čeh Luka", "1000"), invoice("4", "Cankar Ivan", "1000")]
>>> [d.buyer.name for d in print_order(docs)]
['Cankar Ivan', 'Čeh Luka', 'Žagar Eva', 'Zupan Ana']
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import io
import os
import re
import tempfile
import unicodedata
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar, cast

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from szo_core.errors import InvoiceError, Language
from szo_core.invoices.record import InvoiceDocument

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "REPERTOIRE",
    "Drawer",
    "collation_key",
    "invoice_pdf_bytes",
    "print_order",
    "write_per_payer",
    "write_print_batch",
    "write_print_batch_file",
]

_T = TypeVar("_T")

Drawer = Callable[["Canvas", InvoiceDocument, Language], int]
"""Draws one document on a canvas (``showPage()`` after each page) and returns its pages."""

# --- Slovenian alphabetical order -------------------------------------------------------

_ALPHABET = "abcčćdđefghijklmnopqrsštuvwxyzž"
"""The Slovenian alphabet (25 letters) with q, w, x, y, ć and đ where dictionaries put them."""
_LETTER = {letter: 300 + i for i, letter in enumerate(_ALPHABET)}
_SPACE, _PUNCTUATION, _DIGIT, _OTHER = 1, 2, 100, 1000

_LEVEL_END = b"\x00\x00\x00"


def collation_key(text: str) -> bytes:
    """A sort key for names in Slovenian alphabetical order, as compact bytes.

    Three levels, as in the Unicode Collation Algorithm: letters (č after c,
    ć after č, đ after d, š after s, ž after z; other accented letters such as
    é or ö count as their base letter), then accents, then case (lower case
    first).  Spaces sort before punctuation, punctuation before digits, and
    digits before letters; letters of other scripts come last.  The text
    itself breaks the remaining ties, so the order is total.  Keys are bytes
    (three bytes a weight, levels ended by zeros, as the UCA's sort keys), so
    that sorting many documents keeps only a small key for each.

    >>> sorted(["Žnidaršič", "Zupan", "Čeh", "Cankar", "Šuštar", "Sever", "Ćosić"],
    ...        key=collation_key)
    ['Cankar', 'Čeh', 'Ćosić', 'Sever', 'Šuštar', 'Zupan', 'Žnidaršič']
    >>> sorted(["Novakova", "Novak Ana", "novak", "Nóvak"], key=collation_key)
    ['novak', 'Nóvak', 'Novak Ana', 'Novakova']
    """
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFC", text):
        folded = char.casefold()
        upper = 2 if folded != char else 1
        for c in folded:
            accent = 1
            weight = _LETTER.get(c)
            if weight is None:
                base = unicodedata.normalize("NFD", c)[0]
                accent = 1 + ord(c)
                if base in _LETTER:
                    weight = _LETTER[base]
                elif base.isspace():
                    weight = _SPACE
                elif base.isdecimal():
                    weight = _DIGIT + unicodedata.decimal(base)
                elif not base.isalnum():
                    weight = _PUNCTUATION
                else:
                    weight = _OTHER + ord(base)
            primary.append(weight)
            secondary.append(accent)
            tertiary.append(upper)
    return b"".join(
        (
            b"".join(w.to_bytes(3, "big") for w in primary),
            _LEVEL_END,
            b"".join(w.to_bytes(3, "big") for w in secondary),
            _LEVEL_END,
            bytes(tertiary),
            b"\x00",
            text.encode("utf-8", "surrogatepass"),
        )
    )


def _order_key(doc: InvoiceDocument) -> bytes:
    address = doc.buyer.address
    country = address.country.strip().upper()
    code = address.post_code.strip()
    if code.isdecimal() and len(code) <= 24:
        post = b"\x01" + code.zfill(24).encode()
    else:
        post = (b"\x02" + code.encode() + b"\x00") if code else b"\x03"
    return b"".join(
        (
            b"\x01\x00" if country in ("", "SI") else b"\x02" + country.encode() + b"\x00",
            post,
            collation_key(doc.buyer.name),
            b"\x00\x00",
            doc.number.encode("utf-8", "surrogatepass"),
        )
    )


def _checked(docs: Iterable[InvoiceDocument]) -> list[InvoiceDocument]:
    out = list(docs)
    numbers: set[str] = set()
    stems: set[str] = set()
    for i, doc in enumerate(out):
        if not isinstance(doc, InvoiceDocument):
            raise InvoiceError(
                "invoice.batch_item",
                sl="V seznamu za tiskanje je nekaj, kar ni račun (InvoiceDocument).",
                en="The list to print holds something that is not an InvoiceDocument.",
                where=f"item {i + 1}",
            )
        if doc.number in numbers:
            raise InvoiceError(
                "invoice.batch_duplicate",
                sl="Račun s to številko je v seznamu dvakrat.",
                en="An invoice with this number is in the list twice.",
                where=f"invoice {doc.number}",
            )
        if doc.file_stem in stems:
            raise InvoiceError(
                "invoice.batch_file_clash",
                sl="Dva računa bi dobila isto ime datoteke.",
                en="Two invoices would get the same file name.",
                where=f"invoice {doc.number} ({doc.file_stem}.pdf)",
            )
        numbers.add(doc.number)
        stems.add(doc.file_stem)
    return out


def print_order(docs: Iterable[InvoiceDocument]) -> list[InvoiceDocument]:
    """The documents in the order the post wants them.

    Domestic (``SI``) addresses first, then foreign ones by country; within
    them by the payer's post code (numerically; empty post codes last), then
    by the payer's name in Slovenian order (:func:`collation_key`), then by
    the document number.

    Raises:
        InvoiceError: ``invoice.batch_duplicate`` when two documents have the
            same number, ``invoice.batch_file_clash`` when two would get the
            same file name, ``invoice.batch_item`` for an item that is not an
            :class:`~szo_core.invoices.InvoiceDocument`.

    See the module's example.
    """
    return sorted(_checked(docs), key=_order_key)


# --- Drawing ------------------------------------------------------------------------------


def _repertoire() -> str:
    slovenian = "čšžČŠŽćđĆĐ"
    punctuation = "€–—‘’‚“”„•…‰‹›™−†‡"
    rest = "".join(chr(c) for c in range(0xA1, 0x180))
    seen: dict[str, None] = dict.fromkeys(slovenian + punctuation + rest)
    return "".join(seen)[: 31 + 128]


REPERTOIRE = _repertoire()
"""The characters every part of a print batch assigns first, in this order, to each font.

reportlab puts the printable ASCII characters in a font's first subset and
the next 159 characters in the order a document first uses them.  Assigning
these 159 (č, š, ž, ć, đ in both cases, typographic punctuation, Latin-1,
then Latin Extended-A) first makes the first subset of every part the same,
so that the fonts are embedded once.

>>> len(REPERTOIRE), REPERTOIRE[:6]
(159, 'čšžČŠŽ')
"""


def _pdf_module() -> tuple[Callable[[BinaryIO], Canvas], Drawer]:
    module = importlib.import_module("szo_core.invoices.pdf")
    new_canvas = cast("Callable[[BinaryIO], Canvas]", module.new_canvas)
    draw_invoice = cast("Callable[..., int]", module.draw_invoice)

    def draw(canvas: Canvas, doc: InvoiceDocument, language: Language) -> int:
        return draw_invoice(canvas, doc, language=language)

    return new_canvas, draw


def _own_canvas(out: BinaryIO) -> Canvas:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from szo_core.invoices import fonts

    names = fonts.register()
    # As szo_core.invoices.pdf.new_canvas: the page's first font is a shipped one, so the
    # file names no unembedded Helvetica.  types-reportlab types initialFontName as a float.
    return Canvas(out, pagesize=A4, invariant=1, initialFontName=names.sans)  # type: ignore[arg-type]


def _prime(canvas: Canvas) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from szo_core.invoices import fonts

    names = fonts.register()
    document = canvas.__dict__["_doc"]
    for name in (names.sans, names.sans_bold, names.mono_bold):
        font = pdfmetrics.getFont(name)
        if not isinstance(font, TTFont):  # pragma: no cover - the shipped fonts are TrueType
            continue
        font.splitString(REPERTOIRE, document)
        font.getSubsetInternalName(0, document)


def _check_language(language: object) -> None:
    if language not in ("sl", "en"):
        raise InvoiceError(
            "invoice.batch_language",
            sl="Jezik računa je lahko le 'sl' ali 'en'.",
            en="An invoice's language can only be 'sl' or 'en'.",
            where="language",
        )


def _render(
    docs: Sequence[InvoiceDocument], language: Language, draw: Drawer | None, *, prime: bool
) -> tuple[bytes, int]:
    _check_language(language)
    if draw is None:
        new_canvas, drawer = _pdf_module()
    else:
        new_canvas, drawer = _own_canvas, draw
    buffer = io.BytesIO()
    canvas = new_canvas(buffer)
    if prime:
        _prime(canvas)
    pages = 0
    for doc in docs:
        drawn = drawer(canvas, doc, language)
        if drawn < 1:
            raise InvoiceError(
                "invoice.batch_no_pages",
                sl="Risanje računa ni dalo nobene strani.",
                en="Drawing the invoice gave no page.",
                where=f"invoice {doc.number}",
            )
        pages += drawn
    canvas.save()
    return buffer.getvalue(), pages


def invoice_pdf_bytes(
    doc: InvoiceDocument, *, language: Language = "sl", draw: Drawer | None = None
) -> bytes:
    """One document as the bytes of a PDF of its own (what :func:`write_per_payer` writes).

    Args:
        doc: The invoice or credit note.
        language: ``"sl"`` (default) or ``"en"``.
        draw: The drawer; None means :func:`szo_core.invoices.pdf.draw_invoice`.

    Raises:
        InvoiceError: ``invoice.batch_no_pages`` when the drawer drew no page,
            ``invoice.batch_language`` for a language other than sl or en.

    >>> def draw(canvas, doc, language):
    ...     canvas.drawString(100, 700, f"Račun {doc.number}")
    ...     canvas.showPage()
    ...     return 1
    >>> from szo_core.invoices import InvoiceDocument, PartyInfo
    >>> from szo_core.calendar import Month
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> doc = InvoiceDocument(number="2026-1", issued_on=date(2026, 10, 1),
    ...     period=Month(2026, 9), seller=PartyInfo(name="V"), buyer=PartyInfo(name="P"),
    ...     lines=(), total=Decimal("0.00"))
    >>> data = invoice_pdf_bytes(doc, draw=draw)
    >>> data[:8], data == invoice_pdf_bytes(doc, draw=draw)
    (b'%PDF-1.3', True)
    """
    return _render([doc], language, draw, prime=False)[0]


# --- The streamed print PDF ------------------------------------------------------------

_KIDS_PER_NODE = 64
_SHARED_OBJECTS = 512


class _PdfStream:
    """Objects written to ``out`` as they come, with new numbers; the xref is kept as offsets."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.position = 0
        self.offsets = array("q", [0, 0, 0])  # 0 unused; 1 catalog; 2 root of the page tree
        self.digest = hashlib.sha256()
        self.shared: OrderedDict[bytes, int] = OrderedDict()
        self.nodes = array("q")  # the page tree's nodes below the root
        self.node_kids: list[int] = []
        self.pages = 0
        self.version = (1, 4)
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.position += len(data)

    def reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write_object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.position
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def add_shared(self, body: bytes) -> int:
        """Write ``body`` as a new object, or return the number of an identical one."""
        key = hashlib.sha256(body).digest()
        number = self.shared.get(key)
        if number is not None:
            self.shared.move_to_end(key)
            return number
        number = self.reserve()
        self.write_object(number, body)
        self.shared[key] = number
        if len(self.shared) > _SHARED_OBJECTS:
            self.shared.popitem(last=False)
        return number

    def page_parent(self) -> int:
        """The page tree node the next page goes under (a new one every 64 pages)."""
        if self.pages % _KIDS_PER_NODE == 0:
            self._close_node()
            self.nodes.append(self.reserve())
        return self.nodes[-1]

    def _close_node(self) -> None:
        if self.node_kids:
            kids = b" ".join(b"%d 0 R" % kid for kid in self.node_kids)
            body = b"<< /Type /Pages /Parent 2 0 R /Count %d /Kids [ %s ] >>" % (
                len(self.node_kids),
                kids,
            )
            self.write_object(self.nodes[-1], body)
            self.node_kids = []

    def page_written(self, number: int) -> None:
        self.node_kids.append(number)
        self.pages += 1

    def finish(self) -> None:
        self._close_node()
        kids = b" ".join(b"%d 0 R" % node for node in self.nodes)
        self.write_object(2, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (self.pages, kids))
        version = b"" if self.version <= (1, 4) else b" /Version /%d.%d" % self.version
        self.write_object(1, b"<< /Type /Catalog /Pages 2 0 R%s >>" % version)
        info = self.reserve()
        self.write_object(info, b"<< /Producer (szo_core print batch) >>")
        file_id = self.digest.hexdigest()[:32].encode()
        xref = self.position
        size = len(self.offsets)
        entries = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        entries.extend(b"%010d 00000 n \n" % offset for offset in self.offsets[1:])
        self._write(b"".join(entries))
        self._write(
            b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [ <%s> <%s> ] >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (size, info, file_id, file_id, xref)
        )


def _serialise(obj: PdfObject) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


class _Part:
    """One part's objects copied into the stream, children before parents."""

    def __init__(self, reader: PdfReader, stream: _PdfStream) -> None:
        self.reader = reader
        self.stream = stream
        self.done: dict[int, int] = {}
        self.reserved: dict[int, int] = {}
        self.active: set[int] = set()

    def copy(self, idnum: int) -> int:
        """The new number of the part's object ``idnum``, written before this returns."""
        if idnum in self.done:
            return self.done[idnum]
        if idnum in self.active:  # a cycle: the object gets its number now, its bytes later
            return self.reserved.setdefault(idnum, self.stream.reserve())
        self.active.add(idnum)
        obj = self.reader.get_object(IndirectObject(idnum, 0, self.reader))
        if obj is None:
            raise _broken("a missing object")
        self._relink(obj)
        body = _serialise(obj)
        self.active.discard(idnum)
        if idnum in self.reserved:
            number = self.reserved.pop(idnum)
            self.stream.write_object(number, body)
        else:
            number = self.stream.add_shared(body)
        self.done[idnum] = number
        return number

    def copy_page(self, idnum: int) -> None:
        page = self.reader.get_object(IndirectObject(idnum, 0, self.reader))
        if not isinstance(page, DictionaryObject):
            raise _broken("a page that is not a dictionary")
        number = self.stream.reserve()
        self.done[idnum] = number  # references back to the page (annotations) point here
        parent = self.stream.page_parent()
        dict.__setitem__(page, NameObject("/Parent"), IndirectObject(parent, 0, None))
        for key, value in list(dict.items(page)):
            if key != "/Parent":
                dict.__setitem__(page, key, self._relinked(value))
        self.stream.write_object(number, _serialise(page))
        self.stream.page_written(number)

    def _relinked(self, value: PdfObject) -> PdfObject:
        if isinstance(value, IndirectObject):
            return IndirectObject(self.copy(value.idnum), 0, None)
        self._relink(value)
        return value

    def _relink(self, obj: PdfObject) -> None:
        if isinstance(obj, DictionaryObject):
            for key, value in list(dict.items(obj)):
                dict.__setitem__(obj, key, self._relinked(value))
        elif isinstance(obj, ArrayObject):
            for i, value in enumerate(list.__iter__(obj)):
                list.__setitem__(obj, i, self._relinked(value))


def _broken(what: str) -> InvoiceError:
    return InvoiceError(
        "invoice.batch_part",
        sl=f"Izrisani del paketa za tiskanje ni berljiv PDF ({what}).",
        en=f"A drawn part of the print batch is not a readable PDF ({what}).",
        where="print batch",
    )


_VERSION = re.compile(rb"%PDF-(\d)\.(\d)")


def _page_ids(reader: PdfReader) -> Iterator[int]:
    root = reader.trailer.get("/Root")
    catalog = root.get_object() if root is not None else None
    tree = catalog.get("/Pages") if isinstance(catalog, DictionaryObject) else None
    if not isinstance(tree, IndirectObject):
        raise _broken("no page tree")
    stack = [tree.idnum]
    seen: set[int] = set()
    while stack:
        idnum = stack.pop()
        if idnum in seen:
            raise _broken("a page tree with a cycle")
        seen.add(idnum)
        node = reader.get_object(IndirectObject(idnum, 0, reader))
        if not isinstance(node, DictionaryObject):
            raise _broken("a page tree node that is not a dictionary")
        if node.get("/Type") == "/Page":
            yield idnum
            continue
        kids = dict.get(node, "/Kids")
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        if not isinstance(kids, ArrayObject):
            raise _broken("a page tree node without kids")
        refs = [kid.idnum for kid in list.__iter__(kids) if isinstance(kid, IndirectObject)]
        stack.extend(reversed(refs))


def _copy_part(data: bytes, stream: _PdfStream) -> int:
    match = _VERSION.match(data)
    if match:
        stream.version = max(stream.version, (int(match[1]), int(match[2])))
    pages = 0
    try:
        # close() drops the reader's parsed objects: they refer back to the reader,
        # and without it each part would stay in memory until the cyclic collector ran.
        with PdfReader(io.BytesIO(data), strict=True) as reader:
            part = _Part(reader, stream)
            for idnum in _page_ids(reader):
                part.copy_page(idnum)
                pages += 1
    except PdfReadError as exc:
        raise _broken(type(exc).__name__) from None
    return pages


def write_print_batch(
    docs: Iterable[InvoiceDocument],
    out: BinaryIO,
    *,
    language: Language = "sl",
    draw: Drawer | None = None,
    part_size: int = 32,
) -> int:
    """Write every document into one PDF for printing, in :func:`print_order`, in flat memory.

    The PDF is written to ``out`` as it is made (``out`` need not be
    seekable); memory does not grow with the number of documents beyond the
    xref's 8 bytes per object.  The same documents give the same bytes.

    Args:
        docs: The documents (they are sorted, so they are read into a list;
            they are small records).
        out: A binary file or stream.
        language: ``"sl"`` (default) or ``"en"``.
        draw: The drawer; None means :func:`szo_core.invoices.pdf.draw_invoice`.
        part_size: Documents drawn on one intermediate canvas (memory grows
            with it; fonts are subset once per part).

    Returns:
        The number of pages written.

    Raises:
        InvoiceError: ``invoice.batch_empty`` for no documents, the errors of
            :func:`print_order`, ``invoice.batch_part_size`` for a part size
            below 1, ``invoice.batch_no_pages`` when the drawer drew no page,
            ``invoice.batch_language`` for a language other than sl or en.

    >>> from szo_core.invoices import InvoiceDocument, PartyInfo
    >>> from szo_core.calendar import Month
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> def draw(canvas, doc, language):
    ...     canvas.setFont("SzoSans", 12)
    ...     canvas.drawString(100, 700, f"Račun {doc.number} za {doc.buyer.name}")
    ...     canvas.showPage()
    ...     return 1
    >>> docs = [InvoiceDocument(number=f"2026-{i}", issued_on=date(2026, 10, 1),
    ...     period=Month(2026, 9), seller=PartyInfo(name="Vrtec"),
    ...     buyer=PartyInfo(name=name), lines=(), total=Decimal("0.00"))
    ...     for i, name in enumerate(["Žan", "Čarli", "Cene"])]
    >>> out = io.BytesIO()
    >>> write_print_batch(docs, out, draw=draw)
    3
    >>> out.getvalue()[:8], out.getvalue().rstrip()[-5:]
    (b'%PDF-1.4', b'%%EOF')
    """
    if not isinstance(part_size, int) or part_size < 1:
        raise InvoiceError(
            "invoice.batch_part_size",
            sl="Velikost dela paketa mora biti celo število, vsaj 1.",
            en="The part size must be a whole number, at least 1.",
            where="part_size",
        )
    _check_language(language)
    ordered = print_order(docs)
    if not ordered:
        raise InvoiceError(
            "invoice.batch_empty",
            sl="Paket za tiskanje nima nobenega računa.",
            en="The print batch has no invoice.",
            where="print batch",
        )
    stream = _PdfStream(out)
    for start in range(0, len(ordered), part_size):
        data, drawn = _render(ordered[start : start + part_size], language, draw, prime=True)
        if _copy_part(data, stream) != drawn:
            raise _broken("pages missing")
        del data
    stream.finish()
    return stream.pages


# --- One file per payer -------------------------------------------------------------------


def _folder_error(folder: Path, exc: OSError) -> InvoiceError:
    reason = exc.strerror or type(exc).__name__
    return InvoiceError(
        "invoice.folder",
        sl=f"V mapo ni mogoče pisati ({reason}).",
        en=f"The folder cannot be written to ({reason}).",
        where=str(folder),
    )


def _write_atomically(path: Path, write: Callable[[BinaryIO], _T]) -> _T:
    """``write`` into a temporary file beside ``path``, renamed to ``path`` when complete."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            result = write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return result


def _write_bytes(data: bytes, file: BinaryIO) -> int:
    return file.write(data)


def _ready_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _folder_error(folder, exc) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _folder_error(folder, PermissionError(13, "Permission denied"))


def write_print_batch_file(
    docs: Iterable[InvoiceDocument],
    path: Path,
    *,
    language: Language = "sl",
    draw: Drawer | None = None,
    part_size: int = 32,
) -> int:
    """:func:`write_print_batch` into the file ``path``, atomically.

    The PDF is streamed into a temporary file in the same folder and renamed
    to ``path`` when it is complete: a failure leaves an older file of that
    name as it was and no half file.  The folder is made when missing.

    Returns:
        The number of pages written.

    Raises:
        InvoiceError: ``invoice.folder`` when the folder cannot be made or
            written to; the errors of :func:`write_print_batch`.

    >>> import tempfile
    >>> from szo_core.invoices import InvoiceDocument, PartyInfo
    >>> from szo_core.calendar import Month
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> def draw(canvas, doc, language):
    ...     canvas.drawString(100, 700, doc.number)
    ...     canvas.showPage()
    ...     return 1
    >>> doc = InvoiceDocument(number="2026-7", issued_on=date(2026, 10, 1),
    ...     period=Month(2026, 9), seller=PartyInfo(name="V"), buyer=PartyInfo(name="P"),
    ...     lines=(), total=Decimal("0.00"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_print_batch_file([doc], Path(tmp) / "tisk" / "2026-09.pdf", draw=draw)
    1
    """
    path = Path(path)
    ordered = print_order(docs)  # bad input is refused before a file is made
    _ready_folder(path.parent)

    def write(out: BinaryIO) -> int:
        return write_print_batch(ordered, out, language=language, draw=draw, part_size=part_size)

    try:
        return _write_atomically(path, write)
    except OSError as exc:
        raise _folder_error(path.parent, exc) from None


def write_per_payer(
    docs: Iterable[InvoiceDocument],
    folder: Path,
    *,
    language: Language = "sl",
    draw: Drawer | None = None,
) -> list[Path]:
    """Write each document as a PDF of its own, ``folder / f"{doc.file_stem}.pdf"``.

    Each file is written to a temporary file in ``folder`` first and renamed
    when complete, so a failure (a full disk, a drawer's error) leaves the
    files written before it and no half file.  An existing file of the same
    name is replaced.  The folder is made when missing.

    Args:
        docs: The documents.
        folder: Where the files go.
        language: ``"sl"`` (default) or ``"en"``.
        draw: The drawer; None means :func:`szo_core.invoices.pdf.draw_invoice`.

    Returns:
        The files written, in the order of ``docs``.

    Raises:
        InvoiceError: ``invoice.folder`` when the folder cannot be made or
            written to; the errors of :func:`print_order` (duplicate numbers,
            clashing file names).

    >>> import tempfile
    >>> from szo_core.invoices import InvoiceDocument, PartyInfo
    >>> from szo_core.calendar import Month
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> def draw(canvas, doc, language):
    ...     canvas.drawString(100, 700, doc.number)
    ...     canvas.showPage()
    ...     return 1
    >>> doc = InvoiceDocument(number="2026/7", issued_on=date(2026, 10, 1),
    ...     period=Month(2026, 9), seller=PartyInfo(name="V"), buyer=PartyInfo(name="P"),
    ...     lines=(), total=Decimal("0.00"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_per_payer([doc], Path(tmp), draw=draw)]
    ['2026_7.pdf']
    """
    checked = _checked(docs)
    folder = Path(folder)
    _ready_folder(folder)
    paths: list[Path] = []
    for doc in checked:
        data = invoice_pdf_bytes(doc, language=language, draw=draw)
        path = folder / f"{doc.file_stem}.pdf"
        try:
            _write_atomically(path, functools.partial(_write_bytes, data))
        except OSError as exc:
            raise _folder_error(folder, exc) from None
        paths.append(path)
    return paths
