"""Moved to :mod:`szo_core.fees.kindergarten.siblings`; this name stays the same module.

``szo_core.fees.siblings`` is an alias kept for existing imports: importing it gives
the module :mod:`szo_core.fees.kindergarten.siblings` itself (so attributes set on
one are seen through the other).
"""

import sys

from szo_core.fees.kindergarten import siblings as _moved

sys.modules[__name__] = _moved
