"""Moved to :mod:`szo_core.fees.kindergarten.inputs`; this name stays the same module.

``szo_core.fees.inputs`` is an alias kept for existing imports: importing it gives
the module :mod:`szo_core.fees.kindergarten.inputs` itself (so attributes set on
one are seen through the other).
"""

import sys

from szo_core.fees.kindergarten import inputs as _moved

sys.modules[__name__] = _moved
