"""EMŠO, the Slovenian personal registration number (enotna matična številka občana).

An EMŠO has 13 digits ``DDMMLLLRRZZZK``: the birth date (day, month, last three
digits of the year), the register code ``RR`` (``50`` for Slovenia), a serial
``ZZZ`` (000-499 men, 500-999 women) and a mod 11 check digit ``K``.

This module wraps :mod:`stdnum.si.emso` (its check-digit function) and adds the
checks python-stdnum leaves out.

Decisions (the sources are in ``docs/identifiers.md``):

* **Year:** a 3-digit year below 800 means 2000+, otherwise 1000+, as in
  python-stdnum. So ``make()`` can encode 1800-1999 and 2000-2799.
* **"Remainder 1" serials are invalid.** The check digit is
  ``K = 11 - (S mod 11)`` over the weights 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2,
  and ``S mod 11 == 0`` gives ``K = 0``. ``S mod 11 == 1`` would give 10, which
  is not a digit. The government decree (*Uredba o načinu določanja osebne
  identifikacijske številke*, Uradni list RS 8/1999, art. 3 and 4) builds the
  serial from the register of assigned numbers and notes that some serials and
  check digits are missing from it. The JMBG control rule used in the other
  successor states says the same: "ako je ostatak 1 ... matični broj je pogrešan".
  Such serials are skipped, not written with 0. python-stdnum maps 10 to ``0``
  and accepts these numbers; szo_core rejects them with code ``emso.checksum``.
  Pass ``allow_legacy_zero=True`` to accept a number that some old system wrote
  with ``0``.
* **Register:** any two digits are accepted by default, because foreigners and
  people from other successor states hold EMŠOs with other codes.
  ``slovenian_only=True`` allows only 50-59, the range the JMBG scheme gives
  Slovenia (50 is the code in use; a 2024 press report of 51-59 being opened
  could not be confirmed from a primary source, so the whole range is allowed).
* **Sex:** the serial range gives the sex recorded at assignment. It is checked
  only if you pass ``sex=`` (``emso.sex``).
* **Future birth dates** are rejected only when you pass ``as_of=``
  (``emso.future_date``). The engine never reads the clock itself.

``mask()`` keeps only the last three digits: the last two serial digits and the
check digit. These show neither the birth date, the register nor the sex.

>>> number = make(date(2019, 5, 17), Sex.FEMALE)
>>> number
'1705019505003'
>>> validate(number)
'1705019505003'
>>> mask(number)
'**********003'
>>> parse(number).register_name
'Slovenija'
"""

from __future__ import annotations

import enum
from datetime import date

import attrs
from stdnum.si import emso as _stdnum_emso

from szo_core.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

__all__ = [
    "EmsoInfo",
    "Sex",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "make",
    "mask",
    "parse",
    "register_name",
    "validate",
]


class Sex(enum.StrEnum):
    """Sex as recorded in the EMŠO serial (000-499 male, 500-999 female)."""

    MALE = "M"
    FEMALE = "F"


