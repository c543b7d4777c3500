"""Compose, views, unread, archive and delete, reply, reply to all, forward: on every backend."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from tests.messaging.conftest import ORG, T0

from szo_core.errors import ConfigurationError, InvalidComponent, InvalidLength, NotFound
from szo_core.messaging import Folder, MessageKind, Messaging, MessagingSettings
from szo_core.ports import Storage


def send_one(
    store: Storage,
    messaging: Messaging,
    sender: str = "ana",
    to: tuple[str, ...] = ("bojan", "cvetka"),
    *,
    subject: str = "Kosilo",
    body: str = "<p>Kosilo bo ob <b>12.00</b>.</p>",
    minutes: int = 0,
) -> str:
    with store.unit_of_work() as uow:
        draft = messaging.draft(uow, ORG, sender, subject=subject, body=body, recipients=to)
        report = messaging.send(uow, draft, now=T0 + timedelta(minutes=minutes))
        uow.commit()
    return report.message.id


def test_only_confirmed_recipients_receive_it(store: Storage, messaging: Messaging) -> None:
    with store.unit_of_work() as uow:
        draft = messaging.draft(
            uow,
            ORG,
            "ana",
            subject="Sestanek",
            body="<p>Ob 10h.</p>",
            candidates=["bojan", "cvetka", "dusan"],
        )
        with pytest.raises(InvalidComponent) as err:
            messaging.send(uow, draft, now=T0)  # candidates only: nobody confirmed
        assert err.value.code == "messaging.no_recipients"
        draft = draft.confirm("dusan").confirm("bojan").without("cvetka")
        assert draft.recipients == ("dusan", "bojan")
        assert draft.candidates == ()
        report = messaging.send(uow, draft, now=T0)
        uow.commit()
    assert report.message.recipient_ids == ("dusan", "bojan")
    with store.unit_of_work() as uow:
        for who, count in (("dusan", 1), ("bojan", 1), ("cvetka", 0), ("ana", 0)):
            assert messaging.unread_count(uow, ORG, who) == count
        assert [i.message.id for i in messaging.sent(uow, ORG, "ana").items] == ["m1"]
        assert messaging.inbox(uow, ORG, "cvetka").items == ()


def test_unknown_inactive_and_disabled_are_refused_and_nothing_is_stored(
    store: Storage, messaging: Messaging
) -> None:
    with store.unit_of_work() as uow:
        for to, code, where in (
            (("bojan", "nobody"), "messaging.operator_unknown", "recipient nobody"),
            (("eva",), "messaging.operator_inactive", "recipient eva"),
        ):
            draft = messaging.draft(uow, ORG, "ana", subject="S", recipients=to)
            with pytest.raises(InvalidComponent) as err:
                messaging.send(uow, draft, now=T0)
            assert (err.value.code, err.value.where) == (code, where)
        with pytest.raises(InvalidComponent) as err:
            messaging.draft(uow, ORG, "eva", subject="S")
        assert err.value.code == "messaging.operator_inactive"
        draft = messaging.draft(uow, ORG, "ana", subject="x" * 201, recipients=["bojan"])
        with pytest.raises(InvalidLength):
            messaging.send(uow, draft, now=T0)
        uow.messaging.save_settings(MessagingSettings(organisation_id=ORG, enabled=False))
        with pytest.raises(ConfigurationError) as off:
            messaging.send(uow, draft, now=T0)
        assert off.value.code == "messaging.disabled"
        assert "Sporočila" in off.value.sl
        assert "Messaging" in off.value.en
        uow.commit()
    with store.unit_of_work() as uow:
        assert messaging.unread_count(uow, ORG, "bojan") == 0
        assert uow.messaging.find_message(ORG, "m1") is None


def test_the_body_is_sanitised_and_has_a_text_alternative(
    store: Storage, messaging: Messaging
) -> None:
    body = (
        '<p style="color:red" onclick="steal()">Pozdravljeni,</p>'
        '<ul><li>soba <em>3</em></li><li><a href="https://dom.si/n/4" target="_blank">navodilo</a>'
        '</li></ul><img src="https://tracker.example/p.gif"><script>alert(1)</script>'
        "<table><tr><td>zajtrk</td><td>7.30</td></tr></table>"
    )
    send_one(store, messaging, subject="Jutri\r\nBcc: vsi@example.si", body=body)
    with store.unit_of_work() as uow:
        m = uow.messaging.get_message(ORG, "m1")
    assert m.subject == "Jutri Bcc: vsi@example.si"
    assert m.body_html == (
        "<p>Pozdravljeni,</p><ul><li>soba <em>3</em></li><li>"
        '<a href="https://dom.si/n/4" rel="noopener noreferrer">navodilo</a></li></ul>'
        "<table><tbody><tr><td>zajtrk</td><td>7.30</td></tr></tbody></table>"
    )
    assert m.body_text == (
        "Pozdravljeni,\n\n- soba 3\n- navodilo (https://dom.si/n/4)\n\nzajtrk | 7.30"
    )


def test_views_are_newest_first_and_paged(store: Storage, messaging: Messaging) -> None:
    for n in range(7):
        send_one(store, messaging, subject=f"S{n}", minutes=n)
    with store.unit_of_work() as uow:
        first = messaging.inbox(uow, ORG, "bojan", size=3)
        second = messaging.inbox(uow, ORG, "bojan", page=2, size=3)
        last = messaging.inbox(uow, ORG, "bojan", page=3, size=3)
        with pytest.raises(ConfigurationError):
            messaging.inbox(uow, ORG, "bojan", page=0)
    assert [i.message.subject for i in first.items] == ["S6", "S5", "S4"]
    assert first.has_next
    assert second.has_next
    assert not last.has_next
    assert [i.message.subject for i in second.items] == ["S3", "S2", "S1"]
    assert [i.message.subject for i in last.items] == ["S0"]
    assert all(i.unread for i in first.items)


def test_reading_is_per_recipient(store: Storage, messaging: Messaging) -> None:
    send_one(store, messaging)
    with store.unit_of_work() as uow:
        opened = messaging.open(uow, ORG, "bojan", "m1", now=T0 + timedelta(hours=1))
        uow.commit()
    assert opened.subject == "Kosilo"
    with store.unit_of_work() as uow:
        assert messaging.unread_count(uow, ORG, "bojan") == 0
        assert messaging.unread_count(uow, ORG, "cvetka") == 1
        assert not messaging.inbox(uow, ORG, "bojan").items[0].unread
        assert messaging.inbox(uow, ORG, "cvetka").items[0].unread
        messaging.open(uow, ORG, "bojan", "m1", now=T0 + timedelta(hours=5))
        entry = uow.messaging.find_entry(ORG, "bojan", "m1", Folder.INBOX)
        assert entry is not None
        assert entry.read_at == T0 + timedelta(hours=1)
        messaging.mark_unread(uow, ORG, "bojan", "m1")
        assert messaging.unread_count(uow, ORG, "bojan") == 1
        with pytest.raises(NotFound) as err:
            messaging.open(uow, ORG, "dusan", "m1", now=T0)  # not his message
        assert err.value.code == "messaging.not_found"


def test_archive_and_delete_are_per_operator(store: Storage, messaging: Messaging) -> None:
    send_one(store, messaging)
    with store.unit_of_work() as uow:
        messaging.archive(uow, ORG, "bojan", "m1")
        messaging.delete(uow, ORG, "ana", "m1", folder=Folder.SENT)
        uow.commit()
    with store.unit_of_work() as uow:
        assert messaging.inbox(uow, ORG, "bojan").items == ()
        assert [i.message.id for i in messaging.inbox(uow, ORG, "bojan", archived=True).items] == [
            "m1"
        ]
        assert messaging.unread_count(uow, ORG, "bojan") == 1  # archived, still unread
        assert [i.message.id for i in messaging.inbox(uow, ORG, "cvetka").items] == ["m1"]
        assert messaging.sent(uow, ORG, "ana").items == ()
        messaging.archive(uow, ORG, "bojan", "m1", archived=False)
        assert [i.message.id for i in messaging.inbox(uow, ORG, "bojan").items] == ["m1"]
        messaging.delete(uow, ORG, "cvetka", "m1")
        uow.commit()
    with store.unit_of_work() as uow:
        assert messaging.inbox(uow, ORG, "cvetka").items == ()
        assert [i.message.id for i in messaging.inbox(uow, ORG, "bojan").items] == ["m1"]
        with pytest.raises(NotFound):
            messaging.delete(uow, ORG, "cvetka", "m1")
        with pytest.raises(NotFound):  # she deleted her copy: she cannot reply to it any more
            messaging.reply(uow, ORG, "cvetka", "m1")


def test_reply_goes_to_the_sender_with_the_original_quoted(
    store: Storage, messaging: Messaging
) -> None:
    send_one(store, messaging)
    with store.unit_of_work() as uow:
        draft = messaging.reply(uow, ORG, "bojan", "m1", body="<p>Bom tam.</p>")
        assert draft.recipients == ("ana",)
        assert draft.kind is MessageKind.REPLY
        assert draft.subject == "Odg: Kosilo"
        assert draft.body_html == (
            "<p>Bom tam.</p><p>Ana Novak, 2. decembra 2026 ob 9.05:</p>"
            "<blockquote><p>Kosilo bo ob <b>12.00</b>.</p></blockquote>"
        )
        sent = messaging.send(uow, draft, now=T0 + timedelta(hours=1)).message
        again = messaging.reply(uow, ORG, "ana", sent.id)  # a reply to a reply
        own = messaging.reply(uow, ORG, "ana", "m1")  # a reply to one's own message
        english = messaging.reply(uow, ORG, "bojan", "m1", language="en")
        uow.commit()
    assert (sent.thread_id, sent.parent_id, sent.kind) == ("m1", "m1", MessageKind.REPLY)
    assert again.subject == "Odg: Kosilo"
    assert again.recipients == ("bojan",)
    assert own.recipients == ("bojan", "cvetka")
    assert english.subject == "Re: Kosilo"
    assert english.body_html.startswith("<p>Ana Novak, December 2, 2026 at 9:05")
    with store.unit_of_work() as uow:
        assert [m.id for m in messaging.thread(uow, ORG, "ana", "m1")] == ["m1", "m2"]
        assert [m.id for m in messaging.thread(uow, ORG, "cvetka", "m1")] == ["m1"]  # not hers
        assert messaging.unread_count(uow, ORG, "ana") == 1
        messaging.delete(uow, ORG, "ana", "m2")  # deleted from her inbox: out of her thread
        assert [m.id for m in messaging.thread(uow, ORG, "ana", "m1")] == ["m1"]
        assert [m.id for m in messaging.thread(uow, ORG, "bojan", "m1")] == ["m1", "m2"]


def test_reply_all_reaches_everyone_but_oneself(store: Storage, messaging: Messaging) -> None:
    send_one(store, messaging, to=("bojan", "cvetka", "dusan"))
    with store.unit_of_work() as uow:
        draft = messaging.reply_all(uow, ORG, "cvetka", "m1", body="<p>Hvala.</p>")
        own = messaging.reply_all(uow, ORG, "ana", "m1")
        report = messaging.send(uow, draft, now=T0 + timedelta(minutes=3))
        uow.messaging.update_operator(
            attrs.evolve(uow.messaging.get_operator(ORG, "dusan"), active=False)
        )
        without_inactive = messaging.reply_all(uow, ORG, "bojan", "m1")
        uow.commit()
    assert draft.recipients == ("ana", "bojan", "dusan")
    assert draft.kind is MessageKind.REPLY_ALL
    assert draft.subject == "Odg: Kosilo"
    assert own.recipients == ("bojan", "cvetka", "dusan")
    assert without_inactive.recipients == ("ana", "cvetka")
    assert report.message.thread_id == "m1"
    with store.unit_of_work() as uow:
        assert messaging.unread_count(uow, ORG, "cvetka") == 1  # only the original
        assert messaging.unread_count(uow, ORG, "bojan") == 2


def test_forward_has_new_recipients_the_original_quoted_and_a_prefix(
    store: Storage, messaging: Messaging
) -> None:
    send_one(store, messaging, subject='Odg: <b>"Kosilo"</b>')
    with store.unit_of_work() as uow:
        draft = messaging.forward(uow, ORG, "bojan", "m1", body="<p>V vednost.</p>")
        assert draft.recipients == ()
        assert draft.kind is MessageKind.FORWARD
        assert draft.subject == 'Posr: Odg: <b>"Kosilo"</b>'
        assert draft.body_html == (
            "<p>V vednost.</p><p>---------- Posredovano sporočilo ----------<br>"
            "Od: Ana Novak<br>Datum: 2. decembra 2026 ob 9.05<br>"
            "Zadeva: Odg: &lt;b&gt;&quot;Kosilo&quot;&lt;/b&gt;<br>Za: Bojan Kos, Cvetka Zupan</p>"
            "<blockquote><p>Kosilo bo ob <b>12.00</b>.</p></blockquote>"
        )
        english = messaging.forward(uow, ORG, "bojan", "m1", language="en")
        assert english.subject.startswith("Fwd: ")
        assert "Forwarded message" in english.body_html
        with pytest.raises(InvalidComponent):
            messaging.send(uow, draft, now=T0)
        sent = messaging.send(uow, draft.confirm("dusan"), now=T0 + timedelta(hours=2)).message
        uow.commit()
    assert (sent.recipient_ids, sent.thread_id, sent.parent_id) == (("dusan",), "m1", "m1")
    with store.unit_of_work() as uow:
        item = messaging.inbox(uow, ORG, "dusan").items[0]
    assert item.message.subject == 'Posr: Odg: <b>"Kosilo"</b>'  # plain text, escaped when shown
    assert "<p>V vednost.</p>" in item.message.body_html


def test_prefixes_are_not_repeated() -> None:
    from szo_core.messaging.service import subject_prefixed

    assert subject_prefixed("odg: x", MessageKind.REPLY) == "odg: x"
    assert subject_prefixed("RE: x", MessageKind.REPLY) == "RE: x"
    assert subject_prefixed("Posr: x", MessageKind.FORWARD) == "Posr: x"
    assert subject_prefixed("Fwd: x", MessageKind.REPLY, "en") == "Re: Fwd: x"
    assert subject_prefixed("", MessageKind.REPLY) == "Odg:"
    assert subject_prefixed("x", MessageKind.NEW) == "x"


def test_a_draft_cannot_claim_a_thread_or_files_it_does_not_come_from(
    store: Storage, messaging: Messaging
) -> None:
    from szo_core.adapters.memory_messaging import MemoryAttachmentStore
    from szo_core.messaging import Upload

    files = Messaging(attachments=MemoryAttachmentStore(), new_id=iter(["f1", "f2"]).__next__)
    with store.unit_of_work() as uow:
        draft = files.draft(uow, ORG, "ana", subject="Izvid", recipients=["bojan"])
        secret = files.send(uow, draft, now=T0, uploads=[Upload("izvid.pdf", b"%PDF-1.7")])
        uow.commit()
    ref = secret.message.attachments[0]
    send_one(store, messaging, sender="cvetka", to=("dusan",))  # m1, between Cvetka and Dušan
    with store.unit_of_work() as uow:
        own = messaging.draft(uow, ORG, "dusan", subject="S", recipients=["cvetka"])
        forward = messaging.forward(uow, ORG, "dusan", "m1").confirm("bojan")
        cases = [
            (attrs.evolve(own, attachments=(ref,)), "messaging.draft", "Draft.attachments"),
            (attrs.evolve(own, thread_id="f1"), "messaging.draft", "Draft.thread_id"),
            (attrs.evolve(forward, attachments=(ref,)), "messaging.draft", "Draft.attachments"),
            (attrs.evolve(forward, thread_id="f1"), "messaging.draft", "Draft.thread_id"),
        ]
        for bad, code, where in cases:
            with pytest.raises(InvalidComponent) as err:
                Messaging(attachments=MemoryAttachmentStore()).send(uow, bad, now=T0)
            assert (err.value.code, err.value.where) == (code, where)
        with pytest.raises(NotFound):  # a parent Dušan cannot see
            messaging.send(uow, attrs.evolve(own, parent_id="f1"), now=T0)
        with pytest.raises(NotFound):
            messaging.send(uow, attrs.evolve(own, note_id="no-such-note"), now=T0)
        with pytest.raises(ConfigurationError) as size:
            messaging.inbox(uow, ORG, "dusan", size=0)
        assert size.value.code == "messaging.page_size"
        uow.commit()
    with store.unit_of_work() as uow:
        assert messaging.unread_count(uow, ORG, "cvetka") == 0
        assert [i.message.id for i in messaging.inbox(uow, ORG, "bojan").items] == ["f1"]
