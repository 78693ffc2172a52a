"""The sandbox templates render in: Jinja's, with bounds on what one expression may make.

Jinja's sandbox keeps a template from Python's internals, but not from asking for more than a
machine has: `{{ 'A' * 600000000 }}` or `{{ '{:>999999999}'.format(1) }}` allocate gigabytes
in one step, `{{ 9 ** 9 ** 9 }}` computes for hours, and Jinja folds such constants when it
compiles, before any time limit applies. Here nothing is folded at compile time, and every
operator, format and filter that can multiply a size checks it first; what a template writes in
all is bounded by the Word renderer.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from typing import Any, ClassVar

from jinja2.exceptions import SecurityError
from jinja2.filters import do_center, do_format, do_indent, do_wordwrap
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEXT = 10_000_000  # characters one expression may make (a long register is 67 million in all)
MAX_DIGITS = 10_000  # digits of a number one expression may make
MAX_WIDTH = 1_000  # a field width or line width in a format or a filter
# a width or precision in a %-format or a str.format field
_WIDE_PERCENT = re.compile(r"%[-#0 +]*(?:\*|\d{4,}|\d*\.(?:\*|\d{4,}))")
_WIDE_FIELD = re.compile(r"\{[^{}]*:[^{}]*?(?:\{|\d{4,})")


def _too_much(what: str) -> SecurityError:
    return SecurityError(f"{what} is larger than a template may make")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _digits(value: Any) -> float:
    """About how many decimal digits `value` has (0 for what is not a whole number)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() * math.log10(2)
    return 0.0


def _checked_power(left: Any, right: Any) -> Any:
    numbers = isinstance(right, int | float) and isinstance(left, int | float)
    if numbers and abs(left) > 1 and right * math.log10(abs(left)) > MAX_DIGITS:
        raise _too_much("a power")
    return operator.pow(left, right)


def _checked_times(left: Any, right: Any) -> Any:
    for sized, count in ((left, right), (right, left)):
        if isinstance(count, int) and _size(sized) and _size(sized) * count > MAX_TEXT:
            raise _too_much("a repeated text or list")
    if _digits(left) + _digits(right) > MAX_DIGITS:
        raise _too_much("a product")
    return operator.mul(left, right)


def _checked_plus(left: Any, right: Any) -> Any:
    if _size(left) + _size(right) > MAX_TEXT:
        raise _too_much("a joined text or list")
    return operator.add(left, right)


def _checked_modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str) and _WIDE_PERCENT.search(left):
        raise _too_much("a %-format's width")
    return operator.mod(left, right)


def _bounded_width(filter_function: Callable[..., Any], position: int, name: str) -> Any:
    """`filter_function` refusing a width (its argument at `position`) above MAX_WIDTH."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        width = kwargs.get(name, args[position] if len(args) > position else 0)
        if isinstance(width, int) and width > MAX_WIDTH:
            raise _too_much(f"a width of {width}")
        return filter_function(*args, **kwargs)

    return bounded


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
    """Jinja's placeholder text, a few paragraphs at most."""
    from jinja2.utils import generate_lorem_ipsum

    if n > 50 or max > 1_000:
        raise _too_much("placeholder text")
    return generate_lorem_ipsum(n, html, min, max)


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(value, str) and _WIDE_PERCENT.search(value):
        raise _too_much("a %-format's width")
    return do_format(value, *args, **kwargs)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with no constant folding and bounded operators and formats."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    _checked: ClassVar[dict[str, Callable[[Any, Any], Any]]] = {
        "*": _checked_times,
        "**": _checked_power,
        "+": _checked_plus,
        "%": _checked_modulo,
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(optimized=False, **options)  # folding would run code at compile time
        self.globals["lipsum"] = _bounded_lipsum
        self.filters["center"] = _bounded_width(do_center, 1, "width")
        self.filters["indent"] = _bounded_width(do_indent, 1, "width")
        self.filters["wordwrap"] = _bounded_width(do_wordwrap, 2, "width")
        self.filters["format"] = _bounded_format

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        return self._checked[operator_name](left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`str.format` as Jinja's sandbox wraps it, refusing a field width in the thousands."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _WIDE_FIELD.search(str(value.__self__)):
            raise _too_much("a format field's width")
        return wrapped
