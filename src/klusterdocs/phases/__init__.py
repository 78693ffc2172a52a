"""Reglab's phases and their checklists, read from `data/phases.yaml` and judged against the data.

Each checklist item is derived from the initiative file where the data can tell (its `requires`),
and the file's `checklist:` section overrides the derived status.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from klusterdocs.data import load_data
from klusterdocs.model.base import to_data
from klusterdocs.model.initiative import InitiativeFile

Group = Literal["tasks", "support", "exit"]
Status = Literal["done", "partial", "missing", "unknown"]
GROUPS: tuple[Group, ...] = ("tasks", "support", "exit")


@dataclass(frozen=True)
class Requirement:
    """What the data must hold: values at `path` (at least `min`), or all of `all_of`."""

    path: str
    min: int = 1
    all_of: tuple[str, ...] = ()

    def met_by(self, data: dict[str, Any]) -> bool:
        values = [v for v in _values_at(data, self.path) if v not in (None, "", [], {}, False)]
        if self.all_of:
            return set(self.all_of) <= {str(v) for v in values}
        return len(values) >= self.min


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    group: Group
    label: dict[str, str]
    requires: tuple[Requirement, ...]


@dataclass(frozen=True)
class PhaseInfo:
    key: str
    name: dict[str, str]
    about: dict[str, str]
    leadership: dict[str, str]
    documents: tuple[str, ...]
    checklist: tuple[ChecklistItem, ...]
    next_steps: dict[str, list[str]]


@dataclass(frozen=True)
class ItemStatus:
    """One checklist item judged for one initiative."""

    item: ChecklistItem
    status: Status
    missing: tuple[str, ...]
    comment: str | None = None
    overridden: bool = False


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


def _requirement(raw: str | dict[str, Any]) -> Requirement:
    if isinstance(raw, str):
        return Requirement(raw)
    return Requirement(raw["path"], raw.get("min", 1), tuple(raw.get("all_of", ())))


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


def checklist_keys() -> dict[str, str]:
    """Every checklist item key, with the phase it belongs to."""
    return {item.key: phase.key for phase in phases().values() for item in phase.checklist}


def next_phase(key: str) -> PhaseInfo | None:
    order = list(phases())
    index = order.index(key)
    return phases()[order[index + 1]] if index + 1 < len(order) else None


def assess(initiative: InitiativeFile, phase: str | None = None) -> list[ItemStatus]:
    """Judge each checklist item of `phase` (default: the initiative's) against its data."""
    info = phases()[phase or initiative.initiative.phase]
    data = to_data(initiative)
    out: list[ItemStatus] = []
    for item in info.checklist:
        override = initiative.checklist.get(item.key)
        unmet = tuple(r.path for r in item.requires if not r.met_by(data))
        if override is not None:
            status: Status = "done" if override.done else "missing"
            out.append(ItemStatus(item, status, unmet, override.comment, overridden=True))
            continue
        if not item.requires:
            status = "unknown"
        elif not unmet:
            status = "done"
        else:
            status = "partial" if len(unmet) < len(item.requires) else "missing"
        out.append(ItemStatus(item, status, unmet))
    return out
