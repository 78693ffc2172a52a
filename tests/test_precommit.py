"""The pre-commit hook, tried from another repository as a team would use it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="pre-commit or git is not installed",
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_pre_commit_try_repo_validates_the_inputs(tmp_path: Path) -> None:
    repo = tmp_path / "team"
    (repo / "inputs").mkdir(parents=True)
    shutil.copy(EXAMPLE, repo / "inputs" / "cluster.yaml")
    shutil.copy(EXAMPLE.parent / "smart-textiles-logo.png", repo / "inputs")  # the file's logo
    (repo / "ci.yml").write_text("not: [a klusterdocs file]\n")  # outside inputs/: ignored
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    command = ["pre-commit", "try-repo", str(ROOT), "klusterdocs-validate", "--all-files"]
    environment = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    passed = subprocess.run(
        command, cwd=repo, capture_output=True, text=True, env=environment, timeout=600
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "klusterdocs validate" in passed.stdout and "Passed" in passed.stdout

    broken = (repo / "inputs" / "cluster.yaml").read_text(encoding="utf-8")
    (repo / "inputs" / "cluster.yaml").write_text(
        broken.replace("phase: formering", "phase: formeing"), encoding="utf-8"
    )
    _git(repo, "add", ".")
    failed = subprocess.run(
        command, cwd=repo, capture_output=True, text=True, env=environment, timeout=600
    )
    assert failed.returncode == 1
    assert "inputs/cluster.yaml:" in failed.stdout
    assert "did you mean 'formering'?" in failed.stdout
