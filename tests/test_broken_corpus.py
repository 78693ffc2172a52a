"""Every file in tests/broken/ states, on its first line, the located error it must produce."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from klusterdocs.cli import main

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def test_corpus_is_not_empty() -> None:
    assert len(BROKEN) >= 25


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_file_is_reported_with_location(runner: CliRunner, path: Path) -> None:
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path.name}:{expected}" in result.output
    assert "Traceback" not in result.output
