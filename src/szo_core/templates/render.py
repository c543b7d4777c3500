r"""Render administrator-written templates in Jinja2's immutable sandbox, with limits.

A template written by an administrator is untrusted code.  :class:`Renderer`
compiles it in :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` and closes
what the sandbox leaves open:

* **no globals** (no ``lipsum``, ``cycler``, ``joiner``, ``namespace``, ``dict``),
  except a ``range`` capped at :attr:`TemplateLimits.max_range`;
* no ``include``, ``import``, ``from`` or ``extends`` (refused when compiling), and
  no loader, so no file is ever read;
* an allowlist of filters: Jinja's harmless ones, size-checked ``replace``, and
  the formatting filters ``money``, ``number``, ``date``, ``time``, ``datetime``
  and ``plural`` (:mod:`szo_core.templates.formatting`); ``attr``, ``format``,
  ``center``, ``indent``, ``pprint``, ``random`` and ``urlize`` are not there;
* string methods that build large strings or format (``format``, ``format_map``,
  ``center``, ``ljust``, ``rjust``, ``zfill``, ``expandtabs``, ``replace``) and
  ``%`` on strings are refused;
* **limits** per render (:class:`TemplateLimits`): loop iterations and calls
  together, nesting of macros and recursive loops, the size of integers
  (``**`` and ``*`` are checked before they run), the length of strings and
  lists built by ``*``, ``+`` and ``~``, the output size and the time;
* a strict undefined policy: a missing value raises
  :class:`~szo_core.templates.errors.UndefinedPlaceholder` naming it;
* HTML autoescaping when ``html=True``.

Every failure is a :class:`~szo_core.templates.errors.TemplateError` with a
message in Slovenian and English that never repeats a value.

Example:
    >>> from decimal import Decimal
    >>> renderer = Renderer()
    >>> renderer.render(
    ...     "{{ znesek|money }} za {{ dni }} {{ dni|plural('dan', 'dneva', 'dnevi', 'dni') }}.",
    ...     {"znesek": Decimal("1234.5"), "dni": 3},
    ... )
    '1.234,50\xa0€ za 3 dnevi.'
    >>> renderer.render("Pozdravljeni, {{ ime }}!", {})
    Traceback (most recent call last):
    ...
    szo_core.templates.errors.UndefinedPlaceholder: templates.undefined: ... (ime)
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, NoReturn

import attrs

from szo_core.errors import Language, SzoError
from szo_core.templates import formatting
from szo_core.templates.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateSecurityError,
    UndefinedPlaceholder,
)

if TYPE_CHECKING:
    import jinja2

__all__ = ["CompiledTemplate", "Renderer", "TemplateLimits"]


@attrs.frozen(kw_only=True)
class TemplateLimits:
    """What one render may do; past any limit it stops with ``TemplateLimitExceeded``.

    Attributes:
        max_source_chars: Length of the template's source.
        max_output_chars: Length of the rendered text.
        max_steps: Loop iterations and calls together, per render.
        max_depth: Nesting of macro calls and recursive loops.
        max_range: Length of one ``range()``.
        max_int_bits: Size of an integer built with ``*`` or ``**``.
        max_sequence_len: Length of a string or list built with ``*``, ``+``, ``~``
            or ``replace``.
        max_seconds: Wall-clock time of one render (checked between steps).

    >>> TemplateLimits().max_steps
    100000
    """

    max_source_chars: int = 100_000
    max_output_chars: int = 1_000_000
    max_steps: int = 100_000
    max_depth: int = 30
    max_range: int = 10_000
    max_int_bits: int = 1_024
    max_sequence_len: int = 100_000
    max_seconds: float = 1.0


def _limit(what: str, sl: str, en: str) -> TemplateLimitExceeded:
    return TemplateLimitExceeded(f"templates.limit.{what}", sl=sl, en=en, where=what)


def _unsafe(where: str) -> TemplateSecurityError:
    return TemplateSecurityError(
        "templates.unsafe",
        sl="Predloga uporablja nekaj, česar peskovnik ne dovoli.",
        en="The template uses something the sandbox does not allow.",
        where=where,
    )


class _Budget:
    __slots__ = ("deadline", "depth", "limits", "steps")

    def __init__(self, limits: TemplateLimits) -> None:
        self.limits = limits
        self.steps = 0
        self.depth = 0
        self.deadline = time.monotonic() + limits.max_seconds

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise _limit(
                "steps",
                sl="Predloga je naredila preveč korakov (zank in klicev).",
                en="The template took too many steps (loop iterations and calls).",
            )
        if not self.steps & 0xFF and time.monotonic() > self.deadline:
            raise _limit(
                "time", sl="Izris predloge je trajal predolgo.", en="Rendering took too long."
            )


_BUDGET: Final[contextvars.ContextVar[_Budget | None]] = contextvars.ContextVar(
    "szo_core_template_budget", default=None
)


def _budget() -> _Budget:
    budget = _BUDGET.get()
    if budget is None:  # only inside CompiledTemplate.render
        raise _unsafe("render")
    return budget


def _too_long() -> TemplateLimitExceeded:
    return _limit(
        "length",
        sl="Predloga je sestavila predolg niz.",
        en="The template built too long a string.",
    )


def _check_sequence(value: object, limits: TemplateLimits) -> None:
    if isinstance(value, str | list | tuple) and len(value) > limits.max_sequence_len:
        raise _too_long()


def _check_int(bits: int, limits: TemplateLimits) -> None:
    if bits > limits.max_int_bits:
        raise _limit(
            "integer",
            sl="Predloga je sestavila preveliko število.",
            en="The template built too large a number.",
        )


_ALLOWED_FILTERS: Final = frozenset(
    {
        "abs", "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
        "filesizeformat", "first", "float", "forceescape", "groupby", "int", "items", "join",
        "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
        "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string",
        "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper",
        "urlencode", "wordcount", "wordwrap", "xmlattr",
    }
)  # fmt: skip

_REFUSED_STR_METHODS: Final = frozenset(
    {"format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs", "replace"}
)


def _make_environment(html: bool, language: Language, limits: TemplateLimits) -> jinja2.Environment:
    import jinja2
    from jinja2 import nodes
    from jinja2.exceptions import SecurityError
    from jinja2.ext import Extension
    from jinja2.runtime import LoopContext, Macro
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.visitor import NodeTransformer

    class _Undefined(jinja2.StrictUndefined):
        def _fail_with_undefined_error(self, *args: object, **kwargs: object) -> NoReturn:
            name = self._undefined_name or "?"
            if issubclass(self._undefined_exception, SecurityError):
                raise _unsafe(name)
            raise UndefinedPlaceholder(
                "templates.undefined",
                sl="Za oznako v predlogi ni vrednosti.",
                en="A placeholder in the template has no value.",
                where=name,
            )

        __iter__ = __str__ = __len__ = _fail_with_undefined_error
        __eq__ = __ne__ = __bool__ = __hash__ = _fail_with_undefined_error
        __contains__ = _fail_with_undefined_error

    def counted(iterable: Iterable[object]) -> Iterator[object]:
        budget = _budget()
        for item in iterable:
            budget.step()
            yield item

    def checked(value: object) -> object:
        _check_sequence(value, limits)
        return value

    class _Limits(Extension):
        identifier = "szo_core.templates.limits"

        def __init__(self, environment: jinja2.Environment) -> None:
            super().__init__(environment)
            self.counted = counted
            self.checked = checked

    ext = _Limits.identifier

    class _Guard(NodeTransformer):
        def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 (Jinja's visitor names)
            self.generic_visit(node)
            node.iter = nodes.Call(
                nodes.ExtensionAttribute(ext, "counted"), [node.iter], [], None, None
            )
            return node

        def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
            self.generic_visit(node)
            return nodes.Call(nodes.ExtensionAttribute(ext, "checked"), [node], [], None, None)

    def capped_range(*args: int) -> Iterator[object]:
        numbers = range(*args)
        if len(numbers) > limits.max_range:
            raise _limit("range", sl="Obseg range() je prevelik.", en="The range() is too large.")
        return counted(numbers)

    class _Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

        def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
            tree = super()._parse(source, name, filename)
            for kind in (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends):
                if tree.find(kind) is not None:
                    raise _unsafe(kind.__name__.lower())
            result: nodes.Template = _Guard().visit(tree)
            return result

        def wrap_str_format(self, value: Any) -> None:
            # Jinja2 hands out a sandboxed ``str.format`` before it asks
            # ``is_safe_attribute``; a width such as ``{0:>999999999}`` then
            # builds a gigabyte before any limit can look at it.  Refuse the
            # method instead: ``is_safe_attribute`` turns it into an unsafe
            # undefined that names it.
            return None

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            if isinstance(obj, str) and attr in _REFUSED_STR_METHODS:
                return False
            return bool(super().is_safe_attribute(obj, attr, value))

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "%" and isinstance(left, str):
                raise _unsafe("%")
            ints = isinstance(left, int) and isinstance(right, int)
            if operator == "**" and ints and right > 0:
                _check_int(max(abs(left).bit_length(), 1) * right if abs(left) > 1 else 1, limits)
            elif operator == "*" and ints:
                _check_int(abs(left).bit_length() + abs(right).bit_length(), limits)
            elif operator == "*":
                seq, count = (left, right) if isinstance(right, int) else (right, left)
                sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
                if sized and len(seq) * count > limits.max_sequence_len:
                    raise _too_long()
            result = super().call_binop(context, operator, left, right)
            _check_sequence(result, limits)
            return result

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            budget = _budget()
            budget.step()
            nested = isinstance(__obj, Macro | LoopContext)
            if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
                args = (counted(args[0]), *args[1:])
            if nested:
                budget.depth += 1
                if budget.depth > limits.max_depth:
                    raise _limit(
                        "depth",
                        sl="Predloga se kliče pregloboko (makri, rekurzivne zanke).",
                        en="The template nests too deep (macros, recursive loops).",
                    )
            try:
                result = super().call(__context, __obj, *args, **kwargs)
            finally:
                if nested:
                    budget.depth -= 1
            _check_sequence(result, limits)
            return result

    env = _Sandbox(
        autoescape=html,
        undefined=_Undefined,
        extensions=[_Limits],
        optimized=False,  # no constant folding: every expression runs under the limits
        auto_reload=False,
        cache_size=0,
    )
    env.globals.clear()
    env.globals["range"] = capped_range
    builtin = env.filters
    filters: dict[str, Callable[..., Any]] = {name: builtin[name] for name in _ALLOWED_FILTERS}

    @jinja2.pass_eval_context
    def replace(eval_ctx: Any, value: object, old: str, new: str, count: int | None = None) -> str:
        text, old, new = str(value), str(old), str(new)
        found = text.count(old) if old else len(text) + 1
        occurrences = found if count is None else min(max(count, 0), found)
        if len(text) + occurrences * (len(new) - len(old)) > limits.max_sequence_len:
            raise _too_long()
        result: str = builtin["replace"](eval_ctx, value, old, new, count)
        return result

    filters["replace"] = replace

    def formatter(function: Callable[..., str]) -> Callable[..., str]:
        def run(value: object, *args: Any) -> str:
            if isinstance(value, jinja2.Undefined):
                str(value)  # raises UndefinedPlaceholder naming it
            return function(value, *args)

        return run

    filters.update(
        money=formatter(lambda value: formatting.format_money(value, language)),
        number=formatter(lambda value: formatting.format_number(value, language)),
        date=formatter(lambda value, style="long": formatting.format_date(value, style, language)),
        time=formatter(lambda value, style="short": formatting.format_time(value, style, language)),
        datetime=formatter(
            lambda value, date_style="text", time_style="ob": formatting.format_datetime(
                value, date_style, time_style, language
            )
        ),
        plural=formatter(
            lambda number, *forms: formatting.plural(number, *forms, language=language)
        ),
    )
    env.filters = filters
    return env


@attrs.frozen
class CompiledTemplate:
    """A template compiled by :meth:`Renderer.compile`; render it as often as needed.

    >>> from datetime import date
    >>> Renderer().compile("Rok: {{ rok|date('text') }}").render({"rok": date(2026, 3, 4)})
    'Rok: 4. marca 2026'
    """

    _template: jinja2.Template = attrs.field(repr=False)
    _limits: TemplateLimits = attrs.field(repr=False)

    def render(self, values: Mapping[str, object]) -> str:
        """Render with ``values`` (plain data: strings, numbers, dates, lists, dicts).

        Raises:
            szo_core.templates.errors.UndefinedPlaceholder: a placeholder has no value.
            szo_core.templates.errors.TemplateSecurityError: the sandbox refused something.
            szo_core.templates.errors.TemplateLimitExceeded: a limit was reached.
            szo_core.templates.errors.TemplateError: anything else went wrong.
        """
        from jinja2.exceptions import SecurityError

        limits = self._limits
        token = _BUDGET.set(_Budget(limits))
        parts: list[str] = []
        size = 0
        try:
            for chunk in self._template.generate(dict(values)):
                size += len(chunk)
                if size > limits.max_output_chars:
                    raise _limit(
                        "output",
                        sl="Besedilo predloge je predolgo.",
                        en="The rendered text is too long.",
                    )
                parts.append(chunk)
        except SzoError:
            raise
        except SecurityError:
            raise _unsafe("attribute") from None
        except RecursionError:
            raise _limit(
                "depth",
                sl="Predloga se kliče pregloboko.",
                en="The template nests too deep.",
            ) from None
        except (MemoryError, OverflowError):
            raise _limit(
                "memory",
                sl="Predloga je porabila preveč pomnilnika.",
                en="The template used too much memory.",
            ) from None
        except Exception as error:  # the message could quote a value: only its kind is kept
            raise TemplateError(
                "templates.render",
                sl=f"Predloge ni bilo mogoče izrisati ({type(error).__name__}).",
                en=f"The template could not be rendered ({type(error).__name__}).",
                where=_line(error),
            ) from None
        finally:
            _BUDGET.reset(token)
        return "".join(parts)


def _line(error: BaseException) -> str | None:
    tb = error.__traceback__
    line: int | None = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"line {line}" if line is not None else None


class Renderer:
    """Compiles administrator-written templates in the sandbox, with limits.

    Args:
        html: Autoescape values for HTML output (e-mail HTML bodies).
        language: ``"sl"`` (default) or ``"en"``, for the formatting filters.
        limits: The limits of each render.

    >>> Renderer(html=True).render("<p>{{ ime }}</p>", {"ime": "<b>Ana</b>"})
    '<p>&lt;b&gt;Ana&lt;/b&gt;</p>'
    >>> Renderer().render("{{ ''.__class__ }}", {})
    Traceback (most recent call last):
    ...
    szo_core.templates.errors.TemplateSecurityError: templates.unsafe: ...
    """

    def __init__(
        self, *, html: bool = False, language: str = "sl", limits: TemplateLimits | None = None
    ) -> None:
        self.html = html
        self.language: Language = formatting._language(language)
        self.limits = limits if limits is not None else TemplateLimits()
        self._env = _make_environment(html, self.language, self.limits)

    def __repr__(self) -> str:
        return f"Renderer(html={self.html!r}, language={self.language!r})"

    def compile(self, source: str) -> CompiledTemplate:
        """Compile ``source``; syntax errors, unknown filters and include/import are refused.

        Raises:
            szo_core.templates.errors.TemplateError: ``templates.syntax``.
            szo_core.templates.errors.TemplateSecurityError: ``templates.unsafe``.
            szo_core.templates.errors.TemplateLimitExceeded: ``templates.limit.source``.
        """
        from jinja2.exceptions import TemplateSyntaxError

        if not isinstance(source, str):
            raise TemplateError(
                "templates.type",
                sl="Predloga mora biti besedilo.",
                en="A template must be text.",
                where="source",
            )
        if len(source) > self.limits.max_source_chars:
            raise _limit("source", sl="Predloga je predolga.", en="The template is too long.")
        try:
            template = self._env.from_string(source)
        except SzoError:
            raise
        except TemplateSyntaxError as error:
            raise TemplateError(
                "templates.syntax",
                sl="Predloga ima skladenjsko napako.",
                en=f"The template has a syntax error: {error.message}",
                where=f"line {error.lineno}",
            ) from None
        return CompiledTemplate(template, self.limits)

    def placeholders(self, source: str) -> frozenset[str]:
        """The names ``source`` reads from its values, found in the sandbox's parsed tree.

        This is :func:`jinja2.meta.find_undeclared_variables` on the tree the
        sandbox parses (so include/import are refused here too), without the
        renderer's own global ``range``; names the template sets itself
        (``set``, loop variables, macro arguments) are not placeholders.

        Raises:
            szo_core.templates.errors.TemplateError: as :meth:`compile`.

        >>> sorted(Renderer().placeholders(
        ...     "{% for v in vrstice %}{{ v.znesek }}{% endfor %}{{ ime }}{{ range(3)|list }}"))
        ['ime', 'vrstice']
        """
        from jinja2 import meta
        from jinja2.exceptions import TemplateSyntaxError

        self.compile(source)  # the same checks and errors as compiling
        try:
            tree = self._env.parse(source)
        except TemplateSyntaxError as error:  # pragma: no cover - compile() raised it first
            raise TemplateError(
                "templates.syntax",
                sl="Predloga ima skladenjsko napako.",
                en=f"The template has a syntax error: {error.message}",
                where=f"line {error.lineno}",
            ) from None
        return frozenset(meta.find_undeclared_variables(tree)) - set(self._env.globals)

    def render(self, source: str, values: Mapping[str, object]) -> str:
        """Compile ``source`` and render it with ``values``: :meth:`CompiledTemplate.render`."""
        return self.compile(source).render(values)
