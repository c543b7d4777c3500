"""SMS part counting at every boundary, and the split property."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.delivery.sms import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    LetterPolicy,
    SmsEncoding,
    apply_policy,
    encoding_of,
    sms_cost,
    split_parts,
    transliterate,
    units,
)
from szo_core.errors import InvalidType

GSM7 = SmsEncoding.GSM7
UCS2 = SmsEncoding.UCS2


def test_alphabet_sizes_match_ts_23_038() -> None:
    assert len(GSM7_BASIC) == 127  # 128 codes, the escape 0x1B is not a character
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    ("length", "parts", "left"),
    [(1, 1, 159), (159, 1, 1), (160, 1, 0), (161, 2, 145), (306, 2, 0), (307, 3, 152)],
)
def test_gsm7_boundaries(length: int, parts: int, left: int) -> None:
    cost = sms_cost("a" * length)
    assert (cost.encoding, cost.parts, cost.characters_left) == (GSM7, parts, left)


@pytest.mark.parametrize(
    ("length", "parts", "left"),
    [(69, 1, 1), (70, 1, 0), (71, 2, 63), (134, 2, 0), (135, 3, 66)],
)
def test_ucs2_boundaries(length: int, parts: int, left: int) -> None:
    cost = sms_cost("č" * length)
    assert (cost.encoding, cost.parts, cost.characters_left) == (UCS2, parts, left)
    assert cost.ucs2_characters == ("č",)


def test_empty_text_is_no_part() -> None:
    assert sms_cost("").parts == 0
    assert sms_cost("").characters_left == 160
    assert split_parts("") == ()


@pytest.mark.parametrize("letter", ["č", "š", "ž", "Č", "Š", "Ž", "ć", "đ"])
def test_slovenian_letters_force_ucs2(letter: str) -> None:
    assert encoding_of("a" * 50 + letter) is UCS2
    cost = sms_cost("a" * 100 + letter)
    assert cost.parts == 2
    assert cost.ucs2_characters == (letter,)
    assert sms_cost("a" * 100 + letter, transliterate=True).parts == 1


def test_extension_character_counts_two_septets() -> None:
    assert sms_cost("€" * 80) == sms_cost("a" * 160)
    assert sms_cost("a" * 159 + "€").parts == 2  # 161 septets
    assert sms_cost("a" * 158 + "€").parts == 1  # exactly 160
    assert units("[]{}") == 8


def test_extension_character_at_part_edge_is_not_split() -> None:
    text = "a" * 152 + "€" + "b" * 10  # 164 septets; the escape pair would straddle 153
    parts = split_parts(text)
    assert parts == ("a" * 152, "€" + "b" * 10)
    assert sms_cost(text).characters_left == 153 - 12
    # 306 septets that would fill two parts exactly need three because of the edge
    edge = "a" * 152 + "€" + "b" * 152
    assert units(edge) == 306
    assert len(split_parts(edge)) == 3
    assert sms_cost(edge).parts == 3


def test_extension_character_just_fitting_a_part() -> None:
    text = "a" * 151 + "€" + "b" * 10  # the pair ends exactly on septet 153
    assert split_parts(text) == ("a" * 151 + "€", "b" * 10)


def test_emoji_counts_two_code_units() -> None:
    assert units("🙂") == 2
    assert sms_cost("🙂" * 35).parts == 1
    assert sms_cost("🙂" * 35).characters_left == 0
    assert sms_cost("a" * 69 + "🙂").parts == 2  # 71 code units


def test_emoji_at_part_edge_is_not_split() -> None:
    text = "č" * 66 + "🙂" + "x" * 10  # 78 units; the surrogate pair would straddle 67
    parts = split_parts(text)
    assert parts == ("č" * 66, "🙂" + "x" * 10)
    assert sms_cost(text).characters_left == 67 - 12
    assert split_parts("č" * 65 + "🙂" + "x" * 10) == ("č" * 65 + "🙂", "x" * 10)


def test_euro_in_a_ucs2_text_is_one_unit() -> None:
    assert units("€č") == 2
    assert sms_cost("€" * 69 + "č").parts == 1


def test_transliterate_slovenian_and_typography() -> None:
    assert transliterate("čšžćđ ČŠŽĆĐ") == "cszcd CSZCD"
    assert transliterate("„Da“ – ‘ne’…") == "\"Da\" - 'ne'..."
    assert transliterate("é è ä ö ü ñ Ø") == "é è ä ö ü ñ Ø"  # GSM-7's own letters stay
    assert transliterate("ő á ł") == "o a ł"  # ł has no decomposition: kept
    assert transliterate("Привет") == "Привет"


def test_notify_note_example_one_part_when_transliterated() -> None:
    text = (
        "Obvestilo: zadeva 3500-12/2025 je dobila klasifikacijski znak in je bila "
        "dodeljena uradniku. Več: e-uprava"
    )
    assert len(text) == 106
    assert sms_cost(text).parts == 2
    assert sms_cost(text).encoding is UCS2
    assert sms_cost(text, transliterate=True).parts == 1
    assert sms_cost(text, transliterate=True).encoding is GSM7


def test_policy() -> None:
    assert apply_policy("čaj", LetterPolicy.KEEP) == "čaj"
    assert apply_policy("čaj", LetterPolicy.TRANSLITERATE) == "caj"


def test_split_transliterated_joins_to_the_transliterated_text() -> None:
    text = "č" * 200
    assert "".join(split_parts(text, transliterate=True)) == "c" * 200
    assert len(split_parts(text, transliterate=True)) == 2


@pytest.mark.parametrize("bad", [None, 12, b"abc"])
def test_non_string_is_a_type_error(bad: object) -> None:
    with pytest.raises(InvalidType) as info:
        sms_cost(bad)  # type: ignore[arg-type]
    assert info.value.code == "sms.text_type"
    assert info.value.where == "text"


_alphabet = st.sampled_from(
    sorted(GSM7_BASIC) + sorted(GSM7_EXTENSION) + ["č", "š", "ž", "🙂", "𝄞", "—"]
)
_texts = st.one_of(st.text(_alphabet, max_size=700), st.text(max_size=400))


@given(_texts, st.booleans())
def test_parts_never_exceed_limits_and_join_back(text: str, translit: bool) -> None:
    prepared = transliterate(text) if translit else text
    parts = split_parts(text, transliterate=translit)
    cost = sms_cost(text, transliterate=translit)
    assert "".join(parts) == prepared
    assert len(parts) == cost.parts
    assert all(parts)
    encoding = cost.encoding
    assert encoding is encoding_of(prepared)
    limit = encoding.single_limit if len(parts) <= 1 else encoding.part_limit
    assert all(units(p, encoding) <= limit for p in parts)
    assert 0 <= cost.characters_left <= limit
    if parts:
        assert cost.characters_left == limit - units(parts[-1], encoding)
    # greedy: a part ends only where the next character would not fit
    if len(parts) > 1:
        for part, following in itertools.pairwise(parts):
            first = units(following[0], encoding)
            assert units(part, encoding) + first > encoding.part_limit
    # the fewest parts: total units over the part limit, rounded up, never fewer
    total = units(prepared, encoding)
    if total > encoding.single_limit:
        assert len(parts) >= -(-total // encoding.part_limit)
    if encoding is SmsEncoding.GSM7:
        assert all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in prepared)
