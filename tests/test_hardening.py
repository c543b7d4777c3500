"""The breaks an adversarial test found (issue 11), each pinned by a test.

Each test here failed on the code before its fix: a raw ``decimal.InvalidOperation``
or ``TypeError`` escaped, a caller's decimal context changed a split, a control
character at the end of a UPN field was stripped silently, a pain.008 file kept
the 0600 mode of its temporary file, a writer left a truncated file.
"""

from __future__ import annotations

import decimal
import errno
import os
import stat
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.payments.test_sepa import batch, debit, write
from tests.payments.test_upn import kindergarten_order

from szo_core._files import atomic_write
from szo_core.calendar import Month
from szo_core.errors import DeliveryError, InvalidFormat, InvalidType, SzoError
from szo_core.money import allocate, is_whole_cents, round_cents, to_decimal
from szo_core.payments import sepa
from szo_core.payments.instructions import Address, PayableInvoice, PaymentKind
from szo_core.payments.upn import UpnOrder, payload

# --- 1. huge exponents and wrong types give szo_core errors --------------------------


@pytest.mark.parametrize("amount", ["1E+30", "1E+39", "123456789012345678901234567890.12"])
def test_upn_huge_amount_is_a_range_error(amount: str) -> None:
    with pytest.raises(InvalidFormat) as err:
        payload(kindergarten_order(amount=Decimal(amount)))
    assert err.value.code == "upn.amount_range"


@pytest.mark.parametrize("amount", ["1E+1000", "1E+40", "-1E+99"])
def test_amounts_of_1e40_and_more_are_refused_when_built(amount: str) -> None:
    with pytest.raises(InvalidFormat) as err:
        kindergarten_order(amount=Decimal(amount))
    assert err.value.code == "money.too_large"


def test_pain008_huge_amount_is_a_range_error() -> None:
    tx = attrs.evolve(debit(1), amount=Decimal("1E+30"))
    with pytest.raises(InvalidFormat) as err:
        write(batch([tx]))
    assert err.value.code == "sepa.amount_range"


def test_pain008_tiny_fraction_is_a_cents_error() -> None:
    tx = attrs.evolve(debit(1), amount=Decimal("1.0000000000000000000000000000000001"))
    with pytest.raises(InvalidFormat) as err:
        write(batch([tx]))
    assert err.value.code == "sepa.amount_cents"


def _payable(amount: object) -> PayableInvoice:
    return PayableInvoice(
        number="2026-1",
        period=Month(2026, 9),
        child_code=1,
        payer_id="p",
        payer_name="Ana Novak",
        payer_address=Address(street="Cesta 1", post_code="1000", city="Ljubljana"),
        amount=amount,  # type: ignore[arg-type]
        reference="SI121234567890120",
        method=PaymentKind.UPN,
    )


@pytest.mark.parametrize(
    ("amount", "code"), [("1E+40", "money.too_large"), ("1E+12", "instructions.amount_range")]
)
def test_payable_invoice_huge_amount(amount: str, code: str) -> None:
    with pytest.raises(InvalidFormat) as err:
        _payable(Decimal(amount))
    assert err.value.code == code


@pytest.mark.parametrize("amount", [0.29, True, None, [1]])
def test_wrong_amount_types_are_szo_type_errors(amount: object) -> None:
    with pytest.raises(InvalidType) as err:
        _payable(amount)
    assert err.value.code == "money.type"
    assert isinstance(err.value, TypeError)
    assert err.value.en
    assert err.value.sl


@pytest.mark.parametrize("pad", ["400", 400.0, True])
def test_upn_pad_to_of_the_wrong_type(pad: object) -> None:
    with pytest.raises(InvalidType) as err:
        payload(kindergarten_order(), pad_to=pad)  # type: ignore[arg-type]
    assert err.value.code == "upn.pad_to.type"


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_is_whole_cents_never_raises(value: Decimal) -> None:
    whole = is_whole_cents(value)
    if value.is_finite() and abs(value) < Decimal("1E+20"):
        assert whole == (value == value.quantize(Decimal("0.01"), context=decimal.Context(prec=80)))


