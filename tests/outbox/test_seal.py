"""Sealed outbox messages: encryption, key rotation, tampering, storage, CLI."""

from __future__ import annotations

import base64
import email
import email.policy
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from sqlalchemy import update
from tests.outbox._messages import ORG, T0

from szo_core.adapters.sql import SqlStore, tables
from szo_core.cli import main
from szo_core.delivery.message import Attachment, Channel, EmailMessage, SmsMessage
from szo_core.errors import ConfigurationError, StorageError
from szo_core.outbox import (
    SEAL_KEYS_ENV,
    IdempotencyKey,
    OutboxSeal,
    OutboxState,
    SealedMessage,
    UnsealError,
    new_message,
)
from szo_core.outbox.codec import dump_stored, load_stored

OLD, NEW = b"o" * 32, b"n" * 48
ADDRESS = "ana.novak@example.si"


def _mail(code: str = "123456") -> EmailMessage:
    return EmailMessage(
        sender="ue@example.si",
        to=ADDRESS,
        subject="Koda za potrditev",
        text=f"Vaša koda je {code}.",
        html=f"<p>Vaša koda je <b>{code}</b>.</p>",
        attachments=(Attachment("termin.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar"),),
    )


def _queued(seal: OutboxSeal | None, code: str = "123456") -> object:
    key = IdempotencyKey(f"booking-code:{code}", ADDRESS, Channel.EMAIL)
    return new_message(ORG, key, _mail(code), now=T0, seal=seal)


def test_a_sealed_message_opens_to_exactly_the_message_with_its_message_id() -> None:
    seal = OutboxSeal([NEW])
    queued = new_message(
        ORG, IdempotencyKey("c:1", ADDRESS, Channel.EMAIL), _mail(), now=T0, seal=seal
    )
    plain = new_message(ORG, IdempotencyKey("c:1", ADDRESS, Channel.EMAIL), _mail(), now=T0)
    assert isinstance(queued.message, SealedMessage)
    assert queued.sealed
    assert not plain.sealed
    assert queued.message.to == (ADDRESS,)
    assert queued.recipients == plain.recipients
    assert seal.open(queued.message) == plain.message  # Message-ID and attachment included
    assert "123456" not in queued.message.token
    assert queued.id == plain.id
    assert queued.message_id == plain.message_id


def test_a_sealed_message_hides_itself_from_email_sms_and_repr() -> None:
    queued = _queued(OutboxSeal([NEW]))
    with pytest.raises(TypeError, match="sealed"):
        _ = queued.email  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="sealed"):
        _ = queued.sms  # type: ignore[attr-defined]
    text = repr(queued) + repr(queued.message)  # type: ignore[attr-defined]
    assert ADDRESS not in text
    assert "ana.novak" not in text
    assert queued.message.token not in text  # type: ignore[attr-defined]


def test_a_new_secret_first_seals_and_the_old_one_still_opens() -> None:
    old, rotated = OutboxSeal([OLD]), OutboxSeal([NEW, OLD])
    before = old.seal(_mail())
    assert rotated.open(before).text == "Vaša koda je 123456."
    after = rotated.seal(_mail("654321"))
    assert OutboxSeal([NEW]).open(after).text == "Vaša koda je 654321."
    with pytest.raises(UnsealError) as refused:
        old.open(after)
    assert refused.value.code == "outbox.sealed"
    assert (old + OutboxSeal([NEW])).open(after).text.endswith("654321.")


def test_a_changed_token_or_another_channel_is_refused() -> None:
    seal = OutboxSeal([NEW])
    sealed = seal.seal(SmsMessage(to="+38641123456", text="Koda 123456"))
    raw = bytearray(base64.urlsafe_b64decode(sealed.token))
    raw[40] ^= 1
    changed = attrs.evolve(sealed, token=base64.urlsafe_b64encode(bytes(raw)).decode())
    with pytest.raises(UnsealError):
        seal.open(changed)
    with pytest.raises(UnsealError):
        seal.open(attrs.evolve(sealed, token="č" + sealed.token))
    with pytest.raises(ConfigurationError) as wrong:
        new_message(
            ORG,
            IdempotencyKey("c:1", "+38641123456", Channel.SMS),
            _mail(),
            now=T0,
            seal=seal,
        )
    assert wrong.value.code == "outbox.channel"


