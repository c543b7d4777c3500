"""Attachments: limits, safe names, the store port on memory and a folder, kept on forward."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.messaging.conftest import ORG, T0

from szo_core.adapters.attachments import FolderAttachmentStore
from szo_core.adapters.memory_messaging import MemoryAttachmentStore
from szo_core.errors import (
    ConfigurationError,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    NotFound,
    StorageError,
)
from szo_core.messaging import AttachmentLimits, Messaging, Upload
from szo_core.messaging.attachments import MAX_NAME_CHARS, check_upload, check_uploads, safe_name
from szo_core.messaging.ports import AttachmentStore
from szo_core.ports import Storage

PDF = b"%PDF-1.7\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


STORES: dict[str, Callable[[Path], AttachmentStore]] = {
    "memory": lambda _: MemoryAttachmentStore(),
    "folder": lambda tmp: FolderAttachmentStore(tmp / "priloge"),
}


@pytest.fixture(params=sorted(STORES))
def files(request: pytest.FixtureRequest, tmp_path: Path) -> AttachmentStore:
    return STORES[request.param](tmp_path)


def test_the_store_keeps_bytes_by_id_per_organisation(files: AttachmentStore) -> None:
    files.put(ORG, key(PDF), PDF)
    files.put(ORG, key(PDF), b"other bytes under the same id are not written")
    assert files.get(ORG, key(PDF)) == PDF
    assert files.exists(ORG, key(PDF))
    assert not files.exists("drugi", key(PDF))
    with pytest.raises(NotFound):
        files.get("drugi", key(PDF))


@pytest.mark.parametrize(
    ("org", "ident"),
    [(ORG, "../../etc/passwd"), (ORG, "A" * 64), (ORG, key(PDF)[:-1]), ("../x", key(PDF)),
     (".hidden", key(PDF)), ("a/b", key(PDF))],
)  # fmt: skip
def test_keys_that_could_leave_the_folder_are_refused(
    files: AttachmentStore, org: str, ident: str
) -> None:
    for call in (lambda: files.put(org, ident, PDF), lambda: files.get(org, ident),
                 lambda: files.exists(org, ident)):  # fmt: skip
        with pytest.raises(ConfigurationError) as err:
            call()
        assert err.value.code == "messaging.attachment.key"


def test_the_folder_writes_whole_files_and_refuses_changed_ones(tmp_path: Path) -> None:
    files = FolderAttachmentStore(tmp_path)
    files.put(ORG, key(PDF), PDF)
    path = tmp_path / ORG / key(PDF)[:2] / key(PDF)
    assert path.read_bytes() == PDF
    assert [p.name for p in path.parent.iterdir()] == [key(PDF)]  # no temporary file left
    path.write_bytes(b"tampered")
    with pytest.raises(StorageError) as err:
        files.get(ORG, key(PDF))
    assert err.value.code == "attachments.corrupt"
    assert FolderAttachmentStore(tmp_path).exists(ORG, key(PDF))  # a second store sees it


@pytest.mark.parametrize(
    ("name", "data", "error", "code"),
    [
        ("program.exe", b"MZ", InvalidFormat, "messaging.attachment.type"),
        ("stran.html", b"<script>", InvalidFormat, "messaging.attachment.type"),
        ("slika.svg", b"<svg onload=x>", InvalidFormat, "messaging.attachment.type"),
        ("brez-koncnice", b"x", InvalidFormat, "messaging.attachment.type"),
        ("izvid.pdf", b"<html>not a pdf", InvalidFormat, "messaging.attachment.content"),
        ("slika.png", PDF, InvalidFormat, "messaging.attachment.content"),
        ("tabela.xlsx", b"plain text", InvalidFormat, "messaging.attachment.content"),
        ("opis.txt", b"\xff\xfe\x00bad utf-8", InvalidFormat, "messaging.attachment.content"),
        ("prazno.pdf", b"", InvalidLength, "messaging.attachment.size"),
        ("velik.pdf", PDF + b"x" * 100, InvalidLength, "messaging.attachment.size"),
    ],
)
def test_files_outside_the_limits_are_refused(
    name: str, data: bytes, error: type[Exception], code: str
) -> None:
    limits = AttachmentLimits(max_file_bytes=100)
    with pytest.raises(error) as err:
        check_upload(name, data, limits=limits, index=2)
    assert getattr(err.value, "code", None) == code
    assert getattr(err.value, "where", None) == "attachments[2]"


def test_allowed_files_get_their_type_and_id() -> None:
    ref, data = check_upload("Slika Č.JPG", b"\xff\xd8\xff\xe0 jpeg")
    assert (ref.name, ref.content_type, ref.size, ref.id) == (
        "Slika Č.JPG",
        "image/jpeg",
        9,
        key(b"\xff\xd8\xff\xe0 jpeg"),
    )
    assert data == b"\xff\xd8\xff\xe0 jpeg"
    assert check_upload("seznam.csv", b"ime;priimek\n")[0].content_type == "text/csv"
    assert check_upload("slika.png", PNG)[0].content_type == "image/png"


def test_message_limits_count_the_kept_files_too() -> None:
    limits = AttachmentLimits(max_files=2, max_total_bytes=40, max_file_bytes=40)
    kept, _ = check_upload("a.pdf", PDF)
    check_uploads((Upload("b.pdf", PDF),), limits=limits, kept=(kept,))
    with pytest.raises(InvalidComponent) as count:
        check_uploads((Upload("b.pdf", PDF), Upload("c.pdf", PDF)), limits=limits, kept=(kept,))
    assert count.value.code == "messaging.attachment.count"
    with pytest.raises(InvalidComponent) as total:
        check_uploads((Upload("b.pdf", PDF + b"x" * 20),), limits=limits, kept=(kept,))
    assert total.value.code == "messaging.attachment.total"
    with pytest.raises(ConfigurationError):
        AttachmentLimits(max_files=0)


@given(st.text(max_size=300))
def test_safe_names_are_safe_and_stable(name: str) -> None:
    clean = safe_name(name)
    assert clean
    assert len(clean) <= MAX_NAME_CHARS
    assert not set(clean) & set("/\\<>\"'&;:=`\x00\r\n\t")
    assert not clean.startswith((".", " "))
    assert safe_name(clean) == clean


def test_long_names_keep_their_extension() -> None:
    clean = safe_name("a" * 300 + ".pdf")
    assert len(clean) == MAX_NAME_CHARS
    assert clean.endswith("a.pdf")


def test_attachments_are_stored_and_kept_on_forward(store: Storage, tmp_path: Path) -> None:
    files = FolderAttachmentStore(tmp_path / "priloge")
    ids = iter(["m1", "m2", "m3"])
    messaging = Messaging(attachments=files, new_id=ids.__next__)
    with store.unit_of_work() as uow:
        draft = messaging.draft(
            uow, ORG, "ana", subject="Izvid", body="<p>V prilogi.</p>", recipients=["bojan"]
        )
        sent = messaging.send(
            uow, draft, now=T0, uploads=[Upload("../izvid <Marija>.pdf", PDF), Upload("s.png", PNG)]
        )
        uow.commit()
    [pdf, png] = sent.message.attachments
    assert (pdf.name, pdf.content_type, pdf.size) == (
        "izvid _Marija_.pdf",
        "application/pdf",
        len(PDF),
    )
    assert files.get(ORG, pdf.id) == PDF
    assert files.get(ORG, png.id) == PNG
    with store.unit_of_work() as uow:
        forward = messaging.forward(uow, ORG, "bojan", "m1").confirm("dusan")
        assert forward.attachments == (pdf, png)
        assert "Priloge: izvid _Marija_.pdf, s.png" in forward.body_html
        forwarded = messaging.send(uow, forward, now=T0, uploads=[Upload("dodatek.txt", b"x")])
        reply = messaging.reply(uow, ORG, "bojan", "m1")
        uow.commit()
    assert [a.name for a in forwarded.message.attachments] == [
        "izvid _Marija_.pdf",
        "s.png",
        "dodatek.txt",
    ]
    assert reply.attachments == ()  # a reply does not send the files back
    with store.unit_of_work() as uow:
        stored = uow.messaging.get_message(ORG, "m2")
    assert stored.attachments == forwarded.message.attachments
    assert sorted(p.name for p in (tmp_path / "priloge").rglob("*") if p.is_file()) == sorted(
        [pdf.id, png.id, key(b"x")]
    )


def test_files_without_a_store_are_refused_and_nothing_is_stored(store: Storage) -> None:
    messaging = Messaging()
    with store.unit_of_work() as uow:
        draft = messaging.draft(uow, ORG, "ana", subject="S", recipients=["bojan"])
        with pytest.raises(ConfigurationError) as err:
            messaging.send(uow, draft, now=T0, uploads=[Upload("a.pdf", PDF)])
        with pytest.raises(InvalidFormat):  # checked before anything is stored
            Messaging(attachments=MemoryAttachmentStore()).send(
                uow, draft, now=T0, uploads=[Upload("a.exe", b"MZ")]
            )
        uow.commit()
    assert err.value.code == "messaging.attachments"
    with store.unit_of_work() as uow:
        assert messaging.unread_count(uow, ORG, "bojan") == 0
