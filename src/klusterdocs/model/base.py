"""The model's foundation: frozen records whose type hints are the schema.

A field's type, its `field(...)` declaration and the `Annotated` constraints on its type say all
there is to say about a value. `Strict.validate` reads them to convert parsed YAML, collecting
every problem at once; `klusterdocs.schema` reads them to write the JSON Schema editors use, so
the two cannot drift. This replaced pydantic, which did the same job but cost about 0.35 s of
every command's start-up (importing it and building 37 validators) for a model of plain records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import math
import re
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeVar

Loc = tuple[str | int, ...]
"""Where a value stands in a file: keys and list indexes from the top."""

T = TypeVar("T", bound="Strict")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorated: decorated


# --- what a declaration can say --------------------------------------------------------------


class Constraint(NamedTuple):
    """Limits on a value, given in `Annotated[...]` or by `field(...)`."""

    ge: float | None = None
    le: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    description: str | None = None


class Parse(NamedTuple):
    """Convert a value with `function` (raising `ValueError` with a message) instead of by type."""

    function: Callable[[Any], Any]


class Check(NamedTuple):
    """Check a converted value with `function`, which raises `ValueError` with a message."""

    function: Callable[[Any], Any]


class JsonSchema:
    """The JSON Schema to show for a type whose rules `Parse` or `Check` hold (hashable by
    identity, as `Annotated` needs)."""

    __slots__ = ("schema",)

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()
"""The default of a required field."""


class Field(NamedTuple):
    """What `field(...)` declares: a default (or a factory making one) and limits."""

    default: Any = _MISSING
    default_factory: Callable[[], Any] | None = None
    limit: Constraint = Constraint()

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None

    def make_default(self) -> Any:
        return self.default_factory() if self.default_factory else self.default


def field(
    default: Any = _MISSING,
    *,
    description: str | None = None,
    ge: float | None = None,
    le: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> Any:
    """Declare a model field: its default (an empty list or mapping is new per instance),
    description and limits."""
    limit = Constraint(ge, le, min_length, max_length, None, description)
    if isinstance(default, list | dict):
        if default:
            raise TypeError("a list or mapping default must be empty")
        return Field(default_factory=type(default), limit=limit)
    return Field(default, limit=limit)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Strict:
    """Base of every input model: unknown keys are errors, values are immutable.

    A key left empty (`strategy:` with only comments under it) reads as not given. Classes are
    set up by reading their annotations, with no code generated per class (dataclasses would
    add 50 ms to every start-up).
    """

    fields: ClassVar[dict[str, Field]] = {}
    """Each field's declaration, by name, in the order of the class body."""

    _validator: ClassVar[_Model | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls.fields)
        for name in inspect.get_annotations(cls):
            declared = cls.__dict__.get(name, _MISSING)
            spec = declared if isinstance(declared, Field) else Field(declared)
            fields[name] = spec
            if spec.default is _MISSING:
                if name in cls.__dict__:
                    delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
        cls.fields = fields
        cls._validator = None

    def __init__(self, **values: Any) -> None:
        for name, spec in self.fields.items():
            if name in values:
                value = values.pop(name)
            elif spec.required:
                raise TypeError(f"{type(self).__name__}() needs the argument '{name}'")
            else:
                value = spec.make_default()
            object.__setattr__(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__}() has no field '{next(iter(values))}'")

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field '{name}'")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field '{name}'")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.fields)
        return f"{type(self).__name__}({shown})"

    def replace(self: T, **changes: Any) -> T:
        """Return a copy with `changes` made (the values are not validated)."""
        return type(self)(**{name: getattr(self, name) for name in self.fields} | changes)

    @classmethod
    def validate(cls: type[T], data: Any) -> T:
        """Return an instance made from parsed YAML `data`, or raise `Invalid` with every issue."""
        issues: list[Issue] = []
        result = _model(cls).convert(data, (), issues)
        if issues:
            raise Invalid(issues)
        return typing.cast(T, result)


# --- what went wrong ---------------------------------------------------------------------------


class Issue(NamedTuple):
    """One problem with a value: where it is, what kind, the value, and details for a message.

    Kinds and their `details`: `missing`; `unknown_key` (`known`: the field names);
    `type` (`expected`: text, whole_number, number, finite_number, boolean, date, list, mapping;
    and `ge`, `le` when the number has a range);
    `choice` (`allowed`); `range` (`ge`, `le`); `pattern`; `empty`; `too_few` (`min_length`);
    `too_many` (`max_length`, `actual`); `invalid` (`message`). `at_key` marks a problem with a
    mapping's key rather than its value.
    """

    loc: Loc
    kind: str
    value: Any = None
    details: Mapping[str, Any] = types.MappingProxyType({})
    at_key: bool = False


