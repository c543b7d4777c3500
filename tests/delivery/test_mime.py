"""MIME: structure, UTF-8 headers and file names, Message-ID and Date, parsed back by the stdlib."""

from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage as Parsed

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szo_core.delivery.message import Attachment, EmailMessage
from szo_core.delivery.mime import make_message_id, message_bytes, to_mime
from szo_core.errors import InvalidComponent, InvalidFormat

NOW = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
PDF = b"%PDF-1.4\n\x00\xff binary \r\n data"


def _mail(**changes: object) -> EmailMessage:
    fields: dict[str, object] = {
        "sender": "racuni@vrtec-cebelica.si",
        "sender_name": "Vrtec Čebelica, enota Žabica",
        "to": ("ana.novak@example.si",),
        "subject": "Račun št. 2026-000123 za september: plačilo do 18. oktobra",
        "text": "Spoštovani,\n\nv prilogi je račun (112,40 €).\n",
    }
    fields.update(changes)
    return EmailMessage(**fields)  # type: ignore[arg-type]


def _parse(data: bytes) -> Parsed:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, Parsed)
    return parsed


def _text(part: Parsed) -> str:
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def test_text_only_is_one_plain_part_with_utf8_headers() -> None:
    data = message_bytes(_mail(), now=NOW)
    assert data.isascii()  # RFC 2047 words and quoted-printable: 7-bit clean
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    parsed = _parse(data)
    assert parsed.get_content_type() == "text/plain"
    assert parsed["Subject"] == "Račun št. 2026-000123 za september: plačilo do 18. oktobra"
    assert parsed["From"].addresses[0].display_name == "Vrtec Čebelica, enota Žabica"
    assert parsed["From"].addresses[0].addr_spec == "racuni@vrtec-cebelica.si"
    assert _text(parsed) == "Spoštovani,\n\nv prilogi je račun (112,40 €).\n"
    assert parsed["Content-Transfer-Encoding"] == "quoted-printable"


def test_alternative_text_first_html_last_inside_mixed_with_attachments() -> None:
    mail = _mail(
        html="<p>Spoštovani, račun je v <b>prilogi</b>.</p>",
        cc=("oce@example.si",),
        reply_to="tajnistvo@vrtec-cebelica.si",
        attachments=(
            Attachment("Račun 2026-000123 Šinkovec Žiga.pdf", PDF, "application/pdf"),
            Attachment("eslog.xml", b"<Invoice/>", "application/xml"),
        ),
    )
    parsed = _parse(message_bytes(mail, now=NOW))
    assert parsed.get_content_type() == "multipart/mixed"
    parts = list(parsed.iter_parts())
    assert [p.get_content_type() for p in parts] == [
        "multipart/alternative",
        "application/pdf",
        "application/xml",
    ]
    alternatives = list(parts[0].iter_parts())
    assert [p.get_content_type() for p in alternatives] == ["text/plain", "text/html"]
    body = parsed.get_body(preferencelist=("html", "plain"))
    assert body is not None
    assert body.get_content_type() == "text/html"
    assert _text(body) == "<p>Spoštovani, račun je v <b>prilogi</b>.</p>\n"
    pdf = parts[1]
    assert pdf.get_filename() == "Račun 2026-000123 Šinkovec Žiga.pdf"
    assert pdf.get_content() == PDF
    assert pdf["Content-Transfer-Encoding"] == "base64"
    assert b"filename*=utf-8''Ra%C4%8Dun%202026-000123%20%C5%A0inkovec" in message_bytes(
        mail, now=NOW
    )
    assert [a.addr_spec for a in parsed["Cc"].addresses] == ["oce@example.si"]
    assert parsed["Reply-To"].addresses[0].addr_spec == "tajnistvo@vrtec-cebelica.si"


def test_html_without_attachments_is_alternative_at_the_top() -> None:
    parsed = _parse(message_bytes(_mail(html="<p>x</p>"), now=NOW))
    assert parsed.get_content_type() == "multipart/alternative"


def test_date_comes_from_now_and_keeps_its_offset() -> None:
    cest = timezone(timedelta(hours=2))
    parsed = _parse(message_bytes(_mail(), now=datetime(2026, 9, 30, 10, 5, 7, tzinfo=cest)))
    assert parsed["Date"] == "Wed, 30 Sep 2026 10:05:07 +0200"
    assert parsed["Date"].datetime == datetime(2026, 9, 30, 8, 5, 7, tzinfo=UTC)


