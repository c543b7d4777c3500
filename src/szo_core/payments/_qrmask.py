"""The UPN QR symbol exactly as segno makes it, about eight times as fast.

segno encodes and chooses the data mask as ISO/IEC 18004 asks (§7.8.3: apply
each of the eight masks, score the result by the N1 runs, N2 blocks, N3
finder-like patterns and N4 dark share, keep the lowest), in pure Python,
module by module: about 20 ms for the version-15 symbol of a UPN order, once
most of an invoice PDF's time.  :func:`make_symbol` makes **the same symbol**
(the same matrix, the same mask) in about 2.5 ms, written by hand for the one
case the UPN needs (byte mode with an ECI header, versions 10 to 26):

1. the message (:func:`_message`): the bit stream as segno writes it (ECI,
   mode, 16-bit count, data, terminator, padding, pad codewords), the
   Reed-Solomon error codewords with a table of ``factor × g(x)`` as integers
   (one shift, one look-up and one XOR per codeword), the blocks interleaved,
   one byte per bit;
2. the placement (:func:`_placement`): the zigzag order of §7.7.3 computed once
   per size, applied with one ``operator.itemgetter`` call;
3. each mask XOR-ed on the whole matrix as one integer, and scored on bytes:
   N1 and N2 with integer operations over all rows (and columns) at once, N3
   with ``bytes.find`` under segno's exact rules, N4 with the same float
   arithmetic; the first lowest score wins, as in segno;
4. the format and version information added with segno's own functions.

The tests compare every symbol with ``segno.make`` choosing the mask itself,
for many payloads and every length up to the capacity, and each penalty with
segno's ``mask_scores``; segno's tables and function patterns are used
(``consts.ECC``, ``GEN_POLY``, ``GALIOS_LOG``/``EXP``, ``SYMBOL_CAPACITY``,
``make_matrix``, ``add_finder_patterns``, ``add_alignment_patterns``,
``get_data_mask_functions``, ``add_format_info``, ``add_version_info``), which
is why the ``qr`` extra pins segno below 2.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import operator
from collections.abc import Sequence
from typing import Any

__all__ = ["make_symbol"]

_N3 = b"\x01\x00\x01\x01\x01\x00\x01"


def _encoder() -> Any:
    """The encoder module of segno (untyped: its functions are called as ``Any``)."""
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


def _n1(lines: bytes) -> int:
    """The N1 penalty: each run of five or more equal modules counts its length less 2.

    A run of length L holds L - 4 windows of five equal modules, so the
    penalty is the number of such windows plus 2 per run.  Both are counted
    with integer operations over the whole of ``lines`` at once: byte k of
    ``x ^ (x >> 8)`` is 0 where module k equals module k - 1, and OR-ing four
    shifts of it leaves 0 where the five modules ending at k are equal.  A
    separator byte (2) starts ``lines`` so no window reaches before it.
    """
    joined = b"\x02" + lines
    value = int.from_bytes(joined, "big")
    same = value ^ (value >> 8)
    window = same | (same >> 8) | (same >> 16) | (same >> 24)
    flags = window.to_bytes(len(joined), "big").translate(_NONZERO)
    return flags.count(0) + 2 * flags.count(b"\x01\x00")


_NONZERO = bytes([0] + [1] * 255)


def score(rows: Sequence[bytes], size: int) -> int:
    """The penalty of a masked matrix, as ``segno.encoder.evaluate_mask`` counts it."""
    flat = b"".join(rows)
    columns = [flat[j::size] for j in range(size)]
    lines = b"\x02".join((*rows, *columns))  # runs and patterns never cross a separator
    total = _n1(lines) + _n3(lines, size) + _n2(flat, size)
    percent = float(flat.count(1)) / (size**2)
    return total + 10 * int(abs(percent * 100 - 50) / 5)


def _n2(flat: bytes, size: int) -> int:
    """The N2 penalty: 3 for every 2 × 2 block of equal modules (blocks may overlap).

    On the whole matrix at once: byte k of ``up`` is the module above module k,
    and the OR of the three differences is 0 where module k equals the one on
    its left, the one above and the one above-left.  The first row and column
    have no block ending there (:func:`_no_block`).
    """
    value = int.from_bytes(flat, "big")
    up = value >> (8 * size)
    same = (value ^ up) | (value ^ (value >> 8)) | (up ^ (up >> 8)) | _no_block(size)
    return 3 * same.to_bytes(size * size, "big").count(0)


@functools.cache
def _no_block(size: int) -> int:
    """Nonzero bytes on the first row and the first column: no 2 × 2 block ends there."""
    cells = bytearray(size * size)
    cells[:size] = b"\xff" * size
    cells[::size] = b"\xff" * size
    return int.from_bytes(cells, "big")


@functools.cache
def _placement(size: int) -> Any:
    """Where each module of the encoding region takes its bit, for a symbol of ``size``.

    ISO/IEC 18004 §7.7.3, as ``segno.encoder.add_codewords`` walks it: two-module
    columns from the right, alternately upwards and downwards, skipping the
    vertical timing column and every function module.  Returns an
    ``operator.itemgetter`` that picks, for every module of the matrix in row
    order, its bit from the message (one byte per bit) followed by one ``0``
    byte for the modules outside the region.
    """
    _function, regions, _masks = _layout(size)
    region = b"".join(r.to_bytes(size, "big") for r in regions)
    order: list[int] = []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        upwards = (right & 2) == 0
        for vertical in range(size):
            for z in (0, 1):
                j = right - z
                up = upwards ^ (j < 6)
                i = (size - 1 - vertical) if up else vertical
                if region[i * size + j]:
                    order.append(i * size + j)
    outside = len(order)
    source = [outside] * (size * size)
    for bit, position in enumerate(order):
        source[position] = bit
    return operator.itemgetter(*source)


@functools.cache
def _remainders(count: int) -> tuple[int, ...]:
    """``factor × g(x)`` for the generator of ``count`` error codewords, as integers.

    The table turns the Reed-Solomon division (ISO/IEC 18004 §7.5.2) into one
    shift, one look-up and one XOR per data codeword.
    """
    consts: Any = importlib.import_module("segno.consts")
    log, exp = consts.GALIOS_LOG, consts.GALIOS_EXP
    generator = consts.GEN_POLY[count]
    table = [0]
    for factor in range(1, 256):
        table.append(int.from_bytes(bytes(exp[log[factor] + g] for g in generator), "big"))
    return tuple(table)


def _error_words(block: bytes, count: int) -> bytes:
    """The ``count`` Reed-Solomon error codewords of one data block."""
    table = _remainders(count)
    top = 8 * (count - 1)
    keep = (1 << (8 * count)) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder << 8) & keep) ^ table[(remainder >> top) ^ byte]
    return remainder.to_bytes(count, "big")


def _message(data: bytes, *, version: int, error: int, eci: int | None) -> bytes:
    """The final message of ``data`` in byte mode with its ECI header, one byte per bit.

    ISO/IEC 18004 §7.4 to §7.6, exactly as segno writes it for
    ``mode="byte", eci=True``: the ECI header (for an encoding other than
    ISO-8859-1), the mode and a 16-bit count (versions 10 to 26), the data,
    the terminator, the padding bits (segno adds a whole zero byte when the
    stream already ends on a byte boundary), the pad codewords, then the
    blocks interleaved with their error codewords, and the remainder bits.
    """
    consts: Any = importlib.import_module("segno.consts")
    if not 10 <= version <= 26:
        raise ValueError("only versions 10 to 26 (a 16-bit character count)")
    capacity = consts.SYMBOL_CAPACITY[version][error]
    value, length = 0b0100, 4
    if eci is not None:
        value, length = (0b0111 << 12) | (eci << 4) | 0b0100, 16
    value = (value << 16) | len(data)
    length += 16
    value = (value << (8 * len(data))) | int.from_bytes(data, "big")
    length += 8 * len(data)
    if length > capacity:
        raise ValueError("the data does not fit the symbol")
    terminator = min(capacity - length, 4)
    length += terminator
    padding = 8 - length % 8
    length += padding
    value <<= terminator + padding
    stream = bytearray(value.to_bytes(length // 8, "big"))
    for i in range(capacity // 8 - length // 8):
        stream.append(0xEC if i % 2 == 0 else 0x11)
    data_blocks: list[bytes] = []
    error_blocks: list[bytes] = []
    offset = 0
    for info in consts.ECC[version][error]:
        count = info.num_total - info.num_data
        for _ in range(info.num_blocks):
            block = bytes(stream[offset : offset + info.num_data])
            offset += info.num_data
            data_blocks.append(block)
            error_blocks.append(_error_words(block, count))
    words = bytearray()
    for blocks in (data_blocks, error_blocks):
        for column in itertools.zip_longest(*blocks):
            words.extend(w for w in column if w is not None)
    bits = format(int.from_bytes(words, "big"), f"0{8 * len(words)}b").encode("ascii")
    remainder = 3 if version in (14, 15, 16, 17, 18, 19, 20) else 4 if version >= 21 else 0
    return bits.translate(_BITS) + bytes(remainder)


_BITS = bytes.maketrans(b"01", b"\x00\x01")


def make_symbol(data: bytes, *, version: int, error: str, encoding: str) -> Any:
    """The ``segno.QRCode`` of ``data``, mask choice included, as ``segno.make`` makes it.

    The same as ``segno.make(data, version=, error=, mode="byte", eci=True,
    encoding=, boost_error=False, micro=False)`` for versions 10 to 26.
    """
    import segno

    encoder = _encoder()
    consts: Any = importlib.import_module("segno.consts")
    level = consts.ERROR_MAPPING[error.upper()]
    size = version * 4 + 17
    function_rows, _regions, _masks = _layout(size)
    pick = _placement(size)
    name, eci = _encoding(encoding)
    message = _message(data, version=version, error=level, eci=eci)
    placed = bytes(pick(message + b"\0"))
    unmasked = int.from_bytes(placed, "big") | int.from_bytes(
        b"".join(r.to_bytes(size, "big") for r in function_rows), "big"
    )
    best: tuple[int, int] | None = None
    best_rows: list[bytes] = []
    for k, mask in enumerate(_flat_masks(size)):
        flat = (unmasked ^ mask).to_bytes(size * size, "big")
        rows = [flat[i : i + size] for i in range(0, size * size, size)]
        penalty = score(rows, size)
        if best is None or penalty < best[0]:
            best = (penalty, k)
            best_rows = rows
    assert best is not None
    matrix = tuple(bytearray(row) for row in best_rows)
    encoder.add_format_info(matrix, version, level, best[1])
    encoder.add_version_info(matrix, version)
    segments = encoder.Segments()
    bits = format(int.from_bytes(data, "big"), f"0{8 * len(data)}b").encode("ascii")
    segments.add_segment(
        encoder._Segment(
            bytearray(bits.translate(_BITS)) if data else bytearray(),
            len(data),
            consts.MODE_BYTE,
            name,
        )
    )
    code = encoder.Code(matrix, version, level, best[1], segments)
    qr_code: Any = segno.QRCode
    return qr_code(code)


@functools.cache
def _encoding(encoding: str) -> tuple[str, int | None]:
    """The name segno gives ``encoding``, and its ECI assignment number (None for ISO-8859-1)."""
    encoder = _encoder()
    consts: Any = importlib.import_module("segno.consts")
    name = encoder.prepare_data(b"", encoder.normalize_mode("byte"), encoding)[0].encoding
    if name == consts.DEFAULT_BYTE_ENCODING:
        return name, None
    return name, encoder.get_eci_assignment_number(name)


@functools.cache
def _flat_masks(size: int) -> tuple[int, ...]:
    """Each mask's bits on the encoding region, the whole matrix as one integer."""
    _function, _regions, masks = _layout(size)
    return tuple(int.from_bytes(b"".join(r.to_bytes(size, "big") for r in m), "big") for m in masks)
