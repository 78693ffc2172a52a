"""Labels in the document's language, from `data/labels/<lang>.yaml`, never from Python strings."""

from __future__ import annotations

from functools import cache
from typing import Any

from klusterdocs.data import load_data

LANGUAGES = ("sv", "en")


def labels(lang: str) -> dict[str, Any]:
    """Every label of language `lang`."""
    data: dict[str, Any] = load_data(f"labels/{lang}.yaml")
    return data


def enum_label(lang: str, enum: str, value: str | None) -> str:
    """Return the label of an enum `value` (e.g. helix `academia` -> `Akademi`), or ''."""
    if value is None:
        return ""
    return str(labels(lang)["enums"][enum].get(value, value))


@cache
def enum_aliases() -> dict[str, str]:
    """Every Swedish or English word that names an enum value, mapped to that value."""
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        for values in labels(lang)["enums"].values():
            out.update({label: key for key, label in values.items()})
        out.update(labels(lang).get("aliases") or {})
    return out
