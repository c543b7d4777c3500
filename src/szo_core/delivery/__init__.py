"""Delivery: what it costs to send a text and where it can be sent.

* :mod:`szo_core.delivery.sms` counts SMS parts for GSM-7 and UCS-2, splits a
  text into parts and applies the organisation's policy for Slovenian letters
  (keep them, or transliterate č→c, š→s, ž→z so the text fits GSM-7).  Pure code,
  no extra needed.
* :mod:`szo_core.delivery.addresses` checks e-mail addresses and Slovenian mobile
  numbers and normalises them (E.164 for numbers).  It needs the ``delivery``
  extra (``pip install szo_core[delivery]``: email-validator and phonenumbers).

Importing this package imports neither submodule.
"""

from __future__ import annotations

__all__: list[str] = []
