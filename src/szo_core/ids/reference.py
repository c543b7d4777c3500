"""Payment references (*sklic*): the Slovenian models SI00 ... SI99 and RF (ISO 11649).

A reference tells the payee which debt a payment settles.  On the UPN form it is
printed as a model and a reference in two boxes (``SI12`` ``1234567890120``); in
the UPN QR code and in SEPA files the two are joined without a space
(``SI121234567890120``).  Two families exist:

* **SI models** (rules of the Bank Association of Slovenia, ZBS, *Pravila za
  oblikovanje in uporabo standardiziranih referenc*, v1.4, 2023): ``SI`` + a
  two-digit model + up to three numeric parts ``P1-P2-P3``.  The model says which
  parts carry a mod 11 check digit K.  No library implements them, so this module
  does (see :data:`MODELS` for the table).
* **RF** creditor references (ISO 11649): ``RF`` + two check digits (ISO 7064
  MOD 97-10, computed with :mod:`stdnum.iso7064.mod_97_10`) + 1 to 21 letters
  or digits.

The functions follow python-stdnum's shape: :func:`compact`, :func:`validate`
(returns the compact form or raises a :class:`szo_core.errors.ValidationError`),
:func:`is_valid` (never raises), :func:`format`, plus :func:`mod11`,
:func:`make`, :func:`make_rf` and :func:`parse`.

Example:
    >>> from szo_core.ids import reference
    >>> reference.validate("SI12 1234567890120")
    'SI121234567890120'
    >>> reference.make("SI12", "2026104")
    'SI120000020261047'
    >>> reference.format("rf45sbo2010")
    'RF45 SBO2 010'
    >>> reference.is_valid("SI12 1234567890121")
    False

Error codes (all subclasses of :class:`ValueError`):

* ``reference.model``: the prefix is not ``RF`` or a known SI model;
* ``reference.format``: a character or a structure that is not allowed (empty
  parts, leading zeros in P2/P3, letters in an SI reference, ...);
* ``reference.length``: too many or too few digits (a part, all parts, model
  12's 13 digits, a checked group longer than the 12 digits mod 11 is defined for);
* ``reference.parts``: the wrong number of parts for the model;
* ``reference.checksum``: a check digit does not match; ``where`` names the
  part or group (``"P2"``, ``"P1-P2"``, ``"RF"``).

Messages never repeat the reference, since a reference can embed a payer code
or (model 19) a tax number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from operator import mul
from types import MappingProxyType
from typing import Literal, NoReturn

import attrs
from stdnum.iso7064 import mod_97_10

from szo_core.errors import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

__all__ = [
    "MODELS",
    "CheckMethod",
    "ModelSpec",
    "Reference",
    "compact",
    "format",
    "is_valid",
    "make",
    "make_rf",
    "mod11",
    "parse",
    "validate",
]

# Limits of the ZBS rules v1.4, section 2.1-2.2 (as quoted in upn.md section 3).
_MAX_PART_DIGITS = 12
_MODEL_12_DIGITS = 13
_MAX_TOTAL_DIGITS = 20
_MAX_PARTS = 3
# Priloga 3: the weights run 2..13 from the right, so at most 12 data digits.
_MAX_WEIGHTED_DIGITS = 12
# ISO 11649: RF, 2 check digits, then 1..21 characters (25 in all).
_RF_MAX_BODY = 21

CheckMethod = Literal["mod11", "iso11649", "none"]
"""The check-digit method of a model."""


@attrs.frozen(kw_only=True)
class ModelSpec:
    """One model of the reference rules: its structure and which parts are checked.

    Part numbers are 1-based (``1`` is P1).  A checked group such as ``(1, 2)``
    (written ``(P1-P2)K``) has one check digit K, the last digit of its last part,
    computed over all digits of the group without hyphens.  When a reference has
    fewer parts than the model allows, a group covers only the parts present.

    Attributes:
        code: ``"SI00"`` ... ``"SI99"`` or ``"RF"``.
        structure: The structure as the rules write it, e.g. ``"(P1)K-P2-P3"``.
        min_parts: Parts required.
        max_parts: Parts allowed.
        checked: The groups whose check digit :func:`validate` verifies.
        disputed: Groups whose check digit the sources disagree about (models 21
            and 31): :func:`validate` does not verify them, :func:`make` computes
            them so that what it builds is valid under either reading.
        check: ``"mod11"``, ``"iso11649"`` (RF) or ``"none"`` (SI00, SI99).
        part_digits: The most digits one part may have (13 for model 12; for RF
            the most characters of the body).
        notes: What the model is for and any caveat, in English.

    Example:
        >>> MODELS["SI08"].checked
        ((1, 2), (3,))
        >>> MODELS["SI12"].structure
        '(P1)K'
    """

    code: str
    structure: str
    min_parts: int
    max_parts: int
    checked: tuple[tuple[int, ...], ...] = ()
    disputed: tuple[tuple[int, ...], ...] = ()
    check: CheckMethod = "mod11"
    part_digits: int = _MAX_PART_DIGITS
    notes: str = ""


_DISPUTED_NOTE = (
    "Sources disagree about a check digit on P2: the older ZBS listing writes (P1)K-(P2)K, "
    "the v1.4 table and the 2016 rules text write (P1)K-P2, the v1.4 prose lists the model "
    "among those with both P1 and P2 checked. validate() checks P1 only; make() also appends "
    "a check digit to P2, so what it builds passes either reading."
)
_PUBLIC_REVENUE = "Public revenues (MF/UJP rulebook on sub-accounts, Art. 6)."
_SPECIAL = "Special and public-revenue uses."


def _spec(
    number: str,
    structure: str,
    min_parts: int,
    max_parts: int,
    checked: tuple[tuple[int, ...], ...],
    notes: str = "",
    **extra: tuple[tuple[int, ...], ...] | int | str,
) -> ModelSpec:
    check: CheckMethod = "mod11" if checked else "none"
    return ModelSpec(
        code=f"SI{number}",
        structure=structure,
        min_parts=min_parts,
        max_parts=max_parts,
        checked=checked,
        check=check,
        notes=notes,
        **extra,  # type: ignore[arg-type]
    )


_P1K_P2K_P3 = "(P1)K-(P2)K-P3"
_C1 = ((1,),)
_C12 = ((1,), (2,))

MODELS: Mapping[str, ModelSpec] = MappingProxyType(
    {
        spec.code: spec
        for spec in (
            _spec("00", "P1-P2-P3", 1, 3, (), "No check digit at all: typos are not caught."),
            _spec("01", "(P1-P2-P3)K", 1, 3, ((1, 2, 3),), "One check digit over all parts."),
            _spec("02", "P1-(P2)K-(P3)K", 3, 3, ((2,), (3,))),
            _spec("03", "(P1)K-(P2)K-(P3)K", 3, 3, ((1,), (2,), (3,))),
            _spec("04", "(P1)K-P2-(P3)K", 3, 3, ((1,), (3,))),
            _spec("05", "(P1)K-P2-P3", 1, 3, _C1),
            _spec("06", "P1-(P2-P3)K", 2, 3, ((2, 3),)),
            _spec("07", "P1-(P2)K-P3", 2, 3, ((2,),)),
            _spec("08", "(P1-P2)K-(P3)K", 3, 3, ((1, 2), (3,))),
            _spec("09", "(P1-P2)K-P3", 1, 3, ((1, 2),), _PUBLIC_REVENUE),
            _spec("10", "(P1)K-(P2-P3)K", 2, 3, ((1,), (2, 3))),
            _spec("11", _P1K_P2K_P3, 2, 3, _C12, _PUBLIC_REVENUE),
            _spec(
                "12",
                "(P1)K",
                1,
                1,
                _C1,
                "Exactly 13 digits including K; shorter data is padded with leading zeros. "
                "The model of the old UPN OCR line; the default for kindergartens.",
                part_digits=_MODEL_12_DIGITS,
            ),
            _spec("18", _P1K_P2K_P3, 2, 3, _C12),
            _spec("19", _P1K_P2K_P3, 2, 3, _C12, _PUBLIC_REVENUE + " P1 is a tax number."),
            _spec("21", "(P1)K-P2", 2, 2, _C1, _DISPUTED_NOTE, disputed=((2,),)),
            _spec("22", "(P1)K-P2", 2, 2, _C1, "FURS SEPA direct debits only."),
            _spec("23", "(P1)K-(P2)K", 2, 2, _C12),
            _spec("28", _P1K_P2K_P3, 2, 3, _C12),
            _spec("31", "(P1)K-P2", 2, 2, _C1, _DISPUTED_NOTE, disputed=((2,),)),
            _spec("32", "(P1)K-P2", 2, 2, _C1, "FURS SEPA direct debits only."),
            _spec("38", _P1K_P2K_P3, 2, 3, _C12, _SPECIAL),
            _spec("40", _P1K_P2K_P3, 2, 3, _C12, _SPECIAL),
            _spec("41", _P1K_P2K_P3, 2, 3, _C12, _SPECIAL),
            _spec("48", _P1K_P2K_P3, 2, 3, _C12, _SPECIAL),
            _spec("49", _P1K_P2K_P3, 2, 3, _C12, _SPECIAL),
            _spec("51", _P1K_P2K_P3, 2, 3, _C12, _SPECIAL),
            _spec("55", "(P1)K-P2-P3", 1, 3, _C1),
            _spec("58", _P1K_P2K_P3, 2, 3, _C12, "Single treasury account liquidity only."),
            _spec(
                "99",
                "",
                0,
                0,
                (),
                "No reference: written as SI99 alone. Not for a registered issuer.",
            ),
            ModelSpec(
                code="RF",
                structure="RFkk + 1-21 letters or digits",
                min_parts=1,
                max_parts=1,
                check="iso11649",
                part_digits=_RF_MAX_BODY,
                notes="ISO 11649 creditor reference; check digits ISO 7064 MOD 97-10.",
            ),
        )
    }
)
"""Every model of the ZBS rules v1.4 and RF, by code (read-only).

