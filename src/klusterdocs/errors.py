"""One error hierarchy: everything a user can cause derives from `KlusterdocsError`.

The CLI turns these into a message and exit code 1 in one place; anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path


class Problem(NamedTuple):
    """One located finding: `FILE:LINE:COL: path: message`; they sort by place.

    A named tuple rather than a dataclass: this module is imported by every command, `--help`
    included, and an ordered dataclass takes longer to define than the rest of it.
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class KlusterdocsError(Exception):
    """A user-facing error: printed without a traceback, exit code 1."""


class InputError(KlusterdocsError):
    """One or more problems in input files, all reported at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(KlusterdocsError):
    """A template that cannot be found, parsed or rendered."""


class RenderError(KlusterdocsError):
    """A document that could not be produced or written."""


def display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it is inside it, as users typed it."""
    from pathlib import Path  # not at the top: every command imports this module, --help too

    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
