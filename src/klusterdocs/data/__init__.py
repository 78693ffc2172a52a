"""Domain content as data: phases, labels and slide texts, read once, overridable by the user.

A file in the folder named by the environment variable KLUSTERDOCS_DATA replaces the built-in
file of the same relative path, so a coach can edit a module's slides without touching code.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml

from klusterdocs import cache

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BUILT_IN = Path(__file__).parent  # installed as files, as the templates are


def data_path(name: str) -> Path:
    """Return the file behind data `name` (e.g. `phases.yaml`): the user's override or ours."""
    override = os.environ.get("KLUSTERDOCS_DATA")
    if override and (Path(override) / name).is_file():
        return Path(override) / name
    return _BUILT_IN / name


@functools.cache
def load_data(name: str) -> Any:
    """Return the parsed YAML data file `name`, read once per process.

    The parsed data is kept in the cache (see `klusterdocs.cache`): reading it back takes a
    fiftieth of parsing the YAML again.
    """
    text = data_path(name).read_bytes()
    key = cache.digest(text, "data", yaml.__version__)
    data = cache.load(key, dict)
    if data is None:
        data = yaml.load(text, Loader=_Loader)
        cache.store(key, data)
    return data


# The groups of a phase's checklist in phases.yaml, in their order (see `klusterdocs.phases`).
CHECKLIST_GROUPS = ("tasks", "support", "exit")


def checklist_keys() -> dict[str, str]:
    """Every checklist item's key, with the phase it belongs to, read straight from
    phases.yaml: what validation needs, without building the phases and their judgements
    (`klusterdocs.phases` takes a third of a `validate` to import)."""
    return {
        item["key"]: phase["key"]
        for phase in load_data("phases.yaml")["phases"]
        for group in CHECKLIST_GROUPS
        for item in phase["checklist"].get(group, ())
    }
