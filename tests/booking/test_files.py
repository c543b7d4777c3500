"""The file exchange: limits, types, names, deletion on close or after a while, logged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.booking.conftest import ANA, ORG, World, make_office

from szo_core.adapters.booking_files import FolderBookingFiles
from szo_core.adapters.memory import MemoryStore
from szo_core.booking import BookingError, FileLimits, LinkError
from szo_core.errors import ConfigurationError, InvalidComponent, InvalidFormat, InvalidLength

EIGHT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def booked_world(tmp_path: Path, **limits: object) -> tuple[World, object, str, str]:
    w = World(MemoryStore(), make_office(), files=FolderBookingFiles(tmp_path / "files"))
    if limits:
        w.desk.file_limits = FileLimits(**limits)  # type: ignore[arg-type]
    held = w.desk.reserve(ORG, "center", "info", EIGHT, ANA)
    booked = w.desk.confirm(ORG, held.id, w.last_code(hold_id=held.id))
    citizen = w.desk.links(booked).files.split("t=", 1)[1]
    official = w.desk.official_token(booked)
    return w, booked, citizen, official


def test_both_sides_upload_and_download(tmp_path: Path) -> None:
    w, booked, citizen, official = booked_world(tmp_path)
    mine = w.desk.upload(citizen, "vloga za potrdilo.pdf", PDF)
    w.advance(minutes=1)
    theirs = w.desk.upload(official, "odgovor.pdf", PDF + b"%2")
    assert (mine.uploaded_by, theirs.uploaded_by) == ("citizen", "official")
    assert [f.name for f in w.desk.list_files(official)] == ["vloga za potrdilo.pdf", "odgovor.pdf"]
    record, data = w.desk.download(official, mine.id)
    assert data == PDF
    assert record.content_type == "application/pdf"
    on_disk = list((tmp_path / "files" / ORG / booked.id).iterdir())
    assert sorted(p.name for p in on_disk) == sorted([mine.id, theirs.id])


def test_a_file_too_large_is_refused(tmp_path: Path) -> None:
    w, _, citizen, _ = booked_world(tmp_path, max_file_bytes=100)
    with pytest.raises(InvalidLength) as caught:
        w.desk.upload(citizen, "velika.pdf", PDF + b"x" * 100)
    assert caught.value.code == "messaging.attachment.size"
    with pytest.raises(InvalidLength):
        w.desk.upload(citizen, "prazna.pdf", b"")


def test_too_many_or_too_much_in_all_is_refused(tmp_path: Path) -> None:
    w, _, citizen, _ = booked_world(tmp_path, max_files=2)
    w.desk.upload(citizen, "a.pdf", PDF)
    w.desk.upload(citizen, "b.pdf", PDF)
    with pytest.raises(InvalidComponent) as caught:
        w.desk.upload(citizen, "c.pdf", PDF)
    assert caught.value.code == "booking.files.count"


def test_too_much_in_all_is_refused(tmp_path: Path) -> None:
    w, _, citizen, _ = booked_world(tmp_path, max_total_bytes=len(PDF) * 2 + 1)
    w.desk.upload(citizen, "a.pdf", PDF)
    w.desk.upload(citizen, "b.pdf", PDF)
    with pytest.raises(InvalidComponent) as caught:
        w.desk.upload(citizen, "c.pdf", PDF)
    assert caught.value.code == "booking.files.total"
    assert len(w.desk.list_files(citizen)) == 2


def test_a_wrong_type_or_a_disguised_file_is_refused(tmp_path: Path) -> None:
    w, _, citizen, _ = booked_world(tmp_path)
    for name, data, code in (
        ("program.exe", b"MZ\x90\x00", "messaging.attachment.type"),
        ("stran.html", b"<script>alert(1)</script>", "messaging.attachment.type"),
        ("izvid.pdf", b"<html><script>alert(1)</script>", "messaging.attachment.content"),
        ("slika.png", PDF, "messaging.attachment.content"),
    ):
        with pytest.raises(InvalidFormat) as caught:
            w.desk.upload(citizen, name, data)
        assert caught.value.code == code, name
    assert w.desk.list_files(citizen) == ()


def test_path_traversal_names_stay_inside_the_folder(tmp_path: Path) -> None:
    w, booked, citizen, _ = booked_world(tmp_path)
    for name in ("../../../etc/passwd.pdf", "..\\..\\win.ini.pdf", "/abs/path.pdf", ".pdf"):
        w.desk.upload(citizen, name, PDF)
    names = sorted(f.name for f in w.desk.list_files(citizen))
    assert names == ["passwd.pdf", "path.pdf", "priloga.pdf", "win.ini.pdf"]
    files = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert all(str(p).startswith(f"files/{ORG}/{booked.id}/") for p in files)
    assert not any(".." in str(p) for p in files)
    with pytest.raises(ConfigurationError):
        FolderBookingFiles(tmp_path / "x").put(ORG, "../escape", "f", PDF)


def test_closing_deletes_the_files_logs_it_and_refuses_more(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    w, booked, citizen, official = booked_world(tmp_path)
    w.desk.upload(citizen, "a.pdf", PDF)
    w.desk.upload(official, "b.pdf", PDF)
    with caplog.at_level(logging.INFO, logger="szo_core.booking"):
        w.desk.close(ORG, booked.id)
    assert not (tmp_path / "files" / ORG / booked.id).exists()
    [line] = [r.getMessage() for r in caplog.records if "deleted" in r.getMessage()]
    assert f"appointment={booked.id}" in line
    assert "files=2" in line
    assert "reason=closed" in line
    assert ANA.email not in caplog.text
    assert "a.pdf" not in caplog.text
    for side in (citizen, official):
        with pytest.raises(BookingError) as caught:
            w.desk.upload(side, "c.pdf", PDF)
        assert caught.value.code == "booking.files.closed"
        with pytest.raises(BookingError):
            w.desk.list_files(side)


def test_files_are_deleted_after_the_configured_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    w, booked, citizen, _ = booked_world(tmp_path, keep_after_end=timedelta(hours=2))
    w.desk.upload(citizen, "a.pdf", PDF)
    w.clock.set(booked.end + timedelta(hours=1))
    assert w.desk.purge_files(ORG) == 0
    w.clock.set(booked.end + timedelta(hours=2, minutes=1))
    with caplog.at_level(logging.INFO, logger="szo_core.booking"):
        assert w.desk.purge_files(ORG) == 1
    assert "reason=retention" in caplog.text
    assert not (tmp_path / "files" / ORG / booked.id).exists()
    assert w.desk.purge_files(ORG) == 0


def test_another_links_token_does_not_open_the_folder(tmp_path: Path) -> None:
    w, booked, _, _ = booked_world(tmp_path)
    survey = w.desk.links(booked).survey.split("t=", 1)[1]
    with pytest.raises(LinkError):
        w.desk.upload(survey, "a.pdf", PDF)
