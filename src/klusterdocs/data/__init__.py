"""Domain content as data: phases, labels and slide texts, read once, overridable by the user.

A file in the folder named by the environment variable KLUSTERDOCS_DATA replaces the built-in
file of the same relative path, so a coach can edit a module's slides without touching code.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BUILT_IN = Path(__file__).parent  # installed as files, as the templates are


def data_path(name: str) -> Path:
    """Return the file behind data `name` (e.g. `phases.yaml`): the user's override or ours."""
    override = os.environ.get("KLUSTERDOCS_DATA")
    if override and (Path(override) / name).is_file():
        return Path(override) / name
    return _BUILT_IN / name


@cache
def load_data(name: str) -> Any:
    """Return the parsed YAML data file `name`, read once per process."""
    with data_path(name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)
