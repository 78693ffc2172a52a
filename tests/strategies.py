"""Hypothesis strategies for whole input files, drawn from the input model's own declarations.

Every field of every model class is drawn from its type hint (present or left out when it is
optional), so a field added to the model is generated without a change here. Ids are made
unique and references point at ids that exist, following the loader's own tables of ids and
references; a reference the loader learns about is therefore resolved here too.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

from hypothesis import strategies as st

from klusterdocs.data import checklist_keys
from klusterdocs.loading import _IDS, _ORDERED, _REFERENCES
from klusterdocs.model import InitiativeFile, ProgramFile
from klusterdocs.model.base import Constraint, Parse, Strict, field_types
from klusterdocs.model.initiative import ChecklistOverride
from klusterdocs.model.types import (
    Currency,
    FormatVersion,
    MonthOrDate,
    TimeOfDay,
    YearOrDate,
)

# Words a document can print and a PDF can give back: Swedish and English letters, compounds
# as long as Swedish has them, and the characters XML and templates must escape.
_LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ"
WORDS = st.text(_LETTERS, min_size=1, max_size=24).filter(lambda w: "None" not in w)
MARKS = st.sampled_from(["&", "<", ">", '"', "'", "–", "?", ".", ",", "%"])


@st.composite
def texts(draw: st.DrawFn, max_words: int = 8) -> str:
    """A text of words, now and then with punctuation; sometimes thousands of characters.

    A long text repeats a few drawn words (drawing thousands would exhaust hypothesis' data).
    """
    words = draw(st.lists(WORDS | MARKS.map(lambda m: f"x{m}y"), min_size=1, max_size=max_words))
    if not any(any(c.isalpha() for c in w) for w in words):
        words.append("ord")
    if draw(st.integers(0, 19)) == 0:
        words = [f"{w}{n}" if w.isalpha() else w for n in range(300) for w in words][:400]
    return " ".join(words)


YEARS = st.integers(2000, 2030)
MONTHS = st.builds(lambda y, m: f"{y}-{m:02d}", YEARS, st.integers(1, 12))
DATES = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))


def _special(annotation: Any) -> st.SearchStrategy[Any] | None:
    """Types whose values a `Parse` makes, which their hint alone cannot say."""
    if annotation == YearOrDate:
        return YEARS | MONTHS | DATES.map(dt.date.isoformat)
    if annotation == MonthOrDate:
        return MONTHS | DATES.map(dt.date.isoformat)
    if annotation == Currency:
        return st.sampled_from(["SEK", "EUR", "NOK", "USD"])
    if annotation == FormatVersion:
        return st.just(1)
    if annotation == TimeOfDay:
        return st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
    return None


def _limit(metadata: tuple[Any, ...]) -> Constraint:
    return next((m for m in metadata if isinstance(m, Constraint)), Constraint())


_NO_LIMIT = Constraint()


def values_for(annotation: Any, limit: Constraint = _NO_LIMIT) -> st.SearchStrategy[Any]:
    """Plain YAML data that the model accepts for a field of type `annotation`."""
    special = _special(annotation)
    if special is not None:
        return special
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        if any(isinstance(m, Parse) for m in args[1:]):
            raise TypeError(f"no strategy for the parsed type {annotation}")
        own = _limit(args[1:])
        merged = Constraint(
            ge=own.ge if own.ge is not None else limit.ge,
            le=own.le if own.le is not None else limit.le,
            min_length=own.min_length or limit.min_length,
            max_length=own.max_length or limit.max_length,
            pattern=own.pattern or limit.pattern,
        )
        return values_for(args[0], merged)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return values_for(inner, limit)
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is list:
        low = limit.min_length or 0
        high = limit.max_length if limit.max_length is not None else low + 6
        return st.lists(values_for(args[0]), min_size=low, max_size=high)
    if origin is dict:
        return st.dictionaries(values_for(args[0]), values_for(args[1]), max_size=4)
    if isinstance(annotation, type) and issubclass(annotation, Strict):
        return records(annotation)
    if annotation is str:
        return st.just("id") if limit.pattern else texts()
    if annotation is int:
        low = int(limit.ge) if limit.ge is not None else 0
        high = int(limit.le) if limit.le is not None else low + 10
        if limit.ge == 1900:  # a year
            low, high = 2000, 2030
        return st.integers(low, high)
    if annotation is float:  # up to the bounds the model accepts, which are extreme
        low = limit.ge if limit.ge is not None else -(10**6)
        high = limit.le if limit.le is not None else 10**12
        return (
            st.integers(int(low), int(high))
            | st.sampled_from([low, high])
            | st.floats(low, min(high, 10**6), allow_nan=False).map(lambda x: round(x, 2))
        )
    if annotation is bool:
        return st.booleans()
    if annotation is dt.date:
        return DATES
    raise TypeError(f"no strategy for {annotation!r}")


@st.composite
def records(draw: st.DrawFn, cls: type[Strict]) -> dict[str, Any]:
    """A mapping for model class `cls`: required fields always, optional ones now and then."""
    hints = field_types(cls)
    out: dict[str, Any] = {}
    for name, spec in cls.fields.items():
        if not spec.required and not draw(st.booleans()):
            continue
        out[name] = draw(values_for(hints[name], spec.limit))
    return out


def _lists_at(data: Any, path: str) -> list[list[dict[str, Any]]]:
    """The lists of mappings that a path of the loader's tables (`strategy.goals[]`) names."""
    containers: list[Any] = [data]
    steps = path.split(".")
    for step in steps:
        name = step.removesuffix("[]")
        found = [c.get(name) for c in containers if isinstance(c, dict)]
        if step is steps[-1]:
            if not step.endswith("[]"):  # one mapping (`document.period`), as a list of one
                return [[f] for f in found if isinstance(f, dict)]
            return [f for f in found if isinstance(f, list)]
        if step.endswith("[]"):
            containers = [item for f in found if isinstance(f, list) for item in f]
        else:
            containers = [f for f in found if f is not None]
    return []


def _required(cls: type[Strict], path: str) -> bool:
    """Whether the field at a path of the loader's tables is required in its model."""
    *steps, last = path.replace("[]", "").split(".")
    for step in steps:
        hint = field_types(cls)[step]
        while typing.get_args(hint) and not (isinstance(hint, type) and issubclass(hint, Strict)):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        cls = hint
    return cls.fields[last].required


def _resolve(draw: st.DrawFn, data: dict[str, Any], kind: str) -> dict[str, Any]:
    """Make ids unique, point references at ids that exist, and put dates in order.

    An item whose required reference has nothing to point at is left out.
    """
    root = InitiativeFile if kind == "initiative" else ProgramFile
    for ref_path, target in _REFERENCES[kind].items():
        list_path, _, key = ref_path.removesuffix("[]").rpartition(".")
        target_lists = _lists_at(data, target.rpartition(".")[0])
        if ref_path.endswith("[]") or any(target_lists):
            continue
        for items in _lists_at(data, list_path):
            for item in [item for item in items if key in item]:
                if _required(root, ref_path):
                    items.remove(item)
                else:
                    del item[key]
    known: dict[str, list[Any]] = {}
    for path in _IDS[kind]:
        list_path, _, key = path.rpartition(".")
        values: list[Any] = []
        for items in _lists_at(data, list_path):
            for index, item in enumerate(items):
                if key == "number":
                    item[key] = index + 1
                else:
                    item[key] = f"{key[0]}{len(values)}-{index}"
                values.append(item[key])
        known[path] = values
    for ref_path, target in _REFERENCES[kind].items():
        many = ref_path.endswith("[]")
        list_path, _, key = ref_path.removesuffix("[]").rpartition(".")
        choices = known[target]
        for items in _lists_at(data, list_path):
            for item in [item for item in items if key in item]:
                if many:
                    pick = st.lists(st.sampled_from(choices), unique=True, max_size=3)
                    item[key] = draw(pick) if choices else []
                else:
                    item[key] = draw(st.sampled_from(choices))
    for list_path, start, end in _ORDERED[kind]:
        for items in _lists_at(data, list_path):
            for item in items:
                if start in item and end in item and str(item[end]) < str(item[start]):
                    item[start], item[end] = item[end], item[start]
                    if len(str(item[end])) < len(str(item[start])):
                        item[end] = item[start]  # 2013 < 2013-06 as text: same period
    return data


@st.composite
def initiative_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid initiative file as parsed YAML: any field present or not, any phase."""
    data = draw(records(InitiativeFile))
    keys = sorted(checklist_keys())
    overrides = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3))
    data["checklist"] = {key: draw(records(ChecklistOverride)) for key in overrides}
    return _resolve(draw, data, "initiative")


@st.composite
def program_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid program file as parsed YAML; participants link no initiative files."""
    data = draw(records(ProgramFile))
    for participant in data.get("participants", []):
        participant.pop("initiative", None)
    return _resolve(draw, data, "program")


def initiatives() -> st.SearchStrategy[InitiativeFile]:
    return initiative_data().map(InitiativeFile.validate)
