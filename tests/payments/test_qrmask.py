"""The fast UPN QR mask choice gives exactly the symbol segno makes choosing the mask itself."""

from __future__ import annotations

import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from segno import encoder

from szo_core.payments import upn
from szo_core.payments._qrmask import make_symbol, score


def _segno(data: bytes) -> segno.QRCode:
    return segno.make(
        data,
        version=15,
        error="m",
        mode="byte",
        eci=True,
        encoding=upn.ENCODING,
        boost_error=False,
        micro=False,
    )


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=0, max_size=400))
def test_the_symbol_is_segnos_own(data: bytes) -> None:
    ours = make_symbol(data, version=15, error="m", encoding=upn.ENCODING)
    theirs = _segno(data)
    assert ours.mask == theirs.mask
    assert [bytes(r) for r in ours.matrix] == [bytes(r) for r in theirs.matrix]
    assert (ours.version, ours.error, ours.mode) == (theirs.version, theirs.error, theirs.mode)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([21, 25, 45, 77]).flatmap(
        lambda size: st.lists(
            st.binary(min_size=size, max_size=size).map(lambda b: bytes(x & 1 for x in b)),
            min_size=size,
            max_size=size,
        )
    )
)
def test_the_penalty_is_segnos(rows: list[bytes]) -> None:
    size = len(rows)
    matrix = tuple(bytearray(r) for r in rows)
    assert score(rows, size) == sum(encoder.mask_scores(matrix, size, size))


def test_patterns_that_segno_counts_specially() -> None:
    # Runs, blocks and 1:1:3:1:1 patterns at the edges and next to each other.
    size = 21
    light = bytes(size)
    pattern = b"\x01\x00\x01\x01\x01\x00\x01"
    rows = [
        pattern + bytes(4) + pattern + b"\x00\x00\x01",
        bytes(4) + pattern + bytes(3) + pattern,
        b"\x01" * size,
        b"\x01" * size,
        *([light] * (size - 4)),
    ]
    matrix = tuple(bytearray(r) for r in rows)
    assert score(rows, size) == sum(encoder.mask_scores(matrix, size, size))


def test_upn_qr_uses_it_and_still_decodes_to_the_payload() -> None:
    from decimal import Decimal

    order = upn.UpnOrder(
        amount=Decimal("12.34"), purpose="Oskrbnina 09/2026", registered_issuer=False
    )
    symbol = upn.qr(order)
    theirs = _segno(symbol.payload)
    expected = tuple(tuple(bool(m) for m in row) for row in theirs.matrix)
    assert symbol.matrix() == expected
