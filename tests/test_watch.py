from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from klusterdocs.watch import rebuild_rounds, relevant
from tests.conftest import EXAMPLE, THIN


def _inputs(tmp_path: Path) -> Path:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(EXAMPLE, inputs / "smart-textiles.yaml")
    shutil.copy(EXAMPLE.parent / "smart-textiles-logo.png", inputs)  # the file's logo
    (inputs / "tunt.yaml").write_text(THIN.lstrip(), encoding="utf-8")
    return inputs


def test_each_save_rebuilds_only_what_changed(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    output = tmp_path / "output"
    thin = inputs / "tunt.yaml"

    def saves() -> Iterator[list[Path]]:
        # a save of the thin file: its documents, and only those, are rebuilt
        thin.write_text(THIN.lstrip().replace("Trä", "Trä och skog"), encoding="utf-8")
        yield [thin]
        # a document being written and an editor's lock file start nothing
        yield [output / "tunt-kluster" / "forstudie.docx", inputs / "~$plan.docx"]
        # a mistake: reported with its place, the other file's documents stay as they are
        thin.write_text(THIN.lstrip().replace("initiering", "initiring"), encoding="utf-8")
        yield [thin]

    rounds = list(rebuild_rounds(saves(), [inputs], output, workers=1))
    assert len(rounds) == 3
    first, edited, broken = rounds
    assert sorted(str(p.relative_to(output)) for p in first.rebuilt) == [
        "smart-textiles/intressentanalys.docx",
        "smart-textiles/verksamhetsplan.docx",
        "tunt-kluster/forstudie.docx",
        "tunt-kluster/intressentanalys.docx",
    ]
    assert first.errors == []
    assert edited.changed == [thin]
    assert sorted(str(p.relative_to(output)) for p in edited.rebuilt) == [
        "tunt-kluster/forstudie.docx",
        "tunt-kluster/intressentanalys.docx",
    ]
    assert "2 rebuilt, 0 failed" in edited.summary
    assert broken.rebuilt == []
    (error,) = broken.errors
    assert "tunt.yaml:5:10: initiative.phase: expected one of initiering" in error
    assert "did you mean 'initiering'?" in error


def test_an_error_is_told_again_only_when_its_file_changes(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    thin = inputs / "tunt.yaml"
    thin.write_text(THIN.lstrip().replace("initiering", "initiring"), encoding="utf-8")
    other = inputs / "smart-textiles.yaml"
    rounds = list(rebuild_rounds([[other], [thin]], [inputs], tmp_path / "out", workers=1))
    assert [len(r.errors) for r in rounds] == [1, 0, 1]


def test_what_counts_as_a_change(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert relevant(tmp_path / "inputs" / "a.yaml", output)
    assert relevant(tmp_path / "mallar" / "verksamhetsplan" / "default.docx", output)
    assert not relevant(output / "a" / "verksamhetsplan.docx", output)
    assert not relevant(tmp_path / "inputs" / ".a.yaml.swp", output)
    assert not relevant(tmp_path / "inputs" / "notes.txt", output)
