"""Slovenian identifiers, each module in python-stdnum's shape.

Every module has ``compact``, ``validate`` (returns the compact form or raises a
:class:`szo_core.errors.ValidationError`), ``is_valid`` (never raises), ``format``
and ``mask`` (a display form that hides personal digits). Modules:
:mod:`~szo_core.ids.emso`, :mod:`~szo_core.ids.davcna` (English alias
``tax_number``), :mod:`~szo_core.ids.iban`, :mod:`~szo_core.ids.creditor_id`,
:mod:`~szo_core.ids.mandate` and :mod:`~szo_core.ids.reference`.

Submodules load on first use, so ``import szo_core.ids`` stays cheap:

>>> from szo_core import ids
>>> ids.tax_number is ids.davcna
True
>>> ids.tax_number.is_valid("12345679")
True
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["creditor_id", "davcna", "emso", "iban", "mandate", "reference", "tax_number"]

_ALIASES = {"tax_number": "davcna"}


def __getattr__(name: str) -> ModuleType:
    module = _ALIASES.get(name, name)
    if module in __all__:
        return importlib.import_module(f"{__name__}.{module}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
