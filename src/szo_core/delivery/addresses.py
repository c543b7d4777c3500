"""Checking e-mail addresses and Slovenian mobile numbers before anything is sent.

Both checks return the normalised form to store and send, or raise a
:mod:`szo_core.errors` error whose ``where`` names the recipient's field (pass
``where="guardian.phone"`` or similar).  No error message contains the address
or the number; :func:`mask_email` and :func:`mask_phone` give forms safe for
logs.  Needs the ``delivery`` extra (email-validator and phonenumbers).

E-mail syntax is checked by `email-validator <https://pypi.org/project/email-validator/>`_
without any DNS lookup.  Numbers are parsed by `phonenumbers
<https://pypi.org/project/phonenumbers/>`_ (Google's libphonenumber metadata),
which follows the Slovenian numbering plan (AKOS, *Splošni akt o načrtu
oštevilčenja*, and the ITU-T E.164 entry for +386): mobile numbers are
``0`` + a two-digit mobile range (030, 031, 040, 041, 043, 051, 064, 065, 068,
069, 070, 071 ...) + six digits, ``+386`` + eight digits in E.164.  Accepted
forms: ``041 123 456``, ``041/123-456``, ``+386 41 123 456``, ``00386 41 123 456``.

Example:
    >>> validate_mobile("041 123 456")
    '+38641123456'
    >>> validate_email("Janez.Novak@Vrtec-Soncek.SI")
    'Janez.Novak@vrtec-soncek.si'
    >>> mask_phone("+38641123456"), mask_email("janez.novak@vrtec.si")
    ('+386*****456', 'j***@vrtec.si')
"""

from __future__ import annotations

from szo_core.errors import ConfigurationError, InvalidComponent, InvalidFormat, InvalidType

__all__ = [
    "is_valid_email",
    "is_valid_mobile",
    "mask_email",
    "mask_phone",
    "validate_email",
    "validate_mobile",
]


def _missing_extra(library: str) -> ConfigurationError:
    return ConfigurationError(
        "delivery.extra_missing",
        sl=f"Za preverjanje naslovov je potreben paket {library}: pip install szo_core[delivery].",
        en=f"Checking addresses needs the {library} package: pip install szo_core[delivery].",
        where=library,
    )


def _check_str(value: object, where: str, what_sl: str, what_en: str) -> str:
    if not isinstance(value, str):
        raise InvalidType(
            "delivery.type",
            sl=f"{what_sl} mora biti niz (str).",
            en=f"The {what_en} must be a string (str).",
            where=where,
        )
    return value


def mask_email(address: str) -> str:
    """Return a form of an e-mail address safe for logs: the local part hidden.

    The first character of the local part stays, the rest becomes ``***``; the
    domain stays.  Nothing is validated, so a bad value can be shown too.

    >>> mask_email("janez.novak@vrtec.si"), mask_email("no-at-sign")
    ('j***@vrtec.si', '***')
    """
    local, at, domain = str(address).strip().rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_phone(number: str) -> str:
    """Return a form of a phone number safe for logs: only the last three digits.

    A leading ``+386`` stays (it says nothing about the person); every other
    digit but the last three becomes ``*`` and separators are dropped.  A value
    with fewer than six digits is hidden completely.  Nothing is validated.

    >>> mask_phone("041 123 456"), mask_phone("+386 41 123 456"), mask_phone("12")
    ('******456', '+386*****456', '**')
    """
    text = str(number).strip()
    prefix = "+386" if text.startswith("+386") else ""
    digits = "".join(c for c in text[len(prefix) :] if c.isdigit())
    keep = 3 if len(digits) >= 6 else 0
    return prefix + "*" * (len(digits) - keep) + digits[len(digits) - keep :]


def validate_email(address: str, *, where: str = "email", allow_smtputf8: bool = True) -> str:
    """Return the normalised e-mail address, or raise if its syntax is wrong.

    Only the syntax is checked (RFC 5321/5322 as email-validator applies it, no
    DNS lookup); the domain is lower-cased and IDNA-normalised, the local part is
    kept as written.  With ``allow_smtputf8=False`` a local part outside ASCII
    (``žan@…``) is refused, for mail servers without SMTPUTF8.

    Args:
        address: The address as entered.
        where: The recipient's field, used as the error's ``where``.
        allow_smtputf8: Accept internationalised local parts.

    Raises:
        InvalidFormat: ``delivery.email_invalid``, naming ``where``, never the address.
        InvalidType: ``delivery.type`` when ``address`` is not a string.

    >>> validate_email("ana@vrtec.si", where="guardian.email")
    'ana@vrtec.si'
    >>> validate_email("ana@@vrtec.si", where="guardian.email")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidFormat: delivery.email_invalid: ... (guardian.email)
    """
    text = _check_str(address, where, "E-poštni naslov", "e-mail address").strip()
    try:
        import email_validator
    except ImportError:  # pragma: no cover - the extra is part of the test environment
        raise _missing_extra("email-validator") from None
    try:
        info = email_validator.validate_email(
            text,
            check_deliverability=False,
            allow_smtputf8=allow_smtputf8,
        )
    except email_validator.EmailNotValidError:
        # `from None`: the library's message quotes parts of the address
        raise InvalidFormat(
            "delivery.email_invalid",
            sl="E-poštni naslov ni pravilen.",
            en="The e-mail address is not valid.",
            where=where,
        ) from None
    return str(info.normalized)