_WHERE = "emso"
_WEIGHTS = (7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Register codes (RR) of the EMŠO/JMBG, with Slovenian names.  Sources: Uradni list RS
# 8/1999 (art. 3: "šifra 50"), the JMBG range 50-59 for Slovenia, and the
# published JMBG region tables (sl.wikipedia "Enotna matična številka občana", the
# table used by public JMBG validators).  Codes a table does not name get the name of
# their range.
_RANGE_NAMES = {
    "0": "tujci",
    "1": "Bosna in Hercegovina",
    "2": "Črna gora",
    "3": "Hrvaška",
    "4": "Makedonija",
    "5": "Slovenija",
    "6": "državljani z začasnim prebivališčem",
    "7": "ožja Srbija",
    "8": "Vojvodina",
    "9": "Kosovo",
}
_REGISTER_NAMES = {
    "01": "tujci v Bosni in Hercegovini",
    "02": "tujci v Črni gori",
    "03": "tujci na Hrvaškem",
    "04": "tujci v Makedoniji",
    "05": "tujci v Sloveniji",
    "07": "tujci v ožji Srbiji",
    "08": "tujci v Vojvodini",
    "09": "tujci na Kosovu",
    "10": "Bosna in Hercegovina – Banja Luka",
    "11": "Bosna in Hercegovina – Bihać",
    "12": "Bosna in Hercegovina – Doboj",
    "13": "Bosna in Hercegovina – Goražde",
    "14": "Bosna in Hercegovina – Livno",
    "15": "Bosna in Hercegovina – Mostar",
    "16": "Bosna in Hercegovina – Prijedor",
    "17": "Bosna in Hercegovina – Sarajevo",
    "18": "Bosna in Hercegovina – Tuzla",
    "19": "Bosna in Hercegovina – Zenica",
    "21": "Črna gora – Podgorica",
    "26": "Črna gora – Nikšić",
    "29": "Črna gora – Pljevlja",
    "30": "Hrvaška – Osijek, Slavonija",
    "31": "Hrvaška – Bjelovar, Virovitica, Koprivnica, Pakrac, Podravina",
    "32": "Hrvaška – Varaždin, Međimurje",
    "33": "Hrvaška – Zagreb",
    "34": "Hrvaška – Karlovac",
    "35": "Hrvaška – Gospić, Lika",
    "36": "Hrvaška – Rijeka, Pula, Istra, Primorje",
    "37": "Hrvaška – Sisak, Banovina",
    "38": "Hrvaška – Split, Zadar, Dubrovnik, Dalmacija",
    "41": "Makedonija – Bitola",
    "42": "Makedonija – Kumanovo",
    "43": "Makedonija – Ohrid",
    "44": "Makedonija – Prilep",
    "45": "Makedonija – Skopje",
    "46": "Makedonija – Strumica",
    "47": "Makedonija – Tetovo",
    "48": "Makedonija – Veles",
    "49": "Makedonija – Štip",
    "71": "ožja Srbija – Beograd",
    "72": "ožja Srbija – Šumadija in Pomoravlje",
    "73": "ožja Srbija – Niš",
    "74": "ožja Srbija – Južna Morava",
    "75": "ožja Srbija – Zaječar",
    "76": "ožja Srbija – Podunavlje",
    "77": "ožja Srbija – Podrinje in Kolubara",
    "78": "ožja Srbija – Kraljevo",
    "79": "ožja Srbija – Užice",
    "80": "Vojvodina – Novi Sad",
    "81": "Vojvodina – Sombor",
    "82": "Vojvodina – Subotica",
    "85": "Vojvodina – Zrenjanin",
    "86": "Vojvodina – Pančevo",
    "88": "Vojvodina – Ruma",
    "89": "Vojvodina – Sremska Mitrovica",
    "91": "Kosovo – Priština",
    "92": "Kosovo – Kosovska Mitrovica",
    "93": "Kosovo – Peć",
    "94": "Kosovo – Đakovica",
    "95": "Kosovo – Prizren",
    "96": "Kosovo – Gnjilane",
}


def _hidden(_: object) -> str:
    return "<hidden>"


@attrs.frozen(kw_only=True)
class EmsoInfo:
    """What an EMŠO says, as returned by :func:`parse`.

    Its ``repr()`` hides the birth date, the sex and the serial, because with the
    register they rebuild the EMŠO.

    Attributes:
        birth_date: The birth date.
        sex: The sex recorded by the serial range.
        register: The two-digit register code (``"50"`` for Slovenia).
        register_name: The Slovenian name of the register or region.
        serial: The serial, 0-999.

    >>> info = parse(make(date(2019, 5, 17), Sex.MALE))
    >>> info.birth_date, info.sex, info.serial
    (datetime.date(2019, 5, 17), <Sex.MALE: 'M'>, 0)
    >>> info
    EmsoInfo(birth_date=<hidden>, sex=<hidden>, register='50', register_name='Slovenija', serial=<hidden>)
    """  # noqa: E501

    birth_date: date = attrs.field(repr=_hidden)
    sex: Sex = attrs.field(repr=_hidden)
    register: str
    register_name: str
    serial: int = attrs.field(repr=_hidden)


def _length_error() -> InvalidLength:
    return InvalidLength(
        "emso.length",
        sl="EMŠO mora imeti 13 števk.",
        en="An EMŠO must have 13 digits.",
        where=_WHERE,
    )


def _format_error() -> InvalidFormat:
    return InvalidFormat(
        "emso.format",
        sl="EMŠO sme vsebovati samo števke.",
        en="An EMŠO may contain digits only.",
        where=_WHERE,
    )


def _checksum_error() -> InvalidChecksum:
    return InvalidChecksum(
        "emso.checksum",
        sl="Kontrolna številka EMŠO ni pravilna.",
        en="The EMŠO check digit is wrong.",
        where=_WHERE,
    )


def _undefined_check_error() -> InvalidChecksum:
    return InvalidChecksum(
        "emso.checksum",
        sl="Za to zaporedno številko kontrolna številka EMŠO ne obstaja (ostanek 1); "
        "takšen EMŠO se ne dodeli.",
        en="No EMŠO check digit exists for this serial (remainder 1); "
        "such an EMŠO is never assigned.",
        where=_WHERE,
    )


def _date_error() -> InvalidComponent:
    return InvalidComponent(
        "emso.date",
        sl="Datum rojstva v EMŠO ni veljaven datum.",
        en="The birth date in the EMŠO is not a real date.",
        where=_WHERE,
    )


def compact(number: str) -> str:
    """Return the EMŠO without spaces or other whitespace.

    Args:
        number: The EMŠO as typed.

    Returns:
        The digits only; nothing is validated.

    Raises:
        InvalidFormat: ``number`` is not a string (``emso.format``).

    >>> compact(" 0101006 500006 ")
    '0101006500006'
    """
    if not isinstance(number, str):
        raise _format_error()
    return "".join(number.split())


def _is_ascii_digits(text: str) -> bool:
    return text.isdigit() and text.isascii()


def _remainder(digits: str) -> int:
    """Return S mod 11 over the first twelve digits."""
    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False)) % 11


