r"""The notification service a back office and a portal call.

:class:`Notifications` does three things, each in the caller's unit of work
(nothing is committed here; commit to store the change and its messages
together):

* **subscriptions**: :meth:`~Notifications.subscribe`, :meth:`~Notifications.change`,
  :meth:`~Notifications.unsubscribe` take the caller's authenticated
  :class:`~szo_core.notify.records.Identity` and check it (a citizen only their
  own; an official records a request made in person or in writing); every
  change is an entry of the consent history.  A new e-mail address or number
  gets a six-digit code (and, by e-mail, a signed link) and receives nothing
  else until :meth:`~Notifications.confirm` / :meth:`~Notifications.confirm_link`.
  :meth:`~Notifications.unsubscribe_link` ends a subscription from the signed
  link every message carries.
* **dispatch**: :meth:`~Notifications.notify` decides for each subscription of
  the event's case and each of its channels (:func:`decide`), renders the
  event type's template version with the event's values and queues the
  message in the outbox under the key (``notify:<event>``, subscription,
  channel), so an event is never sent twice; SMS in quiet hours waits in the
  outbox until they end, and past the per-case rate limit events are held
  and :meth:`~Notifications.flush_digests` sends them as one digest.
  :meth:`~Notifications.notify_many` does the same for the events of a period
  in one call.  E-mail templates are rendered prepared
  (:mod:`szo_core.notify.prepared`): sanitised once per version, the values
  escaped in; the messages are the ones the full pipeline makes.
* **audit**: :meth:`~Notifications.audit` lists what was decided for whom,
  when, on which channel, and what the outbox knows of its delivery.

For real time, commit and wake the dispatcher at once
(:class:`szo_core.notify.live.LiveDispatcher`).  The guide is
``docs/notifications.md``.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import html
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from szo_core.delivery.message import Channel, EmailMessage, SmsMessage
from szo_core.delivery.sms import LetterPolicy, apply_policy
from szo_core.errors import ConfigurationError, InvalidFormat, Language, NotFound
from szo_core.model._trusted import trusted_factory
from szo_core.notify import links
from szo_core.notify.catalogue import EventClass, EventType, check_aware, template_key
from szo_core.notify.errors import forbidden
from szo_core.notify.records import (
    CaseEvent,
    Confirmation,
    ConsentChange,
    Delivery,
    Identity,
    IdentityKind,
    Outcome,
    Preference,
    Source,
    Subscription,
)
from szo_core.notify.settings import NotifySettings
from szo_core.outbox.records import (
    IdempotencyKey,
    OutboxMessage,
    OutboxState,
    key_digest,
    message_id_for,
    new_message,
)
from szo_core.outbox.seal import OutboxSeal
from szo_core.templates.errors import UndefinedPlaceholder
from szo_core.templates.model import TemplateField, check_value

if TYPE_CHECKING:
    from szo_core.notify.prepared import PreparedEmail, PreparedSms
    from szo_core.ports import UnitOfWork
    from szo_core.templates.model import FieldType, MessageTemplate
    from szo_core.templates.plain import PlainTemplate
    from szo_core.templates.render import TemplateLimits

__all__ = [
    "UNCHANGED",
    "AuditEntry",
    "ConfirmOutcome",
    "Notifications",
    "NotifyReport",
    "decide",
]


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()
"""The default of :meth:`Notifications.change`'s address arguments: keep what is stored."""


def decide(event_class: EventClass, subscription: Subscription, channel: Channel) -> Outcome | None:
    """Whether an event of ``event_class`` goes to ``subscription`` on ``channel``.

    Returns None to send, or the ``skipped_*`` outcome that says why not.  An
    internal event is never sent (it never gets here: :meth:`Notifications.notify`
    stops first).  In order: an ended subscription gets nothing (key events
    neither, see ``docs/notifications.md``); an unconfirmed address or number
    gets nothing; a notifiable event is not sent to a "key events only"
    subscriber; a key event ignores that filter.

    >>> from datetime import UTC, datetime
    >>> s = Subscription(organisation_id="o", id="s", person_id="p", email="a@b.si",
    ...                  email_confirmed=True, channels=(Channel.EMAIL,), source=Source.PORTAL,
    ...                  preference=Preference.KEY_ONLY,
    ...                  created_at=datetime(2026, 1, 1, tzinfo=UTC))
    >>> decide(EventClass.NOTIFIABLE, s, Channel.EMAIL).value
    'skipped_key_only'
    >>> decide(EventClass.KEY, s, Channel.EMAIL) is None
    True
    """
    if event_class is EventClass.INTERNAL:
        raise ConfigurationError(
            "notify.internal",
            sl="Interni dogodki se ne pošiljajo.",
            en="Internal events are never sent.",
            where="event_class",
        )
    if not subscription.active:
        return Outcome.SKIPPED_UNSUBSCRIBED
    if not subscription.confirmed(channel):
        return Outcome.SKIPPED_UNCONFIRMED
    if event_class is EventClass.NOTIFIABLE and subscription.preference is Preference.KEY_ONLY:
        return Outcome.SKIPPED_KEY_ONLY
    return None


class ConfirmOutcome(enum.Enum):
    """What a confirmation attempt did.

    ``invalid`` covers a wrong code and a confirmation that does not exist
    alike (the answer does not tell which).  Commit the unit of work whatever
    the outcome, so that a wrong attempt counts.
    """

    CONFIRMED = "confirmed"
    INVALID = "invalid"
    EXPIRED = "expired"
    LOCKED = "locked"


@attrs.frozen(kw_only=True)
class NotifyReport:
    """What :meth:`Notifications.notify` decided for one event.

    Attributes:
        event_id: The event.
        internal: The event type is internal: nothing was decided or sent.
        deliveries: The decisions made now (one per subscription and channel).
        duplicates: Decisions already made for this event earlier (nothing new).
    """

    event_id: str
    internal: bool = False
    deliveries: tuple[Delivery, ...] = ()
    duplicates: int = 0

    def count(self, outcome: Outcome) -> int:
        """How many decisions of this call have ``outcome``."""
        return sum(1 for d in self.deliveries if d.outcome is outcome)

    @property
    def queued(self) -> int:
        """Messages put in the outbox (to send now or after the quiet hours)."""
        return sum(1 for d in self.deliveries if d.outcome.sends)