def is_valid_email(address: object, *, allow_smtputf8: bool = True) -> bool:
    """Return whether ``address`` is a syntactically valid e-mail address; never raises.

    >>> is_valid_email("ana@vrtec.si"), is_valid_email("ana@vrtec"), is_valid_email(None)
    (True, False, False)
    """
    try:
        validate_email(address, allow_smtputf8=allow_smtputf8)  # type: ignore[arg-type]
    except (InvalidFormat, InvalidType):
        return False
    return True


def validate_mobile(number: str, *, where: str = "phone", allow_foreign: bool = False) -> str:
    """Return a mobile number in E.164 (``+38641123456``), or raise.

    Slovenian numbers are accepted in local (``041 123 456``) and international
    (``+386 41 123 456``, ``00386 …``) forms, with spaces, dots, dashes, slashes
    or brackets.  A landline (``01 …``), a VoIP (``059 …``) or a non-geographic
    number (``080 …``) is refused: it cannot receive an SMS.  A number of another
    country is refused unless ``allow_foreign=True``, then it must be given with
    its ``+`` or ``00`` prefix and be a mobile number there.

    Args:
        number: The number as entered.
        where: The recipient's field, used as the error's ``where``.
        allow_foreign: Accept mobile numbers of other countries.

    Raises:
        InvalidFormat: ``delivery.phone_format`` (not a phone number at all) or
            ``delivery.phone_invalid`` (not a number of the numbering plan).
        InvalidComponent: ``delivery.phone_not_mobile`` or ``delivery.phone_foreign``.
        InvalidType: ``delivery.type`` when ``number`` is not a string.

    >>> validate_mobile("+386 (0)70 123-456")
    '+38670123456'
    >>> validate_mobile("01 234 56 78", where="guardian.phone")
    Traceback (most recent call last):
    ...
    szo_core.errors.InvalidComponent: delivery.phone_not_mobile: ... (guardian.phone)
    """
    text = _check_str(number, where, "Telefonska številka", "phone number").strip()
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - the extra is part of the test environment
        raise _missing_extra("phonenumbers") from None
    if not text or len(text) > 40 or any(c.isalpha() for c in text):
        raise _bad_format(where)
    try:
        parsed = phonenumbers.parse(text, "SI")
    except phonenumbers.NumberParseException:
        raise _bad_format(where) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidFormat(
            "delivery.phone_invalid",
            sl="Telefonska številka ni veljavna (napačna dolžina ali neobstoječe omrežje).",
            en="The phone number is not valid (wrong length or no such network).",
            where=where,
        )
    if parsed.country_code != 386 and not allow_foreign:
        raise InvalidComponent(
            "delivery.phone_foreign",
            sl="Sprejete so le slovenske mobilne številke (+386).",
            en="Only Slovenian mobile numbers (+386) are accepted.",
            where=where,
        )
    kind = phonenumbers.number_type(parsed)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidComponent(
            "delivery.phone_not_mobile",
            sl="Številka ni mobilna, SMS ne more prejeti.",
            en="The number is not a mobile number and cannot receive an SMS.",
            where=where,
        )
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def _bad_format(where: str) -> InvalidFormat:
    return InvalidFormat(
        "delivery.phone_format",
        sl="Telefonska številka ni v pravilni obliki (npr. 041 123 456 ali +386 41 123 456).",
        en="The phone number is not in a valid form (e.g. 041 123 456 or +386 41 123 456).",
        where=where,
    )


def is_valid_mobile(number: object, *, allow_foreign: bool = False) -> bool:
    """Return whether ``number`` is a mobile number :func:`validate_mobile` accepts; never raises.

    >>> is_valid_mobile("031 000 000"), is_valid_mobile("01 234 56 78"), is_valid_mobile(41)
    (True, False, False)
    """
    try:
        validate_mobile(number, allow_foreign=allow_foreign)  # type: ignore[arg-type]
    except (InvalidFormat, InvalidComponent, InvalidType):
        return False
    return True
