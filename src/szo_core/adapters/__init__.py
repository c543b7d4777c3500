"""Storage adapters: the implementations of :mod:`szo_core.ports`.

* :mod:`szo_core.adapters.memory`: in memory, for tests and notebooks.
* :mod:`szo_core.adapters.sql`: SQLAlchemy 2 on SQLite (the default) or
  PostgreSQL (psycopg 3); needs the ``sql`` extra.

Nothing is imported here, so ``import szo_core.adapters`` stays cheap and does
not need SQLAlchemy.

>>> import szo_core.adapters
>>> szo_core.adapters.__all__
[]
"""

__all__: list[str] = []