Example:
    >>> len(MODELS), "SI12" in MODELS, "RF" in MODELS
    (31, True, True)
    >>> MODELS["SI05"].min_parts, MODELS["SI05"].max_parts
    (1, 3)
"""


# --------------------------------------------------------------------------- errors


def _format_error(sl: str, en: str, where: str | None = None) -> InvalidFormat:
    return InvalidFormat("reference.format", sl=sl, en=en, where=where)


def _length_error(sl: str, en: str, where: str | None = None) -> InvalidLength:
    return InvalidLength("reference.length", sl=sl, en=en, where=where)


# "zahteva natanko ..." (accusative: singular, dual, plural) and English.
_EXACT_PARTS = {1: ("en del", "1 part"), 2: ("dva dela", "2 parts"), 3: ("tri dele", "3 parts")}


def _parts_error(spec: ModelSpec, where: str | None = None) -> InvalidFormat:
    low, high = spec.min_parts, spec.max_parts
    if spec.code == "SI99":
        sl = "Model SI99 je brez sklica: zapiše se le SI99."
        en = "Model SI99 has no reference: write SI99 alone."
    elif low == high:
        sl_count, en_count = _EXACT_PARTS[low]
        sl = f"Model {spec.code} zahteva natanko {sl_count} sklica ({spec.structure})."
        en = f"Model {spec.code} takes exactly {en_count} ({spec.structure})."
    else:
        sl = f"Model {spec.code} zahteva od {low} do {high} delov sklica ({spec.structure})."
        en = f"Model {spec.code} takes {low} to {high} parts ({spec.structure})."
    return InvalidFormat("reference.parts", sl=sl, en=en, where=where)


def _model_error() -> InvalidFormat:
    return InvalidFormat(
        "reference.model",
        sl="Neznan model sklica: sklic se začne z SI in dvomestnim modelom (npr. SI12) ali z RF.",
        en="Unknown reference model: a reference starts with SI and a two-digit model "
        "(e.g. SI12) or with RF.",
        where="model",
    )


def _not_text() -> InvalidFormat:
    return _format_error("Sklic mora biti besedilo.", "The reference must be text.")


def _checksum_error(where: str) -> InvalidChecksum:
    return InvalidChecksum(
        "reference.checksum",
        sl="Kontrolna številka sklica ni pravilna.",
        en="The check digit of the reference is wrong.",
        where=where,
    )


# --------------------------------------------------------------------------- mod 11

_WEIGHTS = tuple(range(2, 2 + _MAX_WEIGHTED_DIGITS))
# The weights for n digits read left to right: (n + 1, ..., 3, 2).
_WEIGHTS_BY_LENGTH = tuple(_WEIGHTS[:n][::-1] for n in range(_MAX_WEIGHTED_DIGITS + 1))
# sum(ord(c) * w) - 48 * sum(w) == sum(int(c) * w): lets the hot path work on bytes.
_ASCII_ZERO_OFFSET = tuple(48 * sum(_WEIGHTS[:n]) for n in range(_MAX_WEIGHTED_DIGITS + 1))
# K = 11 - r, and 10 or 11 become 0: indexed by r = sum mod 11.
_K_BY_REMAINDER = "00987654321"


def _remainder(data: str) -> int:
    """Weighted sum mod 11 of 1..12 ASCII digits (not checked here)."""
    size = len(data)
    total: int = sum(map(mul, data.encode(), _WEIGHTS_BY_LENGTH[size]))
    return (total - _ASCII_ZERO_OFFSET[size]) % 11


def mod11(digits: str) -> str:
    """Return the mod 11 check digit K of a string of 1 to 12 data digits.

    Weights 2, 3, ..., 13 run from the rightmost digit leftwards; ``K = 11 - (sum
    mod 11)``, and a result of 10 or 11 gives ``0`` (ZBS rules, Priloga 3).  The
    rules define weights for 12 digits only, so longer input is refused rather
    than guessed.

    Args:
        digits: The data digits covered by the check, without hyphens.

    Returns:
        The check digit, one character ``"0"`` ... ``"9"``.

    Raises:
        InvalidFormat: ``reference.format`` if ``digits`` is not ASCII digits.
        InvalidLength: ``reference.length`` if it is empty or longer than 12.

    Example:
        >>> mod11("102674")  # 4*2+7*3+6*4+2*5+0*6+1*7 = 70; 70 mod 11 = 4; 11-4 = 7
        '7'
        >>> mod11("54")  # 4*2+5*3 = 23; r = 1; 11-1 = 10 -> 0
        '0'
    """
    if not isinstance(digits, str) or (digits and not (digits.isascii() and digits.isdigit())):
        raise _format_error(
            "Kontrolno številko po modulu 11 je mogoče izračunati le iz števk.",
            "A mod 11 check digit can only be computed from digits.",
        )
    if not 1 <= len(digits) <= _MAX_WEIGHTED_DIGITS:
        raise _group_length_error(len(digits), "digits")
    return _K_BY_REMAINDER[_remainder(digits)]


def _group_length_error(data_digits: int, where: str) -> InvalidLength:
    if data_digits < 1:
        return _length_error(
            "Pred kontrolno številko mora biti vsaj ena števka.",
            "At least one digit must come before the check digit.",
            where,
        )
    return _length_error(
        "Kontrolna številka po modulu 11 je določena za največ 12 števk; ta skupina jih ima več.",
        "The mod 11 check digit is defined for at most 12 digits; this group has more.",
        where,
    )


# --------------------------------------------------------------------------- rules


@attrs.frozen
class _Rule:
    """The precomputed checks of one SI model."""

    spec: ModelSpec
    # groups_by_count[n] = ((0-based part indexes, label), ...) for n parts present.
    groups_by_count: tuple[tuple[tuple[tuple[int, ...], str], ...], ...]
    make_groups_by_count: tuple[tuple[tuple[tuple[int, ...], str], ...], ...]
    # Matches exactly the contents with an allowed number of parts, part lengths and
    # no leading zeros in P2/P3; what it refuses goes to the slow path that says why.
    shape: re.Pattern[str]


def _groups_for(
    groups: tuple[tuple[int, ...], ...], count: int
) -> tuple[tuple[tuple[int, ...], str], ...]:
    out = []
    for group in groups:
        present = tuple(part - 1 for part in group if part <= count)
        if present:
            out.append((present, "-".join(f"P{i + 1}" for i in present)))
    return tuple(out)


def _shape(spec: ModelSpec) -> re.Pattern[str]:
    if not spec.max_parts:
        return re.compile("")
    if spec.part_digits == _MODEL_12_DIGITS:
        return re.compile(f"[0-9]{{{_MODEL_12_DIGITS}}}")
    later = f"-(?:0|[1-9][0-9]{{0,{spec.part_digits - 1}}})"
    pattern = ""
    for index in range(spec.max_parts, 0, -1):
        part = f"[0-9]{{1,{spec.part_digits}}}" if index == 1 else later
        pattern = part + pattern if index <= spec.min_parts else f"(?:{part}{pattern})?"
    return re.compile(pattern)


def _rule(spec: ModelSpec) -> _Rule:
    made = tuple(sorted(spec.checked + spec.disputed))
    return _Rule(
        spec=spec,
        groups_by_count=tuple(_groups_for(spec.checked, n) for n in range(_MAX_PARTS + 1)),
        make_groups_by_count=tuple(_groups_for(made, n) for n in range(_MAX_PARTS + 1)),
        shape=_shape(spec),
    )


_SI_RULES: dict[str, _Rule] = {code: _rule(s) for code, s in MODELS.items() if code != "RF"}

_SI_CONTENT = re.compile(r"[0-9]+(?:-[0-9]+)*")
_SI_CHARS = re.compile(r"[0-9-]*")
_RF_SHAPE = re.compile(r"RF([0-9]{2})([0-9A-Z]{1,21})")
_RF_BODY = re.compile(r"[0-9A-Z]+")


# --------------------------------------------------------------------------- core


def _compact(number: object) -> str:
    if not isinstance(number, str):
        raise _not_text()
    number = number.replace(" ", "").strip()
    if number.isascii():
        return number.upper()
    # A no-break space (pasted from a PDF) goes like a space; anything else non-ASCII
    # stays as it is, so that validate() refuses it (``"ß".upper()`` would be "SS").
    number = number.replace("\u00a0", "").strip()
    return number.upper() if number.isascii() else number


def compact(number: str) -> str:
    """Return the compact form: upper case, spaces removed, model and reference joined.

    Hyphens inside an SI reference are kept: they separate its parts.  No check
    is made; use :func:`validate` for that.

    Args:
        number: The reference as typed or printed.

    Returns:
        The reference without spaces, in upper case.

    Raises:
        InvalidFormat: ``reference.format`` if ``number`` is not a string.

    Example:
        >>> compact("SI12 1234567890120")
        'SI121234567890120'
        >>> compact("rf45 sbo2 010")
        'RF45SBO2010'
    """
    return _compact(number)


def _split_si(number: str) -> tuple[_Rule, list[str]]:
    """Check an SI reference in compact form; return its rule and its parts."""
    rule = _SI_RULES.get(number[:4])
    if rule is None:
        raise _model_error()
    content = number[4:]
    if rule.shape.fullmatch(content) is None:
        _explain_si(rule.spec, content)  # always raises
    parts = content.split("-")
    count = len(parts)
    if len(content) - count + 1 > _MAX_TOTAL_DIGITS:
        raise _length_error(
            "Sklic ima lahko skupaj največ 20 števk.",
            "A reference has at most 20 digits in all.",
        )
    for indexes, label in rule.groups_by_count[count]:
        digits = parts[indexes[0]] if len(indexes) == 1 else "".join(parts[i] for i in indexes)
        size = len(digits) - 1
        if not 1 <= size <= _MAX_WEIGHTED_DIGITS:
            raise _group_length_error(size, label)
        if _K_BY_REMAINDER[_remainder(digits[:-1])] != digits[-1]:
            raise _checksum_error(label)
    return rule, parts if content else []


def _explain_si(spec: ModelSpec, content: str) -> NoReturn:
    """Raise the error that says why ``content`` does not fit the model's shape."""
    if not content or not spec.max_parts:
        raise _parts_error(spec)
    if _SI_CONTENT.fullmatch(content) is None:
        if _SI_CHARS.fullmatch(content) is None:
            raise _format_error(
                "Sklic po modelu SI vsebuje le števke in vezaje.",
                "An SI reference contains only digits and hyphens.",
            )
        raise _format_error(
            "Del sklica je prazen (odvečen vezaj).",
            "A part of the reference is empty (a stray hyphen).",
        )
    parts = content.split("-")
    if not spec.min_parts <= len(parts) <= spec.max_parts:
        raise _parts_error(spec)
    for index, part in enumerate(parts):
        if len(part) > spec.part_digits:
            raise _length_error(
                f"Del sklica ima lahko največ {spec.part_digits} števk.",
                f"A part of the reference has at most {spec.part_digits} digits.",
                f"P{index + 1}",
            )
        if index and len(part) > 1 and part[0] == "0":
            raise _format_error(
                "Dela P2 in P3 se pišeta brez vodilnih ničel.",
                "P2 and P3 are written without leading zeros.",
                f"P{index + 1}",
            )
    raise _length_error(  # model 12: the only shape left that the pattern refuses
        "Sklic po modelu SI12 ima natanko 13 števk s kontrolno številko; "
        "krajše podatke dopolnite z vodilnimi ničlami.",
        "A model SI12 reference has exactly 13 digits including the check digit; "
        "pad shorter data with leading zeros.",
        "P1",
    )


