"""The UPN QR symbol with segno's own mask choice, made about twice as fast.

segno chooses the data mask as ISO/IEC 18004 §7.8.3 asks: it applies each of
the eight masks and scores the result (N1 runs, N2 blocks, N3 finder-like
patterns, N4 dark share), in pure Python, module by module: about 20 ms for the
version-15 symbol of a UPN order, most of an invoice PDF's time.  This
module takes about 11 ms for the same symbol.

:func:`make_symbol` gives **the same symbol** (the same matrix, the same mask)
from one segno encoding with mask 0 and a whole-row scoring of the eight masks:

1. segno encodes the payload with mask 0 (its public ``encode``), which places
   the codewords; XOR-ing mask 0 off the encoding region gives the unmasked
   data;
2. each mask is applied to whole rows at once (Python integers, one byte per
   module), on the matrix as segno scores it (function patterns in place,
   format and version areas still reserved as 0);
3. the four penalties are counted on bytes: runs with a regular expression,
   2 × 2 blocks with integer operations, the 1:1:3:1:1 pattern with
   ``bytes.find`` under segno's exact rules, the dark share with the same
   float arithmetic;
4. the mask with the lowest score wins (the first on a tie, as in segno); its
   format and version information are added with segno's own functions.

The tests compare every symbol with ``segno.make`` choosing the mask itself,
for many payloads; the segno functions used here are its encoder module's
(``encode``, ``make_matrix``, ``add_finder_patterns``,
``add_alignment_patterns``, ``get_data_mask_functions``, ``add_format_info``,
``add_version_info``), which is why the ``qr`` extra pins segno below 2.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["make_symbol"]

_RUN = re.compile(rb"\x00{5,}|\x01{5,}")
_N3 = b"\x01\x00\x01\x01\x01\x00\x01"


def _encoder() -> Any:
    """The encoder module of segno (untyped: its functions are called as ``Any``)."""
    import importlib

    return importlib.import_module("segno.encoder")


@functools.cache
def _layout(size: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """The rows segno scores for a symbol of ``size`` modules, without the data.

    Returns the function rows (region cells 0), the encoding region per row
    (0xFF bytes) and each mask's bits on the region per row.
    """
    encoder = _encoder()
    function = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(function, size, size)
    encoder.add_alignment_patterns(function, size, size)
    region_matrix = [bytearray(row) for row in function]
    region_matrix[-8][8] = 0x1  # the dark module is not data (as segno marks it)
    masks = encoder.get_data_mask_functions(False)
    rows: list[int] = []
    regions: list[int] = []
    per_mask: list[list[int]] = [[] for _ in masks]
    for i in range(size):
        region = bytes(0xFF if region_matrix[i][j] > 0x1 else 0 for j in range(size))
        regions.append(int.from_bytes(region, "big"))
        outside = bytes(0 if region[j] else function[i][j] for j in range(size))
        rows.append(int.from_bytes(outside, "big"))
        for k, mask in enumerate(masks):
            bits = bytes(1 if region[j] and mask(i, j) else 0 for j in range(size))
            per_mask[k].append(int.from_bytes(bits, "big"))
    return tuple(rows), tuple(regions), tuple(tuple(m) for m in per_mask)


def _n3(lines: bytes, size: int) -> int:
    """The N3 penalty as segno counts it, over rows and columns joined by a separator.

    40 per 1:1:3:1:1 pattern with four light modules on a side; ``size`` is
    the length of one row or column.
    """
    stride = size + 1
    count = 0
    idx = lines.find(_N3)
    while idx != -1:
        local = idx % stride
        start = idx - local
        after = local + 7
        if (
            local in (0, size - 7)
            or 1 not in lines[start + max(local - 4, 0) : start + min(local, size)]
            or 1 not in lines[start + after : start + min(after + 4, size)]
        ):
            count += 40
            idx = lines.find(_N3, idx + 7)
        else:
            idx = lines.find(_N3, idx + 4)
    return count


def score(rows: Sequence[bytes], size: int) -> int:
    """The penalty of a masked matrix, as ``segno.encoder.evaluate_mask`` counts it."""
    flat = b"".join(rows)
    columns = [flat[j::size] for j in range(size)]
    lines = b"\x02".join((*rows, *columns))  # runs and patterns never cross a separator
    total = sum(len(run) - 2 for run in _RUN.findall(lines))
    total += _n3(lines, size)
    last = None
    for row in rows:
        value = int.from_bytes(row, "big")
        if last is not None:
            same = (value ^ last) | (value ^ (value >> 8)) | (last ^ (last >> 8))
            total += 3 * same.to_bytes(size, "big")[1:].count(0)
        last = value
    percent = float(flat.count(1)) / (size**2)
    return total + 10 * int(abs(percent * 100 - 50) / 5)


def make_symbol(data: bytes, *, version: int, error: str, encoding: str) -> Any:
    """The ``segno.QRCode`` of ``data``, mask choice included, as ``segno.make`` makes it.

    The same as ``segno.make(data, version=, error=, mode="byte", eci=True,
    encoding=, boost_error=False, micro=False)``.
    """
    import segno

    encoder = _encoder()
    qr_code: Any = segno.QRCode
    code = encoder.encode(
        data,
        error=error,
        version=version,
        mode="byte",
        mask=0,
        encoding=encoding,
        eci=True,
        micro=False,
        boost_error=False,
    )
    size = len(code.matrix)
    function_rows, regions, masks = _layout(size)
    data_rows = [
        fn | ((int.from_bytes(row, "big") ^ m0) & region)
        for fn, row, region, m0 in zip(function_rows, code.matrix, regions, masks[0], strict=True)
    ]
    best: tuple[int, int] | None = None
    best_rows: list[bytes] = []
    for k, mask in enumerate(masks):
        rows = [(d ^ m).to_bytes(size, "big") for d, m in zip(data_rows, mask, strict=True)]
        penalty = score(rows, size)
        if best is None or penalty < best[0]:
            best = (penalty, k)
            best_rows = rows
    assert best is not None
    matrix = tuple(bytearray(row) for row in best_rows)
    encoder.add_format_info(matrix, code.version, code.error, best[1])
    encoder.add_version_info(matrix, code.version)
    return qr_code(code._replace(matrix=matrix, mask=best[1]))
