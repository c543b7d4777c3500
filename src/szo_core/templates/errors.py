"""The errors of template rendering, in the :mod:`szo_core.errors` tree.

All are :class:`~szo_core.errors.ValidationError` (so also ``ValueError``): a
template, or the values given to it, are not usable.  Messages name the
placeholder or the limit, never a value.

    >>> issubclass(TemplateLimitExceeded, ValueError)
    True
"""

from __future__ import annotations

import attrs

from szo_core.errors import Language, ValidationError

__all__ = [
    "TemplateError",
    "TemplateInvalid",
    "TemplateLimitExceeded",
    "TemplateProblem",
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


@attrs.frozen(kw_only=True)
class TemplateProblem:
    """One problem found when a template is saved.

    Attributes:
        part: The part it is in (``subject``, ``html_body``, ``text_body``,
            ``sms_text``) or ``fields``.
        code: The error's code (``templates.syntax``, ``templates.undeclared``...).
        where: Where in the part: ``line 3``, a placeholder's name, a tag.
        sl: The message in Slovenian.
        en: The message in English.

    >>> TemplateProblem(part="sms_text", code="templates.undeclared", where="ime",
    ...                 sl="Oznaka ni med polji.", en="Not a declared field.").describe("en")
    'sms_text, ime: Not a declared field.'
    """

    part: str
    code: str
    where: str | None
    sl: str
    en: str

    def describe(self, language: Language = "sl") -> str:
        """The problem in one line: part, where, message."""
        place = f"{self.part}, {self.where}" if self.where else self.part
        return f"{place}: {self.sl if language == 'sl' else self.en}"


class TemplateInvalid(TemplateError):
    """Saving refused a template (``templates.invalid``); :attr:`problems` lists every problem.

    ``where`` names the parts and places, the messages their count; nothing of a
    value is repeated (the examples are the administrator's own, but the
    messages still name only fields and places).
    """

    def __init__(
        self,
        code: str,
        *,
        sl: str,
        en: str,
        where: str | None = None,
        problems: tuple[TemplateProblem, ...] = (),
    ) -> None:
        self.problems = problems
        super().__init__(code, sl=sl, en=en, where=where)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_invalid, (self.code, self.sl, self.en, self.where, self.problems))


def _rebuild_invalid(
    code: str, sl: str, en: str, where: str | None, problems: tuple[TemplateProblem, ...]
) -> TemplateInvalid:
    return TemplateInvalid(code, sl=sl, en=en, where=where, problems=problems)
