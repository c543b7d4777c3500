"""Moved to :mod:`szo_core.fees.kindergarten.proration`; this name stays the same module.

``szo_core.fees.proration`` is an alias kept for existing imports: importing it gives
the module :mod:`szo_core.fees.kindergarten.proration` itself (so attributes set on
one are seen through the other).
"""

import sys

from szo_core.fees.kindergarten import proration as _moved

sys.modules[__name__] = _moved
