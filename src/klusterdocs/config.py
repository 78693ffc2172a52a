"""`klusterdocs.yaml`: settings a team writes once, next to its inputs.

    # klusterdocs.yaml
    templates: ../region-templates    # a folder of templates, relative to this file

klusterdocs looks for the file in the folder of the input it is given, then in each folder
above it. An option on the command line wins over the file.
"""

from __future__ import annotations

from pathlib import Path

from klusterdocs.errors import InputError, display_path
from klusterdocs.model.base import Invalid, Strict, field
from klusterdocs.model.types import Text

CONFIG_NAME = "klusterdocs.yaml"


class ProjectConfig(Strict):
    templates: Text | None = field(
        default=None, description="Mapp med egna mallar, relativt klusterdocs.yaml"
    )


def find_config(near: Path) -> Path | None:
    """The nearest klusterdocs.yaml at or above `near` (a file or folder)."""
    folder = near.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
    return None


def templates_setting(explicit: Path | None, near: Path) -> Path | None:
    """The templates folder to use: the option, else the nearest klusterdocs.yaml's setting."""
    if explicit is not None:
        return explicit
    path = find_config(near)
    if path is None:
        return None
    config = load_config(path)
    return (path.parent / config.templates).resolve() if config.templates else None


def load_config(path: Path) -> ProjectConfig:
    """Read and check the settings file at `path`, or raise `InputError` with its problems."""
    from klusterdocs.loading.messages import problems_from
    from klusterdocs.loading.yamlsource import load_yaml

    source = load_yaml(path, display_path(path))
    try:
        return ProjectConfig.validate(source.data or {})
    except Invalid as exc:
        raise InputError(problems_from(exc.issues, source, {})) from None
