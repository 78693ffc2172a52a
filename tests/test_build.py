"""`klusterdocs build`: everything at once, incremental, parallel and reproducible."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from klusterdocs.build import MANIFEST, Workers, plan, run
from klusterdocs.cli import main
from klusterdocs.loading import input_files
from tests.conftest import INPUTS, ROOT

EXPECTED = {
    "automation-region/forstudie.docx",
    "automation-region/intressentanalys.docx",
    "automation-region/verksamhetsplan.docx",
    "smart-textiles/intressentanalys.docx",
    "smart-textiles/verksamhetsplan.docx",
    "reglab-2012/modul-1.pptx",
    "reglab-2012/modul-2.pptx",
    "reglab-2012/modul-3.pptx",
    "reglab-2012/modul-4.pptx",
}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(INPUTS, folder)
    return folder


def _written(output: Path) -> set[str]:
    return {
        p.relative_to(output).as_posix()
        for p in output.rglob("*.*")
        if p.suffix in (".docx", ".pptx")
    }


def _build(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["build", *args])
    return result.exit_code, result.stdout, result.stderr


def test_build_writes_each_phase_document_set_and_every_deck(
    runner: CliRunner, inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = _build(runner, str(inputs), "-o", str(out), "-j", "2")
    assert code == 0, stderr
    assert _written(out) == EXPECTED
    assert len(stdout.split()) == len(EXPECTED)
    assert "9 built, 0 up to date, 0 failed" in stderr
    assert (out / MANIFEST).is_file()


def test_second_build_is_up_to_date_and_an_edit_rebuilds_only_what_depends_on_it(
    runner: CliRunner, inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _build(runner, str(inputs), "-o", str(out))
    before = {p: (out / p).stat().st_mtime_ns for p in EXPECTED}
    code, stdout, stderr = _build(runner, str(inputs), "-o", str(out))
    assert code == 0 and stdout == ""
    assert "0 built, 9 up to date" in stderr
    text = (inputs / "smart-textiles.yaml").read_text(encoding="utf-8")
    (inputs / "smart-textiles.yaml").write_text(
        text.replace("Smarta och hållbara", "Smarta, hållbara"), encoding="utf-8"
    )
    code, stdout, stderr = _build(runner, str(inputs), "-o", str(out))
    rebuilt = {Path(line).relative_to(out).as_posix() for line in stdout.split()}
    # the initiative's own documents, and the decks of the program that links it
    assert rebuilt == {p for p in EXPECTED if p.startswith(("smart-textiles", "reglab-2012"))}
    untouched = "automation-region/verksamhetsplan.docx"
    assert (out / untouched).stat().st_mtime_ns == before[untouched]


def test_language_template_and_force_each_trigger_a_rebuild(
    runner: CliRunner, inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    only = str(inputs / "automation-region.yaml")
    _build(runner, only, "-o", str(out))
    assert "3 built" in _build(runner, only, "-o", str(out), "--lang", "en")[2]
    templates = tmp_path / "templates" / "forstudie"
    templates.mkdir(parents=True)
    region_template = docx.Document(str(ROOT / "templates" / "forstudie" / "default.docx"))
    region_template.add_paragraph("Region Exempel – mall för förstudier")
    region_template.save(str(templates / "default.docx"))
    stdout = _build(
        runner, only, "-o", str(out), "--lang", "en", "--templates", str(templates.parent)
    )[1]
    assert stdout.split() == [str(out / "automation-region" / "forstudie.docx")]
    assert "3 built" in _build(runner, only, "-o", str(out), "--force")[2]


def test_a_bad_file_fails_alone(runner: CliRunner, inputs: Path, tmp_path: Path) -> None:
    shutil.copy(ROOT / "tests" / "broken" / "swedish-helix.yaml", inputs / "broken.yaml")
    out = tmp_path / "out"
    code, _, stderr = _build(runner, str(inputs), "-o", str(out))
    assert code == 1
    assert "broken.yaml:11:12: actors[0].helix:" in stderr
    assert "9 built, 0 up to date, 1 failed" in stderr
    assert _written(out) == EXPECTED
    assert "Traceback" not in stderr


def test_a_linked_initiative_is_built_once_and_only_when_asked_for(
    inputs: Path, tmp_path: Path
) -> None:
    both = plan([inputs, inputs / "smart-textiles.yaml"], tmp_path)
    targets = [job.target for job in both.jobs]
    assert len(targets) == len(set(targets)) == 9
    program_only = plan([inputs / "reglab-2012.yaml"], tmp_path)
    assert {job.document for job in program_only.jobs} == {"modul"}


def test_two_builds_seconds_apart_are_byte_identical(inputs: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    with Workers(2) as workers:
        run(plan([inputs], first, workers=workers), first, workers=workers)
    run(plan([inputs], second), second)
    for name in EXPECTED:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_settings_file_beside_the_inputs_is_not_built(
    runner: CliRunner, inputs: Path, tmp_path: Path
) -> None:
    (inputs / "klusterdocs.yaml").write_text("templates: ../mallar\n", encoding="utf-8")
    (tmp_path / "mallar").mkdir()
    code, _, stderr = _build(runner, str(inputs), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    assert "9 built, 0 up to date, 0 failed" in stderr


def test_input_files_inside_a_hidden_folder_are_found(tmp_path: Path) -> None:
    """Only hidden folders below the one searched are left out (`~/.work/inputs` is fine)."""
    folder = tmp_path / ".work" / "inputs"
    shutil.copytree(INPUTS, folder)
    assert len(input_files([folder])) == 3


def test_input_files_searches_folders_once_each(inputs: Path) -> None:
    (inputs / ".hidden").mkdir()
    (inputs / ".hidden" / "x.yaml").write_text("a: 1\n")
    files = input_files([inputs, inputs / "reglab-2012.yaml"])
    assert [f.name for f in files] == [
        "automation-region.yaml",
        "reglab-2012.yaml",
        "smart-textiles.yaml",
    ]


def test_nothing_to_build(runner: CliRunner, tmp_path: Path) -> None:
    code, _, stderr = _build(runner, str(tmp_path), "-o", str(tmp_path / "out"))
    assert code == 0
    assert "nothing to build" in stderr


def test_documents_are_readable_by_others_like_any_file(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(plan([inputs / "automation-region.yaml"], out), out)
    for path in out.rglob("*.docx"):
        assert path.stat().st_mode & 0o044 == 0o044  # not mkstemp's private 0600


def test_touching_a_file_rebuilds_only_its_documents(
    runner: CliRunner, inputs: Path, tmp_path: Path
) -> None:
    import os
    import time

    out = tmp_path / "out"
    _build(runner, str(inputs), "-o", str(out))
    later = time.time() + 5
    os.utime(inputs / "automation-region.yaml", (later, later))  # touch, content unchanged
    code, stdout, stderr = _build(runner, str(inputs), "-o", str(out))
    assert code == 0
    rebuilt = {Path(line).relative_to(out).as_posix() for line in stdout.split()}
    assert rebuilt == {p for p in EXPECTED if p.startswith(("automation-region", "reglab-2012"))}
    assert "7 built, 2 up to date" in stderr


def test_a_build_with_nothing_to_do_parses_no_file(
    runner: CliRunner, inputs: Path, tmp_path: Path, monkeypatch
) -> None:
    """As make does: unchanged sizes and times of every file a document depends on are
    enough, so 200 files cost about what one does."""
    import klusterdocs.loading as loading

    out = tmp_path / "out"
    _build(runner, str(inputs), "-o", str(out))

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(loading, "load_yaml", parse)
    code, _, stderr = _build(runner, str(inputs), "-o", str(out))
    assert code == 0 and "0 built, 9 up to date" in stderr, stderr
    monkeypatch.undo()
    (out / "automation-region" / "forstudie.docx").unlink()  # a document gone: parsed, made
    code, stdout, stderr = _build(runner, str(inputs), "-o", str(out))
    assert code == 0 and stdout.split() == [str(out / "automation-region" / "forstudie.docx")]


def test_workers_load_the_inputs_the_build_did_not_parse(
    runner: CliRunner, inputs: Path, tmp_path: Path, monkeypatch
) -> None:
    """With `-j 2`, documents of unchanged inputs are remade by workers that parse the inputs
    themselves: the build's own process parses none of them."""
    import os

    import klusterdocs.loading as loading

    out = tmp_path / "out"
    _build(runner, str(inputs), "-o", str(out))
    parent, parse = os.getpid(), loading.load_yaml

    def parse_in_workers_only(*args: object, **kwargs: object) -> object:
        assert os.getpid() != parent, "parsed by the build's own process"
        return parse(*args, **kwargs)

    monkeypatch.setattr(loading, "load_yaml", parse_in_workers_only)
    gone = [out / "automation-region" / "forstudie.docx", out / "reglab-2012" / "modul-2.pptx"]
    for path in gone:
        path.unlink()
    code, stdout, stderr = _build(runner, str(inputs), "-o", str(out), "-j", "2")
    assert code == 0 and "2 built, 7 up to date" in stderr, stderr
    assert sorted(stdout.split()) == sorted(map(str, gone))


