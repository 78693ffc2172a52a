from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
EXAMPLE = INPUTS / "smart-textiles.yaml"
PROGRAM = INPUTS / "reglab-2012.yaml"

THIN = """
initiative:
  name: Tunt Kluster
  region: Dalarna
  focus: Trä
  phase: initiering
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented YAML text to `tmp_path/name` and return its path."""

    def _write(text: str, name: str = "input.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