def _check_rf(number: str) -> None:
    """Check an RF reference in compact form."""
    match = _RF_SHAPE.fullmatch(number)
    if match is None:
        body = number[4:]
        if not number[2:4].isdigit() or not number[2:4].isascii():
            raise _format_error(
                "Za RF sledita dve kontrolni števki.",
                "RF is followed by two check digits.",
                "RF",
            )
        if body and _RF_BODY.fullmatch(body) is None:
            raise _format_error(
                "Sklic RF vsebuje za kontrolnima številkama le črke A–Z in števke.",
                "After its check digits an RF reference has only letters A–Z and digits.",
            )
        raise _length_error(
            "Sklic RF ima za kontrolnima številkama od 1 do 21 znakov.",
            "An RF reference has 1 to 21 characters after its check digits.",
        )
    check = match.group(1)
    # ISO 7064 MOD 97-10 check digits are 02..98; 00, 01 and 99 would alias 97, 98, 02.
    if check in ("00", "01", "99") or mod_97_10.checksum(match.group(2) + "RF" + check) != 1:
        raise _checksum_error("RF")


def validate(number: str) -> str:
    """Check a reference (SI model or RF) and return its compact form.

    Args:
        number: The reference, with or without spaces, e.g. ``"SI12 1234567890120"``.

    Returns:
        The compact form, e.g. ``"SI121234567890120"``: what goes into the UPN QR.

    Raises:
        InvalidFormat: ``reference.model``, ``reference.format`` or ``reference.parts``.
        InvalidLength: ``reference.length``.
        InvalidChecksum: ``reference.checksum``; ``where`` names the part or group.

    Example:
        >>> validate("SI08 1236-17-345679")
        'SI081236-17-345679'
        >>> validate("SI08 1236-17-345678")
        Traceback (most recent call last):
        ...
        szo_core.errors.InvalidChecksum: reference.checksum: ... (P3)
    """
    number = _compact(number)
    if number[:2] == "RF":
        _check_rf(number)
    elif number:
        _split_si(number)
    else:
        raise _format_error("Sklic je prazen.", "The reference is empty.")
    return number


