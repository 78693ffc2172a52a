from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from klusterdocs.cli import main
from klusterdocs.completion import module_numbers
from tests.conftest import PROGRAM


def _complete(args: str) -> list[str]:
    """What bash completion offers after `klusterdocs ARGS` (Click's own protocol)."""
    words = f"klusterdocs {args}"
    env = {
        "_KLUSTERDOCS_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = CliRunner().invoke(main, [], env=env, prog_name="klusterdocs")
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_module_numbers_are_completed_from_the_program_file() -> None:
    assert _complete(f"deck {PROGRAM} --module ") == [
        "plain,1",
        "plain,2",
        "plain,3",
        "plain,4",
        "plain,all",
    ]
    assert _complete(f"deck {PROGRAM} --module a") == ["plain,all"]


def test_file_names_and_commands_are_completed() -> None:
    assert _complete("validate inp") == ["file,inp"]  # the shell lists the files
    assert "plain,export" in _complete("ex")
    assert _complete("export b") == ["plain,budget"]


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete --no-files")],
)
def test_each_shell_gets_its_script(shell: str, marker: str) -> None:
    env = {"_KLUSTERDOCS_COMPLETE": f"{shell}_source"}
    result = CliRunner().invoke(main, [], env=env, prog_name="klusterdocs")
    assert marker in result.output
    assert "_KLUSTERDOCS_COMPLETE" in result.output


def test_a_broken_program_file_gives_no_numbers(tmp_path: Path) -> None:
    broken = tmp_path / "p.yaml"
    broken.write_text("modules: [\n", encoding="utf-8")
    assert module_numbers(broken) == []
    assert module_numbers(tmp_path / "missing.yaml") == []