def calc_check_digit(number: str, *, allow_legacy_zero: bool = False) -> str:
    """Return the check digit for the first twelve digits of an EMŠO.

    Args:
        number: Twelve digits (a thirteenth is ignored).
        allow_legacy_zero: Return ``"0"`` where no check digit exists (the
            python-stdnum behaviour) instead of raising.

    Returns:
        The check digit.

    Raises:
        InvalidLength: Fewer than twelve or more than thirteen digits.
        InvalidFormat: Not all digits.
        InvalidChecksum: ``S mod 11 == 1``, so no check digit exists
            (``emso.checksum``).

    >>> calc_check_digit("170501950500")  # S = 184 = 16*11 + 8, K = 11 - 8 = 3
    '3'
    >>> calc_check_digit("170501950502")  # S = 188 = 17*11 + 1: no digit
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidChecksum: emso.checksum: ...
    """
    number = compact(number)
    if len(number) not in (12, 13):
        raise _length_error()
    if not _is_ascii_digits(number):
        raise _format_error()
    digit: str = _stdnum_emso.calc_check_digit(number)
    if digit == "0" and not allow_legacy_zero and _remainder(number) == 1:
        raise _undefined_check_error()
    return digit


def _birth_date(number: str) -> date:
    year = int(number[4:7])
    year += 2000 if year < 800 else 1000
    try:
        return date(year, int(number[2:4]), int(number[:2]))
    except ValueError:
        raise _date_error() from None


def _sex(number: str) -> Sex:
    return Sex.MALE if number[9] < "5" else Sex.FEMALE


