r"""The use cases an app's messaging screens call: compose, views, reply, forward, notices.

:class:`Messaging` works in the caller's unit of work and never commits: a
message, its mailbox entries and its e-mail copies in the outbox are stored
together when the caller commits, or not at all.  ``now`` always comes in.

**Drafts and confirmed recipients.**  Every message starts as a
:class:`Draft`: :meth:`Messaging.draft` (new), :meth:`~Messaging.reply`,
:meth:`~Messaging.reply_all`, :meth:`~Messaging.forward` or
:meth:`~Messaging.from_note`.  A draft has ``recipients`` (confirmed: they
receive it) and ``candidates`` (suggested, e.g. the staff of a note's
department: they receive nothing until :meth:`Draft.confirm` moves them).
:meth:`Messaging.send` sends to the confirmed recipients only.

**Replies.**  A reply goes to the sender (a reply to one's own message goes to
its recipients); a reply to all goes to the sender and every other recipient,
never to oneself; a forward has no recipients until they are confirmed and
keeps the original's attachments.  Each starts with the original quoted (a
line naming its author and time, then the original body in a
``blockquote``), and its subject prefixed ``Odg:`` / ``Posr:`` in Slovenian,
``Re:`` / ``Fwd:`` in English (a prefix already there is not repeated).
Replies and forwards stay in the original's thread.

>>> from datetime import UTC, datetime
>>> from szo_core.adapters.memory import MemoryStore
>>> from szo_core.messaging.records import Operator
>>> store, messaging = MemoryStore(), Messaging(new_id=iter(["m1", "m2"]).__next__)
>>> now = datetime(2026, 12, 2, 8, 5, tzinfo=UTC)
>>> with store.unit_of_work() as uow:
...     for op in ("ana", "bojan", "cvetka"):
...         _ = uow.messaging.add_operator(Operator(organisation_id="dom", id=op, name=op.title()))
...     draft = messaging.draft(uow, "dom", "ana", subject="Kosilo", body="<p>Ob 12.00.</p>",
...                             candidates=["bojan", "cvetka"]).confirm("bojan")
...     sent = messaging.send(uow, draft, now=now)
...     uow.commit()
>>> sent.message.recipient_ids
('bojan',)
>>> with store.unit_of_work() as uow:
...     messaging.unread_count(uow, "dom", "bojan"), messaging.unread_count(uow, "dom", "cvetka")
(1, 0)
>>> with store.unit_of_work() as uow:
...     reply = messaging.reply(uow, "dom", "bojan", "m1", body="<p>Hvala.</p>")
...     reply.subject, reply.recipients
('Odg: Kosilo', ('ana',))
>>> print(reply.body_html)
<p>Hvala.</p><p>Ana, 2. decembra 2026 ob 9.05:</p><blockquote><p>Ob 12.00.</p></blockquote>
"""

from __future__ import annotations

import html as _html
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Final

import attrs

from szo_core.delivery.message import Attachment, Channel, EmailMessage
from szo_core.errors import ConfigurationError, InvalidComponent, NotFound
from szo_core.messaging.attachments import AttachmentLimits, Upload, check_uploads
from szo_core.messaging.html import body_text, clean_body, clean_subject, clean_text
from szo_core.messaging.ports import AttachmentStore
from szo_core.messaging.records import (
    AttachmentRef,
    CopyState,
    DepartmentNote,
    Folder,
    MailboxEntry,
    Message,
    MessageKind,
    MessagingSettings,
    NoteKind,
    Operator,
)
from szo_core.outbox.records import IdempotencyKey, OutboxMessage, OutboxState, new_message
from szo_core.ports import UnitOfWork
from szo_core.templates.formatting import format_datetime, plural

__all__ = [
    "MAX_PAGE_SIZE",
    "CopyReport",
    "Draft",
    "LoginNotice",
    "Messaging",
    "Page",
    "PageItem",
    "RecipientCopy",
    "SendReport",
    "copy_event",
    "subject_prefixed",
]

MAX_PAGE_SIZE: Final = 200
"""The largest page of a view."""

_REPLY: Final = {"sl": "Odg:", "en": "Re:"}
_FORWARD: Final = {"sl": "Posr:", "en": "Fwd:"}
_REPLY_PREFIXES: Final = re.compile(r"\s*(odg|re|aw|sv)\s*:", re.IGNORECASE)
_FORWARD_PREFIXES: Final = re.compile(r"\s*(posr|fwd?|wg)\s*:", re.IGNORECASE)


