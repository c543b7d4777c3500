"""Helpers for testing code that uses szo_core.

Hypothesis strategies live in :mod:`szo_core.testing.strategies`. That module
needs the ``testing`` extra (``pip install 'szo_core[testing]'``). This package
itself imports nothing optional, so importing it never needs Hypothesis.

>>> import szo_core.testing
>>> szo_core.testing.__all__
[]
"""

__all__: list[str] = []
