"""The demo: a sample kindergarten billed for two months, end to end.

* :mod:`szo_core.demo.sample`: :func:`~szo_core.demo.sample.generate` builds a
  realistic, synthetic kindergarten from a seed (deterministic, no clock).
* :mod:`szo_core.demo.run`: :func:`~szo_core.demo.run.run_demo` stores it in a
  fresh SQLite file, bills and closes two months (the second with corrections),
  and writes the statements, UPN QR codes and the SEPA file; ``szo demo`` runs it.

Importing this package imports neither (nor SQLAlchemy, segno or lxml).

>>> from szo_core.demo.sample import generate
>>> len(generate(children=10).children)
10
"""

__all__: list[str] = []
