"""The folder adapters: .eml files and SMS as JSON lines."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import attrs
import pytest

from szo_core.adapters.files import SMS_FILE, FileMailSender, FileSmsSender
from szo_core.adapters.memory import ManualClock
from szo_core.delivery.message import Attachment, DeliveryStatus, EmailMessage, SmsMessage
from szo_core.errors import ConfigurationError
from szo_core.ports import MailSender, SmsSender

NOW = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)


def _mail(n: int = 0, **changes: object) -> EmailMessage:
    fields: dict[str, object] = {
        "sender": "vrtec@example.si",
        "to": f"starsi{n}@example.si",
        "subject": f"Račun {n}",
        "text": "Besedilo",
    }
    fields.update(changes)
    return EmailMessage(**fields)  # type: ignore[arg-type]


def test_one_eml_per_mail_named_by_time_and_readable(tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    sender: MailSender = FileMailSender(tmp_path / "out", clock=clock)
    assert isinstance(sender, FileMailSender)
    first = sender.send(
        [_mail(0, attachments=(Attachment("račun.pdf", b"%PDF", "application/pdf"),)), _mail(1)]
    )
    clock.advance(timedelta(seconds=1))
    second = sender.send([_mail(2)])
    assert all(r.ok for r in first + second)
    files = sender.files()
    assert [f.name[:23] for f in files] == [
        "20261001T083000.000000Z",
        "20261001T083000.000000Z",
        "20261001T083001.000000Z",
    ]
    subjects = [message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"] for f in files]
    assert subjects == ["Račun 0", "Račun 1", "Račun 2"]  # sorted by name = the order sent
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == first[0].message_id
    assert parsed["Date"].datetime == NOW
    assert next(parsed.iter_attachments()).get_filename() == "račun.pdf"  # type: ignore[attr-defined]
    assert not [p for p in (tmp_path / "out").iterdir() if p.suffix != ".eml"]  # no temporaries


def test_two_senders_same_instant_never_clash(tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    senders = [FileMailSender(tmp_path, clock=clock) for _ in range(4)]

    def run(sender: FileMailSender) -> None:
        sender.send([_mail(n) for n in range(25)])

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(list(tmp_path.glob("*.eml"))) == 100


def test_a_bad_address_is_permanent(tmp_path: Path) -> None:
    sender = FileMailSender(tmp_path, clock=ManualClock(NOW))
    bad = sender.send([_mail(to="ana@@x")])[0]
    assert (bad.status, bad.code) == (DeliveryStatus.PERMANENT, "delivery.email_invalid")


def test_write_failure_is_temporary_even_as_root(tmp_path: Path) -> None:
    sender = FileMailSender(tmp_path, clock=ManualClock(NOW))
    sms = FileSmsSender(tmp_path, clock=ManualClock(NOW))
    # A folder removed and replaced by a file: no user can write into it.
    for path in tmp_path.iterdir():
        path.unlink()
    tmp_path.rmdir()
    tmp_path.write_text("not a folder")
    try:
        assert sender.send([_mail()])[0].code == "files.io"
        result = sms.send([SmsMessage(to="041123456", text="x")])[0]
        assert (result.status, result.code) == (DeliveryStatus.TEMPORARY, "files.io")
    finally:
        tmp_path.unlink()
        tmp_path.mkdir()


def test_sms_lines(tmp_path: Path) -> None:
    sender: SmsSender = FileSmsSender(tmp_path, clock=ManualClock(NOW))
    assert isinstance(sender, FileSmsSender)
    results = sender.send(
        [
            SmsMessage(to="041 123 456", text="Račun za september: 112,40 €", reference="o-1"),
            SmsMessage(to="01 234 56 78", text="x", reference="o-2"),
            SmsMessage(to="+386 70 123 456", text="a" * 161, sender="VRTEC"),
        ]
    )
    assert [r.status for r in results] == [
        DeliveryStatus.SENT,
        DeliveryStatus.PERMANENT,
        DeliveryStatus.SENT,
    ]
    assert results[1].code == "delivery.phone_not_mobile"
    assert "234" not in results[1].detail
    assert "o-2" in results[1].detail  # names the message
    lines = [json.loads(x) for x in (tmp_path / SMS_FILE).read_text("utf-8").splitlines()]
    assert lines == list(sender.read())
    assert [(x["to"], x["parts"], x["encoding"], x["reference"]) for x in lines] == [
        ("+38641123456", 1, "UCS-2", "o-1"),
        ("+38670123456", 2, "GSM-7", None),
    ]
    assert lines[0]["text"] == "Račun za september: 112,40 €"
    assert lines[1]["sender"] == "VRTEC"
    assert lines[0]["time"] == NOW.isoformat()
    assert lines[0]["id"] == results[0].message_id


def test_sms_lines_from_threads_do_not_interleave(tmp_path: Path) -> None:
    def run() -> None:
        FileSmsSender(tmp_path, clock=ManualClock(NOW)).send(
            [SmsMessage(to="041123456", text="ž" * 500) for _ in range(50)]
        )

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(FileSmsSender(tmp_path).read()) == 200


def test_a_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigurationError) as caught:
        FileMailSender(tmp_path / "file" / "sub")
    assert caught.value.code == "files.folder"
    assert FileSmsSender(tmp_path / "empty").read() == ()


def test_message_id_names_are_reproducible_and_never_overwritten(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 10, 1, 8, 30, tzinfo=UTC))
    sender = FileMailSender(tmp_path, clock=clock, names="message-id")
    mail = EmailMessage(
        sender="vrtec@example.si",
        to="ana@example.si",
        subject="Račun",
        text="V prilogi.",
        message_id="<r-1@vrtec.si>",
    )
    [first] = sender.send([mail])
    assert first.ok
    assert [p.name for p in tmp_path.glob("*.eml")] == ["r-1_vrtec.si.eml"]
    before = (tmp_path / "r-1_vrtec.si.eml").read_bytes()
    [again] = sender.send([attrs.evolve(mail, subject="Drugo")])
    assert again.status is DeliveryStatus.PERMANENT
    assert again.code == "files.exists"
    assert (tmp_path / "r-1_vrtec.si.eml").read_bytes() == before


def test_an_unknown_naming_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as err:
        FileMailSender(tmp_path, names="random")  # type: ignore[arg-type]
    assert err.value.code == "files.names"
