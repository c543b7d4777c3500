"""The notify benchmark's baseline renders exactly the texts notify sends.

``benchmarks/bench_notify.py`` compares ``notify`` with bare Jinja2 "rendering
the same texts" (issue 17).  Its baseline templates are written by hand (the text
body, the footer with the unsubscribe link); this pins them to what ``notify``
actually queues, so that a change of the footer, of the text part or of the
link makes the benchmark's comparison fail here instead of drifting.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_notify", BENCHMARKS / "bench_notify.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_notify", module)
    spec.loader.exec_module(module)
    return module


def test_the_baseline_renders_what_notify_sends(bench: ModuleType) -> None:
    events = bench._events(6, 3)
    bench.check_same_texts(events, 3, count=6)  # raises AssertionError on any difference
    subject, html, text, sms = bench.same_texts(events[4:5])()
    assert subject == "Zadeva 3500-1/2026: dodeljena uradniku"
    assert html.endswith("</p>")
    assert "Odjava: https://portal.obcina.si/obvestila/odjava?t=" in html
    assert text.startswith("Spoštovani,\n\nvaša zadeva 3500-1/2026 je dobila")
    assert "\n\n-- \nObvestila o zadevi prejemate" in text
    assert sms.startswith("Obvestilo: zadeva 3500-1/2026 ")


def test_each_subscriber_gets_their_own_link(bench: ModuleType) -> None:
    events = bench._events(2, 2)  # two subscribers, one event each
    first, second = (bench.same_texts([event])() for event in events)
    assert first[1] != second[1]
    assert first[2] != second[2]
    assert first[0].replace("3500-0", "3500-1") == second[0]


def test_a_baseline_that_drifts_is_caught(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = bench._events(1, 1)
    monkeypatch.setattr(bench, "TEXT", bench.TEXT.replace("Lep pozdrav", "Lp"))
    with pytest.raises(AssertionError):
        bench.check_same_texts(events, 1, count=1)
