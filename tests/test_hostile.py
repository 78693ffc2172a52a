"""Hostile input, hostile templates and faults: one test per case, each with its exact outcome.

Inputs: the text a user pastes must come out as typed, or be refused with a located error.
Templates: a shared template may not reach Python internals, loop for ever or write gigabytes.
Faults: a failed or killed write leaves the previous document intact.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pptx import Presentation

from klusterdocs.cli import main
from klusterdocs.documents import WORD_DOCUMENTS, write_deck, write_word_document
from klusterdocs.errors import InputError, RenderError, TemplateError
from klusterdocs.loading import load_initiative, load_program
from klusterdocs.loading.yamlsource import MAX_BYTES, load_yaml
from klusterdocs.render import word
from tests.conftest import EXAMPLE, THIN

HOSTILE = "R&D <AB> \"citat\" 'apostrof' {{ 7*7 }} {% if true %}x{% endif %} {# c #} {_{ %_}"


def _texts(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _every_field(text: str) -> str:
    """An initiative whose every kind of field holds `text`."""
    q = _quoted(text)
    return textwrap.dedent(f"""
        initiative:
          name: {q}
          region: {q}
          focus: {q}
          phase: mobilisering
          host: {q}
          leader: {{name: {q}, title: {q}, organisation: {q}, email: {q}}}
          background: {q}
          starting_point: {q}
        strategy:
          strategic_idea: {q}
          vision: {q}
          purpose: {q}
          values: [{q}]
          benefits: {{industry: [{q}], academia: [{q}], public: [{q}]}}
          focus_areas: [{{id: f, name: {q}, description: {q}}}]
          goals: [{{id: g, text: {q}, focus_area: f, indicators: [i]}}]
        context:
          competence_area: {q}
          trends: [{q}]
          industry: {q}
          region: {q}
          swot: {{strengths: [{q}], weaknesses: [{q}], opportunities: [{q}], threats: [{q}]}}
          problems: [{q}]
          opportunities: [{q}]
        actors:
          - {{id: a, name: {q}, helix: industry, role: {q}, core: inner, power: 4, interest: 4,
             expectations: {q}, contribution: {q}, engagement: {q}, owner: {q},
             contact: {{name: {q}, email: {q}}}}}
        indicators:
          - {{id: i, name: {q}, unit: {q}, baseline: {{value: 1, source: {q}}}}}
        activities:
          - {{id: x, title: {q}, responsible: {q}, deliverable: {q}, partners: [a],
             status: planned, budget: {{2013: 10}}}}
        organisation:
          process_group: [{{name: {q}, organisation: {q}, role: {q}}}]
          board: [{{name: {q}, organisation: {q}, role: {q}}}]
          working_groups: [{{name: {q}, lead: {q}, members: [{q}]}}]
        budget:
          income: [{{source: {q}, kind: public, amounts: {{2013: 5}}}}]
          costs: [{{item: {q}, category: other, amounts: {{2013: 5}}}}]
        risks: [{{id: r, text: {q}, mitigation: {q}, owner: {q}, probability: 2, impact: 2}}]
        document: {{version: {q}, author: {q}}}
        checklist: {{vision: {{done: true, comment: {q}}}}}
    """)


def _render_all(write, text: str, tmp_path: Path) -> list[Path]:
    model = load_initiative(write(_every_field(text)))
    return [write_word_document(model, d, tmp_path) for d in WORD_DOCUMENTS]


# -- hostile input ---------------------------------------------------------------------------


def test_markup_and_template_syntax_in_every_field_print_literally(write, tmp_path) -> None:
    for path in _render_all(write, HOSTILE, tmp_path):
        text = _texts(path)
        assert text.count(HOSTILE) >= 10, path.name
        assert "49" not in text


def test_control_characters_are_removed_and_vertical_tab_breaks_the_line(write, tmp_path) -> None:
    text = "före" + "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) + "efter\vny"
    paths = _render_all(write, text, tmp_path)
    body = _texts(paths[0])
    # a vertical tab (Word's line break) and a form feed (its page break) break the line
    assert re.search("före\n{2,}efter\nny", body)
    assert not any(chr(c) in body for c in range(1, 9))


def test_a_100000_character_text_is_kept_whole(write, tmp_path) -> None:
    long = ("Lång text med å, ä och ö. " * 4000)[:100_000]
    model = load_initiative(write(THIN + f"  background: {_quoted(long)}\n"))
    path = write_word_document(model, "verksamhetsplan", tmp_path)
    assert long.strip() in _texts(path)


@pytest.mark.parametrize(
    "text", ["Kluster 🚀🌲 grönt", "مجموعة التجمعات", "שלום", "e\u0301 o\u0308 a\u030a", "中文集群"]
)
def test_emoji_right_to_left_and_combining_characters(write, tmp_path, text: str) -> None:
    for path in _render_all(write, text, tmp_path):
        assert text in _texts(path)


def test_a_yaml_file_of_50_mb_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 2**20)  # a sparse file: no disk used
    with pytest.raises(InputError, match=f"up to {MAX_BYTES // 2**20} MiB"):
        load_yaml(path)


def test_deep_nesting_is_a_located_error(write) -> None:
    depth = 300  # over klusterdocs' bound, under the 1000 of newer libyaml builds
    with pytest.raises(InputError, match="nested more than 200 levels deep"):
        load_yaml(write("a: " + "[" * depth + "]" * depth + "\n"))


def test_a_second_yaml_document_is_refused(write) -> None:
    with pytest.raises(InputError, match="only one YAML document"):
        load_yaml(write("a: 1\n---\nb: 2\n"))


def test_an_unknown_alias_is_located(write) -> None:
    with pytest.raises(InputError, match=r"unknown alias \*nothing"):
        load_yaml(write("a: *nothing\n"))


def test_hostile_text_in_a_deck(write, tmp_path) -> None:
    q, vertical_tab = _quoted(HOSTILE), _quoted("a\vb")
    program = write(
        textwrap.dedent(f"""
        program: {{title: {q}}}
        modules: [{{number: 1, title: {q}, homework: [{q}]}}]
        participants: [{{id: p, name: {q}, role: {vertical_tab}}}]
    """)
    )
    path = write_deck(load_program(program), 1, tmp_path)
    text = "\n".join(
        s.text_frame.text
        for slide in Presentation(str(path)).slides
        for s in slide.shapes
        if s.has_text_frame
    )
    assert text.count(HOSTILE) >= 3
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    # the vertical tab (Word's line break) is a line break, never the control character
    assert "\x0b" not in xml and "_x000B_" not in xml
    assert "a<a:br/>" in xml or "a</a:t></a:r><a:br" in xml


# -- hostile templates -----------------------------------------------------------------------


def _template(
    tmp_path: Path, *, body: str = "ok", header: str = "", footer: str = "", title: str = ""
) -> Path:
    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_paragraph(body)
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    document.core_properties.title = title
    document.save(str(folder / "default.docx"))
    return folder.parent


def _rewrite_parts(path: Path, change: Callable[[str, str], str | None]) -> None:
    """Rewrite each XML part of the package at `path` as `change` says (None drops it)."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename.endswith((".xml", ".rels")):
                text = change(info.filename, data.decode("utf-8"))
                if text is None:
                    continue
                data = text.encode("utf-8")
            archive.writestr(info, data)