def subject_prefixed(subject: str, kind: MessageKind, language: str = "sl") -> str:
    """The subject of a reply or a forward: prefixed once, in ``language``.

    >>> subject_prefixed("Kosilo", MessageKind.REPLY)
    'Odg: Kosilo'
    >>> subject_prefixed("Re: Kosilo", MessageKind.REPLY_ALL, "sl")
    'Re: Kosilo'
    >>> subject_prefixed("Odg: Kosilo", MessageKind.FORWARD, "en")
    'Fwd: Odg: Kosilo'
    """
    if kind is MessageKind.FORWARD:
        prefix, already = _FORWARD[language], _FORWARD_PREFIXES
    elif kind in (MessageKind.REPLY, MessageKind.REPLY_ALL):
        prefix, already = _REPLY[language], _REPLY_PREFIXES
    else:
        return subject
    if already.match(subject):
        return subject
    return f"{prefix} {subject}".strip()


def copy_event(message_id: str) -> str:
    """The outbox event of a message's e-mail copies (one per recipient address).

    >>> copy_event("m1")
    'messaging:m1'
    """
    return f"messaging:{message_id}"


def _dedupe(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


@attrs.frozen(kw_only=True)
class Draft:
    """A message being written (see the module): nothing is stored until it is sent.

    Attributes:
        organisation_id: The organisation.
        sender_id: Who writes it.
        subject: The subject so far.
        body_html: The body so far (the quote of a reply or forward included).
        recipients: Confirmed recipients: they receive it.
        candidates: Suggested recipients: they receive nothing unless confirmed.
        kind: New, reply, reply to all, forward.
        parent_id: The message replied to or forwarded.
        thread_id: The thread it continues, or None for a new one.
        language: ``sl`` or ``en``.
        attachments: Files kept from the forwarded message.
        note_id: The department note it was pre-filled from.
    """

    organisation_id: str
    sender_id: str
    subject: str = ""
    body_html: str = attrs.field(default="", repr=False)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=_dedupe)
    candidates: tuple[str, ...] = attrs.field(default=(), converter=_dedupe)
    kind: MessageKind = MessageKind.NEW
    parent_id: str | None = None
    thread_id: str | None = None
    language: str = "sl"
    attachments: tuple[AttachmentRef, ...] = ()
    note_id: str | None = None

    def confirm(self, *operator_ids: str) -> Draft:
        """The draft with ``operator_ids`` confirmed as recipients (taken off the candidates).

        >>> Draft(organisation_id="o", sender_id="a", candidates=("b", "c")).confirm("c")
        ... # doctest: +ELLIPSIS
        Draft(..., recipients=('c',), candidates=('b',), ...)
        """
        return attrs.evolve(
            self,
            recipients=(*self.recipients, *operator_ids),
            candidates=tuple(c for c in self.candidates if c not in operator_ids),
        )

    def without(self, *operator_ids: str) -> Draft:
        """The draft with ``operator_ids`` no longer recipients nor candidates."""
        return attrs.evolve(
            self,
            recipients=tuple(r for r in self.recipients if r not in operator_ids),
            candidates=tuple(c for c in self.candidates if c not in operator_ids),
        )

    def with_text(self, html: str) -> Draft:
        """The draft with ``html`` written above what is there (the quote)."""
        return attrs.evolve(self, body_html=f"{html}{self.body_html}")


@attrs.frozen
class RecipientCopy:
    """What happened to one recipient's e-mail copy when the message was sent.

    Attributes:
        operator_id: The recipient.
        state: ``none`` (copies off), ``queued``, ``no_address``, ``invalid_address``
            or ``no_smtp``.
        outbox_id: The outbox message, when queued.
    """

    operator_id: str
    state: CopyState
    outbox_id: str | None = None


@attrs.frozen
class SendReport:
    """The result of :meth:`Messaging.send`.

    Attributes:
        message: The stored message (delivered inside the module to every
            confirmed recipient, whatever happened to the copies).
        copies: One :class:`RecipientCopy` per recipient, in order.
        copy_error: When copies are on but the organisation has no sending
            settings, the error saying so (``messaging.smtp_missing``); else None.
    """

    message: Message
    copies: tuple[RecipientCopy, ...]
    copy_error: ConfigurationError | None = None

    @property
    def without_address(self) -> tuple[str, ...]:
        """The recipients whose copy could not be sent: no address, or not a valid one."""
        return tuple(
            c.operator_id
            for c in self.copies
            if c.state in (CopyState.NO_ADDRESS, CopyState.INVALID_ADDRESS)
        )


_NOT_QUEUED: Final = frozenset({CopyState.NO_ADDRESS, CopyState.NO_SMTP, CopyState.INVALID_ADDRESS})


