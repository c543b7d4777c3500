"""Alembic migrations of the szo_core schema, shipped in the package.

Run them with :func:`szo_core.adapters.sql.migrate`; no ``alembic.ini`` is needed.
The version is kept in the table ``szo_alembic_version`` so that it does not
clash with an application's own Alembic history in the same database.

>>> from szo_core.adapters.sql.migrations import VERSION_TABLE
>>> VERSION_TABLE
'szo_alembic_version'
"""

__all__ = ["VERSION_TABLE"]

VERSION_TABLE = "szo_alembic_version"
"""The table in which Alembic records szo_core's schema version."""
