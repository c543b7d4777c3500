"""Properties of the outbox under any sequence of send results and clock steps.

Hypothesis draws how many messages are stored, what the sender answers each
time (sent, temporary, permanent) and how far the clock moves between rounds;
the dispatcher runs until every message is final.  Then, on the memory store
and on SQLite alike:

* every message is final (the retry time runs out at the latest);
* a message is at the server once if it is ``sent``, never otherwise;
* its ``attempts`` is the number of times it was handed to the sender;
* a ``failed`` one got a permanent answer last, a ``given_up`` one a temporary
  one, and was given up only when the next attempt would have fallen after
  ``give_up_after``; a ``queued`` one never stays behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.outbox._messages import ORG, T0, email

from szo_core.adapters.memory import ManualClock, MemoryStore
from szo_core.adapters.sql import SqlStore, migrate
from szo_core.delivery.message import DeliveryStatus, EmailMessage, SendResult
from szo_core.outbox import Dispatcher, OutboxState, RetryPolicy
from szo_core.ports import Storage

POLICY = RetryPolicy(
    base=timedelta(minutes=1),
    factor=2,
    cap=timedelta(minutes=8),
    jitter=0.5,
    give_up_after=timedelta(minutes=30),
)


class ScriptedSender:
    """Answers from a script (then always sent); counts what it was handed and what it sent."""

    def __init__(self, script: Sequence[DeliveryStatus]) -> None:
        self.script = list(script)
        self.handed: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.last: dict[str, DeliveryStatus] = {}

    def send(self, messages: Sequence[EmailMessage]) -> tuple[SendResult, ...]:
        results = []
        for message in messages:
            assert message.message_id is not None
            status = self.script.pop(0) if self.script else DeliveryStatus.SENT
            self.handed[message.message_id] += 1
            self.last[message.message_id] = status
            if status is DeliveryStatus.SENT:
                self.accepted[message.message_id] += 1
            code = None if status is DeliveryStatus.SENT else f"test.{status.value}"
            results.append(SendResult(status, message_id=message.message_id, code=code))
        return tuple(results)


scenario = st.tuples(
    st.integers(1, 6),
    st.lists(st.sampled_from(list(DeliveryStatus)), max_size=40),
    st.lists(st.integers(30, 900), min_size=1, max_size=20),  # 500 rounds outlast give-up
    st.integers(1, 4),
    st.floats(0, 1, exclude_max=True),
)


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    if request.param == "memory":
        return MemoryStore
    template = tmp_path / "template.sqlite"
    migrate(template)
    counter = iter(range(10**6))

    def sqlite() -> Storage:
        path = tmp_path / f"db{next(counter)}.sqlite"
        path.write_bytes(template.read_bytes())
        return SqlStore.open(path, migrate=False)

    return sqlite


def test_every_message_ends_final_and_sent_ones_reached_the_server_once(
    make_store: object,
) -> None:
    assert callable(make_store)

    @settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(scenario)
    def check(case: tuple[int, list[DeliveryStatus], list[int], int, float]) -> None:
        count, script, steps, batch, jitter = case
        store: Storage = make_store()
        clock = ManualClock(T0)
        with store.unit_of_work() as uow:
            for n in range(count):
                uow.outbox.enqueue(email(n))
            uow.commit()
        sender = ScriptedSender(script)
        dispatcher = Dispatcher(
            store, clock=clock, mail=sender, policy=POLICY, batch_size=batch, random=lambda: jitter
        )
        for round_ in range(500):
            dispatcher.run_once()
            with store.unit_of_work() as uow:
                counts = uow.outbox.counts()
            if counts[OutboxState.QUEUED] == counts[OutboxState.SENDING] == 0:
                break
            clock.advance(timedelta(seconds=steps[round_ % len(steps)]))
        with store.unit_of_work() as uow:
            messages = uow.outbox.for_organisation(ORG)
        assert len(messages) == count
        for m in messages:
            assert m.state.final, m.state
            assert m.attempts == sender.handed[m.message_id]
            assert sender.accepted[m.message_id] == (1 if m.state is OutboxState.SENT else 0)
            if m.state is OutboxState.FAILED:
                assert sender.last[m.message_id] is DeliveryStatus.PERMANENT
                assert m.last_error_code == "test.permanent"
            if m.state is OutboxState.GIVEN_UP:
                assert sender.last[m.message_id] is DeliveryStatus.TEMPORARY
                assert m.last_error_detail.startswith(f"given up after {m.attempts} attempts")
                would_be = m.next_attempt_at + POLICY.delay(m.attempts, jitter)
                assert would_be > m.created_at + POLICY.give_up_after
        dispose = getattr(store, "dispose", None)
        if dispose is not None:
            dispose()

    check()
