"""Operator messaging: inbox, sent, unread, reply, reply to all, forward, e-mail copies.

Staff of a care home, a kindergarten or a social-care service (operators)
send each other messages inside the module, with an optional copy to their
e-mail through the outbox.  The pieces:

* :mod:`~szo_core.messaging.records`: settings, operators, messages, mailbox
  entries (one per operator and side), department instructions and observations;
* :mod:`~szo_core.messaging.service`: :class:`Messaging`, the use cases the
  app's screens call (drafts with confirmed recipients, send, views, reply,
  reply to all, forward, the login notice, messages pre-filled from notes);
* :mod:`~szo_core.messaging.html`: bodies sanitised with nh3 to the documented
  allow-list (no images), plain-text alternatives, one-line subjects;
* :mod:`~szo_core.messaging.attachments`: limits, safe names, content checks;
* :mod:`~szo_core.messaging.ports`: ``uow.messaging`` and the attachment store;
* :mod:`~szo_core.messaging.copies`: the SMTP sender of the e-mail copies.

The guide is ``docs/messaging.md``.

>>> from szo_core.messaging import Messaging, MessagingSettings
>>> Messaging(), MessagingSettings(organisation_id="dom").email_copies
(Messaging(attachments=None), False)
"""

from __future__ import annotations

from szo_core.messaging.attachments import AttachmentLimits, Upload
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
    SendingSettings,
)
from szo_core.messaging.service import (
    CopyReport,
    Draft,
    LoginNotice,
    Messaging,
    Page,
    PageItem,
    RecipientCopy,
    SendReport,
)

__all__ = [
    "AttachmentLimits",
    "AttachmentRef",
    "CopyReport",
    "CopyState",
    "DepartmentNote",
    "Draft",
    "Folder",
    "LoginNotice",
    "MailboxEntry",
    "Message",
    "MessageKind",
    "Messaging",
    "MessagingSettings",
    "NoteKind",
    "Operator",
    "Page",
    "PageItem",
    "RecipientCopy",
    "SendReport",
    "SendingSettings",
    "Upload",
]
