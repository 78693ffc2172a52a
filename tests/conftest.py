from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

# Property-based tests: a modest number of examples in every run, the same ones each time so that
# a run's verdict is the code's and not the draw's; many more, new ones each night
# (HYPOTHESIS_PROFILE=nightly pytest tests/test_properties.py).
_common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=25, derandomize=True, **_common)
settings.register_profile("nightly", max_examples=400, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Compiled templates go to a folder of this run, not the user's cache (subprocesses inherit it).
os.environ.setdefault("KLUSTERDOCS_CACHE", tempfile.mkdtemp(prefix="klusterdocs-test-cache-"))

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