@pytest.mark.parametrize(
    "secrets",
    [[], [b"short"], ["base64:!!!"], ["hex:zz"], ["plain text of forty characters, no prefix"]],
)
def test_bad_secrets_are_refused_without_echoing_them(secrets: list[bytes | str]) -> None:
    with pytest.raises(ConfigurationError) as refused:
        OutboxSeal(secrets)
    assert refused.value.code == "outbox.seal_key"
    assert "forty" not in str(refused.value)
    assert "short" not in str(refused.value)


def test_the_environment_gives_the_secrets_newest_first() -> None:
    env = {SEAL_KEYS_ENV: "hex:" + NEW.hex() + ", base64:" + base64.b64encode(OLD).decode()}
    seal = OutboxSeal.from_env(env)
    assert seal is not None
    assert repr(seal) == "OutboxSeal(keys=2)"
    assert OutboxSeal([NEW]).open(seal.seal(_mail())).subject == "Koda za potrditev"
    assert OutboxSeal.from_env({SEAL_KEYS_ENV: "  "}) is None


def test_the_stored_form_keeps_only_the_token_and_a_damaged_one_is_a_storage_error() -> None:
    sealed = OutboxSeal([NEW]).seal(_mail())
    text = dump_stored(sealed)
    assert "123456" not in text
    assert "Koda" not in text
    assert load_stored(text, Channel.EMAIL) == sealed
    with pytest.raises(StorageError) as damaged:
        load_stored('{"sealed":1,"token":"x"}', Channel.EMAIL)
    assert damaged.value.code == "outbox.payload"


def test_sql_keeps_a_sealed_message_and_gives_it_back(tmp_path: Path) -> None:
    seal = OutboxSeal([NEW])
    store = SqlStore.open(tmp_path / "szo.sqlite")
    queued = _queued(seal)
    with store.unit_of_work() as uow:
        uow.outbox.enqueue(queued)  # type: ignore[arg-type]
        uow.commit()
    with store.unit_of_work() as uow:
        [back] = uow.outbox.for_organisation(ORG)
    store.dispose()
    assert back == queued
    assert seal.open(back.message).text == "Vaša koda je 123456."  # type: ignore[arg-type]


def test_szo_outbox_run_opens_sealed_messages_with_the_keys_of_the_environment(
    tmp_path: Path,
) -> None:
    from szo_core.adapters.clock import SystemClock

    db, out = tmp_path / "szo.sqlite", tmp_path / "poslano"
    seal = OutboxSeal([NEW])
    store = SqlStore.open(db)
    now = SystemClock().now()
    with store.unit_of_work() as uow:
        uow.outbox.enqueue(
            new_message(
                ORG, IdempotencyKey("c:1", ADDRESS, Channel.EMAIL), _mail(), now=now, seal=seal
            )
        )
        uow.commit()
    store.dispose()
    args = ["outbox", "run", "--db", str(db), "--out", str(out), "--once", "--lang", "en"]
    runner = CliRunner()

    bad = runner.invoke(main, args, env={SEAL_KEYS_ENV: "hex:abcd"})
    assert bad.exit_code == 2
    assert "abcd" not in bad.output

    blind = runner.invoke(main, args, env={SEAL_KEYS_ENV: ""})
    assert blind.exit_code == 0, blind.output
    assert "Sent 0, retrying later 1" in blind.output
    store = SqlStore.open(db)
    with store.unit_of_work() as uow:
        [waiting] = uow.outbox.for_organisation(ORG)
    assert (waiting.state, waiting.last_error_code) == (OutboxState.QUEUED, "outbox.sealed")
    with store.engine.begin() as conn:  # due again now: the backoff is not under test here
        conn.execute(update(tables.outbox).values(next_attempt_at=now))
    store.dispose()
    assert not list(out.glob("*.eml"))

    sent = runner.invoke(main, args, env={SEAL_KEYS_ENV: "hex:" + NEW.hex()})
    assert sent.exit_code == 0, sent.output
    assert sent.output.startswith("Sent 1,")
    [eml] = out.glob("*.eml")
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    assert "Vaša koda je 123456." in body.get_content()
