"""The reference web app (``szo serve``): booking, operator messages, notification settings.

A small Starlette app with Jinja2 pages and no JavaScript that uses the SDK
only through its public API: :mod:`szo_core.booking`, :mod:`szo_core.messaging`,
:mod:`szo_core.notify` and the outbox.  The pieces:

* :mod:`~szo_core.web.wiring`: :class:`WebConfig` and :func:`build`, the one
  place where the SDK objects are made;
* :mod:`~szo_core.web.app`: :func:`create_app`, the routes and the security
  layer (signed session cookie, CSRF, CSP, rate limits, the access log);
* :mod:`~szo_core.web.booking_pages`, :mod:`~szo_core.web.operator_pages`,
  :mod:`~szo_core.web.notify_pages`: the screens;
* :mod:`~szo_core.web.accounts`: operator sign-in with argon2id hashes, stored
  through ``uow.web`` (:mod:`~szo_core.web.ports`);
* :mod:`~szo_core.web.demo`: the sample offices, operators and passwords of
  ``szo serve`` on the embedded default.

It needs the ``web`` extra (starlette, uvicorn, python-multipart, argon2-cffi,
itsdangerous, jinja2).  Importing this package imports none of them; the
guide is ``docs/web.md``.

>>> import szo_core.web
>>> "starlette" in szo_core.web.__doc__
True
"""

from __future__ import annotations

__all__: list[str] = []