@attrs.frozen(kw_only=True, repr=False)
class AuditEntry:
    """One line of the audit: a decision and what became of its message.

    Attributes:
        delivery: The decision (event, subscription, channel, outcome, when,
            template version).
        recipient: The address or number the message went to (None when
            nothing was sent); masked in ``repr()``.
        state: The outbox state (sent, failed, given up ...), or None.
        attempts: Delivery attempts so far.
        sent_at: When the server or gateway accepted it, or None.
        last_error_code: The last failure's code, or None.
    """

    delivery: Delivery
    recipient: str | None = None
    state: OutboxState | None = None
    attempts: int = 0
    sent_at: datetime | None = None
    last_error_code: str | None = None

    def __repr__(self) -> str:
        from szo_core.delivery.addresses import mask_email, mask_phone

        d = self.delivery
        shown = None
        if self.recipient is not None:
            shown = (
                mask_email(self.recipient)
                if d.channel is Channel.EMAIL
                else mask_phone(self.recipient)
            )
        return (
            f"AuditEntry(event_id={d.event_id!r}, subscription_id={d.subscription_id!r}, "
            f"channel={d.channel.value!r}, outcome={d.outcome.value!r}, recipient={shown!r}, "
            f"state={None if self.state is None else self.state.value!r})"
        )


_MAX_SUBSCRIPTIONS_PER_CALL: Final = 10_000

# Dispatch builds its records from records validated already (the event, the
# subscription, the settings, the template version, ``now`` checked once per call),
# so it skips their validators (:mod:`szo_core.model._trusted`); the tests compare
# each with the one its constructor makes (tests/notify/test_equivalence.py,
# tests/notify/test_fast_records.py).
_new_key = trusted_factory(IdempotencyKey, "event", "recipient", "channel")
_new_email = trusted_factory(
    EmailMessage,
    "sender",
    "sender_name",
    "to",
    "subject",
    "text",
    "html",
    "headers",
    "message_id",
)
_new_sms = trusted_factory(SmsMessage, "to", "text", "sender", "reference")
_new_outbox = trusted_factory(
    OutboxMessage,
    "organisation_id",
    "id",
    "key",
    "message",
    "message_id",
    "template_key",
    "template_version",
    "next_attempt_at",
    "created_at",
)
_new_delivery = trusted_factory(
    Delivery,
    "organisation_id",
    "event_id",
    "subscription_id",
    "channel",
    "case_id",
    "event_code",
    "event_version",
    "event_class",
    "occurred_at",
    "outcome",
    "decided_at",
    "outbox_id",
    "template_key",
    "template_version",
    "due_at",
)

_CONFIRM_TEXT: Final[Mapping[str, tuple[str, str, str]]] = {
    "sl": (
        "Potrdite naslov za obvestila o zadevah",
        "Za prejemanje obvestil o zadevah potrdite ta naslov: odprite povezavo\n{url}\n"
        "ali vnesite kodo {code}. Koda velja {minutes} min. Če obvestil niste naročili, "
        "sporočilo prezrite.",
        "Koda za potrditev obvestil o zadevah: {code} (velja {minutes} min).",
    ),
    "en": (
        "Confirm your address for case notifications",
        "To receive notifications about your cases, confirm this address: open\n{url}\n"
        "or enter the code {code}. The code works for {minutes} min. If you did not ask "
        "for notifications, ignore this message.",
        "Code to confirm case notifications: {code} (valid {minutes} min).",
    ),
}

_FOOTER: Final[Mapping[str, str]] = {
    "sl": "Obvestila o zadevi prejemate, ker ste jih naročili. Odjava: {url}",
    "en": "You receive these notifications because you subscribed. Unsubscribe: {url}",
}

_DIGEST: Final[Mapping[str, tuple[str, str, tuple[str, ...]]]] = {
    "sl": (
        "Zadeva {case}: {count} {events}",
        "V zadevi {case} {verb} {count} {events}:",
        ("nov dogodek", "nova dogodka", "novi dogodki", "novih dogodkov"),
    ),
    "en": (
        "Case {case}: {count} {events}",
        "Case {case} has {count} {events}:",
        ("new event", "new events"),
    ),
}


def _digest_verb(count: int) -> str:
    from szo_core.templates.formatting import plural

    return plural(count, "je", "sta", "so", "je")


class _Version:
    """A template version as dispatch uses it: compiled, prepared (e-mail) or parsed (SMS)."""

    __slots__ = ("compiled", "email", "key", "language", "plain_sms", "sms", "types", "version")

    def __init__(self, template: MessageTemplate, limits: TemplateLimits | None) -> None:
        from szo_core.notify.prepared import prepare_email, prepare_sms
        from szo_core.templates.messages import compile_message
        from szo_core.templates.plain import PlainTemplate

        self.compiled = compile_message(template, limits=limits)
        self.key = template.key
        self.version = template.version
        self.language = template.language
        self.types: dict[str, FieldType] = {f.name: f.type for f in template.fields}
        self.email: PreparedEmail | None = None
        self.sms: PlainTemplate | None = None
        self.plain_sms: PreparedSms | None = None
        if template.channel is Channel.EMAIL:
            self.email = prepare_email(self.compiled, limits)
        else:
            self.sms = PlainTemplate.compile(template.sms_text, limits)
            self.plain_sms = prepare_sms(self.sms, self.types)


class _Footer:
    """A subscription's unsubscribe link on one channel and the footer that carries it."""

    __slots__ = ("footer", "headers", "html", "text", "url")

    def __init__(self, url: str, footer: str) -> None:
        self.url = url
        self.footer = footer.format(url=url)
        self.text = f"\n\n-- \n{self.footer}"
        self.html = f"\n<hr>\n<p>{html.escape(self.footer)}</p>"
        self.headers: Any = _unsubscribe_headers(url)


