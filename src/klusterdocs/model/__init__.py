"""The input model: typed, validated initiative and program files with their derived values."""

from __future__ import annotations

from klusterdocs.model.initiative import PHASES, InitiativeFile, Phase
from klusterdocs.model.program import ProgramFile

__all__ = ["PHASES", "InitiativeFile", "Phase", "ProgramFile"]
