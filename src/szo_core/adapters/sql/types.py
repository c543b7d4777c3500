"""Column types that keep money exact on every database.

SQLite has no decimal type: a column declared ``NUMERIC`` has numeric
*affinity* and SQLite turns ``'0.30'`` into the binary float ``0.3``, so
``0.1 + 0.2`` style values would come back changed.  :class:`ExactDecimal`
therefore stores a Decimal as its exact text (``str(value)``) in a ``VARCHAR``
column on SQLite (text affinity: SQLite keeps it byte for byte) and as an
unconstrained ``NUMERIC`` on PostgreSQL (which keeps the digits and the scale,
and psycopg returns a :class:`~decimal.Decimal`).  Floats are refused.

>>> from decimal import Decimal
>>> from sqlalchemy.dialects import sqlite, postgresql
>>> ExactDecimal().process_bind_param(Decimal("0.30"), sqlite.dialect())
'0.30'
>>> ExactDecimal().process_result_value("0.30", sqlite.dialect())
Decimal('0.30')
>>> print(ExactDecimal().load_dialect_impl(postgresql.dialect()))
NUMERIC
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["ExactDecimal"]


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal column: exact text on SQLite, ``NUMERIC`` on PostgreSQL.

    >>> ExactDecimal().process_bind_param(0.1, None)
    Traceback (most recent call last):
    ...
    TypeError: money must be Decimal, not float
    """

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Use ``VARCHAR(64)`` on SQLite and ``NUMERIC`` elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(64))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect | None) -> object:
        """Refuse anything but Decimal; on SQLite send the exact text."""
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be Decimal, not {type(value).__name__}")
        if dialect is not None and dialect.name == "sqlite":
            return str(value)
        return value

    def process_result_value(self, value: object, dialect: Dialect | None) -> Decimal | None:
        """Return the stored value as a Decimal (parsing SQLite's text)."""
        if value is None:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, str):
            return Decimal(value)
        raise TypeError(f"unexpected stored money type {type(value).__name__}")
