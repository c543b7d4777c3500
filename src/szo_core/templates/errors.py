"""The errors of template rendering, in the :mod:`szo_core.errors` tree.

All are :class:`~szo_core.errors.ValidationError` (so also ``ValueError``): a
template, or the values given to it, are not usable.  Messages name the
placeholder or the limit, never a value.

    >>> issubclass(TemplateLimitExceeded, ValueError)
    True
"""

from __future__ import annotations

from szo_core.errors import ValidationError

__all__ = [
    "TemplateError",
    "TemplateLimitExceeded",
    "TemplateSecurityError",
    "UndefinedPlaceholder",
]


class TemplateError(ValidationError):
    """A template cannot be compiled or rendered (``templates.syntax``, ``templates.render``)."""


class UndefinedPlaceholder(TemplateError):
    """A placeholder has no value (``templates.undefined``); ``where`` names it."""


class TemplateSecurityError(TemplateError):
    """A template reached for something the sandbox refuses (``templates.unsafe``...)."""


class TemplateLimitExceeded(TemplateError):
    """Rendering went past a :class:`~szo_core.templates.render.TemplateLimits` limit."""
