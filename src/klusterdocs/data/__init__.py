"""Domain content as data: phases, labels and slide texts, read once, overridable by the user.

A file in the folder named by the environment variable KLUSTERDOCS_DATA replaces the built-in
file of the same relative path, so a coach can edit a module's slides without touching code.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def data_path(name: str) -> Path:
    """Return the file behind data `name` (e.g. `phases.yaml`): the user's override or ours."""
    override = os.environ.get("KLUSTERDOCS_DATA")
    if override and (Path(override) / name).is_file():
        return Path(override) / name
    return Path(str(resources.files(__package__).joinpath(name)))


@cache
def load_data(name: str) -> Any:
    """Return the parsed YAML data file `name`, read once per process."""
    with data_path(name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)