REACHES = [
    "{{ cycler.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
]


@pytest.mark.parametrize("reach", REACHES)
@pytest.mark.parametrize("part", ["body", "header", "footer", "title"])
def test_a_template_reaching_for_python_internals_is_refused(tmp_path, reach, part) -> None:
    templates = _template(tmp_path, **{part: reach})
    with pytest.raises(TemplateError) as caught:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert "default.docx" in str(caught.value)
    assert "refused: the template reaches for something unsafe" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_a_template_declaring_entities_is_refused_and_reads_no_file(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    templates = _template(tmp_path, body="MARKER")
    doctype = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'

    def declare_entity(name: str, text: str) -> str | None:
        if name != "word/document.xml":
            return text
        start = text.index("<w:document")
        return (text[:start] + doctype + text[start:]).replace("MARKER", "&x;")

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", declare_entity)
    with pytest.raises(TemplateError, match="declares a DOCTYPE") as caught:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert "TOPSECRET" not in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_a_template_syntax_error_names_the_file_and_where(tmp_path) -> None:
    templates = _template(tmp_path, body="Före {% for a in actors %} utan slut")
    with pytest.raises(TemplateError) as caught:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    message = str(caught.value)
    assert "verksamhetsplan/default.docx" in message
    assert "endfor" in message and "Före" in message


def test_a_template_with_an_unknown_field_names_it(tmp_path) -> None:
    templates = _template(tmp_path, body="{{ initiative.namn }}")
    with pytest.raises(TemplateError, match=r"unknown field: .*'namn'"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


def test_a_template_that_writes_gigabytes_is_stopped(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(word, "MAX_OUTPUT_CHARACTERS", 2_000_000)
    templates = _template(
        tmp_path,
        body="{% for i in range(100000) %}{% for j in range(100000) %}"
        "xxxxxxxxxx{% endfor %}{% endfor %}",
    )
    with pytest.raises(TemplateError, match="more than 1 million characters"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


def test_a_template_that_loops_without_end_is_stopped(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(word, "RENDER_SECONDS", 1)
    templates = _template(
        tmp_path,
        body="{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    )
    with pytest.raises(TemplateError, match="took more than 1 s"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


def test_jinja_in_a_powerpoint_template_is_never_evaluated(tmp_path) -> None:
    from klusterdocs.render.lookup import builtin_templates

    prs = Presentation(str(builtin_templates() / "modul" / "default.pptx"))
    layout = prs.slide_layouts[1]
    layout.placeholders[0].text = REACHES[0]
    folder = tmp_path / "t" / "modul"
    folder.mkdir(parents=True)
    prs.save(str(folder / "default.pptx"))
    from tests.conftest import PROGRAM

    path = write_deck(load_program(PROGRAM), 1, tmp_path / "out", templates=folder.parent)
    saved = Presentation(str(path))
    assert REACHES[0] in saved.slide_layouts[1].placeholders[0].text  # left as typed
    assert "<module" not in "".join(s.shapes.title.text for s in saved.slides if s.shapes.title)


# -- output safety and faults ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("../../x", "x"),
        ("CON", "initiativ-con"),
        ("/etc/passwd", "etc-passwd"),
        ("..", "initiativ"),
    ],
)
def test_names_cannot_write_outside_the_output_folder(write, tmp_path, name, folder) -> None:
    model = load_initiative(write(THIN.replace("Tunt Kluster", name)))
    path = write_word_document(model, "forstudie", tmp_path / "out")
    assert path == tmp_path / "out" / folder / "forstudie.docx"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_output_folder_is_a_clear_error(runner: CliRunner, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = runner.invoke(main, ["plan", str(EXAMPLE), "-o", str(locked)])
    assert result.exit_code == 1
    assert "cannot write to" in result.output


def test_a_full_disk_is_a_clear_error_and_keeps_the_old_document(tmp_path, monkeypatch) -> None:
    model = load_initiative(EXAMPLE)
    target = write_word_document(model, "verksamhetsplan", tmp_path)
    before = target.read_bytes()

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(word.zipfile.ZipFile, "writestr", no_space)
    with pytest.raises(RenderError, match="No space left on device"):
        write_word_document(model, "verksamhetsplan", tmp_path)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["verksamhetsplan.docx"]


def test_a_process_killed_mid_write_leaves_the_old_document_and_no_temporary_files(
    tmp_path: Path,
) -> None:
    model = load_initiative(EXAMPLE)
    target = write_word_document(model, "verksamhetsplan", tmp_path)
    before = target.read_bytes()
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from klusterdocs.render import word
        original = word._write_package
        def slow(*args):
            original(*args)
            Path({str(tmp_path / "ready")!r}).touch()
            time.sleep(60)
        word._write_package = slow
        from klusterdocs.documents import write_word_document
        from klusterdocs.loading import load_initiative
        write_word_document(load_initiative(Path({str(EXAMPLE)!r})), "verksamhetsplan",
                            Path({str(tmp_path)!r}))
    """)
    process = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    folder = target.parent
    assert target.read_bytes() == before
    assert any(p.name.endswith(".tmp") for p in folder.iterdir())  # the killed run's leftover
    write_word_document(model, "verksamhetsplan", tmp_path)  # the next run cleans it up
    assert sorted(p.name for p in folder.iterdir()) == ["verksamhetsplan.docx"]


def test_a_permission_error_on_the_output_folder_is_a_clear_error(
    runner: CliRunner, tmp_path, monkeypatch
) -> None:
    import klusterdocs.output

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(klusterdocs.output.tempfile, "mkstemp", refused)
    result = runner.invoke(main, ["plan", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "cannot write to" in result.output and "Permission denied" in result.output
    assert "Traceback" not in result.output


FOOTNOTE_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"
  office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>
  <text:p>Text<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1
  </text:note-citation><text:note-body><text:p>{{ cycler.__init__.__globals__ }}</text:p>
  </text:note-body></text:note></text:p></office:text></office:body></office:document>
"""


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_template_reaching_for_internals_in_a_footnote_is_refused(tmp_path) -> None:
    source = tmp_path / "footnote.fodt"
    source.write_text(FOOTNOTE_TEMPLATE, encoding="utf-8")
    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    (folder / "footnote.docx").rename(folder / "default.docx")
    with zipfile.ZipFile(folder / "default.docx") as archive:
        assert "word/footnotes.xml" in archive.namelist()
    with pytest.raises(TemplateError, match="reaches for something unsafe"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=folder.parent
        )


def test_an_output_file_open_elsewhere_is_a_clear_error(tmp_path, monkeypatch) -> None:
    """Windows refuses to replace a document that Word has open."""
    import klusterdocs.output

    model = load_initiative(EXAMPLE)
    target = write_word_document(model, "verksamhetsplan", tmp_path)
    before = target.read_bytes()

    def in_use(source, destination):
        raise PermissionError(
            13, "The process cannot access the file because it is being used by another process"
        )

    monkeypatch.setattr(klusterdocs.output.os, "replace", in_use)
    with pytest.raises(RenderError, match=r"cannot write .*verksamhetsplan\.docx: The process"):
        write_word_document(model, "verksamhetsplan", tmp_path)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["verksamhetsplan.docx"]


def test_a_template_without_core_properties_still_gets_them(tmp_path) -> None:
    """Some tools save a .docx with no docProps/core.xml; the document still gets its title."""
    templates = _template(tmp_path, body="{{ initiative.name }}")

    def without_core(name: str, text: str) -> str | None:
        if name == "docProps/core.xml":
            return None
        return re.sub(r"<(Override|Relationship)[^>]*core[^>]*/>", "", text)

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", without_core)
    written = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
    )
    opened = docx.Document(str(written))
    assert opened.core_properties.title == "Verksamhetsplan – Smart Textiles"
    assert opened.core_properties.author == "Anna Exempelsson"
    with zipfile.ZipFile(written) as archive:
        assert archive.read("[Content_Types].xml").count(b"core-properties") == 1