def is_valid(number: object) -> bool:
    """Return whether ``number`` is a valid reference; never raises.

    Args:
        number: Anything; only a string can be valid.

    Returns:
        ``True`` if :func:`validate` would accept it.

    Example:
        >>> is_valid("RF18 5390 0754 7034"), is_valid("SI12 1234567890121"), is_valid(None)
        (True, False, False)
    """
    try:
        validate(number)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def format(number: str) -> str:
    """Return the printed form: ``SI12 1234567890120``, or RF in groups of four.

    Args:
        number: A reference in any accepted form.

    Returns:
        The SI model, a space and the reference; or the RF reference in groups of 4.

    Raises:
        ValidationError: If the reference is not valid.

    Example:
        >>> format("SI121234567890120")
        'SI12 1234567890120'
        >>> format("RF81352ADD05899")
        'RF81 352A DD05 899'
    """
    number = validate(number)
    if number[:2] == "RF":
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    if len(number) == 4:
        return number
    return f"{number[:4]} {number[4:]}"


# --------------------------------------------------------------------------- make


def _part_text(part: object, index: int) -> str:
    where = f"P{index + 1}"
    if isinstance(part, bool):
        raise _format_error(
            "Del sklica je število ali niz števk.",
            "A part of a reference is a number or a string of digits.",
            where,
        )
    if isinstance(part, int):
        part = str(part)
    if not isinstance(part, str) or not (part.isascii() and part.isdigit()):
        raise _format_error(
            "Del sklica sme vsebovati le števke.",
            "A part of a reference may contain only digits.",
            where,
        )
    return part


