"""Old names that keep working for a while: renamed keyword arguments, attributes and classes.

Every warning is a :class:`DeprecationWarning` whose message starts with
``szo_core`` and names the old and the new name, never a value (a renamed
field may hold an IBAN).  pytest turns them into errors for the project's own
code (``filterwarnings`` in ``pyproject.toml``), so nothing in ``szo_core``
uses an old name.

* :func:`renamed_fields` wraps an attrs class's ``__init__`` so that the old
  keyword arguments still work, and adds read-only properties under the old
  attribute names;
* :func:`module_getattr` returns a module ``__getattr__`` that hands out a
  renamed or moved name with a warning.

>>> import warnings
>>> import attrs
>>> @renamed_fields({"town": "city"})
... @attrs.frozen(kw_only=True)
... class Place:
...     city: str
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     place = Place(town="Kranj")
>>> place.city, str(caught[0].message)
('Kranj', 'szo_core: Place(town=...) is deprecated; use city')
>>> Place(city="Kranj", town="Kranj")
Traceback (most recent call last):
...
TypeError: Place() got both city and its deprecated name town
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

__all__ = ["module_getattr", "renamed_fields", "warn_deprecated"]

T = TypeVar("T")


def warn_deprecated(message: str, *, stacklevel: int = 2) -> None:
    """Emit a ``DeprecationWarning`` starting with ``szo_core`` for the caller's caller.

    ``stacklevel`` counts as in :func:`warnings.warn`, from the function that
    calls this one.
    """
    text = message if message.startswith("szo_core.") else f"szo_core: {message}"
    warnings.warn(text, DeprecationWarning, stacklevel=stacklevel + 1)


def _old_property(class_name: str, old: str, new: str) -> property:
    def get(self: object) -> object:
        warn_deprecated(f"{class_name}.{old} is deprecated; use {new}")
        return getattr(self, new)

    get.__name__ = old
    get.__doc__ = f"Deprecated name of :attr:`{new}`."
    return property(get)


def renamed_fields(renames: Mapping[str, str]) -> Callable[[type[T]], type[T]]:
    """Let an attrs class take old keyword arguments and attribute names, with a warning.

    Args:
        renames: Old name → new field name.

    Giving both the old and the new name is a ``TypeError``: there is no way to
    tell which one is meant.  ``attrs.evolve`` takes the new names only.
    """

    def apply(cls: type[T]) -> type[T]:
        init: Callable[..., None] = cls.__init__
        name = cls.__name__

        @functools.wraps(init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{name}() got both {new} and its deprecated name {old}")
                    warn_deprecated(f"{name}({old}=...) is deprecated; use {new}")
                    kwargs[new] = kwargs.pop(old)
            init(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[method-assign]
        for old, new in renames.items():
            setattr(cls, old, _old_property(name, old, new))
        return cls

    return apply


def module_getattr(
    module: str, moved: Mapping[str, tuple[Callable[[], object], str]]
) -> Callable[[str], object]:
    """Return a module ``__getattr__`` for names that moved or were renamed.

    Args:
        module: The module's ``__name__``.
        moved: Old name → (a function returning the object, the new name to tell).
    """

    def __getattr__(attribute: str) -> object:  # noqa: N807
        found = moved.get(attribute)
        if found is None:
            raise AttributeError(f"module {module!r} has no attribute {attribute!r}")
        value, new = found
        warn_deprecated(f"{module}.{attribute} is deprecated; use {new}")
        return value()

    return __getattr__
