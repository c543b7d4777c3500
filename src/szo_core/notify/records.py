"""The records of citizen notifications: subscriptions, consent, events, deliveries.

* :class:`Subscription`: a citizen's wish to hear about one case, or about all
  of their cases, by e-mail and/or SMS, all events or key events only, and how
  it was made (in person, in writing, on the portal with a qualified
  certificate).  Each address or number is used only once confirmed.
* :class:`ConsentChange`: one entry of a subscription's consent history (what
  changed, when, by whom and how), never changed or removed.
* :class:`Confirmation`: the open confirmation of a new address or number (a
  six-digit code, stored only as its keyed hash).
* :class:`CaseEvent`: something that happened to a case, as the document
  system reports it.
* :class:`Delivery`: the decision for one event, subscription and channel (the
  audit): queued, deferred to the end of the SMS quiet hours, held for a
  digest, or skipped and why.
* :class:`Identity`: who is calling: a citizen authenticated on the portal, or
  an official of the organisation.

E-mail addresses and numbers are personal data: ``repr()`` masks them.

>>> from datetime import UTC, datetime
>>> s = Subscription(organisation_id="obcina", id="s1", person_id="p-17", case_id="3500-12/2025",
...                  email="ana.novak@example.si", mobile="+38641123456",
...                  channels=(Channel.EMAIL, Channel.SMS), source=Source.PORTAL,
...                  created_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
>>> s
Subscription(organisation_id='obcina', id='s1', person_id='p-17', case_id='3500-12/2025',
             email='a***@example.si', mobile='+386*****456', channels=('email', 'sms'),
             preference='all', active=True, confirmed=())
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

import attrs

from szo_core.delivery.addresses import mask_email, mask_phone
from szo_core.delivery.message import Channel
from szo_core.errors import ConfigurationError, InvalidFormat, InvalidType, Language
from szo_core.notify.catalogue import EventClass, check_aware

__all__ = [
    "CaseEvent",
    "Channel",
    "Confirmation",
    "ConsentChange",
    "Delivery",
    "Identity",
    "IdentityKind",
    "Outcome",
    "Preference",
    "Source",
    "Subscription",
]


class Preference(enum.Enum):
    """What a subscriber wants to hear: every event that may be sent, or key events only."""

    ALL = "all"
    KEY_ONLY = "key_only"


class Source(enum.Enum):
    """How a subscription (or a change of it) was made.

    ``in_person`` and ``written`` are recorded by an official; ``portal`` by
    the citizen authenticated with a qualified certificate; ``link`` is a
    change made through a signed link in a message (unsubscribe, confirm).
    """

    IN_PERSON = "in_person"
    WRITTEN = "written"
    PORTAL = "portal"
    LINK = "link"


class IdentityKind(enum.Enum):
    """Who calls the service: a citizen on the portal, or an official."""

    CITIZEN = "citizen"
    OFFICIAL = "official"


class Outcome(enum.Enum):
    """What was decided for one event, subscription and channel.

    ``queued`` is in the outbox to be sent now; ``deferred`` is in the outbox,
    due at the end of the SMS quiet hours; ``digest_pending`` is held for the
    case's digest (the rate limit was reached) and becomes ``digested`` when
    the digest is queued; the ``skipped_*`` outcomes sent nothing.
    """

    QUEUED = "queued"
    DEFERRED = "deferred"
    DIGEST_PENDING = "digest_pending"
    DIGESTED = "digested"
    SKIPPED_KEY_ONLY = "skipped_key_only"
    SKIPPED_UNCONFIRMED = "skipped_unconfirmed"
    SKIPPED_UNSUBSCRIBED = "skipped_unsubscribed"

    # Identity hash in C, as for Channel (szo_core.delivery.message): members are
    # singletons compared by identity.
    __hash__ = object.__hash__

    @property
    def sends(self) -> bool:
        """Whether a message went (or goes) into the outbox for it."""
        return self in (Outcome.QUEUED, Outcome.DEFERRED, Outcome.DIGESTED)


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidType(
            "notify.text",
            sl="Vrednost mora biti besedilo.",
            en="The value must be text.",
            where=attribute.name,
        )


def _id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(instance, attribute, value)
    assert isinstance(value, str)
    if not value.strip() or len(value) > 200 or "\x1f" in value:
        raise InvalidFormat(
            "notify.id",
            sl="Oznaka mora biti neprazno besedilo do 200 znakov.",
            en="An id must be non-empty text of up to 200 characters.",
            where=attribute.name,
        )


def _optional_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _id(instance, attribute, value)


def _language(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in ("sl", "en"):
        raise InvalidFormat(
            "notify.language",
            sl="Jezik mora biti 'sl' ali 'en'.",
            en="The language must be 'sl' or 'en'.",
            where=attribute.name,
        )


def _channels(value: Iterable[Channel]) -> tuple[Channel, ...]:
    if isinstance(value, Channel):
        value = (value,)
    items = tuple(value)
    if not all(isinstance(c, Channel) for c in items):
        raise InvalidType(
            "notify.channels",
            sl="Kanali so vrednosti Channel (e-pošta, SMS).",
            en="Channels are Channel values (e-mail, SMS).",
            where="channels",
        )
    return tuple(c for c in Channel if c in items)


def _instance(kind: type) -> Any:
    return attrs.validators.instance_of(kind)


@attrs.frozen(kw_only=True, repr=False)
class Subscription:
    """A citizen's subscription to notifications about a case or all of their cases.

    Attributes:
        organisation_id: The organisation (the municipality).
        id: The subscription's id.
        person_id: The citizen's id in the document system (an opaque id, not
            an EMŠO or a tax number).
        case_id: The case (its number, e.g. ``3500-12/2025``), or None for all
            of the person's cases.
        email: The e-mail address (normalised), or None.
        mobile: The mobile number in E.164, or None.
        channels: The channels wanted (each needs its address or number).
        preference: All events or key events only.
        language: The language of the messages (``sl`` or ``en``).
        source: How the subscription was made.
        active: False once unsubscribed.
        email_confirmed: The address was confirmed (only then it gets messages).
        mobile_confirmed: The number was confirmed.
        created_at: When it was made (aware).
        version: Optimistic-concurrency version (0 for a new one).
    """

    organisation_id: str = attrs.field(validator=_id)
    id: str = attrs.field(validator=_id)
    person_id: str = attrs.field(validator=_id)
    case_id: str | None = attrs.field(default=None, validator=_optional_id)
    email: str | None = None
    mobile: str | None = None
    channels: tuple[Channel, ...] = attrs.field(converter=_channels)
    preference: Preference = attrs.field(default=Preference.ALL, validator=_instance(Preference))
    language: Language = attrs.field(default="sl", validator=_language)
    source: Source = attrs.field(validator=_instance(Source))
    active: bool = attrs.field(default=True, validator=_instance(bool))
    email_confirmed: bool = attrs.field(default=False, validator=_instance(bool))
    mobile_confirmed: bool = attrs.field(default=False, validator=_instance(bool))
    created_at: datetime = attrs.field(validator=check_aware)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if not self.channels:
            raise ConfigurationError(
                "notify.channels",
                sl="Naročnina potrebuje vsaj en kanal (e-pošta ali SMS).",
                en="A subscription needs at least one channel (e-mail or SMS).",
                where="channels",
            )
        for channel in self.channels:
            if self.address(channel) is None:
                raise ConfigurationError(
                    "notify.address_missing",
                    sl="Za izbrani kanal manjka naslov ali številka.",
                    en="The chosen channel has no address or number.",
                    where=channel.value,
                )

    def address(self, channel: Channel) -> str | None:
        """The address (e-mail) or number (SMS) for ``channel``, or None."""
        return self.email if channel is Channel.EMAIL else self.mobile

    def confirmed(self, channel: Channel) -> bool:
        """Whether the address or number for ``channel`` is confirmed."""
        return self.email_confirmed if channel is Channel.EMAIL else self.mobile_confirmed

    def covers(self, case_id: str) -> bool:
        """Whether the subscription is for ``case_id`` (or for all cases)."""
        return self.case_id is None or self.case_id == case_id

    def __repr__(self) -> str:
        email = None if self.email is None else mask_email(self.email)
        mobile = None if self.mobile is None else mask_phone(self.mobile)
        confirmed = tuple(c.value for c in self.channels if self.confirmed(c))
        return (
            f"Subscription(organisation_id={self.organisation_id!r}, id={self.id!r}, "
            f"person_id={self.person_id!r}, case_id={self.case_id!r}, email={email!r}, "
            f"mobile={mobile!r}, channels={tuple(c.value for c in self.channels)!r}, "
            f"preference={self.preference.value!r}, active={self.active!r}, "
            f"confirmed={confirmed!r})"
        )


@attrs.frozen(kw_only=True, repr=False)
class ConsentChange:
    """One entry of a subscription's consent history: the state after a change.

    Attributes:
        organisation_id: The organisation.
        subscription_id: The subscription.
        seq: 1, 2, 3 ... per subscription.
        at: When (aware).
        what: What changed: ``subscribed``, ``preference``, ``channels``,
            ``contact``, ``language``, ``confirmed_email``,
            ``confirmed_sms``, ``unsubscribed``, ``resubscribed``.
        source: How (in person, written, portal, link).
        actor: Who: ``citizen:<id>``, ``official:<id>`` or ``link``.
        preference: The preference after the change.
        channels: The channels after the change.
        active: Whether the subscription was active after the change.
        email: The address after the change (personal data; masked in ``repr``).
        mobile: The number after the change (masked in ``repr``).
    """

    organisation_id: str
    subscription_id: str
    seq: int
    at: datetime = attrs.field(validator=check_aware)
    what: str
    source: Source
    actor: str
    preference: Preference
    channels: tuple[Channel, ...] = attrs.field(converter=_channels)
    active: bool
    email: str | None = None
    mobile: str | None = None

    def __repr__(self) -> str:
        return (
            f"ConsentChange(subscription_id={self.subscription_id!r}, seq={self.seq}, "
            f"what={self.what!r}, source={self.source.value!r}, actor={self.actor!r}, "
            f"preference={self.preference.value!r}, active={self.active!r})"
        )


@attrs.frozen(kw_only=True, repr=False)
class Confirmation:
    """The open confirmation of an address or number: a code, kept as its keyed hash.

    Attributes:
        organisation_id: The organisation.
        subscription_id: The subscription.
        channel: E-mail or SMS.
        address: The address or number being confirmed (masked in ``repr``).
        code_hash: HMAC-SHA256 of the code, bound to the subscription, channel
            and address (hex).
        expires_at: After this the code is refused (aware).
        attempts: Wrong codes entered so far.
        used: True once confirmed (a code works once).
        created_at: When it was issued.
    """

    organisation_id: str
    subscription_id: str
    channel: Channel
    address: str
    code_hash: str
    expires_at: datetime = attrs.field(validator=check_aware)
    attempts: int = 0
    used: bool = False
    created_at: datetime = attrs.field(validator=check_aware)

    def __repr__(self) -> str:
        return (
            f"Confirmation(subscription_id={self.subscription_id!r}, "
            f"channel={self.channel.value!r}, attempts={self.attempts}, used={self.used!r})"
        )


def _values(value: Mapping[str, object]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise InvalidType(
            "notify.values",
            sl="Vrednosti dogodka so slovar (ime polja -> vrednost).",
            en="An event's values are a mapping (field name -> value).",
            where="values",
        )
    return MappingProxyType(dict(value))


def _parties(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    return tuple(value)


@attrs.frozen(kw_only=True, repr=False)
class CaseEvent:
    """Something that happened to a case, as the document system reports it.

    Attributes:
        organisation_id: The organisation.
        id: The event's id, unique in the organisation and stable (the same
            event reported twice has the same id; it is part of every
            message's idempotency key, so use no personal data in it).
        code: The event type's code in the catalogue.
        case_id: The case (its number).
        parties: The ids of the persons whose case it is: a subscription of
            the case, or of all of a person's cases, gets the event only if
            its person is one of them.
        occurred_at: When it happened (aware).
        values: The event type's fields (``repr`` does not show them).
    """

    organisation_id: str = attrs.field(validator=_id)
    id: str = attrs.field(validator=_id)
    code: str = attrs.field(validator=_id)
    case_id: str = attrs.field(validator=_id)
    parties: tuple[str, ...] = attrs.field(converter=_parties)
    occurred_at: datetime = attrs.field(validator=check_aware)
    values: Mapping[str, object] = attrs.field(factory=dict, converter=_values)

    def __attrs_post_init__(self) -> None:
        if not self.parties or not all(isinstance(p, str) and p for p in self.parties):
            raise InvalidFormat(
                "notify.parties",
                sl="Dogodek potrebuje vsaj eno stranko zadeve (oznako osebe).",
                en="An event needs at least one party of the case (a person's id).",
                where="parties",
            )

    def __repr__(self) -> str:
        return (
            f"CaseEvent(organisation_id={self.organisation_id!r}, id={self.id!r}, "
            f"code={self.code!r}, case_id={self.case_id!r})"
        )


@attrs.frozen(kw_only=True)
class Delivery:
    """The decision for one event, subscription and channel: the audit's row.

    Attributes:
        organisation_id: The organisation.
        event_id: The event.
        subscription_id: The subscription (the recipient).
        channel: E-mail or SMS.
        case_id: The event's case.
        event_code: The event type's code.
        event_version: The event type's version that decided it.
        event_class: Its class.
        occurred_at: When the event happened.
        outcome: What was decided.
        decided_at: When (aware).
        outbox_id: The outbox message (queued, deferred, digested), or None.
        template_key: The template that rendered it, or None.
        template_version: Its version, or None.
        due_at: When the message is due (deferred), or when the digest is due
            (digest pending); None otherwise.
    """

    organisation_id: str
    event_id: str
    subscription_id: str
    channel: Channel
    case_id: str
    event_code: str
    event_version: int
    event_class: EventClass
    occurred_at: datetime = attrs.field(validator=check_aware)
    outcome: Outcome
    decided_at: datetime = attrs.field(validator=check_aware)
    outbox_id: str | None = None
    template_key: str | None = None
    template_version: int | None = None
    due_at: datetime | None = attrs.field(default=None, validator=check_aware)


@attrs.frozen
class Identity:
    """Who calls the service, as the caller's authentication established it.

    A citizen (``kind=CITIZEN``, ``id`` their person id, authenticated on the
    portal with a qualified certificate) may make and change only their own
    subscriptions; an official (``kind=OFFICIAL``, ``id`` the official's id)
    records what a citizen asked for in person or in writing.

    >>> Identity.citizen("p-17"), Identity.official("u-3").kind.value
    (Identity(kind=<IdentityKind.CITIZEN: 'citizen'>, id='p-17'), 'official')
    """

    kind: IdentityKind = attrs.field(validator=_instance(IdentityKind))
    id: str = attrs.field(validator=_id)

    @classmethod
    def citizen(cls, person_id: str) -> Identity:
        """A citizen authenticated on the portal."""
        return cls(IdentityKind.CITIZEN, person_id)

    @classmethod
    def official(cls, official_id: str) -> Identity:
        """An official of the organisation."""
        return cls(IdentityKind.OFFICIAL, official_id)

    @property
    def actor(self) -> str:
        """How the consent history names it: ``citizen:<id>`` or ``official:<id>``."""
        return f"{self.kind.value}:{self.id}"