def test_message_id_is_kept_or_made_at_the_senders_domain() -> None:
    assert _parse(message_bytes(_mail(message_id="<k-1@szo>"), now=NOW))["Message-ID"] == (
        "<k-1@szo>"
    )
    made = _parse(message_bytes(_mail(), now=NOW))["Message-ID"]
    assert made.endswith("@vrtec-cebelica.si>")
    assert made == make_message_id(_mail(), now=NOW)
    assert make_message_id(_mail(), now=NOW + timedelta(microseconds=1)) != made
    assert make_message_id(_mail(to="b@example.si"), now=NOW) != made


def test_bytes_are_deterministic() -> None:
    mail = _mail(html="<p>x</p>", attachments=(Attachment("a.pdf", PDF, "application/pdf"),))
    assert message_bytes(mail, now=NOW) == message_bytes(mail, now=NOW)


def test_international_address_makes_an_smtputf8_message() -> None:
    data = message_bytes(_mail(to="žan.kovač@example.si"), now=NOW)
    assert "To: žan.kovač@example.si".encode() in data
    from email import message_from_string

    parsed = message_from_string(data.decode("utf-8"), policy=policy.SMTPUTF8)
    assert parsed["To"].addresses[0].username == "žan.kovač"
    assert parsed["Subject"].startswith("Račun")


def test_extra_headers_and_refusals() -> None:
    parsed = _parse(message_bytes(_mail(headers=(("X-Szo-Outbox", "42"),)), now=NOW))
    assert parsed["X-Szo-Outbox"] == "42"
    with pytest.raises(InvalidComponent) as reserved:
        to_mime(_mail(headers=(("bcc", "x@example.si"),)), now=NOW)
    assert reserved.value.code == "delivery.header_reserved"
    assert reserved.value.where == "EmailMessage.headers[0]"
    with pytest.raises(InvalidFormat) as newline:
        to_mime(_mail(subject="Račun\r\nBcc: tat@example.si"), now=NOW)
    assert newline.value.code == "delivery.header_newline"
    with pytest.raises(InvalidFormat, match=r"delivery\.header_newline"):
        to_mime(_mail(sender_name="A\nB"), now=NOW)
    with pytest.raises(InvalidFormat, match=r"delivery\.header_name"):
        to_mime(_mail(headers=(("X Bad", "1"),)), now=NOW)
    with pytest.raises(InvalidFormat, match=r"delivery\.message_id"):
        to_mime(_mail(message_id="no-brackets@x"), now=NOW)
    with pytest.raises(InvalidComponent, match=r"delivery\.naive_time"):
        to_mime(_mail(), now=datetime(2026, 10, 1))
    with pytest.raises(InvalidComponent, match=r"delivery\.no_recipients"):
        to_mime(_mail(to=()), now=NOW)


def test_a_bad_address_names_the_field_not_the_address() -> None:
    with pytest.raises(InvalidFormat) as caught:
        to_mime(_mail(to=("ok@example.si", "ana.novak@@example")), now=NOW)
    assert caught.value.code == "delivery.email_invalid"
    assert caught.value.where == "EmailMessage.to[1]"
    assert "ana.novak" not in str(caught.value) + caught.value.message("en")


_HEADER_TEXT = st.text(
    st.one_of(
        st.sampled_from("čšžćđČŠŽĆĐ €„“–…"),
        # The BMP: the stdlib folds long encoded words of astral characters with a stray space.
        st.characters(
            categories=("L", "N", "P", "S", "Zs"), exclude_characters='\\"/', max_codepoint=0xFFFF
        ),
    ),
    max_size=80,
).map(lambda value: " ".join(value.split()))


@settings(max_examples=60, deadline=None)
@given(
    subject=_HEADER_TEXT,
    name=_HEADER_TEXT,
    text=st.text(
        st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), include_characters="\n"),
        max_size=300,
    ),
    filename=_HEADER_TEXT.filter(bool),
)
def test_round_trip_through_the_parser(subject: str, name: str, text: str, filename: str) -> None:
    mail = _mail(
        subject=subject,
        sender_name=name or None,
        text=text,
        attachments=(Attachment(filename, b"x", "application/pdf"),),
    )
    parsed = _parse(message_bytes(mail, now=NOW))
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == name
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    assert _text(body).rstrip("\n") == text.rstrip("\n")
    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == filename
