"""Payments: payment instructions, UPN QR slips and SEPA direct debit files.

* :mod:`szo_core.payments.instructions`: invoices to payment instructions, one per
  invoice or one per merged payment group;
* :mod:`szo_core.payments.upn`: the UPN QR payload and QR symbol;
* :mod:`szo_core.payments.sepa`: the streamed pain.008 writer and its XSD check.

Importing this package imports none of the three (and no lxml or segno).

Example:
    >>> from szo_core.payments import shorten
    >>> shorten("Oskrbnina za oktober 2026", 20)
    'Oskrbnina za oktober'
"""

from szo_core.payments._text import shorten

__all__ = ["shorten"]