def validate(
    number: str,
    *,
    sex: Sex | None = None,
    as_of: date | None = None,
    slovenian_only: bool = False,
    allow_legacy_zero: bool = False,
) -> str:
    """Check an EMŠO and return it compacted.

    Always checked: 13 digits, a real birth date, the check digit (serials
    without a check digit are rejected). The keywords add stricter checks.

    Args:
        number: The EMŠO.
        sex: If given, the serial must be in this sex's range
            (000-499 male, 500-999 female).
        as_of: If given, the birth date must not be after this day.
        slovenian_only: Allow register codes 50-59 only.
        allow_legacy_zero: Accept a ``0`` check digit where no check digit
            exists (see the module notes).

    Returns:
        The compact EMŠO.

    Raises:
        InvalidLength: Not 13 digits (``emso.length``).
        InvalidFormat: Not digits only (``emso.format``).
        InvalidComponent: A bad date (``emso.date``), a birth date after
            ``as_of`` (``emso.future_date``), a register outside 50-59
            (``emso.register``) or a serial of the other sex (``emso.sex``).
        InvalidChecksum: A wrong or undefined check digit (``emso.checksum``).

    >>> validate("1705019 505003")
    '1705019505003'
    >>> validate("1705019505004")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidChecksum: emso.checksum: Kontrolna številka EMŠO ni pravilna. (emso)
    >>> validate("1705019505003", sex=Sex.MALE)
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidComponent: emso.sex: ...
    """
    if not isinstance(number, str):
        raise _format_error()
    if len(number) != 13 or not (number.isdigit() and number.isascii()):
        number = "".join(number.split())
        if len(number) != 13:
            raise _length_error()
        if not _is_ascii_digits(number):
            raise _format_error()
    # The date first, as python-stdnum does, so that a garbled date is reported as such.
    if as_of is None:
        _birth_date(number)
    elif _birth_date(number) > as_of:
        raise InvalidComponent(
            "emso.future_date",
            sl="Datum rojstva v EMŠO je v prihodnosti.",
            en="The birth date in the EMŠO is in the future.",
            where=_WHERE,
        )
    digit = _stdnum_emso.calc_check_digit(number)
    if digit != number[12]:
        raise _checksum_error()
    if digit == "0" and not allow_legacy_zero and _remainder(number) == 1:
        raise _undefined_check_error()
    if slovenian_only and number[7] != "5":
        raise InvalidComponent(
            "emso.register",
            sl="EMŠO ni bil določen v Sloveniji (šifra registra ni 50-59).",
            en="The EMŠO was not assigned in Slovenia (register code not 50-59).",
            where=_WHERE,
        )
    if sex is not None and _sex(number) is not sex:
        raise InvalidComponent(
            "emso.sex",
            sl="Zaporedna številka v EMŠO ne ustreza spolu.",
            en="The serial in the EMŠO does not match the sex.",
            where=_WHERE,
        )
    return number


def is_valid(
    number: object,
    *,
    sex: Sex | None = None,
    as_of: date | None = None,
    slovenian_only: bool = False,
    allow_legacy_zero: bool = False,
) -> bool:
    """Return whether ``number`` is a valid EMŠO; never raises.

    Args:
        number: Anything; only a string can be valid.
        sex: As in :func:`validate`.
        as_of: As in :func:`validate`.
        slovenian_only: As in :func:`validate`.
        allow_legacy_zero: As in :func:`validate`.

    >>> is_valid("1705019505003"), is_valid("1705019505004"), is_valid(None)
    (True, False, False)
    """
    if not isinstance(number, str):
        return False
    try:
        validate(
            number,
            sex=sex,
            as_of=as_of,
            slovenian_only=slovenian_only,
            allow_legacy_zero=allow_legacy_zero,
        )
    except (ValueError, TypeError):
        return False
    return True


def format(number: str) -> str:
    """Return the standard presentation: 13 digits with no separators.

    >>> format("1705019 505003")
    '1705019505003'
    """
    return compact(number)


def mask(number: str) -> str:
    """Return a display form that hides the personal digits.

    Every character but the last three is replaced by ``*``. The last three are
    the last two serial digits and the check digit: they give away neither the
    birth date, the register nor the sex. Nothing is validated, so a bad value
    can be shown too; a value shorter than six characters is hidden completely.

    >>> mask("1705019 505003")
    '**********003'
    >>> mask("123")
    '***'
    """
    text = compact(number)
    keep = 3 if len(text) >= 6 else 0
    return "*" * (len(text) - keep) + text[len(text) - keep :]


