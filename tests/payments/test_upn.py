"""UPN QR payload and symbol: official examples, properties, rules, real-decoder round trips."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from decimal import Decimal

import attrs
import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from szo_core.errors import (
    ConfigurationError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    SzoError,
)
from szo_core.ids import iban as ids_iban
from szo_core.ids import reference as ids_reference
from szo_core.payments import shorten, upn
from szo_core.payments.upn import UpnOrder, payload, qr

# ---------------------------------------------------------------- official examples

# ZBS programmers' guide (May 2017), section 5.3, verbatim: checksum 201, 205 bytes.
GUIDE_EXAMPLE = (
    "UPNQR\n\n\n\n\nJanez Novak\nDunajska ulica 1\n1000 Ljubljana\n00000008105\n\n\nRENT\n"
    "Plačilo najemnine za marec 2017\n01.04.2017\nSI56020170014356205\nSI121234567890120\n"
    "RentaCar d.o.o.\nPohorska ulica 22\n2000 Maribor\n201\n"
).encode("iso-8859-2")

NOVO = {
    "recipient_name": "Novo podjetje d.o.o.",
    "recipient_street": "Lepa cesta 15",
    "recipient_city": "3698 Loški Potok",
}
JANEZ = {"payer_name": "Janez Novak", "payer_street": "Dunajska 1", "payer_city": "1000 Ljubljana"}
NOVO_AS_PAYER = {
    "payer_name": "Novo podjetje d.o.o.",
    "payer_street": "Lepa cesta 15",
    "payer_city": "3698 Loški Potok",
}
ACCOUNT = "SI56051008010486080"

# UPN QR technical standard v1.1 (Nov 2016), Priloga 1: the cover example and examples a-h.
# Field values and the exact payloads (the examples pad the reserve to 400 bytes) as
# transcribed in matejmohar/upn-qr-mcp test/fixtures/zbs/payloads.json; upn.md section 2
# lists the same checksums (F20).  Tuple: order fields, checksum, reserve pad, total bytes.
STANDARD_EXAMPLES: dict[str, tuple[dict[str, object], str, int | None, int]] = {
    "cover": (
        {
            "payer_name": "Janez Novak", "payer_street": "Lepa cesta 10",
            "payer_city": "2000 Maribor", "amount": Decimal("14.71"), "purpose_code": "SCVE",
            "purpose": "Ravn. z odpadki 04/2016 0040098579", "deadline": date(2016, 6, 25),
            "recipient_iban": ACCOUNT, "recipient_reference": "SI121033842574531",
            "recipient_name": "Snaga d.o.o.", "recipient_street": "Povšetova ulica 6",
            "recipient_city": "1000 Ljubljana",
        },
        "198", None, 202,
    ),
    "a": (
        {
            **JANEZ, **NOVO, "amount": Decimal("81.05"), "purpose_code": "COST",
            "purpose": "Plačilo obveznosti 10/2016", "recipient_iban": ACCOUNT,
            "recipient_reference": "SI0598765432100", "registered_issuer": False,
        },
        "183", 400, 400,
    ),
    "b": (
        {
            "payer_iban": "SI56020170014356205", "payer_reference": "SI003528-990",
            "payer_name": "Združenje bank Slovenije", "payer_street": "Šubičeva 2",
            "payer_city": "1000 Ljubljana", **NOVO, "amount": Decimal("1280.67"),
            "purpose_code": "ADVA", "purpose": "Plačilo avansa-ponudba 2016/12",
            "recipient_iban": ACCOUNT, "recipient_reference": "SI00123456-67890-12345",
            "registered_issuer": False,
        },
        "238", 400, 400,
    ),
    "c": (
        {
            **JANEZ, **NOVO, "amount": Decimal("81.05"), "purpose_code": "RENT",
            "purpose": "Plačilo najemnine 10/2016", "deadline": date(2016, 11, 15),
            "recipient_iban": ACCOUNT, "recipient_reference": "SI129990000359896",
        },
        "194", 400, 400,
    ),
    "d": (
        {
            **NOVO, "amount": Decimal("0"), "purpose_code": "CHAR",
            "purpose": "Donacija v dobrodelne namene", "recipient_iban": ACCOUNT,
            "recipient_reference": "SI121234567890120",
        },
        "152", 400, 400,
    ),
    "e": (
        {
            **NOVO, "deposit": True, "amount": Decimal("280.00"),
            "payment_date": date(2016, 11, 30), "purpose_code": "CASH",
            "purpose": "Polog iztržka za november", "recipient_iban": ACCOUNT,
            "registered_issuer": False,
        },
        "143", 400, 400,
    ),
    "f": (
        {
            "payer_iban": ACCOUNT, "withdrawal": True, **NOVO_AS_PAYER,
            "amount": Decimal("350.00"), "payment_date": date(2016, 11, 30),
            "purpose_code": "CSDB", "purpose": "Dnevnice november 2016",
            "registered_issuer": False,
        },
        "140", 400, 400,
    ),
    "g": (
        {
            "payer_iban": ACCOUNT, "payer_reference": "RF81352ADD05899", **NOVO_AS_PAYER,
            "amount": Decimal("131.67"), "purpose_code": "SUBS",
            "purpose": "Letna naročnina na ZZYS", "recipient_iban": "DE12500105170648489890",
            "recipient_reference": "RF45SBO2010", "recipient_name": "Gesselshaft GmbH",
            "recipient_street": "Rosenthal 15", "recipient_city": "DE-86807 Buchloe",
            "registered_issuer": False,
        },
        "222", 400, 400,
    ),
    "h": (
        {
            **JANEZ, **NOVO, "amount": Decimal("81.05"), "purpose_code": "RENT",
            "purpose": "Plačilo najemnine 10/2016", "deadline": date(2016, 11, 15),
            "recipient_iban": ACCOUNT, "recipient_reference": "RF45SBO2010",
        },
        "188", 400, 400,
    ),
}  # fmt: skip

# The exact payload of example b, verbatim from the fixture (reserve of 158 spaces).
EXAMPLE_B = (
    "UPNQR\nSI56020170014356205\n\n\nSI003528-990\nZdruženje bank Slovenije\nŠubičeva 2\n"
    "1000 Ljubljana\n00000128067\n\n\nADVA\nPlačilo avansa-ponudba 2016/12\n\n"
    "SI56051008010486080\nSI00123456-67890-12345\nNovo podjetje d.o.o.\nLepa cesta 15\n"
    "3698 Loški Potok\n238\n" + " " * 158
).encode("iso-8859-2")


def guide_order() -> UpnOrder:
    return UpnOrder(
        payer_name="Janez Novak",
        payer_street="Dunajska ulica 1",
        payer_city="1000 Ljubljana",
        amount=Decimal("81.05"),
        purpose_code="RENT",
        purpose="Plačilo najemnine za marec 2017",
        deadline=date(2017, 4, 1),
        recipient_iban="SI56 0201 7001 4356 205",
        recipient_reference="SI12 1234567890120",
        recipient_name="RentaCar d.o.o.",
        recipient_street="Pohorska ulica 22",
        recipient_city="2000 Maribor",
    )


def kindergarten_order(**changes: object) -> UpnOrder:
    order = UpnOrder(
        payer_name="Špela Žagar",
        payer_street="Čopova ulica 7",
        payer_city="1000 Ljubljana",
        amount=Decimal("123.45"),
        purpose="Oskrbnina vrtca, marec 2025 (Žiga Č.)",
        deadline=date(2025, 4, 18),
        recipient_iban="SI56020170014356205",
        recipient_reference="SI120000012345679",
        recipient_name="Vrtec Šentjur",
        recipient_street="Cesta Leona Dobrotinška 5",
        recipient_city="3230 Šentjur",
    )
    return attrs.evolve(order, **changes)  # type: ignore[misc]


def test_guide_example_byte_for_byte() -> None:
    assert payload(guide_order()) == GUIDE_EXAMPLE


@pytest.mark.parametrize("name", sorted(STANDARD_EXAMPLES))
def test_technical_standard_examples(name: str) -> None:
    fields, expected_checksum, pad, expected_bytes = STANDARD_EXAMPLES[name]
    data = payload(UpnOrder(**fields), pad_to=pad)  # type: ignore[arg-type]
    parts = data.split(b"\n")
    assert parts[19].decode() == expected_checksum
    assert len(data) == expected_bytes
    # the checksum is the lengths of fields 1-19 plus their 19 LFs
    assert int(parts[19]) == sum(len(p) for p in parts[:19]) + 19
    assert parts[20] == b" " * (expected_bytes - len(b"\n".join(parts[:20])) - 1)


def test_example_b_byte_for_byte() -> None:
    fields, _, pad, _ = STANDARD_EXAMPLES["b"]
    assert payload(UpnOrder(**fields), pad_to=pad) == EXAMPLE_B  # type: ignore[arg-type]


# ---------------------------------------------------------------- QR symbol, real decoder


def decode(png: bytes) -> tuple[zxingcpp.Barcode, bytes]:
    image = Image.open(io.BytesIO(png))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    hex_eci = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=zxingcpp.TextMode.HexECI
    )[0].text
    return found[0], bytes.fromhex(hex_eci.replace(" ", ""))


@pytest.mark.parametrize(
    ("order", "pad"),
    [(guide_order(), None), (kindergarten_order(), None), (kindergarten_order(), 411)],
    ids=["guide", "kindergarten", "padded-411"],
)
def test_qr_round_trip_with_zxing(order: UpnOrder, pad: int | None) -> None:
    symbol = qr(order, pad_to=pad)
    barcode, transmitted = decode(symbol.png())
    assert barcode.bytes == payload(order, pad_to=pad) == symbol.payload
    assert barcode.text == symbol.payload.decode("iso-8859-2")
    assert barcode.extra["Version"] == "15"
    assert barcode.extra["ECLevel"] == "M"
    # "]Q2" = ECI in use, "\000004" = ECI 4 (ISO 8859-2), then the raw payload
    assert transmitted == b"]Q2\\000004" + symbol.payload


def test_png_is_printed_size() -> None:
    png = qr(guide_order()).png()
    image = Image.open(io.BytesIO(png))
    # (77 modules + 2 x 4 quiet zone) x 10 px = 850 px; 10 px at 600 dpi = 0.42333 mm
    assert image.size == (850, 850)
    assert image.info["dpi"] == pytest.approx((600, 600), abs=0.01)
    assert qr(guide_order()).png(border=0)[:4] == b"\x89PNG"
    assert Image.open(io.BytesIO(qr(guide_order()).png(border=0))).size == (770, 770)


def test_svg_is_printed_size() -> None:
    svg = qr(guide_order()).svg(border=0).decode()
    # 77 x 25.4 / 60 = 32.5966... mm
    assert 'width="32.596666' in svg
    assert qr(guide_order()).width_mm(border=0) == pytest.approx(32.597, abs=0.001)


def test_png_and_svg_are_deterministic() -> None:
    assert qr(kindergarten_order()).png() == qr(kindergarten_order()).png()
    assert qr(kindergarten_order()).svg() == qr(kindergarten_order()).svg()


def test_412_bytes_do_not_fit() -> None:
    with pytest.raises(ConfigurationError) as err:
        payload(kindergarten_order(), pad_to=412)
    assert err.value.code == "upn.pad_to"


# ---------------------------------------------------------------- properties

LATIN2_LETTERS = "abcdefghijklmnoprstuvzABCDEFGHIJKLMNOPRSTUVZčšžćđČŠŽĆĐäöüÄÖÜ"
text_field = st.text(alphabet=LATIN2_LETTERS + " .,-/'&\"0123456789", min_size=1, max_size=60)
amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2, allow_nan=False
)


@given(
    name=text_field.filter(str.strip),
    street=text_field.filter(str.strip),
    purpose=text_field.filter(str.strip),
    amount=amounts,
)
def test_payload_properties(name: str, street: str, purpose: str, amount: Decimal) -> None:
    order = kindergarten_order(payer_name=name, payer_street=street, purpose=purpose, amount=amount)
    data = payload(order, shorten=True)
    assert len(data) <= upn.MAX_PAYLOAD_BYTES
    parts = data.decode("iso-8859-2").split("\n")
    assert len(parts) == 21
    assert parts[20] == ""
    assert parts[0] == "UPNQR"
    assert parts[19] == f"{sum(len(p) for p in parts[:19]) + 19:03d}"
    assert int(parts[8]) == amount * 100
    assert len(parts[8]) == 11
    for index, limit in ((5, 33), (6, 33), (12, 42)):
        assert 0 < len(parts[index]) <= limit
        assert parts[index] == parts[index].strip()
    # shortening keeps a prefix of the (normalised, stripped) text
    assert " ".join(name.split()).startswith(" ".join(parts[5].split())) or name.strip().startswith(
        parts[5]
    )


@given(text=st.text(min_size=0, max_size=80), limit=st.integers(min_value=1, max_value=50))
def test_shorten_properties(text: str, limit: int) -> None:
    result = shorten(text, limit)
    normal = unicodedata.normalize("NFC", text).strip()
    assert len(result) <= limit
    assert normal.startswith(result)
    if len(normal) <= limit:
        assert result == normal
    elif result:
        assert not result.endswith(" ")


@given(amount=amounts)
def test_amount_is_exact_cents(amount: Decimal) -> None:
    field = payload(kindergarten_order(amount=amount)).split(b"\n")[8]
    assert field == f"{int(amount * 100):011d}".encode()


# ---------------------------------------------------------------- rules


def test_amount_examples() -> None:
    # 0.29 EUR is 29 cents (float arithmetic would give 28: 0.29 * 100 = 28.999...)
    assert payload(kindergarten_order(amount=Decimal("0.29"))).split(b"\n")[8] == b"00000000029"
    # 1.628,45 EUR from the guide -> 162845 cents
    assert payload(kindergarten_order(amount=Decimal("1628.45"))).split(b"\n")[8] == b"00000162845"


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Decimal("1.005"), "upn.amount_cents"),
        (Decimal("-1.00"), "upn.amount_range"),
        (Decimal("1000000000.00"), "upn.amount_range"),
        (Decimal("0.00"), "upn.amount_zero"),
    ],
)
def test_bad_amounts(amount: Decimal, code: str) -> None:
    with pytest.raises(InvalidFormat) as err:
        payload(kindergarten_order(amount=amount))
    assert err.value.code == code


def test_float_amount_is_refused() -> None:
    with pytest.raises(TypeError):
        kindergarten_order(amount=0.29)


@pytest.mark.parametrize("char", ["€", "ñ", "ø", "😀", "Ж"])
def test_characters_outside_latin2_are_refused(char: str) -> None:
    with pytest.raises(InvalidFormat) as err:
        payload(kindergarten_order(payer_name=f"Ana {char}"))
    assert err.value.code == "upn.charset"
    assert f"U+{ord(char):04X}" in err.value.en
    assert err.value.where == "ime plačnika / payer name"


def test_nfc_normalisation() -> None:
    decomposed = "Z\u030cagar"  # Z + combining caron: two code points, one letter
    data = payload(kindergarten_order(payer_name=decomposed))
    assert data.split(b"\n")[5] == "Žagar".encode("iso-8859-2")


@pytest.mark.parametrize("bad", ["Ana\nNovak", "Ana\tNovak", "Ana\x00"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(InvalidFormat) as err:
        payload(kindergarten_order(payer_name=bad))
    assert err.value.code == "upn.control_character"


def test_over_long_fields_are_refused_or_shortened() -> None:
    long_name = "Ana Marija Novak Kovačič Zupančič Potočnik"  # 42 characters
    with pytest.raises(InvalidLength) as err:
        payload(kindergarten_order(payer_name=long_name))
    assert err.value.code == "upn.length"
    data = payload(kindergarten_order(payer_name=long_name), shorten=True)
    # the words that fit into 33 characters: "Ana Marija Novak Kovačič Zupančič" is 33
    assert data.split(b"\n")[5].decode("iso-8859-2") == "Ana Marija Novak Kovačič Zupančič"


def test_references_and_accounts_are_never_shortened() -> None:
    with pytest.raises(InvalidFormat):
        payload(kindergarten_order(recipient_reference="SI12 12345678901234567890"), shorten=True)


def test_surrounding_spaces_are_stripped() -> None:
    data = payload(kindergarten_order(payer_name="  Ana Novak "))
    assert data.split(b"\n")[5] == b"Ana Novak"


def test_purpose_code() -> None:
    assert kindergarten_order().purpose_code == upn.DEFAULT_PURPOSE_CODE == "EDUC"
    assert payload(kindergarten_order()).split(b"\n")[11] == b"EDUC"
    assert payload(kindergarten_order(purpose_code="LTCF")).split(b"\n")[11] == b"LTCF"
    for bad in ("XXXX", "educ", "EDU"):
        with pytest.raises(InvalidComponent) as err:
            payload(kindergarten_order(purpose_code=bad))
        assert err.value.code == "upn.purpose_code"


def test_deadline_format() -> None:
    assert payload(kindergarten_order(deadline=date(2017, 4, 1))).split(b"\n")[13] == b"01.04.2017"
    assert payload(kindergarten_order(deadline=None)).split(b"\n")[13] == b""


def test_recipient_iban_is_checked_and_not_echoed() -> None:
    bad = "SI29020170014356206"  # right IBAN check digits, wrong national ones
    with pytest.raises(InvalidChecksum) as err:
        payload(kindergarten_order(recipient_iban=bad))
    assert bad not in str(err.value)
    assert bad not in repr(err.value)
    assert ids_iban.validate("SI56 0201 7001 4356 205") == "SI56020170014356205"


def test_recipient_reference_is_checked() -> None:
    with pytest.raises(InvalidChecksum):
        payload(kindergarten_order(recipient_reference="SI12 1234567890121"))
    assert ids_reference.is_valid("SI12 1234567890120")


@pytest.mark.parametrize(
    "changes",
    [
        {"payer_iban": "SI56020170014356205"},
        {"deposit": True},
        {"withdrawal": True},
        {"payer_reference": "SI00123"},
        {"payment_date": date(2025, 4, 1)},
        {"urgent": True},
    ],
)
def test_registered_issuer_leaves_fields_empty(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError) as err:
        payload(kindergarten_order(**changes))
    assert err.value.code == "upn.registered_issuer.field"
    # the same order is fine for an ordinary payer
    payload(kindergarten_order(registered_issuer=False, **changes))


@pytest.mark.parametrize(
    "field",
    ["recipient_reference", "recipient_iban", "recipient_name", "payer_name", "payer_city"],
)
def test_registered_issuer_required_fields(field: str) -> None:
    with pytest.raises(ConfigurationError) as err:
        payload(kindergarten_order(**{field: ""}))
    assert err.value.code == "upn.registered_issuer.required"


def test_deposit_and_withdrawal_together() -> None:
    with pytest.raises(ConfigurationError):
        payload(kindergarten_order(registered_issuer=False, deposit=True, withdrawal=True))


def test_repr_masks_accounts() -> None:
    text = repr(kindergarten_order(payer_iban="SI56020170014356205", registered_issuer=False))
    assert "SI56020170014356205" not in text
    assert "SI56 **** **** ***6 205" in text  # ids.iban.mask, like every record


def test_errors_are_szo_errors() -> None:
    with pytest.raises(SzoError):
        payload(kindergarten_order(payer_name=123))  # type: ignore[arg-type]