@pytest.mark.parametrize("text", ["١٢", "1\u00a0000", "12\ud800"])
def test_money_strings_are_plain_ascii_numbers(text: str) -> None:
    with pytest.raises(InvalidFormat) as err:
        to_decimal(text)
    assert err.value.code == "money.format"


# --- 5. money functions ignore the caller's decimal context --------------------------


def test_allocate_in_a_low_precision_context() -> None:
    weights = [Decimal("0.53"), Decimal("0.30"), Decimal("0.17")]
    with decimal.localcontext(prec=6):
        parts = allocate(Decimal("12345.67"), weights)
    assert parts == (Decimal("6543.21"), Decimal("3703.70"), Decimal("2098.76"))
    assert sum(parts) == Decimal("12345.67")


@given(
    total=st.integers(-(10**13), 10**13).map(lambda n: Decimal(n).scaleb(-2)),
    weights=st.lists(st.integers(0, 10**6).map(Decimal), min_size=1, max_size=6).filter(any),
    precision=st.integers(1, 12),
)
def test_allocate_sums_exactly_whatever_the_context(
    total: Decimal, weights: list[Decimal], precision: int
) -> None:
    with decimal.localcontext(prec=precision, traps=[]):
        parts = allocate(total, weights)
        rounded = round_cents(total)
    assert sum(parts, Decimal(0)) == total
    assert rounded == total


# --- smaller holes ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Ana\n", "x\x1f", "\tAna", "Ana\r\n"])
def test_upn_refuses_control_characters_at_the_ends(name: str) -> None:
    with pytest.raises(InvalidFormat) as err:
        payload(kindergarten_order(payer_name=name))
    assert err.value.code == "upn.control_character"


def test_upn_still_strips_spaces() -> None:
    data = payload(kindergarten_order(payer_name="  Ana Novak  "))
    assert data.split(b"\n")[5] == b"Ana Novak"


def test_pain008_file_gets_the_mode_of_a_new_file(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "debits.xml"
        sepa.write_pain008(batch([debit(1)]), target)
        reference = tmp_path / "plain"
        reference.write_bytes(b"")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(reference.stat().st_mode) == 0o644


# --- file writers: disk full and permission errors leave nothing half-written ---------


def test_atomic_write_disk_full_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "statements-2026-09.json"
    target.write_bytes(b"previous")

    def fill_the_disk() -> None:
        with atomic_write(target) as handle:
            handle.write(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(DeliveryError) as err:
        fill_the_disk()
    assert err.value.code == "file.write_failed"
    assert "ENOSPC" in err.value.en
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_atomic_write_other_errors_pass_through_and_clean_up(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"

    def fail() -> None:
        with atomic_write(target) as handle:
            handle.write(b"x")
            _ = 1 / 0

    with pytest.raises(ZeroDivisionError):
        fail()
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_permission_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        folder = tmp_path / "missing" / "deeper"  # root ignores modes: use a missing folder
    else:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
    with pytest.raises(DeliveryError) as err, atomic_write(folder / "x.xml"):
        pass
    assert err.value.code == "file.write_failed"


def test_pain008_disk_full_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "debits.xml"
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SzoError) as err:
        sepa.write_pain008(batch([debit(n) for n in range(1, 50)]), target)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert err.value.code == "file.write_failed"
    assert list(tmp_path.iterdir()) == []


def test_good_amounts_are_unchanged() -> None:
    order = UpnOrder(amount=Decimal("10.00"), purpose="Oskrbnina", registered_issuer=False)
    assert payload(order).split(b"\n")[8] == b"00000001000"
    assert write(batch([debit(1)])).count(b"<InstdAmt") == 1