@attrs.frozen
class CopyReport:
    """A recipient's e-mail copy now: its outbox state and last error, if queued.

    Attributes:
        operator_id: The recipient.
        state: The copy's state when the message was sent.
        outbox_state: The outbox message's state (queued, sending, sent,
            failed, given_up), or None when nothing was queued.
        error_code: The last delivery error's code (``smtp.550``), or None.
        error_detail: Its text (never an address).
    """

    operator_id: str
    state: CopyState
    outbox_state: OutboxState | None = None
    error_code: str | None = None
    error_detail: str = ""

    @property
    def failed(self) -> bool:
        """True when the copy will not arrive: failed for good, given up, or never queued."""
        return self.state in _NOT_QUEUED or self.outbox_state in (
            OutboxState.FAILED,
            OutboxState.GIVEN_UP,
        )


@attrs.frozen
class PageItem:
    """One row of a view: the operator's entry and the message."""

    entry: MailboxEntry
    message: Message

    @property
    def unread(self) -> bool:
        """True when the operator has not read it yet."""
        return self.entry.unread


@attrs.frozen
class Page:
    """One page of a view, newest first.

    Attributes:
        items: The rows.
        number: The page number (from 1).
        size: Rows per page.
        has_next: Whether a later page has rows.
    """

    items: tuple[PageItem, ...]
    number: int
    size: int
    has_next: bool


@attrs.frozen
class LoginNotice:
    """What waits for an operator at login (the notice in the corner).

    Attributes:
        unread_messages: Unread messages in the inbox (archived ones too).
        new_instructions: Department instructions written since the last notice.
        new_observations: Observations written since the last notice.
        since: The time of the last notice, or None for the first.
    """

    unread_messages: int
    new_instructions: int
    new_observations: int
    since: datetime | None = None

    @property
    def empty(self) -> bool:
        """True when nothing waits."""
        return not (self.unread_messages or self.new_instructions or self.new_observations)

    def text(self, language: str = "sl") -> str:
        """The notice as one sentence, with the right plural forms.

        >>> LoginNotice(3, 2, 1).text()
        'Čakajo vas 3 neprebrana sporočila, 2 novi navodili oddelkom in 1 novo opažanje.'
        >>> LoginNotice(1, 0, 5).text("en")
        'Waiting for you: 1 unread message, 0 new department instructions and 5 new observations.'
        """
        if language == "en":
            parts = [
                f"{self.unread_messages} unread "
                + plural(self.unread_messages, "message", "messages", language="en"),
                f"{self.new_instructions} new department "
                + plural(self.new_instructions, "instruction", "instructions", language="en"),
                f"{self.new_observations} new "
                + plural(self.new_observations, "observation", "observations", language="en"),
            ]
            return f"Waiting for you: {parts[0]}, {parts[1]} and {parts[2]}."
        n, i, o = self.unread_messages, self.new_instructions, self.new_observations
        messages = plural(
            n,
            "neprebrano sporočilo",
            "neprebrani sporočili",
            "neprebrana sporočila",
            "neprebranih sporočil",
        )
        instructions = plural(i, "novo navodilo", "novi navodili", "nova navodila", "novih navodil")
        observations = plural(o, "novo opažanje", "novi opažanji", "nova opažanja", "novih opažanj")
        verb = plural(n, "Čaka", "Čakata", "Čakajo", "Čaka")
        return f"{verb} vas {n} {messages}, {i} {instructions} oddelkom in {o} {observations}."


def _disabled() -> ConfigurationError:
    return ConfigurationError(
        "messaging.disabled",
        sl="Sporočila v tej organizaciji niso vklopljena.",
        en="Messaging is not enabled in this organisation.",
        where="MessagingSettings.enabled",
    )


def _smtp_missing() -> ConfigurationError:
    return ConfigurationError(
        "messaging.smtp_missing",
        sl="Kopije po e-pošti so vklopljene, organizacija pa nima nastavitev pošiljanja (SMTP); "
        "sporočilo je dostavljeno le v modulu.",
        en="E-mail copies are on but the organisation has no sending (SMTP) settings; "
        "the message was delivered inside the module only.",
        where="MessagingSettings.sending",
    )


def _bad_draft(where: str) -> InvalidComponent:
    return InvalidComponent(
        "messaging.draft",
        sl="Osnutek se sklicuje na nit ali priloge, ki niso iz sporočila, na katero odgovarja.",
        en="The draft refers to a thread or files that are not those of the message it answers.",
        where=f"Draft.{where}",
    )


def _not_yours(message_id: str) -> NotFound:
    return NotFound(
        "messaging.not_found",
        sl="Sporočila ni v nabiralniku tega uporabnika.",
        en="The message is not in this operator's mailbox.",
        where=f"message {message_id}",
    )


def _operator_problem(code: str, sl: str, en: str, where: str) -> InvalidComponent:
    return InvalidComponent(code, sl=sl, en=en, where=where)


def _check_language(language: str) -> str:
    if language not in ("sl", "en"):
        raise ConfigurationError(
            "messaging.language",
            sl="Jezik je lahko sl ali en.",
            en="The language must be sl or en.",
            where="language",
        )
    return language