def register_name(register: str) -> str:
    """Return the Slovenian name of a two-digit EMŠO register code.

    Args:
        register: Two digits, e.g. ``"50"``.

    Raises:
        InvalidComponent: Not two ASCII digits (``emso.register``).

    >>> register_name("50"), register_name("33"), register_name("05")
    ('Slovenija', 'Hrvaška – Zagreb', 'tujci v Sloveniji')
    """
    if not isinstance(register, str) or len(register) != 2 or not _is_ascii_digits(register):
        raise InvalidComponent(
            "emso.register",
            sl="Šifra registra EMŠO mora imeti dve števki.",
            en="An EMŠO register code has two digits.",
            where=_WHERE,
        )
    return _REGISTER_NAMES.get(register) or _RANGE_NAMES[register[0]]


def parse(
    number: str,
    *,
    as_of: date | None = None,
    slovenian_only: bool = False,
    allow_legacy_zero: bool = False,
) -> EmsoInfo:
    """Validate an EMŠO and return what it says.

    Args:
        number: The EMŠO.
        as_of: If given, the birth date must not be after this day.
        slovenian_only: Allow register codes 50-59 only.
        allow_legacy_zero: As in :func:`validate`.

    Raises:
        ValidationError: As :func:`validate`.

    >>> info = parse("1705019505003")
    >>> info.birth_date, info.sex, info.register, info.serial
    (datetime.date(2019, 5, 17), <Sex.FEMALE: 'F'>, '50', 500)
    """
    number = validate(
        number, as_of=as_of, slovenian_only=slovenian_only, allow_legacy_zero=allow_legacy_zero
    )
    register = number[7:9]
    return EmsoInfo(
        birth_date=_birth_date(number),
        sex=_sex(number),
        register=register,
        register_name=register_name(register),
        serial=int(number[9:12]),
    )


def make(
    birth_date: date,
    sex: Sex,
    *,
    register: str = "50",
    serial: int | None = None,
) -> str:
    """Build a valid synthetic EMŠO, for tests and examples.

    Args:
        birth_date: A date from 1800-01-01 to 2799-12-31 (what the 3-digit year
            can hold).
        sex: Picks the serial range.
        register: The two-digit register code.
        serial: The serial. Without it, the first serial in the sex's range that
            has a check digit is used.

    Returns:
        The 13-digit EMŠO.

    Raises:
        InvalidComponent: A date outside the range (``emso.date``), a bad register
            (``emso.register``) or a serial outside the sex's range (``emso.sex``).
        InvalidChecksum: ``serial`` has no check digit (``emso.checksum``).

    >>> make(date(2019, 5, 17), Sex.MALE)
    '1705019500001'
    >>> make(date(1985, 12, 1), Sex.FEMALE, register="33", serial=512)
    '0112985335128'
    """
    if not isinstance(birth_date, date) or not 1800 <= birth_date.year <= 2799:
        raise _date_error()
    register_name(register)
    low = 0 if sex is Sex.MALE else 500
    prefix = f"{birth_date.day:02d}{birth_date.month:02d}{birth_date.year % 1000:03d}{register}"
    if serial is None:
        for candidate in range(low, low + 500):
            body = f"{prefix}{candidate:03d}"
            if _remainder(body) != 1:
                return body + calc_check_digit(body)
        raise _undefined_check_error()  # pragma: no cover - ten serials in a row never fail
    if isinstance(serial, bool) or not isinstance(serial, int) or not low <= serial < low + 500:
        raise InvalidComponent(
            "emso.sex",
            sl="Zaporedna številka EMŠO ni v razponu za ta spol.",
            en="The EMŠO serial is outside the range for this sex.",
            where=_WHERE,
        )
    body = f"{prefix}{serial:03d}"
    return body + calc_check_digit(body)