class Invalid(ValueError):
    """Data that does not fit the model; `issues` says where and why."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        first = issues[0]
        where = ".".join(map(str, first.loc)) or "(top)"
        super().__init__(f"{len(issues)} issue(s), first at {where}: {first.kind}")


# --- conversion ----------------------------------------------------------------------------------

_INVALID: Any = object()
"""Returned by a converter whose value had a problem (already recorded)."""

Converter = Callable[[Any, Loc, list[Issue]], Any]
_TRUE = {"true", "yes", "on", "y", "t", "1"}
_FALSE = {"false", "no", "off", "n", "f", "0"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _to_text(value: Any) -> Any:
    return value if isinstance(value, str) else _INVALID


def _to_whole_number(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)  # exactly: as a float, 12345678901234567 would become …568
    number = _to_number(value)  # `4.0` and `"4"` are whole numbers too
    return int(number) if number is not _INVALID and number.is_integer() else _INVALID


def _to_number(value: Any) -> Any:
    if isinstance(value, bool):  # `power: yes` is not 1
        return _INVALID
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return _INVALID
    return _INVALID


def _to_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return _INVALID


def _to_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else _INVALID
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return _INVALID
    return _INVALID


_SCALARS: dict[Any, tuple[Callable[[Any], Any], str]] = {
    str: (_to_text, "text"),
    int: (_to_whole_number, "whole_number"),
    float: (_to_number, "number"),
    bool: (_to_boolean, "boolean"),
    dt.date: (_to_date, "date"),
}
"""How a YAML value becomes each plain type (or `_INVALID`), and what to call that type."""


def _limited(convert: Converter, limit: Constraint) -> Converter:
    """Wrap `convert` with the checks of `limit` (if it has any)."""
    if limit == Constraint(description=limit.description):
        return convert
    pattern = re.compile(limit.pattern) if limit.pattern else None
    ge, le = limit.ge, limit.le
    min_length, max_length = limit.min_length, limit.max_length

    def limited(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        result = convert(value, loc, issues)
        if result is _INVALID and (ge is not None or le is not None):
            last = issues[-1]
            if last.kind == "type" and last.loc == loc:  # say the range with the type
                issues[-1] = last._replace(details={**last.details, "ge": ge, "le": le})
        if result is _INVALID or result is None:
            return result
        if (ge is not None and result < ge) or (le is not None and result > le):
            issues.append(Issue(loc, "range", value, {"ge": ge, "le": le}))
            return _INVALID
        if pattern is not None and not pattern.match(result):
            issues.append(Issue(loc, "pattern", value, {"pattern": pattern.pattern}))
            return _INVALID
        # a text of spaces only is empty: a name '   ' would vanish from every document
        if (
            min_length is not None
            and len(result.strip() if isinstance(result, str) else result) < min_length
        ):
            kind = "empty" if isinstance(result, str) else "too_few"
            issues.append(Issue(loc, kind, value, {"min_length": min_length}))
            return _INVALID
        if max_length is not None and len(result) > max_length:
            details = {"max_length": max_length, "actual": len(result)}
            issues.append(Issue(loc, "too_many", value, details))
            return _INVALID
        return result

    return limited


def _converter(annotation: Any) -> Converter:
    """Return the converter for a resolved type hint."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        parse = next((meta for meta in args[1:] if isinstance(meta, Parse)), None)
        convert = _parsed(parse.function) if parse else _converter(args[0])
        for meta in args[1:]:
            if isinstance(meta, Check):
                convert = _checked(convert, meta.function)
            elif isinstance(meta, Constraint):
                convert = _limited(convert, meta)
        return convert
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"unsupported union: {annotation}")
        return _optional(_converter(rest[0]))
    if origin is typing.Literal:
        return _choice(args)
    if origin is list:
        return _list(_converter(args[0]))
    if origin is dict:
        return _mapping(_converter(args[0]), _converter(args[1]))
    if isinstance(annotation, type) and issubclass(annotation, Strict):
        return lambda value, loc, issues: _model(annotation).convert(value, loc, issues)
    if annotation in _SCALARS:
        return _typed(*_SCALARS[annotation])
    raise TypeError(f"a model cannot hold {annotation!r} without a Parse(...) for it")