class Notifications:
    """Subscriptions, dispatch and audit of citizen notifications (see the module).

    Args:
        settings: The organisation's :class:`~szo_core.notify.settings.NotifySettings`.
        limits: Template limits for every render.
        codes: Makes a confirmation code (six random digits from :mod:`secrets`
            by default; tests pass their own).
        ids: Makes a subscription id when none is given (random by default).
        max_cached: How many compiled template versions to keep.
        seal: Encrypts the confirmation messages (they carry the code and the
            confirmation link; :mod:`szo_core.outbox.seal`); by default a seal
            derived from the settings' signing keys.  Give the dispatcher the
            same one (``Dispatcher(..., seal=service.seal)``).
    """

    def __init__(
        self,
        settings: NotifySettings,
        *,
        limits: TemplateLimits | None = None,
        codes: Callable[[], str] | None = None,
        ids: Callable[[], str] | None = None,
        max_cached: int = 512,
        seal: OutboxSeal | None = None,
    ) -> None:
        if not isinstance(settings, NotifySettings):
            raise ConfigurationError(
                "notify.settings",
                sl="Storitev potrebuje NotifySettings.",
                en="The service needs NotifySettings.",
                where="settings",
            )
        self.settings = settings
        self.seal = seal if seal is not None else OutboxSeal(settings.signing_keys)
        self._limits = limits
        self._codes = codes if codes is not None else _random_code
        self._ids = ids if ids is not None else _random_id
        self._max_cached = max_cached
        self._compiled: dict[tuple[str, str, str, int], _Version] = {}
        self._routes: dict[tuple[int, Channel, str], tuple[EventType, _Version]] = {}
        self._links: dict[tuple[str, str, Channel], str] = {}
        self._footers: dict[tuple[str, str, Channel, str], _Footer] = {}
        self._mail_id_suffix: str | None = None

    def __repr__(self) -> str:
        return f"Notifications({self.settings!r}, cached={len(self._compiled)})"

    # ----------------------------------------------------------------- subscriptions
    def subscribe(
        self,
        uow: UnitOfWork,
        identity: Identity,
        *,
        organisation_id: str,
        person_id: str,
        channels: Iterable[Channel],
        now: datetime,
        case_id: str | None = None,
        email: str | None = None,
        mobile: str | None = None,
        preference: Preference = Preference.ALL,
        language: Language = "sl",
        source: Source | None = None,
        subscription_id: str | None = None,
    ) -> Subscription:
        """Make a subscription for ``case_id`` (or all of the person's cases); return it.

        A citizen (portal) subscribes only themselves (``person_id`` is their
        identity's id; the source is ``portal``); an official records a
        request made ``in_person`` or ``written`` (the source is required).
        The address and number are checked and normalised; each chosen
        channel's is sent a confirmation code and gets nothing else until
        confirmed.  The first consent entry records it.

        Raises:
            szo_core.notify.errors.AccessDenied: a citizen subscribing someone else.
            szo_core.errors.ValidationError: the address or number is not one
                (``where`` names ``email`` or ``mobile``, never the value).
            szo_core.errors.ConfigurationError: a channel without its address,
                no channel, a source that does not fit the identity.
        """
        check_aware(None, attrs.fields(Subscription).created_at, now)
        source = self._source(identity, source)
        if identity.kind is IdentityKind.CITIZEN and identity.id != person_id:
            raise forbidden("person_id")
        subscription = Subscription(
            organisation_id=organisation_id,
            id=subscription_id if subscription_id is not None else self._ids(),
            person_id=person_id,
            case_id=case_id,
            email=_email(email),
            mobile=_mobile(mobile),
            channels=tuple(channels),
            preference=preference,
            language=language,
            source=source,
            created_at=now,
        )
        stored = uow.notify.add_subscription(subscription)
        seq = self._consent(uow, stored, "subscribed", source, identity.actor, now, seq=1)
        for channel in stored.channels:
            self._issue(uow, stored, channel, now, seq)
        return stored

    def change(
        self,
        uow: UnitOfWork,
        identity: Identity,
        organisation_id: str,
        subscription_id: str,
        *,
        now: datetime,
        preference: Preference | None = None,
        channels: Iterable[Channel] | None = None,
        email: str | _Unchanged | None = UNCHANGED,
        mobile: str | _Unchanged | None = UNCHANGED,
        language: Language | None = None,
        active: bool | None = None,
        source: Source | None = None,
    ) -> Subscription:
        """Change a subscription's preference, channels, address, number, language or state.

        Only what is given changes; one consent entry records what did (a call
        that changes nothing records nothing).  A new address or number must
        be confirmed again (and gets a code).  ``active=True`` subscribes again
        after an unsubscribe.

        Raises:
            szo_core.notify.errors.AccessDenied: a citizen changing a
                subscription that is not theirs (or does not exist).
            szo_core.errors.NotFound: an official naming a subscription that
                does not exist.
            szo_core.errors.ValidationError: a bad address or number.
        """
        check_aware(None, attrs.fields(Subscription).created_at, now)
        source = self._source(identity, source)
        stored = self._own(uow, identity, organisation_id, subscription_id)
        changes: dict[str, Any] = {}
        what: list[str] = []
        if preference is not None and preference is not stored.preference:
            changes["preference"] = preference
            what.append("preference")
        if channels is not None:
            wanted = tuple(c for c in Channel if c in tuple(channels))
            if wanted != stored.channels:
                changes["channels"] = wanted
                what.append("channels")
        renewed: list[Channel] = []
        if not isinstance(email, _Unchanged):
            email = _email(email)
            if email != stored.email:
                changes.update(email=email, email_confirmed=False)
                renewed.append(Channel.EMAIL)
        if not isinstance(mobile, _Unchanged):
            mobile = _mobile(mobile)
            if mobile != stored.mobile:
                changes.update(mobile=mobile, mobile_confirmed=False)
                renewed.append(Channel.SMS)
        if renewed:
            what.append("contact")
        if language is not None and language != stored.language:
            changes["language"] = language
            what.append("language")
        if active is not None and active is not stored.active:
            changes["active"] = active
            what.append("resubscribed" if active else "unsubscribed")
        if not what:
            return stored
        updated = uow.notify.update_subscription(attrs.evolve(stored, **changes))
        seq = self._consent(uow, updated, ",".join(what), source, identity.actor, now)
        for channel in updated.channels:
            if channel in renewed or ("channels" in what and not updated.confirmed(channel)):
                self._issue(uow, updated, channel, now, seq)
        return updated

    def unsubscribe(
        self,
        uow: UnitOfWork,
        identity: Identity,
        organisation_id: str,
        subscription_id: str,
        *,
        now: datetime,
        source: Source | None = None,
    ) -> Subscription:
        """End a subscription (see :meth:`change`): nothing more is sent, key events neither."""
        return self.change(
            uow, identity, organisation_id, subscription_id, now=now, active=False, source=source
        )

    def unsubscribe_link(self, uow: UnitOfWork, token: str, *, now: datetime) -> Subscription:
        """End the subscription a message's signed unsubscribe link names.

        Raises:
            szo_core.notify.errors.LinkInvalid: the link was changed or is not
                ours; nothing changes.
        """
        payload = links.verify(self.settings.signing_keys, token, "unsubscribe")
        stored = uow.notify.subscription(payload.organisation_id, payload.subscription_id)
        if stored is None:
            raise links._invalid("unsubscribe")
        if not stored.active:
            return stored
        updated = uow.notify.update_subscription(attrs.evolve(stored, active=False))
        self._consent(uow, updated, f"unsubscribed:{payload.channel}", Source.LINK, "link", now)
        return updated

    def confirm(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        subscription_id: str,
        channel: Channel,
        code: str,
        *,
        now: datetime,
    ) -> ConfirmOutcome:
        """Check a confirmation code; on success the address or number gets messages from now on.

        The code works once, for the address it was sent to, until it
        expires, and at most ``max_attempts`` wrong codes are taken (then it
        is ``locked``: ask for a new one by changing the address or channels).
        The comparison is constant-time on keyed hashes.  Commit whatever the
        outcome.
        """
        check_aware(None, attrs.fields(Subscription).created_at, now)
        pending = uow.notify.confirmation(organisation_id, subscription_id, channel)
        stored = uow.notify.subscription(organisation_id, subscription_id)
        if pending is None or stored is None or pending.used:
            return ConfirmOutcome.INVALID
        if pending.attempts >= self.settings.max_attempts:
            return ConfirmOutcome.LOCKED
        if now >= pending.expires_at:
            return ConfirmOutcome.EXPIRED
        address = stored.address(channel)
        expected = self._code_hash(pending.organisation_id, subscription_id, channel, address, code)
        if address != pending.address or not hmac.compare_digest(expected, pending.code_hash):
            uow.notify.put_confirmation(attrs.evolve(pending, attempts=pending.attempts + 1))
            return ConfirmOutcome.INVALID
        uow.notify.put_confirmation(attrs.evolve(pending, used=True))
        confirmed = (
            attrs.evolve(stored, email_confirmed=True)
            if channel is Channel.EMAIL
            else attrs.evolve(stored, mobile_confirmed=True)
        )
        updated = uow.notify.update_subscription(confirmed)
        self._consent(uow, updated, f"confirmed_{channel.value}", Source.LINK, "code", now)
        return ConfirmOutcome.CONFIRMED

    def confirm_link(self, uow: UnitOfWork, token: str, *, now: datetime) -> ConfirmOutcome:
        """Confirm from the signed link of a confirmation e-mail (see :meth:`confirm`).

        Raises:
            szo_core.notify.errors.LinkInvalid: the link was changed or is not ours.
        """
        payload = links.verify(self.settings.signing_keys, token, "confirm")
        try:
            channel = Channel(payload.channel)
        except ValueError:
            raise links._invalid("confirm") from None
        return self.confirm(
            uow,
            payload.organisation_id,
            payload.subscription_id,
            channel,
            payload.code,
            now=now,
        )

    def unsubscribe_url(self, subscription: Subscription, channel: Channel) -> str:
        """The signed unsubscribe link of ``subscription`` for messages on ``channel``.

        The link depends only on the organisation, the subscription, the channel
        and the key, so the service keeps the links it made (up to 100,000).
        """
        name = (subscription.organisation_id, subscription.id, channel)
        found = self._links.get(name)
        if found is not None:
            return found
        token = links.sign(
            self.settings.signing_keys[0],
            links.LinkPayload(
                purpose="unsubscribe",
                organisation_id=subscription.organisation_id,
                subscription_id=subscription.id,
                channel=channel.value,
            ),
        )
        url = f"{self.settings.link_base.rstrip('/')}/odjava?t={token}"
        if len(self._links) >= 100_000:
            self._links.clear()
        self._links[name] = url
        return url

    def _confirm_url(self, subscription: Subscription, channel: Channel, code: str) -> str:
        token = links.sign(
            self.settings.signing_keys[0],
            links.LinkPayload(
                purpose="confirm",
                organisation_id=subscription.organisation_id,
                subscription_id=subscription.id,
                channel=channel.value,
                code=code,
            ),
        )
        return f"{self.settings.link_base.rstrip('/')}/potrditev?t={token}"

    @staticmethod
    def _source(identity: Identity, source: Source | None) -> Source:
        if not isinstance(identity, Identity):
            raise ConfigurationError(
                "notify.identity",
                sl="Klic potrebuje overjeno identiteto (Identity).",
                en="The call needs an authenticated Identity.",
                where="identity",
            )
        if identity.kind is IdentityKind.CITIZEN:
            if source not in (None, Source.PORTAL):
                raise ConfigurationError(
                    "notify.source",
                    sl="Občan na portalu lahko naroča le prek portala.",
                    en="A citizen on the portal acts only through the portal.",
                    where="source",
                )
            return Source.PORTAL
        if source not in (Source.IN_PERSON, Source.WRITTEN):
            raise ConfigurationError(
                "notify.source",
                sl="Uradnik zapiše, ali je bila zahteva dana osebno ali pisno.",
                en="An official records whether the request was made in person or in writing.",
                where="source",
            )
        return source

    @staticmethod
    def _own(
        uow: UnitOfWork, identity: Identity, organisation_id: str, subscription_id: str
    ) -> Subscription:
        stored = uow.notify.subscription(organisation_id, subscription_id)
        if identity.kind is IdentityKind.CITIZEN:
            if stored is None or stored.person_id != identity.id:
                raise forbidden("subscription")
            return stored
        if stored is None:
            raise NotFound(
                "storage.not_found",
                sl="Naročnine ni.",
                en="There is no such subscription.",
                where=f"notify_subscriptions {organisation_id}/{subscription_id}",
            )
        return stored

    @staticmethod
    def _consent(
        uow: UnitOfWork,
        subscription: Subscription,
        what: str,
        source: Source,
        actor: str,
        now: datetime,
        *,
        seq: int | None = None,
    ) -> int:
        if seq is None:
            history = uow.notify.consent_history(subscription.organisation_id, subscription.id)
            seq = history[-1].seq + 1 if history else 1
        uow.notify.add_consent(
            ConsentChange(
                organisation_id=subscription.organisation_id,
                subscription_id=subscription.id,
                seq=seq,
                at=now,
                what=what,
                source=source,
                actor=actor,
                preference=subscription.preference,
                channels=subscription.channels,
                active=subscription.active,
                email=subscription.email,
                mobile=subscription.mobile,
            )
        )
        return seq

    def _code_hash(
        self,
        organisation_id: str,
        subscription_id: str,
        channel: Channel,
        address: str | None,
        code: str,
    ) -> str:
        text = "\x1f".join(
            (organisation_id, subscription_id, channel.value, address or "", str(code))
        )
        key = self.settings.signing_keys[0]
        return hmac.new(key, b"szo-notify-code\x00" + text.encode(), hashlib.sha256).hexdigest()

    def _issue(
        self, uow: UnitOfWork, subscription: Subscription, channel: Channel, now: datetime, seq: int
    ) -> Confirmation:
        address = subscription.address(channel)
        assert address is not None  # the record guarantees an address for each channel
        code = self._codes()
        confirmation = uow.notify.put_confirmation(
            Confirmation(
                organisation_id=subscription.organisation_id,
                subscription_id=subscription.id,
                channel=channel,
                address=address,
                code_hash=self._code_hash(
                    subscription.organisation_id, subscription.id, channel, address, code
                ),
                expires_at=now + self.settings.confirmation_lifetime,
                created_at=now,
            )
        )
        subject, body, sms = _CONFIRM_TEXT[subscription.language]
        minutes = int(self.settings.confirmation_lifetime.total_seconds() // 60)
        key = IdempotencyKey(f"confirm:{subscription.id}:{seq}", subscription.id, channel)
        message: EmailMessage | SmsMessage
        if channel is Channel.EMAIL:
            url = self._confirm_url(subscription, channel, code)
            message = EmailMessage(
                sender=self.settings.sender,
                sender_name=self.settings.sender_name,
                to=(address,),
                subject=subject,
                text=body.format(url=url, code=code, minutes=minutes),
            )
        else:
            message = SmsMessage(
                to=address,
                text=sms.format(code=code, minutes=minutes),
                sender=self.settings.sms_sender,
            )
        uow.outbox.enqueue(
            new_message(subscription.organisation_id, key, message, now=now, seal=self.seal)
        )
        return confirmation

    # ----------------------------------------------------------------- dispatch
    def notify(self, uow: UnitOfWork, event: CaseEvent, *, now: datetime) -> NotifyReport:
        """Decide, render and queue ``event`` for every subscription of its case.

        For each subscription of one of the event's parties to its case (or to
        all their cases) and each of the subscription's channels: :func:`decide`;
        then, for a message to send, the rate limit (past it a notifiable event
        is held for the digest), the SMS quiet hours (the message waits in the
        outbox until they end), and the event type's template version in the
        subscriber's language (Slovenian when there is no English one)
        rendered with the event's values, with the signed unsubscribe link.
        The message is queued under (``notify:<event id>``, subscription,
        channel); every decision is kept for the audit.  An event notified
        again decides nothing new (``duplicates``).  Nothing is committed.

        Raises:
            szo_core.errors.NotFound: ``notify.event_type_unknown``: the
                catalogue has no such event type.
            szo_core.templates.errors.UndefinedPlaceholder: a required field
                has no value; szo_core.errors.InvalidType: a value does not
                fit its field; szo_core.errors.InvalidFormat:
                ``notify.value_unknown`` for a value the type does not
                declare.  In each case nothing is queued.
        """
        check_aware(None, attrs.fields(Subscription).created_at, now)
        return self._notify(uow, event, now, {}, {})

    def notify_many(
        self,
        uow: UnitOfWork,
        events: Iterable[CaseEvent],
        *,
        now: datetime,
        pause_collector: bool = True,
    ) -> tuple[NotifyReport, ...]:
        """:meth:`notify` each of ``events`` in turn, in one unit of work; the reports in order.

        The same decisions, messages and reports as calling :meth:`notify` for
        each event at ``now`` (a later event sees what the earlier ones
        queued: duplicates, the rate limit), with what does not change within
        the call looked up once: each event type of the catalogue and the
        organisation's SMS letter policy, and the decisions and messages stored
        with one :meth:`~szo_core.notify.ports.NotifyRepository.add_deliveries`
        and one :meth:`~szo_core.ports.OutboxRepository.enqueue_many` (one
        multi-row insert each on SQL; per event when a rate limit is set, as
        the limit reads them).  For a back office that dispatches
        the events of a period at once (the real-time path is :meth:`notify`
        right after each commit).

        ``pause_collector`` pauses Python's cyclic garbage collector for the
        call (:func:`szo_core._gc.collector_paused`: process-wide, only for
        the call, turned back on after it): the decisions and messages are
        many small records that all survive, and the collections that the
        growing young generations trigger would walk them again and again
        (a third of the time of 10,000 events, ``benchmarks/bench_notify.py``).
        Nothing made here holds a reference cycle.

        Raises:
            What :meth:`notify` raises, for the first event that raises.  The
            unit of work then holds the decisions of the events before it:
            leave it without committing (leaving the ``with`` block by the
            exception does), so that nothing is half-written.

        >>> from szo_core.adapters.memory import MemoryStore
        >>> from szo_core.notify.settings import NotifySettings
        >>> svc = Notifications(NotifySettings(
        ...     sender="obvestila@obcina.si", signing_keys=(b"k" * 32,),
        ...     link_base="https://portal.obcina.si/obvestila"))
        >>> with MemoryStore().unit_of_work() as uow:
        ...     svc.notify_many(uow, [], now=datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
        ()
        """
        from szo_core._gc import collector_paused

        check_aware(None, attrs.fields(Subscription).created_at, now)
        with collector_paused(pause_collector):
            return self._notify_all(uow, events, now)

    def _notify_all(
        self, uow: UnitOfWork, events: Iterable[CaseEvent], now: datetime
    ) -> tuple[NotifyReport, ...]:
        """The reports of :meth:`notify_many`: decisions event by event, the writes in batches.

        Every event's decisions and messages are made in turn; they are stored
        with one :meth:`~szo_core.notify.ports.NotifyRepository.add_deliveries`
        and one :meth:`~szo_core.ports.OutboxRepository.enqueue_many` for the
        whole call, which keep the one-by-one order (a decision repeated later
        in the call is a duplicate of the first).  With a rate limit each
        event's writes go in before the next event is decided (the limit reads
        what was stored); when an event raises, those of the events before it
        are written first, as :meth:`notify` one by one leaves them.  Kept in a
        method of its own so that its lists are freed before the collector
        resumes.
        """
        types: dict[tuple[str, str], EventType] = {}
        policies: dict[str, list[LetterPolicy]] = {}
        each = self.settings.rate_limit is not None
        reports: list[NotifyReport] = []
        pending: list[tuple[str, list[tuple[Delivery, OutboxMessage | None]]]] = []
        for event in events:
            try:
                internal, decided = self._decisions(uow, event, now, types, policies)
            except BaseException:
                self._write(uow, pending, reports)
                raise
            if internal is not None:
                self._write(uow, pending, reports)  # the reports stay in the events' order
                reports.append(internal)
                continue
            pending.append((event.id, decided))
            if each:
                self._write(uow, pending, reports)
        self._write(uow, pending, reports)
        return tuple(reports)

    @staticmethod
    def _write(
        uow: UnitOfWork,
        pending: list[tuple[str, list[tuple[Delivery, OutboxMessage | None]]]],
        reports: list[NotifyReport],
    ) -> None:
        """Store ``pending`` events' decisions and new messages; append their reports; clear it."""
        if not pending:
            return
        stored = iter(uow.notify.add_deliveries([d for _, decided in pending for d, _ in decided]))
        messages: list[OutboxMessage] = []
        for event_id, decided in pending:
            made: list[Delivery] = []
            duplicates = 0
            for delivery, message in decided:
                if next(stored) is not delivery:
                    duplicates += 1
                    continue
                if message is not None:
                    messages.append(message)
                made.append(delivery)
            reports.append(
                NotifyReport(event_id=event_id, deliveries=tuple(made), duplicates=duplicates)
            )
        pending.clear()
        if messages:
            uow.outbox.enqueue_many(messages)

    def _notify(
        self,
        uow: UnitOfWork,
        event: CaseEvent,
        now: datetime,
        types: dict[tuple[str, str], EventType],
        policies: dict[str, list[LetterPolicy]],
    ) -> NotifyReport:
        internal, decided = self._decisions(uow, event, now, types, policies)
        if internal is not None:
            return internal
        made: list[Delivery] = []
        duplicates = 0
        for delivery, message in decided:
            stored = uow.notify.add_delivery(delivery)
            if stored is not delivery:
                duplicates += 1
                continue
            if message is not None:
                uow.outbox.enqueue(message)
            made.append(stored)
        return NotifyReport(event_id=event.id, deliveries=tuple(made), duplicates=duplicates)

    def _decisions(
        self,
        uow: UnitOfWork,
        event: CaseEvent,
        now: datetime,
        types: dict[tuple[str, str], EventType],
        policies: dict[str, list[LetterPolicy]],
    ) -> tuple[NotifyReport | None, list[tuple[Delivery, OutboxMessage | None]]]:
        """The event's decisions and messages, nothing written; or the report of an internal one."""
        if not isinstance(event, CaseEvent):
            raise ConfigurationError(
                "notify.event",
                sl="notify() sprejme CaseEvent.",
                en="notify() takes a CaseEvent.",
                where="event",
            )
        name = (event.organisation_id, event.code)
        event_type = types.get(name)
        if event_type is None:
            event_type = uow.notify.event_type(event.organisation_id, event.code)
            if event_type is None:
                raise NotFound(
                    "notify.event_type_unknown",
                    sl="Vrste dogodka ni v katalogu.",
                    en="The event type is not in the catalogue.",
                    where=event.code,
                )
            types[name] = event_type
        _check_values(event_type, event.values)
        if event_type.event_class is EventClass.INTERNAL:
            return NotifyReport(event_id=event.id, internal=True), []
        subscriptions = uow.notify.subscriptions_for_case(
            event.organisation_id, event.case_id, event.parties
        )
        # the organisation's letter policy, looked up at most once per call
        policy = policies.setdefault(event.organisation_id, [])
        event_key = f"notify:{event.id}"
        # Every decision and message first (reads and rendering only), then the writes:
        # a value that does not render leaves nothing half-written in the unit of work.
        return None, [
            self._decide_one(uow, event, event_key, event_type, subscription, channel, now, policy)
            for subscription in subscriptions[:_MAX_SUBSCRIPTIONS_PER_CALL]
            for channel in subscription.channels
        ]

    def _decide_one(
        self,
        uow: UnitOfWork,
        event: CaseEvent,
        event_key: str,
        event_type: EventType,
        subscription: Subscription,
        channel: Channel,
        now: datetime,
        policy: list[LetterPolicy],
    ) -> tuple[Delivery, OutboxMessage | None]:
        skipped = decide(event_type.event_class, subscription, channel)
        if skipped is not None:
            return self._delivery(event, event_type, subscription, channel, now, skipped), None
        limit = self.settings.rate_limit
        if limit is not None and event_type.event_class is not EventClass.KEY:
            held = uow.notify.held_for_digest(
                event.organisation_id, subscription.id, event.case_id, channel
            )
            due_at = None
            if held:
                due_at = held[0].due_at
            elif (
                uow.notify.count_sent_since(
                    event.organisation_id,
                    subscription.id,
                    event.case_id,
                    channel,
                    now - limit.window,
                )
                >= limit.max_messages
            ):
                due_at = now + limit.window
            if due_at is not None:
                pending = Outcome.DIGEST_PENDING
                return self._delivery(
                    event, event_type, subscription, channel, now, pending, due_at
                ), None
        due = self._quiet_until(channel, event_type.event_class, now)
        version = self._route(uow, event_type, channel, subscription.language)
        queued = self._queue(
            uow, event_key, version, subscription, channel, event.values, policy, now, due
        )
        # The audit row as _delivery makes it, built here directly (one call less per message).
        return _new_delivery(
            event.organisation_id,
            event.id,
            subscription.id,
            channel,
            event.case_id,
            event_type.code,
            event_type.version,
            event_type.event_class,
            event.occurred_at,
            Outcome.QUEUED if due is None else Outcome.DEFERRED,
            now,
            queued.id,
            version.key,
            version.version,
            due,
        ), queued

    @staticmethod
    def _delivery(
        event: CaseEvent,
        event_type: EventType,
        subscription: Subscription,
        channel: Channel,
        now: datetime,
        outcome: Outcome,
        due_at: datetime | None = None,
        queued: OutboxMessage | None = None,
    ) -> Delivery:
        """The decision's audit row, made once (with its message, if one was queued).

        Every field comes from a validated record or from ``now`` and ``due_at``
        (aware: checked when the call began, or computed from it), so the row is
        built without running the validators again.
        """
        queued_id, template, version = (
            (None, None, None)
            if queued is None
            else (queued.id, queued.template_key, queued.template_version)
        )
        return _new_delivery(
            event.organisation_id,
            event.id,
            subscription.id,
            channel,
            event.case_id,
            event_type.code,
            event_type.version,
            event_type.event_class,
            event.occurred_at,
            outcome,
            now,
            queued_id,
            template,
            version,
            due_at,
        )

    def _quiet_until(
        self, channel: Channel, event_class: EventClass, now: datetime
    ) -> datetime | None:
        quiet = self.settings.quiet_hours
        if channel is not Channel.SMS or quiet is None:
            return None
        if event_class is EventClass.KEY and not quiet.key_events_too:
            return None
        return quiet.end_of(now)

    def _enqueue(
        self,
        uow: UnitOfWork,
        event_key: str,
        subscription: Subscription,
        channel: Channel,
        message: EmailMessage | SmsMessage,
        now: datetime,
        due: datetime | None,
        template: str | None,
        version: int | None,
    ) -> OutboxMessage:
        queued = self._outbox_message(
            event_key, subscription, channel, message, now, due, template, version
        )
        return uow.outbox.enqueue(queued)

    @staticmethod
    def _outbox_message(
        event_key: str,
        subscription: Subscription,
        channel: Channel,
        message: EmailMessage | SmsMessage,
        now: datetime,
        due: datetime | None,
        template: str | None,
        version: int | None,
    ) -> OutboxMessage:
        queued = new_message(
            subscription.organisation_id,
            IdempotencyKey(event_key, subscription.id, channel),
            message,
            now=now,
            template_key=template,
            template_version=version,
        )
        if due is not None:
            queued = attrs.evolve(queued, next_attempt_at=due)
        return queued

    def _route(
        self, uow: UnitOfWork, event_type: EventType, channel: Channel, language: Language
    ) -> _Version:
        """The template version an event type version uses on ``channel`` in ``language``.

        Kept per event type record, channel and language (the record is kept with
        it, so its id is not reused meanwhile): the memory store and
        :meth:`notify_many` hand the same record to every event of a type.
        """
        name = (id(event_type), channel, language)
        kept = self._routes.get(name)
        if kept is not None and kept[0] is event_type:
            return kept[1]
        ref = event_type.template_ref(channel, language)
        if ref is None:
            raise NotFound(
                "notify.template_missing",
                sl="Vrsta dogodka nima predloge za ta kanal.",
                en="The event type has no template for this channel.",
                where=f"{event_type.code} {channel.value}",
            )
        key = template_key(event_type.code, channel)
        found = self._template(uow, event_type.organisation_id, key, ref.language, ref.version)
        if len(self._routes) >= self._max_cached:
            self._routes.pop(next(iter(self._routes)))
        self._routes[name] = (event_type, found)
        return found

    def _template(
        self, uow: UnitOfWork, organisation_id: str, key: str, language: str, version: int
    ) -> _Version:
        name = (organisation_id, key, language, version)
        found = self._compiled.get(name)
        if found is None:
            template = uow.templates.get(organisation_id, key, language, version)
            found = _Version(template, self._limits)
            if len(self._compiled) >= self._max_cached:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[name] = found
        return found

    def _letters(
        self, uow: UnitOfWork, organisation_id: str, policy: list[LetterPolicy]
    ) -> LetterPolicy:
        if not policy:
            chosen = self.settings.sms_letters
            if chosen is None:
                organisation = uow.organisations.find(organisation_id)
                chosen = organisation.sms_letters if organisation is not None else LetterPolicy.KEEP
            policy.append(chosen)
        return policy[0]

    def _footer(self, subscription: Subscription, channel: Channel) -> _Footer:
        """The unsubscribe link and the footer of ``subscription``'s messages on ``channel``."""
        name = (subscription.organisation_id, subscription.id, channel, subscription.language)
        found = self._footers.get(name)
        if found is None:
            found = _Footer(
                self.unsubscribe_url(subscription, channel), _FOOTER[subscription.language]
            )
            if len(self._footers) >= 100_000:
                self._footers.clear()
            self._footers[name] = found
        return found

    def _message_id(self, ident: str, channel: Channel) -> str:
        """The outbox's ``Message-ID`` for ``ident`` (:func:`message_id_for`).

        For SMS the id itself; for e-mail ``<id@domain>`` with the sender's domain,
        whose ``@domain>`` is taken once from :func:`message_id_for` itself.
        """
        if channel is not Channel.EMAIL:
            return ident
        suffix = self._mail_id_suffix
        if suffix is None:
            probe = EmailMessage(sender=self.settings.sender, to=(), subject="", text="")
            suffix = self._mail_id_suffix = message_id_for("", probe)[1:]
        return f"<{ident}{suffix}"

    def _queue(
        self,
        uow: UnitOfWork,
        event_key: str,
        version: _Version,
        subscription: Subscription,
        channel: Channel,
        values: Mapping[str, object],
        policy: list[LetterPolicy],
        now: datetime,
        due: datetime | None,
    ) -> OutboxMessage:
        """Render ``version`` for ``subscription`` and make its queued outbox record.

        The record is the one :func:`~szo_core.outbox.records.new_message` makes
        (the id and ``Message-ID`` from the key, times in UTC), and then due at
        ``due``: built once, with the ``Message-ID`` set as the message is made,
        instead of being copied three times.
        """
        organisation_id = subscription.organisation_id
        # The event's and the subscription's ids are checked ids (not blank, no unit
        # separator), the channel one of the subscription's: the key's own checks.
        key = _new_key(event_key, subscription.id, channel)
        ident = key_digest(organisation_id, event_key, subscription.id, channel)
        mid = self._message_id(ident, channel)
        footer = self._footer(subscription, channel)
        message: EmailMessage | SmsMessage
        if channel is Channel.EMAIL:
            assert subscription.email is not None
            assert version.email is not None
            # The values were checked once for the event (_check_values).
            parts = version.email.render_parts(values)
            if parts is None:
                full = version.compiled.render_email(values)
                parts = (full.subject, full.html, full.text)
            # The texts are the renderer's str output; the rest are checked settings,
            # the subscription's validated address and the footer's tuple of headers.
            # EmailMessage has no validators, only converters to tuples, given tuples.
            message = _new_email(
                self.settings.sender,
                self.settings.sender_name,
                (subscription.email,),
                parts[0],
                parts[2] + footer.text,
                parts[1] + footer.html,
                footer.headers,
                mid,
            )
        else:
            assert subscription.mobile is not None
            assert version.sms is not None
            letters = self._letters(uow, organisation_id, policy)
            # The text's cost (parts) is not needed to queue it, so the plain template is
            # rendered directly instead of through render_sms (which also counts the parts).
            # The values were checked for the event; text fields joined in when they can be.
            fast = version.plain_sms
            text = fast.render(values) if fast is not None else None
            if text is None:
                text = version.sms.render(values, types=version.types, language=version.language)
            if self.settings.sms_unsubscribe_link:
                text = f"{text} {footer.footer}"
            message = _new_sms(
                subscription.mobile, apply_policy(text, letters), self.settings.sms_sender, mid
            )
        at = now.astimezone(UTC)  # the outbox keeps UTC
        # The payload matches the key's channel (built for it above) and the times are
        # aware (``now`` checked when the call began, ``due`` computed from it): the
        # record's own validators would find nothing.
        return _new_outbox(
            organisation_id,
            ident,
            key,
            message,
            mid,
            version.key,
            version.version,
            due if due is not None else at,
            at,
        )

    def _email(
        self, to: str, subject: str, text: str, body: str, footer: str, url: str
    ) -> EmailMessage:
        return EmailMessage(
            sender=self.settings.sender,
            sender_name=self.settings.sender_name,
            to=(to,),
            subject=subject,
            text=f"{text}\n\n-- \n{footer}",
            html=f"{body}\n<hr>\n<p>{html.escape(footer)}</p>",
            headers=_unsubscribe_headers(url),
        )

    # ----------------------------------------------------------------- digests
    def flush_digests(
        self,
        uow: UnitOfWork,
        *,
        now: datetime,
        organisation_id: str | None = None,
        limit: int = 1000,
    ) -> int:
        """Queue one digest message for each group of held events that is due; return how many.

        A group is a subscription's held events of one case on one channel.  The
        digest lists each event's name and time; it is queued under
        (``digest:<case>:<first event>``, subscription, channel) and each held
        item becomes ``digested`` with the digest's outbox id.  A group whose
        subscription ended or lost its confirmation meanwhile is skipped with
        that reason.  SMS digests wait for the end of the quiet hours.  Call it
        periodically (the :class:`~szo_core.notify.live.LiveDispatcher` does
        before each round).  Nothing is committed.
        """
        check_aware(None, attrs.fields(Subscription).created_at, now)
        groups: dict[tuple[str, str, str, Channel], list[Delivery]] = {}
        for item in uow.notify.pending_digests(now, organisation_id=organisation_id, limit=limit):
            key = (item.organisation_id, item.subscription_id, item.case_id, item.channel)
            groups.setdefault(key, []).append(item)
        queued = 0
        for (org, subscription_id, case_id, channel), items in groups.items():
            items.sort(key=lambda d: (d.occurred_at, d.event_id))
            subscription = uow.notify.subscription(org, subscription_id)
            skipped = (
                Outcome.SKIPPED_UNSUBSCRIBED
                if subscription is None
                else decide(EventClass.KEY, subscription, channel)
            )
            if subscription is None or skipped is not None:
                reason = skipped if skipped is not None else Outcome.SKIPPED_UNSUBSCRIBED
                for item in items:
                    uow.notify.update_delivery(attrs.evolve(item, outcome=reason, due_at=None))
                continue
            message = self._digest(uow, subscription, channel, case_id, items)
            due = self._quiet_until(channel, EventClass.NOTIFIABLE, now)
            sent = self._enqueue(
                uow,
                f"digest:{case_id}:{items[0].event_id}",
                subscription,
                channel,
                message,
                now,
                due,
                None,
                None,
            )
            for item in items:
                uow.notify.update_delivery(
                    attrs.evolve(item, outcome=Outcome.DIGESTED, outbox_id=sent.id, due_at=due)
                )
            queued += 1
        return queued

    def _digest(
        self,
        uow: UnitOfWork,
        subscription: Subscription,
        channel: Channel,
        case_id: str,
        items: list[Delivery],
    ) -> EmailMessage | SmsMessage:
        from szo_core.templates.formatting import format_datetime, plural

        language = subscription.language
        subject, lead, forms = _DIGEST[language]
        count = len(items)
        events = plural(count, *forms, language=language)
        lines = []
        for item in items:
            event_type = uow.notify.event_type(
                subscription.organisation_id, item.event_code, item.event_version
            )
            name = event_type.display_name(language) if event_type is not None else item.event_code
            when = format_datetime(item.occurred_at, "short", "dotted", language)
            lines.append(f"- {when}: {name}")
        head = lead.format(case=case_id, count=count, events=events, verb=_digest_verb(count))
        url = self.unsubscribe_url(subscription, channel)
        footer = _FOOTER[language].format(url=url)
        if channel is Channel.EMAIL:
            assert subscription.email is not None
            text = "\n".join((head, *lines))
            body = (
                "<p>"
                + html.escape(head)
                + "</p>\n<ul>"
                + "".join(f"<li>{html.escape(line[2:])}</li>" for line in lines)
                + "</ul>"
            )
            return self._email(
                subscription.email,
                subject.format(case=case_id, count=count, events=events),
                text,
                body,
                footer,
                url,
            )
        assert subscription.mobile is not None
        letters = self._letters(uow, subscription.organisation_id, [])
        text = " ".join((head, "; ".join(line[2:] for line in lines)))
        if self.settings.sms_unsubscribe_link:
            text = f"{text} {footer}"
        return SmsMessage(
            to=subscription.mobile,
            text=apply_policy(text, letters),
            sender=self.settings.sms_sender,
        )

    # ----------------------------------------------------------------- audit
    def audit(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        *,
        event_id: str | None = None,
        subscription_id: str | None = None,
        case_id: str | None = None,
    ) -> tuple[AuditEntry, ...]:
        """What was decided for whom, when and on which channel, and how its delivery went.

        Each decision (filtered by the event, subscription or case given) with
        its outbox message's recipient, state, attempts, acceptance time and
        last error code (``smtp.550`` ...).
        """
        entries = []
        for delivery in uow.notify.deliveries(
            organisation_id, event_id=event_id, subscription_id=subscription_id, case_id=case_id
        ):
            message = (
                None
                if delivery.outbox_id is None
                else uow.outbox.find(organisation_id, delivery.outbox_id)
            )
            if message is None:
                entries.append(AuditEntry(delivery=delivery))
                continue
            recipient = message.recipients[0]
            entries.append(
                AuditEntry(
                    delivery=delivery,
                    recipient=recipient,
                    state=message.state,
                    attempts=message.attempts,
                    sent_at=message.sent_at,
                    last_error_code=message.last_error_code,
                )
            )
        return tuple(entries)


def _unsubscribe_headers(url: str) -> Any:
    """RFC 2369 and RFC 8058 (one-click) unsubscribe headers (loosely typed for attrs)."""
    return (
        ("List-Unsubscribe", f"<{url}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )


_Checks = tuple[frozenset[str], tuple[tuple[str, "FieldType", bool, bool], ...]]
# id(fields tuple) -> (the tuple, kept so that its id is not reused; what to check)
_VALUE_CHECKS: dict[int, tuple[tuple[TemplateField, ...], _Checks]] = {}


def _value_checks(fields: tuple[TemplateField, ...]) -> _Checks:
    """The declared names and, per field, (name, type, required, is text), kept per fields tuple.

    Keyed by the tuple's identity (the memory store and ``notify_many`` hand the
    same event type record to every event of a type; hashing the fields would
    cost more than the check).
    """
    kept = _VALUE_CHECKS.get(id(fields))
    if kept is not None and kept[0] is fields:
        return kept[1]
    from szo_core.templates.model import FieldType

    checks: _Checks = (
        frozenset(f.name for f in fields),
        tuple((f.name, f.type, f.required, f.type is FieldType.TEXT) for f in fields),
    )
    if len(_VALUE_CHECKS) >= 512:
        _VALUE_CHECKS.clear()
    _VALUE_CHECKS[id(fields)] = (fields, checks)
    return checks


def _check_values(event_type: EventType, values: Mapping[str, object]) -> None:
    declared, checks = _value_checks(event_type.fields)
    for name in values:
        if name not in declared:
            raise InvalidFormat(
                "notify.value_unknown",
                sl="Dogodek ima vrednost polja, ki ga vrsta dogodka ne navaja.",
                en="The event has a value for a field its type does not declare.",
                where=name,
            )
    for name, kind, required, text in checks:
        value = values.get(name)
        if value is None:
            if required:
                raise UndefinedPlaceholder(
                    "templates.undefined",
                    sl="Za obvezno polje ni vrednosti.",
                    en="A required field has no value.",
                    where=name,
                )
            continue
        if text and type(value) is str:
            continue  # what check_value accepts for text, without looking its type up
        check_value(kind, value, name)


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    from szo_core.delivery.addresses import validate_email

    return validate_email(value, where="email")


def _mobile(value: str | None) -> str | None:
    if value is None:
        return None
    from szo_core.delivery.addresses import validate_mobile

    return validate_mobile(value, where="mobile")


def _random_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _random_id() -> str:
    return secrets.token_hex(12)
