"""The field table of docs/templates.md: every field a Word template sees, and what it is.

The descriptions live in `data/fields.yaml`, one line per field, so that a coach reading the
guide learns what `stakeholders.key` holds without reading the code. tests/test_field_guide.py
fails when a field has no description, or a description names a field that is gone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

FIELDS_FILE = "fields.yaml"
EXAMPLE_REVISION = "1a2b3c4"  # the revision the example change report compares with


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, (list, tuple)):
        return "list"
    return "number" if isinstance(value, (int, float)) else "text"


def _example(value: Any) -> str:
    if isinstance(value, (dict, list, tuple)) or value is None:
        return ""
    text = " ".join(str(value).split())
    text = text if len(text) <= 48 else text[:45] + "…"
    return text.replace("|", "\\|")


def _rows(value: Any, path: str) -> list[tuple[str, str, str]]:
    rows = [(path, _kind(value), _example(value))] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            if path == "" and key == "t":
                continue  # the labels: documented by their data files
            rows += _rows(item, f"{path}.{key}" if path else key)
    elif isinstance(value, (list, tuple)) and value:
        first = value[0]
        if isinstance(first, dict):
            rows += _rows(first, f"{path}[]")
        elif not isinstance(first, (list, tuple)):
            rows.append((f"{path}[]", _kind(first), _example(first)))
    return rows


def example_context() -> dict[str, Any]:
    """What a template sees for the example (Smart Textiles, in Swedish), with a change report.

    `changes` is empty unless `plan --changes-since` is given; a report comparing with the
    example less its last actor makes its fields show in the table.
    """
    from klusterdocs.changes import compare
    from klusterdocs.context.initiative import initiative_context
    from klusterdocs.data import data_path
    from klusterdocs.documents import changes_context
    from klusterdocs.loading import load_initiative

    example = data_path("example-initiative.yaml")
    model = load_initiative(example)
    context = initiative_context(model, "sv", dt.date(2012, 9, 1), example.parent)
    before = model.replace(actors=model.actors[:-1])
    context["changes"] = changes_context(compare(before, model, "sv", EXAMPLE_REVISION), "sv")
    return context


def field_rows(context: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """(path, kind, example) for every field of `context` (default: the example's)."""
    return _rows(example_context() if context is None else context, "")


@dataclasses.dataclass(frozen=True)
class Descriptions:
    """The descriptions of `fields.yaml`: one per field, and lists described by another's."""

    fields: dict[str, str]
    same_as: dict[str, str]  # e.g. `contacts[]` -> `actors[]`: their elements are alike

    def of(self, path: str) -> str:
        """The description of the field at `path`, or "" when it has none."""
        if path in self.fields:
            return self.fields[path]
        for prefix, model in self.same_as.items():
            if path.startswith(f"{prefix}."):
                return self.of(model + path.removeprefix(prefix))
        return ""

    def missing(self, paths: list[str]) -> list[str]:
        """The fields of `paths` without a description."""
        return [path for path in paths if not self.of(path)]

    def stale(self, paths: list[str]) -> list[str]:
        """Descriptions (and `same_as` lists) of fields not among `paths`: gone, or misspelt."""
        known = set(paths)
        return [name for name in (*self.fields, *self.same_as) if name not in known]


def descriptions() -> Descriptions:
    """The field descriptions as the package has them."""
    from klusterdocs.data import load_data

    data = load_data(FIELDS_FILE)
    return Descriptions(dict(data["fields"]), dict(data.get("same_as") or {}))


def field_reference() -> str:
    """The Markdown table of every field, with its kind, an example and what it is."""
    about = descriptions()
    lines = [
        "| field | kind | example (Smart Textiles, in Swedish) | what it is |",
        "|---|---|---|---|",
    ]
    for path, kind, example in field_rows():
        description = about.of(path).replace("|", "\\|")
        lines.append(f"| `{path}` | {kind} | {example} | {description} |")
    return "\n".join(lines) + "\n"
