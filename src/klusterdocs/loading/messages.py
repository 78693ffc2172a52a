"""Turn pydantic's validation errors into located messages a cluster leader can act on."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from klusterdocs.errors import Problem
from klusterdocs.loading.yamlsource import Loc, Source


def did_you_mean(
    word: str, choices: Iterable[str], *, aliases: dict[str, str] | None = None
) -> str | None:
    """Return the choice `word` most likely meant: a close spelling, or a known alias."""
    choices = list(choices)
    folded = word.casefold().strip()
    for alias, choice in (aliases or {}).items():
        if alias.casefold() == folded and choice in choices:
            return choice
    lowered = {c.casefold(): c for c in choices}
    if folded in lowered:
        return lowered[folded]
    close = difflib.get_close_matches(folded, list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def suggestion(word: str, choices: Iterable[str], *, aliases: dict[str, str] | None = None) -> str:
    """Return "; did you mean 'x'?" or "" — the tail of an error message."""
    guess = did_you_mean(word, choices, aliases=aliases)
    return f"; did you mean '{guess}'?" if guess else ""


def describe(value: Any) -> str:
    """Describe a raw YAML value in a message: text is quoted, structures are named."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str] | None:
    """Return the field names of the model that `loc` points into."""
    found = _model_at(model, loc)
    return list(found.model_fields) if found else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional and Annotated so the model or container underneath shows."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _allowed_values(error: ErrorDetails) -> list[str]:
    return re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))


_SIMPLE = {
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": "expected a mapping (key: value lines)",
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
    "date_parsing": "expected a date like 2012-08-20",
    "date_from_datetime_parsing": "expected a date like 2012-08-20",
    "date_from_datetime_inexact": "expected a date like 2012-08-20",
    "date_type": "expected a date like 2012-08-20",
    "finite_number": "expected a finite number",
}


def _message(model: type[BaseModel], error: ErrorDetails, aliases: dict[str, str]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    loc = tuple(error["loc"])
    if kind == "missing":
        return "required, but missing"
    if kind == "extra_forbidden":
        fields = _fields_at(model, loc[:-1]) or []
        name = str(loc[-1])
        hint = suggestion(name, fields)
        return f"unknown key '{name}'" + (hint or f"; expected one of {', '.join(fields)}")
    if kind == "literal_error":
        allowed = _allowed_values(error)
        got = str(value)
        hint = suggestion(got, allowed, aliases=aliases)
        return f"expected one of {', '.join(allowed)}; got {describe(value)}{hint}"
    if kind == "string_pattern_mismatch":
        return (
            "expected a short id of lowercase letters, digits, - and _ "
            f"(like 'fa-innovation'); got {describe(value)}"
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _range_message(model, loc, ctx, value)
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} allowed"
    if kind in _SIMPLE:
        return f"{_SIMPLE[kind]}; got {describe(value)}"
    return error["msg"][0].lower() + error["msg"][1:]


def _range_message(model: type[BaseModel], loc: Loc, ctx: dict[str, Any], value: Any) -> str:
    low, high = _bounds(model, loc)
    low = ctx.get("ge", low)
    high = ctx.get("le", high)
    if low is not None and high is not None:
        return f"expected a number from {low} to {high}; got {describe(value)}"
    if low is not None:
        return f"must be {low} or more; got {describe(value)}"
    return f"must be {high} or less; got {describe(value)}"


def _bounds(model: type[BaseModel], loc: Loc) -> tuple[Any, Any]:
    """Return the (ge, le) bounds declared for the field at `loc`, looking inside Optional."""
    parent = _model_at(model, loc[:-1]) if loc and isinstance(loc[-1], str) else None
    field = parent.model_fields.get(str(loc[-1])) if parent else None
    if field is None:
        return None, None
    metadata = list(field.metadata)
    for arg in typing.get_args(field.annotation):
        if typing.get_origin(arg) is typing.Annotated:
            for meta in typing.get_args(arg)[1:]:
                metadata.extend(getattr(meta, "metadata", [meta]))
    low = next((m.ge for m in metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in metadata if getattr(m, "le", None) is not None), None)
    return low, high


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """Return the model class that `loc` points into, following lists, dicts and Optional."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = current.model_fields.get(part)
            current = field.annotation if field else None
        else:  # a list index or a dict key: step into the element type
            args = typing.get_args(current)
            current = args[-1] if args else None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def problems_from(
    error: ValidationError, source: Source, model: type[BaseModel], aliases: dict[str, str]
) -> list[Problem]:
    """Return one located `Problem` per pydantic error, pointing at the key or value at fault."""
    found: list[Problem] = []
    for detail in error.errors():
        loc: Loc = tuple(p for p in detail["loc"])
        at_key = detail["type"] == "extra_forbidden"
        if detail["type"] == "missing":
            # point at the key whose block lacks the field: that is where it must be added
            message = _message(model, detail, aliases)
            found.append(source.problem(loc, message, key=True, at=loc[:-1]))
            continue
        if loc and loc[-1] == "[key]":
            # an invalid key of a mapping (e.g. a year): pydantic puts the key before "[key]"
            loc, at_key = loc[:-1], True
        message = _message(model, detail, aliases)
        found.append(source.problem(loc, message, key=at_key))
    return found
