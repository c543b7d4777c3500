"""Random sequences of send, open, mark unread, archive and delete against a plain model.

Whatever operators do, each one's inbox, sent view and unread count are exactly what a
dictionary of (operator, message, side) -> (read, archived) says: state is per operator
and per side, and nobody's action changes anybody else's copy.  On every backend.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from tests.messaging.conftest import OPERATORS, ORG, T0
from tests.storage._backend import Backend
from tests.storage.test_contract import backend_settings

from szo_core.errors import NotFound
from szo_core.messaging import Folder, Messaging

PEOPLE = ("ana", "bojan", "cvetka", "dusan")

sends = st.tuples(
    st.just("send"),
    st.sampled_from(PEOPLE),
    st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4, unique=True),
)
actions = st.tuples(
    st.sampled_from(["open", "unread", "archive", "restore", "delete"]),
    st.sampled_from(PEOPLE),
    st.integers(0, 7),
    st.sampled_from([Folder.INBOX, Folder.SENT]),
)
programs = st.lists(st.one_of(sends, actions), min_size=1, max_size=14)


def test_views_and_unread_follow_the_model(backend: Backend) -> None:
    @backend_settings(backend)
    @given(program=programs)
    def check(program: list[tuple[object, ...]]) -> None:
        backend.reset()
        store = backend.store
        with store.unit_of_work() as uow:
            for operator in OPERATORS:
                uow.messaging.add_operator(operator)
            uow.commit()
        counter = iter(range(1000))
        messaging = Messaging(new_id=lambda: f"m{next(counter)}")
        model: dict[tuple[str, str, Folder], dict[str, bool]] = {}
        sent: list[str] = []
        with store.unit_of_work() as uow:
            for step, op in enumerate(program):
                now = T0 + timedelta(minutes=step)
                if op[0] == "send":
                    _, sender, recipients = op
                    draft = messaging.draft(uow, ORG, str(sender), subject=f"S{step}",
                                            recipients=list(recipients))  # type: ignore[call-overload]  # fmt: skip
                    message = messaging.send(uow, draft, now=now).message
                    sent.append(message.id)
                    model[(str(sender), message.id, Folder.SENT)] = {
                        "read": True,
                        "archived": False,
                    }
                    for r in message.recipient_ids:
                        model[(r, message.id, Folder.INBOX)] = {"read": False, "archived": False}
                    continue
                action, who, index, folder = op
                if not sent:
                    continue
                mid = sent[int(index) % len(sent)]  # type: ignore[call-overload]
                who, folder = str(who), Folder(folder)  # type: ignore[arg-type]
                inbox = model.get((who, mid, Folder.INBOX))
                target = model.get((who, mid, folder))
                try:
                    if action == "open":
                        messaging.open(uow, ORG, who, mid, now=now)
                        assert inbox is not None or (who, mid, Folder.SENT) in model
                        if inbox is not None:
                            inbox["read"] = True
                    elif action == "unread":
                        messaging.mark_unread(uow, ORG, who, mid)
                        assert inbox is not None
                        inbox["read"] = False
                    elif action in ("archive", "restore"):
                        messaging.archive(uow, ORG, who, mid, folder=folder,
                                          archived=action == "archive")  # fmt: skip
                        assert target is not None
                        target["archived"] = action == "archive"
                    else:
                        messaging.delete(uow, ORG, who, mid, folder=folder)
                        assert target is not None
                        del model[(who, mid, folder)]
                except NotFound:
                    missing = inbox if action == "unread" else target
                    if action == "open":
                        missing = inbox or model.get((who, mid, Folder.SENT))
                    assert missing is None
            uow.commit()
        with store.unit_of_work() as uow:
            for who in PEOPLE:
                assert messaging.unread_count(uow, ORG, who) == sum(
                    1
                    for (o, _, f), s in model.items()
                    if o == who and f is Folder.INBOX and not s["read"]
                )
                for folder in Folder:
                    for archived in (False, True):
                        view = messaging.inbox if folder is Folder.INBOX else messaging.sent
                        page = view(uow, ORG, who, size=100, archived=archived)
                        expected = sorted(
                            (m for (o, m, f), s in model.items()
                             if o == who and f is folder and s["archived"] is archived),
                            key=lambda m: int(m[1:]), reverse=True,
                        )  # fmt: skip
                        assert [i.message.id for i in page.items] == expected
                        for item in page.items:
                            state = model[(who, item.message.id, folder)]
                            assert item.unread is (not state["read"])

    check()
