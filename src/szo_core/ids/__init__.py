"""Slovenian identifiers, each module in python-stdnum's shape.

Every module has ``compact``, ``validate`` (returns the compact form or raises a
:class:`szo_core.errors.ValidationError`), ``is_valid`` (never raises) and
``format``.  Modules: :mod:`~szo_core.ids.emso`, :mod:`~szo_core.ids.davcna`
(alias ``tax_number``), :mod:`~szo_core.ids.iban`, :mod:`~szo_core.ids.creditor_id`,
:mod:`~szo_core.ids.mandate` and :mod:`~szo_core.ids.reference`.
"""
