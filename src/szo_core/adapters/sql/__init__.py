"""SQL storage with SQLAlchemy 2: SQLite by default, PostgreSQL through psycopg 3.

Needs the ``sql`` extra (``pip install 'szo_core[sql]'``).

* :class:`SqlStore` opens a database (a path or a URL) and migrates it;
  :meth:`SqlStore.unit_of_work` gives a :class:`SqlUnitOfWork` that implements
  :class:`szo_core.ports.UnitOfWork`.
* :func:`migrate` brings any database to the newest schema with the Alembic
  migrations shipped in this package; :func:`current_revision` and
  :data:`HEAD_REVISION` tell where it stands.
* :func:`make_engine` and :func:`database_url` are the URL handling.

>>> from datetime import date
>>> from decimal import Decimal
>>> from szo_core.model import Program, ProgramPrice
>>> store = SqlStore.open(":memory:")
>>> price = ProgramPrice(valid_from=date(2025, 9, 1), monthly=Decimal("520.10"),
...                      food_per_day=Decimal("2.30"))
>>> with store.unit_of_work() as uow:
...     _ = uow.programs.add(Program(organisation_id="o", code="I", prices=(price,)))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.programs.get("o", "I").prices[0].monthly
Decimal('520.10')
"""

from szo_core.adapters.sql.engine import DatabaseUrl, database_url, make_engine
from szo_core.adapters.sql.migrate import HEAD_REVISION, current_revision, migrate
from szo_core.adapters.sql.tables import metadata
from szo_core.adapters.sql.uow import SqlStore, SqlUnitOfWork

__all__ = [
    "HEAD_REVISION",
    "DatabaseUrl",
    "SqlStore",
    "SqlUnitOfWork",
    "current_revision",
    "database_url",
    "make_engine",
    "metadata",
    "migrate",
]
