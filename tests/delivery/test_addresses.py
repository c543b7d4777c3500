"""E-mail and Slovenian mobile number checks: normalised output, errors that never echo."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szo_core.delivery.addresses import (
    is_valid_email,
    is_valid_mobile,
    mask_email,
    mask_phone,
    validate_email,
    validate_mobile,
)
from szo_core.errors import InvalidComponent, InvalidFormat, InvalidType, SzoError

MOBILE_RANGES = ["030", "031", "040", "041", "051", "064", "065", "068", "069", "070", "071"]


@pytest.mark.parametrize("prefix", MOBILE_RANGES)
def test_every_mobile_range_normalises_to_e164(prefix: str) -> None:
    local = f"{prefix} 123 456"
    expected = "+386" + prefix[1:] + "123456"
    assert validate_mobile(local) == expected
    assert validate_mobile("+386 " + prefix[1:] + " 123 456") == expected
    assert validate_mobile("00386" + prefix[1:] + "123456") == expected


@pytest.mark.parametrize(
    "form",
    ["041123456", "041 123 456", "041/123-456", "041.123.456", "(041) 123 456", " 041 123 456 "],
)
def test_local_forms(form: str) -> None:
    assert validate_mobile(form) == "+38641123456"


def _error(number: object, **kwargs: object) -> SzoError:
    with pytest.raises(SzoError) as info:
        validate_mobile(number, where="guardian.phone", **kwargs)  # type: ignore[arg-type]
    err = info.value
    assert err.where == "guardian.phone"
    digits = "".join(c for c in str(number) if c.isdigit())
    for text in (str(err), err.message("en"), repr(err)):
        assert digits[-6:] not in text if len(digits) >= 6 else True
    assert err.__cause__ is None
    return err


@pytest.mark.parametrize(
    ("number", "code", "kind"),
    [
        ("01 234 56 78", "delivery.phone_not_mobile", InvalidComponent),  # Ljubljana landline
        ("059 123 456", "delivery.phone_not_mobile", InvalidComponent),  # VoIP
        ("080 123 456", "delivery.phone_not_mobile", InvalidComponent),  # free-phone
        ("041 123 45", "delivery.phone_invalid", InvalidFormat),  # too short
        ("041 123 4567", "delivery.phone_invalid", InvalidFormat),  # too long
        ("066 123 456", "delivery.phone_invalid", InvalidFormat),  # no such range
        ("065 023 456", "delivery.phone_invalid", InvalidFormat),  # 065 0 is not allocated
        ("041 ABC 456", "delivery.phone_format", InvalidFormat),
        ("", "delivery.phone_format", InvalidFormat),
        ("+", "delivery.phone_format", InvalidFormat),
        ("+43 664 123 4567", "delivery.phone_foreign", InvalidComponent),
    ],
)
def test_bad_numbers(number: str, code: str, kind: type[SzoError]) -> None:
    err = _error(number)
    assert err.code == code
    assert isinstance(err, kind)
    assert isinstance(err, ValueError)
    assert err.sl != err.en


def test_foreign_mobile_when_allowed() -> None:
    assert validate_mobile("+43 664 123 4567", allow_foreign=True) == "+436641234567"
    assert validate_mobile("00385 91 123 4567", allow_foreign=True) == "+385911234567"
    with pytest.raises(InvalidComponent, match="phone_not_mobile"):
        validate_mobile("+43 1 234 5678", allow_foreign=True)  # Vienna landline


def test_non_string_number() -> None:
    err = _error(41123456)
    assert isinstance(err, InvalidType)
    assert err.code == "delivery.type"


def test_masks() -> None:
    assert mask_phone("+38641123456") == "+386*****456"
    assert mask_phone("041 123 456") == "******456"
    assert mask_email("janez.novak@vrtec.si") == "j***@vrtec.si"
    assert "novak" not in mask_email("janez.novak@vrtec.si")
    assert mask_email("@x") == "***"


def test_email_normalises_domain_keeps_local_part() -> None:
    assert validate_email("  Janez.Novak@Vrtec-Soncek.SI ") == "Janez.Novak@vrtec-soncek.si"
    assert validate_email("ana@ŠOLA.si") == "ana@šola.si"


def test_email_international_local_part_policy() -> None:
    assert validate_email("žan@vrtec.si") == "žan@vrtec.si"
    with pytest.raises(InvalidFormat) as info:
        validate_email("žan@vrtec.si", where="guardian.email", allow_smtputf8=False)
    assert info.value.where == "guardian.email"


@pytest.mark.parametrize(
    "bad",
    [
        "janez.novak",
        "janez.novak@",
        "@vrtec.si",
        "janez..novak@vrtec.si",
        "janez novak@vrtec.si",
        "janez.novak@@vrtec.si",
        "janez.novak@vrtec",
        "janez.novak@localhost",
        "janez.novak@vrtec..si",
    ],
)
def test_bad_emails_never_echo(bad: str) -> None:
    with pytest.raises(InvalidFormat) as info:
        validate_email(bad, where="guardian.email")
    err = info.value
    assert err.code == "delivery.email_invalid"
    assert err.where == "guardian.email"
    assert err.__cause__ is None
    assert err.__suppress_context__
    for text in (str(err), err.message("en"), repr(err)):
        assert "novak" not in text
        assert "vrtec" not in text
    assert not is_valid_email(bad)


def test_no_dns_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("DNS lookup attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    assert validate_email("ana@nobody-registered-this-domain-ever.si")


@given(st.one_of(st.text(max_size=60), st.integers(), st.none(), st.binary(max_size=20)))
def test_is_valid_never_raises(value: object) -> None:
    assert isinstance(is_valid_email(value), bool)
    assert isinstance(is_valid_mobile(value), bool)
    assert isinstance(is_valid_mobile(value, allow_foreign=True), bool)


@given(st.sampled_from(MOBILE_RANGES), st.integers(0, 999_999))
def test_every_slovenian_mobile_round_trips(prefix: str, subscriber: int) -> None:
    if prefix == "065" and str(subscriber).zfill(6)[0] not in "178":
        subscriber = 100_000 + subscriber % 100_000  # libphonenumber: only 065 1/7/8 allocated
    local = f"{prefix}{subscriber:06d}"
    e164 = validate_mobile(local)
    assert e164 == "+386" + local[1:]
    assert validate_mobile(e164) == e164
    assert mask_phone(e164).endswith(local[-3:])
