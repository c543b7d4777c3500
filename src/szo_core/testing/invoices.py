"""Hypothesis strategies for invoice documents (:mod:`szo_core.invoices.record`).

For property tests of invoice writers (e-SLOG, PDF) in szo_core and in
applications built on it.  The documents stay inside what e-SLOG 2.0 can hold
(names up to 350 characters, line texts up to 512, six-digit line numbers),
have Slovenian text with the characters XML must escape (``&``, ``<``, ``"``),
zero and negative lines, and credit notes (a negative total) as well as
invoices.  Personal numbers are synthetic (check-digit functions).

>>> from hypothesis import given, settings
>>> @settings(max_examples=10)
... @given(invoice_documents(max_lines=5))
... def test_total(doc):
...     assert doc.total == sum(line.amount for line in doc.lines)
>>> test_total()
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "szo_core.testing.invoices requires hypothesis: pip install 'szo_core[testing]'"
    ) from exc

from szo_core.calendar import Month
from szo_core.ids import reference
from szo_core.invoices.record import (
    Bilingual,
    CorrectedInvoice,
    DebitPayment,
    DocumentLine,
    DocumentType,
    InvoiceDocument,
    PartyInfo,
    SlipPayment,
    VatTreatment,
    default_vat,
)
from szo_core.model import Address, OrganisationKind
from szo_core.payments.upn import UpnOrder
from szo_core.testing.records import ibans, registration_numbers, tax_numbers

__all__ = ["document_lines", "invoice_documents", "party_infos"]

_ALPHABET = "abcdefghijklmnoprstuvzčšžćđABCDEFGHIJKLMNOPRSTUVZČŠŽĆĐ0123456789 .,;:-/()%€&<>\"'+"
_KINDS = ("share", "food_deduction", "reservation", "correction", "municipality", "")
_BICS = ("LJBASI2X", "SKBASI2X", "BAKOSI2XXXX", "HDELSI22", "GORESI2X")
_VAT = (
    default_vat(OrganisationKind.KINDERGARTEN),
    default_vat(OrganisationKind.DORMITORY),
    default_vat(OrganisationKind.CARE_HOME),
    VatTreatment(category="O", reason_code="VATEX-EU-O", reason="Ni predmet DDV"),
    VatTreatment(category="Z", reason_code="", reason=""),
)


def _text(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(alphabet=_ALPHABET, min_size=min_size, max_size=max_size)


def _sometimes_long(short: int, long: int) -> st.SearchStrategy[str]:
    """Mostly short texts, now and then up to the e-SLOG limit ``long``."""
    return st.one_of(_text(short), _text(short), _text(short), _text(long, long - long // 8))


def _months() -> st.SearchStrategy[Month]:
    return st.builds(Month, st.integers(2020, 2035), st.integers(1, 12))


def _dates() -> st.SearchStrategy[date]:
    return st.dates(min_value=date(2020, 1, 1), max_value=date(2036, 12, 31))


def party_infos() -> st.SearchStrategy[PartyInfo]:
    """Sellers and buyers: names with Slovenian letters, optional identifiers and accounts.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(party_infos())
    ... def check(party):
    ...     assert len(party.name) <= 350 and len(party.address.street) <= 140
    >>> check()
    """
    maybe = st.one_of
    return st.builds(
        PartyInfo,
        name=_sometimes_long(40, 350),
        address=st.builds(
            Address,
            street=_sometimes_long(30, 140),
            post_code=maybe(st.just(""), st.integers(1000, 9999).map(str)),
            city=_text(35),
            country=st.sampled_from(["SI", "SI", "HR", "AT", ""]),
        ),
        tax_number=maybe(st.just(""), tax_numbers()),
        registration_number=maybe(st.just(""), registration_numbers()),
        iban=maybe(st.just(""), ibans()),
        bic=maybe(st.just(""), st.sampled_from(_BICS)),
        bank=_text(70),
        email=maybe(st.just(""), st.from_regex(r"[a-z]{1,10}@[a-z]{1,10}\.si", fullmatch=True)),
    )


def _amounts() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.just(Decimal("0.00")),
        st.decimals(min_value=Decimal("-2000"), max_value=Decimal("2000"), places=2),
        st.decimals(min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=2),
    )


@st.composite
def _line(draw: st.DrawFn, position: int) -> DocumentLine:
    first = draw(st.one_of(st.none(), _dates()))
    return DocumentLine(
        position=position,
        kind=draw(st.sampled_from(_KINDS)),
        description=Bilingual(sl=draw(_sometimes_long(60, 512)), en=draw(_text(60))),
        detail=Bilingual(sl=draw(_sometimes_long(60, 1200)), en=draw(_text(60))),
        amount=draw(_amounts()),
        start=first,
        end=draw(st.one_of(st.none(), _dates())) if first else None,
        days=draw(st.one_of(st.none(), st.integers(0, 31))),
        days_in_month=draw(st.one_of(st.none(), st.integers(1, 31))),
        coefficient=draw(
            st.one_of(st.none(), st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=4))
        ),
        decision_number=draw(_text(30)),
        corrects=draw(st.one_of(st.none(), _months())),
    )


_DRAWN_LINES = 8
"""Up to this many lines are drawn one by one; longer documents repeat drawn lines."""


@st.composite
def _lines(draw: st.DrawFn, min_lines: int, max_lines: int) -> tuple[DocumentLine, ...]:
    count = draw(st.integers(min_lines, max_lines))
    if count <= _DRAWN_LINES:
        return tuple(draw(_line(position)) for position in range(1, count + 1))
    # Many lines: a few drawn lines repeated with their own positions and amounts, so
    # that hundreds of lines stay within Hypothesis's budget for one example.
    drawn = [draw(_line(position)) for position in range(1, _DRAWN_LINES + 1)]
    amounts = draw(st.lists(_amounts(), min_size=count, max_size=count))
    return tuple(
        attrs.evolve(drawn[i % _DRAWN_LINES], position=i + 1, amount=amounts[i])
        for i in range(count)
    )


def document_lines(*, max_lines: int = 20) -> st.SearchStrategy[tuple[DocumentLine, ...]]:
    """Tuples of 0 … ``max_lines`` lines numbered 1, 2, …, zero and negative amounts among them.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(document_lines(max_lines=3))
    ... def check(lines):
    ...     assert [line.position for line in lines] == list(range(1, len(lines) + 1))
    >>> check()
    """
    return _lines(0, max_lines)


def _references() -> st.SearchStrategy[str | None]:
    si = st.integers(1, 10**12 - 1).map(lambda n: reference.make("SI12", str(n)))
    rf = st.text(alphabet="0123456789ABCDEFGH", min_size=1, max_size=15).map(reference.make_rf)
    return st.one_of(
        st.none(), si, si.map(reference.format), rf, rf.map(reference.format), _text(20, 1)
    )


def _payment(
    draw: st.DrawFn, doc_number: str, total: Decimal, credit: bool
) -> SlipPayment | DebitPayment | None:
    if credit or total <= 0:
        return None
    choice = draw(st.sampled_from(["none", "slip", "debit"]))
    if choice == "slip":
        order = UpnOrder(amount=total, purpose="Oskrbnina", deadline=draw(_dates()))
        return SlipPayment(instruction_id=doc_number, order=order, invoice_numbers=(doc_number,))
    if choice == "debit":
        return DebitPayment(
            instruction_id=doc_number,
            amount=total,
            debit_date=draw(_dates()),
            mandate_reference="M-1",
            invoice_numbers=(doc_number,),
        )
    return None


@st.composite
def _documents(
    draw: st.DrawFn, min_lines: int, max_lines: int, credit_notes: bool
) -> InvoiceDocument:
    lines = draw(_lines(min_lines, max_lines))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total < 0 and not credit_notes:
        lines = tuple(attrs.evolve(line, amount=-line.amount) for line in lines)
        total = -total
    if total < 0:
        kind = DocumentType.CREDIT_NOTE
    elif total > 0:
        kind = DocumentType.INVOICE
    else:
        kind = draw(
            st.sampled_from(
                [DocumentType.INVOICE, DocumentType.CREDIT_NOTE]
                if credit_notes
                else [DocumentType.INVOICE]
            )
        )
    number = draw(st.from_regex(r"[A-Z]{0,2}[0-9]{4}-[0-9]{1,12}(/[0-9]{1,3})?", fullmatch=True))
    credit = kind is DocumentType.CREDIT_NOTE
    corrects = draw(
        st.lists(
            st.builds(
                CorrectedInvoice,
                month=_months(),
                number=st.one_of(st.none(), _text(30, 1)),
                issued_on=st.one_of(st.none(), _dates()),
            ),
            max_size=3,
        )
    )
    return InvoiceDocument(
        number=number,
        type=kind,
        issued_on=draw(_dates()),
        period=draw(_months()),
        due_on=draw(st.one_of(st.none(), _dates())),
        seller=draw(party_infos()),
        buyer=draw(party_infos()),
        child_name=draw(_text(40)),
        child_code=draw(st.one_of(st.none(), st.integers(1, 99_999))),
        lines=lines,  # attrs' converter=tuple confuses mypy
        total=total,
        reference=draw(_references()),
        corrects=tuple(corrects),
        payment=_payment(draw, number, total, credit),
        copy_email=draw(st.sampled_from(["", "kopija@example.org"])),
        vat=draw(st.sampled_from(_VAT)),
        organisation_id=draw(st.sampled_from(["", "vrtec"])),
        run_id=draw(st.sampled_from(["", "2026-09"])),
        note=draw(_sometimes_long(40, 600)),
    )


def invoice_documents(
    *, min_lines: int = 0, max_lines: int = 20, credit_notes: bool = True
) -> st.SearchStrategy[InvoiceDocument]:
    """Invoices and credit notes that e-SLOG 2.0 can carry.

    Args:
        min_lines: The fewest lines.
        max_lines: The most lines.  Up to eight lines are drawn one by one;
            a longer document repeats eight drawn lines with their own
            positions and amounts (thousands of lines stay cheap to draw).
        credit_notes: Also credit notes (a negative total); when False a
            negative draw is turned positive.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(invoice_documents(credit_notes=False))
    ... def check(doc):
    ...     assert not doc.is_credit_note and doc.total >= 0
    >>> check()
    """
    return _documents(min_lines, max_lines, credit_notes)