def make(model: str, *parts: str | int) -> str:
    """Build a valid compact reference, computing every check digit the model requires.

    Give the parts *without* their check digits.  For a checked group the check
    digit is appended to the last part of the group; for ``(P1-P2)K`` that is P2.
    Model 12 pads its data to 12 digits with leading zeros, then appends K.  For
    models 21 and 31 a check digit is appended to P2 as well (see :data:`MODELS`).
    ``make("RF", body)`` is :func:`make_rf`.

    Args:
        model: ``"SI12"`` or ``"12"`` (any SI model in :data:`MODELS`), or ``"RF"``.
        *parts: P1, P2, P3 as digit strings or non-negative ints.

    Returns:
        The compact reference, e.g. ``"SI120000020261047"``.

    Raises:
        InvalidFormat: ``reference.model`` for an unknown model, ``reference.parts``
            for the wrong number of parts (SI99 takes none), ``reference.format``
            for non-digits or leading zeros in P2/P3.
        InvalidLength: ``reference.length`` if a part, a checked group or the
            whole reference would have too many digits.

    Example:
        >>> make("SI12", "2026104")  # 000002026104: sum 70, r = 4, K = 11 - 4 = 7
        'SI120000020261047'
        >>> make("08", 1236, 1, 34567)
        'SI081236-17-345679'
        >>> make("SI99")
        'SI99'
    """
    code = _compact(model)
    if code == "RF":
        if len(parts) != 1:
            raise _parts_error(MODELS["RF"])
        body = parts[0]
        return make_rf(_part_text(body, 0) if isinstance(body, int) else body)
    if len(code) == 2:
        code = "SI" + code
    rule = _SI_RULES.get(code)
    if rule is None:
        raise _model_error()
    spec = rule.spec
    if not spec.min_parts <= len(parts) <= spec.max_parts:
        raise _parts_error(spec)
    built = [_part_text(part, index) for index, part in enumerate(parts)]
    if spec.part_digits == _MODEL_12_DIGITS and built:
        if len(built[0]) > _MAX_WEIGHTED_DIGITS:
            raise _length_error(
                "Model SI12 sprejme največ 12 števk pred kontrolno številko.",
                "Model SI12 takes at most 12 digits before its check digit.",
                "P1",
            )
        built[0] = built[0].zfill(_MAX_WEIGHTED_DIGITS)
    for indexes, label in rule.make_groups_by_count[len(built)]:
        data = "".join(built[i] for i in indexes)
        if len(data) > _MAX_WEIGHTED_DIGITS:
            raise _group_length_error(len(data), label)
        built[indexes[-1]] += _K_BY_REMAINDER[_remainder(data)]
    return validate(code + "-".join(built))


