"""The CI recipes in docs/ci/ run: their klusterdocs steps, on a git repository of inputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import INPUTS, ROOT

CI = ROOT / "docs" / "ci"
HAS_LIBREOFFICE = shutil.which("soffice") is not None


def _github_scripts() -> list[str]:
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["documents"]["steps"]
    return [step["run"] for step in steps if "run" in step]


def _gitlab_scripts() -> list[str]:
    pipeline = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    return list(pipeline["documents"]["script"])


def _klusterdocs_commands(scripts: list[str]) -> list[str]:
    return [
        line.strip()
        for script in scripts
        for line in script.splitlines()
        if "klusterdocs " in line and "pip install" not in line
    ]


def _repository(tmp_path: Path) -> Path:
    """A team's repository: inputs/ in git, with a second commit that adds an actor."""
    repo = tmp_path / "repo"
    shutil.copytree(INPUTS, repo / "inputs")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "inputs")
    example = repo / "inputs" / "smart-textiles.yaml"
    text = example.read_text(encoding="utf-8")
    added = "actors:\n  - {id: nyaktor, name: Ny Aktör AB, helix: industry}\n"
    example.write_text(text.replace("actors:\n", added, 1), encoding="utf-8")
    git("commit", "-q", "-am", "a new actor")
    return repo


def test_both_recipes_run_the_same_commands() -> None:
    github, gitlab = (
        _klusterdocs_commands(_github_scripts()),
        _klusterdocs_commands(_gitlab_scripts()),
    )
    assert github == gitlab
    assert github[:2] == ["klusterdocs validate inputs/", "klusterdocs build inputs/ --pdf"]
    assert any("klusterdocs changes" in c and "--since HEAD~1" in c for c in github)
    for recipe in (CI / "github-actions.yml", CI / "gitlab-ci.yml"):
        text = recipe.read_text(encoding="utf-8")
        assert "fonts-crosextra-carlito" in text and "libreoffice-writer-nogui" in text
        assert "output/" in text


@pytest.mark.parametrize("recipe", ["github", "gitlab"])
def test_the_recipe_runs_on_a_repository_of_inputs(tmp_path: Path, recipe: str) -> None:
    repo = _repository(tmp_path)
    scripts = _github_scripts() if recipe == "github" else _gitlab_scripts()
    bin_folder = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}
    for script in scripts:
        if "klusterdocs " not in script or "pip install" in script:
            continue  # installing is the runner's business
        if not HAS_LIBREOFFICE:
            script = script.replace(" --pdf", "")
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    output = repo / "output"
    documents = {p.relative_to(output).as_posix() for p in output.rglob("*.docx")}
    assert "smart-textiles/verksamhetsplan.docx" in documents
    assert len(list(output.rglob("*.pptx"))) == 4
    if HAS_LIBREOFFICE:
        assert (output / "smart-textiles" / "verksamhetsplan.pdf").stat().st_size > 0
    changes = (output / "changes.txt").read_text(encoding="utf-8")
    assert "Ny Aktör AB" in changes
