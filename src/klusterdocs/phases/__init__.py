"""Reglab's phases and their checklists, read from `data/phases.yaml` and judged against the data.

Each checklist item is judged from everything the initiative file says that bears on it (its
`requires`): what is there, for how many of the actors, risks or indicators, and which focus
areas or activities mention it. The judgement says why, in the document's language ("två av
tre risker har en ansvarig"), so no status stands without its reason. The file's `checklist:`
section overrides the judgement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, cast

from klusterdocs.data import CHECKLIST_GROUPS, load_data
from klusterdocs.model.base import to_data
from klusterdocs.model.initiative import InitiativeFile

Group = Literal["tasks", "support", "exit"]
Status = Literal["done", "partial", "missing", "unknown"]
Level = Literal["yes", "some", "few", "no", "empty"]
_LEVELS: tuple[Level, ...] = ("yes", "some", "few", "no", "empty")  # best first
GROUPS = cast(tuple[Group, ...], CHECKLIST_GROUPS)


class Requirement(NamedTuple):
    """One thing an item asks of the data, and what to say of what the data holds.

    `kind` is `has` (values at `path`, at least `min`; `distinct` ones), `each` (every element
    of the list before `path`'s last step has it, or has `value`), `all_of` (the values at
    `path` include all of `all_of`, named by the labels of `enum`) or `mentions` (an element
    of the lists in `within` mentions one of `words`) or `any_of` (the best of `alternatives`:
    a plan may show a thing in more than one place). `says` gives, per language, a text for
    each outcome: yes, some, no, and empty (an `each` over an empty list).
    """

    kind: Literal["has", "each", "all_of", "mentions", "any_of"]
    path: str = ""
    min: int = 1
    distinct: bool = False
    value: str | None = None
    all_of: tuple[str, ...] = ()
    enum: str = ""
    words: tuple[str, ...] = ()
    within: tuple[str, ...] = ()
    says: Mapping[str, dict[str, str]] = MappingProxyType({})
    alternatives: tuple[Requirement, ...] = ()
    essential: bool = False  # with no evidence of it, the item is missing whatever else is there


class ChecklistItem(NamedTuple):
    key: str
    group: Group
    label: dict[str, str]
    requires: tuple[Requirement, ...]


class PhaseInfo(NamedTuple):
    key: str
    name: dict[str, str]
    about: dict[str, str]
    leadership: dict[str, str]
    documents: tuple[str, ...]
    checklist: tuple[ChecklistItem, ...]
    next_steps: dict[str, list[str]]


class Evidence(NamedTuple):
    """What the data holds for one requirement: how far it goes, and the counts and names
    its text needs."""

    requirement: Requirement
    level: Level
    n: int = 0
    total: int = 0
    present: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        return self.level == "yes"

    def text(self, lang: str) -> str:
        """The evidence in words, in `lang` ("två av tre risker har en ansvarig")."""
        from klusterdocs.i18n import join, labels, quoted, say

        said = self.requirement.says.get(lang, {})
        texts = labels(lang)["checklist"]
        defaults = texts["mentions"] if self.requirement.kind == "mentions" else texts["evidence"]
        level = self.level if self.level in said or self.level != "few" else "some"
        template = said[level] if level in said else defaults[level]  # "" says nothing
        enum = self.requirement.enum
        return say(
            template,
            lang,
            capital=False,
            n=self.n,
            total=self.total,
            min=self.requirement.min,
            present=join([_named(lang, enum, v) for v in self.present], lang),
            missing=join([_named(lang, enum, v) for v in self.missing], lang),
            names=join([quoted(name, lang) for name in self.names], lang),
        )


class ItemStatus(NamedTuple):
    """One checklist item judged for one initiative."""

    item: ChecklistItem
    status: Status
    missing: tuple[str, ...]
    comment: str | None = None
    overridden: bool = False
    evidence: tuple[Evidence, ...] = ()

    def reason(self, lang: str) -> str:
        """Why the item has its status, in `lang`: the file's comment, or the evidence."""
        from klusterdocs.i18n import capitalised, labels

        texts = labels(lang)["checklist"]
        if self.overridden and self.comment:  # the team's own words, as a sentence
            comment = self.comment.rstrip()
            return comment if comment[-1:] in ".!?…" else f"{comment}."
        if self.overridden:
            return str(texts["marked_done" if self.status == "done" else "marked_open"])
        if not self.evidence:
            return str(texts["not_judged"])
        said = dict.fromkeys(t for e in self.evidence if (t := e.text(lang)))  # each once
        return capitalised("; ".join(said) if said else str(texts["evidence"]["yes"])) + "."

    def shortfall(self, lang: str) -> str:
        """What the item still lacks, in `lang`: the evidence that falls short."""
        return _shortfall(self, lang)