def test_with_workers_the_build_parses_no_input_itself(
    runner: CliRunner, inputs: Path, tmp_path: Path, monkeypatch
) -> None:
    """With `-j 2`, a first build's inputs are planned by the workers, each loading its own
    files: the build's process only sees their jobs, and still refuses two inputs that would
    write one folder, and reports a broken input with its line."""
    import os

    import klusterdocs.loading as loading

    shutil.copy(inputs / "smart-textiles.yaml", inputs / "copy.yaml")  # same name, same folder
    (inputs / "broken.yaml").write_text("initiative:\n  name: [\n", encoding="utf-8")
    parent, parse = os.getpid(), loading.load_yaml

    def parse_in_workers_only(*args: object, **kwargs: object) -> object:
        assert os.getpid() != parent, "parsed by the build's own process"
        return parse(*args, **kwargs)

    monkeypatch.setattr(loading, "load_yaml", parse_in_workers_only)
    out = tmp_path / "out"
    code, _, stderr = _build(runner, str(inputs), "-o", str(out), "-j", "2")
    assert code == 1
    assert "broken.yaml:3:" in stderr
    assert "get the same output folder" in stderr and "copy.yaml" in stderr
    assert "7 built, 0 up to date, 2 failed" in stderr, stderr
    assert _written(out) == {n for n in EXPECTED if not n.startswith("smart-textiles/")}


def test_a_more_specific_template_added_later_is_used(
    runner: CliRunner, inputs: Path, tmp_path: Path
) -> None:
    """The lookup's candidates that did not exist are part of what a document depends on."""
    out, templates = tmp_path / "out", tmp_path / "templates"
    (templates / "forstudie").mkdir(parents=True)
    only = str(inputs / "automation-region.yaml")
    _build(runner, only, "-o", str(out), "--templates", str(templates))
    region = docx.Document(str(ROOT / "templates" / "forstudie" / "default.docx"))
    region.add_paragraph("Region Exempel – mall för mobiliseringsfasen")
    region.save(str(templates / "forstudie" / "mobilisering.docx"))
    code, stdout, _ = _build(runner, only, "-o", str(out), "--templates", str(templates))
    assert code == 0 and stdout.split() == [str(out / "automation-region" / "forstudie.docx")]
    made = docx.Document(str(out / "automation-region" / "forstudie.docx"))
    assert "Region Exempel – mall för mobiliseringsfasen" in [p.text for p in made.paragraphs]
