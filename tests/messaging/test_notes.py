"""Department instructions and observations, the login notice, messages pre-filled from a note."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.messaging.conftest import ORG, T0

from szo_core.errors import InvalidComponent, NotFound
from szo_core.messaging import LoginNotice, Messaging, NoteKind
from szo_core.ports import Storage


def test_the_login_notice_counts_unread_and_new_notes_since_the_last_one(
    store: Storage, messaging: Messaging
) -> None:
    with store.unit_of_work() as uow:
        first = messaging.login_notice(uow, ORG, "cvetka", now=T0)
        uow.commit()
    assert first == LoginNotice(0, 0, 0, None)
    assert first.empty
    with store.unit_of_work() as uow:
        write = messaging.write_note
        write(
            uow,
            ORG,
            "ana",
            kind=NoteKind.INSTRUCTION,
            department="Modri oddelek",
            text="Kopanje ob 10h.",
            now=T0 + timedelta(hours=1),
        )
        write(
            uow,
            ORG,
            "bojan",
            kind=NoteKind.OBSERVATION,
            department="Modri oddelek",
            resident="Marija Kranjc",
            text="Slabo je spala.",
            now=T0 + timedelta(hours=2),
        )
        write(
            uow,
            ORG,
            "bojan",
            kind=NoteKind.OBSERVATION,
            department="Modri oddelek",
            resident="Janez Kranjc",
            text="Ni jedel.",
            now=T0 + timedelta(hours=2),
        )
        write(
            uow,
            ORG,
            "bojan",
            kind=NoteKind.OBSERVATION,
            department="Rumeni oddelek",
            text="Ni njenega oddelka.",
            now=T0 + timedelta(hours=2),
        )
        write(
            uow,
            ORG,
            "cvetka",
            kind=NoteKind.INSTRUCTION,
            department="Modri oddelek",
            text="Njeno lastno.",
            now=T0 + timedelta(hours=2),
        )
        for subject in ("A", "B"):
            draft = messaging.draft(uow, ORG, "ana", subject=subject, recipients=["cvetka"])
            messaging.send(uow, draft, now=T0 + timedelta(hours=3))
        uow.commit()
    with store.unit_of_work() as uow:
        notice = messaging.login_notice(uow, ORG, "cvetka", now=T0 + timedelta(hours=4))
        everything = messaging.login_notice(uow, ORG, "dusan", now=T0 + timedelta(hours=4))
        uow.commit()
    assert notice == LoginNotice(2, 1, 2, T0)
    assert notice.text() == (
        "Čakata vas 2 neprebrani sporočili, 1 novo navodilo oddelkom in 2 novi opažanji."
    )
    assert notice.text("en") == (
        "Waiting for you: 2 unread messages, 1 new department instruction and 2 new observations."
    )
    assert everything == LoginNotice(0, 2, 3, None)  # no departments: every department
    with store.unit_of_work() as uow:
        again = messaging.login_notice(uow, ORG, "cvetka", now=T0 + timedelta(hours=5))
        with pytest.raises(InvalidComponent):
            messaging.login_notice(uow, ORG, "eva", now=T0)
        with pytest.raises(InvalidComponent):
            messaging.write_note(
                uow, ORG, "eva", kind=NoteKind.OBSERVATION, department="x", text="y", now=T0
            )
    assert again == LoginNotice(2, 0, 0, T0 + timedelta(hours=4))


def test_slovenian_plurals_of_the_notice() -> None:
    assert LoginNotice(1, 3, 5).text() == (
        "Čaka vas 1 neprebrano sporočilo, 3 nova navodila oddelkom in 5 novih opažanj."
    )
    assert LoginNotice(5, 101, 102).text() == (
        "Čaka vas 5 neprebranih sporočil, 101 novo navodilo oddelkom in 102 novi opažanji."
    )
    assert LoginNotice(3, 0, 0).text().startswith("Čakajo vas 3 neprebrana sporočila")


def test_a_message_prefilled_from_a_note_goes_only_to_the_staff_chosen(
    store: Storage, messaging: Messaging
) -> None:
    with store.unit_of_work() as uow:
        note = messaging.write_note(
            uow,
            ORG,
            "bojan",
            kind=NoteKind.OBSERVATION,
            department="Modri oddelek",
            resident="Marija <Kranjc>",
            text="Slabo je spala.\nPoklicati <b>hčer</b>.",
            now=T0,
        )
        draft = messaging.from_note(uow, ORG, "ana", note.id)
        assert draft.subject == "Opažanje: Modri oddelek"
        assert draft.recipients == ()
        assert draft.candidates == ("bojan", "cvetka", "dusan")  # active, Modri or every dept.
        assert draft.note_id == note.id
        assert draft.body_html == (
            "<p><strong>Opažanje</strong><br>Oddelek: Modri oddelek<br>"
            "Stanovalec: Marija &lt;Kranjc&gt;<br>Avtor: Bojan Kos, 2. decembra 2026 ob 9.05</p>"
            "<blockquote><p>Slabo je spala.<br>Poklicati &lt;b&gt;hčer&lt;/b&gt;.</p></blockquote>"
        )
        with pytest.raises(InvalidComponent):
            messaging.send(uow, draft, now=T0)  # nobody confirmed yet
        sent = messaging.send(uow, draft.confirm("cvetka"), now=T0).message
        english = messaging.from_note(uow, ORG, "ana", note.id, language="en")
        with pytest.raises(NotFound):
            messaging.from_note(uow, ORG, "ana", "no-such-note")
        uow.commit()
    assert sent.recipient_ids == ("cvetka",)
    assert sent.note_id == note.id
    assert "Slabo je spala." in sent.body_text
    assert english.subject == "Observation: Modri oddelek"
    with store.unit_of_work() as uow:
        assert messaging.unread_count(uow, ORG, "cvetka") == 1
        assert messaging.unread_count(uow, ORG, "dusan") == 0
        instruction = messaging.write_note(
            uow,
            ORG,
            "ana",
            kind="instruction",  # type: ignore[arg-type]
            department="Rumeni oddelek",
            text="Zračenje.",
            now=T0,
        )
        from_instruction = messaging.from_note(uow, ORG, "bojan", instruction.id)
    assert from_instruction.subject == "Navodilo oddelku: Rumeni oddelek"
    assert from_instruction.candidates == ("ana", "dusan")  # Cvetka works on Modri only
    assert "Stanovalec" not in from_instruction.body_html
