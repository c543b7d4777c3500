"""The e-mail code: expiry, reuse, attempts, wrong code, resends, constant time, binding."""

from __future__ import annotations

import hmac
from datetime import UTC, date, datetime

import attrs
import pytest
from tests.booking.conftest import ANA, BOJAN, ORG

from szo_core.booking import AppointmentState, BookingError, CodeRefused
from szo_core.booking import codes as codes_module
from szo_core.booking.codes import check_code, hash_code, new_code

EIGHT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
NINE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DAY = date(2026, 11, 23)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_right_code_confirms_once(world) -> None:
    w = world()
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    code = w.last_code()
    booked = w.desk.confirm(ORG, held.id, code)
    assert booked.state is AppointmentState.CONFIRMED
    assert booked.code_hash == ""
    with pytest.raises(BookingError) as caught:
        w.desk.confirm(ORG, held.id, code)  # reuse
    assert caught.value.code == "booking.state"


def test_the_code_is_stored_hashed_and_never_shown(world) -> None:
    w = world()
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    code = w.last_code()
    with w.store.unit_of_work() as uow:
        stored = uow.booking.get(ORG, held.id)
    assert code not in repr(stored)
    assert code not in stored.code_hash + stored.code_salt
    assert len(stored.code_hash) == 64
    assert len(stored.code_salt) == 32
    assert "ana.novak" not in repr(stored)
    assert "Ana" not in repr(stored)
    assert check_code(b"c" * 32, held.id, code, stored.code_salt, stored.code_hash)
    assert not check_code(b"x" * 32, held.id, code, stored.code_salt, stored.code_hash)


def test_a_code_expires_after_ten_minutes(world) -> None:
    w = world()
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    code = w.last_code()
    w.advance(minutes=10)
    with pytest.raises(CodeRefused) as caught:
        w.desk.confirm(ORG, held.id, code)
    assert caught.value.code == "booking.code.expired"


def test_an_expired_hold_frees_the_slot_and_cannot_be_confirmed(world) -> None:
    w = world()
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    code = w.last_code()
    w.advance(minutes=15)
    with pytest.raises(BookingError) as caught:
        w.desk.confirm(ORG, held.id, code)
    assert caught.value.code == "booking.hold.expired"
    with w.store.unit_of_work() as uow:
        assert uow.booking.get(ORG, held.id).state is AppointmentState.EXPIRED
    assert EIGHT in w.slots(DAY)


def test_a_wrong_code_counts_and_the_fifth_releases_the_hold(world) -> None:
    w = world()
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    code = w.last_code()
    for left in (4, 3, 2, 1):
        with pytest.raises(CodeRefused) as caught:
            w.desk.confirm(ORG, held.id, wrong(code))
        assert caught.value.code == "booking.code.wrong"
        assert f"{left} attempts left" in caught.value.en
    with pytest.raises(CodeRefused) as caught:
        w.desk.confirm(ORG, held.id, wrong(code))
    assert caught.value.code == "booking.code.attempts"
    assert EIGHT in w.slots(DAY)  # released
    with pytest.raises(BookingError):
        w.desk.confirm(ORG, held.id, code)  # even the right one now


def test_resending_is_limited_and_a_new_code_invalidates_the_old(world) -> None:
    w = world()
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    first = w.last_code()
    with pytest.raises(CodeRefused) as caught:
        w.desk.resend_code(ORG, held.id)
    assert caught.value.code == "booking.code.resend_wait"
    w.advance(minutes=1)
    w.desk.resend_code(ORG, held.id)
    second = w.last_code()
    w.advance(minutes=1)
    w.desk.resend_code(ORG, held.id)
    third = w.last_code()
    w.advance(minutes=1)
    with pytest.raises(CodeRefused) as caught:
        w.desk.resend_code(ORG, held.id)
    assert caught.value.code == "booking.code.resend_limit"
    assert len([m for m in w.mails(ANA.email) if "Koda" in m.subject]) == 3
    for old in {first, second} - {third}:
        with pytest.raises(CodeRefused) as refused:
            w.desk.confirm(ORG, held.id, old)
        assert refused.value.code == "booking.code.wrong"
    assert w.desk.confirm(ORG, held.id, third).state is AppointmentState.CONFIRMED


def test_a_code_for_another_hold_is_refused(world) -> None:
    w = world()
    a = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    code_a = w.last_code(ANA.email)
    b = w.desk.reserve(ORG, "center", "info", NINE, BOJAN)
    with pytest.raises(CodeRefused):
        w.desk.confirm(ORG, b.id, code_a)
    # Even the same digits do not carry over: the hold's id is inside the HMAC.
    salt, digest = hash_code(b"c" * 32, a.id, "123456")
    assert not check_code(b"c" * 32, b.id, "123456", salt, digest)


def test_the_comparison_is_constant_time(world, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(codes_module.hmac, "compare_digest", spy)
    w = world()
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    with pytest.raises(CodeRefused):
        w.desk.confirm(ORG, held.id, wrong(w.last_code()))
    w.desk.confirm(ORG, held.id, w.last_code())
    assert len(calls) == 2
    assert all(len(a) == len(b) == 32 for a, b in calls)


def test_codes_come_from_the_secure_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def fake(n: int) -> int:
        seen.append(n)
        return 42

    monkeypatch.setattr(codes_module.secrets, "randbelow", fake)
    assert new_code() == "000042"
    assert seen == [10**6]


def test_a_hold_whose_seats_were_taken_over_is_not_confirmed(world) -> None:
    # Another process, whose clock saw the hold lapse, took its seats; a late confirmation
    # from a process with a slower clock must not make a booking without seats.
    w = world()
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    code = w.last_code(hold_id=held.id)
    w.advance(minutes=16)
    other = w.desk.reserve(ORG, "center", "info", EIGHT, BOJAN)
    w.advance(minutes=-11)
    with pytest.raises(BookingError) as caught:
        w.desk.confirm(ORG, held.id, code)
    assert caught.value.code == "booking.hold.expired"
    with w.store.unit_of_work() as uow:
        assert {s.appointment_id for s in uow.booking.seats(ORG, other.id)} == {other.id}
        assert uow.booking.get(ORG, held.id).state is AppointmentState.EXPIRED


def test_one_address_has_at_most_two_live_holds_and_the_third_sends_nothing(world) -> None:
    w = world()
    ten = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    first = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    w.desk.reserve(ORG, "center", "info", NINE, ANA)
    sent = len(w.mails(ANA.email))
    shouting = attrs.evolve(ANA, email=ANA.email.upper())
    with pytest.raises(BookingError) as refused:
        w.desk.reserve(ORG, "center", "info", ten, shouting)
    assert refused.value.code == "booking.too_many_holds"
    assert ANA.email not in str(refused.value)
    assert len(w.mails(ANA.email)) == sent  # no code e-mail for the refused hold
    assert ten in w.slots(DAY)  # and the slot stays free
    # Another address is not limited; going back frees a place for Ana.
    w.desk.reserve(ORG, "center", "info", ten, BOJAN)
    w.desk.back(ORG, first.id)
    assert w.desk.reserve(ORG, "center", "info", EIGHT, ANA).state is AppointmentState.HELD
    # A lapsed hold does not count either.
    w.advance(minutes=16)
    later = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert w.desk.reserve(ORG, "center", "info", later, ANA).state is AppointmentState.HELD
