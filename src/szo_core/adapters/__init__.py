"""Storage adapters: the implementations of :mod:`szo_core.ports`.

* :mod:`szo_core.adapters.memory`: in memory, for tests and notebooks.
* :mod:`szo_core.adapters.sql`: SQLAlchemy 2 on SQLite (the default) or
  PostgreSQL (psycopg 3); needs the ``sql`` extra.
* :mod:`szo_core.adapters.smtp`: e-mail over SMTP (stdlib ``smtplib``).
* :mod:`szo_core.adapters.sms_http`: SMS through an HTTP gateway (httpx, the
  ``delivery`` extra).
* :mod:`szo_core.adapters.files`: e-mails as ``.eml`` files and SMS as JSON
  lines in a folder (the embedded default).

Nothing is imported here, so ``import szo_core.adapters`` stays cheap and does
not need SQLAlchemy.

>>> import szo_core.adapters
>>> szo_core.adapters.__all__
[]
"""

__all__: list[str] = []
