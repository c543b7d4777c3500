"""Appointment booking for a virtual counter (upravna enota): slots, e-mail codes, files, survey.

The pure parts: :mod:`~szo_core.booking.records`, :mod:`~szo_core.booking.slots`
(free slots across summer time), :mod:`~szo_core.booking.codes` (the 6-digit
code), :mod:`~szo_core.booking.links` (signed links, meeting links),
:mod:`~szo_core.booking.mail` (templates, Slovenian date and time, ICS).  The
use cases: :class:`~szo_core.booking.service.BookingDesk`.  Storage:
``uow.booking`` (:mod:`~szo_core.booking.ports`).  The ICS needs the
``booking`` extra (icalendar); the e-mails the ``templates`` and ``delivery`` extras.

>>> from szo_core.booking import AppointmentState
>>> AppointmentState("held").name
'HELD'
"""

from __future__ import annotations

from szo_core.booking.codes import CodePolicy
from szo_core.booking.errors import BookingError, CodeRefused, SlotTaken
from szo_core.booking.links import LinkError, LinkSigner, MeetingLinks, TemplateMeetingLinks
from szo_core.booking.records import (
    Appointment,
    AppointmentState,
    Contact,
    Office,
    OpeningHours,
    Seat,
    Service,
    SharedFile,
    Slot,
    SurveyAnswer,
    SurveySummary,
)
from szo_core.booking.service import BookingDesk, BookingLinks, FileLimits

__all__ = [
    "Appointment",
    "AppointmentState",
    "BookingDesk",
    "BookingError",
    "BookingLinks",
    "CodePolicy",
    "CodeRefused",
    "Contact",
    "FileLimits",
    "LinkError",
    "LinkSigner",
    "MeetingLinks",
    "Office",
    "OpeningHours",
    "Seat",
    "Service",
    "SharedFile",
    "Slot",
    "SlotTaken",
    "SurveyAnswer",
    "SurveySummary",
    "TemplateMeetingLinks",
]
