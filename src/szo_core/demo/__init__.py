"""The demo: a sample kindergarten billed for two months, end to end.

* :mod:`szo_core.demo.sample`: :func:`~szo_core.demo.sample.generate` builds a
  realistic, synthetic kindergarten from a seed (deterministic, no clock).

>>> from szo_core.demo.sample import generate
>>> len(generate(children=10).children)
10
"""

__all__: list[str] = []
