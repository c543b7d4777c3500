"""szo_core: an SDK for Slovenian back offices of kindergartens, schools and care homes.

Importing the package does no I/O and loads nothing heavy; import the part you
need (``szo_core.ids.emso``, ``szo_core.money``, ``szo_core.fees`` ...).

>>> import szo_core
>>> isinstance(szo_core.__version__, str)
True
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("szo_core")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
