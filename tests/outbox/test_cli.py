"""``szo outbox status`` and ``szo outbox run`` on a SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from tests.outbox._messages import T0, email, sms

from szo_core.adapters.sql import SqlStore
from szo_core.cli import main


def _database(path: Path) -> SqlStore:
    store = SqlStore.open(path)
    with store.unit_of_work() as uow:
        for message in (email(1), email(2), email(3), sms(4)):
            uow.outbox.enqueue(message)
        uow.commit()
    with store.unit_of_work() as uow:
        claimed = {
            m.key.event: m for m in uow.outbox.claim(T0, limit=10, lease=timedelta(minutes=5))
        }
        uow.outbox.mark_sent(claimed["invoice:2026-09:1"], now=T0)
        uow.outbox.mark_permanent(
            claimed["invoice:2026-09:2"], now=T0, code="smtp.550", detail="550 5.1.1 no such user"
        )
        uow.outbox.give_up(
            claimed["booking:4"], now=T0, code="sms.http.503", detail="given up after 9 attempts"
        )
        uow.commit()
    return store


def test_status_counts_and_lists_failures_without_addresses(tmp_path: Path) -> None:
    db = tmp_path / "szo.sqlite"
    _database(db).dispose()
    result = CliRunner().invoke(main, ["outbox", "status", "--db", str(db), "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Outbox: queued 0, sending 1, sent 1, failed 1, given up 1"
    assert lines[1] == "Failed and given-up messages:"
    assert (
        f"failed  vrtec  {email(2).id}  invoice:2026-09:2  email  attempts: 1  "
        "smtp.550 550 5.1.1 no such user" in lines[2]
    )
    assert (
        f"given up  vrtec  {sms(4).id}  booking:4  sms  attempts: 1  "
        "sms.http.503 given up after 9 attempts" in lines[3]
    )
    assert "@example.si" not in result.output
    assert "+3864112" not in result.output


def test_status_in_slovenian_for_one_organisation(tmp_path: Path) -> None:
    db = tmp_path / "szo.sqlite"
    _database(db).dispose()
    result = CliRunner().invoke(main, ["outbox", "status", "--db", str(db), "--org", "sola"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Izhodna vrsta (sola): v vrsti 0, v pošiljanju 0, poslano 0, neuspešno 0, opuščeno 0\n"
    )


def test_status_of_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["outbox", "status", "--db", str(tmp_path / "none.sqlite"), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "No such database" in result.output
