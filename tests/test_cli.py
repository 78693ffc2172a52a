from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from klusterdocs.cli import main
from klusterdocs.schema import schema_json
from tests.conftest import EXAMPLE, INPUTS, ROOT, THIN


def test_validate_shipped_examples(runner: CliRunner) -> None:
    files = sorted(str(p) for p in INPUTS.glob("*.yaml"))
    result = runner.invoke(main, ["validate", *files])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok (") == len(files) == 3
    assert "reglab-2012.yaml: ok (program file)" in result.output


def test_validate_a_folder_and_the_settings_file(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    shutil.copytree(INPUTS, folder)
    settings = folder / "klusterdocs.yaml"
    settings.write_text("templates: ../mallar\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok (") == 4
    assert "klusterdocs.yaml: ok (settings file)" in result.stdout
    settings.write_text("tempaltes: ../mallar\n", encoding="utf-8")
    for named in (folder, settings):  # the folder's settings are checked with its inputs
        result = runner.invoke(main, ["validate", str(named)])
        assert result.exit_code == 1
        assert "klusterdocs.yaml:1:1: tempaltes: unknown key 'tempaltes'" in result.stdout
        assert "did you mean 'templates'?" in result.stdout
    (tmp_path / "schemas").mkdir()
    shutil.copy(folder / "initiative.schema.json", tmp_path / "schemas")
    empty = runner.invoke(main, ["validate", str(tmp_path / "schemas")])
    assert empty.exit_code == 1
    assert "nothing to validate: no .yaml files" in empty.stderr


def test_validate_reports_all_problems_of_a_file_at_once(runner: CliRunner, write) -> None:
    path = write("""
        initiative:
          name: X
          region: R
          focus: F
          phase: formeing
        actors:
          - {id: a, name: A, helix: akademi, power: 9}
        activities:
          - {id: x, title: T, partners: [b]}
    """)
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert len(lines) == 4
    assert any("initiative.phase" in line and "'formering'" in line for line in lines)
    assert any("actors[0].helix" in line for line in lines)
    assert any("actors[0].power" in line for line in lines)
    assert any("activities[0].partners[0]: unknown actor 'b'" in line for line in lines)


def test_user_error_prints_no_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["status", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert "file not found" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(main, ["schema", "nothing"]).exit_code == 2


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "inputs" / "nytt.yaml"
    result = runner.invoke(
        main, ["init", str(target), "--name", "Bär & Bröd", "--phase", "mobilisering"]
    )
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=initiative.schema.json")
    assert 'name: "Bär & Bröd"' in text
    assert (tmp_path / "inputs" / "initiative.schema.json").is_file()
    assert runner.invoke(main, ["validate", str(target)]).exit_code == 0
    schema = tmp_path / "inputs" / "initiative.schema.json"
    schema.write_text('{"description": "our own"}', encoding="utf-8")
    second = runner.invoke(main, ["init", str(tmp_path / "inputs" / "andra.yaml")])
    assert second.exit_code == 0
    assert schema.read_text(encoding="utf-8") == '{"description": "our own"}'
    assert "kept " in second.stderr and "klusterdocs schema initiative >" in second.stderr
    again = runner.invoke(main, ["init", str(target)])
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert target.read_text(encoding="utf-8") == text
    blank = runner.invoke(main, ["init", str(tmp_path / "blank.yaml"), "--name", "  "])
    assert blank.exit_code == 1 and "--name is empty" in blank.output
    assert not (tmp_path / "blank.yaml").exists()


def test_init_in_english(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "en.yaml"
    assert runner.invoke(main, ["init", str(target), "--lang", "en"]).exit_code == 0
    assert "language: en" in target.read_text(encoding="utf-8")


def test_status_tells_what_is_missing(runner: CliRunner, write) -> None:
    thin_with_a_vision = THIN + "strategy:\n  strategic_idea: Trä i framtiden\n"
    result = runner.invoke(main, ["status", str(write(thin_with_a_vision))])
    assert result.exit_code == 0
    assert "Tunt Kluster – fas: Initiering" in result.output
    assert "[ ] Saknas" in result.output
    assert "fyll i: context.trends, context.swot" in result.output
    assert "Nästa fas: Mobilisering" in result.output
    assert "(markera i filen: checklist.utbildning)" in result.output
    done = [line for line in result.output.splitlines() if "[x]" in line]
    assert done and not any("markera" in line or "fyll i" in line for line in done)


def test_status_in_english(runner: CliRunner, write) -> None:
    result = runner.invoke(main, ["status", "--lang", "en", str(write(THIN))])
    assert "phase: Initiation" in result.output
    assert "[?] Not assessed" in result.output


def test_schema_has_swedish_descriptions(runner: CliRunner) -> None:
    result = runner.invoke(main, ["schema", "initiative"])
    schema = json.loads(result.output)
    assert schema["properties"]["initiative"]["description"] == "Klusterinitiativet"
    assert "academia" in json.dumps(schema["$defs"]["Actor"])
    program = json.loads(runner.invoke(main, ["schema", "program"]).output)
    assert program["properties"]["modules"]["maxItems"] == 4


def test_shipped_schema_files_are_current() -> None:
    for kind in ("initiative", "program"):
        shipped = (INPUTS / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert shipped == schema_json(kind), f"run: klusterdocs schema {kind} > inputs/..."


def test_every_command_help_has_an_example(runner: CliRunner) -> None:
    for name in main.list_commands(None):  # type: ignore[arg-type]
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example: klusterdocs " + name in result.output


def test_help_imports_nothing_but_click() -> None:
    code = (
        "import sys; from klusterdocs.cli import main\n"
        "try: main(['--help'])\n"
        "except SystemExit: pass\n"
        "heavy = {'klusterdocs.model', 'yaml', 'docx', 'pptx', 'docxtpl', 'lxml', 'babel'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().endswith("[]")


def test_help_and_validate_do_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from klusterdocs.cli import main\n"
        "try: main(['validate', sys.argv[1]])\n"
        "except SystemExit: pass\n"
        # nor the phases' judgements, nor Pillow for a logo already checked once
        "heavy = {'docx', 'pptx', 'docxtpl', 'lxml', 'babel', 'klusterdocs.phases', 'PIL'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    subprocess.run(  # the first run checks the logo (and keeps what it found in the cache)
        [sys.executable, "-m", "klusterdocs", "validate", str(INPUTS / "smart-textiles.yaml")],
        capture_output=True,
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(INPUTS / "smart-textiles.yaml")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip().endswith("[]")


def test_the_command_leaves_its_objects_to_the_system_at_exit(tmp_path: Path) -> None:
    """`run` freezes what the command made, so Python's last garbage collection skips it
    (the benchmark measures what that saves); the output is complete all the same."""
    code = (
        "import gc, sys; from klusterdocs.cli import run\n"
        "sys.argv = ['klusterdocs', 'plan', sys.argv[1], '-o', sys.argv[2]]\n"
        "try: run()\n"
        "except SystemExit: pass\n"
        "print(gc.get_freeze_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(INPUTS / "smart-textiles.yaml"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(out.split()[-1]) > 10_000
    [plan] = tmp_path.glob("*/verksamhetsplan.docx")
    assert zipfile.ZipFile(plan).testzip() is None


def test_readme_quick_start_and_ci_use_the_same_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_examples_validate_against_the_schema_as_an_editor_sees_them() -> None:
    """The YAML language server reads YAML 1.2 and checks it against `klusterdocs schema`."""
    import datetime as dt

    import jsonschema
    import yaml

    def as_json(value: object) -> object:  # YAML 1.2 has no dates: they are strings there
        if isinstance(value, dict):
            return {str(k): as_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_json(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    for kind, name in (
        ("initiative", "smart-textiles"),
        ("initiative", "automation-region"),
        ("program", "reglab-2012"),
    ):
        schema = json.loads(schema_json(kind))
        data = as_json(yaml.safe_load((INPUTS / f"{name}.yaml").read_text(encoding="utf-8")))
        jsonschema.validate(data, schema)
    bad = {"initiative": {"name": "X", "region": "R", "focus": "F", "phase": "formeing"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json.loads(schema_json("initiative")))


def test_another_language_than_the_files_is_said_once(
    runner: CliRunner, write, tmp_path: Path
) -> None:
    """A Swedish file asked for in English: its own texts are not translated, and the user is
    told so rather than finding a half-Swedish deck; asked for in its own language, nothing."""
    program = write("program: {title: Styrman}\nmodules: [{number: 1, title: Kluster}]\n")
    english = runner.invoke(
        main, ["deck", str(program), "--module", "1", "--lang", "en", "-o", str(tmp_path / "en")]
    )
    assert english.exit_code == 0, english.output
    assert english.stderr.count("is written in Swedish (language: sv)") == 1
    assert "notes klusterdocs adds are in English" in english.stderr
    swedish = runner.invoke(
        main, ["deck", str(program), "--module", "1", "--lang", "sv", "-o", str(tmp_path / "sv")]
    )
    assert swedish.exit_code == 0 and "Warning" not in swedish.stderr
    initiative = write(
        "initiative: {name: K, region: R, focus: F, phase: initiering}\nlanguage: en\n"
    )
    plan = runner.invoke(main, ["plan", str(initiative), "--lang", "sv", "-o", str(tmp_path / "p")])
    assert plan.exit_code == 0, plan.output
    assert "is written in English (language: en)" in plan.stderr


@pytest.mark.parametrize("blank", ["''", "'   '", '"\\t\\u00a0 "'])
def test_a_name_of_spaces_only_is_empty(runner: CliRunner, write, blank: str) -> None:
    """A participant named '   ' vanished from the deck without a word (the fuzzing helper)."""
    program = write(
        "program: {title: P}\nmodules: [{number: 1, title: M}]\n"
        f"participants:\n  - {{id: a, name: {blank}}}\n"
    )
    result = runner.invoke(main, ["validate", str(program)])
    assert result.exit_code == 1
    assert ":4:" in result.output and "participants[0].name: must not be empty" in result.output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["schema", "initiative"], ["--help"], ["validate", "inputs"]])
def test_output_that_cannot_be_written_is_one_line_not_a_traceback(args: list[str]) -> None:
    """`klusterdocs schema initiative > file` on a full disk."""
    import subprocess

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "klusterdocs", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: cannot write the output: No space left on device"


def test_a_module_held_before_the_one_before_it_is_a_warning(
    runner: CliRunner, tmp_path: Path
) -> None:
    program = tmp_path / "p.yaml"
    program.write_text(
        "program: {title: P}\n"
        "modules:\n"
        "  - {number: 1, title: Ett, sessions: [{place: Falun, date: 2018-02-01}]}\n"
        "  - {number: 2, title: Två, sessions: [{place: Malmö, date: 2018-01-15}]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", str(program)])
    assert result.exit_code == 0
    assert "p.yaml:4:" in result.output and "module 2 (2018-01-15) is held before module 1" in (
        result.output
    )


def test_a_reflection_of_a_group_nobody_is_in_is_a_warning(
    runner: CliRunner, tmp_path: Path
) -> None:
    program = tmp_path / "p.yaml"
    program.write_text(
        "program: {title: P}\n"
        "modules: [{number: 1, title: M}]\n"
        "participants: [{id: a, name: A, group: 1}]\n"
        "reflections:\n"
        "  - {module: 1, group: 9, topic: T, notes: [x]}\n"
        "  - {module: 1, group: 1, topic: T, notes: [x]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", str(program)])
    assert result.exit_code == 0
    assert "p.yaml:5:" in result.output and "no participant is in group 9" in result.output
    assert "group 1" not in result.output


def test_a_participant_phase_its_linked_file_contradicts_is_a_warning(
    runner: CliRunner, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLE, tmp_path / "st.yaml")  # in formering
    shutil.copy(INPUTS / "smart-textiles-logo.png", tmp_path)
    program = tmp_path / "p.yaml"
    program.write_text(
        "program: {title: P}\n"
        "modules: [{number: 1, title: Ett}]\n"
        "participants:\n"
        "  - {id: p1, name: Anna, initiative: st.yaml, phase: formering}\n"
        "  - {id: p2, name: Bo, initiative: st.yaml, phase: organisering}\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", str(program)])
    assert result.exit_code == 0
    assert "p.yaml:5:" in result.output
    assert "Bo's phase is organisering, but the linked initiative file says formering" in (
        result.output
    )
    assert "Anna" not in result.output


def test_validate_tells_a_program_file_s_broken_links_with_its_other_errors(
    runner: CliRunner, tmp_path: Path
) -> None:
    program = tmp_path / "p.yaml"
    program.write_text(
        "program: {title: P}\n"
        "modules: [{number: 1, title: M, agenda: [{time: '10:00', item: X, kind: dance}]}]\n"
        "participants: [{id: p1, name: N, initiative: gone.yaml}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", str(program)])
    assert result.exit_code == 1
    assert "p.yaml:2:" in result.output and "got 'dance'" in result.output
    assert "p.yaml:3:" in result.output and "initiative file not found" in result.output


def test_a_short_name_that_is_no_slug_is_a_warning_naming_the_folder(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(
        THIN.lstrip().replace("initiative:\n", "initiative:\n  short_name: ../Big Name\n", 1)
    )
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert "i.yaml:2:" in result.output
    assert "short_name is not a slug; the documents go in the folder 'big-name'" in result.output
    path.write_text(
        THIN.lstrip().replace("initiative:\n", "initiative:\n  short_name: big-name\n", 1)
    )
    assert "warning" not in runner.invoke(main, ["validate", str(path)]).output


@pytest.mark.parametrize("module", ["0", "5", "two"])
def test_a_module_no_program_can_have_is_a_usage_error(
    runner: CliRunner, module: str, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["deck", str(INPUTS / "reglab-2012.yaml"), "--module", module])
    assert result.exit_code == 2
    assert "expected a module number, 1 to 4, or 'all'" in result.output


def test_deck_warns_of_built_in_content_no_agenda_item_takes(
    runner: CliRunner, tmp_path: Path
) -> None:
    program = tmp_path / "p.yaml"
    program.write_text(
        "program: {title: P}\n"
        "modules:\n"
        "  - number: 2\n"
        "    title: Två\n"
        "    agenda:\n"
        "      - {time: '10:00', item: Återkoppling på hemuppgiften, kind: plenary}\n"
        "      - {time: '11:00', item: Intressenter och makt, kind: lecture}\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["deck", str(program), "--module", "2", "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert "module 2: the built-in content for 'Aktörer och intressentanalys'" in result.stderr
    assert "'Återkoppling på hemuppgiften'" not in result.stderr
