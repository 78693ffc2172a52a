"""`templates list / export / check` and the `templates:` setting of klusterdocs.yaml."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import docx.shared
import pytest
from click.testing import CliRunner

from klusterdocs.cli import main
from klusterdocs.data import data_path
from klusterdocs.render.lookup import builtin_templates
from tests.checks import assert_valid_office
from tests.conftest import EXAMPLE, INPUTS


def _word_template(path: Path, *paragraphs: str, header: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.sections[0].header.paragraphs[0].text = header
    document.save(str(path))
    return path


@pytest.mark.parametrize("kind", ["verksamhetsplan", "intressentanalys", "forstudie", "modul"])
def test_built_in_templates_carry_nothing_unused(kind: str) -> None:
    """No blank thumbnail (file browsers would preview documents as blank), no Word 2010 copy
    of the styles, no table style that no table uses."""
    [template] = (builtin_templates() / kind).glob("default.*")
    with zipfile.ZipFile(template) as archive:
        names = archive.namelist()
        styles = archive.read("word/styles.xml") if "word/styles.xml" in names else b""
    assert "docProps/thumbnail.jpeg" not in names
    assert "word/stylesWithEffects.xml" not in names
    assert styles.count(b'w:type="table"') <= 2, "the table style and Word's default one"


def test_export_then_check_the_built_in_set_is_clean(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["templates", "export", str(tmp_path / "t")])
    assert result.exit_code == 0
    assert len(result.output.split()) == 6  # four templates and the labels in two languages
    assert (tmp_path / "t" / "labels" / "sv.yaml").is_file()
    assert (tmp_path / "t" / "modul" / "default.pptx").is_file()
    again = runner.invoke(main, ["templates", "export", str(tmp_path / "t")])
    assert again.exit_code == 1 and "already exists" in again.output
    assert (
        runner.invoke(main, ["templates", "export", str(tmp_path / "t"), "--force"]).exit_code == 0
    )
    check = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert check.exit_code == 0, check.output
    assert check.output.strip().endswith(": ok")


def test_check_names_every_kind_of_mistake_with_file_and_place(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "t" / "verksamhetsplan"
    _word_template(
        folder / "default.docx",
        "{% for a in actors %}{{ a.namn }}{% endfor %}",
        "{{ initiativ.name }} {{ initiative.regon }}",
        "{{p initiative.background|md(“TableText”) }}",
        header="{{ t.names.verksamhetsplann }}",
    )
    _word_template(folder / "formering.docx", "Start", "{% for a in actors %} no end")
    result = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    expected = [  # the first is what plan stops at; the others would stop it next
        "default.docx: document, paragraph 1 ('{% for a in actors %}{{ a.namn }}{% endfor "
        "%}'): in {{ a.namn }}: unknown field 'a.namn'; did you mean 'name'?",
        "default.docx: document, paragraph 2 ('{{ initiativ.name }} {{ initiative.regon }}'): "
        "unknown field 'initiativ'; did you mean 'initiative'?",
        "default.docx: document, paragraph 2 ('{{ initiativ.name }} {{ initiative.regon }}'): "
        "unknown field 'initiative.regon'; did you mean 'region'?",
        "default.docx: header1, paragraph 1 ('{{ t.names.verksamhetsplann }}'): unknown field "
        "'t.names.verksamhetsplann'",
        "default.docx: document, paragraph 3 ('{{p initiative.background|md(“TableText”) }}'):"
        " note: typographic quotes in",
        "formering.docx: document, paragraph 2 ('{% for a in actors %} no end'): {% for a in "
        "actors %} is never closed (add {% endfor %})",
    ]
    for fragment in expected:
        assert any(fragment in line for line in lines), fragment
    assert len([line for line in lines if ".docx: " in line]) == len(expected)


# Templates with a mistake each, as a region's author makes them: (paragraphs, where the
# error is, what it says). `plan` and `check` must both stop, at the same place, saying so.
MISTAKES = {
    "unknown field": (
        ["Intro", "Hej {{ initiative.namn }}"],
        "paragraph 2 ('Hej {{ initiative.namn }}')",
        "unknown field 'initiative.namn'; did you mean 'name'?",
    ),
    "division by zero": (["A", "B", "Sum {{ 1 / 0 }}"], "paragraph 3", "a division by zero"),
    "a %-format on text": (
        ["{{ '%d' % initiative.name }}"],
        "paragraph 1",
        "the expression failed (TypeError",
    ),
    "a huge range": (
        ["{% for i in range(10**8) %}{{ i }}{% endfor %}"],
        "paragraph 1",
        "refused: a range of more than 100,000 numbers",
    ),
    "an unknown filter": (
        ["x", "{{ initiative.name|uper }}"],
        "paragraph 2",
        "no filter named 'uper'; did you mean 'upper'?",
    ),
    "python internals": (
        ["{{ ''.__class__.__mro__ }}"],
        "paragraph 1",
        "refused: the template reaches for something unsafe (access to attribute '__class__'",
    ),
    "a block never closed": (
        ["A", "{%p for a in actors %}", "{{ a.name }}"],
        "paragraph 2",
        "{%p for a in actors %} is never closed (add {%p endfor %})",
    ),
    "text beside {%p": (
        ["A", "Aktörer: {%p for a in actors %}", "{{ a.name }}", "{%p endfor %}"],
        "paragraph 2",
        "the text 'Aktörer:' beside {%p for a in actors %} is dropped",
    ),
    "md inside a running paragraph": (
        ["Bakgrund: {{ initiative.background|md }}"],
        "paragraph 1",
        "'md' writes whole paragraphs: write {{p initiative.background|md }} alone",
    ),
    "{{r without rich": (
        ["Namn: {{r initiative.name }}"],
        "paragraph 1",
        "{{r initiative.name }} replaces its run by the value, which then shows nowhere",
    ),
    "a {%p block closed by a plain tag": (
        ["A", "{%p for a in actors %}", "{{ a.name }}", "{% endfor %}"],
        "paragraph 4 ('{% endfor %}')",
        "{%p for a in actors %} (paragraph 2) goes on with {% endfor %}: use {%p endfor %}",
    ),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_check_and_plan_stop_at_the_same_mistake_with_its_place(
    runner: CliRunner, tmp_path: Path, mistake: str
) -> None:
    paragraphs, where, message = MISTAKES[mistake]
    _word_template(tmp_path / "t" / "verksamhetsplan" / "default.docx", *paragraphs)
    plan = runner.invoke(
        main, ["plan", str(EXAMPLE), "--templates", str(tmp_path / "t"), "-o", str(tmp_path)]
    )
    check = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert plan.exit_code == 1 and check.exit_code == 1, (plan.output, check.output)
    assert "Traceback" not in plan.output + check.output
    said = plan.output.strip().removeprefix("Error: ")
    assert f"default.docx: document, {where}" in said and message in said, said
    assert said in check.output, "check says what plan says"
    assert not (tmp_path / "smart-textiles").exists(), "nothing half-written"


def test_paragraphs_are_counted_as_the_author_sees_them(runner: CliRunner, tmp_path: Path) -> None:
    """docxtpl removes the paragraphs of {%p tags and {%tr rows before Jinja runs: the number
    said is still the one in the document as saved, table cells included."""
    document = docx.Document()
    for text in ("{%p if initiative.name %}", "Namn", "{%p endif %}"):
        document.add_paragraph(text)
    table = document.add_table(rows=3, cols=1)
    texts = ("{%tr for a in actors %}", "{{ a.name }}", "{%tr endfor %}")
    for row, text in zip(table.rows, texts, strict=True):
        row.cells[0].text = text
    document.add_paragraph("Budget {{ budget.curency }} kronor")
    path = tmp_path / "t" / "verksamhetsplan" / "default.docx"
    path.parent.mkdir(parents=True)
    document.save(str(path))
    result = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert (
        "document, paragraph 7 ('Budget {{ budget.curency }} kronor'): in {{ budget.curency }}: "
        "unknown field 'budget.curency'; did you mean 'currency'?" in result.output
    ), result.output


def test_check_passes_what_plan_renders_and_notes_what_other_data_may_reach(
    runner: CliRunner, tmp_path: Path
) -> None:
    _word_template(
        tmp_path / "t" / "verksamhetsplan" / "default.docx",
        "{{ subtitle|default('Verksamhetsplan') }} {% set ns = namespace(n=0) %}{{ ns.n }}",
        "{% for a in actors %}{{ loop.index }}. {{ a.name }}{% endfor %}",
        "{% if initiative.phase == 'inget' %}{{ initiative.regon }}{% endif %}",
    )
    check = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert check.exit_code == 0, check.output
    notes = [line for line in check.output.splitlines() if "note: " in line]
    assert len(notes) == 2, notes
    assert "unknown field 'subtitle'" in notes[0] and "'initiative.regon'" in notes[1]
    plan = runner.invoke(
        main, ["plan", str(EXAMPLE), "--templates", str(tmp_path / "t"), "-o", str(tmp_path)]
    )
    assert plan.exit_code == 0, plan.output


def test_docxtpl_literal_braces_print_as_braces_and_user_text_stays(
    runner: CliRunner, tmp_path: Path, write
) -> None:
    _word_template(
        tmp_path / "t" / "verksamhetsplan" / "default.docx",
        "Skriv {_{ initiative.name }_} eller {_% if x %_} i mallen.",
        "{{ initiative.name }}",
    )
    source = write(
        "klusterdocs: 1\ninitiative: {name: 'A {_{ b }_}', region: R, focus: F, "
        "phase: initiering}\n"
    )
    result = runner.invoke(
        main, ["plan", str(source), "--templates", str(tmp_path / "t"), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    [written] = tmp_path.glob("*/verksamhetsplan.docx")
    texts = [p.text for p in docx.Document(str(written)).paragraphs]
    assert texts[:2] == ["Skriv {{ initiative.name }} eller {% if x %} i mallen.", "A {_{ b }_}"]


def test_check_notes_a_tag_split_across_runs_which_still_works(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "t" / "forstudie" / "default.docx"
    path.parent.mkdir(parents=True)
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("{")
    paragraph.add_run("{ initiative.name }}").bold = True
    document.save(str(path))
    result = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert result.exit_code == 0
    assert "paragraph 1 ('{{ initiative.name }}'): note: a tag is split across" in result.output


def test_loop_variables_are_followed_into_nested_lists(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "t" / "intressentanalys" / "default.docx"
    _word_template(
        path,
        "{% for g in stakeholders.groups %}{% for a in g.actors %}"
        "{{ a.name }} {{ a.power }}{% endfor %}{% endfor %}",
    )
    assert runner.invoke(main, ["templates", "check", str(tmp_path / "t")]).exit_code == 0


def test_jinja_globals_and_the_templates_own_macros_are_known(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "t" / "verksamhetsplan" / "default.docx"
    _word_template(
        path,
        "{% macro row(a) %}{{ a }}{% endmacro %}{{ row(initiative.name) }}",
        "{% for n in range(3) %}{{ n }}{% endfor %} {{ lipsum(1) }} {{ cycler(1, 2).next() }}",
        "{{ initiativ.name }}",
    )
    result = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert result.exit_code == 1
    assert "unknown field 'initiativ'" in result.output
    assert result.output.count("unknown field") == 1  # not range, lipsum, cycler, row or a


def test_list_shows_where_each_template_comes_from(runner: CliRunner, tmp_path: Path) -> None:
    _word_template(tmp_path / "t" / "forstudie" / "initiering.docx", "{{ initiative.name }}")
    result = runner.invoke(main, ["templates", "list", "--templates", str(tmp_path / "t")])
    rows = [line.split() for line in result.output.splitlines()]
    assert rows[[r[:2] for r in rows].index(["forstudie", "initiering"])][:3] == [
        "forstudie",
        "initiering",
        "yours",
    ]
    assert all(r[2] == "built-in" for r in rows if r[:2] != ["forstudie", "initiering"])
    assert len(rows) == 16  # four documents by four phases


def test_klusterdocs_yaml_sets_the_templates_once(runner: CliRunner, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "inputs").mkdir(parents=True)
    (project / "inputs" / "x.yaml").write_text(
        EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copy(EXAMPLE.parent / "smart-textiles-logo.png", project / "inputs")  # its logo
    _word_template(
        project / "region" / "verksamhetsplan" / "default.docx",
        "Region Exempel: {{ initiative.name }}",
    )
    (project / "klusterdocs.yaml").write_text("templates: region\n", encoding="utf-8")
    result = runner.invoke(
        main, ["plan", str(project / "inputs" / "x.yaml"), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    written = docx.Document(str(tmp_path / "out" / "smart-textiles" / "verksamhetsplan.docx"))
    assert [p.text for p in written.paragraphs] == ["Region Exempel: Smart Textiles"]


def test_a_typo_in_klusterdocs_yaml_is_located(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "klusterdocs.yaml").write_text("templats: region\n", encoding="utf-8")
    (tmp_path / "x.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy(EXAMPLE.parent / "smart-textiles-logo.png", tmp_path)  # its logo
    result = runner.invoke(main, ["plan", str(tmp_path / "x.yaml"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert (
        "klusterdocs.yaml:1:1: templats: unknown key 'templats'; did you mean 'templates'?"
        in result.output
    )


def test_the_packaged_example_is_the_shipped_one() -> None:
    """`templates check` compares fields against this copy of inputs/smart-textiles.yaml."""
    assert (
        data_path("example-initiative.yaml").read_bytes()
        == (INPUTS / "smart-textiles.yaml").read_bytes()
    )


def _replace_in_docx(path: Path, old: str, new: str) -> None:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        entries = [(i, archive.read(i.filename)) for i in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            if info.filename == "word/document.xml":
                data = data.decode().replace(old, new).encode()
            archive.writestr(info, data)


def test_entities_inside_tags_are_read_as_characters(runner: CliRunner, tmp_path: Path) -> None:
    """LibreOffice saves ' as &apos;, even inside a tag; docxtpl alone would fail on it."""
    path = _word_template(
        tmp_path / "t" / "verksamhetsplan" / "default.docx",
        "{{p initiative.background|md('Normal') }}",
    )
    _replace_in_docx(path, "md('Normal')", "md(&apos;Normal&apos;)")
    assert runner.invoke(main, ["templates", "check", str(tmp_path / "t")]).exit_code == 0
    result = runner.invoke(
        main,
        ["plan", str(EXAMPLE), "--templates", str(tmp_path / "t"), "-o", str(tmp_path / "out")],
    )
    assert result.exit_code == 0, result.output
    text = "\n".join(
        p.text
        for p in docx.Document(
            str(tmp_path / "out" / "smart-textiles" / "verksamhetsplan.docx")
        ).paragraphs
    )
    assert "Sjuhärad har varit Sveriges textilregion" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_templates_saved_by_libreoffice_still_work(runner: CliRunner, tmp_path: Path) -> None:
    """A region's communicator: export, edit and save in LibreOffice, build with them."""
    runner.invoke(main, ["templates", "export", str(tmp_path / "exported")])
    edited = tmp_path / "exported" / "verksamhetsplan" / "default.docx"
    template = docx.Document(str(edited))
    template.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0xC0, 0x00, 0x00)
    summary = next(p for p in template.paragraphs if p.text == "{{ t.headings.summary }}")
    summary.text = "Sammanfattning i korthet"
    template.save(str(edited))
    saved = tmp_path / "saved"
    for document in ("verksamhetsplan", "intressentanalys", "forstudie"):
        (saved / document).mkdir(parents=True)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(saved / document),
                str(tmp_path / "exported" / document / "default.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
    check = runner.invoke(main, ["templates", "check", str(saved)])
    assert check.exit_code == 0, check.output
    result = runner.invoke(
        main, ["build", str(EXAMPLE), "--templates", str(saved), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    plan = docx.Document(str(tmp_path / "out" / "smart-textiles" / "verksamhetsplan.docx"))
    assert any(p.text == "Handlingsplan" for p in plan.paragraphs)
    # LibreOffice may save "Heading 1" as "heading 1": compare names case-insensitively
    headings = [p.text for p in plan.paragraphs if p.style.name.lower() == "heading 1"]
    assert headings[0] == "Sammanfattning i korthet"
    # LibreOffice keeps the TOC in a content control, its entries styled "Contents N"
    toc = [p.text.strip() for p in plan.paragraphs if p.style.name.lower() in ("toc 1", "toc 2")]
    assert toc[:2] == ["1\tSammanfattning i korthet", "2\tBakgrund och utgångspunkt"]
    heading_style = next(st for st in plan.styles if (st.name or "").lower() == "heading 1")
    assert str(heading_style.font.color.rgb) == "C00000"
    # LibreOffice writes run properties out of the schema's order, some twice, and on/off
    # values Word's schema refuses: the documents made from its templates are valid all the same
    for document in (tmp_path / "out" / "smart-textiles").glob("*.docx"):
        assert_valid_office(document)


def test_a_templates_folders_labels_reword_its_documents(runner: CliRunner, tmp_path: Path) -> None:
    """A region words a heading its own way: only the texts its label file gives change."""
    runner.invoke(main, ["templates", "export", str(tmp_path / "t")])
    (tmp_path / "t" / "labels" / "sv.yaml").write_text(
        "documents:\n  headings:\n    summary: Kort om oss\n", encoding="utf-8"
    )
    (tmp_path / "t" / "labels" / "en.yaml").unlink()
    assert runner.invoke(main, ["templates", "check", str(tmp_path / "t")]).exit_code == 0
    for lang in ("sv", "en"):
        result = runner.invoke(
            main,
            [
                "plan",
                str(EXAMPLE),
                "--templates",
                str(tmp_path / "t"),
                "--lang",
                lang,
                "-o",
                str(tmp_path / lang),
            ],
        )
        assert result.exit_code == 0, result.output
    headings = {
        lang: [
            p.text
            for p in docx.Document(
                str(tmp_path / lang / "smart-textiles" / "verksamhetsplan.docx")
            ).paragraphs
            if p.style.name == "Heading 1"
        ]
        for lang in ("sv", "en")
    }
    assert headings["sv"][:2] == ["Kort om oss", "Bakgrund och utgångspunkt"]
    assert headings["en"][0] == "Summary"  # the English labels are the built-in ones
    default = runner.invoke(main, ["plan", str(EXAMPLE), "-o", str(tmp_path / "default")])
    assert default.exit_code == 0
    plan = docx.Document(str(tmp_path / "default" / "smart-textiles" / "verksamhetsplan.docx"))
    assert "Kort om oss" not in [p.text for p in plan.paragraphs]


def test_a_mistake_in_a_label_file_is_located_and_stops_before_writing(
    runner: CliRunner, tmp_path: Path
) -> None:
    labels = tmp_path / "t" / "labels" / "sv.yaml"
    labels.parent.mkdir(parents=True)
    labels.write_text(
        "documents:\n"
        "  names:\n"
        "    verksamhetsplan: [a, b]\n"
        "  headings:\n"
        "    sumary: Kort\n"
        "  common:\n"
        '    generated: "Av {generator} den {datum}."\n'
        '    fill_in: "Saknas: {field:risk}"\n',
        encoding="utf-8",
    )
    expected = [
        "sv.yaml:3:22: documents.names.verksamhetsplan: a text here",
        "sv.yaml:5:5: documents.headings.sumary: unknown label; did you mean 'summary'?",
        "sv.yaml:7:16: documents.common.generated: {datum} is not known here (it is given "
        "{date}, {generator})",
        "sv.yaml:8:14: documents.common.fill_in: {field:risk}: write {field}; it is no count",
    ]
    plan = runner.invoke(
        main, ["plan", str(EXAMPLE), "--templates", str(tmp_path / "t"), "-o", str(tmp_path / "o")]
    )
    assert plan.exit_code == 1 and "Traceback" not in plan.output
    assert all(line in plan.output for line in expected), plan.output
    assert not (tmp_path / "o").exists()
    check = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert check.exit_code == 1 and check.output.count("sv.yaml: line ") == 4, check.output


def test_build_makes_again_what_a_changed_label_file_words(
    runner: CliRunner, tmp_path: Path
) -> None:
    labels = tmp_path / "t" / "labels" / "sv.yaml"
    labels.parent.mkdir(parents=True)
    labels.write_text("documents:\n  headings:\n    summary: Kort om oss\n", encoding="utf-8")
    arguments = ["build", str(EXAMPLE), "--templates", str(tmp_path / "t"), "-o", str(tmp_path)]
    first = runner.invoke(main, arguments)
    assert first.exit_code == 0, first.output
    assert "0 built" in runner.invoke(main, arguments).output
    labels.write_text("documents:\n  headings:\n    summary: Kort om oss i dag\n", "utf-8")
    again = runner.invoke(main, arguments)
    assert again.exit_code == 0 and "0 built" not in again.output, again.output
    plan = docx.Document(str(tmp_path / "smart-textiles" / "verksamhetsplan.docx"))
    assert "Kort om oss i dag" in [p.text for p in plan.paragraphs]


POWERPOINT = Path(__file__).parent / "public_templates" / "powerpoint"


def test_check_shows_what_a_deck_template_gives_each_kind_of_slide(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "t" / "modul").mkdir(parents=True)
    shutil.copyfile(POWERPOINT / "office-16x9.pptx", tmp_path / "t" / "modul" / "default.potx")
    result = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    said = result.output.replace(str(tmp_path / "t" / "modul" / "default.potx"), "T")
    for line in (
        "T: 16:9 slides, light background",
        "T: section slides: Office Theme / Section Header",
        "T: content slides: Office Theme / Title and Content",
        "T: module 1 of the example program: ",
    ):
        assert line in said, said


def test_check_fails_a_deck_template_that_cannot_make_a_deck(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "t" / "modul").mkdir(parents=True)
    shutil.copyfile(
        POWERPOINT / "blank-masters-only.pptx", tmp_path / "t" / "modul" / "default.pptx"
    )
    check = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    deck = runner.invoke(
        main,
        [
            "deck",
            str(INPUTS / "reglab-2012.yaml"),
            "--module",
            "1",
            "--templates",
            str(tmp_path / "t"),
            "-o",
            str(tmp_path / "o"),
        ],
    )
    assert check.exit_code == 1 and deck.exit_code == 1
    assert "no layout with a title" in check.output and "no layout with a title" in deck.output


def test_the_packaged_example_program_is_the_shipped_one_without_links() -> None:
    """`templates check` lays its decks out with this copy of inputs/reglab-2012.yaml."""
    shipped = (INPUTS / "reglab-2012.yaml").read_text(encoding="utf-8")
    expected = "".join(
        line.replace("initiative: smart-textiles.yaml", "initiative: example-initiative.yaml")
        for line in shipped.splitlines(keepends=True)
        if "initiative: automation-region.yaml" not in line
    )
    assert data_path("example-program.yaml").read_text(encoding="utf-8") == expected


def test_an_empty_paragraph_counts_as_a_line_the_author_sees(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _word_template(
        tmp_path / "t" / "verksamhetsplan" / "default.docx", "Rubrik", "", "{{ initiative.nmn }}"
    )
    _replace_in_docx(path, "<w:p/>", "<w:p/>")  # python-docx writes an empty one as <w:p/>
    result = runner.invoke(main, ["templates", "check", str(tmp_path / "t")])
    assert "document, paragraph 3 ('{{ initiative.nmn }}')" in result.output, result.output


def test_check_notes_a_picture_without_alt_text(tmp_path: Path) -> None:
    """Its PDF fails PDF/UA (a figure without /Alt): the author can fix it in Word."""
    from klusterdocs.render.template_tools import check_word_template

    path = tmp_path / "default.docx"
    document = docx.Document()
    document.add_paragraph("{{ initiative.name }}")
    document.add_picture(str(data_path("smart-textiles-logo.png")), width=docx.shared.Cm(3))
    document.save(str(path))
    notes = [f.message for f in check_word_template(path) if "alt text" in f.message]
    assert len(notes) == 1
    document.inline_shapes[0]._inline.docPr.set("descr", "Regionens logotyp")
    document.save(str(path))
    assert not [f for f in check_word_template(path) if "alt text" in f.message]


def test_a_paragraph_s_words_are_its_text_not_a_picture_s_position() -> None:
    """`templates check` named a header paragraph by "('11430-43180000')", its logo's
    position."""
    from klusterdocs.render.wordtags import paragraphs_of

    xml = (
        '<w:body xmlns:w="w" xmlns:wp="wp"><w:p><w:r><w:drawing><wp:anchor>'
        "<wp:positionH><wp:posOffset>11430</wp:posOffset></wp:positionH>"
        "</wp:anchor></w:drawing></w:r><w:r><w:t>Hej {{ x }}</w:t></w:r></w:p></w:body>"
    )
    [paragraph] = paragraphs_of(xml)
    assert paragraph.text == "Hej {{ x }}"