def _typed(to_kind: Callable[[Any], Any], expected: str) -> Converter:
    def convert(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        result = to_kind(value)
        if result is _INVALID:
            issues.append(Issue(loc, "type", value, {"expected": expected}))
        elif isinstance(result, float) and not math.isfinite(result):
            issues.append(Issue(loc, "type", value, {"expected": "finite_number"}))
            return _INVALID
        return result

    return convert


def _parsed(function: Callable[[Any], Any]) -> Converter:
    """Convert with `function`; its `ValueError` is the issue, in its own words."""

    def convert(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        try:
            return function(value)
        except ValueError as exc:
            issues.append(Issue(loc, "invalid", value, {"message": str(exc)}))
            return _INVALID

    return convert


def _checked(convert: Converter, function: Callable[[Any], Any]) -> Converter:
    """Convert with `convert`, then check the result with `function` as `_parsed` does."""
    check = _parsed(function)

    def checked(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        result = convert(value, loc, issues)
        return result if result is _INVALID else check(result, loc, issues)

    return checked


def _optional(convert: Converter) -> Converter:
    def optional(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        return None if value is None else convert(value, loc, issues)

    return optional


def _choice(allowed: tuple[Any, ...]) -> Converter:
    def choice(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        issues.append(Issue(loc, "choice", value, {"allowed": list(allowed)}))
        return _INVALID

    return choice


def _list(convert_item: Converter) -> Converter:
    def convert(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if not isinstance(value, list):
            issues.append(Issue(loc, "type", value, {"expected": "list"}))
            return _INVALID
        items = [convert_item(item, (*loc, index), issues) for index, item in enumerate(value)]
        return _INVALID if any(item is _INVALID for item in items) else items

    return convert


def _mapping(convert_key: Converter, convert_value: Converter) -> Converter:
    def convert(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if not isinstance(value, dict):
            issues.append(Issue(loc, "type", value, {"expected": "mapping"}))
            return _INVALID
        result = {}
        valid = True
        for key, item in value.items():
            key_issues: list[Issue] = []
            converted_key = convert_key(key, (*loc, key), key_issues)
            for issue in key_issues:
                issues.append(issue._replace(at_key=True))
            converted = convert_value(item, (*loc, key), issues)
            if converted_key is _INVALID or converted is _INVALID:
                valid = False
            else:
                result[converted_key] = converted
        return result if valid else _INVALID

    return convert


class _Field(NamedTuple):
    convert: Converter
    required: bool


class _Model:
    """The converter of one model class, built on first use from its type hints."""

    def __init__(self, cls: type[Strict]) -> None:
        self.cls = cls
        hints = field_types(cls)
        self.fields: dict[str, _Field] = {}
        for name, spec in cls.fields.items():
            convert = _limited(_converter(hints[name]), spec.limit)
            self.fields[name] = _Field(convert, spec.required)
        self.known = list(self.fields)

    def convert(self, value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if not isinstance(value, dict):
            issues.append(Issue(loc, "type", value, {"expected": "mapping"}))
            return _INVALID
        given: dict[str, Any] = {}
        valid = True
        for name, spec in self.fields.items():
            if name not in value:
                if spec.required:
                    issues.append(Issue((*loc, name), "missing"))
                    valid = False
                continue
            raw = value[name]
            if raw is None and not spec.required:
                continue  # an empty key means the default
            converted = spec.convert(raw, (*loc, name), issues)
            if converted is _INVALID:
                valid = False
            else:
                given[name] = converted
        for key in value:
            if not (isinstance(key, str) and key in self.fields):
                known = {"known": self.known}
                issues.append(Issue((*loc, key), "unknown_key", key, known, at_key=True))
                valid = False
        return self.cls(**given) if valid else _INVALID


def field_types(cls: type[Strict]) -> dict[str, Any]:
    """Each field's type, evaluated from its annotation in the module that declares it.

    Every annotation of a class is evaluated in one `eval` (`typing.get_type_hints` compiles
    each one separately, which took longer than validating a whole file).
    """
    types_by_name: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        annotations = inspect.get_annotations(klass) if issubclass(klass, Strict) else {}
        found = {name: hint for name, hint in annotations.items() if name in cls.fields}
        texts = [name for name, hint in found.items() if isinstance(hint, str)]
        if texts:  # `from __future__ import annotations` keeps them as text
            source = ", ".join(f"({found[name]})" for name in texts)
            namespace = vars(sys.modules[klass.__module__])
            values = eval(f"({source},)", namespace)  # the model's own annotations
            found.update(zip(texts, values, strict=True))
        types_by_name.update(found)
    return {name: types_by_name[name] for name in cls.fields}


def _model(cls: type[Strict]) -> _Model:
    """The converter of `cls`, built the first time a file needs it."""
    if cls._validator is None:
        cls._validator = _Model(cls)
    return cls._validator


# --- data out ------------------------------------------------------------------------------------


def to_data(value: Any) -> Any:
    """Return `value` as plain data: models become mappings, nested all the way down."""
    if isinstance(value, Strict):
        return {name: to_data(getattr(value, name)) for name in value.fields}
    if isinstance(value, list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {key: to_data(item) for key, item in value.items()}
    return value
