"""Citizen notifications about their case: catalogue, subscriptions, real-time dispatch, audit.

* :mod:`~szo_core.notify.catalogue`: event types (internal, notifiable, key),
  their fields and templates per channel and language, versioned;
* :mod:`~szo_core.notify.records`: subscriptions, the consent history,
  confirmations, events, decisions, the caller's identity;
* :mod:`~szo_core.notify.service`: :class:`~szo_core.notify.service.Notifications`,
  the calls a back office and a portal make (subscribe, change, confirm,
  unsubscribe, notify, notify_many, flush_digests, audit);
* :mod:`~szo_core.notify.settings`: senders, signing keys, SMS quiet hours,
  the per-case rate limit;
* :mod:`~szo_core.notify.prepared`: e-mail templates prepared once per version
  (sanitised and their text part derived once, the values escaped in);
* :mod:`~szo_core.notify.links`: signed unsubscribe and confirmation links;
* :mod:`~szo_core.notify.live`: the dispatcher woken right after a commit;
* :mod:`~szo_core.notify.ports`: ``uow.notify``.

Importing the package does no I/O; the guide is ``docs/notifications.md``.

>>> from szo_core.notify.catalogue import EventClass
>>> EventClass("key").name
'KEY'
"""