def make_rf(body: str) -> str:
    """Build an RF creditor reference (ISO 11649) from its body.

    The check digits are ISO 7064 MOD 97-10 over ``body + "RF"``, computed with
    :func:`stdnum.iso7064.mod_97_10.calc_check_digits`.

    Args:
        body: 1 to 21 letters A-Z or digits (spaces ignored, lower case accepted).

    Returns:
        The compact reference, e.g. ``"RF45SBO2010"``.

    Raises:
        InvalidFormat: ``reference.format`` for other characters.
        InvalidLength: ``reference.length`` for an empty or too long body.

    Example:
        >>> make_rf("SBO2010")
        'RF45SBO2010'
        >>> make_rf("2348231")
        'RF712348231'
    """
    text = _compact(body)
    if text and (not text.isascii() or _RF_BODY.fullmatch(text) is None):
        raise _format_error(
            "Sklic RF vsebuje le črke A–Z in števke.",
            "An RF reference has only letters A–Z and digits.",
        )
    if not 1 <= len(text) <= _RF_MAX_BODY:
        raise _length_error(
            "Sklic RF ima za kontrolnima številkama od 1 do 21 znakov.",
            "An RF reference has 1 to 21 characters after its check digits.",
        )
    return "RF" + mod_97_10.calc_check_digits(text + "RF") + text


