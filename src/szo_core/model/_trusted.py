"""Build records without running their validators: only for values that were validated already.

A record's ``__init__`` checks every field (types, ranges, order of group
history ...).  That is right for anything coming from a user or a file, but the
storage adapters read back rows that they wrote themselves from records that
passed those checks on the way in (``add`` and ``update`` take records, so they
were built through ``__init__``).  Checking them again on every read is the
largest cost of loading a month for many children; these helpers skip it.

:func:`trusted_factory` returns a constructor that creates the instance with
``object.__new__`` and sets each field's slot (as attrs' own ``__init__`` does,
minus validators and converters); fields it is not given take their declared
defaults.  On CPython it fills in an instance of a private subclass that adds no
storage and lets plain attribute stores through, then turns it into the record
class with ``__class__`` assignment (allowed because the layouts are the same):
about four times faster than calling each slot's setter, which is the fallback
where the interpreter refuses the assignment.  That subclass appears in
``cls.__subclasses__()``; no instance of it is ever returned.  The result is an
ordinary instance of the record class: equal to, hashed like and printed like
one built through ``__init__``.
Callers must pass values of the declared types (tuples for collections, enum
members for enums): nothing converts or checks them.  Use it only in adapters,
for rows the adapter itself stored; everything else goes through the
constructor.

>>> from datetime import date
>>> from szo_core.model import GroupAssignment
>>> new_assignment = trusted_factory(GroupAssignment, "valid_from", "group_code", "program_code")
>>> a = new_assignment(date(2025, 9, 1), "A1", "I")
>>> a == GroupAssignment(valid_from=date(2025, 9, 1), group_code="A1", program_code="I")
True
"""

from __future__ import annotations

import functools
import keyword
import types
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs

__all__ = ["build_trusted", "trusted_factory"]

T = TypeVar("T")

# attrs keeps a cached hash in this slot when a class asks for ``cache_hash=True``.
_HASH_CACHE_SLOT = "_attrs_cached_hash"


def _slot_setter(cls: type, name: str) -> Callable[[object, object], None]:
    """Return the fastest way to set field ``name`` on an instance of ``cls``."""
    for klass in cls.__mro__:
        found = klass.__dict__.get(name)
        if isinstance(found, types.MemberDescriptorType):
            return found.__set__
    set_attribute = object.__setattr__

    def set_field(instance: object, value: object) -> None:
        set_attribute(instance, name, value)

    return set_field


def _builder_class(cls: type) -> type | None:
    """Return a subclass of ``cls`` whose instances can be filled in and then become ``cls``.

    The subclass adds no storage (``__slots__ = ()``) and takes back
    ``object``'s ``__setattr__``/``__delattr__``, so an attribute store on it is
    a plain slot store (which the interpreter specialises) instead of a call
    through a frozen class's refusal.  Its layout is ``cls``'s own, so CPython
    allows ``instance.__class__ = cls`` once the fields are set.  ``None`` when
    the interpreter refuses that (then the factory sets each slot through its
    descriptor instead: slower, same result).
    """
    namespace = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__module__": __name__,
        "__doc__": f"Builds {cls.__qualname__} records field by field; never escapes.",
    }
    try:
        builder = type(f"_Building{cls.__name__}", (cls,), namespace)
        probe: object = object.__new__(builder)
        probe.__class__ = cls
    except TypeError:
        return None
    return builder


def trusted_factory(cls: type[T], *names: str) -> Callable[..., T]:
    """Return a constructor of ``cls`` that takes ``names`` positionally and checks nothing.

    Fields not in ``names`` get their default (a factory default is called for
    each instance).  Built once per class and argument list, then cached.

    Args:
        cls: An attrs class without ``__attrs_pre_init__``/``__attrs_post_init__``
            and without ``cache_hash`` (skipping those would change behaviour).
        *names: The fields the constructor takes, in its argument order; all
            fields in declaration order when none are given.

    Returns:
        A function ``(*values) -> cls`` that runs no validators and no converters.

    Raises:
        TypeError: ``cls`` is not a plain attrs class, a name is not a field, a
            name repeats, or a field without a default is not named.

    >>> from szo_core.model import Address
    >>> new_address = trusted_factory(Address, "city", "street")
    >>> new_address("Ljubljana", "Trubarjeva 1")
    Address(street='Trubarjeva 1', post_code='', city='Ljubljana', country='SI')
    >>> trusted_factory(Address, "town")
    Traceback (most recent call last):
    ...
    TypeError: Address has no field 'town'
    """
    record_class: type = cls
    return cast("Callable[..., T]", _factory(record_class, names))


@functools.cache
def _factory(cls: type, names: tuple[str, ...]) -> Callable[..., object]:
    if not attrs.has(cls):
        raise TypeError(f"{cls.__name__} is not an attrs class")
    for hook in ("__attrs_pre_init__", "__attrs_post_init__", _HASH_CACHE_SLOT):
        if hasattr(cls, hook):
            raise TypeError(f"{cls.__name__} has {hook}; build it through its constructor")
    fields = attrs.fields(cls)
    known = {f.name for f in fields}
    for name in names:
        if name not in known:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
    if len(set(names)) != len(names):
        raise TypeError(f"a field of {cls.__name__} is named twice")
    wanted = names or tuple(f.name for f in fields)
    position = {name: index for index, name in enumerate(wanted)}
    # The builder stores fields by name in generated source: only plain identifiers.
    plain_names = all(f.name.isidentifier() and not keyword.iskeyword(f.name) for f in fields)
    builder = _builder_class(cls) if plain_names else None
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_builder": builder}
    lines = ["    o = _new(_cls)" if builder is None else "    o = _new(_builder)"]
    for index, field in enumerate(fields):
        if field.name in position:
            value = f"v{position[field.name]}"
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            namespace[f"_factory{index}"] = field.default.factory
            value = f"_factory{index}(o)" if field.default.takes_self else f"_factory{index}()"
        elif field.default is not attrs.NOTHING:
            namespace[f"_default{index}"] = field.default
            value = f"_default{index}"
        else:
            raise TypeError(f"{cls.__name__}.{field.name} has no default; name it")
        if builder is None:
            namespace[f"_set{index}"] = _slot_setter(cls, field.name)
            lines.append(f"    _set{index}(o, {value})")
        else:
            lines.append(f"    o.{field.name} = {value}")
    if builder is not None:
        lines.append("    o.__class__ = _cls")
    parameters = ", ".join(f"v{i}" for i in range(len(wanted)))
    source = "\n".join([f"def build_{cls.__name__}({parameters}):", *lines, "    return o"])
    # The source holds only generated names (v0, _set0 ...) and the class's field names
    # (checked to be identifiers above); values live in the namespace.
    exec(compile(source, f"<trusted {cls.__module__}.{cls.__qualname__}>", "exec"), namespace)
    built: Callable[..., object] = namespace[f"build_{cls.__name__}"]
    return built


def build_trusted(cls: type[T], values: Mapping[str, object]) -> T:
    """Return an instance of ``cls`` with ``values`` by field name, checking nothing.

    Missing fields take their defaults (see :func:`trusted_factory`).

    Args:
        cls: The record class.
        values: Field values by name, already of the declared types.

    Returns:
        The record.

    >>> from szo_core.model import GroupAssignment
    >>> from datetime import date
    >>> build_trusted(GroupAssignment,
    ...               {"valid_from": date(2025, 9, 1), "group_code": "A1", "program_code": "I"})
    GroupAssignment(valid_from=datetime.date(2025, 9, 1), group_code='A1', program_code='I')
    """
    return trusted_factory(cls, *values)(*values.values())