def _named(lang: str, enum: str, value: str) -> str:
    """An enum value as a sentence names it: its label, in lower case (`företag`)."""
    from klusterdocs.i18n import enum_label

    return enum_label(lang, enum, value).lower() if enum else value


def _shortfall(status: ItemStatus, lang: str) -> str:
    """What an item still lacks: the evidence that falls short, or its reason."""
    from klusterdocs.i18n import capitalised

    short = dict.fromkeys(e.text(lang) for e in status.evidence if not e.met)
    if status.overridden or not short:
        return status.reason(lang)
    return capitalised("; ".join(short)) + "."


def _values_at(data: Any, path: str) -> list[Any]:
    """Return the values at a dotted `path`, where `name[]` steps into each element of a list."""
    current = [data]
    for part in path.split("."):
        many = part.endswith("[]")
        name = part.removesuffix("[]")
        step: list[Any] = []
        for item in current:
            value = item.get(name) if isinstance(item, dict) else None
            if many and isinstance(value, list):
                step.extend(value)
            elif value is not None:
                step.append(value)
        current = step
    return current


def _given(value: Any) -> bool:
    """Whether a value says something: not empty, not false, a mapping with something in it."""
    if isinstance(value, dict):
        return any(_given(v) for v in value.values())
    return value not in (None, "", [], False)


def _requirement(raw: str | dict[str, Any]) -> Requirement:
    """A requirement from the data file; the older forms (a path, or `path` with `min` or
    `all_of`) still read as they did."""
    if isinstance(raw, str):
        return Requirement("has", raw)
    if raw.get("essential"):
        return _requirement({k: v for k, v in raw.items() if k != "essential"})._replace(
            essential=True
        )
    if "any_of" in raw:
        return Requirement("any_of", alternatives=tuple(_requirement(r) for r in raw["any_of"]))
    says = raw.get("says", {})
    minimum = raw.get("min", 1)
    if "each" in raw:
        return Requirement("each", raw["each"], minimum, value=raw.get("value"), says=says)
    if "mentions" in raw:
        return Requirement(
            "mentions", words=tuple(raw["mentions"]), within=tuple(raw["in"]), says=says
        )
    path = raw.get("has") or raw.get("at") or raw["path"]
    if "all_of" in raw:
        return Requirement(
            "all_of", path, all_of=tuple(raw["all_of"]), enum=raw.get("enum", ""), says=says
        )
    return Requirement("has", path, minimum, distinct=raw.get("distinct", False), says=says)


def judge(requirement: Requirement, data: dict[str, Any]) -> Evidence:
    """What `data` (an initiative file as plain data) holds for `requirement`."""
    r = requirement
    if r.kind == "any_of":  # the best evidence, said as its own requirement says it
        judged = [judge(alternative, data) for alternative in r.alternatives]
        return min(judged, key=lambda e: _LEVELS.index(e.level))
    if r.kind == "each":
        list_path, _, key = r.path.rpartition(".")
        items = [i for i in _values_at(data, list_path) if isinstance(i, dict)]
        if r.value is None:
            n = sum(_given(i.get(key)) for i in items)
        else:
            n = sum(str(i.get(key)) == r.value for i in items)
        level: Level
        if not items:
            level = "empty"
        elif n == len(items):
            level = "yes" if n >= r.min else "few"
        else:
            level = "some" if n else "no"
        return Evidence(r, level, n, len(items))
    if r.kind == "all_of":
        found = {str(v) for v in _values_at(data, r.path) if _given(v)}
        present = tuple(v for v in r.all_of if v in found)
        missing = tuple(v for v in r.all_of if v not in found)
        level = "yes" if not missing else "some" if present else "no"
        return Evidence(r, level, len(present), len(r.all_of), present, missing)
    if r.kind == "mentions":
        return _mentions(r, data)
    values = [v for v in _values_at(data, r.path) if _given(v)]
    if len(values) == 1 and isinstance(values[0], list):
        values = [v for v in values[0] if _given(v)]  # a list field: count its entries
    n = len({str(v) for v in values}) if r.distinct else len(values)
    if len(values) == 1 and isinstance(values[0], int) and not isinstance(values[0], bool):
        n = values[0]  # a count the file gives (`membership.members: 106`)
    level = "yes" if n >= r.min else "some" if n else "no"
    return Evidence(r, level, n, r.min)