# --------------------------------------------------------------------------- parse


@attrs.frozen(kw_only=True, repr=False)
class Reference:
    """A parsed, valid reference; build it with :func:`parse`.

    Constructing one directly (or with ``attrs.evolve``) checks that the fields
    make a valid reference and agree with each other, and raises
    :class:`~szo_core.errors.InvalidFormat` or the error of :func:`validate` if not.

    Attributes:
        model: ``"SI00"`` ... ``"SI99"`` or ``"RF"``.
        parts: The parts as written, check digits included (``()`` for SI99,
            the body for RF).
        check_digits: For SI, one digit per verified group in model order; for RF
            the two ISO 11649 digits.

    Example:
        >>> ref = parse("SI08 1236-17-345679")
        >>> ref.parts, ref.check_digits
        (('1236', '17', '345679'), ('7', '9'))
        >>> ref
        Reference(model='SI08', parts=<3 parts>)
    """

    model: str
    parts: tuple[str, ...]
    check_digits: tuple[str, ...]

    def __attrs_post_init__(self) -> None:
        if not (
            isinstance(self.parts, tuple)
            and isinstance(self.check_digits, tuple)
            and all(
                isinstance(field, str) for field in (self.model, *self.parts, *self.check_digits)
            )
        ):
            raise _format_error(
                "Model, deli in kontrolne številke sklica so nizi.",
                "The model, parts and check digits of a reference are strings.",
            )
        if _components(validate(self.compact)) != (self.model, self.parts, self.check_digits):
            raise _format_error(
                "Model, deli in kontrolne številke sklica se ne ujemajo.",
                "The model, parts and check digits of the reference do not match.",
            )

    @property
    def spec(self) -> ModelSpec:
        """The model's :class:`ModelSpec`.

        Example:
            >>> parse("SI12 1234567890120").spec.structure
            '(P1)K'
        """
        return MODELS[self.model]

    @property
    def is_rf(self) -> bool:
        """Whether this is an ISO 11649 RF reference.

        Example:
            >>> parse("RF45SBO2010").is_rf
            True
        """
        return self.model == "RF"

    @property
    def compact(self) -> str:
        """The compact form, as written in the UPN QR code.

        Example:
            >>> parse("SI05 19-1235-84503").compact
            'SI0519-1235-84503'
        """
        if self.model == "RF":
            return "RF" + "".join(self.check_digits) + "".join(self.parts)
        return self.model + "-".join(self.parts)

    @property
    def formatted(self) -> str:
        """The printed form (see :func:`format`).

        Example:
            >>> parse("SI121234567890120").formatted
            'SI12 1234567890120'
        """
        return format(self.compact)

    @property
    def discouraged(self) -> bool:
        """Whether a check digit comes from a sum divisible by 11.

        The rules (Priloga 3) call such a K "not recommended": choose another
        number if you can.

        Example:
            >>> parse("SI12 1234567890120").discouraged  # sum 352 = 32 * 11
            True
            >>> parse("SI12 1033842574531").discouraged
            False
        """
        if self.model == "RF":
            return False
        rule = _SI_RULES[self.model]
        for indexes, _label in rule.groups_by_count[len(self.parts)]:
            digits = "".join(self.parts[i] for i in indexes)
            if _remainder(digits[:-1]) == 0:
                return True
        return False

    def __str__(self) -> str:
        return self.compact

    def __repr__(self) -> str:
        # The parts may hold a payer code or a tax number (SI19): keep them out of repr().
        count = len(self.parts)
        return f"Reference(model={self.model!r}, parts=<{count} part{'' if count == 1 else 's'}>)"


def parse(number: str) -> Reference:
    """Validate a reference and split it into model, parts and check digits.

    Args:
        number: A reference in any accepted form.

    Returns:
        A :class:`Reference`.

    Raises:
        ValidationError: As :func:`validate`.

    Example:
        >>> ref = parse("rf45 sbo2 010")
        >>> ref.model, ref.parts, ref.check_digits
        ('RF', ('SBO2010',), ('45',))
        >>> parse("SI99").parts
        ()
    """
    text = validate(number)
    model, parts, checks = _components(text)
    return Reference(model=model, parts=parts, check_digits=checks)


def _components(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Model, parts and check digits of a reference already in valid compact form."""
    if text[:2] == "RF":
        return "RF", (text[4:],), (text[2:4],)
    rule, parts = _split_si(text)
    checks = tuple(parts[indexes[-1]][-1] for indexes, _ in rule.groups_by_count[len(parts)])
    return rule.spec.code, tuple(parts), checks