def _escape(text: str) -> str:
    return _html.escape(clean_subject(text), quote=True)


def _file_names(refs: Iterable[AttachmentRef]) -> str:
    """The attachments' names for HTML, escaped, comma separated."""
    return ", ".join(_html.escape(ref.name, quote=True) for ref in refs)


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs, escaped, line breaks kept."""
    blocks = [b for b in re.split(r"\n\s*\n", clean_text(text).strip()) if b.strip()]
    return "".join(
        "<p>" + "<br>".join(_html.escape(line, quote=True) for line in b.split("\n")) + "</p>"
        for b in blocks
    )


class Messaging:
    """Operator messaging on a unit of work (see the module).

    Args:
        attachments: Where attachment bytes live; needed to send files and to
            put them into e-mail copies.
        limits: The attachment limits.
        new_id: Makes message ids (random UUIDs by default); a test passes its own.
    """

    def __init__(
        self,
        *,
        attachments: AttachmentStore | None = None,
        limits: AttachmentLimits | None = None,
        new_id: Callable[[], str] | None = None,
    ) -> None:
        self._attachments = attachments
        self._limits = limits or AttachmentLimits()
        self._new_id = new_id or (lambda: uuid.uuid4().hex)

    def __repr__(self) -> str:
        return f"Messaging(attachments={self._attachments!r})"

    # -- settings and operators --------------------------------------------------------

    @staticmethod
    def settings(uow: UnitOfWork, organisation_id: str) -> MessagingSettings:
        """The organisation's settings; the defaults (on, no copies) when none were saved."""
        found = uow.messaging.settings(organisation_id)
        return found if found is not None else MessagingSettings(organisation_id=organisation_id)

    @staticmethod
    def _active(uow: UnitOfWork, organisation_id: str, operator_id: str, role: str) -> Operator:
        operator = uow.messaging.find_operator(organisation_id, operator_id)
        if operator is None:
            raise _operator_problem(
                "messaging.operator_unknown",
                "Uporabnik ne obstaja.",
                "There is no such operator.",
                f"{role} {operator_id}",
            )
        if not operator.active:
            raise _operator_problem(
                "messaging.operator_inactive",
                "Uporabnik ni aktiven.",
                "The operator is not active.",
                f"{role} {operator_id}",
            )
        return operator

    # -- composing ---------------------------------------------------------------------

    def draft(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        sender_id: str,
        *,
        subject: str = "",
        body: str = "",
        recipients: Sequence[str] = (),
        candidates: Sequence[str] = (),
        language: str = "sl",
    ) -> Draft:
        """A new message's draft (nothing stored).

        Raises:
            ConfigurationError: ``messaging.disabled``.
            InvalidComponent: ``messaging.operator_unknown`` / ``_inactive`` for the sender.
        """
        if not self.settings(uow, organisation_id).enabled:
            raise _disabled()
        self._active(uow, organisation_id, sender_id, "sender")
        return Draft(
            organisation_id=organisation_id,
            sender_id=sender_id,
            subject=subject,
            body_html=body,
            recipients=tuple(recipients),
            candidates=tuple(candidates),
            language=_check_language(language),
        )

    def send(
        self, uow: UnitOfWork, draft: Draft, *, now: datetime, uploads: Sequence[Upload] = ()
    ) -> SendReport:
        """Send ``draft`` to its confirmed recipients; store everything in ``uow``.

        The body is cleaned (:func:`~szo_core.messaging.html.clean_body`), the
        subject made one line; each recipient gets an unread inbox entry and the
        sender a sent entry.  With e-mail copies on, each recipient with an
        address gets a copy through the outbox (event :func:`copy_event`).

        Raises:
            ConfigurationError: ``messaging.disabled``; ``messaging.attachments``
                when files are sent without an attachment store.
            InvalidComponent: ``messaging.no_recipients``, ``messaging.operator_unknown``,
                ``messaging.operator_inactive`` (``where`` names the operator).
            ValidationError: a subject or body too long, a bad attachment; nothing is stored.
        """
        org = draft.organisation_id
        settings = self.settings(uow, org)
        if not settings.enabled:
            raise _disabled()
        sender = self._active(uow, org, draft.sender_id, "sender")
        if not draft.recipients:
            raise InvalidComponent(
                "messaging.no_recipients",
                sl="Sporočilo potrebuje vsaj enega potrjenega prejemnika.",
                en="A message needs at least one confirmed recipient.",
                where="recipients",
            )
        recipients = [self._active(uow, org, r, "recipient") for r in draft.recipients]
        thread_id = self._check_origin(uow, draft)
        files = check_uploads(tuple(uploads), limits=self._limits, kept=draft.attachments)
        if (files or draft.attachments) and self._attachments is None:
            raise ConfigurationError(
                "messaging.attachments",
                sl="Za priloge je potrebna shramba prilog.",
                en="Attachments need an attachment store.",
                where="Messaging.attachments",
            )
        body = clean_body(draft.body_html)
        message_id = self._new_id()
        message = Message(
            organisation_id=org,
            id=message_id,
            sender_id=sender.id,
            recipient_ids=tuple(r.id for r in recipients),
            subject=clean_subject(draft.subject),
            body_html=body,
            body_text=body_text(body),
            sent_at=now,
            thread_id=thread_id or message_id,
            parent_id=draft.parent_id,
            kind=draft.kind,
            language=_check_language(draft.language),
            attachments=(*draft.attachments, *(ref for ref, _ in files)),
            note_id=draft.note_id,
        )
        for ref, data in files:
            assert self._attachments is not None
            self._attachments.put(org, ref.id, data)
        copies, copy_error = self._copies(uow, settings, sender, recipients, message, now)
        entries = [
            MailboxEntry(
                organisation_id=org,
                operator_id=sender.id,
                message_id=message_id,
                folder=Folder.SENT,
                sent_at=now,
                read_at=now,
            ),
            *(
                MailboxEntry(
                    organisation_id=org,
                    operator_id=c.operator_id,
                    message_id=message_id,
                    folder=Folder.INBOX,
                    sent_at=now,
                    copy=c.state,
                    copy_outbox_id=c.outbox_id,
                )
                for c in copies
            ),
        ]
        uow.messaging.add_message(message, entries)
        return SendReport(message=message, copies=copies, copy_error=copy_error)

    def _check_origin(self, uow: UnitOfWork, draft: Draft) -> str | None:
        """The thread of a draft's parent, after checking what the draft says it comes from.

        A draft is a plain record an app may keep between requests: a parent the
        sender cannot see, a thread or files that are not the parent's, or a note
        that does not exist, are refused, so that no one forwards a file or joins
        a thread they never had.
        """
        org = draft.organisation_id
        if draft.note_id is not None:
            uow.messaging.get_note(org, draft.note_id)
        if draft.parent_id is None:
            if draft.thread_id is not None or draft.attachments:
                raise _bad_draft("thread_id" if draft.thread_id is not None else "attachments")
            return None
        parent = self._visible(uow, org, draft.sender_id, draft.parent_id)
        if draft.thread_id not in (None, parent.thread_id):
            raise _bad_draft("thread_id")
        if any(ref not in parent.attachments for ref in draft.attachments):
            raise _bad_draft("attachments")
        return parent.thread_id

    def _copies(
        self,
        uow: UnitOfWork,
        settings: MessagingSettings,
        sender: Operator,
        recipients: Sequence[Operator],
        message: Message,
        now: datetime,
    ) -> tuple[tuple[RecipientCopy, ...], ConfigurationError | None]:
        if not settings.email_copies:
            return tuple(RecipientCopy(r.id, CopyState.NONE) for r in recipients), None
        if settings.sending is None:
            return (
                tuple(RecipientCopy(r.id, CopyState.NO_SMTP) for r in recipients),
                _smtp_missing(),
            )
        files = tuple(
            Attachment(
                ref.name,
                self._attachments.get(message.organisation_id, ref.id),
                ref.content_type,
            )
            for ref in message.attachments
            if self._attachments is not None
        )
        from szo_core.delivery.addresses import is_valid_email

        # Every copy is built (and so checked) before the first one is stored.
        planned: list[tuple[Operator, OutboxMessage | None, CopyState]] = []
        for recipient in recipients:
            if not recipient.email:
                planned.append((recipient, None, CopyState.NO_ADDRESS))
            elif not is_valid_email(recipient.email):
                planned.append((recipient, None, CopyState.INVALID_ADDRESS))
            else:
                email = self._email(settings, sender, recipient, message, files)
                key = IdempotencyKey(copy_event(message.id), recipient.email, Channel.EMAIL)
                planned.append(
                    (recipient, new_message(message.organisation_id, key, email, now=now),
                     CopyState.QUEUED)
                )  # fmt: skip
        out = []
        for recipient, outbox_message, state in planned:
            stored = None if outbox_message is None else uow.outbox.enqueue(outbox_message).id
            out.append(RecipientCopy(recipient.id, state, stored))
        return tuple(out), None

    @staticmethod
    def _email(
        settings: MessagingSettings,
        sender: Operator,
        recipient: Operator,
        message: Message,
        files: tuple[Attachment, ...],
    ) -> EmailMessage:
        assert settings.sending is not None
        sl = message.language == "sl"
        who = "Od" if sl else "From"
        note = (
            "Kopija sporočila iz modula; odgovorite v modulu."
            if sl
            else "A copy of a message in the module; please reply there."
        )
        name = clean_subject(sender.name)
        via = settings.sending.sender_name
        listed = ""
        if message.attachments:
            label = "Priloge" if sl else "Attachments"
            listed = f"<p>{label}: {_file_names(message.attachments)}</p>"
        return EmailMessage(
            sender=settings.sending.sender,
            sender_name=f"{name} ({via})" if via else name,
            to=(recipient.email,),
            subject=message.subject or ("(brez zadeve)" if sl else "(no subject)"),
            text=f"{who}: {name}\n\n{message.body_text}\n\n-- \n{note}\n",
            html=(
                f"<p>{who}: {_html.escape(name)}</p>{message.body_html}{listed}"
                f"<hr><p><small>{note}</small></p>"
            ),
            attachments=files,
        )

    # -- views -------------------------------------------------------------------------

    def _page(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        folder: Folder,
        page: int,
        size: int,
        archived: bool,
    ) -> Page:
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise ConfigurationError(
                "messaging.page",
                sl="Številka strani mora biti celo število, vsaj 1.",
                en="The page number must be a whole number, at least 1.",
                where="page",
            )
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
            raise ConfigurationError(
                "messaging.page_size",
                sl=f"Velikost strani mora biti celo število od 1 do {MAX_PAGE_SIZE}.",
                en=f"The page size must be a whole number from 1 to {MAX_PAGE_SIZE}.",
                where="size",
            )
        rows = uow.messaging.page(
            organisation_id,
            operator_id,
            folder,
            archived=archived,
            offset=(page - 1) * size,
            limit=size + 1,
        )
        items = tuple(PageItem(entry, message) for entry, message in rows[:size])
        return Page(items=items, number=page, size=size, has_next=len(rows) > size)

    def inbox(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        *,
        page: int = 1,
        size: int = 25,
        archived: bool = False,
    ) -> Page:
        """A page of the operator's inbox (or its archive), newest first."""
        return self._page(uow, organisation_id, operator_id, Folder.INBOX, page, size, archived)

    def sent(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        *,
        page: int = 1,
        size: int = 25,
        archived: bool = False,
    ) -> Page:
        """A page of what the operator sent (or its archive), newest first."""
        return self._page(uow, organisation_id, operator_id, Folder.SENT, page, size, archived)

    @staticmethod
    def unread_count(uow: UnitOfWork, organisation_id: str, operator_id: str) -> int:
        """How many messages in the operator's inbox are unread."""
        return uow.messaging.unread_count(organisation_id, operator_id)

    @staticmethod
    def _entry(
        uow: UnitOfWork, organisation_id: str, operator_id: str, message_id: str, folder: Folder
    ) -> MailboxEntry:
        entry = uow.messaging.find_entry(organisation_id, operator_id, message_id, folder)
        if entry is None:
            raise _not_yours(message_id)
        return entry

    def _visible(
        self, uow: UnitOfWork, organisation_id: str, operator_id: str, message_id: str
    ) -> Message:
        """The message, if the operator has it in the inbox or in sent."""
        if (
            uow.messaging.find_entry(organisation_id, operator_id, message_id, Folder.INBOX) is None
            and uow.messaging.find_entry(organisation_id, operator_id, message_id, Folder.SENT)
            is None
        ):
            raise _not_yours(message_id)
        return uow.messaging.get_message(organisation_id, message_id)

    def open(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        message_id: str,
        *,
        now: datetime,
    ) -> Message:
        """The message, marked read for this operator (and no one else).

        Raises:
            NotFound: ``messaging.not_found`` when the operator does not have it.
        """
        message = self._visible(uow, organisation_id, operator_id, message_id)
        self.mark_read(uow, organisation_id, operator_id, message_id, now=now)
        return message

    def mark_read(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        message_id: str,
        *,
        now: datetime,
    ) -> None:
        """Mark the operator's inbox entry read (an entry read already keeps its time)."""
        entry = uow.messaging.find_entry(organisation_id, operator_id, message_id, Folder.INBOX)
        if entry is not None and entry.read_at is None:
            uow.messaging.update_entry(attrs.evolve(entry, read_at=now))
        elif entry is None:
            self._visible(uow, organisation_id, operator_id, message_id)

    def mark_unread(
        self, uow: UnitOfWork, organisation_id: str, operator_id: str, message_id: str
    ) -> None:
        """Mark the operator's inbox entry unread again."""
        entry = self._entry(uow, organisation_id, operator_id, message_id, Folder.INBOX)
        if entry.read_at is not None:
            uow.messaging.update_entry(attrs.evolve(entry, read_at=None))

    def archive(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        message_id: str,
        *,
        folder: Folder = Folder.INBOX,
        archived: bool = True,
    ) -> MailboxEntry:
        """Move the operator's entry into the archive (or back with ``archived=False``)."""
        entry = self._entry(uow, organisation_id, operator_id, message_id, Folder(folder))
        return uow.messaging.update_entry(attrs.evolve(entry, archived=archived))

    def delete(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        message_id: str,
        *,
        folder: Folder = Folder.INBOX,
    ) -> None:
        """Delete the operator's entry; the other side keeps its copy."""
        entry = self._entry(uow, organisation_id, operator_id, message_id, Folder(folder))
        uow.messaging.remove_entry(entry)

    def thread(
        self, uow: UnitOfWork, organisation_id: str, operator_id: str, message_id: str
    ) -> tuple[Message, ...]:
        """The messages of ``message_id`` 's thread still in the operator's mailbox, oldest first.

        Those the operator neither sent nor received, and those the operator
        deleted, are left out.
        """
        message = self._visible(uow, organisation_id, operator_id, message_id)
        found = uow.messaging

        def kept(m: Message) -> bool:
            return any(
                found.find_entry(organisation_id, operator_id, m.id, folder) is not None
                for folder in (Folder.INBOX, Folder.SENT)
            )

        return tuple(
            m
            for m in found.thread(organisation_id, message.thread_id)
            if (m.sender_id == operator_id or operator_id in m.recipient_ids) and kept(m)
        )

    def copies(
        self, uow: UnitOfWork, organisation_id: str, message_id: str
    ) -> tuple[CopyReport, ...]:
        """Each recipient's e-mail copy of the message now (a failure is visible here)."""
        reports = []
        for entry in uow.messaging.entries(organisation_id, message_id):
            if entry.folder is not Folder.INBOX:
                continue
            queued = (
                uow.outbox.find(organisation_id, entry.copy_outbox_id)
                if entry.copy_outbox_id is not None
                else None
            )
            reports.append(
                CopyReport(
                    operator_id=entry.operator_id,
                    state=entry.copy,
                    outbox_state=None if queued is None else queued.state,
                    error_code=None if queued is None else queued.last_error_code,
                    error_detail="" if queued is None else queued.last_error_detail,
                )
            )
        return tuple(reports)

    # -- replies and forwards ------------------------------------------------------------

    def _quote_header(self, uow: UnitOfWork, original: Message, language: str) -> str:
        author = uow.messaging.find_operator(original.organisation_id, original.sender_id)
        name = author.name if author is not None else original.sender_id
        when = format_datetime(original.sent_at, language=language)
        return f"<p>{_escape(name)}, {_html.escape(when)}:</p>"

    def _names(self, uow: UnitOfWork, organisation_id: str, ids: Iterable[str]) -> str:
        names = []
        for operator_id in ids:
            found = uow.messaging.find_operator(organisation_id, operator_id)
            names.append(found.name if found is not None else operator_id)
        return ", ".join(_escape(n) for n in names)

    def _respond(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        message_id: str,
        kind: MessageKind,
        body: str,
        language: str | None,
    ) -> Draft:
        if not self.settings(uow, organisation_id).enabled:
            raise _disabled()
        self._active(uow, organisation_id, operator_id, "sender")
        original = self._visible(uow, organisation_id, operator_id, message_id)
        language = _check_language(language or original.language)
        quoted = clean_body(original.body_html)
        if kind is MessageKind.FORWARD:
            labels = (
                ("Posredovano sporočilo", "Od", "Datum", "Zadeva", "Za", "Priloge")
                if language == "sl"
                else ("Forwarded message", "From", "Date", "Subject", "To", "Attachments")
            )
            when = format_datetime(original.sent_at, language=language)
            files = (
                f"<br>{labels[5]}: {_file_names(original.attachments)}"
                if original.attachments
                else ""
            )
            header = (
                f"<p>---------- {labels[0]} ----------<br>"
                f"{labels[1]}: {self._names(uow, organisation_id, [original.sender_id])}<br>"
                f"{labels[2]}: {_html.escape(when)}<br>"
                f"{labels[3]}: {_escape(original.subject)}<br>"
                f"{labels[4]}: {self._names(uow, organisation_id, original.recipient_ids)}"
                f"{files}</p>"
            )
            recipients: tuple[str, ...] = ()
            kept = original.attachments
        else:
            header = self._quote_header(uow, original, language)
            kept = ()
            if operator_id == original.sender_id:
                recipients = original.recipient_ids  # a reply to one's own message
            elif kind is MessageKind.REPLY:
                recipients = (original.sender_id,)
            else:
                recipients = (original.sender_id, *original.recipient_ids)
            recipients = tuple(
                r
                for r in recipients
                if r != operator_id and self._is_active(uow, organisation_id, r)
            )
        return Draft(
            organisation_id=organisation_id,
            sender_id=operator_id,
            subject=subject_prefixed(original.subject, kind, language),
            body_html=f"{body}{header}<blockquote>{quoted}</blockquote>",
            recipients=recipients,
            kind=kind,
            parent_id=original.id,
            thread_id=original.thread_id,
            language=language,
            attachments=kept,
        )

    @staticmethod
    def _is_active(uow: UnitOfWork, organisation_id: str, operator_id: str) -> bool:
        found = uow.messaging.find_operator(organisation_id, operator_id)
        return found is not None and found.active

    def reply(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        message_id: str,
        *,
        body: str = "",
        language: str | None = None,
    ) -> Draft:
        """A reply to the sender, the original quoted (``body`` above the quote).

        Raises:
            NotFound: ``messaging.not_found`` when the operator does not have the message.
        """
        return self._respond(
            uow, organisation_id, operator_id, message_id, MessageKind.REPLY, body, language
        )

    def reply_all(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        message_id: str,
        *,
        body: str = "",
        language: str | None = None,
    ) -> Draft:
        """A reply to the sender and every other recipient, never to oneself."""
        return self._respond(
            uow, organisation_id, operator_id, message_id, MessageKind.REPLY_ALL, body, language
        )

    def forward(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        message_id: str,
        *,
        body: str = "",
        language: str | None = None,
    ) -> Draft:
        """A forward: no recipients yet (confirm them), the original quoted, its files kept."""
        return self._respond(
            uow, organisation_id, operator_id, message_id, MessageKind.FORWARD, body, language
        )

    # -- department notes and the login notice ------------------------------------------

    def write_note(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        author_id: str,
        *,
        kind: NoteKind,
        department: str,
        text: str,
        now: datetime,
        resident: str = "",
    ) -> DepartmentNote:
        """Store a department instruction or observation by an active operator.

        Raises:
            InvalidComponent: ``messaging.operator_unknown`` / ``_inactive`` for the author.
            ValidationError: an empty department or text.
        """
        self._active(uow, organisation_id, author_id, "author")
        note = DepartmentNote(
            organisation_id=organisation_id,
            id=self._new_id(),
            kind=kind,
            author_id=author_id,
            written_at=now,
            department=department,
            resident=resident,
            text=clean_text(text),
        )
        return uow.messaging.add_note(note)

    def from_note(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        operator_id: str,
        note_id: str,
        *,
        language: str = "sl",
    ) -> Draft:
        """A message pre-filled from a department instruction or observation.

        The subject names the kind and the department, the body the author,
        the time, the resident and the note's text (escaped); the active staff
        of the department are **candidates**, not recipients: the operator
        confirms whom it goes to.
        """
        language = _check_language(language)
        draft = self.draft(uow, organisation_id, operator_id, language=language)
        note: DepartmentNote = uow.messaging.get_note(organisation_id, note_id)
        if note.kind is NoteKind.INSTRUCTION:
            title = "Navodilo oddelku" if language == "sl" else "Department instruction"
        else:
            title = "Opažanje" if language == "sl" else "Observation"
        labels = (
            ("Oddelek", "Stanovalec", "Avtor")
            if language == "sl"
            else (
                "Department",
                "Resident",
                "Written by",
            )
        )
        author = self._names(uow, organisation_id, [note.author_id])
        when = _html.escape(format_datetime(note.written_at, language=language))
        lines = [f"{labels[0]}: {_escape(note.department)}"]
        if note.resident:
            lines.append(f"{labels[1]}: {_escape(note.resident)}")
        lines.append(f"{labels[2]}: {author}, {when}")
        body = (
            f"<p><strong>{title}</strong><br>{'<br>'.join(lines)}</p>"
            f"<blockquote>{_paragraphs(note.text)}</blockquote>"
        )
        staff = tuple(
            o.id
            for o in uow.messaging.operators(organisation_id)
            if o.active
            and o.id != operator_id
            and (not o.departments or note.department in o.departments)
        )
        return attrs.evolve(
            draft,
            subject=clean_subject(f"{title}: {note.department}"),
            body_html=body,
            candidates=staff,
            note_id=note.id,
        )

    def login_notice(
        self, uow: UnitOfWork, organisation_id: str, operator_id: str, *, now: datetime
    ) -> LoginNotice:
        """The notice at login: unread messages, new instructions and observations.

        "New" is written by someone else, in the operator's departments (all,
        when the operator has none), since the operator's previous notice;
        this notice's time is recorded for the next one (commit the unit of work).
        """
        operator = self._active(uow, organisation_id, operator_id, "operator")
        since = uow.messaging.notes_seen(organisation_id, operator_id)
        counts = uow.messaging.note_counts(
            organisation_id,
            since=since,
            departments=operator.departments,
            exclude_author=operator_id,
        )
        uow.messaging.set_notes_seen(organisation_id, operator_id, now)
        return LoginNotice(
            unread_messages=uow.messaging.unread_count(organisation_id, operator_id),
            new_instructions=counts[NoteKind.INSTRUCTION],
            new_observations=counts[NoteKind.OBSERVATION],
            since=since,
        )