_NAME_KEYS = ("name", "title", "text")
# what an element is called and what it is about: not who is responsible for it
_ABOUT_KEYS = (*_NAME_KEYS, "description", "deliverable")


def _mentions(r: Requirement, data: dict[str, Any]) -> Evidence:
    """Which elements of the lists `within` name one of the requirement's words.

    A plan that names a focus area or an activity after the item has begun on it; an
    activity that is done has done it.
    """
    words = _word_starts(r.words)
    names: list[str] = []
    done = False
    for path in r.within:
        for item in _values_at(data, f"{path}[]" if not path.endswith("[]") else path):
            if not isinstance(item, dict):
                continue
            text = " ".join(str(item[k]) for k in _ABOUT_KEYS if item.get(k))
            if words.search(text):
                names.append(next((str(item[k]) for k in _NAME_KEYS if item.get(k)), ""))
                done = done or (path.startswith("activities") and item.get("status") == "done")
    level: Level = "yes" if done else "some" if names else "no"
    return Evidence(r, level, len(names), names=tuple(n for n in names if n)[:3])


@cache
def _word_starts(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of `words` at the start of a word: `kommunik` is in "Kommunikationsplan", not in
    "Telekommunikation"; one written with a space at its end only as a whole word."""
    return re.compile(
        "|".join(
            rf"(?<!\w){re.escape(w.rstrip())}" + (r"(?!\w)" if w.endswith(" ") else "")
            for w in words
        ),
        re.IGNORECASE,
    )


@cache
def phases() -> dict[str, PhaseInfo]:
    """Every phase by key, in the model's order."""
    out: dict[str, PhaseInfo] = {}
    for raw in load_data("phases.yaml")["phases"]:
        items = tuple(
            ChecklistItem(
                item["key"],
                group,
                item["label"],
                tuple(_requirement(r) for r in item.get("requires", ())),
            )
            for group in GROUPS
            for item in raw["checklist"].get(group, ())
        )
        out[raw["key"]] = PhaseInfo(
            key=raw["key"],
            name=raw["name"],
            about=raw["about"],
            leadership=raw["leadership"],
            documents=tuple(raw["documents"]),
            checklist=items,
            next_steps=raw["next_steps"],
        )
    return out


def group_names() -> dict[str, dict[str, str]]:
    """The checklist groups' names by language: Hemläxa / Tasks and so on."""
    names: dict[str, dict[str, str]] = load_data("phases.yaml")["groups"]
    return names


def next_phase(key: str) -> PhaseInfo | None:
    order = list(phases())
    index = order.index(key)
    return phases()[order[index + 1]] if index + 1 < len(order) else None


# facts assess() works out for the requirements, which no one fills in
_WORKED_OUT = {"budget.within_ceiling", "budget.covered"}


def assess(initiative: InitiativeFile, phase: str | None = None) -> list[ItemStatus]:
    """Judge each checklist item of `phase` (default: the initiative's) against its data."""
    info = phases()[phase or initiative.initiative.phase]
    data = to_data(initiative)
    # a cancelled activity is evidence of nothing (the budget leaves it out too)
    data["activities"] = [a for a in data["activities"] if a.get("status") != "cancelled"]
    # what the model works out and the file does not say: the public share against its ceiling
    data["budget"]["within_ceiling"] = not initiative.budget.cofinancing_exceeded
    # and whether the funding covers the costs (a deficit is no long-term funding)
    data["budget"]["covered"] = initiative.budget.balance >= 0
    out: list[ItemStatus] = []
    for item in info.checklist:
        evidence = tuple(judge(r, data) for r in item.requires)
        unmet = tuple(
            e.requirement.path
            for e in evidence
            if not e.met and e.requirement.path and e.requirement.path not in _WORKED_OUT
        )
        override = initiative.checklist.get(item.key)
        if override is not None:
            status: Status = "done" if override.done else "missing"
            out.append(
                ItemStatus(
                    item, status, unmet, override.comment, overridden=True, evidence=evidence
                )
            )
            continue
        if not evidence:
            status = "unknown"
        elif all(e.met for e in evidence):
            status = "done"
        elif any(e.level in ("yes", "some", "few") for e in evidence) and not any(
            e.requirement.essential and e.level == "no" for e in evidence
        ):
            status = "partial"
        else:
            status = "missing"
        out.append(ItemStatus(item, status, unmet, evidence=evidence))
    return out
